"""Retrieval across collections: is the right document found, and does the assistant abstain only when it should?

    python -m bench.retrieval                 # writes bench/results/retrieval.json
    python -m bench.retrieval --korquad 1000  # a sample of KorQuAD questions (default: all)
    python -m bench.compare BEFORE.json AFTER.json   # two runs, question by question (the default system)

Collections, each with answerable questions (and what answers them) and questions it does not answer:

- ``korquad``: KorQuAD 1.0 dev, 961 paragraphs; its questions reuse the paragraph's words (gold: the
  paragraph); not answered: ``bench/data/offtopic_questions.txt``.
- ``help``: the LibreOffice Korean help, 2,550 pages; questions in users' words
  (``bench/data/help/questions.jsonl``, gold: the page or pages), 40 it does not answer.
- ``gnome``: the GNOME desktop user guide in Korean, 293 pages; the same kind of questions
  (``bench/data/gnome/questions.jsonl``).
- ``faq``: the Debian FAQ in Korean, 17 pages partly still in English; the same kind of questions
  (``bench/data/faq/questions.jsonl``).
- ``essays``: the two essays of ``corpus/``; ``bench/data/corpus_questions.jsonl``, the first turns of
  ``bench/data/conversations.jsonl`` and the English questions of ``bench/data/essay_questions_en.jsonl``
  (gold: the passage: its document and, where given, section or phrase); the off-topic list.

Systems, all in one run over the same indexes and question vectors: BM25 alone (both lexical fields),
dense alone, a plain score fusion of dense and morpheme BM25 (min-max, 0.5/0.5), reciprocal rank
fusion of the three signals, and the default. ``--variants`` also scores, on the fused candidates,
fusion weights that follow each signal's confidence for the question, dense pseudo-relevance
feedback, and a passage's dense score read from its sentence nearest the question (each sentence of
the first :data:`SENTENCE_DEPTH` candidates embedded on its own), each chosen leave one
collection out. Metrics: R@1/5/10 and MRR@10 of the distinct documents (passages for the essays, which hold two documents), the share of answerable questions
the product's abstention rule abstains on (false abstention) and of unanswerable ones it catches.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant import Engine
from assistant.search.fusion import get_fusion, minmax
from assistant.search.retrieval import Hit, Retriever
from bench.collections import NAMES, engines
from bench.common import KORQUAD, ROOT, load_korquad, page_questions, require

RESULTS = ROOT / "bench" / "results"
DATA = ROOT / "bench" / "data"
DEPTH = 10


@dataclass(frozen=True)
class Query:
    """A question and how a hit is judged relevant (None: the collection does not answer it)."""

    text: str
    relevant: Callable[[Hit], str | None] | None = field(default=None, compare=False)
    #: relevant(hit) gives the unit a relevant hit counts as (a doc id, a passage), or None


def doc_judge(docs: Sequence[str]) -> Callable[[Hit], str | None]:
    wanted = set(docs)
    return lambda h: h.chunk.doc_id if h.chunk.doc_id in wanted else None


def passage_judge(doc: str, section: str = "", phrases: Sequence[str] = ()) -> Callable[[Hit], str | None]:
    def judge(h: Hit) -> str | None:
        c = h.chunk
        ok = c.doc_id.endswith(doc) and section in c.section and (not phrases or any(p in c.text for p in phrases))
        return c.chunk_id if ok else None

    return judge


def offtopic() -> list[Query]:
    lines = (DATA / "offtopic_questions.txt").read_text("utf-8").splitlines()
    return [Query(q) for q in lines if q.strip()]


def korquad_queries(limit: int) -> list[Query]:
    _, questions = load_korquad(require(KORQUAD))
    if limit:
        questions = random.Random(11).sample(questions, limit)
    return [Query(q.text, doc_judge([q.doc_id])) for q in questions] + offtopic()


def help_queries(name: str = "help") -> list[Query]:
    """The questions of a help-page collection (``help``, ``gnome``, ``faq``), judged by their page or pages."""
    out = []
    for item in page_questions(name):
        docs = item.get("docs") or ([item["doc"]] if "doc" in item else [])
        out.append(Query(item["question"], doc_judge(docs) if docs else None))
    return out


def essay_queries() -> list[Query]:
    out = []
    for line in (DATA / "corpus_questions.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            out.append(Query(item["question"], passage_judge(item["doc"], item.get("section", ""))))
    for line in (DATA / "conversations.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            t = json.loads(line)["turns"][0]
            phrase = t.get("phrase") or ()
            phrases = [phrase] if isinstance(phrase, str) else list(phrase)
            out.append(Query(t["message"], passage_judge(t["doc"], t.get("section", ""), phrases)))
    english = DATA / "essay_questions_en.jsonl"
    for line in english.read_text("utf-8").splitlines() if english.exists() else []:
        if line.strip():
            item = json.loads(line)
            out.append(Query(item["question"], passage_judge(item["doc"], "", item.get("answer", ()))))
    return out + offtopic()


def queries_of(name: str, korquad: int = 0) -> list[Query]:
    """The questions of a collection of :data:`~bench.collections.NAMES` (``korquad``: a sample of
    that many KorQuAD questions, 0 for all)."""
    if name == "korquad":
        return korquad_queries(korquad)
    return essay_queries() if name == "essays" else help_queries(name)


#: The systems compared: name → settings changes and retrieval mode.
#: The ingredients search the question's own words only (no formal words added for everyday ones),
#: ranked by their own scores (no phrases of the question read in the passages shown).
PLAIN = {"paraphrase_weight": 0.0, "phrase_weight": 0.0}

SYSTEMS: dict[str, tuple[dict[str, Any], str]] = {
    "bm25": (PLAIN, "bm25"),
    "dense": (PLAIN, "dense"),
    "fusion-0.5": ({**PLAIN, "dense_weight": 0.5, "morph_weight": 0.5, "bigram_weight": 0.0}, "hybrid"),
    "rrf": ({**PLAIN, "fusion": "rrf"}, "hybrid"),
    "default, no phrases": ({"phrase_weight": 0.0}, "hybrid"),
    "default": ({}, "hybrid"),
}


def ranked_units(hits: Sequence[Hit], judge: Callable[[Hit], str | None]) -> list[bool]:
    """Relevance of the distinct units (documents or passages) of the ranking, best first."""
    seen: set[str] = set()
    flags: list[bool] = []
    for h in hits:
        unit = judge(h) or f"other:{h.chunk.doc_id}"
        if unit in seen:
            continue
        seen.add(unit)
        flags.append(not unit.startswith("other:"))
    return flags


def first_relevant(hits: Sequence[Hit], judge: Callable[[Hit], str | None]) -> int | None:
    """The rank (from 1) of the first relevant unit among the top :data:`DEPTH`, None if none is."""
    flags = ranked_units(hits, judge)[:DEPTH]
    return flags.index(True) + 1 if True in flags else None


def rank_metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    """R@1/5/10 and MRR@10 of the questions whose first relevant units rank at ``ranks``."""
    found = [r for r in ranks if r is not None and r <= DEPTH]
    n = max(len(ranks), 1)
    return {
        "R@1": sum(r == 1 for r in found) / n,
        "R@5": sum(r <= 5 for r in found) / n,
        "R@10": len(found) / n,
        "MRR@10": sum(1 / r for r in found) / n,
    }


def score(
    engine: Engine,
    retriever: Retriever,
    queries: Sequence[Query],
    mode: str,
    thresholds: Sequence[float] = (),
    keep_rows: bool = False,
) -> dict[str, Any]:
    """R@1/5/10, MRR@10, false abstention and caught unanswerable questions of one system; with
    ``thresholds``, those two again for each threshold on p(answerable) instead of the rule's own;
    with ``keep_rows``, each question's rank (None: not in the top :data:`DEPTH`), whether it is
    answerable, whether it was abstained on and its p(answerable) (``rows``: for ``python -m bench.compare``)."""
    ranks: list[int | None] = []
    rows: list[dict[str, Any]] = []
    answerable = abstained_answerable = unanswerable = caught = 0
    probabilities: list[tuple[bool, float]] = []  # (answerable, p) of every question with hits
    for q in queries:
        retrieval = retriever.search(q.text, 3 * DEPTH, mode=mode, diversify=False)  # type: ignore[arg-type]
        # abstention as the product decides it: over its own search (top_k passages, diversified),
        # whose first three passages are the ones coverage reads
        asked = retriever.search(q.text, engine.settings.top_k, mode=mode)  # type: ignore[arg-type]
        abstains = engine.should_abstain(asked)
        p = engine.rule.probability(asked.signals) if asked.hits else 0.0
        probabilities.append((q.relevant is not None, p))
        rank = None if q.relevant is None else first_relevant(retrieval.hits, q.relevant)
        if keep_rows:
            rows.append(
                {
                    "question": q.text,
                    "answerable": q.relevant is not None,
                    "rank": rank,
                    "abstained": abstains,
                    "p": round(p, 4),
                }
            )
        if q.relevant is None:
            unanswerable += 1
            caught += abstains
            continue
        answerable += 1
        abstained_answerable += abstains
        ranks.append(rank)
    n = max(answerable, 1)
    return {
        **{name: round(value, 4) for name, value in rank_metrics(ranks).items()},
        "false_abstention": round(abstained_answerable / n, 4),
        "caught_offtopic": round(caught / max(unanswerable, 1), 4),
        "answerable": answerable,
        "unanswerable": unanswerable,
        "thresholds": {
            f"{t:g}": {
                "false_abstention": round(sum(a and p < t for a, p in probabilities) / n, 4),
                "caught_offtopic": round(sum(not a and p < t for a, p in probabilities) / max(unanswerable, 1), 4),
            }
            for t in thresholds
        },
        **({"rows": rows} if keep_rows else {}),
    }


@dataclass
class Candidates:
    """One answerable question's candidates: each signal's scores, and the unit each counts as."""

    scores: dict[str, np.ndarray]
    units: list[str]  #: the relevant unit, or "other:<doc id>"
    relevant: np.ndarray  #: bool per candidate
    vectors: np.ndarray | None = None  #: the candidates' vectors (for pseudo-relevance feedback)
    query: np.ndarray | None = None  #: the question's vector
    #: each candidate's cosine with the question of its sentence nearest to it (:func:`with_sentences`)
    sentences: np.ndarray | None = None


def pools(engine: Engine, queries: Sequence[Query], sentences: bool = False) -> list[Candidates]:
    """The candidates of every answerable question under all three signals, for any fusion weights
    (``sentences``: with each one's nearest sentence, :func:`with_sentences`)."""
    retriever = Retriever(engine.index, engine.embedder, engine.analyzer, engine.settings)
    everything = {"dense": 1.0, "morph": 1.0, "bigram": 1.0}
    fuse = get_fusion("weighted")  # as the variants rank them
    embedded: dict[int, np.ndarray] = {}  # a passage's sentences' vectors, by its row
    out = []
    for q in queries:
        if q.relevant is None:
            continue
        pool = retriever.candidates(q.text, everything)
        chunks = engine.index.store.chunks([int(r) for r in pool.rows])
        hits = [Hit(int(r), c, 0.0, 0.0, 0.0) for r, c in zip(pool.rows, chunks, strict=True)]
        units = [q.relevant(h) or f"other:{h.chunk.doc_id}" for h in hits]
        relevant = np.array([not u.startswith("other:") for u in units])
        nearest = None
        if sentences and pool.query is not None:
            first = np.argsort(-fuse(pool.scores, engine.settings.fusion_weights, k=60), kind="stable")
            nearest = with_sentences(engine, hits, first[:SENTENCE_DEPTH], pool.scores["dense"], pool.query, embedded)
        out.append(Candidates(pool.scores, units, relevant, pool.vectors, pool.query, nearest))
    return out


#: How many of the first fused candidates have their sentences embedded (``--variants``).
SENTENCE_DEPTH = 30


def with_sentences(
    engine: Engine,
    hits: Sequence[Hit],
    first: Sequence[int] | np.ndarray,
    dense: np.ndarray,
    query: np.ndarray,
    embedded: dict[int, np.ndarray],
) -> np.ndarray:
    """The cosine with ``query`` of the sentence nearest to it of each candidate of ``first``
    (positions in ``hits``; each sentence embedded on its own as a passage, remembered in
    ``embedded`` by row); the others keep their passage's cosine (``dense``)."""
    todo = [hits[i] for i in first if hits[i].row not in embedded]
    texts: list[str] = []
    slices: list[tuple[int, int, int]] = []  # (row, start, end) of each passage's sentences in ``texts``
    for h in todo:
        spans = engine.analyzer.sentence_spans(h.chunk.text)
        said = [h.chunk.text[a:b] for a, b in spans if b - a >= 8] or [h.chunk.text]
        slices.append((h.row, len(texts), len(texts) + len(said)))
        texts += said
    if texts:
        vectors = engine.embedder.embed(texts, "passage")
        for row, start, end in slices:
            embedded[row] = vectors[start:end]
    out = np.array(dense, dtype=np.float32)
    for i in first:
        out[i] = float((embedded[hits[i].row] @ query).max())
    return out


def fused_metrics(data: Sequence[Candidates], weights: dict[str, float], fusion: str = "weighted") -> dict[str, float]:
    """R@1/5/10 and MRR@10 of a fusion with these weights."""
    fuse = get_fusion(fusion)
    return ranked_metrics(data, lambda c: fuse(c.scores, weights, k=60))


def ranked_metrics(data: Sequence[Candidates], fused_of: Callable[[Candidates], np.ndarray]) -> dict[str, float]:
    """R@1/5/10 and MRR@10 of the candidates ranked by ``fused_of`` them (one score per candidate)."""
    ranks: list[int | None] = []
    for c in data:
        fused = fused_of(c)
        seen: set[str] = set()
        rank: int | None = None
        for i in np.argsort(-fused, kind="stable"):
            if c.units[i] in seen:
                continue
            seen.add(c.units[i])
            if len(seen) > DEPTH:
                break
            if c.relevant[i]:
                rank = len(seen)
                break
        ranks.append(rank)
    return rank_metrics(ranks)


def grid() -> list[dict[str, float]]:
    """Fusion weights to try: the dense share, and how the rest splits between the two BM25 fields."""
    out = []
    for dense in (0.2, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8):
        for morph_share in (0.0, 0.25, 0.5, 0.75, 1.0):
            rest = 1.0 - dense
            out.append(
                {"dense": dense, "morph": round(rest * morph_share, 3), "bigram": round(rest * (1 - morph_share), 3)}
            )
    return out


def leave_one_out(data: dict[str, list[Candidates]]) -> dict[str, Any]:
    """For each collection, the fusion and weights best on the others (mean MRR@10) and its figures with them."""
    table = [
        ({**w, "fusion": f}, {name: fused_metrics(d, w, f) for name, d in data.items()})  # type: ignore[dict-item]
        for f in ("weighted",)
        for w in grid()
    ]
    return chosen_on_others(table, list(data), "weights")


def adaptive(c: Candidates, weights: Mapping[str, float], floor: float) -> np.ndarray:
    """Fusion whose weights follow each signal's confidence for this question: a signal's weight
    times ``floor`` plus how far its min-max scores lie below their best on average (a peaked
    signal, one candidate far above the rest, counts more than a flat one), normalized."""
    out = np.zeros(len(c.units), dtype=np.float32)
    total = 0.0
    for name, scores in c.scores.items():
        scaled = minmax(scores)
        weight = weights.get(name, 0.0) * (floor + 1.0 - float(scaled.mean()) if len(scaled) else floor)
        out += weight * scaled
        total += weight
    return out / total if total > 0 else out


def feedback(c: Candidates, weights: Mapping[str, float], beta: float, depth: int) -> np.ndarray:
    """Weighted fusion after dense pseudo-relevance feedback: the question's vector moved ``beta``
    towards the mean vector of the ``depth`` candidates the fusion ranks first, and the candidates'
    cosines taken again with it."""
    fuse = get_fusion("weighted")
    first = fuse(c.scores, weights, k=60)
    if c.vectors is None or c.query is None or not len(first):
        return first
    top = np.argsort(-first, kind="stable")[:depth]
    moved = c.query + beta * c.vectors[top].mean(axis=0)
    moved = moved / max(float(np.linalg.norm(moved)), 1e-12)
    return fuse({**c.scores, "dense": c.vectors @ moved}, weights, k=60)


def sentence_fusion(c: Candidates, weights: Mapping[str, float], share: float | None) -> np.ndarray:
    """Weighted fusion with the dense score read partly from each candidate's sentence nearest the
    question (:attr:`Candidates.sentences`): ``share`` of it and the rest from the whole passage,
    or (``None``) the higher of the two."""
    fuse = get_fusion("weighted")
    if c.sentences is None:
        return fuse(c.scores, weights, k=60)
    whole = c.scores["dense"]
    dense = np.maximum(whole, c.sentences) if share is None else (1 - share) * whole + share * c.sentences
    return fuse({**c.scores, "dense": dense}, weights, k=60)


#: Query-adaptive fusion floors, (beta, depth) of the dense feedback and the shares of the nearest
#: sentence's cosine in the dense score (None: the higher of it and the passage's) tried (see :func:`variants`).
ADAPTIVE_FLOORS = (0.25, 0.5, 1.0)
FEEDBACK = ((0.1, 1), (0.1, 3), (0.2, 1), (0.2, 3), (0.3, 3), (0.5, 3))
SENTENCE_SHARES = (0.25, 0.5, 1.0, None)


def variants(data: dict[str, list[Candidates]], weights: Mapping[str, float]) -> dict[str, Any]:
    """The default fusion weights as they are, with weights that follow each signal's confidence
    (:func:`adaptive`), after dense pseudo-relevance feedback (:func:`feedback`) and with the dense
    score read from the nearest sentence (:func:`sentence_fusion`, when the candidates hold it), each
    setting scored on every collection and chosen leave one collection out (the fused candidates
    alone, without MMR or the phrase order)."""
    table: list[tuple[dict[str, Any], dict[str, dict[str, float]]]] = [
        ({"variant": "plain"}, {n: fused_metrics(d, dict(weights)) for n, d in data.items()})
    ]
    for floor in ADAPTIVE_FLOORS:
        by_floor = functools.partial(adaptive, weights=weights, floor=floor)
        table.append(
            ({"variant": "adaptive", "floor": floor}, {n: ranked_metrics(d, by_floor) for n, d in data.items()})
        )
    for beta, depth in FEEDBACK:
        moved = functools.partial(feedback, weights=weights, beta=beta, depth=depth)
        scores = {n: ranked_metrics(d, moved) for n, d in data.items()}
        table.append(({"variant": "feedback", "beta": beta, "depth": depth}, scores))
    if all(c.sentences is not None for d in data.values() for c in d):
        for share in SENTENCE_SHARES:
            nearest = functools.partial(sentence_fusion, weights=weights, share=share)
            scores = {n: ranked_metrics(d, nearest) for n, d in data.items()}
            table.append(({"variant": "sentences", "share": "max" if share is None else share}, scores))
    rows = [
        {**setting, **{n: {k: round(v, 4) for k, v in s.items()} for n, s in scores.items()}}
        for setting, scores in table
    ]
    return {"rows": rows, "leave_one_out": chosen_on_others(table, list(data), "variant")}


#: Phrase weights tried leave one collection out (see :func:`phrase_leave_one_out`).
PHRASE_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4)


