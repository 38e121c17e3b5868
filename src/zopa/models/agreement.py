"""Agreement analysis: the zone of possible agreement, package deals, trades, and plan scoring.

Utility used throughout (documented, simple, comparable across actors): for an outcome ``x`` (one value per
issue) actor ``a`` gets ``u_a(x) = 1 - sum_i w_ai |x_i - p_ai| / span_i`` over the issues it takes part in,
with
``w_ai`` its salience normalised to sum 1 over those issues. Its *no deal* outcome on an issue is its BATNA,
else
the issue's status quo; an issue where neither is known does not enter the actor's comparison with no deal.
``margin_a(x) = u_a(x) - u_a(no deal)``. Red lines ``[lo, hi]`` bound the outcomes an actor can accept.

- :func:`zone_of_agreement`: per issue (each issue settled alone) and across issues (a package): the outcomes
  with ``margin_a >= 0`` for every actor and no red line broken. When empty: the colliding actors and the
  smallest total concession (in points of the 0-100 scale, salience-weighted) that opens it (a linear
  programme).
- :func:`package_deals`: cross-issue combinations every actor prefers to no deal, ranked by the Nash product
of
  the margins, plus :func:`trades` that salience differences make possible.
- :func:`score_plan`: each actor's utility, margin over no deal, red lines broken and a likely-acceptance
score.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from zopa.errors import ModelInputError
from zopa.models._spatial import weighted_mean
from zopa.models.registry import plain
from zopa.models.table import Negotiation

# ---------------------------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueZone:
    issue: str
    lo: float | None  # the zone on this issue settled alone; None when empty
    hi: float | None
    colliding: list[str] = field(default_factory=list)  # actors whose acceptable ranges do not meet
    concession: float = 0.0  # smallest total move (scale points) of the actors' limits that opens the zone
    concessions: dict[str, float] = field(default_factory=dict)
    opening_point: float | None = None  # where the zone opens after that concession

    @property
    def empty(self) -> bool:
        return self.lo is None

    def as_dict(self) -> dict[str, Any]:
        return plain({**asdict(self), "empty": self.empty})


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneReport:
    negotiation: str
    issues: list[IssueZone]
    exists: bool  # a package (all issues together) every actor accepts
    balanced_deal: dict[str, float]  # the package maximising the smallest margin (or least-concession point)
    min_margin: float  # the smallest margin at that package (negative when no zone)
    ranges: dict[str, tuple[float, float]]  # per issue, the outcomes found inside the joint zone
    colliding: list[str]  # actors whose constraints bind when the joint zone is empty
    concession: float  # smallest total concession that opens the joint zone (see concession_parts)
    concessions: dict[str, float]
    # per actor: "utility" = how far below its no-deal utility it must accept to go, x 100 (salience-weighted
    # points of the scale); "red_line" = how far its red lines must move, in points of the scale
    concession_parts: dict[str, dict[str, float]] = field(default_factory=dict)
    utility: str = "1 - sum_i w_ai |x_i - p_ai| / span_i; no deal = BATNA else status quo"

    def as_dict(self) -> dict[str, Any]:
        return plain(
            {
                "negotiation": self.negotiation,
                "exists": self.exists,
                "issues": [z.as_dict() for z in self.issues],
                "balanced_deal": self.balanced_deal,
                "min_margin": self.min_margin,
                "ranges": self.ranges,
                "colliding": self.colliding,
                "concession": self.concession,
                "concessions": self.concessions,
                "concession_parts": self.concession_parts,
                "utility": self.utility,
            }
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Deal:
    outcome: dict[str, float]
    margins: dict[str, float]
    nash_log_product: float  # sum of log margins (symmetric Nash product, in logs)
    min_margin: float

    def as_dict(self) -> dict[str, Any]:
        return plain(asdict(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class Trade:
    """``actor_a`` gives on ``a_gives_on``, ``actor_b`` on ``b_gives_on``."""

    actor_a: str
    actor_b: str
    a_gives_on: str  # the issue actor_a cares less about
    b_gives_on: str
    a_moves: float  # scale points actor_a concedes on a_gives_on
    b_moves: float
    gain: float  # utility each gains (equal-gain exchange)

    def as_dict(self) -> dict[str, Any]:
        return plain(asdict(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class DealReport:
    negotiation: str
    deals: list[Deal]
    trades: list[Trade]
    candidates: int  # combinations examined
    accepted: int  # of which every actor prefers to no deal

    def as_dict(self) -> dict[str, Any]:
        return {
            "negotiation": self.negotiation,
            "candidates": self.candidates,
            "accepted": self.accepted,
            "deals": [d.as_dict() for d in self.deals],
            "trades": [t.as_dict() for t in self.trades],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorScore:
    actor: str
    utility: float
    no_deal_utility: float
    margin: float
    red_lines_broken: list[str]
    acceptance: float  # 0-1: logistic in the margin, 0 when a red line is broken

    def as_dict(self) -> dict[str, Any]:
        return plain(asdict(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanScore:
    negotiation: str
    plan: dict[str, float]
    actors: list[ActorScore]
    accepted_by: list[str]  # positive margin and no red line broken
    rejected_by: list[str]
    support_share: float  # capability-weighted share of actors that accept
    all_accept: float  # product of the acceptance scores: chance that every actor signs
    temperature: float

    def as_dict(self) -> dict[str, Any]:
        return plain(
            {
                **{
                    k: getattr(self, k)
                    for k in (
                        "negotiation",
                        "plan",
                        "accepted_by",
                        "rejected_by",
                        "support_share",
                        "all_accept",
                        "temperature",
                    )
                },
                "actors": [a.as_dict() for a in self.actors],
            }
        )


# ---------------------------------------------------------------------------------------------- utilities


@dataclass(frozen=True, slots=True)
class _Lin:
    p: np.ndarray  # (A, I) positions, NaN = not involved
    w: np.ndarray  # (A, I) normalised salience / span (weight per scale point), 0 where not involved
    b: np.ndarray  # (A, I) no-deal outcome, NaN = unknown
    known: np.ndarray  # (A, I) involved and no deal known
    rl: np.ndarray  # (A, I, 2) red lines, NaN = open
    span: np.ndarray


def _lin(table: Negotiation, *, min_actors: int = 2) -> _Lin:
    table.validate(min_actors=min_actors)
    inv = table.involved()
    s = np.where(inv, table.salience, 0.0)
    tot = s.sum(axis=1, keepdims=True)
    w = np.where(
        tot > 0, s / np.where(tot > 0, tot, 1.0), inv / np.maximum(inv.sum(axis=1, keepdims=True), 1)
    )
    span = table.spans()
    b = table.no_deal()
    rl = table.red_line if table.red_line is not None else np.full((*table.position.shape, 2), np.nan)
    rl = np.where(inv[..., None], rl, np.nan)
    return _Lin(p=table.position, w=w / span, b=b, known=inv & ~np.isnan(b), rl=rl, span=span)


def _margins(lin: _Lin, x: np.ndarray) -> np.ndarray:
    """x (N, I) -> margins (N, A)."""
    p = np.nan_to_num(lin.p)
    bd = np.where(lin.known, np.abs(np.nan_to_num(lin.b) - p), 0.0)
    xd = np.where(lin.known[None], np.abs(x[:, None, :] - p[None]), 0.0)
    return np.einsum("ai,nai->na", lin.w, bd[None] - xd)


def _utilities(lin: _Lin, x: np.ndarray) -> np.ndarray:
    p = np.nan_to_num(lin.p)
    inv = ~np.isnan(lin.p)
    return 1.0 - np.einsum("ai,nai->na", lin.w, np.where(inv[None], np.abs(x[:, None, :] - p[None]), 0.0))


def _red_broken(lin: _Lin, x: np.ndarray) -> np.ndarray:
    """x (N, I) -> (N, A, I) True where an outcome breaks the actor's red line."""
    lo, hi = lin.rl[..., 0], lin.rl[..., 1]
    return ((~np.isnan(lo)) & (x[:, None, :] < lo - 1e-9)) | ((~np.isnan(hi)) & (x[:, None, :] > hi + 1e-9))


