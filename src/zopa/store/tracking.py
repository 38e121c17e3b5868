"""Storage for following a negotiation: documents as sources, ``zopa watch`` state, and alerts.

Additive to :mod:`zopa.store.queries` (which it does not change): what corroboration needs to know about a
document (outlet, date, the document it is a near-duplicate of, its MinHash signature and the ends of its
text, where credits to wire services sit); the feeds ``zopa watch`` polls with their validators and
schedule; the items it analysed; and the alerts it raised, with their delivery. Tables: ``watch_feeds``,
``watch_items``, ``alerts`` (migration 0005).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, insert, or_, select, update

from zopa.records import _Record
from zopa.store import schema
from zopa.store.db import Database
from zopa.store.queries import Page

d = schema.documents
wf = schema.watch_feeds
wi = schema.watch_items
al = schema.alerts

CREDIT_CHARS = 300  # how much of each end of a text is read for datelines and credit lines
_CHUNK = 500  # ids per IN (...) query


# --- documents as sources --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentSource(_Record):
    """A document as a source: who published it and when, and what corroboration compares."""

    id: int
    title: str
    outlet: str | None
    published: datetime | None
    root: int  # the document it is a near-duplicate of (its own id when it is an original)
    signature: bytes | None  # MinHash of its word 3-shingles (zopa.dedupe), for partial copies
    head: str  # the first CREDIT_CHARS characters of the text
    tail: str  # the last CREDIT_CHARS characters ("" when the head already holds the whole text)

    def as_dict(self) -> dict[str, Any]:
        out = _Record.as_dict(self)
        out.pop("signature")
        return out


def document_sources(db: Database, ids: Iterable[int]) -> dict[int, DocumentSource]:
    """The documents ``ids`` as sources (missing ids are left out)."""
    wanted = sorted(set(ids))
    length = func.length(d.c.text)
    tail = case((length > CREDIT_CHARS, func.substr(d.c.text, length - (CREDIT_CHARS - 1))), else_="")
    columns = [
        d.c.id,
        d.c.title,
        d.c.outlet,
        d.c.published,
        d.c.duplicate_of,
        d.c.signature,
        func.substr(d.c.text, 1, CREDIT_CHARS).label("head"),
        tail.label("tail"),
    ]
    out: dict[int, DocumentSource] = {}
    with db.connect() as conn:
        for start in range(0, len(wanted), _CHUNK):
            part = wanted[start : start + _CHUNK]
            for row in conn.execute(select(*columns).where(d.c.id.in_(part))):
                out[int(row.id)] = DocumentSource(
                    id=int(row.id),
                    title=row.title,
                    outlet=row.outlet,
                    published=row.published,
                    root=int(row.duplicate_of or row.id),
                    signature=row.signature,
                    head=row.head or "",
                    tail=row.tail or "",
                )
    return out


# --- watch state -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedState(_Record):
    """What ``zopa watch`` remembers about a feed between polls (and between runs)."""

    id: int
    url: str
    etag: str | None
    last_modified: str | None
    checked_at: datetime | None
    next_check_at: datetime | None
    failures: int
    last_status: str | None
    last_error: str | None


def _feed_state(row: Any) -> FeedState:
    return FeedState(
        id=int(row.id),
        url=row.url,
        etag=row.etag,
        last_modified=row.last_modified,
        checked_at=row.checked_at,
        next_check_at=row.next_check_at,
        failures=int(row.failures or 0),
        last_status=row.last_status,
        last_error=row.last_error,
    )


def feed_state(db: Database, url: str) -> FeedState:
    """The stored state of the feed at ``url``, registering the feed on first use."""
    with db.connect() as conn:
        row = conn.execute(select(wf).where(wf.c.url == url)).first()
    if row is not None:
        return _feed_state(row)
    with db.transaction() as conn:
        row = conn.execute(select(wf).where(wf.c.url == url)).first()
        if row is None:
            conn.execute(insert(wf).values(url=url, failures=0))
            row = conn.execute(select(wf).where(wf.c.url == url)).one()
    return _feed_state(row)


def list_feeds(db: Database) -> tuple[FeedState, ...]:
    with db.connect() as conn:
        return tuple(_feed_state(r) for r in conn.execute(select(wf).order_by(wf.c.id)))


def save_poll(
    db: Database,
    feed_id: int,
    *,
    checked_at: datetime,
    next_check_at: datetime,
    failures: int,
    status: str,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    keep_validators: bool = True,
) -> None:
    """Record one poll's outcome; the validators change only when a 200 answer brought new ones."""
    values: dict[str, Any] = {
        "checked_at": checked_at,
        "next_check_at": next_check_at,
        "failures": failures,
        "last_status": status,
        "last_error": error,
    }
    if not keep_validators:
        values.update(etag=etag, last_modified=last_modified)
    with db.transaction() as conn:
        conn.execute(update(wf).where(wf.c.id == feed_id).values(**values))


def processed_items(db: Database, feed_id: int) -> set[str]:
    """Keys of the items of a feed already analysed (or refused)."""
    with db.connect() as conn:
        return set(conn.execute(select(wi.c.item_key).where(wi.c.feed_id == feed_id)).scalars())


