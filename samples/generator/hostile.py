"""Hostile files: resource bombs, lying headers, polyglots, active content, odd encodings and names.

Each case is made on the fly (nothing binary is committed), small on disk: the bombs are highly
compressible streams written row by row, never held whole in memory. `CASES` maps a case name to its
maker and the outcome the intake must give it; `write_all(folder)` writes every case and returns
{case name: path}. Run as `python -m samples.generator.hostile OUT_DIR` to write them by hand.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image, ImageDraw, ImageFont

from intake.budget import FILE_SECONDS
from samples.generator import malformed as mf
from samples.generator.jbig2 import jbig2_page

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = [
    "PHARMACIE DES TILLEULS",
    "FACTURE N 2021-0458",
    "Date : 12/10/2021",
    "Doliprane 1000 mg  2,18 EUR",
    "Amoxicilline 1 g  8,42 EUR",
    "Total TTC 10,60 EUR",
]


@dataclass(frozen=True)
class Expect:
    """The outcome a case must get: a rejected file with `rejected` as its flag code, or (rejected None)
    accepted, its documents carrying every flag of `flags` and none of `absent`, as `media_type`."""

    rejected: str | None = None
    flags: frozenset[str] = frozenset()
    absent: frozenset[str] = frozenset()
    media_type: str | None = None
    pages: int = 1  # pages the case reads (the time budget is 60 s per page)
    seconds: float | None = None  # the time budget when it is not 60 s per page (a case bounded by a file budget)
    causes: frozenset[str] = frozenset()  # `details.cause` values its flags must show (e.g. file_timeout)


def accepted(
    *flags: str,
    absent: Iterable[str] = (),
    media_type: str | None = None,
    pages: int = 1,
    seconds: float | None = None,
    causes: Iterable[str] = (),
) -> Expect:
    return Expect(None, frozenset(flags), frozenset(absent), media_type, pages, seconds, frozenset(causes))


def refused(code: str) -> Expect:
    return Expect(rejected=code)


READABLE = ("illegible", "no_text", "unreadable_file", "ocr_failed")  # what a legible page must not get


# --- building blocks ---------------------------------------------------------------------------


@cache
def text_mask(width: int = 850, height: int = 1200, size: int = 34) -> np.ndarray:
    """Ink (255) where text is, 0 elsewhere: a short invoice, large print."""
    image = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, size)
    for n, line in enumerate(LINES):
        draw.text((60, 80 + n * size * 2), line, fill=255, font=font)
    return np.asarray(image)


def text_page() -> Image.Image:
    """Black text on white, grayscale, ~100 dpi on an A4 sheet."""
    return Image.fromarray(255 - text_mask())


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_stream(path: Path, width: int, height: int, rows: Iterable[bytes], color_type: int = 0, depth: int = 8) -> Path:
    """A PNG written row by row (filter byte 0 added), compressed as it goes: never the image in memory."""
    packer = zlib.compressobj(9)
    with path.open("wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)))
        for row in rows:
            data = packer.compress(b"\x00" + row)
            if data:
                out.write(_chunk(b"IDAT", data))
        out.write(_chunk(b"IDAT", packer.flush()) + _chunk(b"IEND", b""))
    return path


def white_rows(width: int, height: int) -> Iterator[bytes]:
    """Rows of a white page with a few black bars (something to decode, compresses ~1000:1)."""
    white = b"\xff" * width
    bar = b"\xff" * (width // 10) + b"\x00" * (width - 2 * (width // 10)) + b"\xff" * (width // 10)
    for y in range(height):
        yield bar if (y // 50) % 40 == 1 else white


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from object bodies (object n is objects[n-1]; object 1 is the catalog), with its xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def deflate(chunks: Iterable[bytes]) -> bytes:
    packer = zlib.compressobj(9)
    return b"".join(packer.compress(c) for c in chunks) + packer.flush()


def image_pages_pdf(path: Path, image: bytes, pages: int, box: tuple[float, float]) -> Path:
    """`pages` pages of size `box` (points), each drawing the one image XObject (object 3) full page."""
    width, height = box
    content = b"q %g 0 0 %g 0 0 cm /Im0 Do Q" % (width, height)
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        image,
        stream(b"", content),
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /XObject << /Im0 3 0 R >> >> "
        b"/Contents 4 0 R >>" % (width, height)
    ] * pages
    path.write_bytes(raw_pdf(objects))
    return path


def gray_image_object(width: int, height: int, rows: Iterable[bytes]) -> bytes:
    return stream(
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode" % (width, height),
        deflate(rows),
    )


def scaled_text_rows(side: int) -> Iterator[bytes]:
    """A `side` x `side` page of large text: the text mask scaled up by whole factors, row by row."""
    small = 255 - text_mask(1000, 1000, 40)
    factor = side // 1000
    for row in small:
        big = np.repeat(row, factor).tobytes()
        yield from (big for _ in range(factor))


# --- the cases -----------------------------------------------------------------------------------


def scan_20k(path: Path, pages: int = 1) -> Path:
    """One 20000 x 20000 8-bit grayscale scan (~400 MB decoded) on a 20 cm square page: a 390 KB file."""
    return image_pages_pdf(path, gray_image_object(20000, 20000, scaled_text_rows(20000)), pages, (567, 567))


def scan_20k_four_pages(path: Path) -> Path:
    return scan_20k(path, pages=4)


def blank_pages(path: Path, count: int = 5000) -> Path:
    """`count` blank A4 pages (~10 bytes each once compressed by object streams)."""
    with pikepdf.new() as pdf:
        for _ in range(count):
            pdf.add_blank_page(page_size=(595, 842))
        pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    return path


def pages_51(path: Path) -> Path:
    return blank_pages(path, 51)


def drawing_ops(path: Path, count: int = 60_000_000) -> Path:
    """One A4 page of `count` tiny filled rectangles: a 1 MB file that takes minutes to render."""
    op = b"10 10 0.5 0.5 re f\n"
    content = deflate(op * 1_000_000 for _ in range(count // 1_000_000))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        stream(b"/Filter /FlateDecode", content),
    ]
    path.write_bytes(raw_pdf(objects))
    return path


def png_149mp(path: Path) -> Path:
    side = 12207  # 149,010,849 pixels: 1.7 GB in Pillow's RGBA path, accepted below twice its limit
    return png_stream(path, side, side, white_rows(side, side))


def png_80mp_exact(path: Path) -> Path:
    return png_stream(path, 8000, 10000, white_rows(8000, 10000))  # exactly the cap: refused


def png_header_100k(path: Path) -> Path:
    """A PNG whose header claims 100000 x 100000 and whose data stops after a few rows."""
    rows = [b"\xff" * 100000 for _ in range(4)]
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0))
    path.write_bytes(data + _chunk(b"IDAT", zlib.compress(b"".join(b"\x00" + r for r in rows))) + _chunk(b"IEND", b""))
    return path


def png_zero_size(path: Path) -> Path:
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 0, 8, 0, 0, 0, 0))
    path.write_bytes(data + _chunk(b"IDAT", zlib.compress(b"")) + _chunk(b"IEND", b""))
    return path


def _jpeg_bytes(image: Image.Image, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _with_sof_size(jpeg: bytes, width: int, height: int) -> bytes:
    """The JPEG with its frame header (SOF0) claiming another size."""
    sof = jpeg.index(b"\xff\xc0")
    return jpeg[: sof + 5] + struct.pack(">HH", height, width) + jpeg[sof + 9 :]


def jpeg_header_65k(path: Path) -> Path:
    path.write_bytes(_with_sof_size(_jpeg_bytes(text_page()), 65000, 65000))
    return path


def jpeg_zero_size(path: Path) -> Path:
    path.write_bytes(_with_sof_size(_jpeg_bytes(text_page()), 0, 0))
    return path


def drawn_page(path: Path, box: tuple[float, float]) -> Path:
    """One page of size `box` (points) holding only drawn bars (no text layer, no image): it must be rendered."""
    width, height = box
    bars = b"".join(
        b"0 g %g %g %g %g re f\n" % (width * 0.1, height * (0.9 - 0.05 * n), width * 0.6, height * 0.02) for n in range(12)
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents 4 0 R >>" % (width, height),
        stream(b"", bars),
    ]
    path.write_bytes(raw_pdf(objects))
    return path


def huge_mediabox(path: Path) -> Path:
    """A drawn page whose MediaBox is 100000 points square (poppler gives up and returns 1 x 1 pixel)."""
    return drawn_page(path, (100000, 100000))


def tiny_mediabox(path: Path) -> Path:
    """A drawn page 1 point square: a handful of pixels at 300 dpi, nothing to read."""
    return drawn_page(path, (1, 1))


def lying_image_dictionary(path: Path) -> Path:
    """An image XObject whose dictionary claims 60000 x 60000 pixels over a few KB of data."""
    image = stream(
        b"/Type /XObject /Subtype /Image /Width 60000 /Height 60000 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode",
        deflate([b"\xff" * 60000 * 20]),
    )
    return image_pages_pdf(path, image, 1, (595, 842))


@cache
def _big_jpeg(side: int, progressive: bool) -> bytes:
    """A `side` x `side` colour JPEG of large text (~2.7 MB at 12000: JPEG's blocks, not its pixels, cost bytes)."""
    page = Image.fromarray(255 - text_mask(1000, 1000, 40)).resize((side, side), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    page.convert("RGB").save(buffer, format="JPEG", quality=50, progressive=progressive)
    return buffer.getvalue()


def _jpeg_object(data: bytes, width: int, height: int) -> bytes:
    return stream(
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 "
        b"/Filter /DCTDecode" % (width, height),
        data,
    )


def lying_jpeg(path: Path, pages: int = 1) -> Path:
    """A 12000 x 12000 colour JPEG (432 MB decoded) whose dictionary says 1000 x 1000, full page on a 20 cm
    square: 2.7 MB. Trusting the dictionary, it was decoded whole: 1.26 GiB for one page."""
    return image_pages_pdf(path, _jpeg_object(_big_jpeg(12000, False), 1000, 1000), pages, (567, 567))


def lying_jpeg_four_pages(path: Path) -> Path:
    return lying_jpeg(path, pages=4)


def progressive_jpeg(path: Path) -> Path:
    """A 12600 x 12600 progressive colour JPEG, honestly declared (1.4 MB): rendering it, poppler's libjpeg
    holds every coefficient of it (~0.5 GB) before drawing a row."""
    return image_pages_pdf(path, _jpeg_object(_big_jpeg(12600, True), 12600, 12600), 1, (567, 567))


def jpx_8000(path: Path) -> Path:
    """An 8000 x 8000 grayscale JPEG 2000 image (0.8 MB): openjpeg decodes it whole, 4 bytes a pixel."""
    page = Image.fromarray(255 - text_mask(1000, 1000, 40)).resize((8000, 8000), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    page.save(buffer, format="JPEG2000", quality_mode="rates", quality_layers=[80], irreversible=True)
    image = stream(
        b"/Type /XObject /Subtype /Image /Width 8000 /Height 8000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /JPXDecode",
        buffer.getvalue(),
    )
    return image_pages_pdf(path, image, 1, (567, 567))


def jbig2_scan(path: Path) -> Path:
    """An office scanner's PDF: an A4 page of text at 150 dpi as a 1-bit JBIG2 image (generic region,
    arithmetic coding): it needs jbig2dec to be decoded, poppler renders it without."""
    ink = text_mask(1240, 1754, 40) > 127
    image = stream(
        b"/Type /XObject /Subtype /Image /Width 1240 /Height 1754 /ColorSpace /DeviceGray /BitsPerComponent 1 "
        b"/Filter /JBIG2Decode",
        jbig2_page(ink),
    )
    return image_pages_pdf(path, image, 1, (1240 * 72 / 150, 1754 * 72 / 150))


def shared_content(path: Path, pages: int = 50, count: int = 8_000_000) -> Path:
    """`pages` A4 pages drawing one shared content stream of `count` tiny rectangles (370 KB): each page
    takes seconds to extract and render, under every per-page limit; together, minutes."""
    op = b"10 10 0.5 0.5 re f\n"
    content = deflate(op * 1_000_000 for _ in range(count // 1_000_000))
    kids = b" ".join(b"%d 0 R" % (4 + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        stream(b"/Filter /FlateDecode", content),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    path.write_bytes(raw_pdf(objects))
    return path


def shading_pages(path: Path, pages: int = 4, steps: int = 25) -> Path:
    """`pages` A4 pages each filled by one function-based shading whose PostScript function takes
    `steps` x 6 operations per pixel (3 KB): poppler evaluates it for every pixel, ~10-15 s a page."""
    body = b"{ " + b"2 copy mul 0.5 add sin 0.001 mul add exch " * steps + b"pop }"
    kids = b" ".join(b"%d 0 R" % (6 + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /ShadingType 1 /ColorSpace /DeviceGray /Domain [0 1 0 1] /Matrix [595 0 0 842 0 0] /Function 4 0 R >>",
        stream(b"/FunctionType 4 /Domain [0 1 0 1] /Range [0 1]", body),
        stream(b"", b"/Sh0 sh"),
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Shading << /Sh0 3 0 R >> >> /Contents 5 0 R >>"
    ] * pages
    path.write_bytes(raw_pdf(objects))
    return path


def alpha_text_png(path: Path) -> Path:
    """Black text whose shape is only in the alpha channel: transparent background, black everywhere."""
    rgba = np.zeros((*text_mask().shape, 4), np.uint8)
    rgba[..., 3] = text_mask()
    Image.fromarray(rgba, "RGBA").save(path, dpi=(100, 100))
    return path


def la_text_png(path: Path) -> Path:
    la = np.zeros((*text_mask().shape, 2), np.uint8)
    la[..., 1] = text_mask()
    Image.fromarray(la, "LA").save(path, dpi=(100, 100))
    return path


def palette_transparent_png(path: Path) -> Path:
    """A palette PNG: index 0 black and transparent (the background), index 1 black (the text)."""
    image = Image.fromarray((text_mask() > 127).astype(np.uint8), "P")
    image.putpalette([0, 0, 0, 0, 0, 0] + [0] * 762)
    image.save(path, transparency=0, dpi=(100, 100))
    return path


def png_16bit(path: Path) -> Path:
    Image.fromarray(np.asarray(text_page()).astype(np.uint16) * 257).save(path, dpi=(100, 100))
    return path


def png_1bit(path: Path) -> Path:
    text_page().convert("1", dither=Image.Dither.NONE).save(path, dpi=(100, 100))
    return path


def cmyk_jpeg(path: Path) -> Path:
    text_page().convert("CMYK").save(path, format="JPEG", quality=90, dpi=(100, 100))
    return path


# what the stored pixels must undergo so that EXIF orientation n shows the upright page
_STORED = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def exif_orientation(n: int) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        turn = _STORED[n]
        stored = text_page() if turn is None else text_page().transpose(turn)
        exif = Image.Exif()
        exif[0x0112] = n
        stored.save(path, format="JPEG", quality=90, exif=exif, dpi=(100, 100))
        return path

    return make


def text_pdf(path: Path) -> Path:
    return mf.text_pdf(path, LINES)


def truncated(make: Callable[[Path], Path], fraction: float) -> Callable[[Path], Path]:
    def cut(path: Path) -> Path:
        data = make(path).read_bytes()
        path.write_bytes(data[: int(len(data) * fraction)])
        return path

    return cut


def without_eof(path: Path) -> Path:
    data = text_pdf(path).read_bytes()
    path.write_bytes(data[: data.rindex(b"%%EOF")])
    return path


def text_jpeg(path: Path) -> Path:
    text_page().save(path, format="JPEG", quality=90, dpi=(100, 100))
    return path


def text_png(path: Path) -> Path:
    text_page().save(path, format="PNG", dpi=(100, 100))
    return path


def _pdf_bytes(path: Path) -> bytes:
    scratch = path.with_name(path.name + ".tmp.pdf")
    data = text_pdf(scratch).read_bytes()
    scratch.unlink()
    return data


def zip_holding_pdf(path: Path) -> Path:
    """A ZIP whose first (stored) member is a PDF: `%PDF-` within its first 100 bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.pdf", _pdf_bytes(path))
    path.write_bytes(buffer.getvalue())
    return path


def prefixed_pdf(prefix: bytes) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        path.write_bytes(prefix + _pdf_bytes(path))
        return path

    return make


def pdf_then_zip(path: Path) -> Path:
    """A PDF with a ZIP archive appended (a PDF + ZIP polyglot: starts as a PDF)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("payload.txt", "x" * 5000)
    path.write_bytes(_pdf_bytes(path) + buffer.getvalue())
    return path


def jpeg_then_pdf(path: Path) -> Path:
    """A text JPEG with a whole PDF after its end-of-image marker."""
    path.write_bytes(_jpeg_bytes(text_page()) + _pdf_bytes(path))
    return path


def tiny_jpeg_then_pdf(path: Path) -> Path:
    """A JPEG so small that the PDF appended to it starts within the first 1024 bytes."""
    path.write_bytes(_jpeg_bytes(Image.new("L", (8, 8), 255), quality=10) + _pdf_bytes(path))
    return path


def active(change: Callable[[pikepdf.Pdf], None]) -> Callable[[Path], Path]:
    """A text PDF with `change` applied to it (active content added)."""

    def make(path: Path) -> Path:
        plain = text_pdf(path.with_name(path.name + ".plain.pdf"))
        with pikepdf.open(plain) as pdf:
            change(pdf)
            pdf.save(path)
        plain.unlink()
        return path

    return make


def _js_action(pdf: pikepdf.Pdf) -> pikepdf.Object:
    return pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hello');")))


def _add_js_names(pdf: pikepdf.Pdf) -> None:
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("init"), _js_action(pdf)]))
    )


def _add_open_js(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = _js_action(pdf)


def _add_launch(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))


def _add_page_aa(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=_js_action(pdf))


def _add_attachment(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ" + b"\x00" * 200)


def _add_rich_media(pdf: pikepdf.Pdf) -> None:
    annotation = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.RichMedia, Rect=pikepdf.Array([0, 0, 10, 10]))
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([annotation])


def _add_link_js(pdf: pikepdf.Pdf) -> None:
    """A link annotation whose action (a direct dictionary) runs JavaScript."""
    annotation = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=pikepdf.Array([0, 0, 10, 10]),
        A=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("this.print();")),
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(annotation)])


def _add_deep_js_chain(pdf: pikepdf.Pdf, links: int = 70) -> None:
    """A link whose action is a chain of `links` harmless actions (each the direct /Next of the one
    before), the last one running JavaScript: deeper than a walk bounded by nesting looks."""
    action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("this.print();"))
    for _ in range(links):
        action = pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.Array([0, pikepdf.Name.Fit]), Next=action)
    annotation = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=pikepdf.Array([0, 0, 10, 10]), A=action
    )
    pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(annotation)])


