"""Who said it: shared machinery for direct quotes (``quotes.py``) and reported speech (``speech.py``).

Everything here is grammar, not domain knowledge: quotation marks, paragraph and sentence layout, English
reporting verbs, and personal pronouns. Which names denote which actor comes from the mentions the actor
extractor found with the codebook (``Mention.actor`` is a codebook id or ``"ner:<Name>"``).

Offsets are character offsets into the document text; quotation contents are *masked* (replaced by a
placeholder of the same length) so that sentence splitting and verb matching never look inside a quotation.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from zopa.grammar import forms_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from zopa.extract._nlp import DocContext

Parser = Callable[[int], "tuple[Doc, int] | None"]

# English reporting verbs (word forms: without a tagger there are no lemmas). A codebook may add more in its
# ``speech_verbs``; the CHARACTERISING verbs below count too. Multi-word cues are regular expressions.
REPORTING_VERBS: tuple[str, ...] = (
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tells",
    "tell",
    "telling",
    "added",
    "adds",
    "adding",
    "stated",
    "states",
    "declared",
    "declares",
    "announced",
    "announces",
    "warned",
    "warns",
    "warning",
    "insisted",
    "insists",
    "noted",
    "notes",
    "wrote",
    "writes",
    "asked",
    "asks",
    "replied",
    "replies",
    "explained",
    "explains",
    "argued",
    "argues",
    "claimed",
    "claims",
    "stressed",
    "stresses",
    "emphasized",
    "emphasised",
    "emphasizes",
    "emphasises",
    "urged",
    "urges",
    "acknowledged",
    "acknowledges",
    "admitted",
    "admits",
    "continued",
    "remarked",
    "posted",
    "tweeted",
    "recalled",
    "concluded",
    "observed",
    "suggested",
    "suggests",
    "confirmed",
    "confirms",
    "denied",
    "denies",
    "vowed",
    "vows",
    "pledged",
    "pledges",
    "promised",
    "promises",
    "conceded",
    "concedes",
    "predicted",
    "cautioned",
    "complained",
    "answered",
    "responded",
    "commented",
    "mentioned",
    "reiterated",
    "reiterates",
    "reiterating",
    "repeated",
    "boasted",
    "boasts",
    "insisting",
    "stressing",
    "declaring",
    "announcing",
    "signaled",
    "signalled",
    "signals",
    "indicated",
    "indicates",
    "threatened",
    "threatens",
    "demanded",
    "demands",
    "proposed",
    "proposes",
    "maintained",
    "maintains",
    "accused",
    "accuses",
    "urging",
    "telling",
    "writing",
    "asserted",
    "asserts",
    "contended",
    "retorted",
    "shouted",
    "joked",
    # base forms, for plural subjects ("officials warn", "his remarks suggest")
    "warn",
    "insist",
    "suggest",
    "argue",
    "claim",
    "stress",
    "emphasize",
    "emphasise",
    "note",
    "indicate",
    "signal",
    "acknowledge",
    "admit",
    "deny",
    "confirm",
    "announce",
    "declare",
    "reiterate",
)
MULTIWORD_CUES: tuple[str, ...] = (
    r"according\s+to",
    r"made\s+(?:it\s+)?clear",
    r"makes?\s+(?:it\s+)?clear",
    r"making\s+(?:it\s+)?clear",
    r"spelled\s+out",
    r"spelt\s+out",
    r"spells\s+out",
    r"laid\s+out",
    r"put\s+it",
    r"went\s+on",
    r"pointed\s+out",
    r"points\s+out",
    r"called\s+for",
    r"calls\s+for",
    r"in\s+the\s+words\s+of",
)
# Verbs that characterise rather than report (they take a short quoted label: "called it 'a farce'").
CHARACTERISING = frozenset(
    {
        "described",
        "describes",
        "describing",
        "called",
        "calls",
        "calling",
        "termed",
        "dubbed",
        "labelled",
        "labeled",
        "framed",
        "frames",
        "portrayed",
        "portrays",
        "portraying",
        "characterized",
        "characterised",
    }
)
SUBJECT_PRONOUNS = frozenset({"he", "she"})
# Nouns that stand for what someone said: "Putin's remarks suggest ...", "his statement".
SPEECH_NOUNS = frozenset(
    {
        "statement",
        "statements",
        "remarks",
        "remark",
        "comments",
        "comment",
        "words",
        "message",
        "speech",
        "language",
        "rhetoric",
        "address",
        "letter",
        "post",
        "response",
        "terms",
        "warning",
        "answer",
    }
)

# Forms that are as often nouns as verbs ("his demands", "member states"): a subject must stand right before.
AMBIGUOUS_FORMS = frozenset(
    {
        "demands",
        "claims",
        "promises",
        "pledges",
        "calls",
        "vows",
        "notes",
        "states",
        "answers",
        "replies",
        "signals",
        "proposes",
        "stresses",
        "threatens",
        "warning",
        "saying",
        "calling",
        "claim",
        "note",
        "signal",
        "stress",
        "deny",
        "admit",
        "confirm",
        "declare",
        "announce",
    }
)
_POSSESSIVE = re.compile(r"['’]s?$")

# People who speak for an organisation or state: "the Kremlin's spokesman", "Ukraine's foreign ministry".
ROLE_NOUNS = frozenset(
    {
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "spokespeople",
        "office",
        "ministry",
        "government",
        "embassy",
        "mission",
        "envoy",
        "envoys",
        "negotiator",
        "negotiators",
        "delegation",
        "representative",
        "representatives",
        "official",
        "officials",
        "foreign",
        "defence",
        "defense",
        "press",
        "leadership",
        "president",
        "presidency",
        "administration",
        "cabinet",
        "military",
        "army",
        "command",
        "diplomats",
    }
)

_BARE_PRONOUN = re.compile(r"\b(?:he|she|they|it|i|we|you)\b", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’»)]*\s")

_DOUBLE_OPEN = re.compile('[“„«"]')
_CURLY_CLOSE = re.compile("”|’’|''")
_SINGLE_OPEN = re.compile("[‘']")
_SINGLE_CLOSE_CURLY = re.compile("[’']")
_SINGLE_CLOSE_STRAIGHT = re.compile("'")

OPENING = {"“": "”", "„": "“", "«": "»", '"': '"', "‘": "’", "'": "'"}
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][\w'’\-.]*")
_TERMINAL = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class QuoteMark:
    """A quotation: ``open``/``close`` are the positions of the marks; the words lie between them."""

    open: int
    close: int  # position of the closing mark (== paragraph end when the quote runs on)
    double: bool
    width: int = 1  # characters of the closing mark ("’’" and "\'\'" close a double quotation too)

    @property
    def inner(self) -> Span:
        return Span(self.open + 1, self.close)

    @property
    def after(self) -> int:
        """The first position after the closing mark."""
        return self.close + self.width


@dataclass(frozen=True, slots=True)
class MentionRef:
    actor: str
    start: int
    end: int
    how: str
    person: bool


@dataclass(frozen=True, slots=True)
class VerbHit:
    start: int
    end: int
    form: str  # lower-cased words of the cue


def paragraphs_of(text: str) -> list[Span]:
    """Non-empty lines, stripped of surrounding whitespace (a line is a paragraph in cleaned text)."""
    out: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            out.append(Span(pos + lead, pos + lead + len(stripped)))
        pos += len(line) + 1
    return out


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def find_quote_marks(text: str, para: Span) -> list[QuoteMark]:
    """Quotations inside one paragraph: curly and straight double quotes, then single quotes outside them.

    An opening double mark with no closing mark in the paragraph runs to the paragraph's end (the convention
    for a quotation that continues in the next paragraph). Apostrophes (``Putin’s``, ``don't``) are not
    quotes.
    """
    marks: list[QuoteMark] = []
    i, end = para.start, para.end
    while True:
        found = _DOUBLE_OPEN.search(text, i, end)
        if found is None:
            break
        i = found.start()
        ch = text[i]
        if ch == '"' and i > para.start and _is_word_char(text[i - 1]):
            i += 1  # 5'10" and the like
            continue
        width = 1
        if ch == '"':
            j = text.find('"', i + 1, end)
            if j < 0:
                j = text.find("”", i + 1, end)  # mixed marks: "...”
        elif ch == "“":
            # ” closes, and so do ’’ or '' (typewriter doubles) and, failing those, a straight " (mixed marks)
            found = _CURLY_CLOSE.search(text, i + 1, end)
            j, width = (found.start(), len(found.group())) if found else (text.find('"', i + 1, end), 1)
        else:
            j = text.find(OPENING[ch], i + 1, end)
            if j < 0 and ch == "„":
                j = text.find("”", i + 1, end)
        close = j if j >= 0 else end
        marks.append(QuoteMark(i, close, True, width if j >= 0 else 1))
        i = close + width
    doubles = list(marks)
    # Single quotes, only outside double quotes (nested single quotes belong to the outer quotation).
    i = para.start
    for q in [*doubles, QuoteMark(end, end, True)]:
        marks.extend(_single_quotes(text, i, q.open))
        i = q.after
    return sorted(marks, key=lambda m: m.open)


def _single_quotes(text: str, lo: int, hi: int) -> list[QuoteMark]:
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
        out.append(QuoteMark(i, close, False))
        i = close + 1
    return out


def mask_quotes(text: str, marks: Iterable[QuoteMark]) -> str:
    """The text with every quotation's contents replaced by ``\u2063`` characters (same length), except a
    final ``.``, ``!`` or ``?`` (so that a sentence still ends after '..."')."""
    chars = list(text)
    for m in marks:
        last = m.close - 1
        while last > m.open and text[last].isspace():
            last -= 1
        for k in range(m.open + 1, m.close):
            if k == last and text[k] in ".!?…":
                continue
            chars[k] = "\u2063"
    return "".join(chars)


_SENT_END = re.compile(r"(?<=[.!?…])([\"'”’»)]*)\s+(?=[\"“‘'(\[A-Z0-9\u2063])")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Sen|Rep|Gov|St|Jr|Sr|No|vs|etc|approx)|\b[A-Z])\.$"
)


def sentences(masked: str, para: Span) -> list[Span]:
    """Sentences of a paragraph, split on the masked text (never inside a quotation)."""
    out: list[Span] = []
    start = para.start
    for m in _SENT_END.finditer(masked, para.start, para.end):
        head = masked[start : m.start()]
        if _ABBREV.search(head):
            continue
        end = m.start() + len(m.group(1))  # closing quotation marks belong to the sentence
        if end > start:
            out.append(Span(start, end))
        start = m.end()
    if start < para.end:
        out.append(Span(start, para.end))
    return out


def is_heading(text: str, para: Span, *, bullet: bool = False) -> bool:
    """A heading, headline, byline or caption: a line of at most 20 words without sentence-final punctuation
    (a list item is not a heading), including a line that is only a quotation (block quotes end with their
    sentence's punctuation; a quoted line without it is a subheading). Headings hold labels, not
    quotations."""
    line = text[para.start : para.end].strip()
    if bullet or not line or _TERMINAL.search(line):
        return False
    words = _WORD.findall(line)
    return bool(words) and len(words) <= 20 and line[0] not in "•*·▪●"  # "•": a list item


def title_case(words: Sequence[str]) -> bool:
    significant = [w for w in words if len(w) > 3 or w[0].isupper()]
    return len(significant) >= 1 and all(w[0].isupper() for w in significant)


@lru_cache(maxsize=32)
@lru_cache(maxsize=32)
def _verb_forms(extra: tuple[str, ...]) -> tuple[frozenset[str], re.Pattern[str]]:
    """Single-word reporting verbs (a set, looked up word by word) and one expression for the multi-word
    cues, with a codebook's own verbs added (built once per codebook)."""
    forms = {v.lower() for v in (*REPORTING_VERBS, *CHARACTERISING, *extra)}
    single = frozenset(f for f in forms if " " not in f)
    multi = [*MULTIWORD_CUES, *(r"\s+".join(map(re.escape, f.split())) for f in forms if " " in f)]
    return single, re.compile(r"\b(?:" + "|".join(multi) + r")\b", re.IGNORECASE)


_ANY_WORD = re.compile(r"[A-Za-z]+")


# Capitalised words that are not names when they head a subject.
_NOT_NAMES = frozenset(
    {
        "i",
        "we",
        "they",
        "it",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "officials",
        "police",
        "analysts",
        "critics",
        "experts",
        "sources",
        "reports",
        "state",
        "media",
        "the",
        "a",
        "an",
    }
)


class Attributor:
    """Finds the speaker of a cue: the actor mention (or pronoun) that is the subject of a reporting verb."""

    def __init__(
        self,
        text: str,
        mentions: Iterable[MentionRef],
        *,
        extra_verbs: Iterable[str] = (),
    ) -> None:
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: (m.start, -m.end))
        self._starts = [m.start for m in self.mentions]
        self._persons = [m for m in self.mentions if m.person and m.how != "pronoun"]
        self._person_starts = [m.start for m in self._persons]
        self._verb_hits: dict[str, tuple[list[int], list[VerbHit]]] = {}
        self.verb_words, self.verb_re = _verb_forms(
            tuple(sorted({v.lower().strip() for v in extra_verbs if v.strip()}))
        )

    # -- lookups ---------------------------------------------------------------------------------------
    def verbs(self, masked: str, lo: int, hi: int) -> list[VerbHit]:
        """Reporting verbs lying in [lo, hi) of ``masked`` (the whole text is scanned once, then cached)."""
        cached = self._verb_hits.get(masked)
        if cached is None:
            multi = [
                VerbHit(m.start(), m.end(), " ".join(m.group(0).lower().split()))
                for m in self.verb_re.finditer(masked)
            ]
            taken = {k for h in multi for k in range(h.start, h.end)}
            words = self.verb_words
            single = [
                VerbHit(m.start(), m.end(), m.group(0).lower())
                for m in _ANY_WORD.finditer(masked)
                if m.group(0).lower() in words and m.start() not in taken
            ]
            hits = sorted([*multi, *single], key=lambda h: h.start)
            cached = ([h.start for h in hits], hits)
            self._verb_hits[masked] = cached
        starts, hits = cached
        out = []
        for k in range(bisect_left(starts, lo), len(hits)):
            if hits[k].start >= hi:
                break
            if hits[k].end <= hi:
                out.append(hits[k])
        return out

    def mentions_in(self, lo: int, hi: int) -> list[MentionRef]:
        i = bisect_left(self._starts, lo)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < hi:
            if self.mentions[i].end <= hi:
                out.append(self.mentions[i])
            i += 1
        return _outermost(out)

    def focus_person(self, pos: int) -> MentionRef | None:
        """The person in focus at ``pos``: the most recent person named (not a pronoun) before it."""
        i = bisect_right(self._person_starts, pos) - 1
        while i >= 0:
            m = self._persons[i]
            if m.end <= pos:
                return m
            i -= 1
        return None

    def pronoun(self, lo: int, hi: int) -> MentionRef | None:
        """A subject pronoun (he/she) inside [lo, hi), resolved to the person in focus."""
        for m in re.finditer(r"\b(?:he|she)\b", self.text[lo:hi], re.IGNORECASE):
            start = lo + m.start()
            subject = self.subject_in_focus(start)
            if subject is not None:
                return MentionRef(subject.actor, start, lo + m.end(), "pronoun", True)
            for known in self.mentions_in(start, lo + m.end()):
                if known.how == "pronoun":
                    return known
            focus = self.focus_person(start)
            if focus is not None:
                return MentionRef(focus.actor, start, lo + m.end(), "pronoun", True)
        return None

    def subject_in_focus(self, pos: int) -> MentionRef | None:
        """The person who is the subject of the latest sentence naming a person before ``pos``: the person
        named at its start ("Zelenskyy spoke after meeting Trump. He said ..." -> Zelenskyy), or None when
        that sentence does not open with a person."""
        last = self.focus_person(pos)
        if last is None:
            return None
        window = max(0, last.start - 400)
        lo = self.text.rfind("\n", 0, last.start) + 1
        for brk in _SENTENCE_BREAK.finditer(self.text, window, last.start):
            lo = max(lo, brk.end())
        for m in self._persons[bisect_left(self._person_starts, lo) :]:
            if m.start > last.start:
                break
            if len(_WORD.findall(self.text[lo : m.start])) <= 3:
                return m
            break
        return None

    def candidates(self, lo: int, hi: int) -> list[MentionRef]:
        found = [m for m in self.mentions_in(lo, hi) if m.how != "pronoun"]  # pronouns: resolved below
        covered = {(m.start, m.end) for m in found}
        for m in re.finditer(r"\b(?:he|she)\b", self.text[lo:hi], re.IGNORECASE):
            s, e = lo + m.start(), lo + m.end()
            if any(a <= s < b for a, b in covered):
                continue
            pron = self.pronoun(s, e)
            if pron is not None:
                found.append(pron)
        return sorted(found, key=lambda m: m.start)

    # -- subject search --------------------------------------------------------------------------------
    def subject_before(self, masked: str, verb: VerbHit, lo: int) -> MentionRef | None:
        """The nearest actor mention or pronoun before the verb, in the same clause (``lo`` bounds it)."""
        cands = [m for m in self.candidates(lo, verb.start) if m.end <= verb.start]
        if not cands:
            return None
        best = cands[-1]
        gap = masked[best.end : verb.start]
        if _BARE_PRONOUN.search(gap):
            return None  # "charges he threatened": the subject is a pronoun we cannot resolve
        if (
            "," in gap
            and _WORD.search(gap[gap.rfind(",") + 1 :])
            and not re.fullmatch(r"[^,]*,[^,]*,\s*(?:\w+ly\s+)?", gap)
        ):
            return None  # "Delhi has improved, analysts say": another clause; an appositive ends at its comma
        gap_words = [w.lower() for w in _WORD.findall(re.sub(r"^['’]s?\b", "", gap))]
        if "\u2063" in gap or len(gap_words) > 8:
            return None
        if verb.form in AMBIGUOUS_FORMS and (len(gap_words) > 2 or _POSSESSIVE.search(best_text(self, best))):
            return None  # "Moscow's core demands remain": a noun, not a verb
        if _POSSESSIVE.search(best_text(self, best)) and not any(w in SPEECH_NOUNS for w in gap_words[:3]):
            if gap_words and gap_words[0] in ROLE_NOUNS and not best.person and len(gap_words) <= 3:
                return best  # "the Kremlin's spokesman said": someone speaking for the possessor
            return None  # "Trump's push for peace has added ...": the possessor is not the subject
        # Prefer a person named in the same noun phrase ("Russian President Vladimir Putin", "Putin's").
        if not best.person:
            for m in reversed(cands[:-1]):
                between = masked[m.end : best.start]
                if m.person and len(_WORD.findall(between)) <= 2 and "," not in between:
                    return m
        return best

    def subject_after(self, masked: str, verb: VerbHit, hi: int) -> MentionRef | None:
        """Inverted order: ``said Putin``, ``according to the Kremlin``, ``added the Russian president``."""
        cands = [m for m in self.candidates(verb.end, hi) if m.start >= verb.end]
        if not cands:
            return None
        first = cands[0]
        gap = masked[verb.end : first.start]
        if "\u2063" in gap or re.search(r"[,;:.!?]", gap) or len(_WORD.findall(gap)) > 4:
            return None
        return first

    def adjacent(self, masked: str, mention: MentionRef, verb: VerbHit) -> bool:
        """The mention stands right before the verb (at most two words between, no comma, no quotation)."""
        gap = re.sub(r"^['’]s?\b", "", masked[mention.end : verb.start])
        return "," not in gap and "\u2063" not in gap and len(_WORD.findall(gap)) <= 2

    def person_named(self, name: str, start: int, end: int) -> MentionRef:
        """A person by name: a codebook or NER person named before whose name ends with it (a surname),
        else ``ner:<name>``."""
        last = name.split()[-1]
        for m in reversed(self._persons):
            if m.start >= start:
                continue
            known = m.actor[4:] if m.actor.startswith("ner:") else self.text[m.start : m.end]
            if known.split() and known.split()[-1] == last:
                return MentionRef(m.actor, start, end, "ner", True)
        return MentionRef(f"ner:{name}", start, end, "ner", True)

    def is_person(self, mention: MentionRef) -> bool:
        return mention.person


def best_text(att: Attributor, mention: MentionRef) -> str:
    """The mention's text with a possessive ending when the text has one right after it."""
    end = mention.end
    if att.text[end : end + 2] in ("'s", "’s"):
        end += 2
    return att.text[mention.start : end]


def _outermost(ms: list[MentionRef]) -> list[MentionRef]:
    """Drop mentions nested inside a longer one ("Putin" inside "Vladimir Putin")."""
    out: list[MentionRef] = []
    for m in ms:
        if out and m.start >= out[-1].start and m.end <= out[-1].end:
            continue
        out.append(m)
    return out


def word_count(s: str) -> int:
    return len(_WORD.findall(s))


def attributor_for(ctx: DocContext) -> Attributor:
    """An :class:`Attributor` over the context's actor mentions and the codebook's speech verbs."""
    labels = ctx.ner_labels_by_actor  # built once here: ctx.is_person rebuilds it on every call
    kinds = {a.id: a.kind for a in ctx.codebook.actors}

    def person(actor: str) -> bool:
        return labels.get(actor) == "PERSON" if actor.startswith("ner:") else kinds.get(actor) == "person"

    refs = [MentionRef(m.actor, m.start, m.end, m.how, person(m.actor)) for m in ctx.mentions]
    grammar = ctx.codebook.grammar
    verbs = (*forms_of(grammar.speech_verbs), *forms_of(grammar.characterising_verbs))
    return Attributor(ctx.text, refs, extra_verbs=verbs)


def paragraph_spans(ctx: DocContext) -> list[Span]:
    return [Span(p.start, p.end) for p in ctx.paragraphs]


def parser_for(ctx: DocContext) -> Parser:
    """``parse(offset)``: the spaCy parse of the context's sentence holding ``offset`` and that sentence's
    start, or None when that sentence is not a candidate (``ctx.candidates``: the sentences that can hold
    evidence; parses are cached by the context)."""

    def parse(offset: int) -> tuple[Doc, int] | None:
        sent = ctx.sentence_at(offset)
        if sent is None or sent.index not in ctx.candidates:
            return None  # only sentences that can hold evidence are parsed
        return ctx.doc(sent.index), sent.start

    return parse


def parsed_subject(parse: Parser | None, att: Attributor, verb: VerbHit) -> MentionRef | None:
    """The nominal subject of ``verb`` in the dependency parse, when it is an actor: a mention at the head of
    the subject ("the Russian president said"), the possessor of a speech noun ("Putin's remarks suggest"),
    a PERSON entity, or a capitalised name (a surname links to the person named in full before). A verb
    conjoined to another ("said ... and added") takes the first verb's subject."""
    if parse is None:
        return None
    parsed = parse(verb.start)
    if parsed is None:
        return None
    doc, base = parsed
    for token in doc:
        if not (verb.start <= base + token.idx < verb.end):
            continue
        for _ in range(3):
            subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects or token.dep_ != "conj" or token.head.i == token.i:
                break
            token = token.head
        for child in subjects:
            found = _subject_actor(att, doc, base, child)
            if found is not None:
                return found
        break
    return None


def _subject_actor(att: Attributor, doc: Doc, base: int, child: Any) -> MentionRef | None:
    head_at = base + child.idx
    for m in att.mentions_in(base + child.left_edge.idx, head_at + len(child.text)):
        if m.start <= head_at < m.end and m.how != "pronoun":
            return m
    if child.text.lower() in SUBJECT_PRONOUNS:
        return att.pronoun(head_at, head_at + len(child.text))
    if child.text.lower() in SPEECH_NOUNS:
        for poss in child.children:
            if poss.dep_ == "poss":
                found = att.mentions_in(base + poss.left_edge.idx, base + poss.idx + len(poss.text) + 2)
                if found:
                    return found[-1]
    for ent in doc.ents:
        if ent.label_ == "PERSON" and ent.start <= child.i < ent.end:
            return att.person_named(" ".join(ent.text.split()), base + ent.start_char, base + ent.end_char)
    # A capitalised name the entity recogniser missed ("Suter acknowledged"): the name tokens of the subject
    name_deps = ("compound", "nsubj", "nsubjpass")
    names = [t for t in child.subtree if t.dep_ in name_deps and t.text[:1].isupper()]
    if names and names[-1] is child and child.i > 0 and 1 <= len(names) <= 3 and child.text.isalpha():
        words = [t.text for t in names]
        if not any(w.lower() in _NOT_NAMES for w in words):
            start = base + names[0].idx
            return att.person_named(" ".join(words), start, base + child.idx + len(child.text))
    return None
