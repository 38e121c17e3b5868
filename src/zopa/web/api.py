"""The JSON API under ``/api/v1/``: thin over :mod:`zopa.store.queries`.

Listings are paginated (``limit``, ``offset``) and return ``{"total", "limit", "offset", "items"}``; filters
are validated (a bad date, an unknown stance or an out-of-range number is 400 naming the parameter, never a
500), a missing item is 404.
The response models are the store's own records (:mod:`zopa.store.rows`), so the OpenAPI schema
(``/api/v1/openapi.json``) describes every field as it is stored; each listing's query parameters are one
model that becomes the store's :class:`~zopa.store.queries.EvidenceFilter`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from zopa.records import Stance
from zopa.store import queries, rows
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
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Items per page.")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="Items to skip.")]
T = TypeVar("T")


def _iso_day(value: Any) -> Any:
    return parse_day(value) if isinstance(value, str) else value


Day = Annotated[date, BeforeValidator(_iso_day)]
# the schema says which years are accepted (1900-2100), so clients and schemathesis know it too
_YEARS = {"pattern": r"^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"}
Since = Annotated[
    Day | None, Field(description="Published on or after this day (YYYY-MM-DD).", json_schema_extra=_YEARS)
]
Until = Annotated[
    Day | None, Field(description="Published on or before this day (YYYY-MM-DD).", json_schema_extra=_YEARS)
]
Outlet = Annotated[str | None, Field(description="Outlet name (case-insensitive).", **_TEXT)]
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID, description="Document id.")]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentDetailOut(rows.DocumentRow):
    """A document with its cleaned text and every piece of evidence found in it (spans index ``text``)."""

    text: str
    mentions: tuple[rows.MentionRow, ...]
    quotes: tuple[rows.QuoteRow, ...]
    statements: tuple[rows.StatementRow, ...]
    positions: tuple[rows.PositionRow, ...]
    events: tuple[rows.EventRow, ...]


class PageOut(_Out, Generic[T]):
    """One page of a listing: the ``total`` number of matches and the page's ``items``."""

    total: int
    limit: int
    offset: int
    items: list[T]


class ErrorOut(BaseModel):
    detail: Any


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "No such item"}}


# --- listing filters: one query model per listing, turned into the store's filter -----------------------


class _Query(BaseModel):
    """Query parameters of a listing; ``filter()`` is the store's filter (an empty text means no filter)."""

    def filter(self, **fixed: Any) -> queries.EvidenceFilter:
        given: dict[str, Any] = {_FIELD.get(k, k): (v or None) if isinstance(v, str) else v for k, v in self}
        return queries.EvidenceFilter(**given, **fixed)


_FIELD = {"q": "search", "duplicates": "include_duplicates"}  # API name -> filter field
_ID = Field(default=None, ge=1, le=MAX_ID)


class _Dated(_Query):
    outlet: Outlet = None
    since: Since = None
    until: Until = None


class _Paged(_Query):
    limit: Limit = DEFAULT_LIMIT
    offset: Offset = 0


# Each listing's own filters, then (the bases listed last come first) outlet and dates, then the page.


class _Documents(_Query):
    q: Annotated[str | None, Field(description="Words in title, text, outlet or source.", **_TEXT)] = None
    story: Annotated[int | None, _ID] = None
    duplicates: Annotated[bool, Field(description="Include near-duplicates.")] = True


class _Quotes(_Query):
    speaker: Annotated[str | None, Field(description="Speaker: actor id or name.", **_TEXT)] = None
    issue: Annotated[str | None, Field(description="Quotes inside a position on this issue.", **_TEXT)] = None
    document: Annotated[int | None, _ID] = None
    q: Annotated[str | None, Field(description="Words in the quote.", **_TEXT)] = None


class _Matrix(_Query):
    actor: Annotated[str | None, Field(description="Party (actor id).", **_TEXT)] = None
    issue: Annotated[str | None, Field(description="Codebook issue id.", **_TEXT)] = None


class _Positions(_Matrix):
    stance: Stance | None = None
    speaker: Annotated[str | None, Field(description="Speaker (actor id).", **_TEXT)] = None
    red_line: Annotated[bool | None, Field(description="Only red lines (true) or only others (false).")] = (
        None
    )
    document: Annotated[int | None, _ID] = None


