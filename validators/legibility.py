"""Page legibility: the `illegible` flag, from each page's legibility score (models/quality.py).

A page is as legible as its weakest aspect (the lowest of its sub-scores), and that aspect is the
cause named in the flag (validators/rules/flag_messages.toml words each cause).
"""

from __future__ import annotations

from collections.abc import Sequence

from models import Flag, FlagCode, OcrPage, PageQuality
from models.quality import CONTRAST_RAMP, sub_scores
from validators.flag_wording import make_flag

# A page scoring below this is illegible. Chosen by `.venv/bin/python bench/legibility.py` (seed 4242, 80 generated
# documents + 48 deliberately unreadable pages, 133 pages, ~5 min on 2 cores): the 82 generator pages the pipeline
# reads correctly score 0.71 at the lowest (a noisy JPEG, OCR confidence 0.66; median 1.00), the 48 unreadable pages
# 0.55 at the highest (a heavy-JPEG thumbnail, confidence 0.57, 47 % of its words read; median 0.00): the midpoint,
# 0.63, flags 0/82 readable pages and lets 0/48 unreadable ones through. At 0.63 a page is illegible when its blur
# measure is under ~430, its contrast under ~12 grey levels, its word boxes cover under 0.25 % of it, or its OCR
# confidence is under ~0.62.
ILLEGIBLE_BELOW = 0.63

CAUSES = ("blur", "contrast", "text_density", "ocr_confidence")  # in the order ties are settled: what the claimant can fix first
BLANK_PAGE_WORDS = 3  # a page with at most this many words and no ink contrast, beside legible pages, is a blank back


def main_cause(quality: PageQuality) -> str:
    """The measure that holds the score down (one of CAUSES)."""
    scores = sub_scores(quality)
    return min(scores, key=lambda name: (scores[name], CAUSES.index(name)))


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
        quality = page.quality
        if quality is None or _legible(page, threshold) or (any_legible and is_blank(page)):
            continue
        cause = main_cause(quality)
        flags.append(
            make_flag(
                FlagCode.ILLEGIBLE,
                file=file,
                page=page.page,
                variant=cause,
                details={"cause": cause, "score": f"{quality.score:.2f}"},
            )
        )
    return flags
