"""Evidence commands through the CLI: JSON shapes, filters, errors as one line, help with an example."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from evidence_fixtures import MINI_CODEBOOK
from zopa.cli import app
from zopa.store.db import Database

runner = CliRunner()
COMMANDS = [
    ["quotes"], ["positions"], ["events"], ["extract"], ["eval"], ["report"], ["codebook", "validate"],
    ["codebook", "show"],
]


def run_json(*args: str) -> object:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def zopa(*args: str) -> subprocess.CompletedProcess[str]:
    """The real entry point (errors become one line on stderr)."""
    return subprocess.run([sys.executable, "-c", "from zopa.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_help_has_an_example(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


def test_quotes_json_and_speaker_filter(seeded_db: Database) -> None:
    data = run_json("quotes", "--db", str(seeded_db.path))
    assert isinstance(data, dict) and data["total"] == len(data["items"]) >= 7
    first = data["items"][0]
    for key in ("speaker", "speaker_name", "text", "kind", "cue", "document", "start", "end", "source"):
        assert key in first
    putin = run_json("quotes", "--db", str(seeded_db.path), "--speaker", "putin")
    assert putin["total"] >= 3 and {q["speaker"] for q in putin["items"]} == {"putin"}
    none = run_json("quotes", "--db", str(seeded_db.path), "--since", "2100-01-01")
    assert none == {"total": 0, "items": []}


def test_quotes_table(seeded_db: Database) -> None:
    result = runner.invoke(app, ["quotes", "--db", str(seeded_db.path), "--speaker", "zelenskyy"])
    assert result.exit_code == 0 and "not perfect" in result.stdout


def test_positions_matrix_and_list(seeded_db: Database) -> None:
    matrix = run_json("positions", "--db", str(seeded_db.path))
    assert isinstance(matrix, dict) and {"actors", "issues", "cells"} <= set(matrix)
    assert "russia" in matrix["actors"]
    cell = next(c for c in matrix["cells"] if c["actor"] == "russia" and c["issue"] == "nato-membership")
    assert cell["stance"] == "demand" and cell["total"] >= 1
    rows = run_json("positions", "--db", str(seeded_db.path), "--list", "--issue", "nato-membership")
    assert rows["total"] >= 2 and {r["issue"] for r in rows["items"]} == {"nato-membership"}
    assert all("evidence" in r and r["end"] > r["start"] for r in rows["items"])
    by_name = run_json("positions", "--db", str(seeded_db.path), "--list", "--actor", "United States")
    assert by_name["total"] >= 1 and {r["actor"] for r in by_name["items"]} == {"united-states"}
    table = runner.invoke(app, ["positions", "--db", str(seeded_db.path), "--actor", "ukraine"])
    assert table.exit_code == 0 and "Ukraine" in table.stdout


def test_events_json(seeded_db: Database) -> None:
    data = run_json("events", "--db", str(seeded_db.path))
    counts = {e["count"] for e in data["items"]}
    assert {26, 69, 29} <= counts


def test_report_writes_html(seeded_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    data = run_json("report", "--html", str(target), "--db", str(seeded_db.path))
    assert isinstance(data, dict) and data["path"] == str(target) and data["bytes"] > 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_codebook_validate_and_show(tmp_path: Path) -> None:
    from zopa.codebook import default_codebook_path

    shipped = str(default_codebook_path())
    data = run_json("codebook", "validate", shipped)
    assert isinstance(data, dict) and data["valid"] is True and data["issues"] >= 19
    shown = run_json("codebook", "show", shipped)
    assert isinstance(shown, dict) and {a["id"] for a in shown["actors"]} >= {"russia", "ukraine"}
    table = runner.invoke(app, ["codebook", "show", shipped])
    assert table.exit_code == 0 and "nato-membership" in table.stdout

    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"name": "x", "actors": [{"id": "a", "name": "A"}], "issues": []}),
                   encoding="utf-8")
    result = zopa("codebook", "validate", str(bad))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "actors.0.kind" in result.stderr


def test_eval_json_and_errors(tmp_path: Path) -> None:
    text = "Talks\n\n“We are ready to talk at any time,” Putin said.\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    book = tmp_path / "mini.yaml"
    book.write_text(yaml.safe_dump(MINI_CODEBOOK), encoding="utf-8")
    gold = tmp_path / "gold.yaml"
    gold.write_text(yaml.safe_dump({"articles": {"a.txt": {"quotes": [
        {"speaker": "Vladimir Putin", "text": "We are ready to talk at any time"}]}}}), encoding="utf-8")
    data = run_json("eval", str(gold), "--codebook", str(book))
    assert isinstance(data, dict)
    perfect = {"tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert data["overall"]["quotes"] == perfect
    assert data["articles"][0]["article"] == "a.txt"

    gold.write_text("articles:\n  a.txt:\n    positions: [{actor: Russia, stance: demand}]\n")
    result = zopa("eval", str(gold), "--codebook", str(book))
    assert result.returncode == 1 and "articles.a.txt.positions[0].issue" in result.stderr


def test_extract_reruns_only_on_codebook_change(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Talks\n\n“There will be no truce before spring,” Putin said.\n", encoding="utf-8")
    book = tmp_path / "mini.yaml"
    book.write_text(yaml.safe_dump(MINI_CODEBOOK), encoding="utf-8")
    db = str(tmp_path / "z.db")
    from zopa.codebook import load_codebook
    from zopa.pipeline import analyze
    from zopa.store.db import open_db

    with open_db(db) as database:
        analyze([article], database, codebook=load_codebook(book))
    same = run_json("extract", "--db", db, "--codebook", str(book))
    assert isinstance(same, dict) and same["extracted"] == [] and len(same["up_to_date"]) == 1
    changed = dict(MINI_CODEBOOK, version="2")
    book.write_text(yaml.safe_dump(changed), encoding="utf-8")
    again = run_json("extract", "--db", db, "--codebook", str(book))
    assert isinstance(again, dict) and len(again["extracted"]) == 1
    forced = run_json("extract", "--db", db, "--codebook", str(book), "--force")
    assert isinstance(forced, dict) and len(forced["extracted"]) == 1


def test_bad_since_is_one_line_error(tmp_path: Path) -> None:
    result = zopa("quotes", "--db", str(tmp_path / "z.db"), "--since", "yesterday")
    assert result.returncode == 1
    assert result.stderr.strip() == "zopa: error: --since: 'yesterday' is not a date (use YYYY-MM-DD)"
