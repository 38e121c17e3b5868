"""indexes that match the filtered listings: the evidence of one speaker, party and issue, or issue, and the
articles of one story, each with the columns that order and join the listing, and a narrow copy of what a
listing reads from a document (so picking a page does not read whole articles)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 20:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# (table, the old index and its columns, the new index and its columns): the new starts with the old's columns
REPLACED = (
    (
        "quotes",
        "ix_quotes_speaker",
        ["speaker"],
        "ix_quotes_speaker_listed",
        ["speaker", "document_id", "start"],
    ),
    (
        "positions",
        "ix_positions_actor_issue",
        ["actor", "issue"],
        "ix_positions_pair_listed",
        ["actor", "issue", "document_id", "start"],
    ),
    (
        "positions",
        "ix_positions_issue",
        ["issue"],
        "ix_positions_issue_listed",
        ["issue", "document_id", "start"],
    ),
    (
        "documents",
        "ix_documents_story",
        ["story_id"],
        "ix_documents_story_newest",
        ["story_id", "published", "id", "outlet"],
    ),
)
ADDED = (
    ("positions", "ix_positions_speaker_listed", ["speaker", "document_id", "start"]),
    ("documents", "ix_documents_listed", ["id", "published", "duplicate_of"]),
)


def upgrade() -> None:
    for table, old, _, new, columns in REPLACED:
        op.create_index(new, table, columns)
        op.drop_index(old, table_name=table)
    for table, name, columns in ADDED:
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name == "sqlite":  # without statistics SQLite passes the narrow index by
        op.execute("PRAGMA analysis_limit = 1000")
        op.execute("ANALYZE ix_documents_listed")  # only it (zopa.store.aggregates.gather_statistics)


def downgrade() -> None:
    for table, name, _ in ADDED:
        op.drop_index(name, table_name=table)
    for table, old, columns, new, _ in REPLACED:
        op.create_index(old, table, columns)
        op.drop_index(new, table_name=table)
