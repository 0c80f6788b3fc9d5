"""Unit tests of the corpus loaders: decoding, structure recovery and error handling."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from pathlib import Path

import pytest

from assistant.errors import CorpusError, DocumentReadError
from assistant.ingest.documents import Document, Heading
from assistant.ingest.files import SUPPORTED_SUFFIXES, iter_corpus_files, load_corpus, load_document
from assistant.ingest.pdf import without_running_lines
from assistant.text.chunking import sections_of

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ONE_TEAM = next(CORPUS.glob("한국의_AI_원팀*.txt"), None) if CORPUS.is_dir() else None
GLOBAL_GAP = next(CORPUS.glob("글로벌_AI_투자*.txt"), None) if CORPUS.is_dir() else None

KOREAN = "한국어 문서입니다.\n두 번째 줄입니다."


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def load(path: Path) -> Document:
    return load_document(path, path.parent)


def outline(doc: Document) -> list[tuple[int, str]]:
    return [(h.level, h.title) for h in doc.headings]


def assert_offsets(doc: Document) -> None:
    for heading in doc.headings:
        assert doc.text[heading.start : heading.end] == heading.title


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A minimal valid PDF: one Helvetica text stream per page, ASCII lines."""
    n_pages = len(pages)
    font = 3 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode()]
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 14 Tf", "72 720 Td", "16 TL", *(f"({line}) Tj T*" for line in lines), "ET"]
        stream = "\n".join(ops).encode("ascii")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    if title is not None:
        objects.append(b"<< /Title (%s) >>" % title.encode("ascii"))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info = b" /Info %d 0 R" % len(objects) if title is not None else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, info, xref)
    return bytes(out)


# ---------------------------------------------------------------------------
# Decoding and normalization


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8", KOREAN),
        ("utf-8-sig", KOREAN),
        ("cp949", "똠방각하의 문서입니다.\n뷁 같은 글자도 있습니다."),  # not in EUC-KR, only in CP949
        ("euc-kr", KOREAN),
        ("utf-16", KOREAN),  # with BOM, native byte order
        ("utf-16-le", KOREAN),  # BOM added below
        ("utf-16-be", KOREAN),
    ],
)
def test_text_encodings_decode_to_the_same_text(tmp_path: Path, encoding: str, text: str) -> None:
    raw = text.encode(encoding)
    if encoding == "utf-16-le":
        raw = b"\xff\xfe" + raw
    elif encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    doc = load(write(tmp_path / "doc.txt", raw))
    assert doc.text == text
    assert not doc.text.startswith("\ufeff")


def test_cp949_text_is_not_decodable_as_euc_kr_but_loads(tmp_path: Path) -> None:
    raw = "똠".encode("cp949")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("euc-kr")
    assert load(write(tmp_path / "a.txt", raw + " 문서".encode("cp949"))).text == "똠 문서"


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    doc = load(write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + "제목\n\n본문입니다.".encode()))
    assert doc.text == "제목\n\n본문입니다."
    assert doc.headings == [Heading(1, "제목", 0, 2)]


def test_nfd_input_comes_out_nfc(tmp_path: Path) -> None:
    nfc = "한국어 정규화\n\n가나다라 문장입니다."
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    doc = load(write(tmp_path / "nfd.txt", nfd))
    assert doc.text == nfc
    assert doc.headings == [Heading(1, "한국어 정규화", 0, 7)]


def test_crlf_and_cr_become_lf(tmp_path: Path) -> None:
    doc = load(write(tmp_path / "crlf.txt", "첫 줄\r\n\r\n둘째 줄입니다.\r셋째 줄입니다.\r\n"))
    assert doc.text == "첫 줄\n\n둘째 줄입니다.\n셋째 줄입니다.\n"
    assert outline(doc) == [(1, "첫 줄")]


def test_document_identity_fields(tmp_path: Path) -> None:
    raw = "내용입니다.".encode()
    path = write(tmp_path / "sub" / "dir" / "my_notes.txt", raw)
    doc = load_document(path, tmp_path)
    assert doc.doc_id == "sub/dir/my_notes.txt"
    assert doc.path == str(path)
    assert doc.title == "my notes"
    assert doc.fingerprint == hashlib.sha256(raw).hexdigest()
    assert doc.mtime == path.stat().st_mtime


# ---------------------------------------------------------------------------
# Markdown


MARKDOWN = """# 프로젝트 소개 #

본문 문단입니다.

## 설치 방법

```bash
# 주석이지 제목이 아님
pip install x
```

### 세부 사항

| 항목 | 값 |
|------|----|
| 속도 | 빠름 |

#해시태그는 제목이 아님
"""


def test_markdown_headings_title_and_table(tmp_path: Path) -> None:
    doc = load(write(tmp_path / "readme.md", MARKDOWN))
    assert doc.text == MARKDOWN
    assert doc.title == "프로젝트 소개"
    assert outline(doc) == [(1, "프로젝트 소개"), (2, "설치 방법"), (3, "세부 사항")]
    assert doc.headings[0] == Heading(1, "프로젝트 소개", 2, 9)
    assert_offsets(doc)
    table = "| 항목 | 값 |\n|------|----|\n| 속도 | 빠름 |"
    start = MARKDOWN.index(table)
    assert doc.tables == [(start, start + len(table))]


def test_markdown_without_h1_uses_stem_and_upper_case_suffix(tmp_path: Path) -> None:
    doc = load(write(tmp_path / "notes_v2.MARKDOWN", "## 부제목\n\n내용입니다.\n"))
    assert doc.title == "notes_v2"
    assert outline(doc) == [(2, "부제목")]
    assert doc.tables == []


# ---------------------------------------------------------------------------
# HTML


