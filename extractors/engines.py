"""OCR engines behind one interface, and the route that picks which of them run on a page.

An engine reads a page image into words - text, confidence, box in the image's pixels (`read_page`) - and
re-reads given boxes of an image it did not read (`read_boxes`: the decisive values' crops, for a
cross-check). Tesseract (extractors/ocr.py over infra/tools/tesseract.py) and RapidOCR
(infra/tools/rapidocr.py) are the adapters here. What each engine does on a page is data
(extractors/data/ocr_routes.toml), per OCR mode and kind of page (a till-receipt strip or a sheet): which
reads it first, which re-reads a doubtful reading, which cross-checks its decisive values.

Adding an engine: its name in models.OcrEngine, an adapter class here registered in ENGINES, and its
name in the routes file. An engine that fails or is unavailable raises `EngineFailed` (an OcrError): the
caller keeps the reading it has, or - for a page's first reading - lets Tesseract read the page.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from extractors import ocr
from extractors.keywords import OCR_ROUTES, OcrRoute
from infra.tools import rapidocr
from infra.tools.ocr_settings import OcrMode, ocr_mode
from models import BBox, OcrEngine, Word

CROP_GAP = 24  # white pixels around each box stacked for one Tesseract reading
CROSS_LANGUAGES = "eng"  # dates and amounts: one model loads in half the time of fra+eng


class EngineFailed(ocr.OcrError):
    """An OCR engine is unavailable or failed on an image."""

    code = "ocr_engine_failed"


def failure(exc: BaseException) -> str:
    """What made an engine fail, for the logs: the engine's own error's name (RapidOcrUnavailable,
    RapidOcrFailed, TesseractFailed...), never its message (it may quote the page)."""
    return type(exc.__cause__ or exc).__name__


@dataclass(frozen=True)
class Reading:
    """An engine's words of a page, and the share (0..1) of its text lines the engine's own direction
    classifier found upside down (0 for an engine without one)."""

    words: list[Word]
    upside_down: float = 0.0


class Engine(Protocol):
    """What an OCR engine adapter offers."""

    name: OcrEngine
    label: str  # its name in the timing stages and the logs

    def read_page(self, image: np.ndarray, dpi: int, *, check_direction: bool = False, workdir: str | None = None) -> Reading:
        """The words of a whole upright grayscale page image; EngineFailed / OcrError when it cannot."""
        ...

    def read_boxes(self, image: np.ndarray, boxes: Sequence[BBox], dpi: int, first_line: int) -> list[Word]:
        """The words of each box of the image (one text line each), in page pixels, each box's words on
        line `first_line + its index`; EngineFailed / OcrError when it cannot."""
        ...


def is_strip(height: int, width: int) -> bool:
    """A till-receipt strip: tall and narrow once upright."""
    return height / max(width, 1) >= ocr.STRIP_RATIO


def route(height: int, width: int, mode: OcrMode | None = None) -> OcrRoute:
    """What the engines do on an upright page of this size in this OCR mode (default: INTAKE_OCR_MODE)."""
    routes = OCR_ROUTES.accurate if (mode or ocr_mode()) is OcrMode.ACCURATE else OCR_ROUTES.fast
    return routes.strip if is_strip(height, width) else routes.sheet


class ImageFile:
    """An image written to a fast uncompressed file for Tesseract (never a PIL image: a PNG round trip)."""

    def __init__(self, workdir: str | None = None):
        fd, name = tempfile.mkstemp(suffix=".pgm", dir=workdir)
        os.close(fd)
        self.path = Path(name)

    def write(self, gray: np.ndarray) -> Path:
        if not cv2.imwrite(str(self.path), gray):
            raise ocr.OcrError("could not write the page image for OCR")
        return self.path

    def __enter__(self) -> ImageFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.path.unlink(missing_ok=True)


def stacked_crops(image: np.ndarray, boxes: Sequence[BBox]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The boxes cut from the image and stacked in one white image, a gap around each (one Tesseract call
    for all of them); with where each crop's top-left corner is in that image."""
    width = max(b.width for b in boxes) + 2 * CROP_GAP
    height = sum(b.height for b in boxes) + CROP_GAP * (len(boxes) + 1)
    canvas = np.full((height, width), 255, dtype=np.uint8)
    corners, y = [], CROP_GAP
    for box in boxes:
        canvas[y : y + box.height, CROP_GAP : CROP_GAP + box.width] = image[box.y0 : box.y1, box.x0 : box.x1]
        corners.append((CROP_GAP, y))
        y += box.height + CROP_GAP
    return canvas, corners


