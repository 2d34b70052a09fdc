"""Tiny inputs for the tool adapters' tests: a page image of printed text (Pillow) and PDFs of it
(reportlab for a text layer, img2pdf for a scan), a PDF of one image stream written by hand (its
dictionary saying what the test wants), and a PATH without jbig2dec."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import img2pdf
from PIL import Image, ImageDraw, ImageFont

from samples.generator import hostile, malformed

LINES = ["FACTURE PHARMACIE", "Date 12/10/2021", "Total TTC 45,30 EUR", "Merci de votre visite"]


def text_image(path: Path, turn: int = 0) -> Path:
    """A white 1240 x 1754 (A4 at 150 dpi) grayscale page with LINES printed large, turned `turn` degrees
    counter-clockwise; saved as PNG at 150 dpi."""
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=56)
    for row in range(12):
        draw.text((90, 120 + row * 120), LINES[row % len(LINES)], fill=0, font=font)
    page.rotate(turn, expand=True).save(path, dpi=(150, 150))
    return path


def text_pdf(path: Path) -> Path:
    """A one-page A4 PDF with a text layer holding LINES."""
    return malformed.text_pdf(path, LINES)


def scan_pdf(path: Path, image: Path) -> Path:
    """A one-page PDF that is `image` alone, filling the page (as a scanner makes it)."""
    path.write_bytes(img2pdf.convert(str(image)))
    return path


def jpeg_bytes(size: tuple[int, int], progressive: bool = False) -> bytes:
    """A white grayscale JPEG of `size`."""
    buffer = io.BytesIO()
    Image.new("L", size, 255).save(buffer, format="JPEG", progressive=progressive)
    return buffer.getvalue()


def jpx_bytes(size: tuple[int, int]) -> bytes:
    """A white grayscale JPEG 2000 codestream of `size`."""
    buffer = io.BytesIO()
    Image.new("L", size, 255).save(buffer, format="JPEG2000")
    return buffer.getvalue()


def image_pdf(path: Path, dictionary: bytes, data: bytes) -> str:
    """A one-page A4 PDF drawing one grayscale image XObject full page: `dictionary` (its /Width,
    /Height, /BitsPerComponent, /Filter) over `data`, as given."""
    image = hostile.stream(b"/Type /XObject /Subtype /Image /ColorSpace /DeviceGray " + dictionary, data)
    return str(hostile.image_pages_pdf(path, image, 1, (595, 842)))


def path_without_jbig2dec(tmp_path: Path) -> str:
    """A PATH holding poppler's and Tesseract's programs, not jbig2dec (as on a machine without it)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for program in ("pdftotext", "pdftoppm", "pdfinfo", "tesseract"):
        found = shutil.which(program)
        if found:
            (folder / program).symlink_to(found)
    return str(folder)
