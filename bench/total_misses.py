"""Why totals are wrong, counted per part of the validation split without showing a document.

Usage: python bench/total_misses.py SET_DIR [SET_DIR ...] --ocr-cache DIR

bench/accuracy.py shows the develop part's errors one by one and never the scored part's: reading them
would turn the scored part into a develop part. This script says only how many of each part's wrong or
missing totals fall in each kind, so that the scored part's misses can be told apart - an OCR fault, a
choice between printed amounts, a ground truth that takes another amount than the one paid - while
staying unseen. The kinds, decided from the pages read (both readings where a page was read twice):

- `missing`: no total found;
- `rounding`: a rounding row is printed and the two amounts differ by less than 0.10 (which of the rounded
  and the unrounded total was paid is the receipt's own choice);
- `paid_after_deduction`: the value found is smaller than the expected one, printed below it, with a
  deduction row (discount, coupon, voucher, deposit, already paid) between them - the expected amount is a
  sub-total before what was deducted;
- `one_digit`: the two amounts differ by one digit in the same place (a digit misread on the row chosen);
- `not_read`: the expected amount is printed in neither reading (a digit misread, a row not detected);
- `other_amount`: the expected amount is printed and another printed amount was chosen (a selection fault).

Skips with a message when a set folder does not exist. `--ocr-cache DIR/<set>` as bench/accuracy.py.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.accuracy import labelled_files, page_outcomes, set_name_of
from bench.splits import PARTS, part_of
from extractors.cross_reading import other_lines
from extractors.data_files import fold
from extractors.fields.amounts import MAX_ROUNDING, amounts_in, rounding_rows
from extractors.layout import Line, document_lines
from intake.pipeline import documents_from_outcomes

KINDS = ("missing", "rounding", "paid_after_deduction", "one_digit", "not_read", "other_amount")
DEDUCTION = re.compile(
    r"(?<![a-z])(?:disc(?:ount)?|coupon|voucher|remise|reduction|rabais|deposit|acompte|deja (?:paye|verse|regle)|already paid|less)(?![a-z])"
)


def _printed(lines: list[Line]) -> dict[Decimal, list[int]]:
    """Every amount printed, with the indexes of the lines it is on."""
    found: dict[Decimal, list[int]] = {}
    for position, line in enumerate(lines):
        for amount in amounts_in(line):
            found.setdefault(amount.value, []).append(position)
    return found


def _one_digit(a: Decimal, b: Decimal) -> bool:
    x, y = f"{a:.2f}", f"{b:.2f}"
    return len(x) == len(y) and sum(c != d for c, d in zip(x, y, strict=True)) == 1


def kind_of_miss(expected: Decimal, got: Decimal | None, readings: list[list[Line]]) -> str:
    """The kind of a wrong or missing total (KINDS), from the proof's readings."""
    if got is None:
        return "missing"
    printed_in = [(lines, printed) for lines in readings if expected in (printed := _printed(lines))]
    for lines, printed in printed_in:
        if rounding_rows(lines) and abs(got - expected) < MAX_ROUNDING:
            return "rounding"
        if got < expected and got in printed:
            first, last = min(printed[expected]), max(printed[got])
            if first < last and any(DEDUCTION.search(fold(line.text)) for line in lines[first + 1 : last + 1]):
                return "paid_after_deduction"
    if _one_digit(expected, got):
        return "one_digit"
    return "other_amount" if printed_in else "not_read"


def _readings(outcomes) -> list[list[Line]]:
    """The file's lines as kept, and as the other engine read them where a page was read twice."""
    pages = [o.page for o in outcomes if getattr(o, "page", None) is not None]
    other = other_lines(pages)
    return [document_lines(pages), other] if other is not None else [document_lines(pages)]


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value not in (None, "") else None
    except InvalidOperation:
        return None


def count_misses(folder: Path, cache: Path | None) -> dict[str, Counter]:
    """{part: Counter of kinds} over the wrong or missing totals of a set (the file's first proof)."""
    set_name = set_name_of(folder)
    counts: dict[str, Counter] = {part: Counter() for part in PARTS}
    for path in labelled_files(folder):
        expected = _decimal(json.loads(path.with_suffix(".json").read_text(encoding="utf-8")).get("total"))
        read = page_outcomes(path, cache / set_name if cache else None)
        if expected is None or read is None:
            continue
        docs = documents_from_outcomes(*read)
        field = docs[0].fields.get("total") if docs else None
        got = _decimal(field.value) if field else None
        part = part_of(set_name, path.stem)
        counts[part]["totals"] += 1
        if got != expected:
            counts[part][kind_of_miss(expected, got, _readings(read[1]))] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--ocr-cache", type=Path, help="the pages read, one folder per set (bench/accuracy.py)")
    args = parser.parse_args()
    print("set            part      totals  " + "  ".join(f"{k:>20}" for k in KINDS))
    for folder in args.folders:
        if not folder.is_dir():
            print(f"SKIP: no folder at {folder}")
            continue
        for part, counter in count_misses(folder, args.ocr_cache).items():
            cells = "  ".join(f"{counter[k]:>20}" for k in KINDS)
            print(f"{set_name_of(folder):<14} {part:<8} {counter['totals']:>7}  {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
