"""The structured claim handed to adjudication: documents, flags and a status."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from models.base import SCHEMA_VERSION, Model
from models.document import Document
from models.flags import Flag
from models.manifest import Channel, Manifest
from models.money import EuroTotal
from models.review import Review
from models.upload import RejectedFile


class ClaimStatus(StrEnum):
    """Outcome of the intake (policy in validators/decide.py)."""

    READY = "ready"
    NEEDS_REVIEW = "needs_review"
    REJECTED = "rejected"


class Claim(Model):
    """One reimbursement request, as intake made it."""

    schema_version: str = SCHEMA_VERSION
    claim_id: str
    created_at: datetime
    status: ClaimStatus
    documents: tuple[Document, ...] = ()
    rejected_files: tuple[RejectedFile, ...] = ()
    flags: tuple[Flag, ...] = ()  # claim-level flags
    declared: Manifest | None = None  # what the claimant declared (None: an e-mail request without a form)
    status_reason: str | None = None  # why the status (French), e.g. the reason of a rejection
    replies: tuple[str, ...] = ()  # submissions added to this claim in answer to a request for proofs
    channel: Channel | None = None  # how the request arrived (None: given on the command line)
    review: Review | None = None  # what managers corrected and decided (None: not reviewed)
    total_eur: EuroTotal | None = None  # the bills summed in euros at their dates of care (None: no bill with a total)

    def all_flags(self) -> list[Flag]:
        """Claim-level, document-level and rejected-file flags together."""
        found = list(self.flags)
        for doc in self.documents:
            found.extend(doc.flags)
        for rejected in self.rejected_files:
            found.extend(rejected.flags)
        return found
