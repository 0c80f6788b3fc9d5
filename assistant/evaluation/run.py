"""Retrieval quality on the user's own questions: recall, MRR, nDCG, abstention and latency.

Questions come as JSON Lines (one object per line, see docs/eval.md) or as a KorQuAD 1.0
(SQuAD-style) JSON file. Each one is asked the way a user asks it — :meth:`Engine.ask`, one
question at a time, with ``k = 10`` passages — and the passages of the answer are judged
against what the question says is relevant:

* ``doc``/``docs``: any passage of that document (named by doc id, end of path or title);
* ``passage``: a passage whose text overlaps the expected text over at least half of the
  shorter of the two, after whitespace normalization;
* ``spans``: a passage of the span's document whose ``[start, end)`` overlaps the span.

Ranks count distinct units, as ``bench/korquad.py`` counts each paragraph once: passages
that match the same relevant document, passage or span count once, and so does each
other document (doc questions) or other passage (passage and span questions).
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from assistant.errors import ConfigError, EvalDataError, InvalidQuestionError
from assistant.evaluation.questions import EvalQuestion, Span, load_questions, normalize

__all__ = ["EvalQuestion", "EvalReport", "Span", "evaluate", "load_questions"]

if TYPE_CHECKING:
    from assistant.answer.engine import Engine
    from assistant.options import Mode
    from assistant.store.index import Index

#: Passages asked for per question (at least; more when ``top_k`` is larger), and the k of MRR@k and nDCG@k.
DEPTH = 10
#: The k of the R@k figures (the recall curve covers every k from 1 to ``DEPTH``).
RECALL_KS = (1, 5, 10)
#: A passage matches the expected text when they overlap over this share of the shorter one.
PASSAGE_SHARE = 0.5

# ---------------------------------------------------------------------------
# Relevance


def passage_matches(chunk: str, passage: str, share: float = PASSAGE_SHARE) -> bool:
    """Whether a retrieved chunk holds the expected passage text, or enough of it.

    After :func:`normalize`, the two must overlap over at least ``share`` of the shorter
    one: one contains the other, or the end of one is the start of the other (the passage
    runs across a chunk boundary).
    """
    c, p = normalize(chunk), normalize(passage)
    if not c or not p:
        return False
    if c in p or p in c:
        return True
    need = max(1, math.ceil(share * min(len(c), len(p))))
    return _end_meets_start(c, p, need) or _end_meets_start(p, c, need)


def _end_meets_start(a: str, b: str, need: int) -> bool:
    """Whether a suffix of ``a`` of at least ``need`` characters is a prefix of ``b``."""
    head = b[:need]
    i = a.find(head)
    while i != -1:
        if b.startswith(a[i:]):
            return True
        i = a.find(head, i + 1)
    return False


@dataclass(frozen=True)
class Retrieved:
    """A ranked passage of an answer, with what relevance is judged on."""

    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str


class DocResolver:
    """Which indexed documents a ``doc`` value names: doc id, end of path, or title.

    A value matches a document whose doc id or path equals it or ends with ``/`` + it, or
    whose title equals it (after NFC; ``\\`` counts as ``/``).
    """

    def __init__(self, titles: Mapping[str, str], paths: Callable[[], Mapping[str, str]]) -> None:
        self._titles = {doc_id: _name(title) for doc_id, title in titles.items()}
        self._load_paths = paths
        self._paths: dict[str, str] | None = None

    @classmethod
    def of(cls, index: Index) -> DocResolver:
        return cls(index.titles, lambda: {d.doc_id: d.path for d in index.store.documents()})

    def resolve(self, value: str) -> frozenset[str]:
        name = _name(value).removeprefix("./")
        found = {d for d, title in self._titles.items() if _names(_name(d), name) or title == name}
        if not found:  # paths are read only when needed: reading them loads every document's text
            if self._paths is None:
                self._paths = {doc_id: _name(path) for doc_id, path in self._load_paths().items()}
            found = {d for d, path in self._paths.items() if _names(path, name)}
        return frozenset(found)


def _name(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip().replace("\\", "/")


def _names(path: str, name: str) -> bool:
    return path == name or path.endswith("/" + name)


@dataclass(frozen=True)
class Judge:
    """What is relevant for one question, with its documents resolved to doc ids.

    ``units`` are its relevant documents (doc questions) or spans, or the one passage;
    each is counted once in the ranking however many chunks match it.
    """

    kind: str
    docs: tuple[frozenset[str], ...] = ()
    passage: str = ""
    spans: tuple[tuple[frozenset[str], int, int], ...] = ()

    @property
    def n_relevant(self) -> int:
        if self.kind == "passage":
            return 1
        return len(self.spans) if self.kind == "spans" else len(self.docs)

    def units(self, hit: Retrieved) -> frozenset[int]:
        """The relevant units this passage matches (none: not relevant)."""
        if self.kind == "doc":
            return frozenset(i for i, ids in enumerate(self.docs) if hit.doc_id in ids)
        if self.kind == "spans":
            return frozenset(
                i for i, (ids, s, e) in enumerate(self.spans) if hit.doc_id in ids and hit.start < e and s < hit.end
            )
        if self.kind == "passage" and passage_matches(hit.text, self.passage):
            return frozenset({0})
        return frozenset()

    def flags(self, hits: Sequence[Retrieved]) -> list[bool]:
        """Relevance of the distinct units of the ranked passages, best first."""
        others = [h.doc_id if self.kind == "doc" else h.chunk_id for h in hits]
        return rank_units([self.units(h) for h in hits], others)


def judge_for(question: EvalQuestion, resolver: DocResolver) -> Judge:
    """The question's :class:`Judge`; a document name that matches nothing indexed is an error."""

    def resolve(value: str) -> frozenset[str]:
        ids = resolver.resolve(value)
        if not ids:
            raise EvalDataError(
                question.where or f"질문 {question.id}",
                f"{value!r}에 해당하는 색인된 문서가 없습니다(doc id, 경로, 제목으로 찾음).",
                hint="색인된 문서는 `assistant info`로 볼 수 있습니다.",
            )
        return ids

    kind = question.judged_by
    if kind == "doc":
        return Judge(kind, docs=tuple(dict.fromkeys(resolve(d) for d in question.docs)))
    if kind == "spans":
        return Judge(kind, spans=tuple((resolve(s.doc), s.start, s.end) for s in question.spans))
    return Judge(kind, passage=question.passage or "")


