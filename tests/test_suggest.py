"""What an answer offers besides itself: particles, questions from headings, what the documents
cover, questions for an abstention and follow-ups near the cited sections."""

from __future__ import annotations

import click
import pytest
from conftest import ALWAYS, BY_COVERAGE, FakeEmbedder

from assistant.answer.engine import Engine
from assistant.answer.schema import Answer, Citation, UsedSentence
from assistant.answer.suggest import (
    NO_WORDS,
    NOT_FOUND,
    Outline,
    Section,
    abstention_message,
    covers,
    followups,
    question_for,
    topic_of,
)
from assistant.search.abstain import AbstentionRule
from assistant.settings import Settings
from assistant.text.josa import josa
from assistant.text.korean import KoreanAnalyzer


@pytest.mark.parametrize(
    ("word", "particle", "expected"),
    [
        ("서울", "은", "서울은"),
        ("제주도", "은", "제주도는"),
        ("제주도", "이", "제주도가"),
        ("메가 얼라이언스", "을", "메가 얼라이언스를"),
        ("데이터", "과", "데이터와"),
        ("서울", "으로", "서울로"),  # ㄹ takes 로
        ("부산항", "으로", "부산항으로"),
        ("AI", "은", "AI는"),
        ("URL", "을", "URL을"),  # 엘
        ("3", "은", "3은"),  # 삼
        ("2", "은", "2는"),  # 이
        ("‘한국의 전략’", "를", "‘한국의 전략’을"),  # through the closing quote
        ("C++", "은", "C++은(는)"),  # unknown: both
    ],
)
def test_a_particle_follows_the_last_sound(word: str, particle: str, expected: str) -> None:
    assert josa(word, particle) == expected


@pytest.mark.parametrize(
    ("heading", "topic"),
    [
        ("1. 해외 사례: 빅테크 중심의 AI 동맹", "빅테크 중심의 AI 동맹"),
        ("3.2 비교 분석 : 해외와 한국의 차이", "해외와 한국의 차이"),
        ("제2장 메가 얼라이언스", "메가 얼라이언스"),
        ("가. 정부 지원", "정부 지원"),
        ("2024 예산", "2024 예산"),  # a number without a dot is not numbering
        ("요약:", "요약"),
        ("제31조(연장근로수당)", "연장근로수당"),  # an article is named by its title
        ("제21조의2 【경조휴가】", "경조휴가"),
        ("Q. 배송은 얼마나 걸리나요?", "배송은 얼마나 걸리나요?"),  # a FAQ's question marker is no part of it
        ("Q3) 환불 규정", "환불 규정"),
        ("[Q] 탈퇴 방법", "탈퇴 방법"),
        ("질문: 적립금 사용", "적립금 사용"),
        ("QR 코드", "QR 코드"),
    ],
)
def test_the_topic_of_a_heading(heading: str, topic: str) -> None:
    assert topic_of(heading) == topic


def section(path: str, chars: int = 200, doc_id: str = "a.md", start: int = 0) -> Section:
    return Section(doc_id, path, start, start + chars, chars)


@pytest.mark.parametrize(
    ("path", "title", "question"),
    [
        ("AI 규모 경쟁에서의 생존 전략", "", "AI 규모 경쟁에서의 생존 전략은 무엇인가요?"),
        ("1. 해외와 한국 AI 동맹의 차이", "", "해외와 한국 AI 동맹의 차이는 무엇인가요?"),
        ("4. 한국의 방향 > 메가 얼라이언스 구축", "", "메가 얼라이언스 구축에 대해 알려 주세요."),
        ("서울 안내 > 교통", "서울 안내", "서울의 교통은 어떤가요?"),  # a one-word heading takes its parent
        ("1. 자연", "제주", "제주의 자연은 어떤가요?"),  # or the title
        ("해외 사례: 빅테크 중심의 AI 동맹 > 미국", "", "미국의 빅테크 중심의 AI 동맹은 어떤가요?"),
        ("왜 지금 AI 동맹인가?", "", "왜 지금 AI 동맹인가?"),  # already a question
        ("Q. 주문을 취소하고 싶어요.", "", "주문을 취소하고 싶어요."),  # a FAQ's question, as its reader asks it
        ("고객센터 FAQ > Q. 환불은 언제 되나요?", "", "환불은 언제 되나요?"),
    ],
)
def test_a_heading_becomes_a_question(path: str, title: str, question: str) -> None:
    assert question_for(section(path), title) == question


@pytest.mark.parametrize(
    ("path", "chars", "title"),
    [
        ("", 500, ""),  # before any heading
        ("본문", 500, ""),  # page furniture
        ("카테고리 없음", 500, ""),
        ("5. 결론", 500, ""),
        ("관련 내용", 10, ""),  # a byline, a date
        ("서울 안내", 500, "서울 안내"),  # the title again
        ("이 절의 제목은 문장처럼 아주 길어서 무엇에 대한 것인지 이름으로 부를 수가 없습니다", 500, ""),
    ],
)
def test_headings_that_name_nothing_give_no_question(path: str, chars: int, title: str) -> None:
    assert question_for(section(path, chars), title) is None


