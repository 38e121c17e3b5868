"""Compiled kernel of ``nash.v1``'s Monte Carlo solver: the quadratic-utility, joint-bargain NBS per draw.

One draw at a time in compiled code (numba, no fastmath), so the per-draw work is a few small loops instead of
NumPy calls on stacks of 10 x 10 matrices. The algorithm is the one :func:`zopa.models.nash.solve_batch`
documents:

1. Per draw, from the raw inputs: quadratic weights ``w`` (salience over the actor's issues), bargaining
   power ``beta``, the disagreement utility ``d`` and the gains ``g_a(x) = c_a - sum_i w_ai x_i^2 + 2 sum_i
   w_ai p_ai x_i`` (positions and outcome on [0, 1]).
2. Starts: the unperturbed table's NBS, the conflict lottery's mean, the compromise point; the first that
   gives every actor a gain above :data:`GAIN_TOL`.
3. Otherwise a log-barrier method that maximises the worst-off gain ``t`` (variables ``x, t``; the
   bargaining powers weigh the barrier, so its centre at ``t = 0`` is the NBS) until ``t > 0``, or weights
   ``lam`` on the simplex prove with ``max_x sum_a lam_a g_a(x) <= GAIN_TOL`` that there is no zone (weak
   duality); a draw it leaves undecided is marked for the exact solver.
4. Damped Newton on ``sum_a beta_a log g_a(x)`` (concave inside the zone) with backtracking, to a step below
   ``1e-9`` or a full step below ``1e-5`` (whose error is of its square).

Imported lazily by :mod:`zopa.models.nash`: numba's import and the first compile stay off the CLI's start.
"""

from __future__ import annotations

import numba
import numpy as np

GAIN_TOL = 1e-12  # the exact solver's threshold (utilities on 0-1)
PHASE1_STEPS = 100  # barrier Newton steps before a draw is left to the exact solver
NEWTON_STEPS = 50
MODE_BATNA, MODE_STATUS_QUO, MODE_CONFLICT = 0, 1, 2

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")
_inline = numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")  # in the hot loops


@_inline
def _copy(dst: np.ndarray, src: np.ndarray) -> None:
    """``dst[:] = src`` as a plain loop: numba's slice assignment checks for overlap and may allocate."""
    for k in range(len(src)):
        dst[k] = src[k]


# Layout: per-actor weights are held issue-major, ``w[i, a]``, so that the loops over actors (the long axis:
# gains, sums, the Newton system) read contiguous memory and the compiler can keep them in vector registers.


@_jit
def _gains(w: np.ndarray, wp: np.ndarray, c: np.ndarray, x: np.ndarray, out: np.ndarray) -> float:
    """``out[a] = g_a(x)``; returns the smallest gain."""
    n_i, n_a = w.shape
    _copy(out, c)
    for i in range(n_i):
        xi = x[i]
        for a in range(n_a):
            out[a] += (2.0 * wp[i, a] - w[i, a] * xi) * xi
    worst = np.inf
    for a in range(n_a):
        worst = min(worst, out[a])
    return worst


@_jit
def _solve_spd(h: np.ndarray, b: np.ndarray, out: np.ndarray) -> bool:
    """Solve ``h out = b`` by Cholesky, reading and overwriting the lower triangle of ``h`` (its diagonal
    then holds the reciprocals of the factor's); False if ``h`` is not positive definite."""
    n = h.shape[0]
    for j in range(n):
        s = h[j, j]
        for k in range(j):
            s -= h[j, k] * h[j, k]
        if not s > 0.0:
            return False
        r = 1.0 / np.sqrt(s)
        h[j, j] = r
        for i in range(j + 1, n):
            v = h[i, j]
            for k in range(j):
                v -= h[i, k] * h[j, k]
            h[i, j] = v * r
    for i in range(n):
        v = b[i]
        for k in range(i):
            v -= h[i, k] * out[k]
        out[i] = v * h[i, i]
    for i in range(n - 1, -1, -1):
        v = out[i]
        for k in range(i + 1, n):
            v -= h[k, i] * out[k]
        out[i] = v * h[i, i]
    return True


