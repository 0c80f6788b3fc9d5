"""Vectors embedded by an index build, kept on disk as they are made, so that a build that
is interrupted (Ctrl-C, a crash, a full disk) does not embed those chunks again.

The cache lives in ``<index_dir>/.embedded/`` while a build runs and is removed when the
build is published. It holds three files:

    meta.json     the model id and vector dimension (another model empties the cache)
    vectors.f32   float32 rows, appended batch by batch
    keys.txt      one embedding key per row, appended after its vectors are on disk

A row counts only when both its vector and its key are complete, so a torn write at the
moment of the interruption is ignored.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np

CACHE_DIR = ".embedded"


class EmbedCache:
    """Append-only store of (embedding key, vector) for one model and dimension."""

    def __init__(self, folder: Path, model_id: str) -> None:
        self.folder = folder
        self.model_id = model_id
        self.dim = 0
        self._rows: dict[str, int] = {}
        self._vectors: np.ndarray | None = None
        self._open()

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: str) -> bool:
        return key in self._rows

    def get(self, keys: list[str]) -> np.ndarray:
        """Vectors of cached keys, in the order given."""
        rows = [self._rows[k] for k in keys]
        if self._vectors is None or (rows and max(rows) >= len(self._vectors)):
            shape = (len(self._rows), self.dim)
            self._vectors = np.memmap(self.folder / "vectors.f32", dtype=np.float32, mode="r", shape=shape)
        return np.asarray(self._vectors[rows], dtype=np.float32)

    def append(self, keys: list[str], vectors: np.ndarray) -> None:
        """Add a finished batch; it survives an interruption from the moment this returns."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if not self.dim:
            self._start(vectors.shape[1])
        with open(self.folder / "vectors.f32", "ab") as fh:
            fh.write(vectors.tobytes())
            fh.flush()
            os.fsync(fh.fileno())
        with open(self.folder / "keys.txt", "a", encoding="ascii") as fh:
            fh.write("".join(k + "\n" for k in keys))
            fh.flush()
            os.fsync(fh.fileno())
        start = len(self._rows)
        self._rows.update((k, start + i) for i, k in enumerate(keys))

    def remove(self) -> None:
        self._vectors = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def _start(self, dim: int) -> None:
        self.remove()
        self.folder.mkdir(parents=True, exist_ok=True)
        meta = {"model": self.model_id, "dim": dim}
        (self.folder / "meta.json").write_text(json.dumps(meta), "utf-8")
        self.dim = dim

    def _open(self) -> None:
        try:
            meta = json.loads((self.folder / "meta.json").read_text("utf-8"))
            if meta["model"] != self.model_id:
                self.remove()
                return
            dim = int(meta["dim"])
            lines = (self.folder / "keys.txt").read_text("ascii").split("\n")[:-1]  # last one unfinished
            n_vec = (self.folder / "vectors.f32").stat().st_size // (4 * dim)
        except (OSError, ValueError, KeyError, TypeError):
            self.remove()
            return
        n = min(len(lines), n_vec)
        self.dim = dim
        self._truncate(n, dim)
        self._rows = {k: i for i, k in enumerate(lines[:n])}
        if n:
            self._vectors = np.memmap(self.folder / "vectors.f32", dtype=np.float32, mode="r", shape=(n, dim))

    def _truncate(self, n: int, dim: int) -> None:
        """Cut a half-written tail so that new rows line up with their keys."""
        with open(self.folder / "vectors.f32", "r+b") as fh:
            fh.truncate(n * dim * 4)
        lines = (self.folder / "keys.txt").read_text("ascii").split("\n")[:n]
        (self.folder / "keys.txt").write_text("".join(k + "\n" for k in lines), "ascii")
