"""`intake watch`: process every complete submission of the inbox exactly once, then (unless `once`)
keep polling. A storage failure leaves the submission's marker `processing`: its lease lapses and the
next pass (this worker or another) finishes it with the same claim id."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from flows.inbox import QUIET, finish, pending, take
from flows.submission import process_submission
from infra.storage.base import Storage, StorageError
from models import Claim

log = logging.getLogger(__name__)
POLL_SECONDS = 10.0


def run_pass(storage: Storage, quiet: timedelta = QUIET, now: Callable[[], datetime] | None = None) -> list[Claim]:
    """One pass over the inbox: the claims made or completed."""
    clock = now or (lambda: datetime.now(timezone.utc))
    done = []
    for submission in pending(storage, clock(), quiet):
        marker = take(storage, submission, clock())
        if marker is None:
            continue  # another worker has it, or it is done
        claim = process_submission(storage, submission, marker)
        finish(storage, submission, marker)
        log.info("submission processed: %s, %d document(s), status %s", claim.claim_id, len(claim.documents), claim.status.value)
        done.append(claim)
    return done


def watch(storage: Storage, once: bool = False, interval: float = POLL_SECONDS, quiet: timedelta = QUIET) -> int:
    """Process the inbox (polling); returns how many claims were made or completed."""
    total = 0
    while True:
        try:
            total += len(run_pass(storage, quiet))
        except StorageError as exc:
            log.warning("storage unavailable, retrying next pass: %s", exc)
            if once:
                raise
        if once:
            return total
        time.sleep(interval)
