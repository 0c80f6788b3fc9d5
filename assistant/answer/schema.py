"""The answer schema shared by every front end (CLI ``--json``, HTTP API, Slack)."""

from __future__ import annotations

from pydantic import BaseModel, Field, computed_field

from assistant.text.chunking import PATH_SEPARATOR


class UsedSentence(BaseModel):
    """A sentence of a cited passage that the summary uses, with its span in the document."""

    text: str
    start: int
    end: int


class Citation(BaseModel):
    """A retrieved passage, numbered as the summary's markers ``[n]`` refer to it."""

    n: int = Field(
        description="Number used in the summary's markers [n], from 1: the passages the summary cites, in the "
        "order it first cites them, then the others."
    )
    rank: int = Field(default=0, description="Retrieval rank of the passage, from 1 (the best match).")
    chunk_id: str
    doc_id: str = Field(description="Path of the document relative to the corpus folder.")
    title: str
    section: str = Field(description="Heading path, levels joined by ' > '; '' if none.")
    start: int = Field(description="Start of the passage in the document's text (characters).")
    end: int = Field(description="End of the passage (exclusive): text[start:end] is the passage.")
    passage: str
    sentences: list[UsedSentence] = Field(default_factory=list)
    score: float = Field(description="Fused retrieval score (higher is more relevant).")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def place(self) -> str:
        """Where the passage is, for a reader: the title, then the section path's levels, joined by
        ' › ' (a first level that repeats the title is left out)."""
        levels = [level for level in self.section.split(PATH_SEPARATOR) if level]
        if levels and levels[0] == self.title:
            levels = levels[1:]
        return " › ".join([self.title, *levels])


class SummarySentence(BaseModel):
    """One sentence of the summary and the citation it comes from."""

    text: str
    citation: int


class Answer(BaseModel):
    """What the assistant returns for one question."""

    question: str
    query: str = Field(description="The query actually searched (a rewritten follow-up, or the question).")
    summary: str = Field(description="Extractive summary; every sentence ends with a marker [n].")
    form: str = Field(
        description="Form of the question: definition, reason, method, list, comparison or general; "
        "overview for a request for the documents as a whole (each document's opening)."
    )
    summary_sentences: list[SummarySentence] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    abstained: bool = False
    abstain_reason: str | None = Field(
        default=None, description="The signals behind an abstention (for logs, not for display)."
    )
    confidence: float | None = Field(
        default=None,
        description="How likely the documents answer the question, 0–1, by the abstention rule's signals "
        "(p(answerable)); None when no passage was found or nothing was searched.",
    )
    caution: str | None = Field(
        default=None,
        description="Answered questions the documents may not answer (confidence below the rule's caution "
        "level): a word of caution to show before the summary; None otherwise.",
    )
    covers: list[str] = Field(
        default_factory=list,
        description="Abstained answers: what the indexed documents are about (their titles, or one "
        "document's top sections); empty otherwise.",
    )
    suggestions: list[str] = Field(
        default_factory=list,
        description="Abstained answers: two or three questions the documents answer, to offer instead; "
        "empty otherwise.",
    )
    followups: list[str] = Field(
        default_factory=list,
        description="Answered questions: up to three questions about the sections near the cited passages "
        "that the answer did not use; empty otherwise.",
    )
    model: str = ""
    timings: dict[str, float] = Field(default_factory=dict, description="Milliseconds per stage.")
    session_id: str | None = Field(default=None, description="Conversation this answer belongs to (chat only).")
    turn: int | None = Field(default=None, description="Number of this question in its conversation, from 1.")
    followup: str | None = Field(
        default=None,
        description="How the question continued the conversation: ellipsis, reference, ordinal or more; "
        "None when it stood alone.",
    )
    drew_on_turn: int | None = Field(default=None, description="The earlier turn the searched query was built from.")
    notice: str | None = Field(
        default=None, description="Something the user should know, e.g. that a new session started."
    )
