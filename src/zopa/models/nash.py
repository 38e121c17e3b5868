"""``nash.v1``: the asymmetric Nash bargaining solution (NBS) over one or several issues.

The outcome ``x`` (one value per issue) maximises ``sum_a beta_a * log(u_a(x) - d_a)`` over the outcomes every
actor prefers to no agreement (``u_a(x) > d_a`` for all ``a``): the asymmetric Nash product.

Utility (positions rescaled to [0, 1] on each issue's scale; ``s`` = salience):
- ``utility="quadratic"`` (default): ``u_a(x) = 1 - sum_i w_ai (x_i - p_ai)^2`` with ``w_ai = s_ai / sum_i
s_ai``
  over the issues actor ``a`` takes part in: salience decides which issues the actor gives on.
- ``utility="ktab"``: KTAB's ``bvUtil``: ``d = sqrt(sum_i s_ai^2 (x_i - p_ai)^2 / sum_i s_ai^2)``, ``v = 1 -
d``,
  ``u = v + R_a v (1 - v)`` with the actor's risk attitude ``R_a`` (``(1 + R_a) v`` when ``v < 0``).

Disagreement point ``d_a``:
- ``disagreement="batna"`` (default): the utility of the actor's BATNA, where the table has none the issue's
  status quo; an actor for whom neither is known falls back to the conflict lottery below.
- ``"status_quo"``: the utility of the status quo for everyone (every issue needs one).
- ``"conflict"``: the expected utility of a contest that each actor wins with probability proportional to its
  capability, the winner's positions becoming the outcome (KTAB's demo); where the winner takes no part in an
  issue the capability x salience weighted mean stands in.

Bargaining power ``beta_a``: ``power="capability"`` (default; the actor's mean capability, normalised) or
``"equal"`` (the symmetric NBS). ``bargain="joint"`` (default) looks for one outcome; ``bargain="split"`` lets
every
actor adopt its own position, each actor's utility being its mean utility over the adopted positions (KTAB's
"8D bargains"); the forecast is then the power-weighted mean of the adopted positions.

When no outcome gives every actor more than no agreement, the NBS is the disagreement point: the forecast is
the
status quo (or, without one, the capability x salience weighted mean), ``diagnostics["agreement"]`` is false
and
``diagnostics["blocking_actors"]`` names the actors whose gain cannot be made positive together.
With the quadratic utility the compromise model is the limit of this NBS as no agreement becomes very costly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize

from zopa.errors import ModelInputError
from zopa.models._spatial import weighted_mean
from zopa.models.registry import ModelResult, register, register_batch
from zopa.models.table import Negotiation, TableBatch

NAME = "nash.v1"
_CHOICES = {
    "utility": ("quadratic", "ktab"),
    "disagreement": ("batna", "status_quo", "conflict"),
    "power": ("capability", "equal"),
    "bargain": ("joint", "split"),
}
_DEFAULTS = {"utility": "quadratic", "disagreement": "batna", "power": "capability", "bargain": "joint"}
_GAIN_TOL = 1e-12  # an outcome is in the zone when every actor gains more than this (utilities on 0-1)


class BatchUnsupported(ModelInputError):
    """The vectorised version does not cover these options; Monte Carlo then runs draw by draw."""


def _options(params: dict[str, Any]) -> dict[str, Any]:
    unknown = set(params) - set(_DEFAULTS) - {"starts"}
    if unknown:
        raise ModelInputError(
            f"{NAME}: unknown option(s) {sorted(unknown)}; known: {', '.join(_DEFAULTS)}, starts"
        )
    opts: dict[str, Any] = {k: params.get(k, v) for k, v in _DEFAULTS.items()}
    for k, allowed in _CHOICES.items():
        if opts[k] not in allowed:
            raise ModelInputError(f"{NAME}: {k} must be one of {', '.join(allowed)}, not {opts[k]!r}")
    # the quadratic NBS is a concave programme: its first solution is the optimum; KTAB's utility with risk
    # seeking actors is not, so it tries several starts (``starts``, default 4)
    concave = opts["utility"] == "quadratic" and opts["bargain"] == "joint"
    opts["starts"] = int(params.get("starts", 2 if concave else 4))
    if opts["starts"] < 1:
        raise ModelInputError(f"{NAME}: starts must be >= 1")
    return opts


@dataclass(frozen=True, slots=True)
class _Problem:
    """A table rescaled to [0, 1] per issue, ready for the utility functions."""

    p: np.ndarray  # (A, I) positions in [0,1], NaN = not involved
    w: np.ndarray  # (A, I) quadratic weights, rows sum to 1 over involved issues
    s2: np.ndarray  # (A, I) squared saliences (ktab), 0 where not involved
    risk: np.ndarray  # (A,)
    utility: str

    def util(self, x: np.ndarray) -> np.ndarray:
        """Utilities of outcome(s) ``x`` (..., I) for every actor: (..., A)."""
        diff = np.nan_to_num(x[..., None, :] - self.p, nan=0.0)
        if self.utility == "quadratic":
            return 1.0 - np.einsum("ai,...ai->...a", self.w, diff * diff)
        tot = self.s2.sum(axis=1)
        d = np.sqrt(np.einsum("ai,...ai->...a", self.s2, diff * diff) / np.where(tot > 0, tot, 1.0) + 1e-18)
        v = 1.0 - d
        return np.where(v > 0, v + self.risk * v * (1.0 - v), (1.0 + self.risk) * v)


def _problem(table: Negotiation, utility: str) -> _Problem:
    lo = np.array([i.lo for i in table.issues])
    p = (table.position - lo) / table.spans()
    inv = table.involved()
    s = np.where(inv, table.salience, 0.0)
    tot = s.sum(axis=1, keepdims=True)
    w = np.where(
        tot > 0, s / np.where(tot > 0, tot, 1.0), inv / np.maximum(inv.sum(axis=1, keepdims=True), 1)
    )
    s2 = np.where(s.sum(axis=1, keepdims=True) > 0, s * s, inv.astype(float))
    risk = table.risk if table.risk is not None else np.zeros(table.n_actors)
    return _Problem(p=p, w=w, s2=s2, risk=np.asarray(risk, dtype=float), utility=utility)


def _mean_capability(table: Negotiation) -> np.ndarray:
    cap = np.where(table.involved(), table.capability_matrix(), np.nan)
    return np.nanmean(cap, axis=1)


def _disagreement(table: Negotiation, prob: _Problem, mode: str) -> tuple[np.ndarray, list[str]]:
    """Each actor's utility of no agreement, and the actors that fell back to the conflict lottery."""
    lo = np.array([i.lo for i in table.issues])
    inv = table.involved()
    cbar = _mean_capability(table)
    fill = (weighted_mean(table.position, table.weights()) - lo) / table.spans()
    winners = np.where(np.isnan(prob.p), fill, prob.p)  # (A, I): the outcome if actor b wins
    lottery = (cbar / cbar.sum()) @ prob.util(winners)  # (A,)
    if mode == "conflict":
        return lottery, list(table.actors)
    if mode == "status_quo":
        sq = table.status_quo_vector()
        missing = [table.issue_ids[i] for i in range(table.n_issues) if np.isnan(sq[i])]
        if missing:
            raise ModelInputError(
                f"{table.name}: {NAME} with disagreement='status_quo' needs a status quo on issue "
                f"{missing[0]!r}; "
                "give one or use disagreement='batna' or 'conflict'"
            )
        return prob.util((sq - lo) / table.spans()), []
    nd = (table.no_deal() - lo) / table.spans()  # (A, I)
    known = ~np.any(inv & np.isnan(nd), axis=1)
    own = np.array([prob.util(np.nan_to_num(nd[a]))[a] for a in range(table.n_actors)])
    fallback = [table.actors[a] for a in range(table.n_actors) if not known[a]]
    return np.where(known, own, lottery), fallback


