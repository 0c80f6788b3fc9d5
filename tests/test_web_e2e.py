"""The chat page in a real headless Chromium against a real server (uvicorn, real model, corpus/).

Ask, see the answer arrive (sources before the summary is complete) with its citations,
open a citation in its passage and in its document, ask a follow-up, reload and find the
conversation again, start a new one. Saves ``docs/screenshot-desktop.png`` and
``docs/screenshot-phone.png`` on the way when ASSISTANT_UPDATE_SCREENSHOTS=1. Skipped when Debian's ``chromium`` is absent
(``make browser`` installs it).
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

QUESTION = "메가 얼라이언스란 무엇인가요?"
FOLLOW_UP = "왜 필요한가요?"
OFF_TOPIC = "김치찌개 맛있게 끓이는 법"

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} not found: install Debian's chromium (make browser) to run the browser tests",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over the default corpus, served on a free loopback port; yields its base URL."""
    from assistant.web import create_app

    tmp = tmp_path_factory.mktemp("e2e")
    settings = Settings(
        index_dir=tmp / "index",
        corpus_dir=ROOT / "corpus",
        show_progress=False,
    )
    engine = Engine(settings, analyzer=KoreanAnalyzer())
    engine.build_index()
    with live_server(create_app(settings, engine=engine)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


#: Records when each answer reached the 'citations' and 'done' stages, as the page saw it.
STAGE_RECORDER = """
window.__stages = [];
new MutationObserver((records) => {
  for (const r of records) {
    if (r.attributeName === 'data-stage') window.__stages.push([r.target.dataset.stage, performance.now()]);
  }
}).observe(document.getElementById('messages'), {attributes: true, subtree: true, attributeFilter: ['data-stage']});
"""


def ask(page: Any, text: str, n: int) -> Any:
    """Type a question, send it with Enter and wait for the n-th answer to be complete."""
    page.fill("#input", text)
    page.press("#input", "Enter")
    answer = page.locator(".msg-bot").nth(n - 1)
    answer.and_(page.locator("[data-stage=done]")).wait_for()
    return answer


def test_chat_page_end_to_end(server: str, browser: Any, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 820}, locale="ko-KR")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.set_default_timeout(20_000)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(server + "/")
    sync_api.expect(page.locator("#status")).to_contain_text("문서 2개")
    page.evaluate(STAGE_RECORDER)

    # Shift+Enter is a new line, not a send
    page.fill("#input", "첫 줄")
    page.press("#input", "Shift+Enter")
    assert page.input_value("#input") == "첫 줄\n"
    assert page.locator(".msg").count() == 0

    # ask: the sources arrive before the summary is complete
    first = ask(page, QUESTION, 1)
    stages = page.evaluate("window.__stages")
    assert [s for s, _ in stages] == ["citations", "done"]
    assert stages[0][1] < stages[1][1]
    assert page.locator(".msg-user").first.inner_text() == QUESTION
    assert first.locator(".summary .cite").count() >= 1
    assert first.locator(".sources .source").count() >= 1
    assert first.locator(".note-abstain").count() == 0

    # a citation marker shows its passage with the used sentence highlighted
    marker = first.locator(".summary .cite").first
    marker.hover()
    popover = page.locator("#popover")
    sync_api.expect(popover).to_be_visible()
    used = popover.locator("mark").first.inner_text()
    assert used and used in first.locator(".summary").inner_text()

    # ... and opens the document at the cited span
    popover.get_by_role("button", name="문서에서 보기").click()
    viewer = page.locator("#viewer")
    sync_api.expect(viewer).to_be_visible()
    cited = viewer.locator("[data-cited]").first
    sync_api.expect(cited).to_be_in_viewport()
    assert used in "".join(viewer.locator("[data-cited]").all_inner_texts())
    assert viewer.locator("mark", has_text=used[:10]).count() >= 1
    page.keyboard.press("Escape")
    sync_api.expect(viewer).to_be_hidden()

    # a source in the list opens its document too
    first.locator(".sources .source").first.click()
    sync_api.expect(viewer.locator("[data-cited]").first).to_be_visible()
    page.click("#viewer-close")
    sync_api.expect(viewer).to_be_hidden()

    # copy an answer with its sources
    first.locator("button.copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(first.locator(".summary p").first.inner_text().split("\u00a0")[0][:10])
    assert "출처" in copied and "[1]" in copied

    # a follow-up: searched as rewritten, and the page says so
    session = page.evaluate("localStorage.getItem('assistant.session')")
    assert session
    second = ask(page, FOLLOW_UP, 2)
    assert second.get_attribute("data-turn") == "2"
    note = second.locator(".note-followup")
    sync_api.expect(note).to_be_visible()
    searched = note.locator("q").inner_text()
    assert searched != FOLLOW_UP and "메가 얼라이언스" in searched
    assert page.evaluate("localStorage.getItem('assistant.session')") == session

    # reload: the conversation is still there
    summaries = page.locator(".msg-bot .summary").all_inner_texts()
    page.reload()
    sync_api.expect(page.locator(".msg-bot")).to_have_count(2)
    sync_api.expect(page.locator("#toast")).to_be_hidden()  # no error while restoring
    assert page.locator(".msg-bot .summary").all_inner_texts() == summaries
    assert page.locator(".msg-user").all_inner_texts() == [QUESTION, FOLLOW_UP]
    sync_api.expect(page.locator(".msg-bot").nth(1).locator(".note-followup")).to_be_visible()

    # The README's screenshots are refreshed only on request, so a test run leaves docs/ alone.
    shots = DOCS if os.environ.get("ASSISTANT_UPDATE_SCREENSHOTS") else tmp_path
    shots.mkdir(exist_ok=True)
    page.locator(".msg-bot").nth(1).locator(".summary .cite").first.hover()
    sync_api.expect(popover).to_be_visible()
    page.screenshot(path=str(shots / "screenshot-desktop.png"))

    # phone width: the same conversation, then a new one that the documents cannot answer
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="ko-KR"
    )
    phone.add_init_script(f"localStorage.setItem('assistant.session', {session!r})")
    small = phone.new_page()
    small.set_default_timeout(20_000)
    small.goto(server + "/")
    sync_api.expect(small.locator(".msg-bot")).to_have_count(2)
    small.locator(".msg-bot").nth(1).scroll_into_view_if_needed()
    small.screenshot(path=str(shots / "screenshot-phone.png"))
    small.locator(".msg-bot").first.locator(".summary .cite").first.tap()
    sync_api.expect(small.locator("#popover")).to_be_visible()

    small.click("#new-chat")
    sync_api.expect(small.locator(".msg")).to_have_count(0)
    sync_api.expect(small.locator("#welcome")).to_be_visible()
    assert small.evaluate("localStorage.getItem('assistant.session')") is None
    answer = ask(small, OFF_TOPIC, 1)
    sync_api.expect(answer.locator(".note-abstain")).to_be_visible()
    assert answer.locator(".sources").count() == 0
    assert small.evaluate("localStorage.getItem('assistant.session')") not in (None, session)

    for name in ("screenshot-desktop.png", "screenshot-phone.png"):
        assert (shots / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert outside == [], f"the page fetched outside resources: {outside}"
    assert errors == [], errors
    phone.close()
    context.close()
