"""Evaluating extraction against hand annotations: ``zopa eval ANNOTATIONS.yaml``.

The annotation file (YAML) maps article file names to what a careful analyst extracts::

    articles:
      some-article.txt:                  # the article file, beside the YAML or in --articles DIR
        quotes:                          # direct quotes: words inside the marks, and who said them
          - {speaker: Vladimir Putin, text: "Our troops are different now."}
        not_quotes: ["Battle-Hardened"]  # optional: quoted words that must NOT come out as quotes
        positions:                       # (actor, issue, stance); actor = canonical name in the codebook
          - {actor: Russia, issue: nato-membership, stance: demand}
        events:                          # reported figures; only those with a count are scored
          - {what: "drones launched", count: 69}

Other keys (``headline``, ``what``, ``cue``, ...) are allowed and ignored. Names are matched to codebook
actors by canonical name or alias; a speaker the codebook does not know matches an extracted ``ner:<Name>``.

Scores (precision, recall, F1; per article and overall, micro-averaged):

* ``quotes``: quote text (quotation marks, whitespace, case and surrounding punctuation normalised) with the
  right speaker; ``quote_text``: the text alone;
* ``positions``: the set of (actor, issue, stance) triples of an article (a triple found in several sentences
  counts once);
* ``events``: reported counts, matched as a multiset of numbers.

Extraction runs in memory with the given codebook (no database).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import yaml

from zopa.codebook import Codebook
from zopa.errors import AnnotationError
from zopa.records import STANCES, Article, Evidence

METRICS = ("quotes", "quote_text", "positions", "events")
QUOTE_SIMILARITY = 0.9  # normalised texts this similar (difflib ratio) are the same quote
_EDGE_PUNCT = " \t\n\"'“”‘’«»„.,;:!?…-–—()[]"


@dataclass(frozen=True, slots=True)
class Score:
    """Counts of one metric: true positives, false positives, false negatives."""

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
class ArticleEval:
    """Scores of one annotated article, with what was missed and what was extra (for reading the errors)."""

    name: str
    scores: dict[str, Score]
    missed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)
    not_quotes_taken: tuple[str, ...] = ()  # annotated non-quotes that came out as quotes

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.name,
            "scores": {k: v.as_dict() for k, v in self.scores.items()},
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

    @property
    def not_quotes_taken(self) -> int:
        return sum(len(a.not_quotes_taken) for a in self.articles)

    def figures(self) -> dict[str, float]:
        """Flat ``metric.precision|recall|f1`` figures (what the quality gate compares with its floors)."""
        out: dict[str, float] = {}
        for metric, score in self.overall.items():
            out[f"{metric}.precision"] = round(score.precision, 4)
            out[f"{metric}.recall"] = round(score.recall, 4)
            out[f"{metric}.f1"] = round(score.f1, 4)
        out["not_quotes_taken"] = float(self.not_quotes_taken)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "annotations": self.annotations,
            "codebook": self.codebook,
            "overall": {k: v.as_dict() for k, v in self.overall.items()},
            "not_quotes_taken": self.not_quotes_taken,
            "articles": [a.as_dict() for a in self.articles],
        }


# --- annotation file ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldQuote:
    speaker: str | None
    text: str


@dataclass(frozen=True, slots=True)
class GoldArticle:
    name: str
    quotes: tuple[GoldQuote, ...]
    not_quotes: tuple[str, ...]
    positions: tuple[tuple[str, str, str], ...]  # (actor name, issue, stance)
    events: tuple[float, ...]  # counts


def load_annotations(path: str | Path) -> list[GoldArticle]:
    """Read and check an annotation file; raise :class:`AnnotationError` naming the file and the field."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnnotationError(f"{path}: no such annotation file") from None
    except UnicodeDecodeError:
        raise AnnotationError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise AnnotationError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    return parse_annotations(data, source=str(path))


def parse_annotations(data: object, *, source: str = "<annotations>") -> list[GoldArticle]:
    if not isinstance(data, dict) or "articles" not in data:
        raise AnnotationError(
            f"{source}: field articles: missing (the file must map 'articles' to article files)"
        )
    articles = data["articles"]
    if not isinstance(articles, dict) or not articles:
        raise AnnotationError(f"{source}: field articles: must map article file names to annotations")
    out = []
    for name, body in articles.items():
        where = f"articles.{name}"
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise AnnotationError(f"{source}: field {where}: must be a mapping (quotes, positions, events)")
        quotes = tuple(
            GoldQuote(
                _opt_str(q, "speaker", source, f"{where}.quotes[{i}]"),
                _req_str(q, "text", source, f"{where}.quotes[{i}]"),
            )
            for i, q in enumerate(_items(body, "quotes", source, where))
        )
        listed = _list(body, "not_quotes", source, where)
        not_quotes = tuple(_as_text(v, source, f"{where}.not_quotes[{i}]") for i, v in enumerate(listed))
        positions = []
        for i, p in enumerate(_items(body, "positions", source, where)):
            at = f"{where}.positions[{i}]"
            stance = _req_str(p, "stance", source, at)
            if stance not in STANCES:
                raise AnnotationError(
                    f"{source}: field {at}.stance: {stance!r} is not one of {', '.join(STANCES)}"
                )
            positions.append((_req_str(p, "actor", source, at), _req_str(p, "issue", source, at), stance))
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
        out.append(GoldArticle(str(name), quotes, not_quotes, tuple(positions), tuple(events)))
    return out


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
    return None if item.get(key) is None else _as_text(item[key], source, f"{at}.{key}")


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
                self.by_name.setdefault(name.lower(), actor.id)

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

    def name(self, key: str | None) -> str:
        if key is None:
            return "(no speaker)"
        actor = self.codebook.actor_by_id.get(key)
        return actor.name if actor else key.removeprefix("ner:")


