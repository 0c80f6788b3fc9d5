"""Conversations over the real corpus with the real embedded model and Kiwi (index built once)."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before anything imports huggingface_hub

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer.engine import Engine
from assistant.answer.schema import Answer
from assistant.chat.conversation import Conversation
from assistant.chat.sessions import SessionStore
from assistant.settings import EMBEDDED_MODEL, Settings
from assistant.text.korean import KoreanAnalyzer

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS = ROOT / "bench" / "data" / "conversations.jsonl"


@pytest.fixture(scope="module")
def conversation(tmp_path_factory: pytest.TempPathFactory, analyzer: KoreanAnalyzer) -> Iterator[Conversation]:
    folder = tmp_path_factory.mktemp("conversation")
    settings = Settings(
        index_dir=folder / "index",
        corpus_dir=ROOT / "corpus",
        model=EMBEDDED_MODEL,
        cache_dir=Settings().cache_dir,
        show_progress=False,
    )
    engine = Engine(settings, analyzer=analyzer)
    engine.build_index()
    with SessionStore(settings.sessions_file) as store:
        yield Conversation(engine, store, settings)
    engine.index.close()


def chat_all(conversation: Conversation, *messages: str) -> list[Answer]:
    answers: list[Answer] = []
    for message in messages:
        answers.append(conversation.chat(message, answers[-1].session_id if answers else None))
    return answers


def sections(answer: Answer, depth: int = 3) -> list[str]:
    return [c.section for c in answer.citations[:depth]]


def test_a_follow_up_after_an_ordinal_searches_words_as_the_documents_write_them(conversation: Conversation) -> None:
    _, first, usa = chat_all(conversation, "한국의 AI 동맹에는 뭐가 있어?", "첫 번째 건 누가 주도해?", "그럼 미국은?")
    assert first.followup == "ordinal" and "K-AI 얼라이언스" in first.query
    assert usa.followup == "ellipsis" and usa.query.startswith("미국 ")
    text = " ".join(path.read_text("utf-8") for path in (ROOT / "corpus").glob("*.txt"))
    # whole words of the item it counted, not the analyzer's pieces ("K 얼라이언", "sk텔레콤") nor words
    # of the rest of its sentence ("AX", "이")
    assert "K-AI" in usa.query.split() and "SK텔레콤" in usa.query.split(), usa.query
    assert all(word in text for word in usa.query.split()), usa.query
    assert not {"K", "얼라이언", "ax", "AX", "이", "코오롱베니트"} & set(usa.query.split()), usa.query


def test_ellipsis_then_reference(conversation: Conversation) -> None:
    _, usa, data = chat_all(conversation, "유럽의 AI 전략은?", "그럼 미국은?", "그 중 데이터 관련 내용은?")
    assert (usa.followup, usa.query, usa.drew_on_turn) == ("ellipsis", "미국 AI 전략", 1)
    assert any(s.endswith("> 미국") for s in sections(usa)), sections(usa)
    assert (data.followup, data.query, data.drew_on_turn) == ("reference", "미국 AI 전략 데이터", 2)
    assert any("막대한 자본과 데이터를 활용해" in c.passage for c in data.citations[:3])


def test_a_reference_answers_what_alone_would_abstain_on(conversation: Conversation) -> None:
    _, how = chat_all(conversation, "메가 얼라이언스가 필요한 이유는?", "그건 어떻게 만들 수 있나요?")
    assert how.followup == "reference" and not how.abstained
    assert how.citations[0].section.endswith("메가 얼라이언스 구축")
    assert conversation.engine.ask("그건 어떻게 만들 수 있나요?").abstained


def test_an_ordinal_over_a_listed_answer(conversation: Conversation) -> None:
    first, second = chat_all(
        conversation, "한국 기업들이 AI 규모 경쟁에서 채택해야 할 전략은?", "두 번째 전략을 자세히 설명해줘"
    )
    assert first.form == "method" and len(first.summary_sentences) >= 2
    item = first.summary_sentences[1].text
    assert (second.followup, second.query) == ("ordinal", item)
    assert item in second.citations[0].passage


def test_more_of_an_item_named_only_in_a_sentence_says_the_documents_have_no_more(
    conversation: Conversation,
) -> None:
    """The second of the alliances listed is named once, with the others, in one sentence: asked
    in more detail, the answer is that sentence and says the documents have no more (the sentences
    around it, on Korea's alliances as a whole, were given as more about 코오롱베니트)."""
    listed, second = chat_all(conversation, "AI 얼라이언스 종류 알려줘", "두 번째 거 자세히")
    assert listed.summary_sentences[1].text == "코오롱베니트의 'AI 얼라이언스'"
    said = [s.text for s in second.summary_sentences]
    assert len(said) == 1 and "코오롱베니트의 'AI 얼라이언스'" in said[0] and "여러 AI 동맹이 생겨나" in said[0], said
    assert second.summary.endswith("문서에는 이 문장보다 자세한 내용이 없습니다.")


def test_more_brings_new_sentences(conversation: Conversation) -> None:
    first, more = chat_all(conversation, "AI 속도 경쟁에서 살아남으려면?", "다른 방법은?")
    assert (more.followup, more.query) == ("more", first.query)
    assert {s.text for s in first.summary_sentences}.isdisjoint(s.text for s in more.summary_sentences)
    assert any("조직문화와 리더십" in c.passage for c in more.citations[:3])


def test_another_one_after_a_named_item_lists_the_items_named_with_it(conversation: Conversation) -> None:
    first, other = chat_all(conversation, "SK텔레콤이 주도하는 AI 동맹 이름이 뭐야?", "다른 예는?")
    assert "K-AI 얼라이언스" in first.summary_sentences[0].text
    assert [s.text for s in other.summary_sentences] == [
        "코오롱베니트의 'AI 얼라이언스'",
        "중소기업 중심의 'AX 얼라이언스'",
    ]
    assert other.summary.startswith("문서에서 찾은 항목:\n1. 코오롱베니트의 'AI 얼라이언스' [1]")
    cited = other.citations[0]
    assert all(cited.passage[u.start - cited.start : u.end - cited.start] == u.text for u in cited.sentences)


def test_a_name_asked_about_leads_though_every_passage_names_it(conversation: Conversation) -> None:
    """The lead says how large 한국's investment is: outright ("상징적인 수준에 그치고") or against the
    others' ("… 한국이 투자하는 액수와 비교할 때 최소 한두 개의 0이 더 붙는 수준"; the two passages score
    nearly alike), not how large the world's grows ("글로벌 시장에서 … 투자 규모는 날로 증가")."""
    (answer,) = chat_all(conversation, "한국의 AI 투자 규모는 어느 정도인가요?")
    lead = answer.summary_sentences[0].text
    assert "상징적인 수준에 그치고" in lead or "최소 한두 개의 0이 더 붙는 수준" in lead
    assert "상징적인 수준에 그치고" in answer.summary


def test_an_ordinal_counts_by_the_numbers_the_summary_shows(conversation: Conversation) -> None:
    """The lead is no member of the list; the second sentence says "첫 번째로": "두 번째" is the document's second."""
    first, second = chat_all(
        conversation, "규모 경쟁에서 살아남으려면 한국 기업은 어떻게 해야 돼?", "두 번째 전략 자세히 알려줘"
    )
    shown = [s.text for s in first.summary_sentences]
    assert not shown[0].startswith("첫") and any(s.startswith("첫 번째로") for s in shown[1:])
    assert (second.followup, second.query) == ("ordinal", "두 번째로, 글로벌 파트너십과 협업을 강화해야 합니다.")
    assert any("공동 연구개발 프로젝트" in s.text for s in second.summary_sentences)


def test_a_comparisons_lines_keep_the_documents_own_labels(conversation: Conversation) -> None:
    (answer,) = chat_all(conversation, "해외와 한국 AI 동맹의 차이를 세 가지로 정리해 주세요")
    lines = answer.summary.splitlines()
    assert lines[0] == "문서에 나온 비교:"
    assert "- 협력의 범위: 해외는 대형 플랫폼 중심으로" in answer.summary
    assert "- 규제와 정책 차이: 유럽은 윤리적 규제와" in answer.summary
    # the second sentence of a labelled line keeps the line's label
    assert "- 자본과 데이터 인프라 차이: 한국은 상대적으로 자본과 데이터 규모에서" in answer.summary
    assert not any("없습니다" in line for line in lines)  # both sides are in the documents
    assert all(not s.text.startswith(("협력의 범위", "규제와 정책")) for s in answer.summary_sentences)
    (plain,) = chat_all(conversation, "해외랑 한국 AI 동맹은 뭐가 달라?")
    assert plain.form == "comparison"
    assert plain.summary_sentences[0].text.startswith("해외는 대형 플랫폼 중심으로 생태계를 구축하는 반면, 한국은")


def test_a_new_question_stands_alone(conversation: Conversation) -> None:
    _, answer = chat_all(conversation, "유럽의 AI 전략은?", "메가 얼라이언스란 무엇인가요?")
    assert (answer.followup, answer.query, answer.drew_on_turn) == (None, "메가 얼라이언스란 무엇인가요?", None)
    assert answer.citations[0].section.endswith("메가 얼라이언스 구축")


def test_the_multi_turn_set_meets_its_target(conversation: Conversation) -> None:
    """Follow-up turns of bench/data/conversations.jsonl: hit@3 ≥ 0.9 (``python -m bench.conversation``
    also scores each message alone)."""
    hits = []
    for line in CONVERSATIONS.read_text("utf-8").splitlines():
        turns = json.loads(line)["turns"]
        answers = chat_all(conversation, *[t["message"] for t in turns])
        for t, answer in list(zip(turns, answers, strict=True))[1:]:
            hits.append(hit(t, answer))
    assert len(hits) >= 40
    assert sum(hits) / len(hits) >= 0.9


def hit(expected: dict[str, object], answer: Answer) -> bool:
    phrase = expected.get("phrase") or []
    phrases = [phrase] if isinstance(phrase, str) else list(phrase)  # type: ignore[call-overload]
    return any(
        c.doc_id == expected["doc"]
        and str(expected.get("section", "")) in c.section
        and (not phrases or any(p in c.passage for p in phrases))
        for c in answer.citations[:3]
    )


def test_one_point_asked_for_then_the_others_none_said_twice(conversation: Conversation) -> None:
    """ "첫째 요소" is answered with that point, not the whole list; "또 뭐가 있어?" goes on with the
    points not said, and repeats no sentence, not even one shown before without its connective."""
    first, more = chat_all(conversation, "AI 투자 격차 진단에서 첫째 요소는 뭐야?", "또 뭐가 있어?")
    assert "거대한 인구와 시장 규모" in first.summary_sentences[0].text
    assert not any("혁신적인 아이디어" in s.text for s in first.summary_sentences)
    assert more.followup == "more" and any("혁신적인 아이디어" in s.text for s in more.summary_sentences)
    said = [s.text for s in first.summary_sentences]
    assert not any(a in b or b in a for a in said for b in (s.text for s in more.summary_sentences))


def test_a_reason_answer_gives_the_points_in_order_from_the_first(conversation: Conversation) -> None:
    """The sentence that says why Korea lags leads (it closes the second point); the points follow,
    in order from the first."""
    (answer,) = chat_all(conversation, "한국이 AI 투자에서 뒤처진 이유는?")
    shown = [s.text for s in answer.summary_sentences]
    assert "뒤처져" in shown[0]
    at = next(i for i, text in enumerate(shown) if "첫째, 거대한 인구" in text)
    assert shown[at + 1].startswith("둘째,") and shown[at + 2].startswith("셋째,")


def test_what_is_said_around_one_item_is_not_laid_out_as_a_list(conversation: Conversation) -> None:
    _, second = chat_all(
        conversation,
        "글로벌 AI 투자 격차는 어떤 요인들로 설명할 수 있나요?",
        "두 번째 요소를 좀 더 자세히 설명해 주세요",
    )
    assert second.followup == "ordinal" and second.query.startswith("둘째")
    assert not second.summary.startswith("문서에서 찾은 항목") and "\n1. " not in second.summary


def test_a_name_asked_after_another_is_found_where_the_two_are_named_together(conversation: Conversation) -> None:
    """ "중국은?" after a question about 미국's 빅테크 said the documents had nothing on 중국, though
    their sentences say "미국과 중국의 빅테크 기업들은 …": both are those sentences' subject."""
    _, china = chat_all(conversation, "미국 빅테크 투자 규모 얼마야?", "중국은?")
    assert china.followup == "ellipsis" and china.summary_sentences, china.summary
    assert all("중국" in s.text for s in china.summary_sentences)


@pytest.mark.parametrize("third", ["둘의 차이는?", "두 나라 뭐가 달라?"])
def test_the_difference_of_the_two_subjects_talked_about_is_set_out_by_side(
    conversation: Conversation, third: str
) -> None:
    """After 한국 then 미국, a comparison naming neither compares the two, labelled by side."""
    *_, both = chat_all(conversation, "한국의 AI 원팀 전략이란 무엇인가요?", "그럼 미국은?", third)
    assert (both.followup, both.form) == ("reference", "comparison")
    assert both.query.startswith("한국 미국")
    labels = {line[2:].split(":")[0] for line in both.summary.splitlines() if line.startswith("- ")}
    assert {"한국", "미국"} <= labels, both.summary


def test_a_comparison_with_one_country_compares_the_one_talked_about(conversation: Conversation) -> None:
    _, both = chat_all(conversation, "한국의 AI 원팀 전략이란 무엇인가요?", "미국이랑 비교하면?")
    assert (both.followup, both.form, both.query) == ("reference", "comparison", "한국 미국 AI 원팀 전략")


def test_a_new_subject_after_a_list_of_points_is_answered_about_itself(conversation: Conversation) -> None:
    """ "AI 투자 격차가 왜 생겼어?" → "그걸 줄이려면 뭘 해야 해?" → "정부 역할은?": the follow-up was searched
    "AI 투자 격차 생기기 줄이기" (생기다 says only that the gap happens), and the last answer gave all
    three points of the essay's diagnosis, two of them not about 정부."""
    _, reduce, government = chat_all(
        conversation, "AI 투자 격차가 왜 생겼어?", "그걸 줄이려면 뭘 해야 해?", "정부 역할은?"
    )
    assert reduce.followup == "reference" and "생기" not in reduce.query and "격차" in reduce.query
    assert government.followup == "ellipsis" and not government.abstained
    assert government.summary_sentences and all("정부" in s.text for s in government.summary_sentences)


def test_a_question_naming_a_later_point_is_answered_by_that_point_first(conversation: Conversation) -> None:
    """The essay's third strategy ("마지막으로, … 비즈니스 모델의 유연성을 확보해야 합니다.") was shown
    third, after the two before it (니치 마케팅, 글로벌 파트너십)."""
    (answer,) = chat_all(conversation, "비즈니스 모델의 유연성은 어떻게 확보하나요?")
    assert "유연성을 확보" in answer.summary_sentences[0].text
    assert not any("니치" in s.text for s in answer.summary_sentences)
