"""Dates: find every printed date, parse it (numeric, or with a month name in any language of
dates.toml; day-first unless American), and pick the document's date of care / issue, away from
birth, print and due dates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from babel.dates import get_month_names

from extractors.data_files import fold, phrase_pattern
from extractors.fields.evidence import Evidence, margin_over
from extractors.keywords import DATES, PERIODS
from extractors.layout import Line
from models import BBox, Field
from models.document_kinds import DateMeaning, kind_of


@cache
def month_numbers() -> dict[str, int]:
    """Folded month name or abbreviation -> month number, in every language of dates.toml (babel's
    CLDR names, wide and abbreviated, plus the file's extra spellings)."""
    names: dict[str, int] = {}
    for language in DATES.languages:
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=language).items():
                names[fold(name).rstrip(".")] = number
    names.update({fold(k): v for k, v in DATES.extra_months.items()})
    return names


def _month_alternation() -> str:
    """Regex alternation of the month names, accents optional (an OCR'd "Marz" is "März")."""

    def loose(name: str) -> str:
        return "".join(f"[{ch}{''.join(ACCENTED.get(ch, ''))}]" if ch in ACCENTED else re.escape(ch) for ch in name)

    return "|".join(loose(name) for name in sorted(month_numbers(), key=len, reverse=True))


