"""The negotiation sections of the HTML report (``zopa report --html``).

:func:`negotiation_sections` returns :class:`zopa.report.ReportSection` objects to append to the report's
sections: the gap per issue (a plotly chart and a table), the zone of possible agreement, package deals, the
plan scorecard (with a plan), "if talks fail" month by month (with a scenario), the positions timeline, and
the assumptions every number rests on. Every number links either to its evidence sentence (``ctx.link``: the
report appends the article text with the span highlighted) or to its assumption in the last section
(codebook defaults, analyst overrides, scenario inputs). The negotiation is built once per report from the
report's database. Charts are drawn with plotly (inlined once by the report: the page stays self-contained
and offline).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from zopa.corroborate import independent_sources
from zopa.errors import ZopaError
from zopa.listing import first
from zopa.negotiation.analysis import (
    AnalysisOptions,
    GapReport,
    Plan,
    negotiation_deals,
    negotiation_gap,
    negotiation_plan,
    negotiation_zone,
)
from zopa.negotiation.build import BuildOptions, NegotiationModel, SourcedValue, build_negotiation
from zopa.negotiation.evidence import load_statements
from zopa.negotiation.overrides import Overrides
from zopa.negotiation.scenario import Scenario, talks_fail
from zopa.negotiation.timeline import build_timeline
from zopa.report import ReportContext, ReportSection, esc

COLOURS = ("#c0392b", "#2471a3", "#229954", "#8e44ad", "#d68910", "#17a589", "#566573", "#a04000")


class _State:
    """The negotiation built once per report, and the assumptions registered while rendering."""

    def __init__(
        self, codebook: Any, options: BuildOptions, overrides: Overrides | None, analysis: AnalysisOptions
    ) -> None:
        self.codebook = codebook
        self.options = options
        self.overrides = overrides
        self.analysis = analysis
        self._ctx: int | None = None
        self._model: NegotiationModel | None = None
        self._rows: list[Any] = []
        self.assumptions: dict[str, str] = {}

    def model(self, ctx: ReportContext) -> NegotiationModel:
        if self._ctx != id(ctx) or self._model is None:
            self._rows = load_statements(ctx.db)
            self._model = build_negotiation(
                self._rows,
                self.codebook,
                options=self.options,
                overrides=self.overrides,
                sources=independent_sources(ctx.db, self._rows),
            )
            self._ctx = id(ctx)
            self.assumptions = {}
        return self._model

    def rows(self, ctx: ReportContext) -> list[Any]:
        self.model(ctx)
        return self._rows

    def assume(self, key: str, text: str) -> str:
        """Register an assumption; its anchor id."""
        anchor = "assumption-" + "".join(c if c.isalnum() else "-" for c in key)
        self.assumptions[anchor] = text
        return anchor


def _fmt(v: Any, digits: int = 0) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-"
    if isinstance(v, list | tuple):
        return "–".join(_fmt(x, digits) for x in v)
    return f"{v:.{digits}f}"


def _number(ctx: ReportContext, st: _State, value: SourcedValue | dict[str, Any] | None, shown: str) -> str:
    """``shown`` linked to the first evidence span of the value, or to its assumption."""
    if value is None:
        return esc(shown)
    data = value.as_dict() if isinstance(value, SourcedValue) else value
    evidence = data.get("evidence") or []
    if data["source"] in ("evidence", "inferred"):
        for e in evidence:
            if e.get("document_id") is not None:
                return ctx.link(int(e["document_id"]), int(e["start"]), int(e["end"]), shown)
    key = f"{data['actor']}/{data.get('issue') or '*'}/{data['field']}" if "actor" in data else shown
    anchor = st.assume(key, f"{key}: {data['source']}: {data['detail']}")
    return f'<a href="#{anchor}">{esc(shown)}</a>'


def _guard(render: Callable[[ReportContext], str]) -> Callable[[ReportContext], str]:
    def run(ctx: ReportContext) -> str:
        try:
            return render(ctx)
        except ZopaError as exc:
            return f'<p class="muted">Not available: {esc(exc)}</p>'

    return run


def _gap_figure(g: Any) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    rows = [p.actor for p in g.parties] + [f.model for f in g.forecasts if f.error is None]
    for k, p in enumerate(g.parties):
        colour = COLOURS[k % len(COLOURS)]
        if p.red_line is not None:
            fig.add_trace(
                go.Scatter(
                    x=list(p.red_line),
                    y=[p.actor, p.actor],
                    mode="lines",
                    line={"color": colour, "width": 10},
                    opacity=0.35,
                    name=f"{p.actor}: acceptable range",
                    showlegend=False,
                )
            )
        fig.add_trace(
            go.Scatter(
                x=[p.position],
                y=[p.actor],
                mode="markers",
                marker={"size": 14, "color": colour},
                name=f"{p.actor}: position",
                showlegend=False,
            )
        )
        if p.batna is not None:
            fig.add_trace(
                go.Scatter(
                    x=[p.batna],
                    y=[p.actor],
                    mode="markers",
                    marker={"symbol": "x", "size": 12, "color": colour},
                    name=f"{p.actor}: expected if talks fail",
                    showlegend=False,
                )
            )
    for f in g.forecasts:
        if f.error is not None:
            continue
        centre = f.median if f.median is not None else f.point
        err = {}
        if f.lo is not None and f.hi is not None and centre is not None:
            err = {
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [f.hi - centre],
                    "arrayminus": [centre - f.lo],
                }
            }
        fig.add_trace(
            go.Scatter(
                x=[centre],
                y=[f.model],
                mode="markers",
                marker={"symbol": "diamond", "size": 10, "color": "#b7950b"},
                name=f.model,
                showlegend=False,
                **err,
            )
        )
    fig.update_layout(
        height=70 + 28 * len(rows),
        margin={"l": 10, "r": 10, "t": 30, "b": 30},
        title={"text": f"{g.issue}: gap {g.gap:.0f}", "font": {"size": 13}},
        xaxis={"range": [-2, 102], "title": "0-100 scale"},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(rows))},
    )
    return fig


def negotiation_sections(
    codebook: Any,
    *,
    overrides: Overrides | None = None,
    plan: Plan | None = None,
    scenario: Scenario | None = None,
    options: BuildOptions | None = None,
    analysis: AnalysisOptions | None = None,
) -> tuple[ReportSection, ...]:
    """The report sections for the negotiation built from the report's database."""
    st = _State(
        codebook,
        options or BuildOptions(),
        overrides,
        analysis or AnalysisOptions(draws=300, iterative_draws=10),
    )

    @_guard
    def gap(ctx: ReportContext) -> str:
        model = st.model(ctx)
        report: GapReport = negotiation_gap(model, options=st.analysis)
        out = [
            "<p>Each party's position (dot), acceptable range (bar: its red line), expected outcome if talks "
            "fail (x), and every model's forecast (diamond, 80% interval). Numbers link to their sentence or "
            "assumption.</p>"
        ]
        for g in report.issues:
            out.append(f"<h3>{esc(g.issue)}: {esc(g.label)}</h3>")
            if g.anchors:
                out.append(
                    '<p class="muted">'
                    + " · ".join(f"{esc(k)} = {esc(v)}" for k, v in g.anchors.items())
                    + "</p>"
                )
            out.append(ctx.figure(_gap_figure(g)))
            rows = []
            for p in g.parties:
                rows.append(
                    f"<tr><td>{esc(p.actor)}</td>"
                    f"<td>{_number(ctx, st, p.sources.get('position'), _fmt(p.position))}</td>"
                    f"<td>{_number(ctx, st, p.sources.get('salience'), _fmt(p.salience, 2))}</td>"
                    f"<td>{_number(ctx, st, p.sources.get('red_line'), _fmt(p.red_line))}</td>"
                    f"<td>{_number(ctx, st, p.sources.get('batna'), _fmt(p.batna))}</td>"
                    f"<td>{_number(ctx, st, p.sources.get('capability'), _fmt(p.capability, 4))}</td></tr>"
                )
            out.append(
                "<table><tr><th>party</th><th>position</th><th>salience</th><th>red line</th>"
                "<th>if talks fail</th><th>capability</th></tr>" + "".join(rows) + "</table>"
            )
            fc = []
            for f in g.forecasts:
                anchor = st.assume(
                    f"model-{f.model}",
                    f"{f.model}: Monte Carlo over the table's spreads, "
                    f"{f.draws} draws, seed {report.options['seed']}, method {f.method}",
                )
                val = (
                    f.error
                    or f"{_fmt(f.median if f.median is not None else f.point, 1)} [{_fmt(f.lo)}–{_fmt(f.hi)}]"
                )
                fc.append(f'<tr><td><a href="#{anchor}">{esc(f.model)}</a></td><td>{esc(val)}</td></tr>')
            out.append(
                "<table><tr><th>model</th><th>forecast [80% interval]</th></tr>" + "".join(fc) + "</table>"
            )
            for o in g.linked_offers:
                link = _link_first(ctx, o.evidence, "sentence")
                out.append(
                    f"<p>Linked issues: {esc(o.actor)} would accept {esc(o.issue)} = {_fmt(o.value)} if it "
                    f"gets {esc(o.conditional_on)} = {_fmt(o.requires)} ({link}).</p>"
                )
        if report.not_modeled:
            out.append(
                f'<p class="muted">Not modeled (fewer than two parties): {esc(", ".join(report.not_modeled))}'
                "</p>"
            )
        return "".join(out)

    @_guard
    def zone(ctx: ReportContext) -> str:
        model = st.model(ctx)
        z = negotiation_zone(model)
        verdict = (
            "A package every party prefers to no deal exists."
            if z.exists
            else "No package every party prefers to no deal."
        )
        out = [
            f"<p><strong>{esc(verdict)}</strong> Smallest margin {z.min_margin:+.3f} at "
            + esc(", ".join(f"{k} = {v:.0f}" for k, v in z.balanced_deal.items()))
            + ".</p>",
            "<table><tr><th>issue</th><th>zone</th><th>colliding</th><th>concession to open it</th></tr>",
        ]
        for v in z.issues:
            zone_text = f"{_fmt(v.lo)}–{_fmt(v.hi)}" if not v.empty else "empty"
            out.append(
                f"<tr><td>{esc(v.issue)}</td><td>{esc(zone_text)}</td><td>{esc(', '.join(v.colliding))}"
                f"</td><td>{_fmt(v.concession, 1) if v.empty else '-'}</td></tr>"
            )
        out.append("</table>")
        for v in z.issues:
            if not v.empty:
                continue
            out.append(f"<h3>Why there is no zone on {esc(v.issue)}</h3><ul class='ev'>")
            for lim in v.limits:
                for field, what in (("red_line", "accepts only"), ("batna", "expects if talks fail")):
                    src = lim.get(field)
                    if not src:
                        continue
                    shown, more = first(src["evidence"], 3, src.get("statements"))
                    quotes = "".join(
                        f"<blockquote>{esc(e['sentence'])} {_link_ev(ctx, e, e['cite'])}</blockquote>"
                        for e in shown
                    ) + (f"<p class='muted'>{more}</p>" if more else "")
                    sourced = {**src, "actor": lim["actor"], "issue": v.issue, "field": field}
                    shown = _number(ctx, st, sourced, _fmt(src["value"]))
                    out.append(f"<li>{esc(lim['actor'])} {what} {shown}{quotes}</li>")
            out.append("</ul>")
        return "".join(out)

    @_guard
    def deals(ctx: ReportContext) -> str:
        d = negotiation_deals(st.model(ctx), options=st.analysis)
        out = [
            f"<p>{d.accepted} of {d.candidates} packages beat no deal for every party "
            f"(utility: {esc(d.utility)}).</p>"
        ]
        if d.deals:
            issues = list(d.deals[0]["outcome"])
            parties = list(d.deals[0]["margins"])
            out.append(
                "<table><tr><th>#</th>"
                + "".join(f"<th>{esc(i)}</th>" for i in issues)
                + "".join(f"<th>margin {esc(a)}</th>" for a in parties)
                + "</tr>"
            )
            for k, deal in enumerate(d.deals, start=1):
                out.append(
                    f"<tr><td>{k}</td>"
                    + "".join(f"<td>{deal['outcome'][i]:.0f}</td>" for i in issues)
                    + "".join(f"<td>{deal['margins'][a]:+.3f}</td>" for a in parties)
                    + "</tr>"
                )
            out.append("</table>")
        if d.trades:
            trades, more = first(d.trades, 10)
            out.append(
                "<h3>Trades</h3><ul>"
                + "".join(
                    f"<li>{esc(t['actor_a'])} gives {t['a_moves']:.0f} on {esc(t['a_gives_on'])}, "
                    f"{esc(t['actor_b'])} gives {t['b_moves']:.0f} on {esc(t['b_gives_on'])} "
                    f"(each gains {t['gain']:.3f})</li>"
                    for t in trades
                )
                + (f"<li class='muted'>{more}</li>" if more else "")
                + "</ul>"
            )
        for c in d.conditional:
            link = _link_first(ctx, c.offer.evidence, "the offer")
            verdict = "every party prefers it to no deal" if c.all_prefer else "not every party prefers it"
            out.append(
                f"<p>Conditional package from {esc(c.offer.actor)} ({link}): "
                f"{esc(', '.join(f'{k} = {v:.0f}' for k, v in c.package.items()))}; {verdict}; margins "
                f"{esc(', '.join(f'{a} {m:+.3f}' for a, m in c.margins.items()))}.</p>"
            )
        return "".join(out)

    @_guard
    def plan_card(ctx: ReportContext) -> str:
        assert plan is not None
        p = negotiation_plan(st.model(ctx), plan)
        out = [
            f"<p><strong>{esc(plan.name)}</strong>. {esc(plan.source)}</p><table><tr><th>issue</th>"
            "<th>outcome</th><th>the plan says</th></tr>"
        ]
        for iid, v in p.scored.items():
            why = p.filled.get(iid) or plan.terms.get(iid, "")
            anchor = st.assume(f"plan-{iid}", f"plan {plan.name}: {iid} = {v:g}: {why}")
            out.append(
                f'<tr><td>{esc(iid)}</td><td><a href="#{anchor}">{v:.0f}</a></td><td>{esc(why)}</td></tr>'
            )
        out.append(
            "</table><table><tr><th>party</th><th>utility</th><th>no deal</th><th>margin</th>"
            "<th>acceptance</th><th>red lines broken</th></tr>"
        )
        for pv in p.parties:
            broken = []
            for b in pv.red_lines_broken:
                rl = b.get("red_line") or {}
                broken.append(
                    _number(
                        ctx,
                        st,
                        {**rl, "actor": pv.actor, "issue": b["issue"], "field": "red_line"},
                        b["issue"],
                    )
                    if rl
                    else esc(b["issue"])
                )
            out.append(
                f"<tr><td>{esc(pv.actor)}</td><td>{pv.utility:.3f}</td><td>{pv.no_deal_utility:.3f}</td>"
                f"<td>{pv.margin:+.3f}</td><td>{pv.acceptance:.0%}</td>"
                f"<td>{', '.join(broken) or '-'}</td></tr>"
            )
        out.append(f"</table><p>Chance every party signs: {p.all_accept:.1%}.</p>")
        if p.not_modeled:
            out.append(f'<p class="muted">Not scored: {esc(", ".join(p.not_modeled))}</p>')
        return "".join(out)

    @_guard
    def fail(ctx: ReportContext) -> str:
        import plotly.graph_objects as go

        assert scenario is not None
        tf = talks_fail(st.model(ctx).modeled(), scenario)
        for n, a in enumerate(tf.assumptions):
            st.assume(f"scenario-{n}", f"scenario {scenario.name}: {a}")
        months = [m.month for m in tf.months]
        fig = go.Figure()
        for k, party in enumerate(tf.parties):
            fig.add_trace(
                go.Scatter(
                    x=months,
                    y=[m.no_deal_value[party] for m in tf.months],
                    mode="lines",
                    name=f"{party}: value of no deal",
                    line={"color": COLOURS[k % len(COLOURS)]},
                )
            )
        fig.add_trace(
            go.Scatter(
                x=months,
                y=[m.best_margin for m in tf.months],
                mode="lines",
                name="best deal: smallest margin",
                line={"color": "#b7950b", "dash": "dash"},
            )
        )
        fig.add_hline(y=0, line={"color": "#7f8c8d", "width": 1})
        if tf.opens_at is not None:
            fig.add_vline(x=tf.opens_at, line={"color": "#229954", "dash": "dot"})
        fig.update_layout(
            height=360,
            margin={"l": 10, "r": 10, "t": 30, "b": 30},
            xaxis={"title": "months from now"},
            yaxis={"title": "utility"},
        )
        anchor = st.assume("scenario", f"scenario file {scenario.path or scenario.name}")
        return (
            f'<p><strong>{esc(tf.summary())}</strong> (assumptions: <a href="#{anchor}">scenario</a>)</p>'
            + ctx.figure(fig)
            + "<ul>"
            + "".join(f"<li>{esc(a)}</li>" for a in tf.assumptions)
            + "</ul>"
        )

    @_guard
    def timeline(ctx: ReportContext) -> str:
        import plotly.graph_objects as go

        tl = build_timeline(st.rows(ctx), st.codebook, options=st.options)
        fig = go.Figure()
        for k, track in enumerate(t for t in tl.tracks if not t.no_deal):
            pts = [p for p in track.points if p.date and p.position is not None]
            if pts:
                fig.add_trace(
                    go.Scatter(
                        x=[p.date for p in pts],
                        y=[p.position for p in pts],
                        mode="lines+markers",
                        name=f"{track.actor} / {track.issue}",
                        line={"color": COLOURS[k % len(COLOURS)]},
                    )
                )
        out = []
        if fig.data:
            fig.update_layout(
                height=380,
                margin={"l": 10, "r": 10, "t": 30, "b": 30},
                yaxis={"range": [-2, 102], "title": "position"},
            )
            out.append(ctx.figure(fig))
        out.append("<ul>")
        for track in tl.tracks:
            moves = [p for p in track.points if p.moved or track.no_deal]
            for p in moves:
                shown, more = first(p.statements, 3)
                links = ", ".join(
                    [*(_link_ev(ctx, e.as_dict(), e.stance) for e in shown), *([more] if more else [])]
                )
                what = "(if talks fail)" if track.no_deal else f"{_fmt(p.previous)} → {_fmt(p.position)}"
                out.append(
                    f"<li>{esc(p.date or 'undated')}: {esc(track.actor)} on {esc(track.issue)} "
                    f"{esc(what)} ({links})</li>"
                )
        out.append("</ul>")
        return "".join(out)

    def assumptions(ctx: ReportContext) -> str:
        model = st.model(ctx)
        for v in model.values.values():
            if v.source in ("codebook", "default", "override"):
                st.assume(v.key, f"{v.key}: {v.source}: {v.detail}")
        items = "".join(f'<li id="{esc(k)}">{esc(t)}</li>' for k, t in sorted(st.assumptions.items()))
        opts = ", ".join(f"{k} = {v}" for k, v in model.options.as_dict().items())
        return (
            f"<p>Build options: {esc(opts)}.</p><ul>{items}</ul>"
            if items
            else f"<p>Build options: {esc(opts)}.</p>"
        )

    sections = [
        ReportSection("negotiation-gap", "Negotiation: the gap per issue", gap),
        ReportSection("negotiation-zone", "Negotiation: zone of possible agreement", zone),
        ReportSection("negotiation-deals", "Negotiation: package deals", deals),
    ]
    if plan is not None:
        sections.append(
            ReportSection("negotiation-plan", f"Negotiation: plan scorecard ({plan.name})", plan_card)
        )
    if scenario is not None:
        sections.append(ReportSection("negotiation-talks-fail", "Negotiation: if talks fail", fail))
    sections.append(ReportSection("negotiation-timeline", "Negotiation: positions over time", timeline))
    sections.append(ReportSection("negotiation-assumptions", "Negotiation: assumptions", assumptions))
    return tuple(sections)


def _link_ev(ctx: ReportContext, e: dict[str, Any], label: str) -> str:
    if e.get("document_id") is None:
        return esc(label)
    return ctx.link(int(e["document_id"]), int(e["start"]), int(e["end"]), label)


def _link_first(ctx: ReportContext, evidence: Any, label: str) -> str:
    for e in evidence:
        if e.document_id is not None:
            return ctx.link(int(e.document_id), int(e.start), int(e.end), label)
    return esc(label)
