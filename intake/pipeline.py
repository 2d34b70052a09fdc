"""The stage functions between the upload rules and the claim, in plain Python: read each page (a
failure becomes a flag, never an exception), build a file's documents, build the claim with its
claim-level checks and status. `intake.stages.Stages` chains them; the Prefect flows run the same
functions, some as tasks (`flows/tasks.py`)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from extractors.document import build_documents
from extractors.einvoice import read_einvoice
from extractors.fields import parties
from extractors.ocr import OcrError
from extractors.page_reader import read_page
from extractors.pages import MAX_PAGE_PIXELS, OversizedImage, UnreadablePage
from extractors.structured import with_einvoice
from infra.tools import deadline
from infra.tools.command import ToolTimedOut
from intake.budget import CAUSES, RequestClock, page_ranges
from models import Claim, Document, Flag, FlagCode, MediaType, OcrPage, RejectedFile, Upload, UploadReport
from models.manifest import Manifest
from validators.assessment import assess, carried_flags, status_of
from validators.claim_checks import CheckContext
from validators.document_checks import check_document
from validators.exchange import in_euros
from validators.flag_wording import make_flag
from validators.rules_file import load_rules
from validators.structured_data import structured_data_flags

log = logging.getLogger(__name__)


def worker_count() -> int:
    """Concurrent page readers: one per core (Tesseract itself runs single-threaded)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


@dataclass(frozen=True)
class PageOutcome:
    """A page read, or the flag saying why it could not be."""

    upload: Upload
    page_no: int
    page: OcrPage | None
    flag: Flag | None


