"""fast reads: a word index for search (SQLite FTS5, PostgreSQL tsvector + GIN), aggregates kept at write time
(row counts, the position matrix, outlets, speakers), newest-first indexes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The word index. SQLite: an FTS5 table over the documents table's own columns (external content: the text
# is not stored twice), kept in step by triggers. PostgreSQL: a tsvector column computed from the same
# columns ('simple': words as written, case folded, no stemming, as FTS5's unicode61; every run of letters and
# digits a word, as FTS5 splits them, not PostgreSQL's file names and hosts), under a GIN index; its first
# 200,000 characters, since a tsvector holds at most 1 MB.
_FTS_COLUMNS = "title, outlet, source, text"
_FTS_NEW = "new.id, new.title, coalesce(new.outlet, ''), new.source, new.text"
_FTS_OLD = "'delete', old.id, old.title, coalesce(old.outlet, ''), old.source, old.text"
SQLITE_SEARCH = [
    f"CREATE VIRTUAL TABLE documents_fts USING fts5({_FTS_COLUMNS}, content='documents', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN "
    f"INSERT INTO documents_fts(rowid, {_FTS_COLUMNS}) VALUES ({_FTS_NEW}); END",
    f"CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN "
    f"INSERT INTO documents_fts(documents_fts, rowid, {_FTS_COLUMNS}) VALUES ({_FTS_OLD}); END",
    f"CREATE TRIGGER documents_fts_update AFTER UPDATE OF {_FTS_COLUMNS} ON documents BEGIN "
    f"INSERT INTO documents_fts(documents_fts, rowid, {_FTS_COLUMNS}) VALUES ({_FTS_OLD}); "
    f"INSERT INTO documents_fts(rowid, {_FTS_COLUMNS}) VALUES ({_FTS_NEW}); END",
    "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')",
]
POSTGRES_SEARCH = [
    "ALTER TABLE documents ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', "
    "regexp_replace(left(title || ' ' || coalesce(outlet, '') || ' ' || source || ' ' || text, 200000), "
    "'[^[:alnum:]]+', ' ', 'g'))) STORED",
    "CREATE INDEX ix_documents_search ON documents USING gin (search)",
    # newest first with undated last, the order of every listing (SQLite reads ix_documents_published
    # backwards for it; PostgreSQL would sort, since a backward scan puts NULLs first)
    "CREATE INDEX ix_documents_newest ON documents (published DESC NULLS LAST, id DESC)",
]


def upgrade() -> None:
    op.create_table(
        "row_counts",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_row_counts")),
    )
    op.create_table(
        "position_cells",
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("issue", sa.String(length=100), nullable=False),
        sa.Column("stance", sa.String(length=16), nullable=False),
        sa.Column("positions", sa.Integer(), nullable=False),
        sa.Column("red_lines", sa.Integer(), nullable=False),
        sa.Column("latest", sa.DateTime(), nullable=True),
        sa.Column("newest_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("actor", "issue", "stance", name=op.f("pk_position_cells")),
    )
    op.create_table(
        "outlet_counts",
        sa.Column("outlet", sa.Text(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("first_published", sa.DateTime(), nullable=True),
        sa.Column("last_published", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("outlet", name=op.f("pk_outlet_counts")),
    )
    op.create_table(
        "speaker_counts",
        sa.Column("speaker", sa.String(length=200), nullable=False),
        sa.Column("quotes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("speaker", name=op.f("pk_speaker_counts")),
    )
    op.create_index("ix_stories_last_published", "stories", ["last_published"])
    bind = op.get_bind()
    for statement in SQLITE_SEARCH if bind.dialect.name == "sqlite" else POSTGRES_SEARCH:
        op.execute(statement)
    from zopa.store.aggregates import rebuild

    rebuild(bind)  # the aggregates of what is already stored


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER documents_fts_{trigger}")
        op.execute("DROP TABLE documents_fts")
    else:
        op.execute("DROP INDEX ix_documents_newest")
        op.execute("DROP INDEX ix_documents_search")
        op.execute("ALTER TABLE documents DROP COLUMN search")
    op.drop_index("ix_stories_last_published", table_name="stories")
    for table in ("speaker_counts", "outlet_counts", "position_cells", "row_counts"):
        op.drop_table(table)
