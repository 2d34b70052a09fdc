"""Amounts: find money amounts in many formats and pick the total paid from its label's row."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from functools import cache
from itertools import pairwise

from price_parser import Price

from extractors.data_files import fold, phrase_pattern
from extractors.fields.evidence import Evidence, margin_over
from extractors.keywords import SHARES, TOTALS, Words
from extractors.layout import Line, lines_below
from models import Field

_CUR = (
    r"(?:€|EUR|\$|US\$|USD|¥|円|JPY|[Yy]en|YEN|R[Mm]|MYR|£|GBP|CHF|Fr\.|SEK|NOK|DKK|kr\.?|PLN|zł|CZK|Kč|HUF|Ft"
    r"|CAD|AUD|NZD|SGD|HKD|CNY|RMB|元|INR|₹|Rs\.?|TND|DT|KWD|OMR|JOD|THB|฿|XPF|XOF|XAF|MAD|AED|BRL|MXN|ZAR|KRW|TWD"
    r"|DHS|Dhs|DH|Dh|FCFA|CFA|F\s?CFP|FCFP)"  # dirhams and CFA francs as printed ("470,97DH", "244 600 F CFP")
)
# Currencies of three decimals: "45,500 DT" is 45.5 dinars, not 45,500 (the group is the millimes)
THREE_DECIMALS = re.compile(r"(?<![A-Za-z])(?:TND|DT|KWD|OMR|JOD)(?![A-Za-z])")
MILLIMES = re.compile(r"(?<![\d.,'’ \u00a0\u202f])(\d{1,6})[.,](\d{3})(?![\d.,])")
_NUMBER = (
    r"(?:\d{1,3}(?:[ \u00a0\u202f.]\d{3})+€\d{2}"  # 1 400€50 (before the groups alone: its cents count)
    r"|\d{1,3}(?:[ \u00a0\u202f.,'’]\d{3})+(?:[.,]\d{1,2})?"  # 1 234,56 / 1,234.56 / 1'234.56 / 2,220
    r"|\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?"  # 1,23,456.00 (Indian grouping)
    r"|\d+[.,]\d{2}"  # 45,30 / 45.30
    r"|\d+[.,] \d{2}(?!\d)"  # 65. 20 (a space read after the decimal point)
    r"|\d+ [.,]\d{2}(?![\d.,])"  # 12 ,50 (...or before it)
    r"|\d{1,3}:\d{3}[.,]\d{2}(?![\d.,])"  # 2:996,71 (a thousands space read as a colon: no time has cents)
    r"|\d+€\d{2})"  # 45€30
)
# A thousands comma OCR spaced ("¥18, 060", "$1 , 234.56"): read as a group only after a currency sign, where
# the figure is one amount, not a list
_SPACED_GROUPS = r"\d{1,3}(?:\s?,\s\d{3})+(?:\.\d{1,2})?(?![\d,])"
# Glyphs OCR prints for a digit it could not read ("Montant du prélèvemen?9.99" for "...prélèvement 29.99",
# "§9,54" for "59.54"): an amount glued to one has lost its leading digits, so it is no amount; right of a
# total label, where an amount must be, what is left of it is a weak candidate (MISREAD_AMOUNT)
MISREAD_DIGIT = "?§"
# Chinese and Japanese labels are printed (and read) glued to their amount ("合计250.00"): a letter of
# theirs before an amount does not make it part of a word, as a Latin one does ("No123.45")
CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af"
NOT_AFTER_A_WORD = rf"(?<!(?![{CJK}])\w)"
MISREAD_AMOUNT = re.compile(rf"(?<=[{MISREAD_DIGIT}])\d{{1,6}}[.,]\d{{2}}(?![\w.,])")
AMOUNT = re.compile(  # (not the end of a date or a code: "2026-04-21 651" holds no amount "21 651")
    rf"(?<![.,{MISREAD_DIGIT}])(?<!\d[-/]){NOT_AFTER_A_WORD}-?(?:{_CUR}\s?(?:{_SPACED_GROUPS}|{_NUMBER}|\d+)(?:\s?{_CUR})?"  # ¥2220, RM 9.00
    rf"|{_NUMBER}(?:\s?{_CUR})?"  # 45,30 €
    rf"|\d+\s?{_CUR})"  # 2220 円
    r"(?![\w,]|\.\d|\s?%)"  # "6.00%" is a rate, not money
)
# Letters OCR reads for digits inside an amount ("1O,5O", "l2.00", "S.90"): undone only right of a
# total label, where the layout says an amount must be, and never confidently.
CONFUSED_AMOUNT = re.compile(rf"(?<![\w.,{MISREAD_DIGIT}])[\dOoIlSsB|]{{1,6}}[.,][\dOoIlSsB]{{2}}(?![\w.,])")
CONFUSIONS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "s": "5", "B": "8"})
CONFUSION_PENALTY = 0.3
# A currency sign OCR read as a letter: the € of a French "192€50" ("192C50", "192E50"), the ¥ of "¥6,090"
# ("Y6,090"). Undone only where a total label says an amount is.
CONFUSED_EURO = re.compile(rf"(?<![\w.,{MISREAD_DIGIT}])(?P<units>\d{{1,6}})[CcEe](?P<cents>\d{{2}})(?![\w.,])")
CONFUSED_YEN = re.compile(r"(?<![\w.,])Y(?P<units>\d{1,3}(?:,\d{3})+|\d{1,6})(?![\w.,])")
ESTIMATE_PENALTY = 0.3
BELOW_PENALTY = 0.1
SPACED_PENALTY = 0.15
# A total label's row whose amount is not its last column: a larger amount before it, or a figure after it
# ("Gesamtbetrag 6,31 0,92 7:23", a VAT table's row of net, tax and gross with the gross misread; "Gesamtbetrag
# 30,16 5,73" with the gross lost): the amount is the tax or the net of a table, not the total
TABLE_ROW_PENALTY = 0.3
TABLE_ROW = "+table_row"
FIGURE_AFTER = re.compile(r"\d[\d.,:]*\d")
CROSS_CHECK_BONUS = 0.25
TENDER_ONLY_SCORE = 1.1
LABEL_WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")  # a word of 3 letters or more: what names the amount on its row
# "10 00" at the end of a total row: a decimal point lost by OCR (thousands groups have 3 digits)
SPACED_DECIMAL = re.compile(r"(?<![\d.,])(\d{1,4}) (\d{2})\s*$")
MAX_AMOUNT = Decimal("1000000")
SECTION_END_WEIGHT = 1.0  # a label this sure ("net à payer", "zahlbetrag", "te betalen") ends a tax summary


@dataclass(frozen=True)
class Amount:
    """A money amount printed on a line."""

    value: Decimal
    raw: str
    line: Line
    start: int
    end: int


def parse_amount(raw: str) -> Decimal | None:
    """Decimal value of a printed amount (`1 234,56 €`, `45€30`, `$1,234.56`, `45,500 DT`), or None."""
    if THREE_DECIMALS.search(raw) and (millimes := MILLIMES.search(raw)):
        return Decimal(f"{millimes.group(1)}.{millimes.group(2)}")
    text = raw.replace("\u202f", " ").replace("\u00a0", " ").replace("'", " ").replace("’", " ")
    if re.fullmatch(r"\D*\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?\D*", text):
        text = text.replace(",", "")  # Indian grouping: lakhs and crores
    text = re.sub(r"(\d[.,]) (\d{2})(?!\d)", r"\1\2", text)
    text = re.sub(r"(\d) ([.,]\d{2})(?![\d.,])", r"\1\2", text)
    text = re.sub(r"(\d):(\d{3}[.,]\d{2})(?![\d.,])", r"\1 \2", text)
    price = Price.fromstring(text)
    if price.amount is None or price.amount < 0 or price.amount >= MAX_AMOUNT:
        return None
    return price.amount.quantize(Decimal("0.01"))


# A count's label right before a number ("Total Qty. : 18 144.68", "Nb articles : 3 12,50"): the first
# group is the count, not the thousands of the amount after it.
COUNT_LABEL = re.compile(r"(?:\bqty|\bqt[eé]|\bquantit[eé]|\bitems?|\bpcs|\bnb|\bnombre|\barticles?)\.?\s*:?\s*$", re.IGNORECASE)
SPACE_GROUPED = re.compile(r"^-?\d{1,3}([ \u00a0\u202f])\d{3}")  # the group: the separator after the count


def _after_first_group(text: str, start: int, end: int) -> re.Match[str] | None:
    """The amount printed after the first group of the space-grouped figure `text[start:end]` ("187,33" of
    "11 187,33"), or None when the figure is not space-grouped."""
    grouped = SPACE_GROUPED.match(text[start:end])
    return AMOUNT.search(text, start + grouped.end(1), end) if grouped else None


def _after_count(line: Line, m: re.Match[str]) -> re.Match[str] | None:
    """The amount after a count its match swallowed as a thousands group, or None."""
    if not COUNT_LABEL.search(line.text[: m.start()]):
        return None
    return _after_first_group(line.text, m.start(), m.end())


def amounts_in(line: Line) -> list[Amount]:
    """Every amount on a line, left to right (a count printed before one is not its thousands)."""
    found = []
    for match in AMOUNT.finditer(line.text):
        m = _after_count(line, match) or match
        value = parse_amount(m.group(0))
        if value is not None:
            found.append(Amount(value, m.group(0).strip(), line, m.start(), m.end()))
    return found


def _word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z]){re.escape(word)}(?![a-z])")


GLUED_CURRENCY = r"(?:eur|usd|chf|gbp|cad|myr|rm)?"  # a currency code OCR ran into the label ("SUMMEEUR 19,13")


def _glued_word(label: str) -> re.Pattern[str]:
    """A label whose words OCR may have run together ("TOTALTTC", "NETAPAYER"), or ran into the currency
    code printed after it ("SUMMEEUR"): spaces optional."""
    parts = r"\s?".join(re.escape(part) for part in label.split(" "))
    return re.compile(r"(?<![a-z])" + parts + GLUED_CURRENCY + r"(?![a-z])")


@cache
def _label_patterns() -> tuple[tuple[str, re.Pattern[str], float], ...]:
    """Whole-word patterns of totals.toml's weighted labels, compiled once, with the label itself without
    its spaces: a row that does not hold it as a substring is not searched."""
    return tuple((label.replace(" ", ""), _glued_word(label), weight) for label, weight in TOTALS.labels.items())


@cache
def _patterns(words: Words) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Whole-word patterns of one totals.toml word list, compiled once (with each word, as above)."""
    return tuple((word, _word(word)) for word in words)


