"""Points, steps and items: what a summary shows in its document's order.

After :func:`~assistant.answer.summarize.select` has chosen the lead, these put around it the
enumeration it belongs to or announces (``enumeration``), the sub-sections of its section
(``subsections``), the steps of its procedure (``in_procedure_order``, ``procedure_after``), the
rest of the answer under a FAQ's question (``answer_under_question``), and, for follow-ups, the
items of a list shown (``items_of``, ``other_items``) and the sentences around one pointed at
(``around``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace

from assistant.answer.summarize import (
    ITEM_INSIDE,
    Asked,
    Candidate,
    Picked,
    about_subject,
    eligible,
    is_point,
    is_question,
    presentable,
    relevance,
    select,
)
from assistant.text.chunking import PATH_SEPARATOR, last_heading
from assistant.text.sentences import enumerated, opens_item, step_value


def enumeration(
    candidates: Sequence[Candidate], picked: Sequence[Picked], n: int, q: Asked | None = None
) -> list[Picked]:
    """When the lead is, or announces, one of the document's enumerated points ("첫째, …", "두 번째로,
    …", a step's "2. …"), the points of that enumeration in the document's order (at most ``max(n, 3)``,
    the lead among them: from the first point, or up to the lead when it comes later), after the lead
    when it is not one of them (it announces them, or is a point's later sentence); else nothing.
    Nothing either when the lead is a later point and the question ``q`` names what only that point
    says: "비즈니스 모델의 유연성은 어떻게 확보하나요?" asks the essay's last point ("마지막으로, … 비즈니스
    모델의 유연성을 확보해야 합니다."), which came third after the two before it."""
    if not picked:
        return []
    lead = picked[0].candidate
    run = next((r for r in _runs(_points(candidates, lead.doc_id, is_point)) if any(_near(lead, p) for p in r)), [])
    if len(run) < 2:
        return []
    size = max(n, 3)
    at = next((i for i, p in enumerate(run) if p.start == lead.start), None)
    if q is not None and at and _names_only(run[at], [p for p in run if p is not run[at]], q):
        return []
    if at is None:  # the lead announces the points ("… 쉽고 빠른 방법이 있습니다."), or is a point's later
        # sentence that answers: it is said first, the points after it from the first
        return [picked[0], *(Picked(c, 0.0) for c in run[: size - 1])]
    first = max(0, min(at - size + 1, len(run) - size)) if at >= size else 0  # the window holds the lead
    return [Picked(c, 0.0) for c in run[first : first + size]]


def _names_only(point: Candidate, others: Sequence[Candidate], q: Asked) -> bool:
    """Whether one of the question's topic terms is in ``point`` and in none of the ``others``."""
    return any(t in point.terms and not any(t in o.terms for o in others) for t in q.terms)


#: Sub-sections of one section shown as its points, at most.
SUBSECTION_POINTS = 6
#: ... and at least (among the candidates).
SUBSECTIONS_LISTED = 3


def subsections(candidates: Sequence[Candidate], picked: Sequence[Picked], n: int, q: Asked) -> list[Picked]:
    """When the sentences chosen come from two or more sub-sections of one section of the lead's
    document, the question asks about that section and its sub-headings are its points ("4. 한국이
    나아가야 할 방향" > "메가 얼라이언스 구축", "정부의 정책적 지원 강화", …): one sentence of each of
    its sub-sections among the candidates, in the document's order (the one chosen there, else the
    sub-section's first there; at most :data:`SUBSECTION_POINTS`); else nothing. "한국이 AI에서
    나아가야 할 방향은?" listed three of the four in the order of their scores, the second first,
    with a sentence of the other essay after them, and "첫 번째 거" then pointed at the second. A
    question naming the lead's own sub-heading asks about that one ("설치 방법" > "macOS"): nothing."""
    if n < 2 or len(picked) < 2:
        return []
    lead = picked[0].candidate
    parent = _parent(lead.section)
    own = last_heading(lead.section).lower()
    if not parent or any(t in own for t in q.terms):  # asked about the lead's sub-section ("macOS에 설치하려면?")
        return []
    mine = [p for p in picked if p.candidate.doc_id == lead.doc_id and _parent(p.candidate.section) == parent]
    chosen: dict[str, Picked] = {}
    for p in mine:
        chosen.setdefault(p.candidate.section, p)
    if len(chosen) < 2:
        return []
    firsts: dict[str, Candidate] = {}  # each sub-section's first sentence, in the document's order
    for c in sorted(candidates, key=lambda c: c.start):
        mine_too = c.doc_id == lead.doc_id and _parent(c.section) == parent and c.section not in firsts
        if mine_too and (shown := presentable(c)) is not None:
            firsts[c.section] = shown
    if len(firsts) < SUBSECTIONS_LISTED or any(is_question(last_heading(section)) for section in firsts):
        return []  # two are no list; headings that ask are a FAQ's questions, not an answer's points
    return [chosen.get(section) or Picked(first, 0.0) for section, first in firsts.items()][:SUBSECTION_POINTS]


#: A sub-heading longer than this is no label for its point.
LABEL_CHARS = 30


def heading_label(c: Candidate) -> str:
    """The sub-heading a point of :func:`subsections` is shown under ("메가 얼라이언스 구축"), "" when
    it is long or the sentence writes it already."""
    heading = last_heading(c.section).strip()
    return heading if len(heading) <= LABEL_CHARS and heading.lower() not in c.text.lower() else ""


def _parent(section: str) -> str:
    """A section path without its last heading ('' for a path of one heading)."""
    head, _, last = section.rpartition(PATH_SEPARATOR)
    return head if last else ""


def in_procedure_order(candidates: Sequence[Candidate], picked: Sequence[Picked], n: int) -> list[Picked]:
    """When two or more of the chosen sentences after the lead are steps of one numbered procedure
    ("2. 와이파이를 눌러 …", "1. 현재 활동 개요를 …"), that procedure as it is written: its steps in their
    order and without a gap, from the first one chosen, in the summary's places from where its
    first step was (what was chosen after them gives way: a procedure cut short leaves the reader
    half-way); else nothing. A lead that is itself one of the steps is what answers, and stays as it is."""
    steps = [p for p in picked[1:] if _is_step(p.candidate.text)]
    if len(steps) < 2:
        return []
    for doc in dict.fromkeys(p.candidate.doc_id for p in steps):
        for run in _runs(_points(candidates, doc, _is_step)):
            at = {c.start: i for i, c in enumerate(run)}
            mine = [i for i, p in enumerate(picked) if p.candidate.doc_id == doc and p.candidate.start in at]
            if len(mine) < 2 or mine[0] == 0:
                continue
            place = mine[0]
            first = min(at[picked[i].candidate.start] for i in mine)
            window = run[first : first + max(n - place, 2)]
            return [*picked[:place], *(Picked(c, 0.0) for c in window)]
    return []


#: Steps of one numbered procedure shown after a lead that is none of them (a window holding the
#: step chosen, else from the first).
PROCEDURE_STEPS = 6
#: Sentences chosen after the lead that stay before such a procedure.
BEFORE_PROCEDURE = 2


def procedure_after(
    candidates: Sequence[Candidate], picked: Sequence[Picked], n: int, terms: Collection[str] = frozenset()
) -> list[Picked]:
    """The numbered procedure the lead belongs to or speaks of, after it: the lead, the next (at most
    :data:`BEFORE_PROCEDURE`) sentences chosen that are no steps, then the procedure's steps in their
    order (at most :data:`PROCEDURE_STEPS`, a window holding the step it is found by; the lead not
    again). The procedure is the lead's own when the lead is a step ("3. 터치패드 섹션에서 …": step 4
    turns on tapping); else the one a sentence chosen after the lead is a step of; else the one nearest
    the lead in its section of its document ("화면 해상도 또는 방향 바꾸기": the lead says what the native
    resolution is, step 4 of the page's procedure picks the resolution), in the lead's section, one
    around it or one within it, or in a section beside it when its heading or one of its steps holds
    one of the question's ``terms`` (a wiki page's "저장소 받기" does not go on from "DB 어떻게 띄워?" answered
    under "로컬 데이터베이스"); else nothing. The procedure
    counts as one of the ``n`` sentences: a reader asking how needs all its steps, and one step alone
    leaves them half-way."""
    if n < 2 or not picked:
        return []
    lead = picked[0].candidate
    if _is_step(lead.text):
        anchor: Candidate | None = lead if _does(lead.text) else None
        run = _run_of(candidates, anchor) if anchor is not None else []
    else:
        anchor = next((p.candidate for p in picked[1:] if _does(p.candidate.text)), None)
        if anchor is not None:
            run = _run_of(candidates, anchor)
        else:
            top = _top_heading(lead.section)
            runs = [
                r
                for r in _runs(_points(candidates, lead.doc_id, _does))
                if _top_heading(r[0].section) == top
                # a sibling section's procedure does something else, unless it is about the question
                and (_nested(r[0].section, lead.section) or _about_terms(r, terms))
            ]
            run = min(runs, key=lambda r: min(abs(c.start - lead.start) for c in r), default=[])
    if len(run) < 2:
        return []
    at = next((i for i, c in enumerate(run) if anchor is not None and c.start == anchor.start), 0)
    first = max(0, at - PROCEDURE_STEPS + 1)
    steps = [c for c in run[first : first + PROCEDURE_STEPS] if (c.doc_id, c.start) != (lead.doc_id, lead.start)]
    others = [p for p in picked[1:] if not _is_step(p.candidate.text)][: min(BEFORE_PROCEDURE, n - 2)]
    return [picked[0], *others, *(Picked(s, 0.0) for c in steps if (s := presentable(c)) is not None)]


def _about_terms(run: Sequence[Candidate], terms: Collection[str]) -> bool:
    """Whether a procedure's heading ("해상도 설정") or one of its steps holds one of ``terms``."""
    heading = last_heading(run[0].section).lower()
    return any(t in heading for t in terms) or any(not c.terms.isdisjoint(terms) for c in run)


def _nested(a: str, b: str) -> bool:
    """Whether one of two heading paths is the other or one of its sub-sections."""
    return a == b or a.startswith(b + PATH_SEPARATOR) or b.startswith(a + PATH_SEPARATOR)


def _top_heading(section: str) -> str:
    """The first heading of a section path (its page's, in a manual of pages)."""
    return section.split(PATH_SEPARATOR, 1)[0]


def _run_of(candidates: Sequence[Candidate], step: Candidate) -> list[Candidate]:
    """The steps of the numbered procedure ``step`` is one of, in order (as :func:`_runs` reads them)."""
    runs = _runs(_points(candidates, step.doc_id, _does))
    return next((r for r in runs if any(c.start == step.start for c in r)), [])


#: Sentences next to a lead under a heading that asks a question shown right after it.
ANSWER_NEIGHBOURS = 2


def answer_under_question(candidates: Sequence[Candidate], picked: Sequence[Picked], n: int) -> list[Picked]:
    """When the lead stands under a heading that asks a question (a FAQ's "stable 릴리스에 새 기능이
    들어가나요?"), the text under it is that question's answer: the lead, then its nearest sentences
    there (at most :data:`ANSWER_NEIGHBOURS`, in the document's order), then what was chosen after the
    lead, ``n`` in all; else nothing. "stable 쓰고 있는데 새 기능 업데이트는 언제 들어와요?" led with "… 보안
    업데이트만 받습니다." and went on to other answers; the sentence before it, "새 기능은 안정 릴리스에는
    안 들어갑니다.", now follows it."""
    if not picked or n < 2:
        return []
    lead = picked[0].candidate
    if not is_question(last_heading(lead.section)):
        return []
    near = sorted(
        {
            c.start: p
            for c in candidates
            if c.doc_id == lead.doc_id and c.section == lead.section and not is_question(c.text)
            # the lead itself, though a candidate of it starts before its label or connective
            if (p := presentable(c)) is not None and not (p.start < lead.end and lead.start < p.end)
        }.values(),
        key=lambda c: abs(c.start - lead.start),
    )[:ANSWER_NEIGHBOURS]
    if not near:
        return []
    added = {c.start for c in near}
    rest = [p for p in picked[1:] if not (p.candidate.doc_id == lead.doc_id and p.candidate.start in added)]
    return [picked[0], *(Picked(c, 0.0) for c in sorted(near, key=lambda c: c.start)), *rest][:n]


def _does(text: str) -> bool:
    """Whether a sentence is a step that does something: numbered, and no question ("1. 데비안 CD를
    만들고 팔 수 있나요?" is a FAQ's question, numbered)."""
    return _is_step(text) and not is_question(text)


def _points(candidates: Sequence[Candidate], doc: str, test: Callable[[str], bool]) -> list[Candidate]:
    """The candidates of document ``doc`` whose text passes ``test``, once each, in the document's order."""
    return sorted({c.start: c for c in candidates if c.doc_id == doc and test(c.text)}.values(), key=lambda c: c.start)


def _is_step(text: str) -> bool:
    """Whether a sentence is a step of a numbered procedure ("2. …")."""
    return step_value(text) is not None


def _runs(points: Sequence[Candidate], gap: int = 600) -> list[list[Candidate]]:
    """Points in runs: one enumeration's points follow each other closely, in one numbering style;
    a step numbered no higher than the one before starts another list ("1. 셀을 선택합니다. 2. …"
    then "1. 분할할 셀에 …": two procedures)."""
    runs: list[list[Candidate]] = []
    for p in points:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and p.start - last.end <= gap
            and _style(p.text) in (_style(last.text), "")
            and not _numbered_again(last.text, p.text)
        ):
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs


