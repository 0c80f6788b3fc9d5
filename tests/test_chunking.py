"""Chunking: exact golden chunks, spans that slice back, whole sentences, headings and tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest.documents import Document
from assistant.ingest.files import load_corpus, load_document
from assistant.text.chunking import Chunk, Chunker
from assistant.text.korean import KoreanAnalyzer

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ALLIANCE = CORPUS / "한국의_AI_원팀_전략과_해외_AI_동맹_비교.txt"
INVESTMENT = CORPUS / "글로벌_AI_투자_격차와_한국의_생존_전략.txt"

#: (chunk id, section path, text) of every chunk at chunk_size 80, overlap 0.
GOLDEN_CHUNKS = {
    "서울.md": [
        ("서울.md#0", "서울 안내", "서울은 대한민국의 수도이다. 한강이 도시를 가로질러 흐른다."),
        (
            "서울.md#1",
            "서울 안내 > 교통",
            "서울의 지하철은 아홉 개 노선으로 이루어져 있다. 버스는 간선과 지선으로 나뉜다.",
        ),
        (
            "서울.md#2",
            "서울 안내 > 음식",
            "서울에서는 떡볶이와 김밥을 쉽게 먹을 수 있다. 광장시장은 빈대떡으로 유명하다.",
        ),
    ],
    "제주.txt": [
        ("제주.txt#0", "", "제주도는 한국에서 가장 큰 섬이다. 한라산이 섬 가운데에 솟아 있다."),
        (
            "제주.txt#1",
            "1. 자연",
            "제주도에는 오름이라 부르는 작은 화산이 360개가 넘는다. 해안에는 검은 현무암이 많다.",
        ),
        ("제주.txt#2", "2. 산업", "감귤 농사와 관광이 제주 경제의 중심이다. 해녀는 바다에 들어가 전복과 소라를 딴다."),
    ],
}

#: Spans of the sentences of each golden chunk, in document offsets.
GOLDEN_SENTENCES = {
    "서울.md#0": ((9, 24), (25, 42)),
    "서울.md#1": ((51, 78), (79, 96)),
    "서울.md#2": ((105, 131), (132, 149)),
    "제주.txt#0": ((0, 19), (20, 38)),
    "제주.txt#1": ((47, 79), (80, 96)),
    "제주.txt#2": ((105, 128), (129, 152)),
}

SEASONS = [
    "봄에는 벚꽃이 피어난다.",
    "여름에는 비가 자주 온다.",
    "가을에는 단풍이 붉어진다.",
    "겨울에는 눈이 많이 온다.",
    "사계절이 모두 아름답다.",
]

TABLE_INTRO = "표 앞의 문장이다. 표를 소개한다."
TABLE = (
    "구분 서울 부산\n"
    "인구 940만 명이다. 330만 명이다.\n"
    "면적 605 제곱킬로미터. 770 제곱킬로미터.\n"
    "특징 수도이다. 항구 도시이다."
)
TABLE_OUTRO = "표 뒤의 문장이다."


@pytest.fixture
def golden_docs(golden_corpus: Path) -> dict[str, Document]:
    docs, skipped = load_corpus(golden_corpus)
    assert skipped == []
    return {d.doc_id: d for d in docs}


def real_docs() -> list[Document]:
    return [load_document(path, CORPUS) for path in (ALLIANCE, INVESTMENT)]


def table_document() -> Document:
    text = f"{TABLE_INTRO}\n{TABLE}\n{TABLE_OUTRO}"
    start = text.index(TABLE)
    return Document("표.txt", "표.txt", "표", text, tables=[(start, start + len(TABLE))])


def heading_lines(doc: Document) -> list[tuple[int, int]]:
    """Spans of the whole lines holding the document's headings (markup such as ``##`` included)."""
    spans = []
    for h in doc.headings:
        start = doc.text.rfind("\n", 0, h.start) + 1
        end = doc.text.find("\n", h.end)
        spans.append((start, len(doc.text) if end < 0 else end))
    return spans


def assert_whole_sentences(doc: Document, chunks: list[Chunk], analyzer: KoreanAnalyzer) -> None:
    spans = analyzer.sentence_spans(doc.text)
    starts = {a for a, _ in spans}
    ends = {b for _, b in spans}
    for c in chunks:
        assert c.start in starts, (c.chunk_id, doc.text[c.start - 5 : c.start + 5])
        assert c.end in ends, (c.chunk_id, doc.text[c.end - 5 : c.end + 5])


