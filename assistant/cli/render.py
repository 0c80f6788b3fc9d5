"""Text output of the commands: an answer, and the report of ``assistant eval``."""

from __future__ import annotations

import unicodedata
from typing import Any

import click


def render_eval(report: dict[str, Any]) -> str:
    """The report of `assistant eval` as a table, one column per mode."""
    idx, qs, modes = report["index"], report["questions"], report["modes"]
    kinds = {"doc": "문서", "passage": "구절", "spans": "구간"}
    judged = ", ".join(f"{kinds[k]} {n}" for k, n in qs["judged_by"].items())
    summaries = list(modes.values())
    abstention = [s["abstention"] for s in summaries]
    rows = [(name, [_score(s["metrics"][name]) for s in summaries]) for name in summaries[0]["metrics"]]
    rows += [
        (
            "답 보류 P",
            [f"{_score(a['precision'])} ({a['abstained_unanswerable']}/{a['abstained']})" for a in abstention],
        ),
        (
            "답 보류 R",
            [f"{_score(a['recall'])} ({a['abstained_unanswerable']}/{a['unanswerable']})" for a in abstention],
        ),
        ("p50 밀리초", [f"{s['latency_ms']['p50']:.1f}" for s in summaries]),
        ("p95 밀리초", [f"{s['latency_ms']['p95']:.1f}" for s in summaries]),
        ("질문 수", [str(qs["total"])] * len(summaries)),
    ]
    lines = [
        f"색인: {idx['index_dir']} ({idx['version']}), 모델 {idx['model']}, 문서 {idx['documents']}개, 구절 {idx['chunks']}개",
        f"질문 {qs['total']}개: 답이 있는 질문 {qs['answerable']}개"
        + (f" ({judged})" if judged else "")
        + f", 답이 없는 질문 {qs['unanswerable']}개",
        "",
        " " * 12 + "".join(f"{m:>14}" for m in modes),
        *(_pad(label, 12) + "".join(f"{cell:>14}" for cell in cells) for label, cells in rows),
    ]
    if not report["abstain"]:
        lines.append("(답하지 않기가 꺼져 있습니다: ASSISTANT_ABSTAIN=false)")
    return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Hangul syllable takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - columns)


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def render(answer: Any) -> str:
    """A human-readable answer for the terminal."""
    out = []
    if answer.notice:
        out.append(click.style(answer.notice, fg="yellow"))
    if answer.query != answer.question:
        source = f", {answer.drew_on_turn}번째 질문 참고" if answer.drew_on_turn else ""
        out.append(click.style(f"(검색한 질의: {answer.query}{source})", dim=True))
    if answer.caution:
        out.append(click.style(f"주의: {answer.caution}", fg="yellow"))
    out.append(answer.summary)
    cited = [c for c in answer.citations if c.sentences]
    others = [c for c in answer.citations if not c.sentences]
    for heading, group in (("출처", cited), ("관련 구절 (요약에 쓰지 않음)", others)):
        if group:
            out += ["", click.style(heading, bold=True)]
        out += [line for c in group for line in _source(c)]
    offered = answer.suggestions if answer.abstained else answer.followups
    if offered:
        heading = "이런 질문은 어떨까요:" if answer.abstained else "이어서 물어볼 만한 질문:"
        out += ["", click.style(heading, bold=True), *(f"- {q}" for q in offered)]
    return "\n".join(out)


def _source(c: Any) -> list[str]:
    """A source: its number, where it is, and the beginning of the passage."""
    excerpt = c.passage.replace("\n", " ")
    return [
        f"[{c.n}] {c.place}  ({c.doc_id}, {c.start}–{c.end}자)",
        click.style("    " + (excerpt[:160] + "…" if len(excerpt) > 160 else excerpt), dim=True),
    ]