HTML = """<!DOCTYPE html>
<html><head><title> 검색  도우미 문서 </title>
<style>body { color: red; }</style>
<script>var secret = "스크립트 내용";</script></head>
<body>
<!-- 주석 내용 -->
<h1>인공지능   개요</h1>
<p>첫 번째   <b>문단</b>입니다.<br>다음 줄입니다.</p>
<noscript>자바스크립트를 켜세요</noscript>
<div hidden>숨은 내용</div>
<h2>비교 표</h2>
<table>
  <tr><th>구분</th><th>한국</th><th>미국</th></tr>
  <tr><td>자본</td><td>부족</td><td>풍부</td></tr>
  <tr><td>인재</td><td></td><td>많음</td></tr>
  <tr><td>규제</td><td>강함</td><td> </td></tr>
  <tr><td></td><td></td></tr>
</table>
<ul><li>항목 하나</li><li>항목 둘</li></ul>
<svg><title>그림 제목</title><text>그림 글자</text></svg>
</body></html>
"""


HTML_LISTS = """<html><body>
<h2>흑백으로 인쇄</h2>
<ol>
  <li><p><b>파일 - 인쇄</b>를 선택합니다.</p></li>
  <li><p>속성을 클릭하십시오.</p><p>프린터 속성 대화 상자가 나타납니다.</p></li>
  <li>확인을 누릅니다.<ul><li>흑백</li><li>회색조</li></ul></li>
</ol>
<ol start="7"><li>일곱째 단계</li><li value="10">열째 단계</li><li>열한째 단계</li></ol>
<p>목록 밖 문단</p>
</body></html>
"""


def test_html_list_items_keep_their_numbers_and_bullets(tmp_path: Path) -> None:
    """A browser shows an ordered list's numbers and an unordered list's bullets: so does the text,
    on the first line of each item only (its other paragraphs go on from it)."""
    doc = load(write(tmp_path / "steps.html", HTML_LISTS))
    assert doc.text == (
        "흑백으로 인쇄\n"
        "1. 파일 - 인쇄를 선택합니다.\n"
        "2. 속성을 클릭하십시오.\n프린터 속성 대화 상자가 나타납니다.\n"
        "3. 확인을 누릅니다.\n• 흑백\n• 회색조\n"
        "7. 일곱째 단계\n10. 열째 단계\n11. 열한째 단계\n"
        "목록 밖 문단"
    )
    assert_offsets(doc)


def test_html_visible_text_headings_and_table(tmp_path: Path) -> None:
    doc = load(write(tmp_path / "page.html", HTML))
    assert doc.text == (
        "인공지능 개요\n"
        "첫 번째 문단입니다.\n다음 줄입니다.\n"
        "비교 표\n"
        "구분 | 한국 | 미국\n자본 | 부족 | 풍부\n인재 |  | 많음\n규제 | 강함\n"
        "• 항목 하나\n• 항목 둘"
    )
    assert doc.title == "검색 도우미 문서"
    for hidden in ("color: red", "스크립트", "주석", "자바스크립트", "숨은", "그림"):
        assert hidden not in doc.text
    assert doc.headings == [Heading(1, "인공지능 개요", 0, 7), Heading(2, "비교 표", 29, 33)]
    table = "구분 | 한국 | 미국\n자본 | 부족 | 풍부\n인재 |  | 많음\n규제 | 강함"
    start = doc.text.index(table)
    assert doc.tables == [(start, start + len(table))]
    assert_offsets(doc)


def test_html_navigation_between_pages_is_no_text(tmp_path: Path) -> None:
    """A DocBook page's header and footer link the chapters before and after it ("8장. 데비안 패키지
    관리 도구 | | 10장. 데비안 및 커널" was read as a row of a table, and shown as an answer); a
    ``<nav>`` menu and an element of the navigation role are no text either."""
    page = (
        '<html><body><div class="navheader"><table><tr><td><a href="a.html">이전</a></td><td>9장. 최신으로 유지하기</td>'
        "<td><a href='c.html'>다음</a></td></tr></table></div>"
        "<nav><ul><li>홈</li><li>소개</li></ul></nav><div role='navigation'>처음으로</div>"
        "<h1>10장. 커널</h1><p>커널을 새로 만드는 방법입니다.</p>"
        '<div class="navfooter"><table><tr><td>8장. 패키지 관리 도구</td><td></td><td>11장. 커스터마이징</td></tr>'
        "</table></div></body></html>"
    )
    doc = load(write(tmp_path / "kernel.html", page))
    assert doc.text == "10장. 커널\n커널을 새로 만드는 방법입니다."
    assert doc.tables == []
    assert_offsets(doc)


def test_html_title_falls_back_to_h1_then_stem(tmp_path: Path) -> None:
    with_h1 = load(write(tmp_path / "a.htm", "<html><body><h1>첫 제목</h1><p>본문</p></body></html>"))
    assert with_h1.title == "첫 제목"
    bare = load(write(tmp_path / "plain_page.HTML", "<p>본문만 있습니다.</p>"))
    assert bare.title == "plain_page"
    assert bare.text == "본문만 있습니다."
    assert bare.headings == []


def test_html_in_cp949_is_decoded(tmp_path: Path) -> None:
    html = '<html><head><meta charset="euc-kr"><title>한글 페이지</title></head><body><p>안녕하세요.</p></body></html>'
    doc = load(write(tmp_path / "old.html", html.encode("euc-kr")))
    assert doc.title == "한글 페이지"
    assert doc.text == "안녕하세요."


# ---------------------------------------------------------------------------
# PDF


