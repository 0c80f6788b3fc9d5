"""Comparison answers: each side heard.

``select_comparison`` chooses like :func:`~assistant.answer.summarize.select`, then makes room for
each side of "A와 B는 어떻게 다른가요?" that no chosen sentence names alone, and reports the sides no
candidate names at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.answer.summarize import (
    DEFAULT_WEIGHTS,
    Asked,
    Candidate,
    Picked,
    Weights,
    cells,
    section_heads,
    select,
)
from assistant.text.sentences import form_cue, label_prefix


def select_comparison(
    candidates: Sequence[Candidate], q: Asked, n: int, sides: Sequence[str], w: Weights = DEFAULT_WEIGHTS
) -> tuple[list[Picked], list[str]]:
    """Like :func:`select`, but each side is heard: when no chosen sentence names a side alone, its
    best sentence joins them. Also returns the sides no candidate names at all, in its text or its
    heading (a side named only beside the other is not missing: "해외는 …인 반면, 한국은 …")."""
    # a sentence saying that the document compares ("해외 사례와 한국의 AI 동맹을 비교하고, … 제시합니다")
    # tells nothing of either side
    candidates = [c for c in candidates if not _SAYS_IT_COMPARES.search(c.text)] or list(candidates)
    chosen = select(candidates, q, n, w)
    if chosen and not _sets_against(chosen[0].candidate.text, sides):
        # a sentence that sets the sides against each other ("해외는 …인 반면, 한국은 …") answers first;
        # one naming them all otherwise ("미국과 유럽의 사례는 … 한국과 차이가 있지만") gives way to it
        # ... when it says as much of the rest of the question ("자본 면에서는?" after "한국과 유럽의 AI 전략
        # 차이는?" keeps the sentence on 자본 before the contrast of 규제)
        lead = chosen[0].candidate
        lead_names_all = _names_all(lead.text, sides)
        contrasts = [
            c
            for c in candidates
            if _names_all(c.text, sides)
            and form_cue(c.text, "comparison")
            and (not lead_names_all or (_sets_against(c.text, sides) and _says_as_much(c, lead, q, sides)))
        ]
        best = select(contrasts, q, 1, replace(w, floor=0.0))
        if best and best[0].score >= w.floor * chosen[0].score:
            chosen = [best[0], *(p for p in chosen if p.candidate != best[0].candidate)][:n]
    missing: list[str] = []
    for side in sides:
        heard = [p.candidate for p in chosen if _only(p.candidate.text, side, sides)]
        about = [c for c in candidates if _only(c.text, side, sides)]
        # a sentence about the side ("미국은 …") before one that names it beside another ("미국과 중국의 …")
        opening = [c for c in about if _opens_with(c.text, side)]
        if any(_opens_with(c.text, side) for c in heard) or (heard and not opening):
            continue
        best = select(opening or about, replace(q, subject=(side,)), 1, replace(w, floor=0.0))
        if best:
            chosen = [*_make_room(chosen, n - 1, sides), best[0]]
        elif not any(side.lower() in f"{c.section}\n{c.text}".lower() for c in candidates):
            missing.append(side)
    rows = [p.candidate for p in chosen if _row_of(p.candidate, sides)]
    if rows:
        # a table's rows are about what their first cells name: "스탠다드랑 프로 차이가 뭐야?" is not
        # answered by the row of 베이직
        chosen = [p for p in chosen if cells(p.candidate.text) < 2 or _row_of(p.candidate, sides)]
    docs = {c.doc_id for c in rows}
    if len(docs) == 1 and all(any(_row_of(c, [side]) for c in rows) for side in sides):
        # ... and when a table has a row for every side, it is the comparison: another document's
        # sentence naming a side ("팀 채널에서 …" for the 팀 plan) is about something else
        chosen = [p for p in chosen if p.candidate.doc_id in docs]
    return chosen, missing


def _row_of(c: Candidate, sides: Sequence[str]) -> bool:
    """Whether ``c`` is a table row whose first cell names one of ``sides`` and whose header
    (:func:`with_table_headers`) names none: a row of things compared, not a row of aspects with a
    column per side ("구분 | 한국 | 해외")."""
    if cells(c.text) < 2:
        return False
    header = section_heads(c.section)[1]
    first = c.text.split(" | ", 1)[0].lower()
    return not any(side.lower() in header for side in sides) and any(side.lower() in first for side in sides)


def _make_room(chosen: list[Picked], room: int, sides: Sequence[str]) -> list[Picked]:
    """At most ``room`` of the chosen sentences: the weakest go first, never the lead nor the only
    sentence about a side."""
    out = list(chosen)
    for p in sorted(chosen[1:], key=lambda p: p.score):
        if len(out) <= room:
            break
        alone = [s for s in sides if _only(p.candidate.text, s, sides)]
        if alone and sum(_only(o.candidate.text, alone[0], sides) for o in out) == 1:
            continue
        out.remove(p)
    return out


#: A sentence announcing a comparison rather than making it: "… 을 비교하고, … 방향을 제시합니다".
_SAYS_IT_COMPARES = re.compile(r"(?:을|를) 비교(?:하고|하며|하여|해 보|합니다|한다|하겠|하고자)")


def _opens_with(text: str, side: str) -> bool:
    """Whether a sentence opens with ``side`` as its topic, subject or owner ("미국은 …", "유럽연합(EU)은
    …" for 유럽, "한국의 AI 동맹은 …"), a label before it aside."""
    body = text[label_prefix(text) :]
    return bool(re.match(re.escape(side) + r"\S{0,6}?(?:은|는|이|가|의|에서는)(?=\s)", body, re.IGNORECASE))


def _says_as_much(c: Candidate, other: Candidate, q: Asked, sides: Sequence[str]) -> bool:
    """Whether ``c`` holds, in its text or its headings, at least the idf weight of the question's
    terms, the sides aside, that ``other`` holds."""
    asked = [t for t in q.terms if t not in {side.lower() for side in sides}]

    def said(s: Candidate) -> float:
        section = s.section.lower()
        return sum(q.weight(t) for t in asked if t in s.terms or t in section)

    return said(c) >= said(other)


def _sets_against(text: str, sides: Sequence[str]) -> bool:
    """Whether ``text`` makes every side a topic of its own ("유럽은 …하는 반면, 한국은 …"): the
    sentence says something of each, not of them together ("미국과 유럽의 사례는 …")."""
    body = text[label_prefix(text) :]
    return len(sides) >= 2 and all(
        re.search(r"(?<!\w)" + re.escape(side) + r"\S{0,6}?(?:은|는|의 경우)(?=\s)", body, re.IGNORECASE)
        for side in sides
    )


def _names_all(text: str, sides: Sequence[str]) -> bool:
    """Whether ``text`` names every side."""
    low = text.lower()
    return bool(sides) and all(side.lower() in low for side in sides)


def _only(text: str, side: str, sides: Sequence[str]) -> bool:
    """Whether ``text`` names ``side`` and no other side."""
    low = text.lower()
    return side.lower() in low and not any(o.lower() in low for o in sides if o != side)
