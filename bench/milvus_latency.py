"""Milvus as the vector index: start-up, insert throughput, single-query search latency.

    python -m bench.milvus_latency                       # milvus-lite in a temporary .db file
    python -m bench.milvus_latency --uri milvus://host:19530   # a Milvus server (HNSW)
    python -m bench.milvus_latency --server -n 72131         # a Milvus standalone server started for the run

Random L2-normalized vectors (70,000 x 384 by default, the size of a large corpus embedded
with multilingual-e5-small), no data set needed. Queries are stored vectors with noise, so
their neighbours are meaningful; each is searched alone with k=50, as retrieval does. FAISS
flat and HNSW on the same vectors are measured alongside for reference, and each top 50 (and
top 10) is compared with the exact one. Writes bench/results/milvus.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.options import normalize_milvus_location
from assistant.store.faiss_index import FaissIndex
from assistant.store.milvus import MilvusIndex, connect
from assistant.store.vector_backends import discard_index
from assistant.store.vectors import VectorIndex
from bench.common import ROOT, percentiles
from bench.milvus_server import running


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def normalized(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def search_ms(index: VectorIndex, queries: np.ndarray, k: int) -> tuple[dict[str, float], np.ndarray]:
    """Per-query latency percentiles (after a short warm-up) and the ids found."""
    for q in queries[:10]:
        index.search(q[None, :], k)
    samples, found = [], []
    for q in queries:
        started = time.perf_counter()
        _, ids = index.search(q[None, :], k)
        samples.append((time.perf_counter() - started) * 1e3)
        found.append(ids[0])
    return percentiles(samples), np.stack(found)


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(e)) / len(e) for f, e in zip(found, exact, strict=True)]))


def recalls(found: np.ndarray, exact: np.ndarray) -> dict[str, float]:
    """Recall of the top k and of the top 10 against the exact neighbours."""
    return {"at_k": recall(found, exact), "at_10": recall(found[:, :10], exact[:, :10])}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uri", default="", help="milvus://host:port, or a .db path (default: a temporary .db)")
    parser.add_argument("--server", action="store_true", help="start a Milvus standalone server for the run")
    parser.add_argument("-n", type=int, default=70_000, help="vectors (default 70000)")
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("-k", type=int, default=50)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "milvus.json")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    vectors = normalized(rng, args.n, args.dim)
    picks = rng.choice(args.n, size=args.queries, replace=False)
    queries = vectors[picks] + 0.5 * normalized(rng, args.queries, args.dim) / np.sqrt(2)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, : args.k]

    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        server = stack.enter_context(running(Path(tmp) / "server")) if args.server else None
        location = server.uri if server else args.uri or str(Path(tmp) / "vectors.db")
        out: dict[str, object] = {
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
            "load_average_start": list(os.getloadavg()),
            "backend": "milvus-lite" if location.endswith(".db") else "milvus server",
            "vectors": args.n,
            "dim": args.dim,
            "k": args.k,
        }
        started = time.perf_counter()
        import pymilvus  # noqa: F401  (the import is part of a cold start)

        out["import_pymilvus_s"] = time.perf_counter() - started
        uri = normalize_milvus_location(location)
        out["connect_s"] = timed(lambda: connect(uri).close())  # starts milvus-lite for a .db
        started = time.perf_counter()
        index = MilvusIndex.create(location, args.dim, f"bench-{time.time_ns()}")
        out["create_collection_s"] = time.perf_counter() - started
        out["index_type"] = index.locator.index_type
        insert_s = timed(lambda: index.add(np.arange(args.n, dtype=np.int64), vectors))
        locator = Path(tmp) / "vectors.faiss"
        out["insert_s"] = insert_s
        out["insert_rows_per_s"] = args.n / insert_s
        out["save_flush_s"] = timed(lambda: index.save(locator))
        index.close()
        started = time.perf_counter()
        reopened = MilvusIndex.load(locator)
        out["reopen_s"] = time.perf_counter() - started
        out["milvus_search"], found = search_ms(reopened, queries, args.k)
        out["milvus_recall"] = recalls(found, exact)
        if server:
            out["server_rss_mb"] = server.rss_mb()
        reopened.close()
        discard_index(location, locator)

    for kind in ("flat", "hnsw"):
        faiss_index = FaissIndex(args.dim, kind)
        out[f"faiss_{kind}_build_s"] = timed(lambda: faiss_index.add(np.arange(args.n, dtype=np.int64), vectors))  # noqa: B023
        out[f"faiss_{kind}_search"], found = search_ms(faiss_index, queries, args.k)
        out[f"faiss_{kind}_recall"] = recalls(found, exact)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=2), "utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
