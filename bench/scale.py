"""Scale benchmark: the NSMC movie documents plus the KorQuAD dev paragraphs in one index.

    python -m bench.scale                  # everything; writes bench/results/scale.json
    python -m bench.scale --docs 2000      # the KorQuAD paragraphs + the first 2,000 movie documents
    python -m bench.scale --skip-build     # reuse the index built last time (if it is current)
    python -m bench.scale --skip-build --steps serve --milvus-server   # add a Milvus standalone server

Steps, each in its own process so that memory figures are not mixed up:

1. **build** the index from scratch with the real model (a fresh index folder, no vector
   reused): time, chunks/s, the share of time outside the model, size on disk, peak memory,
   and memory sampled as the documents stream in.
2. **serve** it with the exact (flat) and the HNSW vector index, with milvus-lite when it is
   installed, and with ``--milvus-server`` on a Milvus standalone server started for the run
   (``bench/milvus_server.py``, HNSW): latency of a whole answer over a fixed sample of
   questions, each embedded on the spot, the memory of the serving process (and of the
   server), the time to build the vector index, and the recall@10 of its dense search against
   exact search on the same vectors.
3. **recall** of every KorQuAD dev question with the movie documents present as distractors,
   for the three modes, next to the same on the KorQuAD paragraphs alone.
4. **sizes**: latency at smaller prefixes of the same corpus, for the latency-vs-size plot
   (their vectors are taken from the full index, so they cost no embedding).

The data stays in ../shared/data (never copied into the repo); without it the benchmark
stops with a message.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.ingest.documents import Document
from bench.common import CACHE, KORQUAD, ROOT, SHARED, Question, load_korquad, percentiles, require

MOVIES = SHARED / "data" / "nsmc-movie-docs" / "movie_docs.jsonl.gz"
RESULTS = ROOT / "bench" / "results"
FULL_INDEX = CACHE / "scale-index"
SMALL_INDEX = CACHE / "scale-small-index"


# ---------------------------------------------------------------------------
# Data


def movie_documents(limit: int | None) -> Iterator[Document]:
    """The movie documents, read lazily from the gzip file."""
    with gzip.open(require(MOVIES), "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                return
            rec = json.loads(line)
            yield Document(rec["doc_id"], rec["doc_id"], "", rec["text"], fingerprint=rec["doc_id"])


def scale_documents(n_movies: int | None) -> Iterator[Document]:
    """KorQuAD paragraphs first (so that every prefix holds them), then the movie documents."""
    docs, _ = load_korquad(KORQUAD)
    yield from docs
    yield from movie_documents(n_movies)


def count_movies() -> int:
    with gzip.open(require(MOVIES), "rt", encoding="utf-8") as fh:
        return sum(1 for _ in fh)


def latency_questions(n: int) -> list[str]:
    """A fixed, spread-out sample of KorQuAD questions."""
    _, questions = load_korquad(KORQUAD)
    step = max(1, len(questions) // n)
    return [q.text for q in questions[::step]][:n]


# ---------------------------------------------------------------------------
# Memory


def rss_mb() -> float:
    """Resident memory of this process now (MB)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Sampler:
    """Samples this process's RSS every ``every`` seconds, labelled with a phase."""

    def __init__(self, every: float = 2.0) -> None:
        self.every = every
        self.phase = "start"
        self.samples: list[tuple[float, str, float]] = []
        self._stop = threading.Event()
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append((round(time.perf_counter() - self._started, 1), self.phase, round(rss_mb(), 1)))

    def stop(self) -> list[tuple[float, str, float]]:
        self._stop.set()
        self._thread.join()
        return self.samples


def folder_mb(folder: Path) -> dict[str, float]:
    sizes = {p.name: p.stat().st_size / 2**20 for p in folder.iterdir() if p.is_file()}
    return {"total": round(sum(sizes.values()), 1), **{k: round(v, 1) for k, v in sorted(sizes.items())}}


# ---------------------------------------------------------------------------
# Step 1: build (child process)


