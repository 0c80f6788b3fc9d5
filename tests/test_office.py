"""Word (.docx) and 한글 (.hwpx) documents, built here as the programs write them (ZIP archives of XML)."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from compound import compound_file
from conftest import fake_engine_over

from assistant.errors import DocumentReadError
from assistant.ingest.files import load_corpus, load_document
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(path: Path, body: str, *, styles: str = "", title: str = "", numbering: str = "") -> Path:
    """A .docx holding ``body`` (WordprocessingML inside ``<w:body>``)."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document {W}><w:body>{body}</w:body></w:document>")
        if styles:
            z.writestr("word/styles.xml", f"<w:styles {W}>{styles}</w:styles>")
        if numbering:
            z.writestr("word/numbering.xml", f"<w:numbering {W}>{numbering}</w:numbering>")
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


def listed(text: str, num: int, level: int = 0) -> str:
    props = f'<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr></w:pPr>'
    return f"<w:p>{props}<w:r><w:t>{text}</w:t></w:r></w:p>"


def lvl(ilvl: int, fmt: str, text: str, start: int = 1) -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
    )


NUMBERING = (
    '<w:abstractNum w:abstractNumId="0">' + lvl(0, "decimal", "%1.") + lvl(1, "ganada", "%2)") + "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="1">' + lvl(0, "bullet", "\uf0b7") + "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="2">' + lvl(0, "decimal", "제%1조", start=3) + "</w:abstractNum>"
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    '<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>'
    '<w:num w:numId="4"><w:abstractNumId w:val="0"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>'
)


def test_a_word_list_shows_the_numbers_and_bullets_word_shows(tmp_path: Path) -> None:
    """Word writes a list's numbers in numbering.xml, not in the text: they are put back as Word
    shows them (its counting, its formats: 1. 가) •), so a procedure reads as steps."""
    styles = (
        '<w:style w:type="paragraph" w:styleId="Article"><w:name w:val="조문"/>'
        '<w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>'
    )
    body = (
        p("출장비 신청 방법")
        + listed("신청서를 엽니다.", 1)
        + listed("교통비를 적습니다.", 1, 1)
        + listed("숙박비를 적습니다.", 1, 1)
        + listed("팀장에게 보냅니다.", 1)
        + listed("영수증을 붙입니다.", 1, 1)
        + listed("준비물", 2)
        + p("(목적) 이 규정은 출장을 정한다.", "Article")
        + p("(범위) 모든 직원에게 적용한다.", "Article")
        + listed("다섯째부터 셉니다.", 4)
        + p("끝.")
    )
    path = docx(tmp_path / "출장.docx", body, styles=styles, numbering=NUMBERING)
    doc = load_document(path, tmp_path)
    assert doc.text.splitlines() == [
        "출장비 신청 방법",
        "1. 신청서를 엽니다.",
        "가) 교통비를 적습니다.",
        "나) 숙박비를 적습니다.",
        "2. 팀장에게 보냅니다.",
        "가) 영수증을 붙입니다.",  # a level starts again after its parent's next item
        "• 준비물",
        "제3조 (목적) 이 규정은 출장을 정한다.",  # numbered by its style
        "제4조 (범위) 모든 직원에게 적용한다.",
        "5. 다섯째부터 셉니다.",
        "끝.",
    ]
    # the articles Word numbers head their text, as the ones written out do
    assert [h.title for h in doc.headings] == ["제3조 (목적)", "제4조 (범위)"]
    plain = load_document(docx(tmp_path / "plain.docx", listed("번호 없는 목록", 1)), tmp_path)
    assert plain.text == "번호 없는 목록"  # no numbering part: nothing to show


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


def test_a_word_text_box_is_read_once(tmp_path: Path) -> None:
    """Word writes a text box twice, as a drawing and, for older programs, as its VML Fallback: its
    text is read once, on lines of its own."""
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    content = "<w:txbxContent>" + p("상자 안의 안내입니다.") + "</w:txbxContent>"
    anchored = (
        f'<w:p><w:r><w:t>본문 앞부분.</w:t></w:r><w:r><mc:AlternateContent {mc}><mc:Choice Requires="wps">'
        f'<w:drawing><wps:txbx xmlns:wps="urn:wps">{content}</wps:txbx></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:textbox xmlns:v="urn:v">{content}</v:textbox></w:pict></mc:Fallback>'
        "</mc:AlternateContent></w:r></w:p>"
    )
    doc = load_document(docx(tmp_path / "a.docx", anchored + p("끝.")), tmp_path)
    assert doc.text == "본문 앞부분.\n상자 안의 안내입니다.\n끝."


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


def head(level: int, fmt: str, text: str, start: int = 1) -> str:
    return f'<hh:paraHead start="{start}" level="{level}" numFormat="{fmt}">{text}</hh:paraHead>'


