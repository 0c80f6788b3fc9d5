"""The speed benchmark's own bookkeeping (``bench.speed``, ``bench.report``): which answers embedded
candidate sentences, and how the report says so."""

from __future__ import annotations

from typing import Any

from conftest import FakeEmbedder

from assistant.answer.engine import Engine
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer
from bench.report import speed_section
from bench.speed import STAGES, Counting, latency, stage_times


def test_counting_counts_passages_only() -> None:
    counting = Counting(FakeEmbedder())
    counting.embed(["질문"], "query")
    assert counting.passages == 0
    vectors = counting.embed(["문장 하나", "문장 둘"], "passage")
    assert counting.passages == 2 and vectors.shape == (2, counting.dim)
    assert counting.model_id == FakeEmbedder().model_id


def test_latency_splits_the_answers_that_embedded_sentences(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    counting = Counting(FakeEmbedder())
    engine = Engine(settings, embedder=counting, analyzer=analyzer)
    engine.build_index()
    questions = ["서울의 지하철은 몇 개 노선인가?", "제주 해녀는 무엇을 따나요?", "Where is the subway?"]
    before = counting.passages
    out = latency(engine, questions, 1)
    assert set(out) == {"answer", "embed_only", "stages", "sentences"}
    assert set(out["stages"]) == set(STAGES) and all(v >= 0 for v in out["stages"].values())
    share = out["sentences"]["share"]
    assert 0.0 <= share <= 1.0
    assert (share > 0) == (counting.passages > before)  # any sentence embedded shows in the share
    assert out["answer"]["n"] == len(questions)


def speed_result(**corpus: object) -> dict[str, Any]:
    """A ``bench.speed`` result with the default corpus's latency set, plus ``corpus``'s entries in it."""
    timing = {"p50_ms": 1.0, "p95_ms": 2.0, "n": 3}
    return {
        "model_load_s": 1.0,
        "kiwi_load_s": 1.0,
        "index_build_s": 1.0,
        "index_unchanged_s": 0.1,
        "peak_rss_mb": 700.0,
        "rss_after_load_mb": 650.0,
        "corpus": {"answer": timing, "embed_only": timing, "chunks": 6, **corpus},
    }


def test_the_report_says_how_many_answers_embedded_sentences() -> None:
    speed = speed_result(sentences={"share": 0.25, "p50_with_ms": 30.0, "p50_without_ms": 9.0})
    text = "\n".join(speed_section(speed))
    assert "default corpus 25% of them, p50 30.0 ms against 9.0 ms for the others" in text
    del speed["corpus"]["sentences"]
    assert "choose their lead" not in "\n".join(speed_section(speed))


def test_the_stages_add_up_to_the_answer() -> None:
    timings = {"embed_ms": 5.0, "lexical_ms": 0.5, "rank_ms": 1.0, "summary_ms": 1.5, "guide_ms": 0.2, "total_ms": 9.0}
    stages = stage_times(timings)
    assert stages["other_ms"] == 9.0 - 8.2
    assert sum(stages.values()) == 9.0
    # an abstention has no summary: the stage counts 0, the rest is still the rest
    del timings["summary_ms"]
    assert stage_times(timings)["summary_ms"] == 0.0 and stage_times(timings)["other_ms"] == 9.0 - 6.7


def test_the_report_says_where_the_time_goes() -> None:
    speed = speed_result(stages=dict.fromkeys(STAGES, 0.5) | {"embed_ms": 6.25})
    text = "\n".join(speed_section(speed))
    assert "default corpus: embedding the question 6.25 ms, BM25 scoring 0.50 ms" in text
    del speed["corpus"]["stages"]
    assert "Where an answer's time goes" not in "\n".join(speed_section(speed))
