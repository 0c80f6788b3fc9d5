"""PowerPoint (.pptx) decks: a ZIP archive of XML, one part per slide.

The text is the slides in the deck's order. Each slide's title is a heading of the first level (a
slide without one is headed "슬라이드 N", so that a citation still says where it is), then the
text of its shapes in the order the slide lists them (a group's shapes in its place): each
paragraph on a line, a paragraph of a body placeholder or with a bullet of its own starting with
the bullet or the number PowerPoint shows for it ("• ", "1. ", "가. "); a table one line per row, its
cells joined by `` | `` (as the other readers write them); a SmartArt graphic its boxes' text, a
bulleted line each, in the graphic's order. The speaker notes follow the slide's text in its
section, under the label "발표자 노트:" (they say more of the slide, and are found with it). Dates,
footers and slide numbers are no text of the deck. The title is the deck's own (its properties), else its first slide's title, else the
file name. The older binary format (.ppt) is not read: :data:`BINARY_HINTS` says how to save it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from xml.etree import ElementTree

from assistant.ingest.documents import Extracted, Unreadable
from assistant.ingest.markers import BULLET
from assistant.ingest.office import (
    DocumentBuilder,
    bullet_mark,
    count_item,
    counted,
    local_name,
    open_archive,
    title_in,
    xml_part,
)

#: What to do with the older binary format, which is not read.
BINARY_HINTS = {
    ".ppt": "예전 PowerPoint 형식(.ppt)은 읽지 못합니다. PowerPoint에서 .pptx나 PDF로 저장해 주세요",
}
#: The heading of a slide that has no title ("슬라이드 3").
UNTITLED = "슬라이드 {n}"
#: The label over a slide's speaker notes, which follow its text in its section (they say more of it).
NOTES = "발표자 노트:"

_KIND = "PPTX"
#: Placeholders whose text is the slide's title.
_TITLES = frozenset({"title", "ctrTitle"})
#: Placeholders whose text is no part of the deck's content: a date, a footer, a slide number, a header.
_FURNITURE = frozenset({"dt", "ftr", "sldNum", "hdr"})
#: Placeholders whose paragraphs the slide master bullets unless they say otherwise (a content
#: placeholder has no type).
_BULLETED = frozenset({"body", "obj", ""})
_SLIDE = "/relationships/slide"
_NOTES = "/relationships/notesSlide"
_DIAGRAM = "/relationships/diagramData"


def extract_pptx(raw: bytes, stem: str) -> Extracted:
    """The text, headings and tables of a deck's slides, in the deck's order."""
    with open_archive(raw, _KIND) as archive:
        deck = xml_part(archive, "ppt/presentation.xml", _KIND)
        if deck is None:
            raise Unreadable("PPTX 파일에 프레젠테이션(ppt/presentation.xml)이 없습니다")
        targets = _targets(xml_part(archive, "ppt/_rels/presentation.xml.rels", _KIND), "ppt")
        order = [r for e in deck.iter() if local_name(e.tag) == "sldId" and (r := _rid(e))]
        names = [targets[r] for r in order if r in targets and targets[r][1].endswith(_SLIDE)]
        title = title_in(xml_part(archive, "docProps/core.xml", _KIND))
        slides = []
        for name, _ in names:
            slide = xml_part(archive, name, _KIND)
            rels = _targets(xml_part(archive, _rels_of(name), _KIND), posixpath.dirname(name))
            notes_name = next((n for n, kind in rels.values() if kind.endswith(_NOTES)), None)
            notes = xml_part(archive, notes_name, _KIND) if notes_name else None
            diagrams = {rid: xml_part(archive, n, _KIND) for rid, (n, kind) in rels.items() if kind.endswith(_DIAGRAM)}
            slides.append((slide, notes, diagrams))
    out = DocumentBuilder()
    for n, (slide, notes, diagrams) in enumerate(slides, 1):
        if slide is not None:
            _slide(slide, notes, n, out, diagrams)
    return out.extracted(title, stem)


def _rid(element: ElementTree.Element) -> str | None:
    """The relationship id (``r:id``) of a slide's entry in the deck's list."""
    for key, value in element.attrib.items():
        if local_name(key) == "id" and key.startswith("{"):  # r:id, not the slide's own numeric id
            return value
    return None


def _rels_of(name: str) -> str:
    """The relationships part of the part ``name`` ("ppt/slides/slide1.xml" → "ppt/slides/_rels/slide1.xml.rels")."""
    folder, base = posixpath.split(name)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def _targets(rels: ElementTree.Element | None, folder: str) -> dict[str, tuple[str, str]]:
    """Each relationship's id → (the part it points at, resolved against ``folder``; its type)."""
    if rels is None:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for e in rels:
        rid, target, kind = e.get("Id"), e.get("Target"), e.get("Type") or ""
        if rid and target and e.get("TargetMode") != "External":
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rid] = (path, kind)
    return out


