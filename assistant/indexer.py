"""Build an index folder from a corpus, atomically and incrementally.

Layout of ``index_dir``::

    CURRENT            name of the version folder in use (replaced atomically)
    v-<stamp>/         manifest.json, chunks.sqlite, vectors.npy, vectors.faiss, bm25.*
    .lock              held while a build runs

A build writes a new version folder next to the old one and switches ``CURRENT`` only
when the folder is complete, so an interrupted build leaves the previous index working.
Vectors of chunks whose text (with its title and section) did not change are reused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.bm25 import BM25, char_bigrams
from assistant.documents import Document, Skipped
from assistant.embedders import Embedder
from assistant.errors import AssistantError, CorpusError, IndexBusyError
from assistant.korean import KoreanAnalyzer
from assistant.manifest import FORMAT_VERSION, Manifest, file_digest
from assistant.settings import Settings
from assistant.vectors import make_index

if TYPE_CHECKING:  # chunking (LangChain) and loaders (HTML, PDF) import only when indexing
    from assistant.chunking import Chunk

CURRENT = "CURRENT"
DATA_FILES = ("chunks.sqlite", "vectors.npy", "vectors.faiss", *BM25.files("bm25"), *BM25.files("bigram"))

Report = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    manifest: Manifest
    version_dir: Path
    skipped: list[Skipped]


def passage_text(title: str, chunk: Chunk) -> str:
    """What is embedded and BM25-indexed for a chunk: its title and section give context."""
    header = " > ".join(p for p in (title, chunk.section) if p)
    return f"{header}\n{chunk.text}" if header else chunk.text


def embed_key(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\0{text}".encode()).hexdigest()


def corpus_fingerprint(corpus_dir: Path) -> str:
    """Digest of the corpus files' names and contents (cheap enough to check on start)."""
    from assistant.loaders import iter_corpus_files

    h = hashlib.sha256()
    root = corpus_dir if corpus_dir.is_dir() else corpus_dir.parent
    for path in iter_corpus_files(corpus_dir):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(file_digest(path).encode())
    return h.hexdigest()


def current_version(index_dir: Path) -> Path | None:
    """The version folder named by ``CURRENT``, or None when there is no index yet."""
    try:
        name = (index_dir / CURRENT).read_text("utf-8").strip()
    except OSError:
        return None
    folder = index_dir / name
    return folder if name and folder.is_dir() else None


