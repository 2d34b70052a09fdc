"""Field presence: each document must show the fields its kind requires (`required_fields` in
models/document_kinds.toml: a bill its date, total and currency, most other kinds their date, a document
of unknown kind nothing); each one missing is flagged `missing_<field>`."""

from __future__ import annotations

from collections.abc import Mapping

from models import DocType, Field, Flag, FlagCode
from models.document_kinds import KINDS, kind_of
from validators.flag_wording import make_flag

# Every field some kind requires -> the flag raised when it is missing (the table checks each has its code).
REQUIRED = {name: FlagCode(f"missing_{name}") for kind in KINDS.values() for name in kind.required_fields}


def field_flags(file: str, doc_type: DocType, fields: Mapping[str, Field]) -> list[Flag]:
    """Missing-field flags for one document, in the order its kind lists its required fields."""
    return [make_flag(REQUIRED[name], file=file) for name in kind_of(doc_type).required_fields if name not in fields]
