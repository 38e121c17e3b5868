"""Every bad input of the foundation issue: one clear line naming the input and the problem, a non-zero exit,
the good inputs still stored, and nothing stored before lost. Run through the real command line (``main``)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from cli_helpers import run_cli
from zopa.store import queries
from zopa.store.db import open_db
from zopa.store.queries import EvidenceFilter
from zopa.store.rows import DocumentRow

GOOD = (
    "Ferry talks resume in Cedarport\n\n"
    "Negotiators from Arland and Beltia met again on Friday to settle the ferry dispute, officials said. "
    "Both sides described the session as constructive and agreed to meet next week."
)
OTHER = (
    "Grain quota deal signed\n\n"
    "Beltia and Arland signed a grain quota agreement on Thursday after months of talks over export limits. "
    "The deal lets each country ship forty thousand tonnes a year."
)
EARLIER = (
    "Earlier article stays\n\n"
    "This article was stored before any bad input was tried, and it must still be there afterwards."
)


@pytest.fixture
def db_with_earlier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    earlier = tmp_path / "earlier.txt"
    earlier.write_text(EARLIER, encoding="utf-8")
    db_path = tmp_path / "zopa.db"
    code, _, err = run_cli(["ingest", str(earlier), "--db", str(db_path)], capsys, monkeypatch)
    assert code == 0, err
    return db_path


def _titles(db_path: Path) -> set[str]:
    with open_db(db_path) as db:
        return {
            row.title
            for row in queries.listing(db, DocumentRow, EvidenceFilter(include_duplicates=True)).items
        }


def _bad_input_check(
    bad: Path,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    problem: str,
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    code, _, err = run_cli(
        ["ingest", str(bad), str(good), "--db", str(db_path), "--json"], capsys, monkeypatch
    )
    assert code != 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert str(bad) in lines[0] and problem in lines[0], lines[0]
    assert "Traceback" not in err
    assert _titles(db_path) == {"Earlier article stays", "Ferry talks resume in Cedarport"}


def test_empty_file(
    db_with_earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    _bad_input_check(bad, db_with_earlier, tmp_path, capsys, monkeypatch, "empty file")


def test_binary_file(
    db_with_earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "photo.txt"
    bad.write_bytes(gzip.compress(b"\x00\x01 not text at all " * 200))
    _bad_input_check(bad, db_with_earlier, tmp_path, capsys, monkeypatch, "binary file")


def test_file_of_200_megabytes_is_refused_before_it_is_read(
    db_with_earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "huge.txt"
    with bad.open("wb") as fh:  # sparse: 200 MB on paper, almost nothing on disk
        fh.write(b"Huge headline\n\n")
        fh.truncate(200 * 1024 * 1024)
    reads: list[int] = []
    original_open = Path.open

    def watching_open(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self == bad:
            reads.append(1)
        return original_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", watching_open)
    _bad_input_check(bad, db_with_earlier, tmp_path, capsys, monkeypatch, "too large (209,715,200 bytes")
    assert reads == []  # refused on its size, never opened


def test_invalid_utf8(
    db_with_earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "broken.txt"
    bad.write_bytes(
        "Caf\u00e9 talks\n\nThe d\u00e9l\u00e9gation said ".encode() + b"\xe2\x80 \xff\xfe broken"
    )
    _bad_input_check(bad, db_with_earlier, tmp_path, capsys, monkeypatch, "invalid UTF-8")


def test_html_with_no_article(
    db_with_earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "menu.html"
    bad.write_text(
        "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a>"
        "<a href='/a'>About</a></nav></body></html>",
        encoding="utf-8",
    )
    _bad_input_check(bad, db_with_earlier, tmp_path, capsys, monkeypatch, "no article text found in the HTML")


def test_truncated_feed(
    db_with_earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "wire.rss"
    bad.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item>'
        "<title>Cut off</title><description>The text stops in the mid",
        encoding="utf-8",
    )
    _bad_input_check(bad, db_with_earlier, tmp_path, capsys, monkeypatch, "malformed or truncated feed")


def test_database_file_that_is_not_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("my shopping list, not a database\n", encoding="utf-8")
    before = notes.read_bytes()
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    code, _, err = run_cli(["ingest", str(good), "--db", str(notes)], capsys, monkeypatch)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(notes) in lines[0] and "not a database" in lines[0]
    assert notes.read_bytes() == before  # nothing written over it


def test_folder_with_one_bad_file_among_good_ones(
    db_with_earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a-good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b-bad.txt").write_bytes(b"\x00\x00\x00\x01\x02" * 100)
    (folder / "c-good.txt").write_text(OTHER, encoding="utf-8")
    code, _, err = run_cli(["ingest", str(folder), "--db", str(db_with_earlier)], capsys, monkeypatch)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(folder / "b-bad.txt") in lines[0] and "binary" in lines[0]
    assert _titles(db_with_earlier) == {
        "Earlier article stays",
        "Ferry talks resume in Cedarport",
        "Grain quota deal signed",
    }


def test_missing_path_and_good_path(
    db_with_earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _bad_input_check(
        tmp_path / "nowhere.txt", db_with_earlier, tmp_path, capsys, monkeypatch, "no such file or folder"
    )
