"""Monte Carlo: reproducible from a seed, intervals that contain the point, batch == per-draw."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zopa.errors import ModelInputError
from zopa.models import nash as nash_module
from zopa.models.montecarlo import BLOCK, sample_tables, simulate
from zopa.models.nash import solve_batch
from zopa.models.readers import read_negotiation
from zopa.models.registry import ModelResult, batch_output, get_batch, get_model
from zopa.models.table import IssueSpec, Negotiation, TableBatch

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


def _spread_table(n_actors: int, n_issues: int, seed: int, *, batna_sd: float | None) -> Negotiation:
    """Random positions; the status quo at the compromise point (often Pareto optimal: no zone), or BATNAs
    near each actor's own position (often incompatible)."""
    rng = np.random.default_rng(seed)
    pos = rng.uniform(0, 100, (n_actors, n_issues))
    sal = rng.uniform(0.1, 1, (n_actors, n_issues))
    cap = rng.uniform(1, 10, n_actors)
    sq = (pos * (sal * cap[:, None])).sum(axis=0) / (sal * cap[:, None]).sum(axis=0)
    batna = None if batna_sd is None else np.clip(pos + rng.normal(0, batna_sd, pos.shape), 0, 100)
    return Negotiation(
        name="spread",
        actors=tuple(f"a{k}" for k in range(n_actors)),
        issues=tuple(IssueSpec(id=f"i{k}", status_quo=float(sq[k])) for k in range(n_issues)),
        position=pos,
        salience=sal,
        capability=cap,
        batna=batna,
    )


@pytest.mark.parametrize(
    ("n_actors", "n_issues", "batna_sd", "seed"),
    [(3, 2, None, 0), (3, 2, None, 3), (3, 2, 60.0, 1), (6, 3, 100.0, 3), (6, 3, 100.0, 4)],
)
def test_vectorised_nash_decides_the_zone_like_the_exact_solver(
    n_actors: int, n_issues: int, batna_sd: float | None, seed: int
) -> None:
    """Draws whose starts lie outside the zone: the barrier method finds a point inside or proves, by a dual
    certificate, that there is none; both must agree with the exact solver draw by draw."""
    t = _spread_table(n_actors, n_issues, seed, batna_sd=batna_sd)
    batch = sample_tables(t, draws=60, seed=seed)
    sol = solve_batch(batch, t)
    exact = [get_model("nash.v1")(batch.table(d, t)) for d in range(60)]
    agree = np.array([r.diagnostics["agreement"] for r in exact])
    assert sol.phase1_draws > 0 and sol.exact_draws == 0
    assert sol.proven_empty > 0 and agree.sum() > 0  # both outcomes occur in these tables
    assert np.array_equal(sol.agreement, agree)
    for d, r in enumerate(exact):
        _assert_same_or_better(batch.table(d, t), sol.forecast[d], r)


