"""What-if runs and "if talks fail": each party's BATNA as a function of time, and when the zone opens.

A scenario file (YAML) holds the assumptions, apart from the evidence and the codebook::

    name: "If talks fail"
    months: 36                 # how far to look ahead
    horizon_months: 12         # a party compares a deal now with fighting on for this long
    start: {donetsk-control: 70}   # the outcome on the ground now (default: the codebook's status quo,
                                   # else the midpoint of the parties' positions)
    parties:
      russia:
        advance:               # expected movement of the outcome per month if fighting goes on
          donetsk-control: {per_month: 1.5, toward: 100}   # toward: default the party's BATNA from evidence
        cost_per_month: 0.010  # utility lost per month of fighting (on the 0-1 utility scale)
        cost_growth: 0.02      # the monthly cost grows 2 % a month (exhaustion)
        drops_red_lines_below: 0.3   # optional: gives up its red lines when no deal is worth less
        source: "why these numbers"
    what_if:
      - name: "Washington presses Kyiv"
        changes:
          - {actor: united-states, field: capability, value: 0.2}
          - {actor: ukraine, issue: donetsk-control, field: red_line, value: null}

**The "if talks fail" model** (documented in the README too). For party *a*, issue *i*, month *t*:

* expected outcome if fighting goes on: ``e[a,i](t) = x0[i] + sign(T - x0[i]) * min(|T - x0[i]|, v[a,i] * t)``
  where ``x0`` is the start, ``T`` the party's target (``toward``, else its BATNA from the evidence, else its
  position) and ``v`` its expected advance per month; an issue without an ``advance`` stays at the party's
  BATNA from the evidence (or at ``x0`` when it has none).
* utility of an outcome: ``U[a](x) = sum_i s[a,i] * (1 - |x[i] - p[a,i]| / 100) / sum_i s[a,i]`` over the
  issues the party takes part in (salience-weighted linear loss, in [0, 1]).
* value of no deal at month *t*: fight on ``H = horizon_months`` more months, then hold what fighting gave:
  ``B[a](t) = U[a](e[a](t + H)) - sum_{k=t}^{t+H-1} c[a] * (1 + g[a]) ** k``.
* the zone is open at month *t* when some outcome ``x`` gives every scenario party ``U[a](x) >= B[a](t)``: the
  largest smallest margin ``max_x min_a U[a](x) - B[a](t)`` is found by linear programming (SciPy HiGHS),
  once over the whole scale and once inside every party's stated red lines. The first month it is >= 0 is
  when a mutually hurting stalemate (Zartman) makes a deal better for all than fighting on; ``None``: not
  within ``months``.
* a party with ``drops_red_lines_below: B*`` keeps its stated red lines only while ``B[a](t) >= B*``: hurting
  enough, it gives them up (ripeness); the zone inside the red lines is computed with the remaining ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Field, model_validator

from zopa.errors import InputError, ModelInputError
from zopa.models.table import Negotiation
from zopa.negotiation.overrides import Override, OverrideEntry
from zopa.records import _Record
from zopa.yamlfile import InputModel, load_yaml_model, validate_model


@dataclass(frozen=True, slots=True, kw_only=True)
class Advance(_Record):
    issue: str
    per_month: float
    toward: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyAssumptions(_Record):
    actor: str
    advance: tuple[Advance, ...] = ()
    cost_per_month: float = 0.0
    cost_growth: float = 0.0
    drops_red_lines_below: float | None = None  # its red lines bind while its value of no deal stays >= this
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class WhatIf(_Record):
    name: str
    changes: tuple[Override, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario(_Record):
    name: str
    description: str = ""
    months: int = 36
    horizon_months: int = 12
    start: tuple[tuple[str, float], ...] = ()
    parties: tuple[PartyAssumptions, ...] = ()
    what_if: tuple[WhatIf, ...] = ()
    path: str | None = None

    def assumptions(self) -> list[str]:
        """The scenario's assumptions as sentences, to print beside every result."""
        out = [
            f"look ahead {self.months} months; each party weighs a deal now against {self.horizon_months} "
            "more months without one"
        ]
        out += [f"outcome on the ground now: {i} = {v:g}" for i, v in self.start]
        for p in self.parties:
            adv = (
                ", ".join(
                    f"{a.issue} {a.per_month:+g}/month"
                    + (f" toward {a.toward:g}" if a.toward is not None else "")
                    for a in p.advance
                )
                or "expects no change on the ground"
            )
            src = f" (source: {p.source})" if p.source else ""
            if p.drops_red_lines_below is not None:
                src = (
                    f"; drops its red lines when its value of no deal falls below {p.drops_red_lines_below:g}"
                    + src
                )
            out.append(
                f"{p.actor}: {adv}; cost {p.cost_per_month:g}/month growing {p.cost_growth:.1%}/month{src}"
            )
        return out


