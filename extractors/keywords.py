"""The extractors' keyword files (`extractors/data/*.toml`), validated into typed, frozen models.

Each file has its model; unknown keys are refused (`extra="forbid"`), so a typo in a section or a
key stops the start with a `DataFileError` naming the file and the key, instead of a word list that
is silently never read. The files are loaded once, at import, by one loader (`load_data`); the
extractors read them as typed attributes (`CURRENCIES.hints`, `PARTIES.beneficiary.labels`...).
Lists are tuples: hashable, so a compiled pattern of one can be cached.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import Field as PydanticField
from pydantic import create_model, model_validator

from models.base import Model
from models.document import DocType
from models.document_kinds import KINDS
from models.errors import ConfigError
from models.ocr import OcrEngine
from models.toml_file import parse_toml, read_toml

DATA_DIR = Path(__file__).parent / "data"

Words = tuple[str, ...]
Weights = dict[str, float]  # phrase -> weight, in the file's order


class DataFileError(ConfigError, ValueError):
    """A keyword file cannot be used; the message names the file and the faulty key."""

    code = "invalid_data_file"


class DataFile(Model):
    """A model of one file of extractors/data/ (its stem in `file`)."""

    file: ClassVar[str]


class WeightTables(DataFile):
    """A file of phrase weights per kind: each field is a kind, in the file's order."""

    def tables(self) -> dict[str, Weights]:
        """Kind -> its phrase weights, in declaration order."""
        return {name: getattr(self, name) for name in type(self).model_fields}


class CareTypes(WeightTables):
    """care_types.toml: words pointing to each care type (models.manifest.CareType), with weights."""

    file = "care_types"
    pharmacy: Weights
    laboratory: Weights
    physiotherapy: Weights
    imaging: Weights
    hospitalisation: Weights
    general_practitioner: Weights
    specialist: Weights
    dental: Weights
    optical: Weights
    hearing: Weights
    nursing: Weights
    alternative_medicine: Weights
    spa_cure: Weights
    medical_equipment: Weights
    transport: Weights


class DocTypeTables(WeightTables):
    """doc_types.toml: phrases pointing to each document type (models.DocType), with weights. One table per
    kind the classifier recognises - every kind of models/document_kinds.toml but the unknown one: the
    model's fields are made from that table (`DocTypes`), so a new kind is a row there and its phrases here."""

    file = "doc_types"

    def by_type(self) -> dict[DocType, Weights]:
        """DocType -> its phrase weights, in the kinds' order."""
        return {DocType(name): weights for name, weights in self.tables().items()}

    def weights(self, doc_type: DocType) -> Weights:
        """The phrase weights of one kind."""
        return self.tables()[doc_type.value]


_KIND_TABLES: dict[str, Any] = {doc_type.value: (Weights, ...) for doc_type, kind in KINDS.items() if kind.classified}
DocTypes: type[DocTypeTables] = create_model("DocTypes", __base__=DocTypeTables, __module__=__name__, **_KIND_TABLES)


class LanguageDefault(Model):
    """A language whose documents, with no currency printed, are most likely in one currency."""

    currency: str
    words: Words


class Currencies(DataFile):
    """currencies.toml: currency markers -> ISO 4217 code."""

    file = "currencies"
    codes: dict[str, str]
    symbols: dict[str, str]
    words: dict[str, str]
    ambiguous: dict[str, str]  # marker -> the currency assumed when no hint decides
    meanings: dict[str, tuple[str, ...]]  # ambiguous marker -> the currencies a hint may settle it to
    hints: dict[str, str]  # word on the document -> the currency an ambiguous marker means there
    weak_hints: dict[str, str]  # the same from a word that only suggests a country: never a confident currency
    street_words: tuple[str, ...]  # a hint right after one of these names a street ("rue du Canada"), not a country
    marker_hints: dict[str, str]  # a country that settles an ambiguous marker printed with it, and nothing else
    after_amount: tuple[str, ...] = ()  # markers that count only right after an amount ("250.00元", not "元町")
    # no marker printed at all: a language's words -> the currency its documents are most likely in
    language_defaults: dict[str, LanguageDefault] = PydanticField(default_factory=dict)


class Issuer(Model):
    legal_forms: Words
    establishments: Words
    institutions: Words
    specialties: Words
    shops: Words
    titles: Words
    address: Words
    legal_mentions: Words
    registration: Words


class Practitioner(Model):
    titles: Words


class Beneficiary(Model):
    labels: Words
    weak_labels: Words
    civil_titles: Words
    not_beneficiary: Words
    birth_labels: Words
    relatives: Words
    holder_labels: Words
    patient_labels: Words
    holder_kinds: Words


class Parties(DataFile):
    """parties.toml: words that find the issuer, the practitioner and the beneficiary."""

    file = "parties"
    issuer: Issuer
    practitioner: Practitioner
    beneficiary: Beneficiary


class DateLabels(Model):
    issue: Words
    care: Words
    issue_endings: Words
    issue_named: Words
    other: Words
    range: Words
    references: Words
    reference_links: Words


class Dates(DataFile):
    """dates.toml: the languages whose month names are read, extra month spellings, date labels."""

    file = "dates"
    languages: Words
    extra_months: dict[str, int]
    labels: DateLabels


