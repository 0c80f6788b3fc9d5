"""Speed and memory on this machine: index build, single-question latency, fresh ``assistant ask``, peak memory.

    python -m bench.speed            # writes bench/results/speed.json

All figures come from one process so the ratios are fair: the model is loaded once,
then the default corpus (corpus/) is indexed from scratch, then each question is asked
several times (warm) and, separately, only embedded, to compare the whole answer with
the cost of the embedding alone. With ../shared/data present, latency is also measured
over the KorQuAD dev index built by ``python -m bench.korquad``.

A fresh ``assistant ask`` is measured apart, as a person meets it: ``python -m assistant ask
QUESTION --local`` in a new process against the index just built, from launch to the printed
answer (and to the end of the process), once for each of the first ``--fresh-runs`` corpus
questions; the median is reported.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from assistant.answer.engine import Engine
from assistant.embedding.base import Embedder, Kind
from assistant.embedding.factory import load_embedder
from assistant.settings import Settings
from assistant.store.index import open_index
from assistant.store.versions import current_version
from assistant.text.korean import KoreanAnalyzer
from bench.calibrate_abstention import jsonl, lines
from bench.common import CACHE, KORQUAD, ROOT, load_korquad, percentiles


def corpus_questions() -> list[str]:
    """The questions about the default corpus (``bench/data/corpus_questions.jsonl``)."""
    return [str(item["question"]) for item in jsonl("corpus_questions.jsonl")]


def offtopic_questions() -> list[str]:
    """Questions the default corpus cannot answer (``bench/data/offtopic_questions.txt``)."""
    return lines("offtopic_questions.txt")


T = TypeVar("T")


def timed_call(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds ``fn`` took, and what it returned."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def timed(fn: Callable[[], object]) -> float:
    return timed_call(fn)[0]


class Counting:
    """An embedder that counts the passages it embeds: at question time, only the summary's
    candidate sentences (``closest``) are embedded as passages."""

    def __init__(self, embedder: Embedder) -> None:
        self.inner = embedder
        self.passages = 0

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed(self, texts: Sequence[str], kind: Kind, *, progress: bool = False) -> np.ndarray:
        if kind == "passage":
            self.passages += len(texts)
        return self.inner.embed(texts, kind, progress=progress)


#: The stages of one answer, as the engine times them (``Answer.timings``), and the rest of ``total_ms``:
#: reading the question (Kiwi), building the answer's fields.
STAGES = ("embed_ms", "lexical_ms", "rank_ms", "summary_ms", "guide_ms", "other_ms")


def stage_times(timings: dict[str, float]) -> dict[str, float]:
    """Each of :data:`STAGES` of one answer's ``timings``; ``other_ms`` is what the others leave of the total."""
    out = {name: timings.get(name, 0.0) for name in STAGES[:-1]}
    out["other_ms"] = max(0.0, timings.get("total_ms", 0.0) - sum(out.values()))
    return out


def latency(engine: Engine, questions: Sequence[str], repeats: int) -> dict[str, dict[str, float]]:
    """Answer and embedding-alone percentiles; ``stages``: the p50 of each stage of the answers
    (:data:`STAGES`); ``sentences``: the answers that embedded candidate sentences to choose their
    lead (their share, and each kind's p50)."""
    for q in questions[:5]:
        engine.ask(q)  # warm caches
    counter = engine.embedder if isinstance(engine.embedder, Counting) else None
    answer_ms, embed_ms, plain_ms, embedding_ms = [], [], [], []
    stages: dict[str, list[float]] = {name: [] for name in STAGES}
    for _ in range(repeats):
        for q in questions:
            before = counter.passages if counter else 0
            seconds, answer = timed_call(functools.partial(engine.ask, q))
            answer_ms.append(seconds * 1e3)
            (embedding_ms if counter and counter.passages > before else plain_ms).append(answer_ms[-1])
            embed_ms.append(timed(lambda q=q: engine.embedder.embed([q], "query")) * 1e3)
            for name, value in stage_times(answer.timings).items():
                stages[name].append(value)
    out = {
        "answer": percentiles(answer_ms),
        "embed_only": percentiles(embed_ms),
        "stages": {name: round(statistics.median(v), 2) for name, v in stages.items() if v},
    }
    if counter:
        out["sentences"] = {
            "share": round(len(embedding_ms) / len(answer_ms), 4),
            "p50_with_ms": round(statistics.median(embedding_ms), 2) if embedding_ms else 0.0,
            "p50_without_ms": round(statistics.median(plain_ms), 2) if plain_ms else 0.0,
        }
    return out


