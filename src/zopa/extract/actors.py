"""Actor mentions: codebook names, dated titles, metonyms, adjectives, pronouns, and people found by NER.

Extractor ``actors.v1``. Codebook surface forms are matched with one compiled regular expression (longest
form first): names and aliases case-sensitively, titles case-insensitively ("the Russian president" and
"Russian President"), metonyms ("Moscow", "the Kremlin") and adjectives ("Russian" officials) case-
sensitively.
A title resolves to whoever holds it on the article's date. Names the codebook does not know are taken from
spaCy's named entities (PERSON, ORG, GPE, NORP) in the sentences that can hold evidence and referenced as
``ner:<Name>``; the codebook wins over the model where both match. "He"/"She" resolve to the person in focus.
"""

from __future__ import annotations

import bisect
import calendar
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from zopa.codebook import Codebook, DatedRef
from zopa.extract._cues import trie_regex as _trie_regex
from zopa.extract._nlp import DocContext
from zopa.records import Mention

EXTRACTOR = "actors.v1"
_NER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_PRONOUN = re.compile(r"(?<![\w’'])(?:He|he|She|she)(?![\w])")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_CONFIDENCE = {"alias": 1.0, "title": 0.9, "metonym": 0.85, "adjective": 0.7, "ner": 0.6, "pronoun": 0.7}


@dataclass(frozen=True, slots=True)
class _Form:
    actor: str
    how: str  # alias | title | metonym | adjective
    when: DatedRef | None  # for titles: when the actor holds it


def _title_core(title: str) -> str:
    return re.sub(r"^the\s+", "", title.strip(), flags=re.IGNORECASE)


def title_key(title: str) -> str:
    """What two spellings of a title share: case, periods, hyphens, curly apostrophes and a leading "the" do
    not count ("the U.S. Trade Representative" = "US trade representative")."""
    text = _title_core(title).lower().replace("’", "'").replace(".", "")
    return " ".join(re.sub(r"[-‐–]", " ", text).split())


_MAY_DOT = "\x00"  # in a title's trie word: an optional period may follow ("u.s." or "us")


def _title_trie_word(key: str) -> str:
    """A title key for the trie: short words may be written with periods ("US" as "U.S."), except after the
    title's last letter, which must not swallow the period that ends a sentence."""
    words = key.split(" ")
    out = [
        _MAY_DOT.join(w) + (_MAY_DOT if k < len(words) - 1 else "") if len(w) <= 3 and w.isalpha() else w
        for k, w in enumerate(words)
    ]
    return " ".join(out)


def _title_piece(ch: str) -> str:
    if ch == _MAY_DOT:
        return r"\.?"
    if ch == " ":
        return r"[\s‐–-]+"
    if ch == "'":
        return "['’]"
    return re.escape(ch)


_PAST_HOLDER = re.compile(r"(?:\bformer\s+|\bex-|\bthen-)$", re.IGNORECASE)


