"""Billed lines (label + amount) and the split of the bill where it is printed: gross total, the part
reimbursed by third parties (Assurance Maladie, mutuelle: tiers payant) and the part left to the patient.

An item row is a row whose last token is an amount, with a label of letters before it, that is not a
total, subtotal, tax, payment, carry or share row. The share labels live in data/shares.toml.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from itertools import combinations

from extractors.data_files import fold, phrase_pattern
from extractors.fields.amounts import (
    LABEL_WORD,
    Amount,
    amounts_in,
    confused_amounts,
    confused_currency,
    counted_lines,
    included_tax,
    not_total_words,
    parse_amount,
    total_label,
)
from extractors.keywords import CURRENCIES, SHARES, Words
from extractors.layout import Line
from models import Field, LineItem

TRAILING = re.compile(r"(?:\s+[\d.,x×*:=-]+)*\s*$")  # quantity / unit-price columns before the amount
ITEM_CERTAINTY = 0.9
SHARE_CERTAINTY = 0.9


# What OCR leaves after a row's last column: a currency sign, a stray dot, dash or quote ("2,17.", "17,03-€")
ROW_END_NOISE = " €*.:;,'`’‘-_|~"
# "17:03 €", "EUR 151:30": the decimal point read as a colon; a currency beside it says it is money, not a time
COLON_DECIMALS = (
    re.compile(r"(?<![\w.,:])(?P<units>\d{1,6}):(?P<cents>\d{2})\s?(?:€|EUR)"),
    re.compile(r"(?:€|EUR)\s?(?P<units>\d{1,6}):(?P<cents>\d{2})(?![\d:])"),
)
COLON_BEFORE = re.compile(r"\d:$")
REPAIRED_ITEM = 0.8  # an amount read through a known OCR confusion is less sure than one printed plainly


@cache
def _currency_after() -> re.Pattern[str]:
    """A currency marker alone after a row's amount ("5 500 XPF", "503,26 DH", "1,700.00 Baht"): the amount's
    unit, not more of the row."""
    markers = [*CURRENCIES.codes, *CURRENCIES.symbols, *CURRENCIES.words, *CURRENCIES.ambiguous]
    alternatives = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
    return re.compile(rf"\s*(?:{alternatives})\.?", re.IGNORECASE)


def _ends_row(line: Line, end: int) -> bool:
    rest = line.text[end:].lstrip(ROW_END_NOISE)  # a speck between the amount and its unit ("72,00: EUR.")
    unit = _currency_after().match(rest)
    return not (rest[unit.end() :] if unit else rest).strip(ROW_END_NOISE)


def _repaired_amounts(line: Line) -> list[Amount]:
    """Amounts OCR garbled in a known way: letters for digits ("1O,5O"), a currency sign read as a letter
    ("17C50", "Y2,740"), a decimal comma read as a colon ("17:03 €")."""
    found = confused_amounts(line, 0)
    for m in (m for pattern in COLON_DECIMALS for m in pattern.finditer(line.text)):
        value = Decimal(f"{m.group('units')}.{m.group('cents')}")
        found.append(Amount(value, m.group(0), line, m.start("units"), m.end()))
    currency = confused_currency(line, 0)
    if currency is not None:
        found.append(currency)
    return found


def _row_amount(line: Line) -> tuple[Amount, float] | None:
    """The amount ending the row and how sure its reading is (1 when printed plainly), or None."""
    amounts = amounts_in(line)
    if amounts and COLON_BEFORE.search(line.text, 0, amounts[-1].start):
        amounts = amounts[:-1]  # "03 €" of "17:03 €": the cents of an amount whose comma was read as a colon
    if amounts and _ends_row(line, amounts[-1].end):
        return amounts[-1], 1.0
    # a repaired amount ending the row, no plain amount after it (one it overlaps is part of it: "EUR 18" of "EUR 18:36")
    repaired = [a for a in _repaired_amounts(line) if _ends_row(line, a.end) and all(b.start < a.end for b in amounts)]
    return (repaired[-1], REPAIRED_ITEM) if repaired else None


def _label_end(line: Line, amount: Amount) -> int:
    """Where the row's label ends: at its first amount (quantity and unit-price columns come after it)."""
    return min([a.start for a in amounts_in(line)] + [amount.start])


