"""Conversations end to end: a small two-city corpus, the fake embedder, real Kiwi, a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FAKE_MODEL, FakeEmbedder, write_corpus

from assistant.answer.engine import NOTHING_MORE, ONLY_THIS, Engine
from assistant.answer.schema import Answer
from assistant.answer.suggest import SOCIAL_REPLIES
from assistant.chat.conversation import Conversation, whole_columns
from assistant.chat.sessions import SessionStore
from assistant.cli.commands import main, render
from assistant.errors import InvalidQuestionError, SessionNotFoundError
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer

CITIES = {
    "서울.md": """# 서울 안내

## 교통

서울의 지하철은 아홉 개 노선으로 이루어져 있다. 버스는 간선과 지선으로 나뉜다. 심야에는 올빼미 버스가 다닌다.

## 음식

서울에서는 떡볶이와 김밥을 쉽게 먹을 수 있다. 광장시장은 빈대떡으로 유명하다. 통인시장에서는 기름떡볶이를 판다.
""",
    "부산.md": """# 부산 안내

## 교통

부산의 지하철은 네 개 노선이 있다. 광안대교는 바다 위를 달리는 다리이다. 김해공항은 부산 서쪽에 있다.

## 음식

부산에서는 돼지국밥과 밀면을 즐겨 먹는다. 자갈치시장은 생선회로 유명하다. 국제시장에서는 비빔당면을 판다.
""",
}
# The index holds four chunks, one per section: 서울.md#0 교통, 서울.md#1 음식, 부산.md#0 교통, 부산.md#1 음식.


@pytest.fixture
def city_settings(tmp_path: Path, settings: Settings) -> Settings:
    """The shared test settings over a corpus of city documents, abstention off."""
    return settings.model_copy(update={"corpus_dir": write_corpus(tmp_path / "cities", CITIES), "abstain": False})


@pytest.fixture
def engine(city_settings: Settings, analyzer: KoreanAnalyzer) -> Engine:
    eng = Engine(city_settings, embedder=FakeEmbedder(), analyzer=analyzer)
    eng.build_index()
    return eng


@pytest.fixture
def store(city_settings: Settings) -> SessionStore:
    with SessionStore(city_settings.sessions_file) as s:
        yield s  # type: ignore[misc]


@pytest.fixture
def conversation(engine: Engine, store: SessionStore, city_settings: Settings) -> Conversation:
    return Conversation(engine, store, city_settings)


def chat_all(conversation: Conversation, *messages: str) -> list[Answer]:
    """Send the messages one after the other in one new session."""
    answers: list[Answer] = []
    for message in messages:
        answers.append(conversation.chat(message, answers[-1].session_id if answers else None))
    return answers


def test_the_sessions_file_lies_next_to_the_index(city_settings: Settings, tmp_path: Path) -> None:
    assert city_settings.sessions_file == tmp_path / "index.sessions.sqlite"
    assert Settings(index_dir=Path("index")).sessions_file == Path("index.sessions.sqlite")
    assert Settings(sessions_path=tmp_path / "s.db").sessions_file == tmp_path / "s.db"


# ---------------------------------------------------------------------------
# Each kind of follow-up


def test_a_first_message_stands_alone(conversation: Conversation) -> None:
    [answer] = chat_all(conversation, "서울의 교통은?")
    assert answer.session_id is not None
    assert (answer.turn, answer.followup, answer.drew_on_turn, answer.notice) == (1, None, None, None)
    assert answer.query == answer.question == "서울의 교통은?"
    assert answer.citations[0].chunk_id == "서울.md#0"
    assert answer.timings["resolve_ms"] >= 0 and answer.timings["store_ms"] >= 0


def test_a_turn_keeps_the_terms_of_the_passages_its_summary_cited(
    conversation: Conversation, store: SessionStore, analyzer: KoreanAnalyzer
) -> None:
    """… those of its sentences that name what was asked (서울, 교통): what the answer said together with it."""
    [answer] = chat_all(conversation, "서울의 교통은?")
    [turn] = store.recent(answer.session_id or "", 5)
    cited = [c for c in answer.citations if c.sentences]
    assert cited and turn.named and {"서울", "교통"} & set(turn.named)
    with_it = [
        {t.lower() for t in analyzer.terms(s)}
        for c in cited
        for s in c.passage.split(".")
        if {"서울", "교통"} & {t.lower() for t in analyzer.terms(s)}
    ]
    assert set(turn.named) <= set().union(*with_it)
    uncited = {t.lower() for c in answer.citations if not c.sentences for t in analyzer.terms(c.passage)}
    assert not (uncited - set().union(*with_it)) & set(turn.named)  # only what the summary cited


def test_ellipsis_swaps_the_place_then_the_aspect(conversation: Conversation) -> None:
    first, second, third = chat_all(conversation, "서울의 교통은?", "그럼 부산은?", "음식은요?")
    assert (second.followup, second.query, second.drew_on_turn, second.turn) == ("ellipsis", "부산 교통", 1, 2)
    assert second.citations[0].chunk_id == "부산.md#0"
    assert second.citations[0].section == "부산 안내 > 교통"
    assert (third.followup, third.query, third.drew_on_turn) == ("ellipsis", "부산 음식", 2)
    assert third.citations[0].chunk_id == "부산.md#1"
    assert {first.session_id, second.session_id, third.session_id} == {first.session_id}


def test_the_difference_of_the_two_places_talked_about_is_set_out_by_place(conversation: Conversation) -> None:
    *_, both = chat_all(conversation, "서울의 교통은?", "그럼 부산은?", "둘의 차이는?")
    assert (both.followup, both.query, both.form) == ("reference", "서울 부산 교통", "comparison")
    assert {c.chunk_id for c in both.citations[:2]} == {"서울.md#0", "부산.md#0"}
    labels = [line[2:].split(":")[0] for line in both.summary.splitlines() if line.startswith("- ")]
    assert {"서울", "부산"} <= set(labels), both.summary


def test_another_aspect_of_the_two_places_compared_compares_them_again(
    conversation: Conversation, store: SessionStore
) -> None:
    """ "서울과 부산의 교통은 어떻게 달라?" then "음식은요?": 음식 of both places, side by side, not 음식
    of one of them; the comparison's sides are kept with its turn."""
    first, food = chat_all(conversation, "서울과 부산의 교통은 어떻게 달라?", "음식은요?")
    assert first.form == "comparison" and food.form == "comparison"
    assert food.query.split()[0] == "음식" and {"서울", "부산"} <= set(food.query.split())
    assert {c.chunk_id for c in food.citations[:2]} == {"서울.md#1", "부산.md#1"}
    turns = store.recent(food.session_id or "", 5)
    assert [t.sides for t in turns] == [("서울", "부산"), ("서울", "부산")]


