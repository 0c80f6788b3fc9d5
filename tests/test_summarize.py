"""Sentence selection, ordering and templates of the extractive summary."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from assistant.answer.comparison import select_comparison
from assistant.answer.points import (
    answer_under_question,
    around,
    enumeration,
    heading_label,
    in_procedure_order,
    items_of,
    other_items,
    procedure_after,
    subsections,
)
from assistant.answer.summarize import (
    BUDGET,
    DEFAULT_WEIGHTS,
    FEATURES,
    LEAD_COUNTS,
    VALUE_LEADS,
    Asked,
    Candidate,
    Picked,
    all_about,
    arrange,
    asked,
    closeness,
    eligible,
    features,
    find_word,
    labels_only,
    not_elaborating,
    presentable,
    read,
    says_what_it_does,
    score,
    select,
    select_about,
    still_about,
    tidy,
    with_antecedents,
    with_line_labels,
    with_table_headers,
)
from assistant.answer.tables import asked_bound, states_bound
from assistant.answer.templates import Line, around_the_lead, compose, label_sides
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer
from assistant.text.questions import comparison_sides
from assistant.text.sentences import (
    ELIGIBILITY_HEADINGS,
    OVERVIEW_HEADINGS,
    REASON_HEADINGS,
    SCHEDULE_HEADINGS,
    answering_headings,
    asked_counter,
    asks_limit,
    continuation,
    enumerated,
    expected_answer,
    has_answer_type,
    label_prefix,
    sentence_spans,
)

IDF = {"지하철": 3.0, "노선": 2.0, "버스": 2.0, "서울": 0.5}


def cand(citation: int, start: int, text: str, terms: set[str], position: int = 0, doc: str = "a.txt") -> Candidate:
    return Candidate(citation, start, start + len(text), text, position, frozenset(terms), doc)


def q(question: str, terms: list[str], form: str = "general", **kwargs: Any) -> Asked:
    return asked(question, terms, IDF, form, **kwargs)


def texts(picked: list[Picked]) -> list[str]:
    return [p.candidate.text for p in picked]


def test_a_long_lead_leaves_room_for_a_sentence_that_supports_it() -> None:
    """A lead of over 300 characters (a long sentence of an encyclopedia) counts as
    ``LEAD_COUNTS`` against the budget: the next sentence of its passage still fits."""
    long_lead = "서울 지하철 노선은 " + "여러 구간을 잇고 " * 30 + "아홉 개 노선이다."
    assert len(long_lead) > LEAD_COUNTS and len(long_lead) + 40 > BUDGET
    lead = cand(1, 0, long_lead, {"서울", "지하철", "노선", "아홉"})
    after = cand(1, len(long_lead) + 1, "지하철 노선은 매년 늘어난다.", {"지하철", "노선"}, 1)
    picked = select([lead, after], q("서울 지하철은 몇 개 노선인가?", ["서울", "지하철", "노선"]), 3)
    assert texts(picked) == [long_lead, after.text]


def test_select_leads_with_the_sentence_that_holds_the_question() -> None:
    intro = cand(1, 0, "서울은 교통이 편리한 도시이다.", {"서울", "교통", "편리", "도시"})
    subway = cand(1, 20, "서울의 지하철은 아홉 개 노선이다.", {"서울", "지하철", "노선", "아홉"}, 1)
    bus = cand(1, 45, "버스는 간선과 지선으로 나뉜다.", {"버스", "간선", "지선"}, 2)
    picked = select([intro, subway, bus], q("서울 지하철은 몇 개 노선인가?", ["서울", "지하철", "노선"]), 3)
    assert texts(picked)[0] == subway.text  # not the introduction, though it comes first
    assert bus.text not in texts(picked)  # far weaker than the lead


def test_asked_why_a_sentence_in_a_section_of_reasons_holds_its_headings_words() -> None:
    """ "왜 이 사업을 해?": a report's 추진 배경 never says 사업, its title does; asked why, its
    lines lead, before a line of another section that names the 사업; asked something else, not."""
    title = "2025년 ai 바우처 지원사업 추진계획"
    background = replace(
        cand(
            1, 0, "비용 부담과 전문 인력 부족이 도입의 주요 걸림돌로 지적됨", {"비용", "부담", "인력", "부족", "도입"}
        ),
        section=f"{title} > Ⅰ. 추진 배경",
    )
    schedule = replace(
        cand(1, 60, "협약 체결 및 사업 수행: 2025년 5월 ~ 11월", {"협약", "체결", "사업", "수행"}, 1),
        section=f"{title} > Ⅲ. 추진 일정",
    )
    why = select([schedule, background], q("왜 이 사업을 해?", ["사업"], "reason"), 2)
    assert texts(why)[0] == background.text
    when = select([schedule, background], q("이 사업은 언제 해?", ["사업"]), 2)
    assert texts(when)[0] == schedule.text


def test_a_line_under_a_heading_that_answers_leads_a_question_its_words_do_not_name() -> None:
    """A plan in short lines answers "언제까지야?" under "Ⅲ. 추진 일정", "누가 신청할 수 있어?" with its
    "지원 대상:" line and "… 뭐야?" under "Ⅱ. 사업 개요", in words the question does not say; the
    line on where to apply shares more of them and led each."""
    title = "2025년 ai 바우처 지원사업 추진계획"
    apply = replace(
        cand(1, 0, "사업 관리 시스템(www.aivoucher.kr)에서 온라인 신청", {"사업", "관리", "시스템", "온라인", "신청"}),
        section=f"{title} > Ⅳ. 신청 방법",
    )
    dates = replace(
        cand(2, 100, "공고 및 접수: 2025년 2월 3일 ~ 3월 14일", {"공고", "접수"}),
        section=f"{title} > Ⅲ. 추진 일정",
    )
    who = replace(
        cand(
            3,
            200,
            "지원 대상: AI 솔루션 도입을 희망하는 중소·중견기업 및 소상공인",
            {"지원", "대상", "ai", "솔루션", "기업"},
        ),
        section=f"{title} > Ⅱ. 사업 개요",
    )
    scale = replace(
        cand(3, 260, "지원 규모: 총 300억 원, 약 400개 기업", {"지원", "규모", "기업"}, 1),
        section=f"{title} > Ⅱ. 사업 개요",
    )
    pool = [apply, dates, who, scale]
    assert texts(select(pool, q("AI 바우처 신청 언제까지야?", ["ai", "바우처", "신청"]), 1)) == [dates.text]
    assert texts(select(pool, q("AI 바우처 누가 신청할 수 있어?", ["ai", "바우처", "신청"]), 1)) == [who.text]
    assert texts(select(pool, q("AI 바우처 사업이 뭐야?", ["ai", "바우처", "사업"], "definition"), 1))[0] in (
        who.text,
        scale.text,
    )
    # asked where to apply, the line on where to apply still leads
    assert texts(select(pool, q("AI 바우처 어디서 신청해?", ["ai", "바우처", "신청"]), 1)) == [apply.text]


def test_a_sentence_giving_a_specific_value_asked_for_leads_when_it_scores_nearly_as_well() -> None:
    """Asked "몇 명", the sentence that counts them leads over one that shares a word more but gives
    no count; asked "어느 정도" (any number), a "0" in a sentence is no answer: the best one stays."""
    idf = {"한국": 1.0, "투자": 1.0, "규모": 1.0, "선수": 1.0, "대표팀": 1.0}
    words = cand(1, 0, "한국 대표팀 선수 구성은 감독이 정한다.", {"한국", "대표팀", "선수", "구성", "감독"})
    count = cand(1, 30, "대표팀 선수는 모두 24명이다.", {"대표팀", "선수", "24", "명"}, 1)
    many = asked("한국 대표팀 선수는 몇 명인가?", ["한국", "대표팀", "선수"], idf, "general")
    assert score(words, many) > score(count, many) >= VALUE_LEADS * score(words, many)
    assert texts(select([words, count], many, 1)) == [count.text]
    small = cand(1, 0, "한국의 투자 규모는 상징적인 수준에 그친다.", {"한국", "투자", "규모", "상징", "수준"})
    zero = cand(1, 40, "빅테크의 투자 규모는 0이 한두 개 더 붙는다.", {"빅테크", "투자", "규모", "0"}, 1)
    how = asked("한국의 AI 투자 규모는 어느 정도인가요?", ["한국", "투자", "규모"], idf, "general")
    assert score(small, how) > score(zero, how) >= VALUE_LEADS * score(small, how)
    assert texts(select([small, zero], how, 1)) == [small.text]


def test_a_sentence_leads_over_a_table_row_when_it_scores_nearly_as_well_and_no_value_is_asked() -> None:
    """ "마이너스 숫자 빨간색으로": a row of the table of formats shares the most words, the sentence on
    showing negative numbers in red answers; asked a value, the row the table gives stays first."""
    idf = {"마이너스": 1.0, "숫자": 1.0, "빨간색": 1.0, "표시": 1.0, "서식": 1.0}
    row = cand(1, 0, "마이너스 숫자 | 빨간색 서식 | -5", {"마이너스", "숫자", "빨간색", "서식"})
    line = cand(
        1, 40, "음수를 빨간색으로 표시하는 숫자 서식을 쓸 수 있습니다.", {"음수", "빨간색", "표시", "숫자", "서식"}, 1
    )
    how = asked("마이너스 숫자 빨간색으로 표시되게", ["마이너스", "숫자", "빨간색", "표시"], idf, "general")
    assert score(row, how) > score(line, how) >= VALUE_LEADS * score(row, how)
    assert texts(select([row, line], how, 1)) == [line.text]
    fee = cand(1, 0, "등본 | 발급 수수료 | 1,000원", {"등본", "발급", "수수료", "1,000", "원"})
    said = cand(1, 40, "등본은 무인발급기에서 발급할 수 있습니다.", {"등본", "무인", "발급기", "발급"}, 1)
    cost = asked(
        "등본 발급 수수료 얼마야?", ["등본", "발급", "수수료"], {"등본": 1.0, "발급": 1.0, "수수료": 1.0}, "general"
    )
    assert texts(select([fee, said], cost, 1)) == [fee.text]


def test_asked_where_to_do_something_the_step_that_says_where_leads_when_it_scores_nearly_as_well() -> None:
    """ "화면 밝기 어디서 조절해요": the step that names the menu to use leads over a sentence that shares
    the question's words but says where nothing is; asked what, the best sentence stays."""
    idf = {"화면": 1.0, "밝기": 1.0, "조절": 1.0}
    about = cand(
        1,
        0,
        "하드웨어에 따라 절전을 목적으로 화면 밝기를 조절하거나 더 밝게 조절할 수 있습니다.",
        {"하드웨어", "절전", "목적", "화면", "밝기", "조절", "밝다"},
    )
    step = cand(
        1,
        60,
        "밝기를 조절하려면 상단 표시줄의 시스템 메뉴를 누르고 슬라이더를 움직입니다.",
        {"밝기", "조절", "상단", "표시줄", "시스템", "메뉴", "누르다", "슬라이더", "움직이다"},
        1,
    )
    where = asked("화면 밝기 어디서 조절해요", ["화면", "밝기", "조절"], idf, "general")
    assert where.where_to
    assert score(about, where) > score(step, where) >= VALUE_LEADS * score(about, where)
    assert texts(select([about, step], where, 1)) == [step.text]
    what = asked("화면 밝기 조절이 뭐야?", ["화면", "밝기", "조절"], idf, "definition")
    assert not what.where_to and texts(select([about, step], what, 1)) == [about.text]
    assert not asked("본사는 어디야?", ["본사"], {"본사": 1.0}, "general").where_to  # a place, not where to do it


def test_asked_for_a_key_a_sentence_naming_one_leads_when_it_scores_nearly_as_well() -> None:
    """ "파일 속성 단축키": the sentence naming the keys (Alt+Enter) leads over one about the properties
    window; a lead that names one (F2키, written without a space) stays."""
    idf = {"파일": 1.0, "속성": 1.0, "단축키": 1.0}
    window = cand(
        1, 0, "파일 속성 창에서는 파일 형식과 파일 크기를 보여줍니다.", {"파일", "속성", "창", "형식", "크기"}
    )
    keys = cand(1, 40, "파일을 선택한 후 Alt+Enter키를 눌러 볼 수 있습니다.", {"파일", "선택", "alt", "enter", "키"}, 1)
    key = asked("파일 속성 단축키", ["파일", "속성", "단축키"], idf, "general")
    assert key.key and not asked("파일 속성 보는 법", ["파일", "속성"], idf, "general").key
    assert score(window, key) > score(keys, key) >= VALUE_LEADS * score(window, key)
    assert texts(select([window, keys], key, 1)) == [keys.text]
    f2 = cand(1, 0, "파일 속성을 바꾸려면 파일을 선택한 후 F2키를 누릅니다.", {"파일", "속성", "선택", "f2", "키"})
    assert score(f2, key) > score(keys, key)
    assert texts(select([f2, keys], key, 1)) == [f2.text]


def test_asked_for_something_to_be_done_the_switch_that_does_it_leads_when_it_scores_nearly_as_well() -> None:
    """ "부팅하면 바로 로그인되게": the step that turns on 자동 로그인 leads over the sentence that shares
    more of the question's words; asked what it is, the best sentence stays."""
    idf = {"부팅": 1.0, "로그인": 1.0, "자동": 1.0}
    about = cand(1, 0, "다음에 컴퓨터를 켜면 로그인을 자동으로 해줍니다.", {"다음", "컴퓨터", "켜다", "로그인", "자동"})
    switch = cand(1, 40, "5. 자동 로그인 스위치를 켭니다.", {"자동", "로그인", "스위치", "켜다"}, 1)
    want = asked("부팅하면 바로 로그인되게", ["부팅", "로그인"], idf, "general")
    assert want.to_be_done
    assert score(about, want) > score(switch, want) >= VALUE_LEADS * score(about, want)
    assert texts(select([about, switch], want, 1)) == [switch.text]
    what = asked("자동 로그인이 뭐야?", ["자동", "로그인"], idf, "definition")
    assert not what.to_be_done and texts(select([about, switch], what, 1)) == [about.text]


def test_a_sentence_stating_the_bound_asked_leads_when_it_scores_nearly_as_well() -> None:
    """ "입사 1년 안 됐으면 연차 며칠?": the sentence on 1년 미만 leads over one that shares more of the
    question's words but is on those past it; without a bound to state, the best one stays."""
    idf = {"입사": 1.0, "1": 1.0, "년": 1.0, "연차": 1.0, "근로": 1.0}
    more = cand(
        1,
        0,
        "3년 이상 근로한 직원에게는 최초 1년을 초과하는 근로 연수 매 2년에 연차 1일을 가산한다.",
        {"3", "년", "이상", "근로", "직원", "1", "초과", "연수", "2", "연차", "가산"},
    )
    under = cand(
        1,
        80,
        "근로기간이 1년 미만인 직원에게는 1개월 개근 시 1일의 연차를 준다.",
        {"근로", "기간", "1", "년", "미만", "직원", "개월", "개근", "연차"},
        1,
    )
    question = "입사 1년 안 됐으면 연차 며칠?"
    bound = asked_bound(question)
    assert bound is not None
    plain = asked(question, ["입사", "1", "년", "연차"], idf, "general")
    assert score(more, plain) > score(under, plain) >= VALUE_LEADS * score(more, plain)
    assert texts(select([more, under], plain, 1)) == [more.text]
    bounded = replace(plain, states_bound=lambda text: states_bound(text, bound))
    assert texts(select([more, under], bounded, 1)) == [under.text]


def test_what_a_question_asks_names_the_headings_that_answer_it() -> None:
    assert answering_headings("왜 이 사업을 해?", "reason") is REASON_HEADINGS
    assert answering_headings("AI 바우처 사업이 뭐야?", "definition") is OVERVIEW_HEADINGS
    assert answering_headings("언제까지야?", "general") is SCHEDULE_HEADINGS
    assert answering_headings("접수 마감일이 언제예요?", "general") is SCHEDULE_HEADINGS
    assert answering_headings("누가 신청할 수 있어?", "general") is ELIGIBILITY_HEADINGS
    assert answering_headings("얼마나 받을 수 있어?", "general") is None  # the sums answer, not "지원 규모"
    assert answering_headings("어디서 신청해?", "general") is None
    assert answering_headings("신청은 어떻게 해?", "method") is None
    # naming what the heading says, whatever the form: "신청 자격이 뭐야?" wants "지원 대상: …", not the overview
    assert answering_headings("AI 바우처 신청 자격이 뭐야?", "definition") is ELIGIBILITY_HEADINGS
    assert answering_headings("지원 대상은?", "general") is ELIGIBILITY_HEADINGS
    assert answering_headings("AI 바우처 일정 알려줘", "general") is SCHEDULE_HEADINGS
    assert answering_headings("자격 요건이 왜 필요해?", "reason") is REASON_HEADINGS


