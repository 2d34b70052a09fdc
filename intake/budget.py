"""Time and CPU budgets of a request's page reading, per file and per request, well below the inbox
lease (intake/inbox.py `LEASE`, 15 minutes: a submission still being read when it ends is taken
again by another worker). The tools' limits are per page (infra/tools/poppler.py, tesseract.py), and
pages each just under them added up: 50 pages sharing one heavy content stream took 503 s.

- a file gets FILE_SECONDS of wall time from the moment its first page starts being read;
- a request gets REQUEST_SECONDS of wall time from the moment its reading starts, and
  REQUEST_CPU_SECONDS of CPU: this process's threads and the tools it has run to their end (poppler,
  Tesseract, jbig2dec). CPU is measured for the whole process (per file it cannot be told apart:
  two files' pages are read at once), so it is exact when the process reads one request at a time,
  as the service does, and errs on the safe side otherwise; it is checked before each page (a tool
  run is stopped by the wall-time deadline only).

A page being read when its budget runs out stops at its next tool run (each tool's own limit is cut
to the deadline: infra/tools/deadline.py); the pages a budget leaves unread are flagged
`unreadable_file` (causes `file_timeout`, `request_timeout`, `request_cpu`: their wording is in
validators/rules/flag_messages.toml), and the rest of the request goes on. These are bounds on the
machine's work, not an insurer's policy: module constants, as the page and pixel bounds are.
"""

from __future__ import annotations

import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from infra.tools.deadline import BudgetSpent, Deadline

FILE_SECONDS = (
    75.0  # a 50-page scanned file reads in ~60 s on two idle cores (accurate OCR mode); a hostile file is done in < 90 s
)
REQUEST_SECONDS = 420.0  # 7 minutes: a 100-page request reads in ~2 min; the rest of the 15-minute lease is margin
REQUEST_CPU_SECONDS = 720.0  # 100 pages at 7.2 CPU-s: twice the costliest page average measured (receipts, accurate)
CAUSES = ("file_timeout", "request_timeout", "request_cpu")  # `details.cause` of the flags they give


def process_cpu_seconds() -> float:
    """CPU seconds of this process (every thread) and of the children it has waited for (the tools)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class Budget:
    """The budgets of one request's reading, in seconds; no CPU budget when `request_cpu_seconds` is None."""

    file_seconds: float = FILE_SECONDS
    request_seconds: float = REQUEST_SECONDS
    request_cpu_seconds: float | None = REQUEST_CPU_SECONDS


class RequestClock:
    """One request's reading against its budget, from the moment it is made; shared by the threads
    reading its pages."""

    def __init__(self, budget: Budget | None = None, cpu: Callable[[], float] = process_cpu_seconds):
        self.budget = budget or Budget()
        self._cpu = cpu
        self._started = time.monotonic()
        self._cpu_started = cpu() if self.budget.request_cpu_seconds is not None else 0.0
        self._file_started: dict[int, float] = {}
        self._lock = threading.Lock()

    def deadline(self, file_index: int) -> Deadline:
        """The deadline for reading a page of file `file_index` now (the file's time starts with its
        first page): the earlier of its file's and the request's. BudgetSpent when one has run out."""
        budget, now = self.budget, time.monotonic()
        request = Deadline(self._started + budget.request_seconds, "request_timeout", budget.request_seconds)
        if now >= request.at:
            raise BudgetSpent(request.reason, request.seconds)
        if budget.request_cpu_seconds is not None and self._cpu() - self._cpu_started >= budget.request_cpu_seconds:
            raise BudgetSpent("request_cpu", budget.request_cpu_seconds)
        with self._lock:
            file_started = self._file_started.setdefault(file_index, now)
        file = Deadline(file_started + budget.file_seconds, "file_timeout", budget.file_seconds)
        if now >= file.at:
            raise BudgetSpent(file.reason, file.seconds)
        return min(file, request, key=lambda d: d.at)


def page_ranges(pages: list[int]) -> str:
    """Page numbers as a reader writes them: [3, 5, 6, 7] -> "3, 5-7"."""
    runs: list[list[int]] = []
    for page in sorted(set(pages)):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)
