"""The versions of an index folder: which one is current, whether it is stale, who is building.

Layout of ``index_dir``::

    CURRENT            name of the version folder in use (replaced atomically)
    v-<stamp>/         manifest.json, chunks.sqlite, vectors.npy, vectors.faiss, bm25.*
    .lock              held while a build runs
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from assistant.errors import AssistantError, ConfigError, IndexBusyError
from assistant.settings import Settings
from assistant.store.manifest import Manifest, file_digest

if TYPE_CHECKING:
    pass


CURRENT = "CURRENT"


def corpus_fingerprint(corpus_dir: Path, files: Sequence[Path] | None = None) -> str:
    """Digest of the corpus files' names and contents (cheap enough to check on start);
    ``files`` saves listing the folder again when the caller has just done it."""
    from assistant.ingest.files import iter_corpus_files

    h = hashlib.sha256()
    root = corpus_dir if corpus_dir.is_dir() else corpus_dir.parent
    for path in files if files is not None else iter_corpus_files(corpus_dir):
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
    """Whether the index exists and matches the corpus, model and chunking settings, read the way
    this version reads files (:data:`~assistant.store.manifest.READING_VERSION`)."""
    folder = current_version(settings.index_dir)
    if folder is None:
        return False
    try:
        m = Manifest.read(folder, settings.index_dir)
    except AssistantError:
        return False
    return (
        m.built_by_this_version()
        and m.model == settings.model
        and (m.chunk_size, m.chunk_overlap, m.vector_index)
        == (settings.chunk_size, settings.chunk_overlap, settings.vector_index)
        and m.corpus_fingerprint == corpus_fingerprint(settings.corpus_dir)
    )


def check_writable(index_dir: Path) -> None:
    """Create the index folder if needed; a :class:`ConfigError` when it cannot be written
    (checked before a build loads the model)."""
    _lock_file(index_dir).close()


def _lock_file(index_dir: Path) -> TextIO:
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        return open(index_dir / ".lock", "w")
    except OSError as exc:
        raise ConfigError(
            f"색인 폴더를 만들거나 쓸 수 없습니다: {index_dir} ({exc.strerror or exc}).",
            hint="쓸 수 있는 폴더를 --index나 ASSISTANT_INDEX_DIR로 지정하세요.",
        ) from exc


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's build lock (creating the folder); another build: IndexBusyError."""
    with _lock_file(index_dir) as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError(
                f"다른 프로세스가 {index_dir}에 색인을 만들고 있습니다.",
                hint="그 작업이 끝난 뒤 다시 실행하세요.",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
