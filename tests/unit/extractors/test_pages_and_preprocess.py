"""A4 geometry, skew estimation and contrast stretching on synthetic images."""

import cv2
import numpy as np
import pytest

from extractors.pages import is_a4_portrait
from extractors.preprocess import estimate_skew, rotate_by, rotate_quadrant, stretch_contrast


@pytest.mark.parametrize(
    "width, height, expected",
    [(2480, 3508, True), (2550, 3300, True), (3000, 4000, True), (3508, 2480, False), (1000, 1000, False), (600, 2000, False)],
)
def test_a4_portrait(width, height, expected):
    assert is_a4_portrait(width, height) is expected


def text_like_page() -> np.ndarray:
    page = np.full((1400, 1000), 255, np.uint8)
    for row in range(100, 1300, 40):
        cv2.putText(page, "Facture 12/10/2021 Total 45,30 EUR", (60, row), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)
    return page


@pytest.mark.parametrize("angle", [-8.0, -3.0, 0.0, 4.0, 10.0])
def test_skew_is_recovered(angle):
    skewed = rotate_by(text_like_page(), angle)
    assert estimate_skew(skewed) == pytest.approx(-angle, abs=0.5)


def test_quadrant_rotation_round_trip():
    page = text_like_page()
    assert np.array_equal(rotate_quadrant(rotate_quadrant(page, 90), 270), page)


def test_stretch_contrast_widens_a_washed_out_page():
    washed = (text_like_page() / 255.0 * 70 + 150).astype(np.uint8)
    stretched = stretch_contrast(washed)
    assert int(stretched.max()) - int(stretched.min()) > 200


def test_a_turned_text_layer_page_reports_its_turned_size(tmp_path):
    """/Rotate 90: pdftotext's word boxes are on the turned page, so the page size must be turned too."""
    import pikepdf

    from extractors.pages import text_layer_page
    from samples.generator.corpus import generate

    upright = tmp_path / "invoice.pdf"
    generate("pharmacy_invoice", "pdf_text", "clean", 5, upright)
    turned = tmp_path / "turned.pdf"
    with pikepdf.open(upright) as pdf:
        pdf.pages[0].obj["/Rotate"] = 90
        pdf.save(turned)
    straight, sideways = text_layer_page(str(upright), 1), text_layer_page(str(turned), 1)
    assert (sideways.width, sideways.height) == (straight.height, straight.width)
    assert all(w.bbox.x1 <= sideways.width and w.bbox.y1 <= sideways.height for w in sideways.words)


# --- transparency, orientation and size bounds (hostile input) ----------------------------------

from PIL import Image, ImageOps  # noqa: E402

from extractors import pages  # noqa: E402
from samples.generator import hostile  # noqa: E402
from tests.unit.infra.tool_inputs import image_pdf, jpeg_bytes, jpx_bytes, path_without_jbig2dec  # noqa: E402


@pytest.mark.parametrize("make", [hostile.alpha_text_png, hostile.la_text_png, hostile.palette_transparent_png])
def test_transparency_is_laid_on_white(tmp_path, make):
    gray = pages.load_image_page(str(make(tmp_path / "page.png"))).gray
    mask = hostile.text_mask()
    assert gray[mask == 0].min() == 255 and gray[mask == 255].max() == 0  # black text on white paper, not all black


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_gives_the_upright_page(tmp_path, orientation):
    path = hostile.exif_orientation(orientation)(tmp_path / "photo.jpg")
    with Image.open(path) as image:
        expected = np.asarray(ImageOps.exif_transpose(image).convert("L"))
    got = pages.load_image_page(str(path)).gray
    assert got.shape == (1200, 850) and np.array_equal(got, expected)


def test_a_16_bit_png_keeps_its_tones(tmp_path):
    gray = pages.load_image_page(str(hostile.png_16bit(tmp_path / "deep.png"))).gray
    assert np.array_equal(gray, np.asarray(hostile.text_page()))


def test_a_photo_over_the_page_pixels_is_decoded_reduced(tmp_path, monkeypatch):
    monkeypatch.setattr(pages, "MAX_PAGE_PIXELS", 200_000)
    jpeg, png = hostile.text_jpeg(tmp_path / "big.jpg"), hostile.text_png(tmp_path / "big.png")  # 850 x 1200
    for path in (jpeg, png):
        page = pages.load_image_page(str(path))
        assert page.gray.shape == (300, 213) or page.gray.shape == (300, 212)
        assert page.dpi == 70  # 100 dpi / 4, floored at 70


