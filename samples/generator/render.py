"""Output: draw a paginated document with reportlab, rasterise it with poppler, encode rasters within
the 3 MB limit, and wrap rasters into image-only PDFs (img2pdf, no text layer).

PDFs are drawn with `invariant=1`, and image PDFs with img2pdf's internal engine and `nodate=True`
(its pikepdf engine adds a random /ID), so that the same seed gives byte-identical files.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import cv2
import img2pdf
import numpy as np
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from samples.generator.layout import Doc, Row, Style, paginate

MAX_BYTES = 3 * 1024 * 1024
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "condensed": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
    "mono": ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
}
for _family, (_regular, _bold) in FONT_FILES.items():
    pdfmetrics.registerFont(TTFont(_family, str(FONT_DIR / _regular)))
    pdfmetrics.registerFont(TTFont(f"{_family}-bold", str(FONT_DIR / _bold)))

Page = tuple[Style, list[Row], list[Row]]


def sheet(orientation: str) -> tuple[float, float]:
    return landscape(A4) if orientation == "landscape" else A4


def row_height(row: Row, style: Style) -> float:
    size = row.size or style.size
    if row.kind == "rule":
        return 8.0
    if row.kind == "gap":
        return size * 0.7
    return size * style.leading + (4 if row.kind == "box" else 0)


def fits(page: Page, pagesize: tuple[float, float]) -> bool:
    style, top, bottom = page
    used = sum(row_height(r, style) for r in top + bottom)
    return used <= pagesize[1] - 2 * style.margin - 10


def shrink(doc: Doc, pagesize: tuple[float, float]) -> None:
    """Make a one-page document fit its sheet (landscape sheets are short) by tightening its style."""
    while not fits((doc.style, *paginate(doc, 1)[0]), pagesize) and doc.style.size > 6:
        doc.style = replace(
            doc.style,
            size=doc.style.size * 0.9,
            leading=max(1.2, doc.style.leading * 0.93),
            margin=max(24.0, doc.style.margin * 0.85),
        )


def layout_pages(doc: Doc, wanted: int, pagesize: tuple[float, float]) -> list[Page]:
    """The document's pages (then its attachments'): one page is shrunk to fit, several pages grow until each fits."""
    if wanted == 1:
        shrink(doc, pagesize)
    count = wanted
    while True:
        pages = [(doc.style, top, bottom) for top, bottom in paginate(doc, count)]
        if all(fits(p, pagesize) for p in pages) or count >= len(doc.body):
            break
        count += 1
    for attachment in doc.attachments:
        pages += layout_pages(attachment, 1, pagesize)
    return pages


def content_box(style: Style, pagesize: tuple[float, float]) -> tuple[float, float]:
    if style.strip_width:
        return (pagesize[0] - style.strip_width) / 2, style.strip_width
    return style.margin, pagesize[0] - 2 * style.margin


def draw_row(pdf: canvas.Canvas, row: Row, style: Style, x0: float, width: float, y: float) -> float:
    """Draw one row whose top is at `y`; return the next row's top."""
    size = row.size or style.size
    if row.kind == "gap":
        return y - row_height(row, style)
    if row.kind == "rule":
        pdf.setLineWidth(0.6)
        pdf.line(x0, y - 4, x0 + width, y - 4)
        return y - 8
    baseline = y - size
    if row.kind == "box":
        pdf.setLineWidth(0.8)
        pdf.rect(x0 - 3, baseline - size * 0.4, width + 6, size * 1.5)
    pdf.setFont(f"{row.family or style.family}{'-bold' if row.bold else ''}", size)
    for cell in row.cells:
        x = x0 + cell.x * width
        {"l": pdf.drawString, "r": pdf.drawRightString, "c": pdf.drawCentredString}[cell.align](x, baseline, cell.text)
    return y - row_height(row, style)


def draw_page(pdf: canvas.Canvas, page: Page, pagesize: tuple[float, float]) -> None:
    style, top, bottom = page
    x0, width = content_box(style, pagesize)
    y = pagesize[1] - style.margin
    for row in top:
        y = draw_row(pdf, row, style, x0, width, y)
    if style.frame:
        pdf.setStrokeGray(0.6)
        pdf.roundRect(x0 - 12, y - 20, width + 24, pagesize[1] - style.margin - y + 32, 4)
        pdf.setStrokeGray(0)
    y = style.margin + sum(row_height(r, style) for r in bottom)
    for row in bottom:
        y = draw_row(pdf, row, style, x0, width, y)


def draw_pdf(pages: list[Page], path: Path, pagesize: tuple[float, float]) -> Path:
    """A text-layer PDF, deterministic (`invariant`)."""
    pdf = canvas.Canvas(str(path), pagesize=pagesize, invariant=1, pageCompression=1)
    pdf.setTitle("")
    for page in pages:
        draw_page(pdf, page, pagesize)
        pdf.showPage()
    pdf.save()
    return path


def rasterise(pdf: Path, dpi: int) -> list[np.ndarray]:
    """Grayscale rasters of every page (pdftoppm)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), f"{tmp}/p"], check=True)
        return [cv2.imread(str(p), cv2.IMREAD_UNCHANGED) for p in sorted(Path(tmp).glob("p*.pgm"))]


def encode(image: np.ndarray, kind: str, quality: int = 85) -> bytes:
    """JPEG or PNG bytes of an image (grayscale or BGR)."""
    if kind == "png":
        ok, data = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    else:
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError(f"cannot encode {kind}")
    return data.tobytes()


def encode_within(image: np.ndarray, kind: str, quality: int = 85, limit: int = MAX_BYTES) -> bytes:
    """Encode, lowering the JPEG quality then the resolution until the bytes fit `limit` (keeps the aspect)."""
    while True:
        for q in [quality] if kind == "png" else [quality, 70, 55]:
            data = encode(image, kind, q)
            if len(data) <= limit:
                return data
        image = cv2.resize(image, None, fx=0.85, fy=0.85, interpolation=cv2.INTER_AREA)


def a4_layout(width_px: int, height_px: int, _dpi) -> tuple[float, float, float, float]:
    """img2pdf layout: an A4 sheet in the raster's orientation, the raster fitted (and centred) in it."""
    page_w, page_h = A4 if height_px >= width_px else landscape(A4)
    scale = min(page_w / width_px, page_h / height_px)
    return page_w, page_h, width_px * scale, height_px * scale


def image_pdf(images: list[np.ndarray], path: Path, quality: int = 75, limit: int = MAX_BYTES) -> Path:
    """An image-only PDF (no text layer): one JPEG per A4 page."""
    per_page = limit // max(1, len(images)) - 4096
    blobs = [encode_within(image, "jpg", quality, per_page) for image in images]
    path.write_bytes(img2pdf.convert(blobs, layout_fun=a4_layout, nodate=True, engine=img2pdf.Engine.internal))
    return path
