"""Hybrid retrieval: dense and BM25 candidates, score fusion, then MMR for diversity."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Container, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.embedding.base import Embedder
from assistant.options import MODES, Mode, check_choice
from assistant.search.abstain import DISAGREEMENT_POOL, UNWRITTEN_CAP
from assistant.search.fusion import get_fusion, minmax, mmr
from assistant.search.phrases import phrase_scores, question_words, word_pairs
from assistant.settings import Settings
from assistant.store.baseline import offtopic_cosine
from assistant.store.bm25 import BM25, join_known, split_unknown
from assistant.store.index import Index
from assistant.text.chunking import PATH_SEPARATOR, Chunk
from assistant.text.korean import NAME_TAGS, KoreanAnalyzer, first_readings
from assistant.text.loanwords import alternatives_with_spellings, spellings, spellings_by_term
from assistant.text.paraphrase import alternatives
from assistant.text.questions import FRAME_NOUNS, cross_script, has_hangul, topic_terms, without_document_words
from assistant.text.sentences import REASON_HEADINGS, char_bigrams


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its scores (``score`` is the fused one that ranks it)."""

    row: int
    chunk: Chunk
    score: float
    dense: float
    bm25: float
    bigram: float = 0.0


@dataclass
class Retrieval:
    """The ranked hits of one query and the signals the abstention rule reads."""

    query: str
    terms: list[str]
    hits: list[Hit]
    coverage: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    signals: dict[str, float] = field(default_factory=dict)  #: what the abstention rule reads (see abstain.SIGNALS)
    vector: np.ndarray | None = None  #: the query's vector
    #: the query's topic terms no document writes (:func:`lexical_coverage`): "주차장" in "회사 주차장 있어?"
    absent: list[str] = field(default_factory=list)


def lexical_coverage(
    index: Index,
    rows: list[int],
    terms: list[str],
    alternative_weight: float = 0.0,
    texts: Sequence[str] = (),
    read: Sequence[str] = (),
) -> tuple[float, list[str]]:
    """The idf-weighted share of the query's distinct topic terms that occur in at least one of the
    chunks, and the topic terms no document writes (the index does not know them and the chunks
    hold no word that says the same: an answer to the question is only the nearest there is).

    Words that only ask (무엇, 이유, 방법 …) do not count; a question made only of them
    falls back to all its terms. A Korean term the morpheme index misses still counts when at
    least 3/4 of its character bigrams occur (the analyzer may split a loanword
    differently in the question and in the documents; a word in Latin letters it reads whole,
    and the bigrams of "docker" are in any English text); a term found only as one of the words
    that say the same in documents (템플릿 → 서식, 비밀번호 → 암호: :mod:`~assistant.text.paraphrase`)
    counts ``alternative_weight`` of itself, as the search weighs those words; a term the index
    does not know weighs as a typical one (the median idf): it may be a word of the question's
    own, not a topic. A Korean word of two characters the index does not know counts when one of
    ``texts`` (the chunks') has a word opening with it: the analyzer reads a compound the
    dictionary knows whole in the documents ("재택근무는 …") and a question may say its first part
    alone ("재택 가능해요?"). A word in Latin letters the index does not know is one no
    document writes, whatever pieces of it it knows (``read``, the question's terms before the
    search split them: IMPORTRANGE is no import and range). A noun that only frames the topic
    (:data:`~assistant.text.questions.FRAME_NOUNS`: "담합 문제") counts when the chunks hold it and
    is left out when they do not; so is a verb no document uses (the question's own word for what
    the documents say otherwise: "한국은 뭘 배워야 해?", 배우다), unless nothing else is left.
    """
    topics = topic_terms(terms)
    unique = sorted(set(topics or terms))
    if not unique or not rows:
        return 0.0, []
    found = _presence(index, rows, unique, alternative_weight, texts)
    bm = index.bm25
    # a frame noun the passages do not write says nothing ("담합 문제": 담합), nor a verb no document
    # uses: the question's own word for what the documents say otherwise ("한국은 뭘 배워야 해?": 배우다)
    framing = [
        not f and (t in FRAME_NOUNS or (t.endswith("다") and t not in bm.vocab))
        for t, f in zip(unique, found, strict=True)
    ]
    if not all(framing):
        unique = [t for t, gone in zip(unique, framing, strict=True) if not gone]
        found = found[~np.array(framing)]
    weights = np.array([float(bm.idf[bm.vocab[t]]) if t in bm.vocab else bm.typical_idf for t in unique])
    coverage = float((weights * found).sum() / weights.sum()) if weights.sum() > 0 else float(np.mean(found))
    # a loanword the documents write in the other script (엑셀 → excel) is written, wherever it is
    spelled = spellings_by_term(unique, bm.vocab)
    absent = (
        [t for t, f in zip(unique, found, strict=True) if not f and t not in bm.vocab and t not in spelled]
        if topics
        else []
    )
    # a word in Latin letters is one name: the documents do not write IMPORTRANGE because they write
    # import and range (``read``: the question's terms before the search split them into known pieces)
    pieced = [t for t in dict.fromkeys(read) if _LATIN_WORD.fullmatch(t) and t not in bm.vocab and t not in terms]
    absent += [t for t in pieced if t not in absent and not spellings_by_term([t], bm.vocab)]
    return coverage, [t for t in absent if not _LETTER.fullmatch(t)]


