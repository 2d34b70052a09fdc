"""The service's Prefect flows.

`intake serve` serves the deployment `intake-submission/intake`: one run per submission, started by the
service's dispatcher (intake/dispatch.py: a bucket notification, or the reconciliation pass that costs
what is new) and named after its claim; nothing runs while nothing arrives. Its parameters are the
claim number, the channel and the marker key (no name, no file name: the run finds the submission
through the index). `intake watch` runs the same flow in its own process (no deployment).

A run shows its stages as tasks (`take-submission`, `check-uploads`, `read-page-<file>-<page>`,
`build-document-<file>`, `hand-off`), publishes a markdown summary of its claim and a table of its flags
(an operator sees why a claim needs review without opening any file), and is tagged with its channel,
`status:<claim status>`, `reply` when it completed an earlier claim, and `handoff:delivered` /
`handoff:failed`. A hand-off that failed fails the run: the claim stays in the outbox, and the
service's outbox pass (an `intake-handoff` run, only when a claim has waited, with backoff) delivers it
later and tags its runs `handoff:delivered`. A failing storage fails the run too (the submission's
lease lapses and a later pass dispatches it again); a bad document never does: it becomes flags."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, get_run_logger, runtime, tags
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency
from prefect.logging import get_logger
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from flows.health import undelivered
from flows.run_tags import retag_claim_runs
from flows.tasks import OCR_LIMIT, PREFECT_STAGES, handoff_task, take_task
from infra.index.store import ClaimIndex, open_index
from infra.storage.base import Storage
from infra.storage.notifications import InboxSignal, inbox_signal
from infra.storage.settings import open_storage
from infra.storage.webhook import EventWebhook
from intake import inbox
from intake.dispatch import Dispatcher, ServiceLoop, locate
from intake.handoff import HandoffFailed
from intake.pipeline import worker_count
from intake.submission import process_submission
from models import Claim, ClaimStatus, Document

SUBMISSION_FLOW = "intake-submission"
DEPLOYMENT_NAME = "intake"  # `intake serve` serves `intake-submission/intake` and `intake-monitor/intake`
SUBMISSION_DEPLOYMENT = f"{SUBMISSION_FLOW}/{DEPLOYMENT_NAME}"
HANDOFF_FLOW = "intake-handoff"


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


def outcome_tags(claim: Claim, channel: str, reply: bool = False) -> list[str]:
    """Tags an operator filters runs on: the channel, the outcome (`status:needs_review`...), `reply`."""
    return [channel, f"status:{claim.status.value}", *(["reply"] if reply else [])]


def _mark_outcome(claim: Claim, channel: str, reserved: str, marker: str) -> None:
    """The run renamed after the claim it made or completed and tagged with its outcome; a reply's run
    (it completed another claim than the number reserved for it) is tagged `reply` and its `claim_id`
    parameter names the claim it updated. One log line with the claim, its status and its reason codes."""
    run = runtime.flow_run.get_id()
    reply = claim.claim_id != reserved
    with get_client(sync_client=True) as client:
        if run is not None:
            parameters = {"claim_id": claim.claim_id, "channel": channel, "marker": marker} if reply else None
            client.update_flow_run(
                UUID(run), name=claim.claim_id, tags=outcome_tags(claim, channel, reply), parameters=parameters
            )
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


def _hand_off_claim(claim: Claim) -> State | None:
    """A ready claim handed off to adjudication (INTAKE_ADJUDICATION_URL) as this run's `hand-off` task; the
    run tagged `handoff:delivered` or `handoff:failed`. A failed hand-off fails the run (the claim stays in
    the outbox; the service's outbox pass tries again): its state, else None."""
    url = os.environ.get("INTAKE_ADJUDICATION_URL")
    if not url or claim.status is not ClaimStatus.READY:
        return None
    state = handoff_task(url, only=claim.claim_id, return_state=True)
    failed = state.is_failed()
    retag_claim_runs(claim.claim_id, {"handoff": "failed" if failed else "delivered"}, flows=(SUBMISSION_FLOW,))
    if not failed:
        return None
    error = state.result(raise_on_failure=False)
    status = error.waiting[0].status if isinstance(error, HandoffFailed) and error.waiting else None
    message = f"claim {claim.claim_id} is {claim.status.value}, but the hand-off to adjudication failed (HTTP {status or 'no answer'}): kept in the outbox"
    get_run_logger().error(message)
    return Failed(message=message)


def _process_taken(
    storage: Storage, submission: inbox.Submission, taken: inbox.Marker, claim_id: str, channel: str, marker: str
) -> str | State:
    """A submission this run holds: read stage by stage (`check-uploads`, `read-page-*`, `build-document-*`
    tasks, within one OCR slot), written, published, tagged, handed off."""
    with concurrency(OCR_LIMIT, occupy=1):  # without the limit on the server (not created): no waiting
        claim = process_submission(storage, submission, taken, stages=PREFECT_STAGES)
    _publish(claim)
    _mark_outcome(claim, channel, claim_id, marker)
    return _hand_off_claim(claim) or claim.claim_id


def _skipped(message: str) -> State:
    """The final state of a run that had nothing to do: Completed, named `Skipped` in the UI, saying why."""
    get_run_logger().info(message)
    return Completed(name="Skipped", message=message)


SUBMISSION_RUNNER = ThreadPoolTaskRunner(max_workers=worker_count())  # type: ignore[var-annotated]


@flow(
    name=SUBMISSION_FLOW,
    flow_run_name="{claim_id}",
    validate_parameters=False,
    task_runner=SUBMISSION_RUNNER,  # type: ignore[arg-type]  # Prefect types the runner's future invariantly
)
def submission_flow(claim_id: str, channel: str, marker: str) -> str | State:
    """One dispatched submission (the deployment's run): taken (exactly once), then processed. A run that
    finds it done or held by another (two dispatchers raced) ends `Skipped`; a Failed state when its
    hand-off failed."""
    storage = open_storage()
    submission = locate(storage, open_index(storage), marker)
    if submission is None:
        return _skipped(f"claim {claim_id}: its submission is not in the index; the reconciliation will dispatch it again")
    taken = take_task(storage, submission, datetime.now(UTC), claim_id=claim_id)
    if taken is None:
        return _skipped(f"claim {claim_id}: done or taken by another run, nothing to do")
    return _process_taken(storage, submission, taken, claim_id, channel, marker)


def start_run(submission: inbox.Submission, claim_id: str) -> None:
    """Create the submission's deployment run, named after its claim, tagged with its channel (returns at
    once: the runner of `intake serve` picks it up). A plain client call from the caller's thread (the
    webhook's or the loop's), not `run_deployment`, whose event-loop hand-over cost ~2 s here."""
    parameters = {"claim_id": claim_id, "channel": submission.channel, "marker": inbox.marker_key(submission)}
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(SUBMISSION_DEPLOYMENT)
        client.create_flow_run_from_deployment(deployment.id, parameters=parameters, name=claim_id, tags=[submission.channel])


def run_here(submission: inbox.Submission, claim_id: str) -> bool:
    """Take the submission, then run its flow in this process (`intake watch`: no deployment, no runner):
    a top-level `intake-submission` run named after its claim, tagged with its channel. False, and no
    run at all, when another worker holds it or it is done. A run that failed (its hand-off, the
    storage) is a warning naming the claim: the claim is on file or its lease lapses."""
    storage = open_storage()
    taken = inbox.take(storage, submission, datetime.now(UTC), claim_id=claim_id)
    if taken is None:
        return False
    marker = inbox.marker_key(submission)

    def intake_submission(claim_id: str, channel: str, marker: str) -> str | State:
        """One submission taken by this worker, processed."""
        return _process_taken(storage, submission, taken, claim_id, channel, marker)

    # Prefect types the runner's future invariantly, so its own ThreadPoolTaskRunner does not match the parameter
    decorate = flow(name=SUBMISSION_FLOW, flow_run_name="{claim_id}", validate_parameters=False, task_runner=SUBMISSION_RUNNER)  # type: ignore[arg-type]
    runner = decorate(intake_submission)
    with tags(submission.channel):
        state = runner(claim_id=claim_id, channel=submission.channel, marker=marker, return_state=True)
    if state.is_failed() or state.is_crashed():
        get_logger().warning("claim %s: run %s (%s)", claim_id, state.name, state.message or "no message")
    return True


@flow(name=HANDOFF_FLOW, flow_run_name="outbox-{waiting}-waiting", validate_parameters=False)
def handoff_flow(waiting: int) -> int | State:
    """The adjudication outbox handed off again (`waiting` claims were waiting): the number delivered, or a
    Failed state naming what is still undelivered. The `outbox` artifact lists what still waits; the runs
    of each claim delivered now are tagged `handoff:delivered` (they were `handoff:failed`)."""
    state = handoff_task(os.environ.get("INTAKE_ADJUDICATION_URL", ""), return_state=True)
    outcome = state.result(raise_on_failure=False)
    still = outcome.waiting if isinstance(outcome, HandoffFailed) else []
    create_table_artifact(
        key="outbox",
        description="Claims waiting in the adjudication outbox after the last hand-off",
        table=[{"claim": d.claim_id, "status": str(d.status or "no answer"), "attempts": str(d.attempts)} for d in still]
        or [{"claim": "-", "status": "all delivered", "attempts": "-"}],
    )
    delivered = outcome if isinstance(outcome, list) else []
    for claim_id in delivered:
        retag_claim_runs(claim_id, {"handoff": "delivered"}, flows=(SUBMISSION_FLOW,))
    if still or not isinstance(outcome, list):
        return Failed(message=str(outcome))
    return len(delivered)


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


@dataclass
class OutboxPass:
    """After each dispatcher pass: the adjudication outbox handed off again as an `intake-handoff` run -
    only when a claim has waited longer than `grace` (a fresh claim is handed off by its own run), and,
    after a failed run, not before a delay that doubles from `first_delay` up to `longest_delay` seconds
    (an adjudication service down for an hour makes ~8 failed runs, not one per pass). Nothing waiting
    costs one query of the index and makes no run."""

    index: ClaimIndex
    grace: timedelta = timedelta(seconds=60)
    first_delay: float = 30.0
    longest_delay: float = 900.0
    failures: int = 0
    next_at: float = 0.0  # time.monotonic() before which no run is made

    def __call__(self) -> None:
        if not os.environ.get("INTAKE_ADJUDICATION_URL") or time.monotonic() < self.next_at:
            return
        count, waited = undelivered(self.index, datetime.now(UTC))
        if not count or waited is None or waited < self.grace:
            return
        state = handoff_flow(waiting=count, return_state=True)
        if state.is_completed():
            self.failures, self.next_at = 0, 0.0
            return
        self.failures += 1
        delay = min(self.longest_delay, self.first_delay * 2 ** (self.failures - 1))
        self.next_at = time.monotonic() + delay
        get_logger().warning("outbox: %d claim(s) not delivered; next hand-off in %.0f s", count, delay)


def start_service(interval: float, quiet_seconds: float, events_port: int | None = None, events_host: str = "0.0.0.0") -> Service:
    """Start the dispatcher: a reconciliation pass every `interval` seconds (at once when MinIO's stream
    announces an object), and, with `events_port`, the webhook MinIO POSTs its events to (token:
    INTAKE_EVENTS_TOKEN). Each submission found is started as its own deployment run."""
    storage = open_storage()
    bucket = getattr(storage, "bucket", None)
    dispatcher = Dispatcher(storage, start_run, quiet=timedelta(seconds=quiet_seconds), bucket=bucket)
    signal = inbox_signal(storage)
    loop = ServiceLoop(dispatcher, interval, waker=signal, after_pass=OutboxPass(dispatcher.index)).start()
    webhook = None
    if events_port is not None:
        token = os.environ.get("INTAKE_EVENTS_TOKEN", "")
        webhook = EventWebhook(events_host, events_port, token, dispatcher.on_event)
    return Service(loop, signal, webhook)
