"""Who said it: shared machinery for direct quotes (``quotes.py``) and reported speech (``speech.py``).

Everything here is grammar, not domain knowledge: the reporting verbs, speech nouns, role nouns and gender
words of the language's grammar (``zopa/data/grammar-en.yaml``, extended by a codebook), the segmentation of
``_nlp.segment`` (paragraphs, sentences, quotation marks, the masked text) and the spaCy parses of the
sentences that can hold evidence. Which names denote which actor comes from the mentions the actor extractor
found with the codebook (``Mention.actor`` is a codebook id or ``"ner:<Name>"``).

* A reporting verb is recognised by its lemma (and part of speech) in a parsed sentence, by any of its
  inflections elsewhere; multi-word cues ("call on", "according to", "made it clear") inflect their first
  word. Verbs inside quotation marks are the speaker's own words, never a cue.
* The speaker is the subject of the reporting verb: in a parsed sentence, the verb's nominal subject (through
  conjoined verbs, "went on to say", "saying", relative clauses, "according to X", the agent of a passive),
  resolved to a mention: a person named in apposition to a role noun ("Their press aide, John Doe,
  said"), the possessor of a speech noun ("the envoy's remarks indicate"), the body a spokesman speaks for, a
  person entity, or a capitalised name, a person named after a role and a comma ("the envoy at the time,
  John Doe"), the body named before whose name a definite noun heads ("the board": "the Board of
  Elections"); elsewhere, the nearest mention before the verb in its clause or right after it (for a
  participle after a comma, the mention opening its clause: "Roe spoke in Ohio, telling ...").
* A pronoun (he/she) or a definite role description ("the senator") resolves to the most salient compatible
  person of its paragraph and the two before (:class:`Salience`): mentions inside quotations never count;
  a speaker (the subject of a reporting verb, or a name whose relative clause reports: "Roe, who said")
  outranks a subject (or the person a "there is" sentence turns to), a subject any other mention, a recent
  sentence an older one; a person whose gender the text gives (an honorific, a gendered noun, a pronoun
  that refers back to them in their own sentence) is compatible only with a pronoun of that gender;
  "As for X," makes X the topic a pronoun after it refers to.

Offsets are character offsets into the document text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from zopa.extract._nlp import MASK, Segmentation, Sentence, segment
from zopa.grammar import Grammar, default_grammar, verb_forms

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from zopa.extract._nlp import DocContext
    from zopa.records import Mention

Parser = Callable[[int], "tuple[Doc, int] | None"]

DASHES = "—–―‒"  # em dash, en dash, horizontal bar, figure dash: all set off an attribution ("— Jane Roe")
SUBJECT_PRONOUNS = {"he": "male", "she": "female"}
_PRONOUN_RE = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)
_GENDER_PRONOUNS = {
    "he": "male",
    "him": "male",
    "his": "male",
    "himself": "male",
    "she": "female",
    "her": "female",
    "hers": "female",
    "herself": "female",
}
_GENDERED_PRONOUN = re.compile(r"\b(?:he|she|his|her|him|himself|herself)\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s?$")
_OF_AFFILIATION = re.compile(r"(?<=\w)\s+of(?:\s+.*)?$")
_NAME_SUFFIX = re.compile(r",?\s+(?:Jr|Sr|II|III|IV)\.?$")
_PASSIVE_GAP = re.compile(r"\b(?:was|were|is|are|been|being|be|get|gets|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
# a subjectless clause right before the verb ("told the senators when pressed"): who was pressed
_ELLIPTIC_GAP = re.compile(r"\b(?:when|if|as|once|unless|until|after|before|while)\s+$", re.IGNORECASE)
_AND_GAP = re.compile(r"\s(?:and|or|but)\s+(?:then\s+)?$", re.IGNORECASE)  # "... drawl and quipped"
# a subordinate clause with a subject of its own ("as the crowd roared")
_NEW_CLAUSE = re.compile(r"\b(?:as|while|when|whereas|because)\s+(?:the|a|an|his|her|their|its)\s", re.I)
_BARE_PRONOUN = re.compile(r"\b(?:he|she|they|it|i|we|you)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][\w'’\-.]*")
_ANY_WORD = re.compile(r"[A-Za-z]+")
_RELATIVE_OPEN = re.compile(r"\s*,\s*(?:who|whom|whose|which)\b[^,;:]*")  # ", who gave money to "
# how a phrase without a subject opens a sentence: a participle or a preposition ("Speaking to", "In an
# interview with", "Asked by")
_OPENING = re.compile(r"\s*(?:[A-Z][a-z]+(?:ing|ed)\b|(?:In|At|On|During|After|Before|With|From)\b)")
_ABBREVIATED = re.compile(r"\b([A-Za-z]+)\.")  # a word and its full stop
_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b")  # part of a rank or a title ("1st Lt.", "3rd District")
_ROLE_GAP = re.compile(r"\s+(?:[a-z][\w-]*\s+){1,3}")  # lower-case words between two names
_DETERMINERS = frozenset({"a", "an", "the", "another", "one", "this", "that"})
_COMPLEMENTIZER = re.compile(r"\b(?:that|if|whether|how|why|what)\b", re.IGNORECASE)
_FULL_NAME = re.compile(r"\b[A-Z][a-z'’-]+\s+(?:[A-Z]\.\s+)?[A-Z][a-z'’-]+")  # "Jane Doe", "Jane Q. Doe"
# Penn Treebank tags of the tagger: a verb, and the tags that make a verb form a noun or an adjective
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS", "JJ", "JJR", "JJS", "CD"})
# labels the recogniser gives a person's name it misread ("Roe took ..." as an organisation); not a place
_PERSON_LIKE_LABELS = frozenset({"ORG", "", "PRODUCT", "WORK_OF_ART"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_NAME_AFTER_COMMA = re.compile(r"\s*((?:[A-Z][\w'’-]*\.?\s+){1,3}[A-Z][\w'’-]+)")  # ", Jane Q. Roe"
_PHRASE_END = re.compile(r"\s*(?:[,.;]|$)")
_RELATIVE = frozenset({"who", "that", "which", "whom"})
_NAMING = frozenset({"named", "called"})  # "a worker named Jane Roe": the participle that names a noun
_NAMED_HEADS = _SUBJECT_DEPS | {"appos"}  # the noun it names: the subject, or (misparsed) in apposition
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # "Smith", "O’Donnell", "Lloyd-Hughes"
# Dependencies through which a verb without a subject takes the subject of the verb it hangs on:
# "said ... and added", "went on to say", "..., saying", "spoke, adding".
_CLIMB = frozenset({"conj", "xcomp", "advcl", "dep"})


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


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
    form: str  # lower-cased words of the cue as written ("called on")
    lemma: str  # the lexicon entry it stands for ("call on")
    token: int = -1  # index of its first token in the sentence's parse; -1 when found on the surface


class Lexicon:
    """A grammar's speech lexicons, compiled once: verb lemmas, every inflection, multi-word cues, and the
    word lists attribution reads."""

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar
        verbs = (*grammar.speech_verbs, *grammar.characterising_verbs)
        self.lemmas = frozenset(v for v in verbs if " " not in v)
        self.characterising = frozenset(grammar.characterising_verbs)
        self.frame_only = frozenset(grammar.frame_only_verbs)
        self.beside_only = frozenset(grammar.beside_only_verbs)
        self.to_verbs = frozenset(grammar.to_verbs)
        self.need_that = frozenset(grammar.need_that)
        self.noun_like = frozenset(grammar.noun_like_forms)
        self.speech_nouns = frozenset(grammar.speech_nouns)
        self.speaks_for = frozenset(grammar.speaks_for_nouns)
        self.person_nouns = frozenset(grammar.person_nouns)
        self.thing_nouns = frozenset(grammar.thing_nouns)
        self.not_names = frozenset(grammar.not_names)
        self.adjunct_starts = frozenset(grammar.adjunct_starts)
        self.object_words = frozenset(grammar.object_words)
        self.abbreviations = frozenset(grammar.abbreviations)
        roles = (*grammar.person_nouns, *grammar.speaks_for_nouns, *grammar.honorifics, *grammar.title_words)
        self.roles = frozenset(w.rstrip(".") for w in roles)
        self.gender_words = {
            **{w.rstrip("."): "male" for w in grammar.male_words},
            **{w.rstrip("."): "female" for w in grammar.female_words},
        }
        self.forms: dict[str, str] = {}  # single-word inflection -> lemma
        for lemma in verbs:
            if " " not in lemma:
                for form in verb_forms(lemma):
                    self.forms.setdefault(form, lemma)
        # multi-word cues by every form of their first word: form -> [(lemma, rest words)]
        self.multi: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        patterns = []
        for lemma in verbs:
            words = lemma.split()
            if len(words) < 2:
                continue
            for form in verb_forms(lemma):
                first, *rest = form.split()
                self.multi.setdefault(first, []).append((lemma, tuple(rest)))
                patterns.append(r"\s+".join(map(re.escape, form.split())))
        for entries in self.multi.values():
            entries.sort(key=lambda e: -len(e[1]))  # longest cue first ("make it clear" before "make clear")
        patterns.sort(key=len, reverse=True)
        self.multi_re = (
            re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE) if patterns else None
        )

    def is_verb_form(self, word: str) -> bool:
        return word.lower() in self.forms

    def person_name(self, name: str) -> str:
        """A person's name as the entity recogniser found it, without what it took in around the name: a
        role or title before it ("Rabbi", "Spokeswoman", "Mr"), an owner ("the network's"), a place
        before a comma, a reporting verb, a generational suffix ("Jr.")."""
        name = _NAME_SUFFIX.sub("", " ".join(name.split()))
        name = _OF_AFFILIATION.sub("", name)  # "Jane Roe of the Rights Watch": the place or body she is of
        if "," in name:
            name = name.rsplit(",", 1)[1].strip() or name
        words = name.split()
        while len(words) > 1 and (
            words[0].lower().rstrip(".") in self.roles
            or words[0].lower() in self.forms
            or _POSSESSIVE.search(words[0]) is not None
        ):
            words = words[1:]
        return " ".join(words)


_LEXICONS: dict[int, tuple[Grammar, Lexicon]] = {}


def lexicon(grammar: Grammar | None = None) -> Lexicon:
    """The compiled lexicon of ``grammar`` (the default English grammar when None), built once."""
    grammar = grammar or default_grammar()
    cached = _LEXICONS.get(id(grammar))
    if cached is not None and cached[0] is grammar:
        return cached[1]
    lex = Lexicon(grammar)
    _LEXICONS[id(grammar)] = (grammar, lex)
    return lex


def is_verb(token: Token) -> bool:
    """The tagger calls the token a verb (or a modal)."""
    return token.tag_.startswith("VB") or token.tag_ == "MD"


def title_case(words: Sequence[str]) -> bool:
    significant = [w for w in words if len(w) > 3 or w[0].isupper()]
    return len(significant) >= 1 and all(w[0].isupper() for w in significant)


def word_count(s: str) -> int:
    return len(_WORD.findall(s))


class Attributor:
    """Finds the speaker of a cue: the actor mention (or pronoun) that is the subject of a reporting verb.

    ``segmentation`` and ``parse`` come from the document context (:func:`attributor_for`); without them the
    text is segmented here and only surface rules apply (short texts in tests)."""

    def __init__(
        self,
        text: str,
        mentions: Iterable[MentionRef],
        *,
        segmentation: Segmentation | None = None,
        grammar: Grammar | None = None,
        parse: Parser | None = None,
    ) -> None:
        self.text = text
        self.seg = segmentation if segmentation is not None else segment(text, grammar)
        self.masked = self.seg.masked
        self.lex = lexicon(grammar)
        self.parse = parse
        self.mentions = sorted(mentions, key=lambda m: (m.start, -m.end))
        self._starts = [m.start for m in self.mentions]
        self._persons = [m for m in self.mentions if m.person and m.how != "pronoun"]
        self._person_starts = [m.start for m in self._persons]
        self._verb_cache: dict[int, list[VerbHit]] = {}
        self._token_spans: dict[int, tuple[Doc, list[int], list[int]]] = {}  # for token_at
        self.salience = Salience(self)

    # -- parses ----------------------------------------------------------------------------------------
    def parsed(self, offset: int) -> tuple[Doc, int] | None:
        """The parse of the sentence holding ``offset`` and that sentence's start, when it is parsed."""
        return self.parse(offset) if self.parse is not None else None

    def token_at(self, offset: int) -> tuple[Token, int] | None:
        """The parsed token covering ``offset`` and its sentence's start."""
        got = self.parsed(offset)
        if got is None:
            return None
        doc, base = got
        cached = self._token_spans.get(base)
        if cached is None or cached[0] is not doc:  # each token's start and end, found once per sentence
            cached = (doc, [t.idx for t in doc], [t.idx + len(t.text) for t in doc])
            self._token_spans[base] = cached
        _, starts, ends = cached
        i = bisect_right(starts, offset - base) - 1  # tokens do not overlap: only this one can cover it
        return (doc[i], base) if i >= 0 and offset - base < ends[i] else None

    # -- reporting verbs -------------------------------------------------------------------------------
    def verbs(self, lo: int, hi: int) -> list[VerbHit]:
        """Reporting verbs (outside quotations) lying in [lo, hi), found sentence by sentence."""
        out: list[VerbHit] = []
        i = bisect_right(self.seg._starts, lo) - 1
        i = max(i, 0)
        sents = self.seg.sentences
        while i < len(sents) and sents[i].start < hi:
            for hit in self._sentence_verbs(sents[i]):
                if hit.start >= lo and hit.end <= hi:
                    out.append(hit)
            i += 1
        if not sents:
            out = [h for h in self._surface_verbs(lo, hi)]
        return out

    def _sentence_verbs(self, sent: Sentence) -> list[VerbHit]:
        cached = self._verb_cache.get(sent.index)
        if cached is None:
            parsed = self.parsed(sent.start)
            if parsed is not None and parsed[1] == sent.start:
                cached = self._parsed_verbs(*parsed)
            else:
                cached = self._surface_verbs(sent.start, sent.end)
            self._verb_cache[sent.index] = cached
        return cached

    def _parsed_verbs(self, doc: Doc, base: int) -> list[VerbHit]:
        """Reporting verbs by lemma and part of speech ("demands" as a noun is not one)."""
        out: list[VerbHit] = []
        lex, masked = self.lex, self.masked
        skip_until = -1
        for token in doc:
            if token.i < skip_until:
                continue
            start = base + token.idx
            if masked[start] == MASK or (start > 0 and masked[start - 1] == "-"):
                continue  # inside a quotation, or part of a compound ("self-described")
            lower = token.lower_
            multi = self._multi_at(doc, token) if lower in lex.multi else None
            if multi is not None:
                lemma, last = multi
                end = base + doc[last].idx + len(doc[last].text)
                form = " ".join(t.lower_ for t in doc[token.i : last + 1])
                out.append(VerbHit(start, end, form, lemma, token.i))
                skip_until = last + 1
                continue
            # the lemma of an inflection of a lexicon verb; the tagger says whether it is a verb here
            lemma = lex.forms.get(lower, "")
            if not lemma or (not is_verb(token) and (token.tag_ in _NOUN_TAGS or lower in lex.noun_like)):
                continue
            out.append(VerbHit(start, start + len(token.text), lower, lemma, token.i))
        return out

    def _multi_at(self, doc: Doc, token: Token) -> tuple[str, int] | None:
        for lemma, rest in self.lex.multi[token.lower_]:
            j = token.i + 1
            ok = True
            for word in rest:
                if j >= len(doc) or doc[j].lower_ != word:
                    ok = False
                    break
                j += 1
            if ok:
                return lemma, j - 1
        return None

    def _surface_verbs(self, lo: int, hi: int) -> list[VerbHit]:
        masked, lex = self.masked, self.lex
        multi: list[VerbHit] = []
        if lex.multi_re is not None:
            for m in lex.multi_re.finditer(masked, lo, hi):
                form = " ".join(m.group(0).lower().split())
                first, *rest = form.split()
                lemma = next((lem for lem, r in lex.multi.get(first, []) if list(r) == rest), form)
                multi.append(VerbHit(m.start(), m.end(), form, lemma))
        taken = {k for h in multi for k in range(h.start, h.end)}
        single = [
            VerbHit(m.start(), m.end(), m.group(0).lower(), lex.forms[m.group(0).lower()])
            for m in _ANY_WORD.finditer(masked, lo, hi)
            if m.group(0).lower() in lex.forms and m.start() not in taken
        ]
        return sorted([*multi, *single], key=lambda h: h.start)

    # -- mentions --------------------------------------------------------------------------------------
    def mentions_in(self, lo: int, hi: int) -> list[MentionRef]:
        i = bisect_left(self._starts, lo)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < hi:
            if self.mentions[i].end <= hi:
                out.append(self.mentions[i])
            i += 1
        return _outermost(out)

    def pronoun(self, lo: int, hi: int) -> MentionRef | None:
        """A subject pronoun (he/she) inside [lo, hi), resolved to the most salient compatible person."""
        for m in _PRONOUN_RE.finditer(self.text, lo, hi):
            if self.seg.quoted(m.start()):
                continue
            gender = SUBJECT_PRONOUNS[m.group(0).lower()]
            found = self.salience.person(m.start(), gender=gender) or self.salience.person(
                m.start(), gender=gender, paragraphs_back=2 * _PARAGRAPHS_BACK
            )
            if found is not None:
                return MentionRef(found.actor, m.start(), m.end(), "pronoun", True)
        return None

    def candidates(self, lo: int, hi: int) -> list[MentionRef]:
        """Mentions and resolved pronouns in [lo, hi), outside quotations."""
        found = [m for m in self.mentions_in(lo, hi) if m.how != "pronoun" and not self.seg.quoted(m.start)]
        covered = [(m.start, m.end) for m in found]
        for m in _PRONOUN_RE.finditer(self.text, lo, hi):
            s, e = m.start(), m.end()
            if self.seg.quoted(s) or any(a <= s < b for a, b in covered):
                continue
            pron = self.pronoun(s, e)
            if pron is not None:
                found.append(pron)
        return sorted(found, key=lambda m: m.start)

    # -- subject search on the surface -----------------------------------------------------------------
    def subject_before(self, verb: VerbHit, lo: int) -> MentionRef | None:
        """The nearest actor mention or pronoun before the verb, in the same clause (``lo`` bounds it)."""
        masked, lex = self.masked, self.lex
        cands = [m for m in self.candidates(lo, verb.start) if m.end <= verb.start]
        if not cands:
            return None
        best = cands[-1]
        gap = masked[best.end : verb.start]
        if "," in gap and verb.form.split()[0].endswith("ing"):
            # "Roe spoke in Ohio, telling the crowd": a participle after a comma has the subject of the
            # clause it follows, not the nearest name
            persons = [
                m for m in cands if m.person and not self.modifier(m) and not _is_possessive(self.text, m.end)
            ]
            return persons[0] if persons else None
        if gap.lstrip().startswith(",") and MASK not in gap:
            # "Roe, who gave money to Doe, said": Doe is inside the relative clause about Roe
            for m in reversed(cands[:-1]):
                if m.person and _RELATIVE_OPEN.fullmatch(masked, m.end, best.start):
                    return m
        if self.modifier(best):
            return None  # "the Acme clerk wrote": not Acme
        if _BARE_PRONOUN.search(gap):
            return None  # "charges he threatened": the subject is a pronoun we cannot resolve
        if _PASSIVE_GAP.search(gap) or _ELLIPTIC_GAP.search(gap):
            return None  # "Putin was asked", "told Putin when asked": the subject was spoken to
        if self._object_then_and(best, gap):
            return None  # "put on a Texan drawl and joked": the name is in what the verb before it took
        if _NEW_CLAUSE.search(gap):
            return None  # "Roe spoke in Ohio as the crowd roared": the verb has a subject of its own
        if (
            "," in gap
            and _WORD.search(gap[gap.rfind(",") + 1 :])
            and not re.fullmatch(r"[^,]*,[^,]*,\s*(?:\w+ly\s+)?", gap)
        ):
            return None  # "Delhi has improved, analysts say": another clause; an appositive ends at its comma
        gap_words = [w.lower() for w in _WORD.findall(re.sub(r"^['’]s?\b", "", gap))]
        if MASK in gap or len(gap_words) > 8:
            return None
        possessive = bool(_POSSESSIVE.search(best_text(self, best)))
        if verb.form in lex.noun_like and verb.token < 0 and (len(gap_words) > 2 or possessive):
            return None  # "Kyiv's main conditions stand": a noun, not a verb
        if possessive and not any(w in lex.speech_nouns for w in gap_words[:3]):
            if gap_words and gap_words[0] in lex.speaks_for and not best.person and len(gap_words) <= 3:
                return best  # "the Kremlin's spokesman said": someone speaking for the possessor
            return None  # "the envoy's drive for a deal has brought ...": the possessor is not the subject
        # Prefer a person named in the same noun phrase ("Russian President Vladimir Putin", "Putin's"), or
        # the person whose appositive holds it ("Jane Roe, the Ruritanian envoy, said").
        if not best.person:
            appositive = gap.count(",") == 1 and not gap[gap.rfind(",") + 1 :].strip()
            for m in reversed(cands[:-1]):
                between = masked[m.end : best.start]
                if m.person and len(_WORD.findall(between)) <= 2 and "," not in between:
                    return m
                if m.person and appositive and between.lstrip().startswith(",") and between.count(",") == 1:
                    return m
        return best

    def _object_then_and(self, mention: MentionRef, gap: str) -> bool:
        """The gap between the mention and the reporting verb ends with "and" after a noun the mention
        qualifies ("a fake Texan drawl and joked"): the verb is joined to another verb, whose object holds
        the mention; not "Roe nodded and said" (a verb before "and")."""
        joined = _AND_GAP.search(gap)
        if joined is None or not gap[: joined.start()].strip():
            return False  # "Roe and Doe said"
        got = self.token_at(mention.end + joined.start() - 1)
        return got is not None and got[0].tag_.startswith("NN")

    def subject_after(self, verb: VerbHit, hi: int) -> MentionRef | None:
        """Inverted order: ``said Putin``, ``according to the Kremlin``, ``added the Russian president``:
        only right after a quotation or a comma ("... told Trump" names whom he told)."""
        if verb.lemma not in ("according to", "in the words of"):
            before = self.masked[max(0, verb.start - 4) : verb.start].rstrip()
            if not before or before[-1] not in ",:;”\"’'-" + DASHES + MASK:
                return None
            if verb.form.split()[0].endswith("ing"):
                return None  # a participle has no subject after it ("..., adding that Roe ...")
        cands = [m for m in self.candidates(verb.end, hi) if m.start >= verb.end]
        if not cands:
            return None
        first = cands[0]
        gap = self.masked[verb.end : first.start]
        # the full stop of an abbreviated rank is no sentence mark ("said Air Force 1st Lt. Jane Roe")
        bare = _ABBREVIATED.sub(lambda m: m.group(1) if self._abbreviated(m.group(1)) else m.group(0), gap)
        if MASK in gap or re.search(r"[,;:.!?]", bare) or len(_WORD.findall(gap)) > 4:
            return None
        if _COMPLEMENTIZER.search(gap):
            return None  # "said that Roe ...": Roe is in what was said
        if self.modifier(first):
            return None  # "said the senior Roe adviser": the adviser spoke, not Roe
        # "said Council President John Doe": the name after a title wins over the title; "said Ruritanian
        # Democrat John Doe", "said party leader John Doe": a person after a name that only qualifies them
        named = self.person_after_title(first)
        if named is not None:
            return named
        for nxt in cands[1:3]:
            between = self.masked[first.end : nxt.start]
            if nxt.person and first.how == "title" and not between.strip():
                return nxt
            if nxt.person and not first.person and self._qualifies(between):
                return nxt
        return first

    def person_after_title(self, mention: MentionRef) -> MentionRef | None:
        """A name the recogniser cut at an abbreviated title ("Army Capt." + "Jane Roe"): the person named
        right after a mention that is not a person and ends with a title or role word, or after a mention and
        a rank of its own ("Coast Guard" + "1st Lt." + "Jane Roe")."""
        if mention.person:
            return None
        after = [m for m in self.mentions_in(mention.end, mention.end + 80) if m.start >= mention.end]
        if not after or not after[0].person:
            return None
        between = self.masked[mention.end : after[0].start]
        last = _WORD.findall(self.text[mention.start : mention.end])[-1:]
        if last and last[0].lower().rstrip(".") in self.lex.roles and not between.strip(" ."):
            return after[0]
        rank = [w for w in _WORD.findall(between) if w.lower().rstrip(".") in self.lex.roles]
        return after[0] if rank and between.strip() and self._qualifies(between) else None

    def _qualifies(self, between: str) -> bool:
        """The words between two names make the first a qualifier of the second: nothing, or up to three
        capitalised words and role nouns ("party leader")."""
        words = _WORD.findall(_ORDINAL.sub("", between))
        if re.search(r"[,;:(]", between) or len(words) + len(_ORDINAL.findall(between)) > 3:
            return False
        return all(w[0].isupper() or w.lower().rstrip(".") in self.lex.roles for w in words)

    def _abbreviated(self, word: str) -> bool:
        """The word is an abbreviation or a role that may end with a full stop ("Lt.", "Gov.")."""
        lower = word.lower()
        return lower in self.lex.roles or lower in self.lex.abbreviations

    def modifier(self, mention: MentionRef) -> bool:
        """The mention only qualifies the noun after it ("a Putin aide", "the Roe backer", "a Ruritania
        Democrat", "a GOP data expert"): a name before a role noun, with at most two other lower-case words
        between; a body before a spokesman's noun ("a Kremlin spokesman") speaks through them."""
        lex = self.lex
        at = mention.end
        before = _WORD.findall(self.masked[max(0, mention.start - 12) : mention.start])
        # words between the name and its noun only after an article ("a GOP data expert"; "Roe blamed the
        # officials" is a sentence)
        steps = 3 if before and before[-1].lower() in _DETERMINERS else 1
        for _ in range(steps):
            after = _WORD.match(self.masked, at + 1) if self.masked[at : at + 1] == " " else None
            if after is None:
                return False
            word = after.group(0)
            noun = word.lower().rstrip(".")
            if noun in lex.person_nouns or noun in lex.speaks_for:
                return mention.person or noun not in lex.speaks_for
            if not word[:1].islower() or noun in lex.forms:
                return False  # another name, or a verb ("Roe told ...")
            at = after.end()
        return False

    def adjacent(self, mention: MentionRef, verb: VerbHit) -> bool:
        """The mention stands right before the verb (at most two words between, no comma, no quotation)."""
        gap = re.sub(r"^['’]s?\b", "", self.masked[mention.end : verb.start])
        return "," not in gap and MASK not in gap and len(_WORD.findall(gap)) <= 2

    def speaker_for_verb(self, verb: VerbHit, lo: int, hi: int) -> MentionRef | None:
        """The verb's subject: from the parse where the sentence is parsed and the surface subject is not
        right before the verb, else on the surface."""
        found = self._speaker_for_verb(verb, lo, hi)
        return self.role_in_focus(found) if found is not None else None

    def _speaker_for_verb(self, verb: VerbHit, lo: int, hi: int) -> MentionRef | None:
        if verb.lemma in ("according to", "in the words of"):
            return self.parsed_subject(verb) or self.subject_after(verb, hi)
        before = self.subject_before(verb, lo)
        if before is not None and self.adjacent(before, verb):
            return before
        parsed = self.parsed_subject(verb)
        if parsed is not None:
            return parsed
        return before or self.subject_after(verb, hi)

    def role_in_focus(self, mention: MentionRef) -> MentionRef:
        """A title that names only its side (nobody the codebook knows holds it on the article's date, and
        none of its holders is named) refers to a person the text named with the title's role noun ("former
        Secretary of State Jane Roe ... the secretary of state said"); else the mention as it is."""
        if mention.how != "title" or mention.person:
            return mention
        words = [w.lower().rstrip(".") for w in _WORD.findall(self.text[mention.start : mention.end])]
        noun = next((w for w in words if w in self.lex.person_nouns), None)
        found = self.salience.described(noun, mention.start, strict=True) if noun else None
        return MentionRef(found.actor, mention.start, mention.end, "title", True) if found else mention

    def person_named(self, name: str, start: int, end: int) -> MentionRef:
        """A person by name: the codebook or NER person named before whose name ends with it (a surname;
        when two people share it, the name stays its own), else ``ner:<name>``."""
        last = name.split()[-1].lower()
        i = bisect_left(self._person_starts, start)
        owners = []
        for m in self._persons[:i]:
            known = m.actor[4:] if m.actor.startswith("ner:") else self.text[m.start : m.end]
            words = known.split()
            if (
                words
                and words[-1].lower() == last
                and len(words) >= len(name.split())
                and m.actor not in owners
            ):
                owners.append(m.actor)
        if len(owners) == 1 or (owners and len(name.split()) > 1):
            return MentionRef(owners[-1], start, end, "ner", True)
        return MentionRef(f"ner:{name}", start, end, "ner", True)  # nobody, or two people of that surname

    # -- subject search in the parse -------------------------------------------------------------------
    def parsed_subject(self, verb: VerbHit) -> MentionRef | None:
        """The subject of ``verb`` in the dependency parse of its sentence, as an actor (see the module
        docstring), or None when the sentence is not parsed or the subject names no one."""
        return self.subject_of(verb)[1]

    def subject_of(self, verb: VerbHit) -> tuple[bool, MentionRef | None]:
        """Whether the parse gives ``verb`` a subject outside quotation marks, and the actor it names (None
        for one that names no actor: "officials said", "the backer shot back")."""
        got = self.parsed(verb.start)
        if got is None:
            return False, None
        doc, base = got
        token = doc[verb.token] if verb.token >= 0 else self._token_starting(doc, base, verb.start)
        if token is None:
            return False, None
        subject = self.subject_token(token, base)
        if subject is None or self.seg.quoted(base + subject.idx):
            return False, None  # a subject inside the quotation is the speaker's own words
        return True, self.subject_actor(doc, base, subject)

    @staticmethod
    def _token_starting(doc: Doc, base: int, offset: int) -> Token | None:
        for token in doc:
            if base + token.idx == offset:
                return token
        return None

    def subject_token(self, verb: Token, base: int | None = None) -> Token | None:
        """The token heading the speaker's noun phrase for a reporting verb (``base``: the offset of its
        sentence, to tell verbs inside quotation marks)."""
        if verb.lower_ == "according" or (verb.lower_ == "in" and verb.nbor(1).lower_ == "the"):
            for prep in verb.subtree:
                if prep.lower_ in ("to", "of") and prep.i > verb.i:
                    objs = [c for c in prep.children if c.dep_ == "pobj"]
                    if objs:
                        return objs[0]
            return None
        token = verb
        for step in range(4):
            children = list(token.children)
            passive = any(c.dep_ == "auxpass" for c in children)
            if passive and step == 0:
                # "it was announced by X": the agent speaks; "X was asked": X did not
                for agent in (c for c in children if c.dep_ == "agent"):
                    objs = [c for c in agent.children if c.dep_ == "pobj"]
                    if objs:
                        return objs[0]
                if self.lex.forms.get(token.lower_) in self.lex.lemmas:
                    return None
            subjects = _nearest_subjects(token, children)
            if subjects:
                if token.dep_ == "relcl" and subjects[0].lower_ in _RELATIVE:
                    return token.head  # "Mr. Doe, who said ...": the noun the clause is about
                return subjects[0]
            if token.dep_ == "relcl":
                return token.head  # "X, who said ..."
            if token.dep_ == "acl":
                noun = token.head  # "a statement saying ...": whose statement
                owner = [c for c in noun.children if c.dep_ == "poss"]
                if owner:
                    return owner[0]
                token = noun.head if noun.head.i != noun.i else noun
                if not is_verb(token):
                    return None
                continue
            if token.dep_ == "pcomp" and token.head.dep_ == "prep" and is_verb(token.head.head):
                token = token.head.head  # "X deflected the questions before saying ...": X
                continue
            if token.dep_ in _CLIMB and token.head.i != token.i:
                participle = token.tag_ == "VBG" and token.dep_ in ("advcl", "dep")
                token = token.head
                head = token.head
                if (
                    participle
                    and token.dep_ == "ccomp"
                    and token.lower_ not in self.lex.forms
                    and head.i < token.i  # "told Y that ...", not a closing "..., the agency reported"
                    and head.lower_ in self.lex.forms
                    and (base is None or not self.seg.quoted(base + head.idx))
                ):
                    # "X told Y that Z had failed, adding ...": the participle goes with the clause that
                    # reports, not with the reported one
                    token = token.head
                continue
            return None
        return None

    def subject_actor(self, doc: Doc, base: int, head: Token) -> MentionRef | None:
        """The actor a subject noun phrase headed by ``head`` names."""
        lex = self.lex
        head_at = base + head.idx
        lower = head.lower_
        phrase = self.mentions_in(
            base + head.left_edge.idx, base + head.right_edge.idx + len(head.right_edge.text)
        )
        on_head = [m for m in phrase if m.start <= head_at < m.end and m.how != "pronoun"]
        # "Their press aide, John Doe, said": a person in apposition to a role noun
        if not (on_head and on_head[0].person):
            for appos in (c for c in head.children if c.dep_ == "appos"):
                at = base + appos.idx
                named = [m for m in phrase if m.start <= at < m.end and m.person]
                if named:
                    return named[0]
                found = self._entity_person(doc, base, appos)
                if found is not None:
                    return found
        if on_head:
            found = self.role_in_focus(on_head[0])
            cut = self.person_after_title(found)
            if cut is not None:
                return cut
            if found.how == "title":
                # "Council President John Doe": the name after the title wins
                after = [m for m in phrase if m.start >= found.end and m.person and m.how != "pronoun"]
                if after and not self.masked[found.end : after[0].start].strip():
                    return after[0]
            return found
        if lower in SUBJECT_PRONOUNS:
            return self.pronoun(head_at, head_at + len(head.text))
        if lower == "it":
            return self.salience.body(head_at)  # "Russia's foreign ministry ... It said ..."
        if lower in lex.speech_nouns or lower in lex.speaks_for:
            for poss in head.children:
                if poss.dep_ == "poss":
                    owner = self.mentions_in(base + poss.left_edge.idx, base + poss.idx + len(poss.text) + 2)
                    if owner and (lower in lex.speech_nouns or not owner[-1].person):
                        return owner[-1]
            if lower in lex.speech_nouns:
                # "a letter from the legion", "a statement from the ministry": whose words they are
                for prep in head.children:
                    if prep.dep_ == "prep" and prep.lower_ == "from":
                        for obj in prep.children:
                            at = base + obj.idx
                            owner = [m for m in phrase if m.start <= at < m.end]
                            if owner:
                                return owner[0]
            if lower in lex.speaks_for:
                # "a spokesman for the campaign", "the spokesman of the Kremlin"
                for prep in head.children:
                    if prep.dep_ == "prep" and prep.lower_ in ("for", "of", "at"):
                        for obj in prep.children:
                            at = base + obj.idx
                            owner = [m for m in phrase if m.start <= at < m.end and not m.person]
                            if owner:
                                return owner[0]
                            if any(m.start <= at < m.end for m in phrase):
                                continue  # "a spokesman for Jane Roe": no body of its own
                            proper = _proper_name(obj)
                            if proper is not None:
                                # "a spokesman for Acme Mills", a name the recogniser left out: that body, not
                                # one named with a spokesman earlier
                                start = base + proper[0].idx
                                end = base + proper[-1].idx + len(proper[-1].text)
                                return MentionRef(f"ner:{self.text[start:end]}", start, end, "ner", False)
            if lower in lex.speaks_for:
                # "the ministry spokesperson", "a Kremlin spokesman": the body named before the noun
                for child in head.children:
                    if child.dep_ == "compound":
                        at = base + child.idx
                        owner = [m for m in phrase if m.start <= at < m.end and not m.person]
                        if owner:
                            return owner[0]
            if lower in lex.speaks_for and not any(m.start <= head_at for m in phrase if not m.person):
                # a later bare "spokesperson": whom that role was introduced as speaking for
                body = self.salience.spoken_for(head_at)
                if body is not None:
                    return body
            if lower in lex.speech_nouns and not _depth_exceeded(head):
                # "releasing a statement that accused ...": the statement is the words of whoever released it
                verb = next((a for a in head.ancestors if is_verb(a)), None)
                subject = self.subject_token(verb, base) if verb is not None else None
                if subject is not None and subject.i != head.i and not self.seg.quoted(base + subject.idx):
                    return self.subject_actor(doc, base, subject)
        found = self._entity_person(doc, base, head)
        if found is not None:
            return found
        definite = any(c.lower_ == "the" for c in head.children)
        if head.tag_ == "NN" and lower not in lex.person_nouns and definite:
            body = self.salience.named_body(head.text, head_at)  # "the board said": the Board of X
            if body is not None:
                return body
        if lower in lex.person_nouns:
            after_role = self._named_after_role(head_at + len(head.text))
            if after_role is not None:
                return after_role  # "The envoy at the time, Jane Roe, said": the name wins over the role
        if lower in lex.person_nouns and any(c.lower_ == "the" for c in head.children):
            described = self.salience.described(lower, head_at)  # "the senator said"
            if described is not None:
                return MentionRef(described.actor, head_at, head_at + len(head.text), "description", True)
        # A capitalised name the entity recogniser missed ("Suter acknowledged"): the subject's name tokens
        names = [
            t for t in head.subtree if t.dep_ in ("compound", "nsubj", "nsubjpass") and t.text[:1].isupper()
        ]
        if names and (names[-1] is not head or len(names) > 3):
            names = self._name_run(doc, base, head)
        if names and names[-1] is head and 1 <= len(names) <= 3 and _NAME_WORD.fullmatch(head.text):
            words = [t.text for t in names]
            if not any(w.lower() in lex.not_names or w.lower() in lex.thing_nouns for w in words):
                start = base + names[0].idx
                who = self.person_named(" ".join(words), start, head_at + len(head.text))
                # a capitalised word opening the sentence is a name only when it names someone named before
                if head.i > 0 or not who.actor.startswith("ner:") or who.actor[4:] != " ".join(words):
                    return who
        return None

    def _named_after_role(self, at: int) -> MentionRef | None:
        """The person named right after a role noun ending at ``at``, set off by a comma after a few words
        that complete the role ("The editor I spoke to, Jane Roe, said", "wrote the envoy at the time,
        Jane Q. Roe."): a person mention, else two to four capitalised words, ending the phrase."""
        masked = self.masked
        sent = self.seg.sentence_at(at - 1)
        limit = min(sent.end if sent is not None else len(masked), at + 160)
        comma = masked.find(",", at, limit)
        if comma < 0 or word_count(masked[at:comma]) > 6 or MASK in masked[at:comma]:
            return None
        if any(m.person for m in self.mentions_in(at, comma)):
            return None  # "the aide to Roe, ...": a person inside the role's words
        start = comma + 1
        after = [m for m in self.mentions_in(start, limit) if m.start >= start and m.how != "pronoun"]
        if after and after[0].person and not masked[start : after[0].start].strip():
            end, who = after[0].end, after[0]
        else:
            name = _NAME_AFTER_COMMA.match(masked, start, limit)
            if name is None or any(
                w.lower() in self.lex.not_names or w.lower().rstrip(".") in self.lex.roles
                for w in name.group(1).split()
            ):
                return None
            end = name.end(1)
            who = self.person_named(name.group(1), name.start(1), end)
        return who if _PHRASE_END.match(masked, end, limit) or end >= limit else None

    def _name_run(self, doc: Doc, base: int, head: Token) -> list[Token]:
        """The capitalised words right before ``head`` that name with it a person the recogniser missed,
        without a name it found for something else before them ("Oversight ranking Democrat Jane Roe
        (D-Ohio)": Jane Roe); two or three words, else none."""
        roles = self.lex.roles
        if not head.text[:1].isupper() or head.lower_.rstrip(".") in roles:
            return []
        run = [head]
        j = head.i - 1
        while j >= 0 and len(run) < 3:
            t = doc[j]
            if (
                t.dep_ != "compound"
                or not _NAME_WORD.fullmatch(t.text)
                or not t.text[:1].isupper()
                or t.lower_ in roles
            ):
                break
            at = base + t.idx
            if any(m.start <= at < m.end for m in self.mentions_in(max(0, at - 80), at + 80)):
                break
            run.insert(0, t)
            j -= 1
        return run if len(run) >= 2 else []

    def _entity_person(self, doc: Doc, base: int, token: Token) -> MentionRef | None:
        for ent in doc.ents:
            if ent.label_ == "PERSON" and ent.start <= token.i < ent.end:
                name = self.lex.person_name(ent.text)
                at = self.text.find(name, base + ent.start_char, base + ent.end_char)
                start = at if at >= 0 else base + ent.start_char
                return self.person_named(name, start, start + len(name))
        return None

    def governing_verbs(self, lo: int, hi: int) -> list[VerbHit]:
        """Reporting verbs of the quotation [lo, hi) in the parse of its sentence: the verbs it hangs on
        ("Putin said: '...'", '"...," Putin said' parsed either way), nearest first."""
        got = self.parsed(lo)
        if got is None:
            return []
        doc, base = got
        sent = self.seg.sentence_at(lo)
        if sent is None:
            return []
        hits = {h.token: h for h in self._sentence_verbs(sent) if h.token >= 0}
        if not hits:
            return []
        inside = [t for t in doc if lo <= base + t.idx < hi]
        if not inside:
            return []
        first, last = inside[0].i, inside[-1].i
        found: dict[int, int] = {}  # verb token -> distance in tokens
        for token in inside:
            if first <= token.head.i <= last and token.head.i != token.i:
                continue  # not a root of the quotation
            below = token
            for anc in token.ancestors:
                # "continued to push its aims 'by every means'": a verb reports the words of an
                # infinitive it governs only when it is a verb of that kind ("urged them to 'stop'")
                if (
                    anc.i in hits
                    and not first <= anc.i <= last
                    and (below.dep_ != "xcomp" or hits[anc.i].lemma in self.lex.to_verbs)
                ):
                    found.setdefault(anc.i, min(abs(anc.i - first), abs(anc.i - last)))
                    break
                below = anc
        if not found:
            # the parse hangs the reporting verb on the quotation's verb ('"...," he said' as parataxis)
            for index in hits:
                verb = doc[index]
                if any(first <= anc.i <= last for anc in verb.ancestors):
                    found[index] = min(abs(index - first), abs(index - last))
        return [hits[i] for i in sorted(found, key=lambda i: found[i])]


