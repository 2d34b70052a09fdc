"""Claim-level checks on real generated documents read through the pipeline (no Prefect): required
proofs driven by the rules file, consistency between documents and with the declaration, duplicates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from infra.storage.local import LocalStorage
from intake.document_index import StorageIndex
from intake.pipeline import build_claim, documents_from_outcomes, read_page_outcome
from models import ClaimStatus, FlagCode
from models.manifest import Manifest
from samples.generator import fakes
from samples.generator.corpus import generate
from validators.claim_checks import CheckContext
from validators.rules_file import DEFAULT_RULES, load_rules, parse_rules
from validators.upload import check_uploads

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CARE_DAY = date(2026, 10, 14)


def read(paths: list[Path]):
    report = check_uploads(paths)
    documents = [
        d
        for u in report.accepted
        for d in documents_from_outcomes(u, [read_page_outcome(u, n) for n in range(1, u.page_count + 1)])
    ]
    return report, documents


def claim_of(paths: list[Path], manifest: Manifest | None = None, rules=None, earlier=(), claim_id: str = "CLM-20261120-TEST01"):
    report, documents = read(paths)
    context = CheckContext(rules=rules or load_rules(), today=NOW.date(), manifest=manifest, earlier=tuple(earlier))
    return build_claim(claim_id, report, documents, NOW, context)


def codes(claim) -> set[str]:
    return {f.code.value for f in claim.all_flags()}


@pytest.fixture(scope="module")
def patient():
    import random

    return fakes.person(random.Random(7), 1960, 1990)


@pytest.fixture(scope="module")
def pharmacy(tmp_path_factory, patient):
    folder = tmp_path_factory.mktemp("pharmacy")
    invoice = folder / "facture.pdf"
    truth = generate("pharmacy_invoice", "pdf_text", "clean", 4101, invoice, patient=patient, day=CARE_DAY, third_party=False)
    prescription = folder / "ordonnance.pdf"
    generate("prescription", "pdf_text", "clean", 4102, prescription, patient=patient, day=CARE_DAY - timedelta(days=3))
    return invoice, prescription, truth


def test_a_pharmacy_invoice_alone_misses_its_prescription(pharmacy):
    invoice, _, _ = pharmacy
    claim = claim_of([invoice])
    assert claim.status is ClaimStatus.NEEDS_REVIEW
    missing = [f for f in claim.flags if f.code is FlagCode.MISSING_PRESCRIPTION]
    assert len(missing) == 1 and missing[0].message_en == "Missing proof: the prescription."


def test_with_its_prescription_the_request_is_ready(pharmacy):
    invoice, prescription, _ = pharmacy
    claim = claim_of([invoice, prescription])
    assert claim.status is ClaimStatus.READY, [f.message for f in claim.all_flags()]


def test_the_rules_file_drives_the_required_proofs(pharmacy):
    invoice, _, _ = pharmacy
    text = DEFAULT_RULES.read_text(encoding="utf-8").replace(
        'care_types = ["pharmacy", "laboratory", "physiotherapy", "imaging"] }\nrequires = ["invoice", "prescription"]',
        'care_types = ["pharmacy", "laboratory", "physiotherapy", "imaging"] }\nrequires = ["invoice"]',
    )
    lenient = parse_rules(text, "lenient.toml")
    assert claim_of([invoice], rules=lenient).status is ClaimStatus.READY
    assert FlagCode.MISSING_PRESCRIPTION.value in codes(claim_of([invoice]))


def test_a_declared_renewal_needs_the_initial_prescription(pharmacy):
    invoice, prescription, _ = pharmacy
    claim = claim_of([invoice, prescription], Manifest(care_types=("pharmacy",), renewal=True))
    assert codes(claim) & {"missing_initial_prescription"} == {"missing_initial_prescription"}


def test_paid_by_card_matches_or_mismatches_the_invoice(tmp_path, pharmacy):
    invoice, prescription, truth = pharmacy
    good = tmp_path / "ticket.png"
    generate("card_ticket", "png", "clean", 4103, good, day=CARE_DAY, total=Decimal(truth["total"]))
    assert "amount_mismatch" not in codes(claim_of([invoice, prescription, good]))
    wrong = tmp_path / "ticket-autre.png"
    generate("card_ticket", "png", "clean", 4104, wrong, day=CARE_DAY, total=Decimal(truth["total"]) + Decimal("12.40"))
    claim = claim_of([invoice, prescription, wrong])
    assert "amount_mismatch" in codes(claim) and claim.status is ClaimStatus.NEEDS_REVIEW


def test_care_abroad_needs_a_proof_of_payment(tmp_path):
    clinic = tmp_path / "clinic.pdf"
    generate("invoice_jpy", "pdf_text", "clean", 4105, clinic, day=CARE_DAY)
    assert "missing_proof_of_payment" in codes(claim_of([clinic]))  # abroad read from the yen, no form


def test_declared_stay_total_and_currency(pharmacy):
    invoice, prescription, truth = pharmacy
    outside = Manifest(stay={"start": CARE_DAY + timedelta(days=5), "end": CARE_DAY + timedelta(days=20)})
    assert "date_outside_stay" in codes(claim_of([invoice, prescription], outside))
    more = Manifest(total_declared=Decimal(truth["total"]) + 100, currency="EUR")
    assert "declared_total_mismatch" in codes(claim_of([invoice, prescription], more))
    # the euro bill's amount declared in dollars: another currency, and compared in euros another amount too
    dollars = Manifest(total_declared=Decimal(truth["total"]), currency="USD")
    assert codes(claim_of([invoice, prescription], dollars)) & {"declared_total_mismatch", "declared_currency_mismatch"} == {
        "declared_currency_mismatch",
        "declared_total_mismatch",
    }
    right = Manifest(total_declared=Decimal(truth["total"]), currency="EUR")
    assert not {"declared_total_mismatch", "declared_currency_mismatch"} & codes(claim_of([invoice, prescription], right))


def test_a_yen_declaration_against_dollar_bills_is_compared_in_euros(tmp_path):
    from infra.tools.ecb_rates import ecb_rate

    bill = tmp_path / "bill.pdf"
    truth = generate("invoice_usd", "pdf_text", "clean", 4107, bill, day=CARE_DAY)
    usd, jpy = ecb_rate("USD", CARE_DAY).rate, ecb_rate("JPY", CARE_DAY).rate
    in_yen = (Decimal(truth["total"]) / usd * jpy).quantize(Decimal("1"))
    claim = claim_of([bill], Manifest(total_declared=in_yen, currency="JPY"))
    assert claim.total_eur is not None and claim.total_eur.amount == claim.documents[0].fields["total_eur"].value
    assert {"declared_currency_mismatch"} <= codes(claim) and "declared_total_mismatch" not in codes(claim)
    twice = claim_of([bill], Manifest(total_declared=in_yen * 2, currency="JPY"))
    [mismatch] = [f for f in twice.flags if f.code is FlagCode.DECLARED_TOTAL_MISMATCH]
    assert mismatch.details["read_eur"] == claim.total_eur.amount and "EUR" in mismatch.message


def test_old_care_is_out_of_range(tmp_path, patient):
    old = tmp_path / "vieille.pdf"
    generate("pharmacy_invoice", "pdf_text", "clean", 4106, old, patient=patient, day=date(2023, 1, 5))
    assert "date_out_of_range" in codes(claim_of([old]))


def test_two_patients_in_one_request(tmp_path, pharmacy, patient):
    import random

    invoice, _, _ = pharmacy
    other = tmp_path / "ordonnance-autre.pdf"
    generate("prescription", "pdf_text", "clean", 4107, other, patient=fakes.person(random.Random(99), 1940, 1955), day=CARE_DAY)
    assert "multiple_beneficiaries" in codes(claim_of([invoice, other]))


def test_duplicates_in_the_request_and_across_requests(tmp_path, pharmacy):
    invoice, prescription, _ = pharmacy
    copy = tmp_path / "facture-bis.pdf"
    copy.write_bytes(invoice.read_bytes())
    flags = [f for f in claim_of([invoice, prescription, copy]).flags if f.code is FlagCode.DUPLICATE_DOCUMENT]
    assert [f.file for f in flags] == ["facture-bis.pdf"] and flags[0].details["match"] == "identical"
    index = StorageIndex(LocalStorage(tmp_path / "store"))
    first = claim_of([invoice, prescription], claim_id="CLM-20261120-FIRST1")
    index.record(first.claim_id, first.documents)
    again = claim_of([invoice], earlier=index.seen_for(first.documents), claim_id="CLM-20261120-AGAIN1")
    dup = [f for f in again.flags if f.code is FlagCode.DUPLICATE_DOCUMENT]
    assert dup and dup[0].details["earlier_claim_id"] == "CLM-20261120-FIRST1"


def test_a_bill_of_hygiene_products_only_is_rejected_not_asked_for_proofs(tmp_path):
    from tests.documents import write_pdf

    day = f"{CARE_DAY:%d/%m/%Y}"
    lines = [
        ("PHARMACIE DU MARCHÉ", 16),
        ("8 place du Marché, 69003 Lyon", 10),
        ("", 10),
        ("FACTURE N° 2026-0912", 14),
        (f"Date de facture : {day}", 11),
        ("", 10),
        ("Désignation                          Qté     Montant", 11),
        ("Gel douche surgras 500 ml (NR)       1       6,90 €", 11),
        ("Crème hydratante 200 ml (NR)         1       9,90 €", 11),
        ("", 10),
        ("Net à payer                                  16,80 €", 12),
    ]
    claim = claim_of([write_pdf(tmp_path / "parapharmacie.pdf", [lines])])
    assert claim.status is ClaimStatus.REJECTED and claim.status_reason.startswith("non pris en charge")
    assert not {c for c in codes(claim) if c.startswith("missing_")}


def test_a_credit_note_sent_with_its_bill_holds_the_claim_with_a_negative_total(tmp_path, pharmacy):
    from tests.documents import write_pdf

    credit_note = write_pdf(
        tmp_path / "avoir.pdf",
        [
            [
                ("PHARMACIE DES TILLEULS", 16),
                ("12 rue des Lilas, 69003 Lyon", 10),
                ("AVOIR N° 2026-0042", 14),
                (f"sur facture n° 2026-0040 du {CARE_DAY:%d/%m/%Y}", 11),
                (f"Date : {CARE_DAY + timedelta(days=2):%d/%m/%Y}", 11),
                ("Retour Doliprane 1000 mg 2,18 €", 11),
                ("Total TTC 2,18 €", 12),
            ]
        ],
    )
    invoice, prescription, _ = pharmacy
    claim = claim_of([invoice, prescription, credit_note])
    refund = next(d for d in claim.documents if d.file == "avoir.pdf")
    assert refund.fields["total"].value == "-2.18"
    assert refund.fields["date"].value == f"{CARE_DAY + timedelta(days=2):%Y-%m-%d}"  # not the bill's it cancels
    assert FlagCode.CREDIT_NOTE in {f.code for f in refund.flags}
    assert claim.status is ClaimStatus.NEEDS_REVIEW
