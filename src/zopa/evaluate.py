"""Evaluating extraction against hand annotations: ``zopa eval GOLD.yaml|FOLDER``.

The annotation file (YAML) maps article file names to what a careful analyst extracts (the format of
``../shared/seeds/gold.yaml`` and ``../shared/corpus/*/gold.yaml``)::

    articles:
      some-article.txt:                  # the article: beside the YAML, in FOLDER/articles/ or --articles
        published: 2016-09-12            # optional: the article's date when the file itself carries none
        quotes:                          # direct quotes: words inside the marks, and who said them
          - {speaker: Vladimir Putin, text: "Our troops are different now."}
          - {speaker: Dmitry Peskov, text: "...", speaker_inferred: true}   # not named near the quote
        not_quotes: ["Battle-Hardened"]  # quoted words that must NOT come out as quotes
        short_quotes: ["a trap"]         # attributed 1-2 word fragments: neither quotes nor errors
        positions:                       # actor = the party that holds it (a canonical name in the codebook)
          - {actor: Russia, issue: nato-membership, stance: demand, value: 100, red_line: true}
          - {actor: Ukraine, issue: donetsk-control, stance: reject, rejected_value: 100, value: 0}
          - {actor: Ukraine, issue: nato-membership, stance: conditional, value: 100,
             conditional_on: {issue: security-guarantees, value: 0}}
        events:                          # reported figures; only those with a count are scored
          - {what: "drones launched", count: 69}

Other keys (``headline``, ``what``, ``cue``, ``note``, ...) are allowed and ignored. Names are matched to
codebook actors by canonical name or alias; a speaker the codebook does not know matches an extracted
``ner:<Name>`` (or its surname); a body named by a party's forms ("Russian Foreign Ministry") matches that
party.

A FOLDER is the corpus layout: ``FOLDER/gold.yaml`` with the articles in ``FOLDER/articles.jsonl`` (one JSON
object a line with ``id`` = the file name, ``url``, ``outlet``, ``published``, ``text``: read for their
metadata) or ``FOLDER/articles/``.

Figures, per article and overall (micro-averaged):

* ``quote_text``: the quote's words (quotation marks, whitespace, case and edge punctuation normalised);
* ``quotes``: quote words with the right speaker, over gold quotes whose speaker is named near them
  (``speaker_inferred`` and speaker-less gold quotes, and short quotes, are left out on both sides);
* ``speaker``: of those named gold quotes whose words were found, the share with the right speaker;
* ``positions``: (party, issue) pairs; ``stances``: (party, issue, stance) triples; ``red_lines``: (party,
  issue) pairs held as a red line; ``conditionals``: (party, issue, issue it is conditional on);
* ``values``: gold values of positions that are not rejections, placed by zopa within ``VALUE_TOLERANCE``
  points (zopa's value for a party and issue in an article is the median of the values it gives there);
  ``value_error``: the mean absolute error over those zopa placed;
* ``events``: reported counts, matched as a multiset of numbers.

Extraction runs in memory with the given codebook (no database).
"""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import yaml

from zopa.codebook import Codebook
from zopa.errors import AnnotationError, InputError
from zopa.extract._attribution import lexicon
from zopa.records import STANCES, Article, Evidence

