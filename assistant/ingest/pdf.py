"""PDF: the text of every page (pypdf), headings found as in plain text; encrypted files are refused."""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from pypdf import PdfReader

from assistant.ingest.blocks import collapse
from assistant.ingest.documents import Extracted, Unreadable
from assistant.ingest.encodings import normalize_text
from assistant.ingest.plain import holding_lines, plain_structure, reflow


def _open_pdf(raw: bytes) -> PdfReader:
    reader = PdfReader(io.BytesIO(raw))
    if reader.is_encrypted and not reader.decrypt(""):
        raise Unreadable("암호가 걸린 PDF입니다(비밀번호가 필요합니다)")
    return reader


def _pdf_title(reader: PdfReader, stem: str) -> str:
    metadata = reader.metadata
    title = metadata.title if metadata is not None else None
    if isinstance(title, str) and title.strip():
        return unicodedata.normalize("NFC", title.strip())
    return stem


def extract_pdf(raw: bytes, stem: str) -> Extracted:
    try:
        reader = _open_pdf(raw)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = _pdf_title(reader, stem)
    except Unreadable:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise Unreadable(f"손상된 PDF입니다({type(exc).__name__}: {exc})") from None
    text = normalize_text("\n\n".join(without_running_lines(pages)))
    headings, _ = plain_structure(text, with_tables=False)
    joined = reflow(text, holding_lines(text, headings))
    return Extracted(joined.text, title, [joined.heading(h) for h in headings])


#: How many lines at the top and at the bottom of a page may be its running header or footer.
_EDGE_LINES = 2
#: A line is running when it opens or closes at least this many pages, and half of them.
_RUNNING_PAGES = 3
_DIGITS = re.compile(r"\d+")


def without_running_lines(pages: Sequence[str]) -> list[str]:
    """The pages without their running headers and footers: a line among the first or last
    :data:`_EDGE_LINES` of a page that is found there on at least :data:`_RUNNING_PAGES` pages and
    on half of them, its numbers aside ("2025 사업계획서", "- 3 -", "3 / 12"). Only the first page
    keeps it (a title that runs on every page is the document's title there). Read as text, a
    running line would be a heading on every page, inside whatever section the page goes on."""
    edges = [_edges(page) for page in pages]
    seen = Counter(key for page in edges for key in {_key(line) for line in page})
    running = {key for key, n in seen.items() if n >= max(_RUNNING_PAGES, len(pages) / 2)}
    if not running:
        return list(pages)
    out = [pages[0]]
    for page, edge in zip(pages[1:], edges[1:], strict=True):
        drop = {line for line in edge if _key(line) in running}
        out.append("\n".join(line for line in page.split("\n") if line.strip() not in drop))
    return out


#: A running header or footer is short: a title, a date, a page number.
_RUNNING_CHARS = 60


def _edges(page: str) -> list[str]:
    lines = [line.strip() for line in page.split("\n") if line.strip()]
    edge = lines[:_EDGE_LINES] + lines[_EDGE_LINES:][-_EDGE_LINES:]
    return [line for line in edge if len(line) <= _RUNNING_CHARS]


def _key(line: str) -> str:
    return _DIGITS.sub("#", collapse(line))
