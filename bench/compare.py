"""What changed between two runs of ``python -m bench.answers``, or of ``python -m bench.retrieval``.

    python -m bench.answers --out bench/results/answers-before.json
    # ... change the code ...
    python -m bench.answers
    python -m bench.compare bench/results/answers-before.json bench/results/answers.json
    python -m bench.compare BEFORE AFTER --only help,law_followups   # some collections
    python -m bench.compare BEFORE AFTER --leads                     # leads of every changed question
    python -m bench.compare retrieval-before.json bench/results/retrieval.json   # the default system

A setting that wins on one collection and loses on another is no win: for every collection and
follow-up set in both runs this prints the figures that moved, how many questions each figure
gained and lost, and every question or turn whose figures changed, each flag that turned said as
gained (``+``) or lost (``-``). Of ``bench.answers`` runs: ``first`` sentence, ``summary``, ``cited``
and ``answered`` (``-answered``: now abstained on), with the lead sentence before and after when it
changed. Of ``bench.retrieval`` runs (their default system): ``R@1`` and ``R@5`` of an answerable
question, ``answered`` of an answerable one and ``caught`` of one the collection does not answer,
with its rank before and after. A collection in one run only is named; a run written before the
benchmark kept its questions (``rows``) gives the figures alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The figures of a collection compared, as ``bench.answers`` and ``bench.retrieval`` write them.
FIGURES = (
    "first",
    "summary",
    "cited",
    "abstained",
    "median_chars",
    "R@1",
    "R@5",
    "R@10",
    "MRR@10",
    "false_abstention",
    "caught_offtopic",
)
#: The flags a question is judged by, in the order they are said.
FLAGS = ("first", "summary", "cited", "R@1", "R@5", "answered", "caught")
#: Characters of a lead shown.
LEAD_CHARS = 100
#: The system of a ``bench.retrieval`` run compared.
SYSTEM = "default"


@dataclass(frozen=True)
class Row:
    """One question or turn: its flags, and what is shown of it when they change (its lead, its rank)."""

    flags: dict[str, bool]
    shown: str


@dataclass(frozen=True)
class Run:
    """One collection of one run: its figures, and its questions (or turns) by key."""

    figures: dict[str, float]
    rows: dict[str, Row] | None


def _answer_row(row: Mapping[str, Any]) -> Row:
    flags = {k: bool(row.get(k)) for k in ("first", "summary", "cited")}
    return Row({**flags, "answered": not row.get("abstained")}, str(row.get("lead", "")))


def _retrieval_row(row: Mapping[str, Any]) -> Row:
    rank = row.get("rank")
    if not row.get("answerable", True):
        return Row({"caught": bool(row.get("abstained"))}, f"p {row.get('p')}")
    flags = {"R@1": rank == 1, "R@5": rank is not None and rank <= 5, "answered": not row.get("abstained")}
    return Row(flags, f"rank {rank if rank is not None else '-'}, p {row.get('p')}")


def _keyed(rows: Sequence[Mapping[str, Any]], key: str, make: Callable[[Mapping[str, Any]], Row]) -> dict[str, Row]:
    """Rows by their ``key`` field, a repeated key told apart by its occurrence ("누구인가? (2)")."""
    seen: Counter[str] = Counter()
    out: dict[str, Row] = {}
    for row in rows:
        name = str(row[key])
        seen[name] += 1
        out[name if seen[name] == 1 else f"{name} ({seen[name]})"] = make(row)
    return out


def runs(payload: Mapping[str, Any]) -> dict[str, Run]:
    """The collections of a ``bench.answers`` payload (judged question by question: ``overall`` and
    ``rows``; follow-up sets: figures at the top, ``turns`` keyed by id) or of a ``bench.retrieval``
    one (its :data:`SYSTEM` per collection)."""
    out: dict[str, Run] = {}
    if isinstance(payload.get("collections"), dict):
        for name, systems in payload["collections"].items():
            part = systems.get(SYSTEM, {})
            rows = _keyed(part["rows"], "question", _retrieval_row) if "rows" in part else None
            out[name] = Run({k: part[k] for k in FIGURES if k in part}, rows)
        return out
    for name, part in payload.items():
        if not isinstance(part, dict):
            continue
        if "overall" in part:
            rows = _keyed(part["rows"], "question", _answer_row) if "rows" in part else None
            out[name] = Run({k: part["overall"][k] for k in FIGURES if k in part["overall"]}, rows)
        elif "turns" in part:
            out[name] = Run({k: part[k] for k in FIGURES if k in part}, _keyed(part["turns"], "id", _answer_row))
    return out


def _flag_changes(before: Row, after: Row) -> list[str]:
    """``+first``, ``-cited`` … for the flags of one question that turned."""
    return [
        ("+" if after.flags[f] else "-") + f
        for f in FLAGS
        if f in before.flags and f in after.flags and before.flags[f] != after.flags[f]
    ]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LEAD_CHARS else text[: LEAD_CHARS - 1] + "…"


def compare(before: Mapping[str, Any], after: Mapping[str, Any], *, leads: bool = False) -> list[str]:
    """The lines that say what changed from ``before`` to ``after`` (two payloads of the same
    benchmark); ``leads``: also the questions whose lead (or rank) changed while their flags did not."""
    old, new = runs(before), runs(after)
    lines: list[str] = []
    for name in [*new, *(n for n in old if n not in new)]:
        if name not in old or name not in new:
            lines.append(f"{name}: only in the {'second' if name in new else 'first'} run")
            continue
        a, b = old[name], new[name]
        moved = [
            f"{k} {a.figures[k]} → {b.figures[k]}"
            for k in FIGURES
            if k in a.figures and k in b.figures and a.figures[k] != b.figures[k]
        ]
        changed: list[tuple[str, list[str], Row, Row]] = []
        if a.rows is not None and b.rows is not None:
            for key, row in b.rows.items():
                was = a.rows.get(key)
                if was is None:
                    continue
                flags = _flag_changes(was, row)
                if flags or (leads and was.shown != row.shown):
                    changed.append((key, flags, was, row))
        figures_only = a.rows is None or b.rows is None
        if not moved and not changed:
            lines.append(
                f"{name}: "
                + ("figures unchanged (no questions recorded in one of the runs)" if figures_only else "unchanged")
            )
            continue
        tally = Counter(f for _, flags, _, _ in changed for f in flags)
        counts = ", ".join(
            f"{f} +{tally['+' + f]} -{tally['-' + f]}" for f in FLAGS if tally["+" + f] or tally["-" + f]
        )
        lines.append(f"{name}: " + ("; ".join(moved) or "figures unchanged") + (f" ({counts})" if counts else ""))
        if figures_only:
            lines.append("  (no questions recorded in one of the runs: figures only)")
        for key, flags, was, row in changed:
            lines.append(f"  {' '.join(flags) or '(lead)'}  {key}")
            if was.shown != row.shown:
                lines.append(f"      was: {_short(was.shown)}")
                lines.append(f"      now: {_short(row.shown)}")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="A JSON file bench.answers or bench.retrieval wrote (--out).")
    parser.add_argument("after", type=Path, help="Another of the same benchmark, to compare with the first.")
    parser.add_argument("--only", default="", help="Comma-separated collections to compare (default: all).")
    parser.add_argument("--leads", action="store_true", help="Also list questions whose lead (or rank) changed alone.")
    args = parser.parse_args(argv)
    payloads = []
    for path in (args.before, args.after):
        try:
            payloads.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError) as exc:
            sys.exit(
                f"cannot read {path}: {exc} (write one with: python -m bench.answers --out {path}, or bench.retrieval)"
            )
    before, after = payloads
    if args.only:
        keep = {n.strip() for n in args.only.split(",") if n.strip()}
        if "collections" in before or "collections" in after:
            before = {**before, "collections": {k: v for k, v in before.get("collections", {}).items() if k in keep}}
            after = {**after, "collections": {k: v for k, v in after.get("collections", {}).items() if k in keep}}
        else:
            before = {k: v for k, v in before.items() if k in keep}
            after = {k: v for k, v in after.items() if k in keep}
    print("\n".join(compare(before, after, leads=args.leads)))


if __name__ == "__main__":
    main()
