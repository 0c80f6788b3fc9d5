"""Superlatives over a table's rows (assistant.answer.tables), without a model."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from assistant.answer.summarize import Candidate, is_header, labels_only, with_table_headers
from assistant.answer.tables import (
    MOST_ROWS,
    _names,
    asked_bound,
    asked_extreme,
    asked_relative,
    asks_a_table,
    bounded_rows,
    column_names,
    extreme_rows,
    listed_rows,
    named_rows,
    rows_asked,
    signed,
    states_bound,
    tables,
    value,
)
from assistant.answer.templates import Line, compose
from assistant.search.retrieval import TABLE_BOOST, _table_boost
from assistant.text.chunking import Chunk

HEADER = "요금제 | 월 요금 | 저장 용량 | 동시 접속"
ROWS = [
    "베이직 | 무료 | 5GB | 1대",
    "스탠다드 | 9,900원 | 200GB | 3대",
    "프로 | 19,900원 | 2TB | 5대",
    "팀 | 사용자당 12,000원 | 사용자당 1TB | 무제한",
]


def _rows(header: str = HEADER, citation: int = 1) -> list[Candidate]:
    out, at = [], 0
    for i, text in enumerate(ROWS):
        out.append(
            Candidate(citation, at, at + len(text), text, i, doc_id="plans.md", section=f"요금제 비교 > {header}")
        )
        at += len(text) + 1
    return out


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("9,900원", 9900.0),
        ("2억 원", 2e8),
        ("5천만 원", 5e7),
        ("200GB", 200 * 1024.0**2),
        ("2TB", 2 * 1024.0**3),
        ("무료", 0.0),
        ("무제한", math.inf),
        ("이메일", None),
    ],
)
def test_a_cell_is_read_with_its_scale(cell: str, expected: float | None) -> None:
    assert value(cell) == expected


@pytest.mark.parametrize(
    ("question", "most", "price"),
    [
        ("제일 싼 요금제는?", False, True),
        ("가장 저렴한 건 뭐야?", False, True),
        ("용량 제일 큰 요금제는?", True, False),
        ("가장 비싼 요금제", True, True),
        ("최대 몇 명까지 돼?", True, False),
    ],
)
def test_the_extreme_asked_for(question: str, most: bool, price: bool) -> None:
    asked = asked_extreme(question)
    assert asked is not None and (asked.most, asked.kind == "price") == (most, price)


@pytest.mark.parametrize("question", ["제일 좋은 요금제는?", "요금제 종류 알려줘", "가장 중요한 원칙은?"])
def test_no_extreme_of_size_or_price_is_asked(question: str) -> None:
    assert asked_extreme(question) is None


@pytest.mark.parametrize(
    ("question", "first_cell"),
    [
        ("제일 싼 요금제는?", "베이직"),
        ("가장 비싼 요금제는?", "프로"),
        ("저장 용량이 가장 작은 요금제", "베이직"),
        ("용량 제일 큰 요금제는?", "프로"),
        ("동시 접속 가장 많은 요금제", "팀"),
    ],
)
def test_the_row_holding_the_extreme(question: str, first_cell: str) -> None:
    asked = asked_extreme(question)
    assert asked is not None
    rows = extreme_rows(tables(_rows()), asked)
    assert [r.text.split(" | ")[0] for r in rows] == [first_cell]


def test_rows_without_a_header_of_labels_are_no_table_to_read() -> None:
    asked = asked_extreme("제일 싼 요금제는?")
    assert asked is not None
    assert extreme_rows(tables(_rows(header="요금제 비교")), asked) == []


def test_a_column_the_question_does_not_name_answers_no_size() -> None:
    """ "가장 큰 도시는?" names no column of the plans, and a size is no price."""
    asked = asked_extreme("가장 큰 도시는?")
    assert asked is not None
    assert extreme_rows(tables(_rows()), asked) == []


@pytest.mark.parametrize("question", ["요금제 종류 알려줘", "요금제에는 어떤 것들이 있어?", "어떤 요금제들이 있나요?"])
def test_a_list_of_what_the_first_column_names_is_the_table_s_rows(question: str) -> None:
    rows = listed_rows(tables(_rows()), question.split())
    assert [r.text for r in rows] == ROWS


def test_a_list_of_what_no_first_column_names_is_no_table_s_rows() -> None:
    """ "용량" heads a column, not the rows: the rows are no list of 용량."""
    assert listed_rows(tables(_rows()), ["용량", "종류", "알려줘"]) == []


def test_a_long_table_lists_its_first_rows() -> None:
    many = [
        Candidate(1, i * 20, i * 20 + 10, f"상품{i} | {i}원", i, doc_id="d", section="가격 > 상품 | 가격")
        for i in range(MOST_ROWS + 4)
    ]
    rows = listed_rows(tables(many), ["상품"])
    assert [r.text for r in rows] == [f"상품{i} | {i}원" for i in range(MOST_ROWS)]


@pytest.mark.parametrize(
    ("question", "limit", "unit", "below", "strict"),
    [
        ("월 1만 원 이하 요금제", 1e4, "원", True, False),
        ("만원보다 싼 요금제 있어?", 1e4, "원", True, True),
        ("10000원 미만 요금제", 1e4, "원", True, True),
        ("1TB 이상 되는 요금제", 1024.0**3, "B", False, False),
        ("동시 접속 3대 넘는 요금제", 3.0, "대", False, True),
        ("입사 1년 안 됐으면 연차 며칠?", 525600.0, "년", True, True),  # not reached yet: less than it (minutes)
        ("3년 안 된 직원", 3 * 525600.0, "년", True, True),
        ("매출 비중 10% 이상인 지역", 10.0, "%", False, False),
    ],
)
def test_the_bound_a_question_sets(question: str, limit: float, unit: str, below: bool, strict: bool) -> None:
    bound = asked_bound(question)
    assert bound is not None
    assert (bound.limit, bound.unit, bound.below, bound.strict) == (limit, unit, below, strict)


@pytest.mark.parametrize("question", ["요금제 종류 알려줘", "천천히 해도 돼?", "만 명이 넘게 왔어"])
def test_no_bound_is_set(question: str) -> None:
    """천 of 천천히 is no number; 만 without 원 is none either."""
    assert asked_bound(question) is None


def test_a_bound_in_a_unit_no_column_is_written_in_bounds_no_row() -> None:
    bound = asked_bound("3월까지 신청")
    assert bound is not None and bound.unit == "월"
    assert bounded_rows(tables(_rows()), bound) is None


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("월 1만 원 이하 요금제", ["베이직", "스탠다드"]),
        ("만원보다 싼 요금제 있어?", ["베이직", "스탠다드"]),
        ("1TB 이상 되는 요금제", ["프로", "팀"]),
        ("동시 접속 3대 넘는 요금제", ["프로", "팀"]),  # 무제한 is more than any number
        ("2만원 넘는 요금제", []),
    ],
)
def test_the_rows_within_the_bound(question: str, names: list[str]) -> None:
    bound = asked_bound(question)
    assert bound is not None
    assert [r.text.split(" | ")[0] for r in bounded_rows(tables(_rows()), bound)] == names


def test_times_are_read_on_one_scale() -> None:
    assert value("16시간") == 16 * 60.0
    assert value("2일") == 2 * 1440.0
    assert value("90분") == 90.0
    assert value("2일") == value("48시간")


def test_how_long_reads_the_column_of_times() -> None:
    """ "가장 짧은 과정은?" names no column; 짧다 asks a time, and the hours column holds them."""
    header = "과정 | 수강료 | 교육 시간"
    texts = ["분석 | 150,000원 | 16시간", "리더십 | 무료 | 8시간", "입문 | 90,000원 | 2일"]
    rows = [
        Candidate(1, i * 30, i * 30 + 20, t, i, doc_id="d", section=f"비용 > {header}") for i, t in enumerate(texts)
    ]
    shortest, longest = asked_extreme("가장 짧은 과정은?"), asked_extreme("제일 오래 걸리는 건?")
    assert shortest is not None and longest is not None
    assert [r.text for r in extreme_rows(tables(rows), shortest)] == ["리더십 | 무료 | 8시간"]
    assert [r.text for r in extreme_rows(tables(rows), longest)] == ["입문 | 90,000원 | 2일"]
    cheapest = asked_extreme("제일 싼 과정")
    assert cheapest is not None and [r.text for r in extreme_rows(tables(rows), cheapest)] == ["리더십 | 무료 | 8시간"]


def test_a_row_read_under_a_header_is_shown_by_its_column_names() -> None:
    row = _rows()[0]
    assert column_names(row) == ("요금제", "월 요금", "저장 용량", "동시 접속")
    line = Line(row.text, 1, quoted=True, columns=column_names(row))
    assert line.render() == "“베이직” — 월 요금: 무료, 저장 용량: 5GB, 동시 접속: 1대 [1]"


def test_a_row_without_a_header_of_as_many_cells_is_quoted_as_it_is() -> None:
    row = replace(_rows()[0], section="요금제 비교 > 요금제 | 월 요금")
    assert column_names(row) == ()
    assert Line(row.text, 2, quoted=True).render() == "“베이직 | 무료 | 5GB | 1대” [2]"
    short = Line("베이직 |  | 5GB", 3, quoted=True, columns=("요금제", "월 요금", "저장 용량"))
    assert short.render() == "“베이직” — 저장 용량: 5GB [3]"  # an empty cell is left out


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("프로랑 팀 중에 뭐가 더 싸?", ["팀", "프로"]),  # the answer, then what it is compared with
        ("스탠다드하고 프로 중 뭐가 용량이 더 커?", ["프로", "스탠다드"]),
        ("베이직이랑 스탠다드 중 더 비싼 건?", ["스탠다드", "베이직"]),
    ],
)
def test_which_of_the_rows_named_is_more_so(question: str, names: list[str]) -> None:
    asked = asked_extreme(question)
    assert asked is not None and asked.among
    assert [r.text.split(" | ")[0] for r in extreme_rows(tables(_rows()), asked)] == names


def test_more_of_one_row_named_is_no_comparison_of_rows() -> None:
    """ "프로보다 더 큰 건?" names one row: the table is not read for it."""
    asked = asked_extreme("프로 용량 더 큰 거 있어?")
    assert asked is not None
    assert extreme_rows(tables(_rows()), asked) == []
    assert asked_extreme("더 자세히 알려줘") is None


@pytest.mark.parametrize(
    ("question", "names"),
    [("무료 요금제 있어?", ["베이직"]), ("무제한 접속 되는 거?", ["팀"]), ("5대 되는 요금제", ["프로"])],
)
def test_the_rows_whose_value_the_question_names(question: str, names: list[str]) -> None:
    assert [r.text.split(" | ")[0] for r in named_rows(tables(_rows()), question.split())] == names


def test_a_value_every_row_holds_or_a_table_of_descriptions_names_no_row() -> None:
    assert named_rows(tables(_rows()), ["요금제"]) == []  # a header's word, in no cell
    long = [
        Candidate(1, i * 80, i * 80 + 60, t, i, doc_id="d", section="키 > 키 | 기능")
        for i, t in enumerate(
            ["Ctrl+C | 선택한 내용을 클립보드에 복사합니다", "Ctrl+V | 클립보드의 내용을 붙여 넣습니다"]
        )
    ]
    assert named_rows(tables(long), ["복사합니다"]) == []  # cells that describe are no values


@pytest.mark.parametrize("question", ["3월 14일까지 신청하면 돼?", "4월 1일부터 바뀌어?", "2025년부터 달라지는 점"])
def test_a_date_bounds_no_amount(question: str) -> None:
    """ "3월 14일까지" is a day of a month, not 14 days; "2025년부터" a year, not 2025 years."""
    assert asked_bound(question) is None


def test_a_bound_in_hours_reads_the_column_of_times() -> None:
    bound = asked_bound("교육 시간 10시간 이상인 과정")
    assert bound is not None and (bound.limit, bound.unit, bound.below) == (600.0, "시간", False)
    header = "과정 | 수강료 | 교육 시간"
    texts = ["분석 | 150,000원 | 16시간", "리더십 | 무료 | 8시간", "입문 | 90,000원 | 12시간"]
    rows = [
        Candidate(1, i * 30, i * 30 + 20, t, i, doc_id="d", section=f"비용 > {header}") for i, t in enumerate(texts)
    ]
    assert [r.text.split(" | ")[0] for r in bounded_rows(tables(rows), bound) or []] == ["분석", "입문"]
    within = asked_bound("처리 기간 7일 이내인 거")
    assert within is not None and within.below and within.limit == 7 * 1440.0


@pytest.mark.parametrize(
    "row", ["이름 | 부서 | 연락처", "구분 | 내용 | 비고", "상품명 | 가격 | 재고", "품목 | 단가 | 수량 | 합계"]
)
def test_a_table_s_first_row_of_short_cells_is_its_header(row: str) -> None:
    """Their last syllables (서, 고, 가) read as endings to labels_only; first in a table, they head it."""
    assert not labels_only(row)
    assert is_header(row, first=True)
    assert not is_header(row, first=False)  # further down, a row of words is a row


@pytest.mark.parametrize(
    "row",
    [
        "김민수 | 인사팀 | 내선 1234",
        "문서를 저장합니다 | 파일 메뉴",
        "하나 | 아주 긴 설명이 들어가는 칸입니다 정말로 | 셋",
    ],
)
def test_a_row_with_a_number_a_sentence_or_a_long_cell_heads_nothing(row: str) -> None:
    assert not is_header(row, first=True)


def test_rows_under_a_first_row_of_short_cells_are_read_by_it() -> None:
    texts = ["이름 | 부서 | 비고", "김민수 | 인사팀 | 팀장", "이서연 | 개발팀 | 팀장", "박지훈 | 개발팀 | 신입"]
    sentences, at = [], 0
    for i, t in enumerate(texts):
        sentences.append(Candidate(1, at, at + len(t), t, i, doc_id="d", section="담당자"))
        at += len(t) + 1
    read = with_table_headers(sentences)
    assert [c.text for c in read] == texts[1:]  # the header row is no answer
    assert all(c.section == "담당자 > 이름 | 부서 | 비고" for c in read)
    assert [r.text.split(" | ")[0] for r in named_rows(tables(read), ["개발팀", "팀장"])] == ["이서연"]


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("1TB 이상 중에 제일 싼 요금제", ["팀"]),  # the cheapest of 프로 and 팀, not 베이직
        ("월 1만원 이하 중 용량 제일 큰 거", ["스탠다드"]),  # 원 bounds the price, though 용량 is named
    ],
)
def test_an_extreme_among_the_rows_within_a_bound(question: str, names: list[str]) -> None:
    asked, bound = asked_extreme(question), asked_bound(question)
    assert asked is not None and bound is not None
    assert [r.text.split(" | ")[0] for r in extreme_rows(tables(_rows()), asked, bound)] == names


def test_one_row_within_a_bound_is_the_extreme_of_it() -> None:
    """ "2TB 이상 중에 제일 싼 요금제": 프로 alone is within; the free plan, the cheapest of all, led."""
    asked = rows_asked(_rows(), "2TB 이상 중에 제일 싼 요금제")
    assert [r.text.split(" | ")[0] for r in asked.rows] == ["프로"] and asked.none_within == ""


def test_no_row_within_a_bound_answers_no_row_and_says_so() -> None:
    asked = rows_asked(_rows(), "3TB 이상 중에 제일 싼 요금제")
    assert asked.rows == [] and asked.none_within == "3TB 이상"
    # a bound the question before set is not said again
    assert rows_asked(_rows(), "그 중에 제일 싼 건?", within="3TB 이상").none_within == ""


YEARS = "구분 | 2022년 | 2023년 | 2024년"
RESULTS = [
    "매출 | 98억 원 | 120억 원 | 150억 원",
    "영업이익 | 6억 원 | 10억 원 | 18억 원",
    "직원 수 | 70명 | 85명 | 110명",
]


def _read(texts: list[str], doc: str = "실적.md") -> list[Candidate]:
    """The candidates of one passage holding ``texts`` in turn, read as with_table_headers reads them."""
    out, at = [], 0
    for i, t in enumerate(texts):
        out.append(Candidate(1, at, at + len(t), t, i, doc_id=doc, section="연도별 실적"))
        at += len(t) + 1
    return with_table_headers(out)


@pytest.mark.parametrize(
    "row", [YEARS, "항목 | 1분기 | 2분기 | 3분기", "구분 | FY2023 | FY2024(E)", "지표 | '23 | '24", "과정 | 1차 | 2차"]
)
def test_a_first_row_naming_periods_heads_its_table(row: str) -> None:
    assert is_header(row, first=True)


@pytest.mark.parametrize("row", ["매출 | 98억 원 | 120억 원", "2024년 | 150억 원 | 18억 원", "철수 | 12 | 15"])
def test_a_first_row_of_values_heads_nothing(row: str) -> None:
    assert not is_header(row, first=True)


@pytest.mark.parametrize(
    ("question", "rows", "columns"),
    [
        ("2024년 매출은 얼마야?", ["매출"], ("2024년",)),
        ("직원수 2023년엔 몇 명?", ["직원 수"], ("2023년",)),  # the cell written as one word
        ("직원 수 몇 명이야?", [], ()),  # a row named alone: the summary's choice
        ("매출이 제일 많은 해는?", ["매출"], ("2024년",)),  # a superlative along the row named
        ("영업이익이 가장 적었던 해는?", ["영업이익"], ("2022년",)),
        ("2022년 실적은?", ["매출", "영업이익", "직원 수"], ("2022년",)),  # a column alone: every row
    ],
)
def test_the_rows_and_columns_a_question_names(question: str, rows: list[str], columns: tuple[str, ...]) -> None:
    asked = rows_asked(_read([YEARS, *RESULTS]), question)
    assert [r.text.split(" | ")[0] for r in asked.rows] == rows
    assert asked.columns == columns


def test_a_row_is_shown_with_the_columns_asked_first() -> None:
    row = next(r for r in _read([YEARS, *RESULTS]) if r.text.startswith("매출"))
    line = Line(row.text, 1, quoted=True, columns=column_names(row), asked=("2024년",))
    assert line.render() == "“매출” — 2024년: 150억 원 (2022년: 98억 원, 2023년: 120억 원) [1]"
    unasked = Line(row.text, 1, quoted=True, columns=column_names(row))
    assert unasked.render() == "“매출” — 2022년: 98억 원, 2023년: 120억 원, 2024년: 150억 원 [1]"


@pytest.mark.parametrize("question", ["창 전환 단축키", "매출이랑 영업이익이랑 직원 수"])
def test_no_row_is_named_in_a_table_without_a_header_or_when_all_are(question: str) -> None:
    """A table of key bindings has no header row: its first row ("… | 끔") was read as one, though
    its column holds "끔" below (summarize.table_headers). Every row named picks none."""
    keys = ["창 닫기 | 끔", "창 전환 | Alt+Tab", "창 숨김 | 끔", "창 이동 | Alt+F7"]
    for table in (_read(keys, "keys.html"), _read([YEARS, *RESULTS])):
        assert rows_asked(table, question).rows == []


def test_the_columns_a_question_names_or_takes_its_extreme_in_come_first() -> None:
    assert rows_asked(_rows(), "용량 제일 큰 요금제는?").columns == ("저장 용량",)
    assert rows_asked(_rows(), "제일 싼 요금제는?").columns == ("월 요금",)
    asked = rows_asked(_rows(), "팀 요금제 동시 접속은?")  # a row named by one syllable
    assert [r.text.split(" | ")[0] for r in asked.rows] == ["팀"] and asked.columns == ("동시 접속",)


def test_a_follow_up_names_rows_and_columns_by_what_it_is_searched_as_and_asked_before() -> None:
    """ "동시 접속은?" after "프로 요금제 얼마야?" is searched "프로 요금제 동시 접속": the row 프로 (every row
    led, by their 동시 접속); "영업이익은?" after "2024년 매출은 얼마야?" asks 2024년 of 영업이익."""
    access = rows_asked(_rows(), "동시 접속은?", searched="프로 요금제 동시 접속")
    assert [r.text.split(" | ")[0] for r in access.rows] == ["프로"] and access.columns == ("동시 접속",)
    profit = rows_asked(_read([YEARS, *RESULTS]), "영업이익은?", searched="영업이익", before="2024년 매출은 얼마야?")
    assert [r.text.split(" | ")[0] for r in profit.rows] == ["영업이익"] and profit.columns == ("2024년",)
    assert rows_asked(_read([YEARS, *RESULTS]), "영업이익은?", searched="영업이익").rows == []  # nothing asked of it


@pytest.mark.parametrize(
    "texts",
    [
        ["창 닫기 | 끔", "창 전환 | Alt+Tab", "창 숨김 | 끔"],  # a first row's cell is a value below
        ["다음 입력기로 전환 | Super+Space", "창 닫기 | Alt+F4", "창 숨김 | Super+H"],  # keys pressed together
        ["작업 | 단축키", "창 메뉴 활성 | Alt+Space", "창 닫기 | Alt+F4"],  # a header, then no row of keys heads
    ],
)
def test_a_table_of_values_with_no_header_row_is_read_without_one(texts: list[str]) -> None:
    """ "“수직으로 창 최대화” — Super+Space: 끔" was shown: a row of key bindings read as the header."""
    rows = [c for c in _read(texts, "keys.html") if c.text != "작업 | 단축키"]  # a row of labels stays a candidate
    assert [c.text for c in rows] == [t for t in texts if t != "작업 | 단축키"]
    headed = texts[0] == "작업 | 단축키"
    assert all(column_names(c) == (("작업", "단축키") if headed else ()) for c in rows)


@pytest.mark.parametrize(("cell", "expected"), [("-2%", -2.0), ("+8%", 8.0), ("▼1.5", -1.5), ("△3", -3.0), ("▲4", 4.0)])
def test_a_change_is_read_with_its_sign(cell: str, expected: float) -> None:
    assert value(cell) == expected and signed(cell)


REGIONS = [
    "지역 | 매출 비중 | 전년 대비",
    "수도권 | 55% | +8%",
    "영남 | 25% | +3%",
    "호남 | 12% | -2%",
    "해외 | 8% | +40%",
]


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("전년보다 줄어든 지역은?", ["호남"]),
        ("매출이 늘어난 지역 알려줘", ["수도권", "영남", "해외"]),
        ("가장 많이 늘어난 지역은?", ["해외"]),
        ("제일 크게 떨어진 곳", ["호남"]),  # what fell most is the least change
        ("매출 비중이 제일 큰 지역은?", ["수도권"]),  # the column named, not the changes
        # 매출 names "매출 비중", but what rose most is read in its change (it read 수도권, of 55%)
        ("매출이 제일 많이 늘어난 지역은?", ["해외"]),
    ],
)
def test_what_rose_or_fell_is_read_in_the_column_of_changes(question: str, names: list[str]) -> None:
    asked = rows_asked(_read(REGIONS, "지역.md"), question)
    assert [r.text.split(" | ")[0] for r in asked.rows] == names
    assert asked.columns == (("매출 비중",) if "비중" in question else ("전년 대비",))


def test_a_row_is_named_without_what_its_name_says_in_brackets() -> None:
    quarters = [
        "구분 | 1분기 | 2분기 | 3분기 | 4분기",
        "매출액(억 원) | 32 | 35 | 38 | 45",
        "영업이익(억 원) | 3 | 4 | 4.5 | 6.5",
    ]
    asked = rows_asked(_read(quarters), "3분기 매출액은?")
    assert [r.text.split(" | ")[0] for r in asked.rows] == ["매출액(억 원)"] and asked.columns == ("3분기",)
    assert rows_asked(_read(quarters), "영업이익 가장 높은 분기는?").columns == ("4분기",)
    sales = rows_asked(_read(quarters), "3분기 매출은?")  # 매출액 is the amount of 매출
    assert [r.text.split(" | ")[0] for r in sales.rows] == ["매출액(억 원)"]


def test_which_period_is_asked_along_a_row_of_a_table_by_periods() -> None:
    """ "매출이 제일 많은 해는?" was answered by the table of regions ranked first (its "매출 비중")."""
    both = _read(REGIONS, "a.md") + _read([YEARS, *RESULTS], "b.md")
    assert tables(both)[0].header[0] == "지역"
    asked = rows_asked(both, "매출이 제일 많은 해는?")
    assert [r.text.split(" | ")[0] for r in asked.rows] == ["매출"] and asked.columns == ("2024년",)
    assert [r.text.split(" | ")[0] for r in rows_asked(both, "매출 비중이 제일 큰 지역은?").rows] == ["수도권"]


def test_a_header_written_again_over_the_next_rows_heads_them_too() -> None:
    """A long sheet is written as tables of a few rows, each under its first row (ingest.sheets); a
    passage holding two of them read the second header as a value below the first, and no row had
    column names."""
    read = _read(["이름 | 부서 | 내선", "김민준 | 인사팀 | 100", "이름 | 부서 | 내선", "박도윤 | 재무팀 | 112"])
    assert [c.text for c in read] == ["김민준 | 인사팀 | 100", "박도윤 | 재무팀 | 112"]
    assert all(column_names(c) == ("이름", "부서", "내선") for c in read)


def test_a_row_compared_is_not_labelled_by_its_own_name() -> None:
    """ "매출이랑 영업이익 비교" read "- 매출: “매출” — 2022년: …"."""
    sales, profit = (r for r in _read([YEARS, *RESULTS]) if not r.text.startswith("직원"))
    lines = [Line(r.text, 1, r.text.split(" | ")[0], True, columns=column_names(r)) for r in (sales, profit)]
    lines.append(Line("영업이익은 두 배 가까이 늘었습니다.", 2, "영업이익"))
    assert compose("comparison", lines).splitlines() == [
        "문서에 나온 비교:",
        "- “매출” — 2022년: 98억 원, 2023년: 120억 원, 2024년: 150억 원 [1]",
        "- “영업이익” — 2022년: 6억 원, 2023년: 10억 원, 2024년: 18억 원 [1]",
        "- 영업이익: 영업이익은 두 배 가까이 늘었습니다. [2]",  # a sentence keeps its side's label
    ]


def test_no_row_changed_as_asked_is_said_so() -> None:
    rising = [REGIONS[0], *(r.replace("-2%", "+1%") for r in REGIONS[1:])]
    asked = rows_asked(_read(rising, "지역.md"), "매출 줄어든 지역 있어?")
    assert asked.rows == [] and asked.none_within == "줄어든"
    assert rows_asked(_read(REGIONS, "지역.md"), "매출 줄어든 지역 있어?").none_within == ""


def test_a_question_a_table_answers_lifts_the_tables_of_the_documents_found() -> None:
    """ "직원이 제일 많았던 해는?" ranked the report's table 8th (the regulation says 직원 on every line)."""
    texts = {
        ("취업규칙.txt", 0): "회사는 1년간 출근한 직원에게 15일의 유급휴가를 준다.",
        ("실적.md", 1): "올해는 매출과 이익이 모두 늘었습니다.",
        ("취업규칙.txt", 2): "임금은 매월 25일에 직원 계좌로 지급한다.",
        ("실적.md", 3): "\n".join([YEARS, *RESULTS]),
        ("요금제.md", 4): "\n".join([HEADER, *ROWS]),  # a table of a document not found
    }
    chunks = [Chunk(f"c{i}", doc, i, "", 0, len(t), t, ()) for (doc, i), t in texts.items()]
    fused = np.array([0.8, 0.7, 0.6, 0.5, 0.45], dtype=np.float32)
    assert _table_boost(chunks, fused).tolist() == [0, 0, 0, TABLE_BOOST, 0]
    assert asks_a_table("직원이 제일 많았던 해는?") and asks_a_table("1TB 이상 요금제") and asks_a_table("줄어든 지역")
    assert not asks_a_table("직원 수 몇 명이야?") and not asks_a_table("3월 14일까지 내면 돼?")


