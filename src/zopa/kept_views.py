"""The dashboard's whole-database views, kept in the database so they are fast when the server is cold.

"What changed" (:func:`zopa.shifts.changes_from_db`) and the negotiation's answers
(:func:`zopa.negotiation.view.negotiation_answers`) are computed from every stored position: seconds to
minutes on a large database. :func:`refresh` computes both once at the end of each ingest or analysis (the
pipeline calls it) and stores them with the data version they were computed at
(:func:`zopa.store.aggregates.keep_view`); a page reads them back while that version is current, and what
changed one page of shifts and contradictions at a time (newest first, filtered in SQL). A view missing or
stale (a database written by an older zopa, a document deleted since) is computed on the spot, as before,
and kept when the database is writable. Answers read from a kept view are the ones a fresh computation gives
(``tests/test_kept_views.py``).

Only the default analysis options are kept; other Monte Carlo settings are computed per request (their
forecasts are stored) and cached by the web application as before.

A refresh costs what was written since the view was kept, not the whole database: both views are made of
**parts**, one per party and issue (claims are grouped, copies found and shifts tracked within one party and
issue) and one for the misattributed quotes. The write path records the data version that last wrote each
party and issue (:func:`zopa.store.aggregates.changed_pairs`); a refresh recomputes those parts only and keeps
the others' results (their shifts and contradictions, their statements' independent sources), and looks for
misattributed quotes among the quotes that share a copy key with another
(:func:`zopa.store.aggregates.shared_quote_ids`). The negotiation is then built from every statement (its
time decay, salience and BATNAs read across issues), with no corroboration left to run. A deletion
recomputes everything. Whole or in parts, what is kept equals a fresh computation
(``tests/test_kept_views.py``).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zopa import __version__
from zopa.errors import CodebookError, StorageError
from zopa.negotiation.analysis import AnalysisOptions
from zopa.records import _Record
from zopa.shifts import Changes, Contradiction, Shift, changes_from_db, track  # also what a page unpickles
from zopa.store import aggregates
from zopa.store.queries import Page

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.negotiation.summary import AnswerSummary
    from zopa.negotiation.view import NegotiationView
    from zopa.store.db import Database

_EPOCH = datetime(1900, 1, 1)
QUOTES = "\U0010ffff"  # the part of the misattributed quotes: after every party and issue
_COMPLETE = ""  # the part that says at which data version the kept parts were all current
QUOTES_PAIR = aggregates.QUOTES_PAIR  # how changed_pairs names it (a write of quotes)
_IDS_PER_QUERY = 20_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """The codebook views are read with: ``key`` names their kept copies, ``load`` parses the codebook
    (only needed when a view must be computed: parsing a codebook takes longer than reading a kept view)."""

    key: str
    load: Callable[[], Codebook]


def reading(
    db: Database, path: str | Path | None = None, *, load: Callable[[], Codebook] | None = None
) -> Reading:
    """What the dashboard reads ``db`` with (:func:`zopa.store.codebooks.codebook_for`, or ``load``): the
    file given, else the codebook recorded last, else the shipped one; known without parsing it, by the
    recorded hash or the file's bytes."""
    from zopa.codebook import default_codebook_path
    from zopa.store.codebooks import codebook_for, latest_codebook_hash

    load = load or functools.cache(lambda: codebook_for(db, path)[0])
    stored = latest_codebook_hash(db) if path is None else None
    if stored is not None:
        return Reading(key=stored, load=load)
    try:
        data = Path(path or default_codebook_path()).read_bytes()
    except OSError:
        return Reading(key=_hash(load()), load=load)  # load() says what is wrong with the file
    return Reading(key=f"file-{hashlib.sha256(data).hexdigest()}", load=load)


