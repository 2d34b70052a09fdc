"""OCR output: words with text, confidence, box and their line/block, per page."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field as PydanticField

from models.base import Model
from models.geometry import BBox
from models.quality import PageQuality


class TextSource(StrEnum):
    """Where a page's words came from."""

    TEXT_LAYER = "text_layer"  # the PDF's own text, no OCR
    OCR = "ocr"  # Tesseract on the rendered / photographed page


class OcrEngine(StrEnum):
    """Which OCR engine read a page's words."""

    TESSERACT = "tesseract"  # the first reader, every OCR'd page
    RAPIDOCR = "rapidocr"  # the second reader (INTAKE_OCR_MODE=accurate), kept when it read the page better


class Word(Model):
    """One word as read on the page."""

    text: str
    confidence: float = PydanticField(ge=0.0, le=1.0)
    bbox: BBox
    block: int
    line: int  # line number, unique within the page (not within the block)


class OcrPage(Model):
    """The words of one page, in reading order, with how the page was prepared."""

    page: int  # 1-based
    width: int  # pixels of the working image, after rotation
    height: int
    dpi: int
    source: TextSource
    rotation: int = 0  # degrees clockwise applied to make the text upright: 0/90/180/270
    skew: float = 0.0  # degrees of deskew applied
    a4_portrait: bool = True  # the sheet, once upright, has A4 portrait proportions
    words: tuple[Word, ...] = ()
    quality: PageQuality | None = None  # legibility measures (None: read before they existed)
    phash: str | None = None  # 64-bit DCT perceptual hash of the upright page, 16 hex digits (None: text layer)
    engine: OcrEngine | None = None  # the engine whose words these are (None: the PDF's text layer)
    # the other engine's reading of the same upright image when two read it (accurate mode), in the same
    # pixels: never the page's text, kept only to cross-check decisive values (extractors/cross_reading.py)
    cross_words: tuple[Word, ...] = ()
    # the boxes the other engine re-read when it read only the decisive values (empty: the whole page)
    cross_regions: tuple[BBox, ...] = ()

    @property
    def mean_confidence(self) -> float:
        """Mean word confidence, 0 for a page without words."""
        if not self.words:
            return 0.0
        return sum(w.confidence for w in self.words) / len(self.words)

    def lines(self) -> list[list[Word]]:
        """Words grouped by line, lines in reading order."""
        grouped: dict[int, list[Word]] = {}
        for word in self.words:
            grouped.setdefault(word.line, []).append(word)
        return [sorted(ws, key=lambda w: w.bbox.x0) for ws in grouped.values()]

    @property
    def text(self) -> str:
        """Plain text, one line per OCR line."""
        return "\n".join(" ".join(w.text for w in line) for line in self.lines())
