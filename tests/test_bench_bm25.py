"""The BM25 parameter sweep's own bookkeeping (``bench.bm25_params``, ``bench.report``): the fields
it refits are the index's own, other parameters change them, and leaving one collection out picks
by the other collections only."""

from __future__ import annotations

from typing import Any

import numpy as np
from conftest import FakeEmbedder

from assistant.answer.engine import Engine
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer
from bench.bm25_params import SHIPPED, counts_of, disagreement, leave_one_out, refitted
from bench.report import bm25_section


def test_counts_refit_to_the_index_own_weights(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    engine = Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    morph, bigram = counts_of(engine, "golden")
    index = engine.index
    assert disagreement(morph, index.bm25) == 0.0
    assert disagreement(bigram, index.bigram) == 0.0
    same = refitted(morph, *SHIPPED, index.bm25)
    assert same.vocab == index.bm25.vocab
    assert np.allclose(same.weights.toarray(), index.bm25.weights.toarray(), atol=1e-6)
    other = refitted(morph, 2.0, 0.75, index.bm25)
    assert not np.allclose(other.weights.toarray(), index.bm25.weights.toarray(), atol=1e-3)
    # the same term scores the same rows either way: only the weights move
    assert (other.weights.toarray() > 0).tolist() == (index.bm25.weights.toarray() > 0).tolist()


def _row(k1: float, b: float, mrr: dict[str, float]) -> tuple[dict[str, Any], dict[str, Any]]:
    setting = {"k1": k1, "b": b, "dense": 0.5, "morph": 0.25, "bigram": 0.25}
    return setting, {n: {"R@1": v, "R@5": v, "R@10": v, "MRR@10": v} for n, v in mrr.items()}


def test_leave_one_out_chooses_on_the_other_collections() -> None:
    names = ["a", "b", "c"]
    rows = [
        _row(*SHIPPED, {"a": 0.5, "b": 0.5, "c": 0.5}),
        _row(2.0, 0.2, {"a": 0.9, "b": 0.9, "c": 0.1}),  # best on a and b, worst on c
    ]
    free = leave_one_out(rows, names, fixed=False)
    assert (free["c"]["settings"]["k1"], free["c"]["held_out"]["MRR@10"]) == (2.0, 0.1)
    # held out a: chosen on b (0.9 vs 0.5) and c (0.1 vs 0.5): means 0.5 and 0.5, the first kept
    assert free["a"]["settings"]["k1"] == SHIPPED[0]
    fixed = leave_one_out(rows, names, fixed=True)
    assert all(fixed[n]["settings"]["k1"] == SHIPPED[0] for n in names)
    report = {
        "shipped": {"k1": SHIPPED[0], "b": SHIPPED[1]},
        "default_weights": {f"k1={s['k1']} b={s['b']}": m for s, m in rows},
        "leave_one_out": free,
        "leave_one_out_shipped_bm25": fixed,
    }
    text = "\n".join(bm25_section(report))
    assert "| c | k1 2, b 0.2;" in text
    assert "do worse on the held-out one than the shipped ones" in text
    assert "c k1 0.9 b 0.4" in text  # c's best with the default weights is the shipped pair
