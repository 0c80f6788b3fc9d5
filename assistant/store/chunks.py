"""The chunk store: documents and chunks in SQLite.

Row numbers of the ``chunks`` table (``row``, from 0) are the ids used in the vector
index and the rows of the BM25 matrix.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import IndexCorruptError
from assistant.ingest.documents import Document, Heading
from assistant.text.chunking import Chunk

#: Summary candidates of a chunk: (start, end, content terms) per sentence.
Candidates = list[tuple[int, int, list[str]]]

SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, path TEXT, title TEXT, fingerprint TEXT, mtime REAL,
    text TEXT, headings TEXT, tables TEXT
);
CREATE TABLE chunks (
    row INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE, doc_id TEXT, ordinal INTEGER,
    section TEXT, start INTEGER, "end" INTEGER, text TEXT, sentences TEXT, embed_key TEXT,
    candidates TEXT
);
CREATE INDEX chunks_doc ON chunks(doc_id);
"""


@dataclass(frozen=True)
class IndexedDocument:
    """A document as the index lists it: what it is, how long, in how many chunks (no text)."""

    doc_id: str
    path: str
    title: str
    fingerprint: str
    chars: int
    n_chunks: int


@dataclass(frozen=True)
class StoredDocument(IndexedDocument):
    """A document with its text and headings, for showing citations in context."""

    text: str = ""
    headings: tuple[Heading, ...] = ()


class ChunkStore:
    """Read access to an index's SQLite file, safe to share between threads."""

    def __init__(self, path: Path, *, hint: str | None = None) -> None:
        self.path = path
        #: The command that rebuilds the index, for the errors of a damaged file.
        self.hint = hint
        uri = f"file:{path}?mode=ro"
        try:
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._db.execute("PRAGMA query_only = ON")
            self.n_chunks = self._db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(f"구절 저장소 {path}를 읽을 수 없습니다({exc}).", hint=hint) from exc
        self._lock = threading.Lock()
        self._cache: dict[int, Chunk] = {}
        self._candidates: dict[int, list[tuple[int, int, list[str]]]] = {}
        #: The candidates of chunks read, as stored, until :meth:`candidates` asks for them.
        self._unread: dict[int, str] = {}

    def close(self) -> None:
        self._db.close()

    def chunks(self, rows: Sequence[int]) -> list[Chunk]:
        """Chunks by row number, in the order asked."""
        missing = [r for r in rows if r not in self._cache]
        if missing:
            marks = ",".join("?" * len(missing))
            query = (
                'SELECT row, chunk_id, doc_id, ordinal, section, start, "end", text, sentences, candidates '
                f"FROM chunks WHERE row IN ({marks})"
            )
            for rec in self._query(query, missing):
                self._cache[rec[0]] = _chunk(rec)
                self._unread[rec[0]] = rec[9]  # a passage shown is a passage summarized
        return [self._cache[r] for r in rows]

    def all_chunks(self) -> list[Chunk]:
        query = 'SELECT row, chunk_id, doc_id, ordinal, section, start, "end", text, sentences FROM chunks ORDER BY row'
        return [_chunk(rec) for rec in self._query(query, [])]

    def candidates(self, row: int) -> list[tuple[int, int, list[str]]]:
        """Summary candidates of a chunk: (start, end, content terms) per sentence."""
        if row not in self._candidates:
            raw = self._unread.pop(row, None)
            if raw is None:
                recs = self._query("SELECT candidates FROM chunks WHERE row = ?", [row])
                raw = recs[0][0] if recs else "[]"
            self._candidates[row] = [tuple(c) for c in json.loads(raw)]  # type: ignore[misc]
        return self._candidates[row]

    def embed_keys(self) -> dict[str, int]:
        """Map of embedding key → row, to reuse vectors of unchanged chunks."""
        return {k: r for r, k in self._query("SELECT row, embed_key FROM chunks", [])}

    def documents(self) -> list[IndexedDocument]:
        """Every indexed document, by doc id; lengths are counted by SQLite (no text is read)."""
        return [IndexedDocument(*rec) for rec in self._query(_DOC_QUERY + " ORDER BY d.doc_id", [])]

    def document(self, doc_id: str) -> StoredDocument | None:
        """One document with its text and headings, None when it is not indexed."""
        recs = self._query(
            _DOC_QUERY.replace("FROM documents d", ", d.text, d.headings FROM documents d") + " WHERE d.doc_id = ?",
            [doc_id],
        )
        if not recs:
            return None
        doc_id, path, title, fingerprint, chars, n_chunks, text, headings = recs[0]
        heads = tuple(Heading(*h) for h in json.loads(headings))
        return StoredDocument(doc_id, path, title, fingerprint, chars, n_chunks, text=text, headings=heads)

    def document_text(self, doc_id: str) -> str:
        """The full text of a document ("" when it is not indexed)."""
        recs = self._query("SELECT text FROM documents WHERE doc_id = ?", [doc_id])
        return recs[0][0] if recs else ""

    def document_window(self, doc_id: str, start: int, end: int) -> str:
        """``text[start:end]`` of a document, read without the rest of it ("" when not indexed)."""
        start = max(start, 0)
        recs = self._query(
            "SELECT substr(text, ?, ?) FROM documents WHERE doc_id = ?", [start + 1, end - start, doc_id]
        )
        return recs[0][0] if recs and recs[0][0] is not None else ""

    def rows_of(self, chunk_ids: Collection[str]) -> list[int]:
        """Rows of the given chunks, in the order given; ids not in the store are skipped."""
        ids = list(chunk_ids)
        marks = ",".join("?" * len(ids))
        found = dict(self._query(f"SELECT chunk_id, row FROM chunks WHERE chunk_id IN ({marks})", ids))
        return [found[c] for c in ids if c in found]

    def section_rows(self, doc_id: str, section: str) -> list[int]:
        """The rows of a document's chunks under one heading path, in reading order."""
        query = "SELECT row FROM chunks WHERE doc_id = ? AND section = ? ORDER BY ordinal"
        return [r for (r,) in self._query(query, [doc_id, section])]

    def titles(self) -> dict[str, str]:
        return dict(self._query("SELECT doc_id, title FROM documents", []))

    def chunk_counts(self) -> dict[str, int]:
        """How many chunks each document has (no text is read)."""
        return dict(self._query("SELECT doc_id, count(*) FROM chunks GROUP BY doc_id", []))

    def sections(self, doc_id: str) -> list[tuple[str, int, int, int]]:
        """A document's sections in reading order: (heading path, start, end, characters of its
        chunks), one per heading path that has chunks."""
        query = (
            'SELECT section, min(start), max("end"), sum(length(text)) FROM chunks '
            "WHERE doc_id = ? GROUP BY section ORDER BY min(start)"
        )
        return [(s, a, b, n) for s, a, b, n in self._query(query, [doc_id])]

    def writes(self, *phrases: str) -> bool:
        """Whether any document's text or title holds one of ``phrases`` (Latin letters in any case),
        read in one pass over the documents."""
        patterns = ["%" + p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for p in phrases]
        if not patterns:
            return False
        held = " OR ".join(["text LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\'"] * len(patterns))
        return bool(self._query(f"SELECT 1 FROM documents WHERE {held} LIMIT 1", [x for p in patterns for x in (p, p)]))

    def section_paths(self) -> list[str]:
        """Every heading path that has chunks, in any document."""
        return [s for (s,) in self._query("SELECT DISTINCT section FROM chunks", [])]

    def _query(self, sql: str, params: Sequence[object]) -> list[tuple]:  # type: ignore[type-arg]
        try:
            with self._lock:
                return self._db.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(f"구절 저장소 {self.path}가 손상되었습니다({exc}).", hint=self.hint) from exc