class AdvanceModel(InputModel):
    per_month: float = Field(ge=0, le=100)
    toward: float | None = Field(default=None, ge=0, le=100)


class PartyModel(InputModel):
    advance: dict[str, AdvanceModel] = Field(default_factory=dict)
    cost_per_month: float = Field(default=0.0, ge=0, le=1)
    cost_growth: float = Field(default=0.0, ge=-0.5, le=1)
    drops_red_lines_below: float | None = Field(default=None, ge=-10, le=10)
    source: str = ""


class ChangeModel(OverrideEntry):
    """A what-if change: an override whose reason defaults to the what-if's name."""

    reason: str = ""

    @model_validator(mode="before")
    @classmethod
    def _placeholder_reason(cls, data: Any) -> Any:
        if isinstance(data, dict) and not str(data.get("reason") or "").strip():
            return {**data, "reason": "what-if"}
        return data


class WhatIfModel(InputModel):
    name: str = Field(min_length=1)
    changes: list[ChangeModel] = Field(min_length=1)


class ScenarioFile(InputModel):
    name: str = Field(min_length=1)
    description: str = ""
    months: int = Field(default=36, ge=1, le=600)
    horizon_months: int = Field(default=12, ge=1, le=600)
    start: dict[str, Annotated[float, Field(ge=0, le=100)]] = Field(default_factory=dict)
    parties: dict[str, PartyModel] = Field(default_factory=dict)
    what_if: list[WhatIfModel] = Field(default_factory=list)


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; an :class:`InputError` names the file, line, field and problem."""
    return _scenario(load_yaml_model(path, ScenarioFile, what="scenario"), str(path))


def parse_scenario(data: Any, *, source: str = "<scenario>") -> Scenario:
    """The same from data already parsed."""
    return _scenario(validate_model(data, ScenarioFile, source=source, what="scenario"), source)


def _scenario(f: ScenarioFile, source: str) -> Scenario:
    parties = tuple(
        PartyAssumptions(
            actor=actor,
            advance=tuple(
                Advance(issue=i, per_month=a.per_month, toward=a.toward) for i, a in p.advance.items()
            ),
            cost_per_month=p.cost_per_month,
            cost_growth=p.cost_growth,
            drops_red_lines_below=p.drops_red_lines_below,
            source=p.source,
        )
        for actor, p in f.parties.items()
    )
    what_ifs = []
    for n, w in enumerate(f.what_if, start=1):
        changes = []
        for k, c in enumerate(w.changes, start=1):
            reason = c.reason if c.reason != "what-if" else f"what-if: {w.name}"
            changes.append(replace(c.record(f"{source}: what_if#{n}.changes#{k}"), reason=reason))
        what_ifs.append(WhatIf(name=w.name, changes=tuple(changes)))
    return Scenario(
        name=f.name,
        description=f.description,
        months=f.months,
        horizon_months=f.horizon_months,
        start=tuple(f.start.items()),
        parties=parties,
        what_if=tuple(what_ifs),
        path=source,
    )


# ------------------------------------------------------------------------------------------- what-if changes


def apply_changes(table: Negotiation, changes: tuple[Override, ...] | list[Override]) -> Negotiation:
    """A copy of ``table`` with the changes applied (capability, salience, position, red line, BATNA)."""
    position, salience = table.position.copy(), table.salience.copy()
    capability = (
        np.broadcast_to(table.capability, (table.n_actors,)).copy()
        if table.capability.ndim <= 1
        else table.capability.copy()
    )
    red = (
        table.red_line.copy()
        if table.red_line is not None
        else np.full((table.n_actors, table.n_issues, 2), np.nan)
    )
    batna = (
        table.batna.copy() if table.batna is not None else np.full((table.n_actors, table.n_issues), np.nan)
    )
    prov = dict(table.provenance)
    for ch in changes:
        if ch.actor not in table.actors:
            raise InputError(
                ch.source, f"actor {ch.actor!r} is not in the negotiation ({', '.join(table.actors)})"
            )
        a = table.actors.index(ch.actor)
        if ch.field == "capability":
            capability[a] = float(ch.value)  # type: ignore[arg-type]
            prov[f"{ch.actor}/*/capability"] = f"scenario: {ch.reason}"
            continue
        if ch.issue not in table.issue_ids:
            raise InputError(ch.source, f"issue {ch.issue!r} is not in the modeled negotiation")
        i = table.issue_ids.index(ch.issue)
        if ch.field == "position":
            position[a, i] = float(ch.value)  # type: ignore[arg-type]
        elif ch.field == "salience":
            salience[a, i] = float(ch.value)  # type: ignore[arg-type]
        elif ch.field == "red_line":
            red[a, i] = ch.value if ch.value is not None else (np.nan, np.nan)
        elif ch.field == "batna":
            batna[a, i] = float(ch.value) if ch.value is not None else np.nan  # type: ignore[arg-type]
        prov[f"{ch.actor}/{ch.issue}/{ch.field}"] = f"scenario: {ch.reason}"
    return replace(
        table,
        position=position,
        salience=salience,
        capability=capability,
        red_line=red,
        batna=batna,
        provenance=prov,
    ).validate()


# ------------------------------------------------------------------------------------------- if talks fail


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthState(_Record):
    month: int
    expected: dict[str, dict[str, float]]  # party -> issue -> expected outcome after `horizon` more months
    no_deal_value: dict[str, float]  # party -> B(t)
    best_margin: float  # max over outcomes of the smallest margin over no deal (>= 0: zone open)
    best_deal: dict[str, float]  # the outcome achieving it
    best_margin_red_lines: float | None  # the same inside stated red lines; None when they collide
    red_lines_dropped: tuple[str, ...] = ()  # parties hurting enough to drop their red lines this month


@dataclass(frozen=True, slots=True, kw_only=True)
class TalksFail(_Record):
    scenario: str
    assumptions: tuple[str, ...]
    parties: tuple[str, ...]
    issues: tuple[str, ...]
    start: dict[str, float]
    start_source: dict[str, str]
    months: tuple[MonthState, ...]
    opens_at: int | None  # first month the zone opens (utility only)
    open_months: tuple[int, ...]  # every month the zone is open (it can close again as expectations move)
    opens_at_with_red_lines: int | None
    colliding_red_lines: tuple[dict[str, Any], ...]

    def summary(self) -> str:
        if self.opens_at is None:
            return (
                f"no zone of agreement within {len(self.months) - 1} months: fighting on stays better for "
                "at least one party"
            )
        text = f"the zone of agreement opens at month {self.opens_at} (mutually hurting stalemate)"
        if self.colliding_red_lines and self.opens_at_with_red_lines is None:
            issues = ", ".join(sorted({c["issue"] for c in self.colliding_red_lines}))
            text += f", but stated red lines still collide on {issues}"
        elif self.opens_at_with_red_lines is not None and self.opens_at_with_red_lines != self.opens_at:
            text += f"; inside stated red lines at month {self.opens_at_with_red_lines}"
            dropped = self.months[self.opens_at_with_red_lines].red_lines_dropped
            if dropped:
                verb = "drops its" if len(dropped) == 1 else "drop their"
                text += f" (once {', '.join(dropped)} {verb} red lines)"
        return text


def _utility_terms(table: Negotiation, a: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    inv = ~np.isnan(table.position[a])
    s = np.where(inv, table.salience[a], 0.0)
    total = s.sum()
    w = s / total if total > 0 else inv / max(inv.sum(), 1)
    return inv, w, np.nan_to_num(table.position[a], nan=0.0)


def utility(table: Negotiation, a: int, outcome: np.ndarray) -> float:
    """``U[a](x)``: salience-weighted linear loss in [0, 1] (see the module docstring)."""
    inv, w, p = _utility_terms(table, a)
    return float(np.sum(np.where(inv, w * (1 - np.abs(outcome - p) / 100), 0.0)))


def colliding_red_lines(table: Negotiation) -> list[dict[str, Any]]:
    """Issues whose stated red lines leave no outcome acceptable to all, with the parties and ranges."""
    out: list[dict[str, Any]] = []
    if table.red_line is None:
        return out
    for i, spec in enumerate(table.issues):
        rl = table.red_line[:, i, :]
        has = ~np.isnan(rl[:, 0])
        if has.sum() < 2:
            continue
        lo, hi = np.nanmax(rl[has, 0]), np.nanmin(rl[has, 1])
        if lo > hi:
            out.append(
                {
                    "issue": spec.id,
                    "parties": {
                        table.actors[a]: [float(rl[a, 0]), float(rl[a, 1])] for a in np.flatnonzero(has)
                    },
                }
            )
    return out


def best_deal(
    table: Negotiation,
    parties: list[int],
    floor: np.ndarray,
    *,
    red_lines: bool,
    dropped: frozenset[int] = frozenset(),
) -> tuple[float, np.ndarray] | None:
    """``max_x min_a U[a](x) - floor[a]`` over outcomes ``x`` (LP); None when red lines leave no outcome.

    With ``red_lines``, every party's red lines bound the outcomes except those of the parties in ``dropped``.
    """
    ni = table.n_issues
    bounds_x = []
    for i in range(ni):
        lo, hi = table.issues[i].lo, table.issues[i].hi
        if red_lines and table.red_line is not None:
            rl = table.red_line[:, i, :]
            has = ~np.isnan(rl[:, 0])
            for a in dropped:
                has[a] = False
            if has.any():
                lo, hi = max(lo, float(np.max(rl[has, 0]))), min(hi, float(np.min(rl[has, 1])))
        if lo > hi:
            return None
        bounds_x.append((lo, hi))
    terms = [(a, *_utility_terms(table, a)) for a in parties]
    # variables: x (ni), d (one per party-issue involved), z
    d_index: list[tuple[int, int]] = [
        (k, int(i)) for k, (_, inv, _, _) in enumerate(terms) for i in np.flatnonzero(inv)
    ]
    nv = ni + len(d_index) + 1
    a_ub, b_ub = [], []
    for j, (k, i) in enumerate(d_index):
        p = terms[k][3][i]
        row = np.zeros(nv)
        row[i], row[ni + j] = 1.0, -1.0  # x - d <= p
        a_ub.append(row)
        b_ub.append(p)
        row = np.zeros(nv)
        row[i], row[ni + j] = -1.0, -1.0  # -x - d <= -p
        a_ub.append(row)
        b_ub.append(-p)
    for k, (_a, _inv, w, _) in enumerate(terms):
        # z <= sum_i w_i (1 - d_i / 100) - floor  <=>  z + sum_i w_i d_i / 100 <= sum_i w_i - floor
        row = np.zeros(nv)
        row[-1] = 1.0
        for j, (kk, i) in enumerate(d_index):
            if kk == k:
                row[ni + j] = w[i] / 100
        a_ub.append(row)
        b_ub.append(float(w.sum()) - float(floor[k]))
    c = np.zeros(nv)
    c[-1] = -1.0
    bounds = bounds_x + [(0, None)] * len(d_index) + [(None, None)]
    from scipy.optimize import linprog  # here, not at the top: it costs 0.4 CPU s to import

    res = linprog(c, A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=bounds, method="highs")
    if res.status != 0:
        raise ModelInputError(f"{table.name}: best-deal linear program failed ({res.message})")
    return float(-res.fun), np.asarray(res.x[:ni])


def talks_fail(table: Negotiation, scenario: Scenario) -> TalksFail:
    """Each scenario party's value of no deal month by month, and when (if ever) the zone opens."""
    ids = table.issue_ids
    for p in scenario.parties:
        if p.actor not in table.actors:
            raise InputError(
                scenario.path or scenario.name,
                f"party {p.actor!r} is not in the modeled negotiation ({', '.join(table.actors)})",
            )
        for adv in p.advance:
            if adv.issue not in ids:
                raise InputError(
                    scenario.path or scenario.name,
                    f"parties.{p.actor}.advance: issue {adv.issue!r} is not in the modeled negotiation",
                )
    if len(scenario.parties) < 2:
        raise InputError(scenario.path or scenario.name, "name at least two parties under 'parties'")
    start_given = dict(scenario.start)
    for key in start_given:
        if key not in ids:
            raise InputError(
                scenario.path or scenario.name, f"start: issue {key!r} is not in the modeled negotiation"
            )
    x0 = np.empty(table.n_issues)
    start_source = {}
    for i, spec in enumerate(table.issues):
        if spec.id in start_given:
            x0[i], start_source[spec.id] = start_given[spec.id], "scenario file"
        elif spec.status_quo is not None:
            x0[i], start_source[spec.id] = spec.status_quo, "codebook status quo"
        else:
            x0[i] = float(np.nanmean([np.nanmin(table.position[:, i]), np.nanmax(table.position[:, i])]))
            start_source[spec.id] = "assumed: midpoint of the parties' positions"
    parties = [table.actors.index(p.actor) for p in scenario.parties]
    batna = table.batna if table.batna is not None else np.full(table.position.shape, np.nan)
    speed = np.zeros((len(parties), table.n_issues))
    target = np.empty((len(parties), table.n_issues))
    for k, (a, p) in enumerate(zip(parties, scenario.parties, strict=True)):
        target[k] = np.where(np.isnan(batna[a]), x0, batna[a])
        for adv in p.advance:
            i = ids.index(adv.issue)
            speed[k, i] = adv.per_month
            if adv.toward is not None:
                target[k, i] = adv.toward
            elif np.isnan(batna[a, i]):
                target[k, i] = table.position[a, i] if not np.isnan(table.position[a, i]) else x0[i]
    moving = speed > 0
    h = scenario.horizon_months
    collide = colliding_red_lines(table)
    months = []
    opens = opens_rl = None
    for t in range(scenario.months + 1):
        step = np.minimum(np.abs(target - x0), speed * (t + h))
        expected = np.where(moving, x0 + np.sign(target - x0) * step, target)
        floor = np.empty(len(parties))
        for k, (a, p) in enumerate(zip(parties, scenario.parties, strict=True)):
            cost = p.cost_per_month * sum((1 + p.cost_growth) ** m for m in range(t, t + h))
            floor[k] = utility(table, a, expected[k]) - cost
        margin, deal = best_deal(table, parties, floor, red_lines=False)  # type: ignore[misc]
        dropped = frozenset(
            a
            for k, (a, p) in enumerate(zip(parties, scenario.parties, strict=True))
            if p.drops_red_lines_below is not None and floor[k] < p.drops_red_lines_below
        )
        rl = best_deal(table, parties, floor, red_lines=True, dropped=dropped)
        months.append(
            MonthState(
                month=t,
                expected={
                    table.actors[a]: {ids[i]: round(float(expected[k, i]), 3) for i in range(len(ids))}
                    for k, a in enumerate(parties)
                },
                no_deal_value={table.actors[a]: round(float(floor[k]), 5) for k, a in enumerate(parties)},
                best_margin=round(margin, 5),
                best_deal={ids[i]: round(float(deal[i]), 2) for i in range(len(ids))},
                best_margin_red_lines=None if rl is None else round(rl[0], 5),
                red_lines_dropped=tuple(table.actors[a] for a in sorted(dropped)),
            )
        )
        if opens is None and margin >= -1e-9:
            opens = t
        if opens_rl is None and rl is not None and rl[0] >= -1e-9:
            opens_rl = t
    return TalksFail(
        scenario=scenario.name,
        assumptions=tuple(scenario.assumptions()),
        parties=tuple(table.actors[a] for a in parties),
        issues=ids,
        start={ids[i]: float(x0[i]) for i in range(len(ids))},
        start_source=start_source,
        months=tuple(months),
        opens_at=opens,
        open_months=tuple(m.month for m in months if m.best_margin >= -1e-9),
        opens_at_with_red_lines=opens_rl,
        colliding_red_lines=tuple(collide),
    )


