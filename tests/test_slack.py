"""The Slack bot end to end: signed requests to ``/slack/events`` on the real app, replies
recorded by a local stand-in for the Slack Web API (and for response URLs).

The engine is the real one over the golden corpus with the fake embedder; it only adds two
questions that fail ("고장", "색인") and one that waits for the test ("천천히").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from click.testing import CliRunner
from conftest import FakeEmbedder, mrkdwn_of
from fastapi.testclient import TestClient
from httpx import Response
from pydantic import SecretStr

from assistant.answer.engine import Engine
from assistant.answer.schema import Answer
from assistant.cli.commands import main
from assistant.errors import ConfigError, IndexMissingError
from assistant.settings import Settings
from assistant.slack.blocks import SHARE_ACTION
from assistant.slack.bot import ASK_USAGE, EXPIRED, FILES, SORRY, Seen
from assistant.slack.http import EVENTS_PATH, SlackEndpoint
from assistant.text.korean import KoreanAnalyzer
from assistant.web import create_app

SECRET = "test-signing-secret"
TEAM, CHANNEL, DM, USER = "T1", "C1", "D1", "U1"
BOT_USER, BOT_ID = "UBOT", "BBOT"
SUBWAY = "서울의 지하철은 몇 개 노선인가?"
WAIT = 10.0


# ---------------------------------------------------------------------------
# A local stand-in for the Slack Web API and response URLs


@dataclass
class Call:
    """One request the bot made: the API method (or ``response:<id>``) and its arguments."""

    method: str
    args: dict[str, Any]


@dataclass
class Recorder:
    """Records every call and answers ``{"ok": true, ...}`` (or an error for ``failing`` methods)."""

    calls: list[Call] = field(default_factory=list)
    failing: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def record(self, path: str, content_type: str, raw: bytes) -> dict[str, Any]:
        args = json.loads(raw or b"{}") if "json" in content_type else dict(parse_qsl(raw.decode()))
        method = path.removeprefix("/api/") if path.startswith("/api/") else "response:" + path.rsplit("/", 1)[-1]
        with self.lock:
            self.calls.append(Call(method, args))
        if method in self.failing:
            return {"ok": False, "error": "channel_not_found"}
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": BOT_ID, "team_id": TEAM, "user": "assistant"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": args.get("channel"), "ts": f"{time.time():.6f}"}
        return {"ok": True}

    def of(self, prefix: str) -> list[dict[str, Any]]:
        """Arguments of the calls whose method starts with ``prefix``."""
        with self.lock:
            return [c.args for c in self.calls if c.method.startswith(prefix)]

    def posts(self) -> list[dict[str, Any]]:
        return self.of("chat.postMessage")


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            reply = recorder.record(self.path, self.headers.get("Content-Type", ""), raw)
            body = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    rec.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(rec))
    thread = threading.Thread(target=rec.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()


# ---------------------------------------------------------------------------
# The app under test


class ControlledEngine(Engine):
    """The real engine; "고장" raises a bug, "색인" a missing index, "천천히" waits for ``gate``."""

    gate = threading.Event()

    def ask(self, question: str, *args: Any, **kwargs: Any) -> Answer:
        if "고장" in question:
            raise RuntimeError("engine broke")
        if "색인" in question:
            raise IndexMissingError("색인이 없습니다.", hint="assistant index")
        if "천천히" in question:
            assert self.gate.wait(WAIT)
        return super().ask(question, *args, **kwargs)


def sign(body: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    """The headers Slack sends: the timestamp and ``v0=HMAC-SHA256(v0:{ts}:{body})``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Slack:
    """Sends what Slack would send to the app; reads what the bot sent back."""

    client: TestClient
    recorder: Recorder
    engine: ControlledEngine
    _ids: Iterator[int] = field(default_factory=lambda: iter(range(1, 10**6)))

    @property
    def endpoint(self) -> SlackEndpoint:
        endpoint = self.client.app.state.slack  # type: ignore[attr-defined]
        assert isinstance(endpoint, SlackEndpoint)
        return endpoint

    def ts(self) -> str:
        return f"1700000000.{next(self._ids):06d}"

    def send(
        self, body: str, content_type: str, headers: dict[str, str] | None = None, *, timestamp: int | None = None
    ) -> Response:
        all_headers = {"Content-Type": content_type, **sign(body, timestamp), **(headers or {})}
        return self.client.post("/slack/events", content=body.encode(), headers=all_headers)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry: int | None = None,
        timestamp: int | None = None,
    ) -> Response:
        body = {
            "token": "unused",
            "team_id": TEAM,
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids)}",
            "event_time": int(time.time()),
            "event": event,
        }
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.send(json.dumps(body, ensure_ascii=False), "application/json", headers, timestamp=timestamp)

    def mention(self, text: str, *, ts: str | None = None, thread_ts: str | None = None, **extra: Any) -> str:
        """Post ``@bot text`` in the channel; returns the message's ts."""
        ts = ts or self.ts()
        event = {"type": "app_mention", "user": USER, "text": f"<@{BOT_USER}> {text}", "ts": ts, "channel": CHANNEL}
        if thread_ts:
            event["thread_ts"] = thread_ts
        assert self.event({**event, **extra}).status_code == 200
        return ts

    def message(self, text: str, *, channel: str = DM, thread_ts: str | None = None, **extra: Any) -> str:
        """A ``message`` event (in a DM by default); returns its ts."""
        ts = extra.pop("ts", None) or self.ts()
        event = {"type": "message", "user": USER, "text": text, "ts": ts, "channel": channel}
        event["channel_type"] = "im" if channel.startswith("D") else "channel"
        if thread_ts:
            event["thread_ts"] = thread_ts
        assert self.event({**event, **extra}).status_code == 200
        return ts

    def command(self, text: str) -> Response:
        form = {
            "command": "/ask",
            "text": text,
            "team_id": TEAM,
            "channel_id": CHANNEL,
            "user_id": USER,
            "trigger_id": f"trig{next(self._ids)}",
            "response_url": f"{self.recorder.url}/response/command",
        }
        return self.send(urlencode(form), "application/x-www-form-urlencoded")

    def click_share(self, value: str) -> Response:
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": USER},
            "channel": {"id": CHANNEL},
            "container": {"type": "message", "is_ephemeral": True},
            "trigger_id": f"trig{next(self._ids)}",
            "response_url": f"{self.recorder.url}/response/action",
            "actions": [{"type": "button", "action_id": SHARE_ACTION, "block_id": "b", "value": value}],
        }
        return self.send(
            urlencode({"payload": json.dumps(payload, ensure_ascii=False)}), "application/x-www-form-urlencoded"
        )

    def settle(self) -> None:
        """Wait until the bot has finished every reply it started."""
        assert self.endpoint.workers.wait_idle(WAIT)

    def posts(self) -> list[dict[str, Any]]:
        self.settle()
        return self.recorder.posts()

    def conversation(self) -> Any:
        """The bot's conversations (a store of their own, apart from the HTTP API's)."""
        return self.client.app.state.services.slack_conversation  # type: ignore[attr-defined]


