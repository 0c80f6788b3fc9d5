"""Multi-turn benchmark: follow-up questions with and without resolution.

    python -m bench.conversation            # writes bench/results/conversation.json

The conversations of bench/data/conversations.jsonl (Korean, over corpus/) are played
through :class:`~assistant.chat.conversation.Conversation`, one fresh session each: that is the
system *with* resolution. *Without* it, every message is asked alone, as ``assistant ask``
would. A turn hits when one of the first 3 cited passages is from the expected document
and contains the expected section (substring of its heading path) and one of the expected
phrases. The score that matters is hit@3 over the follow-up turns (every turn after the
first, self-contained ones included: they must not be dragged back to the old topic).

Time: ``resolve`` is what resolution adds before the search (reading the recent turns,
Kiwi's analysis of the message, the resolution itself); ``overhead`` is all a turn costs
beyond ``Engine.ask`` (resolution, excluded rows, storing the turn). They are measured on
separate passes over the conversations (``--repeats``), without the single-message asks in
between; resolution is also measured in a session that already holds hundreds of turns.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.answer.engine import Engine
from assistant.answer.schema import Answer
from assistant.chat.conversation import Conversation
from assistant.chat.sessions import SessionStore, Turn
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer
from bench.common import CACHE, ROOT
from bench.report import conversation_section

DATA = ROOT / "bench" / "data" / "conversations.jsonl"
DEPTH = 3


@dataclass(frozen=True)
class Expected:
    """A message and the passage that answers it."""

    message: str
    doc: str
    section: str = ""
    phrases: tuple[str, ...] = ()
    kind: str | None = None  #: the follow-up kind the message is written as (None: stands alone)

    def hit(self, answer: Answer, depth: int = DEPTH) -> bool:
        return any(
            c.doc_id == self.doc
            and self.section in c.section
            and (not self.phrases or any(p in c.passage for p in self.phrases))
            for c in answer.citations[:depth]
        )


@dataclass
class Played:
    """One turn as played: what was searched and whether it hit, with and without resolution."""

    conversation: str
    turn: int
    message: str
    expected_kind: str | None
    kind: str | None
    query: str
    drew_on_turn: int | None
    hit_with: bool
    hit_without: bool
    resolve_ms: float
    overhead_ms: float


def load(path: Path = DATA) -> dict[str, list[Expected]]:
    out = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            c = json.loads(line)
            out[c["id"]] = [_expected(t) for t in c["turns"]]
    return out


def _expected(t: dict[str, Any]) -> Expected:
    phrase = t.get("phrase") or ()
    phrases = (phrase,) if isinstance(phrase, str) else tuple(phrase)
    return Expected(t["message"], t["doc"], t.get("section", ""), phrases, t.get("kind"))


def play(conversation: Conversation, cid: str, turns: Sequence[Expected], *, alone: bool = True) -> list[Played]:
    """Play one conversation in a new session and (``alone``) ask each of its messages alone."""
    engine = conversation.engine
    session: str | None = None
    out = []
    for n, exp in enumerate(turns, 1):
        started = time.perf_counter()
        answer = conversation.chat(exp.message, session)
        wall_ms = (time.perf_counter() - started) * 1e3
        session = answer.session_id
        hit_alone = exp.hit(engine.ask(exp.message)) if alone else False
        out.append(
            Played(
                cid,
                n,
                exp.message,
                exp.kind,
                answer.followup,
                answer.query,
                answer.drew_on_turn,
                exp.hit(answer),
                hit_alone,
                answer.timings["resolve_ms"],
                wall_ms - answer.timings["total_ms"],
            )
        )
    return out


def long_session(conversation: Conversation, turns: int, repeats: int) -> dict[str, float]:
    """Resolution time of a follow-up in a session that already holds ``turns`` turns."""
    store = conversation.store
    first = conversation.chat("유럽의 AI 전략은?")
    sid = first.session_id
    assert sid is not None
    last = store.recent(sid, 1)[0]
    for _ in range(turns - 1):
        store.append(sid, Turn(**{**last.__dict__, "n": 0}), first.model_dump_json())
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        conversation.resolve("그럼 미국은?", store.recent(sid, conversation.settings.history_turns))
        samples.append((time.perf_counter() - started) * 1e3)
    return {"turns": float(turns), **percentiles(samples)}


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": statistics.median(ordered), "p95_ms": p95, "n": float(len(ordered))}


def rate(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def summarize(played: Sequence[Played], timing: Sequence[Played]) -> dict[str, Any]:
    """Scores over the follow-up turns (all but the first of each conversation), by kind too."""
    follow = [p for p in played if p.turn > 1]
    first = [p for p in played if p.turn == 1]
    kinds: dict[str, dict[str, float]] = {}
    for name in sorted({p.expected_kind or "standalone" for p in follow}):
        group = [p for p in follow if (p.expected_kind or "standalone") == name]
        kinds[name] = {
            "n": float(len(group)),
            "with": rate([p.hit_with for p in group]),
            "without": rate([p.hit_without for p in group]),
        }
    timed = [p for p in timing if p.turn > 1]
    return {
        "conversations": len(first),
        "followup_turns": len(follow),
        "hit@3": {"with": rate([p.hit_with for p in follow]), "without": rate([p.hit_without for p in follow])},
        "first_turn_hit@3": rate([p.hit_with for p in first]),
        "kind_accuracy": rate([p.kind == p.expected_kind for p in follow]),
        "by_kind": kinds,
        "resolve": percentiles([p.resolve_ms for p in timed]),
        "overhead": percentiles([p.overhead_ms for p in timed]),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="Times the conversations are played for timing.")
    parser.add_argument("--verbose", action="store_true", help="Print every turn.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "conversation.json")
    args = parser.parse_args(argv)
    conversations = load()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            index_dir=CACHE / "conversation-index",
            corpus_dir=ROOT / "corpus",
            sessions_path=Path(tmp) / "sessions.sqlite",
            show_progress=False,
        )
        engine = Engine(settings, analyzer=KoreanAnalyzer())
        engine.build_index()
        with SessionStore(settings.sessions_file, ttl_hours=settings.session_ttl_hours) as store:
            conversation = Conversation(engine, store, settings)
            played = [p for cid, turns in conversations.items() for p in play(conversation, cid, turns)]
            timing = [
                p
                for _ in range(args.repeats)
                for cid, turns in conversations.items()
                for p in play(conversation, cid, turns, alone=False)
            ]
            result = summarize(played, timing)
            result["long_session"] = long_session(conversation, 300, 200)
    result["settings"] = {"history_turns": settings.history_turns, "top_k": settings.top_k, "model": settings.model}
    result["machine"] = {"cpus": os.cpu_count(), "load_average": [load_before, os.getloadavg()[0]]}
    result["turns"] = [asdict(p) for p in played]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")
    if args.verbose:
        for p in played:
            mark = f"{'✓' if p.hit_with else '✗'}{'✓' if p.hit_without else '✗'}"
            print(f"{p.conversation}.{p.turn} {mark} {p.expected_kind}/{p.kind} {p.message} → {p.query}")
    print("\n".join(conversation_section(result)))


if __name__ == "__main__":
    main()
