"""Accessibility of the chat page: axe-core (WCAG 2.2 AA and best practices) finds no violation in
any state, on a desktop and a phone, light and dark; a whole conversation works with the keyboard
alone. axe-core comes from the axe-playwright-python package (nothing is fetched at run time)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from webpage import (
    OFF_TOPIC,
    QUESTION,
    ask,
    browser,
    expect,
    focused,
    open_page,
    server,
    tab_to,
    wait_answer,
    web_settings,
)

__all__ = ["browser", "server", "web_settings"]  # fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

axe_package = pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python")
AXE_JS = Path(axe_package.__file__).parent / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def violations(page: Any) -> list[str]:
    """axe-core's violations on the page as it is now: rule id and the first offending elements."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(
            AXE_JS.read_text(encoding="utf-8")
        )  # evaluated, not a <script>: the page's CSP allows no inline script
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]]


def test_axe_finds_nothing_to_fix_in_an_empty_page(server: str, browser: Any) -> None:
    """The check itself can fail: a page with an unnamed button and a skipped heading level."""
    watched = open_page(browser, server)
    page = watched.page
    page.evaluate(
        """() => { const b = document.createElement('button'); document.getElementById('thread').append(b);
                  const h = document.createElement('h5'); h.textContent = '제목'; document.getElementById('welcome').append(h); }"""
    )
    found = " ".join(violations(page))
    assert "button-name" in found and "heading-order" in found
    watched.context.close()


@pytest.mark.parametrize(
    ("phone", "dark"),
    [(False, False), (True, False), (False, True), (True, True)],
    ids=["desktop", "phone", "desktop-dark", "phone-dark"],
)
def test_axe_reports_no_violation_in_any_state(server: str, browser: Any, phone: bool, dark: bool) -> None:
    watched = open_page(browser, server, phone=phone, dark=dark)
    page = watched.page
    found: dict[str, list[str]] = {}
    found["welcome"] = violations(page)

    answer = ask(page, QUESTION, 1)
    found["answer"] = violations(page)

    answer.get_by_role("button", name="도움이 됐어요").click()
    expect(answer.locator(".comment")).to_be_visible()
    found["rating"] = violations(page)

    answer.locator(".summary .cite").first.click()
    expect(page.locator("#popover")).to_be_visible()
    found["popover"] = violations(page)

    page.locator("#popover").get_by_role("button", name="문서에서 보기").click()
    expect(page.locator("#viewer")).to_have_attribute("data-ready", "true")
    found["viewer"] = violations(page)
    page.keyboard.press("Escape")
    expect(page.locator("#viewer")).to_be_hidden()

    abstained = ask(page, OFF_TOPIC, 2)
    assert abstained.evaluate("n => n.classList.contains('abstained')")
    found["abstention"] = violations(page)

    if phone:
        page.click("#history-toggle")
        expect(page.locator("#history")).to_be_in_viewport()
        found["conversation list"] = violations(page)
        page.keyboard.press("Escape")
        expect(page.locator("#history-toggle")).to_have_attribute("aria-expanded", "false")

    page.route("**/api/chat/stream", lambda route: route.abort())
    page.fill("#input", QUESTION)
    page.press("#input", "Enter")
    expect(page.locator(".msg-bot").nth(2)).to_have_attribute("data-stage", "failed")
    found["error"] = violations(page)

    assert {state: v for state, v in found.items() if v} == {}
    assert watched.outside == []
    watched.context.close()


