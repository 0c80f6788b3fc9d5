"""What a message's Kiwi morphemes say about how it relates to the conversation (no I/O, no model).

- ordinals (두 번째, 2번째, 셋째, 마지막) point at an item of the last listed answer;
- 더 자세히, 다른 예, 또 다른, 그 밖에, 나머지 ask for more of the same;
- demonstratives (그/이/저 and 그것, 거기, 이를, 그렇다 …) refer to the previous answer;
- a leading conjunction (그럼, 그러면, 그리고, 또, 그렇다면 …) or a fragment too thin to be a
  question on its own ("미국은?") continues the topic;
- the noun phrase in the subject slot is what a fragment swaps into ("유럽의 AI 전략은?").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.chat.sessions import Focus
from assistant.ingest.markers import DETERMINER_VALUES, ORDINAL_VALUES
from assistant.text.korean import NOMINAL_TAGS, NOUN_TAGS, WEAK_NOUNS, Token
from assistant.text.questions import ENGLISH_FUNCTION_WORDS, LIGHT_PREDICATES, PRONOUNS, QUESTION_WORDS


def _words(text: str) -> frozenset[str]:
    """The space-separated words of ``text``."""
    return frozenset(text.split())


PREDICATE_TAGS = frozenset({"VV", "VA"})


#: Conjunctions and adverbs that, leading a message, continue the conversation.
CONJUNCTIONS = frozenset(
    {"그럼", "그러면", "그리고", "그런데", "그래서", "또", "또한", "그렇다면", "반면", "한편", "그러니까", "근데"}
)


#: Determiners (MM) that point back.
DETERMINERS = _words("그 이 저 그런 이런 저런 그러한 이러한 해당")


#: Stems of 그렇다, 이렇다, 저렇다 (as Kiwi gives them).
PRO_PREDICATES = frozenset({"그렇", "이렇", "저렇"})


#: Question pronouns that make a one-noun message a question of its own ("담합이란 무엇인가요?").
WH_PRONOUNS = frozenset({"무엇", "뭐", "누구", "어디", "언제"})
#: Nouns that point back at a time or a case said before, as Kiwi reads them whole ("그때 새 대통령은
#: 언제 뽑아?"): a reference, and no topic of their own.
POINTING_NOUNS = frozenset({"그때", "이때", "그날", "그동안", "그간", "그곳", "이곳"})


#: Numeral determiners (they form ordinals with 번째) and ordinal numerals.
NUMERALS = DETERMINER_VALUES | {"한": 1}


ORDINAL_WORDS = ORDINAL_VALUES


LAST = -1


#: Nouns that name a member of a list: after an ordinal ("마지막 단계", "두 번째 방법") they point
#: at the last answer's list even when the message says more ("마지막 단계에서 뜨는 창은 뭐예요?").
MEMBER_WORDS = _words(
    "것 거 건 단계 방법 항목 내용 부분 전략 요소 이유 방안 예 예시 사례 점 문장 과제 원칙 특징 차이 방식 순서 절차 경우"
)


#: Words of a follow-up that say how it follows rather than what it is about; and nouns a message
#: says in passing, of when or of whom ("나중에 그 잠금 풀려면?", "남들이 못 고치게"), which no
#: answer is about.
FOLLOWUP_WORDS = _words(
    "예 예시 번째 항목 마지막 나머지 밖 부분 얘기 이야기 추가 다음 자세히 구체 다른 건 나중 아까 이따 방금 남"
)


#: Verbs that, after 더, ask for more ("더 알려줘", "더 설명해 줘").
MORE_VERBS = frozenset({"알리", "설명", "말하", "보", "자세히", "있", "없"})


@dataclass(frozen=True)
class Cues:
    """What a message's morphemes say about how it relates to the conversation."""

    nouns: tuple[tuple[str, str], ...] = ()  #: its own topic nouns with their :func:`noun_class`
    predicates: tuple[str, ...] = ()  #: its own content predicates (lemmas; 필요 of 필요하다)
    slot: Focus = ()  #: the noun phrase in its subject slot
    ordinal: int | None = None  #: 1-based, or LAST
    member: bool = False  #: the ordinal names a member of a list ("두 번째 방법", "마지막 건", "세 번째는")
    more: bool = False
    reference: bool = False
    conjunction: bool = False
    wh: bool = False  #: asks 무엇/누구/어디/언제, or defines with 이란
    fragment: bool = False  #: nouns and a topic particle, nothing else ("미국과 중국은요?")
    #: a fragment asked with 요 after its particle ("writer 문서에 넣은 긴 표는요?"): "and what about …?",
    #: however many nouns it holds, where "한국의 AI 원팀 전략은?" may be a question of its own
    what_about: bool = False
    #: asks for an example of what was said ("예를 들면?", "예시는?")
    example: bool = False
    #: asks for another way or example than the ones shown ("다른 방법은 없어요? …"): a follow-up
    #: however much else it says
    another: bool = False
    #: a condition with nothing said of it ("주말에 일하면?", "영수증 없으면?"): what follows is the
    #: question before's
    conditional: bool = False
    #: the terms it sets aside with 말고 ("고정 말고 다른 방법은?", "끄지 말고 …", "미국 말고 중국은?"):
    #: what the answer is not to be about, so no part of what is searched
    aside: tuple[str, ...] = ()

    @property
    def terms(self) -> list[str]:
        """Its own content terms, nouns first, without repeats."""
        return list(dict.fromkeys([t for t, _ in self.nouns] + list(self.predicates)))

    def complete(self) -> bool:
        """Whether the message has enough content to stand alone."""
        n = len(self.nouns)
        if (self.fragment and (n <= 2 or self.what_about)) or (self.conditional and n <= 2):
            return False
        if self.conjunction:
            return n >= 3 or (n >= 2 and (self.wh or bool(self.predicates)))
        return n >= 2 or (n == 1 and (self.wh or bool(self.predicates)))


