"""Fast reads by design (migration 0008): the aggregates kept at write time always equal a recount of the
rows (through new documents, near-duplicates, re-extraction and deletion), and the planner reads the word
index, the aggregates and the newest-first indexes (EXPLAIN of the statements the listings run)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, text

from zopa.records import STANCES, Article, Evidence, Mention, Position, Quote
from zopa.store import aggregates, queries, summaries
from zopa.store.db import Database, open_db
from zopa.store.documents import delete_document, insert_document
from zopa.store.evidence import replace_evidence
from zopa.store.queries import EvidenceFilter
from zopa.store.rows import DocumentRow, PositionRow, QuoteRow

ACTORS = ["arland", "beltia", "cedar"]
ISSUES = ["ferry", "grain"]
WORDS = ["harbour", "tariff", "quota", "border", "truce", "envoy", "ferry", "grain"]


def _article(n: int, rng: random.Random, published: datetime | None) -> Article:
    body = " ".join(rng.choice(WORDS) for _ in range(30)) + f" item{n}."
    text_ = f"Report {n}\n\n{body}"
    return Article(
        source=f"test/{n}.txt",
        title=f"Report {n}",
        text=text_,
        raw=text_,
        outlet=rng.choice(["North Times", "South Post", None]),
        published=published,
        format="text",
        content_hash=f"{n:064x}",
    )


def _evidence(rng: random.Random, text_: str) -> Evidence:
    positions = tuple(
        Position(
            actor=rng.choice(ACTORS),
            issue=rng.choice(ISSUES),
            stance=rng.choice(STANCES),
            value=rng.choice([None, 20.0, 80.0]),
            red_line=rng.random() < 0.3,
            evidence=text_[:40],
            start=0,
            end=40,
            extractor="positions.test",
            confidence=0.8,
        )
        for _ in range(rng.randint(0, 3))
    )
    quotes = tuple(
        Quote(
            speaker=rng.choice([*ACTORS, None]),
            text=text_[5:30],
            cue="said",
            start=5,
            end=30,
            extractor="quotes.test",
            confidence=0.9,
        )
        for _ in range(rng.randint(0, 2))
    )
    mentions = (Mention(actor="arland", text="x", start=0, end=1, how="alias", extractor="a"),)
    return Evidence(mentions=mentions, quotes=quotes, positions=positions, extractors={"positions": "t"})


def _recounted(db: Database) -> dict[str, Any]:
    """The aggregates as a recount of the rows gives them (computed in a transaction rolled back)."""
    with db.engine.connect() as conn:
        transaction = conn.begin()
        aggregates.rebuild(conn)
        recount = aggregates.snapshot(conn)
        transaction.rollback()
    return recount


def _maintained(db: Database) -> dict[str, Any]:
    with db.connect() as conn:
        return aggregates.snapshot(conn)


def test_kept_aggregates_equal_a_recount_through_every_kind_of_write(db_url: str) -> None:
    rng = random.Random(5)
    db = open_db(db_url)
    start = datetime(2025, 1, 1)
    ids: list[int] = []
    for n in range(24):
        published = None if n % 7 == 3 else start + timedelta(days=rng.randint(0, 5))  # ties on dates
        article = _article(n, rng, published)
        duplicate_of = rng.choice(ids) if ids and rng.random() < 0.25 else None
        with db.transaction() as conn:
            doc = insert_document(conn, article, duplicate_of=duplicate_of)
        replace_evidence(db, doc, _evidence(rng, article.text), codebook_hash="cb1")
        ids.append(doc)
    assert _maintained(db) == _recounted(db)
    newest = queries.listing(db, DocumentRow, EvidenceFilter(limit=3, include_duplicates=True)).items
    for doc in [*(d.id for d in newest), *rng.sample(ids, 8)]:  # re-extraction, the newest documents first
        other = _evidence(rng, "another text of forty characters or more, yes")
        replace_evidence(db, doc, other, codebook_hash="cb2")
        assert _maintained(db) == _recounted(db)
    replace_evidence(db, newest[0].id, Evidence(), codebook_hash="cb3")  # all its evidence gone
    assert _maintained(db) == _recounted(db)
    with db.transaction() as conn:
        delete_document(conn, ids[0])  # its near-duplicates become originals
    maintained = _maintained(db)
    assert maintained == _recounted(db)
    assert maintained["row_counts"]["documents"] == 23 and maintained["position_cells"]
    stats = summaries.stats(db)
    assert (stats.documents, stats.positions) == (23, maintained["row_counts"]["positions"])
    db.close()


def test_the_matrix_from_the_kept_cells_equals_the_matrix_from_the_rows(db_url: str) -> None:
    rng = random.Random(9)
    db = open_db(db_url)
    for n in range(15):
        article = _article(n, rng, datetime(2025, 3, 1) + timedelta(hours=n))
        with db.transaction() as conn:
            doc = insert_document(conn, article, duplicate_of=1 if n in (4, 9) else None)
        replace_evidence(db, doc, _evidence(rng, article.text), codebook_hash="cb1")
    kept = queries.position_matrix(db)
    from_rows = queries.position_matrix(
        db, EvidenceFilter(since=datetime(2000, 1, 1))
    )  # a filter: computed from the rows
    assert kept == from_rows and kept.cells
    db.close()


@contextmanager
def _statements(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (and their parameters) run while the block runs."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _plans(db: Database, call: Callable[[], Any]) -> str:
    """EXPLAIN (QUERY PLAN) of every statement ``call`` runs, one text."""
    with _statements(db) as seen:
        call()
    out = []
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        if db.dialect == "postgresql":
            cursor.execute("SET enable_seqscan = off")  # a tiny table is read whole; is the index usable?
        for statement, parameters in seen:
            prefix = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN "
            cursor.execute(prefix + statement, parameters)
            out.append("\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall()))
        cursor.close()
    return "\n---\n".join(out)


def _filled(db_url: str, *, first: int = 0, last: int = 30, analyse: bool = True) -> Database:
    rng = random.Random(3 + first)
    db = open_db(db_url)
    for n in range(first, last):
        article = _article(n, rng, datetime(2025, 1, 1) + timedelta(hours=n))
        with db.transaction() as conn:
            doc = insert_document(conn, article)
        replace_evidence(db, doc, _evidence(rng, article.text), codebook_hash="cb1")
    if analyse:
        with db.connect() as conn:
            conn.execute(text("ANALYZE"))
    return db


def test_search_reads_the_word_index(db_url: str) -> None:
    db = _filled(db_url)
    found = queries.listing(
        db, DocumentRow, EvidenceFilter(search="Harbour item7", limit=5, include_duplicates=True)
    )
    assert [d.title for d in found.items] == ["Report 7"] and found.total == 1
    plan = _plans(
        db,
        lambda: queries.listing(
            db, DocumentRow, EvidenceFilter(search="harbour", limit=5, include_duplicates=True)
        ),
    )
    if db.dialect == "sqlite":
        assert "VIRTUAL TABLE INDEX" in plan and "documents_fts" in plan, plan
    else:
        assert "ix_documents_search" in plan, plan
    db.close()


def test_whole_table_totals_and_the_matrix_read_the_kept_aggregates(db_url: str) -> None:
    db = _filled(db_url)
    for call, table in (
        (
            lambda: queries.listing(db, DocumentRow, EvidenceFilter(limit=5, include_duplicates=True)),
            "documents",
        ),
        (lambda: queries.listing(db, PositionRow, EvidenceFilter(limit=5)), "positions"),
        (lambda: queries.listing(db, QuoteRow, EvidenceFilter(limit=5)), "quotes"),
        (lambda: summaries.stats(db), "quotes"),
    ):
        counts = [p for p in _plans(db, call).split("\n---\n") if "count" in p.lower() or "row_counts" in p]
        assert counts and all("row_counts" in p for p in counts), counts
        assert not any(f"SCAN {table}" in p for p in counts), counts
    plan = _plans(db, lambda: queries.position_matrix(db))
    assert "position_cells" in plan and "positions" not in plan.replace("position_cells", ""), plan
    db.close()


def test_listings_walk_documents_newest_first_without_sorting_them(db_url: str) -> None:
    db = _filled(db_url)
    plan = _plans(
        db, lambda: queries.listing(db, DocumentRow, EvidenceFilter(limit=5, include_duplicates=True))
    )  # the page's ids picked in order, then their rows read by id
    if db.dialect == "sqlite":
        assert "ix_documents_published" in plan and "TEMP B-TREE" not in plan, plan
    else:
        assert "ix_documents_newest" in plan and "Sort" not in plan, plan
    db.close()


FILTERED = {  # a filtered listing -> the index it must read and the big tables it must not read whole
    "quotes of one speaker": (
        QuoteRow,
        EvidenceFilter(speaker="beltia", limit=3),
        "ix_quotes_speaker_listed",
    ),
    "positions of one party on one issue": (
        PositionRow,
        EvidenceFilter(actor="arland", issue="grain", limit=3),
        "ix_positions_pair_listed",
    ),
    "positions on one issue": (
        PositionRow,
        EvidenceFilter(issue="ferry", limit=3),
        "ix_positions_issue_listed",
    ),
    "positions by one speaker": (
        PositionRow,
        EvidenceFilter(speaker="cedar", limit=3),
        "ix_positions_speaker_listed",
    ),
    "articles of one story": (
        DocumentRow,
        EvidenceFilter(story=1, limit=3, include_duplicates=True),
        "ix_documents_story_newest",
    ),
}


def _scans(plan: str, dialect: str) -> list[str]:
    """The lines of ``plan`` that read one of the big tables whole."""
    tables = ("documents", "quotes", "positions")
    if dialect == "sqlite":
        whole = [f"SCAN {t}" for t in tables]  # "SCAN t USING ... INDEX" walks an index: not a full read
        return [line for line in plan.splitlines() if any(line.rstrip().endswith(w) for w in whole)]
    return [line for line in plan.splitlines() if any(f"Seq Scan on {t} " in line + " " for t in tables)]


def test_filtered_listings_read_an_index_that_matches_filter_and_order(db_url: str) -> None:
    """Regression (issue 16, cold speaker and party-and-issue listings): each filter reads its index, whose
    columns also join and order the listing, and picks the page's ids before reading any row whole."""
    db = _filled(db_url)
    with db.transaction() as conn:
        conn.execute(text("INSERT INTO stories (id, label) VALUES (1, 'ferry talks')"))
        conn.execute(text("UPDATE documents SET story_id = 1 WHERE id % 3 = 0"))
        conn.execute(text("UPDATE positions SET speaker = actor"))  # the generated positions name no speaker
    for name, (row, where, index) in FILTERED.items():
        found = queries.listing(db, row, where)
        whole = queries.listing(db, row, EvidenceFilter(**{**_fields(where), "limit": None}))
        assert found.items == whole.items[:3] and found.total == whole.total > 3, name
        plans = _plans(db, lambda row=row, where=where: queries.listing(db, row, where))
        # PostgreSQL may prefer another of the table's listing indexes on 30 rows (one issue for a pair)
        table = index.split("_")[1]
        same_table = {i for *_, i in FILTERED.values() if f"_{table}_" in i}
        usable = {index} if db.dialect == "sqlite" else same_table
        assert any(i in plans for i in usable), (name, plans)
        assert not _scans(plans, db.dialect), (name, plans)
        if db.dialect == "sqlite" and row is not DocumentRow:  # the page picked without reading articles
            assert "ix_documents_listed" in plans, (name, plans)
    db.close()


def _fields(where: EvidenceFilter) -> dict[str, Any]:
    return {f: getattr(where, f) for f in where.__dataclass_fields__}


def test_sqlite_statistics_are_gathered_once_the_articles_double(sqlite_url: str) -> None:
    """Regression (issue 16): with no planner statistics SQLite reads each listed document by its row (the
    whole article) to order a filtered page; with them it reads ix_documents_listed."""
    db = _filled(sqlite_url, last=12, analyse=False)

    def plan() -> str:
        return _plans(db, lambda: queries.listing(db, QuoteRow, EvidenceFilter(speaker="beltia", limit=3)))

    assert "ix_documents_listed" not in plan()
    with db.connect() as conn:
        assert not aggregates.statistics_due(conn)  # 12 articles: below the default
        assert aggregates.statistics_due(conn, least=10)
    with db.transaction() as conn:
        aggregates.gather_statistics(conn)
    assert "ix_documents_listed" in plan()
    with db.connect() as conn:
        assert not aggregates.statistics_due(conn, least=10)  # gathered at 12
    db.close()
    db = _filled(sqlite_url, first=12, last=24, analyse=False)
    with db.connect() as conn:
        assert aggregates.statistics_due(conn, least=10)  # doubled
    db.close()
