"""Read the corpus: find the documents, decode them, and recover their structure.

Supported formats are plain text, Markdown, HTML and PDF. Every loader returns a
:class:`~assistant.documents.Document` whose ``text`` is newline-normalized (``\\n``) and
Unicode NFC; heading and table offsets refer to that text. A file that cannot be read
raises :class:`~assistant.errors.DocumentReadError`; :func:`load_corpus` turns those into
:class:`~assistant.documents.Skipped` entries and carries on.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString, Tag, XMLParsedAsHTMLWarning
from bs4.element import PreformattedString
from pypdf import PdfReader

from assistant.documents import Document, Heading, Skipped
from assistant.errors import CorpusError, DocumentReadError

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf"})

_SUFFIX_LIST = ".txt/.md/.html/.pdf"
_MARKDOWN = frozenset({".md", ".markdown"})
_HTML = frozenset({".html", ".htm"})

#: Share of control characters above which a file is taken for binary data.
_MAX_CONTROL_SHARE = 0.10
_BINARY_SAMPLE = 65536
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_BINARY_REASON = "binary file, not text (convert it to .txt, .md, .html or .pdf)"
_ENCODING_NAMES = {
    "utf-8-sig": "UTF-8 with BOM",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16 with BOM",
    "cp949": "CP949/EUC-KR",
}

#: Longest line (after stripping) that can be a plain-text heading.
_MAX_HEADING_CHARS = 60
_MIN_TABLE_ROWS = 3

_SENTENCE_ENDINGS = (".", "?", "!", "。", "…", "？", "！", "．", "니다")
_CLOSERS = "\"'”’」』)]}›»"
_BULLETS = "•-*·▪○●◦■□◆◇▶►‣–"
_CONTINUATIONS = (",", ";", ":", "，", "、")

_NUMBERED_LEVELS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"제\s*\d+\s*[편부장](?=[\s.:]|$)"), 1),
    (re.compile(r"제\s*\d+\s*절(?=[\s.:]|$)"), 2),
    (re.compile(r"[Ⅰ-Ⅻ]+\.?\s+\S"), 1),
    (re.compile(r"[IVX]{1,4}\.\s+\S"), 1),
    (re.compile(r"[가나다라마바사아자차카타파하]\.\s+\S"), 2),
    (re.compile(r"\(?\d{1,2}\)\s+\S"), 3),
)
_DOTTED_NUMBER = re.compile(r"(\d{1,3}(?:\.\d{1,3})+)\.?\s+\S|(\d{1,3})\.(?!\d)\s*\S")
_DATE = re.compile(r"\d{4}\s*[.\-/년]\s*\d{1,2}\s*[.\-/월]\s*\d{1,2}")
_TIME = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")
_DATE_ONLY = re.compile(r"(?:[\d\s.,:/\-~()]|[년월일시분초]|AM|PM|오전|오후)+", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+$", re.IGNORECASE)
_BLANK = re.compile(r"[\s\u200b\ufeff]*")

_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t])#+$")
_FENCE = re.compile(r" {0,3}(```|~~~)")

_HTML_DROP = frozenset({"script", "style", "noscript", "head", "template", "svg", "iframe", "canvas"})
_HTML_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_HTML_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog", "div", "dl", "dt"}
    | {"fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "hr", "html", "legend", "li"}
    | {"main", "nav", "ol", "p", "section", "summary", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
)


class _Unreadable(Exception):
    """Raised by the format helpers; :func:`load_document` adds the path."""


@dataclass
class _Extracted:
    """What a format extractor recovers from a file's bytes."""

    text: str
    title: str
    headings: list[Heading] = field(default_factory=list)
    tables: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class _Line:
    """One line of a text, without its newline, and where it starts."""

    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


# ---------------------------------------------------------------------------
# Public API


def is_supported(path: Path) -> bool:
    """Whether ``path`` has one of the :data:`SUPPORTED_SUFFIXES` (any letter case)."""
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def doc_id_for(path: Path, root: Path) -> str:
    """The document id of ``path``: its path relative to ``root``, with ``/`` separators.

    When ``root`` is the file itself (or does not contain it), the file name is used.
    """
    try:
        relative = path.relative_to(root)
    except ValueError:
        return path.name
    return relative.as_posix() if relative.parts else path.name