def read_cues(tokens: Sequence[Token]) -> Cues:
    """The cues of a message from its Kiwi morphemes."""
    nouns: list[tuple[str, str]] = []
    predicates: list[str] = []
    ordinal: int | None = None
    more = reference = wh = member = example = another = False
    conjunction = bool(tokens) and _leads(tokens)
    set_aside, markers = _set_aside(tokens)
    # "한국 말고 미국은?" is the fragment "미국은?" with something set aside
    fragment = is_fragment([t for i, t in enumerate(tokens) if i not in set_aside and i not in markers])
    aside: list[str] = []
    for i, tok in enumerate(tokens):
        tag = tok.tag.split("-")[0]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if i in set_aside:
            aside.append(tok.form + "다" if tag in PREDICATE_TAGS else tok.form)
            continue
        if i in markers:  # 말고, 빼고, 제외하고, 외에: how the message sets something aside, no topic
            continue
        if ordinal is None and (ordinal := _ordinal_at(tokens, i)) is not None:
            member = _names_a_member(tokens, i)
        if tag == "NP":
            reference |= tok.form in PRONOUNS
            wh |= tok.form in WH_PRONOUNS
        elif tag == "MM" or (tag == "IC" and nxt is not None and nxt.tag.startswith("NN")):
            reference |= tok.form in DETERMINERS  # Kiwi may read a leading 그 as an interjection
            # 다른 before someone else ("그거 다른 사람한테 공유하려면?") asks about another person, not for more
            more |= tok.form == "다른" and (
                nxt is None or (nxt.tag.startswith(("NN", "JX", "SF")) and nxt.form not in SOMEONE_ELSE)
            )
            another |= tok.form == "다른" and nxt is not None and nxt.form in ANOTHER_OF
        elif tag in {"VA", "VV"} and tok.form in PRO_PREDICATES:
            reference |= not (i == 0 and conjunction)
        elif tag == "MAG" and tok.form == "더":
            more |= nxt is None or nxt.form in MORE_VERBS or nxt.tag == "SF"
        elif tag == "MAG" and tok.form == "또":  # "또 뭐가 있어?"
            rest = tokens[i + 1 :]
            more |= any(t.form in WH_PRONOUNS for t in rest) and any(t.form == "있" for t in rest)
        elif tag == "JX" and tok.form in {"이란", "란", "이라는", "라는"}:
            wh = True
        elif tag in NOUN_TAGS and tok.form in POINTING_NOUNS:  # "그때 새 대통령은 언제 뽑아?"
            reference = True
        elif tag in NOUN_TAGS and not _conversely(tokens, i):
            example |= _asks_an_example(tokens, i)
            _noun(tok, nxt, nouns, predicates)
            more |= tok.form in {"나머지", "추가"} or (tok.form == "밖" and i > 0 and tokens[i - 1].form == "그")
        elif tag in PREDICATE_TAGS and tok.form + "다" not in _NO_TOPIC and not _degree_asked(tokens, i):
            predicates.append(tok.form + "다")
    if not nouns and not predicates and any(t.form in {"자세히", "구체"} for t in tokens):
        more = True  # "자세히 알려줘", "구체적으로?" with nothing else to go on
    return Cues(
        nouns=tuple(dict.fromkeys(nouns)),
        predicates=tuple(dict.fromkeys(predicates)),
        slot=subject_slot(tokens),
        ordinal=ordinal,
        member=member,
        more=more,
        reference=reference,
        conjunction=conjunction,
        wh=wh,
        fragment=fragment,
        conditional=_conditional(tokens),
        what_about=fragment and _asked_with_yo(tokens),
        example=example,
        another=another,
        aside=tuple(dict.fromkeys(aside)),
    )