#: A word in Latin letters, as the analyzer lower-cases it.
_LATIN_WORD = re.compile(r"[a-z][a-z0-9]*")
#: One Latin letter alone, as the analyzer reads the K of "4K" or the D of "3D": part of a size or a
#: model, too short to name what a question is about, so never one of the words no document writes.
_LETTER = re.compile(r"[a-z]")


def _presence(
    index: Index, rows: list[int], unique: list[str], alternative_weight: float, texts: Sequence[str]
) -> np.ndarray:
    """How far each of the distinct terms ``unique`` is found in the chunks at ``rows`` (1,
    ``alternative_weight`` or 0: see :func:`lexical_coverage`)."""
    found = index.bm25.present(rows, unique).astype(np.float64)
    for i, term in enumerate(unique):
        grams = char_bigrams(term)
        if not found[i] and len(grams) >= 2 and has_hangul(term):
            found[i] = float(np.mean(index.bigram.present(rows, grams))) >= 0.75
        elif not found[i] and len(term) == 2 and has_hangul(term) and term not in index.bm25.vocab:
            found[i] = any(_opens_word(term, text) for text in texts)
    if alternative_weight > 0:
        others = alternatives_with_spellings(unique, index.bm25.vocab)
        for i, term in enumerate(unique):
            if not found[i] and any(_holds_word(index, rows, word) for word in others.get(term, ())):
                found[i] = alternative_weight
    return found


def _opens_word(word: str, text: str) -> bool:
    """Whether a word of ``text`` opens with ``word`` (재택 in "재택근무는"; not 정원 in "교정원")."""
    return re.search(rf"(?<![가-힣]){re.escape(word)}", text) is not None


def _holds_word(index: Index, rows: list[int], word: str) -> bool:
    """Whether one of the chunks at ``rows`` holds ``word``, or all the terms the documents write it
    as when the index does not know it whole (비밀번호 → 비밀, 번호)."""
    pieces = split_unknown([word], index.bm25.vocab)
    return bool(index.bm25.present(rows, pieces).all())


#: A loanword's other spelling is searched too when the documents write it in this many times as
#: many passages or more (e^1 ≈ 2.7: its idf is lower by 1).
USUAL_SPELLING_IDF_GAP = 1.0


def more_usual_spellings(terms: Sequence[str], bm: BM25) -> list[str]:
    """The other-script spellings (:func:`~assistant.text.loanwords.spellings`) of the ``terms`` the
    index knows that it knows in many more passages (:data:`USUAL_SPELLING_IDF_GAP`): 워드 → word,
    파이썬 → python where the documents mostly write them in Latin letters."""
    vocab = bm.vocab
    return [
        other
        for t in dict.fromkeys(terms)
        if t in vocab
        for other in spellings(t)
        if other in vocab and float(bm.idf[vocab[other]]) < float(bm.idf[vocab[t]]) - USUAL_SPELLING_IDF_GAP
    ]