ACCENTED = {"a": "àâäáã", "e": "éèêë", "i": "íìî", "o": "óòôöõ", "u": "ûüúù", "c": "ç"}
_MONTH = _month_alternation()
# A time glued to the date by OCR ("9/3/201820:54:50", "2018-01-0522:55:25") ends it as well as a space.
GLUED_TIME = r"(?=\d{1,2}:\d{2})"
# A day OCR split in two ("1 1/04/2019"): joined only before a zero-padded month - a page that pads its
# months pads its days too, so "1/04" after a lone digit is that digit's day cut by a space.
SPLIT_DAY = r"[0-3] \d(?=\s?[/.\-]\s?0[1-9])"
NUMERIC_DMY = re.compile(
    rf"(?<![\d/-])(?<!\d\.)({SPLIT_DAY}|\d{{1,2}})\s?([/.\-])\s?(\d{{1,2}})\s?\2\s?(\d{{4}}{GLUED_TIME}|\d{{2}}{GLUED_TIME}|(?:\d{{4}}|\d{{2}})(?![\d/]|\.\d))"
)
# A year OCR split in two before a zero-padded month ("201 9-03-31", "2 019/03/31"): joined, as SPLIT_DAY. Not
# split in its middle: "19 25/09/26" is a session's number before a day-first date
SPLIT_YEAR = r"(?:(?:1 9|2 0)\d{2}|(?:19|20)\d \d)(?=[/\-](?:0[1-9]|1[0-2])[/\-])"
NUMERIC_YMD = re.compile(
    rf"(?<![\d/.-])((?:19|20)\d{{2}}|{SPLIT_YEAR})([/.\-])(\d{{1,2}})\2(\d{{2}}{GLUED_TIME}|\d{{1,2}}(?![\d/]))"
)
# "5 mars 2018", "5. März 2018", "5 de marzo de 2018", "05-Jan-2019", "25/Feb/2017", "1er janvier 2020"
# A day glued by OCR to the word before it ("au20 févr. 2020", "du5 mars") reads as a day all the same.
GLUED_PREPOSITION = r"(?:(?<![\d\w])|(?<=\b[AaDd]u)|(?<=\b[Ll]e))"
# a speck OCR reads between the month and a four-digit year ("du 24 mars: 2019"), or between the day and the
# month ("le 10:mai 2022"), is no separator
TEXT_DMY = re.compile(
    rf"{GLUED_PREPOSITION}(\d{{1,2}}|[lI]er)(?:er|st|nd|rd|th|º|°)?(?:\.|\s?[:;])?[\s\-/]*(?:de\s+)?({_MONTH})\.?(?:[\s\-,/]*|\s*[:;]\s*(?=(?:19|20)\d{{2}}))(?:de\s+|del\s+)?((?:19|20)?\d{{2}})(?!\d)",
    re.IGNORECASE,
)
COMPACT_DMY = re.compile(r"(?<![\d/.-])(\d{2})(\d{2})((?:19|20)\d{2})(?![\d/.-])")  # "Date 02122017"
COMPACT_YMD = re.compile(r"(?<![\d/.-])((?:19|20)\d{2})(\d{2})(\d{2})(?![\d.-])")  # "Date/Time 20180428/191204" (ISO basic)
# A Chinese or Japanese date: "2021年10月3日", and the Japanese era's "令和3年10月3日" (Reiwa 3 = 2021), as
# RapidOCR reads them
CJK_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
JAPANESE_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}  # the year before each era's first
CJK_ERA = re.compile(r"(令和|平成|昭和)\s*(\d{1,2}|元)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
BUDDHIST_ERA = 543  # a Thai (Lao, Cambodian...) year: 2564 BE is 2021
DATE_LABEL_BEFORE = re.compile(
    r"(?i)(?:date(?:\s?[/&]\s?time)?|tarikh|dated|datum|fecha|data)\W{0,3}$"
)  # ...read only right after such a label
# A date of prose cut by a line break between its month and its year: "... au 4 déc." / "2021 pour ..."
# "1er" as OCR often reads it: "ler", "Ier" (as TEXT_DMY)
WRAPPED_DAY_MONTH = re.compile(rf"(?<![\d\w])(\d{{1,2}}|[1lI]er)(?:er)?\.?\s*(?:de\s+)?({_MONTH})\.?\W{{0,2}}$", re.IGNORECASE)
YEAR_OPENING = re.compile(r"^\W{0,2}((?:19|20)\d{2})(?![\d/.-])")
# ...or between its day and its month, the day announced by a preposition: "du 30 décembre 2019 au 5" / "juillet 2020"
WRAPPED_DAY = re.compile(r"(?<![\w'])(?:au|du|le|jusqu'au|to|from|until)\s+(\d{1,2}|[1lI]er)(?:er)?\W{0,2}$", re.IGNORECASE)
DAY_ALONE = re.compile(r"(?:\d{1,2}|[1lI]er)(?:er)?")
WRAPPED = "+wrapped"  # the rule of a date cut by a line break
MONTH_YEAR_OPENING = re.compile(rf"^\W{{0,2}}({_MONTH})\.?\s*((?:19|20)\d{{2}})(?![\d/.-])", re.IGNORECASE)
# "August 3, 2014", "August 3 , 2014", "Mar. 5th 2018"
TEXT_MDY = re.compile(rf"(?<![\w])({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+((?:19|20)\d{{2}})(?!\d)", re.IGNORECASE)

CARE_LABELS = re.compile(
    r"\b(date|le\b|du\b|fait\b|factur|soins?|acte|consultation|d[ée]livr|vente|achat|ticket|re[çc]u|invoice|issued|visit|service|tarikh)",
    re.IGNORECASE,
)
OTHER_LABELS = re.compile(
    r"(\bn[ée]e?\b|naissanc|birth|dob|imprim|[ée]dit|[ée]ch[ée]ance|due|expir|valid|jusqu|until|print|exp\b|mise [àa] jour)",
    re.IGNORECASE,
)
CONTEXT_CHARS = 28
PERIOD_START_PENALTY = 0.5  # cancels an issue label's bonus and then some
STAY_START = re.compile(r"(entr[ée]e|admission|admis|admitted|hospitalis[ée]\(?e?\)?\s+du|s[ée]jour\s+du)\W*$", re.IGNORECASE)
STAY_START_BONUS = 0.5
DAY_JOINED = "+day_joined"  # the rule modifier of a numeric date whose day OCR split in two (SPLIT_DAY)
YEAR_JOINED = "+year_joined"  # ... whose year OCR split in two (SPLIT_YEAR)
GUESSES = ("+year_repaired", "+digit_repaired", "+order_fallback", "+order_guess", "+colons_read", "+label_unread")
# a numeric date whose slashes OCR read as colons ("À Saint-Denis, lé 06:07:26"): a time's shape, so only right
# after the "le" that announces a date, and never sure
COLON_DMY = re.compile(r"(?<=\b[Ll][eé] )(\d{2}):(\d{2}):((?:19|20)\d{2}|\d{2})(?![\d:])")
MIN_YEAR = 1990
YEAR_REPAIR_PENALTY = 0.25
REPAIRED_CERTAINTY = 0.6


@dataclass(frozen=True)
class DateCandidate:
    """A parsed date with where it was printed and how plausible it is as the document's date."""

    value: date
    raw: str
    line: Line
    start: int
    end: int
    rule: str
    score: float


def _year(raw: str) -> int:
    value = int(raw)
    if value >= 100:
        return buddhist_year(value) or repair_year(value)
    return 2000 + value if value <= (date.today().year % 100) + 1 else 1900 + value


def buddhist_year(year: int, today: date | None = None) -> int | None:
    """The common-era year of a Buddhist-era one (Thai receipts: 03/10/2564 is 3 October 2021), when it
    falls in the years a claim can be about; None for any other year."""
    common = year - BUDDHIST_ERA
    return common if MIN_YEAR <= common <= (today or date.today()).year + 1 else None


def repair_year(year: int, today: date | None = None) -> int:
    """A year OCR garbled in its second digit (2618, 2918 for 2018: 0 read as 6, 9 or 8) is put back
    when only that reading is plausible; the candidate's low plausibility score stays with it."""
    this_year = (today or date.today()).year
    if year <= this_year + 1 or not 2100 <= year <= 2999:
        return year
    repaired = 2000 + year % 100
    return repaired if repaired <= this_year else year


def printed_order(lines: Sequence[Line], us_hint: bool) -> bool:
    """Whether numeric dates read month first here: the dates themselves decide when one of them can
    only be read one way (13/05/2018 is day-first, 03/20/2023 month-first) or is written with dots
    (day-first in every country that writes dates so); else the country hint.
    An address that looks American does not turn a page of day-first dates around, and month-first
    dates without that hint need two such dates (one could be an OCR slip)."""
    day_first = month_first = 0
    for line in lines:
        for m in NUMERIC_DMY.finditer(line.text):
            a, b = int(_day(m)), int(m.group(3))
            if m.group(2) == ".":
                day_first += 1  # 03.06.2025: dotted dates are day-first wherever they are written so
                continue
            day_first += 12 < a <= 31 and 1 <= b <= 12
            month_first += 12 < b <= 31 and 1 <= a <= 12
    if day_first and not month_first:
        return False
    if month_first and not day_first:
        return us_hint or month_first >= 2
    return us_hint


def _day(match: re.Match[str]) -> str:
    """The first number of a NUMERIC_DMY match, a day OCR split in two (SPLIT_DAY) joined."""
    return match.group(1).replace(" ", "")


ORDER_GUESS = "+order_guess"  # the rule modifier of a numeric date read either way on a page that does not say which


DOLLAR_CODE = re.compile(r"(?<![A-Za-z])USD(?![A-Za-z])")  # the dollar written as its code ("TOTAL USD 312.25")


def order_unsettled(lines: Sequence[Line], hinted: bool) -> bool:
    """Whether the order of the page's numeric dates is a guess: no country named (`hinted`), a dollar printed
    ("$" or "USD"; the United States and Canada read month first, Australia and New Zealand day first) and no date that
    reads one way only or is written with dots."""
    if hinted or not any("$" in line.text or DOLLAR_CODE.search(line.text) for line in lines):
        return False
    for line in lines:
        for m in NUMERIC_DMY.finditer(line.text):
            if m.group(2) == "." or 12 < int(_day(m)) <= 31 or 12 < int(m.group(3)) <= 31:
                return False  # (a number over 31 is a misread digit, no day: "98/05/2023" says nothing of the order)
    return True


def _reads_either_way(value: date | None, rule: str) -> bool:
    """Whether a numeric date read day first (or month first) would be another date read the other way - its
    digits as printed, or as repaired ("98/05/2023" -> 08/05/2023)."""
    guessed = rule in ("date.numeric_dmy", "date.numeric_dmy+digit_repaired")
    return guessed and value is not None and value.day <= 12 and value.day != value.month


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_numeric(day_or_month: str, month_or_day: str, year: str, month_first: bool) -> date | None:
    """A numeric d/m/y date; month-first (US) only when asked or when day-first cannot be a date."""
    a, b, y = int(day_or_month), int(month_or_day), _year(year)
    first = _safe_date(y, a, b) if month_first else _safe_date(y, b, a)
    if first is not None:
        return first
    return _safe_date(y, b, a) if month_first else _safe_date(y, a, b)


# OCR confusions of a leading digit that make an impossible day or month: 63 -> 03, 72 -> 12
LEADING_DIGIT_CONFUSIONS = {"6": "0", "8": "0", "9": "0", "7": "1", "4": "1"}


def _unconfused(part: str) -> str:
    if len(part) == 2 and part[0] in LEADING_DIGIT_CONFUSIONS:
        return LEADING_DIGIT_CONFUSIONS[part[0]] + part[1]
    return part


def _digit_repaired(first: str, second: str) -> tuple[str, str] | None:
    """The day and month with an impossible leading digit undone (`_unconfused`), or None when neither changes."""
    fixed = (_unconfused(first), _unconfused(second))
    return fixed if fixed != (first, second) else None


def numeric_reading(first: str, second: str, year: str, month_first: bool) -> tuple[date | None, str]:
    """(date, rule) of a numeric date: the locale's order, else the other order, else a one-digit OCR
    repair of an impossible day or month; fallbacks are marked in the rule and lose confidence."""
    a, b = int(first), int(second)
    preferred = _safe_date(_year(year), a, b) if month_first else _safe_date(_year(year), b, a)
    if preferred is not None:
        return preferred, "date.numeric_dmy"
    other = parse_numeric(first, second, year, month_first)
    if other is not None:
        return other, "date.numeric_dmy+order_fallback"
    fixed = _digit_repaired(first, second)
    if fixed is not None:
        value = parse_numeric(*fixed, year, month_first)
        if value is not None:
            return value, "date.numeric_dmy+digit_repaired"
    return None, "date.numeric_dmy"


def ymd_reading(year: str, month: str, day: str) -> tuple[date | None, str]:
    """(date, rule) of a year-first date, else the same one-digit OCR repair of an impossible month or
    day as a day-first one gets ("2021/10/63" -> 2021-10-03), marked in the rule."""
    value = _safe_date(int(year), int(month), int(day))
    if value is not None:
        return value, "date.numeric_ymd"
    fixed = _digit_repaired(month, day)
    if fixed is not None:
        value = _safe_date(int(year), int(fixed[0]), int(fixed[1]))
        if value is not None:
            return value, "date.numeric_ymd+digit_repaired"
    return None, "date.numeric_ymd"


def parse_text_date(raw: str) -> date | None:
    """A day-month-year date with a month name in any language of dates.toml ("5. März 2018",
    "5 de marzo de 2018", "1er janvier 2020")."""
    cleaned = re.sub(r"^[lI]er\b", "1", raw.strip())  # "ler janvier": OCR's reading of "1er"
    numbers = re.findall(r"\d+", cleaned)
    months = [month_numbers()[word] for word in re.findall(r"[a-z]+", fold(cleaned)) if word in month_numbers()]
    if len(numbers) < 2 or not months:
        return None
    return _safe_date(_year(numbers[-1]), months[0], int(numbers[0]))


@cache
def _issue_ending() -> re.Pattern[str]:
    return re.compile(rf"(?:{'|'.join(re.escape(fold(w)) for w in DATES.labels.issue_endings)})(?![a-z])")


@cache
def _range_after() -> re.Pattern[str]:
    """Right after a date: a range word, then another date (not a time: "25/12/2018 - 8:13")."""
    words = "|".join(re.escape(fold(w)) for w in sorted(DATES.labels.range, key=len, reverse=True))
    return re.compile(
        rf"^\s*(?:{words})\s*[:.]?\s*(?:(?:le|den|dem)\s+)?(?:\d{{1,4}}[./-]\d{{1,2}}|\d{{1,2}}\.?\s*(?:{_MONTH})|(?:{_MONTH})\b)"
    )


def opens_period(line: Line, end: int) -> bool:
    """The date is the first of a range ("vom 06.12.2013 bis zum 06.12.2014")."""
    return _range_after().search(fold(line.text[end : end + 24])) is not None


def past_fact_runs_over(line: Line, start: int, previous: Line | None) -> bool:
    """A date opening its line whose sentence began on the line before with a past fact's words
    ("employée ... depuis le" / "23/11/2017, est détachée..."): the fact's date, not the document's."""
    if line.text[:start].strip() or previous is None or previous.page != line.page:
        return False
    tail = fold(previous.text[-CONTEXT_CHARS:])
    return any(m.end() >= len(tail.rstrip()) for m in phrase_pattern(DATES.labels.other).finditer(tail))


REFERENCE_REACH = 60  # characters between a reference to another document and its date's linking word


@cache
def _reference_before() -> re.Pattern[str]:
    """Ends with a reference to another document and its linking word ("bestellung nr. 2013-471331 vom"), the
    link possibly run into the word ("rezeptvom")."""
    words = "|".join(re.escape(fold(w)) for w in sorted(DATES.labels.references, key=len, reverse=True))
    links = "|".join(re.escape(fold(w)) for w in DATES.labels.reference_links)
    spaced = rf"(?<![a-z])(?:{words})(?![a-z])[^:]{{0,{REFERENCE_REACH}}}?(?<![a-z])(?:{links})"
    glued = rf"(?<![a-z])(?:{words})(?:{links})"  # the link OCR ran into the word: "Ricettadel 06/10/2024"
    return re.compile(rf"(?:{spaced}|{glued})\s*[:.]?\s*$")


def refers_to_another_document(line: Line, start: int, previous: Line | None) -> bool:
    """The date is that of another document the text refers to (an order, a contract, a quote), the
    reference possibly begun on the row before."""
    before = line.text[:start]
    if previous is not None and previous.page == line.page and len(before) < REFERENCE_REACH:
        before = previous.text + " " + before
    return _reference_before().search(fold(before)[-(2 * REFERENCE_REACH) :]) is not None


ANY_DATE = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}")  # a numeric date in any order
# a date printed in the text before another one: what precedes it announced that date, not the next
# ("du 02/04/2024 au 26/04/2024": the "du" is the first day's)
EARLIER_DATE = re.compile(rf"{ANY_DATE.pattern}|(?:19|20)\d{{2}}(?!\d)")


