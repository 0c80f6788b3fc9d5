"""BM25, fusion and MMR as pure functions, with exact expected values."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ConfigError
from assistant.search.fusion import get_fusion, minmax, mmr, rrf, weighted
from assistant.store.bm25 import BM25, join_known, split_unknown
from assistant.text.sentences import char_bigrams


def test_bm25_scores_match_the_formula() -> None:
    docs = [["서울", "수도"], ["서울", "지하철", "지하철"], ["제주", "감귤"]]
    bm = BM25(k1=1.2, b=0.75).fit(docs)
    scores = bm.scores(["지하철"])
    n, df = 3, 1
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    avg = 7 / 3
    tf, dl = 2, 3
    expected = idf * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * dl / avg))
    assert scores[1] == pytest.approx(expected, rel=1e-5)
    assert scores[0] == 0 and scores[2] == 0
    assert int(np.argmax(bm.scores(["서울", "수도"]))) == 0


def test_char_bigrams_keep_short_words() -> None:
    assert char_bigrams("얼라이언스란? 물") == ["얼라", "라이", "이언", "언스", "스란", "물"]
    assert char_bigrams("AI 전략") == ["ai", "전략"]


def test_split_unknown_uses_the_vocabulary() -> None:
    vocab = {"얼라이언스": 0, "데이터": 1, "인프라": 2, "메가": 3}
    assert split_unknown(["메가", "얼라이언스란"], vocab) == ["메가", "얼라이언스"]
    assert split_unknown(["데이터인프라"], vocab) == ["데이터", "인프라"]
    # Unknown words that cannot be covered stay as they are.
    assert split_unknown(["김치찌개", "얼라이언스들이"], vocab) == ["김치찌개", "얼라이언스들이"]


def test_join_known_adds_the_compound_the_documents_write_whole() -> None:
    """ "재택근무가능한가요" reads 재택, 근무: 재택 is no word of the documents, which hold 재택근무.
    Two known words the documents also hold joined are left as they are; so is a pair nobody wrote."""
    vocab = {"재택근무": 0, "근무": 1, "가능": 2, "연차휴가": 3, "연차": 4, "휴가": 5}
    assert join_known(["재택", "근무", "가능"], vocab) == ["재택", "근무", "재택근무", "가능"]
    assert join_known(["연차", "휴가"], vocab) == ["연차", "휴가"]
    assert join_known(["재택근무", "가능"], vocab) == ["재택근무", "가능"]
    assert join_known(["출장", "근무"], vocab) == ["출장", "근무"]


def test_bm25_unknown_terms_and_roundtrip(tmp_path: Path) -> None:
    bm = BM25().fit([["한강"], ["남산", "타워"]])
    assert bm.scores(["부산"]).tolist() == [0.0, 0.0]
    assert bm.max_idf(["부산"]) == 0.0
    bm.save(tmp_path)
    again = BM25.load(tmp_path)
    np.testing.assert_allclose(again.scores(["타워"]), bm.scores(["타워"]))


def test_minmax_and_weighted() -> None:
    assert minmax(np.array([2.0, 4.0, 3.0])).tolist() == [0.0, 1.0, 0.5]
    assert minmax(np.array([5.0, 5.0])).tolist() == [0.0, 0.0]
    signals = {"dense": np.array([0.9, 0.8, 0.7]), "morph": np.array([0.0, 10.0, 5.0])}
    fused = weighted(signals, {"dense": 0.5, "morph": 0.5}, k=60)
    np.testing.assert_allclose(fused, [0.5, 0.75, 0.25])
    # A signal without weight does not count.
    signals["bigram"] = np.array([100.0, 0.0, 0.0])
    np.testing.assert_allclose(weighted(signals, {"dense": 0.5, "morph": 0.5}, k=60), [0.5, 0.75, 0.25])


def test_rrf_uses_ranks() -> None:
    signals = {"dense": np.array([0.9, 0.1]), "morph": np.array([1.0, 3.0]), "bigram": np.array([5.0, 1.0])}
    fused = rrf(signals, {"dense": 1.0, "morph": 1.0, "bigram": 0.0}, k=60)
    assert fused[0] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[1] == pytest.approx(1 / 62 + 1 / 61)
    fused = rrf(signals, {"dense": 1.0, "morph": 1.0, "bigram": 1.0}, k=60)
    assert fused[0] == pytest.approx(2 / 61 + 1 / 62)


def test_unknown_fusion_lists_choices() -> None:
    with pytest.raises(ConfigError, match="weighted, rrf"):
        get_fusion("borda")


def test_mmr_skips_near_duplicates() -> None:
    v = np.array([[1.0, 0.0], [0.999, 0.0447], [0.0, 1.0]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    relevance = np.array([1.0, 0.95, 0.6])
    assert mmr(relevance, v, 2, lam=0.5) == [0, 2]
    assert mmr(relevance, v, 2, lam=1.0) == [0, 1]
