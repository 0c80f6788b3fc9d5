"""The summary candidates of a passage: its sentences, table rows split, leading bullets dropped.

Computed at index time from the chunker's units, so that answering needs no Kiwi pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.ingest.markers import (
    ANSWER_MARK,
    BULLET_CLASS,
    CIRCLED_NUMBERS,
    CLOSING,
    COUNTING_DETERMINERS,
    ORDINAL,
    ORDINAL_NUMERALS,
)

#: Leading bullet characters that are not part of a sentence's meaning.
#: What opens a line as an item, and is no part of its sentence: bullets, and a paragraph's
#: circled number ("① 회사는 …", the 항 of a regulation's article).
_BULLET = re.compile(rf"^[\s{BULLET_CLASS}{CIRCLED_NUMBERS}]+")


#: The end of a whole sentence: final punctuation, or a Korean final ending without it (a report's
#: short lines too: "… 지적됨", "… 제출함").
SENTENCE_END = re.compile(r"[.?!。？！][\"'”’)\]]*$|[다요죠음임함됨]$")
_CLOSERS = frozenset("\"'”’)]")
_TAIL = 8


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends as a whole sentence (:data:`SENTENCE_END`), reading only its last few
    characters unless they are all closing marks."""
    tail = text[-_TAIL:]
    if len(text) > _TAIL and _CLOSERS.issuperset(tail.rstrip("\n")):
        return bool(SENTENCE_END.search(text))
    return bool(SENTENCE_END.search(tail))


#: A table row written between bars ("| 프로 | 19,900원 |"): its cells, the outer bars left out.
_ROW_EDGES = re.compile(r"\|\s*(.*?)\s*\|?\s*")
_WORD = re.compile(r"\w")


