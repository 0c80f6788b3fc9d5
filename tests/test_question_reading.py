"""How a question is read: spoken contractions written out for the search, its form, the noun naming its answer."""

from __future__ import annotations

import pytest

from assistant.chat.cues import read_cues
from assistant.ingest.markers import ordinals_in
from assistant.text.korean import KoreanAnalyzer
from assistant.text.questions import (
    answer_focus,
    answer_predicate,
    asked_nouns,
    asks_a_name,
    asks_negated,
    asks_one_point,
    asks_outright,
    asks_which,
    holds_no_word,
    opening_topic,
    points_at_nothing,
    question_form,
    relation_terms,
    social_kind,
    topic_terms,
    without_document_words,
)
from assistant.text.sentences import SENTENCE_END, ends_sentence
from assistant.text.spoken import written_out


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("한국엔 어떤 AI 동맹들이 있어?", "한국에는 어떤 AI 동맹들이 있어?"),
        ("유럽에선 뭘 중시해?", "유럽에서는 뭘 중시해?"),
        # Contracted pronouns stay: alone they say nothing to search for.
        ("그건 왜 그런가요?", "그건 왜 그런가요?"),
        ("거기선 뭐 해?", "거기서는 뭐 해?"),
        # Nothing contracted: the text as typed.
        ("사건은 언제 일어났나?", "사건은 언제 일어났나?"),
        ("정부가 할 일은 무엇인가요?", "정부가 할 일은 무엇인가요?"),
    ],
)
def test_contracted_particles_are_written_out(analyzer: KoreanAnalyzer, typed: str, searched: str) -> None:
    assert written_out(typed, analyzer.tokens(typed)) == searched


@pytest.mark.parametrize(
    ("question", "pronoun"),
    [
        ("그게 뭐야?", "그것"),
        ("그건 어떻게 만들 수 있나요?", "그거"),
        ("거기선 뭐 해?", "거기"),
        ("이건 왜 그래?", "이거"),
        ("두 번째 건 어디가 만든 거야?", "두 번째"),  # an ordinal of a list shown before
        ("첫 번째 거 자세히", "첫 번째"),
        ("2번째 것은?", "2번째"),
        ("둘째는 뭐야?", "둘째"),
        ("마지막 건 뭐야?", "마지막"),
        ("세 번째 전략은?", ""),  # the ordinal of a named list
        ("첫째 요소가 뭐야", ""),
        # a thing named beside the pronoun, or no pronoun: the question says what it is about
        ("그 전략의 장점은?", ""),
        ("그건 AI와 어떤 관계야?", ""),
        ("그게 2024년이야?", ""),
        ("뭐가 있어?", ""),  # 뭐 asks, it points at nothing said
        ("어떻게 만들 수 있나요?", ""),
    ],
)
def test_a_question_that_points_back_at_nothing_it_names(analyzer: KoreanAnalyzer, question: str, pronoun: str) -> None:
    assert points_at_nothing(analyzer.tokens(question)) == pronoun


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("고마워요!", "thanks"),
        ("정말 감사합니다 ㅎㅎ", "thanks"),
        ("Thank you very much", "thanks"),
        ("안녕하세요", "greeting"),
        ("안녕!", "greeting"),  # an interjection
        ("수고하셨습니다", "bye"),
        ("알겠어요", "ack"),
        ("네", "ack"),
        ("안녕, 고마워", "thanks"),  # thanks win
        # what can be asked: told what the documents cover, as for a greeting
        ("무엇을 물어볼 수 있어?", "help"),
        ("너는 뭘 할 수 있어?", "help"),
        ("사용법 알려줘", ""),  # may ask how to use what was just shown: searched
        ("뭘 할 수 있어?", ""),  # may go on from an answer ("격차를 줄이려면 …")
        ("질문 있어요", "help"),
        ("정부가 뭘 할 수 있어?", ""),  # a question about 정부
        ("이 기능 어떻게 써?", ""),  # points back at a feature shown before
        ("그거 질문해도 돼?", ""),
        # the table of contents
        ("목차 보여줘", "contents"),
        ("어떤 섹션이 있어?", "contents"),
        ("문서 구성이 어떻게 돼?", "contents"),
        ("팀 구성은?", ""),  # a question about a 팀
        ("구성은?", ""),  # after "팀 소개해줘", the team's
        ("목차 만드는 법", ""),  # how to make one, in a manual
        # any other word makes it a question
        ("고마운 사람은 누구야?", ""),
        ("감사 보고서 작성법", ""),
        ("감사", ""),  # an audit, as a word alone: only 감사합니다 thanks
        ("수고", ""),
        ("안녕하세요, 유럽 AI 전략 알려주세요", ""),
        ("좋은 방법은?", ""),
        ("알려줘", ""),
        ("ㅋㅋ", ""),
    ],
)
def test_a_message_that_is_no_question_says_what_it_is(analyzer: KoreanAnalyzer, message: str, kind: str) -> None:
    assert social_kind(analyzer.tokens(message)) == kind


