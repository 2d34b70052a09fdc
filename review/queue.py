"""The managers' queue: claims that need a decision, oldest first, with filters and counts.

A claim is in the queue while its reviewed status is `needs_review` and no decision was taken. A claim
whose claimant was asked for proofs after its last reply is `waiting` (shown apart: the claimant has
the next move). Every claim is read on each listing; fine for a desk's day (hundreds), an index object
would be the next step for tens of thousands.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from models import Claim, ClaimStatus
from review.store import ClaimRecord, ReviewStore, UnknownClaim
from validators.consistency import claim_bills

VIEWS = ("to_review", "waiting", "decided", "all")


@dataclass(frozen=True)
class QueueEntry:
    claim_id: str
    created_at: datetime
    status: str
    view: str  # to_review | waiting | decided | done (ready without review)
    flag_codes: tuple[str, ...]
    care_types: tuple[str, ...]
    channel: str
    documents: int  # files received: the documents' files and the refused ones
    decision: str | None
    totals: tuple[tuple[str, str], ...] = ()  # (amount, currency) read on the bills, per currency
    declared_total: str | None = None  # what the claimant declared, with its currency
    beneficiary: str = ""  # declared, else read on a document
    files: tuple[str, ...] = ()  # every file name (the search looks at them)


def _view(record: ClaimRecord) -> str:
    claim = record.current
    review = claim.review
    if review is not None and review.decision is not None:
        return "decided"
    if claim.status is not ClaimStatus.NEEDS_REVIEW:
        return "done"
    asked = review.proofs_requested_at[-1] if review and review.proofs_requested_at else None
    last_reply = datetime.fromisoformat(claim.replies[-1]) if claim.replies else None
    if asked is not None and (last_reply is None or last_reply < asked):
        return "waiting"
    return "to_review"


def folded(text: str) -> str:
    """Lower case, accents off: what the search compares."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def _totals(claim: Claim) -> tuple[tuple[str, str], ...]:
    """The totals of the claim's bills (`claim_bills`: its charges, or its payments when there is none), summed per currency."""
    bills = claim_bills(claim.documents)
    sums: dict[str, Decimal] = {}
    for document in bills:
        total, currency = document.fields.get("total"), document.fields.get("currency")
        try:
            amount = Decimal(total.value) if total else None
        except InvalidOperation:
            amount = None
        if amount is not None:
            code = currency.value if currency else "?"
            sums[code] = sums.get(code, Decimal("0")) + amount
    return tuple((f"{amount:.2f}", code) for code, amount in sorted(sums.items()))


def _beneficiary(claim: Claim) -> str:
    declared = claim.declared.beneficiary.name if claim.declared and claim.declared.beneficiary else None
    if declared:
        return declared
    return next((d.fields["beneficiary"].value for d in claim.documents if "beneficiary" in d.fields), "")


def entry_of(record: ClaimRecord) -> QueueEntry:
    claim = record.current
    care = {d.fields["care_type"].value for d in claim.documents if "care_type" in d.fields}
    if claim.declared is not None:
        care |= {c.value for c in claim.declared.care_types}
    channel = claim.channel or (claim.declared.channel if claim.declared else None)
    files = list(dict.fromkeys([*(d.file for d in claim.documents), *(r.file for r in claim.rejected_files)]))
    declared = claim.declared
    return QueueEntry(
        claim_id=claim.claim_id,
        created_at=claim.created_at,
        status=claim.status.value,
        view=_view(record),
        flag_codes=tuple(sorted({f.code.value for f in claim.all_flags()})),
        care_types=tuple(sorted(care)),
        channel=channel.value if channel else "-",
        documents=len(files),
        decision=claim.review.decision.value if claim.review and claim.review.decision else None,
        totals=_totals(claim),
        beneficiary=_beneficiary(claim),
        files=tuple(files),
        declared_total=f"{declared.total_declared:.2f} {declared.currency or ''}".strip()
        if declared is not None and declared.total_declared is not None
        else None,
    )


def all_entries(store: ReviewStore) -> list[QueueEntry]:
    entries = []
    for claim_id in store.claim_ids():
        try:
            entries.append(entry_of(store.load(claim_id)))
        except UnknownClaim:
            continue  # removed meanwhile
    return sorted(entries, key=lambda e: (e.created_at, e.claim_id))


@dataclass(frozen=True)
class Queue:
    entries: list[QueueEntry]  # the filtered list, oldest first
    views: dict[str, int]  # how many claims per view (before filters)
    flag_counts: dict[str, int]  # among the view's claims
    care_counts: dict[str, int]
    channel_counts: dict[str, int]


def matches(entry: QueueEntry, search: str) -> bool:
    """Whether the claim number, the beneficiary or a file name holds the searched text (case and accents ignored)."""
    wanted = folded(search.strip())
    return not wanted or any(wanted in folded(text) for text in (entry.claim_id, entry.beneficiary, *entry.files))


def build_queue(
    entries: list[QueueEntry], view: str = "to_review", flag: str = "", care: str = "", channel: str = "", search: str = ""
) -> Queue:
    """The entries of one view, filtered by flag code, care type, channel and a search (claim number,
    beneficiary, file name), with the counts that let a manager pick a filter (counted over the view,
    before filtering)."""
    views = Counter(e.view for e in entries)
    counts = {v: views.get(v, 0) for v in VIEWS[:3]} | {"all": len(entries)}
    in_view = [e for e in entries if view == "all" or e.view == view]
    chosen = [
        e
        for e in in_view
        if (not flag or flag in e.flag_codes)
        and (not care or care in e.care_types)
        and (not channel or e.channel == channel)
        and matches(e, search)
    ]
    return Queue(
        entries=chosen,
        views=counts,
        flag_counts=dict(sorted(Counter(c for e in in_view for c in e.flag_codes).items())),
        care_counts=dict(sorted(Counter(c for e in in_view for c in e.care_types).items())),
        channel_counts=dict(sorted(Counter(e.channel for e in in_view).items())),
    )


def neighbours(entries: list[QueueEntry], claim_id: str) -> tuple[str | None, str | None]:
    """The previous and next claim of the queue around `claim_id` (keyboard navigation)."""
    ids = [e.claim_id for e in entries]
    if claim_id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(claim_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)
