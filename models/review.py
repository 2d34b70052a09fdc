"""What managers did to a claim on the review desk: each action as an audit event, and the decision
with its corrections as the claim carries them to adjudication."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from models.base import Model


class ReviewAction(StrEnum):
    """What a manager can do to a claim."""

    CORRECT_FIELD = "correct_field"
    SET_DOC_TYPE = "set_doc_type"
    DISMISS_FLAG = "dismiss_flag"
    REQUEST_PROOFS = "request_proofs"
    APPROVE = "approve"
    REJECT = "reject"


class ReviewEvent(Model):
    """One entry of a claim's audit trail (append-only: `seq` 1, 2, 3... never rewritten)."""

    seq: int
    action: ReviewAction
    by: str  # the manager's account name
    at: datetime
    claim_version: str  # the version of the claim the manager saw (optimistic locking)
    document: str | None = None  # "<file>#<part>" (part 0: the file is one document)
    field: str | None = None
    flag: str | None = None  # the flag's key (validators-independent: code, file, page, ordinal); an approval over
    # blocking flags: their keys, one per line
    before: str | None = None
    after: str | None = None
    reason: str | None = None  # why a flag was dismissed or the claim rejected; the message sent


class Correction(Model):
    """A value a manager changed: the machine's reading and the right one."""

    document: str
    field: str  # a field name, or "doc_type"
    machine_value: str | None
    corrected_value: str
    by: str
    at: datetime


class DismissedFlag(Model):
    """A flag a manager judged unfounded, and why."""

    key: str
    code: str
    reason: str
    by: str
    at: datetime


class Decision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class Review(Model):
    """The managers' work on a claim, as handed to adjudication with it."""

    decision: Decision | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    corrections: tuple[Correction, ...] = ()
    dismissed_flags: tuple[DismissedFlag, ...] = ()
    proofs_requested_at: tuple[datetime, ...] = ()
