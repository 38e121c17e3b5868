"""Pipeline commands: ``analyze``, ``ingest``, ``stories``, ``show``, ``export``.

Each command parses its options and calls one library function (``zopa.pipeline`` or ``zopa.store``);
``--json`` prints the returned record's ``as_dict()``. Inputs that cannot be read are printed one line each on
standard error (``zopa: error: SOURCE: problem``) after the good ones are stored, and the exit status is 1.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from zopa.cli._app import (
    AddressOption,
    CodebookOption,
    DbOption,
    EngineOption,
    JsonOption,
    app,
    codebook_of,
    console,
    db_default,
    err_console,
    open_database,
    print_json,
    ray_engine,
)
from zopa.errors import InputError

PathsArgument = Annotated[
    list[str],
    typer.Argument(
        help="Files, folders (read recursively), '-' for standard input, or http(s) URLs.", show_default=False
    ),
]
MaxMbOption = Annotated[
    float, typer.Option("--max-mb", help="Refuse any document larger than this many megabytes.", min=0.001)
]
PrivateUrlsOption = Annotated[
    bool,
    typer.Option(
        "--allow-private-urls",
        help="Also fetch URLs on this machine or a private network (refused by default).",
    ),
]


def _open(db: str | None, *, create: bool = False, read_only: bool = False) -> Any:
    return open_database(db, create=create, read_only=read_only)


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A Rich progress bar on standard error while a long run goes on (only on a terminal)."""
    if not enabled or not err_console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[label]}", style="dim"),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int | None, label: str) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total, label="")
            bar.update(tasks[stage], completed=done, total=total, label=label[-60:])

        yield update


def _report_errors(errors: Any) -> None:
    for problem in errors:
        err_console.print(
            f"zopa: error: {problem.source}: {problem.problem}", markup=False, highlight=False, soft_wrap=True
        )


def _options(cls: Any, max_mb: float, progress: Any, **extra: Any) -> Any:
    return cls(max_bytes=int(max_mb * 1024 * 1024), progress=progress, **extra)


