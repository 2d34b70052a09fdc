"""Loads the extractors' data files (keywords, labels, currency markers) once, read-only."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


@cache
def load(name: str) -> dict[str, Any]:
    """Parsed contents of `extractors/data/<name>.toml`."""
    with (DATA_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


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


def data_pattern(name: str, *path: str) -> re.Pattern[str]:
    """`phrase_pattern` of the list at `path` in `extractors/data/<name>.toml`."""
    entry = load(name)
    for key in path:
        entry = entry[key]
    return phrase_pattern(tuple(entry))
