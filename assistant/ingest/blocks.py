"""One text built from blocks, one per line, with the spans of its headings and tables: what the
HTML and office readers write into."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.ingest.documents import Heading


def collapse(text: str) -> str:
    """``text`` with every run of white space made one space, none at either end."""
    return " ".join(text.split())


def lines_of(text: str) -> str:
    """``text``'s lines, each collapsed, the empty ones left out."""
    return "\n".join(line for line in (collapse(line) for line in text.split("\n")) if line)


def table_row(cells: list[str]) -> str:
    """A table's row as one line, its cells (collapsed) joined by `` | ``; empty cells at the end of
    the row are left out (a row reads "isInterface() | Returns True, …", not "… | "), the ones before
    a cell with text stay: they keep the columns in line ("-no UI- |  | OnLayoutFinished")."""
    cells = [collapse(c) for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    return " | ".join(cells)


@dataclass
class Blocks:
    """The text so far (its parts and length), and the spans of the headings and tables in it."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    headings: list[Heading] = field(default_factory=list)
    tables: list[tuple[int, int]] = field(default_factory=list)

    def add_block(self, block: str) -> tuple[int, int]:
        """Add ``block`` on a line of its own; its span in the text."""
        if self.parts:
            self.parts.append("\n")
            self.length += 1
        start = self.length
        self.parts.append(block)
        self.length += len(block)
        return start, self.length

    def add_heading(self, title: str, level: int) -> None:
        """Add a heading ``title`` of ``level`` on a line of its own."""
        start, end = self.add_block(title)
        self.headings.append(Heading(level, title, start, end))

    def add_table(self, lines: Sequence[str]) -> None:
        """Add a table, one line per row, and record its span."""
        self.tables.append(self.add_block("\n".join(lines)))

    def joined(self) -> str:
        return "".join(self.parts)
