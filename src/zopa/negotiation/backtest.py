"""Backtest: forecast a negotiation from the news published before a deal, and score every model against the
deal that followed.

``backtest(paths, until=DATE, outcome=OUTCOME, codebook=...)``:

1. analyses the articles (into a temporary database, or ``db``), and keeps the statements of the articles
   published up to ``until`` (undated articles are left out: nothing shows they came before the deal);
2. builds the negotiation from them as of ``until`` (time decay counted back from that day) and runs every
   model on it (:mod:`zopa.negotiation.forecasts`: the forecast is the median of the Monte Carlo draws);
3. scores each model's forecast per issue against the outcome (absolute error on the 0-100 scale) beside a
   naive **baseline**: the mean over the parties of each party's last stated point on the issue (its newest
   ``demand``, ``offer``, ``accept`` or ``statement`` with a value, up to ``until``);
4. per model, the mean absolute error over the outcome issues it forecast, beside the baseline's on the same
   issues; the verdict says plainly when no model beats the baseline.

The outcome is a YAML file (validated with pydantic, errors with line and column)::

    name: U.S.-China arrangement announced after the Busan meeting
    date: 2025-10-30
    codebook: us-china-trade          # optional: the codebook whose issues and scales the values use
    source: the corpus's own reports of the terms
    outcome:
      fentanyl:
        value: 50                     # on the issue's 0-100 scale
        sentence: "The U.S. will cut a 20% additional tariff ... to 10%, ..."   # the report of the figure
        article: t09.txt              # where the sentence is
        note: 20% -> 10% (anchor 50 = a 10% fentanyl tariff)
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from zopa.errors import InputError, ModelInputError
from zopa.negotiation.build import build_negotiation
from zopa.negotiation.evidence import StatementRow, load_statements
from zopa.negotiation.forecasts import AnalysisOptions, IssueForecast, forecast_table
from zopa.negotiation.records import POSITION_STANCES, BuildOptions
from zopa.records import _Record
from zopa.yamlfile import InputModel, load_yaml_model

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.store.db import Database


class OutcomeIssue(InputModel):
    value: float = Field(ge=0, le=100)
    sentence: str = Field(min_length=1)  # the articles' own report of the figure
    article: str = Field(min_length=1)  # the article it is in (file name or URL)
    note: str = ""


class OutcomeFile(InputModel):
    name: str = Field(min_length=1)
    date: date
    codebook: str | None = None
    source: str = ""
    outcome: dict[str, OutcomeIssue] = Field(min_length=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome(_Record):
    """What was agreed: a value per issue, each with the sentence that reports it."""

    name: str
    date: date
    codebook: str | None
    source: str
    issues: dict[str, dict[str, Any]]  # issue -> value, sentence, article, note
    path: str | None = None


def load_outcome(path: str | Path) -> Outcome:
    """Read an outcome file (see the module docstring)."""
    f = load_yaml_model(path, OutcomeFile, what="outcome")
    return Outcome(
        name=f.name,
        date=f.date,
        codebook=f.codebook,
        source=f.source,
        issues={k: v.model_dump() for k, v in f.outcome.items()},
        path=str(path),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class BacktestRow(_Record):
    """One outcome issue: what was agreed, the baseline and each model's forecast, with their errors."""

    issue: str
    outcome: float
    sentence: str
    article: str
    baseline: float | None
    baseline_error: float | None
    last_stated: dict[str, float]  # party -> its last stated point before the cut-off
    forecasts: dict[str, dict[str, Any]]  # model -> value, error, text (the forecast in words)
    note: str = ""  # why models have no forecast here


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelScore(_Record):
    model: str
    issues: int  # outcome issues it forecast
    mae: float | None
    baseline_mae: float | None  # the baseline's on the same issues
    beats_baseline: bool  # lower mean error than the baseline's on the same issues
    wins: int = 0  # issues where it is closer to the outcome than the baseline
    compared: int = 0  # issues where both it and the baseline have a value


