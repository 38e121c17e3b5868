"""Positions: who holds which point on which issue, read clause by clause (extractor ``positions.v2``).

A position is a clause: a holder, a stance, its polarity and modality, the issues in its scope and the points
its words imply. All vocabulary comes from the codebook (issue cues, anchors, measures) and its grammar
(stance cues, speech verbs, negators, hedges, conditional markers); the rules below are English grammar, read
off spaCy's dependency parse of the candidate sentences.

1. **Predicates.** Each stance cue in a sentence that names an issue is a predicate (its word in the parse: a
   verb, an adjective such as "ready", or a noun such as "demand"; an auxiliary cue such as "must" or "would
   not" stands for its verb). So is a reporting verb ("said", "told") with a complement, which makes a
   *statement*, and a future action ("will cut", "would postpone") with an actor as subject, a *plan*.
2. **Holder.** The party of the subject of the predicate's clause, found by walking up the parse: through
   complement clauses to the reporting verb whose content they are, never out of an if/unless clause. A
   deontic clause ("Kyiv must pull back") names the one asked to act, so its holder is the one who says it
   (the subject of the reporting verb above, or the speaker of the quotation it lies in). First-person
   subjects in a quotation are its speaker; "the two sides" are the article's two leading parties; a
   possessor holds a nominal cue ("Russia's demand"); a passive's agent holds its verb. A noun cue that is the
   object of another stance ("rejected Kyiv's demand for X") is that stance's content: the outer holder
   rejects X; the party named as the noun's owner is only *reported* to hold it (confidence 0.5), never the
   outer holder's own position. A person counts for the party they speak for at the article's date; a news
   agency, an outlet, a city or a document is never a holder unless the codebook makes it a party (or NER
   ties it to one).
3. **Scope.** The clause the predicate heads (for a predicate adjective, its copular clause), minus the
   clauses inside it that another holder states and minus its condition. Each issue cued in the scope gets a
   position (a catch-all issue only when no other is cued).
4. **Polarity and modality.** Negation turns an offer, acceptance, demand or plan into a rejection and a
   rejection into an acceptance ("not against"); hypotheticals and hedges ("may be willing", "could
   consider", "reportedly") are not positions (threats excepted: a threat is conditional by nature).
5. **Conditions.** An "if", "provided that", "as soon as", "in exchange for", "only after" clause attached to
   the predicate is its condition: the issues it names become the holder's demands, the offer becomes
   ``conditional`` with ``conditional_on`` the condition's issue; a threat keeps its stance and gains the
   condition ("unless X, we will impose ...").
6. **Points.** ``value`` from the issue's anchor cues and measure (a number with its unit) in the scope:
   the holder's point for a demand, offer, acceptance or plan, the threatened outcome for a threat; for a
   rejection the point goes to ``rejected_value``. A negated anchor at one end of the scale ("not join
   NATO") is the other end. ``red_line`` when a red-line cue lies in the holder's own clause.
7. Per holder and issue in a sentence one position: the strongest stance (threat > reject > demand >
   conditional > offer > accept > plan > statement); the issue's ``stance_map`` may re-read it.
8. A list under a lead-in ("Putin's terms for peace:") gives each item as a position of the lead-in's
   party with its stance.
9. **Threatened outcomes.** A threat on a no-deal issue whose words name no outcome ("we will reach our
   goals on the battlefield") threatens the outcome the holder's own points in the article imply: the
   no-deal anchor whose ``implies`` lie nearest the holder's values on those issues. A holder with no such
   values there keeps no value.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from zopa.codebook import Codebook, Measure
from zopa.extract._attribution import attributor_for
from zopa.extract._cues import CueSet
from zopa.extract._cues import trie_regex as _trie_regex
from zopa.extract._nlp import DocContext, Paragraph, Sentence
from zopa.grammar import forms_of
from zopa.records import Mention, Position, Quote, Statement

EXTRACTOR = "positions.v2"
_PLAIN_STANCES = frozenset({"demand", "offer", "accept", "plan", "conditional", "reject"})
_EXAMPLE_PREPS = frozenset({"like", "including", "as"})  # "as" of "such as"
REPORTED = False
STANCE_ORDER = ("threat", "reject", "demand", "conditional", "offer", "accept", "plan", "statement")
_RANK = {s: i for i, s in enumerate(STANCE_ORDER)}
_CUE_STANCES = ("threat", "reject", "demand", "offer", "accept", "plan", "statement")
_FIRST_PERSON = frozenset({"i", "we", "us", "me", "our", "my", "ours"})
_HYPOTHETICAL = frozenset({"can", "could", "might", "may", "ca"})
_FINITE_TAGS = frozenset({"VBZ", "VBP", "VBD", "MD"})
_NOUN_PHRASE_STARTS = frozenset({"DT", "NNP", "NNPS", "NN", "NNS", "PRP", "PRP$", "JJ", "CD"})
_FUTURE = frozenset({"will", "would", "shall", "'ll", "’ll", "wo"})
# Words that open a topic phrase ("Regarding X,", "Reacting to X,", "In response to X,")
_TOPIC_OPENERS = frozenset(
    {"regarding", "concerning", "on", "as", "asked", "about", "turning", "reacting", "responding"}
    | {"commenting", "replying", "in", "with"}
)
_TOPIC_SECOND = {
    "as": {"for", "to"},
    "in": {"response", "reply", "reaction", "regard"},
    "with": {"regard", "respect"},
}
_LIKENESS = frozenset({"style", "like", "type"})  # "a NATO-style guarantee": like NATO's
# Prepositions that take a stance noun's object ("frustration with X", "support for X")
_NOUN_PREPS = frozenset({"with", "over", "about", "to", "for", "of", "on", "against", "at", "toward"})
# Time frames ("after the talks", "after a truce"): when the stance holds, not what it is about
_TIME_PREPS = frozenset({"after", "following", "before", "during", "since", "amid", "ahead"})
_HISTORY = frozenset({"previously", "earlier", "formerly", "once", "originally"})
_DEONTIC_AUX = frozenset({"must", "should"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
_PROHIBITING = frozenset({"must", "should"})  # "must not join": the negation is what is demanded
_TELLING = frozenset({"told", "asked", "instructed", "advised", "ordered", "warned", "invited"})
# Dependencies through which a predicate's word stands for its clause: "ready" (acomp) for "is ready to",
# "must" (aux) for its verb, "non-negotiable" (acomp) for "is non-negotiable".
_TO_CLAUSE = frozenset({"aux", "auxpass", "neg", "acomp", "attr", "oprd", "prt", "advmod", "mark", "amod"})
_VERBAL = frozenset(
    {"ROOT", "ccomp", "xcomp", "conj", "advcl", "relcl", "parataxis", "acl", "pcomp", "csubj", "dep"}
)
_NOMINAL = frozenset(
    {"nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "conj", "npadvmod", "ROOT", "dep"}
)
_HAVE_BE = frozenset({"has", "have", "had", "is", "are", "was", "were"})
_LEAVING = frozenset({"from", "of", "out", "away"})  # what a halting verb leaves: "out of", "away from"
_NECESSITY = frozenset({"has", "have", "had", "having", "need", "needs", "needed"})
_OBJECT_DEPS = frozenset({"dobj", "pobj", "attr", "oprd", "nsubjpass"})
_RELATIVE = frozenset({"that", "which", "who", "whom"})
_POSSESSIVE_PRONOUNS = frozenset({"its", "their", "his", "her"})
_SUBJECT_PRONOUNS = frozenset({"it", "they", "he", "she"})
# "the two sides", "both countries": the negotiation's two leading parties.
_BOTH_SIDES = re.compile(
    r"\b(?:the\s+)?(?:two|both)\s+(?:sides|countries|nations|parties|governments|leaders|delegations|"
    r"powers|economies|presidents|capitals)\b|^both$",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(\s*(?:thousand|million|billion|bn|mn|m)\b)?",
    re.IGNORECASE,
)
_NEXT_WORDS = re.compile(r"\s+([\w-]+)(?:\s+([\w-]+))?")
_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
_PERCENT = re.compile(r"\s?(?:%|per ?cent)", re.IGNORECASE)
_POINT_REACHED = re.compile(r"\b(?:to|at)\s+(?:\w+\s+)?$")
_LAST_WORDS = re.compile(r"(?:\w+\s+){0,2}\w+$")
_SCALE = {"thousand": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9}


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
    measures: dict[str, tuple[Measure, re.Pattern[str]]]
    stances: CueSet
    conditional: re.Pattern[str] | None
    red_line: re.Pattern[str] | None
    negators: re.Pattern[str] | None
    hedges: re.Pattern[str] | None
    speech: re.Pattern[str] | None
    speech_forms: frozenset[str]  # single-word forms of the speech verbs
    any_stance: CueSet
    no_deal_affects: dict[str, frozenset[str]]  # no-deal issue -> the issues its outcomes are about
    body_nouns: re.Pattern[str]  # "Russian officials": the adjective speaks for its party
    body_words: frozenset[str]
    document_words: frozenset[str]  # "plan", "statement": their owner holds what they say
    speech_noun_words: frozenset[str]  # "comment", "assessment": what is said, not what is offered
    action_lemmas: dict[str, str]  # word form -> "concession" | "escalation" | "halting"
    actions: re.Pattern[str] | None  # any form of those verbs
    object_demand_forms: frozenset[str]  # "claim": a demand when its object is a thing
    object_plan_forms: frozenset[str]  # "announce": a plan when its object is a measure, not words
    accusation_forms: frozenset[str]  # "alleged", "accused": a rejection of what they report
    retract_forms: frozenset[str]  # "dropped", "gave up": they take back the stance noun they govern
    mute_forms: frozenset[str]  # "comment", "disclose": a refusal of them is a refusal to speak
    reception_forms: frozenset[str]  # "studied", "responded to": their object is another's stance noun
    halting_forms: frozenset[str]  # "suspended", "pulled out": stopping an accord refuses it
    removal_forms: frozenset[str]  # "lifted", "scrapped": a rate they take away goes to none
    accord_words: frozenset[str]  # "talks", "deal": what halting verbs break off
    measure_words: frozenset[str]  # "tariffs", "strikes": what halting verbs concede by stopping


def _plural(noun: str) -> str:
    if noun.endswith("s"):
        return noun
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


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
    measures = {
        i.id: (i.measure, re.compile(_NUMBER.pattern + r"(?=" + i.measure.unit + ")", re.IGNORECASE))
        for i in codebook.issues
        if i.measure is not None
    }
    grammar = codebook.grammar
    sc = grammar.stance_cues
    # each body noun with its plural ("delegations", "ministries"), so the grammar lists one form
    bodies = {form for w in grammar.body_nouns for form in (w, _plural(w))}
    speech_forms = sorted(forms_of(grammar.speech_verbs))
    speech = (
        re.compile(r"\b(?:" + _trie_regex(speech_forms) + r")\b", re.IGNORECASE) if speech_forms else None
    )
    actions = {
        **{f: "halting" for f in forms_of(grammar.halting_verbs)},
        **{f: "escalation" for f in forms_of(grammar.escalation_verbs)},
        **{f: "concession" for f in forms_of(grammar.concession_verbs)},
    }
    cues = CompiledCues(
        catch_all=frozenset(i.id for i in codebook.issues if i.catch_all),
        issues=CueSet((i.id, i.cues) for i in codebook.issues),
        anchors=anchors,
        measures=measures,
        stances=CueSet((key, getattr(sc, key)) for key in _CUE_STANCES),
        conditional=_alternation(sc.conditional),
        red_line=_alternation(sc.red_line),
        negators=_alternation(grammar.negators),
        hedges=_alternation(grammar.hedges),
        speech=speech,
        speech_forms=frozenset(f for f in speech_forms if " " not in f),
        any_stance=CueSet(("any", getattr(sc, key)) for key in (*_CUE_STANCES, "conditional", "red_line")),
        body_nouns=re.compile(
            r"\s+(?:[\w-]+\s+){0,2}(?:" + _trie_regex(sorted(bodies)) + r")\b", re.IGNORECASE
        ),
        body_words=frozenset(w for w in bodies if " " not in w),
        document_words=frozenset(w for w in (*grammar.document_nouns, *grammar.speech_nouns) if " " not in w),
        speech_noun_words=frozenset(w for w in grammar.speech_nouns if " " not in w),
        object_demand_forms=frozenset(forms_of(grammar.object_demand_verbs)),
        object_plan_forms=frozenset(forms_of(grammar.object_plan_verbs)),
        accusation_forms=frozenset(forms_of(grammar.accusation_verbs)),
        retract_forms=frozenset(forms_of(grammar.retract_verbs)),
        mute_forms=frozenset(forms_of(grammar.mute_verbs)),
        reception_forms=frozenset(forms_of(grammar.reception_verbs)),
        halting_forms=frozenset(forms_of(grammar.halting_verbs)),
        removal_forms=frozenset(forms_of(grammar.removal_verbs)),
        accord_words=frozenset(grammar.accord_nouns),
        measure_words=frozenset(grammar.measure_nouns),
        action_lemmas=actions,
        actions=(
            re.compile(r"\b(?:" + _trie_regex(sorted(actions)) + r")\b", re.IGNORECASE) if actions else None
        ),
        no_deal_affects={
            i.id: frozenset({*i.affects, *(k for a in i.anchors for k in a.implies)})
            for i in codebook.issues
            if i.no_deal
        },
    )
    _COMPILED[id(codebook)] = (codebook, cues)
    return cues


def may_hold_position(cues: CompiledCues, text: str) -> bool:
    """Whether a sentence can hold a position: an issue cue plus a stance cue or a speech verb, or a stance
    cue on something named before ("Kyiv turned down the idea")."""
    if not cues.issues.search(text):
        return bool(_BACK_REFERENCE.search(text) and cues.any_stance.search(text))
    return bool((cues.speech and cues.speech.search(text)) or cues.any_stance.search(text))


# "will hold talks", "are going to send": an action announced for later is a plan of its subject
_FUTURE_VERB = re.compile(r"\b(?:will|shall|going to)\s+(?:not\s+)?(?:\w+ly\s+)?[a-z]{3,}\b|\w[’']ll\b")


def may_hold_action(cues: CompiledCues, text: str) -> bool:
    """Whether a sentence names an issue and an action a party may take on it ("China will lower its
    tariffs"): a candidate when it also names a codebook actor."""
    return bool(
        ((cues.actions is not None and cues.actions.search(text)) or _FUTURE_VERB.search(text))
        and cues.issues.search(text)
    )


def _issue_hits(cues: CompiledCues, text: str, base: int) -> list[_Hit]:
    hits = [
        _Hit(base + m.start(), base + m.end(), issue)
        for issue, m in cues.issues.finditer(text)
        if m.end() > m.start()
    ]
    # a cue whose gap words run over a specific issue's cue ("U.S. soybeans until tariffs") is no cue; a
    # catch-all word inside a longer cue is part of it ("if talks fail")
    hits = [
        h
        for h in hits
        if not any(
            o.key != h.key and o.key not in cues.catch_all and h.start < o.start and o.end < h.end
            for o in hits
        )
    ]
    hits.sort(key=lambda h: (-(h.end - h.start), h.start))
    kept: list[_Hit] = []
    for h in hits:  # overlapping cues: the longer one wins
        if all(h.end <= k.start or k.end <= h.start for k in kept):
            kept.append(h)
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


# --- one sentence, read clause by clause --------------------------------------------------------------


@dataclass
class _Predicate:
    token: Any  # the word that carries the stance
    head: Any  # the head of the clause it stands for
    stance: str
    cue: _Hit | None  # the stance cue (None for a reporting verb or a future action)
    holders: list[tuple[str, str | None]] = field(default_factory=list)  # (party, person)
    holder_verb: Any = None  # the verb whose subject gave the holder
    negated: bool = False
    hedged: bool = False
    content_of: int | None = None  # index of the stance predicate this one is the object of
    condition: set[int] = field(default_factory=set)  # token indices of its condition clause
    conditional_cue: bool = False
    prohibits: bool = False  # "must not": a demand whose own negation is what it asks
    confidence: float = 0.8


class _Sentence:
    """The parse of one sentence with the actors it names, and the clause rules above."""

    def __init__(
        self,
        ctx: DocContext,
        cues: CompiledCues,
        sentence: Sentence,
        speaker: str | None,
        reporter: str | None,
        bodies: dict[str, str] | None = None,
        quoted_before: str | None = None,
    ) -> None:
        self.ctx = ctx
        self.quoted_before = quoted_before  # the speaker of a quotation just before (see ``_person_pronoun``)
        self.cues = cues
        self.bodies = bodies if bodies is not None else {}
        self.sentence = sentence
        self.speaker = speaker  # of a quotation the sentence lies in
        self.reporter = reporter  # of reported speech it lies in
        self.doc = ctx.doc(sentence.index)
        self.base = sentence.start
        self.mentions = [m for m in ctx.mentions_in(sentence.start, sentence.end) if self._counts(m)]
        ends = [self.base + t.idx + len(t.text) for t in self.doc]
        self._token_ends = ends
        self.unless: set[int] = set()  # heads of "unless" clauses: what they qualify is a threat
        self.unsaid: set[int] = set()  # what a refusal to speak leaves unsaid (see ``_mute``)
        self.alleged: set[int] = set()  # what an accusation reports of the other side
        self._topic: set[int] | None = None
        self._hits: list[_Hit] | None = None
        self.conditions = self._condition_heads()

    def stance_hits(self) -> list[_Hit]:
        """The sentence's stance cues, matched once for every rule that asks."""
        if self._hits is None:
            self._hits = _stance_hits(self.cues, self.sentence.text, self.base)
        return self._hits

    # -- tokens and characters ---------------------------------------------------------------------------
    def _counts(self, m: Mention) -> bool:
        """A party's adjective counts before a body ("Russian officials") or a document or stance noun it
        owns ("the American offer", "the Ukrainian peace plan"), not before a place or thing."""
        if m.how != "adjective":
            return True
        text, end = self.ctx.text, self.sentence.end
        if self.cues.body_nouns.match(text, m.end, end):
            return True
        owned = _NEXT_WORDS.match(text, m.end, end)
        return owned is not None and any(w.lower() in self.cues.document_words for w in owned.groups() if w)

    def token_at(self, offset: int) -> Any:
        import bisect

        i = bisect.bisect_right(self._token_ends, offset)
        return self.doc[i] if i < len(self.doc) else None

    def start_of(self, token: Any) -> int:
        return int(self.base + token.idx)

    def span_of(self, tokens: Iterable[Any]) -> tuple[int, int]:
        ts = list(tokens)
        return self.start_of(ts[0]), self.start_of(ts[-1]) + len(ts[-1].text)

    # -- actors ----------------------------------------------------------------------------------------
    def _party(self, actor: str) -> str | None:
        """The party an actor stands for, when it may hold a position: a codebook party, or a person or
        body speaking for one; never an outlet, agency, city or document on its own."""
        ctx = self.ctx
        party = ctx.party_of(actor)
        if party is None:
            return None
        known = ctx.codebook.actor_by_id.get(party)
        if known is not None:
            return party if known.is_party else None
        # a name the codebook does not know: a party only in a codebook open to the text's own actors
        return party if ctx.codebook.open_parties and party.startswith("ner:") else None

    def _mentions_in(self, token: Any) -> list[Mention]:
        left = self.start_of(token.left_edge)
        right = self.start_of(token.right_edge) + len(token.right_edge.text)
        return [m for m in self.mentions if m.start >= left and m.end <= right]

    def actors_of(self, subj: Any, *, head_only: bool = False) -> list[tuple[str, str | None]] | None:
        """(party, person) for each actor a subject names: the mention at its head, or those of coordinated
        subjects ("Trump and Xi"); None when the subject is not an actor."""
        heads = [subj, *[c for c in subj.conjuncts if c.i > subj.i]]
        for c in subj.children:
            if c.dep_ == "appos" and any(g.dep_ == "cc" for g in c.children):
                heads += [c, *c.conjuncts]  # "the U.S., Ukraine and Russia" parsed as a name + appositive
        out: list[tuple[str, str | None]] = []
        for head in heads:
            at = self.start_of(head)
            inside = self._mentions_in(head)
            covering = [m for m in inside if m.start <= at < m.end]
            body = head.lower_ in self.cues.body_words
            picks = covering
            if not picks and (body or not head_only):
                # its compound or possessive ("the Kremlin's spokesman", "Moscow's finance ministry"), all of
                # them when coordinated ("French and German diplomats")
                before = [m for m in inside if m.end <= at and self.start_of(head.left_edge) <= m.start]
                picks = before[:1]
                for m in before[1:]:
                    if re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", self.ctx.text[picks[-1].end : m.start]):
                        picks.append(m)
            if not picks and head.lower_ in self.cues.document_words:
                # "her five-point plan asks for ...": the document's owner holds what it says
                for c in head.children:
                    if c.dep_ in {"poss", "compound", "amod"} and c.i < head.i:
                        got = self._possessor(c)
                        if got:
                            out.extend(x for x in got if x not in out)
                            break
                if out:
                    continue
            if not picks and body:
                # "a spokesperson for China's commerce ministry", "the chief of the Polish team"
                preps = [c for c in head.children if c.dep_ == "prep" and c.lower_ in {"of", "for", "from"}]
                for prep in preps:
                    picks = self._mentions_in(prep)[:1]
                    if picks:
                        break
                # "states like Spain and Greece", "allies such as France": the ones named as examples
                for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in _EXAMPLE_PREPS):
                    if not picks:
                        picks = self._mentions_in(prep)
            if not picks and body and head_only is False and not inside:
                remembered = self.ctx_bodies().get(head.lower_)  # "the spokesperson" named earlier
                if remembered is not None:
                    out.append((remembered, None))
                    continue
            for m in picks:
                party = self._party(m.actor)
                if party is not None:
                    person = m.actor if self.ctx.is_person(m.actor) else None
                    if (party, person) not in out:
                        out.append((party, person))
                    if body:
                        self.ctx_bodies()[head.lower_] = party
        if not out and _BOTH_SIDES.search(" ".join(t.text for t in subj.subtree if t.dep_ != "punct")):
            out = [(p, None) for p in self.ctx_both_sides()]
        return out or None

    def ctx_both_sides(self) -> list[str]:
        return _leading_parties(self.ctx)

    def ctx_bodies(self) -> dict[str, str]:
        """Body nouns seen with their party so far in the article ("spokesperson" -> china): a later "the
        spokesperson" is the same body."""
        return self.bodies

    def first_person(self) -> list[tuple[str, str | None]] | None:
        who = self.speaker or self.reporter
        if who is None:
            return None
        party = self._party(who)
        return [(party, who if self.ctx.is_person(who) else None)] if party else None

    # -- predicates ------------------------------------------------------------------------------------
    def predicates(self) -> list[_Predicate]:
        cues = self.cues
        preds: list[_Predicate] = []
        taken: set[int] = set()
        for hit in self.stance_hits():
            token = self.token_at(hit.start)
            if token is None:
                continue
            if token.dep_ == "expl" or (
                token.dep_ == "nsubj" and token.head.i > token.i and self.start_of(token.head) < hit.end
            ):
                # "there can be no talks", "the goal of the talks is to ...": the verb the cue runs over
                token = token.head
            elif token.dep_ in {"cc", "mark", "prep", "det"}:
                # "or face", "unless": the cue's verb carries it, not its conjunction
                last = self.token_at(hit.end - 1)
                if last is not None and last.i > token.i:
                    token = last
            if token.dep_ == "compound" and token.tag_.startswith("NN"):
                continue  # "opposition leaders", "the threat level": the noun it describes is what is meant
            if hit.key == "threat" and self._stops_a_measure(hit):
                continue  # "will suspend the 24% tariff": a concession (the action below), no threat
            head = self.clause_head(token)
            stance = hit.key
            if stance == "offer" and any(
                c.dep_ == "dobj" and c.lower_ in cues.document_words and c.lower_ in cues.speech_noun_words
                for c in token.children
            ):
                stance = "statement"  # "offered a view": words, not a deal
            elif stance == "reject" and self._mute(token, head):
                stance = "statement"  # "declined to comment on the offer": no answer, and no refusal of it
            preds.append(_Predicate(token, head, stance, hit))
            taken |= {token.i, head.i}
        for token in self.doc:
            if token.i in taken:
                continue
            low = token.lower_
            if (low in cues.speech_forms or low in cues.object_plan_forms) and token.dep_ in _VERBAL:
                if self._concessive(token):
                    continue  # "while acknowledging that talks are preferable, he ...": a frame, not a stance
                if any(c.dep_ == "auxpass" for c in token.children) and not any(
                    c.dep_ == "agent" for c in token.children
                ):
                    continue  # "the town was reported calm", "Kyiv was told to wait": no one says it here
                stance = "statement"
                if (
                    low in cues.object_demand_forms
                    and not any(c.dep_ in {"ccomp", "xcomp"} for c in token.children)
                    and (token.dep_ == "relcl" or any(c.dep_ == "dobj" for c in token.children))
                ):
                    stance = "demand"  # "the land the state claims": a claim to a thing, not a report
                elif low in cues.object_plan_forms and any(
                    c.dep_ == "dobj" and c.lower_ not in cues.document_words for c in token.children
                ):
                    stance = "plan"  # "announced new export controls": its own measure, not a report
                elif low in cues.accusation_forms:
                    # what it reports is alleged, no stance of the accused; a move away alleged is objected to
                    for c in token.children:
                        if c.dep_ in {"ccomp", "prep"}:
                            self.alleged |= {t.i for t in c.subtree}
                    if self._escalation_reported(token):
                        stance = "reject"  # "alleges that the U.S. blocked exports": an objection to it
                preds.append(_Predicate(token, token, stance, None, confidence=0.6))
            elif (
                token.dep_ in _VERBAL
                and token.tag_.startswith("VB")  # "a swap of prisoners": the noun is no action
                and not self._past_perfect(token)
                and self._main_line(token)
            ):
                lemma = cues.action_lemmas.get(low) or cues.action_lemmas.get(
                    f"{low} {token.nbor(1).lower_}" if token.i + 1 < len(self.doc) else ""
                )
                if self._halts_accord(token):
                    # "postponed the talks", "withdrew from the deal": no concession, a refusal of it
                    preds.append(_Predicate(token, token, "reject", None, confidence=0.55))
                elif lemma == "concession":
                    preds.append(_Predicate(token, token, "accept", None, confidence=0.55))
                elif lemma == "escalation" or self._future_action(token):
                    preds.append(_Predicate(token, token, "plan", None, confidence=0.55))
        return preds

    def _escalation_reported(self, verb: Any) -> bool:
        """What the verb reports is a move away by its doer ("... that the U.S. blocked exports", "accused
        Beijing of imposing curbs"), not some other wrong ("of dragging out the talks")."""
        lemmas, accords = self.cues.action_lemmas, self.cues.accord_words
        return any(
            t.i != verb.i
            and t.tag_.startswith("VB")
            and lemmas.get(t.lower_) == "escalation"
            and not any(o.dep_ == "dobj" and o.lower_ in accords for o in t.children)  # "blocked the talks"
            for c in verb.children
            if c.dep_ in {"ccomp", "prep"}
            for t in c.subtree
        )

    def _stops_a_measure(self, hit: _Hit) -> bool:
        """A threat cue's verb stops ("will suspend", "would halt") a measure against the other side: "will
        suspend the tariff" concedes, where "would suspend the exchanges" or "would halt aid" threatens."""
        verb = self.token_at(hit.end - 1)
        if verb is None or not verb.tag_.startswith("VB"):
            return False
        low = verb.lower_
        if low not in self.cues.halting_forms or self.cues.action_lemmas.get(low) != "concession":
            return False
        return any(c.dep_ == "dobj" and c.lower_ in self.cues.measure_words for c in verb.children)

    def _halts_accord(self, verb: Any) -> bool:
        """A verb that stops something, with talks or an agreement as its object ("suspended its participation
        in the deal", "pulled out of the accord", "the talks were called off")."""
        forms = self.cues.halting_forms
        nxt = verb.nbor(1).lower_ if verb.i + 1 < len(self.doc) else ""
        if verb.lower_ not in forms and f"{verb.lower_} {nxt}" not in forms:
            return False
        objects = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}]
        # "out of the deal", "from the talks"; not "ended the war with an agreement"
        links = [c for c in verb.children if c.dep_ in {"prep", "prt", "advmod"} and c.lower_ in _LEAVING]
        links += [g for c in links for g in c.children if g.dep_ == "prep" and g.lower_ in _LEAVING]
        objects += [g for c in links for g in c.children if g.dep_ == "pobj"]
        for obj in list(objects):  # "its participation in the deal"
            objects += [g for c in obj.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
        return any(o.lower_ in self.cues.accord_words for o in objects)

    def _received(self, noun: Any) -> bool:
        """The noun is what a verb of receiving or answering takes: "is studying the proposal", "responded to
        the offer" (another side's)."""
        forms = self.cues.reception_forms
        if noun.dep_ == "dobj":
            return noun.head.lower_ in forms
        if noun.dep_ == "pobj" and noun.head.head.i != noun.head.i:
            return f"{noun.head.head.lower_} {noun.head.lower_}" in forms
        return False

    def _mute(self, token: Any, head: Any) -> bool:
        """The refusal governs a verb of saying ("would not comment", "declined to say if ..."); what that
        verb would have said is recorded in ``unsaid``."""
        verbs = [head] if head.i != token.i else [c for c in token.children if c.dep_ == "xcomp"]
        mute = [v for v in verbs if v.lower_ in self.cues.mute_forms]
        for v in mute:  # what it will not say is no one's stance ("won't confirm that a truce was agreed")
            self.unsaid |= {t.i for t in v.subtree if t.i != v.i}
        return bool(mute)

    @staticmethod
    def clause_head(token: Any) -> Any:
        """The head of the clause a cue word stands for ("ready" -> "is", "must" -> its verb)."""
        for _ in range(4):
            if token.dep_ in _TO_CLAUSE and token.head.i != token.i:
                token = token.head
            else:
                break
        return token

    @staticmethod
    def _main_line(token: Any) -> bool:
        """A verb of the sentence's own line of statements, not of a subordinate clause ("until Putin's forces
        withdraw", "because Kyiv released ..."), and not a copula."""
        if token.lemma_ == "be" or token.lower_ in {"be", "is", "are", "was", "were", "been"}:
            return False
        t = token
        while t.head.i != t.i:
            if t.dep_ == "advcl" and any(c.dep_ == "mark" for c in t.children):
                return False
            t = t.head
        return True

    @staticmethod
    def _concessive(token: Any) -> bool:
        return token.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in {"while", "although", "though", "whilst"} for c in token.children
        )

    @staticmethod
    def _past_perfect(token: Any) -> bool:
        """ "had imposed", "previously raised": history, not a position."""
        return any(
            (c.dep_ == "aux" and c.lower_ == "had") or (c.dep_ == "advmod" and c.lower_ in _HISTORY)
            for c in token.children
        )

    def _judged_stance(self, subj: Any) -> bool:
        """The subject names a stance or a document ("the union's demand", "Kyiv's plan"), so a verdict on it
        ("is a non-starter", "is acceptable") is not its owner's."""
        if not subj.tag_.startswith("NN") or not any(c.dep_ == "poss" for c in subj.children):
            return False
        at = self.start_of(subj)
        hits = self.stance_hits()
        return subj.lower_ in self.cues.document_words or any(h.start <= at < h.end for h in hits)

    def _asked_passive(self, verb: Any) -> bool:
        """A demand verb or a verb of telling in the passive with no agent: "was told to", "is being urged
        to" (not "was reported to have agreed": that reports the subject's own stance)."""
        if not any(c.dep_ == "auxpass" for c in verb.children) or any(
            c.dep_ == "agent" for c in verb.children
        ):
            return False
        start = self.start_of(verb)
        hits = self.stance_hits()
        asked = any(h.key == "demand" and h.start <= start < h.end for h in hits)
        return asked or verb.lower_ in _TELLING

    @staticmethod
    def _future_action(token: Any) -> bool:
        aux = [c.lower_ for c in token.children if c.dep_ in {"aux", "auxpass"}]
        return any(a in _FUTURE for a in aux) or "going" in aux

    # -- holders ---------------------------------------------------------------------------------------
    def find_holder(self, pred: _Predicate, by_token: dict[int, _Predicate]) -> str:
        """Set ``pred.holders``; return 'ok', 'none' (not an actor's stance), 'content', 'condition' or
        'hedged'."""
        token = pred.token
        if self.in_condition(token):
            return "condition"  # "if Kyiv pulls back", "as soon as Kyiv declares": not a stance of its own
        if pred.stance == "demand" and token.tag_ == "VBN" and self._asked_passive(token):
            return "none"  # "Kyiv was urged to ...": by someone unnamed, and Kyiv asks nothing
        if pred.cue is not None and token.tag_.startswith("NN") and self._without(token):
            return "none"  # "talks without preconditions": no demand, and no refusal either
        if pred.cue is not None and pred.stance != "demand" and self._demanded(pred, by_token):
            return "content"  # "Moscow demanded that Kyiv accept the plan": what is demanded, no acceptance
        if pred.stance in {"threat", "plan"} and pred.head.dep_ == "acl":
            above = by_token.get(pred.head.head.i)
            if above is not None and above is not pred and above.cue is not None:
                return "content"  # "rejected demands to halt the offensive": what is demanded, no threat
        if pred.cue is not None and _participle_modifier(token):
            # "the planned U.S. port fees", "the proposed EU sanctions": the party the noun names
            noun = token.head
            got = self.noun_owner(noun, [c for c in noun.children if c.i != token.i])
            if not got:
                return "none"
            pred.holders, pred.confidence = got, 0.6
            return "ok"
        # a noun cue: the content of a stance it is the object of ("turned down the EU's call for ..."), else
        # its possessor, else the subject of the light verb it is the object of ("made a proposal")
        if token.dep_ in _NOMINAL and token.i == pred.head.i and not self._is_verbal(token):
            if token.dep_ in _OBJECT_DEPS:
                governor = token.head if token.dep_ != "pobj" else token.head.head
                other = by_token.get(governor.i) or by_token.get(self.clause_head(governor).i)
                weak = other is None or other.cue is None or other.stance == "statement"
                if token.dep_ == "pobj" and weak:
                    # "voiced frustration with the plan to ...": the light verb's stance noun governs it
                    light = (c for c in governor.children if c.dep_ == "dobj" and c.i < token.i)
                    nouns = (by_token.get(c.i) for c in light)
                    other = next((n for n in nouns if n is not None and n.cue is not None), other)
                stance_above = (
                    other is not None
                    and other.stance != "statement"
                    and (other.cue is not None or (other.stance == "plan" and token.dep_ == "dobj"))
                )  # "will finalize the support": what the plan is to do, not a stance taken now
                if stance_above and other is not pred:
                    pred.content_of = governor.i
                    # the stance stays the outer one's content; a party named as its owner ("the U.S.
                    # push for ...") is reported to hold it, at low confidence
                    got = self.noun_owner(token, list(token.children))
                    if got:
                        pred.holders, pred.confidence = got, 0.5
                        return "ok"
                    return "content"
            owners = list(token.children)
            if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.i != token.head.i:
                owners += list(token.head.head.children)  # "the union's list of demands"
            got = self.noun_owner(token, owners)
            if got:
                pred.holders = got
                return "ok"
            if token.i in self.topic_phrase() or self._received(token):
                return "none"  # "Reacting to the ceasefire proposal, Moscow said ...": not Moscow's proposal
        if (
            pred.cue is not None
            and token.tag_ == "JJ"
            and not token.lower_.endswith("ed")  # "opposed to X", "committed to X": X is what, not who
            and (got := self._experiencer(token))
        ):
            pred.holders, pred.holder_verb = got, pred.head
            return "ok"  # "the plan is unacceptable for Moscow", "acceptable to both sides"
        deontic = pred.cue is not None and self.deontic(pred)
        skip_subject = deontic
        first_person = False
        t = pred.head
        for _ in range(12):
            if (
                pred.stance != "threat"
                and self._hypothetical(t)
                and not self._has_condition(t)
                and not self._modal_in_cue(pred, t)
            ):
                return "hedged"  # "could consider", "may accept": but "could resume ... if" is an offer
            subjects = [c for c in t.children if c.dep_ in _SUBJECT_DEPS]
            verdict = pred.cue is not None and pred.stance in {"reject", "accept"} and t is pred.head
            if verdict and subjects and self._judged_stance(subjects[0]):
                # "the union's demand is a non-starter": what is judged (its content this verdict's too),
                # not its judge
                judged = by_token.get(subjects[0].i)
                if judged is not None and judged is not pred:
                    judged.content_of = t.i
                subjects = []
            agent = [g for c in t.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            if pred.cue is not None and subjects and (got := self._fronted_for(t, subjects[0])):
                pred.holders, pred.holder_verb = got, t
                return "ok"  # "For Moscow, NATO membership for Kyiv is a red line"
            if subjects and skip_subject:
                skip_subject = False  # the one asked to act, not the one asking
            elif agent and (got := self.actors_of(agent[0])):
                pred.holders, pred.holder_verb = got, t
                return "ok"
            elif subjects:
                subj = subjects[0]
                if subj.lower_ in {"nobody", "none", "nothing"} or (
                    subj.lower_ == "one" and any(c.lower_ == "no" for c in subj.children)
                ):
                    return "none"  # "no one has offered that": nobody holds it
                first = subj.lower_ in _FIRST_PERSON and subj.text != "US"  # "US" is a country
                if first:
                    got = self.first_person()
                    if got:
                        pred.holders, pred.holder_verb = got, t
                        return "ok"
                    first_person = True  # a quotation's "I" or "we": the subject of the reporting verb above
                got = None if first else self.actors_of(subj)
                in_cue = pred.cue is not None and pred.cue.start <= self.start_of(subj) < pred.cue.end
                if got is None and in_cue:
                    got = self._cue_noun_owner(subj)  # "the purpose of our talks is to ...": ours
                if got is None and subj.lower_ in _SUBJECT_PRONOUNS:
                    got = self._pronoun(subj)
                if (
                    got
                    and t.dep_ in {"ccomp", "xcomp"}
                    and pred.stance != "threat"
                    and self._hypothetical(t.head, any_neg=True)
                ):
                    return "hedged"  # "she cannot get Kyiv to agree ...": a hypothetical about another
                if got:
                    pred.holders, pred.holder_verb = got, t
                    return "ok"
                if t.dep_ in {"relcl", "acl"} and subj.lower_ in _RELATIVE:
                    got = self.actors_of(t.head)  # "Russia, which rejected ...": the noun it describes
                    if got:
                        pred.holders, pred.holder_verb = got, t
                        return "ok"
                    return "none"
                if not first_person and (
                    (subj.dep_ != "nsubjpass" and t.dep_ not in {"ccomp", "xcomp", "advcl"})
                    or (subj.dep_ == "nsubjpass" and t.dep_ == "advcl")
                    or (t.dep_ == "advcl" and subj.tag_.startswith("NN"))
                ):
                    # "the proposal fails to ...": the subject is not an actor; "while initiatives are
                    # welcomed, leaders ...": a passive without its agent in a clause of its own;
                    # "..., although most allies regard it as crucial": the allies' view
                    return "none"
            if t.head.i == t.i:
                break
            if pred.cue is None and t.dep_ == "pcomp" and not subjects and t.head.head.i != t.head.i:
                # "accused Kyiv of blocking a deal", "thanked Beijing for easing curbs": the object acts
                # "pledged itself to sending troops": a reflexive object is the subject
                reflexive = ("self", "selves")
                objects = [
                    c for c in t.head.head.children if c.dep_ == "dobj" and not c.lower_.endswith(reflexive)
                ]
                if objects:
                    got = self.actors_of(objects[0])
                    if not got:
                        return "none"
                    pred.holders, pred.holder_verb = got, t
                    return "ok"
            if t.dep_ == "xcomp" and not subjects and self._asked_passive(t.head):
                return "content"  # "Kyiv was told to accept the truce": what someone asks of Kyiv
            if t.dep_ == "xcomp" and not subjects:
                # "convinced the union to accept": the object does it; "urged it to accept": what is urged
                objects = [c for c in t.head.children if c.dep_ == "dobj"]
                got = self.actors_of(objects[0]) if objects else None
                if objects and not got and objects[0].pos_ != "PRON":
                    return "none"  # "pressed the workers to call off the strike": theirs, and no party's
                if got:
                    above = by_token.get(t.head.i)
                    if above is not None and above is not pred and above.cue is not None:
                        return "content"
                    pred.holders, pred.holder_verb = got, t
                    return "ok"
            hypothetical_above = self._hypothetical(t.head, any_neg=True)
            if t.dep_ in {"ccomp", "xcomp"} and pred.stance != "threat" and hypothetical_above:
                return "hedged"  # "she cannot get Kyiv to agree ...": a hypothetical about another
            t = t.head
        got = self._according_to(pred.head)
        if got:
            pred.holders = got  # "According to the Kremlin, Kyiv must withdraw": the Kremlin's demand
            return "ok"
        got = self.first_person()  # a cue inside a quotation or a report with no subject of its own
        if got:
            pred.holders = got
            pred.confidence = min(pred.confidence, 0.6)
            return "ok"
        return "none"

    def _according_to(self, head: Any) -> list[tuple[str, str | None]] | None:
        """The source of an "according to X" phrase on the clause or one above it."""
        above = {t.i for t in (head, *head.ancestors)}
        for t in self.doc:
            if t.lower_ == "according" and t.head.i in above:
                to = [c for c in t.children if c.lower_ == "to"]
                source = [g for c in to for g in c.children if g.dep_ == "pobj"]
                if source:
                    return self.actors_of(source[0])
        return None

    def topic_phrase(self) -> set[int]:
        """The tokens of a phrase that opens the sentence and names its topic ("Regarding X,", "As for X,",
        "On X,"), up to its comma: what the clauses after it are about when they name no issue."""
        if self._topic is None:
            self._topic = self._find_topic_phrase()
        return self._topic

    def _find_topic_phrase(self) -> set[int]:
        first = next((t for t in self.doc if not t.is_punct), None)
        if first is None or first.lower_ not in _TOPIC_OPENERS:
            return set()
        after = self.doc[first.i + 1].lower_ if first.i + 1 < len(self.doc) else ""
        if first.lower_ in _TOPIC_SECOND and after not in _TOPIC_SECOND[first.lower_]:
            return set()  # "as for X", "in response to X"; not "as talks began", "in Kyiv"
        comma = next((t.i for t in self.doc if t.i > first.i and t.text == ","), None)
        return set(range(first.i, comma)) if comma is not None else set()

    @staticmethod
    def _without(noun: Any) -> bool:
        """The noun is what a "without" phrase excludes ("without preconditions", "without setting any
        conditions")."""
        head = noun.head
        if noun.dep_ == "dobj" and head.dep_ == "pcomp":
            head = head.head
        return noun.dep_ in {"pobj", "dobj"} and head.lower_ == "without"

    def _cue_noun_owner(self, noun: Any) -> list[tuple[str, str | None]] | None:
        """The owner of a cue's subject noun, or of the noun its "of" names ("the goal of our talks")."""
        got = self.noun_owner(noun, list(noun.children))
        for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                got = got or self.noun_owner(obj, list(obj.children))
        return got

    @staticmethod
    def _demanded(pred: _Predicate, by_token: dict[int, _Predicate]) -> bool:
        """The predicate's verb, in its base form, completes a demand ("demanded that Kyiv accept", "it is
        vital for Kyiv to accept"): the clause is what is asked of another, not a stance of its own."""
        verb = pred.head
        if verb.dep_ not in {"ccomp", "advcl"} or verb.head.i == verb.i:
            return False
        # the base form: "VB", or "VBP" after a singular noun ("that Ukraine accept", not "accepts")
        singular = any(c.dep_ == "nsubj" and c.tag_ in {"NN", "NNP"} for c in verb.children)
        if verb.tag_ != "VB" and not (verb.tag_ == "VBP" and singular):
            return False
        above = by_token.get(verb.head.i)
        if above is None or above is pred or above.cue is None or above.stance != "demand":
            return False
        return not any(c.dep_ == "aux" and c.tag_ == "MD" for c in verb.children)  # "said X would accept"

    def _experiencer(self, adjective: Any) -> list[tuple[str, str | None]] | None:
        """The actor an assessing adjective is "for" or "to": whose judgement it is."""
        for prep in adjective.children:
            if prep.dep_ == "prep" and prep.lower_ in {"for", "to"}:
                objects = [c for c in prep.children if c.dep_ == "pobj"]
                if objects and (got := self.actors_of(objects[0], head_only=True)):
                    return got
        return None

    def _modal_in_cue(self, pred: _Predicate, verb: Any) -> bool:
        """The verb's modal is part of the cue ("there can be no talks"): the cue says what it means."""
        cue = pred.cue
        return cue is not None and any(
            c.dep_ == "aux" and cue.start <= self.start_of(c) < cue.end for c in verb.children
        )

    def _fronted_for(self, verb: Any, subject: Any) -> list[tuple[str, str | None]] | None:
        """The actor of a "for" phrase before the subject, which names whose view the clause states."""
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ == "for" and c.i < subject.i:
                objects = [g for g in c.children if g.dep_ == "pobj"]
                if objects:
                    return self.actors_of(objects[0])
        return None

    def retraction(self, pred: _Predicate) -> tuple[Any, list[tuple[str, str | None]] | None] | None:
        """For a stance noun that its verb takes back ("dropped its demand for X", "gave up the claim to"):
        the verb and the actors who take it back (the verb's subject, or that of the clause it completes)."""
        token = pred.token
        if token.i != pred.head.i or not token.tag_.startswith("NN") or pred.stance == "statement":
            return None
        verb = token.head
        if token.dep_ == "pobj" and verb.head.i != verb.i:
            verb = verb.head.head if verb.head.dep_ in {"advmod", "prt"} else verb.head  # "back away from"
        elif token.dep_ != "dobj":
            return None
        after = self.doc[verb.i + 1].lower_ if verb.i + 1 < len(self.doc) else ""
        phrase = f"{verb.lower_} {after}"
        # the words from the verb (or the auxiliary right before it: "got rid of") to the preposition
        before = self.doc[verb.i - 1] if verb.i > 0 else verb
        starts = [verb] + ([before] if before.dep_ in {"aux", "auxpass"} and before.head.i == verb.i else [])
        spans = {" ".join(t.lower_ for t in self.doc[s.i : token.head.i + 1]) for s in starts}
        if token.dep_ != "pobj" or token.head.i <= verb.i:
            spans = set()
        forms = self.cues.retract_forms
        if (
            verb.lower_ not in forms
            and phrase not in forms
            and not any(f.startswith(phrase + " ") for f in forms)
            and not spans & forms
        ):
            return None
        t = verb
        for _ in range(4):
            subjects = [c for c in t.children if c.dep_ in _SUBJECT_DEPS]
            if subjects:
                got = self.actors_of(subjects[0])
                if got is None and subjects[0].lower_ in _SUBJECT_PRONOUNS:
                    got = self._pronoun(subjects[0])
                return verb, got
            if t.dep_ not in {"xcomp", "pcomp", "prep", "advcl", "conj"} or t.head.i == t.i:
                break
            t = t.head
        return verb, None

    def demanded_of(self, token: Any) -> set[str]:
        """The parties a demand noun asks to act: "the requirement for Kyiv to withdraw", "the demand that
        Kyiv withdraw"."""
        out: set[str] = set()
        # the parser may hang "for Kyiv to withdraw" on the verb: a clause starting right after the noun
        after = token.right_edge.i + 1
        beside = [c for c in token.head.children if c.dep_ == "advcl" and c.left_edge.i == after]
        for c in [*token.children, *beside]:
            if c.dep_ == "prep" and c.lower_ == "for":
                subjects = [g for g in c.children if g.dep_ == "pobj"]
            elif c.dep_ in {"acl", "relcl", "ccomp", "advcl"}:
                subjects = [g for g in c.children if g.dep_ in _SUBJECT_DEPS]
            else:
                continue
            for subj in subjects:
                out |= {party for party, _ in self.actors_of(subj) or ()}
        return out

    def reporting_person(self, pred: _Predicate, party: str) -> str | None:
        """The person who states a party's stance: "Okafor said the union was willing ..." (the subject of a
        reporting verb above the holder's clause, speaking for the same party), else the quotation's speaker
        when that person speaks for it."""
        t = pred.holder_verb if pred.holder_verb is not None else pred.head
        while t.head.i != t.i:
            t = t.head
            for c in t.children:
                if c.dep_ in _SUBJECT_DEPS:
                    for got_party, person in self.actors_of(c) or ():
                        if person is not None and got_party == party:
                            return person
        for who in (self.speaker, self.reporter):
            if who is not None and self.ctx.is_person(who) and self._party(who) == party:
                return who
        return None

    def noun_owner(self, token: Any, children: list[Any]) -> list[tuple[str, str | None]] | None:
        """Who a noun cue belongs to: its possessor or modifier ("Kyiv's demand", "the EU proposal"), else
        the actor of its "by"/"from" phrase ("a proposal by France", "demands from Moscow")."""
        for child in children:
            if child.lower_.rsplit("-", 1)[-1] in _LIKENESS:
                continue  # "a NATO-style guarantee" is like NATO's, not NATO's
            if child.dep_ in {"poss", "compound", "amod", "nmod"} and child.i < token.i:
                got = self._possessor(child)
                if got:
                    return got
        preps = list(token.children)
        if token.dep_ == "nsubj":
            preps += [c for c in token.head.children if c.lower_ == "from"]  # "calls came from Beijing"
        for prep in preps:
            if prep.dep_ == "prep" and prep.lower_ in {"by", "from"} and prep.i > token.i:
                objects = [c for c in prep.children if c.dep_ == "pobj"]
                got = self.actors_of(objects[0]) if objects else None
                if got:
                    return got
        return None

    @staticmethod
    def _is_verbal(token: Any) -> bool:
        return any(c.dep_ in _SUBJECT_DEPS | {"aux", "dobj", "xcomp", "ccomp"} for c in token.children)

    def _possessor(self, child: Any) -> list[tuple[str, str | None]] | None:
        got = self.actors_of(child)
        if got is None and child.lower_ in {"our", "my"}:
            return self.first_person()  # "our conditions" in a quotation: the speaker's
        if got is None and child.lower_ in _POSSESSIVE_PRONOUNS:
            if child.lower_ in {"its", "their"}:
                return self._pronoun(child)
            return self._person_pronoun(child)
        return got

    def _pronoun(self, token: Any) -> list[tuple[str, str | None]] | None:
        """ "its"/"their"/"it"/"they": the subject of the verb above (the same clause's actor), else the
        nearest party named before in the sentence; "he"/"she": the person resolved by the actor pass."""
        if token.lower_ in {"he", "she", "his", "her"}:
            return self._person_pronoun(token)
        t = token.head
        plural = token.lower_ in {"they", "their", "them"}
        for _ in range(6):
            for c in t.children:
                if c.dep_ in _SUBJECT_DEPS and c.i != token.i and c.i < token.i:
                    got = self.actors_of(c)
                    if got:
                        return got
                    if c.tag_ == ("NNS" if plural else "NN"):
                        return None  # "the rebels rejected X's plan and said they ...": the rebels, no party
            if t.head.i == t.i:
                break
            t = t.head
        at = self.start_of(token)
        before = [m for m in self.mentions if m.end <= at and not self.ctx.is_person(m.actor)]
        for m in reversed(before):
            party = self._party(m.actor)
            if party is not None:
                return [(party, None)]
        return self._previous_subject()

    def _previous_subject(self, depth: int = 0) -> list[tuple[str, str | None]] | None:
        """ "It rejected ..." opening a sentence: the subject of the sentence before, when that is a party
        (within the paragraph or the one before, and only when that sentence was parsed); when that subject
        is "they" or "it" in turn, the one it stands for."""
        index = self.sentence.index
        if index == 0:
            return None
        prev = self.ctx.sentences[index - 1]
        if prev.paragraph < self.sentence.paragraph - 1:
            return None
        if prev.index not in self.ctx.candidates:
            return self._opening_party(prev)
        before = _Sentence(self.ctx, self.cues, prev, None, None, self.bodies)
        for root in (t for t in before.doc if t.dep_ == "ROOT"):
            for subj in (c for c in root.children if c.dep_ in _SUBJECT_DEPS):
                got = before.actors_of(subj, head_only=True)  # "Putin's refusal ... It": not Putin
                if got is None and depth < 2 and subj.lower_ in {"they", "it"}:
                    got = before._previous_subject(depth + 1)  # "They said ... They added ..."
                if got:
                    return [(party, None) for party, _ in got]
        return None

    def _opening_party(self, prev: Sentence) -> list[tuple[str, str | None]] | None:
        """Without a parse: a party the sentence opens with, alone or as the owner of a body ("Russia's
        foreign ministry, meanwhile, ..."), not as the owner of a thing ("Putin's refusal ...")."""
        text = self.ctx.text
        for m in self.ctx.mentions_in(prev.start, prev.end):
            if len(_WORDS.findall(text[prev.start : m.start])) > 1:
                break
            party = self._party(m.actor)
            if party is None:
                continue
            after = text[m.end : prev.end]
            owner = re.match(r"['’]s?\s+", after)
            if owner is None or self.cues.body_nouns.match(" " + after[owner.end() :]):
                return [(party, None)]
            return None
        return None

    def _person_pronoun(self, token: Any) -> list[tuple[str, str | None]] | None:
        at = self.start_of(token)
        hit = self.ctx.mention_at(at, at + len(token.text))
        if hit is not None and hit.how == "pronoun":
            party = self._party(hit.actor)
            return [(party, hit.actor)] if party else None
        owned = token.head.lower_
        if (
            hit is None
            and token.lower_ in {"his", "her"}
            and owned in self.cues.document_words
            and owned not in self.cues.speech_noun_words
            and not self.ctx.segmentation.quoted(at)
        ):
            # the actor pass resolves "he"/"she"; the owner of a document ("his plan calls for ...") is
            # resolved here the same way: the most salient person of that gender in focus
            gender = "male" if token.lower_ == "his" else "female"
            person = self.ctx.person_in_focus(at, gender=gender)
            if person is None and self.quoted_before and self.ctx.is_person(self.quoted_before):
                # nobody named since, but a person's quotation just ended: its speaker
                known = attributor_for(self.ctx).salience.gender(self.quoted_before)
                person = self.quoted_before if known in (None, gender) else None
            party = self._party(person) if person is not None else None
            return [(party, person)] if party else None
        return None

    def deontic(self, pred: _Predicate) -> bool:
        """A cue that asks its subject to act: "must", "should", "has to", "needs to"."""
        assert pred.cue is not None
        word = self.ctx.text[pred.cue.start : pred.cue.end].lower()
        if re.match(r"(?:must|should|ha(?:s|ve|d) to|needs? to|ought to)\b", word):
            return True
        # "X must drop barriers or face penalties": the second verb shares the first one's "must"
        heads = [pred.head] + ([pred.head.head] if pred.head.dep_ == "conj" else [])
        if any(c.dep_ == "aux" and c.lower_ in _DEONTIC_AUX for h in heads for c in h.children):
            return True
        # "Kyiv has to accept", "will need to agree": the verb is the complement of a necessity
        head = pred.head
        return (
            head.dep_ == "xcomp"
            and head.head.lower_ in _NECESSITY
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children)
            and not self.pending(pred)  # "has yet to sign": not a necessity
        )

    def _condition_heads(self) -> dict[int, set[int]]:
        """Condition clauses of the sentence: head token index -> the clause's token indices. A clause with
        a subordinating marker that the grammar calls conditional ("if", "unless", "as soon as", "only
        after"), or a phrase such as "in exchange for" and what it governs."""
        out: dict[int, set[int]] = {}
        pattern = self.cues.conditional
        if pattern is None:
            return out
        text = self.ctx.text
        for t in self.doc:
            if t.dep_ in {"advcl", "ccomp", "pcomp", "conj"}:
                marks = [c for c in t.children if c.dep_ == "mark" and c.i < t.i]
                if not marks and t.left_edge.tag_ == "WRB" and t.left_edge.head.i == t.i:
                    marks = [t.left_edge]  # "if and when Moscow halts": the parser hangs "if" elsewhere
                if marks:
                    # the marker with the words before it: "as soon as", "only after", "provided that"
                    end = self.start_of(marks[0]) + len(marks[0].text)
                    lead = _LAST_WORDS.search(text, max(self.base, end - 24), end)
                    if lead is not None and pattern.search(lead.group()):
                        out[t.i] = {x.i for x in t.subtree}
                        if marks[0].lower_ == "unless" or (
                            marks[0].lower_ == "if" and any(c.dep_ == "neg" for c in t.children)
                        ):
                            self.unless.add(t.i)  # "if China does not withdraw them, we will ...": unless
            elif t.dep_ == "prep":
                start = self.start_of(t)
                if pattern.match(text, start) and text[start : start + 2].lower() != "if":
                    out[t.i] = {x.i for x in t.subtree}
        for t in self.doc:
            # "accept a raise provided the authority drops X", parsed as a participle: the words up to the
            # clause's end, when they hold a finite verb and "provided" is no verb of its own
            if (
                t.lower_ in {"provided", "providing"}
                and t.dep_ in {"acl", "advcl", "amod", "prep", "advmod"}
                and not any(c.dep_ in _SUBJECT_DEPS for c in t.children)
                and not any(t.i in clause for clause in out.values())
                and t.i + 1 < len(self.doc)
                and self.doc[t.i + 1].lower_ not in {"to", "by", "with", "for", "in", "on"}
            ):
                stops = (x.i for x in self.doc[t.i + 1 :] if x.text in {",", ";", ":", "."})
                end = next(stops, len(self.doc))
                first = t.i + 2 if self.doc[t.i + 1].lower_ == "that" else t.i + 1
                # "provided [the authority] drops": a noun phrase, then a finite verb
                opens = first < end and self.doc[first].tag_ in _NOUN_PHRASE_STARTS
                if opens and any(self.doc[j].tag_ in _FINITE_TAGS for j in range(first + 1, end)):
                    out[t.i] = set(range(t.i, end))
        return out

    def _has_condition(self, t: Any) -> bool:
        clause = {x.i for x in t.subtree}
        return any(head in clause for head in self.conditions)

    def in_condition(self, token: Any) -> bool:
        return any(token.i in clause for clause in self.conditions.values())

    def _hypothetical(self, t: Any, *, any_neg: bool = False) -> bool:
        """can/could/might/may on the verb (a negated "cannot accept" is a refusal, unless ``any_neg``)."""
        aux = [c for c in t.children if c.dep_ in {"aux", "auxpass"}]
        if not any(c.lower_ in _HYPOTHETICAL for c in aux):
            return False
        return any_neg or not any(c.dep_ == "neg" for c in t.children)

    # -- polarity, conditions, scope -------------------------------------------------------------------
    def negated(self, pred: _Predicate) -> bool:
        """A negation on the predicate or its clause head ("does not want", "not ready to", "fails to"),
        unless the cue carries it itself ("will not", "never accept")."""
        assert self.cues is not None
        if pred.cue is not None:
            own = self.ctx.text[pred.cue.start : pred.cue.end]
            if self.cues.negators and self.cues.negators.search(own):
                if any(c.dep_ == "neg" and not self._in_cue(pred, c) for c in pred.token.children):
                    pred.stance = "statement"  # "has not ruled out sanctions": a refusal withheld, no stance
                return False
        for t in {pred.token.i: pred.token, pred.head.i: pred.head}.values():
            if any(c.dep_ == "neg" for c in t.children):
                return True
            det = [c for c in t.children if c.dep_ == "det" and c.lower_ == "no"]
            if det:
                return True
            # "neither Kyiv nor Moscow has agreed": the subject's "neither" negates the verb
            if any(
                g.dep_ in {"preconj", "det"} and g.lower_ == "neither"
                for c in t.children
                if c.dep_ in _SUBJECT_DEPS
                for g in c.children
            ):
                return True
        # "fails to accept", "refused to consider": a negating verb right above
        above = pred.head.head
        if above.i != pred.head.i and pred.head.dep_ == "xcomp":
            phrase = self.ctx.text[self.start_of(above) : self.start_of(pred.head)]
            if self.cues.negators and self.cues.negators.match(phrase):
                return True
        return False

    def _in_cue(self, pred: _Predicate, token: Any) -> bool:
        assert pred.cue is not None
        return pred.cue.start <= self.start_of(token) < pred.cue.end

    @staticmethod
    def pending(pred: _Predicate) -> bool:
        """ "Has yet to agree", "is yet to accept": the act is still to come."""
        for t in (pred.token, pred.head):
            above = t.head
            if (
                t.dep_ == "xcomp"
                and above.lower_ in _HAVE_BE
                and any(c.dep_ == "advmod" and c.lower_ == "yet" for c in above.children)
            ):
                return True
        return False

    def hedged(self, pred: _Predicate) -> bool:
        if pred.stance == "threat" or self.cues.hedges is None:
            return False
        lo, hi = self.span_of([pred.head.left_edge, pred.head])
        lo = min(lo, self.start_of(pred.token))
        top = pred.head
        while top.dep_ in {"xcomp", "acomp"} and top.head.i != top.i:
            top = top.head  # "Kyiv is expected (unlikely) to reject": the words above hedge the clause
        lo = min(lo, self.start_of(top.left_edge))
        after = max(pred.head.i, pred.token.i) + 1  # "is expected" needs its "to"
        if after < len(self.doc):
            hi = max(hi, self.span_of([self.doc[after]])[1])
        return bool(self.cues.hedges.search(self.ctx.text, lo, max(hi, self.start_of(pred.token) + 1)))

    def condition_of(self, pred: _Predicate) -> set[int]:
        """Token indices of the condition clauses inside the predicate's own clause (and its light verb's:
        "expressed willingness to drop X if Y", "is ready to ... as soon as")."""
        clause = {x.i for x in pred.head.subtree}
        verb = pred.holder_verb
        light = pred.head.dep_ in {"dobj", "attr", "acomp", "oprd", "xcomp"}
        if verb is not None and verb.i != pred.head.i and pred.head.head.i == verb.i and light:
            clause |= {x.i for x in verb.subtree}
        out: set[int] = set()
        for head, tokens in self.conditions.items():
            if head in clause and not self.framed(self.doc[head], pred.head):
                out |= tokens
        return out

    @staticmethod
    def framed(token: Any, top: Any) -> bool:
        """The token lies in a "without ..." or time phrase below ``top`` ("offered a guarantee, without
        saying how far it would go if ..."): a condition there is not the predicate's."""
        t = token
        while t.i != top.i and t.head.i != t.i:
            if t.dep_ == "prep" and (t.lower_ == "without" or t.lower_ in _TIME_PREPS):
                return True
            t = t.head
        return False

    def scope(self, pred: _Predicate, others: list[_Predicate]) -> set[int]:
        """Token indices of the predicate's clause, without the clauses of other holders inside it and
        without its condition."""
        root = pred.token if pred.token.i == pred.head.i and pred.stance != "statement" else pred.head
        if pred.cue is None and pred.stance == "statement":
            tokens = {t.i for t in pred.head.subtree}
            for c in pred.head.children:
                if c.dep_ in _SUBJECT_DEPS:
                    tokens -= {t.i for t in c.subtree}
        elif _participle_modifier(root):
            tokens = {t.i for t in root.head.subtree}  # "the planned U.S. port fees": the whole noun phrase
        else:
            tokens = {t.i for t in root.subtree}
        if root.dep_ == "dobj" and root.tag_.startswith("NN") and pred.cue is not None:
            # "voiced frustration with X", "expressed support for X": the parser hangs the noun's
            # phrase on the light verb
            for c in root.head.children:
                if c.dep_ == "prep" and c.i > root.i and c.lower_ in _NOUN_PREPS:
                    tokens |= {x.i for x in c.subtree}
        if root.dep_ in {"acl", "relcl"}:
            # "the 12-point plan, agreed by both sides": the noun the clause describes is its content
            noun = root.head
            tokens |= {noun.i}
            for c in noun.children:
                if c.dep_ in {"compound", "amod", "nummod", "nmod"}:
                    tokens |= {x.i for x in c.subtree}  # "the 12-point plan": its number too
        for other in others:
            if (
                other is pred
                or not other.holders
                or other.head.i not in tokens
                or other.head.i == root.i
                or other.content_of is not None
            ):
                continue
            # another holder's clause inside this one, or a coordinated stance of its own ("never
            # recognise X and called for Y"): not this predicate's content
            if other.holders != pred.holders or self._coordinated(other.head, root):
                tokens -= {t.i for t in other.head.subtree}
        for t in list(self.doc):
            if t.i in tokens and t.dep_ == "prep" and t.lower_ in _TIME_PREPS and t.i != root.i:
                tokens -= {x.i for x in t.subtree}
            elif (
                t.i in tokens
                and t.dep_ == "conj"
                and t.head.i == root.i
                and any(c.dep_ in _SUBJECT_DEPS for c in t.children)
            ):
                tokens -= {x.i for x in t.subtree}  # "..., but Kyiv has removed X": a clause of its own
        if root.dep_ in {"acl", "relcl"} and root.head.lower_ in _ANAPHORIC_NOUNS:
            # "X must cede Donetsk, a condition Kyiv rejects": the noun sums up the clause before it
            comma = root.head.left_edge.i - 1
            if comma > 0 and self.doc[comma].text in {",", "–", "—", "-"}:
                tokens |= set(range(comma))
        return tokens - pred.condition

    @staticmethod
    def _coordinated(token: Any, root: Any) -> bool:
        while token.i != root.i and token.head.i != token.i:
            if token.dep_ == "conj":
                return True
            token = token.head
        return False


