"""The development collections the benchmarks share, each with its index in ``bench/.cache``.

- ``korquad``: KorQuAD 1.0 dev, 961 paragraphs (``../shared/data``);
- ``help``: the LibreOffice Korean help pages (``python -m bench.help_corpus`` downloads and converts them);
- ``gnome``: the GNOME desktop user guide in Korean (the same script);
- ``faq``: the Debian FAQ in Korean, 17 pages, partly still in English (the same script);
- ``law``: the Constitution of Korea and ten bills (KoNLPy's corpus; the same script);
- ``essays``: the two essays of ``corpus/``.

The engines share one embedder whose question vectors are cached on disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant import Engine, Settings, is_current
from assistant.embedding.base import Embedder
from assistant.text.korean import KoreanAnalyzer
from bench.common import CACHE, ROOT
from bench.korquad import build as build_korquad

NAMES = ("korquad", "help", "gnome", "faq", "law", "essays")
#: The collections of help pages, with questions in users' words (``bench/data/<name>/questions.jsonl``).
PAGES = ("help", "gnome", "faq", "law")


def settings_of(name: str) -> Settings:
    """The settings of a collection's index."""
    if name in PAGES:
        from bench.help_corpus import ensure_help_corpus

        return Settings(index_dir=CACHE / f"{name}-index", corpus_dir=ensure_help_corpus(name=name), show_progress=True)
    if name == "essays":
        return Settings(index_dir=CACHE / "conversation-index", corpus_dir=ROOT / "corpus", show_progress=False)
    raise ValueError(f"unknown collection {name!r}; choose from {', '.join(NAMES)}")


def engine_of(
    name: str, analyzer: KoreanAnalyzer | None = None, embedder: Embedder | None = None, **update: Any
) -> Engine:
    """An engine over the ``help``, ``gnome``, ``faq``, ``law`` or ``essays`` index (settings changed by ``update``), built when
    missing or stale; ``analyzer`` and ``embedder`` shared with other engines when given."""
    settings = settings_of(name).model_copy(update=update)
    engine = Engine(settings, embedder=embedder, analyzer=analyzer)
    if not is_current(settings):
        engine.build_index()
    return engine


def engines(names: Sequence[str], analyzer: KoreanAnalyzer | None = None) -> dict[str, Engine]:
    """An engine over each named collection's index, built when missing or stale."""
    analyzer = analyzer or KoreanAnalyzer()
    korquad, _, _ = build_korquad(Settings(index_dir=CACHE / "korquad-index", show_progress=False), titles=True)
    out = {"korquad": korquad}
    for name in names:
        if name != "korquad":
            out[name] = engine_of(name, analyzer, korquad.embedder)
    return out
