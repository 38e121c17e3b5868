"""More speaker rules from the misses on PolNeAR train (issue 12), each on a short text of our own."""

from __future__ import annotations

from evidence_fixtures import article, mini_codebook
from zopa.extract import candidate_sentences
from zopa.extract._attribution import _described_as_people, lexicon
from zopa.extract._nlp import DocContext
from zopa.extract.actors import resolve_mentions
from zopa.extract.quotes import find_quotes
from zopa.records import Mention


def pipeline_context(text: str) -> DocContext:
    """A context as the pipeline builds it: only the candidate sentences are parsed and searched for names."""
    ctx = DocContext.build(article(text, "Test article"), mini_codebook())
    ctx.candidates = candidate_sentences(ctx)
    resolve_mentions(ctx, ctx.candidates)
    return ctx


def test_a_quotation_typed_with_two_apostrophes_makes_its_sentence_a_candidate() -> None:
    text = (
        "The harbour board met on Tuesday.\n\n"
        "Orla Brennick, who has run the ferry office since 2009, called the new toll ''a burden nobody in "
        "the port wanted.''"
    )
    ctx = pipeline_context(text)
    assert 1 in ctx.candidates
    assert [(q.text, q.speaker) for q in find_quotes(ctx)] == [
        ("a burden nobody in the port wanted.", "ner:Orla Brennick")
    ]


def mention(text: str, name: str) -> Mention:
    start = text.index(name)
    return Mention(actor=f"ner:{name}", text=name, start=start, end=start + len(name), how="ner")


def test_a_surname_whose_appositive_is_headed_by_a_person_noun_is_a_person() -> None:
    text = (
        "Dunmore, a retired teacher who runs the shop, spoke first. Acme, a firm whose owner lives abroad, "
        "did not. Kessel, a farmer, stayed home. Brandt, the village, voted. Corran, an old friend of hers, came."
    )
    names = ["Dunmore", "Acme", "Kessel", "Brandt", "Corran"]
    mentions = [mention(text, n) for n in names]
    labels = {f"ner:{n}": "ORG" for n in names}
    labels["ner:Kessel"] = "GPE"  # a place the recogniser is sure of stays a place
    found = _described_as_people(text, mentions, lexicon(), labels)
    assert found == {"ner:Dunmore", "ner:Corran"}
