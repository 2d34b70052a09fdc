"""Assemble Documents from an accepted upload and its read pages: one per proof the file holds,
each with its type, fields, billed lines and session dates (no flags)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from extractors.calibration import Proof, default_calibration, settled_fields
from extractors.classify import Classification, classify
from extractors.cross_reading import (
    cap_unconfirmed,
    fill_missing,
    gross_follows_total,
    mark_disagreements,
    outvoted_total,
    surer_reading,
)
from extractors.fields.extract import Extraction, extract_all
from extractors.layout import document_lines
from extractors.segment import segment_pages
from extractors.timing import stage
from models import Document, OcrPage, PageInfo, Upload

# what a PageInfo and a Document keep, under the same names, of the page as read and of the file
PAGE_AS_READ = ("page", "width", "height", "dpi", "source", "rotation", "skew", "a4_portrait", "quality", "phash", "engine")
FILE_AS_RECEIVED = ("file", "sha256", "media_type", "size")


def _same_named(source: object, names: tuple[str, ...]) -> dict[str, Any]:
    """`source`'s attributes `names`, as keyword arguments for a model that keeps them under the same names."""
    return {name: getattr(source, name) for name in names}


def page_info(page: OcrPage) -> PageInfo:
    """Summary of how a page was read, for the claim JSON."""
    return PageInfo(**_same_named(page, PAGE_AS_READ), word_count=len(page.words), mean_confidence=round(page.mean_confidence, 3))


@dataclass(frozen=True)
class ProofReading:
    """One proof's pages classified and extracted, before its confidences are calibrated."""

    kind: Classification
    found: Extraction
    proof: Proof


def read_proof(pages: Sequence[OcrPage]) -> ProofReading:
    """Classify and extract pages of one proof (in page order)."""
    ordered = sorted(pages, key=lambda p: p.page)
    with stage("layout"):
        lines = document_lines(ordered)
    with stage("classification"):
        kind = classify(lines)
    with stage("fields"):
        found = extract_all(lines, kind.doc_type.value)
    proof = Proof(lines, ordered, kind.doc_type.value, found.line_items)
    if proof.other_reading is not None:
        with stage("cross reading"):
            found = outvoted_total(fill_missing(found, proof.other_reading), proof.other_reading, lines)
            settled = settled_fields(found.fields, proof)
            for name in ("date", "total"):
                found = surer_reading(found, proof.other_reading, name, settled)
            found = gross_follows_total(found)
    return ProofReading(kind, found, proof)


def build_document(upload: Upload, pages: Sequence[OcrPage], part: int | None = None) -> Document:
    """Classify and extract pages of one proof (in page order) into a Document, its decisive fields'
    confidences calibrated (extractors/calibration.py)."""
    reading = read_proof(pages)
    found = reading.found
    return Document(
        **_same_named(upload, FILE_AS_RECEIVED),
        doc_type=reading.kind.doc_type,
        doc_type_score=reading.kind.score,
        doc_type_reasons=reading.kind.reasons,
        pages=tuple(page_info(p) for p in reading.proof.pages),
        part=part,
        fields=mark_disagreements(
            cap_unconfirmed(default_calibration().apply(found.fields, found.evidence, reading.proof)),
            reading.proof.other_reading,
            settled_fields(found.fields, reading.proof),
        ),
        line_items=found.line_items,
        sessions=found.sessions,
    )


def build_documents(upload: Upload, pages: Sequence[OcrPage]) -> list[Document]:
    """One Document per proof in the file: several when its pages hold different proofs."""
    with stage("segmentation"):
        groups = segment_pages(pages)
    if len(groups) == 1:
        return [build_document(upload, groups[0])]
    return [build_document(upload, group, part) for part, group in enumerate(groups, start=1)]
