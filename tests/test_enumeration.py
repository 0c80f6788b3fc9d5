"""Lists a document writes out, for the ordinals of follow-up questions (assistant.text.enumeration)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeEmbedder

from assistant.answer.engine import Engine
from assistant.chat.conversation import Conversation
from assistant.chat.sessions import SessionStore
from assistant.settings import Settings
from assistant.text.enumeration import listed_around, numbered
from assistant.text.korean import KoreanAnalyzer

ORDINALS = """\
# 생존 전략

작은 기업이 살아남으려면 몇 가지 전략이 필요하다. 첫째, 한 분야에 집중해야 한다. 의료와 금융이 좋은 예이다.
둘째, 해외 기업과 협력해야 한다. 공동 연구가 그 방법이다.
셋째, 사업 모델을 유연하게 바꿔야 한다. 시장의 변화에 빨리 반응한다.

결론적으로, 집중과 협력과 유연함이 필요하다.
"""

BULLETS = """\
3. 비교 분석

  • 자본 차이: 미국 기업은 자본이 많다.
  • 규제 차이: 유럽은 규제를 중시한다.
  • 협력의 범위: 한국은 여러 기업이 나누어 맡는다.

4. 나아갈 방향
"""


def starts(text: str, offset: int) -> list[str]:
    return [m.text for m in listed_around(text, offset)]


def test_an_ordinal_list_is_found_from_its_introduction_and_from_any_member() -> None:
    members = [
        "첫째, 한 분야에 집중해야 한다.",
        "둘째, 해외 기업과 협력해야 한다.",
        "셋째, 사업 모델을 유연하게 바꿔야 한다.",
    ]
    assert starts(ORDINALS, ORDINALS.index("작은 기업이")) == members  # the sentence that introduces it
    assert starts(ORDINALS, ORDINALS.index("공동 연구")) == members  # inside the second member
    for m in listed_around(ORDINALS, ORDINALS.index("셋째")):
        assert ORDINALS[m.start : m.start + len(m.text)] == m.text  # where each member starts
    assert starts(ORDINALS, ORDINALS.index("결론적으로")) == []  # after the list: not part of it
    assert starts(ORDINALS, ORDINALS.index("생존 전략")) == []


def test_bullets_are_a_list_and_a_numbered_heading_is_not() -> None:
    members = listed_around(BULLETS, BULLETS.index("유럽은"))
    assert [m.text for m in members] == [
        "자본 차이: 미국 기업은 자본이 많다.",
        "규제 차이: 유럽은 규제를 중시한다.",
        "협력의 범위: 한국은 여러 기업이 나누어 맡는다.",
    ]
    assert BULLETS[members[0].start] == "자"  # the sentence starts after its bullet
    assert starts(BULLETS, BULLETS.index("나아갈 방향")) == []


STEPS = """\
목표값 찾기 예
이자 I가 포함된 셀을 고릅니다.
1. 도구 - 목표값 찾기를 선택합니다. 대화 상자가 나타납니다.
2. 수식 셀을 확인합니다.
3. 확인을 클릭합니다.
관련 주제
"""


def test_numbered_steps_are_a_list_however_short_and_each_starts_after_its_number() -> None:
    """A short numbered line that ends as a sentence is a step ("2. 수식 셀을 확인합니다."), not a
    heading; a member is its first sentence, after its number (not "1.")."""
    members = listed_around(STEPS, STEPS.index("수식 셀"))
    assert [m.text for m in members] == [
        "도구 - 목표값 찾기를 선택합니다.",
        "수식 셀을 확인합니다.",
        "확인을 클릭합니다.",
    ]
    assert [STEPS[m.start : m.start + len(m.text)] for m in members] == [m.text for m in members]
    assert starts(STEPS, STEPS.index("이자 I가")) == [m.text for m in members]  # the line that introduces them
    assert numbered("2. 수식 셀을 확인합니다.") and numbered("(3) 셋째 줄") and not numbered("3.5배 늘었다.")


def test_a_list_of_ordinals_begins_with_its_first_and_ends_with_its_last() -> None:
    text = "둘째, 앞의 글에서 이어진다.\n\n첫 번째로, 하나를 한다.\n두 번째로, 둘을 한다.\n마지막으로, 셋을 한다.\n셋째, 다른 목록이다.\n"
    assert starts(text, text.index("둘을")) == [
        "첫 번째로, 하나를 한다.",
        "두 번째로, 둘을 한다.",
        "마지막으로, 셋을 한다.",
    ]
    assert starts(text, 0) == []


def indexed(
    tmp_path: Path, settings: Settings, analyzer: KoreanAnalyzer, name: str, text: str
) -> tuple[Settings, Engine]:
    """An engine over one document (fake embedder, no abstention), its index built."""
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / name).write_text(text, encoding="utf-8")
    settings = settings.model_copy(update={"corpus_dir": corpus, "abstain": False})
    engine = Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    return settings, engine


@pytest.mark.parametrize(
    ("sentence", "says_its_place"),
    [
        ("첫 번째로, 한 분야에 집중해야 한다.", True),
        ("둘째, 해외 기업과 협력해야 한다.", True),
        ("두번째로 협력한다.", True),
        ("마지막으로, 유연해야 한다.", False),  # the last: its number is not said
        ("첫 회의는 서울에서 열렸다.", False),
        ("작은 기업이 살아남으려면 첫째, …", False),
    ],
)
def test_a_sentence_that_says_its_place_in_a_list(sentence: str, says_its_place: bool) -> None:
    assert numbered(sentence) == says_its_place


def test_an_ordinal_follow_up_counts_in_the_documents_list(
    tmp_path: Path, settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    """ "두 번째 전략" after an answer that opens the list is the document's second member."""
    settings, engine = indexed(tmp_path, settings, analyzer, "전략.md", ORDINALS)
    with SessionStore(settings.sessions_file) as store:
        conversation = Conversation(engine, store, settings)
        first = conversation.chat("작은 기업이 살아남으려면 어떤 전략이 필요한가요?")
        lead = first.summary_sentences[0].text
        assert lead in ORDINALS[: ORDINALS.index("결론적으로")] and lead != "생존 전략"
        second = conversation.chat("두 번째 전략을 자세히 알려줘", first.session_id)
    assert (second.followup, second.query) == ("ordinal", "둘째, 해외 기업과 협력해야 한다.")
    assert any("공동 연구" in s.text for s in second.summary_sentences)


