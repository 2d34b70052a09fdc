"""review.queue over a real index (SQLite): views, filters, search, counts, sorts and pages of the managers'
queue, the neighbours of a claim, and the row (view, totals, beneficiary, files) each claim gets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from infra.index.engine import engine_for
from infra.index.store import ClaimIndex, ClaimRow, terms_of
from models import Claim, RejectedFile
from models.manifest import CareType, Channel, Manifest
from models.review import ReviewAction
from review.claim_row import row_of_reviewed
from review.queue import PAGE, SORT_KEYS, SORT_LABELS, build_queue, page_number, sort_key
from review.store import ClaimRecord
from review.wording import translator
from tests.unit.review.review_claims import CLAIM_ID, NOW, RULES, event, pharmacy_claim, ready_claim

START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def row(
    claim_id: str,
    view: str = "to_review",
    flags: tuple[str, ...] = (),
    care: tuple[str, ...] = (),
    channel: str = "extranet",
    day: int = 1,
    status: str = "needs_review",
    eur: str | None = None,
    beneficiary: str = "",
    files: tuple[str, ...] = (),
) -> ClaimRow:
    return ClaimRow(
        claim_id=claim_id,
        created_at=START + timedelta(days=day - 1),
        updated_at=START,
        status=status,
        view=view,
        channel=channel,
        flag_codes=flags,
        care_types=care,
        documents=len(files) or 2,
        total_eur=Decimal(eur) if eur is not None else None,
        beneficiary=beneficiary,
        files=files,
        version=f"{claim_id[-6:].lower()}.0",
        terms=terms_of(claim_id, beneficiary, *files),
    )


ROWS = [
    row("CLM-20261101-AAAAAA", flags=("missing_prescription",), care=("pharmacy",), day=1, eur="45.30"),
    row(
        "CLM-20261102-BBBBBB",
        flags=("missing_prescription", "missing_total"),
        care=("laboratory", "pharmacy"),
        channel="email",
        day=2,
        eur="320.00",
        beneficiary="Léa Morel",
        files=("kiné-séance.pdf", "scan.gif"),
    ),
    row("CLM-20261103-CCCCCC", flags=("amount_mismatch",), care=("dental",), day=3, eur="120.00", status="rejected"),
    row("CLM-20261104-DDDDDD", view="waiting", flags=("missing_prescription",), care=("pharmacy",), day=4),
    row(
        "CLM-20261105-EEEEEE",
        view="decided",
        flags=("missing_total",),
        care=("optical",),
        channel="email",
        day=5,
        status="ready",
        beneficiary="Claire Dubois",
        files=("ordonnance.pdf",),
    ),
    row("CLM-20261106-FFFFFF", view="done", care=("dental",), day=6, status="ready"),
]


@pytest.fixture
def index(tmp_path) -> ClaimIndex:
    return ClaimIndex(engine_for(f"sqlite:///{tmp_path / 'index.sqlite'}"))


@pytest.fixture
def filled(index) -> ClaimIndex:
    for r in ROWS:
        index.put_claim(r)
    return index


def ids(queue) -> list[str]:
    return [e.claim_id[-6:] for e in queue.entries]


# -- views, filters, counts -----------------------------------------------------------------------
def test_default_view_is_to_review_oldest_first_with_counts_per_view(filled):
    queue = build_queue(filled)
    assert ids(queue) == ["AAAAAA", "BBBBBB", "CCCCCC"]
    assert queue.views == {"to_review": 3, "waiting": 1, "decided": 1, "all": 6}
    assert (queue.total, queue.page, queue.pages, queue.sort) == (3, 1, 1, "age")


@pytest.mark.parametrize(
    "view, expected",
    [
        ("waiting", ["DDDDDD"]),
        ("decided", ["EEEEEE"]),
        ("all", ["AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE", "FFFFFF"]),
        ("nonsense", []),
    ],
)
def test_each_view(filled, view, expected):
    assert ids(build_queue(filled, view=view)) == expected


def test_counts_are_over_the_view_before_filtering(filled):
    queue = build_queue(filled, flag="amount_mismatch")
    assert ids(queue) == ["CCCCCC"] and queue.total == 1
    assert queue.flag_counts == {"amount_mismatch": 1, "missing_prescription": 2, "missing_total": 1}
    assert queue.care_counts == {"dental": 1, "laboratory": 1, "pharmacy": 2}
    assert queue.channel_counts == {"email": 1, "extranet": 2}
    assert queue.views["to_review"] == 3  # the views' counts ignore filters too


def test_counts_follow_the_chosen_view(filled):
    queue = build_queue(filled, view="all")
    assert queue.flag_counts == {"amount_mismatch": 1, "missing_prescription": 3, "missing_total": 2}
    assert queue.care_counts == {"dental": 2, "laboratory": 1, "optical": 1, "pharmacy": 3}
    assert list(queue.care_counts) == sorted(queue.care_counts)  # sorted for a stable display
    assert build_queue(filled, view="waiting").flag_counts == {"missing_prescription": 1}


def test_counts_follow_a_claim_moving_to_another_view(filled):
    moved = row("CLM-20261101-AAAAAA", view="decided", flags=("missing_prescription",), care=("pharmacy",), status="ready")
    filled.put_claim(moved)
    queue = build_queue(filled)
    assert ids(queue) == ["BBBBBB", "CCCCCC"]
    assert queue.views == {"to_review": 2, "waiting": 1, "decided": 2, "all": 6}
    assert queue.flag_counts == {"amount_mismatch": 1, "missing_prescription": 1, "missing_total": 1}


def test_filters_combine(filled):
    assert ids(build_queue(filled, flag="missing_prescription")) == ["AAAAAA", "BBBBBB"]
    assert ids(build_queue(filled, flag="missing_prescription", channel="email")) == ["BBBBBB"]
    assert ids(build_queue(filled, care="laboratory")) == ["BBBBBB"]
    assert ids(build_queue(filled, care="pharmacy", flag="missing_total", channel="extranet")) == []
    assert ids(build_queue(filled, view="all", care="dental")) == ["CCCCCC", "FFFFFF"]


def test_a_flag_filter_matches_whole_codes_only(filled):
    assert ids(build_queue(filled, flag="missing")) == []


def test_empty_queue(index):
    queue = build_queue(index)
    assert queue.entries == [] and queue.views == {"to_review": 0, "waiting": 0, "decided": 0, "all": 0}
    assert queue.flag_counts == queue.care_counts == queue.channel_counts == {}
    assert (queue.total, queue.page, queue.pages) == (0, 1, 1)


# -- search -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "search, expected",
    [
        ("CLM-20261102-BBBBBB", ["BBBBBB"]),  # a claim number, whole
        ("clm-2026110", ["AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE", "FFFFFF"]),  # its beginning
        ("CLM-202611", ["AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE", "FFFFFF"]),
        ("clm-20261103", ["CCCCCC"]),
        ("cccccc", ["CCCCCC"]),  # a word of the claim number
        ("20261104", ["DDDDDD"]),
        ("morel", ["BBBBBB"]),  # a word of the beneficiary, case ignored
        ("LEA", ["BBBBBB"]),  # accents ignored
        ("Léa Mor", ["BBBBBB"]),  # every word begins a word
        ("mor lea", ["BBBBBB"]),  # in any order
        ("KINÉ", ["BBBBBB"]),  # a word of a file name
        ("seance", ["BBBBBB"]),
        ("scan.gif", ["BBBBBB"]),
        ("ordonnance", ["EEEEEE"]),
        ("dubois claire", ["EEEEEE"]),
        ("", ["AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE", "FFFFFF"]),
    ],
)
def test_search_finds_by_claim_number_beneficiary_and_file(filled, search, expected):
    assert ids(build_queue(filled, view="all", search=search)) == expected, search


@pytest.mark.parametrize("search", ["orel", "lea dubois", "nobody", "clm-20261107", "ordonnance morel", "bbbbbbx"])
def test_search_needs_every_word_to_begin_a_word(filled, search):
    assert ids(build_queue(filled, view="all", search=search)) == [], search


def test_search_combines_with_the_view_and_the_filters(filled):
    assert ids(build_queue(filled, search="ordonnance")) == []  # a decided claim: not to review
    assert ids(build_queue(filled, view="all", search="morel", channel="extranet")) == []
    assert ids(build_queue(filled, view="all", search="morel", flag="missing_total")) == ["BBBBBB"]


# -- sorts and pages ------------------------------------------------------------------------------
def test_each_sort(filled):
    assert ids(build_queue(filled, sort="age")) == ["AAAAAA", "BBBBBB", "CCCCCC"]
    assert ids(build_queue(filled, sort="-age")) == ["CCCCCC", "BBBBBB", "AAAAAA"]
    assert ids(build_queue(filled, sort="amount")) == ["BBBBBB", "CCCCCC", "AAAAAA"]  # 320, 120, 45.30 EUR
    assert ids(build_queue(filled, sort="-amount")) == ["AAAAAA", "CCCCCC", "BBBBBB"]
    assert ids(build_queue(filled, sort="status")) == ["AAAAAA", "BBBBBB", "CCCCCC"]  # needs_review < rejected
    assert ids(build_queue(filled, view="all", sort="status"))[:3] == ["AAAAAA", "BBBBBB", "DDDDDD"]


def test_an_unknown_sort_is_the_oldest_first(filled):
    queue = build_queue(filled, sort="name; drop table claims")
    assert queue.sort == "age" and ids(queue) == ["AAAAAA", "BBBBBB", "CCCCCC"]
    assert sort_key("-amount") == "-amount" and sort_key("") == "age"


def test_every_sort_has_its_wording():
    assert set(SORT_LABELS) == set(SORT_KEYS) == {"age", "-age", "amount", "-amount", "status"}
    for language in ("fr", "en"):
        t = translator(language)
        assert all(t(key) != key for key in SORT_LABELS.values()), language


def many(count: int) -> list[ClaimRow]:
    """`count` claims to review, one a minute, each amount different (the oldest the smallest)."""
    return [
        ClaimRow(
            claim_id=f"CLM-20261120-{n:06d}",
            created_at=NOW + timedelta(minutes=n),
            updated_at=NOW,
            status="needs_review",
            view="to_review",
            channel="extranet",
            total_eur=Decimal(10 + n),
            version=f"{n}.0",
            terms=terms_of(f"CLM-20261120-{n:06d}"),
        )
        for n in range(count)
    ]


def test_fifty_claims_a_page_and_every_claim_on_exactly_one_page(index):
    index.put_claims(many(120))
    pages = [build_queue(index, page=n) for n in (1, 2, 3)]
    assert PAGE == 50 and [len(p.entries) for p in pages] == [50, 50, 20]
    assert {(p.total, p.pages) for p in pages} == {(120, 3)} and [p.page for p in pages] == [1, 2, 3]
    listed = [e.claim_id for p in pages for e in p.entries]
    assert listed == [f"CLM-20261120-{n:06d}" for n in range(120)]  # oldest first, no gap, no repeat


def test_pages_follow_the_sort(index):
    index.put_claims(many(120))
    first = build_queue(index, sort="amount", page=1)
    last = build_queue(index, sort="amount", page=3)
    assert first.entries[0].total_eur == Decimal("129.00") and first.entries[-1].total_eur == Decimal("80.00")
    assert [e.total_eur for e in last.entries] == [Decimal(10 + n) for n in range(19, -1, -1)]


def test_a_page_past_the_end_shows_the_last_and_a_filter_counts_its_pages(index):
    index.put_claims(many(120))
    beyond = build_queue(index, page=99)
    assert (beyond.page, len(beyond.entries), beyond.entries[-1].claim_id) == (3, 20, "CLM-20261120-000119")
    found = build_queue(index, search="CLM-20261120-00010")  # 000100 to 000109
    assert (found.total, found.pages, len(found.entries)) == (10, 1, 10)


@pytest.mark.parametrize(
    "text, number", [("1", 1), ("3", 3), ("0", 1), ("-2", 1), ("", 1), ("x", 1), ("²", 1), ("\u0661", 1), ("9" * 20, 1)]
)
def test_page_number_from_a_url(text, number):
    assert page_number(text) == number


# -- neighbours -----------------------------------------------------------------------------------
def test_neighbours_in_the_middle_and_at_the_ends(filled):
    a, b, c = (r.claim_id for r in ROWS[:3])
    assert filled.neighbours(b) == (a, c)
    assert filled.neighbours(a) == (None, b)
    assert filled.neighbours(c) == (b, None)


def test_neighbours_within_another_view(filled):
    assert filled.neighbours(ROWS[3].claim_id, "waiting") == (None, None)
    assert filled.neighbours(ROWS[3].claim_id, "all") == (ROWS[2].claim_id, ROWS[4].claim_id)


def test_neighbours_of_a_claim_not_in_the_view_points_to_the_first(filled, index):
    assert filled.neighbours("CLM-20261105-EEEEEE") == (None, ROWS[0].claim_id)
    assert filled.neighbours("CLM-20261231-ZZZZZZ") == (None, ROWS[0].claim_id)  # not in the index at all
    assert filled.neighbours(CLAIM_ID, "decided") == (None, "CLM-20261105-EEEEEE")


def test_neighbours_in_an_empty_index(index):
    assert index.neighbours(CLAIM_ID) == (None, None)


# -- the row of each claim ------------------------------------------------------------------------
def record(claim: Claim, *events) -> ClaimRecord:
    return ClaimRecord(machine=claim, machine_sha="0" * 64, events=tuple(events), rules=RULES)


def queue_row(claim: Claim, *events) -> ClaimRow:
    made = record(claim, *events)
    return row_of_reviewed(made.current, made.version, NOW)


def test_the_row_of_a_claim_to_review():
    claim = pharmacy_claim().model_copy(update={"channel": Channel.EMAIL})
    found = queue_row(claim)
    assert (found.claim_id, found.view, found.status, found.decision) == (CLAIM_ID, "to_review", "needs_review", None)
    assert found.flag_codes == ("missing_prescription",)
    assert found.care_types == ("pharmacy",)
    assert (found.channel, found.documents, found.created_at) == ("email", 2, NOW)
    assert (found.total_eur, found.version) == (None, "0000000000000000.0")  # no rate looked up here


def test_the_row_takes_declared_care_types_and_channel():
    declared = Manifest(care_types=(CareType.LABORATORY,), channel=Channel.EXTRANET)
    found = queue_row(pharmacy_claim().model_copy(update={"declared": declared}))
    assert found.care_types == ("laboratory", "pharmacy")
    assert found.channel == "extranet"


def test_a_row_without_channel_shows_a_dash():
    assert queue_row(pharmacy_claim()).channel == "-"


def test_a_ready_claim_is_done_not_in_the_queue():
    assert queue_row(ready_claim()).view == "done"


def test_proofs_requested_means_waiting():
    assert queue_row(pharmacy_claim(), event(1, ReviewAction.REQUEST_PROOFS, reason="envoyez l'ordonnance")).view == "waiting"


def test_a_reply_after_the_request_puts_it_back_to_review():
    asked = event(1, ReviewAction.REQUEST_PROOFS, reason="envoyez l'ordonnance")  # asked at NOW + 1h
    later = (NOW + timedelta(days=2)).isoformat()
    assert queue_row(pharmacy_claim(replies=(later,)), asked).view == "to_review"


def test_a_reply_before_the_last_request_still_waits():
    earlier = (NOW + timedelta(minutes=30)).isoformat()  # replied, then asked again at NOW + 1h
    asked = event(1, ReviewAction.REQUEST_PROOFS, reason="encore")
    assert queue_row(pharmacy_claim(replies=(earlier,)), asked).view == "waiting"


def test_the_last_request_counts():
    reply = (NOW + timedelta(hours=2)).isoformat()
    events = [
        event(1, ReviewAction.REQUEST_PROOFS, reason="a", minutes=0),
        event(2, ReviewAction.REQUEST_PROOFS, reason="b", minutes=120),
    ]
    # asked at +1h, replied at +2h, asked again at +3h: waiting again
    assert queue_row(pharmacy_claim(replies=(reply,)), *events).view == "waiting"


def test_a_decided_claim_is_decided():
    found = queue_row(pharmacy_claim(), event(1, ReviewAction.REJECT, reason="hors délai"))
    assert (found.view, found.status, found.decision) == ("decided", "rejected", "rejected")


def test_the_row_shows_totals_beneficiary_files_and_is_found_by_them(index):
    claim = pharmacy_claim(declared=Manifest(beneficiary={"name": "Léa Morel"}, total_declared="45.30", currency="EUR"))
    refused = RejectedFile(index=2, file="scan.gif", size=3, sha256=None, detected_type=None, flags=())
    found = queue_row(claim.model_copy(update={"rejected_files": (refused,)}))
    assert (found.totals, found.declared_total, found.beneficiary) == ((("45.30", "EUR"),), "45.30 EUR", "Léa Morel")
    assert found.documents == 3 and found.files == ("facture.pdf", "ordonnance.pdf", "scan.gif")
    index.put_claim(found)
    for search in ("lea morel", "MOREL", "Léa", "abc123", "SCAN.GIF", "ordonnance", "CLM-20261120-ABC", ""):
        assert ids(build_queue(index, search=search)) == ["ABC123"], search
    assert build_queue(index, search="dubois").entries == []
    shown = build_queue(index).entries[0]  # what the index gives back is what was put
    assert (shown.totals, shown.beneficiary, shown.files, shown.declared_total) == (
        found.totals,
        found.beneficiary,
        found.files,
        found.declared_total,
    )


def test_how_long_a_claim_has_waited_in_short():
    from datetime import UTC, datetime, timedelta

    from review.queue import waited

    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    assert waited(now - timedelta(minutes=7), now) == "7 min"
    assert waited(now - timedelta(hours=5, minutes=59), now) == "5 h"
    assert waited(now - timedelta(hours=47), now, "en") == "47 h"
    assert waited(now - timedelta(days=3, hours=2), now) == "3 j" and waited(now - timedelta(days=3), now, "en") == "3 d"
    assert waited(now + timedelta(minutes=5), now) == "0 min"  # a clock a little ahead never shows a negative age
