"""How legible a page is: measures taken on the image that was OCR'd, and their combined score.

The score is the minimum of four sub-scores, each a linear ramp from 0 (at or below the measure's
floor) to 1 (at or above the level where pages read well): a page is as legible as its weakest
aspect. It is monotonic: no measure getting better can lower it. Blur is ramped on a log scale (the
Laplacian's variance spans decades). The threshold under which a page is illegible, and the flag, are
the checks' business (validators/legibility.py).
"""

from __future__ import annotations

import math

from pydantic import Field as PydanticField

from models.base import Model

# (value scoring 0, value scoring 1) per measure
BLUR_RAMP = (100.0, 1000.0)  # variance of the Laplacian at 150 dpi: Gaussian blur sigma ~4 px at 200 dpi .. ~2.5 px
CONTRAST_RAMP = (4.0, 16.0)  # grey levels between ink and paper, on the page as received
DENSITY_RAMP = (0.0, 0.004)  # share of the page covered by word boxes: nothing read .. a few lines
CONFIDENCE_RAMP = (0.3, 0.8)  # length-weighted mean word confidence


# The docstring below is part of the committed JSON schemas (models/*.schema.json): the score is computed
# by `legibility_score` (below) and judged by validators/legibility.py.
class PageQuality(Model):
    """Legibility measures of one page (see extractors/quality.py) and their score (validators/legibility.py).

    Image measures are None on a text-layer PDF page: there is no image, and its score is 1.0."""

    # sharpness: variance of the Laplacian around the text, at a fixed text height; LOW means blurred
    blur: float | None = PydanticField(default=None, ge=0.0)
    contrast: float | None = PydanticField(default=None, ge=0.0, le=255.0)  # grey levels between ink and paper
    text_density: float = PydanticField(ge=0.0, le=1.0)  # share of the page area covered by word boxes
    ocr_confidence: float = PydanticField(ge=0.0, le=1.0)  # mean word confidence, weighted by word length
    score: float = PydanticField(ge=0.0, le=1.0)  # 0 illegible .. 1 legible


def _ramp(value: float, low: float, high: float) -> float:
    return min(1.0, max(0.0, (value - low) / (high - low)))


def sub_scores(quality: PageQuality) -> dict[str, float]:
    """Each measure the page has, mapped to 0..1 (text-layer pages have no blur or contrast)."""
    scores: dict[str, float] = {}
    if quality.blur is not None:
        low, high = BLUR_RAMP
        scores["blur"] = _ramp(math.log10(max(quality.blur, 1.0)), math.log10(low), math.log10(high))
    if quality.contrast is not None:
        scores["contrast"] = _ramp(quality.contrast, *CONTRAST_RAMP)
    scores["text_density"] = _ramp(quality.text_density, *DENSITY_RAMP)
    scores["ocr_confidence"] = _ramp(quality.ocr_confidence, *CONFIDENCE_RAMP)
    return scores


def legibility_score(quality: PageQuality) -> float:
    """0 (illegible) .. 1 (legible): the lowest sub-score."""
    return round(min(sub_scores(quality).values()), 3)