def _set_aside(tokens: Sequence[Token]) -> tuple[set[int], set[int]]:
    """The morphemes a message sets aside, and the morphemes that set them aside (:func:`_aside_marker`):
    the nouns right before 말고, 빼고, 제외하고 (제외한) or 외(에) ("고정 말고", "한국 빼고", "미국을 제외하고",
    "미국 외에"), with the verb of a clause that ends on them ("선택한 칸 말고": 선택), or the verb 말고
    negates ("끄지 말고"). A noun with a case particle before 말고 or 빼고 is what is rolled or taken
    out ("김을 말고", "USB를 빼고 다시 꽂으면?") and sets nothing aside (제외하고 takes one: "미국을
    제외하고"); nor does a pronoun ("그거 말고": what it points at is the last answer's)."""
    out: set[int] = set()
    markers: set[int] = set()
    for i in range(len(tokens)):
        marker = _aside_marker(tokens, i)
        if marker is None:
            continue
        span, takes_object = marker
        j = i - 1
        if tokens[i].form == "말" and j >= 1 and tokens[j].form == "지" and tokens[j].tag.startswith("EC"):
            if _verb_at(tokens, j - 1, out):  # "끄지 말고"
                markers |= {j, *span}
            continue
        if takes_object and j >= 1 and tokens[j].tag.startswith("JKO"):
            span = [j, *span]
            j -= 1
        before = len(out)
        while j >= 0 and tokens[j].tag.split("-")[0] in NOUN_TAGS and tokens[j].tag != "NP":
            out.add(j)
            j -= 1
        if j < span[0] - 1 and j >= 1 and tokens[j].tag.startswith("ETM"):  # "선택한 칸 말고"
            _verb_at(tokens, j - 1, out)
        if len(out) > before:
            markers |= set(span)
    return out, markers


def _aside_marker(tokens: Sequence[Token], i: int) -> tuple[list[int], bool] | None:
    """Whether a marker that sets aside what comes before it starts at ``i``: its morphemes, and
    whether it sets aside a noun with an object particle (only 제외하고 does)."""
    tok, rest = tokens[i], tokens[i + 1 : i + 3]
    ends = rest[-1] if rest else tok
    if tok.form in ("말", "빼") and tok.tag.startswith(("VV", "VX")) and rest and rest[0].form in ("고", "구"):
        return [i, i + 1], False
    if tok.form == "제외" and len(rest) == 2 and rest[0].tag.startswith("XSV") and ends.tag.startswith(("EC", "ETM")):
        return [i, i + 1, i + 2], True
    if tok.form == "외" and tok.tag.startswith("NNB") and i > 0:
        return ([i, i + 1] if rest and rest[0].tag.startswith("JKB") else [i]), False
    return None


