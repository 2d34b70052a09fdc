"""The index's first tables: submissions, claims, claim_tags, claim_counts, outbox, cursors.

Revision ID: 0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("marker", sa.String(200), primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("partition", sa.String(20), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("after", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("claim_id", sa.String(24)),
        sa.Column("lease_since", TIME),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("objects", sa.Integer, nullable=False),
        sa.Column("latest_us", sa.BigInteger, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
    )
    op.create_index("ix_submissions_state", "submissions", ["state", "lease_since"])
    op.create_index("ix_submissions_claim", "submissions", ["claim_id"])
    op.create_table(
        "claims",
        sa.Column("claim_id", sa.String(24), primary_key=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("view", sa.String(12), nullable=False),
        sa.Column("decision", sa.String(20)),
        sa.Column("decided_at", TIME),
        sa.Column("replied_at", TIME),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("flag_codes", sa.Text, nullable=False),
        sa.Column("care_types", sa.Text, nullable=False),
        sa.Column("documents", sa.Integer, nullable=False),
        sa.Column("totals", sa.Text, nullable=False),
        sa.Column("total_eur", sa.Numeric(14, 2)),
        sa.Column("declared_total", sa.Text),
        sa.Column("beneficiary", sa.Text, nullable=False),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
    )
    op.create_index("ix_claims_view_created", "claims", ["view", "created_at", "claim_id"])
    op.create_index("ix_claims_view_amount", "claims", ["view", "total_eur"])
    op.create_index("ix_claims_view_status", "claims", ["view", "status", "created_at"])
    op.create_index("ix_claims_created", "claims", ["created_at", "claim_id"])
    op.create_index("ix_claims_amount", "claims", ["total_eur", "created_at"])
    op.create_index("ix_claims_status", "claims", ["status", "created_at"])
    if op.get_bind().dialect.name == "postgresql":  # the amount sort, largest first, claims without an amount last
        op.create_index("ix_claims_view_amount_desc", "claims", ["view", sa.text("total_eur DESC NULLS LAST")])
    op.create_table(
        "claim_tags",
        sa.Column("tag", sa.String(200), primary_key=True),
        sa.Column("claim_id", sa.String(24), primary_key=True),
        sa.Column("view", sa.String(12), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_index("ix_claim_tags_view", "claim_tags", ["tag", "view", "created_at", "claim_id"])
    op.create_index("ix_claim_tags_claim", "claim_tags", ["claim_id"])
    op.create_table(
        "claim_counts",
        sa.Column("view", sa.String(12), primary_key=True),
        sa.Column("kind", sa.String(12), primary_key=True),
        sa.Column("value", sa.String(200), primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("claim_id", sa.String(24), primary_key=True),
        sa.Column("written_at", TIME, nullable=False),
        sa.Column("delivered_at", TIME),
        sa.Column("delivered_key", sa.String(64)),
    )
    op.create_index("ix_outbox_delivered", "outbox", ["delivered_at", "written_at"])
    op.create_table(
        "cursors",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
    )


def downgrade() -> None:
    for table in ("cursors", "outbox", "claim_counts", "claim_tags", "claims", "submissions"):
        op.drop_table(table)
