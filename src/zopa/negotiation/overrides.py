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

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from zopa.codebook import Codebook
from zopa.errors import InputError
from zopa.negotiation.estimators import Estimates, capabilities
from zopa.negotiation.records import AppliedOverride, SourcedValue
from zopa.records import _Record
from zopa.yamlfile import InputModel, load_yaml_model, validate_model

log = logging.getLogger("zopa.negotiation")

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


class OverrideEntry(InputModel):
    """One override as written in the file (validated with pydantic, errors with line and column)."""

    actor: str = Field(min_length=1)
    issue: str | None = None
    field: str
    value: Any = Field(...)  # checked per field below (a number, [lo, hi] or null)
    reason: str = ""
    by: str | None = None

    @model_validator(mode="after")
    def _check(self) -> OverrideEntry:
        if self.field not in OVERRIDE_FIELDS:
            raise ValueError(f"'field' must be one of {', '.join(OVERRIDE_FIELDS)}, not {self.field!r}")
        if not self.reason.strip():
            raise ValueError("'reason' is required: say why this value replaces the evidence")
        if self.field in _PER_ISSUE and not self.issue:
            raise ValueError(f"'issue' is required for a {self.field} override")
        if self.field == "capability" and self.issue is not None:
            raise ValueError("capability is per party: leave out 'issue'")
        _check_value(self.field, self.value)
        return self

    def record(self, source: str) -> Override:
        value = tuple(float(v) for v in self.value) if isinstance(self.value, list) else self.value
        value = float(value) if isinstance(value, int | float) else value
        return Override(
            actor=self.actor, issue=self.issue, field=self.field, value=value,  # type: ignore[arg-type]
            reason=self.reason.strip(), by=self.by, source=source,
        )  # fmt: skip


def _check_value(field: str, value: Any) -> None:
    bounds = {"position": (0, 100), "salience": (0, 1), "capability": (0, math.inf), "batna": (0, 100)}
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if field in ("position", "salience", "capability") and not numeric:
        raise ValueError(f"{field} must be a number, not {value!r}")
    if value is None:
        return  # red_line / batna: drop the evidence-based value
    if field == "red_line":
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            raise ValueError(f"red_line must be a range [lo, hi] on the 0-100 scale, not {value!r}")
        lo, hi = value
        if not (0 <= lo <= 100 and 0 <= hi <= 100):
            raise ValueError(f"red_line bounds must be on the 0-100 scale, not {value!r}")
        if lo > hi:
            raise ValueError(f"red_line [{lo:g}, {hi:g}]: lo is above hi")
        return
    if not numeric:
        raise ValueError(f"{field} must be a number (or null), not {value!r}")
    lo, hi = bounds[field]
    if not lo <= value <= hi:
        raise ValueError(f"{field} {value:g} is outside {lo:g}-{hi:g}")


class OverridesFile(InputModel):
    overrides: list[OverrideEntry] = Field(default_factory=list)


def load_overrides(path: str | Path) -> Overrides:
    """Read and check an overrides file; an :class:`InputError` names the file, line, field and problem."""
    parsed = load_yaml_model(path, OverridesFile, what="overrides")
    return _overrides(parsed, str(path))


def parse_overrides(data: Any, *, source: str = "<overrides>") -> Overrides:
    """The same from data already parsed."""
    return _overrides(validate_model(data, OverridesFile, source=source, what="overrides"), source)


def _overrides(parsed: OverridesFile, source: str) -> Overrides:
    items: list[Override] = []
    seen: set[tuple[str, str | None, str]] = set()
    for n, entry in enumerate(parsed.overrides, start=1):
        where = f"{source}#{n}"
        items.append(entry.record(where))
        if items[-1].key in seen:
            raise InputError(where, f"a second override of {'/'.join(str(k) for k in items[-1].key)}")
        seen.add(items[-1].key)
    return Overrides(items=tuple(items), path=source)


def apply_overrides(
    b: Estimates, overrides: Overrides | None, codebook: Codebook, actors: list[str]
) -> list[AppliedOverride]:
    """Replace the values the evidence gave with the analyst's, each with its reason, logged."""
    applied: list[AppliedOverride] = []
    if not overrides:
        return applied
    for ov in overrides.items:
        where = ov.source or "override"
        if ov.actor not in codebook.actor_by_id and ov.actor not in actors:
            raise InputError(where, f"actor {ov.actor!r} is not in the codebook")
        if ov.issue is not None:
            iss = codebook.issue_by_id.get(ov.issue)
            if iss is None:
                raise InputError(where, f"issue {ov.issue!r} is not in the codebook")
            if iss.no_deal:
                raise InputError(
                    where, f"issue {ov.issue!r} is the no-deal alternative: override a batna instead"
                )
        key = (ov.actor, ov.issue, ov.field)
        old = b.values.get(key)
        replaced = old.value if old is not None else None
        b.values[key] = SourcedValue(
            actor=ov.actor,
            issue=ov.issue,
            field=ov.field,
            value=ov.value,
            source="override",
            detail=ov.reason + (f" (by {ov.by})" if ov.by else "") + f" [{where}]",
            support=old.support if old is not None else (),
            replaced=replaced,
        )
        if ov.field == "position" and (ov.actor, ov.issue, "salience") not in b.values:
            b.put(
                ov.actor,
                ov.issue,
                "salience",
                b.o.default_salience,
                "default",
                "position set by an override without statements: default salience",
            )
        if ov.actor not in actors and (ov.actor, None, "capability") not in b.values:
            capabilities(b, [ov.actor])
        log.info(
            "override %s: %s/%s/%s = %r (was %r): %s",
            where,
            ov.actor,
            ov.issue or "*",
            ov.field,
            ov.value,
            replaced,
            ov.reason,
        )
        applied.append(AppliedOverride(override=ov, replaced=replaced, value=ov.value))
    return applied