def test_pdf_text_and_metadata_title(tmp_path: Path) -> None:
    raw = make_pdf([["Hello PDF world", "Second line here."]], title="Quarterly Report")
    doc = load(write(tmp_path / "report.pdf", raw))
    assert doc.text == "Hello PDF world\nSecond line here.\n"
    assert doc.title == "Quarterly Report"
    assert doc.fingerprint == hashlib.sha256(raw).hexdigest()
    assert doc.tables == []


def test_pdf_without_metadata_uses_stem_and_joins_pages(tmp_path: Path) -> None:
    doc = load(write(tmp_path / "annual_summary.pdf", make_pdf([["Overview"], ["Sales grew this year."]])))
    assert doc.title == "annual_summary"
    assert doc.text == "Overview\n\n\nSales grew this year.\n"
    assert doc.headings == [Heading(1, "Overview", 0, 8)]


def test_broken_pdf_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "broken.pdf", b"%PDF-1.4\nthis is not really a pdf")
    write(tmp_path / "ok.txt", "정상 문서입니다.")
    docs, skipped = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["ok.txt"]
    assert len(skipped) == 1
    assert skipped[0].path == str(tmp_path / "broken.pdf")
    assert skipped[0].reason.startswith("손상된 PDF")


# ---------------------------------------------------------------------------
# Unreadable files


def test_binary_file_with_txt_suffix_is_skipped_and_others_load(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "첫 문서입니다.")
    write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(tmp_path / "z.md", "# 마지막\n")
    docs, skipped = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["a.txt", "z.md"]
    assert [(s.path, s.reason.split(",")[0]) for s in skipped] == [
        (str(tmp_path / "image.txt"), "텍스트가 아닌 바이너리 파일입니다(.txt")
    ]


def test_many_control_characters_without_nul_is_binary(tmp_path: Path) -> None:
    path = write(tmp_path / "ctrl.txt", b"\x01\x02\x03\x04abc\x05\x06\x07\x08" * 20)
    with pytest.raises(DocumentReadError, match="바이너리 파일"):
        load(path)


def test_undecodable_bytes_are_skipped_with_the_encodings_tried(tmp_path: Path) -> None:
    write(tmp_path / "bad.txt", b"abc \xff\xfe\xff def")
    write(tmp_path / "good.txt", "좋은 문서입니다.")
    docs, skipped = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["good.txt"]
    assert len(skipped) == 1
    assert skipped[0].reason == "텍스트를 읽을 수 없습니다(UTF-8, CP949/EUC-KR로 시도함). UTF-8로 저장하세요"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    locked = write(tmp_path / "locked.txt", "비밀 문서입니다.")
    write(tmp_path / "open.txt", "공개 문서입니다.")
    locked.chmod(0)
    try:
        docs, skipped = load_corpus(tmp_path)
    finally:
        locked.chmod(0o644)
    assert [d.doc_id for d in docs] == ["open.txt"]
    assert [(s.path, s.reason) for s in skipped] == [(str(locked), "읽을 권한이 없습니다")]


def test_permission_error_becomes_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same path as the test above, reachable when running as root."""
    locked = write(tmp_path / "locked.txt", "비밀 문서입니다.")
    write(tmp_path / "open.txt", "공개 문서입니다.")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    docs, skipped = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["open.txt"]
    assert [(s.path, s.reason) for s in skipped] == [(str(locked), "읽을 권한이 없습니다")]


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "빈 파일입니다"), (b"  \n\t\n", "꺼낸 텍스트가 없습니다(빈 문서)")],
)
def test_empty_documents_raise(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path / "empty.txt", data)
    with pytest.raises(DocumentReadError) as caught:
        load(path)
    assert caught.value.path == str(path)
    assert caught.value.reason == reason


def test_html_without_visible_text_is_empty(tmp_path: Path) -> None:
    path = write(
        tmp_path / "empty.html", "<html><head><title>제목</title></head><body><script>x()</script></body></html>"
    )
    with pytest.raises(DocumentReadError, match="꺼낸 텍스트가 없습니다"):
        load(path)


def test_unsupported_suffix_raises(tmp_path: Path) -> None:
    with pytest.raises(DocumentReadError, match=r"지원하지 않는 파일 형식 \.rtf"):
        load(write(tmp_path / "a.rtf", "내용"))


def test_all_files_failing_returns_only_skipped(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", b"")
    write(tmp_path / "b.txt", b"\x00\x01\x02")
    docs, skipped = load_corpus(tmp_path)
    assert docs == []
    assert [s.reason for s in skipped] == [
        "빈 파일입니다",
        "텍스트가 아닌 바이너리 파일입니다(.txt, .md, .html, .pdf로 바꾸세요)",
    ]


# ---------------------------------------------------------------------------
# Walking the corpus


def test_walk_is_sorted_skips_hidden_and_unsupported(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.md", "a/c.HTM", ".hidden.txt", ".git/config.txt", "notes.docx", "img.png", "A.PDF"]:
        write(tmp_path / name, "x")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_corpus_files(tmp_path)]
    assert found == ["A.PDF", "a/c.HTM", "a/z.md", "b.txt", "notes.docx"]


def test_supported_suffixes() -> None:
    # .doc, .ppt and .xls are found so that they are reported as skipped, with how to save them
    assert {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".hwpx", ".doc", ".hwp"} | {
        ".odt",
        ".ods",
        ".odp",
        ".pptx",
        ".ppt",
        ".xlsx",
        ".xls",
        ".csv",
        ".tsv",
    } == SUPPORTED_SUFFIXES


def test_single_file_root(tmp_path: Path) -> None:
    path = write(tmp_path / "one_file.txt", "하나뿐인 문서입니다.")
    docs, skipped = load_corpus(path)
    assert skipped == []
    assert [(d.doc_id, d.title) for d in docs] == [("one_file.txt", "one file")]


def test_missing_root_raises(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="가 없습니다"):
        load_corpus(tmp_path / "nowhere")


def test_root_without_supported_files_raises(tmp_path: Path) -> None:
    write(tmp_path / "image.png", b"\x89PNG")
    write(tmp_path / ".hidden.txt", "숨김")
    with pytest.raises(
        CorpusError,
        match=r"에 \.txt/\.md/\.html/\.pdf/\.docx/\.hwpx/\.hwp/\.odt/\.odp/\.ods/\.pptx/\.xlsx/\.csv 파일이 없습니다",
    ):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="파일이 없습니다"):
        iter_corpus_files(tmp_path)


# ---------------------------------------------------------------------------
# Plain-text structure


REPORT = """2025년 AI 바우처 지원사업 추진계획

