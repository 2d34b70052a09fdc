"""PDF files through pikepdf (libqpdf), the only module that imports it: page count (refusing
encrypted and damaged files), a page's displayed size, a page's sole embedded image, the sizes of the
images a page draws (declared, and coded in their data), the active content a PDF holds (never run:
only named), and the installed versions.

An image's dictionary (/Width, /Height) is only a claim: its size is also read from its data before
anything is decoded (infra/tools/codec_header.py: the JPEG, JPEG 2000 or JBIG2 headers; for a
Flate stream, how much it inflates to). An image is decoded here only when both agree and it is under
the caller's pixel cap; otherwise, or when it cannot be decoded (a decoder missing, damaged data),
the caller renders the page with poppler. JBIG2 is decoded by jbig2dec (pikepdf runs it) under a time
limit cut to the work's deadline (infra/tools/deadline.py) and a memory limit.
"""

from __future__ import annotations

import subprocess
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pikepdf.jbig2
from PIL import Image

from infra.tools import codec_header, deadline
from infra.tools.codec_header import CodedSize
from infra.tools.command import ToolTimedOut

JBIG2_PROGRAM = "jbig2dec"
JBIG2_TIMEOUT_SECONDS = 30  # jbig2dec on one page image (an office scan: well under a second)
JBIG2_MEMORY_BYTES = 256 * 2**20  # jbig2dec's own allocation limit (-M): a 600-dpi A4 page needs ~5 MB
# Codecs whose data says its own size, and the filter chains decoded here (any other is rendered by poppler)
_CODED_SIZE = {"/DCTDecode": codec_header.jpeg_size, "/JPXDecode": codec_header.jpx_size, "/JBIG2Decode": codec_header.jbig2_size}
_DECODED_HERE = (*([name] for name in _CODED_SIZE), ["/FlateDecode"], ["/CCITTFaxDecode"], [])


class PdfEncrypted(Exception):
    """The PDF needs a password to open."""


class PdfDamaged(Exception):
    """The PDF is damaged or truncated: qpdf cannot read its page tree."""


@dataclass(frozen=True)
class PageScan:
    """A page's one embedded image, decoded, and the page's media box size in points."""

    image: Image.Image
    width_points: float
    height_points: float


def page_count(path: str | Path, limit: int | None = None) -> int:
    """Pages of a PDF that opens without a password; raises PdfEncrypted or PdfDamaged otherwise. Over
    `limit` pages the count is returned at once, without touching each page."""
    try:
        with pikepdf.open(path) as pdf:
            count = len(pdf.pages)
            if limit is not None and count > limit:
                return count
            for page in pdf.pages:  # touch every page tree node: a cut file fails here
                _ = page.mediabox
    except pikepdf.PasswordError as exc:
        raise PdfEncrypted(str(exc)) from exc
    except (pikepdf.PdfError, ValueError, KeyError) as exc:
        raise PdfDamaged(str(exc)) from exc
    return count


def page_size_points(path: str, page_no: int) -> tuple[float, float]:
    """Displayed (width, height) of a PDF page in points, honouring /Rotate and the crop box."""
    with pikepdf.open(path) as pdf:
        page = pdf.pages[page_no - 1]
        box = page.cropbox if "/CropBox" in page.obj else page.mediabox
        width = abs(float(box[2]) - float(box[0]))
        height = abs(float(box[3]) - float(box[1]))
        rotate = int(page.obj.get("/Rotate", 0)) % 360
    return (height, width) if rotate in (90, 270) else (width, height)


def _declared_size(image: pikepdf.Object) -> tuple[int, int] | None:
    """Width and height an image XObject's dictionary declares; None when they are missing or not
    positive integers."""
    try:
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    except (TypeError, ValueError, pikepdf.PdfError):
        return None
    return (width, height) if width > 0 and height > 0 else None


def _filters(image: pikepdf.Stream) -> list[str]:
    found = image.get("/Filter")
    items = list(found) if isinstance(found, pikepdf.Array) else [] if found is None else [found]
    return [str(item) for item in items]


def coded_size(image: pikepdf.Stream) -> CodedSize | None:
    """The size an image's data says it holds, when its only filter is a codec that says one (JPEG,
    JPEG 2000, JBIG2); None otherwise, or when its header cannot be read."""
    filters = _filters(image)
    if len(filters) != 1 or filters[0] not in _CODED_SIZE:
        return None
    try:
        return _CODED_SIZE[filters[0]](image.read_raw_bytes())
    except (pikepdf.PdfError, ValueError):
        return None


