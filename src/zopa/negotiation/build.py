"""From stored statements to a negotiation table, every value with its source.

``build_negotiation(rows, codebook, options=..., overrides=...)`` is a pure function of the statements
(:class:`~zopa.negotiation.evidence.StatementRow`), the codebook, the options and the analyst's overrides. It
returns a :class:`NegotiationModel`: the :class:`~zopa.models.table.Negotiation` every model reads, plus one
:class:`SourcedValue` per number (the evidence sentences, the codebook default or the override behind it),
the contradictions found, the conditional offers (linked issues) and a log of the overrides applied.

The rules (also in the README's "negotiation" section):

* **Time decay.** A statement published ``age`` days before the reference date (``as_of``, default the newest
  dated statement) weighs ``w = 0.5 ** (age / half_life_days)``; undated statements weigh as the oldest dated
  one. Statements after ``as_of`` are ignored.
* **Position** of party *a* on issue *i*: the decay-weighted mean (weights ``w * confidence``) of the scale
  values of its ``demand``, ``offer``, ``accept`` and ``statement`` positions. Without one, it is inferred: a
  ``reject`` of *v* (or a ``conditional`` offer of *v*) puts the party at the scale end furthest from *v*.
  When two valued statements differ by more than ``contradiction_gap`` points, or the party demands what it
  also rejects, the pair is reported as a :class:`Contradiction`, never silently averaged: the value's
  provenance points at it. ``contradiction_rule="latest"`` takes the newest statement instead of the mean.
* **Salience**: ``raw[a, i] = sum_k w_k * force_k`` over every statement of *a* on *i* (threats and plans on
  *i* included), with ``force = stance_force[stance] * (red_line_force if red_line else 1)``;
  ``salience[a, i] = raw[a, i] / max_j raw[a, j]`` (normalised per party: its most salient issue is 1).
* **Independent sources** (``sources``, from :mod:`zopa.corroborate`): statements that are copies of one
  source (one wire story in five outlets) share that source's weight, ``w * 1/copies``, in every value above;
  the value's provenance says how many independent sources stand behind it.
* **Capability**: the codebook's ``capability`` per party (CINC for states); a party without one gets the mean
  of the known ones (marked ``default``). Overridable.
* **Red lines** (ranges of acceptable outcomes): a red-line ``demand``/``offer``/``accept``/``statement``
  of *v* accepts from *v* to the party's own end of the scale; a ``reject`` of *v* (red line or not, unless
  ``reject_is_red_line=False``) accepts the side of the scale away from *v*, ``reject_margin`` points clear of
  it; a red-line statement without a value makes the party's position its limit. Several ranges intersect;
  an empty intersection is a contradiction and the newest range wins.
* **BATNA** (the outcome a party expects if talks fail): ``threat`` and ``plan`` statements. On a codebook
  issue marked ``no_deal``: a valued statement takes the nearest anchor's ``implies`` (issue -> outcome); an
  unvalued one (or an anchor without ``implies``) means the party expects to impose its own position on each
  issue in ``affects``. On an ordinary issue: the statement's value, else the party's position. Several
  candidates are decay-weighted. No statement: NaN, which models read as the status quo.
* **Conditional offers** (``conditional`` with ``conditional_on``) become :class:`LinkedOffer` records: the
  party would move to *v* on the issue if it gets its position on the linked issue.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

import numpy as np

from zopa.codebook import Codebook, Issue
from zopa.errors import InputError, ModelInputError
from zopa.listing import first
from zopa.models.table import IssueSpec, Negotiation, Uncertainty
from zopa.negotiation.evidence import EvidenceRef, StatementRow
from zopa.negotiation.overrides import Override, Overrides
from zopa.records import Position, _Record

log = logging.getLogger("zopa.negotiation")

POSITION_STANCES = frozenset({"demand", "offer", "accept", "statement"})
BATNA_STANCES = frozenset({"threat", "plan"})
FIELDS = ("position", "salience", "capability", "red_line", "batna")

Value = float | tuple[float, float] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildOptions:
    """How statements become numbers. Every rule is described in the module docstring and the README."""

    half_life_days: float = 30.0
    as_of: date | None = None  # reference date; default: the newest dated statement
    contradiction_gap: float = 25.0  # points on the 0-100 scale
    contradiction_rule: Literal["weighted", "latest"] = "weighted"
    red_line_force: float = 3.0
    stance_force: tuple[tuple[str, float], ...] = (("statement", 0.5),)  # others count 1
    reject_is_red_line: bool = True
    reject_margin: float = 5.0
    default_salience: float = 0.5  # for a position set only by an override
    include_unknown_actors: bool = False  # actors not in the codebook ("ner:..."), off by default
    # Monte Carlo spreads (table.uncertainty): position sd = max(floor, weighted sd of the stated values);
    # inferred positions get `inferred_sd`; salience sd is absolute, capability sd a share of the value.
    position_sd_floor: float = 5.0
    inferred_sd: float = 15.0
    salience_sd: float = 0.1
    capability_sd_share: float = 0.25

    def __post_init__(self) -> None:
        if not self.half_life_days > 0:
            raise ModelInputError(f"half_life_days must be > 0, not {self.half_life_days}")
        if self.contradiction_rule not in ("weighted", "latest"):
            raise ModelInputError(
                f"contradiction_rule must be 'weighted' or 'latest', not {self.contradiction_rule!r}"
            )
        if not 0 <= self.reject_margin < 50:
            raise ModelInputError(f"reject_margin must be in [0, 50), not {self.reject_margin}")

    def force(self, position: Position) -> float:
        base = dict(self.stance_force).get(position.stance, 1.0)
        return base * (self.red_line_force if position.red_line else 1.0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "half_life_days": self.half_life_days,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "contradiction_gap": self.contradiction_gap,
            "contradiction_rule": self.contradiction_rule,
            "red_line_force": self.red_line_force,
            "stance_force": dict(self.stance_force),
            "reject_is_red_line": self.reject_is_red_line,
            "reject_margin": self.reject_margin,
            "default_salience": self.default_salience,
            "include_unknown_actors": self.include_unknown_actors,
            "position_sd_floor": self.position_sd_floor,
            "inferred_sd": self.inferred_sd,
            "salience_sd": self.salience_sd,
            "capability_sd_share": self.capability_sd_share,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class SourcedValue(_Record):
    """One number of the table and where it came from."""

    actor: str
    issue: str | None  # None for per-party values (capability)
    field: str  # position | salience | capability | red_line | batna
    value: Value
    source: str  # evidence | inferred | codebook | default | override
    detail: str  # the rule or formula applied, the codebook field, or the override's reason
    # the statements behind the value with their time-decay weights; `evidence` turns them into references
    # dataclasses.field: the `field` attribute above shadows the imported name for type checkers
    support: tuple[tuple[StatementRow, float], ...] = dataclasses.field(default=(), repr=False, compare=False)
    replaced: Value = None  # for an override: the value the evidence gave
    flags: tuple[str, ...] = ()  # "contradiction", ...
    independent_sources: int | None = None  # distinct sources among `support`, when the build was given them

    @property
    def key(self) -> str:
        return f"{self.actor}/{self.issue or '*'}/{self.field}"

    @property
    def evidence(self) -> tuple[EvidenceRef, ...]:
        """The sentences behind the value (document, span, sentence, stance, value, decay weight)."""
        return tuple(EvidenceRef.from_row(r, w) for r, w in self.support)

    def describe(self) -> str:
        """The provenance line stored in ``Negotiation.provenance``."""
        if self.source in ("evidence", "inferred"):
            support, more = first(self.support, 3)
            cites = "; ".join(EvidenceRef.from_row(r, w).cite() for r, w in support)
            return f"{self.source}: {self.detail} [{cites}{f' ({more})' if more else ''}]"
        return f"{self.source}: {self.detail}"

    def as_dict(self) -> dict[str, Any]:
        plain = lambda v: list(v) if isinstance(v, tuple) else v  # noqa: E731
        return {
            "actor": self.actor,
            "issue": self.issue,
            "field": self.field,
            "value": plain(self.value),
            "source": self.source,
            "detail": self.detail,
            "evidence": [e.as_dict() for e in self.evidence],
            "replaced": plain(self.replaced),
            "flags": list(self.flags),
            "independent_sources": self.independent_sources,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Contradiction(_Record):
    actor: str
    issue: str
    kind: str  # positions | demand-and-reject | red-lines
    values: tuple[float, ...]
    evidence: tuple[EvidenceRef, ...]
    resolution: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkedOffer(_Record):
    """A conditional offer: ``actor`` accepts ``value`` on ``issue`` if it gets ``requires`` on the other."""

    actor: str
    issue: str
    value: float | None
    conditional_on: str
    requires: float | None  # the party's own position on the linked issue (what it wants in exchange)
    evidence: tuple[EvidenceRef, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AppliedOverride(_Record):
    override: Override
    replaced: Value
    value: Value


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class NegotiationModel:
    """The negotiation built from evidence: the table, each value's source, and what the builder noticed."""

    table: Negotiation
    values: dict[str, SourcedValue]  # key "actor/issue/field" ("actor/*/capability")
    contradictions: tuple[Contradiction, ...] = ()
    linked_offers: tuple[LinkedOffer, ...] = ()
    overrides: tuple[AppliedOverride, ...] = ()
    skipped: tuple[str, ...] = ()  # statements or issues left out, and why
    resolved_rejects: dict[int, float] = field(default_factory=dict)  # statement id -> the value it rejects
    statements_used: int = 0
    as_of: date | None = None
    options: BuildOptions = field(default_factory=BuildOptions)
    codebook_name: str = ""

    def value(self, actor: str, issue: str | None, field_name: str) -> SourcedValue | None:
        return self.values.get(f"{actor}/{issue or '*'}/{field_name}")

    def modeled(self) -> Negotiation:
        """The table the models run on: issues with at least two parties, parties on at least one of them."""
        return modeled_table(self.table)

    def as_dict(self) -> dict[str, Any]:
        t = self.table
        parties = []
        for a, actor in enumerate(t.actors):
            issues = {}
            for i, spec in enumerate(t.issues):
                if math.isnan(t.position[a, i]) and self.value(actor, spec.id, "batna") is None:
                    continue
                issues[spec.id] = {
                    f: self.values[k].as_dict()
                    for f in FIELDS
                    if (k := f"{actor}/{spec.id}/{f}") in self.values
                }
            cap = self.value(actor, None, "capability")
            parties.append({"actor": actor, "capability": cap.as_dict() if cap else None, "issues": issues})
        return {
            "name": t.name,
            "codebook": self.codebook_name,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "options": self.options.as_dict(),
            "statements_used": self.statements_used,
            "actors": list(t.actors),
            "issues": [
                {
                    "id": s.id,
                    "label": s.label,
                    "status_quo": s.status_quo,
                    "anchors": {str(k): v for k, v in s.anchors.items()},
                }
                for s in t.issues
            ],
            "modeled_issues": list(self.modeled().issue_ids) if _has_model(t) else [],
            "parties": parties,
            "contradictions": [c.as_dict() for c in self.contradictions],
            "linked_offers": [o.as_dict() for o in self.linked_offers],
            "overrides": [o.as_dict() for o in self.overrides],
            "skipped": list(self.skipped),
        }


