"""What a server does before it listens (``create_app`` and ``prepare``), so that the first request after a
restart does not pay for it: the routes' handlers built, every template compiled, the OpenAPI schema
generated once per process."""

from __future__ import annotations

from typing import Any

import fastapi.applications
import fastapi.routing
import pytest

from web_fixtures import build_web_db, web_client
from zopa.web import pages
from zopa.web.app import create_app, prepare

PAGES = ["/", "/positions", "/quotes", "/events", "/changes", "/alerts", "/api", "/ingest", "/stories/1"]


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Count the calls of ``owner.name`` (still calling it)."""
    calls: list[int] = []
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_the_first_request_builds_no_route(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    build_web_db(sqlite_url)[0].close()
    built = _counting(monkeypatch, fastapi.routing._EffectiveRouteContext, "from_api_route")
    app = create_app(sqlite_url)
    assert built, "create_app builds the included routers' handlers"
    built.clear()
    with web_client(app) as client:
        for path in ["/api/v1/documents", "/positions", "/api/v1/stories"]:
            assert client.get(path).status_code == 200
    app.state.db.close()
    assert built == []


def test_prepared_pages_compile_no_template(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    build_web_db(sqlite_url)[0].close()
    app = create_app(sqlite_url)
    prepare(app)
    compiled = _counting(monkeypatch, pages.templates.env, "compile")
    with web_client(app) as client:
        for path in PAGES:
            assert client.get(path).status_code == 200, path
        assert client.get("/documents/99999").status_code == 404  # the error page too
    app.state.db.close()
    assert compiled == []


def test_prepare_leaves_start_up_to_no_garbage_collection(sqlite_url: str) -> None:
    import gc

    build_web_db(sqlite_url)[0].close()
    app = create_app(sqlite_url)
    before = gc.get_freeze_count()
    prepare(app)
    app.state.db.close()
    assert gc.get_freeze_count() > before


def test_the_openapi_schema_is_generated_once_per_process(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_web_db(sqlite_url)[0].close()
    first = create_app(sqlite_url)
    prepare(first)
    generated = _counting(monkeypatch, fastapi.applications, "get_openapi")
    second = create_app(sqlite_url)
    with web_client(second) as client:
        schema = client.get("/api/v1/openapi.json").json()
        assert client.get("/api").status_code == 200
    for app in (first, second):
        app.state.db.close()
    assert generated == []
    assert schema == first.openapi()
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    documents = schema["paths"]["/api/v1/documents"]["get"]["responses"]
    assert "400" in documents and "422" not in documents
