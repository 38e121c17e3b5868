"""Showing the first few items of a list, and saying how many were left out ("+3 more")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def first(items: Sequence[T], limit: int, total: int | None = None) -> tuple[Sequence[T], str]:
    """The first ``limit`` items and the note for the rest: ``"+3 more"``, or ``""`` when none is left out.
    ``total``: the length of the whole list when ``items`` is already a part of it."""
    whole = len(items) if total is None else max(total, len(items))
    shown = items[:limit]
    left = whole - len(shown)
    return shown, (f"+{left} more" if left > 0 else "")
