"""Word (.docx) and Hangul (.hwpx, .hwp) documents: the first two are ZIP archives of XML, the
last a compound file of binary records (HWP 5.0).

The text is the documents' paragraphs, one per line, in reading order; a heading is a paragraph
whose style is an outline level (Word's "heading 1" …, 한글's "개요 1" …); a Word paragraph in a
numbered or bulleted list (a 한글 paragraph of a numbered or bulleted shape) starts with the number
or bullet the program shows for it ("2. ", "가. ", "• "), so that a procedure's steps read as steps; a table is one line per
row, its cells joined by `` | `` (as the HTML reader writes them), and its span is recorded so that
chunking never splits it. The title is the document's own (its properties), else its first
top-level heading, else the file name.

A .hwp file gives its paragraphs only (a table's cells come one per line, no headings). The older
Word format (.doc) is not read: :data:`BINARY_HINTS` says how to save it so it is.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from assistant.ingest.blocks import Blocks, collapse, lines_of, table_row
from assistant.ingest.documents import Extracted, Heading, Unreadable
from assistant.ingest.markers import BULLET, BULLETS
from assistant.ingest.plain import split_lines, with_line_headings

#: A part of an archive larger than this is not read (a ZIP bomb expands to gigabytes).
MAX_PART_BYTES = 200 * 1024 * 1024

#: What to do with an older binary format that is not read.
BINARY_HINTS = {
    ".doc": "예전 Word 형식(.doc)은 읽지 못합니다. Word에서 .docx나 PDF로 저장해 주세요",
}
#: What to do with a .hwp file that cannot be read (protected, or not HWP 5.0).
HWP_HINT = "한글에서 ‘다른 이름으로 저장’으로 .hwpx나 PDF로 저장해 주세요"


def local_name(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def attribute(element: ElementTree.Element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace."""
    for key, value in element.attrib.items():
        if local_name(key) == name:
            return value
    return None


@dataclass
class DocumentBuilder(Blocks):
    """Paragraphs (headings among them) and tables, one block each."""

    def paragraph(self, text: str, level: int = 0) -> None:
        block = lines_of(text)
        if not block:
            return
        start, end = self.add_block(block)
        if level:
            self.headings.append(Heading(level, collapse(block), start, end))

    def table(self, rows: Iterable[list[str]]) -> None:
        lines = [line for line in map(table_row, rows) if line]
        if lines:
            self.add_table(lines)

    def extracted(self, title: str, stem: str) -> Extracted:
        first = next((h.title for h in self.headings if h.level == 1), "")
        text = self.joined()
        headings = with_line_headings(text, split_lines(text), self.headings, self.tables)
        return Extracted(text, collapse(title) or first or stem, headings, self.tables)


#: What a damaged archive raises as it is read: a cut stream (EOFError), a compression method or
#: version zipfile does not know (NotImplementedError), bad deflate data (zlib.error).
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, zlib.error)


def open_archive(raw: bytes, kind: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(raw))
    except (*_ZIP_ERRORS, OSError, ValueError):
        raise Unreadable(f"{kind} 파일이 손상되었거나 {kind} 형식이 아닙니다(ZIP으로 열 수 없음)") from None


