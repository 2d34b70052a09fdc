"""The claim status policy, in one place."""

from __future__ import annotations

from collections.abc import Sequence

from models import ClaimStatus, Document, Flag, Severity


def decide_status(documents: Sequence[Document], flags: Sequence[Flag]) -> ClaimStatus:
    """`rejected` when nothing usable was received, `needs_review` on any blocking flag, else `ready`.

    `flags` holds every flag of the claim (claim, document and rejected-file level).
    """
    if not documents:
        return ClaimStatus.REJECTED
    if any(flag.severity in (Severity.ERROR, Severity.WARNING) for flag in flags):
        return ClaimStatus.NEEDS_REVIEW
    return ClaimStatus.READY
