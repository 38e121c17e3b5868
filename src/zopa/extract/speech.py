"""Reported (indirect) speech: "Putin framed the conflict as ...", "He made it clear that ...".

A statement is a reporting verb with a speaker and a complement, outside quotation marks:

* ``X said / warned / insisted / argued ... (on Tuesday) that <content>`` and ``X made (it) clear that``;
* ``X said / warned / stressed <clause>`` without "that";
* ``X framed / described / portrayed <something> as <content>``;
* ``X vowed / pledged / promised / threatened / urged ... to <content>``, ``X accused <someone> of``,
  ``X called for <content>``;
* ``X: <content>`` is left to direct quotes; a complement that is mostly a quotation is a quote, not a
  statement.

The speaker is the subject of the verb: the nearest actor mention before it in the clause (a possessive
counts: "Putin's remarks suggest that ..."), a pronoun resolved to the person in focus, the subject after a
leading participle clause ("By reiterating that ..., he ..."), or the verb's subject in the dependency parse.
Nested reports inside a statement's content are part of it. Grammar only; names come from the mentions.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from zopa.extract._attribution import (
    Attributor,
    MentionRef,
    Parser,
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
    word_count,
)
from zopa.records import Statement

if TYPE_CHECKING:
    from zopa.extract._nlp import DocContext

EXTRACTOR = "speech.v1"
MIN_CONTENT_WORDS = 3
# Verbs that only frame a quotation or need an object to mean anything on their own.
_NOT_STATEMENT = frozenset(
    {
        "asked",
        "asks",
        "continued",
        "posted",
        "tweeted",
        "answered",
        "replied",
        "replies",
        "commented",
        "mentioned",
        "shouted",
        "joked",
        "called",
        "calls",
        "calling",
        "termed",
        "dubbed",
        "labelled",
        "labeled",
        "according to",
        "in the words of",
        "put it",
        "went on",
        "writing",
        "wrote",
        "writes",
        "telling",
    }
)
_CHARACTERISING = frozenset(
    {
        "framed",
        "frames",
        "described",
        "describes",
        "describing",
        "portrayed",
        "portrays",
        "portraying",
        "characterized",
        "characterised",
    }
)
_TO_VERBS = frozenset(
    {
        "vowed",
        "vows",
        "pledged",
        "pledges",
        "promised",
        "promises",
        "threatened",
        "threatens",
        "urged",
        "urges",
        "urging",
        "demanded",
        "demands",
        "proposed",
        "proposes",
    }
)
_PREPOSITION = re.compile(
    r"^\s*(?:in|on|at|during|after|before|from|with|to|of|by|for|about|earlier|later|"
    r"last|this|yesterday|today|repeatedly|again|also|publicly|privately)\b",
    re.I,
)
# Verbs whose bare object is not a report ("told the Financial Times", "added 25 points", "admitted
# refugees"): they report only with "that" (or a quotation).
_NEED_THAT = frozenset(
    {
        "told",
        "tells",
        "tell",
        "asked",
        "reminded",
        "informed",
        "assured",
        "promised",
        "added",
        "adds",
        "adding",
        "admitted",
        "admits",
        "admit",
        "acknowledged",
        "acknowledges",
        "acknowledge",
        "outlined",
        "recalled",
        "maintained",
        "maintains",
        "maintain",
        "confirmed",
        "confirms",
        "confirm",
        "announced",
        "announces",
        "announce",
        "noted",
        "notes",
    }
)
_OBJECT_WORDS = frozenset(
    {"them", "him", "me", "us", "you", "nothing", "something", "anything", "so", "this"}
)
_PASSIVE = re.compile(r"\b(?:been|being|be|is|are|was|were|get|got|gets)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_THAT = re.compile(r"\bthat\b")
# '"...," said X' and '"...," he said': the verb attributes the direct quote before it
_ATTRIBUTES_QUOTE = re.compile(
    "[\u2063][,.!?…]?[\"'”’»]?[,.!?]?[\"'”’»]?\\s*(?:[-–—]\\s*)?(?:[\\w.’'-]+\\s+){0,3}$"
)


def find_statements(ctx: DocContext) -> list[Statement]:
    """Reported speech in a document with its speakers (see the module docstring for the rules)."""
    return statements_in_text(
        ctx.text, attributor_for(ctx), paras=paragraph_spans(ctx), parse=parser_for(ctx)
    )


def statements_in_text(
    text: str, att: Attributor, *, paras: list[Span] | None = None, parse: Parser | None = None
) -> list[Statement]:
    """The rules of :func:`find_statements` on plain text with a ready :class:`Attributor`."""
    paras = paragraphs_of(text) if paras is None else paras
    marks = [m for p in paras for m in find_quote_marks(text, p)]
    masked = mask_quotes(text, marks)
    out: list[Statement] = []
    for para in paras:
        if is_heading(text, para):
            continue
        for sent in sentences(masked, para):
            covered_until = -1
            for verb in att.verbs(masked, sent.start, sent.end):
                if verb.form in _NOT_STATEMENT or verb.start < covered_until:
                    continue
                if _ATTRIBUTES_QUOTE.search(masked[sent.start : verb.start]):
                    continue  # '"...," said X': the verb attributes a direct quote
                content = _content(masked, verb, sent)
                if content is None:
                    continue
                body = masked[content.start : content.end]
                if body.count("\u2063") * 2 > len(body) or word_count(body) < MIN_CONTENT_WORDS:
                    continue
                speaker = _speaker(masked, att, verb, sent, content, parse)
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


def _content(masked: str, verb: VerbHit, sent: Span) -> Span | None:
    """The reported content after the verb, up to the end of the sentence, or None when there is none."""
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
        elif not re.search(r"[,;:—–-]\s*$", lead):
            return None  # "a court ruling declaring ...": a participle modifying a noun, not a report
    first = re.match(r"\s*([A-Za-z]+|\d)", rest)
    if first is not None and (first.group(1).lower() in _OBJECT_WORDS or first.group(1).isdigit()):
        return None  # "explained them to me", "added 25 points"
    that = _THAT.search(rest)
    form = verb.form
    if form in _CHARACTERISING:
        that = None  # "a poorly described article that ...": characterising needs "as"
    if that is not None and rest_lo + that.start() < end:
        before_that = rest[: that.start()]
        if word_count(before_that) <= 6 and "," not in before_that.strip(", "):
            return _trim(masked, rest_lo + that.end(), end)
    if form in _NEED_THAT:
        return None  # "told the Financial Times": an object, not what was said
    if form in _CHARACTERISING:
        as_at = re.search(r"\bas\b", rest)
        if as_at is None or word_count(rest[: as_at.start()]) > 10:
            return None
        return _trim(masked, rest_lo, end)
    if form in _TO_VERBS or form.startswith(("accuse", "call")):
        return _trim(masked, rest_lo, end)
    if form.startswith(("made", "make", "making")) or rest.lstrip().startswith(":"):
        return _trim(masked, rest_lo, end)
    if _PREPOSITION.match(rest) or not rest.strip() or rest.lstrip()[:1] in ",.;:!?":
        return None
    return _trim(masked, rest_lo, end)


def _trim(masked: str, lo: int, hi: int) -> Span | None:
    while lo < hi and (masked[lo].isspace() or masked[lo] in ",:"):
        lo += 1
    return Span(lo, hi) if lo < hi else None


def _speaker(
    masked: str, att: Attributor, verb: VerbHit, sent: Span, content: Span, parse: Parser | None
) -> MentionRef | None:
    clause_lo = sent.start
    found = att.subject_before(masked, verb, clause_lo)
    if found is not None:
        if not att.adjacent(masked, found, verb):
            parsed = parsed_subject(parse, att, verb)
            if parsed is not None:
                return parsed
        return found
    if verb.form.endswith("ing"):
        # "By reiterating that ..., he reinforced ...": the subject of the main clause after the comma
        comma = masked.find(",", content.start, sent.end)
        if comma >= 0:
            after = [m for m in att.candidates(comma, sent.end) if m.start > comma]
            if after and word_count(masked[comma : after[0].start]) <= 2:
                return after[0]
    return parsed_subject(parse, att, verb)
