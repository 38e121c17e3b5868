"""Dashboard pages, static files and security, in-process (httpx against the ASGI app)."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from web_fixtures import SyncASGIClient, WebData, build_web_db, web_client
from zopa.web.app import create_app
from zopa.web.highlight import Highlight, render_highlighted

TOKEN = "test-token-123"


@pytest.fixture
def site(sqlite_url: str) -> Iterator[tuple[SyncASGIClient, WebData]]:
    db, data = build_web_db(sqlite_url)
    db.close()
    app = create_app(sqlite_url, token=TOKEN)
    with web_client(app) as client:
        yield client, data
    app.state.db.close()


def page(client: SyncASGIClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:500])
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<meta charset="utf-8">' in response.text
    return response.text


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def assert_inert(html: str) -> None:
    """No script but zopa's own files, no event-handler attribute, no javascript: link."""
    parsed = elements(html)
    for tag, attrs in parsed.tags:
        if tag == "script":
            assert attrs.get("src") in ("/static/zopa.js", "/static/plotly.min.js") or attrs.get("type") == (
                "application/json"
            ), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action"):
                assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)
    assert all(not s.strip() or s.strip().startswith(("{", "[")) for s in parsed.scripts)


def test_overview_lists_stories_and_articles_newest_first(site: tuple[SyncASGIClient, WebData]) -> None:
    client, data = site
    html = page(client, "/")
    assert "Donetsk talks" in html and "Example News" in html and "Other Wire" in html
    order = [int(x) for x in re.findall(r'<a href="/documents/(\d+)">', html)]
    assert order == [data.ceasefire, data.hostile, data.undated]
    assert "2025-12-02" in html and "2025-11-20" in html and "undated" in html
    assert_inert(html)


def test_overview_search_and_filters(site: tuple[SyncASGIClient, WebData]) -> None:
    client, data = site
    html = page(client, "/?q=drones")
    assert f'href="/documents/{data.ceasefire}"' in html and f'href="/documents/{data.hostile}"' not in html
    html = page(client, "/?outlet=Other+Wire&since=&until=")
    assert f'href="/documents/{data.hostile}"' in html and f'href="/documents/{data.ceasefire}"' not in html
    assert "No articles match" in page(client, "/?q=%3Cscript%3Ezzz")
    assert "&lt;script&gt;zzz" in page(client, "/?q=%3Cscript%3Ezzz")  # the search words are escaped back
    page(client, "/?since=not-a-date", 400)
    page(client, "/?offset=-3", 400)
    # regressions: these were 500s ("²" passes str.isdigit(), int() refuses it; 9999-12-31 has no next day)
    for bad in ("/?offset=%C2%B2", "/quotes?offset=%C2%B2", "/events?offset=%C2%B2", "/?until=9999-12-31"):
        page(client, bad, 400)


def test_article_highlights_quote_with_its_speaker(site: tuple[SyncASGIClient, WebData]) -> None:
    client, data = site
    html = page(client, f"/documents/{data.ceasefire}")
    marks = [
        attrs for tag, attrs in elements(html).tags if tag == "mark" and attrs.get("data-kind") == "quote"
    ]
    assert marks and marks[0]["data-speaker"] == "zelenskyy"
    assert "Volodymyr Zelenskyy" in (marks[0]["title"] or "")
    assert re.search(
        r'data-kind="quote"[^>]*>We will not give up Donetsk, not now and not ever\.</mark>', html
    )
    positions = [a for t, a in elements(html).tags if t == "mark" and a.get("data-kind") == "position"]
    assert {(a["data-actor"], a["data-issue"], a["data-stance"]) for a in positions} == {
        ("russia", "donetsk-control", "demand"),
        ("ukraine", "donetsk-control", "reject"),
    }
    assert any(a.get("data-kind") == "event" and a.get("data-count") == "69" for t, a in elements(html).tags)
    # the side panel explains each mark: one item per evidence key
    keys = {a["data-ev"] for t, a in elements(html).tags if t == "mark" and a.get("data-ev")}
    assert len(keys) == 4
    for key in keys:
        assert f'id="item-{key}"' in html


