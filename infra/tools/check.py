"""`check_tools()`: verify once per process, before any work, that the external tools are installed
(Tesseract 5 or later with its French, English and orientation data; poppler's pdftotext, pdftoppm
and pdfinfo; pikepdf with its libqpdf) and return their versions for logs and `--version`. RapidOCR
(the second reader) is checked in the accurate OCR mode, the default (its package, version and bundled
models); with INTAKE_OCR_MODE=fast its version is reported, as optional.

Anything missing raises one `ToolMissing` naming every missing piece and the Debian/Ubuntu package
that provides it. The adapters are imported here, inside the check, so that a missing Python package
(pytesseract, pdf2image, pikepdf) is reported the same way instead of as an ImportError.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from types import ModuleType

from infra.tools.ocr_settings import OcrMode, ocr_mode
from models.errors import DependencyError

MIN_TESSERACT_MAJOR = 5
SETUP = "(or run `make setup`)"
# language code -> (what it is, the Debian/Ubuntu package holding it)
LANGUAGES = {
    "fra": ("French language data", "tesseract-ocr-fra"),
    "eng": ("English language data", "tesseract-ocr-eng"),
    "osd": ("orientation and script detection data", "tesseract-ocr-osd"),
}


class ToolMissing(DependencyError):
    """An external tool, its data or a Python package wrapping it is missing or too old."""

    code = "missing_tool"


@dataclass(frozen=True)
class ToolVersions:
    """The versions found, e.g. for a log line or `intake --version`."""

    tesseract: str
    languages: tuple[str, ...]
    poppler: str
    pikepdf: str
    qpdf: str
    rapidocr: str = ""  # "3.10.0 (onnxruntime 1.32.0)"; "" when not installed (needed only in accurate OCR mode)

    def summary(self) -> str:
        """One line: "tesseract 5.3.0 (eng, fra, osd), poppler 22.12.0, pikepdf 10.17.0 (libqpdf 12.4.2),
        rapidocr 3.10.0 (onnxruntime 1.32.0)"."""
        second = f"rapidocr {self.rapidocr}" if self.rapidocr else "rapidocr not installed (optional)"
        return (
            f"tesseract {self.tesseract} ({', '.join(self.languages)}), poppler {self.poppler}, "
            f"pikepdf {self.pikepdf} (libqpdf {self.qpdf}), {second}"
        )


@functools.cache
def check_tools() -> ToolVersions:
    """`probe_tools()`, run once per process: later calls return the first answer (a failure is not
    remembered, so a process may check again after installing)."""
    return probe_tools()


def probe_tools() -> ToolVersions:
    """Ask every tool for its version; raise ToolMissing naming everything missing and how to install it."""
    problems: list[str] = []
    tesseract, poppler, pdf = (_adapter(name, problems) for name in ("tesseract", "poppler", "pdf"))
    pikepdf, qpdf = pdf.versions() if pdf else ("", "")
    versions = ToolVersions(
        tesseract=_tesseract(tesseract, problems) if tesseract else "",
        languages=_languages(tesseract, problems) if tesseract else (),
        poppler=_poppler(poppler, problems) if poppler else "",
        pikepdf=pikepdf,
        qpdf=qpdf,
        rapidocr=_rapidocr(problems, required=ocr_mode() is OcrMode.ACCURATE),
    )
    if problems:
        raise ToolMissing("\n".join(problems))
    return versions


def _adapter(name: str, problems: list[str]) -> ModuleType | None:
    """infra.tools.<name>, or None (and a problem) when a Python package it imports is missing."""
    try:
        return importlib.import_module(f"infra.tools.{name}")
    except ImportError as exc:
        package = (exc.name or name).split(".")[0]
        problems.append(f"The Python package {package} is missing or broken: .venv/bin/pip install -r requirements.lock {SETUP}")
        return None


def _tesseract(adapter: ModuleType, problems: list[str]) -> str:
    found: str | None = adapter.version()
    if found is None:
        problems.append(
            f"Tesseract is not installed (no `tesseract` on PATH answering --version): apt-get install tesseract-ocr {SETUP}"
        )
    elif int(found.split(".")[0]) < MIN_TESSERACT_MAJOR:
        problems.append(
            f"Tesseract {found} is too old ({MIN_TESSERACT_MAJOR} or later needed): apt-get install tesseract-ocr from "
            f"Debian 12+ or Ubuntu 24.04+ (on older Ubuntu, the alex-p/tesseract-ocr5 PPA) {SETUP}"
        )
    return found or ""


def _languages(adapter: ModuleType, problems: list[str]) -> tuple[str, ...]:
    """The needed language data found; each missing one is a problem (none when Tesseract itself is missing)."""
    installed: frozenset[str] | None = adapter.languages()
    if installed is None:
        return ()
    for code, (what, package) in LANGUAGES.items():
        if code not in installed:
            problems.append(f"Tesseract's {what} ({code}) is missing: apt-get install {package} {SETUP}")
    return tuple(sorted(installed & LANGUAGES.keys()))


def _poppler(adapter: ModuleType, problems: list[str]) -> str:
    found: dict[str, str | None] = {program: adapter.version(program) for program in adapter.PROGRAMS}
    missing = [program for program, version in found.items() if version is None]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        problems.append(
            f"Poppler's {', '.join(missing)} {verb} missing (or another program of that name, e.g. xpdf's, "
            f"comes first on PATH): apt-get install poppler-utils {SETUP}"
        )
    return found["pdftotext"] or ""


def _rapidocr(problems: list[str], required: bool) -> str:
    """RapidOCR's and onnxruntime's versions; when the accurate OCR mode needs them, anything missing
    (the packages, the pinned version, its bundled models) is a problem."""
    try:
        adapter = importlib.import_module("infra.tools.rapidocr")
    except ImportError:
        adapter = None
    found = adapter.versions() if adapter else None
    if not required:
        return f"{found[0]} (onnxruntime {found[1]})" if found else ""
    if adapter is None or found is None:
        problems.append(
            f"the accurate OCR mode (the default) needs the Python packages rapidocr and onnxruntime: "
            f".venv/bin/pip install -r requirements.lock {SETUP}, or set INTAKE_OCR_MODE=fast"
        )
        return ""
    if found[0] != adapter.PINNED_VERSION:
        problems.append(
            f"RapidOCR {found[0]} is installed, {adapter.PINNED_VERSION} is needed (its models are the ones bundled; "
            f"another version would download them): .venv/bin/pip install -r requirements.lock {SETUP}"
        )
    else:
        try:
            adapter.model_paths()
        except adapter.RapidOcrUnavailable as exc:
            problems.append(f"{exc}: .venv/bin/pip install --force-reinstall rapidocr=={adapter.PINNED_VERSION} {SETUP}")
    return f"{found[0]} (onnxruntime {found[1]})"
