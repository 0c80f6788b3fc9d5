"""Korean templates that lay the chosen sentences out by the form of the question.

Every line that carries content is a sentence (or a named item) copied from a cited passage,
ending with its marker ``[n]``; the template adds only a heading ("문서가 드는 이유:"), numbers,
side labels, a note when the documents say nothing about a side, and, over the steps that follow a
lead that is a later step of their procedure, "앞 단계:" and "다음 단계:".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer.summarize import Picked
from assistant.text.chunking import last_heading
from assistant.text.sentences import SENTENCE_END, step_number, step_value

LEADS = {
    "definition": "",
    "general": "",
    "reason": "문서가 드는 이유:",
    "method": "문서가 제시하는 방법:",
    "list": "문서에서 찾은 항목:",
    "comparison": "문서에 나온 비교:",
    "overview": "문서별 첫머리:",
}


@dataclass(frozen=True)
class Line:
    """One line of content: its text, the passage it comes from (a marker number), and a side label."""

    text: str
    citation: int
    label: str = ""
    quoted: bool = False  #: not a whole sentence (a table cell, a line of a list): shown in quotes
    #: where the text stands: (document id, start), when known; a method's lines are numbered as steps
    #: only when they follow one another in one document
    place: tuple[str, int] | None = None
    #: a table row's column names (its header row's cells), when it has one: the row is shown by them
    columns: tuple[str, ...] = ()
    #: of those, the ones the question asks for, shown first ("2024년 매출은?": 2024년)
    asked: tuple[str, ...] = ()

    def point(self) -> str:
        """The line as a point of a list: under its label ("메가 얼라이언스 구축: …"), when it has one."""
        return f"{self.label}: {self.render()}" if self.label else self.render()

    def render(self) -> str:
        if not self.quoted:
            return f"{self.text} [{self.citation}]"
        return f"{_by_columns(self.text, self.columns, self.asked) or f'“{self.text}”'} [{self.citation}]"


def _by_columns(row: str, columns: Sequence[str], asked: Sequence[str] = ()) -> str:
    """A table's row by its column names: "“베이직” — 월 요금: 무료, 저장 용량: 5GB" for the row
    "베이직 | 무료 | 5GB" under "요금제 | 월 요금 | 저장 용량" (the first cell names the row; an empty
    cell is left out); the ``asked`` columns first, the others after them in parentheses ("“매출” —
    2024년: 150억 원 (2022년: 98억 원, 2023년: 120억 원)"); "" when the row and its header do not hold
    as many cells."""
    values = [cell.strip() for cell in row.split("|")]
    if len(columns) < 2 or len(values) != len(columns) or not values[0]:
        return ""
    named = [(name, cell) for name, cell in zip(columns[1:], values[1:], strict=True) if cell]
    first = ", ".join(f"{name}: {cell}" for name, cell in named if name in asked)
    rest = ", ".join(f"{name}: {cell}" for name, cell in named if name not in asked)
    if first and rest:
        return f"“{values[0]}” — {first} ({rest})"
    return f"“{values[0]}” — {first or rest}" if first or rest else ""


def excerpt(text: str) -> bool:
    """Whether a line of a passage is not a whole sentence (a table cell, a heading-like line)."""
    return not SENTENCE_END.search(text)


#: Over the steps shown after a lead that is a later step of the same procedure ("3. 배경 탭에서 …
#: 선택하십시오." first, as the step that answers): those numbered before it, and those after it, so
#: that the numbers do not seem to run 3, 1, 2, 4.
BEFORE_STEPS = "앞 단계:"
AFTER_STEPS = "다음 단계:"


def around_the_lead(lines: Sequence[Line]) -> dict[int, str]:
    """Headings to put over some of ``lines``, by index: when the first line is step k > 1 of a
    numbered procedure and steps of the same one (its passage) numbered below k follow it,
    :data:`BEFORE_STEPS` over the first of those and :data:`AFTER_STEPS` over the first step
    numbered above k that comes after them; none otherwise (steps after a lead in their own order
    read as they are), nor for the items of a list that are no sentences (a law's "4. 제10조의2를
    위반하여 … 자", shown quoted): they are no steps."""
    k = step_value(lines[0].text) if lines and not lines[0].quoted else None
    if k is None or k < 2:
        return {}
    out: dict[int, str] = {}
    for i, line in enumerate(lines[1:], 1):
        n = step_value(line.text)
        if n is None or line.quoted or line.citation != lines[0].citation:
            continue
        if n < k and not out:
            out[i] = BEFORE_STEPS
        elif n > k and out and AFTER_STEPS not in out.values():
            out[i] = AFTER_STEPS
    return out


def _headed(rendered: Sequence[str], lines: Sequence[Line]) -> list[str]:
    """The rendered ``lines``, with :func:`around_the_lead`'s headings over theirs."""
    heads = around_the_lead(lines)
    out: list[str] = []
    for i, text in enumerate(rendered):
        if i in heads:
            out.append(heads[i])
        out.append(text)
    return out


def compose(form: str, lines: Sequence[Line], missing: Sequence[str] = (), head: str | None = None) -> str:
    """The summary: ``lines`` laid out by the template of ``form`` (under ``head`` instead of the
    form's own heading, when given); ``missing`` names the sides of a comparison the documents say
    nothing about."""
    if not lines:
        return ""
    if form == "comparison":
        return _compare(lines, missing)
    head = LEADS.get(form, "") if head is None else head
    if form == "overview":  # each document's opening under its title
        return head + "\n" + "\n".join(f"- {line.point()}" for line in lines)
    if form in ("list", "method", "reason") and len(lines) > 1:
        if any(step_number(line.text) for line in lines):  # the document's own numbers (steps 2, 4) stay
            shown = [line.render() if step_number(line.text) else f"- {line.point()}" for line in lines]
            body = "\n".join(_headed(shown, lines) if form == "method" else shown)  # items or reasons are no steps
        elif form == "method" and not in_reading_order(lines):  # ways, not steps: numbers would say "in this order"
            body = "\n".join(f"- {line.point()}" for line in lines)
        else:
            body = "\n".join(f"{i}. {line.point()}" for i, line in enumerate(lines, 1))
        return f"{head}\n{body}"
    return (head + "\n" if head else "") + _prose(lines)


def _prose(lines: Sequence[Line]) -> str:
    """Sentences as one paragraph; the steps of a procedure among them (two or more: "1. …",
    "2. …") each on a line of its own, as the document writes them."""
    if sum(1 for line in lines if step_number(line.text)) < 2:
        return " ".join(line.render() for line in lines)
    heads = around_the_lead(lines)
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in heads:
            out.append(heads[i])
        if step_number(line.text) or not out or step_number(out[-1]):  # a heading stands over a step
            out.append(line.render())
        else:
            out[-1] += " " + line.render()
    return "\n".join(out)


def in_reading_order(lines: Sequence[Line]) -> bool:
    """Whether the lines come from one document, each after the one before (where known): a
    sequence a reader may follow step by step, not sentences gathered from here and there."""
    places = [line.place for line in lines]
    if None in places:
        return True  # nothing says otherwise
    docs = {place[0] for place in places if place}
    starts = [place[1] for place in places if place]
    return len(docs) == 1 and starts == sorted(set(starts))


def _compare(lines: Sequence[Line], missing: Sequence[str]) -> str:
    """A side the documents lack first (what the reader must know before the rest), then unlabelled
    lines (about both sides, or neither) as they come; each side's lines under its label."""
    parts = [LEADS["comparison"], *(f"- 문서에 {side}에 대한 내용은 없습니다." for side in missing)]
    for line in lines:
        # a table's row shown by its columns names its side itself ("“매출” — 2024년: …")
        named = line.columns and line.label and line.text.split("|")[0].strip() == line.label
        parts.append(f"- {line.label}: {line.render()}" if line.label and not named else f"- {line.render()}")
    return "\n".join(parts)


def side_of(text: str, sides: Sequence[str]) -> str:
    """The one side a sentence is about, "" when it names both or neither."""
    named = [s for s in sides if s.lower() in text.lower()]
    return named[0] if len(named) == 1 else ""


def _side_about(text: str, sides: Sequence[str], topic_of: Callable[[str], str | None]) -> str:
    """The one side a sentence is about (:func:`side_of`), unless it opens with another name as its topic."""
    side = side_of(text, sides)
    topic = topic_of(text) if side else None
    return "" if topic and side.lower() not in topic.lower() and topic.lower() not in side.lower() else side


def _side_by_heading(p: Picked, sides: Sequence[str]) -> str:
    """The one side the heading a sentence stands under names, when the sentence itself names
    neither (the paragraphs of "제20조(연차유급휴가)" never say 연차; those under "미국" rarely say 미국)."""
    if any(s.lower() in p.candidate.text.lower() for s in sides):
        return ""
    return side_of(last_heading(p.candidate.section), sides)


def label_sides(
    picked: Sequence[Picked],
    sides: Sequence[str],
    topic_of: Callable[[str], str | None] = lambda _: None,
    missing: Sequence[str] = (),
) -> list[tuple[Picked, str]]:
    """Each sentence with its side's label, when the sentences can be told apart by side.

    Sentences about both sides or neither stay unlabelled, and so does one that opens with another
    name as its topic (``topic_of``: "한국은 … 미국이나 중국에 비해 …" is about 한국, not 미국); when no
    sentence is about one side only, or a side is ``missing`` from the documents (every label would
    name the other), none is labelled.
    """
    labels = [_side_about(p.candidate.text, sides, topic_of) or _side_by_heading(p, sides) for p in picked]
    if not any(labels) or missing:
        return [(p, "") for p in picked]
    return list(zip(picked, labels, strict=True))
