"""No real document crashes the pipeline: every file of the shared corpus (tests/conftest.py CORPUS:
SROIE receipts, e-invoices and their scans) goes through the path `intake extract` takes and yields
Documents or RejectedFiles, never an exception. Two files at a time (each is one page or a
text-layer PDF): about 12 minutes on 2 cores for the 341 files of today's corpus. Skipped when the
corpus is absent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from intake.pipeline import extract_report
from models import Document, RejectedFile
from tests.conftest import CORPUS
from validators.upload import check_uploads

SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png"}


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*/*") if p.suffix.lower() in SUFFIXES)


def _outcome(path: Path) -> tuple[Path, list[Document | RejectedFile] | BaseException]:
    try:
        return path, extract_report(check_uploads([path]), workers=1)
    except Exception as exc:  # the point of the test: report every crash, not only the first
        return path, exc


@pytest.mark.timeout(1800)  # 341 files (sroie-train's 200 receipts joined the corpus): ~12 min on 2 cores
def test_every_corpus_file_yields_documents_or_rejections():
    if not CORPUS.is_dir() or not corpus_files():
        pytest.skip(f"no shared corpus at {CORPUS}: the real-document crash test needs it")
    files = corpus_files()
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(_outcome, files))
    crashed = [
        f"{path.parent.name}/{path.name}: {type(result).__name__}: {result}"
        for path, result in outcomes
        if isinstance(result, BaseException)
    ]
    assert not crashed, "\n".join(crashed)
    for path, result in outcomes:
        assert isinstance(result, list) and result, path.name
        assert all(isinstance(item, Document | RejectedFile) for item in result), path.name
