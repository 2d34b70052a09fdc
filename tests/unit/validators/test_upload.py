"""Every upload rule, each with a real malformed file; the other files of the request still pass."""

from __future__ import annotations

import pytest

from models import FlagCode, MediaType
from samples.generator import hostile
from samples.generator import malformed as mf
from validators import upload
from validators.upload import MAX_FILE_PAGES, MAX_FILES, MAX_REQUEST_PAGES, check_uploads, sniff_media_type


def only_rejection(tmp_path, make):
    good = mf.text_pdf(tmp_path / "good.pdf", ["Facture 12/10/2021", "Total TTC 45,30 EUR"])
    bad = make(tmp_path)
    report = check_uploads([good, bad])
    assert [u.file for u in report.accepted] == ["good.pdf"]
    assert len(report.rejected) == 1
    rejected = report.rejected[0]
    assert rejected.file == bad.name and rejected.index == 1
    (flag,) = rejected.flags
    assert flag.file == bad.name and bad.name in flag.message and flag.severity.value == "error"
    return flag.code


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda d: mf.empty(d / "empty.pdf"), FlagCode.EMPTY_FILE),
        (lambda d: mf.oversized_jpeg(d / "huge.jpg"), FlagCode.FILE_TOO_LARGE),
        (lambda d: mf.gif(d / "scan.gif"), FlagCode.UNSUPPORTED_FORMAT),
        (lambda d: mf.text_named_pdf(d / "notes.pdf"), FlagCode.UNSUPPORTED_FORMAT),
        (lambda d: mf.truncated_pdf(d / "cut.pdf"), FlagCode.UNREADABLE_FILE),
        (lambda d: mf.truncated_jpeg(d / "cut.jpg"), FlagCode.UNREADABLE_FILE),
        (lambda d: mf.garbage_jpeg(d / "broken.jpg"), FlagCode.UNREADABLE_FILE),
        (lambda d: mf.encrypted_pdf(d / "locked.pdf"), FlagCode.ENCRYPTED_PDF),
    ],
)
def test_rejection_codes(tmp_path, make, code):
    assert only_rejection(tmp_path, make) is code


def test_type_comes_from_content_not_name(tmp_path):
    disguised = mf.png(tmp_path / "ticket.pdf")
    report = check_uploads([disguised])
    assert report.accepted[0].media_type is MediaType.PNG


def test_owner_password_only_pdf_is_readable(tmp_path):
    report = check_uploads([mf.encrypted_pdf(tmp_path / "restricted.pdf", owner_only=True)])
    assert report.accepted and not report.rejected


def test_too_many_files_names_each_extra_file(tmp_path):
    files = [mf.png(tmp_path / f"page{i:02d}.png") for i in range(MAX_FILES + 2)]
    report = check_uploads(files)
    assert len(report.accepted) == MAX_FILES
    assert [r.file for r in report.rejected] == ["page10.png", "page11.png"]
    assert all(r.flags[0].code is FlagCode.TOO_MANY_FILES for r in report.rejected)


def test_accepted_upload_has_checksum_and_pages(tmp_path):
    report = check_uploads([mf.text_pdf(tmp_path / "a.pdf", ["Facture"])])
    upload = report.accepted[0]
    assert len(upload.sha256) == 64 and upload.page_count == 1 and upload.media_type is MediaType.PDF


# --- bounds checked before the cost is paid, and the type the first bytes say ---------------------


def blank_pdf(path, pages):
    return hostile.blank_pages(path, pages)


def test_a_pdf_over_the_page_limit_is_refused_on_its_count(tmp_path):
    report = check_uploads([blank_pdf(tmp_path / "long.pdf", MAX_FILE_PAGES + 1), blank_pdf(tmp_path / "ok.pdf", MAX_FILE_PAGES)])
    assert [u.file for u in report.accepted] == ["ok.pdf"]
    (rejected,) = report.rejected
    assert rejected.detected_type == MediaType.PDF.value
    (flag,) = rejected.flags
    assert flag.code is FlagCode.TOO_MANY_PAGES and flag.details == {"pages": str(MAX_FILE_PAGES + 1)}
    assert f"{MAX_FILE_PAGES + 1} pages" in flag.message and f"at most {MAX_FILE_PAGES} per file" in (flag.message_en or "")