SET_METRICS = ("quote_text", "quotes", "positions", "stances", "red_lines", "conditionals", "events")
RATIO_METRICS = ("speaker", "values")
QUOTE_SIMILARITY = 0.9  # normalised texts this similar (difflib ratio) are the same quote
VALUE_TOLERANCE = 15.0  # points on the 0-100 scale
_EDGE_PUNCT = " \t\n\"'“”‘’«»„.,;:!?…-–—()[]"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class Score:
    """Counts of one set metric: true positives, false positives, false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True, slots=True)
class Ratio:
    """A share: ``hits`` of ``total`` (speakers right of quotes found, values placed within tolerance);
    ``error``: summed absolute error over the ``placed`` items that had a value to compare."""

    hits: int = 0
    total: int = 0
    error: float = 0.0
    placed: int = 0

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 1.0

    @property
    def mean_error(self) -> float | None:
        return self.error / self.placed if self.placed else None

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(
            self.hits + other.hits,
            self.total + other.total,
            self.error + other.error,
            self.placed + other.placed,
        )

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"hits": self.hits, "total": self.total, "rate": round(self.rate, 4)}
        if self.placed:
            out["placed"] = self.placed
            out["mean_error"] = round(self.error / self.placed, 2)
        return out


@dataclass(frozen=True, slots=True)
class ArticleEval:
    """Scores of one annotated article, with what was missed and what was extra (for reading the errors)."""

    name: str
    scores: dict[str, Score]
    ratios: dict[str, Ratio] = field(default_factory=dict)
    missed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)
    not_quotes_taken: tuple[str, ...] = ()  # annotated non-quotes that came out as quotes

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.name,
            "scores": {k: v.as_dict() for k, v in self.scores.items()},
            "ratios": {k: v.as_dict() for k, v in self.ratios.items()},
            "missed": {k: list(v) for k, v in self.missed.items()},
            "extra": {k: list(v) for k, v in self.extra.items()},
            "not_quotes_taken": list(self.not_quotes_taken),
        }


@dataclass(frozen=True, slots=True)
class EvalReport:
    """The result of :func:`evaluate`: per-article scores and overall (micro-averaged) scores."""

    annotations: str
    codebook: str
    articles: tuple[ArticleEval, ...]
    overall: dict[str, Score]
    overall_ratios: dict[str, Ratio] = field(default_factory=dict)

    @property
    def not_quotes_taken(self) -> int:
        return sum(len(a.not_quotes_taken) for a in self.articles)

    def figures(self) -> dict[str, float]:
        """Flat figures (what the quality gate compares with its floors): ``metric.precision|recall|f1`` of
        the set metrics, ``speaker.rate``, ``values.rate`` (and ``values.mean_error``) and
        ``not_quotes_taken``."""
        out: dict[str, float] = {}
        for metric, score in self.overall.items():
            out[f"{metric}.precision"] = round(score.precision, 4)
            out[f"{metric}.recall"] = round(score.recall, 4)
            out[f"{metric}.f1"] = round(score.f1, 4)
        for metric, ratio in self.overall_ratios.items():
            out[f"{metric}.rate"] = round(ratio.rate, 4)
            if ratio.mean_error is not None:
                out[f"{metric}.mean_error"] = round(ratio.mean_error, 2)
        out["not_quotes_taken"] = float(self.not_quotes_taken)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "annotations": self.annotations,
            "codebook": self.codebook,
            "overall": {k: v.as_dict() for k, v in self.overall.items()},
            "overall_ratios": {k: v.as_dict() for k, v in self.overall_ratios.items()},
            "figures": self.figures(),
            "not_quotes_taken": self.not_quotes_taken,
            "articles": [a.as_dict() for a in self.articles],
        }


# --- annotation file ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldQuote:
    speaker: str | None
    text: str
    inferred: bool = False  # the speaker is not named near the quote (cut off, or a pronoun far back)
    party: str | None = None  # the party the speaker speaks for, when annotated


@dataclass(frozen=True, slots=True)
class GoldPosition:
    actor: str  # the party that holds it, as named in the annotation
    issue: str
    stance: str
    value: float | None = None
    rejected_value: float | None = None
    red_line: bool = False
    conditional_on: str | None = None  # issue id


@dataclass(frozen=True, slots=True)
class GoldArticle:
    name: str
    quotes: tuple[GoldQuote, ...]
    not_quotes: tuple[str, ...]
    positions: tuple[GoldPosition, ...]
    events: tuple[float, ...]  # counts
    short_quotes: tuple[str, ...] = ()
    published: date | None = None


def load_annotations(path: str | Path) -> list[GoldArticle]:
    """Read and check an annotation file; raise :class:`AnnotationError` naming the file and the field."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnnotationError(f"{path}: no such annotation file") from None
    except IsADirectoryError:
        raise AnnotationError(f"{path}: a folder without gold.yaml") from None
    except UnicodeDecodeError:
        raise AnnotationError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise AnnotationError(f"{path}: not valid YAML{where} ({problem})") from None
    return parse_annotations(data, source=str(path))


