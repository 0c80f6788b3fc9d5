"""The Slack bot over Socket Mode (``assistant slack``): no public URL needed.

The bot opens a WebSocket to Slack with the app-level token and receives the same
events, commands and button clicks as over HTTP; replies still go through the Web API.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from assistant import Conversation, Engine, SessionStore
from assistant.errors import ConfigError
from assistant.settings import Settings
from assistant.slack.bot import create_slack_app, require

log = logging.getLogger("assistant.slack")


def check_tokens(settings: Settings) -> str:
    """The app-level token; a :class:`ConfigError` names whichever token is missing."""
    purpose = "Socket Mode로 Slack 봇을 시작할 수 없습니다"
    require(settings.slack_bot_token, "ASSISTANT_SLACK_BOT_TOKEN", purpose)
    return require(settings.slack_app_token, "ASSISTANT_SLACK_APP_TOKEN", purpose)


def socket_handler(
    settings: Settings, conversation: Conversation, *, client: WebClient | None = None
) -> SocketModeHandler:
    """The Socket Mode handler of the bot (not yet connected)."""
    app_token = check_tokens(settings)
    bolt = create_slack_app(settings, conversation, client=client, socket_mode=True)
    return SocketModeHandler(bolt, app_token)


def run_socket_mode(settings: Settings, *, engine: Engine | None = None) -> None:
    """Load the assistant, connect to Slack and answer until interrupted (blocking)."""
    check_tokens(settings)  # before the model loads
    engine = engine or Engine(settings)
    engine.warm_up()
    with SessionStore(settings.slack_sessions_file, ttl_hours=settings.session_ttl_hours) as store:
        handler = socket_handler(settings, Conversation(engine, store, settings))
        try:
            connect(handler)
            log.info("connected to Slack over Socket Mode")
            threading.Event().wait()  # answers come on the handler's threads, until Ctrl-C
        finally:
            handler.close()


def connect(handler: SocketModeHandler) -> None:
    """Check the bot token, then open the connection; a refusal names the token to fix."""
    _step(
        handler.app.client.auth_test,
        refused=(
            "Slack이 봇 토큰을 거부했습니다",
            "Check ASSISTANT_SLACK_BOT_TOKEN (xoxb-..., OAuth & Permissions of the app).",
        ),
        unreachable=("Slack에 연결할 수 없습니다", "Check the network (or ASSISTANT_SLACK_API_URL)."),
    )
    _step(
        handler.connect,
        refused=(
            "Slack이 Socket Mode 연결을 거부했습니다",
            "Check ASSISTANT_SLACK_APP_TOKEN (xapp-..., scope connections:write) and that Socket Mode is on.",
        ),
        unreachable=("Slack에 Socket Mode로 연결할 수 없습니다", "Check the network."),
    )


def _step(call: Callable[[], object], *, refused: tuple[str, str], unreachable: tuple[str, str]) -> None:
    """Run one start-up call; Slack's refusal and a network failure become ConfigErrors (message, hint)."""
    try:
        call()
    except SlackApiError as exc:
        raise ConfigError(f"{refused[0]}: {exc.response.get('error')}", hint=refused[1]) from exc
    except (SlackClientError, OSError) as exc:
        raise ConfigError(f"{unreachable[0]}: {exc}", hint=unreachable[1]) from exc
