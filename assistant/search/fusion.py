"""Fusion of dense and BM25 scores, as small pure functions chosen by name.

Each function takes named score arrays over the same candidates (``dense``, ``morph``,
``bigram``) and their weights, and returns one fused score per candidate (higher is better).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from assistant.options import FUSIONS, check_choice

if TYPE_CHECKING:  # numpy is imported by the functions: validating a setting needs no numpy
    import numpy as np


def minmax(scores: np.ndarray) -> np.ndarray:
    """Scale to [0, 1] per query; a constant array maps to zeros."""
    import numpy as np

    if len(scores) == 0:
        return np.zeros(0, dtype=np.float32)
    lo, hi = float(scores.min()), float(scores.max())
    if hi - lo <= 1e-12:
        return np.zeros_like(scores, dtype=np.float32)
    return ((scores - lo) / (hi - lo)).astype(np.float32)


def weighted(signals: Mapping[str, np.ndarray], weights: Mapping[str, float], *, k: int) -> np.ndarray:
    """``Σ weight × minmax(signal)`` over the candidates (score-level fusion)."""
    import numpy as np

    n = len(next(iter(signals.values())))
    out = np.zeros(n, dtype=np.float32)
    for name, scores in signals.items():
        out += weights.get(name, 0.0) * minmax(scores)
    return out


def rrf(signals: Mapping[str, np.ndarray], weights: Mapping[str, float], *, k: int) -> np.ndarray:
    """Reciprocal rank fusion: ``Σ 1 / (k + rank)`` over signals with a non-zero weight, ranks from 1."""
    import numpy as np

    n = len(next(iter(signals.values())))
    out = np.zeros(n, dtype=np.float64)
    for name, scores in signals.items():
        if weights.get(name, 0.0) > 0:
            out += _rrf_term(scores, k)
    return out.astype(np.float32)


def _rrf_term(scores: np.ndarray, k: int) -> np.ndarray:
    import numpy as np

    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return 1.0 / (k + ranks)


def mmr(relevance: np.ndarray, vectors: np.ndarray, k: int, lam: float) -> list[int]:
    """Maximal marginal relevance: indexes of ``k`` items, relevant but not redundant.

    ``relevance`` should be on a [0, 1] scale; ``vectors`` are L2-normalized rows.
    """
    import numpy as np

    order = np.argsort(-relevance, kind="stable")
    if not len(order) or k <= 0:
        return []
    sims = vectors @ vectors.T
    chosen = [int(order[0])]
    left = np.ones(len(order), dtype=bool)  # by position in ``order``
    left[0] = False
    penalty = sims[order, order[0]]  # each item's highest similarity to a chosen one
    while left.any() and len(chosen) < k:
        at = np.flatnonzero(left)
        gain = lam * relevance[order[at]] - (1 - lam) * penalty[at]
        j = int(at[int(np.argmax(gain))])
        best = int(order[j])
        chosen.append(best)
        left[j] = False
        penalty = np.maximum(penalty, sims[order, best])
    return chosen


FusionFn = Callable[..., "np.ndarray"]
#: The fusion functions by the names of :data:`assistant.options.FUSIONS`.
FUNCTIONS: dict[str, FusionFn] = {"weighted": weighted, "rrf": rrf}


def get_fusion(name: str) -> FusionFn:
    """The fusion function called ``name``; unknown names list the valid ones."""
    return FUNCTIONS[check_choice("fusion", name, FUSIONS)]
