"""Claim numbers (CLM-YYYYMMDD-XXXXXX, Crockford base32) and their atomic reservation.

Six characters carry 30 bits a day: at tens of thousands of requests a day two submissions would get
the same number most days (the birthday bound), so a number is never just derived or drawn - it is
*reserved*: `state/claim-ids/<claim_id>` is created with `put_bytes(if_absent=True)` (one winner) and
holds who owns it (a submission key, or `random:<token>` for a number drawn on the command line). A
number already owned by someone else is skipped for the next candidate.

Candidates for a submission are derived from its key (sha256 of the key and the attempt number), so
a run taken over after a crash finds the same number again: the reservation already holds its own key.
Claims written before reservations existed are respected too: a candidate whose `claims/<id>/claim.json`
exists is never reused.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

from infra.storage.base import NotFound, Storage

RESERVED = "state/claim-ids/"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MAX_TRIES = 64  # with 30 bits a day, 64 taken candidates in a row means a full day (10^9 claims) or an attack


class NoClaimNumber(RuntimeError):
    """No free claim number after MAX_TRIES candidates."""

    code = "no_claim_number"


def _suffix(number: int) -> str:
    return "".join(CROCKFORD[(number >> (5 * i)) & 31] for i in range(6))


def derived_candidates(owner: str, day: datetime) -> Iterator[str]:
    """The candidate numbers of a submission, in order: day + 6 characters of sha256(key, attempt).
    Attempt 0 is the number every earlier release derived (so a claim taken over keeps it)."""
    for attempt in range(MAX_TRIES):
        material = owner if attempt == 0 else f"{owner}\x00{attempt}"
        number = int.from_bytes(hashlib.sha256(material.encode("utf-8", "surrogateescape")).digest()[:4], "big")
        yield f"CLM-{day:%Y%m%d}-{_suffix(number)}"


def random_candidates(day: datetime) -> Iterator[str]:
    """Random candidate numbers (the command line, a request with no submission key)."""
    for _ in range(MAX_TRIES):
        yield f"CLM-{day:%Y%m%d}-{''.join(secrets.choice(CROCKFORD) for _ in range(6))}"


def reservation_key(claim_id: str) -> str:
    return f"{RESERVED}{claim_id}"


def _owner_of(storage: Storage, claim_id: str) -> str | None:
    try:
        return storage.get_bytes(reservation_key(claim_id)).decode("utf-8", "replace")
    except NotFound:
        return None


def reserve(storage: Storage, owner: str, candidates: Iterator[str]) -> str:
    """The first candidate this owner holds or wins atomically; NoClaimNumber when every one is taken."""
    mine = owner.encode("utf-8", "backslashreplace")  # any name, even one that is not UTF-8, is recorded
    owned = mine.decode("utf-8")
    for claim_id in candidates:
        holder = _owner_of(storage, claim_id)
        if holder == owned:
            return claim_id  # reserved by an earlier (crashed or taken-over) run of the same submission
        if holder is not None or storage.exists(f"claims/{claim_id}/claim.json"):
            continue  # someone else's, or a claim of a release without reservations
        if storage.put_bytes(reservation_key(claim_id), mine, "text/plain", if_absent=True):
            return claim_id
        if _owner_of(storage, claim_id) == owned:
            return claim_id  # another worker on the same submission won the race for it
    raise NoClaimNumber(f"no free claim number after {MAX_TRIES} candidates")


def claim_id_for(storage: Storage, submission_key: str, first_seen: datetime) -> str:
    """The claim number of an inbox submission, reserved for it (the same one on every call)."""
    return reserve(storage, f"submission:{submission_key}", derived_candidates(submission_key, first_seen))


def new_claim_id(storage: Storage, now: datetime | None = None) -> str:
    """A fresh random claim number, reserved."""
    return reserve(storage, f"random:{secrets.token_hex(8)}", random_candidates(now or datetime.now(UTC)))
