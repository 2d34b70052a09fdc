"""`intake reindex`: the index (infra/index) rebuilt from the bucket, which stays the system of record -
after the index database was lost or restored from an older backup, moved (another INTAKE_INDEX_URL),
or when its counts are in doubt.

Three stages, each from one or two listings (no listing per claim):
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

Memory stays flat whatever the history: nothing is held for every claim, outbox entry or marker at once.
A listing is read as it comes (`_listing`: the storage's lazy `walk`, a local folder's names one folder
at a time, an S3 listing a page at a time), in key order, which is what makes that possible:
    - a claim's keys `claims/<id>/...` are consecutive: each claim is made as its last key goes by
      (`claims_of`), read at most `window` claims ahead of the writes, written a batch at a time;
    - the outbox entries and their receipts are two listings in the same order (by claim number), and
      the markers and the done states two in the same order (by channel, then token: tokens have one
      length): each pair is merge-joined (`_merged`), one item of each side held at a time.
What it holds: a batch of rows, the claims read ahead, `LISTED` objects listed ahead, and (a local folder, which lists a folder in no
order) the names of the folders a walk is in, sorted, a few bytes each. So the number of claims is not
known until the end: a progress line says how many are done so far.

By default the claims and the outbox are emptied first (`ClaimIndex.clear_claims`, once the listing of
`claims/` has answered), so the counts are recomputed from nothing: run it with the service and the desk
stopped (what they write during the run may be overwritten by an older state, until their next write).
`keep=True` (`--keep`) only upserts: safe beside a running service, but it neither removes rows the
bucket no longer has nor repairs counts of claims whose row did not change. Either way running it again
is harmless.

It reports how far it got (`Progress`): a line every `every` claims (the claims done so far and the
rate), and a summary; an interruption (Ctrl-C, the storage or the database failing) prints how far it
got, and the command exits non-zero.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
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
LISTED = 1000  # objects listed at once (an S3 page)
ENTRIES = f"{ADJUDICATION_OUTBOX}CLM-"  # the outbox's entries (claim numbers begin so: CLAIM_ID), not its receipts
CHANNELS = (inbox.EXTRANET, inbox.EMAIL, inbox.UNEXPECTED)  # the markers' folders (anything else there is not one)
# `<channel>/<token>` as the service names a submission (intake/inbox.py `_token_of`: 16 base64url
# characters): one length, so markers and done states sort as their names do, and a merge join finds them
SUBMISSION = re.compile(rf"(?:{'|'.join(CHANNELS)})/[A-Za-z0-9_-]{{16}}")
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Progress:
    """How far a reindex got: what the progress lines, the summary and an interruption report."""

    started: float = field(default_factory=time.monotonic)
    stage: str = "claims"
    listed: int = 0  # claims with a claim.json listed so far (the listing is read as the claims are)
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
    def done(self) -> int:
        """Claims indexed or skipped."""
        return self.claims + len(self.unreadable)

    @property
    def rate(self) -> float:
        """Claims (indexed or skipped) per second since the start."""
        return self.done / max(self.seconds, 1e-9)

    def line(self) -> str:
        """A progress line: the claims done so far (their total is not known before the listing ends)."""
        return f"{self.done} claims, {self.rate:.0f} claims/s"

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


def _listing(storage: Storage, prefix: str) -> Iterator[ObjectInfo]:
    """The objects under `prefix` in key order, as they are listed: the storage's `walk` (lazy), `LISTED`
    objects at a time (a local walk's system calls, one object at a time among the readers', each wait
    for the interpreter's lock: a fifth slower), or its `list` for a storage without `walk` (held whole)."""
    walk = getattr(storage, "walk", None)
    if not callable(walk):
        return iter(storage.list(prefix))
    objects = walk(prefix)
    return itertools.chain.from_iterable(iter(lambda: list(itertools.islice(objects, LISTED)), []))


def _claim_of(info: ObjectInfo) -> str | None:
    """The claim number of a key `claims/<claim number>/...`, None for any other key."""
    parts = info.key.split("/", 2)
    return parts[1] if len(parts) == 3 and CLAIM_ID.fullmatch(parts[1]) else None


def _listed(claim_id: str, infos: Iterable[ObjectInfo]) -> _Listed | None:
    """The claim made of its keys (in key order), None when it has no claim.json."""
    claim, events = None, []
    for info in infos:
        rest = info.key.split("/")[2:]
        if rest == ["claim.json"]:
            claim = info
        elif len(rest) >= 2 and rest[0] == "review" and info.key.endswith(".json"):
            events.append(info)
    return _Listed(claim_id, claim, tuple(events)) if claim is not None else None


def claims_of(infos: Iterable[ObjectInfo]) -> Iterator[_Listed]:
    """The claims of a listing of `claims/` in key order (as `ClaimStore.claim_ids` and `review_events`
    see them), one at a time: a claim's keys are consecutive, it is made when the next claim's begin."""
    for claim_id, keys in itertools.groupby(infos, _claim_of):
        listed = _listed(claim_id, keys) if claim_id is not None else None
        if listed is not None:
            yield listed


def listed_claims(infos: Iterable[ObjectInfo]) -> list[_Listed]:
    """Every claim of a listing of `claims/` in any order, by claim number (held whole: `claims_of` streams)."""
    return list(claims_of(sorted(infos, key=lambda info: info.key)))


def _outbox_files(infos: Iterable[ObjectInfo], folder: str) -> Iterator[tuple[str, ObjectInfo]]:
    """(claim number, object) of each `<folder><claim number>.json` of a listing, in its order; anything
    else (another name, a key in a sub-folder) is left out."""
    for info in infos:
        name = info.key[len(folder) :]
        if name.endswith(".json") and "/" not in name and CLAIM_ID.fullmatch(name[: -len(".json")]):
            yield name[: -len(".json")], info


def _marker_of(info: ObjectInfo) -> str | None:
    """`<channel>/<token>` of a marker `state/submissions/<channel>/<token>.json`, None for anything else."""
    parts = info.key[len(inbox.STATE) :].split("/")
    if len(parts) == 2 and parts[0] in CHANNELS and parts[1].endswith(".json") and len(info.key) <= 200:
        return f"{parts[0]}/{parts[1][: -len('.json')]}"
    return None


def _done_of(info: ObjectInfo) -> str | None:
    """`<channel>/<token>` of a done state `state/done/<channel>/<token>[~...]` (`inbox.done_key`) named as
    the service names them (`SUBMISSION`), None for any other."""
    name = info.key.partition("~")[0][len(inbox.DONE) :]
    return name if SUBMISSION.fullmatch(name) else None


def _named(infos: Iterable[ObjectInfo], name_of: Callable[[ObjectInfo], str | None]) -> Iterator[tuple[str, ObjectInfo]]:
    """(name, object) of each object of a listing that `name_of` names, in its order."""
    for info in infos:
        name = name_of(info)
        if name is not None:
            yield name, info


def _done_states(infos: Iterable[ObjectInfo]) -> Iterator[tuple[str, inbox.DoneState]]:
    """(`<channel>/<token>`, its furthest done state, as `inbox.done_states` says) of a listing of
    `state/done/`, in its order: the keys of a submission named as the service names them are
    consecutive once the others are left out."""
    for name, group in itertools.groupby(_named(infos, _done_of), itemgetter(0)):
        [state] = inbox.done_states(info for _, info in group).values()
        yield name, state


def _merged(left: Iterable[tuple[str | None, T]], right: Iterable[tuple[str, R]]) -> Iterator[tuple[T, R | None]]:
    """Each item of `left` with the item of `right` of the same name (None: none, or a name of None):
    a merge join of two sequences in increasing order of their names (a name at most once on the
    right), holding one item of each."""
    others = iter(right)
    other = next(others, None)
    for name, item in left:
        while name is not None and other is not None and other[0] < name:
            other = next(others, None)
        yield item, (other[1] if name is not None and other is not None and other[0] == name else None)


def _started(items: Iterator[T]) -> Iterator[T]:
    """`items` with its first item already taken: a listing that fails at once fails here."""
    first = list(itertools.islice(items, 1))
    return itertools.chain(first, items)


def _read_ahead(pool: ThreadPoolExecutor, items: Iterable[T], read: Callable[[T], R], window: int) -> Iterator[tuple[T, R]]:
    """Each item with what `read` made of it, in order, `window` reads running ahead of the consumer: an
    item is taken from `items` (a listing) only when the window has room for it."""
    source = iter(items)
    pending: deque[tuple[T, Future[R]]] = deque()
    while True:
        for item in itertools.islice(source, max(window, 1) - len(pending)):
            pending.append((item, pool.submit(read, item)))
        if not pending:
            return
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
    def _listed_claims(self) -> Iterator[_Listed]:
        """The claims as `claims/` is listed, counted in `progress.listed` as they come."""
        for listed in claims_of(_listing(self.storage, CLAIMS)):
            self.progress.listed += 1
            yield listed

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
        """Each claim read and its row written as the listing goes (a batch per transaction), a progress
        line every `every` claims."""
        progress = self.progress
        progress.stage = "claims"
        self.report("listing and reading the claims")
        listing = _started(self._listed_claims())  # the bucket answers before the index is emptied
        if not self.keep:
            self.index.clear_claims()
        rows: list[ClaimRow] = []
        next_line = self.every
        for listed, read in _read_ahead(pool, listing, self._read_claim, max(self.batch, self.readers * 4)):
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
            if progress.done + len(rows) >= next_line:
                self._write(rows)
                rows = []
                self.report(progress.line())
                next_line += self.every
        self._write(rows)
        self.report(f"{progress.listed} claims listed")

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

    def _outbox_items(self) -> Iterator[tuple[str, ObjectInfo, ObjectInfo | None]]:
        """(claim number, entry, its receipt or None) in claim order: the listing of the entries merge-joined
        with that of the receipts (`delivered/<id>.json`, where intake/handoff.py reads it)."""
        entries = ((c, (c, info)) for c, info in _outbox_files(_listing(self.storage, ENTRIES), ADJUDICATION_OUTBOX))
        receipts = _outbox_files(_listing(self.storage, DELIVERED), DELIVERED)
        for (claim_id, entry), receipt in _merged(entries, receipts):
            yield claim_id, entry, receipt

    def _outbox(self, pool: ThreadPoolExecutor) -> None:
        self.progress.stage = "outbox"
        found: list[OutboxEntry] = []
        for _, entry in _read_ahead(pool, self._outbox_items(), self._read_outbox, self.readers * 4):
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
    def _markers(self) -> Iterator[tuple[ObjectInfo, str, inbox.DoneState | None]]:
        """(marker, `<channel>/<token>`, its done state or None) in key order: the listing of the markers
        merge-joined with that of `state/done/` (a marker not named as the service names them: None)."""
        markers = _named(_listing(self.storage, inbox.STATE), _marker_of)
        joinable = ((name if SUBMISSION.fullmatch(name) else None, (info, name)) for name, info in markers)
        for (info, name), state in _merged(joinable, _done_states(_listing(self.storage, inbox.DONE))):
            yield info, name, state

    def _read_marker(self, item: tuple[ObjectInfo, str, inbox.DoneState | None]) -> inbox.Marker | str | None:
        """The marker, None when it is gone, "unreadable" when it does not parse."""
        try:
            return inbox.Marker.from_bytes(self.storage.get_bytes(item[0].key))
        except NotFound:
            return None
        except (ValueError, KeyError, TypeError):
            return "unreadable"

    def _done_state(self, name: str, joined: inbox.DoneState | None, marker: inbox.Marker) -> inbox.DoneState | None:
        """How far a done marker's submission was accounted for: the merge join's state or, for a marker not
        named as the service names them (never joined), a listing of its own."""
        if marker.state != "done":
            return None
        if joined is not None or SUBMISSION.fullmatch(name):
            return joined
        base = f"{inbox.DONE}{name}"
        return inbox.done_states(self.storage.list(base)).get(base)

    def _submissions(self, pool: ThreadPoolExecutor) -> None:
        self.progress.stage = "submissions"
        now = datetime.now(UTC)
        rows: list[SubmissionRow] = []
        for (info, name, joined), marker in _read_ahead(pool, self._markers(), self._read_marker, self.readers * 4):
            if not isinstance(marker, inbox.Marker) or marker.state not in ("processing", "done"):
                self.progress.bad_markers += marker is not None
                continue
            rows.append(_submission_row(info, name, marker, self._done_state(name, joined, marker)))
            if len(rows) >= self.batch:
                self._write_submissions(rows, now)
                rows = []
        self._write_submissions(rows, now)

    def _write_submissions(self, rows: list[SubmissionRow], now: datetime) -> None:
        if rows:
            self.index.restore_submissions(rows, now)
            self.progress.submissions += len(rows)


def _submission_row(info: ObjectInfo, name: str, marker: inbox.Marker, state: inbox.DoneState | None) -> SubmissionRow:
    """A submission's row from its marker alone (and how far it was done, when known)."""
    return SubmissionRow(
        marker=info.key,
        channel=name.partition("/")[0],
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
