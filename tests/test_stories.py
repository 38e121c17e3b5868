"""Stories: articles on the same event are grouped by shared names and key terms within a date window."""

from __future__ import annotations

import json
from pathlib import Path

from zopa.pipeline import IngestOptions, ingest
from zopa.store import queries
from zopa.store.db import open_db
from zopa.store.rows import StoryRow
from zopa.stories import key_terms

FERRY_1 = (
    "Arland and Beltia agree ferry truce in Cedarport",
    "Arland's transport minister Dana Holt and her Beltian counterpart Marek Voss agreed in Cedarport on "
    "Monday to end the ferry dispute that has idled the harbour since October. Under the truce, ferries from "
    "Arland will dock at Cedarport again from April, and Beltia will cut harbour fees by a fifth. Holt "
    "called the ferry truce overdue. Voss said Beltia wanted a lasting harbour agreement before the summer.",
)
FERRY_2 = (
    "Ferry dispute ends as Holt and Voss shake hands",
    "The ferry dispute between Arland and Beltia is over, at least for now. Meeting in Cedarport, Dana Holt "
    "and Marek Voss signed a truce that reopens the harbour to Arland's ferries in April. Beltia also agreed "
    "to lower its harbour fees. Ferry operators in Cedarport welcomed the truce but warned that timetables "
    "would take weeks to restore.",
)
FOOTBALL = (
    "Duncastle Rovers beat Westfield City in cup replay",
    "Duncastle Rovers reached the cup semi-final after beating Westfield City 3-1 in a replay on Tuesday. "
    "Striker Tomas Brennan scored twice for Rovers, and goalkeeper Ian Fowley saved a penalty before half "
    "time. Westfield City manager Karen Osei said her players had been tired after the first match.",
)


def _jsonl(path: Path, items: list[tuple[tuple[str, str], str | None]]) -> Path:
    path.write_text(
        "\n".join(
            json.dumps({"title": t, "text": body, "published": when, "outlet": "Example"})
            for (t, body), when in items
        ),
        encoding="utf-8",
    )
    return path


def test_key_terms_are_names_and_recurring_words_not_sentence_starts() -> None:
    terms = key_terms(*FERRY_1)
    for name in ("Arland", "Beltia", "Cedarport", "Holt", "Voss"):
        assert name in terms, name
    assert "ferry" in terms and "harbour" in terms
    for word in ("Under", "The", "Monday", "under"):
        assert word not in terms, word


def test_same_event_grouped_other_event_apart(db_url: str, tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "news.jsonl", [(FERRY_1, "2025-03-03"), (FOOTBALL, "2025-03-04"), (FERRY_2, "2025-03-04")]
    )
    db = open_db(db_url)
    report = ingest([path], db)
    ferry1, football, ferry2 = report.documents
    assert ferry2.story is not None and football.story is None
    [story] = queries.listing(db, StoryRow).items
    assert story.documents == (ferry1.document_id, ferry2.document_id)
    assert any(name in story.label for name in ("Arland", "Beltia", "Cedarport", "Holt", "Voss"))
    assert story.first_published is not None and story.first_published.day == 3
    db.close()


def test_same_terms_months_apart_are_different_stories(sqlite_url: str, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "news.jsonl", [(FERRY_1, "2025-03-03"), (FERRY_2, "2025-09-30")])
    db = open_db(sqlite_url)
    report = ingest([path], db, options=IngestOptions(story_window_days=7))
    assert [o.story for o in report.documents] == [None, None]
    db.close()


def test_undated_articles_still_group(sqlite_url: str, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "news.jsonl", [(FERRY_1, None), (FOOTBALL, None), (FERRY_2, "2025-03-04")])
    db = open_db(sqlite_url)
    ferry1, football, ferry2 = ingest([path], db).documents
    assert ferry2.story is not None and football.story is None
    assert queries.get_document(db, ferry1.document_id).story == ferry2.story
    db.close()


def test_a_bridging_article_merges_two_stories(sqlite_url: str, tmp_path: Path) -> None:
    db = open_db(sqlite_url)
    strict = IngestOptions(story_threshold=0.45)
    first = _jsonl(
        tmp_path / "one.jsonl", [(FERRY_1, None), ((*FERRY_1[:1], FERRY_1[1] + " Updated."), None)]
    )
    ingest([first], db, options=IngestOptions(near_duplicate_threshold=1.01))
    second = _jsonl(tmp_path / "two.jsonl", [(FERRY_2, None)])
    ingest([second], db, options=strict)
    stories = queries.listing(db, StoryRow).items
    assert len(stories) == 1 and len(stories[0].documents) == 3
    db.close()


def test_the_two_seed_articles_are_one_story(seeds_dir: Path, sqlite_url: str) -> None:
    db = open_db(sqlite_url)
    report = ingest([seeds_dir], db)
    assert len(report.added) == 2
    [story] = queries.listing(db, StoryRow).items
    assert set(story.documents) == set(report.added)
    assert "Putin" in story.label
    db.close()
