"""Bad (and a few good) files for the upload-rule tests, each made on the fly in a given path.

Every function takes the target path and returns it. Bytes are deterministic except for the encrypted
PDFs (PDF encryption salts are random by design).
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

MAX_BYTES = 3 * 1024 * 1024
INVOICE_LINES = ["PHARMACIE DES TILLEULS", "Facture du 12/10/2021", "Doliprane 1000 mg   2,18 EUR", "Total TTC 45,30 EUR"]


def text_pdf(path: Path, lines: list[str], pagesize=A4) -> Path:
    """A real one-page PDF with a text layer."""
    pdf = canvas.Canvas(str(path), pagesize=pagesize, invariant=1)
    y = pagesize[1] - 72
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 18
    pdf.save()
    return path


def png(path: Path, size: tuple[int, int] = (200, 283)) -> Path:
    """A valid tiny white PNG (A4 portrait aspect)."""
    Image.new("L", size, 255).save(path, format="PNG")
    return path


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def truncated_pdf(path: Path) -> Path:
    """A real PDF cut in half (at the latest before its catalog): no catalog, no xref table, no trailer, no %%EOF,
    so that even a repairing reader (qpdf/pikepdf) cannot rebuild it."""
    full = path.with_name(path.stem + ".full.pdf")
    data = text_pdf(full, INVOICE_LINES * 12).read_bytes()
    full.unlink()
    catalog = data.rfind(b"obj", 0, data.index(b"/Type /Catalog"))
    path.write_bytes(data[: min(len(data) // 2, data.rfind(b"\n", 0, catalog))])
    return path


def truncated_jpeg(path: Path) -> Path:
    """A real JPEG cut after a third of its bytes (no end-of-image marker)."""
    buffer = io.BytesIO()
    noise = np.random.default_rng(1).integers(0, 256, (800, 600), dtype=np.uint8)
    Image.fromarray(noise).save(buffer, format="JPEG", quality=90)
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 3])
    return path


def garbage_jpeg(path: Path, size: int = 4000) -> Path:
    """JPEG magic bytes followed by garbage: sniffed as JPEG, undecodable."""
    path.write_bytes(b"\xff\xd8\xff\xe0" + random.Random(size).randbytes(size))
    return path


def undecodable_png(path: Path) -> Path:
    """PNG signature followed by garbage."""
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(2000))
    return path


def gif(path: Path) -> Path:
    """A real GIF (an unsupported format), A4 portrait aspect, with a little text-like drawing."""
    image = Image.new("P", (210, 297), 0)
    image.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    for y in range(40, 200, 12):
        image.paste(1, (20, y, 150, y + 4))
    image.save(path, format="GIF")
    return path


def text_named_pdf(path: Path) -> Path:
    """Plain text under a .pdf name."""
    path.write_text("Ceci n'est pas un PDF.\nFacture du 12/10/2021 - Total 45,30 EUR\n", encoding="utf-8")
    return path


def encrypted_pdf(path: Path, owner_only: bool = False) -> Path:
    """A PDF encrypted with a user password ('secret'), or with an owner password only when `owner_only`."""
    plain = text_pdf(path.with_name(path.stem + ".plain.pdf"), INVOICE_LINES)
    with pikepdf.open(plain) as pdf:
        permissions = pikepdf.Permissions(extract=False, modify_other=False) if owner_only else pikepdf.Permissions()
        pdf.save(
            path, encryption=pikepdf.Encryption(owner="owner-secret", user="" if owner_only else "secret", allow=permissions)
        )
    plain.unlink()
    return path


def owner_password_pdf(path: Path) -> Path:
    """Opens without a password; only restrictions (no copy, no modify) are set."""
    return encrypted_pdf(path, owner_only=True)


def oversized_jpeg(path: Path) -> Path:
    """A valid JPEG over 3 MB: random noise at high resolution, quality 100."""
    noise = np.random.default_rng(3).integers(0, 256, (2000, 1414), dtype=np.uint8)
    Image.fromarray(noise).save(path, format="JPEG", quality=100)
    assert path.stat().st_size > MAX_BYTES
    return path


def landscape_pdf(path: Path) -> Path:
    """A valid A4 landscape page whose text is upright."""
    return text_pdf(path, INVOICE_LINES, pagesize=landscape(A4))


ALL = {
    "empty.pdf": empty,
    "truncated.pdf": truncated_pdf,
    "truncated.jpg": truncated_jpeg,
    "garbage.jpg": garbage_jpeg,
    "garbage.png": undecodable_png,
    "scan.gif": gif,
    "text.pdf": text_named_pdf,
    "locked.pdf": encrypted_pdf,
    "restricted.pdf": owner_password_pdf,
    "huge.jpg": oversized_jpeg,
    "landscape.pdf": landscape_pdf,
    "tiny.png": png,
}


def write_all(folder: Path) -> dict[str, Path]:
    """Every file of `ALL` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    return {name: make(folder / name) for name, make in ALL.items()}
