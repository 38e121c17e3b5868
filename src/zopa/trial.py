"""What a codebook finds in one sentence or paragraph: ``zopa codebook try`` for people writing a codebook.

:func:`try_text` runs the real extraction (:func:`zopa.extract.extract`) on the text as an article of the
given date and reports each item with what made it: actors with how they were resolved (alias, dated title,
metonym, adjective, named entity, pronoun) and the party they count for on that date; quotes and reported
speech with their speakers; positions with holder, stance, issue, point, rejected point, condition and red
line, and the phrases that fired; event figures.

The extractor records a position's stance, not the words behind it; the phrases shown are found again in the
sentence: the cue of that stance (or of one the issue's ``stance_map`` turns into it) nearest the holder's
name, the issue cue nearest that, the anchor or measure that gives the point, the red-line and condition
cues.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from zopa.codebook import Codebook
from zopa.extract import extract
from zopa.extract.actors import ActorResolver
from zopa.extract.positions import compiled_cues
from zopa.grammar import forms_of
from zopa.records import Article, Evidence, Mention, Position, _Record

# Stance cues that can stand behind each stance as the extractor reports it: negation turns a demand, offer,
# acceptance or plan into a rejection; a condition turns an offer, acceptance, plan or statement into a
# conditional offer.
_BEHIND = {
    "reject": ("reject", "demand", "offer", "accept", "plan"),
    "accept": ("accept", "reject"),
    "conditional": ("offer", "accept", "plan", "statement"),
    "threat": ("threat", "plan", "statement"),
}

_Span = tuple[int, int, str]  # start, end, text in a sentence
_VERBAL = frozenset({"ROOT", "ccomp", "xcomp", "conj", "advcl", "relcl", "parataxis", "acl", "pcomp"})
_HOW = {"alias": "name or alias", "metonym": "metonym", "adjective": "adjective before a people noun"}


@dataclass(frozen=True, slots=True, kw_only=True)
class TrialActor(_Record):
    text: str
    start: int
    end: int
    actor: str  # codebook id or "ner:<Name>"
    name: str
    how: str  # alias | title | metonym | adjective | ner | pronoun
    party: str | None  # the party it counts for on the date (None: none then)
    detail: str  # how it was resolved, in words


@dataclass(frozen=True, slots=True, kw_only=True)
class TrialQuote(_Record):
    kind: str  # direct | block | partial | reported (reported speech)
    speaker: str | None
    speaker_name: str | None
    party: str | None
    text: str
    cue: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TrialPosition(_Record):
    holder: str  # the party
    holder_name: str
    speaker: str | None
    stance: str
    issue: str
    value: float | None
    rejected_value: float | None
    conditional_on: str | None
    red_line: bool
    cue: str | None  # the stance phrase
    issue_cue: str | None
    point_cue: str | None  # the anchor or measure words that gave the point
    red_line_cue: str | None
    condition_cue: str | None
    confidence: float
    sentence: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TrialEvent(_Record):
    count: float | None
    what: str
    unit: str | None
    place: str | None
    when: str | None
    claimed_by: str | None
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TrialCue(_Record):
    """A codebook or grammar pattern that matches in the text, whether or not an item came of it."""

    kind: str  # issue | anchor | measure | stance | red_line | conditional
    key: str  # the issue id ("issue=value" for an anchor), or the stance
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Trial(_Record):
    """Everything one text yields with one codebook, and why."""

    codebook: str
    date: date | None
    text: str
    actors: tuple[TrialActor, ...]
    quotes: tuple[TrialQuote, ...]
    positions: tuple[TrialPosition, ...]
    events: tuple[TrialEvent, ...]
    cues: tuple[TrialCue, ...]  # every pattern that matches, for finding out why an item is missing
    extractors: dict[str, str]


def try_text(codebook: Codebook, text: str, *, day: date | None = None) -> Trial:
    """Run extraction on ``text`` (an article published on ``day``) and explain each item."""
    text = text.strip()
    published = datetime(day.year, day.month, day.day) if day is not None else None
    article = Article(source="<try>", title="", text=text, raw=text, published=published)
    evidence = extract(article, codebook)
    resolver = ActorResolver.for_codebook(codebook, day)
    return Trial(
        codebook=codebook.name,
        date=day,
        text=text,
        actors=tuple(_actor(codebook, resolver, m, day) for m in evidence.mentions),
        quotes=_quotes(codebook, evidence, day),
        positions=tuple(_position(codebook, evidence, p, day) for p in evidence.positions),
        events=tuple(
            TrialEvent(
                count=e.count, what=e.what, unit=e.unit, place=e.place, when=e.when, claimed_by=e.claimed_by,
                text=text[e.start : e.end],
            )
            for e in evidence.events
        ),
        cues=_cues_in(codebook, text),
        extractors=dict(evidence.extractors),
    )


def _cues_in(codebook: Codebook, text: str) -> tuple[TrialCue, ...]:
    cues = compiled_cues(codebook)
    found = [("issue", key, m) for key, m in cues.issues.finditer(text)]
    for issue, anchors in cues.anchors.items():
        found += [("anchor", f"{issue}={v:g}", m) for v, pattern in anchors for m in pattern.finditer(text)]
    for issue, (_, pattern) in cues.measures.items():
        found += [("measure", issue, m) for m in pattern.finditer(text)]
    found += [("stance", key, m) for key, m in cues.stances.finditer(text)]
    for kind, optional in (("red_line", cues.red_line), ("conditional", cues.conditional)):
        found += [(kind, kind, m) for m in (optional.finditer(text) if optional is not None else ())]
    out = {  # two patterns of one issue on the same words: once
        (m.start(), m.end(), kind, key): TrialCue(
            kind=kind, key=key, text=m.group(), start=m.start(), end=m.end()
        )
        for kind, key, m in found
        if m.end() > m.start()
    }
    return tuple(out[k] for k in sorted(out))


def _name(codebook: Codebook, actor: str | None) -> str | None:
    if actor is None:
        return None
    known = codebook.actor_by_id.get(actor)
    return known.name if known is not None else actor.removeprefix("ner:")


def _party(codebook: Codebook, actor: str | None, day: date | None) -> str | None:
    known = codebook.actor_by_id.get(actor or "")
    return known.party_on(day) if known is not None else None


def _actor(codebook: Codebook, resolver: ActorResolver, m: Mention, day: date | None) -> TrialActor:
    party = _party(codebook, m.actor, day)
    if m.how == "title":
        form = resolver.lookup_form(m.text)
        when = form.when if form is not None else None
        span = f" ({when.start or '…'} to {when.end or '…'})" if when is not None else ""
        detail = f"title of {_name(codebook, m.actor)} on this date{span}"
    elif m.how == "ner":
        detail = "a name the codebook does not know (named entity); no party unless one is named with it"
    elif m.how == "pronoun":
        detail = f"he/she: the person named last ({_name(codebook, m.actor)})"
    else:
        detail = _HOW.get(m.how, m.how)
    if party is not None and party != m.actor:
        detail += f"; speaks for {_name(codebook, party)}"
    elif party is None and m.actor in codebook.actor_by_id:
        detail += "; speaks for no party on this date"
    return TrialActor(
        text=m.text, start=m.start, end=m.end, actor=m.actor, name=_name(codebook, m.actor) or m.actor,
        how=m.how, party=party, detail=detail,
    )


def _quotes(codebook: Codebook, evidence: Evidence, day: date | None) -> tuple[TrialQuote, ...]:
    out = [
        TrialQuote(
            kind=q.kind, speaker=q.speaker, speaker_name=_name(codebook, q.speaker),
            party=_party(codebook, q.speaker, day), text=q.text, cue=q.cue,
        )
        for q in evidence.quotes
    ]
    out.extend(
        TrialQuote(
            kind="reported", speaker=s.speaker, speaker_name=_name(codebook, s.speaker),
            party=_party(codebook, s.speaker, day), text=s.text, cue=s.cue,
        )
        for s in evidence.statements
    )
    return tuple(out)


def _nearest(spans: Iterable[_Span], to: int) -> _Span | None:
    """The span closest to offset ``to`` (one starting after it wins a tie)."""
    best = sorted(spans, key=lambda s: (abs(s[0] - to), s[0] < to))
    return best[0] if best else None


def _matches(pattern: re.Pattern[str] | None, text: str) -> list[_Span]:
    if pattern is None:
        return []
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(text) if m.end() > m.start()]


_FUTURE = re.compile(r"\b(?:will|would|shall|won[’']t|wo not)\s+(?:not\s+)?(?:be\s+)?[\w-]+", re.IGNORECASE)


def _stance_phrase(codebook: Codebook, p: Position, sentence: str, holder: int) -> _Span | None:
    """The words behind a position's stance, nearest after the holder's name (``holder``): a stance cue of
    it (or of one that negation, a condition or the issue's stance_map turn into it), else the nearest
    action verb ("will be lowered"), future ("will fight") or reporting verb; before the name only if none
    follows it."""
    cues = compiled_cues(codebook)
    issue = codebook.issue_by_id[p.issue]
    behind = {*_BEHIND.get(p.stance, (p.stance,)), *(k for k, v in issue.stance_map.items() if v == p.stance)}
    kinds = [[(m.start(), m.end(), m.group()) for k, m in cues.stances.finditer(sentence) if k in behind]]
    if p.stance in {"accept", "plan", "reject", "conditional", "threat"}:
        # a verb of the sentence's parse (the extractor's own test), not the noun "imports"
        from zopa.extract._nlp import load_nlp

        actions = forms_of((*codebook.grammar.concession_verbs, *codebook.grammar.escalation_verbs))
        parse = load_nlp()(sentence)
        kinds.append(
            [(t.idx, t.idx + len(t.text), t.text) for t in parse if t.lower_ in actions and t.dep_ in _VERBAL]
        )
    if p.stance in {"plan", "threat", "conditional"}:
        kinds.append(_matches(_FUTURE, sentence))
    if p.stance in {"statement", "conditional", "threat"}:
        kinds.append(_matches(cues.speech, sentence))
    # a cue of the stance first; else the nearest of the other kinds of words
    for spans in (kinds[0], [s for other in kinds[1:] for s in other]):
        after = [s for s in spans if s[0] >= holder]
        if after:
            return _nearest(after, holder)
    return next((_nearest(spans, holder) for spans in kinds if spans), None)


def _position(codebook: Codebook, evidence: Evidence, p: Position, day: date | None) -> TrialPosition:
    cues = compiled_cues(codebook)
    sentence = p.evidence
    # where the holder is named in the sentence: its own mentions, its people's, or the speaker's
    holder_at = [
        m.start - p.start
        for m in evidence.mentions
        if p.start <= m.start < p.end and (m.actor == p.speaker or _party(codebook, m.actor, day) == p.actor)
    ]
    anchor = holder_at[0] if holder_at else 0
    cue = _stance_phrase(codebook, p, sentence, anchor)
    at = cue[0] if cue is not None else anchor
    issue_spans = [(m.start(), m.end(), m.group()) for k, m in cues.issues.finditer(sentence) if k == p.issue]
    issue_cue = _nearest(issue_spans, at)
    point_cue = None
    point = p.value if p.value is not None else p.rejected_value
    if point is not None:
        measure = cues.measures.get(p.issue)
        spans = _matches(measure[1], sentence) if measure is not None else []
        for value, pattern in cues.anchors.get(p.issue, ()):
            if value == point or 100.0 - value == point:
                spans += _matches(pattern, sentence)
        found = _nearest(spans, at)
        point_cue = found[2] if found is not None else None
    red = _nearest(_matches(cues.red_line, sentence), at) if p.red_line else None
    conditioned = p.stance in {"conditional", "threat"} or p.conditional_on is not None
    condition = _nearest(_matches(cues.conditional, sentence), at) if conditioned else None
    return TrialPosition(
        holder=p.actor,
        holder_name=_name(codebook, p.actor) or p.actor,
        speaker=p.speaker,
        stance=p.stance,
        issue=p.issue,
        value=p.value,
        rejected_value=p.rejected_value,
        conditional_on=p.conditional_on,
        red_line=p.red_line,
        cue=cue[2] if cue is not None else None,
        issue_cue=issue_cue[2] if issue_cue is not None else None,
        point_cue=point_cue,
        red_line_cue=red[2] if red is not None else None,
        condition_cue=condition[2] if condition is not None else None,
        confidence=p.confidence,
        sentence=sentence,
    )