def xml_part(archive: zipfile.ZipFile, name: str, kind: str) -> ElementTree.Element | None:
    """The parsed XML of one part of the archive, None when it has no such part."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise Unreadable(f"{kind} 파일의 {name}이(가) 너무 큽니다({info.file_size:,}바이트)")
    try:
        return ElementTree.fromstring(archive.read(info))
    except (ElementTree.ParseError, *_ZIP_ERRORS, OSError, RuntimeError, ValueError) as exc:
        raise Unreadable(f"{kind} 파일의 {name}을(를) 읽을 수 없습니다: {exc}") from None


def title_in(root: ElementTree.Element | None) -> str:
    """The text of the first ``title`` element of a metadata part (Dublin Core, OPF)."""
    if root is None:
        return ""
    found = next((e for e in root.iter() if local_name(e.tag) == "title"), None)
    return "".join(found.itertext()) if found is not None else ""


# ---------------------------------------------------------------------------
# Word (.docx)

_WORD_HEADING = re.compile(r"^(?:heading|제목)\s*(\d)$", re.IGNORECASE)


def extract_docx(raw: bytes, stem: str) -> Extracted:
    """The text, headings and tables of a Word document's body."""
    with open_archive(raw, "DOCX") as archive:
        body = xml_part(archive, "word/document.xml", "DOCX")
        if body is None:
            raise Unreadable("DOCX 파일에 본문(word/document.xml)이 없습니다")
        styles = xml_part(archive, "word/styles.xml", "DOCX")
        levels = _word_levels(styles)
        numbering = _Numbering.read(xml_part(archive, "word/numbering.xml", "DOCX"), styles)
        title = title_in(xml_part(archive, "docProps/core.xml", "DOCX"))
    out = DocumentBuilder()
    for element in body.iter():
        if local_name(element.tag) == "body":
            _word_blocks(element, levels, out, numbering)
            break
    return out.extracted(title, stem)


def _word_levels(styles: ElementTree.Element | None) -> dict[str, int]:
    """The heading level of each paragraph style that has one (by its outline level or its name)."""
    out: dict[str, int] = {}
    if styles is None:
        return out
    for style in styles:
        if local_name(style.tag) != "style" or (sid := attribute(style, "styleId")) is None:
            continue
        level = 0
        for child in style.iter():
            name = local_name(child.tag)
            if name == "outlineLvl" and (value := attribute(child, "val")) is not None and value.isdigit():
                level = int(value) + 1 if int(value) < 9 else 0
            elif name == "name" and not level and (m := _WORD_HEADING.match(attribute(child, "val") or "")):
                level = int(m.group(1))
            elif name == "name" and (attribute(child, "val") or "").lower() == "title":
                level = level or 1
        if 1 <= level <= 9:
            out[sid] = level
    return out


def _word_blocks(
    container: ElementTree.Element, levels: dict[str, int], out: DocumentBuilder, numbering: _Numbering | None = None
) -> None:
    for child in container:
        name = local_name(child.tag)
        if name == "p":
            text = _word_text(child)
            if numbering is not None and text.strip():
                text = numbering.marker(child) + text
            out.paragraph(text, _word_level(child, levels))
        elif name == "tbl":
            out.table(_word_rows(child))
        elif name in ("sdt", "sdtContent", "customXml", "ins", "smartTag"):
            _word_blocks(child, levels, out, numbering)


#: The letters and signs Word counts with in the number formats that are not digits.
_COUNTED = {
    "ganada": "가나다라마바사아자차카타파하",
    "chosung": "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ",
    "decimalEnclosedCircle": "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳",
    "upperLetter": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "lowerLetter": "abcdefghijklmnopqrstuvwxyz",
}
_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def counted(n: int, fmt: str) -> str:
    """``n`` written in Word's number format ``fmt`` (decimal for a format not known here)."""
    if fmt in _COUNTED:
        signs = _COUNTED[fmt]
        return signs[(n - 1) % len(signs)] if n >= 1 else str(n)
    if fmt in ("upperRoman", "lowerRoman") and n >= 1:
        out = ""
        for value, sign in _ROMAN:
            while n >= value:
                out, n = out + sign, n - value
        return out if fmt == "upperRoman" else out.lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return "" if fmt == "none" else str(n)


@dataclass(frozen=True)
class _ListLevel:
    start: int
    fmt: str
    text: str  #: how the number is written: Word's ``lvlText`` ("%1.", "%1.%2."), 한글's ("^1.", "^N")


def bullet_mark(sign: str) -> str:
    """The mark of a bulleted paragraph: its sign, or :data:`BULLET` for one in a symbol font."""
    sign = sign.strip()
    return f"{sign if len(sign) == 1 and sign in BULLETS else BULLET} "


def count_item(counts: list[int], level: int, start: int) -> None:
    """One more paragraph at ``level`` of a list counted by ``counts``: its first gets ``start``; the
    levels below it start again."""
    counts[level] = counts[level] + 1 if counts[level] else start
    for deeper in range(level + 1, len(counts)):
        counts[deeper] = 0


