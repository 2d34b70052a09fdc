"""What each of a claim's replies brought, for the claim page and its audit trail: when the claimant's
answer (or a late part of the upload) came, and which files came with it. A claim keeps the time of each
reply (`Claim.replies`); the claim store keeps the version written before each one in
`claims/<id>/history/claim-<time>.json`, and a reply's documents and refused files are appended after the
earlier ones, so the files of reply k are those the version after it has beyond the version before it. Names of files only, read from the storage: nothing is logged."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from infra.storage.base import NotFound, Storage, StorageError
from models import Claim

HISTORY = "claims/{claim_id}/history/"


@dataclass(frozen=True)
class Reply:
    """One reply: when it came and the files it added (documents and refused files, in their order)."""

    at: datetime
    files: tuple[str, ...]


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
    """The claim's replies, oldest first, each with the files it added (none known when the history does
    not hold one version per reply)."""
    if not claim.replies:
        return []
    times = [datetime.fromisoformat(at) for at in claim.replies]
    versions = _versions_before(storage, claim.claim_id)
    if len(versions) != len(times):
        return [Reply(at, ()) for at in times]
    after = [*versions[1:], json.loads(claim.model_dump_json())]
    return [Reply(at, _added(older, newer)) for at, older, newer in zip(times, versions, after, strict=True)]
