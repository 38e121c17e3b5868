"""Aggregates kept up to date at write time, so the dashboard's first request is as fast as its tenth.

Four tables (migration 0008): ``row_counts`` (documents, near-duplicates, each evidence table and its rows in
near-duplicates), ``position_cells`` (the party x issue matrix without near-duplicates), ``outlet_counts``
and ``speaker_counts`` (the filter forms). The write path updates them inside the document's own
transaction (:func:`document_added` from ``insert_document``, :func:`evidence_removed` and
:func:`evidence_added` from ``write_evidence``), so they are always exactly what a count over the rows
would give; :func:`rebuild` recomputes them from the rows (the migration, ``delete_document``, tests).

Every write transaction updates every ``row_counts`` row, in name order, before any other aggregate: on
PostgreSQL, where writers run side by side, they queue on those rows instead of deadlocking on the others.
It then raises the data version (migration 0009), which keys the **kept views**: whole-database views
computed from the stored evidence (:mod:`zopa.kept_views`: the negotiation, what changed), stored with the
version they were computed at by :func:`keep_view` and read back by :func:`kept_view` only while that is
still the current version, so a stale copy is never served. A view is stored as a pickle that may only
rebuild zopa's records, numpy arrays and dates (:class:`_RecordUnpickler`).

So that a refresh costs what was written, not the whole database (migration 0010): every write of a
document's positions records, per party and issue, the data version that wrote it (``pair_versions``,
:func:`changed_pairs`), and every write of its quotes their copy keys (``quote_keys``,
:func:`shared_quote_ids`); a kept view keeps its per-part results (``kept_parts``) and :func:`keep_view`
replaces only the parts recomputed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Integer, and_, bindparam, case, cast, delete, func, insert, select, update

from zopa.errors import StorageError
from zopa.records import Evidence
from zopa.store import schema
from zopa.store.db import dialect_insert

rc = schema.row_counts
cells = schema.position_cells
outlets = schema.outlet_counts
speakers = schema.speaker_counts
d = schema.documents
p = schema.positions
q = schema.quotes
version_row = schema.data_version
views = schema.kept_views
items = schema.kept_items
parts_t = schema.kept_parts
pair_versions = schema.pair_versions
quote_keys = schema.quote_keys

COUNTED = ("documents", "duplicates", *schema.EVIDENCE_TABLES)
DUPLICATE_SUFFIX = ".in_duplicates"


def count_names() -> tuple[str, ...]:
    """Every row of ``row_counts``, in the order writers lock them."""
    return tuple(sorted([*COUNTED, *(f"{t}{DUPLICATE_SUFFIX}" for t in schema.EVIDENCE_TABLES)]))


def _bump(conn: Connection, deltas: Mapping[str, int]) -> None:
    conn.execute(
        update(rc).where(rc.c.name == bindparam("b_name")).values(rows=rc.c.rows + bindparam("b_delta")),
        [{"b_name": name, "b_delta": int(deltas.get(name, 0))} for name in count_names()],
    )
    data_changed(conn)


def data_changed(conn: Connection) -> None:
    """Raise the data version (every write of documents or evidence, in its own transaction)."""
    conn.execute(update(version_row).values(version=version_row.c.version + 1))


def document_added(
    conn: Connection, *, outlet: str | None, published: datetime | None, duplicate: bool
) -> None:
    """A document row was inserted (before its evidence)."""
    _bump(conn, {"documents": 1, "duplicates": int(duplicate)})
    if outlet is None:
        return
    row = conn.execute(select(outlets).where(outlets.c.outlet == outlet)).mappings().first()
    if row is None:
        conn.execute(
            insert(outlets),
            {"outlet": outlet, "documents": 1, "first_published": published, "last_published": published},
        )
        return
    dates = [x for x in (row["first_published"], published) if x is not None]
    ends = [x for x in (row["last_published"], published) if x is not None]
    conn.execute(
        update(outlets)
        .where(outlets.c.outlet == outlet)
        .values(
            documents=outlets.c.documents + 1,
            first_published=min(dates) if dates else None,
            last_published=max(ends) if ends else None,
        )
    )


def _position_groups(conn: Connection, document_id: int) -> list[Any]:
    return list(
        conn.execute(
            select(
                p.c.actor,
                p.c.issue,
                p.c.stance,
                func.count().label("n"),
                func.sum(cast(p.c.red_line, Integer)).label("red_lines"),
                func.max(p.c.id).label("newest_id"),
            )
            .where(p.c.document_id == document_id)
            .group_by(p.c.actor, p.c.issue, p.c.stance)
            .order_by(p.c.actor, p.c.issue, p.c.stance)
        ).mappings()
    )


def _cell_key(row: Mapping[str, Any]) -> Any:
    return and_(cells.c.actor == row["actor"], cells.c.issue == row["issue"], cells.c.stance == row["stance"])


def _speakers_of(items: Iterable[Any]) -> Counter[str]:
    return Counter(item.speaker for item in items if item.speaker)


def _add_speakers(conn: Connection, counts: Mapping[str, int], sign: int) -> None:
    """Add ``sign`` times each speaker's count in one statement (a speaker not counted yet starts at it);
    a speaker left with no quotes is dropped."""
    if not counts:
        return
    stmt = dialect_insert(conn, speakers)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["speaker"], set_={"quotes": speakers.c.quotes + stmt.excluded.quotes}
        ),
        [{"speaker": speaker, "quotes": sign * n} for speaker, n in sorted(counts.items())],
    )
    if sign < 0:
        conn.execute(delete(speakers).where(speakers.c.speaker.in_(sorted(counts)), speakers.c.quotes <= 0))


class Removal:
    """A document's evidence as stored, read before ``write_evidence`` deletes it (:func:`evidence_removed`
    takes it off the aggregates once the rows are gone)."""

    def __init__(self, conn: Connection, document_id: int) -> None:
        self.document_id = document_id
        self.counts = {
            name: int(
                conn.execute(
                    select(func.count()).select_from(table).where(table.c.document_id == document_id)
                ).scalar_one()
            )
            for name, table in schema.EVIDENCE_TABLES.items()
        }
        self.speakers = Counter(
            {
                str(r[0]): int(r[1])
                for r in conn.execute(
                    select(q.c.speaker, func.count())
                    .where(q.c.document_id == document_id, q.c.speaker.is_not(None))
                    .group_by(q.c.speaker)
                )
            }
        )
        self.groups = _position_groups(conn, document_id)


def evidence_removed(
    conn: Connection, removed: Removal, *, published: datetime | None, duplicate: bool
) -> None:
    """The evidence read into ``removed`` was deleted: take it off every aggregate."""
    deltas = {name: -n for name, n in removed.counts.items()}
    if duplicate:
        deltas |= {f"{name}{DUPLICATE_SUFFIX}": -n for name, n in removed.counts.items()}
    _bump(conn, deltas)
    _add_speakers(conn, removed.speakers, -1)
    quoted = [QUOTES_PAIR] if removed.counts.get("quotes") else []
    pairs_written(conn, [*{(g["actor"], g["issue"]) for g in removed.groups}, *quoted])
    conn.execute(delete(quote_keys).where(quote_keys.c.document_id == removed.document_id))
    if duplicate:
        return
    for group in removed.groups:
        cell = conn.execute(select(cells).where(_cell_key(group))).mappings().first()
        if cell is None:  # pragma: no cover - the aggregate always holds the rows being removed
            continue
        left = int(cell["positions"]) - int(group["n"])
        if left <= 0:
            conn.execute(delete(cells).where(_cell_key(group)))
            continue
        values: dict[str, Any] = {
            "positions": left,
            "red_lines": int(cell["red_lines"]) - int(group["red_lines"] or 0),
        }
        if cell["newest_id"] == group["newest_id"] or (published is not None and cell["latest"] == published):
            # the removed document held the newest date or id: read them again from the remaining rows
            newest = conn.execute(_group_query(group)).mappings().one()
            values |= {"latest": newest["latest"], "newest_id": newest["newest_id"]}
        conn.execute(update(cells).where(_cell_key(group)).values(**values))


def _group_query(group: Mapping[str, Any]) -> Any:
    return (
        select(func.max(d.c.published).label("latest"), func.max(p.c.id).label("newest_id"))
        .select_from(p.join(d, p.c.document_id == d.c.id))
        .where(
            p.c.actor == group["actor"],
            p.c.issue == group["issue"],
            p.c.stance == group["stance"],
            d.c.duplicate_of.is_(None),
        )
    )


def evidence_added(
    conn: Connection,
    document_id: int,
    evidence: Evidence,
    *,
    published: datetime | None,
    duplicate: bool,
) -> None:
    """``evidence`` was inserted for ``document_id``: add it to every aggregate."""
    added = {name: len(getattr(evidence, name)) for name in schema.EVIDENCE_TABLES}
    deltas = dict(added)
    if duplicate:
        deltas |= {f"{name}{DUPLICATE_SUFFIX}": n for name, n in added.items()}
    _bump(conn, deltas)
    _add_speakers(conn, _speakers_of(evidence.quotes), 1)
    quoted = [QUOTES_PAIR] if evidence.quotes else []
    pairs_written(conn, [*{(x.actor, x.issue) for x in evidence.positions}, *quoted])
    if evidence.quotes:
        _add_quote_keys(conn, document_id)
    if duplicate or not evidence.positions:
        return
    for group in _position_groups(conn, document_id):
        cell = conn.execute(select(cells).where(_cell_key(group))).mappings().first()
        if cell is None:
            conn.execute(
                insert(cells),
                {
                    "actor": group["actor"],
                    "issue": group["issue"],
                    "stance": group["stance"],
                    "positions": int(group["n"]),
                    "red_lines": int(group["red_lines"] or 0),
                    "latest": published,
                    "newest_id": int(group["newest_id"]),
                },
            )
            continue
        latest = cell["latest"]
        if published is not None and (latest is None or published > latest):
            latest = published
        conn.execute(
            update(cells)
            .where(_cell_key(group))
            .values(
                positions=cells.c.positions + int(group["n"]),
                red_lines=cells.c.red_lines + int(group["red_lines"] or 0),
                latest=latest,
                newest_id=max(int(cell["newest_id"]), int(group["newest_id"])),
            )
        )


def rebuild(conn: Connection) -> None:
    """Recompute every aggregate from the rows (inside the caller's write transaction)."""
    for table in (rc, cells, outlets, speakers):
        conn.execute(delete(table))
    not_dup = d.c.duplicate_of.is_(None)
    counts: dict[str, int] = {
        "documents": conn.execute(select(func.count()).select_from(d)).scalar_one(),
        "duplicates": conn.execute(select(func.count()).select_from(d).where(~not_dup)).scalar_one(),
    }
    for name, table in schema.EVIDENCE_TABLES.items():
        counts[name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
        counts[f"{name}{DUPLICATE_SUFFIX}"] = conn.execute(
            select(func.count())
            .select_from(table.join(d, table.c.document_id == d.c.id))
            .where(~not_dup)
        ).scalar_one()
    conn.execute(insert(rc), [{"name": name, "rows": int(counts[name])} for name in count_names()])
    conn.execute(
        insert(cells).from_select(
            ["actor", "issue", "stance", "positions", "red_lines", "latest", "newest_id"],
            select(
                p.c.actor,
                p.c.issue,
                p.c.stance,
                func.count(),
                func.sum(case((p.c.red_line, 1), else_=0)),
                func.max(d.c.published),
                func.max(p.c.id),
            )
            .select_from(p.join(d, p.c.document_id == d.c.id))
            .where(not_dup)
            .group_by(p.c.actor, p.c.issue, p.c.stance),
        )
    )
    conn.execute(
        insert(outlets).from_select(
            ["outlet", "documents", "first_published", "last_published"],
            select(d.c.outlet, func.count(), func.min(d.c.published), func.max(d.c.published))
            .where(d.c.outlet.is_not(None))
            .group_by(d.c.outlet),
        )
    )
    conn.execute(
        insert(speakers).from_select(
            ["speaker", "quotes"],
            select(q.c.speaker, func.count()).where(q.c.speaker.is_not(None)).group_by(q.c.speaker),
        )
    )


# --- what a refresh must recompute (migration 0010) -------------------------------------------------------

EVERY_PAIR = ("*", "*")  # the pair_versions row that stands for every party and issue
QUOTES_PAIR = ("", "")  # the row that stands for the quotes (a write of quotes)


def pairs_written(conn: Connection, pairs: Iterable[tuple[str, str]]) -> None:
    """The positions of these (party, issue) pairs were written at the current data version."""
    version = data_version(conn)
    rows = [{"actor": actor, "issue": issue, "version": version} for actor, issue in sorted(set(pairs))]
    if not rows:
        return
    stmt = dialect_insert(conn, pair_versions)
    newer = {"version": stmt.excluded.version}
    conn.execute(stmt.on_conflict_do_update(index_elements=["actor", "issue"], set_=newer), rows)


def everything_changed(conn: Connection) -> None:
    """A write that changes what every part reads (a deletion: its copies become originals)."""
    pairs_written(conn, [EVERY_PAIR])


def changed_pairs(conn: Connection, since: int) -> set[tuple[str, str]] | None:
    """The (party, issue) pairs whose positions were written after data version ``since``; None when every
    pair may have changed."""
    found = {
        (str(r[0]), str(r[1]))
        for r in conn.execute(
            select(pair_versions.c.actor, pair_versions.c.issue).where(pair_versions.c.version > since)
        )
    }
    return None if EVERY_PAIR in found else found


def quote_key_hashes(text: str) -> list[str]:
    """The hashed keys :func:`zopa.corroborate` proposes two quotes for comparison by (none for a quote too
    short to be compared)."""
    from zopa.corroborate import quote_keys as keys_of

    return sorted({hashlib.sha1(key.encode()).hexdigest() for key in keys_of(text)})


def _add_quote_keys(conn: Connection, document_id: int) -> None:
    conn.execute(delete(quote_keys).where(quote_keys.c.document_id == document_id))
    rows = [
        {"key": key, "quote_id": int(r[0]), "document_id": document_id}
        for r in conn.execute(select(q.c.id, q.c.text).where(q.c.document_id == document_id))
        for key in quote_key_hashes(str(r[1]))
    ]
    if rows:
        conn.execute(insert(quote_keys), rows)


def rebuild_quote_keys(conn: Connection) -> None:
    """The copy keys of every stored quote (migration 0010)."""
    conn.execute(delete(quote_keys))
    rows: list[dict[str, Any]] = []
    for r in conn.execute(select(q.c.id, q.c.document_id, q.c.text)).all():
        rows += [
            {"key": key, "quote_id": int(r[0]), "document_id": int(r[1])}
            for key in quote_key_hashes(str(r[2]))
        ]
        if len(rows) >= 5000:
            conn.execute(insert(quote_keys), rows)
            rows = []
    if rows:
        conn.execute(insert(quote_keys), rows)


def shared_quote_ids(conn: Connection) -> set[int]:
    """Every quote that shares a copy key with another: the only quotes that can be in a quote group."""
    shared = select(quote_keys.c.key).group_by(quote_keys.c.key).having(func.count() > 1)
    found = conn.execute(select(quote_keys.c.quote_id).where(quote_keys.c.key.in_(shared)))
    return {int(r[0]) for r in found}


STATISTICS_FROM = 1_000
"""Articles from which SQLite's planner statistics are kept (below, any plan reads little)."""


def statistics_due(conn: Connection, *, least: int = STATISTICS_FROM) -> bool:
    """SQLite: whether the query planner's statistics should be gathered (:func:`gather_statistics`): there
    are ``least`` articles and no statistics yet, or the articles have doubled since. Without them SQLite
    looks a listed document up by its row instead of through ix_documents_listed, and so reads every
    matching article whole to pick a filtered page. PostgreSQL's autovacuum keeps its own: never due."""
    if conn.dialect.name != "sqlite":
        return False
    documents = counts(conn).get("documents", 0)
    analysed = 0
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        stat = conn.exec_driver_sql(
            "SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_documents_listed'"
        ).scalar()
        analysed = int(str(stat).split()[0]) if stat else 0
    return documents >= least and documents >= 2 * analysed


def gather_statistics(conn: Connection) -> None:
    """SQLite's planner statistics for ix_documents_listed alone, from a sample (quick at any size). Only
    that index: statistics on the others change plans that were chosen without them (with them SQLite
    takes ``duplicate_of IS NULL``, true of nearly every article, for a selective lookup)."""
    conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
    conn.exec_driver_sql("ANALYZE ix_documents_listed")


def counts(conn: Connection) -> dict[str, int]:
    """Every maintained row count by name (see :func:`count_names`)."""
    return {str(r[0]): int(r[1]) for r in conn.execute(select(rc.c.name, rc.c.rows))}


def snapshot(conn: Connection) -> dict[str, Any]:
    """All four aggregates as plain data (tests compare the maintained ones with :func:`rebuild`'s)."""
    return {
        "row_counts": counts(conn),
        "position_cells": sorted(tuple(r) for r in conn.execute(select(cells))),
        "outlet_counts": sorted(tuple(r) for r in conn.execute(select(outlets))),
        "speaker_counts": sorted(tuple(r) for r in conn.execute(select(speakers))),
    }


def data_version(conn: Connection) -> int:
    """The current data version: raised by every write transaction that changes documents or evidence."""
    return int(conn.execute(select(version_row.c.version)).scalar_one())


# what a kept view may rebuild besides zopa's own records (dataclasses): dates and numpy arrays
_ALLOWED = frozenset(
    {
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("numpy", "dtype"),
        ("numpy", "ndarray"),
        ("numpy._core.numeric", "_frombuffer"),
        ("numpy.core.numeric", "_frombuffer"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy.core.multiarray", "scalar"),
    }
)


class _RecordUnpickler(pickle.Unpickler):
    """Rebuilds only zopa's record classes, dates and numpy arrays: a database handed over by someone else
    cannot make a kept view run code (anything else is refused as a damaged view)."""

    def find_class(self, module: str, name: str) -> Any:
        # checked before anything is imported: importing a module a file names may run code
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        if module.startswith("zopa."):
            found = super().find_class(module, name)
            if isinstance(found, type) and dataclasses.is_dataclass(found):
                return found
        raise pickle.UnpicklingError(f"a kept view may not hold {module}.{name}")


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _loads(data: bytes) -> Any:
    return _RecordUnpickler(io.BytesIO(data)).load()


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class KeptItem:
    """One row of a kept view's listing: its kind, the part it was computed in (ties in ``sort_at`` are
    ordered by part, then in their computed order), party, issue, day (the ``since`` filter), the time it
    sorts by (newest first) and the item itself."""

    kind: str
    part: str
    value: Any
    actor: str | None
    issue: str | None
    day: date | None
    sort_at: datetime


def kept_view(conn: Connection, name: str) -> tuple[bool, Any]:
    """``(True, value)`` when view ``name`` is stored at the current data version, else ``(False, None)``."""
    row = conn.execute(
        select(views.c.value)
        .select_from(views.join(version_row, views.c.version == version_row.c.version))
        .where(views.c.name == name)
    ).first()
    if row is None:
        return False, None
    try:
        return True, _loads(row[0])
    except (pickle.UnpicklingError, AttributeError, EOFError, ImportError, TypeError, ValueError):
        return False, None  # written by another zopa version, or damaged: computed again


def kept_parts(conn: Connection, name: str) -> dict[str, Any]:
    """The per-part results kept with view ``name``, by part."""
    try:
        return {
            str(r[0]): _loads(r[1])
            for r in conn.execute(select(parts_t.c.part, parts_t.c.value).where(parts_t.c.view == name))
        }
    except (pickle.UnpicklingError, AttributeError, EOFError, ImportError, TypeError, ValueError) as exc:
        raise StorageError(f"kept view {name}: a part cannot be read ({exc})") from None


def keep_view(
    conn: Connection,
    name: str,
    version: int,
    value: Any,
    listing: Sequence[KeptItem] = (),
    *,
    parts: Mapping[str, Any] | None = None,
    replace: Collection[str] | None = None,
) -> bool:
    """Store view ``name`` computed from the data at ``version``, inside the caller's write transaction:
    its value, the items of its ``listing`` and its per-part results (``parts``). With ``replace``, only
    those parts' items and results are replaced (``listing`` and ``parts`` hold theirs) and the others kept;
    without, everything. Nothing is stored (False) when a write has raised the version since."""
    if data_version(conn) != version:
        return False
    conn.execute(delete(views).where(views.c.name.in_([name, _totals(name)])))
    if replace is None:
        conn.execute(delete(items).where(items.c.view == name))
        conn.execute(delete(parts_t).where(parts_t.c.view == name))
    else:
        chosen = sorted(replace)
        for start in range(0, len(chosen), 500):
            some = chosen[start : start + 500]
            conn.execute(delete(items).where(items.c.view == name, items.c.part.in_(some)))
            conn.execute(delete(parts_t).where(parts_t.c.view == name, parts_t.c.part.in_(some)))
    conn.execute(insert(views), {"name": name, "version": version, "value": _dumps(value)})
    seq: Counter[tuple[str, str]] = Counter()
    rows = []
    for item in listing:
        rows.append(
            {
                "view": name,
                "kind": item.kind,
                "part": item.part,
                "seq": seq[item.kind, item.part],
                "actor": item.actor,
                "issue": item.issue,
                "day": item.day,
                "sort_at": item.sort_at,
                "value": _dumps(item.value),
            }
        )
        seq[item.kind, item.part] += 1
    for start in range(0, len(rows), 1000):
        conn.execute(insert(items), rows[start : start + 1000])
    found = [{"view": name, "part": part, "value": _dumps(v)} for part, v in sorted((parts or {}).items())]
    for start in range(0, len(found), 1000):
        conn.execute(insert(parts_t), found[start : start + 1000])
    totals = {
        str(kind): int(n)
        for kind, n in conn.execute(
            select(items.c.kind, func.count()).where(items.c.view == name).group_by(items.c.kind)
        )
    }
    if totals:  # counted here once, so an unfiltered page does not count its listing on every request
        conn.execute(insert(views), {"name": _totals(name), "version": version, "value": _dumps(totals)})
    return True


def _totals(name: str) -> str:
    """The name under which the number of items of each kind in view ``name``'s listing is kept."""
    return f"{name}#totals"


def kept_listing(conn: Connection, name: str, *, leave_out: Collection[str] = ()) -> list[KeptItem]:
    """Every item of view ``name``'s listing but those of the parts ``leave_out``, each part in its computed
    order (a read-only database: what a refresh would have kept, put together in memory)."""
    out = []
    found = conn.execute(
        select(items).where(items.c.view == name).order_by(items.c.kind, items.c.part, items.c.seq)
    ).mappings()
    try:
        for r in found:
            if r["part"] in leave_out:
                continue
            out.append(
                KeptItem(
                    kind=r["kind"],
                    part=r["part"],
                    value=_loads(r["value"]),
                    actor=r["actor"],
                    issue=r["issue"],
                    day=r["day"],
                    sort_at=r["sort_at"],
                )
            )
    except (pickle.UnpicklingError, AttributeError, EOFError, ImportError, TypeError, ValueError) as exc:
        raise StorageError(f"kept view {name}: an item cannot be read ({exc})") from None
    return out


def kept_items(
    conn: Connection,
    name: str,
    kind: str,
    *,
    actor: str | None = None,
    issue: str | None = None,
    since: date | None = None,
    limit: int,
    offset: int = 0,
) -> tuple[list[Any], int]:
    """One page of view ``name``'s listing of ``kind`` (newest first) and the number of matches; the caller
    has checked with :func:`kept_view`, in the same connection, that the view is current."""
    where = [items.c.view == name, items.c.kind == kind]
    if actor is not None:
        where.append(items.c.actor == actor)
    if issue is not None:
        where.append(items.c.issue == issue)
    if since is not None:
        where.append(items.c.day >= since)
    hit, totals = kept_view(conn, _totals(name)) if len(where) == 2 else (False, {})
    if hit:  # unfiltered: the numbers kept with the view
        total = int(totals.get(kind, 0))
    else:  # filtered, or kept before the totals were
        total = int(conn.execute(select(func.count()).select_from(items).where(*where)).scalar_one())
    found = conn.execute(
        select(items.c.value)
        .where(*where)
        .order_by(items.c.sort_at.desc(), items.c.part, items.c.seq)
        .limit(limit)
        .offset(offset)
    )
    try:
        return [_loads(r[0]) for r in found], total
    except (pickle.UnpicklingError, AttributeError, EOFError, ImportError, TypeError, ValueError) as exc:
        raise StorageError(f"kept view {name}: an item cannot be read ({exc})") from None


__all__ = [
    "EVERY_PAIR",
    "QUOTES_PAIR",
    "KeptItem",
    "Removal",
    "changed_pairs",
    "count_names",
    "counts",
    "data_changed",
    "data_version",
    "document_added",
    "everything_changed",
    "evidence_added",
    "evidence_removed",
    "keep_view",
    "kept_items",
    "kept_listing",
    "kept_parts",
    "kept_view",
    "pairs_written",
    "quote_key_hashes",
    "rebuild",
    "rebuild_quote_keys",
    "shared_quote_ids",
    "snapshot",
]
