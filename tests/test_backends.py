"""Embedding backends: choosing one, falling back, the ONNX folder's cache, agreement with torch."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before anything imports huggingface_hub

import importlib.util
import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import embedder_in
from pydantic import ValidationError

from assistant.embedding import base, onnx_model
from assistant.embedding.base import SANITY_TRIPLES
from assistant.embedding.factory import load_embedder, resolve_backend
from assistant.embedding.onnx_backend import MARKER, MODEL_FILE, SPM_FILE, TOKENIZER_FILE, OnnxEmbedder
from assistant.embedding.onnx_model import FOLDER_NAME, TOLERANCE, ensure_onnx_model, is_intact, is_valid_folder
from assistant.embedding.spm_tokenizer import HfTokenizer, SpmTokenizer, ends_in_space
from assistant.embedding.torch_backend import SentenceTransformerEmbedder
from assistant.embedding.torch_folder import ensure_embedded_model
from assistant.errors import ModelError
from assistant.settings import EMBEDDED_MODEL, Settings

#: Twelve reworded questions over twelve topics, with the passage that answers each.
KOREAN_PAIRS = [
    ("우리나라 수도가 어디예요?", "서울은 대한민국의 수도이며 인구가 가장 많은 도시이다."),
    ("김치 담그는 방법 알려줘", "김치는 배추를 소금에 절인 뒤 고춧가루 양념에 버무려 만든다."),
    ("내일 비 와?", "내일은 전국에 비가 내리고 기온이 조금 떨어지겠습니다."),
    ("반도체 수출 실적은 어땠나요?", "지난해 반도체 수출은 전년보다 크게 늘었고 정부는 추가 지원책을 발표했다."),
    ("제주도에서 가장 높은 산은?", "한라산은 제주도 한가운데에 솟은 화산으로 남한에서 가장 높은 산이다."),
    ("한글은 누가 만들었나요?", "훈민정음은 세종대왕이 백성을 위해 만든 글자로 1446년에 반포되었다."),
    ("축구 대표팀 감독이 바뀌었나?", "대한축구협회는 국가대표팀의 새 사령탑을 선임했다고 밝혔다."),
    ("감기에 걸리면 어떻게 해야 하나요?", "감기에 걸렸을 때는 충분히 쉬고 물을 많이 마시는 것이 좋다."),
    ("지하철 요금이 올랐어?", "서울 지하철 기본요금이 다음 달부터 150원 인상된다."),
    ("고양이 사료는 어떻게 고르나요?", "고양이 사료는 나이와 건강 상태에 맞추어 고르는 것이 좋다."),
    ("전기차 배터리는 얼마나 오래 가나요?", "전기차 배터리는 보통 8년 또는 16만 킬로미터 정도 성능이 유지된다."),
    ("조선 왕조는 언제 세워졌나?", "이성계는 1392년에 고려를 무너뜨리고 조선을 건국하였다."),
]


@pytest.fixture(autouse=True)
def fresh_warnings() -> Iterator[None]:
    """Each test sees the once-per-process warnings afresh."""
    base._warned.clear()
    yield
    base._warned.clear()


def _hide_packages(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """Make ``names`` look uninstalled to the backend's package checks."""
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any, **kwargs: Any) -> Any:
        return None if name in names else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


# --------------------------------------------------------------------------- choosing a backend


def test_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_EMBEDDING_BACKEND", "torch")
    assert Settings().embedding_backend == "torch"
    monkeypatch.setenv("ASSISTANT_EMBEDDING_BACKEND", "tensorflow")
    with pytest.raises(ValidationError):
        Settings()


def test_auto_prefers_onnx_for_the_embedded_model() -> None:
    assert resolve_backend("auto", EMBEDDED_MODEL) == "onnx"
    assert resolve_backend("torch", EMBEDDED_MODEL) == "torch"


def test_unknown_backend_is_refused_with_the_choices() -> None:
    with pytest.raises(ModelError, match="auto, onnx, torch"):
        resolve_backend("tensorflow", EMBEDDED_MODEL)


