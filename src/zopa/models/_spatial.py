"""Shared arithmetic of the spatial models: weights, weighted mean and weighted median over draws."""

from __future__ import annotations

import numpy as np

from zopa.errors import ModelInputError


def effective_weights(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Weights (..., A, I) with 0 where not involved; an issue whose weights are all 0 falls back to equal
    weights over its involved actors (every actor cares 0 -> treat them alike rather than divide by 0)."""
    involved = ~np.isnan(position)
    everyone = bool(involved.all())
    w = (
        weight
        if everyone and not np.isnan(weight).any()
        else np.where(involved, np.nan_to_num(weight, nan=0.0), 0.0)
    )
    total = w.sum(axis=-2, keepdims=True)
    if everyone and bool((total > 0).all()):
        return w
    return np.where(total > 0, w, involved.astype(float))


def weighted_mean(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Weighted mean over actors: (..., A, I) -> (..., I)."""
    w = effective_weights(position, weight)
    p = position if not np.isnan(position).any() else np.nan_to_num(position, nan=0.0)
    total = w.sum(axis=-2)
    return np.einsum("...ai,...ai->...i", w, p) / np.where(total > 0, total, 1.0)


def weighted_median(position: np.ndarray, weight: np.ndarray, *, tie: str = "midpoint") -> np.ndarray:
    """Weighted median over actors: (..., A, I) -> (..., I).

    The position where the weight on either side is at most half (Black's median voter with weighted votes).
    When the cumulative weight hits exactly one half between two positions, ``tie="midpoint"`` returns their
    midpoint (symmetric, so reversing the scale mirrors the answer) and ``tie="lower"`` the lower one.
    """
    if tie not in ("midpoint", "lower"):
        raise ModelInputError(f"median: tie must be 'midpoint' or 'lower', not {tie!r}")
    w = effective_weights(position, weight)
    pos = np.where(np.isnan(position), np.inf, position)
    order = np.argsort(pos, axis=-2, kind="stable")
    ps = np.take_along_axis(pos, order, axis=-2)
    ws = np.take_along_axis(w, order, axis=-2)
    cw = np.cumsum(ws, axis=-2)
    half = cw[..., -1:, :] / 2.0
    eps = 1e-12 * np.maximum(cw[..., -1:, :], 1e-300)
    k_lo = np.argmax(cw >= half - eps, axis=-2)
    lower = np.take_along_axis(ps, k_lo[..., None, :], axis=-2)[..., 0, :]
    if tie == "lower":
        return lower
    k_hi = np.argmax(cw > half + eps, axis=-2)
    upper = np.take_along_axis(ps, k_hi[..., None, :], axis=-2)[..., 0, :]
    return np.where(np.isfinite(upper), (lower + upper) / 2.0, lower)