def test_the_last_answer_asked_for_in_one_line_is_its_lead_alone(conversation: Conversation) -> None:
    first, short, source = chat_all(conversation, "서울의 교통은?", "한 줄로 요약해줘", "출처는?")
    assert (short.followup, short.query, short.drew_on_turn) == ("reference", "서울의 교통은?", 1)
    assert len(first.summary_sentences) > 1 and not short.abstained
    assert [s.text for s in short.summary_sentences] == [first.summary_sentences[0].text]
    assert (source.followup, source.query) == ("reference", "서울의 교통은?")
    assert source.citations[0].chunk_id == first.citations[0].chunk_id


def test_an_ellipsis_asks_in_the_form_of_the_question_it_goes_on_from(conversation: Conversation) -> None:
    first, busan = chat_all(conversation, "서울의 교통은 어떻게 이용해?", "그럼 부산은?")
    assert (first.form, busan.followup, busan.form) == ("method", "ellipsis", "method")
    plain, food = chat_all(conversation, "서울의 음식은?", "그럼 부산은?")
    assert (plain.form, food.form) == ("general", "general")


def test_thanks_get_a_reply_and_the_conversation_goes_on_past_them(conversation: Conversation) -> None:
    first, thanks, second = chat_all(conversation, "서울의 교통은?", "고마워요!", "그럼 부산은?")
    assert thanks.abstained and not thanks.citations and thanks.followup is None
    assert (
        thanks.summary == SOCIAL_REPLIES["thanks"] and thanks.abstain_reason == "the message is thanks, not a question"
    )
    # the follow-up after the thanks still follows the question before them, from the stored turns
    assert (second.followup, second.query, second.drew_on_turn) == ("ellipsis", "부산 교통", 1)
    assert second.citations[0].chunk_id == "부산.md#0"
    assert [t.social for t in conversation.store.recent(first.session_id or "", 5)] == [False, True, False]