APART = """\
# 속도 경쟁

작은 기업이 속도 경쟁에서 살아남으려면 인재 양성이 꼭 필요하다.

# 규모 경쟁

규모 경쟁에서 이기는 길은 여럿이다.
첫째, 한 분야에 집중해야 한다. 의료와 금융이 좋은 예이다.
둘째, 해외 기업과 협력해야 한다. 공동 연구가 그 방법이다.
셋째, 사업 모델을 유연하게 바꿔야 한다.
"""


def test_an_ordinal_past_the_list_shown_is_the_documents_own_point_of_that_number(
    tmp_path: Path, settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    """ "두 번째 전략을 자세히" after an answer of one sentence, the list in another section: not that
    sentence again ("nothing more"), but the document's "둘째, …" told with what follows it."""
    settings, engine = indexed(tmp_path, settings, analyzer, "전략.md", APART)
    with SessionStore(settings.sessions_file) as store:
        conversation = Conversation(engine, store, settings)
        first = conversation.chat("작은 기업이 속도 경쟁에서 살아남으려면 뭘 해야 해?")
        assert [s.text for s in first.summary_sentences] == [
            "작은 기업이 속도 경쟁에서 살아남으려면 인재 양성이 꼭 필요하다."
        ]
        second = conversation.chat("두 번째 전략을 자세히 알려줘", first.session_id)
    shown = [s.text for s in second.summary_sentences]
    assert "두 번째 전략" in second.query and second.notice and "1개뿐" in second.notice
    assert any("해외 기업과 협력해야" in s for s in shown) and any("공동 연구" in s for s in shown), shown
    assert first.summary_sentences[0].text not in shown


PRINTING = """<html><head><title>흑백 인쇄</title></head><body>
<h1>흑백으로 인쇄</h1>
<p>컬러 프린터에서도 문서를 흑백으로 인쇄할 수 있습니다.</p>
<ol>
<li><p>파일 - 인쇄를 선택합니다.</p></li>
<li><p>속성을 클릭하십시오. 프린터 속성 대화 상자가 나타납니다.</p></li>
<li><p>인쇄 옵션을 흑백으로 설정합니다.</p></li>
<li><p>확인을 누르고 인쇄를 클릭합니다.</p></li>
</ol>
</body></html>
"""


def test_the_steps_of_an_html_page_are_what_an_ordinal_counts_in(
    tmp_path: Path, settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    """ "두 번째 단계 좀 자세히" after a how-to over an HTML page with an ordered list: the page's
    second step, said itself when the answer had not shown it."""
    settings, engine = indexed(tmp_path, settings, analyzer, "print.html", PRINTING)
    with SessionStore(settings.sessions_file) as store:
        conversation = Conversation(engine, store, settings)
        first = conversation.chat("문서를 흑백으로 인쇄하려면 어떻게 해요?")
        assert [s.text for s in first.summary_sentences][:2] == [
            "컬러 프린터에서도 문서를 흑백으로 인쇄할 수 있습니다.",
            "1. 파일 - 인쇄를 선택합니다.",
        ]
        second = conversation.chat("두 번째 단계 좀 자세히 알려줘요", first.session_id)
    assert (second.followup, second.query) == ("ordinal", "속성을 클릭하십시오.")
    assert any("프린터 속성 대화 상자" in s.text for s in second.summary_sentences)


def test_a_list_far_into_a_long_document_is_found_in_a_window_around_the_answer(
    tmp_path: Path, settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    """Only the text around the answer is read; members keep their places in the whole document."""
    filler = "".join(f"{i}번째 문단은 다른 이야기를 한다. 이 문단은 목록과 상관없다.\n\n" for i in range(200))
    text = "# 긴 문서\n\n" + filler + ORDINALS.split("\n", 2)[2]
    assert text.index("작은 기업이") > 4_000
    settings, engine = indexed(tmp_path, settings, analyzer, "긴.md", text)
    stored = engine.index.store.document_text("긴.md")
    assert engine.index.store.document_window("긴.md", 5, 20) == stored[5:20]
    with SessionStore(settings.sessions_file) as store:
        conversation = Conversation(engine, store, settings)
        first = conversation.chat("작은 기업이 살아남으려면 어떤 전략이 필요한가요?")
        assert "전략" in first.summary_sentences[0].text or "첫째" in first.summary_sentences[0].text
        items = store.recent(first.session_id, 1)[0].items
        assert [i.start for i in items] == [stored.index(m) for m in ("첫째", "둘째", "셋째")]
        second = conversation.chat("두 번째 전략을 자세히 알려줘", first.session_id)
    assert (second.followup, second.query) == ("ordinal", "둘째, 해외 기업과 협력해야 한다.")
    assert any("공동 연구" in s.text for s in second.summary_sentences)
