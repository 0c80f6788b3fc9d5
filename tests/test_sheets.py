"""Spreadsheets (assistant.ingest.sheets): Excel workbooks written here part by part, CSV and TSV."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from assistant.errors import DocumentReadError
from assistant.ingest.documents import Unreadable
from assistant.ingest.files import iter_corpus_files, load_document
from assistant.ingest.sheets import ROWS_PER_TABLE, extract_delimited, extract_xlsx

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _cell(ref: str, value: object, strings: list[str], style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    strings.append(str(value))
    return f'<c r="{ref}" t="s"{s}><v>{len(strings) - 1}</v></c>'


def workbook(sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = (), title: str = "") -> bytes:
    """An .xlsx of ``sheets`` (name → rows; a cell is text, a number, a bool, None for an empty one, or
    (number, style) with style 1 a date, 2 a percentage, 3 thousands)."""
    strings: list[str] = []
    parts: dict[str, str] = {}
    listed, rels = [], []
    for n, (name, rows) in enumerate(sheets.items(), start=1):
        xml_rows = []
        for r, row in enumerate(rows, start=1):
            cells = []
            for col, value in enumerate(row):
                if value is None:
                    continue
                ref = f"{chr(ord('A') + col)}{r}"
                number, style = value if isinstance(value, tuple) else (value, 0)
                cells.append(_cell(ref, number, strings, style))
            xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        parts[f"xl/worksheets/sheet{n}.xml"] = (
            f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(xml_rows)}</sheetData></worksheet>'
        )
        state = ' state="hidden"' if name in hidden else ""
        listed.append(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"{state}/>')
        rels.append(f'<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" Type="worksheet"/>')
    parts["xl/workbook.xml"] = f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{"".join(listed)}</sheets></workbook>'
    parts["xl/_rels/workbook.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels)
        + "</Relationships>"
    )
    shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{shared}</sst>'
    parts["xl/styles.xml"] = (
        f'<styleSheet xmlns="{MAIN}"><numFmts><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
        '<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="9"/><xf numFmtId="3"/></cellXfs></styleSheet>'
    )
    if title:
        parts["docProps/core.xml"] = (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            f' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></cp:coreProperties>'
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, xml in parts.items():
            z.writestr(name, xml)
    return out.getvalue()


PLANS = [
    ["요금제", "월 요금", "저장 용량", "가입일"],
    ["베이직", "무료", "5GB", (45352, 1)],
    ["프로", (19900, 3), "2TB", (45383.5, 1)],
    ["할인율", (0.2, 2), None, True],
]


def test_a_sheet_is_a_table_under_its_name_with_cells_as_excel_shows_them() -> None:
    got = extract_xlsx(workbook({"요금제": PLANS, "메모": [["비공개"]]}, hidden=("메모",), title="요금 안내"), "plans")
    assert got.title == "요금 안내"
    assert got.text.splitlines() == [
        "요금제",
        "요금제 | 월 요금 | 저장 용량 | 가입일",
        "베이직 | 무료 | 5GB | 2024-03-01",
        "프로 | 19,900 | 2TB | 2024-04-01 12:00",
        "할인율 | 20% |  | TRUE",  # an empty cell keeps the columns in line
    ]
    assert [h.title for h in got.headings] == ["요금제"] and "비공개" not in got.text  # a hidden sheet is left out
    (start, end), *_ = got.tables
    assert got.text[start:end].startswith("요금제 | 월 요금") and got.text[start:end].endswith("TRUE")


def test_a_long_sheet_is_written_as_tables_each_under_its_first_row() -> None:
    rows: list[list[object]] = [["이름", "부서"], *[[f"직원{i}", "개발팀"] for i in range(30)]]
    got = extract_xlsx(workbook({"명단": rows}), "staff")
    pieces = [got.text[a:b].splitlines() for a, b in got.tables]
    assert len(pieces) == 3 and all(p[0] == "이름 | 부서" and len(p) <= ROWS_PER_TABLE + 1 for p in pieces)
    assert [line for p in pieces for line in p[1:]] == [f"직원{i} | 개발팀" for i in range(30)]


def test_csv_and_tsv_are_one_table_under_their_title() -> None:
    got = extract_delimited('지역,매출 비중\n수도권,55%\n\n"호남, 제주",12%\n', "지역별")
    assert got.title == "지역별" and got.headings == []
    assert got.text.splitlines() == ["지역 | 매출 비중", "수도권 | 55%", "호남, 제주 | 12%"]
    assert got.tables == [(0, len(got.text))]
    assert extract_delimited("a\tb\n1\t2\n", "t", "\t").text == "a | b\n1 | 2"
    assert extract_delimited("할 일\n장보기\n", "list").tables == []  # one column: its lines


def test_a_csv_cut_by_semicolons_is_read_by_them() -> None:
    """European Excel saves a .csv with ";"; a file with no "," on its first lines and as many ";"
    on each is read by ";". One "," anywhere there, or ";" as often as not, keeps ","."""
    got = extract_delimited("품목;재고;단가\n볼펜;0개;1,200원\n", "재고")
    assert got.text.splitlines() == ["품목 | 재고 | 단가", "볼펜 | 0개 | 1,200원"]
    assert extract_delimited("품목;재고\n볼펜;0개\n", "재고").text.splitlines() == ["품목 | 재고", "볼펜 | 0개"]
    assert extract_delimited("메모\n회의; 오후 3시\n점심\n", "메모").tables == []
    assert extract_delimited("a|b\n1|2\n", "t", "\t").text == "a | b\n1 | 2"


@pytest.mark.parametrize("raw", [b"not a zip", workbook({})])
def test_a_broken_or_empty_workbook_is_unreadable(raw: bytes) -> None:
    with pytest.raises(Unreadable):
        extract_xlsx(raw, "broken")


def test_spreadsheets_are_read_from_a_folder_and_an_old_excel_file_says_how_to_save_it(tmp_path: Path) -> None:
    (tmp_path / "요금.xlsx").write_bytes(workbook({"요금제": PLANS}))
    (tmp_path / "지역.csv").write_bytes("지역,매출 비중\n수도권,55%\n".encode("cp949"))  # as Korean Excel saves it
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert [p.name for p in iter_corpus_files(tmp_path)] == ["old.xls", "요금.xlsx", "지역.csv"]
    assert "수도권 | 55%" in load_document(tmp_path / "지역.csv", tmp_path).text
    assert "프로 | 19,900" in load_document(tmp_path / "요금.xlsx", tmp_path).text
    with pytest.raises(DocumentReadError, match=r"\.xlsx"):
        load_document(tmp_path / "old.xls", tmp_path)
