"""Models by versioned name: ``"median.v1"``, ``"bdm.v1"``. A name never changes meaning; new behaviour is ``.v2``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zopa.errors import ModelInputError
from zopa.models.table import Negotiation


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ModelResult:
    """What every model returns: the forecast per issue, the history where it iterates, and diagnostics."""

    model: str  # versioned name
    params: dict[str, Any]
    forecast: dict[str, float]  # issue id -> outcome on 0-100
    history: list[dict[str, Any]] = field(default_factory=list)  # one entry per round/state
    diagnostics: dict[str, Any] = field(default_factory=dict)
    inputs: str = ""  # the negotiation's name (and hash) it ran on, for traceability

    def as_dict(self) -> dict[str, Any]:
        def plain(v: Any) -> Any:
            if isinstance(v, np.ndarray):
                return v.tolist()
            if isinstance(v, np.generic):
                return v.item()
            if isinstance(v, dict):
                return {str(k): plain(x) for k, x in v.items()}
            if isinstance(v, list | tuple):
                return [plain(x) for x in v]
            return v

        return {
            "model": self.model,
            "params": plain(self.params),
            "inputs": self.inputs,
            "forecast": plain(self.forecast),
            "history": plain(self.history),
            "diagnostics": plain(self.diagnostics),
        }


ModelFn = Callable[..., ModelResult]
_REGISTRY: dict[str, ModelFn] = {}


def register(name: str) -> Callable[[ModelFn], ModelFn]:
    def deco(fn: ModelFn) -> ModelFn:
        if name in _REGISTRY:
            raise ValueError(f"model {name!r} registered twice")
        _REGISTRY[name] = fn
        return fn

    return deco


def get_model(name: str) -> ModelFn:
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ModelInputError(f"unknown model {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def model_names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def run_model(name: str, table: Negotiation, /, **params: Any) -> ModelResult:
    """Run a model by name on a validated table. ``params`` are the model's keyword options."""
    return get_model(name)(table.validate(), **params)


def _load_builtin() -> None:
    # Importing the model modules registers them; done lazily so `import zopa` stays fast.
    import importlib

    for mod in ("median", "compromise", "nash", "bdm", "exchange", "smp"):
        try:
            importlib.import_module(f"zopa.models.{mod}")
        except ModuleNotFoundError as exc:
            if exc.name != f"zopa.models.{mod}":
                raise