class ActorResolver:
    """Maps surface forms to codebook actor ids at one date; finds codebook mentions in text."""

    def __init__(self, codebook: Codebook, day: date | None, table: _FormTable) -> None:
        self.codebook = codebook
        self.day = day
        self._table = table

    @classmethod
    def for_codebook(cls, codebook: Codebook, day: date | None) -> ActorResolver:
        return cls(codebook, day, _form_table(codebook))

    def _pick(self, forms: list[_Form]) -> _Form | None:
        for form in forms:
            if form.when is None or form.when.holds_on(self.day):
                return form
        return None

    def lookup_form(self, surface: str) -> _Form | None:
        """The codebook form a surface string stands for at this date, or None."""
        surface = _POSSESSIVE.sub("", surface.strip())
        forms = self._table.exact.get(surface)
        picked = self._pick(forms) if forms else None
        if picked is None:
            forms = self._table.folded.get(title_key(surface))
            picked = self._pick(forms) if forms else None
        if picked is None and surface.lower().startswith("the "):
            forms = self._table.exact.get(surface[4:])
            picked = self._pick(forms) if forms else None
        return picked

    def _untimed_title(self, surface: str, text: str, seen: dict[str, _Form | None]) -> _Form | None:
        """A title nobody is known to hold on the article's date (an undated article, a date outside the
        codebook's periods): the one of its holders the article names ("Vladimir Putin ... the Russian
        president"), else the side all its holders speak for ("Russia's foreign minister said" is Russia,
        though no known person)."""
        key = title_key(_POSSESSIVE.sub("", surface.strip()))
        if key in seen:
            return seen[key]
        actors = self.codebook.actor_by_id
        forms = self._table.folded.get(key, [])
        holders = sorted({f.actor for f in forms if f.how == "title" and f.actor in actors})
        names = {a: (actors[a].name, *actors[a].aliases) for a in holders}
        named = [a for a in holders if any(re.search(r"\b" + re.escape(n) + r"\b", text) for n in names[a])]
        sides = {actors[a].party_on(None) for a in holders}
        side = sides.pop() if len(sides) == 1 else None
        who = named[0] if len(named) == 1 else side
        seen[key] = _Form(who, "title", None) if who is not None else None
        return seen[key]

    def lookup(self, surface: str) -> str | None:
        form = self.lookup_form(surface)
        return form.actor if form else None

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Codebook mentions in ``text[start:end]``; adjacent forms of one actor are merged."""
        end = len(text) if end is None else end
        out: list[Mention] = []
        if self._table.pattern is None:
            return out
        untimed: dict[str, _Form | None] = {}
        for m in self._table.pattern.finditer(text, start, end):
            form = self.lookup_form(m.group())
            if form is None and not _PAST_HOLDER.search(text, max(0, m.start() - 12), m.start()):
                form = self._untimed_title(m.group(), text, untimed)  # not "the former secretary of state"
            if form is None:
                continue  # a title nobody holds at this date, of no one side
            s, e = m.start(), m.end()
            if form.how == "title" and text[s : s + 4].lower() == "the ":
                pass  # keep "the" in the span of "the Russian president"
            prev = out[-1] if out else None
            if prev is not None and prev.actor == form.actor and not text[prev.end : s].strip():
                how = "alias" if "alias" in (prev.how, form.how) else prev.how
                out[-1] = Mention(
                    actor=form.actor,
                    text=text[prev.start : e],
                    start=prev.start,
                    end=e,
                    how=how,
                    extractor=EXTRACTOR,
                    confidence=_CONFIDENCE[how],
                )
                continue
            out.append(
                Mention(
                    actor=form.actor,
                    text=m.group(),
                    start=s,
                    end=e,
                    how=form.how,
                    extractor=EXTRACTOR,
                    confidence=_CONFIDENCE[form.how],
                )
            )
        return out


def _with_opening_capital(forms: set[str]) -> set[str]:
    """The forms, and a lower-case one as it opens a sentence ("the union" -> "The union wants ...",
    "management" -> "Management offered ...")."""
    return forms | {f[:1].upper() + f[1:] for f in forms if f[:1].islower()}


@dataclass
class _FormTable:
    exact: dict[str, list[_Form]]  # case-sensitive forms: names, aliases, metonyms, adjectives
    folded: dict[str, list[_Form]]  # titles by their title_key
    pattern: re.Pattern[str] | None


_TABLES: dict[int, tuple[Codebook, _FormTable]] = {}


def _form_table(codebook: Codebook) -> _FormTable:
    cached = _TABLES.get(id(codebook))
    if cached is not None and cached[0] is codebook:
        return cached[1]
    exact: dict[str, list[_Form]] = {}
    folded: dict[str, list[_Form]] = {}
    literal: list[str] = []  # case-sensitive forms
    titles: list[str] = []  # title keys, matched case-insensitively with an optional "the"
    for actor in codebook.actors:
        for name in (actor.name, *actor.aliases):
            for form in _with_opening_capital({name}):
                exact.setdefault(form, []).append(_Form(actor.id, "alias", None))
                literal.append(form)
        for metonym in actor.metonyms:
            core = _title_core(metonym) if metonym[:4].lower() == "the " else metonym
            # datelines write places in capitals: "MOSCOW (Reuters) -"
            spellings = {core, core.upper()} if " " not in core and len(core) > 3 else {core}
            for form in _with_opening_capital(spellings):
                exact.setdefault(form, []).append(_Form(actor.id, "metonym", None))
                literal.append(form)
        for adjective in actor.adjectives:
            exact.setdefault(adjective, []).append(_Form(actor.id, "adjective", None))
            literal.append(adjective)
            if adjective.endswith("an") and adjective[:1].isupper():
                # the people for their side: "the Americans want us to leave", "the Russians refused"
                exact.setdefault(adjective + "s", []).append(_Form(actor.id, "metonym", None))
                literal.append(adjective + "s")
        for title in actor.titles:
            key = title_key(title.title)
            folded.setdefault(key, []).append(_Form(actor.id, "title", title))
            titles.append(_title_trie_word(key))
    # dated titles first so that the holder at the date wins; then undated forms
    for forms in (*exact.values(), *folded.values()):
        forms.sort(key=lambda f: f.when is None)
    parts = []
    if titles:
        parts.append(r"(?i:(?:the\s+)?" + _trie_regex(titles, _title_piece) + ")")
    if literal:
        parts.append(_trie_regex(literal))
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])") if parts else None
    table = _FormTable(exact, folded, pattern)
    _TABLES[id(codebook)] = (codebook, table)
    return table


def find_mentions(ctx: DocContext) -> list[Mention]:
    """Codebook mentions in the whole text (titles, aliases, metonyms, adjectives); sets ``ctx.mentions``."""
    ctx.mentions = ctx.resolver.find(ctx.text)
    return ctx.mentions


def add_ner_mentions(ctx: DocContext, indices: Iterable[int]) -> list[Mention]:
    """Named entities in these sentences that the codebook does not cover, as ``ner:<Name>`` mentions.

    The entity recogniser's labels are checked against the codebook and the sentence: a name inside an issue
    cue is what is negotiated, not who negotiates; a "person" that a thing noun follows or that "the"
    precedes ("the Zorvat missile", "the Halden Plan") is a thing; a longer person's name that holds a
    codebook surname with another first name ("Anna Putin") is that other person.
    """
    from zopa.extract._attribution import lexicon
    from zopa.extract.positions import compiled_cues

    cues = compiled_cues(ctx.codebook)
    grammar = ctx.codebook.grammar
    things = frozenset(grammar.thing_nouns)
    people = frozenset((*grammar.person_nouns, *grammar.speaks_for_nouns))
    honorifics = frozenset(w.rstrip(".") for w in grammar.honorifics)
    person_words = honorifics | {w.rstrip(".") for w in grammar.person_nouns}
    lex = lexicon(grammar)
    added: list[Mention] = []
    replaced: set[tuple[int, int]] = set()
    taken = [(m.start, m.end) for m in ctx.mentions]
    for i in sorted(indices):
        sentence = ctx.sentences[i]
        topics: list[tuple[int, int]] | None = None  # the sentence's issue cues, found when first needed
        doc = ctx.doc(i)
        for ent in doc.ents:
            if ent.label_ not in _NER_LABELS:
                continue
            start = sentence.start + ent.start_char
            end = sentence.start + ent.end_char
            name = _POSSESSIVE.sub("", ent.text.strip())
            name = re.sub(r"^(?:the|The)\s+", "", name).strip(" \"“”‘’'-—–,")
            label = ent.label_
            before = doc[ent.start - 1].lower_.rstrip(".") if ent.start > 0 else ""
            # "Spokeswoman Jane Roe": a role word, then a first name and a surname
            cleaned = lex.person_name(name)
            titled = (
                cleaned != name
                and ent[0].lower_.rstrip(".") in person_words
                and len(cleaned.split()) >= 2
                and all(w[:1].isupper() for w in cleaned.split())
            )
            if label != "PERSON" and len(ent) <= 4 and (before in honorifics or titled):
                label = "PERSON"  # "Mr. Doe", "Spokeswoman Jane Roe" tagged ORG
            if label == "PERSON":
                name = lex.person_name(name)
            if not name or any(ch.isdigit() for ch in name) or not name[0].isupper():
                continue
            if ent.label_ in ("PERSON", "ORG") and _names_a_thing(doc, ent, things, people):
                continue
            if topics is None:
                # a name inside an issue cue is what is negotiated ("Crimea", "Donetsk"), not who negotiates
                topics = [
                    (sentence.start + m.start(), sentence.start + m.end())
                    for issue, m in cues.issues.finditer(sentence.text)
                    if issue not in cues.catch_all
                ]
            if any(s <= start and end <= e for s, e in topics):
                continue
            overlap = [(s, e) for s, e in taken if s < end and start < e]
            if overlap:
                other = _other_person(ctx, label, name, start, end, overlap)
                if other is None:
                    continue  # the codebook wins where both match ("Kyiv" tagged PERSON)
                replaced.add(other)
            elif ctx.resolver.lookup(name) is not None or name.split()[0].lower() in {"he", "she", "it"}:
                continue
            offset = ctx.text.find(name, start, end)
            start, end = (offset, offset + len(name)) if offset >= 0 else (start, end)
            known = _spelled_otherwise(ctx.codebook, name) if label == "PERSON" else None
            mention = Mention(
                actor=known or f"ner:{name}",
                text=ctx.text[start:end],
                start=start,
                end=end,
                how="alias" if known else "ner",
                extractor=EXTRACTOR,
                confidence=_CONFIDENCE["ner"],
            )
            ctx.ner_labels[(start, end)] = label
            added.append(mention)
            taken.append((start, end))
    if added:
        kept = [m for m in ctx.mentions if (m.start, m.end) not in replaced]
        ctx.mentions = sorted([*kept, *added], key=lambda m: (m.start, m.end))
    return added


def _names_a_thing(doc: Any, ent: Any, things: frozenset[str], people: frozenset[str]) -> bool:
    """The entity is a weapon, a programme, a place or a document rather than someone who speaks."""
    words = [t.lower_ for t in ent]
    after = doc[ent.end].lower_ if ent.end < len(doc) else ""
    before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
    if any(w in things for w in words[1:]) or after in things:
        return True
    return ent.label_ == "PERSON" and before == "the" and after not in people and words[0] != "the"


def _other_person(
    ctx: DocContext, label: str, name: str, start: int, end: int, overlap: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The codebook mention a longer entity replaces: one codebook person's surname alias inside a PERSON
    name whose first name is not that person's ("Anna Putin" holding "Putin"); a place or people's name
    inside a person's name ("David French", "Tony Paris") or an organisation's that is no body of the
    party ("The Washington Post"); else None."""
    if label not in ("PERSON", "ORG") or len(overlap) != 1 or ctx.resolver.lookup(name) is not None:
        return None
    s, e = overlap[0]
    if not (start <= s and e <= end) or (s, e) == (start, end):
        return None
    known = next((m for m in ctx.mentions if (m.start, m.end) == (s, e)), None)
    if known is not None and known.how in ("metonym", "adjective"):
        grammar = ctx.codebook.grammar
        given = ctx.text[start:s].split()
        if label == "PERSON":
            named = bool(given) and given[0][:1].isupper() and given[0].lower() not in grammar.title_words
            return (s, e) if named else None
        rest = ctx.text[e:end].split()
        return (s, e) if rest and rest[-1].lower() not in grammar.body_nouns else None
    if label != "PERSON":
        return None
    actor = ctx.codebook.actor_by_id.get(known.actor) if known is not None else None
    if actor is None or actor.kind != "person" or known is None or known.how != "alias":
        return None
    first = ctx.text[start:s].split()
    if not first or not first[0][:1].isupper() or first[0].lower() in ctx.codebook.grammar.title_words:
        return None
    own_first = [n.split()[0] for n in (actor.name, *actor.aliases) if len(n.split()) > 1]
    return None if any(_same_first_name(first[0], own) for own in own_first) else (s, e)


