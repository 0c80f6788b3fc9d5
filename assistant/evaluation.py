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

import json
import math
import re
import time
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, cast

from assistant.errors import ConfigError, EvalDataError, InvalidQuestionError

if TYPE_CHECKING:
    from assistant.engine import Engine
    from assistant.index import Index
    from assistant.retrieval import Mode

#: Passages asked for per question (at least; more when ``top_k`` is larger), and the k of MRR@k and nDCG@k.
DEPTH = 10
#: The k of the R@k figures (the recall curve covers every k from 1 to ``DEPTH``).
RECALL_KS = (1, 5, 10)
#: A passage matches the expected text when they overlap over this share of the shorter one.
PASSAGE_SHARE = 0.5

FORMAT_HINT = (
    'Expected one JSON object per line, e.g. {"question": "...", "doc": "file.txt"}, '
    "or a KorQuAD 1.0 JSON file; see docs/eval.md."
)


@dataclass(frozen=True)
class Span:
    """A character span ``[start, end)`` of a document's text (offsets as in citations)."""

    doc: str
    start: int
    end: int


@dataclass(frozen=True)
class EvalQuestion:
    """A question and what counts as relevant for it (nothing when it is not answerable)."""

    question: str
    id: str
    docs: tuple[str, ...] = ()
    passage: str | None = None
    spans: tuple[Span, ...] = ()
    answerable: bool = True
    where: str = field(default="", compare=False)

    @property
    def judged_by(self) -> str:
        """``doc``, ``passage``, ``spans``, or ``none`` for an unanswerable question."""
        if self.spans:
            return "spans"
        if self.passage is not None:
            return "passage"
        return "doc" if self.docs else "none"


# ---------------------------------------------------------------------------
# Reading questions


def load_questions(path: Path, limit: int | None = None) -> list[EvalQuestion]:
    """The questions of a JSON Lines or KorQuAD 1.0 file, the first ``limit`` of them if given.

    Raises :class:`EvalDataError` naming the file (and line) of anything unusable.
    """
    if limit is not None and limit < 1:
        raise ConfigError(f"limit must be at least 1, not {limit}")
    try:
        text = path.read_text("utf-8").removeprefix("\ufeff")
    except FileNotFoundError:
        raise EvalDataError(str(path), "no such file", hint=FORMAT_HINT) from None
    except UnicodeDecodeError:
        raise EvalDataError(str(path), "not UTF-8 text", hint=FORMAT_HINT) from None
    except OSError as exc:
        raise EvalDataError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    squad = _squad_data(text)
    questions = _from_squad(squad, str(path)) if squad is not None else _from_jsonl(text, str(path))
    if not questions:
        raise EvalDataError(str(path), "holds no questions", hint=FORMAT_HINT)
    return questions[:limit] if limit is not None else questions


