"""Compiled engine of ``bdm.v1`` (numba): every round of one issue in one call.

The same model as the NumPy engine in :mod:`zopa.models.bdm` (the readable reference), computed with loops
instead of ~190 array calls per issue and round. Each value is built with the same floating-point operations
in the same order as there, sums included (:func:`_pairwise_sum` is NumPy's summation), with the same ``exp``
and ``log`` (:mod:`zopa.models._elementary`), so the two engines agree to the last bit on any CPU. Imported
lazily by ``bdm_model``: importing numba costs a few tenths of a second.
"""

from __future__ import annotations

import numba
import numpy as np

from zopa.models import _elementary

EPS = 1e-12  # as bdm._EPS
BY_TYPE, LEAST_MOVE, MAX_EU = 0, 1, 2
OFFER_CHOICES = {"by_type": BY_TYPE, "least_move": LEAST_MOVE, "max_eu": MAX_EU}
CONFRONTATION, COMPROMISE, CAPITULATION = 1, 2, 3

_jit = numba.njit(cache=True, nogil=True)


def notice_if_compiling() -> None:
    """One line on standard error before this machine's first compile of the engine (then it is cached)."""
    from zopa.models._elementary import compile_notice

    compile_notice(run_issue, "the compiled bdm.v1 engine", seconds=12)

# exp and log from basic operations: the NumPy engine uses the same ones, so the bits agree on any CPU
_exp = _jit(_elementary.exp_scalar)
_log = _jit(_elementary.log_scalar)
LOG_HALF = _elementary.log_scalar(0.5)


@_jit
def _block_sum(a: np.ndarray, lo: int, n: int) -> float:
    """NumPy's sum of at most 128 contiguous float64 values: in order below 8, else 8 running sums."""
    if n < 8:
        res = -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = lo + 8
    end = lo + n - n % 8
    while i < end:
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < lo + n:
        res += a[i]
        i += 1
    return res


@_jit
def _pairwise_sum(a: np.ndarray, n: int) -> float:
    """``a[:n].sum()`` exactly as NumPy adds a contiguous float64 array: blocks of at most 128
    (:func:`_block_sum`), above that the sum of the two halves (split at a multiple of 8), so that sums agree
    to the last bit. The halving runs on an explicit stack: a recursive version crashed when numba loaded it
    back from its cache (numba 0.68)."""
    frame_lo = np.empty(64, dtype=np.int64)
    frame_n = np.empty(64, dtype=np.int64)
    frame_step = np.empty(64, dtype=np.int64)  # 0: left half next, 1: right half next, 2: add them
    sums = np.empty(64)
    top, held = 1, 0
    frame_lo[0], frame_n[0], frame_step[0] = 0, n, 0
    while top > 0:
        f = top - 1
        size = frame_n[f]
        if size <= 128:
            sums[held] = _block_sum(a, frame_lo[f], size)
            held += 1
            top -= 1
            continue
        half = size // 2
        half -= half % 8
        if frame_step[f] == 2:
            sums[held - 2] = sums[held - 2] + sums[held - 1]
            held -= 1
            top -= 1
            continue
        if frame_step[f] == 0:
            frame_lo[top], frame_n[top] = frame_lo[f], half
        else:
            frame_lo[top], frame_n[top] = frame_lo[f] + half, size - half
        frame_step[f] += 1
        frame_step[top] = 0
        top += 1
    return sums[0]


@_jit
def _sort_actors(x: np.ndarray, c: np.ndarray, s: np.ndarray, order: np.ndarray) -> None:
    """``order`` sorted in place by (position, capability, salience, index): ``np.lexsort((s, c, x))``.
    Insertion sort: the previous round's order is nearly sorted already."""
    for a in range(1, len(order)):
        k = order[a]
        b = a - 1
        while b >= 0:
            i = order[b]
            if x[i] != x[k]:
                after = x[i] > x[k]
            elif c[i] != c[k]:
                after = c[i] > c[k]
            elif s[i] != s[k]:
                after = s[i] > s[k]
            else:
                after = i > k
            if not after:
                break
            order[b + 1] = i
            b -= 1
        order[b + 1] = k


