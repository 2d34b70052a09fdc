"""Amounts: find money amounts in many formats and pick the total paid from its label's row."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from price_parser import Price

from extractors.data_files import fold, load
from extractors.layout import Line, lines_below
from models import Field

_CUR = r"(?:€|EUR|\$|US\$|USD|¥|円|JPY|RM|MYR|£|GBP|CHF)"
_NUMBER = (
    r"(?:\d{1,3}(?:[ \u00a0\u202f.,']\d{3})+(?:[.,]\d{1,2})?"  # 1 234,56 / 1,234.56 / 2,220
    r"|\d+[.,]\d{2}"  # 45,30 / 45.30
    r"|\d+€\d{2})"  # 45€30
)
AMOUNT = re.compile(
    rf"(?<![\w.,])-?(?:{_CUR}\s?(?:{_NUMBER}|\d+)(?:\s?{_CUR})?"  # ¥2220, RM 9.00, EUR 45.30
    rf"|{_NUMBER}(?:\s?{_CUR})?"  # 45,30 €
    rf"|\d+\s?{_CUR})"  # 2220 円
    r"(?![\w,]|\.\d)"
)
BELOW_PENALTY = 0.1
MAX_AMOUNT = Decimal("1000000")


@dataclass(frozen=True)
class Amount:
    """A money amount printed on a line."""

    value: Decimal
    raw: str
    line: Line
    start: int
    end: int


def parse_amount(raw: str) -> Decimal | None:
    """Decimal value of a printed amount (`1 234,56 €`, `45€30`, `$1,234.56`), or None."""
    text = raw.replace("\u202f", " ").replace("\u00a0", " ").replace("'", " ")
    price = Price.fromstring(text)
    if price.amount is None or price.amount < 0 or price.amount >= MAX_AMOUNT:
        return None
    return price.amount.quantize(Decimal("0.01"))


def amounts_in(line: Line) -> list[Amount]:
    """Every amount on a line, left to right."""
    found = []
    for m in AMOUNT.finditer(line.text):
        value = parse_amount(m.group(0))
        if value is not None:
            found.append(Amount(value, m.group(0).strip(), line, m.start(), m.end()))
    return found


def _label_weight(folded_prefix: str) -> tuple[float, int]:
    """Best total label in the text before an amount: (weight, end of the label), (0, -1) if none."""
    best = (0.0, -1)
    for label, weight in load("totals")["labels"].items():
        for m in re.finditer(rf"(?<![a-z]){re.escape(label)}(?![a-z])", folded_prefix):
            if (weight, m.end()) > best:
                best = (float(weight), m.end())
    return best


def _excluded(folded: str) -> bool:
    words = load("totals")["not_totals"]["words"]
    return any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", folded) for w in words)


@dataclass(frozen=True)
class TotalCandidate:
    amount: Amount
    score: float
    rule: str


def total_candidates(lines: Sequence[Line]) -> list[TotalCandidate]:
    """Amounts read next to (right of, or just below) a total label."""
    found: list[TotalCandidate] = []
    last_page = max((line.page for line in lines), default=1)
    for line in lines:
        folded = fold(line.text)
        weight, label_end = _label_weight(folded)
        if weight == 0:
            continue
        late = 0.05 * (line.page == last_page) + 0.05 * (line.index / max(1, len(lines)))
        right = [a for a in amounts_in(line) if a.start >= label_end]
        if _excluded(folded[: right[-1].start if right else len(folded)]):
            continue
        if right:
            found.append(TotalCandidate(right[-1], weight + late, "total.label_right"))
            continue
        for below in lines_below(lines, line):
            if _excluded(fold(below.text)):
                break
            amounts = amounts_in(below)
            if amounts:
                found.append(TotalCandidate(amounts[0], weight + late - BELOW_PENALTY, "total.label_below"))
                break
    return found


def extract_total(lines: Sequence[Line]) -> Field | None:
    """The total paid as a Field, or None when no amount is printed."""
    candidates = total_candidates(lines)
    if candidates:
        best = max(candidates, key=lambda c: (round(c.score, 3), c.amount.line.index))
        certainty = min(1.0, best.score + 0.1)
        rivals = {c.amount.value for c in candidates if c.score >= best.score - 0.02}
        if len(rivals) > 1:
            certainty *= 0.7
    else:
        every = [a for line in lines for a in amounts_in(line)]
        if not every:
            return None
        best = TotalCandidate(max(every, key=lambda a: a.value), 0.3, "total.largest_amount")
        certainty = 0.3
    amount = best.amount
    bbox, ocr_conf = amount.line.locate(amount.start, amount.end)
    return Field(
        value=str(amount.value),
        raw=amount.raw,
        confidence=round(ocr_conf * certainty, 3),
        page=amount.line.page,
        bbox=bbox,
        rule=best.rule,
    )
