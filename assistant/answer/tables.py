"""Questions a table answers by its rows: the row that holds the most or the least of something
("제일 싼 요금제는?", "용량 가장 큰 건?"), and the rows themselves when a list of what the first
column names is asked ("요금제 종류 알려줘"). The documents' tables are read row by row and value by
value, so the answer is the rows, not the sentences next to the table that share the most words.

A question asks for an extreme when it says 제일/가장/젤 before a word of size, amount or price
(싸다, 많다, 크다 …) or names 최대, 최소, 최저, 최고. The column is the one whose header the question
names ("용량" → "저장 용량"); asked how cheap or dear, the column of prices. A cell is read as a
number with its scale (9,900원, 2억 원, 200GB, 2TB); 무료 is 0 and 무제한 more than any number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer.summarize import Candidate, cells, labels_only
from assistant.text.chunking import PATH_SEPARATOR

#: Words after 제일/가장 that ask for the least: price, amount, size, length, height.
_LEAST = ("싸", "싼", "저렴", "적", "작", "짧", "낮", "가벼", "가볍", "최소", "최저")
#: ... and for the most.
_MOST = ("비싸", "비싼", "크", "큰", "많", "길", "긴", "높", "무거", "최대", "최고", "넓")
#: Words that ask how cheap or dear: the column of prices answers.
_PRICE_WORDS = ("싸", "싼", "저렴", "비싸", "비싼")
_PRICE_HEADER = re.compile(r"요금|가격|비용|금액|단가|값|원\)?$")

_SUPERLATIVE = re.compile(r"(?:제일|가장|젤)\s*(\S+)")
_BARE = re.compile(r"(최대|최소|최저|최고)(?!한)")

#: A number with its Korean scale and a unit of data, as tables write them.
_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(억|천만|백만|만|천)?\s*(KB|MB|GB|TB|PB)?", re.IGNORECASE)
_SCALE = {"억": 1e8, "천만": 1e7, "백만": 1e6, "만": 1e4, "천": 1e3}
_BYTES = {"kb": 1.0, "mb": 1024.0, "gb": 1024.0**2, "tb": 1024.0**3, "pb": 1024.0**4}
_FREE = re.compile(r"^\s*(?:무료|없음|0)\s*$")
_UNLIMITED = re.compile(r"무제한|제한\s*없")


@dataclass(frozen=True)
class Extreme:
    """What a superlative question asks: the most (``most``) or the least, of what its ``words`` name."""

    most: bool
    price: bool
    words: tuple[str, ...]


def asked_extreme(question: str) -> Extreme | None:
    """The extreme a question asks for, or None ("제일 싼 요금제는?" → the least, by price)."""
    m = _SUPERLATIVE.search(question)
    word = m.group(1) if m else ""
    bare = _BARE.search(question)
    if not word and bare:
        word = bare.group(1)
    if not word:
        return None
    if word.startswith(_LEAST):
        most = False
    elif word.startswith(_MOST):
        most = True
    else:
        return None
    rest = question[: m.start()] + " " + question[m.end() :] if m else question
    words = tuple(w for w in re.findall(r"[가-힣A-Za-z]{2,}", rest))
    return Extreme(most, word.startswith(_PRICE_WORDS), words)


def value(cell: str) -> float | None:
    """The number a cell holds, on one scale for its unit ("9,900원" → 9900, "2TB" → 2·1024³ KB,
    "무료" → 0, "무제한" → ∞); None when it holds none."""
    if _UNLIMITED.search(cell):
        return math.inf
    if _FREE.match(cell) or "무료" in cell:
        return 0.0
    m = _NUMBER.search(cell)
    if not m:
        return None
    number = float(m.group(1).replace(",", ""))
    if m.group(2):
        number *= _SCALE[m.group(2)]
    if m.group(3):
        number *= _BYTES[m.group(3).lower()]
    return number


def _header(row: Candidate) -> str:
    """The header row a table's row was read under (see
    :func:`~assistant.answer.summarize.with_table_headers`), or ""."""
    last = row.section.split(PATH_SEPARATOR)[-1]
    return last if cells(last) == cells(row.text) and labels_only(last) else ""


def _column(header: Sequence[str], rows: Sequence[Sequence[str]], asked: Extreme) -> int | None:
    """The column that answers: the one whose header the question names, else (asked how cheap or
    dear) the one of prices; never the first (it names the rows), never one without numbers."""

    def numeric(j: int) -> bool:
        return sum(value(r[j]) is not None for r in rows) >= max(2, len(rows) - 1)

    named = [j for j, h in enumerate(header) if j > 0 and numeric(j) and any(_names(asked.words, w) for w in h.split())]
    if named:
        return named[0]
    if asked.price:
        priced = [j for j, h in enumerate(header) if j > 0 and numeric(j) and _PRICE_HEADER.search(h.strip())]
        if priced:
            return priced[0]
        won = [j for j in range(1, len(header)) if numeric(j) and any("원" in r[j] or "무료" in r[j] for r in rows)]
        return won[0] if won else None
    return None


#: Particles a question's word may carry after a header's word ("용량은" names 용량).
_PARTICLES = frozenset(
    ["", "은", "는", "이", "가", "을", "를", "도", "의", "만", "이랑", "랑", "에", "에는", "엔", "으로", "로", "와", "과",
     "들", "들은", "들이", "들을", "들에는"]
)  # fmt: skip


def _names(words: Sequence[str], header_word: str) -> bool:
    """Whether one of a question's ``words`` is ``header_word``, with a particle at most."""
    return len(header_word) >= 2 and any(
        w.startswith(header_word) and w[len(header_word) :] in _PARTICLES for w in words
    )