# ---------------------------------------------------------------------------------------------- zone


def _acceptable_interval(lin: _Lin, a: int, i: int, lo: float, hi: float) -> tuple[float, float]:
    """What actor a accepts on issue i settled alone: inside its red line and no worse than its no deal."""
    lo_, h = lo, hi
    if lin.known[a, i]:
        r = abs(lin.b[a, i] - lin.p[a, i])
        lo_, h = max(lo_, lin.p[a, i] - r), min(h, lin.p[a, i] + r)
    rlo, rhi = lin.rl[a, i]
    if not np.isnan(rlo):
        lo_ = max(lo_, rlo)
    if not np.isnan(rhi):
        h = min(h, rhi)
    return lo_, h


def _issue_zone(table: Negotiation, lin: _Lin, i: int) -> IssueZone:
    spec = table.issues[i]
    actors = [a for a in range(table.n_actors) if not np.isnan(lin.p[a, i])]
    iv = {a: _acceptable_interval(lin, a, i, spec.lo, spec.hi) for a in actors}
    lo = max(v[0] for v in iv.values())
    hi = min(v[1] for v in iv.values())
    if lo <= hi + 1e-12:
        return IssueZone(issue=spec.id, lo=float(lo), hi=float(max(lo, hi)))
    # empty: the point needing the least total move of the actors' limits (minimum over interval ends)
    cands = sorted({v for pair in iv.values() for v in pair})

    def total(x: float) -> float:
        return sum(max(0.0, lo_ - x, x - h) for lo_, h in iv.values())

    best = min(cands, key=total)
    conc = {table.actors[a]: float(max(0.0, iv[a][0] - best, best - iv[a][1])) for a in actors}
    colliding = sorted(
        {table.actors[a] for a in actors if iv[a][0] == lo}
        | {table.actors[a] for a in actors if iv[a][1] == hi}
    )
    return IssueZone(
        issue=spec.id,
        lo=None,
        hi=None,
        colliding=colliding,
        concession=float(total(best)),
        concessions={k: v for k, v in conc.items() if v > 0},
        opening_point=float(best),
    )


