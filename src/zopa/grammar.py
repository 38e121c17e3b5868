"""The language layer every codebook inherits: speech verbs, stance cues, negators, hedges, event words.

``src/zopa/data/grammar-en.yaml`` is zopa's default English grammar. A codebook holds only its negotiation
(actors, titles, issues, scales, issue cues); its optional ``grammar:`` section extends the default::

    grammar:
      speech_verbs: [quip]                      # added to the default lemmas
      stance_cues:
        red_line: ['\\bnot one inch\\b']        # added to the default red-line cues
      replace: [event_nouns]                    # these lists replace the default instead
      event_nouns: [buses, trains]

Verb lexicons are lemmas; :func:`verb_forms` gives every inflection (LemmInflect's tables), so "brand"
recognises "branded" and "call on" recognises "called on" without typed lists of word forms.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, field_validator

from zopa.safe_regex import check_cue

GRAMMAR_FILE = Path(__file__).parent / "data" / "grammar-en.yaml"
# The grammar file is zopa's own: libyaml reads it (about ten times faster) where PyYAML has it, and the tests
# check that it reads it as PyYAML's own parser does. Files people write are read by PyYAML's parser
# (zopa.yamlfile): libyaml accepts some texts that it refuses, and reads a few differently.
_GRAMMAR_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STANCE_KEYS = (
    "demand", "reject", "accept", "offer", "conditional", "threat", "plan", "statement", "red_line",
)
# Speech and attribution lexicons (lemmas or word forms, lower case), then the stance and event lists.
SPEECH_FIELDS = (
    "speech_verbs",
    "characterising_verbs",
    "frame_only_verbs",
    "beside_only_verbs",
    "to_verbs",
    "speech_nouns",
    "need_that",
    "noun_like_forms",
    "speaks_for_nouns",
    "person_nouns",
    "male_words",
    "female_words",
    "title_words",
    "honorifics",
    "thing_nouns",
    "not_names",
    "adjunct_starts",
    "object_words",
    "abbreviations",
)
LIST_FIELDS = (
    *SPEECH_FIELDS,
    "body_nouns",
    "concession_verbs",
    "escalation_verbs",
    "object_demand_verbs",
    "object_plan_verbs",
    "accusation_verbs",
    "retract_verbs",
    "mute_verbs",
    "reception_verbs",
    "halting_verbs",
    "removal_verbs",
    "accord_nouns",
    "measure_nouns",
    "document_nouns",
    "negators",
    "hedges",
    "event_verbs",
    "event_nouns",
    "event_noun_patterns",
    "event_qualifiers",
    "event_irrealis",
    "event_source_cues",
    "event_claim_verbs",
)
PATTERN_FIELDS = ("negators", "hedges", "event_noun_patterns", "event_irrealis", "event_source_cues")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_patterns(patterns: tuple[str, ...]) -> tuple[str, ...]:
    for cue in patterns:
        check_cue(cue)  # valid, and safe on hostile text (no catastrophic backtracking)
    return patterns


class StanceCues(_Model):
    """Phrases (regular expressions, case-insensitive) that signal each stance."""

    demand: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    offer: tuple[str, ...] = ()
    conditional: tuple[str, ...] = ()
    threat: tuple[str, ...] = ()
    plan: tuple[str, ...] = ()
    # Reporting phrases that make a report a statement of position ("emphasized", "reiterated"); a plain
    # "said" about an issue is not a position by itself.
    statement: tuple[str, ...] = ()
    red_line: tuple[str, ...] = ()

    @field_validator(*STANCE_KEYS)
    @classmethod
    def _compile(cls, cues: tuple[str, ...]) -> tuple[str, ...]:
        return _check_patterns(cues)


class Grammar(_Model):
    """A language's grammar of negotiation coverage (see the module docstring)."""

    language: str = "en"
    speech_verbs: tuple[str, ...] = ()  # lemmas, single or multi-word ("say", "call on", "according to")
    characterising_verbs: tuple[str, ...] = ()  # lemmas that take a quoted label ("brand", "dub")
    frame_only_verbs: tuple[str, ...] = ()  # lemmas that frame a quotation but report no statement alone
    beside_only_verbs: tuple[str, ...] = ()  # lemmas that report a quotation only right beside it
    to_verbs: tuple[str, ...] = ()  # lemmas whose statement is an infinitive ("vowed to fight")
    speech_nouns: tuple[str, ...] = ()  # word forms
    need_that: tuple[str, ...] = ()  # speech-verb lemmas that report only with "that" or a quotation
    noun_like_forms: tuple[str, ...] = ()  # reporting-verb forms that are as often nouns ("demands")
    speaks_for_nouns: tuple[str, ...] = ()  # "spokesman", "ministry": someone speaking for the possessor
    person_nouns: tuple[str, ...] = ()  # role nouns of a person ("the senator said")
    male_words: tuple[str, ...] = ()  # honorifics, pronouns and nouns that mark a man
    female_words: tuple[str, ...] = ()  # ... and a woman
    title_words: tuple[str, ...] = ()  # words of a title before a name ("Deputy Foreign Minister")
    honorifics: tuple[str, ...] = ()  # words before a name that make it a person's ("Mr.", "Sen.")
    thing_nouns: tuple[str, ...] = ()  # nouns that make a name a thing ("missile", "plan")
    not_names: tuple[str, ...] = ()  # capitalised words that are not names ("Officials")
    adjunct_starts: tuple[str, ...] = ()  # words after a reporting verb that begin an adjunct ("on")
    object_words: tuple[str, ...] = ()  # objects of a reporting verb that are not what was said ("them")
    abbreviations: tuple[str, ...] = ()  # words that end with "." without ending a sentence ("Gen")
    body_nouns: tuple[str, ...] = ()  # nouns that make a party's adjective its voice ("Russian officials")
    concession_verbs: tuple[str, ...] = ()  # lemmas: a party's action toward the other side (accept)
    escalation_verbs: tuple[str, ...] = ()  # lemmas: a party's action away from it (plan)
    object_demand_verbs: tuple[str, ...] = ()  # speech verbs that demand a noun object ("claims the land")
    object_plan_verbs: tuple[str, ...] = ()  # speech verbs that plan a noun object ("announced new curbs")
    accusation_verbs: tuple[str, ...] = ()  # speech verbs that reject what they report ("alleges that ...")
    retract_verbs: tuple[str, ...] = ()  # lemmas that take back a stance noun ("dropped its demand")
    mute_verbs: tuple[str, ...] = ()  # lemmas: refusing them is refusing to speak ("declined to comment")
    reception_verbs: tuple[str, ...] = ()  # lemmas: their object is another's ("studied the proposal")
    halting_verbs: tuple[str, ...] = ()  # lemmas: stopping an accord noun refuses it ("postponed the talks")
    removal_verbs: tuple[str, ...] = ()  # lemmas: taking a rate away ("lifted the 34% tariff") leaves none
    accord_nouns: tuple[str, ...] = ()  # talks and agreements (word forms), as opposed to measures
    measure_nouns: tuple[str, ...] = ()  # measures against the other side ("tariffs"): stopping them concedes
    document_nouns: tuple[str, ...] = ()  # "plan", "proposal": a party's document states its positions
    stance_cues: StanceCues = StanceCues()
    negators: tuple[str, ...] = ()  # patterns
    hedges: tuple[str, ...] = ()  # patterns
    event_verbs: tuple[str, ...] = ()  # lemmas
    event_nouns: tuple[str, ...] = ()  # plural word forms a number counts ("prisoners")
    event_noun_patterns: tuple[str, ...] = ()  # patterns a counted word matches whole, as written
    event_qualifiers: tuple[str, ...] = ()  # phrases that hedge or bound a figure ("more than")
    event_irrealis: tuple[str, ...] = ()  # patterns that make a later figure a threat or proposal
    event_source_cues: tuple[str, ...] = ()  # patterns around a count (COUNT) that make it one of sources
    event_claim_verbs: tuple[str, ...] = ()  # lemmas whose subject is the source of a figure

    @field_validator(*PATTERN_FIELDS)
    @classmethod
    def _compile(cls, cues: tuple[str, ...]) -> tuple[str, ...]:
        return _check_patterns(cues)

    @field_validator(
        *SPEECH_FIELDS, "event_verbs", "body_nouns", "concession_verbs", "escalation_verbs",
        "object_demand_verbs", "object_plan_verbs", "accusation_verbs", "retract_verbs",
        "mute_verbs", "reception_verbs", "halting_verbs", "removal_verbs", "accord_nouns", "measure_nouns",
        "document_nouns",
        "event_qualifiers", "event_claim_verbs",
    )
    @classmethod
    def _words(cls, words: tuple[str, ...]) -> tuple[str, ...]:
        out: list[str] = []
        for word in words:
            norm = " ".join(str(word).lower().split())
            if not norm:
                raise ValueError("an empty word")
            if norm not in out:
                out.append(norm)
        return tuple(out)


