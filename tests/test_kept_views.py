"""Kept views (migration 0009, zopa.kept_views): what the dashboard reads from the database when cold is what
a fresh computation gives, through new documents, re-extraction and deletion, and a copy made stale by a
write is never served."""

from __future__ import annotations

import pickle
from collections import OrderedDict
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import event, insert

from tracking_fixtures import CODEBOOK, STORIES, articles
from zopa import kept_views
from zopa.codebook import Codebook, load_codebook
from zopa.negotiation.view import negotiation_view, with_plan_and_scenario
from zopa.pipeline import analyze_articles, extract_stored
from zopa.records import Evidence
from zopa.shifts import changes_from_db
from zopa.store import aggregates, schema
from zopa.store.codebooks import record_codebook
from zopa.store.db import Database, open_db
from zopa.store.documents import delete_document
from zopa.store.evidence import replace_evidence
from zopa.store.queries import EvidenceFilter, find_document, listing
from zopa.store.rows import PositionRow

_EPOCH = datetime(1900, 1, 1)
FILTERS: list[dict[str, Any]] = [
    {},
    {"actor": "union"},
    {"issue": "wages"},
    {"actor": "authority", "issue": "wages"},
    {"since": date(2026, 3, 10)},
    {"limit": 2, "offset": 1},
]


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_codebook(CODEBOOK)


def _current(db: Database, name: str) -> bool:
    with db.connect() as conn:
        return aggregates.kept_view(conn, name)[0]


def _fresh_page(db: Database, codebook: Codebook, **f: Any) -> kept_views.ChangesPage:
    """The page as the dashboard built it before views were kept: filter and sort the whole computation."""
    changes = changes_from_db(db, codebook=codebook)
    actor, issue, since = f.get("actor"), f.get("issue"), f.get("since")
    limit, offset = f.get("limit", 1000), f.get("offset", 0)
    found = changes.since(since)

    def keep(item: Any) -> bool:
        return (actor is None or item.actor == actor) and (issue is None or item.issue == issue)

    shifts = sorted((s for s in found.shifts if keep(s)), key=lambda s: s.date, reverse=True)
    contradictions = [
        c for c in found.contradictions if keep(c) or (c.actor is None and not (actor or issue))
    ]
    contradictions.sort(
        key=lambda c: max(c.first.published or _EPOCH, c.second.published or _EPOCH), reverse=True
    )

    def page(items: list[Any]) -> Any:
        return kept_views.Page(
            items=tuple(items[offset : offset + limit]), total=len(items), limit=limit, offset=offset
        )

    return kept_views.ChangesPage(
        overview=kept_views.ChangesOverview(
            undated=changes.undated,
            actors=tuple(sorted({s.actor for s in changes.series})),
            issues=tuple(sorted({s.issue for s in changes.series})),
        ),
        shifts=page(shifts),
        contradictions=page(contradictions),
    )


def _assert_as_fresh(db: Database, codebook: Codebook) -> None:
    for f in FILTERS:
        args = {"limit": 1000, **f}
        assert kept_views.changes_page(db, kept_views.reading_of(codebook), **args) == _fresh_page(
            db, codebook, **args
        ), f
    kept = with_plan_and_scenario(kept_views.negotiation(db, kept_views.reading_of(codebook)))
    assert kept.as_dict() == negotiation_view(db, codebook).as_dict()


def test_kept_views_equal_a_fresh_computation_through_every_kind_of_write(
    db_url: str, codebook: Codebook
) -> None:
    changes = kept_views.changes_name(kept_views.reading_of(codebook))
    negotiation = kept_views.negotiation_name(kept_views.reading_of(codebook), kept_views.AnalysisOptions())
    with open_db(db_url) as db:
        record_codebook(db, codebook)  # what the dashboard reads the database with, and the views kept
        stories = articles()
        assert analyze_articles(stories[:3], db, codebook=codebook).ok
        assert _current(db, changes) and _current(db, negotiation)  # kept by the ingest itself
        _assert_as_fresh(db, codebook)

        assert analyze_articles(stories[3:], db, codebook=codebook).ok  # more documents
        assert _current(db, changes) and _current(db, negotiation)
        page = kept_views.changes_page(db, kept_views.reading_of(codebook))
        assert page.shifts.total > 0 and page.contradictions.total > 0  # the fixtures' known changes
        _assert_as_fresh(db, codebook)

        # evidence replaced outside the pipeline: the kept copies are stale and not served
        doc = find_document(db, STORIES[-1].slug).id
        assert listing(db, PositionRow, EvidenceFilter(document=doc)).items
        replace_evidence(db, doc, Evidence(), codebook_hash="emptied")
        assert not _current(db, changes) and not _current(db, negotiation)
        _assert_as_fresh(db, codebook)  # computed again (and kept)
        assert _current(db, changes) and _current(db, negotiation)

        extract_stored(db, codebook, documents=[doc], force=True)  # re-extraction: refreshed
        assert _current(db, changes) and _current(db, negotiation)
        _assert_as_fresh(db, codebook)

        with db.transaction() as conn:  # a deletion
            delete_document(conn, find_document(db, STORIES[0].slug).id)
        assert not _current(db, changes)
        kept_views.refresh(db, codebook)
        assert _current(db, changes) and _current(db, negotiation)
        _assert_as_fresh(db, codebook)


