"""Flags: stable, machine-readable codes with a human message, raised by any stage."""

from __future__ import annotations

from enum import Enum

from models.base import Model


class Severity(str, Enum):
    """How a flag weighs on the claim's status (see validators/decide.py)."""

    ERROR = "error"  # the file or the claim cannot be used as it is: blocks
    WARNING = "warning"  # a manager must look: blocks automatic hand-off
    INFO = "info"  # recorded for the manager, does not change the status


class FlagCode(str, Enum):
    """Stable flag codes. Later tooling relies on these names: never rename one."""

    TOO_MANY_FILES = "too_many_files"
    FILE_TOO_LARGE = "file_too_large"
    EMPTY_FILE = "empty_file"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNREADABLE_FILE = "unreadable_file"
    ENCRYPTED_PDF = "encrypted_pdf"
    NOT_A4_PORTRAIT = "not_a4_portrait"
    PAGE_ROTATED = "page_rotated"
    NO_TEXT = "no_text"
    LOW_OCR_CONFIDENCE = "low_ocr_confidence"
    OCR_FAILED = "ocr_failed"
    MISSING_DATE = "missing_date"
    MISSING_TOTAL = "missing_total"
    MISSING_CURRENCY = "missing_currency"
    NO_DOCUMENT = "no_document"


class Flag(Model):
    """One finding about a file, a page or the whole claim."""

    code: FlagCode
    severity: Severity
    message: str
    file: str | None = None
    page: int | None = None  # 1-based page number within the file
