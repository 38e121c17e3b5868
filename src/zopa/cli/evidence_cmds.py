"""Evidence commands: ``quotes``, ``positions``, ``events``, ``extract``, ``eval``, ``report``.

Each command parses its options and calls one library function; ``--json`` prints the record's ``as_dict()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from zopa.cli._app import (
    CodebookOption,
    DbOption,
    JsonOption,
    app,
    codebook_of,
    console,
    open_database,
    print_json,
)
from zopa.errors import InputError

if TYPE_CHECKING:
    from zopa.store.queries import EvidenceFilter

SinceOption = Annotated[
    str | None,
    typer.Option("--since", help="Only evidence from articles published on or after this date (YYYY-MM-DD)."),
]
LimitOption = Annotated[int | None, typer.Option("--limit", help="Show at most this many items.", min=1)]


def _since(value: str | None, option: str = "--since") -> date | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)
    except ValueError:
        raise InputError(option, f"{value!r} is not a date (use YYYY-MM-DD)") from None


def _db(db: str | None, *, create: bool = False, read_only: bool | None = False) -> Any:
    """The database; only a command that stores articles (``create=True``) may create it; the listing
    commands open it ``read_only``."""
    return open_database(db, create=create, read_only=read_only)


def _codebook(path: Path | None) -> Any:
    from zopa.codebook import default_codebook_path, load_codebook

    return load_codebook(path if path is not None else default_codebook_path())


def _actor_id(database: Any, value: str | None) -> str | None:
    """An actor id from an id or a name ("russia", "Russia", "Vladimir Putin")."""
    if value is None:
        return None
    from zopa.store.queries import list_actors

    wanted = " ".join(value.split()).casefold()
    for actor in list_actors(database):
        if actor.id.casefold() == wanted or actor.name.casefold() == wanted:
            return actor.id
    return value


def _show_listing(
    database: Any,
    row: type[Any],
    where: EvidenceFilter,
    as_json: bool,
    columns: tuple[str, ...],
    cells: Callable[[Any], tuple[str, ...]],
) -> None:
    """One listing (:func:`zopa.store.queries.listing`) as JSON (``total`` and ``items``) or a table."""
    from zopa.store.queries import listing

    page = listing(database, row, where)
    if as_json:
        print_json({"total": page.total, "items": [item.as_dict() for item in page.items]})
        return
    table = Table(title=f"{row.__name__.removesuffix('Row')}s ({page.total})")
    for column in columns:
        table.add_column(column)
    for item in page.items:
        table.add_row(*cells(item))
    console.print(table)


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value is not None else ""


@app.command("quotes")
def quotes_cmd(
    speaker: Annotated[str | None, typer.Option("--speaker", help="Speaker: actor id or name.")] = None,
    since: SinceOption = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="Only articles from this outlet.")] = None,
    corroborated: Annotated[
        bool,
        typer.Option(
            "--corroborated",
            help="Quotes carried by two or more articles: outlets, independent sources, first and last date.",
        ),
    ] = False,
    limit: LimitOption = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Direct quotes with their speakers and sources.

    Example: zopa quotes --speaker putin --since 2025-12-01 --json
    """
    from zopa.store.queries import EvidenceFilter
    from zopa.store.rows import QuoteRow

    day = _since(since)  # the arguments first: a bad one is named before the database is looked for
    if corroborated:
        from zopa.cli.tracking_cmds import corroborated_quotes, print_corroborated_quotes

        groups = corroborated_quotes(_db(db), speaker=speaker, since=day, outlet=outlet, limit=limit)
        print_corroborated_quotes(groups, as_json)
        return

    _show_listing(
        _db(db, read_only=True),
        QuoteRow,
        EvidenceFilter(speaker=speaker, outlet=outlet, since=day, limit=limit),
        as_json,
        ("speaker", "quote", "kind", "source", "date", "doc"),
        lambda q: (
            q.speaker_name or q.speaker or "?",
            q.text,
            q.kind,
            q.outlet or q.title,
            _day(q.published),
            str(q.document),
        ),
    )


