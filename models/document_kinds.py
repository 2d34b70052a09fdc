"""The table of document kinds: one row per DocType (models/document_kinds.toml), saying what the kind does
in a request (its role), which fields it must show, what its date is, a few facts the classifier and the
extractors use, and its name in French and in English. Every module that treats kinds differently reads
this table (a row's attributes, or the sets derived below); none keeps a list of kinds of its own.

The sets:
- `BILLS`: documents with a total to pay - charges, payments, estimates (invoice, receipt, care sheet,
  hospital bulletin, quote). Their total, currency and billed lines are read.
- `CHARGES`: the bills of care received that the request asks to have reimbursed (invoice, care sheet,
  hospital bulletin): the claim's amounts (`validators.consistency.claim_bills`).
- `PAYMENTS`: proofs that a charge was paid (receipt).
- `CARE_RECEIVED`: charges and payments: their care dates are checked, their billed lines may be not covered.
- `ABOUT_CARE`: every kind but those about the person or their rights: the care type read on it counts.

The file is read once, at import (the package's own data, like the extractors' keyword files); a faulty
table raises `DocumentKindsError` naming the key.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from pydantic import RootModel, model_validator

from models.base import Model
from models.document import DocType
from models.errors import ConfigError
from models.field_catalogue import FIELDS
from models.flags import FlagCode
from models.toml_file import read_toml

KINDS_FILE = Path(__file__).with_name("document_kinds.toml")


class DocumentKindsError(ConfigError, ValueError):
    """The table of document kinds cannot be used; the message names the faulty key."""

    code = "invalid_document_kinds"


class Role(StrEnum):
    """What a document does in a request (see models/document_kinds.toml)."""

    CHARGE = "charge"
    PAYMENT = "payment"
    ESTIMATE = "estimate"
    ORDER = "order"
    ENTITLEMENT = "entitlement"
    UNKNOWN = "unknown"


class DateMeaning(StrEnum):
    """What a document's date is."""

    CARE = "care"  # the day of the care, or of the document itself
    ISSUE = "issue"  # the day it was issued, not a day of the period it states
    STAY_START = "stay_start"  # the first day of the hospital stay it states


class DocumentKind(Model):
    """One row of the table."""

    role: Role
    required_fields: tuple[str, ...]
    date: DateMeaning
    always_priced: bool
    currency_locates_care: bool
    by_practitioner: bool
    label_fr: str
    label_en: str

    @model_validator(mode="after")
    def _known_fields(self) -> DocumentKind:
        unknown = [name for name in self.required_fields if name not in FIELDS]
        if unknown:
            raise ValueError(f"required_fields: {', '.join(unknown)} not in the field catalogue (models/field_catalogue.py)")
        unflagged = [name for name in self.required_fields if f"missing_{name}" not in FlagCode._value2member_map_]
        if unflagged:
            raise ValueError(f"required_fields: no flag code missing_{', missing_'.join(unflagged)} (models/flags.py)")
        return self

    @property
    def bill(self) -> bool:
        """It shows a total to pay: a charge, a payment or an estimate."""
        return self.role in (Role.CHARGE, Role.PAYMENT, Role.ESTIMATE)

    @property
    def care_received(self) -> bool:
        """It bills care already received: a charge, or the payment of one."""
        return self.role in (Role.CHARGE, Role.PAYMENT)

    @property
    def about_care(self) -> bool:
        """It is about care (not about the person or their rights): the care type read on it counts."""
        return self.role is not Role.ENTITLEMENT

    @property
    def may_bill(self) -> bool:
        """Its total, currency, billed lines and split are read: a bill, or a document of unknown kind."""
        return self.bill or self.role is Role.UNKNOWN

    @property
    def classified(self) -> bool:
        """The classifier recognises it by its phrases (extractors/data/doc_types.toml): every kind but the unknown one."""
        return self.role is not Role.UNKNOWN

    def label(self, language: str) -> str:
        """Its name in `language` (French unless English)."""
        return self.label_en if language == "en" else self.label_fr


class KindTable(RootModel[dict[DocType, DocumentKind]]):
    """The whole file: DocType value -> its row; every DocType has one, and exactly one kind is `unknown`."""

    @model_validator(mode="after")
    def _complete(self) -> KindTable:
        missing = [t.value for t in DocType if t not in self.root]
        if missing:
            raise ValueError(f"no row for {', '.join(missing)}")
        unknown = [t.value for t, kind in self.root.items() if kind.role is Role.UNKNOWN]
        if len(unknown) != 1:
            raise ValueError(f"exactly one kind must have role 'unknown' (found: {', '.join(unknown) or 'none'})")
        return self


def load_kinds(path: Path = KINDS_FILE) -> MappingProxyType[DocType, DocumentKind]:
    """The table at `path`, validated, in the file's order."""
    return MappingProxyType(dict(read_toml(KindTable, path, DocumentKindsError).root))


KINDS = load_kinds()
UNKNOWN_KIND = next(t for t, kind in KINDS.items() if kind.role is Role.UNKNOWN)


def kind_of(doc_type: DocType | str | None) -> DocumentKind:
    """The row of a kind (a DocType or its value; None: not classified, read as the unknown kind)."""
    return KINDS[DocType(doc_type) if doc_type is not None else UNKNOWN_KIND]


def _kinds(holds: Callable[[DocumentKind], bool]) -> frozenset[DocType]:
    return frozenset(t for t, kind in KINDS.items() if holds(kind))


BILLS = _kinds(lambda kind: kind.bill)
CHARGES = _kinds(lambda kind: kind.role is Role.CHARGE)
PAYMENTS = _kinds(lambda kind: kind.role is Role.PAYMENT)
CARE_RECEIVED = _kinds(lambda kind: kind.care_received)
ABOUT_CARE = _kinds(lambda kind: kind.about_care)