def test_the_rows_of_one_table_in_several_passages_are_one_table() -> None:
    """A long sheet's pieces (each under its first row) in passages 1 and 2: the cheapest of both."""
    first = _rows()
    second = [
        replace(r, citation=2, start=r.start + 500, end=r.end + 500, text=r.text.replace("9,900원", "900원"))
        for r in _rows()[1:2]
    ]
    found = tables(first + second)
    assert len(found) == 1 and len(found[0].rows) == 5
    cheapest = asked_extreme("제일 싼 요금제는?")
    assert cheapest is not None and [r.text for r in extreme_rows(found, cheapest)] == ["베이직 | 무료 | 5GB | 1대"]
    again = [replace(r, citation=2) for r in _rows()]  # the same rows in a passage ranked lower: read once
    assert [r.citation for r in tables(again + first)[0].rows] == [1, 1, 1, 1]


def test_none_of_a_column_named_is_its_rows_of_zero() -> None:
    stock = [
        "상품명 | 가격 | 재고",
        "볼펜 | 1,000원 | 12개",
        "노트 | 2,000원 | 0개",
        "자 | 1,500원 | 없음",
        "풀 | 900원 | 3개",
    ]
    asked = rows_asked(_read(stock, "재고.md"), "재고 없는 상품 있어?")
    assert [r.text.split(" | ")[0] for r in asked.rows] == ["노트", "자"] and asked.columns == ("재고",)
    full = [s.replace("0개", "5개").replace("없음", "2개") for s in stock]
    assert rows_asked(_read(full, "재고.md"), "재고 없는 상품 있어?").none_within == "없는"
    assert rows_asked(_read(stock, "재고.md"), "문서에 없는 내용").rows == []  # no column named
    assert asks_a_table("재고 없는 상품 있어?")


