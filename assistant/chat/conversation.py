"""Conversations: each message resolved against the session's recent turns, answered, stored.

The one place every front end (chat page, CLI chat, Slack threads) goes through, so a
follow-up is understood the same way everywhere::

    conversation = Conversation(engine, SessionStore(settings.sessions_file), settings)
    first = conversation.chat("유럽의 AI 전략은?")
    second = conversation.chat("그럼 미국은?", first.session_id)   # searches "미국 AI 전략"
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import replace

from assistant.answer.engine import Engine
from assistant.answer.schema import Answer, Citation, SummarySentence
from assistant.answer.summarize import header_rows
from assistant.answer.tables import asked_bound, asked_extreme
from assistant.chat.cues import read_cues, repair
from assistant.chat.export import conversation_markdown
from assistant.chat.followup import DEFAULT_POLICY, Policy, Resolution, as_written, resolve, standalone
from assistant.chat.sessions import Feedback, Item, Passage, Rating, Session, SessionStore, Turn
from assistant.errors import SessionNotFoundError
from assistant.settings import Settings
from assistant.store.index import Index
from assistant.text.enumeration import Member, listed_around, numbered
from assistant.text.questions import comparison_sides


class Conversation:
    """Chat over an :class:`Engine`, with sessions kept in a :class:`SessionStore`."""

    def __init__(
        self, engine: Engine, store: SessionStore, settings: Settings | None = None, policy: Policy = DEFAULT_POLICY
    ) -> None:
        self.engine = engine
        self.store = store
        self.settings = settings or engine.settings
        self.policy = policy

    def chat(
        self,
        message: str,
        session_id: str | None = None,
        *,
        k: int | None = None,
        keep_id: bool = False,
        owner: str | None = None,
    ) -> Answer:
        """Answer ``message`` within the session ``session_id`` (a new one when None).

        An unknown or expired id starts a new session and the answer's ``notice`` says so;
        with ``keep_id`` the new session takes the given id instead of a fresh one (a Slack
        thread is one conversation), and only an expired one gets a notice. Messages for one
        session are handled one at a time and stored in arrival order. A session started here
        belongs to ``owner`` (see :meth:`SessionStore.append`).
        """
        text = self.engine.validate(message)
        if keep_id and session_id is not None:
            with self.store.lock(session_id):
                return self._answer(text, session_id, k, self._reopen(session_id), owner)
        sid, notice = self._open(session_id)
        with self.store.lock(sid):
            return self._answer(text, sid, k, notice, owner)

    def _answer(self, text: str, sid: str, k: int | None, notice: str | None, owner: str | None = None) -> Answer:
        """Resolve, answer and store one message of the session ``sid`` (its lock held)."""
        started = time.perf_counter()
        turns = self.store.recent(sid, self.settings.history_turns)
        resolution = self.resolve(text, turns)
        resolve_ms = (time.perf_counter() - started) * 1e3
        with self.engine.snapshot() as snapshot:  # rows, answer and turn from one index version
            index = snapshot.index
            answer = self.engine.ask(
                text,
                k,
                query=None if resolution.standalone else resolution.query,
                exclude=self.engine.rows_of(resolution.exclude, index),
                prior=resolution.prior or None,
                context=resolution.context,
                snapshot=snapshot,
            )
            stored = time.perf_counter()
            turn = self._turn(text, answer, resolution, index)
        n = self.store.append(sid, turn, answer.model_dump_json(), owner=owner)
        answer.timings["resolve_ms"] = resolve_ms
        answer.timings["store_ms"] = (time.perf_counter() - stored) * 1e3
        return answer.model_copy(
            update={
                "session_id": sid,
                "turn": n,
                "followup": resolution.followup,
                "drew_on_turn": resolution.drew_on_turn,
                "notice": " ".join(part for part in (notice, _beyond_notice(resolution.beyond)) if part) or None,
            }
        )

    def resolve(self, message: str, turns: Sequence[Turn]) -> Resolution:
        """How ``message`` is searched after ``turns`` (all standalone when resolution is off)."""
        vocab = self.engine.index.bm25.vocab
        tokens = repair(self.engine.analyzer.tokens(message), vocab.__contains__)
        if not self.settings.resolve_followups:
            return standalone(message, read_cues(tokens))
        headers = self._headers(turns)
        columns = frozenset(t for h in headers for t in self.engine.analyzer.terms(h))
        resolution = resolve(message, tokens, turns, self.policy, columns)
        if resolution.standalone or resolution.kind == "ordinal":  # searched as typed, or as the item's text
            return resolution
        resolution = replace(resolution, within=_bound_before(message, turns))
        analyzer = self.engine.analyzer
        messages = [*(t.question for t in turns), message]
        query = as_written(resolution.query, messages, analyzer.tokens, analyzer.terms)
        return replace(resolution, query=whole_columns(query, headers)).without_aside(analyzer.terms)

    def _headers(self, turns: Sequence[Turn]) -> set[str]:
        """The header rows of the tables the last answer showed rows of ("요금제 | 월 요금 | 저장 용량 |
        동시 접속"): a follow-up naming one of their columns asks it of the row shown."""
        last = next((t for t in reversed(turns) if not t.social), None)
        if last is None or not last.passages:
            return set()
        with self.engine.snapshot() as snapshot:  # a rebuild may retire the version meanwhile
            store = snapshot.index.store
            chunks = store.chunks(store.rows_of([p.chunk_id for p in last.passages if p.shown]))
        return {line for c in chunks for line in header_rows(c.text)}

    def history(self, session_id: str) -> list[Answer]:
        """The answers of a session, oldest first, with their session fields."""
        self.session(session_id)
        out = []
        for t in self.store.history(session_id):
            answer = Answer.model_validate_json(t.answer_json)
            update = {"session_id": session_id, "turn": t.n, "followup": t.followup, "drew_on_turn": t.drew_on_turn}
            out.append(answer.model_copy(update=update))
        return out

    def session(self, session_id: str) -> Session:
        """A live session, or :class:`SessionNotFoundError`."""
        session = self.store.get(session_id)
        if session is None:
            raise _not_found(session_id)
        return session

    def sessions(self, owner: str) -> list[Session]:
        """The owner's live conversations, the most recently updated first."""
        return self.store.sessions_of(owner)

    def rename(self, session_id: str, owner: str, title: str) -> Session:
        """Give the owner's conversation a title (trimmed); another owner's is not found."""
        session = self.store.rename(session_id, owner, " ".join(title.split()))
        if session is None:
            raise _not_found(session_id)
        return session

    def rate(self, session_id: str, turn: int, rating: Rating, comment: str | None = None) -> Feedback:
        """Rate the answer of ``turn`` (again: the new rating replaces the old); a blank comment is none."""
        comment = comment.strip() if comment else None
        feedback = self.store.rate(session_id, turn, rating, comment or None)
        if feedback is None:
            self.session(session_id)  # raises when the session is the missing part
            raise SessionNotFoundError(
                f"대화 세션 '{session_id}'에 {turn}번째 답이 없습니다. (no such turn)",
                hint="A turn is the `turn` field of an answer, from 1.",
            )
        return feedback

    def unrate(self, session_id: str, turn: int) -> None:
        """Remove the rating of ``turn``; :class:`SessionNotFoundError` when it had none."""
        if not self.store.unrate(session_id, turn):
            raise SessionNotFoundError(f"대화 세션 '{session_id}'의 {turn}번째 답에는 평가가 없습니다. (no rating)")

    def feedback(self, session_id: str) -> list[Feedback]:
        """The ratings of a conversation's answers, by turn."""
        return self.store.feedback(session_id)

    def markdown(self, session_id: str) -> str:
        """The conversation as Markdown, with its citations and ratings."""
        session = self.session(session_id)
        ratings = {f.n: f for f in self.store.feedback(session_id)}
        return conversation_markdown(session.title, session.created, self.history(session_id), ratings)

    def delete(self, session_id: str) -> None:
        """Forget a session; raises :class:`SessionNotFoundError` when there is none."""
        if not self.store.delete(session_id):
            raise SessionNotFoundError(f"대화 세션 '{session_id}'이(가) 없습니다.")

    def _open(self, session_id: str | None) -> tuple[str, str | None]:
        """The session to use and, when the given one could not be continued, why.

        Starting a new conversation is also when expired ones are purged.
        """
        status = self.store.status(session_id) if session_id and self.store.valid_id(session_id) else "unknown"
        if session_id is not None and status == "active":
            return session_id, None
        self.store.expire()
        sid = self.store.new_id()
        if session_id is None:
            return sid, None
        if status == "expired":
            return sid, self._expired_notice(session_id)
        return sid, f"대화 세션 '{session_id}'을(를) 찾을 수 없어 새 대화를 시작합니다."

    def _reopen(self, session_id: str) -> str | None:
        """Make ``session_id`` an active session, keeping its id; a notice when it had expired."""
        status = self.store.status(session_id)
        if status == "active":
            return None
        self.store.create(session_id)  # an expired session starts again empty
        return self._expired_notice(session_id) if status == "expired" else None

    def _expired_notice(self, session_id: str) -> str:
        hours = self.store.ttl_seconds / 3600
        return f"이전 대화(세션 '{session_id}')는 {hours:g}시간 동안 쓰이지 않아 만료되었습니다. 새 대화를 시작합니다."

    def _turn(self, question: str, answer: Answer, resolution: Resolution, index: Index) -> Turn:
        """What this exchange leaves for the next question."""
        rows = self.engine.rows_of([c.chunk_id for c in answer.citations], index)
        return Turn(
            n=0,  # numbered by the store
            question=question,
            query=answer.query,
            followup=resolution.followup,
            drew_on_turn=resolution.drew_on_turn,
            passages=tuple(self._passages(answer, resolution, index, rows)),
            items=tuple(self._items(answer, index)),
            said=tuple(_said(answer)),
            topic=resolution.topic,
            focus=resolution.focus,
            excluded=tuple(sorted(resolution.exclude)),
            avoided=tuple(sorted(resolution.avoid)),
            abstained=answer.abstained,
            social=resolution.social,
            anchor=resolution.anchor,
            named=self._named(answer, index, rows, [t for t, _, _ in resolution.focus]),
            sides=self._sides(question, answer, resolution),
        )

    def _sides(self, question: str, answer: Answer, resolution: Resolution) -> tuple[str, ...]:
        """The two things the answer set side by side: those the follow-up compared again ("둘의
        차이는?"), else those the question names when it was answered as a comparison."""
        if answer.abstained or answer.form != "comparison":
            return ()
        return resolution.sides or tuple(comparison_sides(question, self.engine.analyzer))

    @staticmethod
    def _named(answer: Answer, index: Index, rows: Sequence[int], focus: Sequence[str]) -> tuple[str, ...]:
        """The content terms of the sentences of the passages ``answer`` cited (at ``rows``, one per
        citation) that name one of the ``focus`` nouns, as the index holds them (nothing is read
        again): what the answer said together with what was asked ("헌법개정안은 … 국민투표에 붙여 …"),
        not each row of a table it showed one of."""
        asked = {t.lower() for t in focus}
        sentences = [
            [t.lower() for t in terms]
            for c, row in zip(answer.citations, rows, strict=False)
            if c.sentences
            for _, _, terms in index.store.candidates(row)
        ]
        return tuple(dict.fromkeys(t for terms in sentences if asked & set(terms) for t in terms))

    @staticmethod
    def _passages(answer: Answer, resolution: Resolution, index: Index, rows: Sequence[int]) -> list[Passage]:
        """The cited passages (at ``rows``, one per citation), with whether this summary (and the
        ones before it) used them up."""
        store = index.store
        out = []
        for c, row in zip(answer.citations, rows, strict=False):
            seen = {u.start for u in c.sentences} | {start for doc, start in resolution.avoid if doc == c.doc_id}
            spent = all(a in seen for a, _, _ in store.candidates(row))
            out.append(Passage(c.n, c.chunk_id, c.doc_id, bool(c.sentences), spent))
        return out

    def _items(self, answer: Answer, index: Index) -> list[Item]:
        """What an ordinal in the next question counts: the members of the list the summary's
        first sentence belongs to or introduces, when the document writes one out ("첫째, … 둘째, …",
        bullets); otherwise the summary's sentences. Each with where it starts and its content terms."""
        listed = self._listed_items(answer, index)
        if listed:
            return listed
        items = []
        store = index.store
        for s, citation, start in _placed(answer):
            rows = self.engine.rows_of([citation.chunk_id], index)
            # the stored terms of the sentence shown, when it is shown whole (a list's member that
            # opens a sentence starts where it does, but is not all of it)
            end = start + len(s.text)
            terms = next((t for a, b, t in store.candidates(rows[0]) if (a, b) == (start, end)), None) if rows else None
            if terms is None:
                terms = self.engine.analyzer.terms(s.text)
            items.append(Item(s.text, s.citation, tuple(terms), start))
        return items

    def _listed_items(self, answer: Answer, index: Index) -> list[Item]:
        """The members of the list the summary's first sentence belongs to or introduces, or of
        the list of a later sentence that says its own place in it ("첫 번째로, …": the reader
        counts by the document's numbers); [] when there is none (a list met further down the
        summary, unnumbered, is not what "세 번째" counts in)."""
        placed = _placed(answer)
        for n, (sentence, citation, start) in enumerate(placed):
            if start < 0 or (n and not numbered(sentence.text)):
                continue
            members = self._members(citation.doc_id, start, index)
            if members:
                analyzer = self.engine.analyzer
                return [Item(m.text, sentence.citation, tuple(analyzer.terms(m.text)), m.start) for m in members]
        return []

    @staticmethod
    def _members(doc_id: str, start: int, index: Index) -> list[Member]:
        """The list of the document that the sentence at ``start`` belongs to or introduces
        (members placed in the document), or []."""
        # the document around the sentence: a list it opens or belongs to lies well within this
        base = max(0, start - LIST_WINDOW_BEFORE)
        text = index.store.document_window(doc_id, base, start + LIST_WINDOW_AFTER)
        if base:  # a line cut by the window's edge is not read as a line
            cut = text.find("\n")
            base, text = (base + cut + 1, text[cut + 1 :]) if cut >= 0 else (base, "")
        return [Member(m.text, base + m.start) for m in listed_around(text, start - base)]


#: Characters of the document read before and after an answer's lead to find the list it is in.
LIST_WINDOW_BEFORE = 4_000
LIST_WINDOW_AFTER = 16_000


def _placed(answer: Answer) -> list[tuple[SummarySentence, Citation, int]]:
    """Each summary sentence with its citation and where it starts in the document (-1 when the
    citation does not list it)."""
    out = []
    for s in answer.summary_sentences:
        citation = answer.citations[s.citation - 1]
        out.append((s, citation, next((u.start for u in citation.sentences if u.text == s.text), -1)))
    return out


def _said(answer: Answer) -> list[tuple[str, int, int]]:
    """Where the summary's sentences are: (doc id, start, end)."""
    return [(c.doc_id, start, start + len(s.text)) for s, c, start in _placed(answer) if start >= 0]


def _not_found(session_id: str) -> SessionNotFoundError:
    return SessionNotFoundError(f"대화 세션 '{session_id}'이(가) 없거나 만료되었습니다. (no such session)")


def _beyond_notice(items: int) -> str | None:
    """What the user should know when an ordinal named no item of the list it counts in."""
    if not items:
        return None
    return f"앞 답변의 항목은 {items}개뿐이라, 같은 주제로 다시 찾은 내용을 보여 드립니다."


def whole_columns(query: str, headers: Collection[str]) -> str:
    """``query`` with a word that is part of a column's name written as the whole name ("팀 용량" →
    "팀 저장 용량" under "요금제 | 월 요금 | 저장 용량"): two bare nouns embed too far from the row they
    ask of ("팀 용량" was abstained, "팀 저장 용량" is answered)."""
    words = query.split()
    for cell in (c.strip() for h in headers for c in h.split("|")):
        parts = cell.split()
        if len(parts) < 2 or all(p in words for p in parts):
            continue
        at = next((i for i, w in enumerate(words) if w in parts), None)
        if at is not None:
            words[at : at + 1] = [p for p in parts if p == words[at] or p not in words]
    return " ".join(words)


def _bound_before(message: str, turns: Sequence[Turn]) -> str:
    """The bound the question before ``message`` set on a table's values ("1TB 이상 요금제 뭐 있어?":
    "1TB 이상"), when ``message`` asks a superlative and sets no bound of its own ("그 중에 제일 싼
    건?"): the superlative is taken within it. "" otherwise."""
    last = next((t for t in reversed(turns) if not t.social), None)
    if last is None or asked_extreme(message) is None or asked_bound(message) is not None:
        return ""
    bound = asked_bound(last.question)
    return bound.said if bound is not None else ""
