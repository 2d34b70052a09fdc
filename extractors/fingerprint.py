"""Perceptual fingerprint of a page image, for spotting the same page sent twice (re-encoded, resized).

`page_phash` is the standard 64-bit DCT perceptual hash (imagehash.phash: 32x32 grey thumbnail, 2-D
DCT, the 8x8 lowest frequencies compared with their median) of the whole upright page. On generated
pages, the same page re-encoded as JPEG, blurred, noised or faded stays within 2 bits; other documents
are 6 bits away or more (those of the same layout: 18 bits typically, 6-8 at the closest; other
layouts 26). A new photo or a skewed rescan of the sheet is not recognised (14-30 bits): the hash says
"same image", not "same document". Cropping to the ink before hashing was tried: worse on all of these.
"""

from __future__ import annotations

import cv2
import imagehash
import numpy as np
import scipy.fftpack  # noqa: F401 - imagehash.phash imports it on first use: paid at import, not on a page
from PIL import Image

from extractors import preprocess

THUMB = 32  # imagehash.phash's working size for a 64-bit hash (hash_size 8 x highfreq_factor 4)
REDUCED_WIDTH = 256  # a fast 2x2-averaging reduction first; the thumbnail is area-averaged from it


def page_phash(gray: np.ndarray) -> str:
    """64-bit DCT perceptual hash of a grayscale page (uint8 array), as 16 hex digits."""
    factor = REDUCED_WIDTH / gray.shape[1]
    small = preprocess.shrink(gray, factor) if factor < 1 else gray
    thumb = cv2.resize(small, (THUMB, THUMB), interpolation=cv2.INTER_AREA)
    return str(imagehash.phash(Image.fromarray(thumb), hash_size=8, highfreq_factor=4))


def hamming(a: str, b: str) -> int:
    """Number of differing bits between two hex hashes of the same length."""
    if len(a) != len(b):
        raise ValueError("hashes of different lengths")
    return (int(a, 16) ^ int(b, 16)).bit_count()
