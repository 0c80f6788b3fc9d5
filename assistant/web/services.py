"""What the request handlers share, built once at start-up and reached through ``app.state.services``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant import Conversation, Engine, IndexedDocument, SessionStore, StoredDocument
from assistant.errors import AssistantError
from assistant.settings import Settings
from assistant.web.errors import DocumentNotFoundError, ServiceLoadingError
from assistant.web.reindex import IndexMaintainer
from assistant.web.schemas import Health
from assistant.web.security import RateLimiter


@dataclass
class Services:
    """What the request handlers share: built once in the lifespan, reached via ``app.state``."""

    settings: Settings
    engine: Engine
    conversation: Conversation
    maintainer: IndexMaintainer
    limiter: RateLimiter
    stream_pace: float
    #: The Slack bot's conversations, in a store of their own (None without Slack settings).
    slack_conversation: Conversation | None = None

    def close(self) -> None:
        """Close the conversation stores."""
        self.conversation.store.close()
        if self.slack_conversation is not None:
            self.slack_conversation.store.close()

    def documents(self) -> list[IndexedDocument]:
        """The indexed documents (blocking: opens the index on first use)."""
        with self.engine.snapshot() as snapshot:
            return snapshot.index.store.documents()

    def document(self, doc_id: str) -> StoredDocument:
        """One indexed document with its text, or :class:`DocumentNotFoundError`."""
        with self.engine.snapshot() as snapshot:
            doc = snapshot.index.store.document(doc_id)
        if doc is None:
            raise DocumentNotFoundError(
                f"색인에 없는 문서입니다: {doc_id} (unknown document)", hint="GET /api/documents lists them."
            )
        return doc

    def health(self) -> Health:
        """Whether the engine can answer, and over which index (blocking)."""
        model = self.settings.model
        state = self.maintainer.status().state
        try:
            with self.engine.snapshot() as snapshot:
                index = snapshot.index
                index.check()  # a vector file damaged since start-up makes every answer fail
        except AssistantError as exc:
            return Health(status="unavailable", model=model, reindex=state, error=str(exc))
        m = index.manifest
        return Health(
            status="ok",
            model=m.model,
            index_version=index.folder.name,
            documents=m.n_documents,
            chunks=m.n_chunks,
            reindex=state,
        )


def ready_services(app: Any) -> Services:
    """The app's services, or the error that says why there are none yet: still loading
    (:class:`ServiceLoadingError`), or the error that stopped the loading."""
    services: Services | None = app.state.services
    if services is not None:
        return services
    error = app.state.load_error
    if isinstance(error, AssistantError):
        raise error
    if error is not None:
        raise ServiceLoadingError("서버를 시작하지 못했습니다. 서버 기록을 확인해 주세요.", failed=True) from error
    raise ServiceLoadingError()


def serves_slack(settings: Settings) -> bool:
    """Whether the app answers Slack at ``/slack/events`` (a bot token or signing secret is set)."""
    return bool(settings.slack_bot_token or settings.slack_signing_secret)


def build_services(settings: Settings, engine: Engine | None, stream_pace: float) -> Services:
    """Everything the handlers need, loaded (blocking; run at start-up)."""
    engine = engine or Engine(settings)
    engine.warm_up()
    sessions = SessionStore(settings.sessions_file, ttl_hours=settings.session_ttl_hours)
    slack = None
    if serves_slack(settings):
        slack_sessions = SessionStore(settings.slack_sessions_file, ttl_hours=settings.session_ttl_hours)
        slack = Conversation(engine, slack_sessions, settings)
    return Services(
        settings=settings,
        engine=engine,
        conversation=Conversation(engine, sessions, settings),
        maintainer=IndexMaintainer(engine),
        limiter=RateLimiter(settings.rate_limit_per_minute),
        stream_pace=stream_pace,
        slack_conversation=slack,
    )
