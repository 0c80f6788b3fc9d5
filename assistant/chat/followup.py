"""Follow-up questions understood with Korean morphology and the conversation so far, no LLM.

A message either stands alone or continues the conversation, as its cues say
(:mod:`assistant.chat.cues`): an ordinal searches the item it points at; "more" searches
again without what was shown; a fragment or a message led by a conjunction swaps its noun
into the subject slot ("유럽의 AI 전략은?" → "그럼 미국은?" searches 미국 AI 전략); a reference
draws on the previous answer; anything else with enough content of its own is a new
question and is searched as typed.

The conversation's topic is a list of content terms with weights: a message's own terms
weigh 1 and, each time a follow-up brings terms of its own, the older ones decay; terms
that fall below a floor are forgotten. A question that stands alone starts a new topic.
Documents the previous answer cited get a mild prior.

Everything here is pure (no I/O, no model); ``python -m bench.conversation`` times it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Container, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.answer.request import Context
from assistant.answer.tables import asked_extreme
from assistant.chat.cues import LAST, MEMBER_WORDS, PREDICATE_TAGS, Cues, read_cues
from assistant.chat.sessions import Focus, Item, Turn
from assistant.ingest.markers import ORDINAL_VALUES, ordinal_written
from assistant.text.korean import WEAK_NOUNS, Token
from assistant.text.questions import (
    ANOTHER,
    COMPARING_NOUNS,
    ELABORATE,
    LIGHT_PREDICATES,
    QUESTION_WORDS,
    question_form,
    sides_in,
    social_kind,
)
from assistant.text.sentences import ends_sentence, expected_answer, side_by_side, step_value

KINDS = ("ellipsis", "reference", "ordinal", "more")


#: Terms of an earlier answer's sentence that say nothing about its topic.
IGNORED = QUESTION_WORDS | LIGHT_PREDICATES | WEAK_NOUNS


@dataclass(frozen=True)
class Policy:
    """How strongly the conversation carries over."""

    decay: float = 0.6  #: factor on earlier terms each time a follow-up brings its own
    floor: float = 0.3  #: terms lighter than this are forgotten
    max_terms: int = 8  #: at most this many terms in a built query
    prior: float = 0.05  #: boost of the documents the previous answer showed
    item_prior: float = 0.1  #: boost of the document of the item an ordinal points at


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Resolution:
    """How to search for a message: the query, what to leave out, which documents to favour."""

    standalone: bool
    query: str
    kind: str  #: "standalone" or one of :data:`KINDS`
    drew_on_turn: int | None = None
    exclude: frozenset[str] = frozenset()  #: chunk ids left out of the search
    avoid: frozenset[tuple[str, int]] = frozenset()  #: sentences (doc id, start) the summary must not repeat
    prior: dict[str, float] = field(default_factory=dict)  #: doc id → boost
    topic: dict[str, float] = field(default_factory=dict)  #: the topic after this message
    focus: Focus = ()
    subject: tuple[str, ...] = ()  #: the new subject of an ellipsis ("그럼 미국은?": 미국); answers must be about it
    instead: tuple[str, ...] = ()  #: what the new subject replaced (한국 in "한국의 원팀 전략" → "그럼 미국은?")
    #: the thing an aspect is asked of, which stays ("대통령은 몇 년 해?" → "연임도 돼?": 대통령)
    kept: tuple[str, ...] = ()
    anchor: tuple[str, int] | None = None  #: the sentence (doc id, start) an ordinal or "more" elaborates
    restate: bool = True  #: say the anchored sentence too (not when more detail of it is asked for: "자세히")
    another: bool = False  #: another one like those shown is asked for ("다른 예는?"), not more about them
    #: an ordinal past the end of the list it counts in ("세 번째 항목은?" after two): how many items it had
    beyond: int = 0
    #: the message is no question (thanks, a greeting …: see social_kind): later messages look past it
    social: bool = False
    #: the two things a comparison that names none sets side by side ("둘의 차이는?": the subject
    #: the conversation moved from, and the one it moved to)
    sides: tuple[str, ...] = ()
    #: the sentences the summary may hold when the last answer is asked for shorter ("한 줄로
    #: 요약해줘": 1); 0 for as many as usual
    sentences: int = 0
    #: the question an ellipsis goes on from that asked for a kind of value or a form of answer
    #: ("얼마까지 지원받아?" → "그럼 소상공인은?"; "왜 필요해?" → "그럼 유럽은?"): asked again
    like: str = ""
    #: the terms a follow-up narrows the question before to ("연차 며칠 줘?" → "입사 첫해는?": 입사, 첫해)
    narrowed: tuple[str, ...] = ()
    #: what follows the anchored sentence in its document is asked for, past its section ("다음은?"
    #: after the last item of a list)
    onward: bool = False
    #: the terms the message sets aside with 말고 ("고정 말고 다른 방법은?": 고정), searched for no more
    aside: tuple[str, ...] = ()
    #: the bound the question before set on a table's values, which a superlative is taken within
    within: str = ""

    def without_aside(self, reads: Callable[[str], Sequence[str]]) -> Resolution:
        """This resolution with the query's words that ``reads`` (a text's content terms) as
        only terms set aside left out ("… 떠 풀기 고정" → "… 떠 풀기"); as it is when none is, or
        when nothing would be left."""
        if not self.aside:
            return self
        words = [w for w in self.query.split() if not (terms := reads(w)) or not set(terms) <= set(self.aside)]
        return replace(self, query=" ".join(words)) if words else self

    @property
    def followup(self) -> str | None:
        """The kind of follow-up, None when the message stands alone."""
        return None if self.standalone else self.kind

    @property
    def context(self) -> Context:
        """What the answer must do for this message beyond its words (the engine's side of it)."""
        return Context(
            avoid=self.avoid,
            about=self.subject,
            instead=self.instead,
            kept=self.kept,
            anchor=self.anchor,
            restate=self.restate,
            another=self.another,
            sides=self.sides,
            sentences=self.sentences,
            like=self.like,
            narrowed=self.narrowed,
            onward=self.onward,
            within=self.within,
        )


# ---------------------------------------------------------------------------------------
# Reading the message


def swap(focus: Focus, own: Sequence[tuple[str, str]], keep: Collection[str] = frozenset()) -> tuple[list[str], Focus]:
    """Put the message's nouns in the focus, in the run of nouns that has nouns of their
    class: for a name the first such run (유럽의 AI 전략 → 미국), for a common noun the last
    (부산의 교통 → 음식). Only the nouns of that class leave the run ("AI 속도 경쟁" → "AI 규모
    경쟁"), and not those of ``keep`` (the columns of a table shown: "프로 동시 접속" → "팀은?" →
    "팀 동시 접속"). The class of the message's last noun decides where its nouns go; a noun of another
    class replaces the focus's nouns of its own class too ("calc에서 열 제목 …" → "writer 문서 안
    글자는요?": writer for calc). Returns the terms replaced and the new focus."""
    if not own:
        return [], focus
    kept = [(t, c, i) for t, c, i in focus if t in keep]
    if kept and len(kept) < len(focus):
        # the columns stay where they are; the rest of the focus is swapped as if they were not there
        replaced, out = swap(tuple(x for x in focus if x[0] not in keep), own)
        return replaced, (*out, *kept)
    replaced, out = _swap_class(focus, own, own[-1][1], own)
    for kind in dict.fromkeys(c for _, c in own):
        if kind == own[-1][1]:
            continue
        mine = [(t, c) for t, c in own if c == kind]
        gone = [t for t in _swap_class(focus, mine, kind, mine)[0] if t not in replaced]
        if gone:
            out = _put_in_place(out, gone, mine)
            replaced += gone
    return replaced, out


def _put_in_place(focus: Focus, gone: Sequence[str], put: Sequence[tuple[str, str]]) -> Focus:
    """The focus with the terms ``gone`` left out and ``put`` (those not in it yet) where the first was."""
    present = {t for t, _, _ in focus}
    out: list[tuple[str, str, int]] = []
    for t, c, i in focus:
        if t == gone[0]:
            out += [(o, oc, i) for o, oc in put if o not in present]
        elif t not in gone:
            out.append((t, c, i))
    return tuple(out)


def _swap_class(
    focus: Focus, own: Sequence[tuple[str, str]], kind: str, put: Sequence[tuple[str, str]]
) -> tuple[list[str], Focus]:
    """:func:`swap` for the nouns of one class: the focus's nouns of class ``kind`` in its target
    run give their place to ``put``."""
    runs = list(dict.fromkeys(i for _, c, i in focus if c == kind))
    if not runs:
        return [], focus
    target = runs[-1] if kind == "common" else runs[0]
    own_terms = {t for t, _ in own}
    replaced = [t for t, c, i in focus if i == target and c == kind and t not in own_terms]
    if not replaced:
        return [], focus
    out: list[tuple[str, str, int]] = []
    for t, c, i in focus:
        if i != target or c != kind:
            out.append((t, c, i))
        elif t == replaced[0]:
            out += [(o, oc, i) for o, oc in put]
    return replaced, tuple(out)


#: Nouns that name an aspect of something rather than a thing: "여권 만드는 데 며칠 걸려요?" →
#: "수수료는?" asks the 여권's 수수료, where "연차는 며칠이야?" → "병가는?" asks about another thing.
ASPECTS = frozenset(
    ["수수료", "비용", "가격", "요금", "금액", "기간", "기한", "유효기간", "마감", "일정", "시간", "조건",
     "자격", "절차", "서류", "준비물", "장소", "위치", "대상", "혜택", "장점", "단점", "효과", "목적", "역할",
     "결과", "연락처", "담당자", "과태료", "벌금", "신청", "접수", "용량", "무게", "성능", "사양", "인원", "정원",
     "횟수", "기준", "범위", "용도", "개수", "수량", "색상", "재질", "연령", "승인", "허가", "해결책", "대책", "해법",
     "영향", "전망", "사례", "문제점", "과제", "한계", "시사점", "해", "연도", "분기", "임기", "연임", "중임",
     "정년", "돈", "동안"]
)  # fmt: skip

#: Aspects a document gives without writing their name ("해결책은?" is answered by "… 구축해야 합니다"):
#: the answer need not name them.
UNNAMED_ASPECTS = frozenset(["해결책", "대책", "해법"])


#: Nouns that narrow when or of whom a question is asked rather than name another thing: "연차 며칠
#:줘?" → "입사 첫해는?" asks the 연차 of the first year, where "병가는?" asks about another thing. They
#: take the place of the focus's own (정규직 → 계약직) or join it.
CONDITIONS = frozenset(
    ["첫해", "첫날", "첫달", "첫주", "입사", "퇴사", "수습", "신입", "신입사원", "경력직", "정규직", "계약직",
     "비정규직", "파견직", "인턴", "알바", "아르바이트", "임시직", "단시간", "주말", "평일", "휴일", "공휴일",
     "야간", "심야", "연말", "연초", "월말", "월초", "방학", "성수기", "비수기"]
)  # fmt: skip


def _names_a_condition(nouns: Sequence[tuple[str, str]]) -> bool:
    """Whether a fragment's nouns narrow the question before (:data:`CONDITIONS`: "입사 첫해는?")."""
    return bool(nouns) and all(c == "common" for _, c in nouns) and nouns[-1][0] in CONDITIONS


def _names_an_aspect(nouns: Sequence[tuple[str, str]], columns: Collection[str] = frozenset()) -> bool:
    """Whether a fragment's nouns name an aspect: common nouns whose head (the last) is one of
    :data:`ASPECTS` ("수수료는?", "유효 기간은?": 유효, 기간), or that are all words of ``columns``:
    the header of a table the last answer showed ("동시 접속은?" after the row "프로 | 19,900원 |
    2TB | 5대 | …" of "요금제 | 월 요금 | 저장 용량 | 동시 접속 | …")."""
    if not nouns or not all(c == "common" for _, c in nouns):
        return False
    return nouns[-1][0] in ASPECTS or all(t in columns for t, _ in nouns)


#: Endings of a sentence that gives the reason for what was just asked ("… 인쇄해야 돼서요", "… 써야
#: 하거든요", "비교하려고요"), not a question of its own.
_REASON_ENDINGS = frozenset({"어서", "아서", "여서", "서", "니까", "으니까", "려고", "으려고", "거든", "거든요"})


def _explained_question(
    message: str, tokens: Sequence[Token], turns: Sequence[Turn], policy: Policy, columns: Collection[str]
) -> Resolution | None:
    """A follow-up asked in one sentence and explained in the next ("calc 시트는요? 가로로 인쇄해야
    돼서요", "엑셀은요? 회사에서 써야 하거든요"): the first sentence resolved as it would be alone. The
    reason is no question of its own (its nouns say why, not what: 회사, 발표 자료), and read with it the
    message looked whole and was searched alone, without the topic the first sentence goes on from.
    None when the message is not so, or its first sentence stands alone."""
    if not turns:
        return None
    end = next((i for i, t in enumerate(tokens) if t.tag == "SF" and i + 1 < len(tokens)), None)
    if end is None:
        return None
    reason = [t for t in tokens[end + 1 :] if t.tag not in ("SF", "SP")]
    while reason and reason[-1].tag == "JX" and reason[-1].form == "요":
        reason = reason[:-1]
    if not reason or reason[-1].tag not in ("EC", "EF") or reason[-1].form not in _REASON_ENDINGS:
        return None
    first = resolve(message[: tokens[end].end], tokens[: end + 1], turns, policy, columns)
    return None if first.standalone else first


def _another_aspect(focus: Focus, own: Sequence[tuple[str, str]], aspects: Collection[str]) -> tuple[list[str], Focus]:
    """A follow-up that names an aspect ("수수료는?", :func:`_names_an_aspect`) or a condition
    ("입사 첫해는?", :func:`_names_a_condition`): its nouns take the place of the focus's nouns of
    ``aspects`` (기간 → 수수료; a column named before, 요금제 → 동시 접속), or join it when it names
    none; the thing they are of stays."""
    own_terms = {t for t, _ in own}
    replaced = [t for t, _, _ in focus if t in aspects and t not in own_terms]
    if replaced:
        return replaced, _put_in_place(focus, replaced, own)
    run = focus[-1][2] if focus else 0
    present = {t for t, _, _ in focus}
    return [], (*focus, *((t, c, run) for t, c in own if t not in present))


# ---------------------------------------------------------------------------------------
# Resolving


def resolve(
    message: str,
    tokens: Sequence[Token],
    turns: Sequence[Turn],
    policy: Policy = DEFAULT_POLICY,
    columns: Collection[str] = frozenset(),
) -> Resolution:
    """Decide whether ``message`` stands alone and, if not, what to search for it.

    ``tokens`` are Kiwi's morphemes of the message; ``turns`` the recent turns, oldest first;
    ``columns`` the content terms of the header of a table the last answer showed (its columns
    name aspects of its rows: see :func:`_names_an_aspect`). What the message sets aside with 말고
    ("고정 말고 다른 방법은?") leaves the topic it carries on, and an answer about a new subject treats
    it as what the subject replaced; the query's words that read as it are left out by
    :meth:`Resolution.without_aside`, which has the analyzer.
    """
    cues = read_cues(tokens)
    resolved = _resolve(message, tokens, cues, turns, policy, columns)
    if resolved.standalone or not cues.aside:
        return resolved
    topic = {t: w for t, w in resolved.topic.items() if t not in cues.aside}
    if resolved.query == message:  # searched as written ("다른 방법은 없어요? 데이터 규제 말고 …"): a sentence
        return replace(resolved, topic=topic)
    query = " ".join(w for w in resolved.query.split() if w not in cues.aside) or resolved.query
    # "한국 말고 미국 얘기만": a sentence naming 한국 before 미국 is about 한국, as after a swap
    instead = resolved.instead
    if resolved.subject:
        instead += tuple(t for t in cues.aside if t not in instead)
    return replace(resolved, query=query, topic=topic, aside=cues.aside, instead=instead)


def _resolve(
    message: str,
    tokens: Sequence[Token],
    cues: Cues,
    turns: Sequence[Turn],
    policy: Policy,
    columns: Collection[str],
) -> Resolution:
    if social_kind(tokens):  # "고마워요": answered as it is, and the conversation goes on past it
        return replace(standalone(message, cues), social=True)
    turns = [t for t in turns if not t.social]
    explained = _explained_question(message, tokens, turns, policy, columns)
    if explained is not None:  # "calc 시트는요? 가로로 인쇄해야 돼서요"
        return explained
    about_it = _about_the_answer(tokens, cues)
    answered = next((t for t in reversed(turns) if t.passages), None)
    if about_it is not None and answered is not None:  # "출처는?", "한 줄로 요약해줘": the last answer again
        like = answered.question if not about_it else ""  # the same answer; a shorter one is plain
        return _drawing_on(answered, answered.query, dict(answered.topic), policy, sentences=about_it, like=like)
    compared = _compared_sides(message, tokens, cues, turns)
    if compared is not None:  # "둘의 차이는?", "미국이랑 비교하면?"
        return _both(turns[-1], compared, policy)
    compared_turn = _aspect_compared(message, cues, turns)
    if compared_turn is not None:  # "한국이랑 해외 AI 동맹 차이 알려줘" → "그 중에 규제 쪽은?"
        # the aspect asked before gives its place (서울과 부산의 교통 → 음식); the sides stay
        sides = compared_turn.sides
        lowered = {s.lower() for s in sides}
        kept = [t for t, _, _ in compared_turn.focus if t.lower() in lowered]
        replaced, focus = swap(compared_turn.focus, cues.nouns, keep=kept)
        topic = carry(compared_turn.topic, cues.terms, policy, replaced=replaced, lead=True, keep=kept)
        return replace(_drawing_on(compared_turn, query_of(topic, policy), topic, policy, sides=sides), focus=focus)
    # a whole question that names only an aspect ("수수료는 얼마예요?") asks it of the thing before
    # ... and one that asks for another way than those shown ("고정 말고 다른 방법은 없어요? 위아래를 따로 …")
    # goes on with them, however much else it says
    alone = not (cues.reference or cues.member or _names_an_aspect(cues.nouns, columns))
    alone = alone and not _goes_on(cues, answered)
    if not turns or (cues.complete() and alone and not cues.another):
        return standalone(message, cues)
    last = turns[-1]
    source = answered  # the last turn that answered
    if cues.complete() and alone and source is not None:
        # another way, described ("다른 방법은 없어요? 저장할 때마다 예전 파일도 남겨두는 식으로"): searched
        # as written, nothing shown on the topic said again
        shown = _shown_on_topic(source, _thread(turns))
        return replace(
            standalone(message, cues), standalone=False, kind="more", drew_on_turn=source.n, avoid=frozenset(shown)
        )
    detail = bool(ELABORATE.search(message))  # more detail of what was shown: it is not said again
    resolved: Resolution | None = None
    beyond = 0
    following = None
    if cues.ordinal is None and source is not None and _asks_next(tokens, cues):
        following = _following(source, turns)  # "두 번째는?" → "다음은?": the third
        if following is not None:
            cues = replace(cues, ordinal=following, member=True)
    if cues.ordinal is not None and source is not None:
        listed = _listed(source, turns)
        resolved = _ordinal(cues, last, listed, policy, detail)
        if resolved is None and following is not None and last.anchor is not None:
            resolved = _onward(last, listed, policy)  # past the last item: what the document says next
        elif resolved is None and cues.member and listed.items:
            beyond = len(listed.items)  # no such item: searched as a reference, and the answer says so
    if resolved is None and cues.example and not (cues.nouns or cues.more) and source is not None and source.items:
        resolved = _example(cues, last, source, policy, _thread(turns))
    if resolved is None and cues.more and source is not None:
        resolved = _more(cues, last, source, policy, detail, _thread(turns))
    if resolved is None:
        if cues.nouns:
            resolved = _continue(cues, last, source, policy, columns)
        else:
            resolved = _reference(
                cues,
                last,
                source,
                policy,
                why=question_form(message) == "reason",
                value=expected_answer(message) is not None,
            )
    if not resolved.query.strip():
        return standalone(message, cues)
    if beyond and source is not None:
        # no such item shown: the document's own ("두 번째로, …") is searched for, and what was shown is
        # not said again as if it were
        resolved = replace(
            resolved,
            query=_with_ordinal(resolved.query, message, cues),
            avoid=resolved.avoid | _shown_on_topic(source, _thread(turns)),
        )
    like = _valued_before(turns) if resolved.kind == "ellipsis" else ""
    return replace(resolved, another=bool(ANOTHER.search(message)), beyond=beyond, like=like)


def _with_ordinal(query: str, message: str, cues: Cues) -> str:
    """``query`` with the message's ordinal before the member it names ("한국 기업 전략" → "한국 기업 두
    번째 전략"); as it is when it does not hold the member (a question searched again)."""
    written = ordinal_written(message)
    words = query.split()
    member = next((i for i, w in enumerate(words) if any(w == t for t, _ in cues.nouns)), None)
    if written is None or member is None:
        return query
    return " ".join([*words[:member], written, *words[member:]])


def _goes_on(cues: Cues, answered: Turn | None) -> bool:
    """Whether a whole sentence naming one thing, which the last answered turn was about, and
    asking nothing of its own (no question word) goes on with that turn's topic: "연결이 자꾸 끊겨요"
    after "블루투스 이어폰 연결하는 법" is about the earphones, and was searched alone (a network's
    dropped connection). One that names two things or asks ("한국은 왜 뒤처졌나요?") stands alone."""
    if len(cues.nouns) != 1 or cues.wh:
        return False
    return answered is not None and cues.nouns[0][0] in answered.topic


def _valued_before(turns: Sequence[Turn]) -> str:
    """The question an ellipsis goes on from that asks for a kind of value (a sum, a span, a time, a
    number: "연차는 며칠이야?" → "병가는?" → "경조휴가는?"), a form of answer (why, how …) or the most or
    least of something ("제일 많았던 해는?" → "매출은?"), back through
    the ellipses before it (``turns`` without the social ones, as :func:`resolve` reads them); "" for none."""
    for turn in reversed(turns):
        if (
            expected_answer(turn.question) is not None
            or question_form(turn.question) != "general"
            or asked_extreme(turn.question) is not None  # "제일 많았던 해는?" → "매출은?": its most too
        ):
            return turn.question
        if turn.followup != "ellipsis":
            return ""
    return ""


#: Nouns that count the things compared ("양쪽 차이점은?").
_BOTH_SIDES = frozenset(["양쪽", "양측", "둘"])


#: Nouns that ask where an answer comes from ("출처는?", "근거가 뭐야?", "어느 문서에 있어?").
SOURCE_NOUNS = frozenset(["출처", "근거", "원문", "문서", "자료", "원본"])
#: Words that ask for the answer shorter ("요약해줘", "핵심만", "간단히 말해줘", "짧게").
BRIEF_WORDS = frozenset(["요약", "핵심", "간단히", "간략히", "짧다", "간단", "간략", "짧게"])
#: What else such a request may say: "한 줄로", "말해줘", "보여줘", "어디에 나와?".
_ABOUT_IT_REST = frozenset(["줄", "말", "보이다", "나오다", "있다", "알리다"])
#: Counts of lines ("세 줄 요약").
_LINES = {"한": 1, "두": 2, "세": 3, "네": 4}


def _about_the_answer(tokens: Sequence[Token], cues: Cues) -> int | None:
    """Whether a message asks about the last answer rather than the documents: where it comes from
    ("출처는?", "근거가 뭐야?", "어디에 나와?") or for it shorter ("한 줄로 요약해줘", "핵심만", "간단히
    말해줘"). Returns the sentences the shorter answer may hold (1, or the lines it counts: "세 줄
    요약" 3), 0 for the answer as long as before; None for any other message."""
    words = {t for t, _ in cues.nouns} | set(cues.predicates) | {t.form for t in tokens if t.tag == "MAG"}
    source = bool(words & SOURCE_NOUNS) or (not cues.nouns and "나오다" in cues.predicates and cues.wh)
    brief = bool(words & BRIEF_WORDS)
    if not (source or brief) or not words <= SOURCE_NOUNS | BRIEF_WORDS | _ABOUT_IT_REST:
        return None
    if not brief:
        return 0
    return next(
        (_LINES[t.form] for i, t in enumerate(tokens[:-1]) if t.form in _LINES and tokens[i + 1].form == "줄"), 1
    )


#: The particles of what a thing is compared with ("미국이랑 비교하면?", "팀하고는 뭐가 달라?").
_WITH = frozenset(["와", "과", "랑", "이랑", "하고"])


def _compared_sides(message: str, tokens: Sequence[Token], cues: Cues, turns: Sequence[Turn]) -> tuple[str, str] | None:
    """The two sides of a comparison that leaves them to the conversation, or None.

    Naming none ("둘의 차이는?", "두 나라 뭐가 달라?", "차이가 뭐야?", "공통점은?": its only nouns ask
    what sets things apart, count them, 양쪽, or follow 두, "두 요금제"), it compares the two subjects
    the conversation has just set side by side (:func:`_compared`). Naming one, with the particle
    of what is compared with ("미국이랑 비교하면?", "팀하고는 뭐가 달라?"), it compares the subject
    talked about (the last question's noun of the same class: 한국 in "한국의 AI 원팀 전략") with
    it. Not a comparison that names both sides ("미국과 한국의 차이는?") or asks a point ("두 번째 차이는?")."""
    named = [side for side in sides_in(tokens) if side not in COMPARING_NOUNS]
    if question_form(message) != "comparison" or cues.ordinal is not None or len(named) == 2:
        return None
    counted = {tokens[i + 1].form for i, t in enumerate(tokens[:-1]) if t.form == "두" and t.tag == "MM"}
    own = [(t, c) for t, c in cues.nouns if not (t in COMPARING_NOUNS or t in _BOTH_SIDES or t in counted)]
    if not own:
        return _compared(turns)
    if len(own) > 1:
        return None
    noun, kind = own[0]
    at = next((i for i, t in enumerate(tokens) if t.form == noun), -1)
    if not (0 <= at < len(tokens) - 1 and tokens[at + 1].form in _WITH and tokens[at + 1].tag in ("JKB", "JC")):
        return None
    last = next((t for t in reversed(turns) if t.focus), None)
    subject = next((t for t, c, _ in last.focus if c == kind), None) if last is not None else None
    return (subject, noun) if subject is not None and subject != noun else None


def _aspect_compared(message: str, cues: Cues, turns: Sequence[Turn]) -> Turn | None:
    """The last turn when it set two things side by side and ``message`` asks another aspect of
    them: a fragment, a reference or a comparison whose own nouns are all common nouns, neither
    side ("규제 쪽은?", "그 중 데이터 관련 내용은?", "협력 방식은 어떻게 달라?"), and no ordinal; else None.
    A name ("그럼 중국은?") swaps a side instead."""
    last = turns[-1] if turns else None
    if last is None or len(last.sides) != 2 or cues.ordinal is not None:
        return None
    sides = {s.lower() for s in last.sides}
    own = [(t, c) for t, c in cues.nouns if t not in COMPARING_NOUNS and t not in _BOTH_SIDES]
    if not own or any(c != "common" or t.lower() in sides for t, c in own):
        return None
    asks = cues.fragment or cues.reference or cues.conjunction or question_form(message) == "comparison"
    return last if asks else None


def _compared(turns: Sequence[Turn]) -> tuple[str, str] | None:
    """The two subjects the conversation has just set side by side: the noun the last question's
    subject has in place of one of the question before it ("한국의 AI 원팀 전략이란?" → "그럼 미국은?":
    한국, 미국), the same class of noun for the same place; None when the last two questions' subjects
    are the same or differ by more than one such swap."""
    asked = [t for t in turns if t.focus]
    if len(asked) < 2:
        return None
    last = asked[-1]
    now = {t for t, _, _ in last.focus}
    for before in reversed(asked[:-1]):
        then = {t for t, _, _ in before.focus}
        new = [(t, c) for t, c, _ in last.focus if t not in then]
        old = [(t, c) for t, c, _ in before.focus if t not in now]
        if not new and not old:
            continue  # "more" of the same subject: the swap is further back
        same = [t for t, c in old if new and c == new[0][1]]
        return (same[0], new[0][0]) if new and same else None
    return None


def _both(last: Turn, sides: tuple[str, str], policy: Policy) -> Resolution:
    """A comparison of the two subjects just talked about ("둘의 차이는?"): both searched with the
    topic, the answer set out side by side."""
    topic = carry(last.topic, list(sides), policy, lead=True)  # its own words only ask how they differ
    return _drawing_on(last, query_of(topic, policy), topic, policy, sides=sides)


def _drawing_on(
    turn: Turn,
    query: str,
    topic: dict[str, float],
    policy: Policy,
    prior: dict[str, float] | None = None,
    **fields: Any,
) -> Resolution:
    """A reference to ``turn``: ``query`` searched on its subject with the documents of its answer
    mildly favoured (``prior``, when given, instead: another turn's)."""
    return Resolution(
        False,
        query,
        "reference",
        drew_on_turn=turn.n,
        prior=_prior(turn, policy) if prior is None else prior,
        topic=topic,
        focus=turn.focus,
        **fields,
    )


def _asks_next(tokens: Sequence[Token], cues: Cues) -> bool:
    """Whether a message asks for what comes next ("다음은?", "그 다음 단계는?", "그다음엔?"): 다음 with
    no noun but one that names a list's member."""
    return any(t.form == "다음" and t.tag == "NNG" for t in tokens) and all(n in MEMBER_WORDS for n, _ in cues.nouns)


def _following(last: Turn, turns: Sequence[Turn]) -> int | None:
    """The place after the item the last turn elaborated, in the list it counted in (1-based: after
    "두 번째는?", 3); None when the last turn elaborated no item of a list."""
    if last.followup != "ordinal" or last.anchor is None:
        return None
    listed = _listed(last, turns)
    return next((i + 2 for i, item in enumerate(listed.items) if _place(listed, item) == last.anchor), None)


def _listed(source: Turn, turns: Sequence[Turn]) -> Turn:
    """The turn whose items an ordinal counts in: after an ordinal ("첫 번째 거 더 설명해줘"),
    the next one ("마지막 건?") still counts in the list that one counted in."""
    if source.followup == "ordinal" and source.drew_on_turn is not None:
        return next((t for t in turns if t.n == source.drew_on_turn and t.items), source)
    return source


def standalone(message: str, cues: Cues) -> Resolution:
    """A message searched as typed; it starts a new topic."""
    return Resolution(True, message, "standalone", topic=dict.fromkeys(cues.terms, 1.0), focus=cues.slot)


def _continue(
    cues: Cues, last: Turn, source: Turn | None, policy: Policy, columns: Collection[str] = frozenset()
) -> Resolution:
    """Ellipsis, or a reference that brings nouns of its own ("그 중 데이터 관련 내용은?").

    After a conjunction or as a bare fragment ("그럼 미국은?"), the message's nouns are
    swapped into the subject (see :func:`swap`): 유럽 → 미국, and the answer must be about
    them. When nothing of their kind is there to swap, they lead the query ("메가 얼라이언스"
    → "그럼 유럽은?" searches 유럽 메가 얼라이언스). Otherwise they join the topic ("예를 들면
    어떤 산업이 있나요?").
    """
    replaced: list[str] = []
    focus = last.focus
    ellipsis = (cues.fragment or cues.conjunction) and not cues.reference
    aspects = ASPECTS | frozenset(columns)
    narrows = False  # a condition ("입사 첫해는?"): the answer is about the thing, which documents may not say it of
    kept: tuple[str, ...] = ()  # the thing another aspect is asked of
    if ellipsis and _names_an_aspect(cues.nouns, columns) and any(t not in aspects for t, _, _ in focus):
        kept = tuple(t for t, _, _ in focus if t not in aspects)
        replaced, focus = _another_aspect(focus, cues.nouns, aspects)
    elif ellipsis and _names_a_condition(cues.nouns) and any(t not in CONDITIONS for t, _, _ in focus):
        replaced, focus = _another_aspect(focus, cues.nouns, CONDITIONS)
        narrows = True
    elif ellipsis and not columns and _named_in_answer(cues.nouns, last):
        # what the answer's passages just named ("헌법 고치려면?" → "… 국민투표에 붙여 …" → "국민투표는?") is
        # asked of the same thing: it joins the focus, nothing is swapped out; not after rows of a table,
        # whose passage names every row ("매출은?" → "영업이익은?" asks the other row)
        replaced, focus = _another_aspect(focus, cues.nouns, frozenset())
    elif ellipsis:  # the aspect asked before stays: "대통령 임기 몇 년이야?" → "국회의원은?" asks 국회의원 임기
        replaced, focus = swap(last.focus, cues.nouns, keep=aspects)
    topic = carry(last.topic, cues.terms, policy, replaced=replaced, lead=ellipsis and not replaced)
    kind = "reference" if cues.reference else "ellipsis"
    return Resolution(
        False,
        query_of(topic, policy),
        kind,
        drew_on_turn=last.n,
        prior=_prior(source, policy),
        topic=topic,
        focus=focus,
        subject=_new_subject([t for t, _ in cues.nouns if t not in UNNAMED_ASPECTS], last.focus)
        if ellipsis and not narrows
        else (),
        instead=tuple(replaced),
        kept=kept,
        narrowed=tuple(t for t, _ in cues.nouns) if narrows else (),
    )


def _named_in_answer(nouns: Sequence[tuple[str, str]], last: Turn) -> bool:
    """Whether a fragment's nouns are common nouns (no names: "그럼 미국은?" asks of another country,
    whatever the answer said of it) that the passages the last answer cited all name, and its focus
    does not."""
    if not nouns or not last.named or any(c != "common" for _, c in nouns):
        return False
    named = set(last.named)
    held = {t for t, _, _ in last.focus}
    if any(_listed_with(t, held, item.text) for t, _ in nouns for item in last.items):
        return False  # named beside what was asked ("대법원장과 대법관 …"): another thing of its kind
    return all(_in_terms(t.lower(), named) and t not in held for t, _ in nouns)


def _listed_with(word: str, others: Collection[str], text: str) -> bool:
    """Whether ``text`` sets ``word`` side by side with one of ``others`` ("대법원장과 대법관이 아닌
    법관": 대법관 is listed with 대법원장), either first."""
    return any(side_by_side(a, b, text) for o in others if o != word for a, b in ((o, word), (word, o)))


def _in_terms(word: str, terms: Container[str]) -> bool:
    """Whether ``word`` is one of ``terms``, or two of them in a row (국민투표 of 국민, 투표: a compound
    the index knows whole, where a passage's sentences were read in pieces)."""
    return word in terms or any(word[:i] in terms and word[i:] in terms for i in range(1, len(word)))


def _new_subject(nouns: Sequence[str], focus: Focus) -> tuple[str, ...]:
    """What an ellipsis's answer must be about: its nouns that the focus before did not hold ("해외
    출장은?" after "출장비 정산 …": 해외, since 출장 is of 출장비 too, and a sentence naming only that is
    no more about 해외 출장 than the one before); all of them when none is new."""
    old = [t for t, _, _ in focus]
    new = [n for n in nouns if not any(o.startswith(n) or n.startswith(o) for o in old)]
    return tuple(new or nouns)  # none at all: the aspects asked are ones documents do not name


def _reference(
    cues: Cues, last: Turn, source: Turn | None, policy: Policy, *, why: bool = False, value: bool = False
) -> Resolution:
    """A message about the previous answer ("그건 왜 그런가요?", "이를 위해 무엇이 필요한가요?").

    With no content terms of its own, what was searched last is searched again (the form of
    the question still changes the answer); otherwise its terms join the topic. Asking why
    and naming nothing ("그건 왜 필요한가요?") right after an answer that elaborated one sentence
    (an ordinal's item, "more") or said only one asks about that sentence: the answer is what
    the document says right after it, where a document gives the reason for what it just said.
    After an answer of several sentences, which one is meant is not known: searched again. A
    message asking for a ``value`` (a time, a sum, a count) leaves out the aspects the question before
    named ("신청 자격이 뭐야?": 자격), not what it asked done ("어떻게 신청해?" → "얼마나 걸려?": 신청).
    """
    # a message naming nothing ("누가 만들어야 해?", "성공하려면?") is still about the subject talked about:
    # its nouns stay while the conversation's predicates come and go
    keep = () if cues.nouns else [t for t, _, _ in last.focus]
    topic = carry(last.topic, cues.terms, policy, keep=keep)
    if value:  # a value asked ("언제까지 신청해?" after "신청 자격이 뭐야?"): of the thing, not of the aspect before
        asked_before = {t for t, _, _ in last.focus if t in ASPECTS} - set(cues.terms)
        topic = {t: w for t, w in topic.items() if t not in asked_before}
    query = query_of(topic, policy) if cues.terms else last.query
    anchor = None
    if why and not cues.nouns and not last.abstained:
        anchor = last.anchor or (last.said[0][:2] if len(last.said) == 1 else None)
    return _drawing_on(last, query, topic, policy, _prior(source, policy), anchor=anchor, restate=not anchor)


def _thread(turns: Sequence[Turn]) -> list[Turn]:
    """The turns since the last one that stood alone (it included): the conversation's current topic."""
    start = max((i for i, t in enumerate(turns) if t.followup is None), default=0)
    return list(turns[start:])


def _shown(turn: Turn) -> set[tuple[str, int]]:
    """The sentences (doc id, start) a turn's summary showed."""
    return {(doc, a) for doc, a, _ in turn.said} or _item_places(turn)


def _shown_on_topic(source: Turn, thread: Sequence[Turn]) -> set[tuple[str, int]]:
    """The sentences (doc id, start) ``source`` and every turn of ``thread`` (the turns since the
    last standalone one) that answered showed: what a request for more does not say again."""
    return _shown(source).union(*(_shown(t) for t in thread if t.passages))


def _overlaps(said: Sequence[tuple[str, int, int]], doc: str, item: Item) -> bool:
    """Whether a summary showed (``said``: doc id, start, end) any of ``item``'s text in ``doc``."""
    end = item.start + max(len(item.text), 1)
    return any(d == doc and a < end and item.start < b for d, a, b in said)


def _more(cues: Cues, last: Turn, source: Turn, policy: Policy, detail: bool, thread: Sequence[Turn]) -> Resolution:
    """More of the same ("더 자세히", "그 밖에 …은?"): the search again, without what was shown.

    The summary avoids the sentences shown before on this topic (by every turn of ``thread``,
    the turns since the last standalone one: "그 밖에" after a reference does not repeat the
    first answer either); passages that had nothing more to tell are left out of the search.
    After "more", "more" again leaves out those too.
    """
    spent = {p.chunk_id for p in source.passages if p.spent}
    shown = _shown_on_topic(source, thread)
    if source.followup == "more":
        spent |= set(source.excluded)
        shown |= set(source.avoided)
    extra = [t for t in cues.terms if t not in source.query]
    query = " ".join([source.query, *extra])
    # a list the answer showed part of goes on with its first member not shown ("또 뭐가 있어?"), not
    # shown by an earlier turn of the topic either (a member whose label the summary left out, "자본과
    # 데이터 인프라 차이: 미국과 …", was shown from after its label)
    seen = [source, *(t for t in thread if t.n != source.n)]
    said = [s for t in seen for s in t.said]
    members = [(i, d, _overlaps(said, d, i)) for i in source.items if (d := source.doc_of(i.citation))]
    unshown = [i for i, _, overlapped in members if not overlapped] if source.said else []
    # a member shown from after its start (its label left out) is not said again either
    shown |= {
        (d, i.start) for i, d, overlapped in members if overlapped and not any(t.was_said(d, i.start) for t in seen)
    }
    lead = unshown[0] if unshown else (source.items[0] if source.items else None)
    return Resolution(
        False,
        query,
        "more",
        drew_on_turn=source.n,
        exclude=frozenset(spent),
        avoid=frozenset(shown),
        prior=_prior(source, policy),
        topic=carry(last.topic, cues.terms, policy),
        focus=last.focus,
        anchor=_place(source, lead),
        restate=bool(unshown) or not detail,  # a member not shown yet is said itself
    )


def _onward(last: Turn, listed: Turn, policy: Policy) -> Resolution:
    """What comes after the last item of a list ("다음은?" after "세 번째 단계는?" of three): the
    sentences that follow the one the last turn elaborated in its document, past its section, none
    of the list's items again."""
    shown = _item_places(listed)
    return Resolution(
        False,
        last.query,
        "ordinal",
        drew_on_turn=last.n,
        avoid=frozenset(shown),
        prior=_prior(last, policy),
        topic=dict(last.topic),
        focus=last.focus,
        anchor=last.anchor,
        restate=False,
        onward=True,
    )


def _item_places(turn: Turn, items: Sequence[Item] | None = None) -> set[tuple[str, int]]:
    """Where ``items`` (by default all of ``turn``'s) stand in their documents (doc id, start)."""
    return {
        (d, i.start) for i in (turn.items if items is None else items) if (d := turn.doc_of(i.citation)) is not None
    }


def _place(source: Turn, item: Item | None) -> tuple[str, int] | None:
    """Where an item of ``source``'s answer stands (doc id, start), when known: the sentence a
    follow-up elaborates (its ``anchor``)."""
    doc = source.doc_of(item.citation) if item is not None else None
    return (doc, item.start) if doc is not None and item is not None and item.start >= 0 else None


def _example(cues: Cues, last: Turn, source: Turn, policy: Policy, thread: Sequence[Turn]) -> Resolution:
    """An example of what was said ("예를 들면?", "예시는?"): what the document says around the
    answer's first sentence ("첫 번째로, … 니치 마케팅 전략을 채택해야 합니다." → "예를 들어 의료, 금융,
    제조업 등 …"), then related passages; nothing shown on this topic again."""
    shown = _shown_on_topic(source, thread)
    return Resolution(
        False,
        source.query,
        "more",
        drew_on_turn=source.n,
        avoid=frozenset(shown),
        prior=_prior(source, policy),
        topic=carry(last.topic, cues.terms, policy),
        focus=last.focus,
        anchor=_place(source, source.items[0]),
        restate=False,
    )


def _ordinal(cues: Cues, last: Turn, source: Turn, policy: Policy, detail: bool) -> Resolution | None:
    """An ordinal ("두 번째 전략을 자세히 설명해줘"): the item of the last listed answer, searched by its text."""
    item = pick(source.items, cues.ordinal)
    if item is None:
        return None
    terms = [t for t in _written(item.terms, item.text) if t not in ORDINAL_VALUES]  # 첫째 is no topic word
    # the noun naming the member ("두 번째 단계") says where the item is, not what it is about
    own = [t for t in cues.terms if not (cues.member and t in MEMBER_WORDS)]
    topic = carry(last.topic, list(dict.fromkeys([*terms, *own])), policy)
    doc = source.doc_of(item.citation)
    shown = _item_places(source, [i for i in source.items if i is not item])
    return Resolution(
        False,
        item.text,
        "ordinal",
        drew_on_turn=source.n,
        avoid=frozenset(shown),
        prior={doc: policy.item_prior} if doc else {},
        topic=topic,
        focus=last.focus,
        anchor=_place(source, item),
        subject=_named_only(item, source.items),
        # more detail of an item shown is what follows it; an item of the document's list the
        # answer did not show ("세 번째 단계 좀 더 자세히요") is said itself first
        # (a turn that recorded nothing of what it said is taken to have shown it, as in :func:`_more`)
        # ... and so is a line of a list that is no sentence ("2. 선전·강화 기타 중요한 대외정책"): what
        # follows it elaborates something the answer must name
        restate=not detail
        or not ends_sentence(item.text)
        or (bool(source.said) and doc is not None and not _overlaps(source.said, doc, item)),
    )


def _named_only(item: Item, items: Sequence[Item]) -> tuple[str, ...]:
    """What an item that is only named in a sentence, with others, is called apart from them
    ("코오롱베니트의 'AI 얼라이언스'" of "SK텔레콤 주도의 'K-AI 얼라이언스', 코오롱베니트의 'AI
    얼라이언스', … 등 여러 AI 동맹이 생겨나고 있으며 …": 코오롱베니트): the sentences around it are
    about them all, and only one naming it says more of it. Nothing for an item that is a sentence
    of its own ("둘째, 정부의 정책적 지원도 …"), whose neighbours go on with it."""
    if ends_sentence(item.text) or not any(i is not item and i.citation == item.citation for i in items):
        return ()
    others = {t.lower() for i in items if i is not item for t in i.terms}
    own = [t for t in item.terms if t.lower() not in others]
    return tuple(_written(own, item.text))


#: Quotes the analyzer may leave on a word it reads ("얼라이언스'" of "'AI 얼라이언스'").
_QUOTES = "'\"‘’“”"


def _written(terms: Sequence[str], text: str) -> list[str]:
    """The terms of a sentence as it writes them: lemmas it does not hold as written ("막대하다"
    of "막대한") left out, neighbours it writes as one word joined ("빅" + "테크" → "빅테크", "K" +
    "AI" → "K-AI"), quotes the analyzer left on a word dropped."""
    out: list[str] = []
    lower = text.lower()
    for term in terms:
        term = term.strip(_QUOTES)
        if not term or term in IGNORED or term.lower() not in lower:
            continue
        word = _surface(term, text)
        joined = next((out[-1] + sep + word for sep in ("", "-") if out and out[-1] + sep + word in text), None)
        if joined is not None:
            out[-1] = joined
        else:
            out.append(word)
    return out


def _surface(term: str, text: str) -> str:
    """A lower-cased term as the text writes it ("ai" → "AI", "sk텔레콤" → "SK텔레콤")."""
    lower = text.lower()
    at = lower.find(term) if len(lower) == len(text) else -1  # lower-casing kept every offset
    return text[at : at + len(term)] if at >= 0 else term


#: Marks a word of a message may end with that are no part of it ("작아서?").
_TRAILING = "?!.,~…"
_WORD = re.compile(r"\S+")


def as_written(
    query: str,
    messages: Sequence[str],
    tokens: Callable[[str], Sequence[Token]],
    reads: Callable[[str], Sequence[str]],
) -> str:
    """``query`` with the verbs and adjectives it holds as lemmas ("합치다", "나누다", "작다") written
    as Korean keywords are: a verb as its noun form ("합치기", "나누기"; "calc 칸 합치기 나누기", as a
    help page is titled), an adjective, or a verb whose noun form is a noun of its own (뜨기, 뽑기),
    as the conversation wrote it, from its stem to the end of its word, without a polite 요
    ("작아서", "떠"). A form is used only when the analyzer (``reads``: a text's content terms)
    reads it back to the lemma alone, so the search is the same. ``messages``: the conversation's
    messages, oldest first, read by ``tokens`` only when the query holds a lemma (the latest
    message that writes a lemma in a form read back gives it); a lemma none of them writes stays.
    Neighbours a message writes as one word are one word again: the analyzer reads a loanword it
    does not know in parts ("얼라이언스": 얼라이언 + 스다), and "메가 얼라이언 스" is no Korean."""
    words = query.split()
    wanted = {w for w in words if w.endswith("다")}
    if not wanted:
        return _joined(words, messages)
    forms: dict[str, list[str]] = {}  # lemma → the forms to try, the latest word's first
    for text in reversed(messages):
        for tok in reversed(tokens(text)):
            lemma, tag = tok.form + "다", tok.tag.split("-")[0]
            if lemma in wanted and tag in PREDICATE_TAGS:
                word = _WORD.match(text, tok.start)
                written = word.group().rstrip(_TRAILING) if word else ""
                own = [tok.form + "기"] if tag == "VV" else []
                own += [written[:-1], written] if written.endswith("요") else [written]  # "작아서요": 요 is politeness
                forms.setdefault(lemma, []).extend(f for f in own if f)
    chosen = {
        lemma: form
        for lemma, tried in forms.items()
        if (form := next((f for f in dict.fromkeys(tried) if list(reads(f)) == [lemma]), None)) is not None
    }
    return _joined(list(dict.fromkeys(chosen.get(w, w) for w in words)), messages)


def _joined(words: Sequence[str], messages: Sequence[str]) -> str:
    """``words`` with each run of neighbours that one of ``messages`` writes as one word joined
    ("얼라이언" + "스" → "얼라이언스")."""
    written = [w for text in messages for w in _WORD.findall(text)]
    out: list[str] = []
    for word in words:
        if out and any(out[-1] + word in w for w in written):
            out[-1] += word
        else:
            out.append(word)
    return " ".join(out)


def pick(items: Sequence[Item], ordinal: int | None) -> Item | None:
    """The item an ordinal names (1-based; LAST is the last), None when there is no such item. When
    the items shown carry their own numbers ("1. 국정의 기본계획 …", "2. 선전·강화 …", after the
    sentence that announces them), "두 번째" is the one numbered 2, wherever it stands."""
    if ordinal is None or not items:
        return None
    if ordinal == LAST:
        return items[-1]
    numbered = {n: item for item in items if (n := step_value(item.text.lstrip(_QUOTES))) is not None}
    if len(numbered) >= 2 and ordinal in numbered:
        return numbered[ordinal]
    return items[ordinal - 1] if 1 <= ordinal <= len(items) else None


# ---------------------------------------------------------------------------------------
# The weighted topic


def carry(
    topic: Mapping[str, float],
    own: Sequence[str],
    policy: Policy = DEFAULT_POLICY,
    *,
    replaced: Sequence[str] = (),
    lead: bool = False,
    keep: Collection[str] = (),
) -> dict[str, float]:
    """The topic after a follow-up: earlier terms decay when the message brings its own,
    ``replaced`` terms give their place to the message's, light terms are forgotten (not those of
    ``keep``, which stay at the floor); with ``lead`` the message's terms come first."""
    factor = policy.decay if own else 1.0
    out: dict[str, float] = dict.fromkeys(own, 1.0) if lead else {}
    for term, weight in topic.items():
        if term in replaced:
            out.update({t: 1.0 for t in own if t not in out})  # in the place of the first replaced
        elif term in own:
            out[term] = 1.0
        elif weight * factor >= policy.floor or term in keep:
            out[term] = max(weight * factor, policy.floor)
    for term in own:
        out.setdefault(term, 1.0)
    return out


def query_of(topic: Mapping[str, float], policy: Policy = DEFAULT_POLICY) -> str:
    """The heaviest terms of a topic, in the topic's order, as the query to search."""
    keep = sorted(topic, key=lambda t: -topic[t])[: policy.max_terms]
    return " ".join(t for t in topic if t in keep)


def _prior(source: Turn | None, policy: Policy) -> dict[str, float]:
    """A mild boost for the documents of the passages the previous answer showed."""
    if source is None:
        return {}
    return dict.fromkeys((p.doc_id for p in source.passages if p.shown), policy.prior)
