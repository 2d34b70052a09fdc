"""Reading and writing the index (infra/index/tables.py): one small method per question a pass, the desk
or the monitor asks, each one query or one short transaction. Every write is idempotent (an upsert of
what the bucket says), so writing the same row twice, or again after a crash, changes nothing.

`open_index(storage)` is the index of a storage (INTAKE_INDEX_URL, or the default beside it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from infra.index.engine import default_url, engine_for
from infra.index.tables import claim_counts, claim_tags, claims, cursors, outbox, submissions
from infra.storage.base import Storage

VIEWS = ("to_review", "waiting", "decided", "done")
PAGE = 50
# Each order is an index of `claims` read forwards or backwards (tables.py), ties broken by the claim
# number: a page is the next 50 entries of an index, never a sort of the view. A claim with no amount
# read sorts as the smallest amount (last when the largest come first, first when the smallest do).
SORTS = {
    "age": (claims.c.created_at, claims.c.claim_id),  # oldest first
    "-age": (claims.c.created_at.desc(), claims.c.claim_id.desc()),
    "amount": (claims.c.total_eur.desc().nulls_last(), claims.c.created_at.desc(), claims.c.claim_id.desc()),  # largest first
    "-amount": (claims.c.total_eur.asc().nulls_first(), claims.c.created_at, claims.c.claim_id),
    "status": (claims.c.status, claims.c.created_at, claims.c.claim_id),
}
DRIVE = 50_000  # a filter matching at most this many claims of the view drives a query of several filters
DRIVE_ONE = 5_000  # ... and a query of one filter (else the sort's index is walked: ClaimIndex.queue)
COUNT_CAP = 10_000  # a total no kept count gives is counted up to this: beyond, "more than 10,000"


@dataclass(frozen=True)
class ClaimRow:
    """A claim as the queue shows it (review/claim_row.py makes it from the claim and its audit trail)."""

    claim_id: str
    created_at: datetime
    updated_at: datetime
    status: str
    view: str
    channel: str
    flag_codes: tuple[str, ...] = ()
    care_types: tuple[str, ...] = ()
    documents: int = 0
    totals: tuple[tuple[str, str], ...] = ()
    total_eur: Decimal | None = None
    declared_total: str | None = None
    beneficiary: str = ""
    files: tuple[str, ...] = ()
    decision: str | None = None
    decided_at: datetime | None = None
    replied_at: datetime | None = None
    version: str = ""
    terms: frozenset[str] = field(default_factory=frozenset)  # folded words the search finds it by

    def tags(self) -> set[str]:
        return {
            *(f"flag:{c}" for c in self.flag_codes),
            *(f"care:{c}" for c in self.care_types),
            f"channel:{self.channel}",
            *(f"term:{t[:180]}" for t in self.terms),
        }

    def values(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "status": self.status,
            "view": self.view,
            "decision": self.decision,
            "decided_at": self.decided_at,
            "replied_at": self.replied_at,
            "channel": self.channel,
            "flag_codes": " ".join(self.flag_codes),
            "care_types": " ".join(self.care_types),
            "documents": self.documents,
            "totals": json.dumps([list(t) for t in self.totals]),
            "total_eur": self.total_eur,
            "declared_total": self.declared_total,
            "beneficiary": self.beneficiary,
            "files": json.dumps(list(self.files), ensure_ascii=False),
            "version": self.version,
        }

    @classmethod
    def of(cls, row: Any) -> ClaimRow:
        return cls(
            claim_id=row.claim_id,
            created_at=row.created_at,
            updated_at=row.updated_at,
            status=row.status,
            view=row.view,
            channel=row.channel,
            flag_codes=tuple(row.flag_codes.split()),
            care_types=tuple(row.care_types.split()),
            documents=row.documents,
            totals=tuple((str(a), str(c)) for a, c in json.loads(row.totals)),
            total_eur=Decimal(row.total_eur).quantize(Decimal("0.01")) if row.total_eur is not None else None,
            declared_total=row.declared_total,
            beneficiary=row.beneficiary,
            files=tuple(json.loads(row.files)),
            decision=row.decision,
            decided_at=row.decided_at,
            replied_at=row.replied_at,
            version=row.version,
        )


def _count_keys(view: str, row_tags: Iterable[str]) -> list[tuple[str, str, str]]:
    """The claim_counts rows a claim adds 1 to: its view's claim count and each flag, care, channel."""
    keys = [(view, "claims", "")]
    for tag in row_tags:
        kind, _, value = tag.partition(":")
        if kind in ("flag", "care", "channel"):
            keys.append((view, kind, value))
    return keys


