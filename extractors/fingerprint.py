"""Perceptual fingerprint of a page image, for spotting the same page sent twice (re-encoded, resized).

`page_phash` is the standard 64-bit DCT perceptual hash (imagehash.phash: 32x32 grey thumbnail, 2-D
DCT, the 8x8 lowest frequencies compared with their median) of the whole upright page. On generated
pages, the same page re-encoded as JPEG, blurred, noised or faded stays within 2 bits; other documents
are 6 bits away or more (those of the same layout: 18 bits typically, 6-8 at the closest; other
layouts 26). A new photo or a skewed rescan of the sheet is not recognised (14-30 bits): the hash says
"same image", not "same document". Cropping to the ink before hashing was tried: worse on all of these.

The DCT is scipy's own (pocketfft, `scipy.fft._pocketfft.pypocketfft`), called as `scipy.fftpack.dct`
calls it, with its compiled module loaded alone: importing `scipy.fftpack` costs ~0.28 s of CPU in
every process, the module alone ~0.01 s. The hashes are imagehash.phash's bit for bit
(tests/unit/extractors/test_fingerprint.py compares them); where that module cannot be loaded,
imagehash.phash itself is used.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np

from extractors import preprocess

THUMB = 32  # imagehash.phash's working size for a 64-bit hash (hash_size 8 x highfreq_factor 4)
HASH_SIZE = 8
REDUCED_WIDTH = 256  # a fast 2x2-averaging reduction first; the thumbnail is area-averaged from it


@functools.cache
def _pocketfft() -> ModuleType | None:
    """scipy's compiled pocketfft module, loaded without importing the scipy package; None if not found."""
    try:
        spec = importlib.util.find_spec("scipy")
        if spec is None or not spec.submodule_search_locations:
            return None
        folder = Path(next(iter(spec.submodule_search_locations))) / "fft" / "_pocketfft"
        path = next(folder.glob("pypocketfft.*.so"), None) or next(folder.glob("pypocketfft*.pyd"), None)
        if path is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader("pypocketfft", str(path))
        module_spec = importlib.util.spec_from_file_location("pypocketfft", path, loader=loader)
        if module_spec is None:
            return None
        module = importlib.util.module_from_spec(module_spec)
        loader.exec_module(module)
        return module
    except Exception:
        return None


def dct_2d(pixels: np.ndarray) -> np.ndarray | None:
    """`scipy.fftpack.dct(scipy.fftpack.dct(pixels, axis=0), axis=1)` (type II, unnormalised, one
    worker), from pocketfft directly; None when it is not available."""
    pocketfft = _pocketfft()
    if pocketfft is None:
        return None
    rows = pocketfft.dct(np.asarray(pixels, dtype=np.float64), 2, (0,), 0, None, 1, None)
    result: np.ndarray = pocketfft.dct(rows, 2, (1,), 0, None, 1, None)
    return result


def thumb_phash(thumb: np.ndarray) -> str:
    """imagehash.phash(Image.fromarray(thumb), hash_size=8, highfreq_factor=4) of a 32x32 uint8 thumbnail."""
    dct = dct_2d(thumb)
    if dct is None:
        import imagehash
        from PIL import Image

        return str(imagehash.phash(Image.fromarray(thumb), hash_size=HASH_SIZE, highfreq_factor=THUMB // HASH_SIZE))
    low = dct[:HASH_SIZE, :HASH_SIZE]
    bits = (low > np.median(low)).flatten()
    return f"{int(''.join('1' if b else '0' for b in bits), 2):0{HASH_SIZE * HASH_SIZE // 4}x}"


def page_phash(gray: np.ndarray) -> str:
    """64-bit DCT perceptual hash of a grayscale page (uint8 array), as 16 hex digits."""
    factor = REDUCED_WIDTH / gray.shape[1]
    small = preprocess.shrink(gray, factor) if factor < 1 else gray
    return thumb_phash(cv2.resize(small, (THUMB, THUMB), interpolation=cv2.INTER_AREA))


def hamming(a: str, b: str) -> int:
    """Number of differing bits between two hex hashes of the same length."""
    if len(a) != len(b):
        raise ValueError("hashes of different lengths")
    return (int(a, 16) ^ int(b, 16)).bit_count()
