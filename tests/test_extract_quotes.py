"""Direct quotes and their speakers, on short texts of our own (each pattern and the misses that matter)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_fixtures import article, context, mini_codebook
from zopa.extract import candidate_sentences
from zopa.extract._attribution import Attributor, MentionRef, attributor_for, lexicon
from zopa.extract._nlp import DocContext, segment
from zopa.extract.actors import resolve_mentions
from zopa.extract.quotes import find_quotes, quotes_in_text
from zopa.records import Mention


def quotes(text: str, title: str = "Test article") -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in find_quotes(context(text, title))]


@pytest.mark.parametrize(
    "text",
    [
        "“We will not give up our land,” Putin said.",
        "“We will not give up our land,” said Putin.",
        "Putin said: “We will not give up our land.”",
        '"We will not give up our land," Putin told reporters in Moscow.',
        "“We will not give up our land,” the Russian president added on Tuesday.",
        "“We will not give up our land,” according to Putin.",
        "According to Putin, “we will not give up our land.”",
    ],
)
def test_inline_attribution_patterns(text: str) -> None:
    found = find_quotes(context(text))
    assert [q.speaker for q in found] == ["putin"]
    assert found[0].text.lower().startswith("we will not give up our land")


def test_trailing_comma_is_not_part_of_the_quote() -> None:
    assert quotes("“We are ready for talks,” Zelenskyy said.") == [("We are ready for talks", "zelenskyy")]


def test_pronoun_resolved_to_person_in_focus() -> None:
    text = "Zelenskyy met European leaders in Berlin. “We are ready for a ceasefire tomorrow,” he said."
    assert quotes(text) == [("We are ready for a ceasefire tomorrow", "zelenskyy")]


def test_pronoun_follows_the_latest_person() -> None:
    text = (
        "Putin spoke first. Zelenskyy answered an hour later.\n\n"
        "“No territory will be handed over to anyone,” she said."
    )
    assert quotes(text)[0][1] == "zelenskyy"


def test_partial_quotes_after_a_characterising_verb() -> None:
    text = "Zelenskyy described the draft plan as “not perfect” but “very workable.”"
    found = find_quotes(context(text))
    assert [(q.text, q.speaker, q.kind) for q in found] == [
        ("not perfect", "zelenskyy", "partial"),
        ("very workable.", "zelenskyy", "partial"),
    ]


def test_single_quote_partials_and_apostrophes() -> None:
    text = "Putin’s aide said the West’s offer was ‘a trap’ and Peskov called it ‘dead on arrival’."
    found = quotes(text)
    assert found == [("dead on arrival", "peskov")]  # "a trap": the aide is no known actor; not Peskov
    assert all("’s" not in t for t, _ in found)


def test_scare_quotes_are_not_quotes() -> None:
    assert quotes("That is how “talks” are held in the capital these days.") == []
    assert quotes("The so-called “peace plan” was rejected in Kyiv before Putin said anything.") == []


def test_quoted_title_is_not_a_quote() -> None:
    assert quotes("Putin once praised the novel “War and Peace” in an interview.") == []


def test_headline_fragments_are_not_quotes() -> None:
    text = (
        "Zelenskyy’s Response: “Not Perfect” But “Workable”\n\n"
        "The Kremlin’s “Accelerate the Tempo” Strategy\n\n"
        "Putin spoke to the generals on Wednesday and the talks went on."
    )
    assert quotes(text, title="Putin Says “No” to the Plan") == []


def test_title_line_inside_text_is_not_a_quote() -> None:
    title = "Putin: “We Will Win” as Talks Stall"
    assert quotes(f"{title}\n\nThe talks stalled again on Monday.", title=title) == []


def test_block_quote_after_colon_paragraph() -> None:
    text = (
        "The talks ended without result.\n\n"
        "But Zelenskyy drew a hard line on territory:\n\n"
        "“I rejected the push for Ukraine to cede control over the eastern region.”"
    )
    found = find_quotes(context(text))
    assert [(q.speaker, q.kind) for q in found] == [("zelenskyy", "block")]
    assert "colon" in found[0].cue


def test_block_quote_after_lead_in_with_title() -> None:
    text = (
        "Speaking to officers on Wednesday, the Russian president made clear: accept our terms.\n\n"
        "“If the other side refuses to talk, Russia will take its historical lands by force.”"
    )
    assert quotes(text)[0][1] == "putin"


def test_block_quote_speaker_in_the_sentence_before() -> None:
    text = (
        "Putin’s most ominous statement wasn’t about territory. It was about capability.\n\n"
        "“Our troops are different now, they are battle-hardened and there is no such army.”"
    )
    assert quotes(text) == [
        ("Our troops are different now, they are battle-hardened and there is no such army.", "putin")
    ]


def test_block_quote_speaker_two_paragraphs_back() -> None:
    text = (
        "Zelenskyy spoke for an hour in parliament on Wednesday.\n\n"
        "The hall was full and the deputies listened in silence.\n\n"
        "“Our army is stronger than ever before in our history.”"
    )
    found = find_quotes(context(text))
    assert [q.speaker for q in found] == ["zelenskyy"]
    assert "2 paragraphs back" in found[0].cue


def test_consecutive_block_quotes_keep_the_speaker() -> None:
    text = (
        "Peskov told reporters:\n\n"
        "“The talks have reached a dead end for the moment.”\n\n"
        "“We will return to them when the other side is ready.”"
    )
    assert [s for _, s in quotes(text)] == ["peskov", "peskov"]


def test_quote_continued_after_attribution() -> None:
    text = "“We will not retreat,” Putin said. “Our goals will be achieved in full, one way or another.”"
    assert [s for _, s in quotes(text)] == ["putin", "putin"]


def test_unknown_person_speaker_from_named_entities() -> None:
    text = "“The front line is holding for now,” said Oleksandr Kovalenko, a military analyst in Kyiv."
    speakers = [s for _, s in quotes(text)]
    assert speakers and speakers[0] is not None and speakers[0].startswith("ner:")
    assert "Kovalenko" in speakers[0]


def test_organisation_speaker_by_metonym() -> None:
    assert quotes("“There will be no ceasefire before the spring,” the Kremlin said.")[0][1] == "russia"


def test_unattributed_long_quote_has_no_speaker_and_low_confidence() -> None:
    found = find_quotes(context("The sign read “no entry for anyone after dark at all”, and so on."))
    assert [q.speaker for q in found] == [None]
    assert found[0].confidence < 0.5


# --- property: spans always point at the quoted words ----------------------------------------------------

_pieces = st.sampled_from(
    [
        "Putin said",
        "“",
        "”",
        '"',
        "‘",
        "’",
        "'",
        " ",
        "\n\n",
        ", ",
        ". ",
        "he added",
        "We will win",
        "talks",
        "Zelenskyy",
        ":",
        "according to",
        "Kyiv",
        "don’t",
        "a",
        "Not Perfect",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_pieces, max_size=30))
def test_quote_spans_lie_in_the_text_and_match_it(pieces: list[str]) -> None:
    text = "".join(pieces)
    att = Attributor(text, [])
    for q in quotes_in_text(text, att):
        assert 0 <= q.start <= q.end <= len(text)
        assert text[q.start : q.end] == q.text
        assert q.text == q.text.strip()


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab “”\"‘’'\n.,", max_size=60))
def test_quote_marks_never_overlap(text: str) -> None:
    seg = segment(text)
    for para in seg.paragraphs:
        marks = seg.quotes_in(para.index)
        for a, b in itertools.pairwise(marks):
            assert a.close < b.open
        for m in marks:
            assert para.start <= m.open < m.close <= para.end


def test_parse_finds_the_subject_behind_an_interrupting_phrase() -> None:
    text = "Trump, speaking to reporters at the White House, said: “I think we are very close to a deal.”"
    assert quotes(text) == [("I think we are very close to a deal.", "trump")]


def test_attribution_in_the_middle_of_a_quotation() -> None:
    text = "“We are ready to talk,” Putin said, “but not at any price and not on these terms.”"
    assert [s for _, s in quotes(text)] == ["putin", "putin"]


def test_attribution_in_the_short_sentence_after_a_question() -> None:
    assert quotes("“Why should we stop now when we are winning?” Putin asked.")[0][1] == "putin"


def test_second_fragment_after_but_warned_keeps_the_speaker() -> None:
    text = "Peskov said the talks were “a step forward” but warned that “nothing is agreed yet.”"
    assert [s for _, s in quotes(text)] == ["peskov", "peskov"]


def test_quotation_running_over_two_paragraphs() -> None:
    text = (
        "The Kremlin spokesman spoke for an hour.\n\n"
        "“Without guarantees, any truce will simply give the other side time to regroup.\n\n"
        "“We have seen this before, many times,” Zelenskyy told the newspaper."
    )
    assert [s for _, s in quotes(text)] == ["zelenskyy", "zelenskyy"]


def test_sentence_case_heading_with_a_quote_is_not_a_quote() -> None:
    text = "Kremlin rejects troop plan as “out of the question”\n\nRussia rejected the plan on Thursday."
    assert quotes(text, title="Other title") == []


def test_statement_does_not_swallow_an_inverted_attribution() -> None:
    from zopa.extract.speech import find_statements

    ctx = context("“We are ready to work with anyone who wants peace,” said Peskov, the Kremlin spokesman.")
    assert find_statements(ctx) == []


def test_british_single_quotes_with_apostrophes_inside() -> None:
    text = "'It's a disgrace, and everyone in Europe knows it,' said Peskov."
    assert quotes(text) == [("It's a disgrace, and everyone in Europe knows it", "peskov")]


def test_spokesman_of_an_organisation_speaks_for_it() -> None:
    text = "The Kremlin's spokesman called the remarks 'deeply provocative'."
    assert quotes(text) == [("deeply provocative", "russia")]


def test_one_quoted_word_is_a_label_not_a_quote() -> None:
    assert quotes("Putin said the talks in Geneva had been 'constructive' and would go on.") == []


def test_dash_attribution_and_dash_parenthesis() -> None:
    assert quotes("“We will not retreat from our positions in the east” — Zelenskyy.") == [
        ("We will not retreat from our positions in the east", "zelenskyy")
    ]
    assert quotes("The “peace plan” — which Moscow rejected — was drafted in Miami last month.") == []


def test_pronoun_prefers_the_subject_of_the_sentence_before() -> None:
    text = "Zelenskyy spoke after meeting Trump in Washington. “We are ready for peace talks,” he said."
    assert quotes(text) == [("We are ready for peace talks", "zelenskyy")]
    text = "The talks with Trump ended late on Friday. “We are ready for peace talks,” he said."
    assert quotes(text) == [("We are ready for peace talks", "trump")]


def test_mixed_straight_and_curly_marks_close_each_other() -> None:
    text = '"These guards are not the only ones who should stand trial,” Putin said.'
    assert quotes(text) == [("These guards are not the only ones who should stand trial", "putin")]


def test_name_and_appositive_before_the_verb() -> None:
    text = "“The simulation is a success,” Dylan Nelson, a fellow at the Max Planck Institute, said."
    assert quotes(text) == [("The simulation is a success", "ner:Dylan Nelson")]


def test_surname_links_to_the_person_named_in_full() -> None:
    text = (
        "Ryan Suter scored twice on Tuesday.\n\n"
        "“It’s hard not to look at the standings, though,” Suter acknowledged."
    )
    assert quotes(text)[0][1] == "ner:Ryan Suter"


def test_no_guess_after_an_unattributed_quote() -> None:
    text = (
        "Taylor Swift criticised the label.\n\n"
        "“We were shocked to see her statements,” the statement read. “At no point did we block her special.”"
    )
    assert [s for _, s in quotes(text)] == [None, None]


def test_block_quotes_continue_across_a_caption_line() -> None:
    text = (
        "Peskov said in a statement:\n\n"
        "“The talks have reached a dead end for the moment.”\n\n"
        "— Kremlin press service (@KremlinRussia) November 20, 2025\n\n"
        "“We will return to them when the other side is ready.”"
    )
    assert [s for _, s in quotes(text)] == ["peskov", "peskov"]


_NAMES = {"Putin": "putin", "Zelenskyy": "zelenskyy", "the Kremlin": "russia"}
_rich_pieces = st.sampled_from(
    [
        *_NAMES,
        " said",
        " told reporters",
        ", according to ",
        " he",
        " she",
        " warned that",
        "“",
        "”",
        '"',
        "‘",
        "’",
        ": ",
        ", ",
        ". ",
        "\n\n",
        " We will win",
        " talks failed",
        " — ",
        " described it as",
        " so-called",
        " Not Perfect",
        " it’s",
        " and added,",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_rich_pieces, max_size=40))
def test_attribution_never_breaks_and_names_known_speakers(pieces: list[str]) -> None:
    import re as _re

    from zopa.extract._attribution import MentionRef
    from zopa.extract.speech import statements_in_text

    text = "".join(pieces)
    mentions = [
        MentionRef(actor, m.start(), m.end(), "alias", actor != "russia")
        for name, actor in _NAMES.items()
        for m in _re.finditer(_re.escape(name), text)
    ]
    att = Attributor(text, mentions)
    for q in quotes_in_text(text, att):
        assert text[q.start : q.end] == q.text and q.text
        assert q.speaker in {None, *_NAMES.values()}
        assert 0 < q.confidence <= 1
    for s in statements_in_text(text, att):
        assert text[s.start : s.end] == s.text
        assert s.speaker in _NAMES.values()


def test_typewriter_double_closing_mark() -> None:
    text = "“It was an attempt to mislead voters,’’ Peskov told the BBC. “And it is wrong for a party.”"
    assert quotes(text) == [
        ("It was an attempt to mislead voters", "peskov"),
        ("And it is wrong for a party.", "peskov"),
    ]


def test_quoted_subheading_without_final_punctuation_is_not_a_quote() -> None:
    text = "Putin spoke on Monday.\n\n“U.S.-controlled bandit formations”\n\nThe talks went on in Geneva."
    assert quotes(text) == []


# --- speakers (issue 12): each pattern on a short text of our own -------------------------------------


def test_pronoun_after_two_people_is_the_subject_not_the_last_name() -> None:
    text = "Zelenskyy met Trump and the envoys in Berlin on Monday. “We are ready for a ceasefire,” he said."
    assert quotes(text)[0][1] == "zelenskyy"


def test_pronoun_speaker_two_paragraphs_back() -> None:
    text = (
        "Putin spoke to the generals for an hour on Wednesday.\n\n"
        "The hall in the Kremlin was silent and nobody moved.\n\n"
        "“Every goal we set will be reached in the end,” he said."
    )
    assert quotes(text)[0][1] == "putin"


def test_pronoun_never_resolves_to_a_name_inside_a_quotation() -> None:
    text = "Zelenskyy spoke in Kyiv. “Putin must never be believed on any deal at all,” he said."
    assert quotes(text)[0][1] == "zelenskyy"


def test_pronoun_takes_the_person_of_its_gender() -> None:
    text = "Mr. Putin met Ms. Jane Roe, the mediator, in Moscow. “Both sides want the talks,” she said."
    assert quotes(text)[0][1] == "ner:Jane Roe"


def test_previous_speaker_is_not_carried_over_past_a_new_speaker() -> None:
    text = "“We are ready,” Putin said.\n\nZelenskyy disagreed. “They are not ready for anything,” he said."
    assert [s for _, s in quotes(text)] == ["putin", "zelenskyy"]


def test_subject_of_the_verb_not_the_name_beside_it() -> None:
    text = "Zelenskyy told the Morning Herald on Monday: “We need security guarantees before any deal.”"
    assert quotes(text)[0][1] == "zelenskyy"
    text = "“We need security guarantees before any deal,” Jane Roe told Trump in Washington."
    assert quotes(text)[0][1] == "ner:Jane Roe"


@pytest.mark.parametrize(
    "text",
    [
        "“The plan is a trap laid for all of Europe,” Zelenskyy branded it on Monday.",
        "Zelenskyy called on the allies: “Send us air defence before the winter comes.”",
        "“Give peace a chance, give peace a chance,” Zelenskyy sings on stage.",
        "“Withdraw every soldier from our land at once,” Zelenskyy demanded.",
        "“The offensive has stalled along the whole front line,” Zelenskyy reports.",
    ],
)
def test_uncommon_reporting_verbs_by_lemma(text: str) -> None:
    assert quotes(text)[0][1] == "zelenskyy"


def test_speaker_with_a_long_description() -> None:
    text = (
        "“Neither side can win this war by force of arms,” Jane Roe, a visiting scholar at a research "
        "institute in Geneva who has studied the region for years, said."
    )
    assert quotes(text)[0][1] == "ner:Jane Roe"


def test_unknown_name_after_a_dash() -> None:
    text = "“Peace comes only once the guns are silent.” — Jane Roe, mediator"
    assert quotes(text)[0][1] == "ner:Jane Roe"


def test_transcript_labels_give_the_speaker_and_leave_the_label_out() -> None:
    text = (
        "What was said on air:\n\n"
        '"HOST: Will the talks go on after the holidays?\n\n'
        '"ROE: They will go on, because both sides need them.\n\n'
        '"And nobody wants the war to last another year.'
    )
    found = quotes(text)
    assert found == [
        ("Will the talks go on after the holidays?", "ner:Host"),
        ("They will go on, because both sides need them.", "ner:Roe"),
        ("And nobody wants the war to last another year.", "ner:Roe"),
    ]


def test_role_description_resolves_to_the_person_it_fits() -> None:
    text = (
        "Sen. Jane Roe arrived in Kyiv on Monday with Putin's letter.\n\n"
        "“We came to listen, not to dictate,” the senator said."
    )
    assert quotes(text)[0][1] == "ner:Jane Roe"


def test_a_name_after_a_title_wins_over_the_title() -> None:
    text = "“We will rebuild every town,” said Ukrainian President Petro Roenko at the summit."
    assert quotes(text)[0][1] == "ner:Petro Roenko"


def test_quotation_introduced_by_a_colon_without_a_speech_verb() -> None:
    text = "Zelenskyy had a stern word for the allies: “Without air defence we cannot hold the cities.”"
    assert quotes(text)[0][1] == "zelenskyy"


def test_quotation_in_the_next_sentence_continues_the_speaker() -> None:
    text = "“The talks are over,” Peskov said on Monday. If Kyiv wants more, “it knows where to find us.”"
    assert [s for _, s in quotes(text)] == ["peskov", "peskov"]


def test_closing_mark_typed_as_an_opening_one() -> None:
    text = "“We are not leaving,“ Zelenskyy said. “Not now and not ever.”"
    assert quotes(text) == [("We are not leaving", "zelenskyy"), ("Not now and not ever.", "zelenskyy")]


def test_passive_subject_is_not_the_speaker() -> None:
    text = "Putin was asked in Moscow: “Will you meet Zelenskyy before the summer begins?”"
    assert quotes(text)[0][1] != "putin"


def test_two_quoted_words_are_a_term_unless_a_characterising_verb_takes_them() -> None:
    assert quotes("Zelenskyy wants Ukraine taken under the “peace umbrella” of the alliance.") == []
    text = "Zelenskyy called the Russian offer “pure theatre” on Monday."
    assert quotes(text) == [("pure theatre", "zelenskyy")]


def test_the_speaker_before_according_to_is_the_speaker_not_the_source() -> None:
    text = (
        "“We will keep our word on the exchange,” Peskov said, according to the Interfax agency.\n\n"
        "“The lists are ready and have been handed over.”"
    )
    assert [s for _, s in quotes(text)] == ["peskov", "peskov"]


def test_it_as_the_speaker_is_the_body_that_opens_the_sentence_before() -> None:
    text = (
        "Russia's foreign ministry held firm on the main points. It rejected the plan, stating that "
        "“a freeze along the line is not enough for us.”"
    )
    assert quotes(text)[0][1] == "russia"


def test_a_two_word_sentence_with_its_speaker_is_a_quote() -> None:
    assert quotes("“It’s doable,” Zelenskyy told reporters on Monday.") == [("It’s doable", "zelenskyy")]


def test_a_spokesperson_speaks_for_the_body_introduced_with_them() -> None:
    text = (
        "The Kremlin's press office answered on Friday.\n\n"
        "“There will be no new round before the spring,” the spokesperson told reporters."
    )
    assert quotes(text)[0][1] == "russia"


# --- speakers on news no one here wrote (issue 12, PolNeAR train): each rule on a text of our own -------


def pipeline_context(text: str) -> DocContext:
    """A context as the pipeline builds it: only the candidate sentences are parsed and searched for names."""
    ctx = DocContext.build(article(text, "Test article"), mini_codebook())
    ctx.candidates = candidate_sentences(ctx)
    resolve_mentions(ctx, ctx.candidates)
    return ctx


def pipeline_quotes(text: str) -> list[tuple[str, str | None]]:
    return [(q.text, q.speaker) for q in find_quotes(pipeline_context(text))]


def test_a_straight_quotation_holding_a_curly_one_runs_to_the_paragraph_end() -> None:
    text = (
        "The governor released a statement:\n\n"
        '"The ministry no longer stands for “fair play for all” in any sense. It has given up.\n\n'
        '"We will take the matter to court next week."'
    )
    assert [t for t, _ in quotes(text)] == [
        "The ministry no longer stands for “fair play for all” in any sense. It has given up.",
        "We will take the matter to court next week.",
    ]


def test_a_pronoun_after_another_full_name_or_before_the_subject_gives_no_gender() -> None:
    text = (
        "Jane Roe wrote to the board.\n\n"
        "Roe also took a shot at the rival nominee Anna Kowal, without naming her."
    )
    assert attributor_for(pipeline_context(text)).salience.gender("ner:Jane Roe") is None
    text = "“We like it,” Jane Roe said.\n\nWith Mayor Jane Roe by her side, Peter Smolak spoke on Monday."
    assert attributor_for(pipeline_context(text)).salience.gender("ner:Jane Roe") is None


def test_a_name_that_qualifies_a_role_noun_is_a_modifier() -> None:
    text = (
        "A Roe supporter spoke. A Ruritania Democrat spoke. A Roe data expert spoke. "
        "Roe blamed the officials."
    )
    spans = {"Roe": [2, 53, 76], "Ruritania": [25]}
    refs = [
        MentionRef("ner:" + name, start, start + len(name), "ner", name == "Roe")
        for name, starts in spans.items()
        for start in starts
    ]
    att = Attributor(text, refs)
    assert [att.modifier(m) for m in sorted(refs, key=lambda m: m.start)] == [True, True, True, False]


def test_of_two_parsed_subjects_the_nearest_unless_it_is_an_appositive() -> None:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from zopa.extract._attribution import _nearest_subjects

    words = ["In", "Dover", ",", "DE", ",", "after", "the", "vote", ",", "Gov.", "Roe", "said"]
    heads = [11, 0, 11, 11, 11, 11, 7, 5, 11, 10, 11, 11]
    deps = [
        "prep",
        "pobj",
        "punct",
        "nsubj",
        "punct",
        "prep",
        "det",
        "pobj",
        "punct",
        "compound",
        "nsubj",
        "ROOT",
    ]
    doc = Doc(Vocab(), words=words, heads=heads, deps=deps)
    assert _nearest_subjects(doc[11], list(doc[11].children))[0].text == "Roe"
    words = ["Roe", ",", "the", "nominee", ",", "said"]
    heads = [5, 0, 3, 5, 3, 5]
    deps = ["nsubj", "punct", "det", "nsubj", "punct", "ROOT"]
    doc = Doc(Vocab(), words=words, heads=heads, deps=deps)
    assert _nearest_subjects(doc[5], list(doc[5].children))[0].text == "Roe"


def test_a_bare_reporting_verb_after_a_question_attributes_it() -> None:
    text = "“It happens to everyone, right?” Jane Roe went on, as if she had not heard the question."
    assert quotes(text)[0][1] == "ner:Jane Roe"


def test_an_unnamed_subject_does_not_hand_the_quote_to_a_name_after_that() -> None:
    text = (
        "“The candidate meets every rule on the books,” the board said, reasoning that Peter Smolak "
        "had lived in the state for years."
    )
    assert quotes(text)[0][1] is None


def test_adding_after_a_reported_clause_is_the_reporter_s() -> None:
    text = (
        "To wit, Jane Roe told the radio station that Peter Smolak “had a silly plan for the farms which was "
        "ruinous,” adding, “He lost all of the rural vote … he lost everybody who farms.”"
    )
    assert [s for _, s in quotes(text)] == ["ner:Jane Roe", "ner:Jane Roe"]


def test_a_block_quote_after_a_colon_that_names_no_one_has_no_guessed_speaker() -> None:
    text = (
        "Jane Roe spoke to the farmers on Monday.\n\n"
        "The history of the movement is told on the union's website, which notes:\n\n"
        "“In the spring of 1961 a few dozen farmers met in a barn and founded the union.”"
    )
    assert quotes(text)[-1][1] is None


def test_a_number_ends_a_sentence() -> None:
    seg = segment("The state votes on June 7. Still, the campaign is confident.")
    assert [s.text for s in seg.sentences] == [
        "The state votes on June 7.",
        "Still, the campaign is confident.",
    ]


def test_a_quotation_after_a_colon_in_typewriter_marks() -> None:
    text = (
        "“We like the firm a lot,” Jane Roe said.\n\n"
        "Jane Roe, an analyst at a bank in Oslo, agreed: ''They have a strong brand and a large market.''"
    )
    assert [s for _, s in pipeline_quotes(text)] == ["ner:Jane Roe", "ner:Jane Roe"]


def test_saying_after_a_preposition_takes_the_verb_s_subject() -> None:
    text = (
        "Jane Roe deflected several questions about Peter Smolak before saying, “It is time to stop "
        "attacking the people we ran against.”"
    )
    assert quotes(text)[0][1] == "ner:Jane Roe"


def test_a_surname_two_people_share_is_not_linked_to_one_of_them() -> None:
    text = (
        "Peter Smolak said the rally went well.\n\nHis wife Jana Smolak waved from the stage.\n\n"
        "“We will win this state by a wide margin,” Mrs. Smolak said."
    )
    assert pipeline_quotes(text)[0][1] == "ner:Smolak"


def test_a_bare_surname_before_said_where_no_mention_covers_it() -> None:
    text = (
        "Jeb Smolak likes the show.\n\n"
        "“Loved the last season of that show, and I want another one!” Smolak said."
    )
    assert pipeline_quotes(text)[0][1] == "ner:Smolak"


def test_a_place_that_qualifies_a_person_noun_is_not_the_speaker() -> None:
    text = "“It is still hers to lose at this point,” added another New Hampshire Democrat."
    assert quotes(text)[0][1] is None


def test_a_person_before_an_appositive_holding_another_name() -> None:
    text = (
        "Peter Smolak, the 2012 Republican presidential nominee, tweeted in response: ''Important "
        "difference: thug rulers jail reporters; our leaders jail criminals.''"
    )
    assert quotes(text)[0][1] == "ner:Peter Smolak"


# --- issue 12, speakers: rules found on PolNeAR train (texts of our own) -----------------------------------


def test_block_quote_signed_in_the_paragraph_below() -> None:
    text = (
        "The desk checked what the two candidates claimed on stage, helped by Tom Baker.\n\n"
        '"Nearly every new dollar of income in this country goes to the richest households."\n\n'
        "- Anna Kowalski.\n\n"
        "That figure is some years old.\n\n"
        '"I wrote a good part of that law myself, line by line."\n\n'
        "— Kowalski.\n\n"
        "She overstates her part in it."
    )
    assert [s for _, s in quotes(text)] == ["ner:Anna Kowalski", "ner:Anna Kowalski"]


def test_block_quote_followed_by_a_long_paragraph_is_not_signed() -> None:
    text = (
        "Tom Baker spoke to the crowd for an hour.\n\n"
        '"We will build the bridge before the winter comes."\n\n'
        "- Local builders doubt it, and the council has not yet found the money for a bridge of that size."
    )
    assert quotes(text)[0][1] == "ner:Tom Baker"


def _people(text: str, *names: str) -> Attributor:
    """An attributor on the surface (no parse) with these people as mentions."""
    refs = [MentionRef(f"ner:{n}", text.find(n), text.find(n) + len(n), "ner", True) for n in names]
    return Attributor(text, refs)


def test_pronoun_prefers_the_last_speaker_to_a_name_in_passing() -> None:
    # Ben Cole is named in the pronoun's own sentence, but neither as its subject nor as a speaker
    text = (
        "Jon Ames said the plan was dead. The hall went quiet. Nobody moved.\n\n"
        "With the talk turning to the cost of hiring Ben Cole, he said nothing."
    )
    att = _people(text, "Jon Ames", "Ben Cole")
    assert att.salience.person(text.rfind(" he ") + 1, gender="male").actor == "ner:Jon Ames"


def test_pronoun_prefers_a_person_the_text_gives_its_gender() -> None:
    text = "Ms. Ann Lee said the plan was dead, and Pat Moss said it was alive. Then she left the hall."
    att = _people(text, "Ann Lee", "Pat Moss")
    assert att.salience.person(text.rfind(" she ") + 1, gender="female").actor == "ner:Ann Lee"


def test_pronoun_prefers_the_main_clause_subject() -> None:
    text = (
        "Tom Baker put his case plainly, recalling that Peter Grant had fought the same rivals. "
        "“Few leaders since then have spoken so openly about winning,” he wrote."
    )
    assert quotes(text)[0][1] == "ner:Tom Baker"


def test_pronoun_skips_a_speaker_inside_reported_words() -> None:
    # Grant speaks only inside what Baker reported: Baker is the one in focus
    text = (
        "Tom Baker said the party rules mattered more and noted that Peter Grant has admitted defeat in the "
        "race.\n\n“What our people want here is not too much to ask,” he said."
    )
    assert quotes(text)[0][1] == "ner:Tom Baker"


def test_name_introduced_with_a_role_appositive_is_a_person() -> None:
    # the recogniser labels this name an organisation; the appositive says it is a person
    text = (
        "Mina Coral, a Turkish reporter on holiday in the town, told the radio that she saw the lorry.\n\n"
        '"I saw people running in every direction at once," she said, speaking by phone.'
    )
    ctx = context(text)
    att = attributor_for(ctx)
    assert any(m.person for m in att.mentions if m.actor == "ner:Mina Coral")
    assert quotes(text)[0][1] == "ner:Mina Coral"


def test_inverted_attribution_a_person_after_a_qualifying_name() -> None:
    # on the surface (an unparsed sentence): the party word only qualifies the person named after it
    text = '"They are wasting public money on this," said committee Democrat Jane Roe.'
    at, roe = text.find("Democrat"), text.find("Jane Roe")
    refs = [
        MentionRef("ner:Democrat", at, at + len("Democrat"), "ner", False),
        MentionRef("ner:Jane Roe", roe, roe + len("Jane Roe"), "ner", True),
    ]
    assert [q.speaker for q in quotes_in_text(text, Attributor(text, refs))] == ["ner:Jane Roe"]


def test_person_name_leaves_out_what_she_is_of() -> None:
    lex = lexicon()
    assert lex.person_name("Jane Roe of the Civil Rights League") == "Jane Roe"
    assert lex.person_name("Jane Roe") == "Jane Roe"


def test_pull_quote_signed_with_a_name_and_where_they_work() -> None:
    text = (
        "The mayor spoke for an hour, and Tom Baker replied.\n\n"
        '"I fear we may see a return of the old talk about balanced budgets at the worst moment."\n\n'
        "Dean Pratt, Institute for Fiscal Research.\n\n"
        '"The whole idea of a deficit crisis is something we hear about every week."\n\n'
        "-Michelle Dorsey, Philadelphia."
    )
    assert [s for _, s in quotes(text)] == ["ner:Dean Pratt", "ner:Michelle Dorsey"]


def test_block_quote_before_a_credit_line_is_not_signed_by_it() -> None:
    text = (
        "Tom Baker spoke to the crowd for an hour.\n\n"
        '"We will build the bridge before the winter comes."\n\n'
        "Getty Images."
    )
    assert quotes(text)[0][1] == "ner:Tom Baker"


def test_quotation_labelled_by_a_name_before_its_colon() -> None:
    text = (
        "Analysts agree - Carla Bianchi: “One lesson was simple: keep calling voters as late as you can.”\n\n"
        "What it means for the fall - More from Jonas Berg: “A state’s makeup is only where its vote starts.”"
    )
    assert [s for _, s in quotes(text)] == ["ner:Carla Bianchi", "ner:Jonas Berg"]


def test_quotation_then_a_name_with_an_unclosed_relative_clause() -> None:
    text = (
        '"The city needs a plan for the northern districts," Nate Silver, the budget expert who founded '
        "a local blog tweeted on Wednesday."
    )
    assert quotes(text)[0][1] == "ner:Nate Silver"


def test_speaker_after_a_horizontal_bar_with_an_accented_name() -> None:
    text = (
        "Many voters told us what they think of the race this year.\n\n"
        "“I have never seen a campaign like this one in my whole life.” ― Ángel Ruiz, 34, Tucson"
    )
    assert quotes(text)[0][1] == "ner:Ángel Ruiz"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Ben Okafor visited the plant. “Nobody here wants another strike this season,” Okafor rejoined.",
            "ner:Ben Okafor",
        ),
        (
            "Marta Quill toured the harbour. “We cannot wait for the ferry to be rebuilt,” an irritated "
            "Quill retaliated.",
            "ner:Marta Quill",
        ),
        ("“We cannot wait for the ferry to be rebuilt,” rejoined Marta Quill.", "ner:Marta Quill"),
        ("“We cannot wait for the ferry to be rebuilt,” Marta Quill pressed on Monday.", "ner:Marta Quill"),
    ],
)
def test_uncommon_verb_in_the_attribution_slot(text: str, speaker: str) -> None:
    """'"...," Roe rejoined.': a speaker and a verb alone after the quotation report it, whatever the verb."""
    assert quotes(text)[0][1] == speaker


def test_uncommon_verb_before_the_quotation() -> None:
    text = "During the town meeting, Marta Quill cracked, “I have never seen a road this full of holes.”"
    assert [(q.speaker, q.cue) for q in find_quotes(context(text))] == [
        ("ner:Marta Quill", "'cracked' then quote")
    ]


def test_a_verb_with_its_own_object_or_a_crowd_is_no_attribution_slot() -> None:
    assert (
        quotes("“We cannot wait for the ferry to be rebuilt,” Marta Quill pressed the mayor.")[0][1] is None
    )
    assert quotes("“We cannot wait for the ferry to be rebuilt,” the crowd roared.")[0][1] is None


def test_name_cut_at_an_abbreviated_title() -> None:
    """'said Army Capt. Jane Roe': the recogniser's "Army Capt" is a title, and the person follows it."""
    text = "“The new barracks are far too small for us,” said Army Capt. Daniel Moreno, who served abroad."
    assert quotes(text)[0][1] == "ner:Daniel Moreno"


