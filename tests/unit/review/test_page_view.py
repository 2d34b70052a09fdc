"""review.page_view on real generated documents and real Tesseract: the picture is in the pipeline's
coordinate space (the fields' boxes land on the words they were read from), and the cache renders once."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from extractors import pages
from infra.storage import LocalStorage
from intake.pipeline import extract_report
from models import BBox, Document
from review import page_view
from review.page_view import MAX_JPEG_WIDTH, PageCache, PageView, render_page
from samples.generator.corpus import generate
from tests.unit.infra.tool_inputs import image_pdf, jpeg_bytes
from validators.upload import check_uploads, sha256_of

# (format, variant, seed, suffix): a text-layer PDF, a skewed phone JPEG, a scan turned a quarter.
CASES = {
    "pdf_text": ("pdf_text", "clean", 7001, ".pdf"),
    "jpg_skew": ("jpg", "skew", 7002, ".jpg"),
    "scan_rot90": ("pdf_scan", "rot90", 7004, ".pdf"),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("page-view")
    paths = {}
    for name, (fmt, variant, seed, suffix) in CASES.items():
        paths[name] = folder / f"{name}{suffix}"
        generate("pharmacy_invoice", fmt, variant, seed, paths[name])
    return paths


@pytest.fixture(scope="module")
def read(files) -> dict[str, tuple[Document, PageView]]:
    """Each file through the pipeline, and its first page through render_page."""
    out = {}
    for name, path in files.items():
        document = extract_report(check_uploads([path]))[0]
        assert isinstance(document, Document), name
        out[name] = (document, render_page(str(path), 1))
    return out


def overlaps(a: BBox, b: BBox) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


@pytest.mark.parametrize("name", CASES)
def test_view_is_in_the_working_image_space(read, name):
    document, view = read[name]
    page = next(p for p in document.pages if p.page == 1)
    assert (view.width, view.height) == (page.width, page.height)
    assert view.words


@pytest.mark.parametrize("field", ["total", "date"])
@pytest.mark.parametrize("name", CASES)
def test_field_box_lands_on_its_words(read, name, field):
    document, view = read[name]
    found = document.fields[field]
    assert found.page == 1 and found.bbox is not None
    hits = [w for w in view.words if overlaps(w.bbox, found.bbox) and w.text in found.raw]
    assert hits, (name, field, found.raw, found.bbox)


@pytest.mark.parametrize("name", CASES)
def test_jpeg_decodes_with_the_page_proportions(read, name):
    _, view = read[name]
    with Image.open(io.BytesIO(view.jpeg)) as image:
        assert image.format == "JPEG"
        assert image.width <= MAX_JPEG_WIDTH
        assert image.width / image.height == pytest.approx(view.width / view.height, rel=0.005)


def test_render_page_refuses_a_page_out_of_range(files):
    with pytest.raises(ValueError):
        render_page(str(files["pdf_text"]), 2)


def test_cache_renders_once_then_serves_from_storage(files, tmp_path):
    path = files["pdf_text"]
    storage = LocalStorage(tmp_path / "store")
    cache = PageCache(storage)
    sha, calls = sha256_of(path), []

    def load() -> bytes:
        calls.append(1)
        return path.read_bytes()

    first = cache.view(sha, 1, load, "facture.pdf")
    second = PageCache(storage).view(sha, 1, load, "facture.pdf")
    assert len(calls) == 1
    assert second == first
    assert storage.exists(f"cache/pages/{sha}/1.jpg") and storage.exists(f"cache/pages/{sha}/1.json")


def test_cache_renders_a_page_once_under_concurrent_requests(files, tmp_path):
    path = files["pdf_text"]
    cache = PageCache(LocalStorage(tmp_path / "store"))
    sha, calls, views = sha256_of(path), [], []
    start = threading.Barrier(4)

    def load() -> bytes:
        calls.append(1)
        return path.read_bytes()

    def ask() -> None:
        start.wait()
        views.append(cache.view(sha, 1, load, "facture.pdf"))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(views) == 4
    assert all(v.words == views[0].words for v in views)


def test_cache_refuses_a_malformed_file_hash(tmp_path):
    with pytest.raises(ValueError):
        PageCache(LocalStorage(tmp_path)).view("../etc", 1, bytes, "x.pdf")


def test_a_text_page_drawing_an_image_too_large_to_decode_is_shown_blank_not_rendered(tmp_path, monkeypatch):
    """Issue 22: the desk rendered what the pipeline never decoded (a text page holding a huge progressive
    JPEG: poppler would hold it whole); the page is shown blank, its words on it."""
    path = image_pdf(
        tmp_path / "page.pdf",
        b"/Width 1500 /Height 1500 /BitsPerComponent 8 /Filter /DCTDecode",
        jpeg_bytes((1500, 1500), progressive=True),
    )
    monkeypatch.setattr(pages, "MAX_PAGE_PIXELS", 1_000_000)
    monkeypatch.setattr(page_view.poppler, "render_gray_to_size", lambda *args: pytest.fail("rendered"))
    gray = page_view._render_pdf(path, 1, (700, 990))
    assert gray.shape == (990, 700) and np.all(gray == 255)
