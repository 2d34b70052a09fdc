"""The inbox of the storage: which submissions are waiting, which are complete, and who processes each.

Layout (keys under the storage root or bucket):
    inbox/<hour>/extranet/<submission>/<files...>   an extranet upload; `manifest.json` is written LAST
    inbox/<hour>/email/<message>.eml                a raw e-mail (one object: complete once it exists)
        <hour> is the UTC hour the writer started writing, `YYYY-MM-DDTHH` (`2026-12-05T13`): the dated
        layout, which lets a pass list only the recent hours (intake/reconcile.py) whatever the history
    inbox/extranet/..., inbox/email/...             the same without the hour: the undated layout of earlier
                                                    releases, still read (by the full sweep and by events)
    anything else under inbox/               an unexpected object: a submission of its own (channel
                                             `unexpected`), processed into a rejected claim, never skipped
    state/submissions/<channel>/<name>.json  the service's marker: which claim, processing or done
    state/done/<channel>/<token>~<n>~<t>     empty: the submission is done with its n objects, the latest changed at t
                                             (one listing per pass, no reads; `<token>` alone: an earlier release's)
    state/claim-ids/<claim_id>               who holds a claim number (`intake.claim_ids`)

Objects added to a submission folder after it was done (or replaced there) are not skipped: the done
entry's count and time show the change in the listing, and they are processed as a late part of the
submission (its own marker `<key>#after-<n>`) that joins the submission's claim, like a reply.

When is a submission complete? An e-mail is one object, so as soon as it exists. An extranet upload is
complete when its `manifest.json` exists (the extranet writes it after the files), or, for uploads
without a manifest, when no object of it changed for a quiet period (default 120 s).

Exactly once: a worker takes a submission by creating its marker with `put_bytes(if_absent=True)`
(atomic: one winner). The claim id is derived from the submission's key and reserved atomically
(`intake.claim_ids`: two submissions never share one), so a run that crashed and is taken over later
produces the same claim, never a second one. A marker left `processing` longer
than the lease (a killed worker) may be taken over, by one worker only (an atomic takeover key per
stale marker).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from infra.index.store import ClaimIndex, SubmissionRow, open_index
from infra.storage.base import NotFound, ObjectInfo, Storage
from infra.storage.keys import InvalidKey, check_prefix, printable
from intake.claim_ids import claim_id_for

INBOX = "inbox/"
EXTRANET = "extranet"
EMAIL = "email"
UNEXPECTED = "unexpected"  # an object where no submission should be: accounted for like one
MAX_ATTEMPTS = 3  # a submission taken over this many times (its workers died) is not read again
MANIFEST = "manifest.json"
STATE = "state/submissions/"
DONE = "state/done/"
QUIET = timedelta(seconds=120)
LEASE = timedelta(minutes=15)
PARTITION = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")  # inbox/<YYYY-MM-DDTHH>/: the dated layout's hour


def partition_of(moment: datetime) -> str:
    """The dated layout's folder for a moment (UTC hour): `2026-12-05T13`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H")


@dataclass(frozen=True)
class Submission:
    """One request waiting in the inbox."""

    channel: str  # extranet | email | unexpected
    name: str  # the submission folder, the .eml file name, or the unexpected object's key under inbox/
    objects: tuple[ObjectInfo, ...]
    after: int = 0  # a late part: how many of the submission's objects were accounted for before it (0: the submission)
    listed: tuple[ObjectInfo, ...] = ()  # a late part: every object of the submission as listed (accounted for once it is done)
    partition: str = ""  # the dated layout's hour ('': the undated layout)

    @property
    def base_key(self) -> str:
        """The submission's key, whatever part of it this is (`<hour>/<channel>/<name>` in the dated layout)."""
        return (f"{self.partition}/" if self.partition else "") + f"{self.channel}/{self.name}"

    @property
    def key(self) -> str:
        """The key of this part: the submission's, or `<key>#after-<n>` for objects added once it was done."""
        return self.base_key + (f"#after-{self.after}" if self.after else "")

    @property
    def whole(self) -> tuple[ObjectInfo, ...]:
        """Every object of the submission as listed, this part's and the earlier ones'."""
        return self.listed or self.objects

    @property
    def last_change(self) -> datetime:
        return max(o.last_modified for o in self.objects)

    def files(self) -> list[ObjectInfo]:
        """The request's files (the manifest aside)."""
        return [o for o in self.objects if not o.key.endswith("/" + MANIFEST)]