def _joint_lp(
    table: Negotiation, lin: _Lin, *, objective: str, issue: int = -1, sign: float = 1.0
) -> tuple[np.ndarray, np.ndarray, float]:
    """Linear programmes over x (I), e (|a,i| known), plus t (maximin) or slacks (least concession).

    objective "maximin": max t s.t. margin_a >= t, red lines hard.
    objective "concession": min sum 100*slack_a + sum 100*(red-line relaxations)/span s.t. margin_a + slack_a
    >= 0.
    objective "range": min/max x_issue s.t. margin_a >= 0, red lines hard.
    Returns (x, per-actor concession or margins, objective value).
    """
    na, ni = lin.p.shape
    pairs = np.argwhere(lin.known)
    ne = len(pairs)
    rl_pairs = [
        (a, i, k) for a in range(na) for i in range(ni) for k in (0, 1) if not np.isnan(lin.rl[a, i, k])
    ]
    nr = len(rl_pairs) if objective == "concession" else 0
    n_extra = na if objective == "concession" else (1 if objective == "maximin" else 0)
    nv = ni + ne + n_extra + nr
    rows, cols, vals, rhs = [], [], [], []
    r = 0
    for k, (a, i) in enumerate(pairs):  # e >= |x - p|  <=>  x - e <= p, -x - e <= -p
        for sgn in (1.0, -1.0):
            rows += [r, r]
            cols += [i, ni + k]
            vals += [sgn, -1.0]
            rhs.append(sgn * lin.p[a, i])
            r += 1
    # margin_a = sum_i w (|b-p| - e) >= t  <=>  sum_i w e + t <= sum_i w |b-p|   (or - slack_a)
    by_actor: dict[int, list[int]] = {}
    for k, (a, _i) in enumerate(pairs):
        by_actor.setdefault(int(a), []).append(k)
    for a in range(na):
        ks = by_actor.get(a, [])
        if not ks and objective != "maximin":
            continue
        for k in ks:
            i = pairs[k][1]
            rows.append(r)
            cols.append(ni + k)
            vals.append(lin.w[a, i])
        if objective == "maximin":
            rows.append(r)
            cols.append(ni + ne)
            vals.append(1.0)
        elif objective == "concession":
            rows.append(r)
            cols.append(ni + ne + a)
            vals.append(-1.0)
        rhs.append(
            float(sum(lin.w[a, pairs[k][1]] * abs(lin.b[a, pairs[k][1]] - lin.p[a, pairs[k][1]]) for k in ks))
        )
        r += 1
    bounds: list[tuple[float | None, float | None]] = []
    for i, spec in enumerate(table.issues):
        lo, hi = spec.lo, spec.hi
        if objective != "concession":
            rlo, rhi = lin.rl[:, i, 0], lin.rl[:, i, 1]
            if (~np.isnan(rlo)).any():
                lo = max(lo, float(np.nanmax(rlo)))
            if (~np.isnan(rhi)).any():
                hi = min(hi, float(np.nanmin(rhi)))
        bounds.append((lo, hi))
    bounds += [(0.0, None)] * ne
    if objective == "maximin":
        bounds.append((None, None))
    elif objective == "concession":
        bounds += [(0.0, None)] * na
        for k, (a, i, side) in enumerate(rl_pairs):  # x >= rlo - r  /  x <= rhi + r
            v = ni + ne + na + k
            if side == 0:
                rows += [r, r]
                cols += [i, v]
                vals += [-1.0, -1.0]
                rhs.append(-lin.rl[a, i, 0])
            else:
                rows += [r, r]
                cols += [i, v]
                vals += [1.0, -1.0]
                rhs.append(lin.rl[a, i, 1])
            r += 1
        bounds += [(0.0, None)] * nr
    c = np.zeros(nv)
    if objective == "maximin":
        c[ni + ne] = -1.0
    elif objective == "concession":
        c[ni + ne : ni + ne + na] = 100.0
        for k, (_a, i, _s) in enumerate(rl_pairs):
            c[ni + ne + na + k] = 100.0 / lin.span[i]
    else:
        c[issue] = sign
    from scipy import sparse  # here, not at the top: SciPy's optimiser costs 0.4 CPU s to import
    from scipy.optimize import linprog

    a_ub = sparse.csr_array((vals, (rows, cols)), shape=(r, nv))
    res = linprog(c, A_ub=a_ub, b_ub=np.array(rhs), bounds=bounds, method="highs")
    if res.status != 0:
        return np.full(ni, np.nan), np.zeros(na), math.inf
    x = res.x[:ni]
    extra = np.zeros(na)
    if objective == "concession":
        extra = 100.0 * res.x[ni + ne : ni + ne + na]
        red = np.zeros(na)
        for k, (a, i, _s) in enumerate(rl_pairs):
            red[a] += 100.0 * res.x[ni + ne + na + k] / lin.span[i]
        extra = np.stack([extra, red], axis=1)  # (na, 2): utility part, red-line part
    return x, extra, float(res.fun)


