"""Following a negotiation as it moves: ``shifts``, ``contradictions``, ``watch``, and the corroborated
listings behind ``zopa quotes --corroborated`` and ``zopa positions --corroborated N``.

Each command parses its options and calls one library function (:mod:`zopa.shifts`, :mod:`zopa.corroborate`,
:mod:`zopa.watch`); ``--json`` prints the records' ``as_dict()``.
"""

from __future__ import annotations

import signal
import threading
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from zopa.cli._app import DbOption, JsonOption, app, console, err_console, print_json
from zopa.cli.evidence_cmds import CodebookOption, SinceOption, _actor_id, _codebook, _db, _since

ActorOption = Annotated[str | None, typer.Option("--actor", help="Party: actor id or name.")]
IssueOption = Annotated[str | None, typer.Option("--issue", help="Codebook issue id.")]


def _day(value: Any) -> str:
    return value.date().isoformat() if value is not None else "undated"


def _cited(label: str, c: Any) -> str:
    return f"  [dim]{label}[/dim] {escape(c.cite())}: {escape(c.text)}"


@app.command("shifts")
def shifts_cmd(
    since: SinceOption = None,
    actor: ActorOption = None,
    issue: IssueOption = None,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Points a stated position must move to count.", min=0.001)
    ] = 10.0,
    series: Annotated[
        bool, typer.Option("--series", help="Also print each party's dated series on each issue.")
    ] = False,
    codebook: CodebookOption = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Moves in each party's stated positions: points moved, red lines drawn or dropped, new conditional
    offers, stances turned; each with the sentence before and after.

    Example: zopa shifts --since 2025-01-01 --actor russia
    """
    from zopa.shifts import ShiftOptions, changes_from_db

    database = _db(db)
    changes = changes_from_db(
        database,
        codebook=_codebook(codebook),
        options=ShiftOptions(threshold=threshold),
        actor=_actor_id(database, actor),
        issue=issue,
    ).since(_since(since))
    if as_json:
        data = changes.as_dict()
        data.pop("contradictions")
        if not series:
            data.pop("series")
        print_json(data)
        return
    if series:
        for track in changes.series:
            console.print(f"[bold]{escape(track.actor)} · {escape(track.issue)}[/bold]")
            for step in track.steps:
                moved = f" [yellow]{', '.join(step.changes)}[/yellow]" if step.changes else ""
                s = step.statement
                console.print(f"  {step.date} {escape(s.point())}{moved}  {escape(s.cite())}")
        console.print()
    if not changes.shifts:
        console.print("No shifts found.")
    for shift in changes.shifts:
        console.print(f"[bold]{shift.date}[/bold] {escape(shift.change)}: {escape(shift.summary)}")
        if shift.before is not None:
            console.print(_cited("before", shift.before))
        console.print(_cited("after ", shift.after))
    if changes.undated:
        console.print(f"[dim]{changes.undated} undated statements left out of the series.[/dim]")


@app.command("contradictions")
def contradictions_cmd(
    since: SinceOption = None,
    actor: ActorOption = None,
    issue: IssueOption = None,
    window: Annotated[
        int, typer.Option("--window", help="Days apart two statements may be to contradict.", min=0)
    ] = 14,
    gap: Annotated[
        float, typer.Option("--gap", help="Points apart that positions contradict.", min=0)
    ] = 25.0,
    codebook: CodebookOption = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Statements of one party on one issue that cannot both hold (within --window days), and quotes
    attributed to two speakers; each with both sentences.

    Example: zopa contradictions --actor russia --window 7 --json
    """
    from zopa.shifts import ShiftOptions, changes_from_db

    database = _db(db)
    changes = changes_from_db(
        database,
        codebook=_codebook(codebook),
        options=ShiftOptions(window_days=window, contradiction_gap=gap),
        actor=_actor_id(database, actor),
        issue=issue,
    ).since(_since(since))
    if as_json:
        print_json(
            {"total": len(changes.contradictions), "items": [c.as_dict() for c in changes.contradictions]}
        )
        return
    if not changes.contradictions:
        console.print("No contradictions found.")
    for c in changes.contradictions:
        console.print(f"[bold]{escape(c.change)}[/bold]: {escape(c.summary)}")
        console.print(_cited("first ", c.first))
        console.print(_cited("second", c.second))


def corroborated_quotes(
    database: Any, *, speaker: str | None, since: date | None, outlet: str | None, limit: int | None
) -> list[Any]:
    """Quote groups carried by two or more articles, filtered as ``zopa quotes`` filters quotes."""
    from zopa.corroborate import corroborate_db

    wanted = _actor_id(database, speaker)
    groups = [
        g
        for g in corroborate_db(database).quotes
        if (wanted is None or g.speaker == wanted)
        and (since is None or (g.latest is not None and g.latest.date() >= since))
        and (outlet is None or any((c.outlet or "").casefold() == outlet.casefold() for c in g.carriers))
    ]
    return groups[:limit] if limit else groups


