"""The index manifest: what an index was built from and with, and integrity checks."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.errors import IndexCorruptError, IndexMismatchError, rebuild_hint

#: Bump when the layout of the index folder changes; older indexes are then refused.
FORMAT_VERSION = 2
#: Bump when what a build reads from the files changes (a loader's text, sentence splitting): an
#: index read by an older version still answers, and ``assistant index --if-stale`` rebuilds it.
READING_VERSION = 15
MANIFEST = "manifest.json"
#: Data files up to this size are digested every time a version is opened; larger ones are
#: checked by size only. Digesting runs at about 0.4 GB/s on the 2-core reference machine,
#: so the whole 637 MB scale index would add 1.5 s to every start and every switch to a
#: rebuilt version, while sizes cost one ``stat`` per file (see docs/security.md).
DIGEST_LIMIT = 32 << 20


@dataclass
class Manifest:
    format_version: int
    model: str
    dim: int
    chunk_size: int
    chunk_overlap: int
    vector_index: str
    corpus_dir: str
    corpus_fingerprint: str
    n_documents: int
    n_chunks: int
    built_at: str
    build_seconds: float = 0.0
    embedded_chunks: int = 0
    reused_chunks: int = 0
    skipped: list[list[str]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    #: Byte size of every data file (manifests written before sizes were recorded have none).
    sizes: dict[str, int] = field(default_factory=dict)
    #: Seconds of the build's stages: analyse (read, chunk, Kiwi, BM25), embed (of which
    #: model: inside the embedding model), vector_index.
    timings: dict[str, float] = field(default_factory=dict)
    #: Median best cosine of everyday questions the index cannot answer (see store.baseline);
    #: None in manifests written before it was recorded.
    offtopic_cosine: float | None = None
    #: :data:`READING_VERSION` of the build (1 in manifests written before it was recorded).
    reading_version: int = 1

    def built_by_this_version(self) -> bool:
        """Whether this version of the assistant would build the index the same way: the same
        folder layout and the same reading of the files (else it is stale, or refused)."""
        return self.format_version == FORMAT_VERSION and self.reading_version == READING_VERSION

    def write(self, folder: Path) -> None:
        text = json.dumps(asdict(self), ensure_ascii=False, indent=2)
        (folder / MANIFEST).write_text(text, "utf-8")

    @classmethod
    def read(cls, folder: Path, index_dir: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text("utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise IndexCorruptError(
                f"색인 매니페스트 {path}가 손상되었습니다({exc}).", hint=rebuild_hint(str(index_dir))
            ) from exc

    def check_compatible(self, model: str, index_dir: Path) -> None:
        """Refuse an index of another format version or model, saying how to rebuild."""
        if self.format_version != FORMAT_VERSION:
            raise IndexMismatchError(
                f"{index_dir}의 색인은 형식 v{self.format_version}입니다. "
                f"이 버전의 어시스턴트는 형식 v{FORMAT_VERSION}을 읽습니다.",
                hint=rebuild_hint(str(index_dir), self.corpus_dir),
            )
        if self.model != model:
            raise IndexMismatchError(
                f"{index_dir}의 색인은 {model!r}이 아니라 {self.model!r} 모델로 만들어졌습니다.",
                hint=rebuild_hint(str(index_dir), self.corpus_dir)
                + f" --model {model}   (또는 --model {self.model}로 실행)",
            )

    def verify_files(self, folder: Path, index_dir: Path, *, digest_limit: int = DIGEST_LIMIT) -> None:
        """Check every data file against its size and, up to ``digest_limit`` bytes (and for
        manifests without sizes), its digest, both recorded at build time."""
        for name, digest in self.files.items():
            path = folder / name
            try:
                size = path.stat().st_size
            except OSError:
                size = -1
            expected = self.sizes.get(name)
            intact = size >= 0 and size == (size if expected is None else expected)
            if intact and (expected is None or size <= digest_limit):
                intact = file_digest(path) == digest
            if not intact:
                raise IndexCorruptError(
                    f"색인 파일 {path}가 없거나 손상되었습니다.",
                    hint=rebuild_hint(str(index_dir), self.corpus_dir),
                )


def file_digest(path: Path) -> str:
    """BLAKE2b digest of a file's bytes."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
