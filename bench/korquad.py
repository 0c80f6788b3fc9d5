"""KorQuAD 1.0 dev retrieval benchmark: question → the paragraph it was written from.

    python -m bench.korquad                # all modes, writes bench/results/korquad.json
    python -m bench.korquad --no-titles    # paragraphs without their article titles

Each distinct paragraph (961) is a document whose title is its article's title, indexed
with the product's own chunking, embedding and BM25; a question is answered when a chunk
of its paragraph ranks in the top k (chunks of one paragraph count once).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.answer.engine import Engine
from assistant.errors import AssistantError
from assistant.ingest.documents import Document
from assistant.search.retrieval import Retriever
from assistant.settings import Settings
from assistant.store.builder import IndexBuilder, documents_fingerprint
from assistant.store.manifest import Manifest
from assistant.store.versions import current_version
from assistant.text.korean import KoreanAnalyzer
from bench.common import CACHE, KORQUAD, ROOT, CachedQueryEmbedder, Question, load_korquad, ranks_metrics


def ranked_docs(retriever: Retriever, question: str, mode: str, depth: int = 10) -> list[str]:
    """Distinct doc ids of the top chunks, best first."""
    hits = retriever.search(question, 3 * depth, mode=mode, diversify=False).hits  # type: ignore[arg-type]
    return list(dict.fromkeys(h.chunk.doc_id for h in hits))[:depth]


def evaluate(retriever: Retriever, questions: Sequence[Question], mode: str) -> dict[str, float]:
    started = time.perf_counter()
    ranked = [ranked_docs(retriever, q.text, mode) for q in questions]
    metrics = ranks_metrics(ranked, [q.doc_id for q in questions])
    metrics["seconds"] = time.perf_counter() - started
    return metrics


def build(settings: Settings, titles: bool, rebuild: bool = False) -> tuple[Engine, list[Question], float]:
    docs, questions = load_korquad(KORQUAD, titles=titles)
    analyzer = KoreanAnalyzer()
    base = Engine(settings, analyzer=analyzer)
    cached = CachedQueryEmbedder(base.embedder, CACHE / f"korquad-queries-{base.embedder.model_id}.npz")
    started = time.perf_counter()
    if rebuild or not _holds(settings, docs):
        IndexBuilder(settings, cached, analyzer, report=print).build_documents(docs, rebuild=rebuild)
    build_seconds = time.perf_counter() - started
    cached.warm([q.text for q in questions])
    return Engine(settings, embedder=cached, analyzer=analyzer), questions, build_seconds


def _holds(settings: Settings, docs: Sequence[Document]) -> bool:
    """Whether the index already holds exactly these documents, built by this version with these settings."""
    folder = current_version(settings.index_dir)
    if folder is None:
        return False
    try:
        m = Manifest.read(folder, settings.index_dir)
    except AssistantError:
        return False
    return (
        m.built_by_this_version()
        and m.corpus_fingerprint == documents_fingerprint(docs)
        and (m.chunk_size, m.chunk_overlap, m.vector_index)
        == (settings.chunk_size, settings.chunk_overlap, settings.vector_index)
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-titles", action="store_true", help="Index paragraphs without article titles.")
    parser.add_argument("--rebuild", action="store_true", help="Embed every chunk again (to time a full build).")
    parser.add_argument("--limit", type=int, default=0, help="Only the first N questions.")
    parser.add_argument("--weights", default="", help="Extra weight triples to try, 'dense,morph,bigram;...'.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "korquad.json")
    args = parser.parse_args(argv)
    titles = not args.no_titles
    settings = Settings(index_dir=CACHE / ("korquad-index" if titles else "korquad-index-notitles"))
    engine, questions, build_seconds = build(settings, titles, args.rebuild)
    manifest = engine.index.manifest
    if args.limit:
        questions = questions[: args.limit]
    results: dict[str, dict[str, float]] = {}
    # the ingredients rank by their own scores, without the question's phrases (the default's last step)
    plain = settings.model_copy(update={"phrase_weight": 0.0})
    only_morph = {"dense_weight": 0.0, "morph_weight": 1.0, "bigram_weight": 0.0}
    only_bigram = {"dense_weight": 0.0, "morph_weight": 0.0, "bigram_weight": 1.0}
    two_way = {"dense_weight": 0.5, "morph_weight": 0.5, "bigram_weight": 0.0}
    runs = [
        ("bm25-morphemes", plain.model_copy(update=only_morph)),
        ("bm25-bigrams", plain.model_copy(update=only_bigram)),
        ("bm25", plain),
        ("dense", plain),
        ("hybrid-rrf", plain.model_copy(update={"fusion": "rrf"})),
        ("hybrid-weighted-2way", plain.model_copy(update=two_way)),
        ("hybrid-no-phrases", plain),
        ("hybrid", settings),
    ]
    for spec in [x for x in args.weights.split(";") if x]:
        d, m, b = (float(v) for v in spec.split(","))
        update = {"dense_weight": d, "morph_weight": m, "bigram_weight": b}
        runs.append((f"hybrid-{d:.2f}-{m:.2f}-{b:.2f}", settings.model_copy(update=update)))
    for name, s in runs:
        retriever = Retriever(engine.index, engine.embedder, engine.analyzer, s)
        mode = name if name in ("bm25", "dense") else "hybrid"
        results[name] = evaluate(retriever, questions, mode)
        print(name, {k: round(v, 4) for k, v in results[name].items()}, flush=True)
    payload = {
        "titles": titles,
        "questions": len(questions),
        "documents": len(engine.index.store.documents()),
        "chunks": len(engine.index),
        "index_build_seconds": build_seconds,
        "embedded_chunks": manifest.embedded_chunks,
        "settings": settings.model_dump(mode="json"),
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=2), "utf-8")


if __name__ == "__main__":
    main()
