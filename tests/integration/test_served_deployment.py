"""The served deployments: a dedicated `prefect server start` (SQLite, loopback) and `intake serve` as
subprocesses, a local store. Nothing starts a run by hand:
- a submission left in the undated layout of earlier releases before the service starts is found by its
  first pass (a full sweep), and one dropped in the dated layout while it runs is announced by MinIO's
  event JSON POSTed to the service's webhook;
- each becomes its own run of the deployment `intake-submission/intake`, named after its claim and
  COMPLETED; no `watch-inbox` run exists (nothing runs while nothing arrives);
- Ctrl-C (SIGINT) stops `intake serve` with exit code 0 and no traceback;
- `intake-monitor` runs on its schedule: the server's scheduler works (SQLAlchemy 2.1.x broke Prefect
  3.8.8's scheduler with `InvalidRequestError: Can't evaluate bulk DML statement`), and the server's log
  has no traceback (SQLite's "database is locked", which Prefect logs on a busy machine and goes on
  from, excepted)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta

import httpx

from intake.inbox import partition_of
from tests.documents import pharmacy_pair
from tests.minio_events import created_event
from tests.prefect_server import start_prefect_server, stop, unexplained_tracebacks
from tests.s3_server import free_port

CARE_DAY = date.today() - timedelta(days=9)
CLAIM_SECONDS = 240
BROKEN_SCHEDULER = "InvalidRequestError"
TOKEN = "webhook-token-for-tests"


def server_errors(text: str) -> list[str]:
    """What in the server's log says it failed: a traceback (SQLite contention aside) or the broken scheduler."""
    return unexplained_tracebacks(text) + [line for line in text.splitlines() if BROKEN_SCHEDULER in line]


def _text(path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def _tail(path) -> str:
    return _text(path)[-3000:]


def _post_event(port: int, key: str) -> None:
    """POST MinIO's event for `key` to the service's webhook, once it listens."""
    deadline = time.monotonic() + 60
    while True:
        try:
            answer = httpx.post(
                f"http://127.0.0.1:{port}/minio/events",
                content=created_event("intake", key),
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            assert answer.status_code == 204, answer.status_code
            return
        except httpx.ConnectError:
            assert time.monotonic() < deadline, "the webhook never listened"
            time.sleep(0.5)


def test_each_submission_is_a_deployment_run_named_after_its_claim(tmp_path):
    home = tmp_path / "prefect-home"
    home.mkdir()
    server_log, serve_log = tmp_path / "prefect-server.log", tmp_path / "intake-serve.log"
    server, url = start_prefect_server(home, log_file=server_log)
    serve = None
    try:
        store = tmp_path / "intake-data"
        legacy = store / "inbox" / "extranet" / "OLD-1"  # before the service starts: its first pass sweeps it
        legacy.mkdir(parents=True)
        pharmacy_pair(legacy, 61, 9201, CARE_DAY)
        (legacy / "manifest.json").write_text(json.dumps({"care_types": ["pharmacy"]}))
        port = free_port()
        env = {
            **os.environ,
            "PREFECT_API_URL": url,
            "PREFECT_HOME": str(home),
            "INTAKE_STORAGE": "local",
            "INTAKE_ROOT": str(store),
            "INTAKE_EVENTS_TOKEN": TOKEN,
        }
        env.pop("INTAKE_ADJUDICATION_URL", None)
        command = [
            "serve",
            "--interval",
            "600",
            "--monitor-interval",
            "5",
            "--events-port",
            str(port),
            "--events-host",
            "127.0.0.1",
        ]
        with serve_log.open("ab") as log:
            serve = subprocess.Popen([sys.executable, "-m", "flows.cli", *command], env=env, stdout=log, stderr=subprocess.STDOUT)

        def wait_for_claims(count: int) -> list:
            deadline = time.monotonic() + CLAIM_SECONDS
            while len(claims := sorted((store / "claims").glob("*/claim.json"))) < count:
                assert serve.poll() is None, f"intake serve exited ({serve.returncode}):\n{_tail(serve_log)}"
                assert server.poll() is None, f"the Prefect server exited:\n{_tail(server_log)}"
                errors = server_errors(_text(server_log))
                assert not errors, f"the Prefect server failed ({errors[-1]}):\n{_tail(server_log)}"
                assert time.monotonic() < deadline, (
                    f"{len(claims)} claim(s) after {CLAIM_SECONDS} s\nserver log:\n{_tail(server_log)}\n"
                    f"intake serve log:\n{_tail(serve_log)}"
                )
                time.sleep(1)
            return claims

        wait_for_claims(1)  # the first pass swept the undated layout
        hour = partition_of(datetime.now(UTC))
        dated = store / "inbox" / hour / "extranet" / "NEW-1"
        dated.mkdir(parents=True)
        pharmacy_pair(dated, 62, 9202, CARE_DAY)
        (dated / "manifest.json").write_text(json.dumps({"care_types": ["pharmacy"]}))  # last: the submission is complete
        _post_event(port, f"inbox/{hour}/extranet/NEW-1/manifest.json")  # no pass for 10 minutes: only the event starts it
        claims = wait_for_claims(2)
        claim_ids = sorted(c.parent.name for c in claims)

        from prefect import get_client
        from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterName
        from prefect.settings import PREFECT_API_URL, temporary_settings

        async def runs():
            async with get_client() as client:
                deployment = await client.read_deployment_by_name("intake-submission/intake")
                monitor = await client.read_deployment_by_name("intake-monitor/intake")
                deadline = time.monotonic() + 60  # the claim is written before its run reports COMPLETED
                while True:
                    named = await client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=claim_ids)))
                    if (named and all(r.state and r.state.is_final() for r in named)) or time.monotonic() > deadline:
                        break
                    await asyncio.sleep(1)
                watch = await client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["watch-inbox"])))
                monitor_runs = await client.read_flow_runs(
                    flow_filter=FlowFilter(name=FlowFilterName(any_=["intake-monitor"])), limit=20
                )
                return deployment, monitor, named, watch, monitor_runs

        with temporary_settings({PREFECT_API_URL: url}):
            deployment, monitor, named, watch, monitor_runs = asyncio.run(runs())

        assert sorted(r.name for r in named) == claim_ids  # one run per submission, named after its claim
        assert all(r.deployment_id == deployment.id for r in named)
        assert all(r.state.is_completed() for r in named), [r.state for r in named]
        assert {t for r in named for t in r.tags} >= {"extranet", "status:ready"}
        assert watch == []  # no polling run
        scheduled = [r for r in monitor_runs if r.deployment_id == monitor.id and r.auto_scheduled]
        assert scheduled, "intake-monitor never ran on its schedule: the scheduler is broken"

        server_text = _text(server_log)
        assert not server_errors(server_text), f"the server log:\n{server_text[-3000:]}"
        # each run started from the runner's flow object (forked warm: flows/warm_start.py), not by a
        # `python -m prefect.engine` that loads the deployment's code again
        assert "Downloading flow code" not in _text(serve_log)

        serve.send_signal(signal.SIGINT)  # an operator's Ctrl-C: a clean stop, no traceback
        assert serve.wait(timeout=60) == 0, _tail(serve_log)
        assert "Traceback" not in _text(serve_log), _tail(serve_log)
    finally:
        if serve is not None:
            stop(serve)
        stop(server)