@pytest.mark.parametrize(
    ("question", "wordless"),
    [
        ("ㅋㅋㅋㅋ", True),  # Korean letters alone
        ("ㅠㅠ", True),
        ("^^", True),
        ("?!?!", True),
        ("...", True),
        ("\U0001f600", True),  # an emoji
        # one word, name, number or address is something to look for
        ("ㅋㅋ 한국 AI", False),
        ("안녕", False),
        ("AI?", False),
        ("2024?", False),
        ("https://example.com", False),
        ("그게 뭐야?", False),  # a pronoun: points_at_nothing says what is unclear
    ],
)
def test_a_question_made_only_of_symbols_holds_no_word(analyzer: KoreanAnalyzer, question: str, wordless: bool) -> None:
    assert holds_no_word(analyzer.tokens(question)) is wordless


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("한국 기업의 전략은?", "method"),
        ("AI 규모 경쟁에서 채택해야 할 전략은 무엇인가요?", "method"),
        # A strategy named as the topic, the question asking about something else.
        ("니치 마케팅 전략은 어떤 산업에 적용할 수 있어?", "general"),
        ("니치 마케팅 전략이란 무엇인가요?", "definition"),
        # What a strategy is called: a name is asked for.
        ("한국 기업들이 AI 역량을 결집하는 전략을 무엇이라고 부르나요?", "definition"),
        ("이 방법을 뭐라고 하나요?", "definition"),
        ("왜 그 전략을 원팀이라고 부르나요?", "reason"),
    ],
)
def test_a_strategy_is_asked_for_only_when_the_question_asks_for_it(question: str, form: str) -> None:
    assert question_form(question) == form


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("PR 머지하려면 몇 명 승인 필요해?", "general"),
        ("업데이트하려면 여유 저장 공간이 얼마인가?", "general"),
        ("출장비는 언제까지 정산해야 돼?", "general"),
        ("PDF로 저장하려면?", "method"),
        ("몇 번 실패하면 어떻게 해야 해?", "method"),  # "how" is asked too
    ],
)
def test_a_condition_with_a_count_or_time_asked_is_no_method_question(question: str, form: str) -> None:
    assert question_form(question) == form


@pytest.mark.parametrize(
    ("question", "form"),
    [
        # what must be there is one thing asked, not the items of a list
        ("경찰이 나를 잡아가려면 뭐가 있어야 돼?", "general"),
        ("출장 가려면 뭐가 있어야 해요?", "general"),
        ("어떤 게 있어?", "list"),
        ("국가 기관에는 뭐가 있나요?", "list"),
    ],
)
def test_what_must_be_there_is_no_list(question: str, form: str) -> None:
    assert question_form(question) == form


@pytest.mark.parametrize(
    ("question", "form"),
    [
        # where one thing is ("어디 있어요?"), not which places there are ("어디가 있어?")
        ("DB 비번 어디 있어요?", "general"),
        ("컴퓨터 끄는 버튼이 어디에 있어요?", "general"),
        ("서울에 가볼 만한 곳 어디가 있어?", "list"),
        ("출장 갈 만한 지사는 어디들이 있나요?", "list"),
    ],
)
def test_where_one_thing_is_is_no_list(question: str, form: str) -> None:
    assert question_form(question) == form


