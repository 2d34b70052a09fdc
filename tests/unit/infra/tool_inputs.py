"""Tiny inputs for the tool adapters' tests: a page image of printed text (Pillow) and PDFs of it
(reportlab for a text layer, img2pdf for a scan)."""

from __future__ import annotations

from pathlib import Path

import img2pdf
from PIL import Image, ImageDraw, ImageFont

from samples.generator import malformed

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
