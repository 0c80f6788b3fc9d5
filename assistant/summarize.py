"""Query-focused extractive summaries filled into Korean templates.

Sentences of the retrieved passages are scored by the query's content morphemes they
share (idf-weighted), the rank of their passage and their place in it; redundant ones
are dropped; the chosen ones are put back in document order and laid out by a template
that fits the form of the question. Every sentence keeps a marker ``[n]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.korean import KoreanAnalyzer, Token

#: Leading bullet characters that are not part of a sentence's meaning.
_BULLET = re.compile(r"^[\s•·▪○●◦\-*]+")
_SENTENCE_END = re.compile(r"[.?!。？！][\"'”’)\]]*$|[다요죠음임함]$")

#: Question forms, checked in this order; the first pattern that matches wins.
FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("comparison", re.compile(r"비교|차이|다른 ?점|공통점|다른가|다릅|vs|대비")),
    ("reason", re.compile(r"왜|이유|원인|까닭|때문")),
    ("method", re.compile(r"어떻게|방법|방안|방향|해야|하려면|전략은|대책|해결")),
    ("list", re.compile(r"무엇무엇|어떤 것들|종류|목록|나열|몇 가지|요소|사례들|들은\?|들이 있")),
    ("definition", re.compile(r"무엇|뭐야|뭔가|뭐예요|뭐죠|란\?|이란|의미|정의|뜻")),
)

LEADS = {
    "definition": "",
    "general": "",
    "reason": "문서가 드는 이유:",
    "method": "문서가 제시하는 방법:",
    "list": "문서에서 찾은 항목:",
    "comparison": "문서에 나온 비교:",
}

#: Words of a question that ask rather than say what it is about.
QUESTION_WORDS = frozenset(
    [
        "무엇",
        "뭐",
        "왜",
        "이유",
        "원인",
        "어떻다",
        "어떤",
        "어디",
        "언제",
        "누구",
        "방법",
        "방안",
        "차이",
        "비교",
        "설명",
        "정의",
        "의미",
        "종류",
        "목록",
        "점",
        "내용",
        "관련",
        "대하다",
        "알리다",
        "주다",
        "하다",
        "있다",
        "되다",
        "자세히",
    ]
)


def question_form(question: str) -> str:
    """One of definition, reason, method, list, comparison or general."""
    for name, pattern in FORMS:
        if pattern.search(question):
            return name
    return "general"


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, with its content morphemes."""

    citation: int  # 1-based number of its passage
    start: int
    end: int
    text: str
    position: int  # index of the sentence in its passage
    terms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Picked:
    candidate: Candidate
    score: float