@dataclass
class _Claim:
    party: str
    speaker: str | None
    stance: str
    issue: str
    tokens: set[int]  # the clause the issue was found in
    cue_start: int
    confidence: float
    red_line: bool = False
    conditional_on: str | None = None
    negated: bool = False
    stop: frozenset[int] = frozenset()  # the predicate's own words: they do not negate its anchors
    branch: int = -1  # the coordinated clause it stands in ("refused X and wants Y": two branches)


def _branch(token: Any) -> int:
    """The token heading the coordinated branch ``token`` lies in (-1: the sentence's main line)."""
    while token.head.i != token.i:
        if token.dep_ == "conj" and not _shares_object(token):
            return int(token.i)
        token = token.head
    return -1


_PACE_NOUNS = frozenset({"urgency", "rush", "hurry", "haste"})


def _unhurried(head: Any, negated: bool) -> bool:
    """ "There need not be any haste about a summit", "there should be no rush to a summit": the
    negation is of the pace, not of the meeting."""
    return any(c.dep_ == "expl" for c in head.children) and any(
        c.dep_ in {"attr", "nsubj"}
        and c.lower_ in _PACE_NOUNS
        and (negated or any(d.lower_ == "no" for d in c.children))
        for c in head.children
    )


def _token_in(reader: _Sentence, hit: _Hit, tokens: set[int]) -> bool:
    token = reader.token_at(hit.start)
    return token is not None and token.i in tokens