def _solve_joint(
    prob: _Problem,
    d: np.ndarray,
    beta: np.ndarray,
    box: np.ndarray,
    starts: list[np.ndarray],
    first_enough: bool = False,
) -> tuple[np.ndarray | None, float, np.ndarray]:
    """Maximise sum beta log(u - d) over the box. Returns (x or None if no zone, objective, gains at best)."""
    bounds = [tuple(b) for b in box]

    def gains(x: np.ndarray) -> np.ndarray:
        return prob.util(x) - d

    best_x: np.ndarray | None = None
    best_val = -np.inf
    best_g = np.full(d.shape, -np.inf)
    for x0 in starts:
        x0 = np.clip(x0, box[:, 0], box[:, 1])
        g0 = gains(x0)
        if g0.min() <= _GAIN_TOL:  # phase 1: maximise the smallest gain
            z0 = np.append(x0, g0.min())
            r1 = minimize(
                lambda z: -z[-1],
                z0,
                method="SLSQP",
                bounds=[*bounds, (None, None)],
                constraints=[{"type": "ineq", "fun": lambda z: gains(z[:-1]) - z[-1]}],
                options={"maxiter": 300, "ftol": 1e-12},
            )
            x0 = np.clip(r1.x[:-1], box[:, 0], box[:, 1])
            g0 = gains(x0)
            if g0.min() <= _GAIN_TOL:
                if best_x is None and g0.min() > best_g.min():
                    best_g = g0
                continue

        def obj(x: np.ndarray) -> float:
            g = gains(x)
            return float(-np.sum(beta * np.log(np.maximum(g, 1e-300))))

        r2 = minimize(
            obj,
            x0,
            method="SLSQP",
            bounds=bounds,
            constraints=[{"type": "ineq", "fun": lambda x: gains(x) - 1e-13}],
            options={"maxiter": 500, "ftol": 1e-14},
        )
        x = np.clip(r2.x, box[:, 0], box[:, 1])
        if gains(x).min() <= 0:
            x = x0
        val = -obj(x)
        if val > best_val:
            best_x, best_val, best_g = x, val, gains(x)
        if first_enough:
            break
    return best_x, best_val, best_g


