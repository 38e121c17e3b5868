"""index on documents.duplicate_of: evidence totals subtract the evidence of near-duplicates

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 00:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_documents_duplicate_of", "documents", ["duplicate_of"])


def downgrade() -> None:
    op.drop_index("ix_documents_duplicate_of", table_name="documents")
