"""The negotiation page's data: one call over ``zopa.negotiation`` (built from the stored evidence) and the
plotly figures (as JSON, drawn in the browser by the bundled plotly.js) for the gap per issue, the
"if talks fail" timeline and the positions timeline.

``negotiation_view(db, codebook, plan=..., scenario=...)`` builds the negotiation once and answers every
question on it: the gap with each model's forecast and interval, the zone of possible agreement, package deals
and trades, the plan scorecard (when the server was started with a plan), "if talks fail" (with a scenario)
and how each party's positions moved. A question the stored evidence cannot answer yet (too few parties or
statements) becomes a readable ``problems`` entry instead of an error page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zopa.corroborate import independent_sources
from zopa.errors import ZopaError
from zopa.negotiation.analysis import (
    AnalysisOptions,
    DealsAnalysis,
    GapReport,
    IssueGap,
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
from zopa.negotiation.scenario import Scenario, TalksFail, talks_fail
from zopa.negotiation.service import jsonable
from zopa.negotiation.timeline import Timeline, build_timeline

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.store.db import Database

# Fewer Monte Carlo draws than the CLI's defaults: the page must answer in seconds; intervals stay 80%.
WEB_ANALYSIS = AnalysisOptions(draws=100, iterative_draws=5)
PARTS = ("gap", "zone", "deals", "plan", "talks_fail", "timeline")
COLORS = ("#b3261e", "#1f5fa8", "#1e7d32", "#a86b00", "#6b2fa3", "#455a64", "#00838f", "#ad1457")


@dataclass(frozen=True, slots=True, kw_only=True)
class NegotiationView:
    """Every answer about the negotiation; ``None`` where it is not available, with the reason in
    ``problems`` (part -> message)."""

    gap: GapReport | None = None
    zone: ZoneAnalysis | None = None
    deals: DealsAnalysis | None = None
    plan: PlanAnalysis | None = None
    talks_fail: TalksFail | None = None
    timeline: Timeline | None = None
    problems: dict[str, str] = field(default_factory=dict)

    def part(self, name: str) -> dict[str, Any] | None:
        value = getattr(self, name)
        return None if value is None else dict(jsonable(value.as_dict()))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: self.part(name) for name in PARTS}
        out["problems"] = dict(self.problems)
        return out


def negotiation_view(
    db: Database,
    codebook: Codebook,
    *,
    plan: Plan | None = None,
    scenario: Scenario | None = None,
    options: AnalysisOptions = WEB_ANALYSIS,
) -> NegotiationView:
    """Build the negotiation from the stored positions and answer each question the page shows."""
    problems: dict[str, str] = {}
    statements = load_statements(db)
    try:
        model = build_negotiation(statements, codebook, sources=independent_sources(db, statements))
    except ZopaError as exc:
        reason = f"the negotiation cannot be built from the stored evidence: {exc}"
        return NegotiationView(problems=dict.fromkeys(PARTS, reason))
    results: dict[str, Any] = {}

    def attempt(name: str, compute: Any) -> None:
        try:
            results[name] = compute()
        except ZopaError as exc:
            problems[name] = str(exc)

    attempt("gap", lambda: negotiation_gap(model, options=options))
    attempt("zone", lambda: negotiation_zone(model))
    attempt("deals", lambda: negotiation_deals(model, options=options))
    if plan is not None:
        attempt("plan", lambda: negotiation_plan(model, plan))
    else:
        problems["plan"] = "no plan to score: start the server with --plan PLAN.yaml"
    if scenario is not None:
        attempt("talks_fail", lambda: talks_fail(model.modeled(), scenario))
        if "talks_fail" in results and results["talks_fail"] is None:
            problems["talks_fail"] = f"scenario {scenario.name!r} names no parties' assumptions"
    else:
        problems["talks_fail"] = "no scenario: start the server with --scenario SCENARIO.yaml"
    attempt("timeline", lambda: build_timeline(statements, codebook))
    return NegotiationView(**results, problems=problems)


# --- figures (plotly JSON) -------------------------------------------------------------------------------


def _layout(title: str, rows: int, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 14}},
        "height": 90 + 34 * max(rows, 2),
        "margin": {"l": 160, "r": 20, "t": 40, "b": 40},
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.25},
        "plot_bgcolor": "#fff",
        **extra,
    }


def gap_figure(issue: IssueGap, names: dict[str, str]) -> dict[str, Any]:
    """Each party's position, red line (acceptable range) and no-deal value on the issue's 0-100 scale, and
    each model's forecast with its interval."""
    rows = [names.get(p.actor, p.actor) for p in issue.parties]
    red = [p for p in issue.parties if p.red_line is not None]
    data: list[dict[str, Any]] = []
    if red:
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": "acceptable range (red lines)",
                "y": [names.get(p.actor, p.actor) for p in red],
                "base": [p.red_line[0] for p in red if p.red_line],
                "x": [max(p.red_line[1] - p.red_line[0], 0.8) for p in red if p.red_line],
                "marker": {"color": "rgba(31,95,168,0.18)"},
                "hoverinfo": "x+y",
            }
        )
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": "position",
            "y": rows,
            "x": [p.position for p in issue.parties],
            "marker": {"size": 14, "color": [COLORS[i % len(COLORS)] for i in range(len(rows))]},
            "text": [f"salience {p.salience:.2f}" for p in issue.parties],
        }
    )
    batna = [p for p in issue.parties if p.batna is not None]
    if batna:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "if talks fail (no-deal value)",
                "y": [names.get(p.actor, p.actor) for p in batna],
                "x": [p.batna for p in batna],
                "marker": {"symbol": "x", "size": 12, "color": "#000"},
            }
        )
    forecasts = [f for f in issue.forecasts if f.median is not None]
    if forecasts:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "forecast (median, 80% interval)",
                "y": [f"forecast {f.model}" for f in forecasts],
                "x": [f.median for f in forecasts],
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [(f.hi if f.hi is not None else f.median) - f.median for f in forecasts],  # type: ignore[operator]
                    "arrayminus": [f.median - (f.lo if f.lo is not None else f.median) for f in forecasts],  # type: ignore[operator]
                },
                "marker": {"size": 9, "color": "#455a64", "symbol": "diamond"},
            }
        )
    shapes = []
    if issue.status_quo is not None:
        shapes.append(
            {
                "type": "line",
                "x0": issue.status_quo,
                "x1": issue.status_quo,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"dash": "dot", "color": "#888"},
            }
        )
    ticks = sorted((float(k), v) for k, v in issue.anchors.items())
    return {
        "data": jsonable(data),
        "layout": _layout(
            f"{issue.label} — gap {issue.gap:.0f} points",
            len(rows) + len(forecasts),
            xaxis={
                "range": [-3, 103],
                "title": {"text": "0-100 scale (dotted: status quo)"},
                "tickvals": [t for t, _ in ticks] or None,
                "gridcolor": "#eee",
            },
            yaxis={"autorange": "reversed", "type": "category"},
            shapes=shapes,
            barmode="overlay",
        ),
    }