def _solve_split(
    prob: _Problem, d: np.ndarray, beta: np.ndarray, box: np.ndarray, starts: list[np.ndarray]
) -> tuple[np.ndarray | None, float, np.ndarray]:
    """Every actor adopts its own position; utility = mean utility over the adopted positions."""
    na, ni = prob.p.shape
    bounds = [tuple(b) for b in np.tile(box, (na, 1))]

    def gains(z: np.ndarray) -> np.ndarray:
        return prob.util(z.reshape(na, ni)).mean(axis=0) - d

    def obj(z: np.ndarray) -> float:
        return float(-np.sum(beta * np.log(np.maximum(gains(z), 1e-300))))

    best: tuple[np.ndarray | None, float, np.ndarray] = (None, -np.inf, np.full(d.shape, -np.inf))
    for z0 in starts:
        z0 = np.clip(z0.reshape(na, ni), box[:, 0], box[:, 1]).ravel()
        if gains(z0).min() <= 1e-12:
            y0 = np.append(z0, gains(z0).min())
            r1 = minimize(
                lambda y: -y[-1],
                y0,
                method="SLSQP",
                bounds=[*bounds, (None, None)],
                constraints=[{"type": "ineq", "fun": lambda y: gains(y[:-1]) - y[-1]}],
                options={"maxiter": 300, "ftol": 1e-12},
            )
            z0 = r1.x[:-1]
            if gains(z0).min() <= 1e-12:
                continue
        r2 = minimize(
            obj,
            z0,
            method="SLSQP",
            bounds=bounds,
            constraints=[{"type": "ineq", "fun": lambda z: gains(z) - 1e-13}],
            options={"maxiter": 1000, "ftol": 1e-15},
        )
        z = r2.x if gains(r2.x).min() > 0 else z0
        if -obj(z) > best[1]:
            best = (z.reshape(na, ni), -obj(z), gains(z))
    return best