def test_a_reference_carries_the_topic(conversation: Conversation) -> None:
    _, answer = chat_all(conversation, "부산의 음식은?", "거기서 유명한 시장은?")
    assert (answer.followup, answer.query, answer.drew_on_turn) == ("reference", "부산 음식 시장 유명", 1)
    assert answer.citations[0].chunk_id == "부산.md#1"
    assert "자갈치시장은 생선회로 유명하다." in answer.summary


def test_a_reference_without_content_searches_the_last_query_again(conversation: Conversation) -> None:
    first, answer = chat_all(conversation, "부산의 교통은?", "그건 왜 그런가요?")
    assert (answer.followup, answer.query, answer.drew_on_turn) == ("reference", "부산의 교통은?", 1)
    assert answer.form == "reason"  # the form comes from the message, the passages from the query
    assert [c.chunk_id for c in answer.citations] == [c.chunk_id for c in first.citations]


def test_an_ordinal_searches_the_item_of_the_listed_answer(conversation: Conversation) -> None:
    first, answer = chat_all(conversation, "부산의 음식은?", "두 번째 것을 자세히 설명해줘")
    second_item = first.summary_sentences[1]
    assert second_item.text == "자갈치시장은 생선회로 유명하다."  # what the first answer listed second
    assert (answer.followup, answer.query, answer.drew_on_turn) == ("ordinal", second_item.text, 1)
    assert first.citations[second_item.citation - 1].chunk_id == "부산.md#1"
    # Asked to tell more: its section has nothing not shown before and no other passage is about
    # it (서울's 광장시장 shares only 유명), so the item is said again with a note that this is all.
    assert [s.text for s in answer.summary_sentences] == [second_item.text]
    assert answer.summary.endswith(ONLY_THIS)


def test_an_ordinal_past_the_end_of_the_list_says_how_many_items_it_had(conversation: Conversation) -> None:
    first, answer = chat_all(conversation, "부산의 음식은?", "다섯 번째 것을 자세히 설명해줘")
    items = len(first.summary_sentences)
    assert items < 5
    assert answer.followup != "ordinal"
    assert answer.notice == f"앞 답변의 항목은 {items}개뿐이라, 같은 주제로 다시 찾은 내용을 보여 드립니다."


def test_an_ordinal_asking_what_an_item_means_restates_it_first(conversation: Conversation) -> None:
    first, answer = chat_all(conversation, "부산의 음식은?", "두 번째 것은 무슨 뜻이야?")
    second_item = first.summary_sentences[1]
    assert answer.followup == "ordinal"
    assert answer.summary_sentences[0].text == second_item.text  # the item, then what surrounds it
    later = [s.text for s in answer.summary_sentences[1:]]
    assert not set(later) & {s.text for s in first.summary_sentences}  # nothing else shown before


def test_more_shows_new_sentences(conversation: Conversation) -> None:
    first, more = chat_all(conversation, "서울의 음식은?", "더 자세히")
    assert (more.followup, more.query, more.drew_on_turn) == ("more", "서울의 음식은?", 1)
    shown = {s.text for s in first.summary_sentences}
    assert shown and more.summary_sentences
    assert shown.isdisjoint(s.text for s in more.summary_sentences)


