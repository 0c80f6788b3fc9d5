"""Index files checked when a version opens, and damaged under a running engine.

``vectors.npy`` is never memory-mapped: a small one is read whole when the version opens, a
large one row by row from the open file. A file truncated later is then an
:class:`IndexCorruptError` with the rebuild command, or goes unnoticed by the answers (read
before the damage) and is reported by ``/healthz``; a memory-mapped file would kill the
process with SIGBUS, and this test process with it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import FAKE_MODEL, FakeEmbedder
from fastapi.testclient import TestClient

from assistant.answer.engine import Engine
from assistant.errors import IndexCorruptError
from assistant.settings import Settings
from assistant.store import vector_file
from assistant.store.index import open_index
from assistant.store.manifest import MANIFEST, Manifest
from assistant.store.vector_file import VectorFile
from assistant.text.korean import KoreanAnalyzer
from assistant.web import create_app

SUBWAY = "서울의 지하철은 몇 개 노선인가?"


@pytest.fixture(params=["in memory", "row by row"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of reading: the golden index is small, so row by row is forced by the limit."""
    if request.param == "row by row":
        monkeypatch.setattr(vector_file, "IN_MEMORY_LIMIT", 0)
    return str(request.param)


@pytest.fixture
def matrix(tmp_path: Path) -> tuple[Path, np.ndarray]:
    data = np.arange(100 * 8, dtype=np.float32).reshape(100, 8)
    path = tmp_path / "vectors.npy"
    np.save(path, data)
    return path, data


def truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(size)


# ---------------------------------------------------------------------------
# Reading rows


def test_rows_come_back_in_the_order_asked(matrix: tuple[Path, np.ndarray], reading: str) -> None:
    path, data = matrix
    vectors = VectorFile(path)
    rows = [57, 3, 3, 99, 0, 40, 41, 42, -1]
    np.testing.assert_array_equal(vectors[rows], data[rows])
    np.testing.assert_array_equal(vectors[np.array(rows[:4], dtype=np.int64)], data[rows[:4]])
    np.testing.assert_array_equal(vectors[5], data[5])
    np.testing.assert_array_equal(vectors[2:7], data[2:7])
    np.testing.assert_array_equal(np.asarray(vectors), data)
    assert vectors.shape == (100, 8) and len(vectors) == 100
    assert vectors[[]].shape == (0, 8)
    with pytest.raises(IndexError):
        vectors[[100]]
    vectors.close()


