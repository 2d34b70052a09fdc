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
read a decisive value alike, it is surer (extractors/cross_reading.py). A page Tesseract alone reads
(trusted) gets the same cross-check for its decisive values only: the boxes of the total and the date
the rules choose are cropped and recognised by RapidOCR without its detection (tens of milliseconds
instead of a second), and kept with their boxes (`OcrPage.cross_regions`).
"""

from __future__ import annotations

import logging

import numpy as np

from extractors import engines, ocr
from extractors.fields.amounts import rank_total, reads_a_sure_total, total_label_unread
from extractors.fields.dates import rank_date
from extractors.keywords import OcrRoute
from extractors.layout import document_lines
from extractors.timing import stage
from infra.tools import deadline
from infra.tools.ocr_settings import OcrMode
from models import BBox, OcrPage, TextSource, Word

log = logging.getLogger(__name__)

MIN_WORDS = 40  # fewer words read than this: the first reading is doubtful (a one-line page rarely matters)
MIN_CONFIDENCE = 0.80  # Tesseract's mean word confidence below which the reading is doubtful
KEEP_RATIO = 0.7  # the second reading is kept unless it holds less than this share of the first's characters
CROP_PAD = 0.35  # margin around a decisive value re-read alone, as a share of its height
MIN_CROP_PAD = 4  # pixels


def reasons_to_reread(page: OcrPage) -> list[str]:
    """Why the first reading of a page is doubtful (empty: it is trusted)."""
    if page.source is not TextSource.OCR:
        return []
    reasons = []
    if engines.is_strip(page.height, page.width):
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
    """The page as its route (extractors/data/ocr_routes.toml, by OCR mode and kind of page) reads it: the
    first reading, re-read by the route's `second` engine when doubtful and kept when that one read at
    least as much (see `keep_second`), else with its decisive values cross-checked by the route's
    `cross_check` engine. In fast mode the route names neither: the page as it was read."""
    route = engines.route(page.height, page.width, mode)
    second = route.second if route.second is not page.engine else None
    reasons = reasons_to_reread(page) if second is not None else []
    if second is None or not reasons:
        return cross_check(page, upright, route)
    if deadline.spent():
        log.info("page %d: its time budget is spent, the first reading kept", page.page)
        return page
    reader = engines.engine(second)
    words = _read_whole(reader, upright, page, f"second reader ({reader.label})")
    if words is None:
        return page
    settled = reasons != ["total_unread"] or reads_a_sure_total(document_lines([page.model_copy(update={"words": tuple(words)})]))
    if not keep_second(page.words, words) or not settled:
        log.info("page %d (%s): the first reading kept", page.page, ",".join(reasons))
        return page.model_copy(update={"cross_words": tuple(words)})
    return page.model_copy(update={"words": tuple(words), "engine": second, "cross_words": page.words})


def decisive_boxes(page: OcrPage) -> list[BBox | None]:
    """The boxes of the total and of the date the rules choose on a page read once, in that order (None:
    the value was not found, or has no box)."""
    lines = document_lines([page])
    return [ranked[0].bbox if ranked else None for ranked in (rank_total(lines), rank_date(lines))]


def padded(box: BBox, page: OcrPage) -> BBox:
    """A value's box with a margin around it (a fraction of its height), within the page."""
    pad = max(MIN_CROP_PAD, round(box.height * CROP_PAD))
    return BBox(
        x0=max(0, box.x0 - pad), y0=max(0, box.y0 - pad), x1=min(page.width, box.x1 + pad), y1=min(page.height, box.y1 + pad)
    )


def cross_check(page: OcrPage, upright: np.ndarray, route: OcrRoute) -> OcrPage:
    """A page trusted to one engine, with the route's cross-check engine's reading of its decisive values
    (the total and the date the rules choose, each cropped) beside its words, to cross-check them
    (extractors/cross_reading.py): in accurate mode RapidOCR's recognition without detection for a page
    Tesseract read, Tesseract's for a receipt strip RapidOCR read - the whole strip when RapidOCR found no
    total or no date on it (`cross_check_page`). The page as it was when there is nothing to check, no
    cross-check engine, no time left, or the other engine fails."""
    if route.cross_check is None or route.cross_check is page.engine or page.source is not TextSource.OCR or deadline.spent():
        return page
    checker = engines.engine(route.cross_check)
    found = decisive_boxes(page)
    if route.cross_check_page and None in found:
        return whole_page_beside(page, upright, checker)
    boxes = list(dict.fromkeys(padded(box, page) for box in found if box is not None))
    boxes = [box for box in boxes if box.width > 1 and box.height > 1]
    if not boxes:
        return page
    first_line = max((w.line for w in page.words), default=0) + 1
    try:
        with stage("second reader (decisive values)"):
            words = checker.read_boxes(upright, boxes, page.dpi, first_line)
    except ocr.OcrError as exc:
        log.info("page %d: its decisive values were not re-read: %s", page.page, engines.failure(exc))
        return page
    return page.model_copy(update={"cross_words": tuple(words), "cross_regions": tuple(boxes)})


def whole_page_beside(page: OcrPage, upright: np.ndarray, checker: engines.Engine) -> OcrPage:
    """A page whose first reading found no total or no date, with the checker's reading of the whole page
    beside it: what the first engine missed (a date line it did not detect) may be taken from there
    (extractors/cross_reading.py `fill_missing`, never straight through). The page as it was on failure."""
    words = _read_whole(checker, upright, page, f"second reader ({checker.label}, page)")
    return page if words is None else page.model_copy(update={"cross_words": tuple(words)})


def _read_whole(reader: engines.Engine, upright: np.ndarray, page: OcrPage, stage_name: str) -> list[Word] | None:
    """The reader's words of the whole upright page; None when it fails (the first reading is kept)."""
    try:
        with stage(stage_name):
            return reader.read_page(upright, page.dpi).words
    except ocr.OcrError as exc:
        log.warning("page %d: %s could not re-read it, the first reading kept: %s", page.page, reader.label, engines.failure(exc))
        return None