def extreme_rows(candidates: Sequence[Candidate], asked: Extreme) -> list[Candidate]:
    """The rows of the first table among ``candidates`` (by passage rank) holding the extreme value
    asked for, in the column that answers; [] when no table answers."""
    tables: dict[tuple[int, str, str], list[Candidate]] = {}
    for c in candidates:
        header = _header(c) if cells(c.text) > 1 else ""
        if header:
            tables.setdefault((c.citation, c.doc_id, header), []).append(c)
    for (_, _, header), rows in sorted(tables.items(), key=lambda kv: kv[0][0]):
        unique = list({r.start: r for r in rows}.values())
        split = [[cell.strip() for cell in r.text.split("|")] for r in unique]
        names = [h.strip() for h in header.split("|")]
        col = _column(names, split, asked) if len(unique) >= 2 else None
        if col is None:
            continue
        values = [value(cells_[col]) if col < len(cells_) else None for cells_ in split]
        known = [v for v in values if v is not None]
        if len(known) < 2:
            continue
        best = max(known) if asked.most else min(known)
        return [r for r, v in zip(unique, values, strict=True) if v == best]
    return []


#: Most rows a list of a table's rows shows.
MOST_ROWS = 8


def listed_rows(candidates: Sequence[Candidate], words: Sequence[str]) -> list[Candidate]:
    """The rows of the first table among ``candidates`` (by passage rank) whose first column's
    header is one of ``words`` (a question's words, a particle allowed: "요금제 종류 알려줘" → the
    table headed "요금제 | 월 요금 | …"), in the table's order, at most :data:`MOST_ROWS`; [] when
    no table's rows are what the question lists."""
    tables: dict[tuple[int, str, str], list[Candidate]] = {}
    for c in candidates:
        header = _header(c) if cells(c.text) > 1 else ""
        if header and _names(words, header.split("|")[0].strip()):
            tables.setdefault((c.citation, c.doc_id, header), []).append(c)
    for _, rows in sorted(tables.items(), key=lambda kv: kv[0][0]):
        unique = sorted({r.start: r for r in rows}.values(), key=lambda r: r.start)
        if len(unique) >= 2:
            return unique[:MOST_ROWS]
    return []