@register(NAME)
def nash(table: Negotiation, **params: Any) -> ModelResult:
    """Asymmetric Nash bargaining solution with a disagreement point (BATNA, status quo or conflict)."""
    opts = _options(params)
    prob = _problem(table, opts["utility"])
    d, fallback = _disagreement(table, prob, opts["disagreement"])
    cbar = _mean_capability(table)
    beta = (
        cbar / cbar.sum() if opts["power"] == "capability" else np.full(table.n_actors, 1.0 / table.n_actors)
    )
    box = np.stack([np.nanmin(prob.p, axis=0), np.nanmax(prob.p, axis=0)], axis=1)
    lo = np.array([i.lo for i in table.issues])
    span = table.spans()
    comp = (weighted_mean(table.position, table.weights()) - lo) / span
    rng = np.random.default_rng(0)  # fixed: the model stays a pure function of its inputs
    filled = np.where(np.isnan(prob.p), comp, prob.p)
    adopted: np.ndarray | None = None
    if opts["bargain"] == "joint":
        starts = [comp, (comp + box.mean(axis=1)) / 2]
        starts += [rng.uniform(box[:, 0], box[:, 1]) for _ in range(max(0, opts["starts"] - 2))]
        x, val, g = _solve_joint(
            prob, d, beta, box, starts[: max(1, opts["starts"])], first_enough=opts["utility"] == "quadratic"
        )
    else:
        starts = [(filled + comp) / 2, np.tile(comp, (table.n_actors, 1))]
        starts += [
            rng.uniform(box[:, 0], box[:, 1], size=filled.shape) for _ in range(max(0, opts["starts"] - 2))
        ]
        adopted, val, g = _solve_split(prob, d, beta, box, starts[: max(1, opts["starts"])])
        x = None if adopted is None else beta @ adopted
    agreement = x is not None
    if x is None:
        sq = table.status_quo_vector()
        fc = np.where(np.isnan(sq), comp * span + lo, sq)
        blocking = [table.actors[a] for a in np.argsort(g)[: max(2, int(np.sum(g <= 1e-12)))] if g[a] <= 1e-9]
    else:
        fc = x * span + lo
        blocking = []
    diag: dict[str, Any] = {
        "agreement": agreement,
        "nash_objective": float(val) if agreement else None,
        "gain": {a: float(g[k]) for k, a in enumerate(table.actors)},
        "disagreement_utility": {a: float(d[k]) for k, a in enumerate(table.actors)},
        "power": {a: float(beta[k]) for k, a in enumerate(table.actors)},
        "conflict_fallback_actors": fallback if opts["disagreement"] == "batna" else [],
        "blocking_actors": blocking,
    }
    if adopted is not None:
        diag["adopted"] = {
            a: {iid: float(adopted[k, i] * span[i] + lo[i]) for i, iid in enumerate(table.issue_ids)}
            for k, a in enumerate(table.actors)
        }
    return ModelResult(
        model=NAME,
        params={k: v for k, v in opts.items()},
        forecast={iid: float(fc[i]) for i, iid in enumerate(table.issue_ids)},
        diagnostics=diag,
        inputs=table.label(),
    )