def test_a_hangul_list_shows_the_numbers_and_bullets_hangul_shows(tmp_path: Path) -> None:
    """한글 writes a numbered paragraph's number in the header (a paragraph shape's NUMBER heading,
    its numbering's "^1." heads), not in the text: it is put back as 한글 shows it, counted across
    sections; a bullet in a private-use font is shown as •."""
    header = (
        '<hh:refList><hh:numberings><hh:numbering id="1" start="0">'
        + head(1, "DIGIT", "^1.")
        + head(2, "HANGUL_SYLLABLE", "^2)")
        + head(3, "DIGIT", "^N")
        + "</hh:numbering></hh:numberings>"
        '<hh:bullets><hh:bullet id="1" char="\uf06c"/><hh:bullet id="2" char="-"/></hh:bullets>'
        "<hh:paraProperties>"
        '<hh:paraPr id="1"><hh:heading type="NUMBER" idRef="1" level="0"/></hh:paraPr>'
        '<hh:paraPr id="2"><hh:heading type="NUMBER" idRef="1" level="1"/></hh:paraPr>'
        '<hh:paraPr id="3"><hh:heading type="NUMBER" idRef="1" level="2"/></hh:paraPr>'
        '<hh:paraPr id="4"><hh:heading type="BULLET" idRef="1" level="0"/></hh:paraPr>'
        '<hh:paraPr id="5"><hh:heading type="BULLET" idRef="2" level="0"/></hh:paraPr>'
        '<hh:paraPr id="6"><hh:heading type="NONE" idRef="0" level="0"/></hh:paraPr>'
        "</hh:paraProperties></hh:refList>"
    )
    first = (
        hp("신청 절차", para="6")
        + hp("신청서를 씁니다.", para="1")
        + hp("교통비를 적습니다.", para="2")
        + hp("영수증을 붙입니다.", para="3")
        + hp("숙박비를 적습니다.", para="2")
    )
    second = hp("팀장에게 냅니다.", para="1") + hp("준비물", para="4") + hp("사본", para="5")
    path = hwpx(tmp_path / "출장.hwpx", [first, second], header=header)
    doc = load_document(path, tmp_path)
    assert doc.text.splitlines() == [
        "신청 절차",
        "1. 신청서를 씁니다.",
        "가) 교통비를 적습니다.",
        "1.가.1. 영수증을 붙입니다.",  # ^N: the path of levels, ended by a full stop
        "나) 숙박비를 적습니다.",
        "2. 팀장에게 냅니다.",  # counted on in the next section
        "• 준비물",
        "- 사본",
    ]


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


def box(*paragraphs: str, shape: str = "rect") -> str:
    """A drawing object of 한글 holding a text box with ``paragraphs``."""
    return (
        f'<hp:{shape} id="1"><hp:offset x="0" y="0"/><hp:drawText lastWidth="100"><hp:subList>{"".join(paragraphs)}'
        f'</hp:subList><hp:textMargin left="0"/></hp:drawText></hp:{shape}>'
    )


def test_the_text_boxes_of_a_hangul_document_are_read_after_their_paragraph(tmp_path: Path) -> None:
    """A box drawn in the page (a rectangle's or a group's text) holds text of the document, read
    after the paragraph it is anchored in; a header's text is no part of the page's."""
    header = "<hp:ctrl><hp:header><hp:subList>" + hp("머리말 글") + "</hp:subList></hp:header></hp:ctrl>"
    group = "<hp:container>" + box(hp("첫째 상자")) + box(hp("둘째 상자"), shape="ellipse") + "</hp:container>"
    body = (
        f"<hp:p><hp:run>{header}<hp:t>보도자료</hp:t>{box(hp('핵심 내용: 지원금을 두 배로 늘립니다.'))}</hp:run></hp:p>"
        + f"<hp:p><hp:run>{group}</hp:run></hp:p>"
        + hp("본문입니다.")
    )
    doc = load_document(hwpx(tmp_path / "보도.hwpx", [body]), tmp_path)
    assert doc.text.split("\n") == [
        "보도자료",
        "핵심 내용: 지원금을 두 배로 늘립니다.",
        "첫째 상자",
        "둘째 상자",
        "본문입니다.",
    ]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.docx", b"not a zip", "DOCX 파일이 손상되었거나"),
        ("broken.hwpx", b"PK\x03\x04 cut short", "HWPX 파일이 손상되었거나"),
        ("old.hwp", b"\xd0\xcf\x11\xe0 binary", "HWP 파일이 손상되었거나"),
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


