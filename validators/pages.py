"""Page checks: A4 portrait sheets, pages with no text, pages read with low OCR confidence."""

from __future__ import annotations

from collections.abc import Sequence

from models import Flag, FlagCode, OcrPage, TextSource
from validators.flag_wording import make_flag

LOW_CONFIDENCE = 0.55  # mean word confidence under which a manager should look at the page


def page_flags(file: str, pages: Sequence[OcrPage]) -> list[Flag]:
    """Flags for each page of one file."""
    flags: list[Flag] = []
    for page in pages:
        if not page.a4_portrait:
            flags.append(make_flag(FlagCode.NOT_A4_PORTRAIT, file=file, page=page.page))
        if not page.words:
            flags.append(make_flag(FlagCode.NO_TEXT, file=file, page=page.page))
        elif page.source is TextSource.OCR and page.mean_confidence < LOW_CONFIDENCE:
            flags.append(make_flag(FlagCode.LOW_OCR_CONFIDENCE, file=file, page=page.page, confidence=page.mean_confidence))
    return flags
