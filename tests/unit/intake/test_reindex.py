"""`intake reindex` (intake/reindex.py) on a local storage and its SQLite index: the index rebuilt from the
bucket alone gives the queue and counts the writes had made; the outbox with its deliveries; the
submissions from their markers; unreadable claims counted and skipped by number; progress, summary and
an interruption that says how far it got; running it again changes nothing; every listing read as it
comes (memory flat whatever the history), the joins of two listings finding what a dict of one would."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from infra.index.engine import default_url, dispose_all
from infra.index.store import ClaimIndex, open_index
from infra.storage.base import ObjectInfo, StorageError
from infra.storage.local import LocalStorage
from intake import inbox
from intake.claim_store import ClaimStore, outbox_key
from intake.handoff import DELIVERED, idempotency_key
from intake.reindex import Reindex, claims_of, listed_claims, reindex_command
from models import Claim, ClaimStatus, DocType, Flag, FlagCode, Severity
from models.manifest import Channel
from models.money import EuroTotal
from models.review import ReviewAction, ReviewEvent
from tests.unit.validators.claim_fixtures import NOW, doc
from validators.rules_file import load_rules

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # a claim number's letters (models.manifest.CLAIM_ID)
CARE = ("pharmacy", "physiotherapy", "laboratory")


def claim_number(n: int) -> str:
    code = ""
    for _ in range(6):
        n, digit = divmod(n, 32)
        code = ALPHABET[digit] + code
    return f"CLM-20261120-{code}"


def make_claim(n: int) -> Claim:
    """Claims that differ in what the queue shows: status, channel, care type, flags, total, beneficiary."""
    flags = (
        (Flag(code=FlagCode.MISSING_PRESCRIPTION, severity=Severity.WARNING, message="Ordonnance manquante."),) if n % 3 else ()
    )
    bill = doc(
        f"facture-{n}.pdf",
        DocType.INVOICE,
        total=f"{10 + n}.50",
        currency="EUR",
        care_type=CARE[n % 3],
        beneficiary=f"Camille Exemple{n % 4}",
    )
    return Claim(
        claim_id=claim_number(n),
        created_at=NOW + timedelta(minutes=n),
        status=ClaimStatus.READY if n % 5 == 0 else ClaimStatus.NEEDS_REVIEW,
        documents=(bill,),
        flags=flags,
        channel=Channel.EMAIL if n % 2 else Channel.EXTRANET,
        total_eur=EuroTotal(amount=f"{10 + n}.50"),
    )


def review(store: ClaimStore, claim_id: str, seq: int, action: ReviewAction, at: datetime) -> None:
    event = ReviewEvent(seq=seq, action=action, by="marie", at=at, claim_version="x", reason="Pièce à fournir.")
    assert store.append_review_event(claim_id, seq, event.model_dump_json().encode("utf-8"))
    store.index_claim(claim_id, when=at)


def make_claims(store: ClaimStore, count: int) -> list[str]:
    """`count` claims written by the claim store (some rewritten, some reviewed: proofs asked, decided)."""
    ids = []
    for n in range(count):
        claim = make_claim(n)
        store.write(claim, None, NOW + timedelta(minutes=n))
        if n % 7 == 1:  # a second version: history, a changed view and flags
            store.write(
                claim.model_copy(update={"status": ClaimStatus.READY, "flags": ()}), None, NOW + timedelta(minutes=n, seconds=30)
            )
        if n % 4 == 3:
            review(store, claim.claim_id, 1, ReviewAction.REQUEST_PROOFS, NOW + timedelta(hours=1))
        if n % 8 == 2:
            review(store, claim.claim_id, 1, ReviewAction.APPROVE, NOW + timedelta(hours=2))
        ids.append(claim.claim_id)
    return ids


def queue_state(index: ClaimIndex) -> tuple:
    """What the desk sees: every view's rows (updated_at aside: a reindex dates a row by its objects), the counts."""
    views = {}
    for view in ("all", "to_review", "waiting", "decided", "done"):
        page = index.queue(view=view, per_page=1000)
        views[view] = [row.__dict__ | {"updated_at": None, "terms": None} for row in page.rows]
    counts = {view: index.counts(view) for view in ("all", "to_review", "waiting", "decided", "done")}
    searches = {word: index.queue(view="all", search=word).total for word in ("exemple2", "facture", "CLM-20261120")}
    return views, counts, searches, sorted(claim_id for claim_id, _ in index.undelivered())


