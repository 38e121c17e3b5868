"""The read API over a zopa database, shared by the CLI, the web app, reports and the negotiation builder.

Every function takes an open :class:`~zopa.store.db.Database` and keyword-only filters, and returns plain
typed records (frozen dataclasses with ``as_dict()``). Listings return a :class:`Page` (``items``, ``total``,
``limit``, ``offset``); ``limit=None`` returns everything. Evidence rows carry their document's id, source,
title, outlet and ``published`` date and the span of the evidence in the document's cleaned text, so every
item can be traced and weighted by date. Evidence from near-duplicate documents is left out unless
``include_duplicates=True`` (a republished article should not count twice).

Dates: ``since`` / ``until`` compare with the document's ``published`` time (inclusive; a ``date`` means the
whole day); documents without a date are left out when either is given.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Boolean,
    Integer,
    Select,
    and_,
    cast,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ColumnElement

from zopa.errors import InputError, NotFoundError
from zopa.records import STANCES, _plain, _Record
from zopa.store import aggregates, schema
from zopa.store.db import Database

T = TypeVar("T")

d = schema.documents
q = schema.quotes
p = schema.positions
e = schema.events
m = schema.mentions
st = schema.statements
a = schema.actors
s = schema.stories


class _Row(_Record):
    """A query result row: a frozen dataclass with ``as_dict()`` (dates as ISO strings)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Page(_Row, Generic[T]):
    """One page of a listing: ``items`` and the ``total`` number of matches."""

    items: tuple[T, ...]
    total: int
    limit: int | None
    offset: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentRow(_Row):
    id: int
    source: str
    title: str
    outlet: str | None
    published: datetime | None
    url: str | None
    format: str
    duplicate_of: int | None
    story: int | None
    story_label: str | None
    words: int
    ingested_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentDetail(_Row):
    """A document with its cleaned ``text`` (every span refers to it) and the ``raw`` original."""

    id: int
    source: str
    title: str
    outlet: str | None
    published: datetime | None
    url: str | None
    format: str
    duplicate_of: int | None
    story: int | None
    story_label: str | None
    words: int
    ingested_at: datetime
    text: str
    raw: str
    content_hash: str


