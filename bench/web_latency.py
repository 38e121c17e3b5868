"""Latency of the dashboard and the API on a large SQLite database.

Generates a database with the evidence of N synthetic articles (default 100,000: documents, stories, mentions,
quotes, statements, positions, events, bulk-inserted with SQLAlchemy Core into a database created by
``open_db``, so the schema and indexes are the real ones), then requests the main pages and API calls
in-process (httpx against the ASGI app: the application's latency, without network) and prints p50/p95 per
route. Target: p95 under 200 ms on SQLite.

    python3 bench/web_latency.py                      # 100,000 articles (about a minute to generate)
    python3 bench/web_latency.py --documents 5000 --requests 10
    python3 bench/web_latency.py --db /tmp/big.db --keep   # reuse the generated file next time
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, insert, select

from zopa.records import STANCES
from zopa.store import schema
from zopa.store.db import open_db
from zopa.web.app import create_app

TARGET_P95_MS = 200.0
PARTIES = [
    "russia",
    "ukraine",
    "united-states",
    "european-union",
    "nato",
    "united-nations",
    "china",
    "turkey",
]
PEOPLE = [f"person-{i}" for i in range(40)]
ISSUES = [f"issue-{i}" for i in range(19)]
OUTLETS = [f"Outlet {i}" for i in range(60)]
WORDS = [
    "talks",
    "ceasefire",
    "border",
    "troops",
    "sanctions",
    "guarantees",
    "envoy",
    "summit",
    "drones",
    "region",
    "offensive",
    "treaty",
    "minister",
    "president",
    "delegation",
    "proposal",
    "framework",
    "security",
    "referendum",
    "exchange",
    "prisoners",
]
BATCH = 5_000


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def generate(path: Path, documents: int, seed: int = 7) -> dict[str, int]:
    """Fill a fresh database at ``path`` with ``documents`` synthetic articles and their evidence."""
    rng = random.Random(seed)
    db = open_db(path)
    start = datetime(2023, 1, 1)
    counts = dict.fromkeys(
        ["stories", "documents", "mentions", "quotes", "statements", "positions", "events"], 0
    )
    with db.transaction() as conn:
        conn.execute(
            insert(schema.actors),
            [
                {"id": a, "name": a.replace("-", " ").title(), "kind": "state", "origin": "codebook"}
                for a in PARTIES
            ]
            + [{"id": p, "name": f"Speaker {p[7:]}", "kind": "person", "origin": "codebook"} for p in PEOPLE],
        )
        n_stories = max(1, documents // 10)
        conn.execute(
            insert(schema.stories),
            [
                {
                    "id": i + 1,
                    "label": _sentence(rng, 4),
                    "first_published": start + timedelta(hours=i * 10),
                    "last_published": start + timedelta(hours=i * 10 + 48),
                }
                for i in range(n_stories)
            ],
        )
        counts["stories"] = n_stories
    doc_id = ev_id = 0
    for batch_start in range(0, documents, BATCH):
        rows: dict[str, list[dict[str, Any]]] = {k: [] for k in counts if k != "stories"}
        for _ in range(min(BATCH, documents - batch_start)):
            doc_id += 1
            paragraphs = [_sentence(rng, rng.randint(10, 20)) for _ in range(6)]
            text = "\n\n".join(paragraphs)
            published = start + timedelta(minutes=doc_id * 15 + rng.randint(0, 10))
            rows["documents"].append(
                {
                    "id": doc_id,
                    "source": f"synthetic/{doc_id}.txt",
                    "title": _sentence(rng, 8).rstrip("."),
                    "outlet": rng.choice(OUTLETS),
                    "published": published,
                    "url": f"https://example.org/{doc_id}",
                    "format": "text",
                    "text": text,
                    "raw": text,
                    "content_hash": f"{doc_id:064x}",
                    "duplicate_of": doc_id - 1 if doc_id > 1 and rng.random() < 0.02 else None,
                    "story_id": min(n_stories, 1 + (doc_id - 1) // 10),
                    "words": len(text.split()),
                    "ingested_at": published,
                }
            )
            offsets = []
            pos = 0
            for p in paragraphs:
                offsets.append((pos, pos + len(p)))
                pos += len(p) + 2

            def base(span: tuple[int, int], extractor: str, document: int = doc_id) -> dict[str, Any]:
                nonlocal ev_id
                ev_id += 1
                return {
                    "id": ev_id,
                    "document_id": document,
                    "start": span[0],
                    "end": span[1],
                    "extractor": extractor,
                    "confidence": 0.9,
                }

            for k in range(2):
                span = offsets[k]
                rows["mentions"].append(
                    {
                        **base((span[0], span[0] + 5), "actors.v1"),
                        "actor": rng.choice(PARTIES),
                        "text": text[span[0] : span[0] + 5],
                        "how": "alias",
                    }
                )
                speaker = rng.choice(PEOPLE)
                rows["quotes"].append(
                    {
                        **base(span, "quotes.v1"),
                        "speaker": speaker,
                        "text": text[span[0] : span[1]],
                        "cue": "said X",
                        "kind": "direct",
                    }
                )
            rows["statements"].append(
                {
                    **base(offsets[2], "speech.v1"),
                    "speaker": rng.choice(PEOPLE),
                    "text": text[offsets[2][0] : offsets[2][1]],
                    "cue": "said that",
                }
            )
            for k in range(3):
                span = offsets[3 + k]
                rows["positions"].append(
                    {
                        **base(span, "positions.v1"),
                        "actor": rng.choice(PARTIES),
                        "issue": rng.choice(ISSUES),
                        "stance": rng.choice(STANCES),
                        "value": rng.choice([None, 0.0, 50.0, 100.0]),
                        "conditional_on": None,
                        "red_line": rng.random() < 0.1,
                        "speaker": rng.choice(PEOPLE),
                        "evidence": text[span[0] : span[1]],
                    }
                )
            span = offsets[5]
            rows["events"].append(
                {
                    **base((span[0], span[0] + 12), "events.v1"),
                    "what": "drones launched",
                    "count": float(rng.randint(1, 200)),
                    "unit": None,
                    "place": rng.choice(["Kharkiv", "Odesa", "Donetsk"]),
                    "when": "overnight",
                    "claimed_by": None,
                }
            )
        with db.transaction() as conn:
            for name, batch in rows.items():
                conn.execute(insert(schema.metadata.tables[name]), batch)
                counts[name] += len(batch)
    with db.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        assert conn.execute(select(func.count()).select_from(schema.documents)).scalar_one() == documents
    db.close()
    return counts


def routes(rng: random.Random, documents: int) -> dict[str, Any]:
    """Route name -> a function giving the next URL to request (varied ids and filters)."""

    def doc() -> int:
        return rng.randint(1, documents)

    return {
        "page /": lambda: "/",
        "page /?q=word": lambda: f"/?q={rng.choice(WORDS)}%20{rng.choice(WORDS)}",
        "page /documents/{id}": lambda: f"/documents/{doc()}",
        "page /positions": lambda: "/positions",
        "page /positions/evidence": lambda: (
            f"/positions/evidence?actor={rng.choice(PARTIES)}&issue={rng.choice(ISSUES)}"
        ),
        "page /quotes": lambda: "/quotes",
        "page /quotes?speaker": lambda: f"/quotes?speaker={rng.choice(PEOPLE)}",
        "page /events": lambda: "/events",
        "api documents": lambda: f"/api/v1/documents?limit=50&offset={rng.randint(0, 5000)}",
        "api documents/{id}": lambda: f"/api/v1/documents/{doc()}",
        "api quotes?speaker": lambda: f"/api/v1/quotes?speaker={rng.choice(PEOPLE)}",
        "api positions?actor&issue": lambda: (
            f"/api/v1/positions?actor={rng.choice(PARTIES)}&issue={rng.choice(ISSUES)}"
        ),
        "api positions/matrix": lambda: "/api/v1/positions/matrix",
        "api events": lambda: "/api/v1/events?limit=50",
        "api stories": lambda: "/api/v1/stories?limit=50",
    }


async def measure(app: Any, documents: int, requests: int, seed: int = 11) -> dict[str, list[float]]:
    rng = random.Random(seed)
    timings: dict[str, list[float]] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for name, next_url in routes(rng, documents).items():
            for _ in range(2):  # warm-up: caches, prepared statements
                (await client.get(next_url())).raise_for_status()
            samples = []
            for _ in range(requests):
                url = next_url()
                t0 = time.perf_counter()
                response = await client.get(url)
                samples.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {response.status_code}")
            timings[name] = samples
    return timings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _timed(path: Path, documents: int, requests: int) -> dict[str, list[float]]:
    app = create_app(path)
    try:
        return asyncio.run(measure(app, documents, requests))
    finally:
        app.state.db.close()


def _ensure(path: Path, documents: int) -> None:
    if path.exists():
        print(f"using {path}")
        return
    t0 = time.perf_counter()
    counts = generate(path, documents)
    print(
        f"generated {path} in {time.perf_counter() - t0:.1f} s: "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items())
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument(
        "--baseline-documents",
        type=int,
        default=1_000,
        help="a small database measured in the same run: the ratio column is large p95 / small p95",
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per route")
    parser.add_argument("--db", type=Path, help="database file (generated when missing)")
    parser.add_argument("--keep", action="store_true", help="keep the generated database files")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="zopa-web-bench-"))
    path = args.db or folder / "web-bench.db"
    small = folder / "web-bench-baseline.db"
    _ensure(path, args.documents)
    _ensure(small, args.baseline_documents)
    timings = _timed(path, args.documents, args.requests)
    baseline = _timed(small, args.baseline_documents, args.requests)
    print(
        f"\n{args.documents:,} articles (baseline: {args.baseline_documents:,}), "
        f"{args.requests} requests per route, in-process (httpx -> ASGI)"
    )
    print(f"{'route':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'base p95':>9} {'ratio':>6}")
    worst = 0.0
    for name, samples in timings.items():
        p95 = percentile(samples, 0.95)
        base = percentile(baseline[name], 0.95)
        worst = max(worst, p95)
        flag = "" if p95 < TARGET_P95_MS else "  over target"
        print(
            f"{name:28} {statistics.median(samples):8.1f} {p95:8.1f} {max(samples):8.1f} {base:9.1f} "
            f"{p95 / base:6.1f}{flag}"
        )
    all_samples = [s for samples in timings.values() for s in samples]
    print(
        f"\nall routes: p50 {statistics.median(all_samples):.1f} ms, "
        f"p95 {percentile(all_samples, 0.95):.1f} ms; "
        f"worst route p95 {worst:.1f} ms (target {TARGET_P95_MS:.0f} ms)"
    )
    if not args.keep:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