def _add_xfa(pdf: pikepdf.Pdf) -> None:
    """An XFA form (XML that may hold scripts a viewer runs) in the document's AcroForm."""
    xfa = pdf.make_stream(
        b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template><script>app.alert(1)</script></template></xdp:xdp>'
    )
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=xfa)


def cpio_holding_pdf(path: Path) -> Path:
    """A CPIO archive (newc) whose one entry is a PDF: the PDF header within the first KiB, behind the archive's."""
    data = _pdf_bytes(path)
    name = b"releve.pdf\x00"
    fields = [1, 0o100644, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name), 0]
    header = b"070701" + b"".join(f"{value:08X}".encode() for value in fields) + name
    header += b"\x00" * (-len(header) % 4)
    path.write_bytes(
        header
        + data
        + b"\x00" * (-len(data) % 4)
        + b"07070100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000B00000000TRAILER!!!\x00\x00\x00\x00"
    )
    return path


def _benign_open_action(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])  # a destination, not an action


def nested_page_tree(path: Path, depth: int = 300) -> Path:
    """One page at the bottom of a page tree `depth` levels deep."""
    page_no = depth + 2
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        parent = b" /Parent %d 0 R" % (level + 1) if level else b""
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (level + 3, parent))
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % (page_no - 1))
    path.write_bytes(raw_pdf(objects))
    return path


