"""What operators are alerted on, read from the index (infra/index): the review backlog (the review
desk's queue of claims waiting for a manager's decision) and the adjudication outbox's oldest
undelivered claim. Two small queries whatever the number of claims: no claim is read, no bucket listed.
Plain functions, no Prefect; the flow `intake-monitor` (flows/monitor.py) emits them as events that the
automations of flows/automations.py watch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from infra.index.store import ClaimIndex, open_index
from infra.storage.base import Storage
from validators.rules_file import Rules


@dataclass(frozen=True)
class Health:
    """The review backlog and the outbox, at one moment."""

    backlog: int  # claims needing a manager's decision
    undelivered: int  # claims in the adjudication outbox not delivered (or changed since)
    oldest_undelivered: timedelta | None  # how long the oldest of them has waited


def review_backlog(index: ClaimIndex) -> int:
    """Claims in the managers' queue (`to_review`: needs review, no decision, not waiting on the claimant)."""
    return index.backlog()


def undelivered(index: ClaimIndex, now: datetime) -> tuple[int, timedelta | None]:
    """How many outbox claims wait for a delivery newer than their last version, and for how long the
    oldest has (None: none waits)."""
    count, oldest = index.undelivered_summary()
    return count, (max(now - oldest, timedelta(0)) if oldest is not None else None)


def health(storage: Storage, rules: Rules, now: datetime, index: ClaimIndex | None = None) -> Health:
    """The storage's backlog and outbox (`rules` is no longer needed: the index holds each claim's
    reviewed view; kept for the callers)."""
    index = index or open_index(storage)
    count, oldest = undelivered(index, now)
    return Health(review_backlog(index), count, oldest)
