"""The bad-input catalogue: every kind of hostile or broken input zopa is known to meet, each run through the
real command line (``zopa.cli.main``, in a subprocess where the kind needs another user's rights).

A kind builds its input under a folder and names the command to run. Each kind expects one of:

- ``refused``: exit status non-zero, exactly one line on standard error that names the input and contains the
  expected problem, no traceback; the good article given beside it is stored; nothing stored before is lost
  (every table's row count is at least what it was) and the database file is not damaged;
- ``accepted``: the input is read correctly (exit 0 or the good article stored, and a check on what was
  stored), e.g. a Latin-1 file, an odd file name, a feed with an external entity that must not be expanded.

``tests/test_bad_input_catalogue.py`` runs every kind; ``bench/bad_inputs.py`` runs them all and prints the
figures in the README's "Bad inputs" section (kinds tried, refused cleanly, accepted correctly, rows lost).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

GOOD = (
    "Ferry talks resume in Cedarport\n\n"
    "Negotiators from Arland and Beltia met again on Friday to settle the ferry dispute, officials said. "
    "Both sides described the session as constructive and agreed to meet next week."
)
EARLIER = (
    "Earlier article stays\n\n"
    "This article was stored before any bad input was tried, and it must still be there afterwards."
)
OTHER = (
    "Harbour talks resume in Cedarport\n\n"
    "Dock workers and the port authority met on Tuesday over the pension dispute, the union said. "
    "A second round is planned for the end of the month."
)
BODY = "The delegations met in Geneva on Monday and said the talks would go on for another week at least."
TABLES = ("documents", "document_bands", "document_terms", "stories", "term_counts")


@dataclass(frozen=True)
class Run:
    """What a kind runs: CLI arguments (after ``zopa``), the input the message must name, as which user."""

    args: list[str]
    names: str
    problem: str = ""
    good: bool = True  # the good article is given beside it and must be stored
    db_untouched: Path | None = None  # this file must keep its bytes
    unprivileged: bool = False  # run without the right to read or write others' files (root: setpriv)
    check: Callable[[Path, str, str], None] | None = None  # (db, stdout, stderr) for accepted kinds


@dataclass(frozen=True)
class Kind:
    name: str
    group: str
    expect: str  # refused | accepted
    build: Callable[[Path, Path], Run]  # (folder, database) -> the run
    notes: str = ""
    tags: tuple[str, ...] = field(default=())


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _ingest(bad: Path | str, db: Path, problem: str, **kw: object) -> Run:
    return Run(["ingest", str(bad), "--db", str(db)], names=str(bad), problem=problem, **kw)  # type: ignore[arg-type]


def _feed(items: str, prolog: str = "") -> str:
    return (
        f'<?xml version="1.0"?>{prolog}<rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'
    )


def _item(title: str, extra: str = "", body: str = BODY) -> str:
    return f"<item><title>{title}</title>{extra}<description>{body}</description></item>"


def _jsonl_line(**fields: object) -> str:
    return json.dumps({"title": "Bad line", "text": BODY, **fields}, allow_nan=True)


GOOD_LINE = json.dumps({"title": "Good line", "text": BODY + " A second sentence keeps it long enough."})


def _jsonl(folder: Path, db: Path, name: str, bad_line: str, problem: str) -> Run:
    path = _write(folder, name, bad_line + "\n" + GOOD_LINE + "\n")
    return Run(
        ["ingest", str(path), "--db", str(db)],
        names=f"{path}#1",
        problem=problem,
        check=_stored_title("Good line"),
    )


def _stored_title(title: str) -> Callable[[Path, str, str], None]:
    def check(db: Path, out: str, err: str) -> None:
        assert title in stored_titles(db), (title, stored_titles(db))

    return check


def _stored_text(needle: str, *, absent: str = "") -> Callable[[Path, str, str], None]:
    def check(db: Path, out: str, err: str) -> None:
        texts = stored_texts(db)
        assert any(needle in t for t in texts), (needle, [t[:80] for t in texts])
        if absent:
            assert not any(absent in t for t in texts), absent

    return check


def stored_titles(db: Path) -> set[str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {r[0] for r in con.execute("SELECT title FROM documents")}
    finally:
        con.close()


def stored_texts(db: Path) -> list[str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT text FROM documents")]
    finally:
        con.close()


def row_counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {t: int(con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in TABLES}
    finally:
        con.close()


# --- databases ---


def _other_db(folder: Path, name: str, make: Callable[[Path], None]) -> Path:
    path = folder / name
    make(path)
    return path


def _foreign(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (name TEXT, minutes INTEGER)")
    con.execute("INSERT INTO recipes VALUES ('soup', 30)")
    con.commit()
    con.close()


def _copy_of(template: Path) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        shutil.copy(template, path)

    return make


def _db_kind(folder: Path, db: Path, make: Callable[[Path, Path], Path], problem: str) -> Run:
    bad = make(folder, db)
    good = _write(folder, "good.txt", GOOD)
    return Run(
        ["ingest", str(good), "--db", str(bad)],
        names=str(bad),
        problem=problem,
        good=False,
        db_untouched=bad,
    )


def _truncated(folder: Path, db: Path) -> Path:
    data = db.read_bytes()
    return _write(folder, "truncated.db", data[: len(data) // 2])


def _corrupt_pages(folder: Path, db: Path) -> Path:
    data = bytearray(db.read_bytes())
    for offset in range(4096, len(data), 4096 * 2):
        data[offset : offset + 4096] = bytes((offset // 4096 + k) % 251 for k in range(4096))
    return _write(folder, "corrupt.db", bytes(data))


def _newer_schema(folder: Path, db: Path) -> Path:
    path = folder / "newer.db"
    shutil.copy(db, path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    return path


def _read_only_db(folder: Path, db: Path) -> Run:
    ro = folder / "ro"
    ro.mkdir()
    path = ro / "zopa.db"
    shutil.copy(db, path)
    good = _write(folder, "good.txt", GOOD)
    path.chmod(0o444)
    ro.chmod(0o555)
    return Run(
        ["ingest", str(good), "--db", str(path)],
        names=str(path),
        problem="readonly database",
        good=False,
        db_untouched=path,
        unprivileged=True,
    )


def _read_only_listing(folder: Path, db: Path) -> Run:
    run = _read_only_db(folder, db)
    path = Path(run.names)

    def check(_db: Path, out: str, err: str) -> None:
        assert [d["title"] for d in json.loads(out)["documents"]] == ["Earlier article stays"], out

    return Run(
        ["export", "--db", str(path), "--json"],
        names=str(path),
        good=False,
        db_untouched=path,
        unprivileged=True,
        check=check,
    )


# --- codebooks and model tables ---

CODEBOOK = {
    "name": "ferries",
    "actors": [
        {"id": "arland", "name": "Arland", "kind": "state", "aliases": ["Arlanders"], "capability": 0.5},
        {"id": "beltia", "name": "Beltia", "kind": "state", "capability": 0.5},
    ],
    "issues": [
        {
            "id": "fares",
            "label": "Ferry fares",
            "cues": [r"\bfares?\b"],
            "anchors": [{"value": 0, "meaning": "free"}, {"value": 100, "meaning": "full price"}],
        }
    ],
}


def _codebook(change: Callable[[dict], None], problem: str) -> Callable[[Path, Path], Run]:
    def build(folder: Path, db: Path) -> Run:
        data = json.loads(json.dumps(CODEBOOK))
        change(data)
        path = _write(folder, "codebook.yaml", json.dumps(data))  # JSON is YAML
        good = _write(folder, "good.txt", GOOD)
        return Run(
            ["analyze", str(good), "--codebook", str(path), "--db", str(db)],
            names=str(path),
            problem=problem,
            good=False,
        )

    return build


def _codebook_bytes(data: bytes, problem: str) -> Callable[[Path, Path], Run]:
    def build(folder: Path, db: Path) -> Run:
        path = _write(folder, "codebook.yaml", data)
        good = _write(folder, "good.txt", GOOD)
        return Run(
            ["analyze", str(good), "--codebook", str(path), "--db", str(db)],
            names=str(path),
            problem=problem,
            good=False,
        )

    return build


TABLE_YAML = (
    "name: ferry fares\nissues: [{id: fares}]\nactors:\n"
    "  - {name: Arland, capability: CAP, positions: {fares: {position: 20, salience: SAL, spread: SPREAD}}}\n"
    "  - {name: Beltia, capability: 1, positions: {fares: {position: 80, salience: SAL}}}\n"
)


def _table(
    name: str, data: bytes | str, problem: str, model: str = "", names: str = ""
) -> Callable[[Path, Path], Run]:
    def build(folder: Path, db: Path) -> Run:
        path = _write(folder, name, data)
        args = ["model", "run", str(path), "--json"] + (["--model", model] if model else [])
        return Run(args, names=names or str(path), problem=problem, good=False)

    return build


def _yaml_table(cap: str = "1", sal: str = "60", spread: str = "5") -> str:
    return TABLE_YAML.replace("CAP", cap).replace("SAL", sal).replace("SPREAD", spread)


def _forecast(db: Path, out: str, err: str) -> None:
    assert json.loads(out)["forecast"], out


# --- file-system oddities ---


def _fifo(folder: Path, db: Path) -> Run:
    path = folder / "pipe.txt"
    os.mkfifo(path)
    return _ingest(path, db, "not a regular file")


def _fifo_in_folder(folder: Path, db: Path) -> Run:
    sub = folder / "batch"
    sub.mkdir()
    os.mkfifo(sub / "pipe.txt")
    _write(sub, "other.txt", OTHER)
    return Run(
        ["ingest", str(sub), "--db", str(db)],
        names=str(sub / "pipe.txt"),
        problem="not a regular file",
        check=_stored_title("Harbour talks resume in Cedarport"),
    )


def _symlink(target: Callable[[Path], Path], problem: str) -> Callable[[Path, Path], Run]:
    def build(folder: Path, db: Path) -> Run:
        sub = folder / "batch"
        sub.mkdir()
        link = sub / "link.txt"
        link.symlink_to(target(folder))
        _write(sub, "other.txt", OTHER)
        return Run(
            ["ingest", str(sub), "--db", str(db)],
            names=str(link),
            problem=problem,
            check=_stored_title("Harbour talks resume in Cedarport"),
        )

    return build


def _outside(folder: Path) -> Path:
    return _write(folder, "outside-secret.txt", "Secret outside\n\nThis file lies outside the folder given.")


def _loop(folder: Path) -> Path:
    (folder / "batch" / "loop-b").symlink_to(folder / "batch" / "link.txt")  # no suffix: not read itself
    return folder / "batch" / "loop-b"


def _unreadable(folder: Path, db: Path) -> Run:
    path = _write(folder, "secret.txt", GOOD.replace("Ferry", "Secret"))
    path.chmod(0o000)
    return _ingest(path, db, "Permission denied", unprivileged=True)


def _odd_name(name: bytes, shown: str) -> Callable[[Path, Path], Run]:
    def build(folder: Path, db: Path) -> Run:
        path = Path(os.fsdecode(os.fsencode(folder) + b"/" + name))
        path.write_text(OTHER, encoding="utf-8")

        def check(_db: Path, out: str, err: str) -> None:
            con = sqlite3.connect(f"file:{_db}?mode=ro", uri=True)
            sources = [r[0] for r in con.execute("SELECT source FROM documents")]
            con.close()
            assert any(s.endswith(shown) for s in sources), sources

        return Run(["ingest", str(path), "--db", str(db)], names=shown, check=check)

    return build


# --- the catalogue ---

NUL_AFTER_8K = ("Headline\n\n" + BODY * 100).encode()[:9000] + b"\x00" + b" and more text."
LATIN1 = "Café talks in Zürich\n\nThe ministers met in Zürich on Monday.\n"  # charset-normalizer: cp775
DEEP_HTML = "<html><body>" + "<div>" * 100_000 + f"<p>{BODY}</p>" + "</div>" * 100_000 + "</body></html>"
LOL = (
    '<!DOCTYPE lolz [<!ENTITY l0 "lol">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)

KINDS: list[Kind] = [
    # encodings
    Kind(
        "invalid UTF-8",
        "encodings",
        "refused",
        lambda f, d: _ingest(
            _write(f, "broken.txt", "Café\n\nThe délégation ".encode() + b"\xe2\x80 \xff\xfe broken"),
            d,
            "invalid UTF-8",
        ),
    ),
    Kind(
        "UTF-16 without a byte-order mark",
        "encodings",
        "refused",
        lambda f, d: _ingest(
            _write(f, "utf16.txt", ("Headline\n\n" + BODY).encode("utf-16-le")), d, "binary file"
        ),
    ),
    Kind(
        "Latin-1 text (was stored as cp775: Cafķ, Z³rich)",
        "encodings",
        "accepted",
        lambda f, d: Run(
            ["ingest", str(_write(f, "latin1.txt", LATIN1.encode("latin-1"))), "--db", str(d)],
            names="latin1.txt",
            check=_stored_text("met in Zürich on Monday"),
        ),
    ),
    Kind(
        "feed declaring an unknown encoding",
        "encodings",
        "accepted",
        lambda f, d: Run(
            [
                "ingest",
                str(
                    _write(
                        f,
                        "bogus.rss",
                        _feed(_item("Bogus enc")).replace(
                            '<?xml version="1.0"?>', '<?xml version="1.0" encoding="no-such-encoding"?>'
                        ),
                    )
                ),
                "--db",
                str(d),
            ],
            names="bogus.rss",
            check=_stored_title("Bogus enc"),
        ),
    ),
    # binary and empty
    Kind(
        "binary file named .txt",
        "binary",
        "refused",
        lambda f, d: _ingest(
            _write(f, "photo.txt", gzip.compress(b"\x00\x01 not text " * 200)), d, "binary file"
        ),
    ),
    Kind(
        "NUL byte after the first 8 KB",
        "binary",
        "refused",
        lambda f, d: _ingest(_write(f, "nul.txt", NUL_AFTER_8K), d, "NUL"),
    ),
    Kind(
        "empty file", "binary", "refused", lambda f, d: _ingest(_write(f, "empty.txt", b""), d, "empty file")
    ),
    Kind(
        "only whitespace",
        "binary",
        "refused",
        lambda f, d: _ingest(_write(f, "blank.txt", b" \n\t\n  "), d, "empty file"),
    ),
    Kind(
        "only a headline",
        "binary",
        "refused",
        lambda f, d: _ingest(_write(f, "headline.txt", "Just a headline\n"), d, "only a headline"),
    ),
    # sizes
    Kind(
        "file over --max-mb (refused before it is read)",
        "sizes",
        "refused",
        lambda f, d: Run(
            ["ingest", str(_sparse(f)), "--db", str(d), "--max-mb", "1"],
            names="huge.txt",
            problem="too large",
        ),
    ),
    Kind(
        "gzip bomb (small file, huge text)",
        "sizes",
        "refused",
        lambda f, d: Run(
            [
                "ingest",
                str(_write(f, "bomb.txt.gz", gzip.compress(b"a" * 3_000_000))),
                "--db",
                str(d),
                "--max-mb",
                "1",
            ],
            names="bomb.txt.gz",
            problem="too large",
        ),
    ),
    Kind(
        "one paragraph of 200,000 characters",
        "sizes",
        "refused",
        lambda f, d: _ingest(
            _write(f, "wall.txt", "Wall of text\n\n" + "word " * 40_000), d, "a paragraph of"
        ),
    ),
    # feeds and XML
    Kind(
        "truncated feed",
        "feeds and XML",
        "refused",
        lambda f, d: _ingest(
            _write(
                f,
                "cut.rss",
                '<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item>'
                "<title>Cut</title><description>The text stops in the mid",
            ),
            d,
            "malformed or truncated feed",
        ),
    ),
    Kind(
        "billion-laughs entity expansion",
        "feeds and XML",
        "refused",
        lambda f, d: _ingest(_write(f, "lol.rss", _feed(_item("Laughs", body="&l9;"), LOL)), d, "malformed"),
    ),
    Kind(
        "external entity (XXE) pointing at a local file",
        "feeds and XML",
        "accepted",
        lambda f, d: Run(
            [
                "ingest",
                str(
                    _write(
                        f,
                        "xxe.rss",
                        _feed(
                            _item("Entity feed", body="&xxe; " + BODY),
                            f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{_outside(f)}">]>',
                        ),
                    )
                ),
                "--db",
                str(d),
            ],
            names="xxe.rss",
            check=_stored_text(BODY[:40], absent="lies outside"),
        ),
    ),
    Kind(
        "character references &#1114112; and &#xD800; in a feed",
        "feeds and XML",
        "accepted",
        lambda f, d: Run(
            [
                "ingest",
                str(
                    _write(
                        f,
                        "refs.rss",
                        _feed(
                            _item("Ref one", body="&#1114112; " + BODY)
                            + _item("Ref two", body="&#xD800; " + BODY + " Two.")
                        ),
                    )
                ),
                "--db",
                str(d),
            ],
            names="refs.rss",
            check=_stored_text("\ufffd " + BODY[:30]),
        ),
    ),
    Kind(
        "feed entry dated year 9999",
        "feeds and XML",
        "refused",
        lambda f, d: Run(
            [
                "ingest",
                str(
                    _write(
                        f,
                        "future.rss",
                        _feed(
                            _item("Future", "<pubDate>Fri, 31 Dec 9999 23:00:00 -0500</pubDate>")
                            + _item(
                                "Present",
                                "<pubDate>Mon, 01 Dec 2025 10:00:00 +0000</pubDate>",
                                BODY + " Now.",
                            )
                        ),
                    )
                ),
                "--db",
                str(d),
            ],
            names="future.rss#1",
            problem="out of range",
            check=_stored_title("Present"),
        ),
    ),
    Kind(
        "HTML page with no article",
        "feeds and XML",
        "refused",
        lambda f, d: _ingest(
            _write(
                f,
                "menu.html",
                "<html><body><nav><a href='/'>Home</a><a href='/a'>About</a></nav></body></html>",
            ),
            d,
            "no article text",
        ),
    ),
    Kind(
        "HTML nested 100,000 deep",
        "feeds and XML",
        "refused",
        lambda f, d: _ingest(_write(f, "deep.html", DEEP_HTML), d, "no article text"),
    ),
    # JSON Lines
    Kind(
        "JSON line that is not JSON",
        "JSON",
        "refused",
        lambda f, d: _jsonl(f, d, "a.jsonl", "{not json", "not valid JSON"),
    ),
    Kind(
        "JSON line nested 100,000 deep",
        "JSON",
        "refused",
        lambda f, d: _jsonl(f, d, "deep.jsonl", '{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
    ),
    Kind(
        "published 1e20",
        "JSON",
        "refused",
        lambda f, d: _jsonl(f, d, "e20.jsonl", _jsonl_line(published=1e20), "out of range"),
    ),
    Kind(
        "published -1e15",
        "JSON",
        "refused",
        lambda f, d: _jsonl(f, d, "neg.jsonl", _jsonl_line(published=-1e15), "out of range"),
    ),
    Kind(
        "published NaN",
        "JSON",
        "refused",
        lambda f, d: _jsonl(f, d, "nan.jsonl", _jsonl_line(published=float("nan")), "out of range"),
    ),
    Kind(
        "published 9999-12-31 with a time zone",
        "JSON",
        "refused",
        lambda f, d: _jsonl(
            f, d, "y9999.jsonl", _jsonl_line(published="9999-12-31T23:00:00-05:00"), "out of range"
        ),
    ),
    Kind(
        "published year 1 with a time zone",
        "JSON",
        "refused",
        lambda f, d: _jsonl(
            f, d, "y1.jsonl", _jsonl_line(published="0001-01-01T00:00:00+05:00"), "out of range"
        ),
    ),
    Kind(
        "an integer of 5,000 digits",
        "JSON",
        "refused",
        lambda f, d: _jsonl(
            f, d, "bigint.jsonl", '{"title": "Big", "n": ' + "7" * 5000 + "}", "not valid JSON"
        ),
    ),
    Kind(
        "\\u0000 in the text",
        "JSON",
        "refused",
        lambda f, d: _jsonl(f, d, "nul.jsonl", _jsonl_line(text="Talks \u0000 " + BODY), "U+0000"),
    ),
    Kind(
        "lone surrogate \\ud800 in the text",
        "JSON",
        "refused",
        lambda f, d: _jsonl(
            f, d, "sur.jsonl", '{"title": "S", "text": "Talks \\ud800 ' + BODY + '"}', "U+D800"
        ),
    ),
    Kind(
        "a JSON array instead of an object",
        "JSON",
        "refused",
        lambda f, d: _jsonl(f, d, "arr.jsonl", "[1, 2]", "JSON object"),
    ),
    Kind(
        "a JSON line without text",
        "JSON",
        "refused",
        lambda f, d: _jsonl(f, d, "notext.jsonl", '{"title": "No text"}', "no 'text' or 'html'"),
    ),
    # file-system oddities
    Kind("a FIFO named on the command line", "file system", "refused", _fifo),
    Kind("a FIFO inside a folder", "file system", "refused", _fifo_in_folder),
    Kind(
        "symbolic link out of the folder (was: /etc/passwd stored)",
        "file system",
        "refused",
        _symlink(_outside, "outside the folder"),
    ),
    Kind("symbolic link loop", "file system", "refused", _symlink(_loop, "a loop")),
    Kind("broken symbolic link", "file system", "refused", _symlink(lambda f: f / "gone.txt", "broken")),
    Kind("unreadable file (as a user without the right)", "file system", "refused", _unreadable),
    Kind("file name that is not UTF-8", "file system", "accepted", _odd_name(b"caf\xe9.txt", "caf\\xe9.txt")),
    Kind(
        "file name with a newline", "file system", "accepted", _odd_name(b"two\nlines.txt", "two\\nlines.txt")
    ),
    Kind(
        "missing path", "file system", "refused", lambda f, d: _ingest(f / "nowhere.txt", d, "no such file")
    ),
    Kind(
        "folder without articles",
        "file system",
        "refused",
        lambda f, d: _ingest(_mkdir(f / "empty-folder"), d, "folder holds no articles"),
    ),
    # databases
    Kind(
        "database file that is not SQLite",
        "databases",
        "refused",
        lambda f, d: _db_kind(
            f, d, lambda f2, _: _write(f2, "notes.db", "my shopping list\n"), "not a database"
        ),
    ),
    Kind(
        "SQLite database of another program",
        "databases",
        "refused",
        lambda f, d: _db_kind(f, d, lambda f2, _: _other_db(f2, "recipes.db", _foreign), "another program"),
    ),
    Kind("truncated database", "databases", "refused", lambda f, d: _db_kind(f, d, _truncated, "malformed")),
    Kind(
        "database with corrupt pages",
        "databases",
        "refused",
        lambda f, d: _db_kind(f, d, _corrupt_pages, "malformed"),
    ),
    Kind(
        "database from a newer zopa",
        "databases",
        "refused",
        lambda f, d: _db_kind(f, d, _newer_schema, "does not know"),
    ),
    Kind("read-only database: writing refused", "databases", "refused", _read_only_db),
    Kind("read-only database: listing works", "databases", "accepted", _read_only_listing),
    # codebooks
    Kind(
        "codebook that is not YAML",
        "codebooks",
        "refused",
        _codebook_bytes(b"name: [unclosed\n", "not valid YAML"),
    ),
    Kind(
        "codebook that is not UTF-8",
        "codebooks",
        "refused",
        _codebook_bytes("name: Caf\xe9\n".encode("latin-1"), "not UTF-8"),
    ),
    Kind(
        "empty alias",
        "codebooks",
        "refused",
        _codebook(lambda c: c["actors"][0].update(aliases=[""]), "aliases"),
    ),
    Kind(
        "NaN capability",
        "codebooks",
        "refused",
        _codebook(lambda c: c["actors"][0].update(capability=float("nan")), "capability"),
    ),
    Kind(
        "implies an unknown issue",
        "codebooks",
        "refused",
        _codebook(
            lambda c: c["issues"][0]["anchors"][0].update(implies={"no-such-issue": 50}), "no-such-issue"
        ),
    ),
    Kind(
        "catastrophic regular expression (a+)+$",
        "codebooks",
        "refused",
        _codebook(lambda c: c["issues"][0].update(cues=["(a+)+$"]), "unsafe"),
    ),
    Kind(
        "invalid regular expression",
        "codebooks",
        "refused",
        _codebook(lambda c: c["issues"][0].update(cues=["(unclosed"]), "not a valid regular expression"),
    ),
    # model tables
    Kind(
        "table that is not UTF-8",
        "model tables",
        "refused",
        _table("t.yaml", _yaml_table().replace("Arland", "Ärland").encode("latin-1"), "not UTF-8"),
    ),
    Kind(
        "CSV row with an extra cell",
        "model tables",
        "refused",
        _table(
            "t.csv", "actor,issue,position,salience,capability\nA,x,10,50,1,99\nB,x,90,50,1\n", "more cells"
        ),
    ),
    Kind(
        "KTAB XML with an unknown encoding",
        "model tables",
        "refused",
        _table("t.xml", '<?xml version="1.0" encoding="bogus"?><Scenario/>', "unknown encoding"),
    ),
    Kind(
        "capability 1e308 (forecast was inf)",
        "model tables",
        "refused",
        _table("t.yaml", _yaml_table(cap="1e308"), "capability"),
    ),
    Kind(
        "negative spread", "model tables", "refused", _table("t.yaml", _yaml_table(spread="-5"), "negative")
    ),
    Kind("NaN salience", "model tables", "refused", _table("t.yaml", _yaml_table(sal=".nan"), "NaN")),
    Kind(
        "every salience 0 for exchange.v1 (forecast was null)",
        "model tables",
        "refused",
        _table(
            "t.yaml", _yaml_table(sal="0"), "every salience is 0", model="exchange.v1", names="issue 'fares'"
        ),
    ),
    Kind(
        "KTAB CSV announcing -1 dimensions",
        "model tables",
        "refused",
        _table("t.csv", "s,d,2,-1\nName,Desc,Cap,Apos,Asal\nA,a,1,1,50\nB,b,1,2,50\n", "whole number"),
    ),
    Kind(
        "KTAB CSV announcing 1e400 dimensions",
        "model tables",
        "refused",
        _table("t.csv", "s,d,2,1e400\nName,Desc,Cap,Apos,Asal\nA,a,1,1,50\nB,b,1,2,50\n", "finite"),
    ),
    Kind(
        "Decide file with bare CR line ends",
        "model tables",
        "accepted",
        lambda f, d: Run(
            [
                "model",
                "run",
                str(
                    _write(f, "t.tsv", "#A\tUS\r#A\tCN\r#P\tX\r#D\tUS\tX\t10\t50\t1\r#D\tCN\tX\t90\t50\t1\r")
                ),
                "--json",
            ],
            names="t.tsv",
            good=False,
            check=_forecast,
        ),
    ),
]


def _sparse(folder: Path) -> Path:
    path = folder / "huge.txt"
    with path.open("wb") as fh:
        fh.write(b"Huge headline\n\n")
        fh.truncate(50 * 1024 * 1024)
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


# --- running a kind ---


@dataclass(frozen=True)
class Outcome:
    kind: str
    expect: str
    code: int
    stdout: str
    stderr: str
    ok: bool
    problem: str  # why it is not ok ("" when ok)
    rows_before: dict[str, int]
    rows_after: dict[str, int]


def cli(args: list[str], *, unprivileged: bool = False, timeout: float = 300) -> tuple[int, str, str]:
    """Run ``zopa ARGS``: in this process (``zopa.cli.main``, what the console script calls), or, for a kind
    that needs a user without the right to others' files, in a subprocess (as root: without the capabilities
    that let root read and write everything, so it meets file modes as a user does)."""
    if not unprivileged:
        return _in_process(args)
    command = [sys.executable, "-c", "from zopa.cli import main; main()", *args]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    done = subprocess.run(command, capture_output=True, timeout=timeout, env=env)
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


def _in_process(args: list[str]) -> tuple[int, str, str]:
    from zopa.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = ["zopa", *args]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = int(exc.code or 0) if not isinstance(exc.code, str) else 1
    finally:
        sys.argv = saved
    return code, out.getvalue(), err.getvalue()


def make_database(path: Path) -> None:
    """The database every kind starts from: one article stored before anything bad is tried."""
    folder = path.parent / "earlier"
    folder.mkdir(exist_ok=True)
    code, _, err = cli(["ingest", str(_write(folder, "earlier.txt", EARLIER)), "--db", str(path)])
    assert code == 0, err
    con = sqlite3.connect(path)  # into the main file, so that a copy of the file holds everything
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def run_kind(kind: Kind, folder: Path, template: Path) -> Outcome:
    """Run one kind against a fresh copy of ``template`` and judge it (see the module docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "zopa.db"
    shutil.copy(template, db)
    before = row_counts(db)
    run = kind.build(folder, db)
    args = list(run.args)
    if run.good and kind.expect == "refused" and args[0] == "ingest":
        args.insert(1, str(_write(folder, "good.txt", GOOD)))
    untouched = run.db_untouched.read_bytes() if run.db_untouched is not None else None
    code, out, err = cli(args, unprivileged=run.unprivileged)
    after = row_counts(db)
    problems: list[str] = []
    lines = [line for line in err.splitlines() if line.strip()]
    if "Traceback" in err:
        problems.append("traceback")
    if kind.expect == "refused":
        if code == 0:
            problems.append("exit status 0")
        if len(lines) != 1:
            problems.append(f"{len(lines)} lines on standard error")
        elif run.names not in lines[0] or run.problem not in lines[0]:
            problems.append(f"message does not name {run.names!r} and {run.problem!r}: {lines[0]!r}")
        if run.good and args[0] == "ingest" and GOOD.split("\n")[0] not in stored_titles(db):
            problems.append("the good article was not stored")
    elif code != 0:
        problems.append(f"exit status {code}: {err.strip()[:200]}")
    if run.check is not None and not problems:
        try:
            run.check(db, out, err)
        except AssertionError as exc:
            problems.append(f"check failed: {exc}")
    lost = [t for t in TABLES if after[t] < before[t]]
    if lost:
        problems.append(f"rows lost in {', '.join(lost)}")
    if untouched is not None and run.db_untouched is not None and run.db_untouched.read_bytes() != untouched:
        problems.append(f"{run.db_untouched.name} was changed")
    con = sqlite3.connect(db)
    try:
        if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("database damaged")
    finally:
        con.close()
    return Outcome(kind.name, kind.expect, code, out, err, not problems, "; ".join(problems), before, after)
