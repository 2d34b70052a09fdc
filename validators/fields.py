"""Field presence: a document that carries amounts must show its date, total and currency."""

from __future__ import annotations

from collections.abc import Mapping

from models import DocType, Field, Flag, FlagCode, Severity

PRICED_TYPES = {DocType.INVOICE, DocType.RECEIPT, DocType.CARE_SHEET, DocType.HOSPITAL_BULLETIN, DocType.QUOTE}
REQUIRED = {
    "date": (FlagCode.MISSING_DATE, "date des soins introuvable"),
    "total": (FlagCode.MISSING_TOTAL, "montant total introuvable"),
    "currency": (FlagCode.MISSING_CURRENCY, "devise introuvable"),
}


def field_flags(file: str, doc_type: DocType, fields: Mapping[str, Field]) -> list[Flag]:
    """Missing-field flags for one document (only the date is asked of unpriced documents)."""
    needed = list(REQUIRED) if doc_type in PRICED_TYPES else ["date"]
    if doc_type is DocType.OTHER:
        needed = []
    flags = []
    for name in needed:
        if name not in fields:
            code, text = REQUIRED[name]
            flags.append(Flag(code=code, severity=Severity.WARNING, message=f"{file} : {text}.", file=file))
    return flags