def test_uncommon_verb_in_the_attribution_slot_without_a_parse() -> None:
    for text in (
        "“We cannot wait for the ferry to be rebuilt,” an irritated Marta Quill retaliated.",
        "“We cannot wait for the ferry to be rebuilt,” rejoined Marta Quill.",
    ):
        at = text.index("Marta Quill")
        att = Attributor(text, [MentionRef("ner:Marta Quill", at, at + len("Marta Quill"), "ner", True)])
        assert [q.speaker for q in quotes_in_text(text, att)] == ["ner:Marta Quill"]


def test_relative_clause_name_is_not_the_speaker() -> None:
    """'Roe, who gave money to Doe, said': Doe is inside the clause about Roe."""
    text = "Of the mayor, Harold Finch, who gave money to Marta Quill, said, “He is decent but weak.”"
    assert quotes(text)[0][1] == "ner:Harold Finch"


def test_name_missed_by_the_recogniser_after_a_qualifier() -> None:
    text = (
        "“The committee has wasted months on this,” said Oversight ranking Democrat Elena Vasquez (D-Ore.)."
    )
    assert quotes(text)[0][1] == "ner:Elena Vasquez"


@pytest.mark.parametrize(
    "opening", ["Speaking to Michael Brown, the official said", "In an interview with Michael Brown, he said"]
)
def test_the_one_spoken_to_in_an_opening_phrase_is_not_the_speaker(opening: str) -> None:
    text = f"The talks resumed on Monday.\n\n{opening} the port “will not close while the talks go on.”"
    assert quotes(text)[0][1] is None


