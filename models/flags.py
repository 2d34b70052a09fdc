"""Flags: stable, machine-readable codes with a human message, raised by any stage."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from models.base import Model


class Severity(StrEnum):
    """How a flag weighs on the claim's status (see validators/decide.py)."""

    ERROR = "error"  # the file or the claim cannot be used as it is: blocks
    WARNING = "warning"  # a manager must look: blocks automatic hand-off
    INFO = "info"  # recorded for the manager, does not change the status


class FlagCode(StrEnum):
    """Stable flag codes. Later tooling relies on these names: never rename one."""

    TOO_MANY_FILES = "too_many_files"
    TOO_MANY_PAGES = "too_many_pages"  # a PDF over the pages allowed per file, or a file taking the request over its total
    FILE_TOO_LARGE = "file_too_large"
    EMPTY_FILE = "empty_file"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNREADABLE_FILE = "unreadable_file"
    ENCRYPTED_PDF = "encrypted_pdf"
    ACTIVE_CONTENT = "active_content"  # a PDF holding JavaScript, actions, embedded files or rich media (never run; read anyway)
    NOT_A4_PORTRAIT = "not_a4_portrait"
    PAGE_ROTATED = "page_rotated"
    NO_TEXT = "no_text"
    LOW_OCR_CONFIDENCE = "low_ocr_confidence"
    OCR_FAILED = "ocr_failed"
    MISSING_DATE = "missing_date"
    MISSING_TOTAL = "missing_total"
    MISSING_CURRENCY = "missing_currency"
    NO_DOCUMENT = "no_document"
    ILLEGIBLE = "illegible"
    # Proofs required by the rules file (validators/rules/default.toml) and not found in the request
    MISSING_INVOICE = "missing_invoice"
    MISSING_PRESCRIPTION = "missing_prescription"
    MISSING_INITIAL_PRESCRIPTION = "missing_initial_prescription"
    MISSING_PROOF_OF_PAYMENT = "missing_proof_of_payment"
    MISSING_STAY_DATES = "missing_stay_dates"
    MISSING_SESSION_DATES = "missing_session_dates"
    MISSING_CARE_SHEET = "missing_care_sheet"
    MISSING_PRIOR_AUTHORISATION = "missing_prior_authorisation"
    MISSING_POSTING_CERTIFICATE = "missing_posting_certificate"
    MISSING_BANK_DETAILS = "missing_bank_details"
    MISSING_AFFILIATION_PROOF = "missing_affiliation_proof"
    MISSING_BIRTH_CERTIFICATE = "missing_birth_certificate"
    MISSING_PROOF = "missing_proof"  # a proof an insurer added to the rules file without a code of its own
    NOT_COVERED = "not_covered"
    # Consistency between documents, and with what the claimant declared
    AMOUNT_MISMATCH = "amount_mismatch"
    DECLARED_TOTAL_MISMATCH = "declared_total_mismatch"
    DECLARED_CURRENCY_MISMATCH = "declared_currency_mismatch"
    DATE_OUTSIDE_STAY = "date_outside_stay"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    MULTIPLE_BENEFICIARIES = "multiple_beneficiaries"
    DUPLICATE_DOCUMENT = "duplicate_document"
    UNKNOWN_CLAIM = "unknown_claim"
    INVALID_MANIFEST = "invalid_manifest"  # the declaration (manifest.json) does not validate: quarantined, files read without it
    INVALID_NAME = "invalid_name"  # an inbox object whose name cannot be a storage key: recorded in quarantine by reference
    UNEXPECTED_OBJECT = "unexpected_object"  # an inbox object where no submission belongs
    PROCESSING_FAILED = "processing_failed"  # the pipeline failed on the submission, or it stopped its workers too often
    NO_EXCHANGE_RATE = "no_exchange_rate"  # a foreign amount that cannot be put in euros (no ECB rate for its currency or date)
    STRUCTURED_DATA_MISMATCH = "structured_data_mismatch"  # a page disagreeing with its e-invoice XML (date, total, currency)
    DOUBTFUL_FIELD = "doubtful_field"  # a decisive value read with a confidence under its straight-through threshold
    CREDIT_NOTE = "credit_note"  # a document refunding an amount (a credit note's title, a negative total): no expense


class Flag(Model):
    """One finding about a file, a page or the whole claim."""

    code: FlagCode
    severity: Severity
    message: str  # French
    message_en: str | None = None
    file: str | None = None
    page: int | None = None  # 1-based page number within the file
    details: dict[str, str] = Field(
        default_factory=dict
    )  # machine-readable facts behind the flag (proof name, earlier claim id...)
