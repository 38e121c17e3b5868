"""First use: a cold ``zopa negotiation gap`` right after installing against a warm one, and ``zopa --help``.

A *cold* run is what a user meets first: zopa's package copied to a fresh folder (no compiled bytecode) and
an empty numba cache (``NUMBA_CACHE_DIR``), so anything zopa compiles on first use is compiled in that run. A
*warm* run repeats it with the bytecode and the cache in place. Both work on their own fresh copy of a
database built from the seeds in this run (its stored forecasts deleted, so both compute every model's
forecast, none reads a stored one). Times are CPU seconds of the child process (user + system), the fair
measure on a loaded machine; the figure that matters is the ratio cold / warm, measured in the same run.

Usage: python bench/first_use.py [--seeds ../shared/seeds] [--repeats 3] [--json]
Exits 1 when the cold run costs more than twice the warm one (the target of issue 13).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
TARGET = 2.0


def _cpu_of(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def _fresh_db(source: Path, target: Path) -> Path:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
        dst.execute("DELETE FROM forecasts")
    return target


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=SEEDS)
    ap.add_argument("--repeats", type=int, default=3, help="warm runs (the best is kept)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not args.seeds.is_dir():
        print(f"{args.seeds}: not found (the seeds live in ../shared/seeds)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="zopa-first-use-") as tmp_dir:
        tmp = Path(tmp_dir)
        src = tmp / "src"
        shutil.copytree(ROOT / "src" / "zopa", src / "zopa", ignore=shutil.ignore_patterns("__pycache__"))
        env = {**os.environ, "PYTHONPATH": str(src), "NUMBA_CACHE_DIR": str(tmp / "numba-cache")}
        zopa = [sys.executable, "-c", "from zopa.cli import main; main()"]
        built = tmp / "seeds.db"
        subprocess.run([*zopa, "analyze", str(args.seeds), "--db", str(built)], env=env, check=True,
                       capture_output=True)  # fmt: skip
        shutil.rmtree(tmp / "numba-cache", ignore_errors=True)  # analyze compiles nothing; to be sure
        for cache in (src / "zopa").rglob("__pycache__"):  # the cold run starts without bytecode too
            shutil.rmtree(cache)
        gap = [*zopa, "negotiation", "gap", "--db"]
        cold_cpu, cold_wall = _cpu_of([*gap, str(_fresh_db(built, tmp / "cold.db"))], env)
        warm = [_cpu_of([*gap, str(_fresh_db(built, tmp / f"warm{k}.db"))], env) for k in range(args.repeats)]
        warm_cpu, warm_wall = min(warm)
        helps = [_cpu_of([*zopa, "--help"], env)[0] for _ in range(args.repeats)]
    result = {
        "cold_cpu_s": round(cold_cpu, 3),
        "cold_wall_s": round(cold_wall, 3),
        "warm_cpu_s": round(warm_cpu, 3),
        "warm_wall_s": round(warm_wall, 3),
        "ratio_cold_to_warm": round(cold_cpu / warm_cpu, 3),
        "target_ratio": TARGET,
        "help_cpu_s": round(min(helps), 3),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"cold first `zopa negotiation gap` (fresh bytecode, empty numba cache): {cold_cpu:.2f} s CPU "
              f"({cold_wall:.2f} s wall)")  # fmt: skip
        print(
            f"warm `zopa negotiation gap`, best of {args.repeats}: {warm_cpu:.2f} s CPU "
            f"({warm_wall:.2f} s wall)"
        )
        print(f"cold / warm: {cold_cpu / warm_cpu:.2f} (target: at most {TARGET:g})")
        print(f"`zopa --help`, best of {args.repeats}: {min(helps):.3f} s CPU")
    return 0 if cold_cpu <= TARGET * warm_cpu else 1


if __name__ == "__main__":
    raise SystemExit(main())
