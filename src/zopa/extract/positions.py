"""Positions: which party holds which stance on which codebook issue, with the sentence that shows it.

Extractor ``positions.v1``. All vocabulary comes from the codebook (issue cues, anchor cues, stance cues,
speech verbs); the rules are grammar:

1. A sentence is considered when it has an issue cue and either a stance cue, a speech verb, or a speaker (it
   lies in a quotation or reported statement whose speaker is known). Headings are skipped.
2. Each stance cue is given a holder: a party named right before a nominal cue ("Russia's demands", "the U.S.
   push for"), else the grammatical subject found by walking up the dependency parse from the cue (through
   complement clauses and passives, not out of "if"-clauses, and dropping hypotheticals under can/could/
   might/may). First-person subjects in a quotation are its speaker. A person is mapped to the party they
   speak for at the article's date. Cues whose subject is not an actor ("the opposing side refuses") are
   dropped.
3. Per holder and sentence one position: the strongest stance (threat > reject > demand > offer > accept >
   plan > statement); an offer or acceptance with a condition ("if", "provided that", "in exchange for")
   becomes ``conditional`` with ``conditional_on`` the issue named in the condition, which is also recorded
   as a ``demand``. The issue is the one whose cue lies nearest the stance cue (overlapping cues: the longer
   wins). The issue's ``stance_map`` may re-read the stance (e.g. offering to keep fighting is a threat).
4. ``red_line`` when a red-line cue is in the sentence ("never", "non-negotiable", "red line").
5. ``value`` from the issue's anchor cues in the sentence (not for rejections).
6. A list under a lead-in ("Putin's terms for peace:") or a heading naming an actor and a stance
   ("Russia's demands: ...") gives each list item as a position of that actor with that stance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zopa.codebook import Codebook
from zopa.extract._cues import CueSet
from zopa.extract._cues import trie_regex as _trie_regex
from zopa.extract._nlp import DocContext, Paragraph, Sentence
from zopa.grammar import forms_of
from zopa.records import Mention, Position, Quote, Statement

EXTRACTOR = "positions.v1"
STANCE_ORDER = ("threat", "reject", "demand", "offer", "accept", "plan", "statement")
_RANK = {s: i for i, s in enumerate(STANCE_ORDER)}
_FIRST_PERSON = frozenset({"i", "we", "us", "me", "our", "my"})
_HYPOTHETICAL = frozenset({"can", "could", "might", "may", "ca"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
_CONDITION_MARKS = frozenset({"if", "unless", "when", "whether", "once"})
# Deontic cues: their subject is the one asked to act, not the one asking.
_DEONTIC = re.compile(r"(?:must|should|has to|have to|had to|needs? to|ought to)\b", re.IGNORECASE)
_CLIMB_THROUGH = frozenset(
    {
        "ccomp",
        "xcomp",
        "conj",
        "acomp",
        "oprd",
        "dobj",
        "pobj",
        "prep",
        "attr",
        "amod",
        "acl",
        "relcl",
        "npadvmod",
        "advmod",
        "aux",
        "auxpass",
        "neg",
        "compound",
        "appos",
    }
)
# People nouns after an adjective make it an actor ("Russian officials"); anything else does not ("Russian
# territory"). General English, not domain knowledge.
_PEOPLE_NOUNS = re.compile(
    r"\s+(?:officials?|leaders?|leadership|government|governments|authorities|diplomats?|negotiators?|"
    r"delegation|delegates|side|president|ministers?|ministry|forces|troops|military|army|commanders?|"
    r"envoys?|spokes\w+|administration|capitals|allies|lawmakers|parliament|politicians|counterparts|"
    r"team|state|states|regime|officers?)\b"
)
_NEGATED = re.compile(
    r"\b(?:not|no|never|without|barred|bars?|ban\w*|prevent\w*|block\w*|against|refus\w*|reject\w*|"
    r"oppos\w*|rul\w+ out|n[’']t)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    key: str  # stance or issue id


@dataclass
class CompiledCues:
    """A codebook's cue patterns compiled once (see ``_cues.CueSet``)."""

    catch_all: frozenset[str]
    issues: CueSet
    anchors: dict[str, list[tuple[float, re.Pattern[str]]]]
    stances: CueSet
    conditional: re.Pattern[str] | None
    red_line: re.Pattern[str] | None
    speech: re.Pattern[str] | None
    any_stance: CueSet


