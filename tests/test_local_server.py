"""`assistant ask` answered by a running server of the same index, against a local stand-in server."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import click
import pytest
from click.testing import CliRunner

import assistant.answer.engine
from assistant.answer.schema import Answer, Citation
from assistant.cli.commands import main, render
from assistant.cli.local_server import (
    DEFAULT_INDEX_DIR,
    DEFAULT_MODEL,
    advertised,
    announce_when_ready,
    base_url,
    find_server,
    server_file,
)
from assistant.settings import Settings

ANSWER = Answer(
    question="서울의 지하철은 몇 개 노선인가?",
    query="서울의 지하철은 몇 개 노선인가?",
    summary="서울의 지하철은 아홉 개 노선으로 이루어져 있다. [1]",
    form="general",
    citations=[
        Citation(
            n=1,
            chunk_id="서울.md#1",
            doc_id="서울.md",
            title="서울 안내",
            section="교통",
            start=40,
            end=90,
            passage="서울의 지하철은 아홉 개 노선으로 이루어져 있다.",
            score=0.9,
        )
    ],
    model=DEFAULT_MODEL,
)


class StandIn(BaseHTTPRequestHandler):
    """/healthz and /api/ask of the real server, answering a fixed answer; records the requests."""

    requests: ClassVar[list[dict[str, Any]]] = []
    status = 200

    def do_GET(self) -> None:
        self._reply(200 if self.path == "/healthz" else 404, {"status": "ok"})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StandIn.requests.append({"path": self.path, "body": body, "key": self.headers.get("X-API-Key")})
        self._reply(StandIn.status, ANSWER.model_dump(mode="json") if StandIn.status == 200 else {"error": "x"})

    def _reply(self, status: int, payload: Any) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stand_in() -> Iterator[int]:
    StandIn.requests, StandIn.status = [], 200
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield int(httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def no_local_engine(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record (instead of building) any local engine the command creates."""
    created: list[str] = []

    class Refused:
        def __init__(self, settings: Settings, **kwargs: Any) -> None:
            created.append(str(settings.index_dir))
            raise RuntimeError("answered locally")

    monkeypatch.setattr(assistant, "Engine", Refused)
    monkeypatch.delenv("ASSISTANT_API_KEY", raising=False)
    return created


def test_defaults_match_the_settings() -> None:
    fields = Settings.model_fields
    assert fields["index_dir"].default == DEFAULT_INDEX_DIR
    assert fields["model"].default == DEFAULT_MODEL


def test_base_url_of_wildcard_and_ipv6_hosts() -> None:
    assert base_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert base_url("::1", 8000) == "http://[::1]:8000"
    assert base_url("127.0.0.1", 80) == "http://127.0.0.1:80"


def test_ask_uses_a_running_server(tmp_path: Path, stand_in: int, no_local_engine: list[str]) -> None:
    with advertised(tmp_path, "127.0.0.1", stand_in, DEFAULT_MODEL) as path:
        assert path == server_file(tmp_path, stand_in) and path.exists()
        result = CliRunner().invoke(main, ["ask", ANSWER.question, "--index", str(tmp_path), "-k", "2"])
        as_json = CliRunner().invoke(main, ["ask", ANSWER.question, "--index", str(tmp_path), "--json"])
    assert not path.exists()
    assert result.exit_code == 0, result.output
    assert result.output == click.unstyle(render(ANSWER)) + "\n"
    assert Answer.model_validate_json(as_json.output) == ANSWER
    assert StandIn.requests[0] == {
        "path": "/api/ask",
        "body": {"question": ANSWER.question, "k": 2, "mode": "hybrid"},
        "key": None,
    }
    assert no_local_engine == []


def test_api_key_is_sent(
    tmp_path: Path, stand_in: int, no_local_engine: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_API_KEY", "secret")
    with advertised(tmp_path, "127.0.0.1", stand_in, DEFAULT_MODEL):
        CliRunner().invoke(main, ["ask", ANSWER.question, "--index", str(tmp_path)])
    assert StandIn.requests[0]["key"] == "secret"


@pytest.mark.parametrize("reason", ["--local", "other model", "server error", "dead process"])
def test_ask_answers_locally_otherwise(reason: str, tmp_path: Path, stand_in: int, no_local_engine: list[str]) -> None:
    args = ["ask", ANSWER.question, "--index", str(tmp_path)]
    model = "another-model" if reason == "other model" else DEFAULT_MODEL
    StandIn.status = 500 if reason == "server error" else 200
    with advertised(tmp_path, "127.0.0.1", stand_in, model) as path:
        assert path is not None
        if reason == "dead process":
            info = json.loads(path.read_text())
            path.write_text(json.dumps({**info, "pid": _dead_pid()}))
        result = CliRunner().invoke(main, [*args, "--local"] if reason == "--local" else args)
        if reason == "dead process":
            assert not path.exists()  # a stale file is removed
    assert isinstance(result.exception, RuntimeError), result.output
    assert no_local_engine == [str(tmp_path)]


def test_no_file_when_the_index_folder_is_missing(tmp_path: Path) -> None:
    with advertised(tmp_path / "missing", "127.0.0.1", 8000, DEFAULT_MODEL) as path:
        assert path is None
    assert find_server(tmp_path / "missing", DEFAULT_MODEL) is None


def _dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_serve_announces_its_address_once_the_page_answers() -> None:
    """`assistant serve` prints its address only when /healthz answers, not while it loads."""
    StandIn.requests, StandIn.status = [], 200
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)  # listening, not answering yet (as while loading)
    url = base_url("127.0.0.1", int(httpd.server_address[1]))
    announced = threading.Event()
    waiter = announce_when_ready(url, announced.set, interval=0.05, give_up_after=30)
    try:
        assert not announced.wait(0.8)  # connections wait in the backlog: not ready
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        assert announced.wait(10)
        waiter.join(5)
        assert not waiter.is_alive()
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_no_address_announced_when_another_server_holds_the_port(stand_in: int) -> None:
    announced = threading.Event()
    waiter = announce_when_ready(base_url("127.0.0.1", stand_in), announced.set, interval=0.05, give_up_after=5)
    waiter.join(10)
    assert not announced.is_set()  # the port answered before this server could listen: it will not


def test_no_address_announced_for_a_server_that_never_answers() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here
    announced = threading.Event()
    waiter = announce_when_ready(base_url("127.0.0.1", port), announced.set, interval=0.05, give_up_after=0.5)
    waiter.join(10)
    assert not waiter.is_alive() and not announced.is_set()


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([(503, {"status": "loading"}), (200, {"status": "ok"})], None),
        (
            [(503, {"status": "loading"}), (503, {"status": "unavailable", "error": "색인이 없습니다"})],
            "색인이 없습니다",
        ),
    ],
)
def test_serve_announces_at_once_then_says_when_loaded(
    states: list[tuple[int, dict[str, str]]], expected: str | None
) -> None:
    """The address is printed while the page still says it is loading; then whether it loaded."""
    replies = list(states)

    class Loading(StandIn):
        def do_GET(self) -> None:
            self._reply(*(replies[0] if len(replies) == 1 else replies.pop(0)))

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Loading)
    url = base_url("127.0.0.1", int(httpd.server_address[1]))
    announced = threading.Event()
    outcome: list[str | None] = []
    waiter = announce_when_ready(url, announced.set, settled=outcome.append, interval=0.05, give_up_after=30)
    time.sleep(0.8)  # the thread finds the port listening, not answering (as while uvicorn starts)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        assert announced.wait(10)
        waiter.join(10)
        assert outcome == [expected]
    finally:
        httpd.shutdown()
        httpd.server_close()