def _nearest_subjects(verb: Token, children: list[Token]) -> list[Token]:
    """The verb's subjects, nearest first: two subjects are a misparse ("In Berea, OH, ... Gov. Roe said"),
    where the one nearest the verb is the subject, unless it is an appositive of the other ("Jane Roe, the
    party's nominee, said")."""
    subjects = sorted((c for c in children if c.dep_ in _SUBJECT_DEPS), key=lambda c: abs(c.i - verb.i))
    if len(subjects) >= 2:
        near, far = subjects[0], subjects[1]
        gap = near.doc[far.i + 1 : near.left_edge.i]
        if far.i < near.i and len(gap) == 1 and gap[0].text == ",":
            return [far, near, *subjects[2:]]
    return subjects


def _proper_name(token: Token) -> list[Token] | None:
    """The capitalised words of a proper noun and its compounds ("Acme Mills" from "Mills"), or None when
    the token is no proper noun."""
    if token.tag_ not in ("NNP", "NNPS") or not token.text[:1].isupper():
        return None
    words = [t for t in token.lefts if t.dep_ == "compound" and t.text[:1].isupper()]
    run = [*words, token]
    if any(b.i != a.i + 1 for a, b in pairwise(run)):
        return [token]
    return run


def _depth_exceeded(token: Token, limit: int = 12) -> bool:
    """Guards the climb from a speech noun to its owner against a parse that loops through many levels."""
    return sum(1 for _ in token.ancestors) > limit


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


