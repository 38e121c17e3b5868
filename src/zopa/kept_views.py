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
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zopa import __version__
from zopa.errors import CodebookError, StorageError
from zopa.negotiation.analysis import AnalysisOptions
from zopa.records import _Record
from zopa.shifts import Changes, Contradiction, Shift, changes_from_db  # also what a kept page unpickles
from zopa.store import aggregates
from zopa.store.queries import Page

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.negotiation.summary import AnswerSummary
    from zopa.negotiation.view import NegotiationView
    from zopa.store.db import Database

_EPOCH = datetime(1900, 1, 1)


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


def _keep(db: Database, name: str, version: int, value: Any, listing: list[aggregates.KeptItem]) -> None:
    try:
        with db.transaction() as conn:
            aggregates.keep_view(conn, name, version, value, listing)
    except StorageError:  # a read-only database (a server without a token): computed per process instead
        pass


# --- what changed ----------------------------------------------------------------------------------------


def _shift_day(s: Shift) -> date:
    return s.date


def _contradiction_day(c: Contradiction) -> date | None:
    days = [x.day for x in (c.first, c.second) if x.day is not None]
    return max(days) if days else None


def _contradiction_at(c: Contradiction) -> datetime:
    return max(c.first.published or _EPOCH, c.second.published or _EPOCH)


def _overview(changes: Changes) -> ChangesOverview:
    return ChangesOverview(
        undated=changes.undated,
        actors=tuple(sorted({s.actor for s in changes.series})),
        issues=tuple(sorted({s.issue for s in changes.series})),
    )


def _listing(changes: Changes) -> list[aggregates.KeptItem]:
    shifts = [
        aggregates.KeptItem(
            kind="shift",
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
    chosen.sort(key=lambda it: it.sort_at, reverse=True)  # stable: ties keep the computed order
    return Page(
        items=tuple(it.value for it in chosen[offset : offset + limit]),
        total=len(chosen),
        limit=limit,
        offset=offset,
    )


def computed_changes(db: Database, codebook: Codebook) -> tuple[int, Changes]:
    """The data version, then what changed computed from the rows at that version."""
    version = _version(db)
    return version, changes_from_db(db, codebook=codebook)


def changes_page(
    db: Database,
    read: Reading,
    *,
    actor: str | None = None,
    issue: str | None = None,
    since: date | None = None,
    limit: int = 25,
    offset: int = 0,
    compute: Callable[[], tuple[int, Changes]] | None = None,
) -> ChangesPage:
    """One page of what changed, from the kept view when it is current, else computed (``compute``, default
    :func:`computed_changes`) and kept."""
    name = changes_name(read)
    filters: dict[str, Any] = {
        "actor": actor,
        "issue": issue,
        "since": since,
        "limit": limit,
        "offset": offset,
    }
    with db.connect() as conn:
        hit, overview = aggregates.kept_view(conn, name)
        if hit:
            pages = {}
            for kind in ("shift", "contradiction"):
                values, total = aggregates.kept_items(conn, name, kind, **filters)
                pages[kind] = Page(items=tuple(values), total=total, limit=limit, offset=offset)
            return ChangesPage(
                overview=overview, shifts=pages["shift"], contradictions=pages["contradiction"]
            )
    version, changes = compute() if compute is not None else computed_changes(db, read.load())
    listing = _listing(changes)
    _keep(db, name, version, _overview(changes), listing)
    return ChangesPage(
        overview=_overview(changes),
        shifts=_page(listing, "shift", **filters),
        contradictions=_page(listing, "contradiction", **filters),
    )


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
    version = _version(db)
    view = negotiation_answers(db, read.load(), options=opts)
    if opts == AnalysisOptions():
        _keep(db, name, version, view, [])
    return view  # type: ignore[no-any-return]


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
    saves parsing it again when it is that one)."""
    from zopa.negotiation.view import negotiation_answers

    try:
        read = reading(db)
        if codebook is not None and read.key == _hash(codebook):
            read = reading_of(codebook)
        name = changes_name(read)
        if not _current(db, name):
            version, changes = computed_changes(db, read.load())
            _keep(db, name, version, _overview(changes), _listing(changes))
        options = AnalysisOptions()
        name = negotiation_name(read, options)
        if not _current(db, name):
            version = _version(db)
            _keep(db, name, version, negotiation_answers(db, read.load(), options=options), [])
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
    "computed_changes",
    "negotiation",
    "negotiation_name",
    "reading",
    "reading_of",
    "refresh",
]
