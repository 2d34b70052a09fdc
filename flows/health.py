"""What operators are alerted on, measured over the storage: the review backlog (the review desk's
queue of claims waiting for a manager's decision) and the adjudication outbox's oldest undelivered
claim. Plain functions, no Prefect; the flow `intake-monitor` (flows/monitor.py) emits them as events
that the automations of flows/automations.py watch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from infra.storage.base import Storage
from intake.claim_store import ADJUDICATION_OUTBOX
from intake.handoff import DELIVERED
from review.queue import all_entries
from review.store import ReviewStore
from validators.rules_file import Rules


@dataclass(frozen=True)
class Health:
    """The review backlog and the outbox, at one moment."""

    backlog: int  # claims needing a manager's decision
    undelivered: int  # claims in the adjudication outbox not delivered (or changed since)
    oldest_undelivered: timedelta | None  # how long the oldest of them has waited


def review_backlog(storage: Storage, rules: Rules) -> int:
    """Claims in the managers' queue (`to_review`: needs review, no decision, not waiting on the claimant)."""
    return sum(entry.view == "to_review" for entry in all_entries(ReviewStore(storage, rules)))


def undelivered_ages(storage: Storage, now: datetime) -> list[timedelta]:
    """How long each outbox claim has waited without a delivery receipt newer than it."""
    receipts = {i.key[len(DELIVERED) :]: i.last_modified for i in storage.list(DELIVERED)}
    ages = []
    for info in storage.list(ADJUDICATION_OUTBOX):
        name = info.key[len(ADJUDICATION_OUTBOX) :]
        if "/" in name or not name.endswith(".json"):
            continue
        delivered = receipts.get(name)
        if delivered is None or delivered < info.last_modified:
            ages.append(now - info.last_modified)
    return ages


def health(storage: Storage, rules: Rules, now: datetime) -> Health:
    ages = undelivered_ages(storage, now)
    return Health(review_backlog(storage, rules), len(ages), max(ages) if ages else None)
