"""PDF: the text of every page (pypdf), headings found as in plain text; encrypted files are refused."""

from __future__ import annotations

import io
import unicodedata

from pypdf import PdfReader

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
    text = normalize_text("\n\n".join(pages))
    headings, _ = plain_structure(text, with_tables=False)
    joined = reflow(text, holding_lines(text, headings))
    return Extracted(joined.text, title, [joined.heading(h) for h in headings])
