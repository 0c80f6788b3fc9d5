"""The real embedded model and Kiwi over the kinds of documents a team keeps (bench/data/workplace:
a regulation in articles, a report in short lines, a wiki page, a table of plans)."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before anything imports huggingface_hub

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import real_engine
from test_sheets import PLANS, workbook

from assistant.answer.engine import Engine
from assistant.answer.schema import Answer
from assistant.chat.conversation import Conversation
from assistant.chat.sessions import SessionStore
from assistant.text.korean import KoreanAnalyzer

pytestmark = pytest.mark.integration

DOCS = Path(__file__).resolve().parent.parent / "bench" / "data" / "workplace" / "docs"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, analyzer: KoreanAnalyzer) -> Iterator[Engine]:
    engine, _ = real_engine(DOCS, tmp_path_factory.mktemp("workplace") / "index", analyzer)
    yield engine
    engine.index.close()


def _engine_over(
    name: str, text: str, tmp_path_factory: pytest.TempPathFactory, analyzer: KoreanAnalyzer
) -> Iterator[Engine]:
    """An engine (real model and Kiwi) over a folder holding one document, ``name`` with ``text``;
    its index is closed when the module's tests are done."""
    folder = tmp_path_factory.mktemp("docs")
    (folder / name).write_text(text, encoding="utf-8")
    engine, _ = real_engine(folder, tmp_path_factory.mktemp("index"), analyzer)
    yield engine
    engine.index.close()


def _chat(engine: Engine, tmp_path: Path, *messages: str) -> list[Answer]:
    """The answers to ``messages`` said in turn in one conversation."""
    answers: list[Answer] = []
    with SessionStore(tmp_path / "sessions.sqlite") as store:
        conversation = Conversation(engine, store, engine.settings)
        for message in messages:
            answers.append(conversation.chat(message, answers[-1].session_id if answers else None))
    return answers


def _first(engine: Engine, question: str) -> tuple[str, str]:
    """The first summary sentence and the section of the passage it is cited to."""
    answer = engine.ask(question)
    assert not answer.abstained, question
    first = answer.summary_sentences[0]
    return first.text, next(c.section for c in answer.citations if c.n == first.citation)


def test_why_the_plan_is_answered_by_its_background(engine: Engine) -> None:
    """No line of the report's 추진 배경 says 사업; its title does."""
    _, section = _first(engine, "왜 이 사업을 해?")
    assert section.endswith("Ⅰ. 추진 배경")


def test_what_happens_is_answered_by_what_happens(engine: Engine) -> None:
    """ "어떻게 돼?" asks what happens, not how: the line that says it leads, not steps."""
    text, _ = _first(engine, "기간 안에 도입 못 하면 어떻게 돼?")
    assert "환수" in text


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("AI 바우처 신청 언제까지야?", "공고 및 접수: 2025년 2월 3일 ~ 3월 14일"),
        ("AI 바우처 누가 신청할 수 있어?", "지원 대상: AI 솔루션 도입을 희망하는 중소·중견기업 및 소상공인"),
        ("AI 바우처 어디서 신청해?", "사업 관리 시스템(www.aivoucher.kr)에서 온라인 신청"),
        ("AI 바우처 신청 자격이 뭐야?", "지원 대상: AI 솔루션 도입을 희망하는 중소·중견기업 및 소상공인"),
    ],
)
def test_the_plan_answers_when_and_who_under_its_headings(engine: Engine, question: str, line: str) -> None:
    """The line under the heading or label that answers ("Ⅲ. 추진 일정", "지원 대상:")
    leads, not the line on where to apply, which shares more of the question's words."""
    text, _ = _first(engine, question)
    assert text == line


def test_what_the_program_is_is_answered_by_its_overview(engine: Engine) -> None:
    """ "… 뭐야?" is answered under "Ⅱ. 사업 개요", not by the line on where to apply."""
    _, section = _first(engine, "AI 바우처 사업이 뭐야?")
    assert section.endswith("Ⅱ. 사업 개요")


