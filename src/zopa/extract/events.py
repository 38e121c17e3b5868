"""Event figures: numbers that report what happened or holds ("more than 40 foreign ministers", "the army
freed 73 hostages", "a 25% levy on steel", "300 for 300").

Extractor ``events.v2``; surface rules over the segmented text, no parse:

* A **number** is digits ("1,200", "3.5"), number words ("three", "twenty-six"), either with a scale
  ("12 million", "a million", "two dozen"), after an optional qualifier ("more than", "some", "up to
  roughly"; the grammar's ``event_qualifiers``).
* A **count** is a number and the noun it counts, within four words after it ("four Dutch nationals",
  "8,500 Chinese workers"): a listed ``event_nouns`` word, or a word of a counted form
  (``event_noun_patterns``: agent nouns, demonyms). "one" counts only before such a noun in the singular, in
  a sentence with an event verb ("one civilian was killed").
* A **bare number** counts what the paragraph's last figure counted when it follows an event verb
  ("shot down 17"), precedes one ("12 killed"), or follows "of whom", "of them", "among them".
* **"N for N"** ("a 300-for-300 swap") is one figure: N on each side.
* A **percentage** ("25%", "60 percent", "4 percentage points") is a figure of what it measures.
* Not figures: years, dates, clock times, ages, durations ("90-day", "three years"), ordinals, a number glued
  to letters or a hyphen ("H20", "10-point plan"), a number after a capitalised designation ("Article 5",
  "Section 301"), "12 out of 10", money and distances (they are not counted nouns); a count after a
  determiner or possessive ("the three envoys", "all four provinces", "its 27 members": a reference to a known
  set); a count of sources ("two officials said", ``event_source_cues``); a figure that a threat, an offer, a
  demand or a hypothesis governs: a cue within ten words before it in its clause, a passive one after it
  ("a 70% duty threatened by X"), or the main clause after "If ...," (``event_irrealis``): such a figure is a
  position, not an event. Unpunctuated list items (link lists) are skipped.
* One figure per (count, unit) in an article: a figure repeated ("over 2 million customers" ... "over two
  million customers") is one event, read from a body sentence rather than a heading.

``claimed_by`` is the party of the one source of the figure: the speaker of the quote or reported speech that
holds it, else "according to X", else the actor named as the subject of a reporting verb in the sentence
(``event_claim_verbs``: "..., the ministry said"). ``place`` is a capitalised name after in/on/at/near/over,
``when`` a time expression in the sentence or the paragraph's lead ("Overnight: ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from zopa.codebook import Codebook
from zopa.extract._nlp import DocContext, Sentence
from zopa.grammar import forms_of
from zopa.records import EventFact, Quote, Statement

EXTRACTOR = "events.v2"

_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_ONES)}
_WORD_VALUES.update({w: 20 + 10 * i for i, w in enumerate(_TENS)})
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000, "dozen": 12}
_NUMBER_WORD = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(_ONES[1:10]) + r"))?|"
    + "|".join(sorted(_ONES[1:], key=len, reverse=True)) + r")"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s+(?:" + "|".join(_SCALES) + r"))"
_PERCENT = r"(?:\s*%|\s+(?:percent|per cent|percentage points?)\b)"
_HYPHENS = "-‐‑‒"  # hyphen-minus, hyphen, non-breaking hyphen, figure dash
_HYPHEN_CLASS = r"\-‐‑‒"  # the same, inside [...]

_MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec",
]
# A month before the number, with or without a day ("May 5", "Sept. 11, 2001")
_MONTH_BEFORE = re.compile(
    r"\b(?:" + "|".join(_MONTHS) + r")\.?\s*(?:\d{1,2}(?:st|nd|rd|th)?,?\s*)?$", re.IGNORECASE
)
_AFTER_NOISE = re.compile(
    r"^\s*(?:(?:" + "|".join(_MONTHS) + r")\b|(?:st|nd|rd|th)\b|:\d|(?:am|pm|a\.m\.|p\.m\.|o['’]clock)(?!\w)|"
    r"(seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centuries|century)\b|"
    r"(?:out of|in|of)\s+(?:\d|" + _NUMBER_WORD + r"\b))",
    re.IGNORECASE,
)
# The second number of a ratio ("1 in 4 residents", "eight of 10") or a margin of error ("+/- 4 percent").
_RATIO_BEFORE = re.compile(
    r"(?:\b(?!one\b)(?:\d[\d,.]*|" + _NUMBER_WORD + r")\s+(?:out of|in|of)|\+/-|±|plus or minus)\s*$",
    re.IGNORECASE,
)
_YEARISH = re.compile(r"^(?:1[89]\d\d|20\d\d)$")
_YEAR_BEFORE = re.compile(
    r"\b(?:in|since|by|until|till|from|before|after|of|during|through|year|early|late|mid|spring|summer|"
    r"autumn|fall|winter)\s*$",
    re.IGNORECASE,
)
# A reference to a set already known ("the two sides", "all four regions", "Ukraine's 24 regions").
_DETERMINER_BEFORE = re.compile(
    r"(?:\b(?:the|these|those|its|their|his|her|our|your|my|both|all|each|every|first|last|next|"
    r"top|other)|['’]s|s['’])\s*$",
    re.IGNORECASE,
)
_BARE_LEAD = re.compile(r"\b(?:of whom|of them|of which|among them|including)\s*$", re.IGNORECASE)
# Function words end the noun phrase a number modifies.
_STOP_WORDS = frozenset(
    [
        "of", "in", "on", "at", "for", "to", "from", "by", "with", "without", "and", "or", "but", "nor",
        "that", "which", "who", "whom", "whose", "were", "was", "is", "are", "be", "been", "being", "have",
        "has", "had", "will", "would", "could", "should", "can", "may", "might", "must", "do", "does",
        "did", "the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those", "than",
        "as", "into", "onto", "over", "under", "after", "before", "since", "during", "including",
    ]
)
_WORD = re.compile(r"[^\W\d_][\w’'.-]*|\d[\d,.]*|[^\w\s]")
_CLAUSE_BREAK = re.compile(
    r";|\b(?:but|unless|if|while|whereas|although|though|because|after|before|since|when)\b", re.IGNORECASE
)
_PERCENT_OF = re.compile(
    r"(?:\s+(?!(?:to|from|in|on|at|by|and|or|but|as|after|before|for|with)\b)[\w’'-]+){0,3}"
    r"(?:\s+of\s+(?:the\s+|its\s+|their\s+)?[\w’'-]+)?"
)
_END_OF_SENTENCE = ".!?\"”’"
_IRREALIS_WORDS = 10  # how far a threat or proposal cue reaches: "threatened to impose tariffs of 50%"
_IF_CLAUSE = re.compile(r"^[\"“‘']?\s*(?:if|unless)\b[^,]*,", re.IGNORECASE)
_N_FOR_N = re.compile(
    r"(?<![\w.,])(?P<a>" + _DIGITS + r")(?:\s+|[" + _HYPHEN_CLASS + r"])for(?:\s+|[" + _HYPHEN_CLASS + r"])"
    r"(?P<b>" + _DIGITS + r")(?![\w%]|[.,]\d)"
)
_TIME = re.compile(
    r"\b(?:overnight|last night|yesterday|today|tonight|this (?:morning|afternoon|evening|week|month|year)|"
    r"last (?:week|month|year)|earlier (?:this|on) \w+|(?:on )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)(?: (?:morning|afternoon|evening|night))?|since \w+|"
    r"(?:on )?(?:" + "|".join(m.capitalize() for m in _MONTHS[:12]) + r") \d{1,2}(?:, \d{4})?)\b",
    re.IGNORECASE,
)
_WEEKDAYS = frozenset(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
_PLACE = re.compile(
    r"\b(?:in|on|at|near|over|across|around|into)\s+(?:the\s+)?"
    r"(?:(?:[a-z]+\s+)?(?:city|town|village|region|port) of\s+)?"
    r"([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)"
)
_ACCORDING_TO = re.compile(r"\baccording to\s+", re.IGNORECASE)


def _any(patterns: Sequence[str], flags: int = re.IGNORECASE) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags) if patterns else None


@dataclass(frozen=True)
class _Lexicon:
    number: re.Pattern[str]
    verbs: re.Pattern[str] | None  # event verb forms
    verb_forms: frozenset[str]
    nouns: frozenset[str]  # counted nouns, lower case plurals
    singulars: dict[str, str]  # singular -> plural of the listed nouns
    noun_patterns: tuple[re.Pattern[str], ...]
    irrealis: re.Pattern[str] | None
    sources: re.Pattern[str] | None
    claims: re.Pattern[str] | None  # reporting verb forms whose subject is the source of a figure


_LEXICONS: dict[int, tuple[Codebook, _Lexicon]] = {}


def _singular(plural: str) -> str:
    irregular = {"people": "person", "children": "child", "men": "man", "women": "woman", "police": "police"}
    if plural in irregular:
        return irregular[plural]
    if plural.endswith("ies"):
        return plural[:-3] + "y"
    if plural.endswith(("shes", "ches", "xes", "sses")):
        return plural[:-2]
    return plural[:-1] if plural.endswith("s") else plural


def _words_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = sorted({w.lower() for w in words}, key=len, reverse=True)
    return re.compile(
        r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in alternatives) + r")\b", re.IGNORECASE
    )


def _lexicon(codebook: Codebook) -> _Lexicon:
    cached = _LEXICONS.get(id(codebook))
    if cached is not None and cached[0] is codebook:
        return cached[1]
    grammar = codebook.grammar
    qualifiers = sorted(grammar.event_qualifiers, key=len, reverse=True)
    qual = "|".join(re.escape(q).replace(r"\ ", r"\s+") for q in qualifiers) or r"(?!)"
    number = re.compile(
        r"(?<![\w.,$€£¥#/" + _HYPHEN_CLASS + r"])(?P<qual>(?:(?:" + qual + r")\s+){1,2})?"
        r"(?P<num>" + _DIGITS + r"|" + _NUMBER_WORD + r"|an?(?=" + _SCALE + r"))"
        r"(?P<scale>" + _SCALE + r")?(?P<pct>" + _PERCENT + r")?"
        r"(?![\w%]|[.,]\d)",
        re.IGNORECASE,
    )
    verb_forms = forms_of(grammar.event_verbs)
    nouns = frozenset(n.lower() for n in grammar.event_nouns)
    claims = forms_of(grammar.event_claim_verbs)
    lexicon = _Lexicon(
        number=number,
        verbs=_words_pattern(list(verb_forms)),
        verb_forms=frozenset(verb_forms),
        nouns=nouns,
        singulars={_singular(n): n for n in nouns},
        noun_patterns=tuple(re.compile(p) for p in grammar.event_noun_patterns),
        irrealis=_any(grammar.event_irrealis),
        sources=_any(grammar.event_source_cues),
        claims=_words_pattern(list(claims)),
    )
    _LEXICONS[id(codebook)] = (codebook, lexicon)
    return lexicon


def _counted(word: str, lexicon: _Lexicon) -> bool:
    """A word a number counts: listed, or of a counted form (agent nouns, demonyms)."""
    low = word.lower()
    if low in lexicon.nouns:
        return True
    return any(p.fullmatch(word) or p.fullmatch(low) for p in lexicon.noun_patterns)


def _value(num: str, scale: str) -> float | None:
    raw = num.lower().replace(",", "")
    if raw in {"a", "an"}:
        value = 1.0
    else:
        try:
            value = float(raw)
        except ValueError:
            parts = re.split(r"[- ]", raw)
            if any(p not in _WORD_VALUES for p in parts):
                return None
            value = float(sum(_WORD_VALUES[p] for p in parts))
    scale = scale.strip().lower()
    return value * _SCALES[scale] if scale else value


@dataclass(frozen=True)
class _Head:
    word: str  # the counted noun as written
    start: int  # offsets in the sentence
    end: int


def _head_after(text: str, pos: int, lexicon: _Lexicon, *, singular: bool = False) -> _Head | None:
    """The counted noun within four words after ``pos``, before any function word or punctuation."""
    for i, w in enumerate(_WORD.finditer(text, pos)):
        word = w.group()
        if i >= 4 or not (word[0].isalpha()) or word.lower() in _STOP_WORDS:
            return None
        if singular:
            plural = lexicon.singulars.get(word.lower())
            if plural is not None:
                return _Head(word, w.start(), w.end())
        elif _counted(word.rstrip("."), lexicon):
            word = word.rstrip(".")
            compound = re.match(r"\s+([^\W\d_][\w’'-]*)", text[w.start() + len(word) :])
            # a compound's modifier is singular in form: "police officers", not "sailors missing"
            if compound and not word.endswith("s") and _counted(compound.group(1), lexicon):
                at = w.start() + len(word) + compound.start(1)
                return _Head(compound.group(1), at, at + len(compound.group(1)))
            return _Head(word, w.start(), w.start() + len(word))
    return None


def _unit_of(head: _Head, lexicon: _Lexicon) -> str:
    """The plural the head counts: a listed noun in lower case ("soldiers", "civilians" for "one civilian",
    "delegates" in a title-case headline), any other as written ("Americans", "smugglers")."""
    low = head.word.lower()
    if low in lexicon.nouns or low in lexicon.singulars:
        return lexicon.singulars.get(low, low)
    return head.word


def _irrealis(text: str, pos: int, lexicon: _Lexicon) -> bool:
    """The figure at ``pos`` of a sentence is threatened, proposed or hypothetical: a cue in its clause
    within ten words before it, or the main clause after "If ...,"."""
    clause_start = 0
    for b in _CLAUSE_BREAK.finditer(text, 0, pos):
        clause_start = b.end()
    if_clause = _IF_CLAUSE.match(text)
    if if_clause and if_clause.end() <= pos and clause_start <= if_clause.end():
        return True
    words = list(re.finditer(r"\S+", text[clause_start:pos]))
    window = clause_start + (words[-_IRREALIS_WORDS].start() if len(words) > _IRREALIS_WORDS else 0)
    return bool(lexicon.irrealis is not None and lexicon.irrealis.search(text, window, pos))


def _irrealis_after(after: str, lexicon: _Lexicon) -> bool:
    """The figure's phrase is followed by a passive threat or proposal ("a 100% tariff threatened by X")."""
    m = re.match(r"(?:\W+[\w’'-]+){0,6}?\W+(\w+ed)\s+by\b", after)
    return bool(m and lexicon.irrealis is not None and lexicon.irrealis.fullmatch(m.group(1)))


