"""Monte Carlo: reproducible from a seed, intervals that contain the point, batch == per-draw."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from zopa.errors import ModelInputError
from zopa.models.montecarlo import sample_tables, simulate
from zopa.models.readers import read_negotiation
from zopa.models.registry import get_model

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "negotiation.yaml"


@pytest.fixture(scope="module")
def table():  # type: ignore[no-untyped-def]
    return read_negotiation(EXAMPLE)


def test_same_seed_same_result_other_seed_differs(table) -> None:  # type: ignore[no-untyped-def]
    a = simulate(table, "compromise.v1", draws=300, seed=7)
    b = simulate(table, "compromise.v1", draws=300, seed=7)
    c = simulate(table, "compromise.v1", draws=300, seed=8)
    assert a.as_dict() == b.as_dict() and a.median != c.median
    json.dumps(a.as_dict())


@pytest.mark.parametrize("model", ["compromise.v1", "median.v1", "nash.v1"])
def test_interval_brackets_the_median(table, model: str) -> None:  # type: ignore[no-untyped-def]
    r = simulate(table, model, draws=400 if model != "nash.v1" else 120, seed=1)
    assert r.method == "vectorised"
    for iid in table.issue_ids:
        assert r.lo[iid] <= r.median[iid] <= r.hi[iid]
        assert r.lo[iid] >= 0 and r.hi[iid] <= 100
    assert any(r.hi[i] - r.lo[i] > 1 for i in table.issue_ids)


def test_draws_respect_ranges_scales_and_involvement(table) -> None:  # type: ignore[no-untyped-def]
    b = sample_tables(table, draws=2000, seed=3)
    port, fund = table.actors.index("Port authority"), table.issue_index("training-fund")
    draws = b.position[:, port, fund]
    assert draws.min() >= 40 and draws.max() <= 60 and draws.std() > 4  # uniform on [40, 60]
    council, nights = table.actors.index("City council"), table.issue_index("night-shifts")
    assert np.isnan(b.position[:, council, nights]).all()
    assert np.nanmin(b.position) >= 0 and np.nanmax(b.position) <= 100
    assert b.salience.min() >= 0 and b.salience.max() <= 1 and b.capability.min() >= 0
    fixed = table.actors.index("City council"), table.issue_index("pay-rise")  # no spread given: exact
    assert np.all(b.position[:, fixed[0], fixed[1]] == 40)


def test_vectorised_nash_matches_the_exact_solver_draw_by_draw(table) -> None:  # type: ignore[no-untyped-def]
    r = simulate(table, "nash.v1", draws=15, seed=5)
    batch = sample_tables(table, draws=15, seed=5)
    exact = np.array(
        [
            [get_model("nash.v1")(batch.table(d, table)).forecast[i] for i in table.issue_ids]
            for d in range(15)
        ]
    )
    assert np.abs(np.asarray(r.samples) - exact).max() < 0.05


def test_per_draw_fallback_and_process_pool_give_the_same_answer(table) -> None:  # type: ignore[no-untyped-def]
    serial = simulate(table, "nash.v1", draws=8, seed=2, params={"utility": "ktab"})
    pooled = simulate(table, "nash.v1", draws=8, seed=2, params={"utility": "ktab"}, workers=2)
    assert serial.method == "per-draw" and np.allclose(serial.samples, pooled.samples)


def test_explicit_spread_and_bad_arguments(table) -> None:  # type: ignore[no-untyped-def]
    none = simulate(
        table, "compromise.v1", draws=50, seed=0, spread={"position": 0, "salience": 0, "capability": 0}
    )
    assert none.median != none.point  # the table's own spreads still apply
    with pytest.raises(ModelInputError, match="draws"):
        simulate(table, draws=0)
    with pytest.raises(ModelInputError, match="unknown spread"):
        simulate(table, draws=5, spread={"wobble": 1})