def test_a_column_asked_after_a_row_is_that_rows(engine: Engine, tmp_path: Path) -> None:
    """ "동시 접속은?" after "프로 요금제 얼마야?" asks the column of the row shown (it was searched
    "동시 접속" alone and led with a wiki line on database 접속); "팀은?" then asks 팀's."""
    _, access, team, size = _chat(engine, tmp_path, "프로 요금제 얼마야?", "동시 접속은?", "팀은?", "용량은?")
    assert access.summary_sentences[0].text.startswith("프로 | 19,900원")
    assert access.summary.startswith("“프로” — 동시 접속: 5대 (월 요금: 19,900원")  # the column asked first
    assert team.summary_sentences[0].text.startswith("팀 | 사용자당 12,000원")
    assert team.summary.startswith("“팀” — 동시 접속: 무제한")
    # searched "팀 저장 용량" (the column's whole name): "팀 용량" was abstained
    assert size.query == "팀 저장 용량" and size.summary.startswith("“팀” — 저장 용량: 사용자당 1TB"), size.summary


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("바우처 신청 언제까지야?", "공고 및 접수: 2025년 2월 3일 ~ 3월 14일"),  # 신청 finds 접수
        ("출장 가면 하루에 얼마 나와?", "숙박비는 1박당 10만 원을 한도로 실비를 지급한다."),  # a sum asked
        # a limit asked: the sum one may get, not the whole budget ("지원 규모: 총 300억 원" led)
        ("AI 바우처 얼마까지 지원받아?", "일반 기업은 기업당 최대 2억 원, 소상공인은 최대 5천만 원 지원"),
    ],
)
def test_everyday_words_and_the_value_asked_lead_to_the_line_that_answers(
    engine: Engine, question: str, line: str
) -> None:
    text, _ = _first(engine, question)
    assert text == line


def test_the_sum_asked_for_is_in_the_summary_though_it_names_no_word_of_the_question(engine: Engine) -> None:
    """ "AI 바우처 얼마나 받을 수 있어?": "기업당 최대 2억 원" names neither AI nor 바우처, and a share
    (the 6.2 % of 도입률) is no sum."""
    answer = engine.ask("AI 바우처 얼마나 받을 수 있어?")
    assert "기업당 최대 2억 원" in answer.summary
    assert "6.2%" not in answer.summary_sentences[0].text


def test_a_parent_s_death_is_found_in_the_article_on_family_events(engine: Engine) -> None:
    """아빠 → 부모: the 경조휴가 article ranks first (the 연차 article, which says 1년 and 휴가, did)."""
    hits = engine.retriever.search("아빠 돌아가시면 며칠 쉬어?", 3).hits
    assert hits[0].chunk.section.endswith("제21조(경조휴가)")
    # 돌아가시다 → 사망: it is answered (it abstained, its words too far from the article's)
    answer = engine.ask("아빠 돌아가시면 며칠 쉬어?")
    assert not answer.abstained and "부모가 사망한 경우 5일" in answer.summary_sentences[0].text


@pytest.mark.parametrize("question", ["스탠다드랑 프로 차이가 뭐야?", "프로랑 팀 뭐가 달라?"])
def test_plans_compared_are_compared_by_their_rows_alone(engine: Engine, question: str) -> None:
    """The rows of the two plans, each naming its side (a row by its name, not labelled again); not
    the 베이직 row, nor the wiki's "팀 채널"."""
    answer = engine.ask(question)
    assert not answer.abstained, answer.abstain_reason
    lines = answer.summary.splitlines()[1:]
    assert lines and all(line.startswith("- ") for line in lines)
    assert "베이직" not in answer.summary and "채널" not in answer.summary
    for side in question.replace("랑", " ").split()[:2]:
        assert any(line.startswith(f"- “{side}” — 월 요금: ") for line in lines), (side, lines)


def test_how_to_set_up_is_answered_by_the_steps_not_by_what_the_guide_covers(engine: Engine) -> None:
    """ "이 문서는 … 방법을 설명합니다" led alone (the steps scored far below it); now the steps, in order."""
    answer = engine.ask("개발 환경 설정 어떻게 해?")
    texts = [s.text for s in answer.summary_sentences]
    assert texts[:3] == [
        "1. GitHub에 SSH 키를 등록합니다.",
        "2. `git clone git@github.com:hanbit/backend.git` 명령으로 저장소를 받습니다.",
        "3. 저장소 루트에서 `make setup` 을 실행하면 필요한 패키지가 설치됩니다.",
    ]
    assert not any(t.startswith("이 문서는") for t in texts)


