"""``python -m bench.compare``: what changed between two runs of ``bench.answers``, question by
question, on hand-made payloads; and the rows ``bench.answers`` records for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.answer.schema import Answer, Citation, SummarySentence
from bench.answers import judge, judged_all
from bench.common import Question
from bench.compare import compare, main, runs


def _row(question: str, first: bool, summary: bool, cited: bool = True, abstained: bool = False, lead: str = "") -> Any:
    return {
        "question": question,
        "first": first,
        "summary": summary,
        "cited": cited,
        "abstained": abstained,
        "lead": lead or f"{question}의 첫 문장",
    }


def _collection(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    return {
        "questions": n,
        "overall": {
            "n": n,
            "first": round(sum(r["first"] for r in rows) / n, 4),
            "summary": round(sum(r["summary"] for r in rows) / n, 4),
            "cited": round(sum(r["cited"] for r in rows) / n, 4),
            "median_chars": 120,
            "abstained": round(sum(r["abstained"] for r in rows) / n, 4),
        },
        "rows": rows,
    }


def _turns(turns: list[tuple[str, bool]]) -> dict[str, Any]:
    rows = [{"id": i, "message": "그럼 미국은?", "first": f, "summary": f, "cited": True, "lead": i} for i, f in turns]
    return {"first": round(sum(f for _, f in turns) / len(turns), 4), "summary": 0.5, "cited": 1.0, "turns": rows}


BEFORE = {
    "help": _collection(
        [_row("표 넣기", True, True), _row("각주 다는 법", False, True), _row("PDF로 저장", False, False)]
    ),
    "law": _collection([_row("대통령 임기", True, True)]),
    "followups": _turns([("c01.1", True), ("c01.2", False)]),
}
AFTER = {
    "help": _collection(
        [
            _row("표 넣기", False, True, lead="다른 첫 문장"),  # lost its first sentence
            _row("각주 다는 법", True, True, lead="삽입 - 각주를 선택합니다."),  # gained it
            _row("PDF로 저장", False, False, cited=False, abstained=True),  # now abstained
        ]
    ),
    "law": _collection([_row("대통령 임기", True, True)]),
    "followups": _turns([("c01.1", True), ("c01.2", True)]),
    "gnome": _collection([_row("화면 밝기", True, True)]),
}


def test_a_question_that_changed_is_listed_with_its_leads_and_the_tallies() -> None:
    text = "\n".join(compare(BEFORE, AFTER))
    # the share of first sentences is the same, one question gained and another lost it: both shown
    assert "help: cited 1.0 → 0.6667; abstained 0.0 → 0.3333 (first +1 -1, cited +0 -1, answered +0 -1)" in text
    assert "  -first  표 넣기" in text and "      now: 다른 첫 문장" in text
    assert "  +first  각주 다는 법" in text and "      was: 각주 다는 법의 첫 문장" in text
    assert "  -cited -answered  PDF로 저장" in text
    assert "law: unchanged" in text
    assert "followups: first 0.5 → 1.0 (first +1 -0, summary +1 -0)" in text and "+first +summary  c01.2" in text
    assert "gnome: only in the second run" in text


def test_figures_alone_when_a_run_kept_no_questions() -> None:
    old = {"help": {k: v for k, v in BEFORE["help"].items() if k != "rows"}}
    lines = compare(old, {"help": AFTER["help"]})
    assert lines[0].startswith("help: cited 1.0 → 0.6667")
    assert lines[1] == "  (no questions recorded in one of the runs: figures only)"
    assert len(lines) == 2
    assert compare(old, {"help": BEFORE["help"]}) == [
        "help: figures unchanged (no questions recorded in one of the runs)"
    ]


def test_a_lead_that_changed_alone_is_listed_only_when_asked() -> None:
    after = {"law": _collection([_row("대통령 임기", True, True, lead="대통령의 임기는 5년으로 하며")])}
    assert compare({"law": BEFORE["law"]}, after) == ["law: unchanged"]
    lines = compare({"law": BEFORE["law"]}, after, leads=True)
    assert lines[1:] == [
        "  (lead)  대통령 임기",
        "      was: 대통령 임기의 첫 문장",
        "      now: 대통령의 임기는 5년으로 하며",
    ]


def test_a_repeated_question_is_kept_apart() -> None:
    rows = runs({"kq": _collection([_row("누구인가?", True, True), _row("누구인가?", False, False)])})["kq"].rows
    assert rows is not None and list(rows) == ["누구인가?", "누구인가? (2)"]


def test_the_command_reads_two_files_and_says_when_one_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(json.dumps(BEFORE, ensure_ascii=False), "utf-8")
    after.write_text(json.dumps(AFTER, ensure_ascii=False), "utf-8")
    main([str(before), str(after), "--only", "law,followups"])
    out = capsys.readouterr().out
    assert "law: unchanged" in out and "followups: first" in out and "help" not in out
    with pytest.raises(SystemExit, match=r"python -m bench\.answers --out"):
        main([str(before), str(tmp_path / "none.json")])


class _Store:
    def rows_of(self, chunk_ids: list[str]) -> list[int]:
        return []  # no passage found: the baseline rules pick nothing


class _Index:
    store = _Store()


class _Engine:
    """What ``judged_all`` asks of an engine: its index and analyzer for the baseline rules, and answers."""

    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = answers
        self.analyzer = None
        self.index = _Index()

    def ask(self, question: str) -> Answer:
        return self.answers[question]


def _answer(question: str, lead: str, passage: str) -> Answer:
    cite = Citation(n=1, chunk_id="a#0", doc_id="a.md", title="a", section="", start=0, end=1, passage=passage, score=1)
    return Answer(
        question=question,
        query=question,
        form="general",
        summary=f"{lead} [1]",
        summary_sentences=[SummarySentence(text=lead, citation=1)],
        citations=[cite],
    )


def test_bench_answers_records_each_question_for_the_comparison() -> None:
    """``judged_all`` keeps each question's figures and lead (``rows``), as ``compare`` reads them."""
    answers = {
        "임기는?": _answer("임기는?", "대통령의 임기는 5년으로 한다.", "대통령의 임기는 5년으로 한다."),
        "수도는?": _answer("수도는?", "헌법은 수도를 정하지 않는다.", "수도는 서울이다."),
    }
    questions = [Question("임기는?", "a.md", ("5년",)), Question("수도는?", "a.md", ("서울",))]
    got = judged_all(_Engine(answers), questions)  # type: ignore[arg-type]
    assert got["rows"] == [
        {"question": "임기는?", "first": True, "summary": True, "cited": True, "abstained": False,
         "lead": "대통령의 임기는 5년으로 한다."},
        {"question": "수도는?", "first": False, "summary": False, "cited": True, "abstained": False,
         "lead": "헌법은 수도를 정하지 않는다."},
    ]  # fmt: skip
    assert judge(questions[0], answers["임기는?"], {}).row() == got["rows"][0]