@dataclass(frozen=True)
class SubmissionRow:
    """A submission as the index knows it (the marker stays the truth: `intake.inbox`)."""

    marker: str
    channel: str
    partition: str
    name: str
    after: int
    state: str  # waiting | dispatched | processing | done
    claim_id: str | None
    lease_since: datetime | None
    attempts: int
    objects: int
    latest_us: int


@dataclass(frozen=True)
class QueuePage:
    rows: list[ClaimRow]
    total: int  # rows matching the filters (every page); when not `exact`, more than this many match
    page: int
    pages: int  # when not `exact`: the pages `total` fills, and more follow
    exact: bool = True


@dataclass(frozen=True)
class _Filter:
    """One condition of a queue query, on the tag index: an exact tag (a flag, care type or channel, with
    the `claim_counts` row that counts it) or a range of search terms (a word's prefix)."""

    low: str
    high: str | None = None  # None: the tag `low` exactly; else the tags from `low` up to `high`
    kept: tuple[str, str] | None = None

    def on(self, tags: Any, view: str = "all") -> list[Any]:
        """Its conditions on the rows of `tags` (claim_tags or an alias of it), within one view."""
        found = [tags.c.tag == self.low] if self.high is None else [tags.c.tag >= self.low, tags.c.tag < self.high]
        return [*found, tags.c.view == view] if view != "all" else found

    def probe(self, claim_id: Any = claims.c.claim_id) -> Any:
        """True for the claim `claim_id` of the outer query when it matches: one seek in the index (tag,
        claim_id) or (claim_id, tag) per claim, whatever the number of claims the filter matches."""
        return select(claim_tags.c.claim_id).where(claim_tags.c.claim_id == claim_id, *self.on(claim_tags)).exists()


@dataclass(frozen=True)
class OutboxEntry:
    """A claim in the adjudication outbox as the bucket shows it (`intake reindex`): when its payload was
    written, and when and under which idempotency key that payload was delivered (None: not yet)."""

    claim_id: str
    written_at: datetime
    delivered_at: datetime | None = None
    delivered_key: str | None = None