def group_submissions(objects: Iterable[ObjectInfo]) -> list[Submission]:
    """Inbox objects grouped into submissions, oldest change first. An object where none is expected
    (`inbox/extranet/stray.pdf`, `inbox/email/sub/x.eml`, `inbox/other.txt`) is a submission of its own
    in the `unexpected` channel: it is accounted for, never skipped."""
    extranet: dict[tuple[str, str], list[ObjectInfo]] = {}
    singles = []
    for info in objects:
        rest = info.key[len(INBOX) :]
        partition, _, dated = rest.partition("/")
        if not (PARTITION.fullmatch(partition) and dated):
            partition, dated = "", rest
        parts = dated.split("/")
        if parts[0] == EXTRANET and len(parts) >= 3:
            extranet.setdefault((partition, parts[1]), []).append(info)
        elif parts[0] == EMAIL and len(parts) == 2 and parts[1]:
            singles.append(Submission(EMAIL, parts[1], (info,), partition=partition))
        else:
            singles.append(Submission(UNEXPECTED, dated, (info,), partition=partition))
    found = [Submission(EXTRANET, name, tuple(items), partition=p) for (p, name), items in extranet.items()] + singles
    return sorted(found, key=lambda s: (s.last_change, s.key))


def _listing_prefix(channel: str, name: str, partition: str = "") -> str:
    """The narrowest prefix that lists a submission's keys (its channel's folder when its name is not a
    safe key: such a name can still be listed, never used to build a key)."""
    top = INBOX + (f"{partition}/" if partition else "")
    prefix = top + (name if channel == UNEXPECTED else f"{channel}/{name}" + ("/" if channel == EXTRANET else ""))
    try:
        return check_prefix(prefix)
    except InvalidKey:
        return top if channel == UNEXPECTED else f"{top}{channel}/"


def find_submission(storage: Storage, channel: str, name: str, partition: str = "") -> Submission | None:
    """One submission by its channel, name (as listed, or escaped) and hour, listing only its own keys
    (not the whole inbox)."""
    found = group_submissions(storage.list(_listing_prefix(channel, name, partition)))
    return next(
        (s for s in found if (s.channel, s.partition) == (channel, partition) and name in (s.name, printable(s.name))), None
    )


def is_complete(submission: Submission, now: datetime, quiet: timedelta = QUIET) -> bool:
    """An e-mail at once; an extranet upload once its manifest is written, or after a quiet period."""
    if submission.channel in (EMAIL, UNEXPECTED):
        return True
    if any(o.key.endswith("/" + MANIFEST) for o in submission.objects):
        return True
    return now - submission.last_change >= quiet


@dataclass(frozen=True)
class Marker:
    """The service's record of a submission: its claim, state and the worker holding it."""

    claim_id: str
    state: str  # processing | done
    token: str
    since: datetime
    attempts: int = 1  # how many workers have taken it (more than one: the earlier ones died or were stopped)
    objects: tuple[
        tuple[str, str], ...
    ] = ()  # (inbox key escaped, etag) of every object accounted for (the submission's marker, once done)

    @property
    def exhausted(self) -> bool:
        """Taken too often: whatever it holds kills its workers, it must not be read again."""
        return self.attempts > MAX_ATTEMPTS

    def to_bytes(self) -> bytes:
        raw = {
            "claim_id": self.claim_id,
            "state": self.state,
            "token": self.token,
            "since": self.since.isoformat(),
            "attempts": self.attempts,
            **({"objects": [list(o) for o in self.objects]} if self.objects else {}),
        }
        return json.dumps(raw).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Marker:
        raw = json.loads(data)
        objects = tuple((str(key), str(etag)) for key, etag in raw.get("objects", ()))
        return cls(
            raw["claim_id"],
            raw["state"],
            raw["token"],
            datetime.fromisoformat(raw["since"]),
            int(raw.get("attempts", 1)),
            objects,
        )