def _own_context(line: Line, start: int, reach: int = CONTEXT_CHARS) -> str:
    """The `reach` characters before a date on its row, from the end of any date printed among them."""
    cut = max(0, start - reach)
    before = line.text[cut:start]
    if cut and line.text[cut - 1].isalnum() and before[:1].isalnum():
        before = re.sub(r"^\w+", "", before)  # a word cut by the window is no word: "Sabine" is not "ne" (né)
    ends = [m.end() for m in EARLIER_DATE.finditer(before)]
    return before[ends[-1] :] if ends else before


def _context_score(line: Line, start: int, end: int, previous: Line | None = None) -> float:
    if past_fact_runs_over(line, start, previous) or refers_to_another_document(line, start, previous):
        return -0.6
    before = _own_context(line, start)
    after = line.text[end : end + 8]
    folded_before = fold(before)
    if OTHER_LABELS.search(before) or OTHER_LABELS.search(after) or phrase_pattern(DATES.labels.other).search(folded_before):
        return -0.6
    if (
        CARE_LABELS.search(folded_before)  # accents folded: "Lé 10/06/20" is an OCR's "Le 10/06/20"
        or PLACE_AND_DAY.match(line.text[:start])
        or phrase_pattern(DATES.labels.issue).search(folded_before)
        or _issue_ending().search(folded_before)
    ):
        return 0.3
    return 0.0


