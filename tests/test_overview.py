"""A request for what the documents say as a whole ("요약해줘"): each document's opening, cited."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ALWAYS, GOLDEN, FakeEmbedder, write_corpus

from assistant.answer.engine import Engine
from assistant.answer.request import Context
from assistant.answer.templates import Line, compose
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer
from assistant.text.questions import asks_overview, document_ordinal


@pytest.fixture
def engine(settings: Settings, analyzer: KoreanAnalyzer) -> Engine:
    """The two documents of the golden corpus, indexed with the fake embedder; abstention off."""
    eng = Engine(settings.model_copy(update={"abstain": False}), embedder=FakeEmbedder(), analyzer=analyzer)
    eng.build_index()
    return eng


def corpus_engine(
    settings: Settings, analyzer: KoreanAnalyzer, folder: Path, docs: dict[str, str], **update: object
) -> Engine:
    corpus = write_corpus(folder, docs)
    changed = {"corpus_dir": corpus, "index_dir": folder.with_name(f"{folder.name}-index"), **update}
    eng = Engine(settings.model_copy(update=changed), embedder=FakeEmbedder(), analyzer=analyzer)
    eng.build_index()
    return eng


@pytest.mark.parametrize(
    ("question", "overview"),
    [
        ("요약해줘", True),
        ("이 문서는 무슨 내용이야?", True),
        ("핵심 내용이 뭐야?", True),
        ("이 글의 요지는?", True),
        ("무엇에 대한 글이야?", True),
        ("이 자료들은 뭘 다뤄?", True),
        ("전체 내용 정리해줘", True),
        ("어떤 문서들이 있어?", True),  # which documents there are: each by its title and opening
        ("문서 목록 알려줘", True),
        ("이 문서들 뭐에 관한 거야?", True),  # it was searched, and abstained
        ("문서 주제가 뭐야?", True),
        ("이 글의 목적은?", True),  # it was abstained
        ("AI 동맹의 목적은?", False),  # a topic's purpose is searched
        ("두 번째 문서 요약해줘", True),
        ("이 법은 무엇에 관한 법률인가?", False),  # a topic: 법, 법률
        ("어떤 파일 형식으로 저장해?", False),
        ("무슨 문서를 내야 해?", False),
        # a topic's summary is searched; an overview of one thing is a topic
        ("AI 투자 격차 요약해줘", False),
        ("사업 개요는?", False),
        ("회의 내용 정리해줘", False),
        ("서울의 지하철은 몇 개 노선인가?", False),
    ],
)
def test_a_request_for_the_documents_as_a_whole(analyzer: KoreanAnalyzer, question: str, overview: bool) -> None:
    assert asks_overview(question, analyzer.terms(question)) is overview


def test_an_overview_is_each_documents_opening_under_its_title(engine: Engine) -> None:
    answer = engine.ask("요약해줘")
    assert not answer.abstained and answer.form == "overview"
    assert answer.summary.splitlines()[0] == "문서별 첫머리:"
    said = {s.text for s in answer.summary_sentences}
    assert said == {
        "서울은 대한민국의 수도이다. 한강이 도시를 가로질러 흐른다.",
        "제주도는 한국에서 가장 큰 섬이다. 한라산이 섬 가운데에 솟아 있다.",
    }
    assert "- 서울 안내: 서울은 대한민국의 수도이다." in answer.summary
    for s in answer.summary_sentences:  # each cited, its span exact in the passage
        [c] = [c for c in answer.citations if c.n == s.citation]
        [used] = c.sentences
        assert used.text == s.text == c.passage[used.start - c.start : used.end - c.start]
    assert [c.n for c in answer.citations] == [1, 2] and answer.followups
    assert set(answer.timings) == {"guide_ms", "total_ms"}  # nothing searched


def test_a_single_documents_opening_needs_no_title(
    settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    eng = corpus_engine(settings, analyzer, tmp_path / "one", {"제주.txt": GOLDEN["제주.txt"]})
    answer = eng.ask("이 문서는 무슨 내용이야?")
    assert answer.summary.startswith("문서별 첫머리:\n- 제주도는 한국에서 가장 큰 섬이다.")


def test_an_overview_is_given_however_the_search_would_abstain(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    eng = Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer, rule=ALWAYS)
    eng.build_index()
    assert eng.ask("서울의 지하철은 몇 개 노선인가?").abstained
    assert not eng.ask("요약해줘").abstained


def test_a_topics_summary_or_a_follow_up_is_searched(engine: Engine) -> None:
    assert engine.ask("서울 교통 요약해줘").form != "overview"
    # in a conversation the message goes on from the turns before ("한 줄로 요약해줘" after an answer)
    assert engine.ask("요약해줘", query="서울 지하철 노선").form != "overview"
    assert engine.ask("요약해줘", context=Context(sentences=1)).form != "overview"


def test_more_documents_than_shown_are_counted(settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path) -> None:
    docs = {f"문서{i}.txt": f"문서 {i}번은 주제 {i}를 다룬다. 자세한 설명이 이어진다.\n" for i in range(7)}
    eng = corpus_engine(settings, analyzer, tmp_path / "many", docs, top_k=5)
    answer = eng.ask("요약해줘")
    assert len(answer.summary_sentences) == 5 and answer.summary.endswith("(문서 2개는 더 있습니다.)")


def test_the_overview_template() -> None:
    lines = [Line("서울은 수도이다.", 1, label="서울 안내"), Line("제주도는 섬이다.", 2, label="제주")]
    assert (
        compose("overview", lines) == "문서별 첫머리:\n- 서울 안내: 서울은 수도이다. [1]\n- 제주: 제주도는 섬이다. [2]"
    )


def test_fake_embedder_is_not_needed_for_an_overview(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    """Nothing is searched: the question is never embedded."""
    embedder = FakeEmbedder()
    eng = Engine(settings, embedder=embedder, analyzer=analyzer)
    eng.build_index()
    calls: list[object] = []
    original = embedder.embed
    embedder.embed = lambda texts, kind, **kw: calls.append(kind) or original(texts, kind, **kw)  # type: ignore[method-assign]
    eng.ask("요약해줘")
    assert "query" not in calls


def test_a_table_of_contents_is_each_documents_top_headings(engine: Engine) -> None:
    answer = engine.ask("목차 보여줘")
    assert answer.abstained and not answer.citations and answer.suggestions  # nothing searched, a guide
    assert answer.abstain_reason == "the message asks for the table of contents"
    lines = answer.summary.splitlines()
    assert lines[0] == "문서별 목차:"
    assert "- 서울 안내: 교통 · 음식" in lines
    assert "- 제주: 1. 자연 · 2. 산업" in lines


def test_a_table_of_contents_counts_the_documents_not_shown(
    settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    docs = {f"문서{i}.md": f"# 문서 {i}\n\n## 첫 장\n\n주제 {i}를 다룬다.\n" for i in range(7)}
    eng = corpus_engine(settings, analyzer, tmp_path / "many", docs)
    answer = eng.ask("어떤 섹션이 있어?")
    assert answer.summary.count("\n- 문서 ") == 5 and "(문서 2개는 더 있습니다.)" in answer.summary
    assert "- 문서 0: 첫 장" in answer.summary


def test_a_documents_outline_is_asked_by_its_title(engine: Engine) -> None:
    """ "제주 요약해줘" names one document by its title: its opening, then each top section's."""
    answer = engine.ask("제주 요약해줘")
    assert answer.form == "overview" and not answer.abstained
    assert answer.summary.splitlines() == [
        "‘제주’의 첫머리와 절마다 첫 문장:",
        "- 제주도는 한국에서 가장 큰 섬이다. 한라산이 섬 가운데에 솟아 있다. [1]",
        "- 1. 자연: 제주도에는 오름이라 부르는 작은 화산이 360개가 넘는다. 해안에는 검은 현무암이 많다. [2]",
        "- 2. 산업: 감귤 농사와 관광이 제주 경제의 중심이다. 해녀는 바다에 들어가 전복과 소라를 딴다. [3]",
    ]
    assert {c.doc_id for c in answer.citations} == {"제주.txt"}


