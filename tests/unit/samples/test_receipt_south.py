"""The southern European till receipt builder (Italy, Spain, Portugal): its total is what its items charge
less a discount and is printed once under a total label, the tax printed after it is the tax the total holds,
the cash handed over less the change is the total, and a seed gives the same receipt."""

from __future__ import annotations

import random
import re
from datetime import date
from decimal import Decimal

from samples.generator.documents import REGISTRY, common, receipt_south

KEYS = set(common.truth("x", "x", None, date(2020, 1, 1)))
AMOUNT = re.compile(r"^-?\d+,\d{2}$")
COUNTRIES = {c.code: c for c in receipt_south.COUNTRIES}


def build(seed: int):
    return REGISTRY["receipt_south"](random.Random(seed), pages=1)


def cells(doc) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in doc.header]


def money(shown: str) -> Decimal:
    return Decimal(shown.replace(",", "."))


def after(doc, labels) -> list[Decimal]:
    """The amounts printed right of the rows whose label is one of `labels`."""
    return [money(row[-1]) for row in cells(doc) if len(row) >= 2 and row[0] in labels and AMOUNT.match(row[-1])]


def test_each_receipt_prints_its_total_once_under_a_total_label_and_every_country_is_drawn():
    countries, cares = set(), set()
    for seed in range(150):
        doc = build(seed)
        record = doc.truth
        assert set(record) == KEYS and record["kind"] == "receipt_south" and record["doc_type"] == "receipt"
        assert record["currency"] == "EUR" and record["gross_total"] == record["total"] and record["issuer"]
        country = COUNTRIES[record["country"]]
        assert record["language"] == country.language
        total = Decimal(record["total"])
        assert total > 0 and after(doc, country.totals) == [total]
        countries.add(country.code)
        cares.add(record["care_type"])
    assert countries == {"IT", "ES", "PT"} and cares == {"pharmacy", "optical"}


def test_the_items_less_the_discount_are_the_total_and_the_included_tax_is_the_totals():
    discounted = 0
    for seed in range(150):
        doc = build(seed)
        country, total = COUNTRIES[doc.truth["country"]], Decimal(doc.truth["total"])
        items = [money(row[-1]) for row in cells(doc) if len(row) == 3 and row[1].endswith("%")]
        subtotal = after(doc, (country.subtotal[0],))
        off = after(doc, (country.subtotal[1],))
        if subtotal:
            discounted += 1
            assert sum(items) == subtotal[0] and subtotal[0] + off[0] == total and off[0] < 0
        else:
            assert sum(items) == total
        tax_rows = [" ".join(row) for row in cells(doc) if row and row[0].lower().startswith(("di cui iva", "iva incl"))]
        assert len(tax_rows) == 1
        tax = money(tax_rows[0].split()[-1])
        assert tax == (total - total / (1 + country.vat)).quantize(Decimal("0.01")) and tax < total
    assert discounted > 10


def test_the_cash_tendered_less_the_change_is_the_total():
    seen = 0
    for seed in range(150):
        doc = build(seed)
        country, total = COUNTRIES[doc.truth["country"]], Decimal(doc.truth["total"])
        tendered, change = after(doc, (country.cash[0],)), after(doc, (country.cash[1],))
        if tendered:
            seen += 1
            assert tendered[0] - change[0] == total and tendered[0] >= total
    assert seen > 30


def test_the_receipts_date_is_printed_in_its_countrys_order_and_the_same_seed_gives_the_same_receipt():
    for seed in range(60):
        doc = build(seed)
        day = date.fromisoformat(doc.truth["date"])
        printed = {"IT": f"{day:%d-%m-%Y}", "ES": f"{day:%d/%m/%Y}", "PT": f"{day:%Y-%m-%d}"}[doc.truth["country"]]
        assert any(row and row[0].startswith(printed) for row in cells(doc))
        assert build(seed).truth == doc.truth
