"""The combination of the two readers (extractors/second_reader.py): when RapidOCR re-reads a page,
which reading wins, and the OCR mode setting (infra/tools/ocr_settings.py)."""

from __future__ import annotations

import numpy as np
import pytest

from extractors import engines, second_reader
from infra.tools import ocr_settings, rapidocr
from infra.tools.ocr_settings import InvalidOcrMode, OcrMode, ocr_mode, use_ocr_mode
from models import BBox, OcrEngine, OcrPage, PageQuality, TextSource, Word
from models.errors import ExitCode

IMAGE = np.full((100, 100), 255, dtype=np.uint8)


def words(texts: list[str], confidence: float = 0.95) -> tuple[Word, ...]:
    return tuple(
        Word(text=t, confidence=confidence, bbox=BBox(x0=10 * i, y0=i, x1=10 * i + 8, y1=i + 8), block=1, line=i + 1)
        for i, t in enumerate(texts)
    )


A4_TEXT = [f"mot{i}" for i in range(60)]


def page(
    texts: list[str] = A4_TEXT,
    confidence: float = 0.95,
    width: int = 2480,
    height: int = 3508,
    source: TextSource = TextSource.OCR,
) -> OcrPage:
    return OcrPage(
        page=1,
        width=width,
        height=height,
        dpi=300,
        source=source,
        words=words(texts, confidence),
        engine=OcrEngine.TESSERACT if source is TextSource.OCR else None,
        quality=PageQuality(text_density=0.2, ocr_confidence=confidence, score=0.9) if source is TextSource.OCR else None,
    )


@pytest.fixture
def second(monkeypatch):
    """RapidOCR replaced by a fake reading what `reading` holds; `calls` counts its calls."""
    state: dict = {"reading": words(["TOTAL", "TTC", "45,30", "EUR", *A4_TEXT]), "calls": 0}

    def fake(image):
        state["calls"] += 1
        if isinstance(state["reading"], Exception):
            raise state["reading"]
        return list(state["reading"])

    def fake_lines(crops):
        state["crops"] = state.get("crops", 0) + len(crops)
        if isinstance(state.get("lines"), Exception):
            raise state["lines"]
        return [(text, 0.97) for text in state.get("lines", ["?"] * len(crops))]

    monkeypatch.setattr(rapidocr, "read_words", fake)
    monkeypatch.setattr(rapidocr, "read_lines", fake_lines)
    return state


def test_a_confident_a4_page_is_trusted():
    assert second_reader.reasons_to_reread(page()) == []


def test_doubtful_readings_name_their_reasons():
    assert second_reader.reasons_to_reread(page(width=800, height=2400)) == ["strip"]
    assert second_reader.reasons_to_reread(page(texts=["Total", "12,00"])) == ["few_words"]
    assert second_reader.reasons_to_reread(page(confidence=0.6)) == ["low_confidence"]
    assert second_reader.reasons_to_reread(page(texts=[], width=800, height=2400)) == ["strip", "few_words"]


BILL = [*A4_TEXT, "Description", "Quantity", "Amount", "Shoes", "2,00", "Total"]  # the amounts column dropped


def test_a_total_label_without_its_amount_is_doubtful():
    assert second_reader.reasons_to_reread(page(BILL)) == ["total_unread"]
    assert second_reader.reasons_to_reread(page([*BILL, "484,00"])) == []


def test_a_re_read_for_an_unread_total_is_kept_only_if_it_reads_one(second):
    second["reading"] = words([*A4_TEXT, "Total", "484,00"])
    reread = second_reader.combine(page(BILL), IMAGE, OcrMode.ACCURATE)
    assert reread.engine is OcrEngine.RAPIDOCR and "484,00" in [w.text for w in reread.words]
    assert reread.cross_words == page(BILL).words  # Tesseract's reading stays beside it, to cross-check
    second["reading"] = words([*A4_TEXT, "Shoes", "2,00", "x", "Total"])  # no amount at the label either
    first = page(BILL)
    kept = second_reader.combine(first, IMAGE, OcrMode.ACCURATE)
    assert kept.words == first.words and kept.engine is OcrEngine.TESSERACT
    assert kept.cross_words == second["reading"]


def test_a_text_layer_is_never_re_read():
    assert second_reader.reasons_to_reread(page(texts=["x"], source=TextSource.TEXT_LAYER)) == []


def test_the_second_reading_wins_unless_it_holds_clearly_less_text():
    first = words(["Total", "TIC", "45,30"])
    assert second_reader.keep_second(first, words(["Total", "TTC", "45,30"]))
    assert second_reader.keep_second(first, words(["Total", "TTC", "45,30", "EUR"]))
    assert not second_reader.keep_second(first, words(["45,30"]))  # RapidOCR's detector missed most of it
    assert not second_reader.keep_second(first, ())
    assert second_reader.keep_second((), words(["12,00"]))  # Tesseract read nothing


def test_fast_mode_never_calls_the_second_reader(second):
    doubtful = page(confidence=0.4)
    assert second_reader.combine(doubtful, IMAGE, OcrMode.FAST) is doubtful
    assert second["calls"] == 0


def test_accurate_mode_leaves_a_trusted_page_alone(second):
    trusted = page()
    assert second_reader.combine(trusted, IMAGE, OcrMode.ACCURATE) is trusted
    assert second["calls"] == 0