class _Events(_Query):
    what: Annotated[str | None, Field(description="Words in what was counted.", **_TEXT)] = None
    place: Annotated[str | None, Field(**_TEXT)] = None
    document: Annotated[int | None, _ID] = None


class _Stories(_Query):
    q: Annotated[str | None, Field(description="Words in the story label.", **_TEXT)] = None


class DocumentQuery(_Paged, _Dated, _Documents): ...


class QuoteQuery(_Paged, _Dated, _Quotes): ...


class MatrixQuery(_Dated, _Matrix): ...


class PositionQuery(_Paged, _Dated, _Positions): ...


class EventQuery(_Paged, _Dated, _Events): ...


class StoryQuery(_Paged, _Stories): ...


def _out(row: Any) -> dict[str, Any]:
    """A store record as the response model reads it (a dict: pydantic then marks its times as UTC)."""
    return asdict(row)


def _listed(db: Database, row: type[Any], query: _Query) -> dict[str, Any]:
    page = queries.listing(db, row, query.filter())
    items = [_out(item) for item in page.items]
    return {"total": page.total, "limit": page.limit, "offset": page.offset, "items": items}


@router.get("/documents", response_model=PageOut[rows.DocumentRow], summary="Documents, newest first")
def documents(db: DbDep, query: Annotated[DocumentQuery, Query()]) -> dict[str, Any]:
    return _listed(db, rows.DocumentRow, query)


@router.get(
    "/documents/{document_id}",
    response_model=DocumentDetailOut,
    responses=NOT_FOUND,
    summary="One document with its evidence",
)
def document(db: DbDep, document_id: DocumentId) -> dict[str, Any]:
    evidence = queries.document_evidence(db, document_id)
    doc = evidence.document
    shown = {f.name: getattr(doc, f.name) for f in fields(rows.DocumentRow)}
    found = {
        kind: getattr(evidence, kind) for kind in ("mentions", "quotes", "statements", "positions", "events")
    }
    return _out(DocumentDetailOut(**shown, text=doc.text, **found))


@router.get("/quotes", response_model=PageOut[rows.QuoteRow], summary="Direct quotes, newest first")
def quotes(db: DbDep, query: Annotated[QuoteQuery, Query()]) -> dict[str, Any]:
    return _listed(db, rows.QuoteRow, query)


@router.get(
    "/positions",
    response_model=PageOut[rows.PositionRow],
    summary="Positions with their evidence, newest first",
)
def positions(db: DbDep, query: Annotated[PositionQuery, Query()]) -> dict[str, Any]:
    return _listed(db, rows.PositionRow, query)


@router.get("/positions/matrix", response_model=rows.PositionMatrix, summary="The party x issue matrix")
def positions_matrix(request: Request, db: DbDep, query: Annotated[MatrixQuery, Query()]) -> dict[str, Any]:
    where = query.filter()
    if where == queries.EvidenceFilter():
        matrix: rows.PositionMatrix = request.app.state.cache.get(
            "matrix", lambda: queries.position_matrix(db)
        )
        return _out(matrix)
    return _out(queries.position_matrix(db, where))


@router.get("/events", response_model=PageOut[rows.EventRow], summary="Reported figures, newest first")
def events(db: DbDep, query: Annotated[EventQuery, Query()]) -> dict[str, Any]:
    return _listed(db, rows.EventRow, query)


@router.get(
    "/stories", response_model=PageOut[rows.StoryRow], summary="Stories (articles on one event), newest first"
)
def stories(db: DbDep, query: Annotated[StoryQuery, Query()]) -> dict[str, Any]:
    return _listed(db, rows.StoryRow, query)


@router.get(
    "/stories/{story_id}",
    response_model=rows.StoryPage,
    responses=NOT_FOUND,
    summary="One story: its article count and outlets, and a page of its articles, newest first",
)
def story(
    db: DbDep, story_id: Annotated[int, Path(ge=1, le=MAX_ID)], page: Annotated[_Paged, Query()]
) -> dict[str, Any]:
    return _out(queries.story_page(db, story_id, limit=page.limit, offset=page.offset))


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
