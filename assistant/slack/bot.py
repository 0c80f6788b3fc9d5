"""The Slack bot as a slack-bolt :class:`~slack_bolt.App`: what it answers, and how.

- A mention in a channel, or any message in a direct message, is answered in its thread.
- A reply in a thread the bot already answered in is a follow-up: the thread is one
  conversation, ``slack:{team}:{channel}:{thread_ts}`` (see :func:`session_id`).
- ``/ask 질문`` answers only the asker (ephemeral) with a "채널에 공유" button that posts the
  answer to the channel.

Events are acknowledged at once and answered on a worker thread (:class:`Workers`), so
Slack gets its HTTP 200 within 3 seconds. A retried event (``X-Slack-Retry-Num``) whose
``event_id`` was already received is acknowledged and dropped, and a message is answered
once even when both its ``app_mention`` and ``message`` events arrive. Errors of the
assistant become a polite reply in the thread; nothing a message does stops the app.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from pydantic import SecretStr
from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse, Respond
from slack_sdk import WebClient

from assistant import Answer, Conversation
from assistant.errors import AssistantError, ConfigError, InvalidQuestionError, SessionNotFoundError
from assistant.settings import Settings
from assistant.slack.blocks import SHARE_ACTION, Message, answer_message, escape, fit, text_message
from assistant.slack.incoming import Incoming, clean_text, has_words, read_message, session_id

log = logging.getLogger("assistant.slack")

P = ParamSpec("P")
T = TypeVar("T")

ConversationSource = Conversation | Callable[[], Conversation]

#: Default base URL of the Slack Web API.
SLACK_API_URL = "https://slack.com/api/"
#: Threads answering at the same time.
WORKERS = 8

HELP = (
    "무엇이 궁금하신가요? 질문을 글로 적어 주세요. "
    "예: {mention} 서울의 지하철은 몇 개 노선인가요?\n스레드에서 이어서 물으면 앞의 대화를 이어 갑니다."
)
FILES = "첨부 파일은 읽을 수 없습니다. 색인된 문서에 대해 궁금한 점을 글로 적어 주세요."
UNAVAILABLE = "지금은 답할 수 없습니다: {reason}"
SORRY = "죄송합니다. 답을 만드는 중에 문제가 생겼습니다. 잠시 후 다시 물어 주세요."
EXPIRED = "이 스레드의 이전 대화는 오래되어 만료되었습니다. 새 대화로 답합니다."
ASK_USAGE = "사용법: `/ask 질문` — 예: `/ask 서울의 지하철은 몇 개 노선인가요?` (답은 나에게만 보이고, 채널에 공유할 수 있습니다.)"
SHARE_GONE = "공유할 답을 찾지 못했습니다(오래되어 만료되었습니다). `/ask`로 다시 물어 주세요."


def require(value: SecretStr | None, variable: str, purpose: str) -> str:
    """The secret's value, or a :class:`ConfigError` naming the variable to set."""
    if value is None or not value.get_secret_value().strip():
        raise ConfigError(f"{purpose}: {variable}이(가) 설정되지 않았습니다. (set {variable})")
    return value.get_secret_value().strip()


def web_client(settings: Settings) -> WebClient:
    """A Web API client with the bot token, at ``settings.slack_api_url`` when set."""
    token = require(settings.slack_bot_token, "ASSISTANT_SLACK_BOT_TOKEN", "Slack 봇을 시작할 수 없습니다")
    base_url = settings.slack_api_url or SLACK_API_URL
    return WebClient(token=token, base_url=base_url.rstrip("/") + "/")


class Workers(ThreadPoolExecutor):
    """The thread pool the listeners run on; it can tell when all submitted work is done."""

    def __init__(self, max_workers: int = WORKERS) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="slack")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._idle:
            self._pending += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _: object) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no work is pending; False when ``timeout`` seconds pass first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)


