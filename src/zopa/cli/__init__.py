"""The ``zopa`` command line: thin shells over the library API (one library call per command)."""

from __future__ import annotations

import sys

from zopa.cli._app import app
from zopa.errors import ZopaError

# Each module adds its commands to `app` on import.
from zopa.cli import evidence_cmds, model_cmds, negotiation_cmds, pipeline_cmds, serve_cmd  # noqa: E402,F401,I001


def main() -> None:
    """Console entry point: a ZopaError becomes one line on stderr and exit status 1, never a traceback."""
    try:
        app(standalone_mode=False)
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