def test_article_with_script_and_onerror_renders_inert(site: tuple[SyncASGIClient, WebData]) -> None:
    client, data = site
    html = page(client, f"/documents/{data.hostile}")
    assert_inert(html)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    assert "onerror=&#34;alert(1)&#34;" in html  # shown as text, not as an attribute
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html  # a speaker name from NER is escaped too
    assert 'href="javascript:' not in html


def test_highlighter_nests_and_splits_crossing_spans() -> None:
    text = "abcdefghij"
    html = render_highlighted(
        text,
        [
            Highlight(key="a", kind="position", start=0, end=6, title="A"),
            Highlight(key="b", kind="quote", start=2, end=4, title="B"),
            Highlight(key="c", kind="event", start=5, end=9, title="C"),
            Highlight(key="d", kind="event", start=8, end=50, title="clipped"),
            Highlight(key="e", kind="event", start=7, end=7, title="empty"),
        ],
    )
    plain = re.sub(r"<[^>]+>", "", str(html))
    assert plain == text
    assert str(html).count("<mark") == str(html).count("</mark>")
    assert 'id="mark-c"' in html and str(html).count('data-ev="c"') == 2  # c crosses a's end: split in two
    assert "empty" not in html
    assert render_highlighted("<&>", []) == "&lt;&amp;&gt;"


def test_article_missing_and_bad_ids(site: tuple[SyncASGIClient, WebData]) -> None:
    client, _ = site
    assert "no such document" in page(client, "/documents/424242", 404)
    page(client, "/documents/0", 404)
    page(client, "/documents/abc", 400)
    page(client, "/no/such/page", 404)
    page(client, "/stories/424242", 404)


def test_story_page(site: tuple[SyncASGIClient, WebData]) -> None:
    client, data = site
    html = page(client, f"/stories/{data.story}")
    assert "Donetsk talks" in html and f'href="/documents/{data.hostile}"' in html


def test_positions_matrix_cells_link_to_their_evidence(site: tuple[SyncASGIClient, WebData]) -> None:
    client, data = site
    html = page(client, "/positions")
    cells = [a for t, a in elements(html).tags if t == "td" and "cell" in (a.get("class") or "")]
    assert {(a["data-actor"], a["data-issue"]) for a in cells} == {
        ("russia", "donetsk-control"),
        ("ukraine", "donetsk-control"),
        ("russia", "nato-membership"),
    }
    assert 'href="/positions/evidence?actor=russia&amp;issue=donetsk-control"' in html
    evidence = page(client, "/positions/evidence?actor=russia&issue=donetsk-control")
    first = evidence.index("Russia demands that Ukraine withdraw")
    second = evidence.index("Moscow insists that Kyiv abandon")
    assert first < second  # newest first
    assert f'href="/documents/{data.ceasefire}#mark-position-' in evidence
    assert_inert(evidence)
    page(client, "/positions/evidence?stance=grumble", 400)
    assert "Russia" not in page(client, "/positions?since=2030-01-01").split("<main>")[1]


def test_quotes_page_filters(site: tuple[SyncASGIClient, WebData]) -> None:
    client, _data = site
    html = page(client, "/quotes")
    assert "We will not give up Donetsk" in html and "NATO must stay away" in html
    assert '<option value="zelenskyy"' in html and '<option value="donetsk-control"' in html
    only = page(client, "/quotes?speaker=putin&issue=&outlet=&since=&until=&q=")
    assert "NATO must stay away" in only and "We will not give up" not in only
    assert "&lt;script&gt;alert(&#39;quote&#39;)" in only
    assert "We will not give up" in page(client, "/quotes?issue=donetsk-control")
    assert "NATO must stay away" not in page(client, "/quotes?outlet=Example+News")
    assert "No quotes match" in page(client, "/quotes?since=2026-01-01")
    page(client, "/quotes?until=31/12/2025", 400)
    page(client, "/quotes?speaker=" + "x" * 300, 400)


