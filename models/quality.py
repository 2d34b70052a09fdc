"""How legible a page is: measures taken on the image that was OCR'd, and their combined score."""

from __future__ import annotations

from pydantic import Field as PydanticField

from models.base import Model


class PageQuality(Model):
    """Legibility measures of one page (see extractors/quality.py) and their score (validators/legibility.py).

    Image measures are None on a text-layer PDF page: there is no image, and its score is 1.0."""

    # sharpness: variance of the Laplacian around the text, at a fixed text height; LOW means blurred
    blur: float | None = PydanticField(default=None, ge=0.0)
    contrast: float | None = PydanticField(default=None, ge=0.0, le=255.0)  # grey levels between ink and paper
    text_density: float = PydanticField(ge=0.0, le=1.0)  # share of the page area covered by word boxes
    ocr_confidence: float = PydanticField(ge=0.0, le=1.0)  # mean word confidence, weighted by word length
    score: float = PydanticField(ge=0.0, le=1.0)  # 0 illegible .. 1 legible
