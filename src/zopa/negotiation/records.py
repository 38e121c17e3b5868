"""The records of the negotiation built from evidence: the build options, each value with its source
(:class:`SourcedValue`), contradictions, conditional offers, applied overrides, and the
:class:`NegotiationModel` that holds the table every model reads. Built by
:func:`zopa.negotiation.build.build_negotiation`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from zopa.errors import ModelInputError
from zopa.listing import first
from zopa.models.table import Negotiation
from zopa.negotiation.evidence import EvidenceRef, StatementRow
from zopa.records import Position, _Record

if TYPE_CHECKING:
    from zopa.negotiation.overrides import Override

POSITION_STANCES = frozenset({"demand", "offer", "accept", "statement"})
BATNA_STANCES = frozenset({"threat", "plan"})
FIELDS = ("position", "salience", "capability", "red_line", "batna")

Value = float | tuple[float, float] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildOptions:
    """How statements become numbers. Every rule is described in the module docstring and the README."""

    half_life_days: float = 30.0
    as_of: date | None = None  # reference date; default: the newest dated statement
    contradiction_gap: float = 25.0  # points on the 0-100 scale
    contradiction_rule: Literal["weighted", "latest"] = "weighted"
    red_line_force: float = 3.0
    stance_force: tuple[tuple[str, float], ...] = (("statement", 0.5),)  # others count 1
    reject_is_red_line: bool = True
    reject_margin: float = 5.0
    default_salience: float = 0.5  # for a position set only by an override
    include_unknown_actors: bool = False  # actors not in the codebook ("ner:..."), off by default
    # Monte Carlo spreads (table.uncertainty): position sd = max(floor, weighted sd of the stated values);
    # inferred positions get `inferred_sd`; salience sd is absolute, capability sd a share of the value.
    position_sd_floor: float = 5.0
    inferred_sd: float = 15.0
    salience_sd: float = 0.1
    capability_sd_share: float = 0.25

    def __post_init__(self) -> None:
        if not self.half_life_days > 0:
            raise ModelInputError(f"half_life_days must be > 0, not {self.half_life_days}")
        if self.contradiction_rule not in ("weighted", "latest"):
            raise ModelInputError(
                f"contradiction_rule must be 'weighted' or 'latest', not {self.contradiction_rule!r}"
            )
        if not 0 <= self.reject_margin < 50:
            raise ModelInputError(f"reject_margin must be in [0, 50), not {self.reject_margin}")

    def force(self, position: Position) -> float:
        base = dict(self.stance_force).get(position.stance, 1.0)
        return base * (self.red_line_force if position.red_line else 1.0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "half_life_days": self.half_life_days,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "contradiction_gap": self.contradiction_gap,
            "contradiction_rule": self.contradiction_rule,
            "red_line_force": self.red_line_force,
            "stance_force": dict(self.stance_force),
            "reject_is_red_line": self.reject_is_red_line,
            "reject_margin": self.reject_margin,
            "default_salience": self.default_salience,
            "include_unknown_actors": self.include_unknown_actors,
            "position_sd_floor": self.position_sd_floor,
            "inferred_sd": self.inferred_sd,
            "salience_sd": self.salience_sd,
            "capability_sd_share": self.capability_sd_share,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class SourcedValue(_Record):
    """One number of the table and where it came from."""

    actor: str
    issue: str | None  # None for per-party values (capability)
    field: str  # position | salience | capability | red_line | batna
    value: Value
    source: str  # evidence | inferred | codebook | default | override
    detail: str  # the rule or formula applied, the codebook field, or the override's reason
    # the statements behind the value with their time-decay weights; `evidence` turns them into references
    # dataclasses.field: the `field` attribute above shadows the imported name for type checkers
    support: tuple[tuple[StatementRow, float], ...] = dataclasses.field(default=(), repr=False, compare=False)
    replaced: Value = None  # for an override: the value the evidence gave
    flags: tuple[str, ...] = ()  # "contradiction", ...
    independent_sources: int | None = None  # distinct sources among `support`, when the build was given them

    @property
    def key(self) -> str:
        return f"{self.actor}/{self.issue or '*'}/{self.field}"

    @property
    def evidence(self) -> tuple[EvidenceRef, ...]:
        """The sentences behind the value (document, span, sentence, stance, value, decay weight)."""
        return tuple(EvidenceRef.from_row(r, w) for r, w in self.support)

    def describe(self) -> str:
        """The provenance line stored in ``Negotiation.provenance``."""
        if self.source in ("evidence", "inferred"):
            support, more = first(self.support, 3)
            cites = "; ".join(EvidenceRef.from_row(r, w).cite() for r, w in support)
            return f"{self.source}: {self.detail} [{cites}{f' ({more})' if more else ''}]"
        return f"{self.source}: {self.detail}"

    def as_dict(self) -> dict[str, Any]:
        plain = lambda v: list(v) if isinstance(v, tuple) else v  # noqa: E731
        return {
            "actor": self.actor,
            "issue": self.issue,
            "field": self.field,
            "value": plain(self.value),
            "source": self.source,
            "detail": self.detail,
            "evidence": [e.as_dict() for e in self.evidence],
            "replaced": plain(self.replaced),
            "flags": list(self.flags),
            "independent_sources": self.independent_sources,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Contradiction(_Record):
    actor: str
    issue: str
    kind: str  # positions | demand-and-reject | red-lines
    values: tuple[float, ...]
    evidence: tuple[EvidenceRef, ...]
    resolution: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkedOffer(_Record):
    """A conditional offer: ``actor`` accepts ``value`` on ``issue`` if it gets ``requires`` on the other."""

    actor: str
    issue: str
    value: float | None
    conditional_on: str
    requires: float | None  # the party's own position on the linked issue (what it wants in exchange)
    evidence: tuple[EvidenceRef, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AppliedOverride(_Record):
    override: Override
    replaced: Value
    value: Value


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class NegotiationModel:
    """The negotiation built from evidence: the table, each value's source, and what the builder noticed."""

    table: Negotiation
    values: dict[str, SourcedValue]  # key "actor/issue/field" ("actor/*/capability")
    contradictions: tuple[Contradiction, ...] = ()
    linked_offers: tuple[LinkedOffer, ...] = ()
    overrides: tuple[AppliedOverride, ...] = ()
    skipped: tuple[str, ...] = ()  # statements or issues left out, and why
    resolved_rejects: dict[int, float] = field(default_factory=dict)  # statement id -> the value it rejects
    statements_used: int = 0
    as_of: date | None = None
    options: BuildOptions = field(default_factory=BuildOptions)
    codebook_name: str = ""

    def value(self, actor: str, issue: str | None, field_name: str) -> SourcedValue | None:
        return self.values.get(f"{actor}/{issue or '*'}/{field_name}")

    def modeled(self) -> Negotiation:
        """The table the models run on: issues with at least two parties, parties on at least one of them."""
        return modeled_table(self.table)

    def as_dict(self) -> dict[str, Any]:
        t = self.table
        parties = []
        for a, actor in enumerate(t.actors):
            issues = {}
            for i, spec in enumerate(t.issues):
                if math.isnan(t.position[a, i]) and self.value(actor, spec.id, "batna") is None:
                    continue
                issues[spec.id] = {
                    f: self.values[k].as_dict()
                    for f in FIELDS
                    if (k := f"{actor}/{spec.id}/{f}") in self.values
                }
            cap = self.value(actor, None, "capability")
            parties.append({"actor": actor, "capability": cap.as_dict() if cap else None, "issues": issues})
        return {
            "name": t.name,
            "codebook": self.codebook_name,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "options": self.options.as_dict(),
            "statements_used": self.statements_used,
            "actors": list(t.actors),
            "issues": [
                {
                    "id": s.id,
                    "label": s.label,
                    "status_quo": s.status_quo,
                    "anchors": {str(k): v for k, v in s.anchors.items()},
                }
                for s in t.issues
            ],
            "modeled_issues": list(self.modeled().issue_ids) if _has_model(t) else [],
            "parties": parties,
            "contradictions": [c.as_dict() for c in self.contradictions],
            "linked_offers": [o.as_dict() for o in self.linked_offers],
            "overrides": [o.as_dict() for o in self.overrides],
            "skipped": list(self.skipped),
        }


def _has_model(t: Negotiation) -> bool:
    return bool((t.involved().sum(axis=0) >= 2).any())


def modeled_table(table: Negotiation) -> Negotiation:
    """Keep the issues with two or more parties and the parties on one of them; validate."""
    inv = table.involved()
    keep_i = np.flatnonzero(inv.sum(axis=0) >= 2)
    if keep_i.size == 0:
        raise ModelInputError(
            f"{table.name}: no issue has positions of two or more parties; nothing to model"
        )
    keep_a = np.flatnonzero(inv[:, keep_i].any(axis=1))
    return table.select(actors=keep_a, issues=keep_i).validate()