def test_a_question_asking_no_value_asks_the_one_the_question_it_goes_on_from_asked() -> None:
    small = cand(1, 0, "소상공인은 최대 5천만 원을 지원한다.", {"소상공인", "지원"})
    who = cand(1, 30, "지원 대상은 중소기업과 소상공인이다.", {"지원", "대상", "중소기업", "소상공인"})
    alone = q("그럼 소상공인은?", ["소상공인", "지원"])
    carried = q("그럼 소상공인은?", ["소상공인", "지원"], like="얼마까지 지원받아?")
    assert (alone.wants, carried.wants) == (None, "money")
    assert texts(select([who, small], carried, 1)) == [small.text]
    own = q("소상공인은 언제까지 신청해?", ["소상공인", "신청"], like="얼마까지 지원받아?")
    assert own.wants == "time"  # its own kind first


def test_a_sentence_about_the_document_is_shown_only_when_the_document_is_asked_about() -> None:
    intro = cand(
        1, 0, "이 문서는 신규 개발자가 개발 환경을 준비하는 방법을 설명합니다.", {"문서", "개발", "환경", "준비"}
    )
    step = cand(2, 0, "1. GitHub에 SSH 키를 등록합니다.", {"github", "ssh", "키", "등록"})
    ui = cand(3, 0, "이 문서는 아무 사용자도 잠가두지 않았습니다.", {"문서", "사용자", "잠그다"})
    how = q("개발 환경 설정 어떻게 해?", ["개발", "환경", "설정"], "method")
    assert eligible([intro, step, ui], how) == [step]
    what = q("이 문서는 뭘 설명해?", ["문서", "설명"])
    assert eligible([intro, step, ui], what) == [intro, step, ui]


def test_a_paragraph_of_an_article_holds_the_articles_title() -> None:
    """ "연차는 며칠이야?": 제20조(연차유급휴가)'s first paragraph gives the days without saying 연차
    (its title does); it leads, before the paragraph that names 연차휴가 with a date."""
    article = "제3장 휴가 > 제20조(연차유급휴가)"
    days = replace(
        cand(
            1,
            0,
            "회사는 1년간 80퍼센트 이상 출근한 직원에게 15일의 유급휴가를 준다.",
            {"회사", "출근", "직원", "유급", "휴가"},
        ),
        section=article,
    )
    carried = replace(
        cand(
            1,
            60,
            "사용하지 않은 연차휴가는 다음 해 3월 31일까지 이월하여 사용할 수 있다.",
            {"사용", "연차", "휴가", "이월"},
            1,
        ),
        section=article,
    )
    asked_days = q("연차는 며칠이야?", ["연차"])
    assert texts(select([carried, days], asked_days, 2))[0] == days.text
    # outside an article, its section's words are not the sentence's
    loose = [replace(c, section="제3장 휴가 > 연차유급휴가") for c in (carried, days)]
    assert texts(select(loose, asked_days, 2))[0] == carried.text


def test_a_summary_of_short_sentences_holds_four_by_default() -> None:
    """Four short sentences, each on the question and none repeating another, fit the budget."""
    words = [("아홉", "개"), ("환승", "역"), ("첫차", "새벽"), ("요금", "천원")]
    cands = [
        cand(1, 30 * i, f"서울 지하철 노선은 {a} {b}이다.", {"서울", "지하철", "노선", a, b}, i)
        for i, (a, b) in enumerate(words)
    ]
    n = Settings.model_fields["summary_sentences"].default
    picked = select(cands, q("서울 지하철 노선은?", ["서울", "지하철", "노선"]), n)
    assert n == 4 and len(picked) == 4


@pytest.mark.parametrize("weight", [0.0, 0.5])
def test_a_sentence_in_the_documents_formal_words_answers_an_everyday_question(weight: float) -> None:
    """ "각주 넣는 법": the sentence that writes 삽입 for 넣다 holds that term at ``weight``."""
    renumber = cand(1, 0, "각주의 번호를 바꿉니다.", {"각주", "번호", "바꾸다"})
    insert = cand(1, 20, "각주를 삽입합니다.", {"각주", "삽입"})
    question = asked("각주 넣는 법", ["각주", "넣다"], {"각주": 1.0, "넣다": 1.0}, "general", alternative_weight=weight)
    assert question.alternatives == ({"넣다": frozenset({"삽입", "입력", "추가"})} if weight else {})
    overlap = FEATURES.index("overlap")
    assert features(renumber, question)[overlap] == 0.5  # 각주 alone
    assert features(insert, question)[overlap] == 0.5 + weight / 2
    if weight:
        assert select([renumber, insert], question, 1)[0].candidate == insert


@pytest.mark.parametrize("weight", [0.0, 0.5])
def test_another_passage_in_the_formal_words_is_about_the_question_too(weight: float) -> None:
    """A supporting sentence from another passage must hold 0.6 of the lead's share of the topic:
    삽입 for 넣다 counts there as in the lead's own score (at ``weight``)."""
    lead = cand(1, 0, "각주를 넣습니다.", {"각주", "넣다"})
    formal = cand(2, 0, "각주를 삽입합니다.", {"각주", "삽입"})
    other = cand(2, 20, "각주의 번호를 바꿉니다.", {"각주", "번호", "바꾸다"}, 1)
    question = asked("각주 넣는 법", ["각주", "넣다"], {"각주": 1.0, "넣다": 1.0}, "general", alternative_weight=weight)
    picked = texts(select([lead, formal, other], question, 3, replace(DEFAULT_WEIGHTS, floor=0.0)))
    assert picked == ([lead.text, formal.text] if weight else [lead.text])  # 0.75 or 0.5 of the lead's 1.0


def test_the_sentence_that_says_what_the_question_asks_happened_leads() -> None:
    """Both sentences name the light equally; only one says who 고안 it."""
    made = cand(1, 0, "라이트는 셸비에서 만든 백열등이다.", {"라이트", "셸비", "백열등"})
    maker = cand(1, 30, "라이트의 고안자는 샬렛이었다.", {"라이트", "고안", "샬렛"}, 1)
    question = "라이트를 고안한 사람은 누구인가?"
    plain, told = q(question, ["라이트"]), q(question, ["라이트"], relations=("고안",))
    assert texts(select([made, maker], plain, 1)) == [made.text]  # the first of two equals
    assert texts(select([made, maker], told, 1)) == [maker.text]
    assert score(maker, told) - score(maker, plain) == pytest.approx(DEFAULT_WEIGHTS.relation)
    assert score(made, told) == score(made, plain)


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("구분 한국 사례 해외 사례 (미국/유럽)", True),  # a table's header row
        ("유럽은 윤리적 AI로 차별화된 진출 전략", False),  # a cell that says something of 유럽
        ("SK텔레콤 주도의 'K-AI 얼라이언스'", False),  # a named item
        ("2024년 매출 3조 원", False),  # a figure
        ("Tools AutoCorrect Options", False),  # no Korean to judge by
    ],
)
def test_a_line_of_bare_labels_is_no_sentence(text: str, bare: bool) -> None:
    assert labels_only(text) is bare
    assert (presentable(cand(1, 0, text, set())) is None) is bare


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("14.1. 데비안 CD를 만들고 팔 수 있나요?", True),  # a FAQ's own question
        ("왜 지금 AI 동맹이 필요할까요？", True),
        ("‘무엇이 달라졌나?’", True),
        ("데비안 CD는 누구나 만들어 팔 수 있습니다.", False),
        ("질문(그리고 답!)을 드립니다.", False),
    ],
)
def test_a_question_is_not_shown_as_an_answer(text: str, question: bool) -> None:
    assert (presentable(cand(1, 0, text, set())) is None) is question


@pytest.mark.parametrize(
    ("text", "wordless"),
    [
        ("2010.    11.    15.", True),  # the date stamp under a bill's reasons
        ("- 7 -  - 8 -", True),  # page numbers
        ("2010. 11. 15. 국무회의에서 의결되었다.", False),
        ("3.14159 ≈ π (pi)", False),  # a word in Latin letters
    ],
)
def test_a_line_of_numbers_and_marks_alone_is_no_sentence(text: str, wordless: bool) -> None:
    assert (presentable(cand(1, 0, text, set())) is None) is wordless


def test_select_skips_near_duplicates_and_prefers_whole_sentences() -> None:
    a = cand(1, 0, "지하철 노선은 아홉 개이다.", {"지하철", "노선", "아홉"})
    b = cand(2, 0, "지하철 노선은 모두 아홉 개이다.", {"지하철", "노선", "아홉", "모두"})
    fragment = cand(1, 40, "지하철 노선 현황 | 아홉 | 2024", {"지하철", "노선", "현황"}, 1)
    picked = select([fragment, a, b], q("지하철 노선은?", ["지하철", "노선"]), 3)
    assert texts(picked)[0] == a.text and b.text not in texts(picked)


def test_a_sentence_that_points_back_comes_after_the_one_it_continues() -> None:
    before = cand(1, 0, "정부는 데이터 공유를 늘려야 합니다.", {"정부", "데이터", "공유"}, 0)
    after = cand(1, 21, "이는 지하철 노선 데이터를 공개하는 일입니다.", {"지하철", "노선", "데이터", "공개"}, 1)
    picked = select([before, after], q("지하철 노선 데이터는?", ["지하철", "노선", "데이터"]), 3)
    assert texts(arrange(picked, "general")) == [before.text, after.text]


def test_a_sentence_going_on_from_one_shown_comes_right_after_it() -> None:
    """In an order by score, "특히 규제 완화와 …" came after a sentence of another passage, two lines
    below the lead it goes on from, its 특히 dropped. A method's lines stay in the document's order
    (a follow-up's "세 번째 내용" counts them as shown)."""
    earlier = cand(2, 0, "한국의 AI 동맹에는 정부의 정책적 지원이 필수적입니다.", {"한국", "동맹", "정부", "지원"}, 0)
    lead = cand(1, 100, "정부는 장기적인 정책 방향을 마련해야 합니다.", {"정부", "정책", "방향", "마련"}, 0)
    then = cand(1, 125, "특히 규제 완화가 필요합니다.", {"규제", "완화", "필요"}, 1)
    picked = [Picked(c, 1.0) for c in (lead, earlier, then)]
    assert texts(tidy(arrange(picked, "general"))) == [lead.text, then.text, earlier.text]
    assert texts(tidy(arrange(picked, "method"))) == [lead.text, earlier.text, "규제 완화가 필요합니다."]


def test_steps_after_the_lead_come_in_their_order() -> None:
    """The answer to "자주 쓰는 앱을 … 고정하고 싶어요" leads with step 3, the one that answers; steps 2
    and 1 of the same passage, chosen in that order, follow as 1 then 2 after what else was chosen
    (under "앞 단계:"; only other passages' steps after them). Steps that go on from the lead come right after
    it, before a sentence of another passage that scored between them: the procedure reads together.
    Steps of another passage keep their place, as do steps after a lead that is no step."""
    one = cand(1, 0, "1. 현재 활동 개요를 엽니다.", {"개요"}, 0)
    two = cand(1, 20, "2. 대시의 격자 단추를 누릅니다.", {"대시"}, 1)
    three = cand(1, 40, "3. 즐겨 찾기에 추가를 선택합니다.", {"즐겨찾기"}, 2)
    other = cand(2, 0, "고정 IP를 할당할 수 있습니다.", {"고정"}, 0, "b.txt")
    elsewhere = cand(3, 0, "1. 설정을 엽니다.", {"설정"}, 0, "c.txt")
    picked = [Picked(c, 1.0) for c in (three, other, two, elsewhere, one)]
    assert texts(arrange(picked, "general")) == [three.text, other.text, one.text, two.text, elsewhere.text]
    first = [Picked(c, 1.0) for c in (one, other, three, two)]  # the lead is the first step
    assert texts(arrange(first, "general")) == [one.text, two.text, three.text, other.text]
    unnumbered = [Picked(c, 1.0) for c in (other, two, elsewhere, one)]
    assert texts(arrange(unnumbered, "general")) == [other.text, one.text, two.text, elsewhere.text]


def test_a_sentence_that_leans_on_the_one_before_joins_it() -> None:
    text = "정부는 데이터 공유를 늘려야 합니다. 이를 위해 지하철 노선 데이터를 공개해야 합니다. 버스는 많다."
    spans = [(0, 20), (21, 48), (49, 56)]
    sentences = [cand(1, a, text[a:b], set(), i) for i, (a, b) in enumerate(spans)]
    joined = with_antecedents(sentences, text, 0)
    assert [c.text for c in joined] == [text[0:48], "버스는 많다."]
    assert joined[0].start == 0 and joined[0].end == 48


def _joined_texts(*parts: str) -> list[str]:
    text, spans, at = " ".join(parts), [], 0
    for part in parts:
        spans.append((at, at + len(part)))
        at += len(part) + 1
    return [
        c.text for c in with_antecedents([cand(1, a, text[a:b], set(), i) for i, (a, b) in enumerate(spans)], text, 0)
    ]


def test_a_sentence_that_only_sets_up_a_situation_joins_the_one_that_resolves_it() -> None:
    setup = "블루투스 동글을 컴퓨터에서 인식하지 않을 수도 있습니다."
    cause = "어댑터용 드라이버를 설치하지 않았기 때문입니다."
    assert _joined_texts(setup, cause) == [f"{setup} {cause}"]
    able = "키보드로만 창을 옮길 수 있습니다."
    assert _joined_texts(able, "Alt+F7 키를 눌러 창을 옮깁니다.") == [f"{able} Alt+F7 키를 눌러 창을 옮깁니다."]
    # a sentence that says something of its own, a step and an example stay apart
    said = "블루투스 동글을 컴퓨터에서 인식합니다."
    assert _joined_texts(said, cause) == [said, cause]
    assert _joined_texts(able, "2. 창을 누릅니다.") == [able, "2. 창을 누릅니다."]
    assert _joined_texts(able, "예를 들면, 창을 끌어 옮깁니다.") == [able, "예를 들면, 창을 끌어 옮깁니다."]
    # a group stays within LONGEST_GROUP characters
    assert _joined_texts(setup, able, "가" * 380 + "입니다.") == [f"{setup} {able}", "가" * 380 + "입니다."]


def test_a_sentence_that_points_back_at_nothing_shown_is_left_out() -> None:
    orphan = cand(2, 100, "이를 통해 지하철 노선이 늘었다.", {"지하철", "노선"})
    plain = cand(1, 0, "서울 지하철은 노선이 많다.", {"서울", "지하철", "노선"})
    assert texts(select([orphan, plain], q("지하철 노선", ["지하철", "노선"]), 3)) == [plain.text]


def test_tidy_shows_a_sentence_once() -> None:
    """The same sentence twice in a summary (a FAQ that repeats an answer in two places, or one span
    reached by two ways) reads as a fault: only its first showing stays."""
    first = cand(1, 0, "회원 자격이나 지불은 없습니다.", {"회원", "지불"})
    again = cand(2, 500, "회원 자격이나  지불은 없습니다.", {"회원", "지불"}, doc="b.txt")
    inside = cand(3, 5, "자격이나 지불은 없습니다.", {"지불"})
    other = cand(1, 40, "패키지는 자유롭게 재배포할 수 있습니다.", {"패키지", "재배포"}, 1)
    shown = texts(tidy([Picked(first, 3.0), Picked(again, 2.0), Picked(inside, 1.5), Picked(other, 1.0)]))
    assert shown == [first.text, other.text]


def test_tidy_drops_a_connective_that_links_to_nothing_shown() -> None:
    c = cand(1, 10, "하지만 유럽은 규제를 중시한다.", {"유럽", "규제"})
    (shown,) = tidy([Picked(c, 1.0)])
    assert shown.candidate.text == "유럽은 규제를 중시한다."
    assert (shown.candidate.start, shown.candidate.end) == (14, c.end)  # the span still matches the text


def test_a_concluding_connective_is_dropped_when_nothing_it_concludes_is_shown() -> None:
    c = cand(1, 10, "결론적으로, 한국은 다양한 전략적 접근이 필요합니다.", {"한국", "전략"})
    (shown,) = tidy([Picked(c, 1.0)])
    assert shown.candidate.text == "한국은 다양한 전략적 접근이 필요합니다."


def test_a_label_heading_a_sentence_is_dropped() -> None:
    c = cand(1, 0, "자본과 데이터 인프라 차이: 미국은 자본이 많다.", {"미국", "자본"})
    (picked,) = select([c], q("미국 자본", ["미국", "자본"]), 3)
    assert picked.candidate.text == "미국은 자본이 많다."
    assert picked.candidate.start == c.start + label_prefix(c.text)
    assert picked.candidate.label == "자본과 데이터 인프라 차이"  # kept apart, for a comparison's line


