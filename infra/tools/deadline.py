"""The deadline of the work under way in this thread (one file of a request, set by intake/budget.py),
as the tool adapters see it: each external tool's own time limit is cut to what is left of it, and
a tool stopped by it raises `BudgetSpent` (the work's budget ran out) instead of `ToolTimedOut` (the
tool took too long on its own).

A context variable: each page-reading thread sets its own (`within`), and code run outside any
work (the version probes, the review desk) has none and keeps the tools' own limits.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from infra.tools.command import ToolTimedOut
from models.errors import IntakeError

MIN_SECONDS = 0.2  # less than this left: the tool is not started (nor a page read again by RapidOCR)


@dataclass(frozen=True)
class Deadline:
    """When the work must stop (`time.monotonic()` seconds), which budget sets it (`reason`: a stable
    name, e.g. file_timeout) and that budget's size in seconds (for the flag)."""

    at: float
    reason: str
    seconds: float

    def left(self) -> float:
        return self.at - time.monotonic()


class BudgetSpent(IntakeError, code="budget_spent"):
    """The work's time (or CPU) budget ran out: what was being read is left unread (`reason` names the
    budget: file_timeout, request_timeout, request_cpu; `seconds` is its size)."""

    def __init__(self, reason: str, seconds: float):
        super().__init__(f"{reason}: budget of {seconds:g} s spent")
        self.reason = reason
        self.seconds = seconds


_CURRENT: ContextVar[Deadline | None] = ContextVar("intake_deadline", default=None)


@contextmanager
def within(deadline: Deadline | None) -> Iterator[None]:
    """Run the block under `deadline` (None: no deadline)."""
    token = _CURRENT.set(deadline)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current() -> Deadline | None:
    """The deadline of the work under way in this thread; None outside any."""
    return _CURRENT.get()


def spent() -> bool:
    """True when the current deadline is (nearly) passed."""
    deadline = _CURRENT.get()
    return deadline is not None and deadline.left() < MIN_SECONDS


def check() -> None:
    """BudgetSpent when the current deadline is (nearly) passed."""
    deadline = _CURRENT.get()
    if deadline is not None and spent():
        raise BudgetSpent(deadline.reason, deadline.seconds)


def seconds_for(limit: float) -> float:
    """The time limit to give a tool: its own `limit`, or less when the deadline comes first;
    BudgetSpent when too little is left to start it."""
    check()
    deadline = _CURRENT.get()
    return limit if deadline is None else min(limit, deadline.left())


def stopped(program: str, limit: float) -> IntakeError:
    """The error for a tool killed at its time limit: BudgetSpent when the deadline had cut that limit
    (and has now passed), else ToolTimedOut (the tool's own limit)."""
    deadline = _CURRENT.get()
    if deadline is not None and spent():
        return BudgetSpent(deadline.reason, deadline.seconds)
    return ToolTimedOut(program, limit)
