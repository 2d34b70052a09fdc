"""The service's flows against a real (temporary) Prefect server and a real storage, run as `intake watch
--once` runs them (a dispatcher pass, each submission its own `intake-submission` run): the run is named
after its claim, shows its stages as tasks, carries its outcome in its state and tags, and publishes its
summary and flags; a reply's run says which claim it completed; a failed hand-off fails the run (not
Completed), and the outbox pass that later delivers the claim says so on the claim's run."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date, timedelta

from tests.documents import pharmacy_pair
from tests.unit.intake.test_handoff import Endpoint

CARE_DAY = date.today() - timedelta(days=10)


def watch_once(storage) -> list[str]:
    """One pass as `intake watch --once` makes it: the claim numbers of the runs it made."""
    from flows.service import run_here
    from intake.dispatch import Dispatcher
    from intake.reconcile import Reconciler

    reconciler = Reconciler(sweep_every=timedelta(0))
    return Dispatcher(storage, run_here, quiet=timedelta(seconds=120), reconciler=reconciler, strict=True).reconcile()


def _runs(name: str):
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    async def read():
        async with get_client() as client:
            return await client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name])))

    return asyncio.run(read())


def _task_runs(run_id):
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async def read():
        async with get_client() as client:
            return await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])))

    return asyncio.run(read())


def _logs(run_id, text: str) -> list[str]:
    """The run's log lines holding `text`, once they reached the server (a background worker sends them)."""
    from prefect import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    async def read():
        async with get_client() as client:
            return await client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))

    deadline = time.monotonic() + 30
    while not (found := [log.message for log in asyncio.run(read()) if text in log.message]) and time.monotonic() < deadline:
        time.sleep(0.5)
    return found


def _outbox_runs_and_artifacts():
    from prefect import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    from flows.service import HANDOFF_FLOW

    async def read():
        async with get_client() as client:
            runs = await client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[HANDOFF_FLOW])))
            return runs, await client.read_latest_artifacts()

    return asyncio.run(read())


def _submit_pair(storage, tmp_path, folder: str, seed: int, number: int) -> None:
    for path in pharmacy_pair(tmp_path, seed, number, CARE_DAY):
        storage.put_bytes(f"inbox/extranet/{folder}/{path.name}", path.read_bytes())
    storage.put_bytes(f"inbox/extranet/{folder}/manifest.json", b'{"care_types": ["pharmacy"]}')


def test_a_submission_run_is_named_after_its_claim_shows_its_stages_and_is_handed_off(tmp_path, monkeypatch, prefect_server):
    from prefect import get_client

    from flows.service import OCR_LIMIT, ensure_ocr_limit
    from infra.storage.local import LocalStorage

    ensure_ocr_limit(1)
    monkeypatch.setenv("INTAKE_STORAGE", "local")
    monkeypatch.setenv("INTAKE_ROOT", str(tmp_path / "store"))
    endpoint = Endpoint()
    monkeypatch.setenv("INTAKE_ADJUDICATION_URL", endpoint.url)
    monkeypatch.setenv("INTAKE_REVIEW_URL", "http://desk.example/")
    storage = LocalStorage(tmp_path / "store")
    _submit_pair(storage, tmp_path, "S-9", 31, 7101)
    try:
        (claim_id,) = watch_once(storage)
        assert watch_once(storage) == []  # exactly once
    finally:
        endpoint.close()
    assert json.loads(storage.get_bytes(f"claims/{claim_id}/claim.json"))["status"] == "ready"
    assert [body["claim_id"] for _, body in endpoint.received] == [claim_id]

    (run,) = _runs(claim_id)
    assert run.state.is_completed()
    assert {"extranet", "status:ready", "handoff:delivered"} <= set(run.tags) and "reply" not in run.tags
    names = sorted(t.name for t in _task_runs(run.id))
    for stage in ("check-uploads-", "hand-off-"):
        assert sum(n.startswith(stage) for n in names) == 1, (stage, names)
    assert not any(n.startswith("take-submission") for n in names)  # `intake watch` takes it before its run
    assert sum(n.startswith("read-page-") for n in names) == 2, names  # one task per page (two one-page files)
    assert sum(n.startswith("build-document-") for n in names) == 2, names

    async def artifacts_and_limit():
        async with get_client() as client:
            return await client.read_artifacts(), await client.read_global_concurrency_limit_by_name(OCR_LIMIT)

    artifacts, limit = asyncio.run(artifacts_and_limit())
    assert limit.limit == 1 and limit.active_slots == 0  # the limit exists, and no slot is left held after the run
    keys = {a.key for a in artifacts if a.flow_run_id == run.id}
    assert {f"{claim_id.lower()}-summary", f"{claim_id.lower()}-flags"} <= keys
    summary = next(a for a in artifacts if a.key == f"{claim_id.lower()}-summary")
    assert f"http://desk.example/claims/{claim_id}" in str(summary.data)
    assert _logs(run.id, f"claim {claim_id}: ready")  # the outcome line


