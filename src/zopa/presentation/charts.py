"""Every chart of the report and the dashboard, built once here as a plotly figure (JSON: ``data`` and
``layout``) and drawn in the browser by the bundled plotly.js (``static/zopa.js``), so both show the same
figure. Colours come from :mod:`zopa.presentation.palette`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from zopa.presentation.palette import CHART, STANCE, series

if TYPE_CHECKING:
    from zopa.negotiation.analysis import IssueGap
    from zopa.negotiation.scenario import TalksFail
    from zopa.negotiation.timeline import Timeline


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


def _plain(data: Any) -> Any:
    from zopa.negotiation.service import jsonable

    return jsonable(data)


def gap_figure(issue: IssueGap, names: dict[str, str]) -> dict[str, Any]:
    """Each party's position, acceptable range (red line) and no-deal value on the issue's 0-100 scale, and
    each model's forecast with its interval (models without one, or with no agreement, are left out)."""
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
                "marker": {"color": CHART["range"]},
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
            "marker": {"size": 14, "color": [series(i) for i in range(len(rows))]},
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
                "marker": {"symbol": "x", "size": 12, "color": CHART["no_deal"]},
            }
        )
    shown = [f for f in issue.forecasts if f.value is not None]
    if shown:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "forecast and interval",
                "y": [f"forecast {f.model}" for f in shown],
                "x": [f.value for f in shown],
                "text": [f.text() for f in shown],
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [(f.hi if f.hi is not None else f.value) - f.value for f in shown],  # type: ignore[operator]
                    "arrayminus": [f.value - (f.lo if f.lo is not None else f.value) for f in shown],  # type: ignore[operator]
                },
                "marker": {"size": 9, "color": CHART["forecast"], "symbol": "diamond"},
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
                "line": {"dash": "dot", "color": CHART["reference"]},
            }
        )
    ticks = sorted((float(k), v) for k, v in issue.anchors.items())
    return {
        "data": _plain(data),
        "layout": _layout(
            f"{issue.label} — gap {issue.gap:.0f} points",
            len(rows) + len(shown),
            xaxis={
                "range": [-3, 103],
                "title": {"text": "0-100 scale (dotted: status quo)"},
                "tickvals": [t for t, _ in ticks] or None,
                "gridcolor": CHART["grid"],
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
            "line": {"color": series(i)},
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
            "line": {"color": CHART["no_deal"], "width": 3},
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
            "line": {"color": CHART["reference"], "dash": "dot"},
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
                "line": {"color": CHART["opens"], "dash": "dash"},
            }
        )
    layout = _layout(
        f"{fail.scenario}: if talks fail",
        6,
        shapes=shapes,
        xaxis={"title": {"text": "months from now"}, "gridcolor": CHART["grid"]},
        yaxis={"title": {"text": "utility"}, "gridcolor": CHART["grid"]},
    )
    layout["margin"]["l"] = 60
    return {"data": _plain(data), "layout": layout}


def timeline_figures(timeline: Timeline, names: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Per issue: each party's estimated position by article date."""
    by_issue: dict[str, list[Any]] = {}
    for track in timeline.tracks:
        if not track.no_deal and any(p.position is not None and p.date for p in track.points):
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
                    "line": {"shape": "hv", "color": series(i)},
                }
            )
        layout = _layout(
            f"{issue}: positions over time",
            5,
            xaxis={"type": "date", "gridcolor": CHART["grid"]},
            yaxis={"range": [-3, 103], "gridcolor": CHART["grid"]},
        )
        layout["margin"]["l"] = 50
        out.append((issue, {"data": _plain(data), "layout": layout}))
    return out


def stance_figure(positions: Sequence[Any], names: dict[str, str]) -> dict[str, Any]:
    """Stored positions per party, stacked by stance."""
    actors = sorted({p.actor for p in positions}, key=lambda a: names.get(a, a))
    data = []
    for stance, colour in STANCE.items():
        counts = [sum(1 for p in positions if p.actor == a and p.stance == stance) for a in actors]
        if any(counts):
            data.append(
                {
                    "type": "bar",
                    "name": stance,
                    "x": [names.get(a, a) for a in actors],
                    "y": counts,
                    "marker": {"color": colour},
                }
            )
    layout = _layout("Positions per party and stance", 6, barmode="stack")
    layout["margin"]["l"] = 50
    return {"data": _plain(data), "layout": layout}


def negotiation_charts(view: Any, names: dict[str, str]) -> dict[str, Any]:
    """The charts of the negotiation sections (:class:`zopa.negotiation.view.NegotiationView`): ``gap`` (issue
    -> figure), ``talks_fail`` (a figure or None), ``timeline`` ([(issue, figure)])."""
    return {
        "gap": {g.issue: gap_figure(g, names) for g in view.gap.issues} if view.gap else {},
        "talks_fail": talks_fail_figure(view.talks_fail, names) if view.talks_fail else None,
        "timeline": timeline_figures(view.timeline, names) if view.timeline else [],
    }