@_jit
def _distinct(xs: np.ndarray, ui: np.ndarray, xu: np.ndarray, start: np.ndarray) -> int:
    """The distinct positions ``xu`` of sorted positions ``xs``, each actor's (``ui``) and the first actor at
    each (``start``, with ``n`` after the last); returns their number ``u``."""
    n = len(xs)
    u = 0
    for k in range(n):
        if k == 0 or xs[k] != xs[k - 1]:
            xu[u] = xs[k]
            start[u] = k
            u += 1
        ui[k] = u - 1
    start[u] = n
    return u


@_jit
def _geometry(
    xs: np.ndarray,
    xu: np.ndarray,
    start: np.ndarray,
    scale: float,
    all_votes: bool,
    lo: np.ndarray,
    dist: np.ndarray,
    log_d: np.ndarray,
    log_near: np.ndarray,
    log_far: np.ndarray,
    ranked: np.ndarray,
) -> None:
    """One round's pair geometry, as ``bdm._geometry``, for sorted positions ``xs``, ``u`` distinct: ``lo[I,
    J]`` (how many actors lie strictly left of the midpoint of ``x_I, x_J``), the distances and their logs,
    each ``(u, u)``, and for ``all_votes`` ``ranked[I, m]``, ``(u, n)``: the distinct position of the
    ``m``-th actor nearest ``x_I`` (each position as often as actors hold it)."""
    n = len(xs)
    u = len(lo)
    for ii in range(u):
        lo[ii, ii] = start[ii]
        dist[ii, ii] = 0.0
        log_d[ii, ii] = -np.inf
        log_near[ii, ii] = LOG_HALF
        log_far[ii, ii] = LOG_HALF
        k = start[ii]
        for jj in range(ii + 1, u):
            mid = (xu[ii] + xu[jj]) / 2.0  # the midpoints grow with jj: one pass over the actors
            while k < n and xs[k] < mid:
                k += 1
            lo[ii, jj] = k
            lo[jj, ii] = k
            dd = abs(xu[ii] - xu[jj]) / scale
            dist[ii, jj] = dd
            dist[jj, ii] = dd
            v = _log(dd)
            log_d[ii, jj] = v
            log_d[jj, ii] = v
            v = _log(max(0.5 - 0.5 * dd, 0.0))
            log_near[ii, jj] = v
            log_near[jj, ii] = v
            v = _log(0.5 + 0.5 * dd)
            log_far[ii, jj] = v
            log_far[jj, ii] = v
    if all_votes:
        # distances fall towards x_I and rise after it: merge the two runs (equal distances give equal
        # votes, so how ties are ordered does not change the sum)
        for ii in range(u):
            left, right = ii - 1, ii + 1
            jj = ii
            m = 0
            while True:
                for _ in range(start[jj + 1] - start[jj]):
                    ranked[ii, m] = jj
                    m += 1
                if m == n:
                    break
                if right >= u or (left >= 0 and dist[ii, left] <= dist[ii, right]):
                    jj = left
                    left -= 1
                else:
                    jj = right
                    right += 1