def nested_arrays(path: Path, depth: int = 20000) -> Path:
    """A page whose dictionary holds arrays nested `depth` deep."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Junk " + b"[" * depth + b"]" * depth + b" >>",
    ]
    path.write_bytes(raw_pdf(objects))
    return path


@dataclass(frozen=True)
class Case:
    file: str  # the file's name (some names are hostile too)
    make: Callable[[Path], Path]
    expect: Expect
    why: str = ""
    tags: frozenset[str] = field(default_factory=frozenset)


PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
ACTIVE = "active_content"
MAIN = frozenset({"main"})  # the cases measured on main, before the bounds: each must fail there
ISSUE_22 = frozenset({"issue-22"})  # the attacker test's cases (issue 22): each failed before its fix
FILE_BUDGET = FILE_SECONDS + 10  # a file's time budget, then its documents built

CASES: dict[str, Case] = {
    # resource bombs
    "scan-20k": Case("scan-20k.pdf", scan_20k, accepted(absent={"unreadable_file"}), "decoded whole: 3.8 GB, 47 s", MAIN),
    "scan-20k-4-pages": Case(
        "scan-20k-4.pdf", scan_20k_four_pages, accepted(absent={"unreadable_file"}, pages=4), "7.2 GB, 162 s", MAIN
    ),
    "blank-5000-pages": Case("blank-5000.pdf", blank_pages, refused("too_many_pages"), "still running after 300 s", MAIN),
    "pages-51": Case("pages-51.pdf", pages_51, refused("too_many_pages"), "one page over the per-file limit", MAIN),
    "drawing-ops": Case("drawing-ops.pdf", drawing_ops, accepted("unreadable_file"), "minutes to render, no timeout", MAIN),
    "png-149mp": Case("big.png", png_149mp, refused("file_too_large"), "149 MP accepted under an 80 MP cap", MAIN),
    "png-80mp-exact": Case("cap.png", png_80mp_exact, refused("file_too_large"), "exactly the cap", MAIN),
    "huge-mediabox": Case(
        "huge-page.pdf",
        huge_mediabox,
        accepted("unreadable_file", absent={"illegible"}),
        "poppler's 1 x 1 fallback reported as a blurred page",
        MAIN,
    ),
    "png-header-100k": Case("claims-100k.png", png_header_100k, refused("file_too_large")),
    "jpeg-header-65k": Case("claims-65k.jpg", jpeg_header_65k, refused("file_too_large")),
    "png-zero-size": Case("zero.png", png_zero_size, refused("unreadable_file")),
    "jpeg-zero-size": Case("zero.jpg", jpeg_zero_size, refused("unreadable_file")),
    "tiny-mediabox": Case("tiny-page.pdf", tiny_mediabox, accepted("unreadable_file", absent={"illegible"})),
    "lying-image-dictionary": Case("lying.pdf", lying_image_dictionary, accepted()),
    "lying-jpeg": Case(
        "lying-jpeg.pdf", lying_jpeg, accepted("unreadable_file"), "1000 x 1000 declared: decoded, 1.26 GiB", ISSUE_22
    ),
    "lying-jpeg-4-pages": Case(
        "lying-jpeg-4.pdf", lying_jpeg_four_pages, accepted("unreadable_file", pages=4), "2.4-2.7 GiB", ISSUE_22
    ),
    "progressive-jpeg": Case(
        "progressive.pdf", progressive_jpeg, accepted("unreadable_file"), "rendered: ~0.5 GB in pdftoppm", ISSUE_22
    ),
    "jpx-8000": Case("jpx.pdf", jpx_8000, accepted("unreadable_file"), "rendered: openjpeg decodes it whole", ISSUE_22),
    "shared-content-50-pages": Case(
        "shared-50.pdf",
        shared_content,
        accepted("unreadable_file", seconds=FILE_BUDGET, causes={"file_timeout"}),
        "no budget per file: 503 s",
        ISSUE_22,
    ),
    "shading-4-pages": Case("shading-4.pdf", shading_pages, accepted(pages=4), "61 s, each page under the limits", ISSUE_22),
    # content rules
    "alpha-text-rgba": Case("alpha.png", alpha_text_png, accepted(absent=READABLE), "flattened to black: illegible", MAIN),
    "alpha-text-la": Case("alpha-la.png", la_text_png, accepted(absent=READABLE), "", MAIN),
    "palette-transparent": Case("palette.png", palette_transparent_png, accepted(absent=READABLE), "", MAIN),
    "zip-holding-pdf": Case("archive.pdf", zip_holding_pdf, refused("unsupported_format"), "accepted as a PDF", MAIN),
    "gzip-then-pdf": Case("gz.pdf", prefixed_pdf(b"\x1f\x8b\x08\x00" + b"\x00" * 60), refused("unsupported_format"), "", MAIN),
    "exe-then-pdf": Case("exe.pdf", prefixed_pdf(b"MZ\x90\x00" + b"\x00" * 60), refused("unsupported_format"), "", MAIN),
    "elf-then-pdf": Case("elf.pdf", prefixed_pdf(b"\x7fELF\x02\x01\x01" + b"\x00" * 57), refused("unsupported_format"), "", MAIN),
    "rar-then-pdf": Case("rar.pdf", prefixed_pdf(b"Rar!\x1a\x07\x00" + b"\x00" * 57), refused("unsupported_format"), "", MAIN),
    "7z-then-pdf": Case("7z.pdf", prefixed_pdf(b"7z\xbc\xaf\x27\x1c" + b"\x00" * 58), refused("unsupported_format"), "", MAIN),
    "junk-then-pdf": Case("junk.pdf", prefixed_pdf(b"Content-Type: application/pdf\r\n\r\n"), accepted(media_type=PDF)),
    "pdf-then-zip": Case("polyglot.pdf", pdf_then_zip, accepted(media_type=PDF)),
    "jpeg-then-pdf": Case("polyglot.jpg", jpeg_then_pdf, accepted(absent=READABLE, media_type=JPEG)),
    "tiny-jpeg-then-pdf": Case("tiny-polyglot.jpg", tiny_jpeg_then_pdf, accepted(media_type=JPEG)),
    "javascript": Case("js.pdf", active(_add_js_names), accepted(ACTIVE), "passed without a word", MAIN),
    "open-action-js": Case("open-js.pdf", active(_add_open_js), accepted(ACTIVE), "", MAIN),
    "launch": Case("launch.pdf", active(_add_launch), accepted(ACTIVE), "", MAIN),
    "page-aa": Case("page-aa.pdf", active(_add_page_aa), accepted(ACTIVE), "", MAIN),
    "embedded-file": Case("attached.pdf", active(_add_attachment), accepted(ACTIVE), "", MAIN),
    "rich-media": Case("richmedia.pdf", active(_add_rich_media), accepted(ACTIVE), "", MAIN),
    "link-js": Case("link-js.pdf", active(_add_link_js), accepted(ACTIVE), "", MAIN),
    "benign-open-action": Case("open-dest.pdf", active(_benign_open_action), accepted(absent={ACTIVE})),
    "js-70-links-deep": Case("deep-js.pdf", active(_add_deep_js_chain), accepted(ACTIVE), "escaped active_content", ISSUE_22),
    "xfa-form": Case("xfa.pdf", active(_add_xfa), accepted(ACTIVE), "escaped active_content", ISSUE_22),
    "cpio-holding-pdf": Case("archive.pdf", cpio_holding_pdf, refused("unsupported_format"), "accepted as a PDF", ISSUE_22),
    # damaged, locked, nested
    "truncated-pdf-10": Case("cut10.pdf", truncated(text_pdf, 0.1), refused("unreadable_file")),
    "truncated-pdf-50": Case("cut50.pdf", truncated(text_pdf, 0.5), refused("unreadable_file")),
    "truncated-pdf-90": Case("cut90.pdf", truncated(text_pdf, 0.9), accepted()),
    "pdf-without-eof": Case("no-eof.pdf", without_eof, accepted(absent=READABLE)),
    "truncated-jpeg-50": Case("cut50.jpg", truncated(text_jpeg, 0.5), refused("unreadable_file")),
    "truncated-png-50": Case("cut50.png", truncated(text_png, 0.5), refused("unreadable_file")),
    "truncated-png-header": Case("cut-header.png", truncated(text_png, 0.001), refused("unreadable_file")),
    "encrypted-user": Case("locked.pdf", mf.encrypted_pdf, refused("encrypted_pdf")),
    "encrypted-owner-only": Case("restricted.pdf", mf.owner_password_pdf, accepted(absent=READABLE)),
    "nested-page-tree": Case("deep-tree.pdf", nested_page_tree, refused("unreadable_file"), "qpdf stops at its depth limit"),
    "nested-arrays": Case("deep-arrays.pdf", nested_arrays, refused("unreadable_file"), "qpdf stops at its depth limit"),
    "empty": Case("empty.pdf", mf.empty, refused("empty_file")),
    "gif": Case("scan.gif", mf.gif, refused("unsupported_format")),
    # odd encodings
    **{f"exif-{n}": Case(f"exif-{n}.jpg", exif_orientation(n), accepted(absent=READABLE)) for n in range(1, 9)},
    "cmyk-jpeg": Case("cmyk.jpg", cmyk_jpeg, accepted(absent=READABLE)),
    "png-16-bit": Case("deep.png", png_16bit, accepted(absent=READABLE)),
    "png-1-bit": Case("bilevel.png", png_1bit, accepted(absent=READABLE)),
    "jbig2-scan": Case("office-scan.pdf", jbig2_scan, accepted(absent=READABLE), "unreadable without jbig2dec", ISSUE_22),
    # hostile names
    "bidi-name": Case("facture\u202egpj.pdf", text_pdf, accepted(absent=READABLE)),
    "control-name": Case("scan\x1b[31m\r\n\x07.png", text_png, accepted(absent=READABLE)),
}


def write_case(folder: Path, name: str) -> Path:
    """The case's file, in its own sub-folder (names may repeat between cases)."""
    case = CASES[name]
    target = folder / name
    target.mkdir(parents=True, exist_ok=True)
    return case.make(target / case.file)


def write_all(folder: Path) -> dict[str, Path]:
    """Every case of `CASES` in `folder` (one sub-folder per case)."""
    return {name: write_case(folder, name) for name in CASES}


if __name__ == "__main__":
    for case_name, written in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")).items():
        print(f"{case_name:24} {written.stat().st_size:>10}  {written}")