def _has_model(t: Negotiation) -> bool:
    return bool((t.involved().sum(axis=0) >= 2).any())


def modeled_table(table: Negotiation) -> Negotiation:
    """Keep the issues with two or more parties and the parties on one of them; validate."""
    inv = table.involved()
    keep_i = np.flatnonzero(inv.sum(axis=0) >= 2)
    if keep_i.size == 0:
        raise ModelInputError(
            f"{table.name}: no issue has positions of two or more parties; nothing to model"
        )
    keep_a = np.flatnonzero(inv[:, keep_i].any(axis=1))

    def sub(arr: np.ndarray) -> np.ndarray:
        return arr[np.ix_(keep_a, keep_i)]

    actors = tuple(table.actors[a] for a in keep_a)
    issues = tuple(table.issues[i] for i in keep_i)
    keys = {f"{a}/{s.id}/" for a in actors for s in issues} | {f"{a}/*/" for a in actors}
    prov = {k: v for k, v in table.provenance.items() if k[: k.rfind("/") + 1] in keys}
    cap = table.capability[keep_a] if table.capability.ndim == 1 else sub(table.capability)
    return replace(
        table,
        actors=actors,
        issues=issues,
        position=sub(table.position),
        salience=sub(table.salience),
        capability=cap,
        red_line=None if table.red_line is None else table.red_line[np.ix_(keep_a, keep_i)],
        batna=None if table.batna is None else sub(table.batna),
        risk=None if table.risk is None else table.risk[keep_a],
        uncertainty=_sub_uncertainty(table.uncertainty, keep_a, keep_i),
        provenance=prov,
    ).validate()