@_inline
def _dot(m: np.ndarray, i: int, j: int) -> float:
    """``m[i] . m[j]`` in four running sums: a fixed summation order that the compiler can keep in vector
    registers (a single running sum cannot be vectorised without reordering it)."""
    n = m.shape[1]
    s0 = s1 = s2 = s3 = 0.0
    a = 0
    while a + 4 <= n:
        s0 += m[i, a] * m[j, a]
        s1 += m[i, a + 1] * m[j, a + 1]
        s2 += m[i, a + 2] * m[j, a + 2]
        s3 += m[i, a + 3] * m[j, a + 3]
        a += 4
    while a < n:
        s0 += m[i, a] * m[j, a]
        a += 1
    return (s0 + s1) + (s2 + s3)


@_jit
def _newton_step(
    w: np.ndarray,
    wp: np.ndarray,
    x: np.ndarray,
    scale: np.ndarray,
    curvature: np.ndarray,
    extra: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    h: np.ndarray,
    diag: np.ndarray,
    step: np.ndarray,
) -> float:
    """Newton step ``step`` for a sum of logs of the gains, and its decrement squared ``grad . step``.

    Solves ``(m^T m + 2 diag(curvature)) step = grad`` (the negated Hessian), ``m_ai = 2 scale_a (wp_ia -
    w_ia x_i)``, held transposed in ``m`` (n, A) so that each entry of ``m^T m`` is one contiguous dot
    product; with ``extra`` non-empty, a last variable whose column of ``m`` is ``extra`` (phase 1's ``t``).
    ``h`` is overwritten by its Cholesky factor; ``diag`` is scratch."""
    n_i, n_a = w.shape
    n = h.shape[0]
    for i in range(n_i):
        xi = x[i]
        for a in range(n_a):
            m[i, a] = 2.0 * scale[a] * (wp[i, a] - w[i, a] * xi)
    if n > n_i:
        for a in range(n_a):
            m[n_i, a] = extra[a]
    trace = 0.0
    for i in range(n):
        for j in range(i):
            h[i, j] = _dot(m, i, j)
        diag[i] = _dot(m, i, i) + (2.0 * curvature[i] if i < n_i else 0.0)
        trace += diag[i]
    # an issue nobody weighs leaves its row empty: a small ridge keeps the system solvable without moving it;
    # should rounding still leave it not positive definite, a larger ridge (a shorter, still ascending step)
    ridge = 1e-12 * (1.0 + trace)
    for _ in range(6):
        for i in range(n):
            h[i, i] = diag[i] + ridge
        if _solve_spd(h, grad, step):
            break
        for i in range(n):  # _solve_spd overwrote the lower triangle with its factor: rebuild it
            for j in range(i):
                h[i, j] = _dot(m, i, j)
        ridge *= 1e3
    else:  # no usable curvature (non-finite input): a plain gradient step, which the line search checks
        for i in range(n):
            step[i] = grad[i] / (abs(diag[i]) + ridge) if np.isfinite(diag[i]) else 0.0
    decrement = 0.0
    for i in range(n):
        decrement += grad[i] * step[i]
    return decrement