def test_a_new_question_is_not_rewritten(conversation: Conversation) -> None:
    _, _, answer = chat_all(conversation, "서울의 교통은?", "그럼 부산은?", "광장시장은 무엇으로 유명한가?")
    assert (answer.followup, answer.drew_on_turn, answer.turn) == (None, None, 3)
    assert answer.query == answer.question == "광장시장은 무엇으로 유명한가?"
    assert answer.citations[0].chunk_id == "서울.md#1"


def test_without_resolution_every_message_stands_alone(engine: Engine, store: SessionStore) -> None:
    off = Conversation(engine, store, engine.settings.model_copy(update={"resolve_followups": False}))
    _, answer = chat_all(off, "서울의 교통은?", "그럼 부산은?")
    assert (answer.followup, answer.query, answer.turn) == (None, "그럼 부산은?", 2)


# ---------------------------------------------------------------------------
# Sessions


def test_a_conversation_survives_a_restart(engine: Engine, city_settings: Settings) -> None:
    with SessionStore(city_settings.sessions_file) as store:
        first = Conversation(engine, store, city_settings).chat("서울의 교통은?")
    restarted = Engine(city_settings, embedder=FakeEmbedder(), analyzer=engine.analyzer)
    with SessionStore(city_settings.sessions_file) as store:
        answer = Conversation(restarted, store, city_settings).chat("그럼 부산은?", first.session_id)
    assert (answer.session_id, answer.turn, answer.followup, answer.query) == (
        first.session_id, 2, "ellipsis", "부산 교통",
    )  # fmt: skip


def test_an_unknown_session_starts_a_new_one_with_a_notice(conversation: Conversation) -> None:
    answer = conversation.chat("그럼 부산은?", "forgotten")
    assert answer.notice == "대화 세션 'forgotten'을(를) 찾을 수 없어 새 대화를 시작합니다."
    assert answer.session_id != "forgotten"
    assert (answer.turn, answer.followup, answer.query) == (1, None, "그럼 부산은?")


def test_keep_id_starts_and_continues_the_given_session(conversation: Conversation) -> None:
    first = conversation.chat("서울의 교통은?", "slack:T1:C1:1.0", keep_id=True)
    second = conversation.chat("그럼 부산은?", "slack:T1:C1:1.0", keep_id=True)
    assert (first.session_id, first.turn, first.notice) == ("slack:T1:C1:1.0", 1, None)
    assert (second.session_id, second.turn, second.followup, second.query) == (
        "slack:T1:C1:1.0", 2, "ellipsis", "부산 교통",
    )  # fmt: skip


def test_keep_id_restarts_an_expired_session_empty_with_a_notice(engine: Engine, city_settings: Settings) -> None:
    now = [1000.0]
    with SessionStore(city_settings.sessions_file, ttl_hours=1, clock=lambda: now[0]) as store:
        conversation = Conversation(engine, store, city_settings)
        conversation.chat("서울의 교통은?", "thread-1", keep_id=True)
        now[0] += 2 * 3600
        again = conversation.chat("그럼 부산은?", "thread-1", keep_id=True)
    assert (again.session_id, again.turn, again.followup) == ("thread-1", 1, None)
    assert again.notice is not None and "만료" in again.notice


def test_history_and_delete(conversation: Conversation) -> None:
    answers = chat_all(conversation, "서울의 교통은?", "그럼 부산은?")
    sid = answers[0].session_id or ""
    history = conversation.history(sid)
    assert [(h.turn, h.question, h.query, h.followup, h.drew_on_turn) for h in history] == [
        (1, "서울의 교통은?", "서울의 교통은?", None, None),
        (2, "그럼 부산은?", "부산 교통", "ellipsis", 1),
    ]
    assert all(h.session_id == sid for h in history)
    assert history[1].citations == answers[1].citations
    conversation.delete(sid)
    with pytest.raises(SessionNotFoundError):
        conversation.history(sid)
    with pytest.raises(SessionNotFoundError):
        conversation.delete(sid)
    assert conversation.chat("그럼 서울은?", sid).notice is not None


