"""Open a built index for reading, with compatibility and integrity checks.

An opened :class:`Index` is one version of the index folder. A service that switches to a
newer version keeps the old one open for the answers still reading it: readers hold it with
:meth:`Index.reading` (or :meth:`Index.acquire` / :meth:`Index.release`), and a retired
version (:meth:`Index.retire`) closes when its last reader is done.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import IndexCorruptError, IndexMissingError, rebuild_hint
from assistant.store.bm25 import BM25
from assistant.store.chunks import ChunkStore
from assistant.store.manifest import Manifest
from assistant.store.vector_backends import load_index
from assistant.store.vector_file import VectorFile
from assistant.store.vectors import VectorIndex
from assistant.store.versions import current_version


@dataclass(eq=False)
class Index:
    """Everything retrieval needs, loaded once and shared (read-only)."""

    folder: Path
    manifest: Manifest
    store: ChunkStore
    vectors: VectorFile
    vector_index: VectorIndex
    bm25: BM25
    bigram: BM25
    titles: dict[str, str]
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _readers: int = field(default=0, init=False, repr=False)
    _retired: bool = field(default=False, init=False, repr=False)
    #: True once the files are closed; a closed version serves no reader.
    closed: bool = field(default=False, init=False)

    def __len__(self) -> int:
        return len(self.vectors)

    @contextlib.contextmanager
    def reading(self) -> Iterator[Index]:
        """Keep this version open while the block reads it."""
        self.acquire()
        try:
            yield self
        finally:
            self.release()

    def acquire(self) -> None:
        """Count one more reader (each :meth:`acquire` needs its :meth:`release`)."""
        with self._lock:
            if self.closed:
                raise RuntimeError(f"the index version {self.folder.name} is closed")
            self._readers += 1

    def release(self) -> None:
        """One reader is done; the last reader of a retired version closes it."""
        with self._lock:
            self._readers -= 1
            last = self._retired and self._readers == 0 and not self.closed
            self.closed = self.closed or last
        if last:
            self._close_files()

    def retire(self) -> None:
        """No new reader will come (a newer version serves): close now, or after the last reader."""
        with self._lock:
            self._retired = True
            now = self._readers == 0 and not self.closed
            self.closed = self.closed or now
        if now:
            self._close_files()

    def close(self) -> None:
        """Close the files now (for an owner that knows nobody else reads this version)."""
        with self._lock:
            done, self.closed = self.closed, True
        if not done:
            self._close_files()

    def check(self) -> None:
        """Raise :class:`IndexCorruptError` when the vector file has changed size since it was opened."""
        self.vectors.check()

    def _close_files(self) -> None:
        self.store.close()
        self.vector_index.close()
        self.vectors.close()


def open_index(index_dir: Path, model: str, *, verify: bool = True) -> Index:
    """Load the current version of ``index_dir``, built with ``model``.

    Raises :class:`IndexMissingError`, :class:`IndexMismatchError` or
    :class:`IndexCorruptError`, each with the command that fixes it.
    """
    folder = current_version(index_dir)
    if folder is None:
        raise IndexMissingError(
            f"{index_dir}에 색인이 없습니다.",
            hint=f"먼저 색인을 만드세요: assistant index 문서_폴더 --index {index_dir}",
        )
    manifest = Manifest.read(folder, index_dir)
    manifest.check_compatible(model, index_dir)
    if verify:
        manifest.verify_files(folder, index_dir)
    hint = rebuild_hint(str(index_dir), manifest.corpus_dir)
    # Never memory-mapped (a file damaged later cannot crash the process): held in memory when
    # small, else read row by row, a question reading only its candidates' rows.
    vectors = VectorFile(folder / "vectors.npy", hint=hint)
    store: ChunkStore | None = None
    try:
        store = ChunkStore(folder / "chunks.sqlite", hint=hint)
        if store.n_chunks != len(vectors) or manifest.n_chunks != len(vectors) or vectors.shape[1] != manifest.dim:
            raise IndexCorruptError(
                f"{folder}의 색인이 맞지 않습니다(구절 {store.n_chunks}개, "
                f"{vectors.shape[1]}차원 벡터 {len(vectors)}개).",
                hint=hint,
            )
        vindex = load_index(manifest.vector_index, folder / "vectors.faiss")
        bm25, bigram = BM25.load(folder, "bm25"), BM25.load(folder, "bigram")
        return Index(folder, manifest, store, vectors, vindex, bm25, bigram, store.titles())
    except IndexCorruptError as exc:
        # The vector index and BM25 raise without the command that fixes it.
        vectors.close()
        if store is not None:
            store.close()
        if exc.hint is None:
            exc.hint = hint
        raise
