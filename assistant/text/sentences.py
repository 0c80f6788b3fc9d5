"""The summary candidates of a passage: its sentences, table rows split, leading bullets dropped.

Computed at index time from the chunker's units, so that answering needs no Kiwi pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Leading bullet characters that are not part of a sentence's meaning.
_BULLET = re.compile(r"^[\s•·▪○●◦\-*]+")


SENTENCE_END = re.compile(r"[.?!。？！][\"'”’)\]]*$|[다요죠음임함]$")


def sentence_spans(doc_text: str, units: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the summary candidates of a passage: its sentences, with table units split
    into rows and leading bullets dropped. Computed at index time."""
    out: list[tuple[int, int]] = []
    for start, end in units:
        pos = start
        for line in doc_text[start:end].split("\n"):
            s, e = pos, pos + len(line)
            pos = e + 1
            m = _BULLET.match(line)
            s += m.end() if m else 0
            e = s + len(doc_text[s:e].rstrip())
            if e - s >= 8:
                out.append((s, e))
    return out
