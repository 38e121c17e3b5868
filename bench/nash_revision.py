"""``nash.v1`` now against an earlier revision of ``src/zopa/models/nash.py``, timed in one process.

Loads the module as it was at ``--rev`` (``git show REV:src/zopa/models/nash.py``; its registry decorators
neutralised so both can live side by side) and times, on one thread, for the bench's 30 actors x 10 issues:
the Monte Carlo solver (``solve_batch``) on 10,000 drawn tables under both disagreement points, and one exact
solve (``nash``); it prints the ratios, the largest difference between the forecasts and whether the zone
decisions agree draw by draw.

Usage: python bench/nash_revision.py [--rev 4a259d4] [--draws 10000]
(4a259d4: the last revision with the batched NumPy solver and SLSQP without closed-form gradients; 444b0d9:
the first compiled kernel, before its issue-major layout and per-block workspace. A revision with a kernel
has it loaded too, and compiled for the run.)
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from zopa.models import nash as current
from zopa.models import registry
from zopa.models.montecarlo import sample_tables
from zopa.models.table import TableBatch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models_perf import best_of, random_table

REPO = Path(__file__).resolve().parents[1]


def _load(name: str, source: str) -> ModuleType:
    path = Path(tempfile.mkdtemp()) / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    saved = registry.register, registry.register_batch

    def keep(name: str) -> Callable[[Any], Any]:
        return lambda fn: fn

    registry.register, registry.register_batch = keep, keep  # type: ignore[assignment]
    try:
        spec.loader.exec_module(module)
    finally:
        registry.register, registry.register_batch = saved
    return module


def load_revision(rev: str) -> ModuleType:
    """``nash.py`` at ``rev``, with the compiled kernel of that revision where it had one (compiled anew
    for this run, so allow some 20 s)."""

    def show(path: str) -> str | None:
        out = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=REPO, capture_output=True, text=True)
        return out.stdout if out.returncode == 0 else None

    source = show("src/zopa/models/nash.py")
    assert source is not None, f"no src/zopa/models/nash.py at {rev}"
    kernel = show("src/zopa/models/_nash_kernel.py")
    if kernel is not None:
        _load("nash_kernel_at_revision", kernel)
        source = source.replace(
            "from zopa.models import _nash_kernel as kernel", "import nash_kernel_at_revision as kernel"
        )
    return _load("nash_at_revision", source)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rev", default="4a259d4")
    ap.add_argument("--draws", type=int, default=10_000)
    args = ap.parse_args()
    old = load_revision(args.rev)
    t = random_table(30, 10)
    batch = sample_tables(t, draws=args.draws, seed=0, workers=1)
    current.solve_batch(TableBatch.of(t), t)  # compile or load the kernels before timing
    old.solve_batch(TableBatch.of(t), t)
    print(f"nash.v1 now vs revision {args.rev}, 30 actors x 10 issues, one thread, best of 3")
    for params in ({"disagreement": "conflict"}, {}):
        label = params.get("disagreement", "default (status quo)")
        t_old = best_of(lambda params=params: old.solve_batch(batch, t, **params))
        t_new = best_of(lambda params=params: current.solve_batch(batch, t, **params))
        a, b = old.solve_batch(batch, t, **params), current.solve_batch(batch, t, **params)
        gap = np.abs(a.forecast - b.forecast).max()
        print(
            f"  Monte Carlo solver, {args.draws} draws, {label}: {t_old:.3f} s -> {t_new:.3f} s "
            f"({t_old / t_new:.1f} x); largest forecast difference {gap:.1e} points; zone decisions agree "
            f"on every draw: {bool(np.array_equal(a.agreement, b.agreement))}"
        )
        e_old = best_of(lambda params=params: old.nash(t, **params))
        e_new = best_of(lambda params=params: current.nash(t, **params))
        fo, fn = old.nash(t, **params).forecast, current.nash(t, **params).forecast
        diff = max(abs(fo[i] - fn[i]) for i in t.issue_ids)
        print(
            f"  exact solver (SLSQP), one table, {label}: {e_old:.3f} s -> {e_new:.3f} s "
            f"({e_old / e_new:.1f} x); largest forecast difference {diff:.1e} points"
        )


if __name__ == "__main__":
    main()
