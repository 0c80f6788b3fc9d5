"""Korean templates that lay the chosen sentences out by the form of the question."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer.summarize import Picked

LEADS = {
    "definition": "",
    "general": "",
    "reason": "문서가 드는 이유:",
    "method": "문서가 제시하는 방법:",
    "list": "문서에서 찾은 항목:",
    "comparison": "문서에 나온 비교:",
}


def compose(form: str, picked: Sequence[Picked], sides: Sequence[str] = ()) -> str:
    """Lay the chosen sentences out by the template of the question's form."""
    lines = [f"{p.candidate.text} [{p.candidate.citation}]" for p in picked]
    if not lines:
        return ""
    if form == "comparison" and len(sides) == 2:
        return _compare(picked, sides)
    lead = LEADS.get(form, "")
    if form in ("list", "method", "reason") and len(lines) > 1:
        body = "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))
        return f"{lead}\n{body}"
    return (lead + "\n" if lead else "") + " ".join(lines)


def _compare(picked: Sequence[Picked], sides: Sequence[str]) -> str:
    groups: dict[str, list[str]] = {side: [] for side in sides}
    groups["양쪽 모두"] = []
    groups["그 밖에"] = []
    for p in picked:
        text = p.candidate.text
        hits = [s for s in sides if s in text]
        key = hits[0] if len(hits) == 1 else ("양쪽 모두" if hits else "그 밖에")
        groups[key].append(f"{text} [{p.candidate.citation}]")
    parts = [LEADS["comparison"]]
    parts += [f"- {side}: " + " ".join(items) for side, items in groups.items() if items]
    return "\n".join(parts)