def _from_jsonl(text: str, path: str) -> list[EvalQuestion]:
    questions = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}, line {n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalDataError(where, f"not valid JSON ({exc.msg}, column {exc.colno})", hint=FORMAT_HINT) from None
        questions.append(parse_entry(obj, where, default_id=str(n)))
    return questions


def parse_entry(obj: Any, where: str, *, default_id: str) -> EvalQuestion:
    """One question object of a JSON Lines file (``where`` names it in errors)."""
    if not isinstance(obj, dict):
        raise EvalDataError(where, "expected a JSON object", hint=FORMAT_HINT)
    question = obj.get("question")
    if not isinstance(question, str) or not question.strip():
        raise EvalDataError(where, 'needs a non-empty "question" string', hint=FORMAT_HINT)
    answerable = obj.get("answerable", True)
    if not isinstance(answerable, bool):
        raise EvalDataError(where, '"answerable" must be true or false')
    qid = obj.get("id", default_id)
    if isinstance(qid, bool) or not isinstance(qid, str | int):
        raise EvalDataError(where, '"id" must be a string or a number')
    docs, passage, spans = _docs(obj, where), _passage(obj, where), _spans(obj, where)
    given = [name for name, value in (('"doc"/"docs"', docs), ('"passage"', passage), ('"spans"', spans)) if value]
    if len(given) > 1:
        raise EvalDataError(where, f"give one of {', '.join(given)}, not several")
    if answerable and not given:
        raise EvalDataError(
            where,
            'say what is relevant with "doc", "docs", "passage" or "spans", or mark the question "answerable": false',
            hint=FORMAT_HINT,
        )
    if not answerable and given:
        raise EvalDataError(where, f'an "answerable": false question has nothing relevant; drop {given[0]}')
    return EvalQuestion(question.strip(), str(qid), docs, passage, spans, answerable, where)


def _docs(obj: Mapping[str, Any], where: str) -> tuple[str, ...]:
    docs: list[Any] = []
    if "doc" in obj:
        docs.append(obj["doc"])
    if "docs" in obj:
        if not isinstance(obj["docs"], list) or not obj["docs"]:
            raise EvalDataError(where, '"docs" must be a non-empty list of document names')
        docs += obj["docs"]
    if not all(isinstance(d, str) and d.strip() for d in docs):
        raise EvalDataError(where, "a document is named by a non-empty string (doc id, file path or title)")
    return tuple(dict.fromkeys(d.strip() for d in docs))


def _passage(obj: Mapping[str, Any], where: str) -> str | None:
    passage = obj.get("passage")
    if passage is None:
        return None
    if not isinstance(passage, str) or not normalize(passage):
        raise EvalDataError(where, '"passage" must be a non-empty string (the expected passage text)')
    return passage


def _spans(obj: Mapping[str, Any], where: str) -> tuple[Span, ...]:
    spans = obj.get("spans")
    if spans is None:
        return ()
    if not isinstance(spans, list) or not spans:
        raise EvalDataError(where, '"spans" must be a non-empty list of {"doc", "start", "end"} objects')
    out = []
    for i, span in enumerate(spans):
        doc, start, end = (span.get(key) for key in ("doc", "start", "end")) if isinstance(span, dict) else (None,) * 3
        if not isinstance(doc, str) or not doc.strip() or not _is_int(start) or not _is_int(end):
            raise EvalDataError(where, f'spans[{i}] needs "doc" (a string), "start" and "end" (integers)')
        if not 0 <= start < end:
            raise EvalDataError(where, f"spans[{i}] needs 0 <= start < end, got start {start}, end {end}")
        out.append(Span(doc.strip(), start, end))
    return tuple(out)


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _squad_data(text: str) -> dict[str, Any] | None:
    """The parsed file when it is one SQuAD-style JSON document (``{"data": [...]}``)."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None  # JSON Lines, or broken: the line-by-line reading says where
    return data if isinstance(data, dict) and "data" in data else None


def _from_squad(data: Mapping[str, Any], path: str) -> list[EvalQuestion]:
    """KorQuAD 1.0 questions; each one's relevant passage is its paragraph.

    SQuAD 2.0's ``"is_impossible": true`` questions are read as not answerable.
    """
    articles = data["data"]
    if not isinstance(articles, list):
        raise EvalDataError(path, '"data" must be a list of articles (KorQuAD 1.0 format)', hint=FORMAT_HINT)
    questions = []
    for a, article in enumerate(articles, 1):
        paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
        if not isinstance(paragraphs, list):
            raise EvalDataError(f"{path}, article {a}", 'needs a "paragraphs" list', hint=FORMAT_HINT)
        for p, para in enumerate(paragraphs, 1):
            where = f"{path}, article {a}, paragraph {p}"
            context = para.get("context") if isinstance(para, dict) else None
            qas = para.get("qas") if isinstance(para, dict) else None
            if not isinstance(context, str) or not normalize(context) or not isinstance(qas, list):
                raise EvalDataError(where, 'needs a "context" string and a "qas" list', hint=FORMAT_HINT)
            for n, qa in enumerate(qas, 1):
                question = qa.get("question") if isinstance(qa, dict) else None
                if not isinstance(question, str) or not question.strip():
                    raise EvalDataError(f"{where}, question {n}", 'needs a non-empty "question" string')
                impossible = qa.get("is_impossible") is True
                questions.append(
                    EvalQuestion(
                        question.strip(),
                        str(qa.get("id", f"{a}-{p}-{n}")),
                        passage=None if impossible else context,
                        answerable=not impossible,
                        where=f"{where}, question {n}",
                    )
                )
    return questions


# ---------------------------------------------------------------------------
# Relevance


def normalize(text: str) -> str:
    """NFC, every run of whitespace as one space, no space at either end."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


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
                question.where or f"question {question.id}",
                f"{value!r} names no indexed document (by doc id, path or title)",
                hint="`assistant info` lists the indexed documents.",
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

    from assistant.retrieval import MODES

    modes = list(dict.fromkeys(modes))
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise ConfigError(f"unknown retrieval mode {', '.join(unknown) or '(none)'}; choose from {', '.join(MODES)}")
    if not questions:
        raise ConfigError("no questions to evaluate")
    index = engine.index
    resolver = DocResolver.of(index)
    judges = [judge_for(q, resolver) for q in questions]
    for q in questions:
        try:
            engine.validate(q.question)
        except InvalidQuestionError as exc:
            raise EvalDataError(q.where or f"question {q.id}", exc.message) from None
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
        ranked = [Retrieved(c.chunk_id, c.doc_id, c.start, c.end, c.passage) for c in answer.citations]
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
