"""The straight-through decision: a decisive value under its threshold is flagged with its field and page,
and holds the claim back for a manager; thresholds come from the rules file."""

from __future__ import annotations

import pytest

from models import DocType, Document, Field, FlagCode, Severity
from models.manifest import Beneficiary, Manifest
from tests.unit.validators.claim_fixtures import doc
from validators.decide import decide_status
from validators.rules_file import DEFAULT_RULES, RulesError, StraightThrough, load_rules, parse_rules
from validators.straight_through import doubtful_flags

THRESHOLDS = {"date": 0.9, "total": 0.8, "currency": 0.7, "care_type": 0.6, "beneficiary": 0.9}
LIMITS = load_rules(str(DEFAULT_RULES)).limits


def with_confidences(document: Document, page: int = 1, **confidences: float) -> Document:
    fields = {
        name: Field(value=f.value, raw=f.raw, confidence=confidences.get(name, f.confidence), page=page, bbox=None, rule=f.rule)
        for name, f in document.fields.items()
    }
    return document.model_copy(update={"fields": fields})


def bill(**confidences: float) -> Document:
    base = doc("facture.pdf", DocType.INVOICE, date="2026-11-02", total="45.00", currency="EUR", care_type="dental")
    return with_confidences(base, page=2, **{"date": 0.95, "total": 0.95, "currency": 0.95, "care_type": 0.95, **confidences})


def test_values_at_or_above_their_thresholds_raise_nothing():
    assert doubtful_flags([bill(total=0.8)], THRESHOLDS, None, LIMITS) == []


def test_a_value_under_its_threshold_is_named_with_its_page():
    flags = doubtful_flags([bill(total=0.79, date=0.5)], THRESHOLDS, None, LIMITS)
    assert [(f.code, f.details["field"], f.page, f.severity) for f in flags] == [
        (FlagCode.DOUBTFUL_FIELD, "date", 2, Severity.WARNING),
        (FlagCode.DOUBTFUL_FIELD, "total", 2, Severity.WARNING),
    ]
    total = flags[1]
    assert total.details == {"field": "total", "confidence": "0.790", "threshold": "0.8"}
    assert "45.00" in total.message and "page 2" in total.message_en


def test_a_value_the_two_readers_disagree_on_is_doubtful_whatever_its_confidence():
    base = bill(total=0.99)
    marked = base.fields["total"].model_copy(update={"rule": base.fields["total"].rule + "+readers_disagree"})
    document = base.model_copy(update={"fields": {**base.fields, "total": marked}})
    flags = doubtful_flags([document], THRESHOLDS, None, LIMITS)
    assert fields_of(flags) == [("total", "facture.pdf")] and flags[0].details["readers"] == "disagree"
    assert "les deux lectures de la page" in flags[0].message and "two readings of the page" in flags[0].message_en
    # the declaration stating that very amount settles it
    assert doubtful_flags([document], THRESHOLDS, Manifest(total_declared="45.00", currency="EUR"), LIMITS) == []


def test_a_doubtful_value_holds_the_claim_for_a_manager():
    document = bill(currency=0.2)
    status, reason = decide_status([document], doubtful_flags([document], THRESHOLDS, None, LIMITS))
    assert status.value == "needs_review" and reason == "doubtful_field"


def test_a_field_is_checked_only_where_it_decides_something():
    # a prescription requires no total: a total read on it, however doubtful, decides nothing
    prescription = with_confidences(
        doc("ordonnance.pdf", DocType.PRESCRIPTION, date="2026-11-02", total="3.00"), total=0.1, date=0.95
    )
    assert doubtful_flags([prescription], THRESHOLDS, None, LIMITS) == []
    # nor does its care type: the bills' says what is reimbursed
    prescription = with_confidences(
        doc("ordonnance.pdf", DocType.PRESCRIPTION, date="2026-11-02", care_type="pharmacy"), care_type=0.2, date=0.95
    )
    assert doubtful_flags([prescription], THRESHOLDS, None, LIMITS) == []
    # a field without a threshold is not checked; a field absent is missing_<field>'s business
    assert doubtful_flags([bill(care_type=0.1)], {"date": 0.9}, None, LIMITS) == []
    assert doubtful_flags([doc("facture.pdf", DocType.INVOICE)], THRESHOLDS, None, LIMITS) == []


