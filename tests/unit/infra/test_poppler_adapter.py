"""infra.tools.poppler against the installed poppler, on a generated PDF."""

from __future__ import annotations

import numpy as np
import pytest

from infra.tools import poppler
from infra.tools.command import ToolTimedOut
from tests.unit.infra.tool_inputs import LINES, text_pdf

A4_POINTS = (595, 842)


def test_bbox_layout_gives_the_words_with_their_boxes(tmp_path):
    layout = poppler.bbox_layout(str(text_pdf(tmp_path / "invoice.pdf")), 1)
    assert layout is not None and b'<page width="595' in layout
    assert b"xMin=" in layout and LINES[0].split()[0].encode() in layout


def test_bbox_layout_of_a_file_that_is_not_a_pdf_is_none(tmp_path):
    notes = tmp_path / "notes.pdf"
    notes.write_text("plain text, not a PDF")
    assert poppler.bbox_layout(str(notes), 1) is None


def test_render_gray_at_a_resolution(tmp_path):
    gray = poppler.render_gray(str(text_pdf(tmp_path / "invoice.pdf")), 1, 72)
    assert gray.dtype == np.uint8 and gray.ndim == 2
    assert abs(gray.shape[0] - A4_POINTS[1]) <= 1 and abs(gray.shape[1] - A4_POINTS[0]) <= 1  # poppler rounds up
    assert gray.min() < 100 and gray.max() == 255  # dark ink on a white page


def test_render_gray_to_an_exact_size(tmp_path):
    gray = poppler.render_gray_to_size(str(text_pdf(tmp_path / "invoice.pdf")), 1, (300, 424))
    assert gray.shape == (424, 300) and gray.dtype == np.uint8


def test_rendering_a_page_that_does_not_exist_fails(tmp_path):
    with pytest.raises(ValueError, match="page 3 could not be rendered"):
        poppler.render_gray(str(text_pdf(tmp_path / "invoice.pdf")), 3, 72)


def test_version_of_each_poppler_tool():
    for program in poppler.PROGRAMS:
        assert poppler.version(program)[0].isdigit()
    assert poppler.version("no-such-program-anywhere") is None


def test_a_render_past_its_time_limit_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(poppler, "RENDER_TIMEOUT_SECONDS", 0.001)
    with pytest.raises(ToolTimedOut) as stopped:
        poppler.render_gray(str(text_pdf(tmp_path / "invoice.pdf")), 1, 300)
    assert stopped.value.code == "tool_timeout" and stopped.value.seconds == 0.001


def test_a_text_layer_past_its_time_limit_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(poppler, "TEXT_TIMEOUT_SECONDS", 0.001)
    with pytest.raises(ToolTimedOut):
        poppler.bbox_layout(str(text_pdf(tmp_path / "invoice.pdf")), 1)
