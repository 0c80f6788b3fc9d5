"""Bad input at every edge: a clear 4xx or exit 2, never a 500 or a traceback.

Text that is not valid Unicode (a lone surrogate escape in JSON, bytes that are not UTF-8),
bodies of the wrong type, methods a path lacks, settings and paths the CLI cannot use.
(The Slack endpoint's malformed requests and replays are in test_slack.py.)
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import FakeEmbedder, live_server
from fastapi.testclient import TestClient

from assistant.answer.engine import Engine, visible
from assistant.cli.commands import main
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer
from assistant.web import create_app, server_options
from assistant.web.schemas import NOT_SPACE

SUBWAY = "서울의 지하철은 몇 개 노선인가?"
#: "메가 ? 얼라이언스" with an unpaired surrogate, as JSON escapes it and as raw bytes (CESU-8).
SURROGATE_JSON = b'{"question": "\\uba54\\uac00 \\ud800 \\uc5bc\\ub77c\\uc774\\uc5b8\\uc2a4"}'
SURROGATE_BYTES = '{"question": "메가 '.encode() + b"\xed\xa0\x80" + ' 얼라이언스"}'.encode()
NOT_UTF8 = '{"question": "메가 '.encode() + b"\xff\xfe" + ' 얼라이언스"}'.encode()
JSON = {"content-type": "application/json"}


@pytest.fixture
def engine(settings: Settings, analyzer: KoreanAnalyzer) -> Engine:
    eng = Engine(settings.model_copy(update={"abstain": False}), embedder=FakeEmbedder(), analyzer=analyzer)
    eng.build_index()
    return eng


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    app = create_app(settings, engine=engine, stream_pace=0.0, follow_interval=3600)
    with TestClient(app) as c:
        yield c


def error_of(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-content-type-options"] == "nosniff"
    error = response.json()["error"]
    assert error["type"] == kind and error["message"]
    return error  # type: ignore[no-any-return]


def as_message(body: bytes) -> bytes:
    return body.replace(b'"question"', b'"message"')


# ---------------------------------------------------------------------------
# Text that is not valid Unicode, over the API


@pytest.mark.parametrize("path", ["/api/ask", "/api/chat", "/api/chat/stream"])
@pytest.mark.parametrize("body", [SURROGATE_JSON, SURROGATE_BYTES], ids=["json-escape", "raw-bytes"])
def test_a_lone_surrogate_is_422(client: TestClient, path: str, body: bytes) -> None:
    body = body if path == "/api/ask" else as_message(body)
    error = error_of(client.post(path, content=body, headers=JSON), 422, "InvalidQuestionError")
    assert "U+D800" in error["message"] and "4번째 글자" in error["message"]
    assert error["hint"]


@pytest.mark.parametrize("path", ["/api/ask", "/api/chat", "/api/chat/stream"])
def test_bytes_that_are_not_utf8_are_422(client: TestClient, path: str) -> None:
    body = NOT_UTF8 if path == "/api/ask" else as_message(NOT_UTF8)
    error = error_of(client.post(path, content=body, headers=JSON), 422, "ValidationError")
    assert "UTF-8" in error["message"]


@pytest.mark.parametrize("question", ["서울\x00의 지하철", "\x00", "\ufffe서울", "𝟘𝟙 서울 🙂", "\u202e서울\u200f"])
def test_odd_but_valid_text_is_answered(client: TestClient, question: str) -> None:
    """Answered, and the question comes back as read: without the invisible direction marks (format
    characters, which the engine drops), with everything else."""
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200, response.text
    assert response.json()["question"] == visible(question).strip()


def test_the_connection_survives_a_bad_request(settings: Settings, engine: Engine) -> None:
    """Two requests on one keep-alive connection: the surrogate's 422, then an answer."""
    app = create_app(settings, engine=engine, stream_pace=0.0, follow_interval=3600)
    good = json.dumps({"question": SUBWAY}).encode()
    with live_server(app) as url:
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            reader = sock.makefile("rb")
            statuses = []
            for body in (SURROGATE_BYTES, good):
                head = f"POST /api/ask HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                sock.sendall(head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
                statuses.append(read_response(reader))
    assert statuses == [422, 200]


