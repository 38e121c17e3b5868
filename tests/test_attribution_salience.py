"""Who a pronoun, a role or a bare name in an attribution refers to, on short texts of our own (issue 12)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evidence_fixtures import article, context, mini_codebook
from zopa.extract._attribution import Attributor, VerbHit, _people_by_usage, lexicon
from zopa.extract._nlp import DocContext
from zopa.extract.actors import resolve_mentions
from zopa.extract.quotes import find_quotes
from zopa.records import Mention


def speakers(text: str) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in find_quotes(context(text))]


def test_pronoun_after_as_for_refers_to_the_topic_not_the_last_speaker() -> None:
    text = (
        "Gregory Hale, the union's lawyer, said the offer was late.\n\n"
        "As for Martin Oduya, he said, “We will sign nothing before the members vote on it.”"
    )
    assert speakers(text)[-1][1] == "ner:Martin Oduya"


def test_name_before_a_quotation_introduced_by_a_comma_is_not_in_the_quoted_words() -> None:
    # 'Roe "is unfit," he said' leaves Roe out of the pronoun's candidates; a quotation introduced by a comma
    # after the name's own clause does not
    text = (
        "Ruth Calder said the vote would be close.\n\n"
        "Amelia Stone weighed in as well, telling a radio host on Sunday,"
        " “Both plans can work for the county,” she said."
    )
    assert speakers(text)[-1][1] == "ner:Amelia Stone"


def test_name_opening_its_sentence_is_its_subject_when_the_parse_misreads_it() -> None:
    # the parse hangs "Brandt" on the verb inside the parenthesis; he is still who the sentence is about
    text = (
        "Karl Brandt chairs the transport committee.\n\n"
        "Leon Miller said: “The tunnel is years late and nobody will say why.”\n\n"
        "And Brandt, for all the progress he helped wrangle from the council, seems to agree. "
        "“We can finish the tunnel by June,” he said."
    )
    assert speakers(text)[-1] == ("We can finish the tunnel by June", "ner:Karl Brandt")


def test_one_word_quotation_hands_its_speaker_to_the_quotation_after_it() -> None:
    text = (
        "Putin spoke at length on Tuesday about the budget."
        " “Patience,” said Hollis. “Patience and some courage from all of us.”"
    )
    assert speakers(text) == [("Patience and some courage from all of us.", "ner:Hollis")]


def test_name_after_a_role_and_a_comma_wins_over_the_role() -> None:
    text = (
        "Putin arrived in the afternoon.\n\n"
        "“The deal is dead for now,” wrote the envoy at the time, Harriet Q. Oyelaran."
    )
    assert speakers(text)[-1][1] == "ner:Harriet Q. Oyelaran"


def test_a_relative_who_or_an_age_makes_a_name_a_person() -> None:
    def mention(name: str, start: int) -> Mention:
        return Mention(actor=f"ner:{name}", text=name, start=start, end=start + len(name), how="ner")

    text = "Quill, who chairs the board, left. Marlow, 52, stayed. Acme, which owns it, and CNN, who knew."
    names = ["Quill", "Marlow", "Acme", "CNN"]
    mentions = [mention(n, text.index(n)) for n in names]
    labels = {f"ner:{n}": "ORG" for n in names}
    assert _people_by_usage(text, mentions, labels, lexicon()) == {"ner:Quill", "ner:Marlow"}
    assert _people_by_usage(text, mentions, {**labels, "ner:Quill": "GPE"}, lexicon()) == {"ner:Marlow"}


def test_a_name_that_said_he_or_she_is_a_person_and_one_that_said_it_is_not() -> None:
    text = "Okonkwo said he would stay. Acme said it would go. Delgado admitted she was tired."
    names = ["Okonkwo", "Acme", "Delgado"]
    mentions = [
        Mention(actor=f"ner:{n}", text=n, start=text.index(n), end=text.index(n) + len(n), how="ner")
        for n in names
    ]
    labels = {f"ner:{n}": "ORG" for n in names}
    assert _people_by_usage(text, mentions, labels, lexicon()) == {"ner:Okonkwo", "ner:Delgado"}


def test_attribution_right_after_the_quotation_wins_over_the_verb_the_parse_hangs_it_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the parse of a long sentence may hang the quotation on a later reporting verb ("..., after Bell said
    # ..."): the one right after the quotation, with its subject beside it, is the attribution
    text = (
        "“I never promised a new bridge, not once,” Carla Mendes said, after Omar Bell said on the radio"
        " that she had."
    )
    later = text.rindex("said")

    def hang_on_the_later_verb(self: Attributor, lo: int, hi: int) -> list[VerbHit]:
        return [v for v in self.verbs(lo, len(self.text)) if v.start == later]

    monkeypatch.setattr(Attributor, "governing_verbs", hang_on_the_later_verb)
    assert speakers(text) == [("I never promised a new bridge, not once", "ner:Carla Mendes")]


def test_pull_quote_whose_closing_mark_takes_in_its_signature() -> None:
    text = (
        "The council met on Monday to discuss the budget.\n"
        '"Nobody in this town should pay more for water than for bread.\n'
        'Ingrid Salo, Northern Water Trust."\n'
        "The vote is due next week."
    )
    words = "Nobody in this town should pay more for water than for bread."
    assert speakers(text) == [(words, "ner:Ingrid Salo")]


def test_pull_quote_signed_with_a_title_and_a_name() -> None:
    text = (
        "The council met on Monday to discuss the budget. Putin was not mentioned.\n"
        '"Nobody in this town should pay more for water than for bread.\n'
        'Ill. Sen. Ingrid Salo."\n'
        "The vote is due next week."
    )
    assert speakers(text)[0][1] == "ner:Ingrid Salo"


def test_sentence_after_the_quotation_with_a_clause_of_time_names_the_speaker() -> None:
    text = (
        "Putin watched from the front row.\n\n"
        "“The great county of Lake is proud to cast its votes for the next governor, Ada Quist!”"
        " Senator Pavel Brenner said as he opened the roll call."
    )
    assert speakers(text)[0][1] == "ner:Pavel Brenner"


def test_the_board_said_refers_to_the_board_named_before() -> None:
    text = (
        "The Lake County Board of Elections met on Friday to rule on the petition.\n\n"
        "“The candidate meets every requirement of the county charter,” the board said."
    )
    assert speakers(text)[0][1] == "ner:Lake County Board of Elections"
    # the noun must head the body's name: "the state" is not the State Water Office
    text = (
        "The State Water Office met on Friday to rule on the petition.\n\n"
        "“The candidate meets every requirement of the county charter,” the state said."
    )
    assert speakers(text)[0][1] != "ner:State Water Office"


def test_reporting_verb_the_tagger_reads_as_a_plural_noun() -> None:
    text = (
        "Putin has softened his tone this month.\n\n"
        "“Look at the speech the governor gave after the floods,” Okonkwo notes. “It was very different.”"
    )
    assert [s for _, s in speakers(text)] == ["ner:Okonkwo", "ner:Okonkwo"]


def test_name_in_the_slot_after_a_question_split_off_as_its_own_sentence() -> None:
    text = "“Would the fee be negotiable for small farms?” Vasquez pressed. “Maybe for the first year.”"
    assert [s for _, s in speakers(text)] == ["ner:Vasquez", "ner:Vasquez"]


def test_a_name_before_a_clause_with_its_own_subject_is_not_that_verb_s_speaker() -> None:
    text = (
        "“We will win this county,” Mara Lind said on Sunday in Dayton as the crowd roared.\n\n"
        "“Nobody thought we could do it, and here we are.”"
    )
    assert [s for _, s in speakers(text)] == ["ner:Mara Lind", "ner:Mara Lind"]


def test_a_title_in_an_undated_article_refers_to_a_person_named_with_its_role() -> None:
    # nobody the codebook knows is in focus; the text named a person with the title's role noun
    text = (
        "Former Russian President Ivan Sokolov toured the shipyard.\n\n"
        "Addressing the workers, the Russian president made clear: “We will finish what we started.”"
    )
    ctx = DocContext.build(replace(article(text), published=None), mini_codebook())
    ctx.candidates = frozenset(range(len(ctx.sentences)))
    resolve_mentions(ctx, ctx.candidates)
    assert [q.speaker for q in find_quotes(ctx)] == ["ner:Ivan Sokolov"]


def test_a_person_the_text_called_he_is_no_she() -> None:
    from zopa.codebook import default_codebook_path, load_codebook
    from zopa.extract import extract
    from zopa.records import Article

    text = (
        "Tom Brink won the first round. He is simply not liked by voters. "
        'Later she said, "Flying is an activity, not an accomplishment."'
    )
    book = load_codebook(default_codebook_path())
    found = extract(Article(source="t", title="", text=text, raw=text), book)
    assert "ner:Tom Brink" not in [q.speaker for q in found.quotes]
