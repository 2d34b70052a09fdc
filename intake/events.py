"""MinIO's bucket notifications turned into submissions to start.

MinIO POSTs one JSON document per event to the service's webhook (infra/storage/webhook.py; set up with
`mc event add` or the MINIO_NOTIFY_WEBHOOK_* variables of infra/compose.yaml), in its documented shape:

    {"EventName": "s3:ObjectCreated:Put", "Key": "intake/inbox/...",
     "Records": [{"eventName": "s3:ObjectCreated:Put",
                  "s3": {"bucket": {"name": "intake"}, "object": {"key": "inbox%2F...", "size": 12, "eTag": "..."}}}]}

Object keys arrive URL-encoded. Only objects created under `inbox/` of our bucket count; anything else
in a document is ignored (counted, never logged: keys carry claimants' names). Each announced object
names its submission (intake/inbox.py's layout); the submission is then looked up by its own keys and
decided as the reconciliation pass decides (intake/reconcile.py): started when complete and not done
or taken, remembered by the index when not complete yet. An event is only a hint: a lost one is found
by the next reconciliation pass, a repeated one finds the submission already dispatched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import unquote_plus

from infra.index.store import ClaimIndex
from infra.storage.base import ObjectInfo, Storage
from intake import inbox
from intake.inbox import INBOX, Submission, find_submission, group_submissions, marker_key
from intake.reconcile import Reconciler
from models.errors import InputError

MAX_RECORDS = 1000


class BadEvent(InputError, ValueError):
    """A notification that is not MinIO's event JSON."""

    code = "bad_event"


@dataclass(frozen=True)
class Announced:
    """What one notification document says: the inbox keys created, and how many records were ignored."""

    keys: tuple[str, ...]
    ignored: int


def announced(body: bytes, bucket: str | None = None) -> Announced:
    """The inbox keys an event document announces (created objects of `bucket`, keys decoded)."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadEvent("not JSON") from None
    records = document.get("Records") if isinstance(document, dict) else None
    if not isinstance(records, list) or len(records) > MAX_RECORDS:
        raise BadEvent("no Records list")
    keys, ignored = [], 0
    for record in records:
        key = _created_key(record, bucket)
        if key is None:
            ignored += 1
        else:
            keys.append(key)
    return Announced(tuple(dict.fromkeys(keys)), ignored)


def _created_key(record: object, bucket: str | None) -> str | None:
    if not isinstance(record, dict) or not str(record.get("eventName", "")).startswith("s3:ObjectCreated:"):
        return None
    s3 = record.get("s3")
    s3 = s3 if isinstance(s3, dict) else {}
    where, what = s3.get("bucket"), s3.get("object")
    name = where.get("name") if isinstance(where, dict) else None
    raw = what.get("key") if isinstance(what, dict) else None
    if not isinstance(raw, str) or (bucket is not None and name != bucket):
        return None
    key = unquote_plus(raw, errors="surrogateescape")
    return key if key.startswith(INBOX) and "\x00" not in key else None


def announced_submissions(keys: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(channel, name, hour) of each submission the keys belong to, once each."""
    placeholders = [ObjectInfo(key, 0, datetime.min, "") for key in keys]
    return list(dict.fromkeys((s.channel, s.name, s.partition) for s in group_submissions(placeholders)))


def to_start(
    storage: Storage,
    index: ClaimIndex,
    keys: tuple[str, ...],
    now: datetime,
    quiet: timedelta = inbox.QUIET,
    reconciler: Reconciler | None = None,
) -> list[Submission]:
    """The announced submissions to start now: each looked up by its own keys (one LIST), then decided
    with the index (and its marker when the index does not know it)."""
    reconciler = reconciler or Reconciler(index=index)
    found = []
    for channel, name, partition in announced_submissions(keys):
        submission = find_submission(storage, channel, name, partition)
        if submission is None:
            continue  # gone from the listing already (not ours to delete: never happens) or not listable
        decided = reconciler.decide(storage, index, submission, index.submission(marker_key(submission)), now, quiet)
        if decided is not None:
            found.append(decided)
    return found