def _sub_uncertainty(u: Uncertainty | None, keep_a: np.ndarray, keep_i: np.ndarray) -> Uncertainty | None:
    if u is None:
        return None
    grid = np.ix_(keep_a, keep_i)
    return Uncertainty(
        position_sd=None if u.position_sd is None else u.position_sd[grid],
        salience_sd=None if u.salience_sd is None else u.salience_sd[grid],
        capability_sd=None if u.capability_sd is None else u.capability_sd[keep_a],
        position_range=None if u.position_range is None else u.position_range[grid],
        salience_range=None if u.salience_range is None else u.salience_range[grid],
        capability_range=None if u.capability_range is None else u.capability_range[keep_a],
    )


# Building


def build_negotiation(
    rows: Iterable[StatementRow],
    codebook: Codebook,
    *,
    options: BuildOptions | None = None,
    overrides: Overrides | None = None,
    name: str | None = None,
    sources: Mapping[int, str] | None = None,
) -> NegotiationModel:
    """Build the negotiation table from statements; see the module docstring for every rule.

    ``sources`` (statement id -> its independent source, :func:`zopa.corroborate.independent_sources`):
    statements that share a source (copies of one wire story) share one statement's weight, and each value's
    provenance says how many independent sources stand behind it."""
    opts = options or BuildOptions()
    rows = list(rows)
    skipped: list[str] = []
    issues_by_id = codebook.issue_by_id
    parties = {a.id for a in codebook.actors if a.is_party}

    usable: list[StatementRow] = []
    for row in map(_rejection_scale_point, rows):
        p = row.position
        if p.issue not in issues_by_id:
            skipped.append(f"statement {row.id}: issue {p.issue!r} is not in the codebook")
        elif p.actor not in parties and not (
            opts.include_unknown_actors and p.actor not in codebook.actor_by_id
        ):
            skipped.append(
                f"statement {row.id}: actor {p.actor!r} is not a negotiating party in the codebook"
            )
        elif p.value is not None and not 0 <= p.value <= 100:
            skipped.append(f"statement {row.id}: value {p.value} is off the 0-100 scale")
        else:
            usable.append(row)

    dated = [r.day for r in usable if r.day is not None]
    as_of = opts.as_of or (max(dated) if dated else None)
    if as_of is not None and opts.as_of is not None:
        late = [r for r in usable if r.day is not None and r.day > as_of]
        usable = [r for r in usable if r.day is None or r.day <= as_of]
        if late:
            skipped.append(f"{len(late)} statements published after {as_of.isoformat()} (as_of)")
    oldest = min((r.day for r in usable if r.day is not None), default=as_of)

    weight_of_day: dict[date | None, float] = {}

    def decay(row: StatementRow) -> float:
        day = row.day or oldest
        if day not in weight_of_day:
            weight_of_day[day] = decay_weight(day, as_of, opts.half_life_days)
        return weight_of_day[day]

    share = _source_shares(usable, sources)
    # Group by party and issue (no-deal issues feed BATNAs, never positions).
    by_pair: dict[tuple[str, str], list[tuple[StatementRow, float]]] = defaultdict(list)
    for row in usable:
        weight = decay(row) * share.get(row.id or -1, 1.0)  # copies of one source share its weight
        by_pair[(row.position.actor, row.position.issue)].append((row, weight))

    actor_order = [a.id for a in codebook.actors if a.id in {k[0] for k in by_pair}]
    actor_order += sorted({k[0] for k in by_pair} - set(actor_order))
    table_issues = [iss for iss in codebook.issues if not iss.no_deal]

    b = _Builder(opts, codebook, skipped, sources)
    for (actor, issue), stmts in by_pair.items():
        if not issues_by_id[issue].no_deal:
            b.position(actor, issue, stmts)
    # A rejection without a scale value rejects what another party put on the table (two passes: parties
    # without a position of their own first, so the others can be measured against them).
    for has_position in (False, True):
        changed = _resolve_unvalued_rejects(by_pair, b, opts, issues_by_id, has_position=has_position)
        for actor, issue in changed:
            if (actor, issue, "position") not in b.values:
                b.position(actor, issue, by_pair[(actor, issue)])
    for (actor, issue), stmts in by_pair.items():
        if not issues_by_id[issue].no_deal:
            b.red_lines(actor, issue, stmts)
        b.batna(actor, issues_by_id[issue], stmts)
        b.salience_raw(actor, issue, stmts)
    for (actor, issue), stmts in by_pair.items():
        b.linked(actor, issue, stmts)
    b.capabilities(actor_order)
    b.normalise_salience()

    applied = _apply_overrides(b, overrides, codebook, actor_order)
    for ov in applied:
        if ov.override.actor not in actor_order:
            actor_order.append(ov.override.actor)

    involved_issues = {k[1] for k in b.values if k[2] == "position"}
    issues = [iss for iss in table_issues if iss.id in involved_issues]
    stated_issues = {r.position.issue for r in usable}
    for iss in table_issues:
        if iss.id in stated_issues and iss.id not in involved_issues:
            skipped.append(f"issue {iss.id!r}: statements but no scale value for any party")
    table = _assemble(b, codebook, actor_order, issues, name or codebook.name, as_of)
    return NegotiationModel(
        table=table,
        values={v.key: v for v in b.values.values()},
        contradictions=tuple(b.contradictions),
        linked_offers=tuple(b.linked_offers),
        overrides=tuple(applied),
        skipped=tuple(skipped),
        statements_used=len(usable),
        resolved_rejects=dict(b.resolved_rejects),
        as_of=as_of,
        options=opts,
        codebook_name=codebook.name,
    )