# ---------------------------------------------------------------------------
# Metrics (pure functions of the relevance flags of a ranking)


def rank_units(matches: Sequence[Collection[int]], others: Sequence[str]) -> list[bool]:
    """Collapse ranked passages into distinct units; True where the unit is relevant.

    ``matches[i]`` are the relevant units passage i matches; a passage matching none
    counts as the unit ``others[i]``. A passage whose relevant units all ranked already,
    or whose other unit did, is skipped.
    """
    seen_units: set[int] = set()
    seen_others: set[str] = set()
    flags = []
    for units, other in zip(matches, others, strict=True):
        if units:
            if not seen_units.issuperset(units):
                seen_units.update(units)
                flags.append(True)
        elif other not in seen_others:
            seen_others.add(other)
            flags.append(False)
    return flags


def first_rank(flags: Sequence[bool]) -> int | None:
    """Rank (from 1) of the first relevant unit, None when there is none."""
    return next((i for i, relevant in enumerate(flags, 1) if relevant), None)


def hit_at(flags: Sequence[bool], k: int) -> bool:
    """Whether a relevant unit is among the first k."""
    return any(flags[:k])


def reciprocal_rank(flags: Sequence[bool], k: int = DEPTH) -> float:
    """1 / rank of the first relevant unit within the first k, else 0."""
    rank = first_rank(flags[:k])
    return 1.0 / rank if rank else 0.0