class Seen:
    """Keys seen in the last ``ttl`` seconds (at most ``size`` of them); thread-safe."""

    def __init__(self, ttl: float = 3600.0, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._keys: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first(self, key: str) -> bool:
        """True the first time ``key`` is given (within the time to live), False after."""
        now = time.monotonic()
        with self._lock:
            while self._keys and (len(self._keys) >= self.size or next(iter(self._keys.values())) < now - self.ttl):
                self._keys.popitem(last=False)
            if key in self._keys:
                return False
            self._keys[key] = now
            return True


class SlackBot:
    """What the bot does with each kind of request; :func:`create_slack_app` registers it."""

    def __init__(self, conversation: ConversationSource) -> None:
        self._conversation = conversation
        self._events = Seen()
        self._messages = Seen()

    @property
    def conversation(self) -> Conversation:
        source = self._conversation
        return source if isinstance(source, Conversation) else source()

    # -- middleware ---------------------------------------------------------------------

    def drop_retries(self, body: dict[str, Any], req: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
        """Acknowledge and drop an event already received (Slack retries after 3 s)."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not self._events.first(event_id):
            retry = (req.headers.get("x-slack-retry-num") or ["?"])[0]
            log.info("slack: event %s already received, retry %s dropped", event_id, retry)
            return BoltResponse(status=200, body="")
        next()
        return None

    # -- listeners ----------------------------------------------------------------------

    def on_mention(self, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """``app_mention``: answer in the thread of the mention."""
        msg = read_message(event, context.bot_user_id)
        if msg is not None:
            self.answer(msg, context, client)

    def on_message(self, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """``message``: direct messages, and replies in threads the bot is part of."""
        msg = read_message(event, context.bot_user_id)
        if msg is None:
            return
        if not msg.is_dm:
            if msg.mentions_bot or not msg.in_thread:
                return  # a mention is answered by on_mention; other channel talk is not for the bot
            if self.conversation.store.status(self._session(msg, context)) == "unknown":
                return  # a thread the bot has not answered in
        self.answer(msg, context, client)

    def on_ask(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        """``/ask 질문``: an ephemeral answer with a button to share it."""
        text = clean_text(command.get("text") or "")
        if not has_words(text):
            ack(text=ASK_USAGE, response_type="ephemeral")
            return
        ack()
        message = self._reply_to(text, None, share=True)
        self._send(lambda: respond(response_type="ephemeral", **message.as_kwargs()))

    def on_share(self, ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        """The "채널에 공유" button: post the ephemeral answer to the channel, then remove it."""
        ack()
        user = (body.get("user") or {}).get("id")
        try:
            answer = self.conversation.history(str(action.get("value") or ""))[-1]
        except (SessionNotFoundError, IndexError):
            self._send(lambda: respond(text=SHARE_GONE, response_type="ephemeral", replace_original=False))
            return
        except Exception:
            log.exception("slack: error while sharing an answer")
            self._send(lambda: respond(text=SORRY, response_type="ephemeral", replace_original=False))
            return
        message = answer_message(answer, asked_by=user)
        if self._send(lambda: respond(response_type="in_channel", replace_original=False, **message.as_kwargs())):
            self._send(lambda: respond(delete_original=True))

    # -- answering ----------------------------------------------------------------------

    def answer(self, msg: Incoming, context: BoltContext, client: WebClient) -> None:
        """Answer ``msg`` in its thread, once however many events bring it."""
        if not self._messages.first(msg.key):
            return
        if not has_words(msg.text):
            mention = f"<@{context.bot_user_id}>" if context.bot_user_id else "@봇"
            message = text_message(FILES if msg.has_files else HELP.format(mention=mention))
        else:
            message = self._reply_to(msg.text, self._session(msg, context))
        self._send(lambda: client.chat_postMessage(channel=msg.channel, thread_ts=msg.thread_ts, **_post(message)))

    def _reply_to(self, text: str, sid: str | None, *, share: bool = False) -> Message:
        """The message answering ``text`` in session ``sid``; errors become polite replies."""
        try:
            answer = self.chat(text, sid)
        except InvalidQuestionError as exc:
            return text_message(escape(exc.message))
        except AssistantError as exc:
            log.warning("slack: cannot answer %r: %s", text[:80], exc)
            return text_message(UNAVAILABLE.format(reason=fit(exc.message, 1000)))
        except Exception:
            log.exception("slack: error while answering %r", text[:80])
            return text_message(SORRY)
        return answer_message(answer, share_value=answer.session_id if share else None)

    def chat(self, text: str, sid: str | None) -> Answer:
        """Answer ``text`` in the conversation ``sid`` (created with that id when needed)."""
        if sid is None:
            return self.conversation.chat(text)
        answer = self.conversation.chat(text, sid, keep_id=True)
        return answer.model_copy(update={"notice": EXPIRED}) if answer.notice else answer

    @staticmethod
    def _session(msg: Incoming, context: BoltContext) -> str:
        return session_id(context.team_id, msg.channel, msg.thread_ts)

    @staticmethod
    def _send(call: Callable[[], object]) -> bool:
        """Make one Slack call; a failure is logged (the answer is lost, the app goes on)."""
        try:
            call()
        except Exception:
            log.exception("slack: sending the reply failed")
            return False
        return True


def _post(message: Message) -> dict[str, Any]:
    """``chat.postMessage`` arguments of a reply (links in quotes are not unfurled)."""
    return {**message.as_kwargs(), "unfurl_links": False, "unfurl_media": False}


def create_slack_app(
    settings: Settings,
    conversation: ConversationSource,
    *,
    client: WebClient | None = None,
    workers: Workers | None = None,
    socket_mode: bool = False,
) -> App:
    """The bolt app of the bot, answering through ``conversation`` (or the one it returns).

    Needs ``slack_bot_token`` and, over HTTP, ``slack_signing_secret``; a missing one is a
    :class:`ConfigError` naming the variable. ``client`` replaces the Web API client built
    from the settings (``slack_api_url`` moves it elsewhere); ``workers`` runs the listeners.
    """
    client = client or web_client(settings)
    secret = None
    if not socket_mode:
        secret = require(
            settings.slack_signing_secret, "ASSISTANT_SLACK_SIGNING_SECRET", "Slack 요청을 검증할 수 없습니다"
        )
    app = App(
        client=client,
        signing_secret=secret or "",
        request_verification_enabled=not socket_mode,
        token_verification_enabled=False,  # auth.test on the first request, not at start-up
        listener_executor=workers or Workers(),
        logger=logging.getLogger("assistant.slack.bolt"),
    )
    register(app, SlackBot(conversation))
    return app


def register(app: App, bot: SlackBot) -> None:
    """Attach the bot's middleware and listeners to ``app``."""
    app.middleware(bot.drop_retries)
    app.event("app_mention")(bot.on_mention)
    app.event("message")(bot.on_message)
    app.command("/ask")(bot.on_ask)
    app.action(SHARE_ACTION)(bot.on_share)
