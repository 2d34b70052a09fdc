"""A process-wide bound on the memory that the heaviest steps of page reading take at once.

Pages are read two at a time (one per core). Two steps hold hundreds of megabytes for a moment: a
picture decoded whole before it is brought down to grayscale (a 79.9-megapixel RGBA PNG, just under
the upload rule's cap, is 320 MB decoded), and RapidOCR's text detection (about 450 MB at its peak,
measured on this machine, whatever the page). Two of them at once took a request of two such PNGs to
1.39 GiB. Each such step asks the gate for the bytes it will hold (an estimate known before it
starts) and waits while others hold so much that its share would pass the bound; one step alone is
always let through (the upload and page caps bound it), so nothing waits forever.
"""

from __future__ import annotations

import contextlib
import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# RapidOCR's reading beside an ordinary page's picture (up to ~190 MB decoded: 47 MP in grayscale, 38 MP
# in colour) goes on at once, as before the gate; a picture near the 80 MP cap waits for the other's step
MAX_HELD_BYTES = 640 * 1024 * 1024


class MemoryGate:
    """Bytes held at once by gated steps, at most `limit` (one step alone may take more)."""

    def __init__(self, limit: int = MAX_HELD_BYTES) -> None:
        self.limit = limit
        self.in_use = 0
        self._changed = threading.Condition()

    @contextmanager
    def holding(self, size: int) -> Iterator[None]:
        """Hold `size` bytes of the bound while the block runs."""
        with self._changed:
            self._changed.wait_for(lambda: self.in_use == 0 or self.in_use + size <= self.limit)
            self.in_use += size
        try:
            yield
        finally:
            release_memory()
            with self._changed:
                self.in_use -= size
                self._changed.notify_all()


GATE = MemoryGate()


def picture_bytes(width: int, height: int, bands: int) -> int:
    """What decoding a picture and bringing it down to grayscale holds at its peak: its bands, and the
    one-byte grayscale copy (made strip by strip, `extractors.pages.gray_on_white`)."""
    return width * height * (bands + 1)


def release_memory() -> None:
    """Hand the memory a step freed back to the system: glibc keeps freed heap blocks in the process
    otherwise (a decoded picture's 16-MB blocks stayed resident while the other core's step ran)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)
