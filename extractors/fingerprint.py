"""Perceptual fingerprint of a page image, for spotting the same page sent twice (re-encoded, rescanned).

`page_phash` is the standard 64-bit DCT perceptual hash (imagehash.phash: 32x32 grey thumbnail, 2-D
DCT, the 8x8 lowest frequencies compared with their median) of the page cropped to its ink, so that
margins, the canvas grown by deskewing or a photo's framing move it little. Two hashes of the same
page differ in a few bits; unrelated pages in about half of the 64.
"""

from __future__ import annotations

import cv2
import imagehash
import numpy as np
from PIL import Image

THUMB = 32  # imagehash.phash's working size for a 64-bit hash (hash_size 8 x highfreq_factor 4)
ANALYSIS_WIDTH = 256  # the ink box is found on a copy this wide
INK_MARGIN = 0.005  # share of the ink allowed outside the box on each side (specks, scanner edges)


def _ink_box(gray: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the page's ink, in pixels of `gray`; the whole page when blank."""
    height, width = gray.shape
    scale = min(1.0, ANALYSIS_WIDTH / width)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    total = int(ink.sum())
    if total < 20:
        return 0, height, 0, width
    rows, cols = (np.cumsum(ink.sum(axis=a, dtype=np.int64)) / total for a in (1, 0))
    top, bottom = np.searchsorted(rows, INK_MARGIN), np.searchsorted(rows, 1 - INK_MARGIN) + 1
    left, right = np.searchsorted(cols, INK_MARGIN), np.searchsorted(cols, 1 - INK_MARGIN) + 1
    return int(top / scale), int(min(height, bottom / scale)), int(left / scale), int(min(width, right / scale))


def page_phash(gray: np.ndarray) -> str:
    """64-bit DCT perceptual hash of a grayscale page (uint8 array), as 16 hex digits."""
    top, bottom, left, right = _ink_box(gray)
    content = gray[top:bottom, left:right]
    thumb = cv2.resize(content, (THUMB, THUMB), interpolation=cv2.INTER_AREA)
    return str(imagehash.phash(Image.fromarray(thumb), hash_size=8, highfreq_factor=4))


def hamming(a: str, b: str) -> int:
    """Number of differing bits between two hex hashes of the same length."""
    if len(a) != len(b):
        raise ValueError("hashes of different lengths")
    return (int(a, 16) ^ int(b, 16)).bit_count()
