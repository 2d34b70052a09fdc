"""The service's Prefect flows.

`intake serve` serves the deployment `intake-submission/intake`: one run per submission, started by the
service's dispatcher (intake/dispatch.py: a bucket notification, or the reconciliation pass that costs
what is new) and named after its claim; nothing runs while nothing arrives. Its parameters are the
claim number, the channel and the marker key (no name, no file name: the run finds the submission
through the index). `watch-inbox` (run by `intake watch`, without a deployment) runs the inbox pass of
`intake.service_pass` with Prefect steps: finding and taking submissions are tasks, each submission an
`intake-submission` sub-flow run named after its claim id and tagged with its channel. Storage and network failures are retried with backoff (a bad document is never
retried: it becomes flags). Each submission run publishes a markdown summary of its claim and a table
of its flags, so an operator sees in the UI why a claim needs review without opening any file."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from uuid import UUID

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, get_run_logger, runtime, tags
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.client.orchestration import get_client
from prefect.logging import get_logger

from flows.tasks import OCR_LIMIT, handoff_task, pending_task, process_task, take_task
from infra.index.store import ClaimIndex, open_index
from infra.storage.base import Storage
from infra.storage.notifications import InboxSignal, inbox_signal
from infra.storage.settings import open_storage
from infra.storage.webhook import EventWebhook
from intake import inbox
from intake.dispatch import Dispatcher, ServiceLoop, locate
from intake.handoff import deliver_pending
from intake.reconcile import Reconciler
from intake.service_pass import PassSteps, run_pass
from models import Claim, Document

SUBMISSION_FLOW = "intake-submission"
DEPLOYMENT_NAME = "intake"  # `intake serve` serves `intake-submission/intake` and `intake-monitor/intake`
SUBMISSION_DEPLOYMENT = f"{SUBMISSION_FLOW}/{DEPLOYMENT_NAME}"


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


@flow(name=SUBMISSION_FLOW, flow_run_name="{claim_id}", validate_parameters=False)
def submission_flow(claim_id: str, channel: str, marker: str) -> str | None:
    """One dispatched submission (the deployment's run): taken (exactly once), read, written, handed off.
    None when it is not to be processed here (done, or another run holds it)."""
    logger = get_run_logger()
    storage = open_storage()
    submission = locate(storage, open_index(storage), marker)
    if submission is None:
        logger.warning("claim %s: its submission is not in the index; the reconciliation will dispatch it again", claim_id)
        return None
    taken = take_task(storage, submission, datetime.now(UTC), claim_id=claim_id)
    if taken is None:
        logger.info("claim %s: done or taken by another run, nothing to do", claim_id)
        return None
    claim = process_task(storage, submission, taken)
    _publish(claim)
    _mark_outcome(claim, channel)
    url = os.environ.get("INTAKE_ADJUDICATION_URL")
    if url:
        logger.info("hand-off: %d claim(s) delivered", handoff_task(url))
    return claim.claim_id


def start_run(submission: inbox.Submission, claim_id: str) -> None:
    """Create the submission's deployment run, named after its claim, tagged with its channel (returns at
    once: the runner of `intake serve` picks it up). A plain client call from the caller's thread (the
    webhook's or the loop's), not `run_deployment`, whose event-loop hand-over cost ~2 s here."""
    parameters = {"claim_id": claim_id, "channel": submission.channel, "marker": inbox.marker_key(submission)}
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(SUBMISSION_DEPLOYMENT)
        client.create_flow_run_from_deployment(deployment.id, parameters=parameters, name=claim_id, tags=[submission.channel])


def run_here(submission: inbox.Submission, claim_id: str) -> None:
    """Run the submission's flow in this process (`intake watch`: no deployment, no runner), tagged with
    its channel: a top-level `intake-submission` run named after its claim."""
    with tags(submission.channel):
        submission_flow(claim_id=claim_id, channel=submission.channel, marker=inbox.marker_key(submission))


@flow(name="watch-inbox", validate_parameters=False)
def watch_flow(quiet_seconds: float = 120.0, incremental: bool = False) -> list[str]:
    """One pass over the inbox: one `intake-submission` run per complete submission; then the hand-off.
    `incremental`: the reconciliation pass (intake/reconcile.py) instead of listing everything."""
    logger = get_run_logger()
    steps = replace(PREFECT_STEPS, pending=Reconciler()) if incremental else PREFECT_STEPS
    claims = [claim.claim_id for claim in run_pass(open_storage(), timedelta(seconds=quiet_seconds), steps=steps)]
    url = os.environ.get("INTAKE_ADJUDICATION_URL")
    if url:
        logger.info("hand-off: %d claim(s) delivered", handoff_task(url))
    logger.info("%d submission(s) processed", len(claims))
    return claims


@dataclass
class Service:
    """What `intake serve` runs beside its deployments: the reconciliation loop, the bucket's event
    stream where MinIO offers one, the webhook where configured."""

    loop: ServiceLoop
    signal: InboxSignal
    webhook: EventWebhook | None = None

    def close(self) -> None:
        self.loop.close()
        self.signal.close()
        if self.webhook is not None:
            self.webhook.close()


def _hand_off(storage: Storage, index: ClaimIndex) -> None:
    """Deliver what waits in the adjudication outbox (a query of the index: nothing to do costs nothing)."""
    url = os.environ.get("INTAKE_ADJUDICATION_URL")
    if url and index.undelivered(limit=1):
        for delivery in deliver_pending(storage, url):
            if not delivery.delivered:
                get_logger().warning("hand-off of claim %s failed: kept in the outbox", delivery.claim_id)


def start_service(interval: float, quiet_seconds: float, events_port: int | None = None, events_host: str = "0.0.0.0") -> Service:
    """Start the dispatcher: a reconciliation pass every `interval` seconds (at once when MinIO's stream
    announces an object), and, with `events_port`, the webhook MinIO POSTs its events to (token:
    INTAKE_EVENTS_TOKEN). Each submission found is started as its own deployment run."""
    storage = open_storage()
    bucket = getattr(storage, "bucket", None)
    dispatcher = Dispatcher(storage, start_run, quiet=timedelta(seconds=quiet_seconds), bucket=bucket)
    signal = inbox_signal(storage)
    loop = ServiceLoop(dispatcher, interval, waker=signal, after_pass=partial(_hand_off, storage, dispatcher.index)).start()
    webhook = None
    if events_port is not None:
        token = os.environ.get("INTAKE_EVENTS_TOKEN", "")
        webhook = EventWebhook(events_host, events_port, token, dispatcher.on_event)
    return Service(loop, signal, webhook)
