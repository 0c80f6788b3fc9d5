"""Shared pieces of the benchmarks: data loading, metrics, a query-vector cache."""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding.base import Embedder
from assistant.ingest.documents import Document

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ASSISTANT_SHARED_DIR", ROOT.parent / "shared"))
KORQUAD = SHARED / "data" / "korquad-v1" / "KorQuAD_v1.0_dev.json"
CACHE = ROOT / "bench" / ".cache"


@dataclass(frozen=True)
class Question:
    text: str
    doc_id: str
    answers: tuple[str, ...] = ()  #: gold answer texts, when the data set has them


def page_questions(name: str) -> list[dict[str, Any]]:
    """Every question of a help-page collection (``bench/data/<name>/questions.jsonl``: ``help``, ``gnome``, ``faq``)."""
    lines = (ROOT / "bench" / "data" / name / "questions.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def help_answered(name: str = "help") -> list[Question]:
    """The questions of a help-page collection that one sentence of their page answers, that
    sentence as the gold."""
    out = []
    for item in page_questions(name):
        if item.get("sentence"):
            docs = item.get("docs") or [item.get("doc", "")]
            out.append(Question(item["question"], docs[0], (item["sentence"],)))
    return out


#: Questions in English about the essays of ``corpus/``, each with phrases the sentence answering it contains.
ENGLISH_QUESTIONS = ROOT / "bench" / "data" / "essay_questions_en.jsonl"


def english_questions() -> list[Question]:
    """The English questions about the essays (``bench/data/essay_questions_en.jsonl``)."""
    out = []
    for line in ENGLISH_QUESTIONS.read_text("utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            out.append(Question(item["question"], item.get("doc", ""), tuple(item.get("answer", ()))))
    return out


def holds(text: str, golds: Iterable[str]) -> bool:
    """For golds that are whole sentences: the text holds one, or is a part of one of 15 characters
    or more (a summary shows a sentence without its leading connective, or trimmed); spaces ignored."""
    t = "".join(text.split())
    return any(g and (g in t or (len(t) >= 15 and t in g)) for g in ("".join(g.split()) for g in golds))


def require(path: Path) -> Path:
    """Exit with a clear message when a data set is missing (it is never copied into the repo)."""
    if not path.exists():
        sys.exit(f"skipped: {path} not found (the benchmark data lives in ../shared/data, outside the repo)")
    return path


def load_korquad(path: Path, *, titles: bool = True) -> tuple[list[Document], list[Question]]:
    """KorQuAD dev as documents (one per distinct paragraph) and question → paragraph pairs."""
    data = json.loads(require(path).read_text("utf-8"))
    docs: dict[str, Document] = {}
    questions: list[Question] = []
    for article in data["data"]:
        for para in article["paragraphs"]:
            text = para["context"]
            doc_id = "kq-" + hashlib.sha1(text.encode()).hexdigest()[:12]
            if doc_id not in docs:
                title = article["title"] if titles else ""
                docs[doc_id] = Document(doc_id, doc_id, title, text, fingerprint=doc_id)
            questions += [
                Question(qa["question"], doc_id, tuple(a["text"] for a in qa.get("answers", ()))) for qa in para["qas"]
            ]
    return list(docs.values()), questions


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    """p50 and p95 (nearest rank) of latencies in milliseconds, and how many there were."""
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2), "n": len(ordered)}


def ranks_metrics(ranked: Sequence[Sequence[str]], gold: Sequence[str]) -> dict[str, float]:
    """R@1, R@5, R@10 and MRR@10 of ranked doc ids against the gold doc of each query."""
    r1 = r5 = r10 = mrr = 0.0
    for docs, g in zip(ranked, gold, strict=True):
        top = list(docs[:10])
        if g in top:
            rank = top.index(g) + 1
            mrr += 1.0 / rank
            r1 += rank == 1
            r5 += rank <= 5
            r10 += 1
    n = max(len(gold), 1)
    return {"R@1": r1 / n, "R@5": r5 / n, "R@10": r10 / n, "MRR@10": mrr / n}


class CachedQueryEmbedder:
    """Wraps an embedder; query vectors are cached on disk so reruns skip the model."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.path = path
        self.model_id = inner.model_id
        self._cache: dict[str, np.ndarray] = {}
        if path.exists():
            data = np.load(path, allow_pickle=False)
            self._cache = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        self.hits = 0

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed(self, texts: Sequence[str], kind: str, *, progress: bool = False) -> np.ndarray:
        if kind != "query":
            return self.inner.embed(texts, kind, progress=progress)  # type: ignore[arg-type]
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vecs = self.inner.embed(missing, "query", progress=progress)
            self._cache.update(zip(missing, vecs, strict=True))
        return np.stack([self._cache[t] for t in texts])

    def warm(self, texts: Sequence[str]) -> None:
        """Embed all questions in batches once (faster than one by one)."""
        self.embed(list(texts), "query", progress=True)
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self._cache)
        np.savez(self.path, keys=np.array(keys), vectors=np.stack([self._cache[k] for k in keys]))
