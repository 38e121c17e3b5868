"""Event figures: counts of things that happened ("69 long-range drones launched", "intercepted 29").

Extractor ``events.v1``; surface rules, no parse needed:

* a number (digits, "1,200", "3.5", or a number word "three", "twenty-six") with an optional qualifier
  ("at least", "more than", "about");
* followed within three words by an event noun ("drones", "people", ...) in a sentence that has an event verb
  ("launched", "injured", ...), or directly after an event verb ("intercepted 29"), in which case the unit is
  the one of the previous figure in the same paragraph ("69 drones launched ... intercepted 29" -> drones);
* never years, dates, times, ages, percentages or ordinals ("in 2014", "November 2024", "45-year-old", "3%").

The event vocabulary is the grammar's ``event_verbs`` (lemmas, every inflection counts) and ``event_nouns``:
zopa's default English grammar plus what a codebook's ``grammar:`` adds.
``place`` is a capitalised name after in/on/at/near/over (a known actor name or metonym counts), ``when`` a
time expression in the sentence or the paragraph's lead ("Overnight: ..."), ``claimed_by`` the actor of an
"according to X" / "X said" in the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zopa.codebook import Codebook
from zopa.extract._nlp import DocContext, Sentence
from zopa.grammar import forms_of
from zopa.records import EventFact

EXTRACTOR = "events.v1"

_UNITS = {"drone": "drones", "missile": "missiles", "person": "people", "soldier": "soldiers"}

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_ONES)}
_WORD_VALUES.update({w: 20 + 10 * i for i, w in enumerate(_TENS)})
_NUMBER_WORD = (
    r"(?:(?:"
    + "|".join(_TENS)
    + r")(?:[- ](?:"
    + "|".join(_ONES[1:10])
    + r"))?|"
    + "|".join(sorted(_ONES[1:], key=len, reverse=True))
    + r")"
)
_SCALE = r"(?:\s+(?:hundred|thousand|million|billion))?"
_NUMBER = re.compile(
    r"(?<![\w.,$€£%-])(?P<qual>(?:at least|more than|over|nearly|almost|about|around|some|up to|fewer than|"
    r"less than|roughly)\s+)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|" + _NUMBER_WORD + r")"
    r"(?P<scale>" + _SCALE + r")(?![\w%]|[.,]\d|-year|-month|-day|st\b|nd\b|rd\b|th\b)",
    re.IGNORECASE,
)
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
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
]
_DATE_NEAR = re.compile(r"(?:\b(?:" + "|".join(_MONTHS) + r")\.?\s*$)", re.IGNORECASE)
_DATE_AFTER = re.compile(
    r"^\s*(?:" + "|".join(_MONTHS) + r")\b|^\s*(?:am|pm|a\.m\.|p\.m\.|o['’]clock|years? old|"
    r"percent|per cent|%|km|kilomet|miles?|hours?|minutes?|days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)
_YEARISH = re.compile(r"^(?:1[89]\d\d|20\d\d)$")
_TIME = re.compile(
    r"\b(?:overnight|last night|yesterday|today|tonight|this (?:morning|afternoon|evening|week|month|year)|"
    r"last (?:week|month|year)|earlier (?:this|on) \w+|(?:on )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)(?: (?:morning|afternoon|evening|night))?|since \w+|"
    r"(?:on )?(?:" + "|".join(m.capitalize() for m in _MONTHS[:12]) + r") \d{1,2}(?:, \d{4})?)\b",
    re.IGNORECASE,
)
_PLACE = re.compile(
    r"\b(?:in|on|at|near|over|across|around|into)\s+(?:the\s+)?"
    r"(?:(?:[a-z]+\s+)?(?:city|town|village|region|port) of\s+)?"
    r"([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)"
)
_CLAIM = re.compile(
    r"\baccording to\b|\b(?:said|says|claimed|claims|reported|reports|announced|stated)\b", re.IGNORECASE
)


@dataclass
class _Lexicon:
    verbs: re.Pattern[str]
    noun_set: frozenset[str]


_LEXICONS: dict[int, tuple[Codebook, _Lexicon]] = {}


def _lexicon(codebook: Codebook) -> _Lexicon:
    cached = _LEXICONS.get(id(codebook))
    if cached is not None and cached[0] is codebook:
        return cached[1]
    grammar = codebook.grammar
    verbs = sorted(forms_of(grammar.event_verbs), key=len, reverse=True)
    nouns = {n.lower() for n in grammar.event_nouns}
    lexicon = _Lexicon(
        verbs=re.compile(
            r"\b(?:" + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in verbs) + r")\b", re.IGNORECASE
        ),
        noun_set=frozenset(nouns),
    )
    _LEXICONS[id(codebook)] = (codebook, lexicon)
    return lexicon


def _number_value(num: str, scale: str) -> float | None:
    raw = num.lower().replace(",", "")
    try:
        value = float(raw)
    except ValueError:
        parts = re.split(r"[- ]", raw)
        total = 0
        for part in parts:
            if part not in _WORD_VALUES:
                return None
            total += _WORD_VALUES[part]
        value = float(total)
    factor = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
    scale = scale.strip().lower()
    return value * factor[scale] if scale else value


def _is_noise(text: str, start: int, end: int, num: str) -> bool:
    """Years, dates, times, ages, percentages, distances, durations."""
    before = text[max(0, start - 12) : start]
    after = text[end : end + 16]
    if _YEARISH.match(num.replace(",", "")) and not re.match(
        r"\s+[a-z-]*\s*(?:people|drones|missiles)", after
    ):
        return True
    return bool(_DATE_NEAR.search(before) or _DATE_AFTER.match(after))


def _noun_after(text: str, pos: int, limit: int, nouns: frozenset[str]) -> tuple[str, int] | None:
    """An event noun within three words after ``pos``: (phrase from pos to the noun, end offset)."""
    m = re.match(r"((?:\s+[\w’'-]+){1,4})", text[pos:limit])
    if not m:
        return None
    offset = pos
    words = re.finditer(r"[\w’'-]+", m.group(1))
    for i, w in enumerate(words):
        if i >= 4:
            break
        word = w.group().lower()
        if word in {"of", "the", "and"} and i == 0:
            continue
        if word in nouns:
            end = offset + w.end()
            return text[pos:end].strip(), end
    return None


def find_events(ctx: DocContext) -> list[EventFact]:
    """Event figures in the article."""
    lexicon = _lexicon(ctx.codebook)
    out: list[EventFact] = []
    last_unit: dict[int, tuple[str, str]] = {}  # paragraph -> (unit, noun phrase) of its last figure
    for sentence in ctx.sentences:
        if ctx.paragraphs[sentence.paragraph].heading:
            continue
        verb_hits = list(lexicon.verbs.finditer(sentence.text))
        if not verb_hits:
            continue
        for m in _NUMBER.finditer(sentence.text):
            fact = _figure(ctx, sentence, m, verb_hits, lexicon, last_unit)
            if fact is not None:
                out.append(fact)
    return out


def _figure(
    ctx: DocContext,
    sentence: Sentence,
    m: re.Match[str],
    verb_hits: list[re.Match[str]],
    lexicon: _Lexicon,
    last_unit: dict[int, tuple[str, str]],
) -> EventFact | None:
    text = ctx.text
    base = sentence.start
    num_start, num_end = base + m.start("num"), base + m.end()
    if _is_noise(text, num_start, num_end, m.group("num")):
        return None
    count = _number_value(m.group("num"), m.group("scale") or "")
    if count is None:
        return None
    noun = _noun_after(text, num_end, sentence.end, lexicon.noun_set)
    verb_before = next((v for v in verb_hits if 0 <= m.start() - v.end() <= 2), None)
    if noun is not None:
        phrase, noun_end = noun
        unit = phrase.split()[-1].lower()
        unit = _UNITS.get(unit, unit)
        after = noun_end - base

        def distance(v: re.Match[str]) -> int:
            return v.start() - after if v.start() >= after else m.start() - v.end()

        verb = min(verb_hits, key=distance)  # the event verb nearest the figure
        what = f"{phrase} {verb.group().lower()}" if verb.start() >= noun_end - base else f"{phrase}"
        if verb.start() < noun_end - base:
            what = f"{verb.group().lower()} {phrase}"
        span_end = max(noun_end, base + verb.end()) if verb.start() >= noun_end - base else noun_end
        span_start = min(base + m.start(), base + verb.start())
    elif verb_before is not None and sentence.paragraph in last_unit:
        unit, _ = last_unit[sentence.paragraph]
        what = f"{unit} {verb_before.group().lower()}"
        span_start, span_end = base + verb_before.start(), num_end
    else:
        return None
    last_unit[sentence.paragraph] = (unit, what)
    return EventFact(
        what=what,
        count=count,
        unit=unit,
        place=_place(ctx, sentence, num_end),
        when=_when(ctx, sentence),
        claimed_by=_claimed_by(ctx, sentence),
        start=span_start,
        end=span_end,
        extractor=EXTRACTOR,
        confidence=0.8 if m.group("qual") is None else 0.7,
    )


def _place(ctx: DocContext, sentence: Sentence, after: int) -> str | None:
    for m in _PLACE.finditer(ctx.text, after, sentence.end):
        name = m.group(1)
        if _TIME.fullmatch(name) or name.split()[0] in {
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        }:
            continue
        return name
    return None


def _when(ctx: DocContext, sentence: Sentence) -> str | None:
    m = _TIME.search(sentence.text)
    if m:
        return m.group()
    paragraph = ctx.paragraphs[sentence.paragraph]
    lead = paragraph.text.split(":", 1)[0] if ":" in paragraph.text[:40] else ""
    m = _TIME.search(lead)
    return m.group() if m else None


def _claimed_by(ctx: DocContext, sentence: Sentence) -> str | None:
    if not _CLAIM.search(sentence.text):
        return None
    for mention in ctx.mentions_in(sentence.start, sentence.end):
        if mention.how in {"adjective"}:
            continue
        return mention.actor
    return None
