"""Spreadsheets: Excel workbooks (.xlsx, a ZIP archive of XML) and delimited text (.csv, .tsv).

A sheet is a table: one line per row, its cells joined by `` | `` as the other readers write
tables, under a heading of the sheet's name (a workbook's sheets; a delimited file's one table sits
under its title). Its first row names the columns. A long sheet is written as tables of a few rows
each (:data:`ROWS_PER_TABLE`, :data:`TABLE_CHARS`), every one under that first row again, so that
any passage holding some of its rows reads them by their column names ("“프로” — 월 요금: 19,900원"),
and no passage is a whole sheet the embedding model would cut short. A sheet of one column is its
lines. Empty rows are left out.

A workbook's cells are read as Excel shows them where that is plain: shared and inline strings,
numbers (with thousands separators or as a percentage when the cell's format says so), dates
(a number under a date format: 2024-03-01), TRUE/FALSE, a formula's last value. Hidden sheets are
left out. The older binary format (.xls) is not read: :data:`BINARY_HINTS` says how to save it so it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from xml.etree import ElementTree

from assistant.ingest.blocks import Blocks, collapse, table_row
from assistant.ingest.documents import Extracted, Unreadable
from assistant.ingest.office import open_archive, title_in, xml_part

#: Most rows of a sheet in one table (each under the sheet's first row again) ...
ROWS_PER_TABLE = 12
#: ... and most characters (a passage holds a table whole, and is about 500 characters long).
TABLE_CHARS = 400
#: What to do with an older binary format that is not read.
BINARY_HINTS = {".xls": "예전 Excel 형식(.xls)은 읽지 못합니다. Excel에서 .xlsx나 CSV로 저장해 주세요"}

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: Excel's built-in number formats that show a date (and a time).
_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
_PERCENT_FORMATS = frozenset({9, 10})
_THOUSANDS_FORMATS = frozenset({3, 4})
#: A custom format that shows a date: y, m, d or h outside quoted text and brackets ("yyyy-mm-dd").
_DATE_CODE = re.compile(r"[ymdh]", re.IGNORECASE)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def extract_delimited(text: str, stem: str, delimiter: str = ",") -> Extracted:
    """A .csv (``delimiter`` ",") or .tsv ("\\t") file's text as one table under its title; a file
    whose rows are cut by another delimiter (a .csv saved with ";", as European Excel does) by that one."""
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text, delimiter)))
    except csv.Error as exc:
        raise Unreadable(f"표 형식이 올바르지 않습니다: {exc}") from exc
    blocks = Blocks()
    write_sheet(blocks, stem, rows, heading=False)
    return sheets_extracted(blocks, stem)


#: Delimiters a delimited file may use instead of the one its name says.
_OTHER_DELIMITERS = (";", "\t", "|")


def _delimiter(text: str, named: str) -> str:
    """``named``, unless it cuts the first lines unevenly and another cuts each of them into as many
    cells, two or more ("품목;재고;단가" then "볼펜;0개;1,200원"): that one."""
    lines = [line for line in text.splitlines()[:20] if line.strip()][:10]
    for delimiter in dict.fromkeys((named, *_OTHER_DELIMITERS)):
        try:
            widths = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
        except csv.Error:
            continue
        if len(widths) == 1 and widths != {1}:
            return delimiter
    return named


def extract_xlsx(raw: bytes, stem: str) -> Extracted:
    """An Excel workbook's visible sheets, each a table under a heading of its name."""
    with open_archive(raw, "XLSX") as archive:
        workbook = xml_part(archive, "xl/workbook.xml", "XLSX")
        if workbook is None:
            raise Unreadable("XLSX 파일에 통합 문서(xl/workbook.xml)가 없습니다")
        strings = _shared_strings(xml_part(archive, "xl/sharedStrings.xml", "XLSX"))
        formats = _cell_formats(xml_part(archive, "xl/styles.xml", "XLSX"))
        pr = workbook.find(f"{_MAIN}workbookPr")
        epoch = dt.datetime(1904, 1, 1) if pr is not None and pr.get("date1904") in ("1", "true") else _EPOCH_1900
        targets = _sheet_targets(xml_part(archive, "xl/_rels/workbook.xml.rels", "XLSX"))
        blocks = Blocks()
        for sheet in workbook.iter(f"{_MAIN}sheet"):
            if sheet.get("state") in ("hidden", "veryHidden"):
                continue
            target = targets.get(sheet.get(f"{_REL}id", ""))
            root = xml_part(archive, target, "XLSX") if target else None
            if root is not None:
                rows = _sheet_rows(root, strings, formats, epoch)
                write_sheet(blocks, collapse(sheet.get("name", "")), rows, heading=True)
        title = collapse(title_in(xml_part(archive, "docProps/core.xml", "XLSX")))
    return sheets_extracted(blocks, title or stem)


