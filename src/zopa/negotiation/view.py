"""Everything the report's negotiation sections and the dashboard's negotiation page show, computed once:
``negotiation_view(db, codebook, ...)`` builds the negotiation from the stored evidence and answers every
question on it (the answer summary, the gap with every model's stored forecast, the zone of agreement, deals
and trades, the plan scorecard, "if talks fail", how positions moved). A question the stored evidence cannot
answer yet becomes a readable ``problems`` entry instead of an error. The report, the dashboard page and the
API (``/api/v1/negotiation``) all read this record, so they show the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
from zopa.negotiation.evidence import StatementRow, load_statements
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
    answers = negotiation_answers(db, codebook, options=options, build=build, overrides=overrides)
    return with_plan_and_scenario(answers, plan=plan, scenario=scenario)


def negotiation_answers(
    db: Database,
    codebook: Codebook,
    *,
    options: AnalysisOptions | None = None,
    build: BuildOptions | None = None,
    overrides: Overrides | None = None,
    statements: list[StatementRow] | None = None,
    sources: Mapping[int, str] | None = None,
) -> NegotiationView:
    """Every answer that depends on the stored evidence alone (not the plan, not the scenario): what
    :mod:`zopa.kept_views` keeps in the database; :func:`with_plan_and_scenario` completes it. The stored
    ``statements`` and their independent ``sources`` are read and computed when not given."""
    from zopa.corroborate import independent_sources

    analysis = options or AnalysisOptions()
    problems: dict[str, str] = {}
    statements = load_statements(db) if statements is None else statements
    sources = independent_sources(db, statements) if sources is None else sources
    results: dict[str, Any] = {}

    def attempt(name: str, compute: Any) -> None:
        try:
            results[name] = compute()
        except ZopaError as exc:
            problems[name] = str(exc)

    try:
        model = build_negotiation(statements, codebook, options=build, overrides=overrides, sources=sources)
    except ZopaError as exc:
        reason = f"the negotiation cannot be built from the stored evidence: {exc}"
        attempt(
            "summary", lambda: answer_summary(db, codebook, options=build, rows=statements, sources=sources)
        )
        problems.update({p: reason for p in PARTS if p != "summary"})
        return NegotiationView(**results, options=analysis.as_dict(), problems=_ordered(problems))
    whole = model if overrides is None else None  # the summary's whole negotiation: no overrides
    attempt(
        "summary",
        lambda: answer_summary(db, codebook, options=build, rows=statements, sources=sources, whole=whole),
    )
    attempt("gap", lambda: negotiation_gap(model, options=analysis, db=db))
    attempt("zone", lambda: negotiation_zone(model))
    attempt("deals", lambda: negotiation_deals(model, options=analysis))
    attempt("timeline", lambda: build_timeline(statements, codebook, options=build))
    return NegotiationView(**results, model=model, options=analysis.as_dict(), problems=_ordered(problems))


def _ordered(problems: dict[str, str]) -> dict[str, str]:
    return {p: problems[p] for p in PARTS if p in problems}


def with_plan_and_scenario(
    view: NegotiationView, *, plan: Plan | None = None, scenario: Scenario | None = None
) -> NegotiationView:
    """``view`` with the plan scored and "if talks fail" answered (both read the built model only)."""
    model = view.model
    if model is None:  # not built: the reason is already every part's problem
        return view
    problems = dict(view.problems)
    found: dict[str, Any] = {}
    if plan is not None:
        try:
            found["plan"] = negotiation_plan(model, plan)
        except ZopaError as exc:
            problems["plan"] = str(exc)
    else:
        problems["plan"] = "no plan to score: give one with --plan PLAN.yaml"
    if scenario is not None:
        try:
            found["talks_fail"] = talks_fail(model.modeled(), scenario)
        except ZopaError as exc:
            problems["talks_fail"] = str(exc)
    else:
        problems["talks_fail"] = "no scenario: give one with --scenario SCENARIO.yaml"
    ordered = {p: problems[p] for p in PARTS if p in problems}
    return replace(view, **found, problems=ordered)