def test_a_column_named_of_something_the_table_does_not_hold_is_left_to_the_sentence_that_says_it() -> None:
    """ "수출 비중은?" showed every region's "매출 비중", and "내년 목표 매출은?" the same rows, while the
    report beside the table says what was asked. A question naming the column of what the table
    holds, or only words the table writes ("지역별" of 지역), still gets its rows; so does one about
    something no sentence says ("서울 매출은?": the rows, nearest there is)."""
    said = [
        Candidate(2, 0, 30, "수출 비중은 처음으로 10%에 가까워졌습니다.", 0, doc_id="실적.md", section="요약"),
        Candidate(
            2, 31, 70, "내년에는 법인을 세우고 매출 200억 원을 목표로 합니다.", 1, doc_id="실적.md", section="요약"
        ),
    ]
    both = _read(REGIONS, "지역.md") + said
    assert rows_asked(both, "수출 비중은?").rows == []
    assert rows_asked(both, "내년 목표 매출은?").rows == []
    for question in ("매출 비중은?", "지역별 매출 비중 알려줘", "서울 매출은?"):
        assert [r.text.split(" | ")[0] for r in rows_asked(both, question).rows] == ["수도권", "영남", "호남", "해외"]
    # without the sentence, the table is the nearest there is
    assert len(rows_asked(_read(REGIONS, "지역.md"), "수출 비중은?").rows) == 4


