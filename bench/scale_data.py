"""The history that bench/scale.py measures against: N past submissions and N claims written straight
into a storage (files under a local root, or objects put into the in-process moto server's backend),
in the exact layout the service reads, with the index rows the service would have written.

What one submission and its claim leave behind (intake/inbox.py, intake/claim_store.py, intake/handoff.py):
    inbox/<YYYY-MM-DDTHH>/email/<name>.eml             half of them an e-mail (about 600 bytes)...
    inbox/<YYYY-MM-DDTHH>/extranet/<name>/facture.pdf  ...half an extranet upload: a file, then its manifest
    inbox/<YYYY-MM-DDTHH>/extranet/<name>/manifest.json
        the oldest 10 % in the undated layout of earlier releases (inbox/email/..., inbox/extranet/...)
    state/submissions/<channel>/<token>.json           its marker: done, its claim, the objects accounted for
    state/done/<channel>/<token>~<objects>~<latest>    its done entry
    claims/<claim_id>/claim.json                       the claim (no originals, messages nor quarantine: see below)
    claims/<claim_id>/review/000001.json               a manager's decision or request for proofs, for those reviewed
    outbox/adjudication/<claim_id>.json                ready and approved claims (a hard link to claim.json locally)
    outbox/adjudication/delivered/<claim_id>.json      their delivery receipts (all but the last few)
Index rows: each claim's queue row, tags and counts (ClaimIndex.add_claims), the outbox
(ClaimIndex.restore_outbox), each submission as done (ClaimIndex.restore_submissions, with its name
and hour) and the reconciliation cursors as a service that swept moments ago leaves them.

The claims are copies of real ones: the sample requests of samples/requests processed once by the
service's own pass (tests/review_data.py, fast OCR; cached under ~/.cache/claim-intake/), each copy
with its own number, date, beneficiary (a made-up name), amount (where no check compares it) and, for
the reviewed ones, an audit event. Their mix: 55 % ready without review; the others need review - those
of the last 14 days wait for it (85 %) or for the claimant's proofs (15 %), older ones were approved
(80 %) or rejected (20 %). The queue rows are derived from a few claims reviewed for real (per sample
and day) and checked against `review.claim_row.row_of` on a sample of the copies.

A sparse history (`generate(sparse=True)`, for a million on a disk that holds less than its ~40 GB):
only the last 3 hours' submissions and the claims whose pages the benchmark opens are written; every
other item is in the index alone. That is all the new service, desk and monitor read (the
reconciliation lists the recent hours, the desk reads the index and the claims it opens), not what the
daily full sweep, reindex or today's code read.

Left out, which makes today's code look better than it is: the claims' originals, messages and
quarantined files (its desk listed all of `claims/` on every page), the claim-number reservations.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from infra.index.store import ClaimIndex, ClaimRow, OutboxEntry, SubmissionRow, terms_of
from infra.storage.base import ObjectInfo
from infra.storage.keys import printable
from intake import inbox
from intake.claim_store import ADJUDICATION_OUTBOX
from intake.handoff import DELIVERED, idempotency_key
from intake.inbox import Marker, Submission, done_key, marker_key, partition_of
from intake.reconcile import LAST_SWEEP, WATERMARK, WINDOW
from models import Claim, ClaimStatus
from models.base import SCHEMA_VERSION
from models.review import ReviewAction, ReviewEvent
from review.apply import reviewed_claim
from review.claim_row import claim_version, row_of, row_of_reviewed
from validators.rules_file import Rules, load_rules

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "claim-intake" / "scale-templates"
SAMPLE_REQUESTS = ("missing-prescription", "pharmacy", "abroad-usa", "hospital", "physio", "abroad-japan", "rejects")
SPAN = timedelta(days=365)  # how far back the history goes
RECENT = timedelta(days=14)  # claims needing review younger than this are not decided yet
UNDATED = 0.10  # the oldest submissions, in the undated layout of earlier releases
READY = 0.55
UNDELIVERED = 3  # the latest outbox claims without a receipt
SPARSE_HOURS = timedelta(hours=3)  # a sparse history's submissions written as files: the reconciliation's window and more
CHUNK = 10_000  # items per worker's chunk (and per index transaction)
CHECKED = 100  # copies whose queue row is compared with row_of's
AMOUNT_FLAGS = {"declared_total_mismatch", "declared_currency_mismatch", "amount_mismatch"}  # checks comparing amounts
SENTINEL_ID = "CLM-20000101-ZZZZZZ"
SENTINEL_TIME = datetime(2000, 1, 1, tzinfo=UTC)
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
FIRST: tuple[str, ...] = (
    "Anne",
    "Bruno",
    "Chloé",
    "David",
    "Élise",
    "Fabien",
    "Gaëlle",
    "Hugo",
    "Inès",
    "Julien",
    "Karine",
    "Louis",
)
FIRST += ("Manon", "Nicolas", "Océane", "Pierre", "Rose", "Samuel", "Thaïs", "Ugo", "Victor", "Yasmine", "Zoé", "Adrien")
LAST: tuple[str, ...] = (
    "Arnaud",
    "Barbier",
    "Carpentier",
    "Delmas",
    "Fabre",
    "Garnier",
    "Hamel",
    "Joly",
    "Lacroix",
    "Marchal",
    "Noël",
)
LAST += ("Olivier", "Perrin", "Quentin", "Renaud", "Sauvage", "Tessier", "Vasseur", "Weber", "Besnard", "Collin", "Dumas")
LAST += ("Leclerc", "Masson", "Poirier", "Rolland", "Schmitt", "Texier", "Vidal", "Lemaire", "Boyer", "Caron", "Hubert")
MANAGER = "bench-manager"


# -- the sample claims ---------------------------------------------------------------------------------
def sample_claims(cache: Path = CACHE) -> list[bytes]:
    """The claim.json of every sample request as the service writes it, made once (about 25 s of OCR)
    and cached per claim schema version."""
    folder = cache / SCHEMA_VERSION
    claims = _cached(folder)
    if claims:
        return claims
    from tests.review_data import build_storage

    work = cache / f"work-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    storage = build_storage(work / "store", SAMPLE_REQUESTS)
    keys = [i.key for i in storage.list("claims/") if i.key.endswith("/claim.json") and i.key.count("/") == 2]
    made = work / "claims"
    made.mkdir()
    for number, key in enumerate(keys):
        (made / f"{number:02d}.json").write_bytes(storage.get_bytes(key))
    shutil.rmtree(folder, ignore_errors=True)  # unreadable: made again
    with contextlib.suppress(OSError):  # another process cached them meanwhile
        made.rename(folder)
    shutil.rmtree(work, ignore_errors=True)
    return _cached(folder)


def _cached(folder: Path) -> list[bytes]:
    """The cached sample claims, [] when there are none or one no longer validates."""
    try:
        claims = [path.read_bytes() for path in sorted(folder.glob("*.json"))]
        for data in claims:
            Claim.model_validate_json(data)
    except (OSError, ValueError):
        return []
    return claims if len(claims) >= len(SAMPLE_REQUESTS) else []


@dataclass
class Template:
    """A sample claim cut where each copy differs: its text in pieces, the slot names between them."""

    machine: Claim  # as the pipeline wrote it
    pieces: list[str]  # text, slot, text, slot... text
    amount: Decimal | None  # the one bill's total in EUR that copies vary (None: kept, a check compares it)
    beneficiary: str
    files: tuple[str, ...]
    rows: dict[tuple[str, str], ClaimRow] = field(default_factory=dict)  # (kind, day) -> the row reviewed for real

    @property
    def ready(self) -> bool:
        return self.machine.status is ClaimStatus.READY

    def render(self, values: dict[str, str]) -> bytes:
        return "".join(values[p] if i % 2 else p for i, p in enumerate(self.pieces)).encode("utf-8")


def template_of(data: bytes, rules: Rules) -> Template:
    machine = Claim.model_validate_json(data)
    row = row_of_reviewed(machine, "", datetime.now(UTC))
    text = machine.model_copy(update={"claim_id": SENTINEL_ID, "created_at": SENTINEL_TIME}).model_dump_json(indent=2)
    marks = {SENTINEL_ID: "\x00id\x00", json.dumps(SENTINEL_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")): '"\x00created\x00"'}
    if row.beneficiary:
        marks[json.dumps(row.beneficiary, ensure_ascii=False)] = '"\x00beneficiary\x00"'
    parts = machine.total_eur.parts if machine.total_eur is not None else ()
    amount = None
    if len(parts) == 1 and parts[0].currency == "EUR" and not {f.code.value for f in machine.all_flags()} & AMOUNT_FLAGS:
        amount = Decimal(str(parts[0].amount))
        marks[json.dumps(f"{amount:.2f}")] = '"\x00amount\x00"'
    for found, mark in marks.items():
        if found not in text:
            raise ValueError("a sample claim does not hold what its copies vary")
        text = text.replace(found, mark)
    return Template(machine, text.split("\x00"), amount, row.beneficiary, row.files)


# -- where objects go ----------------------------------------------------------------------------------
class Sink(Protocol):
    """Writes objects straight into a storage's backing store, and says how a listing will show them."""

    def put(self, key: str, data: bytes, listed: bool = False) -> ObjectInfo | None: ...

    def alias(self, source: str, key: str, data: bytes) -> None: ...


