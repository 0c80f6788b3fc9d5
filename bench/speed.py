"""Speed and memory on this machine: index build, single-question latency, peak memory.

    python -m bench.speed            # writes bench/results/speed.json

All figures come from one process so the ratios are fair: the model is loaded once,
then the default corpus (corpus/) is indexed from scratch, then each question is asked
several times (warm) and, separately, only embedded, to compare the whole answer with
the cost of the embedding alone. With ../shared/data present, latency is also measured
over the KorQuAD dev index built by ``python -m bench.korquad``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.answer.engine import Engine
from assistant.settings import Settings
from assistant.store.index import open_index
from assistant.text.korean import KoreanAnalyzer
from bench.calibrate_abstention import corpus_questions, offtopic_questions
from bench.common import CACHE, KORQUAD, ROOT, load_korquad, percentiles


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def latency(engine: Engine, questions: Sequence[str], repeats: int) -> dict[str, dict[str, float]]:
    for q in questions[:5]:
        engine.ask(q)  # warm caches
    answer_ms, embed_ms = [], []
    for _ in range(repeats):
        for q in questions:
            answer_ms.append(timed(lambda q=q: engine.ask(q)) * 1e3)
            embed_ms.append(timed(lambda q=q: engine.embedder.embed([q], "query")) * 1e3)
    return {"answer": percentiles(answer_ms), "embed_only": percentiles(embed_ms)}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "speed.json")
    args = parser.parse_args(argv)
    out: dict[str, object] = {"machine": f"{platform.machine()}, {platform.python_version()}"}
    settings = Settings(index_dir=CACHE / "speed-index", corpus_dir=ROOT / "corpus", show_progress=False)
    analyzer = KoreanAnalyzer()
    engine = Engine(settings, analyzer=analyzer)
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
        out["korquad"]["chunks"] = len(open_index(korquad_dir, settings.model))  # type: ignore[index]
    out["peak_rss_mb"] = peak_rss_mb()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=2), "utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
