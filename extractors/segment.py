"""Cut a multi-page file into the proofs it holds (an invoice followed by its prescription, a bulletin
and a care sheet scanned together): each page is classified alone; a page starts a new proof when
another type clearly wins on it and it does not read as the continuation of the previous pages."""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.classify import best_type, page_scores
from extractors.data_files import fold
from extractors.layout import document_lines
from models import DocType, OcrPage

SPLIT_SCORE = 4.0  # a page needs at least this keyword score to open a proof of its own
RIVAL_SHARE = 0.5  # ...and the current proof's type must score under this share of it on the page
CONTINUATION = re.compile(r"\b(suite|report|reporter|continued|carried forward)\b|\bpage\s*[2-9]\d*\s*/\s*\d+\b|\(\s*suite\s*\)")


def is_continuation(page: OcrPage) -> bool:
    """The page says it continues a previous one ('(suite)', 'Report', 'Page 2/3')."""
    return bool(CONTINUATION.search(fold(" ".join(w.text for w in page.words))))


def starts_new_proof(page: OcrPage, scores: dict[DocType, tuple[float, list[str]]], current: DocType) -> bool:
    """Another document type clearly wins on this page (its `scores`), which is not a continuation.
    Pages that read as no type yet (`other`: a cover page, a header page) never end a proof: the first
    typed page that follows them belongs with them."""
    kind, score = best_type(scores)
    if current is DocType.OTHER or kind in (current, DocType.OTHER) or score < SPLIT_SCORE:
        return False
    current_score = scores.get(current, (0.0, []))[0]
    return current_score < RIVAL_SHARE * score and not is_continuation(page)


def segment_pages(pages: Sequence[OcrPage]) -> list[list[OcrPage]]:
    """The pages grouped into consecutive proofs (one group for a single-proof file)."""
    ordered = sorted(pages, key=lambda p: p.page)
    if len(ordered) < 2:
        return [list(ordered)]
    groups: list[list[OcrPage]] = [[ordered[0]]]
    current = best_type(page_scores(document_lines([ordered[0]])))[0]
    for page in ordered[1:]:
        scores = page_scores(document_lines([page]))  # each page scored once
        if starts_new_proof(page, scores, current):
            groups.append([page])
            current = best_type(scores)[0]
        else:
            groups[-1].append(page)
            if current is DocType.OTHER:
                current = best_type(scores)[0]  # the proof's type is known from its first typed page
    return groups