def _same_quote(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 12 and SequenceMatcher(None, a, b).ratio() >= QUOTE_SIMILARITY)


def _same_speaker(gold: str | None, found: str | None) -> bool:
    """Same actor; for people the codebook does not know, the same name or the same surname ("Andrii Sybiha"
    and "Sybiha")."""
    if gold == found:
        return True
    if gold is None or found is None or not (gold.startswith("ner:") and found.startswith("ner:")):
        return False
    a, b = gold[4:].split(), found[4:].split()
    return bool(a and b) and a[-1] == b[-1]


def _match_pairs(
    gold: list[Any], found: list[Any], same: Callable[[Any, Any], bool]
) -> tuple[int, list[int], list[int]]:
    """Greedy one-to-one matching: (matches, unmatched gold indices, unmatched found indices)."""
    used: set[int] = set()
    missed = []
    for gi, g in enumerate(gold):
        hit = next((fi for fi, f in enumerate(found) if fi not in used and same(g, f)), None)
        if hit is None:
            missed.append(gi)
        else:
            used.add(hit)
    return len(used), missed, [fi for fi in range(len(found)) if fi not in used]


def score_article(gold: GoldArticle, evidence: Evidence, codebook: Codebook) -> ArticleEval:
    """Compare one article's extracted evidence with its annotation."""
    names = _Names(codebook)
    scores: dict[str, Score] = {}
    missed: dict[str, tuple[str, ...]] = {}
    extra: dict[str, tuple[str, ...]] = {}

    gold_q = [(names.gold(q.speaker), normalise_quote(q.text)) for q in gold.quotes]
    found_q = [(names.extracted(q.speaker), normalise_quote(q.text)) for q in evidence.quotes]
    tp, miss, ext = _match_pairs(
        gold_q, found_q, lambda g, f: _same_speaker(g[0], f[0]) and _same_quote(g[1], f[1])
    )
    scores["quotes"] = Score(tp, len(ext), len(miss))
    missed["quotes"] = tuple(f"{names.name(gold_q[i][0])}: {gold.quotes[i].text}" for i in miss)
    extra["quotes"] = tuple(f"{names.name(found_q[i][0])}: {evidence.quotes[i].text}" for i in ext)
    tp, miss, ext = _match_pairs([g[1] for g in gold_q], [f[1] for f in found_q], _same_quote)
    scores["quote_text"] = Score(tp, len(ext), len(miss))

    gold_p = {(names.gold(a), issue, stance) for a, issue, stance in gold.positions}
    found_p = {(names.extracted(p.actor), p.issue, p.stance) for p in evidence.positions}
    scores["positions"] = Score(len(gold_p & found_p), len(found_p - gold_p), len(gold_p - found_p))
    missed["positions"] = tuple(sorted(f"{names.name(a)} {i} {s}" for a, i, s in gold_p - found_p))
    extra["positions"] = tuple(sorted(f"{names.name(a)} {i} {s}" for a, i, s in found_p - gold_p))

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
    _, _, unmatched = _match_pairs([g[1] for g in gold_q], [f[1] for f in found_q], _same_quote)
    taken = tuple(evidence.quotes[i].text for i in unmatched if found_q[i][1] in bad)
    return ArticleEval(gold.name, scores, missed, extra, taken)


def _num(value: float | None) -> str:
    return "" if value is None else (str(int(value)) if float(value).is_integer() else str(value))


# --- running --------------------------------------------------------------------------------------


def evaluate(
    annotations_path: str | Path,
    *,
    articles_dir: str | Path | None = None,
    codebook: Codebook | str | Path | None = None,
) -> EvalReport:
    """Extract evidence from each annotated article (in memory) and score it against the annotations.

    Articles are read from ``articles_dir`` (default: the annotation file's folder) with the same reader and
    cleaning as ``zopa analyze``; ``codebook`` is a :class:`Codebook`, a path, or None for the shipped one.
    """
    from zopa.codebook import default_codebook_path, load_codebook
    from zopa.extract import extract

    path = Path(annotations_path)
    gold = load_annotations(path)
    folder = Path(articles_dir) if articles_dir is not None else path.parent
    if not isinstance(codebook, Codebook):
        codebook = load_codebook(codebook if codebook is not None else default_codebook_path())
    results = []
    for article in gold:
        file = folder / article.name
        if not file.is_file():
            raise AnnotationError(
                f"{path}: field articles.{article.name}: article file {file} not found (use --articles DIR)"
            )
        evidence = extract(read_article(file), codebook)
        results.append(score_article(article, evidence, codebook))
    return EvalReport(str(path), codebook.name, tuple(results), _overall(results))


def _overall(results: Iterable[ArticleEval]) -> dict[str, Score]:
    total = {m: Score() for m in METRICS}
    for r in results:
        for m in METRICS:
            total[m] = total[m] + r.scores[m]
    return total


def read_article(path: Path) -> Article:
    """One article file, read and cleaned as ``zopa analyze`` reads it (the first article it holds)."""
    from zopa.ingest import read_inputs

    for result in read_inputs([path]):
        if isinstance(result, Exception):
            raise result
        return result
    raise AnnotationError(f"{path}: holds no article")
