"""What the server gives the chat page: a server started with ``load_in_background`` answers at
once, says it is loading, then serves; the page's files name no outside address."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from conftest import FakeEmbedder, wait_for
from fastapi.testclient import TestClient

from assistant.answer.engine import Engine
from assistant.errors import IndexMissingError
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer
from assistant.web import create_app

QUESTION = "서울의 지하철은 몇 개 노선인가?"


class GatedEngine(Engine):
    """An engine whose warm-up waits until the test opens the gate (a model that loads slowly)."""

    def __init__(self, *args: object, gate: threading.Event, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.gate = gate

    def warm_up(self) -> None:
        assert self.gate.wait(30), "the test never opened the gate"
        super().warm_up()


def test_serves_the_page_while_loading_then_answers(settings: Settings, analyzer: KoreanAnalyzer) -> None:
    gate = threading.Event()
    engine = GatedEngine(settings, embedder=FakeEmbedder(), analyzer=analyzer, gate=gate)
    engine.build_index()
    app = create_app(settings, engine=engine, stream_pace=0.0, follow_interval=3600, load_in_background=True)
    with TestClient(app) as client:
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["status"] == "loading"
        assert client.get("/").status_code == 200  # the page can show that it is loading
        busy = client.post("/api/ask", json={"question": QUESTION})
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "2"
        error = busy.json()["error"]
        assert error["type"] == "ServiceLoadingError"
        assert "불러오는 중" in error["message"]

        gate.set()
        assert wait_for(lambda: client.get("/healthz").status_code == 200)
        assert client.get("/healthz").json()["status"] == "ok"
        answer = client.post("/api/ask", json={"question": QUESTION})
        assert answer.status_code == 200
        assert answer.json()["question"] == QUESTION


def test_a_failed_load_is_reported(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.web import app as web_app

    def fail(*args: object) -> None:
        raise IndexMissingError("색인이 없습니다.", hint="assistant index")

    monkeypatch.setattr(web_app, "build_services", fail)
    app = create_app(settings, engine=None, load_in_background=True)
    with TestClient(app) as client:
        assert wait_for(lambda: client.get("/healthz").json()["status"] != "loading")
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
        assert "색인이 없습니다" in health.json()["error"]
        error = client.post("/api/ask", json={"question": QUESTION})
        assert error.status_code == 503
        assert error.json()["error"]["type"] == "IndexMissingError"


WEB = Path(__file__).resolve().parent.parent / "web"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def test_every_file_of_the_page_is_served_and_names_no_outside_address(
    settings: Settings, analyzer: KoreanAnalyzer
) -> None:
    engine = Engine(settings, embedder=FakeEmbedder(), analyzer=analyzer)
    engine.build_index()
    files = sorted(p for p in WEB.rglob("*") if p.suffix in {".html", ".js", ".css", ".svg"})
    assert {"index.html", "app.js", "style.css"} <= {p.name for p in files}
    assert len([p for p in files if p.suffix == ".js"]) > 1  # the page's modules
    with TestClient(create_app(settings, engine=engine, follow_interval=3600)) as client:
        for path in files:
            name = path.relative_to(WEB).as_posix()
            response = client.get(f"/static/{name}")
            assert response.status_code == 200, name
            if path.suffix == ".js":
                assert "javascript" in response.headers["content-type"], name  # served as a module can be
            text = path.read_text(encoding="utf-8").replace(SVG_NAMESPACE, "")  # a name, never fetched
            assert not re.search(r"https?://|//cdn|@import", text), name
        imports = re.findall(r'from "([^"]+)"', "".join(p.read_text(encoding="utf-8") for p in files))
        assert imports and all(i.startswith("./") for i in imports), imports