def talks_fail_figure(fail: TalksFail, names: dict[str, str]) -> dict[str, Any]:
    """Each party's value of no deal over the months, and the best margin a deal could offer all of them
    (the zone of agreement is open where it is at or above zero)."""
    months = [m.month for m in fail.months]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": f"no-deal value: {names.get(a, a)}",
            "x": months,
            "y": [m.no_deal_value.get(a) for m in fail.months],
            "line": {"color": COLORS[i % len(COLORS)]},
        }
        for i, a in enumerate(fail.parties)
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": "best deal's smallest margin over no deal",
            "x": months,
            "y": [m.best_margin for m in fail.months],
            "line": {"color": "#000", "width": 3},
        }
    )
    shapes = [
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "y0": 0,
            "y1": 0,
            "line": {"color": "#888", "dash": "dot"},
        }
    ]
    if fail.opens_at is not None:
        shapes.append(
            {
                "type": "line",
                "x0": fail.opens_at,
                "x1": fail.opens_at,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#1e7d32", "dash": "dash"},
            }
        )
    layout = _layout(
        f"{fail.scenario}: if talks fail",
        6,
        shapes=shapes,
        xaxis={"title": {"text": "months from now"}, "gridcolor": "#eee"},
        yaxis={"title": {"text": "utility"}, "gridcolor": "#eee"},
    )
    layout["margin"]["l"] = 60
    return {"data": jsonable(data), "layout": layout}


def timeline_figures(timeline: Timeline, names: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Per issue: each party's estimated position by article date."""
    by_issue: dict[str, list[Any]] = {}
    for track in timeline.tracks:
        if any(p.position is not None and p.date for p in track.points):
            by_issue.setdefault(track.issue, []).append(track)
    out = []
    for issue, tracks in sorted(by_issue.items()):
        data = []
        for i, track in enumerate(tracks):
            points = [p for p in track.points if p.position is not None and p.date]
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": names.get(track.actor, track.actor),
                    "x": [p.date for p in points],
                    "y": [p.position for p in points],
                    "line": {"shape": "hv", "color": COLORS[i % len(COLORS)]},
                }
            )
        layout = _layout(
            f"{issue}: positions over time",
            5,
            xaxis={"type": "date", "gridcolor": "#eee"},
            yaxis={"range": [-3, 103], "gridcolor": "#eee"},
        )
        layout["margin"]["l"] = 50
        out.append((issue, {"data": jsonable(data), "layout": layout}))
    return out
