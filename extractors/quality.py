"""Legibility measures of a page, taken on the grayscale image that was OCR'd (OpenCV, no OCR of its own).

Scale: blur and contrast are measured on a copy resized to MEASURE_DPI of the text-implied resolution.
`preprocess.resize_for_ocr` hands Tesseract a resolution derived from the median text height (body text
is TARGET_TEXT_HEIGHT pixels tall at TEXT_DPI), so at MEASURE_DPI body text is ~14 px tall whatever the
file's resolution: a 150 dpi scan and a 600 dpi scan of the same sheet measure the same.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from models import OcrPage, PageQuality, Word
from validators.legibility import legibility_score

MEASURE_DPI = 150  # body text ~14 px tall: half the OCR target, four times fewer pixels to measure
NEAR_TEXT = np.ones((5, 5), np.uint8)  # the pixels around ink strokes, where blur shows


def normalised(gray: np.ndarray, dpi: int) -> np.ndarray:
    """The page at MEASURE_DPI (the resolution its text height implies)."""
    factor = MEASURE_DPI / max(dpi, 1)
    if abs(factor - 1.0) < 0.05:
        return gray
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=interpolation)


def _class_median(hist: np.ndarray) -> float:
    cumulative = np.cumsum(hist)
    return float(np.searchsorted(cumulative, cumulative[-1] / 2)) if cumulative[-1] else 0.0


def blur_and_contrast(small: np.ndarray) -> tuple[float, float]:
    """(variance of the Laplacian near the ink, paper grey minus ink grey) of a normalised page.

    Ink is Otsu's dark class; the Laplacian is taken only where ink is within 2 px, so a page with
    little text is not mistaken for a blurred one. Contrast is the gap between the medians of Otsu's
    two classes (what cleaning could not restore: a faded, noisy page keeps a narrow gap)."""
    threshold, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    near = cv2.dilate(ink, NEAR_TEXT)
    if not near.any():
        return 0.0, 0.0
    _, std = cv2.meanStdDev(cv2.Laplacian(small, cv2.CV_32F), mask=near)
    hist = cv2.calcHist([small], [0], None, [256], [0, 256]).ravel()
    cut = int(threshold) + 1
    contrast = _class_median(hist[cut:]) + cut - _class_median(hist[:cut])
    return float(std[0, 0]) ** 2, max(0.0, contrast)


def text_density(words: Sequence[Word], width: int, height: int) -> float:
    """Share of the page area covered by the boxes of words of two characters or more."""
    area = sum(w.bbox.width * w.bbox.height for w in words if len(w.text) >= 2)
    return min(1.0, area / max(1, width * height))


def ocr_confidence(words: Sequence[Word]) -> float:
    """Mean confidence of the words of two characters or more, weighted by their length (0..1)."""
    useful = [w for w in words if len(w.text) >= 2]
    total = sum(len(w.text) for w in useful)
    return sum(w.confidence * len(w.text) for w in useful) / total if total else 0.0


def _scored(quality: PageQuality) -> PageQuality:
    return quality.model_copy(update={"score": legibility_score(quality)})


def image_quality(gray: np.ndarray, dpi: int, words: Sequence[Word]) -> PageQuality:
    """Measures and score of a page image as OCR'd (`gray` at `dpi`) with the words read on it."""
    blur, contrast = blur_and_contrast(normalised(gray, dpi))
    height, width = gray.shape
    measured = PageQuality(
        blur=round(blur, 1),
        contrast=round(contrast, 1),
        text_density=round(text_density(words, width, height), 5),
        ocr_confidence=round(ocr_confidence(words), 3),
        score=0.0,
    )
    return _scored(measured)


def text_layer_quality(page: OcrPage) -> PageQuality:
    """A text-layer page: no image to measure, the text is exact (confidence and score 1.0)."""
    density = round(text_density(page.words, page.width, page.height), 5)
    return PageQuality(text_density=density, ocr_confidence=1.0, score=1.0)
