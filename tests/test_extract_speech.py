"""Reported speech (statements) with speakers, on short texts of our own."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_fixtures import context
from zopa.extract._attribution import Attributor
from zopa.extract.speech import find_statements, statements_in_text


def statements(text: str) -> list[tuple[str | None, str, str]]:
    return [(s.speaker, s.cue, s.text) for s in find_statements(context(text))]


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        (
            "Putin said that Russia would keep fighting until its goals are met.",
            "putin",
            "Russia would keep fighting until its goals are met",
        ),
        (
            "Putin warned on Friday that the army would settle it if the talks broke down.",
            "putin",
            "the army would settle it if the talks broke down",
        ),
        (
            "Zelenskyy insisted Ukraine would never give up the eastern regions.",
            "zelenskyy",
            "Ukraine would never give up the eastern regions",
        ),
        (
            "Putin framed the conflict as an existential struggle for historical lands.",
            "putin",
            "the conflict as an existential struggle for historical lands",
        ),
        (
            "The Kremlin made it clear that concessions by Ukraine are non-negotiable.",
            "russia",
            "concessions by Ukraine are non-negotiable",
        ),
        (
            "Peskov told reporters in Moscow that the talks had reached a dead end.",
            "peskov",
            "the talks had reached a dead end",
        ),
        (
            "Zelenskyy vowed to defend every village in the Donbas.",
            "zelenskyy",
            "to defend every village in the Donbas",
        ),
    ],
)
def test_reporting_patterns(text: str, speaker: str, content: str) -> None:
    found = statements(text)
    assert found, text
    assert found[0][0] == speaker
    assert found[0][2] == content


def test_pronoun_speaker_resolved_to_person_in_focus() -> None:
    text = "Putin met his generals. He made it clear that Moscow views concessions as impossible."
    assert statements(text) == [("putin", "made it clear", "Moscow views concessions as impossible")]


def test_possessive_speech_noun_gives_the_speaker() -> None:
    text = "Putin’s remarks indicate that Moscow is not persuaded by the pressure from Washington."
    assert statements(text)[0][0] == "putin"


def test_leading_participle_clause_takes_the_main_subject() -> None:
    text = "Putin met generals. By reiterating that the four provinces are Russian, he hardened his stance."
    assert statements(text) == [("putin", "reiterating", "the four provinces are Russian")]


def test_nouns_that_look_like_verbs_are_not_statements() -> None:
    assert statements("Moscow’s main conditions stand unchanged after a week of pressure.") == []
    assert statements("Russia’s demands appear firmly entrenched after the meeting in Geneva.") == []


def test_possessor_of_a_non_speech_noun_is_not_the_speaker() -> None:
    assert statements("Putin’s push for a deal has added a new dynamic to the talks in Geneva.") == []


def test_direct_quote_is_not_a_statement() -> None:
    assert statements("Putin said: “We will never give back the lands we have taken.”") == []


def test_no_speaker_no_statement() -> None:
    assert statements("Western analysts said that the front line would hold through the winter.") == []


def test_nested_report_is_part_of_the_outer_statement() -> None:
    text = "Putin framed the war as a struggle tied to what he described as Russia’s historical lands."
    found = statements(text)
    assert len(found) == 1 and found[0][1] == "framed"


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Putin",
                " said",
                " that",
                " the",
                " talks",
                " failed",
                ". ",
                ", ",
                "“",
                "”",
                " he",
                " warned",
                "\n\n",
                " as",
                " framed",
            ]
        ),
        max_size=30,
    )
)
def test_statement_spans_lie_in_the_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    for s in statements_in_text(text, Attributor(text, [])):
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text


def test_passive_is_not_a_report_by_the_subject() -> None:
    assert statements("Russia has been accused of blocking the delivery of aid to the camp.") == []


def test_participle_modifying_a_noun_is_not_a_report() -> None:
    assert statements("Moscow denounced a court ruling declaring the sanctions unlawful in Europe.") == []


def test_verbs_whose_bare_object_is_not_a_report() -> None:
    assert statements("Zelenskyy told the Financial Times in an interview on Monday.") == []
    assert statements("Putin added 25 new regiments to the army in the south.") == []
    assert statements("Zelenskyy explained them to me at length in Kyiv.") == []


def test_subject_is_not_taken_across_a_clause() -> None:
    text = "While the front near Kyiv has stabilised in recent days, analysts say the war is far from over."
    assert statements(text) == []


def test_possessive_with_a_modified_speech_noun() -> None:
    text = "Putin’s latest comments make clear that Moscow will keep up the pressure for years."
    assert statements(text) == [("putin", "make clear", "Moscow will keep up the pressure for years")]


@pytest.mark.parametrize(
    "text",
    [
        "The army will leave the port towns by spring, Peskov said on Monday.",
        "The army will leave the port towns by spring, said Peskov.",
        "The army will leave the port towns by spring, said Peskov, adding that more would follow.",
        "The army will leave the port towns by spring, Peskov said, adding that more would follow.",
    ],
)
def test_a_report_attributed_at_its_end_is_what_comes_before_the_comma(text: str) -> None:
    assert ("peskov", "The army will leave the port towns by spring") in [
        (s, c) for s, _, c in statements(text)
    ]


def test_an_attribution_after_a_report_with_its_own_speaker_adds_no_statement() -> None:
    found = statements("Peskov warned that the army would stay, the Kremlin reported.")
    assert [s for s, _, _ in found] == ["peskov"]
