"""Flow runs started from a warm process, for `intake serve`.

Prefect's runner starts each flow run of a served deployment in a new interpreter (multiprocessing's
`spawn`), which imports Prefect, this package and the pipeline again before the run can report
RUNNING: ~2.5 s on this 2-core machine, on top of the runner's poll - a new submission's run would
start ~3.5 s after its event. `install()` makes the runner fork its runs instead from multiprocessing's
fork server, a small process started once, single-threaded, that imported those modules beforehand:
a run's process exists in milliseconds, already warm, and is still a process of its own (a crash or a
runaway document kills that run only; the runner watches, cancels and reports it as before).

How: Prefect's `run_flow_in_subprocess` (the runner's only way to start a served flow) asks the
`multiprocessing` module of `prefect.flow_engine` for the "spawn" context; that module name is given a
stand-in which answers with the fork server's context instead. Everything else (the pickled call, the
environment, the control channel) is Prefect's own code, unchanged. Prefect is pinned (pyproject.toml):
`tests/integration/test_warm_start.py` checks that the hook still exists and that a served run really
starts from the fork server.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
from types import ModuleType
from typing import Any

# imported once by the fork server: what a submission run needs before it reports RUNNING, and the
# pipeline it then runs (its models still load in the run, at first use)
PRELOAD = (
    "prefect.flow_engine",
    "prefect.runner",
    "flows.service",
    "intake.pipeline",
)


class _ForkServerFirst(ModuleType):
    """`multiprocessing` as prefect.flow_engine sees it: "spawn" answered with the fork server."""

    def __init__(self, context: multiprocessing.context.BaseContext) -> None:
        super().__init__("multiprocessing")
        self._context = context

    def get_context(self, method: str | None = None) -> Any:
        return self._context if method == "spawn" else multiprocessing.get_context(method)

    def __getattr__(self, name: str) -> Any:
        return getattr(multiprocessing, name)


def install(preload: tuple[str, ...] = PRELOAD) -> bool:
    """Start the fork server (its imports take a few seconds, once) and have Prefect's runner fork each
    run from it. False where there is no fork server (not POSIX) or INTAKE_WARM_START=0: runs are then
    spawned as Prefect does by default."""
    if os.environ.get("INTAKE_WARM_START", "1") == "0" or "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    import prefect.flow_engine

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    from multiprocessing import forkserver

    forkserver.ensure_running()
    prefect.flow_engine.multiprocessing = _ForkServerFirst(context)
    return True


def installed() -> bool:
    """True when Prefect's runner starts runs from the fork server (in this process)."""
    import prefect.flow_engine

    return isinstance(getattr(prefect.flow_engine, "multiprocessing", None), _ForkServerFirst)


def uninstall() -> None:
    """Prefect's runner spawns its runs again (tests)."""
    import prefect.flow_engine

    prefect.flow_engine.multiprocessing = multiprocessing
