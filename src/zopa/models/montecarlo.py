"""Monte Carlo over a table's inputs: any registered model's forecast as a median and an interval per issue.

Each draw perturbs every known value: positions and salience by a normal spread (or a uniform draw within an
explicit range), capability by a relative normal spread; draws are clipped to the issue's scale, salience to
[0, 1], capability to >= 0. Spreads come from the table (:class:`~zopa.models.table.Uncertainty`, read from
the file's ``spread``/``*_range`` fields); values without one take the default ``spread`` of :func:`simulate`.
All draws come from ``seed`` with NumPy (the SFC64 generator, the fastest NumPy ships, about 1.15x PCG64 here
on normal numbers), in blocks of :data:`BLOCK` draws with a random stream each, so the result depends only on
(table, model, params, draws, seed, spread), not on ``workers``.
Models with a vectorised version (``compromise.v1``, ``median.v1``, ``nash.v1`` with its default utility) run
block by block in threads on all cores; the others run draw by draw, in a process pool when ``workers > 1``.
With ``engine`` (a :class:`zopa.cluster.RayEngine`) the blocks, or the chunks of draws, are Ray tasks on a
cluster instead: the same draws, so the same result.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import numpy as np

from zopa.errors import ModelInputError
from zopa.models.nash import BatchUnsupported
from zopa.models.registry import BatchFn, forecast_array, get_batch, get_model, plain, run_model
from zopa.models.table import Negotiation, TableBatch

T = TypeVar("T")
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
    antithetic: bool  # draws in mirrored pairs (z, -z)
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
                    "antithetic",
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


BLOCK = 512  # draws per random stream and per vectorised call: fixed, so results never depend on the workers


def _threads(workers: int | None) -> int:
    return (os.cpu_count() or 1) if not workers else max(1, workers)


def _blocks(draws: int) -> list[tuple[int, int]]:
    return [(a, min(a + BLOCK, draws)) for a in range(0, draws, BLOCK)]


class Engine(Protocol):
    """Runs jobs elsewhere (:class:`zopa.cluster.RayEngine`): ``map(fn, jobs)`` is ``[fn(*job) for job in
    jobs]``, in order; ``workers`` jobs at once."""

    workers: int

    def map(self, fn: Callable[..., T], jobs: Sequence[tuple[Any, ...]]) -> list[T]: ...


def _in_threads(
    fn: Callable[..., T], jobs: Sequence[tuple[Any, ...]], workers: int | None, engine: Engine | None = None
) -> list[T]:
    """``fn(*job)`` for every job, in order, on ``workers`` threads (None or 0: all cores), or on
    ``engine``."""
    if engine is not None:
        return engine.map(fn, jobs)
    n_threads = min(_threads(workers), len(jobs))
    if n_threads == 1:
        return [fn(*job) for job in jobs]
    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        return list(pool.map(lambda job: fn(*job), jobs))


class _Sampler:
    """How every draw perturbs the table; draws block ``k`` (:data:`BLOCK` draws) from its own stream."""

    def __init__(
        self,
        table: Negotiation,
        draws: int,
        seed: int,
        spread: float | Mapping[str, float] | None,
        antithetic: bool = False,
    ) -> None:
        if draws < 1:
            raise ModelInputError("simulate: draws must be >= 1")
        table.validate()
        sp = _spreads(spread, table)
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

        pos_sd = np.where(inv, sd_of(unc.position_sd if unc else None, sp["position"], (na, ni)), 0.0)
        sal_sd = np.where(inv, sd_of(unc.salience_sd if unc else None, sp["salience"], (na, ni)), 0.0)
        cap_base = table.capability_matrix()
        cap_actor = np.nanmean(np.where(inv, cap_base, np.nan), axis=1)
        cap_sd = sd_of(unc.capability_sd if unc else None, np.nan, (na,))
        cap_sd = np.where(np.isnan(cap_sd), sp["capability"] * cap_actor, cap_sd)
        factor_sd = np.where(cap_actor > 0, cap_sd / np.where(cap_actor > 0, cap_actor, 1.0), 0.0)
        crange = unc.capability_range if unc else None
        if crange is not None and not np.isnan(crange).all():
            # a uniform draw on the capability range, as a factor of the actor's capability
            crange = crange / np.where(cap_actor > 0, cap_actor, 1.0)[:, None]
        else:
            crange = None

        def ranged(r: np.ndarray | None) -> np.ndarray | None:
            return None if r is None or np.isnan(r).all() else r

        # (value, sd or None, uniform range or None, clip low, clip high) per perturbed input
        self.inputs: dict[str, tuple[np.ndarray, np.ndarray | None, np.ndarray | None, Any, Any]] = {
            "position": (
                np.nan_to_num(table.position),
                pos_sd if np.any(pos_sd > 0) else None,
                ranged(unc.position_range if unc else None),
                lo,
                hi,
            ),
            "salience": (
                np.where(inv, table.salience, 0.0),
                sal_sd if np.any(sal_sd > 0) else None,
                ranged(unc.salience_range if unc else None),
                0.0,
                1.0,
            ),
            "factor": (np.ones(na), factor_sd if np.any(factor_sd > 0) else None, crange, 0.0, np.inf),
        }
        self.inv = None if inv.all() else inv
        self.cap_base = cap_base
        self.status_quo = table.status_quo_vector()
        self.batna = table.batna if table.batna is not None else np.full((na, ni), np.nan)
        self.risk = table.risk if table.risk is not None else np.zeros(na)
        self.draws = draws
        self.blocks = _blocks(draws)
        self.seeds = np.random.SeedSequence(seed).spawn(len(self.blocks))
        self.antithetic = antithetic

    def _noise(self, rng: np.random.Generator, dest: np.ndarray, uniform: bool = False) -> None:
        """Standard normal (or uniform on [0, 1)) numbers into ``dest``; antithetic: the second half of the
        block mirrors the first (``-z``, ``1 - u``), so each pair of draws shares one random number."""
        n = len(dest)
        half = (n + 1) // 2 if self.antithetic else n
        if uniform:
            rng.random(out=dest[:half])
        else:
            rng.standard_normal(out=dest[:half])
        if self.antithetic:
            np.subtract(1.0 if uniform else 0.0, dest[: n - half], out=dest[half:])

    def block(self, k: int, out: TableBatch | None = None) -> TableBatch:
        """Block ``k``'s draws, written into ``out`` (a batch of its size) when given."""
        a, z = self.blocks[k]
        rng = np.random.Generator(np.random.SFC64(self.seeds[k]))  # SFC64: NumPy's fastest generator
        drawn = {}
        for key, (value, sd, rng_pair, lo_b, hi_b) in self.inputs.items():
            dest = np.empty((z - a, *value.shape)) if out is None or key == "factor" else getattr(out, key)
            if sd is not None:
                self._noise(rng, dest)
                dest *= sd
                dest += value
            else:
                dest[...] = value
            if rng_pair is not None:
                u = np.empty(dest.shape)
                self._noise(rng, u, uniform=True)
                uni = np.nan_to_num(rng_pair[..., 0]) + u * np.nan_to_num(rng_pair[..., 1] - rng_pair[..., 0])
                np.copyto(dest, uni, where=~np.isnan(rng_pair[..., 0]))
            if sd is not None or rng_pair is not None:
                np.clip(dest, lo_b, hi_b, out=dest)
            drawn[key] = dest
        position, salience = drawn["position"], drawn["salience"]
        if self.inv is not None:
            np.copyto(position, np.nan, where=~self.inv)
            np.copyto(salience, 0.0, where=~self.inv)
        n = z - a
        if out is not None:
            np.multiply(self.cap_base, drawn["factor"][:, :, None], out=out.capability)
            return out
        return TableBatch(
            position=position,
            salience=salience,
            capability=self.cap_base * drawn["factor"][:, :, None],
            status_quo=np.broadcast_to(self.status_quo, (n, len(self.status_quo))),
            batna=np.broadcast_to(self.batna, (n, *self.batna.shape)),
            risk=np.broadcast_to(self.risk, (n, len(self.risk))),
        )


