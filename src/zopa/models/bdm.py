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

Implementation, ``engine``: ``"compiled"`` runs all the rounds of an issue in one numba-compiled call
(:mod:`zopa.models._bdm_kernel`, imported, and compiled or loaded from numba's cache, on first use), which
saves NumPy's cost per call (about 190 calls per issue and round); ``"numpy"`` is the array code below, the
readable reference; ``"auto"`` (default) takes the NumPy engine for an issue with at most
:data:`AUTO_NUMPY_ACTORS` actors (a few milliseconds a run, and no compile on a machine's first run) and the
compiled one above. Both compute every value with the same floating-point operations in the same order,
sums included, and take ``exp`` and ``log`` from :mod:`zopa.models._elementary` (basic IEEE operations, not
NumPy's CPU-dependent loops), so they agree to the last bit on any CPU. In the NumPy engine everything within
a round is NumPy, with no Python loop over actor pairs. Actors are sorted by position and whatever depends
only on two positions (distances, their logs, win probabilities) is computed once per pair of *distinct*
positions (actors pile up on shared positions after confrontations and capitulations); the vote sums are
differences of prefix sums over the sorted actors (``O(n u)`` per round, ``u`` distinct positions, not
``O(n^3)``). Powers are ``exp(r log y)`` with the logs taken once per round. Offers are assessed only for the
pairs where one could exist (``EU_ji > 0``, another position), each actor's pick found by one ``argmin`` over
its row. Every per-pair value is computed with the same floating-point operations as the plain actor x actor
formulas (the all-votes total sums each actor's votes in ascending order), so the results do not depend on
these shortcuts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from zopa.errors import ModelInputError
from zopa.models import _elementary
from zopa.models.registry import ModelResult, register
from zopa.models.table import Negotiation

Probability = Literal["pairwise", "all_votes"]
OfferChoice = Literal["least_move", "by_type", "max_eu"]
Engine = Literal["auto", "compiled", "numpy"]
AUTO_NUMPY_ACTORS = 8  # "auto": issues with at most this many actors run in the NumPy engine (no compile)

CONFRONTATION, COMPROMISE, CAPITULATION = 1, 2, 3
_EPS = 1e-12  # expected utilities closer than this are equal
LOG_HALF = _elementary.log_scalar(0.5)
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
class _Geometry:
    """One round's pair geometry for one issue, actors sorted by position (computed once per round).

    Whatever depends only on two positions is held once per pair of *distinct* positions (``u`` of them;
    actors often share one after confrontations and capitulations): ``(u, u)`` arrays, or ``(n, u)`` with one
    row per actor where the row is then combined with something of the actor's own (its risk exponent)."""

    x: np.ndarray  # sorted positions (n)
    xu: np.ndarray  # distinct positions (u)
    ui: np.ndarray | None  # distinct position of each actor; None when all positions differ
    upper: np.ndarray  # (u, u) x_I < x_J
    lo_i: np.ndarray  # (u, u) flat indices into the (n + 1, u) prefix-sum table: row lo[I, J], column I
    lo_j: np.ndarray  # the same, column J
    d: np.ndarray  # (n, u) |x_i - x_J| / scale
    log_d: np.ndarray  # (n, u) log d (-inf where the positions are equal)
    log_near: np.ndarray  # (n, u) log(0.5 - 0.5 d)
    log_far: np.ndarray  # (n, u) log(0.5 + 0.5 d)
    # flat indices into an (n, u) array that list row k's columns, one per actor, nearest first (votes grow
    # with distance, so this sorts each actor's votes); only for ``all_votes``
    by_distance: np.ndarray | None

    @property
    def col(self) -> np.ndarray:
        """Column (distinct position) of each actor."""
        return np.arange(len(self.x)) if self.ui is None else self.ui

    def rows(self, m: np.ndarray) -> np.ndarray:
        """``m`` (one row per distinct position) with one row per actor."""
        return m if self.ui is None else m.take(self.ui, axis=0)

    def cols(self, m: np.ndarray) -> np.ndarray:
        """``m`` (one column per distinct position) with one column per actor."""
        return m if self.ui is None else m.take(self.ui, axis=1)


_HALVES: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}


def _upper_pairs(u: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``I < J`` of ``u`` distinct positions: ``I``, ``J`` and the flat indices of ``(I, J)`` and
    ``(J, I)`` in a ``(u, u)`` array."""
    if u not in _HALVES:
        i, j = np.triu_indices(u, 1)
        _HALVES[u] = (i, j, i * u + j, j * u + i)
    return _HALVES[u]


def _geometry(x: np.ndarray, scale: float, *, sort_votes: bool = False) -> _Geometry:
    """``x`` must be sorted. ``lo[I, J]``: how many actors lie strictly left of the midpoint of ``x_I, x_J``
    (an actor exactly on the midpoint is indifferent, so it may count on either side)."""
    n = len(x)
    first = np.empty(n, dtype=bool)
    first[:1] = True
    np.not_equal(x[1:], x[:-1], out=first[1:])
    if first.all():
        xu, ui = x, None
    else:
        xu = x[first]
        ui = np.cumsum(first) - 1
    u = len(xu)
    # the midpoint is symmetric: search for the pairs I < J only (their rows are sorted, which searchsorted
    # likes), and for I = J the midpoint is x_I itself
    iu, ju, upper, lower = _upper_pairs(u)
    lo = np.empty((u, u), dtype=np.intp)
    flat = lo.ravel()
    half = np.searchsorted(x, (xu.take(iu) + xu.take(ju)) / 2.0, side="left")
    flat[upper] = half
    flat[lower] = half
    flat[:: u + 1] = np.searchsorted(x, xu, side="left")
    lo *= u
    col = np.arange(u)
    d = np.abs(xu[:, None] - xu[None, :]) / scale
    logs = [
        _elementary.log(d),
        _elementary.log(np.maximum(0.5 - 0.5 * d, 0.0)),
        _elementary.log(0.5 + 0.5 * d),
    ]
    by_distance = None
    if sort_votes:
        # a stable sort: each row falls and then rises, two runs to merge
        near = np.argsort(d, axis=1, kind="stable")
        if ui is not None:  # each distinct position as often as actors hold it
            starts = first.nonzero()[0]
            counts = np.empty(u, dtype=np.intp)
            np.subtract(starts[1:], starts[:-1], out=counts[:-1])
            counts[-1] = n - starts[-1]
            near = near.ravel().repeat(counts.take(near).ravel()).reshape(u, n).take(ui, axis=0)
        by_distance = near + (np.arange(n) * u)[:, None]
    if ui is not None:
        d = d.take(ui, axis=0)
        logs = [m.take(ui, axis=0) for m in logs]
    return _Geometry(
        x=x,
        xu=xu,
        ui=ui,
        upper=xu[:, None] < xu[None, :],
        lo_i=lo + col[:, None],
        lo_j=lo + col[None, :],
        d=d,
        log_d=logs[0],
        log_near=logs[1],
        log_far=logs[2],
        by_distance=by_distance,
    )


def vote_shares(g: _Geometry, w: np.ndarray, r: np.ndarray | None, how: Probability) -> np.ndarray:
    """``P[I, J]`` for distinct positions: probability that ``x_I`` beats ``x_J`` given the actors' votes
    ``w_k (d_kJ^r_k - d_kI^r_k)`` (``r`` ``None``: all 1).

    Voters nearer ``x_I`` than ``x_J`` are exactly those on ``x_I``'s side of the midpoint, so with actors
    sorted by position each sum is a difference of prefix sums: ``O(n u)`` memory and time."""
    if r is None:
        a = w[:, None] * g.d  # a[k, J] = w_k d_kJ^r_k
    else:
        a = _elementary.exp(r[:, None] * g.log_d)
        a *= w[:, None]
    n, u = a.shape
    c = np.zeros((n + 1, u))
    np.cumsum(a, axis=0, out=c[1:])
    total = c[-1]
    cf = c.ravel()
    # voters left of the midpoint: sum of (a_kJ - a_kI); right of it: sum of (a_kI - a_kJ), which is the
    # difference of the totals plus the left sum
    left = cf.take(g.lo_j) - cf.take(g.lo_i)
    right = total[:, None] - total[None, :]
    right += left
    pos = np.where(g.upper, left, -right)
    np.maximum(pos, 0.0, out=pos)
    den: np.ndarray | float
    if how == "pairwise":
        neg = np.where(g.upper, right, -left)
        np.maximum(neg, 0.0, out=neg)
        den = pos + neg
        den[den <= 0] = np.inf
    else:
        # sum over k of sum over pairs of actors of |a_kj - a_ki|, from each actor's votes in ascending order
        # (the same sum, in the same order, as sorting the actor x actor votes)
        assert g.by_distance is not None
        coef = 2.0 * np.arange(n) - n + 1.0
        den = 2.0 * float((a.ravel().take(g.by_distance) * coef).sum())
        if den <= 0:
            den = np.inf
    p = np.divide(pos, den, out=pos)
    p.ravel()[:: u + 1] = 0.0  # the diagonal: a position against itself
    return p


def win_probability(
    x: np.ndarray, w: np.ndarray, r: np.ndarray | None, scale: float, how: Probability
) -> np.ndarray:
    """``P[i, j]``: probability that ``x_i`` beats ``x_j`` given votes ``w_k (d_kj^r_k - d_ki^r_k)``, for
    actors in any order (the model itself works on :func:`vote_shares` of sorted, distinct positions)."""
    order = np.argsort(x, kind="stable")
    inv = np.empty(len(x), dtype=int)
    inv[order] = np.arange(len(x))
    g = _geometry(x[order], scale, sort_votes=how == "all_votes")
    p = g.cols(g.rows(vote_shares(g, w[order], None if r is None else r[order], how)))
    return p[np.ix_(inv, inv)]


def _power(base: np.ndarray, r: np.ndarray | None) -> np.ndarray:
    """``base ** r`` (``r`` one exponent per row; ``None``: all 1) as ``exp(r log(base))``, the same bits as
    the compiled engine on any CPU."""
    return base if r is None else _elementary.exp(r[:, None] * _elementary.log(base))


@dataclass(frozen=True, slots=True)
class _Utilities:
    """Expected utilities seen by each actor ``i`` (rows, with its own exponent) against each distinct
    position ``J`` (columns), ``(n, u)``: ``EU_ji`` whole; ``EU_ij`` also depends on the challenged actor's
    salience ``s_j``, so it is kept in parts: ``EU_ij = (a_ij s_j + us) - sq - extra``."""

    eu_ji: np.ndarray
    a_ij: np.ndarray
    us: np.ndarray
    sq: np.ndarray | float  # (n, 1) or a scalar
    extra: np.ndarray | None  # the Q < 1 term of EU_ij; None when Q = 1


def _utilities(
    g: _Geometry,
    s: np.ndarray,
    p: np.ndarray,
    r: np.ndarray | None,
    mu: float,
    q: float,
    t: float,
    scale: float,
) -> _Utilities:
    """``EU_ij`` (``i`` challenges ``j``) and ``EU_ji`` (``j`` challenges ``i``), both seen by ``i`` with its
    own exponent ``r_i`` (``None``: all 1). Distances are symmetric, so both share the same two power
    matrices."""
    d = g.d
    usq: np.ndarray | float
    if r is None:
        us, uf, usq = 2.0 - 4.0 * (0.5 - 0.5 * d), 2.0 - 4.0 * (0.5 + 0.5 * d), 0.0
    else:
        rv = r[:, None]
        us, uf = _elementary.exp(rv * g.log_near), _elementary.exp(rv * g.log_far)
        for u in (us, uf):  # 2 - 4 exp(r log(...)), in place
            u *= 4.0
            np.subtract(2.0, u, out=u)
        usq = 2.0 - 4.0 * _elementary.exp(rv * LOG_HALF)
    diff = us - uf
    sq = q * usq
    # p diff, with p spread to one row per actor (fresh arrays either way: both are updated in place)
    if g.ui is None:
        a_ij, eu_ji = p * diff, np.multiply(p.T, diff, order="C")
    else:
        a_ij, eu_ji = g.rows(p), g.rows(p.T)
        a_ij *= diff
        eu_ji *= diff
    for eu in (a_ij, eu_ji):
        eu += uf
        eu -= us
    eu_ji *= s[:, None]  # s (p diff + uf - us) + us - q usq
    eu_ji += us
    eu_ji -= sq
    extra = None
    if q != 1.0:
        terms = []
        for own in (g.x[:, None], g.xu[None, :]):
            spread = np.clip(0.25 * (np.abs(own - mu) / scale + d), 0.0, 0.5)
            better, worse = _power(0.5 - spread, r), _power(0.5 + spread, r)
            terms.append((1.0 - q) * (t * (2.0 - 4.0 * better) + (1.0 - t) * (2.0 - 4.0 * worse)))
        extra = terms[0]
        eu_ji -= terms[1]
    return _Utilities(eu_ji=eu_ji, a_ij=a_ij, us=us, sq=sq, extra=extra)


def risk_exponents(
    g: _Geometry,
    w: np.ndarray,
    s: np.ndarray,
    how: Probability,
    mu: float,
    q: float,
    t: float,
    scale: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Scholz et al. section 5: exposure to challenges with all ``r = 1``, mapped to ``r`` in [0.5, 2].
    Returns ``r`` and the risk-neutral win probabilities."""
    p = vote_shares(g, w, None, how)
    if q == 1.0:  # r = 1: U_s = 2d, U_f = -2d, U_sq = 0, so EU[a, i] = 2 d (1 - 2 s_i (1 - P_ai))
        m = g.rows(np.subtract(1.0, p.T, order="C"))  # C order: the row sums below add in that order
        m *= 2.0 * s[:, None]
        np.subtract(1.0, m, out=m)
        m *= g.d
        exposure = 2.0 * g.cols(m).sum(axis=1)
    else:
        eu_ji = g.cols(_utilities(g, s, p, None, mu, q, t, scale).eu_ji)  # eu_ji[i, j]: j challenges i
        np.fill_diagonal(eu_ji, 0.0)
        exposure = eu_ji.sum(axis=1)
    hi, lo = exposure.max(), exposure.min()
    if hi - lo <= 1e-9 * max(abs(hi), abs(lo), 1e-300):  # all equally exposed (up to float noise)
        return np.ones(len(s)), p
    big_r = (2.0 * exposure - hi - lo) / (hi - lo)
    return (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0), p


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
    g = _geometry(x, scale, sort_votes=how == "all_votes")
    r, p = risk_exponents(g, w, s, how, mu, q, t, scale)
    if votes_use_risk:
        p = vote_shares(g, w, r, how)
    eu = _utilities(g, s, p, r, mu, q, t, scale)
    col = g.col
    u = eu.eu_ji.shape[1]
    # every offer needs EU_ji > 0 from an actor at another position: only those pairs are looked at
    cand = eu.eu_ji > _EPS
    cand.ravel()[np.arange(n) * u + col] = False
    flat = g.cols(cand).ravel().nonzero()[0]
    i = flat // n
    j = flat - i * n
    at = i * u
    at += col.take(j)  # into the (n, u) arrays
    eu_ji = eu.eu_ji.ravel().take(at)
    eu_ij = eu.a_ij.ravel().take(at)
    eu_ij *= s.take(j)
    eu_ij += eu.us.ravel().take(at)
    eu_ij -= eu.sq.ravel().take(i) if isinstance(eu.sq, np.ndarray) else eu.sq
    if eu.extra is not None:
        eu_ij -= eu.extra.ravel().take(at)
    abs_ij = np.abs(eu_ij)
    # comparisons that are ties in exact arithmetic stay ties under float noise (e.g. rescaled capabilities)
    eps = _EPS
    conf = eu_ji > eu_ij + eps
    conf &= eu_ij > eps
    yield_ = eu_ij < -eps
    comp = eu_ji > abs_ij + eps
    comp &= yield_
    cap = (eu_ji < np.abs(eu_ji)) if capitulation_bug else (eu_ji < abs_ij - eps)
    cap &= yield_
    # the three are exclusive; small integers (the booleans viewed as 0/1 bytes) keep this cheap
    i8 = np.int8
    kind = conf.view(i8) * i8(CONFRONTATION)
    kind += comp.view(i8) * i8(COMPROMISE)
    kind += cap.view(i8) * i8(CAPITULATION)
    comp_at = comp.nonzero()[0]
    a_ij, a_ji = abs_ij.take(comp_at), eu_ji.take(comp_at)
    share = np.ones(len(flat))  # share of the way to x_j
    share[comp_at] = a_ij / a_ji
    dx = x.take(j)
    dx -= x.take(i)
    move = np.abs(dx)
    move *= share
    if offer_choice == "least_move":
        score = move
    elif offer_choice == "max_eu":
        score = -eu_ji
        score += 1e-12 * move
    else:
        # compromises are keyed by their EU-weighted point (EU_ji > 0 there, so |EU_ij| + EU_ji > 0), the
        # rest by how far they move; only offers of each actor's best type count
        score = move
        score[comp_at] = (a_ij * x.take(i.take(comp_at)) + a_ji * x.take(j.take(comp_at))) / (a_ij + a_ji)
        if len(i):
            rank = (kind - i8(1)).view(np.uint8)  # no offer: 255
            # pairs come row by row: each row's best (lowest) type over its run
            first = np.empty(len(i), dtype=bool)
            first[0] = True
            np.not_equal(i[1:], i[:-1], out=first[1:])
            starts = first.nonzero()[0]
            runs = np.empty(len(starts), dtype=np.intp)
            np.subtract(starts[1:], starts[:-1], out=runs[:-1])
            runs[-1] = len(i) - starts[-1]
            best = np.minimum.reduceat(rank, starts)
            score[rank != best.repeat(runs)] = np.inf
    score[kind == 0] = np.inf
    full = np.full(n * n, np.inf)
    full[flat] = np.round(score, 10)  # near-equal offers: the first, as with exact ties
    rows = np.arange(n)
    pick = full.reshape(n, n).argmin(axis=1)
    got = np.isfinite(full.take(rows * n + pick))
    hit = np.searchsorted(flat, rows[got] * n + pick[got])  # the picked offers
    new_x = x.copy()
    new_x[got] = x[got] + dx.take(hit) * share.take(hit)
    kinds_got = np.zeros(n, dtype=int)
    kinds_got[got] = kind.take(hit)
    # a confrontation or capitulation moves the actor onto x_j itself (x_i + (x_j - x_i) can miss it by a
    # unit in the last place, which would leave two actors a hair apart instead of sharing a position)
    onto = kinds_got != COMPROMISE
    onto &= got
    new_x[onto] = x.take(j.take(hit[onto[got]]))
    back = np.empty(n, dtype=int)
    back[order] = rows  # sorted index of each input actor
    new_x = new_x[back]
    assert new_x.shape == x_in.shape
    return {
        "x": new_x,
        "r": r[back],
        "offer_from": np.where(got, order[pick], -1)[back],
        "offer_kind": kinds_got[back],
        "mean": np.asarray(mu),
    }


def _rounds_numpy(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, scale: float, rounds: int, tol: float, **opts: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The NumPy engine: :func:`one_round` until no position moves by more than ``tol``. Returns what the
    compiled engine's ``run_issue`` does: positions by round (the start first), risk exponents, offer
    senders and kinds (one row per round run)."""
    xs, rs, froms, kinds = [x], [], [], []
    for _ in range(rounds):
        out = one_round(x, c, s, scale, **opts)
        new_x = out["x"]
        xs.append(new_x)
        rs.append(out["r"])
        froms.append(out["offer_from"])
        kinds.append(out["offer_kind"])
        stable = np.max(np.abs(new_x - x)) <= tol
        x = new_x
        if stable:
            break
    return np.array(xs), np.array(rs), np.array(froms), np.array(kinds)


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
    engine: Engine = "auto",
    seed: int | None = None,
) -> ModelResult:
    """Bueno de Mesquita's challenge model per Scholz, Calbert & Smith (2011); options in the module
    docstring.

    ``seed`` is accepted for the common model signature; the model is deterministic. ``keep_offers`` records
    each round's accepted offers (who moved, towards whom, which kind) in the history. ``engine``:
    ``"compiled"`` (numba) or ``"numpy"`` (the array code in this module); both give the same results.
    """
    if rounds < 1:
        raise ModelInputError(f"bdm.v1: rounds must be >= 1, got {rounds}")
    for name, val, allowed in (
        ("probability", probability, ("pairwise", "all_votes")),
        ("offer_choice", offer_choice, ("least_move", "by_type", "max_eu")),
        ("distance_scale", distance_scale, ("positions", "issue")),
        ("forecast", forecast, ("median", "mean")),
        ("engine", engine, ("auto", "compiled", "numpy")),
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
    opts: dict[str, Any] = {
        "how": probability,
        "offer_choice": offer_choice,
        "capitulation_bug": bool(capitulation_bug),
        "votes_use_risk": bool(votes_use_risk),
        "q": float(q),
        "t": float(t),
    }
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
        if engine == "compiled" or (engine == "auto" and len(x) > AUTO_NUMPY_ACTORS):
            from zopa.models import _bdm_kernel  # numba: imported (and compiled or loaded) on first use

            _bdm_kernel.notice_if_compiling()
            # the argument types fixed, so that one compiled version serves every call
            xs, rs, froms, kinds = _bdm_kernel.run_issue(
                x,
                np.ascontiguousarray(c, dtype=float),
                np.ascontiguousarray(s, dtype=float),
                scale,
                int(rounds),
                float(tol),
                probability == "all_votes",
                _bdm_kernel.OFFER_CHOICES[offer_choice],
                opts["capitulation_bug"],
                opts["votes_use_risk"],
                opts["q"],
                opts["t"],
            )
        else:
            xs, rs, froms, kinds = _rounds_numpy(x, c, s, scale, rounds, tol, **opts)
        for rnd in range(1, len(xs)):
            new_x = xs[rnd]
            step: dict[str, Any] = {
                "round": rnd,
                "x": new_x,
                "r": rs[rnd - 1],
                "median": weighted_median(new_x, w),
                "mean": float((w * new_x).sum() / w.sum()) if w.sum() > 0 else float(new_x.mean()),
            }
            if keep_offers:
                moved = np.flatnonzero(kinds[rnd - 1] > 0)
                step["offers"] = [
                    {"actor": actors[a], "from": actors[f], "kind": OFFER_NAMES[kd], "old": old, "new": nw}
                    for a, f, kd, old, nw in zip(
                        idx[moved].tolist(),
                        idx[froms[rnd - 1][moved]].tolist(),
                        kinds[rnd - 1][moved].tolist(),
                        xs[rnd - 1][moved].tolist(),
                        new_x[moved].tolist(),
                        strict=True,
                    )
                ]
            trace.append(step)
        rounds_run[k] = len(xs) - 1
        x = xs[-1]
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
            "engine": engine,
            "seed": seed,
        },
        forecast=result,
        history=history,
        diagnostics={"issues": per_issue, "final_positions": current},
        inputs=table.name,
    )