@pytest.mark.parametrize(
    ("question", "searched", "names", "column", "none"),
    [
        ("프로보다 싼 요금제 있어?", "", ["베이직", "스탠다드", "팀"], "월 요금", ""),
        ("프로 요금제보다 저렴한 거", "", ["베이직", "스탠다드", "팀"], "월 요금", ""),
        ("스탠다드보다 용량 큰 요금제는?", "", ["프로", "팀"], "저장 용량", ""),  # 2TB and 1TB over 200GB
        ("베이직보다 비싼 요금제", "", ["스탠다드", "프로", "팀"], "월 요금", ""),
        ("베이직보다 싼 요금제", "", [], "월 요금", "베이직보다 싼"),  # nothing is below 무료: said so
        # pointing at the row the conversation is on: what it searched names it
        ("그거보다 싼 건?", "프로 월 요금 싼", ["베이직", "스탠다드", "팀"], "월 요금", ""),
    ],
)
def test_rows_compared_with_one_row_are_those_beyond_its_value(
    question: str, searched: str, names: list[str], column: str, none: str
) -> None:
    """ "프로보다 싼 요금제 있어?" showed the row of 프로 itself (the question names it)."""
    asked = rows_asked(_read([HEADER, *ROWS], "요금제.md"), question, searched=searched)
    assert [r.text.split(" | ")[0] for r in asked.rows] == names
    assert asked.columns == (column,) and asked.none_within == none


