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


@_jit
def _gains(w: np.ndarray, wp: np.ndarray, c: np.ndarray, x: np.ndarray, out: np.ndarray) -> float:
    """``out[a] = g_a(x)``; returns the smallest gain."""
    worst = np.inf
    for a in range(w.shape[0]):
        v = c[a]
        for i in range(w.shape[1]):
            v += (2.0 * wp[a, i] - w[a, i] * x[i]) * x[i]
        out[a] = v
        worst = min(worst, v)
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


@_jit
def _dot(m: np.ndarray, i: int, j: int) -> float:
    """``m[i] . m[j]`` in four running sums: a fixed summation order that the compiler can keep in vector
    registers (a single running sum cannot be vectorised without reordering it)."""
    n = m.shape[1]
    v0 = v1 = v2 = v3 = 0.0
    a = 0
    while a + 4 <= n:
        v0 += m[i, a] * m[j, a]
        v1 += m[i, a + 1] * m[j, a + 1]
        v2 += m[i, a + 2] * m[j, a + 2]
        v3 += m[i, a + 3] * m[j, a + 3]
        a += 4
    while a < n:
        v0 += m[i, a] * m[j, a]
        a += 1
    return (v0 + v1) + (v2 + v3)


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
    step: np.ndarray,
) -> float:
    """Newton step ``step`` for a sum of logs of the gains, and its decrement squared ``grad . step``.

    Solves ``(m^T m + 2 diag(curvature)) step = grad`` (the negated Hessian), ``m_ai = 2 scale_a (wp_ai -
    w_ai x_i)``, held transposed in ``m`` (n, A) so that each entry of ``m^T m`` is one contiguous dot
    product; with ``extra`` non-empty, a last variable whose column of ``m`` is ``extra`` (phase 1's ``t``).
    ``h`` is overwritten by its Cholesky factor."""
    n_a, n_i = w.shape
    n = h.shape[0]
    for i in range(n_i):
        xi = x[i]
        for a in range(n_a):
            m[i, a] = 2.0 * scale[a] * (wp[a, i] - w[a, i] * xi)
    if n > n_i:
        m[n_i, :] = extra
    trace = 0.0
    diag = np.empty(n)
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


