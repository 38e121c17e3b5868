"""The negotiation sections of the HTML report (``zopa report --html``).

:func:`negotiation_sections` returns :class:`zopa.report.ReportSection` objects, one template each from
:mod:`zopa.presentation` (the dashboard's negotiation page renders the same templates): the answer summary
(the report opens with it), the gap per issue with every model's stored forecast, the zone of possible
agreement, package deals and conditional offers, the plan scorecard (with a plan), "if talks fail" month by
month (with a scenario), the positions timeline, and the assumptions the numbers rest on. The negotiation is
built and answered once per report (:func:`zopa.negotiation.view.negotiation_view`); forecasts are read from
(or stored in) the report's database, so the report shows ``zopa negotiation gap``'s numbers for the same
options.
"""

from __future__ import annotations

from typing import Any

from zopa.negotiation.analysis import AnalysisOptions, Plan
from zopa.negotiation.overrides import Overrides
from zopa.negotiation.records import BuildOptions
from zopa.negotiation.scenario import Scenario
from zopa.negotiation.view import NegotiationView, negotiation_view
from zopa.report import ReportContext, ReportSection, report_sections

# (part, section id, title): each part is templates/sections/<part>.html
SECTIONS = (
    ("summary", "negotiation-summary", "The answers, story by story"),
    ("gap", "negotiation-gap", "Negotiation: the gap per issue"),
    ("zone", "negotiation-zone", "Negotiation: zone of possible agreement"),
    ("deals", "negotiation-deals", "Negotiation: package deals and conditional offers"),
    ("plan", "negotiation-plan", "Negotiation: plan scorecard"),
    ("talks_fail", "negotiation-talks-fail", "Negotiation: if talks fail"),
    ("timeline", "negotiation-timeline", "Negotiation: positions over time"),
    ("assumptions", "negotiation-assumptions", "Negotiation: assumptions"),
)


def negotiation_sections(
    codebook: Any,
    *,
    overrides: Overrides | None = None,
    plan: Plan | None = None,
    scenario: Scenario | None = None,
    options: BuildOptions | None = None,
    analysis: AnalysisOptions | None = None,
) -> tuple[ReportSection, ...]:
    """The report sections for the negotiation built from the report's database (the plan and "if talks
    fail" sections only when a plan or a scenario is given)."""
    cache: dict[int, tuple[NegotiationView, dict[str, Any]]] = {}

    def data(ctx: ReportContext) -> dict[str, Any]:
        if id(ctx) not in cache:
            from zopa.presentation.charts import negotiation_charts

            view = negotiation_view(
                ctx.db, codebook, plan=plan, scenario=scenario, options=analysis, build=options,
                overrides=overrides,
            )  # fmt: skip
            names = {a.id: a.name for a in codebook.actors}
            cache.clear()
            cache[id(ctx)] = (view, negotiation_charts(view, names))
        view, charts = cache[id(ctx)]
        return {"view": view, "charts": charts}

    skip = {"plan"} if plan is None else set()
    skip |= {"talks_fail"} if scenario is None else set()
    return tuple(
        ReportSection.from_template(sid, title, f"sections/{part}.html", data)
        for part, sid, title in SECTIONS
        if part not in skip
    )


def full_report_sections(
    codebook: Any, *, shifts: tuple[ReportSection, ...] = (), **kwargs: Any
) -> tuple[ReportSection, ...]:
    """What ``zopa report`` renders: the answer summary first, then the evidence sections
    (:func:`zopa.report.report_sections`), how positions moved (``shifts``: :func:`zopa.shifts_report.
    shifts_sections`), then the rest of the negotiation."""
    summary, *rest = negotiation_sections(codebook, **kwargs)
    return (summary, *report_sections(), *shifts, *rest)
