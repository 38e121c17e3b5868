"""smp.v1 (KTAB's Spatial Model of Politics): KTAB's deterministic reference runs, formulas, properties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.errors import ModelInputError
from zopa.models.ktab import read_ktab
from zopa.models.registry import run_model
from zopa.models.smp import coalitions, condorcet, interpolate, smp_model, util, victory_matrix, vote
from zopa.models.table import IssueSpec, Negotiation


def reference_positions(path: Path) -> dict[tuple[str, str], list[float]]:
    """The 'History of actor positions over time' block of an smpc log: (actor, dimension) -> per state."""
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("History of actor positions"))
    out: dict[tuple[str, str], list[float]] = {}
    for line in lines[start + 1 :]:
        if line.startswith("History of actors"):
            break
        head, values = line.split(":", 1)
        actor, dim = (x.strip() for x in head.split(",", 1))
        out[(actor, dim.removesuffix(" Position"))] = [float(v) for v in values.split()]
    return out


@pytest.mark.parametrize(
    ("csv_name", "log_name", "n_states"),
    [
        ("dummyData_3Dim.csv", "20170530_ref-dummyData_3Dim.txt", 11),
        ("SOE-Pol-Comp.csv", "20170530_ref-SOE-Pol-Comp.txt", 28),
    ],
)
def test_reproduces_ktab_reference_run(
    benchmarks_dir: Path, csv_name: str, log_name: str, n_states: int
) -> None:
    ktab = benchmarks_dir / "ktab-smp"
    result = smp_model(read_ktab(ktab / csv_name))
    ref = reference_positions(ktab / "reference-runs" / log_name)
    assert result.diagnostics["states"] == n_states == len(next(iter(ref.values())))
    worst = 0.0
    for (actor, dim), series in ref.items():
        for state, expected in enumerate(series):
            worst = max(worst, abs(result.history[state]["positions"][actor][dim] - expected))
    assert worst <= 0.5, f"largest gap to KTAB's log: {worst:.2f} on the 0-100 scale"
    assert worst <= 0.051  # in fact every position matches KTAB's one-decimal print
    # and every actor's probability of prevailing, at every state, matches the log's four decimals
    lines = (ktab / "reference-runs" / log_name).read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("History of actors' winning"))
    gap = 0.0
    for line in lines[start + 1 :]:
        if ", prob :" not in line:
            break
        actor, values = line.split(", prob :")
        for state, expected in enumerate(float(v) for v in values.split()):
            gap = max(gap, abs(result.history[state]["actor_probability"][actor.strip()] - expected))
    assert gap <= 5.1e-5


def test_first_state_risk_attitudes_match_the_log(benchmarks_dir: Path) -> None:
    """KTAB prints the inferred risk attitudes of state 0: -0.500 -0.459 -0.499 -0.274 +1.000 -0.232
    -0.430."""
    result = smp_model(read_ktab(benchmarks_dir / "ktab-smp" / "dummyData_3Dim.csv"))
    r = [result.history[0]["risk"][f"SActor-0{i}"] for i in range(7)]
    np.testing.assert_allclose(r, [-0.500, -0.459, -0.499, -0.274, 1.000, -0.232, -0.430], atol=5e-4)
    first = result.history[0]["challenges"][
        0
    ]  # "actor 0 has most advantageous target 6 worth 0.095", P 0.7643
    assert (first["init"], first["target"]) == ("SActor-00", "SActor-06")
    assert first["p"] == pytest.approx(0.7643, abs=5e-5) and first["gain"] == pytest.approx(0.0947, abs=5e-5)


def test_soe_policy_forecast_and_mean(benchmarks_dir: Path) -> None:
    result = smp_model(read_ktab(benchmarks_dir / "ktab-smp" / "SOE-Policy.csv"))
    # published KTAB forecast: near 30, sensitivity sweep 15-45 (see bench/smp_ktab.py for the discussion)
    assert 15 <= result.forecast["Policy"] <= 45
    assert 25 <= result.diagnostics["weighted_mean"]["Policy"] <= 40


def test_utility_is_v_plus_r_v_one_minus_v() -> None:
    d = np.linspace(0, 1, 11)
    for r in (-1.0, -0.3, 0.0, 0.5, 1.0):
        v = 1 - d
        np.testing.assert_allclose(util(d, r), v + r * v * (1 - v))


def test_voting_rules_and_victory_probability_by_hand() -> None:
    assert vote("Proportional", 2.0, np.array(0.25)) == pytest.approx(0.5)
    assert vote("Cubic", 2.0, np.array(0.5)) == pytest.approx(0.25)
    assert vote("PropCbc", 1.0, np.array(0.5)) == pytest.approx(0.5 * 0.5 + 0.5 * 0.125)
    assert vote("Binary", 3.0, np.array(-0.2)) == pytest.approx(-3.0)
    assert vote("ASymProsp", 3.0, np.array(0.3)) == pytest.approx(0.6)
    # two options, two voters: voter 0 (weight 3) prefers option 0 by 0.5, voter 1 (weight 1) option 1 by 0.5
    u = np.array([[1.0, 0.5], [0.5, 1.0]])
    c = coalitions(u, np.array([3.0, 1.0]), "Proportional")
    assert c[1, 0] == pytest.approx(0.5 + 1e-8) and c[0, 1] == pytest.approx(1.5 + 1e-8)
    pv = victory_matrix("Linear", c)
    assert pv[0, 1] == pytest.approx(0.75, abs=1e-8) and pv[1, 0] == pytest.approx(0.25, abs=1e-8)
    p, _ = condorcet(c, "Linear", "Conditional")  # 0.75*0.5 / (0.75*0.5 + 0.25*0.5)
    np.testing.assert_allclose(p, [0.75, 0.25], atol=1e-8)
    p_m, _ = condorcet(c, "Linear", "MarkovUniform")
    assert p_m.sum() == pytest.approx(1.0) and p_m[0] > p_m[1]


def test_bargain_interpolation_s2p2_by_hand() -> None:
    bi, bj = interpolate(np.array([0.2]), np.array([0.5]), 0.8, np.array([0.6]), np.array([0.5]), 0.2, "S2P2")
    wi, wj = 0.25 * 0.64, 0.25 * 0.04
    assert bi[0] == pytest.approx(round(((wi + 1e-6) * 0.2 + wj * 0.6) / (wi + 1e-6 + wj), 4))
    assert bj[0] == pytest.approx(round((wi * 0.2 + (1e-6 + wj) * 0.6) / (wi + 1e-6 + wj), 4))


def _table(pos: list[list[float]], sal: list[list[float]], cap: list[float]) -> Negotiation:
    n, m = len(pos), len(pos[0])
    return Negotiation(
        name="t",
        actors=tuple(f"a{i}" for i in range(n)),
        issues=tuple(IssueSpec(id=f"i{k}") for k in range(m)),
        position=np.array(pos, dtype=float),
        salience=np.array(sal, dtype=float),
        capability=np.array(cap, dtype=float),
    )


def test_unanimity_gives_that_position() -> None:
    t = _table([[40.0, 70.0]] * 4, [[0.3, 0.2]] * 4, [1.0, 2.0, 3.0, 4.0])
    r = run_model("smp.v1", t)
    assert r.forecast == {"i0": pytest.approx(40.0), "i1": pytest.approx(70.0)}


def test_options_are_checked_and_missing_positions_refused() -> None:
    t = _table([[10.0], [90.0], [50.0]], [[0.5], [0.5], [0.5]], [1.0, 1.0, 1.0])
    with pytest.raises(ModelInputError, match="voting_rule must be one of"):
        smp_model(t, voting_rule="Plurality")
    pos = t.position.copy()
    pos[1, 0] = np.nan
    with pytest.raises(ModelInputError, match="actor 'a1' has no position on issue 'i0'"):
        smp_model(
            Negotiation(
                name="t",
                actors=t.actors,
                issues=t.issues,
                position=pos,
                salience=t.salience,
                capability=t.capability,
            )
        )
    # every option value spelled as in KTAB's XML is accepted
    r = smp_model(
        t,
        victory_prob="Octic",
        pce_model="MarkovIncentive",
        voting_rule="PropBin",
        big_r_adjust="Full",
        big_r_range="Min",
        third_party_commit="NoCommit",
        inter_vec_bargain="S2PMax",
        bargain_model="PWCompInterp",
    )
    assert 10 <= r.forecast["i0"] <= 90


def test_stochastic_transitions_reproducible_from_seed() -> None:
    t = _table([[10.0, 80], [90.0, 20], [50.0, 50], [30.0, 60]], [[0.5, 0.3]] * 4, [3.0, 1.0, 2.0, 1.5])
    a = smp_model(t, state_transitions="Stochastic", seed=7)
    b = smp_model(t, state_transitions="Stochastic", seed=7)
    assert a.forecast == b.forecast and len(a.history) == len(b.history)


def test_scaling_capabilities_changes_nothing(benchmarks_dir: Path) -> None:
    t = read_ktab(benchmarks_dir / "ktab-smp" / "dummyData_3Dim.csv")
    scaled = Negotiation(
        name=t.name,
        actors=t.actors,
        issues=t.issues,
        position=t.position,
        salience=t.salience,
        capability=t.capability * 7.0,
    )
    a, b = smp_model(t), smp_model(scaled)
    assert a.forecast == pytest.approx(b.forecast, abs=1e-6)


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_forecast_within_positions_and_relabelling_invariant(data: st.DataObject) -> None:
    n = data.draw(st.integers(3, 5))
    m = data.draw(st.integers(1, 2))
    # distinct coordinates: equal positions make exactly tied bargains, whose pick follows list order
    cols = [data.draw(st.lists(st.integers(0, 100), min_size=n, max_size=n, unique=True)) for _ in range(m)]
    pos = [[float(cols[k][i]) for k in range(m)] for i in range(n)]
    sal = data.draw(
        st.lists(
            st.lists(st.integers(5, 45).map(lambda v: v / 100), min_size=m, max_size=m),
            min_size=n,
            max_size=n,
        )
    )
    cap = data.draw(st.lists(st.integers(1, 50).map(float), min_size=n, max_size=n))
    t = _table(pos, sal, cap)
    r = smp_model(t)
    arr = np.array(pos)
    for k in range(m):
        assert arr[:, k].min() - 1e-6 <= r.forecast[f"i{k}"] <= arr[:, k].max() + 1e-6
    perm = data.draw(st.permutations(list(range(n))))
    tp = _table([pos[i] for i in perm], [sal[i] for i in perm], [cap[i] for i in perm])
    rp = smp_model(tp)
    final = {a: r.history[-1]["positions"][a] for a in t.actors}
    final_p = {f"a{perm.index(i)}": rp.history[-1]["positions"][f"a{perm.index(i)}"] for i in range(n)}
    for i in range(n):
        assert final[f"a{i}"] == pytest.approx(final_p[f"a{perm.index(i)}"], abs=1e-6)


def test_options_named_in_the_xml_file_are_used(tmp_path: Path) -> None:
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<Scenario><name>Harbour</name><desc>d</desc><prngSeed>1</prngSeed>
  <ModelParameters><VictoryProbModel>Square</VictoryProbModel><PCEModel>MarkovUniform</PCEModel>
    <StateTransitions>Deterministic</StateTransitions><VotingRule>PropCbc</VotingRule>
    <BigRAdjust>Half</BigRAdjust><BigRRange>Max</BigRRange><ThirdPartyCommit>FullCommit</ThirdPartyCommit>
    <InterVecBrgn>S1P1</InterVecBrgn><BargnModel>InitRcvrInterp</BargnModel></ModelParameters>
  <Dimensions><dName>Dues</dName></Dimensions>
  <Actors>
    <Actor><name>A</name><description>a</description><capability>100</capability>
      <Position><dCoord>20</dCoord></Position><Salience><dSal>40</dSal></Salience></Actor>
    <Actor><name>B</name><description>b</description><capability>50</capability>
      <Position><dCoord>80</dCoord></Position><Salience><dSal>60</dSal></Salience></Actor>
    <Actor><name>C</name><description>c</description><capability>70</capability>
      <Position><dCoord>45</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>
  </Actors>
</Scenario>
"""
    f = tmp_path / "h.xml"
    f.write_text(xml)
    r = smp_model(read_ktab(f))
    assert (r.params["victory_prob"], r.params["bargain_model"], r.params["big_r_adjust"]) == (
        "Square",
        "InitRcvrInterp",
        "Half",
    )
    assert smp_model(read_ktab(f), victory_prob="Linear").params["victory_prob"] == "Linear"  # explicit wins
    assert 20 <= r.forecast["Dues"] <= 80


