""" "요약해줘" over the real corpus, with the real embedded model and Kiwi, in a process of its own;
and what the answer notes of the words of a question the essays do not write."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before anything imports huggingface_hub

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.answer.engine import Engine
from assistant.settings import EMBEDDED_MODEL, Settings
from assistant.text.korean import KoreanAnalyzer

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, analyzer: KoreanAnalyzer) -> Engine:
    index = tmp_path_factory.mktemp("overview") / "index"
    settings = Settings(
        index_dir=index, corpus_dir=ROOT / "corpus", model=EMBEDDED_MODEL, cache_dir=Settings().cache_dir
    )
    eng = Engine(settings, analyzer=analyzer)
    eng.build_index()
    return eng


def test_a_fresh_ask_for_a_summary_gives_each_essays_opening(engine: Engine) -> None:
    """Nothing is embedded: the process ended while the model still loaded in the background,
    and ONNX Runtime's threads cut off at exit aborted it (exit code 134) after the answer."""
    index = engine.settings.index_dir
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    cmd = [sys.executable, "-m", "assistant", "ask", "요약해줘", "--index", str(index), "--local"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("문서별 첫머리:")
    assert "- 한국의 AI 원팀 전략과 해외 AI 동맹 비교: 한국 기업들이 인공지능(AI) 역량을 결집" in done.stdout
    assert "- 글로벌 AI 투자 격차와 한국의 생존 전략: 미국과 중국을 포함한 글로벌 빅테크 기업들의" in done.stdout


def test_a_topics_summary_says_nothing_of_the_word_summary(engine: Engine) -> None:
    """ "유럽 전략 요약" is searched (no title names 유럽), and 요약 is what is asked for: the answer
    said "참고: 문서에는 ‘요약’이라는 말이 나오지 않습니다."."""
    answer = engine.ask("유럽 전략 요약")
    assert answer.form != "overview" and "유럽" in answer.summary_sentences[0].text
    assert "‘요약’" not in answer.summary


def test_a_topic_the_essays_never_write_is_noted(engine: Engine) -> None:
    """ "엔비디아는 AI 생태계를 확장하고 있어?": the essays hold most of the question (AI 생태계 확장, the US
    companies), never 엔비디아; the answer says so under the nearest it shows. A topic the essays
    write ("미국은 …") is no note."""
    answer = engine.ask("엔비디아는 AI 생태계를 확장하고 있어?")
    assert not answer.abstained
    assert answer.summary.endswith("참고: 문서에는 ‘엔비디아’라는 말이 나오지 않습니다."), answer.summary
    assert "참고:" not in engine.ask("미국은 AI 생태계를 확장하고 있어?").summary
