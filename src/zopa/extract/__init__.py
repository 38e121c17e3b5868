"""Evidence extraction: ``extract(article, codebook) -> Evidence``, a pure function of its inputs.

Stages, in order, each a versioned extractor:

1. segmentation into paragraphs and sentences (``_nlp.segment``);
2. actor mentions (``actors.v1``): codebook forms everywhere, then named entities in the sentences that can
   hold evidence, then "he"/"she";
3. direct quotes with speakers (``quotes.v2``) and reported speech (``speech.v2``);
4. positions (``positions.v2``), using the speakers of quotes and statements;
5. event figures (``events.v2``), claimed by the speakers of the quotes and statements that hold them.

Selective parsing: spaCy runs only on sentences that can hold evidence (a quotation mark, a speech verb, an
issue cue with a stance cue or an action verb, a lead-in ending with a colon).
``ExtractOptions(parse_all=True)`` makes every sentence a candidate instead: every sentence is parsed and
every parse is read (named entities, quotes, positions). ``bench/analyze_throughput.py`` runs both and
reports what selective parsing loses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from zopa.codebook import Codebook
from zopa.extract import actors, events, positions, quotes, speech
from zopa.extract._nlp import QUOTE_CHARS, DocContext, parse_contexts
from zopa.records import Article, Evidence

__all__ = ["EXTRACTORS", "DocContext", "ExtractOptions", "candidate_sentences", "extract", "extract_many"]

EXTRACTORS: dict[str, str] = {
    "actors": actors.EXTRACTOR,
    "quotes": quotes.EXTRACTOR,
    "speech": speech.EXTRACTOR,
    "positions": positions.EXTRACTOR,
    "events": events.EXTRACTOR,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractOptions:
    """How to run extraction.

    ``parse_all``: every sentence is a candidate (parsed and read by every extractor), not only those whose
    surface can hold evidence: the full-parse comparison of the speed benchmark.
    ``stages``: which stages to run (mentions always run; positions use quotes and statements when present).
    """

    parse_all: bool = False
    stages: tuple[str, ...] = ("quotes", "speech", "positions", "events")


# Someone who can be a speaker: a capitalised word after the first one, or a personal pronoun. "Economists
# say ..." and "repeated damage" need no parse.
_SPEAKER_LIKE = re.compile(r"\s[A-Z]|\b(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|I|[Ww]e)\b")


def candidate_sentences(ctx: DocContext) -> frozenset[int]:
    """Sentences that can hold evidence: quotation marks, a lead-in ending with a colon, a speech verb with
    someone who can be its speaker, an issue cue with a stance cue or speech verb, or an issue cue with an
    action verb and a codebook actor ("Beijing will cut its duties")."""
    cues = positions.compiled_cues(ctx.codebook)
    seg = ctx.segmentation
    # a quotation opens in it (also one typed with two apostrophes, ''like this'', that QUOTE_CHARS lacks)
    opened = {
        s.index
        for p in range(len(ctx.paragraphs))
        for q in seg.quotes_in(p)
        if (s := seg.sentence_at(q.open)) is not None
    }
    out: set[int] = set()
    for s in ctx.sentences:
        text = s.text
        if (
            s.index in opened
            or any(ch in text for ch in QUOTE_CHARS)
            or (text.rstrip().endswith(":") and not ctx.paragraphs[s.paragraph].heading)
            or (cues.speech is not None and cues.speech.search(text) and _SPEAKER_LIKE.search(text))
            or positions.may_hold_position(cues, text)
            or (
                positions.may_hold_action(cues, text)
                # with open parties any name may act ("Serbia lifted the curfew"); else a codebook actor must
                and (ctx.codebook.open_parties or ctx.resolver.find(ctx.text, s.start, s.end))
            )
        ):
            out.add(s.index)
    return frozenset(out)


def extract(article: Article, codebook: Codebook, *, options: ExtractOptions | None = None) -> Evidence:
    """Everything ``codebook`` lets us find in ``article``; each item carries its span and extractor name."""
    result = extract_many([article], codebook, options=options)[0]
    if isinstance(result, Exception):
        raise result
    return result


def extract_many(
    articles: Sequence[Article], codebook: Codebook, *, options: ExtractOptions | None = None
) -> list[Evidence | Exception]:
    """:func:`extract` of each article, their sentences parsed in one batch (cheaper per sentence than an
    article at a time; the evidence is the same). An article that fails gives its exception, in its place."""
    options = options or ExtractOptions()
    contexts: list[DocContext | Exception] = []
    for article in articles:
        try:
            contexts.append(_selected(article, codebook, options))
        except Exception as exc:  # one article's fault is its own
            contexts.append(exc)
    ready = [c for c in contexts if isinstance(c, DocContext)]
    parse_contexts((ctx, _to_parse(ctx)) for ctx in ready)
    out: list[Evidence | Exception] = []
    for ctx in contexts:
        if isinstance(ctx, Exception):
            out.append(ctx)
            continue
        try:
            out.append(_read(ctx, options))
        except Exception as exc:
            out.append(exc)
    return out


def _selected(article: Article, codebook: Codebook, options: ExtractOptions) -> DocContext:
    """The article segmented, with the sentences that can hold evidence chosen."""
    ctx = DocContext.build(article, codebook)
    if options.parse_all:  # every sentence parsed and read by every extractor
        ctx.candidates = frozenset(range(len(ctx.sentences)))
    else:
        ctx.candidates = candidate_sentences(ctx)
    return ctx


def _to_parse(ctx: DocContext) -> list[int]:
    """The candidates, and the sentences that may name whom a "he said" among them refers to."""
    return sorted({*ctx.candidates, *actors.antecedent_sentences(ctx, ctx.candidates)})


def _read(ctx: DocContext, options: ExtractOptions) -> Evidence:
    """The extractors over a parsed context, in order."""
    actors.resolve_mentions(ctx, ctx.candidates)
    found_quotes = quotes.find_quotes(ctx) if "quotes" in options.stages else []
    found_statements = speech.find_statements(ctx) if "speech" in options.stages else []
    found_positions = (
        positions.find_positions(ctx, found_quotes, found_statements) if "positions" in options.stages else []
    )
    found_events = (
        events.find_events(ctx, found_quotes, found_statements) if "events" in options.stages else []
    )
    used = {"actors": EXTRACTORS["actors"]}
    used.update({stage: EXTRACTORS[stage] for stage in options.stages if stage in EXTRACTORS})
    return Evidence(
        mentions=tuple(ctx.mentions),
        quotes=tuple(found_quotes),
        statements=tuple(found_statements),
        positions=tuple(found_positions),
        events=tuple(found_events),
        extractors=used,
    )