@pytest.mark.parametrize(
    ("question", "form"),
    [
        # cases asked for are a list, however the request ends
        ("AI 동맹 사례 알려줘", "list"),
        ("해외 동맹 사례는?", "list"),
        ("비슷한 사례 있어?", "list"),
        ("사례를 들어줘", "list"),
        ("사례 연구란?", "definition"),
    ],
)
def test_cases_asked_for_are_a_list(question: str, form: str) -> None:
    assert question_form(question) == form


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("기간 안에 도입 못 하면 어떻게 돼?", "general"),
        ("데비안 설치하려면 램이랑 디스크 최소 사양이 어떻게 돼요", "general"),
        ("게임 중 시작 포지션이 규칙과 다르면 게임은 어떻게 되는가?", "general"),
        ("남은 연차는 어떻게 되나요?", "general"),
        ("급여는 어떻게 계산돼?", "method"),  # how it is computed
        ("연결이 끊기면 어떻게 해결 방법이 되나요?", "method"),  # a way is named
        ("유럽은 AI를 어떻게 보고 있어?", "general"),  # a view
        ("미국은 AI 동맹을 어떻게 하고 있어?", "general"),  # what is being done
        ("전문가들은 한국의 AI 정책을 어떻게 평가해?", "general"),
        ("내 IP 주소는 어떻게 봐요?", "method"),  # how to see it
    ],
)
def test_what_happens_is_no_method_question(question: str, form: str) -> None:
    """ "어떻게 돼?" asks what happens or what something is, and "어떻게 보고 있어?" a view, not how to
    do it: no list of steps."""
    assert question_form(question) == form


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("왜 그렇게 차이가 나?", "reason"),  # why two differ: the reasons, not the two side by side
        ("한국과 미국은 왜 다른가요?", "reason"),
        ("한국과 미국의 차이는?", "comparison"),
        ("왜 둘을 비교하나요?", "comparison"),  # asked to compare them
        ("둘 중에 뭐 써야 돼?", "comparison"),  # which of the two to take
        ("어떤 게 더 나아?", "comparison"),
        ("그녀가 더 나아질 수 있다고 평한 인물은?", "general"),  # better, of one
        # how far apart: the size of a gap, not the two side by side
        ("AI 투자 얼마나 차이나?", "general"),
        ("이명박은 박근혜 후보를 몇 표 차이로 이겼는가?", "general"),
        ("한국과 미국 투자 얼마나 차이나? 비교해줘", "comparison"),
        ("프랑스군과 어느 쪽의 전투가 벌어집니까?", "general"),
    ],
)
def test_asking_why_two_differ_asks_a_reason(question: str, form: str) -> None:
    assert question_form(question) == form


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("Why does Korea need a mega alliance?", "reason"),
        ("How do US big tech companies support startups?", "method"),
        ("What should the government do to support the alliances?", "method"),
        ("Which Korean AI alliances does the essay mention?", "list"),
        ("What is Korea's AI one-team strategy?", "definition"),
        ("How does Korea differ from the US?", "comparison"),
        ("How large is the investment gap?", "general"),
        ("Who won the 2018 World Cup?", "general"),
        # a Korean question with English words is read by the Korean patterns alone
        ("list of AI 동맹 알려줘", "general"),
    ],
)
def test_a_question_in_english_is_read_for_its_form_too(question: str, form: str) -> None:
    assert question_form(question) == form


@pytest.mark.parametrize(
    ("question", "nouns"),
    [
        ("니치 마케팅 전략은 어떤 산업에 적용할 수 있어?", ["산업"]),
        ("헤이그의 부인은 누구인가?", ["부인"]),
        ("미국 대통령의 이름은?", ["대통령"]),  # 이름 only says a name is asked
        ("티베트 고원의 면적은?", ["면적"]),
        ("왜 그런가요?", []),
    ],
)
def test_the_noun_that_names_the_answer(analyzer: KoreanAnalyzer, question: str, nouns: list[str]) -> None:
    assert asked_nouns(analyzer.tokens(question)) == nouns


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("반기문의 최초 외부 순방 당시 수단의 대통령 이름은 무엇인가?", "대통령"),  # 이름 only says a name is asked
        ("메이저 리그에서 300승 이상의 기록을 세운 투수는 몇 명인가?", "투수"),  # before the question word
        ("이회창이 언론사 세무조사 중단을 촉구하자 반대한 당은?", "당"),  # before the end
        ("금강산 관광지구법에 따라 어느 처벌까지 가능한가?", "처벌"),  # after 어느
        ("선창가 배에서 이삿짐을 나르던 중 쏟아져 나온 것은 무엇이었는가?", "이삿짐"),  # 것 is passed over
        ("그게 뭐야?", ""),
    ],
)
def test_the_noun_the_answer_is_one_of(analyzer: KoreanAnalyzer, question: str, focus: str) -> None:
    assert answer_focus(analyzer.tokens(question)) == focus


