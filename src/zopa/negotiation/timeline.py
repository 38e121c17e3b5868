"""How each party's positions moved over time, by article date, with the statements that moved them.

For each party and issue, the statements are taken in order of publication; after each article date the
position is re-estimated from everything said up to that day, with the builder's rule and time decay
(``build.estimate_position``, reference date = that day). A point is marked ``moved`` when
the estimate first appears or shifts by at least ``move_threshold`` points; its statements are the ones that
moved it. A rejection without a scale value takes the value the builder gives it (what it rejects, in the
whole negotiation). Statements on the no-deal issue (threats, plans) are listed on their own track without
a position.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from zopa.codebook import Codebook
from zopa.negotiation.build import build_negotiation
from zopa.negotiation.estimators import decay_weight, estimate_position
from zopa.negotiation.evidence import EvidenceRef, StatementRow
from zopa.negotiation.records import BuildOptions
from zopa.records import _Record


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelinePoint(_Record):
    date: str | None  # ISO date of the articles; None for undated ones
    position: float | None  # the estimate after this date's statements
    previous: float | None
    moved: bool
    source: str | None  # evidence | inferred | None (no scale value yet)
    statements: tuple[EvidenceRef, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Track(_Record):
    actor: str
    issue: str
    no_deal: bool
    points: tuple[TimelinePoint, ...]

    @property
    def moves(self) -> int:
        return sum(p.moved for p in self.points)


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline(_Record):
    tracks: tuple[Track, ...]
    move_threshold: float
    half_life_days: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "move_threshold": self.move_threshold,
            "half_life_days": self.half_life_days,
            "tracks": [t.as_dict() for t in self.tracks],
        }


def build_timeline(
    rows: Iterable[StatementRow],
    codebook: Codebook,
    *,
    options: BuildOptions | None = None,
    actor: str | None = None,
    issue: str | None = None,
    move_threshold: float = 5.0,
) -> Timeline:
    """Every party's track on every issue (or only ``actor`` / ``issue``), oldest date first."""
    opts = options or BuildOptions()
    rows = list(rows)
    # Unvalued rejections get the value they reject from the whole negotiation (the builder's rule).
    resolved = build_negotiation(rows, codebook, options=opts).resolved_rejects
    rows = [
        replace(r, position=replace(r.position, value=resolved[r.id])) if r.id in resolved else r
        for r in rows
    ]
    issues = codebook.issue_by_id
    parties = {a.id for a in codebook.actors if a.is_party}
    pairs: dict[tuple[str, str], list[StatementRow]] = defaultdict(list)
    for row in rows:
        p = row.position
        if p.issue not in issues or p.actor not in parties:
            continue
        if (actor and p.actor != actor) or (issue and p.issue != issue):
            continue
        if opts.as_of is not None and row.day is not None and row.day > opts.as_of:
            continue
        pairs[(p.actor, p.issue)].append(row)
    actor_rank = {a.id: n for n, a in enumerate(codebook.actors)}
    issue_rank = {iss.id: n for n, iss in enumerate(codebook.issues)}
    tracks = []
    for (a, i), stmts in sorted(pairs.items(), key=lambda kv: (actor_rank[kv[0][0]], issue_rank[kv[0][1]])):
        tracks.append(_track(a, i, stmts, opts, move_threshold, no_deal=issues[i].no_deal))
    return Timeline(tracks=tuple(tracks), move_threshold=move_threshold, half_life_days=opts.half_life_days)


def _track(
    actor: str, issue: str, stmts: list[StatementRow], opts: BuildOptions, threshold: float, *, no_deal: bool
) -> Track:
    by_day: dict[date | None, list[StatementRow]] = defaultdict(list)
    for row in stmts:
        by_day[row.day].append(row)
    days = sorted(by_day, key=lambda d: (d is not None, d or date.min))
    dated = [d for d in days if d is not None]
    oldest = dated[0] if dated else None
    # Decay weights relative to the last day: re-basing them on an earlier day multiplies all of them by the
    # same factor, which leaves every weighted mean (and which statement is newest) unchanged.
    last = dated[-1] if dated else None
    weight = {id(r): decay_weight(r.day or oldest, last, opts.half_life_days) for r in stmts}
    weighted: list[tuple[StatementRow, float]] = []
    points = []
    previous: float | None = None
    for day in days:
        weighted.extend((r, weight[id(r)]) for r in by_day[day])
        ref_day = day or oldest
        est = None if no_deal else estimate_position(weighted, opts)
        value = round(est[0], 4) if est else None
        moved = value is not None and (previous is None or abs(value - previous) >= threshold)
        points.append(
            TimelinePoint(
                date=day.isoformat() if day else None,
                position=value,
                previous=previous,
                moved=moved,
                source=est[1] if est else None,
                statements=tuple(
                    EvidenceRef.from_row(r, decay_weight(r.day or oldest, ref_day, opts.half_life_days))
                    for r in by_day[day]
                ),
            )
        )
        previous = value if value is not None else previous
    return Track(actor=actor, issue=issue, no_deal=no_deal, points=tuple(points))