# --- salience -----------------------------------------------------------------------------------------

_RECENCY = 100.0  # weight of a mention in the sentence of the pronoun, halved for each sentence back
_SPEAKER_BONUS = 90.0  # the subject of a reporting verb ("the subject of the last attributed statement")
_SUBJECT_BONUS = 70.0  # the subject of a sentence
# a person named neither as a subject nor as a speaker ("when it comes to Acme, 'we ...,' he said") is
# less salient than their recency alone says: the subject of the last attributed statement comes first
_OBLIQUE_FACTOR = 0.5
_REPEATED = 5.0  # for each further mention of the same person in the window
_GENDER_MATCH = 15.0  # the text gives the person the pronoun's gender: "she" is more likely her than him
_EMBEDDED_FACTOR = 0.5  # "Putin's plan", "the letter of X": less salient than the head of the phrase
_PARAGRAPHS_BACK = 2  # paragraphs before the pronoun's own that are searched
_ROLE_OF_BODY = re.compile(r"\b([a-z]+)\s+spokes(?:man|woman|person|people)\b")  # "an embassy spokeswoman"
_TOPIC_LEAD = re.compile(r"\s*(?:(?:and|but)\s+)?as\s+(?:for|to)\s+", re.IGNORECASE)  # "As for Roe,"
# what may stand before a sentence's subject, and the labels a misparse gives that subject
_OPENING_LINK = re.compile(r"\s*(?:(?:and|but|so|yet|or|still|now|then)\s+)?", re.IGNORECASE)
_MISPARSED_OPENING = frozenset({"npadvmod", "dep", "nmod", "ROOT"})
_PARAGRAPH_DECAY = 0.7  # a paragraph break is a step back in the discourse


