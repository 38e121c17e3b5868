"""zopa YAML/CSV readers, the DEU III reader and the format dispatcher."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.errors import ModelInputError
from zopa.models.readers import (
    detect_format,
    negotiation_to_yaml,
    read_deu3,
    read_negotiation,
    read_negotiations,
    read_plan,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"


def test_example_yaml_reads_every_field() -> None:
    t = read_negotiation(ROOT / "examples" / "negotiation.yaml")
    assert t.actors[0] == "Pilots' union" and t.issue_ids == ("pay-rise", "night-shifts", "training-fund")
    a, i = t.actors.index("Pilots' union"), t.issue_index("pay-rise")
    assert t.position[a, i] == 80 and t.salience[a, i] == pytest.approx(0.9)
    assert t.red_line is not None and t.red_line[a, i, 0] == 30 and np.isnan(t.red_line[a, i, 1])
    assert t.batna is not None and t.batna[a, i] == 20
    assert t.issues[0].status_quo == 0 and t.issues[0].anchors[100.0] == "8% a year"
    assert np.isnan(t.position[t.actors.index("City council"), t.issue_index("night-shifts")])
    port = t.actors.index("Port authority")
    assert t.position[port, 2] == 50  # a range [40, 60] reads as its midpoint
    assert t.uncertainty is not None and t.uncertainty.position_range is not None
    assert tuple(t.uncertainty.position_range[port, 2]) == (40, 60)
    assert t.uncertainty.position_sd is not None and t.uncertainty.position_sd[a, i] == 10
    assert t.risk is not None and t.risk[a] == pytest.approx(0.2)


def test_yaml_round_trip(tmp_path: Path) -> None:
    t = read_negotiation(ROOT / "examples" / "negotiation.yaml")
    p = tmp_path / "again.yaml"
    p.write_text(negotiation_to_yaml(t))
    u = read_negotiation(p)
    assert np.allclose(np.nan_to_num(u.position, nan=-1), np.nan_to_num(t.position, nan=-1))
    assert np.allclose(u.salience, t.salience) and np.allclose(u.capability, t.capability)


def test_csv_format(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text(
        "# name: Tiny talk\nactor,issue,position,salience,capability,status_quo,red_line_lo,batna\n"
        "A,x,10,80,2,0,5,\nB,x,90,50,1,0,,40\nA,y,30,20,2,,,\nB,y,,,1,,,\nC,y,70,100,1,,,\n"
        "C,x,50,10,1,0,,\n"
    )
    assert detect_format(p) == "csv"
    t = read_negotiation(p)
    assert t.name == "Tiny talk" and t.actors == ("A", "B", "C")
    assert np.isnan(t.position[1, 1]) and t.issues[0].status_quo == 0 and t.issues[1].status_quo is None
    assert t.red_line is not None and t.red_line[0, 0, 0] == 5
    assert t.batna is not None and t.batna[1, 0] == 40


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "issues: [{id: x}]\nactors: [{name: A, positions: {x: {position: 10, salience: 50}}}, "
            "{name: A, positions: {x: {position: 20, salience: 50}}}]",
            "duplicate actor name 'A'",
        ),
        (
            "issues: [{id: x}]\nactors: [{name: A, positions: {x: {position: 10, salience: 50}}}, "
            "{name: B, positions: {z: {position: 20, salience: 50}}}]",
            "actor 'B', issue 'z': unknown issue",
        ),
        (
            "issues: [{id: x}]\nactors: [{name: A, positions: {x: {position: 10, salience: 50}}}, "
            "{name: B, positions: {x: {position: 120, salience: 50}}}]",
            "actor 'B', issue 'x': position 120",
        ),
        (
            "issues: [{id: x}]\nactors: [{name: A, positions: {x: {position: 10, salience: 300}}}, "
            "{name: B, positions: {x: {position: 1, salience: 50}}}]",
            "actor 'A', issue 'x': salience 300",
        ),
        (
            "issues: [{id: x}]\nactors: [{name: A, positions: {x: {position: 10, salience: 50}}}]",
            "issue 'x' has fewer than two actors",
        ),
        (
            "issues: [{id: x}]\n"
            "actors: [{name: A, capability: 0, positions: {x: {position: 10, salience: 50}}}, "
            "{name: B, positions: {x: {position: 1, salience: 50}}}]",
            "actor 'A' has zero capability",
        ),
        (
            "issues: [{id: x}]\nactors: [{name: A, positions: {x: {position: .nan, salience: 50}}}, "
            "{name: B, positions: {x: {position: 1, salience: 50}}}]",
            "actor 'A', issue 'x': position: value is NaN",
        ),
        (
            "issues: [{id: x}]\nactors: [{name: A, positions: {x: 10}}, {name: B, positions: {x: 20}}]",
            "actor 'A', issue 'x': salience is missing",
        ),
        (
            "issues: [{id: x}]\nactors: [{name: A, positions: {x: {salience: 5}}}]",
            "actor 'A', issue 'x': missing",
        ),
        ("[1, 2", "not valid YAML"),
    ],
)
def test_yaml_errors_name_actor_and_issue(tmp_path: Path, text: str, message: str) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    with pytest.raises(ModelInputError) as err:
        read_negotiation(p)
    assert message in str(err.value) and "bad.yaml" in str(err.value)


def test_a_blank_salience_or_capability_in_csv_is_refused_naming_actor_and_issue_regression(
    tmp_path: Path,
) -> None:
    # a blank salience used to be read as 100
    p = tmp_path / "t.csv"
    p.write_text("actor,issue,position,salience,capability\nA,x,10,,1\nB,x,90,50,1\n")
    with pytest.raises(ModelInputError, match=r"t\.csv: line 2, actor 'A', issue 'x': salience is blank"):
        read_negotiation(p)
    p.write_text("actor,issue,position,salience,capability\nA,x,10,40,1\nB,x,90,50,\n")
    with pytest.raises(ModelInputError, match=r"line 3, actor 'B', issue 'x': capability is blank"):
        read_negotiation(p)


def test_plan_reader(tmp_path: Path) -> None:
    assert read_plan(ROOT / "examples" / "plan.yaml") == {
        "pay-rise": 45,
        "night-shifts": 40,
        "training-fund": 50,
    }
    p = tmp_path / "p.yaml"
    p.write_text("x: high\n")
    with pytest.raises(ModelInputError, match=r"p\.yaml:1:1: field x: Input should be a valid number"):
        read_plan(p)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ModelInputError, match="no such file"):
        read_negotiation(tmp_path / "none.yaml")


def _bench(name: str) -> Path:
    p = BENCH / name
    if not p.exists():
        pytest.skip(f"benchmark file {p} not found (needs ../shared/benchmarks)")
    return p


def test_deu3_reader_matches_the_published_counts_and_errors() -> None:
    tables = read_deu3(_bench("deu3/deu3.csv"))
    assert len(tables) == 353
    t = tables[0]
    assert t.n_issues == 1 and t.meta["outcome"] == 100 and t.issues[0].status_quo == 0
    assert "com" in t.actors and t.meta["isnr"] == "d00032i1"
    assert len(read_deu3(_bench("deu3/deu3.csv"), min_actors=3)) == 351
    eq = read_deu3(_bench("deu3/deu3.csv"), capability="equal")
    assert all(np.all(np.asarray(x.capability) == 1) for x in eq)
    assert len(read_negotiations(_bench("deu3/deu3.csv"))) == 353
    with pytest.raises(ModelInputError, match="use read_negotiations"):
        read_negotiation(_bench("deu3/deu3.csv"))


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("ktab-smp/SOE-Policy.csv", "ktab-csv"),
        ("ktab-smp/dummyData_3Dim.xml", "ktab-xml"),
        ("decide-exchange/cop21_decide-format.tsv", "decide"),
        ("decide-exchange/CoP21_2015-10-02_full.csv", "decide"),
    ],
)
def test_dispatcher_reads_other_formats(name: str, fmt: str) -> None:
    p = _bench(name)
    assert detect_format(p) == fmt
    t = read_negotiation(p)
    assert t.n_actors >= 7 and t.validate() is t


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100), st.floats(0.1, 50)), min_size=2, max_size=6))
def test_yaml_reader_property(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[float, float, float]]
) -> None:
    import yaml

    data = {
        "issues": [{"id": "x"}],
        "actors": [
            {"name": f"a{k}", "capability": c, "positions": {"x": {"position": p, "salience": s}}}
            for k, (p, s, c) in enumerate(rows)
        ],
    }
    path = tmp_path_factory.mktemp("y") / "t.yaml"
    path.write_text(yaml.safe_dump(data))
    t = read_negotiation(path)
    assert np.allclose(t.position[:, 0], [r[0] for r in rows])
    assert np.allclose(t.salience[:, 0], [r[1] / 100 for r in rows])
