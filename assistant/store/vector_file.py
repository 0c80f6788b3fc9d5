"""The vectors of an index version (``vectors.npy``), never memory-mapped.

A mapped file that shrinks under a running process (copied over, truncated, a full disk)
kills the process with SIGBUS at the next read of a page past its new end. So a file of up
to :data:`IN_MEMORY_LIMIT` bytes is read whole when the version opens (a question then reads
no file), and a larger one row by row with ``pread`` from the file opened then: a question
reads only its candidates' rows (about 0.3 ms for 120 rows), and a short read is an
:class:`~assistant.errors.IndexCorruptError` with the command that rebuilds the index.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import IndexCorruptError

#: Vector files up to this size are held in memory (64 MB: 43,000 vectors of 384 dimensions).
IN_MEMORY_LIMIT = 64 << 20
DTYPE = np.dtype("<f4")
_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


class VectorFile:
    """Float32 rows of a ``.npy`` file, read on demand; indexing returns NumPy arrays."""

    def __init__(self, path: Path, *, hint: str | None = None) -> None:
        self.path = path
        self.hint = hint
        try:
            self._fd = os.open(path, os.O_RDONLY)
        except OSError as exc:
            raise self._error(f"cannot be opened ({exc.strerror})") from exc
        self._closer = weakref.finalize(self, os.close, self._fd)
        try:
            self.shape, self.offset = self._header()
            self.check()
            small = self.nbytes - self.offset <= IN_MEMORY_LIMIT
            self._memory: np.ndarray | None = self._read(0, len(self)) if small else None
        except BaseException:
            self.close()
            raise

    @property
    def row_bytes(self) -> int:
        return self.shape[1] * DTYPE.itemsize

    @property
    def nbytes(self) -> int:
        """The size the file must have: its header and every row."""
        return self.offset + self.shape[0] * self.row_bytes

    def __len__(self) -> int:
        return self.shape[0]

    def check(self) -> None:
        """Raise :class:`IndexCorruptError` unless the open file still has every row."""
        size = os.fstat(self._open_fd()).st_size
        if size != self.nbytes:
            raise self._error(f"has {size:,} bytes where {self.shape[0]:,} vectors take {self.nbytes:,}")

    def rows(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        """The given rows, in the order given (a row may repeat)."""
        fd = self._open_fd()
        wanted = np.asarray(rows, dtype=np.int64).reshape(-1)
        lowest = int(wanted.min()) if len(wanted) else 0
        if lowest < -len(self) or (len(wanted) and int(wanted.max()) >= len(self)):
            raise IndexError(f"row out of range for {len(self)} vectors")
        if lowest < 0:
            wanted = np.where(wanted < 0, wanted + len(self), wanted)
        if self._memory is not None:
            return self._memory[wanted]
        out = np.empty((len(wanted), self.shape[1]), dtype=np.float32)
        if not out.size:
            return out
        view, size = out.data.cast("B"), self.row_bytes
        for i, row in enumerate(wanted.tolist()):
            try:
                got = os.preadv(fd, [view[i * size : (i + 1) * size]], self.offset + row * size)
            except OSError as exc:
                raise self._error(f"cannot be read ({exc.strerror})") from exc
            if got != size:
                raise self._error(f"ends early: row {row:,} is missing")
        return out

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, (int, np.integer)):
            return self.rows([int(key)])[0]
        if isinstance(key, slice):
            return self.rows(np.arange(len(self))[key])
        return self.rows(key)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        whole = self.rows(np.arange(len(self)))
        return whole if dtype is None else whole.astype(dtype)

    def close(self) -> None:
        self._closer()

    def _read(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start`` to ``stop`` (exclusive) in one read."""
        want = (stop - start) * self.row_bytes
        try:
            data = os.pread(self._open_fd(), want, self.offset + start * self.row_bytes)
        except OSError as exc:
            raise self._error(f"cannot be read ({exc.strerror})") from exc
        if len(data) != want:
            raise self._error(f"ends early: {len(data):,} of {want:,} bytes read at row {start:,}")
        return np.frombuffer(data, dtype=DTYPE).reshape(stop - start, self.shape[1]).copy()

    def _open_fd(self) -> int:
        """The file descriptor, while the file is open (its number may be reused once closed)."""
        if not self._closer.alive:
            raise RuntimeError(f"the vector file {self.path} is closed")
        return self._fd

    def _header(self) -> tuple[tuple[int, int], int]:
        """Shape and data offset from the ``.npy`` header; only float32 rows in C order are accepted."""
        with os.fdopen(os.dup(self._fd), "rb") as fh:
            try:
                version = np.lib.format.read_magic(fh)
                read = _HEADER_READERS.get(version)
                if read is None:
                    raise ValueError(f"format version {version} is not one np.save writes for vectors")
                shape, fortran, dtype = read(fh)
            except (ValueError, OSError, SyntaxError) as exc:
                raise self._error(f"has no valid header ({exc})") from exc
            offset = fh.tell()
        if len(shape) != 2 or fortran or np.dtype(dtype) != DTYPE:
            raise self._error(f"holds {dtype} {shape}, not rows of float32 vectors")
        return (int(shape[0]), int(shape[1])), offset

    def _error(self, what: str) -> IndexCorruptError:
        return IndexCorruptError(f"the vector file {self.path} {what}", hint=self.hint)
