"""Vector indexes by kind: make a new one, open a saved one, check or release what lives elsewhere.

The kind is the ``vector_index`` setting: ``flat`` or ``hnsw`` (FAISS), ``numpy`` (tests), or a
Milvus location (``milvus://host:port`` or a milvus-lite ``.db`` path).
"""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.options import is_milvus, normalize_milvus_location
from assistant.store.faiss_index import FaissIndex
from assistant.store.vectors import NumpyIndex, VectorIndex


def make_index(kind: str, dim: int, *, name: str = "") -> VectorIndex:
    """A new empty index: ``flat``, ``hnsw``, ``numpy`` or a Milvus location.

    ``name`` is the index version (for example ``v-20261122T101010-123456``); Milvus makes its
    collection from it, local kinds ignore it.
    """
    if kind == "numpy":
        return NumpyIndex(dim)
    if is_milvus(kind):
        from assistant.store.milvus import MilvusIndex

        return MilvusIndex.create(kind, dim, name)
    return FaissIndex(dim, kind)


def load_index(kind: str, path: Path) -> VectorIndex:
    """The index saved at ``path``; for Milvus, ``path`` is the locator and the kind only selects the backend."""
    if kind == "numpy":
        return NumpyIndex.load(path)
    if is_milvus(kind):
        from assistant.store.milvus import MilvusIndex

        return MilvusIndex.load(path)
    return FaissIndex.load(path, kind)


def check_reachable(kind: str) -> None:
    """Fail now, not after embedding, when a Milvus location cannot be opened (local kinds: nothing)."""
    if not is_milvus(kind):
        return
    from assistant.store.milvus import connect

    connect(normalize_milvus_location(kind)).close()


def discard_index(kind: str, path: Path) -> None:
    """Release what a superseded index keeps outside its folder (its Milvus collection). Never raises.

    Call it before deleting the folder that holds ``path``; local kinds keep nothing outside.
    """
    if not is_milvus(kind):
        return
    try:
        from assistant.store.milvus import discard

        discard(path)
    except Exception as exc:  # pragma: no cover - discard() already logs its own failures
        logging.getLogger("assistant").warning("vector index %s not discarded: %s", path, exc)
