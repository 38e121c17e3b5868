"""Everything the report's negotiation sections and the dashboard's negotiation page show, computed once:
``negotiation_view(db, codebook, ...)`` builds the negotiation from the stored evidence and answers every
question on it (the answer summary, the gap with every model's stored forecast, the zone of agreement, deals
and trades, the plan scorecard, "if talks fail", how positions moved). A question the stored evidence cannot
answer yet becomes a readable ``problems`` entry instead of an error. The report, the dashboard page and the
API (``/api/v1/negotiation``) all read this record, so they show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zopa.errors import ZopaError
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
from zopa.negotiation.scenario import Scenario, TalksFail, talks_fail
from zopa.negotiation.service import jsonable
from zopa.negotiation.summary import AnswerSummary, answer_summary
from zopa.negotiation.timeline import Timeline, build_timeline

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.store.db import Database

PARTS = ("summary", "gap", "zone", "deals", "plan", "talks_fail", "timeline")


@dataclass(frozen=True, slots=True, kw_only=True)
class NegotiationView:
    """Every answer about the negotiation; ``None`` where it is not available, with the reason in
    ``problems`` (part -> message)."""

    summary: AnswerSummary | None = None
    gap: GapReport | None = None
    zone: ZoneAnalysis | None = None
    deals: DealsAnalysis | None = None
    plan: PlanAnalysis | None = None
    talks_fail: TalksFail | None = None
    timeline: Timeline | None = None
    model: NegotiationModel | None = field(default=None, repr=False)
    options: dict[str, Any] = field(default_factory=dict)  # the analysis options (and their convention)
    problems: dict[str, str] = field(default_factory=dict)

    def part(self, name: str) -> dict[str, Any] | None:
        value = getattr(self, name)
        return None if value is None else dict(jsonable(value.as_dict()))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: self.part(name) for name in PARTS}
        out["options"] = dict(self.options)
        out["problems"] = dict(self.problems)
        return out


def negotiation_view(
    db: Database,
    codebook: Codebook,
    *,
    plan: Plan | None = None,
    scenario: Scenario | None = None,
    options: AnalysisOptions | None = None,
    build: BuildOptions | None = None,
    overrides: Overrides | None = None,
) -> NegotiationView:
    """Build the negotiation from the stored positions and answer each question the views show."""
    analysis = options or AnalysisOptions()
    problems: dict[str, str] = {}
    statements = load_statements(db)
    results: dict[str, Any] = {}

    def attempt(name: str, compute: Any) -> None:
        try:
            results[name] = compute()
        except ZopaError as exc:
            problems[name] = str(exc)

    attempt("summary", lambda: answer_summary(db, codebook, options=build))
    try:
        from zopa.corroborate import independent_sources

        model = build_negotiation(
            statements,
            codebook,
            options=build,
            overrides=overrides,
            sources=independent_sources(db, statements),
        )
    except ZopaError as exc:
        reason = f"the negotiation cannot be built from the stored evidence: {exc}"
        problems.update({p: reason for p in PARTS if p != "summary"})
        return NegotiationView(**results, options=analysis.as_dict(), problems=problems)
    attempt("gap", lambda: negotiation_gap(model, options=analysis, db=db))
    attempt("zone", lambda: negotiation_zone(model))
    attempt("deals", lambda: negotiation_deals(model, options=analysis))
    if plan is not None:
        attempt("plan", lambda: negotiation_plan(model, plan))
    else:
        problems["plan"] = "no plan to score: give one with --plan PLAN.yaml"
    if scenario is not None:
        attempt("talks_fail", lambda: talks_fail(model.modeled(), scenario))
    else:
        problems["talks_fail"] = "no scenario: give one with --scenario SCENARIO.yaml"
    attempt("timeline", lambda: build_timeline(statements, codebook, options=build))
    return NegotiationView(**results, model=model, options=analysis.as_dict(), problems=problems)