def _is_item(line: Line, label: str) -> bool:
    folded = fold(f"{label} {line.text}")
    if not_total_words(folded) or total_label(folded)[0] > 0:
        return False  # subtotals, carries, change, totals (a tax added to the bill is a line; one included is not)
    if any(
        phrase_pattern(words).search(folded)
        for words in (SHARES.reimbursed_amo, SHARES.reimbursed_amc, SHARES.remaining, SHARES.not_items)
    ):
        return False
    return not included_tax(folded)


LABEL_ROWS_ABOVE = 2  # a till's item: its name, maybe a code row, then "9066468 1 X 8.02 8.02"


def _item_label(line: Line, amount: Amount, above: Sequence[Line]) -> str | None:
    """The words naming the item priced on the row: the row's text before its first amount, or - for a
    row of figures alone - the nearest of the rows `above` it (the last LABEL_ROWS_ABOVE) of words without
    an amount (None: neither)."""
    own = line.text[: _label_end(line, amount)]
    if LABEL_WORD.search(own):
        return own
    if own.strip(" .:-*#0123456789xX"):
        return None  # something else than a code, a count or a "1 X" before the figures
    for row in reversed(above):
        if row.page != line.page or amounts_in(row):
            return None
        if LABEL_WORD.search(row.text):
            return row.text
    return None


def clean_label(text: str) -> str:
    """The item's label: the row's text before its first amount, without trailing quantities."""
    return TRAILING.sub("", text).strip(" .:-") or text.strip()


# "semestre 1 690,00 €": a row number or count before an amount reads as its thousands ("1 690,00"); which
# reading is right is settled by the bill's own sum
FIRST_GROUP = re.compile(r"^(\d{1,3})[ \u00a0\u202f](?=\d{3}(?:[.,]\d{1,2})?(?!\d))")
MAX_SETTLED = 12  # ambiguous rows tried together (2^12 sums at most)
MIN_ITEMS_TO_DROP = 3  # a row is dropped for the sum only among 3 or more (two rows: which is the item?)


def _without_first_group(amount: Amount) -> Decimal | None:
    """The amount read without its first space-separated group ("690.00" of "1 690,00"), or None."""
    m = FIRST_GROUP.match(amount.raw)
    return parse_amount(amount.raw[m.end() :]) if m else None


def _settled(items: list[LineItem], alternatives: dict[int, Decimal], gross: Field | None) -> list[LineItem]:
    """The items, when they do not add up to the gross total: the rows whose first group may be a row
    number read without it, or else one row left out, where that alone makes them add up."""
    try:
        target = Decimal(gross.value) if gross is not None else None
    except ArithmeticError:
        target = None
    amounts = [Decimal(i.amount) for i in items]
    total = sum(amounts)
    if target is None or total == target:
        return items
    keys = list(alternatives)[:MAX_SETTLED]
    for size in range(1, len(keys) + 1):
        for chosen in combinations(keys, size):
            if total - sum(amounts[i] - alternatives[i] for i in chosen) == target:
                return [i.model_copy(update={"amount": str(alternatives[n])}) if n in chosen else i for n, i in enumerate(items)]
    if len(items) >= MIN_ITEMS_TO_DROP:
        extra = [n for n, amount in enumerate(amounts) if total - amount == target]
        if len(extra) == 1:  # the bill adds up without this row: a share or carry row whose label OCR garbled
            return [i for n, i in enumerate(items) if n != extra[0]]
    return items