def total_label(folded: str) -> tuple[float, int]:
    """Best total label in a row: (weight, end of the label), (0, -1) if none."""
    best = (0.0, -1)
    unspaced = folded.replace(" ", "")
    for label, pattern, weight in _label_patterns():
        if label in unspaced:
            for m in pattern.finditer(folded):
                best = max(best, (weight, m.end()))
    return best


def _has(folded: str, words: Words) -> bool:
    return any(word in folded and pattern.search(folded) for word, pattern in _patterns(words))


def not_total_words(folded: str) -> bool:
    """A subtotal, carry, change, share... row (not_totals words)."""
    return _has(folded, TOTALS.not_totals.words)


def printed_amounts(lines: Sequence[Line]) -> list[Decimal]:
    """Every amount printed on the lines, in reading order."""
    return [a.value for line in lines for a in amounts_in(line)]


def _tax_held(folded: str) -> bool:
    """A row giving only the tax a total holds ("di cui IVA 0,45"): no total label on it ("TOTAL HT 100,00
    TVA 20,00 TTC 120,00" is a total's row)."""
    return included_tax(folded) and total_label(folded)[0] == 0


def included_tax(folded: str) -> bool:
    """A tax row saying the tax is already in the prices ("TVA 5,5 % incluse")."""
    return _has(folded, TOTALS.not_totals.tax_words) and _has(folded, TOTALS.not_totals.tax_included)


def excluded_row(folded: str) -> bool:
    """A row whose amount is not the amount paid (subtotal, tax, change...), unless it says the
    tax is included ("Total (Inclusive of GST)", "Total TTC")."""
    if _has(folded, TOTALS.not_totals.words):
        return True
    return _has(folded, TOTALS.not_totals.tax_words) and not _has(folded, TOTALS.not_totals.tax_included)