@cache
def default_grammar() -> Grammar:
    """The default English grammar (for text analysed without a codebook)."""
    return Grammar.model_validate(default_grammar_data())


@cache
def default_grammar_data() -> dict[str, Any]:
    """The default English grammar as plain data (read once)."""
    data = yaml.load(GRAMMAR_FILE.read_text(encoding="utf-8"), Loader=_GRAMMAR_LOADER)
    if not isinstance(data, dict):
        raise ValueError(f"{GRAMMAR_FILE}: not a grammar")
    return data


def merged_grammar_data(extension: object) -> dict[str, Any]:
    """The default grammar with a codebook's ``grammar:`` section applied (lists extend the default's, or
    replace it for the fields named in ``replace``). Raises ValueError naming a bad field."""
    base = default_grammar_data()
    if extension is None:
        extension = {}
    if not isinstance(extension, dict):
        raise ValueError("grammar: must be a mapping of lists (speech_verbs, stance_cues, ...)")
    ext = dict(extension)
    replace = ext.pop("replace", []) or []
    if not isinstance(replace, list) or not all(isinstance(r, str) for r in replace):
        raise ValueError("grammar.replace: must list field names (e.g. [event_nouns, stance_cues.threat])")
    known = {*LIST_FIELDS, "stance_cues", "language", *(f"stance_cues.{k}" for k in STANCE_KEYS)}
    for name in replace:
        if name not in known:
            raise ValueError(f"grammar.replace: {name!r} is not a grammar field")
    out: dict[str, Any] = {k: v for k, v in base.items()}
    for key, value in ext.items():
        if key == "stance_cues":
            if not isinstance(value, dict):
                raise ValueError("grammar.stance_cues: must map stances to lists of patterns")
            cues = {} if "stance_cues" in replace else dict(base.get("stance_cues", {}))
            for stance, patterns in value.items():
                if stance not in STANCE_KEYS:
                    raise ValueError(
                        f"grammar.stance_cues.{stance}: not a stance (one of {', '.join(STANCE_KEYS)})"
                    )
                if not isinstance(patterns, list):
                    raise ValueError(f"grammar.stance_cues.{stance}: must be a list of patterns")
                own = [] if f"stance_cues.{stance}" in replace else list(cues.get(stance, []))
                cues[stance] = [*own, *patterns]
            out["stance_cues"] = cues
        elif key in LIST_FIELDS:
            if not isinstance(value, list):
                raise ValueError(f"grammar.{key}: must be a list")
            out[key] = value if key in replace else [*base.get(key, []), *value]
        elif key == "language":
            out[key] = value
        else:
            raise ValueError(f"grammar.{key}: not a grammar field (one of {', '.join(sorted(known))})")
    return out


