"""Structured data first: the invoice a PDF carries as XML (Factur-X, ZUGFeRD 1 and 2, XRechnung in
UN/CEFACT CII, or UBL), read before anything printed on its pages.

`read_einvoice` opens the PDF (a path or its bytes), looks at its attached files (the /EmbeddedFiles
name tree, then the document's /AF associated files), parses the XML invoice it finds and returns an
`EInvoice`: syntax, kind (invoice or credit note), issue date, amount due, currency, seller, number and
billed lines, each value with the element's text as read. The syntax is recognised by the root element's
namespace, the values found by the paths of `extractors/data/einvoice.toml`.

Hostile files are bounded: at most MAX_ATTACHMENTS files looked at, each read only when unfiltered or
Flate-compressed, and inflated to MAX_XML_BYTES at most; the XML is parsed by defusedxml with any DTD
refused (no entity of any kind, nothing fetched). A damaged PDF, an unknown or malformed XML, or a value
that does not parse gives no result or no value - never an exception: the printed page still counts.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal
from xml.etree.ElementTree import Element, ParseError

import pikepdf
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from extractors.keywords import EINVOICES, XmlPaths

log = logging.getLogger(__name__)

MAX_XML_BYTES = 4 * 1024 * 1024  # an invoice's XML is tens of KB; more is refused before parsing
MAX_ATTACHMENTS = 20  # attached files looked at in one PDF
MAX_LINES = 200  # billed lines kept; an invoice with more gives none
MAX_AMOUNT = Decimal("1e12")  # no amount of a health bill is anywhere near
CENT = Decimal("0.01")


@dataclass(frozen=True)
class XmlValue:
    """A value in its canonical form (ISO date, decimal with a dot, ISO 4217 code, text) and the element's text."""

    value: str
    raw: str


@dataclass(frozen=True)
class XmlLine:
    """One billed line: its name and amount (as the XML gives it: net of tax in CII and UBL)."""

    name: str
    amount: XmlValue


@dataclass(frozen=True)
class EInvoice:
    """What an e-invoice's XML says (None: not in it, or not readable)."""

    syntax: Literal["cii", "ubl"]
    kind: Literal["invoice", "credit_note"]
    attachment: str  # the attached file's name
    date: XmlValue | None
    total: XmlValue | None  # the amount due, else the total with tax
    currency: XmlValue | None
    issuer: XmlValue | None
    number: XmlValue | None
    lines: tuple[XmlLine, ...] = ()


PdfSource = str | Path | bytes
Convert = Callable[[str, Element], str | None]  # an element's text (and attributes) -> canonical value, None: not one


def read_einvoice(source: PdfSource) -> EInvoice | None:
    """The first e-invoice attached to the PDF (the known names first); None when there is none."""
    try:
        for name, data in embedded_xml(source):
            invoice = parse_einvoice(data, name)
            if invoice is not None:
                log.info("e-invoice found: %s %s", invoice.syntax, invoice.kind)
                return invoice
    except Exception as exc:  # a damaged or hostile PDF: the printed page still counts
        log.warning("attachments of a PDF not read: %s", type(exc).__name__)
    return None


def embedded_xml(source: PdfSource) -> list[tuple[str, bytes]]:
    """The attached XML files (name, bytes) of the PDF, the known e-invoice names first; [] when it
    cannot be opened or holds none."""
    opened = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with pikepdf.open(opened) as pdf:
            found = [(name, data) for name, data in _attached(pdf) if data is not None]
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        log.info("PDF not opened for its attachments: %s", type(exc).__name__)
        return []
    known = {n.lower(): i for i, n in enumerate(EINVOICES.attachment_names)}
    xml = [(name, data) for name, data in found if name.lower().endswith(".xml")]
    return sorted(xml, key=lambda item: known.get(item[0].lower(), len(known)))


def _attached(pdf: pikepdf.Pdf) -> Iterator[tuple[str, bytes | None]]:
    """(name, bounded bytes) of each attached file: the /EmbeddedFiles tree, then /AF (each stream once)."""
    seen: set[tuple[int, int]] = set()
    for spec in _file_specs(pdf):
        stream = _embedded_stream(spec)
        if stream is None or stream.objgen in seen:
            continue
        seen.add(stream.objgen)
        if len(seen) > MAX_ATTACHMENTS:
            return
        yield _spec_name(spec), bounded_bytes(stream)