def _numbered_again(before: str, after: str) -> bool:
    """Whether ``after`` is a step numbered no higher than the step ``before`` ("2. …" then "1. …")."""
    a, b = step_value(before), step_value(after)
    return a is not None and b is not None and b <= a


def _style(text: str) -> str:
    """The numbering style of a point: "째" (첫째, 둘째), "번째" (첫 번째로), or "" (마지막으로, 2.);
    of a sentence that announces the points and holds the first ("몇 가지 … 첫째, …"), that point's."""
    inside = None if opens_item(text) else ITEM_INSIDE.search(text)
    at = inside.start() if inside else 0
    head = text[at : at + 12]
    return "번째" if "번째" in head else "째" if "째" in head else ""


def _near(lead: Candidate, point: Candidate) -> bool:
    return point.start <= lead.start < point.end or 0 <= point.start - lead.end <= 3 or point.start == lead.start


def items_of(picked: Sequence[Picked], q: Asked, candidates: Sequence[Candidate] = ()) -> list[Candidate]:
    """The named items the chosen sentences enumerate ("A, B, C 등", several quoted names), each
    as a candidate of its own; none when no chosen sentence that is about the question enumerates
    two or more. Failing that, the items of the first of the other ``candidates`` (best passage
    first) whose items name what the question asks for: two or more of them write one of its
    terms ("우리나라 AI 얼라이언스 종류 알려줘": "SK텔레콤 주도의 'K-AI 얼라이언스', 코오롱베니트의 'AI
    얼라이언스', …", in the second passage, while the sentences chosen were on building a 메가
    얼라이언스)."""
    lead = relevance(picked[0].candidate, q) if picked else 0.0
    for p in picked:
        spans = enumerated(p.candidate.text)
        mine = relevance(p.candidate, q)
        if len(spans) >= 2 and mine >= 0.6 * lead:
            # ... unless another passage enumerates under headings that say more of the question
            # ("해외 AI 동맹 사례는?": the companies under "해외 사례 > 미국", not those under "한국 사례")
            rated = [(relevance(c, q), c) for c in candidates if c.doc_id == p.candidate.doc_id]
            better = [(r, c) for r, c in rated if r > mine and len(enumerated(c.text)) >= 2]
            best = max(better, key=lambda rc: rc[0])[1] if better else p.candidate
            return _items(best, enumerated(best.text))
    terms = [t for t in q.terms if len(t) >= 2]
    chosen = {(p.candidate.doc_id, p.candidate.start) for p in picked}
    for c in sorted(candidates, key=lambda c: (c.citation, c.start)):
        if (c.doc_id, c.start) in chosen:
            continue
        spans = enumerated(c.text)
        if sum(any(t in c.text[a:b].lower() for t in terms) for a, b in spans) >= 2:
            return _items(c, spans)
    return []