def _slide(
    slide: ElementTree.Element,
    notes: ElementTree.Element | None,
    n: int,
    out: DocumentBuilder,
    diagrams: Mapping[str, ElementTree.Element | None],
) -> None:
    shapes = list(_shapes(_tree(slide)))
    title = " ".join(_paragraph_text(p) for s in shapes if _kind(s) in _TITLES for p in _paragraphs(s))
    out.add_heading(" ".join(title.split()) or UNTITLED.format(n=n), 1)
    for shape in shapes:
        kind = _kind(shape)
        if kind in _TITLES or kind in _FURNITURE:
            continue
        if local_name(shape.tag) == "graphicFrame":
            if (data := diagrams.get(_diagram_id(shape) or "")) is not None:
                for text in _diagram_texts(data):
                    out.paragraph(f"{BULLET} {text}")
            else:
                out.table(_rows(shape))
        else:
            # a body placeholder's paragraphs are bulleted (kind is None for a shape that is no placeholder)
            for line in _lines(shape, bulleted=kind in _BULLETED):
                out.paragraph(line)
    if notes is not None:
        said = [line for s in _shapes(_tree(notes)) if _kind(s) == "body" for line in _lines(s, bulleted=False)]
        if said:
            out.paragraph(NOTES)
            for line in said:
                out.paragraph(line)


def _tree(part: ElementTree.Element) -> ElementTree.Element | None:
    """A slide's (or notes page's) shape tree."""
    return next((e for e in part.iter() if local_name(e.tag) == "spTree"), None)


def _shapes(tree: ElementTree.Element | None) -> Iterator[ElementTree.Element]:
    """The shapes with text and the tables of a shape tree, in its order; a group's in its place."""
    if tree is None:
        return
    for child in tree:
        name = local_name(child.tag)
        if name == "grpSp":
            yield from _shapes(child)
        elif name == "AlternateContent":  # a newer program's shapes (Choice) and an older one's copy (Fallback)
            yield from _shapes(next((c for c in child if local_name(c.tag) == "Choice"), None))
        elif name == "sp" or (
            name == "graphicFrame" and any(local_name(e.tag) in ("tbl", "relIds") for e in child.iter())
        ):
            yield child


def _placeholder(shape: ElementTree.Element) -> ElementTree.Element | None:
    return next((e for e in shape.iter() if local_name(e.tag) == "ph"), None)


def _kind(shape: ElementTree.Element) -> str | None:
    """A placeholder's type ("" for a content placeholder, which has none); None for any other shape."""
    ph = _placeholder(shape)
    return None if ph is None else ph.get("type", "")


def _paragraphs(shape: ElementTree.Element) -> list[ElementTree.Element]:
    body = next((e for e in shape if local_name(e.tag) == "txBody"), None)
    return [] if body is None else [p for p in body if local_name(p.tag) == "p"]


def _paragraph_text(paragraph: ElementTree.Element) -> str:
    """A paragraph's text: its runs' and fields' text, a line break as a space."""
    parts = []
    for e in paragraph.iter():
        name = local_name(e.tag)
        if name == "t" and e.text:
            parts.append(e.text)
        elif name == "br":
            parts.append(" ")
    return "".join(parts)


#: PowerPoint's paragraph levels (``lvl`` 0 … 8).
_LEVELS = 9


