"""Claims and their audit trails, for the review desk. The claims are read through the claim store
(`intake.claim_store`: claim.json and the originals; the desk never writes claim.json); the audit trail
is the desk's own, beside them:

    claims/<claim_id>/review/<seq>.json       one event per action, seq 000001, 000002...

Nothing is overwritten: an action adds the next event, created with `put_bytes(if_absent=True)`, so
of two managers acting on the same version only one wins; the other gets `Conflict`. The version a
manager saw is the claim.json's hash and the number of events: a claim re-processed after a reply, or
acted on by a colleague, is another version and the stale form is refused (optimistic locking).

The queue reads the index (infra/index), not the claims: after each action the desk rewrites the claim's
row (`index_record`), and a claim page repairs a row whose version is not the claim's (`load_indexed`:
a crash between the bucket's write and the index's, or a claim the index never saw).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from infra.index.store import ClaimIndex, ClaimRow, open_index
from infra.storage.base import NotFound, Storage
from infra.storage.keys import InvalidKey
from intake.claim_store import ClaimStore
from intake.claim_store import claim_prefix as store_prefix
from models import Claim
from models.errors import InputError, IntakeError
from models.review import ReviewEvent
from review.apply import reviewed_claim
from review.claim_row import claim_version, row_of_reviewed
from validators.rules_file import Rules


class UnknownClaim(InputError, LookupError):
    """No claim with that number (or not a claim number at all)."""

    code = "unknown_claim"


class Conflict(IntakeError):
    """The claim changed since the manager loaded it: reload and act again."""

    code = "conflict"


def claim_prefix(claim_id: str) -> str:
    """`claims/<id>/`, for a well-formed claim number only (it comes from a URL)."""
    try:
        return store_prefix(claim_id)
    except InvalidKey:
        raise UnknownClaim(claim_id) from None


@dataclass(frozen=True)
class ClaimRecord:
    """A claim as the intake made it, its audit trail and the claim as reviewed."""

    machine: Claim
    machine_sha: str
    events: tuple[ReviewEvent, ...]
    rules: Rules

    @cached_property
    def current(self) -> Claim:
        return reviewed_claim(self.machine, self.events, self.rules)

    @property
    def version(self) -> str:
        """What a manager's form was made from: the claim.json's hash and the number of events."""
        return claim_version(self.machine_sha, len(self.events))

    @property
    def decided(self) -> bool:
        review = self.current.review
        return review is not None and review.decision is not None


class ReviewStore:
    """Read claims, append audit events, keep their index rows."""

    def __init__(self, storage: Storage, rules: Rules, index: ClaimIndex | None = None) -> None:
        self.storage, self.rules = storage, rules
        self.index = index or open_index(storage)
        self.claims = ClaimStore(storage, self.index)

    def claim_ids(self) -> list[str]:
        """Every claim number with a claim.json."""
        return self.claims.claim_ids()

    def load(self, claim_id: str) -> ClaimRecord:
        claim_prefix(claim_id)  # UnknownClaim for what is not a claim number (it comes from a URL)
        try:
            data = self.claims.claim_bytes(claim_id)
        except NotFound:
            raise UnknownClaim(claim_id) from None
        events = [ReviewEvent.model_validate_json(raw) for raw in self.claims.review_events(claim_id)]
        events.sort(key=lambda e: e.seq)
        return ClaimRecord(Claim.model_validate_json(data), hashlib.sha256(data).hexdigest(), tuple(events), self.rules)

    def index_record(self, record: ClaimRecord, when: datetime) -> ClaimRow:
        """The claim's queue row rewritten from the claim as reviewed."""
        row = row_of_reviewed(record.current, record.version, when)
        self.index.put_claim(row)
        return row

    def load_indexed(self, claim_id: str, when: datetime) -> ClaimRecord:
        """The claim (`load`), its index row repaired when it is missing or of another version."""
        record = self.load(claim_id)
        row = self.index.claim(claim_id)
        if row is None or row.version != record.version:
            self.index_record(record, when)
        return record

    def append(self, claim_id: str, seen_version: str, event: ReviewEvent) -> ClaimRecord:
        """Add the next event if the claim is still at `seen_version`; Conflict otherwise."""
        record = self.load(claim_id)
        if record.version != seen_version:
            raise Conflict(claim_id)
        numbered = event.model_copy(update={"seq": len(record.events) + 1, "claim_version": seen_version})
        payload = json.dumps(numbered.model_dump(mode="json"), ensure_ascii=False, indent=1).encode("utf-8")
        if not self.claims.append_review_event(claim_id, numbered.seq, payload):
            raise Conflict(claim_id)  # a colleague's action took this place in the trail first
        return self.load(claim_id)

    def original(self, claim_id: str, file: str) -> bytes:
        """A received file, byte for byte."""
        claim_prefix(claim_id)
        return self.claims.original(claim_id, file)