Ⅰ. 추진 배경

□ 중소기업의 AI 도입률은 6.2%로 대기업(25.4%) 대비 현저히 낮은 수준
 ○ 비용 부담과 전문 인력 부족이 도입의 주요 걸림돌로 지적됨
 ○ AI 솔루션 구매·활용 비용을 지원하여 도입 장벽을 낮출 필요

Ⅱ. 사업 개요

□ 지원 대상: AI 솔루션 도입을 희망하는 중소·중견기업 및 소상공인
□ 지원 규모: 총 300억 원, 약 400개 기업
 ○ 일반 기업은 기업당 최대 2억 원, 소상공인은 최대 5천만 원 지원
 ○ 기업 자부담 비율은 20% (소상공인은 10%)
□ 지원 내용: AI 솔루션 구매, 맞춤형 개발, 클라우드 이용료

Ⅲ. 추진 일정
"""


@pytest.mark.parametrize("bullet", ["○", "ㅇ", "❍", "▷"])
def test_a_report_typed_with_any_bullet_keeps_its_items_on_their_lines(tmp_path: Path, bullet: str) -> None:
    """A report typed in 한글 marks its second level with ㅇ as often as with ○ (and with ❍, ▷ …): each
    item is a line of its own, not joined to the line above it as a wrapped sentence would be."""
    doc = load(write(tmp_path / "report.txt", REPORT.replace("○", bullet)))
    assert doc.text.strip().replace(bullet, "○").split("\n") == REPORT.strip().split("\n")


def test_numbered_heading_levels_and_unnumbered_below_them(tmp_path: Path) -> None:
    text = "\n\n".join(
        [
            "서문",
            "제1장 총론",
            "Ⅰ. 배경",
            "1. 개요",
            "현황",
            "1.2 세부 내용",
            "추가 설명",
            "가. 하위 항목",
            "본문 문장입니다.",
        ]
    )
    doc = load(write(tmp_path / "levels.txt", text))
    assert outline(doc) == [
        (1, "서문"),
        (1, "제1장 총론"),
        (1, "Ⅰ. 배경"),
        (1, "1. 개요"),
        (2, "현황"),
        (2, "1.2 세부 내용"),
        (3, "추가 설명"),
        (2, "가. 하위 항목"),
    ]
    assert_offsets(doc)


def test_a_title_opening_a_document_is_above_its_numbered_sections(tmp_path: Path) -> None:
    """A report's first line, over its "Ⅰ. …" sections, heads them all: its words (사업) are in
    the passages of every section, as a Markdown document's "# title" is."""
    text = "\n\n".join(
        [
            "2025년 AI 바우처 지원사업 추진계획",
            "Ⅰ. 추진 배경",
            "□ 중소기업의 AI 도입률은 6.2%로 낮은 수준",
            "Ⅱ. 사업 개요",
            "□ 지원 규모: 총 300억 원",
        ]
    )
    doc = load(write(tmp_path / "plan.txt", text))
    assert outline(doc) == [(0, "2025년 AI 바우처 지원사업 추진계획"), (1, "Ⅰ. 추진 배경"), (1, "Ⅱ. 사업 개요")]
    sections = [s.path for s in sections_of(doc)]
    assert sections == [
        "2025년 AI 바우처 지원사업 추진계획 > Ⅰ. 추진 배경",
        "2025년 AI 바우처 지원사업 추진계획 > Ⅱ. 사업 개요",
    ]
    assert_offsets(doc)


def test_non_headings_are_rejected(tmp_path: Path) -> None:
    text = "\n\n".join(
        [
            "이 문장은 끝났습니다.",
            "질문인가요?",
            "  • 글머리 항목",
            "- 대시 항목",
            "2024. 9. 23.",
            "2024-09-23 21:08",
            "by 글쓴이 2024. 9. 23. 21:08",
            "12,345",
            "https://example.com/page",
            "다음과 같습니다:",
            "가" * 61,
            "  앞뒤 공백 제목  ",
        ]
    )
    doc = load(write(tmp_path / "noise.txt", text))
    assert outline(doc) == [(1, "앞뒤 공백 제목")]
    start = text.index("앞뒤 공백 제목")
    assert doc.headings[0] == Heading(1, "앞뒤 공백 제목", start, start + len("앞뒤 공백 제목"))


def test_heading_glued_below_a_paragraph_before_a_blank_line(tmp_path: Path) -> None:
    text = "첫 문단입니다. \n다음 주제\n  \n다음 주제의 본문입니다.\n마지막 줄 제목 아님"
    doc = load(write(tmp_path / "glued.txt", text))
    assert outline(doc) == [(1, "다음 주제")]
    assert_offsets(doc)


