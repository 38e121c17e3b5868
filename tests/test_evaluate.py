"""``zopa eval``: annotation parsing, scoring, and an end-to-end run on articles of our own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from evidence_fixtures import MINI_CODEBOOK, mini_codebook
from zopa.errors import AnnotationError
from zopa.evaluate import (
    EvalOptions,
    GoldArticle,
    GoldPosition,
    GoldQuote,
    Ratio,
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
        (
            {"articles": {"a.txt": {"positions": [{"actor": "A", "issue": "i", "stance": "wants"}]}}},
            "articles.a.txt.positions[0].stance",
        ),
        (
            {"articles": {"a.txt": {"positions": [{"actor": "A", "stance": "demand"}]}}},
            "articles.a.txt.positions[0].issue",
        ),
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
        quotes=(
            GoldQuote("Vladimir Putin", "We will win."),
            GoldQuote("Sergei Ivanov", "Never again"),
            GoldQuote("Volodymyr Zelenskyy", "not perfect"),
        ),
        not_quotes=("Not Perfect", "negotiations"),
        positions=(
            GoldPosition("Russia", "ceasefire", "reject"),
            GoldPosition("Ukraine", "ceasefire", "demand"),
        ),
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
    assert result.ratios["speaker"] == Ratio(2, 3)
    assert result.scores["positions"] == Score(tp=2, fp=0, fn=0)  # (party, issue) pairs
    assert result.scores["stances"] == Score(tp=1, fp=1, fn=1)
    assert result.scores["events"] == Score(tp=1, fp=1, fn=1)
    assert result.not_quotes_taken == ("negotiations",)
    assert result.missed["events"] == ("26",)
    assert "Volodymyr Zelenskyy: not perfect" in result.missed["quotes"]


def test_values_are_the_median_per_party_and_issue_and_skip_rejections() -> None:
    gold = GoldArticle(
        "a.txt",
        (),
        (),
        (
            GoldPosition("Russia", "donetsk-control", "demand", value=100),
            GoldPosition("Ukraine", "donetsk-control", "reject", value=0, rejected_value=100),  # not scored
            GoldPosition("Ukraine", "ceasefire", "demand", value=0),
            GoldPosition("Ukraine", "nato-membership", "demand", value=0),  # zopa gives no value
        ),
        (),
    )
    evidence = Evidence(
        positions=(
            Position(actor="russia", issue="donetsk-control", stance="demand", value=100),
            Position(actor="russia", issue="donetsk-control", stance="threat", value=50),
            Position(actor="russia", issue="donetsk-control", stance="plan", value=100),  # median 100
            Position(actor="ukraine", issue="ceasefire", stance="demand", value=20),  # 20 points off
            Position(actor="ukraine", issue="nato-membership", stance="demand"),
        )
    )
    values = score_article(gold, evidence, mini_codebook()).ratios["values"]
    assert (values.hits, values.total, values.placed) == (1, 3, 2)
    assert values.mean_error == pytest.approx(10.0)


def test_red_lines_and_conditionals_are_scored_as_sets() -> None:
    gold = GoldArticle(
        "a.txt",
        (),
        (),
        (
            GoldPosition("Ukraine", "donetsk-control", "reject", red_line=True),
            GoldPosition("Ukraine", "nato-membership", "conditional", conditional_on="security-guarantees"),
        ),
        (),
    )
    evidence = Evidence(
        positions=(
            Position(actor="ukraine", issue="donetsk-control", stance="reject", red_line=True),
            Position(
                actor="ukraine", issue="nato-membership", stance="conditional", conditional_on="ceasefire"
            ),
        )
    )
    result = score_article(gold, evidence, mini_codebook())
    assert result.scores["red_lines"] == Score(tp=1, fp=0, fn=0)
    assert result.scores["conditionals"] == Score(tp=0, fp=1, fn=1)


def test_inferred_speakers_and_short_quotes_are_left_out_of_the_speaker_figures() -> None:
    gold = GoldArticle(
        "a.txt",
        (
            GoldQuote("Vladimir Putin", "We will win this war.", inferred=True),
            GoldQuote("Kremlin press office", "This is a provocation by the West.", party="Russia"),
        ),
        (),
        (),
        (),
        short_quotes=("a trap",),
    )
    evidence = Evidence(
        quotes=(
            _quote("We will win this war.", "ner:Someone Else"),  # inferred in the gold: not scored
            _quote("This is a provocation by the West.", "russia"),  # a body named by a party form
            _quote("a trap", "putin"),  # a short quote: not scored
        )
    )
    result = score_article(gold, evidence, mini_codebook())
    assert result.scores["quotes"] == Score(tp=1, fp=0, fn=0)
    assert result.ratios["speaker"] == Ratio(1, 1)
    assert result.scores["quote_text"] == Score(tp=2, fp=1, fn=0)


def test_min_quote_words_leaves_short_quotes_out_on_both_sides() -> None:
    gold = GoldArticle("a.txt", (GoldQuote("Vladimir Putin", "We will win this war."),), (), (), ())
    evidence = Evidence(quotes=(_quote("We will win this war.", "putin"), _quote("a big trap", "putin")))
    loose = score_article(gold, evidence, mini_codebook())
    strict = score_article(gold, evidence, mini_codebook(), EvalOptions(min_quote_words=4))
    assert loose.scores["quote_text"] == Score(tp=1, fp=1, fn=0)
    assert strict.scores["quote_text"] == Score(tp=1, fp=0, fn=0)


ARTICLE = """Talks Stall in Geneva