@pytest.mark.parametrize(
    ("text", "named", "speaker"),
    [
        (
            "Kevin Wallace toured the mill towns. Surveying the empty mills, Wallace concludes: “Nobody did"
            " this to them. They did it to themselves.”",
            "Kevin Wallace",
            "ner:Kevin Wallace",
        ),
        (
            "The talks went on. Paul Rainer said, “These images have no place in a campaign.”",
            "",
            "ner:Paul Rainer",
        ),
        ("The talks went on. Rainer said, “These images have no place in a campaign.”", "", None),
    ],
)
def test_bare_name_before_the_verb_without_a_parse(text: str, named: str, speaker: str | None) -> None:
    """'Roe concludes: "..."' in a sentence that was not parsed: the capitalised name opening the clause; a
    lone word only when it names someone named before."""
    at = text.find(named) if named else -1
    refs = [MentionRef(f"ner:{named}", at, at + len(named), "ner", True)] if named else []
    assert [q.speaker for q in quotes_in_text(text, Attributor(text, refs))] == [speaker]


def test_a_letter_from_a_body_is_its_words() -> None:
    """'A letter from X obtained by Y warns that "..."': the words are X's, not those of who obtained them."""
    text = (
        "The veterans group complained twice in January. A March 3 letter from the Harbour Veterans Guild"
        " obtained by The Associated Press warns that “any further use of the emblem will be handled by our"
        " lawyers.”"
    )
    assert quotes(text)[0][1] == "ner:Harbour Veterans Guild"


