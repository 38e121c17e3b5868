"""``median.v1``: the weighted median (Black's median voter theorem with weighted votes).

Each actor's vote on an issue weighs capability x salience; the forecast is the position with at most half of
the weight on either side. Options: ``tie`` ("midpoint" default, or "lower") decides an exact half split.
An issue where every weight is 0 falls back to equal weights over its actors.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zopa.errors import ModelInputError
from zopa.models._spatial import weighted_median
from zopa.models.registry import ModelResult, register, register_batch
from zopa.models.table import Negotiation, TableBatch

NAME = "median.v1"


def _check(params: dict[str, Any]) -> str:
    unknown = set(params) - {"tie"}
    if unknown:
        raise ModelInputError(f"{NAME}: unknown option(s) {sorted(unknown)}; known: tie")
    return str(params.get("tie", "midpoint"))


@register(NAME)
def median(table: Negotiation, **params: Any) -> ModelResult:
    """Weighted median of positions, weight = capability x salience (Black's median voter)."""
    tie = _check(params)
    w = table.weights()
    fc = weighted_median(table.position, w, tie=tie)
    share = w / np.maximum(w.sum(axis=0, keepdims=True), 1e-300)
    median_actor = {
        iid: table.actors[
            int(np.nanargmin(np.where(table.involved()[:, i], np.abs(table.position[:, i] - fc[i]), np.nan)))
        ]
        for i, iid in enumerate(table.issue_ids)
    }
    return ModelResult(
        model=NAME,
        params={"tie": tie},
        forecast={iid: float(fc[i]) for i, iid in enumerate(table.issue_ids)},
        diagnostics={
            "weight": "capability x salience",
            "median_actor": median_actor,
            "weight_share": {
                a: {iid: float(share[k, i]) for i, iid in enumerate(table.issue_ids)}
                for k, a in enumerate(table.actors)
            },
        },
        inputs=table.label(),
    )


@register_batch(NAME)
def median_batch(batch: TableBatch, table: Negotiation, **params: Any) -> np.ndarray:
    return weighted_median(batch.position, batch.weights(), tie=_check(params))