def test_events_page(site: tuple[SyncASGIClient, WebData]) -> None:
    client, _data = site
    html = page(client, "/events")
    assert "drones launched" in html and "Kharkiv" in html
    assert "No event figures match" in page(client, "/events?place=Odesa")
    page(client, "/events?since=x", 400)


def test_api_docs_page_renders_the_schema(site: tuple[SyncASGIClient, WebData]) -> None:
    client, _ = site
    html = page(client, "/api")
    for path in ("/api/v1/documents", "/api/v1/positions/matrix", "/api/v1/stories/{story_id}"):
        assert path in html
    assert client.get("/docs").status_code == 404  # the stock docs page would load a CDN


def test_static_files_are_served_from_memory(site: tuple[SyncASGIClient, WebData]) -> None:
    client, _ = site
    css = client.get("/static/zopa.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    js = client.get("/static/zopa.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    plotly_js = client.get("/static/plotly.min.js")
    assert plotly_js.status_code == 200 and len(plotly_js.content) > 1_000_000
    again = client.get("/static/zopa.css", headers={"If-None-Match": css.headers["etag"]})
    assert again.status_code == 304
    for probe in (
        "/static/app.py",
        "/static/..%2Fapp.py",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/../../pyproject.toml",
        "/static/templates",
    ):
        response = client.get(probe)
        assert response.status_code == 404, probe
        assert "create_app" not in response.text and "root:" not in response.text


def test_every_page_is_served_without_external_sources(site: tuple[SyncASGIClient, WebData]) -> None:
    client, data = site
    for url in (
        "/",
        f"/documents/{data.ceasefire}",
        "/positions",
        "/quotes",
        "/events",
        "/api",
        f"/stories/{data.story}",
        "/ingest",
        "/documents/999999",
        "/api/v1/documents",
    ):
        response = client.get(url)
        headers = response.headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
        assert "http:" not in csp and "https:" not in csp and "*" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        if headers["content-type"].startswith("text/html"):
            srcs = re.findall(r'(?:src|href)="([^"]+)"', response.text)
            assert all(
                not s.startswith(("http://", "https://", "//"))
                for s in srcs
                if not s.startswith("https://example.org")
            ), srcs


def test_templates_escape_by_default() -> None:
    from zopa.web.pages import templates

    assert templates.env.autoescape is True
    template_dir = Path(__file__).resolve().parents[1] / "src" / "zopa" / "web" / "templates"
    for template in template_dir.glob("*.html"):
        source = template.read_text()
        assert "|safe" not in source.replace(" ", ""), template.name
        assert "<script>" not in source, template.name  # no inline script (the CSP forbids it)


# --- ingest: behind the token, size-limited, nothing from the request touches the file system -------------

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>
<item><title>Kyiv rejects ceding Donetsk</title><link>https://example.org/feed/1</link>
<description>Zelenskyy said Ukraine will never cede Donetsk. Moscow demands all of Donetsk.</description>
<pubDate>Tue, 02 Dec 2025 10:00:00 GMT</pubDate></item></channel></rss>"""


@pytest.fixture
def writable(sqlite_url: str) -> Iterator[SyncASGIClient]:
    from zopa.ingest import CannedFetcher

    db, _ = build_web_db(sqlite_url)
    db.close()
    fetcher = CannedFetcher({"https://example.org/feed.xml": FEED})
    app = create_app(sqlite_url, token=TOKEN, max_upload=50_000, fetcher=fetcher)
    with web_client(app) as client:
        yield client
    app.state.db.close()


def test_ingest_form_says_when_the_server_is_read_only(sqlite_url: str) -> None:
    build_web_db(sqlite_url)[0].close()
    app = create_app(sqlite_url, token="")
    with web_client(app) as client:
        assert 'id="read-only"' in page(client, "/ingest")
        refused = client.post("/ingest", data={"token": "anything", "text": "Headline\n\nBody text."})
        assert refused.status_code == 401 and "read-only" in refused.text  # refused before the body is read
        api = client.post(
            "/api/v1/ingest", data={"text": "Headline\n\nBody."}, headers={"Authorization": "Bearer x"}
        )
        assert api.status_code == 403
    app.state.db.close()


def test_ingest_needs_the_right_token(writable: SyncASGIClient) -> None:
    form = {"text": "Headline\n\nA body of text."}
    assert writable.post("/ingest", data=form).status_code == 401
    assert writable.post("/ingest", data={"token": "wrong", **form}).status_code == 403
    missing = writable.post("/api/v1/ingest", data=form)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    wrong = writable.post("/api/v1/ingest", data=form, headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 403 and wrong.json()["detail"] == "wrong token"
    assert (
        writable.post("/api/v1/ingest", data=form, headers={"Authorization": "Basic " + TOKEN}).status_code
        == 401
    )
    assert writable.get("/api/v1/documents").json()["total"] == 3  # nothing was stored


def test_oversized_upload_is_413(writable: SyncASGIClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = b"Headline\n\n" + b"word " * 20_000
    response = writable.post("/api/v1/ingest", files=[("files", ("big.txt", big))], headers=auth)
    assert response.status_code == 413 and "upload limit" in response.json()["detail"]
    page_response = writable.post("/ingest", files=[("files", ("big.txt", big))], data={"token": TOKEN})
    assert page_response.status_code == 413

    async def chunks() -> object:  # no Content-Length: the streamed body is counted as it arrives
        yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'
        for _ in range(20):
            yield b"x" * 5_000

    streamed = writable.post(
        "/api/v1/ingest",
        content=chunks(),
        headers={**auth, "content-type": "multipart/form-data; boundary=b"},
    )
    assert streamed.status_code == 413
    assert writable.get("/api/v1/documents").json()["total"] == 3


def test_ingest_bad_requests(writable: SyncASGIClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert writable.post("/api/v1/ingest", data={"title": ""}, headers=auth).status_code == 422
    assert writable.post("/api/v1/ingest", headers=auth).status_code == 415
    assert writable.post("/api/v1/ingest", json={"text": "x"}, headers=auth).status_code == 415
    bad_date = writable.post("/api/v1/ingest", data={"text": "a\n\nb", "published": "soon"}, headers=auth)
    assert bad_date.status_code == 422
    bad_url = writable.post("/api/v1/ingest", data={"url": "file:///etc/passwd"}, headers=auth)
    assert bad_url.status_code == 200
    assert bad_url.json()["added"] == [] and "only http" in bad_url.json()["errors"][0]["problem"]


def test_uploads_go_through_the_pipelines_ingest_path(writable: SyncASGIClient) -> None:
    """Read and de-duplicated as ``zopa analyze`` reads a file: a gzipped upload is unpacked, and the same
    article sent again unpacked is the stored document."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = (
        b"Envoys meet in Geneva\n\nThe envoys of both sides met in Geneva on Tuesday to talk about the line."
    )
    first = writable.post(
        "/api/v1/ingest", files=[("files", ("talks.txt.gz", gzip.compress(text)))], headers=auth
    ).json()
    [doc] = first["documents"]
    assert (doc["source"], doc["status"], doc["title"]) == (
        "upload:talks.txt.gz",
        "added",
        "Envoys meet in Geneva",
    )
    again = writable.post("/api/v1/ingest", files=[("files", ("talks.txt", text))], headers=auth).json()
    assert [d["status"] for d in again["documents"]] == ["duplicate"]
    assert again["duplicates"] == [doc["document_id"]] and again["errors"] == []


