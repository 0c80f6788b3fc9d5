"""The question's neighbouring words written together in a passage (assistant.search.phrases), and
the order they give the passages an answer shows."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from assistant.search.phrases import BETWEEN, phrase_scores, question_words, together, word_pairs
from assistant.search.retrieval import Retriever
from assistant.text.korean import KoreanAnalyzer
from tests.test_engine import engine_over


def test_a_questions_words_are_their_stems_without_particles_and_endings(analyzer: KoreanAnalyzer) -> None:
    text = "여의도 농민 폭력 시위를 주도한 혐의로 과연 구속되었나?"
    words = question_words(text, analyzer.tokens(text))
    assert words[:6] == ["여의도", "농민", "폭력", "시위", "주도", "혐의"]
    assert words[6] is None  # 과연 holds no content
    pairs = word_pairs(words)
    assert ("시위", "주도") in pairs and ("혐의", "구속") not in pairs  # not across a word without content
    assert all(a and b for a, b in pairs)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("농민 시위를 주도한 혐의", True),  # a particle, a space
        ("시위주도", True),  # written as one word
        ("시위에서는   주도", True),  # four characters and spaces
        ("시위였었는데도 주도", False),  # six characters between: another phrase
        ("시위 현장에서 주도", False),  # another word between
        ("주도한 시위", False),  # the other order
        ("시위", False),
    ],
)
def test_two_words_are_together_with_at_most_a_particle_between(text: str, found: bool) -> None:
    assert BETWEEN == 4
    assert together(text, "시위", "주도") is found


@pytest.mark.parametrize("seed", range(5))
def test_together_reads_as_the_pattern_it_stands_for(seed: int) -> None:
    """The scan says what ``a\\S{0,4}\\s*b`` says, on random texts of the pair's letters, others and spaces."""
    rng = random.Random(seed)
    pattern = re.compile(r"시위\S{0,4}\s*주도")
    for _ in range(400):
        text = "".join(
            rng.choice(["시", "위", "시위", "주", "도", "주도", "를", "가", " ", "  "])
            for _ in range(rng.randint(0, 12))
        )
        assert together(text, "시위", "주도") is bool(pattern.search(text)), text


def test_a_passage_writing_more_of_the_questions_phrases_scores_higher() -> None:
    pairs = [("농민", "폭력"), ("폭력", "시위"), ("시위", "주도")]
    texts = [
        "여의도 농민 폭력 시위를 주도한 혐의로 구속되었다.",  # all three
        "농민들은 시위 현장에서 폭력을 쓰지 않았다.",  # none: the words, apart
        "폭력 시위는 없었다.",  # one
    ]
    scores = phrase_scores(pairs, texts)
    assert scores[0] == pytest.approx(1.0)
    assert scores[1] == 0.0
    assert 0.0 < scores[2] < scores[0]
    assert phrase_scores([], texts).tolist() == [0.0, 0.0, 0.0]


def test_a_phrase_every_passage_writes_weighs_less_than_one_few_write() -> None:
    """Each passage writes one phrase: the one only it writes counts more than the one all write."""
    texts = ["공통 구절이 있다. 드문 표현도 있다.", "공통 구절이 있다.", "공통 구절이 있다."]
    scores = phrase_scores([("공통", "구절"), ("드문", "표현")], texts)
    assert scores[0] > scores[1] == scores[2] > 0
    assert scores[1] < 0.5  # the phrase all three write is less than half the weight


def test_the_passage_writing_the_questions_phrase_is_shown_first(tmp_path: Path, analyzer: KoreanAnalyzer) -> None:
    """Two documents hold the question's words; the one it was written from holds them as one
    phrase, and ranks first only when the phrases count. Whether to abstain is read as before."""
    docs = {
        "a.txt": "농민 단체는 폭력에 반대했다. 농민들의 시위에서 폭력은 없었다. 시위를 누가 이끌었는지는 몰라도 "
        "주도한 단체의 혐의는 벗었다. 농민은 구속되지 않았다.",
        "b.txt": "그해 봄 여의도에서 열린 행사는 큰 관심을 모았다. 참가자는 만 명이 넘었고 행사장 주변은 붐볐다. "
        "그날 농민 폭력 시위를 주도한 혐의로 한 사람이 붙잡혔다는 소식이 전해졌다. 행사는 저녁까지 이어졌다.",
        "c.txt": "농민 소득은 해마다 늘었다. 정부는 지원을 약속했다.",
        "d.txt": "서울의 봄 날씨는 따뜻했다. 여의도 공원에 사람이 많았다.",
    }
    engine = engine_over(tmp_path / "c", docs, analyzer)
    question = "농민 폭력 시위를 주도한 혐의로 구속된 사람은?"
    plain = engine.settings.model_copy(update={"phrase_weight": 0.0})
    unordered = Retriever(engine.index, engine.embedder, engine.analyzer, plain).search(question, 4)
    ordered = engine.retriever.search(question, 4)
    assert [h.chunk.doc_id for h in unordered.hits][:2] == ["a.txt", "b.txt"]
    assert [h.chunk.doc_id for h in ordered.hits][:2] == ["b.txt", "a.txt"]
    assert ordered.hits[0].score > ordered.hits[1].score  # the phrases are in the score it ranks by
    assert ordered.signals == unordered.signals
