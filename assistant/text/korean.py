"""Korean text analysis with Kiwi: sentence spans and content morphemes.

Kiwi is loaded lazily, once per :class:`KoreanAnalyzer`, never at import time. Surrogate
code points, which Kiwi cannot read, are analysed as U+FFFD (offsets are unchanged).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.ingest.encodings import replace_surrogates
from assistant.recent import Recent
from assistant.text.multiwords import MultiWordFilter, open_keys
from assistant.text.sentences import SENTENCE_END

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

#: Part-of-speech tags whose morphemes carry content: nouns, verb and adjective stems,
#: roots, foreign words, numbers and Chinese characters.
CONTENT_TAGS = frozenset({"NNG", "NNP", "NNB", "NR", "NP", "VV", "VA", "XR", "SL", "SN", "SH", "W_HASHTAG"})
#: Tags of nouns that can name a topic: common and proper nouns, words in Latin or Chinese script, roots.
NOUN_TAGS = frozenset({"NNP", "NNG", "SL", "SH", "XR"})
#: Tags of a name: a proper noun, a word in Latin letters, Hanja (카카오톡, XLOOKUP).
NAME_TAGS = frozenset({"NNP", "SL", "SH"})
#: :data:`NOUN_TAGS` and dependent nouns (것, 건, 번째 …): what a noun phrase is made of.
NOMINAL_TAGS = NOUN_TAGS | {"NNB"}
#: Dependent nouns that carry little meaning on their own (거 is how people write 것: "걸리는 거
#: 아냐?").
WEAK_NOUNS = frozenset({"것", "거", "수", "등", "때", "중", "번", "데", "바", "점", "개"})
#: Pronouns (NP) a question says only as the asker ("나까지", "저는") or as what it points at
#: ("이거 헌법에 걸려?"): no document is about them, so a search for them finds nothing and a
#: question is not the less answered where no document writes them. (너 stays: "너는 뭘 할 수
#: 있어?" asks what the assistant does; 우리 too: 우리나라 is read as 우리 and 나라.)
WEAK_PRONOUNS = frozenset({"나", "저", "저희", "내", "제", "이거", "그거", "저거", "이것", "그것", "저것"})


@dataclass(frozen=True)
class Token:
    """A morpheme: its surface form, Kiwi tag and character span in the analysed text."""

    form: str
    tag: str
    start: int
    end: int


def is_content(token: Token) -> bool:
    """Whether a morpheme is a content term (kept for BM25 and overlap scoring)."""
    base = token.tag.split("-")[0]
    return base in CONTENT_TAGS and token.form not in WEAK_NOUNS and not (base == "NP" and token.form in WEAK_PRONOUNS)


def first_readings(tokens: Iterable[Token]) -> dict[str, str]:
    """Each lower-cased form of ``tokens`` with the base tag of its first use (a word read as a name
    once and as a common word later is what its first reading says)."""
    first: dict[str, str] = {}
    for tok in tokens:
        first.setdefault(tok.form.lower(), tok.tag.split("-")[0])
    return first


def content_terms(tokens: Iterable[Token]) -> list[str]:
    """Lower-cased content morphemes; verb and adjective stems get a ``다`` ending."""
    out = []
    for tok in tokens:
        if not is_content(tok):
            continue
        base = tok.tag.split("-")[0]
        form = tok.form.lower()
        out.append(form + "다" if base in {"VV", "VA"} else form)
    return out


#: Texts up to this long (questions) are remembered, the last :data:`RECENT_TEXTS` of them.
RECENT_CHARS = 300
RECENT_TEXTS = 64


class KoreanAnalyzer:
    """Sentence splitting and morphological analysis, thread-safe and lazily loaded."""

    def __init__(self) -> None:
        self._kiwi: Kiwi | None = None
        self._lock = threading.RLock()
        self._recent: Recent[str, tuple[Token, ...]] = Recent(RECENT_TEXTS)

    @property
    def kiwi(self) -> Kiwi:
        if self._kiwi is None:
            with self._lock:
                if self._kiwi is None:
                    from kiwipiepy import Kiwi

                    self._kiwi = Kiwi()
        return self._kiwi

    def tokens(self, text: str, offset: int = 0) -> list[Token]:
        """Morphemes of ``text`` with spans into it (shifted by ``offset``). A question is read
        by several stages of one answer; the last few short texts are remembered."""
        if offset or len(text) > RECENT_CHARS:
            return _tokens(self._tokenize(text), offset)
        known = self._recent.get(text)
        if known is None:
            known = tuple(_tokens(self._tokenize(text)))
            self._recent.put(text, known)
        return list(known)

    def terms(self, text: str) -> list[str]:
        """Content morphemes of ``text`` (see :func:`content_terms`)."""
        return content_terms(self.tokens(text))

    def sentence_spans(self, text: str, offset: int = 0) -> list[tuple[int, int]]:
        """Spans of the sentences of ``text``, shifted by ``offset``.

        Line breaks always end a sentence; each span is trimmed of surrounding spaces.
        """
        return [span for span, _ in self.sentences(text, offset)]

    def sentences(self, text: str, offset: int = 0) -> list[tuple[tuple[int, int], list[Token]]]:
        """Sentences of ``text`` (as :meth:`sentence_spans`) with their morphemes, in one pass.

        Spans and token offsets are shifted by ``offset``. The lines go to Kiwi as one batch,
        which uses its worker threads; indexing reads each sentence only this once.
        """
        lines: list[tuple[int, str]] = []
        pos = 0
        for line in replace_surrogates(text).split("\n"):
            if line.strip():
                lines.append((offset + pos, line))
            pos += len(line) + 1
        if not lines:
            return []
        with self._lock:
            kiwi = self._kiwi_for([line for _, line in lines])
            if len(lines) == 1:
                results = [kiwi.split_into_sents(lines[0][1], return_tokens=True)]
            else:
                results = list(kiwi.split_into_sents([line for _, line in lines], return_tokens=True))
        out: list[tuple[tuple[int, int], list[Token]]] = []
        for (start, line), sents in zip(lines, results, strict=True):
            out.extend(self._line_units(line, start, sents))
        return out

    def _line_units(self, line: str, offset: int, sents: Any) -> list[tuple[tuple[int, int], list[Token]]]:
        tokens = _tokens((t for s in sents for t in s.tokens), offset)
        spans = [_trim(line, s.start, s.end) for s in sents]
        units = []
        kept = _marks_open_next([span for span in spans if span[1] > span[0]], line)
        for start, end in _bracketed(_coordinated(_quoted_subjects(kept, line), line), line):
            a, b = offset + start, offset + end
            units.append(((a, b), [t for t in tokens if a <= t.start and t.end <= b]))
        if units:
            return units
        a, b = offset + _trim(line, 0, len(line))[0], offset + len(line.rstrip())
        return [((a, b), tokens or _tokens(self._tokenize(line), offset))]

    def _tokenize(self, text: str) -> Any:
        text = replace_surrogates(text)
        with self._lock:
            return self._kiwi_for([text]).tokenize(text)

    def _kiwi_for(self, texts: Sequence[str]) -> Kiwi:
        """The Kiwi that analyses ``texts`` (called with the lock held)."""
        return self.kiwi


class QuickStartAnalyzer(KoreanAnalyzer):
    """A :class:`KoreanAnalyzer` for a process that answers a question or two.

    Its analyses are the same, but it starts Kiwi without the multi-word dictionary (1.4 s
    instead of 3.5 s) and loads the full Kiwi only for a text that may hold one of its entries
    (:mod:`assistant.text.multiwords`); from then on the full Kiwi analyses everything.
    """

    def __init__(self, cache_dir: Path | None) -> None:
        super().__init__()
        self.cache_dir = cache_dir
        self._lite: Kiwi | None = None
        self._filter: MultiWordFilter | None = None
        self._no_filter = False

    def _kiwi_for(self, texts: Sequence[str]) -> Kiwi:
        if self._kiwi is not None or self._needs_full(texts):
            return self.kiwi
        if self._lite is None:
            from kiwipiepy import Kiwi

            self._lite = Kiwi(load_multi_dict=False)
        return self._lite

    def _needs_full(self, texts: Sequence[str]) -> bool:
        if self._filter is None and not self._no_filter:
            try:
                self._filter = open_keys(self.cache_dir)
            except (OSError, ImportError, AttributeError, UnicodeDecodeError):  # no dictionary to read: no shortcut
                self._no_filter = True
        return self._filter is None or any(self._filter.may_hold_entry(t) for t in texts)


def _token(raw: Any, offset: int = 0) -> Token:
    return Token(raw.form, str(raw.tag), offset + raw.start, offset + raw.start + raw.len)


def _tokens(raw: Iterable[Any], offset: int = 0) -> list[Token]:
    """Kiwi's tokens as :class:`Token` (spans shifted by ``offset``), prefixes with their nouns."""
    return with_prefixes([_token(t, offset) for t in raw])


