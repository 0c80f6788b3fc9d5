"""A conversation as a Markdown document: each question, its summary with the markers ``[n]``,
and the passages those markers cite (document › section, character span, the text quoted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from assistant.answer.schema import Answer, Citation
from assistant.chat.sessions import Feedback

RATINGS = {"up": "👍 도움이 됨", "down": "👎 도움이 안 됨"}


def conversation_markdown(
    title: str, created: float, answers: Sequence[Answer], feedback: Mapping[int, Feedback] | None = None
) -> str:
    """The conversation ``answers`` (oldest first) under ``title``, with the rating of each turn
    given in ``feedback`` (by turn number)."""
    feedback = feedback or {}
    when = dt.datetime.fromtimestamp(created).astimezone().strftime("%Y-%m-%d %H:%M")
    out = [f"# {_line(title)}", "", f"{when}에 시작한 대화 · 질문 {len(answers)}개"]
    for i, answer in enumerate(answers, 1):
        n = answer.turn or i
        out += ["", f"## {n}. {_line(answer.question)}", ""]
        if answer.query != answer.question:
            out += [f"*검색한 질의: {_line(answer.query)}*", ""]
        if answer.caution:
            out += [f"> 주의: {_line(answer.caution)}", ""]
        out.append(answer.summary)
        if answer.suggestions:
            out += ["", "이런 질문은 어떨까요:", *(f"- {q}" for q in answer.suggestions)]
        cited = [c for c in answer.citations if c.sentences]
        if cited:
            out += ["", "### 출처"]
            for c in cited:
                out += ["", *_source(c)]
        rated = feedback.get(n)
        if rated is not None:
            comment = f" — {_line(rated.comment)}" if rated.comment else ""
            out += ["", f"평가: {RATINGS.get(rated.rating, rated.rating)}{comment}"]
    return "\n".join(out) + "\n"


def _source(c: Citation) -> list[str]:
    """A cited passage: its number, where it is, its span, then its text quoted."""
    head = f"[{c.n}] {c.place} ({c.doc_id}, 글자 {c.start}–{c.end})"
    quoted = [f"> {line}" if line.strip() else ">" for line in c.passage.strip().split("\n")]
    return [head, "", *quoted]


def _line(text: str) -> str:
    """Text on one line (a heading or a list item cannot span lines)."""
    return " ".join(text.split())