def _resolve_unvalued_rejects(
    by_pair: dict[tuple[str, str], list[tuple[StatementRow, float]]],
    b: _Builder,
    opts: BuildOptions,
    issues: dict[str, Issue],
    *,
    has_position: bool,
) -> list[tuple[str, str]]:
    """Give unvalued rejections the value they reject; returns the (party, issue) pairs changed.

    A party without a position of its own rejects the newest valued demand/offer/statement of another party on
    the issue; a party with a position rejects the other party's position furthest from its own, when that is
    more than ``contradiction_gap`` away (otherwise the rejection says nothing about the scale).
    """
    changed = []
    for (actor, issue), stmts in by_pair.items():
        if issues[issue].no_deal or not any(
            r.position.stance == "reject" and r.position.value is None for r, _ in stmts
        ):
            continue
        own = b.pos(actor, issue)
        if math.isnan(own) != (not has_position):
            continue
        target: float | None = None
        if math.isnan(own):
            offers = [
                (r, w)
                for (other, iss), other_stmts in by_pair.items()
                if iss == issue and other != actor
                for r, w in other_stmts
                if r.position.stance in POSITION_STANCES and r.position.value is not None
            ]
            if offers:
                target = float(_newest(offers)[0].position.value)  # type: ignore[arg-type]
        else:
            others = [b.pos(other, iss) for (other, iss) in by_pair if iss == issue and other != actor]
            far = [v for v in others if not math.isnan(v) and abs(v - own) > opts.contradiction_gap]
            if far:
                target = max(far, key=lambda v: abs(v - own))
        if target is None:
            continue
        for r, _ in stmts:
            if r.position.stance == "reject" and r.position.value is None and r.id is not None:
                b.resolved_rejects[r.id] = target
        by_pair[(actor, issue)] = [
            (replace(r, position=replace(r.position, value=target)), w)
            if r.position.stance == "reject" and r.position.value is None
            else (r, w)
            for r, w in stmts
        ]
        changed.append((actor, issue))
    return changed