def _token_of(key: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()[:12]).decode()


def marker_key(submission: Submission) -> str:
    """The marker of this part (`state/submissions/<channel>/<token>.json`)."""
    return f"{STATE}{submission.channel}/{_token_of(submission.key)}.json"


def _base_marker_key(submission: Submission) -> str:
    return f"{STATE}{submission.channel}/{_token_of(submission.base_key)}.json"


def _done_base(submission: Submission) -> str:
    return f"{DONE}{submission.channel}/{_token_of(submission.base_key)}"


def done_key(submission: Submission) -> str:
    """An empty object saying the submission is done, and how far: `<token>~<objects>~<latest change,
    microseconds>` - a pass lists these instead of reading every marker, and knows from the listing
    alone when objects were added to a done submission. (`<token>` alone: done by an earlier release.)"""
    objects = submission.whole
    latest = max(o.last_modified for o in objects)
    return f"{_done_base(submission)}~{len(objects)}~{int(latest.timestamp() * 1_000_000)}"


@dataclass(frozen=True)
class DoneState:
    """How far a done submission was accounted for (None: done by an earlier release, not known)."""

    objects: int | None
    latest: int | None  # microseconds since the epoch


def done_states(infos: Iterable[ObjectInfo]) -> dict[str, DoneState]:
    """The listing of `state/done/` as each submission's furthest done state."""
    states: dict[str, DoneState] = {}
    for info in infos:
        base, _, rest = info.key.partition("~")
        count, _, latest = rest.partition("~")
        state = DoneState(int(count), int(latest)) if count.isdigit() and latest.isdigit() else DoneState(None, None)
        known = states.get(base)
        if known is None or (state.objects or 0, state.latest or 0) > (known.objects or 0, known.latest or 0):
            states[base] = state
    return states


def _escaped_objects(objects: Iterable[ObjectInfo]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((printable(o.key), o.etag) for o in objects))


def read_marker(storage: Storage, submission: Submission) -> Marker | None:
    try:
        return Marker.from_bytes(storage.get_bytes(marker_key(submission)))
    except NotFound:
        return None


def index_row(submission: Submission, state: str, marker: Marker | None = None) -> SubmissionRow:
    """The index's row of a submission (or late part) in `state`, as its marker says."""
    objects = submission.whole
    return SubmissionRow(
        marker=marker_key(submission),
        channel=submission.channel,
        partition=submission.partition,
        name=printable(submission.name),
        after=submission.after,
        state=state,
        claim_id=marker.claim_id if marker else None,
        lease_since=marker.since if marker else None,
        attempts=marker.attempts if marker else 0,
        objects=len(objects),
        latest_us=int(max(o.last_modified for o in objects).timestamp() * 1_000_000),
    )


def received_at(submission: Submission) -> datetime:
    """When the submission reached the bucket: its first object's time (UTC). The claim number is dated by it,
    not by the moment a run is dispatched - a run dispatched again after midnight keeps its number."""
    return min(o.last_modified for o in submission.whole).astimezone(UTC)


def reserve_claim_id(storage: Storage, submission: Submission) -> str:
    """The submission's reserved claim number, the same whenever it is asked for (dated by `received_at`);
    a late part's is the submission's own (it joins that claim)."""
    if submission.after:
        try:
            return Marker.from_bytes(storage.get_bytes(_base_marker_key(submission))).claim_id
        except NotFound:
            pass  # its submission's marker is gone (never: markers are not deleted): a claim of its own
    return claim_id_for(storage, submission.key, received_at(submission))


