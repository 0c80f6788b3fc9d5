"""Shared fixtures: a deterministic fake embedder, a shared Kiwi analyzer, a tiny golden corpus."""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from assistant.search.abstain import AbstentionRule
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer
from bench.milvus_server import MilvusServer, running

if TYPE_CHECKING:
    from assistant.answer.engine import Engine
    from assistant.store.builder import BuildResult

FAKE_MODEL = "fake-bigram"
#: Abstention rules for tests: never answers; abstains exactly when less than half of the
#: question's terms are found in the top passages.
ALWAYS = AbstentionRule(bias=-100.0, w_dense=0.0, w_coverage=0.0)
BY_COVERAGE = AbstentionRule(bias=-1.0, w_dense=0.0, w_coverage=2.0)


class FakeEmbedder:
    """Deterministic embedder: hashed character bigrams of the text, L2-normalized.

    Texts sharing words get similar vectors, so rankings are meaningful and repeatable.
    """

    model_id = FAKE_MODEL
    dim = 64

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def embed(self, texts: Sequence[str], kind: str, *, progress: bool = False) -> np.ndarray:
        self.calls.append((kind, len(texts)))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            clean = re.sub(r"\s+", " ", text)
            for a, b in zip(clean, clean[1:], strict=False):
                h = int.from_bytes(hashlib.md5((a + b).encode()).digest()[:4], "little")
                out[i, h % self.dim] += 1.0
            out[i, 0] += 1e-3  # never a zero vector
        return out / np.linalg.norm(out, axis=1, keepdims=True)


#: One Kiwi for the whole test session (it loads on first use), also for module-level apps.
SHARED_ANALYZER = KoreanAnalyzer()


@pytest.fixture(scope="session")
def analyzer() -> KoreanAnalyzer:
    return SHARED_ANALYZER


def real_engine(corpus: Path, index_dir: Path, analyzer: KoreanAnalyzer) -> tuple[Engine, BuildResult]:
    """An engine over ``corpus`` with the real embedded model (from the user's model cache), indexed."""
    from assistant.answer.engine import Engine
    from assistant.settings import EMBEDDED_MODEL

    settings = Settings(
        index_dir=index_dir,
        corpus_dir=corpus,
        model=EMBEDDED_MODEL,
        cache_dir=Settings().cache_dir,
        show_progress=False,
    )
    engine = Engine(settings, analyzer=analyzer)
    return engine, engine.build_index()


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


GOLDEN = {
    "서울.md": """# 서울 안내

서울은 대한민국의 수도이다. 한강이 도시를 가로질러 흐른다.

## 교통

서울의 지하철은 아홉 개 노선으로 이루어져 있다. 버스는 간선과 지선으로 나뉜다.

## 음식

서울에서는 떡볶이와 김밥을 쉽게 먹을 수 있다. 광장시장은 빈대떡으로 유명하다.
""",
    "제주.txt": """제주도는 한국에서 가장 큰 섬이다. 한라산이 섬 가운데에 솟아 있다.

1. 자연

제주도에는 오름이라 부르는 작은 화산이 360개가 넘는다. 해안에는 검은 현무암이 많다.

2. 산업

감귤 농사와 관광이 제주 경제의 중심이다. 해녀는 바다에 들어가 전복과 소라를 딴다.
""",
}


def write_corpus(root: Path, docs: dict[str, str]) -> Path:
    """A corpus folder ``root`` holding ``docs`` (file name → text), as users keep one."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def fake_engine_over(corpus: Path, settings: Settings, analyzer: KoreanAnalyzer) -> Engine:
    """An engine over ``corpus`` (its index built beside it) with the fake embedder and abstention off:
    what a reader gives is searched and cited."""
    from assistant.answer.engine import Engine

    update = {"corpus_dir": corpus, "index_dir": corpus.parent / f"{corpus.name}-index", "abstain": False}
    engine = Engine(settings.model_copy(update=update), embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    return engine


@pytest.fixture
def golden_corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", GOLDEN)


@pytest.fixture
def settings(tmp_path: Path, golden_corpus: Path) -> Settings:
    """Settings pointing at temporary folders, the way users set them."""
    return Settings(
        index_dir=tmp_path / "index",
        corpus_dir=golden_corpus,
        model=FAKE_MODEL,
        cache_dir=tmp_path / "cache",
        chunk_size=80,
        chunk_overlap=0,
        show_progress=False,
    )


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch, analyzer: KoreanAnalyzer) -> None:
    """Engines created from settings alone (as the CLI creates them) get a FakeEmbedder for
    the model name ``fake-bigram`` and share the session's Kiwi instead of loading another."""
    import assistant.answer.engine

    real_load = assistant.answer.engine.load_embedder

    def load_embedder(settings: Settings) -> object:
        return FakeEmbedder() if settings.model == FAKE_MODEL else real_load(settings)

    monkeypatch.setattr(assistant.answer.engine, "load_embedder", load_embedder)
    monkeypatch.setattr(assistant, "load_embedder", load_embedder, raising=False)  # as the CLI reaches it
    monkeypatch.setattr(assistant.answer.engine, "KoreanAnalyzer", lambda: analyzer)
    monkeypatch.setattr(assistant.answer.engine, "QuickStartAnalyzer", lambda cache_dir: analyzer)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_model: None) -> Path:
    """CLI settings by environment variables, the way users set them; returns the index folder."""
    index_dir = tmp_path / "index"
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("ASSISTANT_MODEL", FAKE_MODEL)
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ASSISTANT_ABSTAIN", "false")
    for name in ("ASSISTANT_CORPUS_DIR", "ASSISTANT_TOP_K", "ASSISTANT_CHUNK_SIZE", "ASSISTANT_CHUNK_OVERLAP"):
        monkeypatch.delenv(name, raising=False)
    return index_dir


@pytest.fixture
def indexed(env: Path, golden_corpus: Path) -> Path:
    """The golden corpus indexed by ``assistant index``; returns the index folder."""
    from click.testing import CliRunner

    from assistant.cli.commands import main

    result = CliRunner().invoke(main, ["index", str(golden_corpus), "-q"])
    assert result.exit_code == 0, result.output
    return env


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``predicate`` until true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def mrkdwn_of(blocks: list[dict[str, object]]) -> list[str]:
    """The mrkdwn text of each section and context block of a Slack message."""
    out: list[str] = []
    for b in blocks:
        if b["type"] == "section":
            out.append(b["text"]["text"])  # type: ignore[index]
        elif b["type"] == "context":
            out.extend(e["text"] for e in b["elements"])  # type: ignore[attr-defined]
    return out


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty model cache for one test module, which builds into it what it tests."""
    return tmp_path_factory.mktemp("model-cache")


def embedder_in(cache_dir: Path, backend: str) -> Any:
    """The embedded model on ``backend`` (onnx or torch), from the model cache ``cache_dir``."""
    from assistant.embedding.factory import load_embedder

    return load_embedder(Settings(cache_dir=cache_dir, show_progress=False, embedding_backend=backend))  # type: ignore[arg-type]


@contextlib.contextmanager
def live_server(app: Any, **options: Any) -> Iterator[str]:
    """The ASGI ``app`` under uvicorn on a free loopback port, in a thread; yields its base URL.

    ``options`` go to ``uvicorn.Config`` (``assistant.web.server_options`` gives the ones
    ``assistant serve`` uses)."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: server.started, 60), "the server did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture(scope="session")
def milvus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MilvusServer]:
    """One Milvus standalone server for the whole session, started on first use (bench/milvus_server.py)."""
    with running(tmp_path_factory.mktemp("milvus-server")) as server:
        yield server
