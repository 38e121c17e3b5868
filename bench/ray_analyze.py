"""``zopa analyze --engine ray``: the speed-up of N Ray workers over one, and what a larger cluster would do.

In one process (Ray started once, so its start-up is not counted against either run):

1. a local run (``zopa.pipeline.analyze``, no engine) into a fresh SQLite file: the baseline, and the
   evidence every other run must store exactly;
2. a Ray run for each worker count (default 1 and 2) into its own fresh file, timed on the wall clock, its
   export compared with the local run's (documents, quotes, positions, events, stories, statements,
   mentions, actors; everything but the time of writing);
3. the write path alone: the articles prepared once, then stored with ``store_batch`` in batches of the
   engine's size into a fresh file (documents written per second: the ceiling any number of workers meets).

Printed: wall seconds and articles per second per run, the ratio of each run to the 1-worker run, the
per-article extraction cost (CPU seconds, from the local run) and the write throughput, and from those two the
time and speed-up the cost model predicts for N workers: ``wall(N) = max(n * c / N, n / w)`` (``c``: CPU
seconds per article, ``w``: articles written per second), so the speed-up grows as N until
``N = c * w``, where the single writer becomes the limit. The machine's load average is printed beside the
figures: on a shared machine, other processes take cores from the workers.

Usage: python bench/ray_analyze.py [--articles DIR] [--limit N] [--workers 1,2] [--json]
Default DIR: ../shared/benchmarks/polnear/train/articles (840 articles).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT = SHARED / "benchmarks" / "polnear" / "train" / "articles"


def _exported(db: Any) -> dict[str, Any]:
    from zopa.store.export import export_all

    out = export_all(db)
    for doc in out["documents"]:
        doc.pop("ingested_at")
    return out


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, help="only the first N articles (sorted by name)")
    parser.add_argument("--workers", default="1,2", help="worker counts to time, comma-separated")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    args = parser.parse_args()
    if not args.articles.is_dir():
        print(f"skipped: {args.articles} not found (../shared must sit beside the repository)")
        return 0
    try:
        import ray  # noqa: F401
    except ImportError:
        print("ray is not installed: pip install -e '.[ray]'")
        return 1
    from zopa.cluster import RayEngine, connect
    from zopa.codebook import codebook_hash, default_codebook_path, load_codebook
    from zopa.pipeline import AnalyzeOptions, analyze, store_batch
    from zopa.store.db import open_db

    files = sorted(args.articles.glob("*.txt"))[: args.limit]
    counts = [int(w) for w in args.workers.split(",")]
    codebook = load_codebook(default_codebook_path())
    figures: dict[str, Any] = {"articles": len(files), "cores": os.cpu_count()}
    print(f"{len(files)} articles from {args.articles}; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), _cpu()
        recorder = _Recording()
        with open_db(Path(tmp) / "local.db") as db:
            local = analyze(files, db, codebook=codebook, options=AnalyzeOptions(engine=recorder))
            expected = _exported(db)
        local_wall, local_cpu = time.perf_counter() - t0, _cpu() - c0
        n = len(local.ingest.added)
        per_article = local_cpu / max(n, 1)
        print(f"  local       {local_wall:7.1f} s wall, {local_cpu:7.1f} CPU s, {n / local_wall:5.2f} "
              f"articles/s; {per_article:.3f} CPU s per article; load {os.getloadavg()[0]:.1f}")
        figures["local"] = {"wall_s": local_wall, "cpu_s": local_cpu, "cpu_s_per_article": per_article}

        t0 = time.perf_counter()
        connect(None, workers=max(counts))
        print(f"  ray started in {time.perf_counter() - t0:.1f} s (not counted below)")
        walls: dict[int, float] = {}
        for workers in counts:
            engine = RayEngine(workers=workers)
            t0 = time.perf_counter()
            with open_db(Path(tmp) / f"ray-{workers}.db") as db:
                report = analyze(files, db, codebook=codebook, options=AnalyzeOptions(engine=engine))
                same = _exported(db) == expected
            walls[workers] = wall = time.perf_counter() - t0
            print(f"  ray x{workers:<3}     {wall:7.1f} s wall, {n / wall:5.2f} articles/s, "
                  f"export {'identical to' if same else 'DIFFERENT from'} the local run's; "
                  f"load {os.getloadavg()[0]:.1f}")
            figures[f"ray_{workers}"] = {"wall_s": wall, "identical": same, "ok": report.ok}
            if not same:
                return 1
        base = walls[counts[0]]
        for workers in counts[1:]:
            ratio = base / walls[workers]
            print(f"  speed-up, {workers} workers over {counts[0]}: {ratio:.2f}x")
            figures[f"speedup_{workers}_over_{counts[0]}"] = ratio

        prepared = recorder.prepared
        batch = RayEngine().write_batch
        cb_hash = codebook_hash(codebook)
        with open_db(Path(tmp) / "writes.db") as db:
            t0 = time.perf_counter()
            for k in range(0, len(prepared), batch):
                part = prepared[k : k + batch]
                store_batch(db, part, AnalyzeOptions(), codebook=codebook, codebook_hash=cb_hash)
            write_s = time.perf_counter() - t0
        rate = len(prepared) / write_s
        print(f"  writes alone: {len(prepared)} documents with their evidence in {write_s:.1f} s, "
              f"{rate:.0f} documents/s (batches of {batch}, one writer, SQLite)")
        figures["write_docs_per_s"] = rate
    limit = per_article * rate
    print(f"cost model: wall(N) = max(n x {per_article:.3f} CPU s / N, n / {rate:.0f} per s): the single "
          f"writer is the limit from N = {limit:.0f} workers")
    for workers in (1, 2, 4, 8, 16, 32, 64, 128):
        wall = max(per_article / workers, 1 / rate)
        print(f"  N = {workers:3}: {1 / wall:7.1f} articles/s, x{per_article / wall:5.1f}; "
              f"100,000 articles in {100_000 * wall / 60:6.1f} min")
    figures["writer_bound_from_workers"] = limit
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


class _Recording:
    """The local engine (one document per transaction), keeping what it prepared for the write timing."""

    write_batch = 1
    writers = 1

    def __init__(self) -> None:
        self.prepared: list[Any] = []

    def prepare(self, articles: Any, options: Any, codebook: Any) -> Any:
        from zopa.pipeline import LocalEngine, Prepared

        for item in LocalEngine().prepare(articles, options, codebook):
            if isinstance(item, Prepared):
                self.prepared.append(item)
            yield item


if __name__ == "__main__":
    sys.exit(main())