def sentence_spans(doc_text: str, units: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the summary candidates of a passage: its sentences, with table units split
    into rows and leading bullets, circled numbers, the mark of a FAQ's answer ("A. ",
    "답변: ") and a row's outer bars ("| … |") dropped; a line without a letter or a digit
    ("|---|---|") is none.
    Computed at index time."""
    out: list[tuple[int, int]] = []
    for start, end in units:
        pos = start
        for line in doc_text[start:end].split("\n"):
            s, e = pos, pos + len(line)
            pos = e + 1
            m = _BULLET.match(line)
            s += m.end() if m else 0
            answer = ANSWER_MARK.match(doc_text, s, e)  # a FAQ's "A. …" says which line answers
            s = answer.end() if answer else s
            row = _ROW_EDGES.fullmatch(doc_text, s, e)  # a Markdown row without its outer bars
            s, e = (row.start(1), row.end(1)) if row else (s, s + len(doc_text[s:e].rstrip()))
            if e - s >= 8 and _WORD.search(doc_text, s, e):  # a row of dashes says nothing
                out.append((s, e))
    return out


_WORDS = re.compile(r"[^\s\.,!?;:()\[\]{}\"'“”‘’·…「」『』<>]+")


def char_bigrams(text: str) -> list[str]:
    """Character bigrams of each whitespace-separated word (one-character words kept whole).

    Robust where morphological analysis is not: unknown names, particles glued to
    foreign words ("얼라이언스란"), typos.
    """
    out: list[str] = []
    for word in _WORDS.findall(text.lower()):
        if len(word) == 1:
            out.append(word)
        else:
            out.extend(map(str.__add__, word, word[1:]))
    return out


#: Words that open a sentence by linking it to the one before, without pointing at anything in it.
CONNECTIVES = (
    "하지만",
    "그러나",
    "그런데",
    "또한",
    "또",
    "그리고",
    "특히",
    "한편",
    "게다가",
    "더불어",
    "아울러",
    "반면",
    "반면에",
    "따라서",
    "그래서",
    "그러므로",
    "결국",
    "결론적으로",
    "요컨대",
    "즉",
    "물론",
)
#: Openings that point back at the sentence before ("이를 위해", "이러한 차이는" …).
REFERENCES = re.compile(
    r"^(?:이(?:를|는|에|로|와|처럼|러한|런|렇게|와 같은|와 같이|로 인해|를 통해|를 위해|들은|들이|들의|들|것은|것이|것을|곳은|곳에서)|"
    r"그(?:러한|런|렇게|것은|것이|것을|곳은|곳에서|들은|들이|로 인해|를 위해|를 통해)|위의|앞서|해당)(?=[\s,]|$)"
)
_CONNECTIVE = re.compile(r"^(?:" + "|".join(sorted(CONNECTIVES, key=len, reverse=True)) + r")(?:[\s,]+|(?=[\s,]))")


#: An adverbial opening that points back ("이를 위해", "이러한 활약으로", "이에 따라"): the rest of the
#: sentence stands without it.
_ADVERBIAL = re.compile(
    r"^(?:[이그](?:를|에|로|와|러한\s?\S{1,8}|런\s?\S{1,8}|와 같은\s?\S{1,8})?\s?"
    r"(?:위해|통해|따라|인해|으로|로|때문에|덕분에|에서|에|와 함께|결과)|이처럼|"
    # 이렇게 alone is "in this way"; before 하다 or 되다 it is the verb's object, "doing so"
    r"(?:이렇게|그렇게)(?![,\s]+(?:하|해|되|돼|함))|이에|그래서)[,\s]+(?=\S)"
)


def continuation(text: str) -> tuple[str | None, int]:
    """How a sentence leans on the one before it, and how much of its opening does the leaning:

    - ``("reference", 0)``: it points back at it and needs it ("이는 …", "이들은 …");
    - ``("adverbial", n)``: its first ``n`` characters point back at it ("이를 위해 ", "이러한
      활약으로 "): best shown after it, else without them;
    - ``("connective", n)``: its first ``n`` characters only link to it ("하지만 ", "또한, ");
    - ``(None, 0)``: it stands on its own.
    """
    body = text.lstrip()
    lead = len(text) - len(body)
    m = _CONNECTIVE.match(body)
    if m:
        lead, body = lead + m.end(), body[m.end() :]
    adverbial = _ADVERBIAL.match(body)
    if adverbial and len(adverbial.group(0)) <= 16:
        return "adverbial", lead + adverbial.end()
    if REFERENCES.match(body):
        return "reference", 0
    return ("connective", lead) if m else (None, 0)


#: Openings that go on about the sentence before rather than add to it ("특히 …", "즉 …").
ELABORATES = re.compile(r"^\s*(?:특히|즉|다시 말해|예를 들어|예를 들면|예컨대)[,\s]")


#: A sentence that announces a list ("… 몇 가지 주요 요소를 고려해야 합니다."): its first item goes with it.
ANNOUNCES = re.compile(r"몇 가지|[두세네] 가지|여러 가지|다음과 같|다음의|아래와 같")


#: A label that heads a line ("자본과 데이터 인프라 차이: …"): short, ends in a colon, no sentence in it.
_LABEL = re.compile(r"^\s*([^:：.?!。]{1,30})[:：]\s+(?=\S)")


#: An ordinal that numbers a sentence as a point ("둘째, ", "두 번째로 ", "마지막으로, "), not one that
#: determines a noun ("첫 번째 단계는 …"): a numeral takes a comma, 번째 a comma or 로.
_ORDINAL_LEAD = re.compile(
    rf"^\s*(?:(?:{'|'.join(ORDINAL_NUMERALS)}|(?:{'|'.join(COUNTING_DETERMINERS)})\s?번째)\s*,"
    rf"|(?:(?:{'|'.join(COUNTING_DETERMINERS)})\s?번째로|{CLOSING})\s*,?)\s*(?=\S)"
)


def ordinal_prefix(text: str) -> int:
    """Characters of a leading ordinal that numbers the sentence as a point of an enumeration
    ("둘째, 정부의 …" → 4; 0 when none)."""
    m = _ORDINAL_LEAD.match(text)
    return m.end() if m else 0


def label_prefix(text: str) -> int:
    """Characters of a leading "label: " to drop before the sentence it heads (0 when none); a
    colon inside a bracket or a quotation ("… 에피소드 ‘프래즐(Fragile : Handle with care)’의 …")
    heads nothing."""
    m = _LABEL.match(text)
    if not m or re.search(r"\d[:：]$", m.group(0).rstrip()):
        return 0
    return 0 if _unclosed(m.group(1)) else m.end()


_PAIRS = {"(": ")", "[": "]", "{": "}", "‘": "’", "“": "”", "《": "》", "〈": "〉", "「": "」", "『": "』"}


def _unclosed(text: str) -> bool:
    """Whether ``text`` opens a bracket or a quotation it does not close (straight quotes: an odd count)."""
    return any(text.count(a) > text.count(b) for a, b in _PAIRS.items()) or any(text.count(q) % 2 for q in "\"'")


def label_of(text: str) -> str:
    """The leading label itself ("자본과 데이터 인프라 차이" of "자본과 데이터 인프라 차이: …"), "" when none."""
    return text[: label_prefix(text)].strip().rstrip(":：").strip()


#: Sino-Korean digits as words (일, 이 … 억): "삼백 명", "이십 년".
_SINO_DIGITS = "[일이삼사오육칠팔구십백천만억]"
#: Words for a sum of money, as a question names what costs or pays how much.
_SUM_WORDS = r"요금|가격|금액|수당|월급|급여|임금|비용|연봉|예산|보증금|수수료|상금|이적료"
_MONEY_WORDS = rf"(?:비|돈|몸값|{_SUM_WORDS})"
_WANTS = (
    # how long something takes: "승인까지 얼마나 걸려?", "며칠 걸려요?" (a day, not only "3일")
    (
        "duration",
        re.compile(
            r"(?:얼마나|얼마 ?동안|며칠|몇\s?(?:시간|분|일|주|달|개월|년))\s?(?:이나|이|가|을|를|나)?\s?(?:걸|소요|오래)|얼마나 오래"
        ),
    ),
    # how much money: "출장비 얼마 나와?", "이적료는 얼마인가?" (a sum of money, not "7일 이내")
    ("money", re.compile(_MONEY_WORDS + r"제?(?:은|는|이|가|을|를|도|으로|로)?\s?(?:얼마|몇\s?원)")),
    # a price asked as people ask it: "등본 떼는 데 얼마예요?", "얼마 들어요?" (not "얼마나", "얼마인가")
    (
        "money",
        re.compile(
            r"얼마(?:예요|에요|야|죠|해요|해\??$|하나요|하죠|\s?들어|\s?드나요|\s?드는지|\s?내|\s?줘|\s?받|\s?나와|\s?나오)|"
            r"얼마(?:나|까지)\s?(?:받|줘|주나|주는|나와|나오|지원)"
        ),
    ),
    ("time", re.compile(r"언제|몇\s?(?:년|월|일|시|세기)|[연년]도|날짜|시기|기간은|월\s?며칠")),
    # 며칠 alone counts days ("휴가 며칠?", "며칠 걸려요?"); "몇 월 며칠" asks a date
    ("number", re.compile(r"몇|얼마|며칠|(?<![가-힣])수는|규모는|비율|금액|가격|인구|크기|길이|높이|넓이")),
    # asked in English (e5 finds the Korean passages): "How long does it take?", "How much does it cost?"
    ("duration", re.compile(r"\bhow long\b", re.I)),
    (
        "money",
        re.compile(
            r"\bhow much\b.*\b(?:cost|costs|fee|fees|price|pay|charge)\b|\bwhat (?:is|are) the (?:fee|price|cost)", re.I
        ),
    ),
    ("time", re.compile(r"^\s*when\b|\bwhen (?:is|was|does|did|do|will|can|should)\b|\bwhat (?:year|date)\b", re.I)),
    ("number", re.compile(r"\bhow (?:many|much)\b", re.I)),
)
#: A share: of a sum when the sentence names one ("통상임금의 50퍼센트", "월 요금의 20%"), else of
#: anything ("AI 도입률은 6.2%"), which is no answer to how much one is paid.
_SHARE = re.compile(r"\d[\d,.]*\s?(?:%|퍼센트)")
_SUM_WORD = re.compile(rf"{_SUM_WORDS}|지원금|보조금")
_TYPES = {
    # a sum, or none (a share of a sum: see _SHARE)
    "money": re.compile(r"\d[\d,.]*\s?[십백천만억]*\s?(?:원|달러|엔|유로|위안|파운드)|무료"),
    "duration": re.compile(
        r"\d[\d,.]*\s?(?:초|분|시간|일|주|주일|개월|달|년)|하루|이틀|사흘|나흘|닷새|엿새|이레|열흘|보름|일주일|"
        r"(?:한|두|세|네)\s?(?:시간|달|주)|반나절|한나절|당일|즉시"
    ),
    "time": re.compile(r"\d+\s?(?:년|월|일|시|세기|년대)|[0-9]{4}|(?:세기|시대|왕조|년대)"),
    "number": re.compile(rf"\d|{_SINO_DIGITS}+\s?(?:개|명|년|곳|배|%|퍼센트|원|달러)"),
}


def expected_answer(question: str) -> str | None:
    """The kind of answer a question asks for: ``duration``, ``money``, ``time``, ``number`` or None
    (anything else)."""
    return next((kind for kind, pattern in _WANTS if pattern.search(question)), None)


#: The counter a "how many" question names: 몇 명 → 명, 몇 점 → 점 (not 몇몇, "some").
_COUNTER = re.compile(r"(?<!몇)몇(?!몇)\s?([가-힣])")
#: A number as documents write it before a counter: digits (1,200만), native or Sino-Korean numerals.
_NUMERAL = rf"(?:\d[\d,.]*\s?[십백천만억]?|{'|'.join(('한', *COUNTING_DETERMINERS[1:], '스무'))}|{_SINO_DIGITS}+)\s?"


def asked_counter(question: str) -> str:
    """The counter of a "how many" question ("투수는 몇 명인가?" → 명; 며칠, days, → 일), "" when it
    names none."""
    m = _COUNTER.search(question)
    if m:
        return m.group(1)
    return "일" if expected_answer(question) == "number" and "며칠" in question else ""


@lru_cache(maxsize=64)
def _counted(counter: str) -> re.Pattern[str]:
    # days counted are not the day of a date: "15일의 휴가", not "3월 31일까지"
    date = r"(?<![\d,.])(?<!월)(?<!월 )" if counter == "일" else ""
    return re.compile(date + _NUMERAL + re.escape(counter))


#: A question that asks how far something goes ("얼마까지 지원받아?", "최대 며칠?", "한도는?").
_ASKS_LIMIT = re.compile(r"(?:얼마|몇\s?\S{0,3}|며칠)까지|최대\s?(?:얼마|몇|며칠)|한도")
#: ... and a sentence that gives one ("기업당 최대 2억 원", "25일을 한도로", "30일 이내").
_LIMIT = re.compile(r"최대|최고|한도|상한|까지|이내|이하|넘지|초과하지|(?:넘|초과할|넘을) 수 없")


def asks_limit(question: str) -> bool:
    """Whether a question asks for a limit (:data:`_ASKS_LIMIT`): its answer says how far it goes."""
    return bool(_ASKS_LIMIT.search(question))


def has_answer_type(text: str, kind: str, counter: str = "", limit: bool = False) -> bool:
    """Whether ``text`` holds an answer of the ``kind`` :func:`expected_answer` names; a number
    asked for with a ``counter`` (:func:`asked_counter`) must come with it ("24명", not "300 승"),
    and one asked as a ``limit`` (:func:`asks_limit`) with a word that says it is one ("총 300억 원"
    is no answer to "얼마까지 지원받아?"; "기업당 최대 2억 원" is); a time or a span asked in years
    ("몇 년") comes in years."""
    if limit and not _LIMIT.search(text):
        return False
    if kind == "number" and counter:
        return bool(_counted(counter).search(text))
    if counter == "년" and not _counted(counter).search(text):
        return False  # "몇 년 해요?" (5년), "몇 년에?" (1988년): not "60일 이내", "6월"
    if kind == "money" and _SHARE.search(text) and _SUM_WORD.search(text):
        return True
    pattern = _TYPES.get(kind)
    return bool(pattern and pattern.search(text))


_QUOTED = re.compile(r"['‘\"“「『][^'’\"”」』]{1,40}['’\"”」』]")
_QUOTE_OPENERS = frozenset("'‘\"“「『")
_ETC = re.compile(r"\s+등(?=[\s이은을의과와도,]|$)")


def enumerated(text: str) -> list[tuple[int, int]]:
    """Spans in ``text`` of the items it enumerates: "A, B, C 등" or several quoted names joined by
    commas ("SK텔레콤 주도의 'K-AI 얼라이언스', 코오롱베니트의 'AI 얼라이언스' …"). At least two, or none."""
    end = _ETC.search(text)
    if end is None and not _QUOTE_OPENERS.intersection(text):  # neither "… 등" nor a quoted name
        return []
    stop = end.start() if end else len(text)
    parts: list[tuple[int, int]] = []
    pos = 0
    for piece in text[:stop].split(","):
        a, b = pos + len(piece) - len(piece.lstrip()), pos + len(piece.rstrip())
        parts.append((a, b))
        pos += len(piece) + 1
    quoted = [(a, b) for a, b in parts if _QUOTED.search(text[a:b])]
    if len(quoted) >= 2:
        return [_item_span(text, a, b) for a, b in quoted]
    if end and len(parts) >= 2 and all(0 < b - a <= 20 and " " not in text[a:b].strip() for a, b in parts[1:]):
        first_a, first_b = parts[0]
        head = text[first_a:first_b].rsplit(" ", 1)
        parts[0] = (first_b - len(head[-1]), first_b)
        return parts
    return []


def _item_span(text: str, a: int, b: int) -> tuple[int, int]:
    """An item's span: up to its closing quote (what follows it belongs to the sentence)."""
    m = list(_QUOTED.finditer(text, a, b))
    return a, m[-1].end() if m else b


#: Words by which a sentence shows the kind of answer a question form asks for.
FORM_CUES = {
    "reason": re.compile(r"때문|위해|위한|므로|으로 인해|로 인해|않도록|도록|이유|원인|까닭|덕분|탓"),
    "method": re.compile(r"해야|하려면|하면|필요|통해|위해|방법|방안|전략|구축|강화|마련|선택|누르|클릭|사용|수 있"),
    "definition": re.compile(
        r"(?:이란|란|이라는|라는|을 말|를 말|를 뜻|을 뜻|의미|정의|이다|입니다|[은는] .{2,40}(?:이다|입니다))"
    ),
    "list": re.compile(r"등|첫째|둘째|셋째|첫 번째|두 번째|세 번째|마지막으로"),
    "comparison": re.compile(r"반면|달리|비해|보다|차이|다르|같은|공통"),
}
_ORDINAL_OPENING = re.compile(rf"^\s*(?:{ORDINAL}|{CLOSING}|\d+[.)]\s)")
#: The number a document gives a step of a numbered list ("4. ", "2) ").
_STEP_NUMBER = re.compile(r"(\d{1,3})[.)]\s")


#: Headings of the sections that give the reasons for what a document describes ("Ⅰ. 추진 배경",
#: "도입 목적", "필요성").
REASON_HEADINGS = re.compile(r"배경|목적|필요성|취지|이유|원인")
#: ... that say when ("Ⅲ. 추진 일정", "신청 기간") and who may ("지원 대상", "신청 자격"): a plan or a
#: notice written in short lines answers "언제까지야?" and "누가 신청할 수 있어?" under them, in words
#: the question does not say. (How much is not among them: "지원 규모: 총 300억 원" is no answer to
#: "한 회사당 얼마까지 지원받아요?"; the sums themselves answer, by their ``wanted`` feature.)
SCHEDULE_HEADINGS = re.compile(r"일정|기간|시기|기한|마감")
ELIGIBILITY_HEADINGS = re.compile(r"대상|자격|요건")
#: ... and what something is ("Ⅱ. 사업 개요", "제도 소개"): "AI 바우처 사업이 뭐야?".
OVERVIEW_HEADINGS = re.compile(r"개요|개념|정의|소개|요약")
#: A question asking who may do something or who is meant ("누가 신청할 수 있어?", "대상이 누구야?").
_ASKS_WHO = re.compile(r"누가|누구")
#: ... or naming a schedule ("일정 알려줘"; not 기간 or 시기, which questions name as what they ask about).
_NAMES_SCHEDULE = re.compile(r"일정|기한|마감")


def answering_headings(question: str, form: str) -> re.Pattern[str] | None:
    """The headings (or line labels) under which a document answers what ``question`` (of ``form``,
    see :func:`~assistant.text.questions.question_form`) asks: the reasons of a "왜" question, the
    overview of a "뭐야", the schedule of a "언제", who is meant for a "누가"; None for other
    questions."""
    if form == "reason":
        return REASON_HEADINGS
    # a question that names what such a heading says asks what stands under it, whatever its form
    # ("신청 자격이 뭐야?": the line "지원 대상: …", not the overview's "지원 규모: …")
    if ELIGIBILITY_HEADINGS.search(question):  # "신청 자격이 뭐야?", "지원 대상은?"
        return ELIGIBILITY_HEADINGS
    if _NAMES_SCHEDULE.search(question):
        return SCHEDULE_HEADINGS
    if form == "definition":
        return OVERVIEW_HEADINGS
    wants = expected_answer(question)
    if wants == "time" or "언제" in question:
        return SCHEDULE_HEADINGS
    if _ASKS_WHO.search(question):
        return ELIGIBILITY_HEADINGS
    return None


def form_cue(text: str, form: str) -> bool:
    """Whether a sentence shows the kind of answer the question's form asks for."""
    pattern = FORM_CUES.get(form)
    return bool(pattern and pattern.search(text))


def step_number(text: str) -> int:
    """Characters of the number a sentence opens with as a step of a numbered list ("4. 방해 금지를
    끕니다." → 3; 0 when none)."""
    m = _STEP_NUMBER.match(text)
    return m.end() if m else 0


def step_value(text: str) -> int | None:
    """The number a sentence opens with as a step of a numbered list ("4. 방해 금지를 끕니다." → 4), or None."""
    m = _STEP_NUMBER.match(text)
    return int(m.group(1)) if m else None


def opens_item(text: str) -> bool:
    """Whether a sentence opens an item of an enumeration ("첫째, …", "두 번째로, …", "2. …")."""
    return bool(_ORDINAL_OPENING.match(text))


_NAMED = re.compile(
    r"['‘\"“《〈「『(（][^'’\"”》〉」』)）]{1,40}['’\"”》〉」』)）]|[A-Za-z]{2,}[A-Za-z0-9.\-]*|\d[\d,.]*|[\u4e00-\u9fff]{2,}"
)


_MARKS = "'‘’\"“”《》〈〉「」『』()（）"


def named_things(text: str) -> set[str]:
    """What a sentence names that stands out: quoted or bracketed text, Latin words, numbers, Hanja."""
    return {m.group(0).strip(_MARKS).lower() for m in _NAMED.finditer(text)}


#: What sets two nouns side by side as things said together: 과/와, 및, a comma, a middle dot
#: ("대법원장과 대법관", "미국, 중국 등", "선거·국민투표"); not 이나/나, which sets them apart in a comparison.
_SIDE_BY_SIDE = r"\s*(?:과|와|및|,|·|ㆍ)\s*"


def side_by_side(first: str, second: str, text: str) -> bool:
    """Whether ``text`` names ``first`` and then ``second`` side by side (:data:`_SIDE_BY_SIDE`)."""
    return re.search(f"{re.escape(first)}{_SIDE_BY_SIDE}{re.escape(second)}", text) is not None