def iter_corpus_files(root: Path) -> list[Path]:
    """The files :func:`load_corpus` would load, in a deterministic (sorted) order.

    Hidden files and folders (names starting with ``.``) and unsupported suffixes are
    left out. Raises :class:`CorpusError` when ``root`` is missing or holds no supported
    file at all.
    """
    if not root.exists():
        raise CorpusError(
            f"Corpus folder {root} does not exist.",
            hint="Check the path, or set ASSISTANT_CORPUS_DIR.",
        )
    if root.is_file():
        files = [root] if is_supported(root) else []
    else:
        files = sorted(_walk_supported(root), key=lambda p: p.relative_to(root).as_posix())
    if not files:
        raise CorpusError(
            f"{root} holds no {_SUFFIX_LIST} files.",
            hint="Put the documents to search in that folder (sub-folders are included).",
        )
    return files


def load_document(path: Path, root: Path) -> Document:
    """Load one file. Raises :class:`DocumentReadError` when it cannot be read."""
    shown = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentReadError(shown, f"unsupported file type {suffix or '(no suffix)'}")
    raw = _read_bytes(path)
    try:
        extracted = _extract(raw, suffix, unicodedata.normalize("NFC", path.stem))
    except _Unreadable as exc:
        raise DocumentReadError(shown, str(exc)) from None
    if not extracted.text.strip():
        raise DocumentReadError(shown, "no text after extraction (empty document)")
    return Document(
        doc_id=doc_id_for(path, root),
        path=shown,
        title=extracted.title,
        text=extracted.text,
        headings=extracted.headings,
        tables=extracted.tables,
        fingerprint=hashlib.sha256(raw).hexdigest(),
        mtime=_mtime(path),
    )


def load_corpus(root: Path) -> tuple[list[Document], list[Skipped]]:
    """Load every supported file under ``root`` (a folder or a single file).

    A file that fails becomes a :class:`Skipped` entry and never stops the run; when all
    of them fail the document list is empty and the caller decides what to do.
    """
    skipped: list[Skipped] = []
    documents = list(iter_documents(root, iter_corpus_files(root), skipped.append))
    return documents, skipped


def iter_documents(root: Path, files: Iterable[Path], on_skip: Callable[[Skipped], None]) -> Iterator[Document]:
    """Load ``files`` one at a time; a file that fails goes to ``on_skip`` and never stops the run."""
    for path in files:
        try:
            yield load_document(path, root)
        except DocumentReadError as exc:
            on_skip(Skipped(exc.path, exc.reason))
        except Exception as exc:  # one bad file must never abort the run
            on_skip(Skipped(str(path), f"unexpected error: {type(exc).__name__}: {exc}"))


# ---------------------------------------------------------------------------
# Finding and reading files


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _walk_supported(root: Path) -> Iterator[Path]:
    if not os.access(root, os.R_OK | os.X_OK):
        raise CorpusError(f"Corpus folder {root} cannot be read (permission denied).")
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = [name for name in dirnames if not _is_hidden(name)]
        for name in filenames:
            path = Path(folder, name)
            if not _is_hidden(name) and is_supported(path) and path.is_file():
                yield path


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except PermissionError:
        raise DocumentReadError(str(path), "permission denied") from None
    except FileNotFoundError:
        raise DocumentReadError(str(path), "file not found") from None
    except IsADirectoryError:
        raise DocumentReadError(str(path), "is a folder, not a file") from None
    except OSError as exc:
        raise DocumentReadError(str(path), f"cannot read file: {exc.strerror or exc}") from None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _extract(raw: bytes, suffix: str, stem: str) -> _Extracted:
    if suffix == ".pdf":
        return _extract_pdf(raw, stem)
    text = _normalize(_decode(raw))
    if suffix in _MARKDOWN:
        return _extract_markdown(text, stem)
    if suffix in _HTML:
        return _extract_html(text, stem)
    return _extract_plain(text, stem)


# ---------------------------------------------------------------------------
# Decoding


def _is_control(char: str) -> bool:
    """C0 control characters and DEL, except the usual layout ones (tab, newline, ...)."""
    return (char < " " or char == "\x7f") and char not in _ALLOWED_CONTROLS