def take(
    storage: Storage,
    submission: Submission,
    now: datetime,
    lease: timedelta = LEASE,
    claim_id: str | None = None,
    index: ClaimIndex | None = None,
) -> Marker | None:
    """Take the submission for processing: the new marker when this worker won it, None when it is
    done or another worker holds a live lease. A lapsed lease is taken over with the same claim id.
    `claim_id`: the number already reserved for it (a dispatched run is named after it). The index
    learns the marker's state (a done marker found here repairs an index that missed it)."""
    key = marker_key(submission)
    current = read_marker(storage, submission)
    token = secrets.token_hex(8)
    index = index or open_index(storage)
    if current is None:
        mine = Marker(claim_id or reserve_claim_id(storage, submission), "processing", token, now)
        if storage.put_bytes(key, mine.to_bytes(), "application/json", if_absent=True):
            index.put_submission(index_row(submission, "processing", mine), now)
            return mine
        current = read_marker(storage, submission)
    if current is not None and current.state == "done":
        index.put_submission(index_row(submission, "done", current), now)
    if current is None or current.state == "done" or now - current.since < lease:
        return None
    taken = Marker(current.claim_id, "processing", token, now, current.attempts + 1)
    # Only one worker may take over a given stale marker: the right to do so is its own atomic key.
    if not storage.put_bytes(f"{key}.takeover-{current.token}", token.encode(), "text/plain", if_absent=True):
        return None
    storage.put_bytes(key, taken.to_bytes(), "application/json")
    index.put_submission(index_row(submission, "processing", taken), now)
    return taken


def finish(
    storage: Storage, submission: Submission, marker: Marker, now: datetime | None = None, index: ClaimIndex | None = None
) -> Marker:
    """Mark the submission (or a late part of it) done, after its claim is written: its marker records
    every object accounted for (a late part's objects are added to its submission's marker), then the
    done entry says how many there are."""
    now = now or datetime.now(UTC)
    done = Marker(marker.claim_id, "done", marker.token, now, marker.attempts, _escaped_objects(submission.objects))
    storage.put_bytes(marker_key(submission), done.to_bytes(), "application/json")
    index = index or open_index(storage)
    if submission.after:
        base = storage.get_bytes(_base_marker_key(submission))
        earlier = Marker.from_bytes(base)
        accounted = tuple(sorted({*earlier.objects, *done.objects}))
        whole = replace(earlier, objects=accounted)
        storage.put_bytes(_base_marker_key(submission), whole.to_bytes(), "application/json")
        index.put_submission(index_row(replace(submission, after=0, objects=submission.whole), "done", whole), now)
    storage.put_bytes(done_key(submission), b"", "text/plain", if_absent=True)
    index.put_submission(index_row(submission, "done", done), now)
    return done


def late_part(storage: Storage, submission: Submission, state: DoneState) -> Submission | None:
    """The objects added to (or replaced in) a done submission since it was accounted for, as a part of
    their own; None when there are none. Costs one read, only when the listing shows a change."""
    if state.objects is None or state.latest is None:
        return None  # done by an earlier release, which did not record how far: not followed
    latest = int(submission.last_change.timestamp() * 1_000_000)
    if len(submission.objects) <= state.objects and latest <= state.latest:
        return None
    try:
        accounted = dict(Marker.from_bytes(storage.get_bytes(_base_marker_key(submission))).objects)
    except NotFound:
        return None
    late = tuple(o for o in submission.objects if accounted.get(printable(o.key)) != o.etag)
    if not late:
        return None
    return replace(submission, objects=late, after=state.objects, listed=submission.objects)


def pending(storage: Storage, now: datetime, quiet: timedelta = QUIET) -> list[Submission]:
    """Complete submissions not yet done, oldest first, and the late parts of done ones (objects added
    to a submission folder after it was processed: they join its claim). Done ones are known from one
    listing of `state/done/`; only the others' markers are read (markers written before `state/done/`
    existed are read too, and still say `done`)."""
    states = done_states(storage.list(DONE))
    waiting = []
    for submission in group_submissions(storage.list(INBOX)):
        state = states.get(_done_base(submission))
        if state is not None:
            late = late_part(storage, submission, state)
            if late is not None and is_complete(late, now, quiet):
                waiting.append(late)
            continue
        if not is_complete(submission, now, quiet):
            continue
        marker = read_marker(storage, submission)
        if marker is None or marker.state != "done":
            waiting.append(submission)
    return waiting