@app.command("positions")
def positions_cmd(
    actor: Annotated[str | None, typer.Option("--actor", help="Party: actor id or name.")] = None,
    issue: Annotated[str | None, typer.Option("--issue", help="Codebook issue id.")] = None,
    since: SinceOption = None,
    rows: Annotated[
        bool, typer.Option("--list", help="List each position with its evidence sentence.")
    ] = False,
    corroborated: Annotated[
        int | None,
        typer.Option(
            "--corroborated",
            help="Claims (party, issue, stance, point) carried by at least N independent sources.",
            min=1,
        ),
    ] = None,
    limit: LimitOption = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Party x issue matrix: dominant stance and evidence count per cell (or, with --list, every position).

    Example: zopa positions --issue nato-membership --list --json
    """
    from zopa.store.queries import EvidenceFilter, position_matrix
    from zopa.store.rows import PositionRow

    day = _since(since)  # a bad date is named before the database is looked for
    database = _db(db, read_only=corroborated is None)
    if corroborated is not None:
        from zopa.cli.tracking_cmds import corroborated_claims, print_corroborated_claims

        groups = corroborated_claims(database, corroborated, actor=actor, issue=issue, since=day, limit=limit)
        print_corroborated_claims(groups, corroborated, as_json)
        return
    where = EvidenceFilter(actor=_actor_id(database, actor), issue=issue, since=day)
    if rows:
        _show_listing(
            database,
            PositionRow,
            replace(where, limit=limit),
            as_json,
            ("party", "issue", "stance", "red line", "speaker", "evidence", "doc"),
            lambda p: (
                p.actor_name or p.actor,
                p.issue,
                p.stance + (f" if {p.conditional_on}" if p.conditional_on else ""),
                "yes" if p.red_line else "",
                p.speaker_name or "",
                p.evidence,
                str(p.document),
            ),
        )
        return
    matrix = position_matrix(database, where)
    if as_json:
        print_json(matrix.as_dict())
        return
    if not matrix.cells:
        console.print("No positions found.")
        return
    # issues as rows and parties as columns: there are few parties and many issues
    table = Table(title="Positions: dominant stance (evidence count; RL = red line)")
    table.add_column("issue")
    for a in matrix.actors:
        table.add_column(matrix.actor_names.get(a, a))
    for i in matrix.issues:
        cells = []
        for a in matrix.actors:
            cell = matrix.cell(a, i)
            red = " RL" if cell is not None and cell.red_line else ""
            cells.append("" if cell is None else f"{cell.stance} ({cell.total}){red}")
        table.add_row(i, *cells)
    console.print(table)


@app.command("events")
def events_cmd(
    what: Annotated[
        str | None, typer.Option("--what", help="Only events whose description contains this.")
    ] = None,
    since: SinceOption = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="Only articles from this outlet.")] = None,
    limit: LimitOption = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Reported figures (people injured, drones launched, ...) with place, time and who claims them.

    Example: zopa events --what drones --json
    """
    from zopa.store.queries import EvidenceFilter
    from zopa.store.rows import EventRow

    def cells(e: EventRow) -> tuple[str, ...]:
        count = "" if e.count is None else f"{e.qualifier} {e.count:g}" if e.qualifier else f"{e.count:g}"
        return count, e.what, e.unit or "", e.place or "", e.when or "", e.claimed_by or "", str(e.document)

    where = EvidenceFilter(what=what, outlet=outlet, since=_since(since), limit=limit)
    _show_listing(
        _db(db, read_only=True),
        EventRow,
        where,
        as_json,
        ("count", "what", "unit", "place", "when", "claimed by", "doc"),
        cells,
    )


@app.command("extract")
def extract_cmd(
    codebook: CodebookOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-run on every document, changed codebook or not.")
    ] = False,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Re-run extraction on stored documents whose evidence came from another codebook (all with --force).

    Example: zopa extract --codebook my-codebook.yaml --json
    """
    from zopa.pipeline import extract_stored

    database = _db(db)
    result = extract_stored(database, codebook=codebook_of(database, codebook), force=force)
    if as_json:
        print_json(result.as_dict())
        return
    for key, value in result.as_dict().items():
        console.print(f"{key}: {value}")


@app.command("eval")
def eval_cmd(
    annotations: Annotated[
        Path,
        typer.Argument(
            help="Annotation YAML file, or a folder holding gold.yaml and its articles (articles.jsonl or "
            "articles/)."
        ),
    ],
    articles: Annotated[
        Path | None, typer.Option("--articles", help="Folder of the articles (default: beside the YAML).")
    ] = None,
    codebook: CodebookOption = None,
    min_quote_words: Annotated[
        int,
        typer.Option("--min-quote-words", min=1, help="Score only quotes of at least this many words."),
    ] = 1,
    show: Annotated[
        str,
        typer.Option(
            "--show",
            help="What to list after the figures: 'missed' (gold items not found), 'extra' (found, not in "
            "the gold), 'both' or 'none'.",
        ),
    ] = "missed",
    per_article: Annotated[
        bool, typer.Option("--per-article", help="Also print each article's figures.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Quotes, speakers, positions (party and issue, with stance), values, red lines, conditional offers
    and events against hand annotations (no database).

    Example: zopa eval ../shared/corpus/ru-ua --per-article
    """
    from zopa.evaluate import EvalOptions, evaluate

    if show not in {"missed", "extra", "both", "none"}:
        raise typer.BadParameter("must be one of missed, extra, both, none", param_hint="--show")
    report = evaluate(
        annotations,
        articles_dir=articles,
        codebook=_codebook(codebook),
        options=EvalOptions(min_quote_words=min_quote_words),
    )
    if as_json:
        print_json(report.as_dict())
        return
    rows = [("OVERALL", report.overall, report.overall_ratios)]
    if per_article:
        rows = [*((a.name, a.scores, a.ratios) for a in report.articles), *rows]
    table = Table(title=f"Evaluation against {report.annotations} ({report.codebook})")
    for column in ("article", "metric", "tp", "fp", "fn", "precision", "recall", "F1"):
        table.add_column(column)
    for name, scores, ratios in rows:
        for metric, s in scores.items():
            table.add_row(
                name,
                metric,
                str(s.tp),
                str(s.fp),
                str(s.fn),
                f"{s.precision:.2f}",
                f"{s.recall:.2f}",
                f"{s.f1:.2f}",
            )
        for metric, r in ratios.items():
            error = f" (mean error {r.mean_error:.1f})" if r.mean_error is not None else ""
            table.add_row(name, metric, f"{r.hits}/{r.total}", "", "", "", f"{r.rate:.2f}{error}", "")
    console.print(table)
    console.print(f"annotated non-quotes taken as quotes: {report.not_quotes_taken}")
    for a in report.articles:
        lists = []
        if show in {"missed", "both"}:
            lists.append(("missed", "red", a.missed))
        if show in {"extra", "both"}:
            lists.append(("extra", "yellow", a.extra))
        for label, colour, found in lists:
            for metric, items in found.items():
                for item in items:
                    console.print(
                        f"[{colour}]{label}[/{colour}] {a.name} {metric}: {escape(item)}",
                        highlight=False,
                        soft_wrap=True,
                    )


@app.command("report")
def report_cmd(
    html: Annotated[Path, typer.Option("--html", help="Write the report to this HTML file.")],
    since: SinceOption = None,
    codebook: CodebookOption = None,
    title: Annotated[str, typer.Option("--title", help="Page title.")] = "zopa report",
    plan: Annotated[
        Path | None,
        typer.Option("--plan", help="Negotiation: also score this plan (YAML)."),
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="Negotiation: 'if talks fail' scenario (YAML)."),
    ] = None,
    overrides: Annotated[
        Path | None, typer.Option("--overrides", help="Negotiation: analyst overrides (YAML) with reasons.")
    ] = None,
    models: Annotated[
        str | None, typer.Option("--models", help="Comma-separated model names (default: every model).")
    ] = None,
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws, vectorised models.", min=0)] = 500,
    iterative_draws: Annotated[
        int, typer.Option("--iterative-draws", help="Monte Carlo draws, models run draw by draw.", min=0)
    ] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (results are reproducible).")] = 0,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """One self-contained HTML page that opens with the answers per story, then the positions matrix, quotes
    by speaker, events and stories, each linked to its sentence; how positions moved (a chart per issue, every
    shift) and the contradictions; then the negotiation (gap charts with every model's forecast, the same as
    `zopa negotiation gap` for the same --seed and draws; zone of agreement, deals, plan scorecard, if talks
    fail, timeline, assumptions).

    Example: zopa report --html report.html --plan examples/plan-us-framework-2025.yaml
    """
    from zopa.negotiation.analysis import AnalysisOptions, load_plan
    from zopa.negotiation.overrides import load_overrides
    from zopa.negotiation.report import full_report_sections
    from zopa.negotiation.scenario import load_scenario
    from zopa.report import write_report
    from zopa.shifts_report import shifts_sections

    day = _since(since)
    # the files first (a mistake in one is named before the database is looked for), then the database:
    # written only if it can be (the forecasts are stored for the dashboard and the next report)
    loaded_plan = load_plan(plan) if plan is not None else None
    loaded_scenario = load_scenario(scenario) if scenario is not None else None
    loaded_overrides = load_overrides(overrides) if overrides is not None else None
    database = _db(db, read_only=None)
    book = codebook_of(database, codebook)
    names = tuple(m.strip() for m in models.split(",") if m.strip()) if models else None
    sections = full_report_sections(
        book,
        shifts=shifts_sections(book),
        plan=loaded_plan,
        scenario=loaded_scenario,
        overrides=loaded_overrides,
        analysis=AnalysisOptions(models=names, draws=draws, iterative_draws=iterative_draws, seed=seed),
    )
    info = write_report(database, html, sections=sections, since=day, title=title, codebook=book)
    if as_json:
        print_json(info.as_dict())
        return
    console.print(f"wrote {info.path} ({info.bytes:,} bytes; {info.documents} documents)")