def _rejection_scale_point(row: StatementRow) -> StatementRow:
    """Within the build a rejection's ``value`` is the point it turns down: extraction records that point
    as ``rejected_value`` (and, in ``value``, the holder's own implied point, which the far-end inference
    below derives again)."""
    p = row.position
    if p.stance == "reject" and p.rejected_value is not None:
        return replace(row, position=replace(p, value=p.rejected_value))
    return row


def _newest(stmts: Sequence[tuple[StatementRow, float]]) -> tuple[StatementRow, float]:
    return max(stmts, key=lambda s: (s[1], s[0].id or 0))


def _source_shares(rows: Sequence[StatementRow], sources: Mapping[int, str] | None) -> dict[int, float]:
    """Statement id -> its share of one source's weight: 1 / the statements that carry that source."""
    if not sources:
        return {}
    keyed = {r.id: sources[r.id] for r in rows if r.id is not None and r.id in sources}
    counts = Counter(keyed.values())
    return {i: 1.0 / counts[key] for i, key in keyed.items()}


def _sources_note(independent: int, statements: int) -> str:
    plural = "s" if independent != 1 else ""
    if independent == statements:
        return f"; {independent} independent source{plural}"
    return (
        f"; {independent} independent source{plural} in {statements} statements "
        "(copies of one source share one source's weight)"
    )


def decay_weight(day: date | None, as_of: date | None, half_life_days: float) -> float:
    """``0.5 ** (age_days / half_life_days)``; 1 when either date is unknown, never above 1."""
    if as_of is None or day is None:
        return 1.0
    return float(0.5 ** (max((as_of - day).days, 0) / half_life_days))


def estimate_position(
    stmts: Sequence[tuple[StatementRow, float]], opts: BuildOptions
) -> tuple[float, str, str, list[tuple[StatementRow, float]]] | None:
    """A party's position on one issue from its (statement, decay weight) pairs, by the module's rules.

    Returns ``(value, source, rule, statements used)`` (source ``evidence`` or ``inferred``), or None when no
    statement carries a scale value.
    """
    valued = [
        (r, w) for r, w in stmts if r.position.stance in POSITION_STANCES and r.position.value is not None
    ]
    if valued:
        vals = [float(r.position.value) for r, _ in valued]  # type: ignore[arg-type]
        if opts.contradiction_rule == "latest" and max(vals) - min(vals) > opts.contradiction_gap:
            newest = _newest(valued)
            return float(newest[0].position.value), "evidence", "newest of contradictory statements", valued  # type: ignore[arg-type]
        ws = [w * r.position.confidence for r, w in valued]
        total = sum(ws)
        value = (
            sum(v * w for v, w in zip(vals, ws, strict=True)) / total if total > 0 else float(np.mean(vals))
        )
        rule = f"time-decayed mean of {len(valued)} stated value(s), half-life {opts.half_life_days:g} d"
        return value, "evidence", rule, valued
    inferring = [
        (r, w)
        for r, w in stmts
        if r.position.stance in ("reject", "conditional")
        and r.position.value is not None
        and r.position.value != 50
    ]
    if not inferring:
        return None
    row, w = _newest(inferring)
    v = float(row.position.value)  # type: ignore[arg-type]
    verb = "rejects" if row.position.stance == "reject" else "offers to concede to"
    rule = f"no stated position; the party {verb} {v:g}, so it holds the far end of the scale"
    return (0.0 if v > 50 else 100.0), "inferred", rule, [(row, w)]


