"""Codebook commands: ``codebook new``, ``try``, ``validate``, ``show``.

Thin shells over ``zopa.codebook_tools`` and ``zopa.trial``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from zopa.cli._app import JsonOption, app, console, err_console, print_json
from zopa.cli.evidence_cmds import _since

if TYPE_CHECKING:
    from zopa.trial import Trial

codebook_app = typer.Typer(help="Write, try, check and show codebooks.", no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")

CodebookFile = Annotated[Path, typer.Argument(help="Codebook YAML file.")]


@codebook_app.command("new")
def codebook_new(
    name: Annotated[str, typer.Argument(help="The negotiation's name, e.g. us-iran-2025.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write it (default: NAME.yaml here).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write a commented codebook to start from: two parties, a ministry and people who speak for them
    (with dated titles), one issue with anchors, a measure and cues; it inherits the default grammar.

    Example: zopa codebook new us-iran-2025
    """
    from zopa.codebook_tools import new_codebook

    path = new_codebook(name, output if output is not None else Path(f"{name}.yaml"), overwrite=force)
    console.print(
        f"wrote {escape(str(path))}; edit it, then try a sentence:\n"
        f'  zopa codebook try {escape(str(path))} "..." --date YYYY-MM-DD\n'
        f"  zopa codebook validate {escape(str(path))}",
        highlight=False,
    )


@codebook_app.command("try")
def codebook_try(
    file: CodebookFile,
    text: Annotated[str, typer.Argument(help="A sentence or paragraph ('-': read standard input).")],
    day: Annotated[
        str | None,
        typer.Option("--date", help="The article's date (YYYY-MM-DD): who holds a title, speaks for whom."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """What each extractor finds in a sentence with this codebook: actors and how they were resolved,
    quotes and reported speech with speakers, positions (holder, stance, issue, point, red line and the
    cues that fired), event figures, and every cue that matches.

    Example: zopa codebook try codebooks/us-china-trade.yaml "Beijing vowed to fight to the end."
    """
    from zopa.codebook import load_codebook
    from zopa.trial import try_text

    if text == "-":
        text = sys.stdin.read()
    trial = try_text(load_codebook(file), text, day=_since(day, "--date"))
    if as_json:
        print_json(trial.as_dict())
        return
    _print_trial(trial)


def _cell(value: object) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "yes"
    if isinstance(value, float):
        return f"{value:g}"
    return escape(str(value))


def _print_table(title: str, columns: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> None:
    if not rows:
        console.print(f"[bold]{title}[/bold]: none", highlight=False)
        return
    table = Table(title=f"{title} ({len(rows)})", title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    console.print(table)


def _print_trial(trial: Trial) -> None:
    when = trial.date.isoformat() if trial.date else "undated (titles: their current holders)"
    console.print(f"[bold]{escape(trial.codebook)}[/bold], {when}", highlight=False)
    actors = [(a.text, a.name, a.party, a.detail) for a in trial.actors]
    _print_table("Actors", ("text", "actor", "party", "how"), actors)
    _print_table(
        "Quotes and reported speech", ("kind", "speaker", "party", "words", "cue"),
        [(q.kind, q.speaker_name, q.party, q.text, q.cue) for q in trial.quotes],
    )
    rows: list[tuple[object, ...]] = []
    for p in trial.positions:
        point = [
            f"{p.value:g}" if p.value is not None else "",
            f"rejects {p.rejected_value:g}" if p.rejected_value is not None else "",
            f"if {p.conditional_on}" if p.conditional_on else "",
            "red line" if p.red_line else "",
        ]
        fired = [
            f"{label} '{text}'"
            for label, text in (
                ("stance", p.cue), ("issue", p.issue_cue), ("point", p.point_cue),
                ("red line", p.red_line_cue), ("condition", p.condition_cue),
            )
            if text
        ]
        holder = p.holder_name + (f" ({p.speaker})" if p.speaker else "")
        rows.append((holder, p.stance, p.issue, ", ".join(x for x in point if x), ", ".join(fired)))
    _print_table("Positions", ("holder (speaker)", "stance", "issue", "point", "cues that fired"), rows)
    _print_table(
        "Events", ("count", "what", "unit", "place", "when", "claimed by"),
        [(e.count, e.what, e.unit, e.place, e.when, e.claimed_by) for e in trial.events],
    )
    _print_table("Cues that match", ("kind", "of", "text"), [(c.kind, c.key, c.text) for c in trial.cues])
    if not trial.positions:
        issues = {c.key for c in trial.cues if c.kind == "issue"}
        why = (
            "no issue cue matches" if not issues
            else f"an issue cue matches ({', '.join(sorted(issues))}) but no holder's stance or statement "
            "takes it in its clause"
        )
        console.print(f"No positions: {why}.", highlight=False)


@codebook_app.command("validate")
def codebook_validate(
    file: CodebookFile,
    strict: Annotated[bool, typer.Option("--strict", help="Exit with status 1 on warnings.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Check a codebook: an invalid one fails naming the line and the field; a valid one lists warnings
    (cues that can never match, anchors out of order, parties without capability, issues no cue reaches).

    Example: zopa codebook validate codebooks/russia-ukraine.yaml
    """
    from zopa.codebook_tools import check_codebook_file

    check = check_codebook_file(file)
    if as_json:
        print_json({**check.as_dict(), "valid": True})
    else:
        console.print(
            f"{escape(check.file)}: valid codebook {escape(repr(check.name))} ({check.actors} actors, "
            f"{check.parties} parties, {check.issues} issues), {len(check.warnings)} warning(s)",
            highlight=False,
        )
        for w in check.warnings:
            line = f"warning: {escape(w.where)}: {escape(w.message)}"
            err_console.print(line, highlight=False, soft_wrap=True)
    if strict and check.warnings:
        raise typer.Exit(1)


@codebook_app.command("show")
def codebook_show(
    file: CodebookFile,
    as_json: JsonOption = False,
) -> None:
    """Actors (names, titles, metonyms, whether each is a party, whom it speaks for) and issues (scale
    anchors, cues) of a codebook.

    Example: zopa codebook show codebooks/russia-ukraine.yaml --json
    """
    from zopa.codebook import load_codebook

    book = load_codebook(file)
    if as_json:
        print_json(book.model_dump(mode="json", by_alias=True))
        return
    actors = Table(title=f"{book.name}: actors")
    for column in ("id", "name", "kind", "party", "aliases", "titles", "metonyms", "speaks for"):
        actors.add_column(column)
    for a in book.actors:
        titles = "; ".join(
            f"{t.title} ({t.start or '…'}–{t.end or '…'})" if t.start or t.end else t.title for t in a.titles
        )
        actors.add_row(
            a.id,
            a.name,
            a.kind,
            "yes" if a.is_party else "",
            ", ".join(a.aliases),
            titles,
            ", ".join(a.metonyms),
            ", ".join(s.party for s in a.speaks_for),
        )
    console.print(actors)
    issues = Table(title=f"{book.name}: issues")
    for column in ("id", "label", "anchors", "cues"):
        issues.add_column(column)
    for i in book.issues:
        anchors = "; ".join(f"{a.value:g}: {a.meaning}" for a in i.anchors)
        issues.add_row(i.id, i.label, anchors, str(len(i.cues)))
    console.print(issues)
