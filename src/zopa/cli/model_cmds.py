"""``zopa model run|compare|zopa|deals|score-plan|list``: the negotiation models on a table file.

Each command reads its table (zopa YAML/CSV, KTAB CSV/XML, Decide) and calls one library function.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from zopa.cli._app import AddressOption, EngineOption, JsonOption, console, print_json, ray_engine, sub_app
from zopa.errors import ModelInputError
from zopa.listing import first
from zopa.models import FORMATS

model_app = sub_app(
    "model", "Negotiation models on a table file: forecasts, zone of agreement, deals, plans."
)

FileArg = Annotated[
    Path, typer.Argument(help="Negotiation table: zopa YAML/CSV, KTAB CSV/XML or Decide file.")
]
FormatOption = Annotated[
    str | None, typer.Option("--format", help=f"Force the file format: {', '.join(FORMATS)}.")
]


def _params(items: list[str] | None) -> dict[str, Any]:
    import yaml

    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise ModelInputError(f"--param {item!r}: expected KEY=VALUE")
        k, v = item.split("=", 1)
        out[k.strip()] = yaml.safe_load(v)
    return out


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


@model_app.command("run")
def run_cmd(
    file: FileArg,
    model: Annotated[
        str, typer.Option("--model", "-m", help="Model name, e.g. compromise.v1 (see `zopa model list`).")
    ] = "compromise.v1",
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Model option KEY=VALUE (repeatable).")
    ] = None,
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws (0 = a single run).", min=0)] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for Monte Carlo.")] = 0,
    spread: Annotated[
        float | None,
        typer.Option("--spread", help="Position spread (sd, points) for values without their own."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="Threads for vectorised models (default: all cores); processes for the others (default: 1; "
            "0 = all cores); with --engine ray, Ray tasks at once (default 2). Results do not depend on it.",
            min=0,
        ),
    ] = None,
    antithetic: Annotated[
        bool,
        typer.Option("--antithetic", help="Monte Carlo draws in mirrored pairs (half the random numbers)."),
    ] = False,
    engine: EngineOption = "local",
    address: AddressOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run one model; with --draws, a Monte Carlo median and 80% interval per issue.

    Example: zopa model run examples/negotiation.yaml --model nash.v1 --draws 2000 --seed 1
    """
    from zopa.models.montecarlo import simulate
    from zopa.models.readers import read_negotiation
    from zopa.models.registry import run_model

    runner = ray_engine(engine, address, workers)
    table = read_negotiation(file, format=fmt)
    params = _params(param)
    if draws:
        mc = simulate(
            table,
            model,
            draws=draws,
            seed=seed,
            spread=spread,
            workers=workers,
            params=params,
            antithetic=antithetic,
            engine=runner,
        )
        if as_json:
            print_json(mc.as_dict())
            return
        t = Table(title=f"{model} on {table.name}: {draws} draws, seed {seed} ({mc.method})")
        for col in ("issue", "point", "median", "10%", "90%"):
            t.add_column(col, justify="left" if col == "issue" else "right")
        for iid in table.issue_ids:
            t.add_row(iid, _fmt(mc.point[iid]), _fmt(mc.median[iid]), _fmt(mc.lo[iid]), _fmt(mc.hi[iid]))
        console.print(t)
        return
    result = run_model(model, table, **params)
    if as_json:
        print_json(result.as_dict())
        return
    t = Table(title=f"{model} on {table.name}")
    t.add_column("issue")
    t.add_column("forecast", justify="right")
    for iid in table.issue_ids:
        t.add_row(iid, _fmt(result.forecast[iid]))
    console.print(t)
    if result.history:
        console.print(f"{len(result.history)} rounds/states in the history (see --json)")


@model_app.command("compare")
def compare_cmd(file: FileArg, fmt: FormatOption = None, as_json: JsonOption = False) -> None:
    """Every registered model's forecast side by side.

    Example: zopa model compare examples/negotiation.yaml
    """
    from zopa.models.readers import read_negotiation
    from zopa.models.registry import compare_models

    cmp = compare_models(read_negotiation(file, format=fmt))
    if as_json:
        print_json(cmp.as_dict())
        return
    t = Table(title=f"Models on {cmp.inputs}")
    t.add_column("issue")
    for m in cmp.results:
        t.add_column(m, justify="right")
    for iid in cmp.issues:
        t.add_row(iid, *[_fmt(r.forecast.get(iid)) for r in cmp.results.values()])
    console.print(t)
    for m, err in cmp.errors.items():
        console.print(f"[yellow]{m}: {err}[/yellow]")


