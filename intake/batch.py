"""`intake extract` over any number of files: each file read as its own document(s), no claim rules,
results streamed in input order as soon as each file is read. Several files are read at once (one
per core), at most a small window of them in flight, so memory stays bounded however many files
there are; a single file has its pages read in parallel instead."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from intake.budget import Budget, RequestClock
from intake.pipeline import documents_from_pages, merge_unread, page_jobs, read_all_pages, read_page_outcome, worker_count
from models import Document, RejectedFile
from validators.upload import check_uploads

DOCUMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")


@dataclass(frozen=True)
class FileResult:
    """One input file read: its position in the input, its documents (or why it was refused), its pages."""

    position: int
    path: Path
    items: tuple[Document | RejectedFile, ...]
    pages: int


def expand(names: Sequence[str], recursive: bool = True, leave_out: Sequence[str] = ()) -> tuple[list[Path], list[Path]]:
    """(files to read, files skipped): files as named (always taken: the upload rules judge them), and
    the documents (PDF, JPG, PNG by suffix) of each folder named, in name order, recursively or not;
    a folder's other files, and those named in `leave_out`, are skipped. A missing path is a
    FileNotFoundError."""
    files: list[Path] = []
    skipped: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            for found in sorted(p for p in (path.rglob("*") if recursive else path.iterdir()) if p.is_file()):
                if found.name in leave_out:
                    continue
                (files if found.suffix.lower() in DOCUMENT_SUFFIXES else skipped).append(found)
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(name)
    return files, skipped


def read_file(position: int, path: Path, parallel_pages: bool = False) -> FileResult:
    """One file as its own request of one file: upload rules, pages (within a request's budget:
    intake/budget.py), documents."""
    report = check_uploads([path])
    if parallel_pages:
        outcomes = read_all_pages(report.accepted)
    else:  # files are read side by side: the process's CPU is not this file's, its wall time is
        clock = RequestClock(Budget(request_cpu_seconds=None))
        outcomes = merge_unread(
            [read_page_outcome(upload, page_no, clock=clock) for upload, page_no in page_jobs(report.accepted)]
        )
    items: list[Document | RejectedFile] = [
        *documents_from_pages(report.accepted, outcomes),
        *(r.model_copy(update={"index": position}) for r in report.rejected),
    ]
    return FileResult(position, path, tuple(items), sum(u.page_count for u in report.accepted))


def extract_files(paths: Iterable[Path], workers: int | None = None) -> Iterator[FileResult]:
    """Each file's result, in input order, as soon as it and those before it are read."""
    listed = list(paths)
    workers = workers or worker_count()
    if len(listed) == 1:
        yield read_file(0, listed[0], parallel_pages=True)
        return
    window: deque[Future[FileResult]] = deque()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for position, path in enumerate(listed):
            window.append(pool.submit(read_file, position, path))
            if len(window) >= 2 * workers:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