def _verb_at(tokens: Sequence[Token], j: int, out: set[int]) -> bool:
    """Add the verb that ends at ``j`` (a verb, or a noun made one by 하다: 선택 of 선택하다) to
    ``out``; whether there was one."""
    if j < 0:
        return False
    tag = tokens[j].tag.split("-")[0]
    if tag in PREDICATE_TAGS:
        out.add(j)
        return True
    if tag in {"XSV", "XSA"} and j >= 1 and tokens[j - 1].tag.split("-")[0] in NOUN_TAGS:
        out.add(j - 1)
        return True
    return False


def _asks_an_example(tokens: Sequence[Token], i: int) -> bool:
    """Whether the noun at ``i`` asks for an example of what was said ("예를 들면?", "예를 들어
    줘", "예시는?"): what the documents say next to it, not the same again."""
    if tokens[i].form not in {"예", "예시"}:
        return False
    rest = [(t.form, t.tag.split("-")[0]) for t in tokens[i + 1 : i + 3]]
    return rest[:2] == [("를", "JKO"), ("들", "VV")] or (bool(rest) and rest[0][1] == "JX")


#: Nouns that, after 다른, name someone else ("다른 사람한테 공유하려면?", "다른 사용자도 쓰게"), not
#: another one of what was shown.
SOMEONE_ELSE = frozenset({"사람", "사용자", "이용자", "분", "친구", "가족", "동료", "팀원"})
#: Nouns that, after 다른, ask for another one than those shown ("다른 방법", not "다른 사람").
ANOTHER_OF = frozenset({"방법", "방식", "방안", "예", "예시", "사례", "거", "것", "건", "옵션"})


#: What asks how much of a quality something has ("얼마나 커?", "얼마만큼 많아?").
_DEGREE = frozenset({("얼마나", "MAG"), ("얼마", "NNG"), ("만큼", "JKB"), ("얼만큼", "MAG")})


def _degree_asked(tokens: Sequence[Token], i: int) -> bool:
    """Whether the adjective at ``i`` is the quality whose degree is asked ("격차가 얼마나 커?":
    크다): it asks, like 얼마, and is no part of the topic a follow-up carries on."""
    return i > 0 and tokens[i].tag.startswith("VA") and (tokens[i - 1].form, tokens[i - 1].tag) in _DEGREE


def _asked_with_yo(tokens: Sequence[Token]) -> bool:
    """Whether a message ends in a topic particle and 요 ("… 표는요?", "calc에서는요?")."""
    core = [t for t in tokens if t.tag.split("-")[0] != "SF"]
    return len(core) >= 2 and core[-1].form == "요" and core[-2].tag == "JX" and core[-2].form in {"은", "는", "도"}


def is_fragment(tokens: Sequence[Token]) -> bool:
    """A noun phrase ending in a topic particle, at most asking how: "미국은?", "데이터와 인프라는요?",
    "그럼 미국은 어때?", "writer 문서에 넣은 긴 표는요?" (nouns may be joined by 와/과/의, modified by a
    clause, and led by a conjunction)."""
    core = list(tokens)
    while core and (core[-1].tag.split("-")[0] in {"SF", "EF", "EC", "VX"} or core[-1].form in {"요", "어떻", "되"}):
        core.pop()
    if len(core) < 2 or core[-1].tag != "JX" or core[-1].form not in {"은", "는", "도"}:
        return False
    if core[-2].tag == "JKB" and len(core) >= 3:  # "calc에서는요?", "표에는?": where, then the topic
        core = [*core[:-2], core[-1]]
    # the noun phrase may hold modifiers ("writer 문서에 넣은 긴 표는요?"): a clause ending in ETM
    allowed = NOMINAL_TAGS | {"JC", "JKG", "JKB", "XSN", "MAJ", "MAG", "IC", "VV", "VA", "ETM", "XSV", "XSA", "MM"}
    if not all(t.tag.split("-")[0] in allowed for t in core[:-1]):
        return False
    head = core[-2]
    clause = any(t.tag.split("-")[0] in {"ETM", "XSV", "XSA"} for t in core[:-1])
    # "… 필요한 이유는?" asks a question of its own: a clause before a word that only asks
    return head.tag.split("-")[0] in NOMINAL_TAGS and not (clause and head.form in QUESTION_WORDS)


