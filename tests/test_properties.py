"""Arbitrary Unicode at the core (Hypothesis): answered, or refused with an AssistantError.

Questions and messages may hold anything a client can send: control characters, NUL,
unassigned code points, combining marks alone, right-to-left marks, and surrogates (a
lone ``\\ud800`` escape in JSON, bytes that were not UTF-8). ``Engine.ask``,
``Conversation.chat``, the follow-up resolver, the analyzer and the document readers must
either work (with answers and offsets that stay consistent) or raise an error of the
assistant's hierarchy, never anything else.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FAKE_MODEL, GOLDEN, SHARED_ANALYZER, FakeEmbedder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_snapshot import broken_parts

from assistant.answer.engine import Engine
from assistant.chat.conversation import Conversation
from assistant.chat.sessions import SessionStore, Turn
from assistant.errors import DocumentReadError, InvalidQuestionError
from assistant.ingest.files import load_document
from assistant.ingest.html import extract_html
from assistant.ingest.markdown import extract_markdown
from assistant.ingest.plain import extract_plain
from assistant.settings import Settings

#: Every code point, surrogates included (``st.text`` never draws them, so strings are joined here).
ANY_CHAR = st.one_of(st.characters(codec=None), st.integers(0xD800, 0xDFFF).map(chr))
#: Korean, spaces and punctuation mixed with anything, so that some texts get answered.
KOREAN = st.sampled_from([*"서울 지하철 제주 해녀 광장시장 ?!.\n\x00", "그럼 ", "더 자세히", "두 번째", "버스는?"])
TEXT = st.lists(st.one_of(ANY_CHAR, KOREAN), max_size=30).map("".join)


def any_text(max_size: int) -> st.SearchStrategy[str]:
    return st.lists(ANY_CHAR, max_size=max_size).map("".join)


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("properties")
    (root / "corpus").mkdir()
    for name, text in GOLDEN.items():
        (root / "corpus" / name).write_text(text, encoding="utf-8")
    config = Settings(
        index_dir=root / "index",
        corpus_dir=root / "corpus",
        model=FAKE_MODEL,
        cache_dir=root / "cache",
        chunk_size=80,
        chunk_overlap=0,
        show_progress=False,
        max_question_chars=40,
    )
    eng = Engine(config, embedder=FakeEmbedder(), analyzer=SHARED_ANALYZER)
    eng.build_index()
    return eng


@pytest.fixture(scope="module")
def conversation(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Conversation]:
    with SessionStore(tmp_path_factory.mktemp("sessions") / "sessions.sqlite") as store:
        yield Conversation(engine, store, engine.settings)


@pytest.fixture(scope="module")
def turns(conversation: Conversation) -> list[Turn]:
    """A conversation of two turns to follow up on."""
    first = conversation.chat("서울의 지하철은 몇 개 노선인가?")
    conversation.chat("제주 해녀는 무엇을 따나요?", first.session_id)
    return conversation.store.recent(first.session_id or "", 4)


def has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


@PROPERTY
@given(question=TEXT)
def test_engine_answers_or_refuses_any_text(engine: Engine, question: str) -> None:
    try:
        answer = engine.ask(question)
    except InvalidQuestionError:
        assert has_surrogate(question) or not question.strip() or len(question) > engine.settings.max_question_chars
        return
    assert not has_surrogate(question)
    assert answer.question == question.strip()
    assert broken_parts(answer) == []
    answer.model_dump_json()  # the answer can be sent and stored


@PROPERTY
@given(messages=st.lists(TEXT, min_size=1, max_size=3))
def test_conversation_answers_or_refuses_any_text(conversation: Conversation, messages: list[str]) -> None:
    sid = None
    for message in messages:
        try:
            answer = conversation.chat(message, sid)
        except InvalidQuestionError:
            continue
        assert broken_parts(answer) == []
        sid = answer.session_id
    if sid is not None:
        assert all(not has_surrogate(a.question) for a in conversation.history(sid))


@PROPERTY
@given(message=TEXT)
def test_follow_up_resolver_takes_any_text(conversation: Conversation, turns: list[Turn], message: str) -> None:
    for history in ([], turns[:1], turns):
        resolution = conversation.resolve(message, history)
        assert resolution.standalone or resolution.query.strip()
        assert not has_surrogate(resolution.query) or resolution.query == message


@PROPERTY
@given(text=TEXT)
def test_analyzer_offsets_stay_inside_any_text(text: str) -> None:
    for token in SHARED_ANALYZER.tokens(text):
        assert 0 <= token.start <= token.end <= len(text)
    for (a, b), tokens in SHARED_ANALYZER.sentences(text):
        assert 0 <= a < b <= len(text)
        assert all(a <= t.start and t.end <= b for t in tokens)


@PROPERTY
@given(text=any_text(200), kind=st.sampled_from(["plain", "markdown", "html"]))
def test_readers_keep_offsets_inside_any_text(text: str, kind: str) -> None:
    extract = {"plain": extract_plain, "markdown": extract_markdown, "html": extract_html}[kind]
    extracted = extract(text, "제목")
    for h in extracted.headings:
        assert 0 <= h.start <= h.end <= len(extracted.text)
    for a, b in extracted.tables:
        assert 0 <= a <= b <= len(extracted.text)


@PROPERTY
@given(
    text=any_text(200),
    suffix=st.sampled_from([".txt", ".md", ".html"]),
    name=st.sampled_from(["문서", "서울".encode("cp949"), b"\xff\xfename"]),
)
def test_loading_any_file_gives_valid_text_or_a_read_error(
    tmp_path_factory: pytest.TempPathFactory, text: str, suffix: str, name: str | bytes
) -> None:
    folder = tmp_path_factory.mktemp("load")
    stem = name if isinstance(name, str) else os.fsdecode(name)
    path = folder / (stem + suffix)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        doc = load_document(path, folder)
    except DocumentReadError as exc:
        assert not has_surrogate(exc.path)
        return
    for value in (doc.text, doc.title, doc.doc_id, doc.path):
        assert not has_surrogate(value)
        value.encode("utf-8")
    assert doc.doc_id in ("문서" + suffix, "서울" + suffix, "\ufffd\ufffdname" + suffix)
    for h in doc.headings:
        assert 0 <= h.start <= h.end <= len(doc.text)


def test_a_file_name_from_korean_windows_is_read_as_cp949(tmp_path: Path) -> None:
    path = tmp_path / (os.fsdecode("서울 안내".encode("cp949")) + ".txt")
    path.write_text("서울은 대한민국의 수도이다.\n", encoding="utf-8")
    doc = load_document(path, tmp_path)
    assert (doc.doc_id, doc.title) == ("서울 안내.txt", "서울 안내")
