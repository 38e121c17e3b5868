"""From stored statements to a negotiation table, every value with its source.

``build_negotiation(rows, codebook, options=..., overrides=...)`` is a pure function of the statements
(:class:`~zopa.negotiation.evidence.StatementRow`), the codebook, the options and the analyst's overrides. It
returns a :class:`NegotiationModel`: the :class:`~zopa.models.table.Negotiation` every model reads, plus one
:class:`SourcedValue` per number (the evidence sentences, the codebook default or the override behind it),
the contradictions found, the conditional offers (linked issues) and a log of the overrides applied.

The records are in :mod:`zopa.negotiation.records`, one estimator per field in
:mod:`zopa.negotiation.estimators`, the analyst's overrides in :mod:`zopa.negotiation.overrides`. The rules
(also in the README's "negotiation" section):

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

import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

import numpy as np

from zopa.codebook import Codebook, Issue
from zopa.models.table import IssueSpec, Negotiation, Uncertainty
from zopa.negotiation.estimators import (
    Estimates,
    _newest,
    batna,
    capabilities,
    decay_weight,
    linked,
    normalise_salience,
    position,
    red_lines,
    salience_raw,
    source_shares,
)
from zopa.negotiation.evidence import StatementRow
from zopa.negotiation.overrides import Overrides, apply_overrides
from zopa.negotiation.records import (
    FIELDS,
    POSITION_STANCES,
    BuildOptions,
    NegotiationModel,
)

log = logging.getLogger("zopa.negotiation")

__all__ = ["build_negotiation"]


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

    share = source_shares(usable, sources)
    # Group by party and issue (no-deal issues feed BATNAs, never positions).
    by_pair: dict[tuple[str, str], list[tuple[StatementRow, float]]] = defaultdict(list)
    for row in usable:
        weight = decay(row) * share.get(row.id or -1, 1.0)  # copies of one source share its weight
        by_pair[(row.position.actor, row.position.issue)].append((row, weight))

    actor_order = [a.id for a in codebook.actors if a.id in {k[0] for k in by_pair}]
    actor_order += sorted({k[0] for k in by_pair} - set(actor_order))
    table_issues = [iss for iss in codebook.issues if not iss.no_deal]

    b = Estimates(opts, codebook, skipped, sources)
    for (actor, issue), stmts in by_pair.items():
        if not issues_by_id[issue].no_deal:
            position(b, actor, issue, stmts)
    # A rejection without a scale value rejects what another party put on the table (two passes: parties
    # without a position of their own first, so the others can be measured against them).
    for has_position in (False, True):
        changed = _resolve_unvalued_rejects(by_pair, b, opts, issues_by_id, has_position=has_position)
        for actor, issue in changed:
            if (actor, issue, "position") not in b.values:
                position(b, actor, issue, by_pair[(actor, issue)])
    for (actor, issue), stmts in by_pair.items():
        if not issues_by_id[issue].no_deal:
            red_lines(b, actor, issue, stmts)
        batna(b, actor, issues_by_id[issue], stmts)
        salience_raw(b, actor, issue, stmts)
    for (actor, issue), stmts in by_pair.items():
        linked(b, actor, issue, stmts)
    capabilities(b, actor_order)
    normalise_salience(b)

    applied = apply_overrides(b, overrides, codebook, actor_order)
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


def _rejection_scale_point(row: StatementRow) -> StatementRow:
    """Within the build a rejection's ``value`` is the point it turns down: extraction records that point
    as ``rejected_value`` (and, in ``value``, the holder's own implied point, which the far-end inference
    below derives again)."""
    p = row.position
    if p.stance == "reject" and p.rejected_value is not None:
        return replace(row, position=replace(p, value=p.rejected_value))
    return row


def _resolve_unvalued_rejects(
    by_pair: dict[tuple[str, str], list[tuple[StatementRow, float]]],
    b: Estimates,
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


def _assemble(
    b: Estimates, codebook: Codebook, actors: list[str], issues: list[Issue], name: str, as_of: date | None
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
