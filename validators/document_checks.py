"""All per-document checks together: page flags and field presence."""

from __future__ import annotations

from collections.abc import Sequence

from models import Document, Flag, OcrPage
from validators.fields import field_flags
from validators.pages import page_flags


def check_document(document: Document, pages: Sequence[OcrPage], extra: Sequence[Flag] = ()) -> Document:
    """The document with its flags set (page checks, field presence, and any `extra` flags)."""
    flags = [*extra, *page_flags(document.file, pages), *field_flags(document.file, document.doc_type, document.fields)]
    return document.model_copy(update={"flags": tuple(flags)})
