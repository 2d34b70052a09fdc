"""Claims and their audit trails in the storage, for the review desk.

    claims/<claim_id>/claim.json              the intake's claim (written by the service; never by the desk)
    claims/<claim_id>/review/<seq>.json       the audit trail: one event per action, seq 000001, 000002...
    claims/<claim_id>/originals/<file>        the received files (pages are rendered from them)

Nothing is overwritten: an action adds the next event, created with `put_bytes(if_absent=True)`, so
of two managers acting on the same version only one wins; the other gets `Conflict`. The version a
manager saw is the claim.json's hash and the number of events: a claim re-processed after a reply, or
acted on by a colleague, is another version and the stale form is refused (optimistic locking).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

from infra.storage.base import NotFound, Storage
from infra.storage.keys import join
from models import Claim
from models.errors import InputError, IntakeError
from models.manifest import CLAIM_ID
from models.review import ReviewEvent
from review.apply import reviewed_claim
from validators.rules_file import Rules

CLAIMS = "claims/"


class UnknownClaim(InputError, LookupError):
    """No claim with that number (or not a claim number at all)."""

    code = "unknown_claim"


class Conflict(IntakeError):
    """The claim changed since the manager loaded it: reload and act again."""

    code = "conflict"


def claim_prefix(claim_id: str) -> str:
    """`claims/<id>/`, for a well-formed claim number only (it comes from a URL)."""
    if not CLAIM_ID.fullmatch(claim_id or ""):
        raise UnknownClaim(claim_id)
    return f"{CLAIMS}{claim_id}/"


def event_key(claim_id: str, seq: int) -> str:
    return f"{claim_prefix(claim_id)}review/{seq:06d}.json"


@dataclass(frozen=True)
class ClaimRecord:
    """A claim as the intake made it, its audit trail and the claim as reviewed."""

    machine: Claim
    machine_sha: str
    events: tuple[ReviewEvent, ...]
    rules: Rules

    @property
    def version(self) -> str:
        return f"{self.machine_sha[:16]}.{len(self.events)}"

    @cached_property
    def current(self) -> Claim:
        return reviewed_claim(self.machine, self.events, self.rules)

    @property
    def decided(self) -> bool:
        review = self.current.review
        return review is not None and review.decision is not None


class ReviewStore:
    """Read claims, append audit events."""

    def __init__(self, storage: Storage, rules: Rules) -> None:
        self.storage, self.rules = storage, rules

    def claim_ids(self) -> list[str]:
        """Every claim number with a claim.json."""
        ids = []
        for info in self.storage.list(CLAIMS):
            parts = info.key.split("/")
            if len(parts) == 3 and parts[2] == "claim.json" and CLAIM_ID.fullmatch(parts[1]):
                ids.append(parts[1])
        return ids

    def load(self, claim_id: str) -> ClaimRecord:
        prefix = claim_prefix(claim_id)
        try:
            data = self.storage.get_bytes(prefix + "claim.json")
        except NotFound:
            raise UnknownClaim(claim_id) from None
        events = [ReviewEvent.model_validate_json(self.storage.get_bytes(info.key))
                  for info in self.storage.list(prefix + "review/") if info.key.endswith(".json")]
        events.sort(key=lambda e: e.seq)
        return ClaimRecord(Claim.model_validate_json(data), hashlib.sha256(data).hexdigest(), tuple(events), self.rules)

    def append(self, claim_id: str, seen_version: str, event: ReviewEvent) -> ClaimRecord:
        """Add the next event if the claim is still at `seen_version`; Conflict otherwise."""
        record = self.load(claim_id)
        if record.version != seen_version:
            raise Conflict(claim_id)
        numbered = event.model_copy(update={"seq": len(record.events) + 1, "claim_version": seen_version})
        payload = json.dumps(numbered.model_dump(mode="json"), ensure_ascii=False, indent=1).encode("utf-8")
        if not self.storage.put_bytes(event_key(claim_id, numbered.seq), payload, "application/json", if_absent=True):
            raise Conflict(claim_id)  # a colleague's action took this place in the trail first
        return self.load(claim_id)

    def original(self, claim_id: str, file: str) -> bytes:
        """A received file, byte for byte."""
        return self.storage.get_bytes(join(claim_prefix(claim_id) + "originals", file))
