"""Writing one document's evidence: all of it replaced in one transaction, with the run that produced it.

``replace_evidence`` deletes whatever evidence the document had (mentions, quotes, statements, positions,
events and extraction runs) and writes the new :class:`zopa.records.Evidence`, so re-running extraction
after a codebook change leaves exactly one consistent set per document. Actors named in the evidence are
recorded in ``actors`` (codebook actors with their codebook name and kind when a codebook is given;
NER actors as ``ner:<Name>``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select

from zopa.errors import NotFoundError
from zopa.records import Evidence
from zopa.store import aggregates, schema
from zopa.store.db import dialect_insert

if TYPE_CHECKING:
    from zopa.codebook import Codebook
    from zopa.store.db import Database

NER_PREFIX = "ner:"
RUN_STAGE_WHEN_UNNAMED = "extract"


def replace_evidence(
    db: Database,
    document_id: int,
    evidence: Evidence,
    *,
    codebook_hash: str,
    codebook: Codebook | None = None,
    connection: Connection | None = None,
) -> None:
    """Replace the stored evidence of ``document_id`` by ``evidence`` in one transaction.

    Pass ``connection`` to write inside a transaction the caller already holds (the pipeline stores a
    document, its near-duplicate bands and its evidence as one unit); otherwise a write transaction
    is opened here.
    """
    if connection is not None:
        write_evidence(connection, document_id, evidence, codebook_hash=codebook_hash, codebook=codebook)
        return
    with db.transaction() as conn:
        write_evidence(conn, document_id, evidence, codebook_hash=codebook_hash, codebook=codebook)


def write_evidence(
    conn: Connection,
    document_id: int,
    evidence: Evidence,
    *,
    codebook_hash: str,
    codebook: Codebook | None = None,
) -> None:
    """The body of :func:`replace_evidence`, on a connection inside a transaction."""
    docs = schema.documents
    found = conn.execute(
        select(docs.c.published, docs.c.duplicate_of).where(docs.c.id == document_id)
    ).first()
    if found is None:
        raise NotFoundError(f"document {document_id}: no such document")
    published, duplicate = found.published, found.duplicate_of is not None
    runs = schema.extraction_runs
    had_evidence = conn.execute(select(runs.c.document_id).where(runs.c.document_id == document_id)).first()
    removed = aggregates.Removal(conn, document_id) if had_evidence is not None else None
    for table in (*schema.EVIDENCE_TABLES.values(), runs):
        conn.execute(delete(table).where(table.c.document_id == document_id))
    if removed is not None:
        aggregates.evidence_removed(conn, removed, published=published, duplicate=duplicate)

    def rows(table: Any, items: Sequence[Any]) -> list[dict[str, Any]]:
        if not items:
            return []
        columns = set(table.c.keys()) - {"id"}
        # evidence records hold plain values (text, numbers, None): read them as they are, not through as_dict
        names = [f.name for f in fields(items[0]) if f.name in columns]
        return [{**{k: getattr(item, k) for k in names}, "document_id": document_id} for item in items]

    batches: list[tuple[Any, list[dict[str, Any]]]] = [
        (schema.mentions, rows(schema.mentions, evidence.mentions)),
        (schema.quotes, rows(schema.quotes, evidence.quotes)),
        (schema.statements, rows(schema.statements, evidence.statements)),
        (schema.positions, rows(schema.positions, evidence.positions)),
        (schema.events, rows(schema.events, evidence.events)),
    ]
    for table, batch in batches:
        if batch:
            conn.execute(insert(table), batch)
    aggregates.evidence_added(conn, document_id, evidence, published=published, duplicate=duplicate)

    now = datetime.now(UTC).replace(tzinfo=None)
    stages = dict(evidence.extractors) or {RUN_STAGE_WHEN_UNNAMED: "unnamed"}
    conn.execute(
        insert(schema.extraction_runs),
        [
            {
                "document_id": document_id,
                "stage": stage,
                "extractor": name,
                "codebook_hash": codebook_hash,
                "run_at": now,
            }
            for stage, name in sorted(stages.items())
        ],
    )
    record_actors(conn, _actor_ids(evidence), codebook=codebook)


def _actor_ids(evidence: Evidence) -> set[str]:
    ids: set[str] = set()
    for m in evidence.mentions:
        ids.add(m.actor)
    for q in evidence.quotes:
        if q.speaker:
            ids.add(q.speaker)
    for s in evidence.statements:
        if s.speaker:
            ids.add(s.speaker)
    for p in evidence.positions:
        ids.add(p.actor)
        if p.speaker:
            ids.add(p.speaker)
    for e in evidence.events:
        if e.claimed_by:
            ids.add(e.claimed_by)
    return ids


def record_actors(conn: Connection, actor_ids: Iterable[str], *, codebook: Codebook | None = None) -> None:
    """Insert the actors not stored yet (an existing row is left as it is)."""
    rows = []
    known = codebook.actor_by_id if codebook is not None else {}
    for actor_id in sorted(set(actor_ids)):
        if actor_id.startswith(NER_PREFIX):
            name = actor_id[len(NER_PREFIX) :]
            rows.append({"id": actor_id, "name": name, "kind": "unknown", "origin": "ner"})
        elif actor_id in known:
            actor = known[actor_id]
            rows.append({"id": actor_id, "name": actor.name, "kind": actor.kind, "origin": "codebook"})
        else:
            rows.append({"id": actor_id, "name": actor_id, "kind": "unknown", "origin": "codebook"})
    if rows:
        conn.execute(dialect_insert(conn, schema.actors).on_conflict_do_nothing(), rows)


def record_codebook_actors(db: Database, codebook: Codebook) -> None:
    """Store every codebook actor (name, kind) so listings can show names for ids."""
    with db.transaction() as conn:
        record_actors(conn, (a.id for a in codebook.actors), codebook=codebook)
