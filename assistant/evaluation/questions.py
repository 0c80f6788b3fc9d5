"""Questions for ``assistant eval``: JSON Lines (one object per line, see docs/eval.md) or a
KorQuAD 1.0 (SQuAD-style) JSON file, read into :class:`EvalQuestion` objects.

Anything unusable raises :class:`~assistant.errors.EvalDataError` naming the file and line.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from assistant.errors import ConfigError, EvalDataError


def normalize(text: str) -> str:
    """NFC, every run of whitespace as one space, no space at either end."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


FORMAT_HINT = (
    '한 줄에 JSON 객체 하나(예: {"question": "...", "doc": "file.txt"})나 '
    "KorQuAD 1.0 JSON 파일이어야 합니다. docs/eval.md를 보세요."
)


@dataclass(frozen=True)
class Span:
    """A character span ``[start, end)`` of a document's text (offsets as in citations)."""

    doc: str
    start: int
    end: int


@dataclass(frozen=True)
class EvalQuestion:
    """A question and what counts as relevant for it (nothing when it is not answerable)."""

    question: str
    id: str
    docs: tuple[str, ...] = ()
    passage: str | None = None
    spans: tuple[Span, ...] = ()
    answerable: bool = True
    where: str = field(default="", compare=False)

    @property
    def judged_by(self) -> str:
        """``doc``, ``passage``, ``spans``, or ``none`` for an unanswerable question."""
        if self.spans:
            return "spans"
        if self.passage is not None:
            return "passage"
        return "doc" if self.docs else "none"


# ---------------------------------------------------------------------------
# Reading questions


def load_questions(path: Path, limit: int | None = None) -> list[EvalQuestion]:
    """The questions of a JSON Lines or KorQuAD 1.0 file, the first ``limit`` of them if given.

    Raises :class:`EvalDataError` naming the file (and line) of anything unusable.
    """
    if limit is not None and limit < 1:
        raise ConfigError(f"limit은 1 이상이어야 합니다({limit}).")
    try:
        text = path.read_text("utf-8").removeprefix("\ufeff")
    except FileNotFoundError:
        raise EvalDataError(str(path), "파일이 없습니다", hint=FORMAT_HINT) from None
    except UnicodeDecodeError:
        raise EvalDataError(str(path), "UTF-8 텍스트가 아닙니다", hint=FORMAT_HINT) from None
    except OSError as exc:
        raise EvalDataError(str(path), f"읽을 수 없습니다({exc.strerror or exc})") from None
    squad = _squad_data(text)
    questions = _from_squad(squad, str(path)) if squad is not None else _from_jsonl(text, str(path))
    if not questions:
        raise EvalDataError(str(path), "질문이 없습니다", hint=FORMAT_HINT)
    return questions[:limit] if limit is not None else questions


def _from_jsonl(text: str, path: str) -> list[EvalQuestion]:
    questions = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}, {n}번째 줄"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalDataError(
                where, f"JSON이 잘못되었습니다({exc.colno}번째 글자: {exc.msg})", hint=FORMAT_HINT
            ) from None
        questions.append(parse_entry(obj, where, default_id=str(n)))
    return questions


def parse_entry(obj: Any, where: str, *, default_id: str) -> EvalQuestion:
    """One question object of a JSON Lines file (``where`` names it in errors)."""
    if not isinstance(obj, dict):
        raise EvalDataError(where, "JSON 객체여야 합니다", hint=FORMAT_HINT)
    question = obj.get("question")
    if not isinstance(question, str) or not question.strip():
        raise EvalDataError(where, '비어 있지 않은 "question" 문자열이 필요합니다', hint=FORMAT_HINT)
    answerable = obj.get("answerable", True)
    if not isinstance(answerable, bool):
        raise EvalDataError(where, '"answerable"은 true나 false여야 합니다')
    qid = obj.get("id", default_id)
    if isinstance(qid, bool) or not isinstance(qid, str | int):
        raise EvalDataError(where, '"id"는 문자열이나 숫자여야 합니다')
    docs, passage, spans = _docs(obj, where), _passage(obj, where), _spans(obj, where)
    given = [name for name, value in (('"doc"/"docs"', docs), ('"passage"', passage), ('"spans"', spans)) if value]
    if len(given) > 1:
        raise EvalDataError(where, f"{', '.join(given)} 중 하나만 주세요")
    if answerable and not given:
        raise EvalDataError(
            where,
            '"doc", "docs", "passage", "spans" 중 하나로 답이 있는 곳을 적거나 "answerable": false로 표시하세요',
            hint=FORMAT_HINT,
        )
    if not answerable and given:
        raise EvalDataError(where, f'"answerable": false인 질문에는 답이 있는 곳이 없습니다. {given[0]}를 빼세요')
    return EvalQuestion(question.strip(), str(qid), docs, passage, spans, answerable, where)