class FakeStore:
    """The two reads an outline makes of a chunk store."""

    def __init__(self, sections: dict[str, list[tuple[str, int]]]) -> None:
        self.data = sections
        self.reads: list[str] = []

    def chunk_counts(self) -> dict[str, int]:
        return {d: len(s) for d, s in self.data.items()}

    def sections(self, doc_id: str) -> list[tuple[str, int, int, int]]:
        self.reads.append(doc_id)
        out, at = [], 0
        for path, chars in self.data[doc_id]:
            out.append((path, at, at + chars, chars))
            at += chars
        return out


GUIDE = {
    "guide.md": [
        ("", 100),
        ("설치", 300),
        ("설치 > 요구 사항", 200),
        ("설치 > 설치 절차", 200),
        ("사용법 > 질문하기", 200),
        ("사용법 > 대화 이어가기", 200),
        ("사용법 > 문서 보기", 200),
        ("문제 해결", 200),
    ]
}


def outline_of(data: dict[str, list[tuple[str, int]]], titles: dict[str, str] | None = None) -> Outline:
    return Outline(FakeStore(data), titles or {d: d.split(".")[0] for d in data})  # type: ignore[arg-type]


def test_one_document_is_covered_by_its_top_sections() -> None:
    assert covers(outline_of(GUIDE, {"guide.md": "사용 안내서"})) == ["설치", "사용법", "문제 해결"]


def test_several_documents_are_covered_by_their_titles_longest_first() -> None:
    data = {"a.md": [("x", 100)], "b.md": [("x", 100), ("y", 100)], "c.md": [("x", 100)]}
    outline = outline_of(data, {"a.md": "가", "b.md": "나", "c.md": "다"})
    assert covers(outline) == ["나", "가", "다"]
    many = {f"{i:02}.md": [("x", 100)] for i in range(8)}
    assert covers(outline_of(many)) == ["00", "01", "02", "03", "04"]


def test_the_abstention_message_says_once_that_nothing_was_found_and_what_is_covered() -> None:
    two = abstention_message(["서울 안내", "제주 여행"], 2)
    assert two == f"{NOT_FOUND} 이 문서들은 ‘서울 안내’, ‘제주 여행’을 다룹니다."
    assert abstention_message(["설치", "사용법"], 1) == f"{NOT_FOUND} 이 문서는 ‘설치’, ‘사용법’을 다룹니다."
    assert abstention_message(["가", "나"], 7) == f"{NOT_FOUND} 이 문서들은 ‘가’, ‘나’ 등을 다룹니다."
    assert abstention_message([], 0) == NOT_FOUND
    # a message that is no question gets its reply; a greeting also hears what the documents cover
    assert abstention_message(["설치"], 1, ("social", "thanks")) == "천만에요. 더 궁금한 것이 있으면 물어봐 주세요."
    assert abstention_message(["설치", "사용법"], 1, ("social", "greeting")) == (
        "안녕하세요. 이 문서는 ‘설치’, ‘사용법’을 다룹니다. 궁금한 것을 물어봐 주세요."
    )
    assert two.count("없습니다") == 1
    # a question that could not be searched says why, then what the documents cover
    pointing = abstention_message(["설치"], 1, ("points_at", "그것"))
    assert pointing.startswith("질문의 ‘그것’이 무엇을 가리키는지 알 수 없습니다.") and pointing.endswith("다룹니다.")
    assert abstention_message(["설치"], 1, ("wordless", "")).startswith(NO_WORDS)


def test_suggestions_take_the_documents_in_turn_and_keep_only_answered_questions() -> None:
    data = {
        "a.md": [("A 가이드 > 설치", 100), ("A 가이드 > 사용", 100), ("A 가이드 > 문제", 100)],
        "b.md": [("B 가이드 > 요금", 100), ("B 가이드 > 환불", 100)],
    }
    outline = outline_of(data)
    asked: list[str] = []

    def answers(question: str) -> bool:
        asked.append(question)
        return "설치" not in question

    offered = outline.suggestions(answers)
    assert asked[:2] == ["A의 설치는 어떤가요?", "B의 요금은 어떤가요?"]  # one document, then the other
    assert offered == ["B의 요금은 어떤가요?", "A의 사용은 어떤가요?", "B의 환불은 어떤가요?"]
    assert outline.suggestions(lambda q: False) == offered  # worked out once per index version


def test_no_suggestion_when_the_documents_answer_none() -> None:
    assert outline_of(GUIDE).suggestions(lambda q: False) == []


