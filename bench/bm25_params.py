"""BM25's k1 and b, chosen across collections (leave one out), not on KorQuAD alone.

    python -m bench.bm25_params                  # writes bench/results/bm25-params.json
    python -m bench.bm25_params --korquad 2000   # a sample of KorQuAD questions (default: all)

Both lexical fields (Kiwi morphemes, character bigrams) are refitted from each index's own
chunks for every (k1, b) of the grid, with the same parameters for both; the candidates of
every answerable question are gathered again under each, and ranked by the fusion of the three
signals for every fusion weight of :func:`bench.retrieval.grid`, as ``bench.retrieval``'s
leave-one-out does (no MMR, no prior). Reported per collection:

- the default fusion weights with each (k1, b): R@1, R@5, MRR@10;
- leave one collection out: the (k1, b) and fusion weights best on the other collections (mean
  MRR@10), and the held-out collection's figures with them; the same with k1 and b fixed at the
  shipped values, so the two rows show what choosing k1 and b adds.

The fields are refitted from the counts the index builder gathers (the documents are chunked and
analysed again, nothing is embedded); fitted with the shipped parameters they give the index's
own weights, which the script checks before it starts.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from assistant import Engine
from assistant.ingest.documents import Document
from assistant.store.bm25 import BM25, BM25Counts
from assistant.store.index import Index
from bench.collections import NAMES, engines
from bench.common import KORQUAD, load_korquad, require
from bench.retrieval import (
    RESULTS,
    Candidates,
    Query,
    chosen_on_others,
    fused_metrics,
    grid,
    pools,
    queries_of,
)

#: The shipped parameters (:class:`~assistant.store.bm25.BM25`'s defaults).
SHIPPED = (BM25().k1, BM25().b)
K1 = (0.6, 0.9, 1.2, 1.5, 2.0)
B = (0.2, 0.3, 0.4, 0.5, 0.6, 0.75)


def counts_of(engine: Engine, name: str) -> tuple[BM25Counts, BM25Counts]:
    """Both lexical fields' term counts, gathered by the index builder itself: the collection's
    documents chunked and analysed again (into a scratch folder)."""
    from assistant.ingest.files import iter_corpus_files, iter_documents
    from assistant.store.builder import IndexBuilder

    if name == "korquad":
        docs, _ = load_korquad(require(KORQUAD), titles=True)
        stream: Iterable[Document] = docs
    else:
        corpus = engine.settings.corpus_dir
        stream = iter_documents(corpus, iter_corpus_files(corpus), lambda _: None)
    settings = engine.settings.model_copy(update={"show_progress": False})
    with tempfile.TemporaryDirectory() as scratch:
        analysed = IndexBuilder(settings, engine.embedder, engine.analyzer).analysed(Path(scratch), stream)
    return analysed.morph, analysed.bigram


def refitted(counts: BM25Counts, k1: float, b: float, like: BM25) -> BM25:
    """The field fitted with ``k1`` and ``b``, its columns in the order of ``like``'s vocabulary."""
    fitted = counts.fit(BM25(k1, b))
    order = [fitted.vocab[t] for t in like.vocab]
    out = BM25(k1, b)
    out.vocab = dict(like.vocab)
    out.idf = fitted.idf[order]
    out.weights = fitted.weights[:, order].tocsc()
    out.weights.sort_indices()
    return out


def disagreement(counts: BM25Counts, saved: BM25) -> float:
    """The share of chunks whose weights refitted with the shipped parameters differ from the saved
    ones by more than 0.01 (none, unless the index is stale)."""
    if set(counts.vocab) != set(saved.vocab):
        return 1.0
    again = refitted(counts, saved.k1, saved.b, saved)
    if again.weights.shape != saved.weights.shape:
        return 1.0
    gap = abs(again.weights - saved.weights).tocsr().max(axis=1).toarray().ravel()
    return float((gap > 0.01).mean()) if len(gap) else 0.0


def sweep(name: str, engine: Engine, queries: Sequence[Query]) -> dict[tuple[float, float], list[Candidates]]:
    """The candidates of every answerable question under every (k1, b) (the engines share one
    embedder that keeps the question vectors: :func:`bench.collections.engines`)."""
    morph_counts, bigram_counts = counts_of(engine, name)
    index = engine.index
    gap = max(disagreement(morph_counts, index.bm25), disagreement(bigram_counts, index.bigram))
    if gap > 0:
        raise SystemExit(f"{index.folder}: the fields read back differ from the saved ones; rebuild the index")
    out = {}
    for k1 in K1:
        for b in B:
            fields = replace(
                index,
                bm25=refitted(morph_counts, k1, b, index.bm25),
                bigram=refitted(bigram_counts, k1, b, index.bigram),
            )
            out[(k1, b)] = pools(_over(engine, fields), queries)
            print(f"  k1 {k1} b {b}", flush=True)
    return out


def _over(engine: Engine, index: Index) -> Any:
    """What :func:`bench.retrieval.pools` reads of an engine, over another index."""
    return SimpleNamespace(index=index, embedder=engine.embedder, analyzer=engine.analyzer, settings=engine.settings)


def table(data: dict[str, dict[tuple[float, float], list[Candidates]]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every (k1, b, fusion weights) with each collection's figures."""
    rows = []
    for params in next(iter(data.values())):
        for w in grid():
            scores = {name: fused_metrics(by[params], w) for name, by in data.items()}
            rows.append(({"k1": params[0], "b": params[1], **w}, scores))
    return rows


def leave_one_out(
    rows: list[tuple[dict[str, Any], dict[str, Any]]], names: Sequence[str], fixed: bool
) -> dict[str, Any]:
    """Per held-out collection, the settings best on the others (mean MRR@10) and its figures with them;
    with ``fixed``, only the shipped k1 and b are open to the choice."""
    pool = [r for r in rows if not fixed or (r[0]["k1"], r[0]["b"]) == SHIPPED]
    return chosen_on_others(pool, names, "settings")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--korquad", type=int, default=0, help="Sample this many KorQuAD questions (0: all).")
    parser.add_argument("--collections", default=",".join(NAMES))
    parser.add_argument("--out", type=Path, default=RESULTS / "bm25-params.json")
    args = parser.parse_args(argv)
    names = [n for n in args.collections.split(",") if n]
    by_name = engines(names)
    data = {}
    for name in names:
        engine = by_name[name]
        print(name, flush=True)
        data[name] = sweep(name, engine, queries_of(name, args.korquad))
    rows = table(data)
    shipped = by_name[names[0]].settings
    default = shipped.fusion_weights
    at_default = {
        f"k1={k1} b={b}": {
            n: {k: round(v, 4) for k, v in fused_metrics(data[n][(k1, b)], default).items()} for n in names
        }
        for k1, b in data[names[0]]
    }
    report = {
        "shipped": {"k1": SHIPPED[0], "b": SHIPPED[1], **default},
        "default_weights": at_default,
        "leave_one_out": leave_one_out(rows, names, fixed=False),
        "leave_one_out_shipped_bm25": leave_one_out(rows, names, fixed=True),
    }
    for key in ("leave_one_out", "leave_one_out_shipped_bm25"):
        print(key, json.dumps(report[key], ensure_ascii=False), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
