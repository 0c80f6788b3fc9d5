"""The real embedded model and Kiwi over the kinds of documents a team keeps (bench/data/workplace:
a regulation in articles, a report in short lines, a wiki page, a table of plans)."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before anything imports huggingface_hub

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import real_engine

from assistant.answer.engine import Engine
from assistant.text.korean import KoreanAnalyzer

pytestmark = pytest.mark.integration

DOCS = Path(__file__).resolve().parent.parent / "bench" / "data" / "workplace" / "docs"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, analyzer: KoreanAnalyzer) -> Iterator[Engine]:
    engine, _ = real_engine(DOCS, tmp_path_factory.mktemp("workplace") / "index", analyzer)
    yield engine
    engine.index.close()


def _first(engine: Engine, question: str) -> tuple[str, str]:
    """The first summary sentence and the section of the passage it is cited to."""
    answer = engine.ask(question)
    assert not answer.abstained, question
    first = answer.summary_sentences[0]
    return first.text, next(c.section for c in answer.citations if c.n == first.citation)


def test_why_the_plan_is_answered_by_its_background(engine: Engine) -> None:
    """No line of the report's 추진 배경 says 사업; its title does."""
    _, section = _first(engine, "왜 이 사업을 해?")
    assert section.endswith("Ⅰ. 추진 배경")


def test_what_happens_is_answered_by_what_happens(engine: Engine) -> None:
    """ "어떻게 돼?" asks what happens, not how: the line that says it leads, not steps."""
    text, _ = _first(engine, "기간 안에 도입 못 하면 어떻게 돼?")
    assert "환수" in text
