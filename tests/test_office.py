"""Word (.docx) and 한글 (.hwpx) documents, built here as the programs write them (ZIP archives of XML)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import FakeEmbedder

from assistant.answer.engine import Engine
from assistant.errors import DocumentReadError
from assistant.ingest.files import load_corpus, load_document
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(path: Path, body: str, *, styles: str = "", title: str = "") -> Path:
    """A .docx holding ``body`` (WordprocessingML inside ``<w:body>``)."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document {W}><w:body>{body}</w:body></w:document>")
        if styles:
            z.writestr("word/styles.xml", f"<w:styles {W}>{styles}</w:styles>")
        if title:
            z.writestr(
                "docProps/core.xml",
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
                f' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></cp:coreProperties>',
            )
    return path


def p(text: str, style: str = "") -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{props}<w:r><w:t>{text}</w:t></w:r></w:p>"


HEADING_STYLES = (
    '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/>'
    '<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="a"><w:name w:val="Normal"/></w:style>'
)


def test_a_word_document_gives_its_paragraphs_headings_and_tables(tmp_path: Path) -> None:
    body = (
        p("연차 휴가 규정", "1")
        + p("신청 방법", "Heading2")
        + "<w:p><w:r><w:t>휴가는 사흘 전에</w:t></w:r><w:r><w:tab/><w:t>신청합니다.</w:t></w:r></w:p>"
        + "<w:p><w:r><w:delText>지운 글</w:delText><w:instrText>PAGE</w:instrText><w:t>승인은 팀장이 합니다.</w:t></w:r></w:p>"
        + "<w:tbl><w:tr><w:tc>"
        + p("구분")
        + "</w:tc><w:tc>"
        + p("일수")
        + "</w:tc></w:tr><w:tr><w:tc>"
        + p("연차")
        + "</w:tc><w:tc>"
        + p("15일")
        + "</w:tc></w:tr></w:tbl>"
        + p("끝.", "a")
    )
    path = docx(tmp_path / "규정.docx", body, styles=HEADING_STYLES)
    doc = load_document(path, tmp_path)
    assert doc.text == (
        "연차 휴가 규정\n신청 방법\n휴가는 사흘 전에 신청합니다.\n승인은 팀장이 합니다.\n구분 | 일수\n연차 | 15일\n끝."
    )
    assert [(h.level, h.title, doc.text[h.start : h.end]) for h in doc.headings] == [
        (1, "연차 휴가 규정", "연차 휴가 규정"),
        (2, "신청 방법", "신청 방법"),
    ]
    assert [doc.text[a:b] for a, b in doc.tables] == ["구분 | 일수\n연차 | 15일"]
    assert doc.title == "연차 휴가 규정"  # no title in its properties: its first heading
    titled = load_document(docx(tmp_path / "b.docx", p("본문입니다."), title="인사 규정"), tmp_path)
    assert (titled.title, titled.text) == ("인사 규정", "본문입니다.")


HP = 'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph"'
HH = 'xmlns:hh="http://www.hancom.co.kr/hwpml/2011/head"'


