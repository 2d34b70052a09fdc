"""A claim as the managers' queue shows it (infra.index.store.ClaimRow): its reviewed status and view, the
bills' totals, flags, care types, beneficiary, files and the words the search finds it by. Pure: made
from claim.json and the audit trail, by the intake when it writes a claim, by the desk after each
action and by `intake reindex`.

Views: `to_review` (needs review, no decision, not waiting on the claimant), `waiting` (proofs asked
after the last reply: the claimant has the next move), `decided`, `done` (ready without review).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation

from infra.index.store import ClaimRow, terms_of
from models import Claim, ClaimStatus
from models.review import ReviewEvent
from review.apply import reviewed_claim
from validators.consistency import claim_bills
from validators.rules_file import Rules


def claim_version(machine_sha: str, events: int) -> str:
    """What a manager's form was made from: the claim.json's hash and the number of audit events."""
    return f"{machine_sha[:16]}.{events}"


def view_of(claim: Claim) -> str:
    """Where the reviewed claim sits on the desk."""
    review = claim.review
    if review is not None and review.decision is not None:
        return "decided"
    if claim.status is not ClaimStatus.NEEDS_REVIEW:
        return "done"
    asked = review.proofs_requested_at[-1] if review and review.proofs_requested_at else None
    last_reply = datetime.fromisoformat(claim.replies[-1]) if claim.replies else None
    if asked is not None and (last_reply is None or last_reply < asked):
        return "waiting"
    return "to_review"


def totals_of(claim: Claim) -> tuple[tuple[str, str], ...]:
    """The totals of the claim's bills (`claim_bills`: its charges, or its payments when there is none), summed per currency."""
    sums: dict[str, Decimal] = {}
    for document in claim_bills(claim.documents):
        total, currency = document.fields.get("total"), document.fields.get("currency")
        try:
            amount = Decimal(total.value) if total else None
        except InvalidOperation:
            amount = None
        if amount is not None:
            code = currency.value if currency else "?"
            sums[code] = sums.get(code, Decimal("0")) + amount
    return tuple((f"{amount:.2f}", code) for code, amount in sorted(sums.items()))


def beneficiary_of(claim: Claim) -> str:
    """The beneficiary declared, else the one read on a document."""
    declared = claim.declared.beneficiary.name if claim.declared and claim.declared.beneficiary else None
    if declared:
        return declared
    return next((d.fields["beneficiary"].value for d in claim.documents if "beneficiary" in d.fields), "")


def _total_eur(claim: Claim) -> Decimal | None:
    amount = claim.total_eur.amount if claim.total_eur is not None else None
    try:
        return Decimal(str(amount)).quantize(Decimal("0.01")) if amount is not None else None
    except InvalidOperation:
        return None


def row_of_reviewed(claim: Claim, version: str, updated_at: datetime) -> ClaimRow:
    """The queue's row of a claim as reviewed."""
    care = {d.fields["care_type"].value for d in claim.documents if "care_type" in d.fields}
    declared = claim.declared
    if declared is not None:
        care |= {c.value for c in declared.care_types}
    channel = claim.channel or (declared.channel if declared else None)
    files = tuple(dict.fromkeys([*(d.file for d in claim.documents), *(r.file for r in claim.rejected_files)]))
    review = claim.review
    beneficiary = beneficiary_of(claim)
    return ClaimRow(
        claim_id=claim.claim_id,
        created_at=claim.created_at,
        updated_at=updated_at,
        status=claim.status.value,
        view=view_of(claim),
        channel=channel.value if channel else "-",
        flag_codes=tuple(sorted({f.code.value for f in claim.all_flags()})),
        care_types=tuple(sorted(care)),
        documents=len(files),
        totals=totals_of(claim),
        total_eur=_total_eur(claim),
        declared_total=f"{declared.total_declared:.2f} {declared.currency or ''}".strip()
        if declared is not None and declared.total_declared is not None
        else None,
        beneficiary=beneficiary,
        files=files,
        decision=review.decision.value if review and review.decision else None,
        decided_at=review.decided_at if review else None,
        replied_at=datetime.fromisoformat(claim.replies[-1]) if claim.replies else None,
        version=version,
        terms=terms_of(claim.claim_id, beneficiary, *files),
    )


def row_of(machine_json: bytes, events: Sequence[ReviewEvent], rules: Rules, updated_at: datetime) -> ClaimRow:
    """The queue's row from claim.json as stored and the audit trail's events."""
    machine = Claim.model_validate_json(machine_json)
    reviewed = reviewed_claim(machine, sorted(events, key=lambda e: e.seq), rules)
    return row_of_reviewed(reviewed, claim_version(hashlib.sha256(machine_json).hexdigest(), len(events)), updated_at)
