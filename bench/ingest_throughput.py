"""Ingest throughput: documents/s on one core, peak memory, and how the cost grows with the corpus.

Generates ``--docs`` articles (default 5,000; a few percent are exact copies and edited near-copies, so both
duplicate paths run) as .txt files, then ingests them with ``zopa.pipeline.ingest`` into a fresh SQLite file
in ``--chunks`` equal batches, timing each batch. If near-duplicate detection or story grouping were
quadratic, later batches (which see a larger database) would be much slower than the first; the script prints
each batch's rate and the ratio last/first. As a baseline measured in the same run, it times the quadratic
alternative (comparing every new MinHash signature with all earlier ones) on the same batches.

    python3 bench/ingest_throughput.py [--docs 5000] [--chunks 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

SYLLABLES = [
    "ar",
    "bel",
    "cor",
    "dan",
    "el",
    "fen",
    "gor",
    "hal",
    "is",
    "jor",
    "kel",
    "lin",
    "mor",
    "nor",
    "os",
    "pel",
    "quin",
    "ros",
    "sel",
    "tor",
    "ul",
    "vin",
    "wes",
    "yar",
    "zel",
]
TOPICS = [
    "ferry routes",
    "grain quotas",
    "border crossings",
    "fishing rights",
    "a ceasefire line",
    "tariffs",
    "water sharing",
    "prisoner exchanges",
    "port fees",
    "pension reform",
    "energy prices",
    "rail links",
]
VERBS = ["said", "told reporters", "warned", "insisted", "argued", "added", "noted", "confirmed"]
FILLER = re.findall(
    r"\S+",
    "the delegation would return next week with a revised proposal on the remaining points while "
    "officials in both capitals described the mood as cautious but constructive and observers expected "
    "a deal before the end of the season although questions about verification remained",
)
ARTICLES_PER_EVENT = 3  # consecutive articles cover one event (same people and places): stories to find


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def make_article(i: int, rng: random.Random) -> str:
    event = random.Random(i // ARTICLES_PER_EVENT)  # the event's cast, shared by its articles
    place_a, place_b = _name(event, 3), _name(event, 3)
    people = [f"{_name(event, 2)} {_name(event, 3)}" for _ in range(3)]
    topic = event.choice(TOPICS)
    paragraphs = [
        f"Negotiators from {place_a} and {place_b} met on day {i % 365 + 1} to discuss {topic}, "
        "officials said."
    ]
    for _ in range(rng.randint(5, 9)):
        words = " ".join(rng.choice(FILLER) for _ in range(rng.randint(18, 40)))
        paragraphs.append(
            f"{rng.choice(people)} {rng.choice(VERBS)} that {words} (ref {i}-{rng.randint(0, 10**6)})."
        )
    paragraphs.append(
        f"\u201cWe are not there yet,\u201d {people[0]} said of the talks on {topic} in {place_a}."
    )
    return (
        f"Talks on {topic} between {place_a} and {place_b}, report {i}\n\n" + "\n\n".join(paragraphs) + "\n"
    )


def generate(folder: Path, n: int, chunks: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    dirs = [folder / f"batch-{k}" for k in range(chunks)]
    for d in dirs:
        d.mkdir(parents=True)
    texts: list[str] = []
    for i in range(n):
        roll = rng.random()
        if texts and roll < 0.02:
            text = rng.choice(texts)  # exact copy
        elif texts and roll < 0.06:
            base = rng.choice(texts)
            text = base.replace(" said", " stated", 1) + "\nAn editor's note was added.\n"  # near copy
        else:
            text = make_article(i, rng)
        texts.append(text)
        (dirs[i * chunks // n] / f"{i:06d}.txt").write_text(text, encoding="utf-8")
    return dirs


def quadratic_baseline(signatures: list[bytes], sizes: list[int]) -> list[float]:
    """Seconds the all-pairs alternative spends on each batch: every document of the batch compared with every
    document stored before it (batches end at ``sizes``)."""
    import numpy as np

    arr = np.stack([np.frombuffer(s, dtype=np.uint64) for s in signatures])
    out = []
    previous = 1
    for size in sizes:
        start = time.perf_counter()
        for i in range(previous, size):
            _ = (arr[:i] == arr[i]).mean(axis=1).max()
        out.append(time.perf_counter() - start)
        previous = size
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--chunks", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from sqlalchemy import select

    from zopa.pipeline import IngestOptions, ingest
    from zopa.store import schema, summaries
    from zopa.store.db import open_db

    with tempfile.TemporaryDirectory(prefix="zopa-bench-") as tmp:
        root = Path(tmp)
        dirs = generate(root / "articles", args.docs, args.chunks)
        db = open_db(root / "bench.db")
        batches = []
        total_docs = 0
        total_seconds = 0.0
        cpu_start = time.process_time()
        for d in dirs:
            files = len(list(d.iterdir()))
            start, cpu = time.perf_counter(), time.process_time()
            report = ingest([d], db, options=IngestOptions())
            seconds = time.perf_counter() - start
            cpu = time.process_time() - cpu
            total_docs += files
            total_seconds += seconds
            batches.append(
                {
                    "corpus_after": total_docs,
                    "documents": files,
                    "seconds": round(seconds, 3),
                    "docs_per_second": round(files / seconds, 1),
                    "cpu_seconds": round(cpu, 3),
                    "docs_per_cpu_second": round(files / cpu, 1),
                    "added": len(report.added),
                    "near_duplicates": len(report.near_duplicates),
                    "exact_duplicates": len(report.duplicates),
                    "errors": len(report.errors),
                }
            )
        cpu_seconds = time.process_time() - cpu_start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        stats = summaries.stats(db)
        with db.connect() as conn:
            signatures = [
                r[0]
                for r in conn.execute(select(schema.documents.c.signature).order_by(schema.documents.c.id))
            ]
        db_size_mb = (root / "bench.db").stat().st_size / 1e6
        db.close()
        sizes = [b["corpus_after"] for b in batches]
        sizes = [min(s, len(signatures)) for s in sizes]
        baseline = quadratic_baseline(signatures, sizes)
    first, last = batches[0]["docs_per_cpu_second"], batches[-1]["docs_per_cpu_second"]
    figures = {
        "documents": args.docs,
        "docs_per_second": round(total_docs / total_seconds, 1),
        "cpu_seconds": round(cpu_seconds, 2),
        "docs_per_cpu_second": round(total_docs / cpu_seconds, 1),
        "peak_memory_mb": round(peak_mb, 1),
        "database_mb": round(db_size_mb, 1),
        "stored": {
            "documents": stats.documents,
            "near_duplicates": stats.duplicates,
            "stories": stats.stories,
        },
        "batches": batches,
        "rate_last_over_first": round(last / first, 3),
        "quadratic_baseline_seconds": [round(s, 3) for s in baseline],
        "quadratic_baseline_growth": round(baseline[-1] / baseline[0], 1) if baseline[0] else None,
        "corpus_growth": round(sizes[-1] / sizes[0], 1),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"ingest throughput: {args.docs} generated articles, one process, SQLite")
    print(
        f"  {figures['docs_per_cpu_second']} documents per CPU-second on one core "
        f"({figures['docs_per_second']}/s wall clock on a shared machine), "
        f"peak memory {figures['peak_memory_mb']} MB, database {figures['database_mb']} MB"
    )
    print(
        f"  stored {stats.documents} documents ({stats.duplicates} near-duplicates marked), "
        f"{stats.stories} stories"
    )
    print("  batch  corpus  docs/cpu-s  docs/s wall  near-dups  exact-dups  | all-pairs baseline (s)")
    for b, q in zip(batches, baseline, strict=True):
        print(
            f"  {batches.index(b) + 1:>5}  {b['corpus_after']:>6}  {b['docs_per_cpu_second']:>10}  "
            f"{b['docs_per_second']:>11}  "
            f"{b['near_duplicates']:>9}  {b['exact_duplicates']:>10}  | {q:.3f}"
        )
    growth, rate = figures["corpus_growth"], figures["rate_last_over_first"]
    print(
        f"  corpus grew x{growth}: zopa's per-batch rate (docs/CPU-s) changed x{rate} (1.0 = no slowdown); "
        f"the all-pairs baseline's cost per batch grew x{figures['quadratic_baseline_growth']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