def test_articles_compared_are_labelled_by_their_titles(engine: Engine) -> None:
    """The paragraphs of 제20조(연차유급휴가) never say 연차: the title labels them."""
    answer = engine.ask("연차랑 병가 뭐가 달라?")
    lines = answer.summary.splitlines()[1:]
    assert lines and all(line.startswith(("- 연차: ", "- 병가: ")) for line in lines), lines
    assert any(line.startswith("- 병가: ") for line in lines)


def test_an_ellipsis_after_a_sum_asked_for_leads_with_the_sum(engine: Engine, tmp_path: Path) -> None:
    """ "그럼 소상공인은?" after "AI 바우처 얼마까지 지원받아?" asks 소상공인's sum: the line giving it
    leads (the 지원 대상 line, which names 소상공인 too, led)."""
    _, small = _chat(engine, tmp_path, "AI 바우처 얼마까지 지원받아?", "그럼 소상공인은?")
    assert "소상공인은 최대 5천만 원" in small.summary_sentences[0].text


def test_a_condition_asked_after_a_question_narrows_it(engine: Engine, tmp_path: Path) -> None:
    """ "입사 첫해는?" after "연차 며칠 줘?" asks the first year's 연차 (it replaced 연차 and was answered
    from the onboarding guide's "입사 첫날"); "계약직은?" too, and the regulation never says 계약직:
    the answer says so."""
    _, year, contract = _chat(engine, tmp_path, "연차 며칠 줘?", "입사 첫해는?", "계약직은?")
    said = [s.text for s in year.summary_sentences]
    assert "1년 미만인 직원에게는 1개월 개근 시 1일의 유급휴가" in " ".join(said), said
    assert all("유급휴가" in s or "휴가" in s for s in said), said
    assert contract.summary.endswith("참고: 문서에는 ‘계약직’이라는 말이 나오지 않습니다."), contract.summary


def test_an_ellipsis_naming_what_no_document_says_is_answered_so(engine: Engine, tmp_path: Path) -> None:
    """ "해외 출장은?" after a question on settling travel expenses: no rule says anything of 해외, and
    the answer says so (it repeated the rule on 출장비, which names 출장); "승인은 누가 해?" after a
    question on working from home asks of 재택근무 (it was asked alone and answered about code review)."""
    with SessionStore(tmp_path / "sessions.sqlite") as store:
        conversation = Conversation(engine, store, engine.settings)
        first = conversation.chat("출장비 정산 언제까지 해야 돼?")
        abroad = conversation.chat("해외 출장은?", first.session_id)
        home = conversation.chat("재택근무 며칠까지 돼?")
        who = conversation.chat("승인은 누가 해?", home.session_id)
    assert abroad.summary.startswith("문서에서 '해외'에 대한 내용을 찾지 못했습니다"), abroad.summary
    assert not abroad.summary_sentences
    assert "재택근무" in who.query and "풀 리퀘스트" not in who.summary_sentences[0].text, who.summary


def test_a_deadline_asked_after_eligibility_leads_with_the_dates(engine: Engine, tmp_path: Path) -> None:
    """ "언제까지 신청해?" after "AI 바우처 신청 자격이 뭐야?": the line of dates leads (자격 was searched
    again and the line on where to apply led)."""
    _, when = _chat(engine, tmp_path, "AI 바우처 신청 자격이 뭐야?", "언제까지 신청해?")
    assert "2025년 2월 3일 ~ 3월 14일" in when.summary_sentences[0].text, when.summary


def test_a_condition_asked_after_a_question_on_pay_is_answered_by_the_pay_rule(engine: Engine, tmp_path: Path) -> None:
    """ "주말에 일하면?" after "야근하면 수당 줘?": the rule on overtime, night and holiday work answers
    (asked alone, the rule on paydays that fall on a holiday led)."""
    _, weekend = _chat(engine, tmp_path, "야근하면 수당 줘?", "주말에 일하면?")
    assert "휴일근로에 대하여는 통상임금의 50퍼센트" in weekend.summary_sentences[0].text, weekend.summary