def _shown(levels: dict[int, _ListLevel], counts: list[int], at: int) -> str:
    """The number of level ``at`` as it is written (its count so far, else its start)."""
    level = levels.get(at)
    value = counts[at] if 0 <= at < len(counts) and counts[at] else (level.start if level else 1)
    return counted(value, level.fmt if level else "decimal")


def _mark(text: str) -> str:
    """A paragraph's written number ("2.", "가)") as the mark before its text."""
    text = text.strip()
    return f"{text} " if text else ""


@dataclass
class _Numbering:
    """Word's lists (``word/numbering.xml``): the number each numbered paragraph is shown with,
    counted as Word counts them (one count per list and level; a level starting again after a
    paragraph of a higher level)."""

    levels: dict[str, dict[int, _ListLevel]]  #: numId → ilvl → level
    styles: dict[str, tuple[str, int]]  #: a paragraph style's own list: styleId → (numId, ilvl)
    counts: dict[str, list[int]]

    @classmethod
    def read(cls, numbering: ElementTree.Element | None, styles: ElementTree.Element | None) -> _Numbering | None:
        if numbering is None:
            return None
        abstract: dict[str, dict[int, _ListLevel]] = {}
        for element in numbering:
            if local_name(element.tag) == "abstractNum" and (aid := attribute(element, "abstractNumId")) is not None:
                abstract[aid] = {
                    int(ilvl): _list_level(lvl)
                    for lvl in element
                    if local_name(lvl.tag) == "lvl" and (ilvl := attribute(lvl, "ilvl") or "").isdigit()
                }
        levels: dict[str, dict[int, _ListLevel]] = {}
        for element in numbering:
            if local_name(element.tag) != "num" or (nid := attribute(element, "numId")) is None:
                continue
            ref = next((attribute(c, "val") for c in element if local_name(c.tag) == "abstractNumId"), None)
            own = dict(abstract.get(ref or "", {}))
            for override in (c for c in element if local_name(c.tag) == "lvlOverride"):
                ilvl = attribute(override, "ilvl") or ""
                start = next(
                    (attribute(c, "val") for c in override.iter() if local_name(c.tag) == "startOverride"), None
                )
                if ilvl.isdigit() and int(ilvl) in own and start and start.isdigit():
                    level = own[int(ilvl)]
                    own[int(ilvl)] = _ListLevel(int(start), level.fmt, level.text)
            levels[nid] = own
        listed: dict[str, tuple[str, int]] = {}
        for style in styles if styles is not None else ():
            if local_name(style.tag) == "style" and (sid := attribute(style, "styleId")) is not None:
                found = _num_pr(style)
                if found is not None:
                    listed[sid] = found
        return cls(levels, listed, {})

    def marker(self, paragraph: ElementTree.Element) -> str:
        """What Word shows before ``paragraph`` ("2. ", "가. ", "1.2. ", "• "), "" outside a list."""
        found = _num_pr(paragraph)
        if found is None:
            style = next((attribute(c, "val") for c in paragraph.iter() if local_name(c.tag) == "pStyle"), None)
            found = self.styles.get(style or "")
        if found is None or found[0] == "0":
            return ""
        nid, ilvl = found
        own = self.levels.get(nid, {})
        if ilvl not in own:
            return ""
        counts = self.counts.setdefault(nid, [0] * 10)
        level = own[ilvl]
        count_item(counts, ilvl, level.start)
        if level.fmt == "bullet":
            return bullet_mark(level.text)
        return _mark(re.sub(r"%([1-9])", lambda m: _shown(own, counts, int(m.group(1)) - 1), level.text))


def _list_level(lvl: ElementTree.Element) -> _ListLevel:
    values = {local_name(c.tag): attribute(c, "val") for c in lvl}
    start = values.get("start") or "1"
    return _ListLevel(
        int(start) if start.isdigit() else 1, values.get("numFmt") or "decimal", values.get("lvlText") or ""
    )