def test_a_label_before_a_value_is_kept() -> None:
    """ "평가 및 선정: 2025년 4월 중" says what happens in April; "2025년 4월 중" alone says nothing."""
    c = cand(1, 0, "평가 및 선정: 2025년 4월 중 (서면평가 → 발표평가)", {"평가", "선정", "서면", "발표"})
    (picked,) = select([c], q("평가 방법", ["평가"]), 3)
    assert picked.candidate.text == c.text and picked.candidate.label == ""


@pytest.mark.parametrize(
    "text",
    [
        "유아인은 첫 번째 에피소드 ‘프래즐(Fragile : Handle with care)’의 총괄 기획을 맡았다.",
        '그는 "답: 예"라고 말했다.',
        "그 작품 《제목: 부제》는 2003년에 나왔다.",
    ],
)
def test_a_colon_inside_a_bracket_or_a_quotation_heads_nothing(text: str) -> None:
    c = cand(1, 0, text, {"작품", "기획", "답"})
    assert label_prefix(text) == 0
    (picked,) = select([c], q("작품 기획 답", ["작품", "기획", "답"]), 3)
    assert picked.candidate.text == text


def test_a_subject_keeps_only_sentences_about_it() -> None:
    us = cand(1, 0, "미국은 민간이 주도한다.", {"미국", "민간", "주도"})
    korea = cand(1, 20, "한국은 미국에 비해 자본이 부족하다.", {"한국", "미국", "자본", "부족"})
    in_section = Candidate(2, 0, 20, "이들은 플랫폼을 제공한다.", 0, frozenset({"플랫폼"}), "a.txt", 1.0, "해외 > 미국")
    question = q("미국 전략", ["미국", "전략"], subject=("미국",), instead=("한국",))
    assert set(texts(select([us, korea, in_section], question, 3))) <= {us.text, in_section.text}
    assert select([korea], question, 3) == []
    # named first, the subject is what the sentence is about, though it names the other later
    ahead = cand(1, 50, "미국과 중국은 한국보다 자본이 많다.", {"미국", "중국", "한국", "자본"})
    assert texts(select([ahead, korea], question, 3)) == [ahead.text]
    # named as what something is not ("대법관이 아닌 법관"), the subject is not what the sentence is about
    justices = q("대법관 임명", ["대법관", "임명"], subject=("대법관",), instead=("대법원장",))
    others = cand(1, 0, "대법원장과 대법관이 아닌 법관은 대법원장이 임명한다.", {"대법원장", "대법관", "법관", "임명"})
    named = cand(1, 40, "대법관은 대법원장의 제청으로 대통령이 임명한다.", {"대법관", "대법원장", "대통령", "임명"}, 1)
    assert texts(select([others, named], justices, 3)) == [named.text]


def test_a_subject_named_together_with_what_it_replaced_is_what_the_sentence_is_about() -> None:
    """After "미국 빅테크 투자 규모 얼마야?", "중국은?" found the passages on "미국과 중국의 빅테크 기업들은 …"
    and said that nothing was about 중국: joined by 과/와, 및 or a comma, both are the sentence's
    subject; set side by side by 이나 in a comparison ("… 미국이나 중국에 비해 …"), neither is."""
    china = q("중국 빅테크 투자 규모", ["중국", "빅테크", "투자", "규모"], subject=("중국",), instead=("미국",))
    both = cand(1, 0, "미국과 중국의 빅테크 기업들은 막대한 자금을 AI에 쏟고 있다.", {"미국", "중국", "빅테크", "자금"})
    listed = cand(1, 40, "미국, 중국 등의 투자 규모는 한국보다 크다.", {"미국", "중국", "투자", "규모", "한국"}, 1)
    compared = cand(1, 80, "한국은 미국이나 중국에 비해 투자 규모가 작다.", {"한국", "미국", "중국", "투자", "규모"}, 2)
    us_first = cand(1, 120, "미국 기업들은 중국 시장에도 투자한다.", {"미국", "기업", "중국", "시장", "투자"}, 3)
    assert texts(select([both], china, 3)) == [both.text]
    assert texts(select([listed], china, 3)) == [listed.text]
    assert select([compared], china, 3) == []
    assert select([us_first], china, 3) == []


def test_a_subject_in_everyday_words_is_named_by_the_word_documents_write_for_it() -> None:
    """After "경찰이 나를 잡아가려면?", "변호사는?" said that nothing was about 변호사: the constitution
    writes 변호인, the word the paraphrase list gives for it; a sentence naming neither is still not
    about it, and without the paraphrases (weight 0) 변호인 does not stand for 변호사."""
    counsel = cand(
        1, 0, "누구든지 체포를 당한 때에는 즉시 변호인의 조력을 받을 권리를 가진다.", {"체포", "변호인", "조력"}
    )
    other = cand(1, 40, "체포에는 법관이 발부한 영장을 제시하여야 한다.", {"체포", "법관", "영장"}, 1)
    terms = ["변호사", "잡아가다"]
    question = asked("변호사 잡아가기", terms, IDF, "general", subject=("변호사",), alternative_weight=0.5)
    assert texts(select([counsel, other], question, 3)) == [counsel.text]
    assert select([counsel, other], replace(question, alternatives={}), 3) == []


def test_a_sentence_listing_cases_is_about_each_when_nothing_else_is() -> None:
    """After "결혼하면 휴가 며칠?", "출산은?" asks about 출산: the sentence that lists both cases names
    it in a clause of its own, and nothing else is about it, so it answers (rather than "not found");
    a sentence naming the subject only in the clause of what it replaced does not."""
    cases = cand(1, 0, "본인이 결혼하는 경우 5일, 배우자가 출산한 경우 10일의 휴가를 준다.", {"결혼", "출산", "휴가"})
    question = q("휴가 며칠 출산", ["휴가", "출산"], subject=("출산",), instead=("결혼",))
    assert texts(select([cases], question, 3)) == [cases.text]
    joined = cand(1, 0, "결혼이나 출산을 하면 휴가를 준다.", {"결혼", "출산", "휴가"})
    assert select([joined], question, 3) == []
    # one about the subject is there: the listing one is not needed
    own = cand(2, 0, "출산 휴가는 90일이다.", {"출산", "휴가"})
    assert texts(select([cases, own], question, 3)) == [own.text]


def test_select_comparison_hears_both_sides_and_names_the_missing_one() -> None:
    us = cand(1, 0, "미국은 민간이 주도한다.", {"미국", "민간", "주도"})
    eu = cand(2, 0, "유럽은 규제를 중시한다.", {"유럽", "규제", "중시"})
    both = cand(3, 0, "미국과 유럽의 전략은 다르다.", {"미국", "유럽", "전략"})
    question = q("미국과 유럽의 전략 차이는?", ["미국", "유럽", "전략"], "comparison")
    picked, missing = select_comparison([both, us, eu], question, 3, ["미국", "유럽"])
    assert {us.text, eu.text} <= set(texts(picked)) and missing == []
    _, missing = select_comparison([us], question, 3, ["미국", "중국"])
    assert missing == ["중국"]


def test_a_side_is_heard_by_a_sentence_about_it_not_one_naming_it_beside_another() -> None:
    """ "유럽과 미국의 차이는?": "미국과 중국의 빅테크 기업들은 …" names 미국 and not 유럽, and stood for
    미국's side, while "미국은 …" said what 미국 does; and "해외 사례와 한국의 AI 동맹을 비교하고, …
    제시합니다" (the essay saying what it will do) was shown as 한국's side."""
    beside = cand(
        1, 0, "미국과 중국의 빅테크 기업들은 막대한 자본으로 차이를 벌린다.", {"미국", "중국", "자본", "차이"}
    )
    eu = cand(1, 60, "유럽은 윤리적 규제를 중시한다.", {"유럽", "규제", "중시"}, 1)
    us = cand(2, 0, "미국은 민간 기업이 동맹을 이끈다.", {"미국", "민간", "기업", "동맹"})
    question = q("유럽과 미국의 차이는?", ["유럽", "미국"], "comparison")
    picked, _ = select_comparison([beside, eu, us], question, 3, ["유럽", "미국"])
    assert us.text in texts(picked) and eu.text in texts(picked)
    # with no sentence about it, the one naming it beside another still speaks for it
    picked, missing = select_comparison([beside, eu], question, 3, ["유럽", "미국"])
    assert beside.text in texts(picked) and missing == []
    agenda = cand(
        3, 0, "해외 사례와 한국의 AI 동맹을 비교하고, 나아갈 방향을 제시합니다.", {"해외", "한국", "동맹", "비교"}
    )
    korea = cand(3, 50, "한국의 AI 동맹은 기업 간 협력이다.", {"한국", "동맹", "기업", "협력"}, 1)
    question = q("미국과 한국의 AI 동맹은 어떻게 다른가요?", ["미국", "한국", "동맹"], "comparison")
    picked, _ = select_comparison([agenda, korea, us], question, 3, ["미국", "한국"])
    assert agenda.text not in texts(picked) and {korea.text, us.text} <= set(texts(picked))


def test_a_contrast_of_each_side_leads_over_a_sentence_naming_them_together() -> None:
    """ "한국과 유럽의 AI 전략 차이는?": "미국과 유럽의 사례는 … 한국과 차이가 있지만 …" names both sides
    and says nothing of either; "유럽은 …하는 반면, 한국은 …" says what each does, and leads. Not when
    the sentence naming them together holds more of what else is asked ("자본 면에서는?"), which the
    contrast, its headings included, does not say."""
    together = cand(
        1,
        0,
        "미국과 유럽의 사례는 자본의 축적 측면에서 한국과 차이가 있지만, 협력이 중요합니다.",
        {"미국", "유럽", "사례", "자본", "축적", "한국", "차이", "협력"},
    )
    contrast = cand(
        2,
        0,
        "유럽은 윤리적 규제를 중시하는 반면, 한국은 유연한 정책 지원을 요구받고 있습니다.",
        {"유럽", "윤리", "규제", "중시", "반면", "한국", "정책", "지원"},
    )
    question = q("한국과 유럽의 차이는?", ["한국", "유럽"], "comparison")
    picked, _ = select_comparison([together, contrast], question, 3, ["한국", "유럽"])
    assert texts(picked)[0] == contrast.text
    asked_capital = q("자본 한국 유럽", ["자본", "한국", "유럽"], "comparison")
    picked, _ = select_comparison([together, contrast], asked_capital, 3, ["한국", "유럽"])
    assert texts(picked)[0] == together.text
    # ... unless the contrast stands under a heading that says it
    headed = replace(contrast, section="자본과 정책 차이")
    picked, _ = select_comparison([together, headed], asked_capital, 3, ["한국", "유럽"])
    assert texts(picked)[0] == headed.text


@pytest.mark.parametrize(
    ("sentence", "says_it"),
    [
        ("해외 사례와 한국의 AI 동맹을 비교하고, 한국이 나아갈 방향을 제시합니다.", True),
        ("• 블루투스를 더 알아봅니다.", True),
        ("여기서는 LibreOffice에서 많이 사용하는 단축키를 설명합니다.", True),
        ("이 섹션에서는 Basic IDE의 구조를 설명합니다.", True),
        ("이 문서는 개발 환경을 준비하는 방법을 설명합니다.", True),
        ("정부는 장기적인 정책 방향을 제시합니다.", False),  # a subject of its own
        ("manifest.xml 파일은 XML 파일의 구조를 설명합니다.", False),
        ("여기서는 왕이 죽은 뒤 무장세력이 설치고 다녔다.", False),  # a story's "here"
        ("두 나라는 협력 방안을 제시했다.", False),
    ],
)
def test_a_sentence_saying_what_its_document_does(sentence: str, says_it: bool) -> None:
    assert says_what_it_does(sentence) == says_it


def test_what_the_document_goes_on_to_do_answers_nothing() -> None:
    """ "AI 동맹 사례 알려줘" was answered with the essay's agenda ("해외 사례와 한국의 AI 동맹을 비교하고,
    … 제시합니다"), which holds every word of it; a question about the document itself still gets it."""
    agenda = cand(
        1,
        0,
        "해외 사례와 한국의 AI 동맹을 비교하고, 한국이 나아갈 방향을 제시합니다.",
        {"해외", "사례", "한국", "ai", "동맹"},
    )
    cases = cand(
        2,
        0,
        "SK텔레콤 주도의 'K-AI 얼라이언스' 등 여러 AI 동맹이 생겨나고 있습니다.",
        {"sk", "ai", "동맹", "얼라이언스"},
    )
    assert texts(select([agenda, cases], q("AI 동맹 사례 알려줘", ["ai", "동맹", "사례"]), 3)) == [cases.text]
    about = q("이 글은 AI 동맹에 대해 무엇을 하나요?", ["글", "ai", "동맹"])
    assert agenda.text in texts(select([agenda, cases], about, 3))


def test_a_comparison_of_table_rows_leaves_out_the_rows_of_other_things() -> None:
    """ "스탠다드랑 프로 차이가 뭐야?": the row of 베이직 is about neither; a table whose header names the
    sides (a column per side) keeps every row: each compares them on one aspect."""
    header = "요금제 | 월 요금 | 저장 용량"
    rows = [
        replace(cand(1, 40 * i, text, {name, "요금", "용량"}, i), section=f"요금제 안내 > {header}")
        for i, (name, text) in enumerate(
            [
                ("베이직", "베이직 | 무료 | 5GB"),
                ("스탠다드", "스탠다드 | 9,900원 | 200GB"),
                ("프로", "프로 | 19,900원 | 2TB"),
            ]
        )
    ]
    question = q("스탠다드랑 프로 차이가 뭐야?", ["스탠다드", "프로", "요금"], "comparison")
    picked, _ = select_comparison(rows, question, 3, ["스탠다드", "프로"])
    assert set(texts(picked)) == {rows[1].text, rows[2].text}
    # a row for each side: another document naming one of them is about something else
    wiki = cand(2, 0, "프로 계정은 팀 채널에서 요금을 신청한다.", {"프로", "팀", "채널", "요금"}, doc="b.txt")
    picked, _ = select_comparison([*rows, wiki], question, 4, ["스탠다드", "프로"])
    assert set(texts(picked)) == {rows[1].text, rows[2].text}
    assert wiki.text in texts(select_comparison([rows[2], wiki], question, 4, ["스탠다드", "프로"])[0])
    by_side = "구분 | 한국 | 해외"
    aspects = [
        replace(cand(2, 30 * i, text, {"한국", "해외", text[:2]}, i), section=f"비교 > {by_side}")
        for i, text in enumerate(
            [
                "자본 | 자본이 상대적으로 부족하다 | 막대한 자본을 보유한다",
                "협력 방식 | 기업들이 연합한다 | 플랫폼으로 협력한다",
            ]
        )
    ]
    question = q("한국과 해외의 차이는?", ["한국", "해외", "자본", "협력"], "comparison")
    picked, _ = select_comparison(aspects, question, 3, ["한국", "해외"])
    assert set(texts(picked)) == {a.text for a in aspects}


def test_the_sentences_of_a_labelled_line_share_its_label() -> None:
    text = "• 자본 차이: 미국은 자본이 많다. 한국은 자본이 적다.\n• 규제 차이: 유럽은 규제를 중시한다.\n결론적으로 둘은 다르다."
    parts = [
        "자본 차이: 미국은 자본이 많다.",
        "한국은 자본이 적다.",
        "규제 차이: 유럽은 규제를 중시한다.",
        "결론적으로 둘은 다르다.",
    ]
    sentences = [cand(1, 100 + text.index(p), p, set(), i) for i, p in enumerate(parts)]
    labelled = with_line_labels(sentences, text, 100)
    assert [c.label for c in labelled] == ["", "자본 차이", "", ""]  # the first holds it in its text
    assert [c.label for c in (presentable(c) for c in labelled) if c is not None] == ["자본 차이"] * 2 + [
        "규제 차이",
        "",
    ]


def test_a_sentence_that_sets_the_sides_against_each_other_leads_a_comparison() -> None:
    korea = cand(1, 0, "한국의 AI 동맹은 대기업과 중소기업이 협력하는 전략이다.", {"한국", "ai", "동맹", "협력"})
    contrast = cand(2, 0, "해외는 플랫폼 중심인 반면, 한국은 여러 기업이 나누어 맡는다.", {"해외", "한국", "플랫폼"})
    question = q("해외랑 한국 AI 동맹은 뭐가 달라?", ["해외", "한국", "ai", "동맹"], "comparison")
    assert texts(select([korea, contrast], question, 3))[0] == korea.text  # by its features alone
    picked, _ = select_comparison([korea, contrast], question, 3, ["해외", "한국"])
    assert texts(picked)[0] == contrast.text
    # naming both sides without setting them against each other is no comparison
    plain = replace(contrast, text="해외와 한국의 기업이 함께 모였다.")
    picked, _ = select_comparison([korea, plain], question, 3, ["해외", "한국"])
    assert texts(picked)[0] == korea.text


