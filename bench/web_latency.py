"""Latency of every dashboard page and API call on a large database, cold and warm: SQLite and PostgreSQL.

Builds a database of N generated articles with their evidence (mentions, quotes, reported speech,
positions, events; about 2% near-copies of an earlier article) through the store's own write path:
``zopa.pipeline.prepare_article`` then ``store_batch``, a batch of documents per transaction, so
near-duplicates, stories, the word index and the aggregates kept at write time are all real. Then it
requests every page and API call in-process (httpx against the ASGI app: the application's latency, without
the network) and prints p50/p95 per route:

* **cold, after a restart**: each sample is the first request of a freshly created app, once it has done
  what ``zopa serve`` does before it listens (``zopa.web.app.prepare``: templates compiled and the OpenAPI
  schema generated, once per process; the CPU that start-up takes is printed); a new connection pool, so
  no SQLite page cache and no cached aggregate; on PostgreSQL the server is restarted too (its
  shared buffers empty). The operating system's file cache is dropped as well where this machine allows it
  (``/proc/sys/vm/drop_caches``, root outside a container); the output says whether it was.
* **cold, after an ingest**: each sample is the first request after one more article was stored (every
  cached aggregate stale) and the kept views refreshed, as every ingest ends (the time that takes is
  printed);
* **warm**: after two warm-up requests.

With ``--processes N`` it times real restarts instead: each sample a new Python process that imports zopa,
starts the app (``create_app``, then ``prepare``; the OS file cache dropped first) and answers one request,
the CPU of each step printed.

Target: p95 < 200 ms for every route.

    python3 bench/web_latency.py --documents 100000                                    # SQLite
    python3 bench/web_latency.py --documents 100000 --postgres                         # a private server
    python3 bench/web_latency.py --db postgresql+psycopg://u@host/zopa --documents 1000000 --keep
    python3 bench/web_latency.py --db /tmp/big.db --keep --skip-build   # time an existing database again
    python3 bench/web_latency.py --db /tmp/big.db --keep --skip-build --processes 3   # real restarts
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from zopa.codebook import default_codebook_path, load_codebook
from zopa.pipeline import AnalyzeOptions, Prepared, prepare_article, refresh_views, store_batch
from zopa.records import STANCES, Article, EventFact, Evidence, Mention, Position, Quote, Statement
from zopa.store.db import open_db
from zopa.web.app import create_app, prepare

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
PLACES = [f"Place{i}" for i in range(3_000)]  # names: what stories are made of
BATCH = 200  # documents per write transaction


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _article(rng: random.Random, n: int, start: datetime) -> Article:
    place, other = rng.choice(PLACES), rng.choice(PLACES)
    paragraphs = [f"{_sentence(rng, rng.randint(10, 20))[:-1]} in {place} and {other}." for _ in range(6)]
    text = "\n\n".join(paragraphs)
    title = f"{_sentence(rng, 6)[:-1]} {place}"
    return Article(
        source=f"synthetic/{n}.txt",
        title=title,
        text=text,
        raw=text,
        outlet=rng.choice(OUTLETS),
        published=start + timedelta(minutes=n * 15 + rng.randint(0, 10)),
        url=f"https://example.org/{n}",
        format="text",
        content_hash=f"{n:064x}",
    )


def _evidence(rng: random.Random, text: str) -> Evidence:
    spans = []
    pos = 0
    for part in text.split("\n\n"):
        spans.append((pos, pos + len(part)))
        pos += len(part) + 2
    return Evidence(
        mentions=tuple(
            Mention(actor=rng.choice(PARTIES), text=text[a : a + 5], start=a, end=a + 5, how="alias")
            for a, _ in spans[:2]
        ),
        quotes=tuple(
            Quote(speaker=rng.choice(PEOPLE), text=text[a:z], start=a, end=z, cue="said X")
            for a, z in spans[:2]
        ),
        statements=(
            Statement(
                speaker=rng.choice(PEOPLE),
                text=text[spans[2][0] : spans[2][1]],
                start=spans[2][0],
                end=spans[2][1],
                cue="said that",
            ),
        ),
        positions=tuple(
            Position(
                actor=rng.choice(PARTIES),
                issue=rng.choice(ISSUES),
                stance=rng.choice(STANCES),
                value=rng.choice([None, 0.0, 50.0, 100.0]),
                red_line=rng.random() < 0.1,
                speaker=rng.choice(PEOPLE),
                evidence=text[a:z],
                start=a,
                end=z,
            )
            for a, z in spans[3:6]
        ),
        events=(
            EventFact(
                what="drones launched",
                count=float(rng.randint(1, 200)),
                place=rng.choice(PLACES),
                when="overnight",
                start=spans[5][0],
                end=spans[5][0] + 12,
            ),
        ),
        extractors={"positions": "bench.v1"},
    )


@dataclass
class Built:
    """Seconds a build took: in all, preparing the articles (fingerprint, key terms), storing them and
    refreshing the kept views (the last step of every ingest)."""

    documents: int
    total: float = 0.0
    prepare: float = 0.0
    store: float = 0.0
    refresh: float = 0.0
    refresh_cpu: float = 0.0  # this process's CPU seconds in the refresh (wall time varies with the load)

    def line(self) -> str:
        return (
            f"built in {self.total:.0f} s ({self.documents / self.total:.0f} documents/s): preparing "
            f"{self.prepare:.0f} s, storing {self.store:.0f} s "
            f"({self.documents / self.store:.0f} documents/s through store_batch), refreshing the kept "
            f"views {self.refresh:.1f} s"
        )


def generate(url: str, documents: int, *, seed: int = 7, first: int = 1) -> Built:
    """Store articles ``first`` .. ``first + documents - 1`` through the store's write path."""
    rng = random.Random(seed + first)
    options = AnalyzeOptions()
    start = datetime(2023, 1, 1)
    built = Built(documents)
    t0 = time.perf_counter()
    kept: list[Article] = []
    with open_db(url) as db:
        for batch_start in range(first, first + documents, BATCH):
            batch: list[Prepared] = []
            for n in range(batch_start, min(batch_start + BATCH, first + documents)):
                article = _article(rng, n, start)
                if kept and rng.random() < 0.02:  # a near-copy of a recent article: a near-duplicate
                    base = rng.choice(kept)
                    article = Article(
                        **{
                            **base.as_dict(),
                            "published": article.published,
                            "source": article.source,
                            "content_hash": article.content_hash,
                            "text": base.text + " Updated.",
                            "raw": base.text + " Updated.",
                        }
                    )
                kept = [*kept[-50:], article]
                t1 = time.perf_counter()
                batch.append(prepare_article(article, options, evidence=_evidence(rng, article.text)))
                built.prepare += time.perf_counter() - t1
            t1 = time.perf_counter()
            store_batch(db, batch, options, codebook=None, codebook_hash="bench")
            built.store += time.perf_counter() - t1
            done = batch_start + len(batch) - first
            if documents > BATCH and (done % 20_000 < BATCH or done == documents):
                rate = done / (time.perf_counter() - t0)
                print(f"  {done:,} of {documents:,} stored, {rate:.0f} documents/s", flush=True)
        t1, c1 = time.perf_counter(), time.process_time()
        refresh_views(db)  # what every ingest ends with (zopa.kept_views)
        built.refresh = time.perf_counter() - t1
        built.refresh_cpu = time.process_time() - c1
        # SQLite keeps the statistics zopa gathers itself (zopa.store.aggregates.gather_statistics), as a
        # user's database does: a full ANALYZE changes plans (and was rolled back here until 0011 anyway)
        if db.dialect == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
    built.total = time.perf_counter() - t0
    return built