# Lists of verb lemmas that are inflected (:func:`verb_forms`)
VERB_FIELDS = (
    "speech_verbs",
    "characterising_verbs",
    "concession_verbs",
    "escalation_verbs",
    "object_demand_verbs",
    "object_plan_verbs",
    "accusation_verbs",
    "retract_verbs",
    "mute_verbs",
    "reception_verbs",
    "halting_verbs",
    "removal_verbs",
    "event_verbs",
    "event_claim_verbs",
)
# Every inflection of the verb lemmas that zopa's grammar and shipped codebooks list, as LemmInflect gives
# them (written by scripts/verb_forms.py, checked against LemmInflect by the tests): loading LemmInflect's
# tables costs about 0.3 CPU s at each start, and most runs need no other verb.
VERB_FORMS_FILE = Path(__file__).parent / "data" / "verb-forms-en.json"


@cache
def _shipped_forms() -> dict[str, tuple[str, ...]]:
    """The shipped inflections by lemma, when the LemmInflect installed is the version that made them (else
    none: each lemma is inflected by the installed one)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        data = json.loads(VERB_FORMS_FILE.read_text(encoding="utf-8"))
        installed = version("lemminflect")
    except (FileNotFoundError, PackageNotFoundError):
        return {}
    if data.get("lemminflect") != installed:
        return {}
    return {lemma: tuple(forms) for lemma, forms in data["forms"].items()}


@lru_cache(maxsize=4096)
def verb_forms(lemma: str) -> tuple[str, ...]:
    """Every inflection of a verb lemma, lower case; a multi-word lemma inflects its first word ("call on"
    -> "calls on", "called on", ...); phrases that do not start with a verb ("according to") stay as
    they are. The shipped table answers for the lemmas it holds; LemmInflect for any other."""
    words = lemma.lower().split()
    if not words:
        return ()
    shipped = _shipped_forms().get(" ".join(words))
    return shipped if shipped is not None else inflect(" ".join(words))


def inflect(lemma: str) -> tuple[str, ...]:
    """:func:`verb_forms` computed by LemmInflect (its tables, or its rules for a verb outside them)."""
    from lemminflect import getAllInflections, getAllInflectionsOOV

    words = lemma.lower().split()
    if not words:
        return ()
    head, rest = words[0], words[1:]
    forms = {head}
    table = getAllInflections(head, upos="VERB")
    if not table and not rest:
        table = getAllInflectionsOOV(head, upos="VERB")  # a verb outside its tables ("retweet"): its rules
    for group in table.values():
        forms.update(f.lower() for f in group)
    tail = (" " + " ".join(rest)) if rest else ""
    return tuple(sorted(f + tail for f in forms))


def forms_of(lemmas: tuple[str, ...]) -> dict[str, str]:
    """Word form -> lemma for a verb lexicon (the first lemma wins where two share a form)."""
    out: dict[str, str] = {}
    for lemma in lemmas:
        for form in verb_forms(lemma):
            out.setdefault(form, lemma)
    return out
