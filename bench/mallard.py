"""Mallard help pages (GNOME's ``.page`` XML) as plain HTML pages the assistant's loader reads.

Standard library only. A page becomes ``<h1>`` (its title), its sections ``<h2>``/``<h3>`` (their
titles), paragraphs ``<p>``, list and step items ``<li>``, term lists ``<dt>``/``<dd>``, tables
``<tr>``/``<td>`` and code blocks ``<pre>``. Inline markup (``<gui>``, ``<key>``, ``<em>``, ``<link>``
…) keeps its text; a key sequence reads ``Ctrl+Alt+T``; a menu path (``<guiseq>``) reads ``설정 ▸
전원``. Left out: the page's ``<info>`` (credits, revisions, links), images and media, comments,
automatic link lists, text marked not for this platform (``if:test="platform:gnome-classic"``).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Mapping

MAL = "{http://projectmallard.org/1.0/}"
IF = "{http://projectmallard.org/if/1.0/}"

#: Elements left out with everything inside them.
_DROP = frozenset({"info", "media", "comment", "links", "include", "thumb", "desc"})
#: Blocks that hold other blocks.
_CONTAINERS = frozenset({"note", "example", "figure", "synopsis", "quote", "rules", "div", "cards"})


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _skipped(el: ET.Element) -> bool:
    """Left out: dropped elements, and variants for the classic session only."""
    test = el.get(f"{IF}test") or el.get("test") or ""
    return _local(el.tag) in _DROP or test.replace(" ", "") == "platform:gnome-classic"


def inline(el: ET.Element, titles: Mapping[str, str] | None = None) -> str:
    """The text of an inline element and its children, as a reader sees it; an empty link reads as
    the title of the page it points to (``titles``: page id → title), as the help viewer shows it."""
    name = _local(el.tag)
    if name == "link" and not (el.text or "").strip() and not len(el):
        return (titles or {}).get((el.get("xref") or "").split("#")[0], "")
    if name == "keyseq":
        keys = [inline(k, titles) for k in el if not _skipped(k)]
        return "+".join(k for k in keys if k) or (el.text or "").strip()
    if name == "guiseq":
        items = [inline(g, titles) for g in el if not _skipped(g)]
        return " ▸ ".join(i for i in items if i)
    parts = [el.text or ""]
    for child in el:
        if not _skipped(child):
            parts.append(inline(child, titles))
        parts.append(child.tail or "")
    return "".join(parts)


class _Writer:
    """Writes a page's blocks as HTML; an empty link reads as the title of the page it points to."""

    def __init__(self, titles: Mapping[str, str]) -> None:
        self.titles = titles

    def _text(self, el: ET.Element) -> str:
        return html.escape(" ".join(inline(el, self.titles).split()), quote=False)

    def _blocks(self, el: ET.Element, depth: int, out: list[str]) -> None:
        """The HTML of ``el``'s block children, sections at heading level ``depth``."""
        for child in el:
            if not _skipped(child):
                self._block(child, depth, out)

    def _block(self, el: ET.Element, depth: int, out: list[str]) -> None:
        """The HTML of one block element."""
        name = _local(el.tag)
        if name == "section":
            self._blocks(el, depth + 1, out)
        elif name in ("list", "steps"):
            self._list(el, "ol" if name == "steps" else "ul", depth, out)
        elif name == "terms":
            self._terms(el, depth, out)
        elif name == "table":
            self._table(el, out)
        elif name in ("choose", "when", "else", "if") or name in _CONTAINERS:
            self._blocks(el, depth, out)
        elif text := self._text(el):
            if name in ("title", "subtitle"):
                out.append(f"<h{min(depth, 6)}>{text}</h{min(depth, 6)}>")
            elif name in ("code", "screen"):
                out.append(f"<pre>{text}</pre>")
            else:  # p, output, input and anything else that holds text
                out.append(f"<p>{text}</p>")

    def _list(self, el: ET.Element, tag: str, depth: int, out: list[str]) -> None:
        out.append(f"<{tag}>")
        for item in el:
            if _local(item.tag) == "item" and not _skipped(item):
                out.append("<li>")
                self._item(item, depth, out)
                out.append("</li>")
            elif _local(item.tag) == "title":
                out.append(f"<p>{self._text(item)}</p>")
        out.append(f"</{tag}>")

    def _terms(self, el: ET.Element, depth: int, out: list[str]) -> None:
        out.append("<dl>")
        for item in el:
            if _local(item.tag) == "title":
                out.append(f"<p>{self._text(item)}</p>")
            elif _local(item.tag) == "item" and not _skipped(item):
                for part in (p for p in item if not _skipped(p)):
                    if _local(part.tag) == "title":
                        out.append(f"<dt>{self._text(part)}</dt>")
                    else:
                        out.append("<dd>")
                        self._block(part, depth, out)
                        out.append("</dd>")
        out.append("</dl>")

    def _table(self, el: ET.Element, out: list[str]) -> None:
        """A row per line, each cell's paragraphs joined."""
        out.append("<table>")
        for row in el.iter(f"{MAL}tr"):
            cells = []
            for cell in row:
                if _local(cell.tag) in ("td", "th") and not _skipped(cell):
                    texts = [self._text(p) for p in cell if not _skipped(p)] or [self._text(cell)]
                    cells.append("<td>" + " ".join(t for t in texts if t) + "</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</table>")

    def _item(self, item: ET.Element, depth: int, out: list[str]) -> None:
        """A list item: its blocks, or its text when it holds inline content only."""
        if any(_local(c.tag) in ("p", "list", "steps", "note", "terms", "table", "code", "screen") for c in item):
            self._blocks(item, depth, out)
        else:
            text = self._text(item)
            if text:
                out.append(f"<p>{text}</p>")


def page_title(root: ET.Element) -> str:
    title = root.find(f"{MAL}title")
    return " ".join(inline(title).split()) if title is not None else ""


def to_html(xml_text: str, titles: Mapping[str, str] | None = None) -> str:
    """An HTML page of a Mallard page's text (``titles``: page id → title, for links without text)."""
    root = ET.fromstring(xml_text)
    title = html.escape(page_title(root), quote=False)
    body: list[str] = []
    _Writer(titles or {})._blocks(root, 1, body)
    return (
        f'<!DOCTYPE html>\n<html lang="ko">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n</head>\n<body>\n'
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def page_titles(pages: Mapping[str, str]) -> dict[str, str]:
    """Each page's title, by page id (the ``id`` attribute of ``<page>``), from page XML texts."""
    out = {}
    for text in pages.values():
        root = ET.fromstring(text)
        if root.get("id"):
            out[str(root.get("id"))] = page_title(root)
    return out
