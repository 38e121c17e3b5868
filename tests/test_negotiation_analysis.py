"""Questions asked of a negotiation built from evidence: gap, zone, deals, plan (hand-built statements)."""

from __future__ import annotations

import copy
import json

import pytest

from negotiation_fixtures import NEGOTIATION_CODEBOOK, codebook, row, talks_rows
from zopa.codebook import parse_codebook
from zopa.errors import InputError
from zopa.models.registry import model_names
from zopa.negotiation.analysis import (
    AnalysisOptions,
    load_plan,
    negotiation_deals,
    negotiation_gap,
    negotiation_plan,
    negotiation_zone,
    parse_plan,
)
from zopa.negotiation.build import build_negotiation
from zopa.negotiation.service import jsonable

FAST = AnalysisOptions(models=("median.v1", "compromise.v1"), draws=200, iterative_draws=0, seed=3)


@pytest.fixture(scope="module")
def model():
    return build_negotiation(talks_rows(), codebook())


def _issue(report, issue):
    return next(g for g in report.issues if g.issue == issue)


def test_gap_shows_positions_red_lines_sources_and_forecasts(model):
    report = negotiation_gap(model, options=FAST)
    valley = _issue(report, "valley")
    assert valley.gap == 100 and valley.between == ("south", "north")
    assert valley.red_lines_collide
    north = next(p for p in valley.parties if p.actor == "north")
    assert north.red_line == (100.0, 100.0) and north.batna == 100.0
    assert north.sources["red_line"]["evidence"][0]["sentence"] == "North said the valley is non-negotiable."
    assert north.sources["capability"]["source"] == "codebook"
    assert [f.model for f in valley.forecasts] == ["median.v1", "compromise.v1"]
    for f in valley.forecasts:
        assert f.lo <= f.value <= f.hi and f.draws == 200 and f.error is None and f.ran == 200
        assert f.text() == f"{f.value:.1f} [{f.lo:.1f}-{f.hi:.1f}]"
    assert "median" in report.options["convention"]
    assert report.not_modeled == ("guarantees",)
    alliance = _issue(report, "alliance")
    assert [o.conditional_on for o in alliance.linked_offers] == ["guarantees"]
    json.dumps(jsonable(report.as_dict()), allow_nan=False)


def test_gap_is_reproducible_from_the_seed(model):
    a = negotiation_gap(model, options=FAST)
    b = negotiation_gap(model, options=FAST)
    assert a.as_dict() == b.as_dict()


def test_gap_reports_every_registered_model(model):
    report = negotiation_gap(model, options=AnalysisOptions(draws=20, iterative_draws=2))
    names = [f.model for f in _issue(report, "valley").forecasts]
    assert names == model_names()
    for f in _issue(report, "valley").forecasts:
        assert (f.value is not None) or f.error or f.reads_no_agreement  # a model that cannot run says why


def test_zone_is_empty_where_red_lines_collide_and_names_their_sentences(model):
    zone = negotiation_zone(model)
    assert not zone.exists
    valley = next(v for v in zone.issues if v.issue == "valley")
    assert valley.empty and {"north", "south"} <= set(valley.colliding)
    sentences = {
        e["sentence"]
        for lim in valley.limits
        for f in ("red_line", "batna")
        if lim.get(f)
        for e in lim[f]["evidence"]
    }
    assert "North said the valley is non-negotiable." in sentences
    assert "South rejected any proposal to cede the valley." in sentences
    assert "If talks fail, North will take the valley by military means." in sentences
    assert zone.not_modeled == ("guarantees",)
    json.dumps(jsonable(zone.as_dict()), allow_nan=False)


def test_zone_exists_when_nothing_collides():
    rows = [
        row("north", "sanctions", "demand", 30),
        row("south", "sanctions", "demand", 70),
        row("north", "alliance", "demand", 60),
        row("south", "alliance", "demand", 40),
    ]
    zone = negotiation_zone(build_negotiation(rows, codebook()))
    assert zone.exists and zone.min_margin >= 0
    assert all(not v.empty for v in zone.issues)


