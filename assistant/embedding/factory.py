"""Which embedder runs a model: the embedded e5 model on ONNX Runtime or torch, any other on torch.

``Settings.embedding_backend`` picks the embedded model's backend (``auto``: ONNX when its packages
are installed). Their vectors agree within a tolerance, so both record the same model id.
Nothing heavy is imported here: the backends import torch or ONNX Runtime when a model loads.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from assistant.embedding.base import E5_PREFIXES, Embedder, warn_once
from assistant.embedding.torch_backend import (
    SentenceTransformerEmbedder,
    configured_prefixes,
    load_sentence_transformer,
)
from assistant.errors import ModelError
from assistant.options import BACKENDS
from assistant.settings import EMBEDDED_MODEL

if TYPE_CHECKING:
    from assistant.settings import Settings


#: A backend that runs a model (``auto`` in the settings resolves to one of these).
Backend = Literal["onnx", "torch"]


def resolve_backend(requested: str, model: str, cache_dir: Path | None = None) -> Backend:
    """The backend that will run ``model``, given the one requested in the settings.

    ``onnx`` runs only the embedded model and needs ``onnxruntime`` and ``tokenizers`` (and
    ``onnx`` to build its folder once). When it was asked for and cannot be used, torch is
    used instead and a warning says why, once per process; ``auto`` quietly uses torch for
    other models.
    """
    if requested not in BACKENDS:
        raise ModelError(
            f"알 수 없는 임베딩 백엔드 {requested!r}입니다. 다음 중 하나를 고르세요: {', '.join(BACKENDS)}"
        )
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
    from assistant.embedding import onnx_model

    built = cache_dir is not None and onnx_model.is_valid_folder(cache_dir / "models" / onnx_model.FOLDER_NAME)
    return onnx_model.missing_packages(build=not built)


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
    from assistant.embedding.onnx_backend import BATCH_SIZE, OnnxEmbedder
    from assistant.embedding.onnx_model import ensure_onnx_model

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
    from assistant.embedding.torch_folder import ensure_embedded_model

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
