"""``smp.v1``: KTAB's Spatial Model of Politics (KAPSARC, MIT licence), reimplemented in NumPy.

Positions and saliences are on [0, 1] (table values / 100); capability ``c_i``. One *state* holds every
actor's position (a vector over the issues); each step to the next state runs:

1. **Distances and utilities.** ``d_ij = sqrt(sum_k (s_ik (x_ik - x_jk))^2 / sum_k s_ik^2)`` (actor ``i``'s
   salience-weighted distance from its ideal to ``j``'s position); utility ``u = v + R v (1 - v)`` with ``v =
   1 - d`` and risk attitude ``R`` in [-1, 1] (``bsUtil``).
2. **Risk attitudes from outcome probabilities.** With ``R = 0``, every actor votes (capability-weighted, by
   the *voting rule*) between every pair of positions; coalition strengths give pairwise *victory
   probabilities* (``victory_prob``: Linear ``c_ij / (c_ij + c_ji)``, Square, Quartic, Octic, Binary) and a
   probability per position from a *probabilistic Condorcet election* (``pce_model``: Conditional,
   MarkovIncentive, MarkovUniform). ``R_i`` rises with the probability of ``i``'s own position
   (``big_r_range``: Min, Mid, Max). Actor ``h`` estimates ``i``'s attitude as a blend of ``R_h`` and ``R_i``
   (``big_r_adjust``: Full, TwoThirds, Half, OneThird, No), giving ``h``'s utility matrix ``U^h``.
3. **Challenges.** Actor ``i`` estimates, for every target ``j``, the probability that it wins ``i:j`` (its
   own and ``j``'s votes, then each third party joining the side it prefers in the little three-actor contest,
   ``third_party_commit``: No, Semi, Full) and its expected gain over the status quo ``(1 - s_j) U(i wins) +
   s_j [P U(i wins) + (1 - P) U(j wins)] - U(status quo)``. It challenges the target with the largest positive
   gain (above 1e-5).
4. **Bargains.** A challenge becomes a bargain: both sides move towards each other, per issue, with weights
   ``s^n P^m`` (``inter_vec_bargain``: S1P1, S2P2, S2PMax), rounded to 1e-4 as KTAB does. ``bargain_model``:
   InitOnlyInterp (the initiator's view), InitRcvrInterp (both views: KTAB passes the receiver's *expected
   gain* where a probability is expected; reproduced), PWCompInterp (power-weighted compromise of both views).
5. **State transition.** Each actor's list of bargains (its status quo, those it initiated, those it received)
   is put to a probabilistic Condorcet election in which every actor values a bargain by the mean utility of
   the resulting positions; ``state_transitions`` Deterministic takes the most probable bargain, Stochastic
   draws one (from NumPy's generator seeded with ``seed``: KTAB's own PRNG stream is not reproduced).
6. **Ideals** follow positions (identity accommodation) unless ``ideal_adjust`` pairs ``(actor, towards,
   rate)`` are given (KTAB XML ``<IdealAdjustment>``).
7. **Stop** (KTAB ``smpStopFn``): at least 2 and at most ``max_states - 1`` steps; stop once the summed
   movement of a step is below 2% of the first step's (+1e-4).

The forecast per issue is the position that the final state's probabilistic Condorcet election (every actor
with its own utilities, proportional voting, as KTAB's ``pDist(-1)``) makes most probable; diagnostics add the
capability x salience weighted mean and each state's probabilities. Defaults are those of KTAB's ``smpc`` for
CSV input (Linear, Proportional, Conditional, Deterministic, Mid, OneThird, SemiCommit, S2P2, InitOnlyInterp);
option values use KTAB's XML spellings.

**Relabelling invariance.** KTAB breaks exact ties (challenge target, bargain picked in the state transition,
most probable position) by taking the first in actor order. Here values within 1e-7 (relative) of the best
are tied and the tie goes to the option whose positions (then inputs) sort first, so a run does not depend on
the order of the actors; options still tied are interchangeable. KTAB's reference runs take the same choices.
The forecast groups positions closer than 0.1 in order of position, not of actors (see ``_pdist``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from zopa.errors import ModelInputError
from zopa.models.registry import ModelResult, register
from zopa.models.table import Negotiation

VICTORY = ("Linear", "Square", "Quartic", "Octic", "Binary")
PCE = ("Conditional", "MarkovIncentive", "MarkovUniform")
TRANSITIONS = ("Deterministic", "Stochastic")
VOTING = ("Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp")
BIG_R_ADJUST = ("Full", "TwoThirds", "Half", "OneThird", "No")
BIG_R_RANGE = ("Min", "Mid", "Max")
THIRD_PARTY = ("NoCommit", "SemiCommit", "FullCommit")
INTER_VEC = ("S1P1", "S2P2", "S2PMax")
BARGAIN = ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")
_ALIASES = {"Prop": "Proportional", "Cbc": "Cubic"}

MIN_COALITION = 1e-8
MIN_CHALLENGE = 1e-10
MIN_GAIN = 1e-5
POS_TOL = 1e-3  # KTAB SMPModel::posTol: positions closer than 0.1 on 0-100 are the same


def vote(rule: str, w: np.ndarray | float, du: np.ndarray) -> np.ndarray:
    """KTAB ``Model::vote``: the vote of weight ``w`` for the option it values ``du`` more."""
    if rule == "Proportional":
        return w * du
    if rule == "Binary":
        return w * np.clip(du / 1e-8, -1.0, 1.0)
    if rule == "PropBin":
        return w * (0.8 * du + 0.2 * np.clip(du / 1e-8, -1.0, 1.0))
    if rule == "PropCbc":
        return w * (0.5 * du + 0.5 * du**3)
    if rule == "Cubic":
        return w * du**3
    return np.where(du < 0, w * du, np.where(du > 0, 2.0 * w * du / 3.0, 0.0))  # ASymProsp


def victory_probability(model: str, c_ij: np.ndarray, c_ji: np.ndarray) -> np.ndarray:
    """KTAB ``Model::vProb``: probability that the side of strength ``c_ij`` beats the side of ``c_ji``."""
    if model == "Binary":
        r = c_ij / (c_ij + c_ji)
        p = (r * 2.1 - 1.0) / 0.1
        p = np.where(
            c_ij >= 1.1 * c_ji, 1.0 / (1.0 + 1e-6), np.where(c_ji >= 1.1 * c_ij, 1e-6 / (1.0 + 1e-6), p)
        )
        return p
    power = {"Linear": 1, "Square": 2, "Quartic": 4, "Octic": 8}[model]
    a, b = c_ij**power, c_ji**power
    return a / (a + b)


def coalitions(u: np.ndarray, w: np.ndarray, rule: str) -> np.ndarray:
    """``c[i, j]``: strength of the coalition for option ``i`` against ``j`` (KTAB ``Model::coalitions``).

    ``u[k, i]`` is actor ``k``'s utility of option ``i``; ``w[k]`` its voting weight. Only ``vote(k, i, j)``
    for ``i > j`` is used, as in KTAB (this matters for the asymmetric rule).
    """
    n = u.shape[1]
    v = vote(rule, w[:, None, None], u[:, :, None] - u[:, None, :])  # v[k, i, j]
    pos = np.where(v > 0, v, 0.0).sum(axis=0)
    neg = np.where(v < 0, -v, 0.0).sum(axis=0)
    lower = np.tril(np.ones((n, n), dtype=bool), -1)
    c = np.full((n, n), MIN_COALITION)
    c[lower] += pos[lower]
    c.T[lower] += neg[lower]  # c[j, i] for i > j
    return c


def victory_matrix(model: str, c: np.ndarray) -> np.ndarray:
    n = c.shape[0]
    p = np.full((n, n), 0.5)
    lower = np.tril(np.ones((n, n), dtype=bool), -1)
    pl = victory_probability(model, c[lower], c.T[lower])
    p[lower] = pl
    p.T[lower] = 1.0 - pl
    return p


def condorcet(c: np.ndarray, vpm: str, pcem: str) -> tuple[np.ndarray, np.ndarray]:
    """KTAB ``Model::probCE2``: probability of each option and the pairwise victory matrix."""
    pv = victory_matrix(vpm, c)
    n = c.shape[0]
    if pcem == "Conditional":
        p = np.prod(pv, axis=1)
        return p / p.sum(), pv
    if pcem == "MarkovUniform":
        p = np.full(n, 1.0 / n)
        for _ in range(1000):
            q = (pv * (p[:, None] + p[None, :])).sum(axis=1) / n
            change = np.max(np.abs(q - p))
            p = (p + q) / 2.0
            if change <= 1e-6:
                return p, pv
        raise ModelInputError("smp.v1: MarkovUniform election did not converge in 1000 iterations")
    incentive = c * pv + np.eye(n) * 1e-10
    chlg = incentive / incentive.sum(axis=0, keepdims=True)  # chlg[i, j]: i challenges favourite j
    p = np.full(n, 1.0 / n)
    for _ in range(1000):
        ct = p[:, None] * chlg.T  # ct[i, j] = p_i * chlg[j, i]
        q = (pv * (ct + ct.T)).sum(axis=1)
        change = np.max(np.abs(q - p))
        p = (p + q) / 2.0
        if change <= 1e-8:
            return p, pv
    raise ModelInputError("smp.v1: MarkovIncentive election did not converge in 1000 iterations")


def util(d: np.ndarray, r: np.ndarray | float) -> np.ndarray:
    """KTAB ``bsUtil``: ``(1 - d)(1 + d R)``, i.e. ``v + R v (1 - v)`` with ``v = 1 - d``."""
    return np.where(d <= 1.0, (1.0 - d) * (1.0 + d * r), (1.0 - d) * (1.0 + r))


def big_r(p: np.ndarray, rng_mode: str) -> np.ndarray:
    lo, hi = float(p.min()), float(p.max())
    span = hi - lo
    if span <= 1e-9 * hi:
        # every position equally likely (up to float noise, which the division below would blow up to +-1;
        # KTAB divides by zero here): everyone risk neutral
        return np.zeros_like(p)
    if rng_mode == "Min":
        return (p - lo) / span
    if rng_mode == "Mid":
        return (3.0 * p - (hi + 2.0 * lo)) / (2.0 * span)
    return (2.0 * p - (hi + lo)) / span


def est_r(rh: np.ndarray, ri: np.ndarray, adjust: str) -> np.ndarray:
    """``r[h, i]``: ``h``'s estimate of ``i``'s risk attitude (KTAB ``Model::estNRA``)."""
    rh, ri = rh[:, None], ri[None, :]
    return {
        "Full": ri + 0 * rh,
        "TwoThirds": (rh + 2.0 * ri) / 3.0,
        "Half": (rh + ri) / 2.0,
        "OneThird": (2.0 * rh + ri) / 3.0,
        "No": rh + 0 * ri,
    }[adjust]


def salience_distance(a: np.ndarray, b: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``d[i, j]`` between ``a[i]`` and ``b[j]`` with ``i``'s saliences ``s[i]`` (KTAB ``bvDiff``)."""
    diff = (a[:, None, :] - b[None, :, :]) * s[:, None, :]
    return np.sqrt((diff**2).sum(axis=2) / (s**2).sum(axis=1)[:, None])


