"""nash.v1: KTAB's two-actor 4-D Nash bargaining examples, and basic properties."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from zopa.models.registry import run_model
from zopa.models.table import IssueSpec, Negotiation

REF = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "benchmarks"
    / "ktab-smp"
    / "reference-runs"
    / "2015-02-20-examples-of-4D-Nash-bargaining.txt"
)


def _vec(line: str) -> list[float]:
    return [float(v) for v in re.findall(r"[-+]?\d+\.\d+", line.split(":", 1)[1])]


def reference_cases() -> list[dict[str, object]]:
    if not REF.exists():
        pytest.skip(f"KTAB reference runs not found at {REF} (needs ../shared/benchmarks)")
    cases: list[dict[str, object]] = []
    cur: dict[str, object] = {}
    for line in REF.read_text().splitlines():
        s = line.strip()
        for key in ("ti:", "si:", "tj:", "sj:"):
            if s.startswith(key):
                cur[key[:2]] = _vec(s)
        m = re.match(r"p([ij]): ([\d.]+)\s+r[ij]: ([-+\d.]+)", s)
        if m:
            cur["p" + m.group(1)], cur["r" + m.group(1)] = float(m.group(2)), float(m.group(3))
        if s.startswith("Best NP:"):
            cur["np"] = float(s.split(":")[1])
        if s.startswith("Best point:"):
            cur["point"] = _vec(s)
            cases.append(cur)
            cur = {}
    return cases


def test_reference_file_has_six_cases() -> None:
    assert len(reference_cases()) == 6


@pytest.mark.parametrize("k", range(6))
def test_ktab_4d_nash_bargains_reproduced(k: int) -> None:
    c = reference_cases()[k]
    t = Negotiation(
        name=f"ktab-4d-{k}",
        actors=("i", "j"),
        issues=tuple(IssueSpec(id=f"d{n}") for n in range(4)),
        position=np.array([c["ti"], c["tj"]]) * 100,
        salience=np.array([c["si"], c["sj"]]),
        capability=np.array([c["pi"], c["pj"]]),
        risk=np.array([c["ri"], c["rj"]]),
    )
    r = run_model("nash.v1", t, utility="ktab", disagreement="conflict", power="equal", bargain="split")
    g = r.diagnostics["gain"]
    # KTAB reports 100 x Nash product of utilities summed over both adopted positions (hence the factor 4)
    assert 400 * g["i"] * g["j"] == pytest.approx(c["np"], abs=2e-3)
    ref = np.array(c["point"]).reshape(2, 4) * 100
    got = np.array([[r.diagnostics["adopted"][a][f"d{n}"] for n in range(4)] for a in ("i", "j")])
    # the two adopted positions are interchangeable (utility sums over both): compare as a set
    err = min(np.abs(got - ref).max(), np.abs(got[::-1] - ref).max())
    assert err < 0.05, (got, ref)
    if np.allclose(ref[0], ref[1], atol=1e-3):  # one common position: the joint bargain finds it too
        joint = run_model("nash.v1", t, utility="ktab", disagreement="conflict", power="equal")
        assert [joint.forecast[f"d{n}"] for n in range(4)] == pytest.approx(ref[0], abs=0.05)


def test_nash_with_status_quo_and_no_zone_returns_status_quo() -> None:
    # two actors on opposite sides of the status quo: no outcome helps both
    t = Negotiation(
        name="n",
        actors=("L", "R"),
        issues=(IssueSpec(id="x", status_quo=50.0),),
        position=np.array([[10.0], [90.0]]),
        salience=np.ones((2, 1)),
        capability=np.array([1.0, 1.0]),
    )
    r = run_model("nash.v1", t)
    assert r.forecast["x"] == 50.0 and r.diagnostics["agreement"] is False
    assert set(r.diagnostics["blocking_actors"]) == {"L", "R"}


def test_symmetric_nash_meets_in_the_middle_and_power_shifts_it() -> None:
    t = Negotiation(
        name="n",
        actors=("L", "R"),
        issues=(IssueSpec(id="x", status_quo=0.0),),
        position=np.array([[40.0], [80.0]]),
        salience=np.ones((2, 1)),
        capability=np.array([1.0, 1.0]),
    )
    r = run_model("nash.v1", t, disagreement="conflict")
    assert r.forecast["x"] == pytest.approx(60.0, abs=1e-3)
    strong = t.replace(capability=np.array([1.0, 3.0]))
    assert run_model("nash.v1", strong, disagreement="conflict").forecast["x"] > 60.5
