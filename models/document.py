"""A classified document with its extracted fields and flags."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field as PydanticField

from models.base import Model
from models.flags import Flag
from models.geometry import BBox
from models.money import Conversion
from models.ocr import OcrEngine, TextSource
from models.quality import PageQuality
from models.upload import MediaType


class DocType(StrEnum):
    """Kinds of supporting document (see DOMAIN.md)."""

    INVOICE = "invoice"
    RECEIPT = "receipt"
    PRESCRIPTION = "prescription"
    CARE_SHEET = "care_sheet"
    HOSPITAL_BULLETIN = "hospital_bulletin"
    QUOTE = "quote"
    BANK_DETAILS = "bank_details"
    RIGHTS_CERTIFICATE = "rights_certificate"
    PRIOR_AUTHORISATION = "prior_authorisation"
    POSTING_CERTIFICATE = "posting_certificate"
    BIRTH_CERTIFICATE = "birth_certificate"
    OTHER = "other"


class Field(Model):
    """One value read from a document, with where and how it was found."""

    value: str  # canonical form: ISO date, decimal with a dot, ISO 4217 code...
    raw: str  # the text as printed / read
    confidence: float = PydanticField(ge=0.0, le=1.0)
    page: int  # 1-based
    bbox: BBox | None
    rule: str  # the extraction rule that produced it


class LineItem(Model):
    """One billed line of a document: its label and amount, with where it was read."""

    label: str
    amount: str  # decimal with a dot, in the document's currency
    raw: str  # the whole row as read
    confidence: float = PydanticField(ge=0.0, le=1.0)
    page: int
    bbox: BBox | None
    amount_eur: str | None = None  # in euros at the document's rate (its `conversion`); None: a bill in euros, or no rate


class PageInfo(Model):
    """How one page was read."""

    page: int
    width: int
    height: int
    dpi: int
    source: TextSource
    rotation: int
    skew: float
    word_count: int
    mean_confidence: float
    a4_portrait: bool
    quality: PageQuality | None = None  # legibility measures and score
    phash: str | None = None  # perceptual hash of the page image, for duplicate detection (None: text layer)
    engine: OcrEngine | None = None  # the OCR engine whose words were used (None: the PDF's text layer)


class Document(Model):
    """One accepted file, read, classified and extracted."""

    file: str
    sha256: str
    media_type: MediaType
    size: int
    doc_type: DocType
    doc_type_score: float = PydanticField(ge=0.0, le=1.0)
    doc_type_reasons: tuple[str, ...] = ()
    pages: tuple[PageInfo, ...] = ()
    part: int | None = None  # position of this proof in a file holding several (None: the file is one document)
    fields: dict[str, Field] = PydanticField(default_factory=dict)  # + total_eur / gross_total_eur for a foreign bill
    line_items: tuple[LineItem, ...] = ()
    sessions: tuple[Field, ...] = ()  # each session date of a series of care (physiotherapy...)
    conversion: Conversion | None = None  # the ECB rate that put its foreign amounts in euros (None: in euros, or no rate)
    flags: tuple[Flag, ...] = ()
