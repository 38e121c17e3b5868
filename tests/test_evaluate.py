"""``zopa eval``: annotation parsing, scoring, and an end-to-end run on articles of our own."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evidence_fixtures import MINI_CODEBOOK, mini_codebook
from zopa.errors import AnnotationError
from zopa.evaluate import (
    GoldArticle,
    GoldQuote,
    Score,
    evaluate,
    normalise_quote,
    parse_annotations,
    score_article,
)
from zopa.records import EventFact, Evidence, Position, Quote


def test_score_arithmetic() -> None:
    s = Score(tp=3, fp=1, fn=2)
    assert s.precision == pytest.approx(0.75)
    assert s.recall == pytest.approx(0.6)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert (s + Score(1, 0, 0)).tp == 4
    assert Score().precision == 1.0 and Score().recall == 1.0


def test_normalise_quote() -> None:
    assert normalise_quote("“Very   workable.”") == normalise_quote('"very workable"')
    assert normalise_quote("We won’t — ever.") == "we won't - ever"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "field articles"),
        ({"articles": []}, "field articles"),
        ({"articles": {"a.txt": []}}, "articles.a.txt"),
        ({"articles": {"a.txt": {"quotes": [{"speaker": "X"}]}}}, "articles.a.txt.quotes[0].text"),
        ({"articles": {"a.txt": {"quotes": "nope"}}}, "articles.a.txt.quotes"),
        ({"articles": {"a.txt": {"positions": [{"actor": "A", "issue": "i", "stance": "wants"}]}}},
         "articles.a.txt.positions[0].stance"),
        ({"articles": {"a.txt": {"positions": [{"actor": "A", "stance": "demand"}]}}},
         "articles.a.txt.positions[0].issue"),
        ({"articles": {"a.txt": {"events": [{"count": "many"}]}}}, "articles.a.txt.events[0].count"),
    ],
)
def test_malformed_annotations_name_the_field(data: object, field: str) -> None:
    with pytest.raises(AnnotationError, match=field.replace("[", r"\[").replace("]", r"\]")) as err:
        parse_annotations(data, source="gold.yaml")
    assert str(err.value).startswith("gold.yaml: ")


def test_annotation_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(AnnotationError, match="no such annotation file"):
        evaluate(tmp_path / "missing.yaml", codebook=mini_codebook())
    bad = tmp_path / "bad.yaml"
    bad.write_text("articles: [unclosed", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"bad\.yaml: not valid YAML"):
        evaluate(bad, codebook=mini_codebook())


def test_missing_article_file_is_reported(tmp_path: Path) -> None:
    gold = tmp_path / "gold.yaml"
    gold.write_text("articles:\n  nowhere.txt: {quotes: []}\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"nowhere\.txt.*--articles"):
        evaluate(gold, codebook=mini_codebook())


def _quote(text: str, speaker: str | None) -> Quote:
    return Quote(speaker=speaker, text=text, start=0, end=len(text), cue="test")


def test_scoring_quotes_positions_events() -> None:
    gold = GoldArticle(
        name="a.txt",
        quotes=(GoldQuote("Vladimir Putin", "We will win."), GoldQuote("Sergei Ivanov", "Never again"),
                GoldQuote("Volodymyr Zelenskyy", "not perfect")),
        not_quotes=("Not Perfect", "negotiations"),
        positions=(("Russia", "ceasefire", "reject"), ("Ukraine", "ceasefire", "demand")),
        events=(26.0, 69.0),
    )
    evidence = Evidence(
        quotes=(
            _quote("“we will win”", "putin"),  # right (normalised)
            _quote("Never again", "ner:Sergei Ivanov"),  # right: unknown person by name
            _quote("not perfect", "putin"),  # right words, wrong speaker
            _quote("negotiations", None),  # an annotated non-quote
        ),
        positions=(
            Position(actor="russia", issue="ceasefire", stance="reject"),
            Position(actor="russia", issue="ceasefire", stance="reject", start=5, end=9),  # same triple twice
            Position(actor="ukraine", issue="ceasefire", stance="accept"),
        ),
        events=(EventFact(what="drones", count=69), EventFact(what="drones", count=29)),
    )
    result = score_article(gold, evidence, mini_codebook())
    assert result.scores["quotes"] == Score(tp=2, fp=2, fn=1)
    assert result.scores["quote_text"] == Score(tp=3, fp=1, fn=0)
    assert result.scores["positions"] == Score(tp=1, fp=1, fn=1)
    assert result.scores["events"] == Score(tp=1, fp=1, fn=1)
    assert result.not_quotes_taken == ("negotiations",)
    assert result.missed["events"] == ("26",)
    assert "Volodymyr Zelenskyy: not perfect" in result.missed["quotes"]


ARTICLE = """Talks Stall in Geneva

Russian President Vladimir Putin spoke to reporters in Moscow on Tuesday.

“There will be no ceasefire until our conditions are met,” Putin said.

Zelenskyy described the proposal as “unacceptable” and “a trap.”

Overnight, 12 drones were launched at Kyiv.
"""


def test_evaluate_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "talks.txt").write_text(ARTICLE, encoding="utf-8")
    codebook_file = tmp_path / "mini.yaml"
    codebook_file.write_text(yaml.safe_dump(MINI_CODEBOOK), encoding="utf-8")
    annotations = tmp_path / "ann" / "gold.yaml"
    annotations.parent.mkdir()
    annotations.write_text(
        yaml.safe_dump(
            {
                "articles": {
                    "talks.txt": {
                        "quotes": [
                            {"speaker": "Vladimir Putin",
                             "text": "There will be no ceasefire until our conditions are met"},
                            {"speaker": "Volodymyr Zelenskyy", "text": "unacceptable"},
                            {"speaker": "Volodymyr Zelenskyy", "text": "a trap."},
                        ],
                        "not_quotes": ["Talks Stall"],
                    }
                }
            }
        ),
        encoding="utf-8",
    )
    report = evaluate(annotations, articles_dir=tmp_path, codebook=codebook_file)
    assert report.overall["quotes"] == Score(tp=3, fp=0, fn=0)
    assert report.not_quotes_taken == 0
    figures = report.figures()
    assert figures["quotes.f1"] == 1.0
    data = report.as_dict()
    assert data["articles"][0]["article"] == "talks.txt"
    assert set(data["overall"]) == {"quotes", "quote_text", "positions", "events"}


def test_unknown_speaker_matches_by_surname() -> None:
    gold = GoldArticle("a.txt", (GoldQuote("Andrii Sybiha", "We have seen this before."),), (), (), ())
    evidence = Evidence(quotes=(_quote("We have seen this before", "ner:Sybiha"),))
    assert score_article(gold, evidence, mini_codebook()).scores["quotes"] == Score(tp=1, fp=0, fn=0)
    other = Evidence(quotes=(_quote("We have seen this before", "ner:Andrii Kovalenko"),))
    assert score_article(gold, other, mini_codebook()).scores["quotes"] == Score(tp=0, fp=1, fn=1)
