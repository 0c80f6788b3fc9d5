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
    'Expected one JSON object per line, e.g. {"question": "...", "doc": "file.txt"}, '
    "or a KorQuAD 1.0 JSON file; see docs/eval.md."
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
        raise ConfigError(f"limit must be at least 1, not {limit}")
    try:
        text = path.read_text("utf-8").removeprefix("\ufeff")
    except FileNotFoundError:
        raise EvalDataError(str(path), "no such file", hint=FORMAT_HINT) from None
    except UnicodeDecodeError:
        raise EvalDataError(str(path), "not UTF-8 text", hint=FORMAT_HINT) from None
    except OSError as exc:
        raise EvalDataError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    squad = _squad_data(text)
    questions = _from_squad(squad, str(path)) if squad is not None else _from_jsonl(text, str(path))
    if not questions:
        raise EvalDataError(str(path), "holds no questions", hint=FORMAT_HINT)
    return questions[:limit] if limit is not None else questions


def _from_jsonl(text: str, path: str) -> list[EvalQuestion]:
    questions = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}, line {n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalDataError(where, f"not valid JSON ({exc.msg}, column {exc.colno})", hint=FORMAT_HINT) from None
        questions.append(parse_entry(obj, where, default_id=str(n)))
    return questions


def parse_entry(obj: Any, where: str, *, default_id: str) -> EvalQuestion:
    """One question object of a JSON Lines file (``where`` names it in errors)."""
    if not isinstance(obj, dict):
        raise EvalDataError(where, "expected a JSON object", hint=FORMAT_HINT)
    question = obj.get("question")
    if not isinstance(question, str) or not question.strip():
        raise EvalDataError(where, 'needs a non-empty "question" string', hint=FORMAT_HINT)
    answerable = obj.get("answerable", True)
    if not isinstance(answerable, bool):
        raise EvalDataError(where, '"answerable" must be true or false')
    qid = obj.get("id", default_id)
    if isinstance(qid, bool) or not isinstance(qid, str | int):
        raise EvalDataError(where, '"id" must be a string or a number')
    docs, passage, spans = _docs(obj, where), _passage(obj, where), _spans(obj, where)
    given = [name for name, value in (('"doc"/"docs"', docs), ('"passage"', passage), ('"spans"', spans)) if value]
    if len(given) > 1:
        raise EvalDataError(where, f"give one of {', '.join(given)}, not several")
    if answerable and not given:
        raise EvalDataError(
            where,
            'say what is relevant with "doc", "docs", "passage" or "spans", or mark the question "answerable": false',
            hint=FORMAT_HINT,
        )
    if not answerable and given:
        raise EvalDataError(where, f'an "answerable": false question has nothing relevant; drop {given[0]}')
    return EvalQuestion(question.strip(), str(qid), docs, passage, spans, answerable, where)


def _docs(obj: Mapping[str, Any], where: str) -> tuple[str, ...]:
    docs: list[Any] = []
    if "doc" in obj:
        docs.append(obj["doc"])
    if "docs" in obj:
        if not isinstance(obj["docs"], list) or not obj["docs"]:
            raise EvalDataError(where, '"docs" must be a non-empty list of document names')
        docs += obj["docs"]
    if not all(isinstance(d, str) and d.strip() for d in docs):
        raise EvalDataError(where, "a document is named by a non-empty string (doc id, file path or title)")
    return tuple(dict.fromkeys(d.strip() for d in docs))


def _passage(obj: Mapping[str, Any], where: str) -> str | None:
    passage = obj.get("passage")
    if passage is None:
        return None
    if not isinstance(passage, str) or not normalize(passage):
        raise EvalDataError(where, '"passage" must be a non-empty string (the expected passage text)')
    return passage


def _spans(obj: Mapping[str, Any], where: str) -> tuple[Span, ...]:
    spans = obj.get("spans")
    if spans is None:
        return ()
    if not isinstance(spans, list) or not spans:
        raise EvalDataError(where, '"spans" must be a non-empty list of {"doc", "start", "end"} objects')
    out = []
    for i, span in enumerate(spans):
        doc, start, end = (span.get(key) for key in ("doc", "start", "end")) if isinstance(span, dict) else (None,) * 3
        if not isinstance(doc, str) or not doc.strip() or not _is_int(start) or not _is_int(end):
            raise EvalDataError(where, f'spans[{i}] needs "doc" (a string), "start" and "end" (integers)')
        if not 0 <= start < end:
            raise EvalDataError(where, f"spans[{i}] needs 0 <= start < end, got start {start}, end {end}")
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
        raise EvalDataError(path, '"data" must be a list of articles (KorQuAD 1.0 format)', hint=FORMAT_HINT)
    questions = []
    for a, article in enumerate(articles, 1):
        paragraphs = article.get("paragraphs") if isinstance(article, dict) else None
        if not isinstance(paragraphs, list):
            raise EvalDataError(f"{path}, article {a}", 'needs a "paragraphs" list', hint=FORMAT_HINT)
        for p, para in enumerate(paragraphs, 1):
            where = f"{path}, article {a}, paragraph {p}"
            context = para.get("context") if isinstance(para, dict) else None
            qas = para.get("qas") if isinstance(para, dict) else None
            if not isinstance(context, str) or not normalize(context) or not isinstance(qas, list):
                raise EvalDataError(where, 'needs a "context" string and a "qas" list', hint=FORMAT_HINT)
            for n, qa in enumerate(qas, 1):
                question = qa.get("question") if isinstance(qa, dict) else None
                if not isinstance(question, str) or not question.strip():
                    raise EvalDataError(f"{where}, question {n}", 'needs a non-empty "question" string')
                impossible = qa.get("is_impossible") is True
                questions.append(
                    EvalQuestion(
                        question.strip(),
                        str(qa.get("id", f"{a}-{p}-{n}")),
                        passage=None if impossible else context,
                        answerable=not impossible,
                        where=f"{where}, question {n}",
                    )
                )
    return questions