def placed(words: list[Word], boxes: Sequence[BBox], corners: list[tuple[int, int]], first_line: int) -> list[Word]:
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


class TesseractEngine:
    """Tesseract: a sheet with automatic page segmentation, a strip (and stacked boxes) as one block.
    Its orientation check is OSD, run by the page reader where orientation is in doubt."""

    name = OcrEngine.TESSERACT
    label = "Tesseract"

    def read_page(
        self,
        image: np.ndarray,
        dpi: int,
        *,
        check_direction: bool = False,
        workdir: str | None = None,
        scratch: ImageFile | None = None,
    ) -> Reading:
        """`scratch`: a file of the caller's to write the image to (the page reader's, shared with OSD);
        else one of its own, removed after."""
        height, width = image.shape[:2]
        psm = ocr.PSM_STRIP if is_strip(height, width) else ocr.PSM_PAGE
        with nullcontext(scratch) if scratch is not None else ImageFile(workdir) as file:
            return Reading(ocr.read_words(file.write(image), dpi, psm=psm))

    def read_boxes(self, image: np.ndarray, boxes: Sequence[BBox], dpi: int, first_line: int) -> list[Word]:
        canvas, corners = stacked_crops(image, boxes)
        with ImageFile() as file:
            words = ocr.read_words(file.write(canvas), dpi, languages=CROSS_LANGUAGES, psm=ocr.PSM_STRIP)
        return placed(words, boxes, corners, first_line)


class RapidOcrEngine:
    """RapidOCR (PP-OCR models shipped in its wheel): detection, direction classifier, recognition; boxes
    re-read by its recognition alone, without detection (tens of milliseconds, not a second)."""

    name = OcrEngine.RAPIDOCR
    label = "RapidOCR"

    def read_page(self, image: np.ndarray, dpi: int, *, check_direction: bool = False, workdir: str | None = None) -> Reading:
        try:
            if check_direction:
                return Reading(*rapidocr.read_words_oriented(image))
            return Reading(rapidocr.read_words(image))
        except (rapidocr.RapidOcrUnavailable, rapidocr.RapidOcrFailed) as exc:
            raise EngineFailed(f"RapidOCR: {type(exc).__name__}: {str(exc)[:160]}") from exc

    def read_boxes(self, image: np.ndarray, boxes: Sequence[BBox], dpi: int, first_line: int) -> list[Word]:
        try:
            read = rapidocr.read_lines([image[box.y0 : box.y1, box.x0 : box.x1] for box in boxes])
        except (rapidocr.RapidOcrUnavailable, rapidocr.RapidOcrFailed) as exc:
            raise EngineFailed(f"RapidOCR: {type(exc).__name__}") from exc
        return [
            word
            for index, ((text, score), box) in enumerate(zip(read, boxes, strict=False))
            for word in rapidocr.words_in_box(text, score, box, first_line + index)
        ]


TESSERACT = TesseractEngine()
ENGINES: dict[OcrEngine, Engine] = {OcrEngine.TESSERACT: TESSERACT, OcrEngine.RAPIDOCR: RapidOcrEngine()}


def engine(name: OcrEngine) -> Engine:
    """The adapter of an engine named in the routes."""
    return ENGINES[name]
