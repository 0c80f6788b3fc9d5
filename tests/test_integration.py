"""End to end over the real corpus with the real embedded model and Kiwi (index built once)."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before anything imports huggingface_hub

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import real_engine

from assistant.answer.engine import Engine
from assistant.chat.conversation import Conversation
from assistant.chat.sessions import SessionStore
from assistant.settings import EMBEDDED_MODEL
from assistant.store.builder import BuildResult
from assistant.text.korean import KoreanAnalyzer

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ALLIANCE = "한국의_AI_원팀_전략과_해외_AI_동맹_비교.txt"  # the first essay: alliances, 메가 얼라이언스
INVESTMENT = "글로벌_AI_투자_격차와_한국의_생존_전략.txt"  # the second essay: investment gap, speed and scale

ON_TOPIC = [
    "데이터와 인프라는 어떻게 확충해야 하나요?",
    "메가 얼라이언스가 필요한 이유는?",
    "AI 속도 경쟁에서 살아남으려면?",
    "담합 문제는 뭐야?",  # no essay says 문제: a noun that frames the topic does not count against it
]
OFF_TOPIC = ["김치찌개 맛있게 끓이는 법", "오늘 서울 날씨 어때?"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, analyzer: KoreanAnalyzer) -> Iterator[tuple[Engine, BuildResult]]:
    """The real corpus indexed once with the embedded model (cached in the user's model cache)."""
    engine, result = real_engine(CORPUS, tmp_path_factory.mktemp("integration") / "index", analyzer)
    yield engine, result
    engine.index.close()


@pytest.fixture(scope="module")
def engine(built: tuple[Engine, BuildResult]) -> Engine:
    return built[0]


def test_index_of_the_real_corpus(built: tuple[Engine, BuildResult]) -> None:
    engine, result = built
    m = result.manifest
    assert (m.model, m.dim, m.n_documents) == (EMBEDDED_MODEL, 384, 2)
    assert m.embedded_chunks == m.n_chunks > 0
    assert m.skipped == []
    assert sorted(engine.index.titles) == sorted([ALLIANCE, INVESTMENT])


def test_data_and_infrastructure(engine: Engine) -> None:
    answer = engine.ask("데이터와 인프라는 어떻게 확충해야 하나요?")
    assert answer.form == "method"
    top = answer.citations[0]
    assert top.doc_id == ALLIANCE
    assert "데이터와 인프라 확충" in top.section
    assert "데이터셋 확보" in top.passage


def test_mega_alliance(engine: Engine) -> None:
    answer = engine.ask("메가 얼라이언스가 필요한 이유는?")
    assert answer.form == "reason"
    top3 = answer.citations[:3]
    assert any(c.doc_id == ALLIANCE and "메가 얼라이언스" in c.section for c in top3), [
        (c.doc_id, c.section) for c in top3
    ]


def test_what_europe_puts_first_leads(engine: Engine) -> None:
    """ "어떤 가치를 중시하나요?": the sentence saying what Europe 중시하다 leads, not the one that only says
    Europe takes another strategy ("유럽은 … 다른 전략을 취하고 있습니다")."""
    answer = engine.ask("유럽의 AI 전략은 어떤 가치를 중시하나요?")
    lead = answer.summary_sentences[0].text
    assert "중시" in lead and lead.startswith("유럽"), answer.summary


def test_which_industries_leads_with_the_sentence_naming_them(engine: Engine) -> None:
    """ "어떤 산업에 …?": the sentence naming 산업 (the answer is some of them) leads, not the one that holds
    more of the question's other words ("첫 번째로, … 니치 마케팅 전략을 채택해야 합니다")."""
    answer = engine.ask("니치 마케팅 전략은 어떤 산업에 적용할 수 있어?")
    assert "의료, 금융, 제조업" in answer.summary_sentences[0].text, answer.summary


def test_speed_competition(engine: Engine) -> None:
    answer = engine.ask("AI 속도 경쟁에서 살아남으려면?")
    assert INVESTMENT in [c.doc_id for c in answer.citations[:2]]
    assert any("AI 속도 경쟁" in c.section for c in answer.citations[:2])


@pytest.mark.parametrize(
    ("question", "other"),
    [
        ("미국의 AI 동맹은 어떤 특징이 있나요?", "한국은"),
        ("유럽은 글로벌 진출을 어떤 식으로 해?", "미국은"),
        # "미국의 대형 기업들은 … 가치를 창출": its topic is 미국's, though 미국 is not the topic itself
        ("유럽의 AI 전략은 어떤 가치를 중시하나요?", "미국의"),
    ],
)
def test_an_answer_about_a_named_side_holds_no_sentence_about_another(
    engine: Engine, question: str, other: str
) -> None:
    """The essay's passages set 미국, 유럽 and 한국 side by side: after a lead about the one asked
    about, a sentence (or table cell) whose topic is another is left out."""
    answer = engine.ask(question)
    assert answer.summary_sentences
    assert not any(s.text.startswith(other) for s in answer.summary_sentences), answer.summary


def test_everyday_words_find_the_essay_that_writes_the_formal_ones(engine: Engine) -> None:
    """ "회사들이 AI에 쓰는 돈": the investment essay writes 기업 and 자금, not 회사 and 돈; its own
    words alone rank the alliance essay first in BM25."""
    from assistant.search.retrieval import Retriever

    question = "회사들이 AI에 쓰는 돈은 얼마나 돼요?"
    plain = engine.settings.model_copy(update={"paraphrase_weight": 0.0})
    own_words = Retriever(engine.index, engine.embedder, engine.analyzer, plain).search(question, 3, mode="bm25")
    assert own_words.hits[0].chunk.doc_id == ALLIANCE
    assert engine.settings.paraphrase_weight > 0
    paraphrased = engine.retriever.search(question, 3, mode="bm25")
    assert paraphrased.hits[0].chunk.doc_id == INVESTMENT


@pytest.mark.parametrize("question", [*ON_TOPIC, "유럽의 AI 전략은 무엇인가?"])
def test_spans_slice_back_exactly(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.citations
    store = engine.index.store
    for c in answer.citations:
        doc = store.document_text(c.doc_id)
        assert doc[c.start : c.end] == c.passage
        for u in c.sentences:
            assert doc[u.start : u.end] == u.text
            assert c.start <= u.start < u.end <= c.end
    for s in answer.summary_sentences:
        assert f"{s.text} [{s.citation}]" in answer.summary or f"“{s.text}” [{s.citation}]" in answer.summary
        assert s.text in answer.citations[s.citation - 1].passage


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_abstain(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.abstained, _signals(engine, question)
    assert answer.citations == []
    assert answer.abstain_reason is not None and answer.abstain_reason.startswith("best passage too weak")


@pytest.mark.parametrize("question", ON_TOPIC)
def test_on_topic_questions_do_not_abstain(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert not answer.abstained, answer.abstain_reason
    assert answer.summary_sentences


def _signals(engine: Engine, question: str) -> str:
    """The abstention inputs of a question, for failure messages."""
    retrieval = engine.retriever.search(question, engine.settings.top_k)
    cosine = retrieval.hits[0].dense
    p = engine.rule.probability(retrieval.signals)
    return f"cosine {cosine:.3f}, coverage {retrieval.coverage:.2f}, p(answerable) {p:.3f}"


def test_reindexing_the_unchanged_corpus_embeds_nothing(built: tuple[Engine, BuildResult]) -> None:
    engine, first = built
    again = engine.build_index()
    assert (again.manifest.embedded_chunks, again.manifest.reused_chunks) == (0, first.manifest.n_chunks)
    assert again.manifest.corpus_fingerprint == first.manifest.corpus_fingerprint
    # The engine switches to the new version and still answers.
    assert engine.ask("데이터와 인프라는 어떻게 확충해야 하나요?").citations[0].doc_id == ALLIANCE


def test_a_loanword_the_analyzer_reads_in_parts_is_written_whole_in_a_followups_query(
    engine: Engine, tmp_path: Path
) -> None:
    """Kiwi reads 얼라이언스 as 얼라이언 + 스다; the query searched for "어떻게 만들어?" writes it whole."""
    with SessionStore(tmp_path / "sessions.sqlite") as store:
        conversation = Conversation(engine, store, engine.settings)
        first = conversation.chat("메가 얼라이언스 왜 필요해?")
        how = conversation.chat("어떻게 만들어?", first.session_id)
    assert "메가 얼라이언스" in how.query and "얼라이언 스" not in how.query


@pytest.mark.parametrize(
    "question", ["우리나라 AI 얼라이언스 종류 알려줘", "한국에서 결성된 AI 얼라이언스에는 무엇이 있나요?"]
)
def test_a_list_question_gets_the_named_alliances_even_from_a_passage_not_chosen(engine: Engine, question: str) -> None:
    """The sentence naming the three alliances is in the second passage for the first question
    (the chosen sentences were on the 메가 얼라이언스 to build); the answer lists them."""
    answer = engine.ask(question)
    assert [s.text for s in answer.summary_sentences] == [
        "SK텔레콤 주도의 'K-AI 얼라이언스'",
        "코오롱베니트의 'AI 얼라이언스'",
        "중소기업 중심의 'AX 얼라이언스'",
    ]


@pytest.mark.parametrize("message", ["test", "hello world", "SELECT * FROM users;", "%s %d {0}"])
def test_latin_letters_that_ask_nothing_are_not_answered_with_the_essays(engine: Engine, message: str) -> None:
    answer = engine.ask(message)
    assert answer.abstained and answer.citations == []
    assert "한국어로 물으면 더 잘 찾습니다" in answer.summary


#: Two help pages in the way desktop guides write them: a page opens on what may go wrong or what one
#: can do, and the sentence after it says why or how.
HELP_PAGES = {
    "bluetooth.txt": (
        "블루투스 문제 해결\n\n"
        "블루투스 어댑터 또는 동글을 컴퓨터에서 인식하지 않을 수도 있습니다. 이 경우 어댑터용 드라이버를 "
        "설치하지 않았기 때문입니다. 일부 어댑터는 리눅스에서 지원하지 않습니다.\n\n"
        "블루투스 장치가 멀리 있으면 연결이 자주 끊깁니다. 장치를 컴퓨터 가까이 두십시오.\n"
    ),
    "windows.txt": (
        "창 옮기기\n\n"
        "키보드로만 창을 옮기거나 크기를 조절할 수 있습니다. Alt+F7 키를 눌러 창을 옮기거나 Alt+F8 키를 눌러 "
        "크기를 조절합니다.\n\n창을 최대화하려면 제목 표시줄을 두 번 누릅니다.\n"
    ),
}


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("USB 블루투스 동글을 꽂았는데 인식을 못 해요", "드라이버를 설치하지 않았기 때문입니다"),
        ("마우스 없이 키보드로만 창 옮기고 크기 바꾸기", "Alt+F7 키를 눌러 창을 옮기거나"),
    ],
)
def test_a_sentence_that_sets_up_a_situation_leads_with_the_one_that_resolves_it(
    tmp_path: Path, analyzer: KoreanAnalyzer, question: str, answer: str
) -> None:
    """The page's "… 인식하지 않을 수도 있습니다." shares the most words with the question and led alone;
    the sentence after it, which says why (or how), comes with it."""
    pages = tmp_path / "help"
    pages.mkdir()
    for name, text in HELP_PAGES.items():
        (pages / name).write_text(text, "utf-8")
    engine, _ = real_engine(pages, tmp_path / "index", analyzer)
    try:
        lead = engine.ask(question).summary_sentences[0].text
    finally:
        engine.index.close()
    assert answer in lead, lead


def test_a_comparison_hears_each_side_by_a_sentence_about_it(engine: Engine) -> None:
    """ "미국과 한국의 AI 동맹은 어떻게 다른가요?" showed "- 한국: 해외 사례와 한국의 AI 동맹을 비교하고, 한국이
    나아갈 방향을 제시합니다." (the essay saying what it will do) and cut the US line short; "유럽과 미국의
    차이는?" heard 미국 by "미국과 중국의 빅테크 기업들은 …", a sentence on capital against Korea's."""
    answer = engine.ask("미국과 한국의 AI 동맹은 어떻게 다른가요?")
    said = [s.text for s in answer.summary_sentences]
    assert not any("비교하고" in s for s in said), said
    assert any(s.startswith("미국은") for s in said) and any(s.startswith("한국의 AI 동맹은") for s in said), said
    sides = [s.text for s in engine.ask("유럽과 미국의 차이는?").summary_sentences]
    assert not any(s.startswith("미국과 중국의") for s in sides), sides