@dataclass(frozen=True)
class _Figure:
    count: float
    unit: str | None
    qualifier: str | None
    start: int  # span in the sentence
    end: int
    what: str


def _figures(sentence: Sentence, lexicon: _Lexicon, last_unit: str | None) -> list[_Figure]:
    """The figures of one sentence, in text order; ``last_unit``: what the paragraph's last figure counted."""
    text = sentence.text
    out: list[_Figure] = []
    taken: list[tuple[int, int]] = []
    for m in _N_FOR_N.finditer(text):
        count = _value(m.group("a"), "")
        if (
            count is None
            or count != _value(m.group("b"), "")
            or _designation_before(text[: m.start()])
            or _irrealis(text, m.start(), lexicon)
        ):
            continue  # a swap is N for N on each side ("300 for 300"); "Fortune 500 for 2015" is not
        # what is swapped: "a 300-for-300 hostage swap", "an 84-for-84 swap of captives"
        of = re.match(r"\s+[\w’'-]+\s+of\b", text[m.end() :])
        head = (
            _head_after(text, m.end(), lexicon)
            or _head_after(text, m.end(), lexicon, singular=True)
            or (_head_after(text, m.end() + of.end(), lexicon) if of else None)
        )
        unit = _unit_of(head, lexicon) if head else None
        end = head.end if head else m.end()
        out.append(_Figure(count, unit, None, m.start(), end, f"{text[m.start() : end]} (each side)"))
        taken.append((m.start(), m.end()))
    for m in lexicon.number.finditer(text):
        if any(s <= m.start("num") < e for s, e in taken):
            continue
        figure = _figure(text, m, lexicon, out[-1].unit if out else last_unit)
        if figure is not None:
            out.append(figure)
    return sorted(out, key=lambda f: f.start)