def parse_annotations(data: object, *, source: str = "<annotations>") -> list[GoldArticle]:
    if not isinstance(data, dict) or "articles" not in data:
        raise AnnotationError(
            f"{source}: field articles: missing (the file must map 'articles' to article files)"
        )
    articles = data["articles"]
    if not isinstance(articles, dict) or not articles:
        raise AnnotationError(f"{source}: field articles: must map article file names to annotations")
    return [_gold_article(str(name), body, source) for name, body in articles.items()]


def _gold_article(name: str, body: object, source: str) -> GoldArticle:
    where = f"articles.{name}"
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise AnnotationError(f"{source}: field {where}: must be a mapping (quotes, positions, events)")
    quotes = tuple(
        GoldQuote(
            _opt_str(q, "speaker", source, f"{where}.quotes[{i}]"),
            _req_str(q, "text", source, f"{where}.quotes[{i}]"),
            inferred=bool(q.get("speaker_inferred", False)),
            party=_opt_str(q, "speaker_party", source, f"{where}.quotes[{i}]"),
        )
        for i, q in enumerate(_items(body, "quotes", source, where))
    )
    not_quotes = tuple(
        _as_text(v, source, f"{where}.not_quotes[{i}]")
        for i, v in enumerate(_list(body, "not_quotes", source, where))
    )
    short_quotes = tuple(
        _short_quote_text(v, source, f"{where}.short_quotes[{i}]")
        for i, v in enumerate(_list(body, "short_quotes", source, where))
    )
    positions = tuple(
        _gold_position(p, source, f"{where}.positions[{i}]")
        for i, p in enumerate(_items(body, "positions", source, where))
    )
    events = []
    for i, e in enumerate(_items(body, "events", source, where)):
        count = e.get("count")
        if count is None:
            continue
        if isinstance(count, bool) or not isinstance(count, int | float):
            raise AnnotationError(
                f"{source}: field {where}.events[{i}].count: must be a number, got {count!r}"
            )
        events.append(float(count))
    published = body.get("published")
    if published is not None and not isinstance(published, date):
        try:
            published = date.fromisoformat(str(published))
        except ValueError:
            raise AnnotationError(
                f"{source}: field {where}.published: {published!r} is not a date (YYYY-MM-DD)"
            ) from None
    if isinstance(published, datetime):
        published = published.date()
    return GoldArticle(name, quotes, not_quotes, positions, tuple(events), short_quotes, published)


def _gold_position(p: dict[str, Any], source: str, at: str) -> GoldPosition:
    stance = _req_str(p, "stance", source, at)
    if stance not in STANCES:
        raise AnnotationError(f"{source}: field {at}.stance: {stance!r} is not one of {', '.join(STANCES)}")
    condition = p.get("conditional_on", p.get("linked_issue"))
    if isinstance(condition, dict):
        condition = condition.get("issue")
    if condition is not None and not isinstance(condition, str):
        raise AnnotationError(f"{source}: field {at}.conditional_on: must name an issue")
    return GoldPosition(
        actor=_req_str(p, "actor", source, at),
        issue=_req_str(p, "issue", source, at),
        stance=stance,
        value=_opt_value(p, "value", source, at),
        rejected_value=_opt_value(p, "rejected_value", source, at),
        red_line=bool(p.get("red_line", False)),
        conditional_on=condition,
    )