def zone_of_agreement(table: Negotiation) -> ZoneReport:
    """The outcomes every actor prefers to no deal and that break no red line, per issue and as a package."""
    lin = _lin(table)
    issue_zones = [_issue_zone(table, lin, i) for i in range(table.n_issues)]
    ids = table.issue_ids
    red_ok = all(
        lo <= hi
        for lo, hi in (
            (
                max([table.issues[i].lo, *[v for v in lin.rl[:, i, 0] if not np.isnan(v)]]),
                min([table.issues[i].hi, *[v for v in lin.rl[:, i, 1] if not np.isnan(v)]]),
            )
            for i in range(table.n_issues)
        )
    )
    x = None
    t = -math.inf
    if red_ok:
        x, _, val = _joint_lp(table, lin, objective="maximin")
        t = -val if math.isfinite(val) else -math.inf
    if x is not None and t >= -1e-12:
        x = np.asarray(x)
        ranges = {}
        for i, iid in enumerate(ids):
            lo_x, _, _ = _joint_lp(table, lin, objective="range", issue=i, sign=1.0)
            hi_x, _, _ = _joint_lp(table, lin, objective="range", issue=i, sign=-1.0)
            ranges[iid] = (float(lo_x[i]), float(hi_x[i]))
        return ZoneReport(
            negotiation=table.name,
            issues=issue_zones,
            exists=True,
            balanced_deal={iid: float(x[i]) for i, iid in enumerate(ids)},
            min_margin=float(t),
            ranges=ranges,
            colliding=[],
            concession=0.0,
            concessions={},
        )
    xc, parts, total = _joint_lp(table, lin, objective="concession")
    conc = parts.sum(axis=1) if parts.ndim == 2 else parts
    margins = _margins(lin, np.nan_to_num(xc)[None])[0]
    broken = _red_broken(lin, np.nan_to_num(xc)[None])[0].any(axis=1)
    colliding = [table.actors[a] for a in range(table.n_actors) if conc[a] > 1e-9 or broken[a]]
    return ZoneReport(
        negotiation=table.name,
        issues=issue_zones,
        exists=False,
        balanced_deal={iid: float(xc[i]) for i, iid in enumerate(ids)},
        min_margin=float(margins.min()),
        ranges={},
        colliding=colliding,
        concession=float(total) if math.isfinite(total) else math.inf,
        concessions={table.actors[a]: float(conc[a]) for a in range(table.n_actors) if conc[a] > 1e-9},
        concession_parts={
            table.actors[a]: {"utility": float(parts[a, 0]), "red_line": float(parts[a, 1])}
            for a in range(table.n_actors)
            if parts.ndim == 2 and conc[a] > 1e-9
        },
    )


