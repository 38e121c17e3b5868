"""The Typer application and the options every command shares."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

app = typer.Typer(
    name="zopa",
    help="From news coverage of a negotiation to a sourced map of who wants what, and whether a deal exists.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: Rich's help formatter costs 0.13 s of imports on every --help
)


def sub_app(name: str, help: str) -> typer.Typer:
    """A command group (``zopa negotiation ...``), with the same help formatting as the top level."""
    group = typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None)
    app.add_typer(group, name=name)
    return group


DEFAULT_DB = "zopa.db"

DbOption = Annotated[
    str,
    typer.Option("--db", envvar="ZOPA_DB", help="SQLite file or database URL (postgresql+psycopg://...)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CodebookOption = Annotated[
    Path | None,
    typer.Option(
        "--codebook",
        help="Codebook YAML file (default: the one that built the database, else the shipped Russia-Ukraine "
        "codebook).",
    ),
]

console = Console()
err_console = Console(stderr=True)


def db_default() -> str:
    return os.environ.get("ZOPA_DB", DEFAULT_DB)


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8, stable key order as given."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="Where the work runs: 'local' (this process, the default) or 'ray' (a Ray cluster; needs the "
        "'ray' extra).",
    ),
]
AddressOption = Annotated[
    str | None,
    typer.Option(
        "--address",
        help="With --engine ray: the cluster ('auto': the one this machine belongs to; 'ray://HOST:10001'); "
        "default: Ray started on this machine for the run.",
    ),
]


def ray_engine(engine: str, address: str | None, workers: int | None) -> Any:
    """The :class:`zopa.cluster.RayEngine` the options ask for, or None for the local engine."""
    if engine not in ("local", "ray"):
        raise typer.BadParameter(f"{engine!r} is not 'local' or 'ray'", param_hint="--engine")
    if engine == "local":
        if address is not None:
            raise typer.BadParameter("only with --engine ray", param_hint="--address")
        return None
    from zopa.cluster import RayEngine

    return RayEngine(address=address, workers=workers or 2)


def open_database(db: str | None, *, create: bool = False, read_only: bool | None = False) -> Any:
    """The database a command names (``--db``, ``$ZOPA_DB``, ``./zopa.db``); only commands that store
    articles (``create=True``) may create it. ``read_only``: the listing commands open it without any write;
    ``None``: written only if it can be (the negotiation commands store their forecasts for the report and
    the dashboard, and still run on a file they cannot write)."""
    from zopa.store.db import open_db, resolve_url

    name = db or db_default()
    if read_only is None:
        _, path = resolve_url(name)
        read_only = path is not None and path.exists() and not _writable(path)
    return open_db(name, create=create, read_only=read_only)


def _writable(path: Any) -> bool:
    """Can this process write the SQLite file (and its folder, where SQLite keeps its journal)?"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def codebook_of(database: Any, path: Any) -> Any:
    """The codebook to read the database with (the file given, else the one that built it; see
    :func:`zopa.store.codebooks.codebook_for`); a note about the choice goes to standard error."""
    from zopa.store.codebooks import codebook_for

    book, note = codebook_for(database, path)
    if note:
        err_console.print(f"[dim]{note}[/dim]")
    return book