def _control_share(sample: str) -> float:
    if not sample:
        return 0.0
    return sum(1 for char in sample if _is_control(char)) / len(sample)


def _has_utf16_bom(raw: bytes) -> bool:
    return raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _check_not_binary(raw: bytes) -> None:
    """Reject NUL bytes or many control bytes (valid for UTF-8 and CP949, not UTF-16)."""
    sample = raw[:_BINARY_SAMPLE]
    if b"\x00" in sample or _control_share(sample.decode("latin-1")) > _MAX_CONTROL_SHARE:
        raise _Unreadable(_BINARY_REASON)


def _candidate_encodings(raw: bytes) -> list[str]:
    """Encodings to try strictly, in order: UTF-8 with BOM, UTF-8, UTF-16 BOM, CP949."""
    if raw.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig", "cp949"]
    if _has_utf16_bom(raw):
        return ["utf-16"]
    return ["utf-8", "cp949"]


def _decode(raw: bytes) -> str:
    """Decode a text file's bytes, or raise :class:`_Unreadable` saying why not."""
    if not raw:
        raise _Unreadable("empty file")
    if not _has_utf16_bom(raw):
        _check_not_binary(raw)
    tried = _candidate_encodings(raw)
    for encoding in tried:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _control_share(text[:_BINARY_SAMPLE]) > _MAX_CONTROL_SHARE:
            raise _Unreadable(_BINARY_REASON)
        return text
    names = ", ".join(_ENCODING_NAMES[name] for name in tried)
    raise _Unreadable(f"cannot decode the text (tried {names}); save it as UTF-8")


def _normalize(text: str) -> str:
    """``\\r\\n`` and ``\\r`` become ``\\n``; then Unicode NFC. Nothing else changes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------------------
# Lines, blocks and line classification (plain text)


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    for piece in text.split("\n"):
        lines.append(_Line(offset, piece))
        offset += len(piece) + 1
    return lines


def _is_blank(line: str) -> bool:
    return _BLANK.fullmatch(line) is not None


def _blocks(lines: Sequence[_Line]) -> list[list[_Line]]:
    """Paragraph blocks: runs of non-blank lines between blank (or whitespace) lines."""
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if _is_blank(line.text):
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _ends_sentence(line: str) -> bool:
    tail = line.rstrip().rstrip(_CLOSERS)
    return tail.endswith(_SENTENCE_ENDINGS)


def _is_bullet(line: str) -> bool:
    first = line.lstrip()[:1]
    return bool(first) and first in _BULLETS


def _is_date_like(text: str) -> bool:
    """Dates, times and numbers alone, or a date-and-time stamp line (a byline)."""
    if _DATE_ONLY.fullmatch(text) and any(char.isdigit() for char in text):
        return True
    return bool(_DATE.search(text) and _TIME.search(text))


def _looks_like_heading(text: str) -> bool:
    """``text`` is a stripped line; could it be a heading by its form alone?"""
    return (
        0 < len(text) <= _MAX_HEADING_CHARS
        and not _ends_sentence(text)
        and not text.endswith(_CONTINUATIONS)
        and not _is_bullet(text)
        and not _is_date_like(text)
        and not _URL.match(text)
        and any(char.isalpha() for char in text)
    )


def _numbered_level(text: str) -> int | None:
    """Depth of a heading number ("1." → 1, "1.2" → 2, "제1장" → 1, "가." → 2), if any."""
    match = _DOTTED_NUMBER.match(text)
    if match:
        number = match.group(1) or match.group(2)
        return number.count(".") + 1
    for pattern, level in _NUMBERED_LEVELS:
        if pattern.match(text):
            return level
    return None


# ---------------------------------------------------------------------------
# Plain-text tables and headings


def _is_table_row(line: str) -> bool:
    return not _ends_sentence(line) and not _is_bullet(line)


def _block_table_runs(block: Sequence[_Line]) -> list[tuple[int, int]]:
    """Line-index ranges of flattened tables in one block.

    A table is a maximal run of at least three lines that neither end a sentence nor
    are bullets. A run directly followed by a sentence-ending line of the same block is
    a hard-wrapped sentence instead, and is not a table.
    """
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(block):
        end = index
        while end < len(block) and _is_table_row(block[end].text):
            end += 1
        wrapped = end < len(block) and _ends_sentence(block[end].text)
        if end - index >= _MIN_TABLE_ROWS and not wrapped:
            runs.append((index, end))
        index = max(end, index + 1)
    return runs


def _plain_tables(blocks: Sequence[Sequence[_Line]]) -> list[tuple[int, int]]:
    """``(start, end)`` spans of tables flattened into plain-text lines."""
    spans: list[tuple[int, int]] = []
    for block in blocks:
        for first, stop in _block_table_runs(block):
            spans.append((block[first].start, block[stop - 1].end))
    return spans


def _heading_line(block: Sequence[_Line], is_last_block: bool) -> _Line | None:
    """The line of ``block`` that may be a heading, judged by position only.

    A one-line block qualifies. So does the last line of a longer block that is not the
    document's last block when the line before it ends a sentence: scraped pages often
    keep the blank line after a heading but lose the one before it.
    """
    if len(block) == 1:
        return block[0]
    if not is_last_block and _ends_sentence(block[-2].text):
        return block[-1]
    return None


def _in_spans(offset: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _stripped_span(line: _Line) -> tuple[int, int]:
    start = line.start + len(line.text) - len(line.text.lstrip())
    return start, line.start + len(line.text.rstrip())


def _heading_candidates(blocks: Sequence[Sequence[_Line]], tables: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans (stripped) of the lines that are headings, before levels are assigned."""
    spans: list[tuple[int, int]] = []
    for number, block in enumerate(blocks):
        line = _heading_line(block, number == len(blocks) - 1)
        if line is None or _in_spans(line.start, tables):
            continue
        if _looks_like_heading(line.text.strip()):
            spans.append(_stripped_span(line))
    return spans


