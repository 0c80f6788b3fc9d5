"""PowerPoint (.pptx) decks, built here as PowerPoint writes them (a ZIP archive of XML parts)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import fake_engine_over

from assistant.errors import DocumentReadError
from assistant.ingest.files import load_corpus, load_document
from assistant.ingest.slides import NOTES, extract_pptx
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer

NS = (
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
)
RELS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rel(rid: str, kind: str, target: str) -> str:
    return f'<Relationship Id="{rid}" Type="{TYPE}/{kind}" Target="{target}"/>'


def para(text: str, bullet: str = "", level: int = 0) -> str:
    """A DrawingML paragraph at ``level``; ``bullet`` (its bullet or numbering element) goes inside its ``a:pPr``."""
    lvl = f' lvl="{level}"' if level else ""
    ppr = f"<a:pPr{lvl}>{bullet}</a:pPr>" if bullet or level else ""
    return f"<a:p>{ppr}<a:r><a:t>{text}</a:t></a:r></a:p>"


def shape(paragraphs: str, placeholder: str | None = None) -> str:
    """A shape with text: a placeholder of type ``placeholder`` ("" for a content placeholder), or a text box."""
    ph = "" if placeholder is None else ("<p:ph/>" if placeholder == "" else f'<p:ph type="{placeholder}"/>')
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="2" name="s"/><p:cNvSpPr/><p:nvPr>{ph}</p:nvPr></p:nvSpPr><p:spPr/>'
        f"<p:txBody><a:bodyPr/>{paragraphs}</p:txBody></p:sp>"
    )


def table(rows: list[list[str]]) -> str:
    cells = "".join(
        "<a:tr>" + "".join(f"<a:tc><a:txBody><a:bodyPr/>{para(c)}</a:txBody></a:tc>" for c in row) + "</a:tr>"
        for row in rows
    )
    return (
        '<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="9" name="t"/></p:nvGraphicFramePr>'
        f'<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl>{cells}'
        "</a:tbl></a:graphicData></a:graphic></p:graphicFrame>"
    )


DGM = 'xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram"'
#: A SmartArt graphic's frame on a slide: its data is the slide's relationship rId7.
SMARTART = (
    '<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="5" name="d"/></p:nvGraphicFramePr><a:graphic>'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram">'
    f'<dgm:relIds {DGM} r:dm="rId7" r:lo="rId8" r:qs="rId9" r:cs="rId10"/></a:graphicData></a:graphic></p:graphicFrame>'
)


def point(model: str, text: str = "", kind: str = "") -> str:
    typed = f' type="{kind}"' if kind else ""
    body = f"<dgm:t><a:bodyPr/>{para(text)}</dgm:t>" if text else ""
    return f'<dgm:pt modelId="{model}"{typed}><dgm:prSet/><dgm:spPr/>{body}</dgm:pt>'


def cxn(src: str, dest: str, order: int) -> str:
    return f'<dgm:cxn modelId="c{src}{dest}" srcId="{src}" destId="{dest}" srcOrd="{order}" destOrd="0"/>'


def pptx(
    path: Path, slides: list[str], *, notes: dict[int, str] | None = None, title: str = "", diagram: str = ""
) -> Path:
    """A .pptx whose slides hold ``slides`` (shapes of a shape tree), listed in the deck in reverse of
    their part names (the deck's order is its list's, not the parts'); ``notes``: slide number → its notes' shapes."""
    notes = notes or {}
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        n = len(slides)
        ids = "".join(f'<p:sldId id="{256 + i}" r:id="rId{i + 1}"/>' for i in range(n))
        z.writestr("ppt/presentation.xml", f"<p:presentation {NS}><p:sldIdLst>{ids}</p:sldIdLst></p:presentation>")
        # slide i of the deck is the part slide{n - i}.xml
        rels = "".join(rel(f"rId{i + 1}", "slide", f"slides/slide{n - i}.xml") for i in range(n))
        rels += rel("rId99", "theme", "theme/theme1.xml")
        z.writestr("ppt/_rels/presentation.xml.rels", f"<Relationships {RELS}>{rels}</Relationships>")
        for i, shapes in enumerate(slides):
            part = n - i
            tree = f"<p:spTree><p:nvGrpSpPr/><p:grpSpPr/>{shapes}</p:spTree>"
            z.writestr(f"ppt/slides/slide{part}.xml", f"<p:sld {NS}><p:cSld>{tree}</p:cSld></p:sld>")
            links = rel("rId7", "diagramData", "../diagrams/data1.xml") if diagram and SMARTART in shapes else ""
            if diagram and links:
                z.writestr("ppt/diagrams/data1.xml", f"<dgm:dataModel {DGM} {NS}>{diagram}</dgm:dataModel>")
            if i + 1 in notes:
                links += rel("rId1", "notesSlide", f"../notesSlides/notesSlide{part}.xml")
            if links:
                z.writestr(f"ppt/slides/_rels/slide{part}.xml.rels", f"<Relationships {RELS}>{links}</Relationships>")
            if i + 1 in notes:
                body = f"<p:spTree><p:nvGrpSpPr/><p:grpSpPr/>{notes[i + 1]}</p:spTree>"
                z.writestr(f"ppt/notesSlides/notesSlide{part}.xml", f"<p:notes {NS}><p:cSld>{body}</p:cSld></p:notes>")
        if title:
            z.writestr(
                "docProps/core.xml",
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
                f' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></cp:coreProperties>',
            )
    return path


def test_a_deck_gives_its_slides_in_order_with_titles_bullets_tables_and_notes(tmp_path: Path) -> None:
    slides = [
        shape(para("2025년 사업 계획"), "ctrTitle") + shape(para("경영지원팀"), "subTitle"),
        shape(para("추진 배경"), "title")
        + shape(para("AI 도입이 늦어지고 있습니다.") + para("인력 부족", level=1), "")  # a content placeholder
        + shape(para("3"), "sldNum")
        + shape(para("사내 한정"), "ftr"),
        "<p:grpSp><p:nvGrpSpPr/><p:grpSpPr/>"
        + shape(para("추진 일정"), "title")
        + "</p:grpSp>"
        + shape(
            para("요구사항 정리", '<a:buAutoNum type="arabicPeriod"/>')
            + para("시범 운영", '<a:buAutoNum type="arabicPeriod"/>')
            + para("전사 확대", '<a:buAutoNum type="arabicPeriod"/>'),
            "body",
        )
        + table([["분기", "예산"], ["1분기", "3억 원"]]),
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice>'
        + shape(para("표지 없는 슬라이드입니다.") + para("강조", '<a:buChar char="▶"/>'))  # a text box: no bullet
        + "</mc:Choice><mc:Fallback>"
        + shape(para("표지 없는 슬라이드입니다."))  # the same shape for older programs
        + "</mc:Fallback></mc:AlternateContent>"
        + shape(para("본문", "<a:buNone/>"), "body"),
    ]
    notes = {2: shape(para("도입 지연의 원인은 예산입니다."), "body") + shape(para("2"), "sldNum")}
    doc = load_document(pptx(tmp_path / "계획.pptx", slides, notes=notes), tmp_path)
    assert doc.text.split("\n") == [
        "2025년 사업 계획",
        "경영지원팀",
        "추진 배경",
        "• AI 도입이 늦어지고 있습니다.",
        "• 인력 부족",
        NOTES,
        "도입 지연의 원인은 예산입니다.",
        "추진 일정",
        "1. 요구사항 정리",
        "2. 시범 운영",
        "3. 전사 확대",
        "분기 | 예산",
        "1분기 | 3억 원",
        "슬라이드 4",
        "표지 없는 슬라이드입니다.",
        "▶ 강조",
        "본문",
    ]
    assert [(h.level, h.title) for h in doc.headings] == [
        (1, "2025년 사업 계획"),
        (1, "추진 배경"),
        (1, "추진 일정"),
        (1, "슬라이드 4"),
    ]
    assert all(doc.text[h.start : h.end] == h.title for h in doc.headings)
    assert [doc.text[a:b] for a, b in doc.tables] == ["분기 | 예산\n1분기 | 3억 원"]
    assert doc.title == "2025년 사업 계획"  # no title in its properties: its first slide's
    titled = load_document(pptx(tmp_path / "b.pptx", [shape(para("내용"))], title="전략 회의"), tmp_path)
    assert (titled.title, titled.text) == ("전략 회의", "슬라이드 1\n내용")


def test_a_smartart_graphic_gives_its_boxes_in_the_graphics_order(tmp_path: Path) -> None:
    """The data lists its points in the order they were made; the connections order them (a box's
    children after it, by their place): the process reads 기획, 개발 (and its 설계), 출시. Connector
    and layout points hold no text of the deck."""
    data = (
        "<dgm:ptLst>"
        + point("0", kind="doc")
        + point("3", "출시")
        + point("1", "기획")
        + point("2", "개발")
        + point("21", "설계")
        + point("9", "연결", kind="parTrans")
        + point("8", "모양", kind="pres")
        + "</dgm:ptLst><dgm:cxnLst>"
        + cxn("0", "3", 2)
        + cxn("0", "1", 0)
        + cxn("0", "2", 1)
        + cxn("2", "21", 0)
        + "</dgm:cxnLst>"
    )
    path = pptx(tmp_path / "d.pptx", [shape(para("추진 절차"), "title") + SMARTART], diagram=data)
    doc = load_document(path, tmp_path)
    assert doc.text.split("\n") == ["추진 절차", "• 기획", "• 개발", "• 설계", "• 출시"]


def test_numbers_count_per_level_and_start_where_the_deck_says() -> None:
    """A nested level counts on its own and starts again under each item of the level above it."""
    number = '<a:buAutoNum type="arabicParenR" startAt="4"/>'
    inner = '<a:buAutoNum type="alphaLcPeriod"/>'
    body = shape(
        para("가", number)
        + para("안쪽", inner, level=1)
        + para("안쪽 둘", inner, level=1)
        + para("나", number)
        + para("다시 안쪽", inner, level=1)
        + para("끝", '<a:buAutoNum type="romanUcPeriod" startAt="3"/>', level=2)
        + para("원", '<a:buAutoNum type="circleNumDbPlain"/>', level=3)
        + para("한", '<a:buAutoNum type="ea1JpnKorPeriod" startAt="2"/>', level=4),
        "body",
    )
    raw = _deck_bytes([shape(para("번호"), "title") + body])
    assert extract_pptx(raw, "x").text.split("\n")[1:] == [
        "4) 가",
        "a. 안쪽",
        "b. 안쪽 둘",
        "5) 나",
        "a. 다시 안쪽",
        "III. 끝",
        "① 원",
        "나. 한",
    ]


def _deck_bytes(slides: list[str]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        ids = "".join(f'<p:sldId id="{256 + i}" r:id="rId{i + 1}"/>' for i in range(len(slides)))
        z.writestr("ppt/presentation.xml", f"<p:presentation {NS}><p:sldIdLst>{ids}</p:sldIdLst></p:presentation>")
        rels = "".join(rel(f"rId{i + 1}", "slide", f"slides/slide{i + 1}.xml") for i in range(len(slides)))
        z.writestr("ppt/_rels/presentation.xml.rels", f"<Relationships {RELS}>{rels}</Relationships>")
        for i, shapes in enumerate(slides):
            tree = f"<p:spTree>{shapes}</p:spTree>"
            z.writestr(f"ppt/slides/slide{i + 1}.xml", f"<p:sld {NS}><p:cSld>{tree}</p:cSld></p:sld>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("old.ppt", b"\xd0\xcf\x11\xe0 binary", ".pptx나 PDF로 저장해 주세요"),
        ("broken.pptx", b"not a zip", "PPTX 파일이 손상되었거나"),
    ],
)
def test_a_broken_or_binary_deck_is_skipped_with_its_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    (tmp_path / name).write_bytes(content)
    pptx(tmp_path / "ok.pptx", [shape(para("읽을 수 있는 발표 자료입니다."))])
    with pytest.raises(DocumentReadError, match=reason):
        load_document(tmp_path / name, tmp_path)
    docs, skipped = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["ok.pptx"]
    assert [(s.path.endswith(name), reason in s.reason) for s in skipped] == [(True, True)]


def test_a_deck_without_its_presentation_part_is_skipped(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "empty.pptx", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(DocumentReadError, match="프레젠테이션"):
        load_document(tmp_path / "empty.pptx", tmp_path)


def test_a_deck_is_searched_and_cited_by_its_slide(
    tmp_path: Path, settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    corpus = tmp_path / "decks"
    corpus.mkdir()
    slides = [
        shape(para("신규 입사자 안내"), "ctrTitle"),
        shape(para("복지 제도"), "title") + shape(para("건강검진은 매년 10월에 받습니다."), ""),
        shape(para("보안 수칙"), "title") + shape(para("노트북은 퇴근할 때 잠금 서랍에 보관합니다."), ""),
    ]
    pptx(corpus / "온보딩.pptx", slides, title="온보딩 자료")
    engine = fake_engine_over(corpus, settings, analyzer)
    answer = engine.ask("노트북 보관 보안 수칙")
    top = answer.citations[0]
    assert (top.doc_id, top.title, top.section) == ("온보딩.pptx", "온보딩 자료", "보안 수칙")
    assert "노트북은 퇴근할 때 잠금 서랍에 보관합니다." in answer.summary
