"""infra.tools.pdf (pikepdf) on generated PDFs: page count, refusals, page size, a scan's image (decoded
only when its data holds what its dictionary says; a JBIG2 scan without jbig2dec left to poppler)."""

from __future__ import annotations

import shutil
import time
import zlib
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import ImageCms

from infra.tools import deadline, pdf
from samples.generator import hostile, malformed
from tests.unit.infra.tool_inputs import image_pdf, jpeg_bytes, path_without_jbig2dec, scan_pdf, text_image, text_pdf


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
        (hostile._add_deep_js_chain, ("JavaScript",)),  # issue 22: 70 actions deep
        (hostile._add_xfa, ("XFA",)),  # issue 22: an XFA form's scripts
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


def test_a_jpeg_larger_than_its_dictionary_says_is_not_decoded(tmp_path):
    """Issue 22: /Width 1000 /Height 1000 over a 12600 x 12600 JPEG was decoded whole (1.26 GiB)."""
    data = jpeg_bytes((3000, 3000))
    lying = image_pdf(tmp_path / "lying.pdf", b"/Width 300 /Height 300 /BitsPerComponent 8 /Filter /DCTDecode", data)
    honest = image_pdf(tmp_path / "honest.pdf", b"/Width 3000 /Height 3000 /BitsPerComponent 8 /Filter /DCTDecode", data)
    assert pdf.sole_image(lying, 1, max_pixels=1_000_000) is None  # declared 90,000 pixels: it holds 9,000,000
    assert pdf.sole_image(honest, 1, max_pixels=1_000_000) is None
    scan = pdf.sole_image(honest, 1, max_pixels=10_000_000)
    assert scan is not None and scan.image.size == (3000, 3000)
    ((declared, coded),) = pdf.coded_images(lying, 1)
    assert declared == (300, 300) and (coded.width, coded.height, coded.whole) == (3000, 3000, False)


def test_a_flate_image_inflating_past_its_size_is_not_decoded(tmp_path):
    bomb = image_pdf(
        tmp_path / "bomb.pdf",
        b"/Width 100 /Height 100 /BitsPerComponent 8 /Filter /FlateDecode",
        zlib.compress(b"\xff" * 20_000_000, 9),
    )
    exact = image_pdf(
        tmp_path / "exact.pdf",
        b"/Width 100 /Height 100 /BitsPerComponent 8 /Filter /FlateDecode",
        zlib.compress(b"\xff" * 10_000),
    )
    assert pdf.sole_image(bomb, 1) is None
    assert pdf.sole_image(exact, 1) is not None


def test_a_progressive_jpeg_is_reported_as_decoded_whole(tmp_path):
    path = image_pdf(
        tmp_path / "p.pdf",
        b"/Width 200 /Height 100 /BitsPerComponent 8 /Filter /DCTDecode",
        jpeg_bytes((200, 100), progressive=True),
    )
    ((declared, coded),) = pdf.coded_images(path, 1)
    assert declared == (200, 100) and coded.whole


def test_the_images_of_a_page_are_found_inside_its_forms(tmp_path):
    path = tmp_path / "form.pdf"
    image = hostile.stream(
        b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode",
        jpeg_bytes((640, 640)),
    )
    form = hostile.stream(b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /Im0 5 0 R >> >>", b"/Im0 Do")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Fm0 4 0 R >> >> /Contents 6 0 R >>",
        form,
        image,
        hostile.stream(b"", b"q 595 0 0 842 0 0 cm /Fm0 Do Q"),
    ]
    path.write_bytes(hostile.raw_pdf(objects))
    ((declared, coded),) = pdf.coded_images(str(path), 1)
    assert declared == (64, 64) and (coded.width, coded.height) == (640, 640)


def office_scan(tmp_path: Path) -> tuple[str, np.ndarray]:
    path = hostile.jbig2_scan(tmp_path / "office-scan.pdf")
    return str(path), hostile.text_mask(1240, 1754, 40) > 127


@pytest.mark.skipif(shutil.which("jbig2dec") is None, reason="jbig2dec not installed (infra/install-system-deps.sh)")
def test_a_jbig2_scan_is_decoded_by_jbig2dec(tmp_path):
    path, ink = office_scan(tmp_path)
    scan = pdf.sole_image(path, 1, max_pixels=36_000_000)
    assert scan is not None and scan.image.size == (1240, 1754)
    assert np.array_equal(np.asarray(scan.image.convert("L")) < 128, ink)


def test_without_jbig2dec_a_jbig2_scan_is_left_to_poppler(tmp_path, monkeypatch):
    """Issue 22: without jbig2dec, pikepdf's DependencyError escaped and the page was unreadable."""
    path, _ = office_scan(tmp_path)
    monkeypatch.setenv("PATH", path_without_jbig2dec(tmp_path))
    assert pdf.sole_image(path, 1, max_pixels=36_000_000) is None  # rendered instead (extractors/pages.py)


@pytest.mark.skipif(shutil.which("jbig2dec") is None, reason="jbig2dec not installed (infra/install-system-deps.sh)")
def test_jbig2dec_runs_within_the_deadline(tmp_path):
    path, _ = office_scan(tmp_path)
    with deadline.within(deadline.Deadline(time.monotonic() + 0.05, "file_timeout", 180)), pytest.raises(deadline.BudgetSpent):
        pdf.sole_image(path, 1)


def test_a_colour_flate_scan_with_an_icc_profile_is_decoded_here(tmp_path):
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = hostile.stream(
        b"/Type /XObject /Subtype /Image /Width 40 /Height 30 /ColorSpace [/ICCBased 6 0 R] "
        b"/BitsPerComponent 8 /Filter /FlateDecode",
        zlib.compress(b"\xff" * 40 * 30 * 3),
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        image,
        hostile.stream(b"", b"q 595 0 0 842 0 0 cm /Im0 Do Q"),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 3 0 R >> >> /Contents 4 0 R >>",
        hostile.stream(b"/N 3", profile),
    ]
    path = tmp_path / "icc.pdf"
    path.write_bytes(hostile.raw_pdf(objects))
    scan = pdf.sole_image(str(path), 1)
    assert scan is not None and scan.image.size == (40, 30) and scan.image.mode == "RGB"
