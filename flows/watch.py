"""One pass over the inbox without Prefect: every complete submission processed exactly once (the
`watch-inbox` flow in flows/service.py does the same through Prefect tasks). A storage failure
leaves the submission's marker `processing`: its lease lapses and a later pass (this worker or
another) finishes it with the same claim id."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flows.inbox import QUIET, finish, pending, take
from flows.submission import process_submission
from infra.storage.base import Storage
from models import Claim

log = logging.getLogger(__name__)


def run_pass(storage: Storage, quiet: timedelta = QUIET, now: Callable[[], datetime] | None = None) -> list[Claim]:
    """One pass over the inbox: the claims made or completed."""
    clock = now or (lambda: datetime.now(UTC))
    done = []
    for submission in pending(storage, clock(), quiet):
        marker = take(storage, submission, clock())  # taken just before its work: workers share a backlog
        if marker is None:
            continue  # another worker has it, or it is done
        claim = process_submission(storage, submission, marker)
        finish(storage, submission, marker)
        log.info("submission processed: %s, %d document(s), status %s", claim.claim_id, len(claim.documents), claim.status.value)
        done.append(claim)
    return done