class _Params:
    def __init__(self, **kw: str) -> None:
        self.__dict__.update(kw)

    victory_prob: str
    pce_model: str
    state_transitions: str
    voting_rule: str
    big_r_adjust: str
    big_r_range: str
    third_party_commit: str
    inter_vec_bargain: str
    bargain_model: str


def _state_utils(
    pos: np.ndarray,
    ideal: np.ndarray,
    sal: np.ndarray,
    cap: np.ndarray,
    o: _Params,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Risk attitudes and every actor's utility matrix ``A[h, i, j]`` (KTAB ``setAllAUtil``)."""
    d = salience_distance(ideal, pos, sal)
    rn = util(d, 0.0)
    c = coalitions(rn, cap, o.voting_rule)
    p, _ = condorcet(c, o.victory_prob, o.pce_model)
    r = big_r(p, o.big_r_range)
    rhi = est_r(r, r, o.big_r_adjust)  # [h, i]
    a = util(d[None, :, :], rhi[:, :, None])
    return r, a, d


def _challenges(
    a: np.ndarray,
    sal_sum: np.ndarray,
    cap: np.ndarray,
    o: _Params,
) -> tuple[np.ndarray, np.ndarray]:
    """For every ``i`` (estimating for itself) and target ``j``: P(i beats j) and i's expected gain.

    Vectorised KTAB ``probEduChlg(i, i, i, j)`` including the third-party little contests.
    """
    na = a.shape[0]
    idx = np.arange(na)
    diag = a[:, idx, idx]  # diag[h, n] = A[h, n, n]
    ah = a  # a[h, x, y]
    uii = diag[idx, idx][:, None] * np.ones((1, na))  # A[i, i, i]
    uij = ah[idx, idx, :]  # A[i, i, j]
    uji = ah[idx, :, idx]  # A[i, j, i]
    ujj = diag  # A[i, j, j]
    w = sal_sum * cap
    ci = vote(o.voting_rule, w[:, None], uii - uij)
    cj = vote(o.voting_rule, w[None, :], uji - ujj)
    chij = MIN_CHALLENGE + np.maximum(ci, 0.0) + np.maximum(cj, 0.0)
    chji = MIN_CHALLENGE + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0)
    # third parties n: uni = A[i, n, i], unj = A[i, n, j], unn = A[i, n, n]; arrays [i, j, n]
    uni = np.broadcast_to(ah[idx, :, idx][:, None, :], (na, na, na))
    unj = np.transpose(ah, (0, 2, 1))  # [i, j, n] = A[i, n, j]
    unn = np.broadcast_to(diag[:, None, :], (na, na, na))
    wn = w[None, None, :]
    vn = vote(o.voting_rule, wn, uni - unj)
    ci3, cj3 = chij[:, :, None], chji[:, :, None]
    cni = np.where(vn > 0, ci3 + vn, ci3)
    cnj = np.where(vn < 0, cj3 - vn, cj3)
    pin = cni / (cni + cnj)
    pjn = 1.0 - pin
    if o.third_party_commit == "FullCommit":
        u_ik_def_j, u_j_def_ik, u_i_def_jk, u_jk_def_i = 3 * uni, 3 * unj, 3 * uni, 3 * unj
    elif o.third_party_commit == "SemiCommit":
        u_ik_def_j, u_j_def_ik, u_i_def_jk, u_jk_def_i = 2 * uni + unn, 3 * unj, 3 * uni, 2 * unj + unn
    else:
        u_ik_def_j, u_j_def_ik, u_i_def_jk, u_jk_def_i = (
            2 * uni + unn,
            2 * unj + unn,
            2 * uni + unn,
            2 * unj + unn,
        )
    u_ik_j = pin * u_ik_def_j + pjn * u_j_def_ik
    u_i_jk = pin * u_i_def_jk + pjn * u_jk_def_i
    vk = vote(o.voting_rule, wn, u_ik_j - u_i_jk)
    third = ~((idx[None, None, :] == idx[:, None, None]) | (idx[None, None, :] == idx[None, :, None]))
    vk = np.where(third, vk, 0.0)
    chij = chij + np.where(vk > 0, vk, 0.0).sum(axis=2)
    chji = chji + np.where(vk < 0, -vk, 0.0).sum(axis=2)
    p = chij / (chij + chji)
    u_win = 2.0 * uii
    u_lose = 2.0 * uij
    eu_sq = uii + uij
    sj = sal_sum[None, :]
    gain = (1.0 - sj) * u_win + sj * (p * u_win + (1.0 - p) * u_lose) - eu_sq
    np.fill_diagonal(gain, -np.inf)
    return p, gain