def read_page_outcome(upload: Upload, page_no: int, workdir: str | None = None, clock: RequestClock | None = None) -> PageOutcome:
    """Read one page; a failure becomes a flag naming the file and page, never an exception. With a
    request's `clock` (intake/budget.py) the page is read only within its file's and request's budget,
    and its tools are stopped at their deadline."""
    values: dict[str, Any] = {}
    details: dict[str, str] = {}
    try:
        with deadline.within(clock.deadline(upload.index) if clock else None):
            return PageOutcome(upload, page_no, read_page(upload, page_no, workdir), None)
    except deadline.BudgetSpent as exc:  # not read: its file's or its request's budget ran out
        code, error, variant = FlagCode.UNREADABLE_FILE, exc.code, exc.reason
        details = {"cause": exc.reason, "pages": str(page_no), "seconds": f"{exc.seconds:g}"}
    except OcrError as exc:
        code, error, variant = FlagCode.OCR_FAILED, type(exc).__name__, None
    except ToolTimedOut as exc:  # a page that takes a tool past its time limit (a hostile page): unreadable
        code, error, variant, values = FlagCode.UNREADABLE_FILE, exc.code, "page_timeout", {"seconds": f"{exc.seconds:g}"}
    except UnreadablePage as exc:
        code, error, variant, values = FlagCode.UNREADABLE_FILE, exc.code, "page_size", {"size": exc.size}
    except OversizedImage as exc:
        code, error, variant = FlagCode.UNREADABLE_FILE, exc.code, "image_size"
        values = {"size": exc.size, "max_megapixels": MAX_PAGE_PIXELS // 1_000_000}
    except Exception as exc:
        code, error, variant = FlagCode.UNREADABLE_FILE, type(exc).__name__, "page"
    log.warning("page %d of a %s file failed: %s (%s)", page_no, upload.media_type.value, code.value, error)
    flag = make_flag(code, file=upload.file, page=page_no, variant=variant, error=error, details=details, **values)
    return PageOutcome(upload, page_no, None, flag)


def merge_unread(outcomes: Sequence[PageOutcome]) -> list[PageOutcome]:
    """One flag per file and budget for the pages a budget left unread, on the first of them and naming
    them all ("pages 12-50"), instead of one per page; every other outcome as it was."""
    unread: dict[tuple[int, str], list[PageOutcome]] = {}
    for outcome in outcomes:
        cause = outcome.flag.details.get("cause") if outcome.flag else None
        if cause in CAUSES:
            unread.setdefault((outcome.upload.index, str(cause)), []).append(outcome)
    merged: dict[int, PageOutcome] = {}
    for (_, cause), group in unread.items():
        first, pages = group[0], page_ranges([o.page_no for o in group])
        details = {**(first.flag.details if first.flag else {}), "pages": pages}
        flag = make_flag(FlagCode.UNREADABLE_FILE, file=first.upload.file, page=first.page_no, variant=cause, details=details)
        merged.update({id(o): PageOutcome(o.upload, o.page_no, None, None) for o in group[1:]})
        merged[id(first)] = PageOutcome(first.upload, first.page_no, None, flag)
    return [merged.get(id(o), o) for o in outcomes]


def documents_from_outcomes(upload: Upload, outcomes: Sequence[PageOutcome]) -> list[Document]:
    """Classify, extract and check one file from its page outcomes: one Document per proof it holds
    (what the upload rules noted, and pages that could not be read, are flagged on the first), foreign amounts also in euros.
    A PDF carrying an e-invoice's XML gives its values to the proof it describes, a disagreement with its page flagged."""
    pages = [o.page for o in outcomes if o.page is not None]
    failures = [*upload.flags, *(o.flag for o in outcomes if o.flag is not None)]
    invoice = read_einvoice(upload.path) if upload.media_type is MediaType.PDF else None
    checked = []
    for i, (document, disagreements) in enumerate(with_einvoice(build_documents(upload, pages), invoice)):
        own = [p for p in pages if p.page in {info.page for info in document.pages}]
        extra = [*(failures if i == 0 else ()), *structured_data_flags(document.file, disagreements)]
        checked.append(in_euros(check_document(document, own, extra)))
    return checked


def page_jobs(uploads: Sequence[Upload]) -> list[tuple[Upload, int]]:
    """Every (upload, page number) of a request, in file then page order."""
    return [(upload, page_no) for upload in uploads for page_no in range(1, upload.page_count + 1)]


def warm_up_language_model() -> None:
    """Load spaCy's model in the background while pages are OCR'd (it is needed only afterwards)."""
    threading.Thread(target=parties.nlp_model, name="spacy-warm-up", daemon=True).start()


def read_all_pages(uploads: Sequence[Upload], workers: int | None = None, clock: RequestClock | None = None) -> list[PageOutcome]:
    """Read every page of every upload concurrently, bounded by the cores, within the request's time
    and CPU budget (`clock`, by default started now with intake/budget.py's budgets: what it leaves
    unread is flagged); results in input order."""
    warm_up_language_model()
    jobs = page_jobs(uploads)
    clock = clock or RequestClock()
    with ThreadPoolExecutor(max_workers=workers or worker_count()) as pool:
        return merge_unread(list(pool.map(lambda job: read_page_outcome(job[0], job[1], clock=clock), jobs)))


def documents_from_pages(uploads: Sequence[Upload], outcomes: Sequence[PageOutcome]) -> list[Document]:
    """The Documents of every upload, in upload order (a file holding several proofs gives several)."""
    return [d for u in uploads for d in documents_from_outcomes(u, [o for o in outcomes if o.upload.index == u.index])]


def default_context(now: datetime | None = None, manifest: Manifest | None = None) -> CheckContext:
    """Checks with the rules in force, today's date, the given declaration and no earlier documents."""
    return CheckContext(rules=load_rules(), today=(now or datetime.now(UTC)).date(), manifest=manifest)


def unknown_claim_flag(quoted: str) -> Flag:
    """A request quoting a claim number that is not on file: opened as a new claim, for a manager to link."""
    return make_flag(FlagCode.UNKNOWN_CLAIM, details={"quoted_claim_id": quoted})


def build_claim(
    claim_id: str,
    report: UploadReport,
    documents: Sequence[Document],
    now: datetime | None = None,
    context: CheckContext | None = None,
    previous: Claim | None = None,
    received_flags: Sequence[Flag] = (),
) -> Claim:
    """The claim with its claim-level flags (rules, consistency, duplicates, and `received_flags`: what
    went wrong receiving the request), its bills summed in euros, and its status (the one assessment,
    `validators.assessment`). With `previous` (a reply to a request for proofs) the new files join the
    earlier ones, every claim-level check runs again over all of them, and what went wrong receiving
    the earlier submissions stays flagged."""
    now = now or datetime.now(UTC)
    context = context or default_context(now)
    manifest = context.manifest or (previous.declared if previous else None)
    if manifest is not context.manifest:
        context = replace(context, manifest=manifest)
    if previous is not None:
        documents = [*previous.documents, *documents]
        report = UploadReport(accepted=report.accepted, rejected=(*previous.rejected_files, *report.rejected))
    documents = [in_euros(d) for d in documents]  # idempotent: an earlier claim's documents get the rates shipped now
    received = list(received_flags)
    if context.quoted_claim and (previous is None or previous.claim_id != context.quoted_claim):
        received.append(unknown_claim_flag(context.quoted_claim))
    carried = carried_flags(previous.flags if previous else ())
    assessment = assess(claim_id, documents, carried + [f for f in received if f not in carried], context)
    status, reason = status_of(documents, assessment.flags, report.rejected, assessment.nothing_covered, context)
    return Claim(
        claim_id=claim_id,
        created_at=previous.created_at if previous else now,
        status=status,
        status_reason=reason,
        documents=tuple(documents),
        rejected_files=tuple(report.rejected),
        flags=assessment.flags,
        declared=manifest,
        replies=(*previous.replies, now.isoformat()) if previous else (),
        total_eur=assessment.total_eur,
    )


def extract_report(report: UploadReport, workers: int | None = None) -> list[Document | RejectedFile]:
    """Each received file as its own Document (or RejectedFile), in input order - no claim rules."""
    outcomes = read_all_pages(report.accepted, workers)
    indexed: list[tuple[int, Document | RejectedFile]] = [
        *((u.index, d) for u in report.accepted for d in documents_from_pages([u], outcomes)),
        *((r.index, r) for r in report.rejected),
    ]
    return [item for _, item in sorted(indexed, key=lambda pair: pair[0])]