def test_other_models_run_on_torch(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="assistant"):
        assert resolve_backend("auto", "intfloat/multilingual-e5-small") == "torch"
        assert not caplog.records
        assert resolve_backend("onnx", "intfloat/multilingual-e5-small") == "torch"
        assert resolve_backend("onnx", "intfloat/multilingual-e5-small") == "torch"
    assert len(caplog.records) == 1
    assert "runs only" in caplog.records[0].getMessage()


@pytest.mark.parametrize("requested", ["auto", "onnx"])
def test_missing_onnxruntime_falls_back_to_torch_once(
    requested: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _hide_packages(monkeypatch, "onnxruntime")
    with caplog.at_level(logging.WARNING, logger="assistant"):
        for _ in range(3):
            assert resolve_backend(requested, EMBEDDED_MODEL) == "torch"
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "onnxruntime" in message and "pip install onnxruntime" in message


def test_a_built_folder_needs_no_build_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _hide_packages(monkeypatch, "onnx")
    assert onnx_model.missing_packages(build=False) == []
    assert onnx_model.missing_packages(build=True) == ["onnx"]


def test_trailing_space_rule() -> None:
    assert ends_in_space("질문 ")
    assert ends_in_space("질문\n")
    assert ends_in_space("질문\u3000\x0b")  # a deleted character after a space
    assert not ends_in_space("질문")
    assert not ends_in_space("질문\x0b")
    assert not ends_in_space("")


# --------------------------------------------------------------------------- the real model


@pytest.fixture(scope="module")
def onnx_folder(cache_dir: Path) -> Path:
    return ensure_onnx_model(cache_dir)


@pytest.fixture(scope="module")
def onnx_embedder(cache_dir: Path, onnx_folder: Path) -> Any:
    return embedder_in(cache_dir, "onnx")


@pytest.fixture(scope="module")
def user_cache() -> Path:
    """The user's model cache, as the other integration tests use it (the torch folder is reused)."""
    cache = Settings().cache_dir
    ensure_embedded_model(cache)
    return cache


@pytest.fixture(scope="module")
def torch_embedder(user_cache: Path) -> Any:
    return embedder_in(user_cache, "torch")


@pytest.mark.integration
def test_onnx_folder_is_built_and_reused(onnx_folder: Path, cache_dir: Path) -> None:
    assert onnx_folder == cache_dir / "models" / FOLDER_NAME
    assert {MODEL_FILE, TOKENIZER_FILE, SPM_FILE, MARKER} <= {p.name for p in onnx_folder.iterdir()}
    assert 50e6 < (onnx_folder / MODEL_FILE).stat().st_size < 120e6  # int8 and 4-bit, not float32
    assert is_valid_folder(onnx_folder) and is_intact(onnx_folder)
    before = (onnx_folder / MARKER).stat().st_mtime_ns
    assert ensure_onnx_model(cache_dir) == onnx_folder  # reused: the marker was not written again
    assert (onnx_folder / MARKER).stat().st_mtime_ns == before


@pytest.mark.integration
def test_default_backend_is_onnx_with_the_same_model_id(onnx_embedder: Any, torch_embedder: Any) -> None:
    assert isinstance(onnx_embedder, OnnxEmbedder)
    assert isinstance(torch_embedder, SentenceTransformerEmbedder)
    assert onnx_embedder.model_id == torch_embedder.model_id == EMBEDDED_MODEL
    assert onnx_embedder.dim == torch_embedder.dim == 384
    vectors = onnx_embedder.embed([p for _, p in KOREAN_PAIRS], "passage")
    assert vectors.dtype == np.float32 and vectors.shape == (len(KOREAN_PAIRS), 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert onnx_embedder.embed([], "query").shape == (0, 384)


@pytest.mark.integration
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_vectors_agree_with_torch_within_the_tolerance(onnx_embedder: Any, torch_embedder: Any, kind: str) -> None:
    texts = [q if kind == "query" else p for q, p in KOREAN_PAIRS]
    cosines = np.sum(onnx_embedder.embed(texts, kind) * torch_embedder.embed(texts, kind), axis=1)
    assert cosines.mean() >= TOLERANCE["mean_cosine"], cosines
    assert cosines.min() >= TOLERANCE["min_cosine"], cosines


@pytest.mark.integration
def test_rankings_agree_with_torch(onnx_embedder: Any, torch_embedder: Any) -> None:
    queries = [q for q, _ in KOREAN_PAIRS] + [q for q, _, _ in SANITY_TRIPLES]
    passages = [p for _, p in KOREAN_PAIRS] + [p for _, pos, neg in SANITY_TRIPLES for p in (pos, neg)]
    ranks = {}
    for name, embedder in (("onnx", onnx_embedder), ("torch", torch_embedder)):
        scores = embedder.embed(queries, "query") @ embedder.embed(passages, "passage").T
        ranks[name] = scores.argmax(axis=1)
    assert list(ranks["onnx"]) == list(ranks["torch"])
    pairs = len(KOREAN_PAIRS)
    own = onnx_embedder.embed(queries[:pairs], "query") @ onnx_embedder.embed(passages[:pairs], "passage").T
    assert list(own.argmax(axis=1)) == list(range(pairs))


@pytest.mark.integration
def test_both_tokenizers_give_the_same_ids(onnx_folder: Path) -> None:
    texts = [f"passage: {p}" for _, p in KOREAN_PAIRS] + ["query: 끝에 공백 ", "query:  두  칸\n", "x" * 3000]
    spm = SpmTokenizer(onnx_folder / SPM_FILE, 512).encode_batch(texts)
    assert spm == HfTokenizer(onnx_folder / TOKENIZER_FILE, 512).encode_batch(texts)
    assert len(spm[-1]) == 512 and spm[-1][0] == 0 and spm[-1][-1] == 2


@pytest.mark.integration
def test_damaged_model_is_detected_and_rebuilt(onnx_folder: Path, cache_dir: Path) -> None:
    model = onnx_folder / MODEL_FILE
    size = model.stat().st_size
    with model.open("r+b") as handle:  # same size, different bytes: only the checksum sees it
        handle.seek(size // 2)
        handle.write(b"\xff" * 4096)
    assert is_valid_folder(onnx_folder) and not is_intact(onnx_folder)
    assert ensure_onnx_model(cache_dir) == onnx_folder
    assert is_intact(onnx_folder)
    marker = json.loads((onnx_folder / MARKER).read_text(encoding="utf-8"))
    assert marker["files"][MODEL_FILE]["size"] == size


@pytest.mark.integration
def test_truncated_or_unfinished_folder_is_not_valid(onnx_folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / FOLDER_NAME
    shutil.copytree(onnx_folder, copy)
    assert is_valid_folder(copy)
    with (copy / MODEL_FILE).open("r+b") as handle:
        handle.truncate(1000)
    assert not is_valid_folder(copy)
    shutil.rmtree(copy)
    shutil.copytree(onnx_folder, copy)
    (copy / MARKER).unlink()  # an interrupted build never wrote its marker
    assert not is_valid_folder(copy)


@pytest.mark.integration
def test_missing_onnxruntime_loads_torch_with_one_warning(
    user_cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _hide_packages(monkeypatch, "onnxruntime")
    with caplog.at_level(logging.WARNING, logger="assistant"):
        first = load_embedder(Settings(cache_dir=user_cache, show_progress=False))
        second = load_embedder(Settings(cache_dir=user_cache, show_progress=False))
    assert isinstance(first, SentenceTransformerEmbedder) and isinstance(second, SentenceTransformerEmbedder)
    assert [r.getMessage().split(",")[0] for r in caplog.records] == ["The onnx embedding backend needs onnxruntime"]
