"""The engine over the golden corpus with the fake embedder: citations, summaries, validation."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import ALWAYS, BY_COVERAGE, FAKE_MODEL, FakeEmbedder, write_corpus

import assistant.answer.engine as engine_module
from assistant.answer.engine import CAUTION, Engine
from assistant.answer.request import Context
from assistant.answer.schema import Answer
from assistant.answer.suggest import NO_WORDS, NOT_FOUND, SOCIAL_REPLIES
from assistant.errors import InvalidQuestionError
from assistant.search.abstain import DEFAULT_RULE, SIGNALS, AbstentionRule
from assistant.search.retrieval import disagreement, gives_reasons
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer
from assistant.text.questions import question_form

SUBWAY = "서울의 지하철은 몇 개 노선인가?"
QUESTIONS = [SUBWAY, "제주 해녀는 무엇을 따나요?", "광장시장은 무엇으로 유명한가?", "서울과 제주의 차이는?"]
MARKER = re.compile(r" \[(\d+)\]")

NEVER = AbstentionRule(bias=100.0, w_dense=0.0, w_coverage=0.0)


@pytest.fixture
def engine(settings: Settings, analyzer: KoreanAnalyzer) -> Engine:
    # the fake embedder's cosine says little about meaning: BM25 decides the ranking these tests read
    lexical = {"abstain": False, "dense_weight": 0.5, "morph_weight": 0.125, "bigram_weight": 0.375}
    eng = Engine(settings.model_copy(update=lexical), embedder=FakeEmbedder(), analyzer=analyzer)
    eng.build_index()
    return eng


def corpus_engine(
    settings: Settings, analyzer: KoreanAnalyzer, folder: Path, docs: dict[str, str], **update: object
) -> Engine:
    """An engine over ``docs`` written into ``folder`` (its index beside it), indexed with the fake
    embedder; ``update``: settings changed besides."""
    corpus = write_corpus(folder, docs)
    changed = {"corpus_dir": corpus, "index_dir": folder.with_name(f"{folder.name}-index"), **update}
    eng = Engine(settings.model_copy(update=changed), embedder=FakeEmbedder(), analyzer=analyzer)
    eng.build_index()
    return eng


def built_engine(settings: Settings, analyzer: KoreanAnalyzer, rule: AbstentionRule) -> Engine:
    """An engine with abstention on (the default) and the given rule."""
    assert settings.abstain
    eng = Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer, rule=rule)
    eng.build_index()
    return eng


# ---------------------------------------------------------------------------
# Citations


def test_subway_question_cites_the_transport_section_first(engine: Engine) -> None:
    answer = engine.ask(SUBWAY)
    top = answer.citations[0]
    assert (top.n, top.chunk_id, top.doc_id, top.title, top.section) == (
        1, "서울.md#1", "서울.md", "서울 안내", "서울 안내 > 교통",
    )  # fmt: skip
    assert top.passage == "서울의 지하철은 아홉 개 노선으로 이루어져 있다. 버스는 간선과 지선으로 나뉜다."
    assert "서울의 지하철은 아홉 개 노선으로 이루어져 있다. [1]" in answer.summary
    assert answer.model == FAKE_MODEL
    assert not answer.abstained and answer.abstain_reason is None
    assert answer.question == answer.query == SUBWAY


@pytest.mark.parametrize(
    ("question", "chunk_id"),
    [
        ("제주 해녀는 무엇을 따나요?", "제주.txt#2"),
        ("광장시장은 무엇으로 유명한가?", "서울.md#2"),
    ],
)
def test_top_citation_of_other_questions(engine: Engine, question: str, chunk_id: str) -> None:
    assert engine.ask(question).citations[0].chunk_id == chunk_id


@pytest.mark.parametrize("question", QUESTIONS)
def test_citation_passages_slice_the_documents(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert len(answer.citations) == 5
    assert len({c.chunk_id for c in answer.citations}) == 5
    for c in answer.citations:
        doc = engine.index.store.document_text(c.doc_id)
        assert doc
        assert doc[c.start : c.end] == c.passage
        assert c.title == {"서울.md": "서울 안내", "제주.txt": "제주"}[c.doc_id]


@pytest.mark.parametrize("question", QUESTIONS)
def test_summary_sentences_are_cited_extracts(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    # At most summary_sentences; sentences far weaker than the best are left out.
    assert 1 <= len(answer.summary_sentences) <= engine.settings.summary_sentences
    # The markers of the summary are those of its sentences (a comparison regroups them), and each exists.
    markers = [int(n) for n in MARKER.findall(answer.summary)]
    assert sorted(markers) == sorted(s.citation for s in answer.summary_sentences)
    assert set(markers) <= {c.n for c in answer.citations}
    for s in answer.summary_sentences:
        assert f"{s.text} [{s.citation}]" in answer.summary or f"“{s.text}” [{s.citation}]" in answer.summary
        cited = answer.citations[s.citation - 1]
        assert cited.n == s.citation
        assert s.text in cited.passage
        used = [u for u in cited.sentences if u.text == s.text]
        assert len(used) == 1
        doc = engine.index.store.document_text(cited.doc_id)
        assert doc[used[0].start : used[0].end] == s.text
        assert cited.start <= used[0].start < used[0].end <= cited.end
    # Every used sentence of a citation appears in the summary.
    used_texts = sorted(u.text for c in answer.citations for u in c.sentences)
    assert used_texts == sorted(s.text for s in answer.summary_sentences)


def test_every_summary_line_ends_with_a_marker(engine: Engine) -> None:
    answer = engine.ask("서울과 제주의 차이는?")
    assert answer.form == "comparison"
    lines = answer.summary.split("\n")
    assert lines[0] == "문서에 나온 비교:"
    for line in lines[1:]:
        assert re.search(r"\[\d+\]$", line), line


@pytest.mark.parametrize("k", [1, 2, 3, 4, 6])
def test_k_citations_in_rank_order(engine: Engine, k: int) -> None:
    answer = engine.ask("제주도의 산업은 무엇인가?", k=k)
    assert [c.n for c in answer.citations] == list(range(1, k + 1))
    assert sorted(c.rank for c in answer.citations) == list(range(1, k + 1))
    assert len({c.chunk_id for c in answer.citations}) == k
    assert min(answer.citations, key=lambda c: c.rank).chunk_id == "제주.txt#2"
    for s in answer.summary_sentences:
        assert 1 <= s.citation <= k
    # Markers count up in the order the summary first cites a passage; the cited passages come first.
    first_cited = list(dict.fromkeys(s.citation for s in answer.summary_sentences))
    assert first_cited == list(range(1, len(first_cited) + 1))
    assert all(bool(c.sentences) == (c.n <= len(first_cited)) for c in answer.citations)


def test_k_beyond_the_index_returns_every_chunk_once(engine: Engine) -> None:
    answer = engine.ask("제주도의 산업은 무엇인가?", k=20)
    assert sorted(c.chunk_id for c in answer.citations) == [
        "서울.md#0", "서울.md#1", "서울.md#2", "제주.txt#0", "제주.txt#1", "제주.txt#2",
    ]  # fmt: skip


def test_default_k_comes_from_settings(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    eng = Engine(settings.model_copy(update={"abstain": False, "top_k": 2}), embedder=FakeEmbedder(), analyzer=analyzer)
    eng.build_index()
    assert [c.n for c in eng.ask(SUBWAY).citations] == [1, 2]


def test_rebuilt_index_is_served_after_build(engine: Engine) -> None:
    path = engine.settings.corpus_dir / "서울.md"
    path.write_text(path.read_text("utf-8").replace("아홉 개", "스물세 개"), "utf-8")
    assert "아홉 개" in engine.ask(SUBWAY).citations[0].passage
    engine.build_index()
    assert "스물세 개 노선" in engine.ask(SUBWAY).citations[0].passage


def test_remembered_passages_give_the_sentences_of_a_fresh_engine(
    engine: Engine, settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    for question in QUESTIONS:
        engine.ask(question)
    fresh = Engine(engine.settings, embedder=FakeEmbedder(), analyzer=analyzer)
    for question in reversed(QUESTIONS):  # other ranks for the passages remembered
        retrieval = engine.retriever.search(question, 4)
        again = fresh.retriever.search(question, 4)
        assert engine.candidates(retrieval, engine.index) == fresh.candidates(again, fresh.index)
    assert [c.citation for c in fresh.candidates(again, fresh.index)][:1] == [1]


# ---------------------------------------------------------------------------
# Invalid questions


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "\u200b", "\ufeff \u200b\u200d"])
def test_empty_question(engine: Engine, question: str) -> None:
    """Spaces, and invisible format characters (a zero-width space pasted with the question, a
    byte-order mark), are no question."""
    with pytest.raises(InvalidQuestionError) as err:
        engine.ask(question)
    assert "질문이 비어 있습니다" in err.value.message
    assert err.value.exit_code == 2


def test_invisible_characters_inside_a_question_are_dropped(engine: Engine) -> None:
    """A zero-width space or a soft hyphen pasted inside a word would split it for the analyzer."""
    assert engine.validate(" 서울\u200b 지하철\u00ad 노선 ") == "서울 지하철 노선"
    assert engine.ask("서울\u200b 지하철 노선").question == engine.ask("서울 지하철 노선").question


def test_too_long_question(engine: Engine) -> None:
    with pytest.raises(InvalidQuestionError) as err:
        engine.ask("가" * 10_000)
    assert "질문이 너무 깁니다: 10,000자 (최대 1,000자)" in err.value.message


def test_question_at_the_limit_is_accepted(engine: Engine) -> None:
    question = ("서울 지하철 " * 200)[:1000]
    assert len(question.strip()) <= 1000
    assert engine.ask(question).citations


def test_too_long_query_is_refused_too(engine: Engine) -> None:
    with pytest.raises(InvalidQuestionError, match="10,000자"):
        engine.ask(SUBWAY, query="나" * 10_000)


# ---------------------------------------------------------------------------
# Abstention


def test_abstaining_rule_gives_no_citations(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    answer = built_engine(settings, analyzer, ALWAYS).ask(SUBWAY)
    assert answer.abstained
    assert answer.citations == [] and answer.summary_sentences == []
    assert sorted(answer.covers) == ["서울 안내", "제주"]  # the documents' titles
    first, second = answer.covers
    assert answer.summary == f"{NOT_FOUND} 이 문서들은 ‘{first}’, ‘{second}’를 다룹니다."
    assert answer.suggestions == []  # every question abstains under this rule: none is offered
    assert answer.followups == []
    assert answer.abstain_reason is not None
    assert answer.abstain_reason.startswith("best passage too weak: cosine ")
    assert "term coverage 1.00" in answer.abstain_reason
    assert answer.abstain_reason.endswith("p(answerable) 0.00 < 0.50")
    assert answer.form == "general"
    assert answer.model == FAKE_MODEL


def test_answering_rule_answers(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    answer = built_engine(settings, analyzer, NEVER).ask(SUBWAY)
    assert not answer.abstained
    assert answer.citations[0].chunk_id == "서울.md#1"


def test_abstention_can_be_switched_off(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    eng = Engine(
        settings.model_copy(update={"abstain": False}), embedder=FakeEmbedder(), analyzer=analyzer, rule=ALWAYS
    )
    eng.build_index()
    answer = eng.ask(SUBWAY)
    assert not answer.abstained
    assert len(answer.citations) == 5


def test_rule_reads_the_term_coverage(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    eng = built_engine(settings, analyzer, BY_COVERAGE)
    off_topic = eng.ask("김치찌개 맛있게 끓이는 법")
    assert off_topic.abstained
    assert off_topic.abstain_reason is not None and "term coverage 0.00" in off_topic.abstain_reason
    on_topic = eng.ask(SUBWAY)
    assert not on_topic.abstained
    assert on_topic.citations[0].chunk_id == "서울.md#1"


BY_UNWRITTEN = AbstentionRule(bias=0.5, w_dense=0.0, w_coverage=0.0, w_unwritten=-1.0, w_names=-1.0)


def test_rule_reads_how_many_question_words_no_document_writes(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    """A question about another thing shares the documents' words and names one they never write
    (팀즈): the rule reads how many such words it holds, up to three, names (proper nouns, Latin
    letters) apart from everyday words (삼촌), and the reason says so."""
    eng = built_engine(settings, analyzer, BY_UNWRITTEN)
    plain = eng.retriever.search(SUBWAY, 3).signals
    assert plain["unwritten"] == 0.0 and plain["unwritten_names"] == 0.0
    other = eng.ask("팀즈에서 지하철 노선은?")
    assert other.abstained
    assert other.abstain_reason is not None and "1 question word(s) no document writes" in other.abstain_reason
    assert not eng.ask(SUBWAY).abstained
    named = eng.retriever.search("팀즈에서 지하철 노선은?", 3).signals
    assert (named["unwritten_names"], named["unwritten"]) == (1.0, 0.0)
    everyday = eng.retriever.search("삼촌이 탄 지하철 노선은?", 3).signals
    assert (everyday["unwritten_names"], everyday["unwritten"]) == (0.0, 1.0)
    many = eng.retriever.search("팀즈 노션 슬랙 카카오톡 줌에서 지하철 노선", 3).signals
    assert (many["unwritten_names"], many["unwritten"]) == (3.0, 1.0)
    # one Latin letter (the K of 4K) names nothing, though no document writes it alone; two do
    sized = eng.retriever.search("4K 화면으로 지하철 노선 보기", 3)
    assert sized.signals["unwritten_names"] == 0.0 and "k" not in sized.absent
    named = eng.retriever.search("XK 화면으로 지하철 노선 보기", 3)
    assert named.signals["unwritten_names"] == 1.0 and "xk" in named.absent
    # a question in English is read by e5, not by its words: none counts as unwritten
    english = eng.retriever.search("How many subway lines does Seoul have?", 3).signals
    assert english["unwritten"] == 0.0 and english["unwritten_names"] == 0.0


def test_disagreement_reads_where_the_lexical_best_stands_among_the_nearest() -> None:
    """Among the best candidates by fused score, the share that lie nearer the question (e5) than
    the one sharing the most words with it (BM25): 0 when the two agree or no candidate shares a word."""
    fused = [0, 1, 2, 3]  # the candidates' positions, best by fused score first
    dense = np.array([0.90, 0.85, 0.80, 0.95], dtype=np.float32)
    assert disagreement(fused, {"dense": dense, "morph": np.array([0.0, 0.0, 0.0, 5.0])}) == 0.0
    assert disagreement(fused, {"dense": dense, "morph": np.array([0.0, 4.0, 0.0, 1.0])}) == pytest.approx(2 / 4)
    assert disagreement(fused, {"dense": dense, "morph": np.zeros(4)}) == 0.0
    # only the ten best by fused score count: the eleventh's words do not, however many
    fused = list(range(12))
    dense = np.linspace(0.9, 0.8, 12).astype(np.float32)  # nearest first, as fused
    morph = np.zeros(12)
    morph[11], morph[4] = 9.0, 1.0
    assert disagreement(fused, {"dense": dense, "morph": morph}) == pytest.approx(4 / 10)


def test_the_rule_reads_disagreement_from_the_search(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    """The search reports the signal; a question in another script has none (its words match nothing
    lexically, e5 reads it), and under the shipped rule more disagreement means less likely answered."""
    eng = built_engine(settings, analyzer, BY_UNWRITTEN)
    plain = eng.retriever.search(SUBWAY, 3).signals
    assert 0.0 <= plain["disagreement"] < 1.0
    english = eng.retriever.search("How many subway lines does Seoul have?", 3).signals
    assert english["cross_script"] == 1.0 and english["disagreement"] == 0.0
    base = {"cosine": 0.85, "lift": 0.03, "margin": 0.01, "coverage": 0.5}
    assert DEFAULT_RULE.probability({**base, "disagreement": 0.0}) > DEFAULT_RULE.probability(
        {**base, "disagreement": 0.5}
    )


def test_an_answer_the_rule_doubts_comes_with_a_caution(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    """Between the rule's threshold and its caution level the question is answered, with a word of
    caution and its confidence; above the caution level, no caution; abstained, the confidence that
    was too low, and no caution. The coverage rule puts the subway question (every term found) at
    σ(1) ≈ 0.73 and a question sharing half its words lower."""
    doubting = AbstentionRule(bias=-1.0, w_dense=0.0, w_coverage=2.0, threshold=0.3, caution=0.8)
    eng = built_engine(settings, analyzer, doubting)
    sure = built_engine(settings, analyzer, replace(doubting, caution=0.5))
    doubted = eng.ask(SUBWAY)
    assert not doubted.abstained and doubted.caution == CAUTION
    assert doubted.confidence == pytest.approx(doubting.probability(eng.retriever.search(SUBWAY, 5).signals), abs=1e-3)
    assert 0.3 <= doubted.confidence < 0.8
    trusted = sure.ask(SUBWAY)
    assert trusted.caution is None and trusted.confidence == doubted.confidence
    off = eng.ask("김치찌개 맛있게 끓이는 법")
    assert off.abstained and off.caution is None
    assert off.confidence is not None and off.confidence < 0.3
    # abstention turned off: answers without the rule's judgement, its confidence still said
    unjudged = Engine(
        settings.model_copy(update={"abstain": False}), embedder=FakeEmbedder(), analyzer=analyzer, rule=doubting
    )
    said = unjudged.ask(SUBWAY)
    assert said.caution is None and said.confidence == doubted.confidence


def test_the_rule_names_its_weights_by_signal() -> None:
    weights = DEFAULT_RULE.weights()
    assert list(weights) == list(SIGNALS)
    signals = {name: 0.5 + i / 10 for i, name in enumerate(SIGNALS)}
    z = DEFAULT_RULE.bias + sum(weights[k] * v for k, v in signals.items())
    assert DEFAULT_RULE.probability(signals) == pytest.approx(1 / (1 + math.exp(-z)))
    assert DEFAULT_RULE.threshold < DEFAULT_RULE.caution < 1


def test_an_everyday_word_no_document_writes_weighs_less_than_a_name() -> None:
    """The shipped rule: a name no document writes (카카오톡) says more that the question is about
    something else than an everyday word (삼촌, the asker's own word for what the documents may say
    otherwise)."""
    base = {"cosine": 0.85, "lift": 0.03, "margin": 0.01, "coverage": 0.5, "cross_script": 0.0}
    word = DEFAULT_RULE.probability({**base, "unwritten": 1.0, "unwritten_names": 0.0})
    name = DEFAULT_RULE.probability({**base, "unwritten": 0.0, "unwritten_names": 1.0})
    none = DEFAULT_RULE.probability({**base, "unwritten": 0.0, "unwritten_names": 0.0})
    assert none > word > name


def test_a_term_found_only_as_the_word_documents_write_counts_the_paraphrase_weight_in_coverage(
    settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    docs = {"서식.md": "# 서식\n\n새 문서는 서식에서 만든다. 서식 관리 대화 상자에서 서식을 고른다.\n"}
    for weight, coverage in ((0.5, 0.5), (0.0, 0.0), (1.0, 1.0)):
        eng = corpus_engine(settings, analyzer, tmp_path / f"forms-{weight}", docs, paraphrase_weight=weight)
        # 템플릿 is nowhere in the documents; 서식, what they write for it, is
        assert eng.retriever.search("템플릿", 3).coverage == pytest.approx(coverage)
        assert eng.retriever.search("서식", 3).coverage == pytest.approx(1.0)


def test_a_loanword_the_documents_write_in_latin_letters_is_found_and_not_unwritten(
    settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    """엑셀 asked of a help that writes Excel: the search finds the passage that writes it, coverage
    counts it at the paraphrase weight, and it is no word the documents never write (no note says
    so, the abstention rule does not count it)."""
    docs = {
        "열기.md": "# 파일 열기\n\nExcel 파일을 열려면 파일 - 열기를 선택합니다.\n",
        "인쇄.md": "# 인쇄\n\n문서를 인쇄하려면 파일 - 인쇄를 선택합니다.\n",
    }
    eng = corpus_engine(settings, analyzer, tmp_path / "help", docs, paraphrase_weight=0.5)
    retrieval = eng.retriever.search("엑셀", 2, mode="bm25")
    assert retrieval.hits[0].chunk.doc_id == "열기.md" and retrieval.hits[0].bm25 > 0
    assert retrieval.coverage == pytest.approx(0.5)
    assert retrieval.absent == [] and retrieval.signals["unwritten"] == 0.0
    # a name they write in neither script is unwritten
    other = eng.retriever.search("노션 파일", 2)
    assert other.absent == ["노션"] and other.signals["unwritten"] == 1.0


def test_a_latin_word_the_documents_write_only_in_pieces_is_unwritten(
    settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    """IMPORTRANGE is one name: that the documents write import and range does not make it written
    (the search still looks for those pieces); a Latin word they write whole is not unwritten."""
    docs = {
        "함수.md": "# 함수\n\nimport 옵션으로 다른 시트의 range 를 읽는 함수는 INDIRECT 입니다.\n",
        "인쇄.md": "# 인쇄\n\n문서를 인쇄하려면 파일 - 인쇄를 선택합니다.\n",
    }
    eng = corpus_engine(settings, analyzer, tmp_path / "sheets", docs)
    other = eng.retriever.search("IMPORTRANGE 함수", 2)
    assert other.absent == ["importrange"] and other.signals["unwritten_names"] == 1.0
    assert other.hits[0].chunk.doc_id == "함수.md"  # found by its pieces all the same
    written = eng.retriever.search("INDIRECT 함수", 2)
    assert written.absent == [] and written.signals["unwritten_names"] == 0.0


def test_a_formal_word_the_documents_write_as_two_terms_is_found_as_those(
    settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    """비번 → 비밀번호, which the documents hold as 비밀, 번호: the search scores the passage that
    writes it, and coverage counts it (at the paraphrase weight), as for a word found whole."""
    docs = {
        "db.md": "# 데이터베이스\n\n운영 데이터베이스 비밀번호는 절대 로컬에 저장하지 마세요.\n",
        "vpn.md": "# VPN\n\nVPN은 포털에서 신청한다.\n",
    }
    eng = corpus_engine(settings, analyzer, tmp_path / "wiki", docs, paraphrase_weight=0.5)
    retrieval = eng.retriever.search("비번", 2)
    assert retrieval.hits[0].chunk.doc_id == "db.md" and retrieval.hits[0].bm25 > 0
    assert retrieval.coverage == pytest.approx(0.5)


def test_the_first_part_of_a_compound_the_documents_write_whole_counts_in_coverage(
    settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    """재택 alone, asked of a rule that writes 재택근무 (which the analyzer reads whole there):
    the term opens a word of the passage, so it counts; 정원 inside 교정원 opens none and does not."""
    docs = {
        "규칙.md": "# 근무\n\n재택근무는 주 2일까지 허용하며, 전날까지 신청하여야 한다. 교정원은 매주 점검한다.\n",
        "휴가.md": "# 휴가\n\n연차는 입사 1년 후부터 쓴다.\n",
    }
    eng = corpus_engine(settings, analyzer, tmp_path / "rules", docs)
    assert "재택" not in eng.retriever.index.bm25.vocab and "재택근무" in eng.retriever.index.bm25.vocab
    assert eng.retriever.search("재택", 2).coverage == pytest.approx(1.0)
    assert eng.retriever.search("정원", 2).coverage == pytest.approx(0.0)


def test_a_noun_that_only_frames_the_topic_counts_only_when_the_passages_write_it(
    settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    """ "담합 문제는 뭐야?" asks about 담합; an essay that explains it without the word 문제 still
    covers the question. Written in the passage, 문제 counts as any term; 점심 is no frame and its
    absence still counts against the question."""
    docs = {
        "동맹.md": "# 담합\n\n규제 협력이 담합으로 비춰질 우려가 있어 담합 우려 해소가 필요하다.\n",
        "과제.md": "# 과제\n\n인력 부족 문제가 가장 크다. 인력 양성이 시급하다.\n",
    }
    eng = corpus_engine(settings, analyzer, tmp_path / "essays", docs)
    # 문제 is in the index (과제.md), but not in the passage on 담합: it says nothing there
    assert eng.retriever.search("담합 문제", 1).coverage == pytest.approx(1.0)
    assert eng.retriever.search("담합 점심", 1).coverage < 0.7
    assert eng.retriever.search("인력 문제", 1).coverage == pytest.approx(1.0)
    assert eng.retriever.search("문제", 1).coverage == pytest.approx(1.0)
    # the words for the documents themselves frame the question too: no essay need say 글 or 글쓴이
    meta = eng.retriever.search("이 글에서 글쓴이가 말하는 담합 우려", 1)
    assert meta.coverage == pytest.approx(1.0) and meta.absent == []


def test_a_verb_no_document_uses_does_not_count_against_the_question(
    settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    """ "한국은 뭘 배워야 해?": 한국 is in every passage (its weight nearly nothing) and no document says
    배우다, so the question was all but uncovered and abstained on; the documents say what Korea must do
    in their own verbs. A noun no document writes still counts against it; a verb alone is all there is."""
    docs = {
        "전략.md": "# 전략\n\n한국은 인재 양성에 투자해야 한다. 한국은 규제를 완화해야 한다.\n",
        "현황.md": "# 현황\n\n한국은 자본이 부족하다. 한국 기업은 협력한다.\n",
    }
    eng = corpus_engine(settings, analyzer, tmp_path / "essays", docs)
    assert "배우다" not in eng.retriever.index.bm25.vocab
    assert eng.retriever.search("한국은 뭘 배워야 해?", 2).coverage == pytest.approx(1.0)
    assert eng.retriever.search("한국 반도체", 2).coverage < 0.5  # 반도체: a noun no document writes
    assert eng.retriever.search("배우다", 2).coverage == pytest.approx(0.0)


def test_a_latin_word_the_documents_lack_is_not_found_by_its_letters(
    settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    """ "docker" is in no document, though its letter pairs (do, oc, ck, ke, er) are in English
    words the documents hold; a Korean word the analyzer splits otherwise still counts by them."""
    docs = {
        "설치.md": "# 설치\n\nThe package manager installs a worker process for the docs. 설치는 패키지 관리자로 한다.\n"
    }
    eng = corpus_engine(settings, analyzer, tmp_path / "install", docs)
    assert eng.retriever.search("docker 설치", 3).coverage < 1.0
    assert eng.retriever.search("패키지 설치", 3).coverage == pytest.approx(1.0)


#: Answers exactly when the best passage's cosine is above 0.3 (whatever the mode ranks by).
BY_COSINE = AbstentionRule(bias=-3.0, w_dense=10.0, w_coverage=0.0)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_every_mode_reads_the_cosine_for_abstention(settings: Settings, analyzer: KoreanAnalyzer, mode: str) -> None:
    eng = built_engine(settings, analyzer, BY_COSINE)
    answer = eng.ask(SUBWAY, mode=mode)  # type: ignore[arg-type]
    assert not answer.abstained  # BM25 ranks alone, but the cosine is still measured
    assert answer.citations[0].chunk_id == "서울.md#1"
    assert eng.retriever.search(SUBWAY, 1, mode=mode).hits[0].dense > 0.3  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Question forms and the schema


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("오름이란?", "definition"),
        ("메가 얼라이언스의 의미는?", "definition"),
        ("AI 원팀 전략이 무엇인가요?", "definition"),
        ("왜 서울에 사람이 많을까?", "reason"),
        ("한국이 뒤처진 이유는?", "reason"),
        ("격차가 생긴 원인은?", "reason"),
        ("서울에서 지하철을 어떻게 타나요?", "method"),
        ("격차를 줄이는 방법은?", "method"),
        ("경쟁력을 확보하려면?", "method"),
        ("제주의 산업에는 어떤 것들이 있나?", "list"),
        ("한국 AI 동맹의 종류는?", "list"),
        ("투자 격차의 주요 요소는?", "list"),
        ("서울과 제주의 차이는?", "comparison"),
        ("한국과 미국의 AI 전략을 비교해 줘", "comparison"),
        ("유럽은 미국과 어떻게 다른가?", "comparison"),  # comparison wins over method
        ("왜 둘을 비교하나요?", "comparison"),  # ... and over reason
        ("해외랑 한국 AI 동맹은 뭐가 달라?", "comparison"),
        ("둘이 어떻게 다른지 알려줘", "comparison"),
        ("다른 방법은?", "method"),  # another one, not a comparison
        (SUBWAY, "general"),
        ("제주도 감귤", "general"),
        ("한강 이야기 좀 해 줘", "general"),
    ],
)
def test_question_form(question: str, form: str) -> None:
    assert question_form(question) == form


def test_answer_form_and_lead(engine: Engine) -> None:
    answer = engine.ask("제주도 경제를 살리는 방법은?")
    assert answer.form == "method"
    # its ways come from three documents: bullets, not numbered steps
    assert answer.summary.startswith("문서가 제시하는 방법:\n- ")
    assert not any(line.startswith("1. ") for line in answer.summary.splitlines())


def test_answer_json_round_trip(engine: Engine) -> None:
    answer = engine.ask(SUBWAY)
    again = Answer.model_validate_json(answer.model_dump_json())
    assert again == answer
    assert again.citations[0].section == "서울 안내 > 교통"
    assert again.timings["total_ms"] == answer.timings["total_ms"] > 0
    stages = ("embed_ms", "lexical_ms", "rank_ms", "summary_ms", "guide_ms")
    assert set(stages) <= set(answer.timings)  # each stage timed apart
    assert sum(answer.timings[k] for k in stages) <= answer.timings["total_ms"]


def test_abstained_answer_json_round_trip(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    answer = built_engine(settings, analyzer, ALWAYS).ask(SUBWAY)
    again = Answer.model_validate_json(answer.model_dump_json())
    assert again == answer and again.abstained


def test_the_first_sentence_answers(engine: Engine) -> None:
    answer = engine.ask("제주 해녀는 무엇을 따나요?")
    assert answer.summary_sentences[0].text == "해녀는 바다에 들어가 전복과 소라를 딴다."


def test_a_comparison_with_a_side_the_documents_lack_says_so(engine: Engine) -> None:
    answer = engine.ask("서울과 부산의 차이는?")
    assert answer.form == "comparison"
    # said first, once: not again as a note that the documents never write 부산
    assert answer.summary.splitlines()[1] == "- 문서에 부산에 대한 내용은 없습니다."
    assert "‘부산’" not in answer.summary
    assert all("부산" not in s.text for s in answer.summary_sentences)
    assert not any(line.startswith("- 서울:") for line in answer.summary.splitlines())  # every label would say 서울


def test_an_answer_about_a_subject_the_passages_lack_says_so(engine: Engine) -> None:
    answer = engine.ask("교통은?", context=Context(about=("부산",)))
    assert answer.summary_sentences == [] and "'부산'에 대한 내용을 찾지 못했습니다" in answer.summary
    assert not answer.abstained and answer.citations  # the passages searched are still shown


@pytest.mark.parametrize("question", ["What is this about?", "12345 !!! ???", "그게 뭐야?", "ㅋㅋㅋ", "?!"])
def test_odd_questions_get_an_answer_or_a_clear_abstention(
    settings: Settings, analyzer: KoreanAnalyzer, question: str
) -> None:
    engine = Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer)  # the shipped abstention rule
    engine.build_index()
    answer = engine.ask(question)
    assert answer.summary.strip()
    if answer.abstained:
        assert answer.summary.startswith((NOT_FOUND, NO_WORDS, "질문의 ‘")) and not answer.citations


def test_a_greeting_or_thanks_is_answered_as_such(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    engine = Engine(settings.model_copy(update={"abstain": False}), embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    thanks = engine.ask("고마워요")  # not searched for passages that share nothing with it, abstention off or not
    assert thanks.abstained and not thanks.citations and thanks.summary == SOCIAL_REPLIES["thanks"]
    hello = engine.ask("안녕하세요")
    assert hello.summary.startswith("안녕하세요. 이 문서") and hello.summary.endswith("궁금한 것을 물어봐 주세요.")
    assert hello.suggestions  # questions the documents answer
    assert not engine.ask("제주도 여행 고마운 점").abstained  # with other words, it is a question
    assert engine.ask("thanks").summary == SOCIAL_REPLIES["thanks"]  # no hint to ask in Korean
    # asked what it can be asked: not "찾은 문서에는 이 질문에 대한 내용이 없습니다", but what they cover
    what = engine.ask("무엇을 물어볼 수 있어?")
    assert what.summary.startswith(SOCIAL_REPLIES["help"] + " 이 문서") and what.suggestions


class _Recording(FakeEmbedder):
    """Records the texts it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str], kind: str, *, progress: bool = False) -> np.ndarray:
        self.texts += texts
        return super().embed(texts, kind, progress=progress)