def _shares_object(conj: Any) -> bool:
    """Nothing of the first verb's own stands between it and its conjunct ("we agreed and proposed a plan"):
    one clause, whose object the verbs share."""
    verb = conj.head
    return verb.tag_.startswith("VB") and all(c.dep_ in {"cc", "punct"} for c in verb.rights if c.i < conj.i)


def _leading_parties(ctx: DocContext) -> list[str]:
    """The two parties the article names most (for "the two sides", "both countries")."""
    counts: dict[str, int] = {}
    for m in ctx.mentions:
        party = ctx.party_of(m.actor)
        known = ctx.codebook.actor_by_id.get(party or "")
        if known is not None and known.is_party:
            counts[known.id] = counts.get(known.id, 0) + 1
    return [p for p, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:2]]


def _sentence_claims(
    ctx: DocContext,
    cues: CompiledCues,
    sentence: Sentence,
    issues: list[_Hit],
    speaker: str | None,
    reporter: str | None,
    bodies: dict[str, str] | None = None,
    focus: frozenset[int] | None = None,
    quoted_before: str | None = None,
) -> tuple[list[_Claim], _Sentence]:
    """The claims and the sentence's reader. ``focus``: the only predicates (by token) that may state a claim,
    when the issues come from before."""
    reader = _Sentence(ctx, cues, sentence, speaker, reporter, bodies, quoted_before)
    preds = reader.predicates()
    if focus is not None:
        preds = [p for p in preds if p.token.i in focus or p.head.i in focus]
    by_token: dict[int, _Predicate] = {}
    for p in preds:
        by_token.setdefault(p.token.i, p)
        by_token.setdefault(p.head.i, p)
    cue_heads = {p.head.i for p in preds if p.cue is not None}
    retracted = {id(p): got for p in preds if (got := reader.retraction(p)) is not None}
    retract_verbs = {verb.i for verb, _ in retracted.values()}
    kept: list[_Predicate] = []
    for pred in preds:
        if pred.cue is None and pred.stance != "statement" and _under(pred.head, cue_heads):
            continue  # "demanded that the union give way": the action is what is demanded
        if pred.token.i in retract_verbs or pred.token.i in reader.unsaid or pred.token.i in reader.alleged:
            continue  # "dropped" in "dropped its demand": the noun says what is taken back
        if id(pred) in retracted:
            # a demand taken back: the holder's own states no point any more; another's, removed by the
            # holder, is rejected ("removed the union's requirement that ...")
            _, who = retracted[id(pred)]
            owner = reader.noun_owner(pred.token, list(pred.token.children))
            parties = {p for p, _ in who or ()}
            if owner is None and reader.demanded_of(pred.token) & parties:
                owner = [("", None)]  # "removed the requirement for Kyiv to withdraw", by Kyiv: not its own
            if not who or owner is None or {p for p, _ in owner} <= parties:
                continue
            pred.holders, pred.negated = who, True
            pred.condition = reader.condition_of(pred)
            kept.append(pred)
            continue
        verdict = reader.find_holder(pred, by_token)
        if verdict != "ok":
            continue
        pred.holders = [
            (party, person or reader.reporting_person(pred, party)) for party, person in pred.holders
        ]
        pred.condition = reader.condition_of(pred)
        if reader.hedged(pred) and not pred.condition:
            continue
        pred.negated = reader.negated(pred)
        if _unhurried(pred.head, pred.negated):
            pred.stance, pred.negated = "statement", False  # "there is no urgency for a summit": when, not if
        if reader.pending(pred):
            pred.stance = "statement"  # "is yet to sign up to the truce": no stance yet, and none refused
        if pred.negated and pred.cue is None and pred.stance != "statement":
            continue  # "has not released the prisoners", "has not lifted sanctions": no act, and no refusal
        if pred.negated and pred.cue and ctx.text[pred.cue.start : pred.cue.end].lower().startswith("expect"):
            continue  # "does not expect Moscow to attend": a forecast, not a refusal
        if pred.negated and pred.cue and ctx.text[pred.cue.start : pred.cue.end].lower() in _PROHIBITING:
            # "Kyiv must not join NATO": what is demanded is the negated act, the point at the other end
            pred.negated, pred.prohibits = False, True
        kept.append(pred)
    agreeing = [p for p in kept if p.cue is not None and p.stance == "accept" and not p.negated]
    kept = [
        p
        for p in kept
        if not (
            p.stance == "demand"
            and p.cue is not None
            and (reader.deontic(p) or p.head.dep_ == "xcomp")
            and any(a.holders == p.holders and _complement_of(p.head, a.head) for a in agreeing)
        )
    ]  # "agreed that both sides should cooperate", "agreed to seek a truce": what they agree on
    issue_tokens = [(h, reader.token_at(h.start)) for h in issues]
    opening = reader.topic_phrase()
    topic = [h for h, t in issue_tokens if t is not None and t.i in opening]
    claims: list[_Claim] = []
    pointing: frozenset[int] | None = None  # stances on "the offer", "the idea" (computed when needed)
    for pred in kept:
        scope = reader.scope(pred, kept)
        in_scope = [h for h, t in issue_tokens if t is not None and t.i in scope]
        in_condition = [h for h, t in issue_tokens if t is not None and t.i in pred.condition]
        if not in_scope and not in_condition and topic:
            in_scope = topic  # "Regarding the planned fees, the ministry said China will retaliate"
        if not in_scope and not in_condition and pred.cue is not None:
            if pointing is None:
                pointing = _refers_back(reader)
            if pred.token.i in pointing:  # "Putin is open to talks, but Kyiv dismissed the offer"
                before = [h for h, _ in issue_tokens if h.end <= pred.cue.start]
                in_scope = before[-1:]
        if not in_scope and not in_condition:
            if pred.cue is None or len({party for p in kept for party, _ in p.holders}) > 1:
                continue
            # an issue in a coordinated clause with a stance of its own is that stance's
            own = _branch(pred.head)
            mine = {t.i for t in reader.doc[own].subtree} if own >= 0 else set()
            elsewhere: set[int] = set()
            for o in preds:
                other = _branch(o.head)
                if o is not pred and o.cue is not None and other != own:
                    top = reader.doc[other] if other >= 0 else o.head
                    elsewhere |= {t.i for t in top.subtree} - mine
            for t in reader.doc:  # a time frame ("before talks") is when, not what: the scope left it out
                if t.dep_ == "prep" and t.lower_ in _TIME_PREPS and t.i != pred.token.i:
                    elsewhere |= {x.i for x in t.subtree}
            in_scope = _nearest(  # a lone stance cue: the issue cued nearest to it
                [h for h, t in issue_tokens if t is None or t.i not in elsewhere], pred.cue
            )
            near = reader.token_at(in_scope[0].start) if in_scope else None
            if near is not None:  # its point: from the clause the issue is named in
                verb = near
                while verb.dep_ not in _VERBAL and verb.head.i != verb.i:
                    verb = verb.head
                scope = scope | {t.i for t in verb.subtree}
        specific = [h for h in in_scope if h.key not in cues.catch_all]
        if specific:
            # a catch-all issue gives way to a specific one, unless it is the object of an action of its
            # own ("willing to halt strikes and open talks": two things offered)
            in_scope = specific + [
                h for h in in_scope if h.key in cues.catch_all and _own_action(reader, h, specific)
            ]
        absorbed = {a for h in in_scope for a in cues.no_deal_affects.get(h.key, ())}
        if absorbed:  # "plans to advance further into the region": what the alternative to a deal would take
            in_scope = [h for h in in_scope if h.key not in absorbed]
        stance = _polar(pred.stance, pred.negated)
        condition_issue = next((h.key for h in in_condition if h.key not in cues.catch_all), None)
        condition_issue = condition_issue or (in_condition[0].key if in_condition else None)
        red = _red_line(ctx, cues, reader, pred, scope)
        threatening = any(head in pred.condition for head in reader.unless) or (
            pred.cue is None
            and pred.condition
            and (
                (pred.stance == "plan" and cues.action_lemmas.get(pred.token.lower_) == "escalation")
                or pred.stance == "reject"  # "would leave the talks if ...": breaking them off
            )
        )  # "will strike the sites if the talks fail": a move away the other side is to prevent
        for party, person in pred.holders:
            for hit in in_scope:
                final = stance
                cond = None
                if pred.condition:
                    # conditional_on: None when the condition names no other issue ("if promises are kept")
                    cond = condition_issue if condition_issue != hit.key else None
                    acted = stance in {"accept", "reject"} and pred.cue is None  # "will end the swaps"
                    acts = stance in {"plan", "statement"} or acted
                    if threatening and acts:
                        final = "threat"  # "we will strike unless ...": what happens if the other side won't
                    elif stance in {"offer", "accept", "plan", "statement"}:
                        final = "conditional"
                claims.append(
                    _Claim(
                        party,
                        person,
                        final,
                        hit.key,
                        scope,
                        pred.token.idx,
                        pred.confidence,
                        red,
                        cond,
                        pred.negated,
                        frozenset({pred.token.i} if pred.prohibits else {pred.token.i, pred.head.i}),
                        _branch(pred.head),
                    )
                )
            for hit in in_condition:
                if any(h.key == hit.key for h in in_scope) or hit.key in cues.catch_all:
                    continue  # a catch-all issue in a condition ("if talks fail") is its frame, not a demand
                # the condition is what the holder asks for; a threat with nothing else in view is about it
                kind = "threat" if stance == "threat" and not in_scope else "demand"
                claims.append(
                    _Claim(
                        party,
                        person,
                        kind,
                        hit.key,
                        pred.condition,
                        pred.token.idx,
                        round(pred.confidence * 0.8, 3),
                    )
                )
    return _yes_but(reader.doc.text, claims), reader