HEADER_REACH = 8  # table rows between a date and its column's header
OTHER_HEADER = re.compile(rf"(?<![a-z]){OTHER_LABELS.pattern}", re.IGNORECASE)  # at a word's start: not "cr-edit card"


def column_header(lines: Sequence[Line], position: int, bbox: BBox) -> str:
    """The words of the table header above a date's column (folded), or "" when the date is in no table: the
    first row above without a date (the rows between are the table's, each holding a date), its words over
    the date's span widened by half its width on each side ("Date de naissance" over "29/12/1944"); a row
    holding figures is no header."""
    line = lines[position]
    slack = (bbox.x1 - bbox.x0) / 2
    for above in reversed(lines[max(0, position - HEADER_REACH) : position]):
        if above.page != line.page:
            return ""
        if ANY_DATE.search(above.text):
            continue
        if any(ch.isdigit() for ch in above.text):
            return ""  # a header is words: "Exp 08/27" above a card slip's date heads nothing
        over = [w.text for w in above.words if w.bbox.x1 >= bbox.x0 - slack and w.bbox.x0 <= bbox.x1 + slack]
        return fold(" ".join(over))
    return ""


def _column_score(lines: Sequence[Line], position: int, bbox: BBox) -> float:
    """A date under a column header naming another date (birth, validity's end, due) is that date."""
    header = column_header(lines, position, bbox)
    return -0.6 if header and (OTHER_HEADER.search(header) or phrase_pattern(DATES.labels.other).search(header)) else 0.0