def test_a_view_computed_before_a_write_is_not_kept(sqlite_url: str, codebook: Codebook) -> None:
    with open_db(sqlite_url) as db:
        assert analyze_articles(articles()[:2], db, codebook=codebook).ok
        with db.connect() as conn:
            version = aggregates.data_version(conn)
        assert analyze_articles(articles()[2:4], db, codebook=codebook).ok  # written meanwhile
        with db.transaction() as conn:
            assert not aggregates.keep_view(conn, "changes:test", version, "stale")
            assert aggregates.keep_view(conn, "changes:test", aggregates.data_version(conn), "current")
        with db.connect() as conn:
            assert aggregates.kept_view(conn, "changes:test") == (True, "current")


def test_a_kept_view_rebuilds_only_records(sqlite_url: str, codebook: Codebook) -> None:
    """A database handed over by someone else cannot make a kept view run code: anything but zopa's records,
    dates and numpy arrays is refused, and the view is computed again."""
    with open_db(sqlite_url) as db:
        assert analyze_articles(articles()[:2], db, codebook=codebook).ok
        name = kept_views.changes_name(kept_views.reading_of(codebook))
        with db.transaction() as conn:
            version = aggregates.data_version(conn)
            conn.execute(schema.kept_views.delete())
            conn.execute(
                insert(schema.kept_views),
                {"name": name, "version": version, "value": pickle.dumps(OrderedDict(a=1))},
            )
        with db.connect() as conn:
            assert aggregates.kept_view(conn, name) == (False, None)
        assert kept_views.changes_page(db, kept_views.reading_of(codebook)) == _fresh_page(
            db, codebook, limit=25
        )


def test_a_kept_view_naming_another_module_imports_nothing(sqlite_url: str, codebook: Codebook) -> None:
    """The module a stored pickle names is checked before it is imported: importing one may run code."""
    import sys

    assert "this" not in sys.modules  # the standard library module that prints on import
    with open_db(sqlite_url) as db:
        assert analyze_articles(articles()[:1], db, codebook=codebook).ok
        name = kept_views.changes_name(kept_views.reading_of(codebook))
        with db.transaction() as conn:
            version = aggregates.data_version(conn)
            conn.execute(schema.kept_views.delete())
            conn.execute(
                insert(schema.kept_views), {"name": name, "version": version, "value": b"cthis\ns\n."}
            )
        with db.connect() as conn:
            assert aggregates.kept_view(conn, name) == (False, None)
    assert "this" not in sys.modules


def test_the_changes_page_lists_one_page_of_the_kept_view(sqlite_url: str, codebook: Codebook) -> None:
    from web_fixtures import web_client
    from zopa.web.app import create_app

    with open_db(sqlite_url) as db:
        assert analyze_articles(articles(), db, codebook=codebook).ok
        expected = kept_views.changes_page(db, kept_views.reading_of(codebook))
    app = create_app(sqlite_url, codebook=CODEBOOK)
    with web_client(app) as client:
        html = client.get("/changes").text
        assert f"({expected.shifts.total}, newest first)" in html
        assert html.count('class="evidence shift"') == len(expected.shifts.items)
        assert client.get("/api/v1/negotiation").status_code == 200
    app.state.db.close()


