"""The managers' queue, read from the index (infra/index): one page of a view, filtered, searched and
sorted, with the counts that let a manager pick a filter. A page costs a few index queries whatever
the number of claims; no claim.json is read.

Views (review/claim_row.py `view_of`): `to_review` (needs review, no decision, not waiting on the
claimant), `waiting` (proofs asked after the claimant's last reply), `decided`, and `all`. The search
finds a claim when every word typed begins a word of its number, beneficiary or a file name (case and
accents ignored); a claim number or its beginning (`CLM-2026...`) is one word, matched whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from infra.index.store import PAGE, SORTS, ClaimIndex, ClaimRow

VIEWS = ("to_review", "waiting", "decided", "all")
SORT_KEYS = tuple(SORTS)  # age (oldest first, the default), -age, amount (largest first), -amount, status
# The wording key naming each sort (review/messages/ui.toml).
SORT_LABELS = {
    "age": "sort_age",
    "-age": "sort_newest",
    "amount": "sort_amount",
    "-amount": "sort_amount_asc",
    "status": "sort_status",
}
QueueEntry = ClaimRow  # a claim as the queue lists it


@dataclass(frozen=True)
class Queue:
    entries: list[ClaimRow]  # this page's claims, in the chosen order
    views: dict[str, int]  # how many claims per view (before filters)
    flag_counts: dict[str, int]  # among the view's claims (before filters)
    care_counts: dict[str, int]
    channel_counts: dict[str, int]
    total: int = 0  # claims matching the view and filters, on every page
    page: int = 1
    pages: int = 1
    sort: str = "age"
    exact: bool = True  # False: more than `total` match (store.COUNT_CAP), the last page is not known
    per_page: int = PAGE


def sort_key(sort: str) -> str:
    """The sort asked for when it is one the index knows, else the oldest first."""
    return sort if sort in SORTS else "age"


def page_number(text: str) -> int:
    """A page number from a URL: a positive integer, else the first page."""
    return max(int(text), 1) if re.fullmatch(r"[0-9]{1,8}", text) else 1


def build_queue(
    index: ClaimIndex,
    view: str = "to_review",
    flag: str = "",
    care: str = "",
    channel: str = "",
    search: str = "",
    sort: str = "age",
    page: int = 1,
    per_page: int = PAGE,
) -> Queue:
    """One page of a view, filtered by flag code, care type, channel and a search, in `sort` order, with
    the counts per view and, within the view, per flag, care type and channel."""
    sort = sort_key(sort)
    found = index.queue(view, flag, care, channel, search, sort, page, per_page)
    counts = index.counts(view)
    return Queue(
        entries=found.rows,
        views={v: counts["views"].get(v, 0) for v in VIEWS},
        flag_counts=counts["flag"],
        care_counts=counts["care"],
        channel_counts=counts["channel"],
        total=found.total,
        page=found.page,
        pages=found.pages,
        sort=sort,
        exact=found.exact,
        per_page=per_page,
    )


def waited(since: datetime, now: datetime, language: str = "fr") -> str:
    """How long a claim has waited, short: minutes under an hour, hours under two days, else days."""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    hours, days = minutes // 60, minutes // 1440
    unit = {"fr": ("min", "h", "j"), "en": ("min", "h", "d")}.get(language, ("min", "h", "d"))
    if minutes < 60:
        return f"{minutes} {unit[0]}"
    if hours < 48:
        return f"{hours} {unit[1]}"
    return f"{days} {unit[2]}"
