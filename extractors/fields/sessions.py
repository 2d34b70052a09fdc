"""Session dates of a series of care (physiotherapy, nursing, speech therapy...): the date on each
billed session row, their count and the first and last session.

A list of dates after a label ("Dates des séances : 09/06/2025, 12/06/2025, ..."), on one long
line, in columns or one per row, gives the session dates too. A session row is a row holding one date and either an amount or the word "séance"/"session", whose
date is not announced as something else (invoice, prescription, payment, print, birth date). A
printed count ("Nombre de séances : 12", "12 séances") confirms the rows or, when the rows are
not itemised, gives the count alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from extractors.data_files import fold, phrase_pattern
from extractors.fields.amounts import amounts_in
from extractors.fields.dates import DateCandidate, candidate_field, find_dates
from extractors.keywords import SESSIONS
from extractors.layout import Line
from models import Field

# A series is two dated rows at least - or one, on the bill of a care given in series (physiotherapy, nursing:
# extract.py `one_row_is_a_series`), where a bill of one treatment day is one session (seeds 9031, 9201-9203:
# 1-session bills of German physiotherapy practices were read as none). A specialist's or an unknown care's bill
# still needs two: one priced dated row there is a visit or a shop's line, not a series.
MIN_ROWS = 2
ROW_CERTAINTY = 0.9
COUNT_ONLY_CERTAINTY = 0.8
DISAGREEMENT_CERTAINTY = 0.5


COUNT = re.compile(
    r"(?:nombre|nb|total)\s+(?:de\s+|d')?(?:seances|sessions|actes)\s*[:.;]*\s*(\d{1,3})\b|\b(\d{1,3})\s+(?:seances|sessions)\b"
)


def _is_session_row(candidate: DateCandidate, dates_on_row: int) -> bool:
    line = candidate.line
    folded = fold(line.text)
    if dates_on_row != 1 or phrase_pattern(SESSIONS.not_session).search(folded[: candidate.start + 1]):
        return False
    priced = any(a.start >= candidate.end for a in amounts_in(line))
    return priced or bool(phrase_pattern(SESSIONS.session_words).search(folded))


LIST_FILLER = re.compile(r"[\s,;/.:\-–|()]+|\b(?:et|and|und|en|y|e)\b")
MAX_FILLER_LETTERS = 3


def _only_dates(line: Line, dates: Sequence[DateCandidate], after: int = 0) -> bool:
    """A row (from `after`) holding dates and separators only."""
    text = line.text[after:]
    for candidate in sorted(dates, key=lambda c: -c.start):
        start, end = candidate.start - after, candidate.end - after
        if start >= 0:
            text = text[:start] + " " + text[end:]
    rest = LIST_FILLER.sub("", fold(text))
    return sum(ch.isalpha() for ch in rest) <= MAX_FILLER_LETTERS and not any(ch.isdigit() for ch in rest)


def listed_dates(lines: Sequence[Line], candidates: Sequence[DateCandidate]) -> list[DateCandidate]:
    """Dates listed after a session-list label, on its row and on the following rows of dates only."""
    by_line: dict[tuple[int, int], list[DateCandidate]] = {}
    for candidate in candidates:
        by_line.setdefault((candidate.line.page, candidate.line.index), []).append(candidate)
    label = phrase_pattern(SESSIONS.list_labels)
    found: list[DateCandidate] = []
    for position, line in enumerate(lines):
        match = label.search(fold(line.text))
        if match is None:
            continue
        own = [c for c in by_line.get((line.page, line.index), []) if c.start >= match.end()]
        if own and not _only_dates(line, own, match.end()):
            continue  # "Dates ... du 3 au 5": a label in prose, not a list
        listed = list(own)
        for following in lines[position + 1 :]:
            dates = by_line.get((following.page, following.index), [])
            if following.page != line.page or not dates or not _only_dates(following, dates):
                break
            listed.extend(dates)
        if len(listed) >= MIN_ROWS:
            found.extend(listed)
    return found


def session_rows(
    lines: Sequence[Line], month_first: bool = False, dates: Sequence[DateCandidate] | None = None, least: int = MIN_ROWS
) -> list[DateCandidate]:
    """One date per session row, in reading order (`dates`: the document's dates when already found; `least`:
    the rows that make a series)."""
    candidates = find_dates(lines, month_first) if dates is None else dates
    per_line: dict[int, int] = {}
    for candidate in candidates:
        per_line[candidate.line.index] = per_line.get(candidate.line.index, 0) + 1
    rows = [c for c in candidates if _is_session_row(c, per_line[c.line.index])]
    seen = {(c.line.page, c.line.index, c.start) for c in rows}
    rows += [c for c in listed_dates(lines, candidates) if (c.line.page, c.line.index, c.start) not in seen]
    rows = sorted((c for c in rows if c.value <= date.today()), key=lambda c: (c.line.page, c.line.index, c.start))
    return rows if len(rows) >= least else []


def printed_count(lines: Sequence[Line]) -> tuple[int, Line, re.Match[str]] | None:
    """A session count printed in words ('Nombre de séances : 12', '10 séances de kinésithérapie')."""
    for line in lines:
        match = COUNT.search(fold(line.text))
        if match:
            return int(match.group(1) or match.group(2)), line, match
    return None


def extract_sessions(
    lines: Sequence[Line],
    month_first: bool = False,
    dates: Sequence[DateCandidate] | None = None,
    one_row_is_a_series: bool = False,
) -> tuple[tuple[Field, ...], dict[str, Field]]:
    """(each session's date, {session_count, first_session, last_session}) - empty when not itemised
    (`one_row_is_a_series`: the bill is of a care given in series, one treatment row is one session)."""
    rows = session_rows(lines, month_first, dates, least=1 if one_row_is_a_series else MIN_ROWS)
    count = printed_count(lines)
    fields: dict[str, Field] = {}
    certainty = ROW_CERTAINTY if count is None or not rows or count[0] == len(rows) else DISAGREEMENT_CERTAINTY
    session_dates = tuple(candidate_field(c, "sessions.row", certainty) for c in rows)
    if rows:
        first, last = min(rows, key=lambda c: c.value), max(rows, key=lambda c: c.value)
        fields["first_session"] = candidate_field(first, "first_session.rows", certainty)
        fields["last_session"] = candidate_field(last, "last_session.rows", certainty)
    if count is not None:
        value, line, match = count
        bbox, ocr_conf = line.locate(match.start(), match.end())
        agreed = bool(rows) and value == len(rows)
        fields["session_count"] = Field(
            value=str(value),
            raw=line.text[match.start() : match.end()],
            confidence=round(ocr_conf * (ROW_CERTAINTY if agreed or not rows else DISAGREEMENT_CERTAINTY), 3),
            page=line.page,
            bbox=bbox,
            rule="session_count.printed" + ("+rows_agree" if agreed else ""),
        )
    elif rows:
        fields["session_count"] = Field(
            value=str(len(rows)),
            raw=f"{len(rows)} lignes datées",
            confidence=round(certainty * 0.9, 3),
            page=rows[0].line.page,
            bbox=None,
            rule="session_count.rows",
        )
    return session_dates, fields
