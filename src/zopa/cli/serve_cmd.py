"""``zopa serve``: the web dashboard and HTTP API (``zopa.web``)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from zopa.cli._app import DEFAULT_DB, DbOption, app


@app.command("serve")
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=0, max=65535)] = 8000,
    plan: Annotated[
        str | None,
        typer.Option("--plan", metavar="PLAN.yaml", help="A plan to score on the negotiation page."),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", metavar="SCENARIO.yaml", help='Assumptions for "if talks fail".'),
    ] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            metavar="NAME",
            help="A name this server is reached by (repeatable); IP addresses and localhost always work.",
        ),
    ] = None,
    get: Annotated[
        str | None,
        typer.Option(
            "--get", metavar="PATH", help="Print the response to one GET request and exit (no server)."
        ),
    ] = None,
) -> None:
    """Serve the dashboard and the JSON API (/api/v1/) over a zopa database.

    Read-only unless the environment variable ZOPA_TOKEN is set; then ingest pages and endpoints accept
    requests that send it (Authorization: Bearer <token>, or the form field "token"). Requests must name
    the server in their Host header: an IP address, localhost, or a name given with --allowed-host (or
    $ZOPA_ALLOWED_HOSTS), so a web page that rebinds its own name to this address cannot read the API.

    Example:
        ZOPA_TOKEN=change-me zopa serve --db zopa.db --port 8000
        zopa serve --host 0.0.0.0 --allowed-host zopa.example.org
        zopa serve --plan examples/plan-us-framework-2025.yaml
        zopa serve --scenario examples/russia-ukraine-scenario.yaml
        zopa serve --db zopa.db --get /api/v1/positions/matrix
    """
    from zopa.web.app import fetch
    from zopa.web.app import serve as run_server

    if get is not None:
        response = fetch(db, get, plan=plan, scenario=scenario)
        sys.stdout.write(response.body if response.body.endswith("\n") else response.body + "\n")
        if response.status >= 400:
            print(f"zopa: error: GET {get} answered HTTP {response.status}", file=sys.stderr)
            raise SystemExit(1)
        return
    run_server(db, host=host, port=port, plan=plan, scenario=scenario, allowed_hosts=allowed_host or ())