def question_analysis_ms(analyzer: KoreanAnalyzer, questions: Sequence[str]) -> float:
    """The p50 of Kiwi's analysis of one question (every answer reads its question once, whatever
    the index): a floor under the time an answer takes beside its embedding."""
    times = [timed(lambda q=q: analyzer.kiwi.tokenize(q)) * 1e3 for q in questions]
    return round(statistics.median(times), 3)


def fresh_ask(index_dir: Path, question: str) -> dict[str, float]:
    """Seconds from launching ``assistant ask --local`` to its printed answer, and to its exit."""
    cmd = [sys.executable, "-m", "assistant", "ask", question, "--index", str(index_dir), "--local"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    assert proc.stdout is not None
    first = proc.stdout.read(1)  # the answer is written at once, when it is ready
    answered = time.perf_counter() - started
    proc.stdout.read()
    proc.wait(timeout=300)
    if proc.returncode != 0 or not first:
        raise RuntimeError(f"assistant ask failed with exit code {proc.returncode}")
    return {"answer_s": round(answered, 3), "exit_s": round(time.perf_counter() - started, 3)}


def fresh_asks(index_dir: Path, questions: Sequence[str]) -> dict[str, object]:
    runs = [fresh_ask(index_dir, q) for q in questions]
    return {
        "median_answer_s": statistics.median(r["answer_s"] for r in runs),
        "median_exit_s": statistics.median(r["exit_s"] for r in runs),
        "max_answer_s": max(r["answer_s"] for r in runs),
        "runs": [{"question": q, **r} for q, r in zip(questions, runs, strict=True)],
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fresh-runs", type=int, default=9, help="fresh `assistant ask` processes (one question each)")
    parser.add_argument(
        "--fresh-only", action="store_true", help="only the fresh `assistant ask` runs (index built if missing)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "speed.json")
    args = parser.parse_args(argv)
    out: dict[str, object] = {"machine": f"{platform.machine()}, {platform.python_version()}"}
    settings = Settings(index_dir=CACHE / "speed-index", corpus_dir=ROOT / "corpus", show_progress=False)
    if args.fresh_only:
        if current_version(settings.index_dir) is None:
            Engine(settings).build_index()
        fresh = fresh_asks(settings.index_dir, corpus_questions()[: args.fresh_runs])
        previous = json.loads(args.out.read_text("utf-8")) if args.out.exists() else {}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({**previous, "fresh_ask": fresh}, ensure_ascii=False, indent=2), "utf-8")
        print(json.dumps(fresh, ensure_ascii=False, indent=2))
        return
    analyzer = KoreanAnalyzer()
    engine = Engine(settings, analyzer=analyzer, embedder=Counting(load_embedder(settings)))
    out["model_load_s"] = timed(lambda: engine.embedder.embed(["준비"], "query"))  # dim alone may not load it
    out["kiwi_load_s"] = timed(lambda: analyzer.terms("워밍업"))
    out["rss_after_load_mb"] = peak_rss_mb()
    out["index_build_s"] = timed(lambda: engine.build_index(rebuild=True))
    out["index_unchanged_s"] = timed(lambda: engine.build_index())
    questions = corpus_questions() + offtopic_questions()
    out["corpus"] = latency(engine, questions, args.repeats)
    out["corpus"]["chunks"] = len(engine.index)  # type: ignore[index]
    out["peak_rss_corpus_mb"] = peak_rss_mb()
    korquad_dir = CACHE / "korquad-index"
    if KORQUAD.exists() and korquad_dir.exists():
        kq = Engine(Settings(index_dir=korquad_dir), embedder=engine.embedder, analyzer=analyzer)
        _, qs = load_korquad(KORQUAD)
        sample = [q.text for q in qs[::29]][:200]
        out["korquad"] = latency(kq, sample, 1)
        out["korquad"]["question_analysis_ms"] = question_analysis_ms(analyzer, sample)  # type: ignore[index]
        out["korquad"]["chunks"] = len(open_index(korquad_dir, settings.model))  # type: ignore[index]
    out["peak_rss_mb"] = peak_rss_mb()
    out["fresh_ask"] = fresh_asks(settings.index_dir, corpus_questions()[: args.fresh_runs])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=2), "utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
