"""Answer benchmark: does what a person reads first answer the question?

    python -m bench.answers                       # KorQuAD dev (all questions) and the follow-up set
    python -m bench.answers --limit 500           # the first 500 KorQuAD questions
    python -m bench.answers --out bench/results/answers-before.json   # record a summarizer to compare
    python -m bench.compare bench/results/answers-before.json bench/results/answers.json   # what changed

KorQuAD 1.0 dev (961 paragraphs, each question with its gold answer text): a question counts
for ``first`` when a gold answer is inside the first sentence of the summary, ``summary`` when it
is anywhere in the summary, ``cited`` when it is in one of the cited passages (what retrieval
made possible). Also the median summary length in characters and the share of abstentions,
overall and by question form. Two rules that pick one sentence from the same top passage run
on the same answers, as baselines: ``top-first`` (the passage's first sentence) and
``top-overlap`` (its sentence sharing the most content morphemes with the question).
``bench/results/answers-before.json``, when present, is the summarizer this one replaced.

The LibreOffice Korean help (``bench/data/help/questions.jsonl``: questions in users' words, each
answerable one with the sentence of its page that answers it (a summary sentence that is a part of
it, 15 characters or more, counts: shown without its leading connective); ``python -m bench.help_corpus``
builds the pages): the same figures, the gold being that sentence; and the same for the GNOME
desktop user guide in Korean (``bench/data/gnome/questions.jsonl``) and the Debian FAQ in Korean
(``bench/data/faq/questions.jsonl``). Skipped with ``--no-help`` or when the pages cannot be built.

The 12 English questions about the essays (``bench/data/essay_questions_en.jsonl``, each with
phrases its answer contains) are scored the same way: none of their words is in the documents.
So are the 30 workplace questions (``bench/data/workplace``: a regulation in articles, a wiki page,
a report in short lines and a table of plans, in one folder; written alongside the readers of
those kinds, so not blind to them).

The follow-up sets are played turn by turn in fresh sessions: ``bench/data/conversations.jsonl``
over ``corpus/`` (written alongside the resolver), ``bench/data/help/conversations.jsonl`` over
the help pages and ``bench/data/law/conversations.jsonl`` over the constitution and bills (both
written apart from it, in users' words). A turn counts for ``first`` /
``summary`` when one of its ``answer`` phrases is in the first summary sentence / anywhere in the
summary.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant import Answer, Conversation, Engine, SessionStore, Settings
from assistant.text.korean import KoreanAnalyzer
from assistant.text.questions import question_form, topic_terms
from bench.collections import PAGES, engine_of
from bench.common import CACHE, KORQUAD, ROOT, Question, english_questions, help_answered, holds, require
from bench.korquad import build

CONVERSATIONS = ROOT / "bench" / "data" / "conversations.jsonl"
HELP_CONVERSATIONS = ROOT / "bench" / "data" / "help" / "conversations.jsonl"
LAW_CONVERSATIONS = ROOT / "bench" / "data" / "law" / "conversations.jsonl"
RESULTS = ROOT / "bench" / "results"


@dataclass
class Judged:
    """One question's answer, judged."""

    form: str
    abstained: bool
    chars: int
    hits: dict[str, bool] = field(default_factory=dict)  #: variant → gold in its lead sentence
    question: str = ""
    lead: str = ""  #: the summary's first sentence ("" when abstained)

    def row(self) -> dict[str, Any]:
        """What ``python -m bench.compare`` reads of one question: the question, its figures, its lead."""
        return {
            "question": self.question,
            **{k: self.hits[k] for k in ("first", "summary", "cited")},
            "abstained": self.abstained,
            "lead": self.lead,
        }


def contains(text: str, golds: Iterable[str]) -> bool:
    """Whether any gold answer occurs in ``text`` (spaces ignored: a line break may stand for one)."""
    flat = "".join(text.split())
    return any("".join(g.split()) in flat for g in golds if g.strip())


