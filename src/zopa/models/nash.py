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
EXACT_CELLS = 8  # Monte Carlo on a table of at most this many actor x issue cells uses the exact solver


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

    def util_grad(self, x: np.ndarray) -> np.ndarray | None:
        """Gradient of every actor's utility at one outcome ``x`` (I,): (A, I); None where not closed-form
        here (KTAB's utility: its solver differentiates numerically)."""
        if self.utility != "quadratic":
            return None
        return -2.0 * self.w * np.nan_to_num(x[None, :] - self.p, nan=0.0)

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

    # closed-form gradients where the utility has them: SLSQP then needs no finite differences
    exact = prob.utility == "quadratic"

    def gains_jac(x: np.ndarray) -> np.ndarray:
        return prob.util_grad(x)  # type: ignore[return-value]

    def phase1_jac(z: np.ndarray) -> np.ndarray:
        return np.hstack([gains_jac(z[:-1]), -np.ones((len(d), 1))])

    def obj_jac(x: np.ndarray) -> np.ndarray:
        g = np.maximum(gains(x), 1e-300)
        return -(beta / g) @ gains_jac(x)

    t_jac = np.zeros(len(box) + 1)
    t_jac[-1] = -1.0
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
                jac=(lambda z: t_jac) if exact else None,
                method="SLSQP",
                bounds=[*bounds, (None, None)],
                constraints=[
                    {
                        "type": "ineq",
                        "fun": lambda z: gains(z[:-1]) - z[-1],
                        **({"jac": phase1_jac} if exact else {}),
                    }
                ],
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
            jac=obj_jac if exact else None,
            method="SLSQP",
            bounds=bounds,
            constraints=[
                {"type": "ineq", "fun": lambda x: gains(x) - 1e-13, **({"jac": gains_jac} if exact else {})}
            ],
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


@dataclass(frozen=True, slots=True)
class BatchSolution:
    """The vectorised NBS of every draw, with what it took (for diagnostics and benchmarks)."""

    forecast: np.ndarray  # (D, I) on the issues' scales
    agreement: np.ndarray  # (D,) the draw has a zone of agreement
    newton_iterations: int  # of the Nash product, over all draws
    phase1_draws: int  # draws whose starting points all lay outside the zone
    proven_empty: int  # ... of which shown by a dual certificate to have no zone
    exact_draws: int  # ... left undecided and handed to the exact solver


def solve_batch(batch: TableBatch, table: Negotiation, **params: Any) -> BatchSolution:
    """The NBS of every draw of ``batch`` (quadratic utility, joint bargain), in compiled code, draw by draw
    (:mod:`zopa.models._nash_kernel`; the GIL is released, so blocks of draws run in threads).

    1. Starts: the NBS of the unperturbed table (solved the same way), else the conflict lottery's mean, else
       the compromise point, whichever first gives every actor a gain.
    2. Draws where none does go through a barrier method that finds an outcome inside the zone or proves, by
       a dual certificate, that there is none; a draw it leaves undecided (none in the tests and
       benchmarks) goes to the exact solver.
    3. Damped Newton on the Nash product from inside the zone (concave there) to a step below 1e-9.
    A draw with no zone gets the exact solver's answer: the status quo, or without one the compromise point.
    """
    opts = _options(params)
    if opts["utility"] != "quadratic" or opts["bargain"] != "joint":
        raise BatchUnsupported(f"{NAME}: the vectorised version covers utility='quadratic', bargain='joint'")
    if opts["disagreement"] == "status_quo" and np.isnan(batch.status_quo).any():
        raise BatchUnsupported(f"{NAME}: an issue has no status quo")
    base = _solve(TableBatch.of(table), table, opts, None)
    return _solve(batch, table, opts, base.forecast[0])


_MODES = {"batna": 0, "status_quo": 1, "conflict": 2}  # the kernel's codes


def _kernel_array(a: np.ndarray, shared: bool = False) -> np.ndarray:
    """A C-contiguous, writeable float array for the kernel (one compiled signature for every caller); a
    value broadcast over the draws goes in once."""
    if shared and a.shape[0] > 1 and a.strides[0] == 0:
        a = a[:1]
    if a.flags.c_contiguous and a.flags.writeable and a.dtype == np.float64:
        return a
    return np.array(a, dtype=np.float64, order="C")


def _solve(
    batch: TableBatch, table: Negotiation, opts: dict[str, Any], start: np.ndarray | None
) -> BatchSolution:
    from zopa.models import _nash_kernel as kernel  # numba: imported (and compiled) on first use
    from zopa.models._elementary import compile_notice

    compile_notice(kernel.solve_block, "the nash.v1 Monte Carlo kernel", seconds=20)
    lo = np.array([i.lo for i in table.issues], dtype=np.float64)
    span = np.asarray(table.spans(), dtype=np.float64)
    n_d, n_i = batch.n_draws, len(lo)
    out = np.empty((n_d, n_i))
    status = np.empty(n_d, dtype=np.int64)
    stats = np.zeros((n_d, 2), dtype=np.int64)
    kernel.solve_block(
        _kernel_array(batch.position),
        _kernel_array(batch.salience),
        _kernel_array(batch.capability),
        _kernel_array(batch.status_quo, shared=True),
        _kernel_array(batch.batna, shared=True),
        lo,
        span,
        np.full(n_i, np.nan) if start is None else _kernel_array(start),
        _MODES[opts["disagreement"]],
        opts["power"] == "equal",
        out,
        status,
        stats,
    )
    agreement = status == 1
    undecided = np.flatnonzero(status == -1)
    for dd in undecided:
        r = nash(batch.table(int(dd), table), **{k: opts[k] for k in _DEFAULTS})
        out[dd] = [r.forecast[i] for i in table.issue_ids]
        agreement[dd] = bool(r.diagnostics["agreement"])
    return BatchSolution(
        forecast=out,
        agreement=agreement,
        newton_iterations=int(stats[:, 0].max()) if n_d else 0,
        phase1_draws=int((stats[:, 1] > 0).sum()),
        proven_empty=int((status == 0).sum()),
        exact_draws=len(undecided),
    )


@register_batch(NAME)
def nash_batch(batch: TableBatch, table: Negotiation, **params: Any) -> BatchSolution:
    """Vectorised NBS (see :func:`solve_batch`): the (D, I) forecasts and whether each draw reaches an
    agreement (``registry.batch_output``). A table of at most :data:`EXACT_CELLS` actor x issue cells is
    left to the exact solver draw by draw (a second or two, where the kernel's first compile on a machine
    takes 15-20 s); the choice depends on the table's size alone, so a table gets the same answer each run."""
    if table.n_actors * table.n_issues <= EXACT_CELLS:
        size = f"{table.n_actors} x {table.n_issues}"
        raise BatchUnsupported(f"{NAME}: a small table ({size}) runs draw by draw")
    return solve_batch(batch, table, **params)
