"""A small cache for the whole-database aggregates the dashboard shows on every visit (the position matrix,
the outlet and speaker lists, the counts), so a large database answers quickly.

Each entry is kept with a fingerprint of the database: the highest ids of documents, stories and evidence
tables and the number of documents, read with one cheap indexed query per lookup. Any ingest, extraction or
deletion changes the fingerprint, and the next lookup recomputes. As a safety net for a change the fingerprint
cannot see (re-extracting the newest document into exactly as many rows on SQLite, which reuses row ids),
entries also expire after ``ttl`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select

from zopa.store import schema
from zopa.store.db import Database

T = TypeVar("T")
DEFAULT_TTL_S = 30.0


def _fingerprint_query() -> Any:
    parts = [
        select(func.max(t.c.id)).scalar_subquery()
        for t in (
            schema.documents,
            schema.stories,
            schema.quotes,
            schema.positions,
            schema.events,
            schema.statements,
            schema.mentions,
        )
    ]
    parts.append(select(func.count()).select_from(schema.documents).scalar_subquery())
    return select(*parts)


class AggregateCache:
    """``cache.get("matrix", lambda: position_matrix(db))``: kept while the database is unchanged."""

    def __init__(self, db: Database, *, ttl: float = DEFAULT_TTL_S) -> None:
        self.db = db
        self.ttl = ttl
        self._entries: dict[str, tuple[tuple[Any, ...], float, Any]] = {}
        self._lock = threading.Lock()
        self._computing: dict[str, threading.Lock] = {}
        self._query = _fingerprint_query()

    def fingerprint(self) -> tuple[Any, ...]:
        with self.db.connect() as conn:
            row = conn.execute(self._query).one()
        return tuple(row)

    def _fresh(self, name: str, stamp: tuple[Any, ...]) -> tuple[bool, Any]:
        with self._lock:
            found = self._entries.get(name)
        if found is not None and found[0] == stamp and time.monotonic() - found[1] < self.ttl:
            return True, found[2]
        return False, None

    def get(self, name: str, compute: Callable[[], T]) -> T:
        stamp = self.fingerprint()
        hit, value = self._fresh(name, stamp)
        if hit:
            return value  # type: ignore[no-any-return]
        with self._lock:
            key_lock = self._computing.setdefault(name, threading.Lock())
        with key_lock:  # one computation per entry at a time; the others wait for it
            hit, value = self._fresh(name, stamp)
            if hit:
                return value  # type: ignore[no-any-return]
            started = time.monotonic()
            value = compute()
            with self._lock:
                self._entries[name] = (stamp, started, value)
        return value  # type: ignore[no-any-return]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
