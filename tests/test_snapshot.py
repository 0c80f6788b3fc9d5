"""One index version per answer: rebuilds that switch versions while questions are answered.

A rebuild that adds or removes a document shifts the chunk rows. An answer must read
everything (vectors, BM25, chunk store, titles) from the version it searched, and a
replaced version must stay open until its last reader is done, then close.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from conftest import FakeEmbedder

from assistant.answer.engine import Engine
from assistant.answer.schema import Answer
from assistant.chat.conversation import Conversation
from assistant.chat.sessions import SessionStore
from assistant.settings import Settings
from assistant.store.index import Index
from assistant.text.korean import KoreanAnalyzer

SUBWAY = "서울의 지하철은 몇 개 노선인가?"
QUESTIONS = [SUBWAY, "제주 해녀는 무엇을 따나요?", "광장시장은 무엇으로 유명한가?", "부산의 해수욕장은?"]
FOLLOWUPS = ["더 자세히", "그럼 버스는?"]
#: Sorts before the other documents, so adding or removing it shifts every chunk row.
BUSAN = (
    "부산.txt",
    "부산은 한국에서 두 번째로 큰 도시이다. 해운대 해수욕장은 여름마다 피서객으로 붐빈다.\n\n"
    "자갈치 시장은 생선으로 유명하다. 광안대교는 밤에 불빛으로 빛난다.\n",
)


class RebuildDuringSearch(FakeEmbedder):
    """A fake embedder that runs ``hook`` once, when the next question is embedded
    (that is, after the answer has taken its index version and before it reads it)."""

    def __init__(self) -> None:
        super().__init__()
        self.hook: Callable[[], None] | None = None

    def embed(self, texts: Sequence[str], kind: str, *, progress: bool = False) -> np.ndarray:
        if kind == "query" and self.hook is not None:
            hook, self.hook = self.hook, None
            hook()
        return super().embed(texts, kind, progress=progress)


def broken_parts(answer: Answer) -> list[str]:
    """What in an answer does not slice back out of its own citations (empty: consistent)."""
    out = []
    for c in answer.citations:
        if c.end - c.start != len(c.passage):
            out.append(f"[{c.n}] span {c.start}-{c.end} against a passage of {len(c.passage)} characters")
        for u in c.sentences:
            inside = c.start <= u.start < u.end <= c.end
            if not u.text or not inside or c.passage[u.start - c.start : u.end - c.start] != u.text:
                out.append(f"[{c.n}] used sentence {u.start}-{u.end} {u.text!r} is not in its passage")
    for s in answer.summary_sentences:
        cited = answer.citations[s.citation - 1] if 0 < s.citation <= len(answer.citations) else None
        if not s.text or cited is None or s.text not in cited.passage:
            out.append(f"summary sentence {s.text!r} is not in its passage [{s.citation}]")
    return out


def toggle_busan(corpus: Path) -> None:
    path = corpus / BUSAN[0]
    if path.exists():
        path.unlink()
    else:
        path.write_text(BUSAN[1], encoding="utf-8")


@pytest.fixture
def plain_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"abstain": False})


# ---------------------------------------------------------------------------
# The lifetime of a version


def test_a_retired_version_closes_after_its_last_reader(plain_settings: Settings, analyzer: KoreanAnalyzer) -> None:
    engine = Engine(plain_settings, embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    first = engine.index
    with engine.snapshot() as outer, engine.snapshot() as inner:
        assert outer.index is inner.index is first
        engine.reload()
        assert engine.index is not first
        assert not first.closed  # two answers still read it
        assert first.store.chunks([0])[0].chunk_id == "서울.md#0"
    assert first.closed
    assert not engine.index.closed


def test_a_version_nobody_reads_closes_when_replaced(plain_settings: Settings, analyzer: KoreanAnalyzer) -> None:
    engine = Engine(plain_settings, embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    first = engine.index
    engine.reload()
    assert first.closed
    with pytest.raises(RuntimeError, match="closed"):
        first.acquire()


def test_an_answer_reads_the_version_it_searched(plain_settings: Settings, analyzer: KoreanAnalyzer) -> None:
    """A rebuild that shifts every row lands between the search and the summary."""
    embedder = RebuildDuringSearch()
    engine = Engine(plain_settings, embedder=embedder, analyzer=analyzer)
    engine.build_index()
    first = engine.index
    seen: list[Index] = []

    def rebuild() -> None:
        toggle_busan(plain_settings.corpus_dir)
        engine.build_index()  # switches the engine to the new version
        seen.append(engine.index)
        assert not first.closed  # the answer being made still reads it

    embedder.hook = rebuild
    answer = engine.ask(SUBWAY)
    assert seen and seen[0] is not first
    assert broken_parts(answer) == []
    assert answer.citations[0].chunk_id == "서울.md#1"
    assert first.closed
    assert engine.ask(SUBWAY).citations[0].chunk_id == "서울.md#1"  # from the new version


def test_a_conversation_turn_reads_the_version_it_searched(
    plain_settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    embedder = RebuildDuringSearch()
    engine = Engine(plain_settings, embedder=embedder, analyzer=analyzer)
    engine.build_index()
    with SessionStore(tmp_path / "sessions.sqlite") as store:
        conversation = Conversation(engine, store, plain_settings)
        first = conversation.chat(SUBWAY)
        embedder.hook = lambda: (toggle_busan(plain_settings.corpus_dir), engine.build_index())
        more = conversation.chat("더 자세히", first.session_id)
        assert broken_parts(more) == []
        [turn] = store.recent(more.session_id or "", 1)
        # The turn's passages were looked up in the version that was searched: none went missing.
        assert [p.chunk_id for p in turn.passages] == [c.chunk_id for c in more.citations]
        assert all(item.start >= 0 for item in turn.items)


# ---------------------------------------------------------------------------
# Under load: clients asking while rebuilds add and remove a document

CLIENTS = 4
REBUILDS = 16
#: Each client asks at least this many questions, and stops after the rebuilds or at the most.
MIN_ASKS, MAX_ASKS = 10, 400


def test_answers_stay_consistent_while_rebuilds_switch_versions(
    plain_settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    engine = Engine(plain_settings, embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    versions: list[Index] = [engine.index]
    answers: list[Answer] = []
    errors: list[BaseException] = []
    done = threading.Event()
    with SessionStore(tmp_path / "sessions.sqlite") as store:
        conversation = Conversation(engine, store, plain_settings)

        def client(n: int) -> None:
            sid = None
            try:
                for i in range(MAX_ASKS):
                    if done.is_set() and i >= MIN_ASKS:
                        return
                    if n % 2:
                        answers.append(engine.ask(QUESTIONS[(n + i) % len(QUESTIONS)]))
                        continue
                    message = FOLLOWUPS[i % 2] if sid and i % 3 else QUESTIONS[(n + i) % len(QUESTIONS)]
                    answer = conversation.chat(message, sid)
                    sid = answer.session_id
                    answers.append(answer)
            except BaseException as exc:  # reported below, with the answers made so far
                errors.append(exc)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        try:
            for _ in range(REBUILDS):
                toggle_busan(plain_settings.corpus_dir)
                engine.build_index()
                versions.append(engine.index)
        finally:
            done.set()
            for t in threads:
                t.join()
    assert errors == []
    assert len(answers) >= CLIENTS * MIN_ASKS
    broken = [(a.question, part) for a in answers for part in broken_parts(a)]
    assert broken == []
    assert len({id(v) for v in versions}) == REBUILDS + 1
    assert all(v.closed for v in versions[:-1])  # every replaced version was closed, after its readers
    assert not versions[-1].closed
