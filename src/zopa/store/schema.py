"""Database tables (SQLAlchemy Core). Changes go through a named Alembic migration in ``migrations/``."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("label", Text, nullable=False),
    Column("first_published", DateTime, nullable=True),
    Column("last_published", DateTime, nullable=True),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("outlet", Text, nullable=True),
    Column("published", DateTime, nullable=True),
    # where the date came from: metadata | front-matter | date-line | dateline | text | None (unknown)
    Column("published_source", String(32), nullable=True),
    Column("url", Text, nullable=True),
    Column("format", String(16), nullable=False),
    Column("text", Text, nullable=False),  # cleaned text: every span refers to it
    Column("raw", Text, nullable=False),  # the original as read
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("signature", LargeBinary, nullable=True),  # MinHash signature, for near-duplicate detection
    Column("duplicate_of", Integer, ForeignKey("documents.id"), nullable=True),
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=True),
    Column("words", Integer, nullable=False, default=0),
    Column("ingested_at", DateTime, nullable=False),
    Index("ix_documents_published", "published"),
    # a story's articles newest first, its count and outlets without reading an article (migration 0011)
    Index("ix_documents_story_newest", "story_id", "published", "id", "outlet"),
    # what a listing reads of a document to pick its page (the join, the order, the duplicate flag), so a
    # filtered listing does not read whole articles (migration 0011)
    Index("ix_documents_listed", "id", "published", "duplicate_of"),
    Index("ix_documents_duplicate_of", "duplicate_of"),
)

# MinHash LSH bands: a near-duplicate lookup is an indexed equality query, never a scan of all documents.
document_bands = Table(
    "document_bands",
    metadata,
    Column("band", Integer, primary_key=True),
    Column("hash", String(40), primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
)

# Key terms (names, places, rare words) of each document: stories are found by an indexed lookup of documents
# sharing terms, never by comparing every pair of documents.
document_terms = Table(
    "document_terms",
    metadata,
    Column("term", String(100), primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("weight", Float, nullable=False, default=1.0),
    Index("ix_document_terms_document", "document_id"),
)

# How many documents hold each key term (document frequency): story grouping weighs shared terms by rarity and
# looks candidates up by rare terms only, without counting over document_terms.
term_counts = Table(
    "term_counts",
    metadata,
    Column("term", String(100), primary_key=True),
    Column("documents", Integer, nullable=False),
)

actors = Table(
    "actors",
    metadata,
    Column("id", String(200), primary_key=True),  # codebook id, or "ner:<Name>"
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("origin", String(16), nullable=False),  # codebook | ner
)


def _evidence_columns() -> list[Column]:  # type: ignore[type-arg]
    return [
        Column("id", Integer, primary_key=True),
        Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("extractor", String(64), nullable=False),
        Column("confidence", Float, nullable=False),
    ]


mentions = Table(
    "mentions",
    metadata,
    *_evidence_columns(),
    Column("actor", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("how", String(16), nullable=False),
    Index("ix_mentions_document", "document_id"),
    Index("ix_mentions_actor", "actor"),
)

quotes = Table(
    "quotes",
    metadata,
    *_evidence_columns(),
    Column("speaker", String(200), nullable=True),
    Column("text", Text, nullable=False),
    Column("cue", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Index("ix_quotes_document", "document_id"),
    Index("ix_quotes_speaker_listed", "speaker", "document_id", "start"),
)

statements = Table(
    "statements",
    metadata,
    *_evidence_columns(),
    Column("speaker", String(200), nullable=True),
    Column("text", Text, nullable=False),
    Column("cue", Text, nullable=False),
    Index("ix_statements_document", "document_id"),
)

positions = Table(
    "positions",
    metadata,
    *_evidence_columns(),
    Column("actor", String(200), nullable=False),
    Column("issue", String(100), nullable=False),
    Column("stance", String(16), nullable=False),
    Column("value", Float, nullable=True),
    Column("rejected_value", Float, nullable=True),
    Column("conditional_on", String(100), nullable=True),
    Column("red_line", Boolean, nullable=False, default=False),
    Column("speaker", String(200), nullable=True),
    Column("evidence", Text, nullable=False),
    Index("ix_positions_document", "document_id"),
    # each filter with the columns that join and order its listing (migration 0011)
    Index("ix_positions_pair_listed", "actor", "issue", "document_id", "start"),
    Index("ix_positions_issue_listed", "issue", "document_id", "start"),
    Index("ix_positions_speaker_listed", "speaker", "document_id", "start"),
)

events = Table(
    "events",
    metadata,
    *_evidence_columns(),
    Column("what", Text, nullable=False),
    Column("count", Float, nullable=True),
    Column("unit", Text, nullable=True),
    Column("qualifier", String(64), nullable=True),
    Column("place", Text, nullable=True),
    Column("when", Text, nullable=True),
    Column("claimed_by", String(200), nullable=True),
    Index("ix_events_document", "document_id"),
)

# Which extractor version and codebook produced a document's evidence: a codebook change re-runs only the
# documents whose stored run used another codebook hash.
extraction_runs = Table(
    "extraction_runs",
    metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("stage", String(32), primary_key=True),  # actors | quotes | speech | positions | events
    Column("extractor", String(64), nullable=False),
    Column("codebook_hash", String(64), nullable=False),
    Column("run_at", DateTime, nullable=False),
)

EVIDENCE_TABLES = {
    "mentions": mentions,
    "quotes": quotes,
    "statements": statements,
    "positions": positions,
    "events": events,
}

# The codebooks that built the database's evidence, newest last: commands that read the evidence use the
# newest one unless told otherwise (its whole content is kept, so the file may move or change).
codebooks = Table(
    "codebooks",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("content", Text, nullable=False),  # the codebook as JSON (Codebook.model_dump)
    Column("used_at", DateTime, nullable=False),
)

# Forecasts, computed once per (table, model, parameters, draws, seed, level) and read back by every view
# (CLI, report, dashboard, API), so they agree to the digit.
forecasts = Table(
    "forecasts",
    metadata,
    Column("key", String(64), primary_key=True),  # sha256 of everything the forecast depends on
    Column("inputs", Text, nullable=False),  # the table's name@fingerprint
    Column("model", String(64), nullable=False),
    Column("settings", Text, nullable=False),  # JSON: params, draws, seed, level, engine version
    Column("result", Text, nullable=False),  # JSON: per issue forecast, interval, failures, agreement
    Column("computed_at", DateTime, nullable=False),
)

# --- zopa watch: feeds polled, items analysed, alerts raised (migration 0005) ------------------------------

# One row per feed `zopa watch` polls: the validators of its last answer (sent back as If-None-Match and
# If-Modified-Since) and its schedule, so a restarted watcher resumes where it stopped, backoff included.
watch_feeds = Table(
    "watch_feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, unique=True),
    Column("etag", Text, nullable=True),
    Column("last_modified", Text, nullable=True),
    Column("checked_at", DateTime, nullable=True),
    Column("next_check_at", DateTime, nullable=True),
    Column("failures", Integer, nullable=False, default=0),  # consecutive failed polls (the backoff exponent)
    Column("last_status", String(32), nullable=True),  # "200", "304", "error"
    Column("last_error", Text, nullable=True),
)

# Feed items already analysed, keyed by the content hash of the item's text: an item is marked in the same
# transaction as the alerts it raised, so a watcher killed mid-item redoes that item and nothing else.
watch_items = Table(
    "watch_items",
    metadata,
    Column("feed_id", Integer, ForeignKey("watch_feeds.id", ondelete="CASCADE"), primary_key=True),
    Column("item_key", String(64), primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="SET NULL"), nullable=True),
    Column("title", Text, nullable=False),
    Column("link", Text, nullable=True),
    Column("status", String(16), nullable=False),  # analysed | failed
    Column("problem", Text, nullable=True),
    Column("processed_at", DateTime, nullable=False),
)

# Alerts: one per shift or contradiction a new item brought. `key` identifies the change (kind and the two
# statements), so the same change is never raised twice; `logged_at` / `posted_at` record delivery.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # shift | contradiction
    Column("change", String(32), nullable=False),  # point, red-line-drawn, ..., positions, stances, speaker
    Column("actor", String(200), nullable=True),
    Column("issue", String(100), nullable=True),
    Column("document_id", Integer, nullable=True),  # the new item's document
    Column("feed_id", Integer, nullable=True),
    Column("summary", Text, nullable=False),
    Column("detail", Text, nullable=False),  # JSON: the statements before and after, with their sources
    Column("created_at", DateTime, nullable=False),
    Column("logged_at", DateTime, nullable=True),
    Column("posted_at", DateTime, nullable=True),
    Column("post_attempts", Integer, nullable=False, default=0),
    Index("ix_alerts_created_at", "created_at"),
)

# --- read aggregates, kept up to date in each write transaction (migration 0008, zopa.store.aggregates) -----

# Row counts the dashboard shows on every visit: "documents", "duplicates" (documents marked near-duplicate),
# each evidence table's name, and "<table>.in_duplicates" (its rows in near-duplicate documents, which
# listings leave out by default): a total is one primary-key read, never a count over millions of rows.
row_counts = Table(
    "row_counts",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("rows", Integer, nullable=False),
)

# The party x issue matrix (evidence of near-duplicates left out): per (actor, issue, stance) the number of
# positions, of red lines, the newest publication date and the newest position id (the tie-break).
position_cells = Table(
    "position_cells",
    metadata,
    Column("actor", String(200), primary_key=True),
    Column("issue", String(100), primary_key=True),
    Column("stance", String(16), primary_key=True),
    Column("positions", Integer, nullable=False),
    Column("red_lines", Integer, nullable=False),
    Column("latest", DateTime, nullable=True),
    Column("newest_id", Integer, nullable=False),
)

# The outlets documents came from (the filter forms): documents, first and last publication date.
outlet_counts = Table(
    "outlet_counts",
    metadata,
    Column("outlet", Text, primary_key=True),
    Column("documents", Integer, nullable=False),
    Column("first_published", DateTime, nullable=True),
    Column("last_published", DateTime, nullable=True),
)

# Everyone quoted, with the number of quotes (the speaker filter).
speaker_counts = Table(
    "speaker_counts",
    metadata,
    Column("speaker", String(200), primary_key=True),
    Column("quotes", Integer, nullable=False),
)

# --- kept views (migration 0009, zopa.store.aggregates, zopa.kept_views) ---------------------------------

# One row: a number every write transaction raises (with the row counts above), so a view stored at an older
# version is known to be stale without comparing anything else.
data_version = Table(
    "data_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

# Whole-database views computed from the stored evidence (the negotiation, what changed), each kept with
# the data version it was computed at and served only while that is still the current version.
kept_views = Table(
    "kept_views",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("value", LargeBinary, nullable=False),
)

# The long listings of a kept view (what changed: its shifts and contradictions), one row each, so a page
# reads and decodes only its own items: filtered by party, issue and day, newest first (``sort_at``), ties
# by ``part`` (the party and issue they belong to: each is refreshed on its own, migration 0010) and the
# order they were computed in it (``seq``). Valid while their view's ``kept_views`` row is current.
# ``part`` compares by code point on both dialects (PostgreSQL's "C" collation), as Python sorts it.
PART = String(400).with_variant(String(400, collation="C"), "postgresql")
kept_items = Table(
    "kept_items",
    metadata,
    Column("view", String(200), primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("part", PART, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("actor", String(200), nullable=True),
    Column("issue", String(100), nullable=True),
    Column("day", Date, nullable=True),
    Column("sort_at", DateTime, nullable=False),
    Column("value", LargeBinary, nullable=False),
)
Index(
    "ix_kept_items_order",
    kept_items.c.view,
    kept_items.c.kind,
    kept_items.c.sort_at,
    kept_items.c.part,
    kept_items.c.seq,
)

# --- incremental refresh (migration 0010, zopa.kept_views) ------------------------------------------------

# Per party and issue, the data version that last wrote one of its positions (duplicates' too): a refresh
# recomputes only the parts of a view written since the view's version. The row ("*", "*") means every part
# (a deletion, which turns copies into originals).
pair_versions = Table(
    "pair_versions",
    metadata,
    Column("actor", String(200), primary_key=True),
    Column("issue", String(100), primary_key=True),
    Column("version", Integer, nullable=False),
)
Index("ix_pair_versions_version", pair_versions.c.version)

# A kept view's per-part results (one party and issue, or the quotes), reused while the part is unchanged.
kept_parts = Table(
    "kept_parts",
    metadata,
    Column("view", String(200), primary_key=True),
    Column("part", PART, primary_key=True),
    Column("value", LargeBinary, nullable=False),
)

# The keys that propose two quotes as copies of one (zopa.corroborate: the whole text, its first and last
# words), hashed, per quote: only quotes that share a key can be in a quote group, so the misattributed quotes
# are found among those few instead of among every quote.
quote_keys = Table(
    "quote_keys",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("quote_id", Integer, primary_key=True),
    Column("document_id", Integer, nullable=False),
)
Index("ix_quote_keys_document", quote_keys.c.document_id)

# Newest stories first without sorting them all.
Index("ix_stories_last_published", stories.c.last_published)

# The word index is made of objects of one dialect each, created by migration 0008 and not described here:
# SQLite's FTS5 table (and the tables FTS5 keeps beside it), PostgreSQL's tsvector column and its indexes.
SEARCH_OBJECTS = frozenset({"documents_fts", "search", "ix_documents_search", "ix_documents_newest"})


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's filter when comparing a database with this module: the word index's objects are left out."""
    return not (name in SEARCH_OBJECTS or (name or "").startswith("documents_fts_"))
