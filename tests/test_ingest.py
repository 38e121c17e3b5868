"""Readers: text, HTML, JSON Lines, feeds, folders, standard input, URLs (canned), encodings, limits."""

from __future__ import annotations

import gzip
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.errors import InputError
from zopa.ingest import (
    CannedFetcher,
    FetchResult,
    ReadOptions,
    decode,
    memory_item,
    parse_published,
    read_inputs,
    read_one,
)
from zopa.records import Article

BODY = (
    "Ministers from Arland and Beltia agreed on Monday to reopen the border crossing at Cedarport, "
    "ending a three-month closure that had stranded hundreds of lorries.\n\n"
    "\u201cThis is a first step, not the last one,\u201d Arland's trade minister Dana Holt told reporters. "
    "Beltia's delegation said customs checks would resume within a week."
)

HTML = f"""<!DOCTYPE html>
<html><head><title>Border to reopen at Cedarport | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-03-04T10:00:00Z">
<link rel="canonical" href="https://news.example.org/border-reopens">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Border to reopen at Cedarport</h1>
{"".join(f"<p>{p}</p>" for p in BODY.split(chr(10) + chr(10)))}
<p>Trade between the two countries fell by a third during the closure, according to customs figures,
and hauliers had warned of bankruptcies if the crossing stayed shut through the spring.</p>
</article>
<div class="share">Share the Post:</div>
<footer>Copyright 2025 Example News. All rights reserved.</footer>
</body></html>"""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://wire.example.org</link>
<item><title>Border to reopen</title><link>https://wire.example.org/1</link>
<pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Ministers agreed to reopen the crossing at Cedarport.&lt;/p&gt;
&lt;p&gt;Lorries waited for three months.&lt;/p&gt;</description></item>
<item><title>Harbour strike ends</title><link>https://wire.example.org/2</link>
<pubDate>Wed, 05 Mar 2025 08:30:00 GMT</pubDate>
<description>Dock workers accepted a pay offer after ten days on strike.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example Atom</title><id>urn:example</id>
<updated>2025-03-04T10:00:00Z</updated>
<entry><title>Customs checks resume</title><id>urn:example:1</id><link href="https://atom.example.org/1"/>
<updated>2025-03-06T09:00:00Z</updated>
<content type="html">&lt;p&gt;Customs checks resumed at the Cedarport crossing on Thursday.&lt;/p&gt;
</content></entry>
</feed>"""


def _articles(results: list[Article | InputError]) -> list[Article]:
    return [r for r in results if isinstance(r, Article)]


def _errors(results: list[Article | InputError]) -> list[InputError]:
    return [r for r in results if isinstance(r, InputError)]


def test_text_first_non_empty_line_is_the_headline(tmp_path: Path) -> None:
    path = tmp_path / "border.txt"
    path.write_text(f"\n\n  Border to reopen at Cedarport  \n\n{BODY}\n", encoding="utf-8")
    [article] = _articles(list(read_inputs([path])))
    assert article.title == "Border to reopen at Cedarport"
    assert article.text.startswith("Ministers from Arland")
    assert "Border to reopen" not in article.text
    assert article.format == "text" and article.source == str(path)
    assert article.raw.startswith("\n\n  Border")  # the original is kept as read
    assert len(article.content_hash) == 64


def test_html_goes_through_trafilatura_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "border.html"
    path.write_text(HTML, encoding="utf-8")
    [article] = _articles(list(read_inputs([path])))
    assert article.title.startswith("Border to reopen at Cedarport")
    assert "first step, not the last one" in article.text
    assert "Share the Post" not in article.text and "Sport" not in article.text
    assert article.outlet == "Example News"
    assert article.published == datetime(2025, 3, 4)
    assert article.url == "https://news.example.org/border-reopens"
    assert article.format == "html" and article.raw == HTML


def test_jsonl_one_article_per_line_and_bad_lines_reported(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps(
            {
                "title": "Border to reopen",
                "text": BODY,
                "url": "https://x.example/1",
                "published": "2025-03-04T10:00:00+01:00",
                "outlet": "Example Times",
            }
        ),
        "",
        json.dumps({"title": "From HTML", "html": HTML, "outlet": "Example News"}),
        "{not json",
        json.dumps({"title": "No text"}),
        json.dumps({"title": "Bad date", "text": BODY + " More.", "published": "next Tuesday"}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    results = list(read_inputs([path]))
    first, second = _articles(results)
    assert first.source == f"{path}#1" and first.outlet == "Example Times"
    assert first.published == datetime(2025, 3, 4, 9, 0)  # converted to UTC
    assert second.source == f"{path}#3" and second.format == "html" and second.title == "From HTML"
    problems = {e.source: e.problem for e in _errors(results)}
    assert set(problems) == {f"{path}#4", f"{path}#5", f"{path}#6"}
    assert "not valid JSON" in problems[f"{path}#4"]
    assert "'text' or 'html'" in problems[f"{path}#5"]
    assert "not a date" in problems[f"{path}#6"]


def test_rss_and_atom_feeds(tmp_path: Path) -> None:
    (tmp_path / "wire.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "atom.xml").write_text(ATOM, encoding="utf-8")
    results = list(read_inputs([tmp_path / "wire.rss", tmp_path / "atom.xml"]))
    assert not _errors(results)
    rss1, rss2, atom = _articles(results)
    assert rss1.title == "Border to reopen" and rss1.outlet == "Example Wire"
    assert rss1.url == "https://wire.example.org/1" and rss1.published == datetime(2025, 3, 4, 10, 0)
    assert "Lorries waited" in rss1.text and "<p>" not in rss1.text
    assert rss2.source.endswith("wire.rss#2")
    assert atom.outlet == "Example Atom" and "Customs checks resumed" in atom.text and atom.format == "feed"


def test_folders_are_read_recursively_skipping_other_files(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("One\n\n" + BODY, encoding="utf-8")
    (tmp_path / "a" / "b" / "two.htm").write_text(HTML, encoding="utf-8")
    (tmp_path / "a" / "notes.yaml").write_text("not: an article\n", encoding="utf-8")
    (tmp_path / "a" / ".hidden.txt").write_text("Hidden\n\nnot read", encoding="utf-8")
    (tmp_path / "a" / "three.txt.gz").write_bytes(gzip.compress(("Three\n\n" + BODY + " Three.").encode()))
    articles = _articles(list(read_inputs([tmp_path / "a"])))
    assert sorted(a.title for a in articles) == ["Border to reopen at Cedarport", "One", "Three"]
    assert [a.format for a in articles] == ["html", "text", "text"]  # sorted paths: a/b/two.htm first
    assert all("Hidden" not in a.title for a in articles)


def test_empty_folder_and_missing_path_are_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    errors = _errors(list(read_inputs([tmp_path / "empty", tmp_path / "missing.txt"])))
    assert [e.problem for e in errors] == [
        "folder holds no articles (.txt, .html, .jsonl, feeds)",
        "no such file or folder",
    ]


def test_standard_input_is_sniffed() -> None:
    options = ReadOptions(stdin=io.BytesIO(HTML.encode()))
    [article] = _articles(list(read_inputs(["-"], options)))
    assert article.source == "-" and article.format == "html"
    options = ReadOptions(stdin=io.BytesIO(("Plain headline\n\n" + BODY).encode()))
    [article] = _articles(list(read_inputs(["-"], options)))
    assert article.title == "Plain headline" and article.format == "text"


def test_urls_go_through_the_injected_fetcher() -> None:
    fetcher = CannedFetcher(
        {
            "https://news.example.org/border": FetchResult(
                url="https://news.example.org/border-reopens", body=HTML.encode(), content_type="text/html"
            ),
            "https://wire.example.org/feed": FetchResult(
                url="https://wire.example.org/feed", body=RSS.encode(), content_type="application/rss+xml"
            ),
            "https://plain.example.org/a.txt": "Plain headline\n\n" + BODY,
        }
    )
    urls = [
        "https://news.example.org/border",
        "https://wire.example.org/feed",
        "https://plain.example.org/a.txt",
        "https://missing.example.org/",
    ]
    results = list(read_inputs(urls, ReadOptions(fetcher=fetcher)))
    articles = _articles(results)
    assert [a.format for a in articles] == ["html", "feed", "feed", "text"]
    assert articles[0].source == "https://news.example.org/border"
    assert articles[3].url == "https://plain.example.org/a.txt"
    [missing] = _errors(results)
    assert missing.source == "https://missing.example.org/" and "404" in missing.problem
    assert fetcher.requested == urls


def test_url_body_over_the_limit_is_refused() -> None:
    fetcher = CannedFetcher({"https://big.example.org/": "x" * 5000})
    [error] = list(read_inputs(["https://big.example.org/"], ReadOptions(fetcher=fetcher, max_bytes=1000)))
    assert isinstance(error, InputError) and "too large" in error.problem


def test_bytes_in_memory_are_read_as_the_file_they_are_named(tmp_path: Path) -> None:
    """An upload (``memory_item``) reads as the same file on disk would: format from the name, ``.gz``
    unpacked, the same size limit and message."""
    line = json.dumps({"title": "Envoys meet", "text": BODY}) + "\n"
    on_disk = tmp_path / "feed.jsonl.gz"
    on_disk.write_bytes(gzip.compress(line.encode()))
    item = memory_item("feed.jsonl.gz", on_disk.read_bytes(), source="upload:feed.jsonl.gz")
    [from_memory], [from_file] = list(read_inputs([item])), list(read_inputs([on_disk]))
    assert isinstance(from_memory, Article) and isinstance(from_file, Article)
    assert from_memory.source == "upload:feed.jsonl.gz#1" and from_memory.text == from_file.text
    limits = ReadOptions(max_bytes=10)
    (tmp_path / "a.txt").write_bytes(b"x" * 11)
    [too_big] = list(read_inputs([memory_item("a.txt", b"x" * 11)], limits))
    [too_big_file] = list(read_inputs([tmp_path / "a.txt"], limits))
    assert isinstance(too_big, InputError) and isinstance(too_big_file, InputError)
    assert too_big.problem == too_big_file.problem == "too large (11 bytes; the limit is 10)"


def test_encodings_are_detected(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes(
        "Caf\u00e9 talks in Gen\u00e8ve\n\nThe d\u00e9l\u00e9gation arriv\u00e9e \u00e0 Gen\u00e8ve "
        "mardi a propos\u00e9 une tr\u00eave; les n\u00e9gociateurs ont salu\u00e9 "
        "l'\u00e9tape.".encode("cp1252")
    )
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(("Headline in UTF-16\n\n" + BODY).encode("utf-16"))
    first, second = _articles(list(read_inputs([latin, utf16])))
    assert first.title == "Caf\u00e9 talks in Gen\u00e8ve" and "tr\u00eave" in first.text
    assert second.title == "Headline in UTF-16"


def test_decode_refuses_corrupt_utf8_binary_and_empty() -> None:
    with pytest.raises(InputError, match="invalid UTF-8"):
        decode("Caf\u00e9 ".encode() + b"\xff\xfe broken \xc3", "x.txt")
    with pytest.raises(InputError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "x.txt")
    with pytest.raises(InputError, match="empty"):
        decode(b"  \n\t\n", "x.txt")


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Big\n\n" + "word " * 1000, encoding="utf-8")
    [error] = list(read_inputs([path], ReadOptions(max_bytes=1000)))
    assert isinstance(error, InputError) and "too large" in error.problem and "1,000" in error.problem


def test_read_one_parses_in_memory_uploads() -> None:
    [article] = read_one("Pasted headline\n\n" + BODY, source="upload.txt")
    assert article.title == "Pasted headline" and article.source == "upload.txt"
    with pytest.raises(InputError, match=r"upload\.bin"):
        read_one(b"\x00\x01\x02binary", source="upload.bin")


def test_headline_only_and_boilerplate_only_are_refused(tmp_path: Path) -> None:
    (tmp_path / "title.txt").write_text("Only a headline\n", encoding="utf-8")
    (tmp_path / "junk.txt").write_text("Headline\n\nShare the Post:\n\nMore News\n", encoding="utf-8")
    errors = _errors(list(read_inputs([tmp_path / "title.txt", tmp_path / "junk.txt"])))
    assert ["only a headline" in errors[0].problem, "no article text" in errors[1].problem] == [True, True]


@settings(max_examples=100, deadline=None)
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)))
def test_parse_published_round_trips_iso_dates(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    assert parse_published(moment.isoformat(), "x") == moment
    assert parse_published(moment.isoformat() + "Z", "x") == moment
    assert parse_published(moment.date().isoformat(), "x") == datetime(moment.year, moment.month, moment.day)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_parse_published_never_crashes(value: str) -> None:
    try:
        result = parse_published(value, "field")
    except InputError as exc:
        assert exc.source == "field"
    else:
        assert result is None or result.tzinfo is None


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_decode_either_returns_text_or_raises_input_error(data: bytes) -> None:
    try:
        text = decode(data, "blob")
    except InputError as exc:
        assert exc.source == "blob"
    else:
        assert isinstance(text, str) and text.strip()


def test_html_article_in_a_script_without_spaces_is_not_taken_for_a_menu(tmp_path: Path) -> None:
    # regression: Japanese articles of the article-extraction benchmark were refused as "only N words"
    sentence = "港のストライキは十日ぶりに終わった。"
    html = (
        "<html><head><title>\u6e2f</title></head><body><article>"
        + "".join(f"<p>{sentence * 3}</p>" for _ in range(4))
        + "</article></body></html>"
    )
    path = tmp_path / "ja.html"
    path.write_text(html, encoding="utf-8")
    [article] = _articles(list(read_inputs([path])))
    assert sentence in article.text
