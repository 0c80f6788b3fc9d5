"""A one-question process starts Kiwi without its multi-word dictionary: the same analyses, the
full Kiwi only for a text that may hold one of the dictionary's entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer.engine import Engine
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer, QuickStartAnalyzer
from assistant.text.multiwords import MultiWordFilter, SqliteKeys, keys_from_dictionary, open_keys

DICTIONARY = """# 공백이 포함된 복합 명사용 사전 파일
잭 바우어\tNNP\t-10.0000\t# Q15632617
조지 워커 부시\tNNP\t-16.8265\t# Q5
Apple TV\tNNP\t-12.0000\t# Q1
대한민국\tNNP\t-5.0000\t# one word: not a multi-word entry
"""

TEXTS = {
    "잭 바우어는 누구인가?": True,
    "잭바우어는 누구인가?": True,  # Kiwi finds the entry without the space too
    "잭  바우어": True,
    "조지 워커 부시의 정책": True,
    "apple tv 가격": True,
    "메가 얼라이언스란?": False,
    "바우어 잭": False,
    "대한민국의 수도": False,
    "": False,
}


@pytest.fixture
def dictionary(tmp_path: Path) -> Path:
    path = tmp_path / "multi.dict"
    path.write_text(DICTIONARY, "utf-8")
    return path


def test_keys_are_the_first_two_words_joined(dictionary: Path) -> None:
    assert keys_from_dictionary(dictionary) == {"잭바우어", "조지워커", "appletv"}


@pytest.mark.parametrize(("text", "expected"), TEXTS.items())
def test_filter_finds_entries_with_or_without_spaces(dictionary: Path, text: str, expected: bool) -> None:
    assert MultiWordFilter(keys_from_dictionary(dictionary)).may_hold_entry(text) is expected


def test_table_in_the_cache_answers_as_the_dictionary(dictionary: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    table = open_keys(cache, dictionary)
    assert isinstance(table, SqliteKeys)
    assert [p.suffix for p in (cache / "kiwi").iterdir()] == [".sqlite"]
    again = open_keys(cache, dictionary)  # read from the table, not built again
    for text, expected in TEXTS.items():
        assert table.may_hold_entry(text) is expected
        assert again.may_hold_entry(text) is expected
    assert table.may_hold_entry("가" * 2000 + "잭 바우어")  # long texts are looked up in batches


def test_a_damaged_table_is_not_trusted(dictionary: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    table = open_keys(cache, dictionary)
    assert isinstance(table, SqliteKeys)
    path = next((cache / "kiwi").iterdir())
    path.write_bytes(b"not a database" * 100)
    assert type(open_keys(cache, dictionary)) is MultiWordFilter  # read from the dictionary instead
    assert table.may_hold_entry("메가 얼라이언스")  # an open table that fails answers "maybe": the full Kiwi


def test_without_a_writable_cache_the_dictionary_is_read(dictionary: Path, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", "utf-8")
    keys = open_keys(not_a_folder, dictionary)
    assert type(keys) is MultiWordFilter
    assert keys.may_hold_entry("잭 바우어") and not keys.may_hold_entry("메가 얼라이언스")
    assert type(open_keys(None, dictionary)) is MultiWordFilter


def test_quick_start_analyses_as_the_full_kiwi(analyzer: KoreanAnalyzer, tmp_path: Path) -> None:
    quick = QuickStartAnalyzer(tmp_path)
    for question in ("메가 얼라이언스란?", "서울의 지하철은 몇 개 노선인가?", "한국과 미국의 AI 동맹 차이는?"):
        assert quick.tokens(question) == analyzer.tokens(question)
        assert quick.terms(question) == analyzer.terms(question)
    assert quick._kiwi is None  # none of them needed the multi-word dictionary

    question = "잭바우어는 누구인가?"
    lite = quick._lite
    assert lite is not None
    assert [t.form for t in lite.tokenize(question)] != [t.form for t in analyzer.kiwi.tokenize(question)]
    assert quick.tokens(question) == analyzer.tokens(question)  # analysed by the full Kiwi
    assert quick._kiwi is not None
    assert quick.sentence_spans("잭 바우어는 요원이다.\n두 번째 줄.") == analyzer.sentence_spans(
        "잭 바우어는 요원이다.\n두 번째 줄."
    )


def test_a_question_that_names_an_entry_loads_only_the_full_kiwi(tmp_path: Path) -> None:
    quick = QuickStartAnalyzer(tmp_path)
    quick.terms("잭 바우어는 누구인가?")  # as Engine.preload(question) does before answering it
    assert quick._kiwi is not None and quick._lite is None


def test_only_a_quick_start_engine_gets_the_quick_analyzer(settings: Settings) -> None:
    assert type(Engine(settings, quick_start=True).analyzer) is QuickStartAnalyzer
    assert type(Engine(settings).analyzer) is KoreanAnalyzer