def _lines(shape: ElementTree.Element, *, bulleted: bool) -> Iterator[str]:
    """A shape's paragraphs with text, each with the bullet or number PowerPoint shows before it:
    a bullet or number of its own, or (``bulleted``: a body placeholder's paragraph) the master's
    bullet unless it has none (``buNone``)."""
    counts = [0] * _LEVELS  # each level's number so far (0: none yet)
    for p in _paragraphs(shape):
        text = " ".join(_paragraph_text(p).split())
        props = next((e for e in p if local_name(e.tag) == "pPr"), None)
        level = int(props.get("lvl", "0")) if props is not None and props.get("lvl", "0").isdigit() else 0
        level = min(level, _LEVELS - 1)
        marks = {local_name(e.tag): e for e in props} if props is not None else {}
        if not text:
            continue
        if "buAutoNum" in marks:
            auto = marks["buAutoNum"]
            start = auto.get("startAt", "1")
            count_item(counts, level, int(start) if start.isdigit() else 1)
            yield f"{_numbered(counts[level], auto.get('type', 'arabicPeriod'))} {text}"
            continue
        counts[level:] = [0] * (_LEVELS - level)  # a paragraph without a number ends the count
        if "buChar" in marks:
            yield bullet_mark(marks["buChar"].get("char", BULLET)) + text
        elif bulleted and "buNone" not in marks:
            yield f"{BULLET} {text}"
        else:
            yield text


#: How PowerPoint writes a number around it, by the end of its scheme's name.
_AROUND = {"Period": "{}.", "ParenR": "{})", "ParenBoth": "({})", "Plain": "{}", "Minus": "- {} -"}
#: The schemes of DrawingML that do not count in digits, by the start of their name, as the office
#: reader's number formats (:func:`~assistant.ingest.office.counted`) name them.
_SCHEMES = {
    "alphaLc": "lowerLetter",
    "alphaUc": "upperLetter",
    "romanLc": "lowerRoman",
    "romanUc": "upperRoman",
    "circleNumDb": "decimalEnclosedCircle",
    "circleNumWd": "decimalEnclosedCircle",
    "ea1JpnKor": "ganada",
    "hebrew2": "ganada",  # never Korean: counted as 가나다 is no worse than digits
}


def _numbered(n: int, scheme: str) -> str:
    """``n`` as an auto-numbering scheme of DrawingML writes it ("arabicPeriod" → "3.", "alphaLcParenR"
    → "c)", "romanUcPeriod" → "III.", "circleNumDbPlain" → "③"); a scheme not known here in digits."""
    around = next((f for end, f in _AROUND.items() if scheme.endswith(end)), "{}.")
    fmt = next((f for base, f in _SCHEMES.items() if scheme.startswith(base)), "decimal")
    return around.format(counted(n, fmt))


def _rows(frame: ElementTree.Element) -> Iterator[list[str]]:
    """A table's rows, each a list of its cells' text (a merged cell's continuations empty)."""
    table = next(e for e in frame.iter() if local_name(e.tag) == "tbl")
    for row in table:
        if local_name(row.tag) != "tr":
            continue
        yield [
            " ".join(_paragraph_text(p) for p in cell.iter() if local_name(p.tag) == "p")
            for cell in row
            if local_name(cell.tag) == "tc"
        ]


def _diagram_id(frame: ElementTree.Element) -> str | None:
    """The relationship id of a SmartArt graphic's data (``dgm:relIds r:dm``)."""
    ids = next((e for e in frame.iter() if local_name(e.tag) == "relIds"), None)
    return None if ids is None else next((v for k, v in ids.attrib.items() if local_name(k) == "dm"), None)


def _diagram_texts(data: ElementTree.Element) -> list[str]:
    """The text of a SmartArt graphic's points, each point's children after it in their order (the
    data's connections), the points no connection places in the order the data lists them."""
    points: dict[str, str] = {}
    for pt in data.iter():
        if local_name(pt.tag) != "pt" or pt.get("type", "node") != "node":
            continue
        body = next((e for e in pt if local_name(e.tag) == "t"), None)
        text = (
            " ".join(" ".join(_paragraph_text(p) for p in body if local_name(p.tag) == "p").split())
            if body is not None
            else ""
        )
        if (model := pt.get("modelId")) and text:
            points[model] = text
    children: dict[str, list[tuple[int, str]]] = {}
    placed: set[str] = set()
    for cxn in data.iter():
        if local_name(cxn.tag) == "cxn" and cxn.get("type", "parOf") == "parOf":
            src, dest, at = cxn.get("srcId") or "", cxn.get("destId") or "", cxn.get("srcOrd") or "0"
            children.setdefault(src, []).append((int(at) if at.isdigit() else 0, dest))
            placed.add(dest)
    out: list[str] = []
    seen: set[str] = set()

    def visit(model: str) -> None:
        if model in seen:
            return
        seen.add(model)
        if model in points:
            out.append(points[model])
        for _, child in sorted(children.get(model, [])):
            visit(child)

    for root in [m for m in children if m not in placed] + list(points):
        visit(root)
    return out
