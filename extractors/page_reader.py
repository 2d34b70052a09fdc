"""Read one page of an accepted file into words: text layer, or render/load + clean + OCR.

Orientation detection (Tesseract OSD, ~0.7 s) runs only where orientation is in doubt: a landscape
image, or a first OCR pass that reads little or badly. Each page also gets its legibility measures
(extractors/quality.py) and, when it is an image, its perceptual hash (extractors/fingerprint.py).
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import cv2
import numpy as np

from extractors import ocr, preprocess, second_reader
from extractors.fingerprint import page_phash
from extractors.pages import (
    PageImage,
    embedded_scan,
    is_a4_portrait,
    load_image_page,
    render_pdf_page,
    text_layer_page,
)
from extractors.quality import image_quality, ocr_confidence, text_layer_quality
from extractors.timing import stage
from infra.tools import deadline, pdf, rapidocr
from infra.tools.ocr_settings import OcrMode, ocr_mode
from models import MediaType, OcrEngine, OcrPage, TextSource, Upload, Word

log = logging.getLogger(__name__)
MIN_GOOD_WORDS = 8
MIN_GOOD_CONFIDENCE = 0.6


def read_page(upload: Upload, page_no: int, workdir: str | None = None, mode: OcrMode | None = None) -> OcrPage:
    """Words of page `page_no` (1-based) of an accepted upload; `mode` (default: INTAKE_OCR_MODE) says
    whether a second reader may re-read it (extractors/second_reader.py)."""
    return read_page_with_image(upload, page_no, workdir, mode)[0]


def read_page_with_image(
    upload: Upload, page_no: int, workdir: str | None = None, mode: OcrMode | None = None
) -> tuple[OcrPage, np.ndarray | None]:
    """As `read_page`, plus the upright working image the words' boxes refer to (None for a text layer:
    its boxes refer to the PDF page rendered at the page's width x height pixels)."""
    if upload.media_type is MediaType.PDF:
        with stage("text layer"):
            page = text_layer_page(upload.path, page_no)
            if page is not None:
                width, height = pdf.page_size_points(upload.path, page_no)
                page = page.model_copy(update={"a4_portrait": is_a4_portrait(width, height), "quality": text_layer_quality(page)})
        if page is not None:
            return page, None
        with stage("render"):
            image = embedded_scan(upload.path, page_no) or render_pdf_page(upload.path, page_no)
    else:
        with stage("decode"):
            image = load_image_page(upload.path)
    return ocr_page_with_image(image, page_no, workdir, mode)


def _looks_wrong(words: list[Word]) -> bool:
    return len(words) < MIN_GOOD_WORDS or ocr_confidence(words) < MIN_GOOD_CONFIDENCE


class _Scratch:
    """A grayscale image written once to a fast uncompressed file for Tesseract."""

    def __init__(self, workdir: str | None):
        fd, name = tempfile.mkstemp(suffix=".pgm", dir=workdir)
        os.close(fd)
        self.path = Path(name)

    def write(self, gray: np.ndarray) -> Path:
        if not cv2.imwrite(str(self.path), gray):
            raise ocr.OcrError("could not write the page image for OCR")
        return self.path

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def _read_turned(gray: np.ndarray, turn: int, dpi: int, scratch: _Scratch) -> tuple[np.ndarray, float, list[Word]]:
    """Quarter-turn, deskew and OCR; returns the straightened image, the skew and the words."""
    with stage("deskew"):
        straight, skew = preprocess.deskew(preprocess.rotate_quadrant(gray, turn))
    height, width = straight.shape
    psm = ocr.PSM_STRIP if height / max(width, 1) >= ocr.STRIP_RATIO else ocr.PSM_PAGE
    with stage("tesseract pass"):
        return straight, skew, ocr.read_words(scratch.write(straight), dpi, psm=psm)


UPSIDE_DOWN_SHARE = 0.5  # more of a strip's lines than this turned by RapidOCR's classifier: the strip is upside down


def _strip_first(gray: np.ndarray, turn: int, mode: OcrMode | None) -> bool:
    """In accurate mode, a till-receipt strip (tall and narrow once turned) is read by RapidOCR first
    and alone: it reads receipts better than Tesseract, whose pass would be thrown away."""
    if (mode or ocr_mode()) is not OcrMode.ACCURATE or deadline.spent():
        return False
    height, width = gray.shape if turn % 180 == 0 else gray.shape[::-1]
    return height / max(width, 1) >= ocr.STRIP_RATIO