def test_a_side_named_only_beside_the_other_is_not_missing() -> None:
    both = cand(1, 0, "해외는 플랫폼 중심인 반면, 한국은 여러 기업이 협력한다.", {"해외", "한국", "플랫폼", "협력"})
    korea = cand(1, 40, "한국은 자본에서 뒤처져 있다.", {"한국", "자본"}, 1)
    question = q("해외와 한국의 차이는?", ["해외", "한국"], "comparison")
    _, missing = select_comparison([both, korea], question, 3, ["해외", "한국"])
    assert missing == []  # "문서에 해외에 대한 내용은 없습니다" would be false
    in_heading = replace(korea, section="해외 사례")
    assert select_comparison([in_heading], question, 3, ["해외", "한국"])[1] == []
    assert select_comparison([korea], question, 3, ["해외", "한국"])[1] == ["해외"]


def test_sides_are_labelled_only_when_they_can_be_told_apart() -> None:
    us = Picked(cand(1, 0, "미국은 민간이 주도한다.", set()), 1.0)
    both = Picked(cand(3, 0, "미국과 유럽 모두 투자한다.", set()), 1.0)
    assert [label for _, label in label_sides([both, us], ["미국", "유럽"])] == ["", "미국"]
    assert [label for _, label in label_sides([both], ["미국", "유럽"])] == [""]


def test_a_sentence_about_another_name_is_not_labelled_with_the_side_it_mentions() -> None:
    """ "한국은 … 미국이나 중국에 비해 뒤처진 …" names 미국 alone of the sides, but it is about 한국."""
    us = Picked(cand(1, 0, "미국은 민간이 주도한다.", set()), 1.0)
    korea = Picked(cand(2, 0, "한국은 미국이나 중국에 비해 뒤처진 상황이다.", set()), 1.0)
    europe = Picked(cand(3, 0, "유럽은 규제를 앞세운다.", set()), 1.0)
    topic = {us.candidate.text: "미국", korea.candidate.text: "한국", europe.candidate.text: "유럽"}.get
    labels = [label for _, label in label_sides([us, korea, europe], ["미국", "유럽"], topic)]
    assert labels == ["미국", "", "유럽"]
    assert [label for _, label in label_sides([us, korea, europe], ["미국", "유럽"])] == ["미국", "미국", "유럽"]


def test_a_sentence_naming_neither_side_is_labelled_by_the_heading_it_stands_under() -> None:
    """The paragraphs of "제20조(연차유급휴가)" never say 연차: the article's title labels them; a
    sentence that names a side keeps its own, one under a heading naming both sides or neither none."""
    annual = Picked(
        replace(cand(1, 0, "회사는 15일의 유급휴가를 준다.", set()), section="취업규칙 > 제20조(연차유급휴가)"), 1.0
    )
    sick = Picked(
        replace(cand(2, 0, "직원은 30일 이내의 병가를 신청할 수 있다.", set()), section="취업규칙 > 제22조(병가)"), 1.0
    )
    named = Picked(replace(cand(1, 40, "연차는 이월할 수 있다.", set()), section="취업규칙 > 제22조(병가)"), 1.0)
    general = Picked(replace(cand(3, 0, "휴가는 미리 신청한다.", set()), section="취업규칙 > 제3장 휴가"), 1.0)
    labels = [label for _, label in label_sides([annual, sick, named, general], ["연차", "병가"])]
    assert labels == ["연차", "병가", "연차", ""]


def test_no_side_is_labelled_when_the_other_is_missing_from_the_documents() -> None:
    """ "미국과 브라질의 AI 동맹은 어떻게 다른가요?" over documents without 브라질: every label would say 미국."""
    us = Picked(cand(1, 0, "미국은 민간이 주도한다.", set()), 1.0)
    also = Picked(cand(2, 0, "미국 기업들은 자본이 많다.", set()), 1.0)
    assert [label for _, label in label_sides([us, also], ["미국", "브라질"], missing=["브라질"])] == ["", ""]
    assert [label for _, label in label_sides([us, also], ["미국", "브라질"])] == ["미국", "미국"]


def test_items_of_an_enumerating_sentence() -> None:
    text = "SK텔레콤 주도의 'K-AI 얼라이언스', 코오롱베니트의 'AI 얼라이언스' 등 여러 동맹이 있다."
    c = cand(1, 100, text, {"얼라이언스"})
    items = items_of([Picked(c, 1.0)], q("얼라이언스에는 무엇이 있나요?", ["얼라이언스"], "list"))
    assert [i.text for i in items] == ["SK텔레콤 주도의 'K-AI 얼라이언스'", "코오롱베니트의 'AI 얼라이언스'"]
    assert all(text[i.start - 100 : i.end - 100] == i.text for i in items)


def test_items_of_the_enumeration_whose_headings_say_more_of_the_question() -> None:
    """ "해외 AI 동맹 사례는?": the chosen sentence enumerates Korea's alliances, under "한국 사례"; the
    one under "해외 사례 > 미국" names the companies asked about. Another document's does not count."""
    korea = replace(
        cand(
            1,
            0,
            "SK텔레콤 주도의 'K-AI 얼라이언스', 코오롱베니트의 'AI 얼라이언스' 등 여러 AI 동맹이 있다.",
            {"ai", "동맹"},
        ),
        section="2. 한국 사례",
    )
    abroad = replace(
        cand(2, 300, "대표적으로 구글, 아마존, 마이크로소프트 등은 AI 생태계를 넓힌다.", {"구글", "ai", "생태계"}),
        section="1. 해외 사례: 빅테크 중심의 AI 동맹 > 미국",
    )
    asked = q("해외 AI 동맹 사례는?", ["해외", "ai", "동맹", "사례"], "list")
    items = items_of([Picked(korea, 1.0)], asked, [korea, abroad])
    assert [i.text for i in items] == ["구글", "아마존", "마이크로소프트"]
    elsewhere = replace(abroad, doc_id="b.txt")
    assert items_of([Picked(korea, 1.0)], asked, [korea, elsewhere])[0].text.startswith("SK텔레콤")


def test_items_of_another_passage_whose_items_name_what_is_asked() -> None:
    """No chosen sentence enumerates: the first other candidate whose items write the question's
    terms gives them (the analyzer may read 얼라이언스 as 얼 + 라이언스 in the question: the term
    is still in the item's text); one whose items name nothing asked gives none."""
    mega = cand(1, 0, "국가 주도로 '메가 얼라이언스'를 구축해야 한다.", {"국가", "메가", "라이언스"})
    others = cand(2, 50, "구글, 아마존, 메타 등 빅테크가 앞선다.", {"구글", "아마존"})
    named = (
        "SK텔레콤 주도의 'K-AI 얼라이언스', 코오롱베니트의 'AI 얼라이언스', 중소기업 중심의 'AX 얼라이언스' 등이 있다."
    )
    listing = cand(3, 200, named, {"sk", "텔레콤", "얼라이언", "스"})
    asked = q("우리나라 AI 얼라이언스 종류 알려줘", ["우리", "나라", "ai", "얼", "라이언스", "종류"], "list")
    items = items_of([Picked(mega, 1.0)], asked, [mega, others, listing])
    assert [i.text for i in items] == [
        "SK텔레콤 주도의 'K-AI 얼라이언스'",
        "코오롱베니트의 'AI 얼라이언스'",
        "중소기업 중심의 'AX 얼라이언스'",
    ]
    assert all(named[i.start - 200 : i.end - 200] == i.text and i.citation == 3 for i in items)
    assert items_of([Picked(mega, 1.0)], asked, [mega, others]) == []  # 구글, 아마존 …: none asked for
    assert items_of([Picked(mega, 1.0)], asked) == []  # the chosen sentences alone


def test_around_elaborates_the_anchor_with_its_neighbours() -> None:
    first = cand(1, 0, "첫째, 인재를 키워야 한다.", {"인재"}, 0)
    second = cand(1, 16, "둘째, 정책 지원이 중요하다.", {"정책", "지원"}, 1)
    third = cand(1, 33, "셋째, 실행력이 필요하다.", {"실행력"}, 2)
    picked = around([first, second, third], ("a.txt", 16), q("둘째", []), 3)
    assert texts(picked) == [second.text, third.text, first.text]
    # Nothing new to say: no answer rather than the same sentence alone.
    assert around([second], ("a.txt", 16), q("둘째", []), 3) == []
    # Asked for more rather than what it means, the sentence is not restated.
    assert texts(around([first, second, third], ("a.txt", 16), q("둘째", []), 3, restate=False)) == [
        third.text,
        first.text,
    ]
    # An item inside a sentence (a list's second entry) anchors that sentence.
    assert texts(around([first, second, third], ("a.txt", 20), q("둘째", []), 2))[0] == second.text


def test_around_an_item_named_among_others_says_only_what_names_it() -> None:
    """More of 코오롱베니트, named with two other alliances in one sentence: the sentences around it
    are about all of them; none names it, so the sentence itself is the answer (the engine then says
    the documents have no more). A neighbour that names it is said."""
    named = cand(1, 0, "SK텔레콤의 'K-AI 얼라이언스', 코오롱베니트의 'AI 얼라이언스' 등이 생겼다.", {"얼라이언스"}, 0)
    whole = cand(1, 50, "한국의 AI 동맹은 협력으로 격차를 줄이려 한다.", {"동맹", "협력"}, 1)
    asked_more = q("코오롱베니트 AI 얼라이언스", ["코오롱베니트", "얼라이언스"], subject=("코오롱베니트",))
    assert texts(around([named, whole], ("a.txt", 24), asked_more, 3, restate=False)) == [named.text]
    says = cand(1, 50, "코오롱베니트는 제조 AI를 맡는다.", {"코오롱베니트", "제조"}, 1)
    assert texts(around([named, says], ("a.txt", 24), asked_more, 3, restate=False)) == [says.text]
    assert texts(around([named, whole], ("a.txt", 24), replace(asked_more, subject=()), 3, restate=False)) == [
        whole.text
    ]


def test_around_onward_goes_past_the_anchors_section_and_not_back() -> None:
    """What comes after the last step ("다음은?"): the next section's sentences, none before it."""
    first = replace(cand(1, 0, "1. 키를 등록합니다.", {"키"}, 0), section="저장소")
    last = replace(cand(1, 20, "3. make setup을 실행합니다.", {"setup"}, 1), section="저장소")
    db = replace(cand(1, 50, "로컬 개발에는 PostgreSQL을 씁니다.", {"로컬", "개발"}, 2), section="데이터베이스")
    asked_next = q("make setup", ["setup"])
    assert texts(around([first, last, db], ("a.txt", 20), asked_next, 2, restate=False, onward=True)) == [db.text]
    assert db.text not in texts(around([first, last, db], ("a.txt", 20), asked_next, 2, restate=False))


def test_around_stays_in_the_anchors_section_and_restates_it_when_that_has_nothing_more() -> None:
    europe = replace(cand(1, 0, "유럽은 인간 중심의 AI를 강조한다.", {"유럽", "인간"}, 0), section="유럽")
    row = replace(cand(1, 40, "자본 빅테크 기업들이 막대한 자본을 보유", {"자본"}, 1), section="비교")
    other = cand(2, 0, "유럽 기업들은 윤리 기준을 세운다.", {"유럽", "윤리"}, doc="b.txt")
    picked = around([europe, row, other], ("a.txt", 0), q("유럽 인간", ["유럽", "인간"]), 3, restate=False)
    # The next section's table row is not a neighbour: the sentence is said again, then another passage.
    assert texts(picked) == [europe.text, other.text]
    near = replace(cand(1, 30, "시민의 안전을 지킨다.", {"시민"}, 1), section="유럽")
    picked = around([europe, near, row], ("a.txt", 0), q("유럽 인간", ["유럽", "인간"]), 3, restate=False)
    assert texts(picked)[0] == near.text  # the neighbour in its section first, the sentence not restated


def test_still_about_keeps_what_holds_enough_of_the_question() -> None:
    question = q("K 동맹 이름", ["k", "동맹", "이름"])
    shown = cand(1, 0, "K 동맹과 L 동맹의 이름이 나온다.", {"k", "동맹", "이름"})
    close = cand(1, 30, "K 동맹은 크다.", {"k", "동맹"})
    row = replace(cand(1, 60, "자본 부족, 협력 통해 보완", {"자본", "협력"}), section="K 동맹 비교")
    weak = cand(2, 0, "이름을 짓는다.", {"이름"})
    kept = still_about([close, row, weak], [shown, close, row, weak], question)
    # a third of the topic is under half of what the best sentence holds; a heading does not count
    assert kept == [close]
    assert still_about([row], [row], question) == []  # nothing holds any of it: nothing more


def test_select_about_prefers_what_the_question_names() -> None:
    korea = cand(1, 0, "한국은 지하철 노선이 많다.", {"한국", "지하철", "노선"})
    us = cand(2, 0, "미국은 지하철 노선을 늘렸다.", {"미국", "지하철", "노선"}, doc="b.txt")
    question = q("미국의 지하철 노선은?", ["미국", "지하철", "노선"])
    topic = {korea.text: "한국", us.text: "미국"}.get
    assert texts(select_about([korea, us], question, 1, ["미국"], topic)) == [us.text]
    # Only a sentence about another name gives way: one about no name at all stands.
    assert texts(select_about([korea, us], question, 1, ["미국"], lambda _: None)) == [korea.text]
    # Nothing about the name (or far weaker): the best sentence, as without it.
    assert texts(select_about([korea], question, 1, ["미국"], topic)) == [korea.text]
    weak = cand(2, 0, "미국도 있다.", {"미국"}, doc="b.txt")
    general = q("지하철 노선은?", ["지하철", "노선"])
    assert texts(select_about([korea, weak], general, 1, ["미국"], topic)) == [korea.text]


def test_the_focus_picks_the_lead_without_driving_out_what_follows_it() -> None:
    """The lead's bonus for naming the noun the answer is one of does not raise the bar a supporting
    sentence must clear (``floor`` of the lead's score): the summary around the lead stays as long."""
    lead = cand(1, 0, "사이 영은 511승으로 가장 많은 승리를 거둔 투수다.", {"사이", "영", "511", "승", "승리", "투수"})
    record = replace(cand(2, 0, "이 기록은 깨지지 않았다.", {"기록", "깨지다"}, doc="b.txt"), passage=0.7)
    idf = {"300": 1.0, "승": 1.0, "기록": 1.0, "투수": 0.2}
    question = asked(
        "300승 이상의 기록을 세운 투수는 누구인가?", ["300", "승", "기록", "투수"], idf, "general", focus="투수"
    )
    with_focus, without = score(lead, question), score(lead, replace(question, focus=""))
    assert DEFAULT_WEIGHTS.floor * without < score(record, question) < DEFAULT_WEIGHTS.floor * with_focus
    assert texts(select([lead, record], question, 2)) == [lead.text, record.text]


def test_the_sentence_saying_what_the_answer_did_leads() -> None:
    """ "여성 실종자 6명에 대해 보도되자 급격히 줄은 것은?": the sentence that repeats the scene holds more
    of the question's words, the one that says what 줄다 answers; the predicate picks the lead only, so
    the sentences after it keep their order without it."""
    scene = cand(
        1, 0, "여성 실종자 6명에 관한 기사들이 전역에 보도되었다.", {"여성", "실종자", "6", "명", "기사", "보도"}
    )
    answer = cand(
        1,
        30,
        "공포가 확산되었고 여성 히치하이킹은 급격히 줄었다.",
        {"공포", "확산", "여성", "히치하이킹", "급격히", "줄다"},
        1,
    )
    also = cand(
        2, 0, "그 뒤로 실종 우려에 여성 승객 수는 급격히 줄었다.", {"여성", "승객", "수", "급격히", "줄다"}, doc="b.txt"
    )
    idf = {"여성": 1.0, "실종자": 1.0, "보도": 1.0, "급격히": 1.0, "줄다": 0.3}
    terms = ["여성", "실종자", "보도", "급격히", "줄다"]
    question = asked("여성 실종자 6명에 대해 보도되자 급격히 줄은 것은?", terms, idf, "general", predicate="줄다")
    assert texts(select([scene, answer, also], replace(question, predicate=""), 3))[0] == scene.text
    picked = texts(select([scene, answer, also], question, 3))
    assert picked[0] == answer.text
    # what follows comes by the score without the predicate: the scene before the other 줄다 sentence
    assert score(also, replace(question, predicate="")) < score(scene, replace(question, predicate=""))
    assert picked[1:] == [scene.text, also.text]


