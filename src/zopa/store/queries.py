"""The read API over a zopa database, shared by the CLI, the web app, reports, export and negotiations.

One listing serves every stored kind: ``listing(db, QuoteRow, EvidenceFilter(speaker="putin", limit=20))``
returns a :class:`~zopa.store.rows.Page` (``items``, ``total``, ``limit``, ``offset``) of that kind's rows
(:mod:`zopa.store.rows`), newest first. The filter is one frozen record; a field a kind cannot apply (a
``stance`` for quotes) is an :class:`InputError` naming it, never silently ignored. ``limit=None`` returns
everything. Evidence rows carry their document's id, source, title, outlet and ``published`` date and the
span of the evidence in the document's cleaned text, so every item can be traced and weighted by date.
Near-duplicate documents and their evidence are left out unless ``include_duplicates=True`` (a republished
article should not count twice).

Dates: ``since`` / ``until`` compare with the document's ``published`` time (inclusive; a ``date`` means the
whole day); documents without a date are left out when either is given.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    Connection,
    Integer,
    Select,
    Table,
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
from sqlalchemy.sql.elements import ColumnElement

from zopa.errors import InputError, NotFoundError
from zopa.records import STANCES
from zopa.store import schema
from zopa.store.db import Database
from zopa.store.rows import (
    ActorRow,
    DocumentDetail,
    DocumentEvidence,
    DocumentRow,
    EventRow,
    MatrixCell,
    MentionRow,
    Page,
    PositionMatrix,
    PositionRow,
    QuoteRow,
    StatementRow,
    StoryHeader,
    StoryPage,
    StoryRow,
)

R = TypeVar("R")

d = schema.documents
a = schema.actors


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceFilter:
    """What a listing keeps. Every field is optional; each kind applies the fields listed in ``ACCEPTS``.

    ``actor``: a position's party (an actor id); ``speaker``: who said it (quotes: an actor id or a name,
    case-insensitive; positions: an actor id); ``issue``: a codebook issue id (quotes: quotes inside the
    evidence of a position on that issue); ``stance`` and ``red_line``: positions; ``what`` and ``place``:
    substrings of an event; ``search``: words (documents: every word, through the word index; quotes: the
    quote holds the text; stories: the label holds it); ``document`` and ``story``: ids; ``outlet``: the
    document's outlet (case-insensitive); ``since`` / ``until``: the document's publication date; ``ids``:
    only these rows (quotes)."""

    actor: str | None = None
    speaker: str | None = None
    issue: str | None = None
    stance: str | None = None
    red_line: bool | None = None
    what: str | None = None
    place: str | None = None
    search: str | None = None
    document: int | None = None
    story: int | None = None
    outlet: str | None = None
    since: date | datetime | None = None
    until: date | datetime | None = None
    include_duplicates: bool = False
    ids: tuple[int, ...] | None = None
    limit: int | None = None
    offset: int = 0

    def __post_init__(self) -> None:
        if self.stance is not None and self.stance not in STANCES:
            raise InputError("stance", f"{self.stance!r} is not one of {', '.join(STANCES)}")
        if self.limit is not None and self.limit < 0:
            raise InputError("limit", f"must be 0 or more, not {self.limit}")
        if self.offset < 0:
            raise InputError("offset", f"must be 0 or more, not {self.offset}")

    def check(self, kind: str) -> None:
        """Refuse a field set to something ``kind`` cannot filter by."""
        accepted = ACCEPTS[kind]
        for f in fields(self):
            if f.name not in accepted and getattr(self, f.name) != f.default:
                raise InputError(f.name, f"does not filter {kind} (these do: {', '.join(sorted(accepted))})")


_DATED = frozenset({"outlet", "since", "until", "include_duplicates"})
_PAGED = frozenset({"limit", "offset"})
_EVIDENCE = _DATED | _PAGED | {"document"}
ACCEPTS: dict[str, frozenset[str]] = {
    "documents": _DATED | _PAGED | {"search", "story"},
    "stories": _PAGED | {"search"},
    "quotes": _EVIDENCE | {"speaker", "issue", "search", "ids"},
    "positions": _EVIDENCE | {"actor", "issue", "stance", "speaker", "red_line"},
    "events": _EVIDENCE | {"what", "place"},
    "statements": _EVIDENCE,
    "mentions": _EVIDENCE,
    "matrix": _DATED | {"actor", "issue"},
}
"""The filter fields each listing applies (``matrix``: :func:`position_matrix`)."""

EVERYTHING = EvidenceFilter(include_duplicates=True)
"""Every row of a kind, near-duplicates included (export, one document's evidence)."""


def listing(db: Database, row: type[R], where: EvidenceFilter | None = None) -> Page[R]:
    """One page of ``row`` records (:class:`DocumentRow`, :class:`StoryRow`, :class:`QuoteRow`,
    :class:`PositionRow`, :class:`EventRow`, :class:`StatementRow`, :class:`MentionRow`) kept by ``where``,
    newest first (undated last), with the exact total."""
    where = where or EvidenceFilter()
    kind = _KIND_OF.get(row)
    if kind is None:
        raise TypeError(f"no listing of {row.__name__}")
    where.check(kind)
    page: Page[R] = _LISTINGS[kind](db, where)
    return page


# --- filters as SQL --------------------------------------------------------------------------------------


def _day_start(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
    return datetime.combine(value, time.min)


def _document_conds(where: EvidenceFilter) -> list[ColumnElement[bool]]:
    """The filters on the document (not the duplicate flag)."""
    conds: list[ColumnElement[bool]] = []
    if where.since is not None:
        conds.append(d.c.published >= _day_start(where.since))
    if isinstance(where.until, datetime):
        conds.append(d.c.published <= _day_start(where.until))
    elif where.until is not None:  # a date: up to the end of that day
        conds.append(d.c.published < datetime.combine(where.until + timedelta(days=1), time.min))
    if where.outlet is not None:
        conds.append(func.lower(d.c.outlet) == where.outlet.lower())
    if where.document is not None:
        conds.append(d.c.id == where.document)
    if where.story is not None:
        conds.append(d.c.story_id == where.story)
    return conds


def _not_duplicate() -> ColumnElement[bool]:
    # ``+ 0`` keeps the planner off ix_documents_duplicate_of for IS NULL (true for nearly every row);
    # that index serves the opposite test, counting the evidence of duplicates.
    return (d.c.duplicate_of + 0).is_(None)


def _duplicates(where: EvidenceFilter) -> list[ColumnElement[bool]]:
    return [] if where.include_duplicates else [_not_duplicate()]


def _counted(name: str) -> Any:
    """A maintained row count (``zopa.store.aggregates``), as a scalar subquery."""
    rc = schema.row_counts
    return select(func.coalesce(func.max(rc.c.rows), 0)).where(rc.c.name == name).scalar_subquery()


PICKED_AT_MOST = 1_000
"""Pages up to this size pick their ids first (a longer list of ids would be too many SQL parameters)."""


def _paged(
    db: Database,
    stmt: Select[Any],
    count_stmt: Select[Any],
    where: EvidenceFilter,
    convert: Any,
    read: Callable[[ColumnElement[bool] | None], Select[Any]] | None = None,
) -> Page[Any]:
    """One page of ``stmt`` and the total ``count_stmt`` gives. With ``read``, ``stmt`` selects only the ids
    of the listed table and a page is read in two steps: its ids first (through narrow indexes, so the
    rows outside the page are never read whole), then ``read(the id is one of them)``, in any order (rows
    are put in the ids' order here); without a limit (or past :data:`PICKED_AT_MOST`), ``read(None)`` is
    the whole listing, ordered."""
    if read is not None and (where.limit is None or where.limit > PICKED_AT_MOST):
        stmt, read = read(None), None
    if where.limit is not None:
        stmt = stmt.limit(where.limit)
    if where.offset:
        stmt = stmt.offset(where.offset)
    with db.connect() as conn:
        total = conn.execute(count_stmt).scalar_one()
        if read is None:
            found = list(conn.execute(stmt).mappings())
        else:
            ids = conn.execute(stmt).scalars().all()
            rank = {key: n for n, key in enumerate(ids)}  # the page's order, without sorting it again
            found = sorted(
                conn.execute(read(stmt.selected_columns[0].in_(ids))).mappings(), key=lambda r: rank[r["id"]]
            )
        items = tuple(convert(row) for row in found)
    return Page(items=items, total=int(total), limit=where.limit, offset=where.offset)


def _converter(row: type[Any], columns: dict[str, str]) -> Callable[[Any], Any]:
    """A result row to ``row``: each field from the column of the same name, or the one ``columns`` names."""
    names = [(f.name, columns.get(f.name, f.name)) for f in fields(row)]
    return lambda found: row(**{name: found[col] for name, col in names})


# --- evidence --------------------------------------------------------------------------------------------

_DOCUMENT_COLUMNS = {
    "document": "document_id",
    "source": "doc_source",
    "title": "doc_title",
    "outlet": "doc_outlet",
    "published": "doc_published",
}


@dataclass(frozen=True, slots=True)
class _Evidence:
    """An evidence kind: its table, its row, the actor columns shown with their names (``speaker`` ->
    ``speaker_name``), its own filters and whether they pick rows through an index (``selective``)."""

    table: Table
    row: type[Any]
    named: tuple[str, ...] = ()
    conds: Callable[[Database, EvidenceFilter], list[ColumnElement[bool]]] = lambda db, where: []
    selective: Callable[[EvidenceFilter], bool] = lambda where: False

    def page(self, db: Database, where: EvidenceFilter) -> Page[Any]:
        """One page, newest document first, and the exact total.

        The page's ids are picked first, reading only the filter's index and ix_documents_listed (a
        document's id, date and duplicate flag), then only those rows are read whole with their
        document's title and the actors' names. Without a ``selective`` evidence filter the join walks
        documents in ``published`` order (``document_id = d.id + 0`` rules out looking documents up by id
        from every evidence row, so SQLite reads ix_documents_published and stops after the page instead of
        sorting all evidence). The total counts the evidence table alone (minus the evidence of
        near-duplicates, found through ix_documents_duplicate_of) instead of joining every row to its
        document."""
        table, doc_conds, dup, own = (
            self.table,
            _document_conds(where),
            _duplicates(where),
            self.conds(db, where),
        )
        kept = and_(True, *doc_conds, *dup, *own)
        order = (d.c.published.desc().nulls_last(), d.c.id.desc(), table.c.start, table.c.id)
        walk = table.join(d, table.c.document_id == (d.c.id if self.selective(where) else d.c.id + 0))
        picked = select(table.c.id).select_from(walk).where(kept).order_by(*order)

        def shown(joined: Any) -> Select[Any]:  # the rows with their document and the actors' names
            names = []
            for name in self.named:
                actor = a.alias(f"{table.name}_{name}")
                joined = joined.outerjoin(actor, actor.c.id == table.c[name])
                names.append(actor.c.name.label(f"{name}_name"))
            of_document = [d.c.source, d.c.title, d.c.outlet, d.c.published]
            return select(table, *(c.label(f"doc_{c.name}") for c in of_document), *names).select_from(joined)

        def read(page: ColumnElement[bool] | None) -> Select[Any]:
            if page is None:
                return shown(walk).where(kept).order_by(*order)
            return shown(table.join(d, table.c.document_id == d.c.id)).where(page)

        mine = and_(True, *own)
        count: Select[Any]
        if doc_conds:
            docs = select(d.c.id).where(and_(True, *doc_conds, *dup))
            count = select(func.count()).select_from(table).where(mine, table.c.document_id.in_(docs))
        elif not own:  # every row of the table: the maintained counts
            in_duplicates = _counted(f"{table.name}.in_duplicates") if dup else 0
            count = select(_counted(table.name) - in_duplicates)
        else:
            total = select(func.count()).select_from(table).where(mine).scalar_subquery()
            if not dup:
                count = select(total)
            else:
                duplicates = select(d.c.id).where(d.c.duplicate_of.is_not(None))
                duplicated = (
                    select(func.count())
                    .select_from(table)
                    .where(mine, table.c.document_id.in_(duplicates))
                    .scalar_subquery()
                )
                count = select(total - duplicated)
        return _paged(db, picked, count, where, _converter(self.row, _DOCUMENT_COLUMNS), read)


def _quote_conds(db: Database, where: EvidenceFilter) -> list[ColumnElement[bool]]:
    q, p = schema.quotes, schema.positions
    conds: list[ColumnElement[bool]] = []
    if where.speaker:
        # the id itself or any actor with that name: resolved first, so ix_quotes_speaker_listed serves it
        conds.append(q.c.speaker.in_(_actor_ids(db, where.speaker)))
    if where.issue:  # quotes that overlap the evidence of a position on that issue in the same document
        conds.append(
            exists().where(
                p.c.document_id == q.c.document_id,
                p.c.issue == where.issue,
                p.c.start < q.c.end,
                q.c.start < p.c.end,
            )
        )
    if where.search:
        conds.append(q.c.text.icontains(where.search, autoescape=True))
    if where.ids is not None:
        conds.append(q.c.id.in_(sorted(where.ids)))
    return conds


def _actor_ids(db: Database, ref: str) -> list[str]:
    """``ref`` and the ids of the actors whose name is ``ref`` (case-insensitive)."""
    with db.connect() as conn:
        ids = conn.execute(select(a.c.id).where(func.lower(a.c.name) == ref.lower())).scalars().all()
    return sorted({ref, *ids})


def _position_conds(db: Database | None, where: EvidenceFilter) -> list[ColumnElement[bool]]:
    p = schema.positions
    wanted = {"actor": where.actor, "issue": where.issue, "stance": where.stance, "speaker": where.speaker}
    conds = [p.c[name] == value for name, value in wanted.items() if value]
    if where.red_line is not None:
        conds.append(p.c.red_line.is_(where.red_line))
    return conds


def _event_conds(db: Database, where: EvidenceFilter) -> list[ColumnElement[bool]]:
    e = schema.events
    wanted = {"what": where.what, "place": where.place}
    return [e.c[name].icontains(value, autoescape=True) for name, value in wanted.items() if value]


_EVIDENCE_KINDS = {
    "quotes": _Evidence(
        schema.quotes,
        QuoteRow,
        ("speaker",),
        _quote_conds,
        lambda where: bool(where.speaker) or where.ids is not None,
    ),
    "positions": _Evidence(
        schema.positions,
        PositionRow,
        ("actor", "speaker"),
        _position_conds,
        lambda where: bool(where.actor or where.issue or where.speaker),
    ),
    "events": _Evidence(schema.events, EventRow, (), _event_conds),
    "statements": _Evidence(schema.statements, StatementRow, ("speaker",)),
    "mentions": _Evidence(schema.mentions, MentionRow, ("actor",)),
}


# --- documents -------------------------------------------------------------------------------------------


def _document_select() -> Select[Any]:
    s = schema.stories
    return select(d, s.c.label.label("story_label")).select_from(d.outerjoin(s, d.c.story_id == s.c.id))


_document_row = _converter(DocumentRow, {"story": "story_id"})
_WORD = re.compile(r"[^\W_]+")


def _documents(db: Database, where: EvidenceFilter) -> Page[DocumentRow]:
    """Documents, newest first (undated last). ``search``: documents holding every word of it in their
    title, text, outlet or source (case-insensitive, whole words, through the word index)."""
    conds = [*_document_conds(where), *_duplicates(where)]
    if where.search:
        conds.append(_text_search(db, where.search))
    order = (d.c.published.desc().nulls_last(), d.c.id.desc())
    kept = and_(True, *conds)
    picked = select(d.c.id).where(kept).order_by(*order)  # through ix_documents_listed: no article read

    def read(page: ColumnElement[bool] | None) -> Select[Any]:
        return (
            _document_select().where(page)
            if page is not None
            else _document_select().where(kept).order_by(*order)
        )

    count: Select[Any] = select(func.count()).select_from(d).where(kept)
    if _document_conds(where) == [] and not where.search:  # every document: the maintained counts
        duplicates = 0 if where.include_duplicates else _counted("duplicates")
        count = select(_counted("documents") - duplicates)
    return _paged(db, picked, count, where, _document_row, read)


def _text_search(db: Database, search: str) -> ColumnElement[bool]:
    """Documents holding every word of ``search`` (title, outlet, source or text) through the word index:
    SQLite's FTS5 table, PostgreSQL's tsvector column (migration 0008). No word: nothing matches."""
    words = [w.lower() for w in _WORD.findall(search)][:32]  # as the index splits text: letters and digits
    if not words:
        return false()
    if db.dialect == "sqlite":
        phrase = " ".join(f'"{w}"' for w in words)
        matches = text("SELECT rowid FROM documents_fts WHERE documents_fts MATCH :zopa_words").bindparams(
            zopa_words=phrase
        )
        return d.c.id.in_(matches.columns(column("rowid", Integer)))
    query = func.to_tsquery(literal("simple").cast(REGCONFIG), " & ".join(words))
    return literal_column("documents.search").op("@@", return_type=Boolean)(query)


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


def document_evidence(db: Database, document_id: int) -> DocumentEvidence:
    """A document and all its evidence (mentions, quotes, statements, positions, events) in text order."""
    doc = get_document(db, document_id)
    where = EvidenceFilter(document=document_id, include_duplicates=True)
    found = {
        kind: tuple(sorted(spec.page(db, where).items, key=lambda r: (r.start, r.id)))
        for kind, spec in _EVIDENCE_KINDS.items()
    }
    return DocumentEvidence(document=doc, **found)


# --- stories ---------------------------------------------------------------------------------------------


_STORIES_NEWEST = (schema.stories.c.last_published.desc().nulls_last(), schema.stories.c.id.desc())


def _stories(db: Database, where: EvidenceFilter) -> Page[StoryRow]:
    """Stories (groups of documents on one event), newest first, each with its documents' ids and titles."""
    s = schema.stories
    conds = [s.c.label.icontains(where.search, autoescape=True)] if where.search else []
    stmt = select(s).where(and_(True, *conds)).order_by(*_STORIES_NEWEST)
    page = _paged(db, stmt, select(func.count()).select_from(s).where(and_(True, *conds)), where, dict)
    members: dict[int, list[Any]] = defaultdict(list)
    if page.items:
        with db.connect() as conn:
            for row in conn.execute(
                select(d.c.id, d.c.story_id, d.c.title, d.c.outlet)
                .where(d.c.story_id.in_([row["id"] for row in page.items]))
                .order_by(d.c.published.asc().nulls_last(), d.c.id)
            ).mappings():
                members[row["story_id"]].append(row)
    items = tuple(
        StoryRow(
            id=row["id"],
            label=row["label"],
            first_published=row["first_published"],
            last_published=row["last_published"],
            documents=tuple(m["id"] for m in members[row["id"]]),
            titles=tuple(m["title"] for m in members[row["id"]]),
            outlets=tuple(sorted({m["outlet"] for m in members[row["id"]] if m["outlet"]})),
        )
        for row in page.items
    )
    return Page(items=items, total=page.total, limit=page.limit, offset=page.offset)


def _headers(conn: Connection, stories: list[Any]) -> list[StoryHeader]:
    """The headers of ``stories`` (rows of the stories table), their articles and outlets counted in one
    query from ix_documents_story_newest."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if stories:
        for story_id, outlet, n in conn.execute(
            select(d.c.story_id, d.c.outlet, func.count())
            .where(d.c.story_id.in_([s["id"] for s in stories]))
            .group_by(d.c.story_id, d.c.outlet)
        ):
            counts[int(story_id)][outlet] = int(n)
    return [
        StoryHeader(
            id=s["id"],
            label=s["label"],
            first_published=s["first_published"],
            last_published=s["last_published"],
            articles=sum(counts[s["id"]].values()),
            outlets=tuple(sorted(str(outlet) for outlet in counts[s["id"]] if outlet)),
        )
        for s in stories
    ]


def story_headers(db: Database, *, limit: int = 10) -> tuple[StoryHeader, ...]:
    """The newest ``limit`` stories with their numbers of articles and outlets (the dashboard's overview),
    none of their articles read."""
    s = schema.stories
    with db.connect() as conn:
        found = list(conn.execute(select(s).order_by(*_STORIES_NEWEST).limit(limit)).mappings())
        return tuple(_headers(conn, found))


def story_page(db: Database, story_id: int, *, limit: int | None = 50, offset: int = 0) -> StoryPage:
    """One story's header and one page of its articles, newest first (``limit`` and ``offset``); the header
    is counted from ix_documents_story_newest in one query, not from its articles. :class:`NotFoundError`
    if there is no story with that id."""
    s = schema.stories
    with db.connect() as conn:
        found = conn.execute(select(s).where(s.c.id == story_id)).mappings().first()
        if found is None:
            raise NotFoundError(f"story {story_id}: no such story")
        (header,) = _headers(conn, [found])
    where = EvidenceFilter(story=story_id, include_duplicates=True, limit=limit, offset=offset)
    return StoryPage(
        **{f.name: getattr(header, f.name) for f in fields(StoryHeader)},
        documents=listing(db, DocumentRow, where),
    )


_LISTINGS: dict[str, Callable[[Database, EvidenceFilter], Page[Any]]] = {
    "documents": _documents,
    "stories": _stories,
    **{kind: spec.page for kind, spec in _EVIDENCE_KINDS.items()},
}
_KIND_OF: dict[type, str] = {
    DocumentRow: "documents",
    StoryRow: "stories",
    **{spec.row: kind for kind, spec in _EVIDENCE_KINDS.items()},
}


# --- the position matrix ---------------------------------------------------------------------------------


def position_matrix(db: Database, where: EvidenceFilter | None = None) -> PositionMatrix:
    """Party x issue: for each pair with evidence, counts per stance, the dominant stance, newest date
    (``where``: the fields of ``ACCEPTS["matrix"]``)."""
    where = where or EvidenceFilter()
    where.check("matrix")
    p = schema.positions
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
        .where(and_(True, *_document_conds(where), *_duplicates(where), *_position_conds(None, where)))
        .group_by(p.c.actor, p.c.issue, p.c.stance)
    )
    if where == EvidenceFilter():
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


__all__ = [
    "ACCEPTS",
    "EVERYTHING",
    "EvidenceFilter",
    "Page",
    "document_evidence",
    "find_document",
    "get_document",
    "list_actors",
    "listing",
    "position_matrix",
    "story_page",
]
