"""review.apply: the machine's claim with the managers' events applied, checks run again where they depend
on what was corrected."""

from __future__ import annotations

from datetime import timedelta

from models import ClaimStatus, DocType, Flag, FlagCode, Severity
from models.review import Decision, ReviewAction
from review.apply import REVIEW_RULE, document_key, flag_keys, keyed_flags, reviewed_claim
from tests.unit.review.review_claims import NOW, RULES, document, event, fld, invoice, machine_claim, pharmacy_claim
from validators.assessment import CARRIED

INVOICE = "facture.pdf#0"
PRESCRIPTION = "ordonnance.pdf#0"
MISSING_PRESCRIPTION = "missing_prescription:-:0:1"


def codes(claim) -> list[str]:
    return sorted(f.code.value for f in claim.all_flags())


def doc(claim, key):
    return next(d for d in claim.documents if document_key(d) == key)


# -- keys -----------------------------------------------------------------------------------------
def test_document_key_is_file_and_part():
    assert document_key(document("a.pdf", DocType.INVOICE)) == "a.pdf#0"
    assert document_key(document("lot.pdf", DocType.INVOICE, part=2)) == "lot.pdf#2"


def test_flag_keys_rank_flags_sharing_code_file_and_page():
    def flag(code, file=None, page=None):
        return Flag(code=code, severity=Severity.WARNING, message="m", file=file, page=page)

    flags = [
        flag(FlagCode.ILLEGIBLE, "a.pdf", 2),
        flag(FlagCode.ILLEGIBLE, "a.pdf", 2),
        flag(FlagCode.ILLEGIBLE, "a.pdf", 3),
        flag(FlagCode.MISSING_PROOF),
        flag(FlagCode.MISSING_PROOF),
        flag(FlagCode.ILLEGIBLE, "b.pdf", 2),
    ]
    assert flag_keys(flags) == [
        "illegible:a.pdf:2:1",
        "illegible:a.pdf:2:2",
        "illegible:a.pdf:3:1",
        "missing_proof:-:0:1",
        "missing_proof:-:0:2",
        "illegible:b.pdf:2:1",
    ]


def test_keyed_flags_follow_all_flags_order():
    claim = machine_claim(invoice(currency=""), document("ordonnance.pdf", DocType.OTHER))
    keyed = keyed_flags(claim)
    assert [f for _, f in keyed] == claim.all_flags()
    assert [k for k, _ in keyed] == ["missing_prescription:-:0:1", "missing_currency:facture.pdf:0:1"]


# -- no events ------------------------------------------------------------------------------------
def test_no_events_returns_the_machine_claim_itself():
    machine = pharmacy_claim()
    assert machine.status is ClaimStatus.NEEDS_REVIEW and codes(machine) == ["missing_prescription"]
    assert reviewed_claim(machine, [], RULES) is machine
    assert reviewed_claim(machine, (), RULES).review is None


# -- correcting a field ---------------------------------------------------------------------------
def test_correct_field_changes_the_value_and_records_the_correction():
    machine = pharmacy_claim()
    claim = reviewed_claim(
        machine, [event(1, ReviewAction.CORRECT_FIELD, document=INVOICE, field="total", before="45.30", after="54.30")], RULES
    )
    total = doc(claim, INVOICE).fields["total"]
    assert (total.value, total.confidence, total.rule) == ("54.30", 1.0, REVIEW_RULE)
    machine_total = doc(machine, INVOICE).fields["total"]
    assert (total.raw, total.page, total.bbox) == (machine_total.raw, machine_total.page, machine_total.bbox)  # provenance kept
    [correction] = claim.review.corrections
    assert (correction.document, correction.field, correction.machine_value, correction.corrected_value, correction.by) == (
        INVOICE,
        "total",
        "45.30",
        "54.30",
        "marie",
    )
    assert doc(machine, INVOICE).fields["total"].value == "45.30"  # the machine claim is untouched


def test_correcting_again_keeps_one_correction_against_the_machine_value():
    events = [
        event(1, ReviewAction.CORRECT_FIELD, document=INVOICE, field="total", after="54.30"),
        event(2, ReviewAction.CORRECT_FIELD, document=INVOICE, field="total", after="50.00", by="paul"),
    ]
    claim = reviewed_claim(pharmacy_claim(), events, RULES)
    [correction] = claim.review.corrections
    assert (correction.machine_value, correction.corrected_value, correction.by) == ("45.30", "50.00", "paul")


