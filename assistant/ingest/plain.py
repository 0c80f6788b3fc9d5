"""Plain text: headings and flattened tables recovered from the layout of the lines.

A heading is a short stand-alone line that does not end a sentence (numbered ones get the depth
of their number: ``1.`` → 1, ``1.2`` → 2, ``제1장`` → 1); a table is a run of at least three lines
that neither end a sentence nor are bullets. Markdown and PDF reuse these line helpers.

A PDF's text comes one visual line at a time, and many text and Markdown files are wrapped at a
fixed width, so one sentence runs over several lines; everything downstream reads a line break
as the end of a sentence, and would search, chunk and show it in pieces ("정부는 2025년까지 AI
반도체 개발에"). :func:`reflow` turns each break that only wraps a sentence, with the indentation
around it, into one space, and says where the headings and tables found before have gone.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.ingest.documents import Extracted, Heading
from assistant.ingest.markers import ARTICLE, ASKED_MARK, BULLETS, CIRCLED_NUMBERS, ORDINAL_NUMERALS, QUESTION_END

#: Longest line (after stripping) that can be a plain-text heading.
_MAX_HEADING_CHARS = 60


_MIN_TABLE_ROWS = 3


_SENTENCE_ENDINGS = (".", "?", "!", "。", "…", "？", "！", "．", "니다")


_CLOSERS = "\"'”’」』)]}›»"


_CONTINUATIONS = (",", ";", ":", "，", "、")


_NUMBERED_LEVELS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"제\s*\d+\s*[편부장](?=[\s.:]|$)"), 1),
    (re.compile(r"제\s*\d+\s*절(?=[\s.:]|$)"), 2),
    (re.compile(r"제\s*\d+\s*조(?:\s*의\s*\d+)?(?=[\s(【\[]|$)"), 3),
    (re.compile(r"부\s*칙(?=[\s(<]|$)"), 1),
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


@dataclass(frozen=True)
class Line:
    """One line of a text, without its newline, and where it starts."""

    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    offset = 0
    for piece in text.split("\n"):
        lines.append(Line(offset, piece))
        offset += len(piece) + 1
    return lines


def _is_blank(line: str) -> bool:
    return _BLANK.fullmatch(line) is not None


def paragraph_blocks(lines: Sequence[Line]) -> list[list[Line]]:
    """Paragraph blocks: runs of non-blank lines between blank (or whitespace) lines."""
    blocks: list[list[Line]] = []
    current: list[Line] = []
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
    return bool(first) and first in BULLETS


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


def _is_table_row(line: str) -> bool:
    """Whether a line may be a row of a flattened table: it ends no sentence, is no bullet, and
    opens no member of an enumeration ("둘째, … 기여하고 있으며,": a sentence's clauses, one a line)."""
    return not _ends_sentence(line) and not _is_bullet(line) and not _ORDINAL_MEMBER.match(line)


#: An ordinal numeral with its comma, which opens a member of an enumeration ("첫째, …").
_ORDINAL_COMMA = rf"(?:{'|'.join(ORDINAL_NUMERALS)}),"
_ORDINAL_MEMBER = re.compile(rf"\s*{_ORDINAL_COMMA}")


def _block_table_runs(block: Sequence[Line]) -> list[tuple[int, int]]:
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


def _plain_tables(blocks: Sequence[Sequence[Line]]) -> list[tuple[int, int]]:
    """``(start, end)`` spans of tables flattened into plain-text lines."""
    spans: list[tuple[int, int]] = []
    for block in blocks:
        for first, stop in _block_table_runs(block):
            spans.append((block[first].start, block[stop - 1].end))
    return spans


def _heading_line(block: Sequence[Line], is_last_block: bool) -> Line | None:
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


def _stripped_span(line: Line) -> tuple[int, int]:
    start = line.start + len(line.text) - len(line.text.lstrip())
    return start, line.start + len(line.text.rstrip())


def _heading_candidates(blocks: Sequence[Sequence[Line]], tables: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans (stripped) of the lines that are headings, before levels are assigned."""
    spans: list[tuple[int, int]] = []
    for number, block in enumerate(blocks):
        line = _heading_line(block, number == len(blocks) - 1)
        if line is None or _in_spans(line.start, tables):
            continue
        if _looks_like_heading(line.text.strip()):
            spans.append(_stripped_span(line))
    lines = [line for block in blocks for line in block]
    return sorted(
        set(spans)
        | set(faq_questions(blocks, tables))
        | set(article_labels(lines, tables))
        | set(chapter_lines(lines, tables))
    )


#: A line that is a law's or a regulation's part, chapter or section: "제2장 국민의 권리와 의무",
#: "제1절 대통령", "제3관 …" (its number, then its title or nothing).
_CHAPTER_LINE = re.compile(r"제\s*\d{1,3}\s*[편장절관](?:\s+\S.*)?")


def chapter_lines(lines: Sequence[Line], skip: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Spans (stripped) of the lines that are a part, chapter or section of a law (:data:`_CHAPTER_LINE`),
    wherever they stand: a law writes its articles right under them, with no blank line between
    ("제4장 정부\n제1절 대통령\n제66조 ① 대통령은 …"); lines in ``skip`` (tables) are none."""
    return [
        _stripped_span(line)
        for line in lines
        if _CHAPTER_LINE.fullmatch(line.text.strip())
        and _looks_like_heading(line.text.strip())
        and not _in_spans(line.start, skip)
    ]


#: An article opening its line (:data:`~assistant.ingest.markers.ARTICLE`: "제20조(연차유급휴가) ① 회사는 …");
#: a reference to one ("제20조(연차휴가)에 따른 …") goes on with a particle.
_ARTICLE_LINE = re.compile(rf"[ \t]*({ARTICLE.pattern})(?=\s|$)")
#: A document is a regulation's articles when at least this many lines open with one.
_ARTICLES = 2


def article_labels(lines: Sequence[Line], skip: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Spans of the labels of a regulation's articles ("제20조(연차유급휴가)"), each opening its line,
    when a document has at least :data:`_ARTICLES` of them; lines in ``skip`` (tables) have none.
    Each heads its article as a section title does: the search and the citations name it, and
    the sentences after it on its line are the article's first."""
    found = []
    for line in lines:
        m = _ARTICLE_LINE.match(line.text)
        if m and not _in_spans(line.start, skip):
            found.append((line.start + m.start(1), line.start + m.end(1)))
    return found if len(found) >= _ARTICLES else []


#: A document is a list of questions and answers when at least this many question lines have theirs.
_FAQ_PAIRS = 2
_LONGEST_QUESTION = 100
#: Marks of emphasis a FAQ may put around a question ("**Q. …?**").
_EMPHASIS = "*_"


def faq_questions(blocks: Sequence[Sequence[Line]], skip: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Spans of the questions of a FAQ: lines that are one short question ("Q. 연차는 언제 생기나요?",
    "재택근무 신청 방법?", "**Q. …?**") with their answer on the next line, when a document has at
    least :data:`_FAQ_PAIRS` of them (one question in prose heads nothing); lines in ``skip``
    (tables) are none. Each heads its answer, as a section title does."""
    asked = [span for span in _asked(blocks) if not _in_spans(span[0], skip)]
    return asked if len(asked) >= _FAQ_PAIRS else []


def with_line_headings(
    text: str, lines: Sequence[Line], headings: Sequence[Heading], tables: Sequence[tuple[int, int]] = ()
) -> list[Heading]:
    """``headings`` with the headings written as lines of ``text``: the questions of a FAQ
    (:func:`faq_questions`: "**Q. 연차는 언제 생기나요?**" then its answer) and the labels of a
    regulation's articles (:func:`article_labels`), each one level below the heading above it.
    For the readers whose headings come from markup (Markdown, HTML, office documents)."""
    line_starts = [line.start for line in lines]
    marked = {bisect.bisect_right(line_starts, h.start) - 1 for h in headings}  # the lines of the headings
    plain = [line for i, line in enumerate(lines) if i not in marked]
    out = list(headings)
    written = set(faq_questions(paragraph_blocks(plain), tables)) | set(article_labels(plain, tables))
    for start, end in sorted(written):
        above = [h.level for h in headings if h.start < start]
        out.append(Heading((above[-1] + 1) if above else 1, text[start:end], start, end))
    return sorted(out, key=lambda h: h.start)


def _asked(blocks: Sequence[Sequence[Line]]) -> list[tuple[int, int]]:
    """Spans of the lines that are one short question followed by a line that is not (:func:`faq_questions`)."""
    out = []
    for n, block in enumerate(blocks):
        following = blocks[n + 1] if n + 1 < len(blocks) else []
        for i, line in enumerate(block):
            after = block[i + 1] if i + 1 < len(block) else (following[0] if following else None)
            opens = i == 0 or _ends_sentence(block[i - 1].text)  # not the rest of a wrapped line
            if (
                opens
                and after is not None
                and _is_asked(line.text)
                and not _is_asked(after.text)
                and _numbered_level(after.text.strip()) is None
            ):
                out.append(_unmarked_span(line))
    return out


def _unmarked_span(line: Line) -> tuple[int, int]:
    """The line's span without the spaces and the emphasis marks (``**``, ``__``) around it."""
    body = line.text.strip().strip(_EMPHASIS)
    start = line.start + line.text.index(body) if body else line.start
    return start, start + len(body)


def _is_asked(line: str) -> bool:
    """Whether a line is one short question, or marked as one ("Q. …")."""
    body = line.strip().strip(_EMPHASIS).strip()
    mark = ASKED_MARK.match(body)
    rest = body[mark.end() :] if mark else body
    one = not re.search(r"[.!?。]\s+\S", rest)  # no sentence ends inside it
    return 0 < len(body) <= _LONGEST_QUESTION and one and (mark is not None or bool(QUESTION_END.search(rest)))


def _assign_levels(text: str, spans: Sequence[tuple[int, int]]) -> list[Heading]:
    """Numbered headings get their number's depth; others go one below the last one. A heading
    of several words without a number that opens the document, right above a numbered one of the
    first depth, is the document's title: level 0, so that every section is under it ("2025년 AI
    바우처 지원사업 추진계획" over "Ⅰ. 추진 배경", whose passages its words then find; a "서문" is a
    section like the others)."""
    levels = [_numbered_level(text[start:end]) for start, end in spans]
    headings: list[Heading] = []
    last_numbered: int | None = None
    for n, ((start, end), level) in enumerate(zip(spans, levels, strict=True)):
        if level is not None:
            last_numbered = level
        elif n == 0 and levels[1:2] == [1] and not text[:start].strip() and len(text[start:end].split()) > 1:
            level = 0
        else:
            level = last_numbered + 1 if last_numbered is not None else 1
        headings.append(Heading(level, text[start:end], start, end))
    return headings


def plain_structure(text: str, *, with_tables: bool = True) -> tuple[list[Heading], list[tuple[int, int]]]:
    blocks = paragraph_blocks(split_lines(text))
    tables = _plain_tables(blocks) if with_tables else []
    return _assign_levels(text, _heading_candidates(blocks, tables)), tables


def extract_plain(text: str, stem: str) -> Extracted:
    text = undouble(without_page_numbers(text))
    headings, tables = plain_structure(text)
    joined = reflow(text, [*holding_lines(text, headings), *tables])
    return Extracted(
        joined.text,
        stem.replace("_", " ").strip() or stem,
        [joined.heading(h) for h in headings],
        [joined.span(*t) for t in tables],
    )


def holding_lines(text: str, headings: Sequence[Heading]) -> list[tuple[int, int]]:
    """The spans of the headings that are the whole of their line (markup aside), which
    :func:`reflow` keeps as they are; an article's label opens a line its first sentence goes
    on, and that sentence may wrap onto the next line."""
    out = []
    for h in headings:
        end = text.find("\n", h.end)
        if not text[h.end : len(text) if end < 0 else end].strip(_EMPHASIS + " \t#"):
            out.append((h.start, h.end))
    return out


# ---------------------------------------------------------------------------
# Lines a layout wrapped (plain text, Markdown, PDF)


#: A line wraps only when it is at least this share of the document's usual width of a full line.
WRAPPED = 0.6
#: The usual width of a full line: this quantile of the widths of the document's lines.
FULL = 0.9
#: Documents whose lines are narrower than this are lists or verse, not wrapped prose.
NARROWEST = 20
#: What opens a line of its own: a quote, a table row, a Markdown heading, code, a parenthesised
#: number ("(2) …"), an item mark ("①", "가.", "※"), an ordinal numeral with its comma ("둘째, …").
_OPENS = re.compile(rf"\s*(?:[>|#`]|\(\d{{1,3}}\)|[{CIRCLED_NUMBERS}※]|[가-하][.)]\s|{_ORDINAL_COMMA})")
_ANNOUNCES = (":", "：")


@dataclass(frozen=True)
class Reflowed:
    """A text with its wrapped lines joined, and where each offset of the text before went."""

    text: str
    #: offsets of the text before after which characters were left out, and how many in all up to each
    cuts: tuple[tuple[int, int], ...] = ()

    def at(self, offset: int) -> int:
        """Where ``offset`` of the text before is in :attr:`text`."""
        i = bisect.bisect_right(self.cuts, (offset, math.inf)) - 1
        return offset - self.cuts[i][1] if i >= 0 else offset

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.at(start), self.at(end)

    def heading(self, h: Heading) -> Heading:
        return Heading(h.level, h.title, *self.span(h.start, h.end))


def reflow(text: str, keep: Sequence[tuple[int, int]] = ()) -> Reflowed:
    """``text`` with each line break that wraps a sentence, and the spaces around it, made one space
    (none when the break falls inside a word: :func:`_inside_a_word`).

    A break wraps when its line is wide for the document (at least :data:`WRAPPED` of the usual
    full width, Hangul and other wide characters counting two columns, as a terminal or an editor
    that wrapped them counts), does not end a sentence or announce what follows (":"), and the
    next line goes on with it: not blank, not a bullet, a numbered item or a line that opens a
    block (:data:`_OPENS`). Lines that overlap a span of ``keep`` (headings, tables, code) are
    neither joined to the next nor joined onto.
    """
    lines = split_lines(text)
    columns = [_columns(line.text.rstrip()) for line in lines]
    width = _full_width(lines, columns)
    if width < NARROWEST:
        return Reflowed(text)
    held = _held(lines, keep)
    words = _Pieces(text)
    parts: list[str] = []
    cuts: list[tuple[int, int]] = []
    removed = done = 0
    for i, (line, after) in enumerate(zip(lines, lines[1:], strict=False)):
        body = line.text.strip()
        if _wraps(body, columns[i], width, after.text) and i not in held and i + 1 not in held:
            cut = line.start + len(line.text.rstrip())  # the break and the spaces around it …
            resume = after.start + len(after.text) - len(after.text.lstrip())
            space = "" if _inside_a_word(body, after.text.lstrip(), words) else " "
            parts += [text[done:cut], space]  # … become one space, or none inside a word
            removed += resume - cut - len(space)
            cuts.append((resume, removed))
            done = resume
    if not cuts:
        return Reflowed(text)
    parts.append(text[done:])
    return Reflowed("".join(parts), tuple(cuts))


def _full_width(lines: Sequence[Line], columns: Sequence[int]) -> int:
    """The usual width of a full line of the document (0 for fewer than two lines with text)."""
    widths = sorted(c for c, line in zip(columns, lines, strict=True) if line.text.strip())
    return widths[min(len(widths) - 1, int(FULL * len(widths)))] if len(widths) >= 2 else 0


def _wraps(body: str, columns: int, width: int, after: str) -> bool:
    """Whether a line (``body`` stripped, ``columns`` wide) wraps a sentence that the line ``after``
    goes on with. A line spread out by a run of spaces inside it ("제  출  자 :  정         부", a
    form's field) is as wide as it is by its padding, not by its words, and wraps nothing."""
    return (
        columns >= WRAPPED * width
        and not _ends_sentence(body)
        and not body.endswith(_ANNOUNCES)
        and not _SPREAD.search(body)
        and _goes_on(after)
    )


#: A run of spaces inside a line that only padding makes (a form's field, a right-aligned value).
_SPREAD = re.compile(r"\S {4,}\S")


#: A line that is only a page's number as printed pages carry it ("- 7 -", "– 12 –", "3 / 10"), or a
#: page break (form feed), with or without a page break before it.
_PAGE_NUMBER = re.compile(r"\s*\f?\s*(?:[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}\s*/\s*\d{1,4})?\s*")


def without_page_numbers(text: str) -> str:
    """``text`` without the lines that are only a page number or a page break, and the blank line
    after each, when it has two or more: text taken from printed pages keeps them, often inside a
    sentence ("… 육아휴직을 신청\n\n- 7 -\n\n\f- 8 -\n\n하지 않은 …"), which could then not be
    joined again."""
    lines = text.split("\n")
    marks = [i for i, line in enumerate(lines) if line.strip() and _PAGE_NUMBER.fullmatch(line)]
    if len(marks) < 2:
        return text
    dropped, out = set(marks), []
    for i, line in enumerate(lines):
        if i in dropped or (i - 1 in dropped and _is_blank(line)):
            continue
        out.append(line)
    return "\n".join(out)


#: A document is double-spaced when at least this share of its lines is followed by one blank line
#: and then a line with text.
DOUBLE_SPACED = 0.7
#: ... and its blank lines are taken out only when at least this many lines wrap (one long line
#: before a heading is no wrapping).
MIN_UNDOUBLED = 3
#: ... and its full lines are at least this many columns wide (a printed page's are; a list's
#: short lines with blank lines between them are no page).
NARROWEST_PAGE = 40


def undouble(text: str) -> str:
    """``text`` without the blank line between a line that wraps a sentence and the line that goes
    on with it (:func:`reflow`'s rule), when the document is double-spaced: text taken from printed
    pages or a word processor's export often puts a blank line after every line ("… 보살핌이 필요\n\n
    한 나이이나 …"), and every wrapped line would be a paragraph, or a heading, of its own. A
    blank line after a line that ends a sentence, or after a short line (a heading), stays; so do
    all of them when fewer than :data:`MIN_UNDOUBLED` lines wrap."""
    lines = split_lines(text)
    filled = [i for i, line in enumerate(lines) if not _is_blank(line.text)]
    spaced = [
        i for i in filled if i + 2 < len(lines) and _is_blank(lines[i + 1].text) and not _is_blank(lines[i + 2].text)
    ]
    if len(filled) < 4 or len(spaced) < DOUBLE_SPACED * (len(filled) - 1):
        return text
    columns = [_columns(line.text.rstrip()) for line in lines]
    width = _full_width(lines, columns)
    if width < NARROWEST_PAGE:
        return text
    drop = {i + 1 for i in spaced if _wraps(lines[i].text.strip(), columns[i], width, lines[i + 2].text)}
    if len(drop) < MIN_UNDOUBLED:
        return text
    return "\n".join(line.text for i, line in enumerate(lines) if i not in drop)


_WORD = "[\\w/.-]"
_WORD_END = re.compile(_WORD + "+$")
_WORD_START = re.compile(r"^\w+")
_WORDS = re.compile(_WORD + "+")


def _inside_a_word(line: str, after: str, words: _Pieces) -> bool:
    """Whether a line break falls inside a word: Korean lines may break between any two syllables
    ("… 다른 설\n명서에 …"). It does when the piece before the break and the first two characters
    after it, written together, occur elsewhere in the text ("설명" does; "프로젝트에대해", of "…
    프로젝트에\n대해 …", does not)."""
    end, start = _WORD_END.search(line), _WORD_START.match(after)
    return end is not None and start is not None and words.holds(end.group() + start.group()[:2])


class _Pieces:
    """Whether a run of word characters occurs in a text, in time that does not grow with the text.

    Such a run can only occur inside one of the text's runs of word characters, so it occurs when
    it begins one of their suffixes: those are sorted once (up to :data:`_PIECE` characters each;
    a longer run is looked for in the text itself), on the first question."""

    _PIECE = 32

    def __init__(self, text: str) -> None:
        self.text = text
        self._suffixes: list[str] | None = None

    def holds(self, run: str) -> bool:
        if len(run) > self._PIECE:
            return run in self.text
        if self._suffixes is None:
            tokens = set(_WORDS.findall(self.text))
            self._suffixes = sorted({t[i : i + self._PIECE] for t in tokens for i in range(len(t))})
        at = bisect.bisect_left(self._suffixes, run)
        return at < len(self._suffixes) and self._suffixes[at].startswith(run)


def _columns(line: str) -> int:
    """How many columns a line takes: Hangul, Hanja and other wide characters two, others one."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def _goes_on(line: str) -> bool:
    """Whether a line can be the rest of the sentence of the line before it."""
    body = line.strip()
    return bool(body) and not _is_bullet(body) and _numbered_level(body) is None and not _OPENS.match(line)


def _held(lines: Sequence[Line], spans: Sequence[tuple[int, int]]) -> set[int]:
    """The indexes of the lines that overlap one of ``spans``."""
    starts = [line.start for line in lines]
    held: set[int] = set()
    for start, end in spans:
        first = max(0, bisect.bisect_right(starts, start) - 1)
        last = bisect.bisect_left(starts, end)  # the lines that start before the span ends
        held.update(range(first, max(first + 1, last)))
    return held
