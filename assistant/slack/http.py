"""The Slack bot over HTTP (Events API): ``POST /slack/events`` on the FastAPI app.

Events, the ``/ask`` command and button clicks all arrive at this one URL. Each request is
checked first (:mod:`assistant.slack.verify`: the signature and timestamp, 401; a body bolt
could not read, 400; a replay, acknowledged and dropped), then bolt acknowledges it; the
blocking dispatch runs in a worker thread so the event loop stays free.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import anyio
from fastapi import FastAPI, Request, Response
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient

from assistant import Conversation
from assistant.settings import Settings
from assistant.slack.bot import Workers, create_slack_app, require
from assistant.slack.verify import RequestCheck, Verdict

log = logging.getLogger("assistant.slack")

#: Where Slack sends events, commands and interactions (the Request URL of the manifest).
EVENTS_PATH = "/slack/events"


@dataclass
class SlackEndpoint:
    """The mounted bot (kept in ``app.state.slack``): its bolt app and its worker threads."""

    bolt: App
    workers: Workers
    check: RequestCheck

    async def handle(self, request: Request) -> Response:
        """Dispatch one request from Slack to the bolt app, once it passed :attr:`check`."""
        body = await request.body()
        verdict = self.check.verdict(request.headers, body)
        if verdict is not None:
            return answer_now(verdict, request)
        try:
            response = await anyio.to_thread.run_sync(self.bolt.dispatch, to_bolt_request(request, body))
        except Exception as exc:  # a signed body bolt cannot read (a field of the wrong type)
            log.warning("slack: request refused: bolt cannot read it (%s: %s)", type(exc).__name__, exc)
            return Response("bad request", status_code=400, media_type="text/plain")
        return to_starlette_response(response)


def answer_now(verdict: Verdict, request: Request) -> Response:
    """The response to a request that does not reach the bot; logged without a traceback."""
    client = request.client.host if request.client else "unknown"
    level = logging.INFO if verdict.status == 200 else logging.WARNING
    log.log(level, "slack: request from %s not handled: %s", client, verdict.reason)
    text = "" if verdict.status == 200 else "invalid request"
    return Response(text, status_code=verdict.status, media_type="text/plain")


def mount_slack(
    app: FastAPI,
    settings: Settings,
    conversation: Callable[[], Conversation],
    *,
    client: WebClient | None = None,
) -> SlackEndpoint:
    """Serve the Slack bot at ``/slack/events`` on ``app``.

    ``conversation`` returns the conversation to answer with; it is called per message, so
    it may be one the application builds later, at start-up. Raises
    :class:`~assistant.errors.ConfigError` when the bot token or signing secret is missing.
    """
    workers = Workers()
    bolt = create_slack_app(settings, conversation, client=client, workers=workers)
    secret = require(settings.slack_signing_secret, "ASSISTANT_SLACK_SIGNING_SECRET", "Slack 요청을 검증할 수 없습니다")
    endpoint = SlackEndpoint(bolt=bolt, workers=workers, check=RequestCheck(secret))
    app.add_api_route(EVENTS_PATH, endpoint.handle, methods=["POST"], include_in_schema=False)
    app.state.slack = endpoint
    return endpoint
