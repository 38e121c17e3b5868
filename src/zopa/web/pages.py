"""Dashboard pages: server-rendered Jinja2 templates (autoescape on) over :mod:`zopa.store.queries`.

Form fields arrive as strings (an empty field means "no filter"), so pages parse their filters here and answer
422 with a readable page on a bad value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from zopa.errors import InputError
from zopa.negotiation.analysis import AnalysisOptions
from zopa.presentation import chart_markup, environment
from zopa.presentation.charts import negotiation_charts
from zopa.store import queries, summaries
from zopa.store.db import Database
from zopa.store.queries import EvidenceFilter, listing
from zopa.store.rows import DocumentRow, EventRow, EvidenceRow, PositionRow, QuoteRow, StatementRow
from zopa.web import negotiation as negotiation_page
from zopa.web.api import MAX_DRAWS, MAX_ID, MAX_ITERATIVE_DRAWS, MAX_OFFSET
from zopa.web.forms import parse_day, read_ingest_request, run_ingest
from zopa.web.highlight import Highlight, render_highlighted

PAGE_SIZE = 25
# the presentation layer's templates (autoescape on: every value is escaped unless marked safe by zopa; the
# highlighter escapes the text), shared with the HTML report
templates = Jinja2Templates(env=environment())

router = APIRouter(include_in_schema=False)


def compile_templates() -> None:
    """Compile every template now (Jinja keeps them), not on the first request of each page."""
    for name in templates.env.list_templates(extensions=["html"]):
        templates.env.get_template(name)


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def cached(request: Request, name: str, compute: Callable[[], Any]) -> Any:
    """A whole-database aggregate, recomputed only when the database changed (see ``zopa.web.cache``)."""
    return request.app.state.cache.get(name, compute)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("charts", False)
    context.setdefault("nav", "")
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def error_page(
    request: Request, status_code: int, detail: str, *, headers: Mapping[str, str] | None = None
) -> Response:
    titles = {
        400: "Bad request",
        401: "Token needed",
        403: "Forbidden",
        404: "Not found",
        405: "Method not allowed",
        413: "Upload too large",
        422: "Bad form",
        503: "Database unavailable",
    }
    response = render(
        request,
        "error.html",
        status_code=status_code,
        title=titles.get(status_code, "Error"),
        detail=detail,
        code=status_code,
    )
    if headers:
        response.headers.update(headers)
    return response


# --- parsing form filters --------------------------------------------------------------------------------


def _text(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name, "").strip()
    if len(value) > 200 or "\x00" in value:
        raise HTTPException(400, f"{name}: at most 200 characters, no NUL")
    return value or None


def _day(params: Mapping[str, str], name: str) -> date | None:
    value = _text(params, name)
    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError as exc:
        raise HTTPException(400, f"{name}: {value!r}: {exc}") from None


def _int(params: Mapping[str, str], name: str, *, low: int, high: int) -> int | None:
    value = _text(params, name)
    if value is None:
        return None
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise HTTPException(400, f"{name}: {value!r} is not a whole number from {low} to {high}")
    return int(value)


def _offset(params: Mapping[str, str]) -> int:
    return _int(params, "offset", low=0, high=MAX_OFFSET) or 0


_FIELD = {"q": "search"}  # form field -> filter field


def _filter(params: Mapping[str, str], *names: str, **fixed: Any) -> EvidenceFilter:
    """The store's filter from a page's form fields ``names`` (texts; days for ``since`` and ``until``; the
    page's ``offset``) and ``fixed`` values; 400 naming the field on a bad value."""
    given: dict[str, Any] = {}
    for name in names:
        if name == "offset":
            given[name] = _offset(params)
        else:
            given[_FIELD.get(name, name)] = (
                _day(params, name) if name in ("since", "until") else _text(params, name)
            )
    try:
        return EvidenceFilter(**given, **fixed)
    except InputError as exc:
        raise HTTPException(400, str(exc)) from None


def _shown(params: Mapping[str, str], *names: str) -> dict[str, str]:
    """The form fields as the filter form shows them again."""
    return {name: params.get(name, "").strip() for name in names}


def _linker(path: str, params: Mapping[str, str]) -> Callable[[int], str]:
    kept = {k: v for k, v in params.items() if k != "offset" and v}

    def url(offset: int) -> str:
        query = urlencode({**kept, "offset": offset} if offset else kept)
        return f"{path}?{query}" if query else path

    return url


# --- pages -----------------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def overview(request: Request) -> Response:
    params = request.query_params
    db = _db(request)
    unfiltered = EvidenceFilter(include_duplicates=True, limit=PAGE_SIZE)
    where = _filter(
        params, "q", "outlet", "since", "until", "offset", include_duplicates=True, limit=PAGE_SIZE
    )
    return render(
        request,
        "overview.html",
        nav="Overview",
        title="Overview",
        stories=cached(request, "stories", lambda: queries.story_headers(db, limit=10))
        if where == unfiltered
        else None,
        stats=cached(request, "stats", lambda: summaries.stats(db)),
        documents=listing(db, DocumentRow, where),
        outlets=cached(request, "outlets", lambda: summaries.list_outlets(db)),
        filters=_shown(params, "q", "outlet", "since", "until"),
        page_url=_linker("/", params),
    )


def _highlights(evidence: queries.DocumentEvidence) -> list[Highlight]:
    marks = [_said("statement", s, "Reported speech by {who} ({cue})") for s in evidence.statements]
    for p in evidence.positions:
        parts = [f"Position: {p.actor_name or p.actor} — {p.stance} on {p.issue}"]
        if p.value is not None:
            parts.append(f"value {p.value:g} on the issue's 0-100 scale")
        if p.conditional_on:
            parts.append(f"conditional on {p.conditional_on}")
        if p.red_line:
            parts.append("red line")
        if p.speaker:
            parts.append(f"said by {p.speaker_name or p.speaker}")
        marks.append(
            _mark("position", p, "; ".join(parts), {"actor": p.actor, "issue": p.issue, "stance": p.stance})
        )
    marks.extend(_said("quote", q, "Quote by {who} (found by: {cue})") for q in evidence.quotes)
    for e in evidence.events:
        figure = f"{e.count:g}" if e.count is not None else "figure"
        qualified = f"{e.qualifier} {figure}" if e.qualifier else figure
        parts = [f"Event figure: {qualified} {e.unit or ''} {e.what}".replace("  ", " ")]
        if e.place:
            parts.append(f"in {e.place}")
        if e.when:
            parts.append(f"when: {e.when}")
        if e.claimed_by:
            parts.append(f"claimed by {e.claimed_by}")
        count = f"{e.count:g}" if e.count is not None else ""
        marks.append(_mark("event", e, "; ".join(parts), {"count": count, "what": e.what}))
    return marks


def _mark(kind: str, item: EvidenceRow, title: str, data: dict[str, str]) -> Highlight:
    return Highlight(
        key=f"{kind}-{item.id}", kind=kind, start=item.start, end=item.end, title=title, data=data
    )


def _said(kind: str, said: StatementRow, title: str) -> Highlight:
    """The mark of a statement or a quote: ``title`` with its speaker (``{who}``) and cue (``{cue}``)."""
    who = said.speaker_name or said.speaker or "unknown speaker"
    return _mark(
        kind, said, title.format(who=who, cue=said.cue), {"speaker": said.speaker or "", "speaker-name": who}
    )


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def article(request: Request, document_id: int) -> Response:
    if not 1 <= document_id <= MAX_ID:
        raise HTTPException(404, f"document {document_id}: no such document")
    evidence = queries.document_evidence(_db(request), document_id)
    doc = evidence.document
    actors = sorted({(m.actor, m.actor_name or m.actor) for m in evidence.mentions}, key=lambda x: x[1])
    return render(
        request,
        "article.html",
        nav="Overview",
        title=doc.title,
        doc=doc,
        evidence=evidence,
        marked_text=render_highlighted(doc.text, _highlights(evidence)),
        actors=actors,
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request, story_id: int) -> Response:
    if not 1 <= story_id <= MAX_ID:
        raise HTTPException(404, f"story {story_id}: no such story")
    offset = _offset(request.query_params)
    found = queries.story_page(_db(request), story_id, limit=PAGE_SIZE, offset=offset)
    return render(
        request,
        "story.html",
        nav="Overview",
        title=found.label,
        story=found,
        page_url=_linker(f"/stories/{story_id}", request.query_params),
    )


@router.get("/positions", response_class=HTMLResponse)
def positions(request: Request) -> Response:
    params = request.query_params
    where = _filter(params, "outlet", "since", "until")
    db = _db(request)
    if where == EvidenceFilter():
        matrix = cached(request, "matrix", lambda: queries.position_matrix(db))
    else:
        matrix = queries.position_matrix(db, where)
    cells = {(c.actor, c.issue): c for c in matrix.cells}
    return render(
        request,
        "positions.html",
        nav="Positions",
        title="Positions",
        matrix=matrix,
        cells=cells,
        filters=_shown(params, "outlet", "since", "until"),
    )


@router.get("/positions/evidence", response_class=HTMLResponse)
def position_evidence(request: Request) -> Response:
    params = request.query_params
    where = _filter(params, "actor", "issue", "stance", "offset", limit=PAGE_SIZE)
    return render(
        request,
        "evidence.html",
        nav="Positions",
        title="Evidence",
        actor=where.actor,
        issue=where.issue,
        stance=where.stance,
        positions=listing(_db(request), PositionRow, where),
        page_url=_linker("/positions/evidence", params),
    )


def _listing_page(
    request: Request, name: str, row: type[Any], fields: tuple[str, ...], **context: Any
) -> Response:
    """The page ``/<name>``: a page of one listing (template ``<name>.html``, the items as ``name``) under its
    filter form (``fields``)."""
    params = request.query_params
    where = _filter(params, *fields, "offset", limit=PAGE_SIZE)
    context[name] = listing(_db(request), row, where)
    return render(
        request,
        f"{name}.html",
        nav=name.title(),
        title=name.title(),
        filters=_shown(params, *fields),
        page_url=_linker(f"/{name}", params),
        **context,
    )


@router.get("/quotes", response_class=HTMLResponse)
def quotes(request: Request) -> Response:
    db = _db(request)
    return _listing_page(
        request,
        "quotes",
        QuoteRow,
        ("speaker", "issue", "outlet", "q", "since", "until"),
        speakers=cached(request, "speakers", lambda: summaries.list_speakers(db)),
        issues=cached(request, "matrix", lambda: queries.position_matrix(db)).issues,
        outlets=cached(request, "outlets", lambda: summaries.list_outlets(db)),
    )


@router.get("/events", response_class=HTMLResponse)
def events(request: Request) -> Response:
    return _listing_page(request, "events", EventRow, ("what", "place", "outlet", "since", "until"))


@router.get("/api", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    schema = request.app.openapi()
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": prm["name"],
                    "in": prm["in"],
                    "required": prm.get("required", False),
                    "description": prm.get("description", ""),
                    "schema": prm.get("schema", {}),
                }
                for prm in op.get("parameters", [])
            ]
            endpoints.append(
                {"method": method.upper(), "path": path, "summary": op.get("summary", ""), "params": params}
            )
    return render(request, "api.html", nav="API", title="API", endpoints=endpoints)


