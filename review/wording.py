"""The desk's interface wording in French (default) and English (review/messages/ui.toml)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LANGUAGES = ("fr", "en")
UI = Path(__file__).parent / "messages" / "ui.toml"


@cache
def _table() -> dict[str, dict[str, str]]:
    with UI.open("rb") as handle:
        return tomllib.load(handle)


def translator(language: str):
    """`t(key, **values)` for the language (French when unknown); a missing key shows itself."""
    words = _table()["en" if language == "en" else "fr"]

    def t(key: str, **values: object) -> str:
        text = words.get(key, key)
        return text.format(**values) if values else text

    return t
