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
import os
import tempfile
from pathlib import Path

import cv2
import numpy as np

from extractors import ocr
from extractors.fields.amounts import rank_total, reads_a_sure_total, total_label_unread
from extractors.fields.dates import rank_date
from extractors.layout import document_lines
from extractors.timing import stage
from infra.tools import deadline, rapidocr
from infra.tools.ocr_settings import OcrMode, ocr_mode
from models import BBox, OcrEngine, OcrPage, TextSource, Word

log = logging.getLogger(__name__)

MIN_WORDS = 40  # fewer words read than this: the first reading is doubtful (a one-line page rarely matters)
MIN_CONFIDENCE = 0.80  # Tesseract's mean word confidence below which the reading is doubtful
KEEP_RATIO = 0.7  # the second reading is kept unless it holds less than this share of the first's characters
CROP_PAD = 0.35  # margin around a decisive value re-read alone, as a share of its height
MIN_CROP_PAD = 4  # pixels
CROP_GAP = 24  # white pixels around each decisive value stacked for one Tesseract reading
CROSS_LANGUAGES = "eng"  # dates and amounts: one model loads in half the time of fra+eng


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
    if page.engine is OcrEngine.RAPIDOCR:
        return cross_check(page, upright)  # a receipt strip RapidOCR read first: Tesseract re-reads its values
    reasons = reasons_to_reread(page)
    if not reasons:
        return cross_check(page, upright)
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


def cross_check(page: OcrPage, upright: np.ndarray) -> OcrPage:
    """A page trusted to one engine, with the other's reading of its decisive values (the total and the
    date the rules choose, each cropped) beside its words, to cross-check them
    (extractors/cross_reading.py): RapidOCR's recognition without detection for a page Tesseract read,
    Tesseract's for a receipt strip RapidOCR read - the whole strip when RapidOCR found no total or no
    date on it (`tesseract_page`). The page as it was when there is nothing to check, no time left, or
    the other engine fails."""
    if page.source is not TextSource.OCR or deadline.spent():
        return page
    found = decisive_boxes(page)
    if page.engine is OcrEngine.RAPIDOCR and None in found:
        return tesseract_page(page, upright)
    boxes = list(dict.fromkeys(padded(box, page) for box in found if box is not None))
    boxes = [box for box in boxes if box.width > 1 and box.height > 1]
    if not boxes:
        return page
    first_line = max((w.line for w in page.words), default=0) + 1
    if page.engine is OcrEngine.RAPIDOCR:
        words = tesseract_boxes(upright, boxes, page.dpi, first_line)
    else:
        words = rapidocr_boxes(upright, boxes, first_line)
    if words is None:
        log.info("page %d: its decisive values were not re-read", page.page)
        return page
    return page.model_copy(update={"cross_words": tuple(words), "cross_regions": tuple(boxes)})


def rapidocr_boxes(upright: np.ndarray, boxes: list[BBox], first_line: int) -> list[Word] | None:
    """RapidOCR's recognition (no detection) of each box as one line; None when it fails."""
    try:
        with stage("second reader (decisive values)"):
            read = rapidocr.read_lines([upright[box.y0 : box.y1, box.x0 : box.x1] for box in boxes])
    except (rapidocr.RapidOcrUnavailable, rapidocr.RapidOcrFailed) as exc:
        log.info("RapidOCR could not re-read the decisive values: %s", type(exc).__name__)
        return None
    return [
        word
        for index, ((text, score), box) in enumerate(zip(read, boxes, strict=False))
        for word in rapidocr.words_in_box(text, score, box, first_line + index)
    ]


def stacked_crops(upright: np.ndarray, boxes: list[BBox]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The boxes cut from the page and stacked in one white image, a gap around each (one Tesseract call
    for all of them); with where each crop's top-left corner is in that image."""
    width = max(b.width for b in boxes) + 2 * CROP_GAP
    height = sum(b.height for b in boxes) + CROP_GAP * (len(boxes) + 1)
    canvas = np.full((height, width), 255, dtype=np.uint8)
    corners, y = [], CROP_GAP
    for box in boxes:
        canvas[y : y + box.height, CROP_GAP : CROP_GAP + box.width] = upright[box.y0 : box.y1, box.x0 : box.x1]
        corners.append((CROP_GAP, y))
        y += box.height + CROP_GAP
    return canvas, corners


def placed(words: list[Word], boxes: list[BBox], corners: list[tuple[int, int]], first_line: int) -> list[Word]:
    """Words read on the stacked image, moved back onto the page by the crop their centre falls in (a word
    read in a gap is dropped), their lines numbered after the page's own."""
    out = []
    for word in words:
        centre = (word.bbox.y0 + word.bbox.y1) / 2
        index = next((i for i, (_, top) in enumerate(corners) if top <= centre <= top + boxes[i].height), None)
        if index is None:
            continue
        (left, top), box = corners[index], boxes[index]
        dx, dy = box.x0 - left, box.y0 - top
        moved = BBox(
            x0=max(box.x0, word.bbox.x0 + dx),
            y0=max(box.y0, word.bbox.y0 + dy),
            x1=min(box.x1, word.bbox.x1 + dx),
            y1=min(box.y1, word.bbox.y1 + dy),
        )
        if moved.x1 > moved.x0 and moved.y1 > moved.y0:
            out.append(word.model_copy(update={"bbox": moved, "line": first_line + index}))
    return out


def _tesseract(image: np.ndarray, dpi: int, languages: str = ocr.LANGUAGES) -> list[Word] | None:
    """Tesseract's words of an image read as one block (written to a fast uncompressed file for it);
    None when it cannot be written or Tesseract fails."""
    fd, name = tempfile.mkstemp(suffix=".pgm")
    os.close(fd)
    path = Path(name)
    try:
        if not cv2.imwrite(str(path), image):
            return None
        return ocr.read_words(path, dpi, languages=languages, psm=ocr.PSM_STRIP)
    except ocr.OcrError as exc:
        log.info("Tesseract could not read the image: %s", type(exc).__name__)
        return None
    finally:
        path.unlink(missing_ok=True)


def tesseract_page(page: OcrPage, upright: np.ndarray) -> OcrPage:
    """A strip RapidOCR read without finding its total or its date, with Tesseract's reading of the whole
    strip beside it: what RapidOCR missed (a date line it did not detect) may be taken from there
    (extractors/cross_reading.py `fill_missing`, never straight through). The page as it was on failure."""
    with stage("second reader (Tesseract, page)"):
        words = _tesseract(upright, page.dpi)
    return page if words is None else page.model_copy(update={"cross_words": tuple(words)})


def tesseract_boxes(upright: np.ndarray, boxes: list[BBox], dpi: int, first_line: int) -> list[Word] | None:
    """Tesseract's reading of the boxes, stacked in one image read as one block; None when it fails."""
    canvas, corners = stacked_crops(upright, boxes)
    with stage("second reader (decisive values)"):
        words = _tesseract(canvas, dpi, CROSS_LANGUAGES)
    return None if words is None else placed(words, boxes, corners, first_line)