def _num_pr(element: ElementTree.Element) -> tuple[str, int] | None:
    """The (numId, ilvl) of the ``numPr`` in an element's paragraph properties, None without one."""
    for props in element:
        if local_name(props.tag) != "pPr":
            continue
        for child in props:
            if local_name(child.tag) == "numPr":
                values = {local_name(c.tag): attribute(c, "val") or "" for c in child}
                nid, ilvl = values.get("numId", ""), values.get("ilvl", "0")
                if nid:
                    return nid, int(ilvl) if ilvl.isdigit() and int(ilvl) < 10 else 0
    return None


def _word_level(paragraph: ElementTree.Element, levels: dict[str, int]) -> int:
    for props in paragraph:
        if local_name(props.tag) != "pPr":
            continue
        for child in props:
            name = local_name(child.tag)
            value = attribute(child, "val") or ""
            if name == "outlineLvl" and value.isdigit() and int(value) < 9:
                return int(value) + 1
            if name == "pStyle":
                return levels.get(value, 0)
    return 0


def _word_text(element: ElementTree.Element) -> str:
    """A paragraph's (or a cell's) text: runs, tabs and breaks; deleted text and field codes left out."""
    parts: list[str] = []
    for node in _word_nodes(element):
        name = local_name(node.tag)
        if name == "t":
            parts.append(node.text or "")
        elif name in ("tab", "ptab"):
            parts.append(" ")
        elif name in ("br", "cr"):
            parts.append("\n")
        elif name == "p" and parts:
            parts.append("\n")  # a cell's paragraphs
    return "".join(parts)


def _word_nodes(element: ElementTree.Element) -> Iterator[ElementTree.Element]:
    for child in element:
        name = local_name(child.tag)
        # a drawing's Fallback is the same drawing again for older programs (a text box's text twice)
        if name in ("delText", "instrText", "pPr", "rPr", "del", "Fallback"):
            continue
        yield child
        yield from _word_nodes(child)


def _word_rows(table: ElementTree.Element) -> Iterator[list[str]]:
    for row in table:
        if local_name(row.tag) == "tr":
            yield [collapse(_word_text(cell)) for cell in row if local_name(cell.tag) == "tc"]


# ---------------------------------------------------------------------------
# Hangul (.hwpx, OWPML)

_HWP_OUTLINE = re.compile(r"^(?:개요|outline)\s*(\d+)$", re.IGNORECASE)
_SECTION = re.compile(r"^Contents/section(\d+)\.xml$")


def extract_hwpx(raw: bytes, stem: str) -> Extracted:
    """The text, headings and tables of a 한글 document's sections, in order."""
    with open_archive(raw, "HWPX") as archive:
        names = sorted((int(m.group(1)), n) for n in archive.namelist() if (m := _SECTION.match(n)) is not None)
        if not names:
            raise Unreadable("HWPX 파일에 본문(Contents/section0.xml)이 없습니다")
        header = xml_part(archive, "Contents/header.xml", "HWPX")
        title = title_in(xml_part(archive, "Contents/content.hpf", "HWPX"))
        sections = [xml_part(archive, name, "HWPX") for _, name in names]
    styles, outlines = _hwp_levels(header)
    numbering = _HwpNumbering.read(header)
    out = DocumentBuilder()
    for section in sections:
        if section is not None:
            _hwp_blocks(section, styles, outlines, out, numbering)
    return out.extracted(title, stem)


def _hwp_levels(header: ElementTree.Element | None) -> tuple[dict[str, int], dict[str, int]]:
    """Heading levels by style id (a style named "개요 N") and by paragraph-shape id (an outline heading)."""
    styles: dict[str, int] = {}
    outlines: dict[str, int] = {}
    if header is None:
        return styles, outlines
    for element in header.iter():
        name = local_name(element.tag)
        if name == "style" and (sid := attribute(element, "id")) is not None:
            for label in (attribute(element, "name") or "", attribute(element, "engName") or ""):
                if m := _HWP_OUTLINE.match(label.strip()):
                    styles[sid] = min(int(m.group(1)), 9)
                    break
        elif name == "paraPr" and (pid := attribute(element, "id")) is not None:
            heading = next((c for c in element if local_name(c.tag) == "heading"), None)
            level = attribute(heading, "level") if heading is not None else None
            if (
                heading is not None
                and attribute(heading, "type") == "OUTLINE"
                and level is not None
                and level.isdigit()
            ):
                outlines[pid] = min(int(level) + 1, 9)
    return styles, outlines