def ranking_metrics(retriever: Retriever, queries: Sequence[Query]) -> dict[str, float]:
    """R@1/5/10 and MRR@10 of the answerable ``queries`` searched as the default does."""
    return rank_metrics(
        [
            first_relevant(retriever.search(q.text, 3 * DEPTH, diversify=False).hits, q.relevant)
            for q in queries
            if q.relevant is not None
        ]
    )


def phrase_leave_one_out(by_name: dict[str, Engine], queries: dict[str, list[Query]]) -> dict[str, Any]:
    """For each collection, the phrase weight (:data:`PHRASE_WEIGHTS`, the default otherwise) best on
    the others (mean MRR@10) and its figures with it."""
    table = []
    for weight in PHRASE_WEIGHTS:
        scores = {}
        for name, engine in by_name.items():
            settings = engine.settings.model_copy(update={"phrase_weight": weight})
            scores[name] = ranking_metrics(
                Retriever(engine.index, engine.embedder, engine.analyzer, settings), queries[name]
            )
        table.append(({"phrase_weight": weight}, scores))
        print("phrase weight", weight, {n: round(v["MRR@10"], 4) for n, v in scores.items()}, flush=True)
    return chosen_on_others(table, list(by_name), "settings")


def chosen_on_others(
    table: Sequence[tuple[dict[str, Any], dict[str, dict[str, float]]]], names: Sequence[str], key: str
) -> dict[str, Any]:
    """For each collection of ``names``, the row of ``table`` (settings, each collection's figures)
    with the best mean MRR@10 on the *other* collections, and its figures on this one; under
    ``"all"``, the best on all of them. The settings are reported under ``key``."""
    out: dict[str, Any] = {}
    for held in names:
        others = [n for n in names if n != held]
        chosen, scores = max(table, key=lambda row: float(np.mean([row[1][n]["MRR@10"] for n in others])))
        out[held] = {key: chosen, "held_out": {k: round(v, 4) for k, v in scores[held].items()}}
    chosen, scores = max(table, key=lambda row: float(np.mean([row[1][n]["MRR@10"] for n in names])))
    out["all"] = {key: chosen, "scores": {n: {k: round(v, 4) for k, v in s.items()} for n, s in scores.items()}}
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--korquad", type=int, default=0, help="Sample this many KorQuAD questions (0: all).")
    parser.add_argument("--collections", default=",".join(NAMES))
    parser.add_argument("--out", type=Path, default=RESULTS / "retrieval.json")
    parser.add_argument("--no-tuning", action="store_true", help="Skip the leave-one-collection-out weight tuning.")
    parser.add_argument(
        "--variants",
        action="store_true",
        help="Score query-adaptive fusion weights, dense pseudo-relevance feedback and sentence-level dense "
        "scores, leave one collection out.",
    )
    parser.add_argument(
        "--phrases",
        action="store_true",
        help="Tune the phrase weight leave one collection out (even with --no-tuning).",
    )
    parser.add_argument(
        "--thresholds",
        default="0.4,0.3,0.25,0.2",
        help="Thresholds on p(answerable) at which the default system's abstention is also scored.",
    )
    args = parser.parse_args(argv)
    names = [n for n in args.collections.split(",") if n]
    by_name = engines(names)
    asked = {n: queries_of(n, args.korquad) for n in names}
    report: dict[str, Any] = {"systems": {k: v[0] for k, v in SYSTEMS.items()}, "collections": {}}
    for name in names:
        engine, queries = by_name[name], asked[name]
        rows = {}
        for system, (update, mode) in SYSTEMS.items():
            settings = engine.settings.model_copy(update=update)
            retriever = Retriever(engine.index, engine.embedder, engine.analyzer, settings)
            cuts = [float(t) for t in args.thresholds.split(",") if t] if system == "default" else []
            rows[system] = score(engine, retriever, queries, mode, cuts, keep_rows=system == "default")
            print(name, system, {k: v for k, v in rows[system].items() if k != "rows"}, flush=True)
        report["collections"][name] = rows
    wanted = not args.no_tuning or args.variants
    candidates = {n: pools(by_name[n], asked[n], sentences=args.variants) for n in names} if wanted else {}
    if not args.no_tuning:
        report["leave_one_out"] = leave_one_out(candidates)
        print("leave one out", json.dumps(report["leave_one_out"], ensure_ascii=False), flush=True)
    if args.variants:
        report["variants"] = variants(candidates, next(iter(by_name.values())).settings.fusion_weights)
        print("variants", json.dumps(report["variants"], ensure_ascii=False), flush=True)
    if not args.no_tuning or args.phrases:
        report["phrase_leave_one_out"] = phrase_leave_one_out({n: by_name[n] for n in names}, asked)
        print(
            "phrase weight, leave one out", json.dumps(report["phrase_leave_one_out"], ensure_ascii=False), flush=True
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