@app.command("analyze")
def analyze_cmd(
    paths: PathsArgument,
    codebook: CodebookOption = None,
    force: Annotated[bool, typer.Option("--force", help="Re-extract every stored document.")] = False,
    max_mb: MaxMbOption = 20.0,
    allow_private_urls: PrivateUrlsOption = False,
    engine: EngineOption = "local",
    address: AddressOption = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="With --engine ray: extraction workers (default 2).", min=1),
    ] = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Ingest articles, extract evidence with the codebook, group stories, and answer the first questions per
    story: each issue's gap and zone of agreement (which red lines collide), a package every party prefers
    to no deal (or the concession that would open one), the conditional offers, what each side expects if
    talks fail, each with its strongest sentence (--json: the same as JSON).

    Example: zopa analyze ../shared/seeds --db zopa.db; zopa analyze news/ --engine ray --workers 8
    """
    from zopa import kept_views
    from zopa.negotiation.summary import answer_summary
    from zopa.pipeline import AnalyzeOptions, analyze

    runner = ray_engine(engine, address, workers)
    _refuse_if_nothing_to_read(paths)
    database = _open(db, create=True)
    book = codebook_of(database, codebook)
    with _progress(not as_json) as progress:
        report = analyze(
            paths,
            database,
            codebook=book,
            options=_options(
                AnalyzeOptions,
                max_mb,
                progress,
                force_extract=force,
                allow_private_urls=allow_private_urls,
                engine=runner,
            ),
        )
    read_any = bool(report.ingest.documents)
    summary = None
    if read_any:  # the refresh that ends the analysis kept it; computed here only when it could not
        summary = kept_views.kept_summary(database, kept_views.reading_of(book)) or answer_summary(
            database, book
        )
    if as_json:
        print_json(report.as_dict() | {"ok": report.ok, "summary": summary.as_dict() if summary else None})
    elif read_any:
        ing, ext, st = report.ingest, report.extract, report.stats
        console.print(
            f"[bold]zopa analyze[/]: {len(ing.added)} documents added "
            f"({len(ing.near_duplicates)} near-duplicates), "
            f"{len(ing.duplicates)} already stored; found {ext.counts.get('quotes', 0)} quotes, "
            f"{ext.counts.get('positions', 0)} positions, {ext.counts.get('events', 0)} event figures; "
            f"{database.url} holds {st.documents} documents in {st.stories} "
            f"{'story' if st.stories == 1 else 'stories'}"
            + (f"; {len(report.errors)} inputs with errors" if report.errors else "")
        )
        assert summary is not None
        print_summary(summary)
    _report_errors(report.errors)
    if not report.ok:
        sys.exit(1)


def _refuse_if_nothing_to_read(paths: list[str]) -> None:
    """Every input named is missing (a typo): say so and stop before a database is created or changed."""
    from zopa.ingest import expand_inputs

    items = list(expand_inputs(paths))
    if items and all(isinstance(i, InputError) for i in items):
        _report_errors(items)
        sys.exit(1)


def print_summary(summary: Any) -> None:
    """The answer summary (:func:`zopa.negotiation.summary.answer_summary`) on one screen."""
    for story in summary.stories:
        span = f", {story.first} to {story.last}" if story.first else ""
        head = f"Story {story.story}" if story.story is not None else "All articles"
        label = f": {story.label}" if story.label else ""
        console.print(f"[bold]{head}[/] ({story.documents} articles{span}){label}")
        if story.note:
            console.print(f"  [dim]{story.note}[/dim]")
        findings = [*story.issues, *([story.package] if story.package else []), *story.offers,
                    *story.talks_fail]  # fmt: skip
        for finding in findings:
            console.print(f"  • {finding.text}", highlight=False)
            for sentence in finding.sentences:
                console.print(f'    [dim]"{sentence.text}" ({sentence.cite})[/dim]', highlight=False)
        if story.one_party:
            console.print(f"  [dim]one party only: {', '.join(story.one_party)}[/dim]")
    if summary.more_stories:
        console.print(f"[dim]{summary.more_stories} more stories: zopa stories[/dim]")
    if summary.undated_documents:
        console.print(
            f"[dim]{summary.undated_documents} articles have no date (none in their metadata or text): "
            "time decay treats them as the oldest[/dim]"
        )
    console.print("Next: " + "; ".join(summary.next_steps))


@app.command("ingest")
def ingest_cmd(
    paths: PathsArgument,
    max_mb: MaxMbOption = 20.0,
    allow_private_urls: PrivateUrlsOption = False,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Read, clean, de-duplicate and store articles, and group them into stories (no extraction).

    Example: zopa ingest articles/ feed.xml https://example.org/story.html --db zopa.db
    """
    from zopa.pipeline import IngestOptions, ingest

    database = _open(db, create=True)
    with _progress(not as_json) as progress:
        options = _options(IngestOptions, max_mb, progress, allow_private_urls=allow_private_urls)
        report = ingest(paths, database, options=options)
    if as_json:
        print_json(report.as_dict())
    else:
        table = Table(title=f"Ingested into {database.url}")
        for column in ("doc", "status", "title", "source", "story"):
            table.add_column(column)
        for o in report.documents:
            status = o.status + (f" of {o.duplicate_of}" if o.duplicate_of else "")
            table.add_row(str(o.document_id), status, o.title, o.source, str(o.story or ""))
        console.print(table)
        console.print(
            f"{len(report.added)} added, {len(report.duplicates)} already stored, "
            f"{len(report.errors)} with errors"
        )
    _report_errors(report.errors)
    if not report.ok:
        sys.exit(1)


