"""The engine every front end calls: question in, cited extractive answer out.

The model, the analyzer and the index are loaded lazily on first use and then shared;
nothing heavy happens when the engine is created.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Collection, Iterator, Mapping

from assistant.answer.schema import Answer, Citation, SummarySentence, UsedSentence
from assistant.answer.summarize import Candidate, Picked, natural_order, select, select_comparison
from assistant.answer.templates import compose
from assistant.embedding.base import Embedder
from assistant.embedding.factory import load_embedder
from assistant.errors import AssistantError, InvalidQuestionError
from assistant.ingest.encodings import first_surrogate
from assistant.options import Mode
from assistant.search.abstain import DEFAULT_RULE, AbstentionRule
from assistant.search.retrieval import Hit, Retrieval, Retriever
from assistant.settings import Settings
from assistant.store.builder import BuildResult, IndexBuilder, Report
from assistant.store.index import Index, open_index
from assistant.store.versions import check_writable
from assistant.text.korean import KoreanAnalyzer
from assistant.text.questions import comparison_sides, question_form, topic_terms

ABSTAIN_MESSAGE = (
    "색인된 문서에서 이 질문에 답할 만한 내용을 찾지 못했습니다. 질문을 바꾸거나 관련 문서를 추가해 주세요."
)


#: Question a starting service asks once, so that the first user finds everything loaded.
WARM_UP_QUESTION = "문서 안내"


class Engine:
    """Answers questions over one index. Thread-safe after the first load."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        analyzer: KoreanAnalyzer | None = None,
        rule: AbstentionRule = DEFAULT_RULE,
    ) -> None:
        self.settings = settings
        self.rule = rule
        self._embedder = embedder
        self._analyzer = analyzer
        self._retriever: Retriever | None = None
        self._lock = threading.RLock()

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = load_embedder(self.settings)
            return self._embedder

    @property
    def analyzer(self) -> KoreanAnalyzer:
        with self._lock:
            if self._analyzer is None:
                self._analyzer = KoreanAnalyzer()
            return self._analyzer

    @property
    def index(self) -> Index:
        return self.retriever.index

    @property
    def retriever(self) -> Retriever:
        with self._lock:
            if self._retriever is None:
                index = open_index(self.settings.index_dir, self.settings.model)
                self._retriever = Retriever(index, self.embedder, self.analyzer, self.settings)
            return self._retriever

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Retriever]:
        """The retriever of the index version in use, kept open until the block ends.

        Everything read inside the block comes from that one version, even when a rebuild
        switches the engine to a newer one meanwhile; the old version closes after its last
        reader (:meth:`reload`).
        """
        with self._lock:
            retriever = self.retriever
            retriever.index.acquire()
        try:
            yield retriever
        finally:
            retriever.index.release()

    def preload(self) -> None:
        """Load the model, Kiwi and the index now rather than on the first question.

        A model that can load in a background thread (``start_loading()``) does so while
        Kiwi loads here, which shortens the start of a one-question process.
        """
        _ = self.retriever  # opens the index first: a missing one fails before anything loads
        start_loading = getattr(self.embedder, "start_loading", None)
        if start_loading is not None:
            start_loading()
        self.analyzer.terms("준비")

    def warm_up(self) -> None:
        """Load the model, Kiwi and the index by answering one question, for a service starting.

        A missing or broken index is only logged: the service starts, its answers report the
        error with the command that fixes it, and a rebuild can fix it.
        """
        try:
            self.ask(WARM_UP_QUESTION)
        except AssistantError as exc:
            logging.getLogger("assistant").warning("the assistant cannot answer yet: %s", exc)

    def reload(self) -> None:
        """Open the index again (after a rebuild); the old one serves until the new is ready,
        and closes once the answers still reading it are done."""
        fresh = open_index(self.settings.index_dir, self.settings.model)
        with self._lock:
            old, self._retriever = self._retriever, Retriever(fresh, self.embedder, self.analyzer, self.settings)
        if old is not None:
            old.index.retire()

    def build_index(self, *, rebuild: bool = False, report: Report | None = None) -> BuildResult:
        """Index ``settings.corpus_dir`` into ``settings.index_dir`` and switch to it."""
        from assistant.ingest.files import iter_corpus_files

        iter_corpus_files(self.settings.corpus_dir)  # a missing or empty corpus fails before the model loads
        check_writable(self.settings.index_dir)  # so does an index folder that cannot be written
        result = IndexBuilder(self.settings, self.embedder, self.analyzer, report).build(rebuild=rebuild)
        with self._lock:
            serving = self._retriever is not None
        if serving:  # swap in the new index now rather than on the next question
            self.reload()
        return result

    def rows_of(self, chunk_ids: Collection[str], index: Index | None = None) -> list[int]:
        """Rows of the given chunks in ``index`` (by default the current one; ``exclude`` of
        :meth:`ask` takes rows of the version it searches, its ``snapshot``).

        Chunk ids outlive a rebuild; rows do not. Ids no longer indexed are skipped.
        """
        if not chunk_ids:
            return []
        return (index or self.index).store.rows_of(chunk_ids)

    def validate(self, question: str) -> str:
        """The question without surrounding spaces; an empty or too long one, or one that is
        not valid Unicode (a surrogate code point), is an :class:`InvalidQuestionError`."""
        question = question or ""
        check_unicode(question)
        limit = self.settings.max_question_chars
        if len(question) > limit:  # as sent, spaces included: what the API's maxLength says
            raise InvalidQuestionError(
                f"질문이 너무 깁니다: {len(question):,}자 (최대 {limit:,}자). (question too long)"
            )
        text = question.strip()
        if not text:
            raise InvalidQuestionError("질문이 비어 있습니다. 무엇이 궁금한지 적어 주세요. (empty question)")
        return text

    def ask(
        self,
        question: str,
        k: int | None = None,
        *,
        query: str | None = None,
        mode: Mode = "hybrid",
        exclude: Collection[int] = (),
        prior: Mapping[str, float] | None = None,
        avoid: Collection[tuple[str, int]] = (),
        snapshot: Retriever | None = None,
    ) -> Answer:
        """Answer ``question``; ``query`` (if given) is what is searched instead.

        ``exclude`` leaves chunk rows out of the search, ``prior`` adds a boost per doc id,
        and the summary uses no sentence in ``avoid`` (doc id, start), for "tell me more".
        The answer reads one index version: ``snapshot`` (from :meth:`snapshot`, which the
        rows of ``exclude`` belong to) or the current one.
        """
        started = time.perf_counter()
        question = self.validate(question)
        searched = self.validate(query) if query else question
        k = k or self.settings.top_k
        with contextlib.nullcontext(snapshot) if snapshot else self.snapshot() as retriever:
            retrieval = retriever.search(searched, k, mode=mode, exclude=exclude, prior=prior)
            answer = self._answer(question, searched, retrieval, frozenset(avoid), index=retriever.index)
        answer.timings = {**retrieval.timings, "total_ms": (time.perf_counter() - started) * 1e3}
        return answer

    def should_abstain(self, retrieval: Retrieval) -> bool:
        if not retrieval.hits:
            return True
        if not self.settings.abstain:
            return False
        return self.rule.abstain(retrieval.hits[0].dense, retrieval.coverage)

    def _answer(
        self,
        question: str,
        searched: str,
        retrieval: Retrieval,
        avoid: frozenset[tuple[str, int]] = frozenset(),
        *,
        index: Index,
    ) -> Answer:
        model = self.embedder.model_id
        if self.should_abstain(retrieval):
            return Answer(
                question=question,
                query=searched,
                summary=ABSTAIN_MESSAGE,
                form=question_form(question),
                abstained=True,
                abstain_reason=self._abstain_reason(retrieval),
                model=model,
            )
        t0 = time.perf_counter()
        form = question_form(question)
        sides = comparison_sides(question, self.analyzer) if form == "comparison" else []
        picked = self._pick(retrieval, sides, avoid, index=index)
        ordered = natural_order(picked, lambda n: retrieval.hits[n - 1].chunk.doc_id)
        summary = compose(form, ordered, sides)
        citations = self._citations(retrieval.hits, picked, index=index)
        answer = Answer(
            question=question,
            query=searched,
            summary=summary,
            form=form,
            citations=citations,
            summary_sentences=[SummarySentence(text=p.candidate.text, citation=p.candidate.citation) for p in ordered],
            model=model,
        )
        retrieval.timings["summary_ms"] = (time.perf_counter() - t0) * 1e3
        return answer

    def _pick(
        self, retrieval: Retrieval, sides: list[str], avoid: frozenset[tuple[str, int]] = frozenset(), *, index: Index
    ) -> list[Picked]:
        store = index.store
        candidates = []
        for n, hit in enumerate(retrieval.hits, 1):
            c = hit.chunk  # every candidate sentence lies inside its chunk
            for pos, (a, b, terms) in enumerate(store.candidates(hit.row)):
                if (c.doc_id, a) not in avoid:
                    candidates.append(Candidate(n, a, b, c.text[a - c.start : b - c.start], pos, frozenset(terms)))
        bm = index.bm25

        def idf(term: str) -> float:
            i = bm.vocab.get(term)
            return float(bm.idf[i]) if i is not None else 0.0

        terms = topic_terms(retrieval.terms) or retrieval.terms
        n = self.settings.summary_sentences
        if sides:
            return select_comparison(candidates, terms, idf, n, sides)
        return select(candidates, terms, idf, n)

    def _citations(self, hits: list[Hit], picked: list[Picked], *, index: Index) -> list[Citation]:
        titles = index.titles
        out = []
        for n, hit in enumerate(hits, 1):
            c = hit.chunk
            used = sorted((p.candidate for p in picked if p.candidate.citation == n), key=lambda x: x.start)
            out.append(
                Citation(
                    n=n,
                    chunk_id=c.chunk_id,
                    doc_id=c.doc_id,
                    title=titles.get(c.doc_id, c.doc_id),
                    section=c.section,
                    start=c.start,
                    end=c.end,
                    passage=c.text,
                    sentences=[UsedSentence(text=u.text, start=u.start, end=u.end) for u in used],
                    score=round(hit.score, 6),
                )
            )
        return out

    def _abstain_reason(self, retrieval: Retrieval) -> str:
        if not retrieval.hits:
            return "no passage matched the question"
        top = retrieval.hits[0]
        p = self.rule.probability(top.dense, retrieval.coverage)
        return (
            f"best passage too weak: cosine {top.dense:.3f}, term coverage {retrieval.coverage:.2f}, "
            f"p(answerable) {p:.2f} < {self.rule.threshold:.2f}"
        )


def check_unicode(text: str) -> None:
    """Raise :class:`InvalidQuestionError` when ``text`` holds a surrogate code point (bytes that
    were not UTF-8, or a lone ``\\ud800`` escape in JSON): no analyzer or model can read it."""
    pos = first_surrogate(text)
    if pos is not None:
        raise InvalidQuestionError(
            f"질문에 읽을 수 없는 문자가 있습니다: {pos + 1}번째 글자 U+{ord(text[pos]):04X}. "
            "UTF-8 텍스트로 보내 주세요. (invalid character: not valid UTF-8 or an unpaired surrogate)",
            hint="Send the text as valid UTF-8; in JSON, \\uD800-\\uDFFF escapes must come in pairs.",
        )
