"""The engine every front end calls: question in, cited extractive answer out.

The model, the analyzer and the index are loaded lazily on first use and then shared;
nothing heavy happens when the engine is created.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Collection, Container, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answer.comparison import select_comparison
from assistant.answer.overview import openings, section_openings
from assistant.answer.points import (
    answer_under_question,
    around,
    enumeration,
    heading_label,
    in_procedure_order,
    items_of,
    other_items,
    procedure_after,
    subsections,
)
from assistant.answer.request import ALONE, Context, Request
from assistant.answer.schema import Answer, Citation, SummarySentence, UsedSentence
from assistant.answer.suggest import NUMBERING, Outline, abstention_message, covers, followups, table_of_contents
from assistant.answer.summarize import (
    Asked,
    Candidate,
    Picked,
    all_about,
    arrange,
    asked,
    header_rows,
    not_elaborating,
    read,
    select,
    select_about,
    still_about,
    tidy,
    with_antecedents,
    with_line_labels,
    with_table_headers,
)
from assistant.answer.tables import (
    BOUND_WORDS,
    asked_bound,
    asks_a_table,
    column_names,
    listed_rows,
    rows_asked,
    rows_first,
    states_bound,
    tables,
)
from assistant.answer.templates import Line, compose, excerpt, label_sides
from assistant.embedding.base import Embedder
from assistant.embedding.factory import load_embedder
from assistant.embedding.recent import RecentVectors
from assistant.errors import AssistantError, InvalidQuestionError
from assistant.ingest.blocks import collapse
from assistant.ingest.encodings import first_surrogate
from assistant.options import Mode
from assistant.recent import Recent
from assistant.search.abstain import DEFAULT_RULE, AbstentionRule
from assistant.search.retrieval import Hit, Retrieval, Retriever
from assistant.settings import Settings
from assistant.store.builder import BuildResult, IndexBuilder, Report
from assistant.store.index import Index, open_index
from assistant.store.versions import check_writable
from assistant.text.chunking import Chunk
from assistant.text.josa import final_consonant
from assistant.text.korean import (
    NOMINAL_TAGS,
    KoreanAnalyzer,
    QuickStartAnalyzer,
    Token,
    content_terms,
    first_readings,
)
from assistant.text.questions import (
    ENGLISH_FUNCTION_WORDS,
    SUMMARY_WORDS,
    answer_focus,
    answer_predicate,
    asked_nouns,
    asks_a_name,
    asks_negated,
    asks_one_point,
    asks_outright,
    asks_summary,
    asks_which,
    comparison_sides,
    document_ordinal,
    holds_no_word,
    opening_topic,
    points_at_nothing,
    question_form,
    reads_as_question,
    relation_terms,
    social_kind,
    summary_topic,
    topic_terms,
)
from assistant.text.sentences import expected_answer
from assistant.text.spoken import written_out

if TYPE_CHECKING:
    import numpy as np


def _numbering(lines: Sequence[tuple[Line, Candidate]], n_hits: int) -> dict[int, int]:
    """Marker numbers by retrieval rank: the passages in the order the summary first cites them,
    then the others in rank order."""
    order = list(dict.fromkeys(line.citation for line, _ in lines))
    order += [rank for rank in range(1, n_hits + 1) if rank not in order]
    return {rank: n for n, rank in enumerate(order, 1)}


def _say_little(about: Sequence[str], said_before: bool = False) -> str:
    """The summary when no sentence of the passages is about the asked subject, or (``said_before``)
    none but those earlier answers showed."""
    if about:
        return f"문서에서 '{' '.join(about)}'에 대한 내용을 찾지 못했습니다. 다른 말로 물어봐 주세요."
    if said_before:
        return NOTHING_MORE
    return "문서에서 이 질문에 맞는 문장을 찾지 못했습니다. 인용한 구절을 확인해 주세요."


#: Below this term coverage (see :func:`~assistant.search.retrieval.lexical_coverage`), an answer
#: names the question's words no document writes: what it shows is only the nearest there is.
UNSURE_COVERAGE = 0.5

_LATIN_WORD = re.compile(r"[a-z][a-z0-9]{2,}")


def latin_name(term: str) -> bool:
    """Whether a (lower-cased) term is a word in Latin letters, three or more, that names a thing
    (docker, ssh, chatgpt): a question naming one the documents never write is answered with only
    the nearest there is."""
    return bool(_LATIN_WORD.fullmatch(term)) and term not in ENGLISH_FUNCTION_WORDS


#: A word in Latin letters read as a word, not letter by letter (docker, not SSH): how it ends
#: aloud is not known.
_SOUNDED_WORD = re.compile(r"(?=.*[aeiouAEIOU])[A-Za-z]{4,}")

#: Morphemes that name a thing a reader may look for in the documents (not 가능 of "가능해요?").
_THING_TAGS = frozenset({"NNG", "NNP", "SL"})


def _written_words(text: str, tokens: Sequence[Token], terms: Collection[str]) -> list[str]:
    """The nouns of ``text`` whose morphemes are all ``terms``, as ``text`` writes them (morphemes
    of one word joined: 육아, 휴직 → "육아휴직"), two characters or more (not the K of "4K"); a
    noun said as a predicate ("가능해요?": 가능 + 하) names no thing and is left out."""

    def named(tok: Token, after: Token | None) -> bool:
        predicate = after is not None and after.start == tok.end and after.tag.startswith(("XSA", "XSV"))
        return tok.tag.split("-")[0] in _THING_TAGS and tok.form.lower() in terms and not predicate

    return list(dict.fromkeys(text[a:b] for a, b in _word_spans(tokens, named) if b - a >= 2))


def _spaced_once(word: str, known: Container[str]) -> list[str]:
    """``word`` with a space put in where it splits into two words the index knows ("존브라운" →
    "존 브라운" where the documents write 존 and 브라운): a name written in two words that a question
    runs together. Only such splits are looked for in the documents' text (each is a scan of it)."""
    return [f"{word[:i]} {word[i:]}" for i in range(1, len(word)) if word[:i] in known and word[i:] in known]