@dataclass(frozen=True, slots=True)
class _Referent:
    mention: MentionRef
    sentence: int
    weight: float  # role bonus
    factor: float = 1.0  # less for a possessor or a name inside another noun phrase ("the letter of X")


_PRONOUN_GENDER = {
    **dict.fromkeys(("he", "him", "his"), "male"),
    **dict.fromkeys(("she", "her", "hers"), "female"),
}


class Salience:
    """Who a pronoun or a role description refers to: the most salient compatible person (see the module
    docstring for the ranking). A person's salience is that of their best mention in the window (recency
    halved for each sentence back, plus the bonus of its role), a little more for each further mention;
    resolved pronouns count as mentions of their person, so "She ... She ... she said" keeps to one person.
    Sentences are resolved in document order (each pronoun sees the pronouns before it)."""

    def __init__(self, att: Attributor) -> None:
        self.att = att
        self._named: dict[int, list[_Referent]] = {}
        self._full: dict[int, list[_Referent]] = {}
        self._genders: dict[str, str | None] | None = None

    # -- roles -----------------------------------------------------------------------------------------
    def _named_referents(self, sent: Sentence) -> list[_Referent]:
        """Persons named (not pronouns) in a sentence outside quotation marks, with their roles."""
        cached = self._named.get(sent.index)
        if cached is not None:
            return cached
        att = self.att
        out = [
            _Referent(m, sent.index, self._role(sent, m), self._factor(m))
            for m in att.mentions_in(sent.start, sent.end)
            if m.person and m.how != "pronoun" and not att.seg.quoted(m.start)
        ]
        self._named[sent.index] = out
        return out

    def _referents(self, index: int) -> list[_Referent]:
        """Named persons and resolved he/she of sentence ``index`` (resolving earlier sentences first)."""
        cached = self._full.get(index)
        if cached is not None:
            return cached
        sents = self.att.seg.sentences
        start = max(self._full) + 1 if self._full else 0
        for j in range(start, index + 1):
            self._full[j] = self._resolve_sentence(sents[j])
        return self._full[index]

    def _resolve_sentence(self, sent: Sentence) -> list[_Referent]:
        att = self.att
        out = list(self._named_referents(sent))
        for p in _PRONOUN_RE.finditer(att.text, sent.start, sent.end):
            if att.seg.quoted(p.start()):
                continue
            gender = SUBJECT_PRONOUNS[p.group(0).lower()]
            ranked = self._rank(p.start(), gender, _PARAGRAPHS_BACK, own=out)
            if ranked:
                ref = MentionRef(ranked[0][1].actor, p.start(), p.end(), "pronoun", True)
                out.append(_Referent(ref, sent.index, self._role(sent, ref)))
        return sorted(out, key=lambda r: r.mention.start)

    def _factor(self, m: MentionRef) -> float:
        """A possessor ("Putin's plan"), a name inside another noun phrase ("the proposals of X") or one that
        only qualifies the noun after it ("a Roe supporter", "Roe adviser Jane Doe") is less salient than the
        phrase's head."""
        att = self.att
        if _is_possessive(att.text, m.end) or att.modifier(m):
            return _EMBEDDED_FACTOR
        got = att.token_at(m.end - 1)
        if got is not None:
            token, base = got
            if token.dep_ == "compound" and base + token.head.idx >= m.end:
                return _EMBEDDED_FACTOR  # the head noun lies outside the name
            while token.dep_ in ("compound", "flat") and token.head.i != token.i:
                token = token.head
            if token.dep_ == "pobj" and token.head.head.tag_.startswith("NN"):
                return _EMBEDDED_FACTOR
            return 1.0
        before = _WORD.findall(att.masked[max(0, m.start - 12) : m.start])
        if before and before[-1].lower() == "of":
            return _EMBEDDED_FACTOR
        # on the surface: "Roe adviser Jane Doe": a role noun, then the person it names
        after = [p for p in att.mentions_in(m.end, m.end + 60) if p.person and p.actor != m.actor]
        if after and _ROLE_GAP.fullmatch(att.masked, m.end, after[0].start):
            gap = att.masked[m.end : after[0].start].split()
            lex = att.lex
            role = gap[-1] in lex.person_nouns or gap[-1] in lex.speaks_for
            if role and not any(w in lex.forms for w in gap):
                return _EMBEDDED_FACTOR
        return 1.0

    def _role(self, sent: Sentence, m: MentionRef) -> float:
        att = self.att
        lead = att.masked[sent.start : m.start]
        if _TOPIC_LEAD.fullmatch(lead) and att.masked.startswith(",", m.end):
            return _SPEAKER_BONUS  # "As for Roe, she said ...": the topic set up for what follows
        got = att.token_at(m.end - 1)
        if got is not None:
            token, base = got
            while token.dep_ in ("compound", "flat") and token.head.i != token.i:
                token = token.head
            dep = token.dep_
            opens = bool(_OPENING_LINK.fullmatch(lead)) and att.masked.startswith(",", m.end)
            if dep in _MISPARSED_OPENING and opens:
                # "And Roe, for all her doubts, seems to agree": a name opening its sentence that the
                # parse hangs on a verb inside the parenthesis is the sentence's subject
                return _SUBJECT_BONUS
            if dep == "appos" and token.head.dep_ in _SUBJECT_DEPS:
                token, dep = token.head, token.head.dep_
            if self._speaks_in_relative(sent, token):
                return _SPEAKER_BONUS  # "... backed by Jane Roe, who said ...": Roe is the one who spoke
            if dep == "attr" and any(c.dep_ == "expl" for c in token.head.children):
                return _SUBJECT_BONUS  # "Then there is Roe.": the person the text turns to
            named = token.head
            if named.lower_ in _NAMING and named.dep_ == "acl" and named.head.dep_ in _NAMED_HEADS:
                return _SUBJECT_BONUS  # "a worker named Jane Roe has ...": Roe is who the sentence is about
            if (
                dep == "pobj"
                and token.head.lower_ in ("to", "of")
                and token.head.head.lower_
                in (
                    "according",
                    "words",
                )
            ):
                return _SPEAKER_BONUS
            if dep in _SUBJECT_DEPS:
                verb = token.head
                at = base + verb.idx
                hits = att._sentence_verbs(sent)
                if any(h.start <= at < h.end for h in hits):
                    reporters = {h.token for h in hits}
                    if any(a.i in reporters for a in verb.ancestors):
                        # "Roe said that Doe had admitted it": Doe speaks inside what Roe reported
                        return _SUBJECT_BONUS * _EMBEDDED_FACTOR
                    return _SPEAKER_BONUS
                # "Noting that Roe had lost, Doe said": the main clause's subject is the one in focus
                return _SUBJECT_BONUS if _main_clause(verb) else _SUBJECT_BONUS * _EMBEDDED_FACTOR
            return 0.0
        # on the surface: a reporting verb right after the name (or after its appositive) or right before it
        hi = min(sent.end, m.end + 120)
        verbs_after = att.verbs(m.end, hi)
        if verbs_after:
            gap = att.masked[m.end : verbs_after[0].start]
            if (word_count(gap) <= 2 and "," not in gap) or re.fullmatch(r"\s*,[^,]{1,100},\s*", gap):
                return _SPEAKER_BONUS
        verbs_before = att.verbs(max(sent.start, m.start - 40), m.start)
        if verbs_before:
            gap = att.masked[verbs_before[-1].end : m.start]
            if word_count(gap) <= 3 and MASK not in gap:
                return _SPEAKER_BONUS
        if "," in lead:
            opening = _WORD.findall(lead)
            adjunct = bool(opening) and (
                opening[0].lower() in att.lex.adjunct_starts or opening[0].lower().endswith(("ing", "ed"))
            )
            if adjunct or word_count(lead.split(",")[0]) <= 8:
                lead = lead[lead.rfind(",") + 1 :]  # "On a call late on Monday, the envoy replied"
        if word_count(lead) <= 3 and MASK not in lead:
            return _SUBJECT_BONUS
        return 0.0

    def _speaks_in_relative(self, sent: Sentence, token: Token) -> bool:
        """A relative clause on the name (or on its appositive) has a reporting verb whose subject is the
        relative pronoun ("Jane Roe, the party's treasurer, who said ...")."""
        reporters = {h.token for h in self.att._sentence_verbs(sent) if h.token >= 0}
        if not reporters:
            return False
        nouns = [token, *(c for c in token.children if c.dep_ == "appos")]
        for noun in nouns:
            for clause in noun.children:
                if clause.dep_ != "relcl" or clause.i not in reporters:
                    continue
                if any(c.dep_ in _SUBJECT_DEPS and c.lower_ in ("who", "that") for c in clause.children):
                    return True
        return False

    # -- gender ----------------------------------------------------------------------------------------
    def gender(self, actor: str) -> str | None:
        """The gender the text gives a person, or None when it gives none (or not clearly one)."""
        if self._genders is None:
            self._genders = self._find_genders()
        return self._genders.get(actor)

    def _find_genders(self) -> dict[str, str | None]:
        """Votes for each person's gender: an honorific or gendered noun right before a name or opening its
        appositive (weight 3), the first pronoun of a sentence that names only them before it (weight 1); a
        gender needs three quarters of the votes."""
        att = self.att
        votes: dict[str, dict[str, int]] = {}
        words = att.lex.gender_words

        def vote(actor: str, gender: str, weight: int) -> None:
            tally = votes.setdefault(actor, {})
            tally[gender] = tally.get(gender, 0) + weight

        for m in att._persons:
            if att.seg.quoted(m.start):
                continue
            before = _WORD.findall(att.text[max(0, m.start - 40) : m.start])[-2:]
            near = [w.lower().rstrip(".") for w in before]
            for w in (*near, *_appositive(att.text, m.end)[:4]):
                if w in words and w not in _GENDER_PRONOUNS:
                    vote(m.actor, words[w], 3)
        for sent in att.seg.sentences:
            refs = self._named_referents(sent)
            if not refs:
                continue
            for p in _GENDERED_PRONOUN.finditer(sent.text):
                at = sent.start + p.start()
                if att.seg.quoted(at):
                    continue
                before = [r.mention for r in refs if r.mention.end <= at]
                named = {m.actor for m in before}
                # no other full name stands between them ("Roe took a shot at Jane Doe, without naming her"):
                # someone the pronoun may refer to, though no mention was found for them; nor does the
                # pronoun open the sentence before its subject ("With Roe by her side, Jane Doe said")
                if (
                    len(named) == 1
                    and not _FULL_NAME.search(att.masked, before[-1].end, at)
                    and not self._opening_refers_ahead(sent, at, refs)
                ):
                    vote(named.pop(), _GENDER_PRONOUNS[p.group(0).lower()], 1)
                break
        out: dict[str, str | None] = {}
        for actor, tally in votes.items():
            best = max(tally, key=lambda g: tally[g])
            out[actor] = best if tally[best] * 4 >= sum(tally.values()) * 3 else None
        return out

    def _opening_refers_ahead(self, sent: Sentence, at: int, refs: list[_Referent]) -> bool:
        """The pronoun at ``at`` lies in the sentence's opening phrase and a person is named right after that
        phrase's comma: the subject it refers ahead to ("With Roe by her side, Jane Doe said ...")."""
        masked = self.att.masked
        comma = masked.find(",", at, sent.end)
        if comma < 0 or "," in masked[sent.start : at]:
            return False
        named = [r.mention.start for r in refs] + [
            m.start() for m in _FULL_NAME.finditer(masked, comma, sent.end)
        ]
        return any(start > comma and word_count(masked[comma + 1 : start]) <= 2 for start in named)

    # -- resolution ------------------------------------------------------------------------------------
    def _window(self, offset: int, paragraphs_back: int) -> list[Sentence]:
        seg = self.att.seg
        here = seg.sentence_at(offset)
        if here is None:
            i = bisect_right(seg._starts, offset) - 1
            if i < 0:
                return []
            here = seg.sentences[i]
        paragraphs = [here.paragraph]
        p = here.paragraph - 1
        while p >= 0 and len(paragraphs) <= paragraphs_back:
            if not seg.paragraphs[p].heading:
                paragraphs.append(p)
            p -= 1
        out: list[Sentence] = []
        for pi in sorted(paragraphs):
            out.extend(s for s in seg.sentences_of(pi) if s.start <= offset)
        return out

    def _rank(
        self, offset: int, gender: str | None, paragraphs_back: int, *, own: list[_Referent] | None = None
    ) -> list[tuple[float, MentionRef]]:
        """Compatible persons named before ``offset`` with their salience, most salient first (``own``: the
        referents found so far in the sentence of ``offset``, while it is being resolved)."""
        window = self._window(offset, paragraphs_back)
        if not window:
            return []
        last = window[-1].index
        here = window[-1].paragraph
        reported = self._quoted_clause(window[-1], offset)
        best: dict[str, float] = {}
        count: dict[str, int] = {}
        latest: dict[str, MentionRef] = {}
        called: dict[str, set[str]] = {}  # the genders of the pronouns already resolved to each person
        for sent in window:
            refs = own if (own is not None and sent.index == last) else self._referents(sent.index)
            for ref in refs:
                m = ref.mention
                if m.end > offset or (m.start <= offset < m.end):
                    continue
                word = self.att.text[m.start : m.end].lower()
                said = _PRONOUN_GENDER.get(word) if m.how == "pronoun" else None
                if said is not None:
                    called.setdefault(m.actor, set()).add(said)
                if sent.index == last and reported is not None and reported[0] <= m.start < reported[1]:
                    continue  # 'Roe "is unfit," he said': Roe is in the words he said
                if sent.index == last and not ref.weight and self._in_opening_phrase(sent, m, offset):
                    continue  # "Speaking to Roe, he said": the one spoken to is not the speaker
                if gender is not None and self.gender(m.actor) not in (None, gender):
                    continue
                distance = last - sent.index
                decay = _PARAGRAPH_DECAY ** (here - sent.paragraph)
                recency = _RECENCY / (2**distance) * (1.0 if ref.weight else _OBLIQUE_FACTOR)
                score = (recency + ref.weight) * decay * ref.factor
                best[m.actor] = max(best.get(m.actor, 0.0), score)
                count[m.actor] = count.get(m.actor, 0) + 1
                latest[m.actor] = m
        # "John Roe ... He is late. ... she said": a person the text already called "he" is no "she"
        other = {"male": "female", "female": "male"}.get(gender or "")
        scored = [
            (
                best[a]
                + _REPEATED * (count[a] - 1)
                + (_GENDER_MATCH if self._gender_fits(a, gender) else 0.0),
                latest[a],
            )
            for a in best
            if not (other in called.get(a, ()) and gender not in called.get(a, ()) and self.gender(a) is None)
        ]
        return sorted(scored, key=lambda x: (-x[0], -x[1].start))

    def _in_opening_phrase(self, sent: Sentence, m: MentionRef, offset: int) -> bool:
        """The mention lies in a short phrase without a subject of its own that opens the sentence and ends
        with a comma before ``offset`` ("Speaking to Roe,", "In an interview with Roe,")."""
        masked = self.att.masked
        comma = masked.find(",", m.end, offset)
        if comma < 0 or word_count(masked[sent.start : comma]) > 8:
            return False
        lead = masked[sent.start : m.start]
        if _BARE_PRONOUN.search(lead) or self.att.mentions_in(sent.start, m.start):
            return False  # "When she met Roe, he said": a clause with a subject of its own
        return not self.att.verbs(sent.start, comma) and bool(_OPENING.match(lead))

    def _gender_fits(self, actor: str, gender: str | None) -> bool:
        """The text gives the person the pronoun's gender (not merely no gender)."""
        return gender is not None and self.gender(actor) == gender

    def _quoted_clause(self, sent: Sentence, offset: int) -> tuple[int, int] | None:
        """Where the reported clause lies when the pronoun at ``offset`` follows a quotation right away
        ('Roe "is unfit," he said'): from the start of its sentence to the quotation; else None. A quotation
        introduced by a comma or a colon ('Roe weighed in, telling them: "...," he said') leaves the words
        before it the reporter's; so does a reporting verb of the sentence's own before it ('Roe said that
        Doe has "X," he said': only the words after the verb are reported, and Roe may be who "he" is)."""
        seg = self.att.seg
        before = [q for q in seg.quotes_in(sent.paragraph) if sent.start <= q.open and q.after <= offset]
        if not before or seg.masked[before[-1].after : offset].strip(" ,.;:!?-" + DASHES):
            return None
        if seg.masked[sent.start : before[0].open].rstrip(" \t\n'").endswith((",", ":")):
            return None
        verbs = self.att.verbs(sent.start, before[0].open)
        return (verbs[0].end if verbs else sent.start, before[0].open)

    def ranked(
        self, offset: int, *, gender: str | None = None, paragraphs_back: int = _PARAGRAPHS_BACK
    ) -> list[tuple[float, MentionRef]]:
        """Compatible persons named (or referred to) before ``offset``, most salient first."""
        return self._rank(offset, gender, paragraphs_back)

    def person(
        self, offset: int, *, gender: str | None = None, paragraphs_back: int = _PARAGRAPHS_BACK
    ) -> MentionRef | None:
        """The most salient compatible person named before ``offset``, or None."""
        ranked = self._rank(offset, gender, paragraphs_back)
        return ranked[0][1] if ranked else None

    def body(self, offset: int) -> MentionRef | None:
        """What "it" as a speaker refers to: the body (a state, a ministry, an organisation) that opens the
        sentence before, or the one before that, in the same paragraph."""
        att = self.att
        here = att.seg.sentence_at(offset)
        if here is None:
            return None
        for index in range(here.index - 1, max(-1, here.index - 3), -1):
            sent = att.seg.sentences[index]
            if sent.paragraph != here.paragraph:
                break
            opening = [m for m in att.mentions_in(sent.start, sent.end) if not att.seg.quoted(m.start)][:1]
            if (
                opening
                and not opening[0].person
                and word_count(att.masked[sent.start : opening[0].start]) <= 3
            ):
                return MentionRef(opening[0].actor, offset, offset + 2, "pronoun", False)
        return None

    def named_body(self, noun: str, offset: int) -> MentionRef | None:
        """The body a definite noun refers back to ("the board", "the ministry"): the last body named before
        ``offset`` in this paragraph or the two before whose name the noun heads ("the Lake County Board of
        Elections", "the Foreign Ministry"; not "the state" for "the State Department")."""
        att = self.att
        word = noun.lower()
        for sent in reversed(self._window(offset, _PARAGRAPHS_BACK)):
            bodies = [
                m
                for m in att.mentions_in(sent.start, min(sent.end, offset))
                if not m.person and m.how != "pronoun" and not att.seg.quoted(m.start)
            ]
            for m in reversed(bodies):
                if word in _head_words(att.text[m.start : m.end]):
                    return MentionRef(m.actor, offset, offset + len(noun), "description", False)
        return None

    def spoken_for(self, offset: int, depth: int = 0) -> MentionRef | None:
        """The body a spokesperson mentioned at ``offset`` speaks for: the one named with a spokesperson's
        noun last before it in this paragraph or the two before ("a spokesperson for the ministry", "the
        ministry's spokesman", "a Kremlin spokesman")."""
        att = self.att
        lex = att.lex
        for sent in reversed(self._window(offset, _PARAGRAPHS_BACK)):
            bodies = [
                m
                for m in att.mentions_in(sent.start, min(sent.end, offset))
                if not m.person and not att.seg.quoted(m.start)
            ]
            for m in reversed(bodies):
                # within the sentence: "... US tariffs. An embassy spokeswoman" is no US one
                after = [w.lower() for w in _WORD.findall(att.masked[m.end : min(m.end + 40, sent.end)])[:3]]
                before = [
                    w.lower() for w in _WORD.findall(att.masked[max(sent.start, m.start - 30) : m.start])[-3:]
                ]
                if before and before[-1] == "the":
                    before = before[:-1]
                spokesman_for = (
                    len(before) >= 2 and before[-1] in ("for", "of") and before[-2] in lex.speaks_for
                )
                if spokesman_for or any(w in lex.speaks_for for w in after):
                    return MentionRef(m.actor, offset, offset + 1, "description", False)
            if depth == 0:
                # the role introduced earlier with a body noun of its own ("An embassy spokeswoman said",
                # two paragraphs on from "Ukraine's embassy in Rome"): whom it spoke for there
                for found in _ROLE_OF_BODY.finditer(att.masked, sent.start, min(sent.end, offset)):
                    if found.group(1).lower() in lex.speaks_for and not att.seg.quoted(found.start()):
                        body = self.spoken_for(found.start(), depth + 1)
                        if body is not None:
                            return MentionRef(body.actor, offset, offset + 1, "description", False)
        return None

    def described(self, noun: str, offset: int, *, strict: bool = False) -> MentionRef | None:
        """The most salient person a role description fits ("the senator": a person named with "senator" or
        "Sen." before, or in an appositive holding it); unless ``strict``, the person in focus when the
        text names nobody with that noun."""
        att = self.att
        fits: set[str] = set()
        noun = noun.lower()
        for m in att._persons:
            if m.start >= offset:
                break
            before = [w.lower() for w in _WORD.findall(att.text[max(0, m.start - 60) : m.start])[-4:]]
            # "Sen. Jane Roe" fits "the senator": an abbreviated title is the start of the noun
            fit = any(w.rstrip(".") == noun or (w.endswith(".") and noun.startswith(w[:-1])) for w in before)
            if fit or noun in _appositive(att.text, m.end)[:6]:
                fits.add(m.actor)
        ranked = self._rank(offset, None, _PARAGRAPHS_BACK)
        for _, m in ranked:
            if m.actor in fits:
                return m
        if fits or not ranked or strict:
            return None  # the description fits someone else, out of focus
        # nobody was named with that noun: the person in focus, when the text gives them no other role
        top = ranked[0][1]
        return (
            top
            if not any(self._described_as(m, noun) is False for m in att._persons if m.actor == top.actor)
            else None
        )

    def _described_as(self, m: MentionRef, noun: str) -> bool | None:
        """Whether a person's mention carries a role noun before it: True for ``noun``, False for another
        person noun, None for none."""
        before = [
            w.lower().rstrip(".") for w in _WORD.findall(self.att.text[max(0, m.start - 40) : m.start])[-2:]
        ]
        roles = [w for w in before if w in self.att.lex.person_nouns]
        if not roles:
            return None
        return noun in roles


