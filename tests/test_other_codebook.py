"""The same extraction pipeline on another negotiation: a transit labour dispute (codebook + article)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from zopa.codebook import Codebook, load_codebook
from zopa.extract import extract
from zopa.records import Article

CODEBOOK = Path(__file__).resolve().parents[1] / "src" / "zopa" / "codebooks" / "transit-labour.yaml"

ARTICLE = """Riverton bus drivers set strike deadline as contract talks stall

The Riverton Transit Workers Union demanded an 8% pay raise for each of the next three years,
union leaders said on Monday.

The Transit Authority rejected the wage demand and offered 2%, calling anything more unaffordable.

Union president Maria Okafor said the union was willing to accept a smaller raise if the authority
paid all pension contributions.

"We will strike on Friday unless management puts a serious offer on the table," Okafor told reporters.

Daniel Weiss, the authority's chief executive, stressed that staffing rules were non-negotiable.

Mayor Lena Park plans to meet both sides on Wednesday.

On Tuesday, 1,200 members voted in favour of the strike, and 35 night routes were cancelled after a sick-out.
"""


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_codebook(CODEBOOK)


@pytest.fixture(scope="module")
def evidence(codebook: Codebook):  # type: ignore[no-untyped-def]
    article = Article(
        source="riverton.txt",
        title=ARTICLE.splitlines()[0],
        text=ARTICLE,
        raw=ARTICLE,
        published=datetime(2026, 3, 2),
    )
    return extract(article, codebook)


def _triples(evidence) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {(p.actor, p.issue, p.stance) for p in evidence.positions}


def test_other_codebook_validates(codebook: Codebook) -> None:
    assert {a.id for a in codebook.parties()} == {"union", "authority", "city"}
    assert {i.id for i in codebook.issues} == {"wages", "pensions", "staffing", "strike"}


def test_positions_in_a_labour_dispute(evidence) -> None:  # type: ignore[no-untyped-def]
    triples = _triples(evidence)
    assert ("union", "wages", "demand") in triples
    assert ("authority", "wages", "reject") in triples
    assert ("union", "wages", "conditional") in triples
    assert ("union", "strike", "threat") in triples
    assert ("authority", "staffing", "statement") in triples or ("authority", "staffing", "demand") in triples
    conditional = next(p for p in evidence.positions if p.stance == "conditional")
    assert conditional.conditional_on == "pensions"
    assert conditional.speaker == "maria-okafor"


def test_wage_demand_gets_its_anchor_value(evidence) -> None:  # type: ignore[no-untyped-def]
    demand = next(
        p for p in evidence.positions if (p.actor, p.issue, p.stance) == ("union", "wages", "demand")
    )
    assert demand.value == 0


def test_quote_and_events_in_a_labour_dispute(evidence) -> None:  # type: ignore[no-untyped-def]
    assert any(q.speaker == "maria-okafor" and q.text.startswith("We will strike") for q in evidence.quotes)
    counts = {e.count for e in evidence.events}
    assert {1200, 35} <= counts
    assert all(not (2000 < (e.count or 0) < 2100) for e in evidence.events)


def test_no_russia_ukraine_knowledge_leaks_into_the_labour_codebook(evidence) -> None:  # type: ignore[no-untyped-def]
    actors = {m.actor for m in evidence.mentions if not m.actor.startswith("ner:")}
    assert actors <= {"union", "authority", "city", "maria-okafor", "daniel-weiss", "lena-park"}


def test_a_lower_case_alias_or_metonym_opening_a_sentence_is_its_actor(codebook: Codebook) -> None:
    body = (
        "The union is demanding a 9% raise."
        " Management has offered a 4% raise, which union leaders called insulting."
    )
    found = extract(Article(source="t", title="", text=body, raw=body), codebook).positions
    assert {(p.actor, p.issue, p.stance) for p in found} >= {
        ("union", "wages", "demand"),
        ("authority", "wages", "offer"),
        ("union", "wages", "reject"),
    }


def test_provided_that_the_other_side_acts_is_a_condition_even_when_parsed_as_a_participle(
    codebook: Codebook,
) -> None:
    body = "The union says it will accept a 4% raise provided the authority drops its pension demands."
    found = extract(Article(source="t", title="", text=body, raw=body), codebook).positions
    wages = [p for p in found if p.issue == "wages"]
    assert [(p.actor, p.stance, p.conditional_on) for p in wages] == [("union", "conditional", "pensions")]
    # "provided" as a verb of its own is no condition
    gave = "The authority provided the union with a new offer on pensions."
    assert all(
        p.stance != "conditional"
        for p in extract(Article(source="t", title="", text=gave, raw=gave), codebook).positions
    )
