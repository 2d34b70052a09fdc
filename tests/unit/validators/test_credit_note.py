"""`credit_note`: a document whose total is refunded (a credit note's title, a negative total) is flagged
on the total's page and holds its claim for a manager; a bill raises nothing."""

from __future__ import annotations

from models import ClaimStatus, DocType, Field, FlagCode, Severity
from tests.unit.validators.claim_fixtures import doc
from validators.credit_note import credit_note_flags
from validators.decide import decide_status


def total(value: str, rule: str = "total.label_right", page: int = 2) -> dict[str, Field]:
    return {"total": Field(value=value, raw=value, confidence=0.9, page=page, bbox=None, rule=rule)}


def test_a_negative_total_is_a_refund_named_with_its_page_and_amount():
    flags = credit_note_flags("avoir.pdf", total("-2.18", "total.label_right+credit_note"))
    assert [(f.code, f.severity, f.page, f.details["read"]) for f in flags] == [
        (FlagCode.CREDIT_NOTE, Severity.WARNING, 2, "-2.18")
    ]
    assert "avoir.pdf" in flags[0].message and "-2.18" in (flags[0].message_en or "")


def test_a_credit_notes_title_is_enough_and_a_bill_raises_nothing():
    assert credit_note_flags("avoir.pdf", total("0.00", "total.label_right+credit_note"))
    assert credit_note_flags("facture.pdf", total("45.00")) == []
    assert credit_note_flags("ordonnance.pdf", {}) == []


def test_a_claim_with_a_credit_note_waits_for_a_manager():
    document = doc("avoir.pdf", DocType.INVOICE, date="2026-11-02", total="-2.18", currency="EUR")
    flags = credit_note_flags(document.file, document.fields)
    assert decide_status([document], flags)[0] is ClaimStatus.NEEDS_REVIEW