def _batch_disagreement(
    batch: TableBatch,
    pn: np.ndarray,
    w: np.ndarray,
    comp: np.ndarray,
    pi: np.ndarray,
    lo: np.ndarray,
    span: np.ndarray,
    mode: str,
) -> tuple[np.ndarray, np.ndarray]:
    """(D, A) utilities of no agreement for the quadratic utility, and the conflict lottery's mean (D, I).

    ``pn`` positions on [0, 1] with 0 where not involved (``w`` is 0 there), ``comp`` the compromise point and
    ``pi`` each actor's chance of winning the conflict lottery."""
    inv = ~np.isnan(batch.position)
    everyone = bool(inv.all())
    winners = pn if everyone else np.where(inv, pn, comp[:, None, :])  # (D, B, I): the outcome if b wins
    # E_b[u_a(P_b)] = 1 - sum_i w_ai (Var_b + (mean_b - p_ai)^2), with the lottery's mean and variance per
    # issue
    m = np.matmul(pi[:, None, :], winners)[:, 0]
    var = np.maximum(np.matmul(pi[:, None, :], winners * winners)[:, 0] - m * m, 0.0)

    def util(x: np.ndarray) -> np.ndarray:  # x (D, I) or (D, A, I) -> (D, A); w is 0 where not involved
        diff = (x[:, None, :] if x.ndim == 2 else x) - pn
        diff *= diff
        return 1.0 - np.einsum("dai,dai->da", w, diff)

    lottery = 1.0 - np.einsum("dai,dai->da", w, np.square(m[:, None, :] - pn) + var[:, None, :])
    if mode == "conflict":
        return lottery, m
    sq = (batch.status_quo - lo) / span  # (D, I)
    if mode == "status_quo":
        if np.isnan(sq).any():
            raise BatchUnsupported(f"{NAME}: an issue has no status quo")
        return util(sq), m
    if np.isnan(batch.batna).all():
        known = ~np.any(inv & np.isnan(sq)[:, None, :], axis=2)
        return np.where(known, util(np.nan_to_num(sq)), lottery), m
    nd = np.where(np.isnan(batch.batna), batch.status_quo[:, None, :], batch.batna)
    nd = (nd - lo) / span
    known = ~np.any(inv & np.isnan(nd), axis=2)
    return np.where(known, util(np.nan_to_num(nd)), lottery), m


@dataclass(frozen=True, slots=True)
class BatchSolution:
    """The vectorised NBS of every draw, with what it took (for diagnostics and benchmarks)."""

    forecast: np.ndarray  # (D, I) on the issues' scales
    agreement: np.ndarray  # (D,) the draw has a zone of agreement
    newton_iterations: int  # of the Nash product, over all draws
    phase1_draws: int  # draws whose starting points all lay outside the zone
    proven_empty: int  # ... of which shown by a dual certificate to have no zone
    exact_draws: int  # ... left undecided and handed to the exact solver


_PHASE1_STEPS = 100  # Newton steps of the barrier method before a draw goes to the exact solver