def _hwp_blocks(
    container: ElementTree.Element,
    styles: dict[str, int],
    outlines: dict[str, int],
    out: DocumentBuilder,
    numbering: _HwpNumbering | None = None,
) -> None:
    for child in container:
        if local_name(child.tag) != "p":
            continue
        text, objects = _hwp_paragraph(child)
        shape = attribute(child, "paraPrIDRef") or ""
        level = styles.get(attribute(child, "styleIDRef") or "", 0) or outlines.get(shape, 0)
        if numbering is not None and text.strip():
            text = numbering.marker(shape) + text
        out.paragraph(text, level)
        for element in objects:
            if local_name(element.tag) == "tbl":
                out.table(_hwp_rows(element))
            else:  # a text box's paragraphs: text of the page, no heading
                _hwp_blocks(element, {}, {}, out, numbering)


#: 한글's number formats, as the Word formats :func:`_counted` writes.
_HWP_FORMATS = {
    "DIGIT": "decimal",
    "CIRCLED_DIGIT": "decimalEnclosedCircle",
    "ROMAN_CAPITAL": "upperRoman",
    "ROMAN_SMALL": "lowerRoman",
    "LATIN_CAPITAL": "upperLetter",
    "LATIN_SMALL": "lowerLetter",
    "HANGUL_SYLLABLE": "ganada",
    "HANGUL_JAMO": "chosung",
}


@dataclass
class _HwpNumbering:
    """한글's numbered and bulleted paragraphs (a paragraph shape whose ``heading`` is NUMBER or
    BULLET): the number each is shown with, counted per numbering and level as 한글 counts them; its
    format ("^1.", "^2)", "(^3)") and its number formats (1, 가, ①, Ⅰ …) from the header."""

    heads: dict[str, dict[int, _ListLevel]]  #: numbering id → level (1-based) → its paragraph head
    bullets: dict[str, str]  #: bullet id → its sign
    shapes: dict[str, tuple[str, str, int]]  #: paragraph shape id → (NUMBER or BULLET, id, level)
    counts: dict[str, list[int]]

    @classmethod
    def read(cls, header: ElementTree.Element | None) -> _HwpNumbering | None:
        if header is None:
            return None
        heads: dict[str, dict[int, _ListLevel]] = {}
        bullets: dict[str, str] = {}
        shapes: dict[str, tuple[str, str, int]] = {}
        for element in header.iter():
            name = local_name(element.tag)
            if name == "numbering" and (nid := attribute(element, "id")) is not None:
                heads[nid] = {}
                for head in element:
                    level, start = attribute(head, "level") or "", attribute(head, "start") or "1"
                    if local_name(head.tag) == "paraHead" and level.isdigit():
                        fmt = _HWP_FORMATS.get(attribute(head, "numFormat") or "DIGIT", "decimal")
                        heads[nid][int(level)] = _ListLevel(int(start) if start.isdigit() else 1, fmt, head.text or "")
            elif name == "bullet" and (bid := attribute(element, "id")) is not None:
                bullets[bid] = attribute(element, "char") or ""
            elif name == "paraPr" and (pid := attribute(element, "id")) is not None:
                heading = next((c for c in element if local_name(c.tag) == "heading"), None)
                if heading is None:
                    continue
                kind, ref, depth = (
                    attribute(heading, "type") or "",
                    attribute(heading, "idRef"),
                    attribute(heading, "level") or "",
                )
                if kind in ("NUMBER", "BULLET") and ref is not None:
                    shapes[pid] = (kind, ref, int(depth) + 1 if depth.isdigit() else 1)
        return cls(heads, bullets, shapes, {}) if shapes else None

    def marker(self, shape: str) -> str:
        """What 한글 shows before a paragraph of this shape ("1. ", "가) ", "• "), "" for none."""
        found = self.shapes.get(shape)
        if found is None:
            return ""
        kind, ref, level = found
        if kind == "BULLET":
            return bullet_mark(self.bullets.get(ref, ""))
        own = self.heads.get(ref, {})
        if level not in own:
            return ""
        counts = self.counts.setdefault(ref, [0] * 12)
        count_item(counts, level, own[level].start)

        def number(m: re.Match[str]) -> str:
            code = m.group(1)
            if code in "nN":  # the path of levels: 1.1.1 (^N ends it with a full stop)
                path = ".".join(_shown(own, counts, at) for at in range(1, level + 1))
                return path + "." if code == "N" else path
            return _shown(own, counts, int(code))

        return _mark(re.sub(r"\^([1-9nN])", number, own[level].text))


