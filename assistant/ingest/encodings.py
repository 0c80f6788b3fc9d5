"""Decoding a text file's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, CP949/EUC-KR.

Binary data is refused; the text comes back newline-normalized (``\\n``) and in Unicode NFC.

Also text that is not valid Unicode: a Python string may hold surrogate code points
(U+D800–U+DFFF) that no UTF-8 encoder accepts, from a JSON ``"\\ud800"``, from bytes decoded
with ``surrogateescape`` (file names, command-line arguments) or ``surrogatepass``. Kiwi,
sentencepiece and SQLite all fail on them, so they are found (:func:`first_surrogate`) and
refused at the edges, or replaced (:func:`replace_surrogates`, one character for one, so
offsets keep their meaning).
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata

from assistant.ingest.documents import Unreadable

#: Share of control characters above which a file is taken for binary data.
_MAX_CONTROL_SHARE = 0.10


_BINARY_SAMPLE = 65536


_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")


_BINARY_REASON = "텍스트가 아닌 바이너리 파일입니다(.txt, .md, .html, .pdf로 바꾸세요)"


_ENCODING_NAMES = {
    "utf-8-sig": "UTF-8 with BOM",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16 with BOM",
    "cp949": "CP949/EUC-KR",
}


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
        raise Unreadable(_BINARY_REASON)


def _candidate_encodings(raw: bytes) -> list[str]:
    """Encodings to try strictly, in order: UTF-8 with BOM, UTF-8, UTF-16 BOM, CP949."""
    if raw.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig", "cp949"]
    if _has_utf16_bom(raw):
        return ["utf-16"]
    return ["utf-8", "cp949"]


def decode(raw: bytes) -> str:
    """Decode a text file's bytes, or raise :class:`Unreadable` saying why not."""
    if not raw:
        raise Unreadable("빈 파일입니다")
    if not _has_utf16_bom(raw):
        _check_not_binary(raw)
    tried = _candidate_encodings(raw)
    for encoding in tried:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _control_share(text[:_BINARY_SAMPLE]) > _MAX_CONTROL_SHARE:
            raise Unreadable(_BINARY_REASON)
        return text
    names = ", ".join(_ENCODING_NAMES[name] for name in tried)
    raise Unreadable(f"텍스트를 읽을 수 없습니다({names}로 시도함). UTF-8로 저장하세요")


_SURROGATE = re.compile("[\ud800-\udfff]")


def first_surrogate(text: str) -> int | None:
    """Position of the first surrogate code point in ``text``; None when it is valid Unicode."""
    found = _SURROGATE.search(text)
    return found.start() if found else None


def replace_surrogates(text: str) -> str:
    """``text`` with every surrogate code point replaced by U+FFFD (the length is kept)."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def decode_name(name: str) -> str:
    """A file name as text: names that are not UTF-8 (``surrogateescape``) are read as CP949
    (archives made on Korean Windows), else with U+FFFD for the bytes that are neither."""
    if first_surrogate(name) is None:
        return name
    try:
        raw = os.fsencode(name)
    except UnicodeEncodeError:  # not from surrogateescape: nothing to recover
        return replace_surrogates(name)
    for encoding in ("utf-8", "cp949"):
        try:
            return unicodedata.normalize("NFC", raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    return replace_surrogates(name)


def normalize_text(text: str) -> str:
    """``\\r\\n`` and ``\\r`` become ``\\n``; then Unicode NFC. Nothing else changes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)
