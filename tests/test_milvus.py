"""What is particular to the Milvus backend: locators, reconnecting, dropping old versions, errors.

The shared contract (search, remove, padding) is in test_vectors.py. The tests taking
``location`` run twice: on milvus-lite (one ``.db`` file and in-process server for the module)
and on the session's Milvus standalone server. An unreachable server is
``milvus://127.0.0.1:1``, where nothing listens. What only a server does (several processes,
restarts, TLS and tokens) is in test_milvus_server.py.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import FAKE_MODEL, FakeEmbedder
from pydantic import ValidationError

from assistant.errors import ConfigError, IndexCorruptError, VectorStoreError
from assistant.options import is_milvus
from assistant.options import normalize_milvus_location as normalize_location
from assistant.settings import Settings
from assistant.store import milvus as milvus_index
from assistant.store.builder import IndexBuilder
from assistant.store.index import open_index
from assistant.store.milvus import MilvusIndex, collection_name
from assistant.store.vector_backends import discard_index, load_index, make_index
from assistant.store.versions import current_version
from assistant.text.korean import KoreanAnalyzer

NOWHERE = "milvus://127.0.0.1:1"
HOLD_LITE_FILE = """
import sys
from assistant.store.vector_backends import make_index
index = make_index(sys.argv[1], 16, name="v-1")
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.fixture(scope="module", params=["milvus-lite", "milvus-server"])
def location(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The ``vector_index`` value: a milvus-lite file for the module, or the session's server."""
    if request.param == "milvus-server":
        return str(request.getfixturevalue("milvus_server").uri)
    return str(tmp_path_factory.mktemp("milvus") / "vectors.db")


def _data(n: int = 40, dim: int = 16, seed: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _collections(location: str) -> list[str]:
    client = milvus_index.connect(normalize_location(location))
    try:
        return list(client.list_collections())
    finally:
        client.close()


def _built(location: str, name: str, tmp_path: Path, n: int = 40) -> tuple[MilvusIndex, Path, np.ndarray]:
    vectors = _data(n)
    index = make_index(location, 16, name=name)
    assert isinstance(index, MilvusIndex)
    index.add(np.arange(n, dtype=np.int64) + 100, vectors)
    locator = tmp_path / "vectors.faiss"
    index.save(locator)
    return index, locator, vectors


def test_index_builds_serve_and_replace_their_collection(
    settings: Settings, analyzer: KoreanAnalyzer, location: str
) -> None:
    """Through the indexer: a build fills a collection, a rebuild makes another; the first is
    dropped by the build after that."""
    settings = settings.model_copy(update={"vector_index": location})
    IndexBuilder(settings, FakeEmbedder(), analyzer).build()
    first = current_version(settings.index_dir)
    assert first is not None
    first_collection = json.loads((first / "vectors.faiss").read_text("utf-8"))["collection"]
    assert first_collection == collection_name(first.name)
    assert first_collection in _collections(location)
    index = open_index(settings.index_dir, FAKE_MODEL)
    try:
        assert isinstance(index.vector_index, MilvusIndex)
        _, ids = index.vector_index.search(np.asarray(index.vectors[2:3]), 3)
        assert ids[0, 0] == 2 and len(index.vector_index) == len(index.vectors)
    finally:
        index.close()  # closes its Milvus connection too

    IndexBuilder(settings, FakeEmbedder(), analyzer).build(rebuild=True)
    second = current_version(settings.index_dir)
    assert second is not None and second != first
    second_collection = json.loads((second / "vectors.faiss").read_text("utf-8"))["collection"]
    assert second_collection != first_collection
    # The previous version stays until the next build: servers still on it keep answering.
    assert first.exists() and {first_collection, second_collection} <= set(_collections(location))

    IndexBuilder(settings, FakeEmbedder(), analyzer).build(rebuild=True)
    third = current_version(settings.index_dir)
    assert third is not None
    third_collection = json.loads((third / "vectors.faiss").read_text("utf-8"))["collection"]
    built = {first_collection, second_collection, third_collection}
    assert not first.exists() and built & set(_collections(location)) == {second_collection, third_collection}


def test_locator_names_the_collection_and_reopens(location: str, tmp_path: Path) -> None:
    index, locator, vectors = _built(location, "v-20261122T101010-123456", tmp_path)
    saved = json.loads(locator.read_text("utf-8"))
    assert saved["uri"] == normalize_location(location)
    assert saved["collection"] == "assistant_v_20261122T101010_123456"
    index_type = "FLAT" if location.endswith(".db") else "HNSW"
    assert (saved["dim"], saved["metric"], saved["index_type"]) == (16, "IP", index_type)
    if index_type == "HNSW":  # a server indexes in the background: saving waited for every row
        described = index._client.describe_index(index.collection, "vector")
        assert (described["indexed_rows"], described["pending_index_rows"]) == (40, 0)
    before = index.search(vectors[:4], 5)
    index.close()

    again = load_index(location, locator)
    assert len(again) == 40
    scores, ids = again.search(vectors[:4], 5)
    np.testing.assert_array_equal(ids, before[1])
    np.testing.assert_allclose(scores, before[0], rtol=1e-6)
    assert list(ids[:, 0]) == [100, 101, 102, 103]


def test_closing_one_index_leaves_the_other_working(location: str, tmp_path: Path) -> None:
    # A serving engine closes the old index while the new one already answers.
    old, locator, vectors = _built(location, "v-close", tmp_path)
    new = load_index(location, locator)
    old.close()
    assert new.search(vectors[7:8], 1)[1][0, 0] == 107


def test_discard_drops_the_collection(location: str, tmp_path: Path) -> None:
    index, locator, _ = _built(location, "v-old", tmp_path)
    index.close()
    assert "assistant_v_old" in _collections(location)
    discard_index(location, locator)
    assert "assistant_v_old" not in _collections(location)
    with pytest.raises(IndexCorruptError, match=r"Milvus 컬렉션 assistant_v_old이 .*에 없습니다"):
        load_index(location, locator)


def test_discard_is_a_no_op_for_local_kinds(tmp_path: Path) -> None:
    path = tmp_path / "vectors.faiss"
    path.write_bytes(b"faiss bytes")
    for kind in ("flat", "hnsw", "numpy"):
        discard_index(kind, path)
    assert path.read_bytes() == b"faiss bytes"


def test_discard_never_raises(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    unreadable = tmp_path / "garbage.faiss"
    unreadable.write_text("{not json")
    unreachable = tmp_path / "away.faiss"
    milvus_index.Locator(NOWHERE, "assistant_v_x", 16, "IP", "HNSW").write(unreachable)
    with caplog.at_level(logging.WARNING, logger="assistant"):
        discard_index(NOWHERE, unreadable)
        discard_index(NOWHERE, unreachable)
        discard_index(NOWHERE, tmp_path / "never-written.faiss")
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3, messages
    assert "127.0.0.1:1" in messages[1] and "assistant_v_x" in messages[1]


def test_missing_or_damaged_locator_is_corrupt(location: str, tmp_path: Path) -> None:
    with pytest.raises(IndexCorruptError, match="읽을 수 없습니다"):
        load_index(location, tmp_path / "absent.faiss")
    wrong = tmp_path / "wrong.faiss"
    wrong.write_text(json.dumps({"uri": location, "collection": "assistant_x"}))
    with pytest.raises(IndexCorruptError, match="읽을 수 없습니다"):
        load_index(location, wrong)


def test_dimension_disagreement_is_corrupt(location: str, tmp_path: Path) -> None:
    index, locator, _ = _built(location, "v-dim", tmp_path)
    index.close()
    saved = json.loads(locator.read_text("utf-8"))
    locator.write_text(json.dumps({**saved, "dim": 32}))
    with pytest.raises(IndexCorruptError, match="16차원"):
        load_index(location, locator)


def test_unreachable_server_fails_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(VectorStoreError, match=re.escape("127.0.0.1:1")) as info:
        make_index(NOWHERE, 16, name="v-1")
    assert info.value.hint is not None and "healthz" in info.value.hint
    locator = tmp_path / "vectors.faiss"
    milvus_index.Locator(NOWHERE, "assistant_v_1", 16, "IP", "HNSW").write(locator)
    with pytest.raises(VectorStoreError, match="cannot connect"):
        load_index(NOWHERE, locator)
    assert (VectorStoreError.exit_code, VectorStoreError.http_status) == (6, 503)


def test_a_build_stops_before_embedding_when_milvus_is_unreachable(
    settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    settings = settings.model_copy(update={"vector_index": NOWHERE})
    embedder = FakeEmbedder()
    with pytest.raises(VectorStoreError, match=re.escape("cannot connect to Milvus at milvus://127.0.0.1:1")):
        IndexBuilder(settings, embedder, analyzer).build()
    assert embedder.calls == []
    assert current_version(settings.index_dir) is None


def test_a_server_gone_during_service_fails_within_the_timeout(tmp_path: Path) -> None:
    from milvus_lite.server_manager import server_manager_instance

    own = str(tmp_path / "gone.db")
    index = make_index(own, 16, name="v-gone")
    assert isinstance(index, MilvusIndex)
    index.add(np.arange(3), _data(3))
    index.timeout = 1.0
    server_manager_instance.release_server(own)
    start = time.monotonic()
    with pytest.raises(VectorStoreError, match="cannot search"):
        index.search(_data(1), 2)
    assert time.monotonic() - start < 10


def test_a_lite_file_open_in_another_process_is_explained(tmp_path: Path) -> None:
    busy = str(tmp_path / "busy.db")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LITE_FILE, busy], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(VectorStoreError, match="cannot open the milvus-lite database") as info:
            make_index(busy, 16, name="v-2")
        assert info.value.hint is not None and "one process at a time" in info.value.hint
    finally:
        holder.communicate("", timeout=30)


def test_an_existing_collection_is_not_overwritten(location: str) -> None:
    first = make_index(location, 16, name="v-twice")
    first.add(np.arange(3), _data(3))
    with pytest.raises(ConfigError, match="이미 있습니다"):
        make_index(location, 16, name="v-twice")
    assert len(first) == 3


def test_inserts_and_deletes_go_in_batches(location: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(milvus_index, "BATCH", 7)
    vectors = _data(30)
    index = make_index(location, 16, name="v-batches")
    index.add(np.arange(30), vectors)
    assert len(index) == 30
    index.remove(np.arange(0, 30, 2))
    assert len(index) == 15
    _, ids = index.search(vectors, 1)
    assert set(ids[:, 0]) == set(range(1, 30, 2))


def test_hnsw_index_type_searches_with_ef_at_least_k(location: str) -> None:
    vectors = _data(200)
    index = MilvusIndex.create(location, 16, "v-hnsw", index_type="HNSW")
    index.add(np.arange(200), vectors)
    assert index._search_params(300)["params"]["ef"] == 300
    assert index._search_params(10)["params"]["ef"] == 128
    scores, ids = index.search(vectors[:5], 300)
    assert list(ids[:, 0]) == [0, 1, 2, 3, 4]
    assert (ids[:, 200:] == -1).all() and np.isneginf(scores[:, 200:]).all()


def test_collection_names_are_valid_and_unique() -> None:
    assert collection_name("v-20261122T101010-123456") == "assistant_v_20261122T101010_123456"
    assert collection_name("버전 1.2") == "assistant_1_2"
    fresh = {collection_name("") for _ in range(3)}
    assert len(fresh) == 3
    assert all(n.startswith("assistant_") and n.replace("_", "").isalnum() for n in fresh)
    assert len(collection_name("x" * 400)) == 255


@pytest.mark.parametrize(
    ("value", "uri"),
    [
        ("milvus://milvus.internal:19530", "http://milvus.internal:19530"),
        ("milvus://10.0.0.5:19530/prod", "http://10.0.0.5:19530/prod"),
        ("milvus+https://in01.example.com:443", "https://in01.example.com:443"),
        ("milvus://localhost", "http://localhost"),
    ],
)
def test_server_locations(value: str, uri: str) -> None:
    assert is_milvus(value)
    assert milvus_index.client_uri(normalize_location(value)) == uri


def test_lite_locations_become_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert normalize_location("./data/vectors.db") == str(tmp_path / "data" / "vectors.db")
    with pytest.raises(ConfigError, match=re.escape(".db로 끝나는 파일 이름")):
        normalize_location(".db")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("annoy", "다음 중 하나를 고르세요: flat, hnsw, milvus://host:port"),
        ("milvus://", "Milvus 위치 .* 잘못되었습니다"),
        ("milvus://host:99999", "Milvus 위치 .* 잘못되었습니다"),
        ("milvus://user:secret@host:19530", "ASSISTANT_MILVUS_TOKEN"),
        ("http://host:19530", "다음 중 하나를 고르세요"),
    ],
)
def test_settings_refuse_unknown_vector_indexes(value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(vector_index=value)


@pytest.mark.parametrize("value", ["flat", "hnsw", "milvus://milvus:19530", "milvus+https://h:443/db", "idx/v.db"])
def test_settings_accept_vector_indexes(value: str) -> None:
    assert Settings(vector_index=value).vector_index == value


def test_cli_reports_an_invalid_vector_index(tmp_path: Path) -> None:
    from assistant.cli.commands import main

    result = CliRunner().invoke(main, ["index", str(tmp_path), "--index", str(tmp_path / "ix"), "--vector-index", "x"])
    assert result.exit_code == 2
    assert "milvus://host:port" in result.output
