"""What-if runs, "if talks fail" over time, and the positions timeline (hand-built statements)."""

from __future__ import annotations

import contextlib
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation_fixtures import codebook, row, talks_rows
from zopa.errors import InputError
from zopa.models.registry import run_model
from zopa.negotiation.analysis import AnalysisOptions, parse_plan
from zopa.negotiation.build import build_negotiation
from zopa.negotiation.scenario import (
    apply_changes,
    best_deal,
    load_scenario,
    parse_scenario,
    run_scenario,
    talks_fail,
    utility,
)
from zopa.negotiation.service import jsonable
from zopa.negotiation.timeline import build_timeline


def _trade_rows():
    """Two parties far apart on two issues, with no red lines: a deal exists once fighting hurts enough."""
    return [
        row("north", "valley", "demand", 100),
        row("south", "valley", "demand", 0),
        row("north", "sanctions", "demand", 20),
        row("south", "sanctions", "demand", 80),
        row("north", "if-talks-fail", "threat", 100),
        row("south", "if-talks-fail", "threat", 0),
    ]


SCENARIO = {
    "name": "war of attrition",
    "months": 24,
    "horizon_months": 6,
    "start": {"valley": 50, "sanctions": 50},
    "parties": {
        "north": {
            "advance": {"valley": {"per_month": 2}},
            "cost_per_month": 0.006,
            "cost_growth": 0.12,
            "source": "test",
        },
        "south": {
            "advance": {"valley": {"per_month": 2, "toward": 20}},
            "cost_per_month": 0.006,
            "cost_growth": 0.12,
        },
    },
}


def test_talks_fail_opens_the_zone_when_costs_outgrow_expected_gains():
    table = build_negotiation(_trade_rows(), codebook()).modeled()
    result = talks_fail(table, parse_scenario(SCENARIO))
    assert result.parties == ("north", "south")
    assert len(result.months) == 25
    assert result.opens_at is not None and result.opens_at > 0
    assert result.months[result.opens_at].best_margin >= 0 > result.months[result.opens_at - 1].best_margin
    assert result.opens_at_with_red_lines == result.opens_at  # no red lines here
    assert "opens at month" in result.summary()
    assert any("north: valley +2/month" in a for a in result.assumptions)
    assert result.start_source == {"valley": "scenario file", "sanctions": "scenario file"}
    # North expects to reach its stated alternative (100) at 2 points a month: 50 + 2 * (t + horizon).
    assert result.months[0].expected["north"]["valley"] == 62
    json.dumps(jsonable(result.as_dict()), allow_nan=False)


def test_without_costs_each_side_expecting_to_win_never_settles():
    table = build_negotiation(_trade_rows(), codebook()).modeled()
    free = dict(
        SCENARIO,
        parties={
            "north": {"advance": {"valley": {"per_month": 5}}},
            "south": {"advance": {"valley": {"per_month": 5, "toward": 0}}, "cost_per_month": 0.0},
        },
    )
    result = talks_fail(table, parse_scenario(free))
    assert result.opens_at is None
    assert "no zone of agreement" in result.summary()


def test_higher_costs_open_the_zone_no_later():
    table = build_negotiation(_trade_rows(), codebook()).modeled()
    months = []
    for cost in (0.004, 0.006, 0.01):
        sc = json.loads(json.dumps(SCENARIO))
        for p in sc["parties"].values():
            p["cost_per_month"] = cost
        months.append(talks_fail(table, parse_scenario(sc)).opens_at)
    assert months[0] is None or months[1] <= months[0]
    assert months[2] <= months[1]


def test_colliding_red_lines_keep_the_zone_shut_inside_them():
    table = build_negotiation(talks_rows(), codebook()).modeled()
    sc = dict(
        SCENARIO, parties={"north": SCENARIO["parties"]["north"], "south": SCENARIO["parties"]["south"]}
    )
    result = talks_fail(table, parse_scenario(sc))
    assert result.colliding_red_lines[0]["issue"] == "valley"
    assert result.opens_at_with_red_lines is None
    assert all(m.best_margin_red_lines is None for m in result.months)