def _components(image: pikepdf.Stream) -> int:
    """Colour components per pixel of an image's colour space (1 when it cannot tell)."""
    space = image.get("/ColorSpace")
    if not isinstance(space, pikepdf.Array):
        return {"/DeviceRGB": 3, "/DeviceCMYK": 4}.get(str(space), 1)
    try:
        family, detail = str(space[0]), space[1] if len(space) > 1 else None
        if family == "/ICCBased" and isinstance(detail, pikepdf.Stream):
            return int(detail.get("/N", 1))
        if family == "/DeviceN" and isinstance(detail, pikepdf.Array):
            return len(detail)
    except (TypeError, ValueError, IndexError, pikepdf.PdfError):
        return 1
    return {"/CalRGB": 3, "/Lab": 3}.get(family, 1)


def _inflates_within(image: pikepdf.Stream, size: tuple[int, int]) -> bool:
    """True when a Flate image's data inflates to no more than its declared rows need (plus a PNG
    predictor's byte per row): a stream that inflates further is a bomb, not decoded here."""
    bits = int(image.get("/BitsPerComponent", 8)) * _components(image)
    width, height = size
    limit = ((width * bits + 7) // 8 + 1) * height
    try:
        inflated = zlib.decompressobj().decompress(image.read_raw_bytes(), limit + 1)
    except (zlib.error, pikepdf.PdfError, ValueError):
        return False
    return len(inflated) <= limit


def _decodable(image: pikepdf.Stream, max_pixels: int | None) -> bool:
    """True when the image's dictionary and its data agree on a size under `max_pixels`, and its
    filters are ones decoded here."""
    declared, filters = _declared_size(image), _filters(image)
    if declared is None or filters not in _DECODED_HERE or (max_pixels is not None and declared[0] * declared[1] >= max_pixels):
        return False
    if filters and filters[0] in _CODED_SIZE:
        coded = coded_size(image)
        return coded is not None and (coded.width, coded.height) == declared
    return filters != ["/FlateDecode"] or _inflates_within(image, declared)


def _decoded(image: pikepdf.Stream) -> Image.Image | None:
    """The image decoded (pixels loaded: a failure shows here, not later); None when it cannot be (a
    decoder missing, damaged data). A decoder stopped at its time limit raises ToolTimedOut, or
    BudgetSpent past the work's deadline."""
    try:
        decoded = pikepdf.PdfImage(image).as_pil_image()
        decoded.load()
    except (ToolTimedOut, deadline.BudgetSpent):
        raise
    except Exception:  # any decoder failure (pikepdf's DependencyError is no PdfError): render instead
        return None
    return decoded


def sole_image(path: str, page_no: int, max_pixels: int | None = None) -> PageScan | None:
    """The page's image when it draws exactly one and is not turned (/Rotate), decoded; None otherwise:
    when the image carries a mask (transparency: poppler composites it), declares `max_pixels` or more,
    holds another size than it declares or more data than its size needs (checked before decoding),
    or cannot be decoded (render the page instead)."""
    with pikepdf.open(path) as pdf:
        page = pdf.pages[page_no - 1]
        images = list(page.get_images().values()) if hasattr(page, "get_images") else list(page.images.values())
        if len(images) != 1 or int(page.obj.get("/Rotate", 0)) % 360 or not isinstance(images[0], pikepdf.Stream):
            return None
        if "/SMask" in images[0] or "/Mask" in images[0] or not _decodable(images[0], max_pixels):
            return None
        image = _decoded(images[0])
        if image is None:
            return None
        box = page.mediabox
        return PageScan(image, abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1])))


def _page_image_streams(page: pikepdf.Page) -> Iterator[pikepdf.Stream]:
    """Every image the page can draw (in its forms, patterns, Type 3 glyphs and annotations too, and
    their soft masks), each once."""
    seen: set[tuple[int, int]] = set()
    for scope in page.content_scopes():
        xobjects = scope.resources.get("/XObject") if scope.resources is not None else None
        if not isinstance(xobjects, pikepdf.Dictionary):
            continue
        for item in xobjects.values():
            for image in (item, item.get("/SMask") if isinstance(item, pikepdf.Stream) else None):
                if isinstance(image, pikepdf.Stream) and image.get("/Subtype") == "/Image":
                    key = image.objgen
                    if key == (0, 0) or key not in seen:
                        seen.add(key)
                        yield image


def coded_images(path: str, page_no: int) -> list[tuple[tuple[int, int] | None, CodedSize]]:
    """The images of a page whose data says its size (JPEG, JPEG 2000, JBIG2), each as the size its
    dictionary declares (None: none) and the size its headers give: what decoding or rendering the
    page would allocate, known before anything is."""
    with pikepdf.open(path) as pdf:
        images = ((_declared_size(image), coded_size(image)) for image in _page_image_streams(pdf.pages[page_no - 1]))
        return [(declared, coded) for declared, coded in images if coded is not None]


