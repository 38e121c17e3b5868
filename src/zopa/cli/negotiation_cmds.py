"""``zopa negotiation build|gap|zopa|deals|plan|scenario|timeline``: the negotiation built from the evidence.

Each command parses its options and calls one function of :mod:`zopa.negotiation.service`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.table import Table
from rich.text import Text

from zopa.cli._app import (
    CodebookOption,
    DbOption,
    JsonOption,
    app,
    codebook_of,
    console,
    open_database,
    print_json,
    sub_app,
)
from zopa.listing import first

negotiation_app = sub_app(
    "negotiation",
    "The negotiation built from stored evidence: gap, zone of agreement, deals, plans, scenarios.",
)

OverridesOption = Annotated[
    Path | None,
    typer.Option("--overrides", help="Analyst overrides (YAML): values set by hand with a reason."),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Build from statements up to this date (YYYY-MM-DD); decay from it."),
]
HalfLifeOption = Annotated[
    float,
    typer.Option("--half-life", help="Time decay: a statement this many days older counts half.", min=0.01),
]
ModelsOption = Annotated[
    str | None,
    typer.Option("--models", help="Comma-separated model names (default: every registered model)."),
]
DrawsOption = Annotated[int, typer.Option("--draws", help="Monte Carlo draws for vectorised models.", min=0)]
IterDrawsOption = Annotated[
    int, typer.Option("--iterative-draws", help="Monte Carlo draws for models run draw by draw.", min=0)
]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed (results are reproducible).")]

WIDTH = 51  # cells for the 0-100 scale
PARTY_COLOURS = ("red", "blue", "green", "magenta", "cyan", "yellow", "bright_red", "bright_blue")


def _source(
    db: str, codebook: Path | None, overrides: Path | None, as_of: str | None, half_life: float
) -> Any:
    from zopa.errors import InputError
    from zopa.negotiation.overrides import load_overrides
    from zopa.negotiation.records import BuildOptions
    from zopa.negotiation.service import NegotiationSource

    day = None
    if as_of:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise InputError("--as-of", f"{as_of!r} is not a date (YYYY-MM-DD)") from None
    loaded = load_overrides(overrides) if overrides is not None else None  # the files first, then the db
    database = open_database(db, read_only=None)  # written if it can be: the forecasts are stored
    return NegotiationSource(
        db=database,
        codebook=codebook_of(database, codebook),
        options=BuildOptions(half_life_days=half_life, as_of=day),
        overrides=loaded,
    )


def _analysis(models: str | None, draws: int, iterative_draws: int, seed: int) -> Any:
    from zopa.negotiation.analysis import AnalysisOptions

    names = tuple(m.strip() for m in models.split(",") if m.strip()) if models else None
    return AnalysisOptions(models=names, draws=draws, iterative_draws=iterative_draws, seed=seed)


def _out(data: Any) -> None:
    from zopa.negotiation.service import jsonable

    print_json(jsonable(data))


def _print_evidence(evidence: Sequence[Any], limit: int, indent: str) -> None:
    """The first sentences behind a value, and how many more there are."""
    shown, more = first(evidence, limit)
    for e in shown:
        console.print(f'{indent}[dim]"{e.sentence}" ({e.cite()})[/dim]')
    if more:
        console.print(f"{indent}[dim]{more}[/dim]")


def _fmt(v: float | None, digits: int = 0) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def _cell(v: float) -> int:
    return max(0, min(WIDTH - 1, round(v / 100 * (WIDTH - 1))))


def _bar(
    position: float | None, red_line: tuple[float, float] | None, batna: float | None, colour: str
) -> Text:
    """The 0-100 scale: acceptable range (red line) as ━, position ●, expected outcome if talks fail ✕."""
    chars = ["·"] * WIDTH
    styles = ["grey50"] * WIDTH
    if red_line is not None:
        for k in range(_cell(red_line[0]), _cell(red_line[1]) + 1):
            chars[k], styles[k] = "━", colour
    if batna is not None:
        chars[_cell(batna)], styles[_cell(batna)] = "✕", f"bold {colour}"
    if position is not None:
        chars[_cell(position)], styles[_cell(position)] = "●", f"bold {colour}"
    text = Text()
    for c, s in zip(chars, styles, strict=True):
        text.append(c, style=s)
    return text


def _forecast_bar(value: float | None, lo: float | None, hi: float | None) -> Text:
    chars = [" "] * WIDTH
    if lo is not None and hi is not None:
        for k in range(_cell(lo), _cell(hi) + 1):
            chars[k] = "─"
        chars[_cell(lo)], chars[_cell(hi)] = "[", "]"
    if value is not None:
        chars[_cell(value)] = "┼"
    return Text("".join(chars), style="yellow")


@negotiation_app.command("build")
def build_cmd(
    codebook: CodebookOption = None,
    overrides: OverridesOption = None,
    as_of: AsOfOption = None,
    half_life: HalfLifeOption = 30.0,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Build the negotiation table (parties x issues) from the stored positions; every value with its source.

    Example: zopa negotiation build --overrides examples/overrides.yaml --json
    """
    from zopa.negotiation.service import build_from_db

    model = build_from_db(_source(db, codebook, overrides, as_of, half_life))
    if as_json:
        _out(model.as_dict())
        return
    t = model.table
    table = Table(title=f"{t.name}: position (salience) per party, as of {model.as_of or 'undated'}")
    table.add_column("issue")
    for actor in t.actors:
        table.add_column(actor, justify="right")
    marks = {"evidence": "", "inferred": "i", "override": "o", "default": "d", "codebook": "c"}
    for i, spec in enumerate(t.issues):
        cells = []
        for a, actor in enumerate(t.actors):
            v = model.value(actor, spec.id, "position")
            if v is None:
                cells.append("")
                continue
            rl = model.value(actor, spec.id, "red_line")
            flag = "!" if "contradiction" in v.flags else ""
            red = ""
            if rl is not None and rl.value:
                lo, hi = cast("tuple[float, float]", rl.value)  # a red line's value is its (low, high) range
                red = f" [red]▌{lo:g}-{hi:g}[/red]"
            cells.append(
                f"{t.position[a, i]:.0f}{marks.get(v.source, '')}{flag} ({t.salience[a, i]:.2f}){red}"
            )
        table.add_row(spec.id, *cells)
    console.print(table)
    caps = ", ".join(f"{a} {t.capability[k]:.3g}" for k, a in enumerate(t.actors))
    console.print(f"capability: {caps}")
    console.print(
        "[dim]i = inferred, o = override, d = default, ! = contradictory statements, ▌ red line[/dim]"
    )
    for v in model.values.values():
        if v.field == "batna":
            console.print(f"if talks fail, {v.actor} expects {v.issue} = {v.value:g}: {v.detail}")
            _print_evidence(v.evidence, 2, "  ")
    for o in model.linked_offers:
        console.print(
            f"conditional offer: {o.actor} would accept {o.issue} = {_fmt(o.value)} if it gets "
            f"{o.conditional_on} = {_fmt(o.requires)}"
        )
        _print_evidence(o.evidence, 1, "  ")
    for c in model.contradictions:
        console.print(
            f"[yellow]contradiction[/yellow] {c.actor}/{c.issue} ({c.kind}): "
            f"{', '.join(f'{x:g}' for x in c.values)}; {c.resolution}"
        )
    for ov in model.overrides:
        console.print(
            f"[magenta]override[/magenta] {ov.override.actor}/{ov.override.issue or '*'}/"
            f"{ov.override.field} = {ov.value} (was {ov.replaced}): {ov.override.reason}"
        )
    console.print(f"[dim]{model.statements_used} statements used, {len(model.skipped)} skipped[/dim]")