def _gain_one(
    a: np.ndarray, sal_sum: np.ndarray, cap: np.ndarray, o: _Params, h: int, k: int, i: int, j: int
) -> tuple[float, float]:
    """KTAB ``probEduChlg(h, k, i, j)`` for one quadruple (used for the receiver's view of a bargain)."""
    ah = a[h]
    w = sal_sum * cap
    ci = float(vote(o.voting_rule, w[i], np.asarray(ah[i, i] - ah[i, j])))
    cj = float(vote(o.voting_rule, w[j], np.asarray(ah[j, i] - ah[j, j])))
    chij = MIN_CHALLENGE + max(ci, 0.0) + max(cj, 0.0)
    chji = MIN_CHALLENGE + max(-ci, 0.0) + max(-cj, 0.0)
    n = np.array([m for m in range(a.shape[0]) if m not in (i, j)], dtype=int)
    if len(n):
        uni, unj, unn = ah[n, i], ah[n, j], ah[n, n]
        vn = vote(o.voting_rule, w[n], uni - unj)
        cni = np.where(vn > 0, chij + vn, chij)
        cnj = np.where(vn < 0, chji - vn, chji)
        pin = cni / (cni + cnj)
        pjn = 1.0 - pin
        if o.third_party_commit == "FullCommit":
            a1, a2, a3, a4 = 3 * uni, 3 * unj, 3 * uni, 3 * unj
        elif o.third_party_commit == "SemiCommit":
            a1, a2, a3, a4 = 2 * uni + unn, 3 * unj, 3 * uni, 2 * unj + unn
        else:
            a1, a2, a3, a4 = 2 * uni + unn, 2 * unj + unn, 2 * uni + unn, 2 * unj + unn
        vk = vote(o.voting_rule, w[n], (pin * a1 + pjn * a2) - (pin * a3 + pjn * a4))
        chij += float(np.where(vk > 0, vk, 0.0).sum())
        chji += float(np.where(vk < 0, -vk, 0.0).sum())
    p = chij / (chij + chji)
    win, lose, sq = 2 * ah[k, i], 2 * ah[k, j], ah[k, i] + ah[k, j]
    sj = sal_sum[j]
    return p, float((1 - sj) * win + sj * (p * win + (1 - p) * lose) - sq)


