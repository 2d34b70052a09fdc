"""The service's Prefect flows: `watch-inbox` (scheduled by `intake serve`, or run once by
`intake watch --once`) takes each complete inbox submission and runs one `intake-submission` flow for
it, named after its claim id and tagged with its channel. Storage and network failures are retried
with backoff (a bad document is never retried: it becomes flags). Each submission run publishes a
markdown summary of its claim and a table of its flags, so an operator sees in the UI why a claim
needs review without opening any file. The stage functions stay Prefect-free (flows/submission.py,
flows/inbox.py, flows/handoff.py)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, get_run_logger, tags, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency
from prefect.deployments import run_deployment
from prefect.logging import get_logger

from flows import inbox
from flows.handoff import deliver_pending
from flows.submission import process_submission
from infra.storage.base import StorageError
from infra.storage.notifications import InboxSignal, inbox_signal
from infra.storage.settings import open_storage
from models import Claim

RETRY_DELAYS = [2, 10, 30]
DEPLOYMENT_NAME = "intake"  # `intake serve` serves watch-inbox as the deployment `watch-inbox/intake`
OCR_LIMIT = "intake-ocr"  # a Prefect global concurrency limit: submissions read (OCR) at the same time


def ensure_ocr_limit(slots: int, resize: bool = True) -> None:
    """Create the OCR concurrency limit on the Prefect server (one slot per submission being read), or
    resize it; `resize=False` leaves an existing limit as `intake serve` set it (for `intake watch`)."""
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        if not resize:
            try:
                client.read_global_concurrency_limit_by_name(OCR_LIMIT)
                return
            except ObjectNotFound:
                pass
        client.upsert_global_concurrency_limit_by_name(OCR_LIMIT, slots)


def storage_failed(task, task_run, state) -> bool:
    """Retry only when the storage or the network failed, not on a bad document."""
    try:
        state.result()
    except StorageError:
        return True
    except Exception:
        return False
    return False


def summary_markdown(claim: Claim) -> str:
    """The claim for an operator: status and why, each document's type and key figures, the flags."""
    lines = [f"# {claim.claim_id}: {claim.status.value}", ""]
    if claim.status_reason:
        lines += [f"**Why:** {claim.status_reason}", ""]
    lines += ["| file | type | date | total | currency |", "|---|---|---|---|---|"]
    for doc in claim.documents:
        values = [doc.fields[n].value if n in doc.fields else "-" for n in ("date", "total", "currency")]
        lines.append(f"| {doc.file} | {doc.doc_type.value} | {' | '.join(values)} |")
    lines += ["", f"{len(claim.rejected_files)} file(s) refused, {len(claim.all_flags())} flag(s)."]
    return "\n".join(lines)


def flag_rows(claim: Claim) -> list[dict[str, str]]:
    return [{"code": f.code.value, "severity": f.severity.value, "file": f.file or "", "page": str(f.page or ""), "message": f.message}
            for f in claim.all_flags()]


@task(name="process-submission", cache_policy=NO_CACHE, retries=len(RETRY_DELAYS), retry_delay_seconds=RETRY_DELAYS,
      retry_condition_fn=storage_failed)
def process_task(channel: str, name: str, claim_id: str, token: str, since: str) -> Claim:
    storage = open_storage()
    submission = inbox.find_submission(storage, channel, name)
    if submission is None:
        raise LookupError("the submission is no longer in the inbox")
    marker = inbox.Marker(claim_id, "processing", token, datetime.fromisoformat(since))
    with concurrency(OCR_LIMIT, occupy=1):  # without the limit on the server (not created): no waiting
        claim = process_submission(storage, submission, marker)
    inbox.finish(storage, submission, marker)
    return claim


@flow(name="intake-submission", flow_run_name="{claim_id}", validate_parameters=False)
def submission_flow(channel: str, name: str, claim_id: str, token: str, since: str) -> Claim:
    """One submission -> one claim (or the claim it answers), with its artifacts."""
    claim = process_task(channel, name, claim_id, token, since)
    key = claim.claim_id.lower()
    create_markdown_artifact(markdown=summary_markdown(claim), key=f"{key}-summary", description=f"Claim {claim.claim_id}")
    create_table_artifact(table=flag_rows(claim) or [{"code": "-", "severity": "-", "file": "-", "page": "-", "message": "no flag"}],
                          key=f"{key}-flags", description=f"Flags of {claim.claim_id}")
    return claim


@task(name="pending-submissions", cache_policy=NO_CACHE, retries=len(RETRY_DELAYS), retry_delay_seconds=RETRY_DELAYS,
      retry_condition_fn=storage_failed)
def pending_task(quiet_seconds: float) -> list[tuple[str, str]]:
    """(channel, name) of every complete submission not done yet - not taken: each is taken just before
    it is processed, so several workers share a backlog and a lease starts when the work does."""
    storage = open_storage()
    return [(s.channel, s.name) for s in inbox.pending(storage, datetime.now(UTC), timedelta(seconds=quiet_seconds))]


@task(name="take-submission", cache_policy=NO_CACHE, retries=len(RETRY_DELAYS), retry_delay_seconds=RETRY_DELAYS,
      retry_condition_fn=storage_failed)
def take_task(channel: str, name: str) -> tuple[str, str, str] | None:
    """(claim id, token, since) when this worker won the submission; None when another has it or it is done."""
    storage = open_storage()
    submission = inbox.find_submission(storage, channel, name)
    marker = inbox.take(storage, submission, datetime.now(UTC)) if submission else None
    return (marker.claim_id, marker.token, marker.since.isoformat()) if marker else None


@task(name="hand-off", cache_policy=NO_CACHE, retries=len(RETRY_DELAYS), retry_delay_seconds=RETRY_DELAYS,
      retry_condition_fn=storage_failed)
def handoff_task(url: str) -> int:
    """POST ready claims to adjudication; failures stay in the outbox for the next pass."""
    return sum(d.delivered for d in deliver_pending(open_storage(), url))


@flow(name="watch-inbox", validate_parameters=False)
def watch_flow(quiet_seconds: float = 120.0) -> list[str]:
    """One pass over the inbox: one `intake-submission` run per complete submission; then the hand-off."""
    logger = get_run_logger()
    claims = []
    for channel, name in pending_task(quiet_seconds):
        taken = take_task(channel, name)
        if taken is None:
            continue  # another worker took it meanwhile
        claim_id, token, since = taken
        with tags(channel):
            claim = submission_flow(channel, name, claim_id, token, since)
        claims.append(claim.claim_id)
    url = os.environ.get("INTAKE_ADJUDICATION_URL")
    if url:
        logger.info("hand-off: %d claim(s) delivered", handoff_task(url))
    logger.info("%d submission(s) processed", len(claims))
    return claims


def start_notification_trigger(interval: float, quiet_seconds: float) -> InboxSignal:
    """When the bucket announces new inbox objects (MinIO), start a `watch-inbox` run at once instead of
    waiting for the schedule. Without notifications nothing is started: the schedule polls."""
    import threading

    signal = inbox_signal(open_storage())

    def trigger() -> None:
        while signal.mode == "notifications":
            if signal.wait(interval):
                try:
                    run_deployment(f"{watch_flow.name}/{DEPLOYMENT_NAME}", parameters={"quiet_seconds": quiet_seconds}, timeout=0)
                except Exception as error:
                    get_logger().warning("could not start watch-inbox on a notification (%s)", type(error).__name__)

    threading.Thread(target=trigger, name="notification-trigger", daemon=True).start()
    return signal