Russian President Vladimir Putin spoke to reporters in Moscow on Tuesday.

“There will be no ceasefire until our conditions are met,” Putin said.

Zelenskyy described the proposal as “simply unacceptable” and “a trap.”

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
                            {
                                "speaker": "Vladimir Putin",
                                "text": "There will be no ceasefire until our conditions are met",
                            },
                            {"speaker": "Volodymyr Zelenskyy", "text": "simply unacceptable"},
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
    assert set(data["overall"]) == {
        "quotes",
        "quote_text",
        "positions",
        "stances",
        "red_lines",
        "conditionals",
        "events",
    }
    assert set(data["overall_ratios"]) == {"speaker", "values"}


def test_evaluate_reads_a_corpus_folder_with_its_jsonl_metadata(tmp_path: Path) -> None:
    (tmp_path / "articles.jsonl").write_text(
        json.dumps(
            {
                "id": "talks.txt",
                "url": "https://example.org/a",
                "outlet": "Example",
                "published": "2025-03-01",
                "text": ARTICLE.split("\n", 2)[2],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "gold.yaml").write_text(
        yaml.safe_dump(
            {
                "articles": {
                    "talks.txt": {
                        "quotes": [
                            {
                                "speaker": "Vladimir Putin",
                                "text": "There will be no ceasefire until our conditions are met",
                            }
                        ]
                    }
                }
            }
        ),
        encoding="utf-8",
    )
    codebook_file = tmp_path / "mini.yaml"
    codebook_file.write_text(yaml.safe_dump(MINI_CODEBOOK), encoding="utf-8")
    report = evaluate(tmp_path, codebook=codebook_file)
    assert (report.overall["quotes"].tp, report.overall["quotes"].fn) == (1, 0)


def test_unknown_speaker_matches_by_surname() -> None:
    gold = GoldArticle("a.txt", (GoldQuote("Andrii Sybiha", "We have seen this before."),), (), (), ())
    evidence = Evidence(quotes=(_quote("We have seen this before", "ner:Sybiha"),))
    assert score_article(gold, evidence, mini_codebook()).scores["quotes"] == Score(tp=1, fp=0, fn=0)
    other = Evidence(quotes=(_quote("We have seen this before", "ner:Andrii Kovalenko"),))
    assert score_article(gold, other, mini_codebook()).scores["quotes"] == Score(tp=0, fp=1, fn=1)


def test_a_speaker_matches_one_of_joint_speakers_and_a_titled_surname() -> None:
    from zopa.evaluate import _same_speaker

    assert _same_speaker("ner:Ann Roe and Bo Lind", "ner:Bo Lind")
    assert _same_speaker("ner:Senator Lind", "ner:Bo K. Lind")
    assert not _same_speaker("ner:Ann Lind", "ner:Bo Lind")  # two people of one family
    assert not _same_speaker("ner:Jon Lind", "ner:Jan Lind")
    # one name transliterated two ways is one person
    assert _same_speaker("ner:Oleksandr Lind", "ner:Olexandr Lind")
    assert not _same_speaker("ner:Ann Roe and Bo Lind", "ner:Cy Dahl")
