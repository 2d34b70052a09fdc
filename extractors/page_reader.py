"""Read one page of an accepted file into words: text layer, or render/load + clean + OCR.

Orientation detection (Tesseract OSD, ~0.7 s) runs only where orientation is in doubt: a landscape
image, or a first OCR pass that reads little or badly.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import cv2
import numpy as np

from extractors import ocr, preprocess
from extractors.pages import PageImage, is_a4_portrait, load_image_page, pdf_page_size_points, render_pdf_page, text_layer_page
from models import MediaType, OcrPage, TextSource, Upload, Word

MIN_GOOD_WORDS = 8
MIN_GOOD_CONFIDENCE = 0.6


def read_page(upload: Upload, page_no: int, workdir: str | None = None) -> OcrPage:
    """Words of page `page_no` (1-based) of an accepted upload."""
    if upload.media_type is MediaType.PDF:
        page = text_layer_page(upload.path, page_no)
        if page is not None:
            width, height = pdf_page_size_points(upload.path, page_no)
            return page.model_copy(update={"a4_portrait": is_a4_portrait(width, height)})
        image = render_pdf_page(upload.path, page_no)
    else:
        image = load_image_page(upload.path)
    return ocr_page_image(image, page_no, workdir)


def text_quality(words: list[Word]) -> float:
    """Length-weighted mean confidence of the words of two characters or more (0..1)."""
    useful = [w for w in words if len(w.text) >= 2]
    total = sum(len(w.text) for w in useful)
    if total == 0:
        return 0.0
    return sum(w.confidence * len(w.text) for w in useful) / total


def _looks_wrong(words: list[Word]) -> bool:
    return len(words) < MIN_GOOD_WORDS or text_quality(words) < MIN_GOOD_CONFIDENCE


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


def _straighten_and_read(gray: np.ndarray, dpi: int, scratch: _Scratch) -> tuple[np.ndarray, float, list[Word]]:
    gray, skew = preprocess.deskew(gray)
    words = ocr.read_words(scratch.write(gray), dpi)
    return gray, skew, words


def ocr_page_image(image: PageImage, page_no: int, workdir: str | None = None) -> OcrPage:
    """Orient, deskew, clean and OCR a page image."""
    gray, dpi = preprocess.resize_for_ocr(preprocess.clean(image.gray), image.dpi)
    scratch = _Scratch(workdir)
    try:
        rotation = 0
        if gray.shape[1] > gray.shape[0]:  # landscape: likely a sideways photo or scan
            rotation = ocr.detect_rotation(scratch.write(gray), dpi)
            gray = preprocess.rotate_quadrant(gray, rotation)
        sheet = gray.shape
        upright, skew, words = _straighten_and_read(gray, dpi, scratch)
        if rotation == 0 and _looks_wrong(words):
            guess = ocr.detect_rotation(scratch.write(upright), dpi)
            if guess:
                turned, turned_skew, turned_words = _straighten_and_read(preprocess.rotate_quadrant(gray, guess), dpi, scratch)
                if text_quality(turned_words) * len(turned_words) > text_quality(words) * len(words):
                    upright, skew, words, rotation = turned, turned_skew, turned_words, guess
                    sheet = sheet[::-1] if guess in (90, 270) else sheet
    finally:
        scratch.remove()
    height, width = upright.shape
    return OcrPage(
        page=page_no,
        width=width,
        height=height,
        dpi=dpi,
        source=TextSource.OCR,
        rotation=rotation,
        skew=round(skew, 2),
        words=tuple(words),
        a4_portrait=is_a4_portrait(sheet[1], sheet[0]),
    )