@_inline
def _sums(w: np.ndarray, wp: np.ndarray, k: np.ndarray, nw: np.ndarray, nwp: np.ndarray) -> None:
    """``nw = sum_a k_a w_a``, ``nwp = sum_a k_a w_a p_a`` (four running sums, as in :func:`_dot`)."""
    n_i, n_a = w.shape
    for i in range(n_i):
        s0 = s1 = s2 = s3 = 0.0
        t0 = t1 = t2 = t3 = 0.0
        a = 0
        while a + 4 <= n_a:
            s0 += k[a] * w[i, a]
            s1 += k[a + 1] * w[i, a + 1]
            s2 += k[a + 2] * w[i, a + 2]
            s3 += k[a + 3] * w[i, a + 3]
            t0 += k[a] * wp[i, a]
            t1 += k[a + 1] * wp[i, a + 1]
            t2 += k[a + 2] * wp[i, a + 2]
            t3 += k[a + 3] * wp[i, a + 3]
            a += 4
        while a < n_a:
            s0 += k[a] * w[i, a]
            t0 += k[a] * wp[i, a]
            a += 1
        nw[i] = (s0 + s1) + (s2 + s3)
        nwp[i] = (t0 + t1) + (t2 + t3)


@_inline
def _log_gradient(
    w: np.ndarray,
    wp: np.ndarray,
    beta: np.ndarray,
    root_beta: np.ndarray,
    x: np.ndarray,
    g: np.ndarray,
    shift: float,
    k: np.ndarray,
    root: np.ndarray,
    nw: np.ndarray,
    nwp: np.ndarray,
    grad: np.ndarray,
) -> float:
    """Gradient in ``x`` of ``sum_a beta_a log(g_a(x) - shift)`` into ``grad[:I]``, with what the Newton
    system needs: ``k_a = beta_a / (g_a - shift)``, ``root_a = sqrt(beta_a) / (g_a - shift)``, ``nw``,
    ``nwp`` (see :func:`_sums`); returns ``sum_a k_a``."""
    ksum = 0.0
    for a in range(w.shape[1]):
        r = 1.0 / (g[a] - shift)
        k[a] = beta[a] * r
        root[a] = root_beta[a] * r
        ksum += k[a]
    _sums(w, wp, k, nw, nwp)
    for i in range(w.shape[0]):
        grad[i] = 2.0 * (nwp[i] - x[i] * nw[i])
    return ksum


@_jit
def _dual_bound(
    w: np.ndarray, wp: np.ndarray, c: np.ndarray, lam: np.ndarray, nw: np.ndarray, nwp: np.ndarray
) -> float:
    """``max_x sum_a lam_a g_a(x)`` in closed form: for ``lam`` on the simplex, an upper bound on the best
    worst-off gain."""
    _sums(w, wp, lam, nw, nwp)
    v = 0.0
    for a in range(w.shape[1]):
        v += lam[a] * c[a]
    for i in range(w.shape[0]):
        if nw[i] > 0:
            v += nwp[i] * nwp[i] / nw[i]
    return v


@_jit
def _barrier(g: np.ndarray, beta: np.ndarray, t: float, mu: float) -> float:
    """``t / mu + sum_a beta_a log(g_a - t)``; -inf outside ``g_a > t``."""
    f = t / mu
    for a in range(len(g)):
        s = g[a] - t
        if not s > 0:
            return -np.inf
        f += beta[a] * np.log(s)
    return f


@_jit
def _workspace(n_a: int, n_i: int) -> tuple:  # type: ignore[type-arg]
    """Scratch arrays for :func:`_phase1` and :func:`_maximise`, allocated once per block of draws."""
    return (
        np.empty(n_a),  # 0 g: gains at x
        np.empty(n_a),  # 1 gn: gains at the trial point
        np.empty(n_a),  # 2 k: beta / (g - t)
        np.empty(n_a),  # 3 root: sqrt(beta) / (g - t)
        np.empty(n_a),  # 4 neg_root
        np.empty(n_i),  # 5 nw
        np.empty(n_i),  # 6 nwp
        np.empty(n_i),  # 7 xn: the trial point
        np.empty(n_i + 1),  # 8 grad (phase 1: with t)
        np.empty(n_i + 1),  # 9 step
        np.empty(n_i + 1),  # 10 diag
        np.empty((n_i + 1, n_a)),  # 11 the Newton system's m, phase 1
        np.empty((n_i + 1, n_i + 1)),  # 12 its matrix, phase 1
        np.empty(n_i),  # 13 grad, Newton
        np.empty(n_i),  # 14 step, Newton
        np.empty((n_i, n_a)),  # 15 m, Newton
        np.empty((n_i, n_i)),  # 16 matrix, Newton
        np.empty(0),  # 17 no extra variable
    )


