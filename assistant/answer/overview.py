"""What the documents say as a whole, for a request that names no topic ("요약해줘", "이 문서는 무슨
내용이야?", "이 글의 요지는?": :func:`~assistant.text.questions.asks_overview`).

Searched, such a request finds nothing to answer it (no document writes "요약"), and the assistant
said the documents do not hold it. Instead, each document's opening sentences, the longest
documents first: an essay, a report, a rule or a manual page says in its first sentences what it
is about, and those sentences are the plain extractive summary of a text. Nothing is searched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from assistant.answer.suggest import Outline
from assistant.answer.templates import excerpt
from assistant.store.chunks import ChunkStore
from assistant.text.chunking import Chunk

#: A document's opening: its first sentence, and the next ones while they fit in this many characters.
OPENING_CHARS = 160


@dataclass(frozen=True)
class Opening:
    """A document's opening: its first sentences, one exact span of one chunk (the row it is stored at)."""

    doc_id: str
    row: int
    chunk: Chunk
    start: int
    end: int
    terms: frozenset[str]

    @property
    def text(self) -> str:
        return self.chunk.text[self.start - self.chunk.start : self.end - self.chunk.start]


def openings(outline: Outline, store: ChunkStore, limit: int) -> list[Opening]:
    """The openings of the ``limit`` longest documents (:meth:`Outline.documents`' order); a
    document with no whole sentence (a table alone, headings alone) has none."""
    out: list[Opening] = []
    for doc_id in outline.documents():
        if len(out) >= limit:
            break
        found = opening(outline, store, doc_id)
        if found is not None:
            out.append(found)
    return out


def opening(outline: Outline, store: ChunkStore, doc_id: str) -> Opening | None:
    """The first whole sentence of a document, in reading order, and those after it on its line
    while the opening stays within :data:`OPENING_CHARS`. Headings, table cells and the title line
    are no sentences of it."""
    sections = [s.section for s in outline.sections(doc_id)]
    return _opening_in(_chunks(store, doc_id, sections), store, doc_id, outline.title(doc_id).strip())


def section_openings(outline: Outline, store: ChunkStore, doc_id: str, limit: int) -> list[tuple[str, Opening]]:
    """A document's outline in sentences: its opening, then the opening of each of its top sections
    (the headings right below its title, in reading order; a heading every page has, "본문", is no
    section of its own) that does not hold it, each with its heading ("" for the document's own), at
    most ``limit`` in all."""
    title = outline.title(doc_id).strip()
    out: list[tuple[str, Opening]] = []
    first = opening(outline, store, doc_id)
    if first is not None:
        out.append(("", first))
    for heading, sections in outline.top_sections(doc_id).items():
        if len(out) >= limit:
            break
        found = _opening_in(_chunks(store, doc_id, sections), store, doc_id, title)
        if found is not None and (first is None or found.row != first.row):
            out.append((heading, found))
    return out


def _opening_in(chunks: Iterable[tuple[int, Chunk]], store: ChunkStore, doc_id: str, title: str) -> Opening | None:
    """The opening (see :func:`opening`) of the first of ``chunks`` that holds a whole sentence."""
    for row, chunk in chunks:
        first: tuple[int, int] | None = None
        terms: set[str] = set()
        for start, end, words in store.candidates(row):
            text = chunk.text[start - chunk.start : end - chunk.start].strip()
            if first is None:
                if not excerpt(text) and text != title:
                    first, terms = (start, end), set(words)
                continue
            between = chunk.text[first[1] - chunk.start : start - chunk.start]
            if excerpt(text) or "\n" in between or end - first[0] > OPENING_CHARS:
                break
            first, terms = (first[0], end), terms | set(words)
        if first is not None:
            return Opening(doc_id, row, chunk, first[0], first[1], frozenset(terms))
    return None


def _chunks(store: ChunkStore, doc_id: str, sections: Iterable[str]) -> Iterator[tuple[int, Chunk]]:
    """The chunks of a document's ``sections`` (heading paths) in reading order, each read when reached."""
    for section in sections:
        for row in store.section_rows(doc_id, section):
            yield row, store.chunks([row])[0]