_IN_PRINCIPLE = re.compile(r"\bin principle\b", re.IGNORECASE)
_BUT = re.compile(r"\b(?:but|however|provided)\b", re.IGNORECASE)


def _yes_but(text: str, claims: list[_Claim]) -> list[_Claim]:
    """An acceptance "in principle", or one that a "but" clause of the same party's demands qualifies ("we
    agree with the truce, but it must lead to lasting peace"), is conditional on those demands."""
    for c in claims:
        if c.stance != "accept" or c.negated:
            continue
        near = text[c.cue_start : c.cue_start + 40]
        demands = [
            d
            for d in claims
            if d.party == c.party
            and d.stance == "demand"
            and d.cue_start > c.cue_start
            and _BUT.search(text, c.cue_start, d.cue_start)
        ]
        if demands or _IN_PRINCIPLE.search(near):
            c.stance = "conditional"
            other = next((d.issue for d in demands if d.issue != c.issue), None)
            c.conditional_on = c.conditional_on or other
    return claims


def _own_action(reader: _Sentence, hit: _Hit, others: Sequence[_Hit]) -> bool:
    """The issue's cue is the direct object of a verb coordinated with another ("stop X and begin Y"),
    and no other issue is named inside that verb's phrase."""
    token = reader.token_at(hit.start)
    while token is not None and token.dep_ in {"compound", "amod"} and token.head.i != token.i:
        token = token.head
    if token is not None and token.tag_.startswith("VB"):
        verb = token  # the cue is the action itself ("to sign X or to meet Zelenskyy")
    elif token is None or token.dep_ != "dobj":
        return False
    else:
        verb = token.head
    if verb.dep_ != "conj" and not any(c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"} for c in verb.children):
        return False
    phrase = {t.i for t in verb.subtree} - {t.i for c in verb.children if c.dep_ == "conj" for t in c.subtree}
    for other in others:
        at = reader.token_at(other.start)
        if at is not None and at.i in phrase:
            return False
    return True


def _participle_modifier(token: Any) -> bool:
    """A participle before a noun ("the planned fees", "the proposed sanctions")."""
    participle = token.lower_.endswith("ed") and len(token) > 4  # not "a red line"
    return bool(token.dep_ == "amod" and token.tag_ in {"VBN", "JJ"} and participle)


def _complement_of(token: Any, head: Any) -> bool:
    """``token`` stands in ``head``'s complement clause ("agreed that both should ..."), not in a clause
    coordinated with it ("agree ..., but we assume ... should")."""
    while token.head.i != token.i:
        if token.dep_ == "conj":
            return False
        token = token.head
        if token.i == head.i:
            return True
    return False


def _under(token: Any, heads: set[int]) -> bool:
    while token.head.i != token.i:
        token = token.head
        if token.i in heads:
            return True
    return False


def _nearest(issues: list[_Hit], cue: _Hit) -> list[_Hit]:
    best: tuple[int, _Hit] | None = None
    for h in issues:
        distance = h.start - cue.end if h.start >= cue.end else (cue.start - h.end) * 2 + 1
        if best is None or max(distance, 0) < best[0]:
            best = (max(distance, 0), h)
    return [best[1]] if best else []


def _polar(stance: str, negated: bool) -> str:
    if not negated:
        return stance
    if stance in {"accept", "offer", "demand", "plan"}:
        return "reject"
    if stance == "reject":
        return "accept"
    if stance == "threat":
        return "statement"  # "avoid retaliation", "will not retaliate"
    return stance


def _red_line(
    ctx: DocContext, cues: CompiledCues, reader: _Sentence, pred: _Predicate, scope: set[int]
) -> bool:
    if cues.red_line is None:
        return False
    clause = {t.i for t in pred.head.subtree} & (scope | {pred.head.i, pred.token.i})
    for m in cues.red_line.finditer(reader.sentence.text):
        token = reader.token_at(reader.base + m.start())
        if token is not None and (token.i in clause or token.i in scope):
            return True
    return False


# --- points on the scale ------------------------------------------------------------------------------


def _clause_text(reader: _Sentence, tokens: set[int]) -> list[tuple[int, int]]:
    """Character ranges of a set of tokens (runs of consecutive tokens)."""
    runs: list[tuple[int, int]] = []
    for i in sorted(tokens):
        t = reader.doc[i]
        start, end = reader.start_of(t), reader.start_of(t) + len(t.text)
        if runs and i - 1 in tokens:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def _point(
    ctx: DocContext,
    cues: CompiledCues,
    reader: _Sentence,
    issue: str,
    tokens: set[int],
    stop: frozenset[int] = frozenset(),
    topics: Sequence[tuple[int, int]] = (),
) -> float | None:
    """The point the clause's words put the issue at: a measure (a number with its unit) first, then an
    anchor cue; a negated anchor at an end of the scale means the other end. ``topics``: the spans of the
    issue's own cues, which name the issue rather than place it."""
    runs = _clause_text(reader, tokens)
    text = ctx.text
    measure = cues.measures.get(issue)
    if measure is not None:
        found: list[tuple[float, bool, int]] = []  # (value, named as the point reached: "to 30%", where)
        for lo, hi in runs:
            for m in measure[1].finditer(text, lo, hi + 30):
                if m.start() >= hi:
                    continue
                quantity = float(m.group(1).replace(",", ""))
                scale = (m.group(2) or "").strip().lower()
                quantity *= _SCALE.get(scale, 1.0)
                after_to = bool(_POINT_REACHED.search(text[max(0, m.start() - 16) : m.start()]))
                if _PERCENT.match(text, m.end()) and _removed(reader, cues, m.start()):
                    quantity, after_to = 0.0, True  # "withdraw its 34% tariff": the rate goes, to none
                found.append((measure[0].value_of(quantity), after_to, m.start()))
        if found:
            # "cut to 30% from 145%", "from 80% to 60%": the figure after "to" is where it goes, else the
            # last; of several, the one nearest the words that name this issue (a sentence may give two)
            targets = [f for f in found if f[1]] or found

            def distance(figure: tuple[float, bool, int]) -> int:
                return min((abs(figure[2] - (a if figure[2] < a else b)) for a, b in topics), default=0)

            return min(reversed(targets), key=distance)[0]
    found_anchors: list[tuple[float, int, int]] = []  # (value, start, end)
    for value, pattern in cues.anchors.get(issue, ()):
        for lo, hi in runs:
            for m in pattern.finditer(text, lo, hi):
                token = reader.token_at(m.start())
                if token is not None and token.dep_ == "neg" and token.head.i in stop:
                    continue  # "will never join": that "never" is the rejection, not a point
                own_negation = bool(cues.negators and cues.negators.search(m.group()))  # "no layoffs"
                if not own_negation and token is not None and _negated_word(token, cues, text, reader, stop):
                    if value in (0.0, 100.0):
                        found_anchors.append((100.0 - value, m.start(), m.end()))
                    continue
                found_anchors.append((value, m.start(), m.end()))
    # words that only name the issue ("job cuts" on a job-security scale) give way to the words that place it
    placing = [a for a in found_anchors if not any(s < a[2] and a[1] < e for s, e in topics)]
    values = sorted({v for v, _, _ in (placing or found_anchors)})
    if not values:
        return None
    return values[0] if len(values) == 1 else float(statistics.median(values))


def _removed(reader: _Sentence, cues: CompiledCues, at: int) -> bool:
    """The figure at ``at`` is the rate of a measure a removal verb takes away: "lift the 34% tariff",
    "the 25% levy was scrapped" (not "cut the tariff to 10%": that names where it goes)."""
    token = reader.token_at(at)
    for _ in range(4):
        if token is None or token.head.i == token.i:
            return False
        if token.dep_ in {"dobj", "nsubjpass"} and token.head.lower_ in cues.removal_forms:
            return True
        if token.dep_ not in {"nummod", "compound", "amod", "nmod", "quantmod", "npadvmod", "punct"}:
            return False
        token = token.head
    return False


def _negated_word(
    token: Any, cues: CompiledCues, text: str, reader: _Sentence, stop: frozenset[int] = frozenset()
) -> bool:
    """The anchor's word is negated: a negation on it or its head ("not join"), or a head that refuses or
    renounces it ("a rejection of joining", "abandon plans to join"); never by the stance predicate itself (in
    ``stop``: a rejection's own "not" is its stance)."""
    if token.dep_ == "neg":
        return False  # the anchor is the negation itself ("never")
    heads = [token]
    while len(heads) < 3 and heads[-1].head.i != heads[-1].i and heads[-1].head.i not in stop:
        heads.append(heads[-1].head)
    for t in heads[:2]:
        if t.i in stop:
            continue  # "will not lift the sanctions": that "not" is the rejection itself
        if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in t.children):
            return True
    reject = cues.stances.patterns("reject")
    for t in heads[1:]:
        at = reader.start_of(t)
        word = text[at : at + len(t.text) + 12]
        if any(p.match(word) for p in reject) or (cues.negators and cues.negators.match(word)):
            return True
    return False


