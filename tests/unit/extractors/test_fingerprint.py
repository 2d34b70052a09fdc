"""Perceptual hashes of generated pages: stable under re-encoding, far apart for different documents."""

from __future__ import annotations

import re

import cv2
import numpy as np
import pytest

from extractors.fingerprint import hamming, page_phash
from extractors.pages import load_image_page
from samples.generator.corpus import generate

SAME_PAGE_BITS = 4  # re-encoded / degraded copies of a page measured 0-2 bits apart
OTHER_DOCUMENT_BITS = 10  # other documents measured 6-30 bits apart (18-26 typically)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, np.ndarray]:
    """Grayscale pages: a clean invoice, the same invoice re-encoded as a poor JPEG, another document."""
    folder = tmp_path_factory.mktemp("fingerprint")
    generate("pharmacy_invoice", "png", "clean", 41, folder / "invoice.png")
    generate("prescription", "png", "clean", 42, folder / "prescription.png")
    invoice = load_image_page(str(folder / "invoice.png")).gray
    cv2.imwrite(str(folder / "invoice.jpg"), invoice, [cv2.IMWRITE_JPEG_QUALITY, 35])
    return {
        "invoice": invoice,
        "invoice_jpeg": load_image_page(str(folder / "invoice.jpg")).gray,
        "invoice_half": cv2.resize(invoice, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA),
        "prescription": load_image_page(str(folder / "prescription.png")).gray,
    }


def test_hash_is_16_hex_digits(pages):
    assert re.fullmatch(r"[0-9a-f]{16}", page_phash(pages["invoice"]))


def test_same_page_reencoded_or_resized_stays_close(pages):
    original = page_phash(pages["invoice"])
    assert hamming(original, page_phash(pages["invoice_jpeg"])) <= SAME_PAGE_BITS
    assert hamming(original, page_phash(pages["invoice_half"])) <= SAME_PAGE_BITS


def test_another_document_is_far(pages):
    assert hamming(page_phash(pages["invoice"]), page_phash(pages["prescription"])) >= OTHER_DOCUMENT_BITS


def test_hamming():
    assert hamming("ffff0000ffff0000", "ffff0000ffff0000") == 0
    assert hamming("0000000000000000", "000000000000000f") == 4
    with pytest.raises(ValueError):
        hamming("ff", "fff")


def test_hash_is_imagehash_phash_bit_for_bit(pages: dict[str, np.ndarray]) -> None:
    """Our DCT (scipy's pocketfft loaded alone) gives imagehash.phash's hashes exactly."""
    import imagehash
    from PIL import Image

    from extractors.fingerprint import THUMB, _pocketfft, thumb_phash

    assert _pocketfft() is not None  # else the fallback (imagehash itself) would make this test trivial
    rng = np.random.default_rng(5)
    thumbs = [rng.integers(0, 256, (THUMB, THUMB), dtype=np.uint8) for _ in range(300)]
    thumbs += [np.full((THUMB, THUMB), v, np.uint8) for v in (0, 1, 127, 255)]
    thumbs += [cv2.resize(page, (THUMB, THUMB), interpolation=cv2.INTER_AREA) for page in pages.values()]
    for thumb in thumbs:
        assert thumb_phash(thumb) == str(imagehash.phash(Image.fromarray(thumb), hash_size=8, highfreq_factor=4))


def test_hashing_does_not_import_scipy() -> None:
    """~0.28 s of CPU per process saved: the page hash loads pocketfft alone."""
    import subprocess
    import sys

    code = (
        "import sys, numpy as np; from extractors.fingerprint import page_phash; "
        "page_phash(np.full((400, 300), 200, np.uint8)); print('scipy' in sys.modules)"
    )
    said = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert said == "False"
