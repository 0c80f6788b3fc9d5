"""What changed between two runs of ``python -m bench.answers``.

    python -m bench.answers --out bench/results/answers-before.json
    # ... change the code ...
    python -m bench.answers
    python -m bench.compare bench/results/answers-before.json bench/results/answers.json
    python -m bench.compare BEFORE AFTER --only help,law_followups   # some collections
    python -m bench.compare BEFORE AFTER --leads                     # leads of every changed question

A setting that wins on one collection and loses on another is no win: for every collection and
follow-up set in both runs this prints the figures that moved (first sentence, summary, cited,
abstained, median summary length), how many questions each figure gained and lost, and every
question or turn whose figures changed (``+first`` gained, ``-summary`` lost, ``-answered`` now
abstained on), its lead sentence
before and after when the lead changed. A collection in one run only is named; a run written
before ``bench.answers`` kept its questions (``rows``) gives the figures alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The figures of a collection compared, as ``bench.answers`` writes them.
FIGURES = ("first", "summary", "cited", "abstained", "median_chars")
#: What each question or turn is judged by.
FLAGS = ("first", "summary", "cited", "abstained")
#: Characters of a lead shown.
LEAD_CHARS = 100


@dataclass(frozen=True)
class Run:
    """One collection of one run: its figures, and its questions (or turns) by key."""

    figures: dict[str, float]
    rows: dict[str, dict[str, Any]] | None


def runs(payload: Mapping[str, Any]) -> dict[str, Run]:
    """The collections of a ``bench.answers`` payload: those judged question by question (their
    ``overall`` figures and ``rows``, a repeated question keyed by its occurrence) and the follow-up
    sets (figures at the top, ``turns`` keyed by id)."""
    out: dict[str, Run] = {}
    for name, part in payload.items():
        if not isinstance(part, dict):
            continue
        if "overall" in part:
            rows: dict[str, dict[str, Any]] | None = None
            if "rows" in part:
                seen: Counter[str] = Counter()
                rows = {}
                for row in part["rows"]:
                    seen[row["question"]] += 1
                    n = seen[row["question"]]
                    rows[row["question"] if n == 1 else f"{row['question']} ({n})"] = row
            out[name] = Run({k: part["overall"][k] for k in FIGURES if k in part["overall"]}, rows)
        elif "turns" in part:
            turns = {t["id"]: t for t in part["turns"]}
            out[name] = Run({k: part[k] for k in FIGURES if k in part}, turns)
    return out


def _flag_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """``+first``, ``-cited`` … for the flags of one question that changed; abstaining is said as
    ``-answered``, answering again as ``+answered``."""
    out = []
    for flag in FLAGS:
        was, now = bool(before.get(flag)), bool(after.get(flag))
        if was != now:
            better = now if flag != "abstained" else not now
            out.append(("+" if better else "-") + _SAID.get(flag, flag))
    return out


#: How a flag is said where it changed: a question abstained on is one no longer answered.
_SAID = {"abstained": "answered"}


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LEAD_CHARS else text[: LEAD_CHARS - 1] + "…"


def compare(before: Mapping[str, Any], after: Mapping[str, Any], *, leads: bool = False) -> list[str]:
    """The lines that say what changed from ``before`` to ``after`` (two ``bench.answers`` payloads);
    ``leads``: also the questions whose lead changed while their figures did not."""
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
        changed: list[tuple[str, list[str], dict[str, Any], dict[str, Any]]] = []
        if a.rows is not None and b.rows is not None:
            for key, row in b.rows.items():
                was = a.rows.get(key)
                if was is None:
                    continue
                flags = _flag_changes(was, row)
                if flags or (leads and was.get("lead") != row.get("lead")):
                    changed.append((key, flags, was, row))
        if not moved and not changed:
            figures_only = a.rows is None or b.rows is None
            lines.append(
                f"{name}: "
                + ("figures unchanged (no questions recorded in one of the runs)" if figures_only else "unchanged")
            )
            continue
        tally = Counter(f for _, flags, _, _ in changed for f in flags)
        said = [_SAID.get(flag, flag) for flag in FLAGS]
        counts = ", ".join(f"{f} +{tally['+' + f]} -{tally['-' + f]}" for f in said if tally["+" + f] or tally["-" + f])
        lines.append(f"{name}: " + ("; ".join(moved) or "figures unchanged") + (f" ({counts})" if counts else ""))
        if a.rows is None or b.rows is None:
            lines.append("  (no questions recorded in one of the runs: figures only)")
        for key, flags, was, row in changed:
            lines.append(f"  {' '.join(flags) or '(lead)'}  {key}")
            if was.get("lead") != row.get("lead"):
                lines.append(f"      was: {_short(str(was.get('lead', '')))}")
                lines.append(f"      now: {_short(str(row.get('lead', '')))}")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="A JSON file bench.answers wrote (--out).")
    parser.add_argument("after", type=Path, help="Another, to compare with the first.")
    parser.add_argument("--only", default="", help="Comma-separated collections to compare (default: all).")
    parser.add_argument("--leads", action="store_true", help="Also list questions whose lead changed alone.")
    args = parser.parse_args(argv)
    payloads = []
    for path in (args.before, args.after):
        try:
            payloads.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError) as exc:
            sys.exit(f"cannot read {path}: {exc} (write one with: python -m bench.answers --out {path})")
    before, after = payloads
    if args.only:
        keep = {n.strip() for n in args.only.split(",") if n.strip()}
        before = {k: v for k, v in before.items() if k in keep}
        after = {k: v for k, v in after.items() if k in keep}
    print("\n".join(compare(before, after, leads=args.leads)))


if __name__ == "__main__":
    main()
