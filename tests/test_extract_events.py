"""Event figures: counts with what, unit, place, time and who claims them; numbers in words; noise skipped."""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.codebook import Codebook, default_codebook_path, load_codebook
from zopa.extract import ExtractOptions, extract
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
        assert e.extractor == "events.v1" and 0 < e.confidence <= 1
    return list(found)


def test_count_noun_verb_place_and_time() -> None:
    [e] = events("Overnight: 69 long-range drones launched at Ukraine.")
    assert (e.count, e.unit, e.place, e.when) == (69, "drones", "Ukraine", "Overnight")
    assert e.what == "long-range drones launched"


def test_bare_number_after_a_verb_takes_the_previous_unit() -> None:
    found = events(
        "Overnight: 69 long-range drones launched at Ukraine. Air defenses intercepted 29. The rest got in."
    )
    assert [(e.count, e.unit) for e in found] == [(69, "drones"), (29, "drones")]
    assert found[1].what == "drones intercepted"


def test_qualifier_place_and_weekday() -> None:
    [e] = events("Wednesday alone: At least 26 people injured by Russian glide bombs in Zaporizhzhia.")
    assert (e.count, e.unit, e.place, e.when) == (26, "people", "Zaporizhzhia", "Wednesday")


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
    assert not events("Prices rose 20% after the attacks.")
    assert not events("On March 3 drones were launched.")


def test_a_number_without_an_event_is_not_an_event() -> None:
    assert not events("The plan has 28 points and 3 annexes.")


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