# --- the article --------------------------------------------------------------------------------------


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


def find_positions(
    ctx: DocContext, quotes: Sequence[Quote] = (), statements: Sequence[Statement] = ()
) -> list[Position]:
    """Positions in the article (see the module docstring for the rules)."""
    cues = compiled_cues(ctx.codebook)
    quoted = _speaker_spans(quotes)
    reported = _speaker_spans(statements)
    bodies: dict[str, str] = {}  # "spokesperson" -> its party, as the article introduces them
    out: list[Position] = []
    recent: Sentence | None = None  # the last sentence that named an issue
    for sentence in ctx.sentences:
        paragraph = ctx.paragraphs[sentence.paragraph]
        if paragraph.heading:
            continue
        if not (paragraph.bullet or sentence.index in ctx.candidates):
            recent = sentence if cues.issues.search(sentence.text) else recent
            continue  # a position needs cues that make a sentence a candidate (list items: their lead-in)
        issues = _issue_hits(cues, sentence.text, sentence.start)
        if not issues:
            if recent is not None and sentence.index - recent.index <= _POINTING_BACK:
                speaker = _speaker_for(sentence, quoted)
                reporter = speaker or _speaker_for(sentence, reported)
                pointing = _refers_back(_Sentence(ctx, cues, sentence, speaker, reporter, bodies))
                if pointing:  # "we will never accept it": the issue the sentences just before named
                    earlier = _issue_hits(cues, recent.text, recent.start)
                    out.extend(
                        _sentence_positions(ctx, cues, sentence, earlier, speaker, reporter, bodies, pointing)
                    )
            continue
        recent = sentence
        if paragraph.bullet:
            listed = _list_context(ctx, paragraph, cues)
            if listed is not None:
                out.append(_list_position(ctx, cues, sentence, issues, *listed))
                continue
        speaker = _speaker_for(sentence, quoted)
        reporter = speaker or _speaker_for(sentence, reported)
        before = None if speaker else _quoted_before(ctx, sentence, quoted)
        out.extend(_sentence_positions(ctx, cues, sentence, issues, speaker, reporter, bodies, None, before))
    return _threatened_outcomes(ctx.codebook, out)