def read_response(reader: Any) -> int:
    """The status of one HTTP/1.1 response read off the connection (its body skipped)."""
    status = int(reader.readline().split()[1])
    length = 0
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    reader.read(length)
    return status


# ---------------------------------------------------------------------------
# Bodies and fields of the wrong type, methods a path lacks


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/api/ask", {"question": SUBWAY, "k": True}, "k"),
        ("/api/ask", {"question": SUBWAY, "k": "5"}, "k"),
        ("/api/ask", {"question": SUBWAY, "k": 2.5}, "k"),
        ("/api/ask", {"question": 5}, "question"),
        ("/api/chat", {"message": SUBWAY, "k": False}, "k"),
        ("/api/chat", {"message": SUBWAY, "session_id": "slack:T1:C1:1700000000.000100"}, "session_id"),
        ("/api/reindex", {"rebuild": 0}, "rebuild"),
        ("/api/reindex", {"rebuild": "yes"}, "rebuild"),
    ],
)
def test_fields_are_not_coerced(client: TestClient, path: str, payload: dict[str, Any], field: str) -> None:
    error = error_of(client.post(path, json=payload), 422, "ValidationError")
    assert f"{field}:" in error["message"]


def test_a_whole_number_written_as_a_float_is_a_number(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": SUBWAY, "k": 2.0})
    assert response.status_code == 200 and len(response.json()["citations"]) == 2


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/sessions/abc", {"GET", "PATCH", "DELETE"}),
        ("POST", "/api/sessions/abc/turns/1/feedback", {"PUT", "DELETE"}),
        ("POST", "/api/sessions", {"GET"}),
        ("PATCH", "/api/reindex", {"GET", "POST"}),
        ("GET", "/api/ask", {"POST"}),
        ("DELETE", "/api/documents", {"GET"}),
    ],
)
def test_a_missing_method_is_405_naming_every_allowed_one(
    client: TestClient, method: str, path: str, allowed: set[str]
) -> None:
    response = client.request(method, path)
    error_of(response, 405, "MethodNotAllowed")
    assert {m.strip() for m in response.headers["allow"].split(",")} - {"HEAD"} == allowed


@pytest.mark.parametrize("path", ["/api/sessions/slack:T1:C1:1700000000.000100", "/api/sessions/a%2Fb"])
def test_session_ids_an_http_client_may_not_use(client: TestClient, path: str) -> None:
    assert client.get(path).status_code in (404, 422)
    assert client.delete(path).status_code in (404, 422)


