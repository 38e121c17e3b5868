"""Positions over time: each party's stated points on each issue as a dated series, the moves between them
(shifts), and statements that cannot both hold (contradictions).

Read from :mod:`zopa.corroborate`: each independent source of a claim is one **report**, dated by its earliest
carrier; its copies are not reports of their own (a wire sentence republished a month later is not a new
statement). Undated reports stay out of the series (``Changes.undated`` counts them).

**Shifts**, per party and issue, reports in date order (ties: by article and place in it):

* ``point``: a valued demand, offer, acceptance or statement at least ``threshold`` points from the party's
  previous valued one;
* ``red-line-drawn``: a red-line statement while no red line of the party holds on the issue;
* ``red-line-dropped``: while a red line holds, a statement it forbids: after a red-line rejection of *v*, an
  acceptance, offer or conditional offer of *v* (within ``tolerance``; unvalued after unvalued); after a red
  line at *v* on the party's own side of the scale, a valued position at least ``threshold`` points past *v*
  towards the other side; after an unvalued positive red line, an unvalued rejection;
* ``conditional-offer``: a conditional offer (or one conditional on another issue) not made before;
* ``stance-turned``: a rejection followed by an acceptance or offer of the same point, or the reverse (both
  unvalued, or within ``tolerance``).

Each shift carries the sentence before and the sentence after (:class:`Citation`).

**Contradictions**: per party and issue, two reports of different claims at most ``window_days`` apart
that cannot both hold: valued positions more than ``contradiction_gap`` points apart (a demand at 100 and an
acceptance of 50 a week apart), or a rejection and an acceptance or offer of the same point. Per pair of
claims the closest pair of reports is shown. A move inside the window is a shift *and* a contradiction: too
soon to tell a change of mind from sources that disagree. Also: a quote attributed to two speakers
(:class:`zopa.corroborate.QuoteConflict`).

The negotiation's ``timeline`` (:mod:`zopa.negotiation.timeline`) answers another question: where the
builder's time-decayed *estimate* stood after each date. Shifts compare the statements themselves.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from zopa.corroborate import Carrier, ClaimGroup, CorroborateOptions, Corroboration, corroborate_db
from zopa.errors import ModelInputError
from zopa.negotiation.build import POSITION_STANCES
from zopa.records import _Record

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.store.db import Database

SHIFT_KINDS = ("point", "red-line-drawn", "red-line-dropped", "conditional-offer", "stance-turned")
CONTRADICTION_KINDS = ("positions", "stances", "speaker")
_POSITIVE = frozenset({"accept", "offer", "conditional"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ShiftOptions:
    threshold: float = 10.0  # points a stated position must move to be a shift
    tolerance: float = 10.0  # points within which two values are "the same point"
    contradiction_gap: float = 25.0  # points apart that two positions contradict each other
    window_days: int = 14  # how far apart two reports may be to contradict each other

    def __post_init__(self) -> None:
        if self.threshold <= 0 or self.tolerance < 0 or self.contradiction_gap < 0 or self.window_days < 0:
            raise ModelInputError(
                "threshold must be > 0; tolerance, contradiction_gap and window_days must not be negative"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Citation(_Record):
    """One statement or quote with its article: what a shift or contradiction shows."""

    kind: str  # position | quote
    item: int
    document: int
    title: str
    outlet: str | None
    published: datetime | None
    start: int
    end: int
    text: str  # the sentence, or the quoted words
    speaker: str | None
    stance: str | None = None
    value: float | None = None
    red_line: bool = False
    conditional_on: str | None = None
    claim: str | None = None  # its claim group
    sources: int = 1  # independent sources of its claim (or quote)
    copies: int = 0  # other articles that carry the same source

    @property
    def day(self) -> date | None:
        return self.published.date() if self.published is not None else None

    @property
    def ref(self) -> str:
        return f"{self.document}:{self.start}:{self.end}"

    def cite(self) -> str:
        """``doc 3 (Reuters, 2025-12-17) [120:240]``"""
        when = self.day.isoformat() if self.day else ""
        meta = ", ".join(x for x in (self.outlet or self.title, when) if x)
        return f"doc {self.document} ({meta}) [{self.start}:{self.end}]"

    def point(self) -> str:
        parts = [self.stance or "", f"{self.value:g}" if self.value is not None else ""]
        if self.conditional_on:
            parts.append(f"if {self.conditional_on}")
        if self.red_line:
            parts.append("(red line)")
        return " ".join(p for p in parts if p)


def _cite(carriers: list[Carrier], group: ClaimGroup | None = None) -> Citation:
    """The first carrier of a source (a claim's, or a quote's when ``group`` is None), citing its copies."""
    rep = carriers[0]
    return Citation(
        kind="position" if group is not None else "quote",
        item=rep.item,
        document=rep.document,
        title=rep.title,
        outlet=rep.outlet,
        published=rep.published,
        start=rep.start,
        end=rep.end,
        text=rep.text,
        speaker=rep.speaker,
        stance=rep.stance,
        value=rep.value,
        red_line=any(c.red_line for c in carriers),
        conditional_on=rep.conditional_on,
        claim=group.id if group is not None else None,
        sources=group.independent_sources if group is not None else 1,
        copies=len(carriers) - 1,
    )


def _key(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class Shift(_Record):
    actor: str
    issue: str
    change: str  # one of SHIFT_KINDS
    date: date
    before: Citation | None  # None for a first red line or conditional offer with nothing said before
    after: Citation
    delta: float | None  # points moved (point shifts)
    summary: str

    @property
    def key(self) -> str:
        """Identity of the change: the same two statements make the same shift."""
        before = self.before.ref if self.before else "-"
        return _key("shift", self.change, self.actor, self.issue, before, self.after.ref)


@dataclass(frozen=True, slots=True, kw_only=True)
class Contradiction(_Record):
    change: str  # one of CONTRADICTION_KINDS
    actor: str | None  # the party (None for a quote attributed to two speakers)
    issue: str | None
    first: Citation
    second: Citation
    days_apart: int | None
    summary: str

    @property
    def key(self) -> str:
        return _key("contradiction", self.change, self.actor, self.issue, self.first.ref, self.second.ref)


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionStep(_Record):
    date: date
    statement: Citation
    changes: tuple[str, ...]  # the shifts this statement made


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionSeries(_Record):
    actor: str
    issue: str
    steps: tuple[PositionStep, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Changes(_Record):
    """Every party's series, the shifts and the contradictions; ``undated`` counts the reports left out
    for want of a date."""

    series: tuple[PositionSeries, ...]
    shifts: tuple[Shift, ...]
    contradictions: tuple[Contradiction, ...]
    undated: int
    options: ShiftOptions = field(default_factory=ShiftOptions)

    def since(self, day: date | None) -> Changes:
        """Only the shifts dated ``day`` or later, and the contradictions whose later side is."""
        if day is None:
            return self

        def late(c: Contradiction) -> bool:
            days = [x.day for x in (c.first, c.second) if x.day is not None]
            return bool(days) and max(days) >= day

        return replace(
            self,
            shifts=tuple(s for s in self.shifts if s.date >= day),
            contradictions=tuple(c for c in self.contradictions if late(c)),
        )

    def touching(self, documents: Iterable[int]) -> Changes:
        """Only the shifts and contradictions with a statement from one of ``documents``."""
        docs = set(documents)
        return replace(
            self,
            shifts=tuple(
                s for s in self.shifts if s.after.document in docs or (s.before and s.before.document in docs)
            ),
            contradictions=tuple(
                c for c in self.contradictions if c.first.document in docs or c.second.document in docs
            ),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "options": {
                "threshold": self.options.threshold,
                "tolerance": self.options.tolerance,
                "contradiction_gap": self.options.contradiction_gap,
                "window_days": self.options.window_days,
            },
            "undated": self.undated,
            "shifts": [s.as_dict() for s in self.shifts],
            "contradictions": [c.as_dict() for c in self.contradictions],
            "series": [s.as_dict() for s in self.series],
        }


# --- the rules -------------------------------------------------------------------------------------------


def _polarity(stance: str | None) -> int:
    if stance == "reject":
        return -1
    return 1 if stance in _POSITIVE else 0


def _same_point(a: Citation, b: Citation, tolerance: float) -> bool:
    if a.value is None or b.value is None:
        return a.value is None and b.value is None
    return abs(a.value - b.value) <= tolerance


def _valued_position(c: Citation) -> bool:
    return c.value is not None and c.stance in POSITION_STANCES


def _breaks_red_line(line: Citation, s: Citation, o: ShiftOptions) -> bool:
    if s.red_line:
        return False
    if line.stance == "reject":
        return s.stance in _POSITIVE and _same_point(line, s, o.tolerance)
    if line.value is None:
        return s.value is None and s.stance == "reject"
    if s.value is None or s.stance not in POSITION_STANCES | _POSITIVE:
        return False
    own_end_high = line.value >= 50
    return s.value <= line.value - o.threshold if own_end_high else s.value >= line.value + o.threshold


class _Track:
    """One party's reports on one issue, in date order, and the shifts they make."""

    def __init__(self, actor: str, issue: str, options: ShiftOptions) -> None:
        self.actor, self.issue, self.o = actor, issue, options
        self.last: Citation | None = None
        self.last_valued: Citation | None = None
        self.last_polar: Citation | None = None
        self.red_line: Citation | None = None
        self.offers: set[tuple[str | None, float | None]] = set()

    def shift(self, change: str, before: Citation | None, after: Citation, summary: str) -> Shift:
        delta = None
        if change == "point" and before is not None and before.value is not None and after.value is not None:
            delta = round(after.value - before.value, 6)
        assert after.day is not None
        return Shift(
            actor=self.actor,
            issue=self.issue,
            change=change,
            date=after.day,
            before=before,
            after=after,
            delta=delta,
            summary=f"{self.actor} on {self.issue}: {summary}",
        )

    def step(self, s: Citation) -> list[Shift]:
        o = self.o
        out: list[Shift] = []
        if _valued_position(s):
            prev = self.last_valued
            if prev is not None and abs(s.value - prev.value) >= o.threshold:  # type: ignore[operator]
                out.append(self.shift("point", prev, s, f"{prev.point()} -> {s.point()}"))
            self.last_valued = s
        dropped = False
        if self.red_line is not None and _breaks_red_line(self.red_line, s, o):
            line = self.red_line
            what = f"red line {line.point()} dropped: {s.point()}"
            out.append(self.shift("red-line-dropped", line, s, what))
            self.red_line = None
            dropped = True
        if s.red_line:
            if self.red_line is None:
                out.append(self.shift("red-line-drawn", self.last, s, f"red line drawn: {s.point()}"))
            self.red_line = s
        if s.stance == "conditional" or s.conditional_on:
            offer = (s.conditional_on, None if s.value is None else round(s.value / max(o.tolerance, 1)))
            if offer not in self.offers:
                self.offers.add(offer)
                what = f"new conditional offer: {s.point()}"
                out.append(self.shift("conditional-offer", self.last, s, what))
        polar = _polarity(s.stance)
        if polar:
            prev = self.last_polar
            if (
                not dropped
                and prev is not None
                and _polarity(prev.stance) == -polar
                and _same_point(prev, s, o.tolerance)
            ):
                out.append(self.shift("stance-turned", prev, s, f"{prev.point()} -> {s.point()}"))
            self.last_polar = s
        self.last = s
        return out


