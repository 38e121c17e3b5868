"""``zopa serve``: a real server process, the CLI reading and writing the same SQLite file while it runs
(WAL), and the ``--get`` escape hatch that answers one request without a server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from web_fixtures import build_web_db
from web_server import running_server, zopa_command
from zopa.errors import InputError
from zopa.web.app import create_app, fetch


def run_zopa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(zopa_command(*args), capture_output=True, text=True, timeout=120)


def test_cli_reads_and_writes_the_database_while_the_server_runs(tmp_path: Path) -> None:
    db_path = tmp_path / "live.db"
    build_web_db(str(db_path))[0].close()
    article = tmp_path / "new.txt"
    article.write_text(
        "Harbour talks resume in Cedarport\n\nNegotiators met again on Friday to discuss port fees.\n",
        encoding="utf-8",
    )
    with running_server(db_path, tmp_path) as base, httpx.Client(base_url=base, timeout=10) as client:
        assert client.get("/api/v1/documents").json()["total"] == 3
        read = run_zopa("stories", "--db", str(db_path), "--json")
        assert read.returncode == 0, read.stderr
        assert "Donetsk talks" in read.stdout
        assert client.get("/positions").status_code == 200  # the server still answers
        written = run_zopa("ingest", str(article), "--db", str(db_path))
        assert written.returncode == 0, written.stderr
        documents = client.get("/api/v1/documents").json()
        assert documents["total"] == 4  # the server sees the CLI's write at once
        found = client.get("/api/v1/documents", params={"q": "Cedarport"}).json()["items"]
        assert [d["title"] for d in found] == ["Harbour talks resume in Cedarport"]
        got = run_zopa("serve", "--db", str(db_path), "--get", "/api/v1/documents?limit=1")
        assert got.returncode == 0, got.stderr
        assert json.loads(got.stdout)["total"] == 4


def test_get_prints_one_response_without_a_server(tmp_path: Path) -> None:
    db_path = str(tmp_path / "get.db")
    _, data = build_web_db(db_path)
    response = fetch(db_path, f"/api/v1/documents/{data.ceasefire}")
    assert response.status == 200 and response.content_type == "application/json"
    assert json.loads(response.body)["title"] == "Talks stall over Donetsk"
    page = fetch(db_path, "/positions")
    assert page.status == 200 and 'data-actor="russia"' in page.body
    assert fetch(db_path, "/api/v1/stories/99999").status == 404
    with pytest.raises(InputError, match="must start with '/'"):
        fetch(db_path, "api/v1/documents")
    missing = run_zopa("serve", "--db", db_path, "--get", "/api/v1/documents/99999")
    assert missing.returncode == 1
    assert "no such document" in missing.stdout and "HTTP 404" in missing.stderr


def test_create_app_refuses_bad_settings(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="max_upload"):
        create_app(str(tmp_path / "a.db"), max_upload=0)
    with pytest.raises(InputError, match="codebook file not found"):
        create_app(str(tmp_path / "b.db"), codebook=tmp_path / "missing.yaml")
    not_a_db = tmp_path / "junk.db"
    not_a_db.write_bytes(b"this is not a database at all")
    bad = run_zopa("serve", "--db", str(not_a_db), "--get", "/")
    assert bad.returncode == 1 and "not a database" in bad.stderr and "Traceback" not in bad.stderr
