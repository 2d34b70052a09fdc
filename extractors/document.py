"""Assemble a Document from an accepted upload and its read pages: type and fields (no flags)."""

from __future__ import annotations

from collections.abc import Sequence

from extractors.classify import classify
from extractors.fields.extract import extract_fields
from extractors.layout import document_lines
from models import Document, OcrPage, PageInfo, Upload


def page_info(page: OcrPage) -> PageInfo:
    """Summary of how a page was read, for the claim JSON."""
    return PageInfo(
        page=page.page,
        width=page.width,
        height=page.height,
        dpi=page.dpi,
        source=page.source,
        rotation=page.rotation,
        skew=page.skew,
        word_count=len(page.words),
        mean_confidence=round(page.mean_confidence, 3),
        a4_portrait=page.a4_portrait,
    )


def build_document(upload: Upload, pages: Sequence[OcrPage]) -> Document:
    """Classify and extract one file's pages (in page order) into a Document."""
    ordered = sorted(pages, key=lambda p: p.page)
    lines = document_lines(ordered)
    kind = classify(lines)
    fields = extract_fields(lines, kind.doc_type.value)
    return Document(
        file=upload.file,
        sha256=upload.sha256,
        media_type=upload.media_type,
        size=upload.size,
        doc_type=kind.doc_type,
        doc_type_score=kind.score,
        doc_type_reasons=kind.reasons,
        pages=tuple(page_info(p) for p in ordered),
        fields=fields,
    )
