"""The rules file, required proofs, coverage, consistency and duplicates on hand-built documents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from models import DocType, Flag, FlagCode, Severity
from models.manifest import Beneficiary, Manifest
from tests.unit.validators.claim_fixtures import doc, item
from validators.consistency import beneficiary_flags, date_flags, name_key, payment_flags, same_person
from validators.coverage import coverage_flags
from validators.duplicates import Seen, duplicate_flags, hamming
from validators.proofs import missing_proof_flags, required_proofs
from validators.request_facts import request_facts
from validators.rules_file import DEFAULT_RULES, RulesError, load_rules, parse_rules

RULES = load_rules(str(DEFAULT_RULES))
TODAY = date(2026, 11, 20)


def missing(documents, manifest=None) -> list[str]:
    return [f.code.value for f in missing_proof_flags(request_facts(documents, manifest), RULES)]


def test_rules_file_errors_are_explained():
    with pytest.raises(RulesError, match="not valid TOML"):
        parse_rules("limits = [", "bad.toml")
    broken = DEFAULT_RULES.read_text(encoding="utf-8").replace(
        'requires = ["invoice", "prescription"]', 'requires = ["invoice", "ordonance"]', 1
    )
    with pytest.raises(RulesError, match="unknown proofs: ordonance"):
        parse_rules(broken, "typo.toml")


def test_care_type_read_on_the_documents_decides_the_proofs():
    invoice = doc("f.pdf", DocType.INVOICE, care_type="physiotherapy", date="2026-11-01")
    assert missing([invoice]) == ["missing_prescription", "missing_session_dates"]
    sessions = doc(
        "f.pdf",
        DocType.INVOICE,
        care_type="physiotherapy",
        first_session="2026-10-01",
        last_session="2026-10-20",
        session_count="6",
    )
    assert missing([sessions, doc("o.jpg", DocType.PRESCRIPTION, care_type="physiotherapy")]) == []


def test_declaration_wins_over_the_documents():
    invoice = doc("f.pdf", DocType.INVOICE, care_type="pharmacy")
    assert "missing_posting_certificate" in missing([invoice], Manifest(posted=True))
    abroad = Manifest(situation="abroad", planned=True, care_types=("hospitalisation",))
    assert set(missing([invoice], abroad)) == {"missing_proof_of_payment", "missing_prior_authorisation", "missing_stay_dates"}


def test_doctor_without_invoice_needs_a_care_sheet():
    prescription = doc("o.jpg", DocType.PRESCRIPTION, care_type="general_practitioner")
    assert missing([prescription]) == ["missing_care_sheet"]
    assert missing([prescription, doc("cs.jpg", DocType.CARE_SHEET, care_type="general_practitioner")]) == []


def test_first_student_request_needs_affiliation_and_bank_details():
    invoice = doc("f.pdf", DocType.INVOICE, care_type="dental")
    assert missing([invoice], Manifest(first_request=True, student=True)) == ["missing_affiliation_proof", "missing_bank_details"]


def test_an_illegible_proof_is_missing_and_named():
    blurred = Flag(code=FlagCode.ILLEGIBLE, severity=Severity.ERROR, message="m", file="o.jpg", page=1)
    flags = missing_proof_flags(
        request_facts(
            [doc("f.pdf", DocType.INVOICE, care_type="pharmacy"), doc("o.jpg", DocType.PRESCRIPTION, flags=(blurred,))], None
        ),
        RULES,
    )
    assert [f.code for f in flags] == [FlagCode.MISSING_PRESCRIPTION] and flags[0].details["illegible"] == "o.jpg page 1"


def test_required_proofs_follow_rules_order_once():
    facts = request_facts([doc("f.pdf", DocType.INVOICE, care_type="pharmacy", currency="JPY")], None)
    assert required_proofs(facts, RULES) == ["invoice", "prescription", "proof_of_payment"]


def test_only_non_covered_lines_reject_the_request():
    hygiene = doc(
        "f.pdf", DocType.INVOICE, items=(item("Gel douche surgras 500 ml (NR)", "6.90"), item("Crème hydratante 200 ml", "9.90"))
    )
    flags, nothing = coverage_flags([hygiene], RULES.not_covered)
    assert nothing and flags[0].severity is Severity.ERROR and flags[0].details["count"] == "2"
    mixed = doc("g.pdf", DocType.INVOICE, items=(item("Doliprane 1000 mg", "2.18"), item("Gel douche (NR)", "6.90")))
    flags, nothing = coverage_flags([mixed], RULES.not_covered)
    assert not nothing and flags[0].severity is Severity.INFO and "Gel douche" in flags[0].details["lines"]


def test_payment_matches_an_invoice_or_their_sum():
    limits = RULES.limits
    bills = [doc("a.pdf", DocType.INVOICE, total="40.00"), doc("b.pdf", DocType.INVOICE, total="12.50")]
    assert payment_flags([*bills, doc("t.png", DocType.RECEIPT, total="52.50")], limits) == []
    assert payment_flags([*bills, doc("t.png", DocType.RECEIPT, total="12.50")], limits) == []
    flags = payment_flags([*bills, doc("t.png", DocType.RECEIPT, total="61.00")], limits)
    assert [f.code for f in flags] == [FlagCode.AMOUNT_MISMATCH] and flags[0].file == "t.png"


def test_dates_against_the_stay_and_the_limits():
    manifest = Manifest(stay={"start": "2026-10-01", "end": "2026-10-15"})
    inside = doc("a.pdf", DocType.INVOICE, date="2026-10-05")
    outside = doc("b.pdf", DocType.INVOICE, date="2026-10-20")
    future = doc("c.pdf", DocType.RECEIPT, date="2026-12-24")
    old = doc("d.pdf", DocType.INVOICE, date="2023-01-05")
    flags = date_flags([inside, outside, future, old], manifest, RULES.limits, TODAY)
    assert [(f.code.value, f.file) for f in flags] == [
        ("date_outside_stay", "b.pdf"),
        ("date_outside_stay", "c.pdf"),
        ("date_out_of_range", "c.pdf"),
        ("date_outside_stay", "d.pdf"),
        ("date_out_of_range", "d.pdf"),
    ]
    assert (flags[0].details["declared"], flags[0].details["read"]) == (
        f"{manifest.stay.start.isoformat()} / {manifest.stay.end.isoformat()}",
        flags[0].details["date"],
    )


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Claire DUBOIS", "DUBOIS Claire", True),
        ("Mme Claire Dubois", "Claire Duboiss", True),
        ("Claire Dubois", "Karim Benali", False),
        ("LE GOFF Nathalie", "Nathalie Le Goff", True),
    ],
)
def test_same_person(a, b, same):
    assert same_person(a, b, RULES.limits) is same


def test_one_beneficiary_per_request():
    a = doc("a.pdf", DocType.INVOICE, beneficiary="DUBOIS Claire")
    b = doc("b.jpg", DocType.PRESCRIPTION, beneficiary="Claire Dubois")
    c = doc("c.jpg", DocType.PRESCRIPTION, beneficiary="Karim Benali")
    assert beneficiary_flags([a, b], None, RULES.limits) == []
    flags = beneficiary_flags([a, b, c], None, RULES.limits)
    assert flags[0].code is FlagCode.MULTIPLE_BENEFICIARIES and flags[0].details["files"] == "c.jpg"
    assert flags[0].details["reference"] == "a.pdf : DUBOIS Claire" and flags[0].details["read"] == "c.jpg : Karim Benali"
    assert name_key("Dubois, Claire") == "claire dubois"


def test_the_declared_beneficiary_is_what_the_documents_are_compared_with():
    """Both documents name the same person, who is not the one declared: the flag says who was declared."""
    a = doc("a.pdf", DocType.INVOICE, beneficiary="Léa Morel")
    b = doc("b.jpg", DocType.PRESCRIPTION, beneficiary="MOREL Léa")
    (flag,) = beneficiary_flags([a, b], Manifest(beneficiary=Beneficiary(name="Claire Dubois")), RULES.limits)
    assert flag.details == {"files": "a.pdf, b.jpg", "declared": "Claire Dubois", "read": "a.pdf : Léa Morel; b.jpg : MOREL Léa"}


def test_near_identical_pages_are_duplicates():
    assert hamming("ffff0000ffff0000", "ffff0000ffff0001") == 1
    earlier = [Seen("CLM-20261001-OLD001", "scan.jpg", "1" * 64, ("ffff0000ffff0000",))]
    again = doc("photo.jpg", DocType.INVOICE)
    again = again.model_copy(update={"pages": ()})
    assert duplicate_flags("CLM-20261120-ABC123", [again], earlier, 6) == []  # no page hash: only sha256 can match
    same_file = doc("copie.jpg", DocType.INVOICE, sha="1" * 64)
    flags = duplicate_flags("CLM-20261120-ABC123", [same_file], earlier, 6)
    assert flags[0].details == {"earlier_claim_id": "CLM-20261001-OLD001", "earlier_file": "scan.jpg", "match": "identical"}


def test_declared_total_is_compared_in_its_currency():
    from validators.consistency import declared_flags

    bills = [doc("a.pdf", DocType.INVOICE, total="40.00", currency="EUR")]
    assert declared_flags(bills, Manifest(total_declared=Decimal("40.00"), currency="EUR"), RULES.limits) == []
    flags = declared_flags(bills, Manifest(total_declared=Decimal("55.00"), currency="EUR"), RULES.limits)
    assert [f.code for f in flags] == [FlagCode.DECLARED_TOTAL_MISMATCH]


def test_look_alike_pages_saying_different_things_are_not_duplicates():
    from validators.duplicates import fingerprint

    page = {"phash": "ffff0000ffff0000"}
    earlier_doc = doc("ticket.png", DocType.RECEIPT, total="12.00", date="2026-10-01")
    earlier = [fingerprint("CLM-20261001-OLD001", earlier_doc.model_copy(update={"pages": (_page(**page),)}))]
    rescan = doc("ticket-photo.jpg", DocType.RECEIPT, total="12.00", date="2026-10-01").model_copy(
        update={"pages": (_page(phash="ffff0000ffff0003"),)}
    )
    other = doc("autre.jpg", DocType.RECEIPT, total="48.10", date="2026-10-03").model_copy(
        update={"pages": (_page(phash="ffff0000ffff0000"),)}
    )
    flags = duplicate_flags("CLM-20261120-ABC123", [rescan, other], earlier, 6)
    assert [(f.file, f.details["match"]) for f in flags] == [("ticket-photo.jpg", "near-identical")]


def _page(phash: str):
    from models import PageInfo, TextSource

    return PageInfo(
        page=1,
        width=100,
        height=141,
        dpi=200,
        source=TextSource.OCR,
        rotation=0,
        skew=0.0,
        word_count=10,
        mean_confidence=0.9,
        a4_portrait=True,
        phash=phash,
    )


def test_look_alike_prescriptions_of_two_patients_on_one_day_are_not_duplicates():
    """A proof without an amount is told apart by its beneficiary; with neither, only identical bytes match."""
    from validators.duplicates import fingerprint

    def prescription(file: str, phash: str, **fields: str):
        return doc(file, DocType.PRESCRIPTION, date="2026-10-01", **fields).model_copy(update={"pages": (_page(phash=phash),)})

    earlier = [fingerprint("CLM-20261001-OLD001", prescription("ordonnance.pdf", "ffff0000ffff0000", beneficiary="Claire Morel"))]
    other_patient = prescription("ordonnance-2.pdf", "ffff0000ffff0001", beneficiary="Jean Dupont")
    same_patient = prescription("ordonnance-3.pdf", "ffff0000ffff0001", beneficiary="CLAIRE MOREL")
    nobody = prescription("ordonnance-4.pdf", "ffff0000ffff0000")
    flags = duplicate_flags("CLM-20261120-ABC123", [other_patient], earlier, 6)
    assert flags == []
    flags = duplicate_flags("CLM-20261121-ABC124", [same_patient], earlier, 6)
    assert [(f.file, f.details["match"]) for f in flags] == [("ordonnance-3.pdf", "near-identical")]
    assert (
        duplicate_flags(
            "CLM-20261122-ABC125",
            [nobody],
            [fingerprint("CLM-20261001-OLD001", nobody.model_copy(update={"file": "x.pdf", "sha256": "1" * 64}))],
            6,
        )
        == []
    )