def test_what_comes_after_the_last_step_shown_is_the_documents_next_section(engine: Engine, tmp_path: Path) -> None:
    """ "그 다음은?" after the third and last of the setup steps listed: the guide's next section (the
    local database) answers; the three steps came back."""
    _, third, after = _chat(engine, tmp_path, "신규 입사자 개발 환경 세팅 순서", "세 번째 단계는?", "그 다음은?")
    assert "make setup" in third.summary_sentences[0].text, third.summary
    said = [s.text for s in after.summary_sentences]
    assert said and not any(s[:2] in ("1.", "2.", "3.") for s in said), said
    assert any("PostgreSQL" in s or "make seed" in s for s in said), said


@pytest.mark.parametrize(
    ("question", "row"),
    [
        ("제일 싼 요금제는?", "베이직 | 무료"),  # 무료 is the least price
        ("가장 비싼 요금제 뭐야?", "프로 | 19,900원"),  # 19,900원 is more than 사용자당 12,000원
        ("용량 제일 큰 요금제는?", "프로 | 19,900원 | 2TB"),  # 2TB is more than 사용자당 1TB and 200GB
        ("동시 접속 제일 많이 되는 요금제?", "팀 | 사용자당 12,000원"),  # 무제한 is more than 5대
    ],
)
def test_a_superlative_is_answered_by_the_row_that_holds_it(engine: Engine, question: str, row: str) -> None:
    """The table is read value by value: the sentences next to it (the yearly discount, the team
    plan's minimum) shared the most words with the question and led, the row asked for not shown."""
    text, _ = _first(engine, question)
    assert text.startswith(row), text


def test_the_kinds_of_plans_are_the_rows_of_their_table(engine: Engine) -> None:
    """ "클라우드 요금제 종류 알려줘" listed a plan's minimum, two rows and the discount; the table's
    first column names the plans, so its four rows are the list."""
    answer = engine.ask("클라우드 요금제 종류 알려줘")
    assert [s.text.split(" | ")[0] for s in answer.summary_sentences] == ["베이직", "스탠다드", "프로", "팀"]


def test_a_bound_no_row_is_within_is_said_so(engine: Engine) -> None:
    """ "2만원 넘는 요금제 있어?": no plan costs more; the answer shows what there is and says so."""
    answer = engine.ask("2만원 넘는 요금제 있어?")
    assert answer.summary.endswith("참고: 문서의 표에는 ‘2만원 넘는’ 조건에 맞는 항목이 없습니다.")
    assert "참고: 문서의 표" not in engine.ask("월 1만 원 이하 요금제 있어?").summary


COURSES = """<html><head><title>사내 교육 과정 안내</title></head><body>
<h1>사내 교육 과정 안내</h1>
<p>모든 직원은 연 1회 이상 교육 과정을 이수해야 합니다. 신청은 인사팀 포털에서 합니다.</p>
<h2>과정별 비용</h2>
<table>
<tr><th>과정</th><th>수강료</th><th>교육 시간</th><th>정원</th></tr>
<tr><td>데이터 분석 기초</td><td>150,000원</td><td>16시간</td><td>30명</td></tr>
<tr><td>AI 활용 실무</td><td>320,000원</td><td>24시간</td><td>20명</td></tr>
<tr><td>리더십 과정</td><td>무료</td><td>8시간</td><td>50명</td></tr>
<tr><td>클라우드 입문</td><td>90,000원</td><td>12시간</td><td>25명</td></tr>
</table>
<p>수강료는 회사가 전액 부담하며, 수료하지 못하면 절반을 본인이 부담합니다.</p>
</body></html>"""


