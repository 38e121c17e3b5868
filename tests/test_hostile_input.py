"""Regressions for the hostile-input findings: each test pins one (its name says which) and failed before the
fix. The pathological inputs that used to hang run under a hang guard (:func:`bounded`): it fails the test
instead of hanging it; how long each takes against a normal article of the same size is measured by
``bench/hostile_inputs.py`` (the guard is not a speed assertion)."""

from __future__ import annotations

import contextlib
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cli_helpers import run_cli
from web_fixtures import web_client
from zopa.clean import clean_text, is_boilerplate_line
from zopa.errors import InputError
from zopa.extract._nlp import MAX_PARSE_CHARS, parse_text
from zopa.ingest import PRIVATE_ADDRESS, CannedFetcher, HttpxFetcher, decode, read_memory
from zopa.store.db import open_db
from zopa.stories import key_terms
from zopa.web.app import create_app

SHARED = Path(__file__).resolve().parents[2] / "shared"
BODY = "The delegations met in Geneva on Monday and said the talks would go on for another week at least."
GOOD_LINE = '{"title": "Good line", "text": "' + BODY + '"}'


@contextlib.contextmanager
def bounded(seconds: int = 60) -> Iterator[None]:
    """Fail (rather than hang) when the block runs longer than ``seconds``: every input here took longer
    than that before its fix, and takes well under a second after it."""

    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"still running after {seconds} s: the input hangs")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- bounded work --------------------------------------------------------------------------------------


def test_www_repeated_40_times_does_not_backtrack_exponentially() -> None:
    with bounded():
        assert not is_boilerplate_line("www." * 40 + " x")
        assert is_boilerplate_line("www.example.org <https://example.org/a> http://b.example")
        assert not is_boilerplate_line("www.example.org is where the ministry posted it")


def test_nested_repeated_lines_are_cleaned_in_one_pass() -> None:
    lines = [f"byline {i}" for i in range(20_000)]
    with bounded():
        result = clean_text("Headline\n\n" + "\n".join(lines + lines[::-1]) + "\n\nThe article text stays.")
    assert result.text == "Headline\n\nThe article text stays."
    assert len(result.removed) == 40_000
    # removing a repeated byline makes its neighbours adjacent: they go too, as the rounds used to do
    assert clean_text("Head\n\nA\nX\nX\nA\n\nBody text.").text == "Head\n\nBody text."


def test_long_paragraph_key_terms_are_linear() -> None:
    paragraph = "The envoy from Arland met Beltia's minister. " * 11_000  # about 500 KB, one line
    with bounded():
        terms = key_terms("Talks", paragraph)
    assert "Arland" in terms and "Beltia" in terms and "The" not in terms


def test_sentence_starts_are_still_not_names() -> None:
    terms = key_terms(
        "", "Talks went on. Negotiators from Arland said Arland wanted more. “Arland agrees,” he said."
    )
    assert "Arland" in terms and "Talks" not in terms and "Negotiators" not in terms


@pytest.mark.parametrize("mark", ['"', ",", "“"])
def test_punctuation_runs_are_capped_before_the_parser(mark: str) -> None:
    from zopa.codebook import default_codebook_path, load_codebook
    from zopa.extract import extract
    from zopa.ingest import make_article

    assert len(parse_text("x " * 50_000)) <= MAX_PARSE_CHARS
    text = "Putin said " + mark * 50_000 + " the talks would go on."
    article = make_article(source="marks", title="Marks", body=text, raw=text, fmt="text")
    with bounded(120):
        extract(article, load_codebook(default_codebook_path()))


# --- per-item isolation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "shown"),
    [
        ('"9999-12-31T23:00:00-05:00"', "9999-12-31T23:00:00-05:00"),
        ('"0001-01-01T00:00:00+05:00"', "0001-01-01T00:00:00+05:00"),
        ("1e20", "1e+20"),
        ("-1e15", "-1000000000000000.0"),
        ("NaN", "nan"),
    ],
)
def test_a_bad_date_refuses_only_its_line_showing_the_value(published: str, shown: str) -> None:
    bad = '{"title": "Bad", "published": ' + published + ', "text": "' + BODY + '"}'
    results = list(read_memory(bad + "\n" + GOOD_LINE + "\n", source="x.jsonl", fmt="jsonl"))
    assert isinstance(results[0], InputError) and results[0].source == "x.jsonl#1"
    assert shown in results[0].problem and "1900-2100" in results[0].problem
    assert results[1].title == "Good line"  # type: ignore[union-attr]


@pytest.mark.parametrize("ref", ["&#1114112;", "&#xD800;", "&#0;"])
def test_a_bad_character_reference_keeps_the_feed(ref: str) -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>'
        f"<item><title>One</title><description>{ref} {BODY}</description></item>"
        f"<item><title>Two</title><description>{BODY} Second.</description></item></channel></rss>"
    )
    results = list(read_memory(feed, source="feed.rss", fmt="feed"))
    assert [r.title for r in results] == ["One", "Two"]  # type: ignore[union-attr]
    assert results[0].text.startswith("\ufffd")  # type: ignore[union-attr]


