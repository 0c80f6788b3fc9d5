"""The HTTP API through FastAPI's TestClient: the real engine over the golden corpus, fake embedder."""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import BY_COVERAGE, FAKE_MODEL, FakeEmbedder, wait_for
from fastapi.testclient import TestClient
from httpx import Response

from assistant.answer.engine import Engine
from assistant.answer.schema import Answer
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer
from assistant.web import create_app
from assistant.web.security import RateLimiter

SUBWAY = "서울의 지하철은 몇 개 노선인가?"
HAENYEO = "제주 해녀는 무엇을 따나요?"
OFF_TOPIC = "김치찌개 맛있게 끓이는 법"
BUSAN = "부산은 항구 도시이다. 해운대 해수욕장은 여름마다 피서객으로 붐빈다.\n"


def make_engine(settings: Settings, analyzer: KoreanAnalyzer, embedder: Any = None) -> Engine:
    engine = Engine(settings, embedder=embedder or FakeEmbedder(), analyzer=analyzer, rule=BY_COVERAGE)
    engine.build_index()
    return engine


@contextmanager
def serve(
    settings: Settings, engine: Engine | None, *, follow_interval: float = 3600, **client_options: Any
) -> Iterator[TestClient]:
    """A client of the app; entering it runs the lifespan (start-up and shut-down)."""
    app = create_app(settings, engine=engine, stream_pace=0.0, follow_interval=follow_interval)
    with TestClient(app, **client_options) as client:
        yield client


@pytest.fixture
def engine(settings: Settings, analyzer: KoreanAnalyzer) -> Engine:
    return make_engine(settings, analyzer)


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with serve(settings, engine) as c:
        yield c


