"""review.queue: views, filters and counts of the managers' queue, and the view of each claim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from infra.storage import LocalStorage
from models import Claim
from models.manifest import CareType, Channel, Manifest
from models.review import ReviewAction
from review.queue import QueueEntry, all_entries, build_queue, entry_of, neighbours
from review.store import ClaimRecord, ReviewStore
from tests.unit.review.review_claims import CLAIM_ID, NOW, RULES, event, pharmacy_claim, put_claim, ready_claim


def entry(
    claim_id: str,
    view: str = "to_review",
    flags: tuple[str, ...] = (),
    care: tuple[str, ...] = (),
    channel: str = "extranet",
    day: int = 1,
) -> QueueEntry:
    return QueueEntry(
        claim_id=claim_id,
        created_at=datetime(2026, 11, day, tzinfo=UTC),
        status="needs_review",
        view=view,
        flag_codes=flags,
        care_types=care,
        channel=channel,
        documents=2,
        decision=None,
    )


ENTRIES = [
    entry("CLM-20261101-AAAAAA", flags=("missing_prescription",), care=("pharmacy",), day=1),
    entry(
        "CLM-20261102-BBBBBB",
        flags=("missing_prescription", "missing_total"),
        care=("pharmacy", "laboratory"),
        channel="email",
        day=2,
    ),
    entry("CLM-20261103-CCCCCC", flags=("amount_mismatch",), care=("dental",), day=3),
    entry("CLM-20261104-DDDDDD", view="waiting", flags=("missing_prescription",), care=("pharmacy",), day=4),
    entry("CLM-20261105-EEEEEE", view="decided", flags=("missing_total",), care=("optical",), channel="email", day=5),
    entry("CLM-20261106-FFFFFF", view="done", care=("dental",), day=6),
]


def ids(queue) -> list[str]:
    return [e.claim_id[-6:] for e in queue.entries]


# -- build_queue ----------------------------------------------------------------------------------
def test_default_view_is_to_review_with_counts_per_view():
    queue = build_queue(ENTRIES)
    assert ids(queue) == ["AAAAAA", "BBBBBB", "CCCCCC"]
    assert queue.views == {"to_review": 3, "waiting": 1, "decided": 1, "all": 6}


@pytest.mark.parametrize(
    "view, expected",
    [
        ("waiting", ["DDDDDD"]),
        ("decided", ["EEEEEE"]),
        ("all", ["AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE", "FFFFFF"]),
        ("nonsense", []),
    ],
)
def test_each_view(view, expected):
    assert ids(build_queue(ENTRIES, view=view)) == expected


def test_counts_are_over_the_view_before_filtering():
    queue = build_queue(ENTRIES, flag="amount_mismatch")
    assert ids(queue) == ["CCCCCC"]
    assert queue.flag_counts == {"amount_mismatch": 1, "missing_prescription": 2, "missing_total": 1}
    assert queue.care_counts == {"dental": 1, "laboratory": 1, "pharmacy": 2}
    assert queue.channel_counts == {"email": 1, "extranet": 2}
    assert queue.views["to_review"] == 3  # the views' counts ignore filters too


def test_counts_follow_the_chosen_view():
    queue = build_queue(ENTRIES, view="all")
    assert queue.flag_counts == {"amount_mismatch": 1, "missing_prescription": 3, "missing_total": 2}
    assert list(queue.care_counts) == sorted(queue.care_counts)  # sorted for a stable display


def test_filters_combine():
    assert ids(build_queue(ENTRIES, flag="missing_prescription")) == ["AAAAAA", "BBBBBB"]
    assert ids(build_queue(ENTRIES, flag="missing_prescription", channel="email")) == ["BBBBBB"]
    assert ids(build_queue(ENTRIES, care="laboratory")) == ["BBBBBB"]
    assert ids(build_queue(ENTRIES, care="pharmacy", flag="missing_total", channel="extranet")) == []
    assert ids(build_queue(ENTRIES, view="all", care="dental")) == ["CCCCCC", "FFFFFF"]


def test_a_flag_filter_matches_whole_codes_only():
    assert ids(build_queue(ENTRIES, flag="missing")) == []


def test_empty_queue():
    queue = build_queue([])
    assert queue.entries == [] and queue.views == {"to_review": 0, "waiting": 0, "decided": 0, "all": 0}
    assert queue.flag_counts == queue.care_counts == queue.channel_counts == {}


# -- neighbours -----------------------------------------------------------------------------------
def test_neighbours_in_the_middle_and_at_the_ends():
    entries = build_queue(ENTRIES).entries
    a, b, c = (e.claim_id for e in entries)
    assert neighbours(entries, b) == (a, c)
    assert neighbours(entries, a) == (None, b)
    assert neighbours(entries, c) == (b, None)


def test_neighbours_of_a_claim_not_in_the_list_points_to_the_first():
    entries = build_queue(ENTRIES).entries
    assert neighbours(entries, "CLM-20261105-EEEEEE") == (None, entries[0].claim_id)
    assert neighbours([], CLAIM_ID) == (None, None)


def test_neighbours_of_a_single_entry():
    entries = [entry(CLAIM_ID)]
    assert neighbours(entries, CLAIM_ID) == (None, None)


# -- entry_of -------------------------------------------------------------------------------------
def record(claim: Claim, *events) -> ClaimRecord:
    return ClaimRecord(machine=claim, machine_sha="0" * 64, events=tuple(events), rules=RULES)


def test_entry_of_a_claim_to_review():
    claim = pharmacy_claim().model_copy(update={"channel": Channel.EMAIL})
    found = entry_of(record(claim))
    assert (found.claim_id, found.view, found.status, found.decision) == (CLAIM_ID, "to_review", "needs_review", None)
    assert found.flag_codes == ("missing_prescription",)
    assert found.care_types == ("pharmacy",)
    assert (found.channel, found.documents, found.created_at) == ("email", 2, NOW)


def test_entry_of_takes_declared_care_types_and_channel():
    declared = Manifest(care_types=(CareType.LABORATORY,), channel=Channel.EXTRANET)
    claim = pharmacy_claim().model_copy(update={"declared": declared})
    found = entry_of(record(claim))
    assert found.care_types == ("laboratory", "pharmacy")
    assert found.channel == "extranet"


def test_entry_without_channel_shows_a_dash():
    assert entry_of(record(pharmacy_claim())).channel == "-"


def test_a_ready_claim_is_done_not_in_the_queue():
    assert entry_of(record(ready_claim())).view == "done"


def test_proofs_requested_means_waiting():
    found = entry_of(record(pharmacy_claim(), event(1, ReviewAction.REQUEST_PROOFS, reason="envoyez l'ordonnance")))
    assert found.view == "waiting"


def test_a_reply_after_the_request_puts_it_back_to_review():
    asked = event(1, ReviewAction.REQUEST_PROOFS, reason="envoyez l'ordonnance")  # asked at NOW + 1h
    later = (NOW + timedelta(days=2)).isoformat()
    assert entry_of(record(pharmacy_claim(replies=(later,)), asked)).view == "to_review"


def test_a_reply_before_the_last_request_still_waits():
    earlier = (NOW + timedelta(minutes=30)).isoformat()  # replied, then asked again at NOW + 1h
    assert (
        entry_of(record(pharmacy_claim(replies=(earlier,)), event(1, ReviewAction.REQUEST_PROOFS, reason="encore"))).view
        == "waiting"
    )


def test_the_last_request_counts():
    reply = (NOW + timedelta(hours=2)).isoformat()
    events = [
        event(1, ReviewAction.REQUEST_PROOFS, reason="a", minutes=0),
        event(2, ReviewAction.REQUEST_PROOFS, reason="b", minutes=120),
    ]
    # asked at +1h, replied at +2h, asked again at +3h: waiting again
    assert entry_of(record(pharmacy_claim(replies=(reply,)), *events)).view == "waiting"


def test_a_decided_claim_is_decided():
    found = entry_of(record(pharmacy_claim(), event(1, ReviewAction.REJECT, reason="hors délai")))
    assert (found.view, found.status, found.decision) == ("decided", "rejected", "rejected")


# -- all_entries over a storage -------------------------------------------------------------------
def test_all_entries_reads_every_claim_oldest_first(tmp_path):
    storage = LocalStorage(tmp_path)
    put_claim(storage, ready_claim())  # created a day after the pharmacy claim
    put_claim(storage, pharmacy_claim())
    entries = all_entries(ReviewStore(storage, RULES))
    assert [(e.claim_id, e.view) for e in entries] == [(CLAIM_ID, "to_review"), (ready_claim().claim_id, "done")]


def test_the_queue_shows_totals_beneficiary_files_and_searches_without_case_or_accents():
    from models import RejectedFile
    from models.manifest import Manifest
    from review.queue import build_queue, entry_of
    from review.store import ClaimRecord
    from tests.unit.review.review_claims import RULES as rules
    from tests.unit.review.review_claims import pharmacy_claim as make

    claim = make(declared=Manifest(beneficiary={"name": "Léa Morel"}, total_declared="45.30", currency="EUR"))
    claim = claim.model_copy(
        update={"rejected_files": (RejectedFile(index=2, file="scan.gif", size=3, sha256=None, detected_type=None, flags=()),)}
    )
    entry = entry_of(ClaimRecord(claim, "0" * 64, (), rules))
    assert (entry.totals, entry.declared_total, entry.beneficiary) == ((("45.30", "EUR"),), "45.30 EUR", "Léa Morel")
    assert entry.documents == 3 and entry.files == ("facture.pdf", "ordonnance.pdf", "scan.gif")
    for search in ("lea morel", "MOREL", "Léa", "abc123", "SCAN.GIF", "ordonnance", ""):
        assert build_queue([entry], search=search).entries == [entry], search
    assert build_queue([entry], search="dubois").entries == []