def counted_lines(lines: Sequence[Line]) -> list[Line]:
    """Lines that can hold the total: a tax or payment summary section ends its page's candidates,
    unless a row after it names the amount due beyond doubt ("Détail TVA" printed above "NET A
    PAYER"): the summary ended there and the rows after it count again."""
    kept: list[Line] = []
    cut_page = None
    for line in lines:
        folded = fold(line.text)
        if line.page == cut_page:
            if total_label(folded)[0] < SECTION_END_WEIGHT or excluded_row(folded):
                continue
            cut_page = None
        if _has(folded, TOTALS.sections.stop) or (
            _has(folded, TOTALS.sections.stop_with_tax) and _has(folded, TOTALS.not_totals.tax_words)
        ):
            cut_page = line.page
            continue
        kept.append(line)
    return kept


@dataclass(frozen=True)
class TotalCandidate:
    amount: Amount
    score: float
    rule: str


def _before_a_tax(line: Line, amounts: list[Amount], label_end: int) -> list[Amount]:
    """The amounts of a total's row but those a tax word announces after the first ("Total : 1.234,56 EUR
    (dont TVA 205,76)", "Summe 119,00 davon MwSt 19,00"): the tax included, not the total."""
    kept = amounts[:1]
    for previous, amount in pairwise(amounts):
        if not _has(fold(line.text[max(previous.end, label_end) : amount.start]), TOTALS.not_totals.tax_words):
            kept.append(amount)
    return kept


def _labelled(lines: Sequence[Line], line: Line, weight: float, label_end: int, late: float) -> TotalCandidate | None:
    """The amount right of a total label on its row, else just below it."""
    right = _before_a_tax(line, [a for a in amounts_in(line) if a.start >= label_end], label_end)
    glued = _glued_amount(line, label_end)
    if glued is not None:
        right = [a for a in right if a.start >= glued.end]  # not the tail of the glued amount ("payer1 234,56")
        if not right:
            if _figure_after(line, glued.end):
                # "Gesamtbetrag16,08 05 19": a VAT table's net, its tax and gross after it half read
                return TotalCandidate(glued, weight + late - TABLE_ROW_PENALTY, "total.label_right+glued" + TABLE_ROW)
            return TotalCandidate(glued, weight + late, "total.label_right+glued")
    if right:
        # "Total: 63.80 63.80 0.00": a trailing zero is a balance or a tax column, not the total
        paid = [a for a in right if a.value > 0] or right
        # a whole number after an amount with cents on the row is a code or a reference run into it
        # ("MONTANT ... CLIENT 54,19 190556 : 249995 €"), not the amount: the last one with cents is
        paid = [a for a in paid if WITH_CENTS.search(a.raw)] or paid
        regrouped = _column_not_thousands(line, paid[-1], label_end)
        if regrouped is not None:
            return TotalCandidate(regrouped, weight + late - TABLE_ROW_PENALTY, "total.label_right" + TABLE_ROW)
        lost_point = _spaced_decimal(line, paid[-1])
        if lost_point is not None:
            return TotalCandidate(lost_point, weight + late - SPACED_PENALTY, "total.label_right_spaced_decimal")
        if _inside_a_table_row(line, paid[-1], right):
            return TotalCandidate(paid[-1], weight + late - TABLE_ROW_PENALTY, "total.label_right" + TABLE_ROW)
        return TotalCandidate(paid[-1], weight + late, "total.label_right")
    confused = confused_amounts(line, label_end)
    if confused:
        return TotalCandidate(confused[-1], weight + late - CONFUSION_PENALTY, "total.label_right+ocr_repaired")
    repaired = confused_currency(line, label_end)
    if repaired is not None:
        return TotalCandidate(repaired, weight + late - CONFUSION_PENALTY, "total.label_right+ocr_repaired")
    misread = [m for m in MISREAD_AMOUNT.finditer(line.text) if m.start() >= label_end]
    if misread:
        m = misread[-1]
        value = parse_amount(m.group(0))
        if value is not None:
            amount = Amount(value, m.group(0), line, m.start(), m.end())
            return TotalCandidate(amount, weight + late - CONFUSION_PENALTY, "total.label_right+misread_digit")
    spaced = [m for m in SPACED_DECIMAL.finditer(line.text) if m.start() >= label_end]
    if spaced:
        return TotalCandidate(
            _point_restored(line, spaced[-1], spaced[-1].start()),
            weight + late - SPACED_PENALTY,
            "total.label_right_spaced_decimal",
        )
    for below in lines_below(lines, line):
        folded_below = fold(below.text)
        if excluded_row(folded_below) or (_has(folded_below, TOTALS.not_totals.tax_words) and total_label(folded_below)[0] == 0):
            return None  # the row below states a tax (included or not) or a subtotal: its amount is no total
        amounts = amounts_in(below)
        if amounts and LABEL_WORD.search(below.text, 0, amounts[0].start):
            return None  # a row with a label of its own ("Forfait journalier 160,00" under a "Montant" column head)
        if amounts:
            return TotalCandidate(amounts[0], weight + late - BELOW_PENALTY, "total.label_below")
        repaired = confused_currency(below, 0)
        if repaired is not None and below.text.strip() == repaired.raw:
            return TotalCandidate(repaired, weight + late - BELOW_PENALTY - CONFUSION_PENALTY, "total.label_below+ocr_repaired")
    alone = _amount_alone_below(lines, line)
    if alone is not None:
        return TotalCandidate(alone, weight + late - BELOW_PENALTY, "total.label_below_right")
    return None


def _inside_a_table_row(line: Line, chosen: Amount, right: list[Amount]) -> bool:
    """Whether the amount chosen on a total label's row is a column of a table row rather than its end: a
    larger amount before it, or a figure other than zero after it (TABLE_ROW_PENALTY)."""
    return any(a.value > chosen.value for a in right if a.end <= chosen.start) or _figure_after(line, chosen.end)


def _figure_after(line: Line, end: int) -> bool:
    """Whether a figure other than zero follows `end` on the row (a zero is a balance column: "Total: 63.80 63.80
    0.00" ends with what was owed)."""
    return any(m.group(0).strip("0.,:") for m in FIGURE_AFTER.finditer(line.text, end))


WITH_CENTS = re.compile(r"\d[.,€]\s?\d{2}(?!\d)")


def _column_not_thousands(line: Line, chosen: Amount, label_end: int) -> Amount | None:
    """The amount after the first group of a space-grouped figure that other figures precede on a total's row
    ("Gesamtbetrag 142,82 27 13 169,95": a tax 27,13 whose comma OCR lost, then the gross 169,95 - not 13,169.95):
    in a row of columns the space is a column's, not a thousands separator. None when that is not the case."""
    if not any(ch.isdigit() for ch in line.text[label_end : chosen.start]):
        return None
    tail = _after_first_group(line.text, chosen.start, chosen.end)
    value = parse_amount(tail.group(0)) if tail else None
    return Amount(value, tail.group(0).strip(), line, tail.start(), tail.end()) if tail and value is not None else None


