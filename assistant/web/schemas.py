"""Request and response bodies of the HTTP API (answers use :class:`assistant.answer.schema.Answer`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.config import JsonDict

from assistant import OWNER_KEY, SESSION_ID, Answer, Feedback, IndexedDocument, Session, StoredDocument
from assistant.options import Mode

#: Session ids an HTTP client may send: those of :data:`assistant.SESSION_ID`, except the
#: ``slack:`` ones (Slack threads are conversations of their own store, see docs/security.md).
HTTP_SESSION_ID = "^(?!slack:)" + SESSION_ID.pattern.removeprefix("^")


def not_slack(session_id: str) -> str:
    """Refuse a ``slack:`` session id (for parameters checked with Rust regexes, which have no look-ahead)."""
    if session_id.startswith("slack:"):
        raise ValueError("'slack:' ids are the Slack bot's conversations, not open to the HTTP API")
    return session_id


#: A character that is not a space as Python reads one (``str.isspace``, what ``strip()`` removes)
#: nor an invisible format character (Unicode category Cf, which the engine drops: a zero-width
#: space, a byte-order mark), written out so that every regex engine reads it alike: JavaScript's
#: ``\S``, which JSON Schema means, takes U+0085 and U+001C-U+001F for text, and a question of them
#: alone is empty here.
NOT_SPACE = (
    r"[^\t-\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)

#: What the schema says of a question: at least one character that is not a space. The
#: longest one (``maxLength``) is ``ASSISTANT_MAX_QUESTION_CHARS``, written into the OpenAPI
#: description by the app. The engine checks both and answers 422 with a message.
QUESTION_SCHEMA: JsonDict = {"minLength": 1, "pattern": NOT_SPACE}


class Request(BaseModel):
    """A request body: no type coercion (``"5"`` is not a number, ``0`` not a boolean)."""

    model_config = ConfigDict(strict=True, regex_engine="python-re")


def integral(value: object) -> object:
    """``5.0`` as ``5``: JSON has one kind of number, and JSON Schema's integers include it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: Passages to cite: an integer from 1 to 50, or null for ``ASSISTANT_TOP_K``.
TopK = Annotated[Annotated[int, Field(ge=1, le=50)] | None, BeforeValidator(integral)]


class AskRequest(Request):
    """One question, answered on its own (no conversation)."""

    question: str = Field(
        description="The question, in Korean.",
        examples=["서울의 지하철은 몇 개 노선인가?"],
        json_schema_extra=QUESTION_SCHEMA,
    )
    k: TopK = Field(default=None, description="Passages to cite (default: ASSISTANT_TOP_K).")
    mode: Mode = Field(default="hybrid", description="Retrieval mode.")


class ChatRequest(Request):
    """A message in a conversation; without ``session_id`` a new conversation starts."""

    message: str = Field(
        description="The message, in Korean.",
        examples=["제주도에는 오름이 몇 개 있나요?"],
        json_schema_extra=QUESTION_SCHEMA,
    )
    session_id: str | None = Field(
        default=None, pattern=HTTP_SESSION_ID, description="The conversation to continue (from an earlier answer)."
    )
    k: TopK = Field(default=None, description="Passages to cite (default: ASSISTANT_TOP_K).")


def readable(text: str | None) -> str | None:
    """Refuse text with a surrogate code point (not UTF-8, or a lone ``\\ud800`` escape)."""
    if text is not None and any("\ud800" <= ch <= "\udfff" for ch in text):
        raise ValueError("text that is not valid Unicode (an unpaired surrogate)")
    return text


#: The owner key header: which browser's conversations (docs/api-conversations.md).
OWNER_HEADER = "X-Assistant-Owner"
OWNER_DESCRIPTION = (
    "The browser's owner key (16-128 of A-Z a-z 0-9 _ -): a conversation started with it belongs "
    "to it, and only it may list or rename that conversation."
)
OWNER_PATTERN = OWNER_KEY.pattern


class RenameRequest(Request):
    """A new title for a conversation."""

    title: Annotated[str, AfterValidator(readable)] = Field(
        min_length=1,
        max_length=100,
        description="The title, 1-100 characters, not only spaces (trimmed).",
        examples=["지하철 노선 질문"],
        pattern=NOT_SPACE,
    )


class FeedbackRequest(Request):
    """A rating of one answer, with an optional comment; sending again replaces it."""

    rating: Literal["up", "down"] = Field(description="`up` (👍) or `down` (👎).")
    comment: Annotated[str | None, AfterValidator(readable)] = Field(
        default=None, max_length=1000, description="Why, in the person's words (blank: none)."
    )


class TurnFeedback(BaseModel):
    """The rating of one answer of a conversation."""

    turn: int = Field(description="The answer's `turn`, from 1.")
    rating: Literal["up", "down"]
    comment: str | None = None
    updated: float = Field(description="Unix time of the rating.")

    @classmethod
    def of(cls, f: Feedback) -> TurnFeedback:
        return cls(turn=f.n, rating=f.rating, comment=f.comment, updated=f.at)


class FeedbackOut(TurnFeedback):
    """A rating as stored."""

    session_id: str

    @classmethod
    def of(cls, f: Feedback) -> FeedbackOut:
        return cls(session_id=f.session_id, turn=f.n, rating=f.rating, comment=f.comment, updated=f.at)


class SessionSummary(BaseModel):
    """A conversation in the list: its title, times and number of questions."""

    session_id: str
    title: str = Field(description="The title given, or the first question (cut to 60 characters).")
    created: float = Field(description="Unix time.")
    updated: float = Field(description="Unix time of the last answer or rename.")
    turns: int = Field(description="How many questions it has.")

    @classmethod
    def of(cls, s: Session) -> SessionSummary:
        return cls(session_id=s.id, title=s.title, created=s.created, updated=s.updated, turns=s.turns)


class SessionList(BaseModel):
    """The owner's live conversations, the most recently updated first (at most 200)."""

    sessions: list[SessionSummary]


class SessionHistory(BaseModel):
    """A conversation: its answers, oldest first, each with its ``turn`` number, and their ratings."""

    session_id: str
    title: str = ""
    created: float | None = Field(default=None, description="Unix time.")
    updated: float | None = Field(default=None, description="Unix time of the last answer or rename.")
    turns: list[Answer]
    feedback: list[TurnFeedback] = Field(default_factory=list, description="The rated answers, by turn.")


class ReindexRequest(Request):
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


class ErrorDetail(BaseModel):
    """What went wrong, for a person, and what to do about it."""

    type: str = Field(description="The kind of error, e.g. InvalidQuestionError, IndexMissingError.")
    message: str
    hint: str | None = Field(description="What to do next (a command to run, a header to send), if anything.")


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


class Health(BaseModel):
    """Whether the service can answer, and over which index."""

    status: Literal["ok", "loading", "unavailable"] = Field(
        description="ok: questions can be answered; loading: the model and the index are loading; unavailable: see error."
    )
    model: str
    index_version: str | None = None
    documents: int | None = None
    chunks: int | None = None
    reindex: Literal["idle", "running", "done", "failed"] = "idle"
    error: str | None = None
