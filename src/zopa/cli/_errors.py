"""What the CLI says when a command cannot run: one line in the user's words, never an exception's class.

A mistyped option or command gets the nearest real one ("did you mean --db?"); a missing option names it
with its help; a missing optional package names the ``pip install`` that brings it; anything else is one
line too (``ZOPA_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Typer bundles its own copy of click; its usage errors are the ones the command line raises.
from typer._click import exceptions as click_errors

# Packages that only an extra installs: what the extra is called and what it is for.
_EXTRAS = {
    "fastapi": ("web", "the dashboard and HTTP API"),
    "uvicorn": ("web", "the dashboard and HTTP API"),
    "multipart": ("web", "upload forms"),
    "python_multipart": ("web", "upload forms"),
    "starlette": ("web", "the dashboard and HTTP API"),
    "playwright": ("test", "the browser tests"),
    "hypothesis": ("test", "the property tests"),
    "schemathesis": ("test", "the API fuzzing tests"),
    "pytest": ("test", "the test suite"),
}


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The choice the user most likely meant: a close spelling ("--jsno"), an abbreviation whose letters
    the word holds in order ("--database" for "--db"), or the one the word begins ("--code")."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return close[0]
    bare = word.lstrip("-").lower()
    if not bare:
        return None

    def holds_in_order(short: str, long: str) -> bool:
        rest = iter(long)
        return all(ch in rest for ch in short)

    for choice in options:
        core = choice.lstrip("-").lower()
        if core and core[0] == bare[0] and (holds_in_order(core, bare) or core.startswith(bare)):
            return choice
    return None


def _command_path(ctx: Any) -> str:
    return str(ctx.command_path) if ctx is not None else "zopa COMMAND"


def _options_of(ctx: Any) -> list[str]:
    out: list[str] = []
    for param in ctx.command.params if ctx is not None else ():
        out.extend(o for o in (*param.opts, *param.secondary_opts) if o.startswith("-"))
    return [*out, "--help"]


def _help_text(param: Any) -> str:
    text = " ".join(str(getattr(param, "help", "") or "").split())
    return text[:1].lower() + text[1:].rstrip(".") if text else ""


def usage_message(exc: click_errors.ClickException) -> str:
    """One line for a command-line usage error."""
    ctx = getattr(exc, "ctx", None)
    path = _command_path(ctx)
    see = f"see '{path} --help'"
    # "positions: ..." after "zopa: error: "; nothing for the top level
    where = (path.split(" ", 1)[1] + ": ") if " " in path and ctx is not None else ""
    if isinstance(exc, click_errors.NoSuchOption):
        guess = suggest(exc.option_name, _options_of(ctx))
        hint = f" (did you mean {guess}?)" if guess else f"; {see}"
        return f"{where}no option {exc.option_name}{hint}"
    if isinstance(exc, click_errors.MissingParameter):
        param = exc.param
        if param is None:
            return f"{where}a required value is missing; {see}"
        name = param.opts[0] if param.param_type_name == "option" else str(param.name).upper()
        about = _help_text(param)
        return f"{where}{name} is required" + (f" ({about})" if about else "") + f"; {see}"
    message = exc.format_message() if isinstance(exc, click_errors.BadParameter) else exc.message
    unknown = re.match(r"No such command '(.+?)'", message)
    if unknown is not None and ctx is not None:
        commands = list(getattr(ctx.command, "commands", {}))
        guess = suggest(unknown.group(1), commands)
        hint = f" (did you mean '{guess}'?)" if guess else f"; '{path} --help' lists them"
        return f"{where}no command '{unknown.group(1)}'{hint}"
    required = re.match(r"Option '(.+?)' requires an argument", message)
    if required is not None:
        return f"{where}{required.group(1)} needs a value; {see}"
    # "Invalid value for '--limit': Input should be greater than ..." -> "--limit: must be greater than ..."
    message = re.sub(r"^Invalid value for '?([^':]+)'?", r"\1", message.strip())
    message = message.replace("Input should be", "must be")
    return f"{where}{message[:1].lower() + message[1:]}"


def _pip_command(extra: str) -> str:
    """The pip command that installs ``extra`` into the Python running zopa."""
    python = Path(sys.executable)
    with_python = os.path.relpath(python) if python.is_relative_to(Path.cwd()) else str(python)
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / "pyproject.toml").exists():  # an editable install from a checkout
        target = "." if checkout == Path.cwd().resolve() else str(checkout)
        return f"{with_python} -m pip install -e '{target}[{extra}]'"
    return f"{with_python} -m pip install 'zopa[{extra}]'"


def missing_module_message(exc: ModuleNotFoundError) -> str:
    """One line for a package that is not installed: the extra it comes with and how to install it."""
    name = (exc.name or "").split(".")[0] or "a package"
    extra = _EXTRAS.get(name)
    if extra is not None:
        return (
            f"{name} is not installed: it comes with zopa's '{extra[0]}' extras ({extra[1]}); "
            f"run: {_pip_command(extra[0])}"
        )
    return f"{name} is not installed, but zopa needs it; reinstall zopa: bash scripts/install.sh"


def unexpected_message(exc: BaseException) -> str:
    """One line for an error zopa did not foresee (a bug, or the system refusing something)."""
    if isinstance(exc, OSError) and exc.strerror:
        target = f"{exc.filename}: " if exc.filename else ""
        return f"{target}{exc.strerror[:1].lower() + exc.strerror[1:]}"
    detail = str(exc).strip() or "no details"
    return f"something went wrong inside zopa ({detail}); ZOPA_DEBUG=1 shows where; please report it"