#: The drawing objects of 한글 that may hold a text box (``drawText``), a group (``container``) among them.
_HWP_DRAWINGS = frozenset({"rect", "ellipse", "arc", "polygon", "curve", "container", "connectLine", "line"})


def _hwp_paragraph(paragraph: ElementTree.Element) -> tuple[str, list[ElementTree.Element]]:
    """A paragraph's own text, and the objects it holds, in order: its tables (a table is an object
    in one of its runs) and the paragraph lists of its text boxes (a box drawn in the page: a shape's
    ``drawText``). A header's, footer's or note's text is no part of it."""
    parts: list[str] = []
    objects: list[ElementTree.Element] = []

    def walk(element: ElementTree.Element) -> None:
        for child in element:
            name = local_name(child.tag)
            if name == "tbl":
                objects.append(child)
            elif name == "t":
                parts.append(_hwp_t(child))
            elif name in ("run", "ctrl"):  # not the layout of its lines (linesegarray)
                walk(child)
            elif name in _HWP_DRAWINGS:
                objects.extend(_text_boxes(child))

    walk(paragraph)
    return "".join(parts), objects


def _text_boxes(shape: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """The paragraph lists (``subList``) of the text boxes of a drawing object or group, in order;
    a box inside a box's text is its paragraphs' own (read with them)."""
    for child in shape:
        name = local_name(child.tag)
        if name == "drawText":
            yield from (e for e in child if local_name(e.tag) == "subList")
        elif name in _HWP_DRAWINGS:
            yield from _text_boxes(child)


def _hwp_t(element: ElementTree.Element) -> str:
    """The text of a ``t`` element: its characters, with tabs and line breaks it holds as elements."""
    parts = [element.text or ""]
    for child in element:
        name = local_name(child.tag)
        if name == "lineBreak":
            parts.append("\n")
        elif name in ("tab", "fwSpace", "nbSpace", "hyphen"):
            parts.append("-" if name == "hyphen" else " ")
        parts.append(child.tail or "")
    return "".join(parts)


def _hwp_rows(table: ElementTree.Element) -> Iterator[list[str]]:
    for row in table:
        if local_name(row.tag) != "tr":
            continue
        cells = []
        for cell in row:
            if local_name(cell.tag) == "tc":
                paragraphs = [e for e in cell.iter() if local_name(e.tag) == "p"]
                cells.append(" ".join(_hwp_paragraph(p)[0] for p in paragraphs))
        yield cells


# ---------------------------------------------------------------------------
# Hangul (.hwp, HWP 5.0: a compound file of binary records)

_HWP_SIGNATURE = b"HWP Document File"
_HWP_SECTION = re.compile(r"Section(\d+)")
#: The record tag of a paragraph's text (HWPTAG_BEGIN 16 + 51).
_PARA_TEXT = 16 + 51
#: FileHeader flags a document cannot be read with: a password (bit 1), a distribution document,
#: whose text is encrypted (bit 2), DRM (bit 4). Bit 0 says the sections are compressed.
_HWP_LOCKED = 0b10110
#: Control characters that stand for an object, a field or a tab and take 8 code units (16 bytes) in
#: a paragraph's text; the others (line break 10, paragraph end 13, hyphen 24 …) take one.
_HWP_WIDE = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23})