def _items(c: Candidate, spans: Sequence[tuple[int, int]]) -> list[Candidate]:
    """The items at ``spans`` of sentence ``c``, each a candidate of its own."""
    return [replace(c, start=c.start + a, end=c.start + b, text=c.text[a:b], terms=frozenset()) for a, b in spans]


def other_items(shown: Sequence[Candidate], q: Asked) -> list[Candidate]:
    """Asked for another one after a sentence that enumerates items, one of which the question
    singled out ("SK텔레콤이 주도하는 AI 동맹은?" → "SK텔레콤 주도의 'K-AI 얼라이언스', 코오롱베니트의
    'AI 얼라이언스', …"): the other items, each a candidate of its own. An item is singled out
    when it holds one of the question's terms that no other item holds. None when no sentence
    of ``shown`` (in order) enumerates items the question tells apart."""
    for c in shown:
        spans = enumerated(c.text)
        if len(spans) < 2:
            continue
        held = [frozenset(t for t in q.terms if t in c.text[a:b].lower()) for a, b in spans]
        asked = {i for i, terms in enumerate(held) if terms.difference(*held[:i], *held[i + 1 :])}
        if asked and len(asked) < len(spans):
            return [
                replace(c, start=c.start + a, end=c.start + b, text=c.text[a:b], terms=frozenset())
                for i, (a, b) in enumerate(spans)
                if i not in asked
            ]
    return []