def test_the_sentence_naming_the_ordinal_asked_for_leads() -> None:
    """ "우니쉬 어휘 선정의 네 번째 원칙은?": the sentence on the first principle shares every word of the
    question but its ordinal; the one on the fourth leads."""
    first = cand(1, 0, "우니쉬 어휘 선정의 첫 번째 원칙은 ‘공통성’이다.", {"우니쉬", "어휘", "선정", "원칙", "공통성"})
    fourth = cand(1, 30, "어휘 선정의 네 번째 원칙은 “명료성”이다.", {"어휘", "선정", "원칙", "명료성"}, 3)
    idf = {"우니쉬": 1.0, "어휘": 1.0, "선정": 1.0, "원칙": 1.0}
    question = asked(
        "우니쉬 어휘 선정의 네 번째 원칙은 무엇일까요?", ["우니쉬", "어휘", "선정", "원칙"], idf, "general"
    )
    assert question.ordinal == 4
    assert texts(select([first, fourth], question, 2)) == [fourth.text, first.text]
    assert texts(select([first, fourth], replace(question, ordinal=0), 2))[0] == first.text


def test_a_question_asking_for_something_not_to_happen_is_led_by_the_sentence_saying_so() -> None:
    """ "오늘 날짜 넣었는데 다음에 열어도 안 바뀌게 하려면?": the sentence on the updating date holds more of
    the question's words (열다); the one that says "업데이트되지 않는" answers, and leads."""
    updating = cand(
        1,
        0,
        '날짜를 문서를 열 때마다 업데이트되는 필드의 형태로 삽입하려면 선택 목록에서 "날짜"를 클릭합니다.',
        {"날짜", "문서", "열다", "업데이트", "필드", "형태", "삽입", "선택", "목록", "클릭"},
    )
    fixed = cand(
        1,
        60,
        '날짜를 업데이트되지 않는 필드의 형태로 삽입하려면 선택 목록에서 "날짜(고정)"를 클릭합니다.',
        {"날짜", "업데이트", "필드", "형태", "삽입", "선택", "목록", "고정", "클릭"},
        1,
    )
    idf = {"오늘": 1.0, "날짜": 1.0, "넣다": 1.0, "다음": 0.5, "열다": 1.0, "바뀌다": 1.0}
    question = asked("오늘 날짜 넣었는데 다음에 열어도 안 바뀌게 하려면?", list(idf), idf, "method", negated=True)
    assert texts(select([updating, fixed], replace(question, negated=False), 2))[0] == updating.text
    assert texts(select([updating, fixed], question, 2))[0] == fixed.text


def test_a_lead_naming_the_answer_stands_in_a_passage_about_the_named_one() -> None:
    """ "라라랜드의 감독은?": "데이미언 셔젤이 감독과 …" is about 셔젤, but its passage opens with 라라랜드,
    so it answers; asked what 라라랜드 is (``apart``), a sentence about it would lead instead."""
    film = cand(1, 0, "《라라랜드》는 2016년 공개된 뮤지컬 영화이다.", {"라라랜드", "2016", "공개", "뮤지컬", "영화"})
    director = cand(1, 30, "데이미언 셔젤이 감독과 각본을 맡았다.", {"데이미언", "셔젤", "감독", "각본"}, 1)
    question = asked(
        "라라랜드의 감독은?", ["라라랜드", "감독"], {"라라랜드": 0.5, "감독": 2.0}, "general", focus="감독"
    )
    topic = {director.text: "데이미언 셔젤"}.get
    assert texts(select_about([film, director], question, 1, ["라라랜드"], topic)) == [director.text]
    assert texts(select_about([film, director], question, 1, ["라라랜드"], topic, apart=True)) == [film.text]
    # In a passage that does not name it, the sentence about another name gives way, as before.
    elsewhere = replace(director, citation=2)
    assert texts(select_about([film, elsewhere], question, 1, ["라라랜드"], topic)) == [film.text]
    # Nor does a passage that names it only further on: it is not about it.
    opening = cand(2, 0, "뮤지컬 영화가 다시 인기를 얻었다.", {"뮤지컬", "영화", "인기"}, doc="c.txt")
    later = cand(2, 60, "그 예로 라라랜드가 꼽힌다.", {"라라랜드", "예", "꼽히다"}, 2, doc="c.txt")
    pool = [film, replace(director, citation=2, doc_id="c.txt"), opening, later]
    assert texts(select_about(pool, question, 1, ["라라랜드"], topic))[0] != director.text


def test_select_about_keeps_supporting_sentences_about_another_name_out() -> None:
    """After a lead about 미국, "한국은 … 미국에 비해" is about 한국, and what continues it goes with it."""
    us = cand(1, 0, "미국은 지하철 노선이 가장 많다.", {"미국", "지하철", "노선"})
    korea = cand(2, 0, "한국은 미국에 비해 지하철 노선이 적다.", {"한국", "미국", "지하철", "노선"}, doc="b.txt")
    then = cand(2, 25, "이는 지하철 노선 예산 때문이다.", {"지하철", "노선", "예산"}, 1, doc="b.txt")
    shared = cand(3, 0, "미국과 중국은 지하철 요금을 올렸다.", {"미국", "중국", "지하철", "요금"}, doc="c.txt")
    question = q("미국의 지하철 노선은?", ["미국", "지하철", "노선"])
    topic = {us.text: "미국", korea.text: "한국"}.get
    pool = [us, korea, then, shared]
    assert texts(select_about(pool, question, 4, ["미국"], lambda _: None)) == [
        us.text,
        korea.text,
        then.text,
        shared.text,
    ]
    assert texts(select_about(pool, question, 4, ["미국"], topic, apart=True)) == [us.text, shared.text]
    assert texts(select_about(pool, question, 4, ["미국"], topic)) == texts(select(pool, question, 4))


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("definition", "가는 나이다. [1] 다는 라이다. [2]"),
        ("list", "문서에서 찾은 항목:\n1. 가는 나이다. [1]\n2. 다는 라이다. [2]"),
        ("reason", "문서가 드는 이유:\n1. 가는 나이다. [1]\n2. 다는 라이다. [2]"),
    ],
)
def test_compose_templates(form: str, expected: str) -> None:
    assert compose(form, [Line("가는 나이다.", 1), Line("다는 라이다.", 2)]) == expected


def test_compose_keeps_the_numbers_of_the_steps_a_document_numbers() -> None:
    steps = [Line("2. 설정을 누릅니다.", 1), Line("4. 켜기를 선택합니다.", 1), Line("이름은 자동으로 정해집니다.", 2)]
    assert compose("method", steps).splitlines() == [
        "문서가 제시하는 방법:",
        "2. 설정을 누릅니다. [1]",  # not "1. 2. …": the step keeps its number, a gap stays visible
        "4. 켜기를 선택합니다. [1]",
        "- 이름은 자동으로 정해집니다. [2]",
    ]


def test_compose_numbers_a_methods_lines_only_when_they_follow_one_another_in_one_document() -> None:
    steps = [Line("설정을 엽니다.", 1, place=("a", 10)), Line("켜기를 누릅니다.", 1, place=("a", 30))]
    assert compose("method", steps).splitlines()[1:] == ["1. 설정을 엽니다. [1]", "2. 켜기를 누릅니다. [1]"]
    # the lead stands before what comes earlier in its document: ways gathered, not steps to follow
    ways = [Line("유럽은 규제를 중시한다.", 1, place=("a", 30)), Line("유럽은 다른 전략을 취한다.", 1, place=("a", 10))]
    assert compose("method", ways).splitlines()[1:] == [
        "- 유럽은 규제를 중시한다. [1]",
        "- 유럽은 다른 전략을 취한다. [1]",
    ]
    apart = [Line("설정을 엽니다.", 1, place=("a", 10)), Line("켜기를 누릅니다.", 2, place=("b", 30))]
    assert all(line.startswith("- ") for line in compose("method", apart).splitlines()[1:])
    # a list's items and a reason's are counted whatever their order
    assert compose("list", ways).splitlines()[1].startswith("1. ")


def test_compose_comparison_labels_sides_and_says_what_is_missing() -> None:
    lines = [Line("미국과 유럽 모두 투자한다.", 1), Line("미국은 민간이 주도한다.", 2, "미국")]
    assert compose("comparison", lines, ["중국"]).splitlines() == [
        "문서에 나온 비교:",
        "- 문서에 중국에 대한 내용은 없습니다.",  # what the reader must know first
        "- 미국과 유럽 모두 투자한다. [1]",
        "- 미국: 미국은 민간이 주도한다. [2]",
    ]


def test_comparison_sides(analyzer: KoreanAnalyzer) -> None:
    assert comparison_sides("미국과 한국의 AI 동맹 차이는?", analyzer) == ["미국", "한국"]
    assert comparison_sides("한국 사례와 해외 사례의 차이는?", analyzer) == ["한국", "해외"]
    assert comparison_sides("한국의 전략은?", analyzer) == []
    # a side Kiwi reads in parts inside one word is that word (병가 → 병 + 가 before "뭐가")
    assert comparison_sides("연차랑 병가 뭐가 달라?", analyzer) == ["연차", "병가"]
    assert comparison_sides("원팀 전략과 메가 얼라이언스의 차이는?", analyzer)[0] == "원팀"


@pytest.mark.parametrize("mark", ["A. ", "A: ", "답변: ", "답1) ", "[답변] "])
def test_the_mark_of_a_faqs_answer_is_no_part_of_its_sentence(mark: str) -> None:
    text = f"{mark}입사 후 한 달이 지나면 하루가 생깁니다."
    ((a, b),) = sentence_spans(text, [(0, len(text))])
    assert text[a:b] == "입사 후 한 달이 지나면 하루가 생깁니다."


def test_the_circled_number_of_a_paragraph_is_no_part_of_its_sentence() -> None:
    text = "① 회사는 15일의 유급휴가를 준다.\n② 숙박비는 실비로 지급한다."
    cut = text.index("\n")
    assert [text[a:b] for a, b in sentence_spans(text, [(0, cut), (cut + 1, len(text))])] == [
        "회사는 15일의 유급휴가를 준다.",
        "숙박비는 실비로 지급한다.",
    ]


@pytest.mark.parametrize(
    "text", ["A1:A10 범위의 셀에 2000부터 2009 사이의 수가 있습니다.", "A1: 1 B1: 비어 있음 | C1: =B1"]
)
def test_a_cell_reference_is_no_answer_mark(text: str) -> None:
    ((a, b),) = sentence_spans(text, [(0, len(text))])
    assert text[a:b] == text


def test_a_markdown_tables_rows_are_read_without_their_bars_and_its_rule_is_none() -> None:
    text = "| 요금제 | 월 요금 | 용량 |\n|---|---|---|\n| 프로 | 19,900원 | 2TB |"
    assert [text[a:b] for a, b in sentence_spans(text, [(0, len(text))])] == [
        "요금제 | 월 요금 | 용량",
        "프로 | 19,900원 | 2TB",
    ]


@pytest.mark.parametrize(
    ("row", "header"),
    [
        ("요금제 | 월 요금 | 저장 용량 | 동시 접속 | 고객 지원", True),  # five cells: more than 8 words
        ("구분 | 일수", True),
        ("프로 | 19,900원 | 2TB | 5대 | 24시간 전화", False),  # numbers: a row of values
        ("베이직 | 무료로 씁니다 | 이메일", False),
    ],
)
def test_a_header_row_of_cells_is_labels_only(row: str, header: bool) -> None:
    assert labels_only(row) is header


def test_a_table_rows_header_is_its_context() -> None:
    """Under a header row of labels, each row of as many cells has the header after its section:
    "용량은?" is about the rows whose column it names. A row after a sentence has no header."""
    header = Candidate(
        1, 0, 20, "요금제 | 월 요금 | 저장 용량", 0, frozenset({"요금", "저장", "용량"}), "a.md", 1.0, "안내"
    )
    row = Candidate(1, 21, 40, "프로 | 19,900원 | 2TB", 1, frozenset({"프로"}), "a.md", 1.0, "안내")
    prose = Candidate(1, 41, 60, "결제 후 7일 안에 환불됩니다.", 2, frozenset({"결제", "환불"}), "a.md", 1.0, "안내")
    other = Candidate(1, 61, 80, "팀 | 12,000원 | 1TB", 3, frozenset({"팀"}), "a.md", 1.0, "안내")
    out = with_table_headers([header, row, prose, other])
    assert [c.section for c in out] == ["안내", "안내 > 요금제 | 월 요금 | 저장 용량", "안내", "안내"]
    question = q("용량", ["용량"], subject=("용량",), instead=("스탠다드",))
    assert texts(select(out, question, 3)) == [row.text]


def test_a_table_row_reads_as_a_whole_record() -> None:
    """A row of three cells or more is complete as it is, as a sentence is; two cells may be a label and its value."""
    assert read("프로 | 19,900원 | 2TB | 5대").whole
    assert not read("프로 | 19,900원").whole


def test_sentence_spans_split_table_rows_and_drop_bullets() -> None:
    text = "  • 첫째 항목입니다.\n구분 한국 해외\n자본 부족 충분"
    table = text.index("구분")
    spans = sentence_spans(text, [(0, table - 1), (table, len(text))])
    assert [text[a:b] for a, b in spans] == ["첫째 항목입니다.", "구분 한국 해외", "자본 부족 충분"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("하지만 유럽은 다르다.", "connective"),
        ("또한, 협업이 필요하다.", "connective"),
        ("이를 위해 투자해야 한다.", "adverbial"),
        ("그리고 이를 통해 성장한다.", "adverbial"),
        ("이는 투자가 필요하다는 뜻이다.", "reference"),
        ("이것은 해외 연예인으로 최초로 진행을 맡은 것이다.", "reference"),
        ("이곳에서 즉위식을 거행하였다.", "reference"),
        ("이것저것 살펴보았다.", None),
        ("이렇게 유럽은 규제를 앞세운다.", "adverbial"),
        ("이렇게 하면 권한을 바꿀 필요가 없습니다.", "reference"),  # "doing so": not a word to drop
        ("그렇게 해서 만든 쇼가 끝나면 다시 시작합니다.", "reference"),
        ("이번 조사는 끝났다.", None),
    ],
)
def test_continuation(text: str, kind: str | None) -> None:
    assert continuation(text)[0] == kind


def test_enumerated_plain_lists() -> None:
    text = "예를 들어 의료, 금융, 제조업 등 특정 산업의 니즈를 충족한다."
    assert [text[a:b] for a, b in enumerated(text)] == ["의료", "금융", "제조업"]
    assert enumerated("미국은 선두를 달리고 있으며, 빅테크가 중심이다.") == []


def test_a_very_long_sentence_is_cut_at_a_clause_boundary() -> None:
    clause = "지하철 노선은 도시를 가로지르며"
    text = " ".join([clause] * 40) + " 끝난다."
    c = cand(1, 7, text, {"지하철", "노선"})
    (picked,) = select([c], q("지하철 노선", ["지하철", "노선"]), 3)
    shown = picked.candidate
    assert len(shown.text) <= 500 and shown.text.endswith("가로지르며")
    assert (shown.start, shown.end) == (7, 7 + len(shown.text)) and text.startswith(shown.text)


def test_an_enumeration_is_given_point_by_point_in_its_order() -> None:
    intro = cand(1, 0, "전략이 필요합니다.", {"전략"}, 0)
    first = cand(1, 10, "첫 번째로, 니치 시장에 집중해야 합니다.", {"니치", "시장"}, 1)
    second = cand(2, 40, "두 번째로, 협업을 강화해야 합니다.", {"협업"}, 0)
    last = cand(2, 65, "마지막으로, 유연성을 확보해야 합니다.", {"유연성"}, 1)
    other = cand(2, 900, "첫째, 인재를 키워야 합니다.", {"인재"}, 5)  # another enumeration, far away
    picked = enumeration([last, intro, other, second, first], [Picked(first, 1.0)], 3)
    assert texts(picked) == [first.text, second.text, last.text]
    assert enumeration([intro, first], [Picked(intro, 1.0)], 3) == []  # one point is no enumeration


def test_a_later_point_the_question_names_alone_is_not_put_after_the_points_before_it() -> None:
    """ "비즈니스 모델의 유연성은 어떻게 확보하나요?" asks the essay's last point: listed from the first,
    it came third, after two the question does not ask about."""
    first = cand(1, 0, "첫 번째로, 니치 시장에 집중해야 합니다.", {"니치", "시장", "집중"}, 0)
    second = cand(1, 30, "두 번째로, 협업을 강화해야 합니다.", {"협업", "강화"}, 1)
    last = cand(
        1, 60, "마지막으로, 비즈니스 모델의 유연성을 확보해야 합니다.", {"비즈니스", "모델", "유연성", "확보"}, 2
    )
    flexible = q("비즈니스 모델의 유연성은 어떻게 확보하나요?", ["비즈니스", "모델", "유연성", "확보"], "method")
    assert enumeration([first, second, last], [Picked(last, 1.0)], 3, flexible) == []
    assert texts(enumeration([first, second, last], [Picked(last, 1.0)], 3)) == [first.text, second.text, last.text]
    # the points asked for as a whole, or the first point leading: all of them, in order
    strategies = q("어떤 전략이 필요한가요?", ["전략", "필요"], "list")
    assert texts(enumeration([first, second, last], [Picked(last, 1.0)], 3, strategies)) == [
        first.text,
        second.text,
        last.text,
    ]
    niche = q("니치 시장에 어떻게 집중하나요?", ["니치", "시장", "집중"], "method")
    assert texts(enumeration([first, second, last], [Picked(first, 1.0)], 3, niche)) == [
        first.text,
        second.text,
        last.text,
    ]


