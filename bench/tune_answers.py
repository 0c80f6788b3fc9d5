"""Choose the weights of the summary's sentence features on several collections, leave one out.

    python -m bench.tune_answers                  # writes bench/results/answer-weights.json
    python -m bench.tune_answers --korquad 1500   # KorQuAD questions sampled (default 1500)

The collections, each question with what the sentence that answers it contains:

- ``korquad``: KorQuAD 1.0 dev, its gold answer text (Wikipedia; questions reuse the passage's words);
- ``help``: the LibreOffice Korean help pages, questions in users' words, the sentence that answers
  (``bench/data/help/questions.jsonl``; ``python -m bench.help_corpus`` builds the pages);
- ``gnome``: the GNOME desktop user guide in Korean, the same kind of questions (``bench/data/gnome``);
- ``faq``: the Debian FAQ in Korean, the same kind of questions (``bench/data/faq``);
- ``essays``: the two essays of ``corpus/``, the first turns of ``bench/data/conversations.jsonl``
  and the English questions of ``bench/data/essay_questions_en.jsonl``, their answer phrases.

Each question is searched once by the real engine; its candidate sentences (the ones the summary
may show), their :data:`~assistant.answer.summarize.FEATURES` and whether each holds the answer
are kept. A weight vector's score on a collection is the share of questions whose best-scoring
candidate holds the answer (the first sentence a person reads). Weights are fitted by a listwise
logistic model (see :func:`tune`), each collection weighing the same; each collection is scored
with weights fitted on the others (leave one collection out), and the weights fitted on all of
them are the ones the product ships (``DEFAULT_WEIGHTS``).

With the shipped weights it also reports, for each share in :data:`VALUE_SHARES`, the lead accuracy
when a candidate giving the kind of value asked for leads instead of a best one that gives none if
it scores that share of the best's (``summarize.VALUE_LEADS``), and the leads that turns right and
wrong per collection.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant import Engine
from assistant.answer.summarize import DEFAULT_WEIGHTS, FEATURES, feature_rows, scorable, value_asked
from assistant.text.questions import question_form
from bench.collections import NAMES, PAGES, engines
from bench.common import KORQUAD, ROOT, english_questions, help_answered, holds, load_korquad, require

RESULTS = ROOT / "bench" / "results"
CONVERSATIONS = ROOT / "bench" / "data" / "conversations.jsonl"


#: The shipped weights, except that ``closest`` always reads the sentences' similarity to the question.
SAMPLING = replace(DEFAULT_WEIGHTS, closest=math.inf)


@dataclass(frozen=True)
class Asked:
    """A question and the texts, any of which the sentence answering it contains."""

    question: str
    golds: tuple[str, ...]


@dataclass
class Sample:
    """One question: the features of its candidate sentences and which hold the answer."""

    x: np.ndarray  #: candidates × features
    y: np.ndarray  #: candidates, bool
    #: the question asks for a value a sentence giving one likely answers (``summarize.value_asked``)
    valued: bool = False


def samples(engine: Engine, questions: Sequence[Asked]) -> list[Sample]:
    """Search each question once and keep its candidates' features and labels."""
    out = []
    retriever = engine.retriever
    index = retriever.index
    for item in questions:
        retrieval = retriever.search(item.question, engine.settings.top_k)
        if engine.should_abstain(retrieval) or not retrieval.hits:
            out.append(Sample(np.zeros((0, len(FEATURES))), np.zeros(0, bool)))
            continue
        cands = engine.candidates(retrieval, index)
        q = engine.asked(item.question, retrieval, index, question_form(item.question))
        pool, before = scorable(cands, q)
        # ``closest`` as if it could always change the lead: its sentences are always embedded
        x = np.array(feature_rows(pool, q, SAMPLING, before), dtype=np.float64).reshape(len(pool), len(FEATURES))
        y = np.array([holds(c.text, item.golds) for c in pool], dtype=bool)
        out.append(Sample(x, y, value_asked(q)))
    return out


def lead_accuracy(data: Sequence[Sample], w: np.ndarray) -> float:
    hits = 0
    for s in data:
        if len(s.y):
            hits += bool(s.y[int(np.argmax(s.x @ w))])
    return hits / len(data) if data else 0.0


#: Shares of the best score at which a sentence giving the kind of value asked for may lead instead.
VALUE_SHARES = (0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5)
_WANTED = FEATURES.index("wanted")