def child_build(index_dir: Path, n_movies: int | None, total: int) -> dict[str, Any]:
    from assistant.answer.engine import Engine
    from assistant.settings import Settings
    from assistant.store.builder import IndexBuilder

    settings = Settings(index_dir=index_dir, show_progress=True)
    engine = Engine(settings)
    engine.embedder.embed(["준비"], "query")  # load the model before the clock starts
    engine.analyzer.terms("준비")
    loaded_mb = rss_mb()
    sampler = Sampler()
    read_rss: list[tuple[int, float]] = []

    def docs() -> Iterator[Document]:
        sampler.phase = "analyse"
        for i, doc in enumerate(scale_documents(n_movies)):
            if i % 1000 == 0:
                read_rss.append((i, round(rss_mb(), 1)))
            yield doc
        sampler.phase = "embed"

    builder = IndexBuilder(settings, engine.embedder, engine.analyzer, report=lambda m: print(m, flush=True))
    started = time.perf_counter()
    result = builder.build_documents(docs(), total=total)
    seconds = time.perf_counter() - started
    samples = sampler.stop()
    m = result.manifest
    return {
        "documents": m.n_documents,
        "chunks": m.n_chunks,
        "characters": None,
        "build_seconds": seconds,
        "timings": m.timings,
        "chunks_per_s": m.n_chunks / seconds,
        "model_chunks_per_s": m.embedded_chunks / m.timings["model"] if m.timings.get("model") else None,
        "outside_model_share": 1 - m.timings["model"] / seconds,
        "embedded_chunks": m.embedded_chunks,
        "disk_mb": folder_mb(result.version_dir),
        "rss_after_model_load_mb": loaded_mb,
        "peak_rss_mb": peak_rss_mb(),
        "peak_rss_by_phase_mb": {
            ph: max((s[2] for s in samples if s[1] == ph), default=None) for ph in ("analyse", "embed")
        },
        "rss_while_reading_mb": read_rss,
        "rss_samples": samples,
    }


# ---------------------------------------------------------------------------
# Step 2: serve (child process)


def swap_vector_index(engine: Any, kind: str, work: Path) -> float:
    """Replace the engine's vector index by one of another kind, built from its vectors."""
    from assistant.options import is_milvus
    from assistant.store.vector_backends import make_index

    started = time.perf_counter()
    vectors = np.asarray(engine.index.vectors)
    if kind.endswith(".db"):
        path = work / "milvus" / kind
        shutil.rmtree(path.parent, ignore_errors=True)
        path.parent.mkdir(parents=True)
        kind = str(path)
    index = make_index(kind, vectors.shape[1], name=f"scale-{time.time_ns()}")
    for i in range(0, len(vectors), 16384):
        index.add(np.arange(i, min(i + 16384, len(vectors)), dtype=np.int64), vectors[i : i + 16384])
    if is_milvus(kind):  # as a build does: a server flushes the collection and indexes it
        locator = work / f"scale-locator-{os.getpid()}.json"
        index.save(locator)
        locator.unlink()
    engine.index.vector_index = index
    del vectors
    return time.perf_counter() - started


def dense_recall_at_10(engine: Any, questions: Sequence[str]) -> float:
    """Share of the exact 10 nearest chunks (inner product over all vectors) that the engine's
    vector index returns for each question."""
    vectors = np.asarray(engine.index.vectors)
    queries = engine.embedder.embed(list(questions), "query")
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    _, found = engine.index.vector_index.search(queries, 10)
    return float(np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact, strict=True)]))


def child_serve(index_dir: Path, kind: str, n_questions: int) -> dict[str, Any]:
    import gc

    from assistant.answer.engine import Engine
    from assistant.settings import Settings

    settings = Settings(index_dir=index_dir, abstain=False, show_progress=False)
    started = time.perf_counter()
    engine = Engine(settings)
    engine.preload()
    open_s = time.perf_counter() - started
    out: dict[str, Any] = {"kind": kind, "open_s": round(open_s, 2), "chunks": len(engine.index)}
    if kind != engine.index.manifest.vector_index:
        out["vector_index_build_s"] = round(swap_vector_index(engine, kind, CACHE), 1)
        gc.collect()
    questions = latency_questions(n_questions)
    for q in questions[:10]:
        engine.ask(q)  # warm caches
    total, search = [], []
    for q in questions:
        t = time.perf_counter()
        answer = engine.ask(q)
        total.append((time.perf_counter() - t) * 1e3)
        search.append(
            answer.timings.get("embed_ms", 0) + answer.timings.get("lexical_ms", 0) + answer.timings.get("rank_ms", 0)
        )
    out["answer"] = percentiles(total)
    out["retrieval"] = percentiles(search)
    out["dense_recall_at_10"] = dense_recall_at_10(engine, questions)
    out["rss_mb"] = round(rss_mb(), 1)
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return out


# ---------------------------------------------------------------------------
# Step 3: recall (child process)


def ranks(engine: Any, questions: Sequence[Question], mode: str, depth: int = 10) -> list[int]:
    """Rank (1-based) of each question's paragraph among distinct documents; 0 if not in the top ``depth``."""
    out = []
    for q in questions:
        hits = engine.retriever.search(q.text, 3 * depth, mode=mode, diversify=False).hits
        docs = list(dict.fromkeys(h.chunk.doc_id for h in hits))[:depth]
        out.append(docs.index(q.doc_id) + 1 if q.doc_id in docs else 0)
    return out


