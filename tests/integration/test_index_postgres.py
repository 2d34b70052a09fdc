"""The index (infra/index) on both its databases, SQLite beside the storage and PostgreSQL as in production
(`index_url`): the migrations make a fresh database; a claim's row is written once and the counts follow
its changes of view and flags; the queue pages, sorts, filters and searches; submissions' rows keep their
states; writers racing on one new claim leave one row and right counts; and `intake reindex` rebuilds
from the bucket alone, into an emptied database, the queue and counts the writes had made."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import inspect, text

from infra.index.engine import dispose_all
from infra.index.store import ClaimIndex, ClaimRow, SubmissionRow, open_index
from infra.index.tables import claim_tags, claims, outbox, submissions
from infra.storage.local import LocalStorage
from intake import inbox
from intake.claim_store import ClaimStore
from intake.reindex import Reindex
from models import ClaimStatus, Flag, FlagCode, Severity
from review.claim_row import row_of_reviewed
from tests.unit.intake.test_reindex import delete_sqlite_index, make_claim, make_claims, queue_state
from tests.unit.validators.claim_fixtures import NOW

pytestmark = pytest.mark.usefixtures("index_url")


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "store")


@pytest.fixture
def index(storage) -> ClaimIndex:
    return open_index(storage)


def row(n: int, **changes) -> ClaimRow:
    """The queue's row of test claim `n` (tests.unit.intake.test_reindex.make_claim), changed as asked."""
    claim = make_claim(n)
    if changes:
        claim = claim.model_copy(update=changes)
    return row_of_reviewed(claim, f"v{n}-{len(changes)}", NOW)


def counted(rows: list[ClaimRow]) -> dict[str, Counter]:
    """What `ClaimIndex.counts('all')` must say of these rows, counted from scratch."""
    views: Counter = Counter(r.view for r in rows)
    tags: dict[str, Counter] = {"flag": Counter(), "care": Counter(), "channel": Counter()}
    for r in rows:
        for tag in r.tags():
            kind, _, value = tag.partition(":")
            if kind in tags:
                tags[kind][value] += 1
    return {"views": views, **tags}


def assert_counts(index: ClaimIndex, rows: list[ClaimRow]) -> None:
    counts, expected = index.counts("all"), counted(rows)
    assert {v: n for v, n in counts["views"].items() if n and v != "all"} == dict(expected["views"])
    assert counts["views"]["all"] == len(rows) == index.claim_count()
    for kind in ("flag", "care", "channel"):
        assert counts[kind] == dict(sorted(expected[kind].items())), kind


def test_the_migrations_make_a_fresh_database(storage, index, index_url):
    names = set(inspect(index.engine).get_table_names())
    assert {"submissions", "claims", "claim_tags", "claim_counts", "outbox", "cursors", "alembic_version"} <= names
    assert index.engine.dialect.name == ("postgresql" if index_url else "sqlite")
    with index.engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "0002"
    for table in (claims, claim_tags, submissions, outbox):  # what the code queries is what the migrations made
        made = {i["name"]: [c for c in i["column_names"] if c] for i in inspect(index.engine).get_indexes(table.name)}
        declared = {i.name: [c.name for c in i.columns] for i in table.indexes}
        assert {name: made.get(name) for name in declared} == declared, table.name
    assert index.put_claim(row(1))
    dispose_all()
    again = open_index(storage)  # a new engine migrates again: an up-to-date database is left as it is
    assert again.claim_count() == 1 and again.counts("all")["views"]["all"] == 1


def test_a_claims_row_is_written_once_and_the_counts_follow_its_changes(index):
    first, second = row(1), row(2)
    assert index.put_claim(first) and not index.put_claim(first)  # the same version again: nothing written
    assert index.put_claim(second)
    assert_counts(index, [first, second])
    stored = index.claim(first.claim_id)
    assert stored is not None and stored.__dict__ | {"terms": None} == first.__dict__ | {"terms": None}
    done = row(1, status=ClaimStatus.READY, flags=())  # view to_review -> done, its flag gone
    assert done.view == "done" and done.flag_codes == () and first.flag_codes
    assert index.put_claim(done)
    assert_counts(index, [done, second])
    flagged = row(
        2, flags=(Flag(code=FlagCode.AMOUNT_MISMATCH, severity=Severity.WARNING, message="Montants différents."),)
    )  # the same view, another flag
    assert index.put_claim(flagged) and not index.put_claim(flagged)
    assert_counts(index, [done, flagged])
    stored = index.claim(flagged.claim_id)
    assert stored is not None and stored.flag_codes == ("amount_mismatch",) and stored.total_eur == Decimal("12.50")
    assert stored.totals == (("12.50", "EUR"),) and stored.beneficiary == "Camille Exemple2"