# an amount OCR ran into its label ("MONTANT32,06 EUR"): with its cents, so that a code is not read as one
GLUED_AMOUNT = re.compile(rf"(?:\d{{1,3}}(?:[ \u00a0\u202f.,]\d{{3}})+|\d{{1,6}})[.,]\d{{2}}(?:\s?{_CUR})?(?![\w,]|\.\d|\s?%)")


def _glued_amount(line: Line, label_end: int) -> Amount | None:
    """The amount printed right against the label's last letter, which amounts_in leaves as part of a word."""
    if not (0 < label_end < len(line.text) and line.text[label_end - 1].isalpha() and line.text[label_end].isdigit()):
        return None
    m = GLUED_AMOUNT.match(line.text, label_end)
    value = parse_amount(m.group(0)) if m else None
    return Amount(value, m.group(0).strip(), line, m.start(), m.end()) if m and value is not None else None


def _spaced_decimal(line: Line, amount: Amount) -> Amount | None:
    """The amount with its decimal point restored when OCR lost it and read the units alone: "TOTAL AMOUNT
    $52 76" ends its row with the units and two digits, and "$52" has no cents of its own."""
    if re.search(r"[.,€]\d{1,2}\b", amount.raw):
        return None
    m = SPACED_DECIMAL.search(line.text, amount.start)
    if m is None or not amount.start <= m.start(1) < amount.end:
        return None
    return _point_restored(line, m, amount.start)


def _point_restored(line: Line, m: re.Match[str], start: int) -> Amount:
    """A SPACED_DECIMAL match ("52 76") as the amount it stands for (52.76), printed from `start` on."""
    return Amount(Decimal(f"{m.group(1)}.{m.group(2)}"), line.text[start : m.end()].strip(), line, start, m.end())


def confused_amounts(line: Line, start: int) -> list[Amount]:
    """The amounts with letters OCR read for digits ("1O,5O", "l2.00") on the line from `start` on, undone."""
    found = []
    for m in CONFUSED_AMOUNT.finditer(line.text):
        if m.start() >= start and any(ch.isdigit() for ch in m.group(0)):
            value = parse_amount(m.group(0).translate(CONFUSIONS))
            if value is not None:
                found.append(Amount(value, m.group(0), line, m.start(), m.end()))
    return found


def confused_currency(line: Line, start: int) -> Amount | None:
    """The last amount whose currency sign was read as a letter ("17C50" for "17€50", "Y6,090" for
    "¥6,090") on the line from `start` on."""
    found = [m for pattern in (CONFUSED_EURO, CONFUSED_YEN) for m in pattern.finditer(line.text) if m.start() >= start]
    if not found:
        return None
    m = max(found, key=lambda m: m.start())
    units, cents = m.group("units").replace(",", ""), m.groupdict().get("cents") or "00"
    return Amount(Decimal(f"{units}.{cents}"), m.group(0), line, m.start(), m.end())


def _amount_alone_below(lines: Sequence[Line], line: Line) -> Amount | None:
    """A card ticket's "MONTANT" over its amount printed flush right: the very next row, right below the
    label (less than a row's height between them), holding nothing but one amount."""
    if line.index + 1 >= len(lines) or lines[line.index + 1].page != line.page:
        return None
    below, box = lines[line.index + 1], line.bbox
    amounts = amounts_in(below)
    if len(amounts) != 1 or below.text.strip() != amounts[0].raw.strip() or below.bbox.x0 < box.x0:
        return None
    return amounts[0] if below.bbox.y0 - box.y1 < box.height else None


def total_candidates(lines: Sequence[Line]) -> list[TotalCandidate]:
    """Amounts read next to (right of, or just below) a total label."""
    found: list[TotalCandidate] = []
    last_page = max((line.page for line in lines), default=1)
    for line in counted_lines(lines):
        folded = fold(line.text)
        weight, label_end = total_label(folded)
        if weight == 0 or excluded_row(folded):
            continue
        late = 0.05 * (line.page == last_page) + 0.05 * (line.index / max(1, len(lines)))
        if _has(folded, TOTALS.not_totals.estimates):
            weight -= ESTIMATE_PENALTY  # "reste à charge estimé": a forecast share, not the amount billed
        candidate = _labelled(lines, line, weight, label_end, late)
        if candidate is not None:
            found.append(candidate)
    return found


UNREAD_LABEL_WEIGHT = 0.8  # "Total" and surer labels


def total_label_unread(lines: Sequence[Line]) -> bool:
    """A total label ("Total" or surer) is printed on a row that can hold the total, but no amount was
    read right of it or below it, nor at any other such label: the reading missed the amount (a column
    the OCR dropped). A weaker label's amount ("Amount" over a table) does not count."""
    labelled = any(
        total_label(fold(line.text))[0] >= UNREAD_LABEL_WEIGHT and not excluded_row(fold(line.text))
        for line in counted_lines(lines)
    )
    return labelled and not reads_a_sure_total(lines)


def reads_a_sure_total(lines: Sequence[Line]) -> bool:
    """An amount was read at a total label of weight 0.8 or more."""
    return any(c.score >= UNREAD_LABEL_WEIGHT - BELOW_PENALTY for c in total_candidates(lines))


MAX_TENDER_ROW_AMOUNTS = 2  # a row printing more amounts is columns run together: which is the tender is unknown


@cache
def _opening(words: Words) -> re.Pattern[str]:
    return re.compile(rf"\W*{phrase_pattern(words, 'a-z0-9-').pattern}")


def _opens_with(folded: str, words: Words) -> bool:
    """Whether the row's first words are one of `words` ("bar eur 50,00")."""
    return bool(words) and _opening(words).match(folded) is not None


def _row_amount(lines: Sequence[Line], labels: Words, unless: Words = (), opening: Words = ()) -> Decimal | None:
    """The last amount on the last row carrying one of `labels` (totals.toml `payments`), or opening with one of
    `opening`, and none of `unless`, among rows printing at most two amounts."""
    value = None
    for line in lines:
        folded = fold(line.text)
        named = _has(folded, labels) or _opens_with(folded, opening)
        if named and not (unless and _has(folded, unless)):
            amounts = amounts_in(line)
            if amounts and len(amounts) <= MAX_TENDER_ROW_AMOUNTS:
                value = amounts[-1].value
    return value