def progress_lines(lines: list[str]) -> list[int]:
    """The claims done so far of each progress line ("12000 claims, 800 claims/s")."""
    return [int(m[1]) for line in lines if (m := re.fullmatch(r"(?:intake reindex: )?(\d+) claims, \d+ claims/s", line))]


def delete_sqlite_index(storage: LocalStorage) -> None:
    dispose_all()
    database = Path(default_url(storage).removeprefix("sqlite:///"))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        path.unlink(missing_ok=True)


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalStorage:
    monkeypatch.delenv("INTAKE_INDEX_URL", raising=False)
    return LocalStorage(tmp_path / "store")


def test_listing_finds_claims_and_their_audit_events_not_the_rest(storage):
    store = ClaimStore(storage, indexed=False)
    claim = make_claim(1)
    store.write(claim, None, NOW)
    store.write(claim, None, NOW + timedelta(minutes=1))  # a history version
    assert store.append_review_event(claim.claim_id, 1, b"{}")
    storage.put_bytes("claims/not-a-claim/claim.json", b"{}")
    storage.put_bytes(f"claims/{claim.claim_id}/originals/claim.json", b"{}")
    [listed] = listed_claims(storage.list("claims/"))
    assert listed.claim_id == claim.claim_id and listed.claim.key.endswith(f"{claim.claim_id}/claim.json")
    assert [e.key.rpartition("/")[2] for e in listed.events] == ["000001.json"]
    for n in (0, 2):
        store.write(make_claim(n), None, NOW)
    storage.put_bytes(f"claims/{claim_number(3)}/review/000001.json", b"{}")  # events without a claim.json
    streamed = list(claims_of(storage.walk("claims/")))
    assert [c.claim_id for c in streamed] == [claim_number(n) for n in (0, 1, 2)]
    assert streamed == listed_claims(reversed(storage.list("claims/")))  # listed_claims takes a listing in any order


@pytest.mark.parametrize("sorted_at_once", [1 << 16, 3], ids=["one-run", "runs-merged"])
def test_a_local_folder_is_walked_lazily_in_the_order_it_is_listed(storage, monkeypatch, sorted_at_once):
    monkeypatch.setattr("infra.storage.local.SORTED", sorted_at_once)
    keys = ["t/a-b", "t/a/x", "t/a0", "t/a/b/c", "t/b", "t/ab", "t/ab~1~2", "t/ab.json", "t/é", "t/Z", "t/a/b-c", "u"]
    for key in keys:
        storage.put_bytes(key, key.encode())
    (storage.root / "t" / ".intake-tmp-x").write_bytes(b"a write under way")
    for prefix in ("", "t/", "t/a", "t/a/", "t/ab", "t/a/b/c", "t/a/b/c/", "nothing/", "t/é"):
        assert list(storage.walk(prefix)) == storage.list(prefix), prefix
    walk = storage.walk("t/")
    assert next(walk).key == "t/Z"  # t/ read (its names only), t/a/ not yet
    storage.put_bytes("t/c", b"too late: t/ was read as the walk entered it")
    storage.put_bytes("t/a/y", b"in time: t/a/ is read when the walk enters it")
    rest = [info.key for info in walk]
    assert rest == sorted(rest) and "t/a/y" in rest and "t/c" not in rest


def test_the_index_rebuilt_from_the_bucket_is_the_one_the_writes_made(storage):
    store = ClaimStore(storage)
    make_claims(store, 40)
    before = queue_state(open_index(storage))
    assert before[1]["all"]["views"]["waiting"] and before[1]["all"]["views"]["decided"] and before[1]["all"]["views"]["done"]
    delete_sqlite_index(storage)
    empty = open_index(storage)
    assert empty.claim_count() == 0
    lines: list[str] = []
    progress = Reindex(storage, every=10, batch=7, report=lines.append).run()
    assert progress.claims == 40 and progress.unreadable == [] and progress.outbox == len(before[3])
    assert queue_state(open_index(storage)) == before
    assert progress_lines(lines) == [10, 20, 30, 40]  # a progress line every 10 claims: how many so far
    assert "40 claims listed" in lines
    again = Reindex(storage).run()  # run again: the same index
    assert again.claims == 40 and queue_state(open_index(storage)) == before
    kept = Reindex(storage, keep=True).run()  # only upserts: nothing changes either
    assert kept.claims == 40 and queue_state(open_index(storage)) == before


