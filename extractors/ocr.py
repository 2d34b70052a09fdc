"""OCR at the extractors' level: Tesseract's words (infra/tools/tesseract.py runs it) as `Word`s with
confidence and boxes, lines numbered across the page, and the page's orientation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infra.tools import tesseract
from models import BBox, Word
from models.errors import IntakeError

LANGUAGES = "fra+eng"
MIN_OSD_CONFIDENCE = 1.5  # Tesseract's orientation confidence below which we keep the page as is
PSM_PAGE = 3  # automatic page segmentation: columns, blocks, tables of an A4 sheet
PSM_STRIP = 6  # one uniform block: a till receipt's single column reads better this way
STRIP_RATIO = 1.6  # height / width above which an upright image is a receipt strip, not a sheet


class OcrError(IntakeError):
    """Tesseract failed or timed out on a page."""

    code = "ocr_failed"


def read_words(image_path: Path, dpi: int, languages: str = LANGUAGES, psm: int = PSM_PAGE) -> list[Word]:
    """OCR an image file (a path, never a PIL image: that would add a PNG round trip)."""
    try:
        data = tesseract.image_data(image_path, languages, dpi, psm)
    except tesseract.TesseractFailed as exc:
        raise OcrError(str(exc)[:200]) from exc
    return words_from_data(data)


def words_from_data(data: dict[str, list[Any]]) -> list[Word]:
    """Convert Tesseract's image_to_data columns into Words, numbering lines across the page."""
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


def detect_rotation(image_path: Path, dpi: int) -> tuple[int, float]:
    """(degrees clockwise to make the text upright, Tesseract's confidence); (0, 0) when it cannot tell."""
    return tesseract.orientation(image_path, dpi)