def _file_specs(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    yield from (spec.obj for spec in pdf.attachments.values())
    associated = pdf.Root.get("/AF")
    if isinstance(associated, pikepdf.Array):
        yield from (spec for spec in associated if isinstance(spec, pikepdf.Dictionary))


def _embedded_stream(spec: pikepdf.Object) -> pikepdf.Stream | None:
    files = spec.get("/EF")
    if not isinstance(files, pikepdf.Dictionary):
        return None
    stream = files.get("/UF", files.get("/F"))
    return stream if isinstance(stream, pikepdf.Stream) else None


def _spec_name(spec: pikepdf.Object) -> str:
    for key in ("/UF", "/F"):
        name = spec.get(key)
        if isinstance(name, pikepdf.String):
            return str(name)
    return ""


def bounded_bytes(stream: pikepdf.Stream) -> bytes | None:
    """The stream's content when unfiltered or Flate-compressed (without predictor) and at most
    MAX_XML_BYTES once inflated; None otherwise (never inflates more than the bound)."""
    filters = stream.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else ([str(filters)] if filters else [])
    if names not in ([], ["/FlateDecode"]) or stream.get("/DecodeParms") is not None:
        return None
    raw = stream.read_raw_bytes()
    if not names:
        return raw if len(raw) <= MAX_XML_BYTES else None
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(raw, MAX_XML_BYTES + 1)
    except zlib.error:
        return None
    return data if len(data) <= MAX_XML_BYTES else None


def parse_einvoice(data: bytes, attachment: str = "") -> EInvoice | None:
    """The invoice in an XML document, CII or UBL; None for anything else, malformed, oversized or with a DTD."""
    root = parse_xml(data)
    syntax = EINVOICES.roots.get(root.tag) if root is not None else None
    if root is None or syntax not in ("cii", "ubl"):
        return None
    paths = EINVOICES.syntaxes[syntax]
    total = _first(root, paths.total, _amount)
    type_code = _first(root, paths.type_code, _text)
    return EInvoice(
        syntax="cii" if syntax == "cii" else "ubl",
        kind="credit_note" if type_code and type_code.value in EINVOICES.credit_note_codes else "invoice",
        attachment=attachment,
        date=_first(root, paths.date, _date),
        total=total,
        currency=_first(root, paths.currency, _currency) or _amount_currency(root, paths.total),
        issuer=_first(root, paths.issuer, _text),
        number=_first(root, paths.number, _text),
        lines=billed_lines(root, paths),
    )


def parse_xml(data: bytes) -> Element | None:
    """The root element; None for oversized or malformed XML, or XML declaring a DTD (entities, external or not)."""
    if len(data) > MAX_XML_BYTES:
        return None
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError):
        return None


def billed_lines(root: Element, paths: XmlPaths) -> tuple[XmlLine, ...]:
    """The billed lines, when each has a name and an amount (else none)."""
    items = [item for path in paths.lines for item in root.findall(path)]
    if len(items) > MAX_LINES:
        return ()
    lines = []
    for item in items:
        name, amount = _first(item, paths.line_name, _text), _first(item, paths.line_amount, _amount)
        if name is None or amount is None:
            return ()
        lines.append(XmlLine(name.value, amount))
    return tuple(lines)


def _first(root: Element, paths: Sequence[str], convert: Convert) -> XmlValue | None:
    """The first value the paths give, in canonical form."""
    for element in (root.find(path) for path in paths):
        if element is None:
            continue
        raw = " ".join((element.text or "").split())
        value = convert(raw, element) if raw else None
        if value is not None:
            return XmlValue(value, raw)
    return None


def _text(raw: str, element: Element) -> str:
    return raw


def _date(raw: str, element: Element) -> str | None:
    """CII's format 102 (20180305) or an ISO date (UBL); None for another format (610: a month...)."""
    form = element.get("format")
    try:
        if form == "102" or (form is None and len(raw) == 8 and raw.isdigit()):
            return datetime.strptime(raw, "%Y%m%d").date().isoformat()
        return date.fromisoformat(raw[:10]).isoformat() if form is None else None
    except ValueError:
        return None


def _amount(raw: str, element: Element) -> str | None:
    """The amount, two decimals when it has no more; None when it is not a finite decimal."""
    try:
        amount = Decimal(raw)
        if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
            return None
        cents = amount.quantize(CENT)
    except InvalidOperation:
        return None
    return f"{cents if cents == amount else amount.normalize():f}"


def _currency(raw: str, element: Element) -> str | None:
    code = raw.upper()
    return code if len(code) == 3 and code.isascii() and code.isalpha() else None


def _amount_currency(root: Element, paths: Sequence[str]) -> XmlValue | None:
    """The currency of the total's currencyID attribute, when no currency code is given."""
    for element in (root.find(path) for path in paths):
        raw = element.get("currencyID", "").strip() if element is not None else ""
        code = _currency(raw, element) if element is not None else None
        if code is not None:
            return XmlValue(code, raw)
    return None
