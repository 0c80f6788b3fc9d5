"""What an answer is asked for: the question, what is searched, and what the conversation around it
asks of the answer (:class:`Context`, one value the conversation hands to the engine whole)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Context:
    """What the turns before a message ask of its answer, beyond its words (the conversation
    decides, see :mod:`assistant.chat.followup`; a question asked alone has the default)."""

    #: sentences (doc id, start) the summary must not repeat ("더 자세히", "다른 예는?")
    avoid: frozenset[tuple[str, int]] = frozenset()
    #: a follow-up's new subject ("그럼 미국은?": 미국): every sentence must be about one of these
    about: tuple[str, ...] = ()
    #: what the new subject replaced (한국 in "한국의 원팀 전략" → "그럼 미국은?")
    instead: tuple[str, ...] = ()
    #: the thing a follow-up asks another aspect of, which stays ("대통령은 몇 년 해?" → "연임도 돼?":
    #: 대통령): a sentence naming it answers, not the same aspect of another thing ("대법관은 … 연임할 수 있다")
    kept: tuple[str, ...] = ()
    #: the sentence (doc id, start) an ordinal or "more" elaborates: the sentences around it first
    anchor: tuple[str, int] | None = None
    #: whether the anchored sentence is said again (not when more detail of it is asked for: "자세히")
    restate: bool = True
    #: another one like the sentences in ``avoid`` is asked for ("다른 예는?"), not more of them
    another: bool = False
    #: the two things a comparison that names none sets side by side ("둘의 차이는?")
    sides: tuple[str, ...] = ()
    #: the sentences the summary holds at most (0: ``Settings.summary_sentences``; "한 줄로 요약해줘": 1)
    sentences: int = 0
    #: the question an ellipsis goes on from: the kind of value and the form it asked for are asked
    #: again ("얼마까지 지원받아?" → "그럼 소상공인은?"; "왜 필요해?" → "그럼 유럽은?")
    like: str = ""
    #: what a follow-up narrows the question before to ("입사 첫해는?": 입사, 첫해): a word of it no
    #: document writes is said so, however much of the rest they hold
    narrowed: tuple[str, ...] = ()
    #: what comes after the anchored sentence is asked for, past its section ("다음은?" after the last
    #: step shown): the document's next sentences, not those around it
    onward: bool = False
    #: a bound the question before set on a table's values ("1TB 이상 요금제 뭐 있어?": "1TB 이상"), within
    #: which a superlative asked after it is taken ("그 중에 제일 싼 건?")
    within: str = ""


#: Why a message asking about the assistant or the documents themselves is not searched, by its kind.
_ASKING_ABOUT = {
    "help": "the message asks what can be asked",
    "contents": "the message asks for the table of contents",
}

#: The context of a question asked alone.
ALONE = Context()


@dataclass(frozen=True)
class Request:
    """What an answer is asked for: the question, what is searched, what the conversation asks of it."""

    question: str
    searched: str
    context: Context = field(default=ALONE)
    #: the pronoun of a searched text that names nothing else ("그건 어떻게 …?"; see points_at_nothing)
    points_at: str = ""
    #: the searched text is made only of symbols ("ㅋㅋㅋ"; see holds_no_word)
    wordless: bool = False
    #: the question is no question but thanks, a greeting … (see social_kind)
    social: str = ""

    def guard(self) -> tuple[str, str]:
        """What keeps the request from being searched, the first that holds: ``("social", kind)``
        (thanks, a greeting …), ``("points_at", pronoun)``, ``("wordless", "")``; ``("", "")`` when
        nothing does. The one place of their order (the message and the reason follow it)."""
        if self.social:
            return "social", self.social
        if self.points_at:
            return "points_at", self.points_at
        if self.wordless:
            return "wordless", ""
        return "", ""

    def unclear(self) -> str:
        """Why the request cannot be searched whatever the passages, or "" when it can."""
        kind, detail = self.guard()
        reasons = {
            "social": _ASKING_ABOUT.get(detail, f"the message is {detail}, not a question"),
            "points_at": f"the question points back with '{detail}' and names nothing else",
            "wordless": "the question holds no word, only symbols",
        }
        return reasons.get(kind, "")
