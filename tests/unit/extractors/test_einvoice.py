"""The XML invoice a PDF carries (extractors/einvoice.py): CII (Factur-X, ZUGFeRD 1) and UBL read from
generated PDFs; malformed, unrelated, oversized and hostile XML give no result, never an exception."""

from __future__ import annotations

import zlib
from pathlib import Path

import pikepdf
import pytest

from extractors.einvoice import MAX_XML_BYTES, parse_einvoice, read_einvoice
from tests.documents import invoice_pdf
from tests.einvoices import LINES, attach, cii, ubl, zugferd1


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    return invoice_pdf(tmp_path_factory.mktemp("einvoice") / "printed.pdf")


def carrying(printed: Path, tmp_path: Path, files: dict[str, bytes], **options) -> Path:
    return attach(printed, files, tmp_path / "einvoice.pdf", **options)


def test_a_factur_x_invoice_gives_its_values_with_the_elements_text(printed, tmp_path):
    invoice = read_einvoice(carrying(printed, tmp_path, {"factur-x.xml": cii()}))
    assert invoice is not None
    assert (invoice.syntax, invoice.kind, invoice.attachment) == ("cii", "invoice", "factur-x.xml")
    assert (invoice.date.value, invoice.date.raw) == ("2021-10-12", "20211012")  # type: ignore[union-attr]
    assert [v.value if v else None for v in (invoice.total, invoice.currency, invoice.issuer, invoice.number)] == [
        "17.05",
        "EUR",
        "PHARMACIE DES TILLEULS",
        "2021-0458",
    ]
    assert [(line.name, line.amount.value) for line in invoice.lines] == list(LINES)


def test_the_amount_due_comes_before_the_grand_total_which_stands_in_without_it():
    prepaid = parse_einvoice(cii(due="100.5", grand="150.00"))
    assert prepaid is not None and prepaid.total is not None and prepaid.total.value == "100.50"
    no_due = parse_einvoice(cii(due=None, grand="150.00"))
    assert no_due is not None and no_due.total is not None and no_due.total.value == "150.00"


def test_without_a_currency_code_the_amounts_currency_id_gives_it():
    invoice = parse_einvoice(
        ubl(payable="12.00", currency="CHF").replace(b"<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>", b"")
    )
    assert invoice is not None and invoice.currency is not None and invoice.currency.value == "CHF"


def test_a_zugferd_1_invoice_in_the_document_associated_files_only(printed, tmp_path):
    path = carrying(printed, tmp_path, {"ZUGFeRD-invoice.xml": zugferd1()}, af_only=True)
    assert len(pikepdf.open(path).attachments) == 0
    invoice = read_einvoice(path)
    assert invoice is not None and invoice.syntax == "cii"
    assert (invoice.date.value, invoice.total.value, invoice.issuer.value) == ("2014-01-24", "59.50", "Lieferant GmbH")  # type: ignore[union-attr]


def test_a_ubl_invoice_from_the_pdf_bytes_and_a_credit_note_said_so(printed, tmp_path):
    invoice = read_einvoice(carrying(printed, tmp_path, {"invoice.xml": ubl()}).read_bytes())
    assert invoice is not None and (invoice.syntax, invoice.kind) == ("ubl", "invoice")
    assert (invoice.date.value, invoice.total.value, invoice.currency.value) == ("2018-04-09", "484.00", "EUR")  # type: ignore[union-attr]
    assert invoice.issuer is not None and invoice.issuer.value == "SELARL Martin"
    assert [(line.name, line.amount.value) for line in invoice.lines] == [("Consultation", "400.00")]
    assert parse_einvoice(ubl(payable=None)).total.value == "484.00"  # type: ignore[union-attr]  # TaxInclusiveAmount
    credit = parse_einvoice(ubl(root="CreditNote"))
    assert credit is not None and credit.kind == "credit_note"
    assert parse_einvoice(cii(type_code="381")).kind == "credit_note"  # type: ignore[union-attr]


def test_the_known_attachment_name_is_read_before_another_xml(printed, tmp_path):
    invoice = read_einvoice(carrying(printed, tmp_path, {"other.xml": ubl(), "factur-x.xml": cii()}))
    assert invoice is not None and invoice.syntax == "cii"


@pytest.mark.parametrize(
    "files",
    [
        {"notes.txt": b"nothing to see"},
        {"config.xml": b"<?xml version='1.0'?><config><total>12.00</total></config>"},
        {"factur-x.xml": cii()[:-40]},  # truncated: malformed
        {"factur-x.xml": b"\x00\xff not xml at all"},
    ],
    ids=["unrelated-file", "unrelated-xml", "malformed", "binary"],
)
def test_no_invoice_in_unrelated_or_malformed_attachments(printed, tmp_path, files):
    assert read_einvoice(carrying(printed, tmp_path, files)) is None


def test_a_pdf_without_attachments_and_a_damaged_one_give_none(printed, tmp_path):
    assert read_einvoice(printed) is None
    assert read_einvoice(b"%PDF-1.7 garbage") is None
    assert read_einvoice(tmp_path / "absent.pdf") is None


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">&lol3;</rsm:CrossIndustryInvoice>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:ID>&secret;</cbc:ID></Invoice>"""


@pytest.mark.parametrize("xml", [BOMB, EXTERNAL], ids=["entity-bomb", "external-entity"])
def test_xml_with_entities_is_refused(printed, tmp_path, xml):
    assert parse_einvoice(xml) is None
    assert read_einvoice(carrying(printed, tmp_path, {"factur-x.xml": xml})) is None


def test_huge_xml_is_refused_before_parsing_even_when_compressed_small(printed, tmp_path):
    padding = b"<!--" + b" " * (MAX_XML_BYTES + 10) + b"-->"
    huge = cii().replace(b"<rsm:ExchangedDocumentContext>", padding + b"<rsm:ExchangedDocumentContext>")
    assert len(zlib.compress(huge)) < 100_000  # a small stream that would inflate past the bound
    assert parse_einvoice(huge) is None
    assert read_einvoice(carrying(printed, tmp_path, {"factur-x.xml": huge})) is None
    assert read_einvoice(carrying(printed, tmp_path, {"factur-x.xml": huge}, compress=False)) is None


def test_values_that_do_not_parse_are_left_out():
    invoice = parse_einvoice(cii(date="2021-13-45", due="douze", grand="n/a", currency="euro"))
    assert invoice is not None
    assert (invoice.date, invoice.total, invoice.currency) == (None, None, None)
    assert invoice.issuer is not None  # the rest is still read
