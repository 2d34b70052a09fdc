"""The German shop receipt builder: its total is what the strip charges and prints, the cash handed over
minus the change is the total, the VAT table's gross column adds up to it, and a seed gives the same
receipt."""

from __future__ import annotations

import random
import re
from datetime import date
from decimal import Decimal

import pytest

from samples.generator import formats
from samples.generator.documents import REGISTRY, common, receipt_de

KEYS = set(common.truth("x", "x", None, date(2020, 1, 1)))
CHANGE = ("Rückgeld", "Rueckgeld", "Zurück", "Zurueck")
AMOUNT = re.compile(r"^-?\d{1,3}(?:\.\d{3})*,\d{2}$")


def build(seed: int):
    return REGISTRY["receipt_de"](random.Random(seed), pages=1 + seed % 3)


def rows_text(doc) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in doc.header]


def money(shown: str) -> Decimal:
    return Decimal(shown.replace(".", "").replace(",", "."))


def value_after(doc, labels: tuple[str, ...]) -> list[Decimal]:
    return [money(cells[1]) for cells in rows_text(doc) if len(cells) >= 2 and cells[0] in labels and AMOUNT.match(cells[1])]


@pytest.mark.parametrize("value, shown", [("0.99", "0,99"), ("1234.5", "1.234,50"), ("-0.75", "-0,75"), ("12", "12,00")])
def test_german_amounts_have_a_decimal_comma_and_dotted_thousands(value, shown):
    assert formats.de_number(Decimal(value)) == shown


def test_each_receipt_prints_its_total_under_a_total_label():
    care_types = set()
    for seed in range(120):
        doc = build(seed)
        record = doc.truth
        assert set(record) == KEYS and record["kind"] == "receipt_de" and record["doc_type"] == "receipt"
        assert record["language"] == "de" and record["country"] == "DE" and record["currency"] == "EUR"
        total = Decimal(record["total"])
        assert total > 0 and record["gross_total"] == record["total"] and record["issuer"]
        assert value_after(doc, tuple(receipt_de.TOTAL_LABELS)) == [total]
        care_types.add(record["care_type"])
    assert care_types == {"pharmacy", "medical_equipment", "optical", None}, "every kind of shop is drawn"


def test_the_cash_tendered_less_the_change_is_the_total():
    seen = 0
    for seed in range(120):
        doc = build(seed)
        tendered = value_after(doc, ("Geg. BAR EUR", "Gegeben Bar", "BAR", "Bar EUR"))
        change = [money(cells[1]) for cells in rows_text(doc) if cells and cells[0].startswith(CHANGE)]
        if tendered:
            seen += 1
            assert tendered[0] - change[0] == Decimal(doc.truth["total"]) and change[0] >= 0
    assert seen > 20


def test_the_vat_tables_gross_column_adds_up_to_the_total():
    for seed in range(120):
        doc = build(seed)
        classes = [cells for cells in rows_text(doc) if cells and re.match(r"^[AB]= ", cells[0])]
        assert classes, "every receipt prints its VAT table"
        assert sum(money(cells[3]) for cells in classes) == Decimal(doc.truth["total"])
        net_and_tax = [money(cells[1]) + money(cells[2]) for cells in classes]
        assert net_and_tax == [money(cells[3]) for cells in classes]


def test_a_card_slip_charges_the_total_and_a_seed_gives_the_same_receipt():
    slips = 0
    for seed in range(60):
        doc = build(seed)
        charged = value_after(doc, ("Betrag EUR",))
        if charged:
            slips += 1
            assert charged == [Decimal(doc.truth["total"])]
        assert rows_text(doc) == rows_text(build(seed)) and doc.truth == build(seed).truth
    assert slips > 5
