"""flows.health from the index: the review backlog (claims to review, not those waiting, decided or
done) and the adjudication outbox's undelivered claims and the age of the oldest, without listing the
bucket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flows.health import Health, health, review_backlog, undelivered
from infra.index.store import open_index
from infra.storage import LocalStorage
from intake.claim_store import ClaimStore
from models.review import ReviewAction
from review.claim_row import row_of_reviewed
from review.store import ClaimRecord
from tests.unit.review.review_claims import NOW, RULES, event, pharmacy_claim, ready_claim

IDS = [f"CLM-20261120-AAAAA{c}" for c in "BCDEF"]


class Unlisted(LocalStorage):
    """A storage whose listing fails: the health never needs one."""

    def list(self, prefix: str = ""):
        raise AssertionError(f"listed {prefix}")


@pytest.fixture
def storage(tmp_path) -> Unlisted:
    return Unlisted(tmp_path)


def put_row(storage, claim, *events) -> None:
    record = ClaimRecord(claim, "0" * 64, tuple(events), RULES)
    open_index(storage).put_claim(row_of_reviewed(record.current, record.version, NOW))


def test_an_empty_index_is_healthy(storage):
    assert health(storage, RULES, NOW) == Health(backlog=0, undelivered=0, oldest_undelivered=None)


def test_the_backlog_counts_the_claims_to_review_only(storage):
    put_row(storage, pharmacy_claim(IDS[0]))
    put_row(storage, pharmacy_claim(IDS[1]))
    put_row(storage, pharmacy_claim(IDS[2]), event(1, ReviewAction.REQUEST_PROOFS, reason="ordonnance"))  # waiting
    put_row(storage, pharmacy_claim(IDS[3]), event(1, ReviewAction.REJECT, reason="hors délai"))  # decided
    put_row(storage, ready_claim(IDS[4]))  # done
    assert review_backlog(open_index(storage)) == 2 and health(storage, RULES, NOW).backlog == 2


def test_undelivered_claims_and_the_oldest_age(storage):
    index = open_index(storage)
    index.outbox_written(IDS[0], NOW - timedelta(hours=3))
    index.outbox_written(IDS[1], NOW - timedelta(minutes=5))
    index.outbox_written(IDS[2], NOW - timedelta(hours=5))
    index.outbox_delivered(IDS[2], "key", NOW - timedelta(hours=4))  # delivered since it was written
    assert health(storage, RULES, NOW) == Health(backlog=0, undelivered=2, oldest_undelivered=timedelta(hours=3))


def test_a_claim_rewritten_after_its_delivery_waits_again(storage):
    index = open_index(storage)
    index.outbox_written(IDS[0], NOW - timedelta(hours=2))
    index.outbox_delivered(IDS[0], "key", NOW - timedelta(hours=2))
    assert undelivered(index, NOW) == (0, None)
    index.outbox_written(IDS[0], NOW - timedelta(minutes=30))  # a newer version (approved after a reply)
    assert undelivered(index, NOW) == (1, timedelta(minutes=30))
    index.outbox_removed(IDS[0])  # no longer ready
    assert undelivered(index, NOW) == (0, None)


def test_a_writer_clock_ahead_gives_no_negative_age(storage):
    open_index(storage).outbox_written(IDS[0], NOW + timedelta(seconds=5))
    assert health(storage, RULES, NOW).oldest_undelivered == timedelta(0)


def test_what_the_claim_store_writes_is_measured(tmp_path):
    storage = LocalStorage(tmp_path)
    store = ClaimStore(storage)
    store.write_outbox(ready_claim(IDS[0]))
    store.sync_outbox(pharmacy_claim(IDS[1]))  # needs review: not in the outbox
    measured = health(storage, RULES, datetime.now(UTC) + timedelta(hours=1))
    assert measured.undelivered == 1 and timedelta(hours=1) <= measured.oldest_undelivered < timedelta(hours=1, minutes=1)