@pytest.mark.parametrize(("model", "params"), [("compromise.v1", {}), ("nash.v1", {}), ("median.v1", {})])
def test_threads_and_blocks_do_not_change_the_result(table, model: str, params: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    draws = BLOCK + 300  # two blocks
    one = simulate(table, model, draws=draws, seed=4, workers=1, params=params)
    two = simulate(table, model, draws=draws, seed=4, workers=2, params=params)
    assert np.array_equal(one.samples, two.samples)
    whole = get_batch(model)
    assert whole is not None
    batch = sample_tables(table, draws=draws, seed=4, workers=1)
    assert np.allclose(batch_output(whole(batch, table, **params))[0], one.samples, rtol=0, atol=1e-9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    params=st.sampled_from([{}, {"disagreement": "conflict"}, {"power": "equal"}]),
)
def test_compiled_nash_agrees_with_the_exact_solver(seed: int, params: dict[str, str]) -> None:
    """Random small tables with actors absent from issues, issues without a status quo and partial BATNAs:
    the compiled kernel (one draw: the table itself) and the SLSQP solver decide the zone alike and land on
    the same outcome."""
    rng = np.random.default_rng(seed)
    n_a, n_i = int(rng.integers(2, 7)), int(rng.integers(1, 4))
    pos = rng.uniform(0, 100, (n_a, n_i)).round(0)
    absent = rng.random((n_a, n_i)) < 0.2
    absent[:2] = False  # every issue keeps two actors
    absent[:, 0] = False  # every actor keeps an issue
    pos[absent] = np.nan
    t = Negotiation(
        name="random",
        actors=tuple(f"a{k}" for k in range(n_a)),
        issues=tuple(
            IssueSpec(id=f"i{k}", status_quo=float(rng.uniform(0, 100)) if rng.random() < 0.8 else None)
            for k in range(n_i)
        ),
        position=pos,
        salience=rng.uniform(0, 1, (n_a, n_i)).round(1),
        capability=rng.uniform(0.5, 10, n_a),
        batna=np.where(rng.random((n_a, n_i)) < 0.4, rng.uniform(0, 100, (n_a, n_i)), np.nan),
    ).validate()
    sol = solve_batch(TableBatch.of(t), t, **params)
    exact = get_model("nash.v1")(t, **params)
    assert bool(sol.agreement[0]) == exact.diagnostics["agreement"]
    _assert_same_or_better(t, sol.forecast[0], exact, **params)


def _assert_same_or_better(t: Negotiation, x: np.ndarray, exact: ModelResult, **params: str) -> None:
    """The kernel's outcome equals the exact solver's, or has the larger Nash product: in zones a hair
    wide (gains of 1e-6) SLSQP stops short of the optimum, which the kernel's Newton steps reach."""
    ex = np.array([exact.forecast[i] for i in t.issue_ids])
    if np.abs(x - ex).max() < 1e-2 or not exact.diagnostics["agreement"]:
        assert np.abs(x - ex).max() < 1e-2
        return
    prob = nash_module._problem(t, "quadratic")
    d, _ = nash_module._disagreement(t, prob, params.get("disagreement", "batna"))
    cap = nash_module._mean_capability(t)
    beta = np.ones_like(cap) if params.get("power") == "equal" else cap / cap.sum()
    lo = np.array([i.lo for i in t.issues])

    def log_product(y: np.ndarray) -> float:
        g = prob.util((y - lo) / t.spans()) - d
        return float((beta * np.log(g)).sum()) if (g > 0).all() else -np.inf

    assert log_product(x) >= log_product(ex) - 1e-9


def test_antithetic_draws_come_in_mirrored_pairs(table) -> None:  # type: ignore[no-untyped-def]
    draws = BLOCK + 301  # a full block and an odd one: the middle draw of an odd block has no partner
    b = sample_tables(table, draws=draws, seed=6, antithetic=True, spread={"position": 1.0})
    fixed = table.actors.index("City council"), table.issue_index("pay-rise")  # spread 1 around 40: no clip
    first = b.position[:BLOCK, fixed[0], fixed[1]] - 40.0
    assert np.allclose(first[: BLOCK // 2], -first[BLOCK // 2 :], rtol=0, atol=1e-12)
    odd = b.position[BLOCK:, fixed[0], fixed[1]] - 40.0  # 301 draws: 151 drawn, 150 mirrored
    assert np.allclose(odd[:150], -odd[151:], rtol=0, atol=1e-12) and abs(odd[150]) > 0
    plain = sample_tables(table, draws=draws, seed=6, spread={"position": 1.0})
    independent = plain.position[BLOCK // 2 : BLOCK, fixed[0], fixed[1]] - 40.0  # fresh numbers there
    assert not np.allclose(independent, first[BLOCK // 2 :])
    r = simulate(table, "compromise.v1", draws=2000, seed=6, antithetic=True)
    q = simulate(table, "compromise.v1", draws=2000, seed=6)
    assert r.antithetic and r.as_dict()["antithetic"] is True
    for iid in table.issue_ids:  # the same distribution: medians agree within sampling noise
        assert abs(r.median[iid] - q.median[iid]) < 0.1 * (q.hi[iid] - q.lo[iid]) + 1e-9
    two = simulate(table, "compromise.v1", draws=draws, seed=6, antithetic=True, workers=2)
    one = simulate(table, "compromise.v1", draws=draws, seed=6, antithetic=True, workers=1)
    assert np.array_equal(one.samples, two.samples)


def test_kernel_shares_the_solver_constants() -> None:
    from zopa.models import _nash_kernel as kernel

    assert kernel.GAIN_TOL == nash_module._GAIN_TOL  # the same zone test as the exact solver
    assert nash_module._MODES == {
        "batna": kernel.MODE_BATNA,
        "status_quo": kernel.MODE_STATUS_QUO,
        "conflict": kernel.MODE_CONFLICT,
    }


def test_nash_on_a_small_table_runs_the_exact_solver_draw_by_draw_no_kernel_compile() -> None:
    from zopa.models.nash import EXACT_CELLS

    t = Negotiation(
        name="small",
        actors=("a", "b", "c"),
        issues=(IssueSpec(id="x", status_quo=50.0), IssueSpec(id="y", status_quo=40.0)),
        position=np.array([[10.0, 80.0], [90.0, 20.0], [50.0, 60.0]]),
        salience=np.array([[0.9, 0.3], [0.4, 0.8], [0.6, 0.5]]),
        capability=np.array([2.0, 1.0, 1.5]),
    )
    assert t.n_actors * t.n_issues <= EXACT_CELLS
    mc = simulate(t, "nash.v1", draws=12, seed=2)
    assert mc.method == "per-draw" and mc.agreement is not None
    batch = sample_tables(t, draws=12, seed=2)
    for d in range(12):
        exact = get_model("nash.v1")(batch.table(d, t))
        assert mc.samples[d].tolist() == [exact.forecast["x"], exact.forecast["y"]]
        assert bool(mc.agreement[d]) == exact.diagnostics["agreement"]