def test_an_empty_message_is_refused_and_not_stored(conversation: Conversation) -> None:
    sid = conversation.chat("서울의 교통은?").session_id or ""
    with pytest.raises(InvalidQuestionError):
        conversation.chat("   ", sid)
    assert [h.turn for h in conversation.history(sid)] == [1]


def test_a_session_of_hundreds_of_turns_resolves_from_its_recent_ones(conversation: Conversation) -> None:
    sid = conversation.chat("서울의 교통은?").session_id or ""
    last = conversation.store.recent(sid, 1)[0]
    for _ in range(400):
        conversation.store.append(sid, last, "{}")
    # its time is measured by bench.conversation ("resolution in a session of 300 turns"), not here
    resolution = conversation.resolve("그럼 부산은?", conversation.store.recent(sid, 4))
    assert resolution.query == "부산 교통"
    answer = conversation.chat("그럼 부산은?", sid)
    assert (answer.turn, answer.drew_on_turn) == (402, 401)


# ---------------------------------------------------------------------------
# The command line


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, city_settings: Settings, engine: Engine, fake_model: None) -> Settings:
    """Environment variables pointing the CLI at the indexed city corpus."""
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(city_settings.index_dir))
    monkeypatch.setenv("ASSISTANT_MODEL", FAKE_MODEL)
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(city_settings.cache_dir))
    monkeypatch.setenv("ASSISTANT_ABSTAIN", "false")
    for name in ("ASSISTANT_SESSIONS_PATH", "ASSISTANT_TOP_K", "ASSISTANT_RESOLVE_FOLLOWUPS"):
        monkeypatch.delenv(name, raising=False)
    return city_settings


def json_answers(output: str) -> list[Answer]:
    return [Answer.model_validate_json(line) for line in output.splitlines()]


def test_cli_chat_is_one_conversation(cli_env: Settings) -> None:
    result = CliRunner().invoke(main, ["chat", "--json"], input="서울의 교통은?\n그럼 부산은?\n")
    assert result.exit_code == 0, result.output
    first, second = json_answers(result.stdout)
    assert first.session_id == second.session_id is not None
    assert (second.turn, second.followup, second.query, second.drew_on_turn) == (2, "ellipsis", "부산 교통", 1)


def test_cli_chat_continues_a_stored_session(cli_env: Settings) -> None:
    runner = CliRunner()
    [first] = json_answers(runner.invoke(main, ["chat", "--json"], input="서울의 교통은?\n").stdout)
    result = runner.invoke(main, ["chat", "--json", "--session", first.session_id or ""], input="그럼 부산은?\n")
    [answer] = json_answers(result.stdout)
    assert (answer.session_id, answer.turn, answer.query, answer.notice) == (first.session_id, 2, "부산 교통", None)
    assert cli_env.sessions_file.exists()


def test_cli_chat_with_an_unknown_session_says_so(cli_env: Settings) -> None:
    result = CliRunner().invoke(main, ["chat", "--json", "--session", "nope"], input="서울의 교통은?\n")
    [answer] = json_answers(result.stdout)
    assert answer.notice == "대화 세션 'nope'을(를) 찾을 수 없어 새 대화를 시작합니다."
    assert json.loads(result.stdout)["turn"] == 1


def test_render_shows_the_searched_query_and_the_turn_it_drew_on() -> None:
    answer = Answer(question="그럼 부산은?", query="부산 교통", summary="요약 [1]", form="general", drew_on_turn=1)
    assert click_unstyle(render(answer)).splitlines()[0] == "(검색한 질의: 부산 교통, 1번째 질문 참고)"
    noticed = answer.model_copy(update={"notice": "새 대화를 시작합니다.", "query": "그럼 부산은?"})
    assert click_unstyle(render(noticed)).splitlines()[:2] == ["새 대화를 시작합니다.", "요약 [1]"]


