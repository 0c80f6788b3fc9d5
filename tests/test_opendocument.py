"""OpenDocument text (.odt), built here as LibreOffice and 한글 write it (a ZIP archive of XML parts)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import fake_engine_over

from assistant.errors import DocumentReadError
from assistant.ingest.files import load_corpus, load_document
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer

NS = (
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)

#: A numbered list style (1. then 가)) and a bulleted one, as automatic styles of the content.
LIST_STYLES = (
    '<text:list-style style:name="L1">'
    '<text:list-level-style-number text:level="1" style:num-format="1" style:num-suffix="."/>'
    '<text:list-level-style-number text:level="2" style:num-format="가" style:num-suffix=")"/>'
    "</text:list-style>"
    '<text:list-style style:name="L2"><text:list-level-style-bullet text:level="1" text:bullet-char="●"/>'
    "</text:list-style>"
)


def odt(path: Path, body: str, *, styles: str = "", title: str = "", automatic: str = "", kind: str = "text") -> Path:
    """An OpenDocument file whose body (inside ``office:text``, or the ``kind`` given) is ``body``;
    ``automatic`` the content's automatic styles, ``styles`` the common styles of styles.xml."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", f"application/vnd.oasis.opendocument.{kind}")
        z.writestr(
            "content.xml",
            f"<office:document-content {NS}><office:automatic-styles>{automatic}</office:automatic-styles>"
            f"<office:body><office:{kind}>{body}</office:{kind}></office:body></office:document-content>",
        )
        if styles:
            z.writestr(
                "styles.xml",
                f"<office:document-styles {NS}><office:styles>{styles}</office:styles></office:document-styles>",
            )
        if title:
            z.writestr(
                "meta.xml",
                f"<office:document-meta {NS}><office:meta><dc:title>{title}</dc:title></office:meta>"
                "</office:document-meta>",
            )
    return path


def p(text: str) -> str:
    return f"<text:p>{text}</text:p>"


def h(text: str, level: int) -> str:
    return f'<text:h text:outline-level="{level}">{text}</text:h>'


def items(*texts: str, style: str = "", start: str = "") -> str:
    named = f' text:style-name="{style}"' if style else ""
    return (
        f"<text:list{named}>" + "".join(f"<text:list-item{start}>{t}</text:list-item>" for t in texts) + "</text:list>"
    )


def test_an_opendocument_text_gives_its_headings_paragraphs_lists_and_tables(tmp_path: Path) -> None:
    body = (
        h("제1장 총칙", 1)
        # the table of contents repeats the headings; a footnote's body would break its sentence
        + "<text:table-of-content><text:index-body><text:p>제1장 총칙 1</text:p></text:index-body></text:table-of-content>"
        + '<text:p>출장비는 <text:span>영수증</text:span>을 붙여<text:s text:c="2"/>청구합니다.'
        "<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>각주</text:p></text:note-body>"
        "</text:note></text:p>"
        + '<text:section text:name="s1">'
        + h("신청 절차", 2)
        + items(
            p("신청서를 작성합니다."),
            p("팀장 승인을 받습니다.") + p("승인은 메일로 옵니다."),  # an item's second paragraph: no number
            p("정산합니다.") + items(p("교통비"), p("숙박비")),  # nested: the style's second level
            style="L1",
        )
        + "</text:section>"
        + items(p("해외 출장은 별도"), style="L2")
        + items(p("번호 없는 목록"))  # no style known: a bullet
        + '<table:table table:name="T"><table:table-column/><table:table-header-rows><table:table-row>'
        "<table:table-cell><text:p>구분</text:p></table:table-cell><table:table-cell><text:p>한도</text:p>"
        "</table:table-cell></table:table-row></table:table-header-rows><table:table-row><table:table-cell>"
        "<text:p>숙박</text:p></table:table-cell><table:covered-table-cell/><table:table-cell><text:p>10만 원"
        "</text:p></table:table-cell></table:table-row></table:table>"
    )
    doc = load_document(odt(tmp_path / "출장.odt", body, automatic=LIST_STYLES), tmp_path)
    assert doc.text.split("\n") == [
        "제1장 총칙",
        "출장비는 영수증을 붙여 청구합니다.",
        "신청 절차",
        "1. 신청서를 작성합니다.",
        "2. 팀장 승인을 받습니다.",
        "승인은 메일로 옵니다.",
        "3. 정산합니다.",
        "가) 교통비",
        "나) 숙박비",
        "● 해외 출장은 별도",
        "• 번호 없는 목록",
        "구분 | 한도",
        "숙박 |  | 10만 원",
    ]
    assert [(x.level, x.title) for x in doc.headings] == [(1, "제1장 총칙"), (2, "신청 절차")]
    assert [doc.text[a:b] for a, b in doc.tables] == ["구분 | 한도\n숙박 |  | 10만 원"]
    assert doc.title == "제1장 총칙"  # no title in its metadata: its first heading
    titled = load_document(odt(tmp_path / "b.odt", p("본문입니다."), title="인사 규정"), tmp_path)
    assert (titled.title, titled.text) == ("인사 규정", "본문입니다.")


