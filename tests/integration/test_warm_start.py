"""flows/warm_start.py against the pinned Prefect and a real server: a run started the way the runner
starts a served deployment's run (`prefect.flow_engine.run_flow_in_subprocess`, what the runner's
starter calls) is forked from the fork server, which imported the pipeline before, and completes."""

from __future__ import annotations

import os
import sys
from multiprocessing import forkserver
from pathlib import Path

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import StateType

from flows import warm_start


@flow(name="warm-start-probe")
def probe(out: str) -> None:
    """Says where it ran: its parent process and whether the pipeline was imported before it started."""
    Path(out).write_text(f"{os.getppid()} {'intake.pipeline' in sys.modules} {'flows.service' in sys.modules}")


@pytest.fixture
def installed():
    assert warm_start.install()
    yield
    warm_start.uninstall()


def test_a_served_run_is_forked_warm_from_the_fork_server(prefect_server, installed, tmp_path):
    from prefect.flow_engine import run_flow_in_subprocess
    from prefect.runner import _starter_direct, runner

    # the runner's starters call this very function: the hook warm_start relies on is still there
    assert _starter_direct.run_flow_in_subprocess is run_flow_in_subprocess is runner.run_flow_in_subprocess
    assert warm_start.installed()
    out = tmp_path / "where.txt"
    with get_client(sync_client=True) as client:
        flow_run = client.create_flow_run(probe, parameters={"out": str(out)})
        process = run_flow_in_subprocess(probe, flow_run=flow_run)
        process.join(120)
        state = client.read_flow_run(flow_run.id).state
    assert process.exitcode == 0 and state is not None and state.type == StateType.COMPLETED
    parent, pipeline, service = out.read_text().split()
    server_pid = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    assert int(parent) == server_pid != os.getpid()  # forked by the fork server, not spawned by this process
    assert pipeline == service == "True"  # imported once, before the run


def test_it_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("INTAKE_WARM_START", "0")
    assert not warm_start.install() and not warm_start.installed()
