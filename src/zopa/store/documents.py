"""Writing documents: the row, its MinHash LSH bands and its key terms, on a connection inside a transaction.

The pipeline calls these inside one write transaction per document (document + bands + terms + evidence), so
a crash leaves each document either fully stored or absent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, delete, func, insert, or_, select, update

from zopa.records import Article
from zopa.store import aggregates, schema

d = schema.documents
bands_t = schema.document_bands
terms_t = schema.document_terms


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def document_id_by_hash(conn: Connection, content_hash: str) -> int | None:
    """The id of the stored document with this content hash, if any."""
    return conn.execute(select(d.c.id).where(d.c.content_hash == content_hash)).scalar_one_or_none()


def insert_document(
    conn: Connection,
    article: Article,
    *,
    signature: bytes | None = None,
    bands: Iterable[tuple[int, str]] = (),
    terms: Mapping[str, float] | None = None,
    duplicate_of: int | None = None,
    story_id: int | None = None,
) -> int:
    """Insert one document with its LSH ``bands`` (band number, hash) and key ``terms``; return its id."""
    row: dict[str, Any] = {
        "source": article.source,
        "title": article.title,
        "outlet": article.outlet,
        "published": _naive_utc(article.published),
        "published_source": article.published_source if article.published is not None else None,
        "url": article.url,
        "format": article.format,
        "text": article.text,
        "raw": article.raw,
        "content_hash": article.content_hash,
        "signature": signature,
        "duplicate_of": duplicate_of,
        "story_id": story_id,
        "words": len(article.text.split()),
        "ingested_at": datetime.now(UTC).replace(tzinfo=None),
    }
    document_id = int(conn.execute(insert(d).returning(d.c.id), row).scalar_one())
    aggregates.document_added(
        conn, outlet=row["outlet"], published=row["published"], duplicate=duplicate_of is not None
    )
    band_rows = [{"band": band, "hash": value, "document_id": document_id} for band, value in bands]
    if band_rows:
        conn.execute(insert(bands_t), band_rows)
    if terms:
        conn.execute(
            insert(terms_t),
            [{"term": term, "document_id": document_id, "weight": float(w)} for term, w in terms.items()],
        )
    return document_id


def band_lookup(bands: Iterable[tuple[int, str]], *, limit: int = 50) -> Select[Any]:
    """The query for documents sharing a band: one indexed equality lookup per (band, hash) pair.

    Written as ``(band = ? AND hash = ?) OR ...`` because SQLite answers a row-value ``IN`` list with a full
    scan of the table, which would make near-duplicate detection quadratic."""
    pairs = list(bands)
    cond = or_(*(and_(bands_t.c.band == band, bands_t.c.hash == value) for band, value in pairs))
    return (
        select(bands_t.c.document_id, func.count().label("shared"))
        .where(cond)
        .group_by(bands_t.c.document_id)
        .order_by(func.count().desc(), bands_t.c.document_id)
        .limit(limit)
    )


def documents_sharing_bands(
    conn: Connection, bands: Iterable[tuple[int, str]], *, limit: int = 50
) -> list[int]:
    """Ids of stored documents that share at least one LSH band with ``bands`` (indexed lookups)."""
    pairs = list(bands)
    if not pairs:
        return []
    return [int(r[0]) for r in conn.execute(band_lookup(pairs, limit=limit))]


def set_story(conn: Connection, document_ids: Iterable[int], story_id: int | None) -> None:
    ids = list(document_ids)
    if ids:
        conn.execute(update(d).where(d.c.id.in_(ids)).values(story_id=story_id))


def delete_document(conn: Connection, document_id: int) -> None:
    """Remove one document and everything that refers to it (the aggregates recounted)."""
    own = (*schema.EVIDENCE_TABLES.values(), schema.extraction_runs, bands_t, terms_t, schema.quote_keys)
    for table in own:
        conn.execute(delete(table).where(table.c.document_id == document_id))
    conn.execute(update(d).where(d.c.duplicate_of == document_id).values(duplicate_of=None))
    conn.execute(delete(d).where(d.c.id == document_id))
    aggregates.rebuild(conn)  # its copies now count as originals: rare enough to recount everything
    aggregates.data_changed(conn)
    aggregates.everything_changed(conn)  # and the kept views are computed whole
