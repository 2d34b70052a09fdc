"""In accurate mode a till-receipt strip is read by RapidOCR alone (real RapidOCR and Tesseract on a
printed strip): upright or upside down, its total and date cross-checked by Tesseract on crops; in fast
mode, or when RapidOCR cannot read it, Tesseract reads it."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors import page_reader
from extractors.cross_reading import other_lines
from extractors.fields.amounts import extract_total
from extractors.fields.dates import extract_date
from extractors.layout import document_lines
from extractors.pages import PageImage
from infra.tools import rapidocr
from infra.tools.ocr_settings import OcrMode
from models import OcrEngine

RECEIPT = [
    "BOULANGERIE DU PORT",
    "12 RUE DES QUAIS",
    "TICKET 0042",
    "Date 14/10/2021",
    "PAIN 1,20",
    "CROISSANT 2,40",
    "TARTE 12,90",
    "TOTAL 16,50 EUR",
    "CB 16,50",
    "MERCI",
]


@pytest.fixture(scope="module")
def strip() -> PageImage:
    """A 600 x 1500 till receipt (a strip: 2.5 times taller than wide), printed at about 200 dpi."""
    image = Image.new("L", (600, 1500), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=34)
    for row, text in enumerate(RECEIPT):
        draw.text((40, 60 + row * 130), text, fill=0, font=font)
    return PageImage(gray=np.asarray(image), dpi=200)


def test_a_strip_is_read_by_rapidocr_alone_and_its_values_cross_checked_by_tesseract(strip):
    page, upright = page_reader.ocr_page_with_image(strip, 1, mode=OcrMode.ACCURATE)
    assert page.engine is OcrEngine.RAPIDOCR and page.rotation == 0
    lines = document_lines([page])
    assert extract_total(lines).value == "16.50" and extract_date(lines).value == "2021-10-14"
    assert page.cross_regions and {w.text for w in page.cross_words} >= {"16,50", "14/10/2021"}
    other = other_lines([page])  # Tesseract's reading of the two values, the rest as RapidOCR read it
    assert other is not None and extract_total(other).value == "16.50" and extract_date(other).value == "2021-10-14"
    assert page.quality is not None and page.quality.score > 0.5 and upright.shape == (page.height, page.width)


def test_an_upside_down_strip_is_turned_by_the_direction_classifier(strip):
    turned = PageImage(gray=np.ascontiguousarray(np.rot90(strip.gray, 2)), dpi=strip.dpi)
    page, _ = page_reader.ocr_page_with_image(turned, 1, mode=OcrMode.ACCURATE)
    assert page.engine is OcrEngine.RAPIDOCR and page.rotation == 180
    lines = document_lines([page])
    assert lines[0].text.startswith("BOULANGERIE") and extract_total(lines).value == "16.50"


def test_fast_mode_reads_a_strip_with_tesseract(strip):
    page, _ = page_reader.ocr_page_with_image(strip, 1, mode=OcrMode.FAST)
    assert page.engine is OcrEngine.TESSERACT and not page.cross_words


def test_a_strip_rapidocr_cannot_read_is_read_by_tesseract(strip, monkeypatch):
    def broken(image):
        raise rapidocr.RapidOcrFailed("bad image")

    monkeypatch.setattr(rapidocr, "read_words_oriented", broken)
    monkeypatch.setattr(rapidocr, "read_words", broken)
    page, _ = page_reader.ocr_page_with_image(strip, 1, mode=OcrMode.ACCURATE)
    assert page.engine is OcrEngine.TESSERACT and extract_total(document_lines([page])).value == "16.50"


def test_a_date_rapidocr_missed_on_a_strip_is_looked_for_in_tesseracts_reading_of_the_whole_strip(strip, monkeypatch):
    from extractors.cross_reading import other_reading

    reading = rapidocr.read_words_oriented

    def without_the_date(image):  # RapidOCR's detector missing the date line, as on some real receipts
        words, turned = reading(image)
        return [w for w in words if "/" not in w.text and w.text != "Date"], turned

    monkeypatch.setattr(rapidocr, "read_words_oriented", without_the_date)
    page, _ = page_reader.ocr_page_with_image(strip, 1, mode=OcrMode.ACCURATE)
    assert page.engine is OcrEngine.RAPIDOCR and extract_date(document_lines([page])) is None
    assert not page.cross_regions and "14/10/2021" in {w.text for w in page.cross_words}  # Tesseract read it all
    other = other_reading([page], "receipt")
    assert other is not None and other.value("date") == "2021-10-14"