def _same_first_name(a: str, b: str) -> bool:
    """Two spellings of one first name ("Vladimir", "Volodymyr"; "J." for "John"), not two names."""
    a, b = a.lower().rstrip("."), b.lower().rstrip(".")
    if not a or not b or a[0] != b[0]:
        return False
    return len(a) == 1 or len(b) == 1 or _similar(a, b, _FIRST_NAME_SIMILARITY)


def _same_surname(a: str, b: str) -> bool:
    """Two spellings of one surname ("Kovalski", "Kovalsky")."""
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    return a[:1] == b[:1] and abs(len(a) - len(b)) <= 2 and _similar(a, b, _SURNAME_SIMILARITY)


def _similar(a: str, b: str, least: float) -> bool:
    """``SequenceMatcher(None, a, b).ratio() >= least``, its cheaper upper bounds tried first (a pair they
    put below ``least`` is below it)."""
    matcher = SequenceMatcher(None, a, b)
    return matcher.real_quick_ratio() >= least and matcher.quick_ratio() >= least and matcher.ratio() >= least


_FIRST_NAME_SIMILARITY = 0.5
_SURNAME_SIMILARITY = 0.85


_SPELLINGS: dict[int, tuple[Codebook, dict[str, str | None]]] = {}  # codebook -> name -> person
_SPELLINGS_KEPT = 50_000  # names kept per codebook (a long watch run starts again past this)