def test_roundup_label_after_a_dash_names_the_speaker() -> None:
    """'HEADLINE - Jane Roe and John Doe: "..."': the label before the colon, not the headline's words."""
    text = (
        "The polls closed at eight.\n\nIOWA POLLS NOT WRONG, JUST EARLY - Mara Ellison and Tobias Renk:"
        " “Although the polls missed the result, they caught the late trend.”"
    )
    assert quotes(text)[0][1] == "ner:Tobias Renk"


def test_roundup_label_the_recogniser_missed() -> None:
    text = "Voters were asked. Samples lean to engaged voters - Pew Ranstad: “All the samples lean that way.”"
    att = Attributor(text, [])
    assert [q.speaker for q in quotes_in_text(text, att)] == ["ner:Pew Ranstad"]


def test_a_name_read_as_a_body_that_the_text_titles_is_a_person() -> None:
    """The selective recogniser read only the later sentence and called "Kasich" an organisation there; the
    text calls him "Gov. Kasich" elsewhere, so "he" goes to him, not to the last person it labelled one."""
    text = (
        "Gov. Kasich spoke first. Senator Cruz attacked the plan. “It will never pass,” Cruz said.\n\nKasich"
        " took a different tack, continuing with his upbeat theme. “You have to unite people,” he said."
    )
    ctx = context(text)
    later = text.index("Kasich took")
    kasich = Mention(actor="ner:Kasich", text="Kasich", start=later, end=later + 6, how="ner")
    ctx.mentions = [m for m in ctx.mentions if "Kasich" not in m.actor] + [kasich]
    ctx.ner_labels = {**ctx.ner_labels, (later, later + 6): "ORG"}
    ctx._attributor = None
    assert [q.speaker for q in find_quotes(ctx)] == ["ner:Cruz", "ner:Kasich"]


def test_a_capitalised_function_word_opens_no_bare_name() -> None:
    # no mention covers the words and no parse: "Not Perfect" is no person, whatever its capitals
    text = "“The talks went well,” Not Perfect told reporters."
    assert not any(q.speaker for q in quotes_in_text(text, Attributor(text, [])))
    named = "“The talks went well,” Jane Roe told reporters."
    assert [q.speaker for q in quotes_in_text(named, Attributor(named, []))] == ["ner:Jane Roe"]
