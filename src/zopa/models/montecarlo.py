"""Monte Carlo over a table's inputs: any registered model's forecast as a median and an interval per issue.

Each draw perturbs every known value: positions and salience by a normal spread (or a uniform draw within an
explicit range), capability by a relative normal spread; draws are clipped to the issue's scale, salience to
[0, 1], capability to >= 0. Spreads come from the table (:class:`~zopa.models.table.Uncertainty`, read from
the
file's ``spread``/``*_range`` fields); values without one take the default ``spread`` given to
:func:`simulate`.
All draws are generated up front from ``seed`` with NumPy, so the result depends only on (table, model,
params,
draws, seed, spread), not on ``workers``. Models with a vectorised version (``compromise.v1``, ``median.v1``,
``nash.v1`` with its default utility) run all draws at once; the others run draw by draw, in a process pool
when
``workers > 1``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zopa.errors import ModelInputError
from zopa.models.nash import BatchUnsupported
from zopa.models.registry import forecast_array, get_batch, get_model, plain, run_model
from zopa.models.table import Negotiation, TableBatch

DEFAULT_SPREAD = {"position": 5.0, "salience": 0.05, "capability": 0.10}


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class UncertainForecast:
    model: str
    params: dict[str, Any]
    inputs: str
    draws: int
    seed: int
    spread: dict[str, float]  # the default spreads applied to values without their own
    level: float  # width of the interval, e.g. 0.8 = from the 10th to the 90th percentile
    point: dict[str, float]  # the model on the table itself
    median: dict[str, float]
    lo: dict[str, float]
    hi: dict[str, float]
    mean: dict[str, float]
    method: str  # "vectorised" or "per-draw"
    samples: np.ndarray = field(repr=False)  # (draws, issues)

    def as_dict(self) -> dict[str, Any]:
        return plain(
            {
                k: getattr(self, k)
                for k in (
                    "model",
                    "params",
                    "inputs",
                    "draws",
                    "seed",
                    "spread",
                    "level",
                    "method",
                    "point",
                    "median",
                    "lo",
                    "hi",
                    "mean",
                )
            }
        )


def _spreads(spread: float | Mapping[str, float] | None, table: Negotiation) -> dict[str, float]:
    if spread is None:
        return (
            dict(DEFAULT_SPREAD)
            if table.uncertainty is None
            else {"position": 0.0, "salience": 0.0, "capability": 0.0}
        )
    if isinstance(spread, int | float):
        return {"position": float(spread), "salience": 0.0, "capability": 0.0}
    unknown = set(spread) - set(DEFAULT_SPREAD)
    if unknown:
        raise ModelInputError(
            f"simulate: unknown spread key(s) {sorted(unknown)}; known: position, salience, capability"
        )
    out = {k: float(spread.get(k, 0.0)) for k in DEFAULT_SPREAD}
    if any(v < 0 for v in out.values()):
        raise ModelInputError("simulate: spreads must be >= 0")
    return out


def sample_tables(
    table: Negotiation, *, draws: int, seed: int, spread: float | Mapping[str, float] | None = None
) -> TableBatch:
    """``draws`` perturbed copies of the table as one :class:`TableBatch` (vectorised, reproducible)."""
    if draws < 1:
        raise ModelInputError("simulate: draws must be >= 1")
    table.validate()
    sp = _spreads(spread, table)
    rng = np.random.default_rng(seed)
    na, ni = table.position.shape
    inv = table.involved()
    lo = np.array([i.lo for i in table.issues])
    hi = np.array([i.hi for i in table.issues])
    unc = table.uncertainty

    def sd_of(own: np.ndarray | None, default: float, shape: tuple[int, ...]) -> np.ndarray:
        base = np.full(shape, default)
        if own is not None:
            base = np.where(np.isnan(own), base, own)
        return base

    def draw(
        value: np.ndarray, sd: np.ndarray, rng_pair: np.ndarray | None, lo_b: Any, hi_b: Any
    ) -> np.ndarray:
        out: np.ndarray
        if np.any(sd > 0):
            out = rng.standard_normal((draws, *value.shape))
            out *= sd
            out += value
        else:
            out = np.broadcast_to(value, (draws, *value.shape))
        if rng_pair is not None and not np.isnan(rng_pair).all():
            has = ~np.isnan(rng_pair[..., 0])
            u = rng.random((draws, *value.shape))
            uni = np.nan_to_num(rng_pair[..., 0]) + u * np.nan_to_num(rng_pair[..., 1] - rng_pair[..., 0])
            out = np.where(has, uni, out)
        if np.any(sd > 0) or (rng_pair is not None and not np.isnan(rng_pair).all()):
            out = np.clip(out, lo_b, hi_b, out=out if out.flags.writeable else None)
        return out

    pos_sd = np.where(inv, sd_of(unc.position_sd if unc else None, sp["position"], (na, ni)), 0.0)
    position = draw(np.nan_to_num(table.position), pos_sd, unc.position_range if unc else None, lo, hi)
    if not inv.all():
        position = np.where(inv, position, np.nan)
    sal_sd = np.where(inv, sd_of(unc.salience_sd if unc else None, sp["salience"], (na, ni)), 0.0)
    salience = draw(np.where(inv, table.salience, 0.0), sal_sd, unc.salience_range if unc else None, 0.0, 1.0)
    if not inv.all():
        salience = np.where(inv, salience, 0.0)
    cap_base = table.capability_matrix()
    cap_actor = np.nanmean(np.where(inv, cap_base, np.nan), axis=1)
    cap_sd = sd_of(unc.capability_sd if unc else None, np.nan, (na,))
    cap_sd = np.where(np.isnan(cap_sd), sp["capability"] * cap_actor, cap_sd)
    factor_sd = np.where(cap_actor > 0, cap_sd / np.where(cap_actor > 0, cap_actor, 1.0), 0.0)
    factor = draw(np.ones(na), factor_sd, None, 0.0, np.inf)
    crange = unc.capability_range if unc else None
    if crange is not None and not np.isnan(crange).all():
        has = ~np.isnan(crange[:, 0])
        u = rng.random((draws, na))
        uni = (crange[:, 0] + u * (crange[:, 1] - crange[:, 0])) / np.where(cap_actor > 0, cap_actor, 1.0)
        factor = np.where(has, uni, factor)
    capability = np.broadcast_to(cap_base[None] * np.asarray(factor)[:, :, None], (draws, na, ni))
    sq = np.broadcast_to(table.status_quo_vector(), (draws, ni))
    batna = np.broadcast_to(
        table.batna if table.batna is not None else np.full((na, ni), np.nan), (draws, na, ni)
    )
    risk = np.broadcast_to(table.risk if table.risk is not None else np.zeros(na), (draws, na))
    return TableBatch(
        position=position, salience=salience, capability=capability, status_quo=sq, batna=batna, risk=risk
    )


def _run_chunk(args: tuple[str, dict[str, Any], list[Negotiation]]) -> np.ndarray:
    name, params, tables = args
    return np.array([forecast_array(get_model(name)(t, **params), t) for t in tables])


def simulate(
    table: Negotiation,
    model: str = "compromise.v1",
    *,
    draws: int = 1000,
    seed: int = 0,
    spread: float | Mapping[str, float] | None = None,
    workers: int = 1,
    params: Mapping[str, Any] | None = None,
    level: float = 0.8,
) -> UncertainForecast:
    """Run ``model`` on ``draws`` perturbed copies of ``table``; median and ``level`` interval per issue.

    ``spread``: None = the table's own spreads (or, if it has none, 5 points on positions, 0.05 on salience
    and
    10% on capability); a number = that standard deviation on every position; a mapping with keys
    ``position``,
    ``salience`` (0-1 units) and ``capability`` (relative). ``workers``: processes for models without a
    vectorised
    version (0 = all cores).
    """
    if not 0 < level < 1:
        raise ModelInputError("simulate: level must be between 0 and 1")
    params = dict(params or {})
    base = run_model(model, table, **params)
    batch = sample_tables(table, draws=draws, seed=seed, spread=spread)
    fn = get_batch(model)
    samples: np.ndarray | None = None
    method = "vectorised"
    if fn is not None:
        try:
            samples = np.asarray(fn(batch, table, **params), dtype=float)
        except BatchUnsupported:
            samples = None
    if samples is None:
        method = "per-draw"
        tables = [batch.table(d, table) for d in range(draws)]
        n_workers = (os.cpu_count() or 1) if workers == 0 else max(1, workers)
        if n_workers == 1 or draws < 2 * n_workers:
            samples = _run_chunk((model, params, tables))
        else:
            chunks = [tables[k::n_workers] for k in range(n_workers)]
            with ProcessPoolExecutor(max_workers=n_workers) as pool:
                parts = list(pool.map(_run_chunk, [(model, params, c) for c in chunks]))
            samples = np.empty((draws, table.n_issues))
            for k, part in enumerate(parts):
                samples[k::n_workers] = part
    q = (1 - level) / 2
    lo_q, med, hi_q = np.quantile(samples, [q, 0.5, 1 - q], axis=0)
    ids = table.issue_ids

    def d(v: np.ndarray) -> dict[str, float]:
        return {iid: float(v[i]) for i, iid in enumerate(ids)}

    return UncertainForecast(
        model=model,
        params=base.params,
        inputs=table.label(),
        draws=draws,
        seed=seed,
        spread=_spreads(spread, table),
        level=level,
        point=dict(base.forecast),
        median=d(med),
        lo=d(lo_q),
        hi=d(hi_q),
        mean=d(samples.mean(axis=0)),
        method=method,
        samples=samples,
    )
