"""Follow-up resolution on Kiwi's analysis of real messages: every kind, and what must stay alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from assistant.answer.request import ALONE, Context
from assistant.chat.cues import LAST, read_cues, repair, subject_slot
from assistant.chat.followup import (
    ASPECTS,
    DEFAULT_POLICY,
    Policy,
    Resolution,
    _names_an_aspect,
    _written,
    as_written,
    carry,
    pick,
    query_of,
    resolve,
)
from assistant.chat.sessions import Item, Passage, Turn
from assistant.text.josa import josa
from assistant.text.korean import KoreanAnalyzer

ALLIANCE = "alliance.txt"
INVESTMENT = "investment.txt"

EUROPE = "유럽의 AI 전략은?"
#: The answer to EUROPE: three summary sentences, the first two from passage 1, the third from passage 2.
EUROPE_ITEMS = (
    Item("유럽은 AI 기술 개발과 데이터 규제 측면에서 다른 전략을 취하고 있습니다.", 1, ("유럽", "데이터", "규제"), 10),
    Item("유럽연합은 '유럽 AI 연합'을 통해 협력 환경을 조성합니다.", 1, ("유럽", "연합", "협력"), 60),
    Item("특히 유럽은 '인간 중심의 AI'를 강조합니다.", 2, ("유럽", "인간", "중심", "ai", "강조하다"), 400),
)
EUROPE_PASSAGES = (
    Passage(1, "alliance.txt#3", ALLIANCE, shown=True),
    Passage(2, "alliance.txt#4", ALLIANCE, shown=True, spent=True),
    Passage(3, "investment.txt#0", INVESTMENT, shown=False),
)


def turn_after(
    analyzer: KoreanAnalyzer,
    message: str,
    previous: Sequence[Turn] = (),
    *,
    passages: tuple[Passage, ...] = EUROPE_PASSAGES,
    items: tuple[Item, ...] = EUROPE_ITEMS,
) -> Turn:
    """The turn a message leaves behind, as the conversation stores it."""
    res = resolve(message, analyzer.tokens(message), previous)
    return Turn(
        n=len(previous) + 1,
        question=message,
        query=res.query,
        followup=res.followup,
        drew_on_turn=res.drew_on_turn,
        passages=passages,
        items=items,
        topic=res.topic,
        focus=res.focus,
        excluded=tuple(sorted(res.exclude)),
        avoided=tuple(sorted(res.avoid)),
        anchor=res.anchor,
    )


def ask(analyzer: KoreanAnalyzer, message: str, turns: Sequence[Turn], policy: Policy = DEFAULT_POLICY) -> Resolution:
    return resolve(message, analyzer.tokens(message), turns, policy)


@pytest.fixture
def europe(analyzer: KoreanAnalyzer) -> list[Turn]:
    """A conversation of one turn: EUROPE and its answer."""
    return [turn_after(analyzer, EUROPE)]


# ---------------------------------------------------------------------------
# Standing alone


def test_a_first_message_stands_alone_and_starts_the_topic(analyzer: KoreanAnalyzer) -> None:
    res = ask(analyzer, EUROPE, [])
    assert (res.standalone, res.kind, res.followup, res.query) == (True, "standalone", None, EUROPE)
    assert (res.drew_on_turn, res.prior, res.exclude, res.avoid) == (None, {}, frozenset(), frozenset())
    assert res.topic == {"유럽": 1.0, "AI": 1.0, "전략": 1.0}
    assert res.focus == (("유럽", "name", 0), ("AI", "foreign", 1), ("전략", "common", 1))


def test_a_follow_up_without_history_stands_alone(analyzer: KoreanAnalyzer) -> None:
    res = ask(analyzer, "그럼 미국은?", [])
    assert (res.standalone, res.query, res.prior) == (True, "그럼 미국은?", {})


@pytest.mark.parametrize(
    "message",
    [
        "니치 마케팅 전략이란 무엇인가요?",
        "메가 얼라이언스가 필요한 이유는?",
        "데이터 공유 플랫폼은 누가 구축하나요?",
        "담합이란 무엇인가요?",
        "한국은 왜 뒤처졌나요?",
        "그럼 니치 마케팅 전략이란 무엇인가요?",  # a conjunction does not make a full question a follow-up
        "저는 한국 AI 동맹이 궁금해요",  # 저 is "I" here, not "that"
        "미국의 AI 전략을 더 자세히 알려줘",  # complete: "더" does not make it "more of the same"
    ],
)
def test_a_self_contained_question_is_not_rewritten(analyzer: KoreanAnalyzer, europe: list[Turn], message: str) -> None:
    res = ask(analyzer, message, europe)
    assert res.standalone and res.followup is None
    assert res.query == message
    assert (res.drew_on_turn, res.prior, res.exclude, res.avoid) == (None, {}, frozenset(), frozenset())
    assert "유럽" not in res.topic


def test_a_new_topic_does_not_drag_the_old_one_along(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    turns = [*europe, turn_after(analyzer, "메가 얼라이언스가 필요한 이유는?", europe)]
    res = ask(analyzer, "그건 어떻게 만들 수 있나요?", turns)
    assert res.kind == "reference" and res.drew_on_turn == 2
    assert "유럽" not in res.query and "전략" not in res.query
    assert list(res.topic) == ["메가", "얼라이언스가", "필요", "만들다"]  # Kiwi keeps 얼라이언스가 whole


# ---------------------------------------------------------------------------
# Ellipsis


@pytest.mark.parametrize(
    "message", ["그럼 미국은?", "그러면 미국은 어때?", "미국은요?", "또 미국은?", "미국은 어떤가요?"]
)
def test_ellipsis_swaps_the_subject_and_keeps_the_rest(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str
) -> None:
    res = ask(analyzer, message, europe)
    assert (res.standalone, res.kind, res.followup) == (False, "ellipsis", "ellipsis")
    assert res.query == "미국 AI 전략"
    assert res.drew_on_turn == 1
    assert res.topic == {"미국": 1.0, "AI": 0.6, "전략": 0.6}
    assert res.focus == (("미국", "name", 0), ("AI", "foreign", 1), ("전략", "common", 1))
    assert res.prior == {ALLIANCE: 0.05}  # the documents the previous answer showed, mildly
    assert res.exclude == frozenset() and res.avoid == frozenset()


@pytest.mark.parametrize(
    "message",
    ["그럼 미국은? 비교해 보려고요", "미국은요? 발표 자료 만들어야 해서", "미국은? 회사에서 써야 하거든요"],
)
def test_an_ellipsis_explained_in_a_second_sentence_is_still_an_ellipsis(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str
) -> None:
    """The reason after it is no question of its own: read together the message looked whole and was
    searched alone; the ellipsis goes on from the topic, and the reason's nouns are not searched."""
    res = ask(analyzer, message, europe)
    assert (res.standalone, res.kind, res.query, res.drew_on_turn) == (False, "ellipsis", "미국 AI 전략", 1)


@pytest.mark.parametrize("message", ["그거 다른 사람한테 알려주려면?", "그걸 다른 사용자도 쓰게 하려면?"])
def test_someone_else_is_no_request_for_more(analyzer: KoreanAnalyzer, europe: list[Turn], message: str) -> None:
    """다른 before a noun naming someone else asks about another person, not for more of the answer:
    a reference to the topic, searched with it."""
    res = ask(analyzer, message, europe)
    assert (res.standalone, res.kind) == (False, "reference")
    assert "유럽" in res.query and res.avoid == frozenset()
    # another of what was shown is still more of it
    assert ask(analyzer, "다른 방법은?", europe).kind == "more"
    assert ask(analyzer, "다른 나라는?", europe).kind == "more"