def _assign_levels(text: str, spans: Sequence[tuple[int, int]]) -> list[Heading]:
    """Numbered headings get their number's depth; others go one below the last one."""
    headings: list[Heading] = []
    last_numbered: int | None = None
    for start, end in spans:
        title = text[start:end]
        level = _numbered_level(title)
        if level is not None:
            last_numbered = level
        else:
            level = last_numbered + 1 if last_numbered is not None else 1
        headings.append(Heading(level, title, start, end))
    return headings


def _plain_structure(text: str, *, with_tables: bool = True) -> tuple[list[Heading], list[tuple[int, int]]]:
    blocks = _blocks(_split_lines(text))
    tables = _plain_tables(blocks) if with_tables else []
    return _assign_levels(text, _heading_candidates(blocks, tables)), tables


def _extract_plain(text: str, stem: str) -> _Extracted:
    headings, tables = _plain_structure(text)
    return _Extracted(text, stem.replace("_", " ").strip() or stem, headings, tables)


# ---------------------------------------------------------------------------
# Markdown


def _markdown_lines(text: str) -> list[_Line]:
    """The lines of ``text`` outside fenced code blocks."""
    kept: list[_Line] = []
    fence: str | None = None
    for line in _split_lines(text):
        match = _FENCE.match(line.text)
        if match and (fence is None or match.group(1) == fence):
            fence = match.group(1) if fence is None else None
        elif fence is None:
            kept.append(line)
    return kept


def _atx_heading(line: _Line) -> Heading | None:
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


def _close_run(run: Sequence[_Line], spans: list[tuple[int, int]]) -> None:
    if len(run) >= 2:
        spans.append((run[0].start, run[-1].end))


def _markdown_tables(lines: Sequence[_Line]) -> list[tuple[int, int]]:
    """Spans of runs of (at least two) consecutive lines starting with ``|``."""
    spans: list[tuple[int, int]] = []
    run: list[_Line] = []
    for line in lines:
        is_row = line.text.lstrip().startswith("|")
        if is_row and run and line.start == run[-1].end + 1:
            run.append(line)
            continue
        _close_run(run, spans)
        run = [line] if is_row else []
    _close_run(run, spans)
    return spans


