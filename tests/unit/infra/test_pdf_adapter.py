"""infra.tools.pdf (pikepdf) on generated PDFs: page count, refusals, page size, a scan's image."""

from __future__ import annotations

import pikepdf
import pytest

from infra.tools import pdf
from samples.generator import malformed
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