def abstention_signals(
    query: str,
    hits: list[Hit],
    dense: np.ndarray,
    coverage: float,
    baseline: float,
    absent: Sequence[str] = (),
    common: Container[str] = frozenset(),
    disagree: float = 0.0,
) -> dict[str, float]:
    """The signals of :mod:`assistant.search.abstain`: best cosine, and how far it is above the
    index's off-topic ``baseline``; its margin over the next best candidates' cosines; coverage
    and the number of topic words no document writes (``absent``), those the question writes as
    ``common`` words and the others, names, apart (none for a question in another script); that
    script flag; and the two searches' disagreement on the best passage (:func:`disagreement`;
    none for a question in another script, whose words no passage shares)."""
    cross = cross_script(query)
    names = [] if cross else [a for a in absent if a not in common]
    words = 0.0 if cross else float(min(len(absent) - len(names), UNWRITTEN_CAP))
    read_apart = {  # the signals that read the question's words: none for a question in another script
        "unwritten": words,
        "unwritten_names": float(min(len(names), UNWRITTEN_CAP)),
        "disagreement": 0.0 if cross or not hits else disagree,
    }
    if not hits:
        return {
            "cosine": 0.0,
            "lift": -baseline,
            "margin": 0.0,
            "coverage": 0.0,
            "cross_script": float(cross),
            **read_apart,
        }
    top = np.sort(dense)[::-1]
    margin = float(top[0] - top[1:10].mean()) if len(top) > 1 else 0.0
    return {
        "cosine": hits[0].dense,
        "lift": hits[0].dense - baseline,
        "margin": margin,
        "coverage": 0.0 if cross else coverage,
        "cross_script": float(cross),
        **read_apart,
    }


def disagreement(ranked: Sequence[int], scores: Mapping[str, np.ndarray]) -> float:
    """The ``disagreement`` signal of :mod:`assistant.search.abstain`: among the first
    :data:`~assistant.search.abstain.DISAGREEMENT_POOL` of the candidate positions ``ranked`` (best
    first, by the fused score), the place of the one with the highest BM25 (``morph``) score in the
    order of their ``dense`` cosines, as a share of them: 0 when it is also the nearest in meaning, or
    when none shares a word with the query."""
    best = np.asarray(ranked[:DISAGREEMENT_POOL], dtype=np.int64)
    if len(best) < 2:
        return 0.0
    morph = scores["morph"][best]
    if float(morph.max()) <= 0.0:
        return 0.0
    lexical = best[int(np.argmax(morph))]
    closer = int((scores["dense"][best] > scores["dense"][lexical]).sum())
    return closer / len(best)


@dataclass
class Pool:
    """The candidates of one query: their rows, each signal's scores, their vectors."""

    terms: list[str]  #: the question's terms, as the summary weighs them
    rows: np.ndarray
    scores: dict[str, np.ndarray]
    vectors: np.ndarray
    query: np.ndarray | None = None  #: the query's vector
    embedded_at: float = 0.0  #: perf_counter when the query was embedded
    scored_at: float = 0.0  #: perf_counter when the lexical scores were computed
    #: the terms searched: :attr:`terms` with the compounds it reads in pieces joined (:func:`join_known`)
    searched: list[str] = field(default_factory=list)
    #: the question's terms as the analyzer reads them, before the unknown ones are split into pieces
    read: list[str] = field(default_factory=list)
    #: ... those of them it reads as common words, not as names (:data:`~assistant.text.korean.NAME_TAGS`)
    common: frozenset[str] = frozenset()


#: What a passage under a heading that gives reasons ("Ⅰ. 추진 배경", "제1조(목적)") gains in a "왜
#: …?" question's fused score: a document's own answer to why, whose words the question rarely
#: repeats ("왜 이 사업을 해?").
REASON_SECTION_BOOST = 0.25
#: ... when its document is one of these best passages'.
REASON_DOCS = 3


def _reason_boost(chunks: Sequence[Chunk], fused: np.ndarray) -> np.ndarray:
    """:data:`REASON_SECTION_BOOST` for each candidate (``chunks``, scored ``fused``) under a heading
    that gives reasons, in a document of the :data:`REASON_DOCS` best candidates (the reasons for
    what they describe; another document's "제1조(목적)" is not about it), else 0."""
    return _boost_found(chunks, fused, REASON_SECTION_BOOST, lambda c: gives_reasons(c.section))


