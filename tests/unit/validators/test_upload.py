"""Every upload rule, each with a real malformed file; the other files of the request still pass."""

from __future__ import annotations

import pytest

from models import FlagCode, MediaType
from samples.generator import malformed as mf
from validators.upload import MAX_FILES, check_uploads


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