@dataclass(frozen=True, slots=True, kw_only=True)
class _EvidenceRow(_Row):
    id: int
    document: int
    source: str
    title: str
    outlet: str | None
    published: datetime | None
    start: int
    end: int
    extractor: str
    confidence: float


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteRow(_EvidenceRow):
    speaker: str | None
    speaker_name: str | None
    text: str
    cue: str
    kind: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementRow(_EvidenceRow):
    speaker: str | None
    speaker_name: str | None
    text: str
    cue: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionRow(_EvidenceRow):
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


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRow(_EvidenceRow):
    what: str
    count: float | None
    unit: str | None
    qualifier: str | None
    place: str | None
    when: str | None
    claimed_by: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class MentionRow(_EvidenceRow):
    actor: str
    actor_name: str | None
    text: str
    how: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryRow(_Row):
    id: int
    label: str
    documents: tuple[int, ...]
    first_published: datetime | None
    last_published: datetime | None
    titles: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorRow(_Row):
    id: str
    name: str
    kind: str
    origin: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixCell(_Row):
    """One party's stance on one issue: counts per stance, the dominant stance, the newest date."""

    actor: str
    issue: str
    counts: dict[str, int]
    total: int
    stance: str  # the most frequent stance (ties: the most recent evidence wins)
    latest: datetime | None
    red_line: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionMatrix(_Row):
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    cells: tuple[MatrixCell, ...]
    actor_names: dict[str, str] = field(default_factory=dict)

    def cell(self, actor: str, issue: str) -> MatrixCell | None:
        for c in self.cells:
            if c.actor == actor and c.issue == issue:
                return c
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentEvidence(_Row):
    """One document with all its evidence, ordered by position in the text."""

    document: DocumentDetail
    mentions: tuple[MentionRow, ...]
    quotes: tuple[QuoteRow, ...]
    statements: tuple[StatementRow, ...]
    positions: tuple[PositionRow, ...]
    events: tuple[EventRow, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Stats(_Row):
    documents: int
    duplicates: int
    stories: int
    mentions: int
    quotes: int
    statements: int
    positions: int
    events: int
    actors: int


# --- helpers ---------------------------------------------------------------------------------------------


def _day_start(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else _naive_utc(value)
    return datetime.combine(value, time.min)


def _day_end_exclusive(value: date | datetime) -> tuple[datetime, bool]:
    """(bound, inclusive): a date means up to the end of that day."""
    if isinstance(value, datetime):
        return _day_start(value), True
    return datetime.combine(value + timedelta(days=1), time.min), False


def _naive_utc(value: datetime) -> datetime:
    from datetime import UTC

    return value.astimezone(UTC).replace(tzinfo=None)


def _check_page(limit: int | None, offset: int) -> None:
    if limit is not None and limit < 0:
        raise InputError("limit", f"must be 0 or more, not {limit}")
    if offset < 0:
        raise InputError("offset", f"must be 0 or more, not {offset}")


def _document_filters(
    *,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    outlet: str | None = None,
    document: int | None = None,
    story: int | None = None,
    include_duplicates: bool = True,
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if since is not None:
        conds.append(d.c.published >= _day_start(since))
    if until is not None:
        bound, inclusive = _day_end_exclusive(until)
        conds.append(d.c.published <= bound if inclusive else d.c.published < bound)
    if outlet is not None:
        conds.append(func.lower(d.c.outlet) == outlet.lower())
    if document is not None:
        conds.append(d.c.id == document)
    if story is not None:
        conds.append(d.c.story_id == story)
    if not include_duplicates:
        conds.append(_not_duplicate())
    return conds


def _not_duplicate() -> ColumnElement[bool]:
    # ``+ 0`` keeps the planner off ix_documents_duplicate_of for IS NULL (true for nearly every row);
    # that index serves the opposite test, counting the evidence of duplicates.
    return (d.c.duplicate_of + 0).is_(None)


def _evidence_page(
    db: Database,
    table: Any,
    columns: list[Any],
    *,
    outer_joins: tuple[tuple[Any, ColumnElement[bool]], ...] = (),
    doc_conds: list[ColumnElement[bool]],
    include_duplicates: bool,
    conds: list[ColumnElement[bool]],
    selective: bool,
    limit: int | None,
    offset: int,
    convert: Any,
) -> Page[Any]:
    """One page of evidence rows, newest document first, and the exact total.

    ``doc_conds``: filters on the document (not the duplicate flag); ``conds``: filters on the evidence table
    only. Without a ``selective`` (indexed) evidence filter the join walks documents in ``published`` order
    (``document_id = d.id + 0`` rules out looking documents up by id from every evidence row, so SQLite reads
    ix_documents_published and stops after the page instead of sorting all evidence). The total counts the
    evidence table alone (minus the evidence of near-duplicates, found through ix_documents_duplicate_of)
    instead of joining every row to its document."""
    dup = [] if include_duplicates else [_not_duplicate()]
    on = table.c.document_id == (d.c.id if selective else d.c.id + 0)
    joined = table.join(d, on)
    for other, cond in outer_joins:
        joined = joined.outerjoin(other, cond)
    stmt = (
        select(*columns)
        .select_from(joined)
        .where(and_(True, *doc_conds, *dup, *conds))
        .order_by(*_newest_first(table))
    )
    own = and_(True, *conds)
    count: Select[Any]
    if doc_conds:
        docs = select(d.c.id).where(and_(True, *doc_conds, *dup))
        count = select(func.count()).select_from(table).where(own, table.c.document_id.in_(docs))
    elif not conds:  # every row of the table: the maintained counts
        in_duplicates = 0 if include_duplicates else _counted(f"{table.name}.in_duplicates")
        count = select(_counted(table.name) - in_duplicates)
    else:
        total = select(func.count()).select_from(table).where(own).scalar_subquery()
        if include_duplicates:
            count = select(total)
        else:
            duplicates = select(d.c.id).where(d.c.duplicate_of.is_not(None))
            duplicated = (
                select(func.count())
                .select_from(table)
                .where(own, table.c.document_id.in_(duplicates))
                .scalar_subquery()
            )
            count = select(total - duplicated)
    return _paged(db, stmt, count, limit, offset, convert)


def _paged(
    db: Database, stmt: Select[Any], count_stmt: Select[Any], limit: int | None, offset: int, convert: Any
) -> Page[Any]:
    _check_page(limit, offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    with db.connect() as conn:
        total = conn.execute(count_stmt).scalar_one()
        items = tuple(convert(row) for row in conn.execute(stmt).mappings())
    return Page(items=items, total=int(total), limit=limit, offset=offset)


def _newest_first(table: Any) -> list[Any]:
    return [d.c.published.desc().nulls_last(), d.c.id.desc(), table.c.start, table.c.id]


def _evidence_base(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "document": row["document_id"],
        "source": row["doc_source"],
        "title": row["doc_title"],
        "outlet": row["doc_outlet"],
        "published": row["doc_published"],
        "start": row["start"],
        "end": row["end"],
        "extractor": row["extractor"],
        "confidence": row["confidence"],
    }


def _doc_columns() -> list[Any]:
    return [
        d.c.source.label("doc_source"),
        d.c.title.label("doc_title"),
        d.c.outlet.label("doc_outlet"),
        d.c.published.label("doc_published"),
    ]


# --- documents -------------------------------------------------------------------------------------------


def _document_select() -> Select[Any]:
    return select(d, s.c.label.label("story_label")).select_from(d.outerjoin(s, d.c.story_id == s.c.id))


def _document_row(row: Any) -> DocumentRow:
    return DocumentRow(
        id=row["id"],
        source=row["source"],
        title=row["title"],
        outlet=row["outlet"],
        published=row["published"],
        url=row["url"],
        format=row["format"],
        duplicate_of=row["duplicate_of"],
        story=row["story_id"],
        story_label=row["story_label"],
        words=row["words"],
        ingested_at=row["ingested_at"],
    )


def list_documents(
    db: Database,
    *,
    search: str | None = None,
    story: int | None = None,
    outlet: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    include_duplicates: bool = True,
    limit: int | None = None,
    offset: int = 0,
) -> Page[DocumentRow]:
    """Documents, newest first (undated last). ``search``: documents holding every word of it in their
    title, text, outlet or source (case-insensitive, whole words, through the word index)."""
    _check_page(limit, offset)
    conds = _document_filters(
        since=since, until=until, outlet=outlet, story=story, include_duplicates=include_duplicates
    )
    if search:
        conds.append(_text_search(db, search))
    order = (d.c.published.desc().nulls_last(), d.c.id.desc())
    # the page's ids first, from the newest-first index alone (an offset skips index entries, not rows
    # with their text), then those rows
    ids = select(d.c.id).where(and_(True, *conds)).order_by(*order)
    ids = ids.limit(limit) if limit is not None else ids
    ids = ids.offset(offset) if offset else ids
    stmt = _document_select().where(d.c.id.in_(ids.scalar_subquery())).order_by(*order)
    count: Executable = select(func.count()).select_from(d).where(and_(True, *conds))
    if not any((search, story, outlet, since, until)):  # every document: the maintained counts
        duplicates = 0 if include_duplicates else _counted("duplicates")
        count = select(_counted("documents") - duplicates)
    elif search and include_duplicates and not any((story, outlet, since, until)) and db.dialect == "sqlite":
        count = _search_count(search)  # the word index counts its matches without reading documents
    with db.connect() as conn:
        total = conn.execute(count).scalar_one()
        items = tuple(_document_row(row) for row in conn.execute(stmt).mappings())
    return Page(items=items, total=int(total), limit=limit, offset=offset)


_WORD = re.compile(r"[^\W_]+")


def _text_search(db: Database, search: str) -> ColumnElement[bool]:
    """Documents holding every word of ``search`` (title, outlet, source or text) through the word index:
    SQLite's FTS5 table, PostgreSQL's tsvector column (migration 0008). No word: nothing matches."""
    words = _search_words(search)
    if not words:
        return false()
    if db.dialect == "sqlite":
        matches = text("SELECT rowid FROM documents_fts WHERE documents_fts MATCH :zopa_words").bindparams(
            zopa_words=_phrase(words)
        )
        # "+ 0": SQLite walks the documents newest first and looks each up in the matches (and stops after
        # the page), instead of reading every match to sort them: common words match most documents
        return (d.c.id + 0).in_(matches.columns(column("rowid", Integer)))
    query = func.to_tsquery(literal("simple").cast(REGCONFIG), " & ".join(words))
    return literal_column("documents.search").op("@@", return_type=Boolean)(query)


def _search_words(search: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(search)][:32]  # as the index splits text: letters and digits


def _phrase(words: list[str]) -> str:
    return " ".join(f'"{w}"' for w in words)


def _search_count(search: str) -> Executable:
    """The number of documents holding every word of ``search``, from SQLite's word index alone."""
    words = _search_words(search)
    if not words:
        return select(literal(0))
    query = "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH :zopa_words"
    return text(query).bindparams(zopa_words=_phrase(words))


def _counted(name: str) -> Any:
    """A maintained row count (``zopa.store.aggregates``), as a scalar subquery."""
    rc = schema.row_counts
    return select(func.coalesce(func.max(rc.c.rows), 0)).where(rc.c.name == name).scalar_subquery()


def get_document(db: Database, document_id: int) -> DocumentDetail:
    """One document with its cleaned text; :class:`NotFoundError` if there is none with that id."""
    with db.connect() as conn:
        row = conn.execute(_document_select().where(d.c.id == document_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"document {document_id}: no such document")
    base = asdict(_document_row(row))
    return DocumentDetail(**base, text=row["text"], raw=row["raw"], content_hash=row["content_hash"])


def find_document(db: Database, ref: str) -> DocumentDetail:
    """A document by id (``"12"``), exact source, or content hash prefix (at least 8 characters)."""
    ref = ref.strip()
    if ref.isdigit():
        return get_document(db, int(ref))
    with db.connect() as conn:
        found = conn.execute(select(d.c.id).where(d.c.source == ref).order_by(d.c.id)).scalars().first()
        if found is None and len(ref) >= 8:
            found = (
                conn.execute(
                    select(d.c.id)
                    .where(d.c.content_hash.startswith(ref.lower(), autoescape=True))
                    .order_by(d.c.id)
                )
                .scalars()
                .first()
            )
    if found is None:
        raise NotFoundError(f"document {ref}: no document with that id, source or hash")
    return get_document(db, found)


# --- evidence listings -----------------------------------------------------------------------------------


def _quote_row(row: Any) -> QuoteRow:
    return QuoteRow(
        **_evidence_base(row),
        speaker=row["speaker"],
        speaker_name=row["speaker_name"],
        text=row["text"],
        cue=row["cue"],
        kind=row["kind"],
    )


def list_quotes(
    db: Database,
    *,
    speaker: str | None = None,
    issue: str | None = None,
    outlet: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    document: int | None = None,
    search: str | None = None,
    include_duplicates: bool = False,
    ids: Collection[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Page[QuoteRow]:
    """Direct quotes, newest first. ``speaker`` is an actor id or a name (case-insensitive); ``issue`` keeps
    quotes that overlap the evidence of a position on that issue in the same document; ``ids``: only these."""
    speaker_actor = a.alias("speaker_actor")
    doc_conds = _document_filters(since=since, until=until, outlet=outlet, document=document)
    conds: list[ColumnElement[bool]] = []
    if speaker:
        # the id itself or any actor with that name: resolved first so ix_quotes_speaker serves the filter
        conds.append(q.c.speaker.in_(_actor_ids(db, speaker)))
    if issue:
        conds.append(
            exists().where(
                p.c.document_id == q.c.document_id,
                p.c.issue == issue,
                p.c.start < q.c.end,
                q.c.start < p.c.end,
            )
        )
    if search:
        conds.append(q.c.text.icontains(search, autoescape=True))
    if ids is not None:
        conds.append(q.c.id.in_(sorted(ids)))
    return _evidence_page(
        db,
        q,
        [q, *_doc_columns(), speaker_actor.c.name.label("speaker_name")],
        outer_joins=((speaker_actor, speaker_actor.c.id == q.c.speaker),),
        doc_conds=doc_conds,
        include_duplicates=include_duplicates,
        conds=conds,
        selective=bool(speaker) or ids is not None,
        limit=limit,
        offset=offset,
        convert=_quote_row,
    )


def _actor_ids(db: Database, ref: str) -> list[str]:
    """``ref`` and the ids of the actors whose name is ``ref`` (case-insensitive)."""
    with db.connect() as conn:
        ids = conn.execute(select(a.c.id).where(func.lower(a.c.name) == ref.lower())).scalars().all()
    return sorted({ref, *ids})


def _position_row(row: Any) -> PositionRow:
    return PositionRow(
        **_evidence_base(row),
        actor=row["actor"],
        actor_name=row["actor_name"],
        issue=row["issue"],
        stance=row["stance"],
        value=row["value"],
        rejected_value=row["rejected_value"],
        conditional_on=row["conditional_on"],
        red_line=bool(row["red_line"]),
        speaker=row["speaker"],
        speaker_name=row["speaker_name"],
        evidence=row["evidence"],
    )


def _position_own_conds(
    *,
    actor: str | None,
    issue: str | None,
    stance: str | None,
    speaker: str | None,
    red_line: bool | None,
) -> list[ColumnElement[bool]]:
    if stance is not None and stance not in STANCES:
        raise InputError("stance", f"{stance!r} is not one of {', '.join(STANCES)}")
    conds: list[ColumnElement[bool]] = []
    if actor:
        conds.append(p.c.actor == actor)
    if issue:
        conds.append(p.c.issue == issue)
    if stance:
        conds.append(p.c.stance == stance)
    if speaker:
        conds.append(p.c.speaker == speaker)
    if red_line is not None:
        conds.append(p.c.red_line.is_(red_line))
    return conds


def _position_conds(
    *,
    actor: str | None,
    issue: str | None,
    stance: str | None,
    speaker: str | None,
    since: date | datetime | None,
    until: date | datetime | None,
    outlet: str | None,
    document: int | None,
    include_duplicates: bool,
    red_line: bool | None = None,
) -> list[ColumnElement[bool]]:
    own = _position_own_conds(actor=actor, issue=issue, stance=stance, speaker=speaker, red_line=red_line)
    doc = _document_filters(
        since=since, until=until, outlet=outlet, document=document, include_duplicates=include_duplicates
    )
    return [*doc, *own]


def list_positions(
    db: Database,
    *,
    actor: str | None = None,
    issue: str | None = None,
    stance: str | None = None,
    speaker: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    outlet: str | None = None,
    document: int | None = None,
    red_line: bool | None = None,
    include_duplicates: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> Page[PositionRow]:
    """Positions (party, issue, stance) with their evidence sentence, newest first."""
    conds = _position_own_conds(actor=actor, issue=issue, stance=stance, speaker=speaker, red_line=red_line)
    actor_t = a.alias("position_actor")
    speaker_t = a.alias("position_speaker")
    return _evidence_page(
        db,
        p,
        [p, *_doc_columns(), actor_t.c.name.label("actor_name"), speaker_t.c.name.label("speaker_name")],
        outer_joins=((actor_t, actor_t.c.id == p.c.actor), (speaker_t, speaker_t.c.id == p.c.speaker)),
        doc_conds=_document_filters(since=since, until=until, outlet=outlet, document=document),
        include_duplicates=include_duplicates,
        conds=conds,
        selective=bool(actor or issue),
        limit=limit,
        offset=offset,
        convert=_position_row,
    )


def _event_row(row: Any) -> EventRow:
    return EventRow(
        **_evidence_base(row),
        what=row["what"],
        count=row["count"],
        unit=row["unit"],
        qualifier=row["qualifier"],
        place=row["place"],
        when=row["when"],
        claimed_by=row["claimed_by"],
    )


def list_events(
    db: Database,
    *,
    what: str | None = None,
    place: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    outlet: str | None = None,
    document: int | None = None,
    include_duplicates: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> Page[EventRow]:
    """Reported figures (count, what, unit, place, time), newest first; ``what``/``place``: substrings."""
    conds: list[ColumnElement[bool]] = []
    if what:
        conds.append(e.c.what.icontains(what, autoescape=True))
    if place:
        conds.append(e.c.place.icontains(place, autoescape=True))
    return _evidence_page(
        db,
        e,
        [e, *_doc_columns()],
        doc_conds=_document_filters(since=since, until=until, outlet=outlet, document=document),
        include_duplicates=include_duplicates,
        conds=conds,
        selective=False,
        limit=limit,
        offset=offset,
        convert=_event_row,
    )


# --- stories ---------------------------------------------------------------------------------------------


def list_stories(
    db: Database,
    *,
    search: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Page[StoryRow]:
    """Stories (groups of documents on one event), newest first, each with its documents' ids and titles."""
    conds: list[ColumnElement[bool]] = []
    if search:
        conds.append(s.c.label.icontains(search, autoescape=True))
    stmt = select(s).where(and_(True, *conds)).order_by(s.c.last_published.desc().nulls_last(), s.c.id.desc())
    count = select(func.count()).select_from(s).where(and_(True, *conds))
    _check_page(limit, offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    with db.connect() as conn:
        total = conn.execute(count).scalar_one()
        stories = list(conn.execute(stmt).mappings())
        members: dict[int, list[Any]] = defaultdict(list)
        if stories:
            ids = [row["id"] for row in stories]
            for row in conn.execute(
                select(d.c.id, d.c.story_id, d.c.title, d.c.outlet)
                .where(d.c.story_id.in_(ids))
                .order_by(d.c.published.asc().nulls_last(), d.c.id)
            ).mappings():
                members[row["story_id"]].append(row)
    items = tuple(
        StoryRow(
            id=row["id"],
            label=row["label"],
            first_published=row["first_published"],
            last_published=row["last_published"],
            documents=tuple(m_["id"] for m_ in members[row["id"]]),
            titles=tuple(m_["title"] for m_ in members[row["id"]]),
            outlets=tuple(sorted({m_["outlet"] for m_ in members[row["id"]] if m_["outlet"]})),
        )
        for row in stories
    )
    return Page(items=items, total=int(total), limit=limit, offset=offset)


def get_story(db: Database, story_id: int) -> StoryRow:
    with db.connect() as conn:
        found = conn.execute(select(s.c.id).where(s.c.id == story_id)).first()
    if found is None:
        raise NotFoundError(f"story {story_id}: no such story")
    for story in list_stories(db).items:
        if story.id == story_id:
            return story
    raise NotFoundError(f"story {story_id}: no such story")


# --- one document's evidence -----------------------------------------------------------------------------


def document_evidence(db: Database, document_id: int) -> DocumentEvidence:
    """A document and all its evidence (mentions, quotes, statements, positions, events) in text order."""
    doc = get_document(db, document_id)
    actor = a.alias("mention_actor")
    speaker = a.alias("statement_speaker")
    with db.connect() as conn:
        mentions = tuple(
            MentionRow(
                **_evidence_base(r),
                actor=r["actor"],
                actor_name=r["actor_name"],
                text=r["text"],
                how=r["how"],
            )
            for r in conn.execute(
                select(m, *_doc_columns(), actor.c.name.label("actor_name"))
                .select_from(m.join(d, m.c.document_id == d.c.id).outerjoin(actor, actor.c.id == m.c.actor))
                .where(m.c.document_id == document_id)
                .order_by(m.c.start, m.c.id)
            ).mappings()
        )
        statements = tuple(
            StatementRow(
                **_evidence_base(r),
                speaker=r["speaker"],
                speaker_name=r["speaker_name"],
                text=r["text"],
                cue=r["cue"],
            )
            for r in conn.execute(
                select(st, *_doc_columns(), speaker.c.name.label("speaker_name"))
                .select_from(
                    st.join(d, st.c.document_id == d.c.id).outerjoin(speaker, speaker.c.id == st.c.speaker)
                )
                .where(st.c.document_id == document_id)
                .order_by(st.c.start, st.c.id)
            ).mappings()
        )
    quotes = list_quotes(db, document=document_id, include_duplicates=True).items
    positions = list_positions(db, document=document_id, include_duplicates=True).items
    events = list_events(db, document=document_id, include_duplicates=True).items
    return DocumentEvidence(
        document=doc,
        mentions=mentions,
        statements=statements,
        quotes=tuple(sorted(quotes, key=lambda r: (r.start, r.id))),
        positions=tuple(sorted(positions, key=lambda r: (r.start, r.id))),
        events=tuple(sorted(events, key=lambda r: (r.start, r.id))),
    )


# --- aggregates ------------------------------------------------------------------------------------------


def position_matrix(
    db: Database,
    *,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    outlet: str | None = None,
    actor: str | None = None,
    issue: str | None = None,
    include_duplicates: bool = False,
) -> PositionMatrix:
    """Party x issue: for each pair with evidence, counts per stance, the dominant stance, newest date."""
    conds = _position_conds(
        actor=actor,
        issue=issue,
        stance=None,
        speaker=None,
        since=since,
        until=until,
        outlet=outlet,
        document=None,
        include_duplicates=include_duplicates,
    )
    stmt: Select[Any] = (
        select(
            p.c.actor,
            p.c.issue,
            p.c.stance,
            func.count().label("n"),
            func.max(d.c.published).label("latest"),
            func.max(p.c.id).label("newest_id"),
            func.sum(cast(p.c.red_line, Integer)).label("red_lines"),
        )
        .select_from(p.join(d, p.c.document_id == d.c.id))
        .where(and_(True, *conds))
        .group_by(p.c.actor, p.c.issue, p.c.stance)
    )
    if not include_duplicates and not any((since, until, outlet, actor, issue)):
        pc = schema.position_cells  # the whole matrix: kept at write time
        stmt = select(
            pc.c.actor,
            pc.c.issue,
            pc.c.stance,
            pc.c.positions.label("n"),
            pc.c.latest,
            pc.c.newest_id,
            pc.c.red_lines,
        )
    with db.connect() as conn:
        rows = list(conn.execute(stmt).mappings())
        names = {str(r[0]): str(r[1]) for r in conn.execute(select(a.c.id, a.c.name))}
    grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        grouped[(row["actor"], row["issue"])].append(row)
    cells = []
    for (actor_id, issue_id), group in sorted(grouped.items()):
        counts = {row["stance"]: int(row["n"]) for row in group}
        dominant = max(group, key=lambda r: (int(r["n"]), r["latest"] or datetime.min, r["newest_id"]))
        latest_values = [row["latest"] for row in group if row["latest"] is not None]
        cells.append(
            MatrixCell(
                actor=actor_id,
                issue=issue_id,
                counts=dict(sorted(counts.items())),
                total=sum(counts.values()),
                stance=dominant["stance"],
                latest=max(latest_values) if latest_values else None,
                red_line=any(int(row["red_lines"] or 0) > 0 for row in group),
            )
        )
    actors = tuple(sorted({c.actor for c in cells}))
    return PositionMatrix(
        actors=actors,
        issues=tuple(sorted({c.issue for c in cells})),
        cells=tuple(cells),
        actor_names={x: names.get(x, x) for x in actors},
    )


def list_actors(db: Database, *, origin: str | None = None) -> tuple[ActorRow, ...]:
    stmt = select(a).order_by(a.c.id)
    if origin:
        stmt = stmt.where(a.c.origin == origin)
    with db.connect() as conn:
        return tuple(ActorRow(**dict(r)) for r in conn.execute(stmt).mappings())


def stats(db: Database) -> Stats:
    """How many of each thing the database holds (the row counts kept at write time, stories and actors
    counted)."""
    with db.connect() as conn:
        kept = aggregates.counts(conn)
        stories, actors = conn.execute(
            select(
                select(func.count()).select_from(s).scalar_subquery(),
                select(func.count()).select_from(a).scalar_subquery(),
            )
        ).one()
    return Stats(
        documents=kept["documents"],
        duplicates=kept["duplicates"],
        stories=int(stories),
        mentions=kept["mentions"],
        quotes=kept["quotes"],
        statements=kept["statements"],
        positions=kept["positions"],
        events=kept["events"],
        actors=int(actors),
    )


# --- export ----------------------------------------------------------------------------------------------

EXPORT_FIELDS: dict[str, tuple[str, ...]] = {
    "documents": ("id", "source", "title", "outlet", "published", "url", "duplicate_of", "story"),
    "quotes": ("document", "source", "speaker", "text", "start", "end", "cue"),
    "positions": (
        "document",
        "source",
        "actor",
        "issue",
        "stance",
        "value",
        "rejected_value",
        "conditional_on",
        "red_line",
        "speaker",
        "evidence",
        "start",
        "end",
    ),
    "events": ("document", "source", "what", "count", "unit", "place", "when", "start", "end"),
    "stories": ("id", "label", "documents"),
}
"""The fields ``zopa export`` guarantees in each list (each list's items may carry more)."""


def export_all(db: Database) -> dict[str, Any]:
    """Everything stored, as one JSON-ready dict: ``documents``, ``quotes``, ``positions``, ``events``,
    ``stories`` (the guaranteed fields of :data:`EXPORT_FIELDS` first, then extras), plus ``statements``,
    ``mentions`` and ``actors``. Duplicates are included and marked (``duplicate_of``)."""
    documents = []
    for doc in list_documents(db).items:
        row = doc.as_dict()
        documents.append(
            {
                "id": row["id"],
                "source": row["source"],
                "title": row["title"],
                "outlet": row["outlet"],
                "published": row["published"],
                "url": row["url"],
                "duplicate_of": row["duplicate_of"],
                "story": row["story"],
                "story_label": row["story_label"],
                "format": row["format"],
                "words": row["words"],
                "ingested_at": row["ingested_at"],
            }
        )
    documents.sort(key=lambda r: r["id"])

    def evidence(rows: tuple[Any, ...], fields: tuple[str, ...]) -> list[dict[str, Any]]:
        out = []
        for item in sorted(rows, key=lambda r: (r.document, r.start, r.id)):
            row = item.as_dict()
            ordered = {k: row[k] for k in fields}
            ordered.update({k: v for k, v in row.items() if k not in ordered})
            out.append(ordered)
        return out

    exported = {
        "documents": documents,
        "quotes": evidence(list_quotes(db, include_duplicates=True).items, EXPORT_FIELDS["quotes"]),
        "positions": evidence(list_positions(db, include_duplicates=True).items, EXPORT_FIELDS["positions"]),
        "events": evidence(list_events(db, include_duplicates=True).items, EXPORT_FIELDS["events"]),
        "stories": [
            {
                "id": story.id,
                "label": story.label,
                "documents": list(story.documents),
                "first_published": _plain(story.first_published),
                "last_published": _plain(story.last_published),
            }
            for story in sorted(list_stories(db).items, key=lambda x: x.id)
        ],
    }
    statements_rows = []
    mention_rows = []
    with db.connect() as conn:
        for r in conn.execute(
            select(st, *_doc_columns())
            .select_from(st.join(d, st.c.document_id == d.c.id))
            .order_by(st.c.document_id, st.c.start, st.c.id)
        ).mappings():
            statements_rows.append(
                {
                    "document": r["document_id"],
                    "source": r["doc_source"],
                    "speaker": r["speaker"],
                    "text": r["text"],
                    "start": r["start"],
                    "end": r["end"],
                    "cue": r["cue"],
                    "extractor": r["extractor"],
                    "confidence": r["confidence"],
                }
            )
        for r in conn.execute(
            select(m, *_doc_columns())
            .select_from(m.join(d, m.c.document_id == d.c.id))
            .order_by(m.c.document_id, m.c.start, m.c.id)
        ).mappings():
            mention_rows.append(
                {
                    "document": r["document_id"],
                    "source": r["doc_source"],
                    "actor": r["actor"],
                    "text": r["text"],
                    "start": r["start"],
                    "end": r["end"],
                    "how": r["how"],
                    "extractor": r["extractor"],
                    "confidence": r["confidence"],
                }
            )
    exported["statements"] = statements_rows
    exported["mentions"] = mention_rows
    exported["actors"] = [actor.as_dict() for actor in list_actors(db)]
    return exported


# --- facets for the filter forms of the web dashboard -----------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class OutletRow(_Row):
    outlet: str
    documents: int
    first_published: datetime | None
    last_published: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SpeakerRow(_Row):
    id: str
    name: str
    quotes: int


def list_outlets(db: Database) -> tuple[OutletRow, ...]:
    """The outlets documents came from, most documents first, with their first and last publication dates
    (kept at write time)."""
    o = schema.outlet_counts
    with db.connect() as conn:
        return tuple(
            OutletRow(
                outlet=r["outlet"],
                documents=int(r["documents"]),
                first_published=r["first_published"],
                last_published=r["last_published"],
            )
            for r in conn.execute(select(o).order_by(o.c.documents.desc(), o.c.outlet)).mappings()
        )


def list_speakers(db: Database) -> tuple[SpeakerRow, ...]:
    """Everyone quoted (actor id and name), most quotes first (kept at write time)."""
    sc = schema.speaker_counts
    stmt = (
        select(sc.c.speaker, a.c.name, sc.c.quotes)
        .select_from(sc.outerjoin(a, a.c.id == sc.c.speaker))
        .order_by(sc.c.quotes.desc(), sc.c.speaker)
    )
    with db.connect() as conn:
        return tuple(
            SpeakerRow(id=r["speaker"], name=r["name"] or r["speaker"], quotes=int(r["quotes"]))
            for r in conn.execute(stmt).mappings()
        )


def export_csv(db: Database, folder: str | Path) -> tuple[Path, ...]:
    """Write :func:`export_all` as one CSV file per list (``documents.csv``, ``quotes.csv``, ...) into
    ``folder`` (created if needed); lists inside a cell (a story's documents) are joined with ``;``."""
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(out), f"cannot create the folder ({exc.strerror})") from None
    written = []
    for name, rows in export_all(db).items():
        fields = list(EXPORT_FIELDS.get(name, ()))
        for row in rows:
            fields.extend(k for k in row if k not in fields)
        path = out / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _csv_cell(v) for k, v in row.items()})
        written.append(path)
    return tuple(written)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value