def test_a_whole_conversation_with_the_keyboard_alone(server: str, browser: Any) -> None:
    watched = open_page(browser, server)
    page = watched.page
    keys = page.keyboard
    assert focused(page)["tag"] == "TEXTAREA"  # the page opens ready to type

    # an example question, reached with Shift+Tab and sent with Enter
    tab_to(page, "a.classList.contains('chip')", key="Shift+Tab")
    keys.press("Enter")
    wait_answer(page, 1)

    # a citation marker: focusing it shows its passage; Tab goes into the passage
    tab_to(page, "a.classList.contains('cite')")
    popover = page.locator("#popover")
    expect(popover).to_be_visible()
    marker = page.evaluate("document.activeElement.dataset.n")
    tab_to(page, "a.classList.contains('open-doc')", limit=3)
    assert focused(page)["inPopover"]
    keys.press("Enter")

    # the viewer keeps the focus inside while it is open
    viewer = page.locator("#viewer")
    expect(viewer).to_have_attribute("data-ready", "true")
    assert focused(page)["inViewer"]
    for _ in range(6):
        keys.press("Tab")
        assert focused(page)["inViewer"], focused(page)
    for _ in range(3):
        keys.press("Shift+Tab")
        assert focused(page)["inViewer"], focused(page)
    # Escape closes it, once: the focus is back on the marker and nothing else opens
    keys.press("Escape")
    expect(viewer).to_be_hidden()
    # the dialog's close event, which gives the focus back, is dispatched a task after it hides
    page.wait_for_function("document.activeElement && document.activeElement.classList.contains('cite')", timeout=5000)
    assert page.evaluate("document.activeElement.dataset.n") == marker
    expect(popover).to_be_hidden()

    # Enter pins the passage; its close button closes it and gives the focus back to the marker
    keys.press("Enter")
    expect(popover).to_be_visible()
    tab_to(page, "a.classList.contains('pop-close')", limit=2)
    keys.press("Enter")
    expect(popover).to_be_hidden()
    assert "cite" in focused(page)["cls"]

    # Escape on a passage opened by focus or by hover closes it for good
    keys.press("Shift+Tab")
    keys.press("Tab")
    expect(popover).to_be_visible()
    keys.press("Escape")
    expect(popover).to_be_hidden()
    page.locator(".summary .cite").first.hover()
    expect(popover).to_be_visible()
    keys.press("Escape")
    page.wait_for_timeout(400)  # a popover that opened again would be visible by now
    expect(popover).to_be_hidden()

    # a source opens its document with Enter
    tab_to(page, "a.classList.contains('source')")
    keys.press("Enter")
    expect(viewer).to_have_attribute("data-ready", "true")
    keys.press("Escape")
    expect(viewer).to_be_hidden()
    page.wait_for_function(
        "document.activeElement && document.activeElement.classList.contains('source')", timeout=5000
    )

    # rate the answer with Space, leave a comment, send it with the keyboard
    tab_to(page, "a.getAttribute('aria-label') === '도움이 됐어요'")
    keys.press("Space")
    expect(page.get_by_role("button", name="도움이 됐어요")).to_have_attribute("aria-pressed", "true")
    tab_to(page, "a.tagName === 'TEXTAREA' && a.closest('.comment')")
    keys.type("키보드로 남긴 의견")
    tab_to(page, "a.textContent === '의견 보내기'")
    keys.press("Enter")
    expect(page.locator(".comment")).to_be_hidden()

    # a follow-up question offered under the answer, with Enter
    tab_to(page, "a.classList.contains('chip') && a.closest('.followups')")
    keys.press("Enter")
    wait_answer(page, 2)

    # a new conversation with Alt+N; the old one stays in the list and comes back with Enter
    keys.press("Alt+N")
    expect(page.locator(".msg")).to_have_count(0)
    assert focused(page)["tag"] == "TEXTAREA"
    keys.type(OFF_TOPIC)
    keys.press("Enter")
    wait_answer(page, 1)
    expect(page.locator("#history-list .conv")).to_have_count(2)
    tab_to(page, "a.classList.contains('resume') && !a.closest('[aria-current]')", key="Shift+Tab", limit=80)
    keys.press("Enter")
    expect(page.locator(".msg-user")).to_have_count(2)
    assert watched.errors == []
    watched.context.close()


def test_the_conversation_list_on_a_phone_with_the_keyboard(server: str, browser: Any) -> None:
    watched = open_page(browser, server, phone=True)
    page = watched.page
    ask(page, QUESTION, 1)
    toggle = page.locator("#history-toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert focused(page)["inHistory"]
    for _ in range(8):  # the drawer keeps the focus while it is open
        page.keyboard.press("Tab")
        assert focused(page)["inHistory"], focused(page)
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#history")).not_to_be_in_viewport()
    expect(toggle).to_be_focused()
    watched.context.close()
