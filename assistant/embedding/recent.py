"""The vectors of sentences embedded lately: a passage that answers one question often comes
back with the next, and its sentences need not be embedded again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.recent import Recent

if TYPE_CHECKING:
    import numpy as np

    from assistant.embedding.base import Embedder

#: Sentences remembered (a 384-dimension vector each: about 1.5 KB).
RECENT_SENTENCES = 2048


class RecentVectors:
    """Passage vectors of texts by one embedder, the last ``size`` of them remembered."""

    def __init__(self, embedder: Embedder, size: int = RECENT_SENTENCES) -> None:
        self.embedder = embedder
        self._known: Recent[str, np.ndarray] = Recent(size)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """The vectors of ``texts`` as passages, one row each; only the ones not remembered are
        embedded (outside the cache's lock: another thread reads what it knows meanwhile)."""
        import numpy as np

        known: dict[str, np.ndarray] = {}
        for text in texts:  # in their order: the last read is the last forgotten
            vector = self._known.get(text)
            if vector is not None:
                known[text] = vector
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            for text, vector in zip(missing, self.embedder.embed(missing, "passage"), strict=True):
                known[text] = vector
                self._known.put(text, vector)
        return np.stack([known[t] for t in texts]) if texts else np.zeros((0, 0), dtype=np.float32)