def test_plain_table_run_and_wrapped_prose(tmp_path: Path) -> None:
    table = "항목 값 비고\n속도 빠름 좋음\n비용 낮음 보통"
    prose = "이 문장은 여러 줄에\n걸쳐 줄바꿈이 되어\n있는 평범한\n문단입니다."
    text = f"표 앞 문장입니다.\n{table}\n\n{prose}\n\n두 줄\n뿐인 블록"
    doc = load(write(tmp_path / "tables.txt", text))
    start = text.index(table)
    assert doc.tables == [(start, start + len(table))]
    assert doc.headings == []


# ---------------------------------------------------------------------------
# The real corpus


@pytest.mark.skipif(ONE_TEAM is None, reason="corpus file not present")
def test_real_corpus_one_team_structure() -> None:
    assert ONE_TEAM is not None
    doc = load_document(ONE_TEAM, CORPUS)
    assert doc.doc_id == ONE_TEAM.name
    assert doc.title == "한국의 AI 원팀 전략과 해외 AI 동맹 비교"
    page_title = "한국의 AI 원팀 전략과 해외 글로벌 AI 전략 비교 : 나아갈 방향"
    assert outline(doc) == [
        (1, "상세 컨텐츠"),
        (1, "본문 제목"),
        (1, page_title),
        (1, "카테고리 없음"),
        (1, "본문"),
        (1, page_title),
        (1, "1. 해외 사례: 빅테크 중심의 AI 동맹"),
        (2, "미국"),
        (2, "유럽"),
        (1, "2. 한국 사례: 연합전선 통한 AI 생태계 구축"),
        (1, "3. 비교 분석: 해외와 한국 AI 동맹의 차이"),
        (1, "4. 한국이 나아가야 할 방향"),
        (2, "메가 얼라이언스 구축"),
        (2, "정부의 정책적 지원 강화"),
        (2, "데이터와 인프라 확충"),
        (2, "글로벌 진출 전략 강화"),
        (1, "5. 결론: 협력과 혁신을 통한 AI 경쟁력 확보"),
    ]
    assert_offsets(doc)
    assert len(doc.tables) == 1
    start, end = doc.tables[0]
    rows = doc.text[start:end].split("\n")
    assert rows[0] == "구분 한국 사례 해외 사례 (미국/유럽)"
    assert rows[-1] == "유럽은 윤리적 AI로 차별화된 진출 전략"
    assert len(rows) == 18
    assert doc.text[start - 1] == "\n" and doc.text[end : end + 2] == "\n\n"
    assert not any(start <= h.start < end for h in doc.headings)


@pytest.mark.skipif(GLOBAL_GAP is None, reason="corpus file not present")
def test_real_corpus_global_gap_structure() -> None:
    assert GLOBAL_GAP is not None
    doc = load_document(GLOBAL_GAP, CORPUS)
    assert outline(doc) == [
        (1, "글로벌 AI 투자 격차 진단"),
        (1, "AI 속도 경쟁의 심화"),
        (1, "AI 규모 경쟁에서의 생존 전략"),
    ]
    assert_offsets(doc)
    assert doc.tables == []


# ---------------------------------------------------------------------------
# Lines a layout wrapped

WRAPPED_TXT = (
    "제1장 개요\n"
    "이 규정은 회사의 출장 여비 지급 기준을 정하고 출장자가\n"
    "지켜야 할 사항을 규정함을 목적으로 합니다. 출장비는 실비로\n"
    "정산합니다.\n"
    "\n"
    "지급 대상은 다음과 같습니다:\n"
    "- 국내 출장을 다녀온 정규직 직원 및 계약직 직원 전부\n"
    "- 해외 출장자\n"
)


def test_a_sentence_wrapped_over_lines_is_one_line_again(tmp_path: Path) -> None:
    doc = load(write(tmp_path / "규정.txt", WRAPPED_TXT))
    lines = doc.text.split("\n")
    assert lines[1] == (
        "이 규정은 회사의 출장 여비 지급 기준을 정하고 출장자가 지켜야 할 사항을 규정함을 목적으로 합니다. "
        "출장비는 실비로 정산합니다."
    )
    # a heading, a line announcing a list, and the list's items keep their lines
    assert lines[0] == "제1장 개요" and lines[3] == "지급 대상은 다음과 같습니다:"
    assert lines[4:6] == ["- 국내 출장을 다녀온 정규직 직원 및 계약직 직원 전부", "- 해외 출장자"]
    assert_offsets(doc)


def test_indented_wrapped_text_joins_with_one_space_and_headings_move_with_it(tmp_path: Path) -> None:
    """A file wrapped at 72 columns (Hangul two columns each) with its paragraphs indented: each
    wrapped break and the indentation after it become one space; headings after it still point at
    their titles."""
    text = (
        "1. 데비안이란\n\n"
        "    이 문서는 데비안 배포판 및 데비안 프로젝트에 대해 자주 묻는 질문을\n"
        "    드립니다. 적용가능하면 다른 설명서에 대한 포인터를 드립니다.\n\n"
        "2. 설치\n\n"
        "    설치 방법은 설치 안내서에 있으며 네트워크로 설치하는 방법과 CD로\n"
        "    설치하는 방법이 있습니다.\n"
    )
    doc = load(write(tmp_path / "faq.txt", text))
    assert "자주 묻는 질문을 드립니다." in doc.text and "방법과 CD로 설치하는" in doc.text
    assert outline(doc) == [(1, "1. 데비안이란"), (1, "2. 설치")]
    assert_offsets(doc)


