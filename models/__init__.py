"""Typed, frozen pydantic v2 models passed between the pipeline's stages, and the tables that describe them: the
kinds of document (document_kinds.py, its data read once from document_kinds.toml: the only I/O here) and the
field catalogue (field_catalogue.py)."""

from models.base import SCHEMA_VERSION, Model
from models.claim import Claim, ClaimStatus
from models.document import DocType, Document, Field, LineItem, PageInfo
from models.flags import Flag, FlagCode, Severity
from models.geometry import BBox
from models.money import Conversion, EuroPart, EuroTotal
from models.ocr import OcrEngine, OcrPage, TextSource, Word
from models.quality import PageQuality
from models.upload import MediaType, RejectedFile, Upload, UploadReport

__all__ = [
    "SCHEMA_VERSION",
    "BBox",
    "Claim",
    "ClaimStatus",
    "Conversion",
    "DocType",
    "Document",
    "EuroPart",
    "EuroTotal",
    "Field",
    "Flag",
    "FlagCode",
    "LineItem",
    "MediaType",
    "Model",
    "OcrEngine",
    "OcrPage",
    "PageInfo",
    "PageQuality",
    "RejectedFile",
    "Severity",
    "TextSource",
    "Upload",
    "UploadReport",
    "Word",
]
