"""The HTML report's "what changed" sections (``zopa report --html``): each party's stated points over time,
one plotly chart per issue, every shift with the sentence before and after, and the contradictions.

Sections in the report's style (:class:`zopa.report.ReportSection`: a function from the report's context to an
HTML fragment): every sentence links to its place in the article text the report appends (``ctx.link``),
stored text is escaped, plotly.js is inlined once by the report. The changes are computed once per report.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from zopa.report import STANCE_COLOURS, ReportContext, ReportSection, esc
from zopa.shifts import Changes, Citation, changes_from_db

if TYPE_CHECKING:
    from zopa.codebook import Codebook


class _Once:
    """The changes of the report's database, computed on first use per report."""

    def __init__(self, codebook: Codebook | None) -> None:
        self.codebook = codebook
        self._ctx: int | None = None
        self._changes: Changes | None = None

    def get(self, ctx: ReportContext) -> Changes:
        if self._ctx != id(ctx) or self._changes is None:
            self._changes = changes_from_db(ctx.db, codebook=self.codebook)
            self._ctx = id(ctx)
        return self._changes


def _since(ctx: ReportContext) -> date | None:
    since = ctx.since
    return since.date() if isinstance(since, datetime) else since


def _cited(ctx: ReportContext, label: str, c: Citation) -> str:
    meta = ", ".join(x for x in (c.outlet or c.title, c.day.isoformat() if c.day else "undated") if x)
    sources = f"; {c.sources} independent sources" if c.sources > 1 else ""
    copies = f"; carried by {c.copies} more article{'s' if c.copies != 1 else ''}" if c.copies else ""
    who = f"quote by {c.speaker}" if c.kind == "quote" else c.point()
    return (
        f"<div><span class='muted'>{esc(label)}: {esc(who)} ({esc(meta)}{esc(sources)}{esc(copies)})</span>"
        f"<blockquote>{ctx.link(c.document, c.start, c.end, c.text)}</blockquote></div>"
    )


def _issue_chart(ctx: ReportContext, changes: Changes, issue: str, span: tuple[date, date]) -> str:
    import plotly.graph_objects as go

    fig = go.Figure()
    for track in changes.series:
        if track.issue != issue:
            continue
        steps = [s for s in track.steps if s.statement.value is not None]
        if not steps:
            continue
        fig.add_trace(
            go.Scatter(
                x=[s.date.isoformat() for s in steps],
                y=[s.statement.value for s in steps],
                mode="lines+markers",
                line={"shape": "hv"},
                name=track.actor,
                marker={
                    "size": [13 if s.changes else 8 for s in steps],
                    "color": [STANCE_COLOURS.get(s.statement.stance or "", "#95a5a6") for s in steps],
                    "symbol": ["diamond" if s.changes else "circle" for s in steps],
                },
                text=[
                    f"{s.statement.point()} ({s.statement.outlet or s.statement.title})"
                    + (f": {', '.join(s.changes)}" if s.changes else "")
                    for s in steps
                ],
                hovertemplate="%{x}: %{text}<extra>" + track.actor + "</extra>",
            )
        )
    if not fig.data:
        return ""
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 30, "b": 30},
        title={"text": ctx.issue(issue), "font": {"size": 14}},
        yaxis={"range": [-2, 102], "title": "stated point (0-100)"},
        xaxis={"type": "date", "range": [d.isoformat() for d in span]},  # one time axis for every issue
    )
    return ctx.figure(fig)


def shifts_sections(codebook: Codebook | None = None) -> tuple[ReportSection, ...]:
    """The report's sections on how the positions moved and what contradicts what."""
    once = _Once(codebook)

    def shifts(ctx: ReportContext) -> str:
        changes = once.get(ctx)
        shown = changes.since(_since(ctx))
        out = [
            "<p class='muted'>Each party's stated points on each issue, one point per independent source "
            "(copies of one wire story count once); a diamond marks a shift. Below, every shift with the "
            "sentence before and after.</p>"
        ]
        # a chart for each issue on which some party stated two or more points; the others in one line
        valued: dict[str, int] = defaultdict(int)
        for track in changes.series:
            n = sum(s.statement.value is not None for s in track.steps)
            valued[track.issue] = max(valued[track.issue], n)
        days = [s.date for t in changes.series for s in t.steps if s.statement.value is not None]
        if days:
            span = (min(days) - timedelta(days=30), max(days) + timedelta(days=30))
            for issue in sorted(i for i, n in valued.items() if n > 1):
                out.append(_issue_chart(ctx, changes, issue, span))
        single = sorted(i for i, n in valued.items() if n == 1)
        if single:
            out.append(
                "<p class='muted'>One stated point per party only (no chart): "
                + ", ".join(esc(ctx.issue(i)) for i in single)
                + ".</p>"
            )
        if not shown.shifts:
            out.append("<p>No shifts.</p>")
        else:
            out.append(f"<p>{len(shown.shifts)} shift(s), oldest first.</p><ol>")
            for s in shown.shifts:
                before = _cited(ctx, "before", s.before) if s.before is not None else ""
                out.append(
                    f"<li><strong>{esc(s.date.isoformat())}</strong> {esc(s.change)}: {esc(s.summary)}"
                    f"{before}{_cited(ctx, 'after', s.after)}</li>"
                )
            out.append("</ol>")
        if changes.undated:
            out.append(f"<p class='muted'>{changes.undated} undated statement(s) are not in the series.</p>")
        return "".join(out)

    def contradictions(ctx: ReportContext) -> str:
        shown = once.get(ctx).since(_since(ctx))
        if not shown.contradictions:
            return "<p>No contradictions.</p>"
        out = [
            f"<p>{len(shown.contradictions)} pair(s) of statements that cannot both hold "
            f"(at most {shown.options.window_days} days apart), and quotes given to two speakers.</p><ol>"
        ]
        for c in shown.contradictions:
            out.append(
                f"<li>{esc(c.change)}: {esc(c.summary)}"
                f"{_cited(ctx, 'first', c.first)}{_cited(ctx, 'second', c.second)}</li>"
            )
        out.append("</ol>")
        return "".join(out)

    return (
        ReportSection("shifts", "What changed: positions over time", shifts),
        ReportSection("contradictions", "Contradictions", contradictions),
    )
