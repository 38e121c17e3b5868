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
from zopa.models.registry import BatchFn, ModelResult, batch_output, get_batch, get_model, plain
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
    # issue -> reason -> number of draws the model could not be run on that issue (those draws are NaN in
    # ``samples`` and left out of the median and interval)
    failed: dict[str, dict[str, int]] = field(default_factory=dict)
    samples: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 0)))  # (draws, issues)
    # (draws,) whether each draw reached an agreement, for a model that can end without one (Nash
    # bargaining: the forecast of a draw without one is the disagreement point); None for other models
    agreement: np.ndarray | None = field(repr=False, default=None)

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
                    "failed",
                )
            }
            | {"no_agreement": None if self.agreement is None else int((~self.agreement).sum())}
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
) -> tuple[np.ndarray, np.ndarray | None]:
    """``fn`` on ``block(k)`` for every block, in ``workers`` threads (None or 0: all cores; NumPy and the
    compiled kernels release the GIL) or on ``engine``: the forecasts in block order, and the agreement flags
    where the model gives them."""

    def one(k: int) -> tuple[np.ndarray, np.ndarray | None]:
        return batch_output(fn(block(k), table, **params))

    parts = _in_threads(one, [(k,) for k in range(n_blocks)], workers, engine)
    forecasts = parts[0][0] if len(parts) == 1 else np.concatenate([p[0] for p in parts])
    flags = [p[1] for p in parts]
    if any(f is None for f in flags):
        return forecasts, None
    return forecasts, flags[0] if len(flags) == 1 else np.concatenate(flags)  # type: ignore[arg-type]


def run_batch(
    fn: BatchFn, batch: TableBatch, table: Negotiation, params: Mapping[str, Any], workers: int | None = None
) -> np.ndarray:
    """A vectorised model over every draw of ``batch``, block by block (:data:`BLOCK` draws each, small enough
    to stay in the CPU's cache) in ``workers`` threads (None or 0: all cores)."""
    blocks = _blocks(batch.n_draws)
    return _run_blocks(fn, lambda k: _block(batch, *blocks[k]), len(blocks), table, params, workers)[0]


@dataclass(frozen=True, slots=True)
class _Drawn:
    """Draw-by-draw results: forecasts (NaN where a draw could not be run on an issue), agreement flags
    (True where the model has no notion of agreement) and the reasons draws failed, per issue."""

    forecast: np.ndarray
    agreement: np.ndarray
    failures: list[tuple[int, str, str]]  # (draw, issue, reason)
    has_agreement: bool


def run_one(name: str, params: Mapping[str, Any], table: Negotiation) -> tuple[ModelResult, dict[str, str]]:
    """One run of a model on a table, issue by issue where it must: a failure confined to one issue
    (``ModelInputError.issue``) drops that issue and runs the others. Returns the result (its forecast
    without the dropped issues) and, per dropped issue, why."""
    dropped: dict[str, str] = {}
    current = table
    while True:
        try:
            res = get_model(name)(current.validate(), **params)
        except ModelInputError as exc:
            if exc.issue is None or exc.issue not in current.issue_ids or exc.issue in dropped:
                raise
            dropped[exc.issue] = str(exc)
            keep = [i for i in current.issue_ids if i != exc.issue]
            if not keep:
                raise
            current = current.select(issues=keep)
            continue
        return res, dropped


def _run_chunk(args: tuple[str, dict[str, Any], list[Negotiation], int]) -> _Drawn:
    name, params, tables, first = args
    ids = tables[0].issue_ids if tables else ()
    out = np.full((len(tables), len(ids)), np.nan)
    agreement = np.ones(len(tables), dtype=bool)
    failures: list[tuple[int, str, str]] = []
    has_agreement = False
    for d, t in enumerate(tables):
        try:
            res, dropped = run_one(name, params, t)
        except ModelInputError as exc:
            failures += [(first + d, iid, str(exc)) for iid in ids]
            continue
        failures += [(first + d, iid, why) for iid, why in dropped.items()]
        out[d] = [res.forecast.get(iid, np.nan) for iid in ids]
        agreed = res.diagnostics.get("agreement")
        if agreed is not None:
            has_agreement = True
            agreement[d] = agreed
    return _Drawn(forecast=out, agreement=agreement, failures=failures, has_agreement=has_agreement)


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
    base, _ = run_one(model, params, table)
    sampler = _Sampler(table, draws, seed, spread, antithetic)
    fn = get_batch(model)
    samples: np.ndarray | None = None
    agreement: np.ndarray | None = None
    failures: list[tuple[int, str, str]] = []
    method = "vectorised"
    if fn is not None:
        try:
            # each block drawn and modelled by the same thread, while its inputs are in the CPU's cache
            samples, agreement = _run_blocks(
                fn, sampler.block, len(sampler.blocks), table, params, workers, engine
            )
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
            parts = [_run_chunk((model, params, tables, 0))]
        else:
            size = -(-draws // n_workers)
            chunks = [(model, params, tables[a : a + size], a) for a in range(0, draws, size)]
            if engine is not None:
                parts = engine.map(_run_chunk, [(chunk,) for chunk in chunks])
            else:
                with ProcessPoolExecutor(max_workers=n_workers) as pool:
                    parts = list(pool.map(_run_chunk, chunks))
        samples = np.concatenate([p.forecast for p in parts])
        agreement = (
            np.concatenate([p.agreement for p in parts]) if any(p.has_agreement for p in parts) else None
        )
        failures = [f for p in parts for f in p.failures]
    q = (1 - level) / 2
    ids = table.issue_ids
    ran = ~np.isnan(samples)
    with np.errstate(all="ignore"):
        stats = [
            np.quantile(samples[ran[:, i], i], [q, 0.5, 1 - q]) if ran[:, i].any() else np.full(3, np.nan)
            for i in range(len(ids))
        ]
    lo_q, med, hi_q = (np.array([st[k] for st in stats]) for k in range(3))
    failed: dict[str, dict[str, int]] = {}
    for _, iid, why in failures:
        by_reason = failed.setdefault(iid, {})
        by_reason[why] = by_reason.get(why, 0) + 1

    ids_k = range(len(ids))

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
        point={iid: float(base.forecast.get(iid, np.nan)) for iid in table.issue_ids},
        median=d(med),
        lo=d(lo_q),
        hi=d(hi_q),
        mean=d(np.array([samples[ran[:, i], i].mean() if ran[:, i].any() else np.nan for i in ids_k])),
        method=method,
        antithetic=antithetic,
        failed=failed,
        samples=samples,
        agreement=agreement,
    )
