"""Hybrid retrieval: dense and BM25 candidates, score fusion, then MMR for diversity."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from assistant.chunking import Chunk
from assistant.embedders import Embedder
from assistant.errors import ConfigError
from assistant.fusion import get_fusion, minmax, mmr
from assistant.index import Index
from assistant.korean import KoreanAnalyzer
from assistant.settings import Settings

Mode = Literal["hybrid", "dense", "bm25"]
MODES: tuple[str, ...] = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its scores (``score`` is the fused one that ranks it)."""

    row: int
    chunk: Chunk
    score: float
    dense: float
    bm25: float


@dataclass
class Retrieval:
    """The ranked hits of one query and the signals the abstention rule reads."""

    query: str
    terms: list[str]
    hits: list[Hit]
    query_vector: np.ndarray
    coverage: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def lexical_coverage(index: Index, rows: list[int], terms: list[str]) -> float:
    """Idf-weighted share of the query's content terms found in the given chunks."""
    bm = index.bm25
    ids = sorted({bm.vocab[t] for t in terms if t in bm.vocab})
    if not terms:
        return 0.0
    total = sum(1.0 for _ in set(terms))
    if not ids or not rows:
        return 0.0
    present = np.asarray((bm.weights[rows][:, ids] > 0).sum(axis=0)).ravel() > 0
    found = sum(float(bm.idf[i] > 0) for i, p in zip(ids, present, strict=True) if p)
    return found / total


class Retriever:
    """Searches one :class:`Index` with one embedder and analyzer."""

    def __init__(
        self, index: Index, embedder: Embedder, analyzer: KoreanAnalyzer, settings: Settings
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.analyzer = analyzer
        self.settings = settings
        self.fuse = get_fusion(settings.fusion)

    def search(
        self,
        query: str,
        k: int,
        *,
        mode: Mode = "hybrid",
        exclude: Collection[int] = (),
        prior: Mapping[str, float] | None = None,
        diversify: bool = True,
    ) -> Retrieval:
        if mode not in MODES:
            raise ConfigError(f"unknown retrieval mode {mode!r}; choose one of {', '.join(MODES)}")
        t0 = time.perf_counter()
        qvec = self.embedder.embed([query], "query")[0]
        t1 = time.perf_counter()
        terms = self.analyzer.terms(query)
        bm_all = self.index.bm25.scores(terms)
        t2 = time.perf_counter()
        cands = self._candidates(qvec, bm_all, mode, exclude)
        dense = self.index.vectors[cands] @ qvec if len(cands) else np.zeros(0, np.float32)
        sparse = bm_all[cands]
        fused = self._score(dense, sparse, mode)
        if prior:
            boost = np.array([prior.get(self._doc(int(r)), 0.0) for r in cands], dtype=np.float32)
            fused = fused + boost
        order = self._order(fused, cands, k, diversify)
        rows = [int(cands[i]) for i in order]
        chunks = self.index.store.chunks(rows)
        hits = [
            Hit(r, c, float(fused[i]), float(dense[i]), float(sparse[i]))
            for r, c, i in zip(rows, chunks, order, strict=True)
        ]
        t3 = time.perf_counter()
        coverage = lexical_coverage(self.index, rows[:3], terms)
        timings = {"embed_ms": (t1 - t0) * 1e3, "bm25_ms": (t2 - t1) * 1e3, "rank_ms": (t3 - t2) * 1e3}
        return Retrieval(query, terms, hits, qvec, coverage, timings)

    def _doc(self, row: int) -> str:
        return self.index.store.chunks([row])[0].doc_id

    def _candidates(
        self, qvec: np.ndarray, bm_all: np.ndarray, mode: Mode, exclude: Collection[int]
    ) -> np.ndarray:
        n = self.settings.candidates + len(exclude)
        found: set[int] = set()
        if mode != "bm25":
            _, ids = self.index.vector_index.search(qvec[None, :], min(n, len(self.index)))
            found.update(int(i) for i in ids[0] if i >= 0)
        if mode != "dense":
            top = np.argsort(-bm_all, kind="stable")[:n]
            found.update(int(i) for i in top if bm_all[i] > 0)
        found.difference_update(exclude)
        return np.array(sorted(found), dtype=np.int64)

    def _score(self, dense: np.ndarray, sparse: np.ndarray, mode: Mode) -> np.ndarray:
        if mode == "dense":
            return dense.astype(np.float32)
        if mode == "bm25":
            return sparse.astype(np.float32)
        s = self.settings
        return self.fuse(dense, sparse, dense_weight=s.dense_weight, k=s.rrf_k)

    def _order(self, fused: np.ndarray, cands: np.ndarray, k: int, diversify: bool) -> list[int]:
        if not len(cands):
            return []
        if not diversify or k == 1:
            return [int(i) for i in np.argsort(-fused, kind="stable")[:k]]
        pool = np.argsort(-fused, kind="stable")[: max(3 * k, 20)]
        picked = mmr(minmax(fused[pool]), self.index.vectors[cands[pool]], k, self.settings.mmr_lambda)
        return [int(pool[i]) for i in picked]
