"""Split documents into passages that never cut a sentence or a table.

Kiwi finds the sentence boundaries; LangChain's text splitter packs whole sentences
(and whole tables) into chunks of about ``chunk_size`` characters with ``chunk_overlap``
characters of overlap. Chunks never cross a section heading, and each records its exact
character span in the document, so ``document.text[start:end] == chunk.text``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assistant.ingest.documents import Document, Heading
from assistant.text.korean import KoreanAnalyzer, Token

#: Separator of the levels of a section path.
PATH_SEPARATOR = " > "


def last_heading(section: str) -> str:
    """The heading a section path ends with (the whole path when it has one level)."""
    return section.rsplit(PATH_SEPARATOR, 1)[-1]


@dataclass(frozen=True)
class Section:
    """A stretch of a document under one heading path (``path`` is "" before the first)."""

    path: str
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A passage: its id, place in the document and its sentences' spans."""

    chunk_id: str
    doc_id: str
    ordinal: int
    section: str
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]


def sections_of(doc: Document) -> list[Section]:
    """Cut a document at its headings; each piece carries the path of headings above it."""
    stack: list[Heading] = []
    sections: list[Section] = []
    pos = 0
    path = ""
    for heading in sorted(doc.headings, key=lambda h: h.start):
        line_start, line_end = _heading_line(doc.text, heading)
        sections.append(Section(path, pos, line_start))
        stack = [h for h in stack if h.level < heading.level] + [heading]
        path = PATH_SEPARATOR.join(h.title for h in stack)
        pos = line_end
    sections.append(Section(path, pos, len(doc.text)))
    return [s for s in sections if doc.text[s.start : s.end].strip()]


def _heading_line(text: str, heading: Heading) -> tuple[int, int]:
    """The span of a heading's whole line, markup included (``## 제목`` → from ``#``), when
    nothing but markup shares the line; else the span of the heading's title alone."""
    start = text.rfind("\n", 0, heading.start) + 1
    end = text.find("\n", heading.end)
    end = len(text) if end < 0 else end
    if any(ch.isalnum() for ch in text[start : heading.start] + text[heading.end : end]):
        return heading.start, heading.end
    return start, end


#: A unit's span in its document and its morphemes (spans into the document too).
Unit = tuple[tuple[int, int], list[Token]]


def units_of(text: str, start: int, end: int, tables: list[tuple[int, int]], analyzer: KoreanAnalyzer) -> list[Unit]:
    """The indivisible units of ``text[start:end]``, sentences and whole tables, with their
    morphemes (Kiwi reads the text once for both)."""
    units: list[Unit] = []
    pos = start
    for t_start, t_end in sorted(tables):
        if t_end <= start or t_start >= end:
            continue
        units.extend(analyzer.sentences(text[pos:t_start], pos) if t_start > pos else [])
        a, b = max(t_start, start), min(t_end, end)
        units.append(((a, b), analyzer.tokens(text[a:b], a)))
        pos = b
    if pos < end:
        units.extend(analyzer.sentences(text[pos:end], pos))
    return units


@functools.cache
def _unit_splitter_class() -> type[Any]:
    """The splitter class, defined on first use: importing LangChain takes about 0.15 s."""
    from langchain_text_splitters import TextSplitter

    class _UnitSplitter(TextSplitter):
        """LangChain splitter over pre-computed units, merged without a separator.

        LangChain is handed one token per unit (``"7,"``), measured by the length of the text
        it stands for, so every chunk comes back as the run of units it packs. Searching the
        document for a chunk's text instead would be ambiguous when a sentence repeats.
        """

        def __init__(self, units: list[str], **kwargs: Any) -> None:
            super().__init__(length_function=self._measure, **kwargs)
            self._lengths = [len(u) for u in units]

        def _measure(self, tokens: str) -> int:
            return sum(self._lengths[i] for i in self.indexes(tokens))

        @staticmethod
        def indexes(tokens: str) -> list[int]:
            return [int(t) for t in tokens.split(",") if t]

        def split_text(self, text: str) -> list[str]:
            return self._merge_splits([f"{i}," for i in range(len(self._lengths))], "")

    return _UnitSplitter


class Chunker:
    """Turns documents into :class:`Chunk` objects with the given size and overlap."""

    def __init__(self, analyzer: KoreanAnalyzer, chunk_size: int, chunk_overlap: int) -> None:
        self.analyzer = analyzer
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap

    def chunk(self, doc: Document) -> list[Chunk]:
        return self.analyze(doc)[0]

    def analyze(self, doc: Document) -> tuple[list[Chunk], dict[tuple[int, int], list[Token]]]:
        """The chunks of a document, and the morphemes of each unit (sentence or table) by span."""
        chunks: list[Chunk] = []
        tokens: dict[tuple[int, int], list[Token]] = {}
        for section in sections_of(doc):
            units = units_of(doc.text, section.start, section.end, doc.tables, self.analyzer)
            tokens.update(units)
            for start, end, sentences in self._pack(doc, [span for span, _ in units]):
                chunks.append(
                    Chunk(
                        chunk_id=f"{doc.doc_id}#{len(chunks)}",
                        doc_id=doc.doc_id,
                        ordinal=len(chunks),
                        section=section.path,
                        start=start,
                        end=end,
                        text=doc.text[start:end],
                        sentences=sentences,
                    )
                )
        return chunks, tokens

    def chunk_all(self, docs: Iterable[Document]) -> list[Chunk]:
        return [c for doc in docs for c in self.chunk(doc)]

    def _pack(self, doc: Document, units: list[tuple[int, int]]) -> list[tuple[int, int, tuple[tuple[int, int], ...]]]:
        if not units:
            return []
        # Each piece runs from a unit's start to the next unit's start, so that the
        # pieces concatenate back into the source exactly.
        bounds = [u[0] for u in units] + [units[-1][1]]
        pieces = [doc.text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
        splitter = _unit_splitter_class()(pieces, chunk_size=self.chunk_size, chunk_overlap=self.chunk_overlap)
        logging.getLogger("langchain_text_splitters.base").setLevel(logging.ERROR)
        packed = []
        for tokens in splitter.split_text(""):
            run = splitter.indexes(tokens)
            start = bounds[run[0]]
            end = start + len(doc.text[start : bounds[run[-1] + 1]].rstrip())
            packed.append((start, end, tuple(units[run[0] : run[-1] + 1])))
        return packed


def passage_text(title: str, chunk: Chunk) -> str:
    """What is embedded and BM25-indexed for a chunk: its title and section give context."""
    return passage_text_of(title, chunk.section, chunk.text)


def passage_header(title: str, section: str) -> str:
    """The title and section path that head a chunk's passage text ("" when both are empty)."""
    return PATH_SEPARATOR.join(p for p in (title, section) if p)


def passage_text_of(title: str, section: str, text: str) -> str:
    header = passage_header(title, section)
    return f"{header}\n{text}" if header else text
