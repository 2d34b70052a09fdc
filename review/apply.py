"""The reviewed claim: the machine's claim with the managers' audit events applied, in order.

Pure functions, no storage. A correction of a field or of a document's type makes the checks that
depend on them run again (field presence per document, required proofs and consistency across the
claim, with the rules in force: the one assessment of `validators.assessment`), so changing a misread
prescription's type clears its `missing_prescription`; flags that no re-check can recompute (what went
wrong receiving the files, duplicates of earlier claims, an unknown quoted claim) are kept as the intake
found them. A
dismissed flag stays dismissed as long as a flag with its key is raised. The decision sets the status:
approved -> ready, rejected -> rejected with the manager's reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from models import Claim, ClaimStatus, DocType, Document, Field, Flag, FlagCode
from models.review import Correction, Decision, DismissedFlag, Review, ReviewAction, ReviewEvent
from validators.assessment import Assessment, assess, carried_flags
from validators.claim_checks import CheckContext
from validators.decide import decide_status
from validators.exchange import in_euros
from validators.fields import REQUIRED, field_flags
from validators.rules_file import Rules

FIELD_FLAGS = set(REQUIRED.values())
REVIEW_RULE = "review"


def document_key(document: Document) -> str:
    """A document's name on the desk and in the audit trail: its file and its part (0: the whole file)."""
    return f"{document.file}#{document.part or 0}"


def flag_keys(flags: Iterable[Flag]) -> list[str]:
    """Each flag's key: code, file, page, the proof it asks for (a proof without a code of its own) and its rank among flags
    sharing those - stable across re-checks, so a dismissal stays on the flag it was made for."""
    seen: dict[str, int] = {}
    keys = []
    for flag in flags:
        proof = flag.details.get("proof") if flag.code is FlagCode.MISSING_PROOF and flag.details else None
        base = f"{flag.code.value}:{flag.file or '-'}:{flag.page or 0}" + (f":{proof}" if proof else "")
        seen[base] = seen.get(base, 0) + 1
        keys.append(f"{base}:{seen[base]}")
    return keys


def keyed_flags(claim: Claim) -> list[tuple[str, Flag]]:
    """The claim's flags with their keys, in the order of `Claim.all_flags`."""
    flags = claim.all_flags()
    return list(zip(flag_keys(flags), flags, strict=True))


def corrected_field(old: Field | None, value: str, document: Document) -> Field:
    """The manager's value; where the machine read it stays as provenance (page, box, raw text)."""
    if old is not None:
        return old.model_copy(update={"value": value, "confidence": 1.0, "rule": REVIEW_RULE})
    page = document.pages[0].page if document.pages else 1
    return Field(value=value, raw="", confidence=1.0, page=page, bbox=None, rule=REVIEW_RULE)


@dataclass
class _Reviewing:
    documents: dict[str, Document]
    review: Review = field(default_factory=Review)


def _apply_one(state: _Reviewing, event: ReviewEvent, machine: dict[str, Document]) -> None:
    """One event onto the documents being reviewed (unknown documents - gone since - are skipped)."""
    review = state.review
    if event.action in (ReviewAction.CORRECT_FIELD, ReviewAction.SET_DOC_TYPE):
        key, after = event.document or "", event.after
        document = state.documents.get(key)
        if document is None or after is None:
            return
        if event.action is ReviewAction.CORRECT_FIELD:
            name = event.field or ""
            fields = {**document.fields, name: corrected_field(document.fields.get(name), after, document)}
            state.documents[key] = document.model_copy(update={"fields": fields})
            original = machine[key].fields.get(name)
            machine_value = original.value if original else None
        else:
            state.documents[key] = document.model_copy(
                update={
                    "doc_type": DocType(after),
                    "doc_type_score": 1.0,
                    "doc_type_reasons": (*document.doc_type_reasons, REVIEW_RULE),
                }
            )
            name, machine_value = "doc_type", machine[key].doc_type.value
        kept = tuple(c for c in review.corrections if (c.document, c.field) != (key, name))
        correction = Correction(
            document=key, field=name, machine_value=machine_value, corrected_value=after, by=event.by, at=event.at
        )
        state.review = review.model_copy(update={"corrections": (*kept, correction) if after != machine_value else kept})
    elif event.action is ReviewAction.DISMISS_FLAG:
        dismissed = DismissedFlag(
            key=event.flag or "", code=(event.flag or "").split(":")[0], reason=event.reason or "", by=event.by, at=event.at
        )
        state.review = review.model_copy(update={"dismissed_flags": (*review.dismissed_flags, dismissed)})
    elif event.action is ReviewAction.REQUEST_PROOFS:
        state.review = review.model_copy(update={"proofs_requested_at": (*review.proofs_requested_at, event.at)})
    elif event.action in (ReviewAction.APPROVE, ReviewAction.REJECT):
        decision = Decision.APPROVED if event.action is ReviewAction.APPROVE else Decision.REJECTED
        state.review = review.model_copy(
            update={"decision": decision, "decided_by": event.by, "decided_at": event.at, "reason": event.reason}
        )


