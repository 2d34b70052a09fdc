"""A document's fields, each with provenance: date, total, currency, care type, identifiers and
parties; periods (stay, validity), prescription date, sessions; billed lines and the bill's split."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field

from extractors.fields.amounts import rank_total
from extractors.fields.care_type import extract_care_type
from extractors.fields.currency import extract_currency
from extractors.fields.dates import find_dates, order_unsettled, printed_order, rank_date
from extractors.fields.evidence import Evidence
from extractors.fields.identifiers import extract_identifiers
from extractors.fields.line_items import checked_items, extract_line_items, extract_shares
from extractors.fields.locale_hints import locale_hint
from extractors.fields.parties import extract_parties
from extractors.fields.periods import extract_periods, extract_prescription_date, extract_stay_reason
from extractors.fields.sessions import extract_sessions
from extractors.layout import Line
from models import Field, LineItem
from models.document_kinds import DateMeaning, kind_of

# Care given as a series of sessions (the session dates are read on their bills).
SESSION_CARE = {"physiotherapy", "nursing", "alternative_medicine", "spa_cure", "specialist", "other"}
SERIES_CARE = {"physiotherapy", "nursing", "alternative_medicine", "spa_cure"}  # care given in series: one session counts


@dataclass(frozen=True)
class Extraction:
    """Everything read from one document."""

    fields: dict[str, Field]
    line_items: tuple[LineItem, ...] = ()
    sessions: tuple[Field, ...] = ()
    evidence: dict[str, Evidence] = dataclass_field(default_factory=dict)  # how the ranked fields (date, total) were chosen


def _put(fields: dict[str, Field], name: str, field: Field | None) -> None:
    if field is not None:
        fields[name] = field


def _ranked(
    fields: dict[str, Field], evidence: dict[str, Evidence], name: str, ranked: tuple[Field, Evidence] | None
) -> Field | None:
    """Keep a ranked field and how it was chosen; the field (None: not found)."""
    if ranked is None:
        return None
    fields[name], evidence[name] = ranked
    return ranked[0]


def extract_all(lines: Sequence[Line], doc_type: str | None = None) -> Extraction:
    """Fields, billed lines and session dates found in the document's lines (absent = not found). What is
    read depends on the document's kind (models/document_kinds.toml): a bill's total, currency, split and
    lines (also on a document of unknown kind, or not classified: `doc_type` None), no care type on a
    document about the person, the reason of the stay a hospital bulletin states."""
    kind = kind_of(doc_type)
    hint = locale_hint(lines)
    hint = replace(hint, month_first=printed_order(lines, hint.month_first))
    fields: dict[str, Field] = {}
    # every printed date, found once for all the date fields
    dates = find_dates(lines, hint.month_first, order_guessed=order_unsettled(lines, hint.currency is not None))
    evidence: dict[str, Evidence] = {}
    date = _ranked(fields, evidence, "date", rank_date(lines, month_first=hint.month_first, doc_type=doc_type, dates=dates))
    total = _ranked(fields, evidence, "total", rank_total(lines)) if kind.may_bill else None
    identifiers = extract_identifiers(lines)
    if kind.may_bill:
        _put(fields, "currency", extract_currency(lines, hint, total, identifiers.get("iban"), date))
    care_type = extract_care_type(lines, doc_type) if kind.about_care else None
    _put(fields, "care_type", care_type)
    fields.update(extract_periods(lines, doc_type, hint.month_first, date, dates))
    _put(fields, "prescription_date", extract_prescription_date(lines, doc_type, date, hint.month_first, dates))
    if "stay_from" in fields or kind.date is DateMeaning.STAY_START:
        _put(fields, "stay_reason", extract_stay_reason(lines))
    fields.update(identifiers)
    fields.update(extract_parties(lines, doc_type))
    if not kind.may_bill:
        return Extraction(fields, evidence=evidence)
    fields.update(extract_shares(lines, total))
    sessions: tuple[Field, ...] = ()
    if care_type is not None and care_type.value in SESSION_CARE:
        sessions, session_fields = extract_sessions(lines, hint.month_first, dates, care_type.value in SERIES_CARE)
        fields.update(session_fields)
    gross = fields.get("gross_total")
    return Extraction(fields, checked_items(extract_line_items(lines, gross), gross), sessions, evidence)


def extract_fields(lines: Sequence[Line], doc_type: str | None = None) -> dict[str, Field]:
    """The fields alone (see `extract_all`)."""
    return extract_all(lines, doc_type).fields
