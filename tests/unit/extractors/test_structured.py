"""A Document's fields from its file's e-invoice XML (extractors/structured.py): which proof of a file
takes them, where their provenance points, when the XML's lines are used, what disagrees."""

from __future__ import annotations

from extractors.einvoice import EInvoice, XmlLine, XmlValue
from extractors.structured import take_einvoice, with_einvoice
from models import Document, Field, PageInfo
from models.document import DocType
from models.geometry import BBox
from models.ocr import TextSource
from models.upload import MediaType

BOX = BBox(x0=10, y0=20, x1=90, y1=40)


def field(value: str, page: int = 1) -> Field:
    return Field(value=value, raw=value, confidence=0.9, page=page, bbox=BOX, rule="printed")


def document(doc_type: DocType, pages: tuple[int, ...], **fields: str) -> Document:
    infos = tuple(
        PageInfo(
            page=p,
            width=1,
            height=1,
            dpi=72,
            source=TextSource.TEXT_LAYER,
            rotation=0,
            skew=0.0,
            word_count=1,
            mean_confidence=1.0,
            a4_portrait=True,
        )
        for p in pages
    )
    return Document(
        file="f.pdf",
        sha256="0" * 64,
        media_type=MediaType.PDF,
        size=1,
        doc_type=doc_type,
        doc_type_score=0.6,
        pages=infos,
        fields={name: field(value, pages[0]) for name, value in fields.items()},
    )


def invoice(total: str = "17.05", lines: tuple[XmlLine, ...] = (), kind: str = "invoice") -> EInvoice:
    return EInvoice(
        syntax="ubl",
        kind=kind,
        attachment="x.xml",  # type: ignore[arg-type]
        date=XmlValue("2021-10-12", "2021-10-12"),
        total=XmlValue(total, total),
        currency=None,
        issuer=XmlValue("Cabinet", "Cabinet"),
        number=None,
        lines=lines,
    )


def test_the_proof_showing_the_xml_total_takes_it_on_its_page_and_box():
    prescription = document(DocType.PRESCRIPTION, (1,), date="2021-09-01")
    bill = document(DocType.RECEIPT, (2, 3), total="17.050", date="2021-10-12")
    (first, none), (second, found) = with_einvoice([prescription, bill], invoice())
    assert first == prescription and none == ()
    assert second.doc_type is DocType.INVOICE and second.doc_type_score == 0.99 and found == ()
    assert (second.fields["total"].page, second.fields["total"].bbox, second.fields["total"].raw) == (2, BOX, "17.05")
    assert (second.fields["issuer"].page, second.fields["issuer"].bbox) == (2, None)  # not printed alike: first page, no box


def test_a_disagreement_names_the_field_both_values_and_the_printed_page():
    taken, found = take_einvoice(document(DocType.INVOICE, (1,), total="17.50", currency="EUR"), invoice())
    assert [(d.field, d.printed, d.xml, d.page) for d in found] == [("total", "17.50", "17.05", 1)]
    assert taken.fields["currency"].value == "EUR"  # not in the XML: the page's value stays


def test_the_xml_lines_are_used_only_when_they_add_up_to_its_total():
    lines = (XmlLine("A", XmlValue("10.00", "10")), XmlLine("B", XmlValue("7.05", "7.05")))
    page = document(DocType.INVOICE, (1,))
    assert [(i.label, i.amount, i.bbox) for i in take_einvoice(page, invoice(lines=lines))[0].line_items] == [
        ("A", "10.00", None),
        ("B", "7.05", None),
    ]
    assert take_einvoice(page, invoice(total="20.00", lines=lines))[0].line_items == ()  # net lines of a taxed bill


def test_a_credit_note_or_no_xml_changes_nothing():
    page = document(DocType.RECEIPT, (1,), total="5.00")
    assert take_einvoice(page, invoice(kind="credit_note")) == (page, ())
    assert with_einvoice([page], None) == [(page, ())]
