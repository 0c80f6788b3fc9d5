"""`assistant feedback export`: rated answers become an `assistant eval` question file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FAKE_MODEL

from assistant.answer.engine import Engine
from assistant.answer.schema import Answer
from assistant.chat.conversation import Conversation
from assistant.chat.sessions import Rated, SessionStore, Turn
from assistant.cli.commands import main
from assistant.evaluation.feedback import feedback_questions
from assistant.evaluation.questions import load_questions
from assistant.settings import Settings

SUBWAY = "서울의 지하철은 몇 개 노선인가?"
HAENYEO = "제주 해녀는 무엇을 따나요?"
MARS = "화성 탐사 로켓은 어떤 연료를 쓰나요?"


@pytest.fixture
def conversation(indexed: Path) -> Conversation:
    """A conversation store beside the index `assistant index` built, as the server keeps it."""
    settings = Settings(index_dir=indexed, model=FAKE_MODEL, abstain=False, show_progress=False)
    return Conversation(Engine(settings), SessionStore(settings.sessions_file), settings)


def rate_a_day_of_use(conversation: Conversation) -> dict[str, Answer]:
    """Questions asked and rated as people do: 👍, 👎, a follow-up, an abstention, one rated twice."""
    subway = conversation.chat(SUBWAY, owner="browser-aaaaaaaaaaaaaaa")
    sid = subway.session_id or ""
    bus = conversation.chat("버스는?", sid)
    haenyeo = conversation.chat(HAENYEO, sid)
    conversation.rate(sid, 1, "down")
    conversation.rate(sid, 1, "up", "정확해요")  # changed: the latest rating counts
    conversation.rate(sid, 2, "up")
    conversation.rate(sid, 3, "down", "전복 말고도 있어요")
    mars = Answer(question=MARS, query=MARS, summary="찾은 문서에는 …", form="general", abstained=True)
    conversation.store.append("other", Turn(n=0, question=MARS, query=MARS, abstained=True), mars.model_dump_json())
    conversation.rate("other", 1, "up")
    return {"subway": subway, "bus": bus, "haenyeo": haenyeo}


def test_export_writes_a_question_file_eval_reads(conversation: Conversation, tmp_path: Path, indexed: Path) -> None:
    answers = rate_a_day_of_use(conversation)
    out = tmp_path / "rated.jsonl"
    result = CliRunner().invoke(main, ["feedback", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "질문 3개를 썼습니다 (답이 있는 질문 2개, 답이 없는 질문 1개)" in result.stderr
    assert "건너뜀: 👎 1개" in result.stderr

    questions = load_questions(out)
    subway, bus = answers["subway"], answers["bus"]
    assert [(q.question, q.answerable, q.judged_by) for q in questions] == [
        (SUBWAY, True, "passage"),
        (bus.query, True, "passage"),  # a follow-up is written as the query it was searched as
        (MARS, False, "none"),
    ]
    assert bus.query != "버스는?"
    assert questions[0].passage == subway.citations[0].passage  # the passage the first sentence cites
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert lines[0]["comment"] == "정확해요" and lines[0]["doc_id"] == subway.citations[0].doc_id
    assert subway.session_id and subway.session_id not in out.read_text("utf-8")  # ids are capabilities

    evaluated = CliRunner().invoke(main, ["eval", str(out), "--json", "-q"])
    assert evaluated.exit_code == 0, evaluated.output
    report = json.loads(evaluated.stdout)
    assert report["questions"]["total"] == 3
    assert [r["modes"]["hybrid"]["rank"] for r in report["results"][:2]] == [1, 1]


def test_export_to_standard_output(conversation: Conversation) -> None:
    rate_a_day_of_use(conversation)
    result = CliRunner().invoke(main, ["feedback", "export"])
    assert result.exit_code == 0, result.output
    questions = [json.loads(line)["question"] for line in result.stdout.splitlines()]
    assert questions[0] == SUBWAY and len(questions) == 3


def test_export_without_a_conversation_store_says_where_it_looked(env: Path) -> None:
    result = CliRunner().invoke(main, ["feedback", "export"])
    assert result.exit_code == 2
    assert "대화 저장 파일이 없습니다" in result.stderr and "sessions.sqlite" in result.stderr


def rated(question: str, rating: str, answer: Answer, at: float = 0.0, n: int = 1) -> Rated:
    from assistant.chat.sessions import Feedback

    return Rated(Feedback("s", n, rating, None, at), question, answer.model_dump_json())  # type: ignore[arg-type]


def test_an_answer_that_cites_nothing_is_left_out_with_a_count() -> None:
    bare = Answer(question="q", query="q", summary="문서에서 …", form="general")
    result = feedback_questions([rated("q", "up", bare)])
    assert (result.entries, result.uncited, result.disliked) == ([], 1, 0)


def test_a_question_rated_in_two_conversations_is_written_once_with_its_latest_rating() -> None:
    no = Answer(question="q", query="q", summary="…", form="general", abstained=True)
    result = feedback_questions([rated("q", "up", no, at=1), rated("q ", "down", no, at=2)])
    assert (len(result.entries), result.disliked) == (0, 1)
    result = feedback_questions([rated("q", "down", no, at=1), rated("q", "up", no, at=2)])
    assert [(e["question"], e["answerable"]) for e in result.entries] == [("q", False)]