def sentence_spans(doc_text: str, units: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the summary candidates of a passage: its sentences, with table units split
    into rows and leading bullets dropped. Computed at index time."""
    out: list[tuple[int, int]] = []
    for start, end in units:
        pos = start
        for line in doc_text[start:end].split("\n"):
            s, e = pos, pos + len(line)
            pos = e + 1
            m = _BULLET.match(line)
            s += m.end() if m else 0
            e = s + len(doc_text[s:e].rstrip())
            if e - s >= 8:
                out.append((s, e))
    return out


def select(
    candidates: Sequence[Candidate],
    query_terms: Sequence[str],
    idf: Callable[[str], float],
    n: int,
) -> list[Picked]:
    """Pick up to ``n`` sentences: relevant to the query and not redundant."""
    if not candidates:
        return []
    term_sets = [set(c.terms) for c in candidates]
    q = set(query_terms)
    q_weight = sum(idf(t) for t in q) or 1.0
    scores = []
    for cand, terms in zip(candidates, term_sets, strict=True):
        overlap = sum(idf(t) for t in q & terms) / q_weight
        score = overlap + 0.3 / cand.citation + 0.1 / (1 + cand.position)
        # Table cells and fragments read badly on their own: prefer whole sentences.
        scores.append(score if _SENTENCE_END.search(cand.text) else 0.4 * score)
    floor = 0.5 * max(scores)  # no padding with sentences far weaker than the best
    picked: list[int] = []
    for i in sorted(range(len(candidates)), key=lambda i: -scores[i]):
        if len(picked) == n or scores[i] < floor:
            break
        if all(_jaccard(term_sets[i], term_sets[j]) < 0.6 for j in picked):
            picked.append(i)
    return [Picked(candidates[i], scores[i]) for i in picked]


def select_comparison(
    candidates: Sequence[Candidate],
    query_terms: Sequence[str],
    idf: Callable[[str], float],
    n: int,
    sides: Sequence[str],
) -> list[Picked]:
    """Like :func:`select`, but first the best sentence about each side, so both are heard."""
    picked: list[Picked] = []
    for side in sides:
        about = [c for c in candidates if side in c.text and c not in {p.candidate for p in picked}]
        picked += select(about, [*query_terms, side], idf, 1)
    seen = {p.candidate for p in picked}
    rest = [p for p in select(candidates, query_terms, idf, n) if p.candidate not in seen]
    return picked + rest[: max(n - len(picked), 0)]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def natural_order(picked: Sequence[Picked], doc_of: Callable[[int], str]) -> list[Picked]:
    """Group by document (best-ranked document first), then by position in the text."""
    rank: dict[str, int] = {}
    for p in sorted(picked, key=lambda p: p.candidate.citation):
        rank.setdefault(doc_of(p.candidate.citation), len(rank))
    return sorted(picked, key=lambda p: (rank[doc_of(p.candidate.citation)], p.candidate.start))


def compose(form: str, picked: Sequence[Picked], sides: Sequence[str] = ()) -> str:
    """Lay the chosen sentences out by the template of the question's form."""
    lines = [f"{p.candidate.text} [{p.candidate.citation}]" for p in picked]
    if not lines:
        return ""
    if form == "comparison" and len(sides) == 2:
        return _compare(picked, sides)
    lead = LEADS.get(form, "")
    if form in ("list", "method", "reason") and len(lines) > 1:
        body = "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))
        return f"{lead}\n{body}"
    return (lead + "\n" if lead else "") + " ".join(lines)


def _compare(picked: Sequence[Picked], sides: Sequence[str]) -> str:
    groups: dict[str, list[str]] = {side: [] for side in sides}
    groups["양쪽 모두"] = []
    groups["그 밖에"] = []
    for p in picked:
        text = p.candidate.text
        hits = [s for s in sides if s in text]
        key = hits[0] if len(hits) == 1 else ("양쪽 모두" if hits else "그 밖에")
        groups[key].append(f"{text} [{p.candidate.citation}]")
    parts = [LEADS["comparison"]]
    parts += [f"- {side}: " + " ".join(items) for side, items in groups.items() if items]
    return "\n".join(parts)


def comparison_sides(question: str, analyzer: KoreanAnalyzer) -> list[str]:
    """The two things a comparison question sets side by side.

    "미국과 한국의 AI 동맹 차이" → 미국, 한국; "한국 사례와 해외 사례" → 한국, 해외 (the first
    noun of each noun phrase joined by 와/과/하고/랑).
    """
    toks = analyzer.tokens(question)
    for i, tok in enumerate(toks):
        if tok.tag in {"JC", "JKB"} and tok.form in {"와", "과", "하고", "랑", "이랑"} and i > 0:
            left = _phrase_head(toks, i - 1, step=-1)
            right = _phrase_head(toks, i + 1, step=1)
            if left and right and left != right:
                return [left, right]
    return []


def _phrase_head(toks: Sequence[Token], i: int, step: int) -> str | None:
    """First noun of the run of nouns that touches position ``i`` (walking by ``step``)."""
    run = []
    while 0 <= i < len(toks) and toks[i].tag.startswith(("NN", "SL")):
        run.append(toks[i].form)
        i += step
    if not run:
        return None
    return run[-1] if step < 0 else run[0]


def topic_terms(query_terms: Sequence[str]) -> list[str]:
    """The query's content terms without the words that only ask."""
    return [t for t in query_terms if t not in QUESTION_WORDS]
