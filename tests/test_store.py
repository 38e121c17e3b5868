"""Storage on SQLite and PostgreSQL: migrations, transactions, evidence replacement, the read API."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from zopa.errors import InputError, NotFoundError, StorageError
from zopa.records import Article, EventFact, Evidence, Mention, Position, Quote, Statement
from zopa.store import export, queries, schema, summaries
from zopa.store.db import current_revision, head_revision, open_db
from zopa.store.documents import documents_sharing_bands, insert_document
from zopa.store.evidence import replace_evidence
from zopa.store.queries import EvidenceFilter, listing
from zopa.store.rows import ActorRow, DocumentRow, EventRow, PositionRow, QuoteRow, StoryRow

TEXT = (
    "Ministers of Arland and Beltia met in Cedarport on Monday.\n\n"
    "\u201cWe will never give up the northern valley,\u201d said Arland's foreign minister Dana Holt.\n\n"
    "Beltia offered to lift tariffs if Arland opened its ports. 12 ships were stopped at the border."
)


def _article(n: int = 0, *, published: datetime | None = datetime(2025, 3, 1, 9, 0)) -> Article:
    body = TEXT + ("" if n == 0 else f"\n\nUpdate number {n}.")
    return Article(
        source=f"example-{n}.txt",
        title=f"Talks in Cedarport {n}",
        text=body,
        raw=body,
        outlet="Example Times",
        published=published,
        url=None,
        format="text",
        content_hash=f"{n:064x}",
    )


def _evidence(text_: str) -> Evidence:
    q_start = text_.index("We will never")
    q_end = text_.index(",\u201d said")
    s_start = text_.index("\u201cWe")
    s_end = text_.index("Holt.") + len("Holt.")
    e_start = text_.index("12 ships")
    return Evidence(
        mentions=(
            Mention(actor="arland", text="Arland", start=13, end=19, how="alias"),
            Mention(actor="ner:Dana Holt", text="Dana Holt", start=s_end - 10, end=s_end - 1, how="ner"),
        ),
        quotes=(
            Quote(speaker="ner:Dana Holt", text=text_[q_start:q_end], start=q_start, end=q_end, cue="said X"),
        ),
        statements=(
            Statement(
                speaker="beltia", text="lift tariffs", start=e_start - 60, end=e_start - 2, cue="offered"
            ),
        ),
        positions=(
            Position(
                actor="arland",
                issue="northern-valley",
                stance="reject",
                red_line=True,
                speaker="ner:Dana Holt",
                evidence=text_[s_start:s_end],
                start=s_start,
                end=s_end,
            ),
            Position(
                actor="beltia",
                issue="tariffs",
                stance="offer",
                conditional_on="ports",
                evidence="Beltia offered",
                start=e_start - 60,
                end=e_start - 2,
                value=20.0,
            ),
        ),
        events=(
            EventFact(
                what="ships stopped",
                count=12,
                unit="ships",
                qualifier="at least",
                place="the border",
                start=e_start,
                end=e_start + 8,
            ),
        ),
        extractors={"quotes": "quotes.v1", "positions": "positions.v1"},
    )


def _store(db, n: int = 0, **kw) -> int:  # type: ignore[no-untyped-def]
    article = _article(n, **kw)
    with db.transaction() as conn:
        doc_id = insert_document(conn, article, bands=[(0, f"h{n}"), (1, "shared")], terms={"cedarport": 2.0})
    replace_evidence(db, doc_id, _evidence(article.text), codebook_hash="cb1")
    return doc_id


def _count(db, table) -> int:  # type: ignore[no-untyped-def]
    with db.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_open_db_applies_migrations_once(db_url: str) -> None:
    db = open_db(db_url)
    assert current_revision(db) == head_revision()
    assert db.dialect in {"sqlite", "postgresql"}
    db.close()
    again = open_db(db_url)  # already at head: nothing to do, nothing lost
    assert current_revision(again) == head_revision()
    again.close()


def test_shipped_migrations_read_without_alembic_are_alembics() -> None:
    from zopa.store import db as store_db

    assert store_db._shipped() == store_db._shipped_by_alembic()
    assert store_db._heads() == {head_revision()}


def test_opening_a_current_database_needs_no_alembic(sqlite_url: str) -> None:
    open_db(sqlite_url).close()  # created and migrated here
    check = (
        "import sys; from zopa.store.db import open_db, current_revision; "
        f"db = open_db({sqlite_url!r}); print(current_revision(db), 'alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [head_revision(), "False"]


def test_an_old_database_is_still_migrated(sqlite_url: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from zopa.store.db import _alembic_config

    engine = create_engine(f"sqlite:///{sqlite_url}")
    with engine.begin() as conn:  # a database an early zopa left: the first migration only
        command.upgrade(_alembic_config(conn), "0001")
    engine.dispose()
    db = open_db(sqlite_url)
    assert current_revision(db) == head_revision() != "0001"
    db.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    with open_db(sqlite_url) as db, db.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_zopa_db_environment_variable_names_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("ZOPA_DB", str(target))
    with open_db() as db:
        assert db.path == target
    assert target.exists()


def test_default_is_zopa_db_in_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZOPA_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    with open_db():
        pass
    assert (tmp_path / "zopa.db").exists()


def test_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"these are my notes, not a database\n" * 20)
    before = bogus.read_bytes()
    with pytest.raises(StorageError, match=r"notes\.db.*not a database"):
        open_db(bogus)
    assert bogus.read_bytes() == before


def test_sqlite_file_with_a_corrupt_body_is_a_storage_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    with pytest.raises(StorageError, match=r"broken\.db"):
        open_db(broken)


def test_unknown_schema_revision_is_refused(sqlite_url: str) -> None:
    open_db(sqlite_url).close()
    con = sqlite3.connect(sqlite_url)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="9999_future"):
        open_db(sqlite_url)


def test_unsupported_url_and_missing_folder_are_storage_errors(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="unsupported"):
        open_db("mysql://somewhere/db")
    with pytest.raises(StorageError, match="does not exist"):
        open_db(tmp_path / "no" / "such" / "folder.db")
    with pytest.raises(StorageError, match="folder"):
        open_db(tmp_path)


def test_transaction_rolls_back_on_error(db_url: str) -> None:
    db = open_db(db_url)
    with pytest.raises(RuntimeError), db.transaction() as conn:
        insert_document(conn, _article(1))
        raise RuntimeError("crash in the middle of a unit of work")
    assert _count(db, schema.documents) == 0
    db.close()


def test_replace_evidence_stores_then_replaces_everything(db_url: str) -> None:
    db = open_db(db_url)
    doc_id = _store(db)
    assert _count(db, schema.quotes) == 1
    assert _count(db, schema.positions) == 2
    assert _count(db, schema.extraction_runs) == 2
    # replacing with less evidence removes the old rows, in one go
    replace_evidence(db, doc_id, Evidence(quotes=_evidence(TEXT).quotes), codebook_hash="cb2")
    assert _count(db, schema.quotes) == 1
    assert _count(db, schema.positions) == 0
    assert _count(db, schema.events) == 0
    with db.connect() as conn:
        runs = conn.execute(select(schema.extraction_runs.c.codebook_hash)).scalars().all()
    assert runs == ["cb2"]
    # NER actors were recorded as actors
    assert "ner:Dana Holt" in {actor.id for actor in queries.list_actors(db)}
    with pytest.raises(NotFoundError):
        replace_evidence(db, 999_999, Evidence(), codebook_hash="cb2")
    db.close()


def test_queries_return_traceable_rows(db_url: str) -> None:
    db = open_db(db_url)
    old = _store(db, 1, published=datetime(2024, 1, 5))
    new = _store(db, 2, published=datetime(2025, 6, 1))
    undated = _store(db, 3, published=None)

    docs = queries.listing(db, DocumentRow, EvidenceFilter(include_duplicates=True))
    assert [row.id for row in docs.items] == [new, old, undated]  # newest first, undated last
    assert docs.total == 3
    page = queries.listing(db, DocumentRow, EvidenceFilter(limit=1, offset=1, include_duplicates=True))
    assert [row.id for row in page.items] == [old] and page.total == 3
    assert (
        queries.listing(
            db, DocumentRow, EvidenceFilter(search="update number 2", include_duplicates=True)
        ).total
        == 1
    )
    assert (
        queries.listing(db, DocumentRow, EvidenceFilter(search="100%", include_duplicates=True)).total == 0
    )  # wildcards are escaped

    positions = queries.listing(db, PositionRow, EvidenceFilter(actor="arland", issue="northern-valley"))
    assert positions.total == 3
    first = positions.items[0]
    assert first.document == new and first.published == datetime(2025, 6, 1)
    stored = queries.get_document(db, first.document).text
    assert stored[first.start : first.end] == first.evidence
    assert first.red_line is True and first.stance == "reject"
    assert queries.listing(db, PositionRow, EvidenceFilter(since=date(2025, 1, 1))).total == 2
    assert queries.listing(db, PositionRow, EvidenceFilter(until=date(2024, 1, 5))).total == 2
    assert queries.listing(db, PositionRow, EvidenceFilter(stance="offer")).items[0].conditional_on == "ports"
    with pytest.raises(InputError, match="stance"):
        queries.listing(db, PositionRow, EvidenceFilter(stance="maybe"))
    with pytest.raises(InputError, match="limit"):
        queries.listing(db, PositionRow, EvidenceFilter(limit=-1))

    quotes = queries.listing(db, QuoteRow, EvidenceFilter(speaker="Dana Holt"))  # by name as well as by id
    assert quotes.total == 3
    assert (
        queries.listing(db, QuoteRow, EvidenceFilter(issue="northern-valley")).total == 3
    )  # quote inside the position's sentence
    assert queries.listing(db, QuoteRow, EvidenceFilter(issue="tariffs")).total == 0
    assert (
        queries.listing(db, QuoteRow, EvidenceFilter(outlet="example times", since=date(2025, 1, 1))).total
        == 1
    )

    events = queries.listing(db, EventRow, EvidenceFilter(what="ships"))
    assert events.total == 3 and events.items[0].count == 12 and events.items[0].qualifier == "at least"

    matrix = queries.position_matrix(db)
    cell = matrix.cell("arland", "northern-valley")
    assert cell is not None and cell.counts == {"reject": 3} and cell.stance == "reject" and cell.red_line
    assert cell.latest == datetime(2025, 6, 1)

    full = queries.document_evidence(db, old)
    assert full.document.id == old
    assert len(full.quotes) == 1 and len(full.mentions) == 2 and len(full.statements) == 1
    with pytest.raises(NotFoundError):
        queries.get_document(db, 424242)
    assert queries.find_document(db, "example-1.txt").id == old
    assert summaries.stats(db).documents == 3
    db.close()


def test_a_filter_a_listing_cannot_apply_is_refused_by_name(db_url: str) -> None:
    db = open_db(db_url)
    with pytest.raises(InputError, match=r"^stance: does not filter quotes \(these do: .*speaker"):
        listing(db, QuoteRow, EvidenceFilter(stance="offer"))
    with pytest.raises(InputError, match=r"^document: does not filter stories"):
        listing(db, StoryRow, EvidenceFilter(document=1))
    with pytest.raises(InputError, match=r"^limit: does not filter matrix"):
        queries.position_matrix(db, EvidenceFilter(limit=5))
    with pytest.raises(TypeError, match="no listing of ActorRow"):
        listing(db, ActorRow)
    assert listing(db, QuoteRow, EvidenceFilter(speaker="nobody", include_duplicates=True)).total == 0
    db.close()


def test_near_duplicates_do_not_count_twice(db_url: str) -> None:
    db = open_db(db_url)
    original = _store(db, 1)
    article = _article(2)
    with db.transaction() as conn:
        dup = insert_document(conn, article, duplicate_of=original)
    replace_evidence(db, dup, _evidence(article.text), codebook_hash="cb1")
    assert queries.listing(db, PositionRow, EvidenceFilter(actor="arland")).total == 1
    assert (
        queries.listing(db, PositionRow, EvidenceFilter(actor="arland", include_duplicates=True)).total == 2
    )
    assert queries.position_matrix(db).cell("arland", "northern-valley").total == 1  # type: ignore[union-attr]
    db.close()


def test_band_lookup_finds_documents_sharing_a_band(db_url: str) -> None:
    db = open_db(db_url)
    a = _store(db, 1)
    b = _store(db, 2)
    with db.connect() as conn:
        assert set(documents_sharing_bands(conn, [(1, "shared")])) == {a, b}
        assert documents_sharing_bands(conn, [(0, "h1")]) == [a]
        assert documents_sharing_bands(conn, [(5, "nothing")]) == []
    db.close()


def test_export_has_the_promised_fields(db_url: str) -> None:
    db = open_db(db_url)
    _store(db, 1)
    exported = export.export_all(db)
    for name, fields in export.EXPORT_FIELDS.items():
        assert name in exported
        for item in exported[name]:
            assert list(item)[: len(fields)] == list(fields), name
    assert exported["documents"][0]["published"] == "2025-03-01T09:00:00"
    assert exported["positions"][0]["red_line"] is True
    db.close()


def test_wal_lets_a_writer_commit_while_a_reader_is_open(sqlite_url: str) -> None:
    db = open_db(sqlite_url)
    _store(db, 1)
    count = select(func.count()).select_from(schema.documents)
    with db.connect() as reader:
        assert reader.execute(count).scalar_one() == 1
        _store(db, 2)  # another connection writes while the read transaction is open: no "database is locked"
        assert reader.execute(count).scalar_one() == 1  # the reader keeps its snapshot
    assert _count(db, schema.documents) == 2
    db.close()


def _listing_db(db_url: str):  # type: ignore[no-untyped-def]
    """Eight documents: ties on ``published``, an undated one, two outlets, two near-duplicates."""
    db = open_db(db_url)
    dates = [
        datetime(2024, 1, 5),
        datetime(2025, 6, 1),
        datetime(2025, 6, 1),
        None,
        datetime(2024, 12, 31, 23, 0),
        datetime(2025, 2, 1),
        datetime(2025, 6, 1),
        None,
    ]
    ids: list[int] = []
    for n, published in enumerate(dates, start=1):
        article = _article(n, published=published)
        if n % 2 == 0:
            article = dataclasses.replace(article, outlet="Other Post")
        duplicate_of = ids[0] if n in (3, 8) else None
        with db.transaction() as conn:
            doc = insert_document(conn, article, duplicate_of=duplicate_of)
        replace_evidence(db, doc, _evidence(article.text), codebook_hash="cb1")
        ids.append(doc)
    return db


def _expected(db, table, keep) -> list[int]:  # type: ignore[no-untyped-def]
    """Reference listing computed in Python: rows kept by ``keep``, newest document first (undated last),
    then document id descending, start, id."""
    d = schema.documents
    with db.connect() as conn:
        rows = conn.execute(
            select(table, d.c.published, d.c.outlet, d.c.duplicate_of).select_from(
                table.join(d, table.c.document_id == d.c.id)
            )
        ).mappings()
        rows = [row for row in rows if keep(row)]
    rows.sort(key=lambda r: (r["start"], r["id"]))
    rows.sort(
        key=lambda r: (r["published"] is not None, r["published"] or datetime.min, r["document_id"]),
        reverse=True,
    )
    return [row["id"] for row in rows]


def test_evidence_listings_match_a_reference_on_filters_order_pages_and_totals(db_url: str) -> None:
    db = _listing_db(db_url)
    since = datetime(2025, 1, 1)
    not_dup = lambda r: r["duplicate_of"] is None  # noqa: E731
    cases = [
        (QuoteRow, schema.quotes, {}, not_dup),
        (QuoteRow, schema.quotes, {"include_duplicates": True}, lambda r: True),
        (QuoteRow, schema.quotes, {"speaker": "DANA HOLT"}, not_dup),
        (
            QuoteRow,
            schema.quotes,
            {"speaker": "ner:Dana Holt", "include_duplicates": True},
            lambda r: True,
        ),
        (QuoteRow, schema.quotes, {"speaker": "nobody"}, lambda r: False),
        (
            QuoteRow,
            schema.quotes,
            {"outlet": "other post"},
            lambda r: not_dup(r) and r["outlet"] == "Other Post",
        ),
        (
            QuoteRow,
            schema.quotes,
            {"since": since},
            lambda r: not_dup(r) and r["published"] is not None and r["published"] >= since,
        ),
        (
            QuoteRow,
            schema.quotes,
            {"until": date(2024, 12, 31), "include_duplicates": True},
            lambda r: r["published"] is not None and r["published"] < datetime(2025, 1, 1),
        ),
        (QuoteRow, schema.quotes, {"issue": "northern-valley", "search": "NEVER"}, not_dup),
        (PositionRow, schema.positions, {}, not_dup),
        (
            PositionRow,
            schema.positions,
            {"actor": "arland", "issue": "northern-valley"},
            lambda r: not_dup(r) and r["actor"] == "arland",
        ),
        (
            PositionRow,
            schema.positions,
            {"stance": "offer", "include_duplicates": True},
            lambda r: r["stance"] == "offer",
        ),
        (
            PositionRow,
            schema.positions,
            {"red_line": True, "since": since},
            lambda r: not_dup(r) and r["red_line"] and r["published"] is not None and r["published"] >= since,
        ),
        (EventRow, schema.events, {}, not_dup),
        (
            EventRow,
            schema.events,
            {"what": "SHIPS", "outlet": "example times"},
            lambda r: not_dup(r) and r["outlet"] == "Example Times",
        ),
        (EventRow, schema.events, {"place": "nowhere"}, lambda r: False),
    ]
    for row, table, filters, keep in cases:
        expected = _expected(db, table, keep)
        page = listing(db, row, EvidenceFilter(**filters))
        assert [item.id for item in page.items] == expected, (row.__name__, filters)
        assert page.total == len(expected), (row.__name__, filters)
        for limit, offset in ((3, 0), (3, 2), (2, 5), (None, 4)):
            paged = listing(db, row, EvidenceFilter(**filters, limit=limit, offset=offset))
            end = None if limit is None else offset + limit
            assert [item.id for item in paged.items] == expected[offset:end], (row.__name__, filters, offset)
            assert paged.total == len(expected)
    first = listing(db, DocumentRow, EvidenceFilter(include_duplicates=True)).items[0].id
    one = listing(db, QuoteRow, EvidenceFilter(document=first))
    assert one.total == 1 and len(one.items) == 1
    db.close()


def test_document_search_matches_a_reference_with_pages(db_url: str) -> None:
    """Search through the word index: every word of the query (runs of letters and digits, any case) among
    the words of the title, outlet, source or text; the reference computed in Python from the same rule."""
    db = _listing_db(db_url)
    every = queries.listing(
        db, DocumentRow, EvidenceFilter(include_duplicates=True)
    ).items  # order itself: test_queries_return_traceable_rows

    def words(value: str | None) -> set[str]:
        return set(re.findall(r"[^\W_]+", (value or "").lower()))

    held = {
        row.id: set().union(
            *(words(x) for x in (row.title, row.outlet, row.source, queries.get_document(db, row.id).text))
        )
        for row in every
    }
    cases: list[tuple[str, dict[str, Any]]] = [
        ("update NUMBER 2", {}),
        ("other post", {}),
        ("other post", {"include_duplicates": False}),
        ("EXAMPLE-", {"since": date(2025, 1, 1)}),
        ("cedarport", {}),
        ("100%", {}),
        ("update_number", {}),  # two words: "_" separates words, as in the index
        ("cedar", {}),  # a part of a word is not a word
        ("!!", {}),  # no word: nothing
    ]
    for search, filters in cases:
        wanted = words(search)
        every_document = {"include_duplicates": True, **filters}
        keep = [row.id for row in listing(db, DocumentRow, EvidenceFilter(**every_document)).items]
        expected = [i for i in keep if wanted and wanted <= held[i]]
        found = listing(db, DocumentRow, EvidenceFilter(search=search, **every_document))
        assert [row.id for row in found.items] == expected and found.total == len(expected), search
        paged = listing(db, DocumentRow, EvidenceFilter(search=search, **every_document, limit=2, offset=1))
        assert [row.id for row in paged.items] == expected[1:3] and paged.total == len(expected), search
        assert paged.items == found.items[1:3]
    db.close()