@dataclass(frozen=True, slots=True, kw_only=True)
class BacktestReport(_Record):
    outcome: str
    outcome_date: str
    until: str
    articles: int
    used: int  # published on or before `until`
    after: int  # published after it: left out
    undated: int  # no date: left out
    statements: int
    rows: tuple[BacktestRow, ...]
    scores: tuple[ModelScore, ...]
    baseline_mae: float | None  # over every issue the baseline covers
    verdict: str
    options: dict[str, Any] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


def backtest(
    paths: Sequence[str | Path],
    *,
    until: date,
    outcome: Outcome,
    codebook: Codebook,
    options: AnalysisOptions | None = None,
    build: BuildOptions | None = None,
    db: Database | None = None,
) -> BacktestReport:
    """Forecast from the articles published up to ``until`` and score against ``outcome`` (see the module
    docstring). ``db``: a database to analyse into and keep (default: a temporary one)."""
    unknown = [i for i in outcome.issues if i not in codebook.issue_by_id]
    if unknown:
        raise InputError(
            outcome.path or outcome.name,
            f"outcome.{unknown[0]}: not an issue of codebook {codebook.name!r}",
        )
    if outcome.codebook and outcome.codebook != codebook.name:
        raise InputError(
            outcome.path or outcome.name,
            f"the outcome is written for codebook {outcome.codebook!r}, not {codebook.name!r}",
        )
    if db is not None:
        return _run(paths, until, outcome, codebook, options or AnalysisOptions(), build, db)
    from zopa.store.db import open_db

    with (
        tempfile.TemporaryDirectory(prefix="zopa-backtest-") as tmp,
        open_db(Path(tmp) / "backtest.db") as temp_db,
    ):
        return _run(paths, until, outcome, codebook, options or AnalysisOptions(), build, temp_db)


def _run(
    paths: Sequence[str | Path],
    until: date,
    outcome: Outcome,
    codebook: Codebook,
    options: AnalysisOptions,
    build: BuildOptions | None,
    db: Database,
) -> BacktestReport:
    from zopa.corroborate import independent_sources
    from zopa.pipeline import analyze
    from zopa.store.queries import listing
    from zopa.store.rows import DocumentRow

    report = analyze([str(p) for p in paths], db, codebook=codebook)
    problems = tuple(f"{e.source}: {e.problem}" for e in report.errors)
    cutoff = datetime.combine(until, time.max)
    docs = listing(db, DocumentRow).items
    used = sum(1 for d in docs if d.published is not None and d.published <= cutoff)
    after = sum(1 for d in docs if d.published is not None and d.published > cutoff)
    undated = sum(1 for d in docs if d.published is None)
    rows = load_statements(db, until=cutoff)
    opts = replace(build, as_of=until) if build is not None else BuildOptions(as_of=until)
    model = build_negotiation(rows, codebook, options=opts, sources=independent_sources(db, rows))
    try:
        table = model.modeled()
        forecasts = forecast_table(table, options, db=db)
    except ModelInputError as exc:
        table, forecasts = None, {}
        problems += (f"no model can run: {exc}",)
    model_names = sorted({m for per in forecasts.values() for m in per})
    out_rows = []
    for iid, spec in outcome.issues.items():
        actual = float(spec["value"])
        last = last_stated(rows, iid, parties={a.id for a in codebook.parties()})
        base = sum(last.values()) / len(last) if last else None
        per_model: dict[str, dict[str, Any]] = {}
        note = ""
        if iid in forecasts:
            for name, f in forecasts[iid].items():
                per_model[name] = _scored(f, actual)
        else:
            inv = model.table.involved()
            parties = [
                model.table.actors[a]
                for a in range(model.table.n_actors)
                if iid in model.table.issue_ids and inv[a, model.table.issue_ids.index(iid)]
            ]
            note = (
                f"not modeled: only {parties[0]} states a position on it before {until}"
                if len(parties) == 1
                else f"not modeled: no party states a position on it on the scale before {until}"
            )
        out_rows.append(
            BacktestRow(
                issue=iid,
                outcome=actual,
                sentence=str(spec["sentence"]),
                article=str(spec["article"]),
                baseline=base,
                baseline_error=None if base is None else abs(base - actual),
                last_stated=last,
                forecasts=per_model,
                note=note,
            )
        )
    scores = tuple(_score(name, out_rows) for name in model_names)
    covered = [r.baseline_error for r in out_rows if r.baseline_error is not None]
    return BacktestReport(
        outcome=outcome.name,
        outcome_date=outcome.date.isoformat(),
        until=until.isoformat(),
        articles=len(docs),
        used=used,
        after=after,
        undated=undated,
        statements=len(rows),
        rows=tuple(out_rows),
        scores=scores,
        baseline_mae=sum(covered) / len(covered) if covered else None,
        verdict=_verdict(scores, out_rows, until),
        options=options.as_dict(),
        problems=problems,
    )


