"""The main job ends with the answers, inputs say what they are: ``zopa analyze`` prints the answer summary,
a failed run prints only its error, read-only commands never create a database, and the database remembers
the codebook that built it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cli_helpers import run_cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_analyze_the_seeds_ends_with_the_answer_summary(
    seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "a.db")
    code, out, err = run_cli(["analyze", str(seeds_dir), "--db", db], capsys, monkeypatch)
    assert code == 0, err
    flat = _flat(out)
    assert "donetsk-control: gap 100 points (ukraine 0 ↔ russia 100); no zone: red lines collide" in flat
    assert "russia accepts only 100-100; ukraine accepts only 0-95" in flat
    assert (
        '"He made it clear that Moscow views territorial concessions by Ukraine as non-negotiable."' in flat
    )
    assert "ukraine would accept nato-membership = 100 if it gets security-guarantees = 0" in flat
    assert "ukraine is better off than with no deal" in flat
    assert "if talks fail, russia expects donetsk-control = 100" in flat
    assert "no package every party prefers to no deal" in flat and "smallest concession" in flat
    assert flat.index("2 documents added") < flat.index("Story 1") < flat.index("Next:")
    code, out, _ = run_cli(["analyze", str(seeds_dir), "--db", db, "--json"], capsys, monkeypatch)
    assert code == 0
    (story,) = json.loads(out)["summary"]["stories"]
    assert story["issues"][0]["text"].startswith("donetsk-control: gap 100")
    assert story["issues"][0]["sentences"][0]["document_id"] is not None
    assert story["offers"] and story["talks_fail"]


def test_a_failed_analyze_prints_its_error_and_nothing_that_looks_like_success(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "typo.db"
    code, out, err = run_cli(["analyze", str(tmp_path / "seed"), "--db", str(db)], capsys, monkeypatch)
    assert code == 1
    assert err.strip() == f"zopa: error: {tmp_path / 'seed'}: no such file or folder"
    assert out == "" and not db.exists()


@pytest.mark.parametrize(
    "command",
    [
        ["negotiation", "gap"],
        ["negotiation", "build"],
        ["positions"],
        ["quotes"],
        ["stories"],
        ["report", "--html", "r.html"],
        ["serve", "--get", "/api/v1/documents"],
    ],
)
def test_read_only_commands_never_create_a_database(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZOPA_DB", raising=False)
    code, _, err = run_cli(command, capsys, monkeypatch)
    assert code == 1 and "zopa.db: no zopa database here" in err
    assert not (tmp_path / "zopa.db").exists() and not (tmp_path / "r.html").exists()


def test_the_database_remembers_its_codebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bus = EXAMPLES / "bus-strike"
    db = str(tmp_path / "bus.db")
    code, _, err = run_cli(
        ["analyze", str(bus / "articles.jsonl"), "--codebook", str(bus / "codebook.yaml"), "--db", db],
        capsys,
        monkeypatch,
    )
    assert code == 0, err
    # no --codebook: the one that built the database, not the shipped Russia-Ukraine one
    code, out, err = run_cli(["negotiation", "build", "--db", db, "--json"], capsys, monkeypatch)
    assert code == 0, err
    data = json.loads(out)
    assert data["codebook"] == "marrow-bus-dispute" and "union" in data["actors"]
    assert "russia" not in out
    # stored whole: the codebook read back is the one that built the database, to the hash
    from zopa.codebook import codebook_hash, load_codebook
    from zopa.store.codebooks import latest_codebook
    from zopa.store.db import open_db

    stored = latest_codebook(open_db(db))
    assert stored is not None
    assert (
        codebook_hash(stored.codebook) == stored.hash == codebook_hash(load_codebook(bus / "codebook.yaml"))
    )
    # another codebook when asked, with a note that it is not the one that built the database
    code, _, err = run_cli(
        [
            "negotiation",
            "build",
            "--db",
            db,
            "--codebook",
            str(EXAMPLES.parent / "codebooks" / "transit-labour.yaml"),
        ],
        capsys,
        monkeypatch,
    )
    assert "was built with codebook 'marrow-bus-dispute'" in _flat(err)


def test_zopa_help_is_fast_to_import_no_scipy_or_numba() -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom zopa.cli import app\n"
        "heavy = [m for m in ('scipy', 'numba', 'plotly', 'spacy', 'sqlalchemy') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == ""
