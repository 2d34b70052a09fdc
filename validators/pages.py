"""Page checks: A4 portrait sheets, pages with no text, pages read with low OCR confidence."""

from __future__ import annotations

from collections.abc import Sequence

from models import Flag, FlagCode, OcrPage, Severity, TextSource

LOW_CONFIDENCE = 0.55  # mean word confidence under which a manager should look at the page


def page_flags(file: str, pages: Sequence[OcrPage]) -> list[Flag]:
    """Flags for each page of one file."""
    flags: list[Flag] = []
    for page in pages:
        where = f"{file}, page {page.page}"
        if not page.a4_portrait:
            flags.append(
                Flag(
                    code=FlagCode.NOT_A4_PORTRAIT,
                    severity=Severity.INFO,
                    message=f"{where} : la page n'est pas au format A4 portrait.",
                    file=file,
                    page=page.page,
                )
            )
        if not page.words:
            flags.append(
                Flag(code=FlagCode.NO_TEXT, severity=Severity.WARNING, message=f"{where} : aucun texte lisible.", file=file, page=page.page)
            )
        elif page.source is TextSource.OCR and page.mean_confidence < LOW_CONFIDENCE:
            flags.append(
                Flag(
                    code=FlagCode.LOW_OCR_CONFIDENCE,
                    severity=Severity.WARNING,
                    message=f"{where} : lecture incertaine (confiance moyenne {page.mean_confidence:.0%}).",
                    file=file,
                    page=page.page,
                )
            )
    return flags