def test_json_nested_100000_deep_refuses_only_its_line() -> None:
    results = list(read_memory('{"a":' * 100_000 + "1" + "}" * 100_000 + "\n" + GOOD_LINE, fmt="jsonl"))
    assert isinstance(results[0], InputError) and "nested too deeply" in results[0].problem
    assert results[1].title == "Good line"  # type: ignore[union-attr]


def test_nul_after_8kb_is_refused_on_every_database(db_url: str, tmp_path: Path) -> None:
    from zopa.pipeline import ingest

    bad = tmp_path / "nul.txt"
    bad.write_bytes(("Headline\n\n" + BODY * 100).encode()[:9000] + b"\x00 more")
    good = tmp_path / "good.txt"
    good.write_text("Good headline\n\n" + BODY, encoding="utf-8")
    with open_db(db_url) as db:
        report = ingest([bad, good], db)
    assert [e.source for e in report.errors] == [str(bad)] and "NUL" in report.errors[0].problem
    assert len(report.added) == 1


def test_a_file_name_that_is_not_utf8_is_read_and_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    odd = Path(__import__("os").fsdecode(bytes(folder) + b"/caf\xe9.txt"))
    odd.write_text("Cafe talks\n\n" + BODY, encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"")
    code, _, err = run_cli(["ingest", str(folder), "--db", str(tmp_path / "z.db")], capsys, monkeypatch)
    assert code == 1 and err.count("\n") == 1 and "bad.txt: empty file" in err
    con = sqlite3.connect(tmp_path / "z.db")
    assert [r[0] for r in con.execute("SELECT source FROM documents")] == [str(folder) + "/caf\\xe9.txt"]
    con.close()


def test_web_ingest_of_bad_items_keeps_the_good_file(sqlite_url: str) -> None:
    app = create_app(sqlite_url, token="t", fetcher=CannedFetcher({}))
    bad_lines = '{"title": "Bad", "published": 1e20, "text": "' + BODY + '"}\n' + GOOD_LINE
    with web_client(app) as client:
        response = client.post(
            "/api/v1/ingest",
            headers={"Authorization": "Bearer t"},
            files=[
                ("files", ("lines.jsonl", bad_lines.encode())),
                ("files", ("good.txt", ("Good file\n\n" + BODY + " More.").encode())),
                ("files", ("nul.txt", b"Head\n\n" + b"x" * 9000 + b"\x00")),
            ],
        )
    assert response.status_code == 200, response.text
    report = response.json()
    assert sorted(e["source"] for e in report["errors"]) == ["upload:lines.jsonl#1", "upload:nul.txt"]
    assert len(report["added"]) == 2
    app.state.db.close()


# --- silent wrongness ------------------------------------------------------------------------------------


def test_latin1_is_not_read_as_a_baltic_code_page() -> None:
    text = "Café talks in Zürich\n\nThe ministers met in Zürich on Monday.\n"
    assert decode(text.encode("latin-1"), "x") == text
    assert decode(text.encode("cp1252"), "x") == text
    russian = "Президент России заявил, что переговоры продолжатся в понедельник в Женеве."
    assert decode(russian.encode("cp1251"), "x") == russian  # a Cyrillic code page still wins where it fits


def _corpus_texts() -> list[str]:
    folder = SHARED / "corpus"
    files = sorted(folder.glob("*/articles/*.txt"))
    if not files:
        message = f"the real-news corpus is not at {folder}"
        if __import__("os").environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    return [f.read_text(encoding="utf-8") for f in files]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_real_articles_saved_in_a_western_code_page_decode_exactly(encoding: str) -> None:
    wrong = []
    for text in _corpus_texts():
        data = text.encode(encoding, "replace")
        if data == text.encode("utf-8"):
            continue  # plain ASCII: nothing to tell
        if decode(data, "article") != data.decode(encoding):
            wrong.append(text[:60])
    assert not wrong, wrong


def test_a_symlink_inside_a_folder_is_not_followed_out_of_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\nSecond line of the secret file.\n", encoding="utf-8")
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "article.txt").write_text("Real article\n\n" + BODY, encoding="utf-8")
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "inside.txt").symlink_to(folder / "article.txt")  # inside the folder: read (a duplicate)
    code, _, err = run_cli(["ingest", str(folder), "--db", str(tmp_path / "z.db")], capsys, monkeypatch)
    assert code == 1 and err.count("\n") == 1 and "passwd.txt: symbolic link to" in err
    con = sqlite3.connect(tmp_path / "z.db")
    assert [r[0] for r in con.execute("SELECT title FROM documents")] == ["Real article"]
    con.close()