def test_points_not_about_a_follow_ups_new_subject_are_no_answer_about_it() -> None:
    """ "정부 역할은?" after "AI 투자 격차를 줄이려면?": the essay's three points (미국과 중국의 시장,
    정부의 지원, 기업의 실행력) are no answer about 정부; asked without a subject, they are."""
    first = cand(1, 0, "첫째, 미국과 중국은 인재와 자본을 유치할 수 있습니다.", {"미국", "중국", "인재", "자본"}, 0)
    second = cand(1, 40, "둘째, 정부의 정책적 지원도 중요한 역할을 합니다.", {"정부", "정책", "지원", "역할"}, 1)
    third = cand(1, 80, "셋째, 기업의 혁신적인 아이디어가 필요합니다.", {"기업", "혁신", "아이디어"}, 2)
    points = enumeration([first, second, third], [Picked(second, 1.0)], 3)
    assert texts(points) == [first.text, second.text, third.text]
    government = q(
        "정부 역할 AI 투자 격차 줄이기", ["정부", "역할", "투자", "격차"], "method", subject=("정부", "역할")
    )
    assert all_about(points, government) == []
    assert all_about(points, replace(government, subject=())) == points
    assert all_about([Picked(second, 1.0)], government) == [Picked(second, 1.0)]


def test_a_sentence_that_announces_the_points_and_holds_the_first_starts_their_run() -> None:
    """ "몇 가지 … 첫째, …" numbers its point as the points after it do: no "1. 둘째, …" without the first."""
    announced = cand(3, 439, "몇 가지 요소를 고려해야 합니다. 첫째, 시장 규모가 큽니다.", {"요소", "시장"}, 3)
    second = cand(1, 500, "둘째, 정부의 지원이 중요합니다.", {"정부", "지원"}, 0)
    third = cand(1, 530, "셋째, 기업의 실행력이 필요합니다.", {"기업"}, 1)
    picked = enumeration([second, third, announced], [Picked(second, 1.0)], 3)
    assert texts(picked) == [announced.text, second.text, third.text]


def test_the_steps_shown_hold_the_lead_and_a_lead_that_announces_them_opens_them() -> None:
    """Steps 1 to 6 of a procedure: the step that answers (5.) is among the steps shown, which end
    with it; a sentence that announces the steps is said before them, not dropped."""
    steps = [cand(1, 100 + 40 * i, f"{i + 1}. 단계 {i + 1}을 합니다.", {"단계"}, i + 1) for i in range(6)]
    picked = enumeration(steps, [Picked(steps[4], 1.0)], 4)
    assert texts(picked) == [s.text for s in steps[1:5]]
    assert texts(enumeration(steps, [Picked(steps[1], 1.0)], 4)) == [s.text for s in steps[:4]]
    intro = cand(1, 60, "쉽고 빠른 방법이 있습니다.", {"방법"}, 0)
    announced = cand(1, 100, "1. 셀을 선택합니다.", {"셀"}, 1)
    rest = [cand(1, 130 + 30 * i, f"{i + 2}. 단계 {i + 2}을 합니다.", {"단계"}, i + 2) for i in range(4)]
    intro = replace(intro, end=announced.start - 1)
    picked = enumeration([intro, announced, *rest], [Picked(intro, 1.0)], 4)
    assert texts(picked) == [intro.text, announced.text, rest[0].text, rest[1].text]


def test_a_list_numbered_from_one_again_is_another_procedure() -> None:
    """Merging cells, then splitting them: two procedures of one page, each numbered from 1; the
    steps shown for merging are merging's."""
    merge = [
        cand(1, 0, "1. 인접한 셀을 선택합니다.", {"셀"}, 0),
        cand(1, 20, "2. 표 - 셀 병합을 선택합니다.", {"셀", "병합"}, 1),
    ]
    split = [
        cand(2, 60, "1. 분할할 셀에 커서를 놓습니다.", {"셀"}, 0),
        cand(2, 85, "2. 표 - 셀 분할을 선택합니다.", {"셀"}, 1),
    ]
    picked = enumeration([*merge, *split], [Picked(merge[1], 1.0)], 4)
    assert texts(picked) == [c.text for c in merge]
    assert texts(enumeration([*merge, *split], [Picked(split[0], 1.0)], 4)) == [c.text for c in split]


def test_steps_chosen_after_the_lead_are_shown_as_their_procedure() -> None:
    """A lead that says what can be done, then steps 2 and 1 of the procedure that does it: the
    steps in their order and on to the step that completes it (3.), in the places left; what was
    chosen after them gives way."""
    intro = cand(1, 0, "마우스 단추의 동작을 서로 바꿀 수 있습니다.", {"마우스", "단추"}, 0)
    steps = [cand(1, 60 + 40 * i, f"{i + 1}. 단계 {i + 1}을 합니다.", {"단계"}, i + 1) for i in range(4)]
    other = cand(2, 0, "이 설정은 모든 포인팅 장치에 영향을 줍니다.", {"설정"}, 0, doc="b.txt")
    picked = [Picked(intro, 3.0), Picked(steps[1], 2.0), Picked(steps[0], 1.9), Picked(other, 1.5)]
    assert texts(in_procedure_order([intro, *steps, other], picked, 4)) == [
        intro.text,
        steps[0].text,
        steps[1].text,
        steps[2].text,
    ]
    # one step alone, or a lead that is a step itself (it answers): as chosen
    assert in_procedure_order([intro, *steps], [Picked(intro, 3.0), Picked(steps[2], 2.0)], 4) == []
    assert in_procedure_order([*steps], [Picked(steps[3], 3.0), Picked(steps[0], 2.0), Picked(steps[1], 1.0)], 4) == []
    # steps of two procedures (each numbered from 1) are no one procedure
    again = cand(1, 400, "1. 다른 작업을 합니다.", {"작업"}, 9)
    mixed = [Picked(intro, 3.0), Picked(steps[3], 2.0), Picked(again, 1.0)]
    assert in_procedure_order([intro, *steps, again], mixed, 4) == []


def test_a_lead_that_is_no_step_is_followed_by_the_procedure_of_the_step_chosen() -> None:
    """One step chosen after the lead: its procedure follows, in order and whole (a window of
    PROCEDURE_STEPS holding it), after at most two sentences chosen that are no steps; the lead's
    own section's procedure when no step is chosen (or one beside it about the question); the lead's
    own when it is a step; nothing when there is no room for more than the lead, or when the only
    procedure is in another section."""
    intro = replace(
        cand(1, 0, "화면 해상도는 요소의 크기를 정합니다.", {"해상도"}, 0), section="해상도 바꾸기 > 자체 해상도"
    )
    steps = [
        replace(cand(2, 100 + 40 * i, f"{i + 1}. 단계 {i + 1}을 합니다.", {"단계"}, i), section="해상도 바꾸기")
        for i in range(8)
    ]
    others = [cand(3, 500 + 50 * i, f"다른 문장 {i}입니다.", {"문장"}, i, doc="b.txt") for i in range(3)]
    pool = [intro, *steps, *others]
    picked = [Picked(intro, 3.0), Picked(others[0], 2.0), Picked(steps[7], 1.9), Picked(others[1], 1.5)]
    shown = texts(procedure_after(pool, picked, 4))
    assert shown == [intro.text, others[0].text, others[1].text, *[c.text for c in steps[2:8]]]
    # none chosen: the procedure of the lead's section, from its first step; no room: the lead's one other
    assert texts(procedure_after(pool, [Picked(intro, 3.0), Picked(others[0], 2.0)], 4)) == [
        intro.text,
        others[0].text,
        *[c.text for c in steps[:6]],
    ]
    assert texts(procedure_after(pool, [Picked(intro, 3.0), Picked(others[0], 2.0)], 2)) == [
        intro.text,
        *[c.text for c in steps[:6]],
    ]
    assert procedure_after(pool, [Picked(intro, 3.0)], 1) == []
    # a lead that is a step: the rest of its procedure after it, the lead not again
    assert texts(procedure_after(pool, [Picked(steps[1], 3.0), Picked(intro, 2.0)], 4)) == [
        steps[1].text,
        intro.text,
        *[c.text for c in steps[:6] if c is not steps[1]],
    ]
    elsewhere = replace(intro, section="글꼴 바꾸기")
    assert procedure_after([elsewhere, *steps], [Picked(elsewhere, 3.0)], 4) == []
    # a section beside the lead's (one page, two sub-sections): its procedure does something else,
    # unless its own heading or one of its steps holds a term of the question
    beside = replace(intro, section="해상도 바꾸기 > 자체 해상도")
    sibling = [replace(c, section="해상도 바꾸기 > 방향 바꾸기") for c in steps]
    assert procedure_after([beside, *sibling], [Picked(beside, 3.0)], 4) == []
    assert procedure_after([beside, *sibling], [Picked(beside, 3.0)], 4, {"해상도"}) == []  # the page's, not its own
    assert len(procedure_after([beside, *sibling], [Picked(beside, 3.0)], 4, {"방향"})) == 7  # its heading's
    assert texts(procedure_after([beside, *sibling], [Picked(beside, 3.0)], 4, {"단계"})) == [
        beside.text,
        *[c.text for c in sibling[:6]],
    ]
    # one step is no procedure
    assert procedure_after([intro, steps[0]], [Picked(intro, 3.0)], 4) == []


def test_the_sub_sections_of_the_section_asked_about_are_its_points_in_order() -> None:
    """Sentences chosen from two sub-sections of "4. 나아갈 방향": each of its sub-sections among the
    candidates gives one point, in the document's order (the sentence chosen there, else the first
    there), and a sentence of another document chosen with them goes; nothing when the chosen come
    from one sub-section, when the section has only two, or when the sub-headings ask (a FAQ's
    questions)."""
    parent = "4. 나아갈 방향"
    heads = ["동맹 구축", "정책 지원", "인프라 확충", "해외 진출"]
    pool = [
        replace(cand(i + 1, 100 * i + 50 * j, f"{head} 문장 {j}입니다.", {"방향"}, j), section=f"{parent} > {head}")
        for i, head in enumerate(heads)
        for j in range(2)
    ]
    other = cand(5, 0, "다른 글의 방향입니다.", {"방향"}, 0, doc="b.txt")
    pool.append(other)
    chosen = [Picked(pool[3], 3.0), Picked(pool[6], 2.5), Picked(other, 2.0), Picked(pool[0], 1.0)]
    way = q("한국이 나아갈 방향은?", ["한국", "나아가다", "방향"])
    shown = subsections(pool, chosen, 4, way)
    assert texts(shown) == [
        "동맹 구축 문장 0입니다.",
        "정책 지원 문장 1입니다.",
        "인프라 확충 문장 0입니다.",
        "해외 진출 문장 0입니다.",
    ]
    assert [p.score for p in shown] == [1.0, 3.0, 0.0, 2.5]
    # the chosen in one sub-section, or no room: nothing
    assert subsections(pool, [Picked(pool[3], 3.0), Picked(pool[2], 2.0), Picked(other, 1.0)], 4, way) == []
    assert subsections(pool, chosen, 1, way) == []
    # the question names the lead's own sub-section: it asks about that one
    assert subsections(pool, chosen, 4, q("정책 지원은 어떻게?", ["정책", "지원"])) == []
    # two sub-sections are no list
    two = [c for c in pool if c.section.endswith(("동맹 구축", "정책 지원"))]
    assert subsections(two, [Picked(two[2], 3.0), Picked(two[0], 2.0)], 4, way) == []
    # sub-headings that ask are questions of a FAQ, each answered apart
    asking = [replace(c, section=f"{c.section}인가요?") for c in pool[:-1]]
    assert subsections(asking, [Picked(asking[3], 3.0), Picked(asking[6], 2.0)], 4, way) == []
    # a path of one heading has no parent
    flat = [replace(c, section=c.section.split(" > ")[1]) for c in pool[:-1]]
    assert subsections(flat, [Picked(flat[3], 3.0), Picked(flat[6], 2.0)], 4, way) == []


def test_a_sub_section_point_is_labelled_by_its_short_heading_the_sentence_does_not_write() -> None:
    point = replace(
        cand(1, 0, "분산된 동맹을 하나로 묶어야 합니다.", {"동맹"}), section="4. 방향 > 메가 얼라이언스 구축"
    )
    assert heading_label(point) == "메가 얼라이언스 구축"
    assert heading_label(replace(point, text="메가 얼라이언스 구축이 필요합니다.")) == ""  # written already
    assert heading_label(replace(point, section="4. 방향 > " + "아주 " * 12 + "긴 제목")) == ""
    lines = [Line(point.text, 1, label="메가 얼라이언스 구축"), Line("정부는 지원해야 합니다.", 2, label="정책 지원")]
    assert compose("method", lines).splitlines()[1:] == [
        "1. 메가 얼라이언스 구축: 분산된 동맹을 하나로 묶어야 합니다. [1]",
        "2. 정책 지원: 정부는 지원해야 합니다. [2]",
    ]


def test_a_lead_under_a_heading_that_asks_is_followed_by_the_rest_of_its_answer() -> None:
    """Under "stable에 새 기능이 들어가나요?", the lead's nearest sentences there follow it, in the
    document's order, before what was chosen elsewhere; a lead under a heading that asks nothing,
    or with nothing else under its heading, is left as chosen."""
    section = "5장. 릴리스 > stable에 새 기능이 들어가나요?"
    answer = [
        replace(cand(1, 100 + 30 * i, text, {"기능"}, i), section=section)
        for i, text in enumerate(
            ["새 기능은 들어가지 않습니다.", "보안 업데이트만 받습니다.", "그 밖엔 없습니다.", "끝입니다."]
        )
    ]
    asked = replace(cand(1, 70, "왜 그런가요?", {"기능"}, 0), section=section)
    elsewhere = cand(2, 0, "testing에는 새 기능이 들어갑니다.", {"기능"}, 0, doc="b.txt")
    pool = [asked, *answer, elsewhere]
    picked = [Picked(answer[1], 3.0), Picked(elsewhere, 2.0), Picked(answer[3], 1.0)]
    assert texts(answer_under_question(pool, picked, 4)) == [
        answer[1].text,
        answer[0].text,
        answer[2].text,
        elsewhere.text,
    ]
    assert texts(answer_under_question(pool, picked, 2)) == [answer[1].text, answer[0].text]
    plain = [replace(c, section="5장. 릴리스") for c in answer]
    assert answer_under_question(plain, [Picked(plain[1], 3.0)], 4) == []
    assert answer_under_question([answer[1], elsewhere], [Picked(answer[1], 3.0)], 4) == []


def test_the_lead_under_a_heading_that_asks_is_not_shown_twice() -> None:
    """A FAQ's answer read "CD를 부팅하도록 … 재부팅하세요." twice: the lead is the candidate as a reader
    sees it (its label dropped, so it starts later), and the candidate it came from was taken for
    one of its neighbours."""
    section = "2장. 설치 > CD로 어떻게 설치하나요?"
    labelled = replace(cand(1, 100, "설치 방법: CD를 넣고 재부팅하세요.", {"cd", "재부팅"}), section=section)
    after = replace(cand(1, 130, "이제 설치 프로그램이 실행됩니다.", {"설치", "실행"}, 1), section=section)
    lead = presentable(labelled)
    assert lead is not None and lead.start > labelled.start
    shown = texts(answer_under_question([labelled, after], [Picked(lead, 3.0)], 4))
    assert shown == [lead.text, after.text]


def test_steps_among_sentences_stand_each_on_a_line() -> None:
    lines = [Line("해상도는 크기를 정합니다.", 1), Line("1. 창을 엽니다.", 2), Line("2. 적용을 누릅니다.", 2)]
    assert compose("general", lines) == "해상도는 크기를 정합니다. [1]\n1. 창을 엽니다. [2]\n2. 적용을 누릅니다. [2]"
    one = [Line("해상도는 크기를 정합니다.", 1), Line("3. 적용을 누릅니다.", 2)]
    assert compose("general", one) == "해상도는 크기를 정합니다. [1] 3. 적용을 누릅니다. [2]"


