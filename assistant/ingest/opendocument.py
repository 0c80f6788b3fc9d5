"""OpenDocument text (.odt): the open format 한글, LibreOffice and Word save to, which public bodies
publish their documents in; a ZIP archive whose ``content.xml`` holds the body.

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

from assistant.ingest.documents import Extracted, Unreadable
from assistant.ingest.markers import BULLET
from assistant.ingest.office import DocumentBuilder, bullet_mark, counted, local_name, open_archive, title_in, xml_part

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


def extract_odt(raw: bytes, stem: str) -> Extracted:
    """The text, headings and tables of an OpenDocument text's body."""
    with open_archive(raw, _KIND) as archive:
        content = xml_part(archive, "content.xml", _KIND)
        if content is None:
            raise Unreadable("ODT 파일에 본문(content.xml)이 없습니다")
        styles = xml_part(archive, "styles.xml", _KIND)
        title = title_in(xml_part(archive, "meta.xml", _KIND))
    lists = _list_styles(styles) | _list_styles(content)
    out = DocumentBuilder()
    body = next((b for b in content if local_name(b.tag) == "body"), None)
    text = next((t for t in body if local_name(t.tag) == "text"), None) if body is not None else None
    if text is None:
        raise Unreadable("ODT 파일의 본문이 텍스트 문서가 아닙니다(office:text 없음)")
    _blocks(text, lists, out)
    return out.extracted(title, stem)


def _attr(element: ElementTree.Element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace."""
    return next((v for k, v in element.attrib.items() if local_name(k) == name), None)


def _list_styles(root: ElementTree.Element | None) -> dict[str, dict[int, _Level]]:
    """Each list style's levels (1-based), from a part's styles."""
    out: dict[str, dict[int, _Level]] = {}
    if root is None:
        return out
    for style in root.iter():
        if local_name(style.tag) != "list-style" or not (name := _attr(style, "name")):
            continue
        levels: dict[int, _Level] = {}
        for level in style:
            kind, depth = local_name(level.tag), _attr(level, "level") or "1"
            if not depth.isdigit():
                continue
            if kind == "list-level-style-number":
                start = _attr(level, "start-value") or "1"
                levels[int(depth)] = _Level(
                    True,
                    _FORMATS.get(_attr(level, "num-format") or "1", "decimal"),
                    _attr(level, "num-prefix") or "",
                    _attr(level, "num-suffix") or "",
                    int(start) if start.isdigit() else 1,
                )
            elif kind == "list-level-style-bullet":
                levels[int(depth)] = _Level(False, bullet=_attr(level, "bullet-char") or BULLET)
        out[name] = levels
    return out


def _blocks(container: ElementTree.Element, lists: dict[str, dict[int, _Level]], out: DocumentBuilder) -> None:
    for child in container:
        name = local_name(child.tag)
        if name in _SKIPPED:
            continue
        if name == "h":
            level = _attr(child, "outline-level") or "1"
            out.paragraph(_text(child), int(level) if level.isdigit() else 1)
        elif name == "p":
            out.paragraph(_text(child))
        elif name == "list":
            for mark, paragraph in _items(child, lists, _attr(child, "style-name") or "", 1):
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
            restart = _attr(item, "start-value")
            n = int(restart) if restart and restart.isdigit() else n + 1
        mark = _mark(level, n) if kind == "list-item" else ""
        for child in item:
            name = local_name(child.tag)
            if name in ("p", "h"):
                yield mark, child
                mark = ""
            elif name == "list":
                yield from _items(child, lists, _attr(child, "style-name") or style, depth + 1)


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
                count = _attr(child, "c") or "1"
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
    """A table's rows (header rows too), each a list of its cells' text (a covered cell empty)."""
    for element in table:
        name = local_name(element.tag)
        if name in ("table-header-rows", "table-rows", "table-row-group"):
            yield from _rows(element)
        elif name == "table-row":
            yield [
                " ".join(_text(p) for p in cell.iter() if local_name(p.tag) in ("p", "h"))
                for cell in element
                if local_name(cell.tag) in ("table-cell", "covered-table-cell")
            ]
