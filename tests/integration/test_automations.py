"""The operators' alerts: `intake automations` installs three automations on a real `prefect server
start` (twice: replaced, not doubled), and the `intake-monitor` flow measures the review backlog and
the outbox and emits the events they watch."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.prefect_server import drain_prefect_workers, start_prefect_server, stop

NAMES = {"intake: a run failed or crashed", "intake: review backlog", "intake: outbox not delivered"}


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-home")
    server, url = start_prefect_server(home)
    yield url, home
    stop(server)


def test_automations_install_on_a_real_server_and_replace_themselves(prefect_api):
    url, home = prefect_api
    env = {**os.environ, "PREFECT_API_URL": url, "PREFECT_HOME": str(home)}
    for _ in range(2):
        run = subprocess.run(
            [sys.executable, "-m", "flows.cli", "automations"], env=env, capture_output=True, text=True, timeout=300
        )
        assert run.returncode == 0, run.stderr[-2000:]
        assert run.stdout.count("installed: ") == 3
    found = httpx.post(f"{url}/automations/filter", json={}, timeout=10).json()
    assert sorted(a["name"] for a in found) == sorted(NAMES)  # replaced, not doubled
    failed = next(a for a in found if a["name"] == "intake: a run failed or crashed")
    assert set(failed["trigger"]["expect"]) == {"prefect.flow-run.Failed", "prefect.flow-run.Crashed"}


def test_the_monitor_emits_backlog_and_stale_outbox_events(prefect_api, tmp_path, monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.monitor import BACKLOG_EXCEEDED, OUTBOX_STALE, monitor_flow
    from infra.storage.local import LocalStorage
    from intake.claim_store import ClaimStore
    from tests.unit.review.review_claims import pharmacy_claim, put_claim

    url, _home = prefect_api
    monkeypatch.setenv("INTAKE_STORAGE", "local")
    monkeypatch.setenv("INTAKE_ROOT", str(tmp_path))
    storage = LocalStorage(tmp_path)
    claim = pharmacy_claim()
    put_claim(storage, claim)  # needs review: in the managers' queue
    store = ClaimStore(storage)
    store.index_claim(claim.claim_id)  # as the intake does after writing a claim
    store.write_outbox(claim)
    store.claim_index.outbox_written(claim.claim_id, datetime.now(UTC) - timedelta(hours=3))  # written 3 hours ago
    with temporary_settings(updates={PREFECT_API_URL: url}):  # this server, not a temporary one
        assert monitor_flow(backlog_limit=0, outbox_minutes=60) == {"backlog": 1, "undelivered": 1}
        drain_prefect_workers()  # its events sent while this server answers

    seen: set[str] = set()
    deadline = time.monotonic() + 60  # events reach the server from a background worker
    while not {BACKLOG_EXCEEDED, OUTBOX_STALE} <= seen and time.monotonic() < deadline:
        page = httpx.post(f"{url}/events/filter", json={"filter": {"event": {"prefix": ["intake."]}}}, timeout=10).json()
        seen = {event["event"] for event in page.get("events", [])}
        time.sleep(0.5)
    assert {BACKLOG_EXCEEDED, OUTBOX_STALE} <= seen


@pytest.mark.parametrize("command", ["automations", "serve"])
@pytest.mark.parametrize("api_url", [None, "http://127.0.0.1:9/api"], ids=["unset", "nobody-answers"])
def test_serve_and_automations_refuse_without_a_prefect_server(command, api_url, tmp_path):
    """No temporary server that vanishes with the command: one line saying how to set PREFECT_API_URL, exit 3."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path), "INTAKE_STORAGE": "local", "INTAKE_ROOT": str(tmp_path / "store")}
    env.pop("PREFECT_API_URL", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    run = subprocess.run([sys.executable, "-m", "flows.cli", command], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 3, (run.returncode, run.stderr[-2000:])
    assert run.stdout == ""
    (line,) = run.stderr.strip().splitlines()
    assert "PREFECT_API_URL" in line and "Traceback" not in run.stderr
    assert not (tmp_path / "prefect.db").exists()  # no temporary server was started
