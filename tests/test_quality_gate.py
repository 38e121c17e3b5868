"""Quality gate (trafilatura-style): extraction on the annotated seeds must stay at or above pinned floors.

The floors live in ``tests/quality_floors.json``; lowering one is a deliberate change that shows in review.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zopa.evaluate import EvalReport, evaluate

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_eval(seeds_dir: Path) -> EvalReport:
    gold = seeds_dir / "gold.yaml"
    if not gold.is_file():
        pytest.skip(f"seed annotations not found at {gold} (the repository's ../shared/seeds)")
    return evaluate(gold)


@pytest.mark.parametrize("metric", sorted(FLOORS["floors"]))
def test_metric_at_or_above_floor(seed_eval: EvalReport, metric: str) -> None:
    figures = seed_eval.figures()
    assert figures[metric] >= FLOORS["floors"][metric], (
        f"{metric} = {figures[metric]:.3f} fell below its floor {FLOORS['floors'][metric]} "
        f"(missed: {[a.missed for a in seed_eval.articles]})"
    )


@pytest.mark.parametrize("metric", sorted(FLOORS["ceilings"]))
def test_metric_at_or_below_ceiling(seed_eval: EvalReport, metric: str) -> None:
    taken = [q for a in seed_eval.articles for q in a.not_quotes_taken]
    assert seed_eval.figures()[metric] <= FLOORS["ceilings"][metric], f"non-quotes taken as quotes: {taken}"


def test_issue_bar_is_not_below_the_pinned_floors() -> None:
    floors = FLOORS["floors"]
    assert floors["quotes.precision"] == floors["quotes.recall"] == 1.0
    assert floors["positions.recall"] >= 0.8 and floors["positions.precision"] >= 0.7
    assert FLOORS["ceilings"]["not_quotes_taken"] == 0


def test_required_event_counts_found(seed_eval: EvalReport) -> None:
    missed = {c for a in seed_eval.articles for c in a.missed["events"]}
    for count in FLOORS["required_event_counts"]:
        assert str(count) not in missed, f"event count {count} not found"
    assert seed_eval.overall["events"].tp >= len(FLOORS["required_event_counts"])
