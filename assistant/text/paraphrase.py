"""Everyday words and the formal words documents write for them.

People ask in everyday words ("그림 넣는 법", "줄 지우기", "안 보여요"); manuals, reports and
rules write the formal, mostly Sino-Korean word for the same act (삽입, 삭제, 표시). Lexical search
matches neither way. :func:`alternatives` gives, for a question's content terms (as
:func:`~assistant.text.korean.content_terms` writes them: verbs with ``다``), the words on the other
side, which the search adds to the question at a lower weight (``Settings.paraphrase_weight``).

The list holds words of general use, not of one field, and a few of screens and files that the
manuals of any program write (칸 → 셀, 템플릿 → 서식); each word is one morpheme as the analyzer
reads it (활성화 is read as 활성; 풀다 in "푸는" as 푸다), or two terms it reads in a row (비밀번호).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

#: An everyday word and the formal words that say the same in documents.
PLAIN_TO_FORMAL: Mapping[str, tuple[str, ...]] = {
    # putting in, taking out
    "넣다": ("삽입", "입력", "추가"),
    "끼우다": ("삽입",),
    "채우다": ("기입", "입력"),
    "빼다": ("제외", "제거"),
    "지우다": ("삭제", "제거"),
    "없애다": ("제거", "삭제"),
    "붙이다": ("첨부", "부착"),
    "올리다": ("업로드", "게시", "등록", "인상", "상향"),
    # changing
    "바꾸다": ("변경", "교체", "전환", "변환"),
    "바뀌다": ("변경", "전환", "변환"),
    "고치다": ("수정", "편집", "개정"),
    "만들다": ("생성", "작성", "제작"),
    "늘리다": ("확대", "증가", "확장", "연장"),
    "늘다": ("증가", "확대"),
    "줄이다": ("축소", "감소"),
    "줄다": ("감소", "축소"),
    "닳다": ("소모",),  # a battery
    "나누다": ("분할", "구분", "분배"),
    "합치다": ("병합", "통합", "결합"),
    "잇다": ("연결", "결합"),  # "글자를 하나로 이어붙이는 함수"
    "묶다": ("결합", "그룹"),
    "옮기다": ("이동",),
    "돌리다": ("회전",),
    "긋다": ("그리다",),  # a line: "글자 가운데 줄 긋기"
    "넓히다": ("확대", "확장"),
    "펴다": ("확장", "펼치다"),  # a group of rows: "접었다 폈다"
    "뒤집다": ("반전",),
    "움직이다": ("이동",),
    "맞추다": ("정렬", "조정"),
    "되돌리다": ("복원", "취소"),
    "살리다": ("복구", "복원"),
    # happening
    "생기다": ("발생",),  # "효력 생겨?", "오류가 생겨요"
    "나다": ("발생",),  # "컴파일하는데 에러 나요"
    # showing, finding, choosing
    "보이다": ("표시",),
    "찾다": ("검색", "탐색"),
    "고르다": ("선택",),
    "살피다": ("확인", "검토"),
    "살펴보다": ("확인", "검토"),
    # switching on and off, stopping
    "틀다": ("재생",),  # a video, a song
    "돌다": ("실행", "작동"),  # a job: "업데이트 자동으로 돌게"
    "켜다": ("활성", "실행"),
    "켜지다": ("활성", "실행"),
    "끄다": ("해제", "활성", "종료"),
    "꺼지다": ("종료", "활성"),
    "멈추다": ("중지", "정지"),
    "끝내다": ("종료", "완료"),
    "끝나다": ("종료", "완료"),
    "막다": ("방지", "차단"),
    "끊다": ("해지", "차단"),
    "끊기다": ("끊어지다",),  # "와이파이가 자꾸 끊겨": "연결이 끊어지는 흔한 이유"
    "꽂다": ("연결", "삽입"),  # a cable, a card, a headset
    "모자라다": ("부족",),
    "남다": ("잔여",),
    "빠지다": ("누락",),
    "느리다": ("지연",),
    "깨지다": ("손상",),
    "잃다": ("분실",),
    "까먹다": ("잊어버리다", "잊다"),
    "튕기다": ("종료", "충돌"),
    "도와주다": ("지원",),
    "풀다": ("해제", "해결"),
    "푸다": ("해제",),  # 풀다 as the analyzer reads it without its ㄹ ("푸는 법")
    "잠그다": ("잠금", "보호"),
    # sending, gathering, buying, paying
    "보내다": ("전송", "발송"),
    "모으다": ("수집",),
    "뽑다": ("인쇄", "추출", "선발", "발급", "선출", "임명", "채용"),
    "뽑히다": ("선출", "당선"),
    "맺다": ("체결",),  # a treaty, a contract
    "통과": ("의결", "가결"),  # a bill through a parliament
    "열다": ("개최",),  # a meeting, an assembly
    "떼다": ("발급",),  # a certificate: "등본 떼다"
    "팔다": ("판매",),
    "내다": ("납부", "결제", "지불"),  # paying: "한번에 내면" → "연간 결제 시"
    "싸다": ("할인", "저렴"),
    "깎다": ("할인", "인하"),
    "사다": ("구매", "구입"),
    "빌리다": ("대출", "차입", "대여"),
    "갚다": ("상환",),
    "돕다": ("지원",),
    "쓰다": ("사용", "작성"),
    "짜다": ("작성",),  # a macro, a program
    "오르다": ("상승", "인상"),
    "내리다": ("하락", "인하"),
    "틀리다": ("오류",),
    "늦다": ("지연", "연체"),
    "미루다": ("연기", "유예"),
    "걸리다": ("소요",),
    "가리키다": ("지칭", "참조"),
    "돌려받다": ("환불", "반환"),
    "돌려주다": ("반환", "환불"),
    "맡기다": ("위탁",),
    "대신": ("대리", "대행"),
    "묻다": ("문의",),
    "신청": ("접수",),  # what one does and what the office does: "신청 언제까지?" → "공고 및 접수: …"
    # what falls short: a question asks the limits, reports write what is lacking
    "한계": ("부족", "약점", "미흡"),
    # living, working, health
    "살다": ("거주", "생활"),
    "다니다": ("재직", "근무", "재학"),  # "회사 다니는 사람", "학교 다니는 애"
    "쉬다": ("휴무", "휴식", "휴가"),
    "야근": ("연장근로", "초과근무"),
    "그만두다": ("퇴사", "중단", "해지"),
    "잘리다": ("해고", "파면", "해임"),
    "앉히다": ("임명",),  # a post: "누가 앉혀?"
    "잡아가다": ("체포", "구속"),
    "가져가다": ("수용",),  # land, property: "나라에서 우리 땅 가져가면"
    "비다": ("궐위", "공석", "결원"),  # a post: "대통령 자리가 비면"
    "기소": ("소추",),
    "파업": ("단체행동",),
    "가두다": ("구금", "구속"),
    "대다": ("부담", "지원"),  # paying: "돈은 누가 대요?"
    "들어가다": ("접속", "입장"),
    "아프다": ("질환", "질병", "통증", "병가"),
    "다치다": ("부상", "상해"),
    "태어나다": ("출생", "출산"),
    "낳다": ("출산",),
    "죽다": ("사망",),
    "돌아가다": ("사망",),  # 돌아가시다, said of a parent; "돌아가기" (go back) finds nothing of the kind in a manual
    # things
    "돈": ("비용", "경비", "자금", "금액", "임금", "수당"),
    "값": ("가격", "금액"),
    "나라": ("국가",),
    "나랏돈": ("예산", "재정"),
    "판사": ("법관",),
    "옛날": ("이전", "과거"),
    "가입": ("등록", "구독"),  # a service, a mailing list
    "랜": ("네트워크", "유선"),  # 랜선: a network cable
    "고성능": ("성능",),
    "목소리": ("음성",),
    "왼손잡이": ("왼손",),
    "정적분": ("적분",),
    "크롬": ("브라우저",),
    "다크": ("어둡다",),  # 다크 모드: a dark style
    "선생": ("교원", "교사"),
    "해외": ("외국", "국외"),
    "반반": ("동수", "절반"),  # a vote split evenly, a screen split in two
    "예전": ("이전",),
    "연동": ("연결",),  # an account
    "녹화": ("기록",),  # a macro
    "머리말": ("머리글",),
    "유인물": ("인쇄물",),
    "땅": ("토지", "영토"),
    "공짜": ("무료", "무상"),
    "노조": ("노동조합",),
    "개헌": ("개정",),  # 헌법 개정, which the analyzer reads as two words
    "개헌안": ("개정안",),
    "변호사": ("변호인",),
    "연임": ("중임",),
    "회사": ("기업",),
    "일자리": ("고용",),
    "글자": ("문자", "텍스트"),
    "글씨": ("문자", "텍스트"),
    "사진": ("이미지",),
    "문단": ("단락",),
    "밑": ("하단",),
    "둘레": ("주위",),
    "쪽": ("페이지",),
    "뜻": ("의미",),
    "까닭": ("이유", "원인"),
    "잘못": ("오류",),
    "집": ("주택", "주거"),
    "아이": ("자녀", "아동"),
    "어른": ("성인",),
    "나이": ("연령",),
    "이름": ("성명", "명칭"),
    "출근": ("시업",),  # the hour work starts, as a company's rules write it
    "퇴근": ("종업",),
    "점심": ("휴게",),  # the lunch hour is the rules' 휴게시간
    "점심시간": ("휴게",),
    "주말": ("휴일",),
    "아빠": ("부모", "부친"),
    "엄마": ("부모", "모친"),
    "와이프": ("배우자",),
    "결혼": ("혼인",),
    "애": ("자녀", "아동"),
    "키우다": ("양육", "확대"),  # a child ("애 키우는 공무원"), or a window or a picture
    "월세": ("임대료", "차임"),
    "전세": ("임대차", "보증금"),
    "집주인": ("임대인",),  # read as 집, 주인: the two in a row
    "세입자": ("임차인",),
    "세금": ("조세", "세액"),
    "벌금": ("과태료",),
    "병원": ("의료기관",),
    "버리다": ("폐기", "삭제"),
    "맡다": ("담당",),
    "알리다": ("통지", "안내", "공지"),
    "남편": ("배우자",),
    "삼촌": ("친족", "친척"),
    "이모": ("친족", "친척"),
    "고모": ("친족", "친척"),
    "사촌": ("친족", "친척"),
    "조카": ("친족", "친척"),
    "월급": ("급여", "임금"),
    "월급날": ("급여일", "지급일"),
    "밥값": ("식대", "식비"),
    "택시비": ("교통비",),
    "차비": ("교통비",),
    "경조사": ("경조",),
    "호텔": ("숙박",),
    "호텔비": ("숙박비",),
    "숙소": ("숙박",),
    "병원비": ("의료비",),
    "처음": ("최초",),
    "지금": ("현재",),  # "지금은 몇 살까지야?": documents write what holds now as 현재
    "요즘": ("최근", "현재"),
    "고장": ("장애", "오류"),
    "택배": ("배송",),
    "택배비": ("배송비",),
    "우리나라": ("한국", "국내"),  # read as 우리, 나라: the two in a row
    # on screen and in files: the words people use and the ones manuals write
    "주소록": ("연락처",),
    "바탕화면": ("배경",),  # read as 바탕, 화면
    "소리": ("음량",),  # "소리 크기"
    "빠르다": ("속도",),  # "커서가 너무 빨라"
    "한영": ("입력", "언어"),  # the Korean/English key: what manuals call the input source or language
    "칸": ("셀",),
    "줄": ("행",),  # a table's or a sheet's row: "표에 줄을 하나 더 넣고 싶어요"
    "폼": ("양식",),
    "템플릿": ("서식",),
    "비번": ("암호", "비밀번호"),
    "아이디": ("계정",),
    "폰": ("휴대폰", "스마트폰", "휴대전화"),
    "노트북": ("랩톱",),
    "비밀번호": ("암호",),
    "깔다": ("설치",),
    "까다": ("설치",),  # 깔다 as the analyzer reads it without its ㄹ ("까는 법")
    "깔리다": ("설치",),
    "에러": ("오류",),
    "버튼": ("단추",),
    "볼륨": ("음량",),
    "변형": ("변환", "변경"),
    "필터링": ("필터",),
    "세팅": ("설정",),
    "머지": ("병합",),
    "앱": ("애플리케이션", "프로그램"),
    "인터넷": ("온라인",),
    "글씨체": ("글꼴",),
    "폰트": ("글꼴",),
    "캡처": ("스크린샷",),
    "스샷": ("스크린샷",),
    "와이파이": ("무선",),
    "업뎃": ("업데이트",),
    "동영상": ("비디오", "영상"),
    "핸드폰": ("휴대폰", "스마트폰", "휴대전화", "모바일"),
    "뚜껑": ("덮개",),
    "이어폰": ("헤드폰", "헤드셋"),
    "캘린더": ("달력",),
    "최댓값": ("최대값",),  # the spelling documents keep as well as the standard one
    "최솟값": ("최소값",),
    "초록": ("녹색",),
    "초록색": ("녹색",),
    "빨간색": ("빨강", "적색"),
    "빨갛다": ("빨강", "적색"),
    "까맣다": ("검다",),
    "라벨": ("레이블",),
    "툴": ("도구",),
    "다운": ("다운로드",),
    "드래그": ("끌다",),
    "이모티콘": ("에모지", "이모지"),
    "랜덤": ("임의", "난수"),
    "점프": ("이동",),
    "디비": ("데이터베이스",),
    "db": ("데이터베이스",),
}


#: Everyday words that say the formal one only in some of their senses: a question saying the formal
#: word does not look for them (사망 asked is not 돌아가다, "to go back").
ONE_WAY = frozenset({"돌아가다"})


def _formal_to_plain(table: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for plain, formal in table.items():
        if plain in ONE_WAY:
            continue
        for word in formal:
            out.setdefault(word, []).append(plain)
    return {word: tuple(plains) for word, plains in out.items()}


#: A formal word and the everyday words for it (a question may be the formal one).
FORMAL_TO_PLAIN: Mapping[str, tuple[str, ...]] = _formal_to_plain(PLAIN_TO_FORMAL)


def alternatives(terms: Iterable[str]) -> list[str]:
    """The words on the other side of ``terms`` (넣다 → 삽입, 입력, 추가; 삭제 → 지우다, 없애다),
    in order, once each, without the terms themselves (see :func:`alternatives_by_term`)."""
    return list(dict.fromkeys(word for words in alternatives_by_term(terms).values() for word in words))


def alternatives_by_term(terms: Iterable[str]) -> dict[str, list[str]]:
    """Each of ``terms`` that has words on the other side, with them (none of ``terms`` among them).
    Two terms in a row count as one word too, whose words go to both: the analyzer reads 비밀번호
    as one term or as 비밀, 번호 depending on what follows it."""
    own = list(dict.fromkeys(terms))
    have = set(own)
    return words_by_term(
        own,
        lambda word: [o for o in (*PLAIN_TO_FORMAL.get(word, ()), *FORMAL_TO_PLAIN.get(word, ())) if o not in have],
        shortest_pair=3,  # not 나 + 이 → 나이
    )


def words_by_term(
    terms: Iterable[str], lookup: Callable[[str], Iterable[str]], shortest_pair: int = 0
) -> dict[str, list[str]]:
    """Each of ``terms`` with the words ``lookup`` gives for it, in order, once each; two terms in a
    row (of ``shortest_pair`` characters or more together) are looked up as one word too, whose words
    go to both."""
    own = list(dict.fromkeys(terms))
    out: dict[str, dict[str, None]] = {}

    def add(word: str, to: Sequence[str]) -> None:
        for other in lookup(word):
            for term in to:
                out.setdefault(term, {})[other] = None

    for term in own:
        add(term, [term])
    for a, b in zip(own, own[1:], strict=False):
        if len(a + b) >= shortest_pair:
            add(a + b, [a, b])
    return {term: list(words) for term, words in out.items()}
