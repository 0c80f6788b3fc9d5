"""What to offer besides an answer: what the documents cover, and questions they can answer.

Everything comes from the headings of the indexed documents (the section paths of their
chunks), so it is deterministic for an index version and needs no analyzer:

* :func:`covers`: the documents' titles, or with one document its top sections;
* :meth:`Outline.suggestions`: two or three questions for an abstained answer, from sections
  of different documents, each checked by the caller to be one the documents answer;
* :func:`followups`: questions about the sections near the ones an answer cited, that the
  answer did not use.

A heading becomes a question by its shape: numbering ("2.", "제3장") and a label before a
colon ("비교 분석: …") are dropped; a heading that already asks ("왜 …인가?", a FAQ's "Q. 주문을
취소하고 싶어요.") is kept, without its marker; one
naming an action (…구축, …강화) is asked about ("… 대해 알려 주세요."), any other noun phrase
defined ("…은 무엇인가요?"); a one-word heading ("교통") takes its parent's subject
("서울의 교통은 어떤가요?").
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer.schema import Citation
from assistant.ingest.blocks import collapse
from assistant.ingest.markers import ASKED_MARK, article_title
from assistant.store.chunks import ChunkStore
from assistant.text.chunking import PATH_SEPARATOR
from assistant.text.josa import josa


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Headings that say nothing about the content (page furniture, generic parts of a text).
GENERIC = frozenset(
    _words(
        "본문 본문제목 상세컨텐츠 카테고리없음 목차 차례 서론 결론 요약 개요 머리말 맺음말 들어가며 마치며 "
        "참고 참고문헌 부록 관련글 댓글 태그 공유하기 목록 소개 안내 메뉴 전체 기타"
    )
)
#: Trailing words of a parent heading left out when it names a subject ("서울 안내" → 서울).
TRAILING_GENERIC = ("안내", "소개", "개요", "사례", "가이드")
#: Last words naming an action: such a heading is asked about rather than defined.
ACTIONS = _words(
    "구축 강화 확충 확보 도입 추진 육성 개선 지원 협력 대응 활용 관리 운영 설치 설정 "
    "확대 심화 진단 준비 사용 이용 신청 등록 변경 보호 관리법 방법 방안 절차 과정"
)

NUMBERING = re.compile(
    r"^\s*(?:\d+(?:\.\d+)+\.?|\d+[.)]|\d+\s*[장절]\.?|[IVXivx]+[.)]|[가-하][.)]|제\s*\d+\s*[장절편부])\s*"
)
#: Headings longer than this are sentences rather than names of a subject.
MAX_TOPIC_CHARS = 40
#: A section with fewer characters of text than this (a byline, a date) offers nothing to ask.
MIN_SECTION_CHARS = 30
#: Items of :func:`covers`, questions offered.
MAX_COVERS = 5
MAX_SUGGESTIONS = 3
#: Candidate questions tried for an abstention before giving up on more.
MAX_TRIED = 8


def topic_of(heading: str) -> str:
    """The subject a heading names: without numbering (an article's number and brackets too) or
    a FAQ's question marker ("Q. "), the part after a label and colon."""
    text = article_title(heading) or NUMBERING.sub("", _unmarked(heading.strip())).strip()
    parts = re.split(r"\s*[:：]\s*", text, maxsplit=1)
    if len(parts) == 2:
        head, tail = parts
        text = tail if len(tail.strip()) >= 2 else head
    return re.sub(r"\s+", " ", text).strip(" -–—·•")


def _unmarked(heading: str) -> str:
    """A heading without the mark that makes a FAQ's line its question ("Q. ", "[질문] ")."""
    mark = ASKED_MARK.match(heading)
    return heading[mark.end() :] if mark else heading


def _generic(topic: str) -> bool:
    return topic.replace(" ", "") in GENERIC


def _subject(topic: str) -> str:
    """A parent heading as the subject of a one-word child ("서울 안내" → "서울")."""
    words = topic.split()
    while len(words) > 1 and words[-1] in TRAILING_GENERIC:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class Section:
    """A section of a document that has text: its heading path, span and size."""

    doc_id: str
    section: str
    start: int
    end: int
    chars: int

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(p for p in self.section.split(PATH_SEPARATOR) if p)


def question_for(section: Section, title: str = "") -> str | None:
    """A question the section answers, None when its heading names nothing to ask about."""
    if not section.path or section.chars < MIN_SECTION_CHARS:
        return None
    raw = section.path[-1].strip()
    topic = topic_of(raw)
    if len(topic) < 2 or len(topic) > MAX_TOPIC_CHARS or _generic(topic) or topic == title:
        return None
    if topic.endswith("?") or ASKED_MARK.match(raw):  # a FAQ's own question, as its reader asks it
        return topic
    if " " not in topic:
        parents = [topic_of(p) for p in section.path[:-1]] + [topic_of(title)]
        context = next((_subject(p) for p in reversed(parents[:-1]) if p and not _generic(p)), "")
        context = context or _subject(parents[-1])
        if context and context != topic and len(context) <= MAX_TOPIC_CHARS:
            if len(context.split()) <= 3:
                return josa(f"{context}의 {topic}", "은") + " 어떤가요?"
            return josa(f"{topic}의 {context}", "은") + " 어떤가요?"
    if any(topic.split()[-1].endswith(word) for word in ACTIONS):
        return f"{topic}에 대해 알려 주세요."
    return josa(topic, "은") + " 무엇인가요?"


class Outline:
    """The documents and sections of one index version, read from its chunk store on first
    use and kept (an index version never changes)."""

    def __init__(self, store: ChunkStore, titles: dict[str, str]) -> None:
        self.store = store
        self.titles = titles
        self._lock = threading.Lock()
        self._ranked: list[str] | None = None
        self._sections: dict[str, tuple[Section, ...]] = {}
        self._suggestions: list[str] | None = None
        self._headings: frozenset[str] | None = None
        self._title_terms: dict[str, frozenset[str]] | None = None

    def headings(self) -> frozenset[str]:
        """Every heading of every document, its white space collapsed, each also without the
        number it opens with ("10장. 데비안 및 커널" and "데비안 및 커널": a table of contents may
        number it otherwise, "10. 데비안 및 커널")."""
        with self._lock:
            if self._headings is None:
                paths = self.store.section_paths()
                whole = {collapse(t) for p in paths for t in p.split(PATH_SEPARATOR) if t}
                bare = {NUMBERING.sub("", t) for t in whole}
                self._headings = frozenset(whole | {t for t in bare if t})
            return self._headings

    def documents(self) -> list[str]:
        """Doc ids, the longest documents (most chunks) first, then by id."""
        with self._lock:
            if self._ranked is None:
                counts = self.store.chunk_counts()
                self._ranked = sorted(counts, key=lambda d: (-counts[d], d))
            return self._ranked

    def sections(self, doc_id: str) -> tuple[Section, ...]:
        """The document's sections that have text, in reading order."""
        with self._lock:
            if doc_id not in self._sections:
                rows = self.store.sections(doc_id)
                self._sections[doc_id] = tuple(Section(doc_id, s, a, b, n) for s, a, b, n in rows)
            return self._sections[doc_id]

    def title(self, doc_id: str) -> str:
        return self.titles.get(doc_id, doc_id)

    def title_terms(self, read: Callable[[str], Sequence[str]]) -> dict[str, frozenset[str]]:
        """Each document's title as content terms (``read``: the analyzer's), read once."""
        docs = self.documents()
        with self._lock:
            if self._title_terms is None:
                self._title_terms = {d: frozenset(read(self.title(d))) for d in docs}
            return self._title_terms

    def top_sections(self, doc_id: str) -> dict[str, list[str]]:
        """The document's top headings right below its title, in reading order, each with the paths of
        its sections; a heading any page may have ("본문", "카테고리 없음") is none."""
        title = self.title(doc_id)
        groups: dict[str, list[str]] = {}
        for s in self.sections(doc_id):
            path = s.path[1:] if s.path[:1] == (title,) else s.path
            if path and not _generic(path[0]):
                groups.setdefault(path[0], []).append(s.section)
        return groups

    def suggestions(self, answers: Callable[[str], bool]) -> list[str]:
        """Up to three questions from sections of the main documents, taking each document in
        turn; ``answers`` says whether the documents answer a question (the first result is kept)."""
        with self._lock:
            if self._suggestions is not None:
                return self._suggestions
        out: list[str] = []
        for tried, question in enumerate(self._candidates()):
            if tried >= MAX_TRIED or len(out) >= MAX_SUGGESTIONS:
                break
            if answers(question):
                out.append(question)
        with self._lock:
            self._suggestions = out
        return out

    def _candidates(self) -> list[str]:
        """Questions from the main documents' sections, one document after the other in turn."""
        per_doc = []
        for doc_id in self.documents()[:MAX_COVERS]:
            title = self.title(doc_id)
            questions = [q for s in self.sections(doc_id) if (q := question_for(s, title))]
            per_doc.append(list(dict.fromkeys(questions)))
        out: list[str] = []
        for i in range(max((len(q) for q in per_doc), default=0)):
            out += [qs[i] for qs in per_doc if i < len(qs) and qs[i] not in out]
        return out


def covers(outline: Outline) -> list[str]:
    """What the indexed documents are about: with one document its top sections (its title
    when it has none), otherwise the titles of the longest documents."""
    docs = outline.documents()
    if len(docs) != 1:
        return [outline.title(d) for d in docs[:MAX_COVERS]]
    doc_id = docs[0]
    title = outline.title(doc_id)
    tops = []
    for s in outline.sections(doc_id):
        topic = topic_of(s.path[0]) if s.path else ""
        if topic and not _generic(topic) and len(topic) <= MAX_TOPIC_CHARS and topic != title:
            tops.append(topic)
    return list(dict.fromkeys(tops))[:MAX_COVERS] or [title]


#: Top headings of a document shown in a table of contents, at most.
MAX_CONTENTS = 8


def table_of_contents(outline: Outline) -> str:
    """The answer to "목차 보여줘": each of the longest documents (at most :data:`MAX_COVERS`) by its
    title and its top headings in reading order (at most :data:`MAX_CONTENTS`; a heading every page
    has, "본문", "카테고리 없음", left out), and how many documents are not shown."""
    docs = outline.documents()
    lines = ["문서별 목차:"]
    for doc_id in docs[:MAX_COVERS]:
        title = outline.title(doc_id)
        tops = list(outline.top_sections(doc_id))
        shown = " · ".join(tops[:MAX_CONTENTS]) + (" …" if len(tops) > MAX_CONTENTS else "")
        lines.append(f"- {title}: {shown}" if tops else f"- {title}")
    if len(docs) > MAX_COVERS:
        lines.append(f"(문서 {len(docs) - MAX_COVERS}개는 더 있습니다.)")
    return "\n".join(lines)


NOT_FOUND = "찾은 문서에는 이 질문에 대한 내용이 없습니다."
#: What an answer says to a question made only of symbols ("ㅋㅋㅋ", "^^").
NO_WORDS = "질문에 찾아볼 낱말이 없습니다. 궁금한 것을 말로 적어 물어봐 주세요."
#: The reply to a message that is no question, by its kind (see :func:`~assistant.text.questions.social_kind`).
SOCIAL_REPLIES = {
    "thanks": "천만에요. 더 궁금한 것이 있으면 물어봐 주세요.",
    "greeting": "안녕하세요.",  # then what the documents cover, and an invitation to ask
    "bye": "감사합니다. 다음에 또 물어봐 주세요.",
    "ack": "네. 더 궁금한 것이 있으면 물어봐 주세요.",
    "help": "문서에 담긴 내용을 물어볼 수 있습니다.",  # then what the documents cover, as for a greeting
}
#: The kinds of message that are told what the documents cover and offered questions.
_INVITED = frozenset({"greeting", "help"})


def abstention_message(items: Sequence[str], n_documents: int, guard: tuple[str, str] = ("", "")) -> str:
    """The one message of an abstained answer: that the documents do not answer, and what they cover.

    ``guard`` is what kept the question from being searched (``Request.guard`` of the engine):
    for a question whose pronoun points at nothing it names (``("points_at", pronoun)``), the
    message says it is unclear what it means; for one made of symbols (``("wordless", "")``), that
    it holds nothing to look for. A message that is no question (``("social", kind)``: thanks, a
    greeting …) gets its reply instead (:data:`SOCIAL_REPLIES`); only a greeting is told what the
    documents cover, and asked for a question."""
    kind, detail = guard
    social = detail if kind == "social" else ""
    if social and social not in _INVITED:
        return SOCIAL_REPLIES[social]
    if kind == "points_at":
        first = unclear(detail)
    else:
        first = SOCIAL_REPLIES[social] if social else NO_WORDS if kind == "wordless" else NOT_FOUND
    invite = " 궁금한 것을 물어봐 주세요." if social else ""
    if not items:
        return first + invite
    quoted = ", ".join(f"‘{item}’" for item in items)
    whole = f"{quoted} 등을" if len(items) < n_documents else josa(quoted, "을")
    subject = "이 문서는" if n_documents == 1 else "이 문서들은"
    return f"{first} {subject} {whole} 다룹니다.{invite}"


def unclear(pronoun: str) -> str:
    """What an answer says to a question whose ``pronoun`` points back at something never named."""
    particle = josa(pronoun, "이").removeprefix(pronoun)
    return (
        f"질문의 ‘{pronoun}’{particle} 무엇을 가리키는지 알 수 없습니다. 가리키는 것의 이름을 넣어 다시 물어봐 주세요."
    )


def followups(outline: Outline, citations: Sequence[Citation], question: str = "") -> list[str]:
    """Up to three questions about sections the answer did not use: in the documents of the used
    passages, the sections beside a used one (same parent) first, then the nearer ones; then the
    sections of the passages retrieved but not used, in citation order."""
    used = [c for c in citations if c.sentences]
    if not used:
        return []
    covered = {(c.doc_id, c.section) for c in used}
    candidates: list[tuple[Section, str]] = []
    for doc_id in dict.fromkeys(c.doc_id for c in used):
        sections = outline.sections(doc_id)
        anchors = [i for i, s in enumerate(sections) if (doc_id, s.section) in covered]
        if anchors:
            parents = {sections[i].path[:-1] for i in anchors}
            near = {
                i: (s.path[:-1] not in parents, min(abs(i - a) for a in anchors), i) for i, s in enumerate(sections)
            }
            title = outline.title(doc_id)
            candidates += [(sections[i], title) for i in sorted(near, key=near.__getitem__)]
    for c in citations:
        if not c.sentences:
            candidates += [(s, outline.title(c.doc_id)) for s in outline.sections(c.doc_id) if s.section == c.section]
    out: list[str] = []
    for section, title in candidates:
        if (section.doc_id, section.section) in covered:
            continue
        q = question_for(section, title)
        if q and q not in out and q != question:
            out.append(q)
            if len(out) == MAX_SUGGESTIONS:
                break
    return out