def test_a_claim_that_does_not_parse_is_counted_and_skipped_by_its_number(storage):
    store = ClaimStore(storage)
    ids = make_claims(store, 3)
    storage.put_bytes(f"claims/{ids[1]}/claim.json", b'{"claim_id": "Jeanne Martin ordonnance.pdf"')
    storage.put_bytes(f"claims/{ids[2]}/review/000009.json", b'{"seq": "not a number"}')
    lines: list[str] = []
    progress = Reindex(storage, report=lines.append).run()
    assert progress.claims == 1 and progress.unreadable == [ids[1], ids[2]]
    assert [row.claim_id for row in open_index(storage).queue(view="all").rows] == [ids[0]]
    skipped = [line for line in lines if "skipped" in line]
    assert len(skipped) == 2 and ids[1] in skipped[0] and "Jeanne" not in "".join(lines) and "ordonnance" not in "".join(lines)


def test_the_outbox_and_its_deliveries_come_back(storage):
    store = ClaimStore(storage)
    ids = make_claims(store, 11)  # claims 0, 5 and 10 ready, 1 ready in its second version, 2 approved: not in the outbox
    outboxed = sorted(i.key.rpartition("/")[2][:-5] for i in storage.list("outbox/adjudication/") if "/delivered/" not in i.key)
    assert outboxed == sorted([ids[0], ids[1], ids[5], ids[8], ids[10]])
    delivered, stale = ids[0], ids[5]
    for claim_id, payload in ((delivered, storage.get_bytes(outbox_key(delivered))), (stale, b"an earlier version")):
        receipt = {
            "claim_id": claim_id,
            "status": 200,
            "idempotency_key": idempotency_key(claim_id, payload),
            "delivered_at": NOW.isoformat(),
        }
        storage.put_bytes(f"{DELIVERED}{claim_id}.json", json.dumps(receipt).encode())
    # a receipt whose claim left the outbox; one in a sub-folder, where the hand-off never looks
    storage.put_bytes(f"{DELIVERED}{ids[3]}.json", json.dumps({"idempotency_key": "x"}).encode())
    payload = storage.get_bytes(outbox_key(ids[1]))
    storage.put_bytes(f"{DELIVERED}old/{ids[1]}.json", json.dumps({"idempotency_key": idempotency_key(ids[1], payload)}).encode())
    delete_sqlite_index(storage)
    progress = Reindex(storage).run()
    assert progress.outbox == 5 and progress.delivered == 1
    index = open_index(storage)
    assert sorted(c for c, _ in index.undelivered()) == sorted(set(outboxed) - {delivered})
    # --keep beside a service that wrote a new version after the delivery: it stays undelivered
    index.outbox_written(delivered, datetime.now(UTC) + timedelta(minutes=1))
    Reindex(storage, keep=True).run()
    assert delivered in {c for c, _ in index.undelivered()}


def test_submissions_come_back_from_their_markers(storage):
    since = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    storage.put_bytes("inbox/extranet/S-1/facture.pdf", b"%PDF")
    storage.put_bytes("inbox/extranet/S-1/manifest.json", b"{}")
    storage.put_bytes("inbox/email/m-1.eml", b"From: x")
    found = {s.channel: s for s in inbox.pending(storage, since)}
    first, second = found["extranet"], found["email"]
    done = inbox.take(storage, first, since)
    assert done is not None
    inbox.finish(storage, first, done, since + timedelta(minutes=1))
    taken = inbox.take(storage, second, since)
    assert taken is not None
    storage.put_bytes(f"{inbox.STATE}email/broken.json", b"{")
    storage.put_bytes(f"{inbox.STATE}elsewhere/x.json", b"{}")
    delete_sqlite_index(storage)
    progress = Reindex(storage).run()
    assert progress.submissions == 2 and progress.bad_markers == 1
    index = open_index(storage)
    finished, processing = (index.submission(inbox.marker_key(s)) for s in (first, second))
    assert finished is not None and processing is not None
    assert (finished.state, finished.claim_id, finished.attempts, finished.name, finished.partition) == (
        "done",
        done.claim_id,
        1,
        "",
        "",
    )
    assert finished.objects == 2 and finished.latest_us == int(
        max(o.last_modified for o in first.objects).timestamp() * 1_000_000
    )
    assert (processing.state, processing.claim_id, processing.lease_since, processing.attempts) == (
        "processing",
        taken.claim_id,
        since,
        1,
    )
    # a row the service wrote keeps what a marker does not hold (its name); a done row never goes back
    index.put_submission(replace(processing, name="m-1.eml", objects=1, latest_us=5), since)
    index.put_submission(replace(finished, name="S-1"), since)
    assert Reindex(storage).run().submissions == 2
    assert index.submission(inbox.marker_key(second)) == replace(processing, name="m-1.eml", objects=1, latest_us=5)
    assert index.submission(inbox.marker_key(first)) == replace(finished, name="S-1")


