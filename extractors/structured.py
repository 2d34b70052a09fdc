"""A Document's fields from the structured data its file carries (an e-invoice's XML, extractors/einvoice.py),
and what the printed page said where the two disagree.

The XML's values replace those read on the page, with provenance saying so (rule `einvoice.<syntax>:<field>`,
the element's text as raw text, confidence XML_CONFIDENCE, and the page and box of the printed value when
the page shows the same value, else the document's first page without a box); an invoice's XML makes the
document an invoice. Where the page read another date, total or currency, a `Disagreement` is returned
for the checks to flag (validators/structured_data.py). A credit note's XML is not used: it proves no
expense, the printed page counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from extractors.einvoice import EInvoice, XmlLine, XmlValue
from models import Document, Field, LineItem
from models.document import DocType

XML_CONFIDENCE = 0.99
CROSS_CHECKED = ("date", "total", "currency")  # a disagreement with the page on these is flagged
TAKEN = ("date", "total", "currency", "issuer")  # the XML's values a document takes


@dataclass(frozen=True)
class Disagreement:
    """A field whose value read on the page differs from the XML's."""

    field: str
    printed: str
    xml: str
    page: int


def same_value(name: str, first: str, second: str) -> bool:
    """Equal values of a field: amounts as numbers (17.5 is 17.50), the rest as text."""
    if name != "total":
        return first == second
    try:
        return Decimal(first) == Decimal(second)
    except InvalidOperation:
        return False


def xml_field(name: str, found: XmlValue, syntax: str, printed: Field | None, first_page: int) -> Field:
    """The field from the XML, on the printed value's page and box when the page shows the same value."""
    agreed = printed is not None and same_value(name, printed.value, found.value)
    return Field(
        value=found.value,
        raw=found.raw,
        confidence=XML_CONFIDENCE,
        page=printed.page if printed is not None and agreed else first_page,
        bbox=printed.bbox if printed is not None and agreed else None,
        rule=f"einvoice.{syntax}:{name}",
    )


def disagreements(printed: dict[str, Field], taken: dict[str, Field]) -> tuple[Disagreement, ...]:
    """The cross-checked fields the page read with another value than the XML's."""
    return tuple(
        Disagreement(name, printed[name].value, taken[name].value, printed[name].page)
        for name in CROSS_CHECKED
        if name in printed and name in taken and not same_value(name, printed[name].value, taken[name].value)
    )


def xml_line_items(lines: Sequence[XmlLine], total: XmlValue | None, first_page: int) -> tuple[LineItem, ...]:
    """The XML's billed lines, when they add up to its total (amounts with tax, as the page's); else none."""
    if not lines or total is None or sum(Decimal(line.amount.value) for line in lines) != Decimal(total.value):
        return ()
    return tuple(
        LineItem(
            label=line.name,
            amount=line.amount.value,
            raw=f"{line.name} {line.amount.raw}",
            confidence=XML_CONFIDENCE,
            page=first_page,
            bbox=None,
        )
        for line in lines
    )


def take_einvoice(document: Document, invoice: EInvoice) -> tuple[Document, tuple[Disagreement, ...]]:
    """The document with the XML's values (see the module), and where the page disagreed with them."""
    if invoice.kind != "invoice":
        return document, ()
    first_page = document.pages[0].page if document.pages else 1
    found = {name: getattr(invoice, name) for name in TAKEN if getattr(invoice, name) is not None}
    taken = {name: xml_field(name, value, invoice.syntax, document.fields.get(name), first_page) for name, value in found.items()}
    lines = xml_line_items(invoice.lines, invoice.total, first_page)
    update = {
        "doc_type": DocType.INVOICE,
        "doc_type_score": max(document.doc_type_score, XML_CONFIDENCE),
        "doc_type_reasons": (*document.doc_type_reasons, f"einvoice:{invoice.syntax}"),
        "fields": {**document.fields, **taken},
        "line_items": lines or document.line_items,
    }
    return document.model_copy(update=update), disagreements(document.fields, taken)


def described_part(documents: Sequence[Document], invoice: EInvoice) -> int:
    """Index of the document the XML describes in a file read as several: the first whose page shows its
    total or date, else the first."""
    for index, document in enumerate(documents):
        for name in ("total", "date"):
            printed, xml = document.fields.get(name), getattr(invoice, name)
            if printed is not None and xml is not None and same_value(name, printed.value, xml.value):
                return index
    return 0


def with_einvoice(documents: Sequence[Document], invoice: EInvoice | None) -> list[tuple[Document, tuple[Disagreement, ...]]]:
    """Each document of a file, the one the XML describes with its values; with the disagreements found."""
    target = described_part(documents, invoice) if invoice is not None and documents else -1
    return [
        take_einvoice(document, invoice) if invoice is not None and index == target else (document, ())
        for index, document in enumerate(documents)
    ]
