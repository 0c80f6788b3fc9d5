"""Everyday words find the formal words documents write for them (넣다 → 삽입)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import FakeEmbedder, write_corpus

from assistant.answer.engine import Engine
from assistant.settings import Settings
from assistant.store.bm25 import BM25
from assistant.text.korean import KoreanAnalyzer
from assistant.text.paraphrase import FORMAL_TO_PLAIN, ONE_WAY, PLAIN_TO_FORMAL, alternatives, alternatives_by_term


def test_alternatives_go_both_ways_once_each_without_the_terms_themselves() -> None:
    assert alternatives(["그림", "넣다"]) == ["삽입", "입력", "추가"]
    assert alternatives(["삭제"]) == ["지우다", "없애다", "버리다"]
    # a formal word the question already holds is not added again; shared ones come once
    assert alternatives(["지우다", "없애다", "삭제"]) == ["제거", "버리다"]
    assert alternatives(["서울", "지하철"]) == []
    # two terms in a row are a word too: 비밀번호 as the analyzer may read it
    assert alternatives(["비밀", "번호", "걸다"]) == alternatives(["비밀번호", "걸다"]) == ["암호", "비번"]
    # by term, for the summary: a pair's words go to both of its terms; a word the question holds is no alternative
    assert alternatives_by_term(["비밀", "번호", "걸다"]) == {"비밀": ["암호", "비번"], "번호": ["암호", "비번"]}
    assert alternatives_by_term(["그림", "삽입", "넣다"]) == {"넣다": ["입력", "추가"], "삽입": ["끼우다", "꽂다"]}


def test_each_word_of_the_list_is_one_term_as_the_analyzer_reads_it(analyzer: KoreanAnalyzer) -> None:
    def one_term(word: str) -> bool:
        if word.endswith("다"):  # a verb: "넣고 싶어요" reads 넣다 ("그리고" alone reads as a conjunction)
            stem = word[:-1]
            read = [*analyzer.terms(f"{stem}고 싶어요"), *analyzer.terms(f"{stem}고"), *analyzer.terms(f"{stem}는 법")]
            return word in read
        # "삽입합니다", "국가입니다": the word is what the analyzer gives as a term, or two terms in a row
        read = analyzer.terms(f"{word}입니다")
        return word in analyzer.terms(f"{word}합니다") + read or "".join(read) == word

    for plain, formal in PLAIN_TO_FORMAL.items():
        assert one_term(plain), plain
        for word in formal:
            assert (word in FORMAL_TO_PLAIN and plain in FORMAL_TO_PLAIN[word]) is (plain not in ONE_WAY)
            assert one_term(word), word


def test_a_word_that_says_the_formal_one_in_one_sense_only_is_not_looked_for_by_it() -> None:
    """ "아빠 돌아가시면 며칠 쉬어?" finds 사망 (the rules' "부모가 사망한 경우"); a question saying 사망
    does not look for 돌아가다, which more often says "to go back"."""
    assert "사망" in alternatives(["아빠", "돌아가다", "며칠", "쉬다"])
    assert "돌아가다" not in alternatives(["사망", "직전", "질환"])
    assert "죽다" in alternatives(["사망"])


@pytest.mark.parametrize(
    ("question", "formal"),
    [
        ("시트 보호 푸는 법", "해제"),  # 풀다 read without its ㄹ: 푸다
        ("대통령이 일을 못 하면 누가 대신해", "대행"),
        ("판사는 어떤 경우에 잘릴 수 있어?", "파면"),
        ("장관은 누가 뽑아?", "임명"),
        ("휴직 기간 늘리는 법", "연장"),
        ("문단 둘레에 테두리", "단락"),
        ("템플릿으로 저장", "서식"),
        ("패키지 깔아도 돼요?", "설치"),
        ("DB 비번 어디 있어요?", "데이터베이스"),
        ("DB 비번 어디 있어요?", "비밀번호"),
        ("컴파일하는데 에러 나요", "오류"),
        ("PR 머지하려면", "병합"),
        ("야근하면 수당 나와?", "연장근로"),
        ("호텔비 얼마까지 돼?", "숙박비"),
        ("노트북 고장 났어요", "장애"),
        ("카드 잃어버렸어요", "분실"),
        ("노트북 뚜껑 닫아도 켜져 있게", "덮개"),
        ("블루투스 이어폰 연결", "헤드셋"),
        ("캘린더 동기화 끄기", "달력"),
        ("월급날이 언제야?", "지급일"),
        ("비번 까먹었어요", "잊어버리다"),  # what a FAQ writes: "비밀번호를 잊어버렸어요"
        ("택배비 누가 내요?", "배송비"),
        ("노트북 팬이 계속 돌아요", "랩톱"),
        ("폰으로 인터넷 쓰기", "스마트폰"),
        ("등본 어디서 떼요?", "발급"),
        ("엄마 대신 받아도 돼요?", "대리"),
        ("이사 신고 인터넷으로 돼요?", "온라인"),
        # a company's rules: 시업/종업 시각, 휴게시간, 휴일, 부모, 배우자, 병가
        ("몇 시까지 출근해야 돼?", "시업"),
        ("퇴근 몇 시야?", "종업"),
        ("점심 몇 시부터야?", "휴게"),
        ("점심시간 몇 시야?", "휴게"),
        ("월급날이 주말이면?", "휴일"),
        ("아빠 돌아가시면 며칠 쉬어?", "부모"),
        ("와이프 출산하면 휴가 며칠?", "배우자"),
        ("아파서 쉬려면 뭐 필요해?", "병가"),
        ("바우처 신청 언제까지야?", "접수"),  # "공고 및 접수: 2025년 2월 3일 ~ 3월 14일"
        ("데비안 쓰려면 돈 내야 돼요?", "지불"),  # "… 회원 자격이나 지불은 없습니다"
        ("1년치 한번에 내면 싸져?", "할인"),
        ("캡처 파일 어디 저장됨?", "스크린샷"),
        ("폰트 바꾸는 법", "글꼴"),
        ("와이파이가 자꾸 끊겨", "무선"),
        ("표에 줄을 하나 더 넣고 싶어요", "행"),
        ("와이프가 애 낳으면 며칠 쉬어?", "출산"),
        ("출장 가면 차비 나와?", "교통비"),
        # a constitution's words: 임명, 체포, 구금, 변호인, 중임, 부담
        ("감사원장은 누가 앉혀?", "임명"),
        ("경찰이 아무나 잡아가도 돼?", "체포"),
        ("재판 없이 가둬도 돼?", "구금"),
        ("변호사 없이 재판 받아?", "변호인"),
        ("대통령 연임 돼?", "중임"),
        ("개헌은 누가 제안할 수 있어", "개정"),  # "헌법개정은 … 발의로 제안된다", read 헌법 + 개정
        ("개헌안이 국회 통과하려면 몇 명이 찬성해야 돼?", "개정안"),
        ("빌드 도구 한번에 까는 패키지", "설치"),  # 깔다 read without its ㄹ: 까다
        ("랜선 꽂아도 인터넷 안 됨", "연결"),
        ("와이파이가 자꾸 끊겨", "끊어지다"),
        ("국회가 다시 통과시키려면", "의결"),
        ("다른 나라랑 맺은 조약", "체결"),
        ("대통령은 한 번 뽑히면 몇 년 해요?", "선출"),
        ("집회 열려면 허가 받아야 돼?", "개최"),
        ("회사 다니는 사람도 육아휴직 돼?", "근무"),
        ("파병 비용은 누가 대요?", "부담"),
        ("파병 가면 돈은 누가 대요?", "경비"),  # a bill: "국군부대의 파견경비는 우리 정부의 부담으로 함"
        ("삼촌이 사고를 쳤는데 나까지 불이익 받아?", "친족"),
        ("남편도 휴가 받아요?", "배우자"),
        ("한영 전환 단축키 뭐예요", "입력"),  # GNOME's help: "다음 입력 소스를 선택"
        ("주소록에 새 사람 추가", "연락처"),
        ("바탕화면을 내 사진으로", "배경"),
        ("소리 크기 어디서 줄여요", "음량"),
        ("마우스 커서가 너무 빨라", "속도"),
        # a lease, a family, taxes and notices: what laws and rules write
        ("월세 두 달 밀리면 쫓겨나요?", "차임"),
        ("집주인이 보증금 안 돌려줘요", "임대인"),
        ("세입자도 수리비 내야 돼?", "임차인"),
        ("결혼하면 휴가 며칠?", "혼인"),
        ("애 키우는 공무원 쉴 수 있어?", "양육"),
        ("세금 언제 내요?", "조세"),
        ("벌금 얼마 나와요?", "과태료"),
        ("해고하려면 미리 알려야 돼?", "통지"),
        ("지금은 몇 살까지인데?", "현재"),  # a bill: "현재 … 만 6세 이하로 되어 있어"
        ("요즘 많이 쓰는 방식은?", "최근"),
        # everyday words the help, GNOME and law questions used and no document wrote
        ("법이 공포되면 그날부터 바로 효력 생겨?", "발생"),
        ("대상 넓히면 나랏돈 더 드는 거 아냐?", "확대"),
        ("대상 넓히면 나랏돈 더 드는 거 아냐?", "예산"),
        ("행 여러 개 묶어서 접었다 폈다 하기", "확장"),
        ("거실 TV에서 컴퓨터 동영상 틀기", "재생"),
        ("배터리 빨리 닳는데 뭐부터 줄여야 돼?", "소모"),
        ("같은 기능 하는 프로그램이 여러 개 깔려 있을 때", "설치"),
        ("나라에서 도로 낸다고 우리 땅 가져가면 보상은?", "수용"),
        ("대통령 자리가 비면 선거는 언제 다시 해?", "궐위"),
        ("대통령은 임기 중에 기소 안 된다던데", "소추"),
        ("공무원도 노조 만들고 파업할 수 있어?", "단체행동"),  # searched as 단체, 행동: "단체행동권"
        ("선생님들 육아휴직 자녀 나이", "교원"),
        ("해외 출장 와서 시간대 바꾸려면?", "외국"),
        ("국회 표결에서 찬성 반대가 딱 반반 나오면", "동수"),
        ("화면 반반 나눠서 창 두 개 띄우기", "절반"),
        ("예전 커널들 정리하고 싶은데", "이전"),
        ("구글 계정 연동해서 캘린더 쓰기", "연결"),
        ("매크로 녹화하기", "기록"),
        ("머리말에 장 제목이 나오게", "머리글"),
        ("유인물로 한 장에 슬라이드 여러 개 인쇄", "인쇄물"),
        ("마이너스 숫자 빨갛게 표시", "적색"),
        ("발표 도중 잠깐 화면 까맣게 하는 키", "검다"),
        ("파이썬으로 매크로 짤 수 있나요?", "작성"),
        ("컴파일하는데 에러 나요", "발생"),
        ("보안 업데이트 자동으로 돌게", "실행"),
        ("판사는 어떤 경우에 잘릴 수 있어?", "법관"),
        ("옛날 버전 어디서 받아요", "이전"),
        ("메일링 리스트 가입하려면", "구독"),
        ("랜선 꽂아도 인터넷 안 됨", "네트워크"),
        ("고성능 모드로 바꾸기", "성능"),
        ("화상회의에서 내 목소리가 안 들린대요", "음성"),
        ("왼손잡이라 마우스 버튼 좌우 바꾸고 싶어요", "왼손"),
        ("정적분 식 쓰는 법", "적분"),
        ("링크 누르면 크롬으로 열리게", "브라우저"),
        ("다크모드 켜기", "어둡다"),
        ("셀 두 개 글자를 하나로 이어붙이는 함수", "결합"),
        ("창 꽉 차게 키우는 단축키", "확대"),
        ("전원 버튼 눌러도 아무 반응이 없어요", "단추"),  # GNOME's Korean writes 단추
        ("폰 볼륨 버튼으로 다음 장 넘기기", "음량"),
        ("글자를 도형처럼 모양 변형하고 싶어요", "변환"),
        ("조건 여러 개를 묶어서 필터링", "필터"),
        ("핸드폰으로 발표 슬라이드 넘기고 싶어요", "모바일"),
        ("글자 가운데 줄 긋기 (취소선)", "그리다"),
        ("한국 AI 동맹의 한계는?", "부족"),  # "… 자본과 데이터 규모에서 뒤처져 있지만, … 부족한 자원을 보완"
    ],
)
def test_a_question_as_the_analyzer_reads_it_finds_the_formal_word(
    analyzer: KoreanAnalyzer, question: str, formal: str
) -> None:
    assert formal in alternatives(analyzer.terms(question))


def test_added_terms_count_at_their_weight() -> None:
    bm = BM25().fit([["그림", "삽입"], ["그림", "색"], ["표"]])
    plain = bm.scores(["그림", "넣다"])
    assert plain[0] == pytest.approx(plain[1])  # 넣다 is in no document: the two tie
    added = bm.scores(["그림", "넣다"], ["삽입"], 0.5)
    assert added[0] > added[1] == pytest.approx(plain[1])
    assert added[0] - plain[0] == pytest.approx(0.5 * bm.scores(["삽입"])[0], rel=1e-5)
    np.testing.assert_allclose(bm.scores(["그림"], ["삽입"], 0.0), bm.scores(["그림"]))
    assert bm.scores([], ["삽입"], 1.0)[0] > 0  # a question of everyday words alone still finds it


DOCS = {
    "그림.md": "# 그림 삽입\n\n문서에 그림을 삽입하려면 삽입 메뉴에서 이미지를 선택합니다.\n",
    "그림색.md": "# 그림 색\n\n그림의 색을 바꾸려면 색 도구를 고릅니다.\n",
}


@pytest.fixture
def pictures(tmp_path: Path, settings: Settings) -> Settings:
    """The shared test settings over the two picture pages, abstention off."""
    return settings.model_copy(update={"corpus_dir": write_corpus(tmp_path / "pictures", DOCS), "abstain": False})


@pytest.mark.parametrize("weight", [0.0, 0.5])
def test_a_question_in_everyday_words_finds_the_formal_page(
    pictures: Settings, analyzer: KoreanAnalyzer, weight: float
) -> None:
    """Real Kiwi: "그림 넣는 법" reads 그림, 넣다; the page that writes 삽입 scores above the other
    only when the formal words are added."""
    settings = pictures.model_copy(update={"paraphrase_weight": weight})
    engine = Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    retrieval = engine.retriever.search("그림 넣는 법", 2, mode="bm25", diversify=False)
    by_doc = {h.chunk.doc_id: h.bm25 for h in retrieval.hits}
    assert set(by_doc) == set(DOCS)
    if weight:
        assert by_doc["그림.md"] > by_doc["그림색.md"]
        assert retrieval.hits[0].chunk.doc_id == "그림.md"
    else:
        assert by_doc["그림.md"] <= by_doc["그림색.md"]