def _spelled_otherwise(codebook: Codebook, name: str) -> str | None:
    """The codebook person a name the codebook does not list spells another way: the same surname (or a
    transliteration of it) and, when a first name is given, a spelling of the person's first name
    ("Vladimir Zelensky", "Kovalski"); None when no person or several fit. Kept per codebook (names
    recur from article to article, and each look-up compares the name with every person)."""
    cached = _SPELLINGS.get(id(codebook))
    if cached is None or cached[0] is not codebook or len(cached[1]) > _SPELLINGS_KEPT:
        cached = _SPELLINGS[id(codebook)] = (codebook, {})
    if name not in cached[1]:
        cached[1][name] = _spelling_of(codebook, name)
    return cached[1][name]


_PERSON_NAMES: dict[int, tuple[Codebook, dict[str, list[tuple[str, list[str]]]]]] = {}


def _person_names(codebook: Codebook) -> dict[str, list[tuple[str, list[str]]]]:
    """The words of each codebook person's name and aliases, by the first letter of the surname (two
    spellings of a surname share it): (actor id, words)."""
    cached = _PERSON_NAMES.get(id(codebook))
    if cached is not None and cached[0] is codebook:
        return cached[1]
    out: dict[str, list[tuple[str, list[str]]]] = {}
    for actor in codebook.actors:
        if actor.kind != "person":
            continue
        for known in (actor.name, *actor.aliases):
            parts = known.split()
            if parts:
                out.setdefault(parts[-1].lower()[:1], []).append((actor.id, parts))
    _PERSON_NAMES[id(codebook)] = (codebook, out)
    return out


