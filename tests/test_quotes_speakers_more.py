"""More speaker rules from the misses on PolNeAR train (issue 12), each on a short text of our own."""

from __future__ import annotations

import pytest

from evidence_fixtures import article, context, mini_codebook
from zopa.extract import candidate_sentences
from zopa.extract._attribution import Attributor, MentionRef, _described_as_people, lexicon, parser_for
from zopa.extract._nlp import DocContext
from zopa.extract.actors import resolve_mentions
from zopa.extract.quotes import find_quotes, quotes_in_text
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
        "did not. Kessel, a farmer, stayed home. Brandt, the village, voted. "
        "Corran, an old friend of hers, came."
    )
    names = ["Dunmore", "Acme", "Kessel", "Brandt", "Corran"]
    mentions = [mention(text, n) for n in names]
    labels = {f"ner:{n}": "ORG" for n in names}
    labels["ner:Kessel"] = "GPE"  # a place the recogniser is sure of stays a place
    found = _described_as_people(text, mentions, lexicon(), labels)
    assert found == {"ner:Dunmore", "ner:Corran"}


def test_a_name_with_a_relative_clause_that_reports_is_the_one_who_spoke() -> None:
    text = (
        "The levy was backed on Monday by Marta Ilves, the council's treasurer, who said the budget could "
        "bear it, and opposed by Pavel Dorn.\n\n"
        "“We can afford this and more,” she said."
    )
    assert [(q.text, q.speaker) for q in find_quotes(pipeline_context(text))] == [
        ("We can afford this and more", "ner:Marta Ilves")
    ]


def test_a_participle_after_a_comma_takes_the_subject_of_its_clause_not_the_nearest_name() -> None:
    # on the surface (no parse): the person opening the clause speaks, not the name before the comma
    text = (
        "Ilse Varga spoke for an hour in Tallinn, telling the crowd: “Nobody here will pay twice.” "
        "Ilse Varga met Tomas Reid, warning him: “The second bill will not pass.” "
        "Before Dora Fenn's visit to the port, Tomas Reid spoke in Tallinn, telling them: “The fees stay.”"
    )
    names = {
        "Ilse Varga": "ner:Ilse Varga",
        "Tallinn": "ner:Tallinn",
        "Tomas Reid": "ner:Tomas Reid",
        "Dora Fenn": "ner:Dora Fenn",
    }
    refs = [
        MentionRef(actor, start, start + len(name), "ner", actor != "ner:Tallinn")
        for name, actor in names.items()
        for start in [i for i in range(len(text)) if text.startswith(name, i)]
    ]
    found = quotes_in_text(text, Attributor(text, refs))
    assert [(q.text, q.speaker) for q in found] == [
        ("Nobody here will pay twice.", "ner:Ilse Varga"),
        ("The second bill will not pass.", "ner:Ilse Varga"),
        ("The fees stay.", "ner:Tomas Reid"),  # not the owner of a visit
    ]


def test_a_spokesman_for_a_name_the_recogniser_missed_speaks_for_that_name() -> None:
    text = (
        "A spokeswoman for the Kremlin said on Monday that the talks would wait.\n\n"
        "A spokesman for Velmora Freight declined to name the cause but said in a statement that “the "
        "trucks will roll again by Friday.”"
    )
    ctx = context(text)
    kremlin = text.index("the Kremlin")
    refs = [MentionRef("russia", kremlin, kremlin + len("the Kremlin"), "metonym", False)]  # Velmora: missed
    att = Attributor(text, refs, segmentation=ctx.segmentation, parse=parser_for(ctx))
    assert [(q.text, q.speaker) for q in quotes_in_text(text, att)] == [
        ("the trucks will roll again by Friday.", "ner:Velmora Freight")
    ]


def test_the_person_a_there_is_sentence_turns_to_is_in_focus() -> None:
    text = (
        "Rolf Anker ran the campaign office for two years.\n\n"
        "Then there is Jan Oduya.\n\n"
        "“I never asked to be the face of this,” he said."
    )
    assert [(q.text, q.speaker) for q in find_quotes(context(text))] == [
        ("I never asked to be the face of this", "ner:Jan Oduya")
    ]


def test_a_name_two_unparsed_sentences_back_past_a_candidate_is_read_for_a_pronoun() -> None:
    text = (
        "Lena Marsh came from Leeds to the rally on Sunday.\n\n"
        "Others in the crowd said they were worried about the fees.\n\n"
        "She grew up in the north of the county.\n\n"
        "“Nobody here can pay that much,” she said."
    )
    found = [(q.text, q.speaker) for q in find_quotes(pipeline_context(text))]
    assert found == [("Nobody here can pay that much", "ner:Lena Marsh")]


@pytest.mark.parametrize(
    "rank",
    [
        "Air Force 2nd Lt.",  # an ordinal between the service the recogniser named and the name
        "Air Force 1st Lt.",  # the full stop of the rank ends no sentence
        "Coast Guard 1st Lt.",  # the person after a service and a rank speaks, not the service
    ],
)
def test_the_person_named_after_a_military_rank_is_the_speaker(rank: str) -> None:
    text = f"“I did not expect so many of us to come home,” said {rank} Maria Olsen."
    assert [(q.text, q.speaker) for q in find_quotes(pipeline_context(text))] == [
        ("I did not expect so many of us to come home", "ner:Maria Olsen")
    ]