@_jit
def _vote_shares(
    u: int,
    ui: np.ndarray,
    lo: np.ndarray,
    ranked: np.ndarray,
    coef: np.ndarray,
    all_votes: bool,
    a: np.ndarray,
    cum: np.ndarray,
    terms: np.ndarray,
    p: np.ndarray,
    pt: np.ndarray,
) -> None:
    """``p[I, J]`` (distinct positions; ``pt`` its transpose): probability that ``x_I`` beats ``x_J``, as
    ``bdm.vote_shares``, given ``a[k, J] = w_k d_kJ^r_k`` (voter ``k``'s vote is ``a[k, J] - a[k, I]``).
    Voters left of the midpoint of two positions are a prefix of the sorted actors, so every vote sum is a
    difference of prefix sums."""
    n = len(ui)
    for jj in range(u):
        cum[0, jj] = 0.0
    for k in range(n):
        for jj in range(u):
            cum[k + 1, jj] = cum[k, jj] + a[k, jj]
    den = 0.0
    if all_votes:
        # every voter's votes for all actors in ascending order times 2m - n + 1: the sum over all pairs of
        # actors of |a_kj - a_ki|, added in the NumPy engine's order
        for k in range(n):
            row = ui[k]
            at = k * n
            for m in range(n):
                terms[at + m] = a[k, ranked[row, m]] * coef[m]
        den = 2.0 * _pairwise_sum(terms, n * n)
        if den <= 0:
            den = np.inf
    for ii in range(u):
        for jj in range(u):
            if ii == jj:
                p[ii, jj] = 0.0
                pt[jj, ii] = 0.0
                continue
            h = lo[ii, jj]
            left_sum = cum[h, jj] - cum[h, ii]  # voters nearer x_I: a_kJ - a_kI
            right_sum = (cum[n, ii] - cum[n, jj]) + left_sum  # voters nearer x_J: a_kI - a_kJ
            if ii < jj:
                pos, neg = left_sum, right_sum
            else:
                pos, neg = -right_sum, -left_sum
            pos = max(pos, 0.0)
            if not all_votes:
                den = pos + max(neg, 0.0)
                if den <= 0:
                    den = np.inf
            v = pos / den
            p[ii, jj] = v
            pt[jj, ii] = v


@_jit
def _extra(
    own: float, mu: float, scale: float, dist: float, q: float, t: float, rv: float, neutral: bool
) -> float:
    """The ``Q < 1`` term of an expected utility: ``(1 - Q) (T U_b + (1 - T) U_w)``; powers ``exp(rv log
    y)``, none where every actor is risk-neutral (``neutral``), as ``bdm._power``."""
    spread = min(max(0.25 * (abs(own - mu) / scale + dist), 0.0), 0.5)
    better, worse = 0.5 - spread, 0.5 + spread
    if not neutral:
        better, worse = _exp(rv * _log(better)), _exp(rv * _log(worse))
    return (1.0 - q) * (t * (2.0 - 4.0 * better) + (1.0 - t) * (2.0 - 4.0 * worse))