def test_a_conditional_offer_is_scored_against_no_deal_with_both_halves():
    # South would drop its alliance bid (alliance = 100) for guarantees (its position, 0): the package leaves
    # the valley at its status quo (60), not at some least-concession point that breaks South's red line.
    # Without a deal South has no guarantees (status quo 100), so getting them is a gain it is scored on.
    data = copy.deepcopy(NEGOTIATION_CODEBOOK)
    next(i for i in data["issues"] if i["id"] == "guarantees")["status_quo"] = 100
    deals = negotiation_deals(build_negotiation(talks_rows(), parse_codebook(data)))
    (pkg,) = deals.conditional
    assert (
        pkg.offer.actor == "south" and pkg.package["alliance"] == 100.0 and pkg.package["guarantees"] == 0.0
    )
    assert pkg.package["valley"] == 60.0 and pkg.basis["valley"].startswith("the status quo")
    assert pkg.holder_better_off and pkg.margins["south"] > 0 and "south" not in pkg.red_lines_broken
    assert pkg.verdict.startswith("with guarantees = 0 granted, south is better off than with no deal")
    # guarantees: only South states a position, so that half is in South's score only, and said so
    assert pkg.halves["north"]["guarantees"] == "not in its score: north states no position on guarantees"
    assert pkg.halves["south"] == {"alliance": "scored", "guarantees": "scored"}
    assert deals.candidates > 0
    json.dumps(jsonable(deals.as_dict()), allow_nan=False)


def test_a_half_that_cannot_be_valued_against_no_deal_is_named(model):
    # the shipped fixture's guarantees issue has no status quo and nobody states what happens without a deal
    (pkg,) = negotiation_deals(model).conditional
    assert pkg.halves["south"]["guarantees"].startswith("not in its score: guarantees has no status quo")
    assert not pkg.holder_better_off


def test_an_offer_that_leaves_its_holder_worse_off_says_so():
    rows = [
        row("south", "alliance", "conditional", 100, conditional_on="sanctions"),
        row("south", "alliance", "demand", 0),
        row("south", "sanctions", "demand", 15),
        row("north", "alliance", "demand", 100),
        row("north", "sanctions", "demand", 0),
    ]
    (pkg,) = negotiation_deals(build_negotiation(rows, codebook())).conditional
    assert not pkg.holder_better_off and pkg.margins["south"] < 0
    assert pkg.verdict.startswith("even with sanctions = 15 granted, south is not better off")


def test_trades_and_deals_flag_salience_that_rests_on_one_or_two_statements(model):
    deals = negotiation_deals(model)
    flagged = [w for t in deals.trades for w in t["warnings"]]
    assert any("rests on 1 statement" in w for w in flagged)
    (pkg,) = deals.conditional
    assert any(w.startswith("south's salience on alliance") for w in pkg.warnings)


def test_deals_exist_when_parties_can_trade():
    rows = [
        row("north", "sanctions", "demand", 0),
        row("south", "sanctions", "demand", 100),
        row("north", "alliance", "demand", 100, red_line=True),
        row("south", "alliance", "demand", 0),
        row("north", "if-talks-fail", "threat", 0),
        row("south", "if-talks-fail", "threat", 100),
    ]
    deals = negotiation_deals(build_negotiation(rows, codebook()))
    assert deals.accepted >= 1 and deals.deals
    assert all(m > 0 for m in deals.deals[0]["margins"].values())


def test_plan_scored_for_every_party_with_broken_red_lines_and_their_sentences(model, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(
        "name: Broker plan\nplan:\n  valley: 50\n  alliance: 100\n  guarantees: 10\n"
        "terms:\n  valley: a demilitarised zone\n",
        encoding="utf-8",
    )
    plan = load_plan(path)
    assert plan.terms == {"valley": "a demilitarised zone"}
    scored = negotiation_plan(model, plan)
    assert [p.actor for p in scored.parties] == ["north", "south", "broker"]
    north = scored.parties[0]
    (broken,) = north.red_lines_broken
    assert broken["issue"] == "valley" and broken["plan"] == 50
    assert broken["red_line"]["evidence"][0]["sentence"] == "North said the valley is non-negotiable."
    assert north.acceptance == 0.0 and "north" in scored.rejected_by
    assert scored.filled == {"sanctions": "the plan is silent: the status quo"}
    assert scored.scored["sanctions"] == 10
    assert "guarantees" in scored.not_modeled
    assert all(0 <= p.acceptance <= 1 for p in scored.parties)
    json.dumps(jsonable(scored.as_dict()), allow_nan=False)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "x"}, r"field plan: missing \(it is required\)"),
        ({"plan": {"valley": 150}}, "field plan.valley: Input should be less than or equal to 100"),
        ({"plan": {"valley": 50}, "terms": {"alliance": "x"}}, "no outcome for this issue"),
    ],
)
def test_bad_plans_are_input_errors(data, message):
    with pytest.raises(InputError, match=message):
        parse_plan(data, source="p.yaml")


def test_plan_naming_no_modeled_issue_is_an_input_error(model):
    with pytest.raises(InputError, match="names none of the modeled issues"):
        negotiation_plan(model, parse_plan({"plan": {"guarantees": 10}}))
