"""One error hierarchy for the whole assistant.

The core raises these; only the edges (CLI, HTTP API, Slack) translate them into
exit codes, HTTP status codes or chat replies. Every message is meant for a person
and, where there is one, says what to do next.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class of every error the assistant raises on purpose."""

    #: Suggested process exit code for command-line front ends.
    exit_code: int = 1
    #: Suggested HTTP status for web front ends.
    http_status: int = 500

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n{self.hint}"
        return self.message


class ConfigError(AssistantError):
    """A setting has a value that cannot be used (unknown name, out of range)."""

    exit_code = 2
    http_status = 400


class InvalidQuestionError(AssistantError):
    """The question is empty, too long, or otherwise unusable."""

    exit_code = 2
    http_status = 422


class CorpusError(AssistantError):
    """The corpus folder is missing, empty, or holds no readable document."""

    exit_code = 3
    http_status = 400


class DocumentReadError(AssistantError):
    """One document could not be read; indexing reports it and goes on."""

    exit_code = 3
    http_status = 400

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ModelError(AssistantError):
    """The embedding model cannot be found, built or loaded."""

    exit_code = 4
    http_status = 503


class IndexError_(AssistantError):
    """Base class of index problems (named with a trailing underscore to not shadow the builtin)."""

    exit_code = 5
    http_status = 503


class IndexMissingError(IndexError_):
    """No index has been built in the folder yet."""


class IndexMismatchError(IndexError_):
    """The index was built with another model, format version or settings."""


class IndexCorruptError(IndexError_):
    """An index file is damaged or incomplete."""


class IndexBusyError(IndexError_):
    """Another process is building the same index right now."""


class VectorStoreError(AssistantError):
    """The external vector store (Milvus) cannot be reached or refused an operation."""

    exit_code = 6
    http_status = 503


class SessionNotFoundError(AssistantError):
    """No stored conversation has this id (never created, expired or deleted).

    Sending a message with such an id does not raise it: a new conversation starts and
    the answer says so. Reading or deleting the history of one does.
    """

    exit_code = 2
    http_status = 404


class EvalDataError(AssistantError):
    """A questions file of ``assistant eval`` cannot be read, or one of its entries is unusable.

    ``where`` names the file and, for JSON Lines, the line (``questions.jsonl, line 3``).
    """

    exit_code = 2
    http_status = 422

    def __init__(self, where: str, reason: str, *, hint: str | None = None) -> None:
        super().__init__(f"{where}: {reason}", hint=hint)
        self.where = where
        self.reason = reason


def rebuild_hint(index_dir: str, corpus_dir: str | None = None) -> str:
    """The command that rebuilds an index, for error messages."""
    corpus = f" {corpus_dir}" if corpus_dir else ""
    return f"다시 만들려면: assistant index{corpus} --index {index_dir} --rebuild"