@_jit
def _round(
    x: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    scale: float,
    coef: np.ndarray,
    all_votes: bool,
    offer_choice: int,
    capitulation_bug: bool,
    votes_use_risk: bool,
    q: float,
    t: float,
    order: np.ndarray,
    new_x: np.ndarray,
    r_out: np.ndarray,
    offer_from: np.ndarray,
    offer_kind: np.ndarray,
) -> None:
    """One round of one issue, as ``bdm.one_round``; writes the new positions, risk exponents, and who
    accepted which offer from whom (``-1``, 0: none), all in input order. ``order``: the actors sorted by
    (position, capability, salience) in the previous round, updated; ``coef``: ``2m - n + 1``."""
    n = len(x)
    _sort_actors(x, c, s, order)
    xs = np.empty(n)
    ss = np.empty(n)
    w = np.empty(n)
    wx = np.empty(n)
    for k in range(n):
        xs[k] = x[order[k]]
        ss[k] = s[order[k]]
        w[k] = c[order[k]] * ss[k]
        wx[k] = w[k] * xs[k]
    w_sum = _pairwise_sum(w, n)
    mu = _pairwise_sum(wx, n) / w_sum if w_sum > 0 else _pairwise_sum(xs, n) / n

    ui = np.empty(n, dtype=np.int64)
    xu = np.empty(n)
    start = np.empty(n + 1, dtype=np.int64)
    u = _distinct(xs, ui, xu, start)
    lo = np.empty((u, u), dtype=np.int64)
    dist = np.empty((u, u))
    log_d = np.empty((u, u))
    log_near = np.empty((u, u))
    log_far = np.empty((u, u))
    ranked = np.empty((u if all_votes else 0, n), dtype=np.int64)
    _geometry(xs, xu, start, scale, all_votes, lo, dist, log_d, log_near, log_far, ranked)
    a = np.empty((n, u))
    cum = np.empty((n + 1, u))
    terms = np.empty(n * n if all_votes else 0)
    p = np.empty((u, u))
    pt = np.empty((u, u))

    # risk exponents: each actor's exposure to challenges, all risk-neutral
    for k in range(n):
        for jj in range(u):
            a[k, jj] = w[k] * dist[ui[k], jj]
    _vote_shares(u, ui, lo, ranked, coef, all_votes, a, cum, terms, p, pt)
    exposure = np.empty(n)
    vals = np.empty(u)
    row_vals = np.empty(n)
    for i in range(n):
        ii = ui[i]
        if q == 1.0:  # EU[a, i] = 2 d (1 - 2 s_i (1 - P_ai))
            two_s = 2.0 * ss[i]
            for jj in range(u):
                vals[jj] = (1.0 - (1.0 - pt[ii, jj]) * two_s) * dist[ii, jj]
        else:
            for jj in range(u):
                dd = dist[ii, jj]
                us = 2.0 - 4.0 * (0.5 - 0.5 * dd)
                uf = 2.0 - 4.0 * (0.5 + 0.5 * dd)
                e = pt[ii, jj] * (us - uf)
                e += uf
                e -= us
                e *= ss[i]
                e += us
                vals[jj] = e - _extra(xu[jj], mu, scale, dd, q, t, 1.0, True)
        for j in range(n):
            row_vals[j] = vals[ui[j]]
        if q != 1.0:
            row_vals[i] = 0.0  # not against itself (others at its position count)
        total = _pairwise_sum(row_vals, n)
        exposure[i] = 2.0 * total if q == 1.0 else total
    hi, low = exposure[0], exposure[0]
    for i in range(1, n):
        hi = max(hi, exposure[i])
        low = min(low, exposure[i])
    equal = hi - low <= 1e-9 * max(abs(hi), abs(low), 1e-300)  # all equally exposed (up to float noise)
    r = np.empty(n)
    for i in range(n):
        if equal:
            r[i] = 1.0
        else:
            big_r = (2.0 * exposure[i] - hi - low) / (hi - low)
            r[i] = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
    if votes_use_risk:
        for k in range(n):
            for jj in range(u):
                a[k, jj] = _exp(r[k] * log_d[ui[k], jj]) * w[k]
        _vote_shares(u, ui, lo, ranked, coef, all_votes, a, cum, terms, p, pt)

    eu_ji = np.empty(u)
    a_ij = np.empty(u)
    us_row = np.empty(u)
    extra = np.zeros(u)
    best = np.empty(4)  # per offer kind (slot 0: any kind): rounded score, actor, share, kind
    best_j = np.empty(4, dtype=np.int64)
    best_share = np.empty(4)
    best_kind = np.empty(4, dtype=np.int64)
    for i in range(n):
        # expected utilities seen by actor i, with its own exponent, against each distinct position
        ii = ui[i]
        ri = r[i]
        sq = q * (2.0 - 4.0 * _exp(ri * LOG_HALF))
        for jj in range(u):
            us = 2.0 - _exp(ri * log_near[ii, jj]) * 4.0
            uf = 2.0 - _exp(ri * log_far[ii, jj]) * 4.0
            diff = us - uf
            e = p[ii, jj] * diff
            e += uf
            a_ij[jj] = e - us
            e = pt[ii, jj] * diff
            e += uf
            e -= us
            e *= ss[i]
            e += us
            eu_ji[jj] = e - sq
            us_row[jj] = us
        if q != 1.0:
            for jj in range(u):
                extra[jj] = _extra(xs[i], mu, scale, dist[ii, jj], q, t, ri, False)
                eu_ji[jj] -= _extra(xu[jj], mu, scale, dist[ii, jj], q, t, ri, False)
        # its offers: from actors at another position with EU_ji > 0; the best of each kind (by_type keeps
        # the lowest kind that has one), ties to the first
        for slot in range(4):
            best[slot] = np.inf
            best_j[slot] = -1
        for jj in range(u):
            eji = eu_ji[jj]
            if jj == ii or not eji > EPS:
                continue
            for j in range(start[jj], start[jj + 1]):
                eij = a_ij[jj] * ss[j]
                eij += us_row[jj]
                eij -= sq
                if q != 1.0:
                    eij -= extra[jj]
                abs_ij = abs(eij)
                kind = 0
                if eji > eij + EPS and eij > EPS:
                    kind = CONFRONTATION
                elif eij < -EPS:
                    if eji > abs_ij + EPS:
                        kind = COMPROMISE
                    elif (eji < abs(eji)) if capitulation_bug else (eji < abs_ij - EPS):
                        kind = CAPITULATION
                if kind == 0:
                    continue
                share = abs_ij / eji if kind == COMPROMISE else 1.0
                move = abs(xs[j] - xs[i]) * share
                if offer_choice == LEAST_MOVE:
                    score = move
                elif offer_choice == MAX_EU:
                    score = -eji
                    score += 1e-12 * move
                elif kind == COMPROMISE:  # by_type: compromises by their EU-weighted point
                    score = (abs_ij * xs[i] + eji * xs[j]) / (abs_ij + eji)
                else:
                    score = move
                score = np.rint(score * 1e10) / 1e10  # near-equal offers: the first, as with exact ties
                slot = kind if offer_choice == BY_TYPE else 0
                if score < best[slot]:
                    best[slot] = score
                    best_j[slot] = j
                    best_share[slot] = share
                    best_kind[slot] = kind
        slot = 0
        if offer_choice == BY_TYPE:
            slot = 1
            while slot < 3 and best_j[slot] < 0:
                slot += 1
        j = best_j[slot]
        inp = order[i]
        r_out[inp] = ri
        if j >= 0:
            if best_kind[slot] == COMPROMISE:
                new_x[inp] = xs[i] + (xs[j] - xs[i]) * best_share[slot]
            else:  # onto x_j itself, as bdm.one_round
                new_x[inp] = xs[j]
            offer_from[inp] = order[j]
            offer_kind[inp] = best_kind[slot]
        else:
            new_x[inp] = xs[i]
            offer_from[inp] = -1
            offer_kind[inp] = 0


