"""The second reader: in `accurate` OCR mode, RapidOCR re-reads the pages Tesseract read poorly, and
the better reading is kept (README "Two readers").

Tesseract stays the first reader of every image page: it decides the orientation, and the page's
legibility measures (`quality`, calibrated on Tesseract's confidences) stay its own. RapidOCR then
reads the same upright working image, so its boxes are in the same pixels, when the first reading
is doubtful:
- the page is a till-receipt strip (tall and narrow): Tesseract misses a fifth of receipts' totals
  there (SROIE: the total is in its text on 80 % of receipts, in RapidOCR's on 100 %);
- it read few words, or with a low mean confidence;
- it shows a total label with no amount read beside or below it (a column of amounts Tesseract
  dropped).
The second reading replaces the first unless it holds clearly less text (a page RapidOCR's
detector mostly missed), so that a re-read never throws away most of a page; a page re-read only
for its unread total keeps the second reading only if that one reads an amount at a total label (the
disagreement is settled by the check that raised it); a failure of the second reader keeps the first
reading, and so does a page whose time budget has run out (infra/tools/deadline.py).
Whichever reading is kept, the other stays beside it (`OcrPage.cross_words`): where the two engines
read a decisive value alike, it is surer (extractors/cross_reading.py).
"""

from __future__ import annotations

import logging

import numpy as np

from extractors import ocr
from extractors.fields.amounts import reads_a_sure_total, total_label_unread
from extractors.layout import document_lines
from extractors.timing import stage
from infra.tools import deadline, rapidocr
from infra.tools.ocr_settings import OcrMode, ocr_mode
from models import OcrEngine, OcrPage, TextSource, Word

log = logging.getLogger(__name__)

MIN_WORDS = 40  # fewer words read than this: the first reading is doubtful (a one-line page rarely matters)
MIN_CONFIDENCE = 0.80  # Tesseract's mean word confidence below which the reading is doubtful
KEEP_RATIO = 0.7  # the second reading is kept unless it holds less than this share of the first's characters


def reasons_to_reread(page: OcrPage) -> list[str]:
    """Why the first reading of a page is doubtful (empty: it is trusted)."""
    if page.source is not TextSource.OCR:
        return []
    reasons = []
    if page.height / max(page.width, 1) >= ocr.STRIP_RATIO:
        reasons.append("strip")
    if len(page.words) < MIN_WORDS:
        reasons.append("few_words")
    if page.words and page.mean_confidence < MIN_CONFIDENCE:
        reasons.append("low_confidence")
    if not reasons and total_label_unread(document_lines([page])):
        reasons.append("total_unread")
    return reasons


def text_size(words: tuple[Word, ...] | list[Word]) -> int:
    """Letters and digits read: how much of the page a reading holds."""
    return sum(ch.isalnum() for w in words for ch in w.text)


def keep_second(first: tuple[Word, ...] | list[Word], second: tuple[Word, ...] | list[Word]) -> bool:
    """The second reading wins unless it read nothing or clearly less text than the first."""
    return bool(second) and text_size(second) >= KEEP_RATIO * text_size(first)


def combine(page: OcrPage, upright: np.ndarray, mode: OcrMode | None = None) -> OcrPage:
    """The page as the OCR mode reads it: Tesseract's reading, or in accurate mode RapidOCR's when
    the first reading is doubtful and RapidOCR read at least as much (see `keep_second`)."""
    if (mode or ocr_mode()) is not OcrMode.ACCURATE:
        return page
    reasons = reasons_to_reread(page)
    if not reasons:
        return page
    if deadline.spent():
        log.info("page %d: its time budget is spent, Tesseract's reading kept", page.page)
        return page
    try:
        with stage("second reader (RapidOCR)"):
            second = rapidocr.read_words(upright)
    except rapidocr.RapidOcrUnavailable as exc:
        log.warning("second reader unavailable, Tesseract's reading kept: %s", exc)
        return page
    except rapidocr.RapidOcrFailed as exc:
        log.warning("second reader failed on page %d, Tesseract's reading kept: %s", page.page, exc)
        return page
    settled = reasons != ["total_unread"] or reads_a_sure_total(
        document_lines([page.model_copy(update={"words": tuple(second)})])
    )
    if not keep_second(page.words, second) or not settled:
        log.info("page %d (%s): Tesseract's reading kept", page.page, ",".join(reasons))
        return page.model_copy(update={"cross_words": tuple(second)})
    return page.model_copy(update={"words": tuple(second), "engine": OcrEngine.RAPIDOCR, "cross_words": page.words})
