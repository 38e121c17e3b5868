"""`zopa model ...` commands: each runs, prints, has --json and an Example in its help; errors are one
line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zopa.cli import app
from zopa.models.agreement import zone_of_agreement
from zopa.models.readers import read_negotiation

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "negotiation.yaml")
PLAN = str(ROOT / "examples" / "plan.yaml")
runner = CliRunner()


def invoke(*args: str) -> str:
    res = runner.invoke(app, list(args))
    assert res.exit_code == 0, res.output
    # stdout alone: a first run's one-line compile notice goes to stderr
    return res.stdout


def test_run_single_and_monte_carlo_json() -> None:
    out = json.loads(invoke("model", "run", EXAMPLE, "--model", "compromise.v1", "--json"))
    assert out["model"] == "compromise.v1" and set(out["forecast"]) == {
        "pay-rise",
        "night-shifts",
        "training-fund",
    }
    mc = json.loads(
        invoke("model", "run", EXAMPLE, "-m", "nash.v1", "--draws", "60", "--seed", "3", "--json")
    )
    assert mc["draws"] == 60 and mc["seed"] == 3
    assert all(mc["lo"][i] <= mc["median"][i] <= mc["hi"][i] for i in mc["median"])
    again = json.loads(
        invoke("model", "run", EXAMPLE, "-m", "nash.v1", "--draws", "60", "--seed", "3", "--json")
    )
    assert again == mc
    opt = json.loads(
        invoke("model", "run", EXAMPLE, "-m", "nash.v1", "-p", "disagreement=conflict", "--json")
    )
    assert opt["params"]["disagreement"] == "conflict"
    assert "pay-rise" in invoke("model", "run", EXAMPLE, "--draws", "100")


def test_compare_zopa_deals_plan_list() -> None:
    cmp = json.loads(invoke("model", "compare", EXAMPLE, "--json"))
    assert {"compromise.v1", "median.v1", "nash.v1"} <= set(cmp["forecasts"])
    z = json.loads(invoke("model", "zopa", EXAMPLE, "--json"))
    assert z == json.loads(json.dumps(zone_of_agreement(read_negotiation(EXAMPLE)).as_dict()))
    assert "package every actor prefers" in invoke("model", "zopa", EXAMPLE)
    deals = json.loads(invoke("model", "deals", EXAMPLE, "--top", "2", "--json"))
    assert 1 <= len(deals["deals"]) <= 2 and deals["trades"]
    plan = json.loads(invoke("model", "score-plan", EXAMPLE, PLAN, "--json"))
    assert {a["actor"] for a in plan["actors"]} == set(read_negotiation(EXAMPLE).actors)
    assert "acceptance" in invoke("model", "score-plan", EXAMPLE, PLAN)
    names = [m["name"] for m in json.loads(invoke("model", "list", "--json"))]
    assert "nash.v1" in names and names == sorted(names)


@pytest.mark.parametrize("cmd", ["run", "compare", "zopa", "deals", "score-plan", "list"])
def test_every_command_has_an_example_and_a_readme_entry(cmd: str) -> None:
    help_text = runner.invoke(app, ["model", cmd, "--help"]).output
    assert "Example:" in help_text
    assert f"zopa model {cmd}" in (ROOT / "README.md").read_text()


def test_bad_input_is_one_line_on_stderr(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "issues: [{id: x}]\nactors: [{name: A, positions: {x: {position: 10, salience: 5}}}, "
        "{name: B, positions: {x: {position: 300, salience: 5}}}]\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", "from zopa.cli import main; main()", "model", "run", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 1
    assert res.stderr.strip().count("\n") == 0 and "actor 'B', issue 'x': position 300" in res.stderr
    res = subprocess.run(
        [sys.executable, "-c", "from zopa.cli import main; main()", "model", "run", EXAMPLE, "-m", "nope.v9"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 1 and "unknown model 'nope.v9'" in res.stderr