def extract_hwp(raw: bytes, stem: str) -> Extracted:
    """The paragraphs of a 한글 (HWP 5.0) document's sections, in order, one per line."""
    import olefile  # imported here: only a .hwp needs it

    try:
        ole = olefile.OleFileIO(io.BytesIO(raw))
    except (OSError, ValueError) as exc:  # olefile raises OSError for what is no compound file
        raise Unreadable(f"HWP 파일이 손상되었거나 HWP 5.0 형식이 아닙니다({exc}). {HWP_HINT}") from None
    with ole:
        if not ole.exists("FileHeader"):
            raise Unreadable(f"HWP 5.0 문서가 아닙니다(FileHeader 없음). {HWP_HINT}")
        header = _hwp_stream(ole, "FileHeader")
        if not header.startswith(_HWP_SIGNATURE) or len(header) < 40:
            raise Unreadable(f"HWP 5.0 문서가 아닙니다. {HWP_HINT}")
        flags = int.from_bytes(header[36:40], "little")
        if flags & _HWP_LOCKED:
            raise Unreadable(f"암호가 걸렸거나 배포용으로 보호된 HWP 문서입니다. {HWP_HINT}")
        sections = sorted(
            (int(m.group(1)), path)
            for path in ole.listdir()
            if len(path) == 2 and path[0] == "BodyText" and (m := _HWP_SECTION.fullmatch(path[1]))
        )
        if not sections:
            raise Unreadable(f"HWP 문서에 본문(BodyText)이 없습니다. {HWP_HINT}")
        title = _hwp_title(ole)
        streams = [_hwp_stream(ole, "/".join(path)) for _, path in sections]
    out = DocumentBuilder()
    for data in streams:
        if flags & 1:  # compressed: raw deflate
            try:
                data = zlib.decompressobj(-15).decompress(data, MAX_PART_BYTES)
            except zlib.error as exc:
                raise Unreadable(f"HWP 본문의 압축을 풀 수 없습니다: {exc}") from None
        for text in _hwp_texts(data):
            out.paragraph(text)
    return out.extracted(title, stem)


def _hwp_title(ole: Any) -> str:
    """The title in the document's summary (a property set, property 2), "" when there is none."""
    name = "\x05HwpSummaryInformation"
    if not ole.exists(name):
        return ""
    try:
        title = ole.getproperties(name).get(2)
    except Exception:  # a damaged summary does not make the text unreadable
        return ""
    return title.strip("\0 ") if isinstance(title, str) else ""


def _hwp_stream(ole: Any, name: str) -> bytes:
    if ole.get_size(name) > MAX_PART_BYTES:
        raise Unreadable(f"HWP 파일의 {name}이(가) 너무 큽니다")
    return bytes(ole.openstream(name).read())


def _hwp_texts(data: bytes) -> Iterator[str]:
    """The text of each paragraph record, in order (those of table cells and text boxes included)."""
    pos = 0
    while pos + 4 <= len(data):
        head = int.from_bytes(data[pos : pos + 4], "little")
        tag, size = head & 0x3FF, head >> 20
        pos += 4
        if size == 0xFFF:
            if pos + 4 > len(data):
                return
            size = int.from_bytes(data[pos : pos + 4], "little")
            pos += 4
        body = data[pos : pos + size]
        pos += size
        if tag == _PARA_TEXT:
            yield _hwp_chars(body)


def _hwp_chars(body: bytes) -> str:
    """A paragraph's characters (UTF-16LE) without its control codes; a line break stays one."""
    units = [int.from_bytes(body[i : i + 2], "little") for i in range(0, len(body) - 1, 2)]
    out: list[str] = []
    i = 0
    while i < len(units):
        u = units[i]
        if u >= 32:
            out.append(chr(u))
            i += 1
        elif u in _HWP_WIDE:
            out.append(" " if u == 9 else "")
            i += 8
        else:  # one unit: a line break, the paragraph's end, a hyphen or a fixed space
            out.append({10: "\n", 24: "-", 30: " ", 31: " "}.get(u, ""))
            i += 1
    return "".join(out).encode("utf-16", "surrogatepass").decode("utf-16", "replace")
