"""infra.tools.poppler against the installed poppler, on a generated PDF: its time limits, and the
work's deadline cutting them."""

from __future__ import annotations

import time

import numpy as np
import pytest

from infra.tools import deadline, poppler
from infra.tools.command import ToolTimedOut
from samples.generator import hostile
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


def near_deadline(seconds: float) -> deadline.Deadline:
    return deadline.Deadline(time.monotonic() + seconds, "file_timeout", 180)


def test_a_tool_is_stopped_at_the_works_deadline_not_its_own_limit(tmp_path):
    """A page that takes poppler minutes, read with 1 s of its file's budget left: stopped after ~1 s,
    as the budget's (BudgetSpent), not as the page's (ToolTimedOut, after 20 or 30 s)."""
    slow = str(hostile.drawing_ops(tmp_path / "slow.pdf", count=20_000_000))
    for run in (lambda: poppler.bbox_layout(slow, 1), lambda: poppler.render_gray(slow, 1, 300)):
        started = time.monotonic()
        with deadline.within(near_deadline(1.0)), pytest.raises(deadline.BudgetSpent) as spent:
            run()
        assert time.monotonic() - started < 5 and spent.value.reason == "file_timeout" and spent.value.seconds == 180


def test_no_tool_is_started_past_the_works_deadline(tmp_path, monkeypatch):
    monkeypatch.setattr(poppler.subprocess, "run", lambda *args, **kwargs: pytest.fail("started"))
    with deadline.within(near_deadline(0.0)), pytest.raises(deadline.BudgetSpent):
        poppler.bbox_layout(str(text_pdf(tmp_path / "invoice.pdf")), 1)
