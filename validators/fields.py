"""Field presence: a document that carries amounts must show its date, total and currency."""

from __future__ import annotations

from collections.abc import Mapping

from models import DocType, Field, Flag, FlagCode
from validators.flag_wording import make_flag

PRICED_TYPES = {DocType.INVOICE, DocType.RECEIPT, DocType.CARE_SHEET, DocType.HOSPITAL_BULLETIN, DocType.QUOTE}
REQUIRED = {"date": FlagCode.MISSING_DATE, "total": FlagCode.MISSING_TOTAL, "currency": FlagCode.MISSING_CURRENCY}


def field_flags(file: str, doc_type: DocType, fields: Mapping[str, Field]) -> list[Flag]:
    """Missing-field flags for one document (only the date is asked of unpriced documents)."""
    needed = list(REQUIRED) if doc_type in PRICED_TYPES else ["date"]
    if doc_type is DocType.OTHER:
        needed = []
    return [make_flag(REQUIRED[name], file=file) for name in needed if name not in fields]
