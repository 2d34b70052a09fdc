"""The service flows against a real (temporary) Prefect server and a real storage: `watch-inbox`
runs one `intake-submission` flow per submission, named after the claim id, tagged with its channel,
COMPLETED, with its summary and flags artifacts; ready claims are handed off over HTTP."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.documents import pharmacy_pair
from tests.unit.intake.test_handoff import Endpoint

CARE_DAY = date.today() - timedelta(days=10)


def test_watch_inbox_flow_runs_named_after_claims_with_artifacts(tmp_path, monkeypatch, prefect_server):
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    from flows.service import OCR_LIMIT, ensure_ocr_limit, watch_flow
    from infra.storage.local import LocalStorage

    ensure_ocr_limit(1)

    monkeypatch.setenv("INTAKE_STORAGE", "local")
    monkeypatch.setenv("INTAKE_ROOT", str(tmp_path / "store"))
    endpoint = Endpoint()
    monkeypatch.setenv("INTAKE_ADJUDICATION_URL", endpoint.url)
    monkeypatch.setenv("INTAKE_REVIEW_URL", "http://desk.example/")
    storage = LocalStorage(tmp_path / "store")
    pharmacy_pair(tmp_path, 31, 7101, CARE_DAY)
    for name in ("facture.pdf", "ordonnance.pdf"):
        storage.put_bytes(f"inbox/extranet/S-9/{name}", (tmp_path / name).read_bytes())
    storage.put_bytes("inbox/extranet/S-9/manifest.json", b'{"care_types": ["pharmacy"]}')
    try:
        (claim_id,) = watch_flow(quiet_seconds=120)
        assert watch_flow(quiet_seconds=120) == []  # exactly once
    finally:
        endpoint.close()
    assert json.loads(storage.get_bytes(f"claims/{claim_id}/claim.json"))["status"] == "ready"
    assert [body["claim_id"] for _, body in endpoint.received] == [claim_id]

    import asyncio

    async def runs_and_artifacts():
        async with get_client() as client:
            runs = await client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[claim_id])))
            artifacts = await client.read_artifacts()
            limit = await client.read_global_concurrency_limit_by_name(OCR_LIMIT)
            return runs, artifacts, limit

    runs, artifacts, limit = asyncio.run(runs_and_artifacts())
    assert limit.limit == 1 and limit.active_slots == 0  # the limit exists, and no slot is left held after the runs
    assert len(runs) == 1 and runs[0].state.is_completed() and {"extranet", "status:ready"} <= set(runs[0].tags)
    keys = {a.key for a in artifacts if a.flow_run_id == runs[0].id}
    assert {f"{claim_id.lower()}-summary", f"{claim_id.lower()}-flags"} <= keys
    summary = next(a for a in artifacts if a.key == f"{claim_id.lower()}-summary")
    assert f"http://desk.example/claims/{claim_id}" in str(summary.data)

    async def logs():
        from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

        async with get_client() as client:
            return await client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[runs[0].id])))

    import time

    deadline = time.monotonic() + 30  # logs reach the server from a background worker: wait for them
    while not any(f"claim {claim_id}: ready" in log.message for log in asyncio.run(logs())) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert any(f"claim {claim_id}: ready" in log.message for log in asyncio.run(logs()))  # the outcome line


def test_a_replys_run_bears_the_claim_it_completes_and_its_outcome(tmp_path, monkeypatch, prefect_server):
    from email.message import EmailMessage

    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    from flows.service import watch_flow
    from infra.storage.local import LocalStorage

    monkeypatch.setenv("INTAKE_STORAGE", "local")
    monkeypatch.setenv("INTAKE_ROOT", str(tmp_path / "store"))
    monkeypatch.delenv("INTAKE_ADJUDICATION_URL", raising=False)
    storage = LocalStorage(tmp_path / "store")
    pharmacy_pair(tmp_path, 32, 7111, CARE_DAY)
    storage.put_bytes("inbox/extranet/R-1/facture.pdf", (tmp_path / "facture.pdf").read_bytes())
    storage.put_bytes("inbox/extranet/R-1/manifest.json", b'{"care_types": ["pharmacy"]}')
    (first,) = watch_flow(quiet_seconds=120)
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "a@example.org", "b@example.org", f"Re: {first}"
    mail.set_content("Voici l'ordonnance.")
    mail.add_attachment(
        (tmp_path / "ordonnance.pdf").read_bytes(), maintype="application", subtype="pdf", filename="ordonnance.pdf"
    )
    storage.put_bytes("inbox/email/reply-1.eml", bytes(mail))
    assert watch_flow(quiet_seconds=120) == [first]  # the reply completes the claim

    import asyncio

    async def runs():
        async with get_client() as client:
            return await client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[first])))

    named = asyncio.run(runs())
    assert len(named) == 2  # the first submission's run and the reply's, both under the claim they made or completed
    assert sorted(tuple(sorted(r.tags)) for r in named) == [("email", "status:ready"), ("extranet", "status:needs_review")]


@pytest.mark.usefixtures("index_url")  # the index database on SQLite and on PostgreSQL (tests/integration/conftest.py)
def test_a_failed_hand_off_is_a_warning_naming_the_claim_and_an_outbox_artifact(tmp_path, monkeypatch, prefect_server):
    import asyncio

    from prefect import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterLevel

    from flows.service import watch_flow
    from infra.storage.local import LocalStorage
    from tests.s3_server import free_port

    monkeypatch.setenv("INTAKE_STORAGE", "local")
    monkeypatch.setenv("INTAKE_ROOT", str(tmp_path / "store"))
    monkeypatch.setenv("INTAKE_ADJUDICATION_URL", f"http://127.0.0.1:{free_port()}/claims")  # nobody listens
    monkeypatch.setattr("intake.handoff.BACKOFF_SECONDS", 0.01)
    storage = LocalStorage(tmp_path / "store")
    for path in pharmacy_pair(tmp_path, 33, 7121, CARE_DAY):
        storage.put_bytes(f"inbox/extranet/H-1/{path.name}", path.read_bytes())
    storage.put_bytes("inbox/extranet/H-1/manifest.json", b'{"care_types": ["pharmacy"]}')
    (claim_id,) = watch_flow(quiet_seconds=120)
    assert storage.exists(f"outbox/adjudication/{claim_id}.json")  # kept for the next pass

    async def warnings_and_outbox():
        async with get_client() as client:
            logs = await client.read_logs(LogFilter(level=LogFilterLevel(ge_=30)))
            return logs, await client.read_latest_artifacts()

    import time

    deadline = time.monotonic() + 30  # logs reach the server from a background worker: wait for them
    while True:
        logs, artifacts = asyncio.run(warnings_and_outbox())
        if any(f"hand-off of claim {claim_id} failed" in log.message for log in logs) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert any(f"hand-off of claim {claim_id} failed" in log.message for log in logs)
    outbox = next(a for a in artifacts if a.key == "outbox")
    assert claim_id in str(outbox.data)
