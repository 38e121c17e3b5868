"""The zopa web application: dashboard pages and the ``/api/v1/`` JSON API over one zopa database.

``create_app(db_url)`` opens the database (migrations applied) and returns a FastAPI application; ``serve``
runs it with uvicorn; ``fetch`` answers one request in-process without a server (``zopa serve --get``).

Everything the pages need (CSS, JavaScript, plotly.js from the installed ``plotly`` package) is served by
zopa itself from memory: no CDN, and no request path ever reaches the file system.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import mimetypes
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from zopa import kept_views
from zopa.errors import InputError, NotFoundError, StorageError, ZopaError
from zopa.ingest import Fetcher
from zopa.negotiation.analysis import load_plan
from zopa.negotiation.scenario import load_scenario
from zopa.store.codebooks import codebook_for
from zopa.store.db import open_db
from zopa.web import api, pages, tracking
from zopa.web.cache import AggregateCache
from zopa.web.security import BodyLimit, HostCheck, SecurityHeaders

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024  # bytes; the same as the per-document ingest limit


@dataclass(frozen=True, slots=True)
class StaticFile:
    body: bytes
    media_type: str
    etag: str


def load_static() -> dict[str, StaticFile]:
    """The files served under ``/static/``, read once: zopa's own CSS and JS, and the bundled plotly.js."""
    from zopa.presentation import static_files

    files = {}
    for name, body in static_files().items():
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if media_type.startswith("text/") or media_type.endswith("javascript"):
            media_type += "; charset=utf-8"
        files[name] = StaticFile(body, media_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
    return files


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(
    db_url: str | Path | None = None,
    *,
    token: str | None = None,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    codebook: str | Path | None = None,
    fetcher: Fetcher | None = None,
    plan: str | Path | None = None,
    scenario: str | Path | None = None,
    create: bool = True,
    allowed_hosts: Iterable[str] | None = None,
) -> FastAPI:
    """The dashboard and API over the database at ``db_url`` (a SQLite path or a database URL); with
    ``create=False`` (``zopa serve`` without a token: read-only) a database that does not exist is refused.

    Writing (ingest) is allowed only with ``token`` (default: ``$ZOPA_TOKEN``) sent by the request; without a
    token the application is read-only. Request bodies over ``max_upload`` bytes are refused with 413.
    Ingested articles are analysed with ``codebook`` (default: the shipped one); feed URLs are read through
    ``fetcher`` (default: httpx; tests pass canned responses). The negotiation page scores ``plan`` (a plan
    YAML file) and runs "if talks fail" from ``scenario`` (a scenario YAML file) when given.
    ``allowed_hosts``: the Host header must be an IP address, localhost or one of these names (see
    :class:`zopa.web.security.HostCheck`); None (in-process use) checks nothing, ``serve`` always checks.
    """
    if max_upload < 1:
        raise InputError("max_upload", f"must be a positive number of bytes, not {max_upload}")
    if codebook is not None and not Path(codebook).is_file():
        raise InputError(str(codebook), "codebook file not found")
    loaded_plan = load_plan(plan) if plan is not None else None
    loaded_scenario = load_scenario(scenario) if scenario is not None else None
    write_token = token if token is not None else (os.environ.get("ZOPA_TOKEN") or None)
    # without a token nothing is ever written
    db = open_db(db_url, read_only=write_token is None, create=create)
    app = FastAPI(
        title="zopa",
        summary="Sourced evidence of who wants what in a negotiation, from news coverage.",
        version="1",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # the stock docs pages load scripts from a CDN; /api renders the schema instead
        redoc_url=None,
    )
    app.state.db = db
    app.state.token = write_token
    app.state.max_upload = max_upload
    app.state.static = load_static()
    app.state.cache = AggregateCache(db)
    app.state.fetcher = fetcher
    # the codebook given, else the one that built the database (zopa.store.codebooks)
    app.state.codebook = functools.cache(lambda: codebook_for(db, codebook)[0])
    # what names the kept views (zopa.kept_views): the stored codebook's hash, so no parse when they are kept
    app.state.reading = functools.cache(lambda: kept_views.reading(db, codebook, load=app.state.codebook))
    app.state.plan = loaded_plan
    app.state.scenario = loaded_scenario
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(tracking.router)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str, request: Request) -> Response:
        found: StaticFile | None = request.app.state.static.get(name)
        if found is None:
            raise StarletteHTTPException(404, f"no static file {name!r}")
        headers = {"ETag": found.etag, "Cache-Control": "public, max-age=3600"}
        if request.headers.get("if-none-match") == found.etag:
            return Response(status_code=304, headers=headers)
        return Response(found.body, media_type=found.media_type, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
        return pages.error_page(request, exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [{k: v for k, v in err.items() if k in ("loc", "msg", "type")} for err in exc.errors()]
        # a bad query or path parameter is a bad request (400); a bad body would be 422
        status = 400 if all(err["loc"][:1] in (("query",), ("path",)) for err in errors) else 422
        if _wants_json(request):
            return JSONResponse({"detail": errors}, status_code=status)
        problems = "; ".join(
            f"{'.'.join(str(x) for x in err['loc'][1:]) or 'request'}: {err['msg']}" for err in errors
        )
        return pages.error_page(request, status, f"bad request: {problems}")

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        return pages.error_page(request, 404, str(exc))

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=422)
        return pages.error_page(request, 422, str(exc))

    @app.exception_handler(StorageError)
    async def storage_error(request: Request, exc: StorageError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=503)
        return pages.error_page(request, 503, str(exc))

    @app.exception_handler(ZopaError)
    async def zopa_error(request: Request, exc: ZopaError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return pages.error_page(request, 400, str(exc))

    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi_schema(default_openapi)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    _build_routes(app)
    app.add_middleware(BodyLimit, limit=max_upload)
    if allowed_hosts is not None:
        app.add_middleware(HostCheck, allowed=tuple(allowed_hosts))
    app.add_middleware(SecurityHeaders)
    return app


_SCHEMA: dict[str, Any] = {}  # the OpenAPI schema, built once per process (every app has the same routes)
_SCHEMA_LOCK = threading.Lock()


def _openapi_schema(generate: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The API's OpenAPI schema (``generate``: FastAPI's), with the bearer token and 400 for a bad parameter;
    generated once per process: 180 ms of CPU, the same for every app since the routes and the title are
    fixed by this module."""
    with _SCHEMA_LOCK:
        if not _SCHEMA:
            schema = generate()
            schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
            schemes["bearer"] = {"type": "http", "scheme": "bearer", "description": "ZOPA_TOKEN"}
            for operations in schema.get("paths", {}).values():
                for method, operation in operations.items():
                    responses = operation.get("responses", {})
                    if method == "get" and "422" in responses:  # parameters only: answered with 400
                        responses["400"] = {**responses.pop("422"), "description": "A bad parameter"}
            _SCHEMA.update(schema)
        return _SCHEMA


def _build_routes(app: FastAPI) -> None:
    """Build the handlers of every included router now. FastAPI builds them (their parameter and response
    models) per app on the first request it answers, 40-65 ms of CPU that would land on the first visitor
    after each restart; listing the routes' contexts builds them."""
    for route in app.router.routes:
        contexts = getattr(route, "effective_route_contexts", None)  # an included router
        if contexts is not None:
            list(contexts())


def prepare(app: FastAPI) -> None:
    """What a server does before it listens, so no first request pays for it: every page template compiled
    (once per process, about 0.3 s of CPU), the OpenAPI schema generated (once per process), and what
    start-up made moved out of the garbage collector's sight (``gc.freeze``: it lives as long as the server,
    and a full collection walking its 100,000 objects took 60-190 ms of some unlucky request)."""
    pages.compile_templates()
    app.openapi()
    gc.collect()
    gc.freeze()


@dataclass(frozen=True, slots=True)
class WebResponse:
    """One response of the application, as ``zopa serve --get`` prints it."""

    status: int
    content_type: str
    body: str

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "content_type": self.content_type, "body": self.body}


def fetch(
    db_url: str | Path | None,
    path: str,
    *,
    plan: str | Path | None = None,
    scenario: str | Path | None = None,
) -> WebResponse:
    """Answer one GET request for ``path`` in-process, without starting a server."""
    import asyncio

    import httpx

    if not path.startswith("/"):
        raise InputError(path, "a path to get must start with '/' (for example /api/v1/documents)")
    app = create_app(db_url, plan=plan, scenario=scenario, create=False)

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://zopa.local") as client:
            return await client.get(path)

    try:
        response = asyncio.run(get())
    finally:
        app.state.db.close()
    return WebResponse(response.status_code, response.headers.get("content-type", ""), response.text)


def serve(
    db_url: str | Path | None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    plan: str | Path | None = None,
    scenario: str | Path | None = None,
    allowed_hosts: Iterable[str] = (),
) -> None:
    """Run the dashboard with uvicorn until interrupted. The Host header is checked: IP addresses,
    localhost, ``host`` when it is a name, ``allowed_hosts`` and ``$ZOPA_ALLOWED_HOSTS`` (comma-separated)."""
    import uvicorn

    if not 0 <= port <= 65535:
        raise InputError(str(port), "not a TCP port (0-65535)")
    names = [*allowed_hosts, *os.environ.get("ZOPA_ALLOWED_HOSTS", "").split(","), host]
    app = create_app(
        db_url,
        plan=plan,
        scenario=scenario,
        allowed_hosts=names,
        create=bool(os.environ.get("ZOPA_TOKEN")),  # read-only without a token: no empty database is left
    )

    def warm_up() -> None:  # build the negotiation before the first visitor asks for it
        with contextlib.suppress(ZopaError):
            pages.negotiation_for(app.state)

    prepare(app)
    threading.Thread(target=warm_up, name="zopa-warm-up", daemon=True).start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
    finally:
        app.state.db.close()