def test_the_file_taking_the_request_over_its_page_total_is_refused(tmp_path):
    files = [blank_pdf(tmp_path / f"part{n}.pdf", 40) for n in range(3)] + [mf.png(tmp_path / "photo.png")]
    report = check_uploads(files)
    assert [u.file for u in report.accepted] == ["part0.pdf", "part1.pdf", "photo.png"]  # 40 + 40 + 1 <= 100
    assert [(r.file, r.flags[0].code) for r in report.rejected] == [("part2.pdf", FlagCode.TOO_MANY_PAGES)]
    assert str(MAX_REQUEST_PAGES) in report.rejected[0].flags[0].message


def test_the_pixel_cap_is_exact_and_read_from_the_header(tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "MAX_PIXELS", 1000)
    at_cap, below = mf.png(tmp_path / "cap.png", (40, 25)), mf.png(tmp_path / "below.png", (40, 24))
    report = check_uploads([at_cap, below])
    assert [u.file for u in report.accepted] == ["below.png"]
    (flag,) = report.rejected[0].flags
    assert flag.code is FlagCode.FILE_TOO_LARGE and flag.details == {"cause": "pixels", "pixels": "1000"}
    assert "megapixels" in (flag.message_en or "")


def test_an_image_header_far_over_the_cap_is_refused_without_decoding(tmp_path):
    (rejected,) = check_uploads([hostile.png_header_100k(tmp_path / "claims.png")]).rejected
    assert rejected.flags[0].code is FlagCode.FILE_TOO_LARGE and rejected.flags[0].details["cause"] == "pixels"


def test_a_zero_size_image_is_unreadable(tmp_path):
    (rejected,) = check_uploads([hostile.png_zero_size(tmp_path / "zero.png")]).rejected
    assert rejected.flags[0].code is FlagCode.UNREADABLE_FILE


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", (MediaType.PDF, "application/pdf")),
        (b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n", (MediaType.PDF, "application/pdf")),  # junk, then the header
        (b"PK\x03\x04\x14\x00\x00\x00\x00\x00" + b"a.pdf%PDF-1.4", (None, "application/zip")),
        (b"\x1f\x8b\x08\x00\x00\x00%PDF-1.4", (None, "application/gzip")),
        (b"MZ\x90\x00%PDF-1.4", (None, "application/x-msdownload")),
        (b"\x7fELF\x02\x01%PDF-1.4", (None, "application/x-executable")),
        (b"Rar!\x1a\x07\x00%PDF-1.4", (None, "application/vnd.rar")),
        (b"7z\xbc\xaf\x27\x1c%PDF-1.4", (None, "application/x-7z-compressed")),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00%PDF-1.4", (MediaType.JPEG, "image/jpeg")),  # a JPEG first stays a JPEG
        (b"\x89PNG\r\n\x1a\n%PDF-1.4", (MediaType.PNG, "image/png")),
        (b"070701000000010000816d" + b"0" * 88 + b"releve.pdf\x00\x00%PDF-1.4", (None, "application/x-cpio")),  # issue 22
        (b"\xc7\x71\x00\x01" + b"\x00" * 22 + b"a.pdf\x00%PDF-1.4", (None, "application/x-cpio")),
        (b"\x00\x00\x00\x10unknown-archive\x00%PDF-1.4", (None, "application/octet-stream")),  # binary junk first
    ],
)
def test_a_file_is_the_type_its_first_bytes_say(head, expected):
    assert sniff_media_type(head) == expected


def test_a_zip_holding_a_pdf_is_refused(tmp_path):
    (rejected,) = check_uploads([hostile.zip_holding_pdf(tmp_path / "archive.pdf")]).rejected
    assert rejected.flags[0].code is FlagCode.UNSUPPORTED_FORMAT and rejected.detected_type == "application/zip"


def test_active_content_is_noted_on_the_accepted_upload(tmp_path):
    report = check_uploads(
        [hostile.active(hostile._add_open_js)(tmp_path / "js.pdf"), mf.text_pdf(tmp_path / "plain.pdf", ["Facture"])]
    )
    scripted, plain = report.accepted
    (flag,) = scripted.flags
    assert flag.code is FlagCode.ACTIVE_CONTENT and flag.severity.value == "info"
    assert flag.details == {"kinds": "JavaScript,OpenAction"} and "JavaScript, OpenAction" in flag.message
    assert plain.flags == ()
