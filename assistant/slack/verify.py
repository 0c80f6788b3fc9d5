"""What ``/slack/events`` checks before anything parses a request.

Slack signs every request: ``X-Slack-Signature: v0=HMAC-SHA256(secret, "v0:{ts}:{body}")``
with ``X-Slack-Request-Timestamp: {ts}`` in Unix seconds. A request is answered at once,
without reaching the bot, when

* its timestamp is not a whole number of seconds within five minutes of now, or its
  signature does not match its raw bytes: 401;
* it is signed but its body is not what Slack sends (UTF-8; a JSON object, a form, or a
  form whose ``payload`` is a JSON object; objects where bolt reads objects): 400;
* it was seen before, signed the same (timestamp and signature) or carrying the same
  ``trigger_id``: a replay, acknowledged with 200 and not handled again.

Only then does slack-bolt, which would fail on such input, parse and dispatch it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from assistant.slack.bot import Seen

log = logging.getLogger("assistant.slack")

#: Seconds a request's timestamp may be from now (Slack's own rule).
WINDOW = 300
#: Digits of a plausible Unix time (until the year 33658).
MAX_TIMESTAMP_DIGITS = 12


@dataclass(frozen=True)
class Verdict:
    """How a request is answered without reaching the bot: its status and why (for the log)."""

    status: int
    reason: str


class RequestCheck:
    """Checks requests against the signing secret and remembers the signed ones it let through."""

    def __init__(self, secret: str, *, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret.encode()
        self._clock = clock
        # Twice the window: a request replayed later than that has a stale timestamp anyway.
        self._seen = Seen(ttl=2 * WINDOW)

    def verdict(self, headers: Mapping[str, str], body: bytes) -> Verdict | None:
        """None when the request may go to the bot; otherwise how to answer it now."""
        timestamp = headers.get("x-slack-request-timestamp", "")
        signature = headers.get("x-slack-signature", "")
        problem = self._unsigned(timestamp, signature, body)
        if problem:
            return Verdict(401, problem)
        payload = read_body(body, headers.get("content-type"))
        if payload is None or not readable(payload):
            return Verdict(400, "signed, but the body is not what Slack sends")
        keys = [f"signed:{timestamp}:{signature}"]
        if trigger := payload.get("trigger_id"):
            keys.append(f"trigger:{trigger}")
        fresh = [self._seen.first(key) for key in keys]  # every key is remembered
        if not all(fresh):
            return Verdict(200, "replay of a request already handled")
        return None

    def _unsigned(self, timestamp: str, signature: str, body: bytes) -> str | None:
        """Why the request is not signed by Slack now, or None when it is."""
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= MAX_TIMESTAMP_DIGITS):
            return "no valid X-Slack-Request-Timestamp"
        if abs(self._clock() - int(timestamp)) > WINDOW:
            return "timestamp more than five minutes from now"
        expected = "v0=" + hmac.new(self._secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
            return "wrong signature"
        return None


def read_body(body: bytes, content_type: str | None) -> dict[str, Any] | None:
    """The body as slack-bolt will read it, or None when bolt could not (it would fail)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text:
        return {}
    try:
        if content_type == "application/json" or text.startswith("{"):
            data: Any = json.loads(text)
        else:
            form = dict(parse_qsl(text, keep_blank_values=True))
            data = json.loads(form["payload"]) if "payload" in text and "payload" in form else form
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


#: Fields bolt reads as objects (``payload["event"].get(...)``), wherever they appear.
OBJECTS = frozenset({"event", "view", "message", "previous_message", "item", "assistant_thread", "function_data"})
#: Fields that are an object in some requests and an id (or null) in others.
OBJECTS_OR_IDS = frozenset({"team", "user", "channel", "container", "enterprise"})
#: Fields bolt reads as lists of objects.
LISTS = frozenset({"authorizations", "actions"})


def readable(payload: dict[str, Any], depth: int = 3) -> bool:
    """Whether the fields bolt reads before any listener runs have the types it expects."""
    for key, value in payload.items():
        if key in OBJECTS and not isinstance(value, dict):
            return False
        if key in OBJECTS_OR_IDS and not isinstance(value, dict | str | None):
            return False
        if key in LISTS and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            return False
        if key in OBJECTS | OBJECTS_OR_IDS | LISTS and depth:
            nested = value if isinstance(value, list) else [value]
            if not all(readable(v, depth - 1) for v in nested if isinstance(v, dict)):
                return False
    for key in ("type", "trigger_id", "team_id", "event_id"):
        if key in payload and not isinstance(payload[key], str):
            return False
    return True