def slack_settings(settings: Settings, recorder: Recorder, **extra: Any) -> Settings:
    return settings.model_copy(
        update={
            "abstain": False,
            "slack_bot_token": SecretStr("xoxb-test"),
            "slack_signing_secret": SecretStr(SECRET),
            "slack_api_url": f"{recorder.url}/api/",
            **extra,
        }
    )


@pytest.fixture
def slack(settings: Settings, analyzer: KoreanAnalyzer, recorder: Recorder) -> Iterator[Slack]:
    config = slack_settings(settings, recorder)
    engine = ControlledEngine(config, embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    ControlledEngine.gate = threading.Event()
    with TestClient(create_app(config, engine=engine, follow_interval=3600)) as client:
        yield Slack(client, recorder, engine)
        ControlledEngine.gate.set()
        assert Slack(client, recorder, engine).endpoint.workers.wait_idle(WAIT)


def session_of(channel: str, thread_ts: str) -> str:
    return f"slack:{TEAM}:{channel}:{thread_ts}"


# ---------------------------------------------------------------------------
# Mentions, direct messages, threads


def test_a_mention_is_answered_in_its_thread_with_summary_and_sources(slack: Slack) -> None:
    ts = slack.mention(SUBWAY)
    [post] = slack.posts()
    assert (post["channel"], post["thread_ts"]) == (CHANNEL, ts)
    shown = mrkdwn_of(post["blocks"])
    assert "서울의 지하철은 아홉 개 노선으로 이루어져 있다. [1]" in shown[0]
    sources = [t for t in shown if t.startswith("*[")]
    assert sources[0].startswith("*[1]* 서울 안내 › 교통\n`서울.md` · ")
    assert "\n>서울의 지하철은 아홉 개 노선으로 이루어져 있다." in sources[0]
    assert [s.split("*")[1] for s in sources] == [f"[{n}]" for n in range(1, len(sources) + 1)]
    assert not any("검색한 질의" in t for t in shown)  # the question was searched as it is
    assert post["text"].startswith("서울의 지하철은 아홉 개 노선으로")
    history = slack.conversation().history(session_of(CHANNEL, ts))
    assert [a.question for a in history] == [SUBWAY]


def test_a_direct_message_is_answered_in_a_thread(slack: Slack) -> None:
    ts = slack.message("제주 해녀는 무엇을 따나요?")
    [post] = slack.posts()
    assert (post["channel"], post["thread_ts"]) == (DM, ts)
    assert "해녀는 바다에 들어가 전복과 소라를 딴다." in mrkdwn_of(post["blocks"])[0]


def test_a_reply_in_the_thread_is_a_follow_up_in_the_same_session(slack: Slack) -> None:
    root = slack.mention("제주도의 산업은?")
    slack.settle()
    slack.message("서울은?", channel=CHANNEL, thread_ts=root)
    first, second = slack.posts()
    assert first["thread_ts"] == second["thread_ts"] == root
    assert "🔎 검색한 질의: 서울 산업 (1번째 질문에 이어서)" in mrkdwn_of(second["blocks"])
    history = slack.conversation().history(session_of(CHANNEL, root))
    assert [(a.turn, a.question, a.query, a.followup) for a in history] == [
        (1, "제주도의 산업은?", "제주도의 산업은?", None),
        (2, "서울은?", "서울 산업", "ellipsis"),
    ]


def test_a_mention_inside_a_thread_continues_that_thread(slack: Slack) -> None:
    root = slack.message("다른 사람의 글", channel=CHANNEL)  # not for the bot: no reply
    slack.mention("제주도의 산업은?", thread_ts=root)
    slack.message("서울은?", channel=CHANNEL, thread_ts=root)
    posts = slack.posts()
    assert [p["thread_ts"] for p in posts] == [root, root]
    assert len(slack.conversation().history(session_of(CHANNEL, root))) == 2


def test_channel_messages_not_for_the_bot_are_ignored(slack: Slack) -> None:
    slack.message(SUBWAY, channel=CHANNEL)  # top level, no mention
    slack.message(SUBWAY, channel=CHANNEL, thread_ts="1600000000.000001")  # a thread the bot is not in
    assert slack.posts() == []


def test_a_message_brought_by_two_events_is_answered_once(slack: Slack) -> None:
    ts = slack.mention(SUBWAY)
    slack.message(f"<@{BOT_USER}> {SUBWAY}", channel=CHANNEL, ts=ts)  # the message event of the same mention
    dm = slack.message(f"<@{BOT_USER}> {SUBWAY}")
    slack.event({"type": "app_mention", "user": USER, "text": f"<@{BOT_USER}> {SUBWAY}", "ts": dm, "channel": DM})
    # each message answered once; the two are answered side by side, so in either order
    assert sorted(p["thread_ts"] for p in slack.posts()) == sorted([ts, dm])


def test_a_thread_whose_conversation_expired_starts_again_and_says_so(slack: Slack) -> None:
    root = slack.mention("제주도의 산업은?")
    slack.settle()
    store = slack.conversation().store
    store.clock = lambda: time.time() + 100 * 3600  # later than the time to live
    slack.message("서울은?", channel=CHANNEL, thread_ts=root)
    reply = slack.posts()[-1]
    assert reply["thread_ts"] == root
    assert f"ℹ️ {EXPIRED}" in mrkdwn_of(reply["blocks"])
    assert [a.question for a in slack.conversation().history(session_of(CHANNEL, root))] == ["서울은?"]


# ---------------------------------------------------------------------------
# Slack's rules: acknowledgement, retries, bots, signatures


def test_events_are_acknowledged_before_the_answer_is_ready(slack: Slack) -> None:
    started = time.monotonic()
    ts = slack.mention("천천히 서울의 지하철은?")
    assert time.monotonic() - started < 3.0
    assert slack.recorder.posts() == []  # acknowledged, still answering
    ControlledEngine.gate.set()
    [post] = slack.posts()
    assert post["thread_ts"] == ts


def test_a_retried_event_is_not_answered_twice(slack: Slack, caplog: pytest.LogCaptureFixture) -> None:
    event = {
        "type": "app_mention",
        "user": USER,
        "text": f"<@{BOT_USER}> {SUBWAY}",
        "ts": slack.ts(),
        "channel": CHANNEL,
    }
    assert slack.event(event, event_id="EvSame").status_code == 200
    with caplog.at_level(logging.INFO, logger="assistant.slack"):  # Slack retries 3 s later, signed anew
        response = slack.event(event, event_id="EvSame", retry=1, timestamp=int(time.time()) + 3)
    assert response.status_code == 200
    assert len(slack.posts()) == 1
    assert "event EvSame already received, retry 1 dropped" in caplog.text


def test_a_retry_of_an_event_never_received_is_answered(slack: Slack) -> None:
    ts = slack.ts()
    event = {"type": "app_mention", "user": USER, "text": f"<@{BOT_USER}> {SUBWAY}", "ts": ts, "channel": CHANNEL}
    assert slack.event(event, event_id="EvLost", retry=2).status_code == 200  # the first delivery was lost
    assert [p["thread_ts"] for p in slack.posts()] == [ts]


@pytest.mark.parametrize(
    "event",
    [
        {"subtype": "bot_message", "bot_id": "BOTHER", "user": None},  # another bot
        {"bot_id": "BOTHER", "user": "UOTHERBOT"},  # another bot posting as its user
        {"bot_id": BOT_ID, "user": BOT_USER},  # the bot's own reply
        {"user": BOT_USER},  # the bot's own message
        {"subtype": "message_changed"},  # an edit
    ],
)
def test_messages_of_bots_and_edits_are_ignored(slack: Slack, event: dict[str, Any]) -> None:
    slack.message(SUBWAY, **event)
    slack.message(SUBWAY, channel=CHANNEL, thread_ts="1", **event)
    slack.event(
        {"type": "app_mention", "text": f"<@{BOT_USER}> {SUBWAY}", "ts": slack.ts(), "channel": CHANNEL, **event}
    )
    assert slack.posts() == []


def test_the_bot_does_not_answer_its_own_reply_in_its_thread(slack: Slack) -> None:
    root = slack.mention(SUBWAY)
    slack.settle()
    slack.message(
        "서울의 지하철은 아홉 개 노선으로 이루어져 있다. [1]",
        channel=CHANNEL,
        thread_ts=root,
        user=BOT_USER,
        bot_id=BOT_ID,
    )
    assert len(slack.posts()) == 1


@pytest.mark.parametrize(
    ("secret", "age"),
    [("wrong-secret", 0), (SECRET, 6 * 60)],
    ids=["wrong signature", "stale timestamp"],
)
def test_unsigned_or_stale_requests_get_401_and_no_reply(slack: Slack, secret: str, age: int) -> None:
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": TEAM,
            "event_id": "EvForged",
            "event": {
                "type": "app_mention",
                "user": USER,
                "text": f"<@{BOT_USER}> {SUBWAY}",
                "ts": "1.1",
                "channel": CHANNEL,
            },
        }
    )
    headers = {"Content-Type": "application/json", **sign(body, int(time.time()) - age, secret)}
    response = slack.client.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 401
    slack.settle()
    assert slack.recorder.calls == []