def _head_words(name: str) -> set[str]:
    """The lower-cased words that can head a body's name: the last, and the one before "of" or "for"
    ("Board" in "Board of Elections", "Ministry" in "Foreign Ministry")."""
    words = [w.lower() for w in _WORD.findall(name)]
    heads = {words[-1]} if words else set()
    heads.update(w for w, nxt in pairwise(words) if nxt in ("of", "for"))
    return heads


def _main_clause(verb: Token) -> bool:
    """The verb heads its sentence's main clause (or is conjoined to the verb that does)."""
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ == "ROOT"


def _is_possessive(text: str, end: int) -> bool:
    return text[end : end + 2] in ("'s", "’s") or text[end : end + 1] in ("'", "’")


def _appositive(text: str, end: int) -> list[str]:
    """The lower-cased words of an appositive right after a name (", a spokeswoman for the campaign,")."""
    if not text.startswith(",", end):
        return []
    body = text[end + 1 : end + 100].split(",")[0]
    return [w.lower().rstrip(".") for w in _WORD.findall(body)]


def _described_as_people(
    text: str, mentions: Iterable[Mention], lex: Lexicon, labels: dict[str, str] | None = None
) -> set[str]:
    """Names the entity recogniser did not call people that the text introduces as one: a first name and a
    surname with an appositive that opens with a person's noun ("Jane Roe, an Iranian journalist, said"); a
    surname alone (read as a body, not a place) whose appositive is headed by a person's noun ("Roe, a
    retired nurse who ..."; not "Acme, a firm whose owner ...")."""
    out: set[str] = set()
    for m in mentions:
        words = m.actor[4:].split() if m.actor.startswith("ner:") else []
        if not 1 <= len(words) <= 3 or not all(_NAME_WORD.fullmatch(w) and w[0].isupper() for w in words):
            continue
        appositive = _appositive(text, m.end)[:6]
        if not appositive or appositive[0] not in _DETERMINERS:
            continue
        if len(words) >= 2:
            if any(w in lex.person_nouns for w in appositive[:4]):
                out.add(m.actor)
        elif labels is not None and labels.get(m.actor, "") in _PERSON_LIKE_LABELS and not words[0].isupper():
            head = _appositive_head(appositive)
            if head is not None and head in lex.person_nouns:
                out.add(m.actor)
    return out


