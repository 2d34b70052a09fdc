"""Read one page of an accepted file into words: text layer, or render/load + clean + OCR.

Orientation detection (Tesseract OSD, ~0.7 s) runs only where orientation is in doubt: a landscape
image, or a first OCR pass that reads little or badly. Each page also gets its legibility measures
(extractors/quality.py) and, when it is an image, its perceptual hash (extractors/fingerprint.py).
"""

from __future__ import annotations

import logging

import numpy as np

from extractors import engines, ocr, preprocess, second_reader
from extractors.fingerprint import page_phash
from extractors.pages import (
    PageImage,
    embedded_scan,
    is_a4_portrait,
    load_image_page,
    render_pdf_page,
    text_layer_page,
)
from extractors.quality import image_quality, ocr_confidence, text_layer_quality
from extractors.timing import stage
from infra.tools import deadline, pdf
from infra.tools.ocr_settings import OcrMode
from models import MediaType, OcrEngine, OcrPage, TextSource, Upload, Word

log = logging.getLogger(__name__)
MIN_GOOD_WORDS = 8
MIN_GOOD_CONFIDENCE = 0.6


def read_page(upload: Upload, page_no: int, workdir: str | None = None, mode: OcrMode | None = None) -> OcrPage:
    """Words of page `page_no` (1-based) of an accepted upload; `mode` (default: INTAKE_OCR_MODE) says
    whether a second reader may re-read it (extractors/second_reader.py)."""
    return read_page_with_image(upload, page_no, workdir, mode)[0]


def read_page_with_image(
    upload: Upload, page_no: int, workdir: str | None = None, mode: OcrMode | None = None
) -> tuple[OcrPage, np.ndarray | None]:
    """As `read_page`, plus the upright working image the words' boxes refer to (None for a text layer:
    its boxes refer to the PDF page rendered at the page's width x height pixels)."""
    if upload.media_type is MediaType.PDF:
        with stage("text layer"):
            page = text_layer_page(upload.path, page_no)
            if page is not None:
                width, height = pdf.page_size_points(upload.path, page_no)
                page = page.model_copy(update={"a4_portrait": is_a4_portrait(width, height), "quality": text_layer_quality(page)})
        if page is not None:
            return page, None
        with stage("render"):
            image = embedded_scan(upload.path, page_no) or render_pdf_page(upload.path, page_no)
    else:
        with stage("decode"):
            image = load_image_page(upload.path)
    return ocr_page_with_image(image, page_no, workdir, mode)


def _looks_wrong(words: list[Word]) -> bool:
    return len(words) < MIN_GOOD_WORDS or ocr_confidence(words) < MIN_GOOD_CONFIDENCE


SIDEWAYS_SHARE = 0.5  # more of a reading's words than this taller than wide: the page lies on its side


def _sideways(words: list[Word]) -> bool:
    """A reading of a page lying on its side: Tesseract reads a quarter-turned page's lines as vertical
    text, often well (the same words, the same confidence as upright), but each word's box is taller than
    wide and the page's rows come out as its columns."""
    long = [w for w in words if sum(ch.isalnum() for ch in w.text) >= 4]
    tall = sum(w.bbox.y1 - w.bbox.y0 > w.bbox.x1 - w.bbox.x0 for w in long)
    return len(long) >= MIN_GOOD_WORDS and tall > SIDEWAYS_SHARE * len(long)


def _stood_up(
    gray: np.ndarray, turn: int, dpi: int, scratch: engines.ImageFile, reading: tuple[np.ndarray, float, list[Word]]
) -> tuple[tuple[np.ndarray, float, list[Word]], int]:
    """A sideways reading's page turned a quarter either way: the first turn read upright and well wins;
    the sideways reading stays when neither is (OSD had no answer for it)."""
    for quarter in ((turn + 90) % 360, (turn + 270) % 360):
        with stage("sideways retry"):
            candidate = _read_turned(gray, quarter, dpi, scratch)
        if not _sideways(candidate[2]) and not _looks_wrong(candidate[2]):
            return candidate, quarter
    return reading, turn


def _read_turned(gray: np.ndarray, turn: int, dpi: int, scratch: engines.ImageFile) -> tuple[np.ndarray, float, list[Word]]:
    """Quarter-turn, deskew and read by Tesseract; returns the straightened image, the skew and the words."""
    with stage("deskew"):
        straight, skew = preprocess.deskew(preprocess.rotate_quadrant(gray, turn))
    with stage("tesseract pass"):
        return straight, skew, engines.TESSERACT.read_page(straight, dpi, scratch=scratch).words


UPSIDE_DOWN_SHARE = 0.5  # more of a page's lines than this turned by an engine's direction classifier: the page is upside down


def _first_engine(gray: np.ndarray, turn: int, mode: OcrMode | None) -> engines.Engine | None:
    """The engine the route (extractors/data/ocr_routes.toml) names to read this page first, unless it is
    Tesseract - whose reading, orientation checks included, is the page reader's own - or the page's time
    budget is spent. In accurate mode: RapidOCR for a till-receipt strip, which it reads better than
    Tesseract, whose pass would be thrown away."""
    height, width = gray.shape if turn % 180 == 0 else gray.shape[::-1]
    first = engines.route(height, width, mode).first
    if first is OcrEngine.TESSERACT or deadline.spent():
        return None
    return engines.engine(first)