def reading_of(codebook: Codebook) -> Reading:
    return Reading(key=_hash(codebook), load=lambda: codebook)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangesOverview(_Record):
    """What the "What changed" page shows besides its lists: undated reports left out, and the parties and
    issues with a dated series (the filter form)."""

    undated: int
    actors: tuple[str, ...]
    issues: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangesPage(_Record):
    """One page of what changed: shifts newest first, contradictions by their later side, newest first."""

    overview: ChangesOverview
    shifts: Page[Shift]
    contradictions: Page[Contradiction]


def _hash(codebook: Codebook) -> str:
    from zopa.codebook import codebook_hash

    return codebook_hash(codebook)


def changes_name(read: Reading) -> str:
    return f"changes:{__version__}:{read.key}"  # another zopa may compute a view differently


def negotiation_name(read: Reading, options: AnalysisOptions) -> str:
    settings = json.dumps(options.as_dict(), sort_keys=True, default=str)
    return f"negotiation:{__version__}:{read.key}:{hashlib.sha256(settings.encode()).hexdigest()[:16]}"


def _version(db: Database) -> int:
    with db.connect() as conn:
        return aggregates.data_version(conn)


def _keep(
    db: Database,
    name: str,
    version: int,
    value: Any,
    listing: list[aggregates.KeptItem],
    *,
    parts: dict[str, Any] | None = None,
    replace: set[str] | None = None,
) -> bool:
    """Keep a view (False when the database is read-only or was written since ``version``)."""
    if parts is not None:
        parts = {**parts, _COMPLETE: version}
        replace = None if replace is None else replace | {_COMPLETE}
    try:
        with db.transaction() as conn:
            return aggregates.keep_view(conn, name, version, value, listing, parts=parts, replace=replace)
    except StorageError:  # a read-only database (a server without a token): computed per process instead
        return False


# --- what changed ----------------------------------------------------------------------------------------


def _shift_day(s: Shift) -> date:
    return s.date


def _contradiction_day(c: Contradiction) -> date | None:
    days = [x.day for x in (c.first, c.second) if x.day is not None]
    return max(days) if days else None


def _contradiction_at(c: Contradiction) -> datetime:
    return max(c.first.published or _EPOCH, c.second.published or _EPOCH)


def part_of(actor: str | None, issue: str | None) -> str:
    """The part a party and issue's items belong to (code point order is (party, issue) order)."""
    return QUOTES if actor is None or issue is None else f"{actor}\x01{issue}"


def _listing(changes: Changes) -> list[aggregates.KeptItem]:
    shifts = [
        aggregates.KeptItem(
            kind="shift",
            part=part_of(s.actor, s.issue),
            value=s,
            actor=s.actor,
            issue=s.issue,
            day=_shift_day(s),
            sort_at=datetime.combine(_shift_day(s), time()),
        )
        for s in changes.shifts
    ]
    contradictions = [
        aggregates.KeptItem(
            kind="contradiction",
            part=part_of(c.actor, c.issue),
            value=c,
            actor=c.actor,
            issue=c.issue,
            day=_contradiction_day(c),
            sort_at=_contradiction_at(c),
        )
        for c in changes.contradictions
    ]
    return shifts + contradictions


