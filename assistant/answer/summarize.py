"""Which sentences answer: candidates scored by what the question asks, the best one first.

Every sentence of the retrieved passages is a candidate. Its score is a weighted sum of
:data:`FEATURES` (the question's topic terms it holds, idf-weighted and as character bigrams;
what it adds beyond the question; the answer type the question wants and the noun the answer
is one of; saying that something does not happen, when that is what the question asks for; the rank and score of
its passage; its place in the passage; whether it is a whole sentence; whether it opens by
pointing back at a sentence it is not shown with). The weights (:data:`DEFAULT_WEIGHTS`) are
chosen on several collections at once by ``python -m bench.tune_answers``, leave one
collection out.

The best candidate leads; supporting sentences follow when they are not far weaker than the
lead and not redundant with what is already chosen. A sentence that continues the one
before it ("이를 위해 …") is shown only right after that sentence.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cached_property, lru_cache

from assistant.ingest.markers import ORDINAL, QUESTION_END, article_title, ordinals_in
from assistant.text.chunking import PATH_SEPARATOR, last_heading
from assistant.text.loanwords import alternatives_with_spellings
from assistant.text.sentences import (
    ANNOUNCES,
    ELABORATES,
    answering_headings,
    asked_counter,
    asks_limit,
    char_bigrams,
    continuation,
    ends_sentence,
    enumerated,
    expected_answer,
    form_cue,
    has_answer_type,
    label_of,
    label_prefix,
    named_things,
    opens_item,
    ordinal_prefix,
    side_by_side,
    step_number,
    step_value,
)


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, with its content morphemes."""

    citation: int  #: retrieval rank of its passage, from 1
    start: int
    end: int
    text: str
    position: int  #: index of the sentence in its passage
    terms: frozenset[str] = frozenset()
    doc_id: str = ""
    passage: float = 1.0  #: its passage's fused score over the best passage's, in [0, 1]
    section: str = ""  #: the heading path of its passage
    #: the label that headed it in its line, dropped from its text ("자본과 데이터 인프라 차이")
    label: str = ""

    def ranked(self, citation: int, passage: float) -> Candidate:
        """The same sentence in the passage of retrieval rank ``citation``, scored ``passage``."""
        return Candidate(
            citation,
            self.start,
            self.end,
            self.text,
            self.position,
            self.terms,
            self.doc_id,
            passage,
            self.section,
            self.label,
        )

    def trimmed(self, chars: int) -> Candidate:
        """The same sentence without its first ``chars`` characters (a connective, a label)."""
        return replace(self, start=self.start + chars, text=self.text[chars:])

    def ended(self) -> Candidate:
        """The same text without the commas a table cell or a list line may end with ("… 진출,")."""
        text = self.text.rstrip(" ,;")
        return self if len(text) == len(self.text) or not text else replace(self, end=self.start + len(text), text=text)