def _read_strip(gray: np.ndarray, turn: int) -> tuple[np.ndarray, float, list[Word], int] | None:
    """A strip deskewed and read by RapidOCR, turned half round when its direction classifier finds most
    lines upside down: (image, skew, words, turn); None when RapidOCR is unavailable, fails or reads
    too little (Tesseract then reads the page, orientation checks included)."""
    with stage("deskew"):
        straight, skew = preprocess.deskew(preprocess.rotate_quadrant(gray, turn))
    try:
        with stage("first reader (RapidOCR)"):
            words, turned = rapidocr.read_words_oriented(straight)
            if turned > UPSIDE_DOWN_SHARE:
                straight, turn = np.ascontiguousarray(np.rot90(straight, 2)), (turn + 180) % 360
                words, _ = rapidocr.read_words_oriented(straight)
    except (rapidocr.RapidOcrUnavailable, rapidocr.RapidOcrFailed) as exc:
        log.warning("RapidOCR could not read a receipt strip, Tesseract reads it: %s", type(exc).__name__)
        return None
    return None if _looks_wrong(words) else (straight, skew, words, turn)


def _score(words: list[Word]) -> float:
    return ocr_confidence(words) * len(words)


def _turns_to_try(first: int, guess: int, confidence: float) -> list[int]:
    """Other quarter turns worth an OCR pass after a poor first reading."""
    if guess == first and confidence >= ocr.MIN_OSD_CONFIDENCE:
        return []  # orientation confirmed: the page is just hard to read
    turns = [guess, (guess + 180) % 360] if guess != first else [(first + 180) % 360]
    return [t for t in dict.fromkeys(turns) if t != first][:2]


def ocr_page_image(image: PageImage, page_no: int, workdir: str | None = None, mode: OcrMode | None = None) -> OcrPage:
    """Orient, deskew, clean and OCR a page image (see `ocr_page_with_image`)."""
    return ocr_page_with_image(image, page_no, workdir, mode)[0]


def ocr_page_with_image(
    image: PageImage, page_no: int, workdir: str | None = None, mode: OcrMode | None = None
) -> tuple[OcrPage, np.ndarray]:
    """Orient, deskew, clean and OCR a page image; returns the page and its upright working image.

    Orientation: a landscape image first asks Tesseract OSD. In the accurate OCR mode a till-receipt
    strip is then read by RapidOCR alone (its direction classifier says whether it is upside down), its
    total and date cross-checked by Tesseract on crops. Any other page is read by Tesseract; one read
    poorly asks OSD (again) and tries the suggested quarter turn and its opposite, keeping the best
    reading; in the accurate mode a doubtful reading may then be replaced by RapidOCR's
    (extractors/second_reader.py). The legibility measures are taken on the words kept.
    """
    with stage("clean"):
        gray, dpi = preprocess.resize_for_ocr(preprocess.clean(image.gray), image.dpi)
    scratch = _Scratch(workdir)
    try:
        first, osd = 0, None
        if gray.shape[1] > gray.shape[0]:  # landscape: likely a sideways photo or scan
            with stage("osd"):
                osd = ocr.detect_rotation(scratch.write(gray), dpi)
            first = osd[0] if osd[1] > 0 else 0
        best_turn, engine = first, OcrEngine.TESSERACT
        strip = _read_strip(gray, first) if _strip_first(gray, first, mode) else None
        if strip is not None:
            upright, skew, words, best_turn = strip
            engine = OcrEngine.RAPIDOCR
        else:
            upright, skew, words = _read_turned(gray, first, dpi, scratch)
        if engine is OcrEngine.TESSERACT and _looks_wrong(words):
            if osd is None:
                with stage("osd"):
                    osd = ocr.detect_rotation(scratch.write(gray), dpi)
            guess, confidence = osd
            for turn in _turns_to_try(first, guess, confidence):
                candidate = _read_turned(gray, turn, dpi, scratch)
                if _score(candidate[2]) > _score(words):
                    (upright, skew, words), best_turn = candidate, turn
                if not _looks_wrong(words):
                    break
    finally:
        scratch.remove()
    sheet_height, sheet_width = preprocess.rotate_quadrant(gray, best_turn).shape
    height, width = upright.shape
    with stage("legibility"):
        quality = image_quality(upright, dpi, words, image.gray, image.dpi)
    with stage("hash"):
        phash = page_phash(upright)
    page = OcrPage(
        page=page_no,
        width=width,
        height=height,
        dpi=dpi,
        source=TextSource.OCR,
        rotation=best_turn,
        skew=round(skew, 2),
        words=tuple(words),
        a4_portrait=is_a4_portrait(sheet_width, sheet_height),
        quality=quality,
        phash=phash,
        engine=engine,
    )
    return second_reader.combine(page, upright, mode), upright
