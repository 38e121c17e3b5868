"""incremental refresh of the kept views: the data version that last wrote each party and issue, a kept
view's per-part results, the keys that propose two quotes as copies, and kept items ordered by part

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 17:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

PART = sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql")


def upgrade() -> None:
    # the kept copies are computed again (whole) by the next refresh or request, in the new layout
    op.execute("DELETE FROM kept_views")
    op.drop_index("ix_kept_items_order", table_name="kept_items")
    op.drop_table("kept_items")
    op.create_table(
        "kept_items",
        sa.Column("view", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("part", PART, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.Column("issue", sa.String(length=100), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("sort_at", sa.DateTime(), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("view", "kind", "part", "seq", name=op.f("pk_kept_items")),
    )
    op.create_index("ix_kept_items_order", "kept_items", ["view", "kind", "sort_at", "part", "seq"])
    op.create_table(
        "pair_versions",
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("issue", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("actor", "issue", name=op.f("pk_pair_versions")),
    )
    op.create_index("ix_pair_versions_version", "pair_versions", ["version"])
    op.create_table(
        "kept_parts",
        sa.Column("view", sa.String(length=200), nullable=False),
        sa.Column("part", PART, nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("view", "part", name=op.f("pk_kept_parts")),
    )
    op.create_table(
        "quote_keys",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "quote_id", name=op.f("pk_quote_keys")),
    )
    op.create_index("ix_quote_keys_document", "quote_keys", ["document_id"])
    from zopa.store.aggregates import rebuild_quote_keys

    rebuild_quote_keys(op.get_bind())  # the keys of the quotes already stored


def downgrade() -> None:
    op.drop_index("ix_quote_keys_document", table_name="quote_keys")
    op.drop_table("quote_keys")
    op.drop_table("kept_parts")
    op.drop_index("ix_pair_versions_version", table_name="pair_versions")
    op.drop_table("pair_versions")
    op.execute("DELETE FROM kept_views")
    op.drop_index("ix_kept_items_order", table_name="kept_items")
    op.drop_table("kept_items")
    op.create_table(
        "kept_items",
        sa.Column("view", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.Column("issue", sa.String(length=100), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("sort_at", sa.DateTime(), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("view", "kind", "seq", name=op.f("pk_kept_items")),
    )
    op.create_index("ix_kept_items_order", "kept_items", ["view", "kind", "sort_at", "seq"])