def test_actor_missing_from_an_issue_runs_per_issue() -> None:
    pos = np.array([[10.0, 80.0], [90.0, np.nan], [50.0, 20.0], [30.0, 60.0]])
    sal = np.array([[0.4, 0.3], [0.5, 0.0], [0.3, 0.3], [0.2, 0.5]])
    t = Negotiation(
        name="t",
        actors=("a", "b", "c", "d"),
        issues=(IssueSpec(id="x"), IssueSpec(id="y")),
        position=pos,
        salience=sal,
        capability=np.array([3.0, 2.0, 1.0, 2.0]),
    )
    r = run_model("smp.v1", t)
    assert r.params["missing"] == "per_issue" and r.diagnostics["per_issue"]
    alone = smp_model(
        Negotiation(
            name="y",
            actors=("a", "c", "d"),
            issues=(IssueSpec(id="y"),),
            position=pos[[0, 2, 3]][:, [1]],
            salience=sal[[0, 2, 3]][:, [1]],
            capability=np.array([3.0, 1.0, 2.0]),
        )
    )
    assert r.forecast["y"] == pytest.approx(alone.forecast["y"])  # same as a scenario of its own
    assert "b" not in r.history[-1]["positions"] or "y" not in r.history[-1]["positions"]["b"]
    with pytest.raises(ModelInputError, match="actor 'b' has no position on issue 'y'"):
        smp_model(t, missing="error")


def test_relative_strength_floor_makes_the_forecast_independent_of_the_capability_scale() -> None:
    """KTAB's fixed minimum coalition strength (1e-8, in capability units) tips this close case when every
    capability is tripled (found by the property tests); ``strength_floor="relative"`` does not."""
    t = Negotiation(
        name="scale",
        actors=tuple(f"a{k}" for k in range(5)),
        issues=tuple(IssueSpec(id=f"i{k}") for k in range(3)),
        position=np.array([[55, 45, 75], [45, 20, 60], [95, 90, 0], [95, 15, 10], [55, 80, 20]], dtype=float),
        salience=np.array([[9, 2, 6], [2, 1, 2], [2, 2, 6], [3, 5, 2], [10, 2, 3]]) / 10.0,
        capability=np.array([3.0, 3.0, 6.0, 1.0, 4.0]),
    )

    def forecast(k: float, **params: str) -> float:
        return run_model("smp.v1", t.replace(capability=t.capability * k), **params).forecast["i0"]

    assert forecast(1) != forecast(3)  # KTAB's arithmetic, the default
    assert forecast(1, strength_floor="relative") == forecast(3, strength_floor="relative")
    assert forecast(1, strength_floor="relative") == forecast(100, strength_floor="relative")