@_jit
def _phase1(
    w: np.ndarray,
    wp: np.ndarray,
    c: np.ndarray,
    beta: np.ndarray,
    root_beta: np.ndarray,
    x: np.ndarray,
    ws: tuple,  # type: ignore[type-arg]
) -> tuple[int, int]:
    """From ``x`` (outside the zone): move ``x`` inside (status 1), prove the zone empty (0), or give up (-1);
    returns (status, steps).

    Maximises the worst-off gain ``t`` subject to ``g_a(x) >= t`` by Newton steps on the barrier ``t / mu +
    sum_a beta_a log(g_a(x) - t)``, ``mu`` shrinking tenfold once the draw is centred. The barrier carries the
    bargaining powers: where its centre has ``t = 0`` it is the NBS itself (the conditions for ``x`` are
    then those of the Nash product), so stopping once ``t > 0`` hands Newton a start near the NBS with every
    gain above ``t``, not one on the zone's edge where the Nash product is steep. Weights ``lam_a``
    proportional to ``beta_a / (g_a - t)`` that satisfy ``max_x sum_a lam_a g_a(x) <= GAIN_TOL`` prove that
    no outcome gives every actor more than ``GAIN_TOL`` (weak duality), the exact solver's test."""
    n_i, n_a = w.shape
    g, gn, q, root, neg_root, nw, nwp, xn = ws[0], ws[1], ws[2], ws[3], ws[4], ws[5], ws[6], ws[7]
    grad, step, diag, mt, h = ws[8], ws[9], ws[10], ws[11], ws[12]
    worst = _gains(w, wp, c, x, g)
    t = worst - 0.1
    mu = 1e-2
    for it in range(1, PHASE1_STEPS + 1):
        qsum = _log_gradient(w, wp, beta, root_beta, x, g, t, q, root, nw, nwp, grad)
        for a in range(n_a):
            neg_root[a] = -root[a]
        grad[n_i] = 1.0 / mu - qsum
        decrement = _newton_step(w, wp, x, root, nw, neg_root, grad, mt, h, diag, step)
        f = np.nan  # the barrier objective, computed only if a step needs it
        alpha = 1.0
        for _ in range(40):  # backtrack: stay strictly inside g_a > t, do not decrease the barrier objective
            for i in range(n_i):
                xn[i] = x[i] + alpha * step[i]
            tn = t + alpha * float(step[n_i])
            _gains(w, wp, c, xn, gn)
            # log r >= 1 - 1/r: a non-negative lower bound on the change proves the barrier grew, no logs
            lower = (tn - t) / mu
            for a in range(n_a):
                sn = gn[a] - tn
                lower = lower + beta[a] * (1.0 - (g[a] - t) / sn) if sn > 0 else -np.inf
            if not lower >= 0.0:
                if np.isnan(f):
                    f = _barrier(g, beta, t, mu)
                if not _barrier(gn, beta, tn, mu) >= f - 1e-12 * abs(f):
                    alpha /= 2
                    continue
            _copy(x, xn)
            t = tn
            _copy(g, gn)
            break
        if decrement < 1e-2:
            mu /= 10
        if t > GAIN_TOL:
            return 1, it
        worst = np.inf
        qsum = 0.0
        for a in range(n_a):
            q[a] = beta[a] / (g[a] - t)
            qsum += q[a]
            worst = min(worst, g[a])
        for a in range(n_a):
            q[a] /= qsum
        if worst <= GAIN_TOL and _dual_bound(w, wp, c, q, nw, nwp) <= GAIN_TOL:
            return 0, it
        if mu < 1e-15:
            return (1 if worst > GAIN_TOL else -1), it
    return (1 if worst > GAIN_TOL else -1), PHASE1_STEPS