def test_an_unfiltered_changes_page_counts_nothing(sqlite_url: str, codebook: Codebook) -> None:
    """Regression (issue 16, a cold /changes spent most of its SQL counting the listing): the number of
    shifts and of contradictions is kept with the view, so only a filtered page counts its matches."""
    with open_db(sqlite_url) as db:
        assert analyze_articles(articles(), db, codebook=codebook).ok
        read = kept_views.reading_of(codebook)
        kept_views.changes_page(db, read)  # computed and kept
        seen: list[str] = []

        def record(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        page = kept_views.changes_page(db, read, limit=1)
        counted = [s for s in seen if "count(" in s.lower()]
        seen.clear()
        actor = next(iter(page.overview.actors))
        filtered = kept_views.changes_page(db, read, actor=actor, limit=1)
        event.remove(db.engine, "before_cursor_execute", record)
        assert page.shifts.total > len(page.shifts.items) > 0  # more than one page
        assert counted == []
        assert any("count(" in s.lower() for s in seen)  # a filtered page still counts its matches
        assert page == _fresh_page(db, codebook, limit=1)
        assert filtered == _fresh_page(db, codebook, limit=1, actor=actor)


# --- incremental refresh (migration 0010) -------------------------------------------------------------------

ACTORS = [f"party-{n}" for n in range(6)]
ISSUES = [f"issue-{n}" for n in range(5)]  # 30 (party, issue) pairs


def _generated(n: int, pair: tuple[str, str], quote: str) -> Any:
    """Article ``n`` (one day apart) with two positions of one party on one issue and one quote."""
    from zopa.records import Article, Position, Quote

    text = (
        f"Report {n} from the talks. {quote}\n\nThe delegation set out its position on the issue today.\n\n"
        f"Officials said the proposal would be discussed again next week in round {n}."
    )
    paragraph = text.split("\n\n")
    a = len(paragraph[0]) + 2
    b = a + len(paragraph[1])
    article = Article(
        source=f"generated/{n}.txt",
        title=f"Round {n} of the talks",
        text=text,
        raw=text,
        outlet=f"Outlet {n % 7}",
        published=datetime(2026, 1, 1) + (datetime(2026, 1, 2) - datetime(2026, 1, 1)) * n,
        format="text",
        content_hash=f"{n:064x}",
    )
    start = text.index(quote)
    evidence = Evidence(
        quotes=(
            Quote(speaker=f"person-{n % 7}", text=quote, start=start, end=start + len(quote), cue="said"),
        ),
        positions=tuple(
            Position(
                actor=pair[0],
                issue=pair[1],
                stance=stance,
                value=value,
                evidence=text[a:b],
                start=a,
                end=b,
            )
            for stance, value in (("demand", float((n * 37) % 100)), ("reject", None))
        ),
        extractors={"positions": "test.v1"},
    )
    return article, evidence


def _store(db: Database, numbers: range, quote: Any) -> None:
    from zopa.pipeline import AnalyzeOptions, prepare_article, store_batch

    options = AnalyzeOptions()
    batch = []
    for n in numbers:
        pair = (ACTORS[n % len(ACTORS)], ISSUES[(n // len(ACTORS)) % len(ISSUES)])
        article, evidence = _generated(n, pair, quote(n))
        batch.append(prepare_article(article, options, evidence=evidence))
    store_batch(db, batch, options, codebook=None, codebook_hash="generated")


def test_a_refresh_recomputes_only_what_an_ingest_touched(
    sqlite_url: str, codebook: Codebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into 300 stored articles over 30 parties and issues, one more article: the refresh recomputes its
    party and issue and the misattributed quotes, writes only their rows, and equals a fresh computation."""

    import zopa.corroborate
    import zopa.shifts
    from zopa.negotiation.evidence import load_statements

    def quote(n: int) -> str:  # every 25th article repeats one quote, under another speaker
        repeated = "We will not sign anything that gives away the valley"
        return repeated if n % 25 == 0 else f"Statement {n} alone"

    with open_db(sqlite_url) as db:
        record_codebook(db, codebook)
        _store(db, range(300), quote)
        kept_views.refresh(db, codebook)
        _assert_as_fresh(db, codebook)

        recomputed: list[tuple[str | None, str | None]] = []
        sourced: list[int] = []
        real_changes, real_sources = zopa.shifts.changes_from_db, zopa.corroborate.independent_sources

        def changes_of(*args: Any, **kw: Any) -> Any:
            recomputed.append((kw.get("actor"), kw.get("issue")))
            return real_changes(*args, **kw)

        def sources_of(db: Database, rows: Any, **kw: Any) -> Any:
            sourced.append(len(rows))
            return real_sources(db, rows, **kw)

        _store(db, range(300, 301), quote)  # party-0 on issue-0, and the repeated quote
        with open_db(sqlite_url, read_only=True) as seen:  # a server without a token keeps nothing
            fresh = _fresh_page(seen, codebook, limit=1000)
            assert kept_views.changes_page(seen, kept_views.reading_of(codebook), limit=1000) == fresh
        monkeypatch.setattr(zopa.shifts, "changes_from_db", changes_of)
        monkeypatch.setattr(kept_views, "changes_from_db", changes_of)
        monkeypatch.setattr(zopa.corroborate, "independent_sources", sources_of)
        written: dict[str, int] = {}

        def count(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
            for table in ("kept_items", "kept_parts"):
                if statement.startswith(f"INSERT INTO {table}"):
                    written[table] = written.get(table, 0) + (len(params) if many else 1)

        event.listen(db.engine, "before_cursor_execute", count)
        kept_views.refresh(db, codebook)
        event.remove(db.engine, "before_cursor_execute", count)

        assert recomputed == [("party-0", "issue-0")]  # one part of 30, through changes_from_db
        statements = load_statements(db)
        pair = ("party-0", "issue-0")
        own_statements = [r for r in statements if (r.position.actor, r.position.issue) == pair]
        assert sourced == [len(own_statements)]  # that part's statements corroborated, no other's
        assert 10 * len(own_statements) < len(statements)
        page = kept_views.changes_page(db, kept_views.reading_of(codebook), actor="party-0", issue="issue-0")
        speaker = kept_views.changes_page(db, kept_views.reading_of(codebook), actor=None, limit=1000)
        misattributed = [c for c in speaker.contradictions.items if c.change == "speaker"]
        assert misattributed  # the repeated quote under several speakers
        own = page.shifts.total + page.contradictions.total
        # the items of that part and of the misattributed quotes; its part, the quotes' and the two marks
        assert written == {"kept_items": own + len(misattributed), "kept_parts": 2 + 1 + 2}
        _assert_as_fresh(db, codebook)