# ------------------------------------------------------------------------------------------- scenario runs


@dataclass(frozen=True, slots=True, kw_only=True)
class Movement(_Record):
    """One number before and after a what-if change."""

    what: str  # "forecast compromise.v1 valley", "zone min margin", "acceptance north", "zone opens (month)"
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True, slots=True, kw_only=True)
class WhatIfResult(_Record):
    name: str
    changes: tuple[Override, ...]
    movements: tuple[Movement, ...]
    zone_before: bool
    zone_after: bool
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioReport(_Record):
    scenario: Scenario
    negotiation: str
    talks_fail: TalksFail | None
    what_if: tuple[WhatIfResult, ...]


def _point_forecasts(
    table: Negotiation, models: list[str]
) -> tuple[dict[str, dict[str, float | None]], list[str]]:
    """Each model's forecast on the table as it stands (issue by issue where it must); None where the model
    reaches no agreement (Nash bargaining at its disagreement point)."""
    from zopa.errors import ZopaError
    from zopa.models.montecarlo import run_one

    out: dict[str, dict[str, float | None]] = {}
    errors = []
    for name in models:
        try:
            res, dropped = run_one(name, {}, table)
        except ZopaError as exc:
            errors.append(f"{name}: {exc}")
            continue
        errors += [f"{name}: {why}" for why in dropped.values()]
        agreed = res.diagnostics.get("agreement", True)
        out[name] = {iid: (float(v) if agreed else None) for iid, v in res.forecast.items()}
    return out, errors