def _quoted_before(ctx: DocContext, sentence: Sentence, spans: list[tuple[int, int, str]]) -> str | None:
    """The speaker of the quotation that ends last before the sentence, in its paragraph or the one before
    ('"... The world has seen too much blood." His plan calls for ...': his)."""
    ended = [(end, speaker) for start, end, speaker in spans if end <= sentence.start]
    if not ended:
        return None
    end, speaker = max(ended)
    at = ctx.sentence_at(max(end - 1, 0))
    return speaker if at is not None and sentence.paragraph - at.paragraph <= 1 else None


_POINTING_BACK = 2  # sentences a "this" may reach back for its issue
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those", "it"})
_BARE_DETERMINERS = (["the"], ["this"], ["that"])
_ANAPHORIC_NOUNS = frozenset(
    {
        *("idea", "proposal", "offer", "plan", "demand", "move"),
        *("suggestion", "request", "condition", "claim", "step"),
    }
)
# the words of such an object, for choosing sentences before any parse ("that" only where a clause ends)
_BACK_REFERENCE = re.compile(
    r"\b(?:(?:this|these|those|it|that)(?=\s*(?:[.,;:!?\"”’)]|$))|(?:the|this|that) (?:"
    + "|".join(sorted(_ANAPHORIC_NOUNS))
    + r")\b)",
    re.IGNORECASE,
)


