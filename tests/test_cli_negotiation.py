"""``zopa negotiation ...``: each command's JSON output, on the seeds and on the fictional bus dispute."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zopa.cli import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
COMMANDS = ["build", "gap", "zopa", "deals", "plan", "scenario", "timeline"]
FAST = ["--models", "median.v1,compromise.v1", "--draws", "100", "--iterative-draws", "0"]


def _json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _sentences(src: dict | None) -> str:
    return " | ".join(e["sentence"] for e in (src or {}).get("evidence", []))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = runner.invoke(app, ["negotiation", command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_build_json_on_the_seeds_sources_every_value(seeded_db):
    data = _json("negotiation", "build", "--db", str(seeded_db.path))
    parties = {p["actor"]: p for p in data["parties"]}
    assert {"russia", "ukraine"} <= set(parties)
    for party in parties.values():
        assert party["capability"]["source"] in {"codebook", "default", "override"}
        for fields in party["issues"].values():
            for value in fields.values():
                assert value["source"] in {"evidence", "inferred", "codebook", "default", "override"}
                if value["source"] in {"evidence", "inferred"}:
                    assert value["evidence"] and all(e["sentence"] for e in value["evidence"])
    # Russia's stated alternative: take the land by force -> it expects all of Donetsk if talks fail.
    batna = parties["russia"]["issues"]["donetsk-control"]["batna"]
    assert batna["value"] == 100
    assert "force" in _sentences(batna) or "military means" in _sentences(batna)
    # Ukraine's conditional offer: drop the NATO bid for security guarantees.
    (offer,) = [o for o in data["linked_offers"] if o["actor"] == "ukraine"]
    assert (offer["issue"], offer["conditional_on"]) == ("nato-membership", "security-guarantees")
    assert "NATO" in offer["evidence"][0]["sentence"]


def test_gap_json_on_the_seeds_shows_the_donetsk_gap(seeded_db):
    data = _json("negotiation", "gap", "--db", str(seeded_db.path), *FAST)
    donetsk = next(g for g in data["issues"] if g["issue"] == "donetsk-control")
    stands = {p["actor"]: p for p in donetsk["parties"]}
    assert stands["russia"]["position"] == 100  # all of Donetsk
    assert stands["ukraine"]["position"] == 0  # rejects ceding it
    assert donetsk["gap"] == 100 and donetsk["red_lines_collide"]
    assert "cede" in _sentences(stands["ukraine"]["sources"]["position"])
    for f in donetsk["forecasts"]:
        assert f["error"] is None
        if f["value"] is None:  # Nash bargaining: no outcome helps both sides
            assert f["model"] == "nash.v1" and f["text"].startswith("no agreement")
        else:
            assert f["lo"] <= f["value"] <= f["hi"]
    nato = next(g for g in data["issues"] if g["issue"] == "nato-membership")
    assert nato["linked_offers"][0]["conditional_on"] == "security-guarantees"
    only = _json("negotiation", "gap", "--db", str(seeded_db.path), "--issue", "nato-membership", *FAST)
    assert [g["issue"] for g in only["issues"]] == ["nato-membership"]


def test_gap_draws_the_gap_in_the_terminal(seeded_db):
    result = runner.invoke(app, ["negotiation", "gap", "--db", str(seeded_db.path), *FAST])
    assert result.exit_code == 0, result.output
    assert (
        "donetsk-control" in result.output and "●" in result.output and "red lines collide" in result.output
    )


def test_zopa_json_on_the_seeds_no_zone_on_donetsk_with_evidence(seeded_db):
    data = _json("negotiation", "zopa", "--db", str(seeded_db.path))
    donetsk = next(v for v in data["issues"] if v["issue"] == "donetsk-control")
    assert donetsk["empty"] is True
    assert {"russia", "ukraine"} <= set(donetsk["colliding"])
    limits = {lim["actor"]: lim for lim in donetsk["limits"]}
    assert "non-negotiable" in _sentences(limits["russia"]["red_line"])
    assert "cede" in _sentences(limits["ukraine"]["red_line"])
    assert data["exists"] is False


def test_deals_on_the_seeds_ukraine_is_better_off_with_the_guarantees_half_granted(seeded_db):
    data = _json("negotiation", "deals", "--db", str(seeded_db.path), "--top", "3")
    (pkg,) = [c for c in data["conditional"] if c["offer"]["actor"] == "ukraine"]
    package = pkg["package"]
    assert (package["nato-membership"], package["security-guarantees"]) == (100, 0)  # both halves
    assert package["donetsk-control"] == 50  # the status quo: the offer says nothing about Donetsk
    assert (
        pkg["margins"]["ukraine"] > 0
        and pkg["holder_better_off"]
        and "ukraine" not in pkg["red_lines_broken"]
    )
    assert "ukraine is better off than with no deal" in pkg["verdict"]
    assert pkg["halves"]["russia"]["security-guarantees"].startswith("not in its score")
    assert len(data["deals"]) <= 3
    text = runner.invoke(app, ["negotiation", "deals", "--db", str(seeded_db.path)])
    assert text.exit_code == 0 and "ukraine is better off than with no deal" in " ".join(text.output.split())
    assert "rests on 1 statement" in " ".join(text.output.split())  # the thin NATO salience, flagged


def test_plan_json_scores_the_example_plan_for_every_party(seeded_db):
    data = _json(
        "negotiation", "plan", str(EXAMPLES / "plan-us-framework-2025.yaml"), "--db", str(seeded_db.path)
    )
    parties = {p["actor"]: p for p in data["parties"]}
    assert {"russia", "ukraine"} <= set(parties)
    for p in parties.values():
        assert 0 <= p["acceptance"] <= 1 and "margin" in p
    broken = {b["issue"] for p in parties.values() for b in p["red_lines_broken"]}
    assert "donetsk-control" in broken  # the DMZ (75) is short of Russia's all of Donetsk
    assert data["plan"]["terms"]["donetsk-control"]


def test_scenario_json_on_the_seeds_prints_assumptions_and_the_months(seeded_db):
    data = _json(
        "negotiation",
        "scenario",
        str(EXAMPLES / "russia-ukraine-scenario.yaml"),
        "--db",
        str(seeded_db.path),
        "--plan",
        str(EXAMPLES / "plan-us-framework-2025.yaml"),
        "--models",
        "compromise.v1",
    )
    tf = data["talks_fail"]
    assert tf["parties"] == ["russia", "ukraine"]
    assert any("russia: donetsk-control +2/month" in a for a in tf["assumptions"])
    assert len(tf["months"]) == 37
    assert {"donetsk-control"} <= {c["issue"] for c in tf["colliding_red_lines"]}
    assert data["what_if"][0]["name"].startswith("Washington presses Kyiv")
    result = runner.invoke(
        app,
        [
            "negotiation",
            "scenario",
            str(EXAMPLES / "russia-ukraine-scenario.yaml"),
            "--db",
            str(seeded_db.path),
            "--models",
            "compromise.v1",
        ],
    )
    assert result.exit_code == 0 and "assumptions" in result.output


def test_timeline_json_on_the_seeds(seeded_db):
    data = _json("negotiation", "timeline", "--db", str(seeded_db.path), "--actor", "russia")
    assert data["tracks"] and all(t["actor"] == "russia" for t in data["tracks"])
    assert any(t["no_deal"] for t in data["tracks"])
    assert all(p["statements"] for t in data["tracks"] for p in t["points"])


def test_overrides_show_in_build_output(seeded_db):
    data = _json(
        "negotiation", "build", "--db", str(seeded_db.path), "--overrides", str(EXAMPLES / "overrides.yaml")
    )
    assert [o["override"]["field"] for o in data["overrides"]] == ["salience", "capability", "red_line"]
    us = next(p for p in data["parties"] if p["actor"] == "united-states")
    assert us["capability"]["source"] == "override" and us["capability"]["replaced"] == pytest.approx(0.1331)


def test_bad_input_is_one_line_on_stderr(seeded_db, tmp_path, monkeypatch, capsys):
    from zopa.cli import main

    missing = tmp_path / "missing.yaml"
    cases = (
        (["negotiation", "plan", str(missing)], "no such plan file"),
        (["negotiation", "build", "--as-of", "yesterday"], "is not a date"),
        (["negotiation", "build", "--overrides", str(missing)], "no such overrides file"),
        (["negotiation", "scenario", str(missing)], "no such scenario file"),
    )
    for args, message in cases:
        monkeypatch.setattr("sys.argv", ["zopa", *args, "--db", str(seeded_db.path)])
        with pytest.raises(SystemExit) as exc:
            main()
        err = capsys.readouterr().err
        assert exc.value.code == 1 and err.count("\n") == 1 and message in err


def test_second_example_bus_strike_if_talks_fail(tmp_path):
    db = str(tmp_path / "bus.db")
    codebook = str(EXAMPLES / "bus-strike" / "codebook.yaml")
    result = runner.invoke(
        app, ["analyze", str(EXAMPLES / "bus-strike" / "articles.jsonl"), "--codebook", codebook, "--db", db]
    )
    assert result.exit_code == 0, result.output
    data = _json(
        "negotiation",
        "scenario",
        str(EXAMPLES / "bus-strike" / "scenario.yaml"),
        "--db",
        db,
        "--codebook",
        codebook,
        "--plan",
        str(EXAMPLES / "bus-strike" / "plan.yaml"),
        "--models",
        "compromise.v1",
    )
    tf = data["talks_fail"]
    assert tf["parties"] == ["union", "company"]
    assert tf["assumptions"] and len(tf["months"]) == 13
    assert "opens_at" in tf
    plan = _json(
        "negotiation", "plan", str(EXAMPLES / "bus-strike" / "plan.yaml"), "--db", db, "--codebook", codebook
    )
    assert {p["actor"] for p in plan["parties"]} >= {"union", "company"}
