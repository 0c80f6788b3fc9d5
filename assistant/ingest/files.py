"""Find the corpus files and load each one as a :class:`~assistant.ingest.documents.Document`.

Supported formats are plain text, Markdown, HTML, PDF, Word (.docx), 한글 (.hwpx, .hwp), OpenDocument
(.odt, .ods, .odp), PowerPoint (.pptx), Excel (.xlsx) and CSV/TSV. The older binary formats (.doc, .ppt, .xls) are found and reported as
skipped, with how to save them. Every loader returns a
:class:`~assistant.ingest.documents.Document` whose ``text`` is newline-normalized (``\\n``) and
Unicode NFC; heading and table offsets refer to that text. A file that cannot be read
raises :class:`~assistant.errors.DocumentReadError`; :func:`load_corpus` turns those into
:class:`~assistant.ingest.documents.Skipped` entries and carries on.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from assistant.errors import CorpusError, DocumentReadError
from assistant.ingest.documents import Document, Extracted, Skipped, Unreadable
from assistant.ingest.encodings import decode, decode_name, normalize_text, replace_surrogates
from assistant.ingest.markdown import extract_markdown
from assistant.ingest.plain import extract_plain

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {
        ".txt",
        ".md",
        ".markdown",
        ".html",
        ".htm",
        ".pdf",
        ".docx",
        ".hwpx",
        ".doc",
        ".hwp",
        ".odt",
        ".ods",
        ".odp",
        ".pptx",
        ".ppt",
        ".xlsx",
        ".xls",
        ".csv",
        ".tsv",
    }
)

_SUFFIX_LIST = ".txt/.md/.html/.pdf/.docx/.hwpx/.hwp/.odt/.odp/.ods/.pptx/.xlsx/.csv"
_MARKDOWN = frozenset({".md", ".markdown"})
_HTML = frozenset({".html", ".htm"})


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
        return decode_name(path.name)
    return decode_name(relative.as_posix() if relative.parts else path.name)


def iter_corpus_files(root: Path) -> list[Path]:
    """The files :func:`load_corpus` would load, in a deterministic (sorted) order.

    Hidden files and folders (names starting with ``.``) and unsupported suffixes are
    left out. Raises :class:`CorpusError` when ``root`` is missing or holds no supported
    file at all.
    """
    if not root.exists():
        raise CorpusError(
            f"문서 폴더 {_absolute(root)}가 없습니다.",
            hint="경로를 확인하거나 ASSISTANT_CORPUS_DIR를 설정하세요.",
        )
    if root.is_file():
        files = [root] if is_supported(root) else []
    else:
        files = sorted(_walk_supported(root), key=lambda p: p.relative_to(root).as_posix())
    if not files:
        raise CorpusError(
            f"{_absolute(root)}에 {_SUFFIX_LIST} 파일이 없습니다.",
            hint="검색할 문서를 그 폴더에 넣으세요(하위 폴더도 읽습니다).",
        )
    return files


def load_document(path: Path, root: Path) -> Document:
    """Load one file. Raises :class:`DocumentReadError` when it cannot be read.

    A file name that is not UTF-8 is read as CP949 (:func:`decode_name`); whatever a reader
    returns that is not valid Unicode (a PDF's broken character map) becomes U+FFFD.
    """
    shown = decode_name(str(path))
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentReadError(shown, f"지원하지 않는 파일 형식 {suffix or '(확장자 없음)'}")
    raw = _read_bytes(path)
    try:
        extracted = _extract(raw, suffix, unicodedata.normalize("NFC", decode_name(path.stem)))
    except Unreadable as exc:
        raise DocumentReadError(shown, str(exc)) from None
    if not extracted.text.strip():
        raise DocumentReadError(shown, "꺼낸 텍스트가 없습니다(빈 문서)")
    return Document(
        doc_id=doc_id_for(path, root),
        path=shown,
        title=replace_surrogates(extracted.title),
        text=replace_surrogates(extracted.text),
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
            on_skip(Skipped(decode_name(exc.path), replace_surrogates(exc.reason)))
        except Exception as exc:  # one bad file must never abort the run
            reason = replace_surrogates(f"unexpected error: {type(exc).__name__}: {exc}")
            on_skip(Skipped(decode_name(str(path)), reason))


# ---------------------------------------------------------------------------
# Finding and reading files


def _absolute(path: Path) -> str:
    """A folder as messages name it: from the root, wherever the command runs."""
    return os.path.abspath(path)


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _walk_supported(root: Path) -> Iterator[Path]:
    if not os.access(root, os.R_OK | os.X_OK):
        raise CorpusError(f"문서 폴더 {_absolute(root)}를 읽을 권한이 없습니다.")
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
        raise DocumentReadError(str(path), "읽을 권한이 없습니다") from None
    except FileNotFoundError:
        raise DocumentReadError(str(path), "파일이 없습니다") from None
    except IsADirectoryError:
        raise DocumentReadError(str(path), "파일이 아니라 폴더입니다") from None
    except OSError as exc:
        raise DocumentReadError(str(path), f"파일을 읽을 수 없습니다: {exc.strerror or exc}") from None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _extract(raw: bytes, suffix: str, stem: str) -> Extracted:
    """The text and structure of a file's bytes, by the format its suffix names.

    The HTML, PDF, office and spreadsheet readers are imported here: their libraries take a tenth of a
    second to import.
    """
    if suffix == ".pdf":
        from assistant.ingest.pdf import extract_pdf

        return extract_pdf(raw, stem)
    if suffix in (".docx", ".hwpx", ".doc", ".hwp"):
        from assistant.ingest import office

        if suffix in office.BINARY_HINTS:
            raise Unreadable(office.BINARY_HINTS[suffix])
        extract = {".docx": office.extract_docx, ".hwpx": office.extract_hwpx, ".hwp": office.extract_hwp}[suffix]
        return extract(raw, stem)
    if suffix in (".odt", ".ods", ".odp"):
        from assistant.ingest import opendocument

        readers = {".odt": opendocument.extract_odt, ".ods": opendocument.extract_ods, ".odp": opendocument.extract_odp}
        return readers[suffix](raw, stem)
    if suffix in (".pptx", ".ppt"):
        from assistant.ingest import slides

        if suffix in slides.BINARY_HINTS:
            raise Unreadable(slides.BINARY_HINTS[suffix])
        return slides.extract_pptx(raw, stem)
    if suffix in (".xlsx", ".xls"):
        from assistant.ingest import sheets

        if suffix in sheets.BINARY_HINTS:
            raise Unreadable(sheets.BINARY_HINTS[suffix])
        return sheets.extract_xlsx(raw, stem)
    text = normalize_text(decode(raw))
    if suffix in (".csv", ".tsv"):
        from assistant.ingest.sheets import extract_delimited

        return extract_delimited(text, stem, "\t" if suffix == ".tsv" else ",")
    if suffix in _MARKDOWN:
        return extract_markdown(text, stem)
    if suffix in _HTML:
        from assistant.ingest.html import extract_html

        return extract_html(text, stem)
    return extract_plain(text, stem)


# ---------------------------------------------------------------------------
# Decoding


# ---------------------------------------------------------------------------
# Lines, blocks and line classification (plain text)


# ---------------------------------------------------------------------------
# Plain-text tables and headings


# ---------------------------------------------------------------------------
# Markdown


# ---------------------------------------------------------------------------
# HTML


# ---------------------------------------------------------------------------
# PDF