def gives_reasons(section: str) -> bool:
    """Whether a heading of ``section`` (a path, levels joined by ' > ') is one that gives reasons
    ("Ⅰ. 추진 배경", "제안이유 및 주요내용", "제1조(목적)"), not a timeline that names them first ("1.
    파견 목적 및 경과", "나. 파견 배경 및 경과": its last word says what stands under it; "추진 배경 및
    현황" still gives them)."""
    for level in section.split(PATH_SEPARATOR):
        words = re.findall(r"[가-힣A-Za-z]+", level)
        if REASON_HEADINGS.search(level) and not (words and words[-1] in TIMELINE_WORDS):
            return True
    return False


#: The last word of a heading over what happened in turn: a timeline, not reasons.
TIMELINE_WORDS = frozenset(["경과", "연혁", "일지"])


def _boost_found(
    chunks: Sequence[Chunk], fused: np.ndarray, boost: float, holds: Callable[[Chunk], bool]
) -> np.ndarray:
    """``boost`` for each candidate (``chunks``, scored ``fused``) that ``holds`` in a document of the
    :data:`REASON_DOCS` best candidates, else 0."""
    best = np.argsort(-fused, kind="stable")[:REASON_DOCS]
    docs = {chunks[i].doc_id for i in best}
    return np.array([boost if c.doc_id in docs and holds(c) else 0.0 for c in chunks], dtype=np.float32)


#: Added to the fused score of a passage holding a table of values (two rows or more with a number in
#: a cell) when the question asks what a table answers (the most of something, the rows within a
#: bound, what rose or fell), in a document of the :data:`REASON_DOCS` best passages': "직원이 제일
#: 많았던 해는?" finds the report's table of staff by year, though the regulation says 직원 on every line.
TABLE_BOOST = 0.25
_VALUE_ROW = re.compile(r"^[^\n|]*\|[^\n]*\d", re.MULTILINE)


def _table_boost(chunks: Sequence[Chunk], fused: np.ndarray) -> np.ndarray:
    """:data:`TABLE_BOOST` for each candidate (``chunks``, scored ``fused``) holding a table of values,
    in a document of the :data:`REASON_DOCS` best candidates, else 0."""
    return _boost_found(chunks, fused, TABLE_BOOST, lambda c: len(_VALUE_ROW.findall(c.text)) >= 2)


def _pool(fused: np.ndarray, k: int) -> list[int]:
    """Positions of the best candidates (by ``fused``) that ``k`` passages are chosen from."""
    return [int(i) for i in np.argsort(-fused, kind="stable")[: max(3 * k, 20)]]