class ClaimIndex:
    """The index in one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.writer = engine.execution_options(writer=True)

    # -- claims ------------------------------------------------------------------------------------
    def put_claim(self, row: ClaimRow) -> bool:
        """Insert or replace a claim's row, its tags and the counts it is in; False when the index
        already held exactly this version (nothing written)."""
        for attempt in range(3):
            try:
                with self.writer.begin() as connection:
                    return self._put_claim(connection, row)
            except IntegrityError:  # two writers inserted the same new claim at once: the second retries
                if attempt == 2:
                    raise
        return False

    def _put_claim(self, connection: Connection, row: ClaimRow) -> bool:
        old = connection.execute(select(claims).where(claims.c.claim_id == row.claim_id).with_for_update()).first()
        new_tags = row.tags()
        changes: dict[tuple[str, str, str], int] = {}
        if old is not None:
            old_tags = set(connection.scalars(select(claim_tags.c.tag).where(claim_tags.c.claim_id == row.claim_id)))
            if old.version == row.version and old.view == row.view and old_tags == new_tags:
                return False
            for key in _count_keys(old.view, old_tags):
                changes[key] = changes.get(key, 0) - 1
            connection.execute(delete(claim_tags).where(claim_tags.c.claim_id == row.claim_id))
            connection.execute(update(claims).where(claims.c.claim_id == row.claim_id).values(**row.values()))
        else:
            connection.execute(insert(claims).values(**row.values()))
        if new_tags:
            connection.execute(
                insert(claim_tags),
                [{"tag": t, "claim_id": row.claim_id, "view": row.view, "created_at": row.created_at} for t in sorted(new_tags)],
            )
        for key in _count_keys(row.view, new_tags):
            changes[key] = changes.get(key, 0) + 1
        # the counts in one order for every writer (sorted keys): two writers never wait for each other in a cycle
        for key in sorted(changes):
            if changes[key]:
                self._count(connection, [key], changes[key])
        return True

    def put_claims(self, rows: Sequence[ClaimRow]) -> None:
        """Many rows in one transaction (reindex)."""
        with self.writer.begin() as connection:
            for row in rows:
                self._put_claim(connection, row)

    def upsert_claims(self, rows: Sequence[ClaimRow]) -> int:
        """Many rows in one transaction, what the index holds of them read first in two queries: only the
        rows that differ from it (version, view or tags) are rewritten, as `put_claim` does (`intake
        reindex --keep`). How many were. A claim inserted meanwhile by another writer makes the batch
        one `put_claim` per row instead."""
        if not rows:
            return 0
        ids = [row.claim_id for row in rows]
        try:
            with self.writer.begin() as connection:
                query = select(claims.c.claim_id, claims.c.version, claims.c.view).where(claims.c.claim_id.in_(ids))
                held = {r.claim_id: (r.version, r.view) for r in connection.execute(query)}
                tags: dict[str, set[str]] = {}
                for r in connection.execute(
                    select(claim_tags.c.claim_id, claim_tags.c.tag).where(claim_tags.c.claim_id.in_(ids))
                ):
                    tags.setdefault(r.claim_id, set()).add(r.tag)
                changed = [
                    r for r in rows if held.get(r.claim_id) != (r.version, r.view) or tags.get(r.claim_id, set()) != r.tags()
                ]
                for row in changed:
                    self._put_claim(connection, row)
                return len(changed)
        except IntegrityError:
            return sum(self.put_claim(row) for row in rows)

    def add_claims(self, rows: Sequence[ClaimRow]) -> None:
        """Rows of claims the index does not hold yet, in one transaction of a few statements: the rows
        in one insert, their tags in another, one update per count they add to (`intake reindex` into an
        emptied index). A claim already there (written meanwhile by the service) makes the batch an
        upsert (`put_claims`) instead."""
        if not rows:
            return
        added: dict[tuple[str, str, str], int] = {}
        tags = []
        for row in rows:
            row_tags = sorted(row.tags())
            for key in _count_keys(row.view, row_tags):
                added[key] = added.get(key, 0) + 1
            tags += [{"tag": t, "claim_id": row.claim_id, "view": row.view, "created_at": row.created_at} for t in row_tags]
        try:
            with self.writer.begin() as connection:
                connection.execute(insert(claims), [row.values() for row in rows])
                if tags:
                    connection.execute(insert(claim_tags), tags)
                for key, n in sorted(added.items()):
                    self._count(connection, [key], n)
        except IntegrityError:
            self.put_claims(rows)

    @staticmethod
    def _count(connection: Connection, keys: list[tuple[str, str, str]], delta: int) -> None:
        for view, kind, value in keys:
            where = and_(claim_counts.c.view == view, claim_counts.c.kind == kind, claim_counts.c.value == value)
            if connection.execute(update(claim_counts).where(where).values(n=claim_counts.c.n + delta)).rowcount == 0:
                connection.execute(insert(claim_counts).values(view=view, kind=kind, value=value, n=max(delta, 0)))

    def claim(self, claim_id: str) -> ClaimRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(claims).where(claims.c.claim_id == claim_id)).first()
        return ClaimRow.of(row) if row is not None else None

    def claim_count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(claims)) or 0)

    @staticmethod
    def _filters(flag: str, care: str, channel: str, search: str) -> list[_Filter]:
        """The conditions of a queue query: each flag, care type or channel asked for an exact tag, each
        search word a range of terms (every word of the search must begin a word of the claim number,
        beneficiary or a file)."""
        found = [
            _Filter(f"{kind}:{value}", kept=(kind, value))
            for kind, value in (("flag", flag), ("care", care), ("channel", channel))
            if value
        ]
        for word in search_words(search):
            prefix = f"term:{word[:180]}"
            found.append(_Filter(prefix, prefix + "\uffff"))
        return found

    @staticmethod
    def _matching(connection: Connection, view: str, where: _Filter, cap: int) -> int:
        """How many claims of the view one filter matches: the kept count of a flag, care type or channel,
        else counted on the tag index up to `cap` + 1 (enough to know it is more)."""
        if where.kept is not None:
            return ClaimIndex._kept(connection, view, *where.kept)
        rows = select(claim_tags.c.claim_id).where(*where.on(claim_tags, view)).limit(cap + 1)
        return int(connection.scalar(select(func.count()).select_from(rows.subquery())) or 0)

    @staticmethod
    def _kept(connection: Connection, view: str, kind: str, value: str) -> int:
        """The number of claims a view holds (kind "claims"), or holds with one flag, care type or channel,
        from the counts each write keeps (`claim_counts`): no count over the claims."""
        query = select(func.coalesce(func.sum(claim_counts.c.n), 0)).where(
            claim_counts.c.kind == kind, claim_counts.c.value == value
        )
        if view != "all":
            query = query.where(claim_counts.c.view == view)
        return int(connection.scalar(query) or 0)

    def queue(
        self,
        view: str = "to_review",
        flag: str = "",
        care: str = "",
        channel: str = "",
        search: str = "",
        sort: str = "age",
        page: int = 1,
        per_page: int = PAGE,
    ) -> QueuePage:
        """One page of a view, filtered and sorted (`SORTS`), and how many match.

        The filter that matches the fewest claims of the view decides how (the kept counts say it for a
        flag, care type or channel; a search word's terms are counted up to DRIVE). Few (DRIVE_ONE for a
        lone filter, DRIVE when several must meet, since their claims thin out as they are checked): the
        query starts from that filter's tags, checks the others claim by claim, sorts and counts what is
        left (`_driven`, exact). Many: it reads the view in the sort's index order and checks every
        filter claim by claim until the page is full - many match, so a page comes soon; its total is
        then a kept count (one flag, care type or channel), or counted up to COUNT_CAP from the rarest
        filter's tags (`exact` False beyond)."""
        filters = self._filters(flag, care, channel, search)
        in_view = [claims.c.view == view] if view != "all" else []
        order = SORTS.get(sort, SORTS["age"])
        page = max(page, 1)
        with self.engine.connect() as connection:
            sizes = [self._matching(connection, view, f, DRIVE) for f in filters]
            if sizes and min(sizes) <= (DRIVE if len(filters) > 1 else DRIVE_ONE):
                return self._driven(connection, view, filters, sizes, order, page, per_page)
            query = select(claims).where(*in_view, *(f.probe() for f in filters))
            total, exact = self._walked_total(connection, view, filters, sizes)
            pages = max((total + per_page - 1) // per_page, 1)
            page = min(page, pages) if exact else page
            rows = connection.execute(query.order_by(*order).limit(per_page).offset((page - 1) * per_page))
            return QueuePage([ClaimRow.of(r) for r in rows], total, page, pages, exact)

    def _driven(
        self, connection: Connection, view: str, filters: list[_Filter], sizes: list[int], order: Any, page: int, per_page: int
    ) -> QueuePage:
        """A page of the claims its rarest filter's tags name, the other filters checked claim by claim:
        their numbers sorted and counted in one query (a window count), then the page's rows read."""
        driver = filters[sizes.index(min(sizes))]
        driven = select(claim_tags.c.claim_id).where(*driver.on(claim_tags, view))
        matching = [claims.c.claim_id.in_(driven), *(f.probe() for f in filters if f is not driver)]
        numbered = select(claims.c.claim_id, func.count().over().label("matched")).where(*matching).order_by(*order)
        found = connection.execute(numbered.limit(per_page).offset((page - 1) * per_page)).all()
        if found:
            total = int(found[0].matched)
        else:  # past the last page (or nothing matches): the last page
            total = int(
                connection.scalar(select(func.count()).select_from(select(claims.c.claim_id).where(*matching).subquery())) or 0
            )
            page = max((total + per_page - 1) // per_page, 1)
            found = connection.execute(numbered.limit(per_page).offset((page - 1) * per_page)).all() if total else []
        ids = [r.claim_id for r in found]
        rows = {r.claim_id: ClaimRow.of(r) for r in connection.execute(select(claims).where(claims.c.claim_id.in_(ids)))}
        return QueuePage([rows[i] for i in ids if i in rows], total, page, max((total + per_page - 1) // per_page, 1))

    def _walked_total(self, connection: Connection, view: str, filters: list[_Filter], sizes: list[int]) -> tuple[int, bool]:
        """The total of a query that reads the view in index order: kept (no filter, or one flag, care
        type or channel), else counted up to COUNT_CAP from the tags of its rarest filter, each of them
        checked against the other filters (a claim with several words matching a search word counted once)."""
        if not filters:
            return self._kept(connection, view, "claims", ""), True
        if len(filters) == 1 and filters[0].kept is not None:
            return self._kept(connection, view, *filters[0].kept), True
        rarest = filters[sizes.index(min(sizes))]
        driver = claim_tags.alias("driver")
        checks = [f.probe(driver.c.claim_id) for f in filters if f is not rarest]
        found = select(driver.c.claim_id).where(*rarest.on(driver, view), *checks).distinct().limit(COUNT_CAP + 1)
        counted = int(connection.scalar(select(func.count()).select_from(found.subquery())) or 0)
        return (counted, True) if counted <= COUNT_CAP else (COUNT_CAP, False)

    def neighbours(self, claim_id: str, view: str = "to_review") -> tuple[str | None, str | None]:
        """The claims before and after this one in its view, oldest first (keyboard navigation); the view's
        first claim as the next one when this claim is not in the view."""
        with self.engine.connect() as connection:
            here = connection.execute(select(claims.c.created_at, claims.c.view).where(claims.c.claim_id == claim_id)).first()
            in_view = [claims.c.view == view] if view != "all" else []
            if here is None or (view != "all" and here.view != view):
                first = connection.scalar(select(claims.c.claim_id).where(*in_view).order_by(*SORTS["age"]).limit(1))
                return None, first
            key = (here.created_at, claim_id)
            before = or_(claims.c.created_at < key[0], and_(claims.c.created_at == key[0], claims.c.claim_id < key[1]))
            after = or_(claims.c.created_at > key[0], and_(claims.c.created_at == key[0], claims.c.claim_id > key[1]))
            previous = connection.scalar(select(claims.c.claim_id).where(*in_view, before).order_by(*SORTS["-age"]).limit(1))
            following = connection.scalar(select(claims.c.claim_id).where(*in_view, after).order_by(*SORTS["age"]).limit(1))
        return previous, following

    def counts(self, view: str = "to_review") -> dict[str, dict[str, int]]:
        """The desk's counts: claims per view ('all' too), and per flag, care type and channel within `view`."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(claim_counts).where(claim_counts.c.n > 0)).all()
        result: dict[str, dict[str, int]] = {"views": {v: 0 for v in VIEWS}, "flag": {}, "care": {}, "channel": {}}
        for row in rows:
            if row.kind == "claims":
                result["views"][row.view] = result["views"].get(row.view, 0) + row.n
            elif view == "all" or row.view == view:
                result[row.kind][row.value] = result[row.kind].get(row.value, 0) + row.n
        result["views"]["all"] = sum(n for v, n in result["views"].items() if v != "all")
        return {k: dict(sorted(v.items())) if k != "views" else v for k, v in result.items()}

    def backlog(self) -> int:
        """Claims waiting for a manager's decision (the `to_review` view)."""
        return self.counts().get("views", {}).get("to_review", 0)

    # -- the adjudication outbox -------------------------------------------------------------------
    def outbox_written(self, claim_id: str, when: datetime) -> None:
        with self.writer.begin() as connection:
            changed = connection.execute(
                update(outbox).where(outbox.c.claim_id == claim_id).values(written_at=when, delivered_at=None, delivered_key=None)
            ).rowcount
            if not changed:
                connection.execute(insert(outbox).values(claim_id=claim_id, written_at=when))

    @staticmethod
    def _outbox_row(claim_id: str, written_at: datetime | None) -> Any:
        """The claim's outbox row; only as written at `written_at` when given (a version written since is
        another row: a hand-off that read the older one leaves it alone)."""
        where = outbox.c.claim_id == claim_id
        return and_(where, outbox.c.written_at == written_at) if written_at is not None else where

    def outbox_removed(self, claim_id: str, written_at: datetime | None = None) -> None:
        with self.writer.begin() as connection:
            connection.execute(delete(outbox).where(self._outbox_row(claim_id, written_at)))

    def outbox_delivered(self, claim_id: str, key: str, when: datetime, written_at: datetime | None = None) -> None:
        with self.writer.begin() as connection:
            connection.execute(
                update(outbox).where(self._outbox_row(claim_id, written_at)).values(delivered_at=when, delivered_key=key)
            )

    def undelivered(self, limit: int | None = None, claim_id: str | None = None) -> list[tuple[str, datetime]]:
        """Outbox claims without a delivery since they were written, oldest first: (claim id, written at);
        with `claim_id`, that claim alone when it waits (one indexed row, however long the outbox)."""
        query = (
            select(outbox.c.claim_id, outbox.c.written_at)
            .where(or_(outbox.c.delivered_at.is_(None), outbox.c.delivered_at < outbox.c.written_at))
            .order_by(outbox.c.written_at)
        )
        if claim_id is not None:
            query = query.where(outbox.c.claim_id == claim_id)
        with self.engine.connect() as connection:
            return [(r.claim_id, r.written_at) for r in connection.execute(query.limit(limit) if limit else query)]

    def undelivered_summary(self) -> tuple[int, datetime | None]:
        """How many outbox claims wait for delivery, and since when the oldest has."""
        waiting = or_(outbox.c.delivered_at.is_(None), outbox.c.delivered_at < outbox.c.written_at)
        with self.engine.connect() as connection:
            row = connection.execute(select(func.count(), func.min(outbox.c.written_at)).where(waiting)).one()
        return int(row[0]), row[1]

    def restore_outbox(self, entries: Sequence[OutboxEntry]) -> None:
        """The outbox as the bucket shows it (`intake reindex`), in one transaction. A claim the index does
        not know is added as it is. A known one is marked delivered only when the bucket shows a delivery of
        its current payload that is not older than the index's own record of its writing (a version the
        service wrote meanwhile stays undelivered), else undelivered: erring towards delivering again is
        harmless, the adjudication side drops repeats (same idempotency key)."""
        if not entries:
            return
        with self.writer.begin() as connection:
            wanted = [e.claim_id for e in entries]
            known = {r.claim_id: r for r in connection.execute(select(outbox).where(outbox.c.claim_id.in_(wanted)))}
            new = [
                {
                    "claim_id": e.claim_id,
                    "written_at": e.written_at,
                    "delivered_at": e.delivered_at,
                    "delivered_key": e.delivered_key,
                }
                for e in entries
                if e.claim_id not in known
            ]
            if new:
                connection.execute(insert(outbox), new)
            for entry in entries:
                old = known.get(entry.claim_id)
                if old is None:
                    continue
                delivered = entry.delivered_at is not None and old.written_at <= entry.delivered_at
                connection.execute(
                    update(outbox)
                    .where(outbox.c.claim_id == entry.claim_id)
                    .values(
                        written_at=max(old.written_at, entry.written_at),
                        delivered_at=entry.delivered_at if delivered else None,
                        delivered_key=entry.delivered_key if delivered else None,
                    )
                )

    # -- submissions -------------------------------------------------------------------------------
    def put_submission(self, row: SubmissionRow, when: datetime) -> None:
        """Record a submission's state as its marker says (or `waiting`: seen, not complete)."""
        values = {**row.__dict__, "updated_at": when}
        with self.writer.begin() as connection:
            existing = connection.execute(select(submissions.c.state).where(submissions.c.marker == row.marker)).first()
            if existing is None:
                connection.execute(insert(submissions).values(**values))
            elif not (existing.state == "done" and row.state in ("waiting", "dispatched")):  # done stays done
                connection.execute(update(submissions).where(submissions.c.marker == row.marker).values(**values))

    def submission(self, marker: str) -> SubmissionRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(submissions).where(submissions.c.marker == marker)).first()
        return _submission(row) if row is not None else None

    def submission_states(self, markers: Iterable[str]) -> dict[str, SubmissionRow]:
        """The known rows of these markers (one query per 500)."""
        wanted, found = list(markers), {}
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                for row in connection.execute(select(submissions).where(submissions.c.marker.in_(chunk))):
                    found[row.marker] = _submission(row)
        return found

    def unfinished(
        self, now: datetime, lease: timedelta, dispatch_lease: timedelta | None = None, limit: int = 200
    ) -> list[SubmissionRow]:
        """Submissions seen and not complete yet (`waiting`), those whose lease lapsed (a worker died) and
        those dispatched to a run that did not take them in time (`dispatch_lease`, default `lease`)."""
        lapsed = or_(
            and_(submissions.c.state == "processing", submissions.c.lease_since < now - lease),
            and_(submissions.c.state == "dispatched", submissions.c.lease_since < now - (dispatch_lease or lease)),
        )
        query = select(submissions).where(or_(submissions.c.state == "waiting", lapsed)).order_by(submissions.c.updated_at)
        with self.engine.connect() as connection:
            return [_submission(r) for r in connection.execute(query.limit(limit))]

    def forget_submission(self, marker: str) -> None:
        with self.writer.begin() as connection:
            connection.execute(delete(submissions).where(submissions.c.marker == marker, submissions.c.state == "waiting"))

    def restore_submissions(self, rows: Sequence[SubmissionRow], when: datetime) -> None:
        """Rows made from the markers alone (`intake reindex`), in one transaction. A marker the index does
        not know is added as it is; a known one takes the marker's state, claim, lease and attempts (and
        how far it was accounted for, when `latest_us` is known) and keeps its name, partition and part,
        which a marker does not hold; a row that already says all that is left alone. A done row stays
        done (markers never go back: a `processing` one was read before the service finished it)."""
        if not rows:
            return
        with self.writer.begin() as connection:
            wanted = [r.marker for r in rows]
            known = {
                r.marker: _submission(r) for r in connection.execute(select(submissions).where(submissions.c.marker.in_(wanted)))
            }
            new = [{**r.__dict__, "updated_at": when} for r in rows if r.marker not in known]
            if new:
                connection.execute(insert(submissions), new)
            for row in rows:
                old = known.get(row.marker)
                if old is None or (old.state == "done" and row.state != "done"):
                    continue
                values: dict[str, Any] = {
                    "state": row.state,
                    "claim_id": row.claim_id,
                    "lease_since": row.lease_since,
                    "attempts": row.attempts,
                }
                if row.latest_us:
                    values |= {"objects": row.objects, "latest_us": row.latest_us}
                if any(getattr(old, name) != value for name, value in values.items()):
                    connection.execute(
                        update(submissions).where(submissions.c.marker == row.marker).values(**values, updated_at=when)
                    )

    # -- cursors -----------------------------------------------------------------------------------
    def cursor(self, name: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.scalar(select(cursors.c.value).where(cursors.c.name == name))

    def set_cursor(self, name: str, value: str, when: datetime) -> None:
        with self.writer.begin() as connection:
            if not connection.execute(
                update(cursors).where(cursors.c.name == name).values(value=value, updated_at=when)
            ).rowcount:
                connection.execute(insert(cursors).values(name=name, value=value, updated_at=when))

    # -- all ---------------------------------------------------------------------------------------
    def clear_claims(self) -> None:
        """Empty the claims, their tags and counts, and the outbox (reindex starts from the bucket)."""
        with self.writer.begin() as connection:
            for table in (claim_tags, claim_counts, claims, outbox):
                connection.execute(delete(table))


def _submission(row: Any) -> SubmissionRow:
    return SubmissionRow(
        row.marker,
        row.channel,
        row.partition,
        row.name,
        row.after,
        row.state,
        row.claim_id,
        row.lease_since,
        row.attempts,
        row.objects,
        row.latest_us,
    )


def _folded(text: str) -> str:
    from unicodedata import combining, normalize

    return "".join(c for c in normalize("NFKD", text.casefold()) if not combining(c))


def _words(folded: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in folded).split()


def search_words(text: str) -> list[str]:
    """The words of a search: folded (lower case, no accents), split on anything that is not a letter or
    digit; a claim number (or its beginning, `CLM-2026...`) is one word, whole."""
    folded = _folded(text).strip()
    if folded.startswith("clm-") and " " not in folded:
        return [folded]
    return list(dict.fromkeys(_words(folded)))


def terms_of(claim_id: str, *texts: str) -> frozenset[str]:
    """What a claim is found by: its number whole and each of its words (`abc123` finds CLM-20261120-ABC123),
    and every folded word of its texts (beneficiary, files)."""
    number = _folded(claim_id)
    return frozenset([number, *_words(number), *(w for t in texts for w in _words(_folded(t)))])


def open_index(storage: Storage) -> ClaimIndex:
    """The index of this storage (one engine per database and process)."""
    return ClaimIndex(engine_for(default_url(storage)))
