"""Opening a zopa database: a SQLite file by default, PostgreSQL by URL; migrations applied on open.

``open_db()`` accepts a bare path (a SQLite file, created on first use), a ``sqlite:///`` URL, or a
``postgresql+psycopg://`` URL (``postgresql://`` is read the same way). With no argument it uses ``$ZOPA_DB``,
then ``./zopa.db``.

SQLite runs in WAL mode with a busy timeout, and every write transaction starts with ``BEGIN IMMEDIATE``, so a
web server and an ingest run can share one file without "database is locked" surprises, and a process killed
mid-write leaves no half-written transaction. Reads (``Database.connect()``) use plain deferred transactions.

Schema changes are Alembic migrations in ``zopa/store/migrations/versions``; ``open_db`` applies the missing
ones inside one write transaction (with an advisory lock on PostgreSQL), so concurrent openers migrate once.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError

from zopa.errors import StorageError

DEFAULT_DB = "zopa.db"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 65_536  # page cache per connection (SQLite's default is 2 MiB)
SQLITE_MMAP_BYTES = 256 * 1024 * 1024
_PG_MIGRATION_LOCK = 7_461_001  # advisory lock key held while migrating a PostgreSQL database


class Database:
    """An open zopa database: ``engine``, ``url`` (password hidden), ``dialect`` (sqlite | postgresql).

    Use ``with db.transaction() as conn:`` for writes (one unit of work; committed on success, rolled back on
    an exception) and ``with db.connect() as conn:`` for reads.
    """

    def __init__(self, engine: Engine, url: str, *, path: Path | None = None) -> None:
        self.engine = engine
        self.url = url
        self.path = path  # the SQLite file, when there is one
        self.dialect: str = engine.dialect.name

    def __repr__(self) -> str:
        return f"Database({self.url!r})"

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite). Errors from the driver become StorageError."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(zopa_write=True)
                with conn.begin():
                    yield conn
        except DBAPIError as exc:
            raise StorageError(f"{self.url}: write failed: {_first_line(exc)}") from exc

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading (its transaction is rolled back at the end)."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except DBAPIError as exc:
            raise StorageError(f"{self.url}: read failed: {_first_line(exc)}") from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    message = str(orig if orig is not None else exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__


def resolve_url(url_or_path: str | Path | None) -> tuple[str, Path | None]:
    """(SQLAlchemy URL, SQLite file or None) for what a user gave: a path, a URL, or nothing."""
    if url_or_path is None or str(url_or_path) == "":
        url_or_path = os.environ.get("ZOPA_DB") or DEFAULT_DB
    raw = str(url_or_path)
    if "://" not in raw:
        path = Path(raw).expanduser()
        return f"sqlite:///{path}", path
    if raw.startswith(("postgresql://", "postgres://")):
        raw = "postgresql+psycopg://" + raw.split("://", 1)[1]
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise StorageError(f"{raw}: not a database URL ({exc})") from None
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise StorageError(f"{raw}: an in-memory SQLite database cannot be shared; give a file path")
        return raw, Path(url.database)
    if url.get_backend_name() != "postgresql":
        raise StorageError(f"{raw}: unsupported database; use a SQLite file path or postgresql+psycopg://...")
    return raw, None


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")  # indexes of a large corpus stay in memory
        cur.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("zopa_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def open_db(url_or_path: str | Path | None = None, *, migrate: bool = True, create: bool = True) -> Database:
    """Open (and create or migrate) a zopa database; raise :class:`StorageError` naming it when that fails.

    ``create=False`` (commands that only read) refuses a SQLite file that does not exist yet, instead of
    leaving an empty database behind."""
    url, path = resolve_url(url_or_path)
    shown = str(path) if path is not None else make_url(url).render_as_string(hide_password=True)
    if path is not None:
        if path.is_dir():
            raise StorageError(f"{path}: is a folder, not a database file")
        if not create and (not path.exists() or path.stat().st_size == 0):
            raise StorageError(
                f"{path}: no zopa database here; build one with `zopa analyze ARTICLES --db {path}` "
                "(or give --db)"
            )
        if not path.parent.exists():
            raise StorageError(f"{path}: folder {path.parent} does not exist")
        if path.exists() and path.stat().st_size > 0:
            with path.open("rb") as fh:
                if fh.read(16) != b"SQLite format 3\x00":
                    raise StorageError(f"{path}: file is not a database (not SQLite); nothing was changed")
        engine = _sqlite_engine(url)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    db = Database(engine, shown, path=path)
    try:
        if migrate:
            _migrate(db)
        else:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
    except StorageError:
        engine.dispose()
        raise
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        raise StorageError(f"{shown}: cannot open database: {_first_line(exc)}") from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StorageError(f"{shown}: cannot open database: {exc}") from None
    return db


def _alembic_config(conn: Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    """The newest migration shipped with this zopa."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    """The migration the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _migrate(db: Database) -> None:
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    heads = set(script.get_heads())
    known = {rev.revision for rev in script.walk_revisions()}
    with db.engine.connect() as conn:  # fast path: already at head, no write lock taken
        current = MigrationContext.configure(conn).get_current_revision()
    if current is not None and current not in known:
        raise StorageError(
            f"{db.url}: database is at schema revision {current!r}, which this zopa does not know "
            "(written by a newer version?)"
        )
    if current in heads:
        return
    with db.engine.connect() as conn:
        conn = conn.execution_options(zopa_write=True)
        with conn.begin():
            if db.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            command.upgrade(_alembic_config(conn), "head")