def test_an_archive_zipfile_cannot_open_is_skipped_with_its_reason(tmp_path: Path) -> None:
    path = docx(tmp_path / "odd.docx", p("본문입니다."))
    raw = bytearray(path.read_bytes())
    at = raw.find(b"PK\x01\x02")  # the central directory's first entry: the version needed to extract it
    raw[at + 6 : at + 8] = struct.pack("<H", 255)
    path.write_bytes(bytes(raw))
    with pytest.raises(DocumentReadError, match="DOCX 파일이 손상되었거나"):
        load_document(path, tmp_path)
    cut = docx(tmp_path / "cut.docx", p("본문입니다. " * 2000))  # its body's data cut short
    raw = bytearray(cut.read_bytes())
    start = raw.find(b"word/document.xml") + len("word/document.xml")
    cut.write_bytes(bytes(raw[: start + 40]) + bytes(raw[start + 40 + 400 :]))
    with pytest.raises(DocumentReadError, match="DOCX 파일"):
        load_document(cut, tmp_path)


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
    hwp(corpus / "숙박.hwp", [paragraph("숙박비는 하루 10만 원까지 지원합니다.")])
    engine = fake_engine_over(corpus, settings, analyzer)
    answer = engine.ask("출장비 청구")
    assert answer.citations[0].doc_id == "출장.hwpx" and answer.citations[0].title == "출장 안내"
    assert "출장비는 영수증을 붙여 청구합니다." in answer.summary
    lodging = engine.ask("숙박비 지원")
    assert lodging.citations[0].doc_id == "숙박.hwp" and "숙박비는 하루 10만 원까지 지원합니다." in lodging.summary
    leave = engine.ask("연차 휴가 신청")
    assert leave.citations[0].doc_id == "휴가.docx" and leave.citations[0].section == "휴가 규정"


def record(tag: int, body: bytes, level: int = 0) -> bytes:
    """One HWP record: its header (tag, level, size; a size of 4,095 or more follows it) and body."""
    if len(body) < 0xFFF:
        return struct.pack("<I", tag | level << 10 | len(body) << 20) + body
    return struct.pack("<II", tag | level << 10 | 0xFFF << 20, len(body)) + body


def paragraph(text: str, level: int = 0) -> bytes:
    """A paragraph's header and text records; "\\x0b" in ``text`` stands for an object (a table: 8 code units)."""
    units = b""
    for ch in text:
        if ch == "\x0b":
            units += struct.pack("<8H", 11, ord("t"), ord("b"), ord("l"), ord(" "), 0, 0, 11)
        else:
            units += ch.encode("utf-16-le")
    return record(66, b"\0" * 22, level) + record(67, units + struct.pack("<H", 13), level)


def hwp(path: Path, sections: list[bytes], *, flags: int = 1, summary: bytes = b"") -> Path:
    """A .hwp (HWP 5.0) holding ``sections`` of records, compressed when ``flags`` says so (bit 0)."""
    header = b"HWP Document File".ljust(32, b"\0") + struct.pack("<II", 0x05000300, flags) + b"\0" * 216
    streams = {"FileHeader": header, "DocInfo": b""}
    for n, body in enumerate(sections):
        if flags & 1:
            packer = zlib.compressobj(wbits=-15)
            body = packer.compress(body) + packer.flush()
        streams[f"BodyText/Section{n}"] = body
    if summary:
        streams["\x05HwpSummaryInformation"] = summary
    path.write_bytes(compound_file(streams))
    return path


def summary_information(title: str) -> bytes:
    """A property set stream (as 한글's HwpSummaryInformation) holding ``title`` as property 2."""
    text = (title + "\0").encode("utf-16-le")
    value = struct.pack("<II", 0x1F, len(title) + 1) + text.ljust(-(-len(text) // 4) * 4, b"\0")  # VT_LPWSTR
    section = struct.pack("<IIII", 16 + len(value), 1, 2, 16) + value
    fmtid = bytes.fromhex("e0859ff2f94f6810ab9108002b27b3d9")
    return (
        struct.pack("<HHI", 0xFFFE, 0, 0) + b"\0" * 16 + struct.pack("<I", 1) + fmtid + struct.pack("<I", 48) + section
    )


def test_a_hwp_document_gives_the_text_of_its_paragraphs(tmp_path: Path) -> None:
    long = "가" * 2100  # 4,200 bytes: a record whose size follows its header
    first = paragraph("출장 규정") + paragraph("출장은 미리\n신청합니다.\x0b") + paragraph("출장비", level=2)
    second = paragraph(long) + paragraph("끝\U0001f600")  # a character beyond the BMP: a surrogate pair
    for flags in (0, 1):  # stored, and compressed as 한글 writes by default
        path = hwp(tmp_path / f"출장{flags}.hwp", [first, second], flags=flags, summary=b"not a property set")
        doc = load_document(path, tmp_path)
        assert doc.text == f"출장 규정\n출장은 미리\n신청합니다.\n출장비\n{long}\n끝\U0001f600"
        assert doc.title == f"출장{flags}"  # the summary could not be read: the file's name
    titled = hwp(tmp_path / "b.hwp", [paragraph("본문입니다.")], summary=summary_information("출장 안내"))
    assert load_document(titled, tmp_path).title == "출장 안내"
    protected = hwp(tmp_path / "보호.hwp", [first], flags=0b11)
    with pytest.raises(DocumentReadError, match="보호된 HWP"):
        load_document(protected, tmp_path)
    not_hwp = tmp_path / "other.hwp"
    not_hwp.write_bytes(compound_file({"WordDocument": b"x"}))
    with pytest.raises(DocumentReadError, match=r"HWP 5\.0 문서가 아닙니다"):
        load_document(not_hwp, tmp_path)