class FailingStorage(LocalStorage):
    """A local storage that fails (or is interrupted) reading one object."""

    def __init__(self, root: Path, key: str, error: BaseException) -> None:
        super().__init__(root)
        self.key, self.error = key, error

    def get_bytes(self, key: str) -> bytes:
        if key == self.key:
            raise self.error
        return super().get_bytes(key)


@pytest.mark.parametrize("error", [StorageError("storage down"), KeyboardInterrupt()], ids=["storage", "ctrl-c"])
def test_an_interruption_says_how_far_it_got_and_a_second_run_completes(storage, tmp_path, capsys, error):
    ids = make_claims(ClaimStore(storage), 30)
    failing = FailingStorage(tmp_path / "store", f"claims/{ids[17]}/claim.json", error)
    with pytest.raises(type(error)):
        reindex_command(failing, load_rules(), keep=False, every=5)
    err = capsys.readouterr().err
    assert progress_lines(err.splitlines()) == [5, 10, 15] and "claims listed" not in err  # stopped before the end
    assert "stopped" in err and "during the claims: 15 claims indexed" in err and "run `intake reindex` again" in err
    assert reindex_command(storage, load_rules(), keep=False, every=1000) == 0
    out = capsys.readouterr().out
    assert "30 claims indexed (0 unreadable, skipped)" in out and "claims/s" in out


def test_intake_reindex_on_the_command_line(storage, tmp_path, monkeypatch, capsys):
    from flows.cli import main

    make_claims(ClaimStore(storage), 12)
    before = queue_state(open_index(storage))
    delete_sqlite_index(storage)
    monkeypatch.setenv("INTAKE_STORAGE", "local")
    monkeypatch.setenv("INTAKE_ROOT", str(tmp_path / "store"))
    assert main(["reindex", "--progress", "5"]) == 0
    captured = capsys.readouterr()
    assert progress_lines(captured.err.splitlines()) == [5, 10] and "12 claims listed" in captured.err
    assert "12 claims indexed" in captured.out and "outbox entries" in captured.out and "submissions" in captured.out
    assert queue_state(open_index(storage)) == before
    assert main(["reindex", "--keep"]) == 0 and queue_state(open_index(storage)) == before


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [(StorageError("storage down"), 5, "intake: error [storage_failed]"), (KeyboardInterrupt(), 130, "intake: interrupted")],
    ids=["storage", "ctrl-c"],
)
def test_an_interrupted_intake_reindex_exits_non_zero(storage, tmp_path, monkeypatch, capsys, error, code, message):
    from flows.cli import main

    ids = make_claims(ClaimStore(storage), 8)
    failing = FailingStorage(tmp_path / "store", f"claims/{ids[6]}/claim.json", error)
    monkeypatch.setattr("infra.storage.settings.open_storage", lambda: failing)
    assert main(["reindex", "--progress", "3"]) == code
    err = capsys.readouterr().err
    assert progress_lines(err.splitlines()) == [3, 6]
    assert "stopped" in err and "during the claims: 6 claims indexed" in err and message in err


