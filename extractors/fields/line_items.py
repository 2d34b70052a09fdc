"""Billed lines (label + amount) and the split of the bill where it is printed: gross total, the part
reimbursed by third parties (Assurance Maladie, mutuelle: tiers payant) and the part left to the patient.

An item row is a row whose last token is an amount, with a label of letters before it, that is not a
total, subtotal, tax, payment, carry or share row. The share labels live in data/shares.toml.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from extractors.data_files import fold, phrase_pattern
from extractors.fields.amounts import (
    CONFUSED_AMOUNT,
    CONFUSIONS,
    Amount,
    amounts_in,
    confused_currency,
    counted_lines,
    included_tax,
    not_total_words,
    parse_amount,
    total_label,
)
from extractors.keywords import SHARES, Words
from extractors.layout import Line
from models import Field, LineItem

LABEL = re.compile(r"[A-Za-zÀ-ÿ]{3,}")
TRAILING = re.compile(r"(?:\s+[\d.,x×*:=-]+)*\s*$")  # quantity / unit-price columns before the amount
ITEM_CERTAINTY = 0.9
SHARE_CERTAINTY = 0.9


# What OCR leaves after a row's last column: a currency sign, a stray dot, dash or quote ("2,17.", "17,03-€")
ROW_END_NOISE = " €*.:;,'`’‘-_|~"
# "17:03 €": the decimal comma read as a colon; a euro sign after it says it is money, not a time
COLON_DECIMAL = re.compile(r"(?<![\w.,:])(?P<units>\d{1,6}):(?P<cents>\d{2})\s?€")
COLON_BEFORE = re.compile(r"\d:$")
REPAIRED_ITEM = 0.8  # an amount read through a known OCR confusion is less sure than one printed plainly


def _ends_row(line: Line, end: int) -> bool:
    return not line.text[end:].strip(ROW_END_NOISE)


def _repaired_amounts(line: Line) -> list[Amount]:
    """Amounts OCR garbled in a known way: letters for digits ("1O,5O"), a currency sign read as a letter
    ("17C50", "Y2,740"), a decimal comma read as a colon ("17:03 €")."""
    found = []
    for m in CONFUSED_AMOUNT.finditer(line.text):
        value = parse_amount(m.group(0).translate(CONFUSIONS)) if any(c.isdigit() for c in m.group(0)) else None
        if value is not None:
            found.append(Amount(value, m.group(0), line, m.start(), m.end()))
    for m in COLON_DECIMAL.finditer(line.text):
        found.append(Amount(Decimal(f"{m.group('units')}.{m.group('cents')}"), m.group(0), line, m.start(), m.end()))
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
    after = amounts[-1].end if amounts else 0
    repaired = [a for a in _repaired_amounts(line) if a.start >= after and _ends_row(line, a.end)]
    return (repaired[-1], REPAIRED_ITEM) if repaired else None


def _label_end(line: Line, amount: Amount) -> int:
    """Where the row's label ends: at its first amount (quantity and unit-price columns come after it)."""
    return min([a.start for a in amounts_in(line)] + [amount.start])


def _is_item(line: Line, amount: Amount) -> bool:
    folded = fold(line.text)
    label = line.text[: _label_end(line, amount)]
    if not LABEL.search(label) or not_total_words(folded) or total_label(folded)[0] > 0:
        return False  # subtotals, carries, change, totals (a tax added to the bill is a line; one included is not)
    if any(
        phrase_pattern(words).search(folded)
        for words in (SHARES.reimbursed_amo, SHARES.reimbursed_amc, SHARES.remaining, SHARES.not_items)
    ):
        return False
    return not included_tax(folded)


def clean_label(text: str) -> str:
    """The item's label: the row's text before its first amount, without trailing quantities."""
    return TRAILING.sub("", text).strip(" .:-") or text.strip()


def extract_line_items(lines: Sequence[Line]) -> tuple[LineItem, ...]:
    """Every billed line, in reading order."""
    items = []
    for line in counted_lines(lines):
        found = _row_amount(line)
        if found is None or not _is_item(line, found[0]):
            continue
        amount, sureness = found
        _bbox, ocr_conf = line.locate(amount.start, amount.end)
        items.append(
            LineItem(
                label=clean_label(line.text[: _label_end(line, amount)]),
                amount=str(amount.value),
                raw=line.text,
                confidence=round(ocr_conf * ITEM_CERTAINTY * sureness, 3),
                page=line.page,
                bbox=line.bbox,
            )
        )
    return tuple(items)


def _share(lines: Sequence[Line], labels: Words, name: str) -> Field | None:
    """The amount right of the last row holding one of the share's `labels` (the final figure of a bill's
    split); `name` is the share's key in shares.toml, named in the field's rule."""
    found = None
    for line in counted_lines(lines):
        match = phrase_pattern(labels).search(fold(line.text))
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
        fields["gross_total"] = total.model_copy(update={"rule": "gross_total.same_as_total"})
    return fields


UNCHECKED_ITEMS = 0.75  # items that do not add up to the bill's gross total are less certain


def checked_items(items: tuple[LineItem, ...], gross: Field | None) -> tuple[LineItem, ...]:
    """The items, their confidence kept only when they add up to the gross total (the bill's own check)."""
    if not items:
        return items
    try:
        adds_up = gross is not None and sum((Decimal(i.amount) for i in items), Decimal("0")) == Decimal(gross.value)
    except ArithmeticError:
        adds_up = False
    if adds_up:
        return items
    return tuple(i.model_copy(update={"confidence": round(i.confidence * UNCHECKED_ITEMS, 3)}) for i in items)