def ndcg(flags: Sequence[bool], n_relevant: int, k: int = DEPTH) -> float:
    """nDCG@k with binary gains: Σ 1/log2(rank + 1) over relevant ranks, over the ideal."""
    dcg = sum(1.0 / math.log2(rank + 1) for rank, relevant in enumerate(flags[:k], 1) if relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(n_relevant, k) + 1))
    return dcg / ideal if ideal else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), interpolating linearly between the closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True)
class Abstention:
    """Abstention as a classifier whose positive class is "should abstain"."""

    abstained: int
    unanswerable: int
    correct: int

    @property
    def precision(self) -> float | None:
        """Of the questions abstained on, the share that were unanswerable (None if none)."""
        return self.correct / self.abstained if self.abstained else None

    @property
    def recall(self) -> float | None:
        """Of the unanswerable questions, the share abstained on (None if none)."""
        return self.correct / self.unanswerable if self.unanswerable else None


def abstention(abstained: Sequence[bool], answerable: Sequence[bool]) -> Abstention:
    pairs = list(zip(abstained, answerable, strict=True))
    return Abstention(
        abstained=sum(a for a, _ in pairs),
        unanswerable=sum(not ok for _, ok in pairs),
        correct=sum(a and not ok for a, ok in pairs),
    )


# ---------------------------------------------------------------------------
# Running


@dataclass(frozen=True)
class QuestionResult:
    """One question in one mode: the ranking as judged, the abstention, the time."""

    flags: tuple[bool, ...]
    n_relevant: int
    abstained: bool
    ms: float
    chunks: tuple[str, ...]

    @property
    def rank(self) -> int | None:
        return first_rank(self.flags)


