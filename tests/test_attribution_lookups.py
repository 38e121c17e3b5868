"""The attributor's lookups that were rewritten for speed: a titled name and the token at an offset."""

from __future__ import annotations

import pytest

from evidence_fixtures import context
from zopa.extract._attribution import _titled_people, attributor_for
from zopa.grammar import default_grammar
from zopa.records import Mention


def _titled(text: str, names: list[str], honorifics: tuple[str, ...] | None = None) -> set[str]:
    grammar = default_grammar()
    if honorifics is not None:
        grammar = grammar.model_copy(update={"honorifics": honorifics})
    mentions = [Mention(actor=f"ner:{n}", text=n, start=0, end=len(n), how="ner") for n in names]
    return _titled_people(text, mentions, {f"ner:{n}": "ORG" for n in names}, grammar)


@pytest.mark.parametrize(
    ("text", "titled"),
    [
        ("Gov. Marlow spoke first.", True),
        ("Gov Marlow spoke first.", True),
        ("Governor Ada Q. Marlow spoke first.", True),  # two words between the honorific and the name
        ("Governor Ada Bea Q. Marlow spoke first.", False),  # three are too many
        ("Mrs.\n  Marlow spoke first.", True),  # any run of spaces
        ("Mrs. Marlowe spoke first.", False),  # a longer word is not the name
        ("Mrs. Marlow-Hughes spoke first.", True),  # a hyphen ends the name as a word boundary does
        ("gov. Marlow spoke first.", False),  # the honorific as a title is capitalised
        ("Marlow took a different tack.", False),
        ("The Gov. said Marlow would speak.", False),  # a lower-case word between
    ],
)
def test_a_name_after_an_honorific_and_up_to_two_words_is_titled(text: str, titled: bool) -> None:
    assert _titled(text, ["Marlow"]) == ({"ner:Marlow"} if titled else set())


def test_each_honorific_that_matches_counts_when_one_begins_another() -> None:
    # "Prime" alone reaches "Marlow" only through two more words; "Prime minister" leaves room for "Ada Q."
    text = "Prime minister Ada Q. Marlow spoke first."
    assert _titled(text, ["Marlow"], ("prime", "prime minister")) == {"ner:Marlow"}
    assert _titled(text, ["Marlow"], ("prime",)) == set()


def test_every_name_the_honorific_reaches_is_titled() -> None:
    names = ["Ada Marlow", "Marlow", "Ada", "Bea Marlow"]
    assert _titled("Sen. Ada Marlow voted.", names) == {"ner:Ada Marlow", "ner:Marlow", "ner:Ada"}


def test_token_at_is_the_parsed_token_that_covers_the_offset() -> None:
    text = "Ada Marlow said the talks failed."
    ctx = context(text)
    att = attributor_for(ctx)
    for offset, word in [(0, "Ada"), (2, "Ada"), (4, "Marlow"), (9, "Marlow"), (31, "failed"), (32, ".")]:
        got = att.token_at(offset)
        assert got is not None and got[0].text == word and got[1] == 0
    assert att.token_at(3) is None  # the space between two words
    assert att.token_at(len(text) + 5) is None