#: Tags of the nouns a prefix (XPN) written against them belongs to.
_PREFIXED = frozenset({"NNG", "NNP", "XR"})


def with_prefixes(tokens: Sequence[Token]) -> list[Token]:
    """``tokens`` with each noun prefix (XPN) written against the noun after it made one noun
    with it: 비+정규직 → 비정규직, 미+지급 → 미지급, 소+상공인 → 소상공인. Read apart, the noun
    alone is searched and matched, often the opposite of what was written."""
    out: list[Token] = []
    for tok in tokens:
        prev = out[-1] if out else None
        if prev is not None and prev.tag == "XPN" and prev.end == tok.start and tok.tag.split("-")[0] in _PREFIXED:
            out[-1] = Token(prev.form + tok.form, tok.tag, prev.start, tok.end)
        else:
            out.append(tok)
    return out


#: A particle that cannot open a sentence ("를 사용하는 …", "는 모든 문자를 …").
_OPENING_PARTICLE = re.compile(r"(?:를|을|는|은|에서|에게|으로|에|의|와|과|라는|이라는|란|이란)(?=[\s,])")
#: A quoted or bracketed word at the end of a sentence ("… 만듭니다. "제목"", "… 호출합니다. (A1:A11)").
_TRAILING_QUOTE = re.compile(r"[\"'“‘《〈「『(\[][^\"'”’》〉」』)\]]{1,40}[\"'”’》〉」』)\]]$")