def test_a_break_inside_a_word_joins_without_a_space(tmp_path: Path) -> None:
    """Korean lines may break between any two syllables: the pieces join into the word when the
    text writes it elsewhere; a break after a whole word keeps its space."""
    text = (
        "설명서는 여기 있습니다. 이 문서는 데비안 프로젝트에 대해 자주 묻는 질문을 다루며 다른 설\n"
        "명서에 대한 포인터를 드립니다. 일부 답변은 유닉스 계열 운영 체제에 대해 어느 정도 안다고\n"
        "가정합니다.\n"
    )
    doc = load(write(tmp_path / "faq.txt", text))
    assert doc.text == (
        "설명서는 여기 있습니다. 이 문서는 데비안 프로젝트에 대해 자주 묻는 질문을 다루며 다른 설명서에 "
        "대한 포인터를 드립니다. 일부 답변은 유닉스 계열 운영 체제에 대해 어느 정도 안다고 가정합니다.\n"
    )


BILL = (
    "제안이유 및 주요내용\n\n"
    "  초등학교 저학년의 경우에도 부모의 따뜻한 사랑과 보살핌이 필요\n\n"
    "한 나이이나, 현재 공무원이 자녀를 양육하기 위하여 육아휴직을 할 \n\n"
    "수 있는 자녀의 나이는 만 6세 이하로 되어 있어 초등학교 저학년인 \n\n"
    "자녀를 돌보기 위해서는 해당 부모님은 일자리를 그만 두어야 하고\n\n"
    "이는 곧 출산의욕을 저하시키는 문제로 이어질 수 있을 것임.\n\n"
    "  따라서 육아휴직이 가능한 자녀의 연령을 만 8세 이하로 개정하려\n\n"
    "는 것임.\n\n"
    "부      칙\n\n"
    "이 법은 공포한 날부터 시행한다.\n"
)


def test_a_double_spaced_page_joins_its_wrapped_lines_and_keeps_its_headings(tmp_path: Path) -> None:
    """Text taken from printed pages with a blank line after every line: a wrapped line is no
    paragraph, and no heading, of its own; the blank lines after a sentence's end and around the
    headings stay."""
    doc = load(write(tmp_path / "법률안.txt", BILL))
    paragraphs = [p.strip() for p in doc.text.split("\n\n")]
    assert paragraphs[1].startswith("초등학교 저학년의 경우에도") and paragraphs[1].endswith("이어질 수 있을 것임.")
    assert "그만 두어야 하고 이는 곧 출산의욕을" in paragraphs[1]
    assert outline(doc) == [(0, "제안이유 및 주요내용"), (1, "부      칙")]
    assert_offsets(doc)
    # the same lines single-spaced are joined the same way: the blank lines were all that differed
    single = load(write(tmp_path / "한줄.txt", BILL.replace("\n\n", "\n")))
    assert "그만 두어야 하고 이는 곧 출산의욕을" in single.text


def test_page_numbers_inside_a_sentence_are_taken_out(tmp_path: Path) -> None:
    """Printed pages keep their numbers and page breaks, often inside a sentence: those lines go,
    and the sentence is whole again."""
    text = BILL.replace("할 \n\n수 있는", "할 \n\n- 7 -\n\n\f- 8 -\n\n수 있는") + "\n- 9 -\n"
    doc = load(write(tmp_path / "법률안.txt", text))
    assert "- 7 -" not in doc.text and "- 9 -" not in doc.text and "\f" not in doc.text
    assert "육아휴직을 할 수 있는 자녀의 나이는" in doc.text
    assert_offsets(doc)
    # one such line is no pagination: it stays
    assert "- 7 -" in load(write(tmp_path / "하나.txt", "첫 줄입니다.\n- 7 -\n끝입니다.\n")).text


#: A bill's cover and its reasons as printed pages give them: a form's fields padded with spaces,
#: every line followed by a blank one, the reasons one member a line, one of them wrapped.
COVER = (
    "국군부대의 해역 파견연장 동의안\n\n"
    "의안\n\n"
    "                                   제출연월일 :  2010.    11.    15.\n\n"
    "번호\n\n"
    "                                        제  출  자 :  정         부\n\n"
    "제안이유\n\n"
    "      해역에 파견된 국군부대의 파견기간이 2010년 12월 31일 종료될 예정이나,  다음 이유로 파견기간을 \n\n"
    "연장하고자 함. \n\n"
    "      첫째,  해적활동으로 우리 선박의 안전이 위협을 받고 있고,\n\n"
    "      둘째,  청해부대가  성공적으로 임무를 수행하여 우리 국익보호 및  국위\n"
    "선양에 기여하고 있으며,   \n\n"
    "      셋째,  국내외 관계기관에서 파견연장을 요청하고 있음.\n\n"
    "주요내용\n\n"
    "    가. 국군부대의 파견기간을 2011년 12월 31일까지 연장함.\n"
)


def test_a_forms_padded_field_does_not_swallow_the_heading_after_it(tmp_path: Path) -> None:
    """ "제  출  자 :  정         부" is as wide as a wrapped line only by its padding: the heading
    under it stays a heading, and the reasons are its section."""
    doc = load(write(tmp_path / "동의안.txt", COVER))
    assert ("제안이유" in [title for _, title in outline(doc)]) and "부제안이유" not in doc.text.replace(" ", "")
    assert_offsets(doc)


def test_members_of_an_enumeration_one_a_line_are_sentences_not_a_table(tmp_path: Path) -> None:
    """ "첫째, …", "둘째, …" a line each, ending with commas, are no flattened table; each member
    stays on its own line, and one wrapped onto the next line is whole again."""
    doc = load(write(tmp_path / "동의안.txt", COVER))
    assert "국익보호 및  국위 선양에 기여하고 있으며" in doc.text
    assert not any("첫째" in doc.text[a:b] or "둘째" in doc.text[a:b] for a, b in doc.tables)
    lines = [line.strip() for line in doc.text.split("\n") if line.strip()]
    assert any(line.startswith("둘째,") for line in lines) and any(line.startswith("셋째,") for line in lines)
    assert_offsets(doc)