def sample_tables(
    table: Negotiation,
    *,
    draws: int,
    seed: int,
    spread: float | Mapping[str, float] | None = None,
    workers: int | None = None,
    antithetic: bool = False,
) -> TableBatch:
    """``draws`` perturbed copies of the table as one :class:`TableBatch` (vectorised, reproducible).

    Draws come in blocks of :data:`BLOCK`, block ``k`` from its own stream spawned from ``seed``
    (``numpy.random.SeedSequence(seed).spawn``), filled by ``workers`` threads (None or 0: all cores); NumPy
    releases the GIL while it draws, and the result is the same for any number of workers.
    """
    sampler = _Sampler(table, draws, seed, spread, antithetic)
    na, ni = table.position.shape
    full = TableBatch(
        position=np.empty((draws, na, ni)),
        salience=np.empty((draws, na, ni)),
        capability=np.empty((draws, na, ni)),
        status_quo=np.broadcast_to(sampler.status_quo, (draws, ni)),
        batna=np.broadcast_to(sampler.batna, (draws, na, ni)),
        risk=np.broadcast_to(sampler.risk, (draws, na)),
    )
    jobs = [(k, _block(full, a, z)) for k, (a, z) in enumerate(sampler.blocks)]
    _in_threads(sampler.block, jobs, workers)
    return full


