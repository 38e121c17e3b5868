"""KTAB (CSV, XML) and Decide (#A/#P/#M/#D CSV, tab format) readers -> Negotiation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.errors import ModelInputError
from zopa.models.decide import read_decide
from zopa.models.ktab import read_ktab, read_ktab_csv, read_ktab_xml

KTAB_CSV = """Harbour scenario, Three actors on two dimensions, 3, 2,
Actor,Description,Influence,Dues Position,Dues Salience,Hours Position,Hours Salience,
A,Arland port,100,20,40,70,30,
B,Beltia shippers,50,80,20,10,60,
C,City council,25,50,50,50,10,
"""

KTAB_XML = """\ufeff<?xml version="1.0" encoding="UTF-8"?>
<Scenario>
  <name>Harbour</name>
  <desc>Three actors</desc>
  <prngSeed>12345</prngSeed>
  <ModelParameters>
    <VictoryProbModel>Square</VictoryProbModel>
    <PCEModel>MarkovIncentive</PCEModel>
    <StateTransitions>Deterministic</StateTransitions>
    <VotingRule>PropCbc</VotingRule>
    <BigRAdjust>Half</BigRAdjust>
    <BigRRange>Max</BigRRange>
    <ThirdPartyCommit>FullCommit</ThirdPartyCommit>
    <InterVecBrgn>S1P1</InterVecBrgn>
    <BargnModel>PWCompInterp</BargnModel>
  </ModelParameters>
  <Dimensions><dName>Dues</dName><dName>Hours</dName></Dimensions>
  <Actors>
    <Actor><name>A</name><description>Arland</description><capability>100</capability>
      <Position><dCoord>20</dCoord><dCoord></dCoord></Position>
      <Salience><dSal>40</dSal><dSal>30</dSal></Salience></Actor>
    <Actor><name>B</name><description>Beltia</description><capability>50</capability>
      <Position><dCoord>80</dCoord><dCoord>10</dCoord></Position>
      <Salience><dSal>20</dSal><dSal>60</dSal></Salience></Actor>
  </Actors>
  <IdealAdjustment><iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>B</referencePos>
    <adjust>0.25</adjust></iaPair></IdealAdjustment>