def error_of(response: Response, status: int, kind: str) -> dict[str, Any]:
    """The error body of a response, checked for status, shape and type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"type", "message", "hint"}
    assert body["error"]["type"] == kind
    assert body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


def sse(text: str) -> list[tuple[str, Any]]:
    """Parse a text/event-stream body into (event, data) pairs."""
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


# ---------------------------------------------------------------------------
# Answers


def test_ask_returns_what_the_engine_and_the_cli_return(client: TestClient, engine: Engine) -> None:
    response = client.post("/api/ask", json={"question": SUBWAY})
    assert response.status_code == 200
    answer = Answer.model_validate(response.json())
    assert set(response.json()) == set(Answer.model_fields)
    direct = engine.ask(SUBWAY)
    assert answer.model_dump(exclude={"timings"}) == direct.model_dump(exclude={"timings"})
    assert answer.citations[0].chunk_id == "서울.md#1"
    assert "서울의 지하철은 아홉 개 노선으로 이루어져 있다. [1]" in answer.summary
    assert answer.session_id is None


def test_ask_takes_k_and_mode(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": HAENYEO, "k": 2, "mode": "bm25"})
    assert response.status_code == 200
    answer = Answer.model_validate(response.json())
    assert len(answer.citations) == 2
    assert answer.citations[0].chunk_id == "제주.txt#2"


def test_off_topic_question_abstains(client: TestClient) -> None:
    answer = Answer.model_validate(client.post("/api/ask", json={"question": OFF_TOPIC}).json())
    assert answer.abstained and answer.citations == [] and answer.abstain_reason


def test_chat_creates_a_session_and_continues_it(client: TestClient) -> None:
    first = client.post("/api/chat", json={"message": SUBWAY}).json()
    assert first["session_id"] and first["turn"] == 1 and first["notice"] is None
    second = client.post("/api/chat", json={"message": "버스는?", "session_id": first["session_id"]}).json()
    assert (second["session_id"], second["turn"]) == (first["session_id"], 2)
    assert second["question"] == "버스는?"
    other = client.post("/api/chat", json={"message": HAENYEO}).json()
    assert other["session_id"] != first["session_id"] and other["turn"] == 1


def test_chat_with_an_unknown_session_starts_a_new_one(client: TestClient) -> None:
    answer = client.post("/api/chat", json={"message": SUBWAY, "session_id": "no-such-session"}).json()
    assert answer["session_id"] != "no-such-session" and answer["turn"] == 1
    assert "no-such-session" in answer["notice"]


def test_session_history_and_delete(client: TestClient) -> None:
    first = client.post("/api/chat", json={"message": SUBWAY}).json()
    sid = first["session_id"]
    client.post("/api/chat", json={"message": HAENYEO, "session_id": sid})
    history = client.get(f"/api/sessions/{sid}")
    assert history.status_code == 200
    body = history.json()
    assert body["session_id"] == sid
    assert [(t["turn"], t["question"]) for t in body["turns"]] == [(1, SUBWAY), (2, HAENYEO)]
    assert body["turns"][0]["citations"] == first["citations"]

    assert client.delete(f"/api/sessions/{sid}").status_code == 204
    error_of(client.get(f"/api/sessions/{sid}"), 404, "SessionNotFoundError")
    error_of(client.delete(f"/api/sessions/{sid}"), 404, "SessionNotFoundError")


def test_unknown_session_is_404(client: TestClient) -> None:
    error_of(client.get("/api/sessions/nobody"), 404, "SessionNotFoundError")
    error_of(client.delete("/api/sessions/nobody"), 404, "SessionNotFoundError")


# ---------------------------------------------------------------------------
# Conversation list, titles, ratings, export

ME = {"X-Assistant-Owner": "browser-aaaaaaaaaaaaaaa"}
OTHER = {"X-Assistant-Owner": "browser-bbbbbbbbbbbbbbb"}


def test_an_owner_lists_and_renames_only_its_own_conversations(client: TestClient) -> None:
    mine = client.post("/api/chat", json={"message": SUBWAY}, headers=ME).json()["session_id"]
    client.post("/api/chat", json={"message": "버스는?", "session_id": mine}, headers=OTHER)
    events = sse(client.post("/api/chat/stream", json={"message": HAENYEO}, headers=ME).text)
    streamed = events[-1][1]["session_id"]
    theirs = client.post("/api/chat", json={"message": HAENYEO}, headers=OTHER).json()["session_id"]
    client.post("/api/chat", json={"message": HAENYEO})  # no owner: nobody's list

    listed = client.get("/api/sessions", headers=ME)
    assert listed.status_code == 200
    sessions = listed.json()["sessions"]
    assert [s["session_id"] for s in sessions] == [streamed, mine]  # the last updated first
    assert {k: sessions[1][k] for k in ("title", "turns")} == {"title": SUBWAY, "turns": 2}
    assert set(sessions[1]) == {"session_id", "title", "created", "updated", "turns"}
    assert [s["session_id"] for s in client.get("/api/sessions", headers=OTHER).json()["sessions"]] == [theirs]

    renamed = client.patch(f"/api/sessions/{mine}", json={"title": "  지하철\t질문 "}, headers=ME)
    assert renamed.status_code == 200 and renamed.json()["title"] == "지하철 질문"
    assert client.get(f"/api/sessions/{mine}").json()["title"] == "지하철 질문"
    error_of(
        client.patch(f"/api/sessions/{mine}", json={"title": "가로채기"}, headers=OTHER), 404, "SessionNotFoundError"
    )
    error_of(client.patch(f"/api/sessions/{theirs}", json={"title": "x"}, headers=ME), 404, "SessionNotFoundError")


@pytest.mark.parametrize(
    ("method", "path", "body", "headers"),
    [
        ("GET", "/api/sessions", None, {}),  # the owner key is needed to list
        ("GET", "/api/sessions", None, {"X-Assistant-Owner": "short"}),
        ("GET", "/api/sessions", None, {"X-Assistant-Owner": "has space in it, sixteen+"}),
        ("PATCH", "/api/sessions/abc", {"title": "x"}, {}),
        ("PATCH", "/api/sessions/abc", {"title": "   "}, ME),
        ("PATCH", "/api/sessions/abc", {"title": "x" * 101}, ME),
        ("PATCH", "/api/sessions/abc", {"title": 5}, ME),
        ("PUT", "/api/sessions/abc/turns/1/feedback", {"rating": "meh"}, {}),
        ("PUT", "/api/sessions/abc/turns/0/feedback", {"rating": "up"}, {}),
        ("PUT", "/api/sessions/abc/turns/1/feedback", {"rating": "up", "comment": "x" * 1001}, {}),
        ("PUT", "/api/sessions/abc/turns/1/feedback", '{"rating": "up", "comment": "\\ud800"}', {}),
        ("PUT", "/api/sessions/slack:T:C:1/turns/1/feedback", {"rating": "up"}, {}),
        ("GET", "/api/sessions/slack:T:C:1/export.md", None, {}),
    ],
)
def test_bad_requests_about_conversations_are_422(
    client: TestClient, method: str, path: str, body: Any, headers: dict[str, str]
) -> None:
    if isinstance(body, str):  # JSON text as sent (an unpaired surrogate escape)
        sent = client.request(method, path, content=body, headers={**headers, "Content-Type": "application/json"})
    else:
        sent = client.request(method, path, json=body, headers=headers)
    error_of(sent, 422, "ValidationError")


def test_answers_are_rated_changed_and_unrated(client: TestClient) -> None:
    sid = client.post("/api/chat", json={"message": SUBWAY}).json()["session_id"]
    client.post("/api/chat", json={"message": HAENYEO, "session_id": sid})
    url = f"/api/sessions/{sid}/turns/2/feedback"
    rated = client.put(url, json={"rating": "down", "comment": "해녀 답이 짧아요"})
    assert rated.status_code == 200
    assert {k: rated.json()[k] for k in ("session_id", "turn", "rating", "comment")} == {
        "session_id": sid,
        "turn": 2,
        "rating": "down",
        "comment": "해녀 답이 짧아요",
    }
    client.put(url, json={"rating": "up"})
    history = client.get(f"/api/sessions/{sid}").json()
    assert [(f["turn"], f["rating"], f["comment"]) for f in history["feedback"]] == [(2, "up", None)]
    assert client.delete(url).status_code == 204
    assert client.get(f"/api/sessions/{sid}").json()["feedback"] == []
    error_of(client.delete(url), 404, "SessionNotFoundError")
    error_of(client.put(f"/api/sessions/{sid}/turns/3/feedback", json={"rating": "up"}), 404, "SessionNotFoundError")
    error_of(client.put("/api/sessions/nobody/turns/1/feedback", json={"rating": "up"}), 404, "SessionNotFoundError")


def test_a_conversation_exports_as_markdown_with_its_citations(client: TestClient) -> None:
    first = client.post("/api/chat", json={"message": SUBWAY}).json()
    sid = first["session_id"]
    client.post("/api/chat", json={"message": OFF_TOPIC, "session_id": sid})
    client.put(f"/api/sessions/{sid}/turns/1/feedback", json={"rating": "up", "comment": "정확"})
    response = client.get(f"/api/sessions/{sid}/export.md")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="conversation-\d{8}-\d{4}\.md"', response.headers["content-disposition"])
    text = response.text
    assert text.startswith(f"# {SUBWAY}\n")
    assert f"## 1. {SUBWAY}\n\n{first['summary']}\n" in text
    top = first["citations"][0]
    assert f"[1] {top['place']} ({top['doc_id']}, 글자 {top['start']}–{top['end']})" in text
    assert "> " + top["passage"].strip().split("\n")[0] in text
    assert "평가: 👍 도움이 됨 — 정확" in text
    assert f"## 2. {OFF_TOPIC}" in text and "찾은 문서에는 이 질문에 대한 내용이 없습니다." in text
    error_of(client.get("/api/sessions/nobody/export.md"), 404, "SessionNotFoundError")


def test_answers_carry_what_to_ask_next(client: TestClient) -> None:
    answered = client.post("/api/chat", json={"message": SUBWAY}).json()
    assert answered["followups"] and answered["suggestions"] == [] and answered["covers"] == []
    events = sse(client.post("/api/chat/stream", json={"message": OFF_TOPIC}).text)
    first, done = events[0][1], events[-1][1]
    assert first["abstained"] and first["covers"] and first["suggestions"] == done["suggestions"]
    assert done["summary"].startswith("찾은 문서에는") and done["followups"] == []
    for question in done["suggestions"]:
        again = client.post("/api/ask", json={"question": question}).json()
        assert not again["abstained"], question


# ---------------------------------------------------------------------------
# Streaming


def test_stream_sends_citations_then_sentences_then_the_answer(client: TestClient) -> None:
    response = client.post("/api/chat/stream", json={"message": SUBWAY})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    events = sse(response.text)
    names = [name for name, _ in events]
    final = Answer.model_validate(events[-1][1])
    n = len(final.summary_sentences)
    assert n >= 1
    assert names == ["citations"] + ["sentence"] * n + ["done"]

    first = events[0][1]
    assert "summary" not in first and "summary_sentences" not in first
    assert first["citations"] == [c.model_dump(mode="json") for c in final.citations]
    assert first["session_id"] == final.session_id and first["turn"] == final.turn == 1
    assert first["query"] == final.query
    sentences = [data for name, data in events if name == "sentence"]
    assert sentences == [
        {"index": i, "text": s.text, "citation": s.citation} for i, s in enumerate(final.summary_sentences)
    ]
    for s in sentences:
        assert f"{s['text']} [{s['citation']}]" in final.summary


def test_stream_continues_the_session(client: TestClient) -> None:
    sid = client.post("/api/chat", json={"message": SUBWAY}).json()["session_id"]
    events = sse(client.post("/api/chat/stream", json={"message": "버스는?", "session_id": sid}).text)
    assert events[0][1]["session_id"] == sid and events[-1][1]["turn"] == 2


def test_stream_of_an_abstention_has_no_sentences(client: TestClient) -> None:
    events = sse(client.post("/api/chat/stream", json={"message": OFF_TOPIC}).text)
    assert [name for name, _ in events] == ["citations", "done"]
    assert events[0][1]["abstained"] is True and events[0][1]["citations"] == []
    assert events[-1][1]["summary"]


def test_stream_errors_come_as_json_before_the_stream(client: TestClient) -> None:
    error_of(client.post("/api/chat/stream", json={"message": "  "}), 422, "InvalidQuestionError")


# ---------------------------------------------------------------------------
# Documents


def test_documents_list_what_is_indexed(client: TestClient, engine: Engine) -> None:
    docs = client.get("/api/documents").json()
    assert [(d["doc_id"], d["title"]) for d in docs] == [("서울.md", "서울 안내"), ("제주.txt", "제주")]
    assert sum(d["chunks"] for d in docs) == len(engine.index)
    assert all(d["chars"] > 0 for d in docs)


def test_document_text_shows_a_citation_in_context(client: TestClient) -> None:
    citation = client.post("/api/ask", json={"question": SUBWAY}).json()["citations"][0]
    doc = client.get(f"/api/documents/{citation['doc_id']}").json()
    assert doc["doc_id"] == "서울.md" and doc["title"] == "서울 안내"
    assert doc["text"][citation["start"] : citation["end"]] == citation["passage"]
    for s in citation["sentences"]:
        assert doc["text"][s["start"] : s["end"]] == s["text"]
    assert [h["title"] for h in doc["headings"]] == ["서울 안내", "교통", "음식"]
    first = doc["headings"][0]
    assert doc["text"][first["start"] : first["end"]] == "서울 안내"


def test_document_in_a_subfolder(settings: Settings, analyzer: KoreanAnalyzer, golden_corpus: Path) -> None:
    (golden_corpus / "지역").mkdir()
    (golden_corpus / "지역" / "부산.txt").write_text(BUSAN, encoding="utf-8")
    with serve(settings, make_engine(settings, analyzer)) as client:
        assert "지역/부산.txt" in [d["doc_id"] for d in client.get("/api/documents").json()]
        assert client.get("/api/documents/지역/부산.txt").json()["text"] == BUSAN


def test_unknown_document_is_404(client: TestClient) -> None:
    error = error_of(client.get("/api/documents/없는문서.txt"), 404, "DocumentNotFoundError")
    assert "없는문서.txt" in error["message"]


# ---------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize(
    ("path", "payload", "kind", "words"),
    [
        ("/api/ask", {"question": ""}, "InvalidQuestionError", "비어"),
        ("/api/ask", {"question": " \n "}, "InvalidQuestionError", "비어"),
        ("/api/ask", {"question": "가" * 1001}, "InvalidQuestionError", "너무 깁니다"),
        ("/api/chat", {"message": ""}, "InvalidQuestionError", "비어"),
        ("/api/chat", {"message": "가" * 1001}, "InvalidQuestionError", "너무 깁니다"),
        ("/api/ask", {}, "ValidationError", "question"),
        ("/api/ask", {"question": SUBWAY, "k": 0}, "ValidationError", "k:"),
        ("/api/ask", {"question": SUBWAY, "mode": "magic"}, "ValidationError", "mode:"),
        ("/api/chat", {"text": SUBWAY}, "ValidationError", "message"),
        ("/api/chat", {"message": SUBWAY, "session_id": "../etc/passwd"}, "ValidationError", "session_id"),
        ("/api/ask", ["not", "an", "object"], "ValidationError", "JSON 객체"),
    ],
)
def test_invalid_requests_are_422_with_a_clear_message(
    client: TestClient, path: str, payload: Any, kind: str, words: str
) -> None:
    error = error_of(client.post(path, json=payload), 422, kind)
    assert words in error["message"]


def test_bad_json_is_422(client: TestClient) -> None:
    response = client.post("/api/chat", content=b'{"message": "x"', headers={"content-type": "application/json"})
    error = error_of(response, 422, "ValidationError")
    assert "JSON" in error["message"] and error["hint"]


def test_unknown_route_and_wrong_method(client: TestClient) -> None:
    error_of(client.get("/api/nothing-here"), 404, "NotFound")
    error_of(client.get("/api/ask"), 405, "MethodNotAllowed")


def test_missing_index_is_503_with_the_command_that_fixes_it(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    engine = Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer)
    with serve(settings, engine) as client:
        error = error_of(client.post("/api/ask", json={"question": SUBWAY}), 503, "IndexMissingError")
        assert "assistant index" in error["hint"]
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable" and "색인이 없습니다" in health.json()["error"]


# ---------------------------------------------------------------------------
# Guards: body size, API key, rate limit, CORS


def test_body_too_large_is_413(settings: Settings, engine: Engine) -> None:
    small = settings.model_copy(update={"max_body_bytes": 1024})
    with serve(small, engine) as client:
        assert client.post("/api/ask", json={"question": SUBWAY}).status_code == 200
        big = json.dumps({"question": "가" * 600}).encode()
        assert len(big) > 1024
        error_of(
            client.post("/api/ask", content=big, headers={"content-type": "application/json"}),
            413,
            "PayloadTooLargeError",
        )

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
            yield b'{"question": "'
            for _ in range(20):
                yield "가".encode() * 30
            yield b'"}'

        response = client.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
        error_of(response, 413, "PayloadTooLargeError")


def test_slack_endpoint_has_its_own_body_cap(settings: Settings, engine: Engine) -> None:
    small = settings.model_copy(update={"max_body_bytes": 1024})
    with serve(small, engine) as client:
        big = b"x" * 4096  # over the API's cap, under Slack's (Slack is not configured here: no route)
        assert client.post("/slack/events", content=big).status_code == 404
        assert client.post("/api/ask", content=big).status_code == 413
        assert client.post("/slack/events", content=b"x" * (2 << 20)).status_code == 413


def test_no_key_needed_by_default(client: TestClient) -> None:
    assert client.post("/api/ask", json={"question": SUBWAY}).status_code == 200


def test_api_key_when_set(settings: Settings, engine: Engine) -> None:
    keyed = settings.model_copy(update={"api_key": "s3cret-key"})
    with serve(keyed, engine) as client:
        missing = client.post("/api/ask", json={"question": SUBWAY})
        error_of(missing, 401, "UnauthorizedError")
        assert missing.headers["www-authenticate"] == "Bearer"
        error_of(client.get("/api/documents", headers={"X-API-Key": "wrong"}), 401, "UnauthorizedError")
        error_of(client.get("/api/documents", headers={"Authorization": "Basic s3cret-key"}), 401, "UnauthorizedError")
        assert client.get("/api/documents", headers={"X-API-Key": "s3cret-key"}).status_code == 200
        assert client.get("/api/documents", headers={"Authorization": "Bearer s3cret-key"}).status_code == 200
        stream = client.post("/api/chat/stream", json={"message": SUBWAY}, headers={"X-API-Key": "s3cret-key"})
        assert stream.status_code == 200
        # the page, the health check and the API docs stay open
        for path in ("/", "/healthz", "/docs", "/openapi.json"):
            assert client.get(path).status_code == 200, path


def test_rate_limit_is_429_with_retry_after(settings: Settings, engine: Engine) -> None:
    limited = settings.model_copy(update={"rate_limit_per_minute": 3})
    with serve(limited, engine) as client:
        for _ in range(3):
            assert client.get("/api/documents").status_code == 200
        refused = client.get("/api/documents")
        error_of(refused, 429, "RateLimitedError")
        assert int(refused.headers["retry-after"]) == 20  # one request every 60/3 s
        assert client.get("/healthz").status_code == 200  # not limited
    with serve(limited, engine, client=("10.0.0.2", 4000)) as other:
        assert other.get("/api/documents").status_code == 200  # another client has its own allowance


def test_rate_limiter_refills_over_the_minute() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    limiter.check("a")
    limiter.check("a")
    with pytest.raises(Exception, match="rate limit") as refused:
        limiter.check("a")
    assert refused.value.retry_after == 30  # type: ignore[attr-defined]
    limiter.check("b")
    now[0] = 29.0
    with pytest.raises(Exception, match="rate limit"):
        limiter.check("a")
    now[0] = 30.0
    limiter.check("a")
    RateLimiter(0).check("anyone")  # 0 turns the limit off


def test_cors_is_off_by_default_and_on_for_listed_origins(settings: Settings, engine: Engine) -> None:
    preflight = {"Origin": "http://example.test", "Access-Control-Request-Method": "POST"}
    with serve(settings, engine) as client:
        response = client.options("/api/ask", headers=preflight)
        assert "access-control-allow-origin" not in response.headers
    allowed = settings.model_copy(update={"cors_origins": ["http://example.test"]})
    with serve(allowed, engine) as client:
        response = client.options("/api/ask", headers=preflight)
        assert response.headers["access-control-allow-origin"] == "http://example.test"
        other = client.options("/api/ask", headers={**preflight, "Origin": "http://evil.test"})
        assert "access-control-allow-origin" not in other.headers
        rename = {
            **preflight,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "x-assistant-owner",
        }
        response = client.options("/api/sessions/abc", headers=rename)
        assert response.status_code == 200 and "PATCH" in response.headers["access-control-allow-methods"]
        assert "x-assistant-owner" in response.headers["access-control-allow-headers"].lower()


# ---------------------------------------------------------------------------
# Service: health, page, docs


def test_healthz(client: TestClient, engine: Engine) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    health = response.json()
    assert health["status"] == "ok" and health["model"] == FAKE_MODEL
    assert health["documents"] == 2 and health["chunks"] == len(engine.index)
    assert health["index_version"] == engine.index.folder.name


def test_chat_page_is_served_without_any_outside_url(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="ko">' in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    for asset in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200, asset
    for name in ("app.js", "style.css"):
        text = client.get(f"/static/{name}").text
        assert not re.search(r"https?://", text), name


def test_openapi_docs_are_served_locally(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/ask", "/api/chat", "/api/chat/stream", "/api/sessions/{session_id}", "/api/documents"):
        assert path in schema["paths"], path
    docs = client.get("/docs")
    assert docs.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert assets and all(a.startswith("/docs/assets/") for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_the_schema_refuses_the_questions_the_server_finds_empty(client: TestClient) -> None:
    """A question of spaces and invisible format characters alone (a zero-width space, a byte-order
    mark) is refused by the server (``Engine.validate``) and by the schema alike.
    The schema spells the spaces out: ``\\S`` means other characters in JavaScript, which JSON
    Schema follows (U+0085, U+001C-U+001F are text there), than in Python."""
    body = client.get("/openapi.json").json()["components"]["schemas"]
    patterns = {
        prop["pattern"]
        for model in body.values()
        for name, prop in model.get("properties", {}).items()
        if name in ("question", "message", "title") and "pattern" in prop
    }
    assert len(patterns) == 1, patterns  # one notion of a space for every text field
    spaces = [chr(c) for c in range(0x10000) if chr(c).isspace() or unicodedata.category(chr(c)) == "Cf"]
    for pattern in patterns:
        assert "\\S" not in pattern and "\\s" not in pattern, pattern
        assert not any(re.search(pattern, c) for c in spaces), pattern
        assert all(re.search(pattern, c) for c in ("가", "a", "😀", "\u00a9")), pattern
    for question in ("\u0085", "\u001c \u3000", "\u200b\ufeff"):
        response = client.post("/api/ask", json={"question": question})
        assert response.status_code == 422, question


# ---------------------------------------------------------------------------
# Rebuilding the index while answering


class GatedEmbedder(FakeEmbedder):
    """Blocks while embedding passages until ``release`` is set (queries pass straight through)."""

    def __init__(self) -> None:
        super().__init__()
        self.blocking = False
        self.entered = threading.Event()
        self.release = threading.Event()

    def embed(self, texts: Sequence[str], kind: str, *, progress: bool = False) -> np.ndarray:
        if kind == "passage" and self.blocking:
            self.entered.set()
            assert self.release.wait(30), "the test never released the rebuild"
        return super().embed(texts, kind, progress=progress)


def doc_ids(client: TestClient) -> list[str]:
    return [d["doc_id"] for d in client.get("/api/documents").json()]


def test_reindex_answers_from_the_old_index_until_the_new_one_is_complete(
    settings: Settings, analyzer: KoreanAnalyzer, golden_corpus: Path
) -> None:
    embedder = GatedEmbedder()
    engine = make_engine(settings, analyzer, embedder)
    with serve(settings, engine) as client:
        before = client.get("/healthz").json()["index_version"]
        (golden_corpus / "부산.txt").write_text(BUSAN, encoding="utf-8")
        embedder.blocking = True
        started = client.post("/api/reindex", json={"rebuild": False})
        assert started.status_code == 202 and started.json()["state"] == "running"
        assert embedder.entered.wait(10)
        # mid-build: still answering, from the old index
        answer = client.post("/api/ask", json={"question": SUBWAY})
        assert answer.status_code == 200 and answer.json()["citations"][0]["chunk_id"] == "서울.md#1"
        assert "부산.txt" not in doc_ids(client)
        assert client.get("/api/reindex").json()["state"] == "running"
        assert client.post("/api/reindex").json()["state"] == "running"  # a second start joins the first
        embedder.release.set()
        status = client.app.state.services.maintainer.join(30)  # type: ignore[attr-defined]
        assert status.state == "done" and status.documents == 3 and status.error is None
        assert "부산.txt" in doc_ids(client)
        health = client.get("/healthz").json()
        assert health["index_version"] == status.version != before
        busan = client.post("/api/ask", json={"question": "해운대 해수욕장은 언제 붐비나?"}).json()
        assert busan["citations"][0]["doc_id"] == "부산.txt"


def test_failed_reindex_is_reported_and_the_old_index_keeps_answering(
    settings: Settings, engine: Engine, golden_corpus: Path
) -> None:
    with serve(settings, engine) as client:
        for path in golden_corpus.iterdir():
            path.unlink()
        client.post("/api/reindex")
        status = client.app.state.services.maintainer.join(30)  # type: ignore[attr-defined]
        assert status.state == "failed" and status.error
        assert client.post("/api/ask", json={"question": SUBWAY}).status_code == 200


def test_follows_an_index_rebuilt_by_another_process(
    settings: Settings, engine: Engine, analyzer: KoreanAnalyzer, golden_corpus: Path
) -> None:
    with serve(settings, engine) as client:
        maintainer = client.app.state.services.maintainer  # type: ignore[attr-defined]
        assert maintainer.follow_once() is False  # nothing changed
        (golden_corpus / "부산.txt").write_text(BUSAN, encoding="utf-8")
        Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer).build_index()  # as `assistant index` would
        assert "부산.txt" not in doc_ids(client)
        assert maintainer.follow_once() is True
        assert "부산.txt" in doc_ids(client)
        assert maintainer.follow_once() is False


def test_polls_for_rebuilds_in_the_background(
    settings: Settings, engine: Engine, analyzer: KoreanAnalyzer, golden_corpus: Path
) -> None:
    with serve(settings, engine, follow_interval=0.05) as client:
        (golden_corpus / "부산.txt").write_text(BUSAN, encoding="utf-8")
        Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer).build_index()
        assert wait_for(lambda: "부산.txt" in doc_ids(client))


# ---------------------------------------------------------------------------
# Concurrency


def test_concurrent_requests_all_succeed(client: TestClient) -> None:
    questions = [SUBWAY, HAENYEO, "광장시장은 무엇으로 유명한가?", OFF_TOPIC] * 4
    results: list[int] = []

    def ask(q: str) -> None:
        results.append(client.post("/api/chat", json={"message": q}).status_code)

    threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == [200] * len(questions)


# ---------------------------------------------------------------------------
# The command that starts it


def test_serve_command_runs_the_app_under_uvicorn(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, engine: Engine
) -> None:
    import uvicorn
    from click.testing import CliRunner
    from fastapi import FastAPI

    from assistant.cli.commands import main

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.setenv("ASSISTANT_MODEL", FAKE_MODEL)
    monkeypatch.setenv("ASSISTANT_SESSIONS_PATH", str(settings.sessions_file))  # opened before the start
    monkeypatch.delenv("ASSISTANT_API_KEY", raising=False)
    runner = CliRunner()
    result = runner.invoke(main, ["serve", "--index", str(settings.index_dir)])
    assert result.exit_code == 0, result.output
    assert isinstance(calls[0]["app"], FastAPI)
    assert (calls[0]["host"], calls[0]["port"]) == ("127.0.0.1", 8000)
    assert calls[0]["proxy_headers"] is False  # X-Forwarded-For is believed from no one by default
    assert "경고" not in result.stderr

    result = runner.invoke(main, ["serve", "--host", "0.0.0.0", "--port", "9123"])
    assert result.exit_code == 0, result.output
    assert (calls[1]["host"], calls[1]["port"]) == ("0.0.0.0", 9123)
    assert "ASSISTANT_API_KEY" in result.stderr  # warned: public address without a key

    monkeypatch.setenv("ASSISTANT_API_KEY", "k")
    result = runner.invoke(main, ["serve", "--host", "0.0.0.0"])
    assert "경고" not in result.stderr
    assert runner.invoke(main, ["serve", "--port", "70000"]).exit_code == 2