def _figure(text: str, m: re.Match[str], lexicon: _Lexicon, last_unit: str | None) -> _Figure | None:
    """The figure a number match stands for, or None when it is not an event figure."""
    num, scale = m.group("num"), m.group("scale") or ""
    count = _value(num, scale)
    if count is None or _not_a_figure(text, m, lexicon):
        return None
    qualifier = " ".join(m.group("qual").lower().split()) if m.group("qual") else None
    if m.group("pct"):
        return _percentage(text, m, count, qualifier)
    start, end = m.start(), m.end()
    before = text[:start]
    if _DETERMINER_BEFORE.search(before) or _designation_before(before):
        return None
    one = num.lower() == "one" and not scale
    head = _head_after(text, end, lexicon, singular=one)
    if one and (head is None or lexicon.verbs is None or not lexicon.verbs.search(text)):
        return None  # "one" is a count only in "one civilian was killed"
    verb_before, verb_after = _verb_near(text, start, head.end if head else end, lexicon)
    if head is not None:
        if lexicon.sources is not None and lexicon.sources.search(
            text[max(0, start - 40) : start] + "COUNT" + text[head.end : head.end + 60]
        ):
            return None  # "two officials said", "citing three people"
        tail = re.match(r"\s+of\s+(?:[\w’'-]+\s+){0,3}?[\w’'-]+(?=[\s,.;:!?]|$)", text[head.end :])
        what_end = head.end + (tail.end() if tail else 0)
        what = verb_before + text[end:what_end].strip() + verb_after
        return _Figure(count, _unit_of(head, lexicon), qualifier, start, head.end, what)
    # A bare number counts what the paragraph's last figure counted: "shot down 17", "of whom 30 were",
    # "12 were killed" (then it may count nothing named).
    if verb_after or (last_unit is not None and (verb_before or _BARE_LEAD.search(before))):
        what = f"{last_unit or ''} {verb_before.strip() or verb_after.strip()}".strip()
        return _Figure(count, last_unit, qualifier, start, end, what)
    return None