def what_if(
    table: Negotiation,
    change: WhatIf,
    *,
    scenario: Scenario | None = None,
    plan: dict[str, float] | None = None,
    models: list[str] | None = None,
) -> WhatIfResult:
    """Apply one what-if change set and report what moves: forecasts, the zone, plan acceptance, and when the
    zone opens if talks fail."""
    from zopa.models.agreement import score_plan, zone_of_agreement
    from zopa.models.registry import model_names

    after = apply_changes(table, change.changes)
    names = models or model_names()
    f0, e0 = _point_forecasts(table, names)
    f1, e1 = _point_forecasts(after, names)
    moves: list[Movement] = []
    for name in names:
        for iid in table.issue_ids:
            if name in f0 and name in f1 and iid in f0[name] and iid in f1[name]:
                moves.append(
                    Movement(what=f"forecast {name} {iid}", before=f0[name][iid], after=f1[name][iid])
                )
    z0, z1 = zone_of_agreement(table), zone_of_agreement(after)
    moves.append(
        Movement(what="zone: smallest margin over no deal", before=z0.min_margin, after=z1.min_margin)
    )
    moves.append(
        Movement(what="zone: concession needed to open it", before=z0.concession, after=z1.concession)
    )
    if plan is not None:
        p0, p1 = score_plan(table, plan), score_plan(after, plan)
        for s0, s1 in zip(p0.actors, p1.actors, strict=True):
            moves.append(
                Movement(what=f"plan acceptance {s0.actor}", before=s0.acceptance, after=s1.acceptance)
            )
    if scenario is not None and len(scenario.parties) >= 2:
        t0, t1 = talks_fail(table, scenario), talks_fail(after, scenario)
        moves.append(
            Movement(
                what="if talks fail: zone opens (month)",
                before=None if t0.opens_at is None else float(t0.opens_at),
                after=None if t1.opens_at is None else float(t1.opens_at),
            )
        )
    return WhatIfResult(
        name=change.name,
        changes=change.changes,
        movements=tuple(moves),
        zone_before=z0.exists,
        zone_after=z1.exists,
        errors=tuple(sorted(set(e0 + e1))),
    )


def run_scenario(model: Any, scenario: Scenario, *, plan: Any = None, options: Any = None) -> ScenarioReport:
    """ "If talks fail" over time (when the scenario names parties) and every what-if of the scenario.

    ``model`` is a :class:`~zopa.negotiation.build.NegotiationModel`; ``plan`` an optional
    :class:`~zopa.negotiation.analysis.Plan` whose acceptance each what-if reports.
    """
    table = model.modeled()
    fail = talks_fail(table, scenario) if scenario.parties else None
    plan_outcomes = None
    if plan is not None:
        from zopa.negotiation.analysis import negotiation_plan

        plan_outcomes = negotiation_plan(model, plan).scored
    models = list(options.models) if options is not None and options.models else None
    results = tuple(
        what_if(table, w, scenario=scenario if scenario.parties else None, plan=plan_outcomes, models=models)
        for w in scenario.what_if
    )
    return ScenarioReport(scenario=scenario, negotiation=table.name, talks_fail=fail, what_if=results)