def test_the_queue_pages_sorts_filters_and_searches(storage, index):
    make_claims(ClaimStore(storage), 60)
    everything = index.queue(view="all", per_page=1000).rows
    assert len(everything) == 60
    pages = [index.queue(view="all", per_page=25, page=p) for p in (1, 2, 3)]
    assert [p.total for p in pages] == [60, 60, 60] and [p.pages for p in pages] == [3, 3, 3]
    assert [len(p.rows) for p in pages] == [25, 25, 10]
    paged = [r.claim_id for p in pages for r in p.rows]
    assert paged == [r.claim_id for r in everything] and len(set(paged)) == 60
    assert index.queue(view="all", per_page=25, page=9).page == 3  # past the end: the last page
    assert paged == sorted(paged, key=lambda c: next(r.created_at for r in everything if r.claim_id == c))
    newest = index.queue(view="all", sort="-age", per_page=1000).rows
    assert [r.claim_id for r in newest] == paged[::-1]
    by_amount = index.queue(view="all", sort="amount", per_page=1000).rows
    totals = [r.totals[0][0] for r in by_amount]
    assert len(by_amount) == 60 and totals[0] == "69.50"
    for view in ("to_review", "waiting", "decided", "done"):
        shown = index.queue(view=view, per_page=1000)
        assert shown.total == len(shown.rows) == index.counts(view)["views"][view]
        assert all(r.view == view for r in shown.rows)
    emails = index.queue(view="all", channel="email", per_page=1000)
    assert emails.total == 30 and {r.channel for r in emails.rows} == {"email"}
    missing = index.queue(view="all", flag="missing_prescription", per_page=1000)
    assert missing.total == sum("missing_prescription" in r.flag_codes for r in everything) > 0
    lab = index.queue(view="all", care="laboratory", channel="extranet", per_page=1000)
    assert lab.total == sum("laboratory" in r.care_types and r.channel == "extranet" for r in everything) > 0
    assert index.queue(view="all", search="exemple2").total == 15  # a beneficiary's word, whatever its case and accents
    assert index.queue(view="all", search="EXEMPLE2 facture-10").total == 1
    assert index.queue(view="all", search=everything[7].claim_id).rows[0].claim_id == everything[7].claim_id
    assert index.queue(view="all", search="CLM-20261120").total == 60  # a claim number's beginning
    assert index.queue(view="all", search="personne").total == 0
    previous, following = index.neighbours(everything[5].claim_id, view="all")
    assert (previous, following) == (everything[4].claim_id, everything[6].claim_id)


QUERIES = (
    {},
    {"view": "all", "sort": "amount"},
    {"view": "all", "sort": "-amount"},
    {"view": "to_review", "sort": "status"},
    {"view": "all", "flag": "missing_prescription", "sort": "-age"},
    {"view": "all", "channel": "email", "care": "pharmacy", "sort": "amount"},
    {"view": "to_review", "flag": "missing_prescription", "channel": "extranet"},
    {"view": "all", "search": "exemple2", "sort": "-amount"},
    {"view": "all", "search": "CLM-2026 exemple1", "channel": "email"},
    {"view": "all", "search": "facture-1"},
)


def expected(rows: list[ClaimRow], view="to_review", flag="", care="", channel="", search="", sort="age") -> list[str]:
    """A queue query answered by brute force: every row checked, then sorted in Python."""
    from infra.index.store import search_words

    def kept(r: ClaimRow) -> bool:
        return (
            (view == "all" or r.view == view)
            and (not flag or flag in r.flag_codes)
            and (not care or care in r.care_types)
            and (not channel or r.channel == channel)
            and all(any(t.startswith(w) for t in r.terms) for w in search_words(search))
        )

    def amount(r: ClaimRow) -> Decimal:
        return r.total_eur if r.total_eur is not None else Decimal("-1e12")  # no amount: the smallest

    found = [r for r in rows if kept(r)]
    if sort in ("amount", "-amount"):
        found.sort(key=lambda r: (amount(r), r.created_at, r.claim_id), reverse=sort == "amount")
    elif sort == "status":
        found.sort(key=lambda r: (r.status, r.created_at, r.claim_id))
    else:
        found.sort(key=lambda r: (r.created_at, r.claim_id), reverse=sort == "-age")
    return [r.claim_id for r in found]


