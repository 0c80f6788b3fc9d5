"""The Slack bot over HTTP (Events API): ``POST /slack/events`` on the FastAPI app.

Events, the ``/ask`` command and button clicks all arrive at this one URL. bolt checks
the signature and the timestamp (older than five minutes: 401) and acknowledges; the
blocking dispatch runs in a worker thread so the event loop stays free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import anyio
from fastapi import FastAPI, Request, Response
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient

from assistant import Conversation
from assistant.settings import Settings
from assistant.slack.bot import Workers, create_slack_app

#: Where Slack sends events, commands and interactions (the Request URL of the manifest).
EVENTS_PATH = "/slack/events"


@dataclass
class SlackEndpoint:
    """The mounted bot (kept in ``app.state.slack``): its bolt app and its worker threads."""

    bolt: App
    workers: Workers

    async def handle(self, request: Request) -> Response:
        """Dispatch one request from Slack to the bolt app."""
        body = await request.body()
        response = await anyio.to_thread.run_sync(self.bolt.dispatch, to_bolt_request(request, body))
        return to_starlette_response(response)


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
    endpoint = SlackEndpoint(bolt=bolt, workers=workers)
    app.add_api_route(EVENTS_PATH, endpoint.handle, methods=["POST"], include_in_schema=False)
    app.state.slack = endpoint
    return endpoint
