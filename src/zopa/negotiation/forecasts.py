"""Every model's forecast per issue, computed once and stored: the one answer the CLI, the report, the
dashboard and the API all show.

**The convention** (stated by :func:`convention` in every view): a model's *forecast* on an issue is the
median of its forecasts over the Monte Carlo draws of the table's uncertain inputs; its *interval* is the
central ``level`` share of the same draws (10th to 90th percentile for 80%), so the forecast always lies
inside its interval. *As estimated* is the model run once on the table as built from the evidence. With no
draws the forecast is the as-estimated value and there is no interval.

**Per issue.** A model that cannot run on one issue (too few parties with a position there, in the table or
in a draw) runs on the others: the issue reads "not run" with the reason, and a draw it cannot run is
counted (``failed``, with the reasons), never allowed to drop the model. **No agreement.** A model that can
end without an agreement (Nash bargaining) reports the share of draws that reach none; when most do, the
forecast reads "no agreement" (its value would be the disagreement point, the status quo, which is not a
forecast of a deal), with the parties that block it at the estimate.

**Stored.** The result is stored in the database under a key hashing the table (every input and its
spreads), the model and its parameters, the draws, the seed, the level and :data:`FORECAST_VERSION`
(:mod:`zopa.store.forecasts`): a second view reads the first one's numbers.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from zopa.errors import ModelInputError, ZopaError
from zopa.models.table import Negotiation
from zopa.records import _Record

if TYPE_CHECKING:
    from zopa.store.db import Database

FORECAST_VERSION = "1"  # bump when the way a stored forecast is computed changes


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalysisOptions:
    """Which models run and how many Monte Carlo draws (vectorised models / models run draw by draw). The
    defaults are every view's: the CLI, the report, the dashboard and the API."""

    models: tuple[str, ...] | None = None  # None: every registered model
    draws: int = 500  # for models with a vectorised Monte Carlo
    iterative_draws: int = 20  # for models run draw by draw (bdm, exchange, smp)
    seed: int = 0
    level: float = 0.8
    top_deals: int = 10
    max_evidence: int = 5  # sentences shown per value (the heaviest by time decay); the count is always given
    max_conditional: int = 5  # conditional packages scored (the best-attested offers first)

    def __post_init__(self) -> None:
        if self.draws < 0 or self.iterative_draws < 0:
            raise ModelInputError(f"draws must be >= 0, not {min(self.draws, self.iterative_draws)}")
        if not 0 < self.level < 1:
            raise ModelInputError(f"level must be between 0 and 1, not {self.level}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "models": list(self.models) if self.models else None,
            "draws": self.draws,
            "iterative_draws": self.iterative_draws,
            "seed": self.seed,
            "level": self.level,
            "convention": convention(self.level),
        }