_DOC_QUERY = """SELECT d.doc_id, d.path, d.title, d.fingerprint, length(d.text),
    (SELECT count(*) FROM chunks c WHERE c.doc_id = d.doc_id) FROM documents d"""


def _chunk(rec: tuple) -> Chunk:  # type: ignore[type-arg]
    sentences = tuple(tuple(s) for s in json.loads(rec[8]))
    return Chunk(rec[1], rec[2], rec[3], rec[4], rec[5], rec[6], rec[7], sentences)  # type: ignore[arg-type]


class StoreWriter:
    """Writes a new store file document by document (the caller writes into a fresh folder)."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        if create:
            self._db.executescript(SCHEMA)
        self.n_chunks = self._db.execute("SELECT count(*) FROM chunks").fetchone()[0]

    @classmethod
    def open(cls, path: Path) -> StoreWriter:
        """A writer on a store file this build already created."""
        return cls(path, create=False)

    def add(
        self, doc: Document, chunks: Sequence[Chunk], keys: Sequence[str], candidates: Sequence[Candidates]
    ) -> None:
        """Add a document and its chunks; the chunks get the next row numbers."""
        headings = json.dumps([list(h.__dict__.values()) for h in doc.headings], ensure_ascii=False)
        self._db.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?)",
            (doc.doc_id, doc.path, doc.title, doc.fingerprint, doc.mtime, doc.text, headings, json.dumps(doc.tables)),
        )
        rows = [
            (
                self.n_chunks + i,
                c.chunk_id,
                c.doc_id,
                c.ordinal,
                c.section,
                c.start,
                c.end,
                c.text,
                json.dumps(c.sentences),
                key,
                json.dumps(cands, ensure_ascii=False),
            )
            for i, (c, key, cands) in enumerate(zip(chunks, keys, candidates, strict=True))
        ]
        self._db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        self.n_chunks += len(rows)

    def passages(self, rows: Sequence[int]) -> list[tuple[str, str, str]]:
        """(title, section, text) of the given chunk rows, in that order (what gets embedded)."""
        marks = ",".join("?" * len(rows))
        sql = f"SELECT c.row, d.title, c.section, c.text FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE c.row IN ({marks})"
        found = {rec[0]: rec[1:] for rec in self._db.execute(sql, list(rows))}
        return [found[r] for r in rows]

    def commit(self) -> None:
        self._db.commit()

    def close(self) -> None:
        self._db.commit()
        self._db.close()
