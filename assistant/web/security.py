"""Guards of the HTTP API: an optional API key, a per-client rate limit, a body size limit, ``nosniff``."""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.web.errors import PayloadTooLargeError, RateLimitedError, UnauthorizedError, assistant_error_response

#: Methods whose request bodies are read (and so limited).
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The key a request presents: ``X-API-Key: KEY`` or ``Authorization: Bearer KEY``."""
    if key := headers.get("x-api-key"):
        return key
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def check_api_key(expected: str | None, headers: Mapping[str, str]) -> None:
    """Raise :class:`UnauthorizedError` unless no key is set or the request presents it."""
    if not expected:
        return
    given = presented_key(headers)
    if given is None:
        raise UnauthorizedError(
            "API 키가 필요합니다. (API key required)",
            hint="Send the header 'X-API-Key: KEY' or 'Authorization: Bearer KEY'.",
        )
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise UnauthorizedError("API 키가 올바르지 않습니다. (wrong API key)", hint="Check ASSISTANT_API_KEY.")


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token bucket per client: ``per_minute`` requests, refilled evenly over the minute.

    A burst of up to ``per_minute`` requests passes at once; after that one request every
    ``60 / per_minute`` seconds. ``per_minute == 0`` turns the limit off.
    """

    MAX_CLIENTS = 10_000

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        """Take one token for ``client`` or raise :class:`RateLimitedError` with the wait."""
        if self.per_minute <= 0:
            return
        rate = self.per_minute / 60.0
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                self._forget_idle(now)
                bucket = self._buckets[client] = _Bucket(float(self.per_minute), now)
            bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens < 1.0:
                raise RateLimitedError(max(1, math.ceil((1.0 - bucket.tokens) / rate)))
            bucket.tokens -= 1.0

    def _forget_idle(self, now: float) -> None:
        """Drop clients whose bucket is full again, once there are too many to keep."""
        if len(self._buckets) < self.MAX_CLIENTS:
            return
        refill = 60.0
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.updated < refill}


class BodySizeLimitMiddleware:
    """Answers 413 (JSON) to a request whose body is larger than ``max_bytes``.

    A declared ``Content-Length`` over the limit is refused before anything is read; other
    bodies (chunked ones too) are read up to the limit and then passed on unchanged.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, per_path: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = per_path or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope.get("path", ""), self.max_bytes)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, limit)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > limit:
                await self._refuse(scope, receive, send, limit)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = assistant_error_response(PayloadTooLargeError(limit))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the already-read body once, then waits on the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class NoSniffMiddleware:
    """Adds ``X-Content-Type-Options: nosniff`` to every response: a browser must take JSON
    (which echoes what a client sent) for JSON, never guess it is a page or a script."""

    HEADER = (b"x-content-type-options", b"nosniff")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if all(name.lower() != self.HEADER[0] for name, _ in headers):
                    headers.append(self.HEADER)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_header)