def _appositive_head(words: list[str]) -> str | None:
    """The noun heading an appositive's first noun phrase: its last word before a relative pronoun or a
    preposition ("an Ohio farmer who ...": farmer; "a firm whose owner": firm)."""
    head = None
    for w in words[1:]:
        if w in _RELATIVE or w in ("whose", "of", "for", "at", "from", "in", "with", "and", "on", "to", "by"):
            break
        head = w
    return head


def _titled_people(
    text: str, mentions: Iterable[Mention], labels: dict[str, str], grammar: Grammar
) -> set[str]:
    """Names the entity recogniser called a body where it read them ("Roe took a different tack": an
    organisation) that the text gives an honorific elsewhere ("Gov. Roe", "Mrs. Roe"): people."""
    out: set[str] = set()
    names = {m.actor for m in mentions if m.how == "ner" and labels.get(m.actor, "") in _PERSON_LIKE_LABELS}
    if not names:
        return out
    # where a titled name may start: after an honorific and up to two capitalised words or initials
    # ("Gov. Roe", "Gov. Jane Roe", "Gov. Jane Q. Roe"); spaces are taken whole (a name never opens with one)
    opening, titles, word = _title_patterns(grammar.honorifics)
    starts: set[int] = set()
    for m in opening.finditer(text):
        for title in titles:  # each honorific that matches here (one may be the start of another)
            found = title.match(text, m.start())
            if found is None:
                continue
            at = found.end()
            starts.add(at)
            for _ in range(2):
                step = word.match(text, at)
                if step is None:
                    break
                at = step.end()
                starts.add(at)
    for actor in names:
        name = actor[4:]
        if _NAME_WORD.fullmatch(name.split()[-1]) and any(
            text.startswith(name, at) and not _word_char_at(text, at + len(name)) for at in starts
        ):
            out.add(actor)
    return out