def recall_curve(rank_list: Sequence[int], depth: int = 10) -> dict[str, Any]:
    arr = np.array(rank_list)
    n = max(len(arr), 1)
    found = arr > 0
    return {
        "R@1": float((arr == 1).sum() / n),
        "R@5": float((found & (arr <= 5)).sum() / n),
        "R@10": float(found.sum() / n),
        "MRR@10": float((1.0 / arr[found]).sum() / n),
        "curve": [float((found & (arr <= k)).sum() / n) for k in range(1, depth + 1)],
    }


def child_recall(index_dir: Path) -> dict[str, Any]:
    from assistant.answer.engine import Engine
    from assistant.settings import Settings
    from assistant.text.korean import KoreanAnalyzer
    from bench.common import CachedQueryEmbedder

    _, questions = load_korquad(KORQUAD)
    analyzer = KoreanAnalyzer()
    base = Engine(Settings(index_dir=index_dir, show_progress=False), analyzer=analyzer)
    cached = CachedQueryEmbedder(base.embedder, CACHE / f"korquad-queries-{base.embedder.model_id}.npz")
    cached.warm([q.text for q in questions])
    engine = Engine(Settings(index_dir=index_dir, show_progress=False), embedder=cached, analyzer=analyzer)
    out: dict[str, Any] = {"questions": len(questions), "chunks": len(engine.index)}
    for mode in ("hybrid", "bm25", "dense"):
        started = time.perf_counter()
        out[mode] = recall_curve(ranks(engine, questions, mode))
        out[mode]["seconds"] = round(time.perf_counter() - started, 1)
        print(mode, {k: v for k, v in out[mode].items() if k != "curve"}, flush=True)
    return out


# ---------------------------------------------------------------------------
# Step 4: smaller prefixes (child process)


class LookupEmbedder:
    """Passage vectors looked up by text in a built index (no model); queries go to ``inner``."""

    def __init__(self, inner: Any, index_dir: Path) -> None:
        from assistant.store.builder import embed_key
        from assistant.store.index import open_index

        self.inner = inner
        self.model_id = inner.model_id
        self._key = embed_key
        index = open_index(index_dir, inner.model_id, verify=False)
        self._rows = index.store.embed_keys()
        self._vectors = index.vectors

    @property
    def dim(self) -> int:
        return int(self._vectors.shape[1])

    def embed(self, texts: Sequence[str], kind: str, *, progress: bool = False) -> np.ndarray:
        if kind != "passage":
            return self.inner.embed(texts, kind, progress=progress)
        return np.stack([self._vectors[self._rows[self._key(self.model_id, t)]] for t in texts])


def build_prefix(index_dir: Path, n_movies: int) -> Any:
    """Index the KorQuAD paragraphs and the first ``n_movies`` movie documents, with the
    vectors of the full index (the same texts, so the same vectors, without the model)."""
    from assistant.answer.engine import Engine
    from assistant.settings import Settings
    from assistant.store.builder import IndexBuilder

    settings = Settings(index_dir=index_dir, abstain=False, show_progress=False)
    engine = Engine(settings)
    lookup = LookupEmbedder(engine.embedder, FULL_INDEX)
    IndexBuilder(settings, lookup, engine.analyzer).build_documents(scale_documents(n_movies), rebuild=True)
    return settings


def flat_and_hnsw_latency(settings: Any, n_questions: int) -> dict[str, Any]:
    """Whole-answer latency over the question sample with each FAISS index kind."""
    from assistant.answer.engine import Engine

    out: dict[str, Any] = {}
    questions = latency_questions(n_questions)
    for kind in ("flat", "hnsw"):
        engine = Engine(settings)
        if kind != "flat":
            swap_vector_index(engine, kind, CACHE)
        out["chunks"] = len(engine.index)
        for q in questions[:10]:
            engine.ask(q)  # warm caches
        times = []
        for q in questions:
            t = time.perf_counter()
            engine.ask(q)
            times.append((time.perf_counter() - t) * 1e3)
        out[kind] = percentiles(times)
    return out


def child_prefix(index_dir: Path, n_movies: int, n_questions: int) -> dict[str, Any]:

    settings = build_prefix(index_dir, n_movies)
    out: dict[str, Any] = {"movies": n_movies}
    out.update(flat_and_hnsw_latency(settings, n_questions))
    shutil.rmtree(index_dir, ignore_errors=True)
    return out


def child_small(n_questions: int) -> dict[str, Any]:
    """The default corpus (corpus/), same questions and settings: the small-corpus baseline."""
    from assistant.answer.engine import Engine
    from assistant.settings import Settings

    settings = Settings(index_dir=SMALL_INDEX, corpus_dir=ROOT / "corpus", abstain=False, show_progress=False)
    engine = Engine(settings)
    engine.build_index()
    out: dict[str, Any] = {"movies": 0, "corpus": "corpus/"}
    out.update(flat_and_hnsw_latency(settings, n_questions))
    return out


# ---------------------------------------------------------------------------
# Driver


