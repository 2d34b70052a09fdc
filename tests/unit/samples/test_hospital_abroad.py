"""The generator's hospital bills abroad (samples/generator/documents/hospital_abroad.py): a consultation or a
stay, in the country's language and currency, with a ground truth that adds up."""

from __future__ import annotations

import random
from decimal import Decimal

from samples.generator.documents import REGISTRY
from samples.generator.documents.hospital_abroad import COUNTRIES


def test_every_bill_is_a_consultation_or_a_stay_and_adds_up():
    seen = set()
    for seed in range(120):
        doc = REGISTRY["invoice_hospital_abroad"](random.Random(seed))
        record = doc.truth
        seen.add((record["country"], record["care_type"]))
        assert record["doc_type"] == "invoice" and record["kind"] == "invoice_hospital_abroad"
        assert (record["stay"] is not None) == (record["care_type"] == "hospitalisation")
        assert sum(Decimal(line["amount"]) for line in record["lines"]) == Decimal(record["total"])
        printed = " ".join(cell.text for row in doc.header + doc.body + doc.totals for cell in row.cells)
        assert record["issuer"] in printed and record["beneficiary"].split()[0] in printed
    assert {country for country, _ in seen} == {c.code for c in COUNTRIES}
    assert {care for _, care in seen} == {"hospitalisation", "general_practitioner"}
