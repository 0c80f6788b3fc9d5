"""Text embedders: the embedded default model or any sentence-transformers model.

The embedded model runs on one of two backends (``Settings.embedding_backend``): ONNX
Runtime (:mod:`assistant.embedding.onnx_backend`, the default when its packages are installed) or
torch through sentence-transformers. Their vectors agree within a tolerance, so both record
the same model id in an index. Any other model runs on torch.

Nothing heavy is imported here at module level: torch, transformers,
sentence-transformers and ONNX Runtime are imported only when a model is actually loaded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.embedding.base import E5_PREFIXES, Kind
from assistant.errors import ModelError

if TYPE_CHECKING:
    import numpy as np


_OFFLINE_HINT = (
    "네트워크 없이는 'embedded-e5-small'(기본)이나 내려받아 둔 sentence-transformers 폴더의 경로만 "
    "쓸 수 있습니다. ASSISTANT_MODEL을 그에 맞게 설정하세요."
)


class SentenceTransformerEmbedder:
    """An ``Embedder`` backed by a sentence-transformers model on the CPU, loaded on first use.

    ``query_prefix`` and ``passage_prefix`` are prepended to the texts of each kind
    (``None`` for no prefix). ``model`` may pass an already loaded ``SentenceTransformer``.
    """

    def __init__(
        self,
        path_or_name: str,
        *,
        model_id: str,
        query_prefix: str | None,
        passage_prefix: str | None,
        batch_size: int = 32,
        model: Any = None,
    ) -> None:
        self.path_or_name = path_or_name
        self.model_id = model_id
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self._model: Any = model

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.path_or_name!r}, model_id={self.model_id!r})"

    @property
    def model(self) -> Any:
        """The ``SentenceTransformer``, loaded on first access."""
        if self._model is None:
            self._model = load_sentence_transformer(self.path_or_name)
        return self._model

    @property
    def dim(self) -> int:
        """Length of each vector (loads the model)."""
        return embedding_dimension(self.model, self.path_or_name)

    def prefix(self, kind: Kind) -> str:
        """The text put before every text of ``kind``."""
        if kind not in ("query", "passage"):
            raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")
        prefix = self.query_prefix if kind == "query" else self.passage_prefix
        return prefix or ""

    def embed(self, texts: Sequence[str], kind: Kind, *, progress: bool = False) -> np.ndarray:
        """Vectors of ``texts``, shape ``(len(texts), dim)``, float32, rows of norm 1."""
        import numpy as np

        prefix = self.prefix(kind)
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not a single string")
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            prompt=prefix,
            batch_size=self.batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def embedding_dimension(model: Any, name: str) -> int:
    """The output dimension of a ``SentenceTransformer`` (the API name changed over versions)."""
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dim = getter()
    if not dim:
        raise ModelError(f"모델 {name!r}이 임베딩 차원을 알려 주지 않습니다.")
    return int(dim)


def looks_like_path(name: str) -> bool:
    """True if ``name`` can only be a folder, not a model hub id such as ``org/name``."""
    return name.startswith((".", "/", "~", "\\")) or name.count("/") > 1 or "\\" in name or ":" in name


def import_sentence_transformer() -> Any:
    """The ``SentenceTransformer`` class, or a ``ModelError`` if it cannot be imported."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelError(
            f"sentence-transformers를 불러올 수 없습니다: {exc}",
            hint="프로젝트의 의존성을 설치하세요(pip install -e .).",
        ) from exc
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # the weights load in a second; the bar is noise
    return SentenceTransformer


def _load_by_name(cls: Any, name: str) -> Any:
    """Load a model hub id: from the local cache if it is there, else from the hub."""
    try:
        return cls(name, device="cpu", local_files_only=True)
    except Exception:  # not cached (or a damaged cache): ask the hub
        return cls(name, device="cpu")


def load_sentence_transformer(path_or_name: str) -> Any:
    """Load a sentence-transformers model on the CPU, or raise a ``ModelError``.

    A local folder is loaded without touching the network; a model hub id is taken from
    the local cache when it is there, else downloaded.
    """
    folder = Path(path_or_name).expanduser()
    if not folder.is_dir() and looks_like_path(path_or_name):
        raise ModelError(f"모델 폴더 {path_or_name!r}가 없습니다.", hint=_OFFLINE_HINT)
    cls = import_sentence_transformer()
    try:
        if folder.is_dir():
            return cls(str(folder), device="cpu", local_files_only=True)
        return _load_by_name(cls, path_or_name)
    except Exception as exc:  # not found, offline, damaged folder: all end the same way
        raise ModelError(
            f"임베딩 모델 {path_or_name!r}을 불러올 수 없습니다: {_first_line(exc)}",
            hint=_OFFLINE_HINT,
        ) from exc


def _first_line(exc: BaseException) -> str:
    """The first line of an exception's message (library messages can run long)."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def configured_prefixes(name: str, prompts: Mapping[str, str] | None) -> tuple[str | None, ...]:
    """Query and passage prefixes of a model: its own prompts, else e5's by name, else none."""
    prompts = prompts or {}
    query = prompts.get("query") or None
    passage = prompts.get("passage") or prompts.get("document") or None
    if query or passage:
        return query, passage
    if "e5" in name.lower():
        return E5_PREFIXES
    return None, None