def _not_a_figure(text: str, m: re.Match[str], lexicon: _Lexicon) -> bool:
    """Years, dates, clock times, ordinals, durations, compounds, ratios, margins of error; figures that are
    threatened, proposed or hypothetical."""
    num, start, end = m.group("num"), m.start(), m.end()
    before, after = text[:start], text[end:]
    if after[:1] and after[0] in _HYPHENS:
        return True  # "10-point plan", "90-day pause", "71-year-old"
    if _MONTH_BEFORE.search(before) or _RATIO_BEFORE.search(before):
        return True
    noise = _AFTER_NOISE.match(after)
    if noise and not (noise.group(1) and _head_after(text, end + noise.end(), lexicon)):
        return True  # a time unit is a duration unless it modifies a counted noun ("35 night routes")
    if (
        not m.group("scale")
        and not m.group("pct")
        and _YEARISH.match(num)
        and (_YEAR_BEFORE.search(before) or not _head_after(text, end, lexicon))
    ):
        return True  # "in 2014", "the 2024 election"; "2000 troops" is a count
    return _irrealis(text, start, lexicon) or _irrealis_after(after, lexicon)


def _percentage(text: str, m: re.Match[str], count: float, qualifier: str | None) -> _Figure:
    """A percentage and what it measures: the words after it ("a 25% levy on steel", "60% of the province"),
    else the words before it ("duties were lowered to 15 percent")."""
    start, end = m.start(), m.end()
    unit = "percentage points" if "point" in m.group("pct").lower() else "percent"
    following = _PERCENT_OF.match(text, end)
    assert following is not None  # the pattern matches the empty string
    if following.group().strip():
        what = following.group()
    else:
        leading = re.search(r"(?:[\w’'-]+\s+){0,4}$", text[:start])
        what = leading.group() if leading else ""
    return _Figure(count, unit, qualifier, start, max(end, following.end()), what.strip())


