"""`intake reindex`: the index (infra/index) rebuilt from the bucket, which stays the system of record -
after the index database was lost or restored from an older backup, moved (another INTAKE_INDEX_URL),
or when its counts are in doubt.

Three stages, each from one listing (no listing per claim):
    claims       `claims/` listed once gives every claim.json and audit event (`review/*.json`); they are
                 read a batch at a time (several readers: a bucket answers in milliseconds, not
                 microseconds), each claim's row made as the desk makes it (review/claim_row.py), and a
                 batch written in one transaction. A claim.json (or audit event) that does not parse is
                 counted and skipped, named by its claim number only.
    outbox       `outbox/adjudication/<id>.json`, delivered when `delivered/<id>.json` holds the current
                 payload's idempotency key (intake/handoff.py).
    submissions  the markers `state/submissions/<channel>/<token>.json` (intake/inbox.py): state, claim,
                 lease, attempts; how far a done submission was accounted for from `state/done/`. A marker
                 does not hold the submission's name, partition or part: a row made from a marker alone has
                 "" for both and part 0 (a row the service already wrote keeps its own).

By default the claims and the outbox are emptied first (`ClaimIndex.clear_claims`), so the counts are
recomputed from nothing: run it with the service and the desk stopped (what they write during the run
may be overwritten by an older state, until their next write). `keep=True` (`--keep`) only upserts:
safe beside a running service, but it neither removes rows the bucket no longer has nor repairs counts
of claims whose row did not change. Either way running it again is harmless.

It reports how far it got (`Progress`): a line every `every` claims, and a summary; an interruption
(Ctrl-C, the storage or the database failing) prints how far it got, and the command exits non-zero.
"""

from __future__ import annotations

import json
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO, TypeVar

from infra.index.store import ClaimIndex, ClaimRow, OutboxEntry, SubmissionRow, open_index
from infra.storage.base import NotFound, ObjectInfo, Storage
from intake import inbox
from intake.claim_store import ADJUDICATION_OUTBOX, CLAIMS
from intake.handoff import DELIVERED, idempotency_key
from models.errors import ExitCode
from models.manifest import CLAIM_ID
from models.review import ReviewEvent
from review.claim_row import row_of
from validators.rules_file import Rules, load_rules

