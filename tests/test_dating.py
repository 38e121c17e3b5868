"""Article dates from the text when the metadata has none: front matter, date lines, datelines, URLs, the
lead; each date says where it came from, and undated articles stay undated."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from zopa.dating import find_date, parse_date
from zopa.errors import InputError
from zopa.ingest import parse_text, read_inputs
from zopa.pipeline import ingest
from zopa.records import Article
from zopa.store import queries
from zopa.store.db import open_db
from zopa.store.rows import StoryRow

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def test_front_matter_gives_title_date_outlet_and_url() -> None:
    a = parse_text(
        "---\ntitle: Harbour talks resume\ndate: 2025-03-04\noutlet: The Cedarport Post\n"
        "url: https://example.org/harbour\n---\nNegotiators met again on Tuesday.\n",
        "a.txt",
    )
    assert a.title == "Harbour talks resume" and a.outlet == "The Cedarport Post"
    assert a.url == "https://example.org/harbour" and a.published == datetime(2025, 3, 4)
    assert a.published_source == "front-matter" and a.text == "Negotiators met again on Tuesday."


def test_front_matter_with_a_bad_date_is_refused_naming_the_file() -> None:
    with pytest.raises(InputError, match=r"a\.txt: front matter: published: 'soon' is not a date"):
        parse_text("---\ntitle: T\ndate: soon\n---\nBody text here.\n", "a.txt")


@pytest.mark.parametrize(
    "header",
    [
        # an alias bomb
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
        "title: " + "[" * 5000 + "]" * 5000,  # nested past Python's recursion limit
        "title: x\x07",  # a control character PyYAML refuses
        "title: \"" + "y" * 10_000 + "\"",  # a header too long to be front matter
    ],
)
def test_hostile_front_matter_is_text_or_dropped_never_a_crash(header: str) -> None:
    a = parse_text(f"---\n{header}\n---\nHarbour talks\nNegotiators met again on Tuesday.\n", "a.txt")
    assert len(a.title) < 200 and "Negotiators met again" in a.text


@pytest.mark.parametrize(
    ("text", "day", "source"),
    [
        ("Ferry deal\nPublished: 3 March 2025\nThe two sides agreed.", "2025-03-03", "date-line"),
        ("Ferry deal\ndate 2025-04-08 The two sides agreed on Monday.", "2025-04-08", "date-line"),
        ("Ferry deal\nBy A. Writer · June 11, 2025\n\nThe two sides agreed.", "2025-06-11", "date-line"),
        ("Ferry deal\nCEDARPORT, Dec. 3, 2025 (Wire) - The two sides agreed on a long text " + "x" * 200,
         "2025-12-03", "dateline"),
        ("Ferry deal\n" + "The two sides met on Sept. 30, 2024 in Cedarport and agreed. " * 3,
         "2024-09-30", "text"),
    ],
)  # fmt: skip
def test_a_date_in_the_text_is_found_with_its_source(text: str, day: str, source: str) -> None:
    a = parse_text(text, "a.txt")
    assert a.published is not None and a.published.date().isoformat() == day
    assert a.published_source == source


def test_a_date_in_the_url_and_a_leading_url_line_with_a_source_line() -> None:
    url = "https://example.org/2025/10/31/ferry-deal"
    a = parse_text(f"{url}\nThe Post; 2025-10-31\n\nFerry deal\nBody.", "a")
    assert (a.url, a.outlet, a.title) == (url, "The Post", "Ferry deal")
    assert a.published == datetime(2025, 10, 31) and a.published_source == "date-line"
    found = find_date("Body without dates.", url="https://example.org/news/2024/02/09/story")
    assert found is not None and (found.when, found.source) == (datetime(2024, 2, 9), "url")


def test_no_year_no_date_and_undated_stays_undated() -> None:
    a = parse_text("Ferry deal\nThe sides met on November 27 and on Tuesday.", "a.txt")
    assert a.published is None and a.published_source is None
    assert parse_date("on 31 February 2025") is None  # not a day
    assert parse_date("in 1850-01-01") is None  # outside the years news is dated in


def test_metadata_date_wins_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "Published: 3 March 2025\nBody.", "published": "2025-01-02"}) + "\n")
    (a,) = list(read_inputs([path]))
    assert isinstance(a, Article) and a.published == datetime(2025, 1, 2) and a.published_source == "metadata"


def test_the_corpus_text_files_get_the_dates_their_metadata_gives() -> None:
    if not CORPUS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CORPUS} is missing")
        pytest.skip(f"{CORPUS} is missing")
    compared = 0
    for folder in sorted(p for p in CORPUS.iterdir() if (p / "articles.jsonl").is_file()):
        meta = {
            json.loads(line)["id"]: json.loads(line).get("published")
            for line in (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()
        }
        for article in read_inputs([folder / "articles"]):
            assert isinstance(article, Article), article
            expected = meta[Path(article.source).name]
            got = article.published.date().isoformat() if article.published else None
            assert got == expected, article.source
            compared += expected is not None
    assert compared >= 35


# Six short articles of our own on one subject, three in April and three in October, dated only in their
# text: they are two stories (the README's 7-day window), as months-apart reports of a negotiation should be.
_ROUNDS = (
    "Arland's envoy Dana Holt and Beltia's negotiator Marek Voss met in Cedarport to open talks on the "
    "enrichment programme. Holt said Arland wants enrichment capped before any sanctions relief.",
    "A second day in Cedarport: Marek Voss told reporters that Beltia will not give up enrichment, while "
    "Dana Holt repeated that sanctions stay until inspectors return.",
    "The Cedarport round closed with a joint statement. Holt and Voss agreed to keep talking about "
    "enrichment limits and the sequence of sanctions relief, officials from both delegations said.",
    "Talks between Arland and Beltia restarted in Cedarport after the summer break. Voss brought a new "
    "proposal on enrichment; Holt called it a step but not enough to lift sanctions.",
    "Inspectors were the sticking point on Monday in Cedarport, where Holt pressed for snap visits and Voss "
    "offered monthly reports on enrichment in exchange for an easing of sanctions.",
    "Negotiators from Arland and Beltia left Cedarport without a deal. Dana Holt said the enrichment gap "
    "had narrowed; Marek Voss said sanctions relief must come first.",
)


def _folder(tmp_path: Path, days: list[str]) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for n, (day, text) in enumerate(zip(days, _ROUNDS, strict=True), start=1):
        body = f"Cedarport nuclear talks, round {n}\n{day}\n\n{text}\n"
        (folder / f"round-{n}.txt").write_text(body, encoding="utf-8")
    return folder


def test_text_files_months_apart_split_into_stories_by_time(tmp_path: Path) -> None:
    days = ["April 12, 2025", "April 14, 2025", "April 16, 2025", "October 3, 2025", "October 6, 2025",
            "October 8, 2025"]  # fmt: skip
    db = open_db(tmp_path / "dated.db")
    ingest([_folder(tmp_path, days)], db)
    stories = queries.listing(db, StoryRow).items
    assert sorted(len(s.documents) for s in stories) == [3, 3]
    months = sorted({(s.first_published.month, s.last_published.month) for s in stories})  # type: ignore[union-attr]
    assert months == [(4, 4), (10, 10)]
    # the same texts without their dates: nothing separates them, one story
    undated = tmp_path / "undated"
    undated.mkdir()
    db2 = open_db(tmp_path / "undated.db")
    ingest([_folder(undated, ["", "", "", "", "", ""])], db2)
    assert [len(s.documents) for s in queries.listing(db2, StoryRow).items] == [6]