CODE_PENALTY = 0.6


def looks_like_a_code(line: Line, match: re.Match[str]) -> bool:
    """Digits that only look like a numeric date: glued to the letters of an article or reference code
    ('HC03-7 - 15', 'RC11-23-42-12') - a label such as 'Date' glued by OCR excepted - or with one
    separator spaced and the other not ('XE11-22 -30'): a printed date spaces both or neither."""
    before = line.text[: match.start()]
    if before[-1:].isalpha() and not DATE_LABEL_BEFORE.search(before):
        return True
    if match.re is not NUMERIC_DMY:
        return False
    text = match.string
    first, second = text[match.end(1) : match.start(3)], text[match.end(3) : match.start(4)]
    return (first != first.strip()) != (second != second.strip())


def _plausibility(value: date, today: date) -> float:
    if value > today:
        return -0.8
    if value.year < MIN_YEAR:
        return -0.8
    return 0.0


def _without_overlaps(matches: list[tuple[re.Match[str], date | None, str]]) -> list[tuple[re.Match[str], date | None, str]]:
    """One reading per printed date: a match inside a longer, parsed one ("3 , 2014" inside "August 3 ,
    2014") is dropped."""
    parsed = [m for m in matches if m[1] is not None]
    kept = []
    for match in matches:
        m = match[0]
        inside = any(
            o[0] is not m
            and o[0].start() <= m.start()
            and m.end() <= o[0].end()
            and (o[0].end() - o[0].start()) > (m.end() - m.start())
            for o in parsed
        )
        if not inside:
            kept.append(match)
    return kept