@app.command("stories")
def stories_cmd(
    search: Annotated[
        str | None, typer.Option("--search", help="Only stories whose label contains this.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Show at most this many stories.", min=1)
    ] = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Stories: groups of articles covering the same event, newest first.

    Example: zopa stories --json
    """
    from zopa.store.queries import EvidenceFilter, listing
    from zopa.store.rows import StoryRow

    page = listing(_open(db, read_only=True), StoryRow, EvidenceFilter(search=search, limit=limit))
    if as_json:
        print_json({"total": page.total, "items": [s.as_dict() for s in page.items]})
        return
    table = Table(title=f"Stories ({page.total})")
    for column in ("story", "label", "documents", "titles", "dates"):
        table.add_column(column)
    for s in page.items:
        dates = " - ".join(sorted({d.date().isoformat() for d in (s.first_published, s.last_published) if d}))
        table.add_row(str(s.id), s.label, ", ".join(map(str, s.documents)), "\n".join(s.titles), dates)
    console.print(table)


_STYLES = {
    "mention": "green",
    "event": "bold magenta",
    "position": "on grey23",
    "quote": "bold cyan",
    "statement": "italic",
}


def marked_text(evidence: Any) -> Text:
    """The cleaned text with evidence spans styled (quotes, positions, events, reported speech, mentions)."""
    text = Text(evidence.document.text)
    layers = [
        ("position", evidence.positions),
        ("statement", evidence.statements),
        ("mention", evidence.mentions),
        ("event", evidence.events),
        ("quote", evidence.quotes),
    ]
    for kind, items in layers:
        for item in items:
            if 0 <= item.start < item.end <= len(text):
                text.stylize(_STYLES[kind], item.start, item.end)
    return text


@app.command("show")
def show_cmd(
    doc: Annotated[str, typer.Argument(help="Document id, source path/URL, or content-hash prefix.")],
    plain: Annotated[bool, typer.Option("--plain", help="The cleaned text without marks.")] = False,
    marked: Annotated[bool, typer.Option("--marked", help="Mark the evidence spans (the default).")] = True,
    raw: Annotated[bool, typer.Option("--raw", help="The original text as ingested.")] = False,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """One document: its cleaned text with quotes, positions and event figures marked, then the evidence.

    Example: zopa show 2 --marked
    """
    from zopa.store.queries import document_evidence, find_document

    database = _open(db, read_only=True)
    found = find_document(database, doc)
    evidence = document_evidence(database, found.id)
    if as_json:
        print_json(evidence.as_dict())
        return
    d = evidence.document
    meta = " · ".join(
        x for x in (d.outlet, d.published.date().isoformat() if d.published else None, d.source) if x
    )
    console.print(f"[bold]{d.title}[/]", highlight=False)
    console.print(
        f"[dim]document {d.id} · {meta}"
        + (f" · duplicate of {d.duplicate_of}" if d.duplicate_of else "")
        + (f" · story {d.story}: {d.story_label}" if d.story else "")
        + "[/]",
        highlight=False,
    )
    console.print()
    if raw or plain or not marked:
        sys.stdout.write((d.raw if raw else d.text) + "\n")
        return
    console.print(marked_text(evidence), highlight=False, soft_wrap=True)
    console.print()
    legend = Text("marks: ")
    for kind, style in _STYLES.items():
        legend.append(kind, style=style)
        legend.append("  ")
    console.print(legend)
    if evidence.positions:
        table = Table(title="Positions")
        for column in ("actor", "issue", "stance", "speaker", "span"):
            table.add_column(column)
        for p in evidence.positions:
            table.add_row(
                p.actor,
                p.issue,
                p.stance + (" (red line)" if p.red_line else ""),
                p.speaker or "",
                f"{p.start}-{p.end}",
            )
        console.print(table)
    if evidence.quotes:
        table = Table(title="Quotes")
        for column in ("speaker", "quote", "span"):
            table.add_column(column)
        for q in evidence.quotes:
            table.add_row(q.speaker_name or q.speaker or "?", q.text, f"{q.start}-{q.end}")
        console.print(table)
    if evidence.events:
        table = Table(title="Event figures")
        for column in ("count", "what", "place", "when", "span"):
            table.add_column(column)
        for e in evidence.events:
            count = "" if e.count is None else f"{e.count:g}"
            table.add_row(count, e.what, e.place or "", e.when or "", f"{e.start}-{e.end}")
        console.print(table)


@app.command("export")
def export_cmd(
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Write one CSV file per list into this folder.")
    ] = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Everything stored: documents, quotes, positions, events, stories (JSON on standard output by default).

    Example: zopa export --json > zopa.json; zopa export --csv out/
    """
    from zopa.store.export import export_all, export_csv

    database = _open(db, read_only=True)
    if csv is not None:
        written = export_csv(database, csv)
        if as_json:
            print_json({"written": [str(p) for p in written]})
        else:
            for path in written:
                console.print(str(path), highlight=False)
        return
    print_json(export_all(database))


@app.command("adopt-db")
def adopt_db_cmd(db: DbOption = "", as_json: JsonOption = False) -> None:
    """Add zopa's tables to an existing SQLite database of another program (its own tables are left as they
    are). zopa refuses such a file otherwise, and leaves it untouched.

    Example: zopa adopt-db --db research.sqlite
    """
    from zopa.store.db import open_db

    database = open_db(db or db_default(), adopt=True)
    if as_json:
        print_json({"database": database.url, "adopted": True})
    else:
        console.print(f"zopa's tables are in {database.url}", highlight=False)