# ---------------------------------------------------------------------------
# Golden corpus


@pytest.mark.parametrize("doc_id", sorted(GOLDEN_CHUNKS))
def test_golden_chunk_ids_sections_and_texts(
    golden_docs: dict[str, Document], analyzer: KoreanAnalyzer, doc_id: str
) -> None:
    chunks = Chunker(analyzer, 80, 0).chunk(golden_docs[doc_id])
    assert [(c.chunk_id, c.section, c.text) for c in chunks] == GOLDEN_CHUNKS[doc_id]
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert {c.doc_id for c in chunks} == {doc_id}
    assert {c.chunk_id: c.sentences for c in chunks} == {
        cid: GOLDEN_SENTENCES[cid] for cid, _, _ in GOLDEN_CHUNKS[doc_id]
    }


def test_golden_spans_slice_back_exactly(golden_docs: dict[str, Document], analyzer: KoreanAnalyzer) -> None:
    seoul = golden_docs["서울.md"]
    chunks = Chunker(analyzer, 80, 0).chunk(seoul)
    assert [(c.start, c.end) for c in chunks] == [(9, 42), (51, 96), (105, 149)]
    for doc in golden_docs.values():
        for c in Chunker(analyzer, 80, 0).chunk(doc):
            assert doc.text[c.start : c.end] == c.text
            for a, b in c.sentences:
                assert c.start <= a < b <= c.end


def test_markdown_heading_markup_stays_out_of_chunks(
    golden_docs: dict[str, Document], analyzer: KoreanAnalyzer
) -> None:
    chunks = Chunker(analyzer, 80, 0).chunk(golden_docs["서울.md"])
    assert all("#" not in c.text for c in chunks)


def test_golden_chunks_are_whole_sentences(golden_docs: dict[str, Document], analyzer: KoreanAnalyzer) -> None:
    for doc in golden_docs.values():
        assert_whole_sentences(doc, Chunker(analyzer, 80, 0).chunk(doc), analyzer)


def test_small_chunk_size_gives_one_sentence_per_chunk(
    golden_docs: dict[str, Document], analyzer: KoreanAnalyzer
) -> None:
    chunks = Chunker(analyzer, 30, 0).chunk(golden_docs["서울.md"])
    assert [(c.chunk_id, c.section, c.text) for c in chunks] == [
        ("서울.md#0", "서울 안내", "서울은 대한민국의 수도이다."),
        ("서울.md#1", "서울 안내", "한강이 도시를 가로질러 흐른다."),
        ("서울.md#2", "서울 안내 > 교통", "서울의 지하철은 아홉 개 노선으로 이루어져 있다."),
        ("서울.md#3", "서울 안내 > 교통", "버스는 간선과 지선으로 나뉜다."),
        ("서울.md#4", "서울 안내 > 음식", "서울에서는 떡볶이와 김밥을 쉽게 먹을 수 있다."),
        ("서울.md#5", "서울 안내 > 음식", "광장시장은 빈대떡으로 유명하다."),
    ]


def test_chunks_never_cross_a_heading(golden_docs: dict[str, Document], analyzer: KoreanAnalyzer) -> None:
    # Large enough to take a whole document if headings did not cut it.
    for doc in golden_docs.values():
        chunks = Chunker(analyzer, 2000, 0).chunk(doc)
        assert len(chunks) == 3
        for c in chunks:
            for a, b in heading_lines(doc):
                assert not (c.start < b and a < c.end), (c.chunk_id, doc.text[a:b])


# ---------------------------------------------------------------------------
# Overlap, repeated sentences


def seasons_document() -> Document:
    return Document("계절.txt", "계절.txt", "계절", " ".join(SEASONS))


def test_without_overlap_sentences_are_packed_once(analyzer: KoreanAnalyzer) -> None:
    chunks = Chunker(analyzer, 30, 0).chunk(seasons_document())
    s1, s2, s3, s4, s5 = SEASONS
    assert [c.text for c in chunks] == [f"{s1} {s2}", f"{s3} {s4}", s5]


