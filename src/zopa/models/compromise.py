"""``compromise.v1``: Achen's compromise model, the capability x salience weighted mean of positions.

The limit of the Nash bargaining solution with quadratic utilities when no deal is very costly (Achen 2006);
the model that Thomson et al. (2006) found hard to beat on EU decisions. Options (defaults give the plain
model):
``salience_power`` and ``capability_power`` (exponents on salience and capability in the weight, default 1)
and
``status_quo_weight`` (the status quo joins as a pseudo-actor with this share of the total weight, default 0).
An issue where every weight is 0 falls back to equal weights over its actors.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zopa.errors import ModelInputError
from zopa.models._spatial import effective_weights, weighted_mean
from zopa.models.registry import ModelResult, register, register_batch
from zopa.models.table import Negotiation, TableBatch

NAME = "compromise.v1"
_OPTIONS = {"salience_power": 1.0, "capability_power": 1.0, "status_quo_weight": 0.0}


def _options(params: dict[str, Any]) -> dict[str, float]:
    unknown = set(params) - set(_OPTIONS)
    if unknown:
        raise ModelInputError(f"{NAME}: unknown option(s) {sorted(unknown)}; known: {', '.join(_OPTIONS)}")
    opts = {k: float(params.get(k, v)) for k, v in _OPTIONS.items()}
    if opts["salience_power"] < 0 or opts["capability_power"] < 0 or opts["status_quo_weight"] < 0:
        raise ModelInputError(f"{NAME}: salience_power, capability_power and status_quo_weight must be >= 0")
    return opts


def _forecast(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    status_quo: np.ndarray,
    opts: dict[str, float],
) -> np.ndarray:
    sal = salience if opts["salience_power"] == 1 else np.power(salience, opts["salience_power"])
    cap = capability if opts["capability_power"] == 1 else np.power(capability, opts["capability_power"])
    fc = weighted_mean(position, cap * sal)
    g = opts["status_quo_weight"]
    if g > 0:
        fc = np.where(np.isnan(status_quo), fc, (fc + g * np.nan_to_num(status_quo)) / (1.0 + g))
    return fc


@register(NAME)
def compromise(table: Negotiation, **params: Any) -> ModelResult:
    """Capability x salience weighted mean of positions (Achen's compromise model)."""
    opts = _options(params)
    fc = _forecast(
        table.position,
        np.where(table.involved(), table.salience, 0.0),
        table.capability_matrix(),
        table.status_quo_vector(),
        opts,
    )
    w = effective_weights(table.position, table.weights())
    share = w / np.maximum(w.sum(axis=0, keepdims=True), 1e-300)
    return ModelResult(
        model=NAME,
        params=opts,
        forecast={iid: float(fc[i]) for i, iid in enumerate(table.issue_ids)},
        diagnostics={
            "weight": "capability^capability_power x salience^salience_power",
            "weight_share": {
                a: {iid: float(share[k, i]) for i, iid in enumerate(table.issue_ids)}
                for k, a in enumerate(table.actors)
            },
        },
        inputs=table.label(),
    )


@register_batch(NAME)
def compromise_batch(batch: TableBatch, table: Negotiation, **params: Any) -> np.ndarray:
    opts = _options(params)
    plain = opts["salience_power"] == 1 and opts["capability_power"] == 1 and opts["status_quo_weight"] == 0
    if plain and table.involved().all():
        # every actor on every issue (so no NaN to mask): three passes over the draws instead of eight
        w = np.multiply(batch.capability, batch.salience)
        total = w.sum(axis=1)
        fc = np.einsum("dai,dai->di", w, batch.position)
        if bool((total > 0).all()):
            return np.divide(fc, total, out=fc)
    return _forecast(batch.position, batch.salience, batch.capability, batch.status_quo, opts)