def cash_tendered(lines: Sequence[Line]) -> tuple[Decimal, Decimal] | None:
    """(amount tendered, change given), when both are printed and the change is the smaller (cash receipts)."""
    change_words = TOTALS.payments.change
    # "CASH CHANGE 71.40" names the change, not the cash tendered
    tendered = _row_amount(lines, TOTALS.payments.tendered, change_words, TOTALS.payments.tendered_opening)
    change = _row_amount(lines, change_words)
    if tendered is None or change is None or change >= tendered:
        return None
    return tendered, change


def paid_by_tender(lines: Sequence[Line]) -> Decimal | None:
    """Amount tendered minus change given, when both are printed (cash receipts)."""
    tender = cash_tendered(lines)
    return tender[0] - tender[1] if tender is not None else None


def _table_row_lifted(candidate: TotalCandidate) -> float:
    """The TABLE_ROW_PENALTY a candidate paid, given back once an arithmetic check confirms its value."""
    return TABLE_ROW_PENALTY if TABLE_ROW in candidate.rule else 0.0


def cross_check(lines: Sequence[Line], candidates: list[TotalCandidate]) -> list[TotalCandidate]:
    """Candidates agreeing with tendered - change gain; if none agrees, a printed amount equal to it joins."""
    paid = paid_by_tender(lines)
    if paid is None:
        return candidates
    agreeing = [  # the cash handed over less the change settles a table row's column as the amount paid too
        TotalCandidate(
            c.amount, c.score + CROSS_CHECK_BONUS + _table_row_lifted(c), c.rule.replace(TABLE_ROW, "") + "+tender_check"
        )
        for c in candidates
        if c.amount.value == paid
    ]
    if agreeing:
        return agreeing + [c for c in candidates if c.amount.value != paid]
    printed = [a for line in counted_lines(lines) for a in amounts_in(line) if a.value == paid]
    if printed:
        return [*candidates, TotalCandidate(printed[0], TENDER_ONLY_SCORE, "total.tendered_minus_change")]
    return candidates


ROUNDING = re.compile(r"(?<![a-z])(?:rounding|round(?:ing)?\s*adj\w*|arrondi)(?![a-z])")
SIGNED_AMOUNT = re.compile(r"(-|\()?\s?(?:RM|MYR|€|EUR|\$)?\s?(-)?\s?(\d{0,6})\s?[.,]\s?(\d{2})(?!\d)")
MAX_ROUNDING = Decimal("0.10")  # cash rounding moves a total by a few cents; a larger amount is the rounded total itself
ROUNDING_BONUS = 0.2
REPEAT_BONUS = 0.05


def rounding_rows(lines: Sequence[Line]) -> list[tuple[Decimal, Line, re.Match[str]]]:
    """Signed amounts printed on rounding rows ("Rounding Adjustment: -0.01", "Rounding RM 14.40")."""
    found = []
    for line in lines:
        match = ROUNDING.search(fold(line.text))
        amount = SIGNED_AMOUNT.search(line.text, match.end()) if match else None
        if amount:
            value = Decimal(f"{amount.group(3) or 0}.{amount.group(4)}")
            found.append((-value if amount.group(1) or amount.group(2) else value, line, amount))
    return found


def rounding_check(lines: Sequence[Line], candidates: list[TotalCandidate]) -> list[TotalCandidate]:
    """With a rounding printed, the rounded total is the amount paid: another candidate plus a non-zero
    adjustment, or the amount of a rounding row that is itself the rounded total."""
    marked = [line.index for line in lines if ROUNDING.search(fold(line.text))]
    if not marked or not candidates:
        return candidates
    rows = rounding_rows(lines)
    values = {c.amount.value for c in candidates}
    wanted = {v + adj for adj, _, _ in rows if adj and abs(adj) < MAX_ROUNDING for v in values}
    out = [
        TotalCandidate(c.amount, c.score + ROUNDING_BONUS, c.rule + "+rounding_check") if c.amount.value in wanted else c
        for c in candidates
    ]
    if any(c.amount.value in wanted for c in candidates):
        return out
    top = max(candidates, key=lambda c: c.score)
    best = top.score
    for value, line, match in rows:
        if value >= 1 and abs(value - top.amount.value) < MAX_ROUNDING:
            wanted.add(value)
            amount = Amount(value, match.group(0).strip(), line, match.start(), match.end())
            return [*out, TotalCandidate(amount, best + ROUNDING_BONUS / 2, "total.rounded_row")]
    printed = [a for line in counted_lines(lines) for a in amounts_in(line) if a.value in wanted]
    if printed:
        return [*out, TotalCandidate(printed[-1], best + ROUNDING_BONUS / 2, "total.rounded_by_adjustment")]
    return zero_rounding_rivals(rows, out) if rows else rounded_below(min(marked), out)


def one_digit_apart(a: Decimal, b: Decimal) -> bool:
    """Two amounts printed with the same digits but one ('758.70' / '753.70'): one of them misread."""
    x, y = f"{a:.2f}", f"{b:.2f}"
    return len(x) == len(y) and sum(p != q for p, q in zip(x, y, strict=True)) == 1


def zero_rounding_rivals(
    rows: list[tuple[Decimal, Line, re.Match[str]]], candidates: list[TotalCandidate]
) -> list[TotalCandidate]:
    """A rounding of 0.00 between two totals one digit apart ('Total 758.70 / Rounding 0.00 / Final Total
    753.70'): one of them is misread, and neither label outranks the other - they are made rivals at the
    higher score, for the repeated amount (or the doubt) to settle."""
    if any(adj for adj, _, _ in rows):
        return candidates
    row = rows[0][1].index
    above = [c for c in candidates if c.amount.line.index < row]
    below = [c for c in candidates if c.amount.line.index > row]
    if not above or not below:
        return candidates
    last, first = max(above, key=lambda c: c.amount.line.index), min(below, key=lambda c: c.amount.line.index)
    if not one_digit_apart(last.amount.value, first.amount.value):
        return candidates  # the same, or two different sums (a net above, the gross below): not a misreading
    score = max(last.score, first.score)
    return [TotalCandidate(c.amount, score, c.rule + "+rounding_rival") if c in (last, first) else c for c in candidates]


