"""Building and analysing a negotiation from N stored positions (target: 10,000 positions in under 2 s).

Generates a SQLite database (in a temporary folder) holding ``--positions`` positions of the shipped
codebook's parties on its issues, spread over ``--documents`` articles published across two years: demands,
offers, acceptances and statements with scale values, rejections (some without a value), red lines, threats
and plans on the no-deal issue, and conditional offers. Then it times, in this process:

* ``read``: ``load_statements(db)`` (the baseline: reading the rows back from the database);
* ``sources``: ``independent_sources(db, rows)`` (corroboration: which statements copy one
  source), as ``zopa negotiation`` commands, the report and the dashboard read it;
* ``build``: ``build_negotiation(rows, codebook, sources=...)`` (positions, decay, contradictions, red lines,
  salience, BATNAs, linked offers, provenance of every value);
* ``gap``: ``negotiation_gap`` with the models whose Monte Carlo is vectorised and cheap (``--models``,
  default ``median.v1,compromise.v1``; 500 draws each, 80% intervals);
* ``zone``, ``deals``: ``negotiation_zone`` and ``negotiation_deals``;
* ``timeline``: ``build_timeline`` (not part of the 2 s target; printed for information);
* one plain run of every registered model on the same table (not part of the target: the cost of the model
  engine's iterative models, which ``zopa negotiation gap`` runs with ``--iterative-draws`` draws each).

Printed: seconds per step (best of ``--repeat``), each as a ratio of ``read``, and the total of read + build +
gap + zone + deals against the 2 s target.

Usage: python bench/negotiation_build.py [--positions 10000] [--documents 1000] [--repeat 3] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from zopa.codebook import default_codebook_path, load_codebook
from zopa.corroborate import independent_sources
from zopa.negotiation.analysis import AnalysisOptions, negotiation_deals, negotiation_gap, negotiation_zone
from zopa.negotiation.build import build_negotiation
from zopa.negotiation.evidence import load_statements
from zopa.negotiation.timeline import build_timeline
from zopa.store import schema
from zopa.store.db import open_db

TARGET_S = 2.0


def generate(db_path: Path, *, positions: int, documents: int, seed: int) -> None:
    rng = random.Random(seed)
    book = load_codebook(default_codebook_path())
    parties = [a.id for a in book.parties()][:6]
    issues = [i.id for i in book.issues if not i.no_deal]
    no_deal = [i.id for i in book.issues if i.no_deal]
    leaning = {p: rng.choice([15.0, 85.0, 50.0]) for p in parties}  # each party's side of the scales
    start = datetime(2024, 1, 1)
    db = open_db(db_path)
    with db.transaction() as conn:
        docs = []
        for d in range(documents):
            text = f"Generated article {d} about the talks."
            docs.append(
                {
                    "id": d + 1,
                    "source": f"gen-{d}.txt",
                    "title": f"Generated article {d}",
                    "outlet": "bench",
                    "published": start + timedelta(days=rng.randrange(730)),
                    "url": None,
                    "format": "text",
                    "text": text,
                    "raw": text,
                    "content_hash": f"{seed}-{d:08d}",
                    "words": 6,
                    "ingested_at": start,
                }
            )
        conn.execute(insert(schema.documents), docs)
        rows = []
        for k in range(positions):
            actor = rng.choice(parties)
            kind = rng.random()
            red = False
            conditional_on = None
            if kind < 0.08 and no_deal:
                issue, stance = no_deal[0], rng.choice(["threat", "plan"])
                value = rng.choice([None, 0.0, 50.0, 100.0])
            else:
                issue = rng.choice(issues)
                stance = rng.choices(
                    ["demand", "offer", "accept", "statement", "reject", "conditional"],
                    weights=[40, 10, 8, 12, 22, 8],
                )[0]
                value = min(100.0, max(0.0, rng.gauss(leaning[actor], 15)))
                if stance == "reject":
                    value = None if rng.random() < 0.4 else 100.0 - value
                elif rng.random() < 0.15:
                    value = None
                red = rng.random() < 0.1
                if stance == "conditional":
                    conditional_on = rng.choice(issues)
            sentence = f"{actor} {stance} on {issue} ({k})."
            rows.append(
                {
                    "document_id": rng.randrange(documents) + 1,
                    "start": 0,
                    "end": len(sentence),
                    "extractor": "bench.v1",
                    "confidence": 0.9,
                    "actor": actor,
                    "issue": issue,
                    "stance": stance,
                    "value": value,
                    "conditional_on": conditional_on,
                    "red_line": red,
                    "speaker": None,
                    "evidence": sentence,
                }
            )
        conn.execute(insert(schema.positions), rows)
    db.close()


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--positions", type=int, default=10_000)
    ap.add_argument("--documents", type=int, default=1_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--models", default="median.v1,compromise.v1")
    ap.add_argument("--skip-model-runs", action="store_true", help="do not time one run of every model")
    args = ap.parse_args()
    book = load_codebook(default_codebook_path())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        generate(path, positions=args.positions, documents=args.documents, seed=args.seed)
        print(
            f"generated {args.positions:,} positions in {args.documents:,} documents "
            f"({time.perf_counter() - t0:.2f} s, not timed below)"
        )
        db = open_db(path)
        t_read, rows = best(lambda: load_statements(db), args.repeat)
        t_sources, sources = best(lambda: independent_sources(db, rows), args.repeat)
        t_build, model = best(lambda: build_negotiation(rows, book, sources=sources), args.repeat)
        opts = AnalysisOptions(models=tuple(args.models.split(",")))
        t_gap, gap = best(lambda: negotiation_gap(model, options=opts), args.repeat)
        t_zone, _ = best(lambda: negotiation_zone(model), args.repeat)
        t_deals, _ = best(lambda: negotiation_deals(model, options=opts), args.repeat)
        t_timeline, _ = best(lambda: build_timeline(rows, book), 1)
        db.close()
    table = model.modeled()
    print(
        f"negotiation: {table.n_actors} parties x {table.n_issues} modeled issues, "
        f"{len(model.contradictions)} contradictions flagged, {len(model.linked_offers)} linked offers, "
        f"gap models {', '.join(gap.models)} ({opts.draws} draws each)"
    )
    steps = [
        ("read (baseline)", t_read),
        ("sources", t_sources),
        ("build", t_build),
        ("gap", t_gap),
        ("zone", t_zone),
        ("deals", t_deals),
    ]
    for name, t in steps:
        print(f"  {name:<16} {t:8.3f} s  {t / t_read:7.1f} x read")
    total = sum(t for _, t in steps)
    print(f"  {'timeline':<16} {t_timeline:8.3f} s  {t_timeline / t_read:7.1f} x read  (not in the target)")
    if not args.skip_model_runs:
        from zopa.errors import ZopaError
        from zopa.models.registry import model_names, run_model

        for name in model_names():
            t0 = time.perf_counter()
            try:
                run_model(name, table)
                print(f"  one run of {name:<12} {time.perf_counter() - t0:8.3f} s  (not in the target)")
            except ZopaError as exc:
                print(f"  one run of {name:<12} not run: {exc}")
    verdict = "meets" if total < TARGET_S else "MISSES"
    print(
        f"total read+build+analyse: {total:.3f} s for {args.positions:,} positions: {verdict} the "
        f"{TARGET_S:g} s target ({total / TARGET_S:.0%} of it)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
