"""Reported (indirect) speech: "Putin framed the conflict as ...", "He made it clear that ...".

A statement is a reporting verb with a speaker and a complement, outside quotation marks:

* ``X said / warned / insisted / argued ... (on Tuesday) that <content>`` and ``X made (it) clear that``;
* ``X said / warned / stressed <clause>`` without "that";
* ``X framed / described / portrayed <something> as <content>``;
* ``X vowed / pledged / promised / threatened / urged ... to <content>``, ``X accused <someone> of``,
  ``X called for <content>``;
* ``<content>, X said (on Monday).`` and ``<content>, said X.``: an attribution at the end takes what comes
  before its comma, unless that has a reporting verb of its own;
* ``X: <content>`` is left to direct quotes; a complement that is mostly a quotation is a quote, not a
  statement.

The speaker is the subject of the verb: the nearest actor mention before it in the clause (a possessive
counts: "the envoy's remarks indicate that ..."), a pronoun resolved to the person in focus, the subject after
leading participle clause ("By reiterating that ..., he ..."), or the verb's subject in the dependency parse.
Nested reports inside a statement's content are part of it. Grammar only; names come from the mentions.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from zopa.extract._attribution import (
    DASHES,
    Attributor,
    MentionRef,
    Span,
    VerbHit,
    attributor_for,
    word_count,
)
from zopa.extract._nlp import MASK
from zopa.records import Statement

if TYPE_CHECKING:
    from zopa.extract._nlp import DocContext

EXTRACTOR = "speech.v2"
MIN_CONTENT_WORDS = 3
_PASSIVE = re.compile(r"\b(?:been|being|be|is|are|was|were|get|got|gets)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_THAT = re.compile(r"\bthat\b")
# '"...," said X' and '"...," he said': the verb attributes the direct quote before it
_ATTRIBUTES_QUOTE = re.compile(
    "[\u2063][,.!?…]?[\"'”’»]?[,.!?]?[\"'”’»]?\\s*(?:[-–—]\\s*)?(?:[\\w.’'-]+\\s+){0,3}$"
)


def find_statements(ctx: DocContext) -> list[Statement]:
    """Reported speech in a document with its speakers (see the module docstring for the rules)."""
    return statements_in_text(ctx.text, attributor_for(ctx))


def statements_in_text(text: str, att: Attributor) -> list[Statement]:
    """The rules of :func:`find_statements` on a text with a ready :class:`Attributor`."""
    masked = att.masked
    lex = att.lex
    out: list[Statement] = []
    for para in att.seg.paragraphs:
        if para.heading:
            continue
        for sent in att.seg.sentences_of(para.index):
            covered_until = -1
            for verb in att.verbs(sent.start, sent.end):
                if verb.lemma in lex.frame_only or verb.start < covered_until:
                    continue
                if _ATTRIBUTES_QUOTE.search(masked[sent.start : verb.start]):
                    continue  # '"...," said X': the verb attributes a direct quote
                span = Span(sent.start, sent.end)
                ending = _attributed_at_end(att, verb, span)
                content = ending[0] if ending is not None else _content(att, verb, span)
                if content is None:
                    continue
                body = masked[content.start : content.end]
                if body.count(MASK) * 2 > len(body) or word_count(body) < MIN_CONTENT_WORDS:
                    continue
                speaker = ending[1] if ending is not None else _speaker(att, verb, span, content)
                if speaker is None:
                    continue
                covered_until = content.end
                out.append(
                    Statement(
                        speaker=speaker.actor,
                        text=text[content.start : content.end],
                        start=content.start,
                        end=content.end,
                        cue=" ".join(text[verb.start : verb.end].split()),
                        extractor=EXTRACTOR,
                        confidence=0.8 if speaker.how != "pronoun" else 0.7,
                    )
                )
    return out


def _attributed_at_end(att: Attributor, verb: VerbHit, sent: Span) -> tuple[Span, MentionRef] | None:
    """ "<content>, the Kremlin said (on Monday)." and "<content>, said a spokesman for X.": the report comes
    before the comma, its speaker right before or right after the verb."""
    masked = att.masked
    comma = masked.rfind(",", sent.start, verb.start)
    if comma < 0 or verb.form.endswith("ing") or MASK in masked[comma : sent.end]:
        return None
    between = masked[comma + 1 : verb.start]
    after_comma = masked.find(",", verb.end, sent.end)
    stop = after_comma if after_comma >= 0 else sent.end
    rest = masked[verb.end : stop].strip().rstrip(".!?").strip()
    if _THAT.search(rest) or word_count(between) > 6:
        return None
    if between.strip():  # "..., the Kremlin said (on Tuesday)."
        first = rest.split(maxsplit=1)[0].lower() if rest else ""
        participle = re.match(r",\s*\w+ing\b", masked[after_comma:]) if after_comma >= 0 else None
        if (after_comma >= 0 and participle is None) or (
            rest and (word_count(rest) > 4 or first not in att.lex.adjunct_starts)
        ):
            return None  # "..., Peskov said, and the talks ...": more than an attribution follows
        speaker = att.subject_before(verb, comma + 1)
    else:  # "..., said a spokesman for the president(, adding ...)."
        if not rest or word_count(rest) > 12:
            return None
        after = att.candidates(verb.end, stop)
        speaker = after[0] if after else None
    content = _trim(masked, sent.start, comma)
    if speaker is None or content is None:
        return None
    if any(v.lemma not in att.lex.frame_only for v in att.verbs(content.start, content.end)):
        return None  # "a spokesman criticised the move, Bloomberg reported": the report has its own speaker
    return content, speaker


def _content(att: Attributor, verb: VerbHit, sent: Span) -> Span | None:
    """The reported content after the verb, up to the end of the sentence, or None when there is none."""
    masked, lex = att.masked, att.lex
    rest_lo = verb.end
    rest = masked[rest_lo : sent.end]
    end = sent.end
    while end > rest_lo and (masked[end - 1].isspace() or masked[end - 1] in ".!?;"):
        end -= 1
    if rest.lstrip()[:1] in ",.;!?" or re.match(r"\s*(?:or|and|but)\b", rest):
        return None
    lead = masked[sent.start : verb.start]
    if _PASSIVE.search(lead):
        return None  # "have been accused of": the subject is not the speaker
    if verb.form.endswith("ing"):
        if re.search(r"(?:^|\b(?:by|while|after|in)\s+)$", lead, re.I):
            comma = masked.find(",", verb.end, end)
            end = comma if comma > 0 else end  # a leading participle clause ends at its comma
        elif not re.search(rf"[,;:{DASHES}-]\s*$", lead):
            return None  # "a court ruling declaring ...": a participle modifying a noun, not a report
    first = re.match(r"\s*([A-Za-z]+|\d)", rest)
    if first is not None and (first.group(1).lower() in lex.object_words or first.group(1).isdigit()):
        return None  # "explained them to me", "added 25 points"
    that = _THAT.search(rest)
    lemma = verb.lemma
    as_verb = lemma in lex.characterising  # "framed the war as ...": characterising needs "as"
    if as_verb:
        that = None  # "a poorly described article that ..."
    if that is not None and rest_lo + that.start() < end:
        before_that = rest[: that.start()]
        if word_count(before_that) <= 6 and "," not in before_that.strip(", "):
            return _trim(masked, rest_lo + that.end(), end)
    if lemma in lex.need_that:
        return None  # "told the Financial Times": an object, not what was said
    if as_verb:
        as_at = re.search(r"\bas\b", rest)
        if as_at is None or word_count(rest[: as_at.start()]) > 10:
            return None
        return _trim(masked, rest_lo, end)
    if lemma in lex.to_verbs or lemma in ("accuse", "call for"):
        return _trim(masked, rest_lo, end)
    if lemma.startswith("make") or rest.lstrip().startswith(":"):
        return _trim(masked, rest_lo, end)
    first_word = first.group(1).lower() if first is not None else ""
    if first_word in lex.adjunct_starts or not rest.strip() or rest.lstrip()[:1] in ",.;:!?":
        return None
    return _trim(masked, rest_lo, end)


def _trim(masked: str, lo: int, hi: int) -> Span | None:
    while lo < hi and (masked[lo].isspace() or masked[lo] in ",:"):
        lo += 1
    return Span(lo, hi) if lo < hi else None


def _speaker(att: Attributor, verb: VerbHit, sent: Span, content: Span) -> MentionRef | None:
    found = att.subject_before(verb, sent.start)
    if found is not None:
        if not att.adjacent(found, verb):
            parsed = att.parsed_subject(verb)
            if parsed is not None:
                return parsed
        return found
    if verb.form.endswith("ing"):
        # "By reiterating that ..., he reinforced ...": the subject of the main clause after the comma
        comma = att.masked.find(",", content.start, sent.end)
        if comma >= 0:
            after = [m for m in att.candidates(comma, sent.end) if m.start > comma]
            if after and word_count(att.masked[comma : after[0].start]) <= 2:
                return after[0]
    return att.parsed_subject(verb)
