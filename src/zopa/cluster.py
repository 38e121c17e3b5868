"""zopa's pure stages fanned out on a Ray cluster: extraction of articles, Monte Carlo draws.

Extraction is a pure function of (article, codebook) and a model run a pure function of (table, parameters,
seed), so both can run anywhere. :class:`RayEngine` is an :class:`zopa.pipeline.Engine`: this process (the
driver) reads the inputs and skips what is stored, the articles stream through Ray Data (``map_batches``
over a pool of ``workers`` actors, each of which loads the codebook and spaCy once, then computes each
article's fingerprint, key terms and evidence), and the results come back in input order to be written here
by at most ``writers`` threads, ``write_batch`` documents per transaction (each document whole or absent,
through :func:`zopa.pipeline.store_batch`, the store path of a local run). With one writer the database
holds exactly what a local run stores. :meth:`RayEngine.map` runs the blocks of Monte Carlo draws as Ray
tasks.

Ray is an optional extra (``pip install 'zopa[ray]'``); nothing else in zopa imports it. ``address``: None
starts Ray on this machine for the run (``workers`` CPUs at least); ``"auto"`` joins the cluster this
machine belongs to (``ray start --head`` or a node of it); ``"ray://HOST:10001"`` connects through Ray
Client. Workers need zopa installed at the same version (the same image, or ``runtime_env``).
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields, replace
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

from zopa.errors import ZopaError

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.pipeline import IngestOptions, InputProblem, Prepared
    from zopa.records import Article

T = TypeVar("T")
RAY_EXTRA = "ray"  # the extra that installs Ray (pyproject.toml)
# Articles read ahead of the workers: bounds the driver's memory; each window starts its actor pool (about
# 2 s of spaCy loading per actor, next to about 0.2 CPU-s of extraction per article).
DEFAULT_WINDOW = 4_000


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise ZopaError(
            "ray is not installed: it comes with zopa's 'ray' extras (extraction and Monte Carlo on a Ray "
            "cluster); run: .venv/bin/python -m pip install -e '.[ray]'"
        ) from None
    return ray


def connect(address: str | None, *, workers: int) -> Any:
    """The ``ray`` module, initialised once per process: started here (``address`` None) with at least
    ``workers`` CPUs, or joined at ``address``."""
    ray = _ray()
    if ray.is_initialized():
        return ray
    kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "logging_level": "warning"}
    if address is None:
        os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # a Ray started for one run serves only this run
        # Ray's core logs at error level that a restartable actor's arguments live in the object store:
        # true of every Ray Data actor pool, and not a fault (RAY_BACKEND_LOG_LEVEL=info shows it again)
        os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
        kwargs["num_cpus"] = max(workers, os.cpu_count() or 1)
    else:
        kwargs["address"] = address
    try:
        ray.init(**kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ZopaError(f"ray: cannot connect to {address or 'a local Ray'}: {exc}") from None
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    return ray


class _Preparer:
    """One Ray Data actor: the codebook and spaCy loaded once, then ``prepare_or_report`` per article."""

    def __init__(self, codebook: bytes, options: bytes) -> None:
        self.codebook = pickle.loads(codebook)
        self.options = pickle.loads(options)
        if self.codebook is not None:
            from zopa.extract._nlp import load_nlp

            load_nlp()

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        from zopa.pipeline import prepare_or_report

        out = [
            pickle.dumps(prepare_or_report(pickle.loads(blob), self.options, self.codebook))
            for blob in batch["article"]
        ]
        return {"prepared": np.array(out, dtype=object)}


def _portable(options: IngestOptions) -> IngestOptions:
    """The options without what only the driver can use (progress callback, fetcher, stdin, engine)."""
    local = {"progress", "fetcher", "stdin", "engine"}
    return replace(options, **{f.name: None for f in fields(options) if f.name in local})  # type: ignore[arg-type]


def _windows(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while window := list(islice(it, size)):
        yield window


@dataclass(frozen=True, slots=True, kw_only=True)
class RayEngine:
    """Extraction on Ray (a :class:`zopa.pipeline.Engine`) and Monte Carlo blocks as Ray tasks."""

    address: str | None = None  # None: Ray on this machine; "auto"; "ray://HOST:10001"
    workers: int = 2  # actors extracting at once (one CPU each); tasks at once for Monte Carlo
    batch_size: int = 4  # articles per call of an actor
    window: int = DEFAULT_WINDOW
    write_batch: int = 32  # documents per write transaction
    writers: int = 1

    def __post_init__(self) -> None:
        for name in ("workers", "batch_size", "window", "write_batch", "writers"):
            if getattr(self, name) < 1:
                raise ZopaError(f"ray: {name} must be 1 or more, not {getattr(self, name)}")

    def prepare(
        self, articles: Iterable[Article], options: IngestOptions, codebook: Codebook | None
    ) -> Iterator[Prepared | InputProblem]:
        """Each article's :class:`~zopa.pipeline.Prepared` (or problem), in input order."""
        ray = connect(self.address, workers=self.workers)
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # results in input order: the same ids as a local run
        constructor = {"codebook": pickle.dumps(codebook), "options": pickle.dumps(_portable(options))}
        for window in _windows(articles, self.window):
            dataset = ray.data.from_items([{"article": pickle.dumps(a)} for a in window])
            prepared = dataset.map_batches(
                _Preparer,
                fn_constructor_kwargs=constructor,
                batch_size=self.batch_size,
                compute=ray.data.ActorPoolStrategy(size=min(self.workers, len(window))),
                num_cpus=1,
                batch_format="numpy",
            )
            for batch in prepared.iter_batches(batch_size=None, batch_format="numpy"):
                for blob in batch["prepared"]:
                    yield pickle.loads(blob)

    def map(self, fn: Callable[..., T], jobs: Sequence[tuple[Any, ...]]) -> list[T]:
        """``fn(*job)`` for every job as Ray tasks (at most ``workers`` at once), the results in order."""
        ray = connect(self.address, workers=self.workers)
        remote = ray.remote(num_cpus=1)(fn)
        results: list[Any] = [None] * len(jobs)
        running: dict[Any, int] = {}
        queue = list(enumerate(jobs))
        while queue or running:
            while queue and len(running) < self.workers:
                k, job = queue.pop(0)
                running[remote.remote(*job)] = k
            done, _ = ray.wait(list(running), num_returns=1)
            for ref in done:
                results[running.pop(ref)] = ray.get(ref)
        return results
