"""One call per question, from a database: what the CLI, the web app and the report call.

Each function loads the stored statements (:func:`~zopa.negotiation.evidence.load_statements`), builds the
negotiation (:func:`~zopa.negotiation.build.build_negotiation`) and answers one question with a typed record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zopa.negotiation.analysis import (
    AnalysisOptions,
    DealsAnalysis,
    GapReport,
    Plan,
    PlanAnalysis,
    ZoneAnalysis,
    negotiation_deals,
    negotiation_gap,
    negotiation_plan,
    negotiation_zone,
)
from zopa.negotiation.build import build_negotiation
from zopa.negotiation.evidence import load_statements
from zopa.negotiation.overrides import Overrides
from zopa.negotiation.records import BuildOptions, NegotiationModel
from zopa.negotiation.scenario import Scenario, ScenarioReport, run_scenario
from zopa.negotiation.timeline import Timeline, build_timeline

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.store.db import Database


@dataclass(frozen=True, slots=True, kw_only=True)
class NegotiationSource:
    """Where a negotiation comes from: the database, the codebook, the build options and the overrides."""

    db: Database
    codebook: Codebook
    options: BuildOptions = field(default_factory=BuildOptions)
    overrides: Overrides | None = None

    def build(self) -> NegotiationModel:
        from zopa.corroborate import independent_sources

        rows = load_statements(self.db)
        return build_negotiation(
            rows,
            self.codebook,
            options=self.options,
            overrides=self.overrides,
            sources=independent_sources(self.db, rows),
        )


def build_from_db(source: NegotiationSource) -> NegotiationModel:
    """``zopa negotiation build``: the table, every value with its source."""
    return source.build()


def gap_from_db(source: NegotiationSource, *, options: AnalysisOptions | None = None) -> GapReport:
    """``zopa negotiation gap``."""
    return negotiation_gap(source.build(), options=options, db=source.db)


def zone_from_db(source: NegotiationSource) -> ZoneAnalysis:
    """``zopa negotiation zopa``."""
    return negotiation_zone(source.build())


def deals_from_db(source: NegotiationSource, *, options: AnalysisOptions | None = None) -> DealsAnalysis:
    """``zopa negotiation deals``."""
    return negotiation_deals(source.build(), options=options)


def plan_from_db(source: NegotiationSource, plan: Plan, *, temperature: float = 0.05) -> PlanAnalysis:
    """``zopa negotiation plan PLAN.yaml``."""
    return negotiation_plan(source.build(), plan, temperature=temperature)


def scenario_from_db(
    source: NegotiationSource,
    scenario: Scenario,
    *,
    plan: Plan | None = None,
    options: AnalysisOptions | None = None,
) -> ScenarioReport:
    """``zopa negotiation scenario``: "if talks fail" over time, and the scenario's what-if runs."""
    return run_scenario(source.build(), scenario, plan=plan, options=options)


def timeline_from_db(
    source: NegotiationSource,
    *,
    actor: str | None = None,
    issue: str | None = None,
    move_threshold: float = 5.0,
) -> Timeline:
    """``zopa negotiation timeline``."""
    return build_timeline(
        load_statements(source.db),
        source.codebook,
        options=source.options,
        actor=actor,
        issue=issue,
        move_threshold=move_threshold,
    )


def jsonable(data: Any) -> Any:
    """A copy with NaN and infinities as None (JSON has neither), tuples as lists."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {str(k): jsonable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [jsonable(v) for v in data]
    return data