@_jit
def _grown(m: np.ndarray, rows: int) -> np.ndarray:
    """``m`` with room for ``rows`` rows, its rows copied."""
    out = np.empty((rows, m.shape[1]), dtype=m.dtype)
    for i in range(m.shape[0]):
        for k in range(m.shape[1]):
            out[i, k] = m[i, k]
    return out


@_jit
def run_issue(
    x0: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    scale: float,
    rounds: int,
    tol: float,
    all_votes: bool,
    offer_choice: int,
    capitulation_bug: bool,
    votes_use_risk: bool,
    q: float,
    t: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Up to ``rounds`` rounds of one issue (actors in any order, positions ``x0``), stopping after the
    first round in which no position moves by more than ``tol``. Returns, one row per round run: the
    positions (with the start as row 0), the risk exponents, the actor whose offer each accepted (``-1``:
    none) and its kind (0: none)."""
    n = len(x0)
    cap = min(rounds, 64)  # rows kept so far; doubled as needed (most runs stop long before ``rounds``)
    xs = np.empty((cap + 1, n))
    for k in range(n):
        xs[0, k] = x0[k]
    r = np.empty((cap, n))
    offer_from = np.empty((cap, n), dtype=np.int64)
    offer_kind = np.empty((cap, n), dtype=np.int64)
    coef = np.empty(n)
    order = np.empty(n, dtype=np.int64)
    for k in range(n):
        coef[k] = 2.0 * k - n + 1.0
        order[k] = k
    done = 0
    for rnd in range(rounds):
        if rnd == cap:
            cap = min(2 * cap, rounds)
            xs = _grown(xs, cap + 1)
            r = _grown(r, cap)
            offer_from = _grown(offer_from, cap)
            offer_kind = _grown(offer_kind, cap)
        _round(
            xs[rnd],
            c,
            s,
            scale,
            coef,
            all_votes,
            offer_choice,
            capitulation_bug,
            votes_use_risk,
            q,
            t,
            order,
            xs[rnd + 1],
            r[rnd],
            offer_from[rnd],
            offer_kind[rnd],
        )
        done = rnd + 1
        step = 0.0
        for k in range(n):
            step = max(step, abs(xs[rnd + 1, k] - xs[rnd, k]))
        if step <= tol:
            break
    return xs[: done + 1], r[:done], offer_from[:done], offer_kind[:done]
