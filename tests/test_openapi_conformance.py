"""The OpenAPI description matches what the API does: schemathesis, in process, every check.

Positive and negative data (NUL bytes allowed) for every operation, from the examples,
coverage and fuzzing phases, then a stateful run over the links between operations. Each
response must conform to the description (status code, content type, headers, schema),
schema-valid requests must be accepted and invalid ones refused, nothing may be a 5xx, and
a method an operation lacks must be a 405 naming the allowed ones. Bounded to a few dozen
examples per operation; docs/security.md has the command for a longer run against
``assistant serve``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis

# Imported now rather than by the stateful run while the app's threads are busy: there Python 3.11
# once failed to parse a module whose import pytest rewrites ("SystemError: AST constructor
# recursion depth mismatch", reported as seen in threaded programs: python/cpython#106905).
import schemathesis.engine.errors
import schemathesis.generation.stateful
from conftest import FAKE_MODEL, GOLDEN, SHARED_ANALYZER, FakeEmbedder
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from assistant.answer.engine import Engine
from assistant.settings import Settings
from assistant.web import create_app

#: Examples per operation and phase: enough for every branch of this small API, and the
#: whole module stays well under a minute.
MAX_EXAMPLES = 25

# The schema is loaded when the module is collected, from an app whose index is built (and
# whose lifespan runs) only in the fixture below.
ROOT = Path(tempfile.gettempdir()) / f"assistant-openapi-{os.getpid()}"
SETTINGS = Settings(
    index_dir=ROOT / "index",
    corpus_dir=ROOT / "corpus",
    model=FAKE_MODEL,
    cache_dir=ROOT / "cache",
    sessions_path=ROOT / "sessions.sqlite",
    chunk_size=80,
    chunk_overlap=0,
    show_progress=False,
    rate_limit_per_minute=0,  # every generated request is answered, none throttled
)
ENGINE = Engine(SETTINGS, embedder=FakeEmbedder(), analyzer=SHARED_ANALYZER)
APP = create_app(SETTINGS, engine=ENGINE, stream_pace=0.0, follow_interval=3600)

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    allow_x00=True,
)


@pytest.fixture(scope="module", autouse=True)
def serving() -> Iterator[None]:
    """The golden corpus indexed and the app's lifespan running while the module's tests run."""
    (ROOT / "corpus").mkdir(parents=True)
    for name, text in GOLDEN.items():
        (ROOT / "corpus" / name).write_text(text, encoding="utf-8")
    try:
        ENGINE.build_index()
        with TestClient(APP):
            yield
            APP.state.services.maintainer.join()  # a generated POST /api/reindex may still run
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms(case: Any) -> None:
    case.call_and_validate()


Stateful: Any = schema.as_state_machine()
TestStateful = Stateful.TestCase
TestStateful.settings = settings(
    max_examples=MAX_EXAMPLES, stateful_step_count=5, deadline=None, suppress_health_check=list(HealthCheck)
)
