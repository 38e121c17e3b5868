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

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

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

    def lookup(self, surface: str) -> str | None:
        form = self.lookup_form(surface)
        return form.actor if form else None

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Codebook mentions in ``text[start:end]``; adjacent forms of one actor are merged."""
        end = len(text) if end is None else end
        out: list[Mention] = []
        if self._table.pattern is None:
            return out
        for m in self._table.pattern.finditer(text, start, end):
            form = self.lookup_form(m.group())
            if form is None:
                continue  # a title nobody holds at this date
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
            exact.setdefault(name, []).append(_Form(actor.id, "alias", None))
            literal.append(name)
        for metonym in actor.metonyms:
            core = _title_core(metonym) if metonym[:4].lower() == "the " else metonym
            # datelines write places in capitals: "MOSCOW (Reuters) -"
            for form in {core, core.upper()} if " " not in core and len(core) > 3 else {core}:
                exact.setdefault(form, []).append(_Form(actor.id, "metonym", None))
                literal.append(form)
        for adjective in actor.adjectives:
            exact.setdefault(adjective, []).append(_Form(actor.id, "adjective", None))
            literal.append(adjective)
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
    """Named entities in these sentences that the codebook does not cover, as ``ner:<Name>`` mentions."""
    from zopa.extract.positions import compiled_cues

    cues = compiled_cues(ctx.codebook)
    added: list[Mention] = []
    taken = [(m.start, m.end) for m in ctx.mentions]
    for i in sorted(indices):
        sentence = ctx.sentences[i]
        # a name inside an issue cue is what is negotiated ("Crimea", "Donetsk"), not who negotiates
        topics = [
            (sentence.start + m.start(), sentence.start + m.end())
            for issue, m in cues.issues.finditer(sentence.text)
            if issue not in cues.catch_all
        ]
        for ent in ctx.doc(i).ents:
            if ent.label_ not in _NER_LABELS:
                continue
            start = sentence.start + ent.start_char
            end = sentence.start + ent.end_char
            name = _POSSESSIVE.sub("", ent.text.strip())
            name = re.sub(r"^(?:the|The)\s+", "", name).strip(" \"“”‘’'-—–,")
            if not name or any(ch.isdigit() for ch in name) or not name[0].isupper():
                continue
            if any(s < end and start < e for s, e in taken) or any(
                s <= start and end <= e for s, e in topics
            ):
                continue  # the codebook wins where both match ("Kyiv" tagged PERSON)
            if ctx.resolver.lookup(name) is not None or name.split()[0].lower() in {"he", "she", "it"}:
                continue
            offset = ctx.text.find(name, start, end)
            start, end = (offset, offset + len(name)) if offset >= 0 else (start, end)
            mention = Mention(
                actor=f"ner:{name}",
                text=ctx.text[start:end],
                start=start,
                end=end,
                how="ner",
                extractor=EXTRACTOR,
                confidence=_CONFIDENCE["ner"],
            )
            ctx.ner_labels[(start, end)] = ent.label_
            added.append(mention)
            taken.append((start, end))
    if added:
        ctx.mentions = sorted([*ctx.mentions, *added], key=lambda m: (m.start, m.end))
    return added


def _link_ner_surnames(ctx: DocContext) -> None:
    """A later "Smith" refers to the "John Smith" named earlier: give it the full name's id."""
    full: dict[str, str] = {}
    relinked: list[Mention] = []
    for m in ctx.mentions:
        if m.how == "ner" and ctx.ner_labels.get((m.start, m.end)) == "PERSON":
            name = m.actor[4:]
            parts = name.split()
            if len(parts) > 1:
                full.setdefault(parts[-1], m.actor)
            elif name in full:
                ctx.ner_labels[(m.start, m.end)] = "PERSON"
                m = Mention(
                    actor=full[name],
                    text=m.text,
                    start=m.start,
                    end=m.end,
                    how="ner",
                    extractor=EXTRACTOR,
                    confidence=m.confidence,
                )
        relinked.append(m)
    ctx.mentions = relinked


_TITLE_WORDS = (
    r"(?:deputy|foreign|defen[cs]e|prime|vice|chief|top|senior|former|acting|special|presidential|minister|"
    r"president|envoy|ambassador|spokes\w+|official|negotiator|adviser|advisor|aide|secretary|general|"
    r"commander|leader|head|premier|chancellor|of|the|for|to|and)"
)
_AFFILIATION_BEFORE = re.compile(r"^(?:['’]s)?(?:\s+(?:[A-Z][\w.-]*|" + _TITLE_WORDS + r")){0,6}\s+$")
_ORG_OF = re.compile(r"^(?:['’]s)?\s+$")
_AFFILIATION_AFTER = re.compile(r"^,\s+(?:the\s+|a\s+|an\s+)?$")


def link_affiliations(ctx: DocContext) -> None:
    """Unknown people speak for the party named with them: "Russian envoy X", "X, Ukraine's ambassador"."""
    mentions = ctx.mentions
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
            if _AFFILIATION_BEFORE.match(gap) and prev.actor != m.actor:
                party = _party_only(ctx, prev.actor)
            break
        if party is None and label == "PERSON":
            for nxt in mentions[k + 1 : k + 3]:
                if _AFFILIATION_AFTER.match(ctx.text[m.end : nxt.start]):
                    party = _party_only(ctx, nxt.actor)
                    break
        if party is not None:
            ctx.affiliations[m.actor] = party


def _party_only(ctx: DocContext, actor: str) -> str | None:
    if actor.startswith("ner:"):
        label = ctx.ner_labels_by_actor.get(actor)
        return actor if label in {"ORG", "GPE", "NORP"} else None
    known = ctx.codebook.actor_by_id.get(actor)
    return known.party_on(ctx.published) if known is not None else None


def add_pronoun_mentions(ctx: DocContext) -> list[Mention]:
    """ "He"/"She" resolved to the person in focus (the last person named within a few paragraphs)."""
    added: list[Mention] = []
    for m in _PRONOUN.finditer(ctx.text):
        actor = ctx.person_in_focus(m.start())
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


def resolve_mentions(ctx: DocContext, parsed: Iterable[int]) -> list[Mention]:
    """All mention passes in order: codebook forms, NER in ``parsed`` sentences, surnames, pronouns."""
    find_mentions(ctx)
    add_ner_mentions(ctx, parsed)
    _link_ner_surnames(ctx)
    link_affiliations(ctx)
    add_pronoun_mentions(ctx)
    return ctx.mentions
