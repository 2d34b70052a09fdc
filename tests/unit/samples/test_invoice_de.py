"""The German care invoice builder: its service rows add up to the invoice's total, the amount due is
that total less an insurer's share or a down payment, printed under its label, VAT is added or held
as the goods say, the IBAN printed is a valid German one, and a seed gives the same invoice."""

from __future__ import annotations

import random
import re
from datetime import date
from decimal import Decimal

from stdnum import iban as iban_check

from samples.generator import formats
from samples.generator.documents import REGISTRY, common, invoice_de
from samples.generator.layout import paginate

KEYS = set(common.truth("x", "x", None, date(2020, 1, 1)))
AMOUNT = re.compile(r"^-?\d{1,3}(?:\.\d{3})*,\d{2}(?: €| EUR)?$")


def build(seed: int):
    return REGISTRY["invoice_de"](random.Random(seed), pages=1 + seed % 3)


def money(shown: str) -> Decimal:
    return Decimal(shown.removesuffix(" €").removesuffix(" EUR").replace(".", "").replace(",", "."))


def labelled(rows, labels) -> list[Decimal]:
    """The amounts right of the rows whose first cell is one of `labels`."""
    found = []
    for row in rows:
        cells = [cell.text for cell in row.cells]
        if len(cells) >= 2 and cells[0] in labels and AMOUNT.match(cells[-1]):
            found.append(money(cells[-1]))
    return found


def test_the_service_rows_add_up_to_the_invoice_total_and_every_care_is_drawn():
    care_types = set()
    for seed in range(150):
        doc = build(seed)
        record = doc.truth
        assert set(record) == KEYS and record["kind"] == "invoice_de" and record["doc_type"] == "invoice"
        assert record["language"] == "de" and record["currency"] == "EUR" and record["issuer"]
        services = sum((row.amount for row in doc.body), Decimal("0"))
        added = [Decimal(line["amount"]) for line in record["lines"] if line["label"].startswith("zzgl.")]
        assert services > 0 and sum(Decimal(line["amount"]) for line in record["lines"]) == services + sum(added)
        assert Decimal(record["gross_total"]) == services + sum(added)  # a VAT added is billed: a line of its own
        care_types.add(record["care_type"])
    assert care_types == {
        "general_practitioner",
        "specialist",
        "dental",
        "physiotherapy",
        "optical",
        "hearing",
        "medical_equipment",
    }


def test_the_amount_due_is_printed_under_its_label_and_is_the_total_less_what_was_deducted():
    deducted = 0
    for seed in range(150):
        doc = build(seed)
        total, gross = Decimal(doc.truth["total"]), Decimal(doc.truth["gross_total"])
        rests = labelled(doc.totals, tuple(invoice_de.REST_LABELS + invoice_de.OWN_LABELS))
        if total != gross:
            deducted += 1
            assert rests == [total] and total > 0
            assert {"third_party_payment", "already_paid"} & set(doc.truth["traps"])
        grosses = labelled(doc.totals, (*invoice_de.DUE_LABELS, "Bruttobetrag"))
        assert gross in grosses
    assert deducted > 15


def test_vat_added_to_the_net_gives_the_gross():
    added = 0
    for seed in range(150):
        doc = build(seed)
        net = labelled(doc.totals, ("Nettobetrag", "Summe netto", "Zwischensumme netto"))
        tax = labelled(doc.totals, ("zzgl. 19 % MwSt.",))
        if net:
            added += 1
            assert net[0] + tax[0] == Decimal(doc.truth["gross_total"])
            assert tax[0] == (net[0] * Decimal("0.19")).quantize(Decimal("0.01"))
    assert added > 5


def test_the_iban_is_valid_and_a_seed_gives_the_same_invoice_on_every_page():
    for seed in range(40):
        doc = build(seed)
        iban = doc.truth["identifiers"]["iban"]
        assert iban.startswith("DE") and len(iban) == 22 and iban_check.is_valid(iban)
        again = build(seed)
        assert doc.truth == again.truth
        pages = paginate(doc, 1 + seed % 3)
        assert [[c.text for r in top for c in r.cells] for top, _ in pages] == [
            [c.text for r in top for c in r.cells] for top, _ in paginate(again, 1 + seed % 3)
        ]


def test_german_dates_are_printed_the_german_ways():
    day = date(2024, 3, 4)
    assert [formats.de_date(day, s) for s in ("dot", "short", "long", "iso")] == [
        "04.03.2024",
        "04.03.24",
        "4. März 2024",
        "2024-03-04",
    ]