def _first_max(v: np.ndarray, rel: float = 1e-7, keys: Sequence[tuple[float, ...]] | None = None) -> int:
    """Index of the maximum of ``v``, ties broken without reference to actor order.

    KTAB takes the first of exactly tied options, i.e. it lets the order of the actors decide. Here every
    value within ``rel`` (relative) of the maximum counts as tied (float noise, e.g. from summation order or
    rescaled capabilities against KTAB's fixed minimum coalition strengths, separates options that are equal
    in exact arithmetic), and among tied options the one with the smallest ``keys`` entry wins: keys are
    built from positions and inputs, never from labels, so relabelling the actors changes no choice. Options
    whose keys are also equal are interchangeable (same outcome), and the first is taken."""
    top = float(np.max(v))
    tied = np.flatnonzero(v >= top - rel * max(abs(top), 1e-300))
    if keys is None or len(tied) == 1:
        return int(tied[0])
    return int(min(tied, key=lambda m: keys[int(m)]))


def _key(*parts: np.ndarray | float) -> tuple[float, ...]:
    """A label-free sort key: the values, rounded to 1e-9 so that float noise does not order them."""
    return tuple(float(x) for part in parts for x in np.round(np.atleast_1d(part), 9))


def _round4(x: np.ndarray) -> np.ndarray:
    return np.floor(0.5 + x * 10000.0) / 10000.0


