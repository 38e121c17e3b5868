"""The negotiation table every model reads: actors x issues, as NumPy arrays.

Conventions (all models rely on them):
- ``position[a, i]`` on the issue's 0-100 scale; NaN where actor ``a`` takes no part in issue ``i``.
- ``salience[a, i]`` in [0, 1] (inputs on 0-100 are divided by 100 by the readers); 0 where not involved.
- ``capability[a, i]`` >= 0 (a per-actor capability is broadcast over issues).
- ``red_line[a, i] = (lo, hi)``: the outcomes actor ``a`` can accept on issue ``i``; NaN = no red line.
- ``batna[a, i]``: the outcome actor ``a`` expects on issue ``i`` if talks fail; NaN = the status quo.
- ``risk[a]``: risk attitude in [-1, 1] (0 neutral), used by models that take one.
``provenance`` maps ``"actor/issue/field"`` to where a value came from (evidence, codebook, override, file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zopa.errors import ModelInputError


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueSpec:
    id: str
    label: str = ""
    status_quo: float | None = None
    anchors: dict[float, str] = field(default_factory=dict)
    lo: float = 0.0
    hi: float = 100.0


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Negotiation:
    name: str
    actors: tuple[str, ...]
    issues: tuple[IssueSpec, ...]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    red_line: np.ndarray | None = None  # (n_actors, n_issues, 2)
    batna: np.ndarray | None = None  # (n_actors, n_issues)
    risk: np.ndarray | None = None  # (n_actors,)
    provenance: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    @property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.issues)

    def involved(self) -> np.ndarray:
        """Boolean (n_actors, n_issues): the actor takes part in the issue."""
        return ~np.isnan(self.position)

    def weights(self) -> np.ndarray:
        """capability x salience, 0 where not involved: the weight most models use."""
        w = np.broadcast_to(self.capability, self.position.shape) * self.salience
        return np.where(self.involved(), w, 0.0)

    def validate(self) -> Negotiation:
        """Raise :class:`ModelInputError` naming actor and issue on the first inconsistency."""
        na, ni = self.n_actors, self.n_issues
        if na == 0 or ni == 0:
            raise ModelInputError(f"{self.name}: a negotiation needs at least one actor and one issue")
        for names, what in ((self.actors, "actor"), (self.issue_ids, "issue")):
            dup = {n for n in names if names.count(n) > 1}
            if dup:
                raise ModelInputError(f"{self.name}: duplicate {what} name {sorted(dup)[0]!r}")
        for arr, what in ((self.position, "position"), (self.salience, "salience")):
            if arr.shape != (na, ni):
                raise ModelInputError(f"{self.name}: {what} has shape {arr.shape}, expected {(na, ni)}")
        cap = np.broadcast_to(self.capability, (na, ni)) if self.capability.ndim else None
        if cap is None:
            raise ModelInputError(f"{self.name}: capability must be per actor or per actor and issue")
        inv = self.involved()
        for a in range(na):
            for i in range(ni):
                where = f"{self.name}: actor {self.actors[a]!r}, issue {self.issues[i].id!r}"
                if not inv[a, i]:
                    continue
                p, s, c = self.position[a, i], self.salience[a, i], cap[a, i]
                if not self.issues[i].lo <= p <= self.issues[i].hi:
                    raise ModelInputError(f"{where}: position {p} outside the scale 0-100")
                if not np.isfinite(s) or not 0 <= s <= 1:
                    raise ModelInputError(f"{where}: salience {s} must be in [0, 1] (or 0-100 in files)")
                if not np.isfinite(c) or c < 0:
                    raise ModelInputError(f"{where}: capability {c} must be a finite number >= 0")
        for a in range(na):
            if inv[a].any() and not (cap[a][inv[a]] > 0).any():
                raise ModelInputError(f"{self.name}: actor {self.actors[a]!r} has zero capability on every issue")
        for i in range(ni):
            if inv[:, i].sum() < 2:
                raise ModelInputError(f"{self.name}: issue {self.issues[i].id!r} has fewer than two actors")
        return self