</Scenario>
"""

DECIDE_CSV = """#O;Harbour talks;;;;
#/;ID;Full name;;;
#A;Arland;Arland port;;;
#A;Beltia;Beltia shippers;;;
#A;City_Council;City council;;;
#P;dues;harbour dues;;;
#P;hours;opening hours;;;
#M;dues;0;no dues;;
#M;dues;50;half dues;;
#M;dues;200;double dues;;
#M;hours;0;closed at night;;
#M;hours;100;open all night;;
#D;Arland;dues;100;0.75;0.5
#D;Beltia;dues;200;0.25;0.3
#D;CityCouncil;dues;0;0.5;0.2
#D;Arland;hours;20;0.4;0.5
#D;Beltia;hours;90;0;0.3
#D;City_Council;hours;60;0.6;0.2
"""


def test_ktab_csv_reads_actors_dimensions_and_divides_salience(tmp_path: Path) -> None:
    f = tmp_path / "harbour.csv"
    f.write_text(KTAB_CSV)
    t = read_ktab_csv(f)
    assert t.name == "Harbour scenario"
    assert t.actors == ("A", "B", "C")
    assert t.issue_ids == ("Dues", "Hours")
    np.testing.assert_allclose(t.position, [[20, 70], [80, 10], [50, 50]])
    np.testing.assert_allclose(t.salience, [[0.4, 0.3], [0.2, 0.6], [0.5, 0.1]])
    np.testing.assert_allclose(t.capability_matrix()[:, 0], [100, 50, 25])
    assert t.provenance["B/Hours/position"].endswith("harbour.csv:4")
    t.validate()
    assert read_ktab(f).actors == t.actors


def test_ktab_xml_reads_parameters_and_empty_coordinate(tmp_path: Path) -> None:
    f = tmp_path / "harbour.xml"
    f.write_text(KTAB_XML, encoding="utf-8")
    t, params = read_ktab_xml(f)
    assert params["victory_prob"] == "Square"
    assert params["bargain_model"] == "PWCompInterp"
    assert params["ideal_adjust"] == [("A", "B", 0.25)]
    assert t.meta["seed"] == "12345"
    assert np.isnan(t.position[0, 1])  # empty <dCoord>: not involved
    assert t.salience[1, 1] == pytest.approx(0.6)
    assert read_ktab(f).meta["smp_params"]["voting_rule"] == "PropCbc"


def test_ktab_errors_name_the_file_and_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(KTAB_CSV.replace("100,20,40", "100,twenty,40"))
    with pytest.raises(ModelInputError, match=r"bad.csv:3: actor 'A', dimension 'Dues' position: 'twenty'"):
        read_ktab_csv(bad)
    short = tmp_path / "short.csv"
    short.write_text(KTAB_CSV.replace(", 3, 2,", ", 4, 2,"))
    with pytest.raises(ModelInputError, match="announces 4 actors but the file has 3"):
        read_ktab_csv(short)
    with pytest.raises(ModelInputError, match=r"expected \.csv or \.xml"):
        read_ktab(tmp_path / "x.txt")
    broken = tmp_path / "broken.xml"
    broken.write_text("<Scenario><name>x</name>")
    with pytest.raises(ModelInputError, match="cannot parse KTAB XML"):
        read_ktab_xml(broken)


def test_decide_csv_normalises_scale_keeps_meanings_and_skips_zero_salience(tmp_path: Path) -> None:
    f = tmp_path / "harbour_decide.csv"
    f.write_text(DECIDE_CSV)
    t = read_decide(f)
    assert t.name == "Harbour talks"
    assert t.actors == ("Arland", "Beltia", "City_Council")
    np.testing.assert_allclose(t.position[:, 0], [50, 100, 0])  # 0..200 -> 0..100
    assert t.issues[0].anchors == {0.0: "no dues", 25.0: "half dues", 100.0: "double dues"}
    assert t.issues[0].label == "harbour dues"
    assert np.isnan(t.position[1, 1])  # salience 0: Beltia takes no part in 'hours'
    np.testing.assert_allclose(t.capability[:, 0], [0.5, 0.3, 0.2])  # power per actor and issue
    assert t.provenance["City_Council/dues/position"].endswith(":15")


def test_decide_tab_format(tmp_path: Path) -> None:
    rows = [
        "'#A'\t'Arland'\t'Arland'\t''",
        "'#A'\t'Beltia'\t'Beltia'\t''",
        "'#P'\t'dues'\t'dues'\t''",
        "'#M'\t'dues'\t0",
        "'#M'\t'dues'\t100",
        "'#D'\t'Arland'\t'dues'\t30.0\t0.5\t1.0",
        "'#D'\t'Beltia'\t'dues'\t70.0\t0.9\t2.0",
    ]
    f = tmp_path / "t.tsv"
    f.write_text("\n".join(rows) + "\n")
    t = read_decide(f)
    assert t.actors == ("Arland", "Beltia")
    np.testing.assert_allclose(t.position[:, 0], [30, 70])
    np.testing.assert_allclose(t.salience[:, 0], [0.5, 0.9])


def test_decide_errors(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text(DECIDE_CSV + "#D;Nowhere;dues;10;0.5;0.5\n")
    with pytest.raises(ModelInputError, match=r"d.csv:19: actor 'Nowhere' is not declared"):
        read_decide(f)
    g = tmp_path / "e.csv"
    g.write_text("hello;world\n")
    with pytest.raises(ModelInputError, match="no #A actors"):
        read_decide(g)


def test_benchmark_files_read_and_validate(benchmarks_dir: Path) -> None:
    k = benchmarks_dir / "ktab-smp"
    assert read_ktab(k / "SOE-Pol-Comp.csv").n_actors == 13
    assert read_ktab(k / "dummyData_6Dim.csv").issue_ids[-1] == "Dim5"
    t, params = read_ktab_xml(k / "smpExample.xml")
    assert params["pce_model"] == "MarkovIncentive" and t.n_actors == 5
    d = benchmarks_dir / "decide-exchange"
    cop = read_decide(d / "CoP21_2015-10-02_full.csv")
    assert (cop.n_actors, cop.n_issues) == (15, 13)
    assert cop.issues[1].anchors[65.0] == "International Assessment and Review (IAR)"
    tab = read_decide(d / "cop21_decide-format.tsv")
    # the tab copy lists the same groups in another order (and spelling): compare per issue, order-free
    np.testing.assert_allclose(
        np.sort(np.nan_to_num(tab.position), axis=0), np.sort(np.nan_to_num(cop.position), axis=0)
    )
    for table in (cop, tab, read_decide(d / "copenhagen_decide-format.tsv")):
        table.validate()


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@settings(max_examples=40, deadline=None)
@given(
    actors=st.lists(names, min_size=2, max_size=6, unique=True),
    data=st.data(),
)
def test_ktab_csv_roundtrip_property(
    tmp_path_factory: pytest.TempPathFactory, actors: list[str], data: st.DataObject
) -> None:
    n_dim = data.draw(st.integers(1, 3))
    pos = data.draw(
        st.lists(
            st.lists(st.integers(0, 100), min_size=n_dim, max_size=n_dim),
            min_size=len(actors),
            max_size=len(actors),
        )
    )
    sal = data.draw(
        st.lists(
            st.lists(st.integers(0, 30), min_size=n_dim, max_size=n_dim),
            min_size=len(actors),
            max_size=len(actors),
        )
    )
    lines = [
        f"S,desc,{len(actors)},{n_dim},",
        "Actor,Description,Influence," + ",".join(f"D{d} Position,D{d} Salience" for d in range(n_dim)) + ",",
    ]
    for a, p, s in zip(actors, pos, sal, strict=True):
        lines.append(f"{a},x,10," + ",".join(f"{p[d]},{s[d]}" for d in range(n_dim)) + ",")
    f = tmp_path_factory.mktemp("k") / "s.csv"
    f.write_text("\n".join(lines) + "\n")
    t = read_ktab_csv(f)
    assert t.actors == tuple(actors)
    np.testing.assert_allclose(t.position, pos)
    np.testing.assert_allclose(t.salience * 100, sal)
