"""Faults: SIGKILL at seeded random points of ``zopa analyze`` on SQLite and PostgreSQL (every document whole
or absent, a re-run completes the set without duplicates), two writers on one SQLite file, ``serve`` answering
while an ingest writes, and a full disk (a small tmpfs where the machine allows it, else SQLite's page limit:
the same "database or disk is full"), which stops the run with one line and leaves nothing half-written."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from web_server import running_server
from zopa.dedupe import lsh_params
from zopa.store.db import resolve_url

N_DOCS = 40
NAMES = ["Arland", "Beltia", "Cedarport", "Dana Holt", "Marek Voss", "Geneva", "the union", "the ministry"]
WORDS = [
    "ferry",
    "harbour",
    "tariff",
    "grain",
    "quota",
    "border",
    "truce",
    "envoy",
    "ceasefire",
    "pension",
    "strike",
    "customs",
    "timetable",
    "delegation",
    "proposal",
    "deadline",
    "compromise",
    "sanctions",
    "troops",
    "election",
    "budget",
    "talks",
    "agreement",
]


def _article(i: int) -> str:
    rng = random.Random(i)
    paragraphs = []
    for _ in range(4):
        sentences = []
        for _ in range(4):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 14)))
            sentences.append(
                f"{rng.choice(NAMES)} said the {words} would be discussed on day {rng.randint(1, 999)}."
            )
        paragraphs.append(" ".join(sentences))
    return (
        f"Generated report number {i}\n\n" + "\n\n".join(paragraphs) + f"\n\nReference {i}-{rng.random()}.\n"
    )


EVIDENCE = (
    "document_bands",
    "document_terms",
    "extraction_runs",
    "mentions",
    "quotes",
    "positions",
    "events",
    "statements",
)


def _command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from zopa.cli import main; main()", *args]


def _articles(folder: Path, numbers: range) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in numbers:
        (folder / f"{i:04d}.txt").write_text(_article(i), encoding="utf-8")
    return folder


def _state(db: str) -> dict[str, Any]:
    url, _ = resolve_url(db)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            has_tables = conn.dialect.has_table(conn, "documents")
            if not has_tables:
                return {"docs": [], "hashes": 0, "orphans": 0, "bands": {}, "terms": {}, "runs": {}}
            docs = [r[0] for r in conn.execute(text("SELECT id FROM documents"))]
            hashes = conn.execute(text("SELECT COUNT(DISTINCT content_hash) FROM documents")).scalar()
            per = {
                table: dict(
                    conn.execute(
                        text(f"SELECT document_id, COUNT(*) FROM {table} GROUP BY document_id")
                    ).all()
                )
                for table in ("document_bands", "document_terms", "extraction_runs")
            }
            orphans = sum(
                int(
                    conn.execute(
                        text(f"SELECT COUNT(*) FROM {t} WHERE document_id NOT IN (SELECT id FROM documents)")
                    ).scalar()
                    or 0
                )
                for t in EVIDENCE
            )
    finally:
        engine.dispose()
    return {
        "docs": docs,
        "hashes": hashes,
        "orphans": orphans,
        "bands": per["document_bands"],
        "terms": per["document_terms"],
        "runs": per["extraction_runs"],
    }


def _stored(db: str) -> int:
    """Documents stored so far (a cheap count, polled while a run goes on)."""
    url, _ = resolve_url(db)
    engine = create_engine(url)
    try:
        with contextlib.suppress(Exception), engine.connect() as conn:
            return int(conn.execute(text("SELECT COUNT(*) FROM documents")).scalar() or 0)
        return 0
    finally:
        engine.dispose()


def _whole(state: dict[str, Any]) -> None:
    bands = lsh_params(0.8, 128)[0]
    assert state["orphans"] == 0
    assert state["hashes"] == len(state["docs"])  # no duplicate document
    for doc in state["docs"]:
        assert state["bands"].get(doc) == bands, doc
        assert state["terms"].get(doc, 0) > 0, doc
        assert state["runs"].get(doc, 0) > 0, doc  # evidence stored with the document


def _kill_when_stored(command: list[str], db: str, at: int, log: Path) -> None:
    with log.open("ab") as err:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env={**os.environ})
    try:
        deadline = time.monotonic() + 300
        while _stored(db) < at:
            assert proc.poll() is None, (
                f"analyze ended before it could be killed: {log.read_text()[-2000:]!r}"
            )
            assert time.monotonic() < deadline, "analyze stored nothing in 300 s"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("seed", [17])
def test_repeated_sigkill_during_analyze_leaves_whole_documents(
    db_url: str, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    folder = _articles(tmp_path / "articles", range(N_DOCS))
    command = _command("analyze", str(folder), "--db", db_url, "--json")
    log = tmp_path / "stderr.txt"
    seen: list[int] = []
    for _ in range(2):  # kill, then kill the re-run too, each at a seeded point
        at = min(N_DOCS - 2, _stored(db_url) + rng.randint(2, 10))
        _kill_when_stored(command, db_url, at, log)
        state = _state(db_url)
        assert len(state["docs"]) < N_DOCS, "the kill must land mid-way"
        _whole(state)
        assert set(seen) <= set(state["docs"])  # what was stored stays stored
        seen = state["docs"]
    rerun = subprocess.run(command, capture_output=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr.decode()
    final = _state(db_url)
    assert len(final["docs"]) == N_DOCS and set(seen) <= set(final["docs"])
    _whole(final)


def test_two_writers_on_one_sqlite_file(tmp_path: Path) -> None:
    db = str(tmp_path / "shared.db")
    first = _articles(tmp_path / "first", range(0, 30))
    second = _articles(tmp_path / "second", range(15, 45))  # 15 articles in both
    procs = [
        subprocess.Popen(
            _command("analyze", str(folder), "--db", db, "--json"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for folder in (first, second)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()
    state = _state(db)
    assert len(state["docs"]) == 45
    _whole(state)


def test_serve_answers_while_an_ingest_writes(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    seed = subprocess.run(
        _command("ingest", str(_articles(tmp_path / "a", range(0, 5))), "--db", str(db)),
        capture_output=True,
        timeout=300,
    )
    assert seed.returncode == 0, seed.stderr.decode()
    statuses: list[int] = []
    with running_server(db, tmp_path) as base, httpx.Client(base_url=base, timeout=60) as client:
        with (tmp_path / "writer.log").open("wb") as log:
            writer = subprocess.Popen(
                _command("analyze", str(_articles(tmp_path / "b", range(5, 45))), "--db", str(db)),
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        done = threading.Event()
        threading.Thread(target=lambda: (writer.wait(), done.set()), daemon=True).start()
        paths = ["/api/v1/documents", "/api/v1/stories", "/api/v1/positions/matrix", "/", "/negotiation"]
        while not done.is_set() or len(statuses) < len(paths):
            statuses.append(client.get(paths[len(statuses) % len(paths)]).status_code)
        assert writer.returncode == 0, (tmp_path / "writer.log").read_text()
        total = client.get("/api/v1/documents").json()["total"]
    assert set(statuses) == {200}, statuses
    assert total == 45  # the reader sees what the writer stored


def _mount_tmpfs(folder: Path, size: str) -> bool:
    if os.geteuid() != 0:
        return False
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    return done.returncode == 0


def test_a_full_disk_stops_the_run_with_one_line_and_nothing_half_written(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    mounted = _mount_tmpfs(disk, "1200k")
    try:
        if not mounted:
            disk.mkdir(exist_ok=True)
        db = disk / "zopa.db"
        earlier = subprocess.run(
            _command("analyze", str(_articles(tmp_path / "early", range(0, 3))), "--db", str(db)),
            capture_output=True,
            timeout=300,
        )
        assert earlier.returncode == 0, earlier.stderr.decode()
        before = _state(str(db))
        folder = _articles(tmp_path / "many", range(3, 400))
        if mounted:
            run = subprocess.run(
                _command("analyze", str(folder), "--db", str(db)), capture_output=True, timeout=600
            )
            err = run.stderr.decode()
            lines = [line for line in err.splitlines() if line.strip()]
            assert run.returncode != 0
            assert len(lines) == 1 and "full" in lines[0] and str(db) in lines[0], err
        else:  # no file system of our own: SQLite's page limit gives the same "database or disk is full"
            _analyze_with_page_limit(folder, db, pages=int(db.stat().st_size / 4096) + 60)
        after = _state(str(db))
        _whole(after)
        assert set(before["docs"]) <= set(after["docs"]) and len(after["docs"]) < 400
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def _analyze_with_page_limit(folder: Path, db: Path, *, pages: int) -> None:
    from sqlalchemy import event

    from zopa.codebook import default_codebook_path, load_codebook
    from zopa.errors import StorageError
    from zopa.pipeline import analyze
    from zopa.store.db import open_db

    database = open_db(db)
    event.listen(database.engine, "connect", lambda con, _: con.execute(f"PRAGMA max_page_count = {pages}"))
    database.engine.dispose()  # new connections get the limit
    try:
        with pytest.raises(StorageError, match="full") as caught:
            analyze([folder], database, codebook=load_codebook(default_codebook_path()))
        assert str(db) in str(caught.value) and "\n" not in str(caught.value)
    finally:
        database.close()