def _asked(question: str, rank: int | None, abstained: bool, p: float, answerable: bool = True) -> dict[str, Any]:
    """One question of a ``bench.retrieval`` run, as ``score(..., keep_rows=True)`` records it."""
    return {"question": question, "answerable": answerable, "rank": rank, "abstained": abstained, "p": p}


def _retrieval(rows: list[dict[str, Any]], r1: float, caught: float) -> dict[str, Any]:
    default = {"R@1": r1, "R@5": 1.0, "false_abstention": 0.0, "caught_offtopic": caught, "rows": rows}
    return {"systems": {}, "collections": {"help": {"bm25": {"R@1": 0.5}, "default": default}}}


def test_two_retrieval_runs_are_compared_on_the_default_system() -> None:
    """``bench.retrieval`` runs: R@1 and R@5 of the answerable questions, caught of the others, the rank shown."""
    # question, answerable, then (rank, abstained, p) in the run before and in the run after
    asked = [
        ("표 넣기", True, (1, False, 0.9), (2, False, 0.9)),
        ("PDF로 저장", True, (7, False, 0.8), (3, False, 0.8)),
        ("팀즈 회의", False, (None, False, 0.3), (None, True, 0.1)),
    ]
    before = _retrieval([_asked(q, *was, answerable=a) for q, a, was, _ in asked], 0.5, 0.0)
    after = _retrieval([_asked(q, *now, answerable=a) for q, a, _, now in asked], 0.0, 1.0)
    lines = compare(before, after)
    assert lines[0] == "help: R@1 0.5 → 0.0; caught_offtopic 0.0 → 1.0 (R@1 +0 -1, R@5 +1 -0, caught +1 -0)"
    assert lines[1:4] == ["  -R@1  표 넣기", "      was: rank 1, p 0.9", "      now: rank 2, p 0.9"]
    assert "  +R@5  PDF로 저장" in lines and "  +caught  팀즈 회의" in lines
    assert compare(before, before) == ["help: unchanged"]


def test_bench_retrieval_keeps_each_question_of_the_default_system() -> None:
    """``score(..., keep_rows=True)`` records each question's rank, abstention and p(answerable)."""
    from bench.retrieval import Query, doc_judge, score

    class _Chunk:
        def __init__(self, doc_id: str) -> None:
            self.doc_id = doc_id

    class _Hit:
        def __init__(self, doc_id: str) -> None:
            self.chunk = _Chunk(doc_id)

    class _Retrieval:
        def __init__(self, docs: list[str]) -> None:
            self.hits = [_Hit(d) for d in docs]
            self.signals = {"p": 0.25 if docs else 0.0}

    class _Retriever:
        def search(self, text: str, k: int, **_: Any) -> _Retrieval:
            return _Retrieval(["b.html", "a.html"] if "표" in text else ["c.html"])

    class _Rule:
        def probability(self, signals: dict[str, float]) -> float:
            return signals["p"]

    class _Settings:
        top_k = 5

    class _ScoredEngine:
        settings = _Settings()
        rule = _Rule()

        def should_abstain(self, retrieval: _Retrieval) -> bool:
            return not any(h.chunk.doc_id == "b.html" for h in retrieval.hits)

    queries = [Query("표 넣기", doc_judge(["a.html"])), Query("팀즈 회의")]
    got = score(_ScoredEngine(), _Retriever(), queries, "hybrid", keep_rows=True)  # type: ignore[arg-type]
    assert got["rows"] == [_asked("표 넣기", 2, False, 0.25), _asked("팀즈 회의", None, True, 0.25, False)]
    assert got["R@5"] == 1.0 and got["caught_offtopic"] == 1.0
    assert "rows" not in score(_ScoredEngine(), _Retriever(), queries, "hybrid")  # type: ignore[arg-type]
