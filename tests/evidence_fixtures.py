"""Short articles and a small codebook of our own for the quote, speech, evaluation and report tests."""

from __future__ import annotations

from datetime import datetime

from zopa.codebook import Codebook, parse_codebook
from zopa.extract._nlp import DocContext
from zopa.extract.actors import resolve_mentions
from zopa.records import Article

MINI_CODEBOOK = {
    "name": "mini",
    "actors": [
        {"id": "russia", "name": "Russia", "kind": "state", "metonyms": ["Moscow", "the Kremlin"]},
        {"id": "ukraine", "name": "Ukraine", "kind": "state", "metonyms": ["Kyiv"]},
        {"id": "united-states", "name": "United States", "kind": "state", "aliases": ["U.S."],
         "metonyms": ["Washington", "the White House"]},
        {"id": "trump", "name": "Donald Trump", "kind": "person", "aliases": ["Trump"],
         "speaks_for": [{"party": "united-states"}]},
        {"id": "putin", "name": "Vladimir Putin", "kind": "person", "aliases": ["Putin"],
         "titles": [{"title": "the Russian president", "from": "2012-05-07"}],
         "speaks_for": [{"party": "russia"}]},
        {"id": "zelenskyy", "name": "Volodymyr Zelenskyy", "kind": "person",
         "aliases": ["Zelenskyy", "Zelensky"],
         "titles": [{"title": "the Ukrainian president", "from": "2019-05-20"}],
         "speaks_for": [{"party": "ukraine"}]},
        {"id": "peskov", "name": "Dmitry Peskov", "kind": "person", "aliases": ["Peskov"],
         "titles": [{"title": "the Kremlin spokesman"}], "speaks_for": [{"party": "russia"}]},
    ],
    "issues": [
        {"id": "ceasefire", "label": "Ceasefire", "cues": ["cease-?fire", "truce"]},
    ],
    "grammar": {"speech_verbs": ["quip"]},
}


def mini_codebook() -> Codebook:
    return parse_codebook(MINI_CODEBOOK, source="mini")


def article(text: str, title: str = "Test article") -> Article:
    return Article(source="test", title=title, text=text, raw=text, published=datetime(2025, 12, 17))


def context(text: str, title: str = "Test article", codebook: Codebook | None = None) -> DocContext:
    """A document context in which every sentence is a candidate (parsed, with named entities)."""
    ctx = DocContext.build(article(text, title), codebook or mini_codebook())
    ctx.candidates = frozenset(range(len(ctx.sentences)))
    resolve_mentions(ctx, ctx.candidates)
    return ctx