def sheets_extracted(blocks: Blocks, title: str) -> Extracted:
    text = blocks.joined()
    if not text.strip():
        raise Unreadable("표에 글자가 없습니다")
    return Extracted(text, title, blocks.headings, blocks.tables)


def write_sheet(blocks: Blocks, name: str, rows: Iterable[Sequence[str]], *, heading: bool) -> None:
    """A sheet's rows as tables of a few rows under its first row, after a heading of its ``name``."""
    lines = [line for line in (table_row(list(row)) for row in rows) if line.strip(" |")]
    if not lines:
        return
    if heading and name:
        blocks.add_heading(name, 1)
    if all(" | " not in line for line in lines):  # one column: a list of lines
        for line in lines:
            blocks.add_block(line)
        return
    header, rest = lines[0], lines[1:]
    piece: list[str] = []
    size = len(header)  # of the header and the piece's rows
    for line in rest:
        if piece and (len(piece) >= ROWS_PER_TABLE or size + len(line) > TABLE_CHARS):
            blocks.add_table([header, *piece])
            piece, size = [], len(header)
        piece.append(line)
        size += len(line)
    blocks.add_table([header, *piece])


def _shared_strings(root: ElementTree.Element | None) -> list[str]:
    if root is None:
        return []
    return ["".join(t.text or "" for t in si.iter(f"{_MAIN}t")) for si in root.iter(f"{_MAIN}si")]


def _cell_formats(root: ElementTree.Element | None) -> list[str]:
    """What each cell style shows a number as: "date", "percent", "thousands" or ""."""
    if root is None:
        return []
    custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")}
    xfs = root.find(f"{_MAIN}cellXfs")
    out = []
    for xf in xfs.iter(f"{_MAIN}xf") if xfs is not None else ():
        fmt = int(xf.get("numFmtId", "0") or 0)
        code = _QUOTED.sub("", custom.get(fmt, ""))
        if fmt in _DATE_FORMATS or (code and _DATE_CODE.search(code) and "0" not in code and "#" not in code):
            out.append("date")
        elif fmt in _PERCENT_FORMATS or "%" in code:
            out.append("percent")
        elif fmt in _THOUSANDS_FORMATS or "#,##" in code:
            out.append("thousands")
        else:
            out.append("")
    return out


def _sheet_targets(root: ElementTree.Element | None) -> dict[str, str]:
    """Each relationship id of the workbook's sheets → its part's name in the archive."""
    if root is None:
        return {}
    out = {}
    for rel in root.iter(f"{_PACKAGE_REL}Relationship"):
        target = rel.get("Target", "")
        out[rel.get("Id", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


_EPOCH_1900 = dt.datetime(1899, 12, 30)  # Excel's day 0, counting its 1900-02-29 (days from 1900-03-01 on)
_COLUMN = re.compile(r"[A-Z]+")


def _sheet_rows(
    root: ElementTree.Element, strings: Sequence[str], formats: Sequence[str], epoch: dt.datetime
) -> list[list[str]]:
    rows = []
    for row in root.iter(f"{_MAIN}row"):
        cells: list[str] = []
        for c in row.iter(f"{_MAIN}c"):
            at = _column_index(c.get("r", ""))
            if at is not None and at > len(cells):
                cells.extend([""] * (at - len(cells)))  # empty cells are not written
            style = int(c.get("s", "0") or 0)
            cells.append(_cell_text(c, strings, formats[style] if style < len(formats) else "", epoch))
        rows.append(cells)
    return rows


def _column_index(ref: str) -> int | None:
    """The 0-based column of a cell reference ("C7" → 2)."""
    m = _COLUMN.match(ref)
    if not m:
        return None
    n = 0
    for ch in m.group(0):
        n = n * 26 + ord(ch) - ord("A") + 1
    return n - 1


def _cell_text(c: ElementTree.Element, strings: Sequence[str], shown: str, epoch: dt.datetime) -> str:
    kind = c.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter(f"{_MAIN}t"))
    v = c.findtext(f"{_MAIN}v") or ""
    if kind == "s":
        return strings[int(v)] if v.isdigit() and int(v) < len(strings) else ""
    if kind == "b":
        return "TRUE" if v == "1" else "FALSE"
    if kind != "n" or not v:
        return v  # a formula's string, an error ("#DIV/0!")
    try:
        number = float(v)
    except ValueError:
        return v
    if shown == "date" and 0 <= number < 2958466:
        when = epoch + dt.timedelta(days=number)
        return when.strftime("%Y-%m-%d %H:%M") if number % 1 else when.strftime("%Y-%m-%d")
    if shown == "percent":
        return f"{_plain(number * 100)}%"
    if shown == "thousands":
        return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"
    return _plain(number)


def _plain(number: float) -> str:
    """A number as a person writes it: 9900, 4.5 (not 9900.0, 4.500000001)."""
    return str(int(number)) if number == int(number) else repr(round(number, 10))