def test_a_laws_chapters_head_the_articles_written_right_under_them(tmp_path: Path) -> None:
    """Laws write a chapter's and a section's line with no blank line before their articles,
    which carry no titles: the chapter and the section still head them."""
    text = (
        "대한민국헌법\n\n"
        "       제1장 총강\n"
        "  제1조 ① 대한민국은 민주공화국이다.\n"
        "②대한민국의 주권은 국민에게 있고, 모든 권력은 국민으로부터 나온다.\n\n"
        "       제4장 정부\n"
        "         제1절 대통령\n"
        "  제70조 대통령의 임기는 5년으로 하며, 중임할 수 없다.\n"
        "  제71조 제2장에서 정한 바와 같이 대통령이 궐위된 때에는 국무총리가 그 권한을 대행한다.\n"
    )
    doc = load(write(tmp_path / "헌법.txt", text))
    assert outline(doc) == [(1, "대한민국헌법"), (1, "제1장 총강"), (1, "제4장 정부"), (2, "제1절 대통령")]
    assert_offsets(doc)


def test_lines_of_one_paragraph_each_are_left_as_they_are(tmp_path: Path) -> None:
    text = "짧은 제목\n\n첫 문단은 한 줄에 다 씁니다. 여기서 끝납니다.\n\n둘째 문단도 한 줄입니다.\n"
    assert load(write(tmp_path / "a.txt", text)).text == text
    if ONE_TEAM is not None:  # the essays of the default corpus: one paragraph per line
        raw = ONE_TEAM.read_text("utf-8")
        assert load(ONE_TEAM).text.split("\n") == unicodedata.normalize("NFC", raw).split("\n")


def test_markdown_joins_wrapped_paragraphs_but_not_code_or_tables(tmp_path: Path) -> None:
    code = "    for row in rows: print(row, 'long line of code that goes on and on'\n"
    text = (
        "# 안내\n\n"
        "이 문서는 사내 시스템의 사용 방법을 설명하며 처음 쓰는 사람도 따라 할 수\n"
        "있도록 단계마다 화면을 함께 보여 줍니다.\n\n"
        "```\n"
        "def main(argument_one, argument_two, argument_three, argument_four,\n"
        "         argument_five):\n"
        "```\n\n"
        "| 항목 | 설명이 길게 이어지는 칸으로 줄이 끝나지 않는 |\n"
        "| 값 | 값 |\n\n" + code
    )
    doc = load(write(tmp_path / "guide.md", text))
    assert "따라 할 수 있도록 단계마다" in doc.text
    assert "argument_four,\n         argument_five" in doc.text
    assert "줄이 끝나지 않는 |\n| 값" in doc.text
    assert doc.text.endswith(code)


def test_pdf_lines_of_one_sentence_are_joined(tmp_path: Path) -> None:
    lines = [
        "The committee reviewed the annual budget of the",
        "department and approved the new plan for the",
        "coming year.",
        "Summary",
    ]
    doc = load(write(tmp_path / "minutes.pdf", make_pdf([lines])))
    assert doc.text.split("\n")[:2] == [
        "The committee reviewed the annual budget of the department and approved the new plan for the coming year.",
        "Summary",
    ]


def test_html_source_line_breaks_are_spaces_and_br_breaks(tmp_path: Path) -> None:
    html = "<html><body><p>첫 문장은 여기서\n   이어집니다. 둘째 문장입니다.</p><p>한 줄<br>다음 줄</p><pre>a\n  b</pre></body></html>"
    doc = load(write(tmp_path / "page.html", html))
    assert doc.text == "첫 문장은 여기서 이어집니다. 둘째 문장입니다.\n한 줄\n다음 줄\na\n  b"


FAQ_TXT = (
    "인사 규정 자주 묻는 질문\n\n"
    "Q. 연차 휴가는 언제부터 생기나요?\n"
    "A. 입사 후 1개월 개근 시 1일의 유급휴가가 생깁니다.\n\n"
    "Q: 재택근무 신청 방법\n"
    "A: 전날 오후 6시까지 인사 시스템에서 신청합니다.\n\n"
    "경조사 휴가는 며칠인가요?\n"
    "본인 결혼은 5일의 경조 휴가를 받습니다.\n"
)


def test_the_questions_of_a_faq_head_their_answers(tmp_path: Path) -> None:
    doc = load(write(tmp_path / "faq.txt", FAQ_TXT))
    assert [h.title for h in doc.headings] == [
        "인사 규정 자주 묻는 질문",
        "Q. 연차 휴가는 언제부터 생기나요?",
        "Q: 재택근무 신청 방법",
        "경조사 휴가는 며칠인가요?",
    ]
    assert_offsets(doc)


def test_numbered_and_bracketed_faq_marks_are_read(tmp_path: Path) -> None:
    text = "Q1. 연차는 언제 생기나요\nA1. 입사 한 달 뒤에 생깁니다.\n\n[질문] 재택근무 신청 방법\n[답변] 전날까지 신청합니다.\n"
    doc = load(write(tmp_path / "faq.txt", text))
    assert [h.title for h in doc.headings] == ["Q1. 연차는 언제 생기나요", "[질문] 재택근무 신청 방법"]


def test_one_question_in_prose_heads_nothing(tmp_path: Path) -> None:
    text = "AI 동맹 이야기\n\n왜 지금 동맹이 필요할까요?\n기술과 자본이 모자라기 때문입니다.\n\n그래서 협력이 중요합니다.\n"
    assert [h.title for h in load(write(tmp_path / "essay.txt", text)).headings] == ["AI 동맹 이야기"]