def test_correcting_back_to_the_machine_value_removes_the_correction():
    events = [
        event(1, ReviewAction.CORRECT_FIELD, document=INVOICE, field="total", after="54.30"),
        event(2, ReviewAction.CORRECT_FIELD, document=INVOICE, field="date", after="2026-11-11"),
        event(3, ReviewAction.CORRECT_FIELD, document=INVOICE, field="total", after="45.30"),
    ]
    claim = reviewed_claim(pharmacy_claim(), events, RULES)
    assert doc(claim, INVOICE).fields["total"].value == "45.30"
    assert [(c.field, c.corrected_value) for c in claim.review.corrections] == [("date", "2026-11-11")]


def test_adding_a_missing_field_clears_its_flag():
    machine = machine_claim(invoice(currency="", care_type="dental"))
    assert codes(machine) == ["missing_currency"]
    claim = reviewed_claim(
        machine, [event(1, ReviewAction.CORRECT_FIELD, document=INVOICE, field="currency", after="EUR")], RULES
    )
    added = doc(claim, INVOICE).fields["currency"]
    assert (added.value, added.raw, added.confidence, added.rule, added.page, added.bbox) == (
        "EUR",
        "",
        1.0,
        REVIEW_RULE,
        1,
        None,
    )
    assert claim.review.corrections[0].machine_value is None
    assert codes(claim) == []
    assert (claim.status, claim.status_reason) == (ClaimStatus.READY, None)


def test_a_doubtful_total_corrected_by_a_manager_is_no_longer_doubtful():
    doubtful = document(
        "facture.pdf",
        DocType.INVOICE,
        date="2026-11-10",
        total=fld("45.30", confidence=0.6),
        currency="EUR",
        care_type="dental",
        issuer="Cabinet dentaire",
    )
    machine = machine_claim(doubtful)
    assert codes(machine) == ["doubtful_field"] and machine.status is ClaimStatus.NEEDS_REVIEW
    claim = reviewed_claim(machine, [event(1, ReviewAction.CORRECT_FIELD, document=INVOICE, field="total", after="45.30")], RULES)
    assert doc(claim, INVOICE).fields["total"].confidence == 1.0
    assert codes(claim) == [] and (claim.status, claim.status_reason) == (ClaimStatus.READY, None)


def test_correcting_the_care_type_runs_the_proof_rules_again():
    machine = pharmacy_claim()
    claim = reviewed_claim(
        machine, [event(1, ReviewAction.CORRECT_FIELD, document=INVOICE, field="care_type", after="dental")], RULES
    )
    assert "missing_prescription" not in codes(claim)  # dental needs the invoice only
    assert claim.status is ClaimStatus.READY


def test_events_are_applied_in_seq_order_whatever_the_list_order():
    events = [
        event(2, ReviewAction.CORRECT_FIELD, document=INVOICE, field="total", after="60.00"),
        event(1, ReviewAction.CORRECT_FIELD, document=INVOICE, field="total", after="54.30"),
    ]
    assert doc(reviewed_claim(pharmacy_claim(), events, RULES), INVOICE).fields["total"].value == "60.00"


def test_events_on_a_document_that_is_gone_are_skipped():
    machine = pharmacy_claim()
    claim = reviewed_claim(
        machine, [event(1, ReviewAction.CORRECT_FIELD, document="ancienne.pdf#0", field="total", after="1.00")], RULES
    )
    assert claim.documents == machine.documents
    assert claim.review.corrections == ()
    assert codes(claim) == codes(machine)


# -- document type --------------------------------------------------------------------------------
def test_setting_the_prescription_type_clears_missing_prescription():
    machine = pharmacy_claim()
    claim = reviewed_claim(
        machine, [event(1, ReviewAction.SET_DOC_TYPE, document=PRESCRIPTION, before="other", after="prescription")], RULES
    )
    prescription = doc(claim, PRESCRIPTION)
    assert (prescription.doc_type, prescription.doc_type_score) == (DocType.PRESCRIPTION, 1.0)
    assert prescription.doc_type_reasons[-1] == REVIEW_RULE
    assert codes(claim) == []
    assert claim.status is ClaimStatus.READY
    [correction] = claim.review.corrections
    assert (correction.document, correction.field, correction.machine_value, correction.corrected_value) == (
        PRESCRIPTION,
        "doc_type",
        "other",
        "prescription",
    )


def test_a_new_type_brings_the_field_checks_of_that_type():
    machine = pharmacy_claim()
    claim = reviewed_claim(machine, [event(1, ReviewAction.SET_DOC_TYPE, document=PRESCRIPTION, after="receipt")], RULES)
    receipt_flags = sorted(f.code.value for f in doc(claim, PRESCRIPTION).flags)
    assert receipt_flags == ["missing_currency", "missing_total"]  # a receipt carries amounts
    assert "missing_prescription" in codes(claim)