@pytest.fixture(scope="module")
def courses(tmp_path_factory: pytest.TempPathFactory, analyzer: KoreanAnalyzer) -> Iterator[Engine]:
    yield from _engine_over("courses.html", COURSES, tmp_path_factory, analyzer)


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("제일 비싼 교육 과정은?", ["AI 활용 실무"]),
        ("교육 시간 제일 긴 거", ["AI 활용 실무"]),
        ("수강료 10만원 이하인 과정", ["리더십 과정", "클라우드 입문"]),
        ("정원 30명 이상인 과정", ["데이터 분석 기초", "리더십 과정"]),
    ],
)
def test_a_web_page_s_table_is_read_value_by_value(courses: Engine, question: str, names: list[str]) -> None:
    """An HTML table (th over td) is read as the Markdown one is; the bound's 이하/이상 names no
    thing the page must write (no note says '이하' is missing)."""
    answer = courses.ask(question)
    assert [s.text.split(" | ")[0] for s in answer.summary_sentences if " | " in s.text] == names
    assert "참고" not in answer.summary


def test_a_superlative_after_a_row_asks_of_the_whole_table(courses: Engine, tmp_path: Path) -> None:
    """ "제일 싼 건?" after a question on one course's fee pointed back at that row (the dearest)
    and answered with it; a superlative asks of the table, and 짧다 reads the column of hours."""
    first, cheapest, shortest = _chat(
        courses, tmp_path, "AI 활용 실무 수강료 얼마야?", "제일 싼 건?", "가장 짧은 과정은?"
    )
    assert first.summary_sentences[0].text.startswith("AI 활용 실무 | 320,000원")
    assert cheapest.summary_sentences[0].text.startswith("리더십 과정 | 무료")
    assert shortest.summary_sentences[0].text.startswith("리더십 과정 | 무료 | 8시간")


@pytest.mark.parametrize(
    ("question", "names"),
    [
        # the rows within a bound, the table's other rows left out (the yearly discount led, and the
        # rows came in their table's order whatever they held)
        ("월 1만 원 이하 요금제 있어?", ["베이직", "스탠다드"]),
        ("동시 접속 3대 넘는 요금제", ["프로", "팀"]),
        ("프로랑 팀 중에 뭐가 더 싸?", ["팀", "프로"]),  # led with the team plan's minimum
        ("무료 요금제 있어?", ["베이직"]),  # led with the team plan's minimum
        ("전화 지원되는 요금제는?", ["프로"]),  # led with the team plan's minimum
    ],
)
def test_the_rows_a_question_asks_of_a_table_lead(engine: Engine, question: str, names: list[str]) -> None:
    answer = engine.ask(question)
    rows = [s.text.split(" | ")[0] for s in answer.summary_sentences if " | " in s.text]
    assert rows == names
    assert answer.summary_sentences[0].text.startswith(names[0])
    # what follows the rows is of their document (the wiki's "팀 채널" line followed "프로랑 팀 …")
    cited = {c.n: c.doc_id for c in answer.citations}
    assert {cited[s.citation] for s in answer.summary_sentences} == {"요금제.md"}


DIRECTORY = """# 부서별 연락처

## 담당자 목록

| 이름 | 부서 | 연락처 | 비고 |
|---|---|---|---|
| 김민수 | 인사팀 | 내선 1234 | 팀장 |
| 이서연 | 개발팀 | 내선 2345 | 팀장 |
| 박지훈 | 개발팀 | 내선 2350 | 신입 |
| 최유진 | 재무팀 | 내선 3456 | 팀장 |

급한 일은 각 팀장에게 먼저 연락하십시오.
"""


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory, analyzer: KoreanAnalyzer) -> Iterator[Engine]:
    yield from _engine_over("연락처.md", DIRECTORY, tmp_path_factory, analyzer)


