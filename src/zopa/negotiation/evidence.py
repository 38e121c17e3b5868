"""Stored positions with their documents: what the negotiation builder reads.

``load_statements(db)`` joins ``positions`` with ``documents`` (duplicates excluded) into
:class:`StatementRow` records, oldest first; tests and the benchmark build rows by hand with
:meth:`StatementRow.of`. Nothing here interprets a statement: that is :mod:`zopa.negotiation.build`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from zopa.records import Position, _Record
from zopa.store import schema

if TYPE_CHECKING:
    from zopa.store.db import Database


@dataclass(slots=True, kw_only=True)
class StatementRow(_Record):
    """One position with the document it came from (its id in ``positions``, when stored)."""

    id: int | None
    position: Position
    document_id: int | None = None
    title: str = ""
    outlet: str | None = None
    published: datetime | None = None
    url: str | None = None

    @classmethod
    def of(
        cls,
        position: Position,
        *,
        id: int | None = None,
        document_id: int | None = None,
        title: str = "",
        published: datetime | date | str | None = None,
        outlet: str | None = None,
        url: str | None = None,
    ) -> StatementRow:
        """A row from a hand-built position (``published`` may be a date or an ISO string)."""
        if isinstance(published, str):
            published = datetime.fromisoformat(published)
        elif isinstance(published, date) and not isinstance(published, datetime):
            published = datetime(published.year, published.month, published.day)
        return cls(
            id=id,
            position=position,
            document_id=document_id,
            title=title,
            outlet=outlet,
            published=published,
            url=url,
        )

    @property
    def day(self) -> date | None:
        return self.published.date() if self.published is not None else None


@dataclass(slots=True, kw_only=True)
class EvidenceRef(_Record):
    """A pointer to the sentence behind a value: document, span, the sentence, and how much it counted."""

    position_id: int | None
    document_id: int | None
    title: str
    published: str | None
    start: int
    end: int
    sentence: str
    stance: str
    value: float | None
    red_line: bool
    speaker: str | None
    weight: float  # the time-decay weight (x force, for salience) it had in the value

    @classmethod
    def from_row(cls, row: StatementRow, weight: float) -> EvidenceRef:
        p = row.position
        return cls(
            position_id=row.id,
            document_id=row.document_id,
            title=row.title,
            published=row.published.date().isoformat() if row.published else None,
            start=p.start,
            end=p.end,
            sentence=p.evidence,
            stance=p.stance,
            value=p.value,
            red_line=p.red_line,
            speaker=p.speaker,
            weight=round(weight, 6),
        )

    def cite(self) -> str:
        """A one-line citation: ``doc 3 "Title" (2025-12-17) [120:240]``."""
        when = f" ({self.published})" if self.published else ""
        doc = f"doc {self.document_id}" if self.document_id is not None else "statement"
        title = f' "{self.title}"' if self.title else ""
        return f"{doc}{title}{when} [{self.start}:{self.end}]"


def load_statements(db: Database, *, until: datetime | None = None) -> list[StatementRow]:
    """Every stored position of a non-duplicate document (published up to ``until``), oldest first."""
    p, d = schema.positions, schema.documents
    doc_query = select(d.c.id, d.c.title, d.c.outlet, d.c.published, d.c.url).where(
        d.c.duplicate_of.is_(None)
    )
    if until is not None:
        doc_query = doc_query.where(d.c.published <= until)
    query = select(
        p.c.id,
        p.c.document_id,
        p.c.start,
        p.c.end,
        p.c.extractor,
        p.c.confidence,
        p.c.actor,
        p.c.issue,
        p.c.stance,
        p.c.value,
        p.c.conditional_on,
        p.c.red_line,
        p.c.speaker,
        p.c.evidence,
        p.c.rejected_value,
    ).order_by(p.c.document_id, p.c.start, p.c.id)
    with db.connect() as conn:
        docs = {r[0]: tuple(r[1:]) for r in conn.execute(doc_query)}
        rows = conn.execute(query).all()
    out = []
    for r in rows:
        doc = docs.get(r[1])
        if doc is None:  # a duplicate, or published after `until`
            continue
        position = Position(
            actor=r[6],
            issue=r[7],
            stance=r[8],
            value=r[9],
            conditional_on=r[10],
            rejected_value=r[14],
            red_line=bool(r[11]),
            speaker=r[12],
            evidence=r[13],
            start=r[2],
            end=r[3],
            extractor=r[4],
            confidence=r[5],
        )
        out.append(
            StatementRow(
                id=r[0],
                position=position,
                document_id=r[1],
                title=doc[0],
                outlet=doc[1],
                published=doc[2],
                url=doc[3],
            )
        )
    out.sort(key=lambda row: (row.published is not None, row.published or datetime.min))
    return out
