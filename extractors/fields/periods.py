"""Periods and secondary dates: a hospital stay (from - to), a period of validity or posting
(from - to) and the date of the prescription a document refers to.

A period is read from a range printed on one row ("du 03/02/2024 au 07/02/2024", "from ... to ...")
or from labelled dates ("Date d'entrée : ...", "Date de sortie : ..."); the words before it say
whether it is a stay or a period of validity. Labels live in data/periods.toml.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import date
from functools import cache

from dateutil.relativedelta import relativedelta

from extractors.data_files import fold, phrase_pattern
from extractors.fields.dates import MONTH_YEAR_OPENING, WRAPPED, YEAR_OPENING, DateCandidate, candidate_field, find_dates
from extractors.keywords import PERIODS
from extractors.layout import Line
from models import Field
from models.document_kinds import DateMeaning, kind_of

LOOKBEHIND = 60  # characters before a date in which its label is looked for
RANGE_CERTAINTY = 0.95
LABEL_CERTAINTY = 0.9
DOC_DATE_CERTAINTY = 0.9


def _before(candidate: DateCandidate, chars: int = LOOKBEHIND, lines: Sequence[Line] = ()) -> str:
    """The folded text in the `chars` characters before a date; prose cut by a line break ("... est
    détaché" / "en Autriche du 26 décembre 2021 au ...") continues on the previous row of `lines`."""
    line = candidate.line
    before = line.text[max(0, candidate.start - chars) : candidate.start]
    index = line.index
    if candidate.start < chars and 0 < index <= len(lines) and lines[index - 1].index == index - 1:
        previous = lines[index - 1]
        if previous.page == line.page:
            before = previous.text[-(chars - candidate.start) :] + " " + before
    return fold(before)


def _kind(before: str, doc_type: str | None) -> str | None:
    """'stay' or 'period' from the words before a date or range; a bare range on a document dated by its
    stay (a hospital bulletin) is the stay."""
    if phrase_pattern(PERIODS.kinds.stay).search(before):
        return "stay"
    if phrase_pattern(PERIODS.kinds.period).search(before):
        return "period"
    return "stay" if kind_of(doc_type).date is DateMeaning.STAY_START else None


def ranges(
    candidates: Sequence[DateCandidate], doc_type: str | None, lines: Sequence[Line] = ()
) -> list[tuple[str, DateCandidate, DateCandidate]]:
    """(kind, start, end) of every 'du X au Y' range printed on one row, start not after end."""
    found = []
    by_line: dict[int, list[DateCandidate]] = {}
    for candidate in candidates:
        by_line.setdefault(candidate.line.index, []).append(candidate)
    joiner = phrase_pattern(PERIODS.ranges.between)
    for row in by_line.values():
        row.sort(key=lambda c: c.start)
        for first, second in itertools.pairwise(row):
            between = _joining_words(first.line.text[first.end : second.start])
            if not joiner.fullmatch(between) or first.value > second.value:
                continue
            kind = _kind(_before(first, lines=lines), doc_type)
            if kind:
                found.append((kind, first, second))
    return found + wrapped_ranges(by_line, doc_type, lines)


def _joining_words(text: str) -> str:
    """The folded words between two dates of a row, punctuation aside; a dash OCR glued to a range word is
    dropped ("au-1er novembre"), a dash alone is the range word ("01/02 - 05/02")."""
    between = fold(text).strip(" :.")
    return between.rstrip("-–").strip() if len(between) > 1 else between


def wrapped_ranges(
    by_line: dict[int, list[DateCandidate]], doc_type: str | None, lines: Sequence[Line] = ()
) -> list[tuple[str, DateCandidate, DateCandidate]]:
    """Ranges of prose cut by a line break: "... du 14 juil. 2019 au" / "16 mars 2021 ..."."""
    joiner = phrase_pattern(PERIODS.ranges.between)
    found = []
    for index, row in by_line.items():
        following = by_line.get(index + 1)
        if not following:
            continue
        first, second = max(row, key=lambda c: c.start), min(following, key=lambda c: c.start)
        if first.value > second.value:
            continue
        if joiner.fullmatch(_between_rows(first, second)):
            kind = _kind(_before(first, lines=lines), doc_type)
            if kind:
                found.append((kind, first, second))
    return found


def _between_rows(first: DateCandidate, second: DateCandidate) -> str:
    """The folded words between a date ending a row and one on the next: the joiner may end the first row
    ("du 14 juil. 2019 au" / "16 mars 2021") or open the next, after the year of a first date cut by the
    break ("du 7 août" / "2025 au 10 août 2026")."""
    lead = second.line.text[: second.start]
    if WRAPPED in first.rule:
        lead = YEAR_OPENING.sub("", lead, count=1) if YEAR_OPENING.match(lead) else MONTH_YEAR_OPENING.sub("", lead, count=1)
    return fold(first.line.text[first.end :] + " " + lead).strip(" :.")


def labelled(candidates: Sequence[DateCandidate], doc_type: str | None) -> dict[str, DateCandidate]:
    """Dates announced by a start or end label ('Date d'entrée', 'valable jusqu'au'), first one wins."""
    found: dict[str, DateCandidate] = {}
    for candidate in candidates:
        before = _before(candidate, 30)
        for end in ("from", "to"):
            for kind, bounds in (("stay", PERIODS.stay_labels), ("period", PERIODS.period_labels)):
                labels = bounds.start if end == "from" else bounds.to
                if phrase_pattern(labels).search(before) and f"{kind}_{end}" not in found:
                    found[f"{kind}_{end}"] = candidate
    return found


NAMES = {"stay": ("stay_from", "stay_to"), "period": ("valid_from", "valid_to")}


def extract_periods(
    lines: Sequence[Line],
    doc_type: str | None = None,
    month_first: bool = False,
    document_date: Field | None = None,
    dates: Sequence[DateCandidate] | None = None,
) -> dict[str, Field]:
    """stay_from / stay_to and valid_from / valid_to, where printed (`dates`: the document's dates when already found)."""
    candidates = [c for c in (find_dates(lines, month_first) if dates is None else dates) if c.value.year >= 1990]
    fields: dict[str, Field] = {}
    for kind, start, end in ranges(candidates, doc_type, lines):
        first, last = NAMES[kind]
        if first not in fields:
            fields[first] = candidate_field(start, f"{first}.range", RANGE_CERTAINTY)
            fields[last] = candidate_field(end, f"{last}.range", RANGE_CERTAINTY)
    for key, candidate in labelled(candidates, doc_type).items():
        kind, side = key.split("_")
        name = NAMES[kind][0 if side == "from" else 1]
        fields.setdefault(name, candidate_field(candidate, f"{name}.label", LABEL_CERTAINTY))
    if doc_type in PERIODS.validity.kinds and "valid_to" not in fields and document_date is not None:
        fields.update(validity_for(lines, fields.get("valid_from") or document_date))
    if doc_type == "quote" and "valid_to" in fields and "valid_from" not in fields and document_date is not None:
        fields["valid_from"] = document_date.model_copy(update={"rule": "valid_from.quote_date"})  # a quote holds from its date
    for first, last in NAMES.values():
        if first in fields and last in fields and fields[first].value > fields[last].value:
            for name in (first, last):
                fields[name] = fields[name].model_copy(update={"confidence": round(fields[name].confidence * 0.5, 3)})
    return fields


DURATION_CERTAINTY = 0.8  # a computed end: the printed duration and the start are read, the end is not printed
DURATION = r"\W{0,3}(?:(?:de|du|est|is|:|for|pendant)\W{1,3}){0,2}(\d{1,3})\s*(%s)(?![a-z])"


@cache
def _duration_units() -> tuple[dict[str, str], re.Pattern[str]]:
    """periods.toml's duration words -> relativedelta's unit, and the pattern of a duration after a label."""
    units = PERIODS.validity
    unit_of = {
        fold(w): name
        for name, words in (("days", units.days), ("weeks", units.weeks), ("months", units.months), ("years", units.years))
        for w in words
    }
    return unit_of, re.compile(DURATION % "|".join(re.escape(u) for u in sorted(unit_of, key=len, reverse=True)))


def validity_for(lines: Sequence[Line], start: Field) -> dict[str, Field]:
    """valid_from / valid_to of a validity printed as a duration after a validity label ("Ce devis est
    valable 3 mois" from the quote's date of 4 October: valid to 4 January), in calendar units; empty when
    no such duration is printed."""
    unit_of, pattern = _duration_units()
    labels = phrase_pattern(PERIODS.validity.labels)
    for line in lines:
        folded = fold(line.text)
        for label in labels.finditer(folded):
            m = pattern.match(folded, label.end())
            if m is None or int(m.group(1)) == 0:
                continue
            end = date.fromisoformat(start.value) + relativedelta(**{unit_of[m.group(2)]: int(m.group(1))})
            bbox, ocr_conf = line.locate(label.start(), m.end())
            confidence = round(min(start.confidence, ocr_conf) * DURATION_CERTAINTY, 3)
            valid_to = Field(
                value=end.isoformat(),
                raw=line.text[label.start() : m.end()],
                confidence=confidence,
                page=line.page,
                bbox=bbox,
                rule="valid_to.duration",
            )
            return {
                "valid_from": start.model_copy(
                    update={"rule": start.rule if start.rule.startswith("valid_from") else "valid_from.document_date"}
                ),
                "valid_to": valid_to,
            }
    return {}


def extract_prescription_date(
    lines: Sequence[Line],
    doc_type: str | None,
    document_date: Field | None,
    month_first: bool = False,
    dates: Sequence[DateCandidate] | None = None,
) -> Field | None:
    """The date of the prescription: a prescription's own date, else a date announced as the
    prescription's ('sur prescription du Dr X du 02/03/2024', 'ordonnance du ...')."""
    if doc_type == "prescription" and document_date is not None:
        return document_date.model_copy(
            update={
                "rule": "prescription_date.document_date",
                "confidence": round(document_date.confidence * DOC_DATE_CERTAINTY, 3),
            }
        )
    label = phrase_pattern(PERIODS.prescription.labels)
    for candidate in find_dates(lines, month_first) if dates is None else dates:
        if label.search(_before(candidate)) and candidate.value <= date.today():
            return candidate_field(candidate, "prescription_date.label", LABEL_CERTAINTY)
    return None


def extract_stay_reason(lines: Sequence[Line]) -> Field | None:
    """The reason of a stay: the text right of a 'Motif :' label, to the end of its row."""
    label = phrase_pattern(PERIODS.stay_reason.labels)
    for line in lines:
        match = label.search(fold(line.text))
        if not match:
            continue
        start = match.end() + len(line.text[match.end() :]) - len(line.text[match.end() :].lstrip(" :-"))
        reason = line.text[start:].strip()
        if sum(ch.isalpha() for ch in reason) >= 3:
            bbox, ocr_conf = line.locate(start, len(line.text))
            return Field(
                value=reason,
                raw=reason,
                confidence=round(ocr_conf * LABEL_CERTAINTY, 3),
                page=line.page,
                bbox=bbox,
                rule="stay_reason.label_right",
            )
    return None
