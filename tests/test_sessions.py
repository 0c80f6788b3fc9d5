"""The conversation store: persistence, expiry, unknown ids, hundreds of turns, concurrent messages."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from conftest import FakeEmbedder

from assistant.answer.engine import Engine
from assistant.chat.conversation import Conversation
from assistant.chat.sessions import Item, Passage, SessionStore, Turn
from assistant.errors import ConfigError, SessionNotFoundError
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer

HOUR = 3600.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def sample_turn(question: str = "유럽의 AI 전략은?") -> Turn:
    return Turn(
        n=0,
        question=question,
        query="유럽 AI 전략",
        followup="ellipsis",
        drew_on_turn=1,
        passages=(Passage(1, "a.txt#3", "a.txt", True, False), Passage(2, "b.txt#0", "b.txt", False, True)),
        items=(Item("유럽은 규제를 중시합니다.", 1, ("유럽", "규제", "중시"), 42),),
        topic={"유럽": 1.0, "AI": 0.6, "전략": 0.36},
        focus=(("유럽", "name", 0), ("전략", "common", 1)),
        excluded=("b.txt#0",),
        avoided=(("a.txt", 42),),
        said=(("a.txt", 42, 56),),
        anchor=("a.txt", 42),
        named=("유럽", "규제", "윤리"),
        sides=("유럽", "미국"),
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> SessionStore:
    with SessionStore(tmp_path / "sessions.sqlite", ttl_hours=1, clock=clock) as s:
        yield s  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Sessions and turns


def test_turns_are_numbered_in_order_and_round_trip(store: SessionStore) -> None:
    sid = store.create()
    numbers = [store.append(sid, sample_turn(f"질문 {i}"), json.dumps({"i": i})) for i in range(3)]
    assert numbers == [1, 2, 3]
    turns = store.recent(sid, 10)
    assert [t.n for t in turns] == [1, 2, 3]
    assert [t.question for t in turns] == ["질문 0", "질문 1", "질문 2"]
    first = turns[0]
    expected = sample_turn("질문 0")
    assert first.passages == expected.passages
    assert first.items == expected.items
    assert list(first.topic.items()) == list(expected.topic.items())  # order kept
    assert (first.focus, first.excluded, first.avoided) == (expected.focus, expected.excluded, expected.avoided)
    assert first.said == (("a.txt", 42, 56),) and first.was_said("a.txt", 50) and not first.was_said("a.txt", 56)
    assert (first.followup, first.drew_on_turn, first.abstained) == ("ellipsis", 1, False)
    assert first.anchor == ("a.txt", 42)
    assert first.named == ("유럽", "규제", "윤리") and first.sides == ("유럽", "미국")
    assert [h.answer_json for h in store.history(sid)] == ['{"i": 0}', '{"i": 1}', '{"i": 2}']


def test_a_session_is_created_by_its_first_turn(store: SessionStore) -> None:
    assert store.status("fresh-id") == "unknown"
    assert store.append("fresh-id", sample_turn(), "{}") == 1
    session = store.get("fresh-id")
    assert session is not None and (session.id, session.turns) == ("fresh-id", 1)


def test_the_store_survives_reopening(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "sessions.sqlite"
    with SessionStore(path, clock=clock) as first:
        sid = first.create()
        first.append(sid, sample_turn(), '{"a": 1}')
    with SessionStore(path, clock=clock) as again:
        assert again.status(sid) == "active"
        [turn] = again.recent(sid, 4)
        assert turn.topic == sample_turn().topic
        assert again.append(sid, sample_turn("다음"), "{}") == 2


def test_the_journal_is_write_ahead(store: SessionStore) -> None:
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_the_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "private.sqlite"
    with SessionStore(path) as store:
        store.append("s1", Turn(n=0, question="q", query="q"), "{}")
        files = [path, path.with_name(path.name + "-wal")]
        assert all(f.exists() and f.stat().st_mode & 0o077 == 0 for f in files)


def test_delete(store: SessionStore) -> None:
    sid = store.create()
    store.append(sid, sample_turn(), "{}")
    assert store.delete(sid) is True
    assert store.status(sid) == "unknown"
    assert store.recent(sid, 4) == [] and store.history(sid) == []
    assert store.delete(sid) is False


@pytest.mark.parametrize("bad", ["", "has space", "슬래시/", "x" * 129, "semi;colon"])
def test_invalid_ids_are_refused(store: SessionStore, bad: str) -> None:
    assert not store.valid_id(bad)
    with pytest.raises(ConfigError, match="invalid session id"):
        store.create(bad)


def test_slack_style_ids_are_valid(store: SessionStore) -> None:
    assert store.create("slack:T01:C02:1700000000.000100") == "slack:T01:C02:1700000000.000100"


# ---------------------------------------------------------------------------
# Expiry


def test_sessions_expire_when_idle_longer_than_the_ttl(store: SessionStore, clock: Clock) -> None:
    sid = store.create()
    store.append(sid, sample_turn(), "{}")
    clock.now += HOUR - 1
    assert store.status(sid) == "active" and store.get(sid) is not None
    store.append(sid, sample_turn(), "{}")  # activity keeps it alive
    clock.now += HOUR - 1
    assert store.status(sid) == "active"
    clock.now += 2
    assert store.status(sid) == "expired"
    assert store.get(sid) is None
    assert store.expire() == 1
    assert store.status(sid) == "unknown"
    assert store.history(sid) == []


def test_expired_sessions_are_purged_when_the_store_opens(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "sessions.sqlite"
    with SessionStore(path, ttl_hours=1, clock=clock) as first:
        old, fresh = first.create(), first.create()
        clock.now += 2 * HOUR
        first.append(fresh, sample_turn(), "{}")
    with SessionStore(path, ttl_hours=1, clock=clock) as again:
        assert (again.status(old), again.status(fresh)) == ("unknown", "active")


def test_a_ttl_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must be positive"):
        SessionStore(tmp_path / "s.sqlite", ttl_hours=0)


# ---------------------------------------------------------------------------
# Hundreds of turns


def test_only_the_recent_turns_are_read(store: SessionStore) -> None:
    sid = store.create()
    for i in range(300):
        store.append(sid, sample_turn(f"질문 {i}"), "{}")
    recent = store.recent(sid, 4)  # its time is measured by bench.conversation, not here
    assert [t.n for t in recent] == [297, 298, 299, 300]


# ---------------------------------------------------------------------------
# Concurrency


def test_appends_from_many_threads_get_distinct_numbers(store: SessionStore) -> None:
    sid = store.create()
    numbers: list[int] = []
    lock = threading.Lock()

    def send(i: int) -> None:
        n = store.append(sid, sample_turn(f"질문 {i}"), "{}")
        with lock:
            numbers.append(n)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == list(range(1, 17))


def test_the_session_lock_serializes_messages_in_arrival_order(store: SessionStore) -> None:
    sid = store.create()
    inside = threading.Event()
    release = threading.Event()
    seen_by_second: list[int] = []

    def first() -> None:
        with store.lock(sid):
            inside.set()
            release.wait(5)
            store.append(sid, sample_turn("첫째"), "{}")

    def second() -> None:
        with store.lock(sid):
            seen_by_second.extend(t.n for t in store.recent(sid, 4))
            store.append(sid, sample_turn("둘째"), "{}")

    a = threading.Thread(target=first)
    a.start()
    assert inside.wait(5)
    b = threading.Thread(target=second)
    b.start()
    time.sleep(0.05)
    assert store.recent(sid, 4) == []  # the second message waits for the first
    release.set()
    a.join()
    b.join()
    assert seen_by_second == [1]
    assert [t.question for t in store.recent(sid, 4)] == ["첫째", "둘째"]


def test_other_sessions_are_not_blocked(store: SessionStore) -> None:
    busy, other = store.create(), store.create()
    with store.lock(busy):
        done = threading.Event()

        def send() -> None:
            with store.lock(other):
                store.append(other, sample_turn(), "{}")
            done.set()

        threading.Thread(target=send).start()
        assert done.wait(5)


# ---------------------------------------------------------------------------
# Through the conversation: unknown, expired and concurrent messages


@pytest.fixture
def conversation(settings: Settings, analyzer: KoreanAnalyzer, clock: Clock) -> Conversation:
    engine = Engine(settings.model_copy(update={"abstain": False}), embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    store = SessionStore(settings.sessions_file, ttl_hours=1, clock=clock)
    return Conversation(engine, store, settings.model_copy(update={"session_ttl_hours": 1}))


def test_an_unknown_session_id_starts_a_new_conversation_and_says_so(conversation: Conversation) -> None:
    answer = conversation.chat("서울의 지하철은 몇 개 노선인가?", "no-such-session")
    assert answer.session_id is not None and answer.session_id != "no-such-session"
    assert answer.notice == "대화 세션 'no-such-session'을(를) 찾을 수 없어 새 대화를 시작합니다."
    assert (answer.turn, answer.followup) == (1, None)
    again = conversation.chat("제주 해녀는 무엇을 따나요?", answer.session_id)
    assert (again.notice, again.turn) == (None, 2)


def test_an_invalid_session_id_is_treated_as_unknown(conversation: Conversation) -> None:
    answer = conversation.chat("서울의 지하철은 몇 개 노선인가?", "bad id!")
    assert answer.notice is not None and "찾을 수 없어" in answer.notice
    assert answer.turn == 1


def test_an_expired_session_starts_a_new_conversation_and_says_so(conversation: Conversation, clock: Clock) -> None:
    first = conversation.chat("서울의 지하철은 몇 개 노선인가?")
    clock.now += 2 * HOUR
    answer = conversation.chat("그럼 버스는?", first.session_id)
    assert answer.session_id != first.session_id
    assert answer.notice == (
        f"이전 대화(세션 '{first.session_id}')는 1시간 동안 쓰이지 않아 만료되었습니다. 새 대화를 시작합니다."
    )
    assert (answer.turn, answer.followup, answer.query) == (1, None, "그럼 버스는?")  # nothing to follow
    with pytest.raises(SessionNotFoundError):
        conversation.history(first.session_id or "")
    assert conversation.store.status(first.session_id or "") == "unknown"  # purged when the new one started


def test_two_messages_at_once_are_both_answered_and_stored_in_order(conversation: Conversation) -> None:
    sid = conversation.chat("서울의 지하철은 몇 개 노선인가?").session_id
    assert sid is not None
    engine = conversation.engine
    real_ask = engine.ask
    inside, release = threading.Event(), threading.Event()

    def slow_ask(*args: object, **kwargs: object) -> object:
        if not inside.is_set():
            inside.set()
            release.wait(5)
        return real_ask(*args, **kwargs)  # type: ignore[arg-type]

    engine.ask = slow_ask  # type: ignore[method-assign]
    answers: dict[str, object] = {}

    def send(message: str) -> None:
        answers[message] = conversation.chat(message, sid)

    a = threading.Thread(target=send, args=("제주 해녀는 무엇을 따나요?",))
    a.start()
    assert inside.wait(5)
    b = threading.Thread(target=send, args=("그럼 감귤은?",))
    b.start()
    time.sleep(0.05)
    release.set()
    a.join()
    b.join()
    history = conversation.history(sid)
    assert [h.question for h in history] == [
        "서울의 지하철은 몇 개 노선인가?",
        "제주 해녀는 무엇을 따나요?",
        "그럼 감귤은?",
    ]
    assert [h.turn for h in history] == [1, 2, 3]
    later = history[2]
    assert (later.followup, later.drew_on_turn) == ("ellipsis", 2)  # it saw the message before it


# ---------------------------------------------------------------------------
# Owners, titles, ratings

ME = "owner-aaaaaaaaaaaaaaaa"
OTHER = "owner-bbbbbbbbbbbbbbbb"


def test_a_session_belongs_to_the_owner_that_started_it(store: SessionStore, clock: Clock) -> None:
    store.append("s1", sample_turn("서울의 지하철은?"), "{}", owner=ME)
    clock.now += 10
    store.append("s2", sample_turn("제주의 오름은?"), "{}", owner=ME)
    store.append("s3", sample_turn("부산의 바다는?"), "{}", owner=OTHER)
    store.append("s1", sample_turn("그럼 버스는?"), "{}", owner=OTHER)  # continuing does not take it over
    mine = store.sessions_of(ME)
    assert [s.id for s in mine] == ["s1", "s2"]  # s1 was updated last
    assert [(s.title, s.turns, s.owner) for s in mine] == [("서울의 지하철은?", 2, ME), ("제주의 오름은?", 1, ME)]
    assert [s.id for s in store.sessions_of(OTHER)] == ["s3"]


def test_a_session_without_an_owner_is_taken_by_the_first_owner_that_continues_it(store: SessionStore) -> None:
    store.append("s1", sample_turn(), "{}")
    assert store.sessions_of(ME) == []
    store.append("s1", sample_turn(), "{}", owner=ME)
    store.append("s1", sample_turn(), "{}", owner=OTHER)
    assert [s.id for s in store.sessions_of(ME)] == ["s1"] and store.sessions_of(OTHER) == []


def test_expired_and_empty_sessions_are_not_listed(store: SessionStore, clock: Clock) -> None:
    store.append("old", sample_turn(), "{}", owner=ME)
    clock.now += 2 * HOUR
    store.append("new", sample_turn(), "{}", owner=ME)
    store.create("empty")
    assert [s.id for s in store.sessions_of(ME)] == ["new"]


def test_the_default_title_is_the_first_question_cut_to_sixty_characters(store: SessionStore) -> None:
    long = "서울  지하철\n노선과 " + "환승역에 대한 아주 긴 질문 " * 8
    store.append("s1", sample_turn(long), "{}", owner=ME)
    store.append("s1", sample_turn("두 번째 질문"), "{}", owner=ME)
    session = store.get("s1")
    assert session is not None
    assert session.title.startswith("서울 지하철 노선과 환승역") and session.title.endswith("…")
    assert len(session.title) <= 60 and "\n" not in session.title


def test_only_the_owner_renames(store: SessionStore, clock: Clock) -> None:
    store.append("s1", sample_turn(), "{}", owner=ME)
    clock.now += 5
    assert store.rename("s1", OTHER, "남의 제목") is None
    renamed = store.rename("s1", ME, "유럽 전략")
    assert renamed is not None and (renamed.title, renamed.updated) == ("유럽 전략", clock.now)
    assert store.rename("nope", ME, "x") is None
    assert [s.title for s in store.sessions_of(ME)] == ["유럽 전략"]


def test_a_rating_is_set_changed_and_removed(store: SessionStore, clock: Clock) -> None:
    store.append("s1", sample_turn(), "{}")
    store.append("s1", sample_turn(), "{}")
    first = store.rate("s1", 2, "down", "틀렸어요")
    assert first is not None and (first.n, first.rating, first.comment) == (2, "down", "틀렸어요")
    clock.now += 1
    store.rate("s1", 2, "up", None)
    store.rate("s1", 1, "up", "좋아요")
    assert [(f.n, f.rating, f.comment) for f in store.feedback("s1")] == [(1, "up", "좋아요"), (2, "up", None)]
    assert store.rate("s1", 3, "up", None) is None  # no such turn
    assert store.rate("nope", 1, "up", None) is None
    assert store.unrate("s1", 1) and not store.unrate("s1", 1)
    assert [f.n for f in store.feedback("s1")] == [2]


def test_ratings_go_with_their_session(store: SessionStore, clock: Clock) -> None:
    store.append("gone", sample_turn(), "{}")
    store.append("old", sample_turn(), "{}")
    store.rate("gone", 1, "up", None)
    store.rate("old", 1, "up", None)
    store.delete("gone")
    assert store.feedback("gone") == []
    clock.now += 2 * HOUR
    store.expire()
    assert store.feedback("old") == [] and store.rated() == []


def test_rated_answers_come_with_their_question_oldest_rating_first(store: SessionStore, clock: Clock) -> None:
    store.append("s1", sample_turn("첫 질문"), '{"a": 1}')
    store.append("s2", sample_turn("둘째 질문"), '{"a": 2}')
    store.rate("s2", 1, "down", None)
    clock.now += 1
    store.rate("s1", 1, "up", "정확해요")
    rated = store.rated()
    assert [(r.question, r.answer_json, r.feedback.rating) for r in rated] == [
        ("둘째 질문", '{"a": 2}', "down"),
        ("첫 질문", '{"a": 1}', "up"),
    ]


def test_a_store_written_before_owners_and_ratings_is_brought_up_to_date(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE sessions (id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL);"
        "CREATE TABLE turns (session_id TEXT NOT NULL, n INTEGER NOT NULL, at REAL NOT NULL, question TEXT NOT NULL,"
        " query TEXT NOT NULL, followup TEXT, drew_on INTEGER, answer TEXT NOT NULL, context TEXT NOT NULL,"
        " PRIMARY KEY (session_id, n)) WITHOUT ROWID;"
    )
    db.execute("INSERT INTO sessions VALUES ('kept', ?, ?)", (clock.now, clock.now))
    db.commit()
    db.close()
    with SessionStore(path, ttl_hours=1, clock=clock) as store:
        assert store.get("kept") is not None
        store.append("kept", sample_turn("예전 대화"), "{}", owner=ME)
        assert [(s.id, s.title) for s in store.sessions_of(ME)] == [("kept", "예전 대화")]
        assert store.rate("kept", 1, "up", None) is not None


def test_a_conversation_started_with_an_owner_is_listed_renamed_rated_and_exported(
    conversation: Conversation,
) -> None:
    first = conversation.chat("서울의 지하철은 몇 개 노선인가?", owner=ME)
    sid = first.session_id or ""
    conversation.chat("제주 해녀는 무엇을 따나요?", sid)
    assert [(s.id, s.title, s.turns) for s in conversation.sessions(ME)] == [
        (sid, "서울의 지하철은 몇 개 노선인가?", 2)
    ]
    assert conversation.rename(sid, ME, "  여행\n질문 ").title == "여행 질문"
    with pytest.raises(SessionNotFoundError):
        conversation.rename(sid, OTHER, "남의 것")
    rated = conversation.rate(sid, 1, "up", "   ")
    assert (rated.rating, rated.comment) == ("up", None)  # a blank comment is none
    with pytest.raises(SessionNotFoundError, match="3번째 답이 없습니다"):
        conversation.rate(sid, 3, "up")
    with pytest.raises(SessionNotFoundError, match="없거나 만료"):
        conversation.rate("nope", 1, "down")
    text = conversation.markdown(sid)
    assert text.startswith("# 여행 질문\n") and "## 1. 서울의 지하철은 몇 개 노선인가?" in text
    assert "평가: 👍" in text


def test_a_turn_stored_before_said_was_kept_loads_with_nothing_said() -> None:
    from assistant.chat.sessions import _context_json, _turn

    context = json.loads(_context_json(sample_turn()))
    del context["said"], context["anchor"]  # as stored by an earlier version
    turn = _turn((1, 0.0, "유럽의 AI 전략은?", "유럽 AI 전략", None, None, json.dumps(context)))
    assert turn.said == () and turn.anchor is None and turn.items == sample_turn().items


def test_an_exported_answer_keeps_its_caution_before_the_summary() -> None:
    from assistant.answer.schema import Answer
    from assistant.chat.export import conversation_markdown

    doubted = Answer(question="q", query="q", summary="요약 [1]", form="general", caution="확인해 주세요.")
    text = conversation_markdown("t", 0.0, [doubted, doubted.model_copy(update={"caution": None})])
    assert text.count("> 주의: 확인해 주세요.") == 1
    assert text.index("> 주의: 확인해 주세요.") < text.index("요약 [1]")
