"""Which function runs each stage of a request: upload rules, page reading, documents. The plain
stages (threads across the cores) are the default; `flows/tasks.py` supplies the same functions as
Prefect tasks. Either way `intake.request.process_request` chains them the same way."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from intake import pipeline
from models import Document, Upload, UploadReport
from validators.upload import check_uploads


@dataclass(frozen=True)
class Stages:
    """The stage functions a request goes through, in this order."""

    check_uploads: Callable[[Sequence[Path]], UploadReport] = check_uploads
    read_pages: Callable[[Sequence[Upload]], list[pipeline.PageOutcome]] = pipeline.read_all_pages
    build_documents: Callable[[Sequence[Upload], Sequence[pipeline.PageOutcome]], list[Document]] = pipeline.documents_from_pages


PLAIN = Stages()
