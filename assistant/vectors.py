"""Vector indexes behind one small protocol: FAISS (exact or HNSW), Milvus, and brute-force NumPy.

All vectors are L2-normalized, so inner product is cosine similarity. Ids are int64.
The NumPy index serves tests and checks FAISS; the contract test runs over every backend.
The kind is the ``vector_index`` setting: ``flat``, ``hnsw``, ``numpy``, or a Milvus location
(``milvus://host:port`` or a milvus-lite ``.db`` path, see :mod:`assistant.milvus_index`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.errors import ConfigError, IndexCorruptError

#: The accepted values of the ``vector_index`` setting, for messages.
CHOICES = "flat, hnsw, milvus://host:port (a Milvus server) or a path ending in .db (a milvus-lite file)"


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
        vectors = _check(vectors, self.dim)
        self._ids = np.concatenate([self._ids, np.asarray(ids, dtype=np.int64)])
        self._vectors = np.concatenate([self._vectors, vectors])

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = _check(queries, self.dim)
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
            raise IndexCorruptError(f"the vector file {path} cannot be read ({exc})") from exc
        return index


class FaissIndex:
    """FAISS inner-product index with ids: exact (``flat``) or approximate (``hnsw``)."""

    def __init__(self, dim: int, kind: str = "flat", hnsw_m: int = 32) -> None:
        import faiss

        if kind not in ("flat", "hnsw"):
            raise ConfigError(f"unknown vector index {kind!r}; choose one of {CHOICES}")
        self.dim = dim
        self.kind = kind
        self.hnsw_m = hnsw_m
        self._index: Any = faiss.IndexIDMap2(self._base(faiss))

    def _base(self, faiss: Any) -> Any:
        if self.kind == "flat":
            return faiss.IndexFlatIP(self.dim)
        base = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        base.hnsw.efConstruction = 80
        base.hnsw.efSearch = 128
        return base

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        self._index.add_with_ids(_check(vectors, self.dim), np.asarray(ids, dtype=np.int64))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = _check(queries, self.dim)
        if len(queries) == 1:
            # One query gains nothing from OpenMP, and waking its threads costs milliseconds.
            with _single_thread():
                scores, ids = self._index.search(queries, k)
        else:
            scores, ids = self._index.search(queries, k)
        return scores.astype(np.float32), ids.astype(np.int64)

    def remove(self, ids: np.ndarray) -> None:
        ids = np.asarray(ids, dtype=np.int64)
        if self.kind == "flat":
            self._index.remove_ids(ids)
            return
        # HNSW graphs cannot drop nodes: rebuild from the vectors that stay.
        n = len(self)
        all_ids = np.array([self._index.id_map.at(i) for i in range(n)], dtype=np.int64)
        keep = all_ids[~np.isin(all_ids, ids)]
        vectors = np.stack([self._index.reconstruct(int(i)) for i in keep]) if len(keep) else None
        fresh = FaissIndex(self.dim, self.kind, self.hnsw_m)
        if vectors is not None:
            fresh.add(keep, vectors)
        self._index = fresh._index

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))

    def close(self) -> None:
        pass

    @classmethod
    def load(cls, path: Path, kind: str) -> FaissIndex:
        import faiss

        try:
            raw = faiss.read_index(str(path))
        except Exception as exc:
            raise IndexCorruptError(f"the vector file {path} cannot be read ({exc})") from exc
        index = cls.__new__(cls)
        index.dim, index.kind, index.hnsw_m, index._index = raw.d, kind, 32, raw
        return index


@contextlib.contextmanager
def _single_thread() -> Iterator[None]:
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def is_milvus(kind: str) -> bool:
    """Whether the kind names Milvus: ``milvus://...`` (or ``milvus+https://...``) or a path ending in ``.db``."""
    return kind.startswith(("milvus://", "milvus+")) or kind.endswith(".db")


def make_index(kind: str, dim: int, *, name: str = "") -> VectorIndex:
    """A new empty index: ``flat``, ``hnsw``, ``numpy`` or a Milvus location.

    ``name`` is the index version (for example ``v-20261122T101010-123456``); Milvus makes its
    collection from it, local kinds ignore it.
    """
    if kind == "numpy":
        return NumpyIndex(dim)
    if is_milvus(kind):
        from assistant.milvus_index import MilvusIndex

        return MilvusIndex.create(kind, dim, name)
    return FaissIndex(dim, kind)


def load_index(kind: str, path: Path) -> VectorIndex:
    """The index saved at ``path``; for Milvus, ``path`` is the locator and the kind only selects the backend."""
    if kind == "numpy":
        return NumpyIndex.load(path)
    if is_milvus(kind):
        from assistant.milvus_index import MilvusIndex

        return MilvusIndex.load(path)
    return FaissIndex.load(path, kind)


def check_reachable(kind: str) -> None:
    """Fail now, not after embedding, when a Milvus location cannot be opened (local kinds: nothing)."""
    if not is_milvus(kind):
        return
    from assistant.milvus_index import connect, normalize_location

    connect(normalize_location(kind)).close()


def discard_index(kind: str, path: Path) -> None:
    """Release what a superseded index keeps outside its folder (its Milvus collection). Never raises.

    Call it before deleting the folder that holds ``path``; local kinds keep nothing outside.
    """
    if not is_milvus(kind):
        return
    try:
        from assistant.milvus_index import discard

        discard(path)
    except Exception as exc:  # pragma: no cover - discard() already logs its own failures
        logging.getLogger("assistant").warning("vector index %s not discarded: %s", path, exc)


def _check(vectors: np.ndarray, dim: int) -> np.ndarray:
    arr = np.ascontiguousarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.shape[1] != dim:
        raise ConfigError(f"vectors have dimension {arr.shape[1]}, the index expects {dim}")
    return arr
