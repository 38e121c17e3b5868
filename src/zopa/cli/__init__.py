"""The ``zopa`` command line: thin shells over the library API (one library call per command)."""

from __future__ import annotations

import importlib
import os
import sys
from types import SimpleNamespace
from typing import Any

# One BLAS thread unless the user says otherwise (set before NumPy loads): the parser's matrices are small,
# and idle OpenBLAS threads spinning for work cost CPU time without saving wall time.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import typer

from zopa.cli._app import app
from zopa.errors import ZopaError

# Each command module adds its commands to `app` on import; this order is the order of `zopa --help`.
_MODULES = (
    "pipeline_cmds", "evidence_cmds", "codebook_cmds", "tracking_cmds", "negotiation_cmds", "model_cmds",
    "serve_cmd",
)
for _module in _MODULES:
    importlib.import_module(f"zopa.cli.{_module}")


def command() -> Any:
    """The click command behind ``app``, with switches (``--json``, ``--help``) shown in ``--help`` without
    a ``<bool>`` type: they take no value."""
    root = typer.main.get_command(app)
    names = SimpleNamespace(help_option_names=["--help"])  # all get_help_option reads of a context
    todo = [root]
    while todo:
        current = todo.pop()
        for param in [*current.params, current.get_help_option(names)]:  # type: ignore[arg-type]
            if param is not None and getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
        todo.extend(getattr(current, "commands", {}).values())
    return root


def main() -> None:
    """Console entry point: every failure becomes one line on stderr and a non-zero exit status (1; 2 for a
    usage mistake), never a traceback (unless ``ZOPA_DEBUG=1``)."""
    from zopa.cli._errors import click_errors, missing_module_message, unexpected_message, usage_message

    try:
        # Without standalone mode click returns the code of `typer.Exit(n)` instead of exiting with it.
        code = command().main(prog_name="zopa", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except ZopaError as exc:
        _fail(str(exc), 1)
    except KeyboardInterrupt:
        print("zopa: interrupted", file=sys.stderr)
        sys.exit(130)
    except SystemExit:
        raise
    except click_errors.NoArgsIsHelpError as exc:
        exc.show()  # `zopa` or `zopa codebook` alone: the help, as asked
        sys.exit(0)
    except typer.Abort:
        print("zopa: aborted", file=sys.stderr)
        sys.exit(1)
    except click_errors.ClickException as exc:
        _fail(usage_message(exc), getattr(exc, "exit_code", 1))
    except ModuleNotFoundError as exc:
        _fail(missing_module_message(exc), 1)
    except Exception as exc:
        if os.environ.get("ZOPA_DEBUG"):
            raise
        _fail(unexpected_message(exc), 1)


def _fail(message: str, code: int) -> None:
    print(f"zopa: error: {' '.join(message.split())}", file=sys.stderr)
    sys.exit(code)


__all__ = ["app", "command", "main"]
