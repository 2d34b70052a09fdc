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
