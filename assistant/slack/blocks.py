"""Answers as Slack messages: Block Kit blocks and the fallback text, within Slack's limits.

Pure functions over :class:`~assistant.answer.schema.Answer`; nothing here talks to Slack. A message
is the summary (one or more sections), a context line with the searched query when a
follow-up was rewritten, then the numbered sources with document, section and a short quote.
Text from documents and users is escaped for mrkdwn (``&``, ``<``, ``>``), and every text
is cut to Slack's limits after escaping, never inside an escape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant import Answer, Citation

#: Longest text of a section block (characters).
SECTION_LIMIT = 3000
#: Most blocks in one message.
MAX_BLOCKS = 50
#: Longest fallback text (shown in notifications and by clients without Block Kit).
TEXT_LIMIT = 3000
#: Most sections the summary may take (a summary longer than this is cut).
MAX_SUMMARY_SECTIONS = 4
#: Longest quote of a source and longest document/section label (characters, before escaping).
QUOTE_CHARS = 200
LABEL_CHARS = 300
#: ``action_id`` of the "share to the channel" button of an ``/ask`` answer.
SHARE_ACTION = "share_answer"
SHARE_LABEL = "채널에 공유"
ELLIPSIS = "…"

Block = dict[str, Any]

_TOKEN = re.compile(r"\S*\s*")


@dataclass(frozen=True)
class Message:
    """A Slack message: the fallback ``text`` and the ``blocks`` shown instead of it."""

    text: str
    blocks: list[Block]

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``chat.postMessage`` or ``respond``."""
        return {"text": self.text, "blocks": self.blocks}


def escape(text: str) -> str:
    """Escape the three characters mrkdwn reserves: ``&``, ``<`` and ``>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def split_escaped(text: str, limit: int) -> list[str]:
    """``text`` escaped and cut into pieces of at most ``limit`` characters.

    Pieces end at whitespace where possible; a word longer than ``limit`` is cut between
    characters, never inside an escape such as ``&amp;``.
    """
    pieces: list[str] = []
    current = ""
    for token in _escaped_tokens(text, limit):
        if current and len(current) + len(token) > limit:
            pieces.append(current)
            current = ""
        current += token
    if current:
        pieces.append(current)
    return [p.strip() for p in pieces if p.strip()]


def _escaped_tokens(text: str, limit: int) -> list[str]:
    """Words with their trailing whitespace, escaped, each at most ``limit`` characters."""
    out = []
    for raw in _TOKEN.findall(text):
        token = escape(raw)
        if len(token) <= limit:
            out.append(token)
            continue
        part = ""
        for ch in raw:
            esc = escape(ch)
            if len(part) + len(esc) > limit:
                out.append(part)
                part = ""
            part += esc
        out.append(part)
    return [t for t in out if t]


def fit(text: str, limit: int) -> str:
    """``text`` escaped, cut with an ellipsis when it is longer than ``limit``."""
    pieces = split_escaped(text, limit - len(ELLIPSIS))
    if not pieces:
        return ""
    if len(pieces) == 1 and len(escape(text.strip())) <= limit:
        return escape(text.strip())
    return pieces[0] + ELLIPSIS


def section(mrkdwn: str) -> Block:
    """A section block of (already escaped) mrkdwn."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def context(mrkdwn: str) -> Block:
    """A context block (small grey text) of (already escaped) mrkdwn."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn}]}


def text_message(mrkdwn: str) -> Message:
    """A one-section message (help, apology); ``mrkdwn`` is already escaped where needed."""
    body = mrkdwn[:SECTION_LIMIT]
    return Message(text=body[:TEXT_LIMIT], blocks=[section(body)])


def quote(c: Citation, limit: int = QUOTE_CHARS) -> str:
    """A short quote of a passage: the first sentence the summary uses, else its beginning."""
    text = c.sentences[0].text if c.sentences else c.passage
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def citation_block(c: Citation) -> Block:
    """A numbered source: document and section, file and span, and a quote."""
    where = fit(c.place, LABEL_CHARS)
    doc = fit(c.doc_id, LABEL_CHARS)
    return section(f"*[{c.n}]* {where}\n`{doc}` · {c.start}–{c.end}자\n>{escape(quote(c))}")


def summary_blocks(summary: str) -> list[Block]:
    """The summary in as many sections as it needs (at most :data:`MAX_SUMMARY_SECTIONS`)."""
    pieces = split_escaped(summary, SECTION_LIMIT - len(ELLIPSIS)) or [escape(summary)]
    if len(pieces) > MAX_SUMMARY_SECTIONS:
        pieces = pieces[:MAX_SUMMARY_SECTIONS]
        pieces[-1] += ELLIPSIS
    return [section(p) for p in pieces]


def query_line(answer: Answer) -> str | None:
    """The context line saying what was searched, when a follow-up was rewritten."""
    if answer.query == answer.question:
        return None
    line = f"🔎 검색한 질의: {fit(answer.query, 1000)}"
    if answer.drew_on_turn:
        line += f" ({answer.drew_on_turn}번째 질문에 이어서)"
    return line


def share_button(value: str) -> Block:
    """The actions block with the button that posts an ephemeral answer to the channel."""
    button = {
        "type": "button",
        "action_id": SHARE_ACTION,
        "text": {"type": "plain_text", "text": SHARE_LABEL},
        "style": "primary",
        "value": value,
    }
    return {"type": "actions", "elements": [button]}


def answer_message(answer: Answer, *, asked_by: str | None = None, share_value: str | None = None) -> Message:
    """The message for ``answer``.

    ``asked_by`` (a user id) adds who asked and the question, for an answer shared to a
    channel; ``share_value`` adds the "채널에 공유" button carrying that value.
    """
    head: list[Block] = []
    if answer.notice:
        head.append(context(f"ℹ️ {fit(answer.notice, 1000)}"))
    if asked_by:
        head.append(context(f"<@{asked_by}>님의 질문: {fit(answer.question, 1000)}"))
    if answer.caution:
        head.append(context(f"⚠️ {fit(answer.caution, 1000)}"))
    head.extend(summary_blocks(body_text(answer)))
    if line := query_line(answer):
        head.append(context(line))
    tail = [share_button(share_value)] if share_value else []
    return Message(text=fallback_text(answer), blocks=head + source_blocks(answer, len(head) + len(tail)) + tail)


def source_blocks(answer: Answer, used: int) -> list[Block]:
    """A divider and one block per citation, within the blocks left after ``used``."""
    if not answer.citations:
        return []
    room = MAX_BLOCKS - used - 1
    cited = answer.citations
    blocks = [{"type": "divider"}]
    if len(cited) <= room:
        return blocks + [citation_block(c) for c in cited]
    shown = cited[: room - 1]
    blocks += [citation_block(c) for c in shown]
    blocks.append(context(f"출처 {len(cited) - len(shown)}개는 길이 제한으로 생략했습니다."))
    return blocks


def body_text(answer: Answer) -> str:
    """The summary; for an abstention, followed by the questions the documents can answer
    (one message: what they cover is in the summary)."""
    if not (answer.abstained and answer.suggestions):
        return answer.summary
    return "\n".join([answer.summary, "", "이런 질문은 어떨까요:", *(f"• {q}" for q in answer.suggestions)])


def fallback_text(answer: Answer) -> str:
    """Plain text of the answer: the summary, then one line per source."""
    lines = [body_text(answer)]
    lines += [f"[{c.n}] {c.place}" for c in answer.citations]
    return fit("\n".join(lines), TEXT_LIMIT)