@pytest.mark.parametrize(
    ("question", "predicate"),
    [
        ("마리아의 선물로 인형을 사기 위해 막스 크루즈는 어디에 갔는가?", "가다"),  # the last one, not 사다
        ("여성 실종자 6명에 대해 보도되자 급격히 줄은 것은?", "줄다"),  # not the scene's 보도
        ("국토교통부에서 추진하게 된 도입 방법은?", "추진"),  # a noun made a verb
        ("후지와라 백작은 누구를 유혹하여 돈을 가로채려고 하였는가?", "가로채다"),  # 하다 says nothing
        ("한국의 AI 투자 규모는 어느 정도인가요?", ""),
        ("미국의 AI 동맹은 어떤 특징이 있나요?", ""),  # asks which, but 있다 says nothing a sentence answers with
    ],
)
def test_what_the_question_says_the_answer_did(analyzer: KoreanAnalyzer, question: str, predicate: str) -> None:
    assert answer_predicate(analyzer.tokens(question)) == predicate


@pytest.mark.parametrize(
    ("question", "outright"),
    [
        ("막스 크루즈는 어디에 갔는가?", True),
        ("이회창이 중단을 촉구하자 반대한 당은?", True),
        ("다른 사람이 셀 수정 못하게 잠그고 싶어요", False),  # 사람 names no answer here
        ("우리 회사 지점 이름 목록 등록해서 드래그로 채우기", False),
    ],
)
def test_a_question_that_asks_outright(question: str, outright: bool) -> None:
    assert asks_outright(question) is outright


@pytest.mark.parametrize(
    ("question", "relations"),
    [
        ("센테니얼 라이트를 고안한 사람은 누구인가?", ["고안"]),  # a noun made a verb
        ("오스카의 알이 부화할때까지 걸리는 시간은?", ["부화", "걸리다"]),
        ("PDF로 저장하려면?", ["저장"]),
        ("한국엔 어떤 AI 동맹들이 있어?", []),  # 있다 tells no sentence apart
        ("유럽의 AI 전략은?", []),
    ],
)
def test_what_the_question_says_happened(analyzer: KoreanAnalyzer, question: str, relations: list[str]) -> None:
    assert relation_terms(analyzer.tokens(question)) == relations


def test_a_question_read_twice_is_analysed_once(analyzer: KoreanAnalyzer) -> None:
    question = "미국은 AI 규제가 어떤 편인가요? (한 번만 분석)"
    calls = []
    real = analyzer._tokenize

    def counting(text: str) -> object:
        calls.append(text)
        return real(text)

    analyzer._tokenize = counting  # type: ignore[method-assign]
    try:
        first = analyzer.tokens(question)
        again = analyzer.tokens(question)
        shifted = analyzer.tokens(question, offset=5)
    finally:
        del analyzer._tokenize
    assert first == again and calls == [question, question]  # the shifted read is not remembered
    assert [t.start for t in shifted] == [t.start + 5 for t in first]
    first.pop()  # a caller's list is its own
    assert analyzer.tokens(question) == again


@pytest.mark.parametrize(
    ("question", "one"),
    [
        ("AI 투자 격차 진단에서 첫째 요소는 뭐야?", True),
        ("두 번째 전략은?", True),
        ("2번째 방법을 알려줘", True),
        ("마지막 단계는 무엇인가요?", True),
        ("마지막으로 중요한 것은?", False),
        ("AI 투자 격차 진단에서 고려할 요소는?", False),
        ("한국 기업의 전략은 어떤 것들이 있나요?", False),
    ],
)
def test_a_question_may_ask_for_one_point_of_a_list_by_its_ordinal(question: str, one: bool) -> None:
    assert asks_one_point(question) is one


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("노무현 정부가 반기문을 감시하기 위해 파견한 인물은?", True),
        ("라라랜드의 감독의 이름은?", True),
        ("누가 수시력을 만들었나?", True),
        ("2005년 전당대회는 몇 월에 열렸나?", True),
        ("미국의 AI 동맹은 어떤 특징이 있나요?", False),
        ("유럽은 글로벌 진출을 어떤 식으로 해?", False),
        ("김태희가 설경구와 함께 출연한 영화의 제목은?", True),
        ("유럽의 AI 전략은?", False),
        ("한국이 AI 투자에서 뒤처진 이유를 설명해줘", False),
    ],
)
def test_a_question_may_ask_for_a_name_rather_than_a_description(question: str, name: bool) -> None:
    assert asks_a_name(question) is name


