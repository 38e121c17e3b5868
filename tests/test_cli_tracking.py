"""``zopa shifts``, ``zopa contradictions``, ``zopa quotes --corroborated``, ``zopa positions
--corroborated N`` and ``zopa watch`` through the real command line, on tests/tracking_fixtures.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli_helpers import run_cli
from tracking_fixtures import CODEBOOK, articles

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("shifts", "contradictions", "watch")


@pytest.fixture(scope="module")
def dispute_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    from zopa.codebook import load_codebook
    from zopa.pipeline import analyze_articles
    from zopa.store.db import open_db

    path = tmp_path_factory.mktemp("cli-dispute") / "dispute.db"
    with open_db(path) as db:
        assert analyze_articles(articles(), db, codebook=load_codebook(CODEBOOK)).ok
    return str(path)


def _json(args: list[str], capsys: Any, monkeypatch: Any) -> Any:
    code, out, err = run_cli([*args, "--json"], capsys, monkeypatch)
    assert code == 0, err
    return json.loads(out)


def test_shifts_since_a_date_with_both_sentences(dispute_db: str, capsys: Any, monkeypatch: Any) -> None:
    args = ["shifts", "--db", dispute_db, "--codebook", str(CODEBOOK)]
    data = _json([*args, "--since", "2026-04-01"], capsys, monkeypatch)
    assert [(s["actor"], s["change"], s["delta"]) for s in data["shifts"]] == [("union", "point", 50.0)]
    assert data["shifts"][0]["before"]["value"] == 0 and data["shifts"][0]["after"]["value"] == 50
    assert "series" not in data
    series = _json([*args, "--series", "--actor", "union"], capsys, monkeypatch)["series"]
    assert [s["issue"] for s in series] == ["wages"]
    code, out, _ = run_cli([*args, "--series"], capsys, monkeypatch)
    assert code == 0 and "before" in out and "The union now wants a 4% pay raise" in " ".join(out.split())
    code, _, err = run_cli([*args, "--since", "last week"], capsys, monkeypatch)
    assert code == 1 and "--since" in err and "not a date" in err


def test_contradictions_window(dispute_db: str, capsys: Any, monkeypatch: Any) -> None:
    args = ["contradictions", "--db", dispute_db, "--codebook", str(CODEBOOK)]
    data = _json(args, capsys, monkeypatch)
    assert sorted(c["change"] for c in data["items"]) == ["positions", "speaker"]
    narrow = _json([*args, "--window", "1"], capsys, monkeypatch)  # the two statements are 2 days apart
    assert [c["change"] for c in narrow["items"]] == ["speaker"]


def test_corroborated_claims_and_quotes(dispute_db: str, capsys: Any, monkeypatch: Any) -> None:
    claims = _json(["positions", "--corroborated", "2", "--db", dispute_db], capsys, monkeypatch)
    assert claims["total"] == 1
    group = claims["items"][0]
    assert (group["actor"], group["issue"], group["independent_sources"]) == ("union", "wages", 2)
    assert len(group["outlets"]) == 3
    assert _json(["positions", "--corroborated", "3", "--db", dispute_db], capsys, monkeypatch)["total"] == 0
    quotes = _json(["quotes", "--corroborated", "--db", dispute_db], capsys, monkeypatch)
    assert quotes["total"] == 0  # the one repeated quote has two speakers: a contradiction, not corroboration


def test_watch_once_on_a_feed_file(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    from tracking_fixtures import STORIES, feed_xml

    feed = tmp_path / "feed.xml"
    feed.write_text(feed_xml(STORIES[4:6], base="http://127.0.0.1:9"), encoding="utf-8")
    log = tmp_path / "alerts.jsonl"
    args = [
        "watch",
        str(feed),
        "--once",
        "--no-fetch-links",
        "--db",
        str(tmp_path / "w.db"),
        "--log",
        str(log),
    ]
    code, out, err = run_cli([*args, "--codebook", str(CODEBOOK), "--json"], capsys, monkeypatch)
    assert code == 0, err
    report = json.loads(out)
    assert report["polls"][0]["new"] == 2 and len(report["polls"][0]["alerts"]) == 2
    assert "authority on wages" in err  # with --json the alert lines go to standard error
    assert len(log.read_text().splitlines()) == 2
    code, out, _ = run_cli([*args, "--codebook", str(CODEBOOK), "--json"], capsys, monkeypatch)
    assert json.loads(out)["polls"][0]["status"] == "not-modified"
    code, _, err = run_cli(
        ["watch", str(feed), "--every", "often", "--db", str(tmp_path / "w.db")], capsys, monkeypatch
    )
    assert code == 1 and "--every" in err


def test_every_command_has_help_with_an_example_and_a_readme_entry(capsys: Any, monkeypatch: Any) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        code, out, _ = run_cli([command, "--help"], capsys, monkeypatch)
        assert code == 0 and "Example:" in out, command
        assert f"zopa {command}" in readme, command
    for option in ("zopa quotes --corroborated", "zopa positions --corroborated"):
        assert option in readme