def rounded_below(rounding_row: int, candidates: list[TotalCandidate]) -> list[TotalCandidate]:
    """A rounding row whose adjustment cannot be read ('Rounding Adjustment: 200'): a total printed below
    it that differs by a few cents from one printed above it is the rounded total, the amount paid."""
    above = {c.amount.value for c in candidates if c.amount.line.index < rounding_row}
    return [
        TotalCandidate(c.amount, c.score + ROUNDING_BONUS, c.rule + "+rounded_below")
        if c.amount.line.index > rounding_row and any(0 < abs(c.amount.value - v) < MAX_ROUNDING for v in above)
        else c
        for c in candidates
    ]


def repeated_check(lines: Sequence[Line], candidates: list[TotalCandidate]) -> list[TotalCandidate]:
    """A total printed again elsewhere (amount tendered, card slip, tax summary) is likelier read right
    than one printed once: a small bonus, enough to settle rivals read from one misprinted digit."""
    seen: dict[Decimal, set[int]] = {}
    for line in lines:  # the tax summary and a card slip below it too
        for amount in amounts_in(line):
            seen.setdefault(amount.value, set()).add(line.index)
    return [
        TotalCandidate(c.amount, c.score + REPEAT_BONUS, c.rule) if len(seen.get(c.amount.value, ())) >= 2 else c
        for c in candidates
    ]


def _labelled_values(lines: Sequence[Line], wanted: Callable[[str], bool]) -> set[Decimal]:
    """Amounts of the rows `wanted` says carry them: on the row, else on the row just below when that one
    prints only amounts (a label and its amount read as two lines)."""
    values: set[Decimal] = set()
    for position, line in enumerate(lines):
        if not wanted(fold(line.text)):
            continue
        found = amounts_in(line)
        below = lines[position + 1] if position + 1 < len(lines) else None
        if not found and below is not None and below.page == line.page and not re.search(r"[^\W\d]{2}", below.text):
            found = amounts_in(below)
        values.update(a.value for a in found[:MAX_TENDER_ROW_AMOUNTS])
    return values


def _tax_row(folded: str) -> bool:
    return (
        _has(folded, TOTALS.not_totals.tax_words)
        and not _has(folded, TOTALS.not_totals.tax_included)
        and not _has(folded, TOTALS.not_totals.net_words)
    )


SUM_ONLY_SCORE = 0.75  # below a plain "Total" label's amount: a partial gross (one tax rate's) must not beat it


def sum_check(lines: Sequence[Line], candidates: list[TotalCandidate]) -> list[TotalCandidate]:
    """Net + tax (+ a rounding adjustment) printed as one amount that no total label announces joins the
    candidates, below any labelled total ('SUB-TOTAL 26.00 / TOTAL TAX 1.56 / ROUNDING -0.01 / 27.55'
    under a total label the OCR garbled)."""
    nets = _labelled_values(lines, lambda folded: _has(folded, TOTALS.not_totals.net_words))
    taxes = _labelled_values(lines, _tax_row)
    if not nets or not taxes:
        return candidates
    adjustments = {adj for adj, _, _ in rounding_rows(lines) if abs(adj) < MAX_ROUNDING} | {Decimal(0)}
    sums = {n + t + a for n in nets for t in taxes if 0 < t < n for a in adjustments}
    if any(c.amount.value in sums for c in candidates):
        return candidates
    # wherever it is printed: on a row read together with the tender ("TO CASH CHANGE 27.55") the value is the gross
    printed = [a for line in counted_lines(lines) for a in amounts_in(line) if a.value in sums]
    if printed:
        return [*candidates, TotalCandidate(printed[-1], SUM_ONLY_SCORE, "total.net_plus_tax_printed")]
    return candidates


def _paid_share(folded: str) -> bool:
    """A row stating what is left to the patient - not a quote's forecast of it ("reste à charge estimé")."""
    return _has(folded, SHARES.remaining) and not _has(folded, TOTALS.not_totals.estimates)


def _labelled_a_paid_share(lines: Sequence[Line], candidate: TotalCandidate) -> bool:
    """Whether the candidate's label names the patient's share: on its row, or on the row above for an amount
    read below its label ("Part assuré" / "1 510,89")."""
    if _paid_share(fold(candidate.amount.line.text)):
        return True
    if "label_below" not in candidate.rule:
        return False
    row = candidate.amount.line
    above = next((line for line in lines if line.index == row.index - 1 and line.page == row.page), None)
    return above is not None and _paid_share(fold(above.text))


def split_check(lines: Sequence[Line], candidates: list[TotalCandidate]) -> list[TotalCandidate]:
    """A patient's share (a `remaining` row of shares.toml: "Part assuré", "Reste à charge") that, with the
    third-party payers' parts printed ("Part AMO", "Part AMC"), adds up to the bill's gross is the amount
    paid: the bill's own arithmetic confirms the split, as the tender does a receipt's total - worth more
    than the gross being printed twice (a one-item bill repeats it on its item row)."""
    shares = [c for c in candidates if _labelled_a_paid_share(lines, c)]
    if not shares:
        return candidates  # no share row among the candidates (most bills): the rows are not searched
    amo = _labelled_values(lines, lambda folded: _has(folded, SHARES.reimbursed_amo))
    amc = _labelled_values(lines, lambda folded: _has(folded, SHARES.reimbursed_amc))
    if not amo and not amc:
        return candidates
    paid_by_others = {a + b for a in amo | {Decimal(0)} for b in amc | {Decimal(0)}} - {Decimal(0)}
    grosses = {c.amount.value for c in candidates} | _labelled_values(lines, lambda folded: _has(folded, SHARES.gross))
    return [
        TotalCandidate(c.amount, c.score + CROSS_CHECK_BONUS, c.rule + "+split_check")
        if c in shares and any(c.amount.value + p in grosses for p in paid_by_others)
        else c
        for c in candidates
    ]


COUNT_APART = "+count_apart"  # the rule modifier of a total cut from a count a merged row put before it
MIN_SUMMED_ROWS = 2
MAX_COUNT_DIGITS = 2  # a count of sessions or items, not a thousands group of its own


