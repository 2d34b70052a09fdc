"""intake/budget.py and the pipeline's reading within it: a slow fake page reader stands in for
poppler and Tesseract. A file past its budget has its other pages flagged (one flag naming them) and
the next file is read; pages the request's budget leaves unread are flagged, never dropped; a page
being read stops at its deadline."""

from __future__ import annotations

import time

import pytest

from infra.tools import deadline
from intake import budget, pipeline
from intake.budget import Budget, RequestClock, page_ranges
from intake.inbox import LEASE
from models import FlagCode, MediaType, OcrPage, TextSource, Upload

PAGE_SECONDS = 0.2


def upload(index: int, pages: int) -> Upload:
    return Upload(
        index=index,
        file=f"file-{index}.pdf",
        path=f"/nowhere/{index}.pdf",
        size=1,
        sha256="0" * 64,
        media_type=MediaType.PDF,
        page_count=pages,
    )


@pytest.fixture
def slow_reader(monkeypatch):
    """Every page takes PAGE_SECONDS and reads as empty."""

    def read_page(upload: Upload, page_no: int, workdir: str | None = None) -> OcrPage:
        time.sleep(PAGE_SECONDS)
        return OcrPage(page=page_no, width=10, height=10, dpi=300, source=TextSource.OCR)

    monkeypatch.setattr(pipeline, "read_page", read_page)
    monkeypatch.setattr(pipeline, "warm_up_language_model", lambda: None)


def read(uploads: list[Upload], given: Budget, cpu=budget.process_cpu_seconds) -> list[pipeline.PageOutcome]:
    return pipeline.read_all_pages(uploads, workers=1, clock=RequestClock(given, cpu=cpu))


def flags_of(outcomes: list[pipeline.PageOutcome]) -> list:
    return [o.flag for o in outcomes if o.flag is not None]


def unread_pages(flag) -> set[int]:
    pages: set[int] = set()
    for part in flag.details["pages"].split(", "):
        first, _, last = part.partition("-")
        pages.update(range(int(first), int(last or first) + 1))
    return pages


def test_the_budgets_are_well_below_the_inbox_lease():
    assert budget.FILE_SECONDS < budget.REQUEST_SECONDS <= LEASE.total_seconds() / 2
    assert budget.REQUEST_CPU_SECONDS is not None and budget.REQUEST_CPU_SECONDS > 0


def test_page_ranges():
    assert page_ranges([7, 3, 5, 6]) == "3, 5-7"
    assert page_ranges([12]) == "12"


def test_a_file_past_its_budget_is_flagged_once_and_the_next_file_is_read(slow_reader):
    outcomes = read(
        [upload(0, 10), upload(1, 3)], Budget(file_seconds=3.5 * PAGE_SECONDS, request_seconds=60, request_cpu_seconds=None)
    )
    first = [o for o in outcomes if o.upload.index == 0]
    (flag,) = flags_of(first)
    read_pages = {o.page_no for o in first if o.page is not None}
    assert 1 in read_pages and 10 not in read_pages
    assert read_pages | unread_pages(flag) == set(range(1, 11)) and not read_pages & unread_pages(flag)
    assert flag.code is FlagCode.UNREADABLE_FILE and flag.file == "file-0.pdf" and flag.page == min(unread_pages(flag))
    assert flag.details["cause"] == "file_timeout" and flag.details["seconds"] == f"{3.5 * PAGE_SECONDS:g}"
    assert "pages non lues" in flag.message and flag.details["pages"] in flag.message_en
    assert all(o.page is not None for o in outcomes if o.upload.index == 1)  # the rest of the request goes on


def test_pages_left_by_the_request_budget_are_flagged_never_dropped(slow_reader):
    uploads = [upload(0, 3), upload(1, 4), upload(2, 2)]
    started = time.monotonic()
    outcomes = read(uploads, Budget(file_seconds=60, request_seconds=4.5 * PAGE_SECONDS, request_cpu_seconds=None))
    assert time.monotonic() - started < 10 * PAGE_SECONDS  # not the 9 pages' time
    assert [(o.upload.index, o.page_no) for o in outcomes] == [(u.index, n) for u, n in pipeline.page_jobs(uploads)]
    flags = flags_of(outcomes)
    assert {f.details["cause"] for f in flags} == {"request_timeout"}
    assert {f.file for f in flags} >= {"file-1.pdf", "file-2.pdf"}
    for u in uploads:  # every page is read or named in its file's one flag
        read_pages = {o.page_no for o in outcomes if o.upload.index == u.index and o.page is not None}
        named = set().union(*(unread_pages(f) for f in flags if f.file == u.file))
        assert read_pages | named == set(range(1, u.page_count + 1)) and not read_pages & named
    assert sum(f.file == "file-2.pdf" for f in flags) == 1 and unread_pages(flags[-1]) == {1, 2}


def test_the_request_cpu_budget_stops_the_reading(slow_reader):
    spent = iter(range(0, 1000, 10))  # each look at the clock: 10 more CPU-seconds
    outcomes = read(
        [upload(0, 6)], Budget(file_seconds=60, request_seconds=60, request_cpu_seconds=25), cpu=lambda: float(next(spent))
    )
    (flag,) = flags_of(outcomes)
    assert flag.details["cause"] == "request_cpu" and unread_pages(flag) == {3, 4, 5, 6}
    assert [o.page_no for o in outcomes if o.page is not None] == [1, 2]


def test_a_page_being_read_stops_at_its_deadline(monkeypatch):
    """A tool run cut to the deadline: a page whose tool would take 30 s is stopped at the budget."""

    def stuck(upload: Upload, page_no: int, workdir: str | None = None) -> OcrPage:
        time.sleep(deadline.seconds_for(30))
        deadline.check()
        raise AssertionError("not stopped")

    monkeypatch.setattr(pipeline, "read_page", stuck)
    monkeypatch.setattr(pipeline, "warm_up_language_model", lambda: None)
    started = time.monotonic()
    outcomes = read([upload(0, 2)], Budget(file_seconds=1.0, request_seconds=60, request_cpu_seconds=None))
    assert time.monotonic() - started < 5
    (flag,) = flags_of(outcomes)
    assert flag.details == {"cause": "file_timeout", "pages": "1-2", "seconds": "1"}


def test_without_a_clock_a_page_has_no_deadline(monkeypatch):
    seen = []
    monkeypatch.setattr(
        pipeline,
        "read_page",
        lambda *args: seen.append(deadline.current()) or OcrPage(page=1, width=10, height=10, dpi=300, source=TextSource.OCR),
    )
    assert pipeline.read_page_outcome(upload(0, 1), 1).page is not None
    assert seen == [None]


def test_the_clock_gives_the_earlier_deadline_and_starts_a_file_at_its_first_page():
    clock = RequestClock(Budget(file_seconds=100, request_seconds=50, request_cpu_seconds=None))
    assert clock.deadline(0).reason == "request_timeout"
    clock = RequestClock(Budget(file_seconds=0.3, request_seconds=50, request_cpu_seconds=None))
    assert clock.deadline(0).reason == "file_timeout"
    time.sleep(0.4)
    with pytest.raises(deadline.BudgetSpent) as spent:
        clock.deadline(0)
    assert spent.value.reason == "file_timeout"
    assert clock.deadline(1).left() > 0.2  # another file's time starts now
