"""The French medical-aid invoice builder (glasses, hearing aids): its items add up to the invoice's total,
under third-party payment the patient's share is that total less the AMO and AMC parts and is printed under
its label, the identifiers printed are valid, and a seed gives the same invoice."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from price_parser import Price
from stdnum import luhn
from stdnum.fr import nir, siret

from samples.generator.documents import REGISTRY, common, equipment

KEYS = set(common.truth("x", "x", None, date(2020, 1, 1)))


def build(seed: int):
    return REGISTRY["invoice_equipment"](random.Random(seed), pages=1 + seed % 2)


def labelled(doc, labels) -> list[str]:
    """The amounts printed right of the totals' rows labelled with one of `labels`, as printed."""
    return [row.cells[-1].text for row in doc.totals if row.cells and row.cells[0].text in labels]


def test_items_add_up_to_the_total_and_both_aids_are_drawn():
    cares = set()
    for seed in range(120):
        doc = build(seed)
        record = doc.truth
        assert set(record) == KEYS and record["kind"] == "invoice_equipment" and record["doc_type"] == "invoice"
        gross = Decimal(record["gross_total"])
        assert sum(Decimal(line["amount"]) for line in record["lines"]) == gross == sum(r.amount for r in doc.body)
        assert labelled(doc, tuple(equipment.TOTAL_LABELS)) == [doc.money(gross)]
        cares.add(record["care_type"])
    assert cares == {"optical", "hearing"}


def test_the_patients_share_is_the_total_less_the_insurers_parts():
    split = 0
    for seed in range(120):
        doc = build(seed)
        total, gross = Decimal(doc.truth["total"]), Decimal(doc.truth["gross_total"])
        if total == gross:
            assert "third_party_payment" not in doc.truth["traps"]
            continue
        split += 1
        shares = [
            row for row in doc.totals if row.cells and row.cells[0].text.startswith(("Part A", "Part S", "Part c", "Prise"))
        ]
        paid_by_insurers = sum(Price.fromstring(row.cells[-1].text.replace("€", ",")).amount for row in shares)
        assert len(shares) == 2 and gross - paid_by_insurers == total > 0 and "third_party_payment" in doc.truth["traps"]
        assert labelled(doc, tuple(equipment.REST_LABELS)) == [doc.money(total)]
    assert split > 20


def test_identifiers_are_valid_and_a_seed_gives_the_same_invoice():
    for seed in range(40):
        doc = build(seed)
        ids = doc.truth["identifiers"]
        assert siret.is_valid(ids["siret"]) and len(ids["adeli"]) == 9 and luhn.is_valid(ids["adeli"])
        assert "nir" not in ids or nir.is_valid(ids["nir"])
        again = build(seed)
        assert doc.truth == again.truth and [[c.text for c in r.cells] for r in doc.header] == [
            [c.text for c in r.cells] for r in again.header
        ]