def _verb_near(text: str, start: int, end: int, lexicon: _Lexicon) -> tuple[str, str]:
    """The event verb right before the counted phrase ("freed 40 captives") or right after it ("40 rockets
    fired", "12 people were hurt"), as ("freed ", "") or ("", " fired")."""
    before = re.search(r"(\w+)\s+$", text[:start])
    if before and before.group(1).lower() in lexicon.verb_forms:
        return before.group(1).lower() + " ", ""
    after = re.match(r"\s+(?:(?:were|was|are|is|have been|has been|had been|been)\s+)?(\w+)", text[end:])
    if after and after.group(1).lower() in lexicon.verb_forms:
        return "", " " + after.group(1).lower()
    return "", ""


def _designation_before(text: str) -> bool:
    """A capitalised word (not the sentence's first) or "No." right before a number: "Article 5", "Section
    301 tariffs", "Boeing 737 jets" name things, they do not count them."""
    m = re.search(r"(\S+)\s+$", text)
    if m is None or not text[: m.start()].strip(" \"“‘'("):
        return False
    word = m.group(1)
    return word == "No." or (word[:1].isupper() and word[-1:].isalnum())


def find_events(
    ctx: DocContext, quotes: Sequence[Quote] = (), statements: Sequence[Statement] = ()
) -> list[EventFact]:
    """Event figures in the article, in text order, one per count and unit (a figure told again is the
    same event; its body sentence is kept over a heading); ``quotes`` and ``statements`` (found before)
    give who claims a figure inside them."""
    lexicon = _lexicon(ctx.codebook)
    found: list[tuple[Sentence, _Figure]] = []
    last_unit: dict[int, str | None] = {}  # paragraph -> unit of its last figure
    for sentence in ctx.sentences:
        paragraph = ctx.paragraphs[sentence.paragraph]
        if paragraph.bullet and paragraph.text.rstrip()[-1:] not in _END_OF_SENTENCE:
            continue  # link lists and other unpunctuated list items
        for f in _figures(sentence, lexicon, last_unit.get(sentence.paragraph)):
            last_unit[sentence.paragraph] = f.unit
            found.append((sentence, f))
    kept: list[tuple[Sentence, _Figure]] = []
    seen: dict[float, set[str | None]] = {}
    body_first = sorted(found, key=lambda sf: ctx.paragraphs[sf[0].paragraph].heading)  # stable
    for sentence, f in body_first:
        units = seen.setdefault(f.count, set())
        if f.unit in units or (units and (f.unit is None or None in units)):
            continue
        units.add(f.unit)
        kept.append((sentence, f))
    kept.sort(key=lambda sf: sf[0].start + sf[1].start)
    return [_event(ctx, sentence, f, quotes, statements, lexicon) for sentence, f in kept]


