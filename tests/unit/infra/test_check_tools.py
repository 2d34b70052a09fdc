"""check_tools(): the installed tools pass; a missing binary, language, too old a Tesseract or a missing
Python package each raise ToolMissing naming the Debian/Ubuntu package (fake PATH or a fake runner)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from infra.tools import command
from infra.tools.check import ToolMissing, ToolVersions, check_tools, probe_tools
from models.errors import DependencyError, ExitCode

TESSERACT_5 = """case "$1" in
  --version) echo "tesseract 5.3.0"; echo " leptonica-1.82.0";;
  --list-langs) echo 'List of available languages in "/usr/share/tesseract-ocr/5/tessdata/" (3):'; echo eng; echo fra; echo osd;;
esac"""
POPPLER = 'echo "${0##*/} version 22.12.0" >&2; echo "Copyright 2005-2022 The Poppler Developers" >&2; exit 99'
XPDF = 'echo "pdftotext version 4.04 [www.xpdfreader.com]"; echo "Copyright 1996-2022 Glyph & Cog, LLC"'


def fake_path(monkeypatch, folder: Path, **scripts: str) -> None:
    """PATH holds only `folder`, where each script becomes an executable shell script of that name."""
    folder.mkdir()
    for name, body in scripts.items():
        script = folder / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))


def every_tool(**overrides: str) -> dict[str, str]:
    tools = {"tesseract": TESSERACT_5, "pdftotext": POPPLER, "pdftoppm": POPPLER, "pdfinfo": POPPLER} | overrides
    return {name: body for name, body in tools.items() if body}


def failure() -> ToolMissing:
    with pytest.raises(ToolMissing) as caught:
        probe_tools()
    return caught.value


def test_the_installed_tools_pass_once_per_process():
    versions = check_tools()
    assert isinstance(versions, ToolVersions)
    assert int(versions.tesseract.split(".")[0]) >= 5
    assert versions.languages == ("eng", "fra", "osd")
    assert versions.poppler and versions.pikepdf and versions.qpdf
    assert check_tools() is versions  # cached: the tools are asked once
    assert f"tesseract {versions.tesseract}" in versions.summary()


def test_fake_tools_that_are_all_there_pass(monkeypatch, tmp_path):
    """Also: old poppler tools print their version on stderr and exit 99."""
    fake_path(monkeypatch, tmp_path / "bin", **every_tool())
    versions = probe_tools()
    assert (versions.tesseract, versions.languages, versions.poppler) == ("5.3.0", ("eng", "fra", "osd"), "22.12.0")


def test_missing_tesseract_names_its_package(monkeypatch, tmp_path):
    fake_path(monkeypatch, tmp_path / "bin", **every_tool(tesseract=""))
    error = failure()
    assert error.code == "missing_tool" and error.exit_code is ExitCode.MISSING_DEPENDENCY
    assert isinstance(error, DependencyError)
    assert "apt-get install tesseract-ocr " in error.message
    assert "language" not in error.message  # no noise about its data when Tesseract itself is missing


def test_too_old_a_tesseract_is_refused(monkeypatch, tmp_path):
    fake_path(monkeypatch, tmp_path / "bin", **every_tool(tesseract=TESSERACT_5.replace("5.3.0", "4.1.1")))
    assert "Tesseract 4.1.1 is too old" in failure().message


def test_a_missing_language_names_its_package(monkeypatch, tmp_path):
    fake_path(monkeypatch, tmp_path / "bin", **every_tool(tesseract=TESSERACT_5.replace("echo fra;", "")))
    message = failure().message
    assert "Tesseract's French language data (fra) is missing: apt-get install tesseract-ocr-fra" in message
    assert "eng" not in message and "osd" not in message


def test_missing_languages_through_a_fake_runner(monkeypatch):
    """The runner itself replaced: only English data, everything else as installed."""
    real = command.output

    def runner(args, timeout=command.PROBE_TIMEOUT_SECONDS):
        return "List of available languages (1):\neng\n" if list(args) == ["tesseract", "--list-langs"] else real(args, timeout)

    monkeypatch.setattr(command, "output", runner)
    message = failure().message
    assert "tesseract-ocr-fra" in message and "tesseract-ocr-osd" in message and "tesseract-ocr-eng" not in message


def test_missing_poppler_names_poppler_utils(monkeypatch, tmp_path):
    fake_path(monkeypatch, tmp_path / "bin", **every_tool(pdftoppm="", pdfinfo=""))
    message = failure().message
    assert "Poppler's pdftoppm, pdfinfo are missing" in message and "apt-get install poppler-utils" in message
    assert "Tesseract" not in message


def test_xpdfs_pdftotext_is_not_poppler(monkeypatch, tmp_path):
    fake_path(monkeypatch, tmp_path / "bin", **every_tool(pdftotext=XPDF))
    assert "Poppler's pdftotext is missing" in failure().message


def test_nothing_installed_lists_every_package(monkeypatch, tmp_path):
    fake_path(monkeypatch, tmp_path / "bin")
    message = failure().message
    assert "tesseract-ocr" in message and "poppler-utils" in message
    assert len(message.splitlines()) == 2


def test_a_missing_python_package_is_named(monkeypatch):
    monkeypatch.delitem(sys.modules, "infra.tools.tesseract")
    monkeypatch.setitem(sys.modules, "pytesseract", None)  # as if not installed: importing it fails
    message = failure().message
    assert "The Python package pytesseract is missing" in message and "requirements.lock" in message