# ---------------------------------------------------------------------------------------------- deals


def trades(table: Negotiation, *, top: int = 20) -> list[Trade]:
    """Pairwise trades that salience differences make possible, best (largest equal gain) first.

    Actor ``a`` concedes on the issue it cares less about (``j``) while ``b`` concedes on ``i``; possible when
    ``w_ai w_bj > w_aj w_bi``. Moves are sized so both gain the same utility (Decide's equal-gain idea), at
    most
    the distance between the two actors' positions on each issue.
    """
    lin = _lin(table)
    ni = lin.p.shape[1]
    out: list[Trade] = []
    p = lin.p
    for i, j in itertools.permutations(range(ni), 2):  # a gives on j, b gives on i
        both = ~np.isnan(p[:, i]) & ~np.isnan(p[:, j])
        idx = np.flatnonzero(both)
        if len(idx) < 2:
            continue
        wa_i, wa_j = lin.w[idx, i][:, None], lin.w[idx, j][:, None]
        wb_i, wb_j = lin.w[idx, i][None, :], lin.w[idx, j][None, :]
        det = wa_i * wb_j - wa_j * wb_i
        dist_i = np.abs(p[idx, i][:, None] - p[idx, i][None, :])
        dist_j = np.abs(p[idx, j][:, None] - p[idx, j][None, :])
        k = (wa_j + wb_j) / np.maximum(wa_i + wb_i, 1e-300)  # b's move on i per unit of a's move on j
        xmove = np.minimum(dist_j, dist_i / np.maximum(k, 1e-300))
        gain = xmove * det / np.maximum(wa_i + wb_i, 1e-300)
        upper = np.triu(np.ones(det.shape, dtype=bool), 1)  # each pair of actors once
        ok = upper & (det > 1e-15) & (dist_i > 0) & (dist_j > 0) & (gain > 1e-12)
        for ia, ib in zip(*np.nonzero(ok), strict=True):
            out.append(
                Trade(
                    actor_a=table.actors[idx[ia]],
                    actor_b=table.actors[idx[ib]],
                    a_gives_on=table.issue_ids[j],
                    b_gives_on=table.issue_ids[i],
                    a_moves=float(xmove[ia, ib]),
                    b_moves=float(xmove[ia, ib] * k[ia, ib]),
                    gain=float(gain[ia, ib]),
                )
            )
    out.sort(key=lambda t: (-t.gain, t.actor_a, t.actor_b, t.a_gives_on))
    return out[:top]


