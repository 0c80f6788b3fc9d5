"""The question's neighbouring words written together in a passage.

BM25 scores a bag of morphemes, and the dense vector a whole passage: neither sees that two of the
question's words stand side by side in one passage and apart in another. "여의도 농민 폭력 시위를
주도한 혐의로" finds several paragraphs that hold those words; the one it was written from holds
"여의도 농민 폭력 시위를 주도한" as one phrase. :func:`phrase_scores` gives each passage the share
of the question's pairs of neighbouring words it writes together, and the retriever puts the
passages an answer shows in order by their fused score plus that share (see
:meth:`~assistant.search.retrieval.Retriever.search`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from assistant.text.korean import CONTENT_TAGS, Token

#: Characters a particle or an ending may take between the first word of a pair and the space
#: before the second ("시위를 주도", "시위에서 주도": 를, 에서).
BETWEEN = 4


def question_words(text: str, tokens: Sequence[Token]) -> list[str | None]:
    """For each word of ``text`` (between spaces), the stretch of it its content morphemes span
    (``tokens`` are the text's morphemes): the stem with what is fused into it, without the
    particle or ending after it ("시위를" → "시위", "주도한" → "주도"); None for a word with none
    ("과연", "매우")."""
    out: list[str | None] = []
    for word in re.finditer(r"\S+", text):
        content = [t for t in tokens if word.start() <= t.start < word.end() and t.tag.split("-")[0] in CONTENT_TAGS]
        out.append(text[content[0].start : min(content[-1].end, word.end())] if content else None)
    return out


def word_pairs(words: Sequence[str | None]) -> list[tuple[str, str]]:
    """The pairs of neighbouring words that both hold content (see :func:`question_words`)."""
    return [(a, b) for a, b in zip(words, words[1:], strict=False) if a and b]


def phrase_scores(pairs: Sequence[tuple[str, str]], texts: Sequence[str]) -> np.ndarray:
    """For each of ``texts``, the share of ``pairs`` it writes together: the first word, at most
    :data:`BETWEEN` characters (a particle, an ending), spaces, then the second. A pair weighs its
    length and how few of the texts write it (``log((n + 1) / (found + 0.5))``): a phrase every
    passage holds tells none apart."""
    if not pairs or not texts:
        return np.zeros(len(texts), dtype=np.float32)
    lowered = [(a.lower(), b.lower()) for a, b in pairs]
    found = np.array([[together(text, a, b) for a, b in lowered] for text in map(str.lower, texts)], dtype=np.float32)
    n = len(texts)
    weights = np.array(
        [
            (len(a) + len(b)) * math.log((n + 1) / (count + 0.5))
            for (a, b), count in zip(pairs, found.sum(0), strict=True)
        ],
        dtype=np.float32,
    )
    total = float(weights.sum())
    # summed as elements, not by a matrix product: a BLAS kernel over so few, oddly sized rows may read
    # past them and raise a spurious "invalid value encountered in matmul" (seen on AVX-512)
    return (found * weights).sum(axis=1) / total if total > 0 else np.zeros(n, dtype=np.float32)


def together(text: str, a: str, b: str) -> bool:
    """Whether ``text`` writes ``a``, at most :data:`BETWEEN` characters that are no spaces, spaces,
    then ``b`` ("시위를 주도" for 시위, 주도); a scan, not a regular expression (the pairs differ with
    every question, and compiling their patterns cost more than the search)."""
    if b not in text:
        return False
    at = text.find(a)
    while at >= 0:
        i = at + len(a)
        run = 0  # characters that are no spaces after a
        while not text.startswith(b, i) and i < len(text) and not text[i].isspace() and run < BETWEEN:
            i, run = i + 1, run + 1
        if text.startswith(b, i):
            return True
        if i < len(text) and text[i].isspace():
            while i < len(text) and text[i].isspace():
                i += 1
            if text.startswith(b, i):
                return True
        at = text.find(a, at + 1)
    return False