@_jit
def _sums(w: np.ndarray, wp: np.ndarray, k: np.ndarray, nw: np.ndarray, nwp: np.ndarray) -> None:
    """``nw = sum_a k_a w_a``, ``nwp = sum_a k_a w_a p_a``."""
    nw[:] = 0.0
    nwp[:] = 0.0
    for a in range(w.shape[0]):
        ka = k[a]
        for i in range(w.shape[1]):
            nw[i] += ka * w[a, i]
            nwp[i] += ka * wp[a, i]


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")  # in the hot loops
def _log_gradient(
    w: np.ndarray,
    wp: np.ndarray,
    beta: np.ndarray,
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
    for a in range(w.shape[0]):
        s = g[a] - shift
        k[a] = beta[a] / s
        root[a] = np.sqrt(beta[a]) / s
        ksum += k[a]
    _sums(w, wp, k, nw, nwp)
    for i in range(w.shape[1]):
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
    for a in range(w.shape[0]):
        v += lam[a] * c[a]
    for i in range(w.shape[1]):
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
def _phase1(w: np.ndarray, wp: np.ndarray, c: np.ndarray, beta: np.ndarray, x: np.ndarray) -> tuple[int, int]:
    """From ``x`` (outside the zone): move ``x`` inside (status 1), prove the zone empty (0), or give up (-1);
    returns (status, steps).

    Maximises the worst-off gain ``t`` subject to ``g_a(x) >= t`` by Newton steps on the barrier ``t / mu +
    sum_a beta_a log(g_a(x) - t)``, ``mu`` shrinking tenfold once the draw is centred. The barrier carries the
    bargaining powers: where its centre has ``t = 0`` it is the NBS itself (the conditions for ``x`` are
    then those of the Nash product), so stopping once ``t > 0`` hands Newton a start near the NBS with every
    gain above ``t``, not one on the zone's edge where the Nash product is steep. Weights ``lam_a``
    proportional to ``beta_a / (g_a - t)`` that satisfy ``max_x sum_a lam_a g_a(x) <= GAIN_TOL`` prove that
    no outcome gives every actor more than ``GAIN_TOL`` (weak duality), the exact solver's test."""
    n_a, n_i = w.shape
    g = np.empty(n_a)
    gn = np.empty(n_a)
    q = np.empty(n_a)
    root = np.empty(n_a)
    neg_root = np.empty(n_a)
    nw = np.empty(n_i)
    nwp = np.empty(n_i)
    grad = np.empty(n_i + 1)
    step = np.empty(n_i + 1)
    mt = np.empty((n_i + 1, n_a))
    h = np.empty((n_i + 1, n_i + 1))
    xn = np.empty(n_i)
    worst = _gains(w, wp, c, x, g)
    t = worst - 0.1
    mu = 1e-2
    for it in range(1, PHASE1_STEPS + 1):
        qsum = _log_gradient(w, wp, beta, x, g, t, q, root, nw, nwp, grad)
        for a in range(n_a):
            neg_root[a] = -root[a]
        grad[n_i] = 1.0 / mu - qsum
        decrement = _newton_step(w, wp, x, root, nw, neg_root, grad, mt, h, step)
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
            x[:] = xn
            t = tn
            g[:] = gn
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
    w: np.ndarray, wp: np.ndarray, c: np.ndarray, beta: np.ndarray, x: np.ndarray, tol: float = 1e-9
) -> int:
    """Damped Newton on the Nash product ``sum_a beta_a log g_a(x)`` from ``x`` inside the zone (concave
    there), backtracking where a step leaves the zone or does not improve, to a step below ``tol`` (or a full
    step below 1e-5, whose error is of its square); returns the iterations taken."""
    n_a, n_i = w.shape
    g = np.empty(n_a)
    gn = np.empty(n_a)
    k = np.empty(n_a)
    root = np.empty(n_a)
    nw = np.empty(n_i)
    nwp = np.empty(n_i)
    grad = np.empty(n_i)
    step = np.empty(n_i)
    mt = np.empty((n_i, n_a))
    xn = np.empty(n_i)
    h = np.empty((n_i, n_i))
    empty = np.empty(0)
    _gains(w, wp, c, x, g)
    f = np.nan  # the objective, computed only when a step needs it
    for it in range(1, NEWTON_STEPS + 1):
        _log_gradient(w, wp, beta, x, g, 0.0, k, root, nw, nwp, grad)
        _newton_step(w, wp, x, root, nw, empty, grad, mt, h, step)
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
        x[:] = xn
        g[:] = gn
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
    """The status quo ``sqn`` (I,) and each actor's no-deal point ``ndn`` (A, I) on [0, 1], NaN where unknown:
    the BATNA, else the status quo (``MODE_BATNA``), or the status quo for everyone (``MODE_STATUS_QUO``)."""
    n_a, n_i = ndn.shape
    for i in range(n_i):
        sqn[i] = (sq[i] - lo[i]) * inv_span[i]
    for a in range(n_a):
        for i in range(n_i):
            b = batna[a, i]
            ndn[a, i] = sqn[i] if mode == MODE_STATUS_QUO or np.isnan(b) else (b - lo[i]) * inv_span[i]


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
    comp: np.ndarray,
    m: np.ndarray,
    inv: np.ndarray,
    pn: np.ndarray,
    pi: np.ndarray,
) -> None:
    """One draw's problem: weights ``w`` and ``wp = w p``, gains' constants ``c``, powers ``beta``, the
    compromise point ``comp`` and the conflict lottery's mean ``m`` (positions and outcomes on [0, 1])."""
    n_a, n_i = position.shape
    csum = 0.0
    for a in range(n_a):
        tot = 0.0
        cnt = 0
        capsum = 0.0
        for i in range(n_i):
            p = position[a, i]
            inv[a, i] = not np.isnan(p)
            if inv[a, i]:
                pn[a, i] = (p - lo[i]) * inv_span[i]
                tot += salience[a, i]
                cnt += 1
                capsum += capability[a, i]
            else:
                pn[a, i] = 0.0
        scale = 1.0 / tot if tot > 0 else (1.0 / cnt if cnt > 0 else 0.0)
        for i in range(n_i):
            wi = ((salience[a, i] if tot > 0 else 1.0) * scale) if inv[a, i] else 0.0
            w[a, i] = wi
            wp[a, i] = wi * pn[a, i]
        pi[a] = capsum / cnt if cnt > 0 else np.nan  # mean capability, normalised below
        csum += pi[a]
    for a in range(n_a):
        pi[a] /= csum
        beta[a] = 1.0 if equal_power else pi[a]
    # the compromise point: capability x salience weighted mean (equal weights where every weight is 0)
    tw = np.zeros(n_i)
    twp = np.zeros(n_i)
    n_inv = np.zeros(n_i)
    pos_sum = np.zeros(n_i)
    for a in range(n_a):
        for i in range(n_i):
            if inv[a, i]:
                wt = capability[a, i] * salience[a, i]
                tw[i] += wt
                twp[i] += wt * position[a, i]
                n_inv[i] += 1.0
                pos_sum[i] += position[a, i]
    for i in range(n_i):
        if tw[i] > 0:
            comp[i] = (twp[i] / tw[i] - lo[i]) * inv_span[i]
        else:
            comp[i] = ((pos_sum[i] / n_inv[i] if n_inv[i] > 0 else 0.0) - lo[i]) * inv_span[i]
    # the conflict lottery: actor b wins with probability pi_b (its mean capability's share), its positions
    # (or, where it takes no part, the compromise point) becoming the outcome
    m[:] = 0.0
    sq2 = np.zeros(n_i)
    for b in range(n_a):
        for i in range(n_i):
            v = pn[b, i] if inv[b, i] else comp[i]
            m[i] += pi[b] * v
            sq2[i] += pi[b] * v * v
    var = np.empty(n_i)
    for i in range(n_i):
        var[i] = max(sq2[i] - m[i] * m[i], 0.0)
    for a in range(n_a):
        lottery = 1.0
        own = 1.0
        known = True
        cc = 1.0
        for i in range(n_i):
            wi = w[a, i]
            dm = m[i] - pn[a, i]
            lottery -= wi * (dm * dm + var[i])
            nd = ndn[a, i]
            if np.isnan(nd):
                known = known and not inv[a, i]
            else:
                dn = nd - pn[a, i]
                own -= wi * dn * dn
            cc -= wp[a, i] * pn[a, i]
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
    pn = np.empty((n_a, n_i))
    w = np.empty((n_a, n_i))
    wp = np.empty((n_a, n_i))
    ndn = np.empty((n_a, n_i))
    inv = np.empty((n_a, n_i), dtype=np.bool_)
    pi = np.empty(n_a)
    beta = np.empty(n_a)
    c = np.empty(n_a)
    g = np.empty(n_a)
    comp = np.empty(n_i)
    m = np.empty(n_i)
    sqn = np.empty(n_i)
    x = np.empty(n_i)
    cand = np.empty((4, n_i))
    inv_span = 1.0 / span
    has_start = not np.isnan(start[0])
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
            comp,
            m,
            inv,
            pn,
            pi,
        )
        # starts
        n_c = 0
        if has_start:
            for i in range(n_i):
                cand[n_c, i] = (start[i] - lo[i]) * inv_span[i]
            n_c += 1
        cand[n_c, :] = m
        cand[n_c + 1, :] = comp
        n_c += 2
        found = False
        for k in range(n_c):
            x[:] = cand[k]
            if _gains(w, wp, c, x, g) > GAIN_TOL:
                found = True
                break
        st = 1
        stats[dd, 1] = 0
        if not found:
            # phase 1 from the candidate whose worst-off actor is best off (the status quo among them)
            for i in range(n_i):
                cand[n_c, i] = comp[i] if np.isnan(sqn[i]) else sqn[i]
            best = -np.inf
            for k in range(n_c + 1):
                v = _gains(w, wp, c, cand[k], g)
                if v > best:
                    best = v
                    x[:] = cand[k]
            st, stats[dd, 1] = _phase1(w, wp, c, beta, x)
        stats[dd, 0] = 0
        if st == 1:
            stats[dd, 0] = _maximise(w, wp, c, beta, x)
        elif st == 0:
            for i in range(n_i):
                x[i] = comp[i] if np.isnan(sqn[i]) else sqn[i]
        status[dd] = st
        for i in range(n_i):
            out[dd, i] = x[i] * span[i] + lo[i]