@pytest.mark.parametrize(
    ("size", "overlap", "expected"),
    [
        (30, 15, [(0, 1), (1, 2), (2, 3), (3, 4)]),
        (45, 30, [(0, 1, 2), (1, 2, 3), (2, 3, 4)]),
    ],
)
def test_overlap_repeats_whole_trailing_sentences(
    analyzer: KoreanAnalyzer, size: int, overlap: int, expected: list[tuple[int, ...]]
) -> None:
    doc = seasons_document()
    chunks = Chunker(analyzer, size, overlap).chunk(doc)
    assert [c.text for c in chunks] == [" ".join(SEASONS[i] for i in run) for run in expected]
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        assert nxt.start < prev.end  # they overlap ...
        assert prev.end - nxt.start <= overlap  # ... by at most chunk_overlap characters
        assert nxt.start == prev.sentences[1][0]  # ... and by whole sentences
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
    assert_whole_sentences(doc, chunks, analyzer)


@pytest.mark.parametrize("overlap", [0, 12])
def test_repeated_sentences_get_their_own_spans(analyzer: KoreanAnalyzer, overlap: int) -> None:
    sentence = "반복되는 문장이다."
    doc = Document("반복.txt", "반복.txt", "반복", " ".join([sentence] * 3))
    chunks = Chunker(analyzer, 25, overlap).chunk(doc)
    expected = [(0, 21), (22, 32)] if overlap == 0 else [(0, 21), (11, 32)]
    assert [(c.start, c.end) for c in chunks] == expected
    covered = {s for c in chunks for s in c.sentences}
    assert covered == {(0, 10), (11, 21), (22, 32)}


# ---------------------------------------------------------------------------
# Tables


@pytest.mark.parametrize(("size", "overlap"), [(50, 0), (50, 20), (60, 30)])
def test_table_is_never_split(analyzer: KoreanAnalyzer, size: int, overlap: int) -> None:
    doc = table_document()
    t_start, t_end = doc.tables[0]
    assert t_end - t_start > size
    chunks = Chunker(analyzer, size, overlap).chunk(doc)
    assert [c.text for c in chunks] == [TABLE_INTRO, TABLE, TABLE_OUTRO]
    touching = [c for c in chunks if c.start < t_end and t_start < c.end]
    assert [(c.start, c.end) for c in touching] == [(t_start, t_end)]
    assert touching[0].sentences == ((t_start, t_end),)


def test_table_rows_would_split_without_the_table_span(analyzer: KoreanAnalyzer) -> None:
    doc = table_document()
    plain = Document(doc.doc_id, doc.path, doc.title, doc.text)  # same text, no table recorded
    t_start, t_end = doc.tables[0]
    chunks = Chunker(analyzer, 50, 0).chunk(plain)
    assert TABLE not in [c.text for c in chunks]
    assert any(t_start < cut < t_end for c in chunks for cut in (c.start, c.end))


# ---------------------------------------------------------------------------
# The real corpus


@pytest.mark.parametrize(("size", "overlap"), [(500, 100), (200, 50), (80, 0)])
def test_real_corpus_spans_sentences_and_headings(analyzer: KoreanAnalyzer, size: int, overlap: int) -> None:
    for doc in real_docs():
        chunks = Chunker(analyzer, size, overlap).chunk(doc)
        assert [c.chunk_id for c in chunks] == [f"{doc.doc_id}#{i}" for i in range(len(chunks))]
        for c in chunks:
            assert doc.text[c.start : c.end] == c.text
            for a, b in heading_lines(doc):
                assert not (c.start < b and a < c.end)
            before = [h for h in doc.headings if h.end <= c.start]
            if before:
                assert c.section.split(" > ")[-1] == max(before, key=lambda h: h.start).title
            else:
                assert c.section == ""
        assert_whole_sentences(doc, chunks, analyzer)
        # Nothing of the text is lost: every sentence outside the headings is in some chunk.
        covered = [False] * len(doc.text)
        for c in chunks:
            covered[c.start : c.end] = [True] * (c.end - c.start)
        heads = heading_lines(doc)
        for a, b in analyzer.sentence_spans(doc.text):
            if not any(ha <= a < hb for ha, hb in heads):
                assert all(covered[a:b]), doc.text[a:b]


