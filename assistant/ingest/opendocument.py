"""OpenDocument (.odt text, .ods spreadsheets, .odp presentations): the open formats 한글,
LibreOffice and Office save to, which public bodies publish their documents in; a ZIP archive whose
``content.xml`` holds the body.

A spreadsheet is read as an Excel workbook is (:mod:`~assistant.ingest.sheets`: each sheet a table
under a heading of its name, cells as they are shown, which the file keeps as text). A presentation
is read as a PowerPoint deck is (:mod:`~assistant.ingest.slides`: each slide under its title, its
lists with their bullets and numbers, its tables, its speaker notes after its text under "발표자 노트:").

For a text:

The text is the body's paragraphs, one per line, in reading order; a heading (``text:h``) keeps
its outline level; a list's items start with the number or bullet its list style shows ("1. ",
"가) ", "• "), counted per list and per level, so that a procedure's steps read as steps; a
table is one line per row, its cells joined by `` | `` (as the other readers write them). A
table of contents repeats the headings and is left out, as are footnote bodies (they would break
the sentence they are anchored in). The title is the document's own (its metadata), else its
first top-level heading, else the file name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from assistant.ingest.blocks import Blocks, collapse
from assistant.ingest.documents import Extracted, Unreadable
from assistant.ingest.markers import BULLET
from assistant.ingest.office import (
    DocumentBuilder,
    attribute,
    bullet_mark,
    counted,
    local_name,
    open_archive,
    title_in,
    xml_part,
)
from assistant.ingest.sheets import sheets_extracted, write_sheet
from assistant.ingest.slides import NOTES, UNTITLED

_KIND = "ODT"
#: Elements whose text is no part of the flow they sit in: a footnote's or endnote's body, a
#: change-tracking record of deleted text, an index's (a table of contents') generated copy.
_SKIPPED = frozenset({"note", "tracked-changes", "table-of-content", "alphabetical-index", "illustration-index"})
#: ODF's number formats (``style:num-format``) as the office reader's counting formats name them.
_FORMATS = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman",
            "가": "ganada", "ㄱ": "chosung", "①": "decimalEnclosedCircle", "": "none"}  # fmt: skip


@dataclass(frozen=True)
class _Level:
    """How one level of a list style marks its items."""

    numbered: bool
    fmt: str = "decimal"
    prefix: str = ""
    suffix: str = "."
    start: int = 1
    bullet: str = BULLET


def _read(raw: bytes, kind: str, body_kind: str) -> tuple[ElementTree.Element, dict[str, dict[int, _Level]], str]:
    """The body (``office:text``, ``office:spreadsheet`` or ``office:presentation``) of an
    OpenDocument file, its list styles and its title."""
    with open_archive(raw, kind) as archive:
        content = xml_part(archive, "content.xml", kind)
        if content is None:
            raise Unreadable(f"{kind} 파일에 본문(content.xml)이 없습니다")
        styles = xml_part(archive, "styles.xml", kind)
        title = title_in(xml_part(archive, "meta.xml", kind))
    body = next((b for b in content if local_name(b.tag) == "body"), None)
    found = next((t for t in body if local_name(t.tag) == body_kind), None) if body is not None else None
    if found is None:
        raise Unreadable(f"{kind} 파일의 본문이 {kind} 형식이 아닙니다(office:{body_kind} 없음)")
    return found, _list_styles(styles) | _list_styles(content), title


def extract_odt(raw: bytes, stem: str) -> Extracted:
    """The text, headings and tables of an OpenDocument text's body."""
    text, lists, title = _read(raw, _KIND, "text")
    out = DocumentBuilder()
    _blocks(text, lists, out)
    return out.extracted(title, stem)


#: A repeat of a row or a cell written out at most this many times.
MOST_REPEATS = 100


def extract_ods(raw: bytes, stem: str) -> Extracted:
    """An OpenDocument spreadsheet's sheets, each a table under a heading of its name."""
    sheets, _, title = _read(raw, "ODS", "spreadsheet")
    blocks = Blocks()
    for sheet in sheets:
        if local_name(sheet.tag) == "table":
            write_sheet(blocks, collapse(attribute(sheet, "name") or ""), _rows(sheet), heading=True)
    return sheets_extracted(blocks, collapse(title) or stem)


def _repeats(element: ElementTree.Element, name: str) -> int:
    count = attribute(element, name) or "1"
    return min(int(count), MOST_REPEATS) if count.isdigit() else 1


#: The frames of a presentation page that are no text of it: its number, footer and date.
_FURNITURE = frozenset({"page-number", "footer", "date-time", "header"})


def extract_odp(raw: bytes, stem: str) -> Extracted:
    """An OpenDocument presentation's pages, in order, each under its title."""
    pages, lists, title = _read(raw, "ODP", "presentation")
    out = DocumentBuilder()
    for n, page in enumerate((p for p in pages if local_name(p.tag) == "page"), 1):
        frames = list(_frames(page))
        named = " ".join(_text(p) for f in frames if attribute(f, "class") == "title" for p in _paragraphs_of(f))
        out.add_heading(collapse(named) or UNTITLED.format(n=n), 1)
        for frame in frames:
            if attribute(frame, "class") not in ("title", *_FURNITURE):
                _frame(frame, lists, out)
        notes = next((e for e in page if local_name(e.tag) == "notes"), None)
        said = DocumentBuilder()
        for frame in _frames(notes) if notes is not None else ():
            if attribute(frame, "class") == "notes":
                _frame(frame, lists, said)
        if said.parts:
            out.paragraph(NOTES)
            for block in said.joined().split("\n"):
                out.paragraph(block)
    return out.extracted(title, stem)


