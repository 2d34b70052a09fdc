"""Read one page of an accepted file into words: text layer, or render/load + clean + OCR.

Orientation detection (Tesseract OSD, ~0.7 s) runs only where orientation is in doubt: a landscape
image, or a first OCR pass that reads little or badly. Each page also gets its legibility measures
(extractors/quality.py) and, when it is an image, its perceptual hash (extractors/fingerprint.py).
"""

from __future__ import annotations

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
from infra.tools import pdf
from infra.tools.ocr_settings import OcrMode
from models import MediaType, OcrEngine, OcrPage, TextSource, Upload, Word

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

    Orientation: a landscape image first asks Tesseract OSD; any page read poorly asks it (again)
    and tries the suggested quarter turn and its opposite, keeping the best reading. Then, in the
    accurate OCR mode, a doubtful reading may be replaced by RapidOCR's (extractors/second_reader.py);
    the legibility measures stay Tesseract's.
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
        best_turn = first
        upright, skew, words = _read_turned(gray, first, dpi, scratch)
        if _looks_wrong(words):
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
        engine=OcrEngine.TESSERACT,
    )
    return second_reader.combine(page, upright, mode), upright
