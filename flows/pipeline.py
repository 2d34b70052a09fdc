"""The stages chained in plain Python (no Prefect): read pages, build documents, build the claim.

The Prefect flow wraps these same functions one task each; `intake extract` calls them directly.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone

from extractors.document import build_documents
from extractors.fields import parties
from extractors.ocr import OcrError
from extractors.page_reader import read_page
from models import Claim, Document, Flag, FlagCode, OcrPage, RejectedFile, Severity, Upload, UploadReport
from validators.decide import decide_status
from validators.document_checks import check_document

log = logging.getLogger(__name__)
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def worker_count() -> int:
    """Concurrent page readers: one per core (Tesseract itself runs single-threaded)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def new_claim_id(now: datetime | None = None) -> str:
    """A claim number a claimant can quote: CLM-YYYYMMDD-XXXXXX (random, Crockford base32)."""
    now = now or datetime.now(timezone.utc)
    suffix = "".join(secrets.choice(_CROCKFORD) for _ in range(6))
    return f"CLM-{now:%Y%m%d}-{suffix}"


@dataclass(frozen=True)
class PageOutcome:
    """A page read, or the flag saying why it could not be."""

    upload: Upload
    page_no: int
    page: OcrPage | None
    flag: Flag | None


def read_page_outcome(upload: Upload, page_no: int, workdir: str | None = None) -> PageOutcome:
    """Read one page; a failure becomes a flag naming the file and page, never an exception."""
    try:
        return PageOutcome(upload, page_no, read_page(upload, page_no, workdir), None)
    except OcrError as exc:
        code, text = FlagCode.OCR_FAILED, f"échec de la lecture OCR ({type(exc).__name__})"
    except Exception as exc:  # noqa: BLE001 - any decoding failure of a stranger's file is a flag
        code, text = FlagCode.UNREADABLE_FILE, f"page illisible ({type(exc).__name__})"
    log.warning("page %d of a %s file failed: %s", page_no, upload.media_type.value, code.value)
    flag = Flag(code=code, severity=Severity.ERROR, message=f"{upload.file}, page {page_no} : {text}.", file=upload.file, page=page_no)
    return PageOutcome(upload, page_no, None, flag)


def documents_from_outcomes(upload: Upload, outcomes: Sequence[PageOutcome]) -> list[Document]:
    """Classify, extract and check one file from its page outcomes: one Document per proof it holds
    (pages that could not be read are flagged on the first)."""
    pages = [o.page for o in outcomes if o.page is not None]
    failures = [o.flag for o in outcomes if o.flag is not None]
    documents = build_documents(upload, pages)
    checked = []
    for i, document in enumerate(documents):
        own = [p for p in pages if p.page in {info.page for info in document.pages}]
        checked.append(check_document(document, own, failures if i == 0 else ()))
    return checked


def page_jobs(uploads: Sequence[Upload]) -> list[tuple[Upload, int]]:
    """Every (upload, page number) of a request, in file then page order."""
    return [(upload, page_no) for upload in uploads for page_no in range(1, upload.page_count + 1)]


def warm_up_language_model() -> None:
    """Load spaCy's model in the background while pages are OCR'd (it is needed only afterwards)."""
    threading.Thread(target=parties.nlp_model, name="spacy-warm-up", daemon=True).start()


def read_all_pages(uploads: Sequence[Upload], workers: int | None = None) -> list[PageOutcome]:
    """Read every page of every upload concurrently, bounded by the cores; results in input order."""
    warm_up_language_model()
    jobs = page_jobs(uploads)
    with ThreadPoolExecutor(max_workers=workers or worker_count()) as pool:
        return list(pool.map(lambda job: read_page_outcome(*job), jobs))


def documents_from_pages(uploads: Sequence[Upload], outcomes: Sequence[PageOutcome]) -> list[Document]:
    """The Documents of every upload, in upload order (a file holding several proofs gives several)."""
    return [d for u in uploads for d in documents_from_outcomes(u, [o for o in outcomes if o.upload.index == u.index])]


def build_claim(claim_id: str, report: UploadReport, documents: Sequence[Document], now: datetime | None = None) -> Claim:
    """The claim with its claim-level flags and status."""
    claim_flags: list[Flag] = []
    if not documents:
        claim_flags.append(
            Flag(code=FlagCode.NO_DOCUMENT, severity=Severity.ERROR, message="Aucun fichier exploitable dans la demande.")
        )
    every_flag = [*claim_flags, *(f for d in documents for f in d.flags), *(f for r in report.rejected for f in r.flags)]
    return Claim(
        claim_id=claim_id,
        created_at=now or datetime.now(timezone.utc),
        status=decide_status(documents, every_flag),
        documents=tuple(documents),
        rejected_files=tuple(report.rejected),
        flags=tuple(claim_flags),
    )


def extract_report(report: UploadReport, workers: int | None = None) -> list[Document | RejectedFile]:
    """Each received file as its own Document (or RejectedFile), in input order - no claim rules."""
    outcomes = read_all_pages(report.accepted, workers)
    indexed: list[tuple[int, Document | RejectedFile]] = [
        *((u.index, d) for u in report.accepted for d in documents_from_pages([u], outcomes)),
        *((r.index, r) for r in report.rejected),
    ]
    return [item for _, item in sorted(indexed, key=lambda pair: pair[0])]
