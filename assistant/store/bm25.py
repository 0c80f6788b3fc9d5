"""BM25 over Korean content morphemes, as a sparse matrix of precomputed term weights.

Scoring a query is a column sum over the query's terms (the approach of bm25s).
"""

from __future__ import annotations

import functools
import json
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from assistant.errors import IndexCorruptError


class BM25:
    """Okapi BM25 (Lucene's idf) with parameters ``k1`` and ``b``.

    The defaults (k1 0.9, b 0.4) were chosen on KorQuAD dev and hold on the other development
    collections: chosen on the others, k1 and b do worse on the held-out one on average (MRR@10;
    ``python -m bench.bm25_params``, in docs/benchmarks.md).
    """

    def __init__(self, k1: float = 0.9, b: float = 0.4) -> None:
        self.k1 = k1
        self.b = b
        self.vocab: dict[str, int] = {}
        self.idf = np.zeros(0, dtype=np.float32)
        #: Documents × terms, column-major (see :func:`_column_major`): a term's rows and
        #: weights lie together, its rows sorted.
        self.weights = sparse.csc_matrix((0, 0), dtype=np.float32)

    @property
    def n_docs(self) -> int:
        return int(self.weights.shape[0])

    @functools.cached_property
    def typical_idf(self) -> float:
        """The median idf of the vocabulary: how much a term the index does not know is worth."""
        return float(np.median(self.idf)) if len(self.idf) else 1.0

    def fit(self, docs: Iterable[Sequence[str]]) -> BM25:
        """Index documents given as lists of terms; row i of the matrix is document i."""
        counts = BM25Counts()
        for terms in docs:
            counts.add(terms)
        return counts.fit(self)

    def scores(self, query_terms: Sequence[str], extra: Sequence[str] = (), extra_weight: float = 0.0) -> np.ndarray:
        """BM25 score of every document for the query (zeros where no term matches); the
        ``extra`` terms (words added to the query) count ``extra_weight`` each."""
        times: dict[int, float] = {}
        for t, w in [*((t, 1.0) for t in query_terms), *((t, extra_weight) for t in extra if extra_weight)]:
            if t in self.vocab:
                times[self.vocab[t]] = times.get(self.vocab[t], 0.0) + w
        if not times or self.n_docs == 0:
            return np.zeros(self.n_docs, dtype=np.float32)
        out = np.zeros(self.n_docs, dtype=np.float32)
        m = self.weights
        for col, n in times.items():
            a, b = m.indptr[col], m.indptr[col + 1]
            out[m.indices[a:b]] += m.data[a:b] * np.float32(n)
        return out

    def present(self, rows: Sequence[int], terms: Sequence[str]) -> np.ndarray:
        """Whether each term occurs in at least one of the documents ``rows``."""
        out = np.zeros(len(terms), dtype=bool)
        m = self.weights
        wanted = np.asarray(rows)
        for i, term in enumerate(terms):
            col = self.vocab.get(term)
            if col is None:
                continue
            a, b = int(m.indptr[col]), int(m.indptr[col + 1])
            at = a + np.searchsorted(m.indices[a:b], wanted)  # a column's rows are sorted
            inside = at < b
            at = at[inside]
            found = m.indices[at] == wanted[inside]
            out[i] = bool((m.data[at[found]] > 0).any())
        return out

    def max_idf(self, query_terms: Sequence[str]) -> float:
        """Largest idf among the query terms found in the corpus (0 when none is)."""
        vals = [float(self.idf[self.vocab[t]]) for t in query_terms if t in self.vocab]
        return max(vals, default=0.0)

    def save(self, folder: Path, name: str = "bm25") -> None:
        sparse.save_npz(folder / f"{name}.npz", self.weights.tocsr())
        meta = {"k1": self.k1, "b": self.b, "vocab": list(self.vocab)}
        (folder / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        np.save(folder / f"{name}_idf.npy", self.idf)

    @staticmethod
    def files(name: str = "bm25") -> tuple[str, ...]:
        return (f"{name}.npz", f"{name}.json", f"{name}_idf.npy")

    @classmethod
    def load(cls, folder: Path, name: str = "bm25") -> BM25:
        try:
            meta = json.loads((folder / f"{name}.json").read_text("utf-8"))
            index = cls(meta["k1"], meta["b"])
            index.vocab = {t: i for i, t in enumerate(meta["vocab"])}
            index.weights = _column_major(sparse.load_npz(folder / f"{name}.npz"))
            index.idf = np.load(folder / f"{name}_idf.npy")
        except Exception as exc:
            raise IndexCorruptError(f"{folder}의 BM25 파일을 읽을 수 없습니다({exc}).") from exc
        return index


class BM25Counts:
    """Term counts gathered one document at a time, turned into a :class:`BM25` at the end.

    Holds what the final sparse matrix holds (a term id and a count per distinct term of a
    document) and the vocabulary, so memory grows only as the index itself does.
    """

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self._indptr = array("q", [0])
        self._cols = array("i")
        self._tfs = array("f")
        self._lengths = array("i")

    def __len__(self) -> int:
        return len(self._lengths)

    def add(self, terms: Sequence[str]) -> None:
        vocab = self.vocab
        for term, tf in Counter(terms).items():
            j = vocab.get(term)
            if j is None:
                j = vocab[term] = len(vocab)
            self._cols.append(j)
            self._tfs.append(tf)
        self._indptr.append(len(self._cols))
        self._lengths.append(len(terms))

    def fit(self, bm: BM25) -> BM25:
        """Fill ``bm`` (its k1 and b) with the weights of the documents added so far."""
        n, n_terms = len(self._lengths), len(self.vocab)
        cols = np.frombuffer(self._cols, dtype=np.int32)
        tfs = np.frombuffer(self._tfs, dtype=np.float32)
        indptr = np.frombuffer(self._indptr, dtype=np.int64)
        lengths = np.frombuffer(self._lengths, dtype=np.int32).astype(np.float32)
        df = np.bincount(cols, minlength=n_terms).astype(np.float64)
        bm.idf = np.log(1.0 + (max(n, 1) - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = float(lengths.mean()) if n and lengths.mean() > 0 else 1.0
        norm = bm.k1 * (1 - bm.b + bm.b * lengths / avg)
        row_norm = np.repeat(norm, np.diff(indptr))
        vals = bm.idf[cols] * tfs * (bm.k1 + 1) / (tfs + row_norm)
        matrix = sparse.csr_matrix((vals.astype(np.float32), cols, indptr), shape=(n, n_terms))
        bm.vocab = self.vocab
        bm.weights = _column_major(matrix)
        return bm


def _column_major(matrix: sparse.spmatrix) -> sparse.csc_matrix:
    """The weights as :class:`BM25` reads them: by term column, each column's rows sorted."""
    out = matrix.tocsc()
    out.sort_indices()
    return out


def split_unknown(terms: Sequence[str], vocab: Mapping[str, int]) -> list[str]:
    """Split query terms the corpus does not know into pieces it does.

    Kiwi sometimes leaves a particle or a second noun glued to an unfamiliar word
    ("얼라이언스란", "데이터인프라"); a greedy longest match against the index vocabulary
    recovers "얼라이언스" or "데이터" + "인프라". A term is split only when the pieces
    cover all of it but at most one trailing character.
    """
    out: list[str] = []
    for term in terms:
        pieces = [] if term in vocab else _greedy_pieces(term, vocab)
        out.extend(pieces or [term])
    return out


def join_known(terms: Sequence[str], vocab: Mapping[str, int]) -> list[str]:
    """Query terms with two in a row that the corpus knows as one word added after them, when it
    does not know one of the two: Kiwi may read a compound whole in the documents ("재택근무는 …")
    and in pieces in a question ("재택근무가능한가요" → 재택, 근무, 가능), where 재택 alone finds nothing."""
    out: list[str] = []
    i = 0
    while i < len(terms):
        a, b = terms[i], terms[i + 1] if i + 1 < len(terms) else ""
        if b and a + b in vocab and (a not in vocab or b not in vocab) and a + b not in terms:
            out += [a, b, a + b]
            i += 2
        else:
            out.append(a)
            i += 1
    return out


def _greedy_pieces(term: str, vocab: Mapping[str, int]) -> list[str]:
    pieces, i = [], 0
    while i < len(term):
        j = next((j for j in range(len(term), i + 1, -1) if term[i:j] in vocab), None)
        if j is None:
            break
        pieces.append(term[i:j])
        i = j
    return pieces if pieces and len(term) - i <= 1 else []
