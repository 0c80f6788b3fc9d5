"""Questions a table answers by its rows: the row that holds the most or the least of something
("제일 싼 요금제는?", "용량 가장 큰 건?", "프로랑 팀 중에 뭐가 더 싸?"), the rows within a bound ("월
1만 원 이하 요금제"), the rows holding a value the question names ("무료 요금제 있어?"), and the rows
themselves when a list of what the first column names is asked ("요금제 종류 알려줘"), the row and
column a question names ("2024년 매출은 얼마야?": the row 매출, its column 2024년 shown first), what
rose or fell in a column of changes ("전년보다 줄어든 지역은?": the row of "-2%"), the rows beyond one
row's value ("프로보다 싼 요금제 있어?", "그거보다 싼 건?" after the row of 프로). The documents'
tables are read row by row and value by value, so the answer is the rows, not the sentences next to
the table that share the most words.

A question asks for an extreme when it says 제일/가장/젤 (or 더, among rows it names) before a word
of size, amount, price or time (싸다, 많다, 크다, 짧다 …) or names 최대, 최소, 최저, 최고. The column is
the one whose header the question names ("용량" → "저장 용량"); asked how cheap or dear, the column of
prices; asked how long, the one of times; asked what rose or fell most, the one of changes. Asked
which period ("제일 많은 해는?"), the row named of a table whose columns are periods is read along.
A cell is read as a number on one scale for its unit (9,900원, 2억 원, 200GB, 2TB, 16시간, 2일), with
its sign ("-2%", "▼1.5"); 무료 is 0 and 무제한 more than any number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from assistant.answer.summarize import PERIOD, Candidate, Picked, cells, is_header
from assistant.text.chunking import PATH_SEPARATOR

#: Words after 제일/가장 that ask for the least: price, amount, size, length, height.
_LEAST = ("싸", "싼", "저렴", "적", "작", "짧", "낮", "가벼", "가볍", "최소", "최저")
#: ... and for the most.
_MOST = ("비싸", "비싼", "크", "큰", "커", "많", "길", "긴", "오래", "높", "무거", "최대", "최고", "넓")
#: Words that ask how cheap or dear: the column of prices answers.
_PRICE_WORDS = ("싸", "싼", "저렴", "비싸", "비싼")
#: Words that ask how long: the column of times answers.
_TIME_WORDS = ("짧", "길", "긴", "오래")
_PRICE_HEADER = re.compile(r"요금|가격|비용|금액|단가|값|료$|원\)?$")

_SUPERLATIVE = re.compile(r"(?:제일|가장|젤)\s*(\S+)")
_BARE = re.compile(r"(최대|최소|최저|최고)(?!한)")
#: "… 더 싸?": which of the rows the question names is more so.
_COMPARATIVE = re.compile(r"(?:^|\s)더\s*(\S+)")

#: A number with its Korean scale and a unit of data, as tables write them.
_NUMBER = re.compile(
    r"(\d[\d,]*(?:\.\d+)?)\s*(억|천만|백만|만|천)?\s*(KB|MB|GB|TB|PB|초|분|시간|일|주|개월|년)?", re.IGNORECASE
)
_SCALE = {"억": 1e8, "천만": 1e7, "백만": 1e6, "만": 1e4, "천": 1e3}
#: Units of time, in minutes.
_MINUTES = {"초": 1 / 60, "분": 1.0, "시간": 60.0, "일": 1440.0, "주": 10080.0, "개월": 43200.0, "년": 525600.0}
_BYTES = {"kb": 1.0, "mb": 1024.0, "gb": 1024.0**2, "tb": 1024.0**3, "pb": 1024.0**4}
_FREE = re.compile(r"^\s*(?:무료|없음|0)\s*$")
_UNLIMITED = re.compile(r"무제한|제한\s*없")


@dataclass(frozen=True)
class Extreme:
    """What a superlative question asks: the most (``most``) or the least, of what its ``words`` name."""

    most: bool
    kind: str  #: "price" (싸다, 비싸다), "time" (짧다, 길다, 오래) or "" (크다, 많다: the column named)
    words: tuple[str, ...]
    #: the rows it is asked among, as the question names them ("프로랑 팀 중에 뭐가 더 싸?": 프로, 팀);
    #: () for every row of the table
    among: tuple[str, ...] = ()


def asked_extreme(question: str) -> Extreme | None:
    """The extreme a question asks for, or None ("제일 싼 요금제는?" → the least, by price; "프로랑
    팀 중에 뭐가 더 싸?" → the least of the rows it names)."""
    m = _SUPERLATIVE.search(question)
    word = m.group(1) if m else ""
    bare = _BARE.search(question)
    if not word and bare:
        word = bare.group(1)
    among: tuple[str, ...] = ()
    if not word and (m := _COMPARATIVE.search(question)):  # which of those named is more so
        word = m.group(1)
        among = tuple(t.strip("?!.,~") for t in (question[: m.start()] + " " + question[m.end() :]).split())
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
    kind = "price" if word.startswith(_PRICE_WORDS) else "time" if word.startswith(_TIME_WORDS) else ""
    return Extreme(most, kind, words, tuple(t for t in among if t))


#: A sign before a cell's number: a change ("+8%", "-2%", "▲3", "▼1.5"; △ is a minus in Korean accounts).
_SIGN = re.compile(r"^\s*([-−–+▲▼△])\s*\d")
_MINUS = frozenset("-−–▼△")


def signed(cell: str) -> bool:
    """Whether a cell is a change, written with its sign ("+8%", "▼2", "-1.5%p"), or none ("0", "0%", "-")."""
    return bool(_SIGN.match(cell)) or cell.strip() in ("0", "0%", "-", "–", "0.0%")


def value(cell: str) -> float | None:
    """The number a cell holds, on one scale for its unit ("9,900원" → 9900, "2TB" → 2·1024³ KB,
    "무료" → 0, "무제한" → ∞, "-2%" → -2); None when it holds none."""
    if _UNLIMITED.search(cell):
        return math.inf
    if _FREE.match(cell) or "무료" in cell:
        return 0.0
    m = _NUMBER.search(cell)
    if not m:
        return None
    number = float(m.group(1).replace(",", ""))
    sign = _SIGN.match(cell)
    if sign and sign.group(1) in _MINUS:
        number = -number
    if m.group(2):
        number *= _SCALE[m.group(2)]
    unit = m.group(3) or ""
    if unit.lower() in _BYTES:
        number *= _BYTES[unit.lower()]
    elif unit in _MINUTES:
        number *= _MINUTES[unit]
    return number


def _header(row: Candidate) -> str:
    """The header row a table's row was read under (see
    :func:`~assistant.answer.summarize.with_table_headers`), or ""."""
    last = row.section.split(PATH_SEPARATOR)[-1]
    return last if cells(last) == cells(row.text) and is_header(last, first=True) else ""


def column_names(row: Candidate) -> tuple[str, ...]:
    """The names of a table row's columns (its header row's cells), or () when it was read under
    no header row of as many cells."""
    header = _header(row) if cells(row.text) > 1 else ""
    return tuple(h.strip() for h in header.split("|")) if header else ()


def _column(table: Table, asked: Extreme) -> int | None:
    """The column that answers: asked what rose or fell most ("가장 많이 늘어난 지역은?", "매출이 제일
    많이 늘어난 지역은?"), the one of changes (a named one first), whatever other column the question
    names (매출 names "매출 비중", whose change "전년 대비" is); else the one whose header the question
    names, else (asked how cheap or dear) the one of prices, (asked how long) the one of times; never
    the first (it names the rows), never one without numbers."""

    columns = table.numeric_columns()
    named = table.named(columns, asked.words)
    if _changes_asked(" ".join(asked.words)) is not None:
        changes = table.changes()
        return next((j for j in named if j in changes), changes[0]) if changes else (named[0] if named else None)
    if named:
        return named[0]
    if asked.kind == "price":
        priced = [j for j in columns if _PRICE_HEADER.search(table.header[j])]
        found = priced or [j for j in columns if table.written_in(j, ("원",))]
        return found[0] if found else None
    if asked.kind == "time":
        timed = [j for j in columns if table.written_in(j, tuple(_MINUTES))]
        return timed[0] if timed else None
    return None


#: Particles a question's word may carry after a header's word ("용량은" names 용량).
_PARTICLES = frozenset(
    ["", "은", "는", "이", "가", "을", "를", "도", "의", "만", "이랑", "랑", "에", "에는", "엔", "으로", "로", "와", "과",
     "들", "들은", "들이", "들을", "들에는", "하고", "중", "중에", "중에서"]
)  # fmt: skip


def _names(words: Sequence[str], header_word: str, shortest: int = 2) -> bool:
    """Whether one of a question's ``words`` is ``header_word`` (``shortest`` characters or more),
    with a particle at most. A number's scale is no particle: "10만" is 100,000, not "only 10"."""
    return len(header_word) >= shortest and any(
        w.startswith(header_word)
        and w[len(header_word) :] in _PARTICLES
        and not (header_word[-1].isdigit() and w[len(header_word) : len(header_word) + 1] in _SCALE)
        for w in words
    )


@dataclass(frozen=True)
class Table:
    """A table among the candidates: its header's cells, its rows (in order) and their cells."""

    header: tuple[str, ...]
    rows: tuple[Candidate, ...]
    cells: tuple[tuple[str, ...], ...]
    #: what its numbers are counted in, from a note above it ("(단위: 억 원)": 1e8), else 1
    scale: float = 1.0
    unit: str = ""  #: the unit that note names ("원"), else ""

    def values(self, column: int) -> list[float | None]:
        return [value(row[column]) if column < len(row) else None for row in self.cells]

    def _most_rows(self, held: Sequence[bool]) -> bool:
        return sum(held) >= max(2, len(self.rows) - 1)

    def numeric_columns(self) -> list[int]:
        """The columns past the first (which names the rows) holding a number in (nearly) every row."""
        return list(self._numeric)

    @cached_property
    def _numeric(self) -> tuple[int, ...]:  # read once: a long sheet's rows are many, and asked of often
        return tuple(j for j in range(1, len(self.header)) if self._most_rows([v is not None for v in self.values(j)]))

    def written_in(self, column: int, units: Sequence[str]) -> bool:
        """Whether (nearly) every row's cell of ``column`` is written in one of ``units``."""
        return self._most_rows([column < len(row) and _unit(row[column]) in units for row in self.cells])

    def within(self, bound: Bound, known: bool = False) -> list[bool] | None:
        """Whether each row's value is within ``bound``, in the column written in the bound's unit (the
        one the question names, when several are); with no unit, the column the question names; None
        when the table has no such column ("월 1만원 이하 중 용량 제일 큰 거": 원 reads 월 요금, not 용량).
        A column is read by the bound's unit alone only of a table the question is about
        (:meth:`about`), or ``known`` to be asked of (the bound was set by the question before)."""
        # a share is read only by a bound in shares, and a bound in shares only of shares ("매출 100억
        # 넘은 해는?" is no bound on the column "매출 비중", 55%, 25% …)
        numeric = [j for j in self.numeric_columns() if self.written_in(j, ("%",)) == (bound.unit == "%")]
        named = self.named(numeric, bound.words)
        if bound.unit:
            written = [j for j in numeric if self.written_in(j, (bound.unit,))]
            # a column read by its unit alone only of a table the question is about: "10만 원 넘는
            # 숙박비는?" is not asked of a report's 영업이익 in 억 원
            columns = [j for j in written if j in named] or (written if known or self.about(bound.words) else [])
        else:
            columns = named
        return [_within(v, bound) for v in self.values(columns[0])] if columns else None

    def about(self, words: Sequence[str]) -> bool:
        """Whether one of a question's ``words`` names a header cell, a row (its first cell) or a
        heading of the table's passage ("요금제" of "월 1만 원 이하 요금제")."""
        named = [*self.header, *(row[0] for row in self.cells if row)]
        headings = self.rows[0].section.replace(PATH_SEPARATOR, " ") if self.rows else ""
        return any(_names(words, w) for cell in (*named, headings) for w in cell.split())

    def changes(self) -> list[int]:
        """The columns of changes: numbers written with their sign ("+8%", "-2%") in (nearly) every row."""
        return list(self._changes)

    @cached_property
    def _changes(self) -> tuple[int, ...]:
        return tuple(j for j in self._numeric if self._most_rows([signed(row[j]) for row in self.cells]))

    def named(self, columns: Iterable[int], words: Sequence[str]) -> list[int]:
        """Those of ``columns`` whose header holds one of a question's ``words``."""
        return [j for j in columns if any(_names(words, w) for w in self.header[j].split())]

    def named_columns(self, words: Sequence[str]) -> list[int]:
        """The columns past the first whose header holds one of a question's ``words``."""
        return self.named(range(1, len(self.header)), words)


def tables(candidates: Sequence[Candidate]) -> list[Table]:
    """The tables of two rows or more among ``candidates`` (rows read under a header row of labels),
    best passage first. The rows of one document under one header in one section are one table,
    whichever passages hold them (a long sheet is written as tables of a few rows, each under its
    first row, and a passage holds one or two: the most of a column is the most of them all); a row
    two passages hold is read once, as the better-ranked one holds it."""
    found: dict[tuple[str, str], dict[int, Candidate]] = {}
    for c in sorted(candidates, key=lambda c: c.citation):
        header = _header(c) if cells(c.text) > 1 else ""
        if header:
            found.setdefault((c.doc_id, c.section), {}).setdefault(c.start, c)
    out = []
    for rows in sorted(found.values(), key=lambda rows: min(r.citation for r in rows.values())):
        ordered = tuple(sorted(rows.values(), key=lambda r: r.start))
        if len(ordered) >= 2:
            split = tuple(tuple(cell.strip() for cell in r.text.split("|")) for r in ordered)
            scale, unit = _unit_note(candidates, ordered[0])
            out.append(Table(tuple(h.strip() for h in _header(ordered[0]).split("|")), ordered, split, scale, unit))
    return out


#: A row's own unit in brackets after its name ("직원 수(명)", "매출액(억 원)").
_ROW_UNIT = re.compile(r"[(（]\s*(억|천만|백만|만|천)?\s*([가-힣%]+)\s*[)）]")


def _counted_in(name: str, table: Table) -> tuple[float, str]:
    """The scale and unit a row's numbers are counted in: its own, written after its name ("직원
    수(명)"), else its table's note."""
    m = _ROW_UNIT.search(name)
    return _scale_and_unit(m) if m else (table.scale, table.unit)


def _scale_and_unit(m: re.Match[str]) -> tuple[float, str]:
    """The scale (억 → 1e8; none → 1) and the unit a match of :data:`_ROW_UNIT` or
    :data:`_SCALE_NOTE` reads."""
    return _SCALE.get(m.group(1) or "", 1.0), m.group(2) or ""


#: A note of the unit a table's numbers are counted in: "(단위: 억 원)", "단위 : 명".
_SCALE_NOTE = re.compile(r"단위\s*[:：]\s*(억|천만|백만|만|천)?\s*([가-힣%]+)?")
#: How far above a table's first row its unit note may stand (characters).
UNIT_NOTE_REACH = 120


def _unit_note(candidates: Sequence[Candidate], first: Candidate) -> tuple[float, str]:
    """The scale and unit of the note just above a table whose first row is ``first`` ((1, "") when
    there is none)."""
    for c in candidates:
        if c.doc_id == first.doc_id and first.start - UNIT_NOTE_REACH <= c.start < first.start:
            m = _SCALE_NOTE.search(c.text)
            if m and cells(c.text) == 1:
                return _scale_and_unit(m)
    return 1.0, ""


def extreme_rows(
    found: Sequence[Table], asked: Extreme, bound: Bound | None = None, known: bool = False
) -> list[Candidate]:
    """The rows of the first of the ``found`` tables (by passage rank) holding the extreme value
    asked for, in the column that answers, among the rows within ``bound`` when the question also
    sets one ("1TB 이상 중에 제일 싼 요금제"; ``known``: the bound is the question before's, see
    :meth:`Table.within`); [] when no table answers."""
    falls = bool(_changes_asked(" ".join(asked.words)))
    for table in found:
        col = _column(table, asked)
        within = table.within(bound, known) if bound is not None else None
        if col is None or (bound is not None and within is None):
            continue
        values = [
            v if within is None or w else None for v, w in zip(table.values(col), within or table.rows, strict=True)
        ]
        if asked.among:  # only the rows the question names are compared
            named = [_names(asked.among, row[0], shortest=1) for row in table.cells]
            if sum(named) < 2:
                continue
            values = [v if n else None for v, n in zip(values, named, strict=True)]
        held = [v for v in values if v is not None]
        if len(held) < (1 if within is not None else 2):  # within a bound, one row is the least and the most
            continue
        # what fell most is the least change ("제일 크게 떨어진 곳": -2% of -2%, +3%, +8%)
        most = asked.most != (falls and col in table.changes())
        best = max(held) if most else min(held)
        first = [r for r, v in zip(table.rows, values, strict=True) if v == best]
        if not asked.among:
            return first
        # asked among rows it names: the others it names follow, what it is compared with
        return first + [r for r, v in zip(table.rows, values, strict=True) if v is not None and v != best]
    return []


#: A bound a question sets on a value: a number with its scale and unit, then how it bounds
#: ("1만 원 이하", "1TB 넘는", "3대 이상", "만 원보다 싼").
_BOUND = re.compile(
    r"(\d[\d,]*(?:\.\d+)?\s*(?:억|천만|백만|만|천)?|(?<![가-힣])(?:억|천만|백만|만|천)(?=\s*원))\s*(KB|MB|GB|TB|PB|시간|개월|%|[가-힣])?\s*"
    r"(이하|이내|이상|미만|초과|넘는|넘게|넘어|넘|아래|밑|안 ?되는|안 ?넘는|안 ?(?:됐|된|되면|되었)|까지|부터|"
    r"보다 ?(?:싼|저렴|적|작|비싼|많|큰))",
    re.IGNORECASE,
)
#: The nouns that only bound a number ("10만원 이하"): they name nothing a document must write.
BOUND_WORDS = frozenset({"이하", "이상", "미만", "초과", "이내"})
_AT_MOST = ("이하", "이내", "아래", "밑", "안되는", "안 되는", "안넘는", "안 넘는", "까지")
_LESS = ("미만", "보다싼", "보다 싼", "보다저렴", "보다 저렴", "보다적", "보다 적", "보다작", "보다 작")
#: A span not yet reached ("입사 1년 안 됐으면"): less than it.
_NOT_YET = re.compile(r"안 ?(?:됐|된|되면|되었)")


@dataclass(frozen=True)
class Bound:
    """A bound a question sets on a value: rows whose value is below (or above) ``limit``."""

    limit: float
    unit: str  #: "원", "B" (any unit of data), "대" …; "" for none
    below: bool
    strict: bool
    words: tuple[str, ...]  #: the question's other words (one may name the column)
    said: str = ""  #: the bound as the question writes it ("1만 원 이하")


def asked_bound(question: str) -> Bound | None:
    """The bound a question sets ("월 1만 원 이하 요금제" → at most 10,000 원), or None."""
    m = _BOUND.search(question)
    if not m:
        return None
    number = m.group(1) if m.group(1)[0].isdigit() else "1" + m.group(1)  # "만 원" is 1만 원
    written = m.group(2) or ""
    if (written == "일" and _DATE_BEFORE.search(question, 0, m.start())) or (written == "년" and len(number) == 4):
        return None  # a date ("3월 14일까지", "2025년부터"), not an amount of days or years
    scaled = written.upper() in _BYTES_UPPER or written in _MINUTES
    limit = value(number + written if scaled else number)
    if limit is None:
        return None
    unit = "B" if written.upper() in _BYTES_UPPER else written
    how = m.group(3)
    below = how.startswith(_AT_MOST) or how.startswith(_LESS) or bool(_NOT_YET.match(how))
    strict = how.startswith(_LESS) or how.startswith(("초과", "넘", "보다")) or bool(_NOT_YET.match(how))
    rest = question[: m.start()] + " " + question[m.end() :]
    return Bound(limit, unit, below, strict, tuple(re.findall(r"[가-힣A-Za-z]{2,}", rest)), m.group(0))


_BYTES_UPPER = frozenset(u.upper() for u in _BYTES)


def states_bound(text: str, bound: Bound) -> bool:
    """Whether a sentence states the bound a question sets, on the same side of the same number in
    the same unit ("계속 근로기간이 1년 미만인 직원에게는 …" for "입사 1년 안 됐으면?"; not "3년 이상 …")."""
    for m in _BOUND.finditer(text):
        said = asked_bound(m.group(0))
        if said is not None and (said.limit, said.unit, said.below) == (bound.limit, bound.unit, bound.below):
            return True
    return False


#: A month just before a number of days: the number is a date ("3월 14일").
_DATE_BEFORE = re.compile(r"\d\s*월\s*$")
_UNIT_OF = re.compile(
    r"\d[\d,]*(?:\.\d+)?\s*(?:억|천만|백만|만|천)?\s*(KB|MB|GB|TB|PB|시간|개월|%|[가-힣])?", re.IGNORECASE
)


def _unit(cell: str) -> str:
    """The unit a cell's number is written in ("9,900원" → 원, "2TB" → B, "5대" → 대; 무료 → 원)."""
    if "무료" in cell:
        return "원"
    m = _UNIT_OF.search(cell)
    unit = (m.group(1) or "") if m else ""
    return "B" if unit.upper() in _BYTES_UPPER else unit


def bounded_rows(found: Sequence[Table], bound: Bound, known: bool = False) -> list[Candidate] | None:
    """The rows of the first of the ``found`` tables whose value, in the column the question
    names (else the one written in the bound's unit), is within the bound ([] when none is); None
    when no table has such a column."""
    for table in found:
        within = table.within(bound, known)
        if within is not None:
            return [r for r, w in zip(table.rows, within, strict=True) if w]
    return None


def _within(v: float | None, bound: Bound) -> bool:
    if v is None:
        return False
    if bound.below:
        return v < bound.limit if bound.strict else v <= bound.limit
    return v > bound.limit if bound.strict else v >= bound.limit


#: Most rows a list of a table's rows shows.
MOST_ROWS = 8


def listed_rows(found: Sequence[Table], words: Sequence[str]) -> list[Candidate]:
    """The rows of the first of the ``found`` tables (by passage rank) whose first column's
    header is one of ``words`` (a question's words, a particle allowed: "요금제 종류 알려줘" → the
    table headed "요금제 | 월 요금 | …"), in the table's order, at most :data:`MOST_ROWS`; [] when
    no table's rows are what the question lists."""
    for table in found:
        if _names(words, table.header[0]):
            return list(table.rows[:MOST_ROWS])
    return []


def named_rows(found: Sequence[Table], words: Sequence[str]) -> list[Candidate]:
    """The rows of the first of the ``found`` tables with a cell (past the first, which names
    the row) holding one of ``words`` (a question's words, a particle allowed: "무료 요금제 있어?" →
    the row whose price is 무료; "전화 지원되는 요금제는?" → the one of "24시간 전화"), those holding the
    most of them ("개발팀 팀장 누구야?": the row of 개발팀 and 팀장, not the other 팀장 rows), when some
    rows hold more than others; [] otherwise."""
    for table in found:
        if not _values_table(table):
            continue
        held = [sum(_value_named(cell, words) for cell in row[1:]) for row in table.cells]
        most = max(held)
        if most and not all(h == most for h in held):  # the rows holding the most of the values named
            return [r for r, h in zip(table.rows, held, strict=True) if h == most]
    return []


#: Longest cell read as a value (무료, 24시간 전화, 이메일, 채팅), and the most a table's cells hold
#: on average for its cells to be values.
VALUE_CHARS = 12


def _value_named(cell: str, words: Sequence[str]) -> bool:
    """Whether a short cell (a value) holds one of a question's ``words``."""
    return len(cell) <= VALUE_CHARS and any(_names(words, w) for w in cell.replace(",", " ").split())


def _values_table(table: Table) -> bool:
    """Whether a table's cells past the first are values (short: 무료, 2TB, 150억 원), not descriptions
    (a help page's "기능 | 설명 …")."""
    values = [cell for row in table.cells for cell in row[1:] if cell]
    return bool(values) and sum(map(len, values)) <= VALUE_CHARS * len(values)


#: What a cell says in brackets after its name: a unit or a note ("매출액(억 원)", "신규 고객 (곳)").
_UNIT_NOTE = re.compile(r"\s*[(（\[][^)）\]]*[)）\]]")


#: Last syllables that make a noun the amount of itself (매출액, 판매량, 성장률, 직원수, 보증금).
_AMOUNT = frozenset("액량률율수금")


def _row_named(name: str, words: Sequence[str]) -> bool:
    """Whether a question's ``words`` name a row by its first cell ("매출", "팀", "직원 수": 직원; what it
    says in brackets aside, "매출액(억 원)"): a cell of one word, or each of the cell's words of two
    characters or more, or the cell written as one word ("직원수")."""
    name = _UNIT_NOTE.sub(" ", name).strip()  # "매출액(억 원)": 매출액
    parts = name.split()
    if len(parts) == 1:  # "매출액" is named by 매출 too
        return _names(words, name, shortest=1) or (name[-1] in _AMOUNT and _names(words, name[:-1]))
    parts = [w for w in parts if len(w) >= 2]
    return bool(parts) and (all(_names(words, w) for w in parts) or _names(words, "".join(name.split())))


def rows_by_name(
    found: Sequence[Table],
    words: Sequence[str],
    asked: Extreme | None = None,
    before: Sequence[str] = (),
    bound: Bound | None = None,
) -> RowsAsked:
    """What a question naming a table's rows and columns by their names asks: the rows of the first
    of the ``found`` tables (a table of values) whose first cell the question names ("2024년 매출은
    얼마야?" → the row 매출, of the table headed "구분 | 2023년 | 2024년"), with the columns it names
    to show first (2024년); a column named alone gives the table's rows (at most
    :data:`MOST_ROWS`) with that column first ("2022년 실적은?"). A superlative asked of one row named
    ("매출이 제일 많은 해는?") is read along it: the column of its most (or least) value comes first;
    a row named alone after a question naming columns (``before``'s words) is asked of those; a bound
    asked of one row named ("매출 100억 넘은 해는?") is read along it too, in the unit the table's note
    gives (the columns within it come first; none, and nothing is said).
    Nothing when the question names no column (a row named alone is left to the summary: what of it
    is asked may be in no cell, "팀 요금제 몇 명부터 가입 가능?" is answered by a sentence under the
    table), or names every row."""
    for table in found:
        if not _values_table(table):
            continue
        named = [_row_named(row[0], words) for row in table.cells]
        columns = table.named_columns(words)
        if all(named) or not (any(named) or columns):
            continue
        rows = [r for r, n in zip(table.rows, named, strict=True) if n]
        if not rows and len(table.rows) > MOST_ROWS:
            continue
        if asked is not None and len(rows) == 1 and not columns:
            along = [value(cell) for cell in table.cells[named.index(True)][1:]]
            known = [v for v in along if v is not None]
            if len(known) >= 2:
                best = max(known) if asked.most else min(known)
                columns = [along.index(best) + 1]
        if bound is not None and len(rows) == 1 and not columns:
            row = table.cells[named.index(True)]
            scale, unit = _counted_in(row[0], table)
            if bound.unit in ("", unit):
                along = [value(cell) for cell in row[1:]]
                columns = [j + 1 for j, v in enumerate(along) if v is not None and _within(v * scale, bound)]
        if rows and not columns:  # the columns the question before asked ("2024년 매출은?" → "영업이익은?")
            columns = table.named_columns(before)
        if not columns:  # a row named alone: what of it is asked may be in no cell ("팀 요금제 몇 명부터 가입 가능?")
            continue
        return RowsAsked(rows or list(table.rows), columns=tuple(table.header[j] for j in columns))
    return RowsAsked([])


@dataclass(frozen=True)
class RowsAsked:
    """What a question asks of the tables among an answer's candidates (see :func:`rows_asked`)."""

    rows: list[Candidate]  #: the rows that answer, in the order they lead
    #: the bound the question sets (as it writes it: "2만원 넘는") when a table has its column and no
    #: row is within it, or the change it asks for ("줄어든") when no row's change is so; "" otherwise
    none_within: str = ""
    #: the names of the columns the question asks of those rows, which they show first ("2024년")
    columns: tuple[str, ...] = ()


def rows_asked(
    candidates: Sequence[Candidate], question: str, within: str = "", searched: str = "", before: str = ""
) -> RowsAsked:
    """The rows of a table among ``candidates`` that hold the extreme the question asks for ("제일 싼
    요금제는?" → the free plan's row), within the bound it sets when it sets one, or that are within
    the bound ("1만 원 이하 요금제" → the rows of 무료 and 9,900원), or that rose or fell as it asks
    (:func:`changed_rows`), or whose value the question names ("무료 요금제 있어?"), or that it names
    with their columns (:func:`rows_by_name`); none when the question asks none of these or no table
    has them. ``RowsAsked.columns`` are the columns to show those rows by first. ``within``
    is a bound the question before set ("1TB 이상"), which a superlative asked now is taken within;
    ``searched`` what a follow-up is searched as, whose words name rows and columns too ("동시 접속은?"
    after "프로 요금제 얼마야?" is searched "프로 요금제 동시 접속": the row 프로, its column 동시 접속);
    ``before`` the question an ellipsis goes on from, whose columns a row named alone is asked of
    ("영업이익은?" after "2024년 매출은 얼마야?": 2024년)."""
    found = tables(candidates)
    said = f"{within} {question}".strip()
    relative = asked_relative(question)
    if relative is not None:  # "프로보다 싼 요금제 있어?", "그거보다 싼 건?" after a row shown
        compared = rows_beyond(found, relative, _words(question), [*_words(searched), *_words(before)])
        if compared is not None:
            return compared
    extreme, bound = asked_extreme(said), asked_bound(said)
    bounded = bounded_rows(found, bound, known=bool(within)) if bound is not None else None
    # the extreme is taken within the bound when a table has the bound's column, else of every row
    rows = extreme_rows(found, extreme, bound if bounded is not None else None, bool(within)) if extreme else []
    words = _words(said)
    # which period holds the most: asked now ("매출이 제일 많은 해는?") or by the question an ellipsis
    # goes on from ("제일 많았던 해는?" → "매출은?")
    period = extreme if _PERIOD_ASKED.search(said) else None
    if extreme is None and _PERIOD_ASKED.search(before):
        period = asked_extreme(before)
    by_periods = [t for t in found if all(PERIOD.match(h) for h in t.header[1:])]
    if period is not None:  # read along the row named of a table by periods
        along = rows_by_name(by_periods, [*words, *_words(searched)], period)
        if along.rows:
            return along
    if bound is not None and _PERIOD_ASKED.search(said):  # which periods are within it ("100억 넘은 해는?")
        along = rows_by_name(by_periods, [*words, *_words(searched)], bound=bound)
        if along.rows:
            return along
    if bound is not None and bounded is not None:
        # the bound reads a column: the rows within it, however few; none is said so (of the question's
        # own bound, not the one before's)
        shown = rows or bounded
        return RowsAsked(shown, "" if bounded or within else bound.said, _columns_asked(found, shown, words, extreme))
    if rows:
        return RowsAsked(rows, columns=_columns_asked(found, rows, words, extreme))
    changed = changed_rows(found, said) if extreme is None else None
    if changed is None and extreme is None:
        changed = zero_rows(found, said)
    if changed is not None:
        return changed
    valued = named_rows(found, words)  # a value named ("무료 요금제 있어?"), else a row or column
    if valued:
        return RowsAsked(valued, columns=_columns_asked(found, valued, words))
    by_name = rows_by_name(found, [*words, *_words(searched)], extreme, _words(before))
    return RowsAsked([]) if _said_beside(candidates, found, by_name, words) else by_name


def _stem(word: str) -> str:
    """A question's word without the particle it ends with ("비중은" → 비중)."""
    for n in (3, 2, 1):
        if len(word) > n and word[-n:] in _PARTICLES:
            return word[:-n]
    return word


def _said_beside(
    candidates: Sequence[Candidate], found: Sequence[Table], asked: RowsAsked, words: Sequence[str]
) -> bool:
    """Whether a question that names only a column of a table (every row shown by it) is about
    something else the table does not hold, which a sentence beside it says: "수출 비중은?" names
    the column "매출 비중", while the report says "수출 비중은 처음으로 10%에 가까워졌습니다."; "내년 목표
    매출은?" names "매출 비중", while the plan says "내년에는 … 매출 200억 원을 목표로 합니다." A word of
    the question is in the table when a word of the table begins it ("지역별" of 지역)."""
    table = next((t for t in found if asked.rows and asked.rows[0] in t.rows), None)
    if table is None or len(asked.rows) < len(table.rows):  # rows named: the table answers
        return False
    written = {w for row in (table.header, *table.cells) for cell in row for w in cell.lower().split()}
    stems = [_stem(w.lower()) for w in words]
    column = [w for w in stems if any(w in h.lower() for h in asked.columns)]
    other = [
        w for w in stems if len(w) >= 2 and w not in column and not any(w.startswith(t) for t in written if len(t) >= 2)
    ]
    if not column or not other:
        return False
    rows = set(table.rows)
    return any(
        c not in rows and " | " not in c.text and all(w in c.text for w in column) and any(w in c.text for w in other)
        for c in candidates
    )


#: Words asking what fell, and what rose.
_DOWN = re.compile(r"줄어|줄었|줄은|감소|하락|떨어|내려|내린|낮아|적자|축소|악화|역성장")
_UP = re.compile(r"늘어|늘었|늘은|증가|상승|올라|올랐|오른|높아|흑자|(?<!역)성장|증대|확대|개선")


#: "프로보다 싼", "스탠다드보다 용량 큰", "그거보다 더 비싼": a comparison with a row, or ("더 큰 건?")
#: with the row the conversation is on. The word compared by is one of :data:`_LEAST` or :data:`_MOST`.
_THAN = re.compile(r"(?:(\S+)보다|(?:^|\s)더)\s*(?:더\s*)?(\S+)(?:\s+(\S+))?")
#: Words that point back at the row shown before ("그거보다 싼 건?").
_POINTING = re.compile(r"^(?:그|이|저)(?:거|것|건|게)?$")


@dataclass(frozen=True)
class Relative:
    """A comparison with one row: the rows whose value is below (``below``) or above the row's."""

    below: bool
    kind: str  #: as :attr:`Extreme.kind`
    words: tuple[str, ...]  #: the question's words (one may name the column compared by)
    target: tuple[str, ...]  #: the words naming the row compared with; () when the conversation names it
    than: bool  #: written with 보다 (not only 더: "프로랑 팀 중에 뭐가 더 싸?" asks among the rows it names)
    said: str  #: the comparison as the question writes it ("프로보다 싼")


def asked_relative(question: str) -> Relative | None:
    """The comparison with one row a question asks for ("프로보다 싼 요금제 있어?" → below 프로's
    price; "스탠다드보다 용량 큰 요금제는?" → above its 저장 용량; "더 큰 건?" → above the row talked
    about), or None."""
    for m in _THAN.finditer(question):
        # the word compared by, right after (싼) or after the column compared in ("용량 큰")
        at = next((g for g in (2, 3) if m.group(g) and m.group(g).startswith((*_LEAST, *_MOST))), None)
        if at is None:
            continue
        word = m.group(at)
        column = m.group(2) if at == 3 else ""
        before = question[: m.start(1) if m.group(1) else m.start()].split()
        target = () if m.group(1) is None or _POINTING.match(m.group(1)) else (*before, m.group(1))
        kind = "price" if word.startswith(_PRICE_WORDS) else "time" if word.startswith(_TIME_WORDS) else ""
        words = tuple(re.findall(r"[가-힣A-Za-z]{2,}", f"{question[: m.start()]} {column}"))
        said = question[m.start() : m.end(at)].strip()
        return Relative(word.startswith(_LEAST), kind, words, target, m.group(1) is not None, said)
    return None


def rows_beyond(found: Sequence[Table], asked: Relative, own: Sequence[str], talked: Sequence[str]) -> RowsAsked | None:
    """The rows of the first of the ``found`` tables whose value is below (or above) that of the row
    compared with, in the column that answers (:func:`_column`: the one named, else the prices for
    싸다 …), in the table's order; the row is the one ``asked.target`` names, else (only 더) the one
    the question's words (``own``) name, else (pointed at) the one the conversation names (``talked``:
    what it searched and the question before). Said
    so (``none_within``) when no row is; None when no table has the row and the column, or when the
    question names two rows or more and asks which is more so ("프로랑 팀 중에 뭐가 더 싸?")."""
    for table in found:
        if not _values_table(table):
            continue
        names = [row[0] for row in table.cells]
        mine = [_row_named(n, own) for n in names]
        if not asked.than and sum(mine) >= 2:
            return None
        if asked.target:  # "프로보다 싼"
            named = [_row_named(n, asked.target) for n in names]
        elif not asked.than and any(mine):  # "프로 더 싼 거 있어?": the one row it names
            named = mine
        else:  # "그거보다 싼 건?", "더 큰 건?": the row the conversation is on
            named = [_row_named(n, talked) for n in names]
        col = _column(table, Extreme(not asked.below, asked.kind, asked.words))
        if sum(named) != 1 or col is None:
            continue
        values = table.values(col)
        limit = values[named.index(True)]
        if limit is None:
            continue
        rows = [
            r
            for r, v in zip(table.rows, values, strict=True)
            if v is not None and (v < limit if asked.below else v > limit)
        ]
        return RowsAsked(rows, "" if rows else asked.said, (table.header[col],))
    return None


def _changes_asked(question: str) -> bool | None:
    """Whether a question asks what fell (True) or what rose (False); None when it asks neither."""
    down, up = bool(_DOWN.search(question)), bool(_UP.search(question))
    return None if down == up else down


def changed_rows(found: Sequence[Table], question: str) -> RowsAsked | None:
    """The rows of the first of the ``found`` tables with a column of changes (cells written with
    their sign: "+8%", "-2%") whose change is the way the question asks ("전년보다 줄어든 지역은?" →
    the row of -2%), with that column (the one the question names, when several are), or none and
    the question's word for it as ``none_within``; None when the question asks for no fall or rise,
    or no table has such a column."""
    down = _changes_asked(question)
    if down is None:
        return None
    asks = _DOWN if down else _UP
    return _rows_where(found, question, asks, lambda t, words: t.named(t.changes(), words) or t.changes(),
                       lambda v: v < 0 if down else v > 0)  # fmt: skip


#: Words asking for none of something: "재고 없는 상품", "품절된 거 있어?".
_NONE_ASKED = re.compile(r"없는|없어|없나|없음|없고|품절|바닥난|동난")


def zero_rows(found: Sequence[Table], question: str) -> RowsAsked | None:
    """The rows of the first of the ``found`` tables whose value is none (0, 없음, -) in a column of
    numbers the question names, when it asks for none ("재고 없는 상품 있어?" → the rows of 0개 in
    재고), with that column, or none and the question's word for it as ``none_within``; None when the
    question asks for none of nothing, or no table has the column it names."""
    if _NONE_ASKED.search(question) is None:
        return None
    return _rows_where(found, question, _NONE_ASKED, lambda t, words: t.named(t.numeric_columns(), words),
                       lambda v: v == 0)  # fmt: skip


def _rows_where(
    found: Sequence[Table],
    question: str,
    asks: re.Pattern[str],
    columns_of: Callable[[Table, Sequence[str]], Sequence[int]],
    keep: Callable[[float], bool],
) -> RowsAsked | None:
    """The rows of the first of the ``found`` tables with a column (``columns_of`` the table and the
    question's words) whose value ``keep`` keeps, with that column; none, and the question's word that
    ``asks`` for them as ``none_within``, when no row's is; None when no table has such a column."""
    words = _words(question)
    for table in found:
        columns = columns_of(table, words)
        if columns:
            rows = [r for r, v in zip(table.rows, table.values(columns[0]), strict=True) if v is not None and keep(v)]
            said = "" if rows else next((w for w in words if asks.search(w)), "")
            return RowsAsked(rows, said, columns=(table.header[columns[0]],))
    return None


#: A question asking which period: "제일 많은 해는?", "가장 적었던 분기", "언제 제일 높았어?".
_PERIOD_ASKED = re.compile(r"(?:^|\s)(?:해|연도|년도|분기|달|월|시기|때)(?:는|가|에|엔|야|였|\?|$|\s)|언제")


def asks_a_table(question: str) -> bool:
    """Whether a question asks what a table answers: the most or least of something, the rows within
    a bound, what rose or fell, none of something (its passages are searched for tables of values too)."""
    return (
        asked_extreme(question) is not None
        or asked_bound(question) is not None
        or _changes_asked(question) is not None
        or _NONE_ASKED.search(question) is not None
    )


def _words(text: str) -> list[str]:
    return [w.strip("?!.,~") for w in text.split()]


def _columns_asked(
    found: Sequence[Table], rows: Sequence[Candidate], words: Sequence[str], asked: Extreme | None = None
) -> tuple[str, ...]:
    """The names of the columns a question asks of the ``rows`` it picked from one of the ``found``
    tables: those it names ("인사팀 연락처 알려줘": 연락처), else the one its extreme is taken in ("제일
    싼 요금제는?": 월 요금), or, the extreme being of a change, the column of changes alone ("매출이
    제일 많이 늘어난 지역은?": 전년 대비, not 매출 비중)."""
    table = next((t for t in found if rows and rows[0] in t.rows), None)
    if table is None:
        return ()
    columns = table.named_columns(words)
    changed = asked is not None and _changes_asked(" ".join(asked.words)) is not None
    if (changed or not columns) and asked is not None and (col := _column(table, asked)) is not None:
        columns = [col]  # what rose most: the change, not the column it is the change of
    return tuple(table.header[j] for j in columns)


def rows_first(rows: Sequence[Candidate], picked: list[Picked], n: int) -> list[Picked]:
    """``picked``, led by the table's ``rows`` a question asks for (see :func:`rows_asked`); the
    sentences chosen before follow, those of the table's document that are not its other rows (the
    rows answer: what another document says beside them is about something else)."""
    if not rows:
        return picked
    table = {(r.doc_id, r.section) for r in rows}  # its other rows are not what was asked
    docs = {r.doc_id for r in rows}
    rest = [
        p
        for p in picked
        if p.candidate.doc_id in docs
        and ((p.candidate.doc_id, p.candidate.section) not in table or " | " not in p.candidate.text)
    ]
    return [*(Picked(r, 1.0) for r in rows), *rest][: max(n, len(rows))]
