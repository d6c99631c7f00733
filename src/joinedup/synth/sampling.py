"""Sampling helpers shared by the simulations."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def picker(options: tuple[tuple[str, float], ...]) -> tuple[list[str], NDArray[np.float64]]:
    """Codes and their probabilities from (code, weight) pairs."""
    codes = [c for c, _ in options]
    w = np.array([w for _, w in options], dtype=np.float64)
    return codes, w / w.sum()


def group_by(keys: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Distinct keys and the boundaries of each key's run in ``keys`` sorted stably: the
    members of key k are ``values[order][bounds[k]:bounds[k + 1]]``."""
    ordered = np.sort(keys, kind="stable")
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(ordered) else \
        np.empty(0, dtype=np.int64)
    return ordered[starts], np.r_[starts, len(ordered)].astype(np.int64)


def top_k(weights: NDArray[np.float64], k: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """``k`` indices drawn without replacement with probability proportional to weight, in
    draw order (exponential race: smallest Exp(1)/w first)."""
    k = min(k, len(weights))
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    keys = rng.exponential(1.0, len(weights)) / np.maximum(weights, 1e-9)
    part = np.argpartition(keys, k - 1)[:k]
    return part[np.argsort(keys[part])]