def _conditional(tokens: Sequence[Token]) -> bool:
    """Whether a message ends in a condition and says nothing of it ("주말에 일하면?": 면, 으면; not
    "PDF로 저장하려면?", which asks how)."""
    core = [t for t in tokens if t.tag.split("-")[0] not in {"SF", "SE", "SS"}]
    return bool(core) and core[-1].tag == "EC" and core[-1].form in {"면", "으면"}


def _leads(tokens: Sequence[Token]) -> bool:
    """Whether the message opens with a conjunction (그럼, 또, 그렇다면 …)."""
    first = tokens[0]
    if first.tag == "MAJ" or (first.tag == "MAG" and first.form in CONJUNCTIONS):
        return not (first.form == "또" and len(tokens) > 1 and tokens[1].form == "다른")
    # 그러면, 그래서 (그렇 + a connective ending) lead on; 그렇게 ("in that way") points back
    return first.form in PRO_PREDICATES and len(tokens) > 1 and tokens[1].tag == "EC" and tokens[1].form != "게"


def _conversely(tokens: Sequence[Token], i: int) -> bool:
    """Whether token ``i`` is the 반대 of a message opening with 반대로 ("conversely": "반대로 합친 걸
    다시 나누려면?"), which says how the message follows, not what it is about."""
    return i == 0 and tokens[0].form == "반대" and len(tokens) > 1 and tokens[1].form in {"로", "으로"}


#: Predicates a conversation's topic does not carry: the light ones, and 나다 of "차이가 나?" and
#: "에러 나요" or 생기다 of "격차가 왜 생겼어?", which say only that their subject happens (carried,
#: "왜 그렇게 차이가 나?" was searched "… 투자 규모 나기", and "그걸 줄이려면?" after "… 왜 생겼어?"
#: "AI 투자 격차 생기기 줄이기").
_NO_TOPIC = LIGHT_PREDICATES | {"나다", "생기다"}


def _noun(tok: Token, nxt: Token | None, nouns: list[tuple[str, str]], predicates: list[str]) -> None:
    """File a noun as a topic noun or, before 하다 (XSV/XSA), as a predicate."""
    form = tok.form
    if form in QUESTION_WORDS or form in FOLLOWUP_WORDS or form in WEAK_NOUNS:
        return
    if tok.tag == "SL" and form.lower() in ENGLISH_FUNCTION_WORDS:  # "What is …": no topic
        return
    if nxt is not None and nxt.tag.startswith(("XSV", "XSA")):
        if form not in LIGHT_PREDICATES:
            predicates.append(form)
        return
    nouns.append((form, noun_class(tok.tag)))


def noun_class(tag: str) -> str:
    """``name`` for proper nouns (미국), ``foreign`` for words in Latin or Chinese script (AI,
    EU), ``common`` otherwise: a follow-up's noun swaps with one of its own class."""
    base = tag.split("-")[0]
    return "name" if base == "NNP" else "foreign" if base in {"SL", "SH"} else "common"


def _ordinal_at(tokens: Sequence[Token], i: int) -> int | None:
    """The ordinal that starts at token ``i``: 두 번째, 2번째, 2번, 셋째, 마지막."""
    tok = tokens[i]
    rest = [t.form for t in tokens[i + 1 : i + 3]]
    # 첫 … 네 are determiners (MM); Kiwi reads 다섯 … 열 as numerals (NR)
    if tok.tag in ("MM", "NR") and tok.form in NUMERALS and rest[:1] in (["번째"], ["번"]):
        return NUMERALS[tok.form] if rest[:1] == ["번째"] or rest[1:2] == ["째"] else None
    if tok.tag == "SN" and tok.form.isdigit() and rest[:1] in (["번째"], ["번"]):
        return int(tok.form)
    if tok.tag == "NR" and tok.form in ORDINAL_WORDS:
        return ORDINAL_WORDS[tok.form]
    if tok.form == "마지막" and tok.tag.startswith("NN"):
        return LAST
    return None