# Catalog and page keys, and action types, that make a PDF do something when opened or clicked.
ACTIVE_KEYS = {
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/AA": "AA",
    "/EmbeddedFiles": "EmbeddedFiles",
    "/EmbeddedFile": "EmbeddedFiles",
    "/RichMedia": "RichMedia",
    "/RichMediaContent": "RichMedia",
    "/XFA": "XFA",
}
ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "Launch",
    "/ImportData": "ImportData",
    "/SubmitForm": "SubmitForm",
    "/RichMediaExecute": "RichMedia",
    "/GoToE": "EmbeddedFiles",
}
ACTIVE_SUBTYPES = {
    "/RichMedia": "RichMedia",
    "/FileAttachment": "EmbeddedFiles",
    "/Movie": "RichMedia",
    "/Sound": "RichMedia",
    "/Screen": "RichMedia",
    "/3D": "RichMedia",
}
MAX_PARTS_LOOKED_AT = 2_000_000  # direct parts of one object looked into; beyond, the PDF is named as not fully checked


def _active_in(obj: pikepdf.Object, found: set[str]) -> None:
    """Add to `found` the active content one object shows, looking into its direct (not indirect) parts
    however deep they nest (an action chain 70 /Next deep once escaped a walk bounded by depth): the walk
    is bounded by the number of parts instead, and a PDF past it is named `Unchecked` (flagged, never
    passed as clean)."""
    stack: list[pikepdf.Object] = [obj]
    looked_at = 0
    while stack:
        current = stack.pop()
        looked_at += 1
        if looked_at > MAX_PARTS_LOOKED_AT:
            found.add("Unchecked")
            return
        if isinstance(current, pikepdf.Dictionary | pikepdf.Stream):
            keys = set(current.keys())
            found.update(ACTIVE_KEYS[k] for k in keys & ACTIVE_KEYS.keys())
            for key, table in (("/S", ACTIVE_ACTIONS), ("/Subtype", ACTIVE_SUBTYPES)):
                value = current.get(key)
                if isinstance(value, pikepdf.Name) and str(value) in table:
                    found.add(table[str(value)])
            children = [current[k] for k in keys if k not in ("/Parent", "/P")]
        elif isinstance(current, pikepdf.Array):
            children = list(current)
        else:
            continue
        stack.extend(child for child in children if isinstance(child, pikepdf.Object) and not child.is_indirect)


def active_content(path: str | Path) -> tuple[str, ...]:
    """The kinds of active content a PDF holds (JavaScript, OpenAction, Launch, AA, EmbeddedFiles,
    RichMedia, ...), sorted; () for none. Every object is looked at once, none is ever run. An
    /OpenAction that is a destination (an array: "open at page 1") is not active; one that is an
    action dictionary is. Raises PdfEncrypted or PdfDamaged as `page_count` does."""
    found: set[str] = set()
    try:
        with pikepdf.open(path) as pdf:
            opening = pdf.Root.get("/OpenAction")
            if isinstance(opening, pikepdf.Dictionary) and "/S" in opening:
                found.add("OpenAction")
            for obj in pdf.objects:
                _active_in(obj, found)
            _active_in(pdf.trailer, found)
    except pikepdf.PasswordError as exc:
        raise PdfEncrypted(str(exc)) from exc
    except (pikepdf.PdfError, ValueError, KeyError, RecursionError) as exc:
        raise PdfDamaged(str(exc)) from exc
    return tuple(sorted(found))


def versions() -> tuple[str, str]:
    """(pikepdf's version, the libqpdf version it runs on)."""
    return pikepdf.__version__, pikepdf.__libqpdf_version__


def _run_jbig2dec(args: Sequence[str], **options: Any) -> subprocess.CompletedProcess[bytes]:
    """pikepdf's run of jbig2dec, with a time limit (cut to the work's deadline) and a memory limit."""
    rest = list(args[1:])
    limits = [] if "--version" in rest else ["-M", str(JBIG2_MEMORY_BYTES)]
    try:
        return subprocess.run([JBIG2_PROGRAM, *limits, *rest], timeout=deadline.seconds_for(JBIG2_TIMEOUT_SECONDS), **options)
    except subprocess.TimeoutExpired as exc:  # run() has killed it
        raise deadline.stopped("jbig2dec", JBIG2_TIMEOUT_SECONDS) from exc


pikepdf.jbig2.set_decoder(pikepdf.jbig2.JBIG2Decoder(subprocess_run=_run_jbig2dec))