def test_setting_the_type_back_removes_the_correction():
    events = [
        event(1, ReviewAction.SET_DOC_TYPE, document=PRESCRIPTION, after="prescription"),
        event(2, ReviewAction.SET_DOC_TYPE, document=PRESCRIPTION, after="other"),
    ]
    claim = reviewed_claim(pharmacy_claim(), events, RULES)
    assert claim.review.corrections == ()
    assert codes(claim) == ["missing_prescription"]


# -- flags ----------------------------------------------------------------------------------------
def test_dismiss_flag_removes_it_and_lists_it():
    claim = reviewed_claim(
        pharmacy_claim(),
        [event(1, ReviewAction.DISMISS_FLAG, flag=MISSING_PRESCRIPTION, reason="ordonnance vue sur la facture")],
        RULES,
    )
    assert codes(claim) == []
    [dismissed] = claim.review.dismissed_flags
    assert (dismissed.key, dismissed.code, dismissed.reason, dismissed.by) == (
        MISSING_PRESCRIPTION,
        "missing_prescription",
        "ordonnance vue sur la facture",
        "marie",
    )
    assert claim.status is ClaimStatus.READY  # nothing blocking is left


def test_dismissing_one_flag_keeps_the_others():
    machine = machine_claim(invoice(currency=""), document("ordonnance.pdf", DocType.OTHER))
    claim = reviewed_claim(
        machine, [event(1, ReviewAction.DISMISS_FLAG, flag="missing_currency:facture.pdf:0:1", reason="r")], RULES
    )
    assert codes(claim) == ["missing_prescription"]
    assert claim.status is ClaimStatus.NEEDS_REVIEW
    assert claim.status_reason == "missing_prescription"


def test_history_flags_are_kept_as_the_intake_found_them():
    duplicate = Flag(
        code=FlagCode.DUPLICATE_DOCUMENT,
        severity=Severity.WARNING,
        message="déjà reçu",
        details={"claim_id": "CLM-20261001-AAAAAA"},
    )
    machine = pharmacy_claim(history_flags=(duplicate,))
    assert FlagCode.DUPLICATE_DOCUMENT in CARRIED
    claim = reviewed_claim(machine, [event(1, ReviewAction.SET_DOC_TYPE, document=PRESCRIPTION, after="prescription")], RULES)
    assert codes(claim) == ["duplicate_document"]
    assert claim.flags[0] == duplicate
    assert claim.status is ClaimStatus.NEEDS_REVIEW


# -- requests for proofs and decisions ------------------------------------------------------------
def test_request_proofs_is_recorded_without_changing_the_claim():
    machine = pharmacy_claim()
    claim = reviewed_claim(machine, [event(1, ReviewAction.REQUEST_PROOFS, reason="envoyez l'ordonnance", minutes=5)], RULES)
    assert claim.review.proofs_requested_at == (NOW + timedelta(hours=1, minutes=5),)
    assert codes(claim) == codes(machine) and claim.status is ClaimStatus.NEEDS_REVIEW


def test_approve_makes_the_claim_ready_with_the_decision():
    machine = pharmacy_claim()
    claim = reviewed_claim(
        machine,
        [
            event(1, ReviewAction.CORRECT_FIELD, document=INVOICE, field="total", after="54.30"),
            event(2, ReviewAction.APPROVE, minutes=2),
        ],
        RULES,
    )
    assert claim.status is ClaimStatus.READY
    assert claim.status_reason == "approuvée par marie"
    review = claim.review
    assert (review.decision, review.decided_by, review.decided_at) == (
        Decision.APPROVED,
        "marie",
        NOW + timedelta(hours=1, minutes=2),
    )
    assert doc(claim, INVOICE).fields["total"].value == "54.30"
    assert "missing_prescription" in codes(claim)  # approved over the flag: the flag stays for adjudication to see


def test_approve_with_a_note_puts_it_in_the_reason():
    claim = reviewed_claim(pharmacy_claim(), [event(1, ReviewAction.APPROVE, reason="ordonnance en pharmacie")], RULES)
    assert claim.status_reason == "approuvée par marie : ordonnance en pharmacie"


