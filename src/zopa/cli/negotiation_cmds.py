"""Commands: filled by the owning stage."""

from zopa.cli._app import app  # noqa: F401
