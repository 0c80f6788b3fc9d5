"""Open a built index for reading, with compatibility and integrity checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.errors import IndexCorruptError, IndexMissingError, rebuild_hint
from assistant.store.bm25 import BM25
from assistant.store.chunks import ChunkStore
from assistant.store.manifest import Manifest
from assistant.store.vector_backends import load_index
from assistant.store.vectors import VectorIndex
from assistant.store.versions import current_version


@dataclass
class Index:
    """Everything retrieval needs, loaded once and shared (read-only)."""

    folder: Path
    manifest: Manifest
    store: ChunkStore
    vectors: np.ndarray
    vector_index: VectorIndex
    bm25: BM25
    bigram: BM25
    titles: dict[str, str]

    def __len__(self) -> int:
        return len(self.vectors)

    def close(self) -> None:
        self.store.close()
        self.vector_index.close()


def open_index(index_dir: Path, model: str, *, verify: bool = True) -> Index:
    """Load the current version of ``index_dir``, built with ``model``.

    Raises :class:`IndexMissingError`, :class:`IndexMismatchError` or
    :class:`IndexCorruptError`, each with the command that fixes it.
    """
    folder = current_version(index_dir)
    if folder is None:
        raise IndexMissingError(
            f"no index in {index_dir}",
            hint=f"Build it with: assistant index CORPUS_DIR --index {index_dir}",
        )
    manifest = Manifest.read(folder, index_dir)
    manifest.check_compatible(model, index_dir)
    if verify:
        manifest.verify_files(folder, index_dir)
    hint = rebuild_hint(str(index_dir), manifest.corpus_dir)
    try:
        # Memory-mapped: a question reads only its candidates' rows (the vector index has its own copy).
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"the vectors in {folder} cannot be read ({exc})", hint=hint) from exc
    store: ChunkStore | None = None
    try:
        store = ChunkStore(folder / "chunks.sqlite")
        if store.n_chunks != len(vectors) or manifest.n_chunks != len(vectors):
            raise IndexCorruptError(
                f"the index in {folder} is inconsistent ({store.n_chunks} chunks, {len(vectors)} vectors)",
                hint=hint,
            )
        vindex = load_index(manifest.vector_index, folder / "vectors.faiss")
        bm25, bigram = BM25.load(folder, "bm25"), BM25.load(folder, "bigram")
        return Index(folder, manifest, store, vectors, vindex, bm25, bigram, store.titles())
    except IndexCorruptError as exc:
        # The store, the vector index and BM25 raise without the command that fixes it.
        if store is not None:
            store.close()
        if exc.hint is None:
            exc.hint = hint
        raise
