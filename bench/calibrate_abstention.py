"""Fit the abstention rule on every development collection and write docs/abstention.md.

    python -m bench.calibrate_abstention
    python -m bench.calibrate_abstention --collections korquad,help,gnome,essays   # the shipped rule's data

Data, per collection (``bench.collections``: KorQuAD dev, the LibreOffice and GNOME help pages, the
Debian FAQ, the essays of ``corpus/``), over that collection's own index:

- answerable (label 1): its questions (a fixed sample of KorQuAD's);
- not answerable (label 0): the questions it says it does not answer (the help sets'), the off-topic
  list (``bench/data/offtopic_questions.txt``, in Korean and in English), and a sample of the *other*
  collections' questions (Wikipedia does not answer how to add a table row, nor the essays).

Signals: those of :mod:`assistant.search.abstain` (best cosine, its lift over the index's off-topic
baseline, its margin, idf-weighted coverage, question in another script, the question's words no
document writes, the two searches' disagreement on the best passage). A logistic regression with balanced classes is fitted with every
collection weighing the same. Each collection is scored with a rule fitted on the others only
(leave one collection out); the rule fitted on all of them is the one the product ships when it is
copied into ``DEFAULT_RULE``. The report scores the rule the product ships as it is, and says how
many answers of each group come with a caution (``AbstentionRule.caution``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant import Engine
from assistant.search.abstain import DEFAULT_RULE, SIGNALS, AbstentionRule
from bench.collections import NAMES, PAGES, engines
from bench.common import KORQUAD, ROOT, load_korquad, page_questions, require

DATA = ROOT / "bench" / "data"
SAMPLE = 300  #: questions taken from a large set (KorQuAD's own, and each set used as off-topic elsewhere)


@dataclass
class Group:
    """Questions asked of one collection, all with the same label."""

    collection: str
    name: str
    label: int
    x: np.ndarray


def lines(path: str) -> list[str]:
    return [q for q in (DATA / path).read_text("utf-8").splitlines() if q.strip()]


def jsonl(path: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in lines(path)]


def questions() -> dict[str, tuple[list[str], list[str]]]:
    """Per collection: (answerable questions, questions it does not answer)."""
    rng = random.Random(13)
    _, kq = load_korquad(require(KORQUAD))
    pages = {name: page_questions(name) for name in PAGES}
    essays = [str(item["question"]) for item in jsonl("corpus_questions.jsonl")]
    essays += [str(t["turns"][0]["message"]) for t in jsonl("conversations.jsonl")]  # type: ignore[index]
    essays += [str(item["question"]) for item in jsonl("essay_questions_en.jsonl")]
    return {
        "korquad": (rng.sample([q.text for q in kq], SAMPLE), []),
        **{
            name: (
                [str(i["question"]) for i in items if i.get("answerable", True)],
                [str(i["question"]) for i in items if not i.get("answerable", True)],
            )
            for name, items in pages.items()
        },
        "essays": (essays, []),
    }


def signals(engine: Engine, qs: Sequence[str]) -> np.ndarray:
    rows = []
    for q in qs:
        s = engine.retriever.search(q, 3).signals
        rows.append([s.get(name, 0.0) for name in SIGNALS])
    return np.array(rows, dtype=np.float64).reshape(len(qs), len(SIGNALS))


def dataset(by_name: dict[str, Engine]) -> list[Group]:
    rng = random.Random(17)
    asked = {k: v for k, v in questions().items() if k in by_name}
    offtopic = lines("offtopic_questions.txt") + lines("offtopic_questions_en.txt")
    groups = []
    for name, engine in by_name.items():
        own, unanswered = asked[name]
        groups.append(Group(name, "its own questions", 1, signals(engine, own)))
        if unanswered:
            groups.append(Group(name, "questions it does not answer", 0, signals(engine, unanswered)))
        groups.append(Group(name, "off-topic list (Korean and English)", 0, signals(engine, offtopic)))
        for other, (their, _) in asked.items():
            if other != name and other in by_name:
                sample = rng.sample(their, min(SAMPLE, len(their)))
                groups.append(Group(name, f"{other} questions", 0, signals(engine, sample)))
    return groups


def fit(groups: Sequence[Group]) -> tuple[float, np.ndarray]:
    """Logistic regression, balanced classes, every collection weighing the same."""
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([g.x for g in groups])
    y = np.concatenate([np.full(len(g.x), g.label) for g in groups])
    collections = {g.collection for g in groups}
    weight = []
    for g in groups:
        same = [h for h in groups if h.collection == g.collection and h.label == g.label]
        n = sum(len(h.x) for h in same)
        weight.append(np.full(len(g.x), 1.0 / (n * len(collections) * 2)))
    model = LogisticRegression(C=10.0, max_iter=2000)
    model.fit(x, y, sample_weight=np.concatenate(weight) * len(y))
    return float(model.intercept_[0]), model.coef_[0]


#: Thresholds on p(answerable) tried; the highest that keeps every collection's answerable questions
#: answered at least :data:`ANSWERED` of the time is shipped (a question left unanswered costs the
#: reader more than an off-topic one answered with passages that show it is off). Between 0.3 and 0.1,
#: where the shipped threshold has always been, they go by 0.01: a coarser step gives up several
#: caught off-topic questions for one answerable question.
THRESHOLDS = (0.5, 0.4, *(round(0.3 - i / 100, 2) for i in range(21)), 0.05)
#: At most 2 % of any collection's answerable questions abstained.
ANSWERED = 0.98


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def answered(group: Group, bias: float, coef: np.ndarray, threshold: float = 0.5) -> float:
    z = bias + group.x @ coef
    return float((z >= _logit(threshold)).mean()) if len(group.x) else 0.0


def cautioned(group: Group, rule: AbstentionRule) -> float:
    """The share of ``group`` that ``rule`` answers with a caution (between its threshold and its caution level)."""
    if not len(group.x):
        return 0.0
    z = rule.bias + group.x @ np.array(list(rule.weights().values()))
    return float(((z >= _logit(rule.threshold)) & (z < _logit(rule.caution))).mean())


def threshold_for(groups: Sequence[Group], bias: float, coef: np.ndarray) -> float:
    """The highest of :data:`THRESHOLDS` at which every answerable group is answered often enough."""
    answerable = [g for g in groups if g.label == 1]
    for t in THRESHOLDS:
        if all(answered(g, bias, coef, t) >= ANSWERED for g in answerable):
            return t
    return THRESHOLDS[-1]


def report(
    groups: Sequence[Group], names: Sequence[str], shipped: AbstentionRule = DEFAULT_RULE
) -> tuple[str, tuple[float, np.ndarray, float]]:
    rule = fit(groups)
    threshold = threshold_for(groups, *rule)
    ships = (shipped.bias, np.array(list(shipped.weights().values())))
    rows = []
    for held in names:
        train = [g for g in groups if g.collection != held]
        bias, coef = fit(train) if train else rule
        t = threshold_for(train, bias, coef) if train else threshold
        for g in (g for g in groups if g.collection == held):
            rows.append((g, answered(g, bias, coef, t), answered(g, *ships, shipped.threshold), cautioned(g, shipped)))
    bias, coef = rule
    out = [
        "# Abstention: how the rule was fitted",
        "",
        "Produced by `python -m bench.calibrate_abstention` (needs `../shared/data/korquad-v1` and the help",
        "pages of `python -m bench.help_corpus`).",
        "",
        "The assistant abstains when `p = σ(bias + Σ w × signal)` is below the threshold. The signals (see",
        "`assistant/search/abstain.py`): `cosine` of the best passage, its `lift` over the index's own",
        "off-topic baseline (recorded when the index is built), its `margin` over the next best",
        "candidates, the idf-weighted `coverage` of the question's topic terms in the top 3 passages (a term",
        "found only as the word documents write for it, 서식 for 템플릿, counts the paraphrase weight, 0.5; a",
        'noun that only frames the topic, 문제 in "담합 문제는 뭐야?", counts only when the passages write it, and a',
        'verb no document uses, 배우다 in "한국은 뭘 배워야 해?", not at all when other terms are left), and',
        "`cross_script` (a question with no Hangul: coverage is then left out), and `unwritten`: how many",
        "of the question's everyday topic words no document writes at all, up to 3 (땅 in \"헌법상 우리 땅은",
        '어디까지야?" asked of a constitution that writes 영토), and `unwritten_names`: the same count of the',
        "words the analyzer reads as names (카카오톡, 아웃룩, XLOOKUP in questions asked of the office suite's",
        "help; a proper noun, Latin letters, Hanja); neither for a question with no Hangul. And",
        "`disagreement`: among the 10 passages ranked best, the share that are nearer the question in",
        "meaning (e5 cosine) than the one sharing the most words with it (BM25 score): 0 when the two",
        "searches agree on the best passage, and for a question with no Hangul or no word in any passage.",
        "",
        'Besides the rule, a message in another script than Korean that reads as no question (no "?", no',
        "opening word that asks: What, Does, Explain …) and shares no word of two letters or more with the",
        'passages found is not answered (`engine.unread`): "test", "hello world", "lorem ipsum dolor sit amet",',
        '"SELECT * FROM users;" and "%s %d {0}" embed about as close to the essays\' passages as "Why does',
        'Korea need a mega alliance?" does, and the rule answered them. English',
        'questions, and messages naming a word the documents write ("KTX"), are searched as before; the',
        "tables below are of the rule alone.",
        "",
        f"The shipped rule (`DEFAULT_RULE`): `bias = {shipped.bias:.3f}`, "
        + ", ".join(f"`{name} = {w:.3f}`" for name, w in shipped.weights().items())
        + f"; threshold {shipped.threshold:g}; caution below {shipped.caution:g}.",
        "",
        f"Fitted on all collections in this run: `bias = {bias:.3f}`, "
        + ", ".join(f"`{name} = {w:.3f}`" for name, w in zip(SIGNALS, coef, strict=True))
        + f"; threshold {threshold:g}: the highest of 0.5, 0.4, 0.3 to 0.1 by 0.01 and 0.05 at which every",
        f"collection's own questions are answered at least {ANSWERED:.1%} of the time (a question left",
        "unanswered costs the reader more than an off-topic one answered with passages that show it is off).",
        "The product ships this fit when it is copied into `DEFAULT_RULE`.",
        "",
        "Each row: a group of questions asked of one collection's index, and the share the assistant",
        "answers, with the rule fitted on the *other* collections only (leave one collection out) and",
        "with the shipped rule (each with its threshold). Answerable groups should be near 1, the others near 0.",
        "The last column: the share of the group the shipped rule answers *with a caution* (p(answerable)",
        f'at or above the threshold and below {shipped.caution:g}: "문서가 이 질문에 직접 답하지 않을 수 있습니다 …"',
        "before the summary). For answerable groups it should be small, for the others as large as the",
        "answered share.",
        "",
        "| index | questions | n | label | answered, rule from the others | answered, shipped rule | with a caution |",
        "|---|---|---|---|---|---|---|",
    ]
    for g, held_out, ship, careful in rows:
        label = "answerable" if g.label else "not answerable"
        out.append(
            f"| {g.collection} | {g.name} | {len(g.x)} | {label} | {held_out:.3f} | {ship:.3f} | {careful:.3f} |"
        )
    return "\n".join(out) + "\n", (bias, coef, threshold)


def main(argv: Sequence[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--collections", default=",".join(NAMES), help="Comma-separated collections.")
    parser.add_argument("--no-docs", action="store_true", help="Print the report without writing docs/abstention.md.")
    args = parser.parse_args(argv)
    by_name = engines([n for n in args.collections.split(",") if n])
    groups = dataset(by_name)
    text, (bias, coef, threshold) = report(groups, list(by_name))
    if not args.no_docs:
        (ROOT / "docs" / "abstention.md").write_text(text, "utf-8")
    print(text)
    weights = dict(zip(SIGNALS, map(float, coef), strict=True))
    print(AbstentionRule.from_weights(bias, weights, threshold, DEFAULT_RULE.caution).code())


if __name__ == "__main__":
    main()
