"""One pass over the storage inbox: every complete submission taken (exactly once across workers)
and processed, one after the other, each just after it is taken (so several workers share a backlog
and a lease starts when the work does), without Prefect: the plain pass of the embedded set-up and of the
tests (the service dispatches each submission as its own `intake-submission` run instead: intake/dispatch.py,
flows/service.py). A storage failure leaves the submission's marker `processing`: its lease lapses and a
later pass (this worker or another) finishes it with the same claim id."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from infra.storage.base import Storage, StorageError
from intake import inbox
from intake.request import Clock, utc_now
from intake.submission import process_submission
from models import Claim

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PassSteps:
    """How a pass finds, takes and processes submissions."""

    pending: Callable[[Storage, datetime, timedelta], list[inbox.Submission]] = inbox.pending
    take: Callable[[Storage, inbox.Submission, datetime], inbox.Marker | None] = inbox.take
    process: Callable[[Storage, inbox.Submission, inbox.Marker], Claim] = process_submission


def run_pass(
    storage: Storage, quiet: timedelta = inbox.QUIET, clock: Clock = utc_now, steps: PassSteps | None = None
) -> list[Claim]:
    """One pass over the inbox: the claims made or completed."""
    steps = steps or PassSteps(process=lambda s, sub, marker: process_submission(s, sub, marker, clock=clock))
    done = []
    for submission in steps.pending(storage, clock(), quiet):
        marker = steps.take(storage, submission, clock())
        if marker is None:
            continue  # another worker has it, or it is done
        try:
            claim = steps.process(storage, submission, marker)
        except StorageError:
            raise  # the storage is down: the pass stops; this marker's lease lapses and a later pass resumes it
        except Exception as error:  # a runner failure (the submission itself never raises): the others go on
            log.warning(
                "submission for claim %s not finished (%s): retried after its lease", marker.claim_id, type(error).__name__
            )
            continue
        log.info("submission processed: %s, %d document(s), status %s", claim.claim_id, len(claim.documents), claim.status.value)
        done.append(claim)
    return done