def _wrapped_date(line: Line, following: Line | None) -> tuple[re.Match[str], date | None, str] | None:
    """A day and month ending a line whose year opens the next one ("du 20 mai 2021 au 4 déc." / "2021
    pour ..."), or a day after a preposition ending it whose month and year open the next one ("au 5" /
    "juillet 2020"): the date, placed on the first line; None when the lines do not read so."""
    if following is None or following.page != line.page:
        return None
    ending, year = WRAPPED_DAY_MONTH.search(line.text), YEAR_OPENING.match(following.text)
    if ending is not None and year is not None:
        return ending, parse_text_date(f"{ending.group(1)} {ending.group(2)} {year.group(1)}"), "date.text_dmy" + WRAPPED
    day, rest = WRAPPED_DAY.search(line.text), MONTH_YEAR_OPENING.match(following.text)
    if day is not None and rest is not None:
        alone = DAY_ALONE.match(line.text, day.start(1)) or day  # the day without its preposition, which joins a range
        return alone, parse_text_date(f"{day.group(1)} {rest.group(1)} {rest.group(2)}"), "date.text_dmy" + WRAPPED
    return None


def _cjk_dates(text: str) -> list[tuple[re.Match[str], date | None, str]]:
    """The dates written with 年 月 日 on a row, in the common era or a Japanese era's years."""
    found: list[tuple[re.Match[str], date | None, str]] = []
    if "年" not in text:
        return found
    for m in CJK_YMD.finditer(text):
        found.append((m, _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))), "date.cjk_ymd"))
    for m in CJK_ERA.finditer(text):
        year = JAPANESE_ERAS[m.group(1)] + (1 if m.group(2) == "元" else int(m.group(2)))
        found.append((m, _safe_date(year, int(m.group(3)), int(m.group(4))), "date.japanese_era"))
    return found


def find_dates(
    lines: Sequence[Line], month_first: bool = False, today: date | None = None, order_guessed: bool = False
) -> list[DateCandidate]:
    """Every date printed in the document, scored as a candidate for the document's date (`order_guessed`: the
    page does not say which order its numeric dates are in, `order_unsettled`; one that reads either way is
    marked ORDER_GUESS)."""
    today = today or date.today()
    found: list[DateCandidate] = []
    total_lines = max(1, len(lines))
    for position, line in enumerate(lines):
        previous = lines[position - 1] if position else None
        matches: list[tuple[re.Match[str], date | None, str]] = []
        for m in NUMERIC_YMD.finditer(line.text):
            value, rule = ymd_reading(m.group(1).replace(" ", ""), m.group(3), m.group(4))
            matches.append((m, value, rule + (YEAR_JOINED if " " in m.group(1) else "")))
        for m in NUMERIC_DMY.finditer(line.text):
            dotted = m.group(2) == "."  # never month-first
            first = _day(m)
            value, rule = numeric_reading(first, m.group(3), m.group(4), month_first and not dotted)
            if first != m.group(1):
                rule += DAY_JOINED
            if order_guessed and _reads_either_way(value, rule):
                rule += ORDER_GUESS
            matches.append((m, value, rule))
        for m in TEXT_DMY.finditer(line.text):
            matches.append((m, parse_text_date(m.group(0)), "date.text_dmy"))
        for m in COLON_DMY.finditer(line.text):
            matches.append((m, _safe_date(_year(m.group(3)), int(m.group(2)), int(m.group(1))), "date.colon_dmy+colons_read"))
        for pattern, (year, month, day) in ((COMPACT_DMY, (3, 2, 1)), (COMPACT_YMD, (1, 2, 3))):
            for m in pattern.finditer(line.text):
                if DATE_LABEL_BEFORE.search(line.text[: m.start()]):
                    found_date = _safe_date(int(m.group(year)), int(m.group(month)), int(m.group(day)))
                    matches.append((m, found_date, "date.compact_after_label"))
        for m in TEXT_MDY.finditer(line.text):
            matches.append((m, parse_text_date(f"{m.group(2)} {m.group(1)} {m.group(3)}"), "date.text_mdy"))
        matches += _cjk_dates(line.text)
        following = lines[position + 1] if position + 1 < len(lines) else None
        wrapped = _wrapped_date(line, following)
        if wrapped is not None and not any(m.end() > wrapped[0].start() for m, _, _ in matches):
            matches.append(wrapped)
        matches = _without_overlaps(matches)
        for match, value, rule in matches:
            if value is None:
                continue
            height = 0.15 * (1 - line.index / total_lines)  # headers carry the date more often than footers
            score = 0.5 + height + _context_score(line, match.start(), match.end(), previous) + _plausibility(value, today)
            if position and ANY_DATE.search(line.text):
                score += _column_score(lines, position, line.locate(match.start(), match.end())[0])
            if looks_like_a_code(line, match):
                score -= CODE_PENALTY
            if rule.startswith("date.numeric_dmy") and len(match.group(4)) == 4 and int(match.group(4)) != value.year:
                if int(match.group(4)) - BUDDHIST_ERA == value.year:
                    rule += "+buddhist_era"
                else:
                    score, rule = score - YEAR_REPAIR_PENALTY, rule + "+year_repaired"
            found.append(DateCandidate(value, match.group(0), line, match.start(), match.end(), rule, score))
    return found


