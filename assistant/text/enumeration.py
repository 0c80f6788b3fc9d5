"""Lists a document writes out: "첫째, … 둘째, …", "첫 번째로, … 마지막으로, …", bullets, "1. … 2. …".

When an answer quotes a sentence of such a list, or the sentence that introduces it ("몇 가지 주요
요소를 고려해야 합니다. 첫째, …"), a follow-up's ordinal ("두 번째 요소를 자세히") means the
document's own second member, not the second sentence the summary happened to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.ingest.markers import BULLET_CLASS, CLOSING, ORDINAL
from assistant.text.sentences import ends_sentence

_FIRST = r"첫째|첫\s?번째(?:로)?"
#: How a member line starts, by kind (members of one list share a kind).
_ORDINAL = re.compile(rf"^(?:(?P<first>{_FIRST})|{ORDINAL}|(?P<last>{CLOSING}|마지막))\s*[,，:]")
#: An ordinal list opening after a sentence inside a line.
_INNER_FIRST = re.compile(rf"(?<=[.!?])\s+(?=(?:{_FIRST})\s*[,，:])")
#: A bullet and the spaces after it, before a member's text.
_BULLET = re.compile(rf"^[{BULLET_CLASS}]\s+(?=\S)")
_NUMBER = re.compile(r"^\(?(?P<n>\d{1,2})[.)]\s+(?=\S)")
#: A numbered line this short is a heading ("3. 비교 분석"), not a list member, unless it ends as a
#: sentence ("2. 속성을 클릭하십시오.": a step).
MIN_NUMBERED_LINE = 40
#: Lines of other text a list may hold between two members (a member's own second paragraph).
MAX_GAP = 2
#: A member stands for its list by its first sentence, cut to this many characters.
MAX_MEMBER_CHARS = 240

_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")


@dataclass(frozen=True)
class Member:
    """One member of a list: its first sentence and where that starts in the document."""

    text: str
    start: int


_NUMBERED = re.compile(rf"^\s*{ORDINAL}\s*[,，:]?\s")


def numbered(sentence: str) -> bool:
    """Whether a sentence says its place in a list ("첫 번째로, …", "둘째, …", a step's "4. …")."""
    return bool(_NUMBERED.match(sentence) or _NUMBER.match(sentence.lstrip()))


def listed_around(text: str, offset: int) -> list[Member]:
    """The list of ``text`` that the sentence at ``offset`` belongs to or introduces, in order;
    [] when there is none (fewer than two members)."""
    lines = _lines(text)
    at = next((i for i, (a, line) in enumerate(lines) if a <= offset < a + len(line) + 1), None)
    if at is None:
        return []
    for run in _runs(lines):
        introduces = at == run[0] - 1 and _kind(lines[at][1]) is None  # the line just before the list
        if introduces or run[0] <= at <= run[-1]:
            return [_member(*lines[i]) for i in run]
    return []


def _lines(text: str) -> list[tuple[int, str]]:
    """The non-blank lines of ``text`` with where each starts, stripped of leading spaces; a line
    whose later sentence opens an ordinal list ("… 고려해야 합니다. 첫째, …") is two lines."""
    out = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.lstrip()
        if stripped.strip():
            start = pos + len(raw) - len(stripped)
            line = stripped.rstrip()
            cut = _INNER_FIRST.search(line)
            if cut:
                out.append((start, line[: cut.start()].rstrip()))
                start, line = start + cut.end(), line[cut.end() :]
            out.append((start, line))
        pos += len(raw) + 1
    return out


def _kind(line: str) -> str | None:
    match = _ORDINAL.match(line)
    if match:
        return "first" if match.group("first") else "last" if match.group("last") else "ordinal"
    if _BULLET.match(line):
        return "bullet"
    if _NUMBER.match(line) and (len(line) >= MIN_NUMBERED_LINE or ends_sentence(line)):
        return "number"
    return None


def _runs(lines: list[tuple[int, str]]) -> list[list[int]]:
    """Indexes of the member lines of each list: members of one kind, at most :data:`MAX_GAP`
    other lines apart; an ordinal list starts at its first ("첫째") and ends at its last."""
    runs: list[list[int]] = []
    current: list[int] = []
    family = None
    for i, (_, line) in enumerate(lines):
        kind = _kind(line)
        if kind is None:
            if current and i - current[-1] > MAX_GAP:
                runs.append(current)
                current, family = [], None
            continue
        fam = "ordinal" if kind in ("first", "ordinal", "last") else kind
        if kind == "first" or fam != family or (current and i - current[-1] > MAX_GAP + 1):
            if current:
                runs.append(current)
            current, family = [], fam
            if fam == "ordinal" and kind != "first":  # an ordinal list begins with its first
                family = None
                continue
        current.append(i)
        if kind == "last":
            runs.append(current)
            current, family = [], None
    if current:
        runs.append(current)
    return [r for r in runs if len(r) >= 2]


def _member(start: int, line: str) -> Member:
    mark = _BULLET.match(line) or _NUMBER.match(line)
    if mark:  # the sentence starts after its bullet or number ("1. 셀을 선택합니다." is not "1.")
        start, line = start + mark.end(), line[mark.end() :]
    first = _SENTENCE_END.split(line, maxsplit=1)[0]
    return Member(first[:MAX_MEMBER_CHARS], start)