class _Builder:
    def __init__(
        self, opts: BuildOptions, codebook: Codebook, skipped: list[str], sources: Mapping[int, str] | None
    ) -> None:
        self.o = opts
        self.sources = sources
        self.codebook = codebook
        self.skipped = skipped
        self.values: dict[tuple[str, str | None, str], SourcedValue] = {}
        self.raw_salience: dict[tuple[str, str], tuple[float, tuple[tuple[StatementRow, float], ...]]] = {}
        self.contradictions: list[Contradiction] = []
        self.linked_offers: list[LinkedOffer] = []
        self._batna_candidates: dict[tuple[str, str], list[tuple[float, StatementRow, float, str]]] = {}
        self.position_sd: dict[tuple[str, str], float] = {}
        self.resolved_rejects: dict[int, float] = {}
        self._ref_cache: dict[int, EvidenceRef] = {}

    def refs(self, stmts: Sequence[tuple[StatementRow, float]]) -> tuple[EvidenceRef, ...]:
        """One :class:`EvidenceRef` per statement (weight = its time-decay weight), made once and shared."""
        out = []
        for r, w in stmts:
            ref = self._ref_cache.get(id(r))
            if ref is None:
                ref = self._ref_cache[id(r)] = EvidenceRef.from_row(r, w)
            out.append(ref)
        return tuple(out)

    def put(
        self,
        actor: str,
        issue: str | None,
        field_name: str,
        value: Value,
        source: str,
        detail: str,
        support: Sequence[tuple[StatementRow, float]] = (),
        flags: tuple[str, ...] = (),
    ) -> None:
        independent = None
        if self.sources is not None and support:
            independent = len({self.sources.get(r.id or -1, f"row {id(r)}") for r, _ in support})
            detail += _sources_note(independent, len(support))
        self.values[(actor, issue, field_name)] = SourcedValue(
            actor=actor,
            issue=issue,
            field=field_name,
            value=value,
            source=source,
            detail=detail,
            support=tuple(support),
            flags=flags,
            independent_sources=independent,
        )

    def pos(self, actor: str, issue: str) -> float:
        v = self.values.get((actor, issue, "position"))
        return float(v.value) if v is not None and isinstance(v.value, float) else math.nan

    # position
    def position(self, actor: str, issue: str, stmts: list[tuple[StatementRow, float]]) -> None:
        est = estimate_position(stmts, self.o)
        if est is None:
            return
        value, source, detail, used = est
        flags: tuple[str, ...] = ()
        self.position_sd[(actor, issue)] = self.o.inferred_sd
        if source == "evidence":
            vals = [float(r.position.value) for r, _ in used]  # type: ignore[arg-type]
            ws = np.array([w * r.position.confidence for r, w in used])
            spread = (
                float(np.sqrt(np.average((np.array(vals) - value) ** 2, weights=ws))) if ws.sum() > 0 else 0.0
            )
            self.position_sd[(actor, issue)] = max(self.o.position_sd_floor, spread)
            if max(vals) - min(vals) > self.o.contradiction_gap:
                lo, hi = used[int(np.argmin(vals))], used[int(np.argmax(vals))]
                resolution = (
                    f"took the newest statement ({value:g})"
                    if self.o.contradiction_rule == "latest"
                    else "time-decayed mean, flagged"
                )
                self.contradictions.append(
                    Contradiction(
                        actor=actor,
                        issue=issue,
                        kind="positions",
                        values=(vals[used.index(lo)], vals[used.index(hi)]),
                        evidence=self.refs([lo, hi]),
                        resolution=resolution,
                    )
                )
                flags = ("contradiction",)
            rejected = [
                (r, w)
                for r, w in stmts
                if r.position.stance == "reject"
                and r.position.value is not None
                and abs(float(r.position.value) - value) < self.o.reject_margin
            ]
            if rejected:
                pair = [_newest(used), _newest(rejected)]
                self.contradictions.append(
                    Contradiction(
                        actor=actor,
                        issue=issue,
                        kind="demand-and-reject",
                        values=tuple(float(r.position.value) for r, _ in pair),  # type: ignore[arg-type]
                        evidence=self.refs(pair),
                        resolution="position kept from the positive statements, flagged",
                    )
                )
                flags = ("contradiction",)
        self.put(actor, issue, "position", round(value, 6), source, detail, used, flags)

    # red lines
    def red_lines(self, actor: str, issue: str, stmts: list[tuple[StatementRow, float]]) -> None:
        p = self.pos(actor, issue)
        ranges: list[tuple[tuple[float, float], tuple[StatementRow, float], str]] = []
        for r, w in stmts:
            pos = r.position
            if (
                pos.stance == "reject"
                and pos.value is not None
                and (pos.red_line or self.o.reject_is_red_line)
            ):
                v = float(pos.value)
                above = v > p if not math.isnan(p) else v > 50
                rng = (
                    (0.0, max(v - self.o.reject_margin, 0.0))
                    if above
                    else (min(v + self.o.reject_margin, 100.0), 100.0)
                )
                ranges.append((rng, (r, w), f"rejects {v:g}: accepts only the side away from it"))
            elif pos.red_line and pos.stance in POSITION_STANCES | {"conditional"}:
                v = float(pos.value) if pos.value is not None else p
                if math.isnan(v):
                    continue
                low_side = p < 50 if not math.isnan(p) else v < 50
                rng = (0.0, v) if low_side else (v, 100.0)
                what = (
                    f"red line at {v:g}"
                    if pos.value is not None
                    else f"red line without a value: its position {v:g}"
                )
                ranges.append((rng, (r, w), f"{what}, accepts only its own side"))
        if not ranges:
            return
        lo = max(rng[0] for rng, _, _ in ranges)
        hi = min(rng[1] for rng, _, _ in ranges)
        stmts_used = sorted((s for _, s, _ in ranges), key=lambda s: (not s[0].position.red_line, -s[1]))
        detail = "; ".join(sorted({d for _, _, d in ranges}))
        flags: tuple[str, ...] = ()
        if lo > hi:
            newest_i = max(range(len(ranges)), key=lambda k: (ranges[k][1][1], ranges[k][1][0].id or 0))
            lo, hi = ranges[newest_i][0]
            self.contradictions.append(
                Contradiction(
                    actor=actor,
                    issue=issue,
                    kind="red-lines",
                    values=tuple(x for rng, _, _ in ranges for x in rng),
                    evidence=self.refs(stmts_used),
                    resolution=f"the ranges do not overlap; took the newest [{lo:g}, {hi:g}]",
                )
            )
            flags = ("contradiction",)
        self.put(
            actor,
            issue,
            "red_line",
            (round(lo, 6), round(hi, 6)),
            "evidence",
            detail,
            stmts_used,
            flags,
        )

    # BATNA
    def batna(self, actor: str, issue: Issue, stmts: list[tuple[StatementRow, float]]) -> None:
        threats = [(r, w) for r, w in stmts if r.position.stance in BATNA_STANCES]
        if not threats:
            return
        for r, w in threats:
            for target, outcome, how in self._batna_targets(actor, issue, r.position):
                if math.isnan(outcome):
                    self.skipped.append(
                        f"statement {r.id}: {how}, but {actor!r} has no position on {target!r}"
                    )
                    continue
                self._batna_candidates.setdefault((actor, target), []).append((outcome, r, w, how))

    def _batna_targets(self, actor: str, issue: Issue, pos: Position) -> list[tuple[str, float, str]]:
        if not issue.no_deal:
            if pos.value is not None:
                return [(issue.id, float(pos.value), f"{pos.stance} of {pos.value:g} if talks fail")]
            return [(issue.id, self.pos(actor, issue.id), f"{pos.stance} to impose its position")]
        if pos.value is not None and issue.anchors:
            anchor = min(issue.anchors, key=lambda a: abs(a.value - float(pos.value)))  # type: ignore[arg-type]
            if anchor.implies:
                return [
                    (t, float(v), f"{pos.stance}: {anchor.meaning!r} implies {v:g}")
                    for t, v in anchor.implies.items()
                ]
        if not issue.affects:
            self.skipped.append(
                f"{actor}/{issue.id}: a {pos.stance} on the no-deal issue, but the codebook gives it no "
                "'affects' "
                "issues or anchor 'implies': add them to map it to outcomes"
            )
            return []
        return [
            (t, self.pos(actor, t), f"{pos.stance} to impose its position by other means")
            for t in issue.affects
        ]

    def finish_batnas(self) -> None:
        for (actor, target), cands in self._batna_candidates.items():
            if target not in self.codebook.issue_by_id:
                self.skipped.append(f"BATNA of {actor!r}: the codebook maps to unknown issue {target!r}")
                continue
            ws = [w * r.position.confidence for _, r, w, _ in cands]
            total = sum(ws)
            value = (
                sum(o * w for (o, _, _, _), w in zip(cands, ws, strict=True)) / total
                if total
                else cands[0][0]
            )
            detail = "; ".join(sorted({how for _, _, _, how in cands}))
            support = [
                (r, w) for _, r, w, _ in sorted(cands, key=lambda c: (c[1].position.value is None, -c[2]))
            ]
            self.put(actor, target, "batna", round(value, 6), "evidence", detail, support)

    # salience
    def salience_raw(self, actor: str, issue: str, stmts: list[tuple[StatementRow, float]]) -> None:
        weights = [w * self.o.force(r.position) for r, w in stmts]
        self.raw_salience[(actor, issue)] = (sum(weights), tuple(stmts))

    def normalise_salience(self) -> None:
        self.finish_batnas()
        top: dict[str, float] = defaultdict(float)
        issues = self.codebook.issue_by_id
        for (actor, issue), (raw, _) in self.raw_salience.items():
            if not issues[issue].no_deal:
                top[actor] = max(top[actor], raw)
        for (actor, issue), (raw, refs) in self.raw_salience.items():
            if issues[issue].no_deal or top[actor] <= 0:
                continue
            detail = (
                f"sum of decay x force over {len(refs)} statement(s) = {raw:.3g}, divided by the party's "
                f"largest ({top[actor]:.3g})"
            )
            self.put(actor, issue, "salience", round(raw / top[actor], 6), "evidence", detail, refs)

    # conditional offers
    def linked(self, actor: str, issue: str, stmts: list[tuple[StatementRow, float]]) -> None:
        groups: dict[str, list[tuple[StatementRow, float]]] = defaultdict(list)
        for r, w in stmts:
            if r.position.conditional_on and r.position.stance in ("conditional", "offer", "accept"):
                groups[r.position.conditional_on].append((r, w))
        for linked_issue, group in groups.items():
            row, _ = _newest(group)
            req = self.pos(actor, linked_issue)
            self.linked_offers.append(
                LinkedOffer(
                    actor=actor,
                    issue=issue,
                    value=row.position.value,
                    conditional_on=linked_issue,
                    requires=None if math.isnan(req) else req,
                    evidence=self.refs(group),
                )
            )

    # capability
    def capabilities(self, actors: list[str]) -> None:
        known = [a.capability for a in self.codebook.actors if a.capability is not None and a.id in actors]
        mean = float(np.mean(known)) if known else 1.0
        for actor in actors:
            cb = self.codebook.actor_by_id.get(actor)
            if cb is not None and cb.capability is not None:
                src = f" ({cb.capability_source})" if cb.capability_source else ""
                self.put(
                    actor,
                    None,
                    "capability",
                    float(cb.capability),
                    "codebook",
                    f"actors.{actor}.capability{src}",
                )
            else:
                self.put(
                    actor,
                    None,
                    "capability",
                    round(mean, 6),
                    "default",
                    "no capability in the codebook: the mean of the parties that have one"
                    if known
                    else "no capability in the codebook for any party: 1",
                )


