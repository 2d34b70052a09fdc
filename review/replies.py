"""What each of a claim's replies brought, for the claim page and its audit trail: when the claimant's
answer (or a late part of the upload) came, which files came with it, and the e-mail it came in. A claim
keeps the time of each reply (`Claim.replies`); the claim store keeps the version written before each one
in `claims/<id>/history/claim-<time>.json`, and a reply's documents and refused files are appended after
the earlier ones, so the files of reply k are those the version after it has beyond the version before
it; a reply by e-mail replaces the claim's `received_message`, so the request's own e-mail is the first
version's. Read from the storage: nothing is logged."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from infra.storage.base import NotFound, Storage, StorageError
from models import Claim
from models.claim import ReceivedMessage

HISTORY = "claims/{claim_id}/history/"


@dataclass(frozen=True)
class Reply:
    """One reply: when it came, the files it added (documents and refused files, in their order) and the
    e-mail it came in (None for an upload, or when the history cannot tell)."""

    at: datetime
    files: tuple[str, ...]
    message: ReceivedMessage | None = None


@dataclass(frozen=True)
class Exchange:
    """A claim's correspondence as its page shows it: the e-mail the request came in, then each reply."""

    request_message: ReceivedMessage | None
    replies: list[Reply]


def _message(older: dict, newer: dict) -> ReceivedMessage | None:
    """The e-mail a reply came in: the claim's message when the reply changed it."""
    message = newer.get("received_message")
    if not message or message == older.get("received_message"):
        return None
    try:
        return ReceivedMessage.model_validate(message)
    except ValueError:
        return None


def _added(older: dict, newer: dict) -> tuple[str, ...]:
    """The files of `newer` that `older` did not have: a reply's documents and refused files are appended
    after the earlier ones (so a file named as an earlier one still counts)."""
    added = []
    for part in ("documents", "rejected_files"):
        before, now = older.get(part, []), newer.get(part, [])
        added += [item.get("file", "") for item in now[len(before) :]]
    return tuple(dict.fromkeys(name for name in added if name))


def _versions_before(storage: Storage, claim_id: str) -> list[dict]:
    """The claim versions kept in history, oldest first (their time is in their name)."""
    keys = sorted(
        info.key
        for info in storage.list(HISTORY.format(claim_id=claim_id))
        if info.key.rsplit("/", 1)[-1].startswith("claim-") and info.key.endswith(".json")
    )
    versions = []
    for key in keys:
        try:
            versions.append(json.loads(storage.get_bytes(key)))
        except (NotFound, StorageError, ValueError):
            return []  # a history that cannot be read whole: the replies are listed without their files
    return versions


def replies_of(storage: Storage, claim: Claim) -> list[Reply]:
    """The claim's replies, oldest first, each with the files it added and its e-mail (neither known when
    the history does not hold one version per reply)."""
    return exchange_of(storage, claim).replies


def exchange_of(storage: Storage, claim: Claim) -> Exchange:
    """The request's own e-mail and the replies, from the claim and its history (without one kept version
    per reply the claim's message stands for the request's and the replies carry no files)."""
    if not claim.replies:
        return Exchange(claim.received_message, [])
    times = [datetime.fromisoformat(at) for at in claim.replies]
    versions = _versions_before(storage, claim.claim_id)
    if len(versions) != len(times):
        return Exchange(claim.received_message, [Reply(at, ()) for at in times])
    after = [*versions[1:], json.loads(claim.model_dump_json())]
    replies = [
        Reply(at, _added(older, newer), _message(older, newer)) for at, older, newer in zip(times, versions, after, strict=True)
    ]
    first = versions[0].get("received_message")
    return Exchange(ReceivedMessage.model_validate(first) if first else None, replies)
