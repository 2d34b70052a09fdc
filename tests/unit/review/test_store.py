"""review.store: claims and their append-only audit trail in a real local storage, with optimistic locking."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import timedelta

import pytest

from infra.storage import LocalStorage
from intake.claim_store import ClaimStore
from models import ClaimStatus
from models.review import ReviewAction
from review.claim_row import claim_version
from review.store import Conflict, ReviewStore, UnknownClaim, claim_prefix
from tests.unit.review.review_claims import (
    CLAIM_ID,
    NOW,
    OTHER_ID,
    RULES,
    claim_bytes,
    event,
    pharmacy_claim,
    put_claim,
    ready_claim,
)

PRESCRIPTION = "ordonnance.pdf#0"


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    storage = LocalStorage(tmp_path)
    put_claim(storage, pharmacy_claim())
    return storage


@pytest.fixture
def store(storage) -> ReviewStore:
    return ReviewStore(storage, RULES)


def dismiss(seq: int = 0, by: str = "marie"):
    return event(seq, ReviewAction.DISMISS_FLAG, by=by, flag="missing_prescription:-:0:1", reason="vue")


# -- claim numbers --------------------------------------------------------------------------------
def test_claim_prefix_of_a_well_formed_number(tmp_path):
    assert claim_prefix(CLAIM_ID) == f"claims/{CLAIM_ID}/"
    assert ClaimStore(LocalStorage(tmp_path)).review_key(CLAIM_ID, 12) == f"claims/{CLAIM_ID}/review/000012.json"


@pytest.mark.parametrize(
    "claim_id",
    [
        "../x",
        "CLM-1",
        "",
        "clm-20261120-abc123",
        "CLM-20261120-ABC12",
        "CLM-20261120-ABC1234",
        "CLM-20261120-ABCI23",
        "CLM-20261120-ABCO23",
        "CLM-20261120-ABCU23",
        "CLM-20261120-ABCL23",
        "CLM-20261120-ABC123/../../etc",
        "x CLM-20261120-ABC123",
        "CLM-2026112-ABC1234",
    ],
)
def test_claim_prefix_refuses_anything_but_a_claim_number(claim_id):
    with pytest.raises(UnknownClaim):
        claim_prefix(claim_id)


def test_claim_prefix_refuses_none():
    with pytest.raises(UnknownClaim):
        claim_prefix(None)


# -- reading --------------------------------------------------------------------------------------
def test_load_reads_the_claim_and_its_version(store, storage):
    record = store.load(CLAIM_ID)
    assert record.machine == pharmacy_claim()
    assert record.events == ()
    sha = hashlib.sha256(storage.get_bytes(f"claims/{CLAIM_ID}/claim.json")).hexdigest()
    assert record.machine_sha == sha
    assert record.version == f"{sha[:16]}.0"
    assert record.current is record.machine  # nothing reviewed yet
    assert not record.decided


def test_load_of_a_missing_claim_raises_unknown_claim(store):
    with pytest.raises(UnknownClaim):
        store.load(OTHER_ID)


def test_load_of_a_malformed_number_raises_unknown_claim(store):
    with pytest.raises(UnknownClaim):
        store.load("../claims")


def test_claim_ids_lists_only_claims_with_a_claim_json(store, storage):
    put_claim(storage, ready_claim())
    storage.put_bytes("claims/CLM-20261122-NNNNNN/originals/a.pdf", b"%PDF")  # no claim.json yet
    storage.put_bytes("claims/not-a-claim/claim.json", b"{}")
    storage.put_bytes(f"claims/{CLAIM_ID}/review/000001.json.tmp", b"")  # not at the claim's level
    assert sorted(store.claim_ids()) == [CLAIM_ID, OTHER_ID]


def test_claim_ids_of_an_empty_storage(tmp_path):
    assert ReviewStore(LocalStorage(tmp_path), RULES).claim_ids() == []


def test_original_returns_the_received_bytes(store, storage):
    storage.put_bytes(f"claims/{CLAIM_ID}/originals/facture.pdf", b"%PDF-1.7 bytes")
    assert store.original(CLAIM_ID, "facture.pdf") == b"%PDF-1.7 bytes"


# -- appending ------------------------------------------------------------------------------------
def test_append_numbers_events_one_two_three(store, storage):
    record = store.load(CLAIM_ID)
    record = store.append(CLAIM_ID, record.version, event(0, ReviewAction.REQUEST_PROOFS, reason="envoyez l'ordonnance"))
    assert [e.seq for e in record.events] == [1]
    record = store.append(
        CLAIM_ID, record.version, event(0, ReviewAction.SET_DOC_TYPE, document=PRESCRIPTION, after="prescription")
    )
    record = store.append(CLAIM_ID, record.version, event(0, ReviewAction.APPROVE))
    assert [e.seq for e in record.events] == [1, 2, 3]
    assert [e.action for e in record.events] == [ReviewAction.REQUEST_PROOFS, ReviewAction.SET_DOC_TYPE, ReviewAction.APPROVE]
    keys = [info.key for info in storage.list(f"claims/{CLAIM_ID}/review/")]
    assert keys == [ClaimStore(storage).review_key(CLAIM_ID, n) for n in (1, 2, 3)]
    saved = json.loads(storage.get_bytes(ClaimStore(storage).review_key(CLAIM_ID, 2)))
    assert (saved["seq"], saved["action"], saved["after"]) == (2, "set_doc_type", "prescription")
    assert record.decided and record.current.status is ClaimStatus.READY


def test_append_records_the_version_the_manager_saw(store):
    seen = store.load(CLAIM_ID).version
    record = store.append(CLAIM_ID, seen, dismiss())
    assert record.events[0].claim_version == seen
    assert record.version == f"{record.machine_sha[:16]}.1" != seen


def test_append_never_touches_the_claim_json(store, storage):
    before = storage.get_bytes(f"claims/{CLAIM_ID}/claim.json")
    store.append(CLAIM_ID, store.load(CLAIM_ID).version, dismiss())
    assert storage.get_bytes(f"claims/{CLAIM_ID}/claim.json") == before


def test_a_stale_version_raises_conflict_and_writes_nothing(store, storage):
    seen = store.load(CLAIM_ID).version
    store.append(CLAIM_ID, seen, dismiss(by="paul"))  # a colleague acted first
    with pytest.raises(Conflict):
        store.append(CLAIM_ID, seen, dismiss(by="marie"))
    assert [e.by for e in store.load(CLAIM_ID).events] == ["paul"]


@pytest.mark.parametrize("version", ["", "nonsense", "0000000000000000.0"])
def test_a_made_up_version_raises_conflict(store, version):
    with pytest.raises(Conflict):
        store.append(CLAIM_ID, version, dismiss())


class RacingStorage(LocalStorage):
    """A local storage where a colleague's event lands between our read and our write (a real race, replayed)."""

    def __init__(self, root, colleague: bytes) -> None:
        super().__init__(root)
        self.colleague = colleague

    def put_bytes(self, key, data, content_type=None, if_absent=False):
        if if_absent and self.colleague is not None:
            colleague, self.colleague = self.colleague, None
            super().put_bytes(key, colleague, "application/json")
        return super().put_bytes(key, data, content_type, if_absent)


