"""Errors of the HTTP edge, and the one place that turns every error into a JSON response.

Every error response has the body ``{"error": {"type": ..., "message": ..., "hint": ...}}``:
:class:`~assistant.errors.AssistantError` subclasses with their ``http_status``, request
validation errors with 422 (a body that is not UTF-8 JSON too), and Starlette's own HTTP
errors (unknown route; a wrong method, with every method of the path in ``Allow``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from assistant.errors import AssistantError

log = logging.getLogger("assistant.web")


class WebError(AssistantError):
    """Base class of errors raised only by the HTTP edge; ``headers`` go into the response."""

    headers: Mapping[str, str] = {}


class UnauthorizedError(WebError):
    """The API key is missing or wrong."""

    http_status = 401
    headers: Mapping[str, str] = {"WWW-Authenticate": "Bearer"}


class RateLimitedError(WebError):
    """The client sent more requests than its per-minute allowance."""

    http_status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"요청이 너무 많습니다. {retry_after}초 후에 다시 시도해 주세요. (rate limit exceeded)",
            hint=f"Retry after {retry_after} s.",
        )
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


class PayloadTooLargeError(WebError):
    """The request body is larger than ``settings.max_body_bytes``."""

    http_status = 413

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"요청 본문이 너무 큽니다 (최대 {limit:,}바이트). (request body too large)",
            hint="Send a shorter message, or raise ASSISTANT_MAX_BODY_BYTES.",
        )


class ServiceLoadingError(WebError):
    """The model and the index are still loading (a server started with ``load_in_background``)."""

    http_status = 503

    def __init__(
        self, message: str = "모델과 색인을 불러오는 중입니다. 잠시 후 다시 시도해 주세요.", *, failed: bool = False
    ) -> None:
        super().__init__(message, hint=None if failed else "Retry after 2 s.")
        #: False when the loading failed (the message then says so).
        self.loading = not failed
        self.headers = {} if failed else {"Retry-After": "2"}


class DocumentNotFoundError(WebError):
    """No indexed document has this id."""

    http_status = 404


def error_type(exc: AssistantError) -> str:
    """The public name of an error class (``IndexError_`` becomes ``IndexError``)."""
    return type(exc).__name__.rstrip("_")


def error_body(kind: str, message: str, hint: str | None = None) -> dict[str, Any]:
    """The JSON body of every error response."""
    return {"error": {"type": kind, "message": message, "hint": hint}}


def assistant_error_response(exc: AssistantError) -> JSONResponse:
    """The response for an error of the assistant's hierarchy, with its status and headers."""
    headers = dict(exc.headers) if isinstance(exc, WebError) else None
    return JSONResponse(error_body(error_type(exc), exc.message, exc.hint), exc.http_status, headers=headers)


def describe_validation(errors: Sequence[Any]) -> tuple[str, str | None]:
    """A readable message (and hint) for FastAPI's list of validation errors."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return "요청 본문이 올바른 JSON이 아닙니다. (invalid JSON body)", 'Send JSON, for example {"message": "질문"}.'
    if any(tuple(e.get("loc", ())) == ("body",) for e in errors):
        return "요청 본문은 JSON 객체여야 합니다. (expected a JSON object)", 'For example {"message": "질문"}.'
    parts = []
    for e in errors:
        loc = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
        parts.append(f"{loc}: {e.get('msg', 'invalid')}")
    return "요청이 올바르지 않습니다: " + "; ".join(parts), "See the request schemas at /docs."


async def _on_assistant_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AssistantError)
    if exc.http_status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, exc.message)
    return assistant_error_response(exc)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    message, hint = describe_validation(exc.errors())
    return JSONResponse(error_body("ValidationError", message, hint), 422)


_HTTP_NAMES = {404: "NotFound", 405: "MethodNotAllowed"}
#: FastAPI's answer to a body it cannot decode (bytes that are not UTF-8): a 400 it raises itself.
_UNREADABLE_BODY = (
    "요청 본문을 읽을 수 없습니다: UTF-8로 인코딩된 JSON이어야 합니다. (body is not UTF-8 JSON)",
    'Send UTF-8 JSON, for example {"message": "질문"}.',
)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        return JSONResponse(error_body("ValidationError", *_UNREADABLE_BODY), 422)
    kind = _HTTP_NAMES.get(exc.status_code, "HTTPError")
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        message = "그런 주소가 없습니다. (not found)"
    elif exc.status_code == 405:
        message = f"이 주소에는 {request.method} 요청을 보낼 수 없습니다. (method not allowed)"
        headers["Allow"] = ", ".join(allowed_methods(request))
    else:
        message = str(exc.detail)
    return JSONResponse(error_body(kind, message, None), exc.status_code, headers=headers or None)


#: Methods tried on a path to list the ones it accepts.
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route accepts at the request's path (a path may have one route per
    method): each is tried against the routes as the router would."""
    routes = request.app.router.routes
    return [m for m in _METHODS if any(r.matches({**request.scope, "method": m})[0] == Match.FULL for r in routes)]


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse(error_body("InternalError", "서버 내부 오류가 발생했습니다. (internal error)"), 500)


def install_error_handlers(app: FastAPI) -> None:
    """Register the translations of every error into the common JSON shape."""
    app.add_exception_handler(AssistantError, _on_assistant_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
