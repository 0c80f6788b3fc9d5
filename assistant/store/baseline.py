"""The index's own off-topic baseline: how close questions it cannot answer come to its passages.

A few everyday questions that few document collections answer (cooking, weather, sports …) are
searched in the index when it is built; the median of their best cosines is recorded in the
manifest. A question's best cosine *above* that baseline means the same on any index, which the
raw cosine does not: an encyclopedia has a passage somewhat near almost anything, a small help
manual does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.embedding.base import Embedder

#: Questions a collection of documents rarely answers; the median keeps one the corpus does answer from mattering.
PROBES = (
    "김치찌개 맛있게 끓이는 법 알려줘",
    "오늘 서울 날씨 어때?",
    "손흥민은 어느 팀에서 뛰고 있나요?",
    "강아지가 밥을 안 먹을 때 어떻게 해야 하나요?",
    "제주도 여행 코스 추천해 줘",
    "감기에 걸렸을 때 먹으면 좋은 음식은?",
    "주식 투자 초보가 알아야 할 것은?",
    "아이폰 배터리를 오래 쓰는 방법은?",
    "이번 주말에 볼 만한 영화 있어?",
    "다이어트할 때 운동은 얼마나 해야 하나요?",
    "지하철 막차는 몇 시에 끊기나요?",
    "라면을 더 맛있게 끓이는 비법은?",
    "결혼식 축의금은 얼마가 적당해?",
    "고양이가 좋아하는 장난감은 뭐야?",
    "비행기에 보조배터리를 가지고 탈 수 있나요?",
    "아침에 일찍 일어나는 습관을 들이려면?",
)


def offtopic_cosine(vectors: Any, embedder: Embedder, block: int = 16384) -> float:
    """The median, over :data:`PROBES`, of the best cosine each finds among ``vectors`` (an array,
    or the index's vector file: anything that has a length and slices into rows)."""
    import numpy as np

    if not len(vectors):
        return 0.0
    probes = embedder.embed(list(PROBES), "query")
    best = np.full(len(PROBES), -1.0, dtype=np.float32)
    for start in range(0, len(vectors), block):
        part = np.asarray(vectors[start : start + block], dtype=np.float32)
        best = np.maximum(best, (part @ probes.T).max(axis=0))
    return float(np.median(best))