def _proper_nouns(tokens: Sequence[Token]) -> list[str]:
    """The words of a question the analyzer reads as proper nouns (as their first use is read), each
    a whole written word (not a piece of a longer one: Kiwi may read a name in pieces)."""
    first = first_readings(tokens)
    glued = {t.start: t for t in tokens}

    def whole(t: Token) -> bool:  # nothing written onto it but a particle, a copula or an ending
        after = glued.get(t.end)
        return not any(o.end == t.start for o in tokens) and (after is None or after.tag.startswith(("J", "VCP", "E")))

    return [t.form.lower() for t in tokens if first[t.form.lower()] == "NNP" and whole(t)]


def _word_spans(tokens: Sequence[Token], keep: Callable[[Token, Token | None], bool]) -> list[tuple[int, int]]:
    """The spans of the runs of morphemes that ``keep`` (given each with the one after it) and that
    touch (no space between them: one written word, or a part of one)."""
    spans: list[tuple[int, int]] = []
    for tok, after in zip(tokens, [*tokens[1:], None], strict=True):
        if not keep(tok, after):
            continue
        if spans and spans[-1][1] == tok.start:
            spans[-1] = (spans[-1][0], tok.end)
        else:
            spans.append((tok.start, tok.end))
    return spans


#: Hangul next to a Latin letter, or a Latin letter next to Hangul: where a name mixes the two ("오픈AI").
_SCRIPTS_MEET = re.compile(r"[가-힣][A-Za-z]|[A-Za-z][가-힣]")
#: Morphemes a name written in two scripts is made of: nouns, Latin letters, numbers ("갤럭시S24").
_NAME_TAGS = _THING_TAGS | {"SN", "SH"}


def _mixed_names(text: str, tokens: Sequence[Token], bigrams: Collection[str]) -> list[str]:
    """The names of ``text`` written in Hangul and Latin letters together ("오픈AI", "갤럭시S24") that
    no document writes so: where the two scripts meet in the name, the documents never have those
    two letters together. Each of its parts may be in the documents ("오픈소스", "AI"), so its
    morphemes are all found and the name would pass for written."""
    out: list[str] = []
    for a, b in _word_spans(tokens, lambda tok, _: tok.tag.split("-")[0] in _NAME_TAGS):
        meets = [m.group().lower() for m in _SCRIPTS_MEET.finditer(text, a, b)]
        if meets and any(pair not in bigrams for pair in meets):
            out.append(text[a:b])
    return out


def _spaced(meet: re.Match[str]) -> str:
    """Where two scripts meet, a space between them ("오픈AI" written "오픈 AI")."""
    return f"{meet.group()[0]} {meet.group()[1]}"


#: Said before an answer whose question the documents may not answer (:attr:`AbstentionRule.caution`).
CAUTION = "문서가 이 질문에 직접 답하지 않을 수 있습니다. 아래 구절이 묻는 내용과 맞는지 확인해 주세요."


def _not_written(words: Sequence[str]) -> str:
    """The note that ends an answer to a question whose ``words`` no document writes: what it
    shows is what comes nearest, and the reader may ask in the documents' words."""
    named = ", ".join(f"‘{w}’" for w in words)
    says = "이라는" if final_consonant(named) else "라는"  # after a closing consonant: 이라는
    if _SOUNDED_WORD.fullmatch(words[-1]):  # docker reads 도커, not by its letters: either form
        says = "(이)라는"
    return f"\n\n참고: 문서에는 {named}{says} 말이 나오지 않습니다."


def _none_within(said: str) -> str:
    """The note that ends an answer to a question setting a bound (``said``: "2만원 넘는") no row of
    the table it reads is within: what it shows are the rows there are."""
    return f"\n\n참고: 문서의 표에는 ‘{said}’ 조건에 맞는 항목이 없습니다."


#: Most passages of a table's section read besides those found, when a question compares its rows.
TABLE_PASSAGES = 40

#: Said when a request for more finds nothing the earlier answers did not show.
NOTHING_MORE = "문서에는 앞의 답에서 보여 드린 것 말고 이에 대한 내용이 더 없습니다."
#: Added when the sentence asked about is all the documents say about it.
ONLY_THIS = "문서에는 이 문장보다 자세한 내용이 없습니다."


def _with_limits(summary: str, request: Request, shown: Sequence[Candidate]) -> str:
    """The summary, saying so when an item asked about in more detail is all there is on it."""
    if summary and request.context.anchor is not None and len(shown) == 1 and _holds(shown[0], request.context.anchor):
        return f"{summary}\n\n{ONLY_THIS}"
    return summary


#: Added when a question in another language (an English one) finds nothing.
KOREAN_WORKS_BEST = " 문서가 한국어로 되어 있어 한국어로 물으면 더 잘 찾습니다."


#: A proper noun of the question weighs at least this share of the index's typical idf.
NAME_IDF = 0.5