def test_what_is_compared_with_one_row_is_read_from_the_question() -> None:
    cheaper = asked_relative("프로보다 싼 요금제 있어?")
    assert cheaper is not None and cheaper.below and cheaper.kind == "price" and cheaper.target == ("프로",)
    bigger = asked_relative("스탠다드보다 용량 큰 요금제는?")
    assert bigger is not None and not bigger.below and "용량" in bigger.words and bigger.said == "스탠다드보다 용량 큰"
    pointed = asked_relative("그거보다 더 싼 건?")
    assert pointed is not None and pointed.target == () and pointed.than
    assert asked_relative("전년보다 줄어든 지역은?") is None  # a change, read by the column of changes
    assert asked_relative("예전보다 느려졌어요") is None
    # which of the rows named is more so is an extreme among them, not a comparison with one
    among = asked_relative("프로랑 팀 중에 뭐가 더 싸?")
    assert among is not None and not among.than
    table = _read([HEADER, *ROWS], "요금제.md")
    for searched in ("", "프로 요금제 얼마야"):  # whatever row the conversation was on
        rows = rows_asked(table, "프로랑 팀 중에 뭐가 더 싸?", searched=searched).rows
        assert [r.text.split(" | ")[0] for r in rows] == ["팀", "프로"]
    # 더 with one row named: compared with that row
    assert [r.text.split(" | ")[0] for r in rows_asked(table, "프로 더 싼 거 있어?").rows] == [
        "베이직",
        "스탠다드",
        "팀",
    ]


