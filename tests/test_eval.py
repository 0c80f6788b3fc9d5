"""`assistant eval`: reading question files, judging relevance, the metrics, and the command."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ALWAYS, BY_COVERAGE, FAKE_MODEL, FakeEmbedder

from assistant.answer.engine import Engine
from assistant.cli.commands import main
from assistant.errors import EvalDataError
from assistant.evaluation.run import (
    DocResolver,
    EvalQuestion,
    Span,
    abstention,
    evaluate,
    first_rank,
    hit_at,
    load_questions,
    ndcg,
    passage_matches,
    percentile,
    rank_units,
    reciprocal_rank,
)
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer

SUBWAY = "서울의 지하철은 몇 개 노선인가?"
HAENYEO = "제주 해녀는 무엇을 따나요?"
MARKET = "광장시장은 무엇으로 유명한가?"
OFF_TOPIC = "화성 탐사 로켓의 연료는?"

#: Sentences of the golden corpus (conftest.GOLDEN) and their offsets in their document.
HAENYEO_SENTENCE = "해녀는 바다에 들어가 전복과 소라를 딴다."
HALLASAN_SENTENCE = "한라산이 섬 가운데에 솟아 있다."
MARKET_SPAN = {"doc": "서울.md", "start": 132, "end": 149}  # "광장시장은 빈대떡으로 유명하다."
CAPITAL_SPAN = {"doc": "서울.md", "start": 9, "end": 24}  # "서울은 대한민국의 수도이다."


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows))
    return path


@pytest.fixture
def engine(settings: Settings, analyzer: KoreanAnalyzer) -> Engine:
    eng = Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer, rule=BY_COVERAGE)
    eng.build_index()
    return eng


def ask(engine: Engine, tmp_path: Path, rows: list[Any], modes: tuple[str, ...] = ("hybrid",)) -> dict[str, Any]:
    questions = load_questions(write_jsonl(tmp_path / "q.jsonl", rows))
    return evaluate(engine, questions, modes).to_dict(details=True)


def ranks(report: dict[str, Any], mode: str = "hybrid") -> list[int | None]:
    return [r["modes"][mode]["rank"] for r in report["results"]]


# ---------------------------------------------------------------------------
# Metrics on synthetic rankings


def test_relevant_at_rank_three() -> None:
    flags = [False, False, True]
    assert first_rank(flags) == 3
    assert reciprocal_rank(flags) == pytest.approx(1 / 3)
    assert ndcg(flags, 1) == pytest.approx(1 / math.log2(4)) == pytest.approx(0.5)
    assert [hit_at(flags, k) for k in (1, 2, 3, 10)] == [False, False, True, True]


def test_two_relevant_units() -> None:
    flags = [True, False, True]
    ideal = 1 + 1 / math.log2(3)
    assert ndcg(flags, 2) == pytest.approx((1 + 1 / math.log2(4)) / ideal)
    assert ndcg([True, True], 2) == pytest.approx(1.0)
    assert ndcg([True], 2) == pytest.approx(1 / ideal)  # one of two found, at the top
    assert reciprocal_rank(flags) == 1.0


def test_nothing_relevant_within_k() -> None:
    flags = [False] * 10 + [True]
    assert first_rank(flags) == 11
    assert reciprocal_rank(flags) == 0.0
    assert ndcg(flags, 1) == 0.0
    assert not hit_at(flags, 10)
    assert first_rank([]) is None and ndcg([], 1) == 0.0


def test_rank_units_counts_each_unit_once() -> None:
    # chunks: doc a (relevant unit 0), doc a again, doc b, doc b, unit 0 again, doc c (relevant unit 1)
    matches: list[frozenset[int]] = [frozenset({0}), frozenset({0}), frozenset(), frozenset(), frozenset({0})]
    matches.append(frozenset({1}))
    assert rank_units(matches, ["a", "a", "b", "b", "a", "c"]) == [True, False, True]
    # a chunk that covers two spans counts once; a later chunk of one of them adds nothing
    assert rank_units([frozenset({0, 1}), frozenset({1})], ["x#0", "x#1"]) == [True]
    assert rank_units([frozenset(), frozenset()], ["x#0", "x#1"]) == [False, False]


def test_percentile_interpolates() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == pytest.approx(2.5)
    assert percentile([float(v) for v in range(1, 21)], 95) == pytest.approx(19.05)
    assert percentile([7.0], 95) == 7.0
    assert math.isnan(percentile([], 50))


def test_abstention_precision_and_recall() -> None:
    #            abstained:  yes    yes   no    no    yes
    #           answerable:  no     yes   no    yes   no
    scores = abstention([True, True, False, False, True], [False, True, False, True, False])
    assert (scores.abstained, scores.unanswerable, scores.correct) == (3, 3, 2)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(2 / 3)
    none = abstention([False, False], [True, False])
    assert none.precision is None and none.recall == 0.0
    assert abstention([True], [True]).recall is None


# ---------------------------------------------------------------------------
# Passage and document matching


def test_passage_contained_either_way_with_other_whitespace() -> None:
    chunk = "감귤 농사와 관광이 제주 경제의 중심이다.\n해녀는 바다에 들어가   전복과 소라를 딴다."
    assert passage_matches(chunk, "해녀는 바다에 들어가 전복과\n소라를 딴다.")  # passage inside the chunk
    assert passage_matches(chunk, "제주도는 한국에서 가장 큰 섬이다. " + chunk)  # chunk inside the passage
    assert not passage_matches(chunk, "한라산이 섬 가운데에 솟아 있다.")


def test_passage_across_a_chunk_boundary_needs_half_of_the_shorter() -> None:
    passage = "0123456789abcdefghij"  # 20 characters
    assert passage_matches("xxxxxxxxxx0123456789", passage)  # the chunk ends with half of it
    assert passage_matches("abcdefghijxxxxxxxxxxxxxxx", passage)  # the chunk starts with the other half
    assert not passage_matches("xxxxxxxxxxxxxxx012345678", passage)  # 9 of 20: less than half
    assert not passage_matches("", passage)


def test_doc_resolver_by_id_path_and_title() -> None:
    titles = {"sub/서울.md": "서울 안내", "제주.txt": "제주"}
    paths = {"sub/서울.md": "/data/corpus/sub/서울.md", "제주.txt": "/data/corpus/제주.txt"}
    loaded: list[bool] = []
    resolver = DocResolver(titles, lambda: loaded.append(True) or paths)
    assert resolver.resolve("sub/서울.md") == {"sub/서울.md"}
    assert resolver.resolve("서울.md") == {"sub/서울.md"}  # end of the doc id
    assert resolver.resolve("서울 안내") == {"sub/서울.md"}  # title
    assert resolver.resolve("sub\\서울.md") == {"sub/서울.md"}
    assert not loaded  # paths are read only when id and title match nothing
    assert resolver.resolve("corpus/제주.txt") == {"제주.txt"}
    assert resolver.resolve("울.md") == frozenset()  # not a whole path component
    assert loaded == [True]


# ---------------------------------------------------------------------------
# Reading question files


def test_each_form_is_read(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "q.jsonl",
        [
            {"question": SUBWAY, "doc": "서울.md"},
            "",
            {"question": " 두 곳의 차이는? ", "docs": ["서울.md", "제주.txt"], "id": "pair"},
            {"question": HAENYEO, "passage": HAENYEO_SENTENCE, "id": 7},
            {"question": MARKET, "spans": [MARKET_SPAN]},
            {"question": OFF_TOPIC, "answerable": False, "note": "other keys are ignored"},
        ],
    )
    qs = load_questions(path)
    assert [(q.id, q.judged_by) for q in qs] == [
        ("1", "doc"), ("pair", "doc"), ("7", "passage"), ("5", "spans"), ("6", "none"),
    ]  # fmt: skip
    assert qs[0] == EvalQuestion(SUBWAY, "1", docs=("서울.md",))
    assert qs[1].question == "두 곳의 차이는?" and qs[1].docs == ("서울.md", "제주.txt")
    assert qs[2].passage == HAENYEO_SENTENCE
    assert qs[3].spans == (Span("서울.md", 132, 149),)
    assert not qs[4].answerable
    assert qs[4].where == f"{path}, 6번째 줄"
    assert [q.id for q in load_questions(path, limit=2)] == ["1", "pair"]


#: A KorQuAD-style sample written for these tests: paragraphs of the golden corpus.
JEJU_PARAGRAPH = "감귤 농사와 관광이 제주 경제의 중심이다. 해녀는 바다에 들어가 전복과 소라를 딴다."
KORQUAD_SAMPLE = {
    "version": "KorQuAD_v1.0_dev",
    "data": [
        {
            "title": "제주",
            "paragraphs": [
                {
                    "context": JEJU_PARAGRAPH,
                    "qas": [
                        {"id": "t1-0", "question": HAENYEO, "answers": [{"text": "전복과 소라", "answer_start": 35}]},
                        {
                            "id": "t1-1",
                            "question": "제주 경제의 중심은?",
                            "answers": [{"text": "감귤", "answer_start": 0}],
                        },
                    ],
                }
            ],
        },
        {
            "title": "서울",
            "paragraphs": [
                {
                    "context": "서울에서는 떡볶이와 김밥을 쉽게 먹을 수 있다. 광장시장은 빈대떡으로 유명하다.",
                    "qas": [
                        {"id": "t2-0", "question": MARKET, "answers": [{"text": "빈대떡", "answer_start": 35}]},
                        {"id": "t2-1", "question": OFF_TOPIC, "answers": [], "is_impossible": True},
                    ],
                }
            ],
        },
    ],
}


def test_korquad_json_is_read_with_paragraphs_as_passages(tmp_path: Path) -> None:
    path = tmp_path / "dev.json"
    path.write_text(json.dumps(KORQUAD_SAMPLE, ensure_ascii=False, indent=1), "utf-8")
    qs = load_questions(path)
    assert [q.id for q in qs] == ["t1-0", "t1-1", "t2-0", "t2-1"]
    assert qs[0].passage == qs[1].passage == JEJU_PARAGRAPH
    assert qs[0].judged_by == "passage" and qs[0].where == f"{path}, 1번째 문서, 1번째 문단, 1번째 질문"
    assert not qs[3].answerable and qs[3].passage is None  # SQuAD 2.0's is_impossible
    assert len(load_questions(path, limit=3)) == 3


def test_korquad_questions_are_judged_by_their_paragraph(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "dev.json"
    path.write_text(json.dumps(KORQUAD_SAMPLE, ensure_ascii=False), "utf-8")
    report = evaluate(engine, load_questions(path)).to_dict(details=True)
    assert [r["modes"]["hybrid"]["rank"] for r in report["results"]] == [1, 1, 1, None]
    assert report["questions"] == {"total": 4, "answerable": 3, "unanswerable": 1, "judged_by": {"passage": 3}}


GOOD = {"question": SUBWAY, "doc": "서울.md"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"question": "노선은?", "doc": ', "JSON이 잘못되었습니다"),
        ('["a list"]', "JSON 객체여야 합니다"),
        ({"doc": "서울.md"}, '비어 있지 않은 "question"'),
        ({"question": "  ", "doc": "서울.md"}, '비어 있지 않은 "question"'),
        ({"question": SUBWAY}, "답이 있는 곳을 적거나"),
        ({"question": SUBWAY, "doc": "서울.md", "passage": "서울"}, "중 하나만 주세요"),
        ({"question": SUBWAY, "docs": []}, '"docs"는 문서 이름의 비어 있지 않은 목록'),
        ({"question": SUBWAY, "doc": 3}, "비어 있지 않은 문자열"),
        ({"question": SUBWAY, "passage": " "}, '"passage"는 비어 있지 않은 문자열'),
        ({"question": SUBWAY, "spans": [{"doc": "서울.md", "start": 5}]}, "spans[0]에는"),
        ({"question": SUBWAY, "spans": [{"doc": "서울.md", "start": 9, "end": 9}]}, "0 <= start < end"),
        ({"question": SUBWAY, "spans": [{"doc": "서울.md", "start": True, "end": 9}]}, "spans[0]에는"),
        ({"question": SUBWAY, "answerable": "no"}, '"answerable"은 true나 false여야'),
        ({"question": OFF_TOPIC, "answerable": False, "doc": "서울.md"}, '"doc"/"docs"를 빼세요'),
        ({"question": SUBWAY, "doc": "서울.md", "id": [1]}, '"id"는 문자열이나 숫자'),
    ],
)
def test_bad_line_names_file_and_line(tmp_path: Path, line: Any, message: str) -> None:
    path = write_jsonl(tmp_path / "q.jsonl", [GOOD, GOOD, line, GOOD])
    with pytest.raises(EvalDataError) as info:
        load_questions(path)
    assert info.value.where == f"{path}, 3번째 줄"
    assert message in info.value.message
    assert info.value.message.startswith(f"{path}, 3번째 줄: ")


def test_missing_or_empty_file(tmp_path: Path) -> None:
    with pytest.raises(EvalDataError, match="파일이 없습니다"):
        load_questions(tmp_path / "missing.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n\n", "utf-8")
    with pytest.raises(EvalDataError, match="질문이 없습니다"):
        load_questions(tmp_path / "empty.jsonl")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"data": [{"title": "x"}]}), "utf-8")
    with pytest.raises(EvalDataError, match='1번째 문서: "paragraphs" 목록이 필요합니다'):
        load_questions(broken)


# ---------------------------------------------------------------------------
# Evaluating against the golden corpus (hybrid ranking: 서울.md#1, #2, #0 for the subway
# question; 제주.txt#2, #0, #1 for the haenyeo one; 서울.md#2, #0, #1 for the market one)


def test_doc_questions_rank_documents(engine: Engine, tmp_path: Path, golden_corpus: Path) -> None:
    rows = [
        {"question": SUBWAY, "doc": "서울.md"},
        {"question": SUBWAY, "doc": "서울 안내"},  # by title
        {"question": SUBWAY, "doc": str(golden_corpus / "서울.md")},  # by path
        {"question": SUBWAY, "doc": "제주.txt"},  # the other document: the second distinct one
        {"question": SUBWAY, "docs": ["제주.txt", "서울.md"]},
    ]
    report = ask(engine, tmp_path, rows)
    assert ranks(report) == [1, 1, 1, 2, 1]
    metrics = report["modes"]["hybrid"]["metrics"]
    assert metrics["R@1"] == pytest.approx(4 / 5)
    assert metrics["MRR@10"] == pytest.approx((4 + 1 / 2) / 5)
    assert metrics["nDCG@10"] == pytest.approx((4 + 1 / math.log2(3)) / 5)
    assert report["modes"]["hybrid"]["recall_curve"] == [pytest.approx(0.8)] + [1.0] * 9


def test_passage_and_span_questions_rank_passages(engine: Engine, tmp_path: Path) -> None:
    rows = [
        {"question": HAENYEO, "passage": HAENYEO_SENTENCE},
        {"question": HAENYEO, "passage": HALLASAN_SENTENCE},  # in the second passage
        {"question": MARKET, "spans": [MARKET_SPAN]},
        {"question": MARKET, "spans": [{**CAPITAL_SPAN, "doc": "서울 안내"}]},  # the second passage
        {"question": MARKET, "spans": [CAPITAL_SPAN, MARKET_SPAN]},
        {"question": SUBWAY, "spans": [CAPITAL_SPAN]},  # two other passages of the same document come first
    ]
    report = ask(engine, tmp_path, rows)
    assert ranks(report) == [1, 2, 1, 2, 1, 3]
    assert report["modes"]["hybrid"]["metrics"]["nDCG@10"] == pytest.approx((3 + 2 / math.log2(3) + 0.5) / 6)
    assert report["results"][0]["modes"]["hybrid"]["chunks"][0] == "제주.txt#2"


def test_unknown_document_is_an_error_before_asking(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "q.jsonl", [GOOD, {"question": SUBWAY, "doc": "부산.md"}])
    with pytest.raises(EvalDataError, match=r"2번째 줄: '부산.md'에 해당하는 색인된 문서가 없습니다"):
        evaluate(engine, load_questions(path))


def test_too_long_question_is_an_error_with_its_line(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "q.jsonl", [GOOD, {"question": "가" * 2000, "doc": "서울.md"}])
    with pytest.raises(EvalDataError, match="2번째 줄: 질문이 너무 깁니다"):
        evaluate(engine, load_questions(path))


def test_abstention_and_latency(engine: Engine, tmp_path: Path) -> None:
    rows = [
        {"question": SUBWAY, "doc": "서울.md"},
        {"question": HAENYEO, "doc": "제주.txt"},
        {"question": OFF_TOPIC, "answerable": False},
    ]
    report = ask(engine, tmp_path, rows)
    hybrid = report["modes"]["hybrid"]
    assert hybrid["abstention"] == {
        "precision": 1.0, "recall": 1.0, "abstained": 1, "unanswerable": 1, "abstained_unanswerable": 1,
    }  # fmt: skip
    assert [r["modes"]["hybrid"]["abstained"] for r in report["results"]] == [False, False, True]
    latency = hybrid["latency_ms"]
    assert 0 < latency["p50"] <= latency["p95"] <= latency["max"]
    assert report["index"]["model"] == FAKE_MODEL and report["index"]["chunks"] == 6


def test_abstained_answers_are_still_ranked(settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path) -> None:
    engine = Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer, rule=ALWAYS)
    engine.build_index()
    report = ask(
        engine, tmp_path, [{"question": SUBWAY, "doc": "제주.txt"}, {"question": OFF_TOPIC, "answerable": False}]
    )
    assert ranks(report) == [2, None]
    assert report["modes"]["hybrid"]["abstention"]["precision"] == pytest.approx(1 / 2)
    assert report["modes"]["hybrid"]["abstention"]["recall"] == 1.0


def test_compare_measures_three_modes(engine: Engine, tmp_path: Path) -> None:
    report = ask(engine, tmp_path, [GOOD, {"question": OFF_TOPIC, "answerable": False}], ("hybrid", "dense", "bm25"))
    assert list(report["modes"]) == ["hybrid", "dense", "bm25"]
    assert list(report["results"][0]["modes"]) == ["hybrid", "dense", "bm25"]
    assert report["results"][1]["modes"]["bm25"]["chunks"] == []  # no term of the question is indexed
    assert set(report["modes"]["dense"]) == {"metrics", "recall_curve", "abstention", "latency_ms"}


def test_summary_without_details(engine: Engine, tmp_path: Path) -> None:
    report = evaluate(engine, load_questions(write_jsonl(tmp_path / "q.jsonl", [GOOD])))
    data = report.to_dict()
    assert "results" not in data
    assert data["modes"]["hybrid"]["metrics"] == {"R@1": 1.0, "R@5": 1.0, "R@10": 1.0, "MRR@10": 1.0, "nDCG@10": 1.0}
    assert data["modes"]["hybrid"]["abstention"]["recall"] is None  # no unanswerable question
    assert report.results["hybrid"][0].rank == 1


def test_only_unanswerable_questions(engine: Engine, tmp_path: Path) -> None:
    report = ask(engine, tmp_path, [{"question": OFF_TOPIC, "answerable": False}])
    assert report["modes"]["hybrid"]["metrics"]["R@1"] is None
    assert report["modes"]["hybrid"]["recall_curve"] == [None] * 10


# ---------------------------------------------------------------------------
# The command


@pytest.fixture
def questions_file(tmp_path: Path) -> Path:
    rows = [
        {"question": SUBWAY, "doc": "서울.md"},
        {"question": HAENYEO, "passage": HAENYEO_SENTENCE},
        {"question": MARKET, "spans": [MARKET_SPAN]},
        {"question": OFF_TOPIC, "answerable": False},
    ]
    return write_jsonl(tmp_path / "questions.jsonl", rows)


def test_cli_compare_json(indexed: Path, questions_file: Path) -> None:
    result = CliRunner().invoke(main, ["eval", str(questions_file), "--compare", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data["modes"]) == ["hybrid", "dense", "bm25"]
    assert data["index"]["index_dir"] == str(indexed)
    assert data["questions"]["total"] == 4 and len(data["results"]) == 4
    assert data["abstain"] is False
    assert data["modes"]["hybrid"]["metrics"]["R@1"] == 1.0


def test_cli_table(indexed: Path, questions_file: Path) -> None:
    result = CliRunner().invoke(main, ["eval", str(questions_file), "--mode", "dense", "--limit", "3"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "질문 3개: 답이 있는 질문 3개 (문서 1, 구절 1, 구간 1), 답이 없는 질문 0개" in lines
    header = next(line for line in lines if line.strip() == "dense")
    assert lines[lines.index(header) + 1].split() == ["R@1", "1.000"]
    assert ["답", "보류", "R", "—", "(0/0)"] in [line.split() for line in lines]
    assert "bm25" not in result.stdout
    assert "(답하지 않기가 꺼져 있습니다: ASSISTANT_ABSTAIN=false)" in lines


def test_cli_missing_file(indexed: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    result = CliRunner().invoke(main, ["eval", str(missing)])
    assert result.exit_code == 2
    assert f"오류: {missing}: 파일이 없습니다" in result.stderr


def test_cli_bad_line(indexed: Path, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "q.jsonl", [GOOD, {"question": SUBWAY}])
    result = CliRunner().invoke(main, ["eval", str(path)])
    assert result.exit_code == 2
    assert f'{path}, 2번째 줄: "doc", "docs", "passage", "spans" 중 하나로' in result.stderr
    assert "docs/eval.md" in result.stderr  # the hint


def test_cli_without_an_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, questions_file: Path) -> None:
    monkeypatch.setenv("ASSISTANT_MODEL", FAKE_MODEL)
    result = CliRunner().invoke(main, ["eval", str(questions_file), "--index", str(tmp_path / "none")])
    assert result.exit_code == 5
    assert "에 색인이 없습니다." in result.stderr
