"""One record type per stored kind, as the read API returns it: frozen dataclasses with ``as_dict()``.

The same classes are the JSON API's response models (``zopa.web.api`` declares them as FastAPI response
models): a field is declared once. Times are stored as naive UTC; :data:`Timestamp` says so to the API,
which writes them as RFC 3339 with ``Z`` (``as_dict()`` keeps the plain ISO form).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator

from zopa.records import _Record

T = TypeVar("T")


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


# read only by pydantic (the API); the dataclasses hold the stored naive time
Timestamp = Annotated[datetime, AfterValidator(_as_utc)]


class _Row(_Record):
    """A query result row: a frozen dataclass with ``as_dict()`` (dates as ISO strings)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Page(_Row, Generic[T]):
    """One page of a listing: ``items`` and the ``total`` number of matches."""

    items: tuple[T, ...]
    total: int
    limit: int | None
    offset: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentRow(_Row):
    id: int
    source: str
    title: str
    outlet: str | None
    published: Timestamp | None
    url: str | None
    format: str
    duplicate_of: int | None
    story: int | None
    story_label: str | None
    words: int
    ingested_at: Timestamp


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentDetail(DocumentRow):
    """A document with its cleaned ``text`` (every span refers to it) and the ``raw`` original."""

    text: str
    raw: str
    content_hash: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceRow(_Row):
    """What every piece of evidence carries: its document (id, source, title, outlet, date) and span."""

    id: int
    document: int
    source: str
    title: str
    outlet: str | None
    published: Timestamp | None
    start: int
    end: int
    extractor: str
    confidence: float


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementRow(EvidenceRow):
    speaker: str | None
    speaker_name: str | None
    text: str
    cue: str


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteRow(StatementRow):
    kind: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionRow(EvidenceRow):
    actor: str
    actor_name: str | None
    issue: str
    stance: str
    value: float | None
    rejected_value: float | None
    conditional_on: str | None
    red_line: bool
    speaker: str | None
    speaker_name: str | None
    evidence: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRow(EvidenceRow):
    what: str
    count: float | None
    unit: str | None
    qualifier: str | None
    place: str | None
    when: str | None
    claimed_by: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class MentionRow(EvidenceRow):
    actor: str
    actor_name: str | None
    text: str
    how: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryRow(_Row):
    id: int
    label: str
    documents: tuple[int, ...]
    first_published: Timestamp | None
    last_published: Timestamp | None
    titles: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryHeader(_Row):
    """A story as a list shows it: ``articles``, the number of its articles (near-duplicates included), and
    their ``outlets``, counted from an index, not read from the articles."""

    id: int
    label: str
    first_published: Timestamp | None
    last_published: Timestamp | None
    articles: int
    outlets: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryPage(StoryHeader):
    """One story: its header and one page of its articles, newest first (``documents``)."""

    documents: Page[DocumentRow]


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorRow(_Row):
    id: str
    name: str
    kind: str
    origin: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OutletRow(_Row):
    outlet: str
    documents: int
    first_published: Timestamp | None
    last_published: Timestamp | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SpeakerRow(_Row):
    id: str
    name: str
    quotes: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixCell(_Row):
    """One party's stance on one issue: counts per stance, the dominant stance, the newest date."""

    actor: str
    issue: str
    counts: dict[str, int]
    total: int
    stance: str  # the most frequent stance (ties: the most recent evidence wins)
    latest: Timestamp | None
    red_line: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionMatrix(_Row):
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    cells: tuple[MatrixCell, ...]
    actor_names: dict[str, str] = field(default_factory=dict)

    def cell(self, actor: str, issue: str) -> MatrixCell | None:
        for c in self.cells:
            if c.actor == actor and c.issue == issue:
                return c
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentEvidence(_Row):
    """One document with all its evidence, ordered by position in the text."""

    document: DocumentDetail
    mentions: tuple[MentionRow, ...]
    quotes: tuple[QuoteRow, ...]
    statements: tuple[StatementRow, ...]
    positions: tuple[PositionRow, ...]
    events: tuple[EventRow, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Stats(_Row):
    documents: int
    duplicates: int
    stories: int
    mentions: int
    quotes: int
    statements: int
    positions: int
    events: int
    actors: int
