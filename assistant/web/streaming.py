"""Server-sent events of an answer: the citations first, then the summary sentence by sentence.

Events, in this order:

* ``citations``: the answer without its summary (question, searched query, abstention,
  conversation fields, citations), so the page can show the sources at once;
* ``sentence``: one per summary sentence, ``{"index", "text", "citation"}``;
* ``done``: the full answer, exactly as ``POST /api/chat`` returns it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anyio

from assistant import Answer

#: Fields left out of the ``citations`` event (they come sentence by sentence, then in ``done``).
LATER_FIELDS = {"summary", "summary_sentences", "timings"}


def sse_event(event: str, data: Any) -> bytes:
    """One event in the ``text/event-stream`` format, its data as one line of JSON."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n".encode()


def answer_events(answer: Answer) -> list[tuple[str, dict[str, Any]]]:
    """The (event, data) pairs that stream ``answer``, in order."""
    events: list[tuple[str, dict[str, Any]]] = [("citations", answer.model_dump(mode="json", exclude=LATER_FIELDS))]
    for i, sentence in enumerate(answer.summary_sentences):
        events.append(("sentence", {"index": i, "text": sentence.text, "citation": sentence.citation}))
    events.append(("done", answer.model_dump(mode="json")))
    return events


async def stream_answer(answer: Answer, *, pace: float = 0.0) -> AsyncIterator[bytes]:
    """The answer's events as bytes, ``pace`` seconds apart after the first.

    Each event is yielded on its own so the server flushes it separately; the page shows
    the sources while the summary is still arriving.
    """
    for n, (event, data) in enumerate(answer_events(answer)):
        if n:
            await anyio.sleep(pace)
        yield sse_event(event, data)


#: Headers that keep proxies from buffering the stream.
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
