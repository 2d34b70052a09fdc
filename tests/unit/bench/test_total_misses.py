"""The kinds of wrong totals bench/total_misses.py counts without showing the documents (no OCR)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bench.total_misses import kind_of_miss
from tests.conftest import lines_of

COUPON = lines_of("Sub-Total : 25.60", "Coupon Discount : 21.70", "Grand Total 3.90", "Payment 5.00", "Change Due 1.10")
ROUNDED = lines_of("Total Sales 26.82", "Rounding Adj -0.02", "Total 26.80")
MISREAD = lines_of("TOTAL RM76.30", "PAID BY CC RM78.30")
COLUMNS = lines_of("Total 73.87 4.43", "Total incl GST 78.30")


@pytest.mark.parametrize(
    ("expected", "got", "lines", "kind"),
    [
        ("25.60", None, COUPON, "missing"),
        ("26.82", "26.80", ROUNDED, "rounding"),
        ("25.60", "3.90", COUPON, "paid_after_deduction"),
        ("78.30", "76.30", MISREAD, "one_digit"),
        ("99.99", "3.90", COUPON, "not_read"),
        ("78.30", "73.87", COLUMNS, "other_amount"),
    ],
)
def test_each_kind_of_miss(expected, got, lines, kind):
    assert kind_of_miss(Decimal(expected), Decimal(got) if got else None, [lines]) == kind


def test_an_amount_printed_only_in_the_other_reading_is_not_a_reading_fault():
    other = lines_of("TOTAL RM 81.00", "Cash 100.00")
    assert kind_of_miss(Decimal("81.00"), Decimal("100.00"), [lines_of("TOTAL RM 8I.00", "Cash 100.00"), other]) == "other_amount"