@pytest.mark.parametrize(
    ("question", "line"),
    [
        (
            "인사팀 연락처 알려줘",
            "“김민수” — 연락처: 내선 1234 (부서: 인사팀, 비고: 팀장) [1]",
        ),  # the column asked first
        ("개발팀 팀장 누구야?", "“이서연” — 부서: 개발팀, 연락처: 내선 2345, 비고: 팀장 [1]"),
        ("신입 누구야?", "“박지훈” — 부서: 개발팀, 연락처: 내선 2350, 비고: 신입 [1]"),
    ],
)
def test_a_directory_s_rows_are_read_under_its_first_row(directory: Engine, question: str, line: str) -> None:
    """ "이름 | 부서 | 연락처 | 비고" heads the table though 서 and 고 read as endings; each row is
    shown by those names, and the row holding the most of what the question names leads."""
    answer = directory.ask(question)
    assert answer.summary.startswith(line), answer.summary
    assert "이름 | 부서" not in answer.summary  # the header row is never an answer


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("1TB 이상 중에 제일 싼 요금제", "팀"),
        ("월 1만원 이하 중 용량 제일 큰 거", "스탠다드"),
        ("2TB 이상 중에 제일 싼 요금제", "프로"),  # one row within (the cheapest of all led)
    ],
)
def test_an_extreme_within_a_bound_is_the_row_that_holds_both(engine: Engine, question: str, name: str) -> None:
    """The bound narrows the rows the extreme is taken of (the free plan, the cheapest of all, led)."""
    answer = engine.ask(question)
    assert answer.summary_sentences[0].text.startswith(f"{name} | "), answer.summary
    assert "참고" not in answer.summary


def test_a_list_asked_within_a_bound_lists_the_rows_within_it(engine: Engine) -> None:
    """ "1TB 이상 요금제 뭐 있어?" asks a list: it listed all four plans (the table's rows as the kinds of
    plans), the bound left aside."""
    answer = engine.ask("1TB 이상 요금제 뭐 있어?")
    assert [s.text.split(" | ")[0] for s in answer.summary_sentences] == ["프로", "팀"], answer.summary
    assert answer.summary.startswith("문서에서 찾은 항목:")


def test_a_superlative_after_a_bound_is_taken_within_it(engine: Engine, tmp_path: Path) -> None:
    """ "그 중에 제일 싼 건?" after "1TB 이상 요금제 뭐 있어?": the cheapest of 프로 and 팀 (the search
    query keeps no number, and the free plan, the cheapest of all, led)."""
    listed, cheapest, largest = _chat(
        engine, tmp_path, "1TB 이상 요금제 뭐 있어?", "그 중에 제일 싼 건?", "용량 제일 큰 건?"
    )
    assert [s.text.split(" | ")[0] for s in listed.summary_sentences] == ["프로", "팀"]
    assert cheapest.summary_sentences[0].text.startswith("팀 | "), cheapest.summary
    # Kiwi reads 제일 as a noun here: the message seemed to name two things, stood alone and abstained
    assert not largest.abstained and largest.summary_sentences[0].text.startswith("프로 | "), largest.summary