def candidate_field(candidate: DateCandidate, rule: str, certainty: float) -> Field:
    """A date candidate as a Field: box and OCR confidence of its words, times the rule's certainty."""
    bbox, ocr_conf = candidate.line.locate(candidate.start, candidate.end)
    return Field(
        value=candidate.value.isoformat(),
        raw=candidate.raw,
        confidence=round(ocr_conf * certainty, 3),
        page=candidate.line.page,
        bbox=bbox,
        rule=rule,
    )


def _rescored(candidate: DateCandidate, change: float, rule_suffix: str = "") -> DateCandidate:
    """The candidate with its score moved by `change` and, when given, the reason added to its rule."""
    return replace(candidate, score=candidate.score + change, rule=candidate.rule + rule_suffix)


def _care_start_bonus(candidate: DateCandidate) -> DateCandidate:
    """On a hospital bulletin the date of care is the first day of the stay, not the issue date."""
    before = candidate.line.text[max(0, candidate.start - CONTEXT_CHARS) : candidate.start]
    if STAY_START.search(before):
        return _rescored(candidate, STAY_START_BONUS, "+stay_start")
    return candidate


def _period_start_malus(candidate: DateCandidate) -> DateCandidate:
    """A date opening a range ("Zeitraum vom 06.12.2013 bis zum 06.12.2014") is not the date the
    document was issued, whatever label precedes it (a hospital stay's first day is: not applied there)."""
    if opens_period(candidate.line, candidate.end):
        return _rescored(candidate, -PERIOD_START_PENALTY)
    return candidate


ISSUE_LABELS = re.compile(
    r"(d[ée]livr[ée]+e?s?|[ée]tablie?s?|[ée]mise?s?|[ée]mission|[ée]dition|[ée]dit[ée]e?|fait|sign[ée]|date)\W*(?:le|du|:)?\W*(?:[A-Za-zÀ-ÿ' -]{0,30},[\s.,:;]*le)?\W*$",
    re.IGNORECASE,
)
PERIOD_WORDS = re.compile(r"(du|au|from|to|jusqu'?au|until|d[ée]part|retour|d[ée]but|fin|ouverts?)\W*$", re.IGNORECASE)
ISSUE_BONUS = 0.7
PERIOD_PENALTY = 0.4


# "Bordeaux, le 7 déc. 2019", "Nürnberg, den 02.06.2022", "Köln, 12.08.2023" opening its row: the place and
# day a document was signed (a speck OCR reads as a colon or a point after "le" changes nothing: "Metz, le:10
# juillet 2021")
PLACE_AND_DAY = re.compile(r"^\s*[A-ZÀ-Ý][A-Za-zÀ-ÿ' -]{1,40},\s*(?:(?:le|den)\s*[:.;,]?\s*)?$")


def _issue_date_bonus(candidate: DateCandidate) -> DateCandidate:
    """On a certificate, a date announced as its issue ('Délivrée à X, le', 'Date d'émission', a row
    opening 'Bordeaux, le') gains; one that bounds a period ('du ... au ...', 'date de départ') loses."""
    before = candidate.line.text[max(0, candidate.start - 45) : candidate.start]
    if ISSUE_LABELS.search(before) or PLACE_AND_DAY.match(candidate.line.text[: candidate.start]):
        return _rescored(candidate, ISSUE_BONUS, "+issue_label")
    if PERIOD_WORDS.search(before):
        return _rescored(candidate, -PERIOD_PENALTY)
    return candidate


CARE_DAY_BONUS = 0.2  # over an issue or statement date's label (both score the same context)


def _announced_by(candidate: DateCandidate, labels: tuple[str, ...], reach: int = CONTEXT_CHARS) -> bool:
    """Whether one of `labels` stands in the `reach` characters before the date on its row (after any date
    printed there)."""
    return phrase_pattern(labels).search(fold(_own_context(candidate.line, candidate.start, reach))) is not None


