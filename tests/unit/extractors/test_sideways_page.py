"""A page lying on its side that OSD cannot turn: Tesseract reads its lines as vertical text (the same
words, the same confidence), so the reading is recognised by its word boxes, taller than wide, and the
page is stood up a quarter turn (real Tesseract; OSD's answer replaced by "no answer")."""

from __future__ import annotations

import numpy as np
import pytest

from extractors import ocr, page_reader
from extractors.pages import PageImage
from models import BBox, Word
from tests import documents as docs


def word(text: str, width: int, height: int) -> Word:
    return Word(text=text, confidence=0.95, bbox=BBox(x0=0, y0=0, x1=width, y1=height), block=0, line=0)


def test_a_reading_of_tall_words_is_sideways_and_one_of_wide_words_is_not():
    words = ["Pharmacie", "Facture", "Total", "Montant", "Doliprane", "Patient", "Date", "Lyon", "TTC1", "Remise"]
    assert page_reader._sideways([word(w, 30, 40 * len(w)) for w in words])
    assert not page_reader._sideways([word(w, 40 * len(w), 30) for w in words])
    assert not page_reader._sideways([word(w, 30, 40 * len(w)) for w in words[:4]])  # too few words to tell


@pytest.mark.parametrize("turn", [90, 270])
def test_a_sideways_page_osd_cannot_turn_is_stood_up(tmp_path, monkeypatch, turn):
    monkeypatch.setattr(ocr, "detect_rotation", lambda *_: (0, 0.0))  # OSD without an answer
    source = docs.invoice_pdf(tmp_path / "source.pdf")
    image = docs.raster(source, dpi=200)
    sideways = PageImage(gray=np.ascontiguousarray(np.rot90(image, turn // 90)), dpi=200)
    page = page_reader.ocr_page_image(sideways, 1, mode=None)
    assert not page_reader._sideways(list(page.words))
    assert "PHARMACIE" in {w.text for w in page.words}
    assert page.rotation == turn
