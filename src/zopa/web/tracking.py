"""Dashboard pages that follow the negotiation as it moves: "What changed" (``/changes``: shifts and
contradictions from :mod:`zopa.shifts`) and the alerts ``zopa watch`` raised (``/alerts``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from zopa.kept_views import ChangesPage, changes_page, changes_parts
from zopa.store import tracking
from zopa.web.pages import PAGE_SIZE, _day, _db, _linker, _offset, _text, cached, render

router = APIRouter(include_in_schema=False)
ALERT_KINDS = ("shift", "contradiction")


@router.get("/changes", response_class=HTMLResponse)
async def changes(request: Request) -> Response:
    params = request.query_params
    actor, issue = _text(params, "actor"), _text(params, "issue")
    since = _day(params, "since")
    offset = _offset(params)
    state = request.app.state

    def page() -> ChangesPage:  # the kept view (zopa.kept_views), else computed once while unchanged
        db, read = _db(request), state.reading()
        return changes_page(
            db,
            read,
            actor=actor,
            issue=issue,
            since=since,
            limit=PAGE_SIZE,
            offset=offset,
            compute=lambda: cached(request, "changes", lambda: changes_parts(db, read)),
        )

    found = await run_in_threadpool(page)
    return render(
        request,
        "changes.html",
        nav="What changed",
        title="What changed",
        shifts=found.shifts,
        contradictions=found.contradictions,
        undated=found.overview.undated,
        actors=found.overview.actors,
        issues=found.overview.issues,
        filters={"actor": actor or "", "issue": issue or "", "since": params.get("since", "")},
        page_url=_linker("/changes", params),
    )


@router.get("/alerts", response_class=HTMLResponse)
def alerts(request: Request) -> Response:
    params = request.query_params
    kind = _text(params, "kind")
    if kind is not None and kind not in ALERT_KINDS:
        raise HTTPException(422, f"kind: {kind!r} is not one of {', '.join(ALERT_KINDS)}")
    since = _day(params, "since")
    offset = _offset(params)
    page = tracking.list_alerts(_db(request), kind=kind, since=since, limit=PAGE_SIZE, offset=offset)
    return render(
        request,
        "alerts.html",
        nav="Alerts",
        title="Alerts",
        alerts=page,
        feeds=tracking.list_feeds(_db(request)),
        filters={"kind": kind or "", "since": params.get("since", "")},
        page_url=_linker("/alerts", params),
    )