def _care_day_bonus(candidate: DateCandidate) -> DateCandidate:
    """On a bill dated by its care, a date announced as the day of the care ("Date of Service", "Date des
    soins", "Prélevé le") gains over the day the bill was printed."""
    if _announced_by(candidate, DATES.labels.care):
        return _rescored(candidate, CARE_DAY_BONUS, "+care_day")
    return candidate


PRESCRIPTION_DATE_PENALTY = 0.6  # as a reference to another document
PRESCRIBER_REACH = 60  # the prescriber's name may stand between: "Prescription médicale du Dr X du 02/08/2022"


def _prescription_date_malus(candidate: DateCandidate) -> DateCandidate:
    """On any document but a prescription, a date announced as the prescription's ("Ordonnance du
    01/10/2024" on a pharmacy's bill, periods.toml `prescription`) is that document's date, not this one's."""
    if _announced_by(candidate, PERIODS.prescription.labels, PRESCRIBER_REACH):
        return _rescored(candidate, -PRESCRIPTION_DATE_PENALTY, "+prescription_date")
    return candidate


NEIGHBOUR_DAYS = 31  # another date this close to the chosen one agrees on its year and month
LABEL_UNREAD = "+label_unread"  # the rule modifier of a date chosen where the document's own date label was unread


def issue_label_unread(lines: Sequence[Line], candidates: Sequence[DateCandidate]) -> Line | None:
    """The row of a label naming the document's date (dates.toml `issue_named`) with no date read after it on
    its row or at the start of the row below, or None. A label is one followed by a colon or opening its row:
    not a word of a sentence ("2 % Skonto innerhalb 10 Tagen nach Rechnungsdatum")."""
    pattern = phrase_pattern(DATES.labels.issue_named)
    for position, line in enumerate(lines):
        folded = fold(line.text)
        m = pattern.search(folded)
        if m is None or not (folded[m.end() :].lstrip().startswith(":") or not folded[: m.start()].strip(" -*•|")):
            continue
        below = lines[position + 1] if position + 1 < len(lines) else None
        if not any((c.line is line and c.start >= m.start()) or (below is not None and c.line is below) for c in candidates):
            return line
    return None


def rank_date(
    lines: Sequence[Line],
    month_first: bool = False,
    today: date | None = None,
    doc_type: str | None = None,
    dates: Sequence[DateCandidate] | None = None,
) -> tuple[Field, Evidence] | None:
    """The document's date of care / issue as a Field with how it was chosen, or None when no date is
    printed (`dates`: the document's dates when already found)."""
    candidates = list(dates) if dates is not None else find_dates(lines, month_first, today)
    meaning = kind_of(doc_type).date  # what the kind's date is (models/document_kinds.toml)
    if meaning is DateMeaning.STAY_START:
        candidates = [_care_start_bonus(c) for c in candidates]
    else:
        candidates = [_period_start_malus(c) for c in candidates]
    if meaning is DateMeaning.CARE:
        candidates = [_care_day_bonus(c) for c in candidates]
    if meaning is DateMeaning.ISSUE:
        candidates = [_issue_date_bonus(c) for c in candidates]
    if doc_type is not None and doc_type != "prescription":
        candidates = [_prescription_date_malus(c) for c in candidates]
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c.score, -c.line.index))
    if issue_label_unread(lines, candidates) is not None:
        best = replace(best, rule=best.rule + LABEL_UNREAD)
    certainty = max(0.05, min(1.0, best.score + 0.2))
    if any(guess in best.rule for guess in GUESSES):
        certainty = min(certainty, REPAIRED_CERTAINTY)  # a guess (digit, order) is never a confident reading
    if sum(1 for c in candidates if c.value != best.value and c.score >= best.score - 0.05):
        certainty *= 0.7  # a rival date scored as high: say so
    others = {c.value: c.score for c in sorted(candidates, key=lambda c: c.score)}
    others.pop(best.value, None)  # each other date at its best score
    field = candidate_field(best, best.rule, certainty)
    ocr_conf = best.line.locate(best.start, best.end)[1]
    repeats = sum(1 for c in candidates if c.value == best.value)
    neighbour = any(0 < abs((value - best.value).days) <= NEIGHBOUR_DAYS for value in others)
    return field, Evidence(ocr_conf, certainty, margin_over(best.score, list(others.values())), len(others), repeats, neighbour)


def extract_date(
    lines: Sequence[Line],
    month_first: bool = False,
    today: date | None = None,
    doc_type: str | None = None,
    dates: Sequence[DateCandidate] | None = None,
) -> Field | None:
    """The document's date of care / issue as a Field, or None when no date is printed (`dates`: the
    document's dates when already found)."""
    ranked = rank_date(lines, month_first, today, doc_type, dates)
    return ranked[0] if ranked else None