#: A report whose table names its columns by years, the rows by what is counted.
RESULTS = """# 2024년 경영 실적 보고

## 요약

올해는 신규 고객 확대와 비용 절감으로 매출과 이익이 모두 늘었습니다. 해외 매출 비중은 처음으로 30%를 넘었습니다.

## 연도별 실적

| 구분 | 2022년 | 2023년 | 2024년 |
|---|---|---|---|
| 매출 | 98억 원 | 120억 원 | 150억 원 |
| 영업이익 | 6억 원 | 10억 원 | 18억 원 |
| 직원 수 | 70명 | 85명 | 110명 |
| 고객사 | 210곳 | 260곳 | 340곳 |

## 지역별 매출

| 지역 | 매출 비중 | 전년 대비 |
|---|---|---|
| 수도권 | 55% | +8% |
| 영남 | 25% | +3% |
| 호남 | 12% | -2% |
| 해외 | 8% | +40% |

## 내년 계획

내년에는 동남아시아 법인을 세우고 매출 200억 원을 목표로 합니다.
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory, analyzer: KoreanAnalyzer) -> Iterator[Engine]:
    yield from _engine_over("실적.md", RESULTS, tmp_path_factory, analyzer)


@pytest.mark.parametrize(
    ("question", "line"),
    [
        # it led with next year's target ("내년에는 … 매출 200억 원을 목표로"), the table's rows quoted raw
        ("2024년 매출은 얼마야?", "“매출” — 2024년: 150억 원 (2022년: 98억 원, 2023년: 120억 원)"),
        ("2023년 고객사 몇 곳이었어?", "“고객사” — 2023년: 260곳 (2022년: 210곳, 2024년: 340곳)"),
        ("매출이 제일 많은 해는?", "“매출” — 2024년: 150억 원"),
        ("연도별 직원 수 알려줘", "“직원 수” — 2022년: 70명, 2023년: 85명, 2024년: 110명"),
        # the column of changes ("+8%", "-2%") read by its signs
        ("전년보다 매출 줄어든 지역 있어?", "“호남” — 전년 대비: -2% (매출 비중: 12%)"),
        ("가장 많이 성장한 지역은?", "“해외” — 전년 대비: +40% (매출 비중: 8%)"),
    ],
)
def test_a_table_by_years_answers_the_cell_asked(results: Engine, question: str, line: str) -> None:
    """ "구분 | 2022년 | 2023년 | 2024년" heads its table (numbers that name periods), so a row is
    read by its years; the row the question names leads, the year it asks for first."""
    answer = results.ask(question)
    assert answer.summary.startswith(line), answer.summary
    assert "구분 | 2022년" not in answer.summary


def test_a_row_asked_after_a_year_is_asked_of_that_year(results: Engine, tmp_path: Path) -> None:
    _, profit, clients = _chat(results, tmp_path, "2024년 매출은 얼마야?", "영업이익은?", "고객사는?")
    assert profit.summary.startswith("“영업이익” — 2024년: 18억 원"), profit.summary
    assert clients.summary.startswith("“고객사” — 2024년: 340곳"), clients.summary


def test_the_year_of_an_extreme_asked_after_a_row_is_read_along_it(results: Engine, tmp_path: Path) -> None:
    """ "제일 많았던 해는?" stood alone (해 read as a topic) and abstained; 해 asks an aspect of the row."""
    _, most, sales = _chat(results, tmp_path, "직원 수 몇 명이야?", "제일 많았던 해는?", "매출은?")
    assert most.followup == "ellipsis" and most.summary.startswith("“직원 수” — 2024년: 110명"), most.summary
    # the extreme goes on too: 매출's most, not its row as written
    assert sales.summary.startswith("“매출” — 2024년: 150억 원 (2022년"), sales.summary


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory, analyzer: KoreanAnalyzer) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("sheets")
    staff: list[list[object]] = [["이름", "부서", "내선"]]
    staff += [[f"{family}{given}", team, f"{100 + i}"] for i, (family, given, team) in enumerate(STAFF)]
    (folder / "명단.xlsx").write_bytes(workbook({"직원 명단": staff, "요금제": PLANS}))
    (folder / "지역.csv").write_bytes("지역,매출 비중,전년 대비\n수도권,55%,+8%\n호남,12%,-2%\n".encode("cp949"))
    engine, _ = real_engine(folder, tmp_path_factory.mktemp("index"), analyzer)
    yield engine
    engine.index.close()


STAFF = [
    (family, given, team)
    for family in ("김", "이", "박", "최", "정")
    for given, team in (
        ("민준", "인사팀"),
        ("서연", "개발팀"),
        ("도윤", "재무팀"),
        ("하은", "영업팀"),
        ("지호", "개발팀"),
    )
]


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("프로 요금제 월 요금은?", "“프로” — 월 요금: 19,900"),
        ("정하은 내선 번호 알려줘", "“정하은” — 내선: 123"),  # row 24 of 25: a table of its own, under the first row
        ("전년보다 줄어든 지역은?", "“호남” — 전년 대비: -2%"),  # a CSV saved by Excel (CP949)
    ],
)
def test_a_spreadsheet_s_rows_are_read_by_their_column_names(sheets: Engine, question: str, line: str) -> None:
    answer = sheets.ask(question)
    assert answer.summary.startswith(line), answer.summary


#: A manual's pages as a desktop guide writes them: what a setting is, then the steps that change it.
MANUAL = """# 화면 설정

## 화면 해상도 바꾸기

### 자체 해상도

노트북 화면과 LCD 모니터의 자체 해상도는 가장 선명하게 보이는 설정값입니다.
화면을 다른 해상도로 나타내면 글자가 흐릿해질 수 있습니다.

### 해상도 설정

1. 현재 활동 개요를 열고 디스플레이 입력을 시작합니다.
2. 디스플레이를 눌러 창을 엽니다.
3. 방향, 배율, 재생률을 선택합니다.
4. 적용을 누릅니다.