def test_a_second_sentence_that_asks_is_no_reason(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    # it asks a question of its own: the message is read whole
    assert ask(analyzer, "미국은? 거기는 빅테크가 주도하나요?", europe).query != "미국 AI 전략"
    # and a first sentence that stands alone stays so whatever follows
    res = ask(analyzer, "메가 얼라이언스가 필요한 이유는? 발표 자료 만들어야 해서요", europe)
    assert res.standalone


@pytest.mark.parametrize(
    "message", ["둘의 차이는?", "두 나라 뭐가 달라?", "차이가 뭐야?", "둘이 뭐가 달라?", "양쪽 차이점은?", "공통점은?"]
)
def test_a_comparison_naming_no_sides_compares_the_subject_and_the_one_it_replaced(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str
) -> None:
    turns = [*europe, turn_after(analyzer, "그럼 미국은?", europe)]
    res = ask(analyzer, message, turns)
    assert (res.standalone, res.kind, res.sides) == (False, "reference", ("유럽", "미국"))
    assert res.query == "유럽 미국 AI 전략" and res.drew_on_turn == 2
    assert res.prior == {ALLIANCE: 0.05}
    # "more" of the same subject in between: the swap before it still sets the sides
    more = [*turns, turn_after(analyzer, "더 자세히 알려줘", turns)]
    assert ask(analyzer, message, more).sides == ("유럽", "미국")


@pytest.mark.parametrize("message", ["미국과 한국의 차이는?", "두 번째 차이는?", "그럼 한국은?", "미국은 어떻게 달라?"])
def test_a_comparison_that_names_its_sides_or_a_point_is_no_comparison_of_the_two(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str
) -> None:
    turns = [*europe, turn_after(analyzer, "그럼 미국은?", europe)]
    assert ask(analyzer, message, turns).sides == ()


@pytest.mark.parametrize("message", ["미국이랑 비교하면?", "미국하고는 뭐가 달라?", "미국과 비교해줘"])
def test_a_comparison_with_one_thing_compares_the_subject_with_it(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str
) -> None:
    res = ask(analyzer, message, europe)
    assert (res.standalone, res.kind, res.sides) == (False, "reference", ("유럽", "미국"))
    assert res.query == "유럽 미국 AI 전략"


@pytest.mark.parametrize(
    ("message", "sentences"),
    [("출처는?", 0), ("출처가 어디야?", 0), ("근거가 뭐야?", 0), ("어디에 나와?", 0), ("어느 문서에 있어?", 0),
     ("한 줄로 요약해줘", 1), ("요약해줘", 1), ("핵심만", 1), ("간단히 말해줘", 1), ("세 줄 요약", 3)],
)  # fmt: skip
def test_a_question_about_the_last_answer_searches_it_again(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str, sentences: int
) -> None:
    """Where the answer comes from, or the answer shorter: the last turn's search again (not 출처 or
    근거 swapped into the subject, nor "한 줄로 요약해줘" searched as typed)."""
    turns = [*europe, turn_after(analyzer, "그럼 미국은?", europe)]
    res = ask(analyzer, message, turns)
    assert (res.standalone, res.kind, res.query, res.drew_on_turn) == (False, "reference", "미국 AI 전략", 2)
    assert res.sentences == sentences and res.prior == {ALLIANCE: 0.05}
    # where it comes from: the same answer, asked as its question asked; shorter: plainly
    assert res.like == ("" if sentences else "그럼 미국은?")


@pytest.mark.parametrize("message", ["출처 표기는 어떻게 해?", "미국의 근거 규정은?", "요약 기능이 있나요?"])
def test_a_question_naming_more_than_the_answer_is_no_question_about_it(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str
) -> None:
    assert ask(analyzer, message, europe).sentences == 0
    assert ask(analyzer, message, europe).query != "유럽의 AI 전략은?"


@pytest.mark.parametrize("message", ["그 중에 규제 쪽은?", "규제 쪽은?", "그럼 규제는?", "규제는 어떻게 달라?"])
def test_another_aspect_of_two_things_compared_compares_them_again(analyzer: KoreanAnalyzer, message: str) -> None:
    """After "한국이랑 해외 AI 동맹 차이 알려줘" (answered as a comparison of 한국 and 해외), a message
    naming only another aspect asks it of both: the sides stay, the aspect leads the query."""
    compared = replace(turn_after(analyzer, "한국이랑 해외 AI 동맹 차이 알려줘"), sides=("한국", "해외"))
    res = ask(analyzer, message, [compared])
    assert (res.standalone, res.kind, res.sides, res.drew_on_turn) == (False, "reference", ("한국", "해외"), 1)
    assert res.query.split()[0] == "규제" and {"한국", "해외"} <= set(res.query.split())
    # a name asks of another thing ("그럼 중국은?" swaps a side); an ordinal asks a point; and a turn
    # that compared nothing leaves the aspect to its subject
    assert ask(analyzer, "그럼 중국은?", [compared]).sides == ()
    assert ask(analyzer, "두 번째 차이는?", [compared]).sides == ()
    assert ask(analyzer, message, [replace(compared, sides=())]).sides == ()


def test_a_comparison_naming_no_sides_needs_a_swap_before_it(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    assert ask(analyzer, "둘의 차이는?", europe).sides == ()  # one subject only
    assert ask(analyzer, "둘의 차이는?", []).standalone


def test_an_ellipsis_asks_the_kind_of_value_the_question_it_goes_on_from_asked(analyzer: KoreanAnalyzer) -> None:
    """ "연차는 며칠이야?" → "병가는?" → "경조휴가는?": each ellipsis carries the question that asked for a
    span (the answer gives one again); a question of its own, or one that asked none, carries nothing."""
    first = [turn_after(analyzer, "연차는 며칠이야?")]
    second = [*first, turn_after(analyzer, "병가는?", first)]
    assert ask(analyzer, "병가는?", first).like == "연차는 며칠이야?"
    assert ask(analyzer, "경조휴가는?", second).like == "연차는 며칠이야?"
    assert ask(analyzer, "병가는 어떻게 신청해?", first).like == ""  # stands alone
    plain = [turn_after(analyzer, "연차 제도를 설명해줘")]
    assert ask(analyzer, "병가는?", plain).like == ""


def test_ellipsis_chains_from_the_swapped_topic(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    turns = [*europe, turn_after(analyzer, "그럼 미국은?", europe)]
    res = ask(analyzer, "한국은?", turns)
    assert res.query == "한국 AI 전략"
    assert res.drew_on_turn == 2
    assert res.topic == {"한국": 1.0, "AI": pytest.approx(0.36), "전략": pytest.approx(0.36)}


def test_ellipsis_of_a_common_noun_swaps_only_the_differing_part(analyzer: KoreanAnalyzer) -> None:
    turns = [turn_after(analyzer, "AI 속도 경쟁은 무엇을 의미하나요?")]
    res = ask(analyzer, "그럼 규모 경쟁은?", turns)
    assert (res.kind, res.query) == ("ellipsis", "AI 규모 경쟁")


def test_a_common_noun_swaps_the_head_of_the_subject(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    res = ask(analyzer, "그럼 데이터는?", europe)  # 유럽의 [AI 전략]: 전략 is the common noun of the head
    assert (res.kind, res.query) == ("ellipsis", "유럽 AI 데이터")
    assert res.focus == (("유럽", "name", 0), ("AI", "foreign", 1), ("데이터", "common", 1))


def test_aspect_then_place_swaps(analyzer: KoreanAnalyzer) -> None:
    turns = [turn_after(analyzer, "부산의 교통은?")]
    turns.append(turn_after(analyzer, "그럼 음식은?", turns))
    assert (turns[1].followup, turns[1].query) == ("ellipsis", "부산 음식")
    res = ask(analyzer, "서울은?", turns)
    assert (res.kind, res.query, res.drew_on_turn) == ("ellipsis", "서울 음식", 2)


def test_another_thing_asked_after_an_aspect_keeps_the_aspect(analyzer: KoreanAnalyzer) -> None:
    """ "대통령 임기 몇 년이야?" → "국회의원은?" asks 국회의원's 임기: the thing takes the place of the
    thing, the aspect asked stays; "연임도 돼?" then asks it of the same thing."""
    turns = [turn_after(analyzer, "대통령 임기 몇 년이야?")]
    other = ask(analyzer, "국회의원은?", turns)
    words = other.query.split()  # 국회의원 read as 국회, 의원 (an index that writes it whole joins them)
    assert other.kind == "ellipsis" and "임기" in words and "의원" in words and "대통령" not in words
    assert other.instead == ("대통령",)
    turns.append(turn_after(analyzer, "국회의원은?", turns))
    again = ask(analyzer, "연임도 돼?", turns).query.split()
    assert "의원" in again and "연임" in again
    # not an aspect: the common noun asked about takes the place of the one before ("부산의 교통" → 음식)
    assert ask(analyzer, "그럼 음식은?", [turn_after(analyzer, "부산의 교통은?")]).query == "부산 음식"


def test_an_aspect_asked_after_a_thing_is_the_things(analyzer: KoreanAnalyzer) -> None:
    """ "수수료는?" after a question about 여권 asks 여권's 수수료 (an aspect joins the thing it is of);
    "기간은?" then asks 여권's 기간 (an aspect takes the place of the aspect before it); "병가는?"
    after "연차는 며칠이야?" asks about another thing, which takes 연차's place."""
    turns = [turn_after(analyzer, "여권 만드는 데 며칠 걸려요?")]
    fee = ask(analyzer, "수수료는?", turns)
    assert fee.kind == "ellipsis" and fee.query.split()[:2] == ["수수료", "여권"]
    assert fee.subject == ("수수료",) and fee.instead == ()
    assert fee.kept == ("여권",)  # the thing the aspect is of: the answer leads with a sentence naming it
    assert ask(analyzer, "병가는?", [turn_after(analyzer, "연차는 며칠이야?")]).kept == ()  # another thing
    turns.append(turn_after(analyzer, "수수료는?", turns))
    span = ask(analyzer, "그럼 기간은?", turns)
    assert "여권" in span.query.split() and "기간" in span.query.split() and "수수료" not in span.query.split()
    assert span.instead == ("수수료",)
    whole = ask(analyzer, "신청은 어디서 해요?", turns[:1])  # a whole question, but of an aspect alone
    assert not whole.standalone and {"신청", "여권"} <= set(whole.query.split())
    points = [turn_after(analyzer, "적립금 언제 써요?")]
    valid = ask(analyzer, "유효기간은?", points)  # 유효, 기간: the head is the aspect
    assert "적립금" in valid.query.split() and valid.instead == ()
    leave = ask(analyzer, "병가는?", [turn_after(analyzer, "연차는 며칠이야?")])
    assert "연차" not in leave.query.split() and leave.instead == ("연차",)
    size = ask(analyzer, "용량은?", [turn_after(analyzer, "프로 요금제 얼마야?")])  # was searched "용량" alone
    assert {"프로", "용량"} <= set(size.query.split())


def test_an_ellipsis_must_be_answered_about_what_it_adds(analyzer: KoreanAnalyzer) -> None:
    """ "해외 출장은?" after "출장비 정산 언제까지 해야 돼?": the answer must be about 해외 (출장 is of
    출장비 too: a sentence naming it says nothing of 해외 출장); a message whose nouns are all old
    keeps them all, and "그럼 미국은?" its one new noun."""
    turns = [turn_after(analyzer, "출장비 정산 언제까지 해야 돼?")]
    abroad = ask(analyzer, "해외 출장은?", turns)
    assert abroad.kind == "ellipsis" and abroad.subject == ("해외",)
    assert "해외" in abroad.query.split()
    us = ask(analyzer, "그럼 미국은?", [turn_after(analyzer, "한국의 AI 전략은?")])
    assert us.subject == ("미국",)


def test_follow_ups_naming_nothing_stay_on_the_subject(analyzer: KoreanAnalyzer) -> None:
    """Three follow-ups that name no thing ("왜 필요해?", "누가 만들어야 해?", "성공하려면?") stay on 메가
    얼라이언스: it decayed below the floor and "성공하려면?" was searched "필요 만들기 성공"."""
    turns = [turn_after(analyzer, "메가 얼라이언스란 무엇인가요?")]
    for message in ("왜 필요해?", "누가 만들어야 해?"):
        turns.append(turn_after(analyzer, message, turns))
    last = ask(analyzer, "성공하려면?", turns)
    assert last.kind == "reference" and {"메가", "성공"} <= set(last.query.split()), last.query
    named = ask(analyzer, "데이터 인프라는?", turns)  # a message naming a thing: the subject may go
    assert "데이터" in named.query.split()


def test_a_solution_asked_after_a_problem_is_the_problems(analyzer: KoreanAnalyzer) -> None:
    """ "해결책은?" after "데이터 인프라 격차는 어느 정도야?" asks the gap's solution (it was searched
    "해결책" alone and found nothing); documents write a solution without the word: no subject."""
    turns = [turn_after(analyzer, "데이터 인프라 격차는 어느 정도야?")]
    solution = ask(analyzer, "해결책은?", turns)
    assert solution.kind == "ellipsis" and {"해결책", "데이터", "격차"} <= set(solution.query.split())
    assert solution.subject == ()
    assert ask(analyzer, "수수료는?", [turn_after(analyzer, "여권 만드는 데 며칠 걸려요?")]).subject == ("수수료",)


def test_english_function_words_are_no_topic(analyzer: KoreanAnalyzer) -> None:
    """After "What is Korea's AI one-team strategy?", "그럼 미국은?" was searched "미국 What is Korea s
    AI one team"."""
    turns = [turn_after(analyzer, "What is Korea's AI one-team strategy?")]
    words = set(ask(analyzer, "그럼 미국은?", turns).query.lower().split())
    assert "미국" in words and "strategy" in words and not words & {"what", "is", "s"}


def test_a_value_asked_leaves_the_aspect_asked_before(analyzer: KoreanAnalyzer) -> None:
    """ "언제까지 신청해?" after "AI 바우처 신청 자격이 뭐야?" asks the deadline of applying for the
    voucher: 자격 is not searched again (the eligibility line led again, the dates came second)."""
    turns = [turn_after(analyzer, "AI 바우처 신청 자격이 뭐야?")]
    when = ask(analyzer, "언제까지 신청해?", turns)
    assert when.kind == "reference" and "자격" not in when.query.split()
    assert {"바우처", "신청"} <= set(when.query.split())
    why = ask(analyzer, "왜 신청해야 해?", turns)  # no value asked: the topic goes on whole
    assert "자격" in why.query.split()
    # what the question before asked done is no aspect it named: "얼마나 걸려?" asks how long applying takes
    took = ask(analyzer, "얼마나 걸려?", [turn_after(analyzer, "VPN 어떻게 신청해?")])
    assert {"VPN", "신청"} <= set(took.query.split()), took.query


def test_a_condition_with_nothing_said_of_it_goes_on_from_the_question_before(analyzer: KoreanAnalyzer) -> None:
    """ "주말에 일하면?" after "야근하면 수당 줘?" asks the weekend's pay (it stood alone and was
    answered with the rule on paydays that fall on a holiday); "PDF로 저장하려면?" asks how, alone."""
    turns = [turn_after(analyzer, "야근하면 수당 줘?")]
    weekend = ask(analyzer, "주말에 일하면?", turns)
    assert not weekend.standalone and {"수당", "주말"} <= set(weekend.query.split()), weekend.query
    assert ask(analyzer, "PDF로 저장하려면?", turns).standalone


def test_which_of_the_two_compares_the_two_talked_about(analyzer: KoreanAnalyzer) -> None:
    """ "둘 중에 뭐 써야 돼?" after "데비안 stable이 뭐야?" → "testing은?" sets the two side by side (it
    searched "데비안 testing 쓰기" and answered about testing alone)."""
    turns = [turn_after(analyzer, "데비안 stable이 뭐야?")]
    turns.append(turn_after(analyzer, "testing은?", turns))
    which = ask(analyzer, "둘 중에 뭐 써야 돼?", turns)
    assert set(which.sides) == {"stable", "testing"}, which


def test_approval_is_an_aspect_of_the_thing_before(analyzer: KoreanAnalyzer) -> None:
    """ "승인은 누가 해?" after "재택근무 며칠까지 돼?" asks who approves 재택근무 (it was searched alone
    and answered with a rule on approving code changes)."""
    who = ask(analyzer, "승인은 누가 해?", [turn_after(analyzer, "재택근무 며칠까지 돼?")])
    assert not who.standalone and {"재택", "근무", "승인"} <= set(who.query.split())  # Kiwi, no index: 재택 근무


def test_a_condition_narrows_the_question_before(analyzer: KoreanAnalyzer) -> None:
    """ "입사 첫해는?" after "연차 며칠 줘?" asks the 연차 of the first year (it took 연차's place and
    was searched "입사 첫해" alone); "계약직은?" after "정규직 연차는 며칠이야?" takes 정규직's place;
    the answer need not name the condition (no subject), but says when no document writes it."""
    first = ask(analyzer, "입사 첫해는?", [turn_after(analyzer, "연차 며칠 줘?")])
    assert first.kind == "ellipsis" and {"입사", "첫해", "연차"} <= set(first.query.split())
    assert first.instead == () and first.subject == () and first.narrowed == ("입사", "첫해")
    other = ask(analyzer, "계약직은?", [turn_after(analyzer, "정규직 연차는 며칠이야?")])
    assert {"계약직", "연차"} <= set(other.query.split()) and "정규직" not in other.query.split()
    assert other.instead == ("정규직",) and other.narrowed == ("계약직",)
    weekend = ask(analyzer, "주말에는?", [turn_after(analyzer, "연차 며칠 줘?")])
    assert {"주말", "연차"} <= set(weekend.query.split())
    leave = ask(analyzer, "병가는?", [turn_after(analyzer, "연차 며칠 줘?")])  # another thing, not a condition
    assert leave.narrowed == () and leave.instead == ("연차",)


def test_a_column_of_the_table_shown_is_asked_of_the_row_shown(analyzer: KoreanAnalyzer) -> None:
    """After "프로 요금제 얼마야?" answered by the row "프로 | 19,900원 | 2TB | 5대 | …" of "요금제 | 월 요금 |
    저장 용량 | 동시 접속 | 고객 지원", "동시 접속은?" asks 프로's 동시 접속 (it was searched "동시 접속"
    alone, a new topic); "팀은?" then asks 팀's, the column kept. Without a table shown, not."""
    columns = frozenset(analyzer.terms("요금제 | 월 요금 | 저장 용량 | 동시 접속 | 고객 지원"))
    turns = [turn_after(analyzer, "프로 요금제 얼마야?")]
    plain = ask(analyzer, "동시 접속은?", turns)
    assert "프로" not in plain.query.split()
    access = resolve("동시 접속은?", analyzer.tokens("동시 접속은?"), turns, DEFAULT_POLICY, columns)
    assert access.kind == "ellipsis" and set(access.query.split()) == {"프로", "동시", "접속"}
    turns.append(
        replace(
            turn_after(analyzer, "동시 접속은?", turns),
            query=access.query,
            topic=access.topic,
            focus=access.focus,
            followup=access.followup,
        )
    )
    team = resolve("팀은?", analyzer.tokens("팀은?"), turns, DEFAULT_POLICY, columns)
    assert set(team.query.split()) == {"팀", "동시", "접속"}
    assert team.instead == ("프로",)


@pytest.mark.parametrize(
    ("question", "asked"),
    [("AI 투자 격차가 얼마나 커?", "크다"), ("투자 규모가 얼마만큼 많아?", "많다"), ("얼마나 비싸요?", "비싸다")],
)
def test_the_quality_whose_degree_is_asked_is_no_topic(analyzer: KoreanAnalyzer, question: str, asked: str) -> None:
    """ "얼마나 커?" asks how big, like 얼마: 크다 does not go on into the next question's search
    ("한국은 어떻게 해야 해?" was searched "AI 투자 격차 커 한국")."""
    assert asked not in read_cues(analyzer.tokens(question)).terms
    then = ask(analyzer, "한국은 어떻게 해야 해?", [turn_after(analyzer, "AI 투자 격차가 얼마나 커?")])
    assert then.query.split() == ["AI", "투자", "격차", "한국"]
    assert "크다" in read_cues(analyzer.tokens("격차가 크면 어떻게 돼?")).terms  # not asked: a topic


def test_each_aspect_asked_alone_names_an_aspect_as_the_analyzer_reads_it(analyzer: KoreanAnalyzer) -> None:
    """One noun, or a compound read in pieces whose head is one (유효기간: 유효, 기간; a conversation
    over documents that write it whole reads it whole, see ``repair``)."""
    asked = {w: [josa(w, "은") + "?", "그럼 " + josa(w, "은") + "?"] for w in ASPECTS}
    wrong = [
        w
        for w, ms in sorted(asked.items())
        if not all(_names_an_aspect(read_cues(analyzer.tokens(m)).nouns) for m in ms)
    ]
    assert wrong == []


def test_a_name_inside_a_compound_subject_is_swapped(analyzer: KoreanAnalyzer) -> None:
    turns = [turn_after(analyzer, "한국 AI 동맹의 현황은?")]
    res = ask(analyzer, "그럼 유럽은?", turns)  # 한국 goes, AI (a foreign word) stays
    # 현황 only asks about the topic (text/questions.py), so it is not carried as a topic term.
    assert (res.kind, res.query) == ("ellipsis", "유럽 AI 동맹")


def test_a_noun_with_no_run_of_its_class_joins_the_topic(analyzer: KoreanAnalyzer) -> None:
    turns = [turn_after(analyzer, "AI 속도 경쟁은 무엇을 의미하나요?")]  # one run, headed by a common noun
    res = ask(analyzer, "그럼 미국은?", turns)
    assert (res.kind, res.query) == ("ellipsis", "미국 AI 속도 경쟁")  # the new subject leads
    assert (res.subject, res.instead) == (("미국",), ())


def test_a_noun_of_another_class_than_the_last_replaces_its_own_class(analyzer: KoreanAnalyzer) -> None:
    """The message's last noun is common (글자), so its nouns go to a common run; writer, a Latin
    word, still takes the place of calc: the question moves from Calc to Writer."""
    turns = [turn_after(analyzer, "calc에서 열 제목 글자를 비스듬하게 기울여 세우고 싶어요")]
    res = ask(analyzer, "writer 문서 안 글자는요?", turns)
    assert res.kind == "ellipsis" and res.instead == ("calc",)
    assert "writer" in res.query and "calc" not in res.query and "비스듬" in res.query


def test_a_place_asked_about_with_a_particle_is_a_fragment(analyzer: KoreanAnalyzer) -> None:
    turns = [turn_after(analyzer, "writer 표에서 칸 몇 개를 하나로 합치려면?")]
    res = ask(analyzer, "calc에서는요?", turns)  # "and in Calc?": calc takes writer's place
    assert (res.kind, res.instead) == ("ellipsis", ("writer",))
    assert res.query.split()[0] == "calc" and "writer" not in res.query


def test_an_elaboration_adds_to_the_topic_without_swapping(analyzer: KoreanAnalyzer) -> None:
    turns = [turn_after(analyzer, "니치 마케팅 전략이란 무엇인가요?")]
    res = ask(analyzer, "예를 들면 어떤 산업이 있나요?", turns)  # not a fragment, no conjunction
    assert (res.kind, res.query) == ("ellipsis", "니치 마케팅 전략 산업")
    assert res.focus == turns[0].focus


def test_a_fragment_asked_with_yo_follows_up_however_many_nouns_it_holds(
    analyzer: KoreanAnalyzer, europe: list[Turn]
) -> None:
    res = ask(analyzer, "한국 기업의 AI 인프라 투자는요?", europe)  # "and what about …?"
    assert (res.standalone, res.kind) == (False, "ellipsis")
    assert ask(analyzer, "한국 기업의 AI 인프라 투자는?", europe).standalone  # a question of its own


def test_two_coordinated_nouns_without_a_predicate_are_a_fragment(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    res = ask(analyzer, "미국과 중국은요?", europe)
    assert (res.kind, res.query) == ("ellipsis", "미국 중국 AI 전략")


# ---------------------------------------------------------------------------
# Reference to the previous answer


def test_reference_with_terms_of_its_own_adds_them_to_the_topic(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    res = ask(analyzer, "그 중 데이터 관련 내용은?", europe)
    assert (res.kind, res.drew_on_turn) == ("reference", 1)
    assert res.query == "유럽 AI 전략 데이터"
    assert res.topic == {"유럽": 0.6, "AI": 0.6, "전략": 0.6, "데이터": 1.0}
    assert res.focus == europe[0].focus  # a reference keeps the subject
    assert res.prior == {ALLIANCE: 0.05}


@pytest.mark.parametrize("message", ["그건 왜 그런가요?", "그 이유는?", "이건 어떻게 해?", "왜요?"])
def test_reference_without_terms_searches_what_was_searched_last(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str
) -> None:
    res = ask(analyzer, message, europe)
    assert (res.kind, res.query, res.drew_on_turn) == ("reference", EUROPE, 1)
    assert res.topic == europe[0].topic  # nothing new: no decay


@pytest.mark.parametrize(
    ("message", "added"),
    [("거기서 정부 역할은?", "정부 역할"), ("이를 위해 무엇이 필요한가요?", "필요"), ("그 전략의 원칙은?", "원칙")],
)
def test_pronouns_and_demonstratives_point_back(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str, added: str
) -> None:
    res = ask(analyzer, message, europe)
    assert res.kind == "reference"
    assert res.query == f"유럽 AI 전략 {added}"


# ---------------------------------------------------------------------------
# Ordinals over a listed answer


@pytest.mark.parametrize(
    ("message", "index"),
    [
        ("두 번째 전략을 자세히 설명해줘", 1),
        ("2번째 항목은?", 1),
        ("첫 번째 거 자세히", 0),
        ("셋째는?", 2),
        ("마지막 것은?", 2),
        ("2번을 더 알려줘", 1),
    ],
)
def test_an_ordinal_searches_that_item_of_the_previous_list(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str, index: int
) -> None:
    res = ask(analyzer, message, europe)
    item = EUROPE_ITEMS[index]
    assert (res.kind, res.query, res.drew_on_turn) == ("ordinal", item.text, 1)
    assert res.prior == {ALLIANCE: 0.1}
    written = _written(item.terms, item.text)  # the item's words as it writes them
    assert written and all(res.topic[word] == 1.0 for word in written)  # the item is now the topic
    assert not {t for t in item.terms if t.endswith("다") and t not in item.text} & set(res.topic)


def test_the_member_noun_of_an_ordinal_is_no_topic_word(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    """ "두 번째 단계 좀 자세히" points at a step; 단계 is not what the next question is about."""
    res = ask(analyzer, "두 번째 단계 좀 자세히 알려줘요", europe)
    assert res.kind == "ordinal" and "단계" not in res.topic
    turns = [*europe, turn_after(analyzer, "두 번째 단계 좀 자세히 알려줘요", europe)]
    assert "단계" not in ask(analyzer, "미국은요?", turns).query


def test_the_ordinal_an_item_opens_with_is_no_topic_word(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    """ "첫째, 유럽은 규제를 중시합니다.": after "첫 번째 거 자세히", "그럼 한국은 어떻게 대응해야 해?" does not
    search 첫째."""
    listed = (
        Item("첫째, 유럽은 규제를 중시합니다.", 1, ("첫째", "유럽", "규제", "중시"), 10),
        Item("둘째, 유럽은 윤리를 강조합니다.", 1, ("둘째", "유럽", "윤리", "강조하다"), 60),
    )
    first = replace(europe[0], items=listed)
    res = ask(analyzer, "첫 번째 거 자세히", [first])
    assert res.kind == "ordinal" and "규제" in res.topic and "첫째" not in res.topic
    second = turn_after(analyzer, "첫 번째 거 자세히", [first], items=listed[:1])
    assert "첫째" not in ask(analyzer, "그럼 한국은 어떻게 대응해야 해?", [first, second]).query


def test_an_item_named_with_others_in_one_sentence_must_be_named_by_what_says_more(
    analyzer: KoreanAnalyzer, europe: list[Turn]
) -> None:
    """The items of "AI 얼라이언스 종류 알려줘" are named in one sentence: more of the second must name
    코오롱베니트 (what sets it apart from the others); an item that is a sentence of its own asks nothing."""
    named = (
        Item("SK텔레콤 주도의 'K-AI 얼라이언스'", 1, ("SK텔레콤", "주도", "K", "AI", "얼라이언스"), 100),
        Item("코오롱베니트의 'AI 얼라이언스'", 1, ("코오롱베니트", "AI", "얼라이언스"), 125),
        Item("중소기업 중심의 'AX 얼라이언스'", 1, ("중소기업", "중심", "AX", "얼라이언스"), 147),
    )
    res = ask(analyzer, "두 번째 거 자세히", [replace(europe[0], items=named)])
    assert res.kind == "ordinal" and res.subject == ("코오롱베니트",)
    sentences = (
        Item("첫째, 유럽은 규제를 중시합니다.", 1, ("첫째", "유럽", "규제", "중시"), 10),
        Item("둘째, 유럽은 윤리를 강조합니다.", 1, ("둘째", "유럽", "윤리", "강조하다"), 60),
    )
    assert ask(analyzer, "두 번째 거 자세히", [replace(europe[0], items=sentences)]).subject == ()


def test_an_ordinal_past_the_end_of_the_list_is_not_an_ordinal(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    res = ask(analyzer, "다섯 번째 항목은?", europe)
    assert res.kind == "reference" and res.query == EUROPE
    assert res.beyond == len(EUROPE_ITEMS)  # the answer says the list had three
    assert ask(analyzer, "두 번째 항목은?", europe).beyond == 0
    assert ask(analyzer, "더 자세히", europe).beyond == 0
    # what was shown is not said again as if it were the item; a member named is searched with its ordinal
    assert {(ALLIANCE, item.start) for item in EUROPE_ITEMS[:2]} <= res.avoid
    strategy = ask(analyzer, "다섯 번째 전략을 자세히", europe)
    assert strategy.beyond == len(EUROPE_ITEMS) and "다섯 번째 전략" in strategy.query


def test_an_ordinal_skips_a_turn_that_abstained(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    abstained = Turn(
        n=2, question="김치찌개 끓이는 법", query="김치찌개 끓이는 법", topic={"김치찌개": 1.0}, abstained=True
    )
    res = ask(analyzer, "두 번째 것은?", [*europe, abstained])
    assert (res.kind, res.query, res.drew_on_turn) == ("ordinal", EUROPE_ITEMS[1].text, 1)


# ---------------------------------------------------------------------------
# More of the same


@pytest.mark.parametrize(
    "message", ["더 자세히", "더 자세히 알려줘", "다른 예는?", "또 다른 방법은?", "그 밖에는?", "나머지는?"]
)
def test_more_repeats_the_search_without_what_was_shown(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str
) -> None:
    res = ask(analyzer, message, europe)
    assert (res.kind, res.query, res.drew_on_turn) == ("more", EUROPE, 1)
    assert res.avoid == {(ALLIANCE, 10), (ALLIANCE, 60), (ALLIANCE, 400)}  # the sentences shown
    assert res.exclude == {"alliance.txt#4"}  # the passage with nothing more to tell


def test_more_with_terms_of_its_own_adds_them(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    res = ask(analyzer, "다른 사례는 없나요?", europe)
    assert (res.kind, res.query) == ("more", f"{EUROPE} 사례")


def test_what_a_more_sets_aside_is_no_term_of_its_own(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    res = ask(analyzer, "그거 말고 다른 사례는요?", europe)
    assert (res.kind, res.query) == ("more", f"{EUROPE} 사례")  # not "… 말다 사례"


@pytest.mark.parametrize(
    ("message", "aside", "terms"),
    [
        ("고정 말고 다른 방법은 없어요?", ("고정",), []),
        ("끄지 말고 좀 더 세밀하게 조정하는 방법은 없어요?", ("끄다",), ["세밀", "조정"]),
        ("그걸 선택한 칸 말고 전체 기본값으로 바꾸려면요?", ("선택", "칸"), ["전체", "기본", "값", "바꾸다"]),
        ("미국 말고 중국은?", ("미국",), ["중국"]),
        ("그거 말고 다른 사례는요?", (), ["사례"]),  # a pronoun: the last answer, no term
        ("김을 말고 나서 썰어요", (), ["김", "썰다"]),  # 말다 with its object: rolling, nothing set aside
        ("한국 빼고 다른 나라는?", ("한국",), ["나라"]),
        ("미국을 제외하고 유럽 전략은?", ("미국",), ["유럽", "전략"]),
        ("미국 외에 다른 나라는?", ("미국",), ["나라"]),
        ("USB를 빼고 다시 꽂으면?", (), ["USB", "빼다", "꽂다"]),  # taken out: no exception
        ("그 외에 다른 방법은?", (), []),
    ],
)
def test_what_a_message_sets_aside_is_no_term_of_it(
    analyzer: KoreanAnalyzer, message: str, aside: tuple[str, ...], terms: list[str]
) -> None:
    cues = read_cues(analyzer.tokens(message))
    assert (cues.aside, cues.terms) == (aside, terms)


def test_a_subject_set_aside_is_swapped_out_as_by_an_ellipsis(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    """ "유럽 말고 미국은?" is the fragment "미국은?" with 유럽 set aside: the same search, and the
    answer must be about 미국 (a sentence naming 유럽 first is about 유럽)."""
    res = ask(analyzer, "유럽 말고 미국은?", europe)
    assert (res.kind, res.query, res.subject, res.instead) == ("ellipsis", "미국 AI 전략", ("미국",), ("유럽",))
    assert "유럽" not in res.topic


def test_the_query_leaves_out_the_words_set_aside(analyzer: KoreanAnalyzer) -> None:
    """The topic carried on loses what a 말고 sets aside, and the query loses the words that read as it
    (the previous query's "끄기", written by the conversation)."""
    first = turn_after(analyzer, "writer에서 단어 자동 완성 기능 끄고 싶어요")
    first = replace(first, query="writer 단어 자동 완성 기능 끄기")
    res = ask(analyzer, "끄지 말고 좀 더 세밀하게 조정하는 방법은 없어요?", [first])
    assert res.aside == ("끄다",) and "끄다" not in res.topic and "끄다" not in res.query.split()
    more = ask(analyzer, "끄지 말고 다른 방법은 없어요?", [first])  # more of the same: the query before, written
    assert more.kind == "more" and "끄기" in more.query.split()
    assert more.without_aside(analyzer.terms).query.split() == [w for w in more.query.split() if w != "끄기"]


def test_words_said_in_passing_of_when_or_whom_are_no_topic(analyzer: KoreanAnalyzer) -> None:
    """ "남들이 못 고치게" and "나중에" say whom and when, not what: neither is searched or carried on."""
    first = turn_after(analyzer, "calc 시트에서 수식 들어간 칸은 남들이 못 고치게 잠가두고 싶어요")
    res = ask(analyzer, "나중에 그 잠금 풀려면 어디서 해요?", [first])
    assert res.kind == "reference" and {"calc", "시트", "수식", "잠금"} <= set(res.query.split())
    assert not {"남", "나중"} & (set(first.topic) | set(res.topic) | set(res.query.split()))


def test_more_after_more_leaves_out_both(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    second_items = (Item("유럽 기업들은 지속 가능한 경쟁력을 확보합니다.", 1, ("유럽", "기업"), 120),)
    second = turn_after(analyzer, "더 자세히", europe, items=second_items)
    res = ask(analyzer, "더 자세히", [*europe, second])
    assert (res.kind, res.query, res.drew_on_turn) == ("more", EUROPE, 2)
    assert res.avoid == {(ALLIANCE, 10), (ALLIANCE, 60), (ALLIANCE, 400), (ALLIANCE, 120)}
    assert res.exclude == {"alliance.txt#4"}


def test_more_after_a_reference_avoids_what_the_whole_topic_showed(
    analyzer: KoreanAnalyzer, europe: list[Turn]
) -> None:
    """ "그 밖에" after "그건 왜?" repeats neither answer: the first turn's sentences are avoided too,
    but not those of a turn before the topic started."""
    second_items = (Item("유럽 기업들은 지속 가능한 경쟁력을 확보합니다.", 1, ("유럽", "기업"), 120),)
    second = turn_after(analyzer, "그건 왜 그런가요?", europe, items=second_items)
    assert second.followup == "reference"
    res = ask(analyzer, "그 밖에는?", [*europe, second])
    assert (res.kind, res.drew_on_turn) == ("more", 2)
    assert res.avoid == {(ALLIANCE, 10), (ALLIANCE, 60), (ALLIANCE, 400), (ALLIANCE, 120)}
    earlier = turn_after(analyzer, "서울의 지하철은 몇 개 노선인가?", items=(Item("노선은 9개다.", 1, ("노선",), 700),))
    first = turn_after(analyzer, EUROPE, [earlier])
    res = ask(analyzer, "그 밖에는?", [earlier, first, replace(second, n=3)])
    assert (ALLIANCE, 700) not in res.avoid and (ALLIANCE, 120) in res.avoid


def test_more_after_part_of_a_list_goes_on_with_its_first_member_not_shown(
    analyzer: KoreanAnalyzer, europe: list[Turn]
) -> None:
    """The items are the document's list; the summary showed the first two: "more" says the third."""
    listed = (
        Item("첫째, 유럽은 규제를 중시합니다.", 1, ("유럽", "규제"), 10),
        Item("둘째, 유럽은 윤리를 강조합니다.", 1, ("유럽", "윤리"), 60),
        Item("셋째, 유럽은 협력을 넓힙니다.", 1, ("유럽", "협력"), 110),
    )
    shown = replace(europe[0], items=listed, said=((ALLIANCE, 0, 50), (ALLIANCE, 60, 90)))
    res = ask(analyzer, "또 뭐가 있어?", [shown])
    assert res.kind == "more"
    assert (res.anchor, res.restate) == ((ALLIANCE, 110), True)  # the third member, said itself
    assert res.avoid == {(ALLIANCE, 0), (ALLIANCE, 60)}  # what the summary showed, not the whole list
    everything = replace(shown, said=((ALLIANCE, 0, 200),))
    res = ask(analyzer, "또 뭐가 있어?", [everything])
    assert (res.anchor, res.restate) == ((ALLIANCE, 10), True)  # all shown: around the first, as before
    assert res.another  # "또 …": another one like those shown, not more about them
    res = ask(analyzer, "더 자세히 알려줘", [everything])
    assert (res.kind, res.anchor, res.restate, res.another) == ("more", (ALLIANCE, 10), False, False)


def test_more_does_not_say_again_a_member_an_earlier_turn_showed_without_its_label(
    analyzer: KoreanAnalyzer, europe: list[Turn]
) -> None:
    """The first answer showed "유럽은 규제를 중시합니다." (from 20); the next turn's list holds it as
    "규제: 유럽은 규제를 중시합니다." (from 10, its label with it), and showed only the other member:
    "다른 예는?" neither goes on with the labelled member nor lets it be said again."""
    first = replace(europe[0], said=((ALLIANCE, 20, 40),))
    listed = (
        Item("규제: 유럽은 규제를 중시합니다.", 1, ("유럽", "규제"), 10),
        Item("윤리: 유럽은 윤리를 강조합니다.", 1, ("유럽", "윤리"), 60),
    )
    second = replace(first, n=2, followup="more", items=listed, said=((ALLIANCE, 60, 90),))
    res = ask(analyzer, "다른 예는?", [first, second])
    assert res.kind == "more"
    assert (ALLIANCE, 10) in res.avoid and (ALLIANCE, 20) in res.avoid
    alone = ask(analyzer, "다른 예는?", [replace(second, n=1, followup=None)])  # without the first turn
    assert (ALLIANCE, 10) not in alone.avoid and alone.anchor == (ALLIANCE, 10)


@pytest.mark.parametrize(
    ("message", "restate"), [("두 번째 거 더 자세히 설명해줘", False), ("두 번째 건 무슨 뜻이야?", True)]
)
def test_an_ordinal_asking_for_more_detail_does_not_say_its_item_again(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str, restate: bool
) -> None:
    listed = (
        Item("첫째, 유럽은 규제를 중시합니다.", 1, ("유럽", "규제"), 10),
        Item("둘째, 유럽은 윤리를 강조합니다.", 1, ("유럽", "윤리"), 60),
    )
    res = ask(analyzer, message, [replace(europe[0], items=listed)])
    assert (res.kind, res.anchor, res.restate, res.another) == ("ordinal", (ALLIANCE, 60), restate, False)


def test_an_ellipsis_naming_what_the_answers_passages_named_joins_the_topic(analyzer: KoreanAnalyzer) -> None:
    """ "헌법 고치려면 어떻게 해야 돼?" was answered from the article that also puts the amendment to a
    국민투표; "국민투표는?" asks about that step of the same thing: 헌법 stays and 국민투표 joins (the
    passages' sentences were read 국민, 투표). A noun the passages did not name still takes the
    place of the one before, and a name always does ("그럼 미국은?"), and so does a noun the answer
    named side by side with what was asked ("대법원장과 대법관 …": another thing of its kind)."""
    first = replace(
        turn_after(analyzer, "헌법 고치려면 어떻게 해야 돼?"), named=("헌법", "개정", "국민", "투표", "국회")
    )
    joined = ask(analyzer, "국민투표는?", [first])
    assert joined.kind == "ellipsis" and joined.instead == ()
    assert {t for t, _, _ in joined.focus} >= {"헌법", "국민", "투표"}
    assert joined.query.split()[:3] == ["국민", "투표", "헌법"]
    # read whole, as the conversation reads a word the index knows whole: two of the terms in a row
    whole = repair(analyzer.tokens("국민투표는?"), {"국민투표"}.__contains__)
    assert whole[0].form == "국민투표"
    assert resolve("국민투표는?", whole, [first]).instead == ()
    swapped = ask(analyzer, "법률은?", [first])
    assert swapped.instead == ("헌법",) and "헌법" not in swapped.query.split()
    # no passages recorded (a turn stored before they were): as before
    assert ask(analyzer, "국민투표는?", [replace(first, named=())]).instead == ("헌법",)
    europe = replace(turn_after(analyzer, EUROPE), named=("유럽", "미국", "전략"))
    assert ask(analyzer, "그럼 미국은?", [europe]).instead == ("유럽",)
    # named beside what was asked, as things of one kind ("대법원장과 대법관"): another of them is asked
    # about, which takes its place
    chief = turn_after(analyzer, "대법원장은 누가 뽑아?")
    beside = Item(
        "대법원장과 대법관이 아닌 법관은 대법관회의의 동의를 얻어 대법원장이 임명한다.", 1, ("대법원장", "대법관"), 10
    )
    justices = replace(chief, named=("대법원장", "대법관", "임명"), items=(beside,))
    assert ask(analyzer, "대법관은요?", [justices]).instead == ("대법원장",)
    apart = Item("대법원장은 대법관의 제청을 받는다.", 1, ("대법원장", "대법관"), 10)  # named, not side by side
    assert ask(analyzer, "대법관은요?", [replace(justices, items=(apart,))]).instead == ()


def test_more_detail_of_a_list_line_that_is_no_sentence_says_the_line_first(
    analyzer: KoreanAnalyzer, europe: list[Turn]
) -> None:
    """ "두 번째 거 좀 자세히" of a constitution's list of matters ("2. 선전·강화 기타 중요한 대외정책"):
    what follows elaborates a line the answer must name, so it is said again; a member that is a
    sentence of its own is not (see the test above)."""
    listed = (
        Item("1. 국정의 기본계획과 정부의 일반정책", 1, ("국정", "계획"), 10),
        Item("2. 선전·강화 기타 중요한 대외정책", 1, ("선전", "강화", "대외정책"), 60),
    )
    res = ask(analyzer, "두 번째 거 좀 자세히 말해줘", [replace(europe[0], items=listed)])
    assert (res.kind, res.anchor, res.restate) == ("ordinal", (ALLIANCE, 60), True)


def test_more_detail_of_an_item_the_answer_did_not_show_says_the_item_first(
    analyzer: KoreanAnalyzer, europe: list[Turn]
) -> None:
    """ "세 번째 단계 좀 더 자세히요" counts in the document's list; when the answer showed other
    sentences, not that step, the step itself is what is new to the reader."""
    listed = (
        Item("첫째, 유럽은 규제를 중시합니다.", 1, ("유럽", "규제"), 10),
        Item("둘째, 유럽은 윤리를 강조합니다.", 1, ("유럽", "윤리"), 60),
    )
    unshown = replace(europe[0], items=listed, said=((ALLIANCE, 0, 50),))
    assert ask(analyzer, "두 번째 거 더 자세히 설명해줘", [unshown]).restate
    shown = replace(unshown, said=((ALLIANCE, 0, 50), (ALLIANCE, 60, 90)))
    assert not ask(analyzer, "두 번째 거 더 자세히 설명해줘", [shown]).restate


def test_an_ordinal_naming_a_member_points_back_though_the_message_says_more(
    analyzer: KoreanAnalyzer, europe: list[Turn]
) -> None:
    res = ask(analyzer, "마지막 단계에서 뜨는 창은 뭐예요?", europe)
    assert (res.kind, res.query, res.anchor) == ("ordinal", EUROPE_ITEMS[2].text, (ALLIANCE, 400))
    # "마지막" of something that is no list member is a question of its own
    res = ask(analyzer, "조선의 마지막 왕은 누구야?", europe)
    assert (res.standalone, res.query) == (True, "조선의 마지막 왕은 누구야?")


def test_an_ordinal_after_an_ordinal_counts_in_the_same_list(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    told = (Item("유럽 기업들은 지속 가능한 경쟁력을 확보합니다.", 1, ("유럽", "기업"), 120),)
    second = turn_after(analyzer, "첫 번째 거 더 설명해줘", europe, items=told)
    assert (second.followup, second.anchor) == ("ordinal", (ALLIANCE, 10))
    res = ask(analyzer, "마지막 건 구체적으로 뭘 해야 돼?", [*europe, second])
    # the last of the first answer's list, not of the elaboration's sentences
    assert (res.kind, res.query, res.drew_on_turn) == ("ordinal", EUROPE_ITEMS[2].text, 1)
    assert res.anchor == (ALLIANCE, 400)


@pytest.mark.parametrize("message", ["다음은?", "그 다음은?", "그다음엔?", "다음 건?"])
def test_next_after_an_ordinal_is_the_following_item_of_the_same_list(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str
) -> None:
    told = (Item("유럽 기업들은 지속 가능한 경쟁력을 확보합니다.", 1, ("유럽", "기업"), 120),)
    first = turn_after(analyzer, "첫 번째 거 더 설명해줘", europe, items=told)
    res = ask(analyzer, message, [*europe, first])
    assert (res.kind, res.query, res.drew_on_turn, res.anchor) == ("ordinal", EUROPE_ITEMS[1].text, 1, (ALLIANCE, 60))
    second = turn_after(analyzer, message, [*europe, first], items=told)
    third = ask(analyzer, message, [*europe, first, second])
    assert (third.kind, third.anchor) == ("ordinal", (ALLIANCE, 400))
    last = turn_after(analyzer, message, [*europe, first, second], items=told)
    # past the end: what the document says after the last item, past its section
    past = ask(analyzer, message, [*europe, first, second, last])
    assert (past.kind, past.anchor, past.onward, past.restate, past.beyond) == ("ordinal", last.anchor, True, False, 0)
    # not after a list itself, nor 다음 with a noun of its own ("다음 주는?")
    assert ask(analyzer, message, europe).kind != "ordinal"
    assert ask(analyzer, "다음 주는?", [*europe, first]).kind != "ordinal"


def test_why_after_an_elaborated_item_asks_about_that_item(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    second = turn_after(analyzer, "두 번째 전략을 자세히 설명해줘", europe)
    assert second.anchor == (ALLIANCE, 60)
    res = ask(analyzer, "그건 왜 그런가요?", [*europe, second])
    assert (res.kind, res.query, res.anchor, res.restate) == ("reference", EUROPE_ITEMS[1].text, (ALLIANCE, 60), False)
    # After an answer of several sentences that elaborated none, or asking something else: not anchored.
    assert ask(analyzer, "그건 왜 그런가요?", europe).anchor is None
    assert ask(analyzer, "이를 위해 무엇이 필요한가요?", [*europe, second]).anchor is None


def test_why_after_a_one_sentence_answer_asks_about_that_sentence(analyzer: KoreanAnalyzer) -> None:
    niche = Item("첫 번째로, 한국 기업들은 니치 마케팅 전략을 채택해야 합니다.", 1, ("니치", "마케팅", "전략"), 300)
    first = replace(
        turn_after(analyzer, "니치 마케팅 전략이란 무엇인가요?", items=(niche,)), said=((ALLIANCE, 300, 340),)
    )
    res = ask(analyzer, "그건 왜 필요한가요?", [first])  # 필요 is its own, but names nothing new
    assert (res.kind, res.anchor, res.restate) == ("reference", (ALLIANCE, 300), False)
    two = replace(first, said=((ALLIANCE, 300, 340), (ALLIANCE, 400, 450)))
    assert ask(analyzer, "그건 왜 필요한가요?", [two]).anchor is None  # which of the two: searched again


# ---------------------------------------------------------------------------
# Reading the message


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("그럼 미국은?", {"conjunction": True, "fragment": True, "nouns": ("미국",)}),
        ("그렇다면 중소기업은?", {"conjunction": True, "reference": False, "nouns": ("중소기업",)}),
        ("그건 왜 그런가요?", {"reference": True, "nouns": ()}),
        ("세 번째는 뭐야?", {"ordinal": 3, "wh": True}),
        ("마지막 항목은?", {"ordinal": LAST, "nouns": ()}),
        ("마지막 건 구체적으로 뭘 해야 돼?", {"ordinal": LAST, "nouns": (), "more": True}),
        ("마지막 단계에서 뜨는 창은 뭐예요?", {"ordinal": LAST, "member": True}),
        ("조선의 마지막 왕은 누구야?", {"ordinal": LAST, "member": False}),
        ("두 번째는?", {"ordinal": 2, "member": True}),
        ("그렇게 만든 쇼를 반복하려면?", {"reference": True, "conjunction": False}),
        ("그러면 미국은?", {"reference": False, "conjunction": True}),
        ("월화수목 요일은요?", {"fragment": True}),
        ("writer 문서에 넣은 긴 표는요?", {"fragment": True, "what_about": True}),
        ("한국의 AI 원팀 전략은?", {"fragment": True, "what_about": False}),
        ("한국이 나아갈 방향은?", {"fragment": False}),
        ("한 번 더 설명해줘", {"ordinal": None, "more": True}),
        ("다섯 번째 항목은?", {"ordinal": 5, "member": True}),  # 다섯 … 열 are numerals (NR) to Kiwi
        ("열 번째 것을 자세히", {"ordinal": 10, "member": True}),
        ("다른 예는?", {"more": True, "nouns": ()}),
        ("또 뭐가 있어?", {"more": True, "nouns": ()}),
        ("또 그건 뭐야?", {"more": False, "reference": True}),
        ("저는 한국 AI 동맹이 궁금해요", {"reference": False, "nouns": ("한국", "AI", "동맹")}),
        ("담합이란 무엇인가요?", {"wh": True, "nouns": ("담합",)}),
        ("calc에서는요?", {"fragment": True, "what_about": True, "nouns": ("calc",)}),
        ("서울에서는 어때?", {"fragment": True, "nouns": ("서울",)}),
        ("반대로 합친 걸 다시 여러 칸으로 나누려면?", {"nouns": ("칸",), "conjunction": False}),  # 반대로: "conversely"
        ("반대 의견은?", {"nouns": ("반대", "의견")}),
        ("이를 위해 무엇이 필요한가요?", {"reference": True, "predicates": ("필요",), "nouns": ()}),
    ],
)
def test_cues(analyzer: KoreanAnalyzer, message: str, expected: dict[str, object]) -> None:
    cues = read_cues(analyzer.tokens(message))
    got = {name: getattr(cues, name) for name in expected}
    if "nouns" in got:
        got["nouns"] = tuple(t for t, _ in cues.nouns)
    assert got == expected


@pytest.mark.parametrize(
    ("message", "slot"),
    [
        ("유럽의 AI 전략은?", ["유럽/0", "AI/1", "전략/1"]),
        ("AI 속도 경쟁은 무엇을 의미하나요?", ["AI/0", "속도/0", "경쟁/0"]),
        ("데이터와 인프라는 어떻게 확충해야 하나요?", ["데이터/0", "인프라/0"]),
        ("미국의 빅테크 기업들은 AI 생태계를 어떻게 확장하고 있나요?", ["미국/0", "빅/1", "테크/1", "기업/1"]),
        ("글로벌 빅테크 기업들의 투자 규모는?", ["글로벌/0", "빅/0", "테크/0", "기업/0", "투자/1", "규모/1"]),
        ("해외 시장에서 레퍼런스를 쌓아야 하는 이유는?", ["해외/0", "시장/0"]),  # no subject: the first run
        ("한국 AI 기업의 글로벌 진출 전략은?", ["한국/0", "AI/0", "기업/0", "글로벌/1", "진출/1", "전략/1"]),
    ],
)
def test_subject_slot(analyzer: KoreanAnalyzer, message: str, slot: list[str]) -> None:
    assert [f"{t}/{i}" for t, _, i in subject_slot(analyzer.tokens(message))] == slot


# ---------------------------------------------------------------------------
# The weighted topic


def test_earlier_terms_decay_each_time_a_follow_up_brings_its_own() -> None:
    topic = {"유럽": 1.0, "AI": 1.0}
    topic = carry(topic, ["데이터"])
    assert topic == {"유럽": 0.6, "AI": 0.6, "데이터": 1.0}
    topic = carry(topic, ["규제"])
    assert topic == {"유럽": pytest.approx(0.36), "AI": pytest.approx(0.36), "데이터": 0.6, "규제": 1.0}
    topic = carry(topic, ["윤리"])  # 0.216 < floor 0.3: forgotten
    assert topic == {"데이터": pytest.approx(0.36), "규제": 0.6, "윤리": 1.0}


def test_nothing_decays_when_the_message_brings_nothing() -> None:
    assert carry({"유럽": 0.6, "AI": 1.0}, []) == {"유럽": 0.6, "AI": 1.0}


def test_a_repeated_term_is_refreshed_in_place() -> None:
    assert carry({"유럽": 0.6, "AI": 0.6, "전략": 1.0}, ["유럽"]) == {"유럽": 1.0, "AI": 0.36, "전략": 0.6}


def test_replaced_terms_give_their_place_to_the_new_ones() -> None:
    assert list(carry({"유럽": 1.0, "AI": 1.0, "전략": 1.0}, ["미국", "중국"], replaced=["유럽"])) == [
        "미국", "중국", "AI", "전략",
    ]  # fmt: skip


def test_a_policy_changes_how_fast_the_topic_fades() -> None:
    slow = Policy(decay=0.9, floor=0.5)
    assert carry({"유럽": 1.0}, ["미국"], slow) == {"유럽": 0.9, "미국": 1.0}
    assert carry({"유럽": 0.5}, ["미국"], slow) == {"미국": 1.0}


def test_the_query_keeps_the_heaviest_terms_in_topic_order() -> None:
    topic = {"a": 0.4, "b": 1.0, "c": 0.5, "d": 1.0}
    assert query_of(topic, Policy(max_terms=3)) == "b c d"
    assert query_of(topic) == "a b c d"


# ---------------------------------------------------------------------------
# Speed


def test_resolution_reads_only_the_last_turn_of_a_long_session(analyzer: KoreanAnalyzer, europe: list[Turn]) -> None:
    many = [turn_after(analyzer, "부산의 교통은?")] * 500 + europe
    tokens = analyzer.tokens("그럼 미국은?")
    assert resolve("그럼 미국은?", tokens, many) == resolve("그럼 미국은?", tokens, europe)
    assert resolve("그럼 미국은?", tokens, many).query == "미국 AI 전략"


def test_an_items_terms_are_carried_as_the_sentence_writes_them() -> None:
    text = "미국의 빅테크 기업들은 막대한 자본력을 가졌다."
    terms = ("미국", "빅", "테크", "기업", "막대하다", "자본력", "가지다")
    assert _written(terms, text) == ["미국", "빅테크", "기업", "자본력"]
    # as written: the case of a name, a hyphen, no quote the analyzer left on a word; a Latin word the text
    # does not hold is left out like a lemma it does not hold
    named = "SK텔레콤 주도의 'K-AI 얼라이언스'"
    assert _written(("sk텔레콤", "주도", "k", "ai", "얼라이언스'", "ax"), named) == [
        "SK텔레콤",
        "주도",
        "K-AI",
        "얼라이언스",
    ]


def test_a_query_writes_verbs_as_keywords_and_adjectives_as_the_message_did(analyzer: KoreanAnalyzer) -> None:
    """The searched query is shown as Korean keywords: a verb's noun form ("합치기"), an adjective as
    written ("작아서"), a verb whose noun form is a noun of its own (뜨기, knitting) as written ("떠");
    every form reads back to the same lemma, so the search does not change."""
    messages = ["writer 표에서 칸 몇 개를 하나로 합치고 싶은데요", "반대로 합친 걸 다시 여러 칸으로 나누려면?"]
    query = as_written("calc 표 칸 합치다 나누다", messages, analyzer.tokens, analyzer.terms)
    assert query == "calc 표 칸 합치기 나누기"
    assert analyzer.terms(query) == analyzer.terms("calc 표 칸 합치다 나누다")
    message = "첫 줄 제목이 계속 떠 있게 하고 싶은데 글자가 너무 작아서요"
    query = as_written("제목 뜨다 글자 작다 없다다", [message], analyzer.tokens, analyzer.terms)
    assert query == "제목 떠 글자 작아서 없다다"  # a lemma no message writes stays as it is
    assert as_written("칸 병합", messages, analyzer.tokens, analyzer.terms) == "칸 병합"


def test_a_word_the_analyzer_reads_in_parts_is_written_whole_in_the_query(analyzer: KoreanAnalyzer) -> None:
    """Kiwi reads the loanword 얼라이언스 as 얼라이언 + 스다: the query carried from "메가 얼라이언스
    왜 필요해?" writes it as the message did, not "메가 얼라이언 스", and still searches the same terms."""
    messages = ["메가 얼라이언스 왜 필요해?", "어떻게 만들어?"]
    query = as_written("메가 얼라이언 스다 필요 만들다", messages, analyzer.tokens, analyzer.terms)
    assert query == "메가 얼라이언스 필요 만들기"
    assert analyzer.terms(query) == analyzer.terms("메가 얼라이언 스다 필요 만들다")
    # with no lemma to write (nothing to read with the analyzer), neighbours are joined all the same
    assert as_written(
        "AI 원 팀 전략 미국", ["한국의 AI 원팀 전략이란?", "그럼 미국은?"], analyzer.tokens, analyzer.terms
    ) == ("AI 원팀 전략 미국")
    # words the messages write apart stay apart
    assert as_written("메가 얼라이언스 필요", ["메가 얼라이언스 필요"], analyzer.tokens, analyzer.terms) == (
        "메가 얼라이언스 필요"
    )


@pytest.mark.parametrize("message", ["예를 들면?", "예를 들어 줘", "예시는?"])
def test_an_example_asked_for_is_what_the_document_says_around_the_first_sentence(
    analyzer: KoreanAnalyzer, europe: list[Turn], message: str
) -> None:
    """ "니치 마케팅이 뭐야?" → "예를 들면?" searched the question again and said its one sentence again;
    the example is what the document says next to the answer's first sentence ("예를 들어 의료, 금융 …"),
    nothing shown before said again."""
    res = ask(analyzer, message, europe)
    assert (res.standalone, res.kind, res.query) == (False, "more", europe[0].query)
    assert res.anchor == (ALLIANCE, 10) and not res.restate
    assert {(ALLIANCE, 10), (ALLIANCE, 60), (ALLIANCE, 400)} <= res.avoid
    another = ask(analyzer, "다른 예는?", europe)  # another one like those shown: "more", as before
    assert another.another and another.exclude == {"alliance.txt#4"}  # the passage it had spent left out
    named = ask(analyzer, "예를 들어 미국은?", europe)  # an example named: asked of it
    assert named.anchor is None and "미국" in named.query.split()


def test_another_way_described_is_searched_as_written_without_what_was_shown(
    analyzer: KoreanAnalyzer, europe: list[Turn]
) -> None:
    """ "다른 방법은 없어요? 저장할 때마다 예전 파일도 남겨두는 식으로" says enough to stand alone, but asks
    for another way than the ones shown: it is searched as written (its own words find the way it
    describes) and the sentences shown on the topic are not said again. "다른 사람이 …" asks no such thing."""
    message = "다른 방법은 없어요? 데이터 규제 말고 시민 안전을 지키는 식으로"
    res = ask(analyzer, message, europe)
    assert (res.standalone, res.kind, res.query) == (False, "more", message)
    assert {(ALLIANCE, 10), (ALLIANCE, 60), (ALLIANCE, 400)} <= res.avoid
    other = ask(analyzer, "다른 사람이 문서 고친 부분이 표시되게 하는 법", europe)
    assert other.standalone


def test_a_resolution_hands_the_engine_what_it_asks_of_the_answer() -> None:
    """Every field the answer reads reaches :class:`Context` under its own name (the subject as
    ``about``), and a message that stands alone asks nothing of it."""
    same = {
        "avoid": frozenset({("a.txt", 3)}),
        "instead": ("한국",),
        "anchor": ("a.txt", 3),
        "restate": False,
        "another": True,
        "sides": ("한국", "미국"),
        "sentences": 1,
        "like": "왜 필요해?",
        "narrowed": ("첫해",),
        "onward": True,
    }
    resolution = Resolution(False, "미국 AI 전략", "ellipsis", subject=("미국",), **same)  # type: ignore[arg-type]
    assert resolution.context == Context(about=("미국",), **same)  # type: ignore[arg-type]
    assert Resolution(True, "연차 며칠?", "standalone").context == ALONE


def test_a_sentence_naming_one_thing_of_the_topic_goes_on_with_it(analyzer: KoreanAnalyzer) -> None:
    """ "연결이 자꾸 끊겨요" after "블루투스 이어폰 연결하는 법" was searched alone and answered about a network
    connection; it names only 연결, which the conversation is on. Naming another thing too, or nothing
    of the topic, a message still stands alone."""
    first = [turn_after(analyzer, "블루투스 이어폰 연결하는 법")]
    res = ask(analyzer, "연결이 자꾸 끊겨요", first)
    assert not res.standalone and {"블루투스", "이어폰"} <= set(res.query.split()), res.query
    assert ask(analyzer, "와이파이 연결이 자꾸 끊겨요", first).standalone  # a new thing named
    assert ask(analyzer, "프린터가 자꾸 꺼져요", first).standalone  # nothing of the topic


def test_an_ordinal_names_the_item_numbered_so_when_the_items_carry_numbers() -> None:
    """ "두 번째 거" after an answer that announces a list and shows its numbered items ("다음 사항은 …
    거쳐야 한다." then "1. …", "2. …") is item 2, not the second sentence shown; unnumbered items
    count by their place."""
    said = [
        Item("제89조 다음 사항은 국무회의의 심의를 거쳐야 한다.", 1),
        Item("제88조 ① 국무회의는 정부의 권한에 속하는 중요한 정책을 심의한다.", 1),
        Item("“1. 국정의 기본계획과 정부의 일반정책”", 1),
        Item("“2. 선전·강화 기타 중요한 대외정책”", 1),
    ]
    second = pick(said, 2)
    assert second is not None and "대외정책" in second.text
    plain = [Item("첫 문장입니다.", 1), Item("둘째 문장입니다.", 1)]
    assert pick(plain, 2) is plain[1] and pick(plain, 3) is None


def test_a_time_said_before_and_an_aspect_asked_whole_go_on_with_the_topic(analyzer: KoreanAnalyzer) -> None:
    """ "그때" (read whole, a noun) points back as 그 때 does; a whole question that names only an
    aspect ("돈은 누가 대요?", "얼마 동안 가 있어?") asks it of the thing before."""
    turns = [turn_after(analyzer, "대통령이 갑자기 일을 못 하게 되면 누가 대신해?")]
    then = ask(analyzer, "그때 새 대통령은 언제 뽑아?", turns)
    assert not then.standalone and "대신" in then.query.split() and "그때" not in then.query.split()
    troops = [turn_after(analyzer, "UAE에 군대 보내는 동의안 있잖아, 몇 명이나 보내?")]
    for message in ("얼마 동안 가 있어?", "돈은 누가 대요?"):
        res = ask(analyzer, message, troops)
        assert not res.standalone and "UAE" in res.query.split(), message
