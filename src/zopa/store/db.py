"""Opening a zopa database: a SQLite file by default, PostgreSQL by URL; migrations applied on open.

``open_db()`` accepts a bare path (a SQLite file, created on first use), a ``sqlite:///`` URL, or a
``postgresql+psycopg://`` URL (``postgresql://`` is read the same way). With no argument it uses ``$ZOPA_DB``,
then ``./zopa.db``.

SQLite runs in WAL mode with a busy timeout, and every write transaction starts with ``BEGIN IMMEDIATE``, so a
web server and an ingest run can share one file without "database is locked" surprises, and a process killed
mid-write leaves no half-written transaction. Reads (``Database.connect()``) use plain deferred transactions.

Schema changes are Alembic migrations in ``zopa/store/migrations/versions``; ``open_db`` applies the missing
ones inside one write transaction (with an advisory lock on PostgreSQL), so concurrent openers migrate once.

A SQLite file is looked at (read-only, nothing written) before it is opened: a file that is not SQLite, a
SQLite database of another program (tables but no zopa schema revision) or one at a revision this zopa does
not know is refused and left byte-for-byte as it was; ``adopt=True`` adds zopa's tables to another program's
database when the user asks for it. ``read_only=True`` (the listing commands, a server without a token) opens
an up-to-date file without writing to it, so reading works in a read-only folder or on a read-only file.
"""

from __future__ import annotations

import ast
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, text
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
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


def dialect_insert(conn: Connection, table: Table) -> Any:
    """An INSERT into ``table`` in ``conn``'s dialect, so it can take ``on_conflict_do_update`` or
    ``on_conflict_do_nothing`` (SQLite and PostgreSQL, the two databases :func:`open_db` opens)."""
    insert_for = pg_dialect.insert if conn.dialect.name == "postgresql" else sqlite_dialect.insert
    return insert_for(table)


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


def _sqlite_uri(path: Path, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{quote(str(path.absolute()))}?{query}"


def _sqlite_revision(path: Path, *, adopt: bool) -> str | None:
    """The zopa schema revision of an existing SQLite file (None: no tables yet), read without writing to
    it; a file that is not a zopa database is refused (:class:`StorageError`) and left untouched."""
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise StorageError(f"{path}: file is not a database (not SQLite); nothing was changed")
    try:
        # immutable: no lock, no file created; but committed pages still in a WAL file must be read too
        wal = Path(f"{path}-wal")
        in_wal = wal.exists() and wal.stat().st_size > 0
        params = {"mode": "ro"} if in_wal else {"mode": "ro", "immutable": "1"}
        con = sqlite3.connect(_sqlite_uri(path, **params), uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            tables = sorted(r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
            revision = None
            if "alembic_version" in tables:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = str(row[0]) if row else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{path}: not a usable SQLite database ({exc}); nothing was changed") from None
    if revision is None and tables and not adopt:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise StorageError(
            f"{path}: a SQLite database of another program (tables {shown}), not zopa's; nothing was "
            "changed (run `zopa adopt-db` to add zopa's tables to it)"
        )
    return revision


def _sqlite_engine(url: str, *, read_only: Path | None = None) -> Engine:
    if read_only is not None:
        return _read_only_engine(read_only)
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


def _read_only_engine(path: Path) -> Engine:
    """SQLite opened for reading only (``mode=ro``); where neither the file nor its folder can be written
    (so no other process can write it either), ``immutable=1``, which needs no WAL index file beside it."""
    writable = os.access(path, os.W_OK) or os.access(path.parent, os.W_OK)
    params = {"mode": "ro"} if writable else {"mode": "ro", "immutable": "1"}
    uri = _sqlite_uri(path, **params)

    def connect() -> sqlite3.Connection:
        con = sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        con.isolation_level = None
        con.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        return con

    engine = create_engine("sqlite://", creator=connect)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def open_db(
    url_or_path: str | Path | None = None,
    *,
    migrate: bool = True,
    read_only: bool = False,
    adopt: bool = False,
    create: bool = True,
) -> Database:
    """Open (and create or migrate) a zopa database; raise :class:`StorageError` naming it when that fails.

    ``read_only``: a SQLite file at the current schema is opened without any write (no WAL switch, no
    migration); ``adopt``: add zopa's tables to a SQLite database that holds another program's tables;
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
        revision = None
        if path.exists() and path.stat().st_size > 0:
            revision = _sqlite_revision(path, adopt=adopt)
            _check_known(shown, revision)
        reading = read_only and revision is not None and revision in _heads()
        engine = _sqlite_engine(url, read_only=path if reading else None)
        migrate = migrate and not reading
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
    with db.engine.connect() as conn:
        return _revision_of(conn)


def _revision_of(conn: Connection) -> str | None:
    """The revision Alembic recorded in ``alembic_version`` (None: no table or no row), read without
    Alembic: importing it and reading its scripts costs about 0.3 CPU s, and opening a database that is
    already current needs neither."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return str(row[0]) if row is not None else None


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)


@lru_cache(maxsize=1)
def _shipped() -> tuple[frozenset[str], frozenset[str]]:
    """(every migration shipped, the heads), read from each script's ``revision`` and ``down_revision``
    lines as plain values (what Alembic reads from them; ``tests/test_store.py`` checks the two agree);
    Alembic's own reading where a script states them some other way."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = dict((k, v) for k, v in _REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        try:
            revision = ast.literal_eval(found["revision"])
            down = ast.literal_eval(found["down_revision"])
        except (KeyError, ValueError, SyntaxError):
            return _shipped_by_alembic()
        downs = (down,) if isinstance(down, str) or down is None else tuple(down)
        if not isinstance(revision, str) or not all(d is None or isinstance(d, str) for d in downs):
            return _shipped_by_alembic()
        revisions.add(revision)
        parents.update(d for d in downs if d is not None)
    return frozenset(revisions), frozenset(revisions - parents)


def _shipped_by_alembic() -> tuple[frozenset[str], frozenset[str]]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return frozenset(rev.revision for rev in script.walk_revisions()), frozenset(script.get_heads())


def _heads() -> frozenset[str]:
    return _shipped()[1]


def _check_known(shown: str, revision: str | None) -> None:
    if revision is not None and revision not in _shipped()[0]:
        raise StorageError(
            f"{shown}: database is at schema revision {revision!r}, which this zopa does not know "
            "(written by a newer version, or another program's database); nothing was changed"
        )


def _migrate(db: Database) -> None:
    with db.engine.connect() as conn:  # fast path: already at head, no write lock taken
        current = _revision_of(conn)
    _check_known(db.url, current)
    if current in _heads():
        return
    from alembic import command

    with db.engine.connect() as conn:
        conn = conn.execution_options(zopa_write=True)
        with conn.begin():
            if db.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            command.upgrade(_alembic_config(conn), "head")