def click_unstyle(text: str) -> str:
    import click

    return click.unstyle(text)


def test_more_says_when_the_documents_have_nothing_more_on_it(conversation: Conversation) -> None:
    answers = chat_all(conversation, "부산의 음식은?", "더 자세히", "더 자세히", "더 자세히")
    said = [s.text for a in answers[:-1] for s in a.summary_sentences]
    assert len(said) == len(set(said))  # no "more" repeats what was shown
    last = answers[-1]
    # 부산's food is all shown by now: the rest of the passages is not about it, and the answer says so
    assert (last.followup, last.abstained, last.summary_sentences) == ("more", False, [])
    assert last.summary == NOTHING_MORE


def test_a_follow_up_query_shows_verbs_as_keywords(conversation: Conversation) -> None:
    """The query shown for a follow-up is written as Korean keywords ("먹기"), not as the lemmas
    the topic is kept in ("먹다"), and it searches the same."""
    answers = chat_all(conversation, "서울에서 떡볶이를 먹으려면 어디로 가요?", "그럼 부산은?")
    query = answers[1].query
    assert answers[1].followup == "ellipsis"
    assert "먹기" in query.split() and "먹다" not in query.split(), query
    assert answers[1].citations[0].doc_id == "부산.md"


@pytest.mark.parametrize(
    ("query", "written"),
    [
        ("팀 용량", "팀 저장 용량"),  # a word of a column's name: the whole name
        ("스탠다드 요금", "스탠다드 월 요금"),
        ("프로 동시 접속", "프로 동시 접속"),  # the whole name already
        ("팀 가입 인원", "팀 가입 인원"),  # no column's word
    ],
)
def test_a_column_named_in_part_is_searched_by_its_whole_name(query: str, written: str) -> None:
    assert whole_columns(query, {"요금제 | 월 요금 | 저장 용량 | 동시 접속"}) == written
    assert whole_columns(query, set()) == query


#: Offices of a constitution, each naming the president (whose name so weighs little in every passage).
OFFICES = {
    "헌법.md": """# 헌법

## 대통령

대통령의 임기는 5년으로 하며, 중임할 수 없다. 대통령은 국가의 원수이며, 외국에 대하여 국가를 대표한다.

## 국무총리

국무총리는 국회의 동의를 얻어 대통령이 임명한다. 국무총리는 대통령을 보좌한다.

## 법원

대법원장은 국회의 동의를 얻어 대통령이 임명한다. 대법관의 임기는 6년으로 하며, 법률이 정하는 바에 의하여 연임할 수 있다.

## 감사원

감사원장은 국회의 동의를 얻어 대통령이 임명한다. 감사원장의 임기는 4년으로 한다.
""",
}


def test_another_aspect_is_answered_of_the_thing_asked_about(
    tmp_path: Path, settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    """ "연임도 돼?" after "대통령은 몇 년 해?" asks whether the president may serve again: the answer
    leads with the president's term ("… 중임할 수 없다", 중임 being what documents write for 연임), not
    with the judges' ("대법관의 임기는 … 연임할 수 있다"), which holds the word asked but is of another office."""
    offices = settings.model_copy(
        update={
            "corpus_dir": write_corpus(tmp_path / "offices", OFFICES),
            "abstain": False,
            "index_dir": tmp_path / "oi",
        }
    )
    engine = Engine(offices, embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    with SessionStore(tmp_path / "offices.sqlite") as store:
        _, again = chat_all(Conversation(engine, store, offices), "대통령은 몇 년 해?", "연임도 돼?")
    assert again.followup == "ellipsis" and "대통령" in again.query.split()
    assert again.summary_sentences[0].text.startswith("대통령의 임기는 5년"), again.summary
