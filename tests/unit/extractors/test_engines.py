"""OCR engines behind one interface (extractors/engines.py) and the routes that say which engine does what
(extractors/data/ocr_routes.toml): every engine has an adapter, the shipped routes, and a route changed in
the data alone changes which engine reads a page."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors import engines, keywords, page_reader
from extractors.keywords import OcrRoutes, parse_data
from extractors.pages import PageImage
from infra.tools.ocr_settings import OcrMode
from models import BBox, OcrEngine, Word


def test_every_engine_has_an_adapter_that_says_its_name():
    assert set(engines.ENGINES) == set(OcrEngine)
    assert all(adapter.name is name for name, adapter in engines.ENGINES.items())


def test_the_shipped_routes():
    assert engines.route(2000, 600, OcrMode.ACCURATE).first is OcrEngine.RAPIDOCR  # a till-receipt strip
    sheet = engines.route(1400, 1000, OcrMode.ACCURATE)
    assert (sheet.first, sheet.second, sheet.cross_check) == (OcrEngine.TESSERACT, OcrEngine.RAPIDOCR, OcrEngine.RAPIDOCR)
    for height, width in ((2000, 600), (1400, 1000)):
        fast = engines.route(height, width, OcrMode.FAST)
        assert (fast.first, fast.second, fast.cross_check) == (OcrEngine.TESSERACT, None, None)


def test_a_route_naming_an_unknown_engine_is_refused():
    text = (keywords.DATA_DIR / "ocr_routes.toml").read_text(encoding="utf-8").replace('first = "rapidocr"', 'first = "abbyy"')
    with pytest.raises(keywords.DataFileError, match=r"ocr_routes.*accurate\.strip\.first"):
        parse_data(OcrRoutes, text, "ocr_routes.toml")


class _Recorder:
    """A stand-in engine that reads every page as the same words and records what it was asked."""

    name = OcrEngine.RAPIDOCR
    label = "recorder"

    def __init__(self) -> None:
        self.pages: list[tuple[int, int]] = []

    def read_page(self, image: np.ndarray, dpi: int, *, check_direction: bool = False, workdir: str | None = None):
        self.pages.append(image.shape[:2])
        texts = ["FACTURE", "Date", "14/10/2021", "TOTAL", "16,50", *[f"ligne{i}" for i in range(10)]]
        words = [
            Word(text=t, confidence=0.99, bbox=BBox(x0=20, y0=30 * i + 5, x1=120, y1=30 * i + 25), block=1, line=i + 1)
            for i, t in enumerate(texts)
        ]
        return engines.Reading(words)

    def read_boxes(self, image: np.ndarray, boxes: Sequence[BBox], dpi: int, first_line: int) -> list[Word]:
        return []


def _sheet() -> PageImage:
    image = Image.new("L", (1000, 1400), 255)
    ImageDraw.Draw(image).text((80, 100), "FACTURE 14/10/2021 TOTAL 16,50", fill=0, font=ImageFont.load_default(size=30))
    return PageImage(gray=np.asarray(image), dpi=150)


def test_a_route_changed_in_the_data_changes_the_engine_that_reads_the_page(monkeypatch):
    recorder = _Recorder()
    monkeypatch.setitem(engines.ENGINES, OcrEngine.RAPIDOCR, recorder)
    page = page_reader.ocr_page_image(_sheet(), 1, mode=OcrMode.ACCURATE)
    # shipped: Tesseract reads a sheet first; its reading (a few words: doubtful) is re-read by the second engine
    assert len(recorder.pages) == 1 and page.engine is OcrEngine.RAPIDOCR
    assert {w.text for w in page.cross_words} >= {"FACTURE", "16,50"}  # Tesseract's reading kept beside
    recorder.pages.clear()

    routes = keywords.OCR_ROUTES.model_copy(
        update={
            "accurate": keywords.OCR_ROUTES.accurate.model_copy(update={"sheet": keywords.OcrRoute(first=OcrEngine.RAPIDOCR)})
        }
    )
    monkeypatch.setattr(engines, "OCR_ROUTES", routes)
    page = page_reader.ocr_page_image(_sheet(), 1, mode=OcrMode.ACCURATE)
    assert page.engine is OcrEngine.RAPIDOCR and len(recorder.pages) == 1
    assert "16,50" in {w.text for w in page.words} and not page.cross_words  # no second reader, no cross-check routed


def test_an_engine_failure_is_logged_by_the_engine_errors_name_never_its_message():
    try:
        try:
            raise ValueError("DUPONT Marie 12/03/1980")  # an engine's message may quote the page
        except ValueError as inner:
            raise engines.EngineFailed("RapidOCR: ValueError: DUPONT Marie") from inner
    except engines.EngineFailed as exc:
        assert engines.failure(exc) == "ValueError"
    assert engines.failure(engines.EngineFailed("alone")) == "EngineFailed"
