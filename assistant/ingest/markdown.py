"""Markdown: ATX headings (``#`` … ``######``) outside fenced code, a FAQ's questions written as lines, and pipe tables."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.ingest.documents import Extracted, Heading
from assistant.ingest.plain import Line, holding_lines, reflow, split_lines, with_line_headings

_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")


_CLOSING_HASHES = re.compile(r"(?:^|[ \t])#+$")


_FENCE = re.compile(r" {0,3}(```|~~~)")


#: A line of indented code (or of a list item's code).
_INDENTED = re.compile(r"(?: {4}|\t)")


def _markdown_lines(text: str) -> tuple[list[Line], list[Line]]:
    """The lines of ``text`` outside fenced code blocks, and those inside (fences included)."""
    kept: list[Line] = []
    code: list[Line] = []
    fence: str | None = None
    for line in split_lines(text):
        match = _FENCE.match(line.text)
        if match and (fence is None or match.group(1) == fence):
            fence = match.group(1) if fence is None else None
            code.append(line)
        elif fence is None:
            kept.append(line)
        else:
            code.append(line)
    return kept, code


def _atx_heading(line: Line) -> Heading | None:
    match = _ATX.match(line.text)
    if match is None:
        return None
    body = line.text[match.end() :].rstrip()
    closing = _CLOSING_HASHES.search(body)
    if closing:
        body = body[: closing.start()]
    title = body.strip()
    if not title:
        return None
    start = line.start + match.end() + len(body) - len(body.lstrip())
    return Heading(len(match.group(1)), title, start, start + len(title))


def _close_run(run: Sequence[Line], spans: list[tuple[int, int]]) -> None:
    if len(run) >= 2:
        spans.append((run[0].start, run[-1].end))


def _markdown_tables(lines: Sequence[Line]) -> list[tuple[int, int]]:
    """Spans of runs of (at least two) consecutive lines starting with ``|``."""
    spans: list[tuple[int, int]] = []
    run: list[Line] = []
    for line in lines:
        is_row = line.text.lstrip().startswith("|")
        if is_row and run and line.start == run[-1].end + 1:
            run.append(line)
            continue
        _close_run(run, spans)
        run = [line] if is_row else []
    _close_run(run, spans)
    return spans


def extract_markdown(text: str, stem: str) -> Extracted:
    lines, code = _markdown_lines(text)
    headings = [heading for line in lines if (heading := _atx_heading(line))]
    title = next((h.title for h in headings if h.level == 1), stem)
    tables = _markdown_tables(lines)
    headings = with_line_headings(text, lines, headings, tables)
    # code, fenced or indented, keeps its lines; so do headings and tables
    held = [(line.start, line.end) for line in [*code, *(x for x in lines if _INDENTED.match(x.text))]]
    joined = reflow(text, [*held, *holding_lines(text, headings), *tables])
    return Extracted(joined.text, title, [joined.heading(h) for h in headings], [joined.span(*t) for t in tables])