@pytest.mark.parametrize("message", ["고마워요", "ㅋㅋㅋ", "그게 뭐야?"])
def test_a_message_that_cannot_be_searched_is_not(settings: Settings, analyzer: KoreanAnalyzer, message: str) -> None:
    """Thanks, symbols alone, a pronoun pointing at nothing: the answer never reads passages, so
    the message is neither embedded nor searched."""
    embedder = _Recording()
    engine = Engine(settings, embedder=embedder, analyzer=analyzer)
    engine.build_index()
    embedder.texts.clear()
    answer = engine.ask(message)
    assert answer.abstained and message not in embedder.texts
    assert "embed_ms" not in answer.timings and answer.timings["total_ms"] > 0
    asked = engine.ask("제주도 여행은 언제가 좋아요?")
    assert "제주도 여행은 언제가 좋아요?" in embedder.texts and "embed_ms" in asked.timings


@pytest.mark.parametrize("question", ["ㅋㅋㅋ", "ㅠㅠ", "^^"])
def test_a_question_made_only_of_symbols_says_there_is_nothing_to_look_for(
    settings: Settings, analyzer: KoreanAnalyzer, question: str
) -> None:
    engine = Engine(settings.model_copy(update={"abstain": False}), embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    answer = engine.ask(question)  # abstains although abstention is off: whatever passage is closest answers nothing
    assert answer.abstained and not answer.citations and answer.summary_sentences == []
    assert answer.summary.startswith(NO_WORDS) and "다룹니다" in answer.summary  # then what the documents cover
    assert answer.abstain_reason == "the question holds no word, only symbols"
    # a word beside the symbols is searched
    assert not engine.ask(f"{question} 제주도").abstained


@pytest.mark.parametrize(
    ("question", "pronoun"), [("그게 뭐야?", "그것"), ("그건 어떻게 만들 수 있나요?", "그거"), ("거기는 어때?", "거기")]
)
def test_a_question_pointing_back_at_nothing_says_what_is_unclear(
    settings: Settings, analyzer: KoreanAnalyzer, question: str, pronoun: str
) -> None:
    engine = Engine(settings.model_copy(update={"abstain": False}), embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    answer = engine.ask(question)  # abstains although abstention is off: nothing says what it means
    assert answer.abstained and not answer.citations and answer.summary_sentences == []
    assert answer.summary.startswith(f"질문의 ‘{pronoun}’") and "무엇을 가리키는지 알 수 없습니다" in answer.summary
    assert pronoun in (answer.abstain_reason or "")
    # the same words naming what they point at are answered
    named = engine.ask(question, query=question.replace(question.split()[0], "제주도는"))
    assert not named.abstained and named.citations


def test_an_english_question_that_finds_nothing_says_korean_works_best(
    settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    engine = built_engine(settings, analyzer, ALWAYS)
    assert "한국어로 물으면 더 잘 찾습니다" in engine.ask("What is the capital of France?").summary
    assert "한국어로" not in engine.ask("프랑스의 수도는?").summary


@pytest.mark.parametrize("message", ["test", "hello world", "lorem ipsum dolor sit amet", "%s %d {0}", "A", "<b>x</b>"])
def test_a_message_in_latin_letters_that_asks_nothing_and_shares_no_word_abstains(
    settings: Settings, analyzer: KoreanAnalyzer, message: str
) -> None:
    """Whatever the rule says (``NEVER`` abstains), a message with no Hangul that shares no word of
    two letters or more with the passages found and reads as no question is not answered; one that
    asks, or names a word the documents write, is searched as before."""
    docs = {"철도.md": "# 철도\n\nKTX는 서울과 부산을 두 시간 반에 잇는다. 새마을호는 더 느리다.\n"}
    engine = corpus_engine(settings, analyzer, settings.index_dir.parent / "rail", docs)
    engine.rule = NEVER
    answer = engine.ask(message)
    assert answer.abstained and not answer.citations
    assert "한국어로 물으면 더 잘 찾습니다" in answer.summary
    assert (
        answer.abstain_reason == "no word of the question is in the passages found, and it does not read as a question"
    )
    for asked in ("What is KTX?", "KTX", f"{message}?", "Explain the train", "서울 부산 KTX"):
        assert not engine.ask(asked).abstained, asked


def test_a_question_of_two_thousand_characters_is_refused_clearly(engine: Engine) -> None:
    with pytest.raises(InvalidQuestionError, match="너무 깁니다"):
        engine.ask("가" * 2000)


def test_a_follow_ups_bigrams_come_from_its_nouns_without_their_particles(engine: Engine) -> None:
    retrieval = engine.retriever.search("서울 교통", 3)
    alone = engine.asked("서울은요?", retrieval, engine.index, "general")
    follow = engine.asked("서울은요?", retrieval, engine.index, "general", follow_up=True)
    assert "울은" in alone.bigrams  # a question of its own: its words as written
    assert follow.bigrams == {"서울"}  # a follow-up: its nouns alone


def test_only_a_question_asking_for_a_name_weighs_the_noun_the_answer_is_one_of(engine: Engine) -> None:
    """ "… 노선은 몇 개인가?" asks for a number of 노선: a sentence naming 노선 is the likelier answer;
    "… 노선을 늘리려면?" asks how, where a sentence naming 노선 answers no better than another."""
    retrieval = engine.retriever.search("서울 지하철 노선", 3)
    assert engine.asked("서울 지하철 노선은 몇 개인가?", retrieval, engine.index, "general").focus == "노선"
    assert engine.asked("서울 지하철 노선을 늘리려면?", retrieval, engine.index, "method").focus == ""


def test_the_summary_reads_the_question_vector_of_its_search(engine: Engine) -> None:
    """The similarity the summary may compare sentences with is the cosine of each sentence, as a
    passage, with the searched question's vector; a sentence embedded once is remembered."""
    import numpy as np

    retrieval = engine.retriever.search(SUBWAY, 3)
    assert retrieval.vector is not None
    assert np.allclose(retrieval.vector, engine.embedder.embed([SUBWAY], "query")[0])
    asked = engine.asked(SUBWAY, retrieval, engine.retriever.index, question_form(SUBWAY))
    assert asked.similarity is not None
    texts = ["서울의 지하철은 아홉 개 노선으로 이루어져 있다.", "제주 해녀는 전복을 딴다."]
    expected = engine.embedder.embed(texts, "passage") @ retrieval.vector
    embedder = engine.embedder
    assert isinstance(embedder, FakeEmbedder)
    embedder.calls.clear()
    assert asked.similarity(texts) == pytest.approx(list(expected))
    assert asked.similarity(texts[:1]) == pytest.approx([expected[0]])
    assert embedder.calls == [("passage", 2)]  # the second time, remembered


def test_another_one_after_a_list_shown_without_its_connective_gives_the_other_items(
    tmp_path: Path, analyzer: KoreanAnalyzer
) -> None:
    """The list sentence was shown as "국내에서는 …" (its 또한 dropped): its avoided start lies inside
    the candidate, which still counts as shown, so the other items of it are the answer."""
    sentence = "또한, 국내에서는 SK텔레콤 주도의 'K-AI 얼라이언스', 코오롱베니트의 'AI 얼라이언스', 중소기업 중심의 'AX 얼라이언스' 등이 결성되었다."
    text = f"# 동맹\n\n한국 기업들은 AI 동맹을 맺고 있다. {sentence} 동맹의 목적은 규모 경쟁이다.\n"
    corpus = write_corpus(tmp_path / "corpus", {"alliances.md": text})
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, model=FAKE_MODEL, abstain=False)
    eng = Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer)
    eng.build_index()
    shown = ("alliances.md", text.index(sentence) + len("또한, "))
    other = eng.ask(
        "다른 예는?", query="SK텔레콤 주도 AI 동맹", context=Context(avoid=frozenset({shown}), another=True)
    )
    assert [s.text for s in other.summary_sentences] == [
        "코오롱베니트의 'AI 얼라이언스'",
        "중소기업 중심의 'AX 얼라이언스'",
    ]


def engine_over(corpus: Path, docs: dict[str, str], analyzer: KoreanAnalyzer) -> Engine:
    """An engine, abstention off, over a folder of ``docs`` (file name → text) written at ``corpus``, indexed."""
    write_corpus(corpus, docs)
    settings = Settings(
        index_dir=corpus.parent / "index",
        corpus_dir=corpus,
        model=FAKE_MODEL,
        cache_dir=corpus.parent / "cache",
        abstain=False,
    )
    engine = Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    return engine


def test_a_sentence_a_file_wraps_over_lines_is_shown_whole(tmp_path: Path, analyzer: KoreanAnalyzer) -> None:
    """A hard-wrapped text file: the answer's sentence is the whole sentence, not the piece on one line."""
    engine = engine_over(
        tmp_path / "wrapped",
        {
            "출장.txt": "출장 규정\n이 규정은 회사의 출장 여비 지급 기준을 정하고 출장자가 지켜야 할\n"
            "사항을 규정합니다. 숙박비와 교통비를 포함한 출장비는 영수증을 첨부해\n"
            "실비로 정산합니다.\n",
            "휴가.txt": "휴가 규정\n연차 휴가는 입사일을 기준으로 매년 부여하며 사용하지 않은 휴가는\n"
            "다음 해로 이월하지 않습니다.\n",
        },
        analyzer,
    )
    answer = engine.ask("출장비는 어떻게 정산하나요?")
    texts = [s.text for s in answer.summary_sentences]
    assert "숙박비와 교통비를 포함한 출장비는 영수증을 첨부해 실비로 정산합니다." in texts
    cited = answer.citations[0]
    assert "첨부해 실비로" in cited.passage  # the passage reads as one paragraph too


def test_a_faq_answers_with_its_answer_not_its_question(tmp_path: Path, analyzer: KoreanAnalyzer) -> None:
    """A FAQ's question shares the most words with the one asked, yet answers nothing."""
    engine = engine_over(
        tmp_path / "faq",
        {
            "faq.txt": "자주 묻는 질문\n\n1. 데비안 CD를 만들고 팔 수 있나요?\n"
            "네. 릴리스한 것을 배포하는 데는 허가가 필요하지 않으며, 라이선스를 지키면 됩니다.\n\n"
            "2. 데비안은 어떻게 발음하나요?\n뎁-이안이라고 읽으며, 두 사람의 이름에서 왔습니다.\n",
        },
        analyzer,
    )
    answer = engine.ask("데비안 CD 만들어서 팔 수 있나요?")
    texts = [s.text for s in answer.summary_sentences]
    assert texts and not any(t.endswith("?") for t in texts)
    assert texts[0].startswith("릴리스한 것을 배포하는 데는")


_CONTENTS = "목차\n\n출장비 정산 방법과 기한 안내... 그리고 예외\n\n휴가 신청 방법 안내\n\n"
_NUMBERED_CONTENTS = "목차\n\n1. 출장비 정산 방법과 기한 안내... 그리고 예외\n\n2. 휴가 신청 방법 안내\n\n"
_SECTIONS = (
    "## 출장비 정산 방법과 기한 안내... 그리고 예외\n\n출장비는 영수증을 첨부해 출장이 끝난 뒤 7일 안에 실비로 정산합니다.\n\n"
    "## 휴가 신청 방법 안내\n\n휴가는 사흘 전까지 팀장에게 신청합니다.\n"
)


@pytest.mark.parametrize(
    "docs",
    [
        {"안내.md": "# 출장 안내\n\n" + _CONTENTS + _SECTIONS},  # the contents of the document itself
        {"목차.md": "# 목차\n\n" + _CONTENTS, "안내.md": "# 출장 안내\n\n" + _SECTIONS},  # a page of contents
        # numbered otherwise in the contents than in the headings ("1. …" for "1장. …")
        {"안내.md": "# 출장 안내\n\n" + _NUMBERED_CONTENTS + _SECTIONS.replace("## ", "## 1장. ", 1)},
    ],
)
def test_a_table_of_contents_line_is_not_an_answer(
    tmp_path: Path, analyzer: KoreanAnalyzer, docs: dict[str, str]
) -> None:
    """A contents line repeats a heading word for word: it names the section and says nothing of it."""
    engine = engine_over(tmp_path / "toc", docs, analyzer)
    answer = engine.ask("출장비 정산 방법과 기한")
    texts = [s.text for s in answer.summary_sentences]
    assert texts[0].startswith("출장비는 영수증을 첨부해")
    assert not any("출장비 정산 방법과 기한 안내" in t for t in texts)  # nor a sentence of the line


def test_a_faq_in_questions_and_answers_answers_with_the_answer_line(tmp_path: Path, analyzer: KoreanAnalyzer) -> None:
    """Each "Q." line heads its answer, so the answer that does not repeat the question's words is
    still found under it; the "A." mark is not shown."""
    text = (
        "인사 규정 자주 묻는 질문\n\n"
        "Q. 연차 휴가는 언제부터 생기나요?\n"
        "A. 입사 후 1개월 개근 시 1일의 유급휴가가 생기며, 입사 1년이 지나면 15일이 생깁니다.\n\n"
        "Q. 남은 연차는 다음 해로 넘어가나요?\n"
        "A. 사용하지 않은 연차는 이월되지 않으며, 쓰지 않은 연차는 수당으로 지급하지 않습니다.\n"
    )
    engine = engine_over(tmp_path / "faq", {"인사.txt": text}, analyzer)
    answer = engine.ask("연차 언제부터 생겨요?")
    assert answer.summary_sentences[0].text.startswith("입사 후 1개월 개근 시")
    assert not any(s.text.startswith(("A.", "Q.")) for s in answer.summary_sentences)


def test_a_regulation_is_cited_by_its_article_and_shown_without_paragraph_numbers(
    tmp_path: Path, analyzer: KoreanAnalyzer
) -> None:
    """Each article ("제21조(경조휴가)") is a section: the answer cites the article it comes from,
    and its sentences are shown without their paragraph's circled number."""
    text = (
        "취업규칙\n\n제3장 휴가\n\n"
        "제20조(연차유급휴가) ① 회사는 1년간 80퍼센트 이상 출근한 직원에게 15일의 유급휴가를 준다.\n"
        "② 사용하지 않은 연차휴가는 다음 해 3월 31일까지 이월하여 사용할 수 있다.\n\n"
        "제21조(경조휴가) ① 직원 본인이 결혼하는 경우 5일의 경조휴가를 준다.\n"
        "② 부모가 사망한 경우 5일의 경조휴가를 준다.\n\n"
        "제4장 임금\n\n"
        "제30조(임금의 지급) 임금은 매월 25일에 직원 본인 명의의 계좌로 지급한다.\n"
    )
    engine = engine_over(tmp_path / "rules", {"취업규칙.txt": text}, analyzer)
    answer = engine.ask("결혼하면 경조휴가 며칠이야?")
    first = answer.summary_sentences[0]
    assert first.text == "직원 본인이 결혼하는 경우 5일의 경조휴가를 준다."
    cited = next(c for c in answer.citations if c.n == first.citation)
    assert cited.section == "제3장 휴가 > 제21조(경조휴가)"
    assert not any(s.text.startswith(("①", "②")) for s in answer.summary_sentences)


def test_a_markdown_tables_row_answers_without_its_header_or_rule(tmp_path: Path, analyzer: KoreanAnalyzer) -> None:
    """The row that holds what is asked leads, read as a whole record; the header row (labels
    only) and the row of dashes under it are never shown, nor the row's outer bars."""
    text = (
        "# 요금제 안내\n\n"
        "| 요금제 | 월 요금 | 저장 용량 | 동시 접속 | 고객 지원 |\n"
        "|---|---|---|---|---|\n"
        "| 베이직 | 무료 | 5GB | 1대 | 이메일 |\n"
        "| 프로 | 19,900원 | 2TB | 5대 | 24시간 전화 |\n\n"
        "결제 후 7일 이내에 해지하면 전액 환불됩니다.\n"
    )
    engine = engine_over(tmp_path / "plans", {"요금제.md": text}, analyzer)
    texts = [s.text for s in engine.ask("프로 요금제 얼마예요?").summary_sentences]
    assert texts[0] == "프로 | 19,900원 | 2TB | 5대 | 24시간 전화"
    assert not any("---" in t or t.startswith(("|", "요금제 | 월 요금")) for t in texts)


def test_a_compound_read_in_pieces_in_the_question_finds_the_word_the_documents_write(
    tmp_path: Path, analyzer: KoreanAnalyzer
) -> None:
    """ "재택근무가능한가요" reads 재택, 근무, 가능; the documents hold 재택근무 as one word. Joined for
    the search, it finds the passage that says so first (근무 alone ranks the one that names work
    the most)."""
    docs = {
        "근무.txt": "재택근무는 주 2일까지 허용하며, 전날까지 근태 시스템에 신청하여야 한다.\n",
        "병가.txt": "업무 외 질병으로 근무할 수 없는 직원은 연간 30일 이내의 병가를 신청할 수 있다.\n",
        "적용.txt": "이 규칙은 회사에 근무하는 모든 직원에게 적용한다.\n",
    }
    engine = engine_over(tmp_path / "rules", docs, analyzer)
    answer = engine.ask("재택근무가능한가요")
    assert answer.citations[0].doc_id == "근무.txt"
    assert answer.summary_sentences[0].text == "재택근무는 주 2일까지 허용하며, 전날까지 근태 시스템에 신청하여야 한다."


PLAN = (
    "2025년 AI 바우처 지원사업 추진계획\n\n"
    "Ⅰ. 추진 배경\n\n"
    "□ 중소기업의 AI 도입률은 6.2%로 대기업 대비 현저히 낮은 수준\n"
    " ○ 비용 부담과 전문 인력 부족이 도입의 주요 걸림돌로 지적됨\n\n"
    "Ⅱ. 사업 개요\n\n"
    "□ 지원 대상: AI 솔루션 도입을 희망하는 중소기업\n"
    "□ 지원 규모: 총 300억 원, 약 400개 기업\n\n"
    "Ⅲ. 추진 일정\n\n"
    "□ 협약 체결 및 사업 수행: 2025년 5월 ~ 11월\n"
    " ※ 사업 기간 내 솔루션 도입을 완료하지 못하면 지원금이 환수될 수 있음\n\n"
    "Ⅳ. 신청 방법\n\n"
    "□ 사업 관리 시스템에서 온라인 신청\n"
)


def test_a_why_question_raises_the_reasons_of_the_documents_found(tmp_path: Path, analyzer: KoreanAnalyzer) -> None:
    """Asked why, the 추진 배경 of the plan found rises among the passages; the 목적 of a document
    not found stays where it was."""
    rules = "# 요금제 안내\n\n## 도입 목적\n\n요금제는 베이직과 프로 두 가지입니다.\n\n## 요금\n\n프로는 월 9,900원입니다.\n"
    engine = engine_over(tmp_path / "plan", {"AI바우처_추진계획.txt": PLAN, "요금제.md": rules}, analyzer)

    def ranked(reasons: bool) -> list[tuple[str, float]]:
        with engine.snapshot() as retriever:
            hits = retriever.search("왜 이 사업을 해?", 6, reasons=reasons, diversify=False).hits
        return [(h.chunk.section.rsplit(" > ", 1)[-1], h.score) for h in hits]

    before, after = ranked(False), ranked(True)
    place = [s for s, _ in before].index, [s for s, _ in after].index
    assert place[1]("Ⅰ. 추진 배경") < place[0]("Ⅰ. 추진 배경")
    assert dict(after)["도입 목적"] == dict(before)["도입 목적"]


@pytest.mark.parametrize(
    ("section", "gives"),
    [
        ("Ⅰ. 추진 배경", True),
        ("제안이유 및 주요내용", True),  # a bill's reasons and main points
        ("제1조(목적)", True),
        ("Ⅰ. 추진 배경 > 1. 시장 현황", True),
        ("추진 배경 및 현황", True),
        ("1. 국군부대 파견 목적 및 경과 > 나. 파견 배경 및 경과", False),  # a timeline of events
        ("Ⅳ. 신청 방법", False),
    ],
)
def test_a_heading_gives_reasons_unless_it_is_a_timeline(section: str, gives: bool) -> None:
    assert gives_reasons(section) is gives


#: A page of a manual on something else, next to the page asked about.
KEYBOARD = "키보드 배치\n\n키보드 배치를 바꿀 수 있습니다. 입력 소스에서 배치를 추가합니다.\n"


def test_a_procedure_the_answer_shows_is_shown_to_its_step_that_does_it(
    tmp_path: Path, analyzer: KoreanAnalyzer
) -> None:
    """Asked in a user's words, the answer says what can be done, then the steps that do it: steps 1
    and 2 alone would stop before the step that swaps the buttons (3.); the steps go on to it, in
    order, before a remark that only follows them."""
    page = (
        "마우스 단추 바꾸기\n\n마우스의 왼쪽 오른쪽 단추 동작을 서로 바꿔 왼손잡이 사용자에게 편하게 할 수 있습니다.\n\n"
        "1. 현재 활동 개요를 열고 마우스 입력을 시작합니다.\n2. 마우스를 눌러 설정 창을 엽니다.\n"
        "3. 일반 섹션에서 기본 단추를 오른쪽으로 눌러 전환합니다.\n4. 창을 닫습니다.\n\n"
        "이 설정은 마우스와 터치패드, 기타 포인팅 장치에 영향을 줍니다.\n"
    )
    engine = engine_over(tmp_path / "mouse", {"mouse.txt": page, "keyboard.txt": KEYBOARD}, analyzer)
    said = [s.text for s in engine.ask("왼손잡이라 마우스 단추 좌우 바꾸고 싶어요").summary_sentences]
    steps = [s[:2] for s in said if s[:1].isdigit()]
    assert steps == ["1.", "2.", "3."]
    assert said[0].startswith("마우스의 왼쪽 오른쪽 단추")


def test_a_lead_that_is_no_step_is_followed_by_its_pages_procedure(tmp_path: Path, analyzer: KoreanAnalyzer) -> None:
    """ "모니터 해상도 어디서 바꿔": the sentences on 해상도 lead, and none of the steps is chosen (they
    hardly say the question's words); the procedure of the page follows them, each step on a line
    of its own, since the step that does it (3.) is what the reader came for."""
    page = (
        "화면 해상도 바꾸기\n\n모니터의 해상도는 화면에 보이는 요소의 크기를 정합니다. "
        "모니터마다 가장 선명한 해상도가 있습니다.\n\n"
        "1. 현재 활동 개요를 열고 디스플레이 입력을 시작합니다.\n2. 디스플레이를 눌러 창을 엽니다.\n"
        "3. 방향과 배율을 고릅니다.\n4. 적용을 누릅니다.\n"
    )
    engine = engine_over(tmp_path / "screen", {"screen.txt": page, "keyboard.txt": KEYBOARD}, analyzer)
    answer = engine.ask("모니터 해상도 어디서 바꿔")
    said = [s.text for s in answer.summary_sentences]
    assert not said[0][:1].isdigit()
    assert [s[:2] for s in said if s[:1].isdigit()] == ["1.", "2.", "3.", "4."]
    lines = answer.summary.splitlines()
    assert [line[:2] for line in lines[1:]] == ["1.", "2.", "3.", "4."]
    assert lines[0].startswith(said[0])


def test_a_faqs_answer_is_shown_with_the_sentences_around_its_lead(tmp_path: Path, analyzer: KoreanAnalyzer) -> None:
    """Under a heading that asks, the lead's neighbours there are the rest of the answer: they follow
    it, before a sentence of another document that shares as many of the question's words."""
    faq = (
        "# 릴리스 FAQ\n\n## stable에 새 기능이 들어가나요?\n\n"
        "새 기능은 들어가지 않습니다. stable은 보안 업데이트만 받습니다. 업데이트는 보안 저장소로 나옵니다.\n\n"
        "## 어떻게 발음하나요?\n\n뎁-이안이라고 읽습니다.\n"
    )
    news = "업데이트 소식\n\nstable 사용자를 위한 업데이트 안내 모임이 열립니다. 업데이트 일정은 달마다 바뀝니다.\n"
    engine = engine_over(tmp_path / "faq", {"faq.md": faq, "news.txt": news}, analyzer)
    said = [s.text for s in engine.ask("stable 쓰는데 업데이트는 뭐가 들어와요?").summary_sentences]
    assert said[0] == "stable은 보안 업데이트만 받습니다."
    assert said[1:3] == ["새 기능은 들어가지 않습니다.", "업데이트는 보안 저장소로 나옵니다."]


def test_the_sub_sections_of_a_section_asked_about_are_listed_in_their_order(
    tmp_path: Path, analyzer: KoreanAnalyzer
) -> None:
    """ "나아가야 할 방향은?" asks about a section whose sub-headings are its points: one sentence of each,
    in the document's order, whichever scored best; "첫 번째" is then the first of them."""
    report = (
        "# AI 보고서\n\n## 4. 한국이 나아가야 할 방향\n\n"
        "### 동맹 구축\n\n분산된 동맹을 하나로 묶는 연합체를 만들어야 합니다. 참여 기업을 넓혀야 합니다.\n\n"
        "### 정책 지원\n\n정부는 한국 AI 기업이 나아가야 할 방향에 맞는 정책을 마련해야 합니다.\n\n"
        "### 인프라 확충\n\n대규모 데이터셋과 연산 자원을 확보해야 합니다.\n\n"
        "### 해외 진출\n\n한국 AI 기업은 국내에 머무르지 말고 해외로 나아가야 합니다.\n"
    )
    other = "투자 동향\n\n한국 기업들은 방향을 찾아 나아가야 할 때입니다. 투자 규모는 해마다 늘고 있습니다.\n"
    engine = engine_over(tmp_path / "report", {"report.md": report, "other.txt": other}, analyzer)
    answer = engine.ask("한국이 AI에서 나아가야 할 방향은 뭐예요?")
    said = [s.text for s in answer.summary_sentences]
    assert said == [
        "분산된 동맹을 하나로 묶는 연합체를 만들어야 합니다.",
        "정부는 한국 AI 기업이 나아가야 할 방향에 맞는 정책을 마련해야 합니다.",
        "대규모 데이터셋과 연산 자원을 확보해야 합니다.",
        "한국 AI 기업은 국내에 머무르지 말고 해외로 나아가야 합니다.",
    ]
    # each point under its sub-heading, in the document's order
    assert [line.split(":")[0] for line in answer.summary.splitlines()[1:]] == [
        "1. 동맹 구축",
        "2. 정책 지원",
        "3. 인프라 확충",
        "4. 해외 진출",
    ]


@pytest.mark.parametrize(
    ("sentence", "topic"),
    [
        ("유럽은 윤리적 규제를 중시한다.", "유럽"),
        ("미국의 대형 기업들은 AI 기술을 빠르게 시장에 적용한다.", "미국"),  # a topic 미국 owns
        ("한국의 AI 원팀 전략은 연합전선이다.", "한국"),
        ("미국의 기업과 한국이 협력한다.", None),  # 미국's 기업 is not the subject: 한국 joins it
        ("대기업들은 협력을 강화한다.", None),
    ],
)
def test_the_name_a_sentence_is_about(engine: Engine, sentence: str, topic: str | None) -> None:
    assert engine._owner(sentence) == topic
    # what a name owns is not the name itself where a lead is weighed: "누구의 처벌 수위를 …?" is
    # answered by "미네르바의 처벌 수위가 …"
    assert engine._topic(sentence) == (None if "의 " in sentence else topic)


def test_an_answer_names_the_question_words_no_document_writes(engine: Engine) -> None:
    """ "지하철 주차장 할인 요금 있어?": no document writes 주차장, 할인 or 요금, and the answer is only the
    nearest there is; it ends by saying so (the reader may ask in the documents' words). Words the
    documents write, and a noun said as a predicate ("가능해요?"), are not named."""
    answer = engine.ask("지하철 주차장 할인 요금 있어?")
    assert not answer.abstained
    note = "\n\n참고: 문서에는 ‘주차장’, ‘할인’, ‘요금’이라는 말이 나오지 않습니다."
    assert answer.summary.endswith(note), answer.summary
    assert "주차장" not in " ".join(s.text for s in answer.summary_sentences)  # a note, not a summary sentence
    assert "참고:" not in engine.ask(SUBWAY).summary
    # a follow-up's condition no document writes is named, however much of the rest they hold
    narrowed = engine.ask(
        "주차장 지하철 노선", query="주차장 지하철 노선", context=Context(narrowed=("주차장",))
    ).summary
    assert narrowed.endswith("\n\n참고: 문서에는 ‘주차장’이라는 말이 나오지 않습니다."), narrowed
    assert "참고:" not in engine.ask("주차장 지하철 노선", query="주차장 지하철 노선").summary
    # a name in Latin letters no document writes is named too, however much of the rest they hold
    latin = engine.ask("지하철 노선 docker").summary
    assert latin.endswith("\n\n참고: 문서에는 ‘docker’(이)라는 말이 나오지 않습니다."), latin
    assert "참고:" not in engine.ask("지하철 노선 could").summary  # a word of English, not a name
    mixed = engine.ask("what is 지하철 주차장 할인 요금?").summary  # nor one of a question half in English
    assert mixed.endswith("\n\n참고: 문서에는 ‘주차장’, ‘할인’, ‘요금’이라는 말이 나오지 않습니다."), mixed
    words = engine_module._written_words
    tokens = engine.analyzer.tokens
    assert words("재택 가능해요?", tokens("재택 가능해요?"), {"재택", "가능"}) == ["재택"]
    assert words("육아휴직 며칠?", tokens("육아휴직 며칠?"), {"육아", "휴직"}) == ["육아휴직"]  # one word, as written
    assert words("4K 모니터", tokens("4K 모니터"), {"k"}) == []  # not a letter alone


def test_a_name_in_two_scripts_no_document_writes_is_named(tmp_path: Path, analyzer: KoreanAnalyzer) -> None:
    """ "오픈AI": the documents write 오픈소스 and AI, so each of its morphemes is found, but never the
    name; the answer says so. "AI투자" is written "AI 투자" there: not named. "K-AI" is written.
    "cd롬" is not, but the rest of the question is."""
    docs = {"ai.txt": "AI 투자\n\n오픈소스 전략으로 AI 투자 규모를 키운다. SK텔레콤은 'K-AI 얼라이언스'를 이끈다.\n"}
    engine = engine_over(tmp_path / "ai", docs, analyzer)
    note = "\n\n참고: 문서에는 ‘오픈AI’라는 말이 나오지 않습니다."
    assert engine.ask("오픈AI 투자 규모는?").summary.endswith(note)
    assert "참고:" not in engine.ask("AI투자 규모는?").summary
    assert "참고:" not in engine.ask("K-AI 얼라이언스 투자 규모는?").summary
    # a name ending in Hangul may be a word read aloud (cd롬 for the CD-ROM written): named only when
    # much of the question is not written
    assert "cd롬" not in engine.ask("오픈소스 전략 AI 투자 규모 cd롬").summary
    assert engine.index.store.writes("k-ai") and not engine.index.store.writes("100%_")


def test_the_most_of_a_long_sheet_is_the_most_of_all_its_rows(
    settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    """A sheet of 60 rows is written as tables of a few rows, each its own passage: "제일 싼 상품" was
    the cheapest of the passage found (one, here), not of the sheet; the passage holding the
    cheapest is read and cited too."""
    rows = [f"상품{i} | {(i % 7 + 2) * 1000:,}원 | {i}개" for i in range(60)]
    rows[47] = "상품47 | 500원 | 47개"  # the cheapest, far down
    docs = {"재고.csv": "상품명,가격,재고\n" + "\n".join(",".join(f'"{c}"' for c in r.split(" | ")) for r in rows)}
    eng = corpus_engine(settings, analyzer, tmp_path / "sheet", docs, top_k=1, abstain=False, chunk_size=300)
    assert eng.index.store.chunk_counts()["재고.csv"] > 3
    answer = eng.ask("제일 싼 상품 뭐야?")
    assert answer.summary.startswith("“상품47” — 가격: 500원"), answer.summary
    cited = next(c for c in answer.citations if c.n == answer.summary_sentences[0].citation)
    assert "상품47 | 500원" in cited.passage


def test_an_answer_names_its_opening_topic_when_no_document_writes_it(tmp_path: Path, analyzer: KoreanAnalyzer) -> None:
    """ "인도는 AI 투자 규모를 키우나?": the documents hold the rest of the question, not 인도; the answer
    is about AI investment elsewhere and says that no document writes 인도. A proper noun is named
    wherever it stands ("인도의 …", "… 인도 AI 투자"); a common noun only as the topic the question
    opens with ("반도체 AI 투자 규모" gets no note: the rest of the question is written). A topic the
    documents write inside a longer word (크롬 of 크롬북) or in two words (존 브라운) is not named."""
    docs = {
        "ai.txt": "AI 투자\n\n정부는 AI 투자 규모를 키우고 인재를 기른다. 기업들은 크롬북으로 AI 교육을 한다. "
        "존 브라운은 AI 투자를 줄였다.\n",
        "data.txt": "데이터\n\n데이터센터를 짓고 공공 데이터를 연다. 클라우드 인프라도 넓힌다.\n",
    }
    engine = engine_over(tmp_path / "ai", docs, analyzer)
    note = "\n\n참고: 문서에는 ‘인도’라는 말이 나오지 않습니다."
    topic = engine.ask("인도는 AI 투자 규모를 키우나?")
    assert not topic.abstained and topic.summary.endswith(note), topic.summary
    assert "참고:" not in engine.ask("크롬은 AI 교육에 쓰이나?").summary
    assert engine.ask("인도의 AI 투자 규모는 키우나?").summary.endswith(note)
    assert engine.ask("정부 말고 인도 AI 투자 규모를 키우나?").summary.endswith(note)
    assert "참고:" not in engine.ask("반도체 AI 투자 규모를 키우나?").summary
    assert "참고:" not in engine.ask("존브라운은 AI 투자 규모를 키우나?").summary  # written in two words


def test_an_ellipsis_asking_a_value_of_its_own_keeps_its_form(engine: Engine) -> None:
    """ "숙박비는 얼마까지?" after "출장비 어떻게 정산해?" asks a sum: it was laid out as the way to do it
    ("문서가 제시하는 방법:"), the form of the question it goes on from. A bare ellipsis ("그럼 숙박비는?")
    still asks what the question before asked."""
    before = Context(like="출장비 어떻게 정산해?")
    assert engine.ask("숙박비는 얼마까지?", query="출장비 정산 숙박비", context=before).form == "general"
    assert engine.ask("그럼 숙박비는?", query="출장비 정산 숙박비", context=before).form == "method"
    assert engine.ask("그럼 숙박비는?", query="출장비 정산 숙박비", context=Context(like="왜 필요해?")).form == "reason"


def test_an_english_question_is_searched_by_the_vector_of_its_topic(
    settings: Settings, analyzer: KoreanAnalyzer, tmp_path: Path
) -> None:
    """ "… the essay recommends?" is embedded as "What is the niche marketing strategy?": the words
    about the documents name no topic (``questions.without_document_words``)."""
    docs = {"전략.md": "# 전략\n\n한국 기업들은 특정 분야에 집중하는 니치 마케팅 전략을 채택해야 합니다.\n"}
    eng = corpus_engine(settings, analyzer, tmp_path / "essays", docs)
    asked = eng.retriever.search("What is the niche marketing strategy the essay recommends?", 1)
    plain = eng.embedder.embed(["What is the niche marketing strategy?"], "query")[0]
    assert asked.vector is not None and np.allclose(asked.vector, plain)


def test_a_rule_is_built_from_and_written_as_its_weights_by_signal() -> None:
    weights = {name: float(i + 1) for i, name in enumerate(SIGNALS)}
    rule = AbstentionRule.from_weights(-2.5, weights, threshold=0.2, caution=0.35)
    assert rule.weights() == weights  # each signal's weight lands in its own field
    assert (rule.w_dense, rule.w_lift, rule.w_disagree) == (1.0, 2.0, 8.0)
    assert (rule.bias, rule.threshold, rule.caution) == (-2.5, 0.2, 0.35)
    # the shipped rule round-trips through its code, as calibrate_abstention prints it
    written = DEFAULT_RULE.code()
    assert written.startswith("AbstentionRule(bias=")
    assert eval(written, {"AbstentionRule": AbstentionRule}) == DEFAULT_RULE