def routes(rng: random.Random, documents: int, stories: list[int]) -> dict[str, Callable[[], str]]:
    """Route name -> a function giving the next URL to request (varied ids and filters)."""

    def doc() -> int:
        return rng.randint(1, documents)

    return {
        "page /": lambda: "/",
        "page /?q=word word": lambda: f"/?q={rng.choice(WORDS)}%20{rng.choice(WORDS)}",
        "page /?q=name": lambda: f"/?q={rng.choice(PLACES)}",
        "page /documents/{id}": lambda: f"/documents/{doc()}",
        "page /stories/{id}": lambda: f"/stories/{rng.choice(stories)}",
        "page /positions": lambda: "/positions",
        "page /positions/evidence": lambda: (
            f"/positions/evidence?actor={rng.choice(PARTIES)}&issue={rng.choice(ISSUES)}"
        ),
        "page /quotes": lambda: "/quotes",
        "page /quotes?speaker": lambda: f"/quotes?speaker={rng.choice(PEOPLE)}",
        "page /events": lambda: "/events",
        "page /changes": lambda: "/changes",
        "page /alerts": lambda: "/alerts",
        "page /negotiation": lambda: "/negotiation",
        "page /api": lambda: "/api",
        "api documents": lambda: f"/api/v1/documents?limit=50&offset={rng.randint(0, 5000)}",
        "api documents?q": lambda: f"/api/v1/documents?q={rng.choice(WORDS)}&limit=50",
        "api documents/{id}": lambda: f"/api/v1/documents/{doc()}",
        "api quotes": lambda: "/api/v1/quotes?limit=50",
        "api quotes?speaker": lambda: f"/api/v1/quotes?speaker={rng.choice(PEOPLE)}",
        "api positions": lambda: "/api/v1/positions?limit=50",
        "api positions?actor&issue": lambda: (
            f"/api/v1/positions?actor={rng.choice(PARTIES)}&issue={rng.choice(ISSUES)}"
        ),
        "api positions/matrix": lambda: "/api/v1/positions/matrix",
        "api events": lambda: "/api/v1/events?limit=50",
        "api stories": lambda: "/api/v1/stories?limit=50",
        "api stories/{id}": lambda: f"/api/v1/stories/{rng.choice(stories)}",
        "api negotiation": lambda: "/api/v1/negotiation",
    }


