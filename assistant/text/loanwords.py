"""Loanwords written in Hangul and the Latin spelling documents write for them.

Users write the names of programs and the words of computing as they say them (엑셀, 파이어폭스,
도커, 깃허브); manuals, wikis and answers about software often write them in Latin letters (Excel,
Firefox, docker, GitHub), and the other way round. Lexical search matches neither way, and the
words look unknown to the documents, as the name of a thing they never mention would.
:func:`spellings_by_term` gives, for a question's terms the documents do not write (Latin ones
lower-cased, as the index keeps them), the spelling on the other side they do write; the search
adds them to the question at a lower weight, as it adds the formal words for everyday ones
(:mod:`~assistant.text.paraphrase`), coverage counts a term found so at that weight, and the term
is not one the documents never write.

The list holds the names of widely used programs, services and formats, and the words of
computing that Korean text writes in either script; not words of one document set. A Hangul word
is one term as the analyzer reads it (파이어폭스 is read as 파이어, 폭스: two terms in a row are looked
up as one word too).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence

from assistant.text.paraphrase import alternatives_by_term, words_by_term

#: A loanword in Hangul and its spellings in Latin letters, lower-cased.
HANGUL_TO_LATIN: Mapping[str, tuple[str, ...]] = {
    # office programs and formats
    "엑셀": ("excel",),
    "워드": ("word",),
    "파워포인트": ("powerpoint",),
    "아웃룩": ("outlook",),
    "오피스": ("office",),
    "리브레오피스": ("libreoffice",),
    "한컴오피스": ("hancom",),
    "피디에프": ("pdf",),
    "유니코드": ("unicode",),
    "매크로": ("macro",),
    "폰트": ("font",),
    "템플릿": ("template",),
    "스프레드시트": ("spreadsheet",),
    # systems and browsers
    "윈도우": ("windows",),
    "윈도우즈": ("windows",),
    "리눅스": ("linux",),
    "우분투": ("ubuntu",),
    "데비안": ("debian",),
    "페도라": ("fedora",),
    "안드로이드": ("android",),
    "아이폰": ("iphone",),
    "아이패드": ("ipad",),
    "맥북": ("macbook",),
    "크롬": ("chrome",),
    "크롬북": ("chromebook",),
    "파이어폭스": ("firefox",),
    "사파리": ("safari",),
    "엣지": ("edge",),
    "블루투스": ("bluetooth",),
    "와이파이": ("wifi", "wi-fi"),
    # services
    "구글": ("google",),
    "지메일": ("gmail",),
    "유튜브": ("youtube",),
    "드롭박스": ("dropbox",),
    "원드라이브": ("onedrive",),
    "슬랙": ("slack",),
    "팀즈": ("teams",),
    "노션": ("notion",),
    "지라": ("jira",),
    "컨플루언스": ("confluence",),
    "카카오톡": ("kakaotalk",),
    "깃허브": ("github",),
    "깃랩": ("gitlab",),
    "젠킨스": ("jenkins",),
    # programming and servers
    "깃": ("git",),
    "도커": ("docker",),
    "쿠버네티스": ("kubernetes", "k8s"),
    "파이썬": ("python",),
    "자바": ("java",),
    "자바스크립트": ("javascript",),
    "타입스크립트": ("typescript",),
    "리액트": ("react",),
    "노드": ("node",),
    "장고": ("django",),
    "스프링": ("spring",),
    "엔진엑스": ("nginx",),
    "아파치": ("apache",),
    "마이에스큐엘": ("mysql",),
    "포스트그레스": ("postgres", "postgresql"),
    "레디스": ("redis",),
    "몽고디비": ("mongodb",),
    "터미널": ("terminal",),
    "스크립트": ("script",),
    "셸": ("shell",),
    "쉘": ("shell",),
    "커널": ("kernel",),
    "패키지": ("package",),
    "컨테이너": ("container",),
    "서버": ("server",),
    "클라이언트": ("client",),
    "브라우저": ("browser",),
    "플러그인": ("plugin",),
    "데이터베이스": ("database",),
    "브랜치": ("branch",),
    "커밋": ("commit",),
    "캐시": ("cache",),
    "쿠키": ("cookie",),
    "프록시": ("proxy",),
    "로그인": ("login",),
    "이메일": ("email",),
    # words of software work that answers write in Latin letters as often as in Hangul
    "에러": ("error",),
    "버그": ("bug",),
    "로그": ("log", "logs"),
    "빌드": ("build",),
    "디버그": ("debug",),
    "디버깅": ("debug", "debugging"),
    "메모리": ("memory",),
    "포트": ("port",),
    "업데이트": ("update",),
    "업그레이드": ("upgrade",),
    "버전": ("version",),
    "옵션": ("option", "options"),
    "파라미터": ("parameter", "parameters"),
    "라이브러리": ("library",),
    "모듈": ("module",),
    "프레임워크": ("framework",),
    "쿼리": ("query",),
    "스키마": ("schema",),
    "인덱스": ("index",),
    "토큰": ("token",),
    "세션": ("session",),
    "타임아웃": ("timeout",),
    "레포": ("repo", "repository"),
    "리포지토리": ("repository", "repo"),
    "머지": ("merge",),
    "리베이스": ("rebase",),
    "클론": ("clone",),
    "푸시": ("push",),
    "디렉토리": ("directory",),
    "디렉터리": ("directory",),
    "커맨드": ("command",),
    # keys ("엔터 치면 …": manuals write Enter, Shift+F10)
    "엔터": ("enter",),
    "스페이스": ("space", "spacebar"),
    "스페이스바": ("spacebar", "space"),
    "시프트": ("shift",),
    "컨트롤": ("ctrl", "control"),
    "알트": ("alt",),
    "백스페이스": ("backspace",),
    "딜리트": ("delete", "del"),
}

#: A Latin spelling and the Hangul words for it (a question may write it in Latin letters).
LATIN_TO_HANGUL: Mapping[str, tuple[str, ...]] = {
    latin: tuple(h for h, spelled in HANGUL_TO_LATIN.items() if latin in spelled)
    for latin in dict.fromkeys(s for spelled in HANGUL_TO_LATIN.values() for s in spelled)
}


def spellings(word: str) -> tuple[str, ...]:
    """The spellings of ``word`` in the other script (엑셀 → excel; docker → 도커), or none."""
    return HANGUL_TO_LATIN.get(word) or LATIN_TO_HANGUL.get(word.lower(), ())


def spellings_by_term(terms: Iterable[str], known: Container[str]) -> dict[str, list[str]]:
    """Each of ``terms`` that the documents do not write (not in ``known``, the index's terms) but
    write in the other script, with those spellings (엑셀 → excel where the documents write Excel; a
    word they write as it is gains nothing: its other spelling would only weigh the same thing
    twice). Two terms in a row count as one word too, whose spellings go to both (the analyzer
    reads 파이어폭스 as 파이어, 폭스)."""
    found = words_by_term(terms, lambda word: [o for o in spellings(word) if o in known])
    return {term: words for term, words in found.items() if term not in known}


def alternatives_with_spellings(terms: Sequence[str], known: Container[str]) -> dict[str, list[str]]:
    """Each term's words on the other side (:func:`~assistant.text.paraphrase.alternatives_by_term`:
    넣다 → 삽입) and its spellings in the other script the documents write (:func:`spellings_by_term`:
    엑셀 → excel): what the search, coverage and the summary all count at the paraphrase weight."""
    out = alternatives_by_term(terms)
    for term, words in spellings_by_term(terms, known).items():
        out[term] = list(dict.fromkeys([*out.get(term, ()), *words]))
    return out
