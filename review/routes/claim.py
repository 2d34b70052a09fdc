"""A claim as a manager sees it: the page (the whole case: declaration, e-mail, flags, documents with
their fields, refused files, the message to the claimant, the decision, the audit trail with the
claimant's replies), its page pictures and words (rendered ahead or on demand and cached,
review/page_view.py), and its received and quarantined files as downloads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from models import DocType, Document
from models.field_catalogue import MAIN_FIELDS
from models.manifest import CareType
from models.review import ReviewEvent
from review.apply import document_key, keyed_flags
from review.desk import Desk, blocking_flags
from review.page_view import PageView
from review.replies import Reply, exchange_of
from review.store import ClaimRecord, UnknownClaim
from review.web import DeskContext, acted_on, queue_view, render

LOW_CONFIDENCE = 0.6

# What a consistency flag compares, from its details: (first, second) detail names.
COMPARED = {
    "declared_total_mismatch": ("declared", "read"),
    "declared_currency_mismatch": ("declared", "read"),
    "date_outside_stay": ("declared", "read"),
    "multiple_beneficiaries": ("declared", "read"),
    "amount_mismatch": ("paid", "invoices"),
    "structured_data_mismatch": ("read", "xml"),
}


def where_acted(action: str, document: str, documents: Sequence[Document]) -> str:
    """The fragment that brings the manager back where they acted: the document corrected, the flags,
    the message form ("" when the page's top is the place)."""
    if action in ("correct_field", "set_doc_type"):
        index = next((i for i, d in enumerate(documents) if document_key(d) == document), None)
        return f"#doc-{index}" if index is not None else ""
    return {"dismiss_flag": "#flags", "request_proofs": "#request"}.get(action, "")


def audit_trail(record: ClaimRecord, replies: list[Reply]) -> list[tuple[str, ReviewEvent | Reply]]:
    """The claim's audit trail as its page shows it, newest first: the managers' actions and the
    claimant's replies (with the files each brought) in one timeline."""
    moments: list[tuple[datetime, int, str, ReviewEvent | Reply]] = [(e.at, e.seq, "event", e) for e in record.events]
    moments += [(r.at, 0, "reply", r) for r in replies]
    return [(kind, item) for _, _, kind, item in sorted(moments, key=lambda m: (m[0], m[1]), reverse=True)]


def attachment(data: bytes, name: str) -> Response:
    """A received file as a download, never rendered by the browser: a neutral type, `attachment`, nosniff, sandboxed."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "file"
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "private, no-store",
        },
    )


def claim_page(
    desk: Desk,
    request: Request,
    claim_id: str,
    status_code: int = 200,
    error: str | None = None,
    done: str | None = None,
    typed: tuple[str, str, str] | None = None,
) -> Response:
    """The claim page; `error` a wording key (its message may name `typed`'s value: (document, field, value as typed),
    which the field's input shows again)."""
    record = desk.read(claim_id)  # the index row repaired when a crash left it behind
    claim = record.current
    view = queue_view(request.query_params.get("view", "to_review"))
    previous, following = desk.neighbours(claim_id, view)
    subject, text = desk.draft_request(record, both=request.query_params.get("both") == "1")
    flags = keyed_flags(claim)
    documents = [(i, document_key(d), d) for i, d in enumerate(claim.documents)]
    exchange = exchange_of(desk.storage, record.machine)
    return render(
        request,
        "claim.html",
        status_code,
        record=record,
        claim=claim,
        documents=documents,
        flags=flags,
        main_fields=MAIN_FIELDS,
        doc_types=[t.value for t in DocType],
        care_types=[c.value for c in CareType],
        low=LOW_CONFIDENCE,
        previous=previous,
        following=following,
        in_view="" if view == "to_review" else "?" + urlencode({"view": view}),
        draft_subject=subject,
        draft_text=text,
        error=error,
        done=done or request.query_params.get("done"),
        acted_on=acted_on(request) or claim_id,
        quote=quote,
        typed=typed,
        quarantine=desk.store.claims.quarantined(claim_id),
        compared=COMPARED,
        blocking=blocking_flags(record),
        trail=audit_trail(record, exchange.replies),
        replies=exchange.replies,
        request_message=exchange.request_message,
        document_index={d.file: i for i, _, d in reversed(documents)},
    )


def routes(context: DeskContext) -> APIRouter:
    router = APIRouter()
    desk, pages, prerenderer = context.desk, context.pages, context.prerenderer

    @router.get("/claims/{claim_id}", response_class=HTMLResponse)
    def show_claim(request: Request, claim_id: str) -> Response:
        response = claim_page(desk, request, claim_id)
        if prerenderer is not None and response.status_code == 200:
            prerenderer.soon(claim_id)  # its pictures rendered now, if the job has not yet
        return response

    def page_of(claim_id: str, index: int, page: int) -> PageView:
        # The intake's documents: the same files, pages and order as the reviewed claim's, without
        # applying the audit trail (and re-running the checks) for every image a page shows.
        documents = desk.load(claim_id).machine.documents
        if not 0 <= index < len(documents):
            raise UnknownClaim(claim_id)
        document = documents[index]
        if page not in {p.page for p in document.pages}:
            raise UnknownClaim(claim_id)
        return pages.view(document.sha256, page, lambda: desk.store.original(claim_id, document.file), document.file)

    @router.get("/claims/{claim_id}/documents/{index}/pages/{page}.jpg")
    def page_image(claim_id: str, index: int, page: int) -> Response:
        view = page_of(claim_id, index, page)
        return Response(view.jpeg, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})

    @router.get("/claims/{claim_id}/documents/{index}/pages/{page}.json")
    def page_words(claim_id: str, index: int, page: int) -> Response:
        view = page_of(claim_id, index, page)
        words = [
            {"text": w.text, "confidence": round(w.confidence, 2), "box": [w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1]}
            for w in view.words
        ]
        return JSONResponse(
            {"width": view.width, "height": view.height, "words": words}, headers={"Cache-Control": "private, max-age=3600"}
        )

    # -- received files -------------------------------------------------------------------------
    @router.get("/claims/{claim_id}/originals/{name}")
    def original_file(claim_id: str, name: str) -> Response:
        claim = desk.load(claim_id).machine
        if name not in {d.file for d in claim.documents}:
            raise UnknownClaim(claim_id)
        return attachment(desk.store.original(claim_id, name), name)

    @router.get("/claims/{claim_id}/quarantine/{name}")
    def quarantined_file(claim_id: str, name: str) -> Response:
        desk.load(claim_id)  # UnknownClaim for what is not a claim
        file, data = desk.store.claims.quarantined_download(claim_id, name)
        return attachment(data, file)

    return router
