"""Matching the extractors' keywords: accent folding and cached whole-word patterns of phrase lists. The
keyword files themselves are loaded and validated by extractors/keywords.py."""

from __future__ import annotations

import re
import unicodedata
from functools import cache


def fold(text: str) -> str:
    """Lower-case, accents removed, same length as the input (one character per character)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)[:1] or ch
        out.append(base.lower() if len(base.lower()) == 1 else ch)
    return "".join(out)


@cache
def phrase_pattern(phrases: tuple[str, ...], edge: str = "a-z") -> re.Pattern[str]:
    """Whole-word alternation of accent-folded phrases, longest first (matched on folded text; `edge`
    is the character class a phrase must not touch on either side)."""
    body = "|".join(re.escape(fold(p)) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![{edge}])(?:{body})(?![{edge}])")
