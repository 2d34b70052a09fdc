"""PDF files through pikepdf (libqpdf), the only module that imports it: page count (refusing
encrypted and damaged files), a page's displayed size, a page's sole embedded image (its size read
from its dictionary before anything is decoded), the active content a PDF holds (never run: only
named), and the installed versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image


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


def _declared_pixels(image: pikepdf.Object) -> int | None:
    """Width x height an image XObject's dictionary declares (what decoding it would allocate per
    component); None when they are missing or not positive integers."""
    try:
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    except (TypeError, ValueError, pikepdf.PdfError):
        return None
    return width * height if width > 0 and height > 0 else None


def sole_image(path: str, page_no: int, max_pixels: int | None = None) -> PageScan | None:
    """The page's image when it draws exactly one and is not turned (/Rotate), decoded; None otherwise,
    when the image cannot be decoded, carries a soft mask (transparency: poppler composites it), or
    declares `max_pixels` or more in its dictionary (checked before decoding: render the page instead)."""
    with pikepdf.open(path) as pdf:
        page = pdf.pages[page_no - 1]
        images = list(page.get_images().values()) if hasattr(page, "get_images") else list(page.images.values())
        if len(images) != 1 or int(page.obj.get("/Rotate", 0)) % 360 or not isinstance(images[0], pikepdf.Stream):
            return None
        pixels = _declared_pixels(images[0])
        if pixels is None or (max_pixels is not None and pixels >= max_pixels) or "/SMask" in images[0] or "/Mask" in images[0]:
            return None
        try:
            image = pikepdf.PdfImage(images[0]).as_pil_image()
        except (pikepdf.PdfError, NotImplementedError, ValueError, OSError):
            return None
        box = page.mediabox
        return PageScan(image, abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1])))


# Catalog and page keys, and action types, that make a PDF do something when opened or clicked.
ACTIVE_KEYS = {"/JavaScript": "JavaScript", "/JS": "JavaScript", "/AA": "AA", "/EmbeddedFiles": "EmbeddedFiles",
               "/EmbeddedFile": "EmbeddedFiles", "/RichMedia": "RichMedia", "/RichMediaContent": "RichMedia"}
ACTIVE_ACTIONS = {"/JavaScript": "JavaScript", "/Launch": "Launch", "/ImportData": "ImportData", "/SubmitForm": "SubmitForm",
                  "/RichMediaExecute": "RichMedia", "/GoToE": "EmbeddedFiles"}
ACTIVE_SUBTYPES = {"/RichMedia": "RichMedia", "/FileAttachment": "EmbeddedFiles", "/Movie": "RichMedia",
                   "/Sound": "RichMedia", "/Screen": "RichMedia", "/3D": "RichMedia"}
MAX_NESTING = 64  # direct objects nested deeper than this are not looked into (qpdf itself stops at 500)


def _active_in(obj: pikepdf.Object, found: set[str]) -> None:
    """Add to `found` the active content one object shows, looking into its direct (not indirect) parts."""
    stack: list[tuple[pikepdf.Object, int]] = [(obj, 0)]
    while stack:
        current, depth = stack.pop()
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
        if depth < MAX_NESTING:
            stack.extend((child, depth + 1) for child in children if isinstance(child, pikepdf.Object) and not child.is_indirect)


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