def lead_rules(engine: Engine, analyzer: KoreanAnalyzer) -> dict[str, Callable[[str, Answer], str]]:
    """The one-sentence baselines: the top passage's first sentence, or its sentence sharing the
    most content morphemes with the question (ties: the earlier one)."""
    store = engine.index.store

    def candidates(answer: Answer) -> list[tuple[str, frozenset[str]]]:
        if not answer.citations:
            return []
        top = min(answer.citations, key=lambda c: c.rank or c.n)  # the best-ranked passage
        rows = store.rows_of([top.chunk_id])
        cands = store.candidates(rows[0]) if rows else []
        return [(top.passage[a - top.start : b - top.start], frozenset(t)) for a, b, t in cands]

    def first(question: str, answer: Answer) -> str:
        cands = candidates(answer)
        return cands[0][0] if cands else ""

    def overlap(question: str, answer: Answer) -> str:
        cands = candidates(answer)
        if not cands:
            return ""
        q = set(topic_terms(analyzer.terms(question)))
        best = max(range(len(cands)), key=lambda i: (len(q & cands[i][1]), -i))
        return cands[best][0]

    return {"top-first": first, "top-overlap": overlap}


def judge(
    question: Question,
    answer: Answer,
    rules: dict[str, Callable[[str, Answer], str]],
    match: Callable[[str, Iterable[str]], bool] = contains,
) -> Judged:
    lead = answer.summary_sentences[0].text if answer.summary_sentences and not answer.abstained else ""
    golds = question.answers
    said = [s.text for s in answer.summary_sentences]
    hits = {
        "first": match(lead, golds),
        "summary": not answer.abstained and (contains(answer.summary, golds) or any(match(s, golds) for s in said)),
        "cited": any(contains(c.passage, golds) for c in answer.citations),
    }
    for name, rule in rules.items():
        hits[name] = not answer.abstained and match(rule(question.text, answer), golds)
    chars = 0 if answer.abstained else len(answer.summary)
    return Judged(question_form(question.text), answer.abstained, chars, hits, question.text, lead)


def scores(judged: Sequence[Judged]) -> dict[str, Any]:
    """Shares of hits per variant, median summary length and abstentions."""
    n = len(judged) or 1
    variants = list(judged[0].hits) if judged else []
    answered = [j.chars for j in judged if not j.abstained]
    return {
        "n": len(judged),
        **{v: round(sum(j.hits[v] for j in judged) / n, 4) for v in variants},
        "median_chars": statistics.median(answered) if answered else 0,
        "abstained": round(sum(j.abstained for j in judged) / n, 4),
    }


def korquad(limit: int) -> dict[str, Any]:
    settings = Settings(index_dir=CACHE / "korquad-index", show_progress=False)
    engine, questions, _ = build(settings, titles=True)
    return judged_all(engine, [q for q in questions if q.answers][: limit or None])


def help_answers(engine: Engine, name: str = "help") -> dict[str, Any]:
    """The questions of a help-page collection (``help``, ``gnome``, ``faq``) one sentence answers, over its ``engine``."""
    return judged_all(engine, help_answered(name), holds)


def english_answers(engine: Engine) -> dict[str, Any]:
    """The English questions about the essays, over their ``engine`` (e5 is multilingual: they are
    searched as they are, and none of their words is in the documents)."""
    return judged_all(engine, english_questions())


#: Workplace documents of four kinds (a regulation's articles, a wiki page in Markdown, a report in
#: short lines, a table of plans) in one folder, with questions in users' words.
WORKPLACE = ROOT / "bench" / "data" / "workplace"