def _spelling_of(codebook: Codebook, name: str) -> str | None:
    words = name.split()
    if not words or len(words[-1]) < 4:
        return None
    fits = set()
    for actor_id, parts in _person_names(codebook).get(words[-1].lower()[:1], []):
        if not _same_surname(words[-1], parts[-1]):
            continue
        if len(words) > 1 and len(parts) > 1 and _same_first_name(words[0], parts[0]):
            fits.add(actor_id)
        elif len(words) == 1 and len(words[0]) == len(parts[-1]):
            fits.add(actor_id)  # a surname alone: a transliteration of the same length ("-ski", "-sky")
    return fits.pop() if len(fits) == 1 else None


def _drop_titles_before_names(ctx: DocContext) -> None:
    """ "Council President John Doe": a title right before a person's name is that person's, not
    the title's holder at the article's date (or today)."""
    drop = set()
    mentions = ctx.mentions
    for a, b in itertools.pairwise(mentions):
        if (
            a.how == "title"
            and a.actor != b.actor
            and not ctx.text[a.end : b.start].strip()
            and ctx.is_person(b.actor)
        ):
            drop.add((a.start, a.end))
    if drop:
        ctx.mentions = [m for m in mentions if (m.start, m.end) not in drop]


def _add_speaking_names(ctx: DocContext, indices: Iterable[int]) -> None:
    """A proper name the entity recogniser left out that is the subject of a reporting verb ("Doe
    acknowledged that ...") names a person: it becomes a ``ner:`` person mention (a surname of someone
    named in full before links to them)."""
    from zopa.extract._attribution import lexicon

    lex = lexicon(ctx.codebook.grammar)
    taken = [(m.start, m.end) for m in ctx.mentions]
    added: list[Mention] = []
    for i in sorted(indices):
        sentence = ctx.sentences[i]
        for token in ctx.doc(i):
            if (
                token.dep_ != "nsubj"
                or token.tag_ != "NNP"
                or token.ent_type_
                or not _NAME_WORD.fullmatch(token.text)
            ):
                continue
            if lex.forms.get(token.head.lower_) not in lex.lemmas or ctx.segmentation.quoted(
                sentence.start + token.idx
            ):
                continue
            parts = [t for t in token.lefts if t.dep_ == "compound" and t.tag_ == "NNP"] + [token]
            if not parts[0].text[:1].isupper() or any(
                t.lower_ in lex.not_names or t.lower_ in lex.thing_nouns or t.lower_ in lex.person_nouns
                for t in parts
            ):
                continue
            end = sentence.start + token.idx + len(token.text)
            name = lex.person_name(ctx.text[sentence.start + parts[0].idx : end])  # "Spokeswoman Jane Roe"
            start = end - len(name)
            if any(s < end and start < e for s, e in taken) or ctx.resolver.lookup(name) is not None:
                continue
            added.append(
                Mention(
                    actor=f"ner:{name}",
                    text=name,
                    start=start,
                    end=end,
                    how="ner",
                    extractor=EXTRACTOR,
                    confidence=_CONFIDENCE["ner"],
                )
            )
            ctx.ner_labels[(start, end)] = "PERSON"
            taken.append((start, end))
    if added:
        ctx.mentions = sorted([*ctx.mentions, *added], key=lambda m: (m.start, m.end))


_FIRST_NAME_BEFORE = re.compile(r"(?<![\w’'.-])([A-Z][a-z]+(?:-[A-Z][a-z]+)?) $")
_CALENDAR = frozenset(w.lower() for w in (*calendar.day_name, *calendar.month_name) if w)


def _proper_noun_at(ctx: DocContext, start: int) -> bool:
    """A capitalised word at ``start`` is a name: inside its sentence, or, opening it, tagged a proper noun
    where the sentence is parsed (any capitalised word may open a sentence)."""
    sent = ctx.sentence_at(start)
    if sent is None or ctx.text[sent.start : start].strip(" \"'“‘(-—–"):
        return True
    if sent.index not in ctx.candidates:
        return False
    doc = ctx.doc(sent.index)
    return any(sent.start + t.idx == start and t.tag_ in ("NNP", "NNPS") for t in doc)