def test_a_markdown_faq_in_bold_questions_heads_each_answer(tmp_path: Path) -> None:
    text = (
        "# 인사 FAQ\n\n**Q. 연차 휴가는 언제부터 생기나요?**\nA. 입사 후 1개월 개근 시 하루가 생깁니다.\n\n"
        "**Q. 재택근무는 어떻게 신청하나요?**\nA. 전날 오후 6시까지 인사 시스템에서 신청합니다.\n\n"
        "## 기타\n\n그 밖의 문의는 인사팀으로 연락하세요.\n"
    )
    doc = load(write(tmp_path / "faq.md", text))
    assert outline(doc) == [
        (1, "인사 FAQ"),
        (2, "Q. 연차 휴가는 언제부터 생기나요?"),
        (2, "Q. 재택근무는 어떻게 신청하나요?"),
        (2, "기타"),
    ]
    assert_offsets(doc)


def test_an_html_faq_in_paragraphs_heads_each_answer_with_its_question(tmp_path: Path) -> None:
    html = (
        "<html><body><h1>인사 FAQ</h1>"
        "<p><strong>Q. 연차 휴가는 언제부터 생기나요?</strong></p><p>A. 입사 후 1개월 개근 시 하루가 생깁니다.</p>"
        "<p><strong>Q. 재택근무는 어떻게 신청하나요?</strong></p><p>A. 전날 오후 6시까지 신청합니다.</p>"
        "</body></html>"
    )
    doc = load(write(tmp_path / "faq.html", html))
    assert outline(doc) == [
        (1, "인사 FAQ"),
        (2, "Q. 연차 휴가는 언제부터 생기나요?"),
        (2, "Q. 재택근무는 어떻게 신청하나요?"),
    ]
    assert_offsets(doc)


RULES_TXT = (
    "취업규칙\n\n"
    "제1장 총칙\n\n"
    "제1조(목적) 이 규칙은 직원의 근로조건을 정함을 목적으로 한다.\n\n"
    "제3장 휴가\n\n"
    "제20조(연차유급휴가) ① 회사는 1년간 80퍼센트 이상 출근한 직원에게 15일의 유급휴가를\n"
    "준다.\n"
    "② 사용하지 않은 연차휴가는 다음 해로 이월할 수 있다.\n\n"
    "제21조의2 【경조휴가】\n"
    "직원 본인이 결혼하는 경우 5일의 경조휴가를 준다. 제20조(연차유급휴가)에 따른 휴가와 별도로 한다.\n\n"
    "부칙\n\n"
    "이 규칙은 2025년 1월 1일부터 시행한다.\n"
)


def test_the_articles_of_a_regulation_head_their_text(tmp_path: Path) -> None:
    """ "제20조(연차유급휴가)" opening its line is the article's title, under its chapter, with the
    article's first sentence after it on the line (wrapped onto the next, it is joined again);
    a reference to an article ("제20조(…)에 따른") is none; 부칙 is a chapter of its own."""
    doc = load(write(tmp_path / "규칙.txt", RULES_TXT))
    assert outline(doc) == [
        (1, "취업규칙"),
        (1, "제1장 총칙"),
        (3, "제1조(목적)"),
        (1, "제3장 휴가"),
        (3, "제20조(연차유급휴가)"),
        (3, "제21조의2 【경조휴가】"),
        (1, "부칙"),
    ]
    assert_offsets(doc)
    assert "① 회사는 1년간 80퍼센트 이상 출근한 직원에게 15일의 유급휴가를 준다.\n②" in doc.text


def test_one_article_label_in_a_text_heads_nothing(tmp_path: Path) -> None:
    text = "휴가 안내\n\n제20조(연차유급휴가) 회사는 15일의 유급휴가를 준다.\n더 궁금한 점은 인사팀에 묻는다.\n"
    assert outline(load(write(tmp_path / "안내.txt", text))) == [(1, "휴가 안내")]


def test_articles_in_markdown_go_one_level_below_its_heading(tmp_path: Path) -> None:
    text = "# 여비 규정\n\n## 출장\n\n제40조(출장비) 출장비는 실비로 지급한다.\n\n제41조(정산) 7일 이내에 정산한다.\n"
    doc = load(write(tmp_path / "여비.md", text))
    assert outline(doc) == [(1, "여비 규정"), (2, "출장"), (3, "제40조(출장비)"), (3, "제41조(정산)")]
    assert_offsets(doc)


def test_a_pdfs_running_header_and_page_numbers_are_left_out(tmp_path: Path) -> None:
    """A line that opens or closes most pages (a running title, "- 3 -") is no text of the page:
    read as text it would head every page. The first page keeps it (there it is the title)."""
    topics = ["Overview", "Strategy", "Budget", "Outcomes"]
    pages = [
        [
            "ACME Annual Report 2025",
            f"{n}. {topic}",
            f"This part covers the {topic.lower()} of the year in full.",
            f"- {n} -",
        ]
        for n, topic in enumerate(topics, 1)
    ]
    doc = load(write(tmp_path / "report.pdf", make_pdf(pages)))
    assert doc.text.count("ACME Annual Report 2025") == 1
    assert "- 1 -" in doc.text and "- 2 -" not in doc.text and "- 4 -" not in doc.text
    assert all(f"This part covers the {t.lower()}" in doc.text for t in topics)
    assert [h.title for h in doc.headings].count("ACME Annual Report 2025") <= 1


def test_a_line_on_two_pages_of_many_is_no_running_line() -> None:
    names = ["Intro", "Setup", "Usage", "Limits", "Support", "Index"]
    pages = [
        f"{name}\nBody of the {name} page goes here.\n" + ("Note" if n < 2 else "") for n, name in enumerate(names)
    ]
    assert without_running_lines(pages) == pages
