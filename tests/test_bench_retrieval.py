"""The retrieval benchmark's fusion variants (``bench.retrieval --variants``): weights that follow
each signal's confidence, and dense pseudo-relevance feedback, on hand-made candidates."""

from __future__ import annotations

import numpy as np

from assistant.search.fusion import get_fusion
from bench.retrieval import Candidates, adaptive, feedback, fused_metrics, ranked_metrics, sentence_fusion, variants

WEIGHTS = {"dense": 0.5, "morph": 0.5, "bigram": 0.0}


def _candidates(
    dense: list[float],
    morph: list[float],
    relevant: int,
    vectors: np.ndarray | None = None,
    query: np.ndarray | None = None,
) -> Candidates:
    n = len(dense)
    units = [f"doc{i}" if i == relevant else f"other:doc{i}" for i in range(n)]
    scores = {
        "dense": np.array(dense, np.float32),
        "morph": np.array(morph, np.float32),
        "bigram": np.zeros(n, np.float32),
    }
    return Candidates(scores, units, np.array([i == relevant for i in range(n)]), vectors, query)


#: Dense spreads most candidates near its best (flat) and prefers candidate 4; morph puts
#: candidate 3, the relevant one, alone at the top (peaked).
PEAKED = {"dense": [0.0, 0.9, 0.92, 0.5, 1.0], "morph": [0.0, 0.0, 0.0, 1.0, 0.6], "relevant": 3}


def test_a_peaked_signal_outweighs_a_flat_one() -> None:
    c = _candidates(**PEAKED)  # type: ignore[arg-type]
    assert fused_metrics([c], WEIGHTS)["R@1"] == 0.0  # 0.5/0.5: 4 scores 0.8, 3 scores 0.75
    assert int(np.argmax(adaptive(c, WEIGHTS, floor=0.25))) == 3
    assert ranked_metrics([c], lambda x: adaptive(x, WEIGHTS, 0.25))["R@1"] == 1.0
    # with a floor far above the confidences, the weights hardly move: the plain order again
    assert int(np.argmax(adaptive(c, WEIGHTS, floor=100.0))) == 4


def test_feedback_moves_the_question_towards_the_first_candidates() -> None:
    # the question (1, 0); candidate 0 ranks first by both signals; candidate 2 lies beside it
    # and the lexical signal likes it, candidate 1 is closer to the question alone
    vectors = np.array([[0.8, 0.6], [0.85, -0.53], [0.0, 1.0]], np.float32)
    query = np.array([1.0, 0.0], np.float32)
    c = _candidates(list(vectors @ query), [1.0, 0.0, 0.9], 0, vectors, query)
    plain = get_fusion("weighted")(c.scores, WEIGHTS, k=60)
    assert plain[1] > plain[2]
    moved = feedback(c, WEIGHTS, beta=0.5, depth=1)
    assert int(np.argmax(moved)) == 0
    assert moved[2] > moved[1]
    # without vectors, no feedback: the plain fusion
    bare = Candidates(c.scores, c.units, c.relevant)
    assert np.allclose(feedback(bare, WEIGHTS, beta=0.5, depth=1), plain)


def test_variants_are_chosen_on_the_other_collections() -> None:
    peaked = _candidates(**PEAKED)  # type: ignore[arg-type]
    report = variants({"a": [peaked], "b": [peaked]}, WEIGHTS)
    rows = report["rows"]
    assert rows[0]["variant"] == "plain" and rows[0]["a"]["MRR@10"] == 0.5
    assert {r["variant"] for r in rows} == {"plain", "adaptive", "feedback"}  # no sentences: not scored
    held = report["leave_one_out"]["a"]
    assert held["variant"]["variant"] == "adaptive"  # best on "b"
    assert held["held_out"]["MRR@10"] == 1.0


def test_a_passage_can_be_ranked_by_its_sentence_nearest_the_question() -> None:
    # candidate 1 is relevant; as a whole passage it lies farther from the question than
    # candidate 0, but one of its sentences lies nearer than any of candidate 0's
    c = _candidates([0.9, 0.8, 0.1], [0.5, 0.5, 0.0], 1)
    c.sentences = np.array([0.85, 0.97, 0.1], np.float32)
    assert ranked_metrics([c], lambda x: sentence_fusion(x, WEIGHTS, 0.0))["R@1"] == 0.0
    assert ranked_metrics([c], lambda x: sentence_fusion(x, WEIGHTS, 1.0))["R@1"] == 1.0
    assert ranked_metrics([c], lambda x: sentence_fusion(x, WEIGHTS, None))["R@1"] == 1.0  # the higher: 0.97
    # without the sentences' cosines, the plain fusion
    bare = Candidates(c.scores, c.units, c.relevant)
    assert np.allclose(sentence_fusion(bare, WEIGHTS, 1.0), get_fusion("weighted")(c.scores, WEIGHTS, k=60))
    report = variants({"a": [c], "b": [c]}, WEIGHTS)
    shares = {r["share"]: r["a"]["R@1"] for r in report["rows"] if r["variant"] == "sentences"}
    assert shares == {0.25: 0.0, 0.5: 1.0, 1.0: 1.0, "max": 1.0}