def last_stated(rows: list[StatementRow], issue: str, *, parties: set[str]) -> dict[str, float]:
    """Each party's newest stated point on ``issue`` (a position statement with a value)."""
    out: dict[str, tuple[datetime, int, float]] = {}
    for r in rows:
        p = r.position
        if p.issue != issue or p.actor not in parties or p.stance not in POSITION_STANCES or p.value is None:
            continue
        key = (r.published or datetime.min, r.id or 0, float(p.value))
        if p.actor not in out or key[:2] > out[p.actor][:2]:
            out[p.actor] = key
    return {actor: v for actor, (_, _, v) in sorted(out.items())}


def _scored(f: IssueForecast, actual: float) -> dict[str, Any]:
    return {
        "value": f.value,
        "error": None if f.value is None else abs(f.value - actual),
        "text": f.text(),
    }


def _score(name: str, rows: list[BacktestRow]) -> ModelScore:
    pairs = [
        (r.forecasts[name]["error"], r.baseline_error)
        for r in rows
        if name in r.forecasts and r.forecasts[name]["error"] is not None
    ]
    mae = sum(e for e, _ in pairs) / len(pairs) if pairs else None
    same = [(e, b) for e, b in pairs if b is not None]
    base = sum(b for _, b in same) / len(same) if same else None
    model_same = sum(e for e, _ in same) / len(same) if same else None
    return ModelScore(
        model=name,
        issues=len(pairs),
        mae=mae,
        baseline_mae=base,
        beats_baseline=model_same is not None and base is not None and model_same < base - 1e-9,
        wins=sum(1 for e, b in same if e < b - 1e-9),
        compared=len(same),
    )


# fewer outcome issues than this: a backtest shows the machinery works, it cannot rank the models
FEW_ISSUES = 5


def _verdict(scores: tuple[ModelScore, ...], rows: list[BacktestRow], until: date) -> str:
    scored = [s for s in scores if s.issues]
    if not scored:
        missing = sum(1 for r in rows if not r.forecasts)
        return (
            f"no model could forecast any of the {len(rows)} outcome issues from the articles up to {until} "
            f"({missing} not modeled: too few parties with a position on the scale); nothing to compare with "
            "the baseline"
        )
    forecast = sum(1 for r in rows if any(f.get("error") is not None for f in r.forecasts.values()))
    winners = sorted((s for s in scored if s.beats_baseline), key=lambda s: (s.mae or 0.0, s.model))
    if not winners:
        text = "nothing beats the baseline (the mean of the parties' last stated points) on the issues scored"
    else:
        best = winners[0]
        text = (
            f"{best.model} is closest: mean error {best.mae:.1f} against the baseline's "
            f"{best.baseline_mae:.1f} on the same {best.compared} issue{'s' if best.compared != 1 else ''}, "
            f"closer than the baseline on {best.wins} of them"
        )
        others = [s.model for s in winners[1:]]
        if others:
            text += f"; {', '.join(others)} beat{'s' if len(others) == 1 else ''} the baseline too"
    text += f" ({forecast} of {len(rows)} outcome issues forecast"
    if forecast < FEW_ISSUES:
        text += ": too few to rank the models"
    return text + ")"
