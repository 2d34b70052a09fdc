"""The claim status policy, in one place."""

from __future__ import annotations

from collections.abc import Sequence

from models import ClaimStatus, Document, Flag, FlagCode, Severity
from validators.rules_file import NotCovered

NO_DOCUMENT_REASON = "aucun fichier exploitable"


def decide_status(
    documents: Sequence[Document], flags: Sequence[Flag], nothing_covered: bool = False, not_covered: NotCovered | None = None
) -> tuple[ClaimStatus, str | None]:
    """(status, reason):
    - `rejected` when nothing usable was received, or nothing received is covered (then the reason
      says so: the claimant is told, not asked for more proofs) - unless the intake itself failed on
      the request (`processing_failed`): that is for a manager, `needs_review`;
    - `needs_review` on any blocking flag (error or warning);
    - `ready` otherwise.

    `flags` holds every flag of the claim (claim, document and rejected-file level).
    """
    if not documents:
        if any(flag.code is FlagCode.PROCESSING_FAILED for flag in flags):
            return ClaimStatus.NEEDS_REVIEW, FlagCode.PROCESSING_FAILED.value  # our failure, not the claimant's: a manager looks
        return ClaimStatus.REJECTED, NO_DOCUMENT_REASON
    if nothing_covered:
        return ClaimStatus.REJECTED, "non pris en charge : " + (
            not_covered.reason_fr if not_covered else "aucun élément remboursable"
        )
    blocking = [flag for flag in flags if flag.severity in (Severity.ERROR, Severity.WARNING)]
    if blocking:
        return ClaimStatus.NEEDS_REVIEW, ", ".join(dict.fromkeys(flag.code.value for flag in blocking))
    return ClaimStatus.READY, None