def _others_of_a_surname(ctx: DocContext) -> None:
    """A codebook person's bare surname right after another first name the recogniser missed ("Ivanka Trump",
    where the codebook's person is Donald Trump) is that other person: a ``ner:`` person of the full name.
    Not a title, a role, a calendar word or a common word before it ("President Roe", "Tuesday Roe")."""
    from zopa.extract._attribution import lexicon
    from zopa.stories import STOPWORDS

    lex = lexicon(ctx.codebook.grammar)
    taken = {(m.start, m.end) for m in ctx.mentions}
    changed: list[Mention] = []
    for m in ctx.mentions:
        actor = ctx.codebook.actor_by_id.get(m.actor)
        if actor is None or actor.kind != "person" or m.how != "alias" or " " in m.text:
            continue
        first = _FIRST_NAME_BEFORE.search(ctx.text, max(0, m.start - 30), m.start)
        if first is None:
            continue
        word = first.group(1).lower()
        if re.search(rf"(?<![\w’'-]){re.escape(word)}(?![\w’'-])", ctx.text):
            continue  # the text writes it in lower case elsewhere: a common word ("Maybe Trump will")
        if not _proper_noun_at(ctx, first.start(1)):
            continue
        own_first = [n.split()[0] for n in (actor.name, *actor.aliases) if len(n.split()) > 1]
        if (
            word in lex.roles
            or word in lex.forms
            or word in lex.not_names
            or word in STOPWORDS
            or word in _CALENDAR
            or any(_same_first_name(first.group(1), own) for own in own_first)
            or any(a < first.end(1) and first.start(1) < b for a, b in taken)
        ):
            continue
        start = first.start(1)
        name = ctx.text[start : m.end]
        changed.append(replace(m, actor=f"ner:{name}", text=name, start=start, how="ner"))
        ctx.ner_labels[(start, m.end)] = "PERSON"
    if changed:
        gone = {m.end for m in changed}
        kept = [m for m in ctx.mentions if not (m.how == "alias" and m.end in gone)]
        ctx.mentions = sorted([*kept, *changed], key=lambda m: (m.start, m.end))


def _link_person_names(ctx: DocContext) -> None:
    """A person the entity recogniser named in one sentence is the same person wherever the text names them
    again, parsed or not: every occurrence of the full name becomes their mention, and so does every bare
    surname (one that two people named in full share stays a name of its own: it is ambiguous). A one-word
    organisation or place the recogniser found that is a person's name is that person ("Doe" tagged
    ORG)."""
    people = [m for m in ctx.mentions if m.how == "ner" and ctx.ner_labels.get((m.start, m.end)) == "PERSON"]
    full_names = {m.actor[4:]: m.actor for m in people if len(m.actor[4:].split()) > 1}
    by_surname: dict[str, list[tuple[int, str]]] = {}  # surname -> (position, actor) of full-name mentions
    for m in people:
        name = m.actor[4:]
        if len(name.split()) > 1:
            by_surname.setdefault(name.split()[-1], []).append((m.start, m.actor))
    names = set(full_names) | {m.actor[4:] for m in people}
    names |= {s for s in by_surname if len(s) > 2 and s[0].isupper() and ctx.resolver.lookup(s) is None}
    if not names:
        return

    shared = _shared_surnames(ctx, by_surname)

    def actor_of(name: str) -> str:
        if name in full_names:
            return full_names[name]
        owners = {actor for _, actor in by_surname.get(name, ())}
        # a surname two people share ("Doe" beside "Jane Doe" and "John Doe", or "Mr. Doe" beside "Mrs. Doe")
        # stays a name
        return owners.pop() if len(owners) == 1 and name not in shared else f"ner:{name}"

    replace = {
        (m.start, m.end)
        for m in ctx.mentions
        if m.how == "ner"
        and m.text in names
        and (
            ctx.ner_labels.get((m.start, m.end)) in ("ORG", "GPE", "NORP")
            or (m.text in by_surname and m.actor != actor_of(m.text))
        )
    }
    # a codebook person's bare surname that the article gives to someone else it names in full ("Admiral
    # Harry Doe ... Doe said", and the codebook's Jane Doe is never named) is that other person's
    for m in ctx.mentions:
        actor = ctx.codebook.actor_by_id.get(m.actor)
        if (
            m.how == "alias"
            and m.text in by_surname
            and m.text not in shared
            and actor is not None
            and actor.kind == "person"
            and all(m.actor != owner for _, owner in by_surname[m.text])
            and not any(f in ctx.text for f in (actor.name, *actor.aliases) if " " in f)
        ):
            replace.add((m.start, m.end))
            names.add(m.text)
    kept = [m for m in ctx.mentions if (m.start, m.end) not in replace]
    taken = [(m.start, m.end) for m in kept]
    starts = [s for s, _ in taken]
    added: list[Mention] = []
    pattern = re.compile(r"(?<![\w’'-])(?:" + _trie_regex(sorted(names)) + r")(?![\w-])")
    for found in pattern.finditer(ctx.text):
        s, e = found.span()
        i = bisect.bisect_right(starts, e) - 1
        if any(a < e and s < b for a, b in taken[max(0, i - 3) : i + 1]):
            continue
        added.append(
            Mention(
                actor=actor_of(found.group()),
                text=found.group(),
                start=s,
                end=e,
                how="ner",
                extractor=EXTRACTOR,
                confidence=_CONFIDENCE["ner"],
            )
        )
        ctx.ner_labels[(s, e)] = "PERSON"
    if added or replace:
        ctx.mentions = sorted([*kept, *added], key=lambda m: (m.start, m.end))


