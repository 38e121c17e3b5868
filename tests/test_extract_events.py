"""Event figures: counts of a noun, percentages, swaps, qualifiers, who claims them; what is not a figure."""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.codebook import Codebook, default_codebook_path, load_codebook
from zopa.extract import ExtractOptions, extract
from zopa.grammar import Grammar
from zopa.records import Article, EventFact


@cache
def codebook() -> Codebook:
    return load_codebook(default_codebook_path())


def events(body: str) -> list[EventFact]:
    text = "Headline\n\n" + body
    article = Article(source="t", title="Headline", text=text, raw=text)
    found = extract(article, codebook(), options=ExtractOptions(stages=("events",))).events
    for e in found:
        assert 0 <= e.start < e.end <= len(text)
        assert e.extractor == "events.v2" and 0 < e.confidence <= 1
    return list(found)


def test_count_noun_verb_place_and_time() -> None:
    [e] = events("Overnight: 48 attack drones fired at Ukraine.")
    assert (e.count, e.unit, e.place, e.when) == (48, "drones", "Ukraine", "Overnight")
    assert e.what == "attack drones fired"


def test_bare_number_after_a_verb_takes_the_previous_unit() -> None:
    found = events(
        "Overnight: 48 attack drones fired at Ukraine. Air defenses intercepted 31. The rest got in."
    )
    assert [(e.count, e.unit) for e in found] == [(48, "drones"), (31, "drones")]
    assert found[1].what == "drones intercepted"


def test_qualifier_place_and_weekday() -> None:
    [e] = events("Thursday alone: At least 14 people hurt by Russian missiles in Kharkiv.")
    assert (e.count, e.unit, e.place, e.when) == (14, "people", "Kharkiv", "Thursday")


def test_numbers_in_words_and_with_commas() -> None:
    assert [e.count for e in events("Three missiles were shot down near Kharkiv.")] == [3]
    assert [e.count for e in events("Twenty-six civilians were wounded on Monday.")] == [26]
    assert [e.count for e in events("Officials said 1,200 prisoners were exchanged.")] == [1200]


def test_who_claims_the_figure() -> None:
    [e] = events("Ukraine's air force said 31 drones were intercepted.")
    assert e.claimed_by == "ukraine"
    [e] = events("According to the Kremlin, 50 soldiers were released.")
    assert e.claimed_by == "russia"


def test_years_dates_ages_and_durations_are_not_events() -> None:
    assert not events("Russia first tested the missile in November 2024 and attacked a factory.")
    assert not events("In 2014, troops seized Crimea.")
    assert not events("A 45-year-old man was injured.")
    assert not events("Three years of grinding combat have killed many soldiers.")
    assert not events("On March 3 drones were launched.")


def test_a_number_without_an_event_is_not_an_event() -> None:
    assert not events("The plan has 28 points and 3 annexes.")


def counts(body: str) -> list[tuple[float | None, str | None]]:
    return [(e.count, e.unit) for e in events(body)]


def test_a_count_is_a_number_and_the_noun_it_counts_without_an_event_verb() -> None:
    assert counts("Delegations from 41 states gathered in Oslo.") == [(41, "states")]
    assert counts("Ministers from 12 countries met at the lakeside hotel.") == [(12, "countries")]
    # the counted noun after modifiers, and nouns of a counted form that the list does not name
    assert counts("The court heard 14 former customs inspectors.") == [(14, "inspectors")]
    assert counts("Police questioned 9 smugglers overnight.") == [(9, "smugglers")]
    assert counts("The convoy carried 3 Canadians and 4 Brazilians.") == [(3, "Canadians"), (4, "Brazilians")]


def test_a_compound_counts_its_last_noun() -> None:
    assert counts("Gunmen killed five border police officers.") == [(5, "officers")]
    assert counts("Storm leaves 30 sailors missing.") == [(30, "sailors")]