def write_submissions(storage: LocalStorage, count: int) -> None:
    """`count` markers named as the service names them (intake/inbox.py), in the three channels, done or
    processing, with no done state, one, or several (one of an earlier release, without counts); other
    names among them: markers named otherwise (done), a done state's name that sorts among a token's."""
    since = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    token = ""
    for n in range(count):
        channel = (inbox.EXTRANET, inbox.EMAIL, inbox.UNEXPECTED)[n % 3]
        token = base64.urlsafe_b64encode(hashlib.sha256(str(n).encode()).digest()[:12]).decode()
        objects = tuple((f"inbox/{channel}/{n}/{i}", "etag") for i in range(n % 3))
        marker = inbox.Marker(claim_number(n), "processing" if n % 4 == 0 else "done", f"{n:016x}", since, 1, objects)
        storage.put_bytes(f"{inbox.STATE}{channel}/{token}.json", marker.to_bytes())
        done = f"{inbox.DONE}{channel}/{token}"
        states = [f"{done}~{n}~{1000 + n}"] * (n % 5 != 0) + [f"{done}~{n + 1}~{2000 + n}", f"{done}~1~5"] * (n % 6 == 1)
        states += [done] * (n % 7 == 2) + [f"{done}.json~4~4"] * (n % 9 == 3)
        for key in states:
            storage.put_bytes(key, b"")
    for name in ("odd", token[:-1]):
        storage.put_bytes(f"{inbox.STATE}email/{name}.json", inbox.Marker(claim_number(1), "done", "t", since).to_bytes())
        storage.put_bytes(f"{inbox.DONE}email/{name}~3~7", b"")
    for key in (f"elsewhere/{token}~1~1", f"email/x/{token}~1~1"):
        storage.put_bytes(f"{inbox.DONE}{key}", b"")


def test_markers_find_the_done_states_a_dict_of_every_done_state_finds(storage):
    write_submissions(storage, 60)
    progress = Reindex(storage).run()
    assert progress.submissions == 62 and progress.bad_markers == 0
    every = inbox.done_states(storage.list(inbox.DONE))  # what reindex held before it streamed
    index = open_index(storage)
    for info in storage.list(inbox.STATE):
        marker = inbox.Marker.from_bytes(storage.get_bytes(info.key))
        state = every.get(f"{inbox.DONE}{info.key[len(inbox.STATE) : -len('.json')]}") if marker.state == "done" else None
        row = index.submission(info.key)
        assert row is not None and row.state == marker.state
        objects = state.objects if state is not None and state.objects is not None else len(marker.objects)
        assert (row.objects, row.latest_us) == (objects, state.latest if state is not None and state.latest else 0), info.key


class Watched(LocalStorage):
    """A local storage that logs each object its walks give, as they give it (the index's writes in the
    same log): what a reindex listed before it wrote."""

    def __init__(self, root: Path, log: list[tuple[str, str]]) -> None:
        super().__init__(root)
        self.log = log

    def walk(self, prefix: str = "") -> Iterator[ObjectInfo]:
        for info in super().walk(prefix):
            self.log.append(("listed", info.key))
            yield info


def logged(write: Callable[..., object], name: str, log: list[tuple[str, str]]) -> Callable[..., object]:
    """`write` (one of the index's) that logs its name first."""

    def logging(*args: object) -> object:
        log.append(("written", name))
        return write(*args)

    return logging


def listed_before_first(log: list[tuple[str, str]], write: str, thing: str) -> tuple[int, int]:
    """How many things (the start of a listed key that matches `thing`) were listed before the first
    `write`, and how many in all."""

    def things(entries: list[tuple[str, str]]) -> int:
        return len({m[0] for what, key in entries if what == "listed" and (m := re.match(thing, key))})

    return things(log[: log.index(("written", write))]), things(log)


def test_every_listing_is_read_as_its_rows_are_written_never_whole_first(storage, tmp_path, monkeypatch):
    listed = 3  # objects listed at once
    monkeypatch.setattr("intake.reindex.LISTED", listed)
    make_claims(ClaimStore(storage), 60)
    write_submissions(storage, 60)
    log: list[tuple[str, str]] = []
    watched = Watched(tmp_path / "store", log)
    index = open_index(watched)
    for method in ("add_claims", "restore_outbox", "restore_submissions"):
        monkeypatch.setattr(index, method, logged(getattr(index, method), method, log))
    batch, readers = 5, 1  # a window of max(batch, readers * 4) claims read ahead, of readers * 4 outbox entries and markers
    progress = Reindex(watched, index=index, batch=batch, readers=readers).run()
    assert progress.claims == 60 and progress.outbox > 3 * batch and progress.submissions == 62
    # before its first write a stage has listed its batch, the window read ahead and what is listed at once
    # (the claims: also the first key of the next, which ends a claim), no more
    before, claims = listed_before_first(log, "add_claims", "claims/[^/]+/")
    assert before <= batch + max(batch, readers * 4) + listed and claims == 60
    before, entries = listed_before_first(log, "restore_outbox", "outbox/adjudication/CLM-[^/]+$")
    assert before <= batch + readers * 4 + listed and entries == progress.outbox
    before, markers = listed_before_first(log, "restore_submissions", "state/submissions/.+")
    assert before <= batch + readers * 4 + listed and markers == 62
