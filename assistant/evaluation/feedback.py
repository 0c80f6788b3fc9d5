"""Rated answers as an ``assistant eval`` question file: everyday use becomes a regression set.

A 👍 on an answer makes its question an answerable one whose relevant passage is the one the
summary's first sentence cites (``"passage"``: its text, found wherever a rebuild puts it); a 👍 on
an abstention makes it an unanswerable one (``"answerable": false``). A 👎 says the answer was
wrong but not what the right one is, which a question file cannot express: those are counted
and left out. A question rated in several conversations is written once, with its latest rating.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answer.schema import Answer
from assistant.chat.sessions import Rated
from assistant.evaluation.questions import normalize


@dataclass
class FeedbackQuestions:
    """The question objects to write (JSON Lines) and what was left out."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    answered: int = 0  #: 👍 answers, written with their passage
    unanswerable: int = 0  #: 👍 abstentions, written as not answerable
    disliked: int = 0  #: 👎 ratings, left out (a question file has no way to say "not this")
    uncited: int = 0  #: 👍 answers whose summary cites no passage, left out (nothing to expect)

    def jsonl(self) -> str:
        return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in self.entries)


def feedback_questions(rated: Sequence[Rated]) -> FeedbackQuestions:
    """The question file entries of ``rated`` (oldest rating first, as the store returns them)."""
    latest: dict[str, tuple[Rated, Answer]] = {}
    for r in rated:
        answer = Answer.model_validate_json(r.answer_json)
        # A follow-up ("그럼 미국은?") means nothing alone: the query it was searched as stands in.
        question = answer.query or r.question
        key = normalize(question)
        latest.pop(key, None)  # re-inserted: the order of the latest ratings
        latest[key] = (r, answer.model_copy(update={"question": question}))
    out = FeedbackQuestions()
    for r, answer in latest.values():
        if r.feedback.rating != "up":
            out.disliked += 1
            continue
        entry = _entry(r, answer, len(out.entries) + 1)
        if entry is None:
            out.uncited += 1
            continue
        out.entries.append(entry)
        if answer.abstained:
            out.unanswerable += 1
        else:
            out.answered += 1
    return out


def _entry(r: Rated, answer: Answer, n: int) -> dict[str, Any] | None:
    """One question object: the question, what counts as relevant, and where it came from."""
    entry: dict[str, Any] = {"id": f"feedback-{n}", "question": answer.question}
    if answer.abstained:
        entry["answerable"] = False
    else:
        top = next((c for c in answer.citations if c.n == 1 and c.sentences), None)
        if top is None:
            return None
        entry["passage"] = top.passage
        entry["doc_id"] = top.doc_id  # ignored by eval; says where the passage was
    entry["rated"] = dt.datetime.fromtimestamp(r.feedback.at, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if r.feedback.comment:
        entry["comment"] = r.feedback.comment
    return entry
