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
        """The vectors of ``texts`` as passages, one row each; only the ones not remembered are embedded."""
        import numpy as np

        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._known))
        if missing:
            fresh = self.embedder.embed(missing, "passage")
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._known[text] = vector
                while len(self._known) > self.size:
                    self._known.popitem(last=False)
        with self._lock:
            rows = []
            for text in texts:
                vector = self._known.get(text)
                if vector is None:  # pushed out meanwhile by another thread's sentences
                    vector = self.embedder.embed([text], "passage")[0]
                else:
                    self._known.move_to_end(text)
                rows.append(vector)
        return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
