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

import datetime as dt
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from assistant.embedding.base import Embedder
from assistant.errors import AssistantError, CorpusError
from assistant.ingest.documents import Document, Skipped
from assistant.options import is_milvus
from assistant.settings import Settings
from assistant.store.baseline import offtopic_cosine
from assistant.store.bm25 import BM25, BM25Counts
from assistant.store.embed_cache import CACHE_DIR, EmbedCache
from assistant.store.manifest import FORMAT_VERSION, READING_VERSION, Manifest, file_digest
from assistant.store.vector_backends import check_reachable, discard_index, make_index
from assistant.store.vector_file import VectorFile
from assistant.store.versions import CURRENT, build_lock, corpus_fingerprint, current_version
from assistant.text.chunking import Chunk, passage_header, passage_text, passage_text_of
from assistant.text.korean import KoreanAnalyzer, Token, content_terms
from assistant.text.sentences import char_bigrams

if TYPE_CHECKING:
    from assistant.store.chunks import Candidates

DATA_FILES = ("chunks.sqlite", "vectors.npy", "vectors.faiss", *BM25.files("bm25"), *BM25.files("bigram"))

Report = Callable[[str], None]
T = TypeVar("T")


@dataclass(frozen=True)
class BuildResult:
    manifest: Manifest
    version_dir: Path
    skipped: list[Skipped]