def print_corroborated_quotes(groups: list[Any], as_json: bool) -> None:
    if as_json:
        print_json({"total": len(groups), "items": [g.as_dict() for g in groups]})
        return
    table = Table(title=f"Quotes carried by two or more articles ({len(groups)})")
    for column in ("speaker", "quote", "articles", "independent", "outlets", "first", "latest"):
        table.add_column(column)
    for g in groups:
        table.add_row(
            g.speaker,
            g.text,
            str(g.articles),
            str(g.independent_sources),
            ", ".join(g.outlets),
            _day(g.first),
            _day(g.latest),
        )
    console.print(table)


def corroborated_claims(
    database: Any,
    minimum: int,
    *,
    actor: str | None,
    issue: str | None,
    since: date | None,
    limit: int | None,
) -> list[Any]:
    """Claims carried by at least ``minimum`` independent sources."""
    from zopa.corroborate import corroborate_db

    found = corroborate_db(database, actor=_actor_id(database, actor), issue=issue, quotes=False)
    groups = [
        g
        for g in found.corroborated(minimum)
        if since is None or (g.latest is not None and g.latest.date() >= since)
    ]
    return groups[:limit] if limit else groups


def print_corroborated_claims(groups: list[Any], minimum: int, as_json: bool) -> None:
    if as_json:
        print_json({"total": len(groups), "items": [g.as_dict() for g in groups]})
        return
    table = Table(title=f"Claims with at least {minimum} independent sources ({len(groups)})")
    for column in (
        "party",
        "issue",
        "stance",
        "value",
        "independent",
        "articles",
        "outlets",
        "first",
        "latest",
    ):
        table.add_column(column)
    for g in groups:
        value = "" if g.value is None else f"{g.value:g}"
        stance = g.stance + (f" if {g.conditional_on}" if g.conditional_on else "")
        table.add_row(
            g.actor,
            g.issue,
            stance,
            value,
            str(g.independent_sources),
            str(g.articles),
            ", ".join(g.outlets),
            _day(g.first),
            _day(g.latest),
        )
    console.print(table)


@app.command("watch")
def watch_cmd(
    feeds: Annotated[list[str], typer.Argument(help="RSS/Atom feed URLs or feed files.", show_default=False)],
    every: Annotated[
        str, typer.Option("--every", help="Time between polls of a feed: 30s, 15m, 1h.")
    ] = "15m",
    log: Annotated[Path, typer.Option("--log", help="JSON Lines file the alerts are appended to.")] = Path(
        "zopa-alerts.jsonl"
    ),
    webhook: Annotated[
        str | None, typer.Option("--webhook", help="URL that receives each alert as a JSON POST.")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Poll each feed once, then exit.")] = False,
    max_backoff: Annotated[
        str, typer.Option("--max-backoff", help="The longest wait after failed polls.")
    ] = "6h",
    fetch_links: Annotated[
        bool,
        typer.Option(
            "--fetch-links/--no-fetch-links", help="Read an item's page when the feed gives only a summary."
        ),
    ] = True,
    allow_private_urls: Annotated[
        bool,
        typer.Option(
            "--allow-private-urls", help="Also read item pages on this machine or a private network."
        ),
    ] = False,
    codebook: CodebookOption = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Poll feeds, analyse new items and raise an alert (terminal line, JSON Lines log, optional webhook)
    for every shift and contradiction they bring; state lives in the database, so a restart resumes.

    Example: zopa watch https://example.org/feed.xml --every 15m --log alerts.jsonl
    """
    from zopa.watch import Watcher, WatchOptions, parse_duration

    options = WatchOptions(
        every=parse_duration(every),
        max_backoff=parse_duration(max_backoff, what="--max-backoff"),
        log=log,
        webhook=webhook,
        fetch_links=fetch_links,
        allow_private_urls=allow_private_urls,
    )
    database = _db(db, create=True)  # it stores what it reads
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    say = _say_to(err_console if as_json else console)  # with --json, stdout holds only the report
    watcher = Watcher(database, feeds, codebook=_codebook(codebook), options=options, out=say)
    try:
        if not once:
            say(f"zopa watch: {len(watcher.feeds)} feed(s) every {every}; alerts to {log}. Ctrl-C stops.")
        report = watcher.run(once=once, stop=stop)
    finally:
        watcher.close()
        signal.signal(signal.SIGTERM, previous)
    if as_json:
        print_json(report.as_dict())


def _say_to(target: Any) -> Any:
    def say(line: str) -> None:
        target.print(escape(line), soft_wrap=True, highlight=False)

    return say