@lru_cache(maxsize=8)
def _title_patterns(
    honorifics: tuple[str, ...],
) -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...], re.Pattern[str]]:
    """Where an honorific opens (a lookahead), each honorific with its spaces ("Gov. "), and a capitalised
    word or an initial with its spaces (compiled once per grammar, not once per name)."""
    # none: the bare spaces before a name (what an empty alternation of honorifics matches)
    forms = [re.escape(w.rstrip(".").capitalize()) for w in honorifics] or [""]
    opening = re.compile(rf"\b(?=(?:{'|'.join(forms)})\.?\s)")
    titles = tuple(re.compile(rf"{form}\.?\s+") for form in forms)
    return opening, titles, re.compile(r"[A-Z][a-z'’-]*\s+|[A-Z]\.\s+")


def _word_char_at(text: str, i: int) -> bool:
    """Whether ``text[i]`` is a word character (what ``\\b`` after a name looks at)."""
    return i < len(text) and (text[i].isalnum() or text[i] == "_")


def _people_by_usage(
    text: str, mentions: Iterable[Mention], labels: dict[str, str], lex: Lexicon
) -> set[str]:
    """Names the entity recogniser called a body ("Roe said." read as an organisation) that the text
    treats as a person: "Roe, who ..." (a relative pronoun for people), "Roe, 52, ..." (an age), "Roe said
    he ..." (a reporting verb whose clause opens with a man's or a woman's pronoun: a body says "it")."""
    out: set[str] = set()
    for actor in {m.actor for m in mentions if m.how == "ner"}:
        name = actor[4:]
        words = name.split()
        if labels.get(actor, "") not in _PERSON_LIKE_LABELS or not 1 <= len(words) <= 3:
            continue
        if not all(_NAME_WORD.fullmatch(w) and w[0].isupper() and not w.isupper() for w in words):
            continue  # "CNN", "Poll 2016": not the shape of a person's name
        if re.search(rf"\b{re.escape(name)},\s+(?:who\b|\d{{1,3}},)", text):
            out.add(actor)
            continue
        said = re.finditer(rf"\b{re.escape(name)}\s+([a-z]+)\s+(?:that\s+)?(?:he|she)\b", text)
        if any(lex.forms.get(m.group(1)) in lex.lemmas for m in said):
            out.add(actor)
    return out


