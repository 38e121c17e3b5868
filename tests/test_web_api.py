"""The JSON API under /api/v1/, in-process (httpx against the ASGI app), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from web_fixtures import SyncASGIClient, WebData, build_web_db, web_client
from zopa.web.app import create_app


@pytest.fixture
def api(db_url: str) -> Iterator[tuple[SyncASGIClient, WebData]]:
    db, data = build_web_db(db_url)
    db.close()
    app = create_app(db_url)
    with web_client(app) as client:
        yield client, data
    app.state.db.close()


def ok(client: SyncASGIClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.text)
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def test_documents_are_paginated_newest_first_with_totals(api: tuple[SyncASGIClient, WebData]) -> None:
    client, data = api
    page = ok(client, "/api/v1/documents")
    assert page["total"] == 3 and page["offset"] == 0 and page["limit"] == 50
    assert [d["id"] for d in page["items"]] == [data.ceasefire, data.hostile, data.undated]  # undated last
    second = ok(client, "/api/v1/documents?limit=1&offset=1")
    assert second["total"] == 3 and [d["id"] for d in second["items"]] == [data.hostile]
    assert ok(client, "/api/v1/documents?limit=2&offset=5")["items"] == []


def test_documents_filters(api: tuple[SyncASGIClient, WebData]) -> None:
    client, data = api
    assert [d["id"] for d in ok(client, "/api/v1/documents?q=drones")["items"]] == [data.ceasefire]
    assert [d["id"] for d in ok(client, "/api/v1/documents?outlet=other%20wire")["items"]] == [data.hostile]
    assert [d["id"] for d in ok(client, "/api/v1/documents?since=2025-12-01")["items"]] == [data.ceasefire]
    assert [d["id"] for d in ok(client, "/api/v1/documents?until=2025-11-20")["items"]] == [data.hostile]
    in_story = ok(client, f"/api/v1/documents?story={data.story}")
    assert sorted(d["id"] for d in in_story["items"]) == sorted([data.ceasefire, data.hostile])
    assert ok(client, "/api/v1/documents?q=nothing-like-this")["total"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/documents?since=yesterday",
        "/api/v1/documents?until=2025-13-40",
        "/api/v1/documents?limit=0",
        "/api/v1/documents?limit=100000",
        "/api/v1/documents?offset=-1",
        "/api/v1/documents?story=abc",
        "/api/v1/documents?duplicates=perhaps",
        "/api/v1/quotes?document=0",
        "/api/v1/positions?stance=bogus",
        "/api/v1/positions?red_line=maybe",
        "/api/v1/events?since=2025-02-30",
        "/api/v1/stories?limit=-5",
        "/api/v1/documents/abc",
        "/api/v1/stories/abc",
        "/api/v1/documents?q=" + "x" * 201,
        "/api/v1/quotes?speaker=a%00b",
        # regressions: these were 500s (a day past 9999-12-30 has no end; years outside 1900-2100)
        "/api/v1/documents?until=9999-12-31",
        "/api/v1/quotes?until=9999-12-31",
        "/api/v1/positions?until=9999-12-31",
        "/api/v1/positions/matrix?until=9999-12-31",
        "/api/v1/events?until=9999-12-31",
        "/api/v1/documents?since=0001-01-01",
        "/api/v1/documents?offset=%C2%B2",
    ],
)
def test_bad_filters_are_400_naming_the_parameter(api: tuple[SyncASGIClient, WebData], url: str) -> None:
    client, _ = api
    response = client.get(url)
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    name = url.split("?")[1].split("=")[0] if "?" in url else None
    assert detail and (name is None or name in str(detail))


@pytest.mark.parametrize(
    "url", ["/api/v1/documents/999999", "/api/v1/stories/999999", "/api/v1/nothing", "/api/v1/documents/0"]
)
def test_missing_items_are_404(api: tuple[SyncASGIClient, WebData], url: str) -> None:
    client, _ = api
    response = client.get(url)
    assert response.status_code in (404, 400), response.text
    if url != "/api/v1/documents/0":
        assert response.status_code == 404
        assert "detail" in response.json()


def test_document_carries_its_evidence_with_spans_into_its_text(api: tuple[SyncASGIClient, WebData]) -> None:
    client, data = api
    doc = ok(client, f"/api/v1/documents/{data.ceasefire}")
    assert doc["title"] == "Talks stall over Donetsk" and doc["outlet"] == "Example News"
    assert doc["story"] == data.story
    text = doc["text"]
    (quote,) = doc["quotes"]
    assert quote["speaker"] == "zelenskyy" and quote["speaker_name"] == "Volodymyr Zelenskyy"
    assert text[quote["start"] : quote["end"]] == quote["text"]
    stances = {(p["actor"], p["issue"], p["stance"]) for p in doc["positions"]}
    assert stances == {("russia", "donetsk-control", "demand"), ("ukraine", "donetsk-control", "reject")}
    for position in doc["positions"]:
        assert text[position["start"] : position["end"]] == position["evidence"]
    (event,) = doc["events"]
    assert event["count"] == 69 and text[event["start"] : event["end"]].startswith("69 drones")
    assert {m["actor"] for m in doc["mentions"]} == {"zelenskyy", "russia"}


def test_quotes_filter_by_speaker_issue_outlet_and_date(api: tuple[SyncASGIClient, WebData]) -> None:
    client, data = api
    everything = ok(client, "/api/v1/quotes")
    assert everything["total"] == 2
    assert [q["document"] for q in everything["items"]] == [data.ceasefire, data.hostile]  # newest first
    by_id = ok(client, "/api/v1/quotes?speaker=putin")["items"]
    by_name = ok(client, "/api/v1/quotes?speaker=vladimir%20putin")["items"]
    assert [q["speaker"] for q in by_id] == ["putin"] and by_name == by_id
    assert [q["speaker"] for q in ok(client, "/api/v1/quotes?issue=donetsk-control")["items"]] == [
        "zelenskyy"
    ]
    assert [q["speaker"] for q in ok(client, "/api/v1/quotes?outlet=Other%20Wire")["items"]] == ["putin"]
    assert ok(client, "/api/v1/quotes?since=2025-12-03")["total"] == 0
    assert ok(client, "/api/v1/quotes?until=2025-11-30")["items"][0]["speaker"] == "putin"
    assert ok(client, f"/api/v1/quotes?document={data.hostile}")["total"] == 1


def test_positions_filters_and_newest_first(api: tuple[SyncASGIClient, WebData]) -> None:
    client, data = api
    page = ok(client, "/api/v1/positions?actor=russia&issue=donetsk-control")
    assert page["total"] == 2
    assert [p["document"] for p in page["items"]] == [data.ceasefire, data.hostile]
    assert page["items"][0]["evidence"].startswith("Russia demands that Ukraine withdraw")
    assert ok(client, "/api/v1/positions?stance=reject")["items"][0]["actor"] == "ukraine"
    assert ok(client, "/api/v1/positions?red_line=true")["total"] == 1
    assert ok(client, "/api/v1/positions?red_line=false")["total"] == 3
    assert ok(client, "/api/v1/positions?speaker=putin")["items"][0]["issue"] == "nato-membership"
    assert ok(client, "/api/v1/positions?limit=1&offset=3")["total"] == 4


def test_position_matrix(api: tuple[SyncASGIClient, WebData]) -> None:
    client, _ = api
    matrix = ok(client, "/api/v1/positions/matrix")
    assert matrix["actors"] == ["russia", "ukraine"]
    assert matrix["issues"] == ["donetsk-control", "nato-membership"]
    assert matrix["actor_names"]["russia"] == "Russia"
    cells = {(c["actor"], c["issue"]): c for c in matrix["cells"]}
    assert cells[("russia", "donetsk-control")]["counts"] == {"demand": 2}
    assert cells[("ukraine", "donetsk-control")]["red_line"] is True
    only_recent = ok(client, "/api/v1/positions/matrix?since=2025-12-01")
    assert {(c["actor"], c["issue"]) for c in only_recent["cells"]} == {
        ("russia", "donetsk-control"),
        ("ukraine", "donetsk-control"),
    }


def test_events_and_stories(api: tuple[SyncASGIClient, WebData]) -> None:
    client, data = api
    events = ok(client, "/api/v1/events")
    assert events["total"] == 1 and events["items"][0]["place"] == "Kharkiv"
    assert ok(client, "/api/v1/events?what=drone")["total"] == 1
    assert ok(client, "/api/v1/events?place=Odesa")["total"] == 0
    stories = ok(client, "/api/v1/stories")
    assert stories["total"] == 1
    story = ok(client, f"/api/v1/stories/{data.story}")
    assert story["label"] == "Donetsk talks" and story["articles"] == 2
    assert sorted(d["id"] for d in story["documents"]["items"]) == sorted([data.ceasefire, data.hostile])
    assert story["outlets"] == ["Example News", "Other Wire"]


def test_openapi_schema_lists_every_endpoint(api: tuple[SyncASGIClient, WebData]) -> None:
    client, _ = api
    schema = ok(client, "/api/v1/openapi.json")
    paths = set(schema["paths"])
    for path in (
        "/api/v1/documents",
        "/api/v1/documents/{document_id}",
        "/api/v1/quotes",
        "/api/v1/positions",
        "/api/v1/positions/matrix",
        "/api/v1/events",
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
    ):
        assert path in paths
    assert not any(p.startswith("/static") or not p.startswith("/api/v1/") for p in paths)