def test_accurate_mode_keeps_rapidocr_reading_of_a_doubtful_page(second):
    doubtful = page(confidence=0.5)
    combined = second_reader.combine(doubtful, IMAGE, OcrMode.ACCURATE)
    assert second["calls"] == 1
    assert combined.engine is OcrEngine.RAPIDOCR
    assert [w.text for w in combined.words][:3] == ["TOTAL", "TTC", "45,30"]
    assert combined.cross_words == doubtful.words
    assert combined.quality == doubtful.quality  # legibility stays measured on the first reading
    assert (combined.width, combined.height, combined.rotation) == (doubtful.width, doubtful.height, doubtful.rotation)


def test_accurate_mode_keeps_tesseract_when_rapidocr_reads_much_less(second):
    second["reading"] = words(["45,30"])
    doubtful = page(confidence=0.5)
    kept = second_reader.combine(doubtful, IMAGE, OcrMode.ACCURATE)
    assert kept.model_copy(update={"cross_words": ()}) == doubtful  # Tesseract's reading, unchanged
    assert kept.cross_words == words(["45,30"])  # RapidOCR's, kept only to cross-check values


@pytest.mark.parametrize("error", [rapidocr.RapidOcrFailed("bad image"), rapidocr.RapidOcrUnavailable("not installed")])
def test_a_second_reader_failure_keeps_the_first_reading(second, error):
    second["reading"] = error
    strip = page(width=800, height=2400)
    assert second_reader.combine(strip, IMAGE, OcrMode.ACCURATE) is strip


def test_the_mode_comes_from_the_environment(second, monkeypatch):
    monkeypatch.delenv("INTAKE_OCR_MODE", raising=False)
    assert ocr_mode() is ocr_settings.DEFAULT_MODE
    monkeypatch.setenv("INTAKE_OCR_MODE", "accurate")
    assert ocr_mode() is OcrMode.ACCURATE
    assert second_reader.combine(page(confidence=0.5), IMAGE).engine is OcrEngine.RAPIDOCR
    monkeypatch.setenv("INTAKE_OCR_MODE", "best")
    with pytest.raises(InvalidOcrMode) as caught:
        ocr_mode()
    assert caught.value.exit_code == ExitCode.CONFIG and "fast or accurate" in str(caught.value)


def test_use_ocr_mode_sets_it_for_the_process(monkeypatch):
    monkeypatch.setenv("INTAKE_OCR_MODE", "fast")
    assert use_ocr_mode("Accurate") is OcrMode.ACCURATE
    assert ocr_mode() is OcrMode.ACCURATE
    with pytest.raises(InvalidOcrMode):
        use_ocr_mode("slow")


TRUSTED_BILL = [*A4_TEXT, "Facture", "du", "12/03/2025", "Total", "TTC", "84,00"]
BIG_IMAGE = np.full((3508, 2480), 255, dtype=np.uint8)


def test_a_trusted_page_has_its_decisive_values_re_read_alone(second):
    second["lines"] = ["84,00", "12/03/2025"]
    checked = second_reader.combine(page(TRUSTED_BILL), BIG_IMAGE, OcrMode.ACCURATE)
    assert second["calls"] == 0 and second["crops"] == 2  # no detection: the total's and the date's boxes
    assert checked.words == page(TRUSTED_BILL).words and checked.engine is OcrEngine.TESSERACT
    assert [w.text for w in checked.cross_words] == ["84,00", "12/03/2025"]
    total_box = next(w.bbox for w in checked.words if w.text == "84,00")
    region = checked.cross_regions[0]  # the value's box with a margin
    assert region.x0 < total_box.x0 and region.x1 > total_box.x1 and region.y0 <= total_box.y0 and region.y1 > total_box.y1


def test_a_failed_re_read_of_the_decisive_values_keeps_the_page(second):
    second["lines"] = rapidocr.RapidOcrFailed("boom")
    trusted = page(TRUSTED_BILL)
    assert second_reader.combine(trusted, BIG_IMAGE, OcrMode.ACCURATE) is trusted
    assert second_reader.combine(trusted, BIG_IMAGE, OcrMode.FAST) is trusted


def test_values_stacked_for_one_reading_are_put_back_where_they_were_printed():
    image = np.full((400, 300), 255, dtype=np.uint8)
    boxes = [BBox(x0=200, y0=300, x1=260, y1=320), BBox(x0=20, y0=40, x1=120, y1=60)]
    canvas, corners = engines.stacked_crops(image, boxes)
    assert canvas.shape == (20 + 20 + 3 * engines.CROP_GAP, 100 + 2 * engines.CROP_GAP)
    (left0, top0), (left1, top1) = corners
    read = [
        Word(text="16,50", confidence=0.9, bbox=BBox(x0=left0 + 2, y0=top0 + 2, x1=left0 + 50, y1=top0 + 18), block=1, line=1),
        Word(text="noise", confidence=0.9, bbox=BBox(x0=0, y0=0, x1=10, y1=8), block=1, line=1),  # in the gap
        Word(text="14/10/2021", confidence=0.9, bbox=BBox(x0=left1, y0=top1, x1=left1 + 90, y1=top1 + 20), block=1, line=2),
    ]
    placed = engines.placed(read, boxes, corners, first_line=7)
    assert [(w.text, w.line) for w in placed] == [("16,50", 7), ("14/10/2021", 8)]
    assert placed[0].bbox == BBox(x0=202, y0=302, x1=250, y1=318) and placed[1].bbox == BBox(x0=20, y0=40, x1=110, y1=60)
