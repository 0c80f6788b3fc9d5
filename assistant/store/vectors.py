"""Vector indexes behind one small protocol: FAISS (exact or HNSW), Milvus, and brute-force NumPy.

All vectors are L2-normalized, so inner product is cosine similarity. Ids are int64.
The NumPy index serves tests and checks FAISS; the contract test runs over every backend.
The kind is the ``vector_index`` setting: ``flat``, ``hnsw``, ``numpy``, or a Milvus location
(``milvus://host:port`` or a milvus-lite ``.db`` path, see :mod:`assistant.store.milvus`);
:mod:`assistant.store.vector_backends` makes and opens them by kind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.errors import ConfigError, IndexCorruptError


class VectorIndex(Protocol):
    """What the retriever needs from a vector index."""

    dim: int

    def __len__(self) -> int: ...

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` per query: (scores, ids), best first; missing slots have id -1."""
        ...

    def remove(self, ids: np.ndarray) -> None: ...

    def save(self, path: Path) -> None: ...

    def close(self) -> None:
        """Release connections (Milvus); the saved index stays. Local kinds have nothing to release."""
        ...


class NumpyIndex:
    """Exact inner-product search by matrix product. Small corpora and tests."""

    kind = "numpy"

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._ids = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, dim), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        vectors = check_vectors(vectors, self.dim)
        self._ids = np.concatenate([self._ids, np.asarray(ids, dtype=np.int64)])
        self._vectors = np.concatenate([self._vectors, vectors])

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = check_vectors(queries, self.dim)
        scores = queries @ self._vectors.T
        k_eff = min(k, len(self._ids))
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k_eff]
        out_s = np.full((len(queries), k), -np.inf, dtype=np.float32)
        out_i = np.full((len(queries), k), -1, dtype=np.int64)
        out_s[:, :k_eff] = np.take_along_axis(scores, order, axis=1)
        out_i[:, :k_eff] = self._ids[order]
        return out_s, out_i

    def remove(self, ids: np.ndarray) -> None:
        keep = ~np.isin(self._ids, np.asarray(ids, dtype=np.int64))
        self._ids, self._vectors = self._ids[keep], self._vectors[keep]

    def save(self, path: Path) -> None:
        with open(path, "wb") as fh:
            np.savez(fh, ids=self._ids, vectors=self._vectors)

    def close(self) -> None:
        pass

    @classmethod
    def load(cls, path: Path) -> NumpyIndex:
        try:
            data = np.load(path)
            index = cls(int(data["vectors"].shape[1]))
            index.add(data["ids"], data["vectors"])
        except Exception as exc:
            raise IndexCorruptError(f"벡터 파일 {path}를 읽을 수 없습니다({exc}).") from exc
        return index


def check_vectors(vectors: np.ndarray, dim: int) -> np.ndarray:
    """``vectors`` as a contiguous float32 matrix of ``dim`` columns (one vector: one row)."""
    arr = np.ascontiguousarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.shape[1] != dim:
        raise ConfigError(f"벡터는 {arr.shape[1]}차원인데 색인은 {dim}차원을 기대합니다.")
    return arr