#: How many passages' candidate sentences an engine remembers.
RECENT_PASSAGES = 2048


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
        quick_start: bool = False,
    ) -> None:
        """``quick_start``: for a process that answers one question and ends (``assistant ask``):
        Kiwi starts without its multi-word dictionary when the question cannot need it
        (:class:`~assistant.text.korean.QuickStartAnalyzer`; the answers are the same)."""
        self.settings = settings
        self.quick_start = quick_start
        self.rule = rule
        self._embedder = embedder
        self._analyzer = analyzer
        self._retriever: Retriever | None = None
        self._sentence_vectors: RecentVectors | None = None
        self._lock = threading.RLock()
        #: Outlines of the index versions answered from (the latest two), by folder.
        self._outlines: dict[Path, Outline] = {}
        #: Candidate sentences of the passages answered from lately, by index folder and row.
        self._passages: Recent[tuple[Path, int], tuple[Candidate, ...]] = Recent(RECENT_PASSAGES)

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
                self._analyzer = QuickStartAnalyzer(self.settings.cache_dir) if self.quick_start else KoreanAnalyzer()
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

    def preload(self, question: str | None = None) -> None:
        """Load the model, Kiwi and the index now rather than on the first question.

        A model that can load in a background thread (``start_loading()``) does so while
        Kiwi loads here, which shortens the start of a one-question process. Given the
        ``question`` to come, the analyzer loads what that question needs (with ``quick_start``,
        the full Kiwi only when the question may name a multi-word entry).
        """
        _ = self.retriever  # opens the index first: a missing one fails before anything loads
        start_loading = getattr(self.embedder, "start_loading", None)
        if start_loading is not None:
            start_loading()
        self.analyzer.terms(question or "준비")

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
        """The question without surrounding spaces and without invisible format characters (a
        zero-width space or a byte-order mark pasted from a web page or a file); an empty or too
        long one, or one that is not valid Unicode (a surrogate code point), is an
        :class:`InvalidQuestionError`."""
        question = question or ""
        check_unicode(question)
        limit = self.settings.max_question_chars
        if len(question) > limit:  # as sent, spaces included: what the API's maxLength says
            raise InvalidQuestionError(f"질문이 너무 깁니다: {len(question):,}자 (최대 {limit:,}자).")
        text = visible(question).strip()
        if not text:
            raise InvalidQuestionError("질문이 비어 있습니다. 무엇이 궁금한지 적어 주세요.")
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
        context: Context = ALONE,
        snapshot: Retriever | None = None,
    ) -> Answer:
        """Answer ``question``; ``query`` (if given) is what is searched instead.

        ``exclude`` leaves chunk rows out of the search, ``prior`` adds a boost per doc id;
        ``context`` is what the conversation asks of the answer beyond the question's words (the
        sentences it must not repeat, the subject it must be about, the sentence it elaborates …:
        see :class:`~assistant.answer.request.Context`). The answer reads one index version: ``snapshot`` (from
        :meth:`snapshot`, which the rows of ``exclude`` belong to) or the current one.
        """
        started = time.perf_counter()
        question = self.validate(question)
        searched = self.validate(query) if query else question
        k = k or self.settings.top_k
        tokens = self.analyzer.tokens(searched)
        request = Request(
            question,
            searched,
            context,
            points_at_nothing(tokens),
            holds_no_word(tokens),
            social_kind(self.analyzer.tokens(question)),
        )
        summary = query is None and context == ALONE and not request.unclear() and asks_summary(question)
        with contextlib.nullcontext(snapshot) if snapshot else self.snapshot() as retriever:
            if summary:  # "요약해줘": what each document opens with; "<a title> 요약해줘": that document's outline
                named = summary_topic(content_terms(tokens))  # the question's: nothing else is searched
                nth = document_ordinal(question)  # "두 번째 문서 요약해줘": the second one listed
                if nth:
                    doc_id = self._nth_document(nth, retriever.index)
                else:
                    doc_id = self._titled(named, retriever.index) if named else None
                past = nth if nth and doc_id is None else 0
                answer = self._overview(request, retriever.index, doc_id, past) if doc_id or nth or not named else None
                if answer is not None:
                    unsearched = Retrieval(searched, [], [])
                    self._guide(answer, retriever, unsearched, request)
                    answer.timings = {**unsearched.timings, "total_ms": (time.perf_counter() - started) * 1e3}
                    return answer
            if request.unclear():  # thanks, symbols alone, a pronoun pointing at nothing: nothing to search
                retrieval = Retrieval(searched, [], [])
            else:
                retrieval = retriever.search(
                    written_out(searched, tokens),
                    k,
                    mode=mode,
                    exclude=exclude,
                    prior=prior,
                    reasons=question_form(searched) == "reason",
                    tables=asks_a_table(searched),
                )
            answer = self._answer(request, retrieval, retriever.index)
            self._guide(answer, retriever, retrieval, request)
        answer.timings = {**retrieval.timings, "total_ms": (time.perf_counter() - started) * 1e3}
        return answer

    def should_abstain(self, retrieval: Retrieval) -> bool:
        if not retrieval.hits:
            return True
        if not self.settings.abstain:
            return False
        return self.rule.abstain(retrieval.signals) or unread(retrieval)

    def _answer(self, request: Request, retrieval: Retrieval, index: Index) -> Answer:
        model = self.embedder.model_id
        # a follow-up that asks another aspect of two things compared ("규제 쪽은?") compares them again
        form = "comparison" if request.context.sides else question_form(request.question)
        # "그럼 유럽은?" after "왜 필요해?" asks why too; "숙박비는 얼마까지?" after "출장비 어떻게 정산해?" asks
        # a sum, no way to do it
        if form == "general" and request.context.like and expected_answer(request.question) is None:
            earlier = question_form(request.context.like)
            form = form if earlier == "comparison" else earlier
        unclear = request.unclear()
        # p(answerable): the answer's confidence, and below the rule's caution level its caution
        confidence = None if unclear or not retrieval.hits else self.rule.probability(retrieval.signals)
        if unclear or self.should_abstain(retrieval):
            return Answer(
                question=request.question,
                query=request.searched,
                summary="",  # written by _guide, with what the documents cover
                form=form,
                abstained=True,
                abstain_reason=unclear or self._abstain_reason(retrieval),
                model=model,
                confidence=None if confidence is None else round(confidence, 3),
            )
        assert confidence is not None  # answered: there were hits and a question
        t0 = time.perf_counter()
        sides = (
            (list(request.context.sides) or comparison_sides(request.question, self.analyzer))
            if form == "comparison"
            else []
        )
        context = request.context
        if asks_a_table(request.searched) or asks_a_table(request.question):
            retrieval = self._whole_tables(retrieval, index, request)
        everything = self.candidates(retrieval, index)
        table = rows_asked(everything, request.question, context.within, request.searched, context.like)
        shown, missing, layout = self._lines(
            request, everything, [] if sides else table.rows, retrieval, index, form, sides, table.columns
        )
        numbers = _numbering(shown, len(retrieval.hits))
        shown = [(replace(line, citation=numbers[line.citation]), c) for line, c in shown]
        lines = [line for line, _ in shown]
        summary = _with_limits(compose(layout, lines, missing), request, [c for _, c in shown])
        # words of the question no document writes, when they are much of it: the answer is only the nearest
        # ... or when it is a name in Latin letters ("docker 설치 방법 알려줘") or the follow-up's
        # narrowing ("입사 첫해는?" and no document says 첫해), however much of the rest they hold
        # ... or the question's opening topic ("크롬은 어떻게 …?"), whose own words no document writes
        unsure = retrieval.coverage < UNSURE_COVERAGE
        searched = self.analyzer.tokens(request.searched)
        topic = opening_topic(searched) if retrieval.absent else []
        # a proper noun no document writes is what the question is about ("카카오톡으로 문서 보내는 법"
        # asked of an office suite's help): named wherever it stands, as the abstention rule counts it
        if retrieval.absent:
            topic += [t for t in _proper_nouns(searched) if t not in topic]
        unwritten = [
            t
            for t in retrieval.absent
            if (unsure or t in request.context.narrowed or latin_name(t) or t in topic)
            and t not in ENGLISH_FUNCTION_WORDS
            and t not in BOUND_WORDS
            and t not in SUMMARY_WORDS  # "유럽 전략 요약": what is asked for, not what about
        ]
        absent = _written_words(request.searched, searched, unwritten) if unwritten else []
        if not unsure and topic:  # a name Kiwi reads in other pieces in the documents is still written there
            # ... or written in two words ("리먼브라더스" of "리먼 브라더스")
            absent = [
                w
                for w in absent
                if w.lower() not in topic or not index.store.writes(w, *_spaced_once(w.lower(), index.bm25.vocab))
            ]
        mixed = [
            name
            for name in _mixed_names(request.searched, searched, index.bigram.vocab)
            # a name ending in Latin letters or digits names a product ("갤럭시S24"), however much of the rest
            # the documents hold; one ending in Hangul may be a word read aloud ("cd롬": CD-ROM is written)
            if (unsure or not "가" <= name[-1] <= "힣")
            and not index.store.writes(name, _SCRIPTS_MEET.sub(_spaced, name))
        ]
        absent = [w for w in absent if not any(w in name for name in mixed)] + mixed
        # a side of a comparison the documents lack is said in the comparison itself
        lacking = {side.lower() for side in missing}
        absent = [w for w in absent if w.lower() not in lacking]
        if summary and table.none_within:  # a table has the column the bound is on, and no row is within
            summary += _none_within(table.none_within)
        answer = Answer(
            question=request.question,
            query=request.searched,
            summary=(summary + _not_written(absent) if summary and absent else summary)
            or _say_little(request.context.about, bool(request.context.avoid)),
            form=form,
            citations=self._citations(retrieval.hits, shown, numbers, index),
            summary_sentences=[SummarySentence(text=line.text, citation=line.citation) for line in lines],
            model=model,
            confidence=round(confidence, 3),
            # abstention turned off (ASSISTANT_ABSTAIN=false) asks for answers without the rule's judgement
            caution=CAUTION if self.settings.abstain and confidence < self.rule.caution and lines else None,
        )
        retrieval.timings["summary_ms"] = (time.perf_counter() - t0) * 1e3
        return answer

    def _overview(self, request: Request, index: Index, doc_id: str | None = None, past: int = 0) -> Answer | None:
        """What the documents say as a whole (:mod:`assistant.answer.overview`): the opening of each of
        the ``top_k`` longest documents under its title; or, for ``doc_id``, that document's opening and
        the opening of each of its top sections under its heading; ``past``: the place of a document
        asked for that the list does not reach ("세 번째 문서 요약해줘" over two), said before the
        overview. Each is cited; None when there is no sentence to show."""
        outline = self.outline(index)
        k = self.settings.top_k
        if doc_id is None:
            whole = openings(outline, index.store, k)
            found = [(outline.title(o.doc_id) if len(whole) > 1 else "", o) for o in whole]
        else:
            found = section_openings(outline, index.store, doc_id, k)
        if not found:
            return None
        hits = [Hit(o.row, o.chunk, 0.0, 0.0, 0.0) for _, o in found]
        shown = [
            (
                Line(o.text, n, label=label),
                Candidate(n, o.start, o.end, o.text, 0, o.terms, o.doc_id, section=o.chunk.section),
            )
            for n, (label, o) in enumerate(found, 1)
        ]
        lines = [line for line, _ in shown]
        if doc_id is None:
            more = len(outline.documents()) - len(found)
            summary = compose("overview", lines) + (f"\n(문서 {more}개는 더 있습니다.)" if more > 0 else "")
            if past:  # "세 번째 문서 요약해줘" over two: what there is, and that there is no third
                summary = f"{past}번째 문서는 없습니다. 문서는 {len(outline.documents())}개입니다.\n\n{summary}"
        else:
            summary = compose("overview", lines, head=f"‘{outline.title(doc_id)}’의 첫머리와 절마다 첫 문장:")
        return Answer(
            question=request.question,
            query=request.searched,
            summary=summary,
            form="overview",
            citations=self._citations(hits, shown, {n: n for n in range(1, len(found) + 1)}, index),
            summary_sentences=[SummarySentence(text=line.text, citation=line.citation) for line in lines],
            model=self.embedder.model_id,
        )

    def _nth_document(self, n: int, index: Index) -> str | None:
        """The document in place ``n`` (from 1) of the list the overview shows, None past its end."""
        listed = openings(self.outline(index), index.store, n)
        return listed[n - 1].doc_id if len(listed) >= n else None

    def _titled(self, named: Sequence[str], index: Index) -> str | None:
        """The one document whose title holds every term of ``named`` (a summary asked of it: "글로벌 AI
        투자 격차 문서 요약해줘"), None when none or several do."""
        titles = self.outline(index).title_terms(self.analyzer.terms)
        found = [d for d, terms in titles.items() if all(t in terms for t in named)]
        return found[0] if len(found) == 1 else None

    def outline(self, index: Index) -> Outline:
        """The documents and sections of ``index``, kept while it is one of the latest two versions."""
        with self._lock:
            outline = self._outlines.get(index.folder)
            if outline is None:
                outline = Outline(index.store, index.titles)
                self._outlines = {**dict(list(self._outlines.items())[-1:]), index.folder: outline}
            return outline

    def _guide(self, answer: Answer, retriever: Retriever, retrieval: Retrieval, request: Request) -> None:
        """What to offer with ``answer``: for an abstention, the message saying what the documents
        cover (and, for a request whose pronoun points at nothing it names or that holds no word,
        why it cannot be searched) and questions they do answer (each one searched to make sure); otherwise
        follow-up questions about the sections near the cited ones."""
        t0 = time.perf_counter()
        outline = self.outline(retriever.index)
        if not answer.abstained:
            answer.followups = followups(outline, answer.citations, answer.question)
        else:
            answer.covers = covers(outline)
            answer.suggestions = outline.suggestions(
                lambda q: not self.should_abstain(retriever.search(q, self.settings.top_k))
            )
            # the hint is for a search that found nothing, not for a message that was never one ("thanks")
            cross = retrieval.signals.get("cross_script", 0.0) > 0 and not request.unclear()
            guard = request.guard()
            if guard == ("social", "contents"):  # "목차 보여줘"
                message = table_of_contents(outline)
            else:
                message = abstention_message(answer.covers, len(outline.documents()), guard)
            answer.summary = message + (KOREAN_WORKS_BEST if cross else "")
        retrieval.timings["guide_ms"] = (time.perf_counter() - t0) * 1e3

    def _lines(
        self,
        request: Request,
        everything: Sequence[Candidate],
        asked_rows: Sequence[Candidate],
        retrieval: Retrieval,
        index: Index,
        form: str,
        sides: list[str],
        columns: tuple[str, ...] = (),
    ) -> tuple[list[tuple[Line, Candidate]], list[str], str]:
        """The summary's lines (by retrieval rank of their passage) with the sentence each shows,
        the sides of a comparison the passages never name, and the form they are laid out by
        (the question's, or "list" for the other items of a list asked again). ``everything`` is
        every candidate sentence, ``asked_rows`` the table rows the question asks for (see
        :func:`~assistant.answer.tables.rows_asked`), which lead, showing first the ``columns`` it asks of them."""
        context = request.context
        candidates = _unavoided(everything, context.avoid, context.anchor)
        q = self.asked(
            request.question,
            retrieval,
            index,
            form,
            context.about,
            context.instead,
            request.searched != request.question,
            like=context.like,
            kept=context.kept,
        )
        n = min(context.sentences or self.settings.summary_sentences, self.settings.summary_sentences)
        missing: list[str] = []
        # more of the same, or an item elaborated: what other passages add must still be about the question
        if context.avoid and context.another:  # another one: not more about the one shown
            # by passage rank, then place; a sentence shown without its connective starts inside its candidate
            shown = [c for c in everything if any(_holds(c, a) for a in context.avoid)]
            others = other_items(shown, q)
            if others:  # the items the one asked about was listed with
                return [(Line(c.text, c.citation), c) for c in others], [], "list"
            candidates = not_elaborating(candidates, shown)
        further = still_about(candidates, everything, q) if context.avoid else candidates
        near = None
        anchor, restate = context.anchor, context.restate
        if anchor is None and context.avoid and q.ordinal:
            # an ordinal past the list shown ("두 번째 전략을 자세히" after one sentence): the document's own
            # point of that number ("두 번째로, …"), told with what follows it
            own = select([c for c in further if q.ordinal in read(c.text).ordinals], q, 1)
            if own:
                anchor, restate = (own[0].candidate.doc_id, own[0].candidate.start), True
        if anchor is not None and not asked_rows:  # a superlative asks of the whole table, not of the row shown
            section = next((c.section for c in everything if _holds(c, anchor)), None)
            near = around(
                candidates,
                anchor,
                q,
                n,
                restate=restate,
                section=section,
                further=further,
                onward=context.onward,
            )
        by_heading: list[Picked] = []
        if near:
            order = tidy(near)
            if form == "list" and asks_one_point(request.question):  # what is said around one item is no list
                form = "general"
        else:
            candidates = further
            if sides:
                picked, missing = select_comparison(candidates, q, n, sides)
            else:
                names = () if context.about else self._names(request.question)
                apart = not asks_a_name(request.question)
                picked = select_about(candidates, q, n, names, self._topic, apart=apart, owner_of=self._owner)
                points = form in ("list", "method", "reason") and not asks_one_point(request.question)
                # the points the lead is or announces (or the sub-sections of the section the chosen come
                # from), else the steps chosen after it in their order
                listed = all_about(enumeration(candidates, picked, n, q) if points else [], q)
                by_heading = all_about(subsections(candidates, picked, n, q) if points and not listed else [], q)
                listed = listed or by_heading
                picked = (
                    listed
                    or in_procedure_order(candidates, picked, n)
                    or procedure_after(candidates, picked, n, q.term_set)
                    or answer_under_question(candidates, picked, n)
                    or picked
                )
                picked = rows_first(asked_rows, picked, n)
            order = tidy(arrange(picked, form))
        rows = (
            (asked_rows or listed_rows(tables(candidates), request.question.split()))
            if form == "list" and not near
            else []
        )
        if rows:  # the table's rows are the items ("요금제 종류 알려줘"; "1TB 이상 요금제 뭐 있어?": those within)
            return [(_line(r, asked=columns), r) for r in rows], [], form
        items = items_of(order, q, candidates) if form == "list" else []
        if items:
            return [(Line(c.text, c.citation), c) for c in items], [], form
        labelled = [(p, "") for p in order]
        if by_heading:  # each point under its sub-heading ("메가 얼라이언스 구축: …")
            labelled = [(p, heading_label(p.candidate)) for p in order]
        if sides:  # a comparison's line: the document's own label of it ("규제와 정책 차이: …"), else its side
            labelled = [(p, p.candidate.label or side) for p, side in label_sides(order, sides, self._topic, missing)]
        lines = [
            (_line(p.candidate, label, columns if p.candidate in asked_rows else ()), p.candidate)
            for p, label in labelled
        ]
        return lines, missing, form

    def asked(
        self,
        question: str,
        retrieval: Retrieval,
        index: Index,
        form: str,
        about: Sequence[str] = (),
        instead: Sequence[str] = (),
        follow_up: bool = False,
        like: str = "",
        kept: Sequence[str] = (),
    ) -> Asked:
        """What the summary weighs the sentences by: the searched topic terms with their idf in
        ``index``, the noun that names what the answer is counting double. For a ``follow_up``
        the character bigrams come from the message's nouns alone, without their particles ("유럽은요?"
        → 유럽): the message is short, and its particle is no part of the topic."""
        bm = index.bm25
        terms = topic_terms(retrieval.terms) or retrieval.terms
        idf = {t: float(bm.idf[bm.vocab[t]]) for t in terms if t in bm.vocab}
        tokens = self.analyzer.tokens(question)
        for t in set(asked_nouns(tokens)) & set(terms):
            idf[t] = 2 * idf.get(t, 1.0)  # the noun that names what the answer is weighs double
        for t in {t.form.lower() for t in tokens if t.tag == "NNP"} & set(idf):
            # a name asked about ("한국의 투자 규모") tells sentences apart even where every passage names it
            idf[t] = max(idf[t], NAME_IDF * bm.typical_idf)
        if kept and (aspect := [idf[t] for t in about if t in idf]):
            # the thing another aspect is asked of weighs as the aspect: "연임도 돼?" after "대통령은 몇 년 해?"
            # is answered of 대통령, not by the 연임 of 대법관
            for t in set(kept) & set(idf):
                idf[t] = max(idf[t], max(aspect))
        relations = relation_terms(tokens)
        for t in relations:
            if t not in idf and t in bm.vocab:
                idf[t] = float(bm.idf[bm.vocab[t]])
        written = None
        if follow_up:
            written = " ".join(
                [*(question[t.start : t.end] for t in tokens if t.tag.split("-")[0] in NOMINAL_TAGS), *kept]
            )
        similarity = self._similarity(retrieval.vector)
        name, which = asks_a_name(question), asks_which(question)
        bound = asked_bound(question)
        return asked(
            question,
            terms,
            idf,
            form,
            about,
            instead,
            relations,
            written=written,
            similarity=similarity,
            alternative_weight=self.settings.paraphrase_weight,
            known=bm.vocab,
            states_bound=partial(states_bound, bound=bound) if bound is not None else None,
            focus=answer_focus(tokens) if name or which else "",
            predicate=answer_predicate(tokens) if (name and asks_outright(question)) or which else "",
            negated=asks_negated(tokens),
            like=like,
        )

    def _similarity(self, vector: np.ndarray | None) -> Callable[[Sequence[str]], Sequence[float]] | None:
        """The dense similarity of sentences to the query whose vector is ``vector`` (sentences
        embedded lately are remembered)."""
        if vector is None:
            return None
        with self._lock:
            if self._sentence_vectors is None:
                self._sentence_vectors = RecentVectors(self.embedder)
            known = self._sentence_vectors
        return lambda texts: [float(x) for x in known.embed(texts) @ vector]

    def _names(self, question: str) -> list[str]:
        """The proper nouns of a question (미국, 유럽연합): what its answer is about."""
        return list(dict.fromkeys(t.form for t in self.analyzer.tokens(question) if t.tag.split("-")[0] == "NNP"))

    def _topic(self, sentence: str, owned: bool = False) -> str | None:
        """The proper noun a sentence is about when it opens with it as topic or subject ("유럽은 …",
        "8월 21일에는 북한이 …"), or (``owned``) with a topic or subject it owns ("미국의 대형 기업들은
        …"): the first proper noun of its first 40 characters, when a topic or subject particle
        follows it, or 의 and nouns up to such a particle. Kiwi reads the opening only up to a word
        that may end in such a particle, then up to the next one (at most :data:`TOPIC_READS` of
        them) while no proper noun is found: a short text costs it a fraction of a long one."""
        head = sentence[:40]
        for end in [m.end() for m in _PARTICLE_WORD.finditer(head)][:TOPIC_READS]:
            toks = self.analyzer.tokens(head[:end])
            for i, (tok, after) in enumerate(zip(toks, toks[1:], strict=False)):
                if tok.tag.split("-")[0] == "NNP":
                    held = after.tag in ("JX", "JKS") or (owned and _owns_the_topic(toks[i + 1 :]))
                    return tok.form if held else None
        return None

    def _owner(self, sentence: str) -> str | None:
        """:meth:`_topic`, a topic the proper noun owns included ("미국의 대형 기업들은 …" → 미국)."""
        return self._topic(sentence, owned=True)

    def _whole_tables(self, retrieval: Retrieval, index: Index, request: Request) -> Retrieval:
        """``retrieval``, with the passages holding the rows that answer a question a table answers
        (the most of something, the rows within a bound, what rose or fell: see
        :func:`~assistant.answer.tables.rows_asked`) added after its own, when a table found goes on
        in passages of its section that were not found (a long sheet is written as tables of a few
        rows, each under its first row): "가장 비싼 상품은?" over 300 rows is the most of them all, not
        of the dozen retrieved. At most :data:`TABLE_PASSAGES` passages more are read."""
        hits = retrieval.hits
        heads: dict[tuple[str, str], set[str]] = {}
        for hit in hits:
            for line in header_rows(hit.chunk.text):
                heads.setdefault((hit.chunk.doc_id, hit.chunk.section), set()).add(line)
        found = {h.row for h in hits}
        rows = [r for (doc, section) in heads for r in index.store.section_rows(doc, section) if r not in found][
            :TABLE_PASSAGES
        ]
        more = [
            Hit(r, c, hits[-1].score * 0.5, 0.0, 0.0)
            for r, c in zip(rows, index.store.chunks(rows), strict=True)
            if any(h in c.text.splitlines() for h in heads[(c.doc_id, c.section)])
        ]
        if not more:
            return retrieval
        context = request.context
        read = self.candidates(replace(retrieval, hits=[*hits, *more]), index)
        answering = rows_asked(read, request.question, context.within, request.searched, context.like).rows
        ranks = {r.citation for r in answering if r.citation > len(hits)}
        return replace(retrieval, hits=[*hits, *(h for n, h in enumerate(more, len(hits) + 1) if n in ranks)])

    def candidates(
        self,
        retrieval: Retrieval,
        index: Index,
        avoid: Collection[tuple[str, int]] = (),
        anchor: tuple[str, int] | None = None,
    ) -> list[Candidate]:
        """Every sentence of the retrieved passages the summary may use: none of ``avoid``, except
        the one that holds ``anchor`` when the anchor itself is not avoided (an ordinal's item
        shares its sentence with the items it is not, which are)."""
        top = max(retrieval.hits[0].score, 1e-9) if retrieval.hits else 1.0
        out = []
        for n, hit in enumerate(retrieval.hits, 1):
            share = max(0.0, min(1.0, hit.score / top))
            out += [s.ranked(n, share) for s in self._passage(index, hit)]
        return _unavoided(out, avoid, anchor)

    def _passage(self, index: Index, hit: Hit) -> tuple[Candidate, ...]:
        """The candidate sentences of a hit's passage (as rank 1), the ones that lean on the
        sentence before joined to it; the last :data:`RECENT_PASSAGES` passages are remembered.
        A sentence of a line that only repeats a heading of any document (a table of contents:
        "4.5. 레드햇/슬랙웨어/... 사용할 수 있나요?") names a section and says nothing of it: none."""
        key = (index.folder, hit.row)
        known = self._passages.get(key)
        if known is None:
            c = hit.chunk  # every candidate sentence lies inside its chunk
            spans = index.store.candidates(hit.row)
            if headings := self.outline(index).headings():  # documents without headings have no contents lines
                spans = [(a, b, t) for a, b, t in spans if not _names_a_section(c, a, b, headings)]
            sentences = [
                Candidate(1, a, b, c.text[a - c.start : b - c.start], pos, frozenset(terms), c.doc_id, 1.0, c.section)
                for pos, (a, b, terms) in enumerate(spans)
            ]
            sentences = with_table_headers(with_antecedents(sentences, c.text, c.start))
            known = tuple(with_line_labels(sentences, c.text, c.start))
            self._passages.put(key, known)
        return known

    def _citations(
        self, hits: list[Hit], lines: list[tuple[Line, Candidate]], numbers: Mapping[int, int], index: Index
    ) -> list[Citation]:
        titles = index.titles
        out = []
        for rank, hit in enumerate(hits, 1):
            c = hit.chunk
            n = numbers[rank]
            used = sorted({(s.start, s.end, s.text) for line, s in lines if line.citation == n})
            out.append(
                Citation(
                    n=n,
                    rank=rank,
                    chunk_id=c.chunk_id,
                    doc_id=c.doc_id,
                    title=titles.get(c.doc_id, c.doc_id),
                    section=c.section,
                    start=c.start,
                    end=c.end,
                    passage=c.text,
                    sentences=[UsedSentence(text=t, start=a, end=b) for a, b, t in used],
                    score=round(hit.score, 6),
                )
            )
        return sorted(out, key=lambda c: c.n)

    def _abstain_reason(self, retrieval: Retrieval) -> str:
        if not retrieval.hits:
            return "no passage matched the question"
        s = retrieval.signals
        p = self.rule.probability(s)
        if unread(retrieval) and p >= self.rule.threshold:
            return "no word of the question is in the passages found, and it does not read as a question"
        unwritten = int(s.get("unwritten", 0.0)) + int(s.get("unwritten_names", 0.0))
        return (
            f"best passage too weak: cosine {s['cosine']:.3f}, margin {s['margin']:.3f}, "
            f"term coverage {s['coverage']:.2f}, "
            + (f"{unwritten} question word(s) no document writes, " if unwritten else "")
            + f"p(answerable) {p:.2f} < {self.rule.threshold:.2f}"
        )


