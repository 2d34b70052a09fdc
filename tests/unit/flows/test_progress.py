"""The progress line: files, pages and ETA on a terminal; nothing when not a terminal."""

from __future__ import annotations

import io

from flows.progress import Progress


def test_a_terminal_sees_files_pages_and_an_eta():
    out = io.StringIO()
    progress = Progress(4, out, enabled=True)
    progress.advance(3)
    progress.advance(1)
    assert "2/4 files, 4 pages" in out.getvalue() and "ETA" in out.getvalue()
    progress.clear()
    assert out.getvalue().endswith("\r\x1b[2K")


def test_a_pipe_sees_nothing():
    out = io.StringIO()  # StringIO is not a terminal
    progress = Progress(2, out)
    progress.advance(5)
    progress.clear()
    assert out.getvalue() == ""
