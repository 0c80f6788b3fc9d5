"""Request and response bodies of the HTTP API (answers use :class:`assistant.answer.schema.Answer`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant import SESSION_ID, Answer, IndexedDocument, StoredDocument
from assistant.options import Mode


class AskRequest(BaseModel):
    """One question, answered on its own (no conversation)."""

    question: str = Field(description="The question, in Korean.", examples=["서울의 지하철은 몇 개 노선인가?"])
    k: int | None = Field(default=None, ge=1, le=50, description="Passages to cite (default: ASSISTANT_TOP_K).")
    mode: Mode = Field(default="hybrid", description="Retrieval mode.")


class ChatRequest(BaseModel):
    """A message in a conversation; without ``session_id`` a new conversation starts."""

    message: str = Field(description="The message, in Korean.", examples=["제주도에는 오름이 몇 개 있나요?"])
    session_id: str | None = Field(
        default=None, pattern=SESSION_ID.pattern, description="The conversation to continue (from an earlier answer)."
    )
    k: int | None = Field(default=None, ge=1, le=50, description="Passages to cite (default: ASSISTANT_TOP_K).")


class SessionHistory(BaseModel):
    """A conversation: its answers, oldest first, each with its ``turn`` number."""

    session_id: str
    turns: list[Answer]


class ReindexRequest(BaseModel):
    """Options of a rebuild of the index from ``ASSISTANT_CORPUS_DIR``."""

    rebuild: bool = Field(default=False, description="Embed everything again instead of reusing unchanged chunks.")


class HeadingInfo(BaseModel):
    """A section heading of a document, with its span in the document's text."""

    level: int
    title: str
    start: int
    end: int


class DocumentInfo(BaseModel):
    """An indexed document, without its text."""

    doc_id: str = Field(description="Path relative to the corpus folder; the id used in citations.")
    title: str
    chunks: int
    chars: int

    @classmethod
    def of(cls, doc: IndexedDocument) -> DocumentInfo:
        return cls(doc_id=doc.doc_id, title=doc.title, chunks=doc.n_chunks, chars=doc.chars)


class DocumentText(DocumentInfo):
    """An indexed document with its full text: citation spans ``start``/``end`` index into ``text``."""

    text: str
    headings: list[HeadingInfo]

    @classmethod
    def full(cls, doc: StoredDocument) -> DocumentText:
        heads = [HeadingInfo(level=h.level, title=h.title, start=h.start, end=h.end) for h in doc.headings]
        info = DocumentInfo.of(doc).model_dump()
        return cls(**info, text=doc.text, headings=heads)


class ReindexStatus(BaseModel):
    """State of the latest rebuild started through the API."""

    state: Literal["idle", "running", "done", "failed"]
    rebuild: bool = False
    started_at: float | None = Field(default=None, description="Unix time.")
    finished_at: float | None = Field(default=None, description="Unix time.")
    documents: int | None = None
    chunks: int | None = None
    version: str | None = Field(default=None, description="Index version folder now answering.")
    error: str | None = None


class Health(BaseModel):
    """Whether the service can answer, and over which index."""

    status: Literal["ok", "unavailable"]
    model: str
    index_version: str | None = None
    documents: int | None = None
    chunks: int | None = None
    reindex: Literal["idle", "running", "done", "failed"] = "idle"
    error: str | None = None
