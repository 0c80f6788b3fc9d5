"""HTML: the visible text, one block per line, with headings (h1–h6) and tables (one line per row).

A list's items keep the mark a browser shows them with: an ordered list's number ("2. 속성을
클릭하십시오."), an unordered list's bullet ("• "), so that the steps of a procedure read as steps
and a list as a list, as they do in Markdown and plain text.

Scripts, styles, hidden elements and the navigation between pages are dropped; the title is the
page's ``<title>``, else its first ``<h1>``.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString, Tag, XMLParsedAsHTMLWarning
from bs4.element import PreformattedString

from assistant.ingest.blocks import Blocks, collapse, lines_of, table_row
from assistant.ingest.documents import Extracted, Unreadable
from assistant.ingest.encodings import replace_surrogates
from assistant.ingest.markers import BULLET
from assistant.ingest.plain import split_lines, with_line_headings

_HTML_DROP = frozenset({"script", "style", "noscript", "head", "template", "svg", "iframe", "canvas"})


#: White space in HTML text, line breaks included: a browser shows any run of it as one space.
_SPACES = re.compile(r"[ \t\n\r\f]+")


_HTML_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


_HTML_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog", "div", "dl", "dt"}
    | {"fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "hr", "html", "legend", "li"}
    | {"main", "nav", "ol", "p", "section", "summary", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
)


@dataclass
class _TextBuilder(Blocks):
    """Accumulates HTML blocks into one text, one block per line, recording spans."""

    inline: list[str] = field(default_factory=list)
    #: the mark of the list item being read ("2. ", "• "), put before its first line of text
    marker: str = ""

    def flush(self) -> None:
        block = lines_of("".join(self.inline))
        self.inline = []
        if block:
            self.add_block(self.marker + block)
            self.marker = ""

    def text(self) -> str:
        self.flush()
        return self.joined()


def _cell_text(cell: Tag) -> str:
    return collapse(cell.get_text(" "))


def _table_rows(table: Tag) -> list[str]:
    """One line per row that has text (:func:`~assistant.ingest.blocks.table_row`); nested tables
    stay in their cell."""
    rows: list[str] = []
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table:
            continue
        if line := table_row([_cell_text(cell) for cell in row.find_all(["td", "th"], recursive=False)]):
            rows.append(line)
    return rows


def _caption_text(table: Tag) -> str:
    caption = table.find("caption")
    if isinstance(caption, Tag) and caption.find_parent("table") is table:
        return _cell_text(caption)
    return ""


def _add_table(table: Tag, out: _TextBuilder) -> None:
    """The caption (if any) as its own line, then one line per row; records the span."""
    out.flush()
    if caption := _caption_text(table):
        out.add_block(caption)
    rows = _table_rows(table)
    if rows:
        out.add_table(rows)


def _add_heading(tag: Tag, level: int, out: _TextBuilder) -> None:
    out.flush()
    title = collapse(tag.get_text(" "))
    if title:
        out.add_heading(title, level)


def _add_pre(tag: Tag, out: _TextBuilder) -> None:
    out.flush()
    lines = [line.rstrip() for line in tag.get_text().split("\n")]
    block = "\n".join(lines).strip("\n")
    if block.strip():
        out.add_block(block)


#: The lists whose items a browser marks: numbered (``ol``) or bulleted.
_LISTS = frozenset({"ol", "ul", "menu"})


def _add_item(item: Tag, marker: str, out: _TextBuilder) -> None:
    """A list item as a block, ``marker`` ("2. ", "• ") before its first line."""
    out.flush()
    out.marker = marker
    _walk_html(item, out)
    out.flush()
    out.marker = ""


def _integer(value: object, default: int) -> int:
    """An attribute's integer value, ``default`` when it has none."""
    try:
        return int(str(value).strip()) if value is not None else default
    except ValueError:
        return default


def _visit(tag: Tag, out: _TextBuilder) -> None:
    name = tag.name
    if name == "br":
        out.inline.append("\n")
    elif name in _HTML_HEADINGS:
        _add_heading(tag, _HTML_HEADINGS[name], out)
    elif name == "table":
        _add_table(tag, out)
    elif name == "pre":
        _add_pre(tag, out)
    elif name in _HTML_BLOCKS:
        out.flush()
        _walk_html(tag, out)
        out.flush()
    else:
        _walk_html(tag, out)


def _walk_html(node: Tag, out: _TextBuilder) -> None:
    """The children of ``node`` in order; a list's items marked as a browser marks them (a number,
    ``start`` and ``value`` honoured, or a bullet), counted as the list is read."""
    ordered = node.name == "ol"
    number = _integer(node.get("start"), 1) - 1 if ordered else 0
    for child in node.children:
        if isinstance(child, Tag) and child.name == "li" and node.name in _LISTS:
            if ordered:
                number = _integer(child.get("value"), number + 1)
            _add_item(child, f"{number}. " if ordered else f"{BULLET} ", out)
        elif isinstance(child, Tag):
            _visit(child, out)
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            out.inline.append(_SPACES.sub(" ", str(child)))  # a line break in the source is a space; <br> breaks


#: Classes of a page's navigation between pages (DocBook's "이전 | 처음으로 | 다음" header and footer).
_NAVIGATION_CLASSES = frozenset({"navheader", "navfooter"})


def _is_invisible(tag: Tag) -> bool:
    """Whether a tag shows nothing a reader reads as the page's text: a script, a hidden element,
    or the navigation between pages (``<nav>``, ``role="navigation"``, DocBook's navheader and
    navfooter: "8장. 데비안 패키지 관리 도구 | | 10장. 데비안 및 커널" was a row of a table)."""
    if tag.name in _HTML_DROP or tag.has_attr("hidden"):
        return True
    if (
        tag.name == "nav"
        or tag.get("role") == "navigation"
        or _NAVIGATION_CLASSES & set(tag.get_attribute_list("class"))
    ):
        return True
    style = str(tag.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _html_title(soup: BeautifulSoup, stem: str) -> str:
    """The document's ``<title>`` (not an SVG's), else the first ``<h1>``, else ``stem``."""
    titles = [tag for tag in soup.find_all("title") if tag.find_parent("svg") is None]
    for found in (*titles[:1], soup.find("h1")):
        if isinstance(found, Tag) and (title := collapse(found.get_text(" "))):
            return title
    return stem


def extract_html(html: str, stem: str) -> Extracted:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(replace_surrogates(html), "html.parser")  # BeautifulSoup encodes it
    title = _html_title(soup, stem)
    for tag in soup.find_all(_is_invisible):
        if not tag.decomposed:
            tag.decompose()
    out = _TextBuilder()
    try:
        _walk_html(soup, out)
    except RecursionError:
        raise Unreadable("HTML이 너무 깊게 중첩되어 읽을 수 없습니다") from None
    text = out.text()
    return Extracted(text, title, with_line_headings(text, split_lines(text), out.headings, out.tables), out.tables)