def test_a_party_hurting_enough_drops_its_red_lines():
    table = build_negotiation(talks_rows(), codebook()).modeled()
    parties = json.loads(json.dumps(SCENARIO["parties"]))
    parties["south"]["drops_red_lines_below"] = 0.6  # south's value of no deal is below this from the start
    result = talks_fail(table, parse_scenario(dict(SCENARIO, parties=parties)))
    assert result.months[0].red_lines_dropped == ("south",)
    assert result.opens_at_with_red_lines is not None
    assert any(
        "drops its red lines when its value of no deal falls below 0.6" in a for a in result.assumptions
    )
    assert (
        "once south drops its red lines" in result.summary()
        or result.opens_at_with_red_lines == result.opens_at
    )


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=2, max_size=2), st.floats(-0.5, 0.5), st.floats(-0.5, 0.5))
def test_best_deal_is_at_least_as_good_as_any_outcome(x, f0, f1):
    table = build_negotiation(_trade_rows(), codebook()).modeled()
    floor = np.array([f0, f1])
    margin, _ = best_deal(table, [0, 1], floor, red_lines=False)
    outcome = np.array(x)
    worst = min(utility(table, a, outcome) - floor[k] for k, a in enumerate([0, 1]))
    assert worst <= margin + 1e-6


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"months": 3}, r"field name: missing \(it is required\)"),
        ({"name": "x", "months": 0}, "months"),
        ({"name": "x", "parties": {"north": {"advance": {"valley": 3}}}}, "parties.north.advance.valley"),
        ({"name": "x", "parties": {"north": {"costs": 1}}}, "is not a field here"),
        ({"name": "x", "start": {"valley": 120}}, "start.valley"),
        (
            {
                "name": "x",
                "what_if": [{"name": "w", "changes": [{"actor": "north", "field": "mood", "value": 1}]}],
            },
            "'field' must be",
        ),
    ],
)
def test_bad_scenarios_are_input_errors(data, message):
    with pytest.raises(InputError, match=message):
        parse_scenario(data, source="s.yaml")


def test_scenario_parties_must_be_in_the_negotiation(tmp_path):
    table = build_negotiation(_trade_rows(), codebook()).modeled()
    bad = dict(SCENARIO, parties={"north": {}, "atlantis": {}})
    with pytest.raises(InputError, match="party 'atlantis'"):
        talks_fail(table, parse_scenario(bad))
    with pytest.raises(InputError, match="no such scenario file"):
        load_scenario(tmp_path / "none.yaml")


def test_what_if_changes_move_forecasts_zone_and_plan_acceptance():
    model = build_negotiation(talks_rows(), codebook())
    sc = parse_scenario(
        dict(
            SCENARIO,
            what_if=[
                {
                    "name": "broker leans in",
                    "changes": [{"actor": "broker", "field": "capability", "value": 0.5}],
                },
                {
                    "name": "north softens",
                    "changes": [
                        {
                            "actor": "north",
                            "issue": "valley",
                            "field": "red_line",
                            "value": None,
                            "reason": "test",
                        },
                        {"actor": "north", "issue": "valley", "field": "batna", "value": 55},
                    ],
                },
            ],
        )
    )
    plan = parse_plan({"plan": {"valley": 50, "alliance": 100}})
    report = run_scenario(model, sc, plan=plan, options=AnalysisOptions(models=("compromise.v1",)))
    lean, soften = report.what_if
    moved = {m.what: m for m in lean.movements}
    assert moved["forecast compromise.v1 valley"].after < moved["forecast compromise.v1 valley"].before
    soft = {m.what: m for m in soften.movements}
    assert soft["plan acceptance north"].before == 0.0 < soft["plan acceptance north"].after
    assert (
        soft["zone: concession needed to open it"].after < soft["zone: concession needed to open it"].before
    )
    assert report.talks_fail is not None
    assert soften.changes[0].reason == "test" and soften.changes[1].reason == "what-if: north softens"
    json.dumps(jsonable(report.as_dict()), allow_nan=False)