@model_app.command("zopa")
def zopa_cmd(file: FileArg, fmt: FormatOption = None, as_json: JsonOption = False) -> None:
    """Zone of possible agreement per issue and as a package; if empty, who collides and the least concession.

    Example: zopa model zopa examples/negotiation.yaml
    """
    from zopa.models.agreement import zone_of_agreement
    from zopa.models.readers import read_negotiation

    z = zone_of_agreement(read_negotiation(file, format=fmt))
    if as_json:
        print_json(z.as_dict())
        return
    t = Table(title=f"Zone of agreement: {z.negotiation}")
    for col in ("issue", "alone: zone", "alone: colliding / concession", "in a package"):
        t.add_column(col)
    for iz in z.issues:
        alone = f"{iz.lo:.1f}-{iz.hi:.1f}" if not iz.empty else "empty"
        coll = "" if not iz.empty else f"{', '.join(iz.colliding)} / {iz.concession:.1f} pts"
        rng = z.ranges.get(iz.issue)
        t.add_row(iz.issue, alone, coll, f"{rng[0]:.1f}-{rng[1]:.1f}" if rng else "-")
    console.print(t)
    deal = ", ".join(f"{k} {v:.1f}" for k, v in z.balanced_deal.items())
    if z.exists:
        console.print(
            f"A package every actor prefers to no deal exists; most balanced: {deal} "
            f"(smallest margin {z.min_margin:.3f})"
        )
    else:
        console.print(
            f"No package every actor accepts. Colliding: {', '.join(z.colliding)}; smallest total "
            f"concession {z.concession:.1f} points ({deal})"
        )


@model_app.command("deals")
def deals_cmd(
    file: FileArg,
    top: Annotated[int, typer.Option("--top", min=1)] = 10,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Package deals every actor prefers to no deal, ranked by the Nash product, and possible trades.

    Example: zopa model deals examples/negotiation.yaml --top 5
    """
    from zopa.models.agreement import package_deals
    from zopa.models.readers import read_negotiation

    rep = package_deals(read_negotiation(file, format=fmt), top=top)
    if as_json:
        print_json(rep.as_dict())
        return
    t = Table(title=f"Package deals: {rep.negotiation} ({rep.accepted} of {rep.candidates} acceptable)")
    t.add_column("#", justify="right")
    issues = list(rep.deals[0].outcome) if rep.deals else []
    for iid in issues:
        t.add_column(iid, justify="right")
    t.add_column("log Nash product", justify="right")
    t.add_column("smallest margin", justify="right")
    for k, d in enumerate(rep.deals, 1):
        t.add_row(
            str(k), *[_fmt(d.outcome[i]) for i in issues], f"{d.nash_log_product:.2f}", f"{d.min_margin:.3f}"
        )
    console.print(t)
    if not rep.deals:
        console.print("No package found that every actor prefers to no deal (see `zopa model zopa`).")
    trades, more = first(rep.trades, top)
    if more:
        console.print(f"[dim]trades: the best {len(trades)} ({more})[/dim]")
    for tr in trades:
        console.print(
            f"trade: {tr.actor_a} gives {tr.a_moves:.1f} on {tr.a_gives_on}, {tr.actor_b} gives "
            f"{tr.b_moves:.1f} on {tr.b_gives_on}: each gains {tr.gain:.3f}"
        )


@model_app.command("score-plan")
def score_plan_cmd(
    file: FileArg,
    plan: Annotated[Path, typer.Argument(help="Plan YAML: issue id -> outcome.")],
    fmt: FormatOption = None,
    as_json: JsonOption = False,
) -> None:
    """Each actor's utility, margin over no deal, red lines broken and likely acceptance of a proposal.

    Example: zopa model score-plan examples/negotiation.yaml examples/plan.yaml
    """
    from zopa.models.agreement import score_plan
    from zopa.models.readers import read_negotiation, read_plan

    score = score_plan(read_negotiation(file, format=fmt), read_plan(plan))
    if as_json:
        print_json(score.as_dict())
        return
    t = Table(title=f"Plan on {score.negotiation}: " + ", ".join(f"{k} {v:g}" for k, v in score.plan.items()))
    for col in ("actor", "utility", "no deal", "margin", "red lines broken", "acceptance"):
        t.add_column(col, justify="left" if col in ("actor", "red lines broken") else "right")
    for a in score.actors:
        t.add_row(
            a.actor,
            f"{a.utility:.3f}",
            f"{a.no_deal_utility:.3f}",
            f"{a.margin:+.3f}",
            ", ".join(a.red_lines_broken) or "-",
            f"{a.acceptance:.2f}",
        )
    console.print(t)
    console.print(
        f"accepted by {len(score.accepted_by)} of {len(score.actors)} (capability share "
        f"{score.support_share:.0%}); chance all accept {score.all_accept:.2f}"
    )


@model_app.command("list")
def list_cmd(as_json: JsonOption = False) -> None:
    """The registered models.

    Example: zopa model list --json
    """
    from zopa.models.registry import model_names, model_summary

    names = model_names()
    if as_json:
        print_json([{"name": n, "summary": model_summary(n)} for n in names])
        return
    t = Table(title="Models")
    t.add_column("name")
    t.add_column("what it does")
    for n in names:
        t.add_row(n, model_summary(n))
    console.print(t)