def _rechecked(machine: Claim, documents: list[Document], rules: Rules) -> tuple[list[Document], Assessment]:
    """Field-presence flags per document, amounts in euros, and the claim-level checks, run again on
    corrected documents (a corrected total, currency or date changes the amount in euros)."""
    documents = [
        in_euros(
            d.model_copy(
                update={
                    "flags": tuple([f for f in d.flags if f.code not in FIELD_FLAGS] + field_flags(d.file, d.doc_type, d.fields))
                }
            )
        )
        for d in documents
    ]
    checked_on = datetime.fromisoformat(machine.replies[-1]) if machine.replies else machine.created_at
    context = CheckContext(rules=rules, today=checked_on.date(), manifest=machine.declared)  # as the intake last did
    return documents, assess(machine.claim_id, documents, carried_flags(machine.flags), context)


def _without_dismissed(claim: Claim, dismissed: set[str]) -> Claim:
    """The claim with the dismissed flags taken off (they are listed in `review.dismissed_flags`)."""
    if not dismissed:
        return claim
    gone = {id(f) for key, f in keyed_flags(claim) if key in dismissed}
    keep = lambda flags: tuple(f for f in flags if id(f) not in gone)  # noqa: E731
    return claim.model_copy(
        update={
            "flags": keep(claim.flags),
            "documents": tuple(d.model_copy(update={"flags": keep(d.flags)}) for d in claim.documents),
            "rejected_files": tuple(r.model_copy(update={"flags": keep(r.flags)}) for r in claim.rejected_files),
        }
    )


def _status(claim: Claim, review: Review, nothing_covered: bool, rules: Rules) -> tuple[ClaimStatus, str | None]:
    if review.decision is Decision.APPROVED:
        return ClaimStatus.READY, f"approuvée par {review.decided_by}" + (f" : {review.reason}" if review.reason else "")
    if review.decision is Decision.REJECTED:
        return ClaimStatus.REJECTED, review.reason
    flags = claim.all_flags()
    return decide_status(claim.documents, flags, nothing_covered, rules.not_covered)


def reviewed_claim(machine: Claim, events: Sequence[ReviewEvent], rules: Rules) -> Claim:
    """The claim as the managers left it (the machine's claim itself when there is no event)."""
    if not events:
        return machine
    originals = {document_key(d): d for d in machine.documents}
    state = _Reviewing(documents=dict(originals))
    for event in sorted(events, key=lambda e: e.seq):
        _apply_one(state, event, originals)
    documents, assessment = _rechecked(machine, list(state.documents.values()), rules)
    claim = machine.model_copy(
        update={
            "documents": tuple(documents),
            "flags": assessment.flags,
            "review": state.review,
            "total_eur": assessment.total_eur,
        }
    )
    claim = _without_dismissed(claim, {d.key for d in state.review.dismissed_flags})
    status, reason = _status(claim, state.review, assessment.nothing_covered, rules)
    return claim.model_copy(update={"status": status, "status_reason": reason})
