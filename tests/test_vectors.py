"""One contract, run over every vector index backend; NumPy is the reference.

``milvus-lite`` runs Milvus in this process on a ``.db`` file shared by the module;
``milvus-server`` is the session's Milvus standalone server (HNSW over gRPC). Each index is a
collection of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.errors import ConfigError, IndexCorruptError
from assistant.store.vector_backends import load_index, make_index

BACKENDS = ["numpy", "flat", "hnsw", "milvus-lite", "milvus-server"]


@pytest.fixture(scope="module")
def lite_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One milvus-lite file (and in-process server) for the whole module."""
    return str(tmp_path_factory.mktemp("milvus") / "vectors.db")


@pytest.fixture(params=BACKENDS)
def kind(request: pytest.FixtureRequest) -> str:
    """The ``vector_index`` value of each backend, as the indexer passes it to ``make_index``."""
    if request.param == "milvus-lite":
        return str(request.getfixturevalue("lite_db"))
    if request.param == "milvus-server":
        return str(request.getfixturevalue("milvus_server").uri)
    return str(request.param)


def _data(n: int = 200, dim: int = 16, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_search_matches_brute_force(kind: str) -> None:
    vectors = _data()
    index = make_index(kind, 16)
    index.add(np.arange(len(vectors)) + 1000, vectors)
    assert len(index) == 200
    queries = _data(5, seed=3)
    scores, ids = index.search(queries, 10)
    expected = np.argsort(-(queries @ vectors.T), axis=1)[:, :10] + 1000
    assert ids.shape == scores.shape == (5, 10)
    assert (scores.dtype, ids.dtype) == (np.float32, np.int64)
    # HNSW is approximate (FAISS hnsw, the Milvus server); on 200 points with ef 128 it finds the exact top 10.
    assert (ids == expected).mean() >= (0.95 if kind == "hnsw" else 1.0)
    np.testing.assert_allclose(scores[:, 0], (queries @ vectors.T).max(axis=1), rtol=1e-5)


def test_remove_save_load(kind: str, tmp_path: Path) -> None:
    vectors = _data(50)
    index = make_index(kind, 16)
    index.add(np.arange(50), vectors)
    assert list(index.search(vectors[:3], 1)[1][:, 0]) == [0, 1, 2]  # a read first: Milvus 2.3 then missed the delete
    index.remove(np.array([0, 1, 2]))
    assert len(index) == 47
    _, ids = index.search(vectors[:3], 1)
    assert not set(ids.ravel()) & {0, 1, 2}
    index.save(tmp_path / "v.idx")
    again = load_index(kind, tmp_path / "v.idx")
    assert len(again) == 47
    np.testing.assert_array_equal(again.search(vectors[10:12], 3)[1], index.search(vectors[10:12], 3)[1])
    index.close()
    again.close()


def test_short_index_pads_with_minus_one(kind: str) -> None:
    index = make_index(kind, 16)
    index.add(np.arange(3), _data(3))
    _, ids = index.search(_data(1, seed=9), 5)
    assert list(ids[0, 3:]) == [-1, -1]
    assert sorted(ids[0, :3]) == [0, 1, 2]


def test_wrong_dimension_is_refused(kind: str) -> None:
    index = make_index(kind, 16)
    with pytest.raises(ConfigError, match="벡터는 8차원인데"):
        index.add(np.arange(2), np.ones((2, 8), dtype=np.float32))


def test_damaged_file_is_reported(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "v.idx"
    path.write_bytes(b"not an index at all")
    with pytest.raises(IndexCorruptError):
        load_index(kind, path)


def test_unknown_kind_lists_choices() -> None:
    with pytest.raises(ConfigError, match="flat, hnsw"):
        make_index("annoy", 4)


def test_recent_vectors_embed_outside_their_lock(fake_embedder: Any) -> None:
    """Another thread reads the sentences remembered while new ones are embedded."""
    from assistant.embedding.recent import RecentVectors

    held: list[bool] = []

    class Watching:
        dim = fake_embedder.dim

        def embed(self, texts: list[str], kind: str) -> Any:
            held.append(recent._known.locked())
            return fake_embedder.embed(texts, kind)

    recent = RecentVectors(Watching(), size=1)  # type: ignore[arg-type]
    recent.embed(["가나다", "라마바"])  # more than it keeps: both are still returned
    recent.embed(["가나다"])
    assert held == [False, False]


def test_recent_vectors_embed_a_sentence_once_and_forget_the_oldest(fake_embedder: Any) -> None:
    from assistant.embedding.recent import RecentVectors

    recent = RecentVectors(fake_embedder, size=2)
    first = recent.embed(["가나다", "라마바"])
    assert first.shape == (2, fake_embedder.dim)
    assert np.allclose(first, fake_embedder.embed(["가나다", "라마바"], "passage"))
    fake_embedder.calls.clear()
    again = recent.embed(["라마바", "가나다", "라마바"])
    assert fake_embedder.calls == []  # all remembered
    assert np.allclose(again[0], first[1]) and np.allclose(again[1], first[0])
    recent.embed(["사아자"])  # pushes out the least recently used (라마바 was read last)
    fake_embedder.calls.clear()
    recent.embed(["라마바"])
    assert fake_embedder.calls == []
    recent.embed(["가나다"])
    assert fake_embedder.calls == [("passage", 1)]


def test_recent_forgets_the_least_lately_used() -> None:
    from assistant.recent import Recent

    recent: Recent[str, int] = Recent(2)
    recent.put("가", 1)
    recent.put("나", 2)
    assert recent.get("가") == 1  # now 나 is the least lately used
    recent.put("다", 3)
    assert (recent.get("나"), recent.get("가"), recent.get("다"), len(recent)) == (None, 1, 3, 2)
    recent.put("가", 4)  # a new value for a key it holds replaces it
    assert recent.get("가") == 4 and "다" in recent and len(recent) == 2
    with pytest.raises(ValueError):
        Recent(0)