@pytest.mark.parametrize(
    ("box", "dpi"),
    [((595, 842), 300), ((2384, 3370), 152), ((100000, 100000), None), ((1, 1), None), ((0, 842), None), ((14400, 14400), None)],
)
def test_render_resolution_fits_the_page_pixels(box, dpi):
    assert pages.render_dpi(*box) == dpi
    if dpi:
        assert (box[0] / 72 * dpi) * (box[1] / 72 * dpi) <= pages.MAX_PAGE_PIXELS


@pytest.mark.parametrize("make", [hostile.huge_mediabox, hostile.tiny_mediabox])
def test_a_page_of_absurd_size_is_unreadable_not_rendered(tmp_path, make):
    with pytest.raises(pages.UnreadablePage):
        pages.render_pdf_page(str(make(tmp_path / "page.pdf")), 1)


def _never_rendered(*args, **kwargs):
    raise AssertionError("rendered")


SMALL_CAP = 1_000_000  # pages.MAX_PAGE_PIXELS in these tests: small images stand for large ones


@pytest.mark.parametrize(
    ("dictionary", "data"),
    [
        # 300 x 300 declared over 1500 x 1500 (issue 22: 1000 x 1000 over 12600 x 12600, decoded: 1.26 GiB)
        (b"/Width 300 /Height 300 /BitsPerComponent 8 /Filter /DCTDecode", jpeg_bytes((1500, 1500))),
        # honest, but a decoder holds them whole: a progressive JPEG, a JPEG 2000
        (b"/Width 1500 /Height 1500 /BitsPerComponent 8 /Filter /DCTDecode", jpeg_bytes((1500, 1500), progressive=True)),
        (b"/Width 1500 /Height 1500 /BitsPerComponent 8 /Filter /JPXDecode", jpx_bytes((1500, 1500))),
    ],
    ids=["lying-jpeg", "progressive-jpeg", "jpeg-2000"],
)
def test_a_page_image_too_large_by_its_own_header_is_neither_decoded_nor_rendered(tmp_path, monkeypatch, dictionary, data):
    """The cap is on what the image's data holds, not on what its dictionary declares."""
    path = image_pdf(tmp_path / "page.pdf", dictionary, data)
    monkeypatch.setattr(pages, "MAX_PAGE_PIXELS", SMALL_CAP)
    monkeypatch.setattr(pages.poppler, "render_gray", _never_rendered)
    assert pages.embedded_scan(path, 1) is None
    with pytest.raises(pages.OversizedImage, match="1500 x 1500"):
        pages.render_pdf_page(path, 1)


def test_a_large_baseline_jpeg_declared_honestly_is_rendered(tmp_path, monkeypatch):
    """poppler decodes a baseline JPEG a few rows at a time: a large one is rendered, not refused."""
    path = image_pdf(
        tmp_path / "page.pdf", b"/Width 1500 /Height 1500 /BitsPerComponent 8 /Filter /DCTDecode", jpeg_bytes((1500, 1500))
    )
    monkeypatch.setattr(pages, "MAX_PAGE_PIXELS", SMALL_CAP)
    assert pages.embedded_scan(path, 1) is None
    assert pages.render_pdf_page(path, 1).gray.size <= SMALL_CAP


def test_a_jbig2_scan_without_its_decoder_is_rendered_by_poppler(tmp_path, monkeypatch):
    """Issue 22: office scanners' JBIG2 pages ended `unreadable_file (DependencyError)` without jbig2dec."""
    path = str(hostile.jbig2_scan(tmp_path / "scan.pdf"))
    monkeypatch.setenv("PATH", path_without_jbig2dec(tmp_path))
    assert pages.embedded_scan(path, 1) is None
    page = pages.render_pdf_page(path, 1)
    ink = cv2.resize((hostile.text_mask(1240, 1754, 40) > 127).astype(np.uint8), page.gray.shape[::-1]) > 0
    dark = page.gray < 128
    assert page.dpi == 300 and (dark & ink).sum() > 0.8 * ink.sum() and (dark & ~ink).sum() < 0.05 * ink.sum()
