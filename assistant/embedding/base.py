"""The embedder protocol and what every backend of the embedded e5 model shares.

An :class:`Embedder` turns texts into L2-normalized float32 vectors. The e5 model wants the
prefixes ``query: `` and ``passage: ``; :data:`SANITY_TRIPLES` is the ranking every freshly
built backend must get right.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    import numpy as np

#: The prefixes e5 puts before each kind of text.
PROMPTS = {"query": "query: ", "passage": "passage: "}

#: Longest input in tokens (a 500-character Korean chunk with its title stays well under it).
MAX_SEQ_LENGTH = 512


#: (query, relevant passage, unrelated passage) that the built model must rank right.
SANITY_TRIPLES = (
    ("한국의 수도는 어디인가요?", "서울은 대한민국의 수도이다.", "고양이는 귀여운 동물이다."),
    (
        "김치는 어떻게 만드나요?",
        "김치는 배추를 소금에 절인 뒤 고춧가루 양념에 버무려 만든다.",
        "지하철 2호선은 서울 도심을 순환하는 노선이다.",
    ),
)


#: What a text is: a question to search with, or a passage to be found.
Kind = Literal["query", "passage"]


logger = logging.getLogger("assistant")
_warned: set[str] = set()
E5_PREFIXES = (PROMPTS["query"], PROMPTS["passage"])


class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors of one fixed dimension."""

    @property
    def model_id(self) -> str:
        """Name of the model, recorded with an index to detect a model change."""
        ...

    @property
    def dim(self) -> int:
        """Length of each vector."""
        ...

    def embed(self, texts: Sequence[str], kind: Kind, *, progress: bool = False) -> np.ndarray:
        """Vectors of ``texts``, shape ``(len(texts), dim)``, float32, rows of norm 1."""
        ...


def warn_once(message: str) -> None:
    """Log a warning the first time ``message`` comes up in this process."""
    if message not in _warned:
        _warned.add(message)
        logger.warning(message)