@dataclass
class EvalReport:
    """Results of :func:`evaluate`: per mode, one :class:`QuestionResult` per question."""

    questions: list[EvalQuestion]
    results: dict[str, list[QuestionResult]]
    index: dict[str, Any]
    depth: int = DEPTH
    abstain: bool = True

    @property
    def modes(self) -> list[str]:
        return list(self.results)

    def summary(self, mode: str) -> dict[str, Any]:
        """Metrics, recall curve, abstention and latency of one mode (JSON-ready)."""
        results = self.results[mode]
        judged = [r for q, r in zip(self.questions, results, strict=True) if q.answerable]
        scores = abstention([r.abstained for r in results], [q.answerable for q in self.questions])
        curve = [_mean([hit_at(r.flags, k) for r in judged]) for k in range(1, DEPTH + 1)]
        metrics = {f"R@{k}": curve[k - 1] for k in RECALL_KS}
        metrics[f"MRR@{DEPTH}"] = _mean([reciprocal_rank(r.flags) for r in judged])
        metrics[f"nDCG@{DEPTH}"] = _mean([ndcg(r.flags, r.n_relevant) for r in judged])
        ms = [r.ms for r in results]
        return {
            "metrics": {k: _round(v) for k, v in metrics.items()},
            "recall_curve": [_round(v) for v in curve],
            "abstention": {
                "precision": _round(scores.precision),
                "recall": _round(scores.recall),
                "abstained": scores.abstained,
                "unanswerable": scores.unanswerable,
                "abstained_unanswerable": scores.correct,
            },
            "latency_ms": {
                "p50": round(percentile(ms, 50), 2),
                "p95": round(percentile(ms, 95), 2),
                "mean": round(sum(ms) / len(ms), 2),
                "max": round(max(ms), 2),
            },
        }

    def to_dict(self, details: bool = False) -> dict[str, Any]:
        """The report as JSON-ready data; ``details`` adds every question's result per mode."""
        kinds = [q.judged_by for q in self.questions]
        out: dict[str, Any] = {
            "index": self.index,
            "depth": self.depth,
            "abstain": self.abstain,
            "questions": {
                "total": len(self.questions),
                "answerable": sum(q.answerable for q in self.questions),
                "unanswerable": sum(not q.answerable for q in self.questions),
                "judged_by": {kind: kinds.count(kind) for kind in ("doc", "passage", "spans") if kind in kinds},
            },
            "modes": {mode: self.summary(mode) for mode in self.modes},
        }
        if details:
            out["results"] = [self._detail(i) for i in range(len(self.questions))]
        return out

    def _detail(self, i: int) -> dict[str, Any]:
        q = self.questions[i]
        per_mode = {}
        for mode, results in self.results.items():
            r = results[i]
            per_mode[mode] = {
                "rank": r.rank,
                "abstained": r.abstained,
                "ms": round(r.ms, 2),
                "chunks": list(r.chunks),
            }
        return {
            "id": q.id,
            "question": q.question,
            "answerable": q.answerable,
            "judged_by": q.judged_by,
            "modes": per_mode,
        }


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def evaluate(
    engine: Engine, questions: Sequence[EvalQuestion], modes: Sequence[str] = ("hybrid",), progress: bool = False
) -> EvalReport:
    """Ask every question in every mode, one at a time as a user would, and judge the answers.

    The index, model and analyzer load (and one untimed question per mode runs) before any
    time is taken. Raises :class:`EvalDataError` for a question the engine refuses or a
    document name that matches nothing indexed, before anything is asked.
    """
    from tqdm import tqdm

    from assistant.options import MODES

    modes = list(dict.fromkeys(modes))
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise ConfigError(
            f"알 수 없는 검색 방식 {', '.join(unknown) or '(없음)'}입니다. 다음 중 고르세요: {', '.join(MODES)}"
        )
    if not questions:
        raise ConfigError("잴 질문이 없습니다.")
    index = engine.index
    resolver = DocResolver.of(index)
    judges = [judge_for(q, resolver) for q in questions]
    for q in questions:
        try:
            engine.validate(q.question)
        except InvalidQuestionError as exc:
            raise EvalDataError(q.where or f"질문 {q.id}", exc.message) from None
    engine.preload()
    depth = max(DEPTH, engine.settings.top_k)
    results: dict[str, list[QuestionResult]] = {}
    with tqdm(total=len(questions) * len(modes), unit="q", disable=not progress, leave=False) as bar:
        for mode in modes:
            bar.set_description(mode)
            engine.ask(questions[0].question, depth, mode=cast("Mode", mode))  # warm-up, untimed
            results[mode] = []
            for q, judge in zip(questions, judges, strict=True):
                results[mode].append(ask_one(engine, q.question, judge, cast("Mode", mode), depth))
                bar.update()
    return EvalReport(list(questions), results, index_info(engine), depth, engine.settings.abstain)


def ask_one(engine: Engine, question: str, judge: Judge, mode: Mode, depth: int) -> QuestionResult:
    """Ask one question and judge the answer's passages.

    The time is that of :meth:`Engine.ask` (embedding, search, abstention, summary). An
    abstained answer cites nothing, so its ranking comes from the same search run again,
    untimed: retrieval is measured apart from the abstention decision.
    """
    started = time.perf_counter()
    answer = engine.ask(question, depth, mode=mode)
    ms = (time.perf_counter() - started) * 1e3
    if answer.abstained:
        hits = engine.retriever.search(answer.query, depth, mode=mode).hits
        ranked = [Retrieved(h.chunk.chunk_id, h.chunk.doc_id, h.chunk.start, h.chunk.end, h.chunk.text) for h in hits]
    else:
        by_rank = sorted(answer.citations, key=lambda c: c.rank)
        ranked = [Retrieved(c.chunk_id, c.doc_id, c.start, c.end, c.passage) for c in by_rank]
    flags = judge.flags(ranked)
    return QuestionResult(tuple(flags), judge.n_relevant, answer.abstained, ms, tuple(r.chunk_id for r in ranked))


def index_info(engine: Engine) -> dict[str, Any]:
    """Which index and model were measured."""
    index = engine.index
    m = index.manifest
    return {
        "index_dir": str(engine.settings.index_dir),
        "version": index.folder.name,
        "model": m.model,
        "documents": m.n_documents,
        "chunks": m.n_chunks,
    }