def test_ingest_files_text_and_feed_are_analysed(writable: SyncASGIClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    pasted = (
        "Putin demands all of Donetsk\n\n"
        'Russian President Vladimir Putin said on Tuesday: "Ukraine must leave Donetsk." Kyiv rejected it.'
    )
    upload = b"Evil headline\n\nSome <script>alert(1)</script> text about the talks in Geneva on Monday."
    response = writable.post(
        "/api/v1/ingest",
        data={
            "text": pasted,
            "outlet": "Paste Post",
            "published": "2025-12-03",
            "url": "https://example.org/feed.xml",
        },
        files=[("files", ("../../etc/passwd", upload)), ("files", ("empty.txt", b""))],
        headers=auth,
    )
    assert response.status_code == 200, response.text
    report = response.json()
    sources = {d["source"] for d in report["documents"]}
    assert "upload:passwd" in sources and "pasted" in sources  # the client's path is only a label
    assert any(s.startswith("https://example.org/feed.xml") for s in sources)
    assert len(report["added"]) == 3 and sorted(report["extracted"]) == sorted(report["added"])
    assert [e["source"] for e in report["errors"]] == ["upload:empty.txt"]
    assert report["counts"]["quotes"] >= 1
    docs = writable.get("/api/v1/documents?outlet=Paste%20Post").json()["items"]
    assert [d["title"] for d in docs] == ["Putin demands all of Donetsk"]
    assert docs[0]["published"].startswith("2025-12-03")
    # the same again changes nothing
    again = writable.post(
        "/ingest", data={"token": TOKEN, "text": pasted, "outlet": "Paste Post", "published": "2025-12-03"}
    )
    assert again.status_code == 200 and "1 already stored" in again.text
    assert writable.get("/api/v1/documents").json()["total"] == 6


def test_cached_aggregates_follow_database_changes(sqlite_url: str) -> None:
    from zopa.records import Evidence, Position
    from zopa.store.evidence import replace_evidence

    db, data = build_web_db(sqlite_url)
    app = create_app(sqlite_url)
    with web_client(app) as client:
        before = client.get("/api/v1/positions/matrix").json()
        assert "ceasefire" not in before["issues"]
        assert client.get("/api/v1/positions/matrix").json() == before  # served from the cache
        replace_evidence(  # another process (the CLI) re-extracts a document
            db,
            data.undated,
            Evidence(
                positions=(
                    Position(
                        actor="ukraine", issue="ceasefire", stance="offer", evidence="A note", start=0, end=6
                    ),
                )
            ),
            codebook_hash="other",
        )
        after = client.get("/api/v1/positions/matrix").json()
        assert "ceasefire" in after["issues"]
        assert 'data-issue="ceasefire"' in page(client, "/positions")
        assert '<option value="ceasefire"' in page(client, "/quotes")
    app.state.db.close()
    db.close()


def test_negotiation_page_and_api(site: tuple[SyncASGIClient, WebData]) -> None:
    client, _ = site
    html = page(client, "/negotiation")
    assert_inert(html)
    assert 'id="chart-gap-donetsk-control"' in html
    assert (
        '<script type="application/json" class="chart-data" data-target="chart-gap-donetsk-control">' in html
    )
    assert "<script>" not in html.split("application/json", 1)[1]  # figure JSON cannot close its element
    assert "Not available: no plan to score" in html
    data = client.get("/api/v1/negotiation").json()
    issues = {i["issue"]: i for i in data["gap"]["issues"]}
    parties = {p["actor"]: p for p in issues["donetsk-control"]["parties"]}
    assert parties["russia"]["position"] > parties["ukraine"]["position"]
    evidence = parties["russia"]["sources"]["position"]["evidence"]
    assert any("Russia demands that Ukraine withdraw" in e["sentence"] for e in evidence)
    assert data["plan"] is None and "--plan" in data["problems"]["plan"]
    assert client.get("/api/v1/negotiation/zone").json()["issues"]
    missing = client.get("/api/v1/negotiation/plan")
    assert missing.status_code == 404 and "--plan" in missing.json()["detail"]
    assert client.get("/api/v1/negotiation/everything").status_code == 400
