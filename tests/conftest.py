"""Shared fixtures that build real things: SQLite files, a private PostgreSQL server, a seeded database.

- ``sqlite_url``: a fresh SQLite file under the test's ``tmp_path`` (a plain path, which ``open_db`` accepts).
- ``pg_url``: a fresh, empty database on a PostgreSQL server: ``$ZOPA_TEST_PG_URL`` if set (a URL whose user
  may create databases), otherwise a private cluster started once per test session (``initdb -A trust`` and
  ``pg_ctl`` on a free port in a temporary folder; as root, both run as the ``postgres`` user) and stopped at
  the end. Without PostgreSQL installed the test is skipped, except under ``CI=true``, where it fails.
- ``db_url``: parametrised over both (``sqlite`` and ``postgres``): storage tests run on each.
- ``seeds_dir``: ``../shared/seeds`` (skips when absent, fails under CI); ``seeded_db``: a session-wide SQLite
  database built by ``zopa.pipeline.analyze`` on the seeds with the shipped codebook (read-only for tests).
- ``browser``: Debian's Chromium, headless, through Playwright (module-wide); skipped when missing, except
  under ``CI=true``, where it fails.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
BENCHMARKS = SHARED / "benchmarks"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _pg_bin() -> Path | None:
    for pattern in ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin"):
        for folder in sorted(glob.glob(pattern), reverse=True):
            if (Path(folder) / "initdb").exists():
                return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temporary folder, reachable over TCP on 127.0.0.1."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="zopa-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(self.folder, user="postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        self._run(
            str(self.bin_dir / "initdb"), "-A", "trust", "-U", "zopa", "-E", "UTF8", "-D", str(self.data)
        )
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )
        return f"postgresql+psycopg://zopa@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Admin URL of a PostgreSQL server for this test session (see the module docstring)."""
    given = os.environ.get("ZOPA_TEST_PG_URL")
    if given:
        yield given
        return
    bin_dir = _pg_bin()
    if bin_dir is None:
        message = "PostgreSQL is not installed (no initdb found); `bash .ci/run` installs it"
        if _in_ci():
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    server = _PrivatePostgres(bin_dir)
    try:
        url = server.start()
    except (subprocess.SubprocessError, OSError) as exc:
        server.stop()
        detail = getattr(exc, "stderr", b"") or b""
        pytest.fail(f"could not start a private PostgreSQL cluster: {exc} {detail.decode(errors='replace')}")
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh empty database on the session's PostgreSQL server, dropped after the test."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(pg_server)
    name = f"zopa_test_{uuid.uuid4().hex[:12]}"
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield admin.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file path under this test's tmp_path (created on first open)."""
    return str(tmp_path / "zopa.db")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not (SEEDS / "putin-rejects-ukraine-compromise.txt").exists():
        _missing(f"seed articles not found at {SEEDS} (the repository's ../shared/seeds)")
    return SEEDS


def _missing(message: str) -> None:
    """Shared data absent: a failure under CI (the gates must run there), a skip elsewhere."""
    if _in_ci():
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def benchmarks_dir() -> Path:
    if not BENCHMARKS.is_dir():
        _missing(f"benchmarks not found at {BENCHMARKS} (the repository's ../shared/benchmarks)")
    return BENCHMARKS


@pytest.fixture(scope="session")
def seeded_db(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A SQLite database (``zopa.store.db.Database``; its file is ``.path``) holding the seeds, analysed with
    the shipped codebook. Shared by the session: do not write to it."""
    from zopa.codebook import default_codebook_path, load_codebook
    from zopa.pipeline import AnalyzeOptions, analyze
    from zopa.store.db import open_db

    path = tmp_path_factory.mktemp("seeded") / "seeds.db"
    db = open_db(path)
    analyze([seeds_dir], db, codebook=load_codebook(default_codebook_path()), options=AnalyzeOptions())
    try:
        yield db
    finally:
        db.close()


# --- headless Chromium (browser tests) ---

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found; `bash .ci/run` installs Debian's chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
