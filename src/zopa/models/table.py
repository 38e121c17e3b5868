"""The negotiation table every model reads: actors x issues, as NumPy arrays.

Conventions (all models rely on them):
- ``position[a, i]`` on the issue's scale (``IssueSpec.lo``-``hi``, 0-100 by default); NaN where actor ``a``
  takes no part in issue ``i``.
- ``salience[a, i]`` in [0, 1] (inputs on 0-100 are divided by 100 by the readers); 0 where not involved.
- ``capability[a, i]`` >= 0 (a per-actor capability, shape ``(n_actors,)``, is broadcast over issues).
- ``red_line[a, i] = (lo, hi)``: the outcomes actor ``a`` can accept on issue ``i``; NaN = no red line.
- ``batna[a, i]``: the outcome actor ``a`` expects on issue ``i`` if talks fail; NaN = the status quo.
- ``risk[a]``: risk attitude in [-1, 1] (0 neutral), used by models that take one.
- ``uncertainty``: optional spreads (standard deviations) or ranges per value, read by Monte Carlo.
``provenance`` maps ``"actor/issue/field"`` to where a value came from (evidence, codebook, override, file).
"""

from __future__ import annotations

import dataclasses
import hashlib
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

    @property
    def span(self) -> float:
        return self.hi - self.lo


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Uncertainty:
    """How uncertain each input is, for Monte Carlo. Every array is optional; NaN or 0 = known exactly.

    ``*_sd`` are standard deviations of a normal draw around the table's value (positions and capability in
    their
    own units, salience on 0-1); ``*_range`` are ``(lo, hi)`` bounds of a uniform draw and win over ``*_sd``.
    Draws are clipped to the issue's scale, salience to [0, 1] and capability to >= 0.
    """

    position_sd: np.ndarray | None = None  # (n_actors, n_issues)
    salience_sd: np.ndarray | None = None  # (n_actors, n_issues)
    capability_sd: np.ndarray | None = None  # (n_actors,)
    position_range: np.ndarray | None = None  # (n_actors, n_issues, 2)
    salience_range: np.ndarray | None = None  # (n_actors, n_issues, 2)
    capability_range: np.ndarray | None = None  # (n_actors, 2)

    def is_empty(self) -> bool:
        for f in dataclasses.fields(self):
            arr = getattr(self, f.name)
            if arr is not None and np.any(np.nan_to_num(arr, nan=0.0) != 0):
                return False
        return True


