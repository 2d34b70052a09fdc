"""The queue's sort orders each read from one index, ties broken by the claim number: the amount sort
(largest or smallest first) and the status sort had to sort a whole view when many claims matched. And
the tags of a claim indexed by (claim_id, tag): checking that a claim has a search word is one seek.

The amount indexes put claims with no amount read with the smallest amounts on every database (SQLite's
order for NULL; NULLS FIRST declared on PostgreSQL, whose default is the other way round), so that the
largest first is the same index read backwards.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OLD = ("ix_claims_view_amount", "ix_claims_amount", "ix_claims_view_status", "ix_claims_status")


def _amount() -> sa.TextClause | str:
    return sa.text("total_eur NULLS FIRST") if op.get_bind().dialect.name == "postgresql" else "total_eur"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_claims_view_amount_desc", table_name="claims")
    for name in OLD:
        op.drop_index(name, table_name="claims")
    op.create_index("ix_claims_view_amount", "claims", ["view", _amount(), "created_at", "claim_id"])
    op.create_index("ix_claims_amount", "claims", [_amount(), "created_at", "claim_id"])
    op.create_index("ix_claims_view_status", "claims", ["view", "status", "created_at", "claim_id"])
    op.create_index("ix_claims_status", "claims", ["status", "created_at", "claim_id"])
    op.drop_index("ix_claim_tags_claim", table_name="claim_tags")
    op.create_index("ix_claim_tags_claim", "claim_tags", ["claim_id", "tag"])


def downgrade() -> None:
    op.drop_index("ix_claim_tags_claim", table_name="claim_tags")
    op.create_index("ix_claim_tags_claim", "claim_tags", ["claim_id"])
    for name in OLD:
        op.drop_index(name, table_name="claims")
    op.create_index("ix_claims_view_amount", "claims", ["view", "total_eur"])
    op.create_index("ix_claims_amount", "claims", ["total_eur", "created_at"])
    op.create_index("ix_claims_view_status", "claims", ["view", "status", "created_at"])
    op.create_index("ix_claims_status", "claims", ["status", "created_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_claims_view_amount_desc", "claims", ["view", sa.text("total_eur DESC NULLS LAST")])