def test_an_event_file_written_by_a_colleague_meanwhile_raises_conflict(tmp_path):
    theirs = event(1, ReviewAction.REJECT, by="paul", reason="hors délai").model_dump_json().encode()
    storage = RacingStorage(tmp_path, colleague=theirs)
    put_claim(storage, pharmacy_claim())
    store = ReviewStore(storage, RULES)
    with pytest.raises(Conflict):
        store.append(CLAIM_ID, store.load(CLAIM_ID).version, event(0, ReviewAction.APPROVE))
    [kept] = store.load(CLAIM_ID).events
    assert (kept.by, kept.action) == ("paul", ReviewAction.REJECT)  # the colleague's event is not overwritten


def test_a_claim_reprocessed_after_a_reply_is_another_version(store, storage):
    seen = store.load(CLAIM_ID).version
    replied = pharmacy_claim().model_copy(update={"replies": ("2026-11-25T10:00:00+00:00",)})
    storage.put_bytes(f"claims/{CLAIM_ID}/claim.json", claim_bytes(replied), "application/json")
    record = store.load(CLAIM_ID)
    assert record.version != seen
    assert record.version.endswith(".0")
    with pytest.raises(Conflict):
        store.append(CLAIM_ID, seen, dismiss())


def test_append_to_an_unknown_claim_raises_unknown_claim(store):
    with pytest.raises(UnknownClaim):
        store.append(OTHER_ID, "x.0", dismiss())


