"""``zopa backtest``: forecast from the news before a deal, score every model per issue against the deal,
beside the naive baseline (the mean of the parties' last stated points)."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zopa.cli import app
from zopa.codebook import load_codebook
from zopa.errors import InputError
from zopa.negotiation.analysis import AnalysisOptions
from zopa.negotiation.backtest import backtest, load_outcome
from zopa.store.db import open_db

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
BUS = EXAMPLES / "bus-strike"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "us-china-trade"
FAST = AnalysisOptions(models=("compromise.v1", "median.v1", "nash.v1"), draws=60, iterative_draws=0)

OUTCOME = (BUS / "outcome.yaml").read_text(encoding="utf-8")  # the mediator's proposal of 7 April


@pytest.fixture
def outcome_file(tmp_path: Path) -> Path:
    path = tmp_path / "outcome.yaml"
    path.write_text(OUTCOME, encoding="utf-8")
    return path


def test_backtest_scores_every_model_against_the_outcome_beside_the_baseline(
    outcome_file: Path, tmp_path: Path
) -> None:
    db = open_db(tmp_path / "bt.db")
    report = backtest(
        [BUS / "articles.jsonl"],
        until=date(2026, 3, 31),
        outcome=load_outcome(outcome_file),
        codebook=load_codebook(BUS / "codebook.yaml"),
        options=FAST,
        db=db,
    )
    # the mediator's proposal of 7 April is after the cut-off: only the first two articles count
    assert (report.articles, report.used, report.after, report.undated) == (3, 2, 1, 0)
    rows = {r.issue: r for r in report.rows}
    shifts = rows["shift-length"]
    assert shifts.outcome == 50 and set(shifts.forecasts) == {"compromise.v1", "median.v1", "nash.v1"}
    assert set(shifts.last_stated) == {"union", "company"}
    assert shifts.baseline == pytest.approx(sum(shifts.last_stated.values()) / 2)
    assert shifts.baseline_error == pytest.approx(abs(shifts.baseline - 50))
    for name, f in shifts.forecasts.items():
        assert f["error"] is None or f["error"] == pytest.approx(abs(f["value"] - 50)), name
    # before the cut-off only the company named a pay figure: the baseline has it, the models do not
    pay = rows["pay-rise"]
    assert not pay.forecasts
    assert pay.note == "not modeled: only company states a position on it before 2026-03-31"
    assert pay.baseline == pay.last_stated["company"]
    # each model's mean error over the issues it forecast, and the baseline's on the same issues
    for s in report.scores:
        errors = [
            rows[i].forecasts[s.model]["error"]
            for i in rows
            if rows[i].forecasts.get(s.model, {}).get("error") is not None
        ]
        assert s.issues == len(errors)
        assert s.mae == (pytest.approx(sum(errors) / len(errors)) if errors else None)  # nash: no agreement
        pairs = [
            (rows[i].forecasts[s.model]["error"], rows[i].baseline_error)
            for i in rows
            if rows[i].forecasts.get(s.model, {}).get("error") is not None
            and rows[i].baseline_error is not None
        ]
        assert (s.compared, s.wins) == (len(pairs), sum(1 for e, b in pairs if e < b))
    winners = [s.model for s in report.scores if s.beats_baseline]
    assert (report.verdict.startswith("nothing beats the baseline")) == (not winners)
    if winners:  # the verdict names the closest model that beats the baseline
        best = min((s for s in report.scores if s.beats_baseline), key=lambda s: s.mae)
        assert report.verdict.startswith(f"{best.model} is closest: mean error {best.mae:.1f}")
    assert report.verdict.endswith("outcome issues forecast: too few to rank the models)")  # 2 of 3
    json.dumps(report.as_dict(), allow_nan=False)


def test_the_cli_prints_per_model_errors_and_the_verdict(outcome_file: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["backtest", str(BUS / "articles.jsonl"), "--until", "2026-03-31", "--outcome", str(outcome_file),
         "--codebook", str(BUS / "codebook.yaml"), "--models", "compromise.v1,median.v1", "--draws", "50"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "2 of 3 articles (1 later, 0 undated, left out)" in flat
    assert "mean absolute error over the outcome issues" in flat and "compromise.v1" in flat
    # the verdict: the closest model that beats the baseline, or that nothing does
    assert "is closest: mean error" in flat or "nothing beats the baseline" in flat
    assert "closer on" in flat  # how many issues each model is closer on than the baseline


def test_outcome_files_are_validated_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "o.yaml"
    path.write_text(
        OUTCOME.replace('value: 50\n    sentence: "The city', 'value: 150\n    sentence: "The city')
    )
    with pytest.raises(
        InputError, match=r"o\.yaml:11:5: field outcome\.pay-rise\.value: Input should be less"
    ):
        load_outcome(path)
    path.write_text(OUTCOME.replace("    article: articles.jsonl#3\n", "", 1))
    missing = r"o\.yaml:\d+:\d+: field outcome\.pay-rise\.article: missing \(it is required\)"
    with pytest.raises(InputError, match=missing):
        load_outcome(path)
    path.write_text(OUTCOME.replace("job-security:", "pensions:"))
    with pytest.raises(InputError, match=r"outcome\.pensions: not an issue of codebook 'marrow-bus-dispute'"):
        backtest([BUS / "articles.jsonl"], until=date(2026, 3, 31), outcome=load_outcome(path),
                 codebook=load_codebook(BUS / "codebook.yaml"), options=FAST)  # fmt: skip


def test_the_shipped_us_china_outcome_quotes_its_articles() -> None:
    if not CORPUS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CORPUS} is missing")
        pytest.skip(f"{CORPUS} is missing")
    outcome = load_outcome(EXAMPLES / "us-china-busan-2025-outcome.yaml")
    assert outcome.codebook == "us-china-trade" and len(outcome.issues) >= 5
    for issue, spec in outcome.issues.items():
        text = (CORPUS / "articles" / spec["article"]).read_text(encoding="utf-8")
        assert spec["sentence"] in text, issue
