"""Text from strangers (file names, values read on documents) made safe to print on a terminal."""

from __future__ import annotations

import unicodedata

HIDDEN = ("Cc", "Cf", "Zl", "Zp")  # control, format (bidi overrides and isolates, zero-width), line and paragraph separators


def safe_text(text: str) -> str:
    """`text` with control characters (ANSI escapes, newlines, NUL...), format characters (bidirectional
    overrides and isolates, zero-width characters) and line/paragraph separators shown as `\\xNN` /
    `\\uNNNN` escapes instead of acting on the terminal or on how the line reads."""
    return "".join(
        c if unicodedata.category(c) not in HIDDEN else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        for c in text
    )