def run_child(step: str, *args: str) -> dict[str, Any]:
    """Run one step in a fresh Python process and return its JSON result."""
    out = CACHE / f"scale-{step}-{os.getpid()}.json"
    cmd = [sys.executable, "-m", "bench.scale", "--child", step, "--child-out", str(out), *args]
    print("$", " ".join(cmd[1:]), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)
    data: dict[str, Any] = json.loads(out.read_text("utf-8"))
    out.unlink()
    return data


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=None, help="Only the first N movie documents (default: all).")
    parser.add_argument("--questions", type=int, default=300, help="Questions for the latency runs.")
    parser.add_argument("--sizes", default="1000,4000", help="Movie-document prefixes for latency vs size.")
    parser.add_argument("--skip-build", action="store_true", help="Reuse the index of the last run.")
    parser.add_argument("--steps", default="build,serve,recall,sizes", help="Steps to run (comma-separated).")
    parser.add_argument(
        "--milvus", default="scale.db", help="milvus-lite file for the Milvus latency run ('' to skip)."
    )
    parser.add_argument(
        "--milvus-server", action="store_true", help="Serve from a Milvus standalone server too (make milvus-server)."
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "scale.json")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--arg", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = child_step(args)
        args.child_out.write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")
        return

    require(KORQUAD)
    require(MOVIES)
    previous = json.loads(args.out.read_text("utf-8")) if args.out.exists() else {}
    steps = set(args.steps.split(","))
    report: dict[str, Any] = {**previous, "load_average_start": os.getloadavg()}
    n_movies = args.docs if args.docs is not None else count_movies()
    report["movies"] = n_movies
    report["korquad_paragraphs"] = len(load_korquad(KORQUAD)[0])
    if "build" in steps and not args.skip_build:
        shutil.rmtree(FULL_INDEX, ignore_errors=True)
        total = report["korquad_paragraphs"] + n_movies
        report["build"] = run_child("build", "--arg", str(n_movies), "--arg", str(total))
        report["build"]["characters"] = sum(len(d.text) for d in scale_documents(n_movies))
        save(args.out, report)
    if "serve" in steps:
        kinds = ["flat", "hnsw"] + ([args.milvus] if args.milvus and milvus_installed() else [])
        report["serve"] = {k: run_child("serve", "--arg", k, "--arg", str(args.questions)) for k in kinds}
        if args.milvus_server:
            report["serve"]["milvus-server"] = serve_on_milvus_server(args.questions)
        report["small"] = run_child("small", "--arg", str(args.questions))
        save(args.out, report)
    if "recall" in steps:
        report["recall"] = run_child("recall", "--arg", "full")
        report["recall_korquad_only"] = run_child("recall", "--arg", "korquad-only")
        save(args.out, report)
    if "sizes" in steps:
        sizes = [int(s) for s in args.sizes.split(",") if s and int(s) < n_movies]
        report["sizes"] = [run_child("prefix", "--arg", str(n), "--arg", str(args.questions)) for n in sizes]
        save(args.out, report)
    report["load_average_end"] = os.getloadavg()
    save(args.out, report)


def serve_on_milvus_server(n_questions: int) -> dict[str, Any]:
    """The serve step on a Milvus standalone server started for it, with the server's memory."""
    from bench.milvus_server import running

    data = CACHE / "milvus-server"
    shutil.rmtree(data, ignore_errors=True)
    with running(data) as server:
        before = server.rss_mb()
        out = run_child("serve", "--arg", server.uri, "--arg", str(n_questions))
        out["server_rss_mb"] = {"empty": round(before, 1), "serving": round(server.rss_mb(), 1)}
    out["kind"] = "milvus-server"
    return out


def milvus_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("pymilvus") is not None and importlib.util.find_spec("milvus_lite") is not None


def child_step(args: argparse.Namespace) -> dict[str, Any]:
    a = args.arg
    if args.child == "build":
        return child_build(FULL_INDEX, int(a[0]), int(a[1]))
    if args.child == "serve":
        try:
            return child_serve(FULL_INDEX, a[0], int(a[1]))
        except Exception as exc:  # an optional backend must not cost the rest of the run
            if a[0] in ("flat", "hnsw"):
                raise
            return {"kind": a[0], "error": f"{type(exc).__name__}: {exc}"}
    if args.child == "small":
        return child_small(int(a[0]))
    if args.child == "recall":
        if a[0] == "korquad-only":
            build_prefix(CACHE / "scale-korquad-only", 0)
            return child_recall(CACHE / "scale-korquad-only")
        return child_recall(FULL_INDEX)
    if args.child == "prefix":
        return child_prefix(CACHE / f"scale-prefix-{a[0]}", int(a[0]), int(a[1]))
    raise SystemExit(f"unknown step {args.child}")


def save(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")


if __name__ == "__main__":
    main()
