"""Properties of the upload rules (hypothesis) over generated small files - random bytes, and tiny
valid PNG / JPEG / PDF (Pillow, reportlab) truncated, with bytes flipped or junk put before them:
check_uploads never raises, every file is reported exactly once (accepted or rejected, in input order,
with its index and name), a rejected file carries at least one flag with an upload code, and an
accepted file's media type is what its first bytes say."""

from __future__ import annotations

import io
import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image
from reportlab.pdfgen import canvas

from models import FlagCode, MediaType
from validators.upload import MAX_FILES, check_uploads

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
UPLOAD_CODES = {
    FlagCode.TOO_MANY_FILES,
    FlagCode.FILE_TOO_LARGE,
    FlagCode.EMPTY_FILE,
    FlagCode.UNSUPPORTED_FORMAT,
    FlagCode.UNREADABLE_FILE,
    FlagCode.ENCRYPTED_PDF,
}
MAGIC = {
    MediaType.PNG: lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    MediaType.JPEG: lambda head: head.startswith(b"\xff\xd8\xff"),
    MediaType.PDF: lambda head: b"%PDF-" in head[:1024],
}


@cache
def tiny(kind: str) -> bytes:
    """A small valid file of that kind."""
    out = io.BytesIO()
    if kind == "pdf":
        page = canvas.Canvas(out, pagesize=(200, 200))
        page.drawString(20, 100, "Facture 12/10/2026 Total 45,30 EUR")
        page.showPage()
        page.save()
    else:
        Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG" if kind == "png" else "JPEG", quality=80)
    return out.getvalue()


@st.composite
def file_bytes(draw) -> bytes:
    if draw(st.integers(0, 3)) == 0:
        return draw(st.binary(max_size=300))
    data = bytearray(tiny(draw(st.sampled_from(["png", "jpeg", "pdf"]))))
    for _ in range(draw(st.integers(0, 3))):
        mutation = draw(st.sampled_from(["truncate", "flip", "prefix", "none"]))
        if mutation == "truncate" and data:
            del data[draw(st.integers(0, len(data) - 1)) :]
        elif mutation == "flip" and data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        elif mutation == "prefix":
            data[:0] = draw(st.binary(min_size=1, max_size=40))
    return bytes(data)


names = st.one_of(
    st.sampled_from(["facture.pdf", "scan.jpg", "photo.png", "notes.txt", "x", "a b.PDF", "reçu.jpeg"]),
    st.text(
        st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"], exclude_characters="/\\"), min_size=1, max_size=12
    ).filter(lambda n: n not in (".", "..")),
)


def check_report(files: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, (name, data) in enumerate(files):
            path = Path(folder) / str(i) / name
            path.parent.mkdir()
            path.write_bytes(data)
            paths.append(path)
        report = check_uploads(paths)  # never raises
        accepted, rejected = list(report.accepted), list(report.rejected)
        assert sorted([u.index for u in accepted] + [r.index for r in rejected]) == list(range(len(files)))
        assert [u.index for u in accepted] == sorted(u.index for u in accepted)
        assert [r.index for r in rejected] == sorted(r.index for r in rejected)
        for upload in accepted:
            name, data = files[upload.index]
            assert upload.file == name and upload.size == len(data) and upload.index < MAX_FILES
            assert MAGIC[upload.media_type](data[:1024]), (upload.media_type, data[:16])
        for refused in rejected:
            name, data = files[refused.index]
            assert refused.file == name and refused.flags
            assert any(flag.code in UPLOAD_CODES for flag in refused.flags)
            if refused.index >= MAX_FILES:
                assert FlagCode.TOO_MANY_FILES in {flag.code for flag in refused.flags}


@SETTINGS
@given(st.lists(st.tuples(names, file_bytes()), max_size=4))
@example([("empty.pdf", b"")])
@example([("head.pdf", b"%PDF-")])
@example([("junk.png", b"\x89PNG\r\n\x1a\n")])
@example([("soi.jpg", b"\xff\xd8\xff")])
def test_every_file_is_reported_once_in_order_with_a_known_code(files):
    check_report(files)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(names, file_bytes()), min_size=MAX_FILES - 1, max_size=MAX_FILES + 3))
def test_files_beyond_the_limit_are_refused_and_still_reported(files):
    check_report(files)


@SETTINGS
@given(st.sampled_from(["png", "jpeg", "pdf"]), st.binary(min_size=1, max_size=40))
def test_junk_before_a_valid_file(kind, prefix):
    """A valid file behind junk: rejected, or accepted as what its first bytes say."""
    check_report([("file." + kind, prefix + tiny(kind))])


def test_valid_tiny_files_are_accepted():
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for kind in ("png", "jpeg", "pdf"):
            path = Path(folder) / f"ok.{kind}"
            path.write_bytes(tiny(kind))
            paths.append(path)
        report = check_uploads(paths)
    assert [u.media_type for u in report.accepted] == [MediaType.PNG, MediaType.JPEG, MediaType.PDF] and not report.rejected
