"""Models by versioned name: ``"median.v1"``, ``"bdm.v1"``. A name never changes meaning; new behaviour is
``.v2``.

A model is a function ``fn(table, **params) -> ModelResult``. A model may also register a *batch* version,
``fn(batch: TableBatch, table, **params)``, which Monte Carlo uses to run many draws at once (see
:mod:`zopa.models.montecarlo`); models without one run draw by draw in a process pool. A batch version
returns the ``(draws, issues)`` forecasts, or, for a model that can end in no agreement (Nash bargaining), an
object with ``forecast`` and ``agreement`` (one flag per draw) (:func:`batch_output`).

A model that reaches no agreement says so in ``ModelResult.diagnostics["agreement"]`` (False): its forecast
is then the disagreement point, which Monte Carlo and the negotiation views report as "no agreement".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zopa.errors import ModelInputError
from zopa.models.table import Negotiation, TableBatch


def plain(v: Any) -> Any:
    """NumPy values, tuples and nested dicts as plain JSON-ready Python (NaN becomes None)."""
    if isinstance(v, np.ndarray):
        return plain(v.tolist())
    if isinstance(v, np.generic):
        return plain(v.item())
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [plain(x) for x in v]
    return v


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ModelResult:
    """What every model returns: the forecast per issue, the history where it iterates, and diagnostics."""

    model: str  # versioned name
    params: dict[str, Any]
    forecast: dict[str, float]  # issue id -> outcome on the issue's scale
    history: list[dict[str, Any]] = field(default_factory=list)  # one entry per round/state
    diagnostics: dict[str, Any] = field(default_factory=dict)
    inputs: str = ""  # the negotiation's name (and hash) it ran on, for traceability

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "params": plain(self.params),
            "inputs": self.inputs,
            "forecast": plain(self.forecast),
            "history": plain(self.history),
            "diagnostics": plain(self.diagnostics),
        }


ModelFn = Callable[..., ModelResult]
BatchFn = Callable[..., Any]  # (D, I) forecasts, or an object with forecast and agreement
_REGISTRY: dict[str, ModelFn] = {}
_BATCH: dict[str, BatchFn] = {}


def register(name: str) -> Callable[[ModelFn], ModelFn]:
    def deco(fn: ModelFn) -> ModelFn:
        if name in _REGISTRY:
            raise ValueError(f"model {name!r} registered twice")
        _REGISTRY[name] = fn
        return fn

    return deco


def register_batch(name: str) -> Callable[[BatchFn], BatchFn]:
    """Register the vectorised version of model ``name``: ``fn(batch, table, **params) -> (D, I)``."""

    def deco(fn: BatchFn) -> BatchFn:
        if name in _BATCH:
            raise ValueError(f"batch model {name!r} registered twice")
        _BATCH[name] = fn
        return fn

    return deco


def batch_output(out: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """What a batch version returned: ``(forecasts (D, I), agreement (D,) or None)``."""
    if hasattr(out, "forecast"):
        return np.asarray(out.forecast, dtype=float), np.asarray(out.agreement, dtype=bool)
    return np.asarray(out, dtype=float), None


def get_model(name: str) -> ModelFn:
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ModelInputError(f"unknown model {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def get_batch(name: str) -> BatchFn | None:
    """The vectorised version of a model, or None if it has none."""
    _load_builtin()
    get_model(name)
    return _BATCH.get(name)


def model_names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def model_summary(name: str) -> str:
    """First line of the model's docstring."""
    doc = (get_model(name).__doc__ or "").strip()
    return doc.splitlines()[0] if doc else ""


def run_model(name: str, table: Negotiation, /, **params: Any) -> ModelResult:
    """Run a model by name on a validated table. ``params`` are the model's keyword options."""
    return get_model(name)(table.validate(), **params)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Comparison:
    """Every model's forecast on one table, side by side; a model that cannot run gives its error instead."""

    inputs: str
    issues: list[str]
    results: dict[str, ModelResult]
    errors: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "issues": self.issues,
            "forecasts": {m: plain(r.forecast) for m, r in self.results.items()},
            "results": {m: r.as_dict() for m, r in self.results.items()},
            "errors": self.errors,
        }


def compare_models(table: Negotiation, *, models: list[str] | None = None) -> Comparison:
    """Run every registered model (or ``models``) with its default options on the table."""
    table.validate()
    results: dict[str, ModelResult] = {}
    errors: dict[str, str] = {}
    for name in models or model_names():
        try:
            results[name] = run_model(name, table)
        except ModelInputError as exc:
            errors[name] = str(exc)
    return Comparison(inputs=table.label(), issues=list(table.issue_ids), results=results, errors=errors)


def forecast_array(result: ModelResult, table: Negotiation) -> np.ndarray:
    """The forecast as an array in the table's issue order."""
    return np.array([float(result.forecast[i]) for i in table.issue_ids])


__all__ = [
    "BatchFn",
    "Comparison",
    "ModelFn",
    "ModelResult",
    "TableBatch",
    "batch_output",
    "compare_models",
    "forecast_array",
    "get_batch",
    "get_model",
    "model_names",
    "model_summary",
    "register",
    "register_batch",
    "run_model",
]


def _load_builtin() -> None:
    # Importing the model modules registers them; done lazily so `import zopa` stays fast.
    import importlib

    for mod in ("median", "compromise", "nash", "bdm", "exchange", "smp"):
        try:
            importlib.import_module(f"zopa.models.{mod}")
        except ModuleNotFoundError as exc:
            if exc.name != f"zopa.models.{mod}":
                raise
