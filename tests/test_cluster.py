"""Engines: batched writes (several documents per transaction, each in its own savepoint) store exactly what
the local run (one transaction per window of articles) stores; extraction and Monte Carlo on Ray give the
same results as the local run. The Ray tests skip when Ray is not installed, except under CI=true
(``.ci/run`` installs the 'ray' extra), where they fail."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from zopa.codebook import Codebook, default_codebook_path, load_codebook
from zopa.models.montecarlo import simulate
from zopa.models.readers import read_negotiation
from zopa.pipeline import AnalyzeOptions, IngestOptions, InputProblem, LocalEngine, Prepared, analyze
from zopa.records import Article
from zopa.store.db import open_db
from zopa.store.export import export_all
from zopa.store.summaries import stats

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "negotiation.yaml"
ARTICLES = 14  # of the polnear training set: enough for stories and several write batches, quick on Ray


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("CI=true but ray is not installed (scripts/test.sh installs the 'ray' extra)")
        pytest.skip("ray is not installed (pip install -e '.[ray]')")
    return ray


@pytest.fixture(scope="module")
def articles(benchmarks_dir: Path) -> list[Path]:
    """The first polnear training articles, and the first one again under another name (a duplicate,
    stored once whatever the engine), named file by file."""
    files = sorted((benchmarks_dir / "polnear" / "train" / "articles").glob("*.txt"))[:ARTICLES]
    return [*files, files[0]]


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_codebook(default_codebook_path())


def _exported(url: str) -> dict[str, Any]:
    """The export, without the times of writing (``ingested_at``, ``run_at``), which differ between runs."""
    with open_db(url) as db:
        out = export_all(db)
    for doc in out["documents"]:
        doc.pop("ingested_at")
    return out


class _Batched(LocalEngine):
    """In this process, but several documents per transaction (the write path of the Ray engine)."""

    write_batch = 4


def test_batched_writes_store_what_the_local_run_stores(
    articles: list[Path], codebook: Codebook, db_url: str, tmp_path: Path
) -> None:
    local_url = str(tmp_path / "local.db")
    with open_db(local_url) as db:
        local = analyze(articles, db, codebook=codebook)
    with open_db(db_url) as db:
        batched = analyze(articles, db, codebook=codebook, options=AnalyzeOptions(engine=_Batched()))
        again = analyze(articles, db, codebook=codebook, options=AnalyzeOptions(engine=_Batched()))
        assert stats(db) == batched.stats
    assert batched.ok and local.ok
    assert [o.status for o in batched.ingest.documents] == [o.status for o in local.ingest.documents]
    assert batched.extract.counts == local.extract.counts and sum(local.extract.counts.values()) > 50
    assert again.ingest.added == () and len(again.ingest.duplicates) == ARTICLES + 1
    assert _exported(db_url) == _exported(local_url)


class _Failing(LocalEngine):
    """Batches of three, where the second article of the run cannot be stored (a bug on that article)."""

    write_batch = 3

    def prepare(
        self, articles: Iterable[Article], options: IngestOptions, codebook: Codebook | None
    ) -> Iterator[Prepared | InputProblem]:
        for n, item in enumerate(super().prepare(articles, options, codebook)):
            if n == 1 and isinstance(item, Prepared):
                item = Prepared(article=item.article, fingerprint=item.fingerprint, terms={"x" * 10: None})  # type: ignore[dict-item]
            yield item


def test_a_bad_article_in_a_batch_rolls_back_only_itself(
    articles: list[Path], codebook: Codebook, sqlite_url: str
) -> None:
    with open_db(sqlite_url) as db:
        report = analyze(articles, db, codebook=codebook, options=AnalyzeOptions(engine=_Failing()))
        assert len(report.ingest.errors) == 1 and "cannot be stored" in report.ingest.errors[0].problem
        assert report.stats.documents == ARTICLES - 1  # the copy is a duplicate; the bad one is absent
        export = export_all(db)
    bad = report.ingest.errors[0].source
    assert bad not in {d["source"] for d in export["documents"]}
    assert all(p["source"] != bad for p in export["positions"])


class _Unreadable(LocalEngine):
    """The local engine, where one named article cannot be prepared (an input problem inside a window)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def prepare(
        self, articles: Iterable[Article], options: IngestOptions, codebook: Codebook | None
    ) -> Iterator[Prepared | InputProblem]:
        for item in super().prepare(articles, options, codebook):
            if isinstance(item, Prepared) and item.article.source == self.source:
                yield InputProblem(source=self.source, problem="cannot be read (this test)")
            else:
                yield item


def test_a_problem_inside_a_write_batch_keeps_each_outcome_in_its_input_place(
    articles: list[Path], codebook: Codebook, sqlite_url: str
) -> None:
    first, stored, bad, *rest = (str(p) for p in articles[:6])
    with open_db(sqlite_url) as db:
        analyze([stored], db, codebook=codebook)
        options = AnalyzeOptions(engine=_Unreadable(bad))
        report = analyze([first, stored, bad, *rest], db, codebook=codebook, options=options)
    # written in one batch after the problem: the outcomes still follow the inputs (the stored one second)
    assert [o.source for o in report.ingest.documents] == [first, stored, *rest]
    assert [o.status for o in report.ingest.documents][:2] == ["added", "duplicate"]
    assert [e.source for e in report.ingest.errors] == [bad]


def test_extraction_on_ray_stores_what_the_local_run_stores(
    articles: list[Path], codebook: Codebook, tmp_path: Path
) -> None:
    _ray()
    from zopa.cluster import RayEngine

    local_url, ray_url = str(tmp_path / "local.db"), str(tmp_path / "ray.db")
    with open_db(local_url) as db:
        local = analyze(articles, db, codebook=codebook)
    engine = RayEngine(workers=2, window=8, write_batch=5)  # two windows, several batches
    with open_db(ray_url) as db:
        on_ray = analyze(articles, db, codebook=codebook, options=AnalyzeOptions(engine=engine))
    assert on_ray.ok and on_ray.extract.counts == local.extract.counts
    assert _exported(ray_url) == _exported(local_url)


def test_monte_carlo_on_ray_gives_the_local_draws() -> None:
    _ray()
    from zopa.cluster import RayEngine

    table = read_negotiation(EXAMPLE)
    engine = RayEngine(workers=2)
    for model, draws in (("compromise.v1", 1_500), ("bdm.v1", 40)):  # vectorised blocks; draw by draw
        local = simulate(table, model, draws=draws, seed=3)
        remote = simulate(table, model, draws=draws, seed=3, engine=engine)
        assert np.array_equal(local.samples, remote.samples), model
        assert remote.median == local.median