def _page(
    found: list[aggregates.KeptItem],
    kind: str,
    *,
    actor: str | None,
    issue: str | None,
    since: date | None,
    limit: int,
    offset: int,
) -> Page[Any]:
    """The page :func:`zopa.store.aggregates.kept_items` reads from the kept rows, from items in memory."""
    chosen = [
        it
        for it in found
        if it.kind == kind
        and (actor is None or it.actor == actor)
        and (issue is None or it.issue == issue)
        and (since is None or (it.day is not None and it.day >= since))
    ]
    chosen.sort(key=lambda it: it.part)  # stable: each part in its computed order
    chosen.sort(key=lambda it: it.sort_at, reverse=True)  # ties by part, as kept_items orders them
    return Page(
        items=tuple(it.value for it in chosen[offset : offset + limit]),
        total=len(chosen),
        limit=limit,
        offset=offset,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Parts:
    """What a refresh computed: per part its results (``found``) and kept listing items; ``replace``: the
    parts recomputed (None: all of them)."""

    version: int
    found: dict[str, Any]
    listing: list[aggregates.KeptItem]
    replace: set[str] | None
    since: int | None = None  # the version the parts kept were all current at (replace is not None)


def _stale(db: Database, name: str) -> tuple[int, set[tuple[str, str]] | None, dict[str, Any]]:
    """The current data version, the pairs written since the parts of view ``name`` were last all current
    (None: recompute all) and the parts kept with it (and, under ``_COMPLETE``, that version)."""
    with db.connect() as conn:
        version = aggregates.data_version(conn)
        parts = aggregates.kept_parts(conn, name)
        kept_at = parts.get(_COMPLETE)
        dirty = aggregates.changed_pairs(conn, kept_at) if isinstance(kept_at, int) else None
    return version, dirty, parts if dirty is not None else {}


def _pair_changes(changes: Changes, a: str, i: str) -> tuple[int, bool]:
    return changes.undated, any(s.actor == a and s.issue == i for s in changes.series)


def _changes_parts(
    db: Database, codebook: Codebook, name: str, *, whole: bool = False
) -> tuple[_Parts, ChangesOverview]:
    """What changed, recomputed for the parties and issues written since the view was kept (all of them
    when it was not, or with ``whole``) and the misattributed quotes when quotes were written."""
    from zopa.corroborate import corroborate, corroborate_db
    from zopa.store.tracking import document_sources

    version, dirty, kept = _stale(db, name)
    since = kept.pop(_COMPLETE, None)
    if whole:
        dirty, kept = None, {}
    found: dict[str, Any] = {}
    listing: list[aggregates.KeptItem] = []
    if dirty is None:
        every = corroborate_db(db, codebook=codebook)
        claims: dict[tuple[str, str], list[Any]] = {}
        for group in every.claims:
            claims.setdefault((group.actor, group.issue), []).append(group)
        for (a, i), its in sorted(claims.items()):
            part = track(replace(every, claims=tuple(its), quotes=(), conflicts=()), actor=a, issue=i)
            found[part_of(a, i)] = _pair_changes(part, a, i)
            listing += _listing(part)
        quoted = track(replace(every, claims=(), quotes=()))
    else:
        for a, i in sorted(dirty - {QUOTES_PAIR}):
            part = changes_from_db(db, codebook=codebook, actor=a, issue=i)
            found[part_of(a, i)] = _pair_changes(part, a, i)
            listing += _listing(part)
        quoted = None
        if QUOTES_PAIR in dirty:
            with db.connect() as conn:
                shared = sorted(aggregates.shared_quote_ids(conn))
            quotes = _newest_first(
                [
                    row
                    for start in range(0, len(shared), _IDS_PER_QUERY)
                    for row in _quotes(db, shared[start : start + _IDS_PER_QUERY])
                ]
            )
            quoted = track(corroborate((), quotes, lambda ids: document_sources(db, ids), codebook=codebook))
    if quoted is not None:
        found[QUOTES] = (0, False)
        listing += _listing(quoted)
    replace_parts = None if dirty is None else set(found) | {part_of(a, i) for a, i in dirty - {QUOTES_PAIR}}
    merged = {**kept, **found} if dirty is not None else found
    merged = {k: v for k, v in merged.items() if v[0] or v[1] or k == QUOTES}
    overview = ChangesOverview(
        undated=sum(v[0] for v in merged.values()),
        actors=tuple(sorted({k.split("\x01")[0] for k, v in merged.items() if v[1]})),
        issues=tuple(sorted({k.split("\x01")[1] for k, v in merged.items() if v[1]})),
    )
    return _Parts(version=version, found=found, listing=listing, replace=replace_parts, since=since), overview


def _quotes(db: Database, ids: list[int]) -> list[Any]:
    from zopa.store.queries import EvidenceFilter, listing
    from zopa.store.rows import QuoteRow

    where = EvidenceFilter(ids=tuple(ids), include_duplicates=True)
    return list(listing(db, QuoteRow, where).items) if ids else []


def _newest_first(rows: list[Any]) -> list[Any]:
    """Quotes in the order every listing gives them (newest document first, then by place in it)."""
    rows.sort(key=lambda r: (r.start, r.id))
    rows.sort(key=lambda r: r.document, reverse=True)
    rows.sort(key=lambda r: (r.published is not None, r.published or datetime.min), reverse=True)
    return rows


def changes_parts(db: Database, read: Reading, *, whole: bool = False) -> tuple[_Parts, ChangesOverview]:
    """What changed for the data as it is now: the parts written since the view was kept (every part when
    it was not, or with ``whole``) and the overview of all of them."""
    return _changes_parts(db, read.load(), changes_name(read), whole=whole)


def changes_page(
    db: Database,
    read: Reading,
    *,
    actor: str | None = None,
    issue: str | None = None,
    since: date | None = None,
    limit: int = 25,
    offset: int = 0,
    compute: Callable[[], tuple[_Parts, ChangesOverview]] | None = None,
) -> ChangesPage:
    """One page of what changed, from the kept view when it is current, else computed (``compute``, default
    :func:`changes_parts`) and kept."""
    name = changes_name(read)
    filters: dict[str, Any] = {
        "actor": actor,
        "issue": issue,
        "since": since,
        "limit": limit,
        "offset": offset,
    }
    found = _kept_page(db, name, filters)
    if found is not None:
        return found
    parts, overview = compute() if compute is not None else changes_parts(db, read)
    kept = _keep(db, name, parts.version, overview, parts.listing, parts=parts.found, replace=parts.replace)
    listing = parts.listing
    if parts.replace is not None:  # the other parts are in the database only: read the page from there
        found = _kept_page(db, name, filters) if kept else None
        if found is not None:
            return found
        with db.connect() as conn:  # not kept (a read-only database): the other parts' items, and these
            unchanged = aggregates.kept_parts(conn, name).get(_COMPLETE) == parts.since
            kept_items = aggregates.kept_listing(conn, name, leave_out=parts.replace) if unchanged else None
        if kept_items is None:  # refreshed meanwhile by another process: all of it
            parts, overview = changes_parts(db, read, whole=True)
            kept_items = []
        listing = kept_items + parts.listing
    return ChangesPage(
        overview=overview,
        shifts=_page(listing, "shift", **filters),
        contradictions=_page(listing, "contradiction", **filters),
    )


def _kept_page(db: Database, name: str, filters: dict[str, Any]) -> ChangesPage | None:
    with db.connect() as conn:
        hit, overview = aggregates.kept_view(conn, name)
        if not hit:
            return None
        pages = {}
        for kind in ("shift", "contradiction"):
            values, total = aggregates.kept_items(conn, name, kind, **filters)
            pages[kind] = Page(
                items=tuple(values), total=total, limit=filters["limit"], offset=filters["offset"]
            )
    return ChangesPage(overview=overview, shifts=pages["shift"], contradictions=pages["contradiction"])


# --- the negotiation -------------------------------------------------------------------------------------


def negotiation(db: Database, read: Reading, options: AnalysisOptions | None = None) -> NegotiationView:
    """The negotiation's answers (no plan, no scenario): kept for the default options, computed otherwise."""
    from zopa.negotiation.view import negotiation_answers

    opts = options or AnalysisOptions()
    name = negotiation_name(read, opts)
    with db.connect() as conn:
        hit, view = aggregates.kept_view(conn, name)
    if hit:
        return view  # type: ignore[no-any-return]
    if opts != AnalysisOptions():
        return negotiation_answers(db, read.load(), options=opts)
    parts, view = _negotiation_parts(db, read.load(), name)
    _keep(db, name, parts.version, view, [], parts=parts.found, replace=parts.replace)
    return view


def _negotiation_parts(db: Database, codebook: Codebook, name: str) -> tuple[_Parts, NegotiationView]:
    """The default negotiation view, each party and issue's independent sources (the corroboration of its
    claims) recomputed only when written since the view was kept."""
    from zopa.corroborate import independent_sources
    from zopa.negotiation.evidence import load_statements
    from zopa.negotiation.view import negotiation_answers

    version, dirty, kept = _stale(db, name)
    kept.pop(_COMPLETE, None)
    statements = load_statements(db)
    by_part: dict[str, list[Any]] = {}
    for row in statements:
        by_part.setdefault(part_of(row.position.actor, row.position.issue), []).append(row)
    redo = {
        part
        for part in by_part
        if dirty is None or part not in kept or tuple(part.split("\x01")) in dirty
    }
    if dirty is None:  # all of them in one corroboration (each party and issue's claims on their own)
        every = independent_sources(db, statements)
        found = {part: {r.id: every[r.id] for r in rows if r.id in every} for part, rows in by_part.items()}
    else:
        found = {part: independent_sources(db, by_part[part]) for part in sorted(redo)}
    sources: dict[int, str] = {}
    for part in by_part:
        sources.update(found[part] if part in found else kept[part])
    view = negotiation_answers(db, codebook, statements=statements, sources=sources)
    replaced = None if dirty is None else redo | (set(kept) - set(by_part))
    return _Parts(version=version, found=found, listing=[], replace=replaced), view


def kept_summary(db: Database, read: Reading) -> AnswerSummary | None:
    """The answer summary of the kept negotiation view when it is current (what ``zopa analyze`` prints
    after its refresh, without computing it twice), else None."""
    with db.connect() as conn:
        hit, view = aggregates.kept_view(conn, negotiation_name(read, AnalysisOptions()))
    return view.summary if hit else None  # type: ignore[no-any-return]


def actor_names(db: Database, read: Reading) -> dict[str, str]:
    """The codebook's actor names by id (what the negotiation page labels parties with), kept so the page
    needs no parse of the codebook."""
    name = f"names:{__version__}:{read.key}"
    with db.connect() as conn:
        hit, names = aggregates.kept_view(conn, name)
        version = aggregates.data_version(conn)
    if hit:
        return names  # type: ignore[no-any-return]
    names = {a.id: a.name for a in read.load().actors}
    _keep(db, name, version, names, [])
    return names  # type: ignore[no-any-return]


# --- after each write ------------------------------------------------------------------------------------


def refresh(db: Database, codebook: Codebook | None = None) -> None:
    """Compute and keep every view for the data as it is now (the end of an ingest or analysis), read as
    the dashboard reads this database by default (:func:`reading`; ``codebook``: the one just used, which
    saves parsing it again when it is that one). Only the parts written since a view was kept are
    recomputed (the module docstring). SQLite's planner statistics are gathered again when the articles
    have doubled (:func:`zopa.store.aggregates.statistics_due`)."""
    with db.connect() as conn:
        due = aggregates.statistics_due(conn)
    if due:
        with db.transaction() as conn:
            aggregates.gather_statistics(conn)
    try:
        read = reading(db)
        if codebook is not None and read.key == _hash(codebook):
            read = reading_of(codebook)
        name = changes_name(read)
        if not _current(db, name):
            parts, overview = changes_parts(db, read)
            _keep(db, name, parts.version, overview, parts.listing, parts=parts.found, replace=parts.replace)
        name = negotiation_name(read, AnalysisOptions())
        if not _current(db, name):
            negotiation(db, read)
        actor_names(db, read)
    except CodebookError:  # the dashboard cannot read this database either until given a codebook
        return


def _current(db: Database, name: str) -> bool:
    with db.connect() as conn:
        return aggregates.kept_view(conn, name)[0]


__all__ = [
    "ChangesOverview",
    "ChangesPage",
    "Reading",
    "actor_names",
    "changes_name",
    "changes_page",
    "changes_parts",
    "negotiation",
    "negotiation_name",
    "part_of",
    "reading",
    "reading_of",
    "refresh",
]
