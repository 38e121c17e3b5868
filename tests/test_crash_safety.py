"""Crash safety: kill an analyze run with SIGKILL mid-way; every document is fully stored or absent, and a
re-run completes the set."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zopa.dedupe import lsh_params

N_DOCS = 60
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


def _state(db_path: Path) -> dict[str, object]:
    con = sqlite3.connect(db_path, timeout=30)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = [r[0] for r in con.execute("SELECT id FROM documents")]
        bands = dict(
            con.execute("SELECT document_id, COUNT(*) FROM document_bands GROUP BY document_id").fetchall()
        )
        terms = dict(
            con.execute("SELECT document_id, COUNT(*) FROM document_terms GROUP BY document_id").fetchall()
        )
        runs = dict(
            con.execute("SELECT document_id, COUNT(*) FROM extraction_runs GROUP BY document_id").fetchall()
        )
        orphans = 0
        for table in (
            "document_bands",
            "document_terms",
            "extraction_runs",
            "mentions",
            "quotes",
            "positions",
            "events",
            "statements",
        ):
            orphans += con.execute(
                f"SELECT COUNT(*) FROM {table} WHERE document_id NOT IN (SELECT id FROM documents)"
            ).fetchone()[0]
        return {"docs": docs, "bands": bands, "terms": terms, "runs": runs, "orphans": orphans}
    finally:
        con.close()


def _stored_count(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    try:
        con = sqlite3.connect(db_path, timeout=5)
        try:
            return int(con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        finally:
            con.close()
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def test_sigkill_mid_ingest_leaves_whole_documents_and_a_rerun_completes(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(N_DOCS):
        (folder / f"{i:04d}.txt").write_text(_article(i), encoding="utf-8")
    db_path = tmp_path / "crash.db"
    command = [
        sys.executable,
        "-c",
        "from zopa.cli import main; main()",
        "analyze",
        str(folder),
        "--db",
        str(db_path),
        "--json",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "stderr.txt"
    with log.open("wb") as err:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env)
    try:
        deadline = time.monotonic() + 240
        while _stored_count(db_path) < 5:
            assert proc.poll() is None, f"analyze ended before it could be killed: {log.read_text()!r}"
            assert time.monotonic() < deadline, "analyze stored nothing within 240 s"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    bands_per_doc = lsh_params(0.8, 128)[0]
    state = _state(db_path)
    stored = state["docs"]
    assert 0 < len(stored) < N_DOCS, "the kill must land mid-way"  # type: ignore[arg-type]
    assert state["orphans"] == 0
    for doc in stored:  # type: ignore[attr-defined]
        assert state["bands"].get(doc) == bands_per_doc, doc  # type: ignore[attr-defined]
        assert state["terms"].get(doc, 0) > 0, doc  # type: ignore[attr-defined]
        assert state["runs"].get(doc, 0) > 0, doc  # evidence stored with the document  # type: ignore[attr-defined]

    rerun = subprocess.run(command, capture_output=True, timeout=600, env=env)
    assert rerun.returncode == 0, rerun.stderr.decode()
    final = _state(db_path)
    assert len(final["docs"]) == N_DOCS  # type: ignore[arg-type]
    assert set(stored) <= set(final["docs"])  # type: ignore[arg-type]
    assert all(final["runs"].get(d, 0) > 0 for d in final["docs"])  # type: ignore[attr-defined]
    assert final["orphans"] == 0


@pytest.mark.parametrize("n", [1])
def test_generated_articles_are_distinct(n: int) -> None:
    assert len({_article(i) for i in range(N_DOCS)}) == N_DOCS * n