def _frames(container: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """The frames and shapes of a page (a group's in its place), in the page's order."""
    for child in container:
        name = local_name(child.tag)
        if name == "g":
            yield from _frames(child)
        elif name in ("frame", "custom-shape", "rect", "ellipse", "polygon"):
            yield child


def _paragraphs_of(frame: ElementTree.Element) -> list[ElementTree.Element]:
    box = next((e for e in frame if local_name(e.tag) == "text-box"), frame)
    return [e for e in box.iter() if local_name(e.tag) in ("p", "h")]


def _frame(frame: ElementTree.Element, lists: dict[str, dict[int, _Level]], out: DocumentBuilder) -> None:
    """A frame's text box (its paragraphs and lists) or table; a shape's own paragraphs."""
    for child in frame:
        name = local_name(child.tag)
        if name == "text-box":
            _blocks(child, lists, out)
        elif name == "table":
            out.table(_rows(child))
    if local_name(frame.tag) != "frame":
        _blocks(frame, lists, out)  # a shape holds its paragraphs itself


def _list_styles(root: ElementTree.Element | None) -> dict[str, dict[int, _Level]]:
    """Each list style's levels (1-based), from a part's styles."""
    out: dict[str, dict[int, _Level]] = {}
    if root is None:
        return out
    for style in root.iter():
        if local_name(style.tag) != "list-style" or not (name := attribute(style, "name")):
            continue
        levels: dict[int, _Level] = {}
        for level in style:
            kind, depth = local_name(level.tag), attribute(level, "level") or "1"
            if not depth.isdigit():
                continue
            if kind == "list-level-style-number":
                start = attribute(level, "start-value") or "1"
                levels[int(depth)] = _Level(
                    True,
                    _FORMATS.get(attribute(level, "num-format") or "1", "decimal"),
                    attribute(level, "num-prefix") or "",
                    attribute(level, "num-suffix") or "",
                    int(start) if start.isdigit() else 1,
                )
            elif kind == "list-level-style-bullet":
                levels[int(depth)] = _Level(False, bullet=attribute(level, "bullet-char") or BULLET)
        out[name] = levels
    return out


def _blocks(container: ElementTree.Element, lists: dict[str, dict[int, _Level]], out: DocumentBuilder) -> None:
    for child in container:
        name = local_name(child.tag)
        if name in _SKIPPED:
            continue
        if name == "h":
            level = attribute(child, "outline-level") or "1"
            out.paragraph(_text(child), int(level) if level.isdigit() else 1)
        elif name == "p":
            out.paragraph(_text(child))
        elif name == "list":
            for mark, paragraph in _items(child, lists, attribute(child, "style-name") or "", 1):
                text = _text(paragraph)
                if text.strip():
                    out.paragraph(mark + text)
        elif name == "table":
            out.table(_rows(child))
        elif name in ("section", "soft-page-break", "index-body") or name.endswith("-section"):
            _blocks(child, lists, out)


def _items(
    element: ElementTree.Element, lists: dict[str, dict[int, _Level]], style: str, depth: int
) -> Iterator[tuple[str, ElementTree.Element]]:
    """Each paragraph of a list with the mark it is shown with: an item's first paragraph its
    number or bullet, the paragraphs after it none; a nested list under its item, one level deeper
    (its own style if it names one, else the list's)."""
    level = lists.get(style, {}).get(depth)
    n = level.start - 1 if level else 0
    for item in element:
        kind = local_name(item.tag)
        if kind not in ("list-item", "list-header"):
            continue
        if kind == "list-item":
            restart = attribute(item, "start-value")
            n = int(restart) if restart and restart.isdigit() else n + 1
        mark = _mark(level, n) if kind == "list-item" else ""
        for child in item:
            name = local_name(child.tag)
            if name in ("p", "h"):
                yield mark, child
                mark = ""
            elif name == "list":
                yield from _items(child, lists, attribute(child, "style-name") or style, depth + 1)


def _mark(level: _Level | None, n: int) -> str:
    """The mark before an item's text: its number as the level writes it, or its bullet."""
    if level is None:
        return f"{BULLET} "
    if not level.numbered:
        return bullet_mark(level.bullet)
    number = counted(n, level.fmt)
    return f"{level.prefix}{number}{level.suffix} " if number else ""


def _text(paragraph: ElementTree.Element) -> str:
    """A paragraph's text: spans and links read through, ``text:s`` as its count of spaces, a tab
    or a line break as a space; notes and tracked deletions left out."""
    parts: list[str] = []

    def walk(element: ElementTree.Element) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            name = local_name(child.tag)
            if name == "s":
                count = attribute(child, "c") or "1"
                parts.append(" " * (int(count) if count.isdigit() else 1))
            elif name in ("tab", "line-break"):
                parts.append(" ")
            elif name not in _SKIPPED and name not in ("note-citation", "bookmark", "annotation"):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(paragraph)
    return "".join(parts)


def _rows(table: ElementTree.Element) -> Iterator[list[str]]:
    """A table's (or a sheet's) rows with text, header rows too, each a list of its cells' text (a
    covered cell empty); a repeated row or cell written out as often as it repeats, up to
    :data:`MOST_REPEATS` (a sheet's empty tail repeats a cell a thousand times, a row a million)."""
    for element in table:
        name = local_name(element.tag)
        if name in ("table-header-rows", "table-rows", "table-row-group"):
            yield from _rows(element)
        elif name == "table-row":
            cells: list[str] = []
            for cell in element:
                if local_name(cell.tag) not in ("table-cell", "covered-table-cell"):
                    continue
                shown = " ".join(_text(p) for p in cell.iter() if local_name(p.tag) in ("p", "h"))
                cells += [shown] * (_repeats(cell, "number-columns-repeated") if shown else 1)
            if any(c.strip() for c in cells):
                yield from [cells] * _repeats(element, "number-rows-repeated")