def is_current(settings: Settings) -> bool:
    """Whether the index exists and matches the corpus, model and chunking settings."""
    folder = current_version(settings.index_dir)
    if folder is None:
        return False
    try:
        m = Manifest.read(folder, settings.index_dir)
    except AssistantError:
        return False
    return (
        m.format_version == FORMAT_VERSION
        and m.model == settings.model
        and (m.chunk_size, m.chunk_overlap, m.vector_index)
        == (settings.chunk_size, settings.chunk_overlap, settings.vector_index)
        and m.corpus_fingerprint == corpus_fingerprint(settings.corpus_dir)
    )


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError(
                f"another process is building the index in {index_dir}",
                hint="Wait for it to finish, then try again.",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class IndexBuilder:
    """Builds ``settings.index_dir`` from ``settings.corpus_dir``."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        analyzer: KoreanAnalyzer,
        report: Report | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.analyzer = analyzer
        self.report = report or (lambda _msg: None)

    def build(self, *, rebuild: bool = False) -> BuildResult:
        with build_lock(self.settings.index_dir):
            return self._build(rebuild)

    def build_documents(
        self, docs: list[Document], skipped: list[Skipped] | None = None, *, rebuild: bool = False
    ) -> BuildResult:
        """Index documents that are already loaded (benchmarks and other sources use this)."""
        with build_lock(self.settings.index_dir):
            digest = hashlib.sha256("".join(f"{d.doc_id}\0{d.fingerprint}\0" for d in docs).encode())
            return self._build_from(docs, skipped or [], rebuild, time.perf_counter(), digest.hexdigest())

    def _build(self, rebuild: bool) -> BuildResult:
        from assistant.loaders import load_corpus

        started = time.perf_counter()
        corpus = self.settings.corpus_dir
        docs, skipped = load_corpus(corpus)
        for s in skipped:
            self.report(f"skipped {s.path}: {s.reason}")
        if not docs:
            raise CorpusError(f"no readable document in {corpus}", hint="Add .txt, .md, .html or .pdf files.")
        return self._build_from(docs, skipped, rebuild, started, corpus_fingerprint(corpus))

    def _build_from(
        self, docs: list[Document], skipped: list[Skipped], rebuild: bool, started: float, fingerprint: str
    ) -> BuildResult:
        from assistant.chunking import Chunker

        chunks = Chunker(self.analyzer, self.settings.chunk_size, self.settings.chunk_overlap).chunk_all(docs)
        self.report(f"{len(docs)} documents, {len(chunks)} chunks")
        titles = {d.doc_id: d.title for d in docs}
        texts = [passage_text(titles[c.doc_id], c) for c in chunks]
        keys = [embed_key(self.embedder.model_id, t) for t in texts]
        vectors, reused = self._vectors(texts, keys, rebuild)
        self._clean_leftovers()
        tmp = self.settings.index_dir / f".building-{os.getpid()}-{time.time_ns()}"
        tmp.mkdir(parents=True)
        try:
            self._write(tmp, docs, chunks, texts, keys, vectors)
            manifest = self._manifest(docs, chunks, skipped, reused, started, fingerprint, vectors.shape[1])
            manifest.files = {name: file_digest(tmp / name) for name in DATA_FILES}
            manifest.write(tmp)
            final = self._publish(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self.report(f"index ready in {manifest.build_seconds:.1f} s: {final}")
        return BuildResult(manifest, final, skipped)

    def _vectors(self, texts: Sequence[str], keys: Sequence[str], rebuild: bool) -> tuple[np.ndarray, int]:
        old = {} if rebuild else self._previous_vectors()
        missing = [i for i, k in enumerate(keys) if k not in old]
        # Reading the dimension loads the model: avoid it when every vector is reused.
        dim = len(next(iter(old.values()))) if old and not missing else self.embedder.dim
        vectors = np.zeros((len(keys), dim), dtype=np.float32)
        for i, k in enumerate(keys):
            if k in old:
                vectors[i] = old[k]
        if missing:
            self.report(f"embedding {len(missing)} chunks ({len(keys) - len(missing)} reused)")
            fresh = self.embedder.embed([texts[i] for i in missing], "passage", progress=self.settings.show_progress)
            vectors[missing] = fresh
        return vectors, len(keys) - len(missing)

    def _previous_vectors(self) -> dict[str, np.ndarray]:
        """Vectors of the current index by embedding key (empty if unusable)."""
        from assistant.store import ChunkStore

        folder = current_version(self.settings.index_dir)
        if folder is None:
            return {}
        try:
            m = Manifest.read(folder, self.settings.index_dir)
            if m.model != self.embedder.model_id:  # vectors depend only on the model and the text
                return {}
            store = ChunkStore(folder / "chunks.sqlite")
            keys = store.embed_keys()
            store.close()
            old = np.load(folder / "vectors.npy")
            return {k: old[r] for k, r in keys.items() if r < len(old)}
        except (AssistantError, OSError, ValueError):
            return {}

    def _write(
        self,
        folder: Path,
        docs: list[Document],
        chunks: list[Chunk],
        texts: list[str],
        keys: list[str],
        vectors: np.ndarray,
    ) -> None:
        from assistant.store import write_store

        write_store(folder / "chunks.sqlite", docs, chunks, keys, self._candidates(docs, chunks))
        np.save(folder / "vectors.npy", vectors)
        index = make_index(self.settings.vector_index, vectors.shape[1])
        index.add(np.arange(len(vectors), dtype=np.int64), vectors)
        index.save(folder / "vectors.faiss")
        BM25().fit(self.analyzer.terms_batch(texts)).save(folder, "bm25")
        BM25().fit([char_bigrams(t) for t in texts]).save(folder, "bigram")

    def _candidates(self, docs: list[Document], chunks: list[Chunk]) -> list[list[tuple[int, int, list[str]]]]:
        """Summary candidates of every chunk, with their content terms (so answers need no Kiwi)."""
        from assistant.summarize import sentence_spans

        text_of = {d.doc_id: d.text for d in docs}
        spans = [sentence_spans(text_of[c.doc_id], c.sentences) for c in chunks]
        flat = [text_of[c.doc_id][a:b] for c, sp in zip(chunks, spans, strict=True) for a, b in sp]
        terms = iter(self.analyzer.terms_batch(flat))
        return [[(a, b, next(terms)) for a, b in sp] for sp in spans]

    def _manifest(
        self,
        docs: list[Document],
        chunks: list[Chunk],
        skipped: list[Skipped],
        reused: int,
        started: float,
        fingerprint: str,
        dim: int,
    ) -> Manifest:
        s = self.settings
        return Manifest(
            format_version=FORMAT_VERSION,
            model=self.embedder.model_id,
            dim=dim,
            chunk_size=s.chunk_size,
            chunk_overlap=s.chunk_overlap,
            vector_index=s.vector_index,
            corpus_dir=str(s.corpus_dir),
            corpus_fingerprint=fingerprint,
            n_documents=len(docs),
            n_chunks=len(chunks),
            built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            build_seconds=round(time.perf_counter() - started, 3),
            embedded_chunks=len(chunks) - reused,
            reused_chunks=reused,
            skipped=[[x.path, x.reason] for x in skipped],
        )

    def _publish(self, tmp: Path) -> Path:
        """Move the finished folder into place and switch ``CURRENT`` to it atomically."""
        index_dir = self.settings.index_dir
        previous = current_version(index_dir)
        final = index_dir / f"v-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{time.time_ns() % 10**6:06d}"
        os.replace(tmp, final)
        pointer = index_dir / f".{CURRENT}.tmp"
        with open(pointer, "w", encoding="utf-8") as fh:
            fh.write(final.name)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(pointer, index_dir / CURRENT)
        if previous is not None and previous != final:
            shutil.rmtree(previous, ignore_errors=True)
        return final

    def _clean_leftovers(self) -> None:
        """Remove folders of builds that were interrupted, and versions no longer in use."""
        index_dir = self.settings.index_dir
        current = current_version(index_dir)
        for child in index_dir.iterdir():
            stale = child.name.startswith(".building-") or (child.name.startswith("v-") and child != current)
            if child.is_dir() and stale:
                shutil.rmtree(child, ignore_errors=True)
