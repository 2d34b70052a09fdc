"""infra.tools.pdf (pikepdf) on generated PDFs: page count, refusals, page size, a scan's image."""

from __future__ import annotations

import pikepdf
import pytest

from infra.tools import pdf
from samples.generator import hostile, malformed
from tests.unit.infra.tool_inputs import scan_pdf, text_image, text_pdf


def test_page_count(tmp_path):
    one = text_pdf(tmp_path / "one.pdf")
    with pikepdf.open(one) as doc:
        doc.pages.append(doc.pages[0])
        doc.save(tmp_path / "two.pdf")
    assert pdf.page_count(one) == 1
    assert pdf.page_count(str(tmp_path / "two.pdf")) == 2


def test_an_encrypted_pdf_is_refused(tmp_path):
    with pytest.raises(pdf.PdfEncrypted):
        pdf.page_count(malformed.encrypted_pdf(tmp_path / "locked.pdf"))


def test_a_truncated_pdf_is_refused(tmp_path):
    with pytest.raises(pdf.PdfDamaged):
        pdf.page_count(malformed.truncated_pdf(tmp_path / "cut.pdf"))


def test_page_size_honours_rotate(tmp_path):
    upright = text_pdf(tmp_path / "upright.pdf")
    with pikepdf.open(upright) as doc:
        doc.pages[0].obj["/Rotate"] = 90
        doc.save(tmp_path / "turned.pdf")
    width, height = pdf.page_size_points(str(upright), 1)
    assert (round(width), round(height)) == (595, 842)
    assert pdf.page_size_points(str(tmp_path / "turned.pdf"), 1) == (height, width)


def test_sole_image_of_a_scanned_page(tmp_path):
    scan = pdf.sole_image(str(scan_pdf(tmp_path / "scan.pdf", text_image(tmp_path / "page.png"))), 1)
    assert scan is not None
    assert scan.image.size == (1240, 1754)
    assert (round(scan.width_points), round(scan.height_points)) == (595, 842)  # 1240 px at 150 dpi


def test_a_text_page_has_no_sole_image(tmp_path):
    assert pdf.sole_image(str(text_pdf(tmp_path / "text.pdf")), 1) is None


def test_versions():
    pikepdf_version, qpdf_version = pdf.versions()
    assert pikepdf_version[0].isdigit() and qpdf_version[0].isdigit()


@pytest.mark.parametrize(
    ("change", "kinds"),
    [
        (hostile._add_js_names, ("JavaScript",)),
        (hostile._add_open_js, ("JavaScript", "OpenAction")),
        (hostile._add_launch, ("Launch", "OpenAction")),
        (hostile._add_page_aa, ("AA", "JavaScript")),
        (hostile._add_attachment, ("EmbeddedFiles",)),
        (hostile._add_rich_media, ("RichMedia",)),
        (hostile._add_link_js, ("JavaScript",)),
        (hostile._benign_open_action, ()),  # "open at page 1, fit": a destination, not an action
    ],
)
def test_active_content_is_named_never_run(tmp_path, change, kinds):
    assert pdf.active_content(hostile.active(change)(tmp_path / "active.pdf")) == kinds


def test_a_plain_pdf_has_no_active_content(tmp_path):
    assert pdf.active_content(text_pdf(tmp_path / "text.pdf")) == ()


def test_sole_image_is_not_decoded_past_its_declared_pixels(tmp_path):
    path = str(scan_pdf(tmp_path / "scan.pdf", text_image(tmp_path / "page.png")))
    scan = pdf.sole_image(path, 1)
    assert scan is not None
    pixels = scan.image.width * scan.image.height
    assert pdf.sole_image(path, 1, max_pixels=pixels + 1) is not None
    assert pdf.sole_image(path, 1, max_pixels=pixels) is None  # the page is rendered instead


def test_page_count_stops_at_the_limit(tmp_path):
    assert pdf.page_count(hostile.blank_pages(tmp_path / "long.pdf", 120), limit=50) == 120