def _contradiction(a: Citation, b: Citation, o: ShiftOptions) -> str | None:
    if _valued_position(a) and _valued_position(b) and abs(a.value - b.value) > o.contradiction_gap:  # type: ignore[operator]
        return "positions"
    pa, pb = _polarity(a.stance), _polarity(b.stance)
    if pa and pa == -pb and _same_point(a, b, o.tolerance):
        return "stances"
    return None


def _contradictions(actor: str, issue: str, reports: list[Citation], o: ShiftOptions) -> list[Contradiction]:
    best: dict[tuple[str, str], tuple[int, Citation, Citation, str]] = {}
    for x, a in enumerate(reports):
        for b in reports[x + 1 :]:
            apart = (b.day - a.day).days  # type: ignore[operator]
            if apart > o.window_days:
                break
            if a.claim == b.claim:
                continue
            change = _contradiction(a, b, o)
            if change is None:
                continue
            pair = (a.claim or "", b.claim or "")
            pair = (min(pair), max(pair))
            if pair not in best or apart < best[pair][0]:
                best[pair] = (apart, a, b, change)
    out = []
    for apart, a, b, change in sorted(best.values(), key=lambda t: (t[2].published, t[1].published)):
        when = "the same day" if apart == 0 else f"{apart} day{'s' if apart != 1 else ''} apart"
        out.append(
            Contradiction(
                change=change,
                actor=actor,
                issue=issue,
                first=a,
                second=b,
                days_apart=apart,
                summary=f"{actor} on {issue}: {a.point()} and {b.point()}, {when}",
            )
        )
    return out


