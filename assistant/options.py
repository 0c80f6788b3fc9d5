"""The named choices of the settings: retrieval modes, fusions, vector indexes, embedding backends.

One home for each list, light enough for the settings and the front ends to import (no numpy).
Unknown names are refused with the valid choices listed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, get_args

from assistant.errors import ConfigError

#: How passages are retrieved: fused dense and BM25 signals, or one signal alone.
Mode = Literal["hybrid", "dense", "bm25"]
MODES: tuple[str, ...] = get_args(Mode)

#: How the signals are fused (functions in :mod:`assistant.search.fusion`).
FUSIONS: tuple[str, ...] = ("weighted", "rrf")

#: How the embedded model runs (``auto``: onnx when its packages are installed).
EmbeddingBackend = Literal["auto", "onnx", "torch"]
BACKENDS: tuple[str, ...] = get_args(EmbeddingBackend)

#: Where vectors are searched.
VECTOR_INDEXES = "flat, hnsw, milvus://host:port(Milvus 서버), .db로 끝나는 경로(milvus-lite 파일)"
#: Environment variable of the Milvus access token ("user:password" or an API key).
MILVUS_TOKEN_ENV = "ASSISTANT_MILVUS_TOKEN"

_MILVUS_URI = re.compile(
    r"^(?P<scheme>milvus|milvus\+https)://(?P<host>[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])"
    r"(?::(?P<port>\d{1,5}))?(?:/(?P<db>[A-Za-z_][A-Za-z0-9_]*))?/?$"
)


def check_choice(kind: str, value: str, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``, else a :class:`ConfigError` that lists them."""
    if value not in choices:
        raise ConfigError(f"알 수 없는 {kind} {value!r}입니다. 다음 중 하나를 고르세요: {', '.join(choices)}")
    return value


def is_milvus(kind: str) -> bool:
    """Whether the kind names Milvus: ``milvus://...`` (or ``milvus+https://...``) or a path ending in ``.db``."""
    return kind.startswith(("milvus://", "milvus+")) or kind.endswith(".db")


def normalize_milvus_location(kind: str) -> str:
    """The canonical form of a Milvus location; ``.db`` paths become absolute. ConfigError if invalid."""
    if kind.endswith(".db"):
        if not Path(kind).name.removesuffix(".db"):
            raise ConfigError(f"milvus-lite 파일 {kind!r}이 잘못되었습니다. .db로 끝나는 파일 이름을 주세요.")
        return str(Path(kind).expanduser().resolve())
    if "@" in kind:
        raise ConfigError(
            f"Milvus 위치 {kind!r}이 잘못되었습니다. URI에 인증 정보를 넣지 마세요(색인 매니페스트에 기록됩니다).",
            hint=f"토큰은 {MILVUS_TOKEN_ENV}에 주세요.",
        )
    match = _MILVUS_URI.match(kind)
    if match is None or (match["port"] and not 0 < int(match["port"]) < 65536):
        raise ConfigError(f"Milvus 위치 {kind!r}이 잘못되었습니다. 다음 중 하나를 고르세요: {VECTOR_INDEXES}")
    return kind.rstrip("/")


def milvus_host(location: str) -> str | None:
    """The host of a ``milvus://`` location (None for a milvus-lite file or an invalid location)."""
    match = _MILVUS_URI.match(location)
    return match["host"] if match else None


def check_vector_index(kind: str) -> str:
    """``kind`` if it names a vector index (see :data:`VECTOR_INDEXES`), else a :class:`ConfigError`."""
    if kind in ("flat", "hnsw"):
        return kind
    if not is_milvus(kind):
        raise ConfigError(f"알 수 없는 벡터 색인 {kind!r}입니다. 다음 중 하나를 고르세요: {VECTOR_INDEXES}")
    normalize_milvus_location(kind)
    return kind
