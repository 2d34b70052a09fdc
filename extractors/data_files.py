"""Matching the extractors' keywords: accent folding and cached whole-word patterns of phrase lists. The
keyword files themselves are loaded and validated by extractors/keywords.py."""

from __future__ import annotations

import re
import unicodedata
from functools import cache


class _FoldTable(dict[int, str]):
    """Code point -> its folded character, computed on first sight (str.translate asks for each)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        base = unicodedata.normalize("NFKD", ch)[:1] or ch
        folded = base.lower() if len(base.lower()) == 1 else ch
        self[code] = folded
        return folded


_FOLDED = _FoldTable()


def fold(text: str) -> str:
    """Lower-case, accents removed, same length as the input (one character per character). Called tens
    of thousands of times a document: ASCII text is lower-cased in C, any other through a table of the
    characters met so far (the characters only, never the text)."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLDED)


@cache
def phrase_pattern(
    phrases: tuple[str, ...], edge: str = "a-z", before: str | None = None, *, glued: bool = False
) -> re.Pattern[str]:
    """Whole-word alternation of accent-folded phrases, longest first (matched on folded text; `edge`
    is the character class a phrase must not touch on either side - `before`, when given, on its left;
    `glued`: the spaces between a phrase's words optional, as OCR runs a bold label together - "TotalTTC")."""
    space = r"\s?" if glued else r"\ "
    body = "|".join(space.join(map(re.escape, fold(p).split(" "))) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![{before or edge}])(?:{body})(?![{edge}])")


def one_letter_apart(a: str, b: str) -> bool:
    """Whether two different words (or phrases) differ by one letter replaced, added or dropped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    return a[i + 1 :] == b[i + 1 :] if len(a) == len(b) else a[i:] == b[i + 1 :]
