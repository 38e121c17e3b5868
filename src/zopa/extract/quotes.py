"""Direct quotations and who said them (extractor ``quotes.v1``).

Rules (grammar only; who is who comes from the codebook through the actor mentions):

* quotation marks: curly and straight double quotes (mixed pairs too), single quotes outside them
  (apostrophes are not quotes); a quotation left open at the end of a paragraph continues in the next one;
* inline attribution in the same sentence: ``"...," X said`` / ``said X`` / ``X told reporters: "..."`` /
  ``according to X`` / ``"...," X, a fellow at ..., said`` / ``"..." — X``, and a short sentence right
  after the quotation (``"Why not?" Putin asked.``); the subject of the reporting verb is the nearest actor
  mention in its clause ("the Kremlin's spokesman" speaks for the Kremlin), or a pronoun (he/she) resolved to
  the subject of the sentence before, else the person last named;
* when the surface rules find a reporting verb whose subject is not right before it, the dependency parse of
  that sentence (only of candidate sentences) gives the subject: a mention, a PERSON entity, or a capitalised
  name (a surname links to the person named in full earlier);
* partial quotes: a short quoted fragment is kept only when a reporting or characterising verb in its sentence
  has a speaker (``X described the plan as "not perfect" but "very workable"`` gives two quotes by X);
* a quotation after another in the same sentence with nobody else named in between, or alone in the next
  sentence, continues the one before;
* block quotes (a paragraph that is only a quotation): the speaker of the block quote before (headings and
  captions in between are skipped), the speaker introduced by the previous paragraph (ending with a colon, or
  holding a reporting verb), else the person in focus one to three paragraphs back; a quotation alone in its
  sentence inside a paragraph is introduced by the sentence before it in the same way;
* not quotes: quotations in headings and headlines (short lines without final punctuation), short fragments
  with no speaker cue (scare quotes such as This is what "negotiations" look like), fragments after
  "so-called", and quoted titles (Title Case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from zopa.extract._attribution import (
    CHARACTERISING,
    Attributor,
    MentionRef,
    Parser,
    QuoteMark,
    Span,
    VerbHit,
    attributor_for,
    find_quote_marks,
    is_heading,
    mask_quotes,
    paragraph_spans,
    paragraphs_of,
    parsed_subject,
    parser_for,
    sentences,
    title_case,
    word_count,
)
from zopa.records import Quote

if TYPE_CHECKING:
    from zopa.extract._nlp import DocContext

EXTRACTOR = "quotes.v1"
FRAGMENT_WORDS = 4  # a quotation of at most this many words is a fragment: it needs a speaker cue beside it
MAX_BLOCK_LOOKBACK = 3  # paragraphs searched for the person in focus before a block quote
_SO_CALLED = re.compile(r"(?:so[- ]called|the\s+(?:word|term|phrase|label)|quote[- ]unquote)\s*$", re.I)
_CLAUSE_LINK = re.compile(
    r"\b(?:and|but|or|while|because|although|though|which|who|whom|that|if|when)\b", re.IGNORECASE
)
_DASH_ATTRIBUTION = re.compile(r"[,.]?\s*[—–]\s*|[,.]?\s+-{1,2}\s+")
_CLAUSE_VERB = re.compile(r"\b(?:who|which|that)\b", re.IGNORECASE)
_WORDS = re.compile(r"[A-Za-z\u00C0-\u024F][\w'’\-]*")


@dataclass(frozen=True, slots=True)
class _Attribution:
    speaker: MentionRef | None
    cue: str
    confidence: float


def find_quotes(ctx: DocContext) -> list[Quote]:
    """Direct quotations in a document with their speakers (see the module docstring for the rules)."""
    bullets = frozenset(p.index for p in ctx.paragraphs if p.bullet)
    return quotes_in_text(
        ctx.text,
        attributor_for(ctx),
        paras=paragraph_spans(ctx),
        bullets=bullets,
        title=ctx.title,
        parse=parser_for(ctx),
    )


def quotes_in_text(
    text: str,
    att: Attributor,
    *,
    paras: list[Span] | None = None,
    bullets: frozenset[int] = frozenset(),
    title: str = "",
    parse: Parser | None = None,
) -> list[Quote]:
    """The rules of :func:`find_quotes` on plain text with a ready :class:`Attributor` (``bullets``: indices
    of paragraphs that are list items)."""
    paras = paragraphs_of(text) if paras is None else paras
    all_marks = {i: find_quote_marks(text, p) for i, p in enumerate(paras)}
    masked = mask_quotes(text, [m for ms in all_marks.values() for m in ms])
    title_norm = " ".join(title.split()).lower()
    heading = [
        is_heading(text, p, bullet=i in bullets) or _same_line(text, p, title_norm)
        for i, p in enumerate(paras)
    ]
    out: list[Quote] = []
    block_speaker: dict[int, _Attribution] = {}  # paragraph index -> attribution of its block quote
    inline_first: dict[int, _Attribution] = {}  # paragraph index -> inline attribution of its first quote
    runs_on: dict[int, int] = {}  # index in `out` of a quote left open at its paragraph's end -> paragraph
    for pi, para in enumerate(paras):
        marks = all_marks[pi]
        if not marks or heading[pi]:
            continue
        whole = word_count(_outside(masked, para)) == 0
        sents = sentences(masked, para)
        prev_attr: _Attribution | None = None
        prev_sent: Span | None = None
        for k, mark in enumerate(marks):
            inner = _strip(text, mark.inner)
            words = _WORDS.findall(text[inner.start : inner.end])
            if not words:
                continue
            sent = next((s for s in sents if s.start <= mark.open < s.end), Span(para.start, para.end))
            fragment = len(words) <= FRAGMENT_WORDS
            lead = masked[max(sent.start, mark.open - 30) : mark.open]
            if _SO_CALLED.search(lead):
                continue
            attr: _Attribution | None = None
            kind = "direct"
            alone = word_count(_outside(masked, sent)) == 0  # the sentence is only this quotation
            if whole:
                attr = _block(text, masked, att, paras, heading, block_speaker, pi)
                kind = "block"
            else:
                later = [s for s in sents if s.start >= sent.end]
                attr = _inline(masked, att, sent, marks, k, parse, later[0] if later else None)
                if attr is not None and k == 0:
                    inline_first[pi] = attr
                if attr is None and prev_attr is not None and prev_attr.speaker is not None:
                    same_sentence = prev_sent == sent
                    between = (marks[k - 1].after, mark.open)
                    # same sentence and no one else named in between ("said ... 'X' but warned that 'Y'")
                    if (same_sentence and not att.candidates(*between)) or (not same_sentence and alone):
                        attr = _Attribution(prev_attr.speaker, "continues the quotation before", 0.8)
                if attr is None and alone and not fragment and prev_sent is None:
                    attr = _sentence_alone(masked, att, para, sent, paras, heading, block_speaker, pi, text)
                if words[0][0].islower():
                    kind = "partial"  # embedded in the reporter's sentence
            if fragment and not whole:
                if attr is None or attr.speaker is None:
                    continue  # scare quote or label: no speaker cue in its sentence
                titled = title_case(words) and len(words) > 1
                if titled and not _after_characterising(masked, att, mark, sent):
                    continue  # a quoted title
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
        marks = all_marks.get(pi + 1, [])
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


def _named_then_verb(masked: str, att: Attributor, lo: int, hi: int) -> _Attribution | None:
    """'"...," Dylan Nelson, a fellow at the institute, said.': a person named right after the quotation,
    then an appositive, then the reporting verb."""
    head = re.match(r"[\s,]*", masked[lo:hi])
    at = lo + (head.end() if head else 0)
    cands = [m for m in att.candidates(at, hi) if m.start >= at and word_count(masked[at : m.start]) <= 2]
    persons = [m for m in cands if m.person]
    if not persons or not masked[persons[0].end : hi].lstrip().startswith(","):
        return None
    who = persons[0]
    for verb in att.verbs(masked, who.end, hi):
        between = masked[who.end : verb.start]
        if between.rstrip().endswith(",") and word_count(between) <= 20 and not _CLAUSE_VERB.search(between):
            return _Attribution(who, f"quote, name, {verb.form!r}", 0.9)
        break
    return None


def _sentence_alone(
    masked: str,
    att: Attributor,
    para: Span,
    sent: Span,
    paras: list[Span],
    heading: list[bool],
    block_speaker: dict[int, _Attribution],
    pi: int,
    text: str,
) -> _Attribution | None:
    """A quotation that is a whole sentence inside a paragraph: the speaker introduced by the sentence before
    (ending with a colon or holding a reporting verb), else the person in focus earlier in the paragraph."""
    before = [s for s in sentences(masked, para) if s.end <= sent.start]
    if before:
        last = before[-1]
        if text[last.start : last.end].rstrip().endswith(":"):
            who = _introducer(masked, att, last)
            if who is not None:
                return _Attribution(who, "sentence before ends with a colon", 0.85)
        who = _topic_person(masked, att, Span(para.start, last.end))
        if who is not None:
            return _Attribution(who, "person in focus, same paragraph", 0.6)
        return None
    return _block(text, masked, att, paras, heading, block_speaker, pi)


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
    return masked[span.start : span.end].replace("\u2063", " ")


def _same_line(text: str, para: Span, title_norm: str) -> bool:
    return bool(title_norm) and " ".join(text[para.start : para.end].split()).lower() == title_norm


def _after_characterising(masked: str, att: Attributor, mark: QuoteMark, sent: Span) -> bool:
    """The fragment directly follows "as", "it" or a characterising verb ("called it 'X'", "dubbed 'X'")."""
    before = masked[sent.start : mark.open].rstrip()
    if re.search(r"\b(?:as|it|them|him|her)$", before):
        return True
    last = att.verbs(masked, sent.start, mark.open)
    return bool(last) and last[-1].form in CHARACTERISING and last[-1].end >= sent.start + len(before) - 1


def _speaker_for_verb(
    masked: str, att: Attributor, verb: VerbHit, lo: int, hi: int, parse: Parser | None = None
) -> MentionRef | None:
    if verb.form.startswith("according") or verb.form.startswith("in the words"):
        return att.subject_after(masked, verb, hi)
    before = att.subject_before(masked, verb, lo)
    if before is not None and not att.adjacent(masked, before, verb):
        # "Trump, speaking to reporters at the White House, said": the parse knows the subject
        parsed = parsed_subject(parse, att, verb)
        if parsed is not None:
            return parsed
    return before or att.subject_after(masked, verb, hi)


def _inline(
    masked: str,
    att: Attributor,
    sent: Span,
    marks: list[QuoteMark],
    k: int,
    parse: Parser | None,
    next_sent: Span | None = None,
) -> _Attribution | None:
    """Attribution inside the quotation's own sentence: a reporting verb after it, else before it. A short
    sentence right after a quotation that ends its sentence also counts ('"Why not?" Putin asked.')."""
    mark = marks[k]
    right_hi = sent.end
    if (
        next_sent is not None
        and word_count(_outside(masked, Span(mark.after, sent.end))) == 0
        and "\u2063" not in masked[next_sent.start : next_sent.end]
        and word_count(masked[next_sent.start : next_sent.end]) <= 8
    ):
        right_hi = next_sent.end
    if k + 1 < len(marks) and marks[k + 1].open < right_hi:
        right_hi = marks[k + 1].open
    right_lo = mark.after
    dash = _DASH_ATTRIBUTION.match(masked, right_lo, right_hi)
    if dash is not None:
        # '"...," — Zelenskyy, speaking in Berlin': the name right after a dash
        after = [m for m in att.candidates(dash.end(), right_hi) if m.start >= dash.end()]
        if (
            after
            and re.fullmatch(r"\s*(?:the\s+)?", masked[dash.end() : after[0].start], re.IGNORECASE)
            and re.match(r"\s*(?:[,.;]|$)", masked[after[0].end : right_hi])
        ):
            return _Attribution(after[0], "quote — speaker", 0.85)
    named = _named_then_verb(masked, att, right_lo, right_hi)
    if named is not None:
        return named
    for verb in att.verbs(masked, right_lo, right_hi):
        lead = masked[right_lo : verb.start]
        if word_count(lead) > 6 or _CLAUSE_LINK.search(lead):
            break  # the verb belongs to another clause ("... 'a trap' and Peskov called it ...")
        speaker = _speaker_for_verb(masked, att, verb, right_lo, right_hi, parse)
        if speaker is None:
            speaker = parsed_subject(parse, att, verb)
        if speaker is not None:
            return _Attribution(speaker, f"quote then {verb.form!r}", 0.95)
    left_lo = sent.start
    if k > 0 and marks[k - 1].close >= sent.start:
        left_lo = marks[k - 1].after
    for verb in reversed(att.verbs(masked, left_lo, mark.open)):
        speaker = _speaker_for_verb(masked, att, verb, sent.start, mark.open, parse)
        if speaker is None:
            speaker = parsed_subject(parse, att, verb)
        if speaker is not None:
            return _Attribution(speaker, f"{verb.form!r} then quote", 0.9)
    return None


def _block(
    text: str,
    masked: str,
    att: Attributor,
    paras: list[Span],
    heading: list[bool],
    block_speaker: dict[int, _Attribution],
    pi: int,
) -> _Attribution | None:
    """Speaker of a paragraph that is only a quotation, from the paragraphs before it."""
    back = 0
    j = pi - 1
    while j >= 0 and back < MAX_BLOCK_LOOKBACK:
        if heading[j]:
            j -= 1
            continue
        back += 1
        para = paras[j]
        if j in block_speaker and block_speaker[j].speaker is not None:
            return _Attribution(block_speaker[j].speaker, "block: continues the quotation before", 0.85)
        if back == 1:
            sent = sentences(masked, para)[-1]
            if text[para.start : para.end].rstrip().endswith(":"):
                who = _introducer(masked, att, sent)
                if who is not None:
                    return _Attribution(who, "block: previous paragraph ends with a colon", 0.9)
            for verb in reversed(att.verbs(masked, sent.start, sent.end)):
                who = _speaker_for_verb(masked, att, verb, sent.start, sent.end)
                if who is not None:
                    return _Attribution(who, f"block: {verb.form!r} in the previous paragraph", 0.85)
        who = _topic_person(masked, att, para)
        if who is not None:
            where = "previous paragraph" if back == 1 else f"{back} paragraphs back"
            return _Attribution(who, f"block: person in focus, {where}", max(0.5, 0.8 - 0.1 * (back - 1)))
        j -= 1
    return None


def _introducer(masked: str, att: Attributor, sent: Span) -> MentionRef | None:
    """Who introduces the quotation in a sentence ending with a colon."""
    verbs = att.verbs(masked, sent.start, sent.end)
    for verb in reversed(verbs):
        who = _speaker_for_verb(masked, att, verb, sent.start, sent.end)
        if who is not None:
            return who
    cands = att.candidates(sent.start, sent.end)
    persons = [m for m in cands if m.person]
    if persons:
        return persons[0]
    return cands[0] if cands else None


def _topic_person(masked: str, att: Attributor, para: Span) -> MentionRef | None:
    """The person a paragraph is about: a person opening a sentence (possibly possessive), scanning from the
    last sentence back; else the last person named in it."""
    sents = sentences(masked, para)
    for sent in reversed(sents):
        cands = [m for m in att.candidates(sent.start, sent.end) if m.person]
        for m in cands:
            if word_count(masked[sent.start : m.start]) <= 3:
                return m
    cands = [m for m in att.candidates(para.start, para.end) if m.person]
    return cands[-1] if cands else None