def test_a_number_of_an_uncounted_noun_is_not_an_event() -> None:
    assert not events("Temperatures in the camps hovered near 40 degrees.")
    assert not events("The report makes 12 recommendations and 3 annexes.")
    assert not events("The road runs 40 kilometres to the border.")
    assert not events("The fund paid $50 million and 7 million euros in fees.")


def test_qualifiers_are_kept() -> None:
    [e] = events("Rescuers reached more than 300 residents by boat.")
    assert (e.count, e.qualifier) == (300, "more than")
    [e] = events("The camp holds some 4,500 refugees.")
    assert (e.count, e.qualifier) == (4500, "some")
    [e] = events("Observers counted up to roughly 9,000 troops near the border.")
    assert (e.count, e.qualifier) == (9000, "up to roughly")
    [e] = events("Around 70 journalists attended the briefing.")
    assert (e.count, e.unit, e.qualifier) == (70, "journalists", "around")


def test_scales_and_a_million() -> None:
    assert counts("Nearly two million households lost power.") == [(2_000_000, "households")]
    assert counts("The floods displaced 1.5 million people.") == [(1_500_000, "people")]
    [e] = events("The blackout left more than a million homes without heat.")
    assert (e.count, e.unit, e.qualifier) == (1_000_000, "homes", "more than")
    assert counts("A dozen ships were stuck in the strait.") == [(12, "ships")]


def test_a_figure_told_twice_is_one_event() -> None:
    body = (
        "The storm cut power to over 2 million customers.\n\n"
        "Officials repeated that over two million customers had no power."
    )
    assert counts(body) == [(2_000_000, "customers")]
    # the same number counting another thing is another event
    assert counts("The ferry carried 5 doctors and 5 engineers.") == [(5, "doctors"), (5, "engineers")]


def test_a_swap_of_n_for_n_is_one_figure() -> None:
    [e] = events("The sides agreed a 390-for-390 swap of captives.")
    assert (e.count, e.unit) == (390, "captives")
    body = "Negotiators discussed an exchange of 84 for 84.\n\nThe release of 84 for 84 took place in June."
    assert [e.count for e in events(body)] == [84]
    assert not events("The list covers the Fortune 500 for 2015.")


def test_a_bare_number_counts_what_the_last_figure_counted() -> None:
    found = events("Police detained 85 protesters, of whom 30 were later released.")
    assert [(e.count, e.unit) for e in found] == [(85, "protesters"), (30, "protesters")]
    found = events("Gunmen seized 40 hostages. Troops later freed 31.")
    assert [(e.count, e.unit) for e in found] == [(40, "hostages"), (31, "hostages")]
    # a bare number before an event verb is a figure even with nothing to count before it
    assert [e.count for e in events("At least 12 were killed in the blast.")] == [12]
    assert not events("The vote was 52 to 48.")


def test_one_counts_only_with_an_event_verb() -> None:
    assert counts("One civilian was killed in the shelling.") == [(1, "civilians")]
    assert not events("One country stands apart from the rest.")
    assert not events("It was one of the hardest weeks.")


def test_percentages_are_figures_with_what_they_measure() -> None:
    [e] = events("Ottawa imposed a 25% levy on steel.")
    assert (e.count, e.unit) == (25, "percent") and "levy" in e.what
    [e] = events("Turnout rose by 4 percentage points.")
    assert (e.count, e.unit) == (4, "percentage points")
    [e] = events("Rebels hold 60 percent of the province.")
    assert (e.count, e.unit) == (60, "percent") and "province" in e.what
    assert [e.count for e in events("Duties were cut from 80% to 35%.")] == [80, 35]
    [e] = events("The bank raised rates to as high as 17.5%.")
    assert (e.count, e.qualifier) == (17.5, "as high as")