class PeriodKinds(Model):
    stay: Words
    period: Words


class Between(Model):
    between: Words


class Bounds(Model):
    """Labels of a range's start (`from` in the file) and end."""

    start: Words = PydanticField(alias="from")
    to: Words


class Labels(Model):
    labels: Words


class Validity(Model):
    kinds: Words
    labels: Words
    days: Words
    weeks: Words
    months: Words
    years: Words


class Periods(DataFile):
    """periods.toml: what a printed period is, and the labels of its dates."""

    file = "periods"
    kinds: PeriodKinds
    ranges: Between
    stay_labels: Bounds
    period_labels: Bounds
    validity: Validity
    prescription: Labels
    stay_reason: Labels


class Sessions(DataFile):
    """sessions.toml: session rows of a series of care."""

    file = "sessions"
    session_words: Words
    not_session: Words
    list_labels: Words


class Shares(DataFile):
    """shares.toml: how a bill is split between payers."""

    file = "shares"
    reimbursed_amo: Words
    reimbursed_amc: Words
    remaining: Words
    gross: Words
    not_items: Words


class NotTotals(Model):
    words: Words
    net_words: Words
    estimates: Words
    tax_words: Words
    tax_included: Words


class Sections(Model):
    stop: Words
    stop_with_tax: Words


class Payments(Model):
    tendered: Words
    tendered_opening: Words
    change: Words
    already_paid: Words


class CreditNotes(Model):
    titles: Words


class Totals(DataFile):
    """totals.toml: labels announcing the amount paid (with weights), rows that never carry it, and the titles
    of a document that refunds rather than charges."""

    file = "totals"
    labels: Weights
    not_totals: NotTotals
    sections: Sections
    payments: Payments
    credit_notes: CreditNotes


class XmlPaths(Model):
    """Where each value sits in one syntax of e-invoice XML: ElementTree paths, the first giving a value wins."""

    type_code: Words
    date: Words
    total: Words
    currency: Words
    issuer: Words
    number: Words
    lines: Words
    line_name: Words
    line_amount: Words


class EInvoices(DataFile):
    """einvoice.toml: the attachments holding an e-invoice, its syntaxes by root element, and their paths."""

    file = "einvoice"
    attachment_names: Words
    credit_note_codes: Words
    roots: dict[str, str]  # "{namespace}Name" of the root element -> its syntax (a key of `syntaxes`)
    syntaxes: dict[str, XmlPaths]

    @model_validator(mode="after")
    def _known_syntaxes(self) -> EInvoices:
        unknown = sorted(set(self.roots.values()) - set(self.syntaxes))
        if unknown:
            raise ValueError(f"roots name syntaxes without paths: {', '.join(unknown)}")
        return self


class Numbering(Model):
    words: Words
    joiners: Words


class PaymentPages(Model):
    transfer: Words
    rib_titles: Words
    rib_boxes: Words
    min_boxes: int = PydanticField(ge=1)


class Segments(DataFile):
    """segments.toml: what ties two pages into one document (page numbering), and what tells a bill's own
    payment page from a RIB."""

    file = "segments"
    numbering: Numbering
    payment_pages: PaymentPages


class OcrRoute(Model):
    """Which engine reads a kind of page first, re-reads it when doubtful, cross-checks its decisive values."""

    first: OcrEngine
    second: OcrEngine | None = None
    cross_check: OcrEngine | None = None
    cross_check_page: bool = False


class ModeRoutes(Model):
    sheet: OcrRoute
    strip: OcrRoute


class OcrRoutes(DataFile):
    """ocr_routes.toml: per OCR mode and kind of page, what each engine does (extractors/engines.py)."""

    file = "ocr_routes"
    fast: ModeRoutes
    accurate: ModeRoutes


D = TypeVar("D", bound=DataFile)
DATA_FILES: tuple[type[DataFile], ...] = (
    CareTypes,
    Currencies,
    Dates,
    DocTypes,
    EInvoices,
    Parties,
    Periods,
    Segments,
    Sessions,
    Shares,
    Totals,
    OcrRoutes,
)


def parse_data(model: type[D], text: str, source: str) -> D:
    """A keyword file's TOML text as its model; DataFileError naming the source and the key otherwise."""
    return parse_toml(model, text, source, DataFileError)


def load_data(model: type[D], directory: Path = DATA_DIR) -> D:
    """`<directory>/<model.file>.toml`, validated."""
    return read_toml(model, directory / f"{model.file}.toml", DataFileError)


def load_all(directory: Path = DATA_DIR) -> Mapping[str, DataFile]:
    """Every keyword file of `directory`, validated (file stem -> model)."""
    return {model.file: load_data(model, directory) for model in DATA_FILES}


# Loaded and checked at import: a broken file stops the start.
CARE_TYPES = load_data(CareTypes)
CURRENCIES = load_data(Currencies)
DATES = load_data(Dates)
DOC_TYPES = load_data(DocTypes)
EINVOICES = load_data(EInvoices)
PARTIES = load_data(Parties)
PERIODS = load_data(Periods)
SEGMENTS = load_data(Segments)
SESSIONS = load_data(Sessions)
SHARES = load_data(Shares)
TOTALS = load_data(Totals)
OCR_ROUTES = load_data(OcrRoutes)
