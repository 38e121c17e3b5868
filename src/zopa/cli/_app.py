"""The Typer application and the options every command shares."""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated, Any

import typer
from rich.console import Console

app = typer.Typer(
    name="zopa",
    help="From news coverage of a negotiation to a sourced map of who wants what, and whether a deal exists.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_DB = "zopa.db"

DbOption = Annotated[
    str,
    typer.Option("--db", envvar="ZOPA_DB", help="SQLite file or database URL (postgresql+psycopg://...)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

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