@pytest.mark.parametrize(
    ("text", "ordinals"),
    [
        ("우니쉬 어휘 선정의 네 번째 원칙은 무엇일까요?", {4}),
        ("승리의 두번째 일본 팬미팅이 열린 도시는?", {2}),  # no space before 번째
        ("지루가 시즌 12번째 골을 넣을 때의 상대팀은?", {12}),
        ("쇼와 천황의 첫째 아들은?", {1}),
        ("첫째, 자본이 크다. 둘째로 인재가 많다.", {1, 2}),
        ("국세 번째", set()),  # 세 ends another word here
        ("마지막 단계는?", set()),
    ],
)
def test_the_ordinals_a_text_names(text: str, ordinals: set[int]) -> None:
    assert ordinals_in(text) == ordinals


@pytest.mark.parametrize(
    ("question", "negated"),
    [
        ("오늘 날짜 넣었는데 다음에 열어도 안 바뀌게 하려면?", True),
        ("양면 인쇄할 때 빈 페이지가 나오지 않게 하고 싶어요", True),
        ("다른 사람이 셀 수정 못하게 잠그고 싶어요", True),
        ("수식 입력줄이 없어졌어요", True),
        ("문서 안 표에서도 합계를 낼 수 있나요?", False),  # 안 is "inside" here
        ("날짜 필드를 넣는 방법은?", False),
        # a negation in a condition says when, not what is asked
        ("입사 1년 안 됐으면 연차 어떻게 생겨요?", False),
        ("계정이 없으면 어떻게 해요?", False),
        ("로그인이 안 돼요", True),
    ],
)
def test_a_question_asking_for_something_not_to_happen(analyzer: KoreanAnalyzer, question: str, negated: bool) -> None:
    assert asks_negated(analyzer.tokens(question)) is negated


@pytest.mark.parametrize(
    ("question", "which"),
    [
        ("유럽의 AI 전략은 어떤 가치를 중시하나요?", True),
        ("이 함수는 무슨 역할을 하나요?", True),
        ("니치 마케팅 전략은 어떤 산업에 적용할 수 있어?", True),
        ("데이터와 인프라는 어떻게 확충해야 하나요?", False),  # how, not which
        ("유럽의 AI 전략은 무엇인가?", False),
        ("미국의 AI 동맹은 어떤 특징이 있나요?", True),
    ],
)
def test_a_question_asking_which_of_something(question: str, which: bool) -> None:
    assert asks_which(question) is which


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("대기 상태로 두면 전력을 아낍니다.", True),
        ("대기 상태로 두면 전력을 아낍니다", True),  # a final ending without a full stop
        ("그는 '끝났다.'", True),
        ('그는 "정말 끝났습니다."”’)))))))))', True),  # closing marks past the few last characters read
        ("전원 설정 ▸ 절전", False),
        ('표 머리글 ")))))))))', False),  # closing marks after no final mark
        ("문장입니다.\n", True),
        ("문장입니다.\n\n", False),  # $ is the end, or just before one last newline
        ("비용 부담이 도입의 주요 걸림돌로 지적됨", True),  # a report's short line (개조식) ends as a statement
        ("협약 체결 및 사업 수행", False),
    ],
)
def test_a_sentence_ends_as_a_whole_one(text: str, whole: bool) -> None:
    assert ends_sentence(text) is whole
    assert ends_sentence(text) is bool(SENTENCE_END.search(text))


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("한 회사당 얼마까지 받을 수 있어요?", ["회사", "받다"]),
        ("자부담 몇 퍼센트예요?", ["자부담", "퍼센트"]),
        ("연차는 며칠이야?", ["연차"]),
    ],
)
def test_words_asking_an_amount_are_no_topic(analyzer: KoreanAnalyzer, question: str, topic: list[str]) -> None:
    """얼마, 몇 and 며칠 ask; no document writes them where it answers, so they are no topic term."""
    assert topic_terms(analyzer.terms(question)) == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("프로랑 팀 뭐가 달라?", ["프로", "팀"]),  # a price table writes no 다르다: it was half the topic
        ("스탠다드랑 프로 차이가 뭐야?", ["스탠다드", "프로"]),
    ],
)
def test_words_asking_a_difference_are_no_topic(analyzer: KoreanAnalyzer, question: str, topic: list[str]) -> None:
    assert topic_terms(analyzer.terms(question)) == topic