def test_json_answers_and_errors_are_nosniff(client: TestClient) -> None:
    for response in (
        client.post("/api/ask", json={"question": SUBWAY}),
        client.get("/api/nothing"),
        client.get("/healthz"),
        client.post("/api/ask", content=b"x" * (1 << 17), headers=JSON),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_description_says_what_the_server_checks(client: TestClient, settings: Settings) -> None:
    spec = client.get("/openapi.json").json()
    schemas, paths = spec["components"]["schemas"], spec["paths"]
    for name, field in (("AskRequest", "question"), ("ChatRequest", "message")):
        described = schemas[name]["properties"][field]
        assert described["maxLength"] == settings.max_question_chars
        assert described["minLength"] == 1 and described["pattern"] == NOT_SPACE
    assert "404" in paths["/api/sessions/{session_id}"]["get"]["responses"]
    assert "404" in paths["/api/sessions/{session_id}"]["delete"]["responses"]
    assert "404" in paths["/api/documents/{doc_id}"]["get"]["responses"]
    assert schemas["ErrorBody"]["properties"]["error"]


# ---------------------------------------------------------------------------
# The command line


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def refused(result: Result, *words: str) -> None:
    """Exit 2 with a message that has ``words``, and no traceback."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr


def test_cli_question_argument_that_is_not_utf8(indexed: Path, runner: CliRunner) -> None:
    # Python hands an argument's undecodable bytes over as surrogates (surrogateescape).
    refused(runner.invoke(main, ["ask", "메가 \udced\udca0\udc80 얼라이언스"]), "읽을 수 없는 문자", "U+DCED")


def test_cli_file_line_that_is_not_utf8(indexed: Path, runner: CliRunner, tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_bytes(SUBWAY.encode() + b"\n\xed\xa0\x80 \xff\n")
    result = runner.invoke(main, ["ask", "--file", str(questions), "--json"])
    refused(result, "2번째 줄", "읽을 수 없는 문자")
    assert len(result.stdout.splitlines()) == 1  # the first line was answered


def test_cli_stdin_that_is_not_utf8(indexed: Path, runner: CliRunner) -> None:
    refused(runner.invoke(main, ["ask", "--file", "-"], input=b"\xff\xfe\n"), "표준 입력 1번째 줄")


def test_cli_chat_stdin_that_is_not_utf8(indexed: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["chat", "--json"], input=SUBWAY.encode() + b"\n\xed\xa0\x80\n")
    refused(result, "표준 입력 2번째 줄", "U+DCED")
    assert len(result.stdout.splitlines()) == 1


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("ASSISTANT_CORS_ORIGINS", "notjson", "ASSISTANT_CORS_ORIGINS의 값을 읽을 수 없습니다"),
        ("ASSISTANT_TRUSTED_PROXIES", "[127.0.0.1", "설정 값이 잘못되었습니다: trusted_proxies"),
        ("ASSISTANT_TOP_K", "many", "설정 값이 잘못되었습니다: top_k: 정수여야 합니다"),
    ],
)
@pytest.mark.parametrize("command", [["info"], ["serve"], ["chat", "--json"]])
def test_cli_setting_that_cannot_be_read(
    indexed: Path,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    variable: str,
    value: str,
    words: str,
) -> None:
    monkeypatch.setenv(variable, value)
    refused(runner.invoke(main, command, input=""), words)


def test_cli_sessions_file_that_cannot_be_created(
    indexed: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    started: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: started.append(a))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ASSISTANT_SESSIONS_PATH", str(blocker / "sessions.sqlite"))
    refused(runner.invoke(main, ["chat", "--json"], input=SUBWAY + "\n"), "대화 저장 파일", "ASSISTANT_SESSIONS_PATH")
    refused(runner.invoke(main, ["serve"]), "대화 저장 파일", str(blocker))
    assert started == []  # refused before the server started


def test_cli_index_folder_that_cannot_be_created(
    env: Path, runner: CliRunner, golden_corpus: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = runner.invoke(main, ["index", str(golden_corpus), "--index", str(blocker / "index"), "-q"])
    refused(result, "색인 폴더를 만들거나 쓸 수 없습니다", "--index")


# ---------------------------------------------------------------------------
# Proxy headers and the rate limit


def rate_limited(settings: Settings, engine: Engine, trusted: list[str]) -> list[int]:
    """Statuses of 30 requests from 127.0.0.1 each claiming another address, limit 10 a minute."""
    config = settings.model_copy(update={"rate_limit_per_minute": 10, "trusted_proxies": trusted})
    app = create_app(config, engine=engine, stream_pace=0.0, follow_interval=3600)
    import httpx

    with live_server(app, **server_options(config)) as url, httpx.Client(base_url=url) as http:
        return [
            http.get("/api/documents", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(30)
        ]


def test_forwarded_addresses_are_ignored_by_default(settings: Settings, engine: Engine) -> None:
    assert settings.trusted_proxies == []
    statuses = rate_limited(settings, engine, [])
    assert statuses.count(200) == 10 and statuses.count(429) == 20  # one client, however it names itself


def test_forwarded_addresses_are_believed_from_trusted_proxies(settings: Settings, engine: Engine) -> None:
    statuses = rate_limited(settings, engine, ["127.0.0.1"])
    assert statuses == [200] * 30  # 30 clients behind the proxy, one request each


def test_trusted_proxies_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    assert Settings().trusted_proxies == ["127.0.0.1", "10.0.0.0/8"]  # type: ignore[call-arg]
    monkeypatch.setenv("ASSISTANT_TRUSTED_PROXIES", '["::1"]')
    assert Settings().trusted_proxies == ["::1"]  # type: ignore[call-arg]
    assert server_options(Settings(trusted_proxies=["::1"])) == {  # type: ignore[call-arg]
        "proxy_headers": True,
        "forwarded_allow_ips": ["::1"],
    }
    monkeypatch.delenv("ASSISTANT_TRUSTED_PROXIES")
    assert server_options(Settings()) == {"proxy_headers": False}  # type: ignore[call-arg]