def test_reject_sets_the_status_and_the_reason():
    claim = reviewed_claim(pharmacy_claim(), [event(1, ReviewAction.REJECT, by="paul", reason="hors délai")], RULES)
    assert (claim.status, claim.status_reason) == (ClaimStatus.REJECTED, "hors délai")
    assert (claim.review.decision, claim.review.decided_by, claim.review.reason) == (Decision.REJECTED, "paul", "hors délai")


def test_review_on_a_ready_claim_keeps_it_ready():
    machine = machine_claim(invoice(care_type="dental"))
    claim = reviewed_claim(
        machine, [event(1, ReviewAction.CORRECT_FIELD, document=INVOICE, field="issuer", after="Dr Martin")], RULES
    )
    assert claim.status is ClaimStatus.READY
    assert doc(claim, INVOICE).fields["issuer"].value == "Dr Martin"


# -- a claim answered after a request for proofs ----------------------------------------------------
def test_a_review_event_does_not_raise_date_flags_the_intake_did_not():
    """The intake checks a reply's documents with the reply's date as `today`; a review event must not
    re-check them against the claim's creation date instead."""
    reply_at = NOW + timedelta(days=30)
    reissued = invoice("facture-detaillee.pdf", date=(NOW + timedelta(days=20)).date().isoformat())
    machine = machine_claim(
        reissued, document("ordonnance.pdf", DocType.OTHER, date="2026-11-09"), replies=(reply_at.isoformat(),), today=reply_at
    )
    assert codes(machine) == ["missing_prescription"]
    claim = reviewed_claim(machine, [event(1, ReviewAction.SET_DOC_TYPE, document=PRESCRIPTION, after="prescription")], RULES)
    assert "date_out_of_range" not in codes(claim)


# -- flag keys across re-checks -------------------------------------------------------------------
CUSTOM_PROOFS = """
[proofs.dental_report]
doc_types = ["quote"]
label_fr = "le compte rendu dentaire"
label_en = "the dental report"
send_fr = "le compte rendu du dentiste"
send_en = "the dentist's report"

[proofs.dental_referral]
doc_types = ["care_sheet"]
label_fr = "la lettre d'orientation"
label_en = "the referral letter"
send_fr = "la lettre d'orientation du médecin"
send_en = "the doctor's referral letter"

[[requirements]]
when = { care_types = ["dental"] }
requires = ["dental_report", "dental_referral"]
"""


def custom_rules():
    from validators.rules_file import DEFAULT_RULES, parse_rules

    return parse_rules(DEFAULT_RULES.read_text(encoding="utf-8") + CUSTOM_PROOFS, "custom")


def test_two_proofs_without_a_code_of_their_own_get_keys_naming_the_proof():
    rules = custom_rules()
    machine = machine_claim(invoice(care_type="dental"), document("devis.pdf", DocType.OTHER, date="2026-11-01"), rules=rules)
    assert [(k, f.details["proof"]) for k, f in keyed_flags(machine)] == [
        ("missing_proof:-:0:dental_report:1", "dental_report"),
        ("missing_proof:-:0:dental_referral:1", "dental_referral"),
    ]


def test_a_dismissal_does_not_hide_another_flag_after_a_recheck():
    rules = custom_rules()
    machine = machine_claim(invoice(care_type="dental"), document("devis.pdf", DocType.OTHER, date="2026-11-01"), rules=rules)
    events = [
        event(1, ReviewAction.DISMISS_FLAG, flag="missing_proof:-:0:dental_report:1", reason="compte rendu vu en agence"),
        event(2, ReviewAction.SET_DOC_TYPE, document="devis.pdf#0", after="quote"),
    ]
    claim = reviewed_claim(machine, events, rules)
    missing = [f.details.get("proof") for f in claim.all_flags() if f.code is FlagCode.MISSING_PROOF]
    assert missing == ["dental_referral"]  # the referral is still missing and nobody dismissed it


def test_a_corrected_foreign_total_is_put_in_euros_again():
    """USD at the ECB rate of 2024-03-28 (1.0811 per EUR): a manager's correction of the total changes
    the amount in euros and the claim's sum."""
    from validators.exchange import in_euros

    bill = in_euros(invoice("bill.pdf", date="2024-03-28", total="108.11", currency="USD"))
    machine = machine_claim(bill)
    assert doc(machine, "bill.pdf#0").fields["total_eur"].value == "100.00"
    claim = reviewed_claim(
        machine,
        [event(1, ReviewAction.CORRECT_FIELD, document="bill.pdf#0", field="total", before="108.11", after="216.22")],
        RULES,
    )
    assert doc(claim, "bill.pdf#0").fields["total_eur"].value == "200.00"
    assert claim.total_eur is not None and claim.total_eur.amount == "200.00"
