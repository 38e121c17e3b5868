"""Boilerplate removal: general line rules on articles written for these tests."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.clean import clean_text, is_boilerplate_line

ARTICLE = """Harbour strike ends after ten days

janedoe
janedoe

Dock workers in Cedarport returned to work on Tuesday after the union accepted a pay offer.

The union said the deal was "fair, if late". Related talks on pensions continue next month.

https://example.org/harbour-strike

Share the Post:

Related Stories

More NewsMayor Opens New Ferry Terminal

Sign up for our newsletter to get the latest port news

Follow us on Twitter

Other Notable Stories

© 2025 Example Media. All rights reserved.
"""


def test_boilerplate_lines_are_removed_and_content_is_kept() -> None:
    result = clean_text(ARTICLE)
    assert result.text.splitlines()[0] == "Harbour strike ends after ten days"
    for gone in (
        "janedoe",
        "Share the Post",
        "Related Stories",
        "More News",
        "newsletter",
        "Follow us",
        "Other Notable Stories",
        "https://example.org",
        "All rights reserved",
    ):
        assert gone not in result.text, gone
    assert "Dock workers in Cedarport returned to work" in result.text
    # a content sentence that merely contains the word "Related" stays
    assert "Related talks on pensions continue next month." in result.text
    assert "janedoe" in result.removed and "Share the Post:" in result.removed


def test_paragraphs_are_separated_by_one_blank_line() -> None:
    text = clean_text("First paragraph.\r\n\r\n\r\n\r\nSecond   paragraph.\u00a0\n").text
    assert text == "First paragraph.\n\nSecond paragraph."


def test_a_repeated_sentence_is_not_a_byline() -> None:
    # long repeated lines are content (e.g. a chant quoted twice), only short non-sentences count as bylines
    chant = "We want peace now and forever, they chanted."
    text = f"Headline\n\n{chant}\n{chant}"
    assert clean_text(text).text.count("We want peace") == 2


def test_single_short_line_is_kept() -> None:
    assert "By the river" in clean_text("Headline\n\nBy the river\n\nThe flood came at night.").text


def test_is_boilerplate_line_examples() -> None:
    for line in (
        "Share this article",
        "Read more",
        "You may also like",
        "Advertisement",
        "Tags: trade, ports",
        "Subscribe to our newsletter",
        "www.example.com",
        "Related: Ferry fares to rise in May",
        "Click here to read the full report",
        "Most Read",
    ):
        assert is_boilerplate_line(line), line
    for line in (
        "The minister said talks would resume.",
        "Share prices fell sharply on Monday.",
        "Related parties must declare their interests, the regulator said.",
        "Copyright law changed this year, the court said.",
        "Subscribers complained about the price.",
    ):
        assert not is_boilerplate_line(line), line


LINES = st.lists(
    st.one_of(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=40
        ),
        st.sampled_from(
            ["Share the Post:", "More News", "photo", "photo", "", "A sentence that stays here."]
        ),
    ),
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(LINES)
def test_cleaning_is_idempotent_and_only_removes(lines: list[str]) -> None:
    once = clean_text("\n".join(lines))
    assert clean_text(once.text).text == once.text
    kept = [line for line in once.text.split("\n") if line]
    assert len(kept) <= len([line for line in lines if line.strip()])
    for line in kept:
        assert "\n" not in line and line == line.strip()