def test_events_are_read_in_seq_order(store):
    record = store.load(CLAIM_ID)
    for n in range(11):  # past 9: the keys are zero-padded, the order is by seq anyway
        record = store.append(CLAIM_ID, record.version, event(0, ReviewAction.REQUEST_PROOFS, reason=f"demande {n}"))
    assert [e.seq for e in store.load(CLAIM_ID).events] == list(range(1, 12))
    assert store.load(CLAIM_ID).events[-1].reason == "demande 10"


# -- the index row --------------------------------------------------------------------------------
LATER = NOW + timedelta(days=3)


def test_the_version_is_the_one_the_index_keeps(store, storage):
    record = store.load(CLAIM_ID)
    assert record.version == claim_version(record.machine_sha, 0)
    row = store.index_record(record, LATER)
    assert store.index.claim(CLAIM_ID) == replace(row, terms=frozenset())  # the terms are tags, not columns
    assert (row.version, row.view, row.updated_at) == (record.version, "to_review", LATER)
    # the intake's own row of the same claim.json and trail (review/claim_row.py) is the same version
    assert store.claims.index_claim(CLAIM_ID, RULES, LATER).version == record.version


def test_a_claim_the_index_never_saw_opens_and_is_indexed(store):
    assert store.index.claim(CLAIM_ID) is None  # written straight into the bucket
    record = store.load_indexed(CLAIM_ID, LATER)
    row = store.index.claim(CLAIM_ID)
    assert row is not None and (row.version, row.view, row.updated_at) == (record.version, "to_review", LATER)
    assert store.index.backlog() == 1


def test_a_row_behind_the_claim_is_repaired_on_read(store, storage):
    store.index_record(store.load(CLAIM_ID), NOW)
    # an action recorded in the bucket, then a crash before the index was written
    record = store.append(CLAIM_ID, store.load(CLAIM_ID).version, event(0, ReviewAction.REQUEST_PROOFS, reason="pièce"))
    stale = store.index.claim(CLAIM_ID)
    assert stale.version != record.version and stale.view == "to_review"
    assert store.load_indexed(CLAIM_ID, LATER).version == record.version
    repaired = store.index.claim(CLAIM_ID)
    assert (repaired.version, repaired.view, repaired.updated_at) == (record.version, "waiting", LATER)
    assert store.index.counts()["views"] == {"to_review": 0, "waiting": 1, "decided": 0, "done": 0, "all": 1}


def test_a_claim_reprocessed_behind_the_index_is_repaired_on_read(store, storage):
    store.index_record(store.load(CLAIM_ID), NOW)
    storage.put_bytes(f"claims/{CLAIM_ID}/claim.json", claim_bytes(ready_claim(CLAIM_ID)), "application/json")
    store.load_indexed(CLAIM_ID, LATER)
    assert (store.index.claim(CLAIM_ID).view, store.index.backlog()) == ("done", 0)


def test_a_row_at_the_claims_version_is_left_alone(store):
    store.index_record(store.load(CLAIM_ID), NOW)
    store.load_indexed(CLAIM_ID, LATER)
    assert store.index.claim(CLAIM_ID).updated_at == NOW  # nothing rewritten


def test_an_unknown_claim_is_not_indexed(store):
    with pytest.raises(UnknownClaim):
        store.load_indexed(OTHER_ID, LATER)
    assert store.index.claim(OTHER_ID) is None and store.index.claim_count() == 0