def _names_a_member(tokens: Sequence[Token], i: int) -> bool:
    """Whether the ordinal at token ``i`` is followed by a noun that names a list's member, or by
    no noun at all ("두 번째는?")."""
    for tok in tokens[i + 1 :]:
        if tok.form in {"번", "번째", "째"}:
            continue
        return tok.form in MEMBER_WORDS or tok.tag.split("-")[0] not in NOMINAL_TAGS
    return True


def subject_slot(tokens: Sequence[Token]) -> Focus:
    """The noun phrase a fragment would swap into: its runs of nouns, numbered.

    The runs up to the first one marked as topic or subject (은/는/이/가), joined by 의
    ("유럽의 AI 전략은?" → 유럽 | AI 전략; "부산의 교통은?" → 부산 | 교통); without such a
    mark, the first run. Runs joined by 와/과 count as one ("데이터와 인프라는" → 데이터 인프라).
    """
    runs = _noun_runs(tokens)
    chain: list[list[tuple[str, str]]] = []
    for nouns, after in runs:
        chain.append(nouns)
        if after in {"JX", "JKS"}:
            break
        if after != "JKG":
            chain = []  # the runs before a topic must be joined to it by 의
    else:
        chain = [runs[0][0]] if runs else []
    return tuple((term, kind, i) for i, nouns in enumerate(chain) for term, kind in nouns)


def _noun_runs(tokens: Sequence[Token]) -> list[tuple[list[tuple[str, str]], str]]:
    """Runs of topic nouns, each with the tag of the particle after it."""
    runs: list[tuple[list[tuple[str, str]], str]] = []
    run: list[tuple[str, str]] = []
    joined = False
    for tok in [*tokens, Token("", "END", 0, 0)]:
        tag = tok.tag.split("-")[0]
        if tag == "XSN" and run:
            continue  # 기업들의, 기술적: the suffix belongs to the noun
        if tag in NOUN_TAGS and tok.form not in QUESTION_WORDS and tok.form not in FOLLOWUP_WORDS:
            run.append((tok.form, noun_class(tag)))
            continue
        if run:
            if joined and runs:
                runs[-1] = (runs[-1][0] + run, tag)
            else:
                runs.append((run, tag))
            joined = tag == "JC"
            run = []
    return runs


#: Particles Kiwi sometimes leaves glued to a word it does not know ("얼라이언스란", "얼라이언스에").
GLUED = (
    "이란",
    "란",
    "에는",
    "에서",
    "에게",
    "으로",
    "로",
    "에",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "와",
    "과",
    "의",
    "도",
)


def repair(tokens: Sequence[Token], known: Callable[[str], bool] = lambda _: False) -> list[Token]:
    """The morphemes of a message as its words are written: nouns Kiwi split inside one word join
    again ("원" + "팀" → "원팀"), and a particle glued to a noun the index knows without it comes
    off ("얼라이언스란" → "얼라이언스" + "란")."""
    out: list[Token] = []
    for tok in tokens:
        tok_parts = _unglue(tok, known)
        for part in tok_parts:
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev.end == part.start
                and _is_noun(prev)
                and _is_noun(part)
                and len(tok_parts) == 1
            ):
                out[-1] = Token(prev.form + part.form, part.tag, prev.start, part.end)
            else:
                out.append(part)
    return out


def _is_noun(tok: Token) -> bool:
    return tok.tag.split("-")[0] in {"NNG", "NNP"}


def _unglue(tok: Token, known: Callable[[str], bool]) -> list[Token]:
    if not _is_noun(tok) or known(tok.form.lower()):
        return [tok]
    for particle in GLUED:
        stem = tok.form[: -len(particle)]
        if not tok.form.endswith(particle) or len(stem) < 2:
            continue
        # A particle of one syllable could end a real noun; a longer one, or 란, hardly ever ends a long one.
        if known(stem.lower()) or (len(stem) >= 3 and (len(particle) > 1 or particle == "란")):
            cut = tok.start + len(stem)
            return [Token(stem, tok.tag, tok.start, cut), Token(particle, "JX", cut, tok.end)]
    return [tok]