## 야간 모드

야간 모드는 저녁 시간대에 화면 색을 따뜻하게 바꿉니다.
"""


@pytest.fixture(scope="module")
def manual(tmp_path_factory: pytest.TempPathFactory, analyzer: KoreanAnalyzer) -> Iterator[Engine]:
    yield from _engine_over("화면.md", MANUAL, tmp_path_factory, analyzer)


def test_a_lead_on_what_a_setting_is_is_followed_by_the_steps_that_change_it(manual: Engine) -> None:
    """ "모니터 해상도 어디서 바꿔": the sentences on 해상도 lead, and the page's procedure follows them,
    each step on a line of its own, on to the step that picks it (3.)."""
    answer = manual.ask("모니터 해상도 어디서 바꿔")
    said = [s.text for s in answer.summary_sentences]
    assert not said[0][:1].isdigit()
    assert [s[:2] for s in said if s[:1].isdigit()] == ["1.", "2.", "3.", "4."]
    assert "\n3. 방향, 배율, 재생률을 선택합니다." in answer.summary


def test_a_procedure_of_another_section_does_not_follow_an_answer_it_is_not_about(engine: Engine) -> None:
    """ "DB 어떻게 띄워?" is answered under the wiki's "로컬 데이터베이스"; the steps of "저장소 받기" (SSH
    key, git clone) followed it as the page's nearest procedure. A table named by a column only gives
    way to the sentence that says what was asked ("수출 비중은?": the regions' 매출 비중 led), and what
    rose most is read in the column of changes ("매출이 제일 많이 늘어난 지역은?": 수도권 +8% led)."""
    db = engine.ask("DB 어떻게 띄워?")
    assert "docker compose up -d db" in db.summary_sentences[0].text
    assert not any("SSH" in s.text or "git clone" in s.text for s in db.summary_sentences), db.summary
    assert _first(engine, "수출 비중은?")[0].startswith("수출 비중은 처음으로 10%에 가까워졌습니다")
    assert "충청" in _first(engine, "매출이 제일 많이 늘어난 지역은?")[0]


def test_plans_cheaper_than_one_are_the_rows_below_its_price(engine: Engine, tmp_path: Path) -> None:
    """ "프로보다 싼 요금제 있어?" led with 프로's own row; so did "그거보다 싼 건?" after "프로 요금제 얼마야?"."""
    cheaper = [s.text for s in engine.ask("프로보다 싼 요금제 있어?").summary_sentences]
    assert [s.split(" | ")[0] for s in cheaper[:3]] == ["베이직", "스탠다드", "팀"], cheaper
    _, pointed = _chat(engine, tmp_path, "프로 요금제 얼마야?", "그거보다 싼 건?")
    assert pointed.summary.startswith("“베이직” — 월 요금: 무료"), pointed.summary


def test_a_sum_with_its_scale_names_no_cell_and_a_bound_reads_no_table_it_is_not_about(engine: Engine) -> None:
    """ "10만 원 넘는 숙박비는?": 10만 is 100,000 (not "10" with the particle 만, which named the report's
    영업이익 of 10억 원), and the report's table in 억 원 is not what a bound on 숙박비 is asked of: the
    regulation's line on 숙박비 leads."""
    answer = engine.ask("10만 원 넘는 숙박비는?")
    assert answer.summary_sentences[0].text.startswith("숙박비는 1박당 10만 원을 한도로"), answer.summary


def test_a_bound_on_a_row_by_years_reads_the_reports_table_in_its_unit(engine: Engine) -> None:
    """ "매출 100억 넘은 해는?": the report's table is in 억 원 (its note says so) and by years: 2023 and
    2024 (120, 150) lead; the CSV's "매출 비중" (shares) is no amount, and nothing is said to be none."""
    answer = engine.ask("매출 100억 넘은 해는?")
    lead = answer.summary_sentences[0].text
    assert lead.startswith("매출액 | ") and "참고" not in answer.summary, answer.summary
    assert answer.summary.startswith("“매출액” — 2023년: 120, 2024년: 150"), answer.summary
