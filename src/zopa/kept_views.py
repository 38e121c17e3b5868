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

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from zopa.errors import CodebookError, StorageError
from zopa.negotiation.analysis import AnalysisOptions
from zopa.records import _Record
from zopa.store import aggregates
from zopa.store.queries import Page

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.negotiation.view import NegotiationView
    from zopa.shifts import Changes, Contradiction, Shift
    from zopa.store.db import Database

_EPOCH = datetime(1900, 1, 1)


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


def changes_name(codebook: Codebook) -> str:
    return f"changes:{_hash(codebook)}"


def negotiation_name(codebook: Codebook, options: AnalysisOptions) -> str:
    settings = json.dumps(options.as_dict(), sort_keys=True, default=str)
    return f"negotiation:{_hash(codebook)}:{hashlib.sha256(settings.encode()).hexdigest()[:16]}"


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
    from zopa.shifts import changes_from_db

    version = _version(db)
    return version, changes_from_db(db, codebook=codebook)


def changes_page(
    db: Database,
    codebook: Codebook,
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
    name = changes_name(codebook)
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
    version, changes = compute() if compute is not None else computed_changes(db, codebook)
    listing = _listing(changes)
    _keep(db, name, version, _overview(changes), listing)
    return ChangesPage(
        overview=_overview(changes),
        shifts=_page(listing, "shift", **filters),
        contradictions=_page(listing, "contradiction", **filters),
    )


# --- the negotiation -------------------------------------------------------------------------------------


def negotiation(db: Database, codebook: Codebook, options: AnalysisOptions | None = None) -> NegotiationView:
    """The negotiation's answers (no plan, no scenario): kept for the default options, computed otherwise."""
    from zopa.negotiation.view import negotiation_answers

    opts = options or AnalysisOptions()
    name = negotiation_name(codebook, opts)
    with db.connect() as conn:
        hit, view = aggregates.kept_view(conn, name)
    if hit:
        return view  # type: ignore[no-any-return]
    version = _version(db)
    view = negotiation_answers(db, codebook, options=opts)
    if opts == AnalysisOptions():
        _keep(db, name, version, view, [])
    return view  # type: ignore[no-any-return]


# --- after each write ------------------------------------------------------------------------------------


def refresh(db: Database, codebook: Codebook | None = None) -> None:
    """Compute and keep every view for the data as it is now (the end of an ingest or analysis), read with
    ``codebook`` (default: the one the dashboard reads this database with)."""
    from zopa.negotiation.view import negotiation_answers
    from zopa.store.codebooks import codebook_for

    if codebook is None:
        try:
            codebook = codebook_for(db)[0]
        except CodebookError:  # the dashboard cannot read this database either until given a codebook
            return
    name = changes_name(codebook)
    if not _current(db, name):
        version, changes = computed_changes(db, codebook)
        _keep(db, name, version, _overview(changes), _listing(changes))
    options = AnalysisOptions()
    name = negotiation_name(codebook, options)
    if not _current(db, name):
        version = _version(db)
        _keep(db, name, version, negotiation_answers(db, codebook, options=options), [])


def _current(db: Database, name: str) -> bool:
    with db.connect() as conn:
        return aggregates.kept_view(conn, name)[0]


__all__ = [
    "ChangesOverview",
    "ChangesPage",
    "changes_name",
    "changes_page",
    "computed_changes",
    "negotiation",
    "negotiation_name",
    "refresh",
]