def embed_key(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\0{text}".encode()).hexdigest()


@dataclass
class Analysed:
    """What reading a corpus gives before anything is embedded."""

    documents: int
    keys: list[str]  #: the embedding key of every chunk, by row
    morph: BM25Counts  #: term counts of the morpheme field, by row
    bigram: BM25Counts  #: term counts of the character-bigram field, by row


class IndexBuilder:
    """Builds ``settings.index_dir`` from ``settings.corpus_dir`` (or from given documents).

    A build streams: documents are read, analysed and written to the new version folder one
    at a time, then the chunks are embedded in batches. Memory holds the index being built
    (term counts, then the vectors), not the corpus. Embedded batches go to an
    :class:`~assistant.store.embed_cache.EmbedCache` first, so an interrupted build resumes
    where it stopped.
    """

    #: Chunks embedded per batch (one progress step, one write to the resume cache).
    embed_batch = 256

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
        self,
        docs: Iterable[Document],
        skipped: list[Skipped] | None = None,
        *,
        rebuild: bool = False,
        total: int | None = None,
    ) -> BuildResult:
        """Index documents from any source (benchmarks and other sources use this).

        ``docs`` may be a generator; ``total`` (or ``len(docs)``) sizes the progress bar.
        """
        with build_lock(self.settings.index_dir):
            digest = hashlib.sha256()

            def stream() -> Iterator[Document]:
                for d in docs:
                    digest.update(_document_key(d))
                    yield d

            if total is None and isinstance(docs, Sized):
                total = len(docs)
            return self._build_from(stream(), skipped or [], rebuild, time.perf_counter(), digest.hexdigest, total)

    def _build(self, rebuild: bool) -> BuildResult:
        from assistant.ingest.files import iter_corpus_files, iter_documents

        started = time.perf_counter()
        corpus = self.settings.corpus_dir
        files = iter_corpus_files(corpus)
        fingerprint = corpus_fingerprint(corpus, files)
        skipped: list[Skipped] = []

        def skip(entry: Skipped) -> None:
            skipped.append(entry)
            self.report(f"건너뜀: {entry.path}: {entry.reason}")

        docs = iter_documents(corpus, files, skip)
        return self._build_from(docs, skipped, rebuild, started, lambda: fingerprint, len(files))

    def _build_from(
        self,
        docs: Iterator[Document],
        skipped: list[Skipped],
        rebuild: bool,
        started: float,
        fingerprint: Callable[[], str],
        total: int | None,
    ) -> BuildResult:
        check_reachable(self.settings.vector_index)
        self._clean_leftovers()
        name = f"v-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{time.time_ns() % 10**6:06d}"
        tmp = self.settings.index_dir / f".building-{name}"
        tmp.mkdir(parents=True)
        timings: dict[str, float] = {}
        try:
            t0 = time.perf_counter()
            n_docs, keys = self._analyse(tmp, docs, total)
            if not n_docs:
                where = self.settings.corpus_dir
                raise CorpusError(
                    f"{where}에 읽을 수 있는 문서가 없습니다.", hint=".txt, .md, .html, .pdf 파일을 넣으세요."
                )
            t1 = time.perf_counter()
            vectors, reused, model_seconds = self._embed(tmp, keys, rebuild)
            t2 = time.perf_counter()
            self._vector_index(tmp, vectors, name)
            t3 = time.perf_counter()
            timings = {
                "analyse": t1 - t0,
                "embed": t2 - t1,
                "model": model_seconds,
                "vector_index": t3 - t2,
            }
            manifest = self._manifest(n_docs, len(keys), skipped, reused, started, fingerprint(), vectors.shape[1])
            manifest.files = {n: file_digest(tmp / n) for n in DATA_FILES}
            manifest.sizes = {n: (tmp / n).stat().st_size for n in DATA_FILES}
            manifest.timings = {k: round(v, 3) for k, v in timings.items()}
            manifest.offtopic_cosine = self._baseline(vectors, all_reused=reused == len(keys))
            manifest.write(tmp)
            final = self._publish(tmp, name)
        except BaseException:
            self._remove_version(tmp)
            raise
        EmbedCache(self.settings.index_dir / CACHE_DIR, self.embedder.model_id).remove()
        return BuildResult(manifest, final, skipped)

    def _analyse(self, folder: Path, docs: Iterator[Document], total: int | None) -> tuple[int, list[str]]:
        """Chunk, analyse and store every document; write both BM25 indexes. Returns the
        number of documents and the embedding key of every chunk, by row."""
        analysed = self.analysed(folder, docs, total)
        analysed.morph.fit(BM25()).save(folder, "bm25")
        analysed.bigram.fit(BM25()).save(folder, "bigram")
        return analysed.documents, analysed.keys

    def analysed(self, folder: Path, docs: Iterable[Document], total: int | None = None) -> Analysed:
        """Chunk, analyse and store every document in ``folder`` (its chunk store); the term counts
        of both BM25 fields, not yet weighted (``python -m bench.bm25_params`` weighs them anew)."""
        from tqdm.auto import tqdm

        from assistant.store.chunks import StoreWriter
        from assistant.text.chunking import Chunker

        show = self.settings.show_progress
        chunker = Chunker(self.analyzer, self.settings.chunk_size, self.settings.chunk_overlap)
        morph, bigram = BM25Counts(), BM25Counts()
        writer = StoreWriter(folder / "chunks.sqlite")
        keys: list[str] = []
        n_docs = 0
        try:
            bar = tqdm(
                docs, total=total, desc="문서 읽기", unit="문서", leave=False, dynamic_ncols=True, disable=not show
            )
            for doc in bar:
                chunks, tokens = chunker.analyze(doc)
                texts = [passage_text(doc.title, c) for c in chunks]
                doc_keys = [embed_key(self.embedder.model_id, t) for t in texts]
                heads: dict[str, list[str]] = {}
                for c, text in zip(chunks, texts, strict=True):
                    head = passage_header(doc.title, c.section)
                    if head not in heads:
                        heads[head] = self.analyzer.terms(head) if head else []
                    morph.add(heads[head] + [t for u in c.sentences for t in content_terms(tokens[u])])
                    bigram.add(char_bigrams(text))
                writer.add(doc, chunks, doc_keys, _candidates(doc.text, chunks, tokens))
                keys.extend(doc_keys)
                n_docs += 1
                if n_docs % 200 == 0:
                    writer.commit()
        finally:
            writer.close()
        self.report(f"문서 {n_docs}개, 구절 {len(keys)}개")
        return Analysed(n_docs, keys, morph, bigram)

    def _embed(self, folder: Path, keys: list[str], rebuild: bool) -> tuple[np.ndarray, int, float]:
        """Write ``vectors.npy``: reused vectors from the current index and the resume cache,
        the rest embedded in batches. Returns the vectors (memory-mapped), how many were
        reused, and the seconds spent in the model."""
        from tqdm.auto import tqdm

        from assistant.store.chunks import StoreWriter

        cache = EmbedCache(self.settings.index_dir / CACHE_DIR, self.embedder.model_id)
        old_rows, old_vectors = ({}, None) if rebuild else self._previous_vectors()
        missing = list(dict.fromkeys(k for k in keys if k not in old_rows and k not in cache))
        reused = sum(1 for k in keys if k in old_rows or k in cache)
        # When every vector is at hand the model is not loaded just to learn the dimension.
        known = old_vectors.shape[1] if old_vectors is not None and old_rows else cache.dim
        dim = self.embedder.dim if missing or not known else known
        if not keys:
            np.save(folder / "vectors.npy", np.zeros((0, dim), dtype=np.float32))
            return np.zeros((0, dim), dtype=np.float32), 0, 0.0
        vectors = np.lib.format.open_memmap(folder / "vectors.npy", mode="w+", dtype=np.float32, shape=(len(keys), dim))
        rows_of: dict[str, list[int]] = {}
        for row, key in enumerate(keys):
            rows_of.setdefault(key, []).append(row)
        for block in _blocks(list(rows_of), 4096):
            from_old = [k for k in block if k in old_rows]
            if from_old and old_vectors is not None:
                self._place(vectors, rows_of, from_old, old_vectors[[old_rows[k] for k in from_old]])
            from_cache = [k for k in block if k not in old_rows and k in cache]
            if from_cache:
                self._place(vectors, rows_of, from_cache, cache.get(from_cache))
        if old_vectors is not None:
            old_vectors.close()
        model_seconds = 0.0
        if missing:
            self.report(f"구절 {len(missing)}개를 임베딩합니다 (재사용 {reused}개)")
            store = StoreWriter.open(folder / "chunks.sqlite")
            first = {k: rows[0] for k, rows in rows_of.items()}
            show = self.settings.show_progress
            bar = tqdm(
                total=len(missing), desc="임베딩", unit="구절", dynamic_ncols=True, smoothing=0.05, disable=not show
            )
            try:
                for block in _blocks(missing, self.embed_batch):
                    texts = [passage_text_of(*p) for p in store.passages([first[k] for k in block])]
                    t = time.perf_counter()
                    fresh = self.embedder.embed(texts, "passage")
                    model_seconds += time.perf_counter() - t
                    cache.append(block, fresh)
                    self._place(vectors, rows_of, block, fresh)
                    bar.update(len(block))
            finally:
                bar.close()
                store.close()
        vectors.flush()
        return vectors, reused, model_seconds

    @staticmethod
    def _place(vectors: np.ndarray, rows_of: dict[str, list[int]], keys: list[str], found: np.ndarray) -> None:
        for key, vec in zip(keys, found, strict=True):
            vectors[rows_of[key]] = vec

    def _baseline(self, vectors: np.ndarray, *, all_reused: bool) -> float:
        """The new version's off-topic baseline (see :mod:`assistant.store.baseline`); when no
        chunk was embedded, the current version's, so that the model need not load."""
        if all_reused:
            folder = current_version(self.settings.index_dir)
            try:
                previous = Manifest.read(folder, self.settings.index_dir).offtopic_cosine if folder else None
            except AssistantError:
                previous = None
            if previous is not None:
                return previous
        return round(offtopic_cosine(vectors, self.embedder), 5)

    def _vector_index(self, folder: Path, vectors: np.ndarray, name: str) -> None:
        index = make_index(self.settings.vector_index, vectors.shape[1], name=name)
        for block in _blocks(list(range(len(vectors))), 16384):
            index.add(np.array(block, dtype=np.int64), np.asarray(vectors[block[0] : block[-1] + 1]))
        index.save(folder / "vectors.faiss")

    def _previous_vectors(self) -> tuple[dict[str, int], VectorFile | None]:
        """Rows of the current index's chunks by embedding key, and its vectors (read on demand);
        nothing when that index is unusable or was built with another model."""
        from assistant.store.chunks import ChunkStore

        folder = current_version(self.settings.index_dir)
        if folder is None:
            return {}, None
        try:
            m = Manifest.read(folder, self.settings.index_dir)
            if m.model != self.embedder.model_id:  # vectors depend only on the model and the text
                return {}, None
            store = ChunkStore(folder / "chunks.sqlite")
            keys = store.embed_keys()
            store.close()
            old = VectorFile(folder / "vectors.npy")
            return {k: r for k, r in keys.items() if r < len(old)}, old
        except (AssistantError, OSError, ValueError):
            return {}, None

    def _manifest(
        self,
        n_documents: int,
        n_chunks: int,
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
            n_documents=n_documents,
            n_chunks=n_chunks,
            built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            build_seconds=round(time.perf_counter() - started, 3),
            embedded_chunks=n_chunks - reused,
            reused_chunks=reused,
            skipped=[[x.path, x.reason] for x in skipped],
            reading_version=READING_VERSION,
        )

    def _publish(self, tmp: Path, name: str) -> Path:
        """Move the finished folder into place and switch ``CURRENT`` to it atomically."""
        index_dir = self.settings.index_dir
        previous = current_version(index_dir)
        final = index_dir / name
        os.replace(tmp, final)
        pointer = index_dir / f".{CURRENT}.tmp"
        with open(pointer, "w", encoding="utf-8") as fh:
            fh.write(final.name)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(pointer, index_dir / CURRENT)
        if previous is not None and previous != final and not self._external(previous):
            self._remove_version(previous)
        return final

    def _external(self, folder: Path) -> bool:
        """Whether a version's vectors live outside its folder (Milvus). Such a version is kept
        until the next build, so that servers still reading it can switch over first."""
        try:
            return is_milvus(Manifest.read(folder, self.settings.index_dir).vector_index)
        except AssistantError:
            return False

    def _remove_version(self, folder: Path) -> None:
        """Delete a version folder and what its vector index keeps elsewhere (a Milvus collection)."""
        try:
            kind = Manifest.read(folder, self.settings.index_dir).vector_index
        except AssistantError:
            kind = self.settings.vector_index
        if (folder / "vectors.faiss").exists():
            discard_index(kind, folder / "vectors.faiss")
        shutil.rmtree(folder, ignore_errors=True)

    def _clean_leftovers(self) -> None:
        """Remove folders of builds that were interrupted, and versions no longer in use."""
        index_dir = self.settings.index_dir
        current = current_version(index_dir)
        for child in index_dir.iterdir():
            stale = child.name.startswith(".building-") or (child.name.startswith("v-") and child != current)
            if child.is_dir() and stale:
                self._remove_version(child)


def _candidates(text: str, chunks: Sequence[Chunk], tokens: Mapping[tuple[int, int], list[Token]]) -> list[Candidates]:
    """Summary candidates of every chunk, with their content terms (so answers need no Kiwi).

    The terms come from the morphemes the chunker already found for each unit.
    """
    from assistant.text.sentences import sentence_spans

    out: list[Candidates] = []
    for c in chunks:
        cands: Candidates = []
        for unit in c.sentences:
            for a, b in sentence_spans(text, [unit]):
                cands.append((a, b, content_terms(t for t in tokens[unit] if a <= t.start and t.end <= b)))
        out.append(cands)
    return out


def documents_fingerprint(docs: Iterable[Document]) -> str:
    """The corpus fingerprint :meth:`IndexBuilder.build_documents` records for these documents."""
    digest = hashlib.sha256()
    for d in docs:
        digest.update(_document_key(d))
    return digest.hexdigest()


def _document_key(d: Document) -> bytes:
    return f"{d.doc_id}\0{d.fingerprint}\0".encode()


def _blocks(items: list[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