def unread(retrieval: Retrieval) -> bool:
    """Whether a search found nothing it could read: a message in another script than Korean that
    no passage found shares a word with and that does not read as a question ("test", "hello world",
    "<script>…</script>"; see :func:`~assistant.text.questions.reads_as_question`). e5 finds Korean
    passages for an English question, but a string that asks nothing embeds about as close to them as
    such a question does ("Why does Korea need a mega alliance?"), and the rule would answer it.
    A message with no word of two letters or more ("%s %d {0}", "A") shares none, whatever its
    single letters or digits match."""
    if retrieval.signals.get("cross_script", 0.0) <= 0 or reads_as_question(retrieval.query):
        return False
    return retrieval.coverage <= 0 or not _WORD.search(retrieval.query)


#: A word of two letters or more.
_WORD = re.compile(r"[^\W\d_]{2,}")


def _names_a_section(chunk: Chunk, start: int, end: int, headings: frozenset[str]) -> bool:
    """Whether the line of the chunk that holds ``[start, end)`` (document offsets) is, white space
    and the number it opens with aside, one of ``headings`` (see :meth:`Outline.headings`)."""
    text, a, b = chunk.text, start - chunk.start, end - chunk.start
    first = text.rfind("\n", 0, a) + 1
    last = text.find("\n", b)
    line = collapse(text[first : len(text) if last < 0 else last])
    return line in headings or NUMBERING.sub("", line) in headings