def test_a_replys_run_is_tagged_reply_and_names_the_claim_it_completed(tmp_path, monkeypatch, prefect_server):
    from email.message import EmailMessage

    from infra.storage.local import LocalStorage

    monkeypatch.setenv("INTAKE_STORAGE", "local")
    monkeypatch.setenv("INTAKE_ROOT", str(tmp_path / "store"))
    monkeypatch.delenv("INTAKE_ADJUDICATION_URL", raising=False)
    storage = LocalStorage(tmp_path / "store")
    pharmacy_pair(tmp_path, 32, 7111, CARE_DAY)
    storage.put_bytes("inbox/extranet/R-1/facture.pdf", (tmp_path / "facture.pdf").read_bytes())
    storage.put_bytes("inbox/extranet/R-1/manifest.json", b'{"care_types": ["pharmacy"]}')
    (first,) = watch_once(storage)
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "a@example.org", "b@example.org", f"Re: {first}"
    mail.set_content("Voici l'ordonnance.")
    mail.add_attachment(
        (tmp_path / "ordonnance.pdf").read_bytes(), maintype="application", subtype="pdf", filename="ordonnance.pdf"
    )
    storage.put_bytes("inbox/email/reply-1.eml", bytes(mail))
    (reserved,) = watch_once(storage)  # the number reserved for the e-mail before it was read
    assert reserved != first

    named = _runs(first)
    assert len(named) == 2  # the first submission's run and the reply's, both under the claim they made or completed
    assert sorted(tuple(sorted(r.tags)) for r in named) == [
        ("email", "reply", "status:ready"),
        ("extranet", "status:needs_review"),
    ]
    reply = next(r for r in named if "reply" in r.tags)
    assert reply.parameters["claim_id"] == first  # the claim it updated, not the unused reserved number
    assert _runs(reserved) == []


def test_a_failed_hand_off_fails_the_run_and_a_later_delivery_is_shown_on_it(tmp_path, monkeypatch, prefect_server, index_url):
    """`index_url`: the index database on SQLite and on PostgreSQL (tests/integration/conftest.py)."""
    from flows.service import OutboxPass
    from infra.index.store import open_index
    from infra.storage.local import LocalStorage

    monkeypatch.setenv("INTAKE_STORAGE", "local")
    monkeypatch.setenv("INTAKE_ROOT", str(tmp_path / "store"))
    endpoint = Endpoint(status=503)  # adjudication is down
    monkeypatch.setenv("INTAKE_ADJUDICATION_URL", endpoint.url)
    monkeypatch.setattr("intake.handoff.BACKOFF_SECONDS", 0.01)
    storage = LocalStorage(tmp_path / "store")
    variant = 1 if index_url is None else 2  # its own claim on the module's Prefect server
    _submit_pair(storage, tmp_path, f"H-{variant}", 33 + variant, 7120 + variant)
    try:
        (claim_id,) = watch_once(storage)
        assert storage.exists(f"outbox/adjudication/{claim_id}.json")  # kept for the outbox pass

        (run,) = _runs(claim_id)
        assert run.state.is_failed(), run.state  # not Completed: the claim did not reach adjudication
        assert "hand-off to adjudication failed (HTTP 503)" in (run.state.message or "")
        assert {"status:ready", "handoff:failed"} <= set(run.tags)
        handoff = next(t for t in _task_runs(run.id) if t.name.startswith("hand-off"))
        assert handoff.state.is_failed()
        assert _logs(run.id, f"hand-off of claim {claim_id} failed (HTTP status 503")

        before = {r.id for r in _outbox_runs_and_artifacts()[0]}
        outbox_pass = OutboxPass(open_index(storage), grace=timedelta(0), first_delay=600)
        outbox_pass()  # still down: a failed intake-handoff run, and no other before the delay
        assert outbox_pass.failures == 1
        outbox_pass()
        endpoint.status = 201  # adjudication is back
        outbox_pass.next_at = 0.0  # the delay has passed
        outbox_pass()
        assert outbox_pass.failures == 0
    finally:
        endpoint.close()
    assert [body["claim_id"] for _, body in endpoint.received][-1] == claim_id

    (run,) = _runs(claim_id)
    assert "handoff:delivered" in run.tags and "handoff:failed" not in run.tags  # the delivery shown on the claim's run

    runs, artifacts = _outbox_runs_and_artifacts()
    runs = [r for r in runs if r.id not in before]
    assert sorted(r.state.type.value for r in runs) == ["COMPLETED", "FAILED"]  # one each: no run during the delay
    assert all(r.name == "outbox-1-waiting" for r in runs)
    outbox = next(a for a in artifacts if a.key == "outbox")
    assert "all delivered" in str(outbox.data)


def test_a_submission_another_worker_holds_makes_no_run_here_and_a_skipped_run_when_dispatched(
    tmp_path, monkeypatch, prefect_server
):
    from datetime import UTC, datetime

    from flows.service import submission_flow
    from infra.storage.local import LocalStorage
    from intake import inbox

    monkeypatch.setenv("INTAKE_STORAGE", "local")
    monkeypatch.setenv("INTAKE_ROOT", str(tmp_path / "store"))
    monkeypatch.delenv("INTAKE_ADJUDICATION_URL", raising=False)
    storage = LocalStorage(tmp_path / "store")
    _submit_pair(storage, tmp_path, "T-1", 34, 7131)
    (submission,) = inbox.pending(storage, datetime.now(UTC), timedelta(seconds=120))
    held = inbox.take(storage, submission, datetime.now(UTC))  # another worker has it, its lease live
    assert held is not None
    assert watch_once(storage) == []  # nothing started, nothing reported
    assert _runs(held.claim_id) == []  # and no empty run

    state = submission_flow(
        claim_id=held.claim_id, channel="extranet", marker=inbox.marker_key(submission), return_state=True
    )  # a dispatched run that lost the race to it
    assert state.is_completed() and state.name == "Skipped"
    assert "taken by another run" in state.message
    (run,) = _runs(held.claim_id)
    assert run.state.name == "Skipped"