def test_a_sentence_states_the_bound_on_the_same_side_of_the_same_number() -> None:
    bound = asked_bound("입사 1년 안 됐으면 연차 며칠?")
    assert bound is not None
    assert states_bound("계속 근로기간이 1년 미만인 직원에게는 1개월 개근 시 1일의 유급휴가를 준다.", bound)
    assert not states_bound("3년 이상 계속 근로한 직원에게는 최초 1년을 초과하는 …", bound)
    assert not states_bound("회사는 1년 이상 근무한 직원에게 15일을 준다.", bound)  # the other side
    assert not states_bound("근로기간이 2년 미만인 직원", bound)  # another number


def test_a_number_with_its_scale_names_no_cell_of_that_number() -> None:
    """ "10만 원" is 100,000: it does not name a cell holding 10 (만 read as the particle "only")."""
    assert not _names(["10만", "원"], "10")
    assert _names(["10개만"], "10개")  # a particle after a counter still reads as one
    assert _names(["무료만"], "무료")


def test_a_share_is_bounded_only_by_a_bound_in_shares() -> None:
    """ "매출 100억 넘은 해는?" names the column "매출 비중" (55%, 25% …): no bound on an amount reads a
    column of shares, so no row is said to be within it, nor none; "10% 이상" reads it."""
    header = "지역 | 매출 비중 | 전년 대비"
    rows = [
        Candidate(1, at, at + 10, text, i, doc_id="매출.csv", section=f"지역별 매출 > {header}")
        for i, (at, text) in enumerate([(0, "수도권 | 55% | +8%"), (20, "영남 | 25% | +3%"), (40, "호남 | 12% | -2%")])
    ]
    amount, share = asked_bound("매출 100억 넘은 해는?"), asked_bound("매출 비중 20% 넘는 곳은?")
    assert amount is not None and share is not None
    assert bounded_rows(tables(rows), amount) is None
    assert [r.text.split(" | ")[0] for r in bounded_rows(tables(rows), share) or []] == ["수도권", "영남"]