def _block(batch: TableBatch, a: int, z: int) -> TableBatch:
    return TableBatch(
        position=batch.position[a:z],
        salience=batch.salience[a:z],
        capability=batch.capability[a:z],
        status_quo=batch.status_quo[a:z],
        batna=batch.batna[a:z],
        risk=batch.risk[a:z],
    )


def _run_blocks(
    fn: BatchFn,
    block: Callable[[int], TableBatch],
    n_blocks: int,
    table: Negotiation,
    params: Mapping[str, Any],
    workers: int | None,
    engine: Engine | None = None,
) -> np.ndarray:
    """``fn`` on ``block(k)`` for every block, in ``workers`` threads (None or 0: all cores; NumPy and the
    compiled kernels release the GIL) or on ``engine``, the forecasts in block order."""

    def one(k: int) -> np.ndarray:
        return np.asarray(fn(block(k), table, **params), dtype=float)

    parts = _in_threads(one, [(k,) for k in range(n_blocks)], workers, engine)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def run_batch(
    fn: BatchFn, batch: TableBatch, table: Negotiation, params: Mapping[str, Any], workers: int | None = None
) -> np.ndarray:
    """A vectorised model over every draw of ``batch``, block by block (:data:`BLOCK` draws each, small enough
    to stay in the CPU's cache) in ``workers`` threads (None or 0: all cores)."""
    blocks = _blocks(batch.n_draws)
    return _run_blocks(fn, lambda k: _block(batch, *blocks[k]), len(blocks), table, params, workers)


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
    workers: int | None = None,
    params: Mapping[str, Any] | None = None,
    level: float = 0.8,
    antithetic: bool = False,
    engine: Engine | None = None,
) -> UncertainForecast:
    """Run ``model`` on ``draws`` perturbed copies of ``table``; median and ``level`` interval per issue.

    ``spread``: None = the table's own spreads (or, if it has none, 5 points on positions, 0.05 on salience
    and 10% on capability); a number = that standard deviation on every position; a mapping with keys
    ``position``, ``salience`` (0-1 units) and ``capability`` (relative). ``workers``: threads that draw the
    inputs and run a vectorised model (None or 0: all cores), processes for a model without a vectorised
    version (None: one, 0: all cores). The result is the same for any number of workers. ``antithetic``: draws
    in mirrored pairs (antithetic variates: ``-z`` beside ``z``, ``1 - u`` beside ``u``): half the random
    numbers, each draw still distributed as before, and less sampling noise in the mean where the forecast
    moves monotonically with the inputs. ``engine``: run the blocks of draws (or, for a model without a
    vectorised version, chunks of draws) as its jobs, ``engine.workers`` at once, instead of here.
    """
    if not 0 < level < 1:
        raise ModelInputError("simulate: level must be between 0 and 1")
    params = dict(params or {})
    base = run_model(model, table, **params)
    sampler = _Sampler(table, draws, seed, spread, antithetic)
    fn = get_batch(model)
    samples: np.ndarray | None = None
    method = "vectorised"
    if fn is not None:
        try:
            # each block drawn and modelled by the same thread, while its inputs are in the CPU's cache
            samples = _run_blocks(fn, sampler.block, len(sampler.blocks), table, params, workers, engine)
        except BatchUnsupported:
            samples = None
    if samples is None:
        method = "per-draw"
        batch = sample_tables(
            table, draws=draws, seed=seed, spread=spread, workers=workers, antithetic=antithetic
        )
        tables = [batch.table(d, table) for d in range(draws)]
        n_workers = engine.workers if engine is not None else 1 if workers is None else _threads(workers)
        if n_workers == 1 or draws < 2 * n_workers:
            samples = _run_chunk((model, params, tables))
        else:
            chunks = [tables[k::n_workers] for k in range(n_workers)]
            jobs = [(model, params, c) for c in chunks]
            if engine is not None:
                parts = engine.map(_run_chunk, [(job,) for job in jobs])
            else:
                with ProcessPoolExecutor(max_workers=n_workers) as pool:
                    parts = list(pool.map(_run_chunk, jobs))
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
        antithetic=antithetic,
        samples=samples,
    )
