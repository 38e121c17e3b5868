"""The pipeline commands through the real entry point: analyze, ingest, stories, show, export."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import run_cli
from zopa.store.export import EXPORT_FIELDS
from zopa.store.queries import listing
from zopa.store.rows import QuoteRow

ARTICLE = (
    "Envoys agree to meet again in Geneva\n\n"
    "Envoys from Arland and Beltia met in Geneva on Tuesday and agreed to meet again next week.\n\n"
    "\u201cWe are closer than we have ever been,\u201d said Dana Holt, Arland's chief negotiator.\n\n"
    "Share the Post:\n"
)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "envoys.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_analyze_then_export_json_has_the_promised_fields(
    seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "cli.db")
    code, out, err = run_cli(["analyze", str(seeds_dir), "--db", db], capsys, monkeypatch)
    assert code == 0, err
    assert "documents added" in out
    code, out, _ = run_cli(["export", "--json", "--db", db], capsys, monkeypatch)
    assert code == 0
    exported = json.loads(out)
    for name, fields in EXPORT_FIELDS.items():
        assert exported[name], name
        for item in exported[name]:
            assert set(fields) <= set(item), (name, set(fields) - set(item))
    assert len(exported["documents"]) == 2 and len(exported["stories"]) == 1
    assert sorted(exported["stories"][0]["documents"]) == [d["id"] for d in exported["documents"]]
    assert {d["story"] for d in exported["documents"]} == {exported["stories"][0]["id"]}


def test_ingest_json_stories_and_show(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "cli.db")
    code, out, err = run_cli(["ingest", str(article), "--db", db, "--json"], capsys, monkeypatch)
    assert code == 0, err
    report = json.loads(out)
    assert (
        report["added"] == [1] and report["documents"][0]["title"] == "Envoys agree to meet again in Geneva"
    )
    code, out, _ = run_cli(["ingest", str(article), "--db", db, "--json"], capsys, monkeypatch)
    assert json.loads(out)["duplicates"] == [1]
    code, out, _ = run_cli(["stories", "--db", db, "--json"], capsys, monkeypatch)
    assert code == 0 and json.loads(out) == {"total": 0, "items": []}
    code, out, _ = run_cli(["show", "1", "--db", db, "--plain"], capsys, monkeypatch)
    assert code == 0
    assert out.startswith("Envoys agree to meet again in Geneva")
    assert "We are closer than we have ever been" in out and "Share the Post" not in out
    code, out, _ = run_cli(["show", str(article), "--db", db, "--raw"], capsys, monkeypatch)
    assert "Share the Post:" in out
    code, out, _ = run_cli(["show", "1", "--db", db, "--json"], capsys, monkeypatch)
    assert json.loads(out)["document"]["id"] == 1
    code, _, err = run_cli(["show", "42", "--db", db], capsys, monkeypatch)
    assert code == 1 and err.strip() == "zopa: error: document 42: no such document"


def test_show_marks_the_evidence(
    seeded_db: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from zopa.cli.pipeline_cmds import marked_text
    from zopa.store.queries import document_evidence

    quote = listing(seeded_db, QuoteRow).items[0]  # type: ignore[arg-type]
    text = marked_text(document_evidence(seeded_db, quote.document))  # type: ignore[arg-type]
    styled = [span for span in text.spans if span.start <= quote.start and quote.end <= span.end]
    assert any("cyan" in str(span.style) for span in styled)
    code, out, _ = run_cli(
        ["show", str(quote.document), "--db", str(seeded_db.path)],  # type: ignore[attr-defined]
        capsys,
        monkeypatch,
    )
    assert code == 0 and "marks:" in out and quote.text[:30] in out.replace("\n", " ")


def test_export_csv_writes_one_file_per_list(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "cli.db")
    run_cli(["ingest", str(article), "--db", db], capsys, monkeypatch)
    out_dir = tmp_path / "csv"
    code, _, err = run_cli(["export", "--csv", str(out_dir), "--db", db], capsys, monkeypatch)
    assert code == 0, err
    for name, fields in EXPORT_FIELDS.items():
        with (out_dir / f"{name}.csv").open(encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert header[: len(fields)] == list(fields)
    with (out_dir / "documents.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["title"] == "Envoys agree to meet again in Geneva"


def test_errors_are_one_line_without_traceback_in_a_real_process(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", "from zopa.cli import main; main()", "ingest", "-", "--db", str(notes)],
        input=b"Headline\n\nSome text.",
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.count("\n") == 1 and "Traceback" not in err and str(notes) in err


def test_every_pipeline_command_has_help_with_an_example(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for command in ("analyze", "ingest", "stories", "show", "export"):
        code, out, _ = run_cli([command, "--help"], capsys, monkeypatch)
        assert code == 0 and "Example:" in out, command