@_jit
def _objective(g: np.ndarray, beta: np.ndarray) -> float:
    f = 0.0
    for a in range(len(g)):
        if not g[a] > 0:
            return -np.inf
        f += beta[a] * np.log(g[a])
    return f


@_jit
def _maximise(
    w: np.ndarray,
    wp: np.ndarray,
    c: np.ndarray,
    beta: np.ndarray,
    root_beta: np.ndarray,
    x: np.ndarray,
    ws: tuple,  # type: ignore[type-arg]
    tol: float = 1e-9,
) -> int:
    """Damped Newton on the Nash product ``sum_a beta_a log g_a(x)`` from ``x`` inside the zone (concave
    there), backtracking where a step leaves the zone or does not improve, to a step below ``tol`` (or a full
    step below 1e-5, whose error is of its square); returns the iterations taken."""
    n_i, n_a = w.shape
    g, gn, k, root, nw, nwp, xn = ws[0], ws[1], ws[2], ws[3], ws[5], ws[6], ws[7]
    diag, grad, step, mt, h, empty = ws[10], ws[13], ws[14], ws[15], ws[16], ws[17]
    _gains(w, wp, c, x, g)
    f = np.nan  # the objective, computed only when a step needs it
    for it in range(1, NEWTON_STEPS + 1):
        _log_gradient(w, wp, beta, root_beta, x, g, 0.0, k, root, nw, nwp, grad)
        _newton_step(w, wp, x, root, nw, empty, grad, mt, h, diag, step)
        alpha = 1.0
        fn = f
        for _ in range(30):  # backtrack where the step leaves the zone or does not improve
            for i in range(n_i):
                xn[i] = x[i] + alpha * step[i]
            if _gains(w, wp, c, xn, gn) > 0:
                # log r >= 1 - 1/r: a non-negative sum_a beta_a (1 - g_a / gn_a) proves the product grew,
                # without taking logarithms; only if it fails is the objective itself compared
                lower = 0.0
                for a in range(n_a):
                    lower += beta[a] * (1.0 - g[a] / gn[a])
                if lower >= 0.0:
                    fn = np.nan  # not needed until a step fails the bound
                    break
                if np.isnan(f):
                    f = _objective(g, beta)
                fn = _objective(gn, beta)
                if fn >= f - 1e-15:
                    break
            alpha /= 2
        else:
            return it
        moved = 0.0
        for i in range(n_i):
            moved = max(moved, abs(xn[i] - x[i]))
        _copy(x, xn)
        _copy(g, gn)
        f = fn
        if moved <= tol or (alpha == 1.0 and moved <= 1e-5):
            return it
    return NEWTON_STEPS


@_jit
def _no_deal_points(
    sq: np.ndarray,
    batna: np.ndarray,
    lo: np.ndarray,
    inv_span: np.ndarray,
    mode: int,
    sqn: np.ndarray,
    ndn: np.ndarray,
) -> None:
    """The status quo ``sqn`` (I,) and each actor's no-deal point ``ndn`` (I, A) on [0, 1], NaN where
    unknown: the BATNA, else the status quo (``MODE_BATNA``), or the status quo for everyone
    (``MODE_STATUS_QUO``). ``batna`` is (A, I)."""
    n_i, n_a = ndn.shape
    for i in range(n_i):
        sqn[i] = (sq[i] - lo[i]) * inv_span[i]
    for a in range(n_a):
        for i in range(n_i):
            b = batna[a, i]
            ndn[i, a] = sqn[i] if mode == MODE_STATUS_QUO or np.isnan(b) else (b - lo[i]) * inv_span[i]


