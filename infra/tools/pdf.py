"""PDF files through pikepdf (libqpdf), the only module that imports it: page count (refusing
encrypted and damaged files), a page's displayed size, a page's sole embedded image, and the
installed versions.
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


def page_count(path: str | Path) -> int:
    """Pages of a PDF that opens without a password; raises PdfEncrypted or PdfDamaged otherwise."""
    try:
        with pikepdf.open(path) as pdf:
            count = len(pdf.pages)
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


def sole_image(path: str, page_no: int) -> PageScan | None:
    """The page's image when it draws exactly one and is not turned (/Rotate), decoded; None otherwise
    or when the image cannot be decoded."""
    with pikepdf.open(path) as pdf:
        page = pdf.pages[page_no - 1]
        images = list(page.get_images().values()) if hasattr(page, "get_images") else list(page.images.values())
        if len(images) != 1 or int(page.obj.get("/Rotate", 0)) % 360 or not isinstance(images[0], pikepdf.Stream):
            return None
        try:
            image = pikepdf.PdfImage(images[0]).as_pil_image()
        except (pikepdf.PdfError, NotImplementedError, ValueError, OSError):
            return None
        box = page.mediabox
        return PageScan(image, abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1])))


def versions() -> tuple[str, str]:
    """(pikepdf's version, the libqpdf version it runs on)."""
    return pikepdf.__version__, pikepdf.__libqpdf_version__
