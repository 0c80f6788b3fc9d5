"""The vectors of sentences embedded lately: a passage that answers one question often comes
back with the next, and its sentences need not be embedded again."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from assistant.embedding.base import Embedder

#: Sentences remembered (a 384-dimension vector each: about 1.5 KB).
RECENT_SENTENCES = 2048


class RecentVectors:
    """Passage vectors of texts by one embedder, the last ``size`` of them remembered."""

    def __init__(self, embedder: Embedder, size: int = RECENT_SENTENCES) -> None:
        self.embedder = embedder
        self.size = size
        self._known: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """The vectors of ``texts`` as passages, one row each; only the ones not remembered are
        embedded (outside the lock: another thread reads what it knows meanwhile)."""
        import numpy as np

        known: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:  # in their order: the last read is the last forgotten
                if text in self._known:
                    self._known.move_to_end(text)
                    known[text] = self._known[text]
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = dict(zip(missing, self.embedder.embed(missing, "passage"), strict=True))
            known.update(fresh)
            with self._lock:
                self._known.update(fresh)
                while len(self._known) > self.size:
                    self._known.popitem(last=False)
        return np.stack([known[t] for t in texts]) if texts else np.zeros((0, 0), dtype=np.float32)