def interpolate(
    ti: np.ndarray, si: np.ndarray, pi: float, tj: np.ndarray, sj: np.ndarray, pj: float, how: str
) -> tuple[np.ndarray, np.ndarray]:
    """KTAB ``SMPActor::interpolateBrgn``: where ``i`` and ``j`` would each move in a bargain, per issue."""
    if how == "S2PMax":
        di, dj = max(pj - pi, 0.0), max(pi - pj, 0.0)
        dik = di * sj**2 / (di * sj**2 + 1e-6 + (1 - di) * si**2)
        djk = dj * si**2 / (dj * si**2 + 1e-6 + (1 - dj) * sj**2)
        return ti + dik * (tj - ti), tj + djk * (ti - tj)
    n = 1 if how == "S1P1" else 2
    wi = si**n * pi**n
    wj = sj**n * pj**n
    return (
        _round4(((wi + 1e-6) * ti + wj * tj) / (wi + 1e-6 + wj)),
        _round4((wi * ti + (1e-6 + wj) * tj) / (wi + 1e-6 + wj)),
    )


def _pdist(
    a: np.ndarray, pos: np.ndarray, cap: np.ndarray, o: _Params, label_free: bool = False
) -> tuple[np.ndarray, list[int]]:
    """KTAB ``pDist(-1)``: probability of each unique position, each actor with its own utilities.

    KTAB groups positions closer than POS_TOL greedily in file order (the first actor of a group stands for
    it), so a chain of close positions groups differently when the actors are relabelled. ``label_free``
    visits the actors in order of position instead (used for the forecast; the history keeps KTAB's grouping,
    whose probabilities match KTAB's logs)."""
    na = a.shape[0]
    uniq: list[int] = []
    order = sorted(range(na), key=lambda m: (_key(pos[m]), m)) if label_free else range(na)
    for i in order:
        if not any(np.linalg.norm(pos[i] - pos[u]) < POS_TOL for u in uniq):
            uniq.append(i)
    u = a[np.arange(na), np.arange(na), :][:, uniq]
    p, _ = condorcet(coalitions(u, cap, "Proportional"), o.victory_prob, o.pce_model)
    return p, uniq


def _actor_probability(
    pos: np.ndarray, uniq: list[int], p: np.ndarray, names: tuple[str, ...]
) -> dict[str, float]:
    """KTAB's ``posProb``: each actor's chance that its position (or one within 0.1 of it) wins."""
    out = {}
    for i, name in enumerate(names):
        for u, pu in zip(uniq, p, strict=True):
            if np.linalg.norm(pos[i] - pos[u]) < POS_TOL:
                out[name] = float(pu)
                break
    return out


