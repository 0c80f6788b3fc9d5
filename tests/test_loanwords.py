"""Loanwords in Hangul and their Latin spellings (엑셀 ↔ excel)."""

from __future__ import annotations

from assistant.text.korean import KoreanAnalyzer
from assistant.text.loanwords import HANGUL_TO_LATIN, LATIN_TO_HANGUL, spellings, spellings_by_term


def test_a_word_the_documents_write_only_in_the_other_script_gets_that_spelling() -> None:
    known = {"excel", "파일", "도커"}
    assert spellings_by_term(["엑셀", "파일"], known) == {"엑셀": ["excel"]}
    # the other way: a question in Latin letters, documents in Hangul
    assert spellings_by_term(["docker", "설치"], known) == {"docker": ["도커"]}


def test_a_word_the_documents_write_as_it_is_or_not_at_all_gets_none() -> None:
    # written as asked: its other spelling would weigh the same thing twice
    assert spellings_by_term(["엑셀"], {"엑셀", "excel"}) == {}
    # not written in either script: nothing to look for
    assert spellings_by_term(["엑셀"], {"파일"}) == {}
    assert spellings_by_term(["노트북"], {"notebook"}) == {}  # not a loanword of the list


def test_a_question_as_the_analyzer_reads_it_finds_the_latin_spelling(analyzer: KoreanAnalyzer) -> None:
    # the help writes "Excel 파일을 열어 …", never 엑셀
    assert spellings_by_term(analyzer.terms("엑셀 파일 열 수 있어?"), {"excel", "파일"}) == {"엑셀": ["excel"]}
    assert "firefox" in spellings_by_term(analyzer.terms("파이어폭스 말고 크롬으로"), {"firefox"}).get("폭스", [])
    # a key as said ("엔터 치면 …", read whole or as 엔, 터 by its context): manuals write Enter
    for question in (
        "엔터 치면 다음 칸으로 넘어가요",
        "calc 셀 안에서 줄을 바꾸고 싶은데 엔터 치면 다음 칸으로 넘어가요",
    ):
        found = spellings_by_term(analyzer.terms(question), {"enter"})
        assert found and all(spelled == ["enter"] for spelled in found.values())
    assert spellings_by_term(analyzer.terms("시프트 누른 채로"), {"shift"}) == {"시프트": ["shift"]}
    # words of software work an answer writes in Latin letters ("check the error log", "git merge")
    found = spellings_by_term(analyzer.terms("에러 로그는 어디서 봐요?"), {"error", "log", "파일"})
    assert found == {"에러": ["error"], "로그": ["log"]}
    assert spellings_by_term(analyzer.terms("머지하다가 충돌 났어요"), {"merge"}) == {"머지": ["merge"]}


def test_two_terms_in_a_row_are_looked_up_as_one_word() -> None:
    """The analyzer reads 파이어폭스 as 파이어, 폭스: the spelling goes to both."""
    assert spellings_by_term(["파이어", "폭스", "설정"], {"firefox"}) == {"파이어": ["firefox"], "폭스": ["firefox"]}


def test_the_two_directions_agree() -> None:
    assert spellings("윈도우즈") == ("windows",) and set(spellings("windows")) == {"윈도우", "윈도우즈"}
    assert spellings("Excel") == ("엑셀",)  # a Latin word is looked up lower-cased
    for hangul, latin in HANGUL_TO_LATIN.items():
        assert latin and all(w == w.lower() for w in latin)
        assert all(hangul in LATIN_TO_HANGUL[w] for w in latin)