def cited(n: int, path: str, used: bool = True, doc_id: str = "guide.md") -> Citation:
    return Citation(
        n=n,
        chunk_id=f"{doc_id}#{n}",
        doc_id=doc_id,
        title="사용 안내서",
        section=path,
        start=0,
        end=10,
        passage="…",
        sentences=[UsedSentence(text="…", start=0, end=1)] if used else [],
        score=1.0,
    )


def test_followups_are_the_sections_beside_the_used_one_first() -> None:
    outline = outline_of(GUIDE, {"guide.md": "사용 안내서"})
    got = followups(outline, [cited(1, "사용법 > 대화 이어가기"), cited(2, "설치", used=False)])
    # siblings under 사용법 first (nearest first), then the nearest other section
    assert got == [
        "사용법의 질문하기는 어떤가요?",
        "문서 보기는 무엇인가요?",
        "설치 절차에 대해 알려 주세요.",
    ]


def test_followups_leave_out_every_used_section_and_the_question_itself() -> None:
    outline = outline_of(GUIDE, {"guide.md": "사용 안내서"})
    used = [cited(1, "사용법 > 질문하기"), cited(2, "사용법 > 문서 보기")]
    got = followups(outline, used, question="사용법의 대화 이어가기는 어떤가요?")
    assert "사용법의 대화 이어가기는 어떤가요?" not in got
    assert not any("질문하기" in q or "문서 보기" in q for q in got)
    assert len(got) == 3


def test_followups_go_on_with_the_sections_of_passages_found_but_not_used() -> None:
    data = {"a.md": [("A > 설치", 100), ("A > 요금", 100)], "b.md": [("B > 환불", 100), ("B > 해지", 100)]}
    outline = outline_of(data)
    got = followups(outline, [cited(1, "A > 설치", doc_id="a.md"), cited(2, "B > 해지", used=False, doc_id="b.md")])
    assert got == ["A의 요금은 어떤가요?", "B의 해지는 어떤가요?"]  # not 환불: neither cited nor near a used one


def test_no_followups_without_a_used_passage() -> None:
    outline = outline_of(GUIDE)
    assert followups(outline, [cited(1, "설치", used=False)]) == []
    assert followups(outline, []) == []


# ---------------------------------------------------------------------------
# Over a built index


def built(settings: Settings, analyzer: KoreanAnalyzer, rule: AbstentionRule) -> Engine:
    engine = Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer, rule=rule)
    engine.build_index()
    return engine


def test_an_abstention_offers_questions_the_documents_answer(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    engine = built(settings, analyzer, BY_COVERAGE)
    answer = engine.ask("화성 탐사 로켓은 어떤 연료를 쓰나요?")
    assert answer.abstained and not answer.citations and answer.followups == []
    assert sorted(answer.covers) == ["서울 안내", "제주"]
    assert 2 <= len(answer.suggestions) <= 3
    for question in answer.suggestions:
        offered = engine.ask(question)
        assert not offered.abstained and offered.citations, question
    assert engine.ask("화성 탐사 로켓은 어떤 연료를 쓰나요?").suggestions == answer.suggestions  # deterministic


def test_an_answer_offers_followups_from_its_document(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    engine = built(settings, analyzer, BY_COVERAGE)
    answer = engine.ask("서울의 지하철은 몇 개 노선인가?")
    assert not answer.abstained and answer.covers == [] and answer.suggestions == []
    assert "서울의 음식은 어떤가요?" in answer.followups
    assert "서울의 교통은 어떤가요?" not in answer.followups  # the section it answered from


def test_the_outline_is_read_once_per_index_version(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    engine = built(settings, analyzer, ALWAYS)
    first = engine.outline(engine.index)
    assert engine.outline(engine.index) is first
    engine.build_index(rebuild=True)
    assert engine.outline(engine.index) is not first


# ---------------------------------------------------------------------------
# In the terminal


def test_the_terminal_shows_an_abstention_as_one_message_with_questions_to_ask() -> None:
    from assistant.cli.render import render

    message = abstention_message(["서울 안내", "제주"], 2)
    answer = Answer(
        question="화성?",
        query="화성?",
        summary=message,
        form="general",
        abstained=True,
        suggestions=["서울의 교통은 어떤가요?"],
    )
    assert click.unstyle(render(answer)).split("\n") == [
        message,
        "",
        "이런 질문은 어떨까요:",
        "- 서울의 교통은 어떤가요?",
    ]


def test_the_terminal_shows_followups_after_the_sources() -> None:
    from assistant.cli.render import render

    answer = Answer(
        question="q",
        query="q",
        summary="답 [1]",
        form="general",
        citations=[cited(1, "설치")],
        followups=["다음 질문?"],
    )
    lines = click.unstyle(render(answer)).split("\n")
    assert lines[-3:] == ["", "이어서 물어볼 만한 질문:", "- 다음 질문?"]
    assert lines.index("출처") < lines.index("이어서 물어볼 만한 질문:")