def _refers_back(reader: _Sentence) -> frozenset[int]:
    """Stance cues (their tokens) whose object is a bare demonstrative or "it" ("will never accept it",
    "rejected that"): what they are about was named before."""
    out: set[int] = set()
    for hit in reader.stance_hits():
        token = reader.token_at(hit.start)
        if token is None or hit.key in {"statement", "conditional"}:
            continue
        for t in (token, reader.clause_head(token)):
            for c in t.children:
                if c.dep_ != "dobj":
                    continue
                if c.lower_ in _DEMONSTRATIVES and not list(c.children):
                    out |= {token.i, t.i}  # "never accept it"
                elif (
                    c.lower_ in _ANAPHORIC_NOUNS
                    and [d.lower_ for d in c.children if d.dep_ != "prep" or d.lower_ != "as"]
                    in _BARE_DETERMINERS
                ):
                    out |= {token.i, t.i}  # "turned down the idea (as a ploy)": the one just described
    return frozenset(out)


def _threatened_outcomes(codebook: Codebook, positions: list[Position]) -> list[Position]:
    """Rule 9: a party threatens what it would impose, so an unplaced threat on a no-deal issue takes the
    anchor nearest the holder's own points on the issues that anchor implies (ties: no value)."""
    own: dict[tuple[str, str], list[float]] = {}
    for p in positions:
        if p.value is not None and p.stance != "threat":
            own.setdefault((p.actor, p.issue), []).append(p.value)
    out: list[Position] = []
    for p in positions:
        issue = codebook.issue_by_id[p.issue]
        if p.stance == "threat" and p.value is None and issue.no_deal:
            gaps: list[tuple[float, float]] = []  # (mean distance, anchor value)
            for anchor in issue.anchors:
                held = [
                    abs(statistics.median(own[(p.actor, k)]) - v)
                    for k, v in anchor.implies.items()
                    if (p.actor, k) in own
                ]
                if held:
                    gaps.append((statistics.fmean(held), float(anchor.value)))
            gaps.sort()
            if gaps and (len(gaps) == 1 or gaps[0][0] < gaps[1][0]):
                p = replace(p, value=gaps[0][1])
        out.append(p)
    return out


