"""Loanwords in Hangul and their Latin spellings (엑셀 ↔ excel)."""

from __future__ import annotations

from pathlib import Path

from conftest import FakeEmbedder, write_corpus

from assistant.answer.engine import Engine
from assistant.search.retrieval import more_usual_spellings
from assistant.settings import Settings
from assistant.store.bm25 import BM25
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


def test_a_spelling_the_documents_write_far_more_often_is_looked_for_too() -> None:
    """파이썬 written on one passage of ten and python on six: the question's 파이썬 would rank that
    one passage first on its rarity alone; python is searched too. Not when both are about as
    frequent, nor for a word without another spelling."""
    bm = BM25().fit([["파이썬", "설치"], *([["python", "매크로"]] * 6), ["표"], ["그림"], ["차트"]])
    assert more_usual_spellings(["파이썬", "매크로"], bm) == ["python"]
    even = BM25().fit([["파이썬"], ["파이썬"], ["python"], ["python"], ["표"]])
    assert more_usual_spellings(["파이썬"], even) == []
    assert more_usual_spellings(["python"], bm) == []  # the usual spelling itself gains nothing


def test_a_question_in_the_rare_spelling_finds_the_passages_in_the_usual_one(
    tmp_path: Path, settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    """Real Kiwi, BM25 alone: "파이썬 예제" over pages that write Python everywhere but on one page
    about installing: the pages in Latin letters are found too (they hold no other word of the
    question, so without the usual spelling no lexical signal finds them)."""
    docs = {
        "설치.md": "# 설치\n\n파이썬 설치 방법을 안내합니다.\n",
        **{f"python{i}.md": f"# Python {i}\n\nPython 스크립트 {i}번을 실행합니다.\n" for i in range(5)},
        "표.md": "# 표\n\n표를 삽입합니다.\n",
    }
    at = settings.model_copy(update={"corpus_dir": write_corpus(tmp_path / "py", docs), "abstain": False})
    engine = Engine(at, embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    retrieval = engine.retriever.search("파이썬 설치", 5, mode="bm25", diversify=False)
    found = [h.chunk.doc_id for h in retrieval.hits if h.bm25 > 0]
    assert found[0] == "설치.md" and any(d.startswith("python") for d in found), found