# Capabilities are relative weights; a larger one overflows the models' sums of products to infinity.
MAX_CAPABILITY = 1e15


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class TableBatch:
    """Many draws of a table at once, for vectorised models: leading axis = draw.

    ``position`` (D, A, I) with NaN where not involved, ``salience`` (D, A, I), ``capability`` (D, A, I),
    ``status_quo`` (D, I) with NaN where the issue has none, ``batna`` (D, A, I) NaN = status quo, ``risk``
    (D, A).
    """

    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    status_quo: np.ndarray
    batna: np.ndarray
    risk: np.ndarray

    @property
    def n_draws(self) -> int:
        return int(self.position.shape[0])

    def weights(self) -> np.ndarray:
        """capability x salience, 0 where not involved, shape (D, A, I)."""
        w = self.capability * self.salience
        missing = np.isnan(self.position)
        return np.where(missing, 0.0, w) if missing.any() else w

    def table(self, d: int, base: Negotiation) -> Negotiation:
        """Draw ``d`` as a Negotiation (names, scales and red lines from ``base``)."""
        sq = self.status_quo[d]
        issues = tuple(
            dataclasses.replace(spec, status_quo=None if np.isnan(sq[i]) else float(sq[i]))
            for i, spec in enumerate(base.issues)
        )
        return base.replace(
            issues=issues,
            position=np.array(self.position[d]),
            salience=np.array(self.salience[d]),
            capability=np.array(self.capability[d]),
            batna=np.array(self.batna[d]),
            risk=np.array(self.risk[d]),
            uncertainty=None,
        )

    @classmethod
    def of(cls, table: Negotiation) -> TableBatch:
        """A batch of one draw: the table itself."""
        return cls(
            position=table.position[None].astype(float),
            salience=np.where(table.involved(), table.salience, 0.0)[None].astype(float),
            capability=table.capability_matrix()[None].astype(float),
            status_quo=table.status_quo_vector()[None],
            batna=(table.batna if table.batna is not None else np.full(table.position.shape, np.nan))[None],
            risk=(table.risk if table.risk is not None else np.zeros(table.n_actors))[None].astype(float),
        )


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
    uncertainty: Uncertainty | None = None

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

    def capability_matrix(self) -> np.ndarray:
        """Capability as (n_actors, n_issues), whether given per actor or per actor and issue."""
        cap = np.asarray(self.capability, dtype=float)
        if cap.ndim == 1:
            cap = cap[:, None]
        return np.broadcast_to(cap, self.position.shape).astype(float)

    def weights(self) -> np.ndarray:
        """capability x salience, 0 where not involved: the weight most models use."""
        w = self.capability_matrix() * self.salience
        return np.where(self.involved(), w, 0.0)

    def status_quo_vector(self) -> np.ndarray:
        """Status quo per issue, NaN where the issue has none."""
        return np.array([np.nan if i.status_quo is None else float(i.status_quo) for i in self.issues])

    def no_deal(self) -> np.ndarray:
        """(n_actors, n_issues): the outcome each actor expects on each issue if talks fail.

        Its BATNA where given, else the issue's status quo, else NaN (no reference outcome known).
        """
        sq = np.broadcast_to(self.status_quo_vector(), self.position.shape)
        if self.batna is None:
            return np.array(sq, dtype=float)
        return np.where(np.isnan(self.batna), sq, self.batna).astype(float)

    def spans(self) -> np.ndarray:
        """Width of each issue's scale (hi - lo), shape (n_issues,)."""
        return np.array([i.span for i in self.issues], dtype=float)

    def issue_index(self, issue_id: str) -> int:
        try:
            return self.issue_ids.index(issue_id)
        except ValueError:
            raise ModelInputError(
                f"{self.name}: unknown issue {issue_id!r}; known: {', '.join(self.issue_ids)}"
            ) from None

    def replace(self, **changes: Any) -> Negotiation:
        """A copy with some fields replaced (the table is frozen)."""
        return dataclasses.replace(self, **changes)

    def select(self, actors: Any = None, issues: Any = None) -> Negotiation:
        """The table restricted to some actors and issues (index arrays or id lists; None: all), every array
        cut to match and the provenance of the kept cells only."""

        def index(given: Any, names: tuple[str, ...]) -> np.ndarray:
            if given is None:
                return np.arange(len(names))
            picked = list(given)
            if picked and isinstance(picked[0], str):
                return np.array([names.index(n) for n in picked], dtype=int)
            return np.asarray(picked, dtype=int)

        ka, ki = index(actors, self.actors), index(issues, self.issue_ids)
        grid = np.ix_(ka, ki)
        kept_actors = tuple(self.actors[a] for a in ka)
        kept_issues = tuple(self.issues[i] for i in ki)
        keys = {f"{a}/{s.id}/" for a in kept_actors for s in kept_issues} | {f"{a}/*/" for a in kept_actors}
        u = self.uncertainty

        def cut(arr: np.ndarray | None, per_issue: bool = True) -> np.ndarray | None:
            if arr is None:
                return None
            return arr[grid] if per_issue else arr[ka]

        cap = self.capability[ka] if np.ndim(self.capability) == 1 else self.capability[grid]
        return dataclasses.replace(
            self,
            actors=kept_actors,
            issues=kept_issues,
            position=self.position[grid],
            salience=self.salience[grid],
            capability=cap,
            red_line=cut(self.red_line),
            batna=cut(self.batna),
            risk=cut(self.risk, per_issue=False),
            provenance={k: v for k, v in self.provenance.items() if k[: k.rfind("/") + 1] in keys},
            uncertainty=None
            if u is None
            else Uncertainty(
                position_sd=cut(u.position_sd),
                salience_sd=cut(u.salience_sd),
                capability_sd=cut(u.capability_sd, per_issue=False),
                position_range=cut(u.position_range),
                salience_range=cut(u.salience_range),
                capability_range=cut(u.capability_range, per_issue=False),
            ),
        )

    def fingerprint(self) -> str:
        """A short hash of every input a model reads: ties a forecast to the exact table it ran on."""
        h = hashlib.sha256()
        h.update("\x1f".join(self.actors).encode())
        h.update("\x1f".join(f"{i.id}:{i.status_quo}:{i.lo}:{i.hi}" for i in self.issues).encode())
        for arr in (self.position, self.salience, self.capability, self.red_line, self.batna, self.risk):
            if arr is not None:
                h.update(np.ascontiguousarray(np.asarray(arr, dtype=float)).tobytes())
        return h.hexdigest()[:12]

    def label(self) -> str:
        """``name@fingerprint``: what a ModelResult records as its inputs."""
        return f"{self.name}@{self.fingerprint()}"

    def validate(self, *, min_actors: int = 2) -> Negotiation:
        """Raise :class:`ModelInputError` naming actor and issue on the first inconsistency. Every issue needs
        ``min_actors`` actors (1 to score one party's stake in an issue no one else takes a side on)."""
        na, ni = self.n_actors, self.n_issues
        if na == 0 or ni == 0:
            raise ModelInputError(f"{self.name}: a negotiation needs at least one actor and one issue")
        for names, what in ((self.actors, "actor"), (self.issue_ids, "issue")):
            dup = {n for n in names if names.count(n) > 1}
            if dup:
                raise ModelInputError(f"{self.name}: duplicate {what} name {sorted(dup)[0]!r}")
            empty = [n for n in names if not str(n).strip()]
            if empty:
                raise ModelInputError(f"{self.name}: an {what} has an empty name")
        for spec in self.issues:
            if not (np.isfinite(spec.lo) and np.isfinite(spec.hi)) or spec.lo >= spec.hi:
                raise ModelInputError(
                    f"{self.name}: issue {spec.id!r} has an empty scale {spec.lo}-{spec.hi}", issue=spec.id
                )
            if spec.status_quo is not None and not spec.lo <= spec.status_quo <= spec.hi:
                raise ModelInputError(
                    f"{self.name}: issue {spec.id!r}: status quo {spec.status_quo} outside the scale "
                    f"{spec.lo:g}-{spec.hi:g}",
                    issue=spec.id,
                )
        for arr, what in ((self.position, "position"), (self.salience, "salience")):
            if arr.shape != (na, ni):
                raise ModelInputError(f"{self.name}: {what} has shape {arr.shape}, expected {(na, ni)}")
        cap_arr = np.asarray(self.capability)
        if cap_arr.shape not in ((na,), (na, ni)):
            raise ModelInputError(
                f"{self.name}: capability has shape {cap_arr.shape}; expected per actor {(na,)} "
                f"or per actor and issue {(na, ni)}"
            )
        if self.red_line is not None and self.red_line.shape != (na, ni, 2):
            raise ModelInputError(
                f"{self.name}: red_line has shape {self.red_line.shape}, expected {(na, ni, 2)}"
            )
        if self.batna is not None and self.batna.shape != (na, ni):
            raise ModelInputError(f"{self.name}: batna has shape {self.batna.shape}, expected {(na, ni)}")
        if self.risk is not None and self.risk.shape != (na,):
            raise ModelInputError(f"{self.name}: risk has shape {self.risk.shape}, expected {(na,)}")
        cap = self.capability_matrix()
        inv = self.involved()
        bad = np.isinf(self.position)
        if bad.any():
            a, i = np.argwhere(bad)[0]
            raise ModelInputError(
                f"{self.name}: actor {self.actors[a]!r}, issue {self.issues[i].id!r}: position is infinite"
            )
        for a in range(na):
            if self.risk is not None and not (np.isfinite(self.risk[a]) and -1 <= self.risk[a] <= 1):
                raise ModelInputError(
                    f"{self.name}: actor {self.actors[a]!r}: risk attitude {self.risk[a]} must be in [-1, 1]"
                )
            for i in range(ni):
                spec = self.issues[i]
                where = f"{self.name}: actor {self.actors[a]!r}, issue {spec.id!r}"
                if not inv[a, i]:
                    continue
                p, s, c = self.position[a, i], self.salience[a, i], cap[a, i]
                if not spec.lo <= p <= spec.hi:
                    raise ModelInputError(
                        f"{where}: position {p:g} outside the scale {spec.lo:g}-{spec.hi:g}"
                    )
                if not np.isfinite(s):
                    raise ModelInputError(f"{where}: salience is missing (NaN)")
                if not 0 <= s <= 1:
                    raise ModelInputError(f"{where}: salience {s:g} must be in [0, 1] (or 0-100 in files)")
                if not np.isfinite(c) or c < 0:
                    raise ModelInputError(f"{where}: capability {c} must be a finite number >= 0")
                if c > MAX_CAPABILITY:
                    raise ModelInputError(
                        f"{where}: capability {c:g} is over {MAX_CAPABILITY:g}; capabilities are relative "
                        "weights, so divide them all by a common factor"
                    )
                if self.red_line is not None:
                    lo, hi = self.red_line[a, i]
                    if not np.isnan(lo) and not np.isnan(hi) and lo > hi:
                        raise ModelInputError(f"{where}: red line [{lo:g}, {hi:g}] is empty (lo > hi)")
                    for v in (lo, hi):
                        if not np.isnan(v) and not spec.lo <= v <= spec.hi:
                            raise ModelInputError(
                                f"{where}: red line bound {v:g} outside the scale {spec.lo:g}-{spec.hi:g}"
                            )
                if self.batna is not None and not np.isnan(self.batna[a, i]):
                    b = self.batna[a, i]
                    if not spec.lo <= b <= spec.hi:
                        raise ModelInputError(
                            f"{where}: BATNA {b:g} outside the scale {spec.lo:g}-{spec.hi:g}"
                        )
        for a in range(na):
            if inv[a].any() and not (cap[a][inv[a]] > 0).any():
                raise ModelInputError(
                    f"{self.name}: actor {self.actors[a]!r} has zero capability on every issue"
                )
        for i in range(ni):
            if inv[:, i].sum() < min_actors:
                iid = self.issues[i].id
                few = "fewer than two actors" if min_actors == 2 else f"fewer than {min_actors} actor(s)"
                raise ModelInputError(f"{self.name}: issue {iid!r} has {few}", issue=iid)
        if self.uncertainty is not None:
            self._validate_uncertainty(self.uncertainty)
        return self

    def _validate_uncertainty(self, unc: Uncertainty) -> None:
        """Spreads are finite and >= 0 (NaN: known exactly); ranges are finite with lo <= hi."""
        for f in dataclasses.fields(unc):
            arr = getattr(unc, f.name)
            if arr is None:
                continue
            values = np.asarray(arr, dtype=float)
            given = ~np.isnan(values)
            if np.isinf(values).any():
                raise ModelInputError(f"{self.name}: {f.name} holds an infinite value")
            if f.name.endswith("_sd") and (values[given] < 0).any():
                found = np.argwhere(given & (np.nan_to_num(values) < 0))[0]
                who = self.actors[found[0]]
                raise ModelInputError(
                    f"{self.name}: actor {who!r}: {f.name} {values[tuple(found)]:g} is negative "
                    "(a spread is a standard deviation, >= 0)"
                )
            if f.name.endswith("_range"):
                lo, hi = values[..., 0], values[..., 1]
                if (~np.isnan(lo) & ~np.isnan(hi) & (lo > hi)).any():
                    raise ModelInputError(f"{self.name}: {f.name} has a range with lo > hi")