def test_a_list_counts_from_where_its_style_or_its_item_says(tmp_path: Path) -> None:
    """A list style in styles.xml, its start value, an item that restarts the count, a header item
    (no number), and number formats written as the style writes them."""
    styles = (
        '<text:list-style style:name="Steps"><text:list-level-style-number text:level="1" style:num-format="i"'
        ' style:num-prefix="(" style:num-suffix=")" text:start-value="3"/></text:list-style>'
        '<text:list-style style:name="Circled"><text:list-level-style-number text:level="1" style:num-format="①"/>'
        "</text:list-style>"
    )
    body = (
        '<text:list text:style-name="Steps"><text:list-header><text:p>준비물</text:p></text:list-header>'
        "<text:list-item><text:p>셋째</text:p></text:list-item><text:list-item><text:p>넷째</text:p></text:list-item>"
        '<text:list-item text:start-value="9"><text:p>아홉째</text:p></text:list-item></text:list>'
        + items(p("동그라미"), p("둘"), style="Circled")
    )
    doc = load_document(odt(tmp_path / "a.odt", body, styles=styles), tmp_path)
    assert doc.text.split("\n") == ["준비물", "(iii) 셋째", "(iv) 넷째", "(ix) 아홉째", "① 동그라미", "② 둘"]


def cell(text: str = "", repeat: int = 0) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat else ""
    return f"<table:table-cell{repeated}>{p(text) if text else ''}</table:table-cell>"


def test_a_spreadsheet_gives_each_sheet_as_a_table_under_its_name(tmp_path: Path) -> None:
    """Cells as they are shown (the file keeps that text: "1,200", "20%"), a repeated cell written out,
    and a sheet's empty tail, repeated a thousand times, left out."""
    rows = (
        "<table:table-row>" + cell("지점") + cell("매출") + cell("비중") + "</table:table-row>"
        "<table:table-row>" + cell("서울") + cell("1,200") + cell("60%") + "</table:table-row>"
        "<table:table-row>" + cell("부산") + cell("800", repeat=2) + cell(repeat=1020) + "</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048570">' + cell(repeat=1024) + "</table:table-row>"
    )
    body = f'<table:table table:name="지점별 매출">{rows}</table:table><table:table table:name="빈 시트"/>'
    doc = load_document(odt(tmp_path / "매출.ods", body, kind="spreadsheet", title="2025 실적"), tmp_path)
    assert doc.text == "지점별 매출\n지점 | 매출 | 비중\n서울 | 1,200 | 60%\n부산 | 800 | 800"
    assert [(h.level, h.title) for h in doc.headings] == [(1, "지점별 매출")]
    assert doc.title == "2025 실적" and len(doc.tables) == 1


def frame(kind: str, inside: str) -> str:
    return f'<draw:frame presentation:class="{kind}"><draw:text-box>{inside}</draw:text-box></draw:frame>'


def test_a_presentation_gives_its_pages_under_their_titles_with_their_notes(tmp_path: Path) -> None:
    first = (
        '<draw:page draw:name="page1">'
        + frame("title", p("추진 배경"))
        + frame("outline", items(p("인력 부족"), p("예산 부족"), style="L1"))
        + frame("page-number", p("1"))
        + "<draw:g><draw:custom-shape><text:p>도형 속 글</text:p></draw:custom-shape></draw:g>"
        + "<presentation:notes>"
        + frame("notes", p("예산을 강조할 것."))
        + "</presentation:notes></draw:page>"
    )
    second = '<draw:page draw:name="page2"><draw:frame><table:table><table:table-row>' + cell("분기") + cell("예산")
    second += "</table:table-row></table:table></draw:frame></draw:page>"
    doc = load_document(
        odt(tmp_path / "발표.odp", first + second, kind="presentation", automatic=LIST_STYLES), tmp_path
    )
    assert doc.text.split("\n") == [
        "추진 배경",
        "1. 인력 부족",
        "2. 예산 부족",
        "도형 속 글",
        "발표자 노트:",
        "예산을 강조할 것.",
        "슬라이드 2",
        "분기 | 예산",
    ]
    assert [(h.level, h.title) for h in doc.headings] == [(1, "추진 배경"), (1, "슬라이드 2")]
    assert doc.title == "추진 배경"


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"not a zip", "ODT 파일이 손상되었거나"), (b"PK\x05\x06" + b"\0" * 18, "본문")],
)
def test_a_broken_opendocument_text_is_skipped_with_its_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    (tmp_path / "bad.odt").write_bytes(content)  # the second: an empty archive, no content.xml
    odt(tmp_path / "ok.odt", p("읽을 수 있는 문서입니다."))
    with pytest.raises(DocumentReadError, match=reason):
        load_document(tmp_path / "bad.odt", tmp_path)
    docs, skipped = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["ok.odt"]
    assert [(s.path.endswith("bad.odt"), reason in s.reason) for s in skipped] == [(True, True)]


def test_an_opendocument_text_is_searched_and_cited_by_its_heading(
    tmp_path: Path, settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    corpus = tmp_path / "odf"
    corpus.mkdir()
    odt(corpus / "보안.odt", h("보안 수칙", 1) + p("노트북은 퇴근할 때 잠금 서랍에 보관합니다."), title="정보보안 지침")
    odt(corpus / "복지.odt", h("복지 제도", 1) + p("건강검진은 매년 10월에 받습니다."))
    engine = fake_engine_over(corpus, settings, analyzer)
    answer = engine.ask("노트북 보관 보안 수칙")
    top = answer.citations[0]
    assert (top.doc_id, top.title, top.section) == ("보안.odt", "정보보안 지침", "보안 수칙")
    assert "노트북은 퇴근할 때 잠금 서랍에 보관합니다." in answer.summary