def test_the_thresholds_live_in_the_rules_file():
    shipped = load_rules(str(DEFAULT_RULES)).straight_through.thresholds()
    assert {"date", "total", "currency"} <= set(shipped)
    assert all(0.5 <= value < 1 for value in shipped.values())
    assert StraightThrough().thresholds() == {}  # a rules file without the table checks nothing


def test_a_threshold_outside_zero_to_one_is_refused():
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    text = text.split("[straight_through]")[0] + "[straight_through]\ndate = 1.5\n"
    with pytest.raises(RulesError, match=r"straight_through\.date"):
        parse_rules(text, "test rules")


def fields_of(flags) -> list[tuple[str, str | None]]:
    return [(f.details["field"], f.file) for f in flags]


def test_a_value_the_declaration_states_exactly_is_trusted():
    document = bill(total=0.5, currency=0.3, care_type=0.2)
    declared = Manifest(total_declared="45.00", currency="EUR", care_types=("dental",))
    assert doubtful_flags([document], THRESHOLDS, declared, LIMITS) == []
    # a declaration within the tolerance of the consistency checks, but not exact, is no corroboration
    near = Manifest(total_declared="45.01", currency="EUR", care_types=("optical",))
    assert fields_of(doubtful_flags([document], THRESHOLDS, near, LIMITS)) == [
        ("total", "facture.pdf"),
        ("care_type", "facture.pdf"),
    ]


def test_the_bills_adding_up_to_the_declared_total_corroborate_each_other():
    first = with_confidences(
        doc("a.pdf", DocType.INVOICE, date="2026-11-02", total="45.00", currency="EUR"), total=0.5, date=0.95, currency=0.95
    )
    second = with_confidences(
        doc("b.pdf", DocType.INVOICE, date="2026-11-03", total="15.50", currency="EUR"), total=0.5, date=0.95, currency=0.95
    )
    assert doubtful_flags([first, second], THRESHOLDS, Manifest(total_declared="60.50"), LIMITS) == []
    assert fields_of(doubtful_flags([first, second], THRESHOLDS, Manifest(total_declared="60.00"), LIMITS)) == [
        ("total", "a.pdf"),
        ("total", "b.pdf"),
    ]


def test_an_invoice_and_its_receipt_showing_the_same_values_corroborate_each_other():
    invoice = bill(total=0.5, date=0.5)
    receipt = with_confidences(
        doc("ticket.jpg", DocType.RECEIPT, date="2026-11-02", total="45.00", currency="EUR"), total=0.99, date=0.99, currency=0.99
    )
    assert doubtful_flags([invoice, receipt], THRESHOLDS, None, LIMITS) == []
    other_day = with_confidences(doc("ticket.jpg", DocType.RECEIPT, date="2026-11-05", total="45.00", currency="EUR"), date=0.99)
    assert fields_of(doubtful_flags([invoice, other_day], THRESHOLDS, None, LIMITS)) == [("date", "facture.pdf")]


def test_a_doubtful_beneficiary_is_trusted_when_it_is_the_declared_one():
    named = with_confidences(
        doc("facture.pdf", DocType.INVOICE, date="2026-11-02", total="45.00", currency="EUR", beneficiary="MOREL Léa"),
        beneficiary=0.5,
    )
    assert doubtful_flags([named], {"beneficiary": 0.9}, Manifest(beneficiary=Beneficiary(name="Léa Morel")), LIMITS) == []
    assert fields_of(
        doubtful_flags([named], {"beneficiary": 0.9}, Manifest(beneficiary=Beneficiary(name="Paul Girard")), LIMITS)
    ) == [("beneficiary", "facture.pdf")]
