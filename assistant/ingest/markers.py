"""The signs and words that open the members of a list, shared by everything that reads lists:
the plain-text loader (a bulleted line is not joined to the one before), sentence spans (a
bullet is not part of its sentence), the summary (a sentence that opens or holds an item), the
lists a follow-up's ordinal counts in (:mod:`assistant.text.enumeration`) and the ordinals a
follow-up names (:mod:`assistant.chat.cues`)."""

from __future__ import annotations

import re

#: Characters that open a bulleted line; ㅇ stands for ○ in documents typed in 한글 (a report's
#: "□ … / ㅇ … / - …" levels).
BULLETS = "•-*·▪○●◦■□◆◇▶►‣–ㅇ◎❍▷➢✓✔☞❑◈▣▸◼"
#: The bullet a reader writes before a list's item when the document shows one it does not write
#: as text (an HTML ``<ul>``, a Word bulleted list).
BULLET = "•"
#: :data:`BULLETS` as the inside of a regular-expression character class.
BULLET_CLASS = re.escape(BULLETS)
#: The ordinal numerals, first to tenth (첫째 … 열째).
ORDINAL_NUMERALS = ("첫째", "둘째", "셋째", "넷째", "다섯째", "여섯째", "일곱째", "여덟째", "아홉째", "열째")
#: The numeral determiners that count with 번째, first to tenth (첫 번째 … 열 번째).
COUNTING_DETERMINERS = ("첫", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열")
#: The value of each ordinal numeral (첫째 → 1) and of each determiner counting with 번째 (세 → 3).
ORDINAL_VALUES = {word: n for n, word in enumerate(ORDINAL_NUMERALS, 1)}
DETERMINER_VALUES = {word: n for n, word in enumerate(COUNTING_DETERMINERS, 1)}
#: An ordinal that opens a member: 첫째 … 열째, or 첫 번째(로) … 열 번째(로) with or without the space.
ORDINAL = f"(?:{'|'.join(ORDINAL_NUMERALS)}|(?:{'|'.join(COUNTING_DETERMINERS)})\\s?번째(?:로)?)"
#: What opens the last member.
CLOSING = "마지막으로|끝으로"
#: A paragraph's circled number ("① 회사는 …"), as the inside of a character class.
CIRCLED_NUMBERS = "①-⑳"
#: An article of a regulation or a law: its number and its title in brackets ("제20조(연차유급휴가)",
#: "제3조의2 【정의】").
ARTICLE = re.compile(
    r"제\s*\d{1,4}\s*조(?:\s*의\s*\d{1,3})?\s*"
    r"(?:\((?P<round>[^()\n]{1,40})\)|【(?P<lenticular>[^】\n]{1,40})】|\[(?P<square>[^\]\n]{1,40})\])"
)


def article_title(heading: str) -> str | None:
    """The title of a heading that is an article's label alone ("제31조(연장근로수당)" → 연장근로수당)."""
    m = ARTICLE.fullmatch(heading.strip())
    return next(g for g in m.groups() if g).strip() if m else None


#: The end of a question: its question mark, and the quotes, brackets or Markdown emphasis closing it.
QUESTION_END = re.compile(r"[?？][\"'”’)\]」』*_]*$")
#: What marks a line of a FAQ as its question ("Q.", "Q1.", "Q:", "질문:", "문)", "[질문]") or as its answer
#: ("A.", "답변:", "답1)", "[답변]").
#: ("A)" and "Q)" are left alone: they are as often the first of a list's members.)
#: ("A1:", "Q1:" without a space after them are cell references, "A1:A10"; "A1" is never an answer's mark.)
ASKED_MARK = re.compile(
    r"\s*(?:Q\s*[.:：]|Q\s*\d{1,3}\s*[.:)：](?=\s)|(?:질문|문)\s*\d{0,3}\s*[.:)：]|\[(?:질문|Q)\])\s*(?=\S)",
    re.IGNORECASE,
)
ANSWER_MARK = re.compile(r"\s*(?:A\s*[.:：]|(?:답변|답)\s*\d{0,3}\s*[.:)：]|\[(?:답변|A)\])\s*(?=\S)", re.IGNORECASE)

_ORDINAL_VALUE = re.compile(
    rf"(?<![가-힣])(?:({'|'.join(ORDINAL_NUMERALS)})|({'|'.join(COUNTING_DETERMINERS)})\s?번째|(\d{{1,3}})\s?번째)"
)


def ordinal_written(text: str) -> str | None:
    """The first ordinal ``text`` names, as it writes it ("두 번째", "셋째", "12번째"); None for none."""
    m = _ORDINAL_VALUE.search(text) if "째" in text else None
    return m.group(0) if m else None


def ordinals_in(text: str) -> frozenset[int]:
    """The ordinals ``text`` names, as numbers: 첫째 and 첫 번째 are 1, 세번째 is 3, 12번째 is 12."""
    if "째" not in text:  # every ordinal ends in it: most sentences need no search
        return frozenset()
    out = set()
    for numeral, determiner, digits in _ORDINAL_VALUE.findall(text):
        out.add(ORDINAL_VALUES[numeral] if numeral else DETERMINER_VALUES[determiner] if determiner else int(digits))
    return frozenset(out)