def hwpx(path: Path, sections: list[str], *, header: str = "", title: str = "") -> Path:
    """A .hwpx holding ``sections`` (OWPML paragraphs inside ``<hs:sec>``)."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/hwp+zip")
        for n, body in enumerate(sections):
            z.writestr(f"Contents/section{n}.xml", f'<hs:sec xmlns:hs="urn:hs" {HP}>{body}</hs:sec>')
        if header:
            z.writestr("Contents/header.xml", f"<hh:head {HH}>{header}</hh:head>")
        z.writestr(
            "Contents/content.hpf",
            f'<opf:package xmlns:opf="http://www.idpf.org/2007/opf/"><opf:metadata><opf:title>{title}</opf:title>'
            "</opf:metadata></opf:package>",
        )
    return path


def hp(text: str, style: str = "0", para: str = "0") -> str:
    return f'<hp:p styleIDRef="{style}" paraPrIDRef="{para}"><hp:run><hp:t>{text}</hp:t></hp:run></hp:p>'


def test_a_hangul_document_gives_its_sections_headings_and_tables(tmp_path: Path) -> None:
    header = (
        '<hh:styles><hh:style id="0" name="바탕글" engName="Normal"/><hh:style id="2" name="개요 1" engName="Outline 1"/>'
        "</hh:styles>"
        '<hh:paraProperties><hh:paraPr id="7"><hh:heading type="OUTLINE" level="1"/></hh:paraPr></hh:paraProperties>'
    )
    table = (
        '<hp:p styleIDRef="0" paraPrIDRef="0"><hp:run><hp:t>아래 표와 같습니다.</hp:t>'
        "<hp:tbl><hp:tr><hp:tc><hp:subList>" + hp("구분") + "</hp:subList></hp:tc>"
        "<hp:tc><hp:subList>" + hp("금액") + "</hp:subList></hp:tc></hp:tr>"
        "<hp:tr><hp:tc><hp:subList>" + hp("출장비") + "</hp:subList></hp:tc>"
        "<hp:tc><hp:subList>" + hp("5만 원") + "</hp:subList></hp:tc></hp:tr></hp:tbl></hp:run></hp:p>"
    )
    first = (
        hp("출장 규정", style="2")
        + hp("신청", para="7")
        + "<hp:p><hp:run><hp:t>출장은 미리<hp:lineBreak/>신청합니다.</hp:t></hp:run><hp:linesegarray/></hp:p>"
        + table
    )
    path = hwpx(tmp_path / "출장.hwpx", [first, hp("둘째 구역의 글입니다.")], header=header, title="출장 안내")
    doc = load_document(path, tmp_path)
    assert doc.text == (
        "출장 규정\n신청\n출장은 미리\n신청합니다.\n아래 표와 같습니다.\n구분 | 금액\n출장비 | 5만 원\n둘째 구역의 글입니다."
    )
    assert [(h.level, h.title) for h in doc.headings] == [(1, "출장 규정"), (2, "신청")]
    assert [doc.text[a:b] for a, b in doc.tables] == ["구분 | 금액\n출장비 | 5만 원"]
    assert doc.title == "출장 안내"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.docx", b"not a zip", "DOCX 파일이 손상되었거나"),
        ("broken.hwpx", b"PK\x03\x04 cut short", "HWPX 파일이 손상되었거나"),
        ("old.hwp", b"\xd0\xcf\x11\xe0 binary", ".hwpx나 PDF로 저장해 주세요"),
        ("old.doc", b"\xd0\xcf\x11\xe0 binary", ".docx나 PDF로 저장해 주세요"),
    ],
)
def test_a_broken_or_binary_office_file_is_skipped_with_its_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    (tmp_path / name).write_bytes(content)
    docx(tmp_path / "ok.docx", p("읽을 수 있는 문서입니다."))
    with pytest.raises(DocumentReadError, match=reason):
        load_document(tmp_path / name, tmp_path)
    docs, skipped = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["ok.docx"]
    assert [(s.path.endswith(name), reason in s.reason) for s in skipped] == [(True, True)]


def test_a_word_archive_without_its_body_is_skipped(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "empty.docx", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(DocumentReadError, match="본문"):
        load_document(tmp_path / "empty.docx", tmp_path)


def test_a_folder_of_office_documents_is_searched_and_cited(
    tmp_path: Path, settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    corpus = tmp_path / "office"
    corpus.mkdir()
    docx(corpus / "휴가.docx", p("휴가 규정", "1") + p("연차 휴가는 사흘 전에 신청합니다."), styles=HEADING_STYLES)
    hwpx(corpus / "출장.hwpx", [hp("출장비는 영수증을 붙여 청구합니다.")], title="출장 안내")
    update = {"corpus_dir": corpus, "index_dir": tmp_path / "index", "abstain": False}
    engine = Engine(settings.model_copy(update=update), embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    answer = engine.ask("출장비 청구")
    assert answer.citations[0].doc_id == "출장.hwpx" and answer.citations[0].title == "출장 안내"
    assert "출장비는 영수증을 붙여 청구합니다." in answer.summary
    leave = engine.ask("연차 휴가 신청")
    assert leave.citations[0].doc_id == "휴가.docx" and leave.citations[0].section == "휴가 규정"