def test_apply_changes_keeps_the_original_and_marks_provenance():
    table = build_negotiation(talks_rows(), codebook()).modeled()
    sc = parse_scenario(
        {
            "name": "x",
            "what_if": [
                {
                    "name": "w",
                    "changes": [{"actor": "south", "issue": "valley", "field": "salience", "value": 0.2}],
                }
            ],
        }
    )
    after = apply_changes(table, sc.what_if[0].changes)
    s, v = table.actors.index("south"), table.issue_ids.index("valley")
    assert after.salience[s, v] == 0.2 and table.salience[s, v] == 1.0
    assert after.provenance["south/valley/salience"] == "scenario: what-if: w"
    assert run_model("compromise.v1", after).forecast != run_model("compromise.v1", table).forecast
    with pytest.raises(InputError, match="actor 'atlantis'"):
        apply_changes(
            table,
            parse_scenario(
                {
                    "name": "x",
                    "what_if": [
                        {"name": "w", "changes": [{"actor": "atlantis", "field": "capability", "value": 1}]}
                    ],
                }
            )
            .what_if[0]
            .changes,
        )


def test_timeline_marks_the_statements_that_moved_a_position():
    rows = [
        row("north", "sanctions", "demand", 0, day="2025-09-01", text="North wants all sanctions gone."),
        row("north", "sanctions", "demand", 0, day="2025-10-01", text="North again wants sanctions gone."),
        row(
            "north",
            "sanctions",
            "offer",
            40,
            day="2025-12-01",
            text="North offered to accept some sanctions.",
        ),
        row("south", "sanctions", "demand", 90, day="2025-12-01"),
        row("north", "if-talks-fail", "threat", 100, day="2025-12-01"),
        row("south", "valley", "reject", None, day="2025-12-02", text="South rejects the North's demand."),
        row("north", "valley", "demand", 100, day="2025-11-01"),
    ]
    tl = build_timeline(rows, codebook())
    track = next(t for t in tl.tracks if (t.actor, t.issue) == ("north", "sanctions"))
    assert [p.date for p in track.points] == ["2025-09-01", "2025-10-01", "2025-12-01"]
    assert [p.moved for p in track.points] == [True, False, True]
    assert track.points[2].statements[0].sentence == "North offered to accept some sanctions."
    assert 0 < track.points[2].position <= 40
    threats = next(t for t in tl.tracks if t.no_deal)
    assert threats.points[0].position is None and threats.points[0].statements
    south = next(t for t in tl.tracks if (t.actor, t.issue) == ("south", "valley"))
    assert south.points[0].position == 0.0 and south.points[0].source == "inferred"  # rejects North's 100
    only = build_timeline(rows, codebook(), actor="south", issue="sanctions")
    assert [(t.actor, t.issue) for t in only.tracks] == [("south", "sanctions")]
    json.dumps(tl.as_dict())
    assert not math.isnan(track.points[-1].position)


_any = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 40) | st.floats(allow_nan=True) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=40, deadline=None)
@given(
    st.fixed_dictionaries(
        {"name": st.text(max_size=5)},
        optional={
            "months": st.one_of(
                st.integers(-1, 3), st.floats(allow_nan=True), st.text(max_size=3), st.none()
            ),
            "horizon_months": st.one_of(st.integers(-1, 3), st.text(max_size=3), st.none()),
            "start": _any,
            "parties": st.one_of(
                _any,
                st.dictionaries(
                    st.sampled_from(["north", "south"]),
                    st.fixed_dictionaries(
                        {}, optional={"advance": _any, "cost_per_month": _any, "drops_red_lines_below": _any}
                    ),
                    max_size=2,
                ),
            ),
            "what_if": _any,
        },
    )
)
def test_any_scenario_input_parses_or_is_an_input_error(data):
    try:
        scenario = parse_scenario(data)
    except InputError:
        return
    table = build_negotiation(talks_rows(), codebook()).modeled()
    with contextlib.suppress(InputError):  # anything else fails the test
        talks_fail(table, scenario)
