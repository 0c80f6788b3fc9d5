"""Query-focused extractive summaries filled into Korean templates.

Sentences of the retrieved passages are scored by the query's content morphemes they
share (idf-weighted), the rank of their passage and their place in it; redundant ones
are dropped; the chosen ones are put back in document order and laid out by a template
that fits the form of the question. Every sentence keeps a marker ``[n]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.text.sentences import SENTENCE_END


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
        scores.append(score if SENTENCE_END.search(cand.text) else 0.4 * score)
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