def _alternation(patterns: Sequence[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None


_COMPILED: dict[int, tuple[Codebook, CompiledCues]] = {}


def compiled_cues(codebook: Codebook) -> CompiledCues:
    cached = _COMPILED.get(id(codebook))
    if cached is not None and cached[0] is codebook:
        return cached[1]
    anchors = {
        i.id: [(a.value, p) for a in i.anchors if (p := _alternation(a.cues)) is not None]
        for i in codebook.issues
    }
    sc = codebook.grammar.stance_cues
    speech_forms = sorted(forms_of(codebook.grammar.speech_verbs))
    speech = (
        re.compile(r"\b(?:" + _trie_regex(speech_forms) + r")\b", re.IGNORECASE) if speech_forms else None
    )
    cues = CompiledCues(
        catch_all=frozenset(i.id for i in codebook.issues if i.catch_all),
        issues=CueSet((i.id, i.cues) for i in codebook.issues),
        anchors=anchors,
        stances=CueSet((key, getattr(sc, key)) for key in STANCE_ORDER),
        conditional=_alternation(sc.conditional),
        red_line=_alternation(sc.red_line),
        speech=speech,
        any_stance=CueSet(("any", getattr(sc, key)) for key in (*STANCE_ORDER, "conditional", "red_line")),
    )
    _COMPILED[id(codebook)] = (codebook, cues)
    return cues


def may_hold_position(cues: CompiledCues, text: str) -> bool:
    """Whether a sentence can hold a position (an issue cue plus a stance cue or a speech verb)."""
    if not cues.issues.search(text):
        return False
    return bool((cues.speech and cues.speech.search(text)) or cues.any_stance.search(text))


def _issue_hits(cues: CompiledCues, text: str, base: int) -> list[_Hit]:
    hits = [
        _Hit(base + m.start(), base + m.end(), issue)
        for issue, m in cues.issues.finditer(text)
        if m.end() > m.start()
    ]
    hits.sort(key=lambda h: (-(h.end - h.start), h.start))
    kept: list[_Hit] = []
    for h in hits:  # overlapping cues: the longer one wins
        if all(h.end <= k.start or k.end <= h.start for k in kept):
            kept.append(h)
    if any(h.key not in cues.catch_all for h in kept):
        kept = [h for h in kept if h.key not in cues.catch_all]
    return sorted(kept, key=lambda h: h.start)


def _stance_hits(cues: CompiledCues, text: str, base: int) -> list[_Hit]:
    hits = [
        _Hit(base + m.start(), base + m.end(), stance)
        for stance, m in cues.stances.finditer(text)
        if m.end() > m.start()
    ]
    hits.sort(key=lambda h: (h.start, _RANK[h.key]))
    kept: list[_Hit] = []
    stretch_end = -1
    for h in hits:  # one stance per stretch of overlapping cues: "would not accept" is a rejection only
        if kept and h.start < stretch_end:
            if _RANK[h.key] < _RANK[kept[-1].key]:
                kept[-1] = h
            stretch_end = max(stretch_end, h.end)
            continue
        kept.append(h)
        stretch_end = h.end
    return kept


def _nearest_issue(issues: list[_Hit], at: _Hit, *, exclude: str | None = None) -> _Hit | None:
    best: tuple[int, _Hit] | None = None
    for h in issues:
        if h.key == exclude:
            continue
        distance = (
            h.start - at.end if h.start >= at.end else (at.start - h.end) * 2 + 1
        )  # prefer what follows
        distance = max(distance, 0)
        if best is None or distance < best[0]:
            best = (distance, h)
    return best[1] if best else None


class _SentenceReader:
    """Holders of stance cues in one sentence, from mentions and the dependency parse."""

    def __init__(self, ctx: DocContext, sentence: Sentence, speaker: str | None) -> None:
        self.ctx = ctx
        self.sentence = sentence
        self.speaker = speaker
        self.mentions = [m for m in ctx.mentions_in(sentence.start, sentence.end) if self._counts(m)]
        self._doc: Any = None
        self.reporter: str | None = None  # set by subject_holder: a person reporting the holder's stance

    def _counts(self, m: Mention) -> bool:
        if m.how != "adjective":
            return True
        return bool(_PEOPLE_NOUNS.match(self.ctx.text, m.end, self.sentence.end))

    @property
    def doc(self) -> Any:
        if self._doc is None:
            self._doc = self.ctx.doc(self.sentence.index)
        return self._doc

    def party(self, actor: str | None) -> str | None:
        return self.ctx.party_of(actor)

    def _token_at(self, offset: int) -> Any:
        base = self.sentence.start
        for t in self.doc:
            if base + t.idx + len(t.text) > offset:
                return t
        return None

    def nominal_holder(self, hit: _Hit) -> Mention | None:
        """ "Russia's demands", "the U.S. push for": a party that modifies the cue noun."""
        token = self._token_at(hit.start)
        if token is None or token.dep_ in {
            "ROOT",
            "aux",
            "auxpass",
            "conj",
            "xcomp",
            "ccomp",
            "advcl",
            "relcl",
        }:
            return None
        base = self.sentence.start
        for child in token.children:
            if child.dep_ not in {"poss", "compound", "amod", "nmod"} or child.i > token.i:
                continue
            left = base + min(t.idx for t in child.subtree)
            right = base + max(t.idx + len(t.text) for t in child.subtree)
            for m in self.ctx.mentions_in(left, right):
                if self.party(m.actor) is not None:
                    return m
        return None

    def _mention_in(self, start: int, end: int, head_start: int) -> Mention | None:
        inside = [m for m in self.mentions if m.start >= start and m.end <= end]
        if not inside:
            return None
        covering = [m for m in inside if m.start <= head_start < m.end]
        return covering[0] if covering else inside[0]

    def _person_above(self, token: Any) -> str | None:
        """A person who is the subject of a verb above ``token`` ("X said the union was willing ...")."""
        base = self.sentence.start
        for _ in range(10):
            for c in token.children:
                if c.dep_ in _SUBJECT_DEPS:
                    left = min(t.idx for t in c.subtree)
                    right = max(t.idx + len(t.text) for t in c.subtree)
                    mention = self._mention_in(base + left, base + right, base + c.idx)
                    if mention is not None and self.ctx.is_person(mention.actor):
                        return mention.actor
            if token.head.i == token.i:
                return None
            token = token.head
        return None

    def subject_holder(self, hit: _Hit) -> tuple[str, str | None] | None:
        """('actor', id) for the cue's holder, ('none', None) when its subject is not an actor, or None.

        Walks up the parse from the cue to the first verb with a subject. A deontic cue ("must", "should")
        names what its subject is to do, so that subject is the target: the holder is the subject of the
        verb above ("Russia said Sudan must return ..." -> Russia) or the speaker.
        """
        token = self._token_at(hit.start)
        if token is None:
            return None
        if token.dep_ == "mark" and token.head.dep_ == "advcl":
            token = token.head.head  # "..., unless/if ...": the cue qualifies the main clause
        skip_subject = _DEONTIC.match(self.ctx.text, hit.start, hit.end) is not None
        threat = hit.key == "threat"
        base = self.sentence.start
        for _ in range(10):
            hypothetical = any(
                c.dep_ in {"aux", "auxpass"} and c.text.lower() in _HYPOTHETICAL for c in token.children
            )
            if hypothetical and not threat and not any(c.dep_ == "neg" for c in token.children):
                return ("none", None)
            if token.dep_ in {"advcl", "ccomp"} and any(
                c.dep_ == "mark" and c.text.lower() in _CONDITION_MARKS for c in token.children
            ):
                return ("none", None)  # a cue inside an if/unless/whether clause is not the holder's stance
            subjects = [c for c in token.children if c.dep_ in _SUBJECT_DEPS]
            if subjects and skip_subject:
                skip_subject = False
            elif subjects:
                subj = subjects[0]
                left = min(t.idx for t in subj.subtree)
                right = max(t.idx + len(t.text) for t in subj.subtree)
                if subj.text.lower() in _FIRST_PERSON and self.speaker is not None:
                    return ("actor", self.speaker)
                mention = self._mention_in(base + left, base + right, base + subj.idx)
                if (
                    mention is not None
                    and token.dep_ in {"ccomp", "xcomp"}
                    and any(
                        c.dep_ in {"aux", "auxpass"} and c.text.lower() in _HYPOTHETICAL
                        for c in token.head.children
                    )
                ):
                    return ("none", None)  # "he can't make Putin accept ...": a hypothetical about another
                if mention is not None:
                    self.reporter = None if token.head.i == token.i else self._person_above(token.head)
                    return ("actor", mention.actor)
                if subj.dep_ != "nsubjpass" and token.dep_ not in {"ccomp", "xcomp", "relcl", "acl"}:
                    return ("none", None)
            if token.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.text.lower() in _CONDITION_MARKS for c in token.children
            ):
                return ("none", None)
            if token.head.i == token.i:
                return None
            token = token.head
        return None


@dataclass
class _Claim:
    party: str
    speaker: str | None
    stance: str
    cue: _Hit
    confidence: float


def _governors(token: Any) -> set[int]:
    """Indices of the tokens above ``token`` up to a coordination: "never recognise X and called for Y" has
    two coordinated stances, neither under the other."""
    out: set[int] = set()
    while token is not None and token.head.i != token.i:
        if token.dep_ == "conj":
            break
        token = token.head
        out.add(token.i)
    return out


def _main_claims(reader: _SentenceReader, claims: list[_Claim]) -> list[_Claim]:
    """Drop a party's cues that sit under another of its cues ("conceded to demands": conceded); lower the
    confidence of cues embedded under another party's cue ("Greece demanded that its partners refuse")."""
    if len(claims) < 2:
        return claims
    tokens = [reader._token_at(c.cue.start) for c in claims]
    # an auxiliary or negation belongs to its verb: "would not agree" is one verb group, not two levels
    tokens = [t.head if t is not None and t.dep_ in {"aux", "auxpass", "neg"} else t for t in tokens]
    out: list[_Claim] = []
    for i, claim in enumerate(claims):
        token = tokens[i]
        ancestors = _governors(token)
        above = [j for j, t in enumerate(tokens) if j != i and t is not None and t.i in ancestors]
        above = [j for j in above if claims[j].stance != "statement"]  # a reporting frame, not a stance
        if any(claims[j].party == claim.party for j in above):
            continue
        if above:
            claim = _Claim(
                claim.party, claim.speaker, claim.stance, claim.cue, round(claim.confidence - 0.15, 3)
            )
        out.append(claim)
    return out


def _speaker_spans(items: Sequence[Quote] | Sequence[Statement]) -> list[tuple[int, int, str]]:
    return [(q.start, q.end, q.speaker) for q in items if q.speaker]


def _speaker_for(sentence: Sentence, spans: list[tuple[int, int, str]]) -> str | None:
    best: tuple[int, str] | None = None
    for start, end, speaker in spans:
        overlap = min(end, sentence.end) - max(start, sentence.start)
        covers = overlap > 0 and overlap * 2 >= min(end - start, sentence.end - sentence.start)
        if covers and (best is None or overlap > best[0]):
            best = (overlap, speaker)
    return best[1] if best else None


def _value(cues: CompiledCues, issue: str, text: str, stance: str) -> float | None:
    if stance == "reject":
        return None
    values = set()
    for value, pattern in cues.anchors.get(issue, ()):
        for m in pattern.finditer(text):
            if not _NEGATED.search(text, max(0, m.start() - 30), m.start()):
                values.add(value)  # "barred from joining NATO" does not put the speaker at "joins NATO"
    return values.pop() if len(values) == 1 else None


def _list_context(
    ctx: DocContext, paragraph: Paragraph, cues: CompiledCues
) -> tuple[str, str, str | None] | None:
    """For a list item: (party, stance, speaker) from the lead-in paragraph (or the heading above it)."""
    p = paragraph.index - 1
    while p >= 0 and ctx.paragraphs[p].bullet:
        p -= 1
    if p < 0 or not ctx.paragraphs[p].lead_in:
        return None
    lead = ctx.paragraphs[p]
    sources = [lead] + ([ctx.paragraphs[p - 1]] if p >= 1 and ctx.paragraphs[p - 1].heading else [])
    party = speaker = stance = None
    for source in sources:
        for m in ctx.mentions_in(source.start, source.end):
            got = ctx.party_of(m.actor)
            if got is not None and party is None:
                party, speaker = got, (m.actor if ctx.is_person(m.actor) else None)
        for key in cues.stances.keys:
            if stance is None and cues.stances.pattern_matches(key, source.text):
                stance = key
    if party is None or stance is None:
        return None
    return party, stance, speaker


def find_positions(
    ctx: DocContext, quotes: Sequence[Quote] = (), statements: Sequence[Statement] = ()
) -> list[Position]:
    """Positions in the article (see the module docstring for the rules)."""
    cues = compiled_cues(ctx.codebook)
    quoted = _speaker_spans(quotes)
    reported = _speaker_spans(statements)
    out: list[Position] = []
    for sentence in ctx.sentences:
        paragraph = ctx.paragraphs[sentence.paragraph]
        if paragraph.heading or not (paragraph.bullet or sentence.index in ctx.candidates):
            continue  # a position needs cues that make a sentence a candidate (list items: their lead-in)
        issues = _issue_hits(cues, sentence.text, sentence.start)
        if not issues:
            continue
        if paragraph.bullet:
            listed = _list_context(ctx, paragraph, cues)
            if listed is not None:
                out.append(_list_position(ctx, cues, sentence, issues, *listed))
                continue
        speaker = _speaker_for(sentence, quoted)
        reporter = speaker or _speaker_for(sentence, reported)
        out.extend(_sentence_positions(ctx, cues, sentence, issues, speaker, reporter))
    return out


def _list_position(
    ctx: DocContext,
    cues: CompiledCues,
    sentence: Sentence,
    issues: list[_Hit],
    party: str,
    stance: str,
    speaker: str | None,
) -> Position:
    issue = issues[0].key
    stance = ctx.codebook.issue_by_id[issue].stance_map.get(stance, stance)
    return Position(
        actor=party,
        issue=issue,
        stance=stance,
        value=_value(cues, issue, sentence.text, stance),
        red_line=bool(cues.red_line and cues.red_line.search(sentence.text)),
        speaker=speaker,
        evidence=sentence.text,
        start=sentence.start,
        end=sentence.end,
        extractor=EXTRACTOR,
        confidence=0.75,
    )


def _sentence_positions(
    ctx: DocContext,
    cues: CompiledCues,
    sentence: Sentence,
    issues: list[_Hit],
    speaker: str | None,
    reporter: str | None,
) -> list[Position]:
    """Positions in one sentence; ``speaker``: of a quotation it lies in, ``reporter``: of reported speech."""
    stance_hits = _stance_hits(cues, sentence.text, sentence.start)
    if not stance_hits and speaker is None:
        return []
    reader = _SentenceReader(ctx, sentence, ctx.party_of(speaker) and speaker)
    claims: list[_Claim] = []
    for hit in stance_hits:
        nominal = reader.nominal_holder(hit)
        if nominal is not None and hit.key != "statement":
            party = reader.party(nominal.actor)
            if party is not None:
                person = nominal.actor if ctx.is_person(nominal.actor) else None
                claims.append(_Claim(party, person, hit.key, hit, 0.7))
                continue
        found = reader.subject_holder(hit)
        if found is None:
            if reporter is not None and reader.party(reporter) is not None:
                claims.append(_Claim(reader.party(reporter) or "", reporter, hit.key, hit, 0.6))
            continue
        kind, actor = found
        if kind == "actor" and actor is not None:
            party = reader.party(actor)
            if party is not None:
                person = actor if ctx.is_person(actor) else (reader.reporter or speaker)
                if person is not None and ctx.party_of(person) != party:
                    person = None  # a reporter from another side is not this party's speaker
                claims.append(_Claim(party, person, hit.key, hit, 0.8))
    if not claims and speaker is not None and reader.party(speaker) is not None:
        claims.append(_Claim(reader.party(speaker) or "", speaker, "statement", issues[0], 0.5))
    claims = _main_claims(reader, claims)
    by_party: dict[str, list[_Claim]] = {}
    for claim in claims:
        by_party.setdefault(claim.party, []).append(claim)
    conditional = [m for m in cues.conditional.finditer(sentence.text)] if cues.conditional else []
    red_line = bool(cues.red_line and cues.red_line.search(sentence.text))
    out: list[Position] = []
    groups: list[tuple[str, _Claim, _Hit]] = []
    for party, party_claims in by_party.items():
        if any(c.stance != "statement" for c in party_claims):
            party_claims = [c for c in party_claims if c.stance != "statement"]  # a frame, not a stance
        by_issue: dict[str, list[tuple[_Claim, _Hit]]] = {}
        for claim in party_claims:
            nearest = _nearest_issue(issues, claim.cue)
            if nearest is not None:
                by_issue.setdefault(nearest.key, []).append((claim, nearest))
        for pairs in by_issue.values():  # per party and issue, the strongest stance
            claim, hit = min(pairs, key=lambda ch: (_RANK[ch[0].stance], ch[0].cue.start))
            groups.append((party, claim, hit))
    taken: set[tuple[str, str]] = set()
    for party, best, issue_hit in groups:
        stance = best.stance
        conditional_on: str | None = None
        extra: Position | None = None
        if stance in {"offer", "accept"} and conditional:
            cond_start = sentence.start + conditional[0].start()
            after = [h for h in issues if h.start >= cond_start and h.key != issue_hit.key]
            before = [h for h in issues if h.start < cond_start]
            if before and after:
                main = _nearest_issue(before, best.cue) or issue_hit
                issue_hit = main
                conditional_on = after[0].key
                stance = "conditional"
        issue = issue_hit.key
        if (party, issue) in taken:
            continue
        taken.add((party, issue))
        stance = ctx.codebook.issue_by_id[issue].stance_map.get(stance, stance)
        if conditional_on is not None:
            extra = Position(
                actor=party,
                issue=conditional_on,
                stance="demand",
                value=_value(cues, conditional_on, sentence.text, "demand"),
                red_line=False,
                speaker=best.speaker,
                evidence=sentence.text,
                start=sentence.start,
                end=sentence.end,
                extractor=EXTRACTOR,
                confidence=round(best.confidence * 0.8, 3),
            )
        out.append(
            Position(
                actor=party,
                issue=issue,
                stance=stance,
                value=_value(cues, issue, sentence.text, stance),
                conditional_on=conditional_on,
                red_line=red_line,
                speaker=best.speaker,
                evidence=sentence.text,
                start=sentence.start,
                end=sentence.end,
                extractor=EXTRACTOR,
                confidence=best.confidence,
            )
        )
        if extra is not None:
            out.append(extra)
    unique: dict[tuple[str, str, str], Position] = {}
    for position in out:
        unique.setdefault((position.actor, position.issue, position.stance), position)
    return list(unique.values())