def test_a_foreign_sqlite_file_is_left_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "recipes.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.execute("INSERT INTO recipes VALUES ('soup')")
    con.commit()
    con.close()
    before = other.read_bytes()
    good = tmp_path / "good.txt"
    good.write_text("Good headline\n\n" + BODY, encoding="utf-8")
    for args in (["ingest", str(good)], ["stories"], ["positions"]):
        code, _, err = run_cli([*args, "--db", str(other)], capsys, monkeypatch)
        assert code == 1 and "another program" in err and "adopt-db" in err
    assert other.read_bytes() == before  # no zopa tables, no switch to WAL (the header's bytes 18-19)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.txt", "recipes.db"]
    code, _, err = run_cli(["adopt-db", "--db", str(other)], capsys, monkeypatch)
    assert code == 0, err
    code, _, err = run_cli(["ingest", str(good), "--db", str(other)], capsys, monkeypatch)
    assert code == 0, err
    con = sqlite3.connect(other)
    assert con.execute("SELECT name FROM recipes").fetchall() == [("soup",)]
    assert con.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1
    con.close()


# --- the web ---------------------------------------------------------------------------------------------


def test_host_header_must_name_this_server(sqlite_url: str) -> None:
    app = create_app(sqlite_url, allowed_hosts=["zopa.example.org"])

    async def get(host: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.get("/api/v1/stories", headers={"Host": host})

    import asyncio

    for host in ("127.0.0.1:8000", "localhost", "[::1]:8000", "zopa.example.org", "ZOPA.example.org:80"):
        assert asyncio.run(get(host)).status_code == 200, host
    for host in ("evil.example", "zopa.example.org.evil.example", "", "localhost.evil.example"):
        response = asyncio.run(get(host))
        assert response.status_code == 400 and "not served here" in response.text, host
        assert response.headers["content-security-policy"]
    app.state.db.close()


def test_url_ingestion_refuses_private_addresses_with_one_message() -> None:
    requested: list[str] = []

    def transport(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        if request.url.host == "redirector.example":
            return httpx.Response(302, headers={"location": "http://intranet.example/admin"})
        return httpx.Response(200, text="Public headline\n\n" + BODY)

    addresses = {
        "redirector.example": ["93.184.216.34"],
        "intranet.example": ["10.0.0.7"],
        "public.example": ["93.184.216.35"],
        "rebind.example": ["93.184.216.36", "127.0.0.1"],
    }
    fetcher = HttpxFetcher(transport=httpx.MockTransport(transport), resolve=lambda h: addresses.get(h, [h]))
    messages = set()
    for url in (
        "http://127.0.0.1:22/",
        "http://127.0.0.1:1/",
        "http://[::1]/",
        "http://169.254.169.254/",
        "http://192.168.1.1/",
        "http://rebind.example/",
        "http://redirector.example/",
    ):
        with pytest.raises(InputError) as caught:
            fetcher(url, max_bytes=10_000)
        messages.add(caught.value.problem)
    assert messages == {PRIVATE_ADDRESS}  # an open port and a closed one read the same
    assert requested == ["http://redirector.example/"]  # nothing private was ever asked for
    assert fetcher("http://public.example/", max_bytes=10_000).status == 200


def test_the_token_is_checked_before_the_body_is_read(sqlite_url: str) -> None:
    import asyncio

    app = create_app(sqlite_url, token="secret")
    chunks = [b'--B\r\nContent-Disposition: form-data; name="text"\r\n\r\n' + b"x" * 1000, b"y" * 1000] * 50
    read = []

    async def call(first_field: bytes) -> int:
        body = [first_field, *chunks]
        status = 0

        async def receive() -> dict[str, object]:
            read.append(1)
            chunk = body.pop(0) if body else b""
            return {"type": "http.request", "body": chunk, "more_body": bool(body)}

        async def send(message: dict[str, object]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])  # type: ignore[call-overload]

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/api/v1/ingest",
            "raw_path": b"/api/v1/ingest",
            "query_string": b"",
            "headers": [(b"content-type", b"multipart/form-data; boundary=B"), (b"host", b"127.0.0.1")],
            "http_version": "1.1",
            "scheme": "http",
            "server": ("127.0.0.1", 80),
            "client": ("t", 1),
            "root_path": "",
            "asgi": {"version": "3.0"},
        }
        await app(scope, receive, send)
        return status

    assert asyncio.run(call(b'--B\r\nContent-Disposition: form-data; name="text"\r\n\r\nhello\r\n')) == 401
    assert len(read) <= 2  # 101 chunks were on offer
    read.clear()
    token_first = b'--B\r\nContent-Disposition: form-data; name="token"\r\n\r\nwrong\r\n'
    assert asyncio.run(call(token_first)) == 403 and len(read) <= 2
    app.state.db.close()
