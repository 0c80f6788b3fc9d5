"""The FastAPI application: the HTTP API under ``/api`` and the chat page at ``/``.

:func:`create_app` builds everything from one :class:`Settings`. The engine (model and
index) and the conversation store are loaded once, in the application's lifespan, and
shared by all requests; blocking work runs in worker threads so the event loop stays free.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from assistant import Conversation, Engine
from assistant.settings import Settings
from assistant.web.errors import install_error_handlers
from assistant.web.routes import api, pages
from assistant.web.security import BodySizeLimitMiddleware, NoSniffMiddleware
from assistant.web.services import Services, build_services, ready_services, serves_slack

log = logging.getLogger("assistant.web")

#: The chat page's files (index.html, app.js, style.css) at the repository root.
WEB_DIR = Path(__file__).resolve().parents[2] / "web"
#: Seconds between two checks for an index rebuilt by another process.
FOLLOW_INTERVAL = 2.0
#: Seconds between two summary sentences of a streamed answer.
STREAM_PACE = 0.04

DESCRIPTION = """Korean document Q&A over the indexed documents: cited passages and an extractive
summary. Every answer has the schema of `assistant ask --json`. Errors have the body
`{"error": {"type", "message", "hint"}}`. When `ASSISTANT_API_KEY` is set, `/api/*` needs the
header `X-API-Key` (or `Authorization: Bearer`)."""


SLACK_MAX_BODY = 1 << 20
SHUTDOWN_GRACE = 10.0


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    web_dir: Path | None = None,
    stream_pace: float = STREAM_PACE,
    follow_interval: float = FOLLOW_INTERVAL,
    load_in_background: bool = False,
) -> FastAPI:
    """The application. ``engine`` replaces the one built from ``settings`` (tests inject one).

    With ``load_in_background`` the server answers at once while the model and the index load:
    the chat page shows that it is loading, ``/healthz`` says ``loading`` (503) and ``/api/*``
    answers 503 until they are ready. Otherwise the server starts answering once they are loaded.
    """
    settings = settings if settings is not None else Settings()  # type: ignore[call-arg]

    async def load(app: FastAPI) -> Services:
        try:
            services = await anyio.to_thread.run_sync(build_services, settings, engine, stream_pace)
        except Exception as exc:
            app.state.load_error = exc
            raise
        app.state.services = services
        return services

    async def load_and_follow(app: FastAPI) -> None:
        try:
            services = await load(app)
        except Exception as exc:  # reported by /healthz and /api/* (see ready_services)
            log.error("the service cannot start: %s", exc)
            return
        await services.maintainer.follow(follow_interval)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = None
        app.state.load_error = None
        try:
            async with anyio.create_task_group() as tasks:
                if load_in_background:
                    tasks.start_soon(load_and_follow, app)
                else:
                    services = await load(app)
                    tasks.start_soon(services.maintainer.follow, follow_interval)
                yield
                tasks.cancel_scope.cancel()
        finally:
            slack = getattr(app.state, "slack", None)
            if slack is not None:  # let answers already acknowledged to Slack finish
                await anyio.to_thread.run_sync(slack.workers.wait_idle, SHUTDOWN_GRACE)
            if app.state.services is not None:  # a rebuild still running is abandoned: the old index stays current
                app.state.services.close()

    app = FastAPI(
        title="한국어 문서 질의응답 어시스턴트",
        description=DESCRIPTION,
        version=_version(),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(api)
    app.include_router(pages)
    _add_docs(app)
    _add_static(app, web_dir or WEB_DIR)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Content-Type", "X-API-Key", "Authorization", "X-Assistant-Owner"],
        )
    # Slack signs and sends whole messages (up to 40,000 characters): its endpoint gets a larger cap.
    app.add_middleware(
        BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes, per_path={"/slack/events": SLACK_MAX_BODY}
    )
    app.add_middleware(NoSniffMiddleware)  # outermost: on every response, a 413 too
    _describe_question_length(app, settings.max_question_chars)
    # -- Slack bot at /slack/events (assistant/slack/) --
    if serves_slack(settings):
        from assistant.slack.http import mount_slack

        def slack_conversation() -> Conversation:
            conversation = ready_services(app).slack_conversation
            assert conversation is not None  # built whenever Slack is served
            return conversation

        mount_slack(app, settings, slack_conversation)
    # -- end Slack --
    return app


#: The request fields that hold a question: (schema, property).
QUESTION_FIELDS = (("AskRequest", "question"), ("ChatRequest", "message"))


def _describe_question_length(app: FastAPI, limit: int) -> None:
    """Write the longest question this server accepts (``ASSISTANT_MAX_QUESTION_CHARS``) into
    the OpenAPI description, as ``maxLength`` of the fields that hold one."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for name, field in QUESTION_FIELDS:
                schema["components"]["schemas"][name]["properties"][field]["maxLength"] = limit
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]


def server_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn serves the app: ``X-Forwarded-*`` headers are believed only from the
    reverse proxies in ``ASSISTANT_TRUSTED_PROXIES`` (by default from nobody: uvicorn's own
    default trusts 127.0.0.1, which would let any local client choose its address for the
    rate limit)."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": list(settings.trusted_proxies)}


def _add_static(app: FastAPI, web_dir: Path) -> None:
    if (web_dir / "index.html").exists():
        app.mount("/static", StaticFiles(directory=web_dir), name="static")
        app.state.web_dir = web_dir
    else:
        log.warning("no chat page: %s/index.html not found", web_dir)
        app.state.web_dir = None


def _add_docs(app: FastAPI) -> None:
    """OpenAPI at ``/docs`` with Swagger UI served locally (no CDN)."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # pragma: no cover - the package is a dependency
        swagger_ui_path = None
    if swagger_ui_path is None:  # pragma: no cover
        log.warning("swagger-ui-bundle is not installed: /docs is not available offline")
        return
    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
        )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("korean-assistant")
    except PackageNotFoundError:  # pragma: no cover
        return "0"