def track(
    corroboration: Corroboration,
    *,
    options: ShiftOptions | None = None,
    actor: str | None = None,
    issue: str | None = None,
) -> Changes:
    """Series, shifts and contradictions from the claim groups (only ``actor`` / ``issue`` when given)."""
    o = options or ShiftOptions()
    reports: dict[tuple[str, str], list[Citation]] = defaultdict(list)
    undated = 0
    for group in corroboration.claims:
        if (actor and group.actor != actor) or (issue and group.issue != issue):
            continue
        by_source: dict[int, list[Carrier]] = defaultdict(list)
        for c in group.carriers:
            by_source[c.source].append(c)
        for carriers in by_source.values():
            citation = _cite(carriers, group)
            if citation.published is None:
                undated += 1
            else:
                reports[(group.actor, group.issue)].append(citation)
    series, shifts, contradictions = [], [], []
    for (a, i), found in sorted(reports.items()):
        found.sort(key=lambda c: (c.published, c.document, c.start))
        state = _Track(a, i, o)
        steps = []
        for citation in found:
            moves = state.step(citation)
            shifts.extend(moves)
            steps.append(
                PositionStep(date=citation.day, statement=citation, changes=tuple(m.change for m in moves))  # type: ignore[arg-type]
            )
        series.append(PositionSeries(actor=a, issue=i, steps=tuple(steps)))
        contradictions.extend(_contradictions(a, i, found, o))
    if actor is None and issue is None:
        for conflict in corroboration.conflicts:
            first, second = _cite([conflict.first]), _cite([conflict.second])
            apart = (second.day - first.day).days if first.day and second.day else None
            contradictions.append(
                Contradiction(
                    change="speaker",
                    actor=None,
                    issue=None,
                    first=first,
                    second=second,
                    days_apart=apart,
                    summary=f'"{_short(first.text)}" attributed to {first.speaker} and to {second.speaker}',
                )
            )
    shifts.sort(key=lambda s: (s.date, s.actor, s.issue, s.after.document, s.after.start))
    return Changes(
        series=tuple(series),
        shifts=tuple(shifts),
        contradictions=tuple(contradictions),
        undated=undated,
        options=o,
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def changes_from_db(
    db: Database,
    *,
    codebook: Codebook | None = None,
    options: ShiftOptions | None = None,
    corroborate_options: CorroborateOptions | None = None,
    actor: str | None = None,
    issue: str | None = None,
) -> Changes:
    """:func:`track` over the stored evidence (``zopa shifts``, ``zopa contradictions``)."""
    found = corroborate_db(
        db,
        options=corroborate_options,
        codebook=codebook,
        actor=actor,
        issue=issue,
        quotes=actor is None and issue is None,
    )
    return track(found, options=options, actor=actor, issue=issue)


def changes_for_document(
    db: Database,
    document: int,
    *,
    codebook: Codebook | None = None,
    options: ShiftOptions | None = None,
    corroborate_options: CorroborateOptions | None = None,
) -> Changes:
    """The shifts and contradictions that involve a statement or quote of ``document`` (what a new article
    brings): computed over the stored evidence of each party and issue the document speaks to."""
    from zopa.corroborate import corroborate
    from zopa.store.queries import EvidenceFilter, listing
    from zopa.store.rows import PositionRow, QuoteRow
    from zopa.store.tracking import document_sources

    in_document = EvidenceFilter(document=document, include_duplicates=True)
    own = listing(db, PositionRow, in_document).items
    pairs = sorted({(p.actor, p.issue) for p in own})
    parts = [
        changes_from_db(
            db, codebook=codebook, options=options, corroborate_options=corroborate_options, actor=a, issue=i
        ).touching([document])
        for a, i in pairs
    ]
    own_quotes = listing(db, QuoteRow, in_document).items
    if own_quotes:
        # only stored quotes that share the longest word of one of the document's quotes can match it
        candidates = {q.id: q for q in own_quotes}
        for q in own_quotes:
            longest = max(re.findall(r"\w+", q.text), key=len, default="")
            if len(longest) >= 4:
                found = listing(db, QuoteRow, EvidenceFilter(search=longest, include_duplicates=True)).items
                candidates.update((c.id, c) for c in found)
        quoted = corroborate(
            (),
            sorted(candidates.values(), key=lambda q: q.id),
            lambda ids: document_sources(db, ids),
            options=corroborate_options,
            codebook=codebook,
        )
        parts.append(track(quoted, options=options).touching([document]))
    return Changes(
        series=tuple(x for part in parts for x in part.series),
        shifts=tuple(x for part in parts for x in part.shifts),
        contradictions=tuple(x for part in parts for x in part.contradictions),
        undated=sum(part.undated for part in parts),
        options=options or ShiftOptions(),
    )