@pytest.mark.parametrize("drive, cap", [(10**9, 10**9), (-1, 10**9), (-1, 4)], ids=["driven", "walked", "capped"])
def test_the_queue_answers_alike_whichever_filter_drives_it(index, monkeypatch, drive, cap):
    """The queue's plans (store.ClaimIndex.queue): driven from the rarest filter's tags and sorted, or the
    sort's index walked with every filter checked claim by claim; a total beyond COUNT_CAP not exact."""
    import infra.index.store as store

    monkeypatch.setattr(store, "DRIVE", drive)
    monkeypatch.setattr(store, "COUNT_CAP", cap)
    monkeypatch.setattr(store, "DRIVE_ONE", drive)
    rows = [row(n) if n % 9 else row(n, total_eur=None) for n in range(40)]
    index.put_claims(rows)
    for query in QUERIES:
        want = expected(rows, **query)
        assert want or query.get("search") == "CLM-2026 exemple1", query  # each query finds claims (but one)
        page_size = 7
        got, exact, page = [], [], 1
        while True:
            answer = index.queue(**query, page=page, per_page=page_size)
            got += [r.claim_id for r in answer.rows]
            exact.append(answer.exact)
            if answer.exact:
                assert answer.total == len(want) and answer.pages == max(-(-len(want) // page_size), 1), query
            else:
                assert answer.total == cap < len(want), query  # more than the cap: said so, never a wrong count
            if len(answer.rows) < page_size or (answer.exact and page >= answer.pages):
                break
            page += 1
        assert got == want, query
        kept_count = not query.get("search") and len([k for k in ("flag", "care", "channel") if query.get(k)]) <= 1
        assert all(exact) == (kept_count or drive > 0 or len(want) <= cap), query


def test_submissions_rows_keep_their_states(index):
    since = datetime(2026, 11, 20, 8, tzinfo=UTC)

    def submission(marker: str, state: str, lease: datetime | None = None, name: str = "S-1") -> SubmissionRow:
        claim_id = "CLM-20261120-ABC123" if state != "waiting" else None
        return SubmissionRow(marker, "extranet", "2026-11-20T08", name, 0, state, claim_id, lease, 1, 2, 1_000)

    waiting, processing, done = (
        "state/submissions/extranet/a.json",
        "state/submissions/extranet/b.json",
        "state/submissions/email/c.json",
    )
    index.put_submission(submission(waiting, "waiting"), since)
    index.put_submission(submission(processing, "waiting"), since)
    index.put_submission(submission(processing, "processing", since), since)
    index.put_submission(submission(done, "done", since), since)
    index.put_submission(submission(done, "waiting"), since)  # a done submission never goes back
    states = index.submission_states([waiting, processing, done, "state/submissions/email/none.json"])
    assert {m: r.state for m, r in states.items()} == {waiting: "waiting", processing: "processing", done: "done"}
    assert states[processing].lease_since == since and states[done].claim_id == "CLM-20261120-ABC123"
    assert [r.marker for r in index.unfinished(since + timedelta(minutes=5), inbox.LEASE)] == [waiting]
    lapsed = index.unfinished(since + inbox.LEASE + timedelta(minutes=1), inbox.LEASE)
    assert sorted(r.marker for r in lapsed) == sorted([waiting, processing])
    index.forget_submission(processing)  # only a waiting row is forgotten
    index.forget_submission(waiting)
    assert index.submission(waiting) is None and index.submission(processing) is not None
    assert index.submission(processing) == submission(processing, "processing", since)


def race(index: ClaimIndex, claim: ClaimRow, writers: int = 6) -> tuple[list[bool], list[BaseException]]:
    """`writers` threads writing the same row at once: what each put_claim returned, what any raised."""
    start = threading.Barrier(writers)
    results: list[bool] = []
    errors: list[BaseException] = []

    def write() -> None:
        start.wait()
        try:
            results.append(index.put_claim(claim))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_writers_racing_on_one_new_claim_leave_one_row_and_right_counts(index):
    racing = [row(3), row(4), row(5)]
    for claim in racing:
        results, errors = race(index, claim)
        assert errors == [] and sorted(results) == [False] * 5 + [True]  # one wrote it, the others found it there
    assert_counts(index, racing)


def test_reindex_rebuilds_an_emptied_database_as_the_writes_made_it(storage, index, index_url):
    from tests.postgres import recreate_database

    make_claims(ClaimStore(storage), 45)
    for n, name in enumerate(("S-1", "S-2")):
        storage.put_bytes(f"inbox/extranet/{name}/facture.pdf", b"%PDF" + bytes([n]))
        storage.put_bytes(f"inbox/extranet/{name}/manifest.json", b"{}")
    for submission in inbox.pending(storage, NOW):
        marker = inbox.take(storage, submission, NOW)
        assert marker is not None
        inbox.finish(storage, submission, marker, NOW)
    before = queue_state(index)
    assert sum(before[1]["all"]["views"].values()) == 2 * 45  # every view's count and the total
    if index_url is None:
        delete_sqlite_index(storage)
    else:
        dispose_all()
        recreate_database(index_url)
    emptied = open_index(storage)
    assert emptied.claim_count() == 0 and emptied.counts("all")["views"]["all"] == 0
    progress = Reindex(storage, batch=20).run()
    assert (progress.claims, progress.unreadable, progress.submissions) == (45, [], 2)
    assert queue_state(open_index(storage)) == before
    assert Reindex(storage, keep=True).run().claims == 45 and queue_state(open_index(storage)) == before
