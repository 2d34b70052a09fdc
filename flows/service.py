"""The service's Prefect flows: `watch-inbox` (scheduled by `intake serve`, or run by `intake watch`)
runs the inbox pass of `intake.service_pass` with Prefect steps: finding and taking submissions are
tasks, each submission is an `intake-submission` sub-flow run named after its claim id and tagged
with its channel. Storage and network failures are retried with backoff (a bad document is never
retried: it becomes flags). Each submission run publishes a markdown summary of its claim and a table
of its flags, so an operator sees in the UI why a claim needs review without opening any file."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from uuid import UUID

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, get_run_logger, runtime, tags
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.logging import get_logger

from flows.tasks import OCR_LIMIT, handoff_task, pending_task, process_task, take_task
from infra.storage.base import Storage
from infra.storage.notifications import InboxSignal, inbox_signal
from infra.storage.settings import open_storage
from intake import inbox
from intake.service_pass import PassSteps, run_pass
from models import Claim, Document

SUBMISSION_FLOW = "intake-submission"
DEPLOYMENT_NAME = "intake"  # `intake serve` serves watch-inbox as the deployment `watch-inbox/intake`


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


def _value(document: Document, name: str) -> str:
    return document.fields[name].value if name in document.fields else "-"


def summary_markdown(claim: Claim) -> str:
    """The claim for an operator: status and why, each document's type and key figures - codes and
    figures only: no file name, no name, no text from the documents (the review desk shows those)."""
    lines = [f"# {claim.claim_id}: {claim.status.value}", ""]
    if claim.status_reason:
        lines += [f"**Why:** {claim.status_reason}", ""]
    lines += [
        "| document | type | date | total | currency | total in EUR (ECB rate of the date of care) |",
        "|---|---|---|---|---|---|",
    ]
    for number, doc in enumerate(claim.documents, start=1):
        figures = " | ".join(_value(doc, n) for n in ("date", "total", "currency", "total_eur"))
        lines.append(f"| #{number} | {doc.doc_type.value} | {figures} |")
    if claim.total_eur is not None and claim.total_eur.amount is not None:
        lines += ["", f"**Bills in EUR:** {claim.total_eur.amount}"]
    lines += ["", f"{len(claim.rejected_files)} file(s) refused, {len(claim.all_flags())} flag(s)."]
    return "\n".join(lines)


def flag_rows(claim: Claim) -> list[dict[str, str]]:
    """The flags for an operator: code, severity, which document (by its place in the request) and page."""
    numbers = {d.file: str(i) for i, d in enumerate(claim.documents, start=1)}
    numbers.update({r.file: f"refused {i}" for i, r in enumerate(claim.rejected_files, start=1)})
    return [
        {
            "code": f.code.value,
            "severity": f.severity.value,
            "document": numbers.get(f.file or "", "-"),
            "page": str(f.page or ""),
        }
        for f in claim.all_flags()
    ]


def review_link(claim_id: str) -> str | None:
    """The claim's page on the review desk, when INTAKE_REVIEW_URL says where the desk is."""
    base = os.environ.get("INTAKE_REVIEW_URL")
    return f"{base.rstrip('/')}/claims/{claim_id}" if base else None


def outcome_tags(claim: Claim, channel: str) -> list[str]:
    """Tags an operator filters runs on: the channel and the outcome (`status:needs_review`...)."""
    return [channel, f"status:{claim.status.value}"]


def _mark_outcome(claim: Claim, channel: str) -> None:
    """The run renamed after the claim it made or completed (a reply's run bears the claim it updated),
    tagged with its outcome, and one log line with the claim, its status and its reason codes."""
    run = runtime.flow_run.get_id()
    with get_client(sync_client=True) as client:
        if run is not None:
            client.update_flow_run(UUID(run), name=claim.claim_id, tags=outcome_tags(claim, channel))
    get_run_logger().info("claim %s: %s (%s)", claim.claim_id, claim.status.value, claim.status_reason or "no flag")


def _publish(claim: Claim) -> None:
    key = claim.claim_id.lower()
    link = review_link(claim.claim_id)
    markdown = summary_markdown(claim) + (f"\n\n[Open on the review desk]({link})" if link else "")
    create_markdown_artifact(markdown=markdown, key=f"{key}-summary", description=f"Claim {claim.claim_id}")
    create_table_artifact(
        table=flag_rows(claim) or [{"code": "-", "severity": "-", "document": "-", "page": "-"}],
        key=f"{key}-flags",
        description=f"Flags of {claim.claim_id}",
    )


def _run_submission(storage: Storage, submission: inbox.Submission, marker: inbox.Marker) -> Claim:
    """One submission as an `intake-submission` flow run named after its claim; the run's parameters
    are the claim number and the channel only (names and keys stay in this process)."""

    def intake_submission(claim_id: str, channel: str) -> Claim:
        """One submission -> one claim (or the claim it answers), with its artifacts."""
        claim = process_task(storage, submission, marker)
        _publish(claim)
        _mark_outcome(claim, channel)
        return claim

    runner = flow(name=SUBMISSION_FLOW, flow_run_name="{claim_id}", validate_parameters=False)(intake_submission)
    with tags(submission.channel):
        return runner(claim_id=marker.claim_id, channel=submission.channel)


PREFECT_STEPS = PassSteps(pending=pending_task, take=take_task, process=_run_submission)


@flow(name="watch-inbox", validate_parameters=False)
def watch_flow(quiet_seconds: float = 120.0) -> list[str]:
    """One pass over the inbox: one `intake-submission` run per complete submission; then the hand-off."""
    logger = get_run_logger()
    claims = [claim.claim_id for claim in run_pass(open_storage(), timedelta(seconds=quiet_seconds), steps=PREFECT_STEPS)]
    url = os.environ.get("INTAKE_ADJUDICATION_URL")
    if url:
        logger.info("hand-off: %d claim(s) delivered", handoff_task(url))
    logger.info("%d submission(s) processed", len(claims))
    return claims


def start_notification_trigger(interval: float, quiet_seconds: float) -> InboxSignal:
    """When the bucket announces new inbox objects (MinIO), start a `watch-inbox` run at once instead of
    waiting for the schedule. Without notifications nothing is started: the schedule polls."""
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
