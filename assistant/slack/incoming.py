"""Incoming Slack messages, read into what the bot needs (pure; no Slack library).

Slack encodes mentions, channels and links as ``<...>`` and escapes ``&<>``; emoji are
``:name:``. :func:`clean_text` turns that back into the plain question, and
:func:`read_message` decides which message events are the bot's to answer at all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: ``<@U123>`` or ``<@U123|name>``: a user mention.
_USER = re.compile(r"<@([A-Z0-9]+)(?:\|[^<>]*)?>")
#: Any other ``<...>`` markup: ``<#C1|general>``, ``<https://x|label>``, ``<!here>``.
_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
#: ``:emoji_name:`` (with at least one letter, so "3:2:1" is not an emoji), with a skin tone.
_EMOJI = re.compile(r":(?=[a-z0-9_+'\-]*[a-z])[a-z0-9_+'\-]+:(?::skin-tone-\d:)?")

#: Message subtypes that are a person writing to the bot; every other subtype is ignored.
ANSWERED_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})


@dataclass(frozen=True)
class Incoming:
    """A message a person sent, as the bot sees it."""

    channel: str
    ts: str
    #: The thread it belongs to: the parent's ``ts``, or its own when it starts one.
    thread_ts: str
    user: str | None
    #: The question, without mentions, emoji codes or Slack markup.
    text: str
    has_files: bool
    #: True for a reply inside an existing thread.
    in_thread: bool
    #: True in a direct message with the bot.
    is_dm: bool
    #: True when the raw text mentions the bot.
    mentions_bot: bool

    @property
    def key(self) -> str:
        """Identifies the message itself, whichever event (mention, message, retry) brings it."""
        return f"{self.channel}:{self.ts}"


def clean_text(text: str, bot_user_id: str | None = None) -> str:
    """The plain text of a Slack message.

    Mentions of users (the bot included) and emoji codes are dropped; ``<#C1|general>``
    and ``<https://x|label>`` become their labels, bare links stay; ``&amp;`` and the
    like are unescaped; whitespace is collapsed.
    """
    text = _USER.sub(" ", text)
    text = _MARKUP.sub(_markup_label, text)
    text = _EMOJI.sub(" ", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def _markup_label(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if label:
        return f" {label} "
    if target.startswith(("!", "#")):
        return " "
    return f" {target} "


def has_words(text: str) -> bool:
    """Whether ``text`` has a letter or a digit (an emoji-only message has none)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def mentions(text: str, user_id: str | None) -> bool:
    """Whether ``text`` mentions the user ``user_id``."""
    return bool(user_id) and any(m.group(1) == user_id for m in _USER.finditer(text))


def read_message(event: Mapping[str, Any], bot_user_id: str | None) -> Incoming | None:
    """The message of an ``app_mention`` or ``message`` event, or None when no person wrote it.

    Edits, deletions, joins and messages of bots (this one included) are None.
    """
    if event.get("bot_id") or event.get("subtype") not in ANSWERED_SUBTYPES:
        return None
    user = event.get("user")
    channel, ts = event.get("channel"), event.get("ts")
    if not isinstance(channel, str) or not isinstance(ts, str) or not channel or not ts:
        return None
    if (bot_user_id and user == bot_user_id) or not isinstance(user, str | None):
        return None
    raw = event.get("text")
    raw = raw if isinstance(raw, str) else ""
    parent = event.get("thread_ts")
    parent = parent if isinstance(parent, str) else None
    return Incoming(
        channel=channel,
        ts=ts,
        thread_ts=parent or ts,
        user=user,
        text=clean_text(raw, bot_user_id),
        has_files=bool(event.get("files")) or event.get("subtype") == "file_share",
        in_thread=bool(parent) and parent != ts,
        is_dm=event.get("channel_type") == "im" or str(channel).startswith("D"),
        mentions_bot=mentions(raw, bot_user_id),
    )


def session_id(team: str | None, channel: str, thread_ts: str) -> str:
    """The conversation of a Slack thread: ``slack:{team}:{channel}:{thread_ts}``."""
    return f"slack:{team or '-'}:{channel}:{thread_ts}"