class _Gains:
    """``g_a(x) = c_a - sum_i w_ai x_i^2 + 2 sum_i w_ai p_ai x_i`` for a batch of draws: every actor's gain
    over its disagreement point, with the sums over actors that Newton's method needs as matrix products."""

    def __init__(self, ww: np.ndarray, c: np.ndarray) -> None:
        self.ww, self.c = ww, c  # (D, A, 2I): the weights w and w * p side by side; (D, A)
        self.n_issues = ww.shape[2] // 2
        self.w, self.wp = ww[:, :, : self.n_issues], ww[:, :, self.n_issues :]

    def take(self, rows: np.ndarray) -> _Gains:
        return _Gains(self.ww[rows], self.c[rows])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """(D, I) -> (D, A)."""
        return self.c + np.matmul(self.ww, np.concatenate([-x * x, 2.0 * x], axis=1)[:, :, None])[:, :, 0]

    def sums(self, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``sum_a k_a w_a`` and ``sum_a k_a w_a p_a``, each (D, I)."""
        r = np.matmul(k[:, None, :], self.ww)[:, 0]
        return r[:, : self.n_issues], r[:, self.n_issues :]

    def scaled_gradients(self, x: np.ndarray, k: np.ndarray) -> np.ndarray:
        """``k_a * grad g_a(x)``, (D, A, I)."""
        m = self.w * x[:, None, :]
        np.subtract(self.wp, m, out=m)
        m *= (2.0 * k)[:, :, None]
        return m

    def dual_bound(self, lam: np.ndarray) -> np.ndarray:
        """``max_x sum_a lam_a g_a(x)`` (closed form): for weights ``lam`` on the simplex, an upper bound on
        the best worst-off gain ``max_x min_a g_a(x)``."""
        n, m = self.sums(lam)
        return np.einsum("da,da->d", lam, self.c) + np.sum(m * m / np.where(n > 0, n, 1.0), axis=1)


def _newton_step(
    grad: np.ndarray, m: np.ndarray, curvature: np.ndarray, extra: np.ndarray | None = None
) -> np.ndarray:
    """Solve ``(m^T m + 2 diag(curvature)) step = grad`` draw by draw (the negated Hessian of a sum of logs of
    concave quadratics); ``extra`` adds a last variable whose column of ``m`` is ``extra`` (phase 1's t)."""
    h = np.matmul(m.transpose(0, 2, 1), m)
    n = grad.shape[1]
    if extra is not None:
        full = np.empty((len(h), n, n))
        k = n - 1
        full[:, :k, :k] = h
        col = np.einsum("dai,da->di", m, extra)
        full[:, :k, k] = col
        full[:, k, :k] = col
        full[:, k, k] = np.einsum("da,da->d", extra, extra)
        h = full
    idx = np.arange(curvature.shape[1])
    h[:, idx, idx] += 2.0 * curvature
    # an issue nobody weighs leaves its row empty: a small ridge keeps the system solvable without moving it
    h[:, np.arange(n), np.arange(n)] += 1e-12 * (1.0 + np.einsum("dii->d", h))[:, None]
    return np.linalg.solve(h, grad[:, :, None])[:, :, 0]


def _phase1(gains: _Gains, x0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For draws with no known outcome inside the zone: find one, or prove that there is none.

    Maximises the worst-off gain ``t`` subject to ``g_a(x) >= t`` by a log-barrier method: Newton steps on
    ``(x, t)``, each draw's barrier weight ``mu`` shrinking tenfold once it is near the centre. There the
    weights ``lam_a = mu / (g_a - t)`` lie on the simplex, and ``max_x sum_a lam_a g_a(x) <= _GAIN_TOL``
    proves that no outcome gives every actor more than ``_GAIN_TOL`` (weak duality), the exact solver's test.
    Returns the outcomes and a status per draw: 1 inside the zone, 0 proven empty, -1 undecided.
    """
    out = x0.copy()
    status = np.full(len(x0), -1)
    live = np.arange(len(x0))
    x = x0.copy()
    g = gains(x)
    t = g.min(axis=1) - 0.1
    mu = np.full(len(x), 1e-2)  # per draw: each moves on once it is centred
    for _ in range(_PHASE1_STEPS):
        s = g - t[:, None]
        q = 1.0 / s
        nw, nwp = gains.sums(q)
        grad = np.concatenate([2.0 * (nwp - x * nw), (1.0 / mu - q.sum(axis=1))[:, None]], axis=1)
        step = _newton_step(grad, gains.scaled_gradients(x, q), nw, extra=-q)
        decrement = np.einsum("di,di->d", grad, step)  # Newton decrement squared: how far from the centre
        f = t / mu + np.log(s).sum(axis=1)
        alpha = np.ones(len(x))
        for _ in range(40):  # backtrack: stay strictly inside g_a > t, do not decrease the barrier objective
            xn = x + alpha[:, None] * step[:, :-1]
            tn = t + alpha * step[:, -1]
            gn = gains(xn)
            sn = gn - tn[:, None]
            fn = np.where(
                sn.min(axis=1) > 0, tn / mu + np.log(np.where(sn > 0, sn, 1.0)).sum(axis=1), -np.inf
            )
            good = fn >= f - 1e-12 * np.abs(f)
            if good.all():
                break
            alpha = np.where(good, alpha, alpha / 2)
        x = np.where(good[:, None], xn, x)
        t = np.where(good, tn, t)
        g = np.where(good[:, None], gn, g)
        mu = np.where(decrement < 1e-2, mu / 10, mu)
        q = 1.0 / (g - t[:, None])
        bound = gains.dual_bound(q / q.sum(axis=1, keepdims=True))
        worst = g.min(axis=1)
        inside = worst > _GAIN_TOL
        empty = (worst <= _GAIN_TOL) & (bound <= _GAIN_TOL)
        done = inside | empty | (mu < 1e-15)
        if done.any():
            out[live[done]] = x[done]
            status[live[inside]] = 1
            status[live[empty]] = 0
            keep = np.flatnonzero(~done)
            live, x, t, g, mu = live[keep], x[keep], t[keep], g[keep], mu[keep]
            gains = gains.take(keep)
        if not len(live):
            return out, status
    out[live] = x
    return out, status


def _maximise_nash_product(
    gains: _Gains, beta: np.ndarray, x: np.ndarray, max_iter: int = 50, tol: float = 1e-9
) -> tuple[np.ndarray, int]:
    """Damped Newton on ``sum_a beta_a log g_a(x)`` from points inside the zone (where it is concave), draws
    that have converged dropping out."""
    out = x.copy()
    live = np.arange(len(x))
    if not len(x):
        return out, 0
    g = gains(x)

    def objective(gg: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(gg.min(axis=1) > 0, np.sum(b * np.log(np.where(gg > 0, gg, 1.0)), axis=1), -np.inf)

    f = objective(g, beta)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007
        k = beta / g
        nw, nwp = gains.sums(k)
        grad = 2.0 * (nwp - x * nw)
        step = _newton_step(grad, gains.scaled_gradients(x, np.sqrt(beta) / g), nw)
        alpha = np.ones(len(x))
        for _ in range(30):  # backtrack where the step leaves the zone or does not improve
            xn = x + alpha[:, None] * step
            gn = gains(xn)
            fn = objective(gn, beta)
            good = fn >= f - 1e-15
            if good.all():
                break
            alpha = np.where(good, alpha, alpha / 2)
        moved = np.where(good, np.abs(xn - x).max(axis=1), 0.0)
        x = np.where(good[:, None], xn, x)
        g = np.where(good[:, None], gn, g)
        f = np.where(good, fn, f)
        # a full Newton step this short leaves an error of its square: converged
        done = (moved <= tol) | ((alpha == 1.0) & (moved <= 1e-6))
        if done.any():
            out[live[done]] = x[done]
            keep = np.flatnonzero(~done)
            live, x, g, f, beta = live[keep], x[keep], g[keep], f[keep], beta[keep]
            gains = gains.take(keep)
            if not len(live):
                break
    out[live] = x
    return out, iterations


def solve_batch(batch: TableBatch, table: Negotiation, **params: Any) -> BatchSolution:
    """Vectorised NBS for the quadratic utility and a joint bargain, every draw of ``batch`` at once.

    1. Starts: the NBS of the unperturbed table (solved the same way), else the conflict lottery's mean, else
       the compromise point, whichever first gives every actor a gain.
    2. Draws where none does go through a batched barrier method (:func:`_phase1`) that finds an outcome
       inside the zone or proves, by a dual certificate, that there is none; a draw it leaves undecided (none
       in the tests and benchmarks) goes to the exact solver.
    3. Damped Newton on the Nash product from inside the zone (concave there) to a step below 1e-9.
    A draw with no zone gets the exact solver's answer: the status quo, or without one the compromise point.
    """
    opts = _options(params)
    if opts["utility"] != "quadratic" or opts["bargain"] != "joint":
        raise BatchUnsupported(f"{NAME}: the vectorised version covers utility='quadratic', bargain='joint'")
    base = _solve(TableBatch.of(table), table, opts, None)
    return _solve(batch, table, opts, base.forecast[0])


def _solve(
    batch: TableBatch, table: Negotiation, opts: dict[str, Any], start: np.ndarray | None
) -> BatchSolution:
    lo = np.array([i.lo for i in table.issues])
    span = table.spans()
    inv = ~np.isnan(batch.position)
    everyone = bool(inv.all())
    pn = (np.nan_to_num(batch.position) - lo) / span  # (D, A, I), 0 where not involved
    s = batch.salience if everyone else np.where(inv, batch.salience, 0.0)
    tot = s.sum(axis=2, keepdims=True)
    if everyone and bool((tot > 0).all()):
        w = s / tot
    else:
        w = np.where(
            tot > 0, s / np.where(tot > 0, tot, 1.0), inv / np.maximum(inv.sum(axis=2, keepdims=True), 1)
        )
    cap = batch.capability
    cbar = cap.mean(axis=2) if everyone else np.nanmean(np.where(inv, cap, np.nan), axis=2)  # (D, A)
    beta = cbar / cbar.sum(axis=1, keepdims=True) if opts["power"] == "capability" else np.ones_like(cbar)
    comp = (weighted_mean(batch.position, batch.weights()) - lo) / span  # (D, I)
    pi = cbar / cbar.sum(axis=1, keepdims=True)
    d, lottery_mean = _batch_disagreement(batch, pn, w, comp, pi, lo, span, opts["disagreement"])
    ww = np.empty((*w.shape[:2], 2 * w.shape[2]))
    n_i = w.shape[2]
    ww[:, :, :n_i] = w
    np.multiply(w, pn, out=ww[:, :, n_i:])
    gains = _Gains(ww, 1.0 - np.einsum("dai,dai->da", ww[:, :, n_i:], pn) - d)

    sq = (batch.status_quo - lo) / span
    starts = [lottery_mean, comp] if start is None else [(start - lo) / span, lottery_mean, comp]
    x = np.broadcast_to(starts[0], comp.shape).copy()
    g = gains(x)
    for alt in starts[1:]:
        bad = np.flatnonzero(g.min(axis=1) <= _GAIN_TOL)
        if not len(bad):
            break
        x[bad] = alt[bad]
        g[bad] = gains.take(bad)(alt[bad])
    outside = np.flatnonzero(g.min(axis=1) <= _GAIN_TOL)
    if len(outside):  # phase 1 starts from the candidate whose worst-off actor is best off
        sub = gains.take(outside)
        cands = [np.broadcast_to(c, comp.shape)[outside] for c in starts]
        cands += [np.where(np.isnan(sq), comp, sq)[outside]]
        worst = np.stack([sub(c).min(axis=1) for c in cands])
        x[outside] = np.stack(cands)[np.argmax(worst, axis=0), np.arange(len(outside))]
    status = np.ones(len(x), dtype=int)
    if len(outside):
        x[outside], status[outside] = _phase1(gains.take(outside), x[outside])
    inside = np.flatnonzero(status == 1)
    if len(inside) == len(x):
        x, iterations = _maximise_nash_product(gains, beta, x)
    else:
        x[inside], iterations = _maximise_nash_product(gains.take(inside), beta[inside], x[inside])
    x = np.where(status[:, None] == 0, np.where(np.isnan(sq), comp, sq), x)
    out = x * span + lo
    agreement = status == 1
    undecided = np.flatnonzero(status == -1)
    for dd in undecided:
        r = nash(batch.table(int(dd), table), **{k: opts[k] for k in _DEFAULTS})
        out[dd] = [r.forecast[i] for i in table.issue_ids]
        agreement[dd] = bool(r.diagnostics["agreement"])
    return BatchSolution(
        forecast=out,
        agreement=agreement,
        newton_iterations=iterations,
        phase1_draws=len(outside),
        proven_empty=int((status == 0).sum()),
        exact_draws=len(undecided),
    )


@register_batch(NAME)
def nash_batch(batch: TableBatch, table: Negotiation, **params: Any) -> np.ndarray:
    """Vectorised NBS (see :func:`solve_batch`): the (D, I) forecasts."""
    return solve_batch(batch, table, **params).forecast
