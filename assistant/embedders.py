"""Text embedders: the embedded default model or any sentence-transformers model.

The embedded model runs on one of two backends (``Settings.embedding_backend``): ONNX
Runtime (:mod:`assistant.onnx_backend`, the default when its packages are installed) or
torch through sentence-transformers. Their vectors agree within a tolerance, so both record
the same model id in an index. Any other model runs on torch.

Nothing heavy is imported here at module level: torch, transformers,
sentence-transformers and ONNX Runtime are imported only when a model is actually loaded.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from assistant.errors import ModelError

if TYPE_CHECKING:
    import numpy as np

    from assistant.settings import Settings

#: What a text is: a question to search with, or a passage to be found.
Kind = Literal["query", "passage"]
#: A backend that runs a model (``auto`` in the settings resolves to one of these).
Backend = Literal["onnx", "torch"]
BACKENDS: tuple[str, ...] = ("auto", "onnx", "torch")

logger = logging.getLogger("assistant")
_warned: set[str] = set()

E5_PREFIXES = ("query: ", "passage: ")
_OFFLINE_HINT = (
    "Without network access only 'embedded-e5-small' (the default) or the path of a local "
    "sentence-transformers folder works; set ASSISTANT_MODEL accordingly."
)


class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors of one fixed dimension."""

    @property
    def model_id(self) -> str:
        """Name of the model, recorded with an index to detect a model change."""
        ...

    @property
    def dim(self) -> int:
        """Length of each vector."""
        ...

    def embed(self, texts: Sequence[str], kind: Kind, *, progress: bool = False) -> np.ndarray:
        """Vectors of ``texts``, shape ``(len(texts), dim)``, float32, rows of norm 1."""
        ...


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
        raise ModelError(f"The model {name!r} does not report its embedding dimension.")
    return int(dim)


def looks_like_path(name: str) -> bool:
    """True if ``name`` can only be a folder, not a model hub id such as ``org/name``."""
    return name.startswith((".", "/", "~", "\\")) or name.count("/") > 1 or "\\" in name or ":" in name


def _import_sentence_transformer() -> Any:
    """The ``SentenceTransformer`` class, or a ``ModelError`` if it cannot be imported."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelError(
            f"sentence-transformers cannot be imported: {exc}",
            hint="Install the project's dependencies (pip install -e .).",
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
        raise ModelError(f"The model folder {path_or_name!r} does not exist.", hint=_OFFLINE_HINT)
    cls = _import_sentence_transformer()
    try:
        if folder.is_dir():
            return cls(str(folder), device="cpu", local_files_only=True)
        return _load_by_name(cls, path_or_name)
    except Exception as exc:  # not found, offline, damaged folder: all end the same way
        raise ModelError(
            f"Cannot load the embedding model {path_or_name!r}: {_first_line(exc)}",
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


def warn_once(message: str) -> None:
    """Log a warning the first time ``message`` comes up in this process."""
    if message not in _warned:
        _warned.add(message)
        logger.warning(message)


def resolve_backend(requested: str, model: str, cache_dir: Path | None = None) -> Backend:
    """The backend that will run ``model``, given the one requested in the settings.

    ``onnx`` runs only the embedded model and needs ``onnxruntime`` and ``tokenizers`` (and
    ``onnx`` to build its folder once). When it was asked for and cannot be used, torch is
    used instead and a warning says why, once per process; ``auto`` quietly uses torch for
    other models.
    """
    from assistant.settings import EMBEDDED_MODEL

    if requested not in BACKENDS:
        raise ModelError(f"unknown embedding backend {requested!r}; choose one of {', '.join(BACKENDS)}")
    if requested == "torch":
        return "torch"
    if model != EMBEDDED_MODEL:
        if requested == "onnx":
            warn_once(f"The onnx embedding backend runs only {EMBEDDED_MODEL!r}; using torch for {model!r}.")
        return "torch"
    missing = _missing_onnx_packages(cache_dir)
    if missing:
        warn_once(
            f"The onnx embedding backend needs {', '.join(missing)}, not installed; using torch "
            f"(slower). Install with: pip install {' '.join(missing)}"
        )
        return "torch"
    return "onnx"


def _missing_onnx_packages(cache_dir: Path | None) -> list[str]:
    """The packages the ONNX backend lacks to run (and to build, if its folder is not built)."""
    from assistant import onnx_backend

    built = cache_dir is not None and onnx_backend.is_valid_folder(cache_dir / "models" / onnx_backend.FOLDER_NAME)
    return onnx_backend.missing_packages(build=not built)


def _embedded_embedder(settings: Settings) -> Embedder:
    """The embedded e5-small model on the configured backend, built into the cache on first use."""
    backend = resolve_backend(getattr(settings, "embedding_backend", "auto"), settings.model, settings.cache_dir)
    if backend == "onnx":
        try:
            return _onnx_embedder(settings)
        except ModelError as exc:
            if settings.embedding_backend == "onnx":
                raise
            warn_once(f"The onnx embedding backend cannot be used ({exc.message}); using torch.")
    return _torch_embedder(settings)


def _onnx_embedder(settings: Settings) -> Embedder:
    """The embedded model on ONNX Runtime (its folder built once, checked on every load)."""
    from assistant.onnx_backend import BATCH_SIZE, OnnxEmbedder, ensure_onnx_model
    from assistant.settings import EMBEDDED_MODEL

    folder = ensure_onnx_model(settings.cache_dir, progress=settings.show_progress)
    given = "batch_size" in settings.model_fields_set  # the default 32 suits torch, not int8
    return OnnxEmbedder(
        folder,
        model_id=EMBEDDED_MODEL,
        query_prefix=E5_PREFIXES[0],
        passage_prefix=E5_PREFIXES[1],
        batch_size=settings.batch_size if given else BATCH_SIZE,
    )


def _torch_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    """The embedded model on torch through sentence-transformers."""
    from assistant.e5_bundle import ensure_embedded_model
    from assistant.settings import EMBEDDED_MODEL

    folder = ensure_embedded_model(settings.cache_dir, progress=settings.show_progress)
    return SentenceTransformerEmbedder(
        str(folder),
        model_id=EMBEDDED_MODEL,
        query_prefix=E5_PREFIXES[0],
        passage_prefix=E5_PREFIXES[1],
        batch_size=settings.batch_size,
    )


def load_embedder(settings: Settings) -> Embedder:
    """The embedder named by ``settings.model``: the embedded model, a model id or a folder.

    Any model other than the embedded one is loaded right away, so that a wrong name
    fails here with a ``ModelError``.
    """
    from assistant.settings import EMBEDDED_MODEL

    if settings.model == EMBEDDED_MODEL:
        return _embedded_embedder(settings)
    name = settings.model
    resolve_backend(getattr(settings, "embedding_backend", "auto"), name)  # says so if onnx was asked for
    model = load_sentence_transformer(name)
    query_prefix, passage_prefix = configured_prefixes(name, getattr(model, "prompts", None))
    return SentenceTransformerEmbedder(
        name,
        model_id=name,
        query_prefix=query_prefix,
        passage_prefix=passage_prefix,
        batch_size=settings.batch_size,
        model=model,
    )
