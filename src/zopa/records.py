"""Plain typed records passed between pipeline stages.

Spans (``start``, ``end``) are character offsets into the *cleaned* text of a document (``Article.text``),
end-exclusive, so ``article.text[start:end]`` is the evidence. Every extracted item names the extractor
(``extractor``, a versioned name like ``"quotes.v1"``) and a ``confidence`` in [0, 1].

Actor references are codebook actor ids (``"putin"``, ``"russia"``); people the codebook does not
know are referenced as ``"ner:<Name>"``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Stance = Literal["demand", "reject", "accept", "offer", "conditional", "threat", "plan", "statement"]
STANCES: tuple[str, ...] = (
    "demand", "reject", "accept", "offer", "conditional", "threat", "plan", "statement",
)


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class _Record:
    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings, tuples as lists)."""
        return {k: _plain(v) for k, v in asdict(self).items()}  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True, kw_only=True)
class Article(_Record):
    """One ingested document, cleaned, before it is stored."""

    source: str  # the path or URL as ingested ("-" for standard input, "path#3" for line 3 of a JSONL file)
    title: str
    text: str  # cleaned text; every span refers to it
    raw: str  # the original text (or HTML) as read
    outlet: str | None = None
    published: datetime | None = None
    url: str | None = None
    format: str = "text"  # text | html | jsonl | feed
    content_hash: str = ""  # sha256 of the normalised cleaned text
    # where ``published`` came from: metadata | front-matter | date-line | dateline | url | text
    # (zopa.dating); None when the article is undated
    published_source: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention(_Record):
    """An actor named in the text: by alias, title, metonym, pronoun, or found by NER."""

    actor: str  # codebook actor id, or "ner:<Name>"
    text: str
    start: int
    end: int
    how: str  # alias | title | metonym | ner | pronoun
    extractor: str = "actors.v1"
    confidence: float = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote(_Record):
    """A direct quotation with its speaker."""

    speaker: str | None  # actor id or "ner:<Name>"; None when no speaker could be found
    text: str  # the words inside the quotation marks
    start: int  # span of the quoted words
    end: int
    cue: str  # how the speaker was found: "said X", "block: previous paragraph", "partial: described as", ...
    kind: str = "direct"  # direct | block | partial
    extractor: str = "quotes.v1"
    confidence: float = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement(_Record):
    """Reported (indirect) speech: "Putin framed the conflict as ...", "He made it clear that ..."."""

    speaker: str | None
    text: str  # the reported content
    start: int
    end: int
    cue: str  # the reporting verb phrase
    extractor: str = "speech.v1"
    confidence: float = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Position(_Record):
    """A party's stance on a codebook issue, with the sentence that shows it."""

    actor: str  # the party (a person is mapped to the party they speak for at the article's date)
    issue: str  # codebook issue id
    stance: str  # one of STANCES
    value: float | None = None  # 0-100: the point the holder's own position implies (a threat: its outcome)
    rejected_value: float | None = None  # 0-100: the point a rejection turns down ("will never cede Donetsk")
    conditional_on: str | None = None  # issue id the offer is conditional on ("drop NATO bid if guarantees")
    red_line: bool = False
    speaker: str | None = None  # the person who said it, when there is one
    evidence: str = ""  # the sentence
    start: int = 0  # span of the evidence sentence
    end: int = 0
    extractor: str = "positions.v1"
    confidence: float = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFact(_Record):
    """A reported figure: "40 rockets fired", "at least 12 people hurt", "a 25% levy"."""

    what: str
    count: float | None
    unit: str | None = None  # what the count counts ("people", "percent")
    qualifier: str | None = None  # the hedge or bound the text puts on it ("more than", "up to")
    place: str | None = None
    when: str | None = None
    claimed_by: str | None = None
    start: int = 0
    end: int = 0
    extractor: str = "events.v2"
    confidence: float = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence(_Record):
    """Everything extracted from one document: the output of ``extract(article, codebook)``."""

    mentions: tuple[Mention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    statements: tuple[Statement, ...] = ()
    positions: tuple[Position, ...] = ()
    events: tuple[EventFact, ...] = ()
    extractors: dict[str, str] = field(default_factory=dict)  # stage -> versioned name used


@dataclass(frozen=True, slots=True, kw_only=True)
class Story(_Record):
    """Articles that cover the same event."""

    id: int
    label: str
    documents: tuple[int, ...]
