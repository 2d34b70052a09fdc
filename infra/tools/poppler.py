"""Poppler's command-line tools, the only module that runs them: one page's text with word boxes
(`pdftotext -bbox-layout`), one page rendered in grayscale (`pdftoppm`, through pdf2image, which also
runs `pdfinfo`), and the installed version.

Pages are rendered one at a time: never a whole PDF in memory. Every run has a time limit, cut to the
work's deadline when there is one (infra/tools/deadline.py): past it the tool is killed and
`command.ToolTimedOut` raised (a page that takes longer is unreadable), or `deadline.BudgetSpent` when
the deadline was what stopped it.
"""

from __future__ import annotations

import re
import subprocess
from typing import Any

import numpy as np
from pdf2image import convert_from_path
from pdf2image.exceptions import PDFPopplerTimeoutError
from PIL import Image

from infra.tools import command, deadline

TEXT_TIMEOUT_SECONDS = 20  # pdftotext on one page (a normal page: well under a second)
RENDER_TIMEOUT_SECONDS = 30  # pdfinfo, then pdftoppm on one page (a normal page at 300 dpi: 1-2 s)
PROGRAMS = ("pdftotext", "pdftoppm", "pdfinfo")  # pdf2image runs pdfinfo before pdftoppm
_VERSION_RE = re.compile(r"version\s+(\d+(?:\.\d+)*)")


def bbox_layout(path: str, page_no: int) -> bytes | None:
    """Page `page_no`'s text as pdftotext's XHTML (page, block, line and word elements, boxes in points);
    None when pdftotext fails or prints nothing; ToolTimedOut past TEXT_TIMEOUT_SECONDS."""
    try:
        result = subprocess.run(
            ["pdftotext", "-bbox-layout", "-f", str(page_no), "-l", str(page_no), path, "-"],
            capture_output=True,
            timeout=deadline.seconds_for(TEXT_TIMEOUT_SECONDS),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:  # run() has killed it
        raise deadline.stopped("pdftotext", TEXT_TIMEOUT_SECONDS) from exc
    if result.returncode != 0 or not result.stdout:
        return None
    return result.stdout


def _render(path: str, page_no: int, **options: Any) -> list[Image.Image]:
    seconds: Any = deadline.seconds_for(RENDER_TIMEOUT_SECONDS)  # a float: pdf2image annotates int, passes it to subprocess
    try:
        return convert_from_path(path, first_page=page_no, last_page=page_no, grayscale=True, timeout=seconds, **options)
    except PDFPopplerTimeoutError as exc:  # pdf2image has killed it
        raise deadline.stopped("pdftoppm", RENDER_TIMEOUT_SECONDS) from exc


def render_gray(path: str, page_no: int, dpi: int) -> np.ndarray:
    """Page `page_no` (1-based) rendered in grayscale at `dpi`, without rendering the others."""
    return _only_page(_render(path, page_no, dpi=dpi), page_no)


def render_gray_to_size(path: str, page_no: int, size: tuple[int, int]) -> np.ndarray:
    """Page `page_no` (1-based) rendered in grayscale to exactly `size` (width, height) pixels."""
    return _only_page(_render(path, page_no, size=size), page_no)


def _only_page(images: list[Image.Image], page_no: int) -> np.ndarray:
    if not images:
        raise ValueError(f"page {page_no} could not be rendered")
    with images[0] as image:
        return np.asarray(image.convert("L"))


def version(program: str = "pdftotext") -> str | None:
    """The version of one of poppler's tools ("22.12.0"); None when it is not on PATH or is not poppler's
    (xpdf's pdftotext has no -bbox-layout)."""
    said = command.output([program, "-v"]) or ""
    found = _VERSION_RE.search(said)
    return found.group(1) if found and "poppler" in said.lower() else None
