"""Plots of the scale benchmark (PNG, in docs/), from bench/results/scale.json.

    python -m bench.scale && python -m bench.plots

- ``docs/recall_at_k.png``: KorQuAD dev recall@k, k = 1..10, for the three retrieval modes,
  with the movie documents as distractors (solid) and on the KorQuAD paragraphs alone (dashed).
- ``docs/latency_vs_size.png``: answer latency (p50, and p95 as a thin line) against the
  number of chunks in the index, exact (flat) and HNSW vector index, the Milvus server at full size
  (milvus-lite's figure is noted).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import ROOT

DOCS = ROOT / "docs"
MODES = (("hybrid", "hybrid (default)", "#1f77b4"), ("bm25", "BM25", "#ff7f0e"), ("dense", "dense", "#2ca02c"))
KINDS = (("flat", "exact (flat)", "#1f77b4"), ("hnsw", "HNSW", "#d62728"))


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def recall_plot(scale: dict[str, Any], path: Path) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    ks = list(range(1, 11))
    chunks = scale["recall"]["chunks"]
    alone = scale["recall_korquad_only"]["chunks"]
    for mode, label, color in MODES:
        ax.plot(ks, scale["recall"][mode]["curve"], "-o", color=color, ms=3.5, label=f"{label}, {chunks:,} chunks")
        ax.plot(
            ks,
            scale["recall_korquad_only"][mode]["curve"],
            "--",
            color=color,
            lw=1,
            label=f"{label}, KorQuAD only ({alone:,})",
        )
    ax.set_xlabel("k (documents returned)")
    ax.set_ylabel("recall@k")
    ax.set_xticks(ks)
    ax.set_ylim(0.75, 1.0)
    ax.grid(alpha=0.3)
    ax.set_title(f"KorQuAD 1.0 dev, {scale['recall']['questions']:,} questions", fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def size_points(scale: dict[str, Any]) -> list[dict[str, Any]]:
    """Latency at each index size, smallest first (the default corpus, prefixes, the full index)."""
    points = [scale["small"], *scale.get("sizes", [])]
    serve = scale["serve"]
    points.append({"chunks": serve["flat"]["chunks"], "flat": serve["flat"]["answer"], "hnsw": serve["hnsw"]["answer"]})
    return sorted(points, key=lambda p: p["chunks"])


def latency_plot(scale: dict[str, Any], path: Path) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    points = size_points(scale)
    xs = [p["chunks"] for p in points]
    for kind, label, color in KINDS:
        ax.plot(xs, [p[kind]["p50_ms"] for p in points], "-o", color=color, ms=4, label=f"{label}, p50")
        ax.plot(xs, [p[kind]["p95_ms"] for p in points], ":", color=color, lw=1, label=f"{label}, p95")
    server = scale["serve"].get("milvus-server", {})
    if "answer" in server:
        x, a = server["chunks"], server["answer"]
        ax.plot([x], [a["p50_ms"]], "s", color="#2ca02c", ms=6, label="Milvus server (HNSW), p50")
        ax.plot([x], [a["p95_ms"]], "_", color="#2ca02c", ms=10, mew=1.5, label="Milvus server (HNSW), p95")
    lite = [v for k, v in scale["serve"].items() if k not in ("flat", "hnsw", "milvus-server") and "answer" in v]
    for m in lite:  # far off the scale of the others: written, not plotted
        note = f"milvus-lite at {m['chunks']:,} chunks: p50 {m['answer']['p50_ms']:,.0f} ms (off scale)"
        ax.annotate(note, xy=(0.02, 0.03), xycoords="axes fraction", fontsize=7, color="#9467bd")
    ax.set_xscale("log")
    top = max([p[k]["p95_ms"] for p in points for k in ("flat", "hnsw")] + [server.get("answer", {}).get("p95_ms", 0)])
    ax.set_ylim(0, top * 1.2)
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("whole answer, ms")
    ax.grid(alpha=0.3, which="both")
    ax.set_title("Answer latency vs index size (one question at a time)", fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results" / "scale.json")
    parser.add_argument("--out", type=Path, default=DOCS)
    args = parser.parse_args(argv)
    scale = json.loads(args.results.read_text("utf-8"))
    args.out.mkdir(parents=True, exist_ok=True)
    recall_plot(scale, args.out / "recall_at_k.png")
    latency_plot(scale, args.out / "latency_vs_size.png")
    print(f"wrote {args.out / 'recall_at_k.png'} and {args.out / 'latency_vs_size.png'}")


if __name__ == "__main__":
    main()