def _extract_markdown(text: str, stem: str) -> _Extracted:
    lines = _markdown_lines(text)
    headings = [heading for line in lines if (heading := _atx_heading(line))]
    title = next((h.title for h in headings if h.level == 1), stem)
    return _Extracted(text, title, headings, _markdown_tables(lines))


# ---------------------------------------------------------------------------
# HTML


def _collapse(text: str) -> str:
    return " ".join(text.split())


@dataclass
class _TextBuilder:
    """Accumulates HTML blocks into one text, one block per line, recording spans."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    inline: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    tables: list[tuple[int, int]] = field(default_factory=list)

    def add_block(self, block: str) -> tuple[int, int]:
        if self.parts:
            self.parts.append("\n")
            self.length += 1
        start = self.length
        self.parts.append(block)
        self.length += len(block)
        return start, self.length

    def flush(self) -> None:
        lines = [_collapse(line) for line in "".join(self.inline).split("\n")]
        self.inline = []
        block = "\n".join(line for line in lines if line)
        if block:
            self.add_block(block)

    def text(self) -> str:
        self.flush()
        return "".join(self.parts)


def _cell_text(cell: Tag) -> str:
    return _collapse(cell.get_text(" "))


def _table_rows(table: Tag) -> list[str]:
    """One `` | ``-joined line per row that has text; nested tables stay in their cell."""
    rows: list[str] = []
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table:
            continue
        cells = [_cell_text(cell) for cell in row.find_all(["td", "th"], recursive=False)]
        if any(cells):
            rows.append(" | ".join(cells))
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
        out.tables.append(out.add_block("\n".join(rows)))


def _add_heading(tag: Tag, level: int, out: _TextBuilder) -> None:
    out.flush()
    title = _collapse(tag.get_text(" "))
    if title:
        start, end = out.add_block(title)
        out.headings.append(Heading(level, title, start, end))


def _add_pre(tag: Tag, out: _TextBuilder) -> None:
    out.flush()
    lines = [line.rstrip() for line in tag.get_text().split("\n")]
    block = "\n".join(lines).strip("\n")
    if block.strip():
        out.add_block(block)


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
    for child in node.children:
        if isinstance(child, Tag):
            _visit(child, out)
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            out.inline.append(str(child))


def _is_invisible(tag: Tag) -> bool:
    if tag.name in _HTML_DROP or tag.has_attr("hidden"):
        return True
    style = str(tag.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _html_title(soup: BeautifulSoup, stem: str) -> str:
    """The document's ``<title>`` (not an SVG's), else the first ``<h1>``, else ``stem``."""
    titles = [tag for tag in soup.find_all("title") if tag.find_parent("svg") is None]
    for found in (*titles[:1], soup.find("h1")):
        if isinstance(found, Tag) and (title := _collapse(found.get_text(" "))):
            return title
    return stem


def _extract_html(html: str, stem: str) -> _Extracted:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "html.parser")
    title = _html_title(soup, stem)
    for tag in soup.find_all(_is_invisible):
        if not tag.decomposed:
            tag.decompose()
    out = _TextBuilder()
    try:
        _walk_html(soup, out)
    except RecursionError:
        raise _Unreadable("HTML is nested too deeply to read") from None
    return _Extracted(out.text(), title, out.headings, out.tables)


# ---------------------------------------------------------------------------
# PDF


def _open_pdf(raw: bytes) -> PdfReader:
    reader = PdfReader(io.BytesIO(raw))
    if reader.is_encrypted and not reader.decrypt(""):
        raise _Unreadable("encrypted PDF (a password is needed)")
    return reader


def _pdf_title(reader: PdfReader, stem: str) -> str:
    metadata = reader.metadata
    title = metadata.title if metadata is not None else None
    if isinstance(title, str) and title.strip():
        return unicodedata.normalize("NFC", title.strip())
    return stem


def _extract_pdf(raw: bytes, stem: str) -> _Extracted:
    try:
        reader = _open_pdf(raw)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = _pdf_title(reader, stem)
    except _Unreadable:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise _Unreadable(f"broken PDF ({type(exc).__name__}: {exc})") from None
    text = _normalize("\n\n".join(pages))
    headings, _ = _plain_structure(text, with_tables=False)
    return _Extracted(text, title, headings)
