"""Dashboard pages that follow the negotiation as it moves: "What changed" (``/changes``: shifts and
contradictions from :mod:`zopa.shifts`) and the alerts ``zopa watch`` raised (``/alerts``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from zopa.shifts import Changes, changes_from_db
from zopa.store import tracking
from zopa.web.pages import PAGE_SIZE, _day, _db, _linker, _offset, _text, cached, render

router = APIRouter(include_in_schema=False)
ALERT_KINDS = ("shift", "contradiction")
_EPOCH = datetime(1900, 1, 1)


def _changes(request: Request) -> Changes:
    state = request.app.state
    found: Changes = cached(
        request, "changes", lambda: changes_from_db(_db(request), codebook=state.codebook())
    )
    return found


@router.get("/changes", response_class=HTMLResponse)
async def changes(request: Request) -> Response:
    params = request.query_params
    actor, issue = _text(params, "actor"), _text(params, "issue")
    since = _day(params, "since")
    found: Changes = (await run_in_threadpool(_changes, request)).since(since)

    def keep(item: Any) -> bool:
        return (actor is None or item.actor == actor) and (issue is None or item.issue == issue)

    shifts = sorted((s for s in found.shifts if keep(s)), key=lambda s: s.date, reverse=True)
    contradictions = [
        c for c in found.contradictions if keep(c) or (c.actor is None and not (actor or issue))
    ]
    contradictions.sort(
        key=lambda c: max(c.first.published or _EPOCH, c.second.published or _EPOCH), reverse=True
    )
    everything = await run_in_threadpool(_changes, request)
    return render(
        request,
        "changes.html",
        nav="What changed",
        title="What changed",
        shifts=shifts,
        contradictions=contradictions,
        undated=found.undated,
        actors=sorted({s.actor for s in everything.series}),
        issues=sorted({s.issue for s in everything.series}),
        filters={"actor": actor or "", "issue": issue or "", "since": params.get("since", "")},
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
