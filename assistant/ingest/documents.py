"""Plain data types shared by the readers, the chunker and the index."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    """A section heading found in a document's text.

    ``start``/``end`` are character offsets of the heading line in ``Document.text``;
    ``level`` is 1 for top-level headings, 2 for their sub-headings, and so on.
    """

    level: int
    title: str
    start: int
    end: int


@dataclass
class Document:
    """A loaded document: its normalized (NFC) text and structure.

    ``doc_id`` is the path relative to the corpus folder, with ``/`` separators;
    every character offset the assistant reports refers to ``text``.
    ``tables`` lists ``(start, end)`` spans of tables, which must never be split.
    """

    doc_id: str
    path: str
    title: str
    text: str
    headings: list[Heading] = field(default_factory=list)
    tables: list[tuple[int, int]] = field(default_factory=list)
    fingerprint: str = ""
    mtime: float = 0.0


@dataclass(frozen=True)
class Skipped:
    """A file that was found but could not be read, and why."""

    path: str
    reason: str


class Unreadable(Exception):
    """Raised by the format helpers; :func:`load_document` adds the path."""


@dataclass
class Extracted:
    """What a format extractor recovers from a file's bytes."""

    text: str
    title: str
    headings: list[Heading] = field(default_factory=list)
    tables: list[tuple[int, int]] = field(default_factory=list)
