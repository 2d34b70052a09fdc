"""Pages of an accepted file: the PDF text layer when usable, else a grayscale image to OCR.

PDF pages are rendered one at a time at 300 dpi (never the whole PDF in memory); photos are
EXIF-transposed, their transparency laid on white. Also the A4-portrait geometry check. The tools
themselves (poppler, qpdf) are run by infra/tools/poppler.py and infra/tools/pdf.py.

Nothing is decoded at a size chosen by the file: a page is at most MAX_PAGE_PIXELS. An embedded scan
is decoded only when its PDF dictionary and its own data (JPEG / JPEG 2000 / JBIG2 header, Flate
length) agree on a size under that (infra/tools/pdf.py); otherwise, or when it cannot be decoded (a
JBIG2 scan without jbig2dec, damaged data), the page is rendered by poppler at the working resolution.
Before rendering, the page's images are sized from their headers: one that poppler would hold whole
(JPEG 2000, progressive JPEG, JBIG2) over MAX_PAGE_PIXELS bytes, or one whose data holds more than
MAX_PAGE_PIXELS pixels while its dictionary declares another size (a lie told to pass the cap), makes
the page unreadable (`OversizedImage`), neither decoded nor rendered. A page too large to render even
at MIN_RENDER_DPI, or that renders to a few pixels, is unreadable (`UnreadablePage`); a photo larger
than MAX_PAGE_PIXELS is decoded reduced (JPEG) or reduced once decoded (PNG: the upload rules have
already refused MAX_PIXELS and more).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np
from PIL import Image

from infra.tools import pdf, poppler
from infra.tools.memory_gate import GATE, picture_bytes
from models import BBox, OcrPage, TextSource, Word
from models.errors import IntakeError

RENDER_DPI = 300
STRIP_ROWS = 256  # rows of a transparent picture laid on white at a time
MAX_PAGE_PIXELS = 36_000_000  # an A4 page at 600 dpi (35 MP); 36 MB in grayscale
MIN_RENDER_DPI = 50  # a page that fits MAX_PAGE_PIXELS only below this is not a document page
MIN_PAGE_SIDE = 64  # pixels: a page rendered smaller (poppler's 1 x 1 fallback, a 1-point page) holds nothing
POINTS_PER_INCH = 72
A4_RATIO = math.sqrt(2)
# Long side / short side within 10 % of sqrt(2): accepts A4 (1.414), US Letter (1.294) and 4:3
# photos of a sheet (1.333); refuses square scans, 16:9 photos (1.78), legal (1.65), thermal strips.
A4_TOLERANCE = 0.10
A4_WIDTH_INCHES = 210 / 25.4
MIN_TEXT_LAYER_CHARS = 20
_XHTML = "{http://www.w3.org/1999/xhtml}"


class UnreadablePage(IntakeError, code="unreadable_page"):
    """A page that cannot be made into an image worth reading (its size is absurd); `size` is its size
    in points, as the flag shows it."""

    def __init__(self, size: str):
        super().__init__(f"absurd page size {size} pt")
        self.size = size


class OversizedImage(IntakeError, code="image_too_large"):
    """A page drawing an image too large to decode by its own header (see `check_page_images`): neither
    decoded nor rendered; `size` is its size in pixels, as the flag shows it."""

    def __init__(self, size: str):
        super().__init__(f"page image of {size} pixels")
        self.size = size


@dataclass(frozen=True)
class PageImage:
    """A grayscale page raster and its resolution (not a pydantic model: it holds an array)."""

    gray: np.ndarray
    dpi: int


def is_a4_portrait(width: float, height: float) -> bool:
    """True when the page is portrait and its aspect ratio is sqrt(2) within A4_TOLERANCE."""
    if width <= 0 or height <= 0 or height < width:
        return False
    return abs(height / width - A4_RATIO) <= A4_RATIO * A4_TOLERANCE


def _usable(words: list[Word]) -> bool:
    """A text layer is usable when it holds enough real characters to read fields from."""
    alnum = sum(ch.isalnum() for w in words for ch in w.text)
    return alnum >= MIN_TEXT_LAYER_CHARS


def text_layer_page(path: str, page_no: int) -> OcrPage | None:
    """The page's own text with word boxes (poppler's bbox layout), or None when it has none usable."""
    layout = poppler.bbox_layout(path, page_no)
    if layout is None:
        return None
    try:
        root = ET.fromstring(layout)
    except ET.ParseError:
        return None
    page_el = root.find(f".//{_XHTML}page")
    if page_el is None:
        return None
    scale = RENDER_DPI / POINTS_PER_INCH
    words: list[Word] = []
    line_no = 0
    for block_no, block in enumerate(page_el.iter(f"{_XHTML}block")):
        for line in block.iter(f"{_XHTML}line"):
            line_no += 1
            for word in line.iter(f"{_XHTML}word"):
                text = (word.text or "").strip()
                if not text:
                    continue
                box = [float(word.get(k, "0")) * scale for k in ("xMin", "yMin", "xMax", "yMax")]
                words.append(
                    Word(
                        text=text,
                        confidence=1.0,
                        bbox=BBox(x0=int(box[0]), y0=int(box[1]), x1=math.ceil(box[2]), y1=math.ceil(box[3])),
                        block=block_no,
                        line=line_no,
                    )
                )
    if not _usable(words):
        return None
    width = round(float(page_el.get("width", "0")) * scale)
    height = round(float(page_el.get("height", "0")) * scale)
    shown_width, shown_height = pdf.page_size_points(path, page_no)
    if (shown_width > shown_height) != (width > height):  # /Rotate 90 or 270: poppler gives the unturned
        width, height = height, width  # size, but its word boxes are on the turned page
    return OcrPage(page=page_no, width=width, height=height, dpi=RENDER_DPI, source=TextSource.TEXT_LAYER, words=tuple(words))


def embedded_scan(path: str, page_no: int) -> PageImage | None:
    """The page's scan itself when the page is one full-page image (a scanner's or phone app's PDF).

    Decoding the embedded image is ~20x faster than rendering the page and loses nothing; the
    resolution is the image's pixels over the page's inches. None when the page is anything else, or
    when its image is not to be decoded here (see the module's docstring): render it instead.
    """
    scan = pdf.sole_image(path, page_no, max_pixels=MAX_PAGE_PIXELS)
    if scan is None:
        return None
    width_in, height_in = scan.width_points / POINTS_PER_INCH, scan.height_points / POINTS_PER_INCH
    with scan.image as image:
        if (
            width_in <= 0
            or height_in <= 0
            or abs(image.width / width_in - image.height / height_in) > 0.05 * image.width / width_in
        ):
            return None  # the image does not fill the page: render instead
        return PageImage(gray=np.asarray(image.convert("L")), dpi=max(70, round(image.width / width_in)))


def render_dpi(width_points: float, height_points: float, dpi: int = RENDER_DPI) -> int | None:
    """The resolution to render a page at: `dpi`, lowered so that the page is at most MAX_PAGE_PIXELS;
    None when that is below MIN_RENDER_DPI or the page would be under MIN_PAGE_SIDE pixels."""
    width_in, height_in = width_points / POINTS_PER_INCH, height_points / POINTS_PER_INCH
    if not (width_in > 0 and height_in > 0) or math.isinf(width_in * height_in):
        return None
    fitted = min(dpi, math.floor(math.sqrt(MAX_PAGE_PIXELS / (width_in * height_in))))
    if fitted < MIN_RENDER_DPI or min(width_in, height_in) * fitted < MIN_PAGE_SIDE:
        return None
    return fitted


def check_page_images(path: str, page_no: int) -> None:
    """OversizedImage when the page draws an image, sized by its own header (not its dictionary), that
    a decoder would hold whole at more than MAX_PAGE_PIXELS bytes (JPEG 2000, progressive JPEG, JBIG2),
    or that holds more than MAX_PAGE_PIXELS pixels where its dictionary declares another size."""
    for declared, coded in pdf.coded_images(path, page_no):
        lying = declared != (coded.width, coded.height)
        if (coded.whole and coded.decoded_bytes > MAX_PAGE_PIXELS) or (lying and coded.pixels > MAX_PAGE_PIXELS):
            raise OversizedImage(f"{coded.width} x {coded.height}")


def render_pdf_page(path: str, page_no: int, dpi: int = RENDER_DPI) -> PageImage:
    """Render one PDF page to grayscale with poppler, without loading the others, at `dpi` or lower for
    a large page; UnreadablePage when its size is absurd (checked before rendering, and on poppler's
    result: it answers a page it cannot allocate with a 1 x 1 image), OversizedImage when it draws an
    image too large to decode (`check_page_images`)."""
    width, height = pdf.page_size_points(path, page_no)
    size = f"{width:g} x {height:g}"
    fitted = render_dpi(width, height, dpi)
    if fitted is None:
        raise UnreadablePage(size)
    check_page_images(path, page_no)
    gray = poppler.render_gray(path, page_no, fitted)
    if min(gray.shape) < MIN_PAGE_SIDE:
        raise UnreadablePage(size)
    return PageImage(gray=gray, dpi=fitted)


def image_dpi(image: Image.Image) -> int:
    """The photo's resolution: its metadata when plausible, else as if the width were an A4 sheet."""
    raw = image.info.get("dpi")
    if raw:
        try:
            dpi = round(float(raw[0]))
        except (TypeError, ValueError, IndexError):
            dpi = 0
        if 100 <= dpi <= 1200:
            return dpi
    short_side = min(image.size)
    return max(70, min(1200, round(short_side / A4_WIDTH_INCHES)))


# EXIF orientation -> the transposition that makes the picture upright (as ImageOps.exif_transpose)
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def has_transparency(image: Image.Image) -> bool:
    """An alpha channel (RGBA, LA, PA...) or a transparent colour (a palette or tRNS entry)."""
    return "A" in image.getbands() or "transparency" in image.info


def gray_on_white(image: Image.Image) -> Image.Image:
    """The picture in grayscale, transparent parts laid on white paper (text drawn only in the alpha
    channel stays dark on light, instead of everything turning black)."""
    if not has_transparency(image):
        if image.mode.startswith("I;16"):  # 16-bit gray: keep the top 8 bits (a plain convert clips to white)
            return Image.fromarray((np.asarray(image, dtype=np.uint16) >> 8).astype(np.uint8))
        return image.convert("L")
    image.load()
    out = np.empty((image.height, image.width), np.uint8)  # laid on white strip by strip: one grayscale copy, not four
    for top in range(0, image.height, STRIP_ROWS):
        strip = image.crop((0, top, image.width, min(image.height, top + STRIP_ROWS)))
        out[top : top + strip.height] = np.asarray(_laid_on_white(strip))
    return Image.fromarray(out)


def _laid_on_white(image: Image.Image) -> Image.Image:
    with_alpha = image if image.mode in ("RGBA", "LA") else image.convert("RGBA")
    gray, alpha = with_alpha.convert("L"), with_alpha.getchannel("A")
    return Image.composite(gray, Image.new("L", image.size, 255), alpha)


def load_image_page(path: str) -> PageImage:
    """Open a JPEG/PNG, apply its EXIF orientation, and return it in grayscale (transparency on white).
    A picture over MAX_PAGE_PIXELS is reduced: a JPEG decoded at a smaller scale (libjpeg's DCT
    scaling), a PNG reduced once decoded. The decoding holds its share of the memory gate (the other
    core's decoding or second reading waits when both would pass its bound)."""
    with Image.open(path) as header:
        held = picture_bytes(header.width, header.height, len(header.getbands()))
    with GATE.holding(held):
        return _decoded_page(path)


def _decoded_page(path: str) -> PageImage:
    with Image.open(path) as image:
        dpi = image_dpi(image)
        orientation = image.getexif().get(0x0112)
        width, height = image.size
        factor = 1
        while width * height / (factor * factor) > MAX_PAGE_PIXELS:
            factor *= 2
        if factor > 1 and image.format == "JPEG":
            image.draft("L" if image.mode in ("L", "RGB", "YCbCr") else image.mode, (width // factor, height // factor))
            factor = max(1, round(width / image.size[0]))
        gray = gray_on_white(image)
    if factor > 1 and gray.width * gray.height > MAX_PAGE_PIXELS:
        gray = gray.reduce(factor)
    if gray.size != (width, height):
        dpi = max(70, round(dpi * gray.width / width))
    if orientation in _UPRIGHT:
        gray = gray.transpose(_UPRIGHT[orientation])
    return PageImage(gray=np.asarray(gray), dpi=dpi)