class Retriever:
    """Searches one :class:`Index` with one embedder and analyzer."""

    def __init__(self, index: Index, embedder: Embedder, analyzer: KoreanAnalyzer, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.analyzer = analyzer
        self.settings = settings
        self.fuse = get_fusion(settings.fusion)
        self._baseline = index.manifest.offtopic_cosine

    @property
    def baseline(self) -> float:
        """The index's off-topic cosine (measured now, once, for an index built before it was recorded)."""
        if self._baseline is None:
            self._baseline = offtopic_cosine(self.index.vectors, self.embedder)
        return self._baseline

    def search(
        self,
        query: str,
        k: int,
        *,
        mode: Mode = "hybrid",
        exclude: Collection[int] = (),
        prior: Mapping[str, float] | None = None,
        diversify: bool = True,
        reasons: bool = False,
        tables: bool = False,
    ) -> Retrieval:
        """The ``k`` best passages of ``query``; ``prior`` adds a boost per doc id, ``reasons``
        (a "왜 …?" question) one to the passages under a heading that gives reasons ("추진 배경", "목적")
        in the documents found (:func:`_reason_boost`), and ``tables`` (a question a table answers:
        "제일 많은 해는?") one to the passages holding a table of values there (:func:`_table_boost`)."""
        check_choice("retrieval mode", mode, MODES)
        t0 = time.perf_counter()
        weights = self._weights(mode)
        pool = self.candidates(query, weights, exclude)
        cands, signals, vectors = pool.rows, pool.scores, pool.vectors
        t1, t2 = pool.embedded_at, pool.scored_at
        fused = self.fuse(signals, weights, k=self.settings.rrf_k) if len(cands) else np.zeros(0, np.float32)
        found: list[Chunk] | None = None  # every candidate's chunk, when a boost reads them
        if (prior or reasons or tables) and len(cands):
            found = self.index.store.chunks([int(r) for r in cands])
            if prior:
                fused = fused + np.array([prior.get(c.doc_id, 0.0) for c in found], dtype=np.float32)
            if reasons:
                fused = fused + _reason_boost(found, fused)
            if tables:
                fused = fused + _table_boost(found, fused)
        chosen_from = _pool(fused, k)  # the passages kept are chosen among these (by MMR, or the best)
        order = fused_order = self._order(fused, vectors, k, diversify, chosen_from)
        phrases = self.settings.phrase_weight > 0 and len(order) > 1
        # with phrases, the chunks of the whole pool are read (the order is drawn from it), once
        wanted = chosen_from if phrases else order
        if found is not None:
            read = {i: found[i] for i in wanted}
        else:
            read = dict(zip(wanted, self.index.store.chunks([int(cands[i]) for i in wanted]), strict=True))
        if phrases:
            order, fused = self._by_phrases(query, fused, order, read, chosen_from)
        rows = [int(cands[i]) for i in order]
        chunks = [read[i] for i in order]
        hits = [
            Hit(
                r,
                c,
                float(fused[i]),
                float(signals["dense"][i]),
                float(signals["morph"][i]),
                float(signals["bigram"][i]),
            )
            for r, c, i in zip(rows, chunks, order, strict=True)
        ]
        t3 = time.perf_counter()
        # whether to abstain is read off the passages as fused, before the phrases order them (the
        # rule was fitted so, and the order of the passages shown says nothing of whether any answers)
        at = {i: n for n, i in enumerate(order)}
        as_fused = [hits[at[i]] for i in fused_order]
        coverage, absent = lexical_coverage(
            self.index,
            [h.row for h in as_fused[:3]],
            pool.searched,
            self.settings.paraphrase_weight,
            [h.chunk.text for h in as_fused[:3]],
            pool.read,
        )
        timings = {"embed_ms": (t1 - t0) * 1e3, "lexical_ms": (t2 - t1) * 1e3, "rank_ms": (t3 - t2) * 1e3}
        disagree = disagreement(chosen_from, signals)  # ranked as searched, before the phrases order them
        abstain = abstention_signals(
            query, as_fused, signals["dense"], coverage, self.baseline, absent, pool.common, disagree
        )
        absent = [] if abstain["cross_script"] else absent  # a question in English: e5 reads it
        return Retrieval(query, pool.terms, hits, coverage, timings, abstain, pool.query, absent)

    def candidates(self, query: str, weights: Mapping[str, float], exclude: Collection[int] = ()) -> Pool:
        """The candidates of ``query`` (the top chunks of every signal with weight) and each
        signal's scores of them: what fusion ranks."""
        # Embedded in every mode: BM25 alone ranks without it, but abstaining needs the cosine. An
        # English question is embedded without its words about the documents ("… the essay recommends?").
        qvec = self.embedder.embed([without_document_words(query)], "query")[0]
        embedded = time.perf_counter()
        read = self.analyzer.terms(query)
        vocab = self.index.bm25.vocab
        terms = split_unknown(read, vocab)
        # a compound the question reads in pieces is searched whole too (재택, 근무 → 재택근무); the
        # summary weighs the question's own terms
        searched = join_known(terms, vocab)
        # everyday words find the formal ones documents write (넣다 → 삽입), at a lower weight; a word
        # the index does not know is looked up whole too (비밀번호 → 암호, though searched as 비밀, 번호),
        # and a formal word it knows only in pieces is searched as those (비밀번호 → 비밀, 번호)
        # and a loanword they write only in the other script is looked for so (엑셀 → excel)
        # ... and so is a loanword's other spelling the documents write far more often (파이썬 of a help
        # that writes Python nearly everywhere and 파이썬 on one page: that page must not take the rank alone)
        spelled = [w for words in spellings_by_term([*read, *terms], vocab).values() for w in words]
        spelled += more_usual_spellings(terms, self.index.bm25)
        formal = split_unknown(list(dict.fromkeys([*alternatives([*read, *terms]), *spelled])), vocab)
        weight = self.settings.paraphrase_weight
        lexical = {
            "morph": self.index.bm25.scores(searched, formal, weight),
            "bigram": self.index.bigram.scores(
                char_bigrams(query), [g for word in formal for g in char_bigrams(word)] if weight else (), weight
            ),
        }
        scored = time.perf_counter()
        cands = self._candidates(qvec, lexical, weights, exclude)
        scores = {name: values[cands] for name, values in lexical.items()}
        vectors = self.index.vectors[cands]
        scores["dense"] = vectors @ qvec
        return Pool(terms, cands, scores, vectors, qvec, embedded, scored, searched, read, self._common(query))

    def _common(self, query: str) -> frozenset[str]:
        """The words of ``query`` the analyzer reads as common words (as their first use is read),
        not as names: what ``unwritten`` counts of the words no document writes."""
        return frozenset(
            form for form, tag in first_readings(self.analyzer.tokens(query)).items() if tag not in NAME_TAGS
        )

    def _weights(self, mode: Mode) -> dict[str, float]:
        weights = self.settings.fusion_weights
        if mode == "dense":
            return {"dense": 1.0, "morph": 0.0, "bigram": 0.0}
        if mode == "bm25":
            weights["dense"] = 0.0
        return weights

    def _candidates(
        self,
        qvec: np.ndarray,
        lexical: Mapping[str, np.ndarray],
        weights: Mapping[str, float],
        exclude: Collection[int],
    ) -> np.ndarray:
        """Union of the top chunks of every signal that has weight."""
        n = self.settings.candidates + len(exclude)
        found = [np.zeros(0, dtype=np.int64)]
        if weights.get("dense", 0.0) > 0:
            _, ids = self.index.vector_index.search(qvec[None, :], min(n, len(self.index)))
            found.append(ids[0][ids[0] >= 0])
        for name, scores in lexical.items():
            if weights.get(name, 0.0) > 0:
                top = np.argpartition(-scores, n)[:n] if len(scores) > n else np.arange(len(scores))
                found.append(top[scores[top] > 0])
        rows = np.unique(np.concatenate(found).astype(np.int64))
        return rows[~np.isin(rows, np.fromiter(exclude, dtype=np.int64))] if exclude else rows

    def _by_phrases(
        self, query: str, fused: np.ndarray, order: list[int], read: Mapping[int, Chunk], pool: Sequence[int]
    ) -> tuple[list[int], np.ndarray]:
        """``order`` with its first ``top_k`` (the passages an answer shows) sorted again by their
        fused score plus ``phrase_weight`` times their :func:`~assistant.search.phrases.phrase_scores`,
        a phrase weighed by how few passages of the ``pool`` they were chosen from write it
        (``read``: the chunk at each position), and the fused scores with those added."""
        pairs = word_pairs(question_words(query, self.analyzer.tokens(query)))
        shown = order[: self.settings.top_k]
        if not pairs or len(shown) < 2:
            return order, fused
        found = dict(zip(pool, phrase_scores(pairs, [read[i].text for i in pool]), strict=True))
        boosted = fused.copy()
        for i in shown:
            boosted[i] += self.settings.phrase_weight * found[i]
        return [*sorted(shown, key=lambda i: -boosted[i]), *order[len(shown) :]], boosted

    def _order(
        self, fused: np.ndarray, vectors: np.ndarray, k: int, diversify: bool, chosen_from: Sequence[int]
    ) -> list[int]:
        """Positions of the ``k`` candidates to keep, best first (``vectors``: the candidates'), all
        of them among ``chosen_from`` (:func:`_pool`)."""
        if not len(vectors):
            return []
        if not diversify or k == 1:
            return list(chosen_from[:k])
        pool = np.array(chosen_from, dtype=np.int64)
        picked = mmr(minmax(fused[pool]), vectors[pool], k, self.settings.mmr_lambda)
        return [int(pool[i]) for i in picked]