def test_steps_shown_after_a_later_step_that_leads_are_headed_before_and_after_it() -> None:
    """GNOME's "문서 속 표 셀에 배경색 칠하기" led with step 3 and showed 1, 2 and 4 after it: the
    steps before the lead stand under "앞 단계:", those after it under "다음 단계:"."""
    lines = [
        Line("3. 배경 탭에서 색을 선택하십시오.", 1),
        Line("아이콘으로도 배경을 적용할 수 있습니다.", 2),
        Line("1. 커서를 표 안에 둡니다.", 1),
        Line("2. 표 - 속성을 선택합니다.", 1),
        Line("4. 적용할 범위를 고릅니다.", 1),
    ]
    assert compose("general", lines).splitlines() == [
        "3. 배경 탭에서 색을 선택하십시오. [1]",
        "아이콘으로도 배경을 적용할 수 있습니다. [2]",
        "앞 단계:",
        "1. 커서를 표 안에 둡니다. [1]",
        "2. 표 - 속성을 선택합니다. [1]",
        "다음 단계:",
        "4. 적용할 범위를 고릅니다. [1]",
    ]
    assert compose("method", lines).splitlines()[1:4] == [
        "3. 배경 탭에서 색을 선택하십시오. [1]",
        "- 아이콘으로도 배경을 적용할 수 있습니다. [2]",
        "앞 단계:",
    ]
    # a list's or reasons' numbered items are no steps
    assert "앞 단계:" not in compose("list", lines) and "앞 단계:" not in compose("reason", lines)
    # steps that follow their lead in order, or another passage's steps, read as they are
    assert around_the_lead([lines[0], lines[4]]) == {}
    assert around_the_lead([lines[0], replace(lines[2], citation=3)]) == {}
    assert around_the_lead([lines[2], lines[3]]) == {}  # the lead is the first step
    assert around_the_lead([lines[1], lines[2]]) == {}  # the lead is no step
    items = [
        Line("8. 등록하지 아니하고 광고를 한 자", 1, quoted=True),
        Line("4. 정보를 제공하지 아니한 자", 1, quoted=True),
    ]
    assert around_the_lead(items) == {}  # a law's items, no steps


def test_a_step_is_compared_in_meaning_without_its_number() -> None:
    """A step's number ("4. ") says where it stands, not what it says: the sentence is embedded without it."""
    terms = {"시간대"}
    first = cand(1, 0, "4. 시간대 자동 스위치를 켜 둡니다.", terms, 0)
    second = cand(1, 40, "5. 시간대를 누르고 도시를 검색합니다.", terms, 1)
    similarity = Similarity({"시간대 자동 스위치를 켜 둡니다.": 0.2, "시간대를 누르고 도시를 검색합니다.": 0.9})
    question = replace(q("해외 출장 와서 시간대 바꾸려면", ["해외", "출장", "시간대"]), similarity=similarity)
    near = closeness([first, second], [2.0, 1.99], question, 10.0)
    assert similarity.asked == [["시간대 자동 스위치를 켜 둡니다.", "시간대를 누르고 도시를 검색합니다."]]
    assert near[1] > near[0]


def test_a_later_point_shown_apart_from_the_points_before_it_loses_its_ordinal() -> None:
    lead = cand(1, 0, "소통이 필수적입니다.", {"소통"}, 0)
    second = cand(1, 100, "둘째, 정부의 지원이 중요합니다.", {"정부"}, 3)
    third = cand(1, 130, "셋째, 기업의 실행력이 필요합니다.", {"기업"}, 4)
    last = cand(1, 160, "마지막으로 유연성을 확보해야 합니다.", {"유연성"}, 5)
    shown = tidy([Picked(lead, 1.0), Picked(second, 0.9), Picked(third, 0.8), Picked(last, 0.7)])
    assert texts(shown) == [
        "소통이 필수적입니다.",
        "정부의 지원이 중요합니다.",
        "기업의 실행력이 필요합니다.",
        "유연성을 확보해야 합니다.",
    ]
    assert [(s.candidate.start, s.candidate.end) for s in shown][1:] == [
        (104, second.end),
        (134, third.end),
        (166, last.end),
    ]


def test_points_shown_from_the_first_keep_their_ordinals() -> None:
    first = cand(1, 0, "첫째, 시장이 큽니다.", {"시장"}, 0)
    second = cand(1, 20, "둘째, 정부의 지원이 중요합니다.", {"정부"}, 1)
    announced = cand(2, 0, "몇 가지 요소가 있습니다. 첫째, 시장이 큽니다.", {"요소"}, 0)
    step = cand(1, 50, "첫 번째 단계는 설치입니다.", {"단계"}, 2)  # an ordinal of a noun, not of a point
    assert texts(tidy([Picked(first, 1.0), Picked(second, 0.9)])) == [first.text, second.text]
    assert texts(tidy([Picked(first, 1.0)])) == [first.text]  # "첫째" alone says more follow
    assert texts(tidy([Picked(step, 1.0)])) == [step.text]
    again = cand(2, 30, "둘째, 정부의 지원이 중요합니다.", {"정부"}, 1)
    assert texts(tidy([Picked(announced, 1.0), Picked(again, 0.9)])) == [announced.text, again.text]


def test_asked_bigrams_come_from_the_written_words_when_given() -> None:
    # asked alone, the words as written ("유럽은요" brings 럽은 and 은요 along)
    assert asked("유럽은요?", ["유럽"], IDF, "general").bigrams == {"유럽", "럽은", "은요"}
    assert asked("유럽은요?", ["유럽"], IDF, "general", written="유럽").bigrams == {"유럽"}


class Similarity:
    """A stand-in for the dense similarity to the question: fixed values, and what it was asked."""

    def __init__(self, values: dict[str, float]) -> None:
        self.values = values
        self.asked: list[list[str]] = []

    def __call__(self, texts: list[str]) -> list[float]:
        self.asked.append(list(texts))
        return [self.values.get(t, 0.0) for t in texts]


def test_when_the_words_are_all_found_they_decide_and_nothing_is_embedded() -> None:
    subway = cand(1, 0, "서울 지하철은 아홉 개 노선이다.", {"서울", "지하철", "노선"})
    bus = cand(1, 20, "서울 버스는 간선과 지선으로 나뉜다.", {"서울", "버스"}, 1)
    similarity = Similarity({bus.text: 0.9, subway.text: 0.1})
    question = replace(q("서울 지하철 노선", ["서울", "지하철", "노선"]), similarity=similarity)
    assert closeness([subway, bus], [2.0, 1.9], question, 10.0) == [0.0, 0.0]
    assert similarity.asked == []
    assert texts(select([subway, bus], question, 1, replace(DEFAULT_WEIGHTS, closest=10.0))) == [subway.text]


def test_when_the_question_is_put_in_other_words_its_meaning_decides_among_the_best_three() -> None:
    """Half of the question's weight (지하철) is in no sentence: the closest in meaning leads."""
    terms = {"서울"}
    sentences = [cand(1, 20 * i, f"서울 문장 {i}입니다.", terms, i) for i in range(5)]
    meaning = {s.text: 0.1 * i for i, s in enumerate(sentences)}  # the last is the closest, but not among the best
    meaning[sentences[2].text] = 0.95
    similarity = Similarity(meaning)
    question = replace(q("서울 지하철", ["서울", "지하철"]), similarity=similarity)
    own = [1.0, 0.99, 0.98, 0.5, 0.4]
    near = closeness(sentences, own, question, 1.0)
    unsaid = 1 - IDF["서울"] / (IDF["서울"] + IDF["지하철"])
    assert near == pytest.approx([unsaid / 3, unsaid / 2, unsaid, 0.0, 0.0])
    assert similarity.asked == [[s.text for s in sentences[:3]]]  # only the three best are embedded
    picked = select(sentences, question, 1, replace(DEFAULT_WEIGHTS, closest=1.0))
    assert texts(picked) == [sentences[2].text]


def test_when_next_to_nothing_of_the_question_is_said_its_meaning_decides_among_more() -> None:
    """An English question: only "ai", which every passage holds, is in the documents."""
    idf = {"ai": 0.01, "korea": 3.0, "strategy": 3.0}
    sentences = [cand(1, 20 * i, f"AI 문장 {i}입니다.", {"ai"}, i) for i in range(10)]
    meaning = {s.text: 0.0 for s in sentences}
    meaning[sentences[6].text] = 0.9  # seventh by its own features
    similarity = Similarity(meaning)
    question = asked("What is Korea's AI strategy?", ["korea", "ai", "strategy"], idf, "general", similarity=similarity)
    own = [1.0 - 0.01 * i for i in range(10)]
    near = closeness(sentences, own, question, 1.0)
    assert similarity.asked == [[s.text for s in sentences[:8]]]  # eight embedded, not three
    assert max(range(10), key=near.__getitem__) == 6
    assert near[8] == near[9] == 0.0


def test_meaning_is_not_read_when_it_cannot_change_the_lead() -> None:
    sentences = [cand(1, 20 * i, f"서울 문장 {i}입니다.", {"서울"}, i) for i in range(3)]
    similarity = Similarity({sentences[1].text: 1.0})
    question = replace(q("서울 지하철", ["서울", "지하철"]), similarity=similarity)
    near = closeness(sentences, [5.0, 1.0, 0.5], question, 1.0)  # the lead is far ahead
    assert similarity.asked == []
    assert near[0] > near[1] > near[2] > 0  # the order by their own features stands in


def test_asked_for_another_one_what_only_goes_on_about_a_shown_sentence_is_left_out() -> None:
    shown = cand(1, 0, "인재 양성이 필요하다.", {"인재", "양성"})
    more = cand(1, 12, "특히, 지속적인 학습이 필수적이다.", {"학습"}, 1)
    other = cand(1, 30, "또한, 협업 문화가 구축되어야 한다.", {"협업", "문화"}, 2)
    elsewhere = cand(2, 0, "특히 정부 지원이 중요하다.", {"정부", "지원"}, 0, doc="b.txt")
    kept = not_elaborating([more, other, elsewhere], [shown])
    assert kept == [other, elsewhere]  # elsewhere goes on about nothing shown
    assert not_elaborating([more], [shown]) == [more]  # never nothing at all
    assert not_elaborating([more, other], []) == [more, other]


ALLIANCES = (
    "SK텔레콤 주도의 'K-AI 얼라이언스', 코오롱베니트의 'AI 얼라이언스', 중소기업 중심의 'AX 얼라이언스' 등이 있다."
)


def test_asked_for_another_one_after_a_list_the_other_items_are_the_answer() -> None:
    shown = cand(1, 100, ALLIANCES, {"sk", "텔레콤", "주도", "얼라이언스"})
    question = q("SK텔레콤이 주도하는 AI 동맹 이름은?", ["sk", "텔레콤", "주도", "ai", "동맹", "이름"])
    others = other_items([shown], question)
    assert [c.text for c in others] == ["코오롱베니트의 'AI 얼라이언스'", "중소기업 중심의 'AX 얼라이언스'"]
    assert all(ALLIANCES[c.start - 100 : c.end - 100] == c.text for c in others)  # exact spans
    # no item singled out ("ai" is in two of them): nothing to leave out, no list of the others
    assert other_items([shown], q("한국 AI 동맹의 사례는?", ["한국", "ai", "동맹", "사례"])) == []
    assert other_items([cand(1, 0, "인재 양성이 필요하다.", {"인재"})], question) == []


@pytest.mark.parametrize(
    ("message", "another"),
    [
        ("다른 방법은?", True),
        ("또 다른 전략은?", True),
        ("또 뭐가 있어?", True),
        ("더 자세히", False),
        ("다른방법은요", True),
        ("어떻게 다른가요?", False),
    ],
)
def test_another(message: str, another: bool) -> None:
    from assistant.text.questions import ANOTHER

    assert bool(ANOTHER.search(message)) == another


def test_a_sentence_of_the_lead_passage_that_is_not_its_neighbour_must_be_about_the_question() -> None:
    lead = cand(1, 0, "연구 부서와 마케팅 부서의 소통이 필수적입니다.", {"연구", "부서", "마케팅", "소통"}, 0)
    after = cand(1, 30, "그 결과 제품이 빨리 나옵니다.", {"결과", "제품"}, 1)
    far = cand(1, 60, "글로벌 파트너십을 강화해야 합니다.", {"글로벌", "파트너십"}, 3)
    question = q("연구 부서와 마케팅 부서의 소통", ["연구", "부서", "마케팅", "소통"])
    assert texts(select([lead, after, far], question, 4, replace(DEFAULT_WEIGHTS, floor=0.0))) == [
        lead.text,
        after.text,
    ]


def test_a_table_cell_is_shown_without_the_comma_it_ends_with() -> None:
    cell = cand(2, 40, "미국은 기술 개발에 주로 민간 주도, ", {"미국", "기술"}, 3)
    (shown,) = tidy([Picked(cell, 1.0)])
    assert shown.candidate.text == "미국은 기술 개발에 주로 민간 주도"
    assert (shown.candidate.start, shown.candidate.end) == (40, 40 + len(shown.candidate.text))


def test_the_sentence_naming_what_the_answer_is_leads() -> None:
    """ "… 투수는 누구인가?": the sentence naming 투수 by a name answers, not the one that repeats
    the question's other words; without the question's focus the other one would lead."""
    club = cand(1, 0, "300승 클럽에는 300승 이상을 올린 선수들이 가입되어 있다.", {"300", "승", "클럽", "선수", "가입"})
    named = cand(
        1, 40, "사이 영은 511승으로 가장 많은 승리를 거둔 투수다.", {"사이", "영", "511", "승", "승리", "투수"}, 1
    )
    terms = ["300", "승", "기록", "투수"]
    idf = {"300": 1.0, "승": 1.0, "기록": 1.0, "투수": 0.2}
    question = "300승 이상의 기록을 세운 투수는 누구인가?"
    assert texts(select([club, named], asked(question, terms, idf, "general", focus="투수"), 1)) == [named.text]
    assert texts(select([club, named], asked(question, terms, idf, "general"), 1)) == [club.text]
    focus = FEATURES.index("focus")
    assert features(named, asked(question, terms, idf, "general", focus="투수"))[focus] == 1.0
    assert features(club, asked(question, terms, idf, "general", focus="투수"))[focus] == 0.0


@pytest.mark.parametrize(
    ("question", "counter"),
    [
        ("투수는 몇 명인가?", "명"),
        ("몇점을 받았나?", "점"),
        ("몇몇 주에서 시행되는 법은?", ""),
        ("누가 만들었나?", ""),
        ("연차는 며칠이야?", "일"),  # 며칠 counts days
        ("몇 월 며칠에 치러졌나?", "월"),  # a date
    ],
)
def test_the_counter_a_how_many_question_names(question: str, counter: str) -> None:
    assert asked_counter(question) == counter


def test_a_number_asked_with_a_counter_comes_with_it() -> None:
    """ "몇 명": "24명의 투수" answers, "300 승 클럽" holds a number but not a count of people."""
    assert has_answer_type("지금까지 24명의 투수가 이 기록을 달성했다.", "number", "명")
    assert has_answer_type("당시 선수 스무 명이 뛰었다.", "number", "명")
    assert not has_answer_type("300 승 클럽에는 300 승 이상을 올린 투수들이 가입되어 있다.", "number", "명")
    assert has_answer_type(
        "300 승 클럽에는 300 승 이상을 올린 투수들이 가입되어 있다.", "number"
    )  # no counter: any number


def test_a_time_or_span_asked_in_years_comes_in_years() -> None:
    """ "대통령은 한 번 뽑히면 몇 년 해요?": "임기는 5년으로 하며" answers, "60일 이내에 후임자를
    선거한다" holds a time but not in years; "몇 년에?" is answered by a year."""
    q = "대통령은 한 번 뽑히면 몇 년 해요?"
    kind, counter = expected_answer(q), asked_counter(q)
    assert kind is not None and counter == "년"
    assert has_answer_type("대통령의 임기는 5년으로 하며, 중임할 수 없다.", kind, counter)
    assert not has_answer_type("60일 이내에 후임자를 선거한다.", kind, counter)
    assert has_answer_type("이 헌법은 1988년 2월 25일부터 시행한다.", "time", "년")
    assert has_answer_type("60일 이내에 후임자를 선거한다.", "time")  # no counter: any time


@pytest.mark.parametrize(
    ("question", "limit"),
    [
        ("AI 바우처 얼마까지 지원받아?", True),
        ("병가 최대 며칠까지 돼?", True),
        ("출장비 한도는?", True),
        ("AI 바우처 얼마 지원해?", False),
        ("연차는 며칠이야?", False),
    ],
)
def test_a_limit_asked_for_is_answered_by_a_value_said_to_be_one(question: str, limit: bool) -> None:
    """ "얼마까지 지원받아?": "기업당 최대 2억 원" answers, "총 300억 원" (the whole budget) does not."""
    assert asks_limit(question) is limit
    most = "일반 기업은 기업당 최대 2억 원, 소상공인은 최대 5천만 원 지원"
    total = "지원 규모: 총 300억 원, 약 400개 기업"
    assert has_answer_type(most, "money", "", asks_limit(question))
    assert has_answer_type(total, "money", "", asks_limit(question)) is not limit
    terms = ["ai", "바우처", "지원"]
    assert asked(question, terms, {}, "general").limit is limit