def extract_line_items(lines: Sequence[Line], gross: Field | None = None) -> tuple[LineItem, ...]:
    """Every billed line, in reading order (`gross`: the bill's gross total, which settles an amount that
    may hold a row number as its first group, or a row the bill adds up without: `_settled`)."""
    items: list[LineItem] = []
    alternatives: dict[int, Decimal] = {}
    counted = counted_lines(lines)
    for position, line in enumerate(counted):
        found = _row_amount(line)
        above = counted[max(0, position - LABEL_ROWS_ABOVE) : position]
        label = _item_label(line, found[0], above) if found is not None else None
        if found is None or label is None or not _is_item(line, label):
            continue
        amount, sureness = found
        _bbox, ocr_conf = line.locate(amount.start, amount.end)
        alternative = _without_first_group(amount)
        if alternative is not None:
            alternatives[len(items)] = alternative
        items.append(
            LineItem(
                label=clean_label(label),
                amount=str(amount.value),
                raw=line.text,
                confidence=round(ocr_conf * ITEM_CERTAINTY * sureness, 3),
                page=line.page,
                bbox=line.bbox,
            )
        )
    return tuple(_settled(items, alternatives, gross))


def _share(lines: Sequence[Line], labels: Words, name: str) -> Field | None:
    """The amount right of the last row holding one of the share's `labels` (the final figure of a bill's
    split); `name` is the share's key in shares.toml, named in the field's rule."""
    found = None
    for line in counted_lines(lines):
        match = phrase_pattern(labels, glued=True).search(fold(line.text))
        if not match:
            continue
        right = [a for a in amounts_in(line) if a.start >= match.end()]
        if right:
            found = (line, right[-1])
    if found is None:
        return None
    line, amount = found
    bbox, ocr_conf = line.locate(amount.start, amount.end)
    return Field(
        value=str(amount.value),
        raw=amount.raw,
        confidence=round(ocr_conf * SHARE_CERTAINTY, 3),
        page=line.page,
        bbox=bbox,
        rule=f"{name}.label_right",
    )


def _sum_fields(parts: list[Field], key: str) -> Field:
    total = sum((Decimal(p.value) for p in parts), Decimal("0"))
    return parts[-1].model_copy(
        update={
            "value": str(total),
            "raw": " + ".join(p.raw for p in parts),
            "confidence": min(p.confidence for p in parts),
            "rule": f"{key}.sum_of_parts",
        }
    )


SAME_AS_TOTAL = "gross_total.same_as_total"  # the rule of a gross total that is the total itself (no split printed)


def extract_shares(lines: Sequence[Line], total: Field | None) -> dict[str, Field]:
    """gross_total, reimbursed (sum of third-party parts) and remaining, where the bill prints them."""
    fields: dict[str, Field] = {}
    parts = [
        f
        for f in (_share(lines, SHARES.reimbursed_amo, "reimbursed_amo"), _share(lines, SHARES.reimbursed_amc, "reimbursed_amc"))
        if f is not None
    ]
    if parts:
        fields["reimbursed"] = parts[0] if len(parts) == 1 else _sum_fields(parts, "reimbursed")
    remaining = _share(lines, SHARES.remaining, "remaining")
    if remaining is not None:
        fields["remaining"] = remaining
    gross = _share(lines, SHARES.gross, "gross")
    if gross is not None and (parts or remaining is not None):
        fields["gross_total"] = gross
    elif total is not None:
        fields["gross_total"] = total.model_copy(update={"rule": SAME_AS_TOTAL})
    return fields


UNCHECKED_ITEMS = 0.75  # items that do not add up to the bill's gross total are less certain


def read_on_row(field: Field, item: LineItem) -> bool:
    """The field was read on the item's row (an item's amount taken for the total where no total label
    was read): the two cannot check each other."""
    box, row = field.bbox, item.bbox
    if box is None or row is None or field.page != item.page:
        return False
    middle = (box.y0 + box.y1) / 2
    return row.y0 <= middle <= row.y1 and row.x0 <= box.x0 and box.x1 <= row.x1


def checked_items(items: tuple[LineItem, ...], gross: Field | None) -> tuple[LineItem, ...]:
    """The items, their confidence kept only when they add up to the gross total (the bill's own check),
    a total read on one of their rows checking nothing."""
    if not items:
        return items
    try:
        adds_up = (
            gross is not None
            and not any(read_on_row(gross, i) for i in items)
            and sum((Decimal(i.amount) for i in items), Decimal("0")) == Decimal(gross.value)
        )
    except ArithmeticError:
        adds_up = False
    if adds_up:
        return items
    return tuple(i.model_copy(update={"confidence": round(i.confidence * UNCHECKED_ITEMS, 3)}) for i in items)