def around(
    candidates: Sequence[Candidate],
    anchor: tuple[str, int],
    q: Asked,
    n: int,
    *,
    restate: bool = True,
    section: str | None = None,
    further: Sequence[Candidate] | None = None,
    onward: bool = False,
) -> list[Picked]:
    """To elaborate the sentence at ``anchor`` (doc id, start): that sentence when it is among the
    candidates and ``restate`` (a question about what it means, not a request for more), then the
    ones after it in its section (``section`` when the sentence itself is not a candidate), then
    the ones before; then the best of the other passages (of ``further`` when given). Empty when
    nothing new would be said."""
    doc, start = anchor
    pool = eligible(candidates, replace(q, subject=()))
    same = sorted({(c.start, c.end): c for c in pool if c.doc_id == doc}.values(), key=lambda c: c.start)
    at = next((c for c in same if c.start <= start < c.end), None)
    section = at.section if at is not None else section
    if (
        section is not None and not onward
    ):  # its neighbours are in its section: past a heading the document is on to something else
        same = [c for c in same if c.section == section]
    after = [c for c in same if c.start >= (at.end if at else start + 1)]
    before = [] if onward else [c for c in reversed(same) if c.end <= (at.start if at else start)]
    if q.subject:  # an item named among others in its sentence: only what names it says more of it
        after, before = [c for c in after if about_subject(c, q)], [c for c in before if about_subject(c, q)]
    new = (after + before)[: max(n - 1, 1)]
    if len(new) < n - 1:
        rest = pool if further is None else eligible(further, replace(q, subject=()))
        others = [c for c in rest if c.doc_id != doc or not (c in after or c in before or c is at)]
        if q.subject:
            others = [c for c in others if about_subject(c, q)]
        new += [p.candidate for p in select(others, q, n - 1 - len(new)) if p.candidate not in new]
    if not new:
        return [Picked(at, 0.0)] if q.subject and at is not None else []
    # with nothing more in its own section, the sentence is said again, so the answer shows what it elaborates
    restate = restate or not (after or before)
    head = [at] if restate and at is not None else []
    return [Picked(c, 0.0) for c in head + new]