def test_a_limit_may_be_said_as_what_cannot_be_exceeded() -> None:
    """ "정기국회는 며칠까지 열 수 있어?": "회기는 100일을 초과할 수 없다" says how far it goes."""
    q = "정기국회는 며칠까지 열 수 있어?"
    assert asks_limit(q)
    assert has_answer_type("정기회의 회기는 100일을 초과할 수 없다.", "number", asked_counter(q), True)
    assert not has_answer_type("정기회는 매년 1회 집회되며 회기는 100일이다.", "number", asked_counter(q), True)


def test_how_long_is_answered_by_a_span_of_time() -> None:
    """ "얼마나 걸려?": "하루 안에" answers, as "3일" or "2주일" do; a sentence without a span does not."""
    assert has_answer_type("신청하면 보통 하루 안에 승인됩니다.", "duration")
    assert has_answer_type("처리에는 2주일이 소요된다.", "duration")
    assert not has_answer_type("VPN 계정은 별도로 신청해야 합니다.", "duration")
    assert not has_answer_type("신청하면 보통 하루 안에 승인됩니다.", "number")


def test_how_much_money_is_answered_by_a_sum() -> None:
    """ "출장비 얼마 나와?": "10만 원" answers, or a share of a pay ("통상임금의 50퍼센트"); "7일 이내"
    is a number but no sum."""
    assert has_answer_type("숙박비는 1박당 10만 원을 한도로 실비를 지급한다.", "money")
    assert has_answer_type("통상임금의 50퍼센트 이상을 가산하여 지급한다.", "money")
    assert has_answer_type("960만 파운드에 이적했다.", "money")
    assert not has_answer_type("출장을 마친 직원은 7일 이내에 출장비를 정산하여야 한다.", "money")


def test_days_counted_are_not_the_day_of_a_date() -> None:
    """ "연차는 며칠이야?": "15일의 유급휴가" answers; "3월 31일까지" names a day, not how many."""
    assert has_answer_type("회사는 15일의 유급휴가를 준다.", "number", "일")
    assert has_answer_type("최대 5 일간 쉴 수 있다.", "number", "일")
    assert not has_answer_type("남은 휴가는 다음 해 3월 31일까지 쓸 수 있다.", "number", "일")
    assert not has_answer_type("2025년 3월 1일부터 시행한다.", "number", "일")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("그 반의 학생 수는?", "number"),
        ("300승을 올린 투수는 누구인가?", None),
        ("대리청정을 맡은 년도는?", "time"),
        ("휴가는 며칠이야?", "number"),
        ("선거는 몇 월 며칠에 치러졌나?", "time"),
        ("VPN 승인까지 얼마나 걸려요?", "duration"),
        ("며칠 걸려?", "duration"),
        ("건설에 몇 년이 걸렸나?", "duration"),
        ("비용은 얼마나 드나요?", "money"),
        ("출장비 얼마 나와?", "money"),
        ("아스널 영입 당시 이적료는 얼마인가?", "money"),
        ("프로 요금제 얼마야?", "money"),
        ("그 도시의 인구는 얼마인가?", "number"),
        ("원하는 결과가 나오려면 입력값이 얼마여야 하는지", "number"),  # a value, not a price
        ("등본 떼는 데 얼마예요?", "money"),  # a price asked as people ask it, without naming a fee
        ("여권 새로 만들면 얼마 들어요?", "money"),
        ("사용료는 한 달에 얼마 내?", "money"),
        ("AI 바우처 얼마나 받을 수 있어?", "money"),  # how much one gets paid
        ("한 회사당 얼마까지 지원받아요?", "money"),
        ("출장 가면 하루에 얼마 나와?", "money"),  # without naming what is paid
        ("그 나라의 면적은 얼마인가?", "number"),
        ("How much does a passport cost?", "money"),  # asked in English
        ("How long does it take to get a passport?", "duration"),
        ("When was the alliance formed?", "time"),
        ("How many members does it have?", "number"),
        ("Which factors should be considered when diagnosing the gap?", None),
    ],
)
def test_what_kind_of_answer_a_question_wants(question: str, kind: str | None) -> None:
    """ "수는" asks for a number only as a word of its own, not at the end of 투수, 교수, 선수."""
    assert expected_answer(question) == kind


def test_a_new_subject_named_in_its_own_clause_before_a_word_it_kept() -> None:
    """ "기업당 최대 얼마 지원해?" → "소상공인은?": the clause "소상공인은 최대 5천만 원 지원" answers,
    though it says 최대 too (replaced with 기업당, but kept by the new question's meaning)."""
    line = cand(
        1,
        0,
        "일반 기업은 기업당 최대 2억 원, 소상공인은 최대 5천만 원 지원",
        {"일반", "기업", "최대", "소상공인", "지원"},
    )
    asked_again = q("소상공인 지원", ["소상공인", "지원"], subject=("소상공인",), instead=("기업", "최대"))
    assert texts(select([line], asked_again, 2)) == [line.text]
    gone = q("중견기업 지원", ["중견기업", "지원"], subject=("중견기업",), instead=("기업", "최대"))
    assert select([line], gone, 2) == []


def test_a_table_row_names_what_its_header_names() -> None:
    """ "프로 요금제 얼마야?" asks for a 요금: the row "프로 | 19,900원 | …" names one through its header
    ("요금제 | 월 요금 | 저장 용량"), as "팀 요금제는 최소 5명부터 …" does in its text; the row, which names
    프로, leads."""
    header = "요금제 | 월 요금 | 저장 용량 | 동시 접속 | 고객 지원"
    row = replace(
        cand(
            1,
            0,
            "프로 | 19,900원 | 2TB | 5대 | 24시간 전화",
            {"프로", "19,900", "원", "2tb", "5", "대", "24", "시간", "전화"},
        ),
        section=f"요금제 안내 > {header}",
    )
    team = replace(
        cand(1, 60, "팀 요금제는 최소 5명부터 가입할 수 있습니다.", {"팀", "요금", "최소", "5", "명", "가입"}, 1),
        section="요금제 안내",
    )
    idf = {"프로": 0.69, "요금": 0.18}
    question = asked("프로 요금제 얼마야?", ["프로", "요금"], idf, "general", focus="요금")
    assert texts(select([team, row], question, 2))[0] == row.text
    # the header names it for the row only: its words are no row's own (every row has them)
    assert score(row, question) - score(row, replace(question, focus="")) == pytest.approx(DEFAULT_WEIGHTS.focus)
    assert features(row, question)[FEATURES.index("overlap")] == pytest.approx(0.69 / (0.69 + 0.18))


def test_a_value_asked_for_follows_a_lead_that_does_not_give_it() -> None:
    """ "등본 발급 얼마야?": the sentence naming 등본 leads, though it gives no price; the fee rows of
    its passage follow it, however far below it they score. Asked something else, they do not."""
    where = cand(
        1,
        0,
        "주민등록등본은 주민센터 방문, 무인민원발급기, 정부24에서 발급받을 수 있습니다.",
        {"주민등록등본", "주민센터", "발급"},
    )
    fee = cand(1, 50, "주민센터 방문 | 400원 | 신분증", {"주민센터", "방문", "신분증"}, 1)
    other = cand(2, 0, "여권 수수료는 53,000원입니다.", {"여권", "수수료"})  # same document, on 여권
    idf = {"주민등록등본": 3.0, "발급": 3.0}
    price = asked("등본 발급 얼마야?", ["주민등록등본", "발급"], idf, "general")
    assert price.wants == "money"
    assert texts(select([where, fee, other], price, 3)) == [where.text, fee.text]
    place = asked("등본은 어디서 발급해?", ["주민등록등본", "발급"], idf, "general")
    assert fee.text not in texts(select([where, fee, other], place, 3))


def test_a_share_is_a_sum_only_of_a_sum() -> None:
    """ "통상임금의 50퍼센트" and "월 요금의 20%" are shares of a sum; "AI 도입률은 6.2%" is none, and
    does not answer "얼마나 받을 수 있어?"."""
    assert has_answer_type("통상임금의 50퍼센트 이상을 가산하여 지급한다.", "money")
    assert has_answer_type("연간 결제 시 월 요금의 20%를 할인해 드립니다.", "money")
    assert has_answer_type("일반 기업은 기업당 최대 2억 원 지원", "money")
    assert not has_answer_type("중소기업의 AI 도입률은 6.2%로 대기업(25.4%) 대비 낮은 수준", "money")
    assert has_answer_type("중소기업의 AI 도입률은 6.2%로 대기업(25.4%) 대비 낮은 수준", "number")


def test_the_values_of_the_leads_passage_follow_it_first_whatever_words_they_share() -> None:
    """ "AI 바우처 얼마나 받을 수 있어?": the lead (a line of the plan's overview) gives no sum; the line
    that does ("기업당 최대 2억 원", naming neither AI nor 바우처) comes right after it, before the lines
    that share the question's words, and not at all when something else is asked."""
    target = cand(
        1, 0, "지원 대상: AI 솔루션 도입을 희망하는 중소기업", {"지원", "대상", "ai", "솔루션", "도입", "중소기업"}
    )
    scope = cand(1, 40, "지원 내용: AI 솔루션 구매, 맞춤형 개발", {"지원", "내용", "ai", "솔루션", "구매", "개발"}, 1)
    cost = cand(
        1, 70, "AI 솔루션 구매 비용을 지원하여 도입 장벽을 낮출 필요", {"ai", "솔루션", "구매", "비용", "지원"}, 2
    )
    sums = cand(
        1, 120, "일반 기업은 기업당 최대 2억 원, 소상공인은 최대 5천만 원 지원", {"기업", "최대", "소상공인", "지원"}, 3
    )
    pool = [target, scope, cost, sums]
    idf = {"ai": 1.0, "바우처": 2.0, "받다": 1.0}
    much = asked("AI 바우처 얼마나 받을 수 있어?", ["ai", "바우처", "받다"], idf, "general")
    assert much.wants == "money"
    chosen = texts(select(pool, much, 3))
    assert chosen[0] != sums.text and chosen[1] == sums.text
    what = asked("AI 바우처로 뭘 지원해?", ["ai", "바우처", "지원"], idf, "general")
    assert sums.text not in texts(select(pool, what, 3))[:2]
    # in another passage of the lead's document, under a heading that names the question's words: it
    # comes right after the lead too; in another document's passage, it does not
    elsewhere = replace(sums, citation=2, passage=0.8, section="AI 바우처 추진계획 > 사업 개요")
    assert texts(select([target, scope, cost, elsewhere], much, 3))[1] == sums.text
    other_doc = replace(elsewhere, doc_id="b.txt")
    assert texts(select([target, scope, cost, other_doc], much, 3))[1] != sums.text
    # ... nor in a passage of the document on something else (no word of the question, nor in its heading)
    unrelated = replace(elsewhere, section="추진계획 > 예산 편성")
    assert sums.text not in texts(select([target, scope, cost, unrelated], much, 3))[:2]


@pytest.mark.parametrize(
    ("text", "word", "found"),
    [
        ("무인민원발급기는 평일 오전 9시부터 운영한다.", "무인발급기", 0),  # a shortened compound
        ("주민등록등본은 발급받을 수 있다.", "등본", 4),  # inside a word, as it is
        ("무인 카메라와 발급 기관", "무인발급기", -1),  # its syllables in order, but not in one word
        ("유럽연합은 규제를 강화했다.", "유럽", 0),
    ],
)
def test_a_subject_is_found_as_written_or_as_the_compound_it_shortens(text: str, word: str, found: int) -> None:
    assert find_word(text, word) == found


def test_a_line_saying_whom_to_ask_answers_only_who_to_ask() -> None:
    """ "□ 문의: AI바우처 사업단 (02-1234-5678)" holds every word of "AI 바우처 사업이 뭐야?" and led its
    answer; it is shown only when the question asks whom to ask or how to reach them."""
    contact = cand(1, 0, "□ 문의: AI바우처 사업단 (02-1234-5678)", {"문의", "ai", "바우처", "사업단"})
    plan = cand(
        1, 40, "AI 바우처 사업은 중소기업의 AI 솔루션 구매를 지원한다.", {"ai", "바우처", "사업", "솔루션", "구매"}, 1
    )
    what = q("AI 바우처 사업이 뭐야?", ["ai", "바우처", "사업"])
    assert contact.text not in texts(select([contact, plan], what, 2))
    assert texts(select([contact, plan], what, 2)) == [plan.text]
    assert texts(select([contact], what, 1)) == []
    whom = q("AI 바우처 어디에 문의해?", ["ai", "바우처", "문의"])
    assert texts(select([contact], whom, 1)) == [contact.text]
    phone = q("담당자 전화번호 알려줘", ["담당자", "전화", "번호"])
    assert texts(select([contact], phone, 1)) == [contact.text]


def test_a_step_that_only_closes_the_window_does_not_lead() -> None:
    """ "노트북 뚜껑 닫아도 계속 켜져 있게 하고 싶어요" led with "5. 기능 개선 창을 닫습니다." (닫다 is in the
    question); the step that does what is asked leads."""
    switch = cand(1, 0, "4. 랩톱 덮개를 닫을 때 절전 상태 전환 스위치를 끕니다.", {"랩톱", "덮개", "절전", "스위치"}, 3)
    close = cand(1, 40, "5. 기능 개선 창을 닫습니다.", {"기능", "개선", "창", "닫다"}, 4)
    question = q("뚜껑 닫아도 켜져 있게", ["뚜껑", "닫다", "켜지다"])
    assert texts(select([switch, close], question, 2))[0] == switch.text
    assert texts(select([close], question, 1)) == [close.text]  # alone, it is all there is


def test_a_step_that_only_opens_what_the_procedure_works_in_gives_way_to_the_next() -> None:
    """ "슬라이드에 표 넣기" led with "1. 표를 삽입하려는 … 페이지로 이동합니다." (표, 삽입, 슬라이드 are all in it);
    the step after it, which inserts the table, leads. A step that says what it opens for
    ("… 반복하려면 … 메뉴를 엽니다.") still may."""
    go = cand(1, 0, "1. 표를 삽입하려는 슬라이드로 이동합니다.", {"표", "삽입", "슬라이드", "이동"})
    insert = cand(1, 30, "2. 삽입 - 표를 선택합니다.", {"삽입", "표", "선택"}, 1)
    other = cand(2, 0, "슬라이드 마스터의 표는 모든 슬라이드에 나타납니다.", {"슬라이드", "마스터", "표"})
    question = q("슬라이드에 표 넣기", ["슬라이드", "표", "삽입"])
    assert texts(select([go, insert, other], question, 3))[0] == insert.text
    purpose = cand(
        1, 0, "5. 자동 반복하려면 슬라이드 쇼 설정 메뉴를 엽니다.", {"자동", "반복", "슬라이드", "쇼", "설정"}
    )
    loop = q("슬라이드 쇼 자동 반복", ["슬라이드", "쇼", "자동", "반복"])
    after = cand(1, 40, "6. 자동을 선택합니다.", {"자동", "선택"}, 1)
    assert texts(select([purpose, after], loop, 2))[0] == purpose.text


def test_asked_how_a_sentence_saying_what_can_be_done_leads() -> None:
    """ "표 머리글 반복하려면?": a manual answers "… 표 머리글을 반복할 수 있습니다." — what one can do
    is the answer to how; a sentence describing what happens, though earlier, is not."""
    how = q("표 머리글 반복하려면", ["표", "머리글", "반복"], form="method")
    happens = cand(
        1, 0, "표가 여러 페이지에 걸치면 새 페이지에서 표 머리글이 반복됩니다.", {"표", "머리글", "반복", "페이지"}
    )
    can = cand(1, 40, "표가 있는 새 페이지마다 표 머리글을 반복할 수 있습니다.", {"표", "머리글", "반복", "페이지"}, 1)
    assert texts(select([happens, can], how, 1)) == [can.text]


def test_asked_which_folder_a_sentence_naming_a_path_leads() -> None:
    """ "설치한 프로그램 설명서는 어느 폴더에 있어요?": the sentence giving the path ("… /usr/share/doc/PACKAGE
    …") answers it, not one sharing more of the question's words without one."""
    where = q("설치한 프로그램 설명서는 어느 폴더에 있어요?", ["설치", "프로그램", "설명서", "폴더"])
    words = cand(1, 0, "설명서 프로그램은 tasksel로 설치할 수 있습니다.", {"설명서", "프로그램", "tasksel", "설치"})
    path = cand(1, 40, "설치한 패키지의 설명서는 /usr/share/doc/PACKAGE에 있습니다.", {"설치", "패키지", "설명서"}, 1)
    assert texts(select([words, path], where, 1)) == [path.text]