@_jit
def _setup(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    lo: np.ndarray,
    inv_span: np.ndarray,
    sqn: np.ndarray,
    ndn: np.ndarray,
    mode: int,
    equal_power: bool,
    w: np.ndarray,
    wp: np.ndarray,
    c: np.ndarray,
    beta: np.ndarray,
    root_beta: np.ndarray,
    comp: np.ndarray,
    m: np.ndarray,
    pn: np.ndarray,
    pi: np.ndarray,
    var: np.ndarray,
    scale: np.ndarray,
    uniform: np.ndarray,
) -> None:
    """One draw's problem: weights ``w`` and ``wp = w p`` (I, A), gains' constants ``c``, powers ``beta``
    (and their square roots), the compromise point ``comp`` and the conflict lottery's mean ``m``;
    positions ``pn`` (I, A) and outcomes on [0, 1], ``pn`` NaN where the actor takes no part. ``var`` (I,),
    ``scale`` and ``uniform`` (A,) are scratch."""
    n_a, n_i = position.shape
    csum = 0.0
    for a in range(n_a):
        tot = 0.0
        cnt = 0
        capsum = 0.0
        for i in range(n_i):
            if not np.isnan(position[a, i]):
                tot += salience[a, i]
                cnt += 1
                capsum += capability[a, i]
        scale[a] = 1.0 / tot if tot > 0 else (1.0 / cnt if cnt > 0 else 0.0)
        uniform[a] = not tot > 0  # no salience anywhere: the actor's issues weigh alike
        pi[a] = capsum / cnt if cnt > 0 else np.nan  # mean capability, normalised below
        csum += pi[a]
    for a in range(n_a):
        pi[a] /= csum
        beta[a] = 1.0 if equal_power else pi[a]
        root_beta[a] = np.sqrt(beta[a])
    for i in range(n_i):  # issue by issue: the weights' rows are written in order, the sums stay in registers
        tw = twp = n_inv = pos_sum = 0.0
        for a in range(n_a):
            p = position[a, i]
            if np.isnan(p):
                w[i, a] = 0.0
                wp[i, a] = 0.0
                pn[i, a] = np.nan
                continue
            s = salience[a, i]
            q = (p - lo[i]) * inv_span[i]
            wi = (1.0 if uniform[a] else s) * scale[a]
            w[i, a] = wi
            wp[i, a] = wi * q
            pn[i, a] = q
            wt = capability[a, i] * s  # the compromise point's weight: capability x salience
            tw += wt
            twp += wt * p
            n_inv += 1.0
            pos_sum += p
        # the compromise point: capability x salience weighted mean (equal weights where every weight is 0)
        if tw > 0:
            comp[i] = (twp / tw - lo[i]) * inv_span[i]
        else:
            comp[i] = ((pos_sum / n_inv if n_inv > 0 else 0.0) - lo[i]) * inv_span[i]
    # the conflict lottery: actor b wins with probability pi_b (its mean capability's share), its positions
    # (or, where it takes no part, the compromise point) becoming the outcome
    for i in range(n_i):
        mi = 0.0
        si = 0.0
        for b in range(n_a):
            v = pn[i, b]
            if np.isnan(v):
                v = comp[i]
            mi += pi[b] * v
            si += pi[b] * v * v
        m[i] = mi
        var[i] = max(si - mi * mi, 0.0)
    for a in range(n_a):  # each actor's gains constant: its utility at no deal, and 1 - sum_i w p^2
        lottery = 1.0
        own = 1.0
        known = True
        cc = 1.0
        for i in range(n_i):
            wi = w[i, a]
            q = pn[i, a]
            involved = not np.isnan(q)
            if not involved:
                q = 0.0
            dm = m[i] - q
            lottery -= wi * (dm * dm + var[i])
            nd = ndn[i, a]
            if np.isnan(nd):
                known = known and not involved
            else:
                dn = nd - q
                own -= wi * dn * dn
            cc -= wp[i, a] * q
        c[a] = cc - (lottery if mode == MODE_CONFLICT or not known else own)


