"""The exception tree.

Every error zopa raises on purpose derives from :class:`ZopaError`; the CLI prints ``str(error)`` as one line
and exits non-zero. A message names the input (a file, a URL, a field, an actor and issue) and the problem,
and where it helps, what to do.

    ZopaError
    ├── InputError          an article, feed, folder or upload cannot be read or holds no article
    ├── StorageError        the database cannot be opened, migrated or written
    ├── CodebookError       a codebook file is missing, malformed or fails validation
    ├── ModelInputError     a negotiation table is inconsistent (NaN, out of range, duplicates, ...)
    ├── AnnotationError     an evaluation file (gold annotations) is malformed
    └── NotFoundError       a document, story or other stored item does not exist
"""

from __future__ import annotations


class ZopaError(Exception):
    """Base class of every error zopa raises on purpose."""


class InputError(ZopaError):
    """An input (file, URL, stream, upload) cannot be ingested."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class StorageError(ZopaError):
    """The database cannot be opened, migrated or written."""


class CodebookError(ZopaError):
    """A codebook is invalid; the message names the file and the field."""


class ModelInputError(ZopaError):
    """A negotiation table or model parameter is inconsistent; the message names actor and issue.

    ``issue``: the issue the problem is confined to, when it is one (an issue with fewer than two actors, a
    value off one issue's scale): a model can then still run on the other issues."""

    def __init__(self, message: str, *, issue: str | None = None) -> None:
        super().__init__(message)
        self.issue = issue


class AnnotationError(ZopaError):
    """A gold-annotation file for ``zopa eval`` is malformed."""


class NotFoundError(ZopaError):
    """A stored item that was asked for does not exist."""


def describe(exc: BaseException) -> str:
    """An exception that no zopa code raised on purpose, as one short line: its type and its message."""
    message = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