BATCH = 500  # claims per transaction
EVERY = 1000  # claims between two progress lines
READERS = 8  # objects read at once
CHANNELS = (inbox.EXTRANET, inbox.EMAIL, inbox.UNEXPECTED)  # the markers' folders (anything else there is not one)
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Progress:
    """How far a reindex got: what the progress lines, the summary and an interruption report."""

    started: float = field(default_factory=time.monotonic)
    stage: str = "claims"
    listed: int = 0  # claims with a claim.json
    claims: int = 0  # claims indexed
    unreadable: list[str] = field(default_factory=list)  # claim numbers skipped
    outbox: int = 0
    delivered: int = 0
    submissions: int = 0
    bad_markers: int = 0

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Claims (indexed or skipped) per second since the start."""
        return (self.claims + len(self.unreadable)) / max(self.seconds, 1e-9)

    def line(self) -> str:
        return f"{self.claims + len(self.unreadable)}/{self.listed} claims, {self.rate:.0f} claims/s"

    def summary(self) -> str:
        return (
            f"{self.claims} claims indexed ({len(self.unreadable)} unreadable, skipped), "
            f"{self.outbox} outbox entries ({self.delivered} delivered), "
            f"{self.submissions} submissions ({self.bad_markers} unreadable markers) "
            f"in {self.seconds:.1f} s: {self.rate:.0f} claims/s"
        )


@dataclass(frozen=True)
class _Listed:
    """One claim as the listing of `claims/` shows it: its claim.json and its audit events, in key order."""

    claim_id: str
    claim: ObjectInfo
    events: tuple[ObjectInfo, ...]

    @property
    def updated_at(self) -> datetime:
        return max(info.last_modified for info in (self.claim, *self.events))


def listed_claims(infos: Iterable[ObjectInfo]) -> list[_Listed]:
    """The claims of a listing of `claims/` (as `ClaimStore.claim_ids` and `review_events` see them)."""
    found: dict[str, ObjectInfo] = {}
    events: dict[str, list[ObjectInfo]] = {}
    for info in infos:
        parts = info.key.split("/")
        if len(parts) < 3 or not CLAIM_ID.fullmatch(parts[1]):
            continue
        if len(parts) == 3 and parts[2] == "claim.json":
            found[parts[1]] = info
        elif len(parts) >= 4 and parts[2] == "review" and info.key.endswith(".json"):
            events.setdefault(parts[1], []).append(info)
    return [_Listed(c, found[c], tuple(sorted(events.get(c, ()), key=lambda i: i.key))) for c in sorted(found)]


def _read_ahead(pool: ThreadPoolExecutor, items: Sequence[T], read: Callable[[T], R], window: int) -> Iterator[tuple[T, R]]:
    """Each item with what `read` made of it, in order, `window` reads running ahead of the consumer."""
    pending: deque[tuple[T, Future[R]]] = deque()
    position = 0
    while position < len(items) or pending:
        while position < len(items) and len(pending) < window:
            pending.append((items[position], pool.submit(read, items[position])))
            position += 1
        item, future = pending.popleft()
        yield item, future.result()


class Reindex:
    """One rebuild of the index of a storage (`run`), with its `progress`."""

    def __init__(
        self,
        storage: Storage,
        index: ClaimIndex | None = None,
        rules: Rules | None = None,
        keep: bool = False,
        every: int = EVERY,
        batch: int = BATCH,
        readers: int = READERS,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.storage, self.keep, self.every, self.batch, self.readers = storage, keep, max(every, 1), max(batch, 1), readers
        self.index = index if index is not None else open_index(storage)
        self.rules = rules or load_rules()
        self.report = report or (lambda line: None)
        self.progress = Progress()

    def run(self) -> Progress:
        self.progress = Progress()
        with ThreadPoolExecutor(max_workers=max(self.readers, 1), thread_name_prefix="reindex") as pool:
            try:
                self._claims(pool)
                self._outbox(pool)
                self._submissions(pool)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        return self.progress

    # -- claims ------------------------------------------------------------------------------------
    def _read_claim(self, listed: _Listed) -> tuple[bytes, list[bytes]] | None:
        try:
            return self.storage.get_bytes(listed.claim.key), [self.storage.get_bytes(e.key) for e in listed.events]
        except NotFound:
            return None  # gone since the listing (claims are not deleted: a stranger's hand)

    def _row(self, listed: _Listed, read: tuple[bytes, list[bytes]]) -> ClaimRow | None:
        data, raw_events = read
        try:
            events = [ReviewEvent.model_validate_json(raw) for raw in raw_events]
            return row_of(data, events, self.rules, listed.updated_at)
        except ValueError:  # not JSON, not a claim (pydantic's ValidationError is a ValueError)
            return None

    def _claims(self, pool: ThreadPoolExecutor) -> None:
        progress = self.progress
        progress.stage = "claims"
        self.report("listing the claims")
        everything = listed_claims(self.storage.list(CLAIMS))
        progress.listed = len(everything)
        self.report(f"{progress.listed} claims listed")
        if not self.keep:
            self.index.clear_claims()
        rows: list[ClaimRow] = []
        next_line = self.every
        for listed, read in _read_ahead(pool, everything, self._read_claim, max(self.batch, self.readers * 4)):
            if read is None:
                progress.listed -= 1
                continue
            row = self._row(listed, read)
            if row is None:
                progress.unreadable.append(listed.claim_id)
                self.report(f"claim {listed.claim_id}: claim.json or an audit event does not parse, skipped")
            else:
                rows.append(row)
            if len(rows) >= self.batch:
                self._write(rows)
                rows = []
            done = progress.claims + len(rows) + len(progress.unreadable)
            if done >= next_line:
                self._write(rows)
                rows = []
                self.report(progress.line())
                next_line += self.every
        self._write(rows)

    def _write(self, rows: list[ClaimRow]) -> None:
        if not rows:
            return
        if self.keep:
            self.index.upsert_claims(rows)
        else:
            self.index.add_claims(rows)
        self.progress.claims += len(rows)

    # -- the adjudication outbox -------------------------------------------------------------------
    def _read_outbox(self, item: tuple[str, ObjectInfo, ObjectInfo | None]) -> OutboxEntry | None:
        claim_id, entry, receipt = item
        if receipt is None:
            return OutboxEntry(claim_id, entry.last_modified)
        try:
            key = idempotency_key(claim_id, self.storage.get_bytes(entry.key))
        except NotFound:
            return None
        try:
            delivered = json.loads(self.storage.get_bytes(receipt.key))
        except (NotFound, ValueError):
            delivered = {}
        if not isinstance(delivered, dict) or delivered.get("idempotency_key") != key:
            return OutboxEntry(claim_id, entry.last_modified)  # delivered an earlier version, or never
        try:
            when = datetime.fromisoformat(str(delivered.get("delivered_at")))
        except ValueError:
            when = receipt.last_modified
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        # this very payload was delivered: written no later than that, whatever the clocks of the bucket and the service say
        return OutboxEntry(claim_id, min(entry.last_modified, when), when, key)

    def _outbox(self, pool: ThreadPoolExecutor) -> None:
        self.progress.stage = "outbox"
        entries: dict[str, ObjectInfo] = {}
        receipts: dict[str, ObjectInfo] = {}
        for info in self.storage.list(ADJUDICATION_OUTBOX):
            name = info.key[len(ADJUDICATION_OUTBOX) :]
            into = receipts if name.startswith(DELIVERED[len(ADJUDICATION_OUTBOX) :]) else entries
            name = name.rpartition("/")[2] if into is receipts else name
            if name.endswith(".json") and "/" not in name and CLAIM_ID.fullmatch(name[: -len(".json")]):
                into[name[: -len(".json")]] = info
        items = [(c, info, receipts.get(c)) for c, info in sorted(entries.items())]
        found: list[OutboxEntry] = []
        for _, entry in _read_ahead(pool, items, self._read_outbox, self.readers * 4):
            if entry is not None:
                found.append(entry)
            if len(found) >= self.batch:
                self._write_outbox(found)
                found = []
        self._write_outbox(found)
        self.report(f"{self.progress.outbox} outbox entries ({self.progress.delivered} delivered)")

    def _write_outbox(self, entries: list[OutboxEntry]) -> None:
        if entries:
            self.index.restore_outbox(entries)
            self.progress.outbox += len(entries)
            self.progress.delivered += sum(e.delivered_at is not None for e in entries)

    # -- submissions -------------------------------------------------------------------------------
    def _read_marker(self, info: ObjectInfo) -> inbox.Marker | str | None:
        """The marker, None when it is gone, "unreadable" when it does not parse."""
        try:
            return inbox.Marker.from_bytes(self.storage.get_bytes(info.key))
        except NotFound:
            return None
        except (ValueError, KeyError, TypeError):
            return "unreadable"

    def _submissions(self, pool: ThreadPoolExecutor) -> None:
        self.progress.stage = "submissions"
        done = inbox.done_states(self.storage.list(inbox.DONE))
        markers = []
        for info in self.storage.list(inbox.STATE):
            parts = info.key[len(inbox.STATE) :].split("/")
            if len(parts) == 2 and parts[0] in CHANNELS and parts[1].endswith(".json") and len(info.key) <= 200:
                markers.append(info)
        now = datetime.now(UTC)
        rows: list[SubmissionRow] = []
        for info, marker in _read_ahead(pool, markers, self._read_marker, self.readers * 4):
            if not isinstance(marker, inbox.Marker) or marker.state not in ("processing", "done"):
                self.progress.bad_markers += marker is not None
                continue
            channel, token = info.key[len(inbox.STATE) : -len(".json")].split("/")
            state = done.get(f"{inbox.DONE}{channel}/{token}") if marker.state == "done" else None
            rows.append(
                SubmissionRow(
                    marker=info.key,
                    channel=channel,
                    partition="",
                    name="",
                    after=0,
                    state=marker.state,
                    claim_id=marker.claim_id if CLAIM_ID.fullmatch(marker.claim_id) else None,
                    lease_since=marker.since,
                    attempts=marker.attempts,
                    objects=state.objects if state is not None and state.objects is not None else len(marker.objects),
                    latest_us=state.latest if state is not None and state.latest is not None else 0,
                )
            )
            if len(rows) >= self.batch:
                self.index.restore_submissions(rows, now)
                self.progress.submissions += len(rows)
                rows = []
        if rows:
            self.index.restore_submissions(rows, now)
            self.progress.submissions += len(rows)


def reindex_command(storage: Storage, rules: Rules, keep: bool, every: int, out: TextIO | None = None) -> int:
    """`intake reindex`: progress on `out`, the summary on stdout; an interruption says how far it got
    (then propagates: the command line turns it into its exit code)."""
    from sqlalchemy.exc import SQLAlchemyError

    def report(line: str) -> None:
        print(f"intake reindex: {line}", file=out or sys.stderr, flush=True)

    job: Reindex | None = None
    try:
        job = Reindex(storage, rules=rules, keep=keep, every=every, report=report)
        report(
            f"from {storage.describe()} into the index ({job.index.engine.dialect.name}){', keeping its rows' if keep else ''}"
        )
        progress = job.run()
    except BaseException as error:
        if job is not None:
            stopped = job.progress
            report(
                f"stopped ({type(error).__name__}) during the {stopped.stage}: {stopped.summary()}; "
                "the index is partial, run `intake reindex` again"
            )
        if isinstance(error, SQLAlchemyError):  # its message may quote a row's values (names): its kind only
            report(f"the index database failed ({type(error).__name__}): retry when it answers")
            return int(ExitCode.STORAGE)
        raise  # Ctrl-C, the storage failing...: the command line's exit code and message
    print(f"intake reindex: {progress.summary()}", flush=True)
    return int(ExitCode.OK)
