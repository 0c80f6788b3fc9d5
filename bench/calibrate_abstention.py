"""Fit the abstention rule on labelled questions and write docs/abstention.md.

    python -m bench.calibrate_abstention

Data (label 1 = the index answers it, 0 = it does not):
- over the default corpus (corpus/): the questions of bench/data/corpus_questions.jsonl (1);
  bench/data/offtopic_questions.txt and a fixed sample of KorQuAD questions (0);
- over the KorQuAD dev index: another fixed sample of KorQuAD questions (1);
  the off-topic list and the corpus questions, which Wikipedia paragraphs do not answer (0).

Features per question: cosine of the best passage, and the share of the question's topic
terms found in the top 3 passages. A logistic regression (balanced classes) is fitted on
all of it; 5-fold cross-validation gives the figures reported.
"""

from __future__ import annotations

import json
import random

import numpy as np

from assistant.answer.engine import Engine
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer
from bench.common import CACHE, KORQUAD, ROOT, CachedQueryEmbedder, load_korquad

DATA = ROOT / "bench" / "data"


def corpus_questions() -> list[str]:
    lines = (DATA / "corpus_questions.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def offtopic_questions() -> list[str]:
    return [q for q in (DATA / "offtopic_questions.txt").read_text("utf-8").splitlines() if q.strip()]


def features(engine: Engine, questions: list[str]) -> np.ndarray:
    rows = []
    for q in questions:
        r = engine.retriever.search(q, 3)
        rows.append([r.hits[0].dense if r.hits else 0.0, r.coverage])
    return np.array(rows, dtype=np.float64)


def engines(analyzer: KoreanAnalyzer) -> tuple[Engine, Engine]:
    corpus_settings = Settings(index_dir=CACHE / "corpus-index", corpus_dir=ROOT / "corpus", abstain=False)
    base = Engine(corpus_settings, analyzer=analyzer)
    cached = CachedQueryEmbedder(base.embedder, CACHE / f"calibration-queries-{base.embedder.model_id}.npz")
    corpus = Engine(corpus_settings, embedder=cached, analyzer=analyzer)
    corpus.build_index()
    korquad = Engine(Settings(index_dir=CACHE / "korquad-index", abstain=False), embedder=cached, analyzer=analyzer)
    return corpus, korquad


def dataset(corpus: Engine, korquad: Engine) -> tuple[np.ndarray, np.ndarray, list[str]]:
    _, kq = load_korquad(KORQUAD)
    rng = random.Random(13)
    sample = rng.sample([q.text for q in kq], 600)
    kq_on, kq_off = sample[:300], sample[300:]
    groups = [
        (corpus, corpus_questions(), 1, "corpus: on-topic"),
        (corpus, offtopic_questions(), 0, "corpus: off-topic list"),
        (corpus, kq_off, 0, "corpus: KorQuAD questions"),
        (korquad, kq_on, 1, "KorQuAD: its own questions"),
        (korquad, offtopic_questions(), 0, "KorQuAD: off-topic list"),
        (korquad, corpus_questions(), 0, "KorQuAD: corpus questions"),
    ]
    xs, ys, names = [], [], []
    for engine, qs, label, name in groups:
        engine.embedder.warm(qs)  # type: ignore[attr-defined]
        x = features(engine, qs)
        xs.append(x)
        ys.append(np.full(len(qs), label))
        names += [name] * len(qs)
    return np.vstack(xs), np.concatenate(ys), names


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    corpus, korquad = engines(KoreanAnalyzer())
    x, y, names = dataset(corpus, korquad)
    model = LogisticRegression(class_weight="balanced", C=10.0, max_iter=1000)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    predicted = cross_val_predict(model, x, y, cv=folds)
    model.fit(x, y)
    report = summarize(x, y, names, predicted, model)
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "abstention.md").write_text(report, "utf-8")
    print(report)


def summarize(x: np.ndarray, y: np.ndarray, names: list[str], predicted: np.ndarray, model: object) -> str:
    coef = model.coef_[0]  # type: ignore[attr-defined]
    bias = float(model.intercept_[0])  # type: ignore[attr-defined]
    abstain_true = y == 0
    abstain_pred = predicted == 0
    tp = int((abstain_true & abstain_pred).sum())
    precision = tp / max(int(abstain_pred.sum()), 1)
    recall = tp / max(int(abstain_true.sum()), 1)
    lines = [
        "# Abstention: how the rule was calibrated",
        "",
        "Produced by `python -m bench.calibrate_abstention` (needs `../shared/data/korquad-v1`).",
        "",
        "The assistant abstains when `p = σ(bias + w_dense × cosine + w_cov × coverage)` is below 0.5, where",
        "`cosine` is the best passage's e5 cosine and `coverage` the share of the question's topic terms",
        "(content morphemes, question words removed) found in the top 3 passages.",
        "",
        f"Fitted: `bias = {bias:.3f}`, `w_dense = {coef[0]:.3f}`, `w_cov = {coef[1]:.3f}` "
        f"(logistic regression, balanced classes, {len(y)} questions).",
        "",
        f"5-fold cross-validated: abstention precision {precision:.3f}, recall {recall:.3f}, "
        f"accuracy {float((predicted == y).mean()):.3f}.",
        "",
        "| group | questions | label | mean cosine | mean coverage | answered (cross-validated) |",
        "|---|---|---|---|---|---|",
    ]
    for name in dict.fromkeys(names):
        m = np.array([n == name for n in names])
        lines.append(
            f"| {name} | {int(m.sum())} | {'answerable' if y[m][0] else 'not answerable'} | "
            f"{x[m, 0].mean():.3f} | {x[m, 1].mean():.3f} | {float((predicted[m] == 1).mean()):.3f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