def package_deals(
    table: Negotiation, *, top: int = 10, max_candidates: int = 50_000, seed: int = 0
) -> DealReport:
    """Cross-issue packages every actor prefers to no deal, ranked by the Nash product of their margins.

    Candidate values per issue: the actors' positions, the status quo, the compromise point and the balanced
    package of :func:`zone_of_agreement`; all combinations are scored (a seeded random sample of
    ``max_candidates`` when there are more), vectorised.
    """
    lin = _lin(table)
    zone = zone_of_agreement(table)
    comp = weighted_mean(table.position, table.weights())
    values = []
    for i, spec in enumerate(table.issues):
        v = {float(x) for x in lin.p[:, i] if not np.isnan(x)}
        v |= {float(comp[i]), float(zone.balanced_deal[spec.id])}
        if spec.status_quo is not None:
            v.add(float(spec.status_quo))
        for lo, hi in [zone.ranges[spec.id]] if spec.id in zone.ranges else []:
            v |= {lo, hi, (lo + hi) / 2}
        values.append(np.array(sorted({round(x, 6) for x in v})))
    n_comb = math.prod(len(v) for v in values)
    if n_comb <= max_candidates:
        grid = np.array(list(itertools.product(*values)), dtype=float)
    else:
        rng = np.random.default_rng(seed)
        grid = np.stack([rng.choice(v, size=max_candidates) for v in values], axis=1)
    grid = np.vstack([grid, np.array([zone.balanced_deal[i] for i in table.issue_ids])[None]])
    margins = _margins(lin, grid)
    ok = (margins > 1e-12).all(axis=1) & ~_red_broken(lin, grid).any(axis=(1, 2))
    cand, m = grid[ok], margins[ok]
    score = np.log(np.maximum(m, 1e-300)).sum(axis=1)
    order = np.argsort(-score, kind="stable")
    deals: list[Deal] = []
    seen: set[tuple[float, ...]] = set()
    for k in order:
        key = tuple(np.round(cand[k], 3))
        if key in seen:
            continue
        seen.add(key)
        deals.append(
            Deal(
                outcome={iid: float(cand[k, i]) for i, iid in enumerate(table.issue_ids)},
                margins={a: float(m[k, n]) for n, a in enumerate(table.actors)},
                nash_log_product=float(score[k]),
                min_margin=float(m[k].min()),
            )
        )
        if len(deals) >= top:
            break
    return DealReport(
        negotiation=table.name,
        deals=deals,
        trades=trades(table),
        candidates=len(grid),
        accepted=int(ok.sum()),
    )


# ---------------------------------------------------------------------------------------------- plans


def score_plan(
    table: Negotiation, plan: Mapping[str, float], *, temperature: float = 0.05, min_actors: int = 2
) -> PlanScore:
    """Score a proposal (an outcome per issue) for every actor.

    ``acceptance = 1 / (1 + exp(-margin / temperature))`` (0.5 at indifference; ``temperature`` 0.05 = five
    points of salience-weighted movement on a 0-100 scale), and 0 when the plan breaks one of the actor's red
    lines. ``min_actors=1`` scores issues only one actor takes a side on (its stake counts; nobody else's).
    """
    lin = _lin(table, min_actors=min_actors)
    unknown = [k for k in plan if k not in table.issue_ids]
    if unknown:
        raise ModelInputError(f"plan: unknown issue {unknown[0]!r}; known: {', '.join(table.issue_ids)}")
    missing = [i for i in table.issue_ids if i not in plan]
    if missing:
        raise ModelInputError(f"plan: no outcome for issue {missing[0]!r}")
    if temperature <= 0:
        raise ModelInputError("plan: temperature must be > 0")
    x = np.array([float(plan[i]) for i in table.issue_ids])
    for i, spec in enumerate(table.issues):
        if not spec.lo <= x[i] <= spec.hi:
            raise ModelInputError(
                f"plan: issue {spec.id!r}: outcome {x[i]:g} outside the scale {spec.lo:g}-{spec.hi:g}"
            )
    u = _utilities(lin, x[None])[0]
    m = _margins(lin, x[None])[0]
    broken = _red_broken(lin, x[None])[0]
    scores = []
    for a, name in enumerate(table.actors):
        br = [table.issue_ids[i] for i in range(table.n_issues) if broken[a, i]]
        acc = 0.0 if br else 1.0 / (1.0 + math.exp(-float(m[a]) / temperature))
        scores.append(
            ActorScore(
                actor=name,
                utility=float(u[a]),
                no_deal_utility=float(u[a] - m[a]),
                margin=float(m[a]),
                red_lines_broken=br,
                acceptance=acc,
            )
        )
    accepted = [s.actor for s in scores if s.margin > 0 and not s.red_lines_broken]
    inv = table.involved()
    cap = (np.where(inv, table.capability_matrix(), 0.0).sum(axis=1) / np.maximum(inv.sum(axis=1), 1))
    share = float(sum(cap[a] for a, s in enumerate(scores) if s.actor in accepted) / cap.sum())
    return PlanScore(
        negotiation=table.name,
        plan={k: float(v) for k, v in plan.items()},
        actors=scores,
        accepted_by=accepted,
        rejected_by=[s.actor for s in scores if s.actor not in accepted],
        support_share=share,
        all_accept=float(np.prod([s.acceptance for s in scores])),
        temperature=temperature,
    )