def convention(level: float = 0.8) -> str:
    """How a forecast and its interval are defined, in words (shown in every view)."""
    low = round((1 - level) / 2 * 100)
    return (
        f"forecast = the median of the model's forecasts over Monte Carlo draws of the uncertain inputs; "
        f"[lo-hi] = the {low}th to {100 - low}th percentiles of the same draws ({level:.0%} interval); "
        "'as estimated' = the model on the table as built"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueForecast(_Record):
    """One model's forecast on one issue, with what it rests on."""

    model: str
    issue: str
    value: float | None  # the forecast (median over the draws); None: not run, or no agreement
    lo: float | None
    hi: float | None
    as_estimated: float | None  # the model once on the table as built
    draws: int  # draws asked for
    ran: int  # draws that gave a forecast on this issue
    failed: dict[str, int] = field(default_factory=dict)  # reason -> draws the model could not run
    no_agreement: int = 0  # draws that reach no agreement (a model with a disagreement point)
    agreement: bool | None = None  # at the estimate; None for a model without a notion of agreement
    blocking: tuple[str, ...] = ()  # who blocks an agreement at the estimate
    disagreement_point: float | None = None  # the model's value where there is no agreement
    method: str = "point"  # vectorised | per-draw | point | not run
    error: str | None = None  # why the model did not run on this issue at all
    level: float = 0.8

    @property
    def failed_draws(self) -> int:
        return sum(self.failed.values())

    @property
    def reads_no_agreement(self) -> bool:
        """Most draws (or, without draws, the estimate) reach no agreement."""
        if self.error is not None:
            return False
        if self.draws == 0 or self.ran == 0:
            return self.agreement is False
        return 2 * self.no_agreement > self.ran

    def text(self) -> str:
        """The forecast in words and numbers: the one way every view prints it."""
        if self.error is not None:
            return f"not run on this issue: {self.error}"
        if self.reads_no_agreement:
            who = f"; blocked by {', '.join(self.blocking)}" if self.blocking else ""
            share = f" in {self.no_agreement} of {self.ran} draws" if self.ran else ""
            return f"no agreement{share}{who}"
        out = _num(self.value)
        if self.lo is not None and self.hi is not None:
            out += f" [{_num(self.lo)}-{_num(self.hi)}]"
        return out

    def notes(self) -> list[str]:
        """What the numbers rest on, beyond the convention: failed draws, draws without agreement."""
        out = []
        if self.failed_draws:
            reasons = "; ".join(f"{k} ({v})" for k, v in sorted(self.failed.items()))
            out.append(f"{self.failed_draws} of {self.draws} draws could not be run on this issue: {reasons}")
        if self.no_agreement and not self.reads_no_agreement:
            out.append(f"no agreement in {self.no_agreement} of {self.ran} draws (left out of the forecast)")
        if self.reads_no_agreement and self.disagreement_point is not None:
            out.append(f"the disagreement point (no deal) is {_num(self.disagreement_point)}")
        return out

    def as_dict(self) -> dict[str, Any]:
        data = _Record.as_dict(self)
        data["text"] = self.text()
        data["notes"] = self.notes()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IssueForecast:
        known = {f for f in cls.__dataclass_fields__}
        kept = {k: v for k, v in data.items() if k in known}
        kept["blocking"] = tuple(kept.get("blocking") or ())
        kept["failed"] = dict(kept.get("failed") or {})
        return cls(**kept)


def _num(v: float | None) -> str:
    return "-" if v is None or not math.isfinite(v) else f"{v:.1f}"


def forecast_key(
    table: Negotiation, model: str, params: dict[str, Any], draws: int, seed: int, level: float
) -> str:
    """The hash a forecast is stored under: every input of the table (values, spreads), the model, its
    parameters, draws, seed, level and the engine's version."""
    h = hashlib.sha256()
    h.update(json.dumps([FORECAST_VERSION, table.label(), model, params, draws, seed, level], sort_keys=True,
                        default=str).encode())  # fmt: skip
    u = table.uncertainty
    if u is not None:
        for name in u.__dataclass_fields__:
            arr = getattr(u, name)
            h.update(name.encode())
            if arr is not None:
                h.update(np.ascontiguousarray(np.asarray(arr, dtype=float)).tobytes())
    h.update(json.dumps([[s.id, s.label, s.status_quo] for s in table.issues]).encode())
    return h.hexdigest()


def draws_for(model: str, options: AnalysisOptions) -> int:
    """Monte Carlo draws for a model: vectorised models take ``draws``, the others ``iterative_draws``."""
    from zopa.models.registry import get_batch

    return options.draws if get_batch(model) is not None else options.iterative_draws


def model_forecasts(
    table: Negotiation,
    model: str,
    *,
    draws: int,
    seed: int = 0,
    level: float = 0.8,
    params: dict[str, Any] | None = None,
    db: Database | None = None,
) -> dict[str, IssueForecast]:
    """One model's forecast on every issue of ``table`` (see the module docstring), from the store when it
    is there, else computed (and stored when ``db`` is given)."""
    params = dict(params or {})
    key = forecast_key(table, model, params, draws, seed, level)
    if db is not None:
        from zopa.store.forecasts import load_forecast

        stored = load_forecast(db, key)
        if stored is not None:
            return {iid: IssueForecast.from_dict(stored[iid]) for iid in table.issue_ids}
    result = _compute(table, model, params, draws, seed, level)
    if db is not None:
        from zopa.negotiation.service import jsonable
        from zopa.store.forecasts import save_forecast

        save_forecast(
            db,
            key,
            inputs=table.label(),
            model=model,
            settings={"params": params, "draws": draws, "seed": seed, "level": level, "v": FORECAST_VERSION},
            result=jsonable({iid: _Record.as_dict(f) for iid, f in result.items()}),
        )
    return result


def forecast_table(
    table: Negotiation, options: AnalysisOptions, *, db: Database | None = None
) -> dict[str, dict[str, IssueForecast]]:
    """issue -> model -> forecast, for every model of ``options`` (see :func:`model_forecasts`)."""
    from zopa.models.registry import model_names

    out: dict[str, dict[str, IssueForecast]] = {iid: {} for iid in table.issue_ids}
    for name in options.models or model_names():
        per_issue = model_forecasts(
            table, name, draws=draws_for(name, options), seed=options.seed, level=options.level, db=db
        )
        for iid, f in per_issue.items():
            out[iid][name] = f
    return out


def _compute(
    table: Negotiation, model: str, params: dict[str, Any], draws: int, seed: int, level: float
) -> dict[str, IssueForecast]:
    from zopa.models.montecarlo import run_one, simulate

    def not_run(iid: str, why: str) -> IssueForecast:
        return IssueForecast(
            model=model, issue=iid, value=None, lo=None, hi=None, as_estimated=None, draws=draws, ran=0,
            method="not run", error=why, level=level,
        )  # fmt: skip

    try:
        base, dropped = run_one(model, params, table)
    except ZopaError as exc:
        return {iid: not_run(iid, str(exc)) for iid in table.issue_ids}
    kept = [iid for iid in table.issue_ids if iid not in dropped]
    sub = table if not dropped else table.select(issues=kept)
    agreement = base.diagnostics.get("agreement")
    agreed = None if agreement is None else bool(agreement)
    blocking = tuple(base.diagnostics.get("blocking_actors") or ())
    out = {iid: not_run(iid, why) for iid, why in dropped.items()}
    if draws == 0:
        for iid in kept:
            v = float(base.forecast[iid])
            out[iid] = IssueForecast(
                model=model, issue=iid, value=None if agreed is False else v, lo=None, hi=None,
                as_estimated=v, draws=0, ran=0, agreement=agreed, blocking=blocking,
                disagreement_point=v if agreed is False else None, method="point", level=level,
            )  # fmt: skip
        return {iid: out[iid] for iid in table.issue_ids}
    try:
        mc = simulate(sub, model, draws=draws, seed=seed, level=level, params=params)
    except ZopaError as exc:
        return {iid: out.get(iid) or not_run(iid, f"Monte Carlo failed: {exc}") for iid in table.issue_ids}
    q = (1 - level) / 2
    for k, iid in enumerate(kept):
        column = mc.samples[:, k]
        ran = ~np.isnan(column)
        good = ran if mc.agreement is None else ran & mc.agreement
        no_agreement = 0 if mc.agreement is None else int((ran & ~mc.agreement).sum())
        value = lo = hi = None
        if good.any() and 2 * no_agreement <= ran.sum():
            lo, value, hi = (float(x) for x in np.quantile(column[good], [q, 0.5, 1 - q]))
        at = float(base.forecast[iid])
        out[iid] = IssueForecast(
            model=model,
            issue=iid,
            value=value,
            lo=lo,
            hi=hi,
            as_estimated=at,
            draws=draws,
            ran=int(ran.sum()),
            failed=dict(mc.failed.get(iid, {})),
            no_agreement=no_agreement,
            agreement=agreed,
            blocking=blocking,
            disagreement_point=at if agreed is False else None,
            method=mc.method,
            level=level,
        )
    return {iid: out[iid] for iid in table.issue_ids}