def _shared_surnames(ctx: DocContext, by_surname: dict[str, list[tuple[int, str]]]) -> set[str]:
    """Surnames two people share, whoever the recogniser named in full: the text gives the surname two first
    names ("Jane Doe" where only "John Doe" was recognised, in a sentence that was not parsed) or both a
    man's and a woman's honorific ("Mr. Doe" and "Mrs. Doe")."""
    from zopa.extract._attribution import lexicon

    roles = lexicon(ctx.codebook.grammar).roles
    # what may stand before a surname, found once per text rather than by one pattern per surname
    firsts_at = _words_before(_FIRST_BEFORE, ctx.text)
    honorifics_at = _words_before(_HONORIFIC_BEFORE, ctx.text)
    out = set()
    for name, owners in by_surname.items():
        firsts = {actor[4:].split()[0] for _, actor in owners}
        firsts |= {w for w in _before_name(firsts_at, ctx.text, name) if w.lower() not in roles}
        honorifics = {h.lower() for h in _before_name(honorifics_at, ctx.text, name)}
        if len(firsts) > 1 or ("mr" in honorifics and honorifics & {"mrs", "ms"}):
            out.add(name)
    return out


# a capitalised word before a name, not opening a sentence or a line; an honorific before a name
_FIRST_BEFORE = re.compile(r"(?<![.!?\n“\"] )(?<!^)\b([A-Z][a-z]+)\s+", re.MULTILINE)
_HONORIFIC_BEFORE = re.compile(r"\b(Mr|Mrs|Ms)\.?\s+")


def _words_before(pattern: re.Pattern[str], text: str) -> dict[int, tuple[int, str]]:
    """Where each match of ``pattern`` ends (where a name after it starts) -> (its start, its word)."""
    return {m.end(): (m.start(), m.group(1)) for m in pattern.finditer(text)}


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w matches in a str pattern


def _before_name(words_at: dict[int, tuple[int, str]], text: str, name: str) -> list[str]:
    """The words of :func:`_words_before` that stand right before ``name`` (followed by a word boundary),
    matches not overlapping, left to right: what ``re.findall(PATTERN + re.escape(name) + r"\b", text)``
    gives, without compiling a pattern for each name."""
    out: list[str] = []
    taken_to = 0  # findall's matches do not overlap
    at = text.find(name) if name else -1
    while at >= 0:
        end = at + len(name)
        found = words_at.get(at)
        boundary = _is_word_char(text[end - 1]) != (end < len(text) and _is_word_char(text[end]))
        if found is not None and boundary and found[0] >= taken_to:
            out.append(found[1])
            taken_to = end
        at = text.find(name, at + 1)
    return out


_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # "Smith", "O’Donnell", "Lloyd-Hughes"
_ORG_OF = re.compile(r"^(?:['’]s)?\s+$")
_AFFILIATION_AFTER = re.compile(r"^,\s+(?:the\s+|a\s+|an\s+)?$")


@lru_cache(maxsize=8)
def _affiliation_before(title_words: tuple[str, ...]) -> re.Pattern[str]:
    """A gap of title and capitalised words between a party and a person ("'s Deputy Foreign Minister")."""
    words = "|".join(re.escape(w) for w in sorted(title_words, key=len, reverse=True))
    return re.compile(r"^(?:['’]s)?(?:\s+(?:[A-Z][\w.-]*|(?i:" + words + r"))){0,6}\s+$")


def link_affiliations(ctx: DocContext) -> None:
    """Unknown people speak for the party named with them: "Russian envoy X", "X, Ukraine's ambassador"."""
    mentions = ctx.mentions
    affiliation_before = _affiliation_before(ctx.codebook.grammar.title_words)
    for k, m in enumerate(mentions):
        label = ctx.ner_labels.get((m.start, m.end))
        if m.how != "ner" or label not in {"PERSON", "ORG"} or m.actor in ctx.affiliations:
            continue
        party: str | None = None
        for prev in reversed(mentions[:k]):
            if prev.end > m.start:
                continue
            gap = ctx.text[prev.end : m.start]
            if label == "ORG" and not _ORG_OF.match(gap):
                break  # an organisation belongs to a party only as "Russia's Defence Ministry"
            if affiliation_before.match(gap) and prev.actor != m.actor:
                party = _party_only(ctx, prev.actor)
            break
        if party is None and label == "PERSON":
            for nxt in mentions[k + 1 : k + 3]:
                if _AFFILIATION_AFTER.match(ctx.text[m.end : nxt.start]):
                    party = _party_only(ctx, nxt.actor)
                    break
        if (party is None or party.startswith("ner:")) and label == "PERSON":
            # "Deputy Defence Minister X", "Defence" taken for an organisation: the party whose ministry it is
            party = _ministry_party(ctx, m.start) or party
        if party is not None:
            ctx.affiliations[m.actor] = party
    _link_demonyms(ctx)


_DEMONYM_ENDINGS = ("n", "an", "ian", "i", "ese", "ish")


