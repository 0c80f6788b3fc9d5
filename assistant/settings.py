"""All settings in one object, built once at the edge and passed down explicitly.

Every field can be given as an environment variable ``ASSISTANT_<FIELD>`` (for example
``ASSISTANT_INDEX_DIR`` or ``ASSISTANT_CHUNK_SIZE``); command-line options override them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assistant.errors import ConfigError
from assistant.options import FUSIONS, EmbeddingBackend, check_choice, check_vector_index

#: Name of the default model: multilingual-e5-small rebuilt from the packages on PyPI.
EMBEDDED_MODEL = "embedded-e5-small"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "korean-assistant"


class Settings(BaseSettings):
    """Settings of the assistant. Unknown ``ASSISTANT_*`` variables are ignored."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore", frozen=True)

    index_dir: Path = Field(Path("index"), description="Folder of the built index.")
    corpus_dir: Path = Field(Path("corpus"), description="Folder of documents to index.")
    model: str = Field(
        EMBEDDED_MODEL,
        description="Embedding model: 'embedded-e5-small' (offline default), or any "
        "sentence-transformers model id or folder.",
    )
    cache_dir: Path = Field(default_factory=default_cache_dir, description="Model cache.")

    chunk_size: int = Field(500, ge=50, le=20000, description="Target chunk length (chars).")
    chunk_overlap: int = Field(100, ge=0, description="Overlap between chunks (chars).")
    vector_index: str = Field(
        "flat",
        description="Where the vectors are searched: 'flat' (FAISS, exact inner product), 'hnsw' (FAISS, "
        "approximate, large corpora), 'milvus://host:port' (a Milvus server or cluster; token in "
        "ASSISTANT_MILVUS_TOKEN) or a path ending in '.db' (milvus-lite, a local file). See docs/milvus.md.",
    )
    batch_size: int = Field(32, ge=1, le=1024, description="Embedding batch size.")
    embedding_backend: EmbeddingBackend = Field(
        "auto",
        description="How the embedded model runs: 'onnx' (ONNX Runtime, quantized: fast, light), 'torch' "
        "(sentence-transformers), or 'auto' (onnx when its packages are installed). Other models use torch.",
    )

    fusion: str = Field("weighted", description="Fusion of dense and BM25 scores: weighted, rrf.")
    dense_weight: float = Field(0.5, ge=0.0, le=1.0, description="Weight of the dense cosine in fusion.")
    morph_weight: float = Field(0.125, ge=0.0, le=1.0, description="Weight of BM25 over Kiwi morphemes.")
    bigram_weight: float = Field(0.375, ge=0.0, le=1.0, description="Weight of BM25 over character bigrams.")
    paraphrase_weight: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Weight in BM25 of the formal words added for a question's everyday ones (넣다 → 삽입; 0: none).",
    )
    phrase_weight: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="Weight, in the order of the passages an answer shows, of the share of the question's "
        "neighbouring words a passage writes together (0: none).",
    )
    rrf_k: int = Field(60, ge=1, description="k of reciprocal rank fusion.")
    mmr_lambda: float = Field(0.8, ge=0.0, le=1.0, description="Relevance share in MMR.")
    top_k: int = Field(5, ge=1, le=50, description="Passages per answer.")
    candidates: int = Field(50, ge=1, le=1000, description="Candidates per retriever.")
    summary_sentences: int = Field(4, ge=1, le=10, description="Sentences in the summary.")

    abstain: bool = Field(True, description="Say so instead of answering when nothing fits.")
    max_question_chars: int = Field(1000, ge=10, description="Longest question accepted.")
    show_progress: bool = Field(True, description="Progress bars on long work.")

    sessions_path: Path | None = Field(
        None,
        description="SQLite file of the conversations; by default next to the index folder, "
        "'<index_dir>.sessions.sqlite' (never inside it, so rebuilding the index keeps them).",
    )
    session_ttl_hours: float = Field(72.0, gt=0, description="Conversations idle longer than this expire.")
    history_turns: int = Field(4, ge=1, le=50, description="Earlier turns a follow-up question may draw on.")
    resolve_followups: bool = Field(
        True, description="Understand follow-up questions from the conversation (off: each message stands alone)."
    )

    api_key: str | None = Field(
        None,
        repr=False,
        description="Key the HTTP API requires (header X-API-Key or 'Authorization: Bearer KEY'); unset: no key.",
    )
    rate_limit_per_minute: int = Field(120, ge=0, description="HTTP API requests per minute per client (0: no limit).")
    max_body_bytes: int = Field(65536, ge=256, description="Largest HTTP request body accepted (bytes).")
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS on the HTTP API (JSON list); empty: CORS off."
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses (or networks, or '*') of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed: the client address of the rate limit and the logs then comes "
        "from them. Comma-separated or a JSON list; empty (the default): the headers are ignored.",
    )

    slack_bot_token: SecretStr | None = Field(
        None, description="Slack bot token (xoxb-...); set: the Slack bot answers at /slack/events."
    )
    slack_signing_secret: SecretStr | None = Field(
        None, description="Slack signing secret; checks that requests to /slack/events come from Slack."
    )
    slack_app_token: SecretStr | None = Field(
        None, description="Slack app-level token (xapp-..., scope connections:write) for Socket Mode (assistant slack)."
    )
    slack_api_url: str | None = Field(
        None, description="Base URL of the Slack Web API; unset: https://slack.com/api/ (tests point it elsewhere)."
    )

    @property
    def sessions_file(self) -> Path:
        """Where the conversations are stored (see ``sessions_path``)."""
        if self.sessions_path is not None:
            return self.sessions_path
        index_dir = self.index_dir if self.index_dir.name else self.index_dir.resolve()
        if not index_dir.name:
            return index_dir / "sessions.sqlite"
        return index_dir.with_name(index_dir.name + ".sessions.sqlite")

    @property
    def fusion_weights(self) -> dict[str, float]:
        """The weight of each signal in hybrid fusion, by its name (``dense``, ``morph``, ``bigram``)."""
        return {"dense": self.dense_weight, "morph": self.morph_weight, "bigram": self.bigram_weight}

    @property
    def slack_sessions_file(self) -> Path:
        """Where the Slack bot keeps its conversations: beside :attr:`sessions_file`, never in it,
        so that no route of the HTTP API can read or continue a Slack thread
        (``index.sessions.sqlite`` → ``index.sessions.slack.sqlite``)."""
        path = self.sessions_file
        return path.with_name(f"{path.stem}.slack{path.suffix}")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _address_list(cls, value: Any) -> Any:
        """``"127.0.0.1, 10.0.0.0/8"`` or ``'["127.0.0.1"]'`` from the environment; a list as it is."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)  # a ValueError: pydantic reports it as the setting's error
        return [part.strip() for part in text.split(",") if part.strip()]

    @field_validator("fusion")
    @classmethod
    def _known_fusion(cls, value: str) -> str:
        return _as_value_error(check_choice, "fusion", value, FUSIONS)

    @field_validator("vector_index")
    @classmethod
    def _known_vector_index(cls, value: str) -> str:
        return _as_value_error(check_vector_index, value)

    @model_validator(mode="after")
    def _overlap_below_size(self) -> Settings:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("chunk_overlap은 chunk_size보다 작아야 합니다")
        return self


def _as_value_error(check: Callable[..., str], *args: Any) -> str:
    """Run a check of :mod:`assistant.options`; pydantic reports a ``ValueError`` as a validation error."""
    try:
        return check(*args)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None
