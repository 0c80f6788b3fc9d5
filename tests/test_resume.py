"""Large builds: batched embedding that resumes after an interruption, streamed documents,
and BM25 gathered document by document."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from conftest import FAKE_MODEL, FakeEmbedder

from assistant.answer.engine import Engine
from assistant.ingest.documents import Document
from assistant.settings import Settings
from assistant.store.bm25 import BM25, BM25Counts
from assistant.store.builder import IndexBuilder
from assistant.store.embed_cache import CACHE_DIR, EmbedCache
from assistant.store.index import open_index
from assistant.store.versions import current_version
from assistant.text.korean import KoreanAnalyzer


class StopAfter(FakeEmbedder):
    """Embeds ``batches`` passage batches, then is interrupted (as by Ctrl-C)."""

    def __init__(self, batches: int) -> None:
        super().__init__()
        self.batches = batches

    def embed(self, texts: Sequence[str], kind: str, *, progress: bool = False) -> np.ndarray:
        if kind == "passage":
            if self.batches == 0:
                raise KeyboardInterrupt
            self.batches -= 1
        return super().embed(texts, kind, progress=progress)


def builder(settings: Settings, analyzer: KoreanAnalyzer, embedder: FakeEmbedder, batch: int = 2) -> IndexBuilder:
    b = IndexBuilder(settings, embedder, analyzer)
    b.embed_batch = batch
    return b


def embedded(embedder: FakeEmbedder) -> int:
    return sum(n for kind, n in embedder.calls if kind == "passage")


def test_interrupted_embedding_resumes_without_embedding_finished_batches(
    settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    stopped = StopAfter(batches=2)
    with pytest.raises(KeyboardInterrupt):
        builder(settings, analyzer, stopped).build()
    assert embedded(stopped) == 4
    assert current_version(settings.index_dir) is None  # nothing half-built is served
    assert len(EmbedCache(settings.index_dir / CACHE_DIR, FAKE_MODEL)) == 4

    resumed = FakeEmbedder()
    result = builder(settings, analyzer, resumed).build()
    assert embedded(resumed) == 2  # only the 6 - 4 chunks not finished before
    assert (result.manifest.embedded_chunks, result.manifest.reused_chunks) == (2, 4)
    assert not (settings.index_dir / CACHE_DIR).exists()  # removed once the index is published

    # The resumed index holds exactly the vectors a clean build makes.
    clean = settings.model_copy(update={"index_dir": settings.index_dir.parent / "clean"})
    builder(clean, analyzer, FakeEmbedder()).build()
    a, b = open_index(settings.index_dir, FAKE_MODEL), open_index(clean.index_dir, FAKE_MODEL)
    np.testing.assert_allclose(np.asarray(a.vectors), np.asarray(b.vectors), rtol=1e-6)
    assert [c.chunk_id for c in a.store.all_chunks()] == [c.chunk_id for c in b.store.all_chunks()]
    a.close()
    b.close()


def test_rebuild_after_an_interruption_still_resumes(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    builder(settings, analyzer, FakeEmbedder()).build()
    with pytest.raises(KeyboardInterrupt):
        builder(settings, analyzer, StopAfter(batches=1)).build(rebuild=True)
    again = FakeEmbedder()
    builder(settings, analyzer, again).build(rebuild=True)
    assert embedded(again) == 4  # --rebuild ignores the old index, not the batches just finished


def test_a_torn_write_is_ignored(tmp_path: Path) -> None:
    cache = EmbedCache(tmp_path / CACHE_DIR, FAKE_MODEL)
    vectors = np.eye(3, 4, dtype=np.float32)
    cache.append(["a", "b", "c"], vectors)
    # Interrupted in the middle of the next batch: half a vector, a key without its end.
    with open(cache.folder / "vectors.f32", "ab") as fh:
        fh.write(b"\x00" * 6)
    with open(cache.folder / "keys.txt", "a") as fh:
        fh.write("d\ne")

    again = EmbedCache(tmp_path / CACHE_DIR, FAKE_MODEL)
    assert len(again) == 3 and "d" not in again
    np.testing.assert_array_equal(again.get(["c", "a"]), vectors[[2, 0]])
    again.append(["d"], np.full((1, 4), 0.5, dtype=np.float32))
    third = EmbedCache(tmp_path / CACHE_DIR, FAKE_MODEL)
    np.testing.assert_array_equal(third.get(["d", "b"]), [[0.5] * 4, [0, 1, 0, 0]])


def test_another_model_empties_the_cache(tmp_path: Path) -> None:
    EmbedCache(tmp_path / CACHE_DIR, "model-a").append(["a"], np.ones((1, 4), dtype=np.float32))
    assert len(EmbedCache(tmp_path / CACHE_DIR, "model-b")) == 0
    assert len(EmbedCache(tmp_path / CACHE_DIR, "model-a")) == 0  # model-b's open removed it


def test_documents_are_streamed(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    read: list[str] = []

    def docs() -> Iterator[Document]:
        for i in range(30):
            read.append(f"d{i}")
            text = f"문서 {i}번은 강아지 {i}마리를 다룬다. 강아지는 산책을 좋아한다."
            yield Document(f"d{i}", f"d{i}", f"제목 {i}", text, fingerprint=str(i))

    result = builder(settings, analyzer, FakeEmbedder(), batch=7).build_documents(docs(), total=30)
    assert len(read) == 30
    assert (result.manifest.n_documents, result.manifest.n_chunks) == (30, 30)
    assert set(result.manifest.timings) == {"analyse", "embed", "model", "vector_index"}
    engine = Engine(settings.model_copy(update={"abstain": False}), embedder=FakeEmbedder(), analyzer=analyzer)
    assert engine.ask("강아지 17마리").citations[0].doc_id == "d17"


def test_duplicate_passages_are_embedded_once(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    docs = [Document(f"d{i}", f"d{i}", "같은 제목", "똑같은 문장이 여기 있다.", fingerprint="x") for i in range(5)]
    embedder = FakeEmbedder()
    builder(settings, analyzer, embedder).build_documents(docs)
    assert embedded(embedder) == 1
    index = open_index(settings.index_dir, FAKE_MODEL)
    assert len(index) == 5 and np.allclose(index.vectors[0], index.vectors[4])
    index.close()


def test_counts_give_the_weights_of_a_fit_on_all_documents() -> None:
    docs = [["한강", "서울", "한강"], ["서울"], ["제주", "한라산", "제주", "오름"], []]
    counts = BM25Counts()
    for d in docs:
        counts.add(d)
    streamed = counts.fit(BM25())
    k1, b, n = 0.9, 0.4, 4
    avg = sum(map(len, docs)) / n
    idf_seoul = np.log(1 + (n - 2 + 0.5) / (2 + 0.5))
    norm0 = k1 * (1 - b + b * 3 / avg)
    expected = idf_seoul * 1 * (k1 + 1) / (1 + norm0)
    assert streamed.scores(["서울"])[0] == pytest.approx(expected, rel=1e-5)
    assert streamed.scores(["오름"]).argmax() == 2
    assert streamed.n_docs == 4 and streamed.scores(["없는말"]).sum() == 0