GOOD_EVENT = json.dumps(
    {
        "type": "event_callback",
        "team_id": TEAM,
        "event_id": "EvMalformed",
        "event": {
            "type": "app_mention",
            "user": USER,
            "text": f"<@{BOT_USER}> {SUBWAY}",
            "ts": "2.2",
            "channel": CHANNEL,
        },
    }
).encode()


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize(
    "timestamp",
    ["abc", "1.5", "", " 1700000000", "١٧٠٠٠٠٠٠٠٠", "9" * 40, None],
    ids=["letters", "fraction", "empty", "space", "arabic-digits", "huge", "missing"],
)
def test_a_malformed_timestamp_is_401_before_anything_is_parsed(
    slack: Slack, caplog: pytest.LogCaptureFixture, timestamp: str | None
) -> None:
    headers: dict[str, Any] = {"Content-Type": "application/json", "X-Slack-Signature": "v0=00"}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp.encode()  # as raw bytes (not all are ASCII)
    with caplog.at_level(logging.INFO):
        response = slack.client.post("/slack/events", content=GOOD_EVENT, headers=headers)
    assert response.status_code == 401
    no_traceback(caplog)
    assert slack.posts() == []


MALFORMED_BODIES = {
    "not JSON": (b"{oops", "application/json"),
    "not UTF-8": (b'{"type": "event_callback", "x": "\xff\xfe"}', "application/json"),
    "a JSON array": (b'[{"type": "event_callback"}]', "application/json"),
    "a JSON string": (b'"event_callback"', "application/json"),
    "deeply nested JSON": (b"{" + b'"a":[' * 50_000 + b"]" * 50_000 + b"}", "application/json"),
    "a payload that is not JSON": (b"payload=%7Bnot+json", "application/x-www-form-urlencoded"),
    "a payload that is a list": (b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
    "a form that is not UTF-8": (b"command=%2Fask&text=\xed\xa0\x80", "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("name", list(MALFORMED_BODIES))
def test_a_malformed_body_is_401_unsigned_and_400_signed(
    slack: Slack, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    body, content_type = MALFORMED_BODIES[name]
    forged = hmac.new(b"wrong", b"v0:1:" + body, hashlib.sha256).hexdigest()
    now = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + now.encode() + b":" + body, hashlib.sha256).hexdigest()
    with caplog.at_level(logging.INFO):
        unsigned = slack.client.post(
            "/slack/events",
            content=body,
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": now,
                "X-Slack-Signature": f"v0={forged}",
            },
        )
        signed = slack.client.post(
            "/slack/events",
            content=body,
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": now,
                "X-Slack-Signature": f"v0={digest}",
            },
        )
    assert (unsigned.status_code, signed.status_code) == (401, 400)
    no_traceback(caplog)
    assert slack.posts() == []


@pytest.mark.parametrize(
    "body",
    [
        {"type": "event_callback", "team_id": TEAM, "event_id": "EvOdd1", "event": "not an object"},
        {"type": "event_callback", "team_id": TEAM, "event_id": "EvOdd2", "event": {"type": "app_mention", "text": 5}},
        {"type": ["event_callback"], "team_id": {"id": TEAM}},
        {},
    ],
)
def test_a_signed_body_with_fields_of_the_wrong_type_is_never_a_500(
    slack: Slack, caplog: pytest.LogCaptureFixture, body: dict[str, Any]
) -> None:
    with caplog.at_level(logging.INFO):
        response = slack.send(json.dumps(body), "application/json")
    assert response.status_code < 500
    slack.settle()
    no_traceback(caplog)
    assert slack.recorder.posts() == []


def test_a_replayed_ask_command_is_acknowledged_and_answered_once(slack: Slack) -> None:
    form = urlencode(
        {
            "command": "/ask",
            "text": SUBWAY,
            "team_id": TEAM,
            "channel_id": CHANNEL,
            "user_id": USER,
            "trigger_id": "trigReplay",
            "response_url": f"{slack.recorder.url}/response/replay",
        }
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(form)}
    first = slack.client.post("/slack/events", content=form.encode(), headers=headers)
    again = slack.client.post("/slack/events", content=form.encode(), headers=headers)  # the same bytes
    resigned = slack.send(form, "application/x-www-form-urlencoded", timestamp=int(time.time()) + 2)  # same trigger
    assert (first.status_code, again.status_code, resigned.status_code) == (200, 200, 200)
    slack.settle()
    assert len(slack.recorder.of("response:replay")) == 1


def test_slack_threads_are_not_open_to_the_http_api(slack: Slack) -> None:
    ts = slack.mention(SUBWAY)
    slack.settle()
    sid = session_of(CHANNEL, ts)
    assert [a.question for a in slack.conversation().history(sid)] == [SUBWAY]
    services = slack.client.app.state.services  # type: ignore[attr-defined]
    assert services.conversation.store.status(sid) == "unknown"  # not in the HTTP API's store
    assert services.settings.slack_sessions_file != services.settings.sessions_file
    assert slack.client.get(f"/api/sessions/{sid}").status_code in (404, 422)
    assert slack.client.delete(f"/api/sessions/{sid}").status_code in (404, 422)
    response = slack.client.post("/api/chat", json={"message": "그럼 버스는?", "session_id": sid})
    assert response.status_code == 422
    assert len(slack.conversation().history(sid)) == 1  # nothing was appended


def test_url_verification_answers_the_challenge(slack: Slack) -> None:
    body = json.dumps({"type": "url_verification", "token": "t", "challenge": "abc123"})
    response = slack.send(body, "application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": "abc123"}


# ---------------------------------------------------------------------------
# /ask and the share button


def test_ask_answers_only_the_asker_with_a_share_button(slack: Slack) -> None:
    response = slack.command(SUBWAY)
    assert response.status_code == 200
    assert response.text == ""  # acknowledged; the answer follows at the response URL
    slack.settle()
    [reply] = slack.recorder.of("response:command")
    assert reply["response_type"] == "ephemeral"
    assert "서울의 지하철은 아홉 개 노선으로 이루어져 있다. [1]" in mrkdwn_of(reply["blocks"])[0]
    [button] = reply["blocks"][-1]["elements"]
    assert (button["action_id"], button["text"]["text"]) == (SHARE_ACTION, "채널에 공유")
    assert slack.conversation().history(button["value"])[0].question == SUBWAY
    assert slack.recorder.posts() == []


def test_the_share_button_posts_the_answer_to_the_channel(slack: Slack) -> None:
    slack.command(SUBWAY)
    slack.settle()
    [reply] = slack.recorder.of("response:command")
    value = reply["blocks"][-1]["elements"][0]["value"]
    assert slack.click_share(value).status_code == 200
    slack.settle()
    shared, removed = slack.recorder.of("response:action")
    assert (shared["response_type"], shared["replace_original"]) == ("in_channel", False)
    shown = mrkdwn_of(shared["blocks"])
    assert shown[0] == f"<@{USER}>님의 질문: {SUBWAY}"
    assert "서울의 지하철은 아홉 개 노선으로 이루어져 있다. [1]" in shown[1]
    assert all(b["type"] != "actions" for b in shared["blocks"])  # no second share button
    assert removed["delete_original"] is True


def test_sharing_an_answer_that_expired_says_so(slack: Slack) -> None:
    slack.click_share("slack-unknown-session")
    slack.settle()
    [reply] = slack.recorder.of("response:action")
    assert reply["response_type"] == "ephemeral"
    assert "만료" in reply["text"]


def test_ask_without_a_question_shows_the_usage(slack: Slack) -> None:
    response = slack.command("  :wave: ")
    assert response.status_code == 200
    assert response.json() == {"text": ASK_USAGE, "response_type": "ephemeral"}
    slack.settle()
    assert slack.recorder.of("response:") == []


# ---------------------------------------------------------------------------
# Bad input and errors


@pytest.mark.parametrize(
    ("text", "extra", "expected"),
    [
        ("", {}, "질문을 글로 적어 주세요"),
        (":smile: :tada::skin-tone-2: 👍🎉", {}, "질문을 글로 적어 주세요"),
        ("", {"files": [{"id": "F1", "name": "보고서.pdf"}]}, FILES),
    ],
    ids=["empty mention", "emoji only", "file share"],
)
def test_a_mention_without_a_question_gets_a_short_helpful_reply(
    slack: Slack, text: str, extra: dict[str, Any], expected: str
) -> None:
    ts = slack.mention(text, **extra)
    [post] = slack.posts()
    assert post["thread_ts"] == ts
    assert expected in post["text"]
    assert len(post["blocks"]) == 1
    assert slack.conversation().store.status(session_of(CHANNEL, ts)) == "unknown"  # nothing was asked


def test_a_file_shared_in_a_direct_message_gets_a_helpful_reply(slack: Slack) -> None:
    slack.message("", subtype="file_share", files=[{"id": "F1", "name": "표.xlsx"}])
    [post] = slack.posts()
    assert post["text"] == FILES


def test_a_file_with_a_question_is_answered(slack: Slack) -> None:
    slack.mention(SUBWAY, files=[{"id": "F1"}])
    [post] = slack.posts()
    assert "서울의 지하철은 아홉 개 노선으로 이루어져 있다. [1]" in mrkdwn_of(post["blocks"])[0]


def test_an_engine_error_gets_a_polite_reply_and_is_logged(slack: Slack, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="assistant.slack"):
        ts = slack.mention("고장 난 질문")
        [post] = slack.posts()
    assert (post["thread_ts"], post["text"]) == (ts, SORRY)
    assert "engine broke" in caplog.text
    slack.mention(SUBWAY)  # the app goes on
    assert "아홉 개 노선" in slack.posts()[-1]["text"]


def test_an_assistant_error_is_explained_in_the_thread(slack: Slack) -> None:
    slack.mention("색인 없는 질문")
    [post] = slack.posts()
    assert post["text"] == "지금은 답할 수 없습니다: 색인이 없습니다."


def test_a_question_too_long_is_refused_with_the_reason(slack: Slack) -> None:
    slack.mention("서울 " * 600)
    [post] = slack.posts()
    assert post["text"].startswith("질문이 너무 깁니다: 1,799자")


def test_a_failing_slack_api_is_logged_and_the_app_goes_on(slack: Slack, caplog: pytest.LogCaptureFixture) -> None:
    slack.recorder.failing.add("chat.postMessage")
    with caplog.at_level(logging.ERROR, logger="assistant.slack"):
        slack.mention(SUBWAY)
        slack.settle()
    assert "sending the reply failed" in caplog.text
    slack.recorder.failing.clear()
    slack.mention(SUBWAY)
    assert len(slack.posts()) == 2


# ---------------------------------------------------------------------------
# Configuration, Socket Mode, imports


def test_a_missing_signing_secret_is_a_start_up_error(settings: Settings, recorder: Recorder) -> None:
    config = slack_settings(settings, recorder, slack_signing_secret=None)
    with pytest.raises(ConfigError, match="ASSISTANT_SLACK_SIGNING_SECRET"):
        create_app(config)
    config = slack_settings(settings, recorder, slack_bot_token=None)
    with pytest.raises(ConfigError, match="ASSISTANT_SLACK_BOT_TOKEN"):
        create_app(config)


def test_without_slack_settings_there_is_no_slack_endpoint(settings: Settings) -> None:
    app = create_app(settings)
    assert all(getattr(r, "path", "") != "/slack/events" for r in app.routes)


@pytest.mark.parametrize(
    ("env", "missing"),
    [({}, "ASSISTANT_SLACK_BOT_TOKEN"), ({"ASSISTANT_SLACK_BOT_TOKEN": "xoxb-1"}, "ASSISTANT_SLACK_APP_TOKEN")],
)
def test_assistant_slack_names_the_missing_token(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], missing: str
) -> None:
    for name in ("ASSISTANT_SLACK_BOT_TOKEN", "ASSISTANT_SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["slack"])
    assert result.exit_code == 2
    assert missing in result.stderr


def test_socket_mode_handler_is_built_from_the_settings(settings: Settings, recorder: Recorder) -> None:
    from assistant.chat.conversation import Conversation
    from assistant.chat.sessions import SessionStore
    from assistant.slack.socket import socket_handler

    config = slack_settings(settings, recorder, slack_signing_secret=None, slack_app_token=SecretStr("xapp-1"))
    with SessionStore(config.sessions_file) as store:
        handler = socket_handler(config, Conversation(Engine(config), store, config))
        try:
            assert handler.app_token == "xapp-1"
            assert handler.app.client.base_url == f"{recorder.url}/api/"
        finally:
            handler.close()


@pytest.mark.parametrize(
    ("failing", "variable"),
    [("auth.test", "ASSISTANT_SLACK_BOT_TOKEN"), ("apps.connections.open", "ASSISTANT_SLACK_APP_TOKEN")],
)
def test_socket_mode_names_the_token_slack_refused(
    settings: Settings, recorder: Recorder, failing: str, variable: str
) -> None:
    from assistant.chat.conversation import Conversation
    from assistant.chat.sessions import SessionStore
    from assistant.slack.socket import connect, socket_handler

    recorder.failing.add(failing)
    config = slack_settings(settings, recorder, slack_signing_secret=None, slack_app_token=SecretStr("xapp-1"))
    with SessionStore(config.sessions_file) as store:
        handler = socket_handler(config, Conversation(Engine(config), store, config))
        try:
            with pytest.raises(ConfigError) as caught:
                connect(handler)
        finally:
            handler.close()
    assert "channel_not_found" in caught.value.message
    assert caught.value.hint is not None and variable in caught.value.hint
    assert recorder.calls[-1].method == failing


def test_seen_remembers_keys_for_a_while() -> None:
    seen = Seen(ttl=3600, size=2)
    assert [seen.first(k) for k in ("a", "a", "b", "c", "a")] == [True, False, True, True, True]


def test_the_manifest_asks_for_what_the_bot_uses() -> None:
    yaml = pytest.importorskip("yaml")
    manifest = yaml.safe_load((Path(__file__).parents[1] / "slack" / "manifest.yml").read_text(encoding="utf-8"))
    settings_ = manifest["settings"]
    events = settings_["event_subscriptions"]
    assert set(events["bot_events"]) >= {"app_mention", "message.channels", "message.im"}
    assert set(manifest["oauth_config"]["scopes"]["bot"]) >= {
        "app_mentions:read", "channels:history", "im:history", "chat:write", "commands",
    }  # fmt: skip
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/ask"
    assert settings_["interactivity"]["is_enabled"] is True
    urls = [events["request_url"], settings_["interactivity"]["request_url"], command["url"]]
    assert all(url.endswith(EVENTS_PATH) for url in urls)
