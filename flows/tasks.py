"""Where it is decided which work is a Prefect task: the request's stages (upload rules, each page,
each file's documents) for the `process_claim` flow and the service's `intake-submission` runs alike,
and the service's own steps (take a submission, hand off to adjudication), with retries where only the
storage failed. The functions they run are
the application layer's (`intake/`); nothing else in the code base defines a task."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from infra.storage.base import Storage, StorageError
from infra.storage.settings import open_storage
from intake import inbox, pipeline
from intake.budget import RequestClock
from intake.handoff import HandoffFailed, deliver_pending, undelivered
from intake.stages import Stages
from models import Document, Upload, UploadReport
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
def read_page_task(upload: Upload, page_no: int, clock: RequestClock) -> pipeline.PageOutcome:
    return pipeline.read_page_outcome(upload, page_no, clock=clock)


@task(name="build-document", cache_policy=NO_CACHE, task_run_name="build-document-{upload.index}")
def build_document_task(upload: Upload, outcomes: list[pipeline.PageOutcome]) -> list[Document]:
    return pipeline.documents_from_outcomes(upload, outcomes)


def read_pages_as_tasks(uploads: Sequence[Upload]) -> list[pipeline.PageOutcome]:
    """Every page a task, run concurrently by the flow's task runner, within the request's time and CPU
    budget as in the plain stages (what it leaves unread is flagged, once per file); outcomes in file
    then page order."""
    pipeline.warm_up_language_model()
    clock = RequestClock()
    futures = [read_page_task.submit(upload, page_no, clock) for upload, page_no in pipeline.page_jobs(uploads)]
    return pipeline.merge_unread([future.result() for future in futures])


def build_documents_as_tasks(uploads: Sequence[Upload], outcomes: Sequence[pipeline.PageOutcome]) -> list[Document]:
    """Each file's documents a task, in file order."""
    return [d for u in uploads for d in build_document_task(u, [o for o in outcomes if o.upload.index == u.index])]


PREFECT_STAGES = Stages(
    check_uploads=check_uploads_task, read_pages=read_pages_as_tasks, build_documents=build_documents_as_tasks
)


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


@task(name="hand-off", cache_policy=NO_CACHE)
def handoff_task(url: str, only: str | None = None) -> list[str]:
    """POST ready claims to adjudication (`only`: that claim alone, when it waits): the claims delivered.
    A claim that could not be delivered stays in the outbox and fails the task (HandoffFailed, naming the
    claims and the HTTP status: no retry here - the service's outbox pass tries again, with backoff), each
    one also a warning naming its claim."""
    deliveries = deliver_pending(open_storage(), url, only=only)
    waiting = undelivered(deliveries)
    logger = get_run_logger()
    for delivery in waiting:
        logger.warning(
            "hand-off of claim %s failed (HTTP status %s after %d attempt(s)): kept in the outbox",
            delivery.claim_id,
            delivery.status or "none",
            delivery.attempts,
        )
    if waiting:
        raise HandoffFailed(waiting)
    return [d.claim_id for d in deliveries]
