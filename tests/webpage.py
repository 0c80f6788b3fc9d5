"""What the browser tests share: Debian's Chromium driven by Playwright, a real server over
``corpus/`` (real model and Kiwi), and helpers that act as a person would.

Imported by tests/test_web_e2e.py and tests/test_web_a11y.py; each module gets its own server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import live_server

from assistant.answer.engine import Engine
from assistant.settings import Settings
from assistant.text.korean import KoreanAnalyzer

CHROMIUM = Path(os.environ.get("ASSISTANT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

QUESTION = "메가 얼라이언스란 무엇인가요?"
FOLLOW_UP = "왜 필요한가요?"
OFF_TOPIC = "김치찌개 맛있게 끓이는 법"

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} not found: install Debian's chromium (make browser) to run the browser tests",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
expect = sync_api.expect


def corpus_settings(folder: Path, corpus: Path = ROOT / "corpus") -> Settings:
    return Settings(index_dir=folder / "index", corpus_dir=corpus, show_progress=False)


@pytest.fixture(scope="module")
def web_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return corpus_settings(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def server(web_settings: Settings) -> Iterator[str]:
    """The app over the default corpus, served on a free loopback port; yields its base URL."""
    from assistant.web import create_app

    engine = Engine(web_settings, analyzer=KoreanAnalyzer())
    engine.build_index()
    with live_server(create_app(web_settings, engine=engine)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watched:
    """A page, with the requests that left the server and the errors the page reported."""

    def __init__(self, context: Any, server: str) -> None:
        self.context = context
        self.page = context.new_page()
        self.page.set_default_timeout(20_000)
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.outside.append(r.url) if not r.url.startswith(server) else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)


def open_page(browser: Any, server: str, *, phone: bool = False, dark: bool = False, **options: Any) -> Watched:
    """A fresh browser context (its own storage) on the chat page, once the server is ready."""
    viewport = PHONE if phone else DESKTOP
    extra: dict[str, Any] = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if phone else {}
    context = browser.new_context(
        viewport=viewport, locale="ko-KR", color_scheme="dark" if dark else "light", **extra, **options
    )
    watched = Watched(context, server)
    watched.page.goto(server + "/")
    expect(watched.page.locator("#status")).to_have_attribute("data-state", "ok")
    return watched


def ask(page: Any, text: str, n: int) -> Any:
    """Type a question, send it with Enter and wait for the n-th answer to be complete."""
    page.fill("#input", text)
    page.press("#input", "Enter")
    return wait_answer(page, n)


def wait_answer(page: Any, n: int) -> Any:
    answer = page.locator(".msg-bot").nth(n - 1)
    expect(answer).to_have_attribute("data-stage", "done")
    return answer


def summary_text(answer: Any) -> str:
    """The summary's text without the passage popover that may sit inside it."""
    return str(
        answer.locator(".summary").evaluate(
            "n => { const c = n.cloneNode(true); c.querySelectorAll('.popover').forEach(p => p.remove()); return c.innerText; }"
        )
    )


def focused(page: Any) -> dict[str, Any]:
    """What has the keyboard focus: its tag, classes, accessible label and the dialog it is in."""
    return dict(
        page.evaluate(
            """() => { const a = document.activeElement; return {
                tag: a.tagName, cls: a.className || '', label: a.getAttribute('aria-label') || a.textContent.trim(),
                inViewer: Boolean(a.closest('#viewer')), inPopover: Boolean(a.closest('#popover')),
                inHistory: Boolean(a.closest('#history')) }; }"""
        )
    )


def tab_to(page: Any, test: str, limit: int = 60, key: str = "Tab") -> dict[str, Any]:
    """Press Tab until the focused element matches the JavaScript predicate ``test(a)``."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"(a => {test})(document.activeElement)"):
            return focused(page)
    raise AssertionError(f"Tab never reached {test}; last: {focused(page)}")