def value_leads(data: Sequence[Sample], w: np.ndarray, share: float) -> tuple[float, int, int]:
    """Lead accuracy when, the question asking for a specific value (``Sample.valued``), the best
    candidate giving one (its ``wanted`` feature) leads instead of a best one that gives none, if it
    scores ``share`` of the best's
    (``summarize.VALUE_LEADS``; headings that answer aside); and the leads that rule turns right
    and wrong."""
    hits = gained = lost = 0
    for s in data:
        if not len(s.y):
            continue
        scores = s.x @ w
        top = pick = int(np.argmax(scores))
        if s.valued and scores[top] > 0 and not s.x[top, _WANTED]:
            order = np.argsort(-scores, kind="stable")
            pick = next((int(i) for i in order if s.x[i, _WANTED] and scores[i] >= share * scores[top]), top)
        hits += bool(s.y[pick])
        gained += bool(s.y[pick]) and not s.y[top]
        lost += bool(s.y[top]) and not s.y[pick]
    return (hits / len(data) if data else 0.0), gained, lost


def tune(collections: dict[str, list[Sample]], start: np.ndarray, l2: float = 0.01) -> np.ndarray:
    """Weights that make the sentence holding the answer the likeliest of its question's candidates.

    A listwise model: each question's candidates get ``softmax(x · w)``, and the mean log-probability
    of its answering ones is maximized, every collection weighing the same however many questions it
    has (L2-regularized, scipy's L-BFGS). The weights are then scaled so that ``overlap`` is 1.
    """
    from scipy.optimize import minimize

    groups = [(s.x, s.y, 1.0 / len(data)) for data in collections.values() for s in data if s.y.any() and len(s.y) > 1]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = l2 * float(w @ w), 2 * l2 * w
        for x, y, weight in groups:
            z = x @ w
            z = z - z.max()
            p = np.exp(z)
            p /= p.sum()
            p_pos = p[y].sum()
            total -= weight * np.log(max(p_pos, 1e-12))
            # d(-log p_pos)/dw = E_p[x] - E_{p restricted to positives}[x]
            grad += weight * (p @ x - (p[y] @ x[y]) / max(p_pos, 1e-12))
        return total / len(collections), grad / len(collections)

    found = minimize(loss, start, jac=True, method="L-BFGS-B").x
    scale = found[FEATURES.index("overlap")]
    return found / scale if scale > 0 else found


def korquad_questions(n: int) -> list[Asked]:
    _, questions = load_korquad(require(KORQUAD))
    picked = random.Random(7).sample([q for q in questions if q.answers], n)
    return [Asked(q.text, q.answers) for q in picked]


def help_questions(name: str = "help") -> list[Asked]:
    return [Asked(q.text, q.answers) for q in help_answered(name)]


def essay_questions() -> list[Asked]:
    out = []
    for line in CONVERSATIONS.read_text("utf-8").splitlines():
        if line.strip():
            first = json.loads(line)["turns"][0]
            out.append(Asked(first["message"], tuple(first.get("answer", ()))))
    return out + [Asked(q.text, q.answers) for q in english_questions()]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--korquad", type=int, default=1500, help="KorQuAD questions to sample.")
    parser.add_argument("--collections", default=",".join(NAMES), help="Comma-separated collections.")
    parser.add_argument("--out", type=Path, default=RESULTS / "answer-weights.json")
    args = parser.parse_args(argv)
    names = [n for n in args.collections.split(",") if n]
    by_name = engines(names)
    loaders: dict[str, Callable[[], list[Asked]]] = {
        "korquad": lambda: korquad_questions(args.korquad),
        "essays": essay_questions,
        **{name: functools.partial(help_questions, name) for name in PAGES},
    }
    data = {name: samples(by_name[name], loaders[name]()) for name in names}
    start = np.array(DEFAULT_WEIGHTS.vector())
    report: dict[str, Any] = {"features": list(FEATURES), "collections": {}}
    for held in data:
        train = {k: v for k, v in data.items() if k != held}
        w = tune(train, start)
        report["collections"][held] = {
            "questions": len(data[held]),
            "answer_in_candidates": round(float(np.mean([s.y.any() for s in data[held]])), 4),
            "lead_default": round(lead_accuracy(data[held], start), 4),
            "lead_held_out": round(lead_accuracy(data[held], w), 4),
            "weights_from_others": dict(zip(FEATURES, map(float, w), strict=True)),
        }
        print(held, report["collections"][held], flush=True)
    report["value_leads"] = {
        str(share): {name: value_leads(d, start, share) for name, d in data.items()} for share in VALUE_SHARES
    }
    for share, row in report["value_leads"].items():
        print("value leads at", share, {k: (round(a, 4), g, lost) for k, (a, g, lost) in row.items()}, flush=True)
    final = tune(data, start)
    report["weights"] = dict(zip(FEATURES, map(float, final), strict=True))
    report["lead_all"] = {k: round(lead_accuracy(v, final), 4) for k, v in data.items()}
    print("all", report["weights"], report["lead_all"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
