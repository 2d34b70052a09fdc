"""A document's fields: date, total, currency, identifiers and parties, each with provenance."""

from __future__ import annotations

from collections.abc import Sequence

from extractors.fields.amounts import extract_total
from extractors.fields.care_type import extract_care_type
from extractors.fields.currency import extract_currency
from extractors.fields.dates import extract_date
from extractors.fields.identifiers import extract_identifiers
from extractors.fields.locale_hints import locale_hint
from extractors.fields.parties import extract_parties
from extractors.layout import Line
from models import Field


def extract_fields(lines: Sequence[Line], doc_type: str | None = None) -> dict[str, Field]:
    """Fields found in the document's lines (absent keys were not found)."""
    hint = locale_hint(lines)
    fields: dict[str, Field] = {}
    date = extract_date(lines, month_first=hint.month_first, doc_type=doc_type)
    if date is not None:
        fields["date"] = date
    total = extract_total(lines)
    if total is not None:
        fields["total"] = total
    currency = extract_currency(lines, hint, total)
    if currency is not None:
        fields["currency"] = currency
    care_type = extract_care_type(lines, doc_type)
    if care_type is not None:
        fields["care_type"] = care_type
    fields.update(extract_identifiers(lines))
    fields.update(extract_parties(lines, doc_type))
    return fields
