"""What a question asks and what it is about: its form, its topic terms, the sides it compares.

The form (definition, reason, method, list, comparison or general) picks the answer's template;
the words that only ask (무엇, 이유, 방법 …) are left out of the topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.ingest.markers import ORDINAL, ordinals_in
from assistant.text.korean import NOUN_TAGS, KoreanAnalyzer, Token, content_terms

#: Words of English that name nothing: a question quoting an error message ("Could not get lock")
#: or asked in English ("What is Korea's AI one-team strategy?") holds them; no answer need say the
#: documents do not write them, and a conversation does not carry them as its topic.
ENGLISH_FUNCTION_WORDS = frozenset(
    ["the", "and", "for", "not", "can", "cannot", "could", "would", "should", "with", "from", "get", "got",
     "has", "have", "was", "are", "this", "that", "what", "how", "why", "when", "where", "which", "who",
     "you", "your", "but", "into", "out", "is", "be", "a", "an", "of", "to", "in", "on", "at", "by", "do",
     "does", "did", "it", "its", "s"]
)  # fmt: skip


#: Question forms, checked in this order; the first pattern that matches wins (but see
#: :func:`question_form` for why two differ).
FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "comparison",
        re.compile(
            r"비교|차이|다른 ?점|공통점|다른가|다릅|다른지|달라(?:요|\?|$)|vs|대비"
            # which of two to take ("둘 중에 뭐 써야 돼?", "어떤 게 더 나아?")
            r"|둘 ?중(?:에)?(?:서)? ?(?:뭐|어느|어떤|누가)|(?:뭐가|어떤 ?게|어느 ?게|어느 ?쪽이) 더 (?:나|좋)"
        ),
    ),
    ("reason", re.compile(r"왜|이유|원인|까닭|때문")),
    # asking what something is called ("… 전략을 무엇이라고 부르나요?") wants a name, not a method or a list
    ("definition", re.compile(r"(?:무엇|뭐)(?:이)?라고 (?:부르|불리|부릅|하[나는니]|합니)")),
    (
        "method",
        re.compile(
            r"어떻게|방법|방안|방향|해야|하려면|전략(?:은|을|들은|들을)? ?(?:\?|$|무엇|뭐|알려|설명)|취할 수 있는|대책|해결"
        ),
    ),
    (
        "list",
        re.compile(
            # a list asked to be seen, saved or made ("업그레이드 가능한 패키지 목록만 보기", "… 목록 보는 명령어",
            # "지점 이름 목록 등록해서 …") is a task, not the items the documents list
            r"무엇무엇|어떤 것들|종류|목록(?!\s?만?\s?(?:보|확인|출력|띄우|뽑|내보내|저장|만들|등록))|나열|몇 가지|요소|요인|"
            r"사례(?:들|를|가|로|는\s?\?|\s?(?:알려|좀|보여|뭐|있))|들은\?|들이 있|"
            # "어디가 있어?" asks which places there are; "어디 있어요?" where one thing is
            r"(?:(?:무엇|뭐|어떤 ?것|어떤 ?게|어떤 ?곳)(?:이|가|들이)?|어디(?:가|들이)) ?있(?!어야)"
        ),
    ),
    ("definition", re.compile(r"무엇|뭐야|뭔가|뭐예요|뭐죠|란\?|이란|의미|정의|뜻")),
)


#: A message that asks to be told more about something already shown ("두 번째 전략을 자세히
#: 설명해줘"), rather than what it means: the answer need not restate it.
ELABORATE = re.compile(r"자세히|자세하게|설명해|구체적|더 알려|더 말해")

#: A follow-up asking for another one ("다른 방법은?", "또 다른 전략은?"), not for more of the same.
ANOTHER = re.compile(r"다른\s|다른(?:방법|예|전략|것|거|건|사례|방식)|(?:^|\s)또\s")

#: Words of a question that ask rather than say what it is about.
QUESTION_WORDS = frozenset(
    [
        "무엇",
        "뭐",
        "왜",
        "이유",
        "원인",
        "어떻다",
        "어떤",
        "어디",
        "언제",
        "며칠",
        "얼마",
        "몇",
        "누구",
        "방법",
        "방안",
        "차이",
        "다르다",  # "뭐가 달라?" asks the difference, as 차이 does
        "비교",
        "설명",
        "정의",
        "의미",
        "종류",
        "목록",
        "점",
        "내용",
        "관련",
        "대하다",
        "알리다",
        "주다",
        "하다",
        "있다",
        "되다",
        "자세히",
        "특징",
        "현황",
        "정도",
        "방식",
        "편",
        "식",
        "제일",  # "용량 제일 큰 건?": Kiwi may read the adverb as a noun
    ]
)


#: Question words after which (어떤 산업) or before which (대통령의 이름은 누구) the noun names
#: what the answer is.
_WH_BEFORE = frozenset({"어떤", "무슨", "어느", "어떠한"})
_WH_AFTER = frozenset({"누구", "무엇", "뭐", "어디", "언제", "얼마", "몇"})
#: Nouns that say only that a name or an amount is asked (대통령의 이름 → 대통령).
_GENERIC = frozenset({"이름", "정도", "명칭", "무엇", "누구", "어디", "언제"})


def asked_nouns(tokens: Sequence[Token]) -> list[str]:
    """The nouns that name what the answer is: "어떤 산업에 …" → 산업; "미국 대통령의 이름은
    누구인가?" → 대통령, 이름; "티베트 고원의 면적은?" → 면적. A sentence that answers usually
    holds one of them next to the answer ("… 면적은 250만 km²")."""
    nouns = [i for i, t in enumerate(tokens) if t.tag.startswith(("NNG", "NNP")) and t.form not in _GENERIC]
    for i, tok in enumerate(tokens):
        if tok.form in _WH_BEFORE and tok.tag == "MM":
            after = [j for j in nouns if j > i][:1]
            return [tokens[j].form.lower() for j in after]
    for i, tok in enumerate(tokens):
        if tok.form in _WH_AFTER and tok.tag in ("NP", "NR", "MAG", "MM"):
            before = [j for j in nouns if j < i][-1:]
            return [tokens[j].form.lower() for j in before]
    content = [t for t in tokens if t.tag not in ("SF", "SP", "SS", "SE")]
    if len(content) >= 2 and content[-1].tag in ("JX", "JKS") and content[-2].tag.startswith(("NN", "NR")):
        return [tokens[j].form.lower() for j in nouns if tokens[j].end <= content[-2].end][-1:]
    return []


#: Nouns too general to single out the sentence that answers (… 세운 것은? … 몇 명인가?).
_BROAD = _GENERIC | frozenset(
    {"것", "수", "곳", "때", "사람", "내용", "이유", "방법", "점", "개", "명", "년", "해", "날", "월", "일", "종류"}
)
_FOCUS_TAGS = frozenset({"NNG", "NNP", "SL", "NR"})


def answer_focus(tokens: Sequence[Token]) -> str:
    """The noun the answer is one of, as a sentence that answers often names it next to the
    answer: after 어떤/무슨/어느 ("어느 처벌까지" → 처벌), else the last one before the question
    word ("수단의 대통령 이름은 무엇인가" → 대통령; "투수는 몇 명인가" → 투수) or before the end
    ("… 반대한 당은?" → 당). Nouns too general to tell sentences apart (것, 이름, 사람 …) are
    passed over; "" when none is left."""

    def noun(t: Token) -> bool:
        return t.tag.split("-")[0] in _FOCUS_TAGS and t.form not in _BROAD

    for i, tok in enumerate(tokens):
        if tok.form in _WH_BEFORE and tok.tag == "MM":
            after = [t for t in tokens[i + 1 :] if noun(t)][:1]
            if after:
                return after[0].form.lower()
    end = next((i for i, t in enumerate(tokens) if t.form in _WH_AFTER or t.form in _WH_BEFORE), len(tokens))
    before = [t for t in tokens[:end] if noun(t)]
    return before[-1].form.lower() if before else ""


#: Predicates that carry no topic and tell no sentences apart: 있다, 하다, 되다 …, and those that only
#: ask (알려 주다, 설명하다, 궁금하다, 어떻다); 설명, 말 and 궁금 as the nouns of 설명하다 …
LIGHT_PREDICATES = frozenset(
    [
        "있다",
        "없다",
        "하다",
        "되다",
        "이다",
        "아니다",
        "같다",
        "보다",
        "알다",
        "말하다",
        "말다",  # "그거 말고 다른 방법은?": it sets aside what was shown, it names no topic
        "대하다",
        "위하다",
        "관하다",
        "통하다",
        "들다",
        "어떻다",
        "알리다",
        "주다",
        "설명",
        "말",
        "궁금",
        "궁금하다",
        "그렇다",
        "이렇다",
        "저렇다",
    ]
)


IGNORED_NOUNS = QUESTION_WORDS | LIGHT_PREDICATES


def relation_terms(tokens: Sequence[Token]) -> list[str]:
    """What the question says happened or holds, as terms: its verbs and adjectives (맡다,
    걸리다) and the nouns it makes verbs of (고안 of 고안한, 부화 of 부화할). The sentence that
    answers "센테니얼 라이트를 고안한 사람은?" says who 고안 it; the one that only names the
    light does not."""
    return list(dict.fromkeys(_relations(tokens)))


def answer_predicate(tokens: Sequence[Token]) -> str:
    """What the question says the answer did or is, as a term: its last predicate that is not
    light (see :func:`relation_terms`). A Korean question ends on it ("… 막스 크루즈는 어디에
    갔는가?" → 가다) or puts it before the noun it asks for ("… 급격히 줄은 것은?" → 줄다); the
    predicates before it set the scene ("… 보도되자"), which the sentence that answers need not
    repeat. "" when the question has none."""
    found = _relations(tokens)
    return found[-1] if found else ""


def _relations(tokens: Sequence[Token]) -> list[str]:
    out = []
    for i, tok in enumerate(tokens):
        base = tok.tag.split("-")[0]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if base in ("VV", "VA") and tok.form + "다" not in LIGHT_PREDICATES:
            out.append(tok.form.lower() + "다")
        elif base == "NNG" and nxt is not None and nxt.tag in ("XSV", "XSA") and tok.form not in IGNORED_NOUNS:
            out.append(tok.form.lower())
    return out


#: The same forms asked in English (a question with no Hangul: e5 finds the Korean passages), in order.
ENGLISH_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("comparison", re.compile(r"\b(?:compare[sd]?|comparison|differen(?:ce|t)|differ|versus)\b", re.I)),
    ("reason", re.compile(r"^\s*why\b|\bwhy (?:do|does|did|is|are|should|would)\b|\breasons?\b|\bcauses?\b", re.I)),
    (
        "method",
        re.compile(
            r"^\s*how (?:do|does|did|can|could|should|would|to|is|are)\b|\bhow to\b|\bways? to\b|"
            r"\bwhat should\b.*\bdo\b",
            re.I,
        ),
    ),
    ("list", re.compile(r"^\s*(?:which|list)\b|\bwhat (?:kinds?|types?|examples?)\b|\bexamples? of\b", re.I)),
    ("definition", re.compile(r"^\s*what(?: is|'s| are| does .* mean)\b|\bmeaning of\b", re.I)),
)

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LETTERS = re.compile(r"[^\W\d_]")


def has_hangul(text: str) -> bool:
    """Whether ``text`` holds a Hangul syllable."""
    return bool(_HANGUL.search(text))


def cross_script(question: str) -> bool:
    """Whether a question has letters but no Hangul (asked in another language than the documents)."""
    return bool(_LETTERS.search(question)) and not has_hangul(question)


#: Words of an English question about the documents themselves ("… the essay recommends?", "What does
#: the document say about …", "according to the text"): they name no topic, and the model reads the
#: question further from the passages for them.
_ABOUT_THE_DOCUMENTS = re.compile(
    r"\s*\b(?:(?:does|do|did) )?(?:according to |in |from )?(?:the|this|these|your) (?:essays?|articles?|documents?|texts?|papers?|"
    r"authors?|writers?|reports?)(?: (?:says?|said|recommends?|mentions?|suggests?|describes?|argues?|"
    r"proposes?|discuss(?:es)?|explains?))?\b",
    re.IGNORECASE,
)


def without_document_words(question: str) -> str:
    """An English question without the words by which it speaks of the documents themselves ("What
    is the niche marketing strategy the essay recommends?" → "What is the niche marketing strategy?"),
    as it is embedded; a Korean question, or one that would be left without a word, as it is."""
    if not cross_script(question):
        return question
    stripped = _ABOUT_THE_DOCUMENTS.sub("", question).strip(" ,")
    return stripped if _LETTERS.search(stripped) else question


#: The words an English question or request opens with ("What is …", "Does …", "Tell me …").
_ENGLISH_ASKING = re.compile(
    r"^\W*(?:what|why|how|which|who|whom|whose|when|where|is|are|was|were|am|do|does|did|can|could|"
    r"should|would|will|shall|may|might|must|has|have|had|tell|explain|describe|list|show|give|"
    r"summari[sz]e|compare|define|name|find)\b",
    re.I,
)


def reads_as_question(question: str) -> bool:
    """Whether a message in another script than Korean reads as a question or a request: it asks
    ("?") or opens with a word that asks ("What …", "Does …", "Explain …"). "test", "lorem ipsum",
    "SELECT * FROM users;" or "%s %d {0}" do not: their nearest passages are only the nearest there
    are (every short string embeds about as close to a Korean passage)."""
    return "?" in question or "？" in question or bool(_ENGLISH_ASKING.search(question))


#: Words that ask how something is done, whatever else the question asks.
_ASKS_HOW = re.compile(r"어떻게|방법|방안|대책|해결")
#: ... of which those that name a way to do it (not "어떻게" alone).
_NAMES_A_WAY = re.compile(r"방법|방안|대책|해결")
#: Words that ask for a count, an amount or a time: "승인받으려면 몇 명이 필요해?" asks a number.
_ASKS_AMOUNT = re.compile(r"몇|얼마|며칠|언제")
#: "어떻게 돼?" asks what happens or what something is ("도입 못 하면 어떻게 돼?", "최소 사양이 어떻게
#: 돼요"), not how to do it.
_ASKS_OUTCOME = re.compile(r"어떻게 ?(?:되|돼|된|됩|될)")
#: "유럽은 AI를 어떻게 보고 있어?" asks a view, and "미국은 AI 동맹을 어떻게 하고 있어?" what is being
#: done, not how to do something ("어떻게 봐요?" may ask how to see).
_ASKS_VIEW = re.compile(r"어떻게 ?(?:생각|평가|바라보|여기|보고 ?있|하고 ?있)")


def _not_how(question: str) -> bool:
    """Whether a question the method patterns match asks an amount, an outcome or a view instead (see
    :func:`question_form`)."""
    if _ASKS_AMOUNT.search(question) and not _ASKS_HOW.search(question):
        return True
    return bool(_ASKS_OUTCOME.search(question) or _ASKS_VIEW.search(question)) and not _NAMES_A_WAY.search(question)


#: A reason asked (the reason form's pattern).
_REASON = dict(FORMS)["reason"]
#: A difference asked as an amount ("얼마나 차이 나?", "몇 표 차이로", "차이가 얼마야?").
_HOW_MUCH_APART = re.compile(r"(?:얼마나|몇\s?\S*)\s?차이|차이(?:가|는)?\s?(?:얼마|몇)")
#: Words that ask to set two things side by side, whatever else the question asks ("왜 둘을 비교하나요?").
_COMPARE = re.compile(r"비교|vs|대비")


def question_form(question: str) -> str:
    """One of definition, reason, method, list, comparison or general (a question in English too).
    A condition ("머지하려면", "해야") with a count, an amount or a time asked and no "how" is no
    method question: "PR 머지하려면 몇 명 승인 필요해?" asks a number. Nor is "어떻게 돼?" without
    방법/방안/대책/해결: "기간 안에 도입 못 하면 어떻게 돼?" asks what happens; nor "어떻게 보고 있어?"
    or "어떻게 평가해?", which ask a view. Asking why two differ ("왜 그렇게 차이가 나?") asks a reason;
    asking to compare them ("왜 둘을 비교하나요?") a comparison."""
    for name, pattern in FORMS:
        if pattern.search(question):
            if name == "method" and _not_how(question):
                return "general"
            if name == "comparison" and _REASON.search(question) and not _COMPARE.search(question):
                return "reason"  # why two differ ("왜 그렇게 차이가 나?"), not a request to compare them
            if name == "comparison" and _HOW_MUCH_APART.search(question) and not _COMPARE.search(question):
                return "general"  # how far apart ("AI 투자 얼마나 차이나?"): the size of a gap, not two sides
            return name
    if cross_script(question):
        for name, pattern in ENGLISH_FORMS:
            if pattern.search(question):
                return name
    return "general"


#: An ordinal that picks a point: 첫째 … 열째, 첫 번째 … 열 번째, 2번째, or 마지막 before a noun
#: ("마지막 단계는?"; not "마지막으로 …", which only orders the question's own words).
_ONE_POINT = re.compile(rf"(?:^|\s)(?:{ORDINAL}|\d+\s?번째|마지막(?=\s))\s?(?!번째)\S")


#: Pronouns (NP) that point back at something said before, not at what is asked (뭐, 어디); 저 alone
#: is "I", not "that".
PRONOUNS = frozenset(
    ["그", "이", "그것", "이것", "저것", "그거", "이거", "저거", "거기", "여기", "저기", "그곳", "이곳", "그들", "이들",
     "그쪽", "이쪽"]
)  # fmt: skip
#: Tags of what a question can name: nouns, a word root, Latin, Hanja and number tokens.
_NAMING = NOUN_TAGS | {"SN"}


def points_at_nothing(tokens: Sequence[Token]) -> str:
    """What a question points back at without naming it: a pronoun ("그건 어떻게 만들 수 있나요?",
    "그게 뭐야?") or an ordinal of a list shown before ("두 번째 건 어디가 만든 거야?", "둘째는?");
    with no conversation, nothing says what it means. "" when the question names a thing (a noun,
    a Latin word, a number) or points at nothing."""
    ordinal, used = _ordinal_pointer(tokens)
    if any(t.tag.split("-")[0] in _NAMING for i, t in enumerate(tokens) if i not in used):
        return ""
    return next((t.form for t in tokens if t.tag == "NP" and t.form in PRONOUNS), ordinal)


#: Kiwi's tags of what is no word: punctuation, brackets, other symbols, Korean letters written
#: alone (ㅋㅋ, ㅠㅠ are SW) and emoji.
_NO_WORD_TAGS = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "W_EMOJI"})


def holds_no_word(tokens: Sequence[Token]) -> bool:
    """Whether a question is made only of symbols ("ㅋㅋㅋ", "ㅠㅠ", "^^", "?!"): not one word, name
    or number to look for, so whatever passage comes closest answers nothing."""
    return all(t.tag in _NO_WORD_TAGS for t in tokens)


#: Words that make a message a greeting, thanks, a goodbye or a plain "yes" rather than a question
#: (as :func:`~assistant.text.korean.content_terms` writes them), and which of those it is.
SOCIAL_TERMS: dict[str, str] = {
    **dict.fromkeys(("고맙다", "감사", "땡큐", "thanks", "thank", "thx"), "thanks"),
    **dict.fromkeys(("안녕", "반갑다", "하이", "헬로", "hello", "hi"), "greeting"),
    **dict.fromkeys(("수고", "bye"), "bye"),
    **dict.fromkeys(("알다", "좋다", "오케이", "ok", "okay"), "ack"),
}
#: Words that go with those and say nothing more ("thank you very much").
_ALONGSIDE = frozenset({"you", "very", "much", "so"})
#: The kinds of :data:`SOCIAL_TERMS`, the one that wins when a message holds several ("안녕, 고마워").
_SOCIAL_ORDER = ("thanks", "bye", "greeting", "ack")


def social_kind(tokens: Sequence[Token]) -> str:
    """What a message says when it is not a question: "thanks" ("고마워요", "감사합니다"), "greeting"
    ("안녕하세요"), "bye" ("수고하셨어요") or "ack" ("알겠어요", "좋아요", or an interjection alone:
    "네", "응"); "help" when it asks what it can ask ("무엇을 물어볼 수 있어?", "너는 뭘 할 수
    있어?"); "contents" when it asks for the table of contents ("목차 보여줘", "문서 구성이 어떻게 돼?");
    "" when it holds any word besides these ("고마운 사람은 누구야?" is read as
    고맙다 + 사람: a question)."""
    terms = [t for t in content_terms(tokens) if t not in _ALONGSIDE]
    pointing = any(t.form in _POINTING_BACK and t.tag in ("MM", "NP") for t in tokens)
    if _asks_what_to_ask(terms) and not pointing:
        return "help"
    if _asks_contents(terms) and not pointing:
        return "contents"
    if not terms:  # an interjection alone: "네", "응", "안녕"
        if not any(t.tag == "IC" for t in tokens) or not all(t.tag == "IC" or t.tag[0] == "S" for t in tokens):
            return ""
        return "greeting" if any(t.form == "안녕" for t in tokens) else "ack"
    kinds = {SOCIAL_TERMS.get(term) for term in terms}
    if None in kinds or any(_bare_noun(tokens, i) for i, t in enumerate(tokens) if t.form in _SAID_WITH_HADA):
        return ""
    return next(kind for kind in _SOCIAL_ORDER if kind in kinds)


#: Words of a message asking what it can ask: asking, a question ("사용법 알려줘" or "기능은?" may ask
#: of what was just shown, and are searched).
_ASKS_TO_ASK = frozenset({"묻다", "물어보다", "질문"})
#: ... and the words that go with them ("무엇을 물어볼 수 있어?", "너는 뭘 할 수 있어?", "어떤 걸 물어봐야 돼?").
_WITH_ASKING = QUESTION_WORDS | {
    "하다",
    "있다",
    "되다",
    "알리다",
    "주다",
    "거",
    "것",
    "너",
    "당신",
    "여기",
    "좋다",
}


#: Words of a message asking for the documents' table of contents ("목차 보여줘", "어떤 섹션이 있어?") ...
_ASKS_CONTENTS = frozenset({"목차", "차례", "섹션", "구성"})
#: The words that name the documents (구성 asks for their contents only with one: "문서 구성").
_DOCUMENTS = frozenset({"문서", "글", "자료", "파일"})
#: ... and the words that go with them ("문서 구성이 어떻게 돼?", "전체 목차 좀 보여줄래?").
_WITH_CONTENTS = (
    QUESTION_WORDS
    | _DOCUMENTS
    | {
        "전체",
        "각",
        "보이다",
        "보다",
        "알리다",
        "주다",
        "있다",
        "되다",
    }
)


def _asks_contents(terms: Sequence[str]) -> bool:
    """Whether content ``terms`` only ask for the documents' table of contents."""
    asking = {t for t in terms if t in _ASKS_CONTENTS}
    if not asking or not all(t in _ASKS_CONTENTS or t in _WITH_CONTENTS for t in terms):
        return False
    return asking != {"구성"} or bool(_DOCUMENTS & set(terms))  # "구성은?" after "팀 소개해줘": the team's


#: Words that point back at what was said ("이 기능 어떻게 써?" asks of a feature shown before).
_POINTING_BACK = frozenset({"이", "그", "저", "이런", "그런", "저런"}) | PRONOUNS


def _asks_what_to_ask(terms: Sequence[str]) -> bool:
    """Whether content ``terms`` only ask what can be asked, or what the assistant can do ("너는 뭘
    할 수 있어?"; "뭘 할 수 있어?" alone may go on from an answer: "격차를 줄이려면 뭘 할 수 있어?")."""
    if not terms or not all(t in _ASKS_TO_ASK or t in _WITH_ASKING for t in terms):
        return False
    return any(t in _ASKS_TO_ASK for t in terms) or (
        bool({"너", "당신"} & set(terms)) and {"하다", "있다"} <= set(terms)
    )


#: Nouns that thank or greet only as a verb with 하다 ("감사합니다", "안녕하세요", "수고하셨어요"): alone,
#: "감사" (an audit) or "수고" may be what a question is about.
_SAID_WITH_HADA = frozenset({"감사", "안녕", "수고"})


def _bare_noun(tokens: Sequence[Token], i: int) -> bool:
    """Whether the noun at ``i`` is not made a verb by 하다 right after it."""
    return tokens[i].tag.startswith("NN") and (i + 1 >= len(tokens) or tokens[i + 1].tag not in ("XSV", "XSA"))


#: The dependent nouns an ordinal points with ("두 번째 건", "마지막 거").
_POINTING_NOUNS = frozenset({"것", "거", "건"})


def _ordinal_pointer(tokens: Sequence[Token]) -> tuple[str, frozenset[int]]:
    """An ordinal that picks a point of a list ("두 번째", "2번째", "둘째", "마지막" before 것), as
    written, and the places of its tokens; ("", ∅) when there is none."""
    for i, t in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and nxt.form == "번째" and t.tag in ("MM", "SN"):
            return f"{t.form}{'' if t.tag == 'SN' else ' '}번째", frozenset({i, i + 1})
        if t.tag == "NR" and t.form.endswith("째"):
            return t.form, frozenset({i})
        if t.form == "마지막" and nxt is not None and nxt.form in _POINTING_NOUNS:
            return t.form, frozenset({i})
    return "", frozenset()


def asks_one_point(question: str) -> bool:
    """Whether a question asks for one point of a list by its ordinal ("진단에서 첫째 요소는 뭐야?",
    "두 번째 전략은?", "마지막 단계는?"): its answer is that point, not the whole list."""
    return bool(_ONE_POINT.search(question))


#: Nouns that ask for a description when a question ends with them ("유럽의 AI 전략은?"), where "…한 작품은?"
#: asks for a name.
DESCRIPTIONS = (
    "전략", "특징", "방식", "방법", "차이", "가치", "역할", "목적", "의미", "내용", "현황", "정책", "방향", "문제",
    "한계", "장점", "단점", "효과", "영향", "과제", "배경", "이유", "원인", "상황", "계획", "구조", "성과", "조건",
)  # fmt: skip


#: What a question asks for when its answer is a name, a place, a time or a number ("…을 파견한 인물은?",
#: "누가 …", "몇 년에 …"), not a description ("어떤 특징이 있나요?", "어떤 식으로 해?").
#: The words that ask a question (누구, 어디, 몇 …), as a regular expression's alternatives.
_ASKING = "누구|누가|누군|어디|어느|언제|몇|얼마|무엇|뭐"
_ASKS_A_NAME = re.compile(_ASKING + "|이름|인물|사람|나라|국가|도시|지역|곳[은이의]|장소|단체|회사|기관")
#: A question that ends with its topic ("…한 작품은?"): the word before the particle.
_ENDS_WITH_TOPIC = re.compile(r"(\S*)(?:은|는)\s*\?*$")


def asks_a_name(question: str) -> bool:
    """Whether the answer is a name, a place, a time or a number: one that may well stand in a sentence
    about another name than the ones the question names ("라라랜드의 감독의 이름은?" → "데이미언 셔젤이 …").
    A question that ends with its topic asks for a name unless that is a :data:`DESCRIPTIONS` noun."""
    if _ASKS_A_NAME.search(question):
        return True
    ending = _ENDS_WITH_TOPIC.search(question)
    return ending is not None and not ending.group(1).endswith(DESCRIPTIONS)


_QUESTION_WORD = re.compile(_ASKING + "|무슨")


def asks_outright(question: str) -> bool:
    """Whether the question asks with a question word ("… 어디에 갔는가?") or ends with what it asks
    for ("… 반대한 당은?"), not as a request that happens to name a person or a name ("다른 사람이
    셀 수정 못하게 잠그고 싶어요", "지점 이름 목록 등록해서 …")."""
    return bool(_QUESTION_WORD.search(question) or _ENDS_WITH_TOPIC.search(question))


#: "어떤 가치를 …", "무슨 역할이 …", "어떤 산업에 …": a question that asks which of something.
_ASKS_WHICH = re.compile(r"(?:어떤|무슨)\s?\S")


def asks_which(question: str) -> bool:
    """Whether the question asks which of something ("유럽의 AI 전략은 어떤 가치를 **중시**하나요?", "니치
    마케팅 전략은 어떤 **산업**에 적용할 수 있어?"): as for a name, the sentence naming that noun (the
    answer is one of them) or saying what the question says it does answers it."""
    return bool(_ASKS_WHICH.search(question))


def comparison_sides(question: str, analyzer: KoreanAnalyzer) -> list[str]:
    """The two things a comparison question sets side by side.

    "미국과 한국의 AI 동맹 차이" → 미국, 한국; "한국 사례와 해외 사례" → 한국, 해외 (the first
    noun of each noun phrase joined by 와/과/하고/랑).
    """
    return sides_in(analyzer.tokens(question))


#: Nouns that ask what sets things apart or what they share: no side of a comparison ("미국이랑
#: 비교하면?" names one side, 미국; :func:`sides_in` still reads 비교 as the other, which a
#: question of its own has always been answered with).
COMPARING_NOUNS = frozenset(["차이", "차이점", "공통점", "비교", "다른점", "점"])


def sides_in(toks: Sequence[Token]) -> list[str]:
    """:func:`comparison_sides` from a question's morphemes."""
    for i, tok in enumerate(toks):
        if tok.tag in {"JC", "JKB"} and tok.form in {"와", "과", "하고", "랑", "이랑"} and i > 0:
            left = _phrase_head(toks, i - 1, step=-1)
            right = _phrase_head(toks, i + 1, step=1)
            if left and right and left != right:
                return [left, right]
    return []


def _phrase_head(toks: Sequence[Token], i: int, step: int) -> str | None:
    """First noun of the run of nouns that touches position ``i`` (walking by ``step``), with the
    nouns written in one word with it (Kiwi reads "병가 뭐가" as 병 + 가 + …: the side is 병가)."""
    run = []
    while 0 <= i < len(toks) and toks[i].tag.startswith(("NN", "SL")):
        run.append(i)
        i += step
    if not run:
        return None
    run.sort()
    word = toks[run[0]].form
    for a, b in zip(run, run[1:], strict=False):
        if toks[a].end != toks[b].start:
            break
        word += toks[b].form
    return word


#: Nouns that frame a topic rather than name one: "담합 문제는 뭐야?" asks about 담합, and a document
#: that explains it need not say 문제; nor need an essay say 글 or 글쓴이 ("이 글에서 추천하는 니치
#: 마케팅 전략은?", "글쓴이가 말하는 메가 얼라이언스는?", 말 of 말하다 too). Found in a passage they count as any topic
#: term; missing, they say nothing about whether the documents answer (see
#: :func:`~assistant.search.retrieval.lexical_coverage`).
FRAME_NOUNS = frozenset(
    ["문제", "문제점", "부분", "측면", "사항", "얘기", "이야기", "상황",
     "글", "문서", "자료", "본문", "글쓴이", "저자", "필자", "말"]
)  # fmt: skip


#: Morphemes a question's opening topic is made of: nouns, Latin letters, numbers, and the
#: suffixes of nouns (들).
_TOPIC_TAGS = frozenset({"NNG", "NNP", "SL", "SN", "XSN"})


def opening_topic(tokens: Sequence[Token]) -> list[str]:
    """The nouns of what a question opens by naming as its topic ("반도체는 어떤 역할을 해?" → 반도체;
    "크롬 브라우저는 …" → 크롬, 브라우저), each a whole written word (Kiwi may read a name in pieces:
    강완구 → 강, 완구, and the piece is no word of the question); none when the phrase before 은/는
    holds anything but nouns, or an owner ("A의 B는?" asks B of A, whatever A is), or a word that
    only asks."""
    nouns: list[Token] = []
    for tok in tokens:
        base = tok.tag.split("-")[0]
        if base == "JX" and tok.form in ("은", "는") and nouns:
            whole = [
                t
                for t in nouns
                if t.tag.split("-")[0] != "XSN"
                and not _touches(tokens, t.start)
                and (t.end == tok.start or not _touches_after(tokens, t.end))
            ]
            return [t.form.lower() for t in whole if t.form.lower() not in QUESTION_WORDS]
        if base not in _TOPIC_TAGS:
            return []
        nouns.append(tok)
    return []


def _touches(tokens: Sequence[Token], start: int) -> bool:
    """Whether a morpheme ends where ``start`` is (no space before it: part of a longer word)."""
    return any(t.end == start for t in tokens)


def _touches_after(tokens: Sequence[Token], end: int) -> bool:
    """Whether a morpheme starts where ``end`` is (no space after it: part of a longer word)."""
    return any(t.start == end for t in tokens)


def topic_terms(query_terms: Sequence[str]) -> list[str]:
    """The query's content terms without the words that only ask."""
    return [t for t in query_terms if t not in QUESTION_WORDS]


#: Negating morphemes: the adverbs 안 and 못, the auxiliaries 않다 and 말다 ("지우지 말고"), 없다.
_NEGATING = frozenset({("안", "MAG"), ("못", "MAG"), ("않", "VX"), ("말", "VX"), ("없", "VA")})


def asks_negated(tokens: Sequence[Token]) -> bool:
    """Whether a question asks for something not to happen or not to be there ("다음에 열어도 안
    바뀌게 하려면?", "빈 페이지 나오지 않게"): the sentence that answers it says so too. A negation in
    a condition ("입사 1년 안 됐으면 연차 어떻게 생겨요?", "계정이 없으면?") says when, not what is asked:
    the sentence that answers it says "1년 미만인 직원에게는 …", and one that says "사용하지 않은
    연차휴가는 …" led."""
    return any(
        (t.form, t.tag.split("-")[0]) in _NEGATING and not _in_condition(tokens, i) for i, t in enumerate(tokens)
    )


#: The endings of a condition ("되면", "됐으면", "없으면").
_CONDITIONAL = frozenset({"면", "으면"})


def _in_condition(tokens: Sequence[Token], i: int) -> bool:
    """Whether the predicate that token ``i`` belongs to ends in a condition: the first ending after
    it (other than a tense's) is 면 or 으면."""
    ending = next((t for t in tokens[i + 1 :] if t.tag.startswith("E") and t.tag != "EP"), None)
    return ending is not None and ending.tag == "EC" and ending.form in _CONDITIONAL


#: A word naming the documents, as a pattern (:data:`_DOCUMENTS`).
_DOCUMENT_WORD = "(?:" + "|".join(sorted(_DOCUMENTS)) + ")"
#: A request for what the documents say as a whole: "요약해줘", "이 문서는 무슨 내용이야?", "핵심 내용이
#: 뭐야?", "무엇에 대한 글이야?", "이 자료들은 뭘 다뤄?".
_OVERVIEW = re.compile(
    r"요약|요지|개요|줄거리|(?:핵심|주요|전체|전반적인?)\s?내용|(?:무슨|어떤)\s?내용|"
    r"(?:뭐|무엇|뭘|무얼)(?:에)?\s?(?:대한|관한)|(?:뭘|무엇을|무얼|뭐)\s?다[루뤄룹룬룰]|정리해|"
    # what the documents are about ("이 문서들 뭐에 관한 거야?", "문서 주제가 뭐야?")
    rf"{_DOCUMENT_WORD}(?:들)?(?:의|은|는|이|가)?\s?(?:주제|목적)|"
    # which documents there are ("어떤 문서들이 있어?", "문서 목록 알려줘"): each one, by its title and opening
    rf"(?:어떤|무슨)\s?{_DOCUMENT_WORD}(?:들)?(?:이|가)?\s?(?:있|뭐)|{_DOCUMENT_WORD}\s?(?:목록|리스트)"
)
#: The words that ask for a summary ("… 요약해줘", "… 정리해 줘"): what is asked for, never what about.
SUMMARY_WORDS = frozenset({"요약", "요지", "줄거리", "정리"})
#: The words such a request holds beside its question words: none of them says what it is about.
OVERVIEW_WORDS = _DOCUMENTS | frozenset(
    ["요약", "요지", "개요", "줄거리", "핵심", "주요", "전체", "전반", "내용", "정리", "줄", "다루다",
     "대하다", "관하다", "주제", "목적", "거", "간단", "간략", "목록", "리스트", "보이다", "보다"]
)  # fmt: skip


def asks_summary(question: str) -> bool:
    """Whether a question asks for a summary or what something is about ("… 요약해줘", "… 무슨 내용이야?"),
    of the documents as a whole or of what it names (see :func:`summary_topic`)."""
    return bool(_OVERVIEW.search(question))


def summary_topic(terms: Sequence[str]) -> list[str]:
    """The topic terms of such a question (its content ``terms``) beside the words that ask for it."""
    return [t for t in topic_terms(terms) if t not in OVERVIEW_WORDS]


#: An ordinal before a word naming a document ("두 번째 문서", "첫째 글").
_NTH_DOCUMENT = re.compile(rf"(\S+\s?번째|\S*째)\s?{_DOCUMENT_WORD}")


def document_ordinal(question: str) -> int:
    """The place of the document a summary request names by its place in the list of documents
    ("두 번째 문서 요약해줘" → 2), 0 when it names none."""
    m = _NTH_DOCUMENT.search(question)
    found = ordinals_in(m.group(1)) if m else frozenset()
    return next(iter(found)) if len(found) == 1 else 0


def asks_overview(question: str, terms: Sequence[str]) -> bool:
    """Whether a question asks what the documents say as a whole and names no topic (``terms``: its
    content terms): "요약해줘" and "이 글의 요지는?" do; "AI 투자 격차 요약해줘" asks a topic's summary
    (see :func:`summary_topic`). Searched, such a request found nothing to answer it: the documents do
    not write "요약"."""
    return asks_summary(question) and not summary_topic(terms)
