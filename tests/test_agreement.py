"""Zone of agreement, package deals, trades and plan scoring on small hand-checked tables."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from zopa.errors import ModelInputError
from zopa.models.agreement import package_deals, score_plan, trades, zone_of_agreement
from zopa.models.readers import read_negotiation
from zopa.models.table import IssueSpec, Negotiation

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "negotiation.yaml"


def two_issue(red: np.ndarray | None = None, batna: np.ndarray | None = None) -> Negotiation:
    return Negotiation(
        name="two",
        actors=("A", "B"),
        issues=(IssueSpec(id="x", status_quo=50.0), IssueSpec(id="y", status_quo=50.0)),
        position=np.array([[100.0, 0.0], [0.0, 100.0]]),
        salience=np.array([[0.9, 0.1], [0.1, 0.9]]),
        capability=np.array([1.0, 1.0]),
        red_line=red,
        batna=batna,
    )


def test_single_issue_zone_and_collision() -> None:
    t = Negotiation(
        name="one",
        actors=("L", "R"),
        issues=(IssueSpec(id="x"),),
        position=np.array([[20.0], [80.0]]),
        salience=np.ones((2, 1)),
        capability=np.ones(2),
        red_line=np.array([[[np.nan, 40.0]], [[60.0, np.nan]]]),
    )
    z = zone_of_agreement(t)
    iz = z.issues[0]
    assert iz.empty and set(iz.colliding) == {"L", "R"}
    assert iz.concession == pytest.approx(20.0)
    assert not z.exists and z.concession == pytest.approx(20.0) and set(z.colliding) <= {"L", "R"}
    ok = t.replace(red_line=np.array([[[np.nan, 60.0]], [[40.0, np.nan]]]))
    z2 = zone_of_agreement(ok)
    assert (z2.issues[0].lo, z2.issues[0].hi) == (40.0, 60.0) and z2.exists
    assert z2.ranges["x"] == pytest.approx((40.0, 60.0))


def test_logroll_package_exists_although_each_issue_alone_is_blocked() -> None:
    # each issue settled alone: the status quo 50 sits between the two, so one of them always loses
    z = zone_of_agreement(two_issue())
    assert all(iz.empty or iz.lo == iz.hi == 50 for iz in z.issues)
    assert z.exists and z.min_margin > 0
    # A cares about x, B about y: the balanced package gives each its important issue
    assert z.balanced_deal["x"] > 60 and z.balanced_deal["y"] > 60
    rep = package_deals(two_issue())
    assert rep.deals and all(min(d.margins.values()) > 0 for d in rep.deals)
    best = rep.deals[0]
    assert best.outcome["x"] >= 50 and best.outcome["y"] >= 50
    tr = trades(two_issue())
    assert len(tr) == 1 and {tr[0].a_gives_on, tr[0].b_gives_on} == {"x", "y"} and tr[0].gain > 0
    json.dumps(rep.as_dict())


def test_red_lines_close_the_package_and_the_concession_names_the_actors() -> None:
    red = np.full((2, 2, 2), np.nan)
    red[0, 1] = [np.nan, 10.0]  # A will not accept y above 10
    red[1, 1] = [90.0, np.nan]  # B needs y at least 90
    z = zone_of_agreement(two_issue(red=red))
    assert not z.exists and set(z.colliding) == {"A", "B"}
    assert z.concession == pytest.approx(80.0)


def test_score_plan_margins_red_lines_and_acceptance() -> None:
    red = np.full((2, 2, 2), np.nan)
    red[1, 0] = [np.nan, 80.0]
    t = two_issue(red=red)
    s = score_plan(t, {"x": 90, "y": 90})
    a, b = s.actors
    assert a.utility == pytest.approx(1 - 0.9 * 0.1 - 0.1 * 0.9)
    assert a.margin == pytest.approx(a.utility - (1 - 0.5))
    assert b.red_lines_broken == ["x"] and b.acceptance == 0.0
    assert s.accepted_by == ["A"] and s.support_share == pytest.approx(0.5) and s.all_accept == 0.0
    with pytest.raises(ModelInputError, match="no outcome for issue 'y'"):
        score_plan(t, {"x": 50})
    with pytest.raises(ModelInputError, match="unknown issue 'z'"):
        score_plan(t, {"x": 50, "y": 50, "z": 1})


def test_example_negotiation_analysis_runs() -> None:
    t = read_negotiation(EXAMPLE)
    z = zone_of_agreement(t)
    assert z.exists
    for iid, (lo, hi) in z.ranges.items():
        assert lo <= z.balanced_deal[iid] + 1e-6 and z.balanced_deal[iid] <= hi + 1e-6
    rep = package_deals(t, top=3)
    assert 1 <= len(rep.deals) <= 3
    assert rep.deals[0].nash_log_product >= rep.deals[-1].nash_log_product
    s = score_plan(t, rep.deals[0].outcome)
    assert not s.rejected_by