def _report(note: str = "(단위: 억 원)") -> list[Candidate]:
    """A report's table by years under a note of its unit, as the summarizer's candidates."""
    header = "구분 | 2022년 | 2023년 | 2024년"
    lines = [note, "매출액 | 98 | 120 | 150", "영업이익 | 6 | 10 | 18", "직원 수(명) | 70 | 85 | 110"]
    out, at = [], 0
    for i, text in enumerate(lines):
        section = "실적 > 연도별 실적" + (f" > {header}" if i else "")
        out.append(Candidate(1, at, at + len(text), text, i, doc_id="report.md", section=section))
        at += len(text) + 1
    return out


@pytest.mark.parametrize(
    ("question", "row", "columns"),
    [
        ("매출 100억 넘은 해는?", "매출액", ("2023년", "2024년")),  # 120, 150 억 원
        ("영업이익 10억 원 이상인 해", "영업이익", ("2023년", "2024년")),
        ("직원 100명 넘은 해는?", "직원 수(명)", ("2024년",)),  # the row's own unit, not the note's
    ],
)
def test_a_bound_asked_of_a_row_by_periods_is_read_along_it_in_the_tables_unit(
    question: str, row: str, columns: tuple[str, ...]
) -> None:
    asked = rows_asked(_report(), question)
    assert [r.text.split(" | ")[0] for r in asked.rows] == [row]
    assert asked.columns == columns and asked.none_within == ""


def test_no_period_within_the_bound_is_no_row_and_no_claim() -> None:
    """ "매출 200억 넘은 해는?": no year is; without the note the numbers are no 억 원 either."""
    none = rows_asked(_report(), "매출 200억 넘은 해는?")
    assert none.columns == () and none.none_within == ""
    assert rows_asked(_report(note="연도별로 정리했습니다."), "매출 100억 넘은 해는?").columns == ()
