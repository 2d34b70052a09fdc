"""One page of a received file as the review desk shows it: a JPEG of the page in the pipeline's own
coordinate space, with the words read on it.

Field boxes in claim.json (`Field.bbox`, `LineItem.bbox`) are pixels of the page's *working image*:
the text-layer page (PDF points x 300/72) or the cleaned, resized, quarter-turned and deskewed image
that was OCR'd. `render_page` rebuilds exactly that image (for an image page, by reading the page again
the way the pipeline does: same steps, same Tesseract, same result) so that a box at x lands at
x / width of the shown picture. `PageCache` keeps rendered pages in storage, since reading a scanned page
again takes seconds.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from extractors.page_reader import read_page_with_image
from extractors.pages import OversizedImage, check_page_images
from infra.storage.base import NotFound, Storage, StorageError
from infra.tools import poppler
from models import Upload, Word
from models.base import Model
from validators.upload import check_uploads

log = logging.getLogger(__name__)

MAX_JPEG_WIDTH = 1400
JPEG_QUALITY = 80
CACHE_PREFIX = "cache/pages"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}")


@dataclass(frozen=True)
class PageView:
    """A page picture and its words. `width` x `height` is the working-image space every box refers to
    (the OcrPage's / PageInfo's size); the JPEG is that image scaled down to at most MAX_JPEG_WIDTH wide."""

    jpeg: bytes
    width: int
    height: int
    words: tuple[Word, ...]


class _CachedWords(Model):
    """The JSON half of a cached page: its coordinate space and words."""

    width: int
    height: int
    words: tuple[Word, ...]


def display_size(width: int, height: int) -> tuple[int, int]:
    """The JPEG's pixel size for a working image of `width` x `height` (never enlarged)."""
    scale = min(1.0, MAX_JPEG_WIDTH / max(width, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _accepted(path: str) -> Upload:
    """The file as the pipeline sees it; ValueError when the upload rules refuse it."""
    report = check_uploads([path])
    if not report.accepted:
        raise ValueError(f"not a readable upload: {report.rejected[0].flags[0].message}")
    return report.accepted[0]


def _render_pdf(path: str, page_no: int, size: tuple[int, int]) -> np.ndarray:
    """The PDF page rendered by poppler to exactly `size` pixels, grayscale.

    Exact size rather than dpi=300: poppler rounds 300-dpi sizes up (A4: 2481 px) where the text layer
    rounds (2480 px). Drawing straight at the display size also beats rendering at 300 dpi and shrinking.
    A page drawing an image too large to decode (by its own header: extractors/pages.py
    `check_page_images`) is shown blank, its words on it: poppler would decode that image whole.
    """
    try:
        check_page_images(path, page_no)
    except OversizedImage:
        log.warning("page %d draws an image too large to decode: shown blank", page_no)
        return np.full((size[1], size[0]), 255, np.uint8)
    return poppler.render_gray_to_size(path, page_no, size)


def _jpeg(gray: np.ndarray, size: tuple[int, int]) -> bytes:
    """Scale (down) to `size` and encode as a JPEG."""
    if (gray.shape[1], gray.shape[0]) != size:
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError("could not encode the page as JPEG")
    return encoded.tobytes()


def render_page(path: str, page_no: int) -> PageView:
    """Page `page_no` (1-based) of a file, pictured in its working-image space, with its words.

    A text-layer PDF page is rendered from the PDF; any other page is read again exactly as the
    pipeline reads it (clean, resize, turn, deskew, Tesseract), which takes a few seconds.
    """
    upload = _accepted(path)
    if not 1 <= page_no <= upload.page_count:
        raise ValueError(f"page {page_no} out of range 1..{upload.page_count}")
    page, upright = read_page_with_image(upload, page_no)
    size = display_size(page.width, page.height)
    gray = upright if upright is not None else _render_pdf(upload.path, page_no, size)
    return PageView(jpeg=_jpeg(gray, size), width=page.width, height=page.height, words=page.words)


def _suffix(file_name: str) -> str:
    """The file name's extension when it is a plain one (the content decides the type anyway)."""
    suffix = Path(file_name).suffix.lower()
    return suffix if _SUFFIX.fullmatch(suffix) else ""


def render_bytes(data: bytes, file_name: str, page_no: int) -> PageView:
    """`render_page` on a file held in memory (written to a temporary file for poppler and Tesseract)."""
    with tempfile.TemporaryDirectory(prefix="page-view-") as tmp:
        path = Path(tmp) / f"file{_suffix(file_name)}"
        path.write_bytes(data)
        return render_page(str(path), page_no)


class PageCache:
    """Rendered pages kept in storage under cache/pages/<sha256 of the file>/<page>.jpg and .json.

    Safe to share between a web server's threads: one lock per (file, page) means a page is rendered
    once even when several requests ask for it at the same time.
    """

    def __init__(self, storage: Storage, prefix: str = CACHE_PREFIX):
        self._storage = storage
        self._prefix = prefix.rstrip("/")
        self._guard = threading.Lock()
        self._locks: dict[tuple[str, int], threading.Lock] = {}

    def view(self, sha256: str, page_no: int, load_file: Callable[[], bytes], file_name: str) -> PageView:
        """The page from the cache, or rendered from `load_file()` (called only on a miss) and cached."""
        if not _SHA256.fullmatch(sha256) or page_no < 1:
            raise ValueError("a page is named by a lowercase hex SHA-256 and a page number from 1")
        key = (sha256, page_no)
        try:
            with self._lock(key):
                cached = self._load(key)
                if cached is not None:
                    return cached
                view = render_bytes(load_file(), file_name, page_no)
                self._store(key, view)
                return view
        finally:
            with self._guard:  # later callers find the cache: the lock is no longer needed
                self._locks.pop(key, None)

    def cached(self, sha256: str, page_no: int) -> bool:
        """Whether the page is in the cache (its JSON, written last, marks a complete entry)."""
        return self._storage.exists(self._key((sha256, page_no), "json"))

    def _lock(self, key: tuple[str, int]) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def _key(self, key: tuple[str, int], extension: str) -> str:
        return f"{self._prefix}/{key[0]}/{key[1]}.{extension}"

    def _load(self, key: tuple[str, int]) -> PageView | None:
        """The cached view, or None when either half is missing or unreadable."""
        try:
            meta = _CachedWords.model_validate_json(self._storage.get_bytes(self._key(key, "json")))
            jpeg = self._storage.get_bytes(self._key(key, "jpg"))
        except NotFound:
            return None
        except ValueError:  # pydantic's ValidationError: a damaged entry is rendered again
            log.warning("damaged page cache entry for page %d, rendering again", key[1])
            return None
        return PageView(jpeg=jpeg, width=meta.width, height=meta.height, words=meta.words)

    def _store(self, key: tuple[str, int], view: PageView) -> None:
        """Write the JPEG, then the JSON (whose presence marks a complete entry); a failure only logs."""
        meta = _CachedWords(width=view.width, height=view.height, words=view.words)
        try:
            self._storage.put_bytes(self._key(key, "jpg"), view.jpeg, content_type="image/jpeg")
            self._storage.put_bytes(self._key(key, "json"), meta.model_dump_json().encode(), content_type="application/json")
        except StorageError as exc:
            log.warning("could not cache page %d: %s", key[1], exc)
