"""stored forecasts, the codebooks that built the database, where each document's date came from

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("published_source", sa.String(length=32), nullable=True))
    # documents stored before this migration: a date they have came from their metadata
    op.execute("UPDATE documents SET published_source = 'metadata' WHERE published IS NOT NULL")
    op.create_table(
        "codebooks",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_codebooks")),
    )
    op.create_table(
        "forecasts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_forecasts")),
    )


def downgrade() -> None:
    op.drop_table("forecasts")
    op.drop_table("codebooks")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("published_source")