def _event(
    ctx: DocContext,
    sentence: Sentence,
    f: _Figure,
    quotes: Sequence[Quote],
    statements: Sequence[Statement],
    lexicon: _Lexicon,
) -> EventFact:
    start, end = sentence.start + f.start, sentence.start + f.end
    return EventFact(
        what=f.what,
        count=f.count,
        unit=f.unit,
        qualifier=f.qualifier,
        place=_place(ctx, sentence, end),
        when=_when(ctx, sentence),
        claimed_by=_claimed_by(ctx, sentence, start, quotes, statements, lexicon),
        start=start,
        end=end,
        extractor=EXTRACTOR,
        confidence=0.8 if f.qualifier is None else 0.7,
    )


def _place(ctx: DocContext, sentence: Sentence, after: int) -> str | None:
    for m in _PLACE.finditer(ctx.text, after, sentence.end):
        name = m.group(1)
        if _TIME.fullmatch(name) or name.split()[0] in _WEEKDAYS:
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


def _claimed_by(
    ctx: DocContext,
    sentence: Sentence,
    offset: int,
    quotes: Sequence[Quote],
    statements: Sequence[Statement],
    lexicon: _Lexicon,
) -> str | None:
    """The party that is the source of the figure at ``offset``."""
    spans: list[Quote | Statement] = [*quotes, *statements]
    for item in spans:
        if item.speaker and item.start <= offset < item.end:
            return ctx.party_of(item.speaker) or item.speaker
    mentions = [m for m in ctx.mentions_in(sentence.start, sentence.end) if m.how != "adjective"]
    for m in _ACCORDING_TO.finditer(ctx.text, sentence.start, sentence.end):
        source = next((x for x in mentions if 0 <= x.start - m.end() <= 30), None)
        if source is not None:
            return ctx.party_of(source.actor) or source.actor
    if lexicon.claims is None:
        return None
    for v in lexicon.claims.finditer(ctx.text, sentence.start, sentence.end):
        if re.match(r"\s+(?:to|of|by)\b", ctx.text[v.end() :]):
            continue  # "put to", "reported by": not the verb of a report
        # the reporting verb's subject, just before it ("Zelensky said", "the ministry's spokesman said"),
        # or just after it when the report comes first ("..., said Umerov")
        subject = next((x for x in reversed(mentions) if 0 <= v.start() - x.end <= 25), None)
        if subject is None and re.search(r"[,\"”]\s*$", ctx.text[sentence.start : v.start()]):
            subject = next((x for x in mentions if 0 <= x.start - v.end() <= 3), None)
        if subject is not None:
            return ctx.party_of(subject.actor) or subject.actor
    return None
