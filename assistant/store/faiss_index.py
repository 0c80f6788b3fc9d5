"""FAISS behind the vector-index protocol: exact inner product (``flat``) or HNSW (``hnsw``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ConfigError, IndexCorruptError
from assistant.options import VECTOR_INDEXES
from assistant.store.vectors import check_vectors


class FaissIndex:
    """FAISS inner-product index with ids: exact (``flat``) or approximate (``hnsw``)."""

    def __init__(self, dim: int, kind: str = "flat", hnsw_m: int = 32) -> None:
        import faiss

        if kind not in ("flat", "hnsw"):
            raise ConfigError(f"알 수 없는 벡터 색인 {kind!r}입니다. 다음 중 하나를 고르세요: {VECTOR_INDEXES}")
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
        self._index.add_with_ids(check_vectors(vectors, self.dim), np.asarray(ids, dtype=np.int64))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = check_vectors(queries, self.dim)
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
            raise IndexCorruptError(f"벡터 파일 {path}를 읽을 수 없습니다({exc}).") from exc
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