def workplace_questions() -> list[Question]:
    out = []
    for line in (WORKPLACE / "questions.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            out.append(Question(item["question"], item["doc"], tuple(item["answer"])))
    return out


def workplace_answers(analyzer: KoreanAnalyzer, embedder: Any) -> dict[str, Any]:
    """The workplace questions over their folder (indexed when missing or changed), each judged by
    its answer phrases, as the English questions are."""
    settings = Settings(index_dir=CACHE / "workplace-index", corpus_dir=WORKPLACE / "docs", show_progress=False)
    engine = Engine(settings, analyzer=analyzer, embedder=embedder)
    engine.build_index()
    return judged_all(engine, workplace_questions())


def judged_all(
    engine: Engine, questions: Sequence[Question], match: Callable[[str, Iterable[str]], bool] = contains
) -> dict[str, Any]:
    """Every question asked once and judged (by ``match`` of a sentence and the golds): overall
    and by question form."""
    rules = lead_rules(engine, engine.analyzer)
    judged: list[Judged] = []
    started = time.perf_counter()
    for q in questions:
        judged.append(judge(q, engine.ask(q.text), rules, match))
    by_form: dict[str, list[Judged]] = defaultdict(list)
    for j in judged:
        by_form[j.form].append(j)
    return {
        "questions": len(judged),
        "seconds": round(time.perf_counter() - started, 1),
        "overall": scores(judged),
        "by_form": {form: scores(group) for form, group in sorted(by_form.items())},
        "rows": [j.row() for j in judged],  # each question, in order: for ``python -m bench.compare``
    }


@dataclass(frozen=True)
class Turn:
    conversation: str
    n: int
    message: str
    kind: str | None
    answers: tuple[str, ...]


def load_turns(path: Path = CONVERSATIONS) -> dict[str, list[Turn]]:
    out: dict[str, list[Turn]] = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            c = json.loads(line)
            out[c["id"]] = [
                Turn(c["id"], n, t["message"], t.get("kind"), tuple(t.get("answer", ())))
                for n, t in enumerate(c["turns"], 1)
            ]
    return out


def followups(verbose: bool, engine: Engine, path: Path = CONVERSATIONS) -> dict[str, Any]:
    """Every conversation of a follow-up set (``path``) played in a fresh session over ``engine``."""
    conversations = load_turns(path)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, SessionStore(Path(tmp) / "sessions.sqlite") as store:
        conversation = Conversation(engine, store, engine.settings)
        for turns in conversations.values():
            session = None
            for turn in turns:
                answer = conversation.chat(turn.message, session)
                session = answer.session_id
                rows.append(played(turn, answer))
                if verbose:
                    print(json.dumps(rows[-1], ensure_ascii=False))
    return {"conversations": len(conversations), **turn_scores(rows), "turns": rows}


def played(turn: Turn, answer: Answer) -> dict[str, Any]:
    lead = answer.summary_sentences[0].text if answer.summary_sentences and not answer.abstained else ""
    return {
        "id": f"{turn.conversation}.{turn.n}",
        "message": turn.message,
        "kind": turn.kind,
        "query": answer.query,
        "followup": answer.followup,
        "first": contains(lead, turn.answers),
        "summary": not answer.abstained and contains(answer.summary, turn.answers),
        "cited": any(contains(c.passage, turn.answers) for c in answer.citations),
        "abstained": answer.abstained,
        "lead": lead,
    }


def turn_scores(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    def share(group: Sequence[dict[str, Any]], key: str) -> float:
        return round(sum(bool(r[key]) for r in group) / len(group), 4) if group else 0.0

    kinds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        kinds[r["kind"] or "standalone"].append(r)
    return {
        "n": len(rows),
        "first": share(rows, "first"),
        "summary": share(rows, "summary"),
        "cited": share(rows, "cited"),
        "by_kind": {
            k: {"n": len(g), "first": share(g, "first"), "summary": share(g, "summary")}
            for k, g in sorted(kinds.items())
        },
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=0, help="Only the first N KorQuAD questions.")
    parser.add_argument("--no-korquad", action="store_true", help="Leave KorQuAD out.")
    parser.add_argument("--no-help", action="store_true", help="Leave the help-page collections out.")
    parser.add_argument("--verbose", action="store_true", help="Print every follow-up turn.")
    parser.add_argument("--out", type=Path, default=RESULTS / "answers.json")
    args = parser.parse_args(argv)
    payload: dict[str, Any] = {}
    if not args.no_korquad:
        require(KORQUAD)
        payload["korquad"] = korquad(args.limit)
        print("korquad", json.dumps(payload["korquad"]["overall"], ensure_ascii=False), flush=True)
    # the help pages and the essays share one Kiwi and one model
    essays = engine_of("essays", KoreanAnalyzer(), show_progress=False)
    if not args.no_help:
        pages = {name: engine_of(name, essays.analyzer, essays.embedder, show_progress=False) for name in PAGES}
        for name, engine in pages.items():
            payload[name] = help_answers(engine, name)
            print(name, json.dumps(payload[name]["overall"], ensure_ascii=False), flush=True)
    payload["english"] = english_answers(essays)
    print("english", json.dumps(payload["english"]["overall"], ensure_ascii=False), flush=True)
    payload["workplace"] = workplace_answers(essays.analyzer, essays.embedder)
    print("workplace", json.dumps(payload["workplace"]["overall"], ensure_ascii=False), flush=True)
    payload["followups"] = followups(args.verbose, essays)
    print("followups", {k: v for k, v in payload["followups"].items() if k not in ("turns", "by_kind")}, flush=True)
    if not args.no_help:
        for name, path in (("help", HELP_CONVERSATIONS), ("law", LAW_CONVERSATIONS)):
            payload[f"{name}_followups"] = followups(args.verbose, pages[name], path)
            shown = {k: v for k, v in payload[f"{name}_followups"].items() if k not in ("turns", "by_kind")}
            print(f"{name}_followups", shown, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
