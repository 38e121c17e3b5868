"""A story page reads one page of its articles and counts the rest (issue 16: a story of 800 articles was
read whole on every request): the header from one aggregate query, the articles newest first in pages with
a link to the next, in the HTML page and the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text

from test_read_aggregates import _plans, _scans
from web_fixtures import web_client
from zopa.records import Article
from zopa.store import queries
from zopa.store.db import Database, open_db
from zopa.store.documents import insert_document
from zopa.store.queries import EvidenceFilter
from zopa.store.rows import DocumentRow, StoryRow
from zopa.web.app import create_app

OUTLETS = ["North Times", "South Post", None]
IN_STORY = 57


def _story_db(url: str) -> Database:
    """60 articles, 57 of them (3 near-duplicates among them) in story 1, from two outlets and none."""
    db = open_db(url)
    with db.transaction() as conn:
        conn.execute(text("INSERT INTO stories (id, label) VALUES (1, 'ferry talks'), (2, 'grain quota')"))
        for n in range(60):
            body = f"Report {n}\n\nThe ferry talks went on, item{n}."
            article = Article(
                source=f"test/{n}.txt",
                title=f"Report {n}",
                text=body,
                raw=body,
                outlet=OUTLETS[n % 3],
                published=None if n == 7 else datetime(2025, 1, 1) + timedelta(hours=n % 20, minutes=n),
                format="text",
                content_hash=f"{n:064x}",
            )
            doc = insert_document(conn, article, duplicate_of=1 if n in (10, 20, 30) else None)
            conn.execute(
                text("UPDATE documents SET story_id = :s WHERE id = :d"),
                {"s": 1 if n < IN_STORY else 2, "d": doc},
            )
        conn.execute(text("UPDATE stories SET first_published = '2025-01-01 00:00:00' WHERE id = 1"))
    with db.connect() as conn:
        conn.execute(text("ANALYZE"))
    return db


def test_a_story_page_counts_its_articles_and_reads_one_page_of_them(db_url: str) -> None:
    db = _story_db(db_url)
    every = queries.listing(db, DocumentRow, EvidenceFilter(story=1, include_duplicates=True)).items
    assert len(every) == IN_STORY
    first = queries.story_page(db, 1, limit=25)
    assert (first.label, first.articles, first.outlets) == (
        "ferry talks",
        IN_STORY,
        ("North Times", "South Post"),
    )
    assert first.documents.items == every[:25] and first.documents.total == IN_STORY
    assert first.documents.items[0].published == max(d.published for d in every if d.published)
    last = queries.story_page(db, 1, limit=25, offset=50)
    assert last.documents.items == every[50:] and len(last.documents.items) == IN_STORY - 50
    assert every[-1].published is None  # undated last
    assert queries.story_page(db, 2).articles == 60 - IN_STORY
    # a page of 5: for 25 of these 60 rows SQLite would rather scan the table
    plans = _plans(db, lambda: queries.story_page(db, 1, limit=5, offset=25))
    assert "ix_documents_story_newest" in plans and not _scans(plans, db.dialect), plans
    db.close()


def test_the_overview_counts_its_stories_without_reading_their_articles(db_url: str) -> None:
    """Regression (issue 16): the overview's story list read every article of its ten stories (ids, titles
    and outlets) to show two numbers; it counts them from the index now."""
    db = _story_db(db_url)
    headers = queries.story_headers(db, limit=10)
    stories = queries.listing(db, StoryRow, EvidenceFilter(limit=10)).items
    assert [h.id for h in headers] == [s.id for s in stories]  # the same stories, newest first
    assert [(h.articles, h.outlets) for h in headers] == [(len(s.documents), s.outlets) for s in stories]
    assert headers[0].articles + headers[1].articles == 60
    assert queries.story_headers(db, limit=1) == headers[:1]
    plans = _plans(db, lambda: queries.story_headers(db, limit=10))
    assert "ix_documents_story_newest" in plans and not _scans(plans, db.dialect), plans
    app = create_app(db_url)
    with web_client(app) as client:
        html = client.get("/").text
    app.state.db.close()
    assert f'<a href="/stories/1">ferry talks</a></td><td>{IN_STORY}</td>' in html
    db.close()


def test_the_story_page_and_api_link_to_the_next_page(sqlite_url: str) -> None:
    _story_db(sqlite_url).close()
    app = create_app(sqlite_url)
    with web_client(app) as client:
        html = client.get("/stories/1").text
        assert f"{IN_STORY} articles" in html and html.count('href="/documents/') == 25
        assert 'rel="next" href="/stories/1?offset=25"' in html and 'rel="prev"' not in html
        html = client.get("/stories/1?offset=50").text
        assert html.count('href="/documents/') == IN_STORY - 50 and 'rel="next"' not in html
        assert 'rel="prev" href="/stories/1?offset=25"' in html
        assert client.get("/stories/1?offset=-1").status_code == 400
        story = client.get("/api/v1/stories/1?limit=10&offset=50").json()
        assert (story["articles"], story["outlets"]) == (IN_STORY, ["North Times", "South Post"])
        page = story["documents"]
        assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (IN_STORY, 10, 50, 7)
        assert client.get("/api/v1/stories/1").json()["documents"]["limit"] == 50
        assert client.get("/api/v1/stories/1?limit=0").status_code == 400
        assert client.get("/api/v1/stories/3").status_code == 404
    app.state.db.close()