def _apply_overrides(
    b: _Builder, overrides: Overrides | None, codebook: Codebook, actors: list[str]
) -> list[AppliedOverride]:
    applied: list[AppliedOverride] = []
    if not overrides:
        return applied
    for ov in overrides.items:
        where = ov.source or "override"
        if ov.actor not in codebook.actor_by_id and ov.actor not in actors:
            raise InputError(where, f"actor {ov.actor!r} is not in the codebook")
        if ov.issue is not None:
            iss = codebook.issue_by_id.get(ov.issue)
            if iss is None:
                raise InputError(where, f"issue {ov.issue!r} is not in the codebook")
            if iss.no_deal:
                raise InputError(
                    where, f"issue {ov.issue!r} is the no-deal alternative: override a batna instead"
                )
        key = (ov.actor, ov.issue, ov.field)
        old = b.values.get(key)
        replaced = old.value if old is not None else None
        b.values[key] = SourcedValue(
            actor=ov.actor,
            issue=ov.issue,
            field=ov.field,
            value=ov.value,
            source="override",
            detail=ov.reason + (f" (by {ov.by})" if ov.by else "") + f" [{where}]",
            support=old.support if old is not None else (),
            replaced=replaced,
        )
        if ov.field == "position" and (ov.actor, ov.issue, "salience") not in b.values:
            b.put(
                ov.actor,
                ov.issue,
                "salience",
                b.o.default_salience,
                "default",
                "position set by an override without statements: default salience",
            )
        if ov.actor not in actors and (ov.actor, None, "capability") not in b.values:
            b.capabilities([ov.actor])
        log.info(
            "override %s: %s/%s/%s = %r (was %r): %s",
            where,
            ov.actor,
            ov.issue or "*",
            ov.field,
            ov.value,
            replaced,
            ov.reason,
        )
        applied.append(AppliedOverride(override=ov, replaced=replaced, value=ov.value))
    return applied


