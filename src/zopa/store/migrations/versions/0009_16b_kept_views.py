"""kept views: a data version bumped by every write, and the dashboard's whole-database views (what changed,
the negotiation) stored under the version they were computed at

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])
    op.create_table(
        "kept_views",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_kept_views")),
    )
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
    # a page of one kind, newest first (ties in their computed order)
    op.create_index("ix_kept_items_order", "kept_items", ["view", "kind", "sort_at", "seq"])


def downgrade() -> None:
    op.drop_index("ix_kept_items_order", table_name="kept_items")
    for table in ("kept_items", "kept_views", "data_version"):
        op.drop_table(table)
