"""Analyst overrides: any value of the negotiation table, set by hand with a reason.

An overrides file is YAML::

    overrides:
      - actor: russia
        issue: donetsk-control
        field: salience          # position | salience | capability | red_line | batna
        value: 0.95              # red_line: [lo, hi] (or null to drop it); batna: a number (or null)
        reason: "Every Kremlin statement since 2024 puts Donetsk first"
        by: analyst initials     # optional

``capability`` is per party (no ``issue``). Overrides never touch the evidence: the builder computes every
value from the statements first, then replaces the overridden ones, keeping the evidence-based value beside
the override (``replaced``), marking the provenance as ``override`` with its reason, and logging each
one (logger ``zopa.negotiation``). A reason is required: an override without one is an input error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zopa.errors import InputError
from zopa.records import _Record
from zopa.yamlfile import read_yaml

OVERRIDE_FIELDS: tuple[str, ...] = ("position", "salience", "capability", "red_line", "batna")
_PER_ISSUE = {"position", "salience", "red_line", "batna"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Override(_Record):
    actor: str
    issue: str | None
    field: str
    value: float | tuple[float, float] | None
    reason: str
    by: str | None = None
    source: str = ""  # "FILE#N": the file and the entry's number (1-based)

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.actor, self.issue, self.field)


@dataclass(frozen=True, slots=True, kw_only=True)
class Overrides(_Record):
    items: tuple[Override, ...] = ()
    path: str | None = None

    def __len__(self) -> int:
        return len(self.items)


def load_overrides(path: str | Path) -> Overrides:
    """Read and check an overrides file; raise :class:`InputError` naming the file, entry and problem."""
    doc = read_yaml(path, what="overrides", error=InputError)
    return parse_overrides(doc.data, source=str(doc.path))


def parse_overrides(data: Any, *, source: str = "<overrides>") -> Overrides:
    if data is None:
        return Overrides(path=source)
    if not isinstance(data, dict) or not isinstance(data.get("overrides", []), list):
        raise InputError(source, "an overrides file is a mapping with a list under 'overrides'")
    items: list[Override] = []
    seen: set[tuple[str, str | None, str]] = set()
    for n, entry in enumerate(data.get("overrides") or [], start=1):
        where = f"{source}#{n}"
        items.append(_parse_entry(entry, where))
        if items[-1].key in seen:
            raise InputError(where, f"a second override of {'/'.join(str(k) for k in items[-1].key)}")
        seen.add(items[-1].key)
    return Overrides(items=tuple(items), path=source)


def _parse_entry(entry: Any, where: str) -> Override:
    if not isinstance(entry, dict):
        raise InputError(where, "each override is a mapping with actor, field, value and reason")
    unknown = set(entry) - {"actor", "issue", "field", "value", "reason", "by"}
    if unknown:
        raise InputError(
            where, f"unknown key {sorted(unknown)[0]!r} (expected actor, issue, field, value, reason, by)"
        )
    actor, issue, field = entry.get("actor"), entry.get("issue"), entry.get("field")
    reason = str(entry.get("reason") or "").strip()
    if not isinstance(actor, str) or not actor:
        raise InputError(where, "'actor' (a party id) is required")
    if field not in OVERRIDE_FIELDS:
        raise InputError(where, f"'field' must be one of {', '.join(OVERRIDE_FIELDS)}, not {field!r}")
    if field in _PER_ISSUE and (not isinstance(issue, str) or not issue):
        raise InputError(where, f"'issue' is required for a {field} override")
    if field == "capability" and issue is not None:
        raise InputError(where, "capability is per party: leave out 'issue'")
    if not reason:
        raise InputError(where, "'reason' is required: say why this value replaces the evidence")
    if "value" not in entry:
        raise InputError(where, "'value' is required")
    value = _parse_value(field, entry["value"], where)
    by = entry.get("by")
    return Override(
        actor=actor,
        issue=issue,
        field=field,
        value=value,
        reason=reason,
        by=str(by) if by is not None else None,
        source=where,
    )


def _number(raw: Any, where: str, what: str, lo: float, hi: float) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise InputError(where, f"{what} must be a number, not {raw!r}")
    value = float(raw)
    if not lo <= value <= hi:
        raise InputError(where, f"{what} {value} is outside {lo:g}-{hi:g}")
    return value


def _parse_value(field: str, raw: Any, where: str) -> float | tuple[float, float] | None:
    if field == "position":
        return _number(raw, where, "position", 0, 100)
    if field == "salience":
        return _number(raw, where, "salience", 0, 1)
    if field == "capability":
        return _number(raw, where, "capability", 0, float("inf"))
    if raw is None:
        return None  # red_line / batna: drop the evidence-based value
    if field == "batna":
        return _number(raw, where, "batna", 0, 100)
    if not isinstance(raw, list) or len(raw) != 2:
        raise InputError(where, f"red_line must be a range [lo, hi] on the 0-100 scale, not {raw!r}")
    lo, hi = (_number(v, where, "red_line bound", 0, 100) for v in raw)
    if lo > hi:
        raise InputError(where, f"red_line [{lo:g}, {hi:g}]: lo is above hi")
    return (lo, hi)
