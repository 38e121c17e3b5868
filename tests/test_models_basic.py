"""median.v1 and compromise.v1 on hand-computed tables; registry behaviour."""

from __future__ import annotations

import json

import numpy as np
import pytest

from zopa.errors import ModelInputError
from zopa.models.registry import batch_output, compare_models, get_batch, model_names, run_model
from zopa.models.table import IssueSpec, Negotiation, TableBatch


def one_issue(pos: list[float], sal: list[float], cap: list[float], sq: float | None = None) -> Negotiation:
    return Negotiation(
        name="one",
        actors=tuple(f"a{k}" for k in range(len(pos))),
        issues=(IssueSpec(id="x", status_quo=sq),),
        position=np.array(pos)[:, None],
        salience=np.array(sal)[:, None],
        capability=np.array(cap),
    )


def test_compromise_is_the_weighted_mean() -> None:
    t = one_issue([0, 50, 100], [1.0, 0.5, 0.5], [1, 2, 4])
    # weights 1, 1, 2 -> (0 + 50 + 200) / 4
    assert run_model("compromise.v1", t).forecast["x"] == pytest.approx(62.5)
    assert run_model("compromise.v1", t, status_quo_weight=1.0).forecast["x"] == pytest.approx(62.5)
    t_sq = one_issue([0, 50, 100], [1.0, 0.5, 0.5], [1, 2, 4], sq=0.0)
    assert run_model("compromise.v1", t_sq, status_quo_weight=1.0).forecast["x"] == pytest.approx(31.25)
    assert run_model("compromise.v1", t, salience_power=0.0).forecast["x"] == pytest.approx(
        (0 + 100 + 400) / 7
    )


def test_median_is_the_weighted_median_with_midpoint_ties() -> None:
    t = one_issue([0, 50, 100], [1.0, 1.0, 1.0], [1, 1, 3])
    assert run_model("median.v1", t).forecast["x"] == 100
    tie = one_issue([0, 40, 100], [1.0, 1.0, 1.0], [1, 1, 2])  # exactly half below 40, half at 100
    assert run_model("median.v1", tie).forecast["x"] == pytest.approx(70.0)
    assert run_model("median.v1", tie, tie="lower").forecast["x"] == 40
    assert run_model("median.v1", t).diagnostics["median_actor"]["x"] == "a2"


def test_zero_salience_everywhere_falls_back_to_equal_weights() -> None:
    t = one_issue([0, 30, 90], [0, 0, 0], [1, 1, 1])
    assert run_model("compromise.v1", t).forecast["x"] == pytest.approx(40.0)
    assert run_model("median.v1", t).forecast["x"] == 30


def test_batch_versions_agree_with_the_single_run() -> None:
    rng = np.random.default_rng(3)
    pos = rng.uniform(0, 100, (6, 3))
    pos[2, 1] = np.nan
    t = Negotiation(
        name="r",
        actors=tuple("abcdef"),
        issues=tuple(IssueSpec(id=i) for i in "xyz"),
        position=pos,
        salience=rng.uniform(0, 1, (6, 3)),
        capability=rng.uniform(1, 5, 6),
    )
    for name in ("compromise.v1", "median.v1", "nash.v1"):
        fn = get_batch(name)
        assert fn is not None
        batch, _ = batch_output(fn(TableBatch.of(t), t))
        single = run_model(name, t).forecast
        assert batch[0] == pytest.approx([single[i] for i in "xyz"], abs=1e-4)


def test_unknown_model_and_option_are_named() -> None:
    t = one_issue([0, 100], [1, 1], [1, 1])
    with pytest.raises(ModelInputError, match=r"unknown model 'nope\.v1'"):
        run_model("nope.v1", t)
    with pytest.raises(ModelInputError, match="unknown option"):
        run_model("compromise.v1", t, speed=3)
    assert {"median.v1", "compromise.v1", "nash.v1"} <= set(model_names())


def test_results_are_traceable_and_json_ready() -> None:
    t = one_issue([0, 100], [1, 1], [1, 3])
    r = run_model("compromise.v1", t)
    assert r.inputs == t.label() and "@" in r.inputs
    json.dumps(r.as_dict())
    cmp = compare_models(t, models=["compromise.v1", "median.v1"])
    assert set(cmp.results) == {"compromise.v1", "median.v1"}
    json.dumps(cmp.as_dict())
