"""All per-document checks together: page flags, legibility, field presence and a refund's total."""

from __future__ import annotations

from collections.abc import Sequence

from models import Document, Flag, FlagCode, OcrPage
from validators.credit_note import credit_note_flags
from validators.fields import field_flags
from validators.legibility import illegible_flags
from validators.pages import page_flags


def check_document(document: Document, pages: Sequence[OcrPage], extra: Sequence[Flag] = ()) -> Document:
    """The document with its flags set (page checks, field presence, and any `extra` flags)."""
    illegible = illegible_flags(document.file, pages)
    unreadable = {f.page for f in illegible}
    page_level = [f for f in page_flags(document.file, pages) if f.page not in unreadable or f.code is FlagCode.NOT_A4_PORTRAIT]
    flags = [
        *extra,
        *illegible,
        *page_level,
        *field_flags(document.file, document.doc_type, document.fields),
        *credit_note_flags(document.file, document.fields),
    ]
    return document.model_copy(update={"flags": tuple(flags)})
