"""Documents built directly (no OCR) for unit tests of the claim-level checks."""

from __future__ import annotations

from datetime import UTC, datetime

from models import Claim, ClaimStatus, DocType, Document, Field, Flag, LineItem, MediaType

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def field(value: str, confidence: float = 0.99) -> Field:  # a sure reading (above the straight-through thresholds)
    return Field(value=value, raw=value, confidence=confidence, page=1, bbox=None, rule="test")


def item(label: str, amount: str) -> LineItem:
    return LineItem(label=label, amount=amount, raw=f"{label} {amount}", confidence=0.9, page=1, bbox=None)


def doc(
    file: str,
    doc_type: DocType,
    flags: tuple[Flag, ...] = (),
    items: tuple[LineItem, ...] = (),
    sha: str | None = None,
    **fields: str,
) -> Document:
    return Document(
        file=file,
        sha256=sha or file.encode().hex().ljust(64, "0")[:64],
        media_type=MediaType.PDF,
        size=100,
        doc_type=doc_type,
        doc_type_score=0.9,
        fields={k: field(v) for k, v in fields.items()},
        line_items=items,
        flags=flags,
    )


def claim(*documents: Document, status: ClaimStatus = ClaimStatus.NEEDS_REVIEW, flags: tuple[Flag, ...] = ()) -> Claim:
    return Claim(claim_id="CLM-20261120-ABC123", created_at=NOW, status=status, documents=documents, flags=flags)
