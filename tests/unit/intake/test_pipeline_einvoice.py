"""A PDF carrying an e-invoice's XML through the pipeline's document stage (intake/pipeline.py): the
Document takes the XML's values with provenance saying so, and a page disagreeing with them is flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.pipeline import documents_from_outcomes, read_page_outcome
from models import Document, FlagCode, Severity
from tests.documents import invoice_pdf
from tests.einvoices import attach, cii
from validators.upload import check_uploads


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    return invoice_pdf(tmp_path_factory.mktemp("einvoice") / "printed.pdf")


def document_of(path: Path) -> Document:
    upload = check_uploads([path]).accepted[0]
    outcomes = [read_page_outcome(upload, n) for n in range(1, upload.page_count + 1)]
    (document,) = documents_from_outcomes(upload, outcomes)
    return document


def test_the_document_takes_the_xml_values_where_the_page_agrees(printed, tmp_path):
    document = document_of(attach(printed, {"factur-x.xml": cii()}, tmp_path / "facture.pdf"))
    assert document.doc_type.value == "invoice" and "einvoice:cii" in document.doc_type_reasons
    total = document.fields["total"]
    assert (total.value, total.raw, total.confidence, total.rule) == ("17.05", "17.05", 0.99, "einvoice.cii:total")
    assert total.page == 1 and total.bbox is not None  # where the page prints the same amount
    assert document.fields["date"].value == "2021-10-12" and document.fields["date"].raw == "20211012"
    assert document.fields["issuer"].rule == "einvoice.cii:issuer"
    assert [(i.label, i.amount, i.confidence) for i in document.line_items] == [
        ("Doliprane 1000 mg cp 8", "4.36", 0.99),
        ("Amoxicilline 1 g", "8.42", 0.99),
        ("Spasfon lyoc 80 mg", "4.27", 0.99),
    ]
    assert FlagCode.STRUCTURED_DATA_MISMATCH not in {f.code for f in document.flags}


def test_a_page_disagreeing_with_the_xml_is_flagged_naming_the_field_and_both_values(printed, tmp_path):
    xml = cii(date="20211013", due="18.05", grand="18.05", currency="CHF", lines=())
    document = document_of(attach(printed, {"factur-x.xml": xml}, tmp_path / "facture.pdf"))
    assert (document.fields["date"].value, document.fields["total"].value, document.fields["currency"].value) == (
        "2021-10-13",
        "18.05",
        "CHF",
    )
    assert document.fields["total"].bbox is None  # the page shows another amount: no box
    flags = {f.details["field"]: f for f in document.flags if f.code is FlagCode.STRUCTURED_DATA_MISMATCH}
    assert set(flags) == {"date", "total", "currency"}
    total = flags["total"]
    assert total.severity is Severity.WARNING and total.page == 1 and total.file == "facture.pdf"
    assert "17.05" in total.message and "18.05" in total.message and "montant" in total.message
    assert "17.05" in (total.message_en or "") and "18.05" in (total.message_en or "") and "amount" in (total.message_en or "")
    assert "2021-10-12" in flags["date"].message and "2021-10-13" in flags["date"].message
    assert "EUR" in flags["currency"].message and "CHF" in flags["currency"].message


def test_a_pdf_without_xml_and_a_credit_note_keep_what_the_page_says(printed, tmp_path):
    plain = document_of(printed)
    credit = document_of(attach(printed, {"factur-x.xml": cii(type_code="381", due="99.00")}, tmp_path / "avoir.pdf"))
    for document in (plain, credit):
        assert document.fields["total"].value == "17.05" and not document.fields["total"].rule.startswith("einvoice")
        assert FlagCode.STRUCTURED_DATA_MISMATCH not in {f.code for f in document.flags}
