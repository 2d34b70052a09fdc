"""Tesseract, through pytesseract (the only module that imports it): a page's words as pytesseract's
image_to_data columns, the page's orientation (OSD), and the installed version and language data.

Tesseract runs single-threaded (OMP_THREAD_LIMIT=1): on this hardware its OpenMP threads cost
more than they give, so the pipeline parallelises across pages instead. Its time limits are cut to
the work's deadline when there is one (infra/tools/deadline.py): stopped by it, a pass raises
`deadline.BudgetSpent`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytesseract

from infra.tools import command, deadline

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

OCR_TIMEOUT_SECONDS = 120
OSD_TIMEOUT_SECONDS = 30
_ROTATE_RE = re.compile(r"Rotate:\s*(\d+)")
_CONF_RE = re.compile(r"Orientation confidence:\s*([\d.]+)")
_VERSION_RE = re.compile(r"^tesseract\s+v?(\d+(?:\.\d+)*)", re.IGNORECASE | re.MULTILINE)


class TesseractFailed(Exception):
    """Tesseract failed or timed out on an image (the message is pytesseract's)."""


def image_data(image_path: Path, languages: str, dpi: int, psm: int) -> dict[str, list[Any]]:
    """Tesseract's words of an image file as columns (text, conf, left, top, width, height, block_num,
    par_num, line_num...). A path, never a PIL image: that would add a PNG round trip."""
    config = f"--psm {psm} --dpi {dpi}"
    try:
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            str(image_path),
            lang=languages,
            config=config,
            output_type=pytesseract.Output.DICT,
            timeout=deadline.seconds_for(OCR_TIMEOUT_SECONDS),
        )
    except (pytesseract.TesseractError, RuntimeError) as exc:  # RuntimeError: pytesseract's timeout
        deadline.check()  # stopped by the work's deadline, not by its own limit: BudgetSpent
        raise TesseractFailed(str(exc)) from exc
    return data


def orientation(image_path: Path, dpi: int) -> tuple[int, float]:
    """(degrees clockwise to make the text upright, Tesseract's confidence); (0, 0) when it cannot tell."""
    try:
        osd = pytesseract.image_to_osd(
            str(image_path), config=f"--psm 0 --dpi {dpi}", timeout=deadline.seconds_for(OSD_TIMEOUT_SECONDS)
        )
    except (pytesseract.TesseractError, RuntimeError):
        deadline.check()  # stopped by the work's deadline: BudgetSpent
        return 0, 0.0  # too little text to tell
    rotate = _ROTATE_RE.search(osd)
    conf = _CONF_RE.search(osd)
    if not rotate or not conf:
        return 0, 0.0
    return int(rotate.group(1)) % 360, float(conf.group(1))


def version() -> str | None:
    """The installed Tesseract's version ("5.3.0"); None when it is not on PATH or names no version."""
    found = _VERSION_RE.search(command.output(["tesseract", "--version"]) or "")
    return found.group(1) if found else None


def languages() -> frozenset[str] | None:
    """The language data Tesseract finds (`tesseract --list-langs`); None when Tesseract is not on PATH."""
    listed = command.output(["tesseract", "--list-langs"])
    if listed is None:
        return None
    return frozenset(line.strip() for line in listed.splitlines() if line.strip() and " " not in line.strip())
