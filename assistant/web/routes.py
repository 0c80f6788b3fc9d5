"""Request handlers: each validates its input and delegates to the engine or the conversation.

``api`` holds the JSON API under ``/api`` (behind the rate limit and the optional API key);
``pages`` holds what is open to everyone: the chat page and ``/healthz``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, StreamingResponse
from pydantic import AfterValidator

from assistant import SESSION_ID, Answer
from assistant.errors import AssistantError
from assistant.web.errors import ServiceLoadingError, error_body
from assistant.web.schemas import (
    HTTP_SESSION_ID,
    OWNER_DESCRIPTION,
    OWNER_HEADER,
    OWNER_PATTERN,
    AskRequest,
    ChatRequest,
    DocumentInfo,
    DocumentText,
    ErrorBody,
    FeedbackOut,
    FeedbackRequest,
    Health,
    ReindexRequest,
    ReindexStatus,
    RenameRequest,
    SessionHistory,
    SessionList,
    SessionSummary,
    TurnFeedback,
    not_slack,
)
from assistant.web.security import check_api_key
from assistant.web.services import ready_services
from assistant.web.streaming import SSE_HEADERS, stream_answer

if TYPE_CHECKING:
    from assistant.web.services import Services


def get_services(request: Request) -> Services:
    """The shared services built in the lifespan (503 while they are loading)."""
    return ready_services(request.app)


ServicesDep = Annotated["Services", Depends(get_services)]


def client_id(request: Request) -> str:
    """Who a request counts against for the rate limit: its peer address."""
    return request.client.host if request.client else "unknown"


async def guard(request: Request, services: ServicesDep) -> None:
    """Rate limit first (so guessing keys is limited too), then the API key if one is set."""
    services.limiter.check(client_id(request))
    check_api_key(services.settings.api_key, request.headers)


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI descriptions of error responses: the common body, with its meaning per status."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        out[code] = {"model": ErrorBody, "description": ERROR_MEANINGS[code]}
        if code == 429:
            out[code]["headers"] = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}
    return out


ERROR_MEANINGS = {
    401: "API key missing or wrong (only when ASSISTANT_API_KEY is set)",
    404: "No such conversation or document (never created, expired, deleted or not indexed)",
    413: "Request body too large",
    422: "Invalid request: empty or too long question, text that is not UTF-8, bad JSON, wrong field",
    429: "Rate limit exceeded; see the Retry-After header",
    503: "No usable index or model; the message says what to run",
}
ERRORS = error_responses(401, 413, 422, 429, 503)


def json_errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error responses of a route whose own answer is not JSON: their body stays JSON."""
    out = error_responses(*codes)
    for response in out.values():
        response.pop("model")
        response["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    return out


NOT_FOUND = error_responses(404)
SessionId = Annotated[
    str,
    Path(
        pattern=SESSION_ID.pattern,
        json_schema_extra={"pattern": HTTP_SESSION_ID},
        description="The conversation's id (from an answer).",
    ),
    AfterValidator(not_slack),
]
TurnNumber = Annotated[int, Path(ge=1, le=1_000_000, description="The answer's `turn` (from 1).")]
#: The owner key: needed to list and rename, optional elsewhere (docs/api-conversations.md).
Owner = Annotated[str, Header(alias=OWNER_HEADER, pattern=OWNER_PATTERN, description=OWNER_DESCRIPTION)]
#: Optional where it is: a header that is absent is ``""`` (the schema has no null for a header).
MaybeOwner = Annotated[str, Header(alias=OWNER_HEADER, pattern=OWNER_PATTERN, description=OWNER_DESCRIPTION)]


class MarkdownResponse(PlainTextResponse):
    media_type = "text/markdown"


#: The page loads nothing from anywhere but this server.
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

api = APIRouter(prefix="/api", dependencies=[Depends(guard)], responses=ERRORS)
pages = APIRouter()


@api.post("/ask", response_model=Answer, tags=["answers"])
async def ask(body: AskRequest, services: ServicesDep) -> Answer:
    """Answer one question on its own (what `assistant ask --json` prints)."""
    return await run_in_threadpool(services.engine.ask, body.question, body.k, mode=body.mode)


@api.post("/chat", response_model=Answer, tags=["answers"])
async def chat(body: ChatRequest, services: ServicesDep, owner: MaybeOwner = "") -> Answer:
    """A message in a conversation. Without `session_id` a new one starts (belonging to the
    `X-Assistant-Owner` sent, if any); the answer carries its id."""
    return await run_in_threadpool(
        services.conversation.chat, body.message, body.session_id, k=body.k, owner=owner or None
    )


@api.post(
    "/chat/stream",
    response_class=StreamingResponse,
    tags=["answers"],
    responses={
        200: {"description": "Server-sent events: citations, sentence…, done", "content": {"text/event-stream": {}}}
    },
)
async def chat_stream(body: ChatRequest, services: ServicesDep, owner: MaybeOwner = "") -> StreamingResponse:
    """Like `/api/chat`, as server-sent events: `citations` (everything but the summary), then one
    `sentence` per summary sentence, then `done` with the full answer. Errors come before the
    stream starts, as ordinary JSON errors."""
    answer = await run_in_threadpool(
        services.conversation.chat, body.message, body.session_id, k=body.k, owner=owner or None
    )
    stream = stream_answer(answer, pace=services.stream_pace)
    return StreamingResponse(stream, media_type="text/event-stream", headers=SSE_HEADERS)


@api.get("/sessions", response_model=SessionList, tags=["sessions"])
async def sessions(owner: Owner, services: ServicesDep) -> SessionList:
    """The conversations of the owner key sent, the most recently updated first."""
    found = await run_in_threadpool(services.conversation.sessions, owner)
    return SessionList(sessions=[SessionSummary.of(s) for s in found])


@api.get("/sessions/{session_id}", response_model=SessionHistory, tags=["sessions"], responses=NOT_FOUND)
async def session_history(session_id: SessionId, services: ServicesDep) -> SessionHistory:
    """Every turn of a conversation, oldest first, with its title and ratings (404 when unknown or expired)."""

    def read() -> SessionHistory:
        conversation = services.conversation
        session = conversation.session(session_id)
        return SessionHistory(
            session_id=session_id,
            title=session.title,
            created=session.created,
            updated=session.updated,
            turns=conversation.history(session_id),
            feedback=[TurnFeedback.of(f) for f in conversation.feedback(session_id)],
        )

    return await run_in_threadpool(read)


@api.patch("/sessions/{session_id}", response_model=SessionSummary, tags=["sessions"], responses=NOT_FOUND)
async def rename_session(
    session_id: SessionId, body: RenameRequest, owner: Owner, services: ServicesDep
) -> SessionSummary:
    """Rename a conversation of the owner key sent (404 when unknown, expired or another owner's)."""
    session = await run_in_threadpool(services.conversation.rename, session_id, owner, body.title)
    return SessionSummary.of(session)


@api.get(
    "/sessions/{session_id}/export.md",
    response_class=MarkdownResponse,
    tags=["sessions"],
    responses={
        **json_errors(401, 404, 413, 422, 429, 503),
        200: {
            "description": "The conversation as Markdown: each question, its summary with markers [n], "
            "the cited passages (document › section, character span).",
            "content": {"text/markdown": {"schema": {"type": "string"}}},
        },
    },
)
async def export_session(session_id: SessionId, services: ServicesDep) -> MarkdownResponse:
    """A conversation as a Markdown file, with its citations (404 when unknown or expired)."""
    text = await run_in_threadpool(services.conversation.markdown, session_id)
    stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M")
    headers = {"Content-Disposition": f'attachment; filename="conversation-{stamp}.md"'}
    return MarkdownResponse(text, headers=headers)


@api.put(
    "/sessions/{session_id}/turns/{turn}/feedback", response_model=FeedbackOut, tags=["sessions"], responses=NOT_FOUND
)
async def rate_answer(
    session_id: SessionId, turn: TurnNumber, body: FeedbackRequest, services: ServicesDep
) -> FeedbackOut:
    """Rate an answer 👍 or 👎 with an optional comment; again to change it (404: no such conversation or turn)."""
    feedback = await run_in_threadpool(services.conversation.rate, session_id, turn, body.rating, body.comment)
    return FeedbackOut.of(feedback)


@api.delete("/sessions/{session_id}/turns/{turn}/feedback", status_code=204, tags=["sessions"], responses=NOT_FOUND)
async def unrate_answer(session_id: SessionId, turn: TurnNumber, services: ServicesDep) -> Response:
    """Remove an answer's rating (404 when it has none)."""
    await run_in_threadpool(services.conversation.unrate, session_id, turn)
    return Response(status_code=204)


@api.delete("/sessions/{session_id}", status_code=204, tags=["sessions"], responses=NOT_FOUND)
async def delete_session(session_id: SessionId, services: ServicesDep) -> Response:
    """Forget a conversation (404 when unknown)."""
    await run_in_threadpool(services.conversation.delete, session_id)
    return Response(status_code=204)


@api.get("/documents", response_model=list[DocumentInfo], tags=["documents"])
async def documents(services: ServicesDep) -> list[DocumentInfo]:
    """The indexed documents."""
    docs = await run_in_threadpool(services.documents)
    return [DocumentInfo.of(d) for d in docs]


@api.get("/documents/{doc_id:path}", response_model=DocumentText, tags=["documents"], responses=NOT_FOUND)
async def document(doc_id: str, services: ServicesDep) -> DocumentText:
    """A document's full text and headings; a citation's `start`/`end` index into `text`."""
    return DocumentText.full(await run_in_threadpool(services.document, doc_id))


@api.post("/reindex", response_model=ReindexStatus, status_code=202, tags=["index"])
async def reindex(services: ServicesDep, body: ReindexRequest | None = None) -> ReindexStatus:
    """Rebuild the index from the corpus folder in the background; answers keep coming from the
    old index until the new one is complete. Starting while a rebuild runs returns its status."""
    return services.maintainer.start(rebuild=body.rebuild if body else False)


@api.get("/reindex", response_model=ReindexStatus, tags=["index"])
async def reindex_status(services: ServicesDep) -> ReindexStatus:
    """State of the latest rebuild started through the API."""
    return services.maintainer.status()


@pages.get(
    "/healthz",
    response_model=Health,
    tags=["service"],
    responses={503: {"model": Health, "description": "No usable index; `error` says why and what to run"}},
)
async def healthz(request: Request) -> JSONResponse:
    """200 when questions can be answered; 503 (with the reason) when there is no usable index,
    or while the model and the index are loading (``status`` is then ``loading``)."""
    try:
        services = ready_services(request.app)
    except AssistantError as exc:
        loading = isinstance(exc, ServiceLoadingError) and exc.loading
        health = Health(
            status="loading" if loading else "unavailable",
            model=request.app.state.settings.model,
            error=None if loading else exc.message,
        )
        return JSONResponse(health.model_dump(mode="json"), status_code=503)
    health = await run_in_threadpool(services.health)
    return JSONResponse(health.model_dump(mode="json"), status_code=200 if health.status == "ok" else 503)


@pages.get("/", include_in_schema=False, response_model=None)
async def index_page(request: Request) -> FileResponse | JSONResponse:
    """The chat page."""
    web_dir = request.app.state.web_dir
    if web_dir is None:
        return JSONResponse(error_body("NotFound", "채팅 페이지 파일(web/)이 없습니다. (chat page not installed)"), 404)
    return FileResponse(web_dir / "index.html", headers=PAGE_HEADERS)