class LocalSink:
    """Files under a local storage's root, read-only as LocalStorage leaves them, at the time they are
    written (no fsync: a benchmark's data)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._folders: set[str] = set()

    def put(self, key: str, data: bytes, listed: bool = False) -> ObjectInfo | None:
        """Write `key`; how a listing shows it when `listed` (its time and etag, as LocalStorage makes them)."""
        folder = key.rpartition("/")[0]
        if folder not in self._folders:
            (self.root / folder).mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        fd = os.open(f"{self.root}/{key}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        try:
            os.write(fd, data)
            status = os.fstat(fd) if listed else None
        finally:
            os.close(fd)
        if status is None:
            return None
        etag = f"{status.st_size:x}-{status.st_mtime_ns:x}-{status.st_ino:x}"
        return ObjectInfo(key, status.st_size, datetime.fromtimestamp(status.st_mtime, tz=UTC), etag)

    def alias(self, source: str, key: str, data: bytes) -> None:
        """The same bytes under another key: a hard link (the outbox's copy of claim.json)."""
        folder = key.rpartition("/")[0]
        if folder not in self._folders:
            (self.root / folder).mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        os.link(f"{self.root}/{source}", f"{self.root}/{key}")


class NullSink:
    """Nothing written: an object of a sparse history, which only the index remembers."""

    def put(self, key: str, data: bytes, listed: bool = False) -> ObjectInfo | None:
        return ObjectInfo(key, len(data), SENTINEL_TIME, "0") if listed else None

    def alias(self, source: str, key: str, data: bytes) -> None:
        pass


NULL = NullSink()


class MotoSink:
    """Objects put into the moto server's backend of this process (no HTTP: moto answers a few hundred
    PUTs a second)."""

    def __init__(self, bucket: str) -> None:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.s3.models import s3_backends

        self.backend, self.bucket = s3_backends[DEFAULT_ACCOUNT_ID]["aws"], bucket

    def put(self, key: str, data: bytes, listed: bool = False) -> ObjectInfo | None:
        stored = self.backend.put_object(self.bucket, key, data)
        # a listing gives the time to the second (moto writes `.000Z`) and the ETag without its quotes
        when = stored.last_modified.replace(microsecond=0, tzinfo=UTC)
        return ObjectInfo(key, len(data), when, stored.etag.strip('"'))

    def alias(self, source: str, key: str, data: bytes) -> None:
        self.put(key, data)


# -- one history ---------------------------------------------------------------------------------------
def claim_number(i: int, day: datetime, salt: int) -> str:
    """A claim number unique for each i (an odd multiplier is a bijection of 30 bits)."""
    number = (i * 0x2545F491 + salt) & (2**30 - 1)
    return f"CLM-{day:%Y%m%d}-" + "".join(CROCKFORD[(number >> (5 * k)) & 31] for k in range(6))


def email_bytes(i: int, when: datetime) -> bytes:
    return (
        f"From: Assure {i} <assure-{i}@example.org>\r\nTo: remboursements@example.org\r\n"
        f"Subject: Demande de remboursement {i}\r\nDate: {when:%a, %d %b %Y %H:%M:%S +0000}\r\n"
        f"Message-ID: <bench-{i}@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Bonjour, veuillez trouver ma demande de remboursement. Cordialement.\r\n" + "." * 300 + "\r\n"
    ).encode()


PDF = b"%PDF-1.4\n% a placeholder: the benchmark's inbox objects are never read\n" + b"0" * 900 + b"\n%%EOF\n"


@dataclass
class Chunk:
    """Items [start, stop) of a history: their index rows, and what was written."""

    claims: list[ClaimRow] = field(default_factory=list)
    outbox: list[OutboxEntry] = field(default_factory=list)
    submissions: list[SubmissionRow] = field(default_factory=list)
    objects: int = 0
    sample_ids: dict[str, list[str]] = field(default_factory=dict)  # a few claim numbers per view
    checked: int = 0
    seconds: float = 0.0


class Maker:
    """Writes the items of a history of `n` through a sink: item i is a submission received at the i-th
    n-th of SPAN before `now`, and its claim."""

    def __init__(
        self, n: int, now: datetime, sink: Sink, rules: Rules, seed: int = 23, full_since: datetime | None = None
    ) -> None:
        """`full_since`: a sparse history - the items received before it only in the index (but the claims
        whose pages are opened, `Chunk.sample_ids`)."""
        self.n, self.now, self.sink, self.rules, self.seed, self.full_since = n, now, sink, rules, seed, full_since
        self.salt = random.Random(seed).getrandbits(30)
        self.templates = [template_of(data, rules) for data in sample_claims()]
        self.ready = [t for t in self.templates if t.ready]
        self.review = [t for t in self.templates if not t.ready]
        self.check_every = max(n // CHECKED, 1)

    def chunk(self, start: int, stop: int) -> Chunk:
        started = time.perf_counter()
        self.random = random.Random(f"{self.seed}-{start}")
        made = Chunk()
        for i in range(start, stop):
            self._one(i, made)
        made.seconds = time.perf_counter() - started
        return made

    def _kind(self, created: datetime) -> tuple[Template, str]:
        """A sample and what became of its copy: done, to_review, waiting, approved or rejected."""
        if self.random.random() < READY:
            return self.random.choice(self.ready), "done"
        template = self.random.choice(self.review)
        pick = self.random.random()
        if self.now - created < RECENT:
            return template, "to_review" if pick < 0.85 else "waiting"
        return template, "approved" if pick < 0.8 else "rejected"

    def _one(self, i: int, made: Chunk) -> None:
        when = self.now - SPAN + SPAN * ((i + 0.5) / self.n)
        when = when.replace(microsecond=0)
        sink: Sink = NULL if self.full_since is not None and when < self.full_since else self.sink
        # the submission
        dated = i >= self.n * UNDATED
        hour = partition_of(when) if dated else ""
        top = f"{inbox.INBOX}{hour}/" if dated else inbox.INBOX
        token = f"{i:07d}-{self.random.getrandbits(32):08x}"
        if i % 2 == 0:
            channel, name = inbox.EMAIL, f"{token}.eml"
            listed = [sink.put(f"{top}email/{name}", email_bytes(i, when), listed=True)]
        else:
            channel, name = inbox.EXTRANET, token
            manifest = json.dumps({"care_types": ["pharmacy"], "situation": "france", "reference": token}).encode()
            listed = [
                sink.put(f"{top}extranet/{name}/facture.pdf", PDF, listed=True),
                sink.put(f"{top}extranet/{name}/manifest.json", manifest, listed=True),
            ]
        objects = tuple(o for o in listed if o is not None)
        submission = Submission(channel, name, objects, partition=hour)
        # its claim
        created = when + timedelta(seconds=5)
        template, kind = self._kind(created)
        claim_id = claim_number(i, created, self.salt)
        beneficiary = f"{self.random.choice(FIRST)} {self.random.choice(LAST)}"
        amount = template.amount
        if amount is not None:
            amount = (amount * Decimal(self.random.randint(50, 300)) / 100).quantize(Decimal("0.01"))
        values = {
            "id": claim_id,
            "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "beneficiary": beneficiary,
            "amount": f"{amount:.2f}" if amount is not None else "",
        }
        data = template.render(values)
        version_sha = hashlib.sha256(data).hexdigest()
        events: list[bytes] = []
        event_at = None
        if kind in ("approved", "rejected", "waiting"):
            event_at = min(created + (timedelta(hours=2) if kind == "waiting" else timedelta(days=3)), self.now)
            events.append(review_event(kind, event_at, claim_version(version_sha, 0)))
        base = self._row(template, kind, created, event_at)
        row = replace(
            base,
            claim_id=claim_id,
            created_at=created,
            updated_at=event_at or created,
            beneficiary=beneficiary,
            totals=((f"{amount:.2f}", "EUR"),) if amount is not None else base.totals,
            total_eur=amount if amount is not None else base.total_eur,
            version=claim_version(version_sha, len(events)),
            decided_at=event_at if kind in ("approved", "rejected") else None,
            terms=terms_of(claim_id, beneficiary, *base.files),
        )
        made.claims.append(row)
        if i % self.check_every == self.check_every // 2:
            self._check(row, data, events)
            made.checked += 1
        claim_sink = sink
        if len(made.sample_ids.setdefault(row.view, [])) < 20:
            made.sample_ids[row.view].append(claim_id)
            claim_sink = self.sink  # its page is opened: there, even in a sparse history
        claim_key = f"claims/{claim_id}/claim.json"
        claim_sink.put(claim_key, data)
        for event in events:
            claim_sink.put(f"claims/{claim_id}/review/000001.json", event)
        made.objects += (1 + len(events)) * (claim_sink is not NULL)
        # the outbox: ready and approved claims, delivered but for the latest few
        if kind in ("done", "approved"):
            written = event_at or created
            (sink if claim_sink is not NULL else NULL).alias(claim_key, f"{ADJUDICATION_OUTBOX}{claim_id}.json", data)
            made.objects += sink is not NULL
            if i < self.n - UNDELIVERED:
                delivered = written + timedelta(seconds=30)
                key = idempotency_key(claim_id, data)
                receipt = {"claim_id": claim_id, "status": 200, "idempotency_key": key, "delivered_at": delivered.isoformat()}
                sink.put(f"{DELIVERED}{claim_id}.json", json.dumps(receipt).encode())
                made.outbox.append(OutboxEntry(claim_id, written, delivered, key))
                made.objects += sink is not NULL
            else:
                made.outbox.append(OutboxEntry(claim_id, written))
        # the submission's marker and done entry
        since = when + timedelta(seconds=20)
        marker = Marker(claim_id, "done", f"{i:016x}", since, 1, tuple(sorted((printable(o.key), o.etag) for o in objects)))
        sink.put(marker_key(submission), marker.to_bytes())
        sink.put(done_key(submission), b"")
        made.objects += (len(objects) + 2) * (sink is not NULL)
        made.submissions.append(replace(inbox.index_row(submission, "done", marker), name=printable(name)))

    def _row(self, template: Template, kind: str, created: datetime, event_at: datetime | None) -> ClaimRow:
        """The queue row of a copy made and reviewed on `created`'s day, reviewed for real once per sample,
        kind and day (the checks run again on a reviewed claim depend on its day)."""
        day = created.date().isoformat() if event_at is not None else ""
        known = template.rows.get((kind, day))
        if known is not None:
            return known
        machine = template.machine.model_copy(update={"created_at": created})
        events = [ReviewEvent.model_validate_json(review_event(kind, event_at, "v.0"))] if event_at is not None else []
        row = row_of_reviewed(reviewed_claim(machine, events, self.rules), "", created)
        template.rows[(kind, day)] = row
        return row

    def _check(self, row: ClaimRow, data: bytes, raw_events: list[bytes]) -> None:
        """The row written is the one row_of makes from the copy's bytes (as the desk and reindex would)."""
        events = [ReviewEvent.model_validate_json(raw) for raw in raw_events]
        expected = row_of(data, events, self.rules, row.updated_at)
        if expected != row:
            different = [k for k, v in expected.__dict__.items() if getattr(row, k) != v]
            raise RuntimeError(f"a generated queue row differs from row_of's in {different}")


@dataclass
class Generated:
    """What a generation made and how long it took."""

    n: int
    now: datetime
    seconds: dict[str, float] = field(default_factory=dict)
    objects: int = 0
    views: dict[str, int] = field(default_factory=dict)
    sample_ids: dict[str, list[str]] = field(default_factory=dict)
    checked: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "now": self.now.isoformat(),
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "objects": self.objects,
            "views": self.views,
            "checked_rows": self.checked,
        }


_makers: dict[tuple[Any, ...], Maker] = {}


def _local_chunk(job: tuple[str, int, datetime, int, datetime | None, int, int]) -> Chunk:
    """One chunk in a worker process (its Maker, and the rows it reviewed, kept between chunks)."""
    root, n, now, seed, full_since, start, stop = job
    key = (root, n, now, seed, full_since)
    if key not in _makers:
        _makers[key] = Maker(n, now, LocalSink(Path(root)), load_rules(), seed, full_since)
    return _makers[key].chunk(start, stop)


def generate(
    n: int,
    index: ClaimIndex,
    rules: Rules,
    root: Path | None = None,
    bucket: str | None = None,
    workers: int = 2,
    seed: int = 23,
    sparse: bool = False,
    report: Callable[[str], None] = lambda line: None,
) -> Generated:
    """A history of `n` under a local storage's `root` (in `workers` processes), or in the moto server's
    `bucket` of this process; the index written as chunks come. `sparse`: only the submissions of the
    last SPARSE_HOURS hours and the claims whose pages are opened are written; the rest is in the index
    alone (what the new code reads, and no more: not what a full sweep, reindex or today's code read)."""
    now = datetime.now(UTC).replace(microsecond=0)
    result = Generated(n, now)
    sample_claims()  # made here once, before the workers read them
    started = time.perf_counter()
    size = min(CHUNK, max(1000, -(-n // (2 * workers))))  # every worker busy, even for a small history
    full_since = now - SPARSE_HOURS if sparse else None
    jobs = [(str(root), n, now, seed, full_since, start, min(start + size, n)) for start in range(0, n, size)]
    if root is not None and workers > 1:
        pool = multiprocessing.get_context("fork").Pool(workers)
        chunks: Iterator[Chunk] = pool.imap(_local_chunk, jobs)
    else:
        pool = None
        maker = Maker(n, now, LocalSink(root) if root is not None else MotoSink(str(bucket)), rules, seed, full_since)
        chunks = (maker.chunk(job[5], job[6]) for job in jobs)
    index_seconds = 0.0
    try:
        for done, chunk in enumerate(chunks, 1):
            written = time.perf_counter()
            index.add_claims(chunk.claims)
            index.restore_outbox(chunk.outbox)
            index.restore_submissions(chunk.submissions, now)
            index_seconds += time.perf_counter() - written
            result.objects += chunk.objects
            result.checked += chunk.checked
            for view, ids in chunk.sample_ids.items():
                result.sample_ids.setdefault(view, []).extend(ids[: 20 - len(result.sample_ids.get(view, []))])
            if done * size % 100_000 == 0:
                report(f"{done * size:,} of {n:,} written")
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    index.set_cursor(LAST_SWEEP, now.isoformat(), now)
    index.set_cursor(WATERMARK, partition_of(now - WINDOW), now)
    result.seconds = {"all": time.perf_counter() - started, "index": index_seconds}
    result.views = index.counts("all")["views"]
    return result


def review_event(kind: str, at: datetime, version: str) -> bytes:
    """The audit event of a manager's decision or request for proofs, as the desk writes it."""
    action = {"approved": ReviewAction.APPROVE, "rejected": ReviewAction.REJECT, "waiting": ReviewAction.REQUEST_PROOFS}[kind]
    reason = {"rejected": "Soins non couverts.", "waiting": "Merci de nous envoyer l'ordonnance."}.get(kind)
    event = ReviewEvent(seq=1, action=action, by=MANAGER, at=at, claim_version=version, reason=reason)
    return json.dumps(event.model_dump(mode="json"), ensure_ascii=False, indent=1).encode("utf-8")