def _assemble(
    b: _Builder, codebook: Codebook, actors: list[str], issues: list[Issue], name: str, as_of: date | None
) -> Negotiation:
    na, ni = len(actors), len(issues)
    position = np.full((na, ni), np.nan)
    salience = np.zeros((na, ni))
    red = np.full((na, ni, 2), np.nan)
    batna = np.full((na, ni), np.nan)
    capability = np.ones(na)
    provenance: dict[str, str] = {}
    for a, actor in enumerate(actors):
        cap = b.values.get((actor, None, "capability"))
        if cap is not None and isinstance(cap.value, float):
            capability[a] = cap.value
            provenance[f"{actor}/*/capability"] = cap.describe()
        for i, iss in enumerate(issues):
            for f in FIELDS[:2] + FIELDS[3:]:
                v = b.values.get((actor, iss.id, f))
                if v is None or v.value is None:
                    continue
                provenance[f"{actor}/{iss.id}/{f}"] = v.describe()
                if f == "position":
                    position[a, i] = v.value
                elif f == "salience":
                    salience[a, i] = v.value
                elif f == "red_line":
                    red[a, i] = v.value
                else:
                    batna[a, i] = v.value
            if math.isnan(position[a, i]):
                salience[a, i] = 0.0
            elif (actor, iss.id, "salience") not in b.values:
                salience[a, i] = b.o.default_salience
    inv = ~np.isnan(position)
    pos_sd = np.where(inv, b.o.position_sd_floor, 0.0)
    for (actor, issue), sd in b.position_sd.items():
        v = b.values.get((actor, issue, "position"))
        if (
            actor in actors
            and issue in [iss.id for iss in issues]
            and v is not None
            and v.source != "override"
        ):
            pos_sd[actors.index(actor), [iss.id for iss in issues].index(issue)] = sd
    uncertainty = Uncertainty(
        position_sd=pos_sd,
        salience_sd=np.where(inv, b.o.salience_sd, 0.0),
        capability_sd=capability * b.o.capability_sd_share,
    )
    specs = tuple(
        IssueSpec(
            id=iss.id,
            label=iss.label,
            status_quo=iss.status_quo,
            anchors={float(an.value): an.meaning for an in iss.anchors},
        )
        for iss in issues
    )
    meta = {
        "codebook": codebook.name,
        "as_of": as_of.isoformat() if as_of else None,
        "built_from": "evidence",
    }
    return Negotiation(
        name=name,
        actors=tuple(actors),
        issues=specs,
        position=position,
        salience=salience,
        capability=capability,
        red_line=red,
        batna=batna,
        provenance=provenance,
        meta=meta,
        uncertainty=uncertainty,
    )
