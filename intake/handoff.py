"""Hand-off to adjudication: each finished claim waits in `outbox/adjudication/<claim_id>.json` (the
published Claim schema, written by the claim store) and, when an adjudication URL is configured, is
POSTed there with an idempotency key. A delivery that fails stays pending in the outbox and is retried by the next
`deliver_pending` call: a claim is never lost, and re-sending it is harmless (same key).

Which claims wait is the index's to say (infra/index `outbox`: the claim store records each outbox write
and removal), not a listing of the outbox: a pass costs what waits, not the outbox's history. An outbox
object written behind the claim store's back is not seen until `intake reindex` rebuilds the index from
the bucket.

Delivered claims get a receipt `outbox/adjudication/delivered/<claim_id>.json` (status, time, key), and
the index records the delivery. An outbox object gone meanwhile (the claim is no longer ready) leaves the
index's outbox.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from infra.index.store import ClaimIndex, open_index
from infra.storage.base import NotFound, Storage, StorageError
from intake.claim_store import ADJUDICATION_OUTBOX as OUTBOX
from intake.claim_store import outbox_key

DELIVERED = OUTBOX + "delivered/"
ATTEMPTS = 3
BACKOFF_SECONDS = 0.5
TIMEOUT_SECONDS = 10.0
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """The result of one hand-off attempt."""

    claim_id: str
    delivered: bool
    status: int | None  # HTTP status of the last attempt (None: no answer)
    attempts: int


class HandoffFailed(Exception):
    """Claims that could not be delivered (they stay in the outbox): the message names them and the
    HTTP status of their last attempt - claim numbers and codes only."""

    def __init__(self, waiting: list[Delivery]) -> None:
        self.waiting = waiting
        shown = ", ".join(f"{d.claim_id} (HTTP {d.status or 'no answer'})" for d in waiting[:5])
        more = f" and {len(waiting) - 5} more" if len(waiting) > 5 else ""
        super().__init__(f"hand-off failed for {len(waiting)} claim(s): {shown}{more}; kept in the outbox")


def undelivered(deliveries: list[Delivery]) -> list[Delivery]:
    """The deliveries that failed."""
    return [d for d in deliveries if not d.delivered]


def idempotency_key(claim_id: str, payload: bytes) -> str:
    """Same claim, same content -> same key: the adjudication side drops repeats."""
    return f"{claim_id}-{hashlib.sha256(payload).hexdigest()[:16]}"


def post_claim(
    url: str, claim_id: str, payload: bytes, client: httpx.Client, attempts: int = ATTEMPTS, backoff: float = BACKOFF_SECONDS
) -> Delivery:
    """POST the claim, retrying with exponential backoff on network errors and 5xx/429 answers."""
    headers = {"Content-Type": "application/json", "Idempotency-Key": idempotency_key(claim_id, payload)}
    status = None
    for attempt in range(1, attempts + 1):
        try:
            status = client.post(url, content=payload, headers=headers).status_code
        except httpx.HTTPError as exc:
            status = None
            log.warning("hand-off of claim %s, attempt %d failed: %s", claim_id, attempt, type(exc).__name__)
        if status is not None and (200 <= status < 300 or status == 409):
            return Delivery(claim_id, True, status, attempt)
        if status is not None and 400 <= status < 500 and status != 429:
            return Delivery(claim_id, False, status, attempt)  # refused: retrying will not help, a person must look
        if attempt < attempts:
            time.sleep(backoff * 2 ** (attempt - 1))
    return Delivery(claim_id, False, status, attempts)


def _receipt(storage: Storage, delivery: Delivery, key: str) -> None:
    body = {
        "claim_id": delivery.claim_id,
        "status": delivery.status,
        "idempotency_key": key,
        "delivered_at": datetime.now(UTC).isoformat(),
    }
    storage.put_bytes(f"{DELIVERED}{delivery.claim_id}.json", json.dumps(body).encode("utf-8"), "application/json")


def deliver_pending(
    storage: Storage, url: str, client: httpx.Client | None = None, index: ClaimIndex | None = None, only: str | None = None
) -> list[Delivery]:
    """POST every outbox claim the index says is not delivered yet (or changed since); failures stay pending.
    `only`: that claim alone (a submission's run hands off its own claim), when it waits."""
    index = index or open_index(storage)
    results = []
    own_client = client is None
    client = client or httpx.Client(timeout=TIMEOUT_SECONDS)
    try:
        for claim_id, written_at in index.undelivered(claim_id=only):
            delivery = _deliver(storage, index, url, (claim_id, written_at), client)
            if delivery is not None:
                results.append(delivery)
    finally:
        if own_client:
            client.close()
    return results


def _deliver(
    storage: Storage, index: ClaimIndex, url: str, waiting: tuple[str, datetime], client: httpx.Client
) -> Delivery | None:
    """One outbox claim delivered (None: nothing to deliver). The index learns of the delivery (or of the
    object gone) only for the version it listed: one written meanwhile stays undelivered, for the next call."""
    claim_id, written_at = waiting
    try:
        payload = storage.get_bytes(outbox_key(claim_id))
    except NotFound:
        index.outbox_removed(claim_id, written_at)  # no longer ready: nothing waits
        return None
    key = idempotency_key(claim_id, payload)
    delivered_at = max(datetime.now(UTC), written_at)  # after the write, whatever the writer's clock said
    if _already_delivered(storage, claim_id, key):
        index.outbox_delivered(claim_id, key, delivered_at, written_at)  # a receipt the index missed (a crash)
        return None
    delivery = post_claim(url, claim_id, payload, client)
    if delivery.delivered:
        _receipt(storage, delivery, key)
        index.outbox_delivered(claim_id, key, delivered_at, written_at)
    return delivery


def _already_delivered(storage: Storage, claim_id: str, key: str) -> bool:
    try:
        receipt = json.loads(storage.get_bytes(f"{DELIVERED}{claim_id}.json"))
    except NotFound:
        return False
    except (StorageError, ValueError):
        return False
    return receipt.get("idempotency_key") == key