def attributor_for(ctx: DocContext) -> Attributor:
    """The context's :class:`Attributor` (built once): its mentions, segmentation, grammar and parses."""
    cached = ctx._attributor
    if cached is not None and cached[0] is ctx.mentions:
        return cached[1]
    labels = ctx.ner_labels_by_actor  # built once here: ctx.is_person rebuilds it on every call
    kinds = {a.id: a.kind for a in ctx.codebook.actors}

    described = _described_as_people(ctx.text, ctx.mentions, lexicon(ctx.codebook.grammar), labels)
    described |= _titled_people(ctx.text, ctx.mentions, labels, ctx.codebook.grammar)
    described |= _people_by_usage(ctx.text, ctx.mentions, labels, lexicon(ctx.codebook.grammar))

    def person(actor: str) -> bool:
        if actor.startswith("ner:"):
            return labels.get(actor) == "PERSON" or actor in described
        return kinds.get(actor) == "person"

    refs = [MentionRef(m.actor, m.start, m.end, m.how, person(m.actor)) for m in ctx.mentions]
    att = Attributor(
        ctx.text,
        refs,
        segmentation=ctx.segmentation,
        grammar=ctx.codebook.grammar,
        parse=parser_for(ctx),
    )
    ctx._attributor = (ctx.mentions, att)
    return att


def parser_for(ctx: DocContext) -> Parser:
    """``parse(offset)``: the spaCy parse of the context's sentence holding ``offset`` and that sentence's
    start, or None when that sentence is neither a candidate (``ctx.candidates``: the sentences that can hold
    evidence) nor parsed already; parses are cached by the context."""

    def parse(offset: int) -> tuple[Doc, int] | None:
        sent = ctx.sentence_at(offset)
        # only sentences that can hold evidence are parsed, and those that may name whom a pronoun refers
        # to (parsed already by ``actors.resolve_mentions``: their roles rank the pronoun's candidates)
        if sent is None or (sent.index not in ctx.candidates and sent.index not in ctx._docs):
            return None
        return ctx.doc(sent.index), sent.start

    return parse
