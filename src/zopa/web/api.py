"""The JSON API under ``/api/v1/``: thin over :mod:`zopa.store.queries`.

Listings are paginated (``limit``, ``offset``) and return ``{"total", "limit", "offset", "items"}``; filters
are validated (a bad date, an unknown stance or an out-of-range number is 400 naming the parameter, never a
500), a missing item is 404.
Response models are declared so the OpenAPI schema (``/api/v1/openapi.json``) describes every field.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from starlette.concurrency import run_in_threadpool

from zopa.records import Stance
from zopa.store import queries
from zopa.store.db import Database
from zopa.web.forms import parse_day, read_ingest_request, run_ingest

MAX_ID = 2_147_483_647  # ids are 32-bit integers on PostgreSQL
MAX_OFFSET = 1_000_000_000
DEFAULT_LIMIT = 50
MAX_LIMIT = 500

router = APIRouter(prefix="/api/v1", tags=["api"])


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


DbDep = Annotated[Database, Depends(get_db)]
# Text filters: bounded, and no NUL character (PostgreSQL text cannot hold one).
_TEXT = {"max_length": 200, "pattern": r"^[^\x00]*$"}
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")]


def _iso_day(value: Any) -> Any:
    return parse_day(value) if isinstance(value, str) else value


Day = Annotated[date, BeforeValidator(_iso_day)]
# the schema says which years are accepted (1900-2100), so clients and schemathesis know it too
_YEARS = {"pattern": r"^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"}
Since = Annotated[
    Day | None, Query(description="Published on or after this day (YYYY-MM-DD).", json_schema_extra=_YEARS)
]
Until = Annotated[
    Day | None, Query(description="Published on or before this day (YYYY-MM-DD).", json_schema_extra=_YEARS)
]
Outlet = Annotated[str | None, Query(description="Outlet name (case-insensitive).", **_TEXT)]
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID, description="Document id.")]


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


# zopa stores naive UTC times; the API says so (RFC 3339 with "Z"), as the date-time format requires
Timestamp = Annotated[datetime, AfterValidator(_as_utc)]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class DocumentOut(_Out):
    id: int
    source: str
    title: str
    outlet: str | None
    published: Timestamp | None
    url: str | None
    format: str
    duplicate_of: int | None
    story: int | None
    story_label: str | None
    words: int
    ingested_at: Timestamp


class _EvidenceOut(_Out):
    id: int
    document: int
    source: str
    title: str
    outlet: str | None
    published: Timestamp | None
    start: int
    end: int
    extractor: str
    confidence: float


class QuoteOut(_EvidenceOut):
    speaker: str | None
    speaker_name: str | None
    text: str
    cue: str
    kind: str


class StatementOut(_EvidenceOut):
    speaker: str | None
    speaker_name: str | None
    text: str
    cue: str


class PositionOut(_EvidenceOut):
    actor: str
    actor_name: str | None
    issue: str
    stance: str
    value: float | None
    rejected_value: float | None
    conditional_on: str | None
    red_line: bool
    speaker: str | None
    speaker_name: str | None
    evidence: str


class EventOut(_EvidenceOut):
    what: str
    count: float | None
    unit: str | None
    qualifier: str | None
    place: str | None
    when: str | None
    claimed_by: str | None


class MentionOut(_EvidenceOut):
    actor: str
    actor_name: str | None
    text: str
    how: str


class StoryOut(_Out):
    id: int
    label: str
    documents: list[int]
    first_published: Timestamp | None
    last_published: Timestamp | None
    titles: list[str]
    outlets: list[str]


class DocumentDetailOut(DocumentOut):
    """A document with its cleaned text and every piece of evidence found in it (spans index ``text``)."""

    text: str
    mentions: list[MentionOut]
    quotes: list[QuoteOut]
    statements: list[StatementOut]
    positions: list[PositionOut]
    events: list[EventOut]


class MatrixCellOut(_Out):
    actor: str
    issue: str
    counts: dict[str, int]
    total: int
    stance: str
    latest: Timestamp | None
    red_line: bool


class MatrixOut(_Out):
    actors: list[str]
    issues: list[str]
    actor_names: dict[str, str]
    cells: list[MatrixCellOut]


class _PageOut(_Out):
    total: int
    limit: int
    offset: int


class DocumentPage(_PageOut):
    items: list[DocumentOut]


class QuotePage(_PageOut):
    items: list[QuoteOut]


class PositionPage(_PageOut):
    items: list[PositionOut]


class EventPage(_PageOut):
    items: list[EventOut]


class StoryPage(_PageOut):
    items: list[StoryOut]


class ErrorOut(BaseModel):
    detail: Any


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "No such item"}}


def _page(page: queries.Page[Any], limit: int) -> dict[str, Any]:
    return {"total": page.total, "limit": limit, "offset": page.offset, "items": list(page.items)}


@router.get("/documents", response_model=DocumentPage, summary="Documents, newest first")
def documents(
    db: DbDep,
    q: Annotated[str | None, Query(description="Words in title, text, outlet or source.", **_TEXT)] = None,
    story: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    duplicates: Annotated[bool, Query(description="Include near-duplicates.")] = True,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> dict[str, Any]:
    page = queries.list_documents(
        db,
        search=q or None,
        story=story,
        outlet=outlet or None,
        since=since,
        until=until,
        include_duplicates=duplicates,
        limit=limit,
        offset=offset,
    )
    return _page(page, limit)


@router.get(
    "/documents/{document_id}",
    response_model=DocumentDetailOut,
    responses=NOT_FOUND,
    summary="One document with its evidence",
)
def document(db: DbDep, document_id: DocumentId) -> dict[str, Any]:
    evidence = queries.document_evidence(db, document_id)
    doc = evidence.document
    out = {name: getattr(doc, name) for name in DocumentOut.model_fields}
    out["text"] = doc.text
    for kind in ("mentions", "quotes", "statements", "positions", "events"):
        out[kind] = list(getattr(evidence, kind))
    return out


@router.get("/quotes", response_model=QuotePage, summary="Direct quotes, newest first")
def quotes(
    db: DbDep,
    speaker: Annotated[str | None, Query(description="Speaker: actor id or name.", **_TEXT)] = None,
    issue: Annotated[
        str | None, Query(description="Quotes inside a position on this issue.", **_TEXT)
    ] = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    document: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    q: Annotated[str | None, Query(description="Words in the quote.", **_TEXT)] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> dict[str, Any]:
    page = queries.list_quotes(
        db,
        speaker=speaker or None,
        issue=issue or None,
        outlet=outlet or None,
        since=since,
        until=until,
        document=document,
        search=q or None,
        limit=limit,
        offset=offset,
    )
    return _page(page, limit)


@router.get("/positions", response_model=PositionPage, summary="Positions with their evidence, newest first")
def positions(
    db: DbDep,
    actor: Annotated[str | None, Query(description="Party (actor id).", **_TEXT)] = None,
    issue: Annotated[str | None, Query(description="Codebook issue id.", **_TEXT)] = None,
    stance: Annotated[Stance | None, Query()] = None,
    speaker: Annotated[str | None, Query(description="Speaker (actor id).", **_TEXT)] = None,
    red_line: Annotated[
        bool | None, Query(description="Only red lines (true) or only others (false).")
    ] = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    document: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> dict[str, Any]:
    page = queries.list_positions(
        db,
        actor=actor or None,
        issue=issue or None,
        stance=stance,
        speaker=speaker or None,
        red_line=red_line,
        outlet=outlet or None,
        since=since,
        until=until,
        document=document,
        limit=limit,
        offset=offset,
    )
    return _page(page, limit)


@router.get("/positions/matrix", response_model=MatrixOut, summary="The party x issue matrix")
def positions_matrix(
    request: Request,
    db: DbDep,
    actor: Annotated[str | None, Query(**_TEXT)] = None,
    issue: Annotated[str | None, Query(**_TEXT)] = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
) -> queries.PositionMatrix:
    if not (actor or issue or outlet or since or until):
        matrix: queries.PositionMatrix = request.app.state.cache.get(
            "matrix", lambda: queries.position_matrix(db)
        )
        return matrix
    return queries.position_matrix(
        db, actor=actor or None, issue=issue or None, outlet=outlet or None, since=since, until=until
    )


@router.get("/events", response_model=EventPage, summary="Reported figures, newest first")
def events(
    db: DbDep,
    what: Annotated[str | None, Query(description="Words in what was counted.", **_TEXT)] = None,
    place: Annotated[str | None, Query(**_TEXT)] = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    document: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> dict[str, Any]:
    page = queries.list_events(
        db,
        what=what or None,
        place=place or None,
        outlet=outlet or None,
        since=since,
        until=until,
        document=document,
        limit=limit,
        offset=offset,
    )
    return _page(page, limit)


@router.get("/stories", response_model=StoryPage, summary="Stories (articles on one event), newest first")
def stories(
    db: DbDep,
    q: Annotated[str | None, Query(description="Words in the story label.", **_TEXT)] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> dict[str, Any]:
    return _page(queries.list_stories(db, search=q or None, limit=limit, offset=offset), limit)


@router.get("/stories/{story_id}", response_model=StoryOut, responses=NOT_FOUND, summary="One story")
def story(db: DbDep, story_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> queries.StoryRow:
    return queries.get_story(db, story_id)


class OutcomeOut(_Out):
    source: str
    title: str
    status: str
    document_id: int
    duplicate_of: int | None
    story: int | None


class ProblemOut(_Out):
    source: str
    problem: str


class IngestOut(_Out):
    documents: list[OutcomeOut]
    added: list[int]
    duplicates: list[int]
    near_duplicates: list[int]
    errors: list[ProblemOut]
    extracted: list[int]
    counts: dict[str, int]


_INGEST_FIELDS = {
    "type": "object",
    "properties": {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "text": {"type": "string", "description": "Text (first line: headline, unless title is given)."},
        "title": {"type": "string"},
        "outlet": {"type": "string"},
        "published": {"type": "string", "format": "date"},
        "source_url": {"type": "string", "description": "Where the pasted article was published."},
        "url": {"type": "string", "description": "A feed or article to fetch (http or https)."},
        "token": {"type": "string", "description": "The write token, if not sent as a Bearer header."},
    },
}


@router.post(
    "/ingest",
    response_model=IngestOut,
    summary="Ingest and analyse files, pasted text or a feed URL (needs the token)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {"schema": _INGEST_FIELDS},
                "application/x-www-form-urlencoded": {"schema": _INGEST_FIELDS},
            },
        },
        "security": [{"bearer": []}],
    },
    responses={
        401: {"model": ErrorOut, "description": "No token sent"},
        403: {"model": ErrorOut, "description": "Wrong token, or the server is read-only"},
        413: {"model": ErrorOut, "description": "Upload larger than the limit"},
        415: {"model": ErrorOut, "description": "Not a form"},
        422: {"model": ErrorOut, "description": "A bad field, or nothing to ingest"},
    },
)
async def ingest(request: Request) -> dict[str, Any]:
    job = await read_ingest_request(request)
    report = await run_ingest(request, job)
    return {
        "documents": list(report.ingest.documents),
        "added": list(report.ingest.added),
        "duplicates": list(report.ingest.duplicates),
        "near_duplicates": list(report.ingest.near_duplicates),
        "errors": list(report.errors),
        "extracted": list(report.extract.extracted),
        "counts": report.extract.counts,
    }


class NegotiationOut(_Out):
    """The negotiation built from the stored evidence; a part is null when not available (``problems``)."""

    summary: dict[str, Any] | None
    gap: dict[str, Any] | None
    zone: dict[str, Any] | None
    deals: dict[str, Any] | None
    plan: dict[str, Any] | None
    talks_fail: dict[str, Any] | None
    timeline: dict[str, Any] | None
    options: dict[str, Any]
    problems: dict[str, str]


# a request's Monte Carlo is bounded (a computation per new set of options; the answers are then stored)
MAX_DRAWS, MAX_ITERATIVE_DRAWS = 5_000, 100
Seed = Annotated[int, Query(ge=0, le=2**31 - 1, description="Monte Carlo seed (the CLI's --seed)")]
Draws = Annotated[int, Query(ge=0, le=MAX_DRAWS, description="Draws for vectorised models (--draws)")]
IterativeDraws = Annotated[
    int,
    Query(ge=0, le=MAX_ITERATIVE_DRAWS, description="Draws for models run draw by draw (--iterative-draws)"),
]


def _negotiation(request: Request, seed: int, draws: int, iterative_draws: int) -> Any:
    from zopa.negotiation.analysis import AnalysisOptions
    from zopa.web.negotiation import view_for

    options = AnalysisOptions(seed=seed, draws=draws, iterative_draws=iterative_draws)
    return view_for(request.app.state, options)


@router.get(
    "/negotiation",
    response_model=NegotiationOut,
    summary="The negotiation: answers, gap and forecasts, zone, deals, plan, if talks fail, timeline",
)
async def negotiation(
    request: Request, seed: Seed = 0, draws: Draws = 500, iterative_draws: IterativeDraws = 20
) -> dict[str, Any]:
    view = await run_in_threadpool(_negotiation, request, seed, draws, iterative_draws)
    return dict(view.as_dict())


@router.get(
    "/negotiation/{part}",
    summary="One part of the negotiation",
    responses={404: {"model": ErrorOut, "description": "That part is not available (the reason is given)"}},
)
async def negotiation_part(
    request: Request,
    part: Literal["summary", "gap", "zone", "deals", "plan", "talks_fail", "timeline"],
    seed: Seed = 0,
    draws: Draws = 500,
    iterative_draws: IterativeDraws = 20,
) -> dict[str, Any]:
    view = await run_in_threadpool(_negotiation, request, seed, draws, iterative_draws)
    found = view.part(part)
    if found is None:
        raise HTTPException(404, view.problems.get(part, f"{part}: not available"))
    return dict(found)