def _quoted_subjects(spans: list[tuple[int, int]], line: str) -> list[tuple[int, int]]:
    """Sentence spans of ``line`` with a quoted word given back to the sentence it opens: the
    analyzer may end a sentence after ``"제목"`` in ``… 만듭니다. "제목"은 각 단어의 …``, leaving
    the next to open with its particle ("은 각 단어의 …"). Where no sentence ends before the quoted
    word ("느낌표 '!' 를 …"), the two are one sentence."""
    out = list(spans)
    for i in range(1, len(out)):
        (a, b), (c, d) = out[i - 1], out[i]
        quote = _TRAILING_QUOTE.search(line, a, b)
        if quote and quote.start() > a and _OPENING_PARTICLE.match(line, c):
            start, end = _trim(line, a, quote.start())
            if end > start and SENTENCE_END.search(line, start, end):
                out[i - 1], out[i] = (start, end), (quote.start(), d)
            else:  # no sentence ended before the quote ("느낌표 '!' 를 …"): one sentence
                out[i - 1], out[i] = (a, d), (d, d)
    return [(a, b) for a, b in out if b > a]


#: A sentence's stop mark followed by symbols alone ("… 입력합니다. +", "… 입력합니다. ※"): the
#: analyzer ends the sentence after them, though they open the next ("+ 단추로 …", "※ 참고 …").
_TRAILING_MARKS = re.compile(r"[.?!。](\s+)[^\w\s)\]}\"'”’」』》〉.,…]+$")


def _marks_open_next(spans: list[tuple[int, int]], line: str) -> list[tuple[int, int]]:
    """Sentence spans of ``line`` with the symbols that follow a sentence's stop mark given to the
    sentence after it (a button's "+", a note's "※", a list's "-"); the last sentence keeps them."""
    out = list(spans)
    for i in range(1, len(out)):
        (a, b), (_, d) = out[i - 1], out[i]
        marks = _TRAILING_MARKS.search(line, a, b)
        if marks:
            out[i - 1], out[i] = (a, marks.start(1)), (marks.end(1), d)
    return out


#: A word that joins two nouns or clauses and cannot open a sentence after one left without its
#: full stop ("와이파이 연결 안함 또는 이미 연결한 …": the analyzer ends a sentence at "안함").
_JOINING = re.compile(r"(?:또는|혹은|및)(?=\s)")


def _coordinated(spans: list[tuple[int, int]], line: str) -> list[tuple[int, int]]:
    """Sentence spans of ``line`` with a span that opens with a joining word (:data:`_JOINING`)
    given back to the one before it, when that one ends without a stop mark."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and _JOINING.match(line, a) and line[out[-1][1] - 1] not in ".?!。…":
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


#: Opening and closing brackets a sentence does not end inside.
_OPENING, _CLOSING = "([{（［", ")]}）］"


def _bracketed(spans: list[tuple[int, int]], line: str) -> list[tuple[int, int]]:
    """Sentence spans of ``line`` with one that leaves a bracket open joined with those after it
    until the bracket closes (a bracket never closed on the line joins nothing), and one that opens
    with a bracket given to the sentence before it when that one ends without a stop mark: "…
    강력합니다 (7장. 데비안 패키지 관리 시스템 기초 참조)." read "(7장." alone as a label, and "데비안
    패키지 관리 시스템 기초 참조)." was shown as a sentence."""
    out: list[tuple[int, int]] = []
    depth = 0
    for a, b in spans:
        aside = line[a] in _OPENING and bool(out) and line[out[-1][1] - 1] not in ".?!。…"  # "…합니다 (7장 참조)."
        if out and (depth > 0 or aside):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
        piece = line[a:b]
        depth = max(0, depth + sum(piece.count(c) for c in _OPENING) - sum(piece.count(c) for c in _CLOSING))
        if depth > 0 and not _closes_later(line, b, depth):
            depth = 0
    return out


def _closes_later(line: str, at: int, depth: int) -> bool:
    """Whether ``depth`` brackets left open before ``at`` close later on the line."""
    rest = line[at:]
    return sum(rest.count(c) for c in _CLOSING) - sum(rest.count(c) for c in _OPENING) >= depth


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