def _rows_sum_above(lines: Sequence[Line], line: Line) -> Decimal | None:
    """The sum of the last amounts of the rows right above a line, over the whole run of rows that end in an
    amount (a table's priced rows ending where the total's row begins; at least two), or None. The whole run,
    never its last rows alone: those can add up to a total's hundreds by chance ("160,00 + 840,00" above
    "35,00 + 269,50" make the thousand of "1 304,50")."""
    above = [row for row in lines if row.page == line.page and row.index < line.index]
    total, count = Decimal(0), 0
    for row in reversed(above):
        amounts = amounts_in(row)
        if not amounts:
            break
        total, count = total + amounts[-1].value, count + 1
    return total if count >= MIN_SUMMED_ROWS else None


def _count_apart(lines: Sequence[Line], amount: Amount) -> Amount | None:
    """The amount after a one- or two-digit count that a space-grouped candidate swallowed as its
    thousands ("11 187,33" from "11 séances" merged with "total : 187,33") - where the whole run of priced
    rows above adds up to it and not to the whole - or None."""
    text = amount.line.text
    tail = _after_first_group(text, amount.start, amount.end)
    if tail is None or len(text[amount.start : tail.start()].strip().lstrip("-")) > MAX_COUNT_DIGITS:
        return None
    rows_sum = _rows_sum_above(lines, amount.line)
    if rows_sum is None or rows_sum == amount.value or parse_amount(tail.group(0)) != rows_sum:
        return None
    return Amount(rows_sum, tail.group(0).strip(), amount.line, tail.start(), tail.end())


def count_group_check(lines: Sequence[Line], candidates: list[TotalCandidate]) -> list[TotalCandidate]:
    """A candidate whose first thousands group is a count a merged row put before it is the amount after
    that count - where the priced rows right above add up to that amount and not to the whole: a photo's
    skew merged "Nombre de séances : 11" with "Total : 187,33 EUR" (11 x 17,03) into "11 187,33"."""
    out = []
    for c in candidates:
        apart = _count_apart(lines, c.amount)
        out.append(TotalCandidate(apart, c.score + CROSS_CHECK_BONUS, c.rule + COUNT_APART) if apart else c)
    return out


REMAINDER = "total.remainder_after_deduction"
NEGATIVE = ("-", "\u2212", "(")  # how a deduction's amount is printed


def _remainders(lines: Sequence[Line], candidates: list[TotalCandidate]) -> list[TotalCandidate]:
    """The amount printed right after a deduction ("-29,00 68,69": on its row or the next) that is a total
    candidate less that deduction, where no candidate holds it yet: what is left to pay, whatever OCR made
    of its label ("e stbetrag vom 23.08.2021 -29,00 68,69", the down payment's row and the amount due's run
    together). It scores as the candidate it is left of, with the check's bonus."""
    known = {c.amount.value for c in candidates}
    found: list[TotalCandidate] = []
    counted = counted_lines(lines)
    for position, line in enumerate(counted):
        amounts = amounts_in(line)
        if total_label(fold(line.text))[0] > 0:
            continue  # a total's own row ("Total 6% supplies (excl. GST): -17.73" on a credit note)
        for n, deduction in enumerate(amounts):
            if not deduction.raw.startswith(NEGATIVE):
                continue
            below = counted[position + 1] if position + 1 < len(counted) else None
            after = amounts[n + 1 :] or (
                amounts_in(below)[:1] if below is not None and not excluded_row(fold(below.text)) else []
            )
            for rest in after[:1]:
                if rest.raw.startswith(NEGATIVE):
                    continue
                for c in candidates:
                    if rest.value not in known and rest.value > 0 and c.amount.value - deduction.value == rest.value:
                        found.append(TotalCandidate(rest, c.score + CROSS_CHECK_BONUS, REMAINDER))
                        known.add(rest.value)
    return found


def deduction_check(lines: Sequence[Line], candidates: list[TotalCandidate]) -> list[TotalCandidate]:
    """A candidate equal to another, larger candidate less a sum already paid (a deposit, "Déjà réglé",
    "Anzahlung", an insurer's payment on a statement) is what is left to pay: the bill's own arithmetic
    confirms it, as the tender does a receipt's total ("Montant restant dû 80,00 / Déjà réglé -8,00 / Net à
    payer 72,00")."""
    candidates = candidates + _remainders(lines, candidates)
    paid_before = _labelled_values(lines, lambda folded: _has(folded, TOTALS.payments.already_paid))
    if not paid_before:
        return candidates
    values = {c.amount.value for c in candidates}
    confirmed = {g - p for g in values for p in paid_before if 0 < p < g}
    return [
        TotalCandidate(c.amount, c.score + CROSS_CHECK_BONUS, c.rule + "+deduction_check") if c.amount.value in confirmed else c
        for c in candidates
    ]


def tax_part_check(lines: Sequence[Line], candidates: list[TotalCandidate]) -> list[TotalCandidate]:
    """A candidate that is the tax of a net + tax = gross triple printed on the page (the net on a net
    row) is replaced by the gross: labels stacked in columns put the tax right of a total label."""
    counted = counted_lines(lines)
    nets = {a.value for line in counted if _has(fold(line.text), TOTALS.not_totals.net_words) for a in amounts_in(line)}
    if not nets:
        return candidates
    printed: dict[Decimal, Amount] = {}
    for line in counted:
        if excluded_row(fold(line.text)):
            continue  # a sum paid in cash or a change given is no gross
        for amount in amounts_in(line):
            printed.setdefault(amount.value, amount)
    out = []
    for c in candidates:
        # a tax is less than its net: "Subtotal 10.00 / Total 10.60 / Cash 20.60" keeps 10.60
        gross = next(
            (printed[n + c.amount.value] for n in sorted(nets) if n > c.amount.value and n + c.amount.value in printed), None
        )
        if gross is None or c.amount.value in nets:
            out.append(c)
            continue
        # the gross found, the table row's column is resolved: its penalty is lifted
        out.append(TotalCandidate(gross, c.score + _table_row_lifted(c), c.rule.replace(TABLE_ROW, "") + "+net_plus_tax"))
    return out


CREDIT_NOTE = "+credit_note"  # the total is refunded, not charged: read as a negative amount
TITLE_ROWS = 10  # the first rows of the first page: where a document says what it is
MINUS_SIGNS = "-\u2212"


def printed_negative(amount: Amount) -> bool:
    """The amount is printed with a minus sign stuck to it ("-2,18 €", "€-2.18", or the sign U+2212). On
    the total, a refund only when another row refunds too (`refunded_rows`)."""
    text = amount.line.text
    return amount.raw[:1] in MINUS_SIGNS or (amount.start > 0 and text[amount.start - 1] in MINUS_SIGNS)


