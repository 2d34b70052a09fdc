"""What the other engine read of a decisive value (README "Calibrated confidence").

Where two engines read a page (accurate mode, extractors/second_reader.py), the page keeps the other
engine's words beside its own (`OcrPage.cross_words`). A total or a date both engines read alike is
surer than one only the kept reading holds: a digit misread (`753.70` for `758.70`, `2013` for
`2018`) is rarely misread the same way by two engines trained apart. For the value chosen on the kept
reading, the other reading of the same proof says:
- `chosen`: the same rules applied to it choose the same value;
- `read`: it holds the value somewhere (an amount or a date equal to it), chosen or not;
- `absent`: it holds no such value: the engines disagree, one of them misread it.
A proof none of whose pages was read twice has no other reading, and none of the three. A date or
total the kept reading missed and the other found is taken from it (`fill_missing`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from extractors.fields.amounts import amounts_in, rank_total
from extractors.fields.dates import find_dates, printed_order, rank_date
from extractors.fields.evidence import Evidence
from extractors.fields.extract import Extraction
from extractors.fields.locale_hints import locale_hint
from extractors.layout import Line, document_lines
from models import Field, OcrPage
from models.document_kinds import kind_of


@dataclass(frozen=True)
class OtherReading:
    """The values the other engine's reading of a proof holds, and those its rules choose."""

    amounts: frozenset[Decimal]
    dates: frozenset[date]
    total: Decimal | None
    date: date | None
    ranked: Mapping[str, tuple[Field, Evidence]] = field(default_factory=dict)  # its "date" and "total", where found


def other_lines(pages: Sequence[OcrPage]) -> list[Line] | None:
    """The proof's lines as the other engine read them (a page read once keeps its own words), or
    None when no page of it was read twice."""
    if not any(page.cross_words for page in pages):
        return None
    return document_lines([page.model_copy(update={"words": page.cross_words}) if page.cross_words else page for page in pages])


def other_reading(pages: Sequence[OcrPage], doc_type: str | None) -> OtherReading | None:
    """What the other reading of a proof holds (None: no page of it was read twice)."""
    lines = other_lines(pages)
    if lines is None:
        return None
    month_first = printed_order(lines, locale_hint(lines).month_first)
    found = find_dates(lines, month_first)
    ranked_date = rank_date(lines, month_first=month_first, doc_type=doc_type, dates=found)
    ranked_total = rank_total(lines) if kind_of(doc_type).may_bill else None
    return OtherReading(
        amounts=frozenset(a.value for line in lines for a in amounts_in(line)),
        dates=frozenset(c.value for c in found),
        total=Decimal(ranked_total[0].value) if ranked_total else None,
        date=date.fromisoformat(ranked_date[0].value) if ranked_date else None,
        ranked={name: ranked for name, ranked in (("date", ranked_date), ("total", ranked_total)) if ranked is not None},
    )


def fill_missing(found: Extraction, other: OtherReading | None) -> Extraction:
    """The extraction with the date and total the kept reading missed and the other reading found (a
    date glued to a register number, "#19536001/06/2018", that the other engine read apart): marked
    `+other_reader`, its agreement with the other reading not counted as a confirmation."""
    missing = {name: ranked for name, ranked in (other.ranked if other else {}).items() if name not in found.fields}
    if not missing:
        return found
    fields, evidence = dict(found.fields), dict(found.evidence)
    for name, (value, how) in missing.items():
        fields[name] = value.model_copy(update={"rule": value.rule + OTHER_READER})
        evidence[name] = how
    return replace(found, fields=fields, evidence=evidence)


OTHER_READER = "+other_reader"  # the rule modifier of a value only the other reading found


def _agreement(chosen: bool, read: bool) -> dict[str, float]:
    return {"cross_chosen": float(chosen), "cross_read": float(read), "cross_absent": float(not read)}


def total_agreement(value: Field, other: OtherReading | None) -> dict[str, float]:
    """How the other reading stands on a total (empty: no other reading, a value taken from it, or not
    an amount)."""
    try:
        amount = Decimal(value.value)
    except (InvalidOperation, ValueError):
        return {}
    if other is None or OTHER_READER in value.rule:
        return {}
    return _agreement(other.total == amount, amount in other.amounts)


def date_agreement(value: Field, other: OtherReading | None) -> dict[str, float]:
    """How the other reading stands on a date (empty: no other reading, a value taken from it, or not a
    date)."""
    try:
        day = date.fromisoformat(value.value)
    except ValueError:
        return {}
    if other is None or OTHER_READER in value.rule:
        return {}
    return _agreement(other.date == day, day in other.dates)