@pytest.mark.parametrize(("size", "overlap"), [(500, 100), (80, 0)])
def test_real_corpus_section_of_data_paragraph(analyzer: KoreanAnalyzer, size: int, overlap: int) -> None:
    doc = load_document(ALLIANCE, CORPUS)
    hits = [c for c in Chunker(analyzer, size, overlap).chunk(doc) if "데이터셋 확보" in c.text]
    assert len(hits) == 1
    assert hits[0].section == "4. 한국이 나아가야 할 방향 > 데이터와 인프라 확충"


@pytest.mark.parametrize(("size", "overlap"), [(500, 100), (200, 50), (80, 0)])
def test_real_corpus_table_in_one_chunk(analyzer: KoreanAnalyzer, size: int, overlap: int) -> None:
    doc = load_document(ALLIANCE, CORPUS)
    first, last = "구분 한국 사례", "유럽은 윤리적 AI로 차별화된 진출 전략"
    start = doc.text.index(first)
    end = doc.text.index(last) + len(last)
    assert doc.tables == [(start, end)]
    chunks = Chunker(analyzer, size, overlap).chunk(doc)
    touching = [c for c in chunks if c.start < end and start < c.end]
    assert len(touching) == 1
    chunk = touching[0]
    assert chunk.start <= start and end <= chunk.end
    assert chunk.section == "3. 비교 분석: 해외와 한국 AI 동맹의 차이"
    assert (start, end) in chunk.sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (  # the quoted word opens the sentence after it, not the one before
            '효과 상자에서 유형을 선택합니다. "대문자"는 모든 문자를 대문자로 만듭니다. "제목"은 각 단어의 첫 문자를 대문자로 만듭니다.',
            [
                "효과 상자에서 유형을 선택합니다.",
                '"대문자"는 모든 문자를 대문자로 만듭니다.',
                '"제목"은 각 단어의 첫 문자를 대문자로 만듭니다.',
            ],
        ),
        (  # no sentence ends before the quoted mark: one sentence
            "ADDRESS 는 구분자로서 느낌표 '!' 를 사용하는 주소 문자열을 반환합니다.",
            ["ADDRESS 는 구분자로서 느낌표 '!' 를 사용하는 주소 문자열을 반환합니다."],
        ),
        ("단순한 문장이다. 다음 문장도 있다.", ["단순한 문장이다.", "다음 문장도 있다."]),
        (  # 또는 after a word the analyzer ends a sentence at, with no full stop, joins what it follows
            "와이파이 연결 안함 또는 이미 연결한 무선 네트워크 이름을 선택합니다. 메뉴가 펼쳐집니다.",
            ["와이파이 연결 안함 또는 이미 연결한 무선 네트워크 이름을 선택합니다.", "메뉴가 펼쳐집니다."],
        ),
        ("파일을 저장합니다. 또는 Ctrl+S를 누릅니다.", ["파일을 저장합니다.", "또는 Ctrl+S를 누릅니다."]),
        (  # a button's "+" or a note's "※" after a full stop opens the next sentence; the last keeps its own
            "DNS 서버의 IP 주소를 입력합니다. + 단추로 추가 주소를 입력합니다. ※ 재부팅합니다. =/<",
            ["DNS 서버의 IP 주소를 입력합니다.", "+ 단추로 추가 주소를 입력합니다.", "※ 재부팅합니다. =/<"],
        ),
        ('그가 말했다. "좋다." 그리고 갔다.', ["그가 말했다.", '"좋다."', "그리고 갔다."]),
        (  # a reference in brackets after a sentence with no full stop is its own, whatever stops inside
            "관리 시스템은 강력합니다 (7장. 패키지 관리 기초 참조). 다음 문장입니다.",
            ["관리 시스템은 강력합니다 (7장. 패키지 관리 기초 참조).", "다음 문장입니다."],
        ),
        (
            "괄호가 (열렸다. 그리고 닫히지 않는다.",
            ["괄호가 (열렸다.", "그리고 닫히지 않는다."],
        ),  # never closed: as read
    ],
)
def test_no_sentence_opens_with_the_particle_of_a_quoted_word(
    analyzer: KoreanAnalyzer, text: str, sentences: list[str]
) -> None:
    assert [text[a:b] for (a, b), _ in analyzer.sentences(text)] == sentences
