"""The inbox of the storage: which submissions are waiting, which are complete, and who processes each.

Layout (keys under the storage root or bucket):
    inbox/extranet/<submission>/<files...>   an extranet upload; `manifest.json` is written LAST
    inbox/email/<message>.eml                a raw e-mail (one object: complete once it exists)
    anything else under inbox/               an unexpected object: a submission of its own (channel
                                             `unexpected`), processed into a rejected claim, never skipped
    state/submissions/<channel>/<name>.json  the service's marker: which claim, processing or done
    state/done/<channel>/<token>             empty: the submission is done (one listing per pass, no reads)

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
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from infra.storage.base import NotFound, ObjectInfo, Storage
from infra.storage.keys import InvalidKey, check_prefix
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


@dataclass(frozen=True)
class Submission:
    """One request waiting in the inbox."""

    channel: str  # extranet | email | unexpected
    name: str  # the submission folder, the .eml file name, or the unexpected object's key under inbox/
    objects: tuple[ObjectInfo, ...]

    @property
    def key(self) -> str:
        return f"{self.channel}/{self.name}"

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
    extranet: dict[str, list[ObjectInfo]] = {}
    singles = []
    for info in objects:
        rest = info.key[len(INBOX) :]
        parts = rest.split("/")
        if parts[0] == EXTRANET and len(parts) >= 3:
            extranet.setdefault(parts[1], []).append(info)
        elif parts[0] == EMAIL and len(parts) == 2 and parts[1]:
            singles.append(Submission(EMAIL, parts[1], (info,)))
        else:
            singles.append(Submission(UNEXPECTED, rest, (info,)))
    found = [Submission(EXTRANET, name, tuple(items)) for name, items in extranet.items()] + singles
    return sorted(found, key=lambda s: (s.last_change, s.key))


def _listing_prefix(channel: str, name: str) -> str:
    """The narrowest prefix that lists a submission's keys (its channel's folder when its name is not a
    safe key: such a name can still be listed, never used to build a key)."""
    prefix = INBOX + (name if channel == UNEXPECTED else f"{channel}/{name}" + ("/" if channel == EXTRANET else ""))
    try:
        return check_prefix(prefix)
    except InvalidKey:
        return INBOX if channel == UNEXPECTED else f"{INBOX}{channel}/"


def find_submission(storage: Storage, channel: str, name: str) -> Submission | None:
    """One submission by its channel and name, listing only its own keys (not the whole inbox)."""
    found = group_submissions(storage.list(_listing_prefix(channel, name)))
    return next((s for s in found if (s.channel, s.name) == (channel, name)), None)


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

    @property
    def exhausted(self) -> bool:
        """Taken too often: whatever it holds kills its workers, it must not be read again."""
        return self.attempts > MAX_ATTEMPTS

    def to_bytes(self) -> bytes:
        return json.dumps({"claim_id": self.claim_id, "state": self.state, "token": self.token,
                           "since": self.since.isoformat(), "attempts": self.attempts}).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Marker:
        raw = json.loads(data)
        return cls(raw["claim_id"], raw["state"], raw["token"], datetime.fromisoformat(raw["since"]), int(raw.get("attempts", 1)))


def _token(submission: Submission) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(submission.key.encode("utf-8", "surrogatepass")).digest()[:12]).decode()


def marker_key(submission: Submission) -> str:
    return f"{STATE}{submission.channel}/{_token(submission)}.json"


def done_key(submission: Submission) -> str:
    """An empty object saying the submission is done: a pass lists these instead of reading every marker."""
    return f"{DONE}{submission.channel}/{_token(submission)}"


def read_marker(storage: Storage, submission: Submission) -> Marker | None:
    try:
        return Marker.from_bytes(storage.get_bytes(marker_key(submission)))
    except NotFound:
        return None


def take(storage: Storage, submission: Submission, now: datetime, lease: timedelta = LEASE) -> Marker | None:
    """Take the submission for processing: the new marker when this worker won it, None when it is
    done or another worker holds a live lease. A lapsed lease is taken over with the same claim id."""
    key = marker_key(submission)
    current = read_marker(storage, submission)
    token = secrets.token_hex(8)
    if current is None:
        mine = Marker(claim_id_for(storage, submission.key, now), "processing", token, now)
        if storage.put_bytes(key, mine.to_bytes(), "application/json", if_absent=True):
            return mine
        current = read_marker(storage, submission)
    if current is None or current.state == "done" or now - current.since < lease:
        return None
    taken = Marker(current.claim_id, "processing", token, now, current.attempts + 1)
    # Only one worker may take over a given stale marker: the right to do so is its own atomic key.
    if not storage.put_bytes(f"{key}.takeover-{current.token}", token.encode(), "text/plain", if_absent=True):
        return None
    storage.put_bytes(key, taken.to_bytes(), "application/json")
    return taken


def finish(storage: Storage, submission: Submission, marker: Marker, now: datetime | None = None) -> Marker:
    """Mark the submission done (after its claim is written)."""
    done = Marker(marker.claim_id, "done", marker.token, now or datetime.now(UTC), marker.attempts)
    storage.put_bytes(marker_key(submission), done.to_bytes(), "application/json")
    storage.put_bytes(done_key(submission), b"", "text/plain", if_absent=True)
    return done


def pending(storage: Storage, now: datetime, quiet: timedelta = QUIET) -> list[Submission]:
    """Complete submissions not yet done, oldest first. Done ones are known from one listing of
    `state/done/`; only the others' markers are read (markers written before `state/done/` existed are
    read too, and still say `done`)."""
    done = {info.key for info in storage.list(DONE)}
    waiting = []
    for submission in group_submissions(storage.list(INBOX)):
        if done_key(submission) in done or not is_complete(submission, now, quiet):
            continue
        marker = read_marker(storage, submission)
        if marker is None or marker.state != "done":
            waiting.append(submission)
    return waiting