@_jit
def solve_block(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    status_quo: np.ndarray,
    batna: np.ndarray,
    lo: np.ndarray,
    span: np.ndarray,
    start: np.ndarray,
    mode: int,
    equal_power: bool,
    out: np.ndarray,
    status: np.ndarray,
    stats: np.ndarray,
) -> None:
    """The NBS of every draw: ``out`` (D, I) on the issues' scales, ``status`` 1 agreement, 0 no zone (the
    status quo, or the compromise point), -1 undecided (for the exact solver); ``stats[d]`` = (Newton
    iterations, phase-1 steps). ``position``, ``salience``, ``capability`` (D, A, I); ``status_quo`` (D or 1,
    I) and ``batna`` (D or 1, A, I), NaN where unknown; ``start`` (I,) on the scales, NaN for none."""
    n_d, n_a, n_i = position.shape
    pn = np.empty((n_i, n_a))
    w = np.empty((n_i, n_a))
    wp = np.empty((n_i, n_a))
    ndn = np.empty((n_i, n_a))
    pi = np.empty(n_a)
    beta = np.empty(n_a)
    root_beta = np.empty(n_a)
    c = np.empty(n_a)
    g = np.empty(n_a)
    comp = np.empty(n_i)
    m = np.empty(n_i)
    sqn = np.empty(n_i)
    x = np.empty(n_i)
    cand = np.empty((4, n_i))
    var = np.empty(n_i)
    scale = np.empty(n_a)
    uniform = np.empty(n_a, dtype=np.bool_)
    ws = _workspace(n_a, n_i)
    inv_span = 1.0 / span
    first = 0 if np.isnan(start[0]) else 1  # rows of cand: the given start, if any, comes first
    # one status quo and set of BATNAs for every draw (Monte Carlo perturbs neither), or one per draw
    shared = status_quo.shape[0] == 1 and batna.shape[0] == 1
    if shared:
        _no_deal_points(status_quo[0], batna[0], lo, inv_span, mode, sqn, ndn)
    for dd in range(n_d):
        if not shared:
            ds = 0 if status_quo.shape[0] == 1 else dd
            db = 0 if batna.shape[0] == 1 else dd
            _no_deal_points(status_quo[ds], batna[db], lo, inv_span, mode, sqn, ndn)
        _setup(
            position[dd],
            salience[dd],
            capability[dd],
            lo,
            inv_span,
            sqn,
            ndn,
            mode,
            equal_power,
            w,
            wp,
            c,
            beta,
            root_beta,
            comp,
            m,
            pn,
            pi,
            var,
            scale,
            uniform,
        )
        # starts: the first that gives every actor a gain, else phase 1 from the one whose worst-off actor is
        # best off (the status quo among them)
        for i in range(n_i):
            if first:
                cand[0, i] = (start[i] - lo[i]) * inv_span[i]
            cand[first, i] = m[i]
            cand[first + 1, i] = comp[i]
            cand[first + 2, i] = comp[i] if np.isnan(sqn[i]) else sqn[i]
        n_c = first + 3
        pick = -1
        best = -np.inf
        for k in range(n_c):
            v = _gains(w, wp, c, cand[k], g)
            if v > best:
                best = v
                pick = k
            if v > GAIN_TOL and k < n_c - 1:
                break
        for i in range(n_i):
            x[i] = cand[pick, i]
        st = 1
        stats[dd, 1] = 0
        if not (best > GAIN_TOL and pick < n_c - 1):
            st, stats[dd, 1] = _phase1(w, wp, c, beta, root_beta, x, ws)
        stats[dd, 0] = 0
        if st == 1:
            stats[dd, 0] = _maximise(w, wp, c, beta, root_beta, x, ws)
        elif st == 0:
            for i in range(n_i):
                x[i] = comp[i] if np.isnan(sqn[i]) else sqn[i]
        status[dd] = st
        for i in range(n_i):
            out[dd, i] = x[i] * span[i] + lo[i]
