"""Text from strangers (file names, values read on documents) made safe to print on a terminal:
control characters (ANSI escapes, newlines) and bidirectional overrides shown as visible escapes."""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def safe_text(text: str) -> str:
    """`text` with every control or bidirectional-control character replaced by its \\uXXXX escape."""
    return "".join(f"\\u{ord(c):04x}" if c in BIDI_CONTROLS or unicodedata.category(c) == "Cc" else c for c in text)
