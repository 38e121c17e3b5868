"""Direct quotations and who said them (extractor ``quotes.v2``).

Rules (grammar only; who is who comes from the codebook through the actor mentions):

* quotation marks as segmented by ``_nlp.segment`` (a quotation left open at the end of a paragraph continues
  in the next one);
* the reporting verb the quotation hangs on in the parse of its sentence (by lemma: "said", "tweeted",
  "called on", "sings", "according to"), and that verb's subject as the speaker (see ``_attribution``):
  ``"...," X said`` / ``said X`` / ``X told reporters: "..."`` / ``"...," X, a fellow at Y, said`` /
  ``according to X`` / ``said Air Force 1st Lt. X`` (a rank between the verb and the name); the surface
  rules (the nearest mention in the verb's clause) where the parse gives nothing; a short sentence right
  after the quotation counts (``"Why not?" Putin asked.``, any verb with a name in a sentence not read for
  names: ``"Why?" Jane Roe pressed.``, also with a clause of time: ``... Roe said as he left.``); the
  attribution right after the quotation wins over another verb the parse hangs it on (``"...," Roe said,
  after Doe said ...``); a reporting verb tagged as a noun in that slot (``"...," Roe notes.``) still reports
  it;
* ``"..." — X``: a name right after a dash (any dash character); ``"...," X, who chairs the group said``;
* transcript labels: a quotation that opens with ``NAME:`` is NAME's, without the label;
* a quotation introduced by a colon (``X had a stern word for them: "..."``) is the words of the subject of
  the clause before the colon, or of the name that is all there is between a dash and the colon
  (``Analysts agree - X: "..."``);
* partial quotes: a short quoted fragment is kept only when a reporting or characterising verb in its sentence
  has a speaker (``X described the plan as "not perfect" but "very workable"`` gives two quotes by X);
* a quotation after another in the same sentence with nobody else named in between, or in the next sentence
  of its paragraph with no reporting verb and nobody named there, continues the one before (a name after its
  closing mark that only ends the quoted clause, ``"Nobody ever trusted" X.``, one in a dash aside, and the
  speaker named again do not count);
* block quotes (a paragraph that is only a quotation): a signature in the short paragraph below it (``— X``,
  or a pull quote's ``X, Institute for Y.``, with or without the closing mark, or after abbreviated titles),
  the speaker of the block quote before (headings and captions in between are skipped), the speaker
  introduced by the previous paragraph (ending with a colon, or holding a reporting verb), else the most
  salient person one to three paragraphs back; a quotation alone in its sentence inside a paragraph is
  introduced by the sentence before it in the same way;
* pronouns and role descriptions ("the senator") resolve to the most salient compatible person
  (``_attribution.Salience``), never to someone named only inside a quotation; a one-word quotation is no
  quote but hands its speaker on to the quotation after it (``"Safety," said Roe. "Safety for all."``);
* not quotes: quotations in headings and headlines (short lines without final punctuation), short fragments
  with no speaker cue (scare quotes such as This is what "negotiations" look like), fragments after
  "so-called", and quoted titles (Title Case).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from zopa.extract._attribution import (
    _NAME_WORD,
    DASHES,
    Attributor,
    MentionRef,
    Span,
    VerbHit,
    attributor_for,
    is_verb,
    title_case,
    word_count,
)
from zopa.extract._nlp import MASK, QuoteMark, Sentence
from zopa.records import Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from zopa.extract._nlp import DocContext

EXTRACTOR = "quotes.v2"
FRAGMENT_WORDS = 4  # a quotation of at most this many words is a fragment: it needs a speaker cue beside it
TERM_WORDS = 2  # a fragment this short is a quoted term unless a characterising verb takes it ("call it 'X'")
_ADJUNCT_WORDS = 12  # words after the reporting verb of an attribution sentence ("in an email on Monday")
_REPORTED_CLAUSE = re.compile(r"\b(?:that|he|she|they|it|we|i|you)\b", re.IGNORECASE)
# a clause of time or manner right after an attribution's verb ("said as he left", "said quietly while")
_CIRCUMSTANCE = re.compile(r"\s+(?:[a-z]+ly\s+)?(?:as|while|when|after|before|upon)\s", re.IGNORECASE)
_OBJECT_WORDS = 4  # words of the object between a characterising verb and its label ("called the plan 'X'")
_SENTENCE_SUBJECT = "subject of the sentence"  # the cue of the weakest inline attribution
MAX_BLOCK_LOOKBACK = 3  # paragraphs searched for the person in focus before a block quote
# what stands before a name that labels a quotation: nothing, a dash, "from" ("More from Jane Roe:")
_LABEL_LEAD = re.compile(rf"(?:^|[{DASHES}]|\s-{{1,2}}|\bfrom)\s*$", re.IGNORECASE)
_SIGNATURE_DASH = re.compile(
    rf"\s*(?:[{DASHES}]|-{{1,2}})\s*"
)  # a signature's dash opens its paragraph ("-Jane Roe")
# what may follow the name in a signature: where the person is from or works ("Ohio", "Institute for X")
_AFFILIATION_ONLY = re.compile(r",(?:\s*(?:[A-Z][\w.'’&-]*|of|for|the|and|at|on|in))+\s*\.?")
_SIGNATURE_WORDS = 8  # a paragraph signing the block quote above it ("— Jane Roe, the mayor")
MAX_SUBJECT_WORDS = 10  # words between a quotation and the reporting verb after it ("the editor said")
_SO_CALLED = re.compile(r"(?:so[- ]called|the\s+(?:word|term|phrase|label)|quote[- ]unquote)\s*$", re.I)
_CLAUSE_LINK = re.compile(
    r"\b(?:and|but|or|while|because|although|though|which|who|whom|that|if|when)\b", re.IGNORECASE
)
_DASH_ATTRIBUTION = re.compile(rf"[,.]?\s*[{DASHES}]\s*|[,.]?\s+-{{1,2}}\s+")
_CLAUSE_VERB = re.compile(r"\b(?:who|which|that)\b", re.IGNORECASE)
_WORDS = re.compile(r"[A-Za-z\u00C0-\u024F][\w'’\-]*")
# A transcript label opening a quotation: "ROE: Well, look ..." (one to three capitalised words).
_LABEL = re.compile(
    r"\s*((?:[A-Z][A-Za-z.'’-]*\s+){0,2}[A-Z][A-Z.'’-]+|(?:[A-Z][a-z'’-]+\s+){0,2}[A-Z][a-z'’-]+):\s+"
)
# Space, and the first of two apostrophes typed for an opening double mark (''Like this,'' she said).
_LEAD_MARK = " \t\n'"
_FINITE = frozenset({"VBD", "VBZ", "VBP"})  # tags of a verb that can report: past, present
_NOT_SLOT_VERBS = frozenset({"be", "have", "do", "get", "seem", "appear", "become", "remain", "go", "come"})
_SLOT_OBJECTS = frozenset({"dobj", "ccomp", "xcomp", "attr", "acomp", "oprd", "dative"})
_PAST = re.compile(r"\s*([a-z]{3,}ed)\s+")  # "retorted " before the name
_PAST_TRAIL = re.compile(r"\s+(?:[a-z]+ly\s+)?([a-z]{3,}ed)\s*[.!?]?\s*")  # " then retorted." after it
_SLOT_LEAD = re.compile(r"(?:(?:an?|the)\s+(?:[a-z-]+\s+){0,2})?")  # "an angry " before the name
_QUOTE_EDGE = " ,'’”\""
_CAP = "A-ZÀ-ÖØ-ÞĄĆČĎĘĚŁŃŇŐŘŚŠŤŮŰŹŻŽ"  # capitals, accented ones too ("Ángel", "Šimon"), for character classes
# a label after a dash: one to four capitalised words, two names joined by "and" ("- Jane Roe and John Doe")
_DASH_LABEL = re.compile(
    rf"(?:[{DASHES}]|\s-{{1,2}})\s*((?:[{_CAP}][\w'’.-]*\s+(?:and\s+)?){{0,4}}[{_CAP}][a-z][\w'’-]*)\s*$"
)
_BARE_NAME_BEFORE = re.compile(rf"[\s,'’”\"]*((?:[{_CAP}][\w'’.-]*\s+){{0,2}}[{_CAP}][\w'’-]+)\s*")
_BARE_NAME_AFTER = re.compile(rf"\s+((?:[{_CAP}][\w'’.-]*\s+){{0,2}}[{_CAP}][\w'’-]+)\s*(?:[,.;]|$)")
# the name opening a clause right before its verb: at the start, or after an opening phrase's comma
_BARE_SUBJECT = re.compile(
    rf"(?:^|,)\s*((?:[{_CAP}][\w'’.-]*\s+){{0,2}}[{_CAP}][\w'’-]+)\s+(?:[a-z]+ly\s+)?$"
)
# function words that never open a name ("Not Perfect told reporters" is no Mr Perfect)
_NOT_A_NAME_START = frozenset(
    {
        "the",
        "a",
        "an",
        "this",
        "that",
        "he",
        "she",
        "they",
        "it",
        "we",
        "i",
        "but",
        "and",
        "not",
        "no",
        "nor",
        "never",
        "or",
        "if",
        "so",
        "yes",
    }
)
_ASIDE = re.compile(
    rf"[\s,]*(?:[{DASHES}]|-{{1,2}})\s"
)  # a dash opening the reporter's aside after a quotation
# the name opening the sentence of an attribution ("Jane Roe pressed.")
_OPENING_NAME = re.compile(rf"\s*((?:[{_CAP}][\w'’.-]*\s+){{0,2}}[{_CAP}][\w'’-]+)(?=\s)")
_NAME_BEFORE_COMMA = re.compile(
    rf"((?:[{_CAP}][\w'’.-]*\s+){{1,2}}[{_CAP}][\w'’-]+),"
)  # "Jane Q. Roe, the ..."
_NAME_AFTER_DASH = re.compile(rf"((?:[{_CAP}][\w.'’-]*\s+){{0,3}}[{_CAP}][\w'’-]+)")


@dataclass(frozen=True, slots=True)
class _Attribution:
    speaker: MentionRef | None
    cue: str
    confidence: float


def find_quotes(ctx: DocContext) -> list[Quote]:
    """Direct quotations in a document with their speakers (see the module docstring for the rules)."""
    return quotes_in_text(ctx.text, attributor_for(ctx), title=ctx.title)


def quotes_in_text(text: str, att: Attributor, *, title: str = "") -> list[Quote]:
    """The rules of :func:`find_quotes` on a text with a ready :class:`Attributor` (which holds the text's
    segmentation, mentions and parses)."""
    seg = att.seg
    paras = seg.paragraphs
    title_norm = " ".join(title.split()).lower()
    heading = [p.heading or _same_line(p.text, title_norm) for p in paras]
    out: list[Quote] = []
    block_speaker: dict[int, _Attribution] = {}  # paragraph index -> attribution of its block quote
    inline_first: dict[int, _Attribution] = {}  # paragraph index -> inline attribution of its first quote
    runs_on: dict[int, int] = {}  # index in `out` of a quote left open at its paragraph's end -> paragraph
    for pi, para in enumerate(paras):
        marks = seg.quotes_in(pi)
        if not marks or heading[pi]:
            continue
        whole = word_count(_outside(att.masked, Span(para.start, para.end))) == 0
        sents = seg.sentences_of(pi)
        prev_attr: _Attribution | None = None
        prev_sent: Sentence | None = None
        for k, mark in enumerate(marks):
            inner = _strip(text, Span(*mark.inner))
            label = _LABEL.match(text, inner.start, inner.end)
            labelled: MentionRef | None = None
            if label is not None and word_count(text[label.end() : inner.end]) >= 2:
                labelled = _speaker_label(att, label.group(1), label.start(1), label.end(1))
                if labelled is not None:
                    inner = Span(label.end(), inner.end)
            words = _WORDS.findall(text[inner.start : inner.end])
            if not words:
                continue
            sent = next((s for s in sents if s.start <= mark.open < s.end), None)
            sent_span = Span(sent.start, sent.end) if sent is not None else Span(para.start, para.end)
            fragment = len(words) <= FRAGMENT_WORDS
            lead = att.masked[max(sent_span.start, mark.open - 30) : mark.open]
            if _SO_CALLED.search(lead):
                continue
            attr: _Attribution | None = None
            kind = "direct"
            alone = word_count(_outside(att.masked, sent_span)) == 0  # the sentence is only this quotation
            if labelled is not None:
                attr = _Attribution(labelled, "transcript label", 0.9)
                kind = "block" if whole else "direct"
            elif whole:
                attr = _signed_below(att, pi) or _block(att, heading, block_speaker, pi)
                kind = "block"
            else:
                later = [s for s in sents if s.start >= sent_span.end]
                attr = _inline(att, sent_span, marks, k, later[0] if later else None)
                if attr is not None and k == 0:
                    inline_first[pi] = attr
                if attr is None and prev_attr is not None and prev_attr.speaker is not None:
                    attr = _continues(att, prev_attr, prev_sent, sent, marks, k, alone)
                # the introducing clause starts after a quotation before it ('A: "..." B: "..."')
                intro = sent_span
                if k > 0 and marks[k - 1].after > sent_span.start:
                    intro = Span(marks[k - 1].after, sent_span.end)
                # a colon introducing the quotation names its speaker before a sentence subject does
                weak = attr is None or attr.cue == _SENTENCE_SUBJECT
                if weak and not fragment and (alone or _ends_with_colon(att, intro, mark)):
                    attr = _introduced(att, intro, mark, heading, block_speaker, pi, alone) or attr
                if words[0][0].islower():
                    kind = "partial"  # embedded in the reporter's sentence
            if len(words) == 1 and not whole:
                if attr is not None and attr.speaker is not None and attr.confidence >= 0.85:
                    # '"Safety," said Roe. "Safety for everyone."': the word is not kept as a quote, but
                    # the quotation after it continues the words of its speaker
                    prev_attr, prev_sent = attr, sent
                continue  # one quoted word is a label or a scare quote ("a 'treaty'"), not someone's words
            if fragment and not whole:
                if attr is None or attr.speaker is None:
                    continue  # scare quote or label: no speaker cue in its sentence
                titled = title_case(words) and len(words) > 1
                term = len(words) <= TERM_WORDS and _embedded(att, mark, sent_span)
                if (titled or term) and not _after_characterising(
                    att, marks, k, sent_span, with_object=not titled
                ):
                    continue  # a quoted title, or a quoted term ("a 'peace umbrella'") rather than words
            if attr is None and title_case(words):
                continue
            if whole and fragment and (attr is None or attr.speaker is None):
                continue
            speaker = attr.speaker.actor if attr and attr.speaker else None
            if whole and attr is not None:
                block_speaker[pi] = attr
            if mark.close >= para.end:
                runs_on[len(out)] = pi
            out.append(
                Quote(
                    speaker=speaker,
                    text=text[inner.start : inner.end],
                    start=inner.start,
                    end=inner.end,
                    cue=attr.cue if attr else "no speaker found",
                    kind=kind,
                    extractor=EXTRACTOR,
                    confidence=attr.confidence if attr else 0.3,
                )
            )
            prev_attr, prev_sent = attr, sent
    # A quotation left open at the end of its paragraph continues in the next one, where the speaker is named
    # ("“First part.<new paragraph>“Second part,” she said."): that speaker is the speaker of both.
    for index, pi in runs_on.items():
        nxt = inline_first.get(pi + 1)
        marks = seg.quotes_in(pi + 1)
        if nxt is None or nxt.speaker is None or not marks or marks[0].open != paras[pi + 1].start:
            continue
        if out[index].speaker != nxt.speaker.actor:
            out[index] = replace(
                out[index],
                speaker=nxt.speaker.actor,
                cue="quotation continues in the next paragraph",
                confidence=0.85,
            )
    return out


def _speaker_label(att: Attributor, label: str, start: int, end: int) -> MentionRef | None:
    """The speaker a transcript label names: one in capitals ("ROE:", "JANE ROE:"), or a person the
    text names ("Roe:"); not a place or a body ("Ohio:" opens the words of a tweet)."""
    if any(not m.person for m in att.mentions_in(start, end)):
        return None
    who = att.person_named(_label_name(label), start, end)
    known = any(m.actor == who.actor for m in att._persons)
    return who if label.split()[-1].isupper() or known else None


def _label_name(label: str) -> str:
    """A transcript label as a name ("ROE" -> "Roe", "JANE ROE" -> "Jane Roe")."""
    return " ".join(w if not w.isupper() else w.capitalize() for w in label.split())


def _continues(
    att: Attributor,
    prev: _Attribution,
    prev_sent: Sentence | None,
    sent: Sentence | None,
    marks: list[QuoteMark],
    k: int,
    alone: bool,
) -> _Attribution | None:
    """The quotation continues the one before: in the same sentence with nobody else named in between
    ("said ... 'X' but warned that 'Y'"), or in the next sentence of the paragraph with no reporting verb and
    nobody named outside quotation marks there."""
    if prev.speaker is None:
        return None
    mark = marks[k]
    if prev_sent is not None and prev_sent == sent:
        if not att.candidates(marks[k - 1].after, mark.open):
            return _Attribution(prev.speaker, "continues the quotation before", 0.8)
        return None
    if alone:
        return _Attribution(prev.speaker, "continues the quotation before", 0.8)
    if sent is None or prev_sent is None or sent.index != prev_sent.index + 1:
        return None
    if att.verbs(sent.start, sent.end):
        return None  # a reporting verb of its own: not a continuation
    # the speaker named again ('"...," which Roe thinks ...') is no one of its own
    people = [m for m in att.candidates(sent.start, sent.end) if m.person and m.actor != prev.speaker.actor]
    if people and not _after_quoted_clause(att, sent, marks, people):
        return None  # a person of its own: not a continuation
    return _Attribution(prev.speaker, "continues the quotation before", 0.75)


def _after_quoted_clause(
    att: Attributor, sent: Sentence, marks: list[QuoteMark], people: list[MentionRef]
) -> bool:
    """The persons named outside the quotation marks only come after its closing mark, where the words
    finish the quoted clause without a verb ('"Nobody ever trusted" Jane Roe.': its object) or open an
    aside with a dash ('"..." - a point Jane Roe disputes'): no one there says the quotation."""
    closes = [q.after for q in marks if sent.start <= q.open < sent.end]
    if not closes or any(m.start < closes[-1] for m in people):
        return False
    if _ASIDE.match(att.masked, closes[-1], sent.end):
        return True
    got = att.parsed(closes[-1])
    if got is None:
        return False
    doc, base = got
    return not any(is_verb(t) for t in doc if closes[-1] <= base + t.idx < sent.end)


def _ends_with_colon(att: Attributor, sent: Span, mark: QuoteMark) -> bool:
    """The words before the quotation in its sentence end with a colon ("... a stern word: '...'")."""
    before = att.masked[sent.start : mark.open].rstrip(_LEAD_MARK)
    return before.endswith(":") and word_count(before) >= 1


def _named_then_verb(att: Attributor, lo: int, hi: int) -> _Attribution | None:
    """'"...," Dylan Nelson, a fellow at the institute, said.': a person named right after the quotation,
    then an appositive, then the reporting verb."""
    masked = att.masked
    head = re.match(r"[\s,]*", masked[lo:hi])
    at = lo + (head.end() if head else 0)
    cands = [m for m in att.candidates(at, hi) if m.start >= at and word_count(masked[at : m.start]) <= 2]
    persons = [m for m in cands if m.person]
    if not persons:
        bare = _NAME_BEFORE_COMMA.match(masked, at, hi)
        words = bare.group(1).split() if bare is not None else []
        lex = att.lex
        if (
            bare is None
            or len(words) < 2
            or any(w.lower() in lex.not_names or w.lower() in lex.forms for w in words)
        ):
            return None
        persons = [
            att.person_named(bare.group(1), bare.start(1), bare.end(1))
        ]  # a name the recogniser missed
    if not masked[persons[0].end : hi].lstrip().startswith(","):
        return None
    who = persons[0]
    for verb in att.verbs(who.end, hi):
        between = masked[who.end : verb.start]
        if word_count(between) > 20:
            break
        if between.rstrip().endswith(",") and not _CLAUSE_VERB.search(between):
            return _Attribution(who, f"quote, name, {verb.form!r}", 0.9)
        # '"...," Jane Roe, who chairs the group said in a statement.': a relative clause whose closing comma
        # is missing, then a verb that reports nothing else (it takes only where and when)
        rest = masked[verb.end : hi]
        if word_count(rest) <= _ADJUNCT_WORDS and not _REPORTED_CLAUSE.search(rest) and MASK not in rest:
            return _Attribution(who, f"quote, name, {verb.form!r}", 0.85)
        break
    return None


def _introduced(
    att: Attributor,
    sent: Span,
    mark: QuoteMark,
    heading: list[bool],
    block_speaker: dict[int, _Attribution],
    pi: int,
    alone: bool,
) -> _Attribution | None:
    """A quotation introduced by a colon, in its own sentence or after the sentence before it: the subject of
    the introducing clause; a quotation alone in its sentence without one: the person in focus earlier in the
    paragraph, or the paragraphs before when it opens the paragraph."""
    if not alone:
        who = _introducer(att, Span(sent.start, mark.open))
        return _Attribution(who, "introduced by a colon", 0.85) if who is not None else None
    before = [s for s in att.seg.sentences_of(pi) if s.end <= sent.start]
    if before:
        last = before[-1]
        if att.text[last.start : last.end].rstrip().endswith(":"):
            who = _introducer(att, Span(last.start, last.end))
            if who is not None:
                return _Attribution(who, "sentence before ends with a colon", 0.85)
        found = att.salience.person(sent.start, paragraphs_back=0)
        if found is not None:
            return _Attribution(found, "person in focus, same paragraph", 0.6)
        return None
    return _block(att, heading, block_speaker, pi)


def _strip(text: str, span: Span) -> Span:
    """Without surrounding spaces and a trailing comma (the reporter's punctuation: '"...," he said')."""
    s, e = span.start, span.end
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
        e -= 1
    return Span(s, e)


def _outside(masked: str, span: Span) -> str:
    """The words of ``span`` outside quotation marks."""
    return masked[span.start : span.end].replace(MASK, " ")


def _same_line(line: str, title_norm: str) -> bool:
    return bool(title_norm) and " ".join(line.split()).lower() == title_norm


def _embedded(att: Attributor, mark: QuoteMark, sent: Span) -> bool:
    """The quotation sits inside the reporter's clause ("under the 'peace umbrella' of"), not at the start
    of its sentence or after a colon or a comma ('"It is doable," he said')."""
    before = att.masked[sent.start : mark.open].rstrip(_LEAD_MARK)
    return bool(before) and before[-1] not in ":,;-" + DASHES


def _after_characterising(
    att: Attributor, marks: list[QuoteMark], k: int, sent: Span, *, with_object: bool = True
) -> bool:
    """The fragment is what a characterising verb calls something: right after "as", "it" or the verb
    ("called it 'X'", "dubbed 'X'"), after the verb and its object ("called the remarks 'X'"; not for a
    title), or joined by and/but/or to a fragment that is ("described the plan as 'X' but 'Y'")."""
    mark = marks[k]
    before = att.masked[sent.start : mark.open].rstrip(_LEAD_MARK)
    if re.search(r"\b(?:as|it|them|him|her)$", before):
        return True
    if k > 0 and marks[k - 1].after > sent.start:
        link = att.masked[marks[k - 1].after : mark.open]
        if re.fullmatch(r"[\s,]*(?:and|but|or|yet|,)?\s*", link, re.IGNORECASE):
            return _after_characterising(att, marks, k - 1, sent, with_object=with_object)
    verbs = att.verbs(sent.start, mark.open)
    if not verbs or verbs[-1].lemma not in att.lex.characterising:
        return False
    between = att.masked[verbs[-1].end : mark.open]
    if not with_object:
        return not between.strip()  # a title needs the verb right before it ("dubbed 'Project X'")
    return (
        word_count(between) <= _OBJECT_WORDS
        and not re.search(r"[,;:]|\bthat\b", between)
        and MASK not in between
    )


def _inline(
    att: Attributor,
    sent: Span,
    marks: list[QuoteMark],
    k: int,
    next_sent: Sentence | None = None,
) -> _Attribution | None:
    """Attribution inside the quotation's own sentence: a name after a dash, the reporting verb the parse
    hangs the quotation on, else a reporting verb after it, else before it. A short sentence right after a
    quotation that ends its sentence also counts ('"Why not?" Putin asked.')."""
    masked = att.masked
    mark = marks[k]
    right_hi = sent.end
    if (
        next_sent is not None
        and word_count(_outside(masked, Span(mark.after, sent.end))) == 0
        and MASK not in masked[next_sent.start : next_sent.end]
        and (word_count(masked[next_sent.start : next_sent.end]) <= 8 or _opens_with_report(att, next_sent))
    ):
        right_hi = next_sent.end
    if k + 1 < len(marks) and marks[k + 1].open < right_hi:
        right_hi = marks[k + 1].open
    right_lo = mark.after
    dash = _dash_speaker(att, right_lo, right_hi)
    if dash is not None:
        return dash
    for verb in att.governing_verbs(*mark.inner):
        if not _beside(att, verb, mark):
            continue
        near = _slot_after(att, mark, right_lo, right_hi)
        if near is not None and near[0].start != verb.start:
            # '"...," Roe said, after Doe said ...' or '... Doe denies — "...?" asked Roe': the parse hangs
            # the quotation on another verb, but the attribution right after it names the speaker
            return _Attribution(near[1], f"quote then {near[0].form!r}", 0.9)
        speaker = att.parsed_subject(verb)
        if speaker is not None:
            cue = f"quote then {verb.form!r}" if verb.start >= mark.after else f"{verb.form!r} then quote"
            return _Attribution(speaker, cue, 0.95)
    named = _named_then_verb(att, right_lo, right_hi)
    if named is not None:
        return named
    for verb in att.verbs(right_lo, right_hi):
        lead = masked[right_lo : verb.start]
        if word_count(lead) > MAX_SUBJECT_WORDS or _CLAUSE_LINK.search(lead):
            break  # the verb belongs to another clause ("... 'a trap' and Peskov called it ...")
        if not _beside(att, verb, mark):
            continue
        speaker = att.speaker_for_verb(verb, right_lo, right_hi) or _bare_name(att, verb, right_lo, right_hi)
        if speaker is not None:
            return _Attribution(speaker, f"quote then {verb.form!r}", 0.9)
    slot = _verb_in_slot(att, right_lo, right_hi)
    if slot is not None:
        return slot
    left_lo = sent.start
    if k > 0 and marks[k - 1].close >= sent.start:
        left_lo = marks[k - 1].after
    for verb in _speakers_first(reversed(att.verbs(left_lo, mark.open))):
        if not _beside(att, verb, mark):
            continue
        speaker = att.speaker_for_verb(verb, sent.start, mark.open) or _bare_subject(att, verb, left_lo)
        if speaker is not None:
            return _Attribution(speaker, f"{verb.form!r} then quote", 0.85)
    slot = _verb_before_quote(att, left_lo, mark)
    if slot is not None:
        return slot
    subject = _sentence_subject(att, sent, mark)
    if subject is not None:
        return _Attribution(subject, _SENTENCE_SUBJECT, 0.6)
    return None


def _slot_after(att: Attributor, mark: QuoteMark, lo: int, hi: int) -> tuple[VerbHit, MentionRef] | None:
    """The reporting verb right after a quotation that closes its clause ('"...," Roe said', '"...?" asked
    Roe'), with its speaker: at most three words between them, the quotation's own punctuation inside it."""
    masked = att.masked
    inner = att.text[mark.inner[0] : mark.inner[1]].rstrip(_LEAD_MARK + '’”"')
    if not inner.endswith((",", "?", "!")):
        return None
    for verb in att.verbs(lo, hi):
        lead = masked[lo : verb.start]
        if word_count(lead) > 3 or MASK in lead or _CLAUSE_LINK.search(lead) or "," in lead:
            return None
        if not _beside(att, verb, mark):
            return None
        speaker = att.speaker_for_verb(verb, lo, hi)
        return (verb, speaker) if speaker is not None else None
    return None


def _slot_verb(token: Token, base: int, lo: int, hi: int) -> bool:
    """A finite verb of its own (not "is", "has", "does" or an auxiliary) that can stand in the
    attribution's slot, without an object or a clause of its own in [lo, hi) (the quotation is its
    object)."""
    return (
        token.tag_ in _FINITE
        and token.lemma_.lower() not in _NOT_SLOT_VERBS
        and token.dep_ not in ("aux", "auxpass")
        and not any(c.dep_ in _SLOT_OBJECTS and lo <= base + c.idx < hi for c in token.children)
    )


def _slot_speaker(att: Attributor, doc: Doc, base: int, subject: Token | None) -> MentionRef | None:
    """The person (or codebook actor) a subject in the attribution slot names."""
    if subject is None or att.seg.quoted(base + subject.idx):
        return None
    found = att.subject_actor(doc, base, subject)
    if found is not None and (found.person or not found.actor.startswith("ner:")):
        return found
    if subject.i == 0 and (found is None or found.actor.startswith("ner:")):
        # '"...?" Roe pressed.' split off as a sentence of its own: its first word is no sentence opening
        # but the name in the attribution's slot
        return _slot_name(att, base, list(subject.subtree))
    return None


def _slot_name(att: Attributor, base: int, tokens: list[Token]) -> MentionRef | None:
    """One to three capitalised words that are all there is of a subject in the attribution slot, as a
    person ("Roe", "Jane Roe"); not a role, a common word or a word of the speech lexicon."""
    words = [t.text for t in tokens]
    lex = att.lex
    if not 1 <= len(words) <= 3 or not all(_NAME_WORD.fullmatch(w) and w[0].isupper() for w in words):
        return None
    if any(
        w.lower() in lex.not_names
        or w.lower() in lex.thing_nouns
        or w.lower().rstrip(".") in lex.roles
        or w.lower() in lex.forms
        for w in words
    ):
        return None
    start = base + tokens[0].idx
    return att.person_named(" ".join(words), start, base + tokens[-1].idx + len(tokens[-1].text))


def _verb_in_slot(att: Attributor, lo: int, hi: int) -> _Attribution | None:
    """'"...," an angry Roe retorted.' or '"...," rejoined Roe.': what follows the quotation is only a
    speaker and a verb (with at most where and when), the shape of an attribution, so the verb reports the
    quotation whatever its lemma (the grammar's list cannot hold every verb of speech)."""
    masked = att.masked
    head = re.match(r"[\s,]*", masked[lo:hi])
    at = lo + (head.end() if head else 0)
    if at >= hi or MASK in masked[at:hi] or not masked[at].isalpha():
        return None
    got = att.parsed(at)
    if got is None:
        return _surface_slot(att, at, hi)
    doc, base = got
    tokens = [t for t in doc if at <= base + t.idx < hi and not t.is_punct]
    verb = next((t for t in tokens if is_verb(t)), None)
    if verb is None and len(tokens) >= 2 and tokens[-1].lower_ in att.lex.forms and tokens[-1].tag_ == "NNS":
        # '"...," Roe notes.': the tagger read the reporting verb as a plural noun ("notes", "answers")
        rest = att.masked[base + tokens[-1].idx + len(tokens[-1].text) : hi]
        who = _slot_name(att, base, tokens[:-1]) if not rest.strip(" .") else None
        return _Attribution(who, f"quote then {tokens[-1].lower_!r}", 0.8) if who is not None else None
    if verb is None or not _slot_verb(verb, base, at, hi):
        return None
    subject = att.subject_token(verb, base)
    if subject is None:
        return None
    if subject.i < verb.i:  # "Roe retorted": the subject's phrase is all there is before the verb
        if base + subject.left_edge.idx != at or any(
            not t.is_punct and t.dep_ not in ("advmod", "neg") for t in doc[subject.right_edge.i + 1 : verb.i]
        ):
            return None
    elif base + verb.idx != at:  # "retorted Roe": the verb comes first
        return None
    last = doc[max(verb.i, subject.right_edge.i)]
    rest = masked[base + last.idx + len(last.text) : hi]
    if word_count(rest) > _ADJUNCT_WORDS or _REPORTED_CLAUSE.search(rest):
        return None
    speaker = _slot_speaker(att, doc, base, subject)
    return _Attribution(speaker, f"quote then {verb.lower_!r}", 0.8) if speaker is not None else None


def _surface_slot(att: Attributor, at: int, hi: int) -> _Attribution | None:
    """:func:`_verb_in_slot` where the sentence is not parsed: a name and a regular past tense ("Roe
    retorted"), or the past tense and a name ("retorted Roe"), then the end of the sentence."""
    masked = att.masked
    cands = [
        m for m in att.candidates(at, hi) if m.start >= at and (m.person or not m.actor.startswith("ner:"))
    ]
    who = cands[0] if cands else _unread_name(att, at, hi)
    if who is None:
        return None
    before = masked[at : who.start]
    after = masked[who.end : hi]
    verb = _PAST.fullmatch(before) if before.strip() else None
    if verb is not None and re.fullmatch(r"\s*[.!?]?\s*", after):
        form = verb.group(1).lower()
    else:
        lead = _SLOT_LEAD.fullmatch(before)
        trail = _PAST_TRAIL.fullmatch(after)
        if lead is None or trail is None:
            return None
        form = trail.group(1).lower()
    if form in att.lex.not_names or att.lex.is_verb_form(form):
        return None
    return _Attribution(who, f"quote then {form!r}", 0.75)


def _unread_name(att: Attributor, at: int, hi: int) -> MentionRef | None:
    """The capitalised name opening an attribution whose sentence was not read for names ('"...?" Jane
    Roe pressed.'): a person's name, not a word the grammar knows as something else."""
    found = _OPENING_NAME.match(att.masked, at, hi)
    if found is None:
        return None
    words = found.group(1).split()
    lex = att.lex
    if words[0].lower() in _NOT_A_NAME_START or words[-1].lower().rstrip(".") in lex.roles:
        return None
    if any(
        w.lower() in lex.not_names or w.lower() in lex.thing_nouns or w.lower() in lex.forms for w in words
    ):
        return None
    who = att.person_named(found.group(1), found.start(1), found.end(1))
    # one word is a name only when it names a person named before ("Everyone laughed." is no Mr Everyone)
    return who if len(words) > 1 or who.actor[4:] != found.group(1) else None


def _verb_before_quote(att: Attributor, lo: int, mark: QuoteMark) -> _Attribution | None:
    """'During the debate, Roe cracked, "..."': a verb of the main clause right before the comma or colon
    that opens the quotation reports it, whatever its lemma, when its subject is a person."""
    masked = att.masked
    before = masked[lo : mark.open].rstrip(_LEAD_MARK)
    if not before.endswith((",", ":")):
        return None
    got = att.parsed(mark.open)
    if got is None:
        return None
    doc, base = got
    edge = lo + len(before) - 1
    tokens = [t for t in doc if lo <= base + t.idx < edge and not t.is_punct]
    if not tokens or not is_verb(tokens[-1]):
        return None
    verb = tokens[-1]
    if (
        not _slot_verb(verb, base, lo, mark.open)
        or verb.dep_ in ("advcl", "relcl", "acl")
        or any(c.dep_ == "mark" for c in verb.children)
    ):
        return None  # "When Roe arrived, ...": a clause about something else
    speaker = _slot_speaker(att, doc, base, att.subject_token(verb, base))
    return _Attribution(speaker, f"{verb.lower_!r} then quote", 0.75) if speaker is not None else None


def _sentence_subject(att: Attributor, sent: Span, mark: QuoteMark) -> MentionRef | None:
    """A quotation inside a reporter's sentence with no reporting verb ("He expects the hardest
    task to be '...'"): the person who is the subject of the sentence's main verb, in the parse."""
    got = att.parsed(mark.open)
    if got is None:
        return None
    doc, base = got
    for root in (t for t in doc if t.dep_ == "ROOT" and not att.seg.quoted(base + t.idx)):
        subject = att.subject_token(root, base)
        if subject is None or att.seg.quoted(base + subject.idx) or base + subject.idx > mark.open:
            continue
        found = att.subject_actor(doc, base, subject)
        if found is not None and (found.person or not found.actor.startswith("ner:")):
            return found  # a person, or a codebook actor ("The Kremlin considers the plan '...'")
    return None


def _speakers_first(verbs: Iterable[VerbHit]) -> list[VerbHit]:
    """Reporting verbs with "according to" last: in '..., Lavrov said, according to the agency' the agency
    is the source of the report, not the speaker."""
    ordered = list(verbs)
    return [v for v in ordered if v.lemma != "according to"] + [
        v for v in ordered if v.lemma == "according to"
    ]


def _beside(att: Attributor, verb: VerbHit, mark: QuoteMark) -> bool:
    """A verb that is as often an ordinary verb ("continued the war") reports the quotation only right
    beside it: '"...," he continued' or 'he continued: "..."'."""
    if verb.lemma not in att.lex.beside_only:
        return True
    if verb.start >= mark.after:
        return word_count(att.masked[mark.after : verb.start]) <= 3
    return not att.masked[verb.end : mark.open].strip(" ,:;-'\"‘’“”" + DASHES)


def _opens_with_report(att: Attributor, sent: Sentence) -> bool:
    """The sentence opens with its speaker and a reporting verb ('"Why not?" Jane Roe wrote in an email to
    her staff on Monday.')."""
    verbs = att.verbs(sent.start, sent.end)
    if not verbs or word_count(att.masked[sent.start : verbs[0].start]) > 4:
        return False
    rest = att.masked[verbs[0].end : sent.end]
    if rest.lstrip().startswith((",", ".", ";")):
        return True  # the verb takes no words of its own ("Roe went on, as if she had not heard.")
    if _CIRCUMSTANCE.match(rest) and MASK not in rest:
        return True  # "Roe said as she left the hall.": when she said it, not what
    # only the attribution and its circumstances: no reported clause of its own ("... said he would ...")
    return word_count(rest) <= _ADJUNCT_WORDS and not _REPORTED_CLAUSE.search(rest)


def _bare_name(att: Attributor, verb: VerbHit, lo: int, hi: int) -> MentionRef | None:
    """'"...," Roe said.' or '"...," said Jane Roe.' where no mention covers the name (its sentence was not
    parsed): the capitalised name that is all there is between the quotation and the verb, or right after the
    verb and before the sentence's end or a comma."""
    masked = att.masked
    before = _BARE_NAME_BEFORE.fullmatch(masked, lo, verb.start)
    after = (
        _BARE_NAME_AFTER.match(masked, verb.end, hi)
        if not masked[lo : verb.start].strip(_QUOTE_EDGE)
        else None
    )
    found = before or after
    if found is None:
        return None
    words = found.group(1).split()
    lex = att.lex
    if any(
        w.lower() in lex.not_names or w.lower() in lex.thing_nouns or w.lower() in lex.forms for w in words
    ):
        return None
    if words[-1].lower().rstrip(".") in lex.roles or att.mentions_in(found.start(1), found.end(1)):
        return None  # a role ("the Senator said") or a mention that named no one
    if words[0].lower() in _NOT_A_NAME_START:
        return None
    return att.person_named(found.group(1), found.start(1), found.end(1))


def _bare_subject(att: Attributor, verb: VerbHit, lo: int) -> MentionRef | None:
    """'Roe concludes: "..."' or 'In Ohio, Jane Roe said, "..."' where no mention covers the name (its
    sentence was not parsed): the capitalised name right before the verb, opening the clause; one word only
    when it names a person named before."""
    found = _BARE_SUBJECT.search(att.masked[lo : verb.start])
    if found is None:
        return None
    name, start, end = found.group(1), lo + found.start(1), lo + found.end(1)
    words = name.split()
    lex = att.lex
    if any(
        w.lower() in lex.not_names or w.lower() in lex.thing_nouns or w.lower() in lex.forms for w in words
    ):
        return None
    if words[-1].lower().rstrip(".") in lex.roles or words[0].lower() in _NOT_A_NAME_START:
        return None
    if att.mentions_in(start, end):
        return None  # a mention that named no one
    who = att.person_named(name, start, end)
    return who if len(words) > 1 or who.actor[4:] != name else None


def _dash_speaker(att: Attributor, lo: int, hi: int) -> _Attribution | None:
    """'"...," — Zelenskyy, speaking in Berlin': a name (a mention, else a capitalised name) right after a
    dash that follows the quotation."""
    dash = _DASH_ATTRIBUTION.match(att.masked, lo, hi)
    return _speaker_after_dash(att, dash.end(), hi) if dash is not None else None


def _speaker_after_dash(att: Attributor, at: int, hi: int) -> _Attribution | None:
    """The name (a mention, else a capitalised name) at ``at``, right after a dash, that ends its clause."""
    masked = att.masked
    after = [m for m in att.candidates(at, hi) if m.start >= at]
    if (
        after
        and re.fullmatch(r"\s*(?:the\s+)?", masked[at : after[0].start], re.IGNORECASE)
        and re.match(r"\s*(?:[,.;(]|$)", masked[after[0].end : hi])
    ):
        return _Attribution(after[0], "quote — speaker", 0.85)
    name = _NAME_AFTER_DASH.match(masked, at, hi)
    if name is not None and re.match(r"\s*(?:[,.;(]|$)", masked[name.end() : hi]):
        words = name.group(1).split()
        if not any(w.lower() in att.lex.not_names or w.lower() in att.lex.thing_nouns for w in words):
            who = att.person_named(name.group(1), name.start(1), name.end(1))
            return _Attribution(who, "quote — speaker", 0.8)
    return None


def _signed_below(att: Attributor, pi: int) -> _Attribution | None:
    """A block quote signed in the paragraph right after it: a short paragraph that is only a dash and a
    name ('"..."<new paragraph>— Jane Roe, speaking in Ohio.'), or only a person's name and where they are
    from or work ('"..."<new paragraph>Jane Roe, Institute for Fiscal Studies.', a pull quote)."""
    paras = att.seg.paragraphs
    if pi + 1 >= len(paras):
        return None
    nxt = paras[pi + 1]
    if word_count(nxt.text) > _SIGNATURE_WORDS:
        return None
    dash = _SIGNATURE_DASH.match(att.masked, paras[pi].end, nxt.end)
    if dash is not None:
        found = _speaker_after_dash(att, dash.end(), nxt.end)
        return _Attribution(found.speaker, "block: signed — speaker below", 0.85) if found else None
    persons = [m for m in att.mentions_in(nxt.start, nxt.end) if m.person and m.how != "pronoun"]
    who: MentionRef | None = persons[0] if persons and persons[0].start == nxt.start else None
    titled = False
    if who is None and persons:
        lead = att.text[nxt.start : persons[0].start].split()
        if lead and all(w.endswith(".") for w in lead):
            who, titled = persons[0], True  # abbreviated titles: "S.C. Sen. Jane Roe." ("Dean" may be a name)
    if who is None:
        # the signature's sentence was not read for names: two or three capitalised words, perhaps after
        # a title ("Sen. Jane Roe.")
        name = _NAME_AFTER_DASH.match(att.masked, nxt.start, nxt.end)
        words = name.group(1).split() if name is not None else []
        if name is None or len(words) < 2 or any(w.lower() in att.lex.not_names for w in words):
            return None
        bare = att.lex.person_name(name.group(1))
        titled = bare != name.group(1) and len(bare.split()) >= 2
        start = name.start(1) + name.group(1).rfind(bare) if titled else name.start(1)
        who = att.person_named(bare, start, start + len(bare)) if titled else None
        who = who or att.person_named(name.group(1), name.start(1), name.end(1))
    # the closing mark of a pull quote that takes its signature in ('"...<new paragraph>Jane Roe, Ohio."')
    rest = att.masked[who.end : nxt.end].strip().rstrip(_QUOTE_EDGE + MASK).strip()
    if rest.rstrip(".") and not _AFFILIATION_ONLY.fullmatch(rest):
        return None
    if not rest.rstrip(".") and not titled:
        return None  # a name alone without a dash ("Getty Images.") may be a credit line, not a signature
    return _Attribution(who, "block: signed — speaker below", 0.8)


def _block(
    att: Attributor,
    heading: list[bool],
    block_speaker: dict[int, _Attribution],
    pi: int,
) -> _Attribution | None:
    """Speaker of a paragraph that is only a quotation, from the paragraphs before it."""
    paras = att.seg.paragraphs
    back = 0
    j = pi - 1
    while j >= 0 and back < 1:
        if heading[j]:
            j -= 1
            continue
        back += 1
        para = paras[j]
        if j in block_speaker and block_speaker[j].speaker is not None:
            return _Attribution(block_speaker[j].speaker, "block: continues the quotation before", 0.85)
        sents = att.seg.sentences_of(j)
        if not sents:
            break
        sent = sents[-1]
        if para.text.rstrip().endswith(":"):
            who = _introducer(att, Span(sent.start, sent.end))
            if who is not None:
                return _Attribution(who, "block: previous paragraph ends with a colon", 0.9)
            return None  # introduced by someone the text does not name ("as the website notes:")
        for verb in _speakers_first(reversed(att.verbs(sent.start, sent.end))):
            who = att.speaker_for_verb(verb, sent.start, sent.end)
            if who is not None:
                return _Attribution(who, f"block: {verb.form!r} in the previous paragraph", 0.85)
        break
    start = paras[pi].start
    for back in range(MAX_BLOCK_LOOKBACK):
        found = att.salience.person(start, paragraphs_back=back + 1)
        if found is not None:
            where = "previous paragraph" if back == 0 else f"{back + 1} paragraphs back"
            return _Attribution(found, f"block: person in focus, {where}", max(0.5, 0.8 - 0.1 * back))
    return None


def _name_label(att: Attributor, sent: Span) -> MentionRef | None:
    """A name that is all there is between a dash (or "from", or the start of the sentence) and the colon
    ('Analysts agree - Jane Roe: "..."', 'More from Jane Roe: "..."'): a label naming the speaker."""
    masked = att.masked
    colon = masked.rfind(":", sent.start, sent.end)
    if colon < 0 or masked[colon + 1 : sent.end].strip(_LEAD_MARK + MASK):
        return None
    named = [m for m in att.candidates(sent.start, colon) if not masked[m.end : colon].strip()]
    people = [m for m in named if m.person] or [m for m in named if not m.actor.startswith("ner:")]
    if people:
        lead = masked[sent.start : people[-1].start]
        return people[-1] if _LABEL_LEAD.search(lead) else None
    # 'POLLS WERE EARLY - Jane Roe and John Doe: "..."': names the recogniser missed (a roundup's labels)
    bare = _DASH_LABEL.search(masked[sent.start : colon])
    if bare is None or named:
        return None
    words = bare.group(1).split()
    if any(w.lower() in att.lex.not_names or w.lower() in att.lex.thing_nouns for w in words):
        return None
    start = sent.start + bare.start(1)
    return att.person_named(bare.group(1), start, start + len(bare.group(1)))


def _introducer(att: Attributor, sent: Span) -> MentionRef | None:
    """Who introduces the quotation in a clause ending with a colon: the subject of its reporting verb, else
    the subject of its main verb in the parse, else the first person (or actor) named in it."""
    verbs: list[VerbHit] = att.verbs(sent.start, sent.end)
    for verb in reversed(verbs):
        who = att.speaker_for_verb(verb, sent.start, sent.end) or _bare_subject(att, verb, sent.start)
        if who is not None:
            return who
    labelled = _name_label(att, sent)
    if labelled is not None:
        return labelled
    got = att.parsed(sent.start)
    if got is not None:
        doc, base = got
        # the verbs heading the introducing words (the parse may hang them on the quotation's verb)
        quoted = att.seg.quoted

        def outside(offset: int) -> bool:
            return quoted(offset) or not sent.start <= offset < sent.end

        roots = [
            t
            for t in doc
            if sent.start <= base + t.idx < sent.end
            and is_verb(t)
            and not quoted(base + t.idx)
            and (t.head.i == t.i or outside(base + t.head.idx))
        ]
        for root in roots:
            subject = att.subject_token(root, base)
            if subject is not None and not att.seg.quoted(base + subject.idx):
                return att.subject_actor(doc, base, subject)  # None: "the crowd grew angry:"
        if roots:
            return None  # a verb without a speaking subject ("Putin was asked:")
    cands = att.candidates(sent.start, sent.end)
    persons = [m for m in cands if m.person]
    if persons:
        return persons[0]
    return cands[0] if cands else None
