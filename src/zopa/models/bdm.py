"""``bdm.v1``: Bueno de Mesquita's expected-utility (challenge) model, as specified by Scholz, Calbert & Smith
(2011), "Unravelling Bueno De Mesquita's group decision model", *J. Theoretical Politics* 23(4).

Each issue is modelled on its own. Per round, for the actors taking part in the issue (capability ``c``,
salience ``s`` in [0, 1], position ``x``; distances ``d`` divided by the range of the starting positions):

1. **Votes** of actor ``k`` between positions ``x_i`` and ``x_j``: ``v_k(i, j) = c_k s_k (d_kj^r_k -
   d_ki^r_k)``.
2. **Probability of success** of ``i`` against ``j``: ``P_ij = sum_k max(0, v_k(i, j)) / sum_k |v_k(i, j)|``
   (the votes for ``i`` over all votes cast on that pair); ``P_ij = 0`` where ``x_i == x_j``.
3. **Utilities**, from the viewpoint of an actor with risk exponent ``r``: success ``U_s = 2 - 4 (0.5 - 0.5
   d)^r``, failure ``U_f = 2 - 4 (0.5 + 0.5 d)^r``, status quo ``U_sq = 2 - 4 (0.5)^r``, better / worse ``U_b,
   U_w = 2 - 4 (0.5 -/+ 0.25 (|x_i - mu| + d))^r`` (``mu`` the weighted mean).
4. **Expected utility of challenge** of ``i`` against ``j``: ``EU = s_j (P_ij U_s + (1 - P_ij) U_f) + (1 -
   s_j) U_s - Q U_sq - (1 - Q) (T U_b + (1 - T) U_w)``.
5. **Risk exponents, recomputed every round**: with all ``r = 1``, actor ``i``'s exposure is the sum of the
   others' expected utilities of challenging it; ``R_i = (2 e_i - e_max - e_min) / (e_max - e_min)`` and ``r_i
   = (1 - R_i / 3) / (1 + R_i / 3)`` (in [0.5, 2]).
6. **Offers.** Actor ``i`` assesses, with its own ``r_i``, ``EU_ij`` (it challenging ``j``) and ``EU_ji``
   (``j`` challenging it). It receives from ``j`` a *confrontation* when ``EU_ji > EU_ij > 0`` (it would lose:
   it moves to ``x_j``); a *compromise* when ``EU_ji > 0 > EU_ij`` and ``EU_ji > |EU_ij|`` (it moves towards
   ``x_j`` by the fraction ``|EU_ij / EU_ji|``); a *capitulation* when ``EU_ji > 0 > EU_ij`` and ``EU_ji <
   |EU_ij|`` (it moves to ``x_j``). It accepts one offer; all actors move at once.
7. Rounds repeat until no position moves (by more than ``tol``) or ``rounds`` is reached. The forecast is the
   weighted median (the position that beats every other in pairwise votes, risk-neutral) of the final
   positions.

Named options where public reimplementations disagree. The defaults are the ones that reproduce the paper's
published round-by-round table on the EC emissions case (8.4, 9.6 [9.9 published], 9.9, 9.9, 9.9, 7.4, 8.8,
9.6 after truncation to one decimal; see ``bench/bdm_ec.py``), i.e. the paper's own code rather than its text:

- ``probability``: ``"all_votes"`` (default; the denominator is the sum of all votes over every pair of
  actors, as Scholz's code does according to ``jmckib/bdm-scholz``) or ``"pairwise"`` (the formula as printed:
  votes for ``i`` over the votes cast on the pair ``i, j``).
- ``offer_choice``: ``"by_type"`` (default; confrontation before compromise before capitulation, among
  compromises the one whose EU-weighted point is lowest, as Scholz's code per ``jmckib``), ``"least_move"``
  (the text: the offer that requires the smallest change), ``"max_eu"`` (the offer whose sender expects most,
  as ``dmasad``'s replication).
- ``capitulation_bug``: ``False``. ``True`` reproduces the published reimplementation whose capitulation test
  compares ``EU_ji`` with its own absolute value, so capitulation never fires.
- ``votes_use_risk``: ``True`` (votes use each voter's risk exponent, as in both codes); ``False``: linear.
- ``q`` (probability that the status quo holds absent a challenge), ``t`` (probability that a change improves
  things): 1.0 and 1.0 as in both codes; with ``q = 1`` the ``U_b, U_w`` terms vanish.
- ``distance_scale``: ``"positions"`` (range of the starting positions, both codes) or ``"issue"`` (the
  issue's 0-100 scale).
- ``forecast``: ``"median"`` (default) or ``"mean"`` (capability x salience weighted mean).

Everything within a round is NumPy over actor x actor matrices: the vote sums use prefix sums over actors
sorted by position (``O(n^2)`` per round, not ``O(n^3)``), with no Python loop over actor pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from zopa.errors import ModelInputError
from zopa.models.registry import ModelResult, register
from zopa.models.table import Negotiation

Probability = Literal["pairwise", "all_votes"]
OfferChoice = Literal["least_move", "by_type", "max_eu"]

CONFRONTATION, COMPROMISE, CAPITULATION = 1, 2, 3
_EPS = 1e-12  # expected utilities closer than this are equal
OFFER_NAMES = {
    0: "none",
    CONFRONTATION: "confrontation",
    COMPROMISE: "compromise",
    CAPITULATION: "capitulation",
}


def weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    """The position that beats every other in risk-neutral pairwise votes: the weighted median of ``x``."""
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order])
    k = int(np.searchsorted(cum, cum[-1] / 2.0 * (1.0 - 1e-12), side="left"))
    return float(x[order][min(k, len(x) - 1)])


@dataclass(frozen=True, slots=True)
class _Pairs:
    """Per-round pair geometry for actors sorted by position (computed once, used by every vote sum)."""

    d: np.ndarray  # |x_i - x_j| / scale
    i_left: np.ndarray  # x_i < x_j
    same: np.ndarray  # x_i == x_j
    lo_i: np.ndarray  # flat indices into the (n + 1, n) prefix-sum table: row lo[i, j], column i
    lo_j: np.ndarray
    # logs with one row per actor and one column per distinct position (``cols`` maps actor columns to them;
    # ``None`` when all positions differ): powers ``y^r_i`` are ``exp(r_i log y)``, taken there and then
    # spread to all columns
    cols: np.ndarray | None
    log_d: np.ndarray  # log d (-inf where the positions are equal)
    log_near: np.ndarray  # log(0.5 - 0.5 d)
    log_far: np.ndarray  # log(0.5 + 0.5 d)

    def spread(self, m: np.ndarray) -> np.ndarray:
        """``m`` (one column per distinct position) with one column per actor."""
        return m if self.cols is None else m.take(self.cols, axis=1)


def _pairs(x: np.ndarray, scale: float) -> _Pairs:
    """``x`` must be sorted. ``lo[i, j]``: how many actors lie strictly left of the midpoint of ``x_i, x_j``
    (an actor exactly on the midpoint is indifferent, so it may count on either side).

    Every quantity here depends only on the two positions, and actors often share one (after confrontations
    and capitulations), so it is computed once per pair of distinct positions and then spread out."""
    n = len(x)
    first = np.empty(n, dtype=bool)
    first[:1] = True
    np.not_equal(x[1:], x[:-1], out=first[1:])
    xu = x[first]
    u = len(xu)
    # separate arrays rather than one stacked block: each stays small enough for the allocator to recycle
    mid = ((xu[:, None] + xu[None, :]) / 2.0).ravel()  # rows are sorted: searchsorted runs fast
    lo = np.searchsorted(x, mid, side="left")
    d = np.abs(xu[:, None] - xu[None, :]) / scale
    with np.errstate(divide="ignore"):
        logs = [np.log(d), np.log(np.maximum(0.5 - 0.5 * d, 0.0))]
    logs.append(np.log(0.5 + 0.5 * d))
    ui = None
    if u < n:
        ui = np.cumsum(first) - 1
        flat = (ui[:, None] * u + ui[None, :]).ravel()
        lo, d = lo.take(flat), d.take(flat).reshape(n, n)
        logs = [m.take(ui, axis=0) for m in logs]
    lo = lo.reshape(n, n) * n
    col = np.arange(n)
    return _Pairs(
        d=d,
        i_left=x[:, None] < x[None, :],
        same=x[:, None] == x[None, :],
        lo_i=lo + col[:, None],
        lo_j=lo + col[None, :],
        cols=ui,
        log_d=logs[0],
        log_near=logs[1],
        log_far=logs[2],
    )


def win_probability(
    x: np.ndarray,
    w: np.ndarray,
    r: np.ndarray | None,
    scale: float,
    how: Probability,
    pairs: _Pairs | None = None,
) -> np.ndarray:
    """``P[i, j]``: probability that ``x_i`` beats ``x_j`` given votes ``w_k (d_kj^r_k - d_ki^r_k)``.

    Voters nearer ``x_i`` than ``x_j`` are exactly those on ``x_i``'s side of the midpoint, so with actors
    sorted by position each sum is a difference of prefix sums: ``O(n^2)`` memory and time. ``x`` unsorted is
    sorted here and the result returned in the caller's order.
    """
    n = len(x)
    if pairs is None:
        order = np.argsort(x, kind="stable")
        inv = np.empty(n, dtype=int)
        inv[order] = np.arange(n)
        ps = win_probability(
            x[order], w[order], None if r is None else r[order], scale, how, _pairs(x[order], scale)
        )
        return ps[np.ix_(inv, inv)]
    g = pairs
    if r is None:
        a = w[:, None] * g.d  # a[k, j] = w_k d_kj^r_k
    else:
        a = np.multiply(r[:, None], g.log_d)
        np.exp(a, out=a)
        a *= w[:, None]
        a = g.spread(a)
    c = np.zeros((n + 1, n))
    np.cumsum(a, axis=0, out=c[1:])
    total = c[-1]
    cf = c.ravel()
    # voters left of the midpoint: sum of (a_kj - a_ki); right of it: sum of (a_ki - a_kj), which is the
    # difference of the totals plus the left sum
    left = cf.take(g.lo_j) - cf.take(g.lo_i)
    right = total[:, None] - total[None, :]
    right += left
    pos = np.where(g.i_left, left, -right)
    np.maximum(pos, 0.0, out=pos)
    if how == "pairwise":
        neg = np.where(g.i_left, right, -left)
        np.maximum(neg, 0.0, out=neg)
        den = pos + neg
        den[den <= 0] = np.inf
    else:
        coef = 2.0 * np.arange(n) - n + 1.0
        den = 2.0 * float((np.sort(a, axis=1) * coef).sum())
        if den <= 0:
            den = np.inf
    p = np.divide(pos, den, out=pos)
    p[g.same] = 0.0
    return p


def offer_utilities(
    pairs: _Pairs,
    x: np.ndarray,
    s: np.ndarray,
    p: np.ndarray,
    r: np.ndarray | None,
    mu: float,
    q: float,
    t: float,
    scale: float,
) -> tuple[np.ndarray, np.ndarray]:
    """``EU_ij`` (``i`` challenges ``j``) and ``EU_ji`` (``j`` challenges ``i``), both seen by ``i`` with its
    own exponent ``r_i`` (``None``: all 1). Distances are symmetric, so both share the same two power
    matrices."""
    d = pairs.d
    rv: np.ndarray | float
    usq: np.ndarray | float
    if r is None:
        us, uf, usq, rv = 2.0 - 4.0 * (0.5 - 0.5 * d), 2.0 - 4.0 * (0.5 + 0.5 * d), 0.0, 1.0
    else:
        rv = r[:, None]
        us, uf = np.multiply(rv, pairs.log_near), np.multiply(rv, pairs.log_far)
        for u in (us, uf):  # 2 - 4 exp(r log(...)), in place
            np.exp(u, out=u)
            u *= 4.0
            np.subtract(2.0, u, out=u)
        us, uf = pairs.spread(us), pairs.spread(uf)
        usq = 2.0 - 4.0 * 0.5**rv
    diff = us - uf
    sq = q * usq
    eu_ij = np.multiply(p, diff)
    eu_ji = np.multiply(p.T, diff)
    for eu, sal in ((eu_ij, s[None, :]), (eu_ji, s[:, None])):  # s (p diff + uf - us) + us - q usq
        eu += uf
        eu -= us
        eu *= sal
        eu += us
        eu -= sq
    if q != 1.0:
        for eu, own in ((eu_ij, x[:, None]), (eu_ji, x[None, :])):
            spread = np.clip(0.25 * (np.abs(own - mu) / scale + d), 0.0, 0.5)
            eu -= (1.0 - q) * (
                t * (2.0 - 4.0 * (0.5 - spread) ** rv) + (1.0 - t) * (2.0 - 4.0 * (0.5 + spread) ** rv)
            )
    return eu_ij, eu_ji


def risk_exponents(
    pairs: _Pairs,
    x: np.ndarray,
    w: np.ndarray,
    s: np.ndarray,
    scale: float,
    how: Probability,
    mu: float,
    q: float,
    t: float,
) -> np.ndarray:
    """Scholz et al. section 5: exposure to challenges with all ``r = 1``, mapped to ``r`` in [0.5, 2]."""
    p = win_probability(x, w, None, scale, how, pairs)
    if q == 1.0:  # r = 1: U_s = 2d, U_f = -2d, U_sq = 0, so EU[a, i] = 2 d (1 - 2 s_i (1 - P_ai))
        exposure = 2.0 * (pairs.d * (1.0 - 2.0 * s[:, None] * (1.0 - p.T))).sum(axis=1)
    else:
        _, eu_ji = offer_utilities(pairs, x, s, p, None, mu, q, t, scale)  # eu_ji[i, j]: j challenges i
        np.fill_diagonal(eu_ji, 0.0)
        exposure = eu_ji.sum(axis=1)
    hi, lo = exposure.max(), exposure.min()
    if hi - lo <= 1e-9 * max(abs(hi), abs(lo), 1e-300):  # all equally exposed (up to float noise)
        return np.ones(len(x))
    big_r = (2.0 * exposure - hi - lo) / (hi - lo)
    return (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


def one_round(
    x: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    scale: float,
    *,
    how: Probability,
    offer_choice: OfferChoice,
    capitulation_bug: bool,
    votes_use_risk: bool,
    q: float,
    t: float,
) -> dict[str, np.ndarray]:
    """One round of challenges and offers for one issue; returns new positions and what happened."""
    n = len(x)
    # actors sharing a position are ordered by capability and salience, not by label, so that the sums (and
    # the float noise in them) do not depend on how the actors are listed
    order = np.lexsort((s, c, x))
    x_in, x, c, s = x, x[order], c[order], s[order]
    w = c * s
    mu = float((w * x).sum() / w.sum()) if w.sum() > 0 else float(x.mean())
    pairs = _pairs(x, scale)
    r = risk_exponents(pairs, x, w, s, scale, how, mu, q, t)
    p = win_probability(x, w, r if votes_use_risk else None, scale, how, pairs)
    eu_ij, eu_ji = offer_utilities(pairs, x, s, p, r, mu, q, t, scale)
    differ = ~pairs.same
    abs_ij = np.abs(eu_ij)
    # comparisons that are ties in exact arithmetic stay ties under float noise (e.g. rescaled capabilities)
    eps = _EPS
    conf = (eu_ji > eu_ij + eps) & (eu_ij > eps)
    conf &= differ
    yield_ = (eu_ji > eps) & (eu_ij < -eps)
    yield_ &= differ
    comp = yield_ & (eu_ji > abs_ij + eps)
    cap = yield_ & ((eu_ji < np.abs(eu_ji)) if capitulation_bug else (eu_ji < abs_ij - eps))
    share = np.divide(abs_ij, eu_ji, out=np.ones_like(abs_ij), where=comp)  # share of the way to x_j
    dx = x[None, :] - x[:, None]
    # the three are exclusive; small integers (the booleans viewed as 0/1 bytes) keep this cheap
    i8 = np.int8
    kind = conf.view(i8) * i8(CONFRONTATION)
    kind += comp.view(i8) * i8(COMPROMISE)
    kind += cap.view(i8) * i8(CAPITULATION)
    has = kind > 0
    move = np.abs(dx)
    move *= share
    if offer_choice == "least_move":
        score = np.where(has, move, np.inf)
    elif offer_choice == "max_eu":
        score = np.where(has, -eu_ji + 1e-12 * move, np.inf)
    else:
        # compromises are keyed by their EU-weighted point (EU_ji > 0 there, so |EU_ij| + EU_ji > 0), the
        # rest by how far they move
        key = move
        at = np.flatnonzero(comp)
        a_ij, a_ji = abs_ij.ravel()[at], eu_ji.ravel()[at]
        key.ravel()[at] = (a_ij * x[at // n] + a_ji * x[at % n]) / (a_ij + a_ji)
        best_type = np.where(has, kind, 99).min(axis=1, keepdims=True)
        score = np.where(has & (kind == best_type), key, np.inf)
    pick = np.argmin(np.round(score, 10), axis=1)  # near-equal offers: the first, as with exact ties
    rows = np.arange(n)
    got = np.isfinite(score[rows, pick])
    back = np.empty(n, dtype=int)
    back[order] = rows  # sorted index of each input actor
    target = x + dx[rows, pick] * share[rows, pick]  # only the picked offers
    new_x = np.where(got, target, x)[back]
    assert new_x.shape == x_in.shape
    return {
        "x": new_x,
        "r": r[back],
        "offer_from": np.where(got, order[pick], -1)[back],
        "offer_kind": np.where(got, kind[rows, pick].astype(int), 0)[back],
        "mean": np.asarray(mu),
    }


@register("bdm.v1")
def bdm_model(
    table: Negotiation,
    *,
    rounds: int = 100,
    tol: float = 1e-9,
    probability: Probability = "all_votes",
    offer_choice: OfferChoice = "by_type",
    capitulation_bug: bool = False,
    votes_use_risk: bool = True,
    q: float = 1.0,
    t: float = 1.0,
    distance_scale: Literal["positions", "issue"] = "positions",
    forecast: Literal["median", "mean"] = "median",
    keep_offers: bool = True,
    seed: int | None = None,
) -> ModelResult:
    """Bueno de Mesquita's challenge model per Scholz, Calbert & Smith (2011); options in the module
    docstring.

    ``seed`` is accepted for the common model signature; the model is deterministic. ``keep_offers`` records
    each round's accepted offers (who moved, towards whom, which kind) in the history.
    """
    if rounds < 1:
        raise ModelInputError(f"bdm.v1: rounds must be >= 1, got {rounds}")
    for name, val, allowed in (
        ("probability", probability, ("pairwise", "all_votes")),
        ("offer_choice", offer_choice, ("least_move", "by_type", "max_eu")),
        ("distance_scale", distance_scale, ("positions", "issue")),
        ("forecast", forecast, ("median", "mean")),
    ):
        if val not in allowed:
            raise ModelInputError(f"bdm.v1: {name} must be one of {allowed}, got {val!r}")
    if not (0.0 <= q <= 1.0 and 0.0 <= t <= 1.0):
        raise ModelInputError(f"bdm.v1: q and t are probabilities in [0, 1], got q={q}, t={t}")
    pos = np.asarray(table.position, dtype=float)
    cap = table.capability_matrix()
    sal = np.asarray(table.salience, dtype=float)
    ids = table.issue_ids
    actors = table.actors
    ni = pos.shape[1]
    current = pos.copy()
    per_issue: dict[str, Any] = {}
    history: list[dict[str, Any]] = []
    rounds_run = np.zeros(ni, dtype=int)
    traces: list[list[dict[str, Any]]] = []
    for k, spec in enumerate(table.issues):
        inv = ~np.isnan(pos[:, k])
        idx = np.flatnonzero(inv)
        x = pos[idx, k].copy()
        c, s = cap[idx, k], sal[idx, k]
        w = c * s
        scale = float(x.max() - x.min()) if distance_scale == "positions" else float(spec.hi - spec.lo)
        trace: list[dict[str, Any]] = [
            {
                "round": 0,
                "x": x.copy(),
                "median": weighted_median(x, w),
                "mean": float((w * x).sum() / w.sum()) if w.sum() > 0 else float(x.mean()),
            }
        ]
        if scale <= 0:
            traces.append(trace)
            per_issue[spec.id] = {"start_median": trace[0]["median"], "start_mean": trace[0]["mean"]}
            continue
        for rnd in range(1, rounds + 1):
            out = one_round(
                x,
                c,
                s,
                scale,
                how=probability,
                offer_choice=offer_choice,
                capitulation_bug=capitulation_bug,
                votes_use_risk=votes_use_risk,
                q=q,
                t=t,
            )
            new_x = out["x"]
            step: dict[str, Any] = {
                "round": rnd,
                "x": new_x.copy(),
                "r": out["r"],
                "median": weighted_median(new_x, w),
                "mean": float((w * new_x).sum() / w.sum()) if w.sum() > 0 else float(new_x.mean()),
            }
            if keep_offers:
                moved = np.flatnonzero(out["offer_kind"] > 0)
                step["offers"] = [
                    {"actor": actors[a], "from": actors[f], "kind": OFFER_NAMES[kd], "old": old, "new": nw}
                    for a, f, kd, old, nw in zip(
                        idx[moved].tolist(),
                        idx[out["offer_from"][moved]].tolist(),
                        out["offer_kind"][moved].tolist(),
                        x[moved].tolist(),
                        new_x[moved].tolist(),
                        strict=True,
                    )
                ]
            trace.append(step)
            rounds_run[k] = rnd
            stable = np.max(np.abs(new_x - x)) <= tol
            x = new_x
            if stable:
                break
        current[idx, k] = x
        traces.append(trace)
        per_issue[spec.id] = {
            "start_median": trace[0]["median"],
            "start_mean": trace[0]["mean"],
            "rounds": int(rounds_run[k]),
            "stable": bool(len(trace) <= rounds),
            "risk_exponents": {table.actors[i]: float(v) for i, v in zip(idx, trace[1]["r"], strict=True)}
            if len(trace) > 1
            else {},
        }
    longest = max(len(tr) for tr in traces)
    names = [[actors[i] for i in np.flatnonzero(~np.isnan(pos[:, k]))] for k in range(ni)]
    for rnd in range(longest):
        entry: dict[str, Any] = {"round": rnd, "positions": {}, "median": {}, "mean": {}}
        for k, spec in enumerate(table.issues):
            tr = traces[k][min(rnd, len(traces[k]) - 1)]
            entry["positions"][spec.id] = dict(zip(names[k], tr["x"].tolist(), strict=True))
            entry["median"][spec.id] = tr["median"]
            entry["mean"][spec.id] = tr["mean"]
            if "offers" in tr and rnd < len(traces[k]):
                entry.setdefault("offers", {})[spec.id] = tr["offers"]
        history.append(entry)
    final = history[-1]
    result = {i: float(final[forecast][i]) for i in ids}
    return ModelResult(
        model="bdm.v1",
        params={
            "rounds": rounds,
            "tol": tol,
            "probability": probability,
            "offer_choice": offer_choice,
            "capitulation_bug": capitulation_bug,
            "votes_use_risk": votes_use_risk,
            "q": q,
            "t": t,
            "distance_scale": distance_scale,
            "forecast": forecast,
            "seed": seed,
        },
        forecast=result,
        history=history,
        diagnostics={"issues": per_issue, "final_positions": current},
        inputs=table.name,
    )