def _docs(obj: Mapping[str, Any], where: str) -> tuple[str, ...]:
    docs: list[Any] = []
    if "doc" in obj:
        docs.append(obj["doc"])
    if "docs" in obj:
        if not isinstance(obj["docs"], list) or not obj["docs"]:
            raise EvalDataError(where, '"docs"는 문서 이름의 비어 있지 않은 목록이어야 합니다')
        docs += obj["docs"]
    if not all(isinstance(d, str) and d.strip() for d in docs):
        raise EvalDataError(where, "문서는 비어 있지 않은 문자열(doc id, 파일 경로, 제목)로 적습니다")
    return tuple(dict.fromkeys(d.strip() for d in docs))


def _passage(obj: Mapping[str, Any], where: str) -> str | None:
    passage = obj.get("passage")
    if passage is None:
        return None
    if not isinstance(passage, str) or not normalize(passage):
        raise EvalDataError(where, '"passage"는 비어 있지 않은 문자열(답이 든 구절)이어야 합니다')
    return passage


def _spans(obj: Mapping[str, Any], where: str) -> tuple[Span, ...]:
    spans = obj.get("spans")
    if spans is None:
        return ()
    if not isinstance(spans, list) or not spans:
        raise EvalDataError(where, '"spans"는 {"doc", "start", "end"} 객체의 비어 있지 않은 목록이어야 합니다')
    out = []
    for i, span in enumerate(spans):
        doc, start, end = (span.get(key) for key in ("doc", "start", "end")) if isinstance(span, dict) else (None,) * 3
        if not isinstance(doc, str) or not doc.strip() or not _is_int(start) or not _is_int(end):
            raise EvalDataError(where, f'spans[{i}]에는 "doc"(문자열), "start", "end"(정수)가 필요합니다')
        if not 0 <= start < end:
            raise EvalDataError(where, f"spans[{i}]는 0 <= start < end여야 합니다(start {start}, end {end})")
        out.append(Span(doc.strip(), start, end))
    return tuple(out)


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _squad_data(text: str) -> dict[str, Any] | None:
    """The parsed file when it is one SQuAD-style JSON document (``{"data": [...]}``)."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None  # JSON Lines, or broken: the line-by-line reading says where
    return data if isinstance(data, dict) and "data" in data else None


def _from_squad(data: Mapping[str, Any], path: str) -> list[EvalQuestion]:
    """KorQuAD 1.0 questions; each one's relevant passage is its paragraph.

    SQuAD 2.0's ``"is_impossible": true`` questions are read as not answerable.
    """
    articles = data["data"]
    if not isinstance(articles, list):
        raise EvalDataError(path, '"data"는 문서 목록이어야 합니다(KorQuAD 1.0 형식)', hint=FORMAT_HINT)
    questions = []
    for a, article in enumerate(articles, 1):
        paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
        if not isinstance(paragraphs, list):
            raise EvalDataError(f"{path}, {a}번째 문서", '"paragraphs" 목록이 필요합니다', hint=FORMAT_HINT)
        for p, para in enumerate(paragraphs, 1):
            where = f"{path}, {a}번째 문서, {p}번째 문단"
            context = para.get("context") if isinstance(para, dict) else None
            qas = para.get("qas") if isinstance(para, dict) else None
            if not isinstance(context, str) or not normalize(context) or not isinstance(qas, list):
                raise EvalDataError(where, '"context" 문자열과 "qas" 목록이 필요합니다', hint=FORMAT_HINT)
            for n, qa in enumerate(qas, 1):
                question = qa.get("question") if isinstance(qa, dict) else None
                if not isinstance(question, str) or not question.strip():
                    raise EvalDataError(f"{where}, {n}번째 질문", '비어 있지 않은 "question" 문자열이 필요합니다')
                impossible = qa.get("is_impossible") is True
                questions.append(
                    EvalQuestion(
                        question.strip(),
                        str(qa.get("id", f"{a}-{p}-{n}")),
                        passage=None if impossible else context,
                        answerable=not impossible,
                        where=f"{where}, {n}번째 질문",
                    )
                )
    return questions
