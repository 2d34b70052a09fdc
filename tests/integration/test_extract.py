"""End to end through real Tesseract: text layer, scans, photos turned and skewed, multi-page, an office
scanner's JBIG2 PDF with and without jbig2dec."""

from __future__ import annotations

import shutil

import pytest

from intake.pipeline import extract_report
from models import FlagCode, TextSource
from samples.generator import hostile
from samples.generator import malformed as mf
from tests import documents as docs
from tests.unit.infra.tool_inputs import path_without_jbig2dec
from validators.upload import check_uploads


def extract(*paths):
    return extract_report(check_uploads(list(paths)))


def assert_fields(document, expected=docs.EXPECTED):
    got = {name: document.fields[name].value for name in ("date", "total", "currency") if name in document.fields}
    assert got == {k: expected[k] for k in ("date", "total", "currency")}
    assert document.doc_type.value == expected["doc_type"]
    for field in document.fields.values():
        assert field.bbox is not None or field.rule.startswith("currency.default")
        assert 0 <= field.confidence <= 1 and field.page >= 1 and field.rule


def test_text_layer_pdf_is_read_without_ocr(tmp_path):
    (document,) = extract(docs.invoice_pdf(tmp_path / "invoice.pdf"))
    assert document.pages[0].source is TextSource.TEXT_LAYER
    assert_fields(document)
    assert not document.flags


def test_scanned_pdf_is_ocred_page_by_page_and_total_read_on_last_page(tmp_path):
    source = docs.invoice_pdf(tmp_path / "source.pdf", two_pages=True)
    (document,) = extract(docs.scanned_pdf(source, tmp_path / "scan.pdf"))
    assert [p.source for p in document.pages] == [TextSource.OCR, TextSource.OCR]
    assert_fields(document)
    assert document.fields["total"].page == 2


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_photo_is_rotated_not_flagged(tmp_path, turn):
    source = docs.invoice_pdf(tmp_path / "source.pdf")
    (document,) = extract(docs.photo(source, tmp_path / f"turned{turn}.jpg", rotate=turn))
    assert document.pages[0].rotation == (360 - turn) % 360
    assert FlagCode.NOT_A4_PORTRAIT not in {f.code for f in document.flags}
    assert_fields(document)


@pytest.mark.parametrize("angle", [-7.0, 4.0])
def test_skewed_photo_is_straightened(tmp_path, angle):
    source = docs.invoice_pdf(tmp_path / "source.pdf")
    (document,) = extract(docs.photo(source, tmp_path / "skewed.png", skew=angle))
    assert document.pages[0].skew == pytest.approx(-angle, abs=0.6)
    assert_fields(document)


def test_landscape_page_is_flagged(tmp_path):
    (document,) = extract(mf.landscape_pdf(tmp_path / "landscape.pdf"))
    flags = [f for f in document.flags if f.code is FlagCode.NOT_A4_PORTRAIT]
    assert len(flags) == 1 and flags[0].page == 1 and flags[0].file == "landscape.pdf"


def test_results_keep_input_order_with_rejections_in_place(tmp_path):
    results = extract(mf.gif(tmp_path / "a.gif"), docs.invoice_pdf(tmp_path / "b.pdf"), mf.empty(tmp_path / "c.jpg"))
    assert [r.file for r in results] == ["a.gif", "b.pdf", "c.jpg"]


@pytest.mark.parametrize("jbig2dec", [True, False], ids=["with-jbig2dec", "without-jbig2dec"])
def test_an_office_scanners_jbig2_pdf_is_read(tmp_path, monkeypatch, jbig2dec):
    """Issue 22: JBIG2 scans ended `unreadable_file (DependencyError)` without jbig2dec; now poppler renders them."""
    if jbig2dec and shutil.which("jbig2dec") is None:
        pytest.skip("jbig2dec not installed (infra/install-system-deps.sh)")
    if not jbig2dec:
        monkeypatch.setenv("PATH", path_without_jbig2dec(tmp_path))
    (document,) = extract(hostile.jbig2_scan(tmp_path / "office-scan.pdf"))
    assert not document.flags, [f.message_en for f in document.flags]
    (page,) = document.pages
    assert page.source is TextSource.OCR and page.word_count >= 15
    assert {name: document.fields[name].value for name in ("date", "total", "currency")} == {
        "date": "2021-10-12",
        "total": "10.60",
        "currency": "EUR",
    }
