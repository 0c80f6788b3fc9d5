"""Korean conversational retrieval assistant: cited passages and extractive summaries, offline.

The package is a pipeline of stages, each a subpackage that imports only the stages below it
(``docs/architecture.md``)::

    ingest → text → embedding → store → search → answer → chat → evaluation

The front ends (``cli``, ``web``, ``slack``) use only this module's public surface and the
foundation modules (``errors``, ``settings``, ``options``). The names below are imported on
first use, so ``import assistant`` stays cheap (no numpy, no model)::

    from assistant import Engine, Settings

    engine = Engine(Settings(index_dir="index"))
    print(engine.ask("메가 얼라이언스란?").summary)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name → the module that defines it.
_SURFACE = {
    "Settings": "assistant.settings",
    "EMBEDDED_MODEL": "assistant.settings",
    "Engine": "assistant.answer.engine",
    "Answer": "assistant.answer.schema",
    "Citation": "assistant.answer.schema",
    "SummarySentence": "assistant.answer.schema",
    "UsedSentence": "assistant.answer.schema",
    "Conversation": "assistant.chat.conversation",
    "SessionStore": "assistant.chat.sessions",
    "SESSION_ID": "assistant.chat.sessions",
    "OWNER_KEY": "assistant.chat.sessions",
    "Session": "assistant.chat.sessions",
    "Feedback": "assistant.chat.sessions",
    "Index": "assistant.store.index",
    "open_index": "assistant.store.index",
    "IndexedDocument": "assistant.store.chunks",
    "StoredDocument": "assistant.store.chunks",
    "BuildResult": "assistant.store.builder",
    "current_version": "assistant.store.versions",
    "is_current": "assistant.store.versions",
    "evaluate": "assistant.evaluation.run",
    "load_questions": "assistant.evaluation.run",
    "feedback_questions": "assistant.evaluation.feedback",
}

__all__ = [
    "EMBEDDED_MODEL",
    "OWNER_KEY",
    "SESSION_ID",
    "Answer",
    "BuildResult",
    "Citation",
    "Conversation",
    "Engine",
    "Feedback",
    "Index",
    "IndexedDocument",
    "Session",
    "SessionStore",
    "Settings",
    "StoredDocument",
    "SummarySentence",
    "UsedSentence",
    "current_version",
    "evaluate",
    "feedback_questions",
    "is_current",
    "load_questions",
    "open_index",
]

if TYPE_CHECKING:
    from assistant.answer.engine import Engine
    from assistant.answer.schema import Answer, Citation, SummarySentence, UsedSentence
    from assistant.chat.conversation import Conversation
    from assistant.chat.sessions import OWNER_KEY, SESSION_ID, Feedback, Session, SessionStore
    from assistant.evaluation.feedback import feedback_questions
    from assistant.evaluation.run import evaluate, load_questions
    from assistant.settings import EMBEDDED_MODEL, Settings
    from assistant.store.builder import BuildResult
    from assistant.store.chunks import IndexedDocument, StoredDocument
    from assistant.store.index import Index, open_index
    from assistant.store.versions import current_version, is_current


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    module = _SURFACE.get(name)
    if module is None:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_SURFACE])
