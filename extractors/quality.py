"""Legibility measures of a page (OpenCV; the OCR confidence and density come from the words read).

- blur: sharpness of the image that was OCR'd, on a copy resized to MEASURE_DPI of its text-implied
  resolution. `preprocess.resize_for_ocr` hands Tesseract a resolution derived from the median text
  height (body text is TARGET_TEXT_HEIGHT pixels tall at TEXT_DPI), so at MEASURE_DPI body text is
  ~14 px tall whatever the file's resolution: a 150 dpi and a 400 dpi scan of a sheet measure alike
  (within a factor ~2 on generated pages, where readable and unreadable blur differ by 10-100x).
- contrast: on the page as received. Cleaning stretches every page's contrast to the full range, so
  the image OCR'd says nothing about it; what the claimant sent does (a faded print, a dim photo).
  Pixels are sampled (every n-th), not averaged: averaging would mix thin strokes with the paper.
- text density and OCR confidence: from the words read on the page.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from extractors import preprocess
from models import OcrPage, PageQuality, Word
from models.quality import legibility_score

MEASURE_DPI = 150  # body text ~14 px tall: half the OCR target, four times fewer pixels to measure
CONTRAST_DPI = 100  # contrast is read on every n-th pixel, n bringing the page down to about this resolution
NEAR_TEXT = np.ones((5, 5), np.uint8)  # the pixels around ink strokes, where blur shows


def normalised(gray: np.ndarray, dpi: int) -> np.ndarray:
    """The page at MEASURE_DPI (`dpi` being the resolution its text height implies)."""
    factor = MEASURE_DPI / max(dpi, 1)
    if factor < 1:
        return preprocess.shrink(gray, factor)
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_LINEAR) if factor > 1.01 else gray


def _class_median(hist: np.ndarray) -> float:
    cumulative = np.cumsum(hist)
    return float(np.searchsorted(cumulative, cumulative[-1] / 2))


def sharpness(small: np.ndarray) -> float:
    """Variance of the Laplacian within 2 px of the ink (Otsu's dark class) of a normalised page.

    Only the text's surroundings count, so a page with little text is not mistaken for a blurred one."""
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    near = cv2.dilate(ink, NEAR_TEXT)
    if not near.any():
        return 0.0
    _, std = cv2.meanStdDev(cv2.Laplacian(small, cv2.CV_16S), mask=near)
    return float(std[0, 0]) ** 2


def ink_contrast(small: np.ndarray) -> float:
    """Grey levels between paper and ink: the gap between the medians of Otsu's two classes (0 on a
    page of one grey)."""
    threshold, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    hist = cv2.calcHist([small], [0], None, [256], [0, 256]).ravel()
    cut = int(threshold) + 1
    if not hist[:cut].any() or not hist[cut:].any():
        return 0.0
    return max(0.0, _class_median(hist[cut:]) + cut - _class_median(hist[:cut]))


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


def image_quality(gray: np.ndarray, dpi: int, words: Sequence[Word], received: np.ndarray, received_dpi: int) -> PageQuality:
    """Measures and score of a page: `gray` is the image OCR'd (at `dpi`) and `words` what was read on
    it; `received` is the page as received (at `received_dpi`), before cleaning stretched its contrast."""
    blur = sharpness(normalised(gray, dpi))
    step = max(1, round(received_dpi / CONTRAST_DPI))  # a grey histogram needs few pixels; sampled, not averaged
    contrast = ink_contrast(np.ascontiguousarray(received[::step, ::step]))
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
