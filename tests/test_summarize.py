"""Sentence selection, ordering and templates of the extractive summary."""

from __future__ import annotations

import pytest

from assistant.answer.summarize import Candidate, Picked, natural_order, select, select_comparison
from assistant.answer.templates import compose
from assistant.text.korean import KoreanAnalyzer
from assistant.text.questions import comparison_sides
from assistant.text.sentences import sentence_spans


def cand(citation: int, start: int, text: str, terms: set[str], position: int = 0) -> Candidate:
    return Candidate(citation, start, start + len(text), text, position, frozenset(terms))


def idf(term: str) -> float:
    return {"지하철": 3.0, "노선": 2.0, "버스": 2.0, "서울": 0.5}.get(term, 1.0)


def test_select_prefers_shared_terms_and_drops_weak_sentences() -> None:
    subway = cand(1, 0, "서울의 지하철은 아홉 개 노선이다.", {"서울", "지하철", "노선"})
    bus = cand(1, 30, "버스는 간선과 지선으로 나뉜다.", {"버스", "간선", "지선"}, 1)
    picked = select([bus, subway], ["지하철", "노선"], idf, 3)
    assert [p.candidate for p in picked] == [subway]


def test_select_skips_near_duplicates_and_fragments() -> None:
    a = cand(1, 0, "지하철 노선은 아홉 개이다.", {"지하철", "노선", "아홉"})
    b = cand(2, 0, "지하철 노선은 모두 아홉 개이다.", {"지하철", "노선", "아홉", "모두"})
    fragment = cand(1, 40, "지하철 노선 현황", {"지하철", "노선", "현황"}, 1)
    picked = select([a, b, fragment], ["지하철", "노선"], idf, 3)
    assert [p.candidate for p in picked] == [a]


def test_natural_order_groups_by_document_then_position() -> None:
    late = Picked(cand(1, 50, "나중 문장이다.", set()), 2.0)
    early = Picked(cand(2, 10, "앞선 문장이다.", set()), 1.0)
    other = Picked(cand(3, 0, "다른 문서 문장이다.", set()), 3.0)
    docs = {1: "a.txt", 2: "a.txt", 3: "b.txt"}
    ordered = natural_order([other, late, early], lambda n: docs[n])
    # a.txt holds the best-ranked passage [1]: its sentences come first, in text order.
    assert ordered == [early, late, other]


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("definition", "가는 나이다. [1] 다는 라이다. [2]"),
        ("list", "문서에서 찾은 항목:\n1. 가는 나이다. [1]\n2. 다는 라이다. [2]"),
        ("reason", "문서가 드는 이유:\n1. 가는 나이다. [1]\n2. 다는 라이다. [2]"),
    ],
)
def test_compose_templates(form: str, expected: str) -> None:
    picked = [Picked(cand(1, 0, "가는 나이다.", set()), 1.0), Picked(cand(2, 0, "다는 라이다.", set()), 1.0)]
    assert compose(form, picked) == expected


def test_compose_comparison_groups_by_side() -> None:
    picked = [
        Picked(cand(1, 0, "미국은 민간이 주도한다.", set()), 1.0),
        Picked(cand(2, 0, "유럽은 규제를 중시한다.", set()), 1.0),
        Picked(cand(3, 0, "미국과 유럽 모두 투자한다.", set()), 1.0),
    ]
    text = compose("comparison", picked, ["미국", "유럽"])
    assert text.splitlines() == [
        "문서에 나온 비교:",
        "- 미국: 미국은 민간이 주도한다. [1]",
        "- 유럽: 유럽은 규제를 중시한다. [2]",
        "- 양쪽 모두: 미국과 유럽 모두 투자한다. [3]",
    ]


def test_select_comparison_hears_both_sides() -> None:
    us = cand(1, 0, "미국은 민간이 주도한다.", {"미국", "민간", "주도"})
    eu = cand(2, 0, "유럽은 규제를 중시한다.", {"유럽", "규제", "중시"})
    both = cand(3, 0, "미국과 유럽의 전략은 다르다.", {"미국", "유럽", "전략"})
    picked = select_comparison([both, us, eu], ["미국", "유럽", "전략"], idf, 3, ["미국", "유럽"])
    assert {p.candidate for p in picked} >= {us, eu}


def test_comparison_sides(analyzer: KoreanAnalyzer) -> None:
    assert comparison_sides("미국과 한국의 AI 동맹 차이는?", analyzer) == ["미국", "한국"]
    assert comparison_sides("한국 사례와 해외 사례의 차이는?", analyzer) == ["한국", "해외"]
    assert comparison_sides("한국의 전략은?", analyzer) == []


def test_sentence_spans_split_table_rows_and_drop_bullets() -> None:
    text = "  • 첫째 항목입니다.\n구분 한국 해외\n자본 부족 충분"
    table = text.index("구분")
    spans = sentence_spans(text, [(0, table - 1), (table, len(text))])
    assert [text[a:b] for a, b in spans] == ["첫째 항목입니다.", "구분 한국 해외", "자본 부족 충분"]