def _unavoided(
    candidates: Sequence[Candidate], avoid: Collection[tuple[str, int]], anchor: tuple[str, int] | None
) -> list[Candidate]:
    """The candidates that hold none of ``avoid`` (a sentence shown without its leading connective
    starts inside its candidate), and the one that holds ``anchor`` when the anchor itself is not avoided."""
    if not avoid:
        return list(candidates)
    keep = anchor is not None and anchor not in avoid
    return [c for c in candidates if not any(_holds(c, a) for a in avoid) or (keep and _holds(c, anchor))]


#: A word that may end in a topic or subject particle (은, 는, 이, 가).
_PARTICLE_WORD = re.compile(r"\S(?:은|는|이|가)(?=[\s,]|$)")
#: Openings of a sentence :meth:`Engine._topic` reads at most.
TOPIC_READS = 3


#: Morphemes of a noun phrase: what may stand between a proper noun's 의 and the particle of
#: the topic it owns ("미국의 대형 기업들은": 대형, 기업, 들).
_NOUN_PHRASE = frozenset({"NNG", "NNP", "NNB", "NR", "XPN", "XSN", "SL", "SN", "MM"})


def _owns_the_topic(toks: Sequence[Token]) -> bool:
    """Whether ``toks`` (what follows a proper noun) are 의, nouns, then a topic or subject
    particle: the proper noun owns the topic ("미국의 대형 기업들은")."""
    return (
        len(toks) >= 3
        and toks[0].tag == "JKG"
        and toks[-1].tag in ("JX", "JKS")
        and all(t.tag.split("-")[0] in _NOUN_PHRASE for t in toks[1:-1])
    )