@negotiation_app.command("gap")
def gap_cmd(
    issue: Annotated[str | None, typer.Option("--issue", help="Only this issue.")] = None,
    models: ModelsOption = None,
    draws: DrawsOption = 500,
    iterative_draws: IterDrawsOption = 20,
    seed: SeedOption = 0,
    codebook: CodebookOption = None,
    overrides: OverridesOption = None,
    as_of: AsOfOption = None,
    half_life: HalfLifeOption = 30.0,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Per issue: each party's position, red line and no-deal expectation, and every model's forecast with its
    80% interval, drawn on the 0-100 scale so the gap shows at a glance.

    Example: zopa negotiation gap --issue donetsk-control
    """
    from zopa.negotiation.service import gap_from_db

    report = gap_from_db(
        _source(db, codebook, overrides, as_of, half_life),
        options=_analysis(models, draws, iterative_draws, seed),
    )
    if issue is not None:
        from zopa.errors import NotFoundError

        if issue not in [g.issue for g in report.issues]:
            raise NotFoundError(
                f"issue {issue!r} is not modeled; modeled: {', '.join(g.issue for g in report.issues)}"
            )
        report = type(report)(
            **{
                **{f: getattr(report, f) for f in report.__dataclass_fields__},
                "issues": tuple(g for g in report.issues if g.issue == issue),
            }
        )
    if as_json:
        _out(report.as_dict())
        return
    console.print(
        f"[bold]{report.negotiation}[/bold] as of {report.as_of or 'undated'}  "
        "[dim]● position  ━ acceptable range (red line)  ✕ expected if talks fail  "
        "[ ┼ ] forecast and interval[/dim]"
    )
    console.print(report.options["convention"], style="dim", markup=False)
    for g in report.issues:
        console.rule(f"{g.issue}: {g.label}")
        head = f"gap {g.gap:.0f} points ({g.between[0]} ↔ {g.between[1]})"
        if g.red_lines_collide:
            head += "  [bold red]red lines collide[/bold red]"
        console.print(head)
        anchors = "  ".join(f"{k}={v}" for k, v in g.anchors.items())
        if anchors:
            console.print(f"[dim]{anchors}[/dim]")
        console.print(Text(f"{'':14}0{'':{WIDTH - 4}}100", style="dim"))
        for k, p in enumerate(g.parties):
            colour = PARTY_COLOURS[k % len(PARTY_COLOURS)]
            line = Text(f"{p.actor[:13]:<14}")
            line.append(_bar(p.position, p.red_line, p.batna, colour))
            extra = f" {p.position:5.1f} s={p.salience:.2f}"
            src = p.sources.get("position", {}).get("source", "")
            if src and src != "evidence":
                extra += f" ({src})"
            line.append(extra)
            console.print(line)
        for p in g.parties:
            batna = p.sources.get("batna")
            if batna and batna.get("evidence"):
                e = batna["evidence"][0]
                console.print(
                    f'[dim]  ✕ {p.actor} expects {p.batna:g} if talks fail: "{e["sentence"]}" '
                    f"({e['cite']})[/dim]"
                )
        for f in g.forecasts:
            line = Text(f"{f.model[:13]:<14}")
            if f.error or f.reads_no_agreement:
                line.append(f.text(), style="dim")
            else:
                line.append(_forecast_bar(f.value, f.lo, f.hi))
                line.append(f" {f.text()}", style="dim")
            console.print(line)
            for note in f.notes():
                console.print(f"{'':14}{note}", style="dim", markup=False)
        for o in g.linked_offers:
            console.print(
                f"[cyan]linked:[/cyan] {o.actor} would accept {o.issue} = {_fmt(o.value)} if it gets "
                f"{o.conditional_on} = {_fmt(o.requires)}"
            )
    if report.not_modeled:
        console.print(
            f"[dim]not modeled (fewer than two parties with a position): "
            f"{', '.join(report.not_modeled)}[/dim]"
        )


@negotiation_app.command("zopa")
def zopa_cmd(
    codebook: CodebookOption = None,
    overrides: OverridesOption = None,
    as_of: AsOfOption = None,
    half_life: HalfLifeOption = 30.0,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """The zone of possible agreement per issue and as a package; if empty, the colliding red lines and
    no-deal expectations with their evidence sentences.

    Example: zopa negotiation zopa --json
    """
    from zopa.negotiation.service import zone_from_db

    z = zone_from_db(_source(db, codebook, overrides, as_of, half_life))
    if as_json:
        _out(z.as_dict())
        return
    verdict = (
        "[green]a package every party prefers to no deal exists[/green]"
        if z.exists
        else "[bold red]no package every party prefers to no deal[/bold red]"
    )
    console.print(f"[bold]{z.negotiation}[/bold]: {verdict}")
    deal = ", ".join(f"{k}={v:.0f}" for k, v in z.balanced_deal.items())
    console.print(
        f"{'balanced package' if z.exists else 'least-concession point'}: {deal} "
        f"(smallest margin {z.min_margin:+.3f})"
    )
    if not z.exists and z.colliding:
        console.print(f"colliding: {', '.join(z.colliding)}; {z.concession_text}")
    for v in z.issues:
        if not v.empty:
            console.print(f"[green]{v.issue}[/green]: zone {v.lo:.0f}-{v.hi:.0f}")
            continue
        console.print(
            f"[red]{v.issue}[/red]: no zone; colliding {', '.join(v.colliding)}; {v.concession_text}"
        )
        for lim in v.limits:
            for field in ("red_line", "batna"):
                src = lim.get(field)
                if not src:
                    continue
                what = "accepts only" if field == "red_line" else "expects if talks fail"
                val = src["value"]
                shown = f"{val[0]:g}-{val[1]:g}" if isinstance(val, list) else f"{val:g}"
                console.print(f"  {lim['actor']} {what} {shown} ({src['source']}: {src['detail']})")
                sentences, more = first(src["evidence"], 2, src.get("statements"))
                for e in sentences:
                    console.print(f'    [dim]"{e["sentence"]}" ({e["cite"]})[/dim]')
                if more:
                    console.print(f"    [dim]{more}[/dim]")
    for o in z.linked_offers:
        console.print(
            f"[cyan]conditional offer:[/cyan] {o.actor} would accept {o.issue} = {_fmt(o.value)} "
            f"if it gets {o.conditional_on} = {_fmt(o.requires)}"
        )
    if z.not_modeled:
        console.print(f"[dim]not modeled: {', '.join(z.not_modeled)}[/dim]")


@negotiation_app.command("deals")
def deals_cmd(
    top: Annotated[int, typer.Option("--top", help="Show at most this many packages.", min=1)] = 10,
    seed: SeedOption = 0,
    codebook: CodebookOption = None,
    overrides: OverridesOption = None,
    as_of: AsOfOption = None,
    half_life: HalfLifeOption = 30.0,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Package deals every party prefers to no deal (by Nash product), the trades salience differences allow,
    and the packages the parties' conditional offers describe.

    Example: zopa negotiation deals --top 5
    """
    from zopa.negotiation.analysis import AnalysisOptions
    from zopa.negotiation.service import deals_from_db

    d = deals_from_db(
        _source(db, codebook, overrides, as_of, half_life), options=AnalysisOptions(top_deals=top, seed=seed)
    )
    if as_json:
        _out(d.as_dict())
        return
    console.print(
        f"[bold]{d.negotiation}[/bold]: {d.accepted} of {d.candidates} packages beat no deal for every party"
    )
    for k, deal in enumerate(d.deals, start=1):
        outcome = ", ".join(f"{i}={v:.0f}" for i, v in deal["outcome"].items())
        margins = ", ".join(f"{a} {m:+.3f}" for a, m in deal["margins"].items())
        console.print(f"{k}. {outcome}  [dim]margins: {margins}[/dim]")
    for w in d.warnings:
        console.print(f"  [yellow]thin evidence:[/yellow] {w}")
    trades, more = first(d.trades, 10)
    if more:
        console.print(f"[dim]trades: the best {len(trades)} ({more})[/dim]")
    for tr in trades:
        console.print(
            f"trade: {tr['actor_a']} gives {tr['a_moves']:.0f} on {tr['a_gives_on']}, "
            f"{tr['actor_b']} gives {tr['b_moves']:.0f} on {tr['b_gives_on']} (each gains {tr['gain']:.3f})"
        )
        for w in tr["warnings"]:
            console.print(f"  [yellow]thin evidence:[/yellow] {w}")
    for c in d.conditional:
        verdict = (
            "[green]nobody is worse off than with no deal[/green]"
            if c.all_prefer
            else f"[red]worse off: {', '.join(c.worse_off)}[/red]"
        )
        console.print(
            f"conditional offer ({c.offer.actor}: {c.offer.issue} for {c.offer.conditional_on}): {verdict}"
        )
        console.print(f"  {c.verdict}")
        package = ", ".join(f"{i}={v:.0f}" for i, v in c.package.items())
        console.print(f"  [dim]package scored: {package}[/dim]")
        for iid in (c.offer.issue, c.offer.conditional_on):
            console.print(f"  [dim]{iid}: {c.basis.get(iid, 'not in the negotiation table')}[/dim]")
        console.print("  margins over no deal: " + ", ".join(f"{a} {m:+.3f}" for a, m in c.margins.items()))
        for w in c.warnings:
            console.print(f"  [yellow]thin evidence:[/yellow] {w}")


@negotiation_app.command("plan")
def plan_cmd(
    plan: Annotated[Path, typer.Argument(help="Plan YAML: 'plan: {issue: outcome}', optional 'terms'.")],
    codebook: CodebookOption = None,
    overrides: OverridesOption = None,
    as_of: AsOfOption = None,
    half_life: HalfLifeOption = 30.0,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Score a mediator's plan for every party: utility, margin over no deal, broken red lines (with the
    sentences that drew them), likely acceptance.

    Example: zopa negotiation plan examples/plan-us-framework-2025.yaml
    """
    from zopa.negotiation.analysis import load_plan
    from zopa.negotiation.service import plan_from_db

    proposal = load_plan(plan)  # a bad plan file is reported before the database is opened
    p = plan_from_db(_source(db, codebook, overrides, as_of, half_life), proposal)
    if as_json:
        _out(p.as_dict())
        return
    console.print(f"[bold]{p.plan.name}[/bold] scored on {p.negotiation}")
    for iid, v in p.scored.items():
        why = p.filled.get(iid) or p.plan.terms.get(iid, "")
        console.print(f"  {iid} = {v:.0f}  [dim]{why}[/dim]")
    by_reason: dict[str, list[str]] = {}
    for iid, why in p.not_modeled.items():
        by_reason.setdefault(why, []).append(iid)
    for why, iids in by_reason.items():
        console.print(f"  [dim]not scored ({why}): {', '.join(iids)}[/dim]")
    table = Table()
    for col in ("party", "utility", "no deal", "margin", "acceptance", "red lines broken"):
        table.add_column(col)
    for pv in p.parties:
        broken = ", ".join(b["issue"] for b in pv.red_lines_broken) or "-"
        table.add_row(
            pv.actor,
            f"{pv.utility:.3f}",
            f"{pv.no_deal_utility:.3f}",
            f"{pv.margin:+.3f}",
            f"{pv.acceptance:.0%}",
            broken,
        )
    console.print(table)
    for pv in p.parties:
        for b in pv.red_lines_broken:
            rl = b.get("red_line") or {}
            shown, more = first(rl.get("evidence", []), 2, rl.get("statements"))
            for e in shown:
                console.print(
                    f'[red]{pv.actor}[/red] on {b["issue"]}: "{e["sentence"]}" [dim]({e["cite"]})[/dim]'
                )
            if more:
                console.print(f"  [dim]{more}[/dim]")
    console.print(
        f"accepted by: {', '.join(p.accepted_by) or 'none'}; chance every party signs: {p.all_accept:.1%}"
    )


@negotiation_app.command("scenario")
def scenario_cmd(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario YAML: 'if talks fail' assumptions and what-ifs.")
    ],
    plan: Annotated[
        Path | None, typer.Option("--plan", help="Also report each what-if's effect on this plan.")
    ] = None,
    models: ModelsOption = None,
    codebook: CodebookOption = None,
    overrides: OverridesOption = None,
    as_of: AsOfOption = None,
    half_life: HalfLifeOption = 30.0,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """What if talks fail: each party's value of no deal month by month and when (if ever) the zone of
    agreement opens; then each what-if change (capability, salience, red line, BATNA) and what it moves.

    Example: zopa negotiation scenario examples/russia-ukraine-scenario.yaml --plan examples/plan.yaml
    """
    from zopa.negotiation.analysis import load_plan
    from zopa.negotiation.scenario import load_scenario
    from zopa.negotiation.service import scenario_from_db

    what_if = load_scenario(scenario)  # the files first, then the database
    proposal = load_plan(plan) if plan is not None else None
    report = scenario_from_db(
        _source(db, codebook, overrides, as_of, half_life),
        what_if,
        plan=proposal,
        options=_analysis(models, 0, 0, 0),
    )
    if as_json:
        _out(report.as_dict())
        return
    console.print(f"[bold]{report.scenario.name}[/bold] on {report.negotiation}")
    tf = report.talks_fail
    if tf is not None:
        console.print("[bold]assumptions[/bold]")
        for a in tf.assumptions:
            console.print(f"  {a}")
        for iid, v in tf.start.items():
            console.print(f"  [dim]start {iid} = {v:g} ({tf.start_source[iid]})[/dim]")
        table = Table(title="if talks fail: value of no deal per party, best deal margin")
        table.add_column("month", justify="right")
        for p in tf.parties:
            table.add_column(p, justify="right")
        table.add_column("best margin", justify="right")
        table.add_column("inside red lines", justify="right")
        step = max(1, len(tf.months) // 12)
        for m in tf.months[::step]:
            rl = "collide" if m.best_margin_red_lines is None else f"{m.best_margin_red_lines:+.3f}"
            style = "green" if m.best_margin >= 0 else ""
            table.add_row(
                str(m.month),
                *[f"{m.no_deal_value[p]:.3f}" for p in tf.parties],
                Text(f"{m.best_margin:+.3f}", style=style),
                rl,
            )
        console.print(table)
        console.print(f"[bold]{tf.summary()}[/bold]")
    for w in report.what_if:
        console.rule(f"what if: {w.name}")
        for ch in w.changes:
            console.print(f"  {ch.actor}/{ch.issue or '*'}/{ch.field} -> {ch.value}")
        moved = [
            m
            for m in w.movements
            if (m.delta is None and (m.before, m.after) != (None, None)) or (m.delta and abs(m.delta) > 1e-6)
        ]
        none = "none (no agreement)"
        for mv in moved:
            before = none if mv.before is None else f"{mv.before:.3f}"
            after = none if mv.after is None else f"{mv.after:.3f}"
            console.print(f"  {mv.what}: {before} -> {after}")
        if not moved:
            console.print("  nothing moves")
        console.print(
            f"  zone of agreement: {'yes' if w.zone_before else 'no'} -> {'yes' if w.zone_after else 'no'}"
        )


@negotiation_app.command("timeline")
def timeline_cmd(
    actor: Annotated[str | None, typer.Option("--actor", help="Only this party (codebook id).")] = None,
    issue: Annotated[str | None, typer.Option("--issue", help="Only this issue.")] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", help="A move of at least this many points.")
    ] = 5.0,
    codebook: CodebookOption = None,
    as_of: AsOfOption = None,
    half_life: HalfLifeOption = 30.0,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """How each party's positions moved over time, by article date, with the statements that moved them.

    Example: zopa negotiation timeline --actor russia --issue donetsk-control
    """
    from zopa.negotiation.service import timeline_from_db

    tl = timeline_from_db(
        _source(db, codebook, None, as_of, half_life), actor=actor, issue=issue, move_threshold=threshold
    )
    if as_json:
        _out(tl.as_dict())
        return
    if not tl.tracks:
        console.print("no statements")
        return
    for track in tl.tracks:
        console.print(
            f"[bold]{track.actor}[/bold] on {track.issue}" + (" (if talks fail)" if track.no_deal else "")
        )
        for p in track.points:
            mark = "[yellow]moved[/yellow]" if p.moved else "     "
            pos = "" if p.position is None else f"{_fmt(p.previous)} -> {p.position:.0f}"
            console.print(f"  {p.date or 'undated'} {mark} {pos}")
            shown, more = first(p.statements, 3)
            for e in shown:
                console.print(f'    [dim]{e.stance}: "{e.sentence}" ({e.cite()})[/dim]')
            if more:
                console.print(f"    [dim]{more}[/dim]")


@app.command("backtest")
def backtest_cmd(
    paths: Annotated[
        list[str], typer.Argument(help="Articles: files, folders, feeds (as for zopa analyze).")
    ],
    until: Annotated[
        str, typer.Option("--until", help="Use the articles published up to this day (YYYY-MM-DD).")
    ],
    outcome: Annotated[
        Path,
        typer.Option("--outcome", help="Outcome YAML: the deal's value per issue, each with its sentence."),
    ],
    codebook: CodebookOption = None,
    models: ModelsOption = None,
    draws: DrawsOption = 500,
    iterative_draws: IterDrawsOption = 20,
    seed: SeedOption = 0,
    keep_db: Annotated[
        Path | None,
        typer.Option("--keep-db", help="Analyse into this SQLite file and keep it (default: temporary)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Forecast a negotiation from the news published before a deal, and score every model per issue against
    the deal, beside a naive baseline (the mean of the parties' last stated points).

    Example: zopa backtest ../shared/corpus/us-china-trade/articles --until 2025-10-29
             --outcome examples/us-china-busan-2025-outcome.yaml
    """
    from zopa.codebook import default_codebook_path, load_codebook
    from zopa.errors import InputError
    from zopa.negotiation.backtest import backtest, load_outcome

    try:
        day = date.fromisoformat(until)
    except ValueError:
        raise InputError("--until", f"{until!r} is not a date (YYYY-MM-DD)") from None
    wanted = load_outcome(outcome)
    if codebook is None:  # the codebook the outcome is written for, when zopa ships it
        shipped = default_codebook_path().parent / f"{wanted.codebook}.yaml"
        codebook = shipped if wanted.codebook and shipped.is_file() else default_codebook_path()
    database = open_database(str(keep_db), create=True) if keep_db is not None else None
    report = backtest(
        paths,
        until=day,
        outcome=wanted,
        codebook=load_codebook(codebook),
        options=_analysis(models, draws, iterative_draws, seed),
        db=database,
    )
    if as_json:
        _out(report.as_dict())
        return
    console.print(
        f"[bold]Backtest[/bold]: {report.outcome} ({report.outcome_date}) against the news up to "
        f"{report.until}: "
        f"{report.used} of {report.articles} articles ({report.after} later, {report.undated} undated, left "
        f"out), {report.statements} statements"
    )
    console.print(report.options["convention"], style="dim", markup=False)
    names = [s.model for s in report.scores]

    def cell(f: dict[str, Any] | None) -> str:
        if f is None:
            return "-"
        if f["value"] is None:
            return "no agreement" if f["text"].startswith("no agreement") else "not run"
        return f"{f['value']:.0f} (off {f['error']:.0f})"

    for r in report.rows:
        base = "-" if r.baseline is None else f"{r.baseline:.0f} (off {r.baseline_error:.0f})"
        stated = ", ".join(f"{a} {v:g}" for a, v in r.last_stated.items())
        console.print(
            f"[bold]{r.issue}[/bold]: outcome {r.outcome:g}; baseline {base}"
            + (f" [dim](last stated: {stated})[/dim]" if stated else "")
        )
        if r.note:
            console.print(f"  {r.note}", style="dim", markup=False)
        else:
            console.print("  " + "; ".join(f"{m} {cell(r.forecasts.get(m))}" for m in names), markup=False)
    table = Table(title="mean absolute error over the outcome issues each model forecast")
    for col in ("model", "issues", "mean error", "baseline, same issues", "closer on", "beats it"):
        table.add_column(col, justify="left" if col == "model" else "right")
    for sc in report.scores:
        table.add_row(
            sc.model,
            str(sc.issues),
            "-" if sc.mae is None else f"{sc.mae:.1f}",
            "-" if sc.baseline_mae is None else f"{sc.baseline_mae:.1f}",
            f"{sc.wins} of {sc.compared}" if sc.compared else "-",
            "yes" if sc.beats_baseline else "no",
        )
    console.print(table)
    if report.baseline_mae is not None:
        covered = sum(1 for r in report.rows if r.baseline is not None)
        console.print(f"baseline: mean error {report.baseline_mae:.1f} over {covered} issues")
    console.print(report.verdict, style="bold", markup=False, soft_wrap=True)
    for problem in report.problems:
        console.print(problem, style="dim", markup=False)
