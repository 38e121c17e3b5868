"""Run time of the iterative models (bdm.v1, smp.v1, exchange.v1) and how it grows with actors and issues.

1. ``bdm.v1`` on random tables of 100 actors x 10 issues x 100 rounds (``tol=-1`` forces every round): the
   first compiled call (numba import plus compiling the kernel, or loading it from numba's cache), then wall
   and CPU seconds of each engine, best of a few runs (the CPU figure is what one core spends, whatever else
   the machine runs), against the 1 s target; and for the NumPy engine a baseline measured in the same run:
   the same rounds with the win probabilities summed the direct way (an ``(n, u, u)`` array of votes per
   round, ``u`` the distinct positions), which is what the prefix-sum form replaces.
2. ``bdm.v1`` per round and issue for 10 ... 1,000 actors, both engines (cost per round grows as n^2).
3. ``smp.v1`` on KTAB's inputs (7 to 80 actors) and random tables of 2 issues up to 160 actors (cost per state
   grows as n^3: every actor's estimate of every pair's utilities).
4. ``exchange.v1`` on random tables of 3 issues (cost grows with the number of possible exchanges, ~n^2 per
   pair of issues, each realised exchange re-evaluating the rest).

Usage: python bench/iterative_perf.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from zopa.models import bdm as bdm_mod
from zopa.models.bdm import bdm_model
from zopa.models.exchange import exchange_model
from zopa.models.ktab import read_ktab
from zopa.models.smp import smp_model
from zopa.models.table import IssueSpec, Negotiation

KTAB = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "ktab-smp"


def random_table(n: int, m: int, seed: int = 0, *, cap_per_actor: bool = False) -> Negotiation:
    rng = np.random.default_rng(seed)
    sal = rng.uniform(0.1, 1.0, (n, m))
    if cap_per_actor:
        sal = sal / sal.sum(axis=1, keepdims=True) * rng.uniform(0.5, 0.95, (n, 1))
    return Negotiation(
        name=f"random {n}x{m}",
        actors=tuple(f"a{i}" for i in range(n)),
        issues=tuple(IssueSpec(id=f"i{k}") for k in range(m)),
        position=rng.uniform(0, 100, (n, m)).round(1),
        salience=sal,
        capability=rng.uniform(1, 100, n) if cap_per_actor else rng.uniform(1, 100, (n, m)),
    )


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w0, time.process_time() - c0, out


def direct_probability(g: Any, w: np.ndarray, r: np.ndarray | None, how: str) -> np.ndarray:
    """Baseline for ``bdm.vote_shares``: every vote v[k, I, J] materialised, O(n u^2) per call (``g.d[k, J]``:
    distance of voter ``k`` to distinct position ``J``), each actor's votes counted once per actor at a
    position."""
    d = g.d if r is None else g.d ** r[:, None]  # d[k, J]
    v = w[:, None, None] * (d[:, None, :] - d[:, :, None])  # v[k, I, J] = w_k (d_kJ - d_kI)
    pos = np.maximum(v, 0.0).sum(axis=0)
    if how == "pairwise":
        den = np.abs(v).sum(axis=0)
    else:  # all pairs of actors: weight each pair of positions by how many actors hold each
        held = np.bincount(g.col).astype(float)
        den = np.full(pos.shape, held @ np.abs(v).sum(axis=0) @ held)
    p = np.divide(pos, den, out=np.zeros_like(pos), where=den > 0)
    np.fill_diagonal(p, 0.0)
    return p


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for a fast check")
    args = ap.parse_args()
    quick = args.quick

    print("== bdm.v1: 100 actors x 10 issues x 100 rounds")
    t = random_table(100, 10)
    # the first compiled call imports numba and compiles the kernel (or loads it from numba's cache)
    wall, cpu, _ = timed(lambda: bdm_model(random_table(3, 1), rounds=2, engine="compiled"))
    from zopa.models import _bdm_kernel

    stats = _bdm_kernel.run_issue.stats
    how = "loaded from cache" if stats.cache_hits else "compiled"
    print(f"first compiled call (numba import + kernel {how}): {wall:.2f} s wall, {cpu:.2f} s CPU")
    best: dict[str, tuple[float, float]] = {}
    for engine in ("compiled", "numpy"):
        for _ in range(2 if quick else 3):  # best of a few: the machine may be shared
            wall, cpu, _ = timed(
                lambda engine=engine: bdm_model(t, rounds=100, tol=-1.0, keep_offers=False, engine=engine)
            )
            best[engine] = min(best.get(engine, (wall, cpu)), (wall, cpu), key=lambda v: v[1])
        wall, cpu = best[engine]
        print(f"engine {engine:8s}: {wall:.2f} s wall, {cpu:.2f} s CPU (best of runs)")
    ratio = best["numpy"][1] / best["compiled"][1]
    met = "met" if best["compiled"][1] < 1.0 else "NOT met"
    print(f"compiled vs numpy: {ratio:.1f}x less CPU; target < 1 s CPU on one core: {met}")
    rounds_base = 10 if quick else 20
    original = bdm_mod.vote_shares
    bdm_mod.vote_shares = direct_probability  # type: ignore[assignment]
    try:
        _, bc, _ = timed(
            lambda: bdm_model(t, rounds=rounds_base, tol=-1.0, keep_offers=False, engine="numpy")
        )
    finally:
        bdm_mod.vote_shares = original
    _, fc, _ = timed(lambda: bdm_model(t, rounds=rounds_base, tol=-1.0, keep_offers=False, engine="numpy"))
    print(
        f"numpy engine, {rounds_base} rounds: direct O(n^3) sums {bc:.2f} s CPU vs prefix sums "
        f"{fc:.2f} s CPU -> {bc / fc:.1f}x"
    )
    print()

    print("== bdm.v1: cost per round and issue as actors grow")
    print(" actors | rounds | ms/round compiled | numpy (CPU) | compiled vs 100 actors")
    sizes = [10, 30, 100, 300] if quick else [10, 30, 100, 300, 1000]
    per: dict[tuple[int, str], float] = {}
    for n in sizes:
        rounds = 20 if n <= 100 else (5 if n <= 300 else 3)
        tn = random_table(n, 1, seed=n)
        for engine in ("compiled", "numpy"):
            _, c, _ = timed(
                lambda tn=tn, rounds=rounds, engine=engine: bdm_model(
                    tn, rounds=rounds, tol=-1.0, keep_offers=False, engine=engine
                )
            )
            per[n, engine] = c / rounds * 1000
    for n in sizes:
        rounds = 20 if n <= 100 else (5 if n <= 300 else 3)
        print(
            f" {n:6d} | {rounds:6d} | {per[n, 'compiled']:17.2f} | {per[n, 'numpy']:11.2f} | "
            f"{per[n, 'compiled'] / per[100, 'compiled']:8.1f}x"
        )
    print()

    print("== smp.v1 (KTAB SMP): per run and per state")
    print(" input                      | actors x dims | states | s (CPU) | ms/state")
    inputs: list[tuple[str, Negotiation]] = []
    if KTAB.is_dir():
        for name in (
            "dummyData_3Dim.csv",
            "SOE-Pol-Comp.csv",
            "SOE-Policy.csv",
            "dummyData-a040.csv",
            "dummyData-a080.csv",
        ):
            if quick and name == "dummyData-a080.csv":
                continue
            inputs.append((name, read_ktab(KTAB / name)))
    else:
        print(f"   (KTAB inputs not found at {KTAB}; random tables only)")
    for n in (20, 40, 80) if quick else (20, 40, 80, 160):
        inputs.append((f"random {n}x2", random_table(n, 2, seed=n, cap_per_actor=True)))
    for name, tbl in inputs:
        max_states = 101 if tbl.n_actors <= 80 else 6
        _, c, res = timed(lambda tbl=tbl, ms=max_states: smp_model(tbl, max_states=ms))
        states = res.diagnostics["states"]
        print(
            f" {name:26s} | {tbl.n_actors:6d} x {tbl.n_issues:<4d} | {states:6d} | {c:7.2f} | "
            f"{c / max(states - 1, 1) * 1000:8.1f}"
        )
    print()

    print("== exchange.v1: one round on random tables with 3 issues")
    print(" actors | possible exchanges realised | s (CPU)")
    for n in (10, 20, 40) if quick else (10, 20, 40, 80):
        tn = random_table(n, 3, seed=n)
        _, c, res = timed(lambda tn=tn: exchange_model(tn))
        print(f" {n:6d} | {res.diagnostics['n_exchanges']:27d} | {c:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
