"""Whole-database summaries read from the aggregates kept at write time (:mod:`zopa.store.aggregates`):
how many of each thing is stored, the outlets and the speakers of the dashboard's filter forms."""

from __future__ import annotations

from sqlalchemy import func, select

from zopa.store import aggregates, schema
from zopa.store.db import Database
from zopa.store.rows import OutletRow, SpeakerRow, Stats


def stats(db: Database) -> Stats:
    """How many of each thing the database holds (the row counts kept at write time, stories and actors
    counted)."""
    with db.connect() as conn:
        kept = aggregates.counts(conn)
        stories, actors = conn.execute(
            select(
                select(func.count()).select_from(schema.stories).scalar_subquery(),
                select(func.count()).select_from(schema.actors).scalar_subquery(),
            )
        ).one()
    counted = {name: kept[name] for name in Stats.__dataclass_fields__ if name in kept}
    return Stats(**counted, stories=int(stories), actors=int(actors))


def list_outlets(db: Database) -> tuple[OutletRow, ...]:
    """The outlets documents came from, most documents first, with their first and last publication dates
    (kept at write time)."""
    o = schema.outlet_counts
    with db.connect() as conn:
        return tuple(
            OutletRow(**dict(r))
            for r in conn.execute(select(o).order_by(o.c.documents.desc(), o.c.outlet)).mappings()
        )


def list_speakers(db: Database) -> tuple[SpeakerRow, ...]:
    """Everyone quoted (actor id and name), most quotes first (kept at write time)."""
    sc, a = schema.speaker_counts, schema.actors
    stmt = (
        select(sc.c.speaker, a.c.name, sc.c.quotes)
        .select_from(sc.outerjoin(a, a.c.id == sc.c.speaker))
        .order_by(sc.c.quotes.desc(), sc.c.speaker)
    )
    with db.connect() as conn:
        return tuple(
            SpeakerRow(id=r["speaker"], name=r["name"] or r["speaker"], quotes=int(r["quotes"]))
            for r in conn.execute(stmt).mappings()
        )