def test_a_summary_of_what_several_titles_or_none_name_is_searched(
    settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    docs = {
        "전략.md": "# AI 전략 보고서\n\n## 배경\n\n전략을 세운 까닭을 적는다.\n",
        "투자.md": "# AI 투자 보고서\n\n## 규모\n\n투자 규모를 적는다.\n",
    }
    eng = corpus_engine(settings, analyzer, tmp_path / "two", docs, abstain=False)
    assert eng.ask("AI 요약해줘").form != "overview"  # both titles say AI
    assert eng.ask("AI 투자 요약해줘").summary.startswith("‘AI 투자 보고서’의 첫머리와 절마다 첫 문장:")
    assert eng.ask("투자 규모 정리해줘").form != "overview"  # no title says 규모: a search


def test_a_document_is_asked_by_its_place_in_the_list(engine: Engine) -> None:
    """ "두 번째 문서 요약해줘" gave the overview of every document; the second one listed is meant.
    Past the end of the list, the overview."""
    listed = [c.doc_id for c in engine.ask("요약해줘").citations]
    second = engine.ask("두 번째 문서 요약해줘")
    assert second.form == "overview" and {c.doc_id for c in second.citations} == {listed[1]}
    assert second.summary.startswith(f"‘{engine.outline(engine.index).title(listed[1])}’의 첫머리")
    assert {c.doc_id for c in engine.ask("첫째 문서 요약").citations} == {listed[0]}
    past = engine.ask(f"{len(listed) + 1}번째 문서 요약해줘")
    assert [c.doc_id for c in past.citations] == listed
    assert past.summary.startswith(
        f"{len(listed) + 1}번째 문서는 없습니다. 문서는 {len(listed)}개입니다.\n\n문서별 첫머리:"
    )
    assert document_ordinal("두 번째 글 요약해줘") == 2 and document_ordinal("두 번째 전략 요약해줘") == 0
