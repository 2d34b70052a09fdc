"""Cutting a multi-page file into proofs: page types, continuations, and pages that read as no type."""

from __future__ import annotations

from extractors.segment import segment_pages
from models import BBox, OcrPage, TextSource, Word


def page_of(number: int, *rows: str) -> OcrPage:
    """A text-layer page holding `rows`, one line each."""
    words = []
    for index, row in enumerate(rows):
        x = 10
        for token in row.split():
            words.append(
                Word(
                    text=token,
                    confidence=0.95,
                    bbox=BBox(x0=x, y0=60 * index, x1=x + 14 * len(token), y1=60 * index + 30),
                    block=1,
                    line=index,
                )
            )
            x += 14 * len(token) + 14
    return OcrPage(page=number, width=2480, height=3508, dpi=300, source=TextSource.TEXT_LAYER, words=tuple(words))


INVOICE = ("FACTURE N° 2025-114", "Date de facture : 12/03/2025", "Total TTC 84,00 €", "Net à payer 84,00 €", "TVA 20 %")
PRESCRIPTION = (
    "ORDONNANCE",
    "Dr Jean Martin médecin généraliste",
    "Prescription",
    "Posologie : 1 comprimé matin et soir",
    "Renouvelable 3 fois",
    "ordonnance bizone",
)


def test_a_first_page_of_no_type_joins_the_proof_that_follows() -> None:
    """A cover page with no keyword, then an invoice page: one proof (this used to raise KeyError)."""
    cover = page_of(1, "Lorem ipsum", "Sample", "Vielen Dank")
    groups = segment_pages([cover, page_of(2, *INVOICE)])
    assert [[p.page for p in g] for g in groups] == [[1, 2]]


def test_a_page_of_another_type_opens_a_new_proof() -> None:
    groups = segment_pages([page_of(1, *INVOICE), page_of(2, *PRESCRIPTION)])
    assert [[p.page for p in g] for g in groups] == [[1], [2]]


def test_untyped_pages_between_typed_ones_stay_with_the_proof() -> None:
    groups = segment_pages([page_of(1, *INVOICE), page_of(2, "Conditions générales"), page_of(3, "Annexe")])
    assert [[p.page for p in g] for g in groups] == [[1, 2, 3]]