@router.get("/ingest", response_class=HTMLResponse)
def ingest_form(request: Request) -> Response:
    return render(
        request,
        "ingest.html",
        nav="Ingest",
        title="Ingest",
        writable=bool(request.app.state.token),
        max_upload=request.app.state.max_upload,
        report=None,
    )


@router.post("/ingest", response_class=HTMLResponse)
async def ingest_submit(request: Request) -> Response:
    job = await read_ingest_request(request)
    report = await run_ingest(request, job)
    return render(
        request,
        "ingest.html",
        nav="Ingest",
        title="Ingest",
        writable=True,
        max_upload=request.app.state.max_upload,
        report=report,
    )


def analysis_options(params: Mapping[str, str]) -> AnalysisOptions:
    """The Monte Carlo settings a request asks for (``seed``, ``draws``, ``iterative_draws``); the defaults
    are the CLI's, so the page and ``zopa negotiation gap`` show the same stored forecasts."""
    base = AnalysisOptions()
    values: dict[str, int] = {}
    for name, top in (("seed", 2**31 - 1), ("draws", MAX_DRAWS), ("iterative_draws", MAX_ITERATIVE_DRAWS)):
        raw = params.get(name, "")
        if raw == "":
            continue
        if not raw.lstrip("-").isdigit() or not (0 <= int(raw) <= top):
            raise HTTPException(422, f"{name} must be a whole number from 0 to {top}, not {raw!r}")
        values[name] = int(raw)
    return AnalysisOptions(
        draws=values.get("draws", base.draws),
        iterative_draws=values.get("iterative_draws", base.iterative_draws),
        seed=values.get("seed", base.seed),
    )


def negotiation_data(request: Request) -> Any:
    """The negotiation answers for the request's options, recomputed only when the stored evidence changed."""
    return negotiation_page.view_for(request.app.state, analysis_options(request.query_params))


def negotiation_for(state: Any) -> Any:
    """The same for an application's state with the default options (``serve`` warms it up at start)."""
    return negotiation_page.view_for(state)


@router.get("/negotiation", response_class=HTMLResponse)
async def negotiation(request: Request) -> Response:
    view = await run_in_threadpool(negotiation_data, request)
    names = await run_in_threadpool(negotiation_page.names_for, request.app.state)
    return render(
        request,
        "negotiation.html",
        nav="Negotiation",
        title="Negotiation",
        view=view,
        names=names,
        charts=negotiation_charts(view, names),
        sections=negotiation_page.SECTIONS,
        link=negotiation_page.link,
        chart=chart_markup,
    )
