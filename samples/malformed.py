"""Real malformed (and a few valid) files for the upload-rule tests, made on the fly."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pikepdf
from PIL import Image
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas


def text_pdf(path: Path, lines: list[str], pagesize=A4) -> Path:
    """A real PDF with a text layer, one page."""
    pdf = canvas.Canvas(str(path), pagesize=pagesize)
    y = pagesize[1] - 72
    for text in lines:
        pdf.drawString(72, y, text)
        y -= 18
    pdf.save()
    return path


def png(path: Path, size=(200, 283)) -> Path:
    Image.new("L", size, 255).save(path, format="PNG")
    return path


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def truncated_pdf(path: Path) -> Path:
    source = text_pdf(path.with_suffix(".full.pdf"), ["Facture 12/10/2021", "Total 45,30 EUR"] * 20)
    data = source.read_bytes()
    source.unlink()
    path.write_bytes(data[: len(data) // 2])
    return path


def truncated_jpeg(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.effect_noise((600, 800), 60).convert("RGB").save(buffer, format="JPEG", quality=90)
    data = buffer.getvalue()
    path.write_bytes(data[: len(data) // 3])
    return path


def garbage_jpeg(path: Path) -> Path:
    path.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(4000))
    return path


def gif(path: Path) -> Path:
    Image.new("P", (50, 50)).save(path, format="GIF")
    return path


def text_named_pdf(path: Path) -> Path:
    path.write_text("Ceci n'est pas un PDF.\n", encoding="utf-8")
    return path


def encrypted_pdf(path: Path, owner_only: bool = False) -> Path:
    plain = text_pdf(path.with_suffix(".plain.pdf"), ["Facture 12/10/2021", "Total 45,30 EUR"])
    with pikepdf.open(plain) as pdf:
        user = "" if owner_only else "secret"
        pdf.save(path, encryption=pikepdf.Encryption(owner="owner-secret", user=user))
    plain.unlink()
    return path


def oversized_jpeg(path: Path) -> Path:
    Image.effect_noise((2600, 3600), 120).convert("RGB").save(path, format="JPEG", quality=100)
    assert path.stat().st_size > 3 * 1024 * 1024
    return path


def landscape_pdf(path: Path) -> Path:
    return text_pdf(path, ["Facture du 12/10/2021", "Total TTC 45,30 EUR"], pagesize=landscape(A4))
