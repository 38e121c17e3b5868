"""The codebooks that built a database's evidence: recorded by ``zopa analyze`` and ``zopa extract`` (name,
hash and the whole content, so the file may move or change), read back by every command that works on the
evidence, so a database built with one codebook is never read with another by accident."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from zopa.errors import CodebookError
from zopa.store import schema
from zopa.store.db import Database

if TYPE_CHECKING:
    from zopa.codebook import Codebook


@dataclass(frozen=True, slots=True)
class StoredCodebook:
    name: str
    hash: str
    used_at: datetime
    codebook: Codebook


def record_codebook(db: Database, codebook: Codebook) -> str:
    """Record that ``codebook`` built (or rebuilt) the evidence now; returns its hash."""
    from zopa.codebook import codebook_hash

    h = codebook_hash(codebook)
    c = schema.codebooks
    now = datetime.now(UTC).replace(tzinfo=None)
    with db.transaction() as conn:
        found = conn.execute(select(c.c.hash).where(c.c.hash == h)).scalar_one_or_none()
        if found is None:
            conn.execute(
                c.insert(),
                {
                    "hash": h,
                    "name": codebook.name,
                    "content": codebook.model_dump_json(by_alias=True),
                    "used_at": now,
                },
            )
        else:
            conn.execute(update(c).where(c.c.hash == h).values(used_at=now))
    return h


def latest_codebook(db: Database) -> StoredCodebook | None:
    """The codebook used last on this database, or None (a database from before codebooks were recorded,
    or one that holds no evidence yet)."""
    from zopa.codebook import parse_codebook

    c = schema.codebooks
    with db.connect() as conn:
        row = conn.execute(select(c).order_by(c.c.used_at.desc()).limit(1)).first()
    if row is None:
        return None
    data = json.loads(row.content)
    try:
        if isinstance(data, dict) and isinstance(data.get("grammar"), dict):
            from zopa.grammar import Grammar

            # the stored grammar is already the whole one (default + additions): not to be extended again
            data["grammar"] = Grammar.model_validate(data["grammar"])
        book = parse_codebook(data, source=f"{db.url}: codebook {row.name!r}")
    except CodebookError as exc:
        exc.name = row.name  # type: ignore[attr-defined]  # which codebook, for codebook_for's fallback
        raise
    return StoredCodebook(name=row.name, hash=row.hash, used_at=row.used_at, codebook=book)


def latest_codebook_hash(db: Database) -> str | None:
    """The hash of :func:`latest_codebook` without reading the codebook itself (one indexed row)."""
    c = schema.codebooks
    with db.connect() as conn:
        found = conn.execute(select(c.c.hash).order_by(c.c.used_at.desc()).limit(1)).scalar()
    return None if found is None else str(found)


def _shipped(name: str) -> Path | None:
    """The codebook zopa ships under this name, if any."""
    from zopa.codebook import default_codebook_path

    path = default_codebook_path().parent / f"{name}.yaml"
    return path if path.is_file() else None


def codebook_for(db: Database, path: str | Path | None = None) -> tuple[Codebook, str | None]:
    """The codebook to read ``db``'s evidence with: the file given, else the one recorded in the database,
    else the shipped default. Returns it with a note worth showing the user (a file other than the one that
    built the database; a database with no record of its codebook), or None."""
    from zopa.codebook import codebook_hash, default_codebook_path, load_codebook

    try:
        stored = latest_codebook(db)
    except CodebookError as exc:  # recorded by an older zopa whose codebook format has since changed
        shipped = _shipped(exc.name) if hasattr(exc, "name") else None
        if path is None and shipped is None:
            raise CodebookError(f"{exc}; give --codebook FILE to read this database") from None
        stored = None
        if path is None and shipped is not None:
            return load_codebook(shipped), (
                f"note: the codebook recorded in {db.url} is in an older format; using the shipped "
                f"{shipped.name}"
            )
    if path is not None:
        book = load_codebook(path)
        if stored is not None and codebook_hash(book) != stored.hash:
            return book, (
                f"note: {db.url} was built with codebook {stored.name!r}; reading it with {path} "
                f"({book.name!r}) as asked"
            )
        return book, None
    if stored is not None:
        return stored.codebook, None
    book = load_codebook(default_codebook_path())
    if not _holds_documents(db):
        return book, None
    return book, (
        f"note: {db.url} does not record the codebook that built it; using the shipped "
        f"{default_codebook_path().name} (give --codebook to choose)"
    )


def _holds_documents(db: Database) -> bool:
    with db.connect() as conn:
        return conn.execute(select(schema.documents.c.id).limit(1)).first() is not None