CPU: dict[str, dict[str, list[float]]] = {}  # route -> kind -> this process's CPU milliseconds per sample


async def _get(client: httpx.AsyncClient, url: str, route: str = "", kind: str = "") -> float:
    """Wall milliseconds of one request; its CPU milliseconds in this process go to ``CPU`` (on a machine
    shared with other work, the request's own cost: wall time there also counts the waits for a core)."""
    t0, c0 = time.perf_counter(), time.process_time()
    response = await client.get(url)
    elapsed = (time.perf_counter() - t0) * 1000
    if route:
        CPU.setdefault(route, {}).setdefault(kind, []).append((time.process_time() - c0) * 1000)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
    return elapsed


STARTUP: list[float] = []  # CPU milliseconds of each new app's start-up (create_app, then prepare)


@contextmanager
def _client(url: str) -> Iterator[tuple[Any, httpx.AsyncClient]]:
    c0 = time.process_time()
    app = create_app(url)
    prepare(app)  # as ``zopa serve`` does before it listens
    STARTUP.append((time.process_time() - c0) * 1000)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=600)
    try:
        yield app, client
    finally:
        asyncio.run(client.aclose())
        app.state.db.close()


def _drop_os_cache() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


class _Server:
    """A private PostgreSQL cluster (initdb, pg_ctl) that can be restarted between cold samples."""

    def __init__(self, folder: Path) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = found[-1].parent
        self.data = folder / "pg"
        self.port = 55_000 + os.getpid() % 5_000
        user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.user = user
        self.data.mkdir(parents=True)
        if user:
            shutil.chown(folder, "postgres")
            shutil.chown(self.data, "postgres")
        self._run("initdb", "-A", "trust", "-U", "postgres", "-D", str(self.data))
        self.start()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.user, str(self.bin / tool), *args], check=True, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c shared_buffers=256MB -c max_wal_size=4GB"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.data / "log"), "-w", "start")

    def restart(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.start()

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


def measure(
    url: str,
    documents: int,
    *,
    warm: int,
    cold: int,
    after_ingest: int,
    restart: Callable[[], None] | None,
    only: list[str] | None = None,
) -> tuple[dict[str, dict[str, list[float]]], bool]:
    """{route: {"restart": [...], "ingest": [...], "warm": [...]}} in milliseconds; whether the OS cache
    was dropped before each restart sample."""
    rng = random.Random(11)
    with open_db(url) as db, db.connect() as conn:
        stories = [int(r[0]) for r in conn.exec_driver_sql("SELECT id FROM stories ORDER BY id LIMIT 2000")]
        stored = int(conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one())
    table = {
        name: next_url
        for name, next_url in routes(rng, documents, stories or [1]).items()
        if not only or any(word in name for word in only)
    }
    out: dict[str, dict[str, list[float]]] = {
        name: {"restart": [], "ingest": [], "warm": []} for name in table
    }
    dropped = False
    ingests: list[Built] = []
    for name, next_url in table.items():
        for _ in range(cold):
            if restart is not None:
                restart()
            dropped = _drop_os_cache()
            with _client(url) as (_, client):
                out[name]["restart"].append(asyncio.run(_get(client, next_url(), name, "restart")))
        _progress("restart", name, out[name]["restart"])
    extra = max(documents, stored) + 1  # articles not stored yet, also when timing a database again
    with _client(url) as (_, client):

        async def run() -> None:
            nonlocal extra
            for name, next_url in table.items():
                for _ in range(2):
                    await _get(client, next_url())
                for _ in range(warm):
                    out[name]["warm"].append(await _get(client, next_url(), name, "warm"))
                for _ in range(after_ingest):
                    built = await asyncio.to_thread(generate, url, 1, first=extra)  # one more article
                    ingests.append(built)
                    extra += 1
                    out[name]["ingest"].append(await _get(client, next_url(), name, "ingest"))
                _progress("ingest, warm", name, out[name]["ingest"] + out[name]["warm"])

        asyncio.run(run())
    if ingests:
        whole = sorted(b.total for b in ingests)
        refresh = sorted(b.refresh for b in ingests)
        print(
            f"  an ingest of one article: p50 {statistics.median(whole):.2f} s, max {whole[-1]:.2f} s, "
            f"of which refreshing the kept views p50 {statistics.median(refresh):.2f} s",
            flush=True,
        )
    return out, dropped


_PROCESS = """
import asyncio, json, sys, time
c0 = time.process_time()
import httpx
from zopa.web.app import create_app, prepare
c1 = time.process_time()
try:
    open("/proc/sys/vm/drop_caches", "w").write("3\\n")
except OSError:
    pass
c2 = time.process_time()
app = create_app(sys.argv[1])
prepare(app)
c3 = time.process_time()
client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
status = asyncio.run(client.get(sys.argv[2])).status_code
c4 = time.process_time()
print(json.dumps({"status": status, "import": c1 - c0, "start": c3 - c2, "first": c4 - c3}))
"""


def process_restarts(url: str, documents: int, samples: int, only: list[str] | None) -> str:
    """Restarts as they really are: each sample a new Python process that imports zopa, starts the app
    (``create_app``, then ``prepare``) and answers one request; CPU milliseconds of each step, p50."""
    with open_db(url) as db, db.connect() as conn:
        stories = [int(r[0]) for r in conn.exec_driver_sql("SELECT id FROM stories ORDER BY id LIMIT 2000")]
    table = routes(random.Random(11), documents, stories or [1])
    lines = [f"{'route':28} {'import':>8} {'start-up':>9} {'first request':>14}  (CPU ms, p50 of {samples})"]
    for name, next_url in table.items():
        if only and not any(word in name for word in only):
            continue
        steps: dict[str, list[float]] = {"import": [], "start": [], "first": []}
        for _ in range(samples):
            done = subprocess.run(
                [sys.executable, "-c", _PROCESS, url, next_url()], capture_output=True, text=True, check=True
            )
            found = json.loads(done.stdout)
            if found["status"] != 200:
                raise SystemExit(f"{name}: HTTP {found['status']}")
            for step in steps:
                steps[step].append(found[step] * 1000)
        p50 = {step: statistics.median(values) for step, values in steps.items()}
        lines.append(f"{name:28} {p50['import']:8.0f} {p50['start']:9.0f} {p50['first']:14.0f}")
    return "\n".join(lines)


def ingest_costs(url: str, n: int) -> str:
    """``n`` one-article ingests into ``url``, each ending with the refresh of the kept views: their cost."""
    with open_db(url) as db, db.connect() as conn:
        stored = int(conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one())
        extra = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM documents").scalar_one()) + 1
    first = generate(url, 1, first=extra)  # the first refresh after opening may compute the views whole
    runs = [generate(url, 1, first=extra + k) for k in range(1, n + 1)]
    whole = sorted(b.total for b in runs)
    refresh = sorted(b.refresh for b in runs)
    cpu = sorted(b.refresh_cpu for b in runs)
    return (
        f"{n} one-article ingests into {stored:,} articles: p50 {statistics.median(whole):.2f} s, max "
        f"{whole[-1]:.2f} s; refreshing the kept views p50 {statistics.median(refresh):.2f} s wall, "
        f"{statistics.median(cpu):.2f} CPU s (max {refresh[-1]:.2f} s, {cpu[-1]:.2f} CPU s); the first "
        f"ingest after opening: refresh {first.refresh:.2f} s, {first.refresh_cpu:.2f} CPU s"
    )


def _progress(kind: str, route: str, samples: list[float]) -> None:
    print(f"  {kind}: {route}: {', '.join(f'{ms:.0f}' for ms in samples)} ms", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def report(name: str, timings: dict[str, dict[str, list[float]]]) -> float:
    print(f"\n{name}")
    print(
        f"{'route':28} {'restart p50':>11} {'p95':>8} {'ingest p50':>11} {'p95':>8} "
        f"{'warm p50':>9} {'p95':>8}"
    )
    worst = 0.0
    for route, kinds in timings.items():
        cells = []
        over = []
        for kind, width in (("restart", 11), ("ingest", 11), ("warm", 9)):
            samples = kinds.get(kind, [])
            if not samples:  # none of this kind asked for (--cold 0, --after-ingest 0, --warm 0)
                cells += [f"{'-':>{width}}", f"{'-':>8}"]
                continue
            p95 = percentile(samples, 0.95)
            worst = max(worst, p95)
            cells += [f"{statistics.median(samples):{width}.1f}", f"{p95:8.1f}"]
            if p95 >= TARGET_P95_MS:
                over.append(kind)
        flag = f"  over {TARGET_P95_MS:.0f} ms: {', '.join(over)}" if over else ""
        print(f"{route:28} {' '.join(cells)}{flag}")
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="a private PostgreSQL server (else SQLite)")
    parser.add_argument("--db", help="a database to build into or reuse (SQLite path or PostgreSQL URL)")
    parser.add_argument("--skip-build", action="store_true", help="time --db as it is")
    parser.add_argument("--warm", type=int, default=20, help="warm requests per route")
    parser.add_argument("--cold", type=int, default=5, help="cold samples per route, of each kind")
    parser.add_argument(
        "--after-ingest", type=int, help="after-ingest samples per route (default: --cold); each is an ingest"
    )
    parser.add_argument("--route", action="append", help="only the routes whose name holds this (repeatable)")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument(
        "--ingests",
        type=int,
        default=0,
        help="time this many one-article ingests (and the refresh each ends with) instead of the routes",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=0,
        help="time this many real restarts per route (a new Python process each) instead",
    )
    args = parser.parse_args(argv)
    load_codebook(default_codebook_path())  # imported and parsed before any timing
    folder = Path(tempfile.mkdtemp(prefix="zopa-web-bench-"))
    server = _Server(folder) if args.postgres and not args.db else None
    try:
        url = args.db or (server.url if server else str(folder / "web-bench.db"))
        kind = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        if not args.skip_build:
            print(f"building {args.documents:,} articles into {kind} ({url}), {BATCH} per transaction")
            print(generate(url, args.documents).line())
        if args.processes:
            print(process_restarts(url, args.documents, args.processes, args.route))
            return 0
        if args.ingests:
            print(ingest_costs(url, args.ingests))
            return 0
        restart = server.restart if server is not None else None
        after = args.cold if args.after_ingest is None else args.after_ingest
        timings, dropped = measure(
            url,
            args.documents,
            warm=args.warm,
            cold=args.cold,
            after_ingest=after,
            restart=restart,
            only=args.route,
        )
        cache = "dropped before each restart sample" if dropped else "not droppable here (warm OS file cache)"
        worst = report(
            f"{args.documents:,} articles on {kind}; {args.cold} restart and "
            f"{after} after-ingest samples per route, "
            f"{args.warm} warm; in-process (httpx -> ASGI); OS file cache {cache}; milliseconds",
            timings,
        )
        print(f"\nworst p95 {worst:.1f} ms (target {TARGET_P95_MS:.0f} ms)")
        report("the same requests, CPU milliseconds of this process (the wait for a core left out)", CPU)
        first, *rest = STARTUP
        print(
            f"start-up of each app (create_app, then prepare, as `zopa serve` runs before it listens): "
            f"CPU p50 {statistics.median(rest or [first]):.0f} ms, max {max(rest or [first]):.0f} ms; "
            f"the process's first {first:.0f} ms (templates compiled, OpenAPI schema generated)"
        )
        print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        if server is not None:
            server.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
