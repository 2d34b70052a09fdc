"""infra/tools/deadline.py: a tool's own time limit cut to the work's deadline, and which error a
stopped tool raises."""

from __future__ import annotations

import threading
import time

import pytest

from infra.tools import deadline
from infra.tools.command import ToolTimedOut


def due_in(seconds: float) -> deadline.Deadline:
    return deadline.Deadline(time.monotonic() + seconds, "request_timeout", 420)


def test_without_a_deadline_a_tool_keeps_its_own_limit():
    assert deadline.current() is None and deadline.seconds_for(30) == 30 and not deadline.spent()
    assert isinstance(deadline.stopped("pdftoppm", 30), ToolTimedOut)


def test_a_tool_limit_is_cut_to_the_deadline():
    with deadline.within(due_in(5)):
        assert 4 < deadline.seconds_for(30) <= 5 and deadline.seconds_for(2) == 2
        assert isinstance(deadline.stopped("pdftoppm", 2), ToolTimedOut)  # its own limit stopped it
    assert deadline.current() is None


def test_past_the_deadline_no_tool_starts_and_a_stopped_one_is_budget_spent():
    with deadline.within(due_in(0.05)):
        with pytest.raises(deadline.BudgetSpent) as spent:
            deadline.seconds_for(30)
        assert (spent.value.reason, spent.value.seconds, spent.value.code) == ("request_timeout", 420, "budget_spent")
        assert isinstance(deadline.stopped("tesseract", 120), deadline.BudgetSpent) and deadline.spent()


def test_each_thread_has_its_own_deadline():
    seen = []
    with deadline.within(due_in(0.05)):
        thread = threading.Thread(target=lambda: seen.append(deadline.current()))
        thread.start()
        thread.join()
    assert seen == [None]
