"""Model performance: Monte Carlo timings and how each model's cost grows with actors and issues.

Run: ``python bench/models_perf.py [--quick]``. Prints wall times (best of a few repeats) measured in this
run; compare ratios, not absolute figures, across machines: the baseline is NumPy drawing as many normal
numbers as the table has positions, once, in the same run. Targets from the issue: 10,000 Monte Carlo draws of
the compromise and Nash models for 30 actors x 10 issues in under 0.1 s. Each vectorised model runs on one
thread and on all cores (blocks of draws in threads), and through ``simulate()`` end to end (drawing the
inputs included). ``nash.v1`` runs in a compiled kernel (numba); its first call in a process is reported apart
(compiling it, or loading it from numba's cache) and left out of the timings.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np

from zopa.errors import ModelInputError
from zopa.models import nash as nash_module
from zopa.models.montecarlo import run_batch, sample_tables, simulate
from zopa.models.registry import get_batch, get_model, model_names
from zopa.models.table import IssueSpec, Negotiation


def random_table(n_actors: int, n_issues: int, seed: int = 0) -> Negotiation:
    rng = np.random.default_rng(seed)
    return Negotiation(
        name=f"random-{n_actors}x{n_issues}",
        actors=tuple(f"a{k}" for k in range(n_actors)),
        issues=tuple(IssueSpec(id=f"i{k}", status_quo=float(rng.uniform(0, 100))) for k in range(n_issues)),
        position=rng.uniform(0, 100, (n_actors, n_issues)),
        salience=rng.uniform(0.05, 1, (n_actors, n_issues)) / n_issues,  # KTAB: total salience <= 1
        capability=rng.uniform(1, 10, n_actors),
    )


def best_of(fn: Callable[[], object], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = ap.parse_args()
    repeats = 1 if args.quick else 3
    print(f"cores: {os.cpu_count()}, numpy {np.__version__}")
    t = random_table(30, 10)
    draws = 10_000
    rng = np.random.default_rng(0)
    t_base = best_of(lambda: rng.standard_normal((draws, 30, 10)), repeats)
    print(
        f"\nMonte Carlo, 30 actors x 10 issues, {draws} draws (best of {repeats}); baseline = NumPy drawing "
        f"{draws * 300:,} normal numbers once: {t_base:.3f} s on this machine now"
    )
    cores = os.cpu_count() or 1
    t0 = time.perf_counter()
    nash_module.solve_batch(sample_tables(t, draws=2, seed=0), t)
    print(
        f"  nash.v1's compiled kernel, first call in this process: {time.perf_counter() - t0:.2f} s (numba "
        "compiles it once per machine, about 20 s here, then loads it from its cache, about 0.5 s)"
    )
    t_sample1 = best_of(lambda: sample_tables(t, draws=draws, seed=0, workers=1), repeats)
    t_sample = best_of(lambda: sample_tables(t, draws=draws, seed=0), repeats)
    t_anti = best_of(lambda: sample_tables(t, draws=draws, seed=0, antithetic=True), repeats)
    batch = sample_tables(t, draws=draws, seed=0)
    print(
        f"  drawing the inputs (positions, salience, capability): one thread {t_sample1:.3f} s = "
        f"{t_sample1 / t_base:.1f} x baseline; {cores} threads {t_sample:.3f} s = {t_sample / t_base:.1f} x; "
        f"antithetic pairs, {cores} threads {t_anti:.3f} s = {t_anti / t_base:.1f} x"
    )
    print(
        f"  {'model':<42}{'one thread':>12}{f'{cores} threads':>12}{'simulate()':>12}{'antithetic':>12}"
        "   (simulate: end to end, all threads)"
    )
    for name, params in (
        ("compromise.v1", {}),
        ("median.v1", {}),
        ("nash.v1", {"disagreement": "conflict"}),
        ("nash.v1", {}),
    ):
        fn = get_batch(name)
        assert fn is not None
        t_one = best_of(lambda fn=fn, params=params: run_batch(fn, batch, t, params, 1), repeats)
        t_all = best_of(lambda fn=fn, params=params: run_batch(fn, batch, t, params), repeats)
        t_total = best_of(
            lambda name=name, params=params: simulate(t, name, draws=draws, seed=0, params=params), repeats
        )
        t_pairs = best_of(
            lambda name=name, params=params: simulate(
                t, name, draws=draws, seed=0, params=params, antithetic=True
            ),
            repeats,
        )
        label = f"{name} {params or ('(default: status quo as no deal)' if name == 'nash.v1' else '')}"
        print(
            f"  {label:<42}{t_one:>10.3f} s{t_all:>10.3f} s{t_total:>10.3f} s{t_pairs:>10.3f} s   = "
            f"{t_one / t_base:.1f} x, {t_all / t_base:.1f} x, {t_total / t_base:.1f} x, "
            f"{t_pairs / t_base:.1f} x baseline"
        )
        if name == "nash.v1":
            sol = nash_module.solve_batch(batch, t, **params)
            print(
                f"      Newton iterations {sol.newton_iterations}; {sol.phase1_draws} draws started "
                f"outside the zone: {sol.phase1_draws - sol.proven_empty - sol.exact_draws} found inside, "
                f"{sol.proven_empty} proven empty, {sol.exact_draws} left to the exact solver"
            )
    one = best_of(lambda: get_model("nash.v1")(t), repeats)
    print(
        f"  for scale: one exact nash.v1 solve (SLSQP) {one:.3f} s, i.e. {one * draws:.0f} s for "
        f"{draws} draws one by one"
    )

    sizes = [10, 30, 100, 300, 1000] if not args.quick else [10, 100, 1000]
    print(
        "\nSingle run, seconds by number of actors (10 issues); '-' = skipped: quadratic growth from the "
        "previous size predicts over 60 s; 'x' = the model refuses the table:"
    )
    print(f"{'model':<16}" + "".join(f"{n:>10}" for n in sizes))
    for name in model_names():
        fn_model = get_model(name)
        row = []
        prev: tuple[int, float] | None = None
        for n in sizes:
            if prev is not None and prev[1] * (n / prev[0]) ** 2 > 60:
                row.append("-")
                continue
            tab = random_table(n, 10).validate()
            try:
                sec = best_of(lambda fn_model=fn_model, tab=tab: fn_model(tab), 1)
            except ModelInputError:
                row.append("x")
                continue
            row.append(f"{sec:.4f}")
            prev = (n, sec)
        print(f"{name:<16}" + "".join(f"{v:>10}" for v in row))
    issues = [1, 3, 10, 30]
    print("\nSingle run, seconds by number of issues (30 actors):")
    print(f"{'model':<16}" + "".join(f"{n:>10}" for n in issues))
    for name in model_names():
        fn_model = get_model(name)
        row = []
        for k in issues:
            tab = random_table(30, k).validate()
            try:
                row.append(f"{best_of(lambda fn_model=fn_model, tab=tab: fn_model(tab), 1):.4f}")
            except ModelInputError:
                row.append("x")
        print(f"{name:<16}" + "".join(f"{v:>10}" for v in row))


if __name__ == "__main__":
    main()