def _holds(c: Candidate, anchor: tuple[str, int] | None) -> bool:
    return anchor is not None and anchor[0] == c.doc_id and c.start <= anchor[1] < c.end


def check_unicode(text: str) -> None:
    """Raise :class:`InvalidQuestionError` when ``text`` holds a surrogate code point (bytes that
    were not UTF-8, or a lone ``\\ud800`` escape in JSON): no analyzer or model can read it."""
    pos = first_surrogate(text)
    if pos is not None:
        raise InvalidQuestionError(
            f"질문에 읽을 수 없는 문자가 있습니다: {pos + 1}번째 글자 U+{ord(text[pos]):04X}. "
            "UTF-8 텍스트로 보내 주세요.",
            hint="JSON에서는 \\uD800-\\uDFFF 이스케이프를 짝지어 써야 합니다.",
        )


def visible(text: str) -> str:
    """``text`` without Unicode format characters (category Cf: zero-width spaces and joiners, a
    byte-order mark, a soft hyphen, direction marks), which show nothing and split words for the
    analyzer: "한국의\u200bAI" is read as "한국의AI"."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _line(c: Candidate, label: str = "", asked: tuple[str, ...] = ()) -> Line:
    """The summary's line showing ``c`` (under a comparison's ``label``); a table's row read under a
    header row is shown by its column names, the ``asked`` ones first."""
    quoted = excerpt(c.text)
    columns = column_names(c) if quoted else ()
    return Line(c.text, c.citation, label, quoted, (c.doc_id, c.start), columns, asked if columns else ())
