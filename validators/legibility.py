"""Page legibility: one score from the page's measures (models/quality.py), and the `illegible` flag.

The score is the minimum of four sub-scores, each a linear ramp from 0 (at or below the measure's
floor) to 1 (at or above the level where pages read well): a page is as legible as its weakest
aspect, and that aspect is the cause named in the flag. It is monotonic: no measure getting better
can lower it. Blur is ramped on a log scale (the Laplacian's variance spans decades).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from models import Flag, FlagCode, OcrPage, PageQuality, Severity

# (value scoring 0, value scoring 1) per measure
BLUR_RAMP = (100.0, 1000.0)  # variance of the Laplacian at 150 dpi: Gaussian blur sigma ~4 px at 200 dpi .. ~2.5 px
CONTRAST_RAMP = (4.0, 16.0)  # grey levels between ink and paper, on the page as received
DENSITY_RAMP = (0.0, 0.004)  # share of the page covered by word boxes: nothing read .. a few lines
CONFIDENCE_RAMP = (0.3, 0.8)  # length-weighted mean word confidence

# A page scoring below this is illegible. Chosen by `.venv/bin/python bench/legibility.py` (seed 4242, 80 generated
# documents + 48 deliberately unreadable pages, 133 pages, ~5 min on 2 cores): the 82 generator pages the pipeline
# reads correctly score 0.71 at the lowest (a noisy JPEG, OCR confidence 0.66; median 1.00), the 48 unreadable pages
# 0.55 at the highest (a heavy-JPEG thumbnail, confidence 0.57, 47 % of its words read; median 0.00): the midpoint,
# 0.63, flags 0/82 readable pages and lets 0/48 unreadable ones through. At 0.63 a page is illegible when its blur
# measure is under ~430, its contrast under ~12 grey levels, its word boxes cover under 0.25 % of it, or its OCR
# confidence is under ~0.62.
ILLEGIBLE_BELOW = 0.63

CAUSES = {  # in the order ties are settled: what the claimant can fix first
    "blur": "flou",
    "contrast": "contraste trop faible",
    "text_density": "trop peu de texte lu",
    "ocr_confidence": "lecture OCR incertaine",
}
CAUSES_EN = {"blur": "blurred", "contrast": "contrast too low", "text_density": "too little text read",
             "ocr_confidence": "uncertain OCR reading"}
BLANK_PAGE_WORDS = 3  # a page with at most this many words and no ink contrast, beside legible pages, is a blank back


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


def main_cause(quality: PageQuality) -> str:
    """The measure that holds the score down (a key of CAUSES)."""
    scores = sub_scores(quality)
    return min(scores, key=lambda name: (scores[name], list(CAUSES).index(name)))


def is_blank(page: OcrPage) -> bool:
    """Hardly a word read and no ink on the page as received (a blank back side, not a blurred proof)."""
    quality = page.quality
    no_ink = quality is not None and quality.contrast is not None and quality.contrast < CONTRAST_RAMP[0]
    return len(page.words) <= BLANK_PAGE_WORDS and no_ink


def _legible(page: OcrPage, threshold: float) -> bool:
    return page.quality is None or page.quality.score >= threshold


def illegible_flags(file: str, pages: Sequence[OcrPage], threshold: float = ILLEGIBLE_BELOW) -> list[Flag]:
    """One `illegible` error per page whose legibility score is below `threshold`; a blank page
    (hardly a word) beside legible pages of the same file is a back side, not an illegible proof."""
    any_legible = any(_legible(p, threshold) and len(p.words) > BLANK_PAGE_WORDS for p in pages)
    flags: list[Flag] = []
    for page in pages:
        if _legible(page, threshold) or (any_legible and is_blank(page)):
            continue
        cause = main_cause(page.quality)
        flags.append(
            Flag(
                code=FlagCode.ILLEGIBLE,
                severity=Severity.ERROR,
                message=f"{file}, page {page.page} : document illisible ({CAUSES[cause]}).",
                message_en=f"{file}, page {page.page}: illegible document ({CAUSES_EN[cause]}).",
                file=file,
                page=page.page,
                details={"cause": cause, "score": f"{page.quality.score:.2f}"},
            )
        )
    return flags
