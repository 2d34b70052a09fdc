"""The served deployment runs on its schedule: a dedicated `prefect server start` (SQLite, loopback) and
`intake serve --interval 5` as subprocesses, one extranet submission dropped in a local store. Nothing
starts a run by hand: the claim appears only if the server's scheduler creates `watch-inbox` runs of
the deployment and the served runner executes them. Afterwards the Prefect API shows that the run which
made the claim was auto-scheduled for the deployment, its `intake-submission` sub-flow run is COMPLETED
and named after the claim, and the server's log has no traceback (SQLAlchemy 2.1.x broke Prefect
3.8.8's scheduler with `InvalidRequestError: Can't evaluate bulk DML statement`: no run ever came) -
SQLite's "database is locked", which Prefect logs on a busy machine and goes on from, excepted."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta

from tests.documents import pharmacy_pair
from tests.prefect_server import start_prefect_server, stop, unexplained_tracebacks

CARE_DAY = date.today() - timedelta(days=9)
CLAIM_SECONDS = 180
BROKEN_SCHEDULER = "InvalidRequestError"


def server_errors(text: str) -> list[str]:
    """What in the server's log says it failed: a traceback (SQLite contention aside) or the broken scheduler."""
    return unexplained_tracebacks(text) + [line for line in text.splitlines() if BROKEN_SCHEDULER in line]


def _text(path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def _tail(path) -> str:
    return _text(path)[-3000:]


def test_served_deployment_runs_on_its_schedule(tmp_path):
    home = tmp_path / "prefect-home"
    home.mkdir()
    server_log, serve_log = tmp_path / "prefect-server.log", tmp_path / "intake-serve.log"
    server, url = start_prefect_server(home, log_file=server_log)
    serve = None
    try:
        store = tmp_path / "intake-data"
        env = {
            **os.environ,
            "PREFECT_API_URL": url,
            "PREFECT_HOME": str(home),
            "INTAKE_STORAGE": "local",
            "INTAKE_ROOT": str(store),
        }
        env.pop("INTAKE_ADJUDICATION_URL", None)
        with serve_log.open("ab") as log:
            serve = subprocess.Popen(
                [sys.executable, "-m", "flows.cli", "serve", "--interval", "5"], env=env, stdout=log, stderr=subprocess.STDOUT
            )

        folder = store / "inbox" / "extranet" / "S-1"
        folder.mkdir(parents=True)
        pharmacy_pair(folder, 61, 9201, CARE_DAY)
        (folder / "manifest.json").write_text(json.dumps({"care_types": ["pharmacy"]}))  # last: the submission is complete

        deadline = time.monotonic() + CLAIM_SECONDS
        while not (claims := sorted((store / "claims").glob("*/claim.json"))):
            assert serve.poll() is None, f"intake serve exited ({serve.returncode}):\n{_tail(serve_log)}"
            assert server.poll() is None, f"the Prefect server exited:\n{_tail(server_log)}"
            errors = server_errors(_text(server_log))
            assert not errors, f"the Prefect server failed ({errors[-1]}):\n{_tail(server_log)}"  # fail fast: no run is coming
            assert time.monotonic() < deadline, (
                f"no claim after {CLAIM_SECONDS} s: the deployment never ran on its schedule\n"
                f"server log:\n{_tail(server_log)}\nintake serve log:\n{_tail(serve_log)}"
            )
            time.sleep(1)
        assert len(claims) == 1
        claim_id = claims[0].parent.name

        from prefect import get_client
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
        from prefect.settings import PREFECT_API_URL, temporary_settings

        async def runs():
            async with get_client() as client:
                deployment = await client.read_deployment_by_name("watch-inbox/intake")
                deadline = time.monotonic() + 60  # the claim is written before its sub-flow run reports COMPLETED
                while True:
                    submission_runs = await client.read_flow_runs(
                        flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[claim_id]))
                    )
                    if (
                        submission_runs and all(r.state and r.state.is_final() for r in submission_runs)
                    ) or time.monotonic() > deadline:
                        break
                    await asyncio.sleep(1)
                parents = []
                for run in submission_runs:
                    assert run.parent_task_run_id is not None, "the submission run is not a sub-flow run of watch-inbox"
                    parent_task = await client.read_task_run(run.parent_task_run_id)
                    parents.append(await client.read_flow_run(parent_task.flow_run_id))
                return deployment, submission_runs, parents

        with temporary_settings({PREFECT_API_URL: url}):
            deployment, submission_runs, parents = asyncio.run(runs())

        assert [r.name for r in submission_runs] == [claim_id]
        assert submission_runs[0].state.is_completed(), submission_runs[0].state
        (parent,) = parents
        flow_name = parent.name  # the watch-inbox run that made the claim
        assert parent.deployment_id == deployment.id, flow_name
        assert parent.auto_scheduled, f"{flow_name} was not created by the scheduler"
        assert (parent.idempotency_key or "").startswith(f"scheduled {deployment.id}"), parent.idempotency_key
        assert parent.state.is_completed() or parent.state.is_running(), parent.state

        server_text = _text(server_log)
        assert not server_errors(server_text), f"the server log:\n{server_text[-3000:]}"
    finally:
        if serve is not None:
            stop(serve)
        stop(server)