def _sentence_positions(
    ctx: DocContext,
    cues: CompiledCues,
    sentence: Sentence,
    issues: list[_Hit],
    speaker: str | None,
    reporter: str | None,
    bodies: dict[str, str] | None = None,
    focus: frozenset[int] | None = None,
    quoted_before: str | None = None,
) -> list[Position]:
    claims, reader = _sentence_claims(
        ctx, cues, sentence, issues, speaker, reporter, bodies, focus, quoted_before
    )
    if not claims and speaker is not None and focus is None:
        # a sentence of a quotation with no clause of its own: the speaker's statement on its issue
        party = ctx.party_of(speaker)
        known = ctx.codebook.actor_by_id.get(party or "")
        if known is not None and known.is_party:
            # not an issue named as the time frame ("following a ceasefire, we will ...")
            tokens = [(h, reader.token_at(h.start)) for h in issues]
            issues = [h for h, t in tokens if t is None or not reader.framed(t, t.sent.root)]
            specific = [h for h in issues if h.key not in cues.catch_all] or issues
            person = speaker if ctx.is_person(speaker) else None
            # "a settlement is possible only if Kyiv stops fighting": what the condition asks is demanded,
            # and the rest is offered on it
            condition = {i for clause in reader.conditions.values() for i in clause}
            asked = [h for h in specific if h.key not in cues.catch_all and _token_in(reader, h, condition)]
            on = asked[0].key if asked else None
            rest = "conditional" if on else "statement"
            claims = [
                _Claim(known.id, person, "demand", h.key, set(), 0, 0.4)
                if h in asked
                else _Claim(known.id, person, rest, h.key, set(), 0, 0.5, conditional_on=on)
                for h in specific
            ]
    best: dict[tuple[str, str, int], _Claim] = {}
    for claim in claims:
        key = (claim.party, claim.issue, claim.branch)
        seen = best.get(key)
        if seen is None or (_RANK[claim.stance], -claim.confidence) < (_RANK[seen.stance], -seen.confidence):
            if seen is not None:
                claim.red_line = claim.red_line or seen.red_line
                claim.conditional_on = claim.conditional_on or seen.conditional_on
            best[key] = claim
        else:
            seen.red_line = seen.red_line or claim.red_line
            seen.conditional_on = seen.conditional_on or claim.conditional_on
    out: list[Position] = []
    kept: set[tuple[str, str, str]] = set()
    stated = {(c.party, c.issue) for c in best.values() if c.stance != "statement"}
    for claim in best.values():
        if (claim.party, claim.issue, claim.stance) in kept:
            continue  # the same stance in two branches of the sentence: once
        if claim.stance == "statement" and (claim.party, claim.issue) in stated:
            continue  # "Israel will pull out, a spokesman said": the stance said, not a bare statement
        kept.add((claim.party, claim.issue, claim.stance))
        issue = ctx.codebook.issue_by_id[claim.issue]
        stance = issue.stance_map.get(claim.stance, claim.stance)
        if claim.tokens:
            topics = [(h.start, h.end) for h in issues if h.key == claim.issue]
            point = _point(ctx, cues, reader, claim.issue, claim.tokens, claim.stop, topics)
        else:
            point = _sentence_point(cues, claim.issue, sentence.text)
        if point is None and stance in _PLAIN_STANCES:
            point = issue.plain_value  # the issue named with no point on it: the thing itself
        value, rejected = (point, None)
        if stance == "reject":
            # turning down one end of the scale ("will never cede Donetsk") places the holder at the other
            value, rejected = (100.0 - point if point in (0.0, 100.0) else None), point
        out.append(
            Position(
                actor=claim.party,
                issue=claim.issue,
                stance=stance,
                value=value,
                rejected_value=rejected,
                conditional_on=claim.conditional_on,
                red_line=claim.red_line,
                speaker=claim.speaker,
                evidence=sentence.text,
                start=sentence.start,
                end=sentence.end,
                extractor=EXTRACTOR,
                confidence=claim.confidence,
            )
        )
    return out


def _sentence_point(cues: CompiledCues, issue: str, text: str) -> float | None:
    values = {value for value, pattern in cues.anchors.get(issue, ()) if pattern.search(text)}
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


def _list_position(
    ctx: DocContext,
    cues: CompiledCues,
    sentence: Sentence,
    issues: list[_Hit],
    party: str,
    stance: str,
    speaker: str | None,
) -> Position:
    specific = [h for h in issues if h.key not in cues.catch_all] or issues
    issue = specific[0].key
    stance = ctx.codebook.issue_by_id[issue].stance_map.get(stance, stance)
    point = _sentence_point(cues, issue, sentence.text)
    return Position(
        actor=party,
        issue=issue,
        stance=stance,
        value=None if stance == "reject" else point,
        rejected_value=point if stance == "reject" else None,
        red_line=bool(cues.red_line and cues.red_line.search(sentence.text)),
        speaker=speaker,
        evidence=sentence.text,
        start=sentence.start,
        end=sentence.end,
        extractor=EXTRACTOR,
        confidence=0.75,
    )