def _link_demonyms(ctx: DocContext) -> None:
    """A people's adjective the recogniser found ("Serbian", "Israeli") stands for the country the article
    names ("Serbia", "Israel"): one party, not two."""
    labels = ctx.ner_labels_by_actor
    countries = {a.removeprefix("ner:"): a for a, label in labels.items() if label == "GPE"}
    for actor, label in labels.items():
        if label != "NORP" or actor in ctx.affiliations:
            continue
        word = actor.removeprefix("ner:")
        for name, country in countries.items():
            bases = {name, name[:-1]} if name[-1:] in "aeiouy" else {name}
            if any(word == base + end for base in bases for end in _DEMONYM_ENDINGS):
                ctx.affiliations[actor] = country
                break


_MINISTER_BEFORE = re.compile(r"\b([A-Z][a-z]+)\s+Minister\s+$")


def _ministry_party(ctx: DocContext, at: int) -> str | None:
    """ "Defence Minister X" with no country: the one party whose defence ministry the article names ("the
    Russian Defence Ministry", "Russia's defence ministry"); none when it names two."""
    title = _MINISTER_BEFORE.search(ctx.text, max(0, at - 40), at)
    if title is None:
        return None
    ministry = re.compile(r"(?:['’]s)?\s+" + re.escape(title.group(1)) + r"\s+ministry\b", re.IGNORECASE)
    parties = {
        party
        for m in ctx.mentions
        if ministry.match(ctx.text, m.end) and (party := _party_only(ctx, m.actor)) is not None
    }
    return parties.pop() if len(parties) == 1 else None


def _party_only(ctx: DocContext, actor: str) -> str | None:
    if actor.startswith("ner:"):
        label = ctx.ner_labels_by_actor.get(actor)
        return actor if label in {"ORG", "GPE", "NORP"} else None
    known = ctx.codebook.actor_by_id.get(actor)
    return known.party_on(ctx.published) if known is not None else None


def add_pronoun_mentions(ctx: DocContext) -> list[Mention]:
    """ "He"/"She" (outside quotations) resolved to the most salient person of their gender in focus
    (:meth:`DocContext.person_in_focus`)."""
    added: list[Mention] = []
    for m in _PRONOUN.finditer(ctx.text):
        if ctx.segmentation.quoted(m.start()):
            continue  # the speaker's own words: "he" there is not resolved from the reporter's text
        actor = ctx.person_in_focus(m.start(), gender="male" if m.group()[0] in "Hh" else "female")
        if actor is None:
            continue
        added.append(
            Mention(
                actor=actor,
                text=m.group(),
                start=m.start(),
                end=m.end(),
                how="pronoun",
                extractor=EXTRACTOR,
                confidence=_CONFIDENCE["pronoun"],
            )
        )
    if added:
        ctx.mentions = sorted([*ctx.mentions, *added], key=lambda m: (m.start, m.end))
    return added


_FOCUS_BACK = 2  # sentences before a quotation attributed to "he"/"she" that are searched for names


def antecedent_sentences(ctx: DocContext, parsed: Iterable[int]) -> list[int]:
    """Sentences that are not candidates but may name whom a "he said" or "she said" refers to: the
    sentences just before a candidate sentence that holds a quotation and a pronoun outside it ("Jane Roe,
    55, has worked at the plant for years. 'We are worried,' she said."), the nearest ``_FOCUS_BACK`` that
    are not parsed already (a candidate between them is)."""
    parsed = set(parsed)
    seg = ctx.segmentation
    out: set[int] = set()
    for i in sorted(parsed):
        sent = seg.sentences[i]
        if not any(sent.start <= q.open < sent.end for q in seg.quotes_in(sent.paragraph)):
            continue
        if not any(not seg.quoted(sent.start + m.start()) for m in _PRONOUN.finditer(sent.text)):
            continue
        # the nearest sentences before it that are not parsed already (a candidate in between is parsed)
        taken = 0
        for j in range(i - 1, max(-1, i - 1 - 2 * _FOCUS_BACK), -1):
            if taken == _FOCUS_BACK:
                break
            if j in parsed or ctx.paragraphs[seg.sentences[j].paragraph].heading:
                continue
            out.add(j)
            taken += 1
    return sorted(out)


def resolve_mentions(ctx: DocContext, parsed: Iterable[int]) -> list[Mention]:
    """All mention passes in order: codebook forms, NER in ``parsed`` sentences and in the sentences that may
    name a pronoun's person (:func:`antecedent_sentences`), names repeated, titles before names,
    affiliations, pronouns."""
    find_mentions(ctx)
    parsed = sorted(parsed)
    extra = antecedent_sentences(ctx, parsed)
    ctx.parse(extra)
    parsed = sorted({*parsed, *extra})
    add_ner_mentions(ctx, parsed)
    _others_of_a_surname(ctx)
    _add_speaking_names(ctx, parsed)
    _link_person_names(ctx)
    _drop_titles_before_names(ctx)
    link_affiliations(ctx)
    add_pronoun_mentions(ctx)
    return ctx.mentions
