"""Building, updating and opening an index with the fake embedder."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from conftest import FAKE_MODEL, FakeEmbedder

from assistant.answer.engine import Engine
from assistant.errors import (
    CorpusError,
    IndexBusyError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
)
from assistant.settings import Settings
from assistant.store.bm25 import BM25
from assistant.store.builder import BuildResult, IndexBuilder
from assistant.store.index import open_index
from assistant.store.manifest import FORMAT_VERSION, MANIFEST, READING_VERSION
from assistant.store.versions import CURRENT, build_lock, current_version, is_current
from assistant.text.korean import KoreanAnalyzer

N_CHUNKS = 6  # 3 sections in each golden document, each one chunk at chunk_size 80


def build(
    settings: Settings, analyzer: KoreanAnalyzer, embedder: FakeEmbedder | None = None, *, rebuild: bool = False
) -> BuildResult:
    return IndexBuilder(settings, embedder or FakeEmbedder(), analyzer).build(rebuild=rebuild)


def passage_calls(embedder: FakeEmbedder) -> list[int]:
    return [n for kind, n in embedder.calls if kind == "passage"]


def chunk_ids(settings: Settings) -> list[str]:
    index = open_index(settings.index_dir, FAKE_MODEL)
    try:
        return [c.chunk_id for c in index.store.all_chunks()]
    finally:
        index.close()


# ---------------------------------------------------------------------------
# A first build


def test_build_then_open(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    embedder = FakeEmbedder()
    result = build(settings, analyzer, embedder)
    m = result.manifest
    assert (m.format_version, m.model, m.dim) == (FORMAT_VERSION, FAKE_MODEL, 64)
    assert (m.chunk_size, m.chunk_overlap, m.vector_index) == (80, 0, "flat")
    assert (m.n_documents, m.n_chunks, m.embedded_chunks, m.reused_chunks) == (2, N_CHUNKS, N_CHUNKS, 0)
    assert m.corpus_dir == str(settings.corpus_dir)
    assert m.skipped == []
    assert passage_calls(embedder) == [N_CHUNKS]
    assert current_version(settings.index_dir) == result.version_dir
    assert (settings.index_dir / CURRENT).read_text("utf-8") == result.version_dir.name

    index = open_index(settings.index_dir, FAKE_MODEL)
    try:
        assert index.manifest == m
        assert len(index) == N_CHUNKS
        assert index.vectors.shape == (N_CHUNKS, 64)
        np.testing.assert_allclose(np.linalg.norm(index.vectors, axis=1), 1.0, rtol=1e-5)
        assert index.titles == {"서울.md": "서울 안내", "제주.txt": "제주"}
        assert [c.chunk_id for c in index.store.all_chunks()] == [
            "서울.md#0", "서울.md#1", "서울.md#2", "제주.txt#0", "제주.txt#1", "제주.txt#2",
        ]  # fmt: skip
        docs = index.store.documents()
        assert [(d.doc_id, d.n_chunks) for d in docs] == [("서울.md", 3), ("제주.txt", 3)]
        for d in docs:
            text = (settings.corpus_dir / d.doc_id).read_text("utf-8")
            stored = index.store.document(d.doc_id)
            assert stored is not None and stored.text == text
            assert d.chars == stored.chars == len(text)
    finally:
        index.close()


def test_summary_candidates_are_the_same_whether_read_with_their_chunk_or_alone(
    settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    build(settings, analyzer)
    alone, along = open_index(settings.index_dir, FAKE_MODEL), open_index(settings.index_dir, FAKE_MODEL)
    try:
        rows = list(range(N_CHUNKS))
        expected = [alone.store.candidates(r) for r in rows]
        along.store.chunks(rows[::2])  # half the chunks read first, with their candidates
        assert [along.store.candidates(r) for r in rows] == expected
        assert all(expected) and all(len(c) == 3 for cands in expected for c in cands)
    finally:
        alone.close()
        along.close()


def test_rebuilding_an_unchanged_corpus_embeds_nothing(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    first = build(settings, analyzer)
    embedder = FakeEmbedder()
    second = build(settings, analyzer, embedder)
    assert embedder.calls == []
    assert (second.manifest.embedded_chunks, second.manifest.reused_chunks) == (0, N_CHUNKS)
    assert second.version_dir != first.version_dir
    assert not first.version_dir.exists()  # the old version is removed once replaced
    index = open_index(settings.index_dir, FAKE_MODEL)
    try:
        np.testing.assert_allclose(index.vectors, FakeEmbedder().embed(_passages(index), "passage"))
    finally:
        index.close()


def _passages(index: object) -> list[str]:
    from assistant.text.chunking import passage_text

    store = index.store  # type: ignore[attr-defined]
    titles = index.titles  # type: ignore[attr-defined]
    return [passage_text(titles[c.doc_id], c) for c in store.all_chunks()]


def test_editing_a_document_reembeds_only_its_changed_chunk(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    build(settings, analyzer)
    path = settings.corpus_dir / "제주.txt"
    path.write_text(path.read_text("utf-8").replace("전복과 소라를", "성게와 해삼을"), "utf-8")
    embedder = FakeEmbedder()
    result = build(settings, analyzer, embedder)
    assert passage_calls(embedder) == [1]
    assert (result.manifest.embedded_chunks, result.manifest.reused_chunks) == (1, N_CHUNKS - 1)
    index = open_index(settings.index_dir, FAKE_MODEL)
    try:
        chunk = index.store.all_chunks()[5]
        assert chunk.chunk_id == "제주.txt#2"
        assert chunk.text == "감귤 농사와 관광이 제주 경제의 중심이다. 해녀는 바다에 들어가 성게와 해삼을 딴다."
        np.testing.assert_allclose(index.vectors, FakeEmbedder().embed(_passages(index), "passage"), atol=1e-6)
    finally:
        index.close()


def test_deleting_a_document_drops_its_chunks(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    build(settings, analyzer)
    (settings.corpus_dir / "서울.md").unlink()
    embedder = FakeEmbedder()
    result = build(settings, analyzer, embedder)
    assert embedder.calls == []
    assert (result.manifest.n_documents, result.manifest.n_chunks, result.manifest.reused_chunks) == (1, 3, 3)
    assert chunk_ids(settings) == ["제주.txt#0", "제주.txt#1", "제주.txt#2"]


def test_adding_a_document_embeds_only_it(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    build(settings, analyzer)
    (settings.corpus_dir / "부산.txt").write_text(
        "부산은 한국 제2의 도시이다. 해운대 해수욕장이 유명하다.\n\n1. 항구\n\n부산항은 한국에서 가장 큰 항구이다.\n",
        "utf-8",
    )
    embedder = FakeEmbedder()
    result = build(settings, analyzer, embedder)
    assert passage_calls(embedder) == [2]
    assert (result.manifest.n_documents, result.manifest.embedded_chunks, result.manifest.reused_chunks) == (
        3, 2, N_CHUNKS,
    )  # fmt: skip
    assert chunk_ids(settings)[:2] == ["부산.txt#0", "부산.txt#1"]


def test_rebuild_embeds_everything_again(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    build(settings, analyzer)
    embedder = FakeEmbedder()
    result = build(settings, analyzer, embedder, rebuild=True)
    assert passage_calls(embedder) == [N_CHUNKS]
    assert (result.manifest.embedded_chunks, result.manifest.reused_chunks) == (N_CHUNKS, 0)


def test_another_model_reuses_no_vector(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    build(settings, analyzer)

    class OtherEmbedder(FakeEmbedder):
        model_id = "other-fake"

    embedder = OtherEmbedder()
    result = build(settings.model_copy(update={"model": "other-fake"}), analyzer, embedder)
    assert passage_calls(embedder) == [N_CHUNKS]
    assert result.manifest.model == "other-fake"


# ---------------------------------------------------------------------------
# Interrupted builds


class FailingEmbedder(FakeEmbedder):
    """Embeds the first batch of passages, then fails like a crash in the middle of a build."""

    def embed(self, texts: Sequence[str], kind: str, *, progress: bool = False) -> np.ndarray:
        if kind == "passage" and any(k == "passage" for k, _ in self.calls):
            raise RuntimeError("embedding interrupted")
        return super().embed(texts, kind, progress=progress)


def test_interrupted_build_keeps_the_previous_index(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    embedder = FailingEmbedder()
    first = build(settings, analyzer, embedder)
    path = settings.corpus_dir / "서울.md"
    path.write_text(path.read_text("utf-8").replace("아홉 개", "스무 개"), "utf-8")
    with pytest.raises(RuntimeError, match="embedding interrupted"):
        build(settings, analyzer, embedder, rebuild=True)

    assert current_version(settings.index_dir) == first.version_dir
    assert not [p.name for p in settings.index_dir.iterdir() if p.name.startswith(".building-")]
    engine = Engine(settings.model_copy(update={"abstain": False}), embedder=FakeEmbedder(), analyzer=analyzer)
    answer = engine.ask("서울의 지하철은 몇 개 노선인가?")
    assert answer.citations[0].chunk_id == "서울.md#1"
    assert "아홉 개 노선" in answer.citations[0].passage  # the old text, still served
    assert not is_current(settings)

    # The next build succeeds, reuses what it can and serves the new text.
    embedder = FakeEmbedder()
    result = build(settings, analyzer, embedder)
    assert passage_calls(embedder) == [1]
    assert result.version_dir != first.version_dir
    assert sorted(p.name for p in settings.index_dir.iterdir() if p.is_dir()) == [result.version_dir.name]
    engine.reload()
    assert "스무 개 노선" in engine.ask("서울의 지하철은 몇 개 노선인가?").citations[0].passage
    assert is_current(settings)


def test_build_interrupted_while_writing(
    settings: Settings, analyzer: KoreanAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(settings, analyzer)
    (settings.corpus_dir / "제주.txt").unlink()

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(BM25, "save", interrupted)  # Ctrl-C in the middle of writing the files
    with pytest.raises(KeyboardInterrupt):
        build(settings, analyzer)
    monkeypatch.undo()

    assert current_version(settings.index_dir) == first.version_dir
    assert sorted(p.name for p in settings.index_dir.iterdir() if p.is_dir()) == [first.version_dir.name]
    assert chunk_ids(settings)[3:] == ["제주.txt#0", "제주.txt#1", "제주.txt#2"]


def test_leftovers_of_a_killed_build_are_cleaned(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    first = build(settings, analyzer)
    # What a build killed before it could clean up leaves behind.
    leftover = settings.index_dir / ".building-99999-1"
    leftover.mkdir()
    (leftover / "vectors.npy").write_bytes(b"partial")
    stale = settings.index_dir / "v-20000101T000000-000000"
    stale.mkdir()
    assert current_version(settings.index_dir) == first.version_dir  # leftovers change nothing

    second = build(settings, analyzer)
    names = sorted(p.name for p in settings.index_dir.iterdir() if p.is_dir())
    assert names == [second.version_dir.name]
    assert chunk_ids(settings)[0] == "서울.md#0"


# ---------------------------------------------------------------------------
# Opening: missing, mismatched, corrupt


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError) as err:
        open_index(tmp_path / "nowhere", FAKE_MODEL)
    assert "에 색인이 없습니다" in err.value.message
    assert err.value.hint is not None and "assistant index" in err.value.hint
    assert err.value.exit_code == 5


def test_other_model_is_refused(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    build(settings, analyzer)
    with pytest.raises(IndexMismatchError) as err:
        open_index(settings.index_dir, "embedded-e5-small")
    assert "'fake-bigram'" in err.value.message and "'embedded-e5-small'" in err.value.message
    assert err.value.hint is not None
    assert "assistant index" in err.value.hint and "--rebuild" in err.value.hint
    assert "--model embedded-e5-small" in err.value.hint


def test_other_format_version_is_refused(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    result = build(settings, analyzer)
    path = result.version_dir / MANIFEST
    data = json.loads(path.read_text("utf-8"))
    data["format_version"] = FORMAT_VERSION + 1
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(IndexMismatchError) as err:
        open_index(settings.index_dir, FAKE_MODEL)
    assert f"형식 v{FORMAT_VERSION + 1}" in err.value.message
    assert err.value.hint is not None and "--rebuild" in err.value.hint
    assert not is_current(settings)


def test_an_index_read_by_an_older_version_still_answers_and_is_stale(
    settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    result = build(settings, analyzer)
    path = result.version_dir / MANIFEST
    data = json.loads(path.read_text("utf-8"))
    assert data["reading_version"] == READING_VERSION
    del data["reading_version"]  # as a manifest written before the field was
    path.write_text(json.dumps(data), "utf-8")
    assert open_index(settings.index_dir, FAKE_MODEL).manifest.reading_version == 1  # opens as it is
    assert not is_current(settings)  # `assistant index --if-stale` rebuilds it
    build(settings, analyzer)
    assert is_current(settings)


def test_damaged_manifest(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    result = build(settings, analyzer)
    (result.version_dir / MANIFEST).write_text("{not json", "utf-8")
    with pytest.raises(IndexCorruptError) as err:
        open_index(settings.index_dir, FAKE_MODEL)
    assert err.value.hint is not None and "--rebuild" in err.value.hint


#: Without the digest check, a truncated bm25.npz makes numpy leak an open file (a
#: ResourceWarning, an error here), so that case is left out.
CORRUPTIONS = [
    (name, damage, verify)
    for name in ("vectors.faiss", "chunks.sqlite", "vectors.npy", "bm25.npz")
    for damage in ("truncate", "overwrite")
    for verify in (True, False)
    if verify or (name, damage) != ("bm25.npz", "truncate")
]


@pytest.mark.parametrize(("name", "damage", "verify"), CORRUPTIONS)
def test_corrupt_file(settings: Settings, analyzer: KoreanAnalyzer, name: str, damage: str, verify: bool) -> None:
    result = build(settings, analyzer)
    path = result.version_dir / name
    size = path.stat().st_size
    if damage == "truncate":
        with open(path, "r+b") as fh:
            fh.truncate(size // 2)
    else:
        path.write_bytes(b"\x00garbage" * (size // 8 + 1))
    with pytest.raises(IndexCorruptError) as err:
        open_index(settings.index_dir, FAKE_MODEL, verify=verify)
    assert err.value.hint is not None and "--rebuild" in err.value.hint
    assert str(settings.index_dir) in err.value.hint
    assert err.value.exit_code == 5


def test_missing_data_file(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    result = build(settings, analyzer)
    (result.version_dir / "bm25.json").unlink()
    with pytest.raises(IndexCorruptError, match=r"bm25\.json"):
        open_index(settings.index_dir, FAKE_MODEL)


def test_corrupt_index_is_rebuilt(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    result = build(settings, analyzer)
    (result.version_dir / "vectors.npy").write_bytes(b"garbage")
    embedder = FakeEmbedder()
    rebuilt = build(settings, analyzer, embedder)
    assert passage_calls(embedder) == [N_CHUNKS]  # nothing usable to reuse
    assert rebuilt.manifest.embedded_chunks == N_CHUNKS
    assert chunk_ids(settings)[-1] == "제주.txt#2"


# ---------------------------------------------------------------------------
# The corpus


def test_empty_corpus_folder(settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusError) as err:
        build(settings.model_copy(update={"corpus_dir": empty}), analyzer)
    assert str(empty) in err.value.message and "파일이 없습니다" in err.value.message
    assert err.value.exit_code == 3
    assert current_version(settings.index_dir) is None


def test_missing_corpus_folder(settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    with pytest.raises(CorpusError, match="가 없습니다") as err:
        build(settings.model_copy(update={"corpus_dir": missing}), analyzer)
    assert str(missing) in err.value.message
    assert current_version(settings.index_dir) is None


def test_corpus_of_only_unreadable_files(settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 8)
    with pytest.raises(CorpusError, match="읽을 수 있는 문서가 없습니다"):
        build(settings.model_copy(update={"corpus_dir": folder}), analyzer)


def test_binary_file_is_skipped_and_recorded(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    blob = settings.corpus_dir / "blob.txt"
    blob.write_bytes(bytes(range(256)) * 8)
    result = build(settings, analyzer)
    m = result.manifest
    assert (m.n_documents, m.n_chunks) == (2, N_CHUNKS)
    assert len(m.skipped) == 1
    path, reason = m.skipped[0]
    assert path == str(blob)
    assert "바이너리" in reason
    assert [s.path for s in result.skipped] == [str(blob)]
    index = open_index(settings.index_dir, FAKE_MODEL)
    try:
        assert index.manifest.skipped == [[str(blob), reason]]
        assert [d.doc_id for d in index.store.documents()] == ["서울.md", "제주.txt"]
    finally:
        index.close()


# ---------------------------------------------------------------------------
# Staleness and the build lock


def test_is_current(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    assert not is_current(settings)
    build(settings, analyzer)
    assert is_current(settings)
    assert not is_current(settings.model_copy(update={"chunk_size": 120}))
    assert not is_current(settings.model_copy(update={"model": "other"}))
    path = settings.corpus_dir / "제주.txt"
    path.write_text(path.read_text("utf-8") + "\n제주에는 돌, 바람, 여자가 많다고 한다.\n", "utf-8")
    assert not is_current(settings)
    build(settings, analyzer)
    assert is_current(settings)
    (settings.corpus_dir / "새 문서.md").write_text("# 새 문서\n\n새로 더한 문서이다.\n", "utf-8")
    assert not is_current(settings)


def test_second_builder_while_locked(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    embedder = FakeEmbedder()
    with build_lock(settings.index_dir), pytest.raises(IndexBusyError) as err:
        build(settings, analyzer, embedder)
    assert str(settings.index_dir) in err.value.message
    assert embedder.calls == []
    assert current_version(settings.index_dir) is None
    # Once the lock is released, building works.
    assert build(settings, analyzer).manifest.n_chunks == N_CHUNKS
