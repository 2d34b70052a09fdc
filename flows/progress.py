"""A one-line progress display for a terminal (files, pages, ETA), on stderr; nothing at all when
stderr is not a terminal (piped output stays clean)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Files done out of a total, pages read, and the estimated time left."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total, self.files, self.pages = total, 0, 0
        self.started = time.monotonic()

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        left = elapsed / self.files * (self.total - self.files) if self.files else 0.0
        return f"{self.files}/{self.total} files, {self.pages} pages, {elapsed:.0f} s elapsed, ETA {left:.0f} s"

    def advance(self, pages: int) -> None:
        self.files += 1
        self.pages += pages
        if self.enabled:
            self.stream.write("\r\x1b[2K" + self.line())
            self.stream.flush()

    def clear(self) -> None:
        """Take the line away (before other output, and at the end)."""
        if self.enabled:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
