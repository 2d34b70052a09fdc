"""Where it is decided which work is a Prefect task: the request's stages (upload rules, each page,
each file's documents) for the `process_claim` flow, and the inbox pass's steps (find, take, process,
hand off) for the service, with retries where only the storage failed. The functions they run are
the application layer's (`intake/`); nothing else in the code base defines a task."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.concurrency.sync import concurrency

from infra.storage.base import Storage, StorageError
from infra.storage.settings import open_storage
from intake import inbox, pipeline
from intake.handoff import deliver_pending
from intake.stages import Stages
from intake.submission import process_submission
from models import Claim, Document, Upload, UploadReport
from validators.upload import check_uploads

RETRY_DELAYS: list[float] = [2, 10, 30]
OCR_LIMIT = "intake-ocr"  # a Prefect global concurrency limit: submissions read (OCR) at the same time


def storage_failed(task: object, task_run: object, state: object) -> bool:
    """Retry only when the storage or the network failed, not on a bad document."""
    try:
        state.result()  # type: ignore[attr-defined]  # a prefect State, typed loosely by retry_condition_fn
    except StorageError:
        return True
    except Exception:  # anything else is not retried
        return False
    return False


@task(name="check-uploads", cache_policy=NO_CACHE)
def check_uploads_task(paths: Sequence[Path]) -> UploadReport:
    return check_uploads(paths)


@task(name="read-page", cache_policy=NO_CACHE, task_run_name="read-page-{upload.index}-{page_no}")
def read_page_task(upload: Upload, page_no: int) -> pipeline.PageOutcome:
    return pipeline.read_page_outcome(upload, page_no)


@task(name="build-document", cache_policy=NO_CACHE)
def build_document_task(upload: Upload, outcomes: list[pipeline.PageOutcome]) -> list[Document]:
    return pipeline.documents_from_outcomes(upload, outcomes)


def read_pages_as_tasks(uploads: Sequence[Upload]) -> list[pipeline.PageOutcome]:
    """Every page a task, run concurrently by the flow's task runner; outcomes in file then page order."""
    pipeline.warm_up_language_model()
    futures = [read_page_task.submit(upload, page_no) for upload, page_no in pipeline.page_jobs(uploads)]
    return [future.result() for future in futures]


def build_documents_as_tasks(uploads: Sequence[Upload], outcomes: Sequence[pipeline.PageOutcome]) -> list[Document]:
    """Each file's documents a task, in file order."""
    return [d for u in uploads for d in build_document_task(u, [o for o in outcomes if o.upload.index == u.index])]


PREFECT_STAGES = Stages(
    check_uploads=check_uploads_task, read_pages=read_pages_as_tasks, build_documents=build_documents_as_tasks
)


@task(
    name="pending-submissions",
    cache_policy=NO_CACHE,
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=RETRY_DELAYS,
    retry_condition_fn=storage_failed,
)
def pending_task(storage: Storage, now: datetime, quiet: timedelta) -> list[inbox.Submission]:
    """Every complete submission not done yet - not taken: each is taken just before it is processed."""
    return inbox.pending(storage, now, quiet)


@task(
    name="take-submission",
    cache_policy=NO_CACHE,
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=RETRY_DELAYS,
    retry_condition_fn=storage_failed,
)
def take_task(storage: Storage, submission: inbox.Submission, now: datetime, claim_id: str | None = None) -> inbox.Marker | None:
    """The new marker when this worker won the submission; None when another has it or it is done.
    `claim_id`: the number reserved when it was dispatched (its run is named after it)."""
    return inbox.take(storage, submission, now, claim_id=claim_id)


@task(
    name="process-submission",
    cache_policy=NO_CACHE,
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=RETRY_DELAYS,
    retry_condition_fn=storage_failed,
)
def process_task(storage: Storage, submission: inbox.Submission, marker: inbox.Marker) -> Claim:
    """One submission read and written (a plain-stages run, taking one OCR slot), then marked done.
    Its arguments stay in this process (a task's values are never sent to the Prefect server)."""
    with concurrency(OCR_LIMIT, occupy=1):  # without the limit on the server (not created): no waiting
        return process_submission(storage, submission, marker)


@task(
    name="hand-off",
    cache_policy=NO_CACHE,
    retries=len(RETRY_DELAYS),
    retry_delay_seconds=RETRY_DELAYS,
    retry_condition_fn=storage_failed,
)
def handoff_task(url: str) -> int:
    """POST ready claims to adjudication; failures stay in the outbox for the next pass, each one a
    warning naming its claim, and the `outbox` artifact lists what is still waiting."""
    deliveries = deliver_pending(open_storage(), url)
    waiting = [d for d in deliveries if not d.delivered]
    logger = get_run_logger()
    for delivery in waiting:
        logger.warning(
            "hand-off of claim %s failed (HTTP status %s after %d attempt(s)): kept in the outbox, retried next pass",
            delivery.claim_id,
            delivery.status or "none",
            delivery.attempts,
        )
    create_table_artifact(
        key="outbox",
        description="Claims waiting in the adjudication outbox after the last hand-off",
        table=[{"claim": d.claim_id, "status": str(d.status or "no answer"), "attempts": str(d.attempts)} for d in waiting]
        or [{"claim": "-", "status": "all delivered", "attempts": "-"}],
    )
    return sum(d.delivered for d in deliveries)