def _check(name: str, value: str, allowed: Sequence[str]) -> str:
    value = _ALIASES.get(value, value)
    if value not in allowed:
        raise ModelInputError(f"smp.v1: {name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _per_issue(table: Negotiation, options: dict[str, Any]) -> ModelResult:
    """One 1-D SMP per issue over the actors involved in it; histories merged state by state."""
    results: dict[str, ModelResult] = {}
    for k, spec in enumerate(table.issues):
        keep = np.flatnonzero(~np.isnan(table.position[:, k]) & (np.asarray(table.salience)[:, k] > 0))
        if len(keep) < 2:
            raise ModelInputError(
                f"smp.v1: issue {spec.id!r} has fewer than two actors with a position and salience above 0",
                issue=spec.id,
            )
        sub = Negotiation(
            name=f"{table.name} / {spec.id}",
            actors=tuple(table.actors[i] for i in keep),
            issues=(spec,),
            position=table.position[keep][:, [k]],
            salience=np.asarray(table.salience)[keep][:, [k]],
            capability=table.capability_matrix()[keep][:, [k]],
            meta=dict(table.meta),
        )
        results[spec.id] = smp_model(sub, missing="error", **options)
    longest = max(len(r.history) for r in results.values())
    history: list[dict[str, Any]] = []
    for s in range(longest):
        positions: dict[str, dict[str, float]] = {}
        prob: dict[str, dict[str, float]] = {}
        for iid, r in results.items():
            h = r.history[min(s, len(r.history) - 1)]
            for actor, pos in h["positions"].items():
                positions.setdefault(actor, {})[iid] = pos[iid]
            prob[iid] = h["position_probability"]
        history.append({"state": s, "positions": positions, "position_probability": prob})
    first = next(iter(results.values()))
    return ModelResult(
        model="smp.v1",
        params={**first.params, "missing": "per_issue"},
        forecast={iid: r.forecast[iid] for iid, r in results.items()},
        history=history,
        diagnostics={
            "states": {iid: r.diagnostics["states"] for iid, r in results.items()},
            "weighted_mean": {iid: r.diagnostics["weighted_mean"][iid] for iid, r in results.items()},
            "per_issue": True,
        },
        inputs=table.name,
    )


KTAB_DEFAULTS = {
    "victory_prob": "Linear",
    "pce_model": "Conditional",
    "state_transitions": "Deterministic",
    "voting_rule": "Proportional",
    "big_r_adjust": "OneThird",
    "big_r_range": "Mid",
    "third_party_commit": "SemiCommit",
    "inter_vec_bargain": "S2P2",
    "bargain_model": "InitOnlyInterp",
}


@register("smp.v1")
def smp_model(
    table: Negotiation,
    *,
    victory_prob: str | None = None,
    pce_model: str | None = None,
    state_transitions: str | None = None,
    voting_rule: str | None = None,
    big_r_adjust: str | None = None,
    big_r_range: str | None = None,
    third_party_commit: str | None = None,
    inter_vec_bargain: str | None = None,
    bargain_model: str | None = None,
    max_states: int = 101,
    min_steps: int = 2,
    min_delta_ratio: float = 0.02,
    ideal_adjust: Sequence[tuple[str, str, float]] | None = None,
    missing: Literal["per_issue", "error"] = "per_issue",
    salience_over: Literal["scale", "error"] = "scale",
    strength_floor: Literal["absolute", "relative"] = "absolute",
    seed: int | None = None,
) -> ModelResult:
    """KTAB's Spatial Model of Politics; options named as in KTAB's XML ``<ModelParameters>``.

    KTAB's SMP needs every actor on every issue. ``missing``: when some actor takes no part in some issue,
    ``"per_issue"`` runs one one-dimensional SMP per issue with the actors involved in it (as separate KTAB
    scenarios would); ``"error"`` refuses the table.

    An option left at ``None`` takes the value the input file named (``table.meta["smp_params"]``, filled by
    the KTAB XML reader), else KTAB's default for CSV input (:data:`KTAB_DEFAULTS`). ``max_states``: KTAB
    stops after 100 steps (101 states). ``min_steps``, ``min_delta_ratio``: KTAB's ``smpStopFn`` (2 and 0.02).
    ``ideal_adjust``: ``(actor, reference actor, rate)`` triples (default: the file's, else identity).
    ``salience_over``: KTAB requires an actor's saliences to sum to at most 100 across issues; zopa tables
    give each cell a salience in [0, 1] independently, so ``"scale"`` divides an actor's saliences by their
    sum when it exceeds 1 (relative salience kept; KTAB inputs, which sum to <= 100, are untouched) and
    ``"error"`` refuses such a table. ``strength_floor``: KTAB adds fixed minimum strengths (1e-8 to every
    coalition, 1e-10 to every challenge) in the units of the capabilities, so multiplying every capability by
    the same factor can tip a close choice; ``"absolute"`` (default) keeps KTAB's arithmetic, ``"relative"``
    measures capabilities in units of their mean, which makes the forecast independent of their scale.
    ``seed``: only used by ``state_transitions="Stochastic"``.
    """
    given = {
        "victory_prob": victory_prob,
        "pce_model": pce_model,
        "state_transitions": state_transitions,
        "voting_rule": voting_rule,
        "big_r_adjust": big_r_adjust,
        "big_r_range": big_r_range,
        "third_party_commit": third_party_commit,
        "inter_vec_bargain": inter_vec_bargain,
        "bargain_model": bargain_model,
    }
    from_file = table.meta.get("smp_params", {}) if isinstance(table.meta, dict) else {}
    opt = {k: (v if v is not None else str(from_file.get(k, KTAB_DEFAULTS[k]))) for k, v in given.items()}
    if ideal_adjust is None and from_file.get("ideal_adjust"):
        ideal_adjust = [tuple(x) for x in from_file["ideal_adjust"]]  # type: ignore[misc]
    o = _Params(
        victory_prob=_check("victory_prob", opt["victory_prob"], VICTORY),
        pce_model=_check("pce_model", opt["pce_model"], PCE),
        state_transitions=_check("state_transitions", opt["state_transitions"], TRANSITIONS),
        voting_rule=_check("voting_rule", opt["voting_rule"], VOTING),
        big_r_adjust=_check("big_r_adjust", opt["big_r_adjust"].removesuffix("RA"), BIG_R_ADJUST),
        big_r_range=_check("big_r_range", opt["big_r_range"], BIG_R_RANGE),
        third_party_commit=_check("third_party_commit", opt["third_party_commit"], THIRD_PARTY),
        inter_vec_bargain=_check("inter_vec_bargain", opt["inter_vec_bargain"], INTER_VEC),
        bargain_model=_check("bargain_model", opt["bargain_model"], BARGAIN),
    )
    if max_states < 2:
        raise ModelInputError(f"smp.v1: max_states must be >= 2, got {max_states}")
    if strength_floor not in ("absolute", "relative"):
        raise ModelInputError(
            f"smp.v1: strength_floor must be 'absolute' or 'relative', got {strength_floor!r}"
        )
    absent = np.argwhere(np.isnan(table.position) | (np.asarray(table.salience) <= 0))
    if len(absent) and missing == "per_issue" and table.n_issues > 1:
        return _per_issue(
            table,
            {
                **opt,
                "max_states": max_states,
                "min_steps": min_steps,
                "min_delta_ratio": min_delta_ratio,
                "seed": seed,
                "salience_over": salience_over,
                "strength_floor": strength_floor,
            },
        )
    missing_pos = np.argwhere(np.isnan(table.position))
    if len(missing_pos):
        a, i = missing_pos[0]
        raise ModelInputError(
            f"smp.v1: actor {table.actors[a]!r} has no position on issue "
            f"{table.issues[i].id!r}; KTAB's SMP needs every actor on every issue"
        )
    pos = np.asarray(table.position, dtype=float) / 100.0
    sal = np.asarray(table.salience, dtype=float)
    cap2 = table.capability_matrix()
    cap = cap2[:, 0].copy()
    if not np.allclose(cap2, cap[:, None]):
        raise ModelInputError("smp.v1: capability must be the same on every issue (KTAB's scalar capability)")
    if salience_over not in ("scale", "error"):
        raise ModelInputError(f"smp.v1: salience_over must be 'scale' or 'error', got {salience_over!r}")
    for a in range(len(cap)):
        if cap[a] <= 0 or sal[a].sum() <= 0:
            raise ModelInputError(f"smp.v1: actor {table.actors[a]!r} needs positive capability and salience")
        if sal[a].sum() > 1.0 + 1e-9 and salience_over == "scale":
            sal[a] = sal[a] / sal[a].sum()
        elif sal[a].sum() > 1.0 + 1e-9:
            raise ModelInputError(
                f"smp.v1: actor {table.actors[a]!r} has total salience {sal[a].sum() * 100:.1f}"
                " > 100 across issues"
            )
    if strength_floor == "relative":
        cap = cap / cap.mean()
    na = len(cap)
    accom = np.eye(na)
    names = {n: k for k, n in enumerate(table.actors)}
    for who, towards, rate in ideal_adjust or ():
        if who not in names or towards not in names:
            raise ModelInputError(f"smp.v1: ideal_adjust names unknown actor {who!r} or {towards!r}")
        accom[names[who], names[towards]] = float(rate)
    rng = np.random.default_rng(seed)
    sal_sum = sal.sum(axis=1)
    ideal = pos.copy()
    pos0 = pos.copy()
    states: list[dict[str, Any]] = []
    history_pos = [pos.copy()]
    first = 0.0
    while True:
        r, a, _ = _state_utils(pos, ideal, sal, cap, o)
        p_win, gain = _challenges(a, sal_sum, cap, o)
        # bargains: per actor, list of (init, rcvr, pos_init, pos_rcvr); index 0 is the status quo
        lists: list[list[tuple[int, int, np.ndarray, np.ndarray]]] = [
            [(k, k, pos[k], pos[k])] for k in range(na)
        ]
        # tied targets: the one whose position (then input row) sorts first
        target_keys = [_key(pos[j], sal[j], cap[j], pos0[j]) for j in range(na)]
        challenges = []
        for i in range(na):
            ok = gain[i] > MIN_GAIN
            if not ok.any():
                continue
            j = _first_max(np.where(ok, gain[i], -np.inf), keys=target_keys)
            piij = float(p_win[i, j])
            bi, bj = interpolate(pos[i], sal[i], piij, pos[j], sal[j], 1 - piij, o.inter_vec_bargain)
            challenges.append(
                {"init": table.actors[i], "target": table.actors[j], "p": piij, "gain": float(gain[i, j])}
            )
            bargains = []
            if o.bargain_model == "InitOnlyInterp":
                bargains.append((i, j, bi, bj))
            else:
                pjij = _gain_one(a, sal_sum, cap, o, j, i, i, j)[1]  # KTAB passes the gain here (sic)
                ci, cj = interpolate(pos[i], sal[i], pjij, pos[j], sal[j], 1 - pjij, o.inter_vec_bargain)
                if o.bargain_model == "InitRcvrInterp":
                    bargains += [(i, j, bi, bj), (i, j, ci, cj)]
                else:
                    wi, wj = cap[i] * sal_sum[i], cap[i] * sal_sum[j]
                    bargains.append((i, j, (wi * bi + wj * ci) / (wi + wj), (wi * bj + wj * cj) / (wi + wj)))
            for b in bargains:
                lists[i].append(b)
                lists[j].append(b)
        own = a[np.arange(na), np.arange(na), :]  # own[h, n] = A[h, h, n]
        own_sum = own.sum(axis=1)
        new_pos = pos.copy()
        chosen = []
        for k in range(na):
            options = lists[k]
            u = np.empty((na, len(options)))
            for m, (bi_, bj_, pi_, pj_) in enumerate(options):
                if bi_ == bj_:
                    u[:, m] = own_sum / na
                    continue
                upi = util(salience_distance(pos, pi_[None, :], sal)[:, 0], r)
                upj = util(salience_distance(pos, pj_[None, :], sal)[:, 0], r)
                u[:, m] = (upi + upj + own_sum - own[:, bi_] - own[:, bj_]) / na
            prob, _ = condorcet(coalitions(u, cap, o.voting_rule), o.victory_prob, o.pce_model)
            if o.state_transitions == "Deterministic":
                # tied bargains: the one that moves k to the position that sorts first
                moves = [
                    _key(pi_ if bi_ == k else pj_) if bi_ != bj_ else _key(pos[k])
                    for bi_, bj_, pi_, pj_ in options
                ]
                m_max = _first_max(np.abs(prob), keys=moves)
            else:
                m_max = int(rng.choice(len(prob), p=prob / prob.sum()))
            bi_, bj_, pi_, pj_ = options[m_max]
            if bi_ != bj_:
                new_pos[k] = pi_ if bi_ == k else pj_
            chosen.append(m_max)
        p_pos, uniq = _pdist(a, pos, cap, o)
        states.append({"r": r, "challenges": challenges, "chosen": chosen, "p_unique": p_pos, "unique": uniq})
        ideal = accom @ new_pos + (1.0 - np.minimum(accom.sum(axis=1), 1.0))[:, None] * ideal
        pos = new_pos
        history_pos.append(pos.copy())
        step = len(history_pos) - 1
        moved = float(np.linalg.norm(history_pos[-1] - history_pos[-2], axis=1).sum())
        if step == 1:
            first = moved + 1e-4
        if step >= max_states - 1 or (step >= min_steps and moved / first < min_delta_ratio):
            break
    r, a, _ = _state_utils(pos, ideal, sal, cap, o)
    p_pos, uniq = _pdist(a, pos, cap, o)
    states.append({"r": r, "challenges": [], "chosen": [], "p_unique": p_pos, "unique": uniq})
    p_free, uniq_free = _pdist(a, pos, cap, o, label_free=True)
    best = uniq_free[_first_max(p_free, keys=[_key(pos[u]) for u in uniq_free])]
    ids = table.issue_ids
    w = cap[:, None] * sal
    mean = (w * pos).sum(axis=0) / w.sum(axis=0)
    history = []
    for t, (hp, st) in enumerate(zip(history_pos, states, strict=True)):
        history.append(
            {
                "state": t,
                "positions": {
                    table.actors[i]: {ids[k]: float(100 * hp[i, k]) for k in range(len(ids))}
                    for i in range(na)
                },
                "risk": {table.actors[i]: float(st["r"][i]) for i in range(na)},
                "position_probability": {
                    table.actors[u]: float(p) for u, p in zip(st["unique"], st["p_unique"], strict=True)
                },
                "actor_probability": _actor_probability(hp, st["unique"], st["p_unique"], table.actors),
                "challenges": st["challenges"],
            }
        )
    return ModelResult(
        model="smp.v1",
        params={
            "victory_prob": o.victory_prob,
            "pce_model": o.pce_model,
            "state_transitions": o.state_transitions,
            "voting_rule": o.voting_rule,
            "big_r_adjust": o.big_r_adjust,
            "big_r_range": o.big_r_range,
            "third_party_commit": o.third_party_commit,
            "inter_vec_bargain": o.inter_vec_bargain,
            "bargain_model": o.bargain_model,
            "max_states": max_states,
            "min_steps": min_steps,
            "min_delta_ratio": min_delta_ratio,
            "ideal_adjust": list(ideal_adjust or []),
            "missing": missing,
            "salience_over": salience_over,
            "strength_floor": strength_floor,
            "seed": seed,
        },
        forecast={ids[k]: float(100 * pos[best, k]) for k in range(len(ids))},
        history=history,
        diagnostics={
            "states": len(history_pos),
            "weighted_mean": {ids[k]: float(100 * mean[k]) for k in range(len(ids))},
            "most_probable_actor": table.actors[best],
        },
        inputs=table.name,
    )