def refunded_rows(lines: Sequence[Line], total_row: Line) -> bool:
    """Another row than the total's prints a negative amount that is no discount, rounding or change (a
    refunded item, "Retour Doliprane -2,18"): a minus sign before the total alone may be a speck of noise."""
    return any(
        line is not total_row and not excluded_row(fold(line.text)) and any(printed_negative(a) for a in amounts_in(line))
        for line in counted_lines(lines)
    )


def titled_credit_note(lines: Sequence[Line]) -> bool:
    """A row of the title zone opens with a credit note's title ("AVOIR N° 42", "Gutschrift", "Credit note"):
    the document refunds (totals.toml `credit_notes`; a title opens its row - "avoir" is also a verb)."""
    if not lines:
        return False
    first_page = min(line.page for line in lines)
    title_rows = [line for line in lines if line.page == first_page][:TITLE_ROWS]
    pattern = phrase_pattern(tuple(TOTALS.credit_notes.titles))
    return any(pattern.match(re.sub(r"^[^a-z]+", "", fold(line.text))) for line in title_rows)


CENTS_UNREAD = "+cents_unread"  # the total read as a whole number while a row prints it with a separator and nothing after
DANGLING_SEPARATOR = re.compile(r"(?<![\d.,])(\d{1,6})[.,]\s*$")
PRINTED_CENTS = re.compile(r"\d\s?[.,]\s?\d")


def cents_unread(lines: Sequence[Line], amount: Amount) -> bool:
    """A whole amount ("USD 64") that a row prints with its decimal separator and nothing after it
    ("TOTAL USD 64."), or that another row prints with cents ("TOTAL USD 495" under "AMOUNT USD 495.42": a
    card slip's two prints of one sum): the cents were lost to the scan (blur, a fold), the value is a part
    of the total."""
    if PRINTED_CENTS.search(amount.raw) or amount.value != amount.value.to_integral_value():
        return False
    for line in lines:
        m = DANGLING_SEPARATOR.search(line.text)
        if m and Decimal(m.group(1)) == amount.value:
            return True
        if line is not amount.line and any(_with_cents_of(other, amount.value) for other in amounts_in(line)):
            return True
    return False


def _with_cents_of(other: Amount, whole: Decimal) -> bool:
    """`other` is `whole` with cents printed (495.42 for 495)."""
    return (
        other.value != whole
        and other.value.to_integral_value(rounding=ROUND_DOWN) == whole
        and bool(PRINTED_CENTS.search(other.raw))
    )


def rank_total(lines: Sequence[Line]) -> tuple[Field, Evidence] | None:
    """The total paid as a Field with how it was chosen, or None when no amount is printed."""
    candidates = total_candidates(lines)
    candidates = count_group_check(lines, tax_part_check(lines, candidates))
    candidates = repeated_check(
        lines,
        deduction_check(lines, split_check(lines, rounding_check(lines, cross_check(lines, sum_check(lines, candidates))))),
    )
    if any(c.amount.value > 0 for c in candidates):
        candidates = [c for c in candidates if c.amount.value > 0]  # "Balance due 0.00" once paid: the amount paid is elsewhere
    if candidates:
        best = max(candidates, key=lambda c: (round(c.score, 3), c.amount.line.index))
        certainty = min(1.0, best.score + 0.1)
        rivals = {c.amount.value for c in candidates if c.score >= best.score - 0.02}
        if len(rivals) > 1:
            certainty *= 0.7
        others = {c.amount.value: c.score for c in sorted(candidates, key=lambda c: c.score)}
    else:
        # the tax a total holds ("di cui IVA 0,45", "dont TVA") is never the total, whatever else OCR lost
        every = [a for line in counted_lines(lines) if not _tax_held(fold(line.text)) for a in amounts_in(line)]
        with_cents = [a for a in every if re.search(r"[.,€]\d{2}\b", a.raw)] or every
        if not with_cents:
            return None
        best = TotalCandidate(max(with_cents, key=lambda a: a.value), 0.3, "total.largest_amount")
        certainty = 0.3
        others = {a.value: 0.3 for a in with_cents}
    amount = best.amount
    bbox, ocr_conf = amount.line.locate(amount.start, amount.end)
    refund = titled_credit_note(lines) or (printed_negative(amount) and refunded_rows(lines, amount.line))
    field = Field(
        value=str(-amount.value if refund else amount.value),
        raw=amount.raw,
        confidence=round(ocr_conf * certainty, 3),
        page=amount.line.page,
        bbox=bbox,
        rule=best.rule + (CREDIT_NOTE if refund else "") + (CENTS_UNREAD if cents_unread(lines, amount) else ""),
    )
    others.pop(amount.value, None)  # each other value at its best score
    lookalike = any(looks_alike(amount.value, other) for other in others)
    return field, Evidence(ocr_conf, certainty, margin_over(best.score, list(others.values())), len(others), lookalike=lookalike)


# Digits OCR takes for one another (Tesseract and RapidOCR on receipts: 0/6/8/9, 3/8, 5/6, 1/7)
CONFUSABLE_DIGITS = {"0": "689", "6": "0589", "8": "0369", "9": "068", "3": "8", "5": "6", "1": "7", "7": "1"}


def looks_alike(value: Decimal, other: Decimal) -> bool:
    """Two amounts written alike but for one digit OCR confuses (11,670 and 11,676; 160.52 and 166.52; the
    same glyph misread twice, 18,300 and 18,366): where both are read as totals, one of them is likely misread -
    the card slip's AMOUNT and TOTAL are one sum."""
    return glyphs_alike(f"{abs(value):.2f}", f"{abs(other):.2f}")


def glyphs_alike(a: str, b: str) -> bool:
    """Two values printed alike but for one digit OCR confuses, in one place or the same misread in two
    (amounts as `looks_alike`, dates as ISO text: 2020-03-01 and 2026-03-01)."""
    if len(a) != len(b) or a == b:
        return False
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(differ) > 2 or len(set(differ)) != 1:  # one place, or the same glyph misread in two
        return False
    x, y = differ[0]
    return y in CONFUSABLE_DIGITS.get(x, "")


def extract_total(lines: Sequence[Line]) -> Field | None:
    """The total paid as a Field, or None when no amount is printed."""
    ranked = rank_total(lines)
    return ranked[0] if ranked else None
