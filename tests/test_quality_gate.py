"""Quality gates (trafilatura-style): extraction on the annotated sets under ``../shared`` must stay at or
above the floors pinned in ``tests/quality_floors.json``; lowering one is a deliberate change that shows in
review. A missing ``../shared`` fails under CI (CI=true) and skips elsewhere.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from conftest import _missing
from zopa.evaluate import EvalOptions, EvalReport, evaluate

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GATES = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))["sets"]


@cache
def report_for(name: str) -> EvalReport:
    gate = GATES[name]
    path = SHARED / gate["path"]
    if not path.exists():
        _missing(f"annotated set {name!r} not found at {path} (the repository's ../shared)")
    codebook = ROOT / gate["codebook"] if "codebook" in gate else None
    options = EvalOptions(min_quote_words=gate.get("min_quote_words", 1))
    return evaluate(path, codebook=codebook, options=options)


def _cases(kind: str) -> list[tuple[str, str]]:
    return [(name, metric) for name, gate in GATES.items() for metric in sorted(gate.get(kind, {}))]


@pytest.mark.parametrize(("name", "metric"), _cases("floors"))
def test_metric_at_or_above_floor(name: str, metric: str) -> None:
    report = report_for(name)
    floor = GATES[name]["floors"][metric]
    assert report.figures()[metric] >= floor, (
        f"{name}: {metric} = {report.figures()[metric]:.3f} fell below its floor {floor}"
    )


@pytest.mark.parametrize(("name", "metric"), _cases("ceilings"))
def test_metric_at_or_below_ceiling(name: str, metric: str) -> None:
    report = report_for(name)
    taken = [q for a in report.articles for q in a.not_quotes_taken]
    assert report.figures()[metric] <= GATES[name]["ceilings"][metric], f"non-quotes taken as quotes: {taken}"


def test_seed_bar_is_not_below_issue_3() -> None:
    floors = GATES["seeds"]["floors"]
    assert floors["quotes.precision"] == floors["quotes.recall"] == 1.0
    assert floors["positions.recall"] >= 0.8 and floors["positions.precision"] >= 0.7
    assert GATES["seeds"]["ceilings"]["not_quotes_taken"] == 0


def test_required_event_counts_found() -> None:
    report = report_for("seeds")
    missed = {c for a in report.articles for c in a.missed["events"]}
    for count in GATES["seeds"]["required_event_counts"]:
        assert str(count) not in missed, f"event count {count} not found"
    assert report.overall["events"].tp >= len(GATES["seeds"]["required_event_counts"])
