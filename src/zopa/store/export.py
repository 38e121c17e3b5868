"""Everything stored, as one JSON-ready dict (``zopa export``, the library's ``export_all``) or one CSV file
per list, read through the one listing (:func:`zopa.store.queries.listing`)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from zopa.errors import InputError
from zopa.store.db import Database
from zopa.store.queries import EVERYTHING, list_actors, listing
from zopa.store.rows import DocumentRow, EventRow, MentionRow, PositionRow, QuoteRow, StatementRow, StoryRow

EXPORT_FIELDS: dict[str, tuple[str, ...]] = {
    "documents": ("id", "source", "title", "outlet", "published", "url", "duplicate_of", "story"),
    "quotes": ("document", "source", "speaker", "text", "start", "end", "cue"),
    "positions": (
        "document",
        "source",
        "actor",
        "issue",
        "stance",
        "value",
        "rejected_value",
        "conditional_on",
        "red_line",
        "speaker",
        "evidence",
        "start",
        "end",
    ),
    "events": ("document", "source", "what", "count", "unit", "place", "when", "start", "end"),
    "stories": ("id", "label", "documents"),
}
"""The fields ``zopa export`` guarantees in each list (each list's items may carry more)."""

# lists given with these fields only, in this order
_ONLY: dict[str, tuple[str, ...]] = {
    "documents": (
        *EXPORT_FIELDS["documents"],
        "story_label",
        "format",
        "words",
        "ingested_at",
    ),
    "stories": (*EXPORT_FIELDS["stories"], "first_published", "last_published"),
    "statements": ("document", "source", "speaker", "text", "start", "end", "cue", "extractor", "confidence"),
    "mentions": ("document", "source", "actor", "text", "start", "end", "how", "extractor", "confidence"),
}
_ROWS: dict[str, type[Any]] = {
    "documents": DocumentRow,
    "quotes": QuoteRow,
    "positions": PositionRow,
    "events": EventRow,
    "stories": StoryRow,
    "statements": StatementRow,
    "mentions": MentionRow,
}


def export_all(db: Database) -> dict[str, Any]:
    """Everything stored, as one JSON-ready dict: ``documents``, ``quotes``, ``positions``, ``events``,
    ``stories`` (the guaranteed fields of :data:`EXPORT_FIELDS` first, then extras), plus ``statements``,
    ``mentions`` and ``actors``. Duplicates are included and marked (``duplicate_of``)."""
    exported: dict[str, Any] = {}
    for name, row in _ROWS.items():
        found = listing(db, row, EVERYTHING if name != "stories" else None).items
        exported[name] = [_ordered(item.as_dict(), name) for item in sorted(found, key=_export_order)]
    exported["actors"] = [actor.as_dict() for actor in list_actors(db)]
    return exported


def _export_order(row: Any) -> tuple[int, ...]:
    """Documents and stories by id, evidence by document and place in its text."""
    return (row.id,) if isinstance(row, DocumentRow | StoryRow) else (row.document, row.start, row.id)


def _ordered(row: dict[str, Any], name: str) -> dict[str, Any]:
    if name in _ONLY:
        return {k: row[k] for k in _ONLY[name]}
    ordered = {k: row[k] for k in EXPORT_FIELDS[name]}
    ordered.update({k: v for k, v in row.items() if k not in ordered})
    return ordered


def export_csv(db: Database, folder: str | Path) -> tuple[Path, ...]:
    """Write :func:`export_all` as one CSV file per list (``documents.csv``, ``quotes.csv``, ...) into
    ``folder`` (created if needed); lists inside a cell (a story's documents) are joined with ``;``."""
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(out), f"cannot create the folder ({exc.strerror})") from None
    written = []
    for name, rows in export_all(db).items():
        fields = list(EXPORT_FIELDS.get(name, ()))
        for row in rows:
            fields.extend(k for k in row if k not in fields)
        path = out / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _csv_cell(v) for k, v in row.items()})
        written.append(path)
    return tuple(written)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value