def test_threatened_proposed_and_hypothetical_figures_are_positions_not_events() -> None:
    assert not events("The president threatened a 60% tariff on cars.")
    assert not events("Brussels proposed cutting the duty to 5 percent.")
    assert not events("If talks fail, the bloc will impose duties of 40%.")
    assert not events("The draft would free 300 detainees.")
    assert not events("Farmers fear a 70% duty threatened by the president.")
    assert not events("The owners offered a 3% raise; the union demanded 9 percent.")
    assert not events("The mayor called for 200 more police officers.")
    # the figure a threat's condition names is real
    found = events("The president threatened new tariffs unless Ottawa lifts its 25% levy on dairy.")
    assert [e.count for e in found] == [25]
    # a cue after the count is no threat to it
    assert counts("Twenty states have pledged to send monitors.") == [(20, "states")]


def test_counts_of_sources_are_not_events() -> None:
    assert not events("Two officials said the convoy was hit.")
    assert not events("Three people familiar with the talks described the plan.")
    assert not events("The paper reported the deal, citing three people with direct knowledge of it.")


def test_references_to_a_known_set_are_not_new_counts() -> None:
    assert not events("The two leaders met in Geneva.")
    assert not events("Recognition of all four provinces was demanded.")
    assert not events("The bloc's 27 members voted on the plan.")
    assert not events("Both sides said their 12 negotiators would meet.")


def test_designations_ratios_and_margins_are_not_counts() -> None:
    assert not events("Allies invoked Article 5 protections for 2 weeks.")
    assert not events("Airlines grounded their Boeing 737 jets.")
    assert not events("Nearly 1 in 4 voters backed the plan.")
    assert not events("Seven of 10 voters agreed (margin of error plus or minus 3 percentage points).")


def test_compounds_durations_ordinals_and_times_are_not_events() -> None:
    assert not events("They agreed a 90-day truce and a 12-point plan.")
    # a time word that modifies a counted noun is no duration
    assert counts("Storms cut 14 night flights and 9 day trains.") == [(14, "flights"), (9, "trains")]
    assert not events("The five‑hour talks ended at 10:30 after 30 days of fighting.")
    assert not events("It was the second round of talks, on the 3rd of May.")
    assert not events("A 60-year-old farmer and his 2 sons were hurt.")  # the sons are "his"
    assert not events("The summit on 4 June 2025 drew crowds.")
    assert not events("Since the Oct. 7, 2023 attacks the agency has grown.")


def test_link_lists_are_skipped_but_headlines_count() -> None:
    assert not events("• Ten photos from the summit\n• Five things to know")
    assert counts("Storm leaves 30 sailors missing\n\nThe navy is searching.") == [(30, "sailors")]


def test_the_quote_that_holds_a_figure_names_who_claims_it() -> None:
    [e] = events('"We freed 40 captives," Zelensky said.')
    assert e.claimed_by == "ukraine"
    # (an undated article: a title names no one, so the speaker is named)
    [e] = events("Russia received 60 prisoners in the swap, Ukraine's Zelensky said.")
    assert e.claimed_by == "ukraine"
    [e] = events("Officials from 30 states attended.")
    assert e.claimed_by is None


def test_a_codebook_extends_the_event_lexicon() -> None:
    grammar = Grammar(event_nouns=("buses",), event_qualifiers=("fully",))
    assert grammar.event_nouns == ("buses",) and grammar.event_qualifiers == ("fully",)
    base = codebook()
    for field in ("event_noun_patterns", "event_qualifiers", "event_irrealis", "event_source_cues",
                  "event_claim_verbs"):
        assert getattr(base.grammar, field), field


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "69",
                "drones",
                "launched",
                "at",
                "Kyiv",
                "intercepted",
                "29",
                "three",
                "people",
                "injured",
                "2024",
                "in",
                "November",
                ".",
                "Overnight:",
                "at least",
                "1,200",
                "prisoners",
                "released",
                "\n\n",
            ]
        ),
        min_size=1,
        max_size=30,
    )
)
def test_event_spans_are_inside_the_text(words: list[str]) -> None:
    events(" ".join(words))