@dataclass(frozen=True)
class Asked:
    """What the summary needs to know about the question."""

    terms: tuple[str, ...]  #: topic terms: content morphemes without the words that only ask
    idf: Mapping[str, float]  #: weight of each term (unknown terms weigh 1)
    bigrams: frozenset[str]  #: character bigrams of the topic words as written
    form: str  #: definition, reason, method, list, comparison or general
    wants: str | None = None  #: the answer type asked for: "duration", "money", "number", "time" or None
    counter: str = ""  #: the counter a number is asked with ("몇 명" → 명; see :func:`asked_counter`)
    limit: bool = False  #: the value is asked as a limit ("얼마까지 지원받아?"; see :func:`asks_limit`)
    named: frozenset[str] = frozenset()  #: what the question itself names (see :func:`named_things`)
    subject: tuple[str, ...] = ()  #: every chosen sentence must be about one of these (a follow-up's new subject)
    instead: tuple[str, ...] = ()  #: what the subject replaced: a sentence naming it is about that instead
    relations: tuple[str, ...] = ()  #: the question's predicates as terms (see :func:`relation_terms`)
    #: the dense similarity of each of some sentences to the question (None: not known, see :func:`closeness`)
    similarity: Callable[[Sequence[str]], Sequence[float]] | None = field(default=None, compare=False, repr=False)
    #: whether a sentence states the bound the question sets ("1년 미만" for "입사 1년 안 됐으면?"); None
    #: when it sets none
    states_bound: Callable[[str], bool] | None = field(default=None, compare=False, repr=False)
    #: for a topic term, the words documents write for it (넣다 → 삽입: :mod:`assistant.text.paraphrase`)
    alternatives: Mapping[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    #: how much of a term's weight a sentence holding only one of its alternatives gets
    alternative_weight: float = 0.0
    #: the noun the answer is one of ("… 반대한 당은?" → 당; see :func:`~assistant.text.questions.answer_focus`)
    focus: str = ""
    #: what the question says the answer did ("… 어디에 갔는가?" → 가다; see
    #: :func:`~assistant.text.questions.answer_predicate`)
    predicate: str = ""
    #: the one ordinal the question names ("네 번째 원칙은?" → 4; 0 for none: see
    #: :func:`~assistant.ingest.markers.ordinals_in`)
    ordinal: int = 0
    #: the question asks for something not to happen ("… 안 바뀌게 하려면?", "… 나오지 않게")
    negated: bool = False
    #: the headings (or line labels) of what answers it: the reasons of a "왜", the schedule of a
    #: "언제" … (see :func:`~assistant.text.sentences.answering_headings`); None for other questions
    headings: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    #: the question asks where to do something ("화면 밝기 어디서 조절해요?", "프록시 주소 어디에 넣나요"):
    #: in a manual, the step that says where is its answer
    where_to: bool = False
    #: the question asks for a key to press ("창 꽉 차게 키우는 단축키", "메뉴 여는 키"): a sentence that
    #: names one (Super+↑, Alt+F10) answers it
    key: bool = False
    #: the question asks where a file or folder is ("설명서는 어느 폴더에 있어요?", "설정 파일 위치"): a
    #: sentence naming a path (/usr/share/doc/…) answers it
    path: bool = False
    #: the question asks for something to be done or to stop, in any words ("부팅하면 바로 로그인되게"):
    #: no value, no kind of thing, no place or key, and no reason or definition asked
    to_be_done: bool = False

    def weight(self, term: str) -> float:
        return self.idf.get(term, 1.0)

    @cached_property
    def total(self) -> float:
        """The weight of all the topic terms (1 when there are none)."""
        return sum(w for _, w in self.weighted) or 1.0

    @cached_property
    def weighted(self) -> tuple[tuple[str, float], ...]:
        """The topic terms with their weights."""
        return tuple((t, self.weight(t)) for t in self.terms)

    @cached_property
    def weighted_alternatives(self) -> tuple[tuple[str, float, frozenset[str]], ...]:
        """The topic terms that have alternatives, with their weights (scaled by ``alternative_weight``)."""
        if not self.alternative_weight:
            return ()
        return tuple(
            (t, self.alternative_weight * w, self.alternatives[t]) for t, w in self.weighted if t in self.alternatives
        )

    @cached_property
    def weighted_relations(self) -> tuple[tuple[str, float], ...]:
        return tuple((t, self.weight(t)) for t in self.relations)

    @cached_property
    def relations_total(self) -> float:
        return sum(w for _, w in self.weighted_relations)

    @cached_property
    def subject_words(self) -> tuple[str, ...]:
        """The subject, lower-cased, with the words documents write for it ("변호사는?": 변호인; see
        :attr:`alternatives`)."""
        words = [s.lower() for s in self.subject]
        return tuple(dict.fromkeys([*words, *(a for s in words for a in sorted(self.alternatives.get(s, ())))]))

    @cached_property
    def term_set(self) -> frozenset[str]:
        return frozenset(self.terms)

    @cached_property
    def bigram_kinds(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The question's two-character grams, and its one-character words (see :func:`_bigram_share`)."""
        return tuple(g for g in self.bigrams if len(g) == 2), tuple(g for g in self.bigrams if len(g) != 2)


@dataclass(frozen=True)
class Weights:
    """Weights of the features of a candidate, and how the supporting sentences are chosen."""

    overlap: float = 1.00
    gain: float = 0.57
    context: float = 0.05
    named: float = 0.19
    heading: float = 0.51
    bigrams: float = 0.73
    novelty: float = -0.44
    rank: float = 0.74
    passage: float = 0.90
    position: float = 0.14
    wanted: float = 0.26
    cue: float = 0.31
    item: float = 0.77
    whole: float = 0.44
    dangling: float = 0.07
    relation: float = 0.1
    focus: float = 0.5
    predicate: float = 0.7
    ordinal: float = 0.5
    negation: float = 0.6
    closest: float = 0.5
    #: supporting sentences score at least this share of the lead's score
    floor: float = 0.6
    #: a sentence sharing more than this (Jaccard of terms) with a chosen one is redundant
    redundancy: float = 0.6

    def vector(self) -> tuple[float, ...]:
        return self._vector

    @cached_property
    def _vector(self) -> tuple[float, ...]:
        return tuple(getattr(self, name) for name in FEATURES)


#: The features, in the order :func:`features` returns them (each a field of :class:`Weights`).
FEATURES: tuple[str, ...] = (
    "overlap",
    "gain",
    "context",
    "named",
    "heading",
    "bigrams",
    "novelty",
    "rank",
    "passage",
    "position",
    "wanted",
    "cue",
    "item",
    "whole",
    "dangling",
    "relation",
    "focus",
    "predicate",
    "ordinal",
    "negation",
    "closest",
)

_WANTED = FEATURES.index("wanted")
_FOCUS = FEATURES.index("focus")
_PREDICATE = FEATURES.index("predicate")
_ORDINAL = FEATURES.index("ordinal")
_NEGATION = FEATURES.index("negation")
#: Features that only pick the lead: the floor a supporting sentence must clear leaves them out.
_LEAD_ONLY = (_FOCUS, _PREDICATE, _ORDINAL, _NEGATION)
#: ... and those the sentences after the lead are not ordered by.
_AFTER = (_PREDICATE, _ORDINAL, _NEGATION)

#: The features :func:`features` reads from one sentence; ``closest`` (:func:`closeness`) compares it with others.
OWN_FEATURES = FEATURES[:-1]

DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Picked:
    candidate: Candidate
    score: float


def asked(
    question: str,
    terms: Sequence[str],
    idf: Mapping[str, float],
    form: str,
    subject: Sequence[str] = (),
    instead: Sequence[str] = (),
    relations: Sequence[str] = (),
    written: str | None = None,
    similarity: Callable[[Sequence[str]], Sequence[float]] | None = None,
    alternative_weight: float = 0.0,
    focus: str = "",
    predicate: str = "",
    negated: bool = False,
    like: str = "",
    known: Container[str] = frozenset(),
    states_bound: Callable[[str], bool] | None = None,
) -> Asked:
    """The :class:`Asked` of a question from its topic terms (see :func:`topic_terms`); the
    character bigrams come from the words of ``written`` when given, else of the question; a
    term's alternatives (:func:`~assistant.text.loanwords.alternatives_with_spellings`: the words on
    the other side, and its spellings in the other script the documents, whose terms are ``known``,
    write: 엑셀 → excel) count ``alternative_weight``.
    A question that asks for no kind of value asks for the kind ``like`` asks for (the question an
    ellipsis goes on from: "얼마까지 지원받아?" → "그럼 소상공인은?" asks a sum too)."""
    wants_from = question if expected_answer(question) is not None or not like else like
    where_to, key = bool(_WHERE_TO.search(question)), bool(_ASKS_KEY.search(question))
    path = bool(_ASKS_PATH.search(question))
    words = [
        w for w in re.findall(r"\w+", question if written is None else written) if any(t in w.lower() for t in terms)
    ]
    return Asked(
        tuple(dict.fromkeys(terms)),
        idf,
        frozenset(g for w in words for g in char_bigrams(w)),
        form,
        wants=expected_answer(wants_from),
        counter=asked_counter(wants_from),
        limit=asks_limit(wants_from),
        named=frozenset(named_things(question)),
        subject=tuple(subject),
        instead=tuple(instead),
        relations=tuple(relations),
        similarity=similarity,
        states_bound=states_bound,
        alternatives={t: frozenset(a) for t, a in alternatives_with_spellings(terms, known).items()}
        if alternative_weight
        else {},
        alternative_weight=alternative_weight,
        focus=focus,
        predicate=predicate,
        ordinal=_one(ordinals_in(question)),
        negated=negated,
        headings=answering_headings(question, form),
        where_to=where_to,
        key=key,
        path=path,
        to_be_done=form in ("general", "method")
        and expected_answer(question) is None
        and not (where_to or key or _ASKS_WHAT.search(question)),
    )


def features(
    c: Candidate,
    q: Asked,
    before: Candidate | None = None,
    shared: float | None = None,
    before_shared: float | None = None,
) -> list[float]:
    """The candidate's :data:`OWN_FEATURES`, each in [0, 1] (``dangling`` counts against it, and
    ``ordinal`` is -1 for a sentence naming only other ordinals than the one asked).

    ``before`` is the sentence before it in its passage: the question's terms there make it
    likely that this sentence goes on to answer ("… 번거롭다는 문제가 있다. 바로 선호투표제다.").
    ``shared`` and ``before_shared``, when known, are ``_shared`` of the sentence and of ``before``.
    """
    if shared is None:
        shared = _shared(c, q)
    novelty = len(c.terms - q.term_set) / len(c.terms) if c.terms else 0.0
    said = _heading_said(c, q)
    text = read(c.text)
    section = c.section.lower()
    total = q.total
    if before_shared is None:
        before_shared = 0.0 if before is None else _shared(before, q)
    return [
        shared,
        shared * novelty,
        before_shared,
        float(bool(text.named - q.named)),
        sum(w for t, w in q.weighted if t in section) / total,
        _bigram_share(f"{c.text}\n{said}" if said else c.text, q),
        novelty,
        1.0 / c.citation,
        c.passage,
        1.0 / (1 + c.position),
        float(q.wants is not None and has_answer_type(c.text, q.wants, q.counter, q.limit)),
        float(form_cue(c.text, q.form) or _under_answering_heading(c, q)),  # a reason by its section: "추진 배경"
        float(q.form in ("list", "reason", "method") and text.item),
        float(text.whole),
        -float(text.points_back),
        _related(c, q),
        float(_names_focus(c, q.focus, _names_of(c, said))),
        float(bool(q.predicate) and q.predicate in c.terms),
        _same_ordinal(text.ordinals, q.ordinal),
        float(q.negated and text.negated),
    ]


def _one(ordinals: frozenset[int]) -> int:
    """The ordinal when there is one, else 0."""
    return next(iter(ordinals)) if len(ordinals) == 1 else 0


def _same_ordinal(ordinals: frozenset[int], asked: int) -> float:
    """1 when the sentence names the ordinal asked for ("네 번째 원칙은?": "네 번째 원칙은 …"), -1 when it
    names only others ("첫 번째 원칙은 …"), 0 when it names none or none is asked."""
    if not asked or not ordinals:
        return 0.0
    return 1.0 if asked in ordinals else -1.0


def _names_focus(c: Candidate, focus: str, said: str = "") -> bool:
    """Whether the sentence names the noun the answer is one of: as a term, or, for a noun of two
    characters or more, anywhere in its text (민주노동당 for 노동당) or in ``said`` (the headings
    that name it for the sentence: :func:`_names_of`); a one-character noun only as a term (당 is
    inside 정당, 당시 and 당연)."""
    return bool(focus) and (focus in c.terms or (len(focus) >= 2 and (focus in c.text.lower() or focus in said)))


#: A sentence saying that something does not happen or is not there.
_NEGATED = re.compile(r"않|없|못(?:하| )|아니|말고")


@dataclass(frozen=True)
class Read:
    """What :func:`features` reads from a sentence's text alone, whatever the question."""

    named: frozenset[str]
    item: bool  #: opens an item of a list, or lists two or more
    whole: bool  #: ends as a sentence, or is a table's row of three cells or more
    points_back: bool  #: opens by pointing back ("이는 …")
    ordinals: frozenset[int]  #: the ordinals it names (첫째, 세 번째 …)
    negated: bool  #: says that something does not happen or is not there (않, 없, 못)


#: Sentences read lately: the passages of an index come back from question to question.
READ_CACHE = 4096


@lru_cache(maxsize=READ_CACHE)
def read(text: str) -> Read:
    """The question-independent reading of a sentence (kept for the last :data:`READ_CACHE`)."""
    return Read(
        frozenset(named_things(_unnumbered(text))),  # "4. 방해 금지를 …": the number names nothing
        # a step's own number ("2. ") makes no item of it here: every step of a procedure would then
        # lead a method answer, the one that answers no more than the first
        (opens_item(text) and not step_number(text)) or len(enumerated(text)) >= 2,
        ends_sentence(text) or cells(text) >= 3,  # a table's row is a whole record
        continuation(text)[0] == "reference",
        ordinals_in(text),
        bool(_NEGATED.search(text)),
    )


def _bigram_share(text: str, q: Asked) -> float:
    """The share of the question's character bigrams among the sentence's (:func:`char_bigrams`).

    A two-character gram holds no separator, so it is one of the sentence's exactly when the
    lower-cased sentence contains it; a one-character gram (a one-character word) needs the word.
    """
    if not q.bigrams:
        return 0.0
    pairs, singles = q.bigram_kinds
    found = sum(map(text.lower().__contains__, pairs))
    if singles:
        words = set(char_bigrams(text))
        found += sum(1 for g in singles if g in words)
    return found / len(q.bigrams)


def _related(c: Candidate, q: Asked) -> float:
    """The idf-weighted share of the question's predicates the sentence holds (0 without any)."""
    total = q.relations_total
    return sum(w for t, w in q.weighted_relations if t in c.terms) / total if total else 0.0


def _heading_said(c: Candidate, q: Asked) -> str:
    """What of its headings a sentence says as its own (lower-cased; "" for none): an article's
    title, which its paragraphs never repeat ("제20조(연차유급휴가) ① 회사는 … 15일의 유급휴가를
    준다": asked "연차는 며칠이야?"); under a heading that answers what is asked, the whole path of
    its section ("… 지원사업 추진계획 > Ⅰ. 추진 배경": asked why, the reason for what that path names;
    "… 추진계획 > Ⅲ. 추진 일정": asked when)."""
    if _under_answering_heading(c, q):
        return c.section.lower()
    return section_heads(c.section)[0]


def _under_answering_heading(c: Candidate, q: Asked) -> bool:
    """Whether the sentence stands in a section, or opens with a label, that answers what the
    question asks (:attr:`Asked.headings`): "Ⅰ. 추진 배경" asked why (anywhere in its path: the
    reasons of a plan may have sections of their own), "Ⅲ. 추진 일정" asked when, "Ⅱ. 사업 개요"
    asked what (its own section only: a manual's "데이터베이스 개요 > 데이터 원본 보기" is no
    overview of 데이터 원본 보기), "지원 대상: …" asked who may."""
    if q.headings is None:
        return False
    where = c.section if q.form == "reason" else last_heading(c.section)
    return bool(q.headings.search(where) or q.headings.search(c.label or label_of(c.text)))


def _names_of(c: Candidate, said: str) -> str:
    """Where the noun the answer is one of may be named for a sentence besides its text: ``said``
    (:func:`_heading_said`), or a table row's header ("프로 | 19,900원 | 2TB" under "요금제 | 월 요금
    | 저장 용량": asked "프로 요금제 얼마야?", the row names a 요금). Only for that noun: the header's
    words are every row's, and a question names a column ("… 키") as readily as the row it wants."""
    header = section_heads(c.section)[1]
    return f"{said}\n{header}" if header else said


@lru_cache(maxsize=4096)
def section_heads(section: str) -> tuple[str, str]:
    """The title of the article a section path ends with, and the header row of the table it ends
    with (:func:`with_table_headers`), lower-cased ("" for none)."""
    last = last_heading(section)
    if cells(last) >= 2:
        return "", last.lower()
    return (article_title(last) or "").lower(), ""


def _shared(c: Candidate, q: Asked, heading: str = "") -> float:
    """The idf-weighted share of the question's topic terms the sentence holds (or its ``heading``,
    lower-cased, when given); a term held only as one of its alternatives (삽입 for 넣다) counts
    ``q.alternative_weight`` of its weight. The headings a sentence says as its own
    (:func:`_heading_said`: an article's title; asked why, the path of a section of reasons) count
    as its words, here and in ``bigrams``."""

    terms = c.terms
    heading = heading or _heading_said(c, q)
    if heading:
        found = sum(w for t, w in q.weighted if t in terms or t in heading)
    else:
        found = sum(w for t, w in q.weighted if t in terms)
    for t, w, alts in q.weighted_alternatives:
        if not (t in terms or (heading and t in heading)) and not alts.isdisjoint(terms):
            found += w
    return found / q.total


def previous_sentences(pool: Sequence[Candidate], context: Sequence[Candidate] = ()) -> dict[int, Candidate]:
    """For each candidate (by its index in ``pool``), the candidate just before it in its passage
    (among ``pool`` and ``context``: lines not shown, such as bare labels, still lead into the next)."""
    by_place = {(c.citation, c.position): c for c in [*context, *pool]}
    out = {}
    for i, c in enumerate(pool):
        before = by_place.get((c.citation, c.position - 1))
        if before is not None:
            out[i] = before
    return out


def score(c: Candidate, q: Asked, w: Weights = DEFAULT_WEIGHTS, before: Candidate | None = None) -> float:
    """The candidate's score by its own features (:data:`OWN_FEATURES`)."""
    return sum(map(operator.mul, w.vector(), features(c, q, before)))


#: How many of the best candidates (by their own features) the question's meaning re-ranks.
CLOSEST_OF = 3
#: ... when the candidates hold next to none of the question's topic weight (:data:`NEARLY_ALL` of
#: it unsaid: an English question, whose "AI" alone is in the documents): their own features tell
#: them apart little, so the meaning decides among more of them.
CLOSEST_OF_UNSAID = 8
NEARLY_ALL = 0.95


def closeness(
    pool: Sequence[Candidate], own: Sequence[float], q: Asked, weight: float, said: float | None = None
) -> list[float]:
    """The ``closest`` feature of each candidate of ``pool``, whose scores by their own features are ``own``.

    When some of the question's topic weight is in no candidate (its words are not the
    documents': ``unsaid``, 1 minus the best ``overlap``), the meaning decides among the
    :data:`CLOSEST_OF` best candidates (:data:`CLOSEST_OF_UNSAID` when next to nothing is said):
    each gets ``unsaid / (1 + r)``, ``r`` its rank among them by the dense similarity of the
    sentence to the question (``q.similarity``); the others get 0.
    When every term is found, the words decide (0 for all). The sentences are embedded only when
    the result can change which one leads (``weight``: the feature's); otherwise, and without a
    similarity, their order by their own features stands in for it. ``said``: the best overlap
    in ``pool``, when it is known already.
    """
    out = [0.0] * len(pool)
    if not pool:
        return out
    unsaid = 1.0 - (max(_shared(c, q) for c in pool) if said is None else said)
    if unsaid <= 0:
        return out
    many = CLOSEST_OF_UNSAID if unsaid >= NEARLY_ALL else CLOSEST_OF  # words that order nothing: meaning orders more
    top = sorted(range(len(pool)), key=lambda i: (-own[i], i))[:many]
    order = top
    may_change = len(top) > 1 and own[top[0]] - own[top[1]] < weight * unsaid * (1 - 1 / len(top))
    if q.similarity is not None and may_change:
        sims = list(q.similarity([_unnumbered(pool[i].text) for i in top]))
        order = [i for _, i in sorted(zip(sims, top, strict=True), key=lambda x: -x[0])]
    for r, i in enumerate(order):
        out[i] = unsaid / (1 + r)
    return out


def _unnumbered(text: str) -> str:
    """What a sentence says, without the number it has as a step ("4. 표준 시간대를 …"): a number
    moves its vector away from questions that never count steps."""
    return text[step_number(text) :]


def feature_rows(pool: Sequence[Candidate], q: Asked, w: Weights, before: Mapping[int, Candidate]) -> list[list[float]]:
    """Every :data:`FEATURES` value of each candidate of ``pool`` (``before``: see :func:`scorable`)."""
    rows, _, near = _rated(pool, q, w, before)
    return [[*row, x] for row, x in zip(rows, near, strict=True)]


def _rated(
    pool: Sequence[Candidate], q: Asked, w: Weights, before: Mapping[int, Candidate]
) -> tuple[list[list[float]], list[float], list[float]]:
    """Each candidate's :data:`OWN_FEATURES`, its score by them, and its ``closest`` (:func:`closeness`)."""
    shared = {id(c): _shared(c, q) for c in pool}  # a sentence before another is often in the pool too
    rows = []
    for i, c in enumerate(pool):
        b = before.get(i)
        rows.append(features(c, q, b, shared[id(c)], None if b is None else shared.get(id(b))))
    vector = w.vector()
    own = [sum(map(operator.mul, vector, row)) for row in rows]
    said = max((row[0] for row in rows), default=0.0)  # the best ``overlap``
    return rows, own, closeness(pool, own, q, w.closest, said)


#: The kinds of value a question may ask for that few sentences give (any number is a "number").
_SPECIFIC = frozenset({"money", "duration", "time"})

#: A sentence giving the kind of value asked for (:func:`value_asked`), or under a heading that
#: answers the question (:attr:`Asked.headings`), leads instead of a best one that does neither
#: when it scores at least this share of the best's (the lowest share at which no
#: development collection loses a lead: ``python -m bench.tune_answers``, docs/benchmarks.md).
VALUE_LEADS = 0.75


def value_asked(q: Asked) -> bool:
    """Whether the question asks for a value specific enough that a sentence giving one is likely
    its answer: a sum, a span, a time, or a number counted in something ("몇 명"); not any number
    ("투자 규모는 어느 정도인가요?": a "0" in "한두 개의 0이 더 붙는 수준" is none)."""
    return q.wants in _SPECIFIC or (q.wants == "number" and bool(q.counter))


def _gives_it(row: Sequence[float], c: Candidate, q: Asked) -> bool:
    """Whether a candidate (its features ``row``) gives the kind of value asked for
    (:func:`value_asked`) or stands under a heading that answers the question
    (:func:`_under_answering_heading`)."""
    return (value_asked(q) and bool(row[_WANTED])) or _under_answering_heading(c, q)


#: Characters a summary grows to at most by supporting sentences (the lead alone may be longer).
BUDGET = 300
#: A lead longer than this counts as this long against :data:`BUDGET`: a lead of 400 characters (a
#: long sentence of an encyclopedia) still leaves room for one sentence that supports it.
LEAD_COUNTS = 250


def scorable(candidates: Sequence[Candidate], q: Asked) -> tuple[list[Candidate], dict[int, Candidate]]:
    """The candidates that may be shown (:func:`eligible`) and, by index among them, the sentence
    before each in its passage (a bare-label line not shown still counts as one)."""
    pool = eligible(candidates, q)
    return pool, previous_sentences(pool, [c for c in candidates if labels_only(c.text)])


def select(candidates: Sequence[Candidate], q: Asked, n: int, w: Weights = DEFAULT_WEIGHTS) -> list[Picked]:
    """Up to ``n`` sentences, the one that answers best first.

    A supporting sentence must not be far weaker than the lead (``w.floor``, by their own
    features: ``closest`` only orders the best few, and the :data:`_LEAD_ONLY` ones (``focus``,
    ``predicate``, ``ordinal``, ``negation``) only help pick the lead: a lead naming the noun the answer
    is one of does not drive out the sentences around it; the sentences after the lead are ordered
    without ``predicate``, ``ordinal`` and ``negation``), nor much less about the question (0.6 of the lead's share of its terms, in the sentence or its heading) unless it
    stands in the lead's passage, nor redundant, nor make the summary longer than :data:`BUDGET`
    (a long lead counting as :data:`LEAD_COUNTS`).
    Label-only fragments never count; with a ``subject``, only sentences about it do. A sentence
    that points back ("이는 …") comes with the sentence before it or not at all. When the best
    sentence neither gives the kind of value asked for nor stands under a heading that answers the
    question, the best one that does leads if it scores :data:`VALUE_LEADS` of the best's.
    """
    pool, before = scorable(candidates, q)
    if not pool:
        return []
    rows, own, near = _rated(pool, q, w, before)
    vector = w.vector()

    def part(i: int, which: tuple[int, ...]) -> float:
        return sum(vector[f] * rows[i][f] for f in which)

    # (score, own score without ``closest`` and the lead-only features, index, candidate)
    scored = sorted(
        ((own[i] + w.closest * near[i], own[i] - part(i, _LEAD_ONLY), i, c) for i, c in enumerate(pool)),
        key=lambda x: (-x[0], x[2]),
    )
    top = scored[0][0]
    # a lead that does not give what the question asks for gives way to the best sentence that does
    # when it scores nearly as well (:data:`VALUE_LEADS` of the best): the rules of :func:`_lead_rules`
    # in their order, each on the lead the one before it left
    for answers in _lead_rules(q, rows):
        if top > 0 and not answers(scored[0][2], scored[0][3]):
            floor_of_answer = VALUE_LEADS * top
            j = next((j for j, x in enumerate(scored) if x[0] >= floor_of_answer and answers(x[2], x[3])), 0)
            scored.insert(0, scored.pop(j))
    # a step that only opens what the procedure works in ("1. … Calc 시트를 엽니다.") gives way to the step
    # after it, which does the thing there ("2. 표를 삽입하기 위해 삽입 - 표을 선택하거나 …")
    if _opening_step(scored[0][3].text) and (j := _next_step(scored[0][3], scored)):
        scored.insert(0, scored.pop(j))
    # a step that only closes, applies or confirms ("5. 기능 개선 창을 닫습니다.") ends a procedure and answers
    # nothing, nor does an opening step whose next step is no candidate: the best other sentence leads
    # ("노트북 뚜껑 닫아도 …" matched it by 닫다)
    if _frames_a_procedure(scored[0][3].text) and (
        j := next((j for j, x in enumerate(scored) if not _frames_a_procedure(x[3].text)), 0)
    ):
        scored.insert(0, scored.pop(j))
    # what follows the lead comes in the order of the score without ``predicate`` and ``ordinal``: the
    # sentence that says what the answer did leads, those that also say it do not push the others out
    scored[1:] = sorted(scored[1:], key=lambda x: (-(x[0] - part(x[2], _AFTER)), x[2]))
    best, lead = scored[0][1], scored[0][3]
    floor = w.floor * best if best > 0 else -math.inf
    about = 0.6 * relevance(lead, q)
    # the lead does not give the kind of value asked for (a price, a time, a span; its ``wanted``
    # feature): the sentences of its passage that give one follow it, first, however they score and
    # whatever words they share with the question ("등본은 얼마야?": the fee rows), and those of its
    # document's other passages that are about the question ("AI 바우처 얼마나 받을 수 있어?": "일반 기업은
    # 기업당 최대 2억 원 …", which names neither AI nor 바우처, under the plan's title)
    valued = q.wants in _SPECIFIC and not rows[scored[0][2]][_WANTED]
    values = {i for _, _, i, c in scored if valued and rows[i][_WANTED] and _with_lead(c, lead, q)}
    if values:  # ... and come first after it
        scored[1:] = sorted(scored[1:], key=lambda x: x[2] not in values)
    chosen: list[Picked] = []
    for s, alone, i, c in scored:
        if len(chosen) >= n:
            break
        gives = i in values
        if alone < floor and not gives:
            continue
        if chosen and c.citation != lead.citation and relevance(c, q) < about and not gives:
            continue
        far = abs(c.position - lead.position) > 1
        if chosen and c.citation == lead.citation and far and relevance(c, q) <= 0 and not gives:
            continue  # the lead's passage: its neighbours go on with it, the rest must be about the question
        if any(_jaccard(c.terms, p.candidate.terms) >= w.redundancy for p in chosen):
            continue
        group = _with_predecessor(c, pool, chosen)
        if group is None or len(chosen) + len(group) > max(n, 2):
            continue
        if chosen and _length(chosen) + sum(len(g.text) for g in group) > BUDGET:
            continue
        chosen += [Picked(g, s) for g in group]
    return chosen


def _length(chosen: Sequence[Picked]) -> int:
    """How long the sentences ``chosen`` so far count against :data:`BUDGET` (the lead at most
    :data:`LEAD_COUNTS`)."""
    return sum(
        min(len(p.candidate.text), LEAD_COUNTS) if i == 0 else len(p.candidate.text) for i, p in enumerate(chosen)
    )


def _lead_rules(q: Asked, rows: Sequence[Sequence[float]]) -> list[Callable[[int, Candidate], bool]]:
    """What a lead must be for the question ``q`` (each candidate by its index into ``rows``, its
    features), when it asks for something a sentence can be seen to give:

    - a specific value (a date, a sum, a count) or a thing a heading answers (who may): a sentence
      that gives it ("AI 바우처 신청 언제까지야?": the line of dates, not the line on where to apply);
    - where to do something: a step that says where ("화면 밝기 어디서 조절해요": "… 시스템 메뉴를 누르고
      화면 밝기 조절 슬라이더로 …", not "하드웨어에 따라 … 화면 밝기를 조절하거나 …");
    - a key: a sentence naming keys pressed ("창 꽉 차게 키우는 단축키": "… Alt+F10 키를 누릅니다.");
    - where a file or folder is: a sentence naming a path ("설명서는 어느 폴더에 있어요?": "… /usr/share/doc/PACKAGE
      …", not "task는 tasksel 프로그램 … 설치할 수 있습니다.");
    - asking no value: a sentence rather than a table's row ("(마이너스) | 부정 | -5" for "마이너스 숫자
      빨간색으로 표시되게", whose answer is a sentence);
    - a bound ("입사 1년 안 됐으면?"): a sentence that states it ("1년 미만인 직원에게는 …", not "3년 이상
      계속 근로한 직원에게는 최초 1년을 초과하는 …", which shares more of its words);
    - something to be done or to stop, asked in any words ("부팅하면 바로 로그인되게", "최근 연 파일 기록
      안 남게"): the step that turns the setting on or off ("자동 로그인 스위치를 켭니다."), whose name the
      question seldom says."""
    rules: list[Callable[[int, Candidate], bool]] = []
    valued = bool(q.headings) or value_asked(q)
    if valued:
        rules.append(lambda i, c: _gives_it(rows[i], c, q))
    if q.where_to:
        rules.append(lambda i, c: bool(_WHERE_STEP.search(c.text)))
    if q.key:
        rules.append(lambda i, c: bool(_KEY_PRESSED.search(c.text)))
    if q.path:
        rules.append(lambda i, c: bool(_PATH.search(c.text)))
    if not valued:
        rules.append(lambda i, c: cells(c.text) == 1)
    if q.states_bound is not None:
        bound = q.states_bound
        rules.append(lambda i, c: bound(c.text))
    if q.to_be_done:
        rules.append(lambda i, c: bool(_SWITCH_STEP.search(c.text)))
    return rules


#: A question asking where to do something: 어디서, 어디에서, 어디에, 어디로 before a verb ("어디서 조절해요",
#: "어디에 넣나요"; not "어디야", "어디인가요", which ask for a place).
_WHERE_TO = re.compile(r"어디(?:서|에서|에|로)\s*(?!있|이|인)[가-힣]")
#: A step that says where to do it: an action on something of a screen (a menu, a window, a list …),
#: or a menu path ("서식 - 셀").
_WHERE_STEP = re.compile(
    r"(?:메뉴|창|탭|표시줄|목록|단추|버튼|대화 ?상자|섹션|스위치|아이콘|패널|설정|\S+ - \S+).{0,40}"
    r"(?:누르|누릅|눌러|선택|클릭|열고|엽니다|열어|켜|켭니다|끕니다|끄고|이동|입력|움직|확인합니다)"
)


#: A question asking for a key: 단축키, 바로 가기 키, 무슨 키, "… 여는 키", "키 뭐예요".
_ASKS_KEY = re.compile(
    r"단축\s?키|바로\s?가기\s?키|(?:무슨|어떤|어느)\s?키|[는은]\s?키(?:가|는|를)?(?:\s|\?|$)|키\s?(?:뭐|무엇|알려)"
)
#: Keys pressed: a combination ("Ctrl+P", "Super+Alt+S", "Shift + F10"), a function key, or a key
#: named in quotes ("'B'").
_KEY_PRESSED = re.compile(
    r"(?<![A-Za-z])(?:Ctrl|Alt|Shift|Super|Cmd|Meta)\s*\+\s*\S|(?<![A-Za-z0-9])F(?:1[0-2]|[1-9])(?![0-9A-Za-z])|'[A-Z0-9.]'"
)


#: A question asking where a file or folder is: "어느 폴더에", "무슨 파일에", "설정 파일 위치", "디렉터리 경로".
_ASKS_PATH = re.compile(
    r"(?:어느|어떤|무슨)\s?(?:폴더|디렉[터토]리|파일|경로)|(?:폴더|디렉[터토]리|파일)\s?(?:위치|경로)"
)
#: A path in a file system: "/usr/share/doc/PACKAGE", "~/.config", "C:\\Program Files".
_PATH = re.compile(r"(?<![\w/])(?:~|/[\w.\-]+)(?:/[\w.\-]*)+|\b[A-Za-z]:\\")


#: A question word asking what or which ("뭐 하는 함수예요", "무슨 기능", "어떤 옵션").
_ASKS_WHAT = re.compile(r"뭐|무엇|뭔|무슨|어떤|어느|누가|누구|언제|왜")
#: A step that turns a setting on or off with its switch ("자동 로그인 스위치를 켭니다.", "파일 사용 내역
#: 스위치를 끕니다."). Not a check box: "… 확인란을 선택하면 …" describes an option as often as it does it.
_SWITCH_STEP = re.compile(r"(?:스위치|토글)(?:을|를)?\s*(?:켭|끕|켜|끄|겹)")


#: A numbered step that only closes a window, applies or confirms ("5. 기능 개선 창을 닫습니다.",
#: "4. 적용을 누릅니다.", "3. 확인을 클릭합니다.").
_CLOSING_STEP = re.compile(
    r"^\d+\.\s*(?:[^.]{0,20}\s)?(?:창|대화 ?상자|적용|확인|닫기|OK|저장)(?:을|를|이|가)?\s*(?:닫|누르|누릅|클릭)[^.]{0,6}\.?$"
)


#: A numbered step that only opens what the procedure works in or goes to it ("1. 텍스트 CSV 파일로 저장할
#: Calc 시트를 엽니다.", "2. 공유를 눌러 창을 엽니다.", "1. 표를 삽입하려는 … 페이지로 이동합니다."): it
#: begins a procedure and answers nothing. Not an unnumbered sentence: "… 갤러리 아이콘을 클릭하거나 도구 -
#: 갤러리를 선택하여 갤러리를 엽니다." tells where a thing is.
_OPENING_STEP = re.compile(r"^\d+\.\s.*(?:엽니다|여십시오|이동합니다|이동하십시오)\.?$")


def _frames_a_procedure(text: str) -> bool:
    """Whether a sentence is a step that only ends a procedure (:data:`_CLOSING_STEP`) or only
    begins one (:func:`_opening_step`): either way it answers nothing."""
    text = text.strip()
    return bool(_CLOSING_STEP.match(text)) or _opening_step(text)


def _opening_step(text: str) -> bool:
    """Whether a sentence is a step that only begins a procedure (:data:`_OPENING_STEP`); not one
    that says what for ("5. 전체 프레젠테이션을 자동 반복하려면 … 메뉴를 엽니다.")."""
    text = text.strip()
    return bool(_OPENING_STEP.match(text)) and "려면" not in text


def _next_step(lead: Candidate, scored: Sequence[tuple[float, float, int, Candidate]]) -> int:
    """The index into ``scored`` of the step after ``lead`` in its passage, or 0."""
    n = step_value(lead.text)
    if n is None:
        return 0
    return next(
        (j for j, x in enumerate(scored) if x[3].citation == lead.citation and step_value(x[3].text) == n + 1), 0
    )


def _with_lead(c: Candidate, lead: Candidate, q: Asked) -> bool:
    """Whether ``c`` stands in the lead's passage, or in another passage of the lead's document and
    is about the question (its words or its heading's: "일반 기업은 기업당 최대 2억 원 …" under "AI 바우처
    지원사업 추진계획 > 사업 개요", while the lead came from the plan's "신청 방법"; which of the plan's
    passages ranks first is near chance). Another document's, or a passage's on something else of
    the document ("여권 수수료는 …" for "등본 발급 얼마야?"), is not."""
    return c.citation == lead.citation or (c.doc_id == lead.doc_id and relevance(c, q) > 0)


def select_about(
    candidates: Sequence[Candidate],
    q: Asked,
    n: int,
    names: Sequence[str],
    topic_of: Callable[[str], str | None] = lambda _: None,
    w: Weights = DEFAULT_WEIGHTS,
    *,
    apart: bool = False,
    owner_of: Callable[[str], str | None] | None = None,
) -> list[Picked]:
    """:func:`select`, with what the question names kept in view ("미국은 AI 규제가 …" → 미국):
    when the best sentence is about another name (``topic_of`` it, "유럽은 …", is not one of
    ``names``, and it names none of them), the best sentence about one of the names leads
    instead, if it is not far weaker (``w.floor`` of the best score); when the question asks for a
    name (not ``apart``), a lead in a passage about one of them (:func:`_passage_names`) stands. With ``apart`` (the question
    asks what the named one is or does, not for a name: see :func:`~assistant.text.questions.asks_a_name`),
    a supporting sentence about another name does not follow a lead about the named one
    (:func:`_on_names`), nor one about what another name owns (``owner_of`` it, "미국의 대형
    기업들은 …", when given: a lead may be, "누구의 처벌 수위를 …?" → "미네르바의 처벌 수위가 …")."""
    free = select(candidates, q, n, w)
    if not names or not free or q.subject:
        return free
    bound_q = replace(q, subject=tuple(names))
    picked = free
    lead = free[0].candidate
    topic = None if about_subject(lead, bound_q) else topic_of(lead.text)
    if topic is not None and topic not in names and (apart or not _passage_names(lead, candidates, names)):
        # the best sentence is about another name (and, when the answer is a name, its passage is
        # not about the named one: "라라랜드의 감독은?" is answered by "데이미언 셔젤이 감독과 …"
        # in the passage that opens "《라라랜드》는 …")
        bound = select(candidates, bound_q, n, w)
        if not bound or bound[0].score < w.floor * free[0].score:
            return free  # nothing about the named one is near as good: the lead stays, and what follows it
        picked = bound
    return _on_names(picked, names, owner_of or topic_of) if apart else picked


def _passage_names(c: Candidate, candidates: Sequence[Candidate], names: Sequence[str]) -> bool:
    """Whether the passage of ``c`` is about one of ``names``: its heading or its first sentence names
    it ("《라라랜드》는 …"). A passage that only mentions it further on (an essay comparing 한국 with
    미국 names 한국 everywhere) is not."""
    lowered = [n.lower() for n in names]
    if any(n in c.section.lower() for n in lowered):
        return True
    return any(
        o.citation == c.citation and o.position == 0 and any(n in o.text.lower() for n in lowered) for o in candidates
    )


def _on_names(picked: Sequence[Picked], names: Sequence[str], topic_of: Callable[[str], str | None]) -> list[Picked]:
    """``picked`` without the supporting sentences whose topic is another name than ``names``
    ("미국은 …", "한국은 … 미국에 비해" after a lead about 미국), nor the sentences that continue one
    of those."""
    out = list(picked[:1])
    dropped: Candidate | None = None
    for p in picked[1:]:
        c = p.candidate
        follows = dropped is not None and (c.doc_id, c.position) == (dropped.doc_id, dropped.position + 1)
        if follows and continuation(c.text)[0] == "reference":
            dropped = c
            continue
        topic = topic_of(c.text)
        if topic is not None and topic not in names:
            dropped = c
            continue
        out.append(p)
    return out


def relevance(c: Candidate, q: Asked) -> float:
    """How much a sentence is about the question: :func:`_shared` with its heading's terms."""
    return _shared(c, q, c.section.lower())


#: "More" shows a sentence not shown before only when it holds some of the question's topic
#: weight, and at least this share of what the sentence of the passages holding most of it holds.
MORE_RELEVANCE = 0.5


def still_about(candidates: Sequence[Candidate], everything: Sequence[Candidate], q: Asked) -> list[Candidate]:
    """The ``candidates`` (what was not shown before) still about the question, by their own words
    (a heading shared with the answer does not make a table row under it about the question): once
    the passages have said what they had on it, "more" says so rather than show what is off it. A
    sentence naming the ordinal asked ("두 번째 전략을 자세히": "두 번째로, …") is about it, whatever its words."""
    most = max((_shared(c, q) for c in everything), default=0.0)
    return [
        c
        for c in candidates
        if ((share := _shared(c, q)) > 0 and share >= MORE_RELEVANCE * most)
        or (q.ordinal and q.ordinal in read(c.text).ordinals)
    ]


def not_elaborating(candidates: Sequence[Candidate], shown: Sequence[Candidate]) -> list[Candidate]:
    """The ``candidates`` but those that only go on about a sentence already ``shown``: "특히 …"
    right after it. Asked for another one ("다른 방법은?"), the reader wants what adds to it. All of
    them when none would be left."""

    def elaborates(c: Candidate) -> bool:
        return bool(ELABORATES.match(c.text)) and any(_continues(c, b) for b in shown)

    kept = [c for c in candidates if not elaborates(c)]
    return kept or list(candidates)


#: A line saying whom to ask ("□ 문의: AI바우처 사업단 (02-1234-5678)", "담당자: …"): a notice's
#: closing line, which answers only a question about whom to ask or how to reach them.
_CONTACT_LINE = re.compile(
    r"^[\s□■○●◦•▪※*·-]*(?:문의처?|연락처|담당(?:자|\s?부서)?|전화(?:번호)?|팩스|tel|fax|e-?mail|이메일)\s*[:：]", re.I
)
#: Terms of a question that asks whom to ask or how to reach them.
CONTACT_TERMS = frozenset(
    ["문의", "문의처", "연락", "연락처", "전화", "전화번호", "번호", "담당", "담당자", "부서", "이메일", "메일",
     "팩스", "묻다", "물어보다", "상담"]
)  # fmt: skip


def _contact_only(c: Candidate, q: Asked) -> bool:
    """Whether ``c`` only says whom to ask, and the question asks something else."""
    return bool(_CONTACT_LINE.match(c.text)) and not CONTACT_TERMS & set(q.terms)


#: A sentence about the document it stands in ("이 문서는 … 방법을 설명합니다", "본 가이드에서는 …"):
#: it says what the document covers, not what the document says.
_ABOUT_THE_DOCUMENT = re.compile(
    r"^(?:이|본)\s?(?:문서|글|가이드|안내서|설명서|페이지|도움말|자료|FAQ|장|절|섹션)(?:에서)?(?:는|은)\s"
)
#: ... or, with no topic of its own, says what the writing goes on to do ("해외 사례와 한국의 AI 동맹을
#: 비교하고, 한국이 나아갈 방향을 제시합니다.", "블루투스를 더 알아봅니다.").
_WHAT_IT_DOES = re.compile(
    r"(?:제시|소개)(?:합니다|하겠습니다)|(?:살펴|알아)(?:봅니다|보겠습니다)|다(?:룹니다|루겠습니다)|설명하겠습니다"
    r"|정리해\s?보겠습니다"
)
_TOPIC_WORD = re.compile(r"\S(?:은|는)\s")


def says_what_it_does(text: str) -> bool:
    """Whether a sentence says what its document covers or goes on to do (see :data:`_ABOUT_THE_DOCUMENT`)."""
    body = text.rstrip(" .!\n")
    if _ABOUT_THE_DOCUMENT.match(text):
        return True
    if body.startswith(("여기서는 ", "여기에서는 ")) and body.endswith(("설명합니다", "다룹니다", "소개합니다")):
        return True  # "여기서는 … 단축키를 설명합니다"; not a story's "여기서는 …" (there, then)
    ending = _WHAT_IT_DOES.search(body[-12:])
    return ending is not None and body.endswith(ending.group(0)) and not _TOPIC_WORD.search(body)


#: Terms of a question about the document itself ("이 문서는 뭘 설명해?", "무슨 가이드야?").
DOCUMENT_TERMS = frozenset(["문서", "글", "가이드", "안내서", "설명서", "페이지", "도움말", "자료", "faq"])


def _about_the_document(c: Candidate, q: Asked) -> bool:
    """Whether ``c`` says what its document covers, and the question asks about something else:
    "개발 환경 설정 어떻게 해?" is not answered by "이 문서는 … 개발 환경을 준비하는 방법을 설명합니다"
    (which led alone: the steps scored far below it)."""
    return says_what_it_does(c.text) and not DOCUMENT_TERMS & set(q.terms)


def eligible(candidates: Sequence[Candidate], q: Asked) -> list[Candidate]:
    """The candidates that may be shown: about the subject, and presentable, and not a line saying
    whom to ask unless that is asked (:func:`_contact_only`), nor what the document covers unless
    the question is about it (:func:`_about_the_document`). When none is about the subject, the
    ones that name the subject in a clause of its own, apart from what it replaced: a sentence
    listing cases ("결혼하는 경우 5일, 배우자가 출산한 경우 10일 …") is about each of them."""
    shown = [
        (c, p)
        for c in candidates
        if (p := presentable(c)) is not None and not _contact_only(c, q) and not _about_the_document(c, q)
    ]
    about = [p for c, p in shown if about_subject(c, q)]
    if about or not q.subject:
        return about
    return [p for c, p in shown if _names_apart(c.text, q)]


def _names_apart(text: str, q: Asked) -> bool:
    """Whether a clause of ``text`` (between commas) names the subject, before what it replaced if
    at all ("…, 소상공인은 최대 5천만 원 지원" after "기업당 최대 얼마 지원해?")."""
    clauses = [part.lower() for part in re.split(r"[,，]", text)]
    return len(clauses) > 1 and any(_named_first(part, q) for part in clauses)


#: A sentence that only sets up a situation the next one resolves ("… 인식하지 않을 수도 있습니다.").
SETS_UP = re.compile(
    r"(?:수 있습니다|수도 있습니다|지도 모릅니다|모르겠습니다|때가 있습니다|상황입니다|경우가 있습니다)\.?$"
)

#: Longest sentence group that :func:`with_antecedents` forms.
LONGEST_GROUP = 400


ITEM_INSIDE = re.compile(rf"(?:^|\s){ORDINAL}[,\s]")


def _holds_item(text: str) -> bool:
    """Whether a (joined) sentence already holds a point of an enumeration."""
    return bool(ITEM_INSIDE.search(text))


def with_antecedents(sentences: Sequence[Candidate], text: str, offset: int) -> list[Candidate]:
    """The sentences of one passage, each that points back at the one before it ("이는 …",
    "이들은 …") joined to it, as one candidate: neither reads right alone; so is a sentence that
    only sets up a situation (:data:`SETS_UP`: "… 인식하지 않을 수도 있습니다.") with the one after it
    that resolves it (not a step, not an example). ``text`` is the passage, starting at
    ``offset`` in the document."""
    out: list[Candidate] = []
    for s in sentences:
        prev = out[-1] if out else None
        gap = text[prev.end - offset : s.start - offset] if prev is not None else "\n"
        joinable = prev is not None and len(gap) <= 3 and "\n" not in gap and s.end - prev.start <= LONGEST_GROUP
        leans = continuation(s.text)[0] in ("reference", "adverbial")
        first_item = prev is not None and bool(ANNOUNCES.search(prev.text)) and opens_item(s.text)
        first_item = first_item and prev is not None and not _holds_item(prev.text)
        resolves = prev is not None and bool(SETS_UP.search(prev.text.rstrip()))
        resolves = resolves and not step_value(s.text) and not ELABORATES.match(s.text)
        if joinable and prev is not None and (leans or first_item or resolves):
            joined = text[prev.start - offset : s.end - offset]
            out[-1] = replace(prev, end=s.end, text=joined, terms=prev.terms | s.terms)
        else:
            out.append(s)
    return out


def with_line_labels(sentences: Sequence[Candidate], text: str, offset: int) -> list[Candidate]:
    """The sentences of one passage (``text``, starting at ``offset``), each that goes on a line
    opened by a label ("자본 차이: 미국은 … . 한국은 …") with that label: the line's first sentence
    holds it in its text (:func:`presentable` takes it off), the next ones only here."""
    out: list[Candidate] = []
    label = ""
    for s in sentences:
        before = text[out[-1].end - offset : s.start - offset] if out else "\n"
        if "\n" in before:  # a new line: its label, if it opens with one
            label = label_of(s.text)
        elif label and not s.label:
            s = replace(s, label=label)
        out.append(s)
    return out


def cells(text: str) -> int:
    """How many cells a table's row holds (they are joined by " | "); 1 for any other line."""
    return text.count(" | ") + 1


def with_table_headers(sentences: Sequence[Candidate]) -> list[Candidate]:
    """The candidates of one passage, each row of a table under a header row of labels
    ("요금제 | 월 요금 | 저장 용량") with that header after its section: the column names are the
    row's context, as a heading is a sentence's ("프로 | 19,900원 | 2TB" is about 요금 and 용량)."""
    out: list[Candidate] = []
    header: Candidate | None = None
    for s, heads in zip(sentences, table_headers([s.text for s in sentences]), strict=True):
        n = cells(s.text)
        if n < 2:
            header = None
        elif heads:
            header = s
            if not labels_only(s.text):  # "이름 | 부서 | 연락처": a header, never an answer
                continue
        elif header is not None and cells(header.text) == n and header.end < s.start:
            s = replace(s, section=f"{s.section}{PATH_SEPARATOR}{header.text}" if s.section else header.text)
        out.append(s)
    return out


def table_headers(lines: Sequence[str]) -> list[bool]:
    """Whether each of ``lines`` (in order) heads its table (:func:`is_header`): a table's first row,
    or a row of bare labels in a table no row has headed yet, or the row heading the table written
    again (a long sheet's, over each run of its rows); a row further down a headed table is a row
    ("김민수 | 인사팀 | 팀장" heads nothing)."""
    out: list[bool] = []
    row_before = headed = False  # the line before is a table's row; a row of this table heads it
    header = ""  # the row heading the table of the line before
    for i, line in enumerate(lines):
        first, row_before = not row_before, cells(line) >= 2
        again = row_before and line == header  # a long sheet's header, written again over its next rows
        heads = again or (
            row_before and (first or not headed) and is_header(line, first=first) and not _named_below(lines, i)
        )
        headed = row_before and (headed or heads)
        header = line if heads else header if headed else ""
        out.append(heads)
    return out


def header_rows(text: str) -> list[str]:
    """The lines of ``text`` that head a table (see :func:`table_headers`)."""
    lines = text.splitlines()
    return [line for line, heads in zip(lines, table_headers(lines), strict=True) if heads]


def _named_below(lines: Sequence[str], i: int) -> bool:
    """Whether a cell (past the first) of the row ``lines[i]`` is also a cell of its column in a row
    of the table below it: a value, not a column's name ("창 닫기 | 끔" then "창 숨김 | 끔", a table of
    key bindings with no header row)."""
    head = [c.strip() for c in lines[i].split("|")]
    for line in lines[i + 1 :]:
        if line == lines[i]:  # the header again, over the next rows of a long sheet
            continue
        row = [c.strip() for c in line.split("|")]
        if len(row) != len(head):
            return False
        if any(h and h == c for h, c in zip(head[1:], row[1:], strict=True)):
            return True
    return False


#: Longest cell of a table's first row read as a column's name.
HEADER_CELL_CHARS = 15


def is_header(text: str, *, first: bool) -> bool:
    """Whether a table's row is a header: a row of bare labels (:func:`labels_only`) or, as the
    ``first`` row of its table, one of short cells (a few words each: "이름 | 부서 | 연락처", "구분 |
    내용 | 비고", whose last syllables :func:`labels_only` reads as endings) with no sentence in it, no
    keys pressed together ("Super+Space") and no number but in the name of a period (:data:`PERIOD`:
    "구분 | 2023년 | 2024년")."""
    if cells(text) < 2 or _KEYS.search(text):
        return False
    if labels_only(text):
        return True
    parts = [p.strip() for p in text.split("|")]
    if not first or any(not p or len(p) > HEADER_CELL_CHARS or len(p.split()) > 3 for p in parts):
        return False
    if any(p.endswith((".", "다", "요", "?", "!")) for p in parts):
        return False
    # numbers only in the names of periods ("구분 | 2023년 | 2024년", "항목 | 1분기 | 2분기"), never a value
    return all(PERIOD.match(p) for p in parts if any(ch.isdigit() for ch in p))


#: Keys pressed together ("Super+Space", "Ctrl+C"): a value of a table of key bindings, no column's name.
_KEYS = re.compile(r"[A-Za-z0-9]\+[A-Za-z0-9←→↑↓]")

#: A column named by a period or a round, as a table's header writes it: 2024년, 2024, 2024년도,
#: FY2024, '24, 24년, 2024.12, 2024년 1분기, 1분기, Q1, 3월, 1차, 2회차, 3단계, 2024(E), 2025년(목표).
PERIOD = re.compile(
    r"^(?:(?:FY\s*|')?(?:(?:19|20)\d{2}|(?<=')\d{2}|\d{2}(?=\s*년))(?:\s*년도?)?"
    r"(?:\s*(?:[1-4]\s*분기|[1-4]\s*Q|Q\s*[1-4]|[12]\s*H|[상하]반기|\d{1,2}\s*월|[./-]\s*\d{1,2}\.?))?"
    r"|[1-4]\s*분기|[1-4]\s*Q|Q\s*[1-4]|\d{1,2}\s*월|\d{1,3}\s*(?:차|회차|기|단계|주차|학기|학년))"
    r"(?:\s*[(（][^)）]{1,6}[)）])?$",
    re.IGNORECASE,
)


#: Last syllables of a word that carries a particle or an ending (은, 를, 에서, 하다 …).
_INFLECTED = frozenset("은는이가을를에의로와과도만다요죠며고서면니한된인적")


#: Longest line taken for a row of labels.
LABELS_CHARS = 80


@lru_cache(maxsize=READ_CACHE)
def labels_only(text: str) -> bool:
    """A line of bare labels, as a table's header row ("구분 한국 사례 해외 사례 (미국/유럽)",
    "요금제 | 월 요금 | 저장 용량 | 동시 접속 | 고객 지원"): a few words (a cell), none carrying a
    particle or an ending, no number. Not a sentence to show."""
    parts = [c for c in text.split("|") if c.strip()]
    if len(text) > LABELS_CHARS * max(1, len(parts) // 4) or text.rstrip().endswith((".", "다", "요", "?", "!")):
        return False  # the sentences of a passage, nearly all of them: at once
    words = [w.strip("()[]{}'\"“”‘’·,/") for w in text.replace("|", " ").split()]
    words = [w for w in words if w]
    most = 8 if len(parts) < 2 else 3 * len(parts)  # a row of cells (" | "): a few words each
    if not 2 <= len(words) <= most or any(ch.isdigit() for ch in text) or not re.search("[가-힣]", text):
        return False
    return not any(w[-1] in _INFLECTED for w in words if re.search("[가-힣]$", w))


#: Longest sentence shown whole; a longer one is cut at the last clause boundary before it.
LONGEST = 500
_CLAUSE_END = re.compile(r"(?:[,;:]|[며고서데나면]|니다)(?=\s)")


#: A letter of a word: Hangul, Latin, Hanja.
_LETTER = re.compile(r"[가-힣A-Za-z\u4e00-\u9fff]")


def presentable(c: Candidate) -> Candidate | None:
    """The candidate as a reader sees it: a leading "label:" dropped before a sentence (kept
    before a value: "평가 및 선정: 2025년 4월 중", not "2025년 4월 중"), a sentence over
    :data:`LONGEST` characters cut at a clause boundary; None for a label alone, for a line with
    no word, only numbers and marks (a date stamp, "2010.    11.    15.", a page number), or for a
    question (a FAQ's own question, "14.1. 데비안 CD를 만들고 팔 수 있나요?", shares the most words with
    the one asked, and answers nothing)."""
    cut = label_prefix(c.text)
    if cut and ends_sentence(c.text):  # what a label heads is a sentence; a value alone keeps it
        c = replace(c.trimmed(cut), label=label_of(c.text))
    if (
        len(c.text.strip()) < 8
        or c.text.rstrip().endswith((":", "："))
        or not _LETTER.search(c.text)
        or labels_only(c.text)
        or is_question(c.text)
    ):
        return None
    if len(c.text) > LONGEST:
        ends = [m.end() for m in _CLAUSE_END.finditer(c.text, 0, LONGEST)]
        keep = ends[-1] if ends and ends[-1] >= LONGEST // 3 else LONGEST
        c = replace(c, end=c.start + keep, text=c.text[:keep])
    return c


def is_question(text: str) -> bool:
    """Whether a sentence is a question: it ends with a question mark."""
    return bool(QUESTION_END.search(text.rstrip()))


def about_subject(c: Candidate, q: Asked) -> bool:
    """Whether the sentence is about the question's subject: its section names it, or the sentence
    names it before what it replaced, if at all ("미국과 중국의 기업들은 … 한국과의 격차를" is about
    중국; "한국은 … 중국에 비해" is about 한국)."""
    if not q.subject:
        return True
    section = c.section.lower()
    if any(s in section for s in q.subject_words):
        return True
    return _named_first(c.text.lower(), q)


def all_about(picked: list[Picked], q: Asked) -> list[Picked]:
    """``picked`` when every sentence of it is about the question's subject (:func:`about_subject`), else
    nothing: the points of an enumeration shown after "정부 역할은?" (a follow-up on "AI 투자 격차를
    줄이려면?") were all three of the essay's, two of them not about 정부."""
    return picked if all(about_subject(p.candidate, q) for p in picked) else []


def _named_first(text: str, q: Asked) -> bool:
    """Whether lower-cased ``text`` names the subject (:func:`find_word`), before what it replaced
    if that is named too, or together with it ("미국과 중국의 빅테크 기업들은 …": about both)."""
    named = [at for s in q.subject_words if (at := find_word(text, s)) >= 0 and not _NOT_IT.match(text, at + len(s))]
    replaced = [at for i in q.instead if (at := text.find(i.lower())) >= 0]
    if not named:
        return False
    return not replaced or min(named) < min(replaced) or _named_together(text, q)


#: A noun named as what something is not ("대법관이 아닌 법관"): the sentence is about the other thing.
_NOT_IT = re.compile(r"(?:이|가)\s*아닌")


def _named_together(text: str, q: Asked) -> bool:
    """Whether lower-cased ``text`` joins what the subject replaced and the subject by 과/와, 및 or
    a comma ("미국과 중국의 …", "미국, 중국 등"), so that what it says is said of both; not by 이나 or
    나, which sets them side by side in a comparison ("한국은 … 미국이나 중국에 비해")."""
    return any(side_by_side(i.lower(), s.lower(), text) for i in q.instead for s in q.subject)


#: A Korean word that may be a shortened compound: "무인발급기" for 무인민원발급기.
_HANGUL_WORD = re.compile(r"[가-힣]+")


def find_word(text: str, word: str) -> int:
    """Where ``text`` writes ``word``, -1 when it does not: as it is, or, for a Korean word of four
    syllables or more, as the compound it shortens ("무인발급기" in "무인민원발급기는 …": a word
    that opens with its first two syllables and holds all of them in order, at most three more)."""
    at = text.find(word)
    if at >= 0 or len(word) < 4 or not _HANGUL_WORD.fullmatch(word):
        return at
    for m in _HANGUL_WORD.finditer(text):
        full = m.group()
        if full.startswith(word[:2]) and len(word) < len(full) <= len(word) + 4 and _in_order(word, full):
            return m.start()
    return -1


def _in_order(short: str, full: str) -> bool:
    """Whether the syllables of ``short`` are in ``full`` in that order."""
    rest = iter(full)
    return all(ch in rest for ch in short)


def _with_predecessor(c: Candidate, pool: Sequence[Candidate], chosen: Sequence[Picked]) -> list[Candidate] | None:
    """The candidate, preceded by the sentence it continues when it points back at one.

    None when it points back at a sentence that is not among the candidates.
    """
    kind, _ = continuation(c.text)
    if kind != "reference":
        return [c]
    before = _previous(c, pool)
    if before is None:
        return None
    if any(p.candidate == before for p in chosen):
        return [c]
    return [before, c]


def _previous(c: Candidate, pool: Sequence[Candidate]) -> Candidate | None:
    earlier = [p for p in pool if p.doc_id == c.doc_id and p.end <= c.start and c.start - p.end <= 3]
    return max(earlier, key=lambda p: p.end) if earlier else None


def arrange(picked: Sequence[Picked], form: str) -> list[Picked]:
    """The order a reader gets: the lead first; a sentence continuing another right after it;
    for methods and lists, the rest of a document in its own order."""
    if not picked:
        return []
    lead, rest = picked[0], list(picked[1:])
    in_order = form in ("method", "list")
    if in_order:
        rest.sort(key=lambda p: (p.candidate.doc_id != lead.candidate.doc_id, p.candidate.doc_id, p.candidate.start))
    rest = _steps_in_order(rest)
    # the lead's procedure goes on right after it, when it goes on from the lead; when steps before
    # the lead are among them, they come last, under their headings (templates.around_the_lead)
    n = step_value(lead.candidate.text)
    if n is not None:
        own = (lead.candidate.doc_id, lead.candidate.citation)
        numbered = [
            (p, step_value(p.candidate.text)) for p in rest if (p.candidate.doc_id, p.candidate.citation) == own
        ]
        steps = [p for p, k in numbered if k is not None]
        others = [p for p in rest if all(p is not q for q in steps)]
        if steps and all(k > n for _, k in numbered if k is not None):
            rest = steps + others
        elif steps:  # under their headings, after the other sentences (other passages' steps after them)
            rest = [p for p in others if step_value(p.candidate.text) is None] + steps
            rest += [p for p in others if step_value(p.candidate.text) is not None]
    return _continuations_after_their_sentence([lead, *rest], pointing_only=in_order)


def _steps_in_order(order: list[Picked]) -> list[Picked]:
    """The numbered steps of one passage together and in their order, where the first of them
    stands ("2. … 1. …" reads backwards); the lead, the best answer, is not in ``order``."""
    steps: dict[tuple[str, int], list[Picked]] = {}
    for p in order:
        if step_value(p.candidate.text) is not None:
            steps.setdefault((p.candidate.doc_id, p.candidate.citation), []).append(p)
    groups = {id(p): g for g in steps.values() if len(g) > 1 for p in g}
    out: list[Picked] = []
    for p in order:
        group = groups.get(id(p))
        if group is None:
            out.append(p)
        elif p is group[0]:
            out += sorted(group, key=lambda q: q.candidate.start)
    return out


def _continuations_after_their_sentence(order: list[Picked], pointing_only: bool = False) -> list[Picked]:
    """``order`` with each sentence that goes on from one shown right after it: one that points back
    ("이는 …") always, one that opens with a connective ("특히 …", "이를 위해 …") unless
    ``pointing_only`` (a method's or a list's lines in the document's order, which a follow-up's
    ordinal counts). In an order by score, "특히 … 제시해야 합니다." came two lines below the sentence it
    goes on from, its 특히 dropped."""
    kinds = ("reference",) if pointing_only else ("reference", "connective", "adverbial")
    out: list[Picked] = []
    for p in order:
        kind, _ = continuation(p.candidate.text)
        before = next((q for q in out if _continues(p.candidate, q.candidate)), None)
        if kind in kinds and before is not None:
            out.insert(out.index(before) + 1, p)
        else:
            out.append(p)
    return out


def _continues(c: Candidate, before: Candidate) -> bool:
    return c.doc_id == before.doc_id and before.end <= c.start and c.start - before.end <= 3


def tidy(order: Sequence[Picked]) -> list[Picked]:
    """Drop a leading connective ("하지만", "이를 위해" …) from a sentence not shown after the one it
    continues, the commas a cell of a table ends with, and the ordinal of a later point ("둘째, ",
    "마지막으로 ") not shown after the points before it ("1. 둘째, …" reads as if the first were
    missing; "첫째, …" alone says more follow). A sentence shown already (the same words, or a span of
    its document overlapping one shown) is not shown again."""
    out: list[Picked] = []
    counted = False  # the line before is a point shown with every point before it
    for p in order:
        c = p.candidate.ended()
        if any(_shown_as(c, o.candidate) for o in out):
            continue
        kind, cut = continuation(c.text)
        if kind in ("connective", "adverbial") and cut and not (out and _continues(c, out[-1].candidate)):
            c = c.trimmed(cut)
        ordinal = ordinal_prefix(c.text)
        if ordinal and not c.text.lstrip().startswith("첫"):  # a later point
            counted = counted and _points_in_order(out[-1].candidate, c)
            if not counted:
                c = c.trimmed(ordinal)
        else:  # the first point, or a sentence that announces the points and holds the first
            counted = bool(ordinal) or (bool(ANNOUNCES.search(c.text)) and _holds_item(c.text))
        out.append(Picked(c, p.score))
    return out


def _shown_as(c: Candidate, shown: Candidate) -> bool:
    """Whether ``c`` says what ``shown`` says: the same words, or an overlapping span of one document."""
    if c.doc_id == shown.doc_id and c.start < shown.end and shown.start < c.end:
        return True
    return " ".join(c.text.split()) == " ".join(shown.text.split())


def _points_in_order(a: Candidate, b: Candidate) -> bool:
    """Whether ``a`` and ``b`` are points of one enumeration of a document, ``a`` before ``b``."""
    return a.doc_id == b.doc_id and a.start < b.start and is_point(a.text) and is_point(b.text)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def weights_from(values: Mapping[str, float]) -> Weights:
    """Weights from a mapping of field names (unknown names are refused)."""
    known = {f.name for f in fields(Weights)}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown weights {sorted(unknown)}; choose from {sorted(known)}")
    return Weights(**values)


def is_point(text: str) -> bool:
    """Whether a sentence opens a point of an enumeration, or announces one and holds its first point."""
    return opens_item(text) or (bool(ANNOUNCES.search(text)) and _holds_item(text))