def _opt_value(item: dict[str, Any], key: str, source: str, at: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise AnnotationError(f"{source}: field {at}.{key}: must be a number from 0 to 100, got {value!r}")
    return float(value)


def _short_quote_text(value: object, source: str, at: str) -> str:
    if isinstance(value, dict):
        value = value.get("text")
    return _as_text(value, source, at)


def _list(body: dict[str, Any], key: str, source: str, where: str) -> list[Any]:
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise AnnotationError(f"{source}: field {where}.{key}: must be a list")
    return value


def _items(body: dict[str, Any], key: str, source: str, where: str) -> list[dict[str, Any]]:
    items = _list(body, key, source, where)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise AnnotationError(f"{source}: field {where}.{key}[{i}]: must be a mapping")
    return items


def _as_text(value: object, source: str, at: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value).strip():
        raise AnnotationError(f"{source}: field {at}: must be non-empty text")
    return str(value)


def _req_str(item: dict[str, Any], key: str, source: str, at: str) -> str:
    if key not in item or item[key] is None:
        raise AnnotationError(f"{source}: field {at}.{key}: missing")
    return _as_text(item[key], source, f"{at}.{key}")


def _opt_str(item: dict[str, Any], key: str, source: str, at: str) -> str | None:
    value = item.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # blank: not given
    return _as_text(value, source, f"{at}.{key}")


# --- matching -------------------------------------------------------------------------------------


def normalise_quote(text: str) -> str:
    """Quote text for comparison: unified quotation marks and dashes, one space, lower case, no edge
    punctuation."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[“”„«»]", '"', text)
    text = re.sub(r"[‘’]", "'", text)
    text = re.sub(r"[–—]", "-", text)
    text = " ".join(text.split()).lower()
    return text.strip(_EDGE_PUNCT)


class _Names:
    """Maps gold names and extracted actor ids to one comparable key."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self.by_name: dict[str, str] = {}
        for actor in codebook.actors:
            self.by_name.setdefault(actor.id.lower(), actor.id)
            for name in (actor.name, *actor.aliases):
                self.by_name.setdefault(" ".join(name.split()).lower(), actor.id)
        # the words that name a party: a body "Russian Foreign Ministry" speaks for Russia
        self.party_words: dict[str, set[str]] = {}
        for actor in codebook.actors:
            if actor.kind == "person":
                continue
            forms = (actor.name, *actor.aliases, *actor.metonyms, *actor.adjectives)
            self.party_words[actor.id] = {" ".join(f.split()).lower().removeprefix("the ") for f in forms}

    def gold(self, name: str | None) -> str | None:
        if name is None:
            return None
        key = " ".join(name.split()).lower()
        return self.by_name.get(key, f"ner:{key}")

    def extracted(self, actor: str | None) -> str | None:
        if actor is None:
            return None
        if actor.startswith("ner:"):
            key = " ".join(actor[4:].split()).lower()
            return self.by_name.get(key, f"ner:{key}")
        return actor

    def body_of(self, gold: str | None, party: str | None) -> str | None:
        """The codebook party a gold body speaks for ("ner:ukrainian presidency" with party Ukraine ->
        "ukraine"), when the body's name contains one of that party's forms; else None."""
        if gold is None or not gold.startswith("ner:") or party is None:
            return None
        party_id = self.gold(party)
        if party_id is None or party_id not in self.party_words:
            return None
        text = f" {gold[4:]} "
        return party_id if any(f" {w} " in text for w in self.party_words[party_id]) else None

    def name(self, key: str | None) -> str:
        if key is None:
            return "(no speaker)"
        actor = self.codebook.actor_by_id.get(key)
        return actor.name if actor else key.removeprefix("ner:")


def _same_quote(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 12 and SequenceMatcher(None, a, b).ratio() >= QUOTE_SIMILARITY)


def _same_speaker(gold: str | None, found: str | None, body_party: str | None = None) -> bool:
    """Same actor; for people the codebook does not know, the same name or the same surname ("Andrii Sybiha"
    and "Sybiha"); a body named by a party's forms and that party."""
    if gold == found:
        return True
    if found is not None and body_party is not None and found == body_party:
        return True
    if gold is None or found is None or not (gold.startswith("ner:") and found.startswith("ner:")):
        return False
    names = lexicon()  # a title is no part of the name ("Representative Brooks": Brooks)
    b = names.person_name(found[4:]).split()
    # a joint speaker ("Jim Roe and Ann Doe") is either of them
    for name in re.split(r"\s+(?:and|&)\s+", gold[4:]):
        a = names.person_name(name).split()
        if a and b and a[-1] == b[-1] and (len(a) == 1 or len(b) == 1 or _same_given(a[:-1], b[:-1])):
            return True
    return False


def _same_given(a: list[str], b: list[str]) -> bool:
    """The same given names, or one spelled two ways ("Alexander" and "Alexandr", "Dmitry" and
    "Dmitri"): transliterations of one name, not two people of one family ("Ann" and "Bo")."""
    x, y = " ".join(a).lower(), " ".join(b).lower()
    return x == y or (x[:1] == y[:1] and SequenceMatcher(None, x, y).ratio() >= 0.8)


def _match_pairs(
    gold: list[Any], found: list[Any], same: Callable[[Any, Any], bool]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Greedy one-to-one matching: (pairs of gold and found indices, unmatched gold, unmatched found)."""
    used: dict[int, int] = {}
    missed = []
    for gi, g in enumerate(gold):
        hit = next((fi for fi, f in enumerate(found) if fi not in used and same(g, f)), None)
        if hit is None:
            missed.append(gi)
        else:
            used[hit] = gi
    pairs = sorted((gi, fi) for fi, gi in used.items())
    return pairs, missed, [fi for fi in range(len(found)) if fi not in used]


def _set_score(gold: set[Any], found: set[Any]) -> Score:
    return Score(len(gold & found), len(found - gold), len(gold - found))


def _words(text: str) -> int:
    return len(_WORD.findall(text))


@dataclass(frozen=True, slots=True, kw_only=True)
class EvalOptions:
    """How to score. ``min_quote_words``: quotes shorter than this are left out on both sides (PolNeAR scores
    quotes of 4+ words); ``value_tolerance``: points within which a value counts as placed."""

    min_quote_words: int = 1
    value_tolerance: float = VALUE_TOLERANCE


def score_article(
    gold: GoldArticle, evidence: Evidence, codebook: Codebook, options: EvalOptions | None = None
) -> ArticleEval:
    """Compare one article's extracted evidence with its annotation."""
    options = options or EvalOptions()
    names = _Names(codebook)
    scores: dict[str, Score] = {}
    ratios: dict[str, Ratio] = {}
    missed: dict[str, tuple[str, ...]] = {}
    extra: dict[str, tuple[str, ...]] = {}

    def long_enough(text: str) -> bool:
        return _words(text) >= options.min_quote_words

    gold_quotes = [q for q in gold.quotes if long_enough(q.text)]
    found_quotes = [q for q in evidence.quotes if long_enough(q.text)]
    gold_text = [normalise_quote(q.text) for q in gold_quotes]
    found_text = [normalise_quote(q.text) for q in found_quotes]
    pairs, miss, ext = _match_pairs(gold_text, found_text, _same_quote)
    scores["quote_text"] = Score(len(pairs), len(ext), len(miss))
    missed["quote_text"] = tuple(gold_quotes[i].text for i in miss)

    # Quotes with speakers, over the gold quotes whose speaker is named near them. A found quote that is one
    # of the others (an inferred speaker, a short quote) is left out rather than counted as an error.
    named = [i for i, q in enumerate(gold_quotes) if q.speaker is not None and not q.inferred]
    gold_keys = [names.gold(q.speaker) for q in gold_quotes]
    bodies = [names.body_of(gold_keys[i], q.party) for i, q in enumerate(gold_quotes)]
    found_keys = [names.extracted(q.speaker) for q in found_quotes]
    matched_found = {fi: gi for gi, fi in pairs}
    shorts = {normalise_quote(t) for t in gold.short_quotes}
    left_out = {
        fi
        for fi in range(len(found_quotes))
        if (fi in matched_found and matched_found[fi] not in named) or found_text[fi] in shorts
    }
    kept_found = [fi for fi in range(len(found_quotes)) if fi not in left_out]
    pairs_q, miss_q, ext_q = _match_pairs(
        named,
        kept_found,
        lambda gi, fi: (
            _same_quote(gold_text[gi], found_text[fi])
            and _same_speaker(gold_keys[gi], found_keys[fi], bodies[gi])
        ),
    )
    scores["quotes"] = Score(len(pairs_q), len(ext_q), len(miss_q))
    missed["quotes"] = tuple(
        f"{names.name(gold_keys[named[i]])}: {gold_quotes[named[i]].text}" for i in miss_q
    )
    extra["quotes"] = tuple(
        f"{names.name(found_keys[kept_found[i]])}: {found_quotes[kept_found[i]].text}" for i in ext_q
    )
    # speaker accuracy: named gold quotes whose words were found
    found_named = [(gi, fi) for gi, fi in pairs if gi in set(named)]
    right = [(gi, fi) for gi, fi in found_named if _same_speaker(gold_keys[gi], found_keys[fi], bodies[gi])]
    ratios["speaker"] = Ratio(len(right), len(found_named))
    missed["speaker"] = tuple(
        f"{names.name(gold_keys[gi])} (found {names.name(found_keys[fi])}"
        f" by {found_quotes[fi].cue!r}): {gold_quotes[gi].text}"
        for gi, fi in found_named
        if (gi, fi) not in set(right)
    )

    _score_positions(gold, evidence, names, options, scores, ratios, missed, extra)

    gold_e = Counter(gold.events)
    found_e = Counter(float(e.count) for e in evidence.events if e.count is not None)
    hit = sum((gold_e & found_e).values())
    scores["events"] = Score(hit, sum(found_e.values()) - hit, sum(gold_e.values()) - hit)
    missed["events"] = tuple(_num(c) for c in sorted((gold_e - found_e).elements()))
    surplus = found_e - gold_e
    extra["events"] = tuple(
        f"{_num(e.count)} {e.what}"
        for e in evidence.events
        if e.count is not None and surplus[float(e.count)]
    )

    # A non-quote "taken" is an extracted quote that matches no annotated quote but an annotated non-quote
    # (the same words may be both: a headline fragment "Not Perfect" and the quote "not perfect" below it).
    bad = {normalise_quote(t) for t in gold.not_quotes}
    all_found = [normalise_quote(q.text) for q in evidence.quotes]
    _, _, unmatched = _match_pairs([normalise_quote(q.text) for q in gold.quotes], all_found, _same_quote)
    taken = tuple(evidence.quotes[i].text for i in unmatched if all_found[i] in bad)
    return ArticleEval(gold.name, scores, ratios, missed, extra, taken)


def _score_positions(
    gold: GoldArticle,
    evidence: Evidence,
    names: _Names,
    options: EvalOptions,
    scores: dict[str, Score],
    ratios: dict[str, Ratio],
    missed: dict[str, tuple[str, ...]],
    extra: dict[str, tuple[str, ...]],
) -> None:
    def show(items: Iterable[tuple[Any, ...]]) -> tuple[str, ...]:
        return tuple(sorted(" ".join([names.name(t[0]), *map(str, t[1:])]) for t in items))

    gp = [(names.gold(p.actor), p) for p in gold.positions]
    fp = [(names.extracted(p.actor), p) for p in evidence.positions]
    families: dict[str, tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]] = {
        "positions": ({(a, p.issue) for a, p in gp}, {(a, p.issue) for a, p in fp}),
        "stances": ({(a, p.issue, p.stance) for a, p in gp}, {(a, p.issue, p.stance) for a, p in fp}),
        "red_lines": (
            {(a, p.issue) for a, p in gp if p.red_line},
            {(a, p.issue) for a, p in fp if p.red_line},
        ),
        "conditionals": (
            {(a, p.issue, p.conditional_on) for a, p in gp if p.conditional_on},
            {(a, p.issue, p.conditional_on) for a, p in fp if p.conditional_on},
        ),
    }
    for metric, (g, f) in families.items():
        scores[metric] = _set_score(g, f)
        missed[metric] = show(g - f)
        extra[metric] = show(f - g)
    # values: zopa's value for a party and issue is the median of the values it gives in the article
    given: dict[tuple[Any, str], list[float]] = {}
    for actor, found_p in fp:
        if found_p.value is not None:
            given.setdefault((actor, found_p.issue), []).append(found_p.value)
    hits = total = placed = 0
    error = 0.0
    wrong: list[str] = []
    for actor, p in gp:
        if p.value is None or p.stance == "reject":
            continue
        total += 1
        values = given.get((actor, p.issue))
        if not values:
            wrong.append(f"{names.name(actor)} {p.issue} {_num(p.value)}: no value")
            continue
        found = statistics.median(values)
        placed += 1
        error += abs(found - p.value)
        if abs(found - p.value) <= options.value_tolerance:
            hits += 1
        else:
            wrong.append(f"{names.name(actor)} {p.issue} {_num(p.value)}: found {_num(found)}")
    ratios["values"] = Ratio(hits, total, error, placed)
    missed["values"] = tuple(wrong)


def _num(value: float | None) -> str:
    return "" if value is None else (str(int(value)) if float(value).is_integer() else str(value))


# --- running --------------------------------------------------------------------------------------


def evaluate(
    annotations_path: str | Path,
    *,
    articles_dir: str | Path | None = None,
    codebook: Codebook | str | Path | None = None,
    options: EvalOptions | None = None,
) -> EvalReport:
    """Extract evidence from each annotated article (in memory) and score it against the annotations.

    ``annotations_path`` is an annotation file or a folder in the corpus layout (see the module docstring).
    Articles are read with the same reader and cleaning as ``zopa analyze``; ``codebook`` is a
    :class:`Codebook`, a path, or None for the shipped one.
    """
    from zopa.codebook import default_codebook_path, load_codebook
    from zopa.extract import extract

    path = Path(annotations_path)
    folder = path if path.is_dir() else path.parent
    gold_file = path / "gold.yaml" if path.is_dir() else path
    gold = load_annotations(gold_file)
    if not isinstance(codebook, Codebook):
        codebook = load_codebook(codebook if codebook is not None else default_codebook_path())
    source = _ArticleSource(gold_file, folder, None if articles_dir is None else Path(articles_dir))
    results = []
    for item in gold:
        article = source.read(item.name)
        if article.published is None and item.published is not None:
            day = item.published
            article = replace(article, published=datetime(day.year, day.month, day.day))
        evidence = extract(article, codebook)
        results.append(score_article(item, evidence, codebook, options))
    return EvalReport(str(gold_file), codebook.name, tuple(results), *_overall(results))


class _ArticleSource:
    """Finds an annotated article: ``--articles DIR``, else the folder's ``articles.jsonl`` (by ``id``, for
    its metadata), ``articles/`` or the annotation file's own folder."""

    def __init__(self, gold_file: Path, folder: Path, articles_dir: Path | None) -> None:
        self.gold_file = gold_file
        self.dirs = [articles_dir] if articles_dir is not None else [folder / "articles", folder]
        self.lines: dict[str, str] = {}
        jsonl = folder / "articles.jsonl"
        if articles_dir is None and jsonl.is_file():
            for line in jsonl.read_text(encoding="utf-8").splitlines():
                try:
                    key = json.loads(line).get("id") if line.strip() else None
                except (json.JSONDecodeError, AttributeError):
                    key = None
                if isinstance(key, str):
                    self.lines[key] = line

    def read(self, name: str) -> Article:
        from zopa.ingest import read_one

        if name in self.lines:
            return _first(read_one(self.lines[name], source=f"articles.jsonl#{name}", fmt="jsonl"), name)
        for folder in self.dirs:
            file = folder / name
            if file.is_file():
                return read_article(file)
        raise AnnotationError(
            f"{self.gold_file}: field articles.{name}: article file {self.dirs[0] / name} not found "
            "(use --articles DIR)"
        )


def _first(articles: Iterable[Article | InputError], name: str) -> Article:
    for article in articles:
        if isinstance(article, Exception):
            raise article
        return article
    raise AnnotationError(f"{name}: holds no article")


def _overall(results: Iterable[ArticleEval]) -> tuple[dict[str, Score], dict[str, Ratio]]:
    results = list(results)
    total = {m: Score() for m in SET_METRICS}
    shares = {m: Ratio() for m in RATIO_METRICS}
    for r in results:
        for m in SET_METRICS:
            total[m] = total[m] + r.scores[m]
        for m in RATIO_METRICS:
            shares[m] = shares[m] + r.ratios[m]
    return total, shares


def read_article(path: Path) -> Article:
    """One article file, read and cleaned as ``zopa analyze`` reads it (the first article it holds)."""
    from zopa.ingest import read_inputs

    return _first(read_inputs([path]), str(path))