def test_a_difference_or_an_error_that_happens_carries_no_topic_verb(analyzer: KoreanAnalyzer) -> None:
    """나다 of "차이가 나?" and "에러 나요" says only that its subject happens: the follow-up "왜 그렇게
    차이가 나?" was searched "… 투자 규모 나기"."""
    assert "나다" not in read_cues(analyzer.tokens("왜 그렇게 격차가 나?")).terms
    assert "나다" not in read_cues(analyzer.tokens("부팅할 때 에러 나요")).terms
    assert "생기다" not in read_cues(analyzer.tokens("AI 투자 격차가 왜 생겼어?")).terms
    assert "나가다" in read_cues(analyzer.tokens("인재가 왜 해외로 나가?")).terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("비정규직은?", ["비정규직"]),  # not 정규직, its opposite
        ("미지급 임금은?", ["미지급", "임금"]),
        ("불이익이 있나요?", ["불이익", "있다"]),
        ("기업 자부담 비율은 (소상공인은 10%)", ["기업", "자", "부담", "비율", "소상공인", "10"]),
    ],
)
def test_a_prefix_stays_with_its_noun(analyzer: KoreanAnalyzer, text: str, terms: list[str]) -> None:
    """Kiwi reads 비정규직 as 비 (a prefix) + 정규직; searched and matched apart, the noun alone is
    what is looked for, often the opposite of what was asked."""
    assert analyzer.terms(text) == terms
    spans = [(t.start, t.end, t.form) for t in analyzer.tokens(text)]
    assert all(text[a:b] == form for a, b, form in spans if form in terms)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("반도체는 어떤 역할을 해?", ["반도체"]),
        ("삼성전자는 어떤 역할을 해?", ["삼성전자"]),
        ("snap 패키지는 어떻게 설치해?", ["snap", "패키지"]),
        ("강완구는 몇년도에 태어났는가?", []),  # read 강 + 완구: neither is a word of the question
        ("중소기업 중심의 AI 동맹 이름은?", []),  # an owner: B of A is asked
        ("노트북 팬이 계속 돌아", []),  # a subject, not a topic
        ("그건 뭐야?", []),  # a pronoun
        ("무엇은 뭐야?", []),  # a word that only asks
        ("AI 동맹에 참여한 기업들은 어디야?", []),  # the topic is not what the question opens with
    ],
)
def test_the_topic_a_question_opens_with(analyzer: KoreanAnalyzer, question: str, topic: list[str]) -> None:
    assert opening_topic(analyzer.tokens(question)) == topic


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("업그레이드 가능한 패키지 목록만 보기", "general"),
        ("설치된 패키지 목록 보는 명령어", "general"),
        ("목록을 저장하려면?", "method"),
        ("지원 대상 목록 알려줘", "list"),
        ("문서 목록 알려줘", "list"),
    ],
)
def test_a_list_asked_to_be_seen_or_made_is_a_task_not_a_list(question: str, form: str) -> None:
    """ "… 목록만 보기" asks how to see a list, not for the items the documents list."""
    assert question_form(question) == form


@pytest.mark.parametrize(
    ("question", "kept", "dropped"),
    [
        ("친구가 군대 다녀왔다고 불이익을 줬대, 이거 헌법에 걸리는 거 아냐?", {"헌법", "불이익"}, {"이거", "거"}),
        ("삼촌이 사고를 쳤는데 나까지 불이익 받는 건 아니지?", {"삼촌", "불이익"}, {"나"}),
        ("데비안 쓰려면 돈 내야 돼요?", {"돈", "내다"}, set()),  # the verb 내다 is no pronoun 내
        ("에러가 나요", {"에러", "나다"}, set()),  # nor 나다 the pronoun 나
    ],
)
def test_pronouns_and_geo_are_no_search_terms(
    analyzer: KoreanAnalyzer, question: str, kept: set[str], dropped: set[str]
) -> None:
    """What a question says only as the asker (나) or as what it points at (이거, 거) is no term:
    no document is about it, and no document writing it must not count against the question."""
    terms = set(analyzer.terms(question))
    assert kept <= terms and not dropped & terms


@pytest.mark.parametrize(
    ("question", "embedded"),
    [
        ("What is the niche marketing strategy the essay recommends?", "What is the niche marketing strategy?"),
        ("Which Korean AI alliances does the essay mention?", "Which Korean AI alliances?"),
        ("According to the text, why is speed important?", "why is speed important?"),
        ("What is Korea's AI one-team strategy?", "What is Korea's AI one-team strategy?"),
        ("the essay", "the essay"),  # nothing would be left
        ("이 글에서 추천하는 전략은?", "이 글에서 추천하는 전략은?"),  # Korean: its words are read, not cut
    ],
)
def test_an_english_question_is_embedded_without_its_words_about_the_documents(question: str, embedded: str) -> None:
    """ "… the essay recommends?" names no topic and took an English question about the essays below
    the abstention threshold; it is embedded without those words."""
    assert without_document_words(question) == embedded
