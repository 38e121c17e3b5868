"""A small database of our own articles and evidence for the web tests, and an in-process HTTP client.

The evidence is written directly (``insert_document`` + ``replace_evidence``) so the web tests do not
depend on what the extractors find; the browser tests use the seeds analysed by the real pipeline.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from zopa.codebook import parse_codebook
from zopa.records import Article, EventFact, Evidence, Mention, Position, Quote, Statement
from zopa.store.db import Database, open_db
from zopa.store.documents import insert_document
from zopa.store.evidence import replace_evidence

CODEBOOK = parse_codebook(
    {
        "name": "web-test",
        "actors": [
            {"id": "russia", "name": "Russia", "kind": "state"},
            {"id": "ukraine", "name": "Ukraine", "kind": "state"},
            {"id": "putin", "name": "Vladimir Putin", "kind": "person", "speaks_for": [{"party": "russia"}]},
            {
                "id": "zelenskyy",
                "name": "Volodymyr Zelenskyy",
                "kind": "person",
                "speaks_for": [{"party": "ukraine"}],
            },
        ],
        "issues": [
            {"id": "donetsk-control", "label": "Control of Donetsk"},
            {"id": "nato-membership", "label": "NATO membership"},
        ],
    },
    source="web-test",
)

CEASEFIRE_TEXT = (
    "Talks stall over Donetsk\n\n"
    'Zelenskyy told reporters: "We will not give up Donetsk, not now and not ever."\n\n'
    "Russia demands that Ukraine withdraw its troops from the rest of the Donetsk region.\n\n"
    "Overnight, 69 drones were launched at Kharkiv, officials said."
)
HOSTILE_TEXT = (
    "Script test\n\n"
    "Putin said: \"<script>alert('quote')</script> NATO must stay away.\"\n\n"
    "An attacker wrote <script>alert('xss')</script> and <img src=x onerror=\"alert(1)\"> into the article, "
    "and Moscow insists that Kyiv abandon its NATO bid.\n\n"
    '<a href="javascript:alert(2)" onclick="alert(3)">click</a>'
)
UNDATED_TEXT = "A note without a date\n\nNothing to see here, only a short undated note about the weather."


def _span(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


@dataclass(frozen=True)
class WebData:
    """Ids of what :func:`build_web_db` stored."""

    ceasefire: int
    hostile: int
    undated: int
    story: int


def build_web_db(url: str) -> tuple[Database, WebData]:
    """Three documents (two outlets, two dates, one undated), one story, quotes, positions, events."""
    db = open_db(url)
    ceasefire = Article(
        source="web-test/ceasefire.txt",
        title="Talks stall over Donetsk",
        text=CEASEFIRE_TEXT,
        raw=CEASEFIRE_TEXT,
        outlet="Example News",
        published=datetime(2025, 12, 2, 9, 0),
        url="https://example.org/ceasefire",
        content_hash="a" * 64,
    )
    hostile = Article(
        source="web-test/hostile.html",
        title="Script <script>alert('title')</script> test",
        text=HOSTILE_TEXT,
        raw=HOSTILE_TEXT,
        outlet="Other Wire",
        published=datetime(2025, 11, 20, 12, 0),
        url="javascript:alert('url')",
        format="html",
        content_hash="b" * 64,
    )
    undated = Article(
        source="web-test/undated.txt",
        title="A note without a date",
        text=UNDATED_TEXT,
        raw=UNDATED_TEXT,
        content_hash="c" * 64,
    )
    from sqlalchemy import insert

    from zopa.store import schema

    with db.transaction() as conn:
        story = conn.execute(
            insert(schema.stories).values(
                label="Donetsk talks",
                first_published=datetime(2025, 11, 20, 12, 0),
                last_published=datetime(2025, 12, 2, 9, 0),
            )
        ).inserted_primary_key[0]
        ids = [insert_document(conn, article, story_id=story) for article in (ceasefire, hostile)]
        ids.append(insert_document(conn, undated))

    text = CEASEFIRE_TEXT
    q_start, q_end = _span(text, "We will not give up Donetsk, not now and not ever.")
    zs, ze = _span(text, 'Zelenskyy told reporters: "We will not give up Donetsk, not now and not ever."')
    rs, re_ = _span(
        text, "Russia demands that Ukraine withdraw its troops from the rest of the Donetsk region."
    )
    es, ee = _span(text, "69 drones were launched at Kharkiv")
    replace_evidence(
        db,
        ids[0],
        Evidence(
            mentions=(
                Mention(actor="zelenskyy", text="Zelenskyy", start=zs, end=zs + 9, how="alias"),
                Mention(actor="russia", text="Russia", start=rs, end=rs + 6, how="alias"),
            ),
            quotes=(
                Quote(
                    speaker="zelenskyy", text=text[q_start:q_end], start=q_start, end=q_end, cue="X told ...:"
                ),
            ),
            positions=(
                Position(
                    actor="russia",
                    issue="donetsk-control",
                    stance="demand",
                    value=100.0,
                    evidence=text[rs:re_],
                    start=rs,
                    end=re_,
                ),
                Position(
                    actor="ukraine",
                    issue="donetsk-control",
                    stance="reject",
                    red_line=True,
                    speaker="zelenskyy",
                    evidence=text[zs:ze],
                    start=zs,
                    end=ze,
                ),
            ),
            events=(
                EventFact(
                    what="drones launched", count=69, place="Kharkiv", when="overnight", start=es, end=ee
                ),
            ),
        ),
        codebook_hash="web-test",
        codebook=CODEBOOK,
    )

    text = HOSTILE_TEXT
    qs, qe = _span(text, "<script>alert('quote')</script> NATO must stay away.")
    ps, pe = _span(text, "and Moscow insists that Kyiv abandon its NATO bid.")
    ss, se = _span(text, "An attacker wrote <script>alert('xss')</script>")
    replace_evidence(
        db,
        ids[1],
        Evidence(
            quotes=(Quote(speaker="putin", text=text[qs:qe], start=qs, end=qe, cue="said X"),),
            statements=(
                Statement(
                    speaker="ner:<b>Mallory</b>",
                    text=text[ss:se],
                    start=ss,
                    end=se,
                    cue='wrote "><script>alert(4)</script>',
                ),
            ),
            positions=(
                Position(
                    actor="russia",
                    issue="nato-membership",
                    stance="demand",
                    speaker="putin",
                    evidence=text[ps:pe],
                    start=ps,
                    end=pe,
                ),
                Position(
                    actor="russia",
                    issue="donetsk-control",
                    stance="demand",
                    evidence=text[ps:pe],
                    start=ps,
                    end=pe,
                ),
            ),
        ),
        codebook_hash="web-test",
        codebook=CODEBOOK,
    )
    return db, WebData(ceasefire=ids[0], hostile=ids[1], undated=ids[2], story=int(story))


@contextmanager
def web_client(app: Any) -> Iterator[SyncASGIClient]:
    client = SyncASGIClient(app)
    try:
        yield client
    finally:
        client.close()


class SyncASGIClient:
    """httpx against the ASGI app in-process, driven synchronously (one event loop per client)."""

    def __init__(self, app: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zopa.test")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()