def _read_first(
    engine: engines.Engine, gray: np.ndarray, turn: int, dpi: int
) -> tuple[np.ndarray, float, list[Word], int] | None:
    """The page deskewed and read by `engine`, turned half round when the engine's direction classifier
    finds most lines upside down: (image, skew, words, turn); None when the engine is unavailable, fails
    or reads too little (Tesseract then reads the page, orientation checks included)."""
    with stage("deskew"):
        straight, skew = preprocess.deskew(preprocess.rotate_quadrant(gray, turn))
    try:
        with stage(f"first reader ({engine.label})"):
            reading = engine.read_page(straight, dpi, check_direction=True)
            if reading.upside_down > UPSIDE_DOWN_SHARE:
                straight, turn = np.ascontiguousarray(np.rot90(straight, 2)), (turn + 180) % 360
                reading = engine.read_page(straight, dpi, check_direction=True)
    except ocr.OcrError as exc:
        log.warning("%s could not read a page, Tesseract reads it: %s", engine.label, engines.failure(exc))
        return None
    return None if _looks_wrong(reading.words) else (straight, skew, reading.words, turn)


def _score(words: list[Word]) -> float:
    return ocr_confidence(words) * len(words)


def _turns_to_try(first: int, guess: int, confidence: float) -> list[int]:
    """Other quarter turns worth an OCR pass after a poor first reading."""
    if guess == first and confidence >= ocr.MIN_OSD_CONFIDENCE:
        return []  # orientation confirmed: the page is just hard to read
    turns = [guess, (guess + 180) % 360] if guess != first else [(first + 180) % 360]
    return [t for t in dict.fromkeys(turns) if t != first][:2]


def ocr_page_image(image: PageImage, page_no: int, workdir: str | None = None, mode: OcrMode | None = None) -> OcrPage:
    """Orient, deskew, clean and OCR a page image (see `ocr_page_with_image`)."""
    return ocr_page_with_image(image, page_no, workdir, mode)[0]


def ocr_page_with_image(
    image: PageImage, page_no: int, workdir: str | None = None, mode: OcrMode | None = None
) -> tuple[OcrPage, np.ndarray]:
    """Orient, deskew, clean and OCR a page image; returns the page and its upright working image.

    Orientation: a landscape image first asks Tesseract OSD. The page is then read by the first engine of
    its route (extractors/data/ocr_routes.toml; extractors/engines.py): in accurate mode a till-receipt
    strip by RapidOCR alone (its direction classifier says whether it is upside down). Any other page -
    and a strip that engine could not read - is read by Tesseract; one read poorly asks OSD (again) and
    tries the suggested quarter turn and its opposite, keeping the best reading. The route's second
    engine may then replace a doubtful reading, or its cross-check engine re-read the decisive values
    (extractors/second_reader.py). The legibility measures are taken on the words kept.
    """
    with stage("clean"):
        gray, dpi = preprocess.resize_for_ocr(preprocess.clean(image.gray), image.dpi)
    with engines.ImageFile(workdir) as scratch:
        first, osd = 0, None
        if gray.shape[1] > gray.shape[0]:  # landscape: likely a sideways photo or scan
            with stage("osd"):
                osd = ocr.detect_rotation(scratch.write(gray), dpi)
            first = osd[0] if osd[1] > 0 else 0
        best_turn, engine = first, OcrEngine.TESSERACT
        routed = _first_engine(gray, first, mode)
        read = _read_first(routed, gray, first, dpi) if routed is not None else None
        if routed is not None and read is not None:
            upright, skew, words, best_turn = read
            engine = routed.name
        else:
            upright, skew, words = _read_turned(gray, first, dpi, scratch)
        if engine is OcrEngine.TESSERACT and _looks_wrong(words):
            if osd is None:
                with stage("osd"):
                    osd = ocr.detect_rotation(scratch.write(gray), dpi)
            guess, confidence = osd
            for turn in _turns_to_try(first, guess, confidence):
                candidate = _read_turned(gray, turn, dpi, scratch)
                if _score(candidate[2]) > _score(words):
                    (upright, skew, words), best_turn = candidate, turn
                if not _looks_wrong(words):
                    break
        if engine is OcrEngine.TESSERACT and _sideways(words):
            (upright, skew, words), best_turn = _stood_up(gray, best_turn, dpi, scratch, (upright, skew, words))
    sheet_height, sheet_width = preprocess.rotate_quadrant(gray, best_turn).shape
    height, width = upright.shape
    with stage("legibility"):
        quality = image_quality(upright, dpi, words, image.gray, image.dpi)
    with stage("hash"):
        phash = page_phash(upright)
    page = OcrPage(
        page=page_no,
        width=width,
        height=height,
        dpi=dpi,
        source=TextSource.OCR,
        rotation=best_turn,
        skew=round(skew, 2),
        words=tuple(words),
        a4_portrait=is_a4_portrait(sheet_width, sheet_height),
        quality=quality,
        phash=phash,
        engine=engine,
    )
    return second_reader.combine(page, upright, mode), upright