def test_a_file_truncated_after_opening_is_an_error_not_a_crash(matrix: tuple[Path, np.ndarray], reading: str) -> None:
    path, data = matrix
    vectors = VectorFile(path, hint="Rebuild it with: assistant index --rebuild")
    vectors.check()
    truncate(path, path.stat().st_size // 2)
    np.testing.assert_array_equal(vectors[[0, 1]], data[[0, 1]])  # rows still in the file
    if reading == "row by row":
        with pytest.raises(IndexCorruptError, match="ends early") as err:
            vectors[[0, 99]]
        assert err.value.hint == "Rebuild it with: assistant index --rebuild"
    else:
        np.testing.assert_array_equal(vectors[[0, 99]], data[[0, 99]])  # read before the damage
    with pytest.raises(IndexCorruptError, match="bytes where 100 vectors take") as err:
        vectors.check()
    assert err.value.hint == "Rebuild it with: assistant index --rebuild"
    vectors.close()


def test_a_closed_file_is_never_read(matrix: tuple[Path, np.ndarray]) -> None:
    """Its descriptor's number may belong to another file by then."""
    path, _ = matrix
    vectors = VectorFile(path)
    vectors.close()
    with pytest.raises(RuntimeError, match="closed"):
        vectors[[0]]
    with pytest.raises(RuntimeError, match="closed"):
        vectors.check()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no valid header"),
        (b"\x93NUMPY garbage", "no valid header"),
        (None, "not rows of float32"),
    ],
)
def test_files_that_are_not_float32_rows_are_refused(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "vectors.npy"
    if content is None:
        np.save(path, np.zeros((3, 4), dtype=np.float64))
    else:
        path.write_bytes(content)
    with pytest.raises(IndexCorruptError, match=message):
        VectorFile(path)


def test_a_file_shorter_than_its_header_says_is_refused(matrix: tuple[Path, np.ndarray]) -> None:
    path, _ = matrix
    truncate(path, path.stat().st_size - 4)
    with pytest.raises(IndexCorruptError, match="bytes where 100 vectors take"):
        VectorFile(path)


# ---------------------------------------------------------------------------
# Checks when a version opens


@pytest.fixture
def engine(settings: Settings, analyzer: KoreanAnalyzer) -> Engine:
    eng = Engine(settings.model_copy(update={"abstain": False}), embedder=FakeEmbedder(), analyzer=analyzer)
    eng.build_index()
    return eng


def test_the_manifest_records_every_file_size(engine: Engine) -> None:
    folder = engine.index.folder
    manifest = Manifest.read(folder, engine.settings.index_dir)
    assert set(manifest.sizes) == set(manifest.files)
    assert all(manifest.sizes[name] == (folder / name).stat().st_size for name in manifest.files)


def test_large_files_are_checked_by_size_small_ones_by_digest(engine: Engine) -> None:
    folder, index_dir = engine.index.folder, engine.settings.index_dir
    manifest = Manifest.read(folder, index_dir)
    path = folder / "bm25.json"
    text = path.read_text("utf-8")
    path.write_text(text.replace('"k1": 0.9', '"k1": 0.8'), "utf-8")  # same size, other bytes
    manifest.verify_files(folder, index_dir, digest_limit=0)  # sizes only: not seen
    with pytest.raises(IndexCorruptError, match=r"bm25\.json"):
        manifest.verify_files(folder, index_dir)  # digested: seen
    truncate(path, len(text) // 2)
    with pytest.raises(IndexCorruptError, match=r"bm25\.json"):
        manifest.verify_files(folder, index_dir, digest_limit=0)


def test_a_manifest_without_sizes_digests_every_file(engine: Engine) -> None:
    folder, index_dir = engine.index.folder, engine.settings.index_dir
    data = json.loads((folder / MANIFEST).read_text("utf-8"))
    del data["sizes"]
    (folder / MANIFEST).write_text(json.dumps(data), "utf-8")
    assert open_index(index_dir, FAKE_MODEL).manifest.sizes == {}
    path = folder / "vectors.npy"
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(IndexCorruptError, match=r"vectors\.npy"):
        Manifest.read(folder, index_dir).verify_files(folder, index_dir, digest_limit=0)


# ---------------------------------------------------------------------------
# Damage under a running engine and server


def test_vectors_truncated_under_a_running_engine(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vector_file, "IN_MEMORY_LIMIT", 0)
    engine.reload()  # read row by row from now on
    assert engine.ask(SUBWAY).citations
    truncate(engine.index.folder / "vectors.npy", 200)
    with pytest.raises(IndexCorruptError) as err:
        engine.ask(SUBWAY)
    assert err.value.hint is not None and "--rebuild" in err.value.hint
    engine.build_index(rebuild=True)  # the command in the hint fixes it
    assert engine.ask(SUBWAY).citations


def test_vectors_truncated_under_a_running_server(settings: Settings, engine: Engine, reading: str) -> None:
    engine.reload()  # opened the way the test reads
    app = create_app(settings, engine=engine, stream_pace=0.0, follow_interval=3600)
    with TestClient(app) as client:
        assert client.post("/api/ask", json={"question": SUBWAY}).status_code == 200
        truncate(engine.index.folder / "vectors.npy", 200)
        response = client.post("/api/ask", json={"question": SUBWAY})
        if reading == "row by row":
            assert response.status_code == 503
            error = response.json()["error"]
            assert error["type"] == "IndexCorruptError"
            assert "--rebuild" in error["hint"] and str(settings.index_dir) in error["hint"]
        else:
            assert response.status_code == 200  # from the copy read when the version opened
        health = client.get("/healthz")
        assert health.status_code == 503 and "vectors.npy" in health.json()["error"]
