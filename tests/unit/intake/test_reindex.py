"""`intake reindex` (intake/reindex.py) on a local storage and its SQLite index: the index rebuilt from the
bucket alone gives the queue and counts the writes had made; the outbox with its deliveries; the
submissions from their markers; unreadable claims counted and skipped by number; progress, summary and
an interruption that says how far it got; running it again changes nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from infra.index.engine import default_url, dispose_all
from infra.index.store import ClaimIndex, open_index
from infra.storage.base import StorageError
from infra.storage.local import LocalStorage
from intake import inbox
from intake.claim_store import ClaimStore, outbox_key
from intake.handoff import DELIVERED, idempotency_key
from intake.reindex import Reindex, listed_claims, reindex_command
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


def delete_sqlite_index(storage: LocalStorage) -> None:
    dispose_all()
    database = Path(default_url(storage).removeprefix("sqlite:///"))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        path.unlink(missing_ok=True)


@pytest.fixture
def storage(tmp_path, monkeypatch) -> LocalStorage:
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
    assert sum("/40 claims" in line for line in lines) == 4  # a progress line every 10 claims
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
    assert "30 claims listed" in err and "5/30 claims" in err and "15/30 claims" in err
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
    assert "5/12 claims" in captured.err and "10/12 claims" in captured.err
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
    assert "3/8 claims" in err and "stopped" in err and "during the claims: 6 claims indexed" in err and message in err
