"""The only caller of Tesseract (through pytesseract): words with confidence and boxes, and OSD.

Tesseract runs single-threaded (OMP_THREAD_LIMIT=1): on this hardware its OpenMP threads cost
more than they give, so the pipeline parallelises across pages instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytesseract

from models import BBox, Word
from models.errors import IntakeError

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

LANGUAGES = "fra+eng"
OCR_TIMEOUT_SECONDS = 120
OSD_TIMEOUT_SECONDS = 30
MIN_OSD_CONFIDENCE = 1.5
PSM_PAGE = 3  # automatic page segmentation: columns, blocks, tables of an A4 sheet
PSM_STRIP = 6  # one uniform block: a till receipt's single column reads better this way
STRIP_RATIO = 1.6  # height / width above which an upright image is a receipt strip, not a sheet  # Tesseract's orientation confidence below which we keep the page as is


class OcrError(IntakeError):
    """Tesseract failed or timed out on a page."""

    code = "ocr_failed"


def tesseract_version() -> str:
    """Installed Tesseract version, checked once up front by callers that need it."""
    return str(pytesseract.get_tesseract_version())


def read_words(image_path: Path, dpi: int, languages: str = LANGUAGES, psm: int = PSM_PAGE) -> list[Word]:
    """OCR an image file (a path, never a PIL image: that would add a PNG round trip)."""
    config = f"--psm {psm} --dpi {dpi}"
    try:
        data = pytesseract.image_to_data(
            str(image_path), lang=languages, config=config, output_type=pytesseract.Output.DICT, timeout=OCR_TIMEOUT_SECONDS
        )
    except (pytesseract.TesseractError, RuntimeError) as exc:
        raise OcrError(str(exc)[:200]) from exc
    return words_from_data(data)


def words_from_data(data: dict[str, list]) -> list[Word]:
    """Convert pytesseract's image_to_data columns into Words, numbering lines across the page."""
    words: list[Word] = []
    line_ids: dict[tuple[int, int, int], int] = {}
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        line = line_ids.setdefault(key, len(line_ids) + 1)
        left, top = int(data["left"][i]), int(data["top"][i])
        words.append(
            Word(
                text=text,
                confidence=max(0.0, min(1.0, conf / 100.0)),
                bbox=BBox(x0=left, y0=top, x1=left + int(data["width"][i]), y1=top + int(data["height"][i])),
                block=key[0],
                line=line,
            )
        )
    return words


_ROTATE_RE = re.compile(r"Rotate:\s*(\d+)")
_CONF_RE = re.compile(r"Orientation confidence:\s*([\d.]+)")


def detect_rotation(image_path: Path, dpi: int) -> tuple[int, float]:
    """(degrees clockwise to make the text upright, Tesseract's confidence); (0, 0) when it cannot tell."""
    try:
        osd = pytesseract.image_to_osd(str(image_path), config=f"--psm 0 --dpi {dpi}", timeout=OSD_TIMEOUT_SECONDS)
    except (pytesseract.TesseractError, RuntimeError):
        return 0, 0.0  # too little text to tell
    rotate = _ROTATE_RE.search(osd)
    conf = _CONF_RE.search(osd)
    if not rotate or not conf:
        return 0, 0.0
    return int(rotate.group(1)) % 360, float(conf.group(1))
