"""The ONNX Runtime backend of the embedded model: the folder of :mod:`assistant.embedding.onnx_model`, run without torch.

Texts are tokenized with sentencepiece (else ``tokenizers``) and run through an ONNX Runtime
CPU session, loaded on first use or in a background thread while other work goes on. At run
time only ``onnxruntime``, ``sentencepiece`` (else ``tokenizers``) and numpy are imported.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import importlib.util
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.embedding.base import MAX_SEQ_LENGTH, PROMPTS
from assistant.errors import ModelError
from assistant.settings import EMBEDDED_MODEL

if TYPE_CHECKING:
    import numpy as np

    from assistant.embedding.base import Kind

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
SPM_FILE = "tokenizer.spm"
MARKER = "build.json"
# MAX_SEQ_LENGTH (512 tokens, as the torch folder): a 500-character Korean chunk with its title
# stays well under it (token lengths: ``python -m bench.backends --tune``), so nothing is cut.
#: Texts per run of the model. The int8 matrices quantize their input with one scale per run, so
#: a text batched with others gets a slightly different vector, one that depends on its
#: neighbours. One text at a time keeps every vector independent of the others, equal to a
#: question's computation; ``python -m bench.backends --tune`` compares its speed with batches
#: (padding and larger activations cost most of what batching saves).
BATCH_SIZE = 1
_PAD_ID = 1  # "<pad>" in the XLM-R vocabulary


# --------------------------------------------------------------------------- the folder


def read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


# --------------------------------------------------------------------------- running it


def default_threads() -> int:
    """Intra-op threads: the CPUs this process may use, at most 4 (a small model gains little from more)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        count = os.cpu_count() or 1
    return max(1, min(4, count))


class OnnxEmbedder:
    """An ``Embedder`` running the embedded model's ONNX folder with ONNX Runtime.

    Texts are tokenized with the model's own vocabulary, sorted by length and embedded
    ``batch_size`` at a time (see :data:`BATCH_SIZE`), so that a batch holds little padding.
    The session and the tokenizer load on first use, or in the background after
    :meth:`start_loading`.
    """

    def __init__(
        self,
        folder: Path,
        *,
        model_id: str = EMBEDDED_MODEL,
        query_prefix: str | None = PROMPTS["query"],
        passage_prefix: str | None = PROMPTS["passage"],
        batch_size: int = BATCH_SIZE,
        threads: int | None = None,
        max_seq_length: int = MAX_SEQ_LENGTH,
    ) -> None:
        self.folder = Path(folder)
        self.model_id = model_id
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.threads = threads or default_threads()
        self.max_seq_length = max_seq_length
        #: Batch texts of similar length together (less padding); off only to measure its effect.
        self.sort_by_length = True
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._loader: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"OnnxEmbedder({str(self.folder)!r}, model_id={self.model_id!r})"

    @property
    def dim(self) -> int:
        """Length of each vector (from the loaded model, else from the folder's marker)."""
        if self._session is not None:
            return int(self._session.get_outputs()[0].shape[-1])
        marker = read_marker(self.folder) or {}
        if "dim" not in marker:
            self.load()
            return self.dim
        return int(marker["dim"])

    def load(self) -> None:
        """Load the tokenizer and the ONNX Runtime session, if not loaded yet (waits for a loader)."""
        with self._lock:
            if self._session is None:
                self._tokenizer = load_tokenizer(self.folder, self.max_seq_length)
                self._session = _load_session(self.folder / MODEL_FILE, self.threads)

    def start_loading(self) -> None:
        """Load in a background thread, so that other work (Kiwi) can go on meanwhile.

        The loading happens in C++ without the GIL, so it overlaps even with C++ work that
        holds the GIL. An error in the background is raised again by the next :meth:`load`.
        """
        if self._session is not None or self._loader is not None:
            return
        for module in ("onnxruntime", "sentencepiece"):  # imported here, where the GIL is free to take
            with contextlib.suppress(ImportError):
                importlib.import_module(module)

        self._loader = threading.Thread(target=self._load_quietly, name="onnx-model-loader", daemon=True)
        self._loader.start()
        # a process that answers without embedding ("요약해줘") may end while the model still loads:
        # ONNX Runtime's threads cut off at exit abort the process ("terminate called …", code 134)
        atexit.register(self._loader.join)

    def _load_quietly(self) -> None:
        with contextlib.suppress(Exception):  # load() in the caller's thread raises it again
            self.load()

    def prefix(self, kind: Kind) -> str:
        """The text put before every text of ``kind``."""
        if kind not in ("query", "passage"):
            raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")
        return (self.query_prefix if kind == "query" else self.passage_prefix) or ""

    def embed(self, texts: Sequence[str], kind: Kind, *, progress: bool = False) -> np.ndarray:
        """Vectors of ``texts``, shape ``(len(texts), dim)``, float32, rows of norm 1."""
        import numpy as np

        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not a single string")
        prefix = self.prefix(kind)
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        ids = self._tokenizer_ids([prefix + t for t in texts])
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i])) if self.sort_by_length else list(range(len(ids)))
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        starts = range(0, len(order), self.batch_size)
        from tqdm import tqdm

        worth_it = progress and len(order) > self.batch_size
        for start in tqdm(starts, desc="Batches", unit="batch", disable=not worth_it):
            rows = order[start : start + self.batch_size]
            out[rows] = self._run([ids[i] for i in rows])
        return out

    def _tokenizer_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of ``texts`` as given (prefixes included), ``<s>`` … ``</s>``, truncated."""
        self.load()
        ids: list[list[int]] = self._tokenizer.encode_batch(texts)
        return ids

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        """Vectors of one batch of token ids (padded here to the batch's longest)."""
        import numpy as np

        width = max(len(x) for x in batch)
        input_ids = np.full((len(batch), width), _PAD_ID, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, seq in enumerate(batch):
            input_ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        (vectors,) = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)


def load_tokenizer(folder: Path, max_length: int) -> Any:
    """The folder's tokenizer: sentencepiece when installed and built, else ``tokenizers``.

    Both give the same token ids (checked when the folder is built), ``<s>`` and ``</s>``
    included, truncated to ``max_length``.
    """
    from assistant.embedding.spm_tokenizer import HfTokenizer, SpmTokenizer

    try:
        if (folder / SPM_FILE).exists() and importlib.util.find_spec("sentencepiece") is not None:
            return SpmTokenizer(folder / SPM_FILE, max_length)
        return HfTokenizer(folder / TOKENIZER_FILE, max_length)
    except Exception as exc:  # a damaged file
        raise ModelError(
            f"{folder}의 토크나이저를 불러올 수 없습니다: {exc}",
            hint="그 폴더를 지우면 다시 만듭니다. 아니면 ASSISTANT_EMBEDDING_BACKEND=torch로 설정하세요.",
        ) from exc


def _load_session(path: Path, threads: int) -> Any:
    """An ONNX Runtime CPU session of ``path``, all graph optimizations on."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: shape-merge notices are expected
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:
        raise ModelError(
            f"ONNX Runtime이 {path}를 불러올 수 없습니다: {str(exc).splitlines()[0]}",
            hint="그 폴더를 지우면 다시 만듭니다. 아니면 ASSISTANT_EMBEDDING_BACKEND=torch로 설정하세요.",
        ) from exc