def count_items(db: Database) -> int:
    with db.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(wi)).scalar_one())


# --- alerts ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertRow(_Record):
    """A raised alert as stored: ``detail`` holds the statements before and after, with their sources."""

    id: int
    key: str
    kind: str  # shift | contradiction
    change: str
    actor: str | None
    issue: str | None
    document: int | None
    feed: str | None
    summary: str
    detail: dict[str, Any]
    created_at: datetime
    logged_at: datetime | None
    posted_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewAlert:
    """An alert to store: its identity ``key`` and what it says."""

    key: str
    kind: str
    change: str
    actor: str | None
    issue: str | None
    document: int | None
    summary: str
    detail: dict[str, Any]


def _alert_columns() -> list[Any]:
    return [al, wf.c.url.label("feed_url")]


def _alert_row(row: Any) -> AlertRow:
    return AlertRow(
        id=int(row.id),
        key=row.key,
        kind=row.kind,
        change=row.change,
        actor=row.actor,
        issue=row.issue,
        document=row.document_id,
        feed=row.feed_url,
        summary=row.summary,
        detail=json.loads(row.detail),
        created_at=row.created_at,
        logged_at=row.logged_at,
        posted_at=row.posted_at,
    )


def record_item(
    conn: Connection,
    *,
    feed_id: int,
    item_key: str,
    title: str,
    link: str | None,
    document_id: int | None,
    status: str,
    problem: str | None,
    alerts: Sequence[NewAlert],
    now: datetime,
) -> list[int]:
    """Mark a feed item analysed and store the alerts it raised, in the caller's transaction.

    An alert whose key is already stored is not stored again; returns the ids of the new alerts."""
    conn.execute(
        insert(wi).values(
            feed_id=feed_id,
            item_key=item_key,
            title=title[:500],
            link=link,
            document_id=document_id,
            status=status,
            problem=problem,
            processed_at=now,
        )
    )
    keys = [a.key for a in alerts]
    known = set(conn.execute(select(al.c.key).where(al.c.key.in_(keys))).scalars()) if keys else set()
    new_ids = []
    for alert in alerts:
        if alert.key in known:
            continue
        known.add(alert.key)
        result = conn.execute(
            insert(al).values(
                key=alert.key,
                kind=alert.kind,
                change=alert.change,
                actor=alert.actor,
                issue=alert.issue,
                document_id=alert.document,
                feed_id=feed_id,
                summary=alert.summary,
                detail=json.dumps(alert.detail, ensure_ascii=False, sort_keys=True),
                created_at=now,
                post_attempts=0,
            )
        )
        new_ids.append(int(result.inserted_primary_key[0]))  # type: ignore[index]
    return new_ids


def list_alerts(
    db: Database,
    *,
    kind: str | None = None,
    actor: str | None = None,
    issue: str | None = None,
    since: date | datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Page[AlertRow]:
    """Alerts, newest first (a :class:`~zopa.store.queries.Page`)."""
    conds: list[Any] = []
    if kind:
        conds.append(al.c.kind == kind)
    if actor:
        conds.append(al.c.actor == actor)
    if issue:
        conds.append(al.c.issue == issue)
    if since is not None:
        start = since if isinstance(since, datetime) else datetime(since.year, since.month, since.day)
        conds.append(al.c.created_at >= start)
    where = and_(True, *conds)
    stmt = (
        select(*_alert_columns())
        .select_from(al.outerjoin(wf, wf.c.id == al.c.feed_id))
        .where(where)
        .order_by(al.c.id.desc())
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    with db.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(al).where(where)).scalar_one())
        rows = tuple(_alert_row(r) for r in conn.execute(stmt))
    return Page(items=rows, total=total, limit=limit, offset=offset)


def undelivered_alerts(db: Database, *, webhook: bool) -> tuple[AlertRow, ...]:
    """Alerts not yet written to the log (or, with ``webhook``, not yet posted), oldest first."""
    pending: Any = al.c.logged_at.is_(None)
    if webhook:
        pending = or_(pending, al.c.posted_at.is_(None))
    stmt = (
        select(*_alert_columns())
        .select_from(al.outerjoin(wf, wf.c.id == al.c.feed_id))
        .where(pending)
        .order_by(al.c.id)
    )
    with db.connect() as conn:
        return tuple(_alert_row(r) for r in conn.execute(stmt))


def mark_alerts(db: Database, ids: Iterable[int], *, field: str, when: datetime) -> None:
    """Set ``logged_at`` or ``posted_at`` of the alerts ``ids``."""
    if field not in ("logged_at", "posted_at"):
        raise ValueError(field)
    wanted = sorted(set(ids))
    if not wanted:
        return
    with db.transaction() as conn:
        for start in range(0, len(wanted), _CHUNK):
            part = wanted[start : start + _CHUNK]
            conn.execute(update(al).where(al.c.id.in_(part)).values({field: when}))


def count_post_attempt(db: Database, alert_id: int) -> None:
    with db.transaction() as conn:
        conn.execute(update(al).where(al.c.id == alert_id).values(post_attempts=al.c.post_attempts + 1))
