"""Shifts, contradictions and corroboration on a dated corpus (default ``../shared/corpus/ru-ua``: 30
articles, 2022-2026): how each party's stated points moved, each move with its two sentences.

Analyses ``articles.jsonl`` (url, outlet, published, text) with the shipped codebook, as ``zopa analyze``
does, then prints:

* corroboration: positions, claim groups, claims carried by two or more articles or sources, and the
  statements the negotiation build counts as copies (the baseline: every statement counted on its own);
* every shift (``zopa shifts``) with the sentence before and after, and every contradiction;
* each party's dated series on each issue with a stated point (``zopa shifts --series``).

``--db FILE`` keeps the database, so ``zopa shifts --db FILE`` and ``zopa report --db FILE --html r.html``
show the same. Usage: python bench/shifts_corpus.py [--corpus DIR] [--db FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from zopa.codebook import default_codebook_path, load_codebook
from zopa.corroborate import corroborate_db
from zopa.pipeline import analyze
from zopa.shifts import changes_from_db
from zopa.store.db import open_db

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ru-ua"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument(
        "--db", type=Path, default=None, help="keep the database here (default: a temporary file)"
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not (args.corpus / "articles.jsonl").exists():
        print(f"{args.corpus}/articles.jsonl not found", file=sys.stderr)
        return 1
    codebook = load_codebook(default_codebook_path())
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "corpus.db"
        db = open_db(path)
        t0 = time.perf_counter()
        report = analyze([args.corpus / "articles.jsonl"], db, codebook=codebook)
        t_analyze = time.perf_counter() - t0
        t0 = time.perf_counter()
        found = corroborate_db(db, codebook=codebook)
        changes = changes_from_db(db, codebook=codebook)
        t_track = time.perf_counter() - t0
        db.close()
    carriers = sum(len(g.carriers) for g in found.claims)
    sources = sum(g.independent_sources for g in found.claims)
    summary = {
        "articles": len(report.ingest.documents),
        "dated": sum(1 for g in found.claims for c in g.carriers if c.published is not None),
        "positions": carriers,
        "claims": len(found.claims),
        "claims_in_two_or_more_articles": sum(g.articles > 1 for g in found.claims),
        "claims_with_two_or_more_sources": len(found.corroborated(2)),
        "independent_reports": sources,
        "copies_counted_once": carriers - sources,
        "quotes_in_two_or_more_articles": len(found.quotes),
        "shifts": {
            k: sum(s.change == k for s in changes.shifts) for k in sorted({s.change for s in changes.shifts})
        },
        "contradictions": {
            k: sum(c.change == k for c in changes.contradictions)
            for k in sorted({c.change for c in changes.contradictions})
        },
        "undated_reports": changes.undated,
        "seconds": {"analyze": round(t_analyze, 2), "corroborate_and_track": round(t_track, 3)},
    }
    if args.json:
        print(json.dumps({"summary": summary, **changes.as_dict()}, indent=2, default=str))
        return 0
    print(json.dumps(summary, indent=2))
    print("\nShifts (each with the sentence before and after):")
    for s in changes.shifts:
        print(f"\n{s.date} {s.change}: {s.summary}")
        if s.before is not None:
            print(f"  before {s.before.cite()}: {s.before.text}")
        print(f"  after  {s.after.cite()}: {s.after.text}")
    print("\nContradictions:")
    for c in changes.contradictions:
        print(f"\n{c.change}: {c.summary}")
        print(f"  first  {c.first.cite()}: {c.first.text}")
        print(f"  second {c.second.cite()}: {c.second.text}")
    print("\nStated points over time (party / issue: date value stance):")
    for track in changes.series:
        points = [
            f"{st.date} {st.statement.value:g} {st.statement.stance}"
            for st in track.steps
            if st.statement.value is not None
        ]
        if points:
            print(f"  {track.actor} / {track.issue}: " + "; ".join(points))
    return 0


if __name__ == "__main__":
    sys.exit(main())
