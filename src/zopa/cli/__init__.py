"""The ``zopa`` command line: thin shells over the library API (one library call per command)."""

from __future__ import annotations

import importlib
import sys

from zopa.cli._app import app
from zopa.errors import ZopaError

# Each command module adds its commands to `app` on import; this order is the order of `zopa --help`.
_MODULES = ("pipeline_cmds", "evidence_cmds", "tracking_cmds", "negotiation_cmds", "model_cmds", "serve_cmd")
for _module in _MODULES:
    importlib.import_module(f"zopa.cli.{_module}")


def main() -> None:
    """Console entry point: a ZopaError becomes one line on stderr and exit status 1, never a traceback."""
    try:
        # Without standalone mode click returns the code of `typer.Exit(n)` instead of exiting with it.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except ZopaError as exc:
        print(f"zopa: error: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("zopa: interrupted", file=sys.stderr)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.exceptions.Abort):
            sys.exit(1)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        print(f"zopa: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)


__all__ = ["app", "main"]