def test_a_name_and_an_unlisted_verb_in_an_unparsed_sentence_after_a_question_report_it() -> None:
    text = "“Why would anyone want to stay here now?” Ana Rivera pressed."
    assert [(q.text, q.speaker) for q in find_quotes(pipeline_context(text))] == [
        ("Why would anyone want to stay here now?", "ner:Ana Rivera")
    ]


def test_a_name_that_only_ends_the_quoted_clause_does_not_stop_a_continuation() -> None:
    text = (
        "“Nothing will change for the workers,” Lena Brook added. "
        "“Nobody in this town has ever really trusted” Karl Brandt."
    )
    assert [(q.text, q.speaker) for q in find_quotes(pipeline_context(text))] == [
        ("Nothing will change for the workers", "ner:Lena Brook"),
        ("Nobody in this town has ever really trusted", "ner:Lena Brook"),
    ]


def test_a_name_with_a_clause_of_its_own_after_the_quotation_stops_a_continuation() -> None:
    text = (
        "“Nothing will change for the workers,” Lena Brook added. "
        "“Nobody in this town has ever really trusted” Karl Brandt, who ran the mill."
    )
    found = [(q.text, q.speaker) for q in find_quotes(pipeline_context(text))]
    assert found[1] == ("Nobody in this town has ever really trusted", None)


def test_a_name_in_an_aside_after_a_dash_does_not_stop_a_continuation() -> None:
    text = (
        "“Nothing will change for the workers,” said Lena Brook, who chairs the union. "
        "“Nobody in this town has ever trusted the board” - a point Karl Brandt disputes."
    )
    found = [(q.text, q.speaker) for q in find_quotes(pipeline_context(text))]
    assert found[1] == ("Nobody in this town has ever trusted the board", "ner:Lena Brook")


def test_the_speaker_named_again_after_the_quotation_does_not_stop_a_continuation() -> None:
    text = (
        "“Nothing will change for the workers,” said Lena Brook, who chairs the union. "
        "“Nobody in this town has ever trusted the board,” which Brook thinks will cost the mill dearly."
    )
    found = [(q.text, q.speaker) for q in find_quotes(pipeline_context(text))]
    assert found[1] == ("Nobody in this town has ever trusted the board", "ner:Lena Brook")


def test_he_after_a_quotation_can_be_the_subject_of_the_reporting_verb_opening_its_sentence() -> None:
    text = (
        "Karl Brandt won the vote in Leeds. Brandt said he would fight on.\n\n"
        "Brandt spokesman Rolf Anker said that the team will stress the contrast between Brandt and Ekberg "
        'to show that Brandt has "the steadiness the job needs," he said.'
    )
    assert [(q.text, q.speaker) for q in find_quotes(pipeline_context(text))] == [
        ("the steadiness the job needs", "ner:Rolf Anker")
    ]


def test_a_name_read_as_a_body_that_said_he_is_the_person_he_refers_to() -> None:
    text = (
        "Karl Brandt met the board on Monday and said the plan was sound.\n\n"
        "But Okonkwo said he doubts that the calendar matters. If the vote slips now, he said, the "
        'council can still pass "a simple extension of the levy."'
    )
    assert [(q.text, q.speaker) for q in find_quotes(pipeline_context(text))] == [
        ("a simple extension of the levy.", "ner:Okonkwo")
    ]


def test_a_name_in_the_object_of_a_verb_joined_by_and_to_the_reporting_verb_is_no_speaker() -> None:
    text = (
        "Tomas Ekberg spoke to the farmers for an hour.\n\n"
        "He put on a mock rural drawl and quipped, “Well, I may as well hand them the jokes myself, "
        "then.”"
    )
    assert [q.speaker for q in find_quotes(pipeline_context(text))] == ["ner:Tomas Ekberg"]


def test_the_one_a_clause_of_when_asked_names_was_asked_and_does_not_speak() -> None:
    text = (
        "Any charge would involve Attorney General Jane Roe, who told the senators when pressed in May about "
        "the inquiry: “The matter is in the hands of career agents, and they will follow the evidence.”"
    )
    assert [q.speaker for q in find_quotes(pipeline_context(text))] == ["ner:Jane Roe"]


def test_a_comma_typed_against_the_opening_mark_leaves_the_reporting_verb_a_word_of_its_own() -> None:
    text = "Lena Brook said the depot would stay open.\n\nBrook said,“Look, nobody wants the line to close.”"
    assert [(q.text, q.speaker) for q in find_quotes(pipeline_context(text))] == [
        ("Look, nobody wants the line to close.", "ner:Lena Brook")
    ]


def test_a_later_bare_spokeswoman_speaks_for_the_body_she_was_introduced_for() -> None:
    text = (
        "Ukraine's embassy in Rome said on Monday that it would hold the line near the river.\n\n"
        "An embassy spokeswoman said the shelling had eased, Reuters reported.\n\n"
        "\u201cWe will not move back,\u201d the spokeswoman said.\n\n"
        '"The truce is a trick and the front will hold," the spokeswoman added.'
    )
    speakers = {q.text: q.speaker for q in find_quotes(pipeline_context(text))}
    assert speakers["The truce is a trick and the front will hold"] == "ukraine"


def test_a_body_named_at_the_end_of_one_paragraph_is_no_spokesperson_of_the_next() -> None:
    text = (
        "Kyiv said the talks would resume, despite pressure from Moscow.\n\n"
        "An embassy spokeswoman said: \u201cThe truce is holding along the whole front line.\u201d"
    )
    speakers = [q.speaker for q in find_quotes(pipeline_context(text))]
    assert speakers != ["russia"]
