"""The index's tables (SQLAlchemy Core). Alembic's migrations (infra/index/migrations) create them; this
module is what the code queries. Every row is derived from objects in the bucket.

submissions   one per submission (or late part): its marker's state, lease, attempts and claim; `waiting`
              rows are submissions seen in the inbox and not complete yet (a manifest-less upload)
claims        one per claim: what the desk's queue shows, filters and sorts on (the reviewed status, view,
              totals in EUR, flags, care types, channel, dates, version)
claim_tags    one per (claim, flag / care type / channel / search term): the queue's filters and search,
              each an index range (tag, view, created_at), whatever the number of claims
claim_counts  the desk's counts per view (and per flag, care type, channel within a view), kept up to date
              by each write (`infra.index.store`), rebuilt by reindex
outbox        the adjudication outbox: which claims wait for delivery, since when (the hand-off and the
              stale-outbox check read this, not the bucket's listing)
cursors       named positions (the inbox reconciliation's partition watermark)
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, Dialect, Index, Integer, MetaData, Numeric, String, Table, Text
from sqlalchemy.types import DateTime as SqlDateTime
from sqlalchemy.types import TypeDecorator

metadata = MetaData()


class DateTime(TypeDecorator[datetime]):
    """A UTC time on every database: SQLite keeps no time zone, so times go in as UTC and come back aware."""

    impl = SqlDateTime(timezone=True)
    cache_ok = True

    def __init__(self, timezone: bool = True) -> None:
        super().__init__()

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


submissions = Table(
    "submissions",
    metadata,
    Column("marker", String(200), primary_key=True),  # the marker's key: state/submissions/<channel>/<token>.json
    Column("channel", String(20), nullable=False),
    Column("partition", String(20), nullable=False, default=""),  # inbox/<partition>/ ('' : the undated layout)
    Column("name", Text, nullable=False),  # the submission's name in its channel (escaped when not UTF-8)
    Column("after", Integer, nullable=False, default=0),  # a late part: objects accounted for before it
    Column("state", String(16), nullable=False),  # waiting | dispatched | processing | done
    Column("claim_id", String(24)),
    Column("lease_since", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("objects", Integer, nullable=False, default=0),
    Column("latest_us", BigInteger, nullable=False, default=0),  # the latest object change, microseconds
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_submissions_state", "state", "lease_since"),
    Index("ix_submissions_claim", "claim_id"),
)

claims = Table(
    "claims",
    metadata,
    Column("claim_id", String(24), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),  # the reviewed status
    Column("view", String(12), nullable=False),  # to_review | waiting | decided | done
    Column("decision", String(20)),
    Column("decided_at", DateTime(timezone=True)),
    Column("replied_at", DateTime(timezone=True)),  # the claimant's latest reply
    Column("channel", String(20), nullable=False),
    Column("flag_codes", Text, nullable=False),  # space-separated, sorted
    Column("care_types", Text, nullable=False),  # space-separated, sorted
    Column("documents", Integer, nullable=False),
    Column("totals", Text, nullable=False),  # JSON [[amount, currency], ...] per currency
    Column("total_eur", Numeric(14, 2)),  # the bills' total in EUR (the amount sort)
    Column("declared_total", Text),
    Column("beneficiary", Text, nullable=False),
    Column("files", Text, nullable=False),  # JSON list of file names
    Column("version", String(40), nullable=False),  # the desk's version: claim.json's hash and the events' count
    Index("ix_claims_view_created", "view", "created_at", "claim_id"),
    # each queue order is one of these read forwards or backwards (store.SORTS); the amount indexes are
    # NULLS FIRST on PostgreSQL (migration 0002): a claim with no amount is the smallest on both databases
    Index("ix_claims_view_amount", "view", "total_eur", "created_at", "claim_id"),
    Index("ix_claims_view_status", "view", "status", "created_at", "claim_id"),
    Index("ix_claims_created", "created_at", "claim_id"),
    Index("ix_claims_amount", "total_eur", "created_at", "claim_id"),
    Index("ix_claims_status", "status", "created_at", "claim_id"),
)

claim_tags = Table(
    "claim_tags",
    metadata,
    Column("tag", String(200), primary_key=True),  # flag:<code> | care:<type> | channel:<c> | term:<folded word>
    Column("claim_id", String(24), primary_key=True),
    Column("view", String(12), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_claim_tags_view", "tag", "view", "created_at", "claim_id"),
    Index("ix_claim_tags_claim", "claim_id", "tag"),  # a claim's tags; whether it has a search word: one seek
)

claim_counts = Table(
    "claim_counts",
    metadata,
    Column("view", String(12), primary_key=True),
    Column("kind", String(12), primary_key=True),  # claims | flag | care | channel
    Column("value", String(200), primary_key=True),
    Column("n", Integer, nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("claim_id", String(24), primary_key=True),
    Column("written_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Column("delivered_key", String(64)),
    Index("ix_outbox_delivered", "delivered_at", "written_at"),
)

cursors = Table(
    "cursors",
    metadata,
    Column("name", String(60), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
