"""term counts: document frequency of each key term, for story grouping

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "term_counts",
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_term_counts")),
    )
    # documents stored before this migration: count their terms
    op.execute(
        "INSERT INTO term_counts (term, documents) SELECT term, COUNT(*) FROM document_terms GROUP BY term"
    )


def downgrade() -> None:
    op.drop_table("term_counts")
