"""The chat page in a real headless Chromium against a real server (uvicorn, real model, corpus/).

Ask, see the answer arrive (sources before the summary is complete) with its citations,
open a citation in its passage and in its document, ask a follow-up, reload and find the
conversation again, start a new one; failures, queued questions, a server still loading, the
conversation list, ratings, export, suggested questions and dark mode. Saves
``docs/screenshot-desktop.png``, ``docs/screenshot-phone.png`` and ``docs/screenshot-dark.png``
on the way when ASSISTANT_UPDATE_SCREENSHOTS=1. Skipped when Debian's ``chromium`` is absent
(``make browser`` installs it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import live_server
from webpage import (
    DOCS,
    FOLLOW_UP,
    OFF_TOPIC,
    QUESTION,
    ROOT,
    ask,
    browser,
    corpus_settings,
    expect,
    open_page,
    server,
    summary_text,
    wait_answer,
    web_settings,
)

from assistant.answer.engine import Engine
from assistant.text.korean import KoreanAnalyzer

__all__ = ["browser", "server", "web_settings"]  # fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

#: Records when each answer reached the 'citations' and 'done' stages, as the page saw it.
STAGE_RECORDER = """
window.__stages = [];
new MutationObserver((records) => {
  for (const r of records) {
    if (r.attributeName === 'data-stage') window.__stages.push([r.target.dataset.stage, performance.now()]);
  }
}).observe(document.getElementById('messages'), {attributes: true, subtree: true, attributeFilter: ['data-stage']});
"""
#: What the page never shows: English fetch errors, raw character offsets.
NOT_SHOWN = re.compile(r"Failed to fetch|NetworkError|\d[\d,]*–[\d,]+자")


def shots_folder(tmp_path: Path) -> Path:
    """The README's screenshots are refreshed only on request, so a test run leaves docs/ alone."""
    shots = DOCS if os.environ.get("ASSISTANT_UPDATE_SCREENSHOTS") else tmp_path
    shots.mkdir(exist_ok=True)
    return shots


def test_chat_page_end_to_end(server: str, browser: Any, tmp_path: Path) -> None:
    watched = open_page(browser, server)
    page = watched.page
    watched.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    expect(page.locator("#status")).to_contain_text("문서 2개")
    page.evaluate(STAGE_RECORDER)

    # Shift+Enter is a new line, not a send
    page.fill("#input", "첫 줄")
    page.press("#input", "Shift+Enter")
    assert page.input_value("#input") == "첫 줄\n"
    assert page.locator(".msg").count() == 0

    # ask: the sources arrive before the summary is complete
    first = ask(page, QUESTION, 1)
    stages = page.evaluate("window.__stages")
    assert [s for s, _ in stages] == ["asking", "citations", "done"]
    assert stages[1][1] < stages[2][1]
    assert page.locator(".msg-user").first.inner_text() == QUESTION
    assert first.locator(".summary .cite").count() >= 1
    assert first.locator(".sources .source").count() >= 1
    assert not first.evaluate("n => n.classList.contains('abstained')")

    # a citation marker shows its passage with the used sentence highlighted
    marker = first.locator(".summary .cite").first
    marker.hover()
    popover = page.locator("#popover")
    expect(popover).to_be_visible()
    used = popover.locator("mark").first.inner_text()
    assert used and used in summary_text(first)
    row, box = marker.bounding_box(), popover.bounding_box()
    assert row["y"] + row["height"] <= box["y"] or box["y"] + box["height"] <= row["y"], (row, box)

    # ... and opens the document at the cited span, as paragraphs and headings, without offsets
    popover.get_by_role("button", name="문서에서 보기").click()
    viewer = page.locator("#viewer")
    expect(viewer).to_be_visible()
    expect(viewer).to_have_attribute("data-ready", "true")
    cited = viewer.locator("[data-cited]").first
    expect(cited).to_be_in_viewport()
    assert used in "".join(viewer.locator("[data-cited]").all_inner_texts())
    assert viewer.locator("mark", has_text=used[:10]).count() >= 1
    assert viewer.locator(".viewer-body p").count() >= 5
    assert viewer.locator(".viewer-body .doc-heading").count() >= 3
    assert not NOT_SHOWN.search(viewer.inner_text())
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()

    # a source in the list opens its document too
    first.locator(".sources .source").first.click()
    expect(viewer.locator("[data-cited]").first).to_be_visible()
    page.click("#viewer-close")
    expect(viewer).to_be_hidden()

    # copy an answer with its sources
    first.locator("button.copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(first.locator(".summary p").first.inner_text().split("\u00a0")[0][:10])
    assert "출처" in copied and "[1]" in copied
    assert not NOT_SHOWN.search(copied)

    # a follow-up: searched as rewritten, and the page says so
    session = page.evaluate("localStorage.getItem('assistant.session')")
    assert session
    second = ask(page, FOLLOW_UP, 2)
    assert second.get_attribute("data-turn") == "2"
    note = second.locator(".note-followup")
    expect(note).to_be_visible()
    searched = note.locator("q").inner_text()
    assert searched != FOLLOW_UP and "메가 얼라이언스" in searched
    assert page.evaluate("localStorage.getItem('assistant.session')") == session

    # reload: the conversation is still there
    summaries = [summary_text(a) for a in page.locator(".msg-bot").all()]
    page.reload()
    expect(page.locator(".msg-bot")).to_have_count(2)
    expect(page.locator("#toast")).to_be_hidden()  # no error while restoring
    assert [summary_text(a) for a in page.locator(".msg-bot").all()] == summaries
    assert page.locator(".msg-user").all_inner_texts() == [QUESTION, FOLLOW_UP]
    expect(page.locator(".msg-bot").nth(1).locator(".note-followup")).to_be_visible()

    shots = shots_folder(tmp_path)
    page.locator(".msg-bot").nth(1).locator(".summary .cite").first.hover()
    expect(popover).to_be_visible()
    page.screenshot(path=str(shots / "screenshot-desktop.png"))

    # phone width: the same conversation, then a new one that the documents cannot answer
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="ko-KR"
    )
    phone.add_init_script(f"localStorage.setItem('assistant.session', {session!r})")
    small = phone.new_page()
    small.set_default_timeout(20_000)
    small.goto(server + "/")
    expect(small.locator(".msg-bot")).to_have_count(2)
    small.locator(".msg-bot").nth(1).scroll_into_view_if_needed()
    small.screenshot(path=str(shots / "screenshot-phone.png"))
    tapped = small.locator(".msg-bot").first.locator(".summary .cite").first
    tapped.tap()
    sheet = small.locator("#popover")
    expect(sheet).to_be_visible()
    # the passage does not hide the marker's row, and it can be closed
    row, box = tapped.bounding_box(), sheet.bounding_box()
    assert row["y"] + row["height"] <= box["y"], (row, box)
    sheet.get_by_role("button", name="출처 닫기").tap()
    expect(sheet).to_be_hidden()

    small.click("#new-chat")
    expect(small.locator(".msg")).to_have_count(0)
    expect(small.locator("#welcome")).to_be_visible()
    assert small.evaluate("localStorage.getItem('assistant.session')") is None
    answer = ask(small, OFF_TOPIC, 1)
    assert small.evaluate("localStorage.getItem('assistant.session')") not in (None, session)

    for name in ("screenshot-desktop.png", "screenshot-phone.png"):
        assert (shots / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert answer.evaluate("n => n.classList.contains('abstained')")
    assert watched.outside == [], f"the page fetched outside resources: {watched.outside}"
    assert watched.errors == [], watched.errors
    phone.close()
    watched.context.close()


def test_tap_targets_on_a_phone(server: str, browser: Any) -> None:
    """Every control of an answer is at least 24×24 px on a phone (WCAG 2.2 target size)."""
    watched = open_page(browser, server, phone=True)
    page = watched.page
    ask(page, QUESTION, 1)
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('#app button, #app summary, #app textarea')]
             .filter(b => b.getClientRects().length && !b.closest('[inert]'))
             .map(b => { const r = b.getBoundingClientRect(); return [b.className || b.tagName, r.width, r.height]; })"""
    )
    markers = [s for s in sizes if s[0] == "cite"]
    assert markers
    small = [s for s in sizes if s[1] < 24 or s[2] < 24]
    assert small == [], small
    # no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    watched.context.close()


def test_abstention_is_one_calm_message_with_questions_to_ask(server: str, browser: Any) -> None:
    watched = open_page(browser, server)
    page = watched.page
    answer = ask(page, OFF_TOPIC, 1)
    assert answer.evaluate("n => n.classList.contains('abstained')")
    text = summary_text(answer)
    assert "답하지 않았습니다" not in text
    assert answer.locator("button.copy").count() == 0
    assert answer.locator(".sources").count() == 0
    assert answer.locator(".note").count() == 0  # no second note repeating the message
    # what the documents cover is said, and two or three questions they can answer are offered
    assert "다룹니다" in text
    suggested = answer.locator(".suggestions .chip")
    assert 2 <= suggested.count() <= 3
    question = suggested.first.inner_text()
    suggested.first.click()
    second = wait_answer(page, 2)
    assert page.locator(".msg-user").nth(1).inner_text() == question
    assert not second.evaluate("n => n.classList.contains('abstained')")
    assert watched.errors == []
    watched.context.close()


def with_caution(body: str, caution: str) -> str:
    """A stream of server-sent events with ``caution`` set in its ``citations`` and ``done`` answers."""
    out = []
    for event in body.strip().split("\n\n"):
        kind, data = (line.split(": ", 1)[1] for line in event.split("\n"))
        fields = json.loads(data)
        if kind in ("citations", "done"):
            fields["caution"] = caution
        out.append(f"event: {kind}\ndata: {json.dumps(fields, ensure_ascii=False)}\n\n")
    return "".join(out)


def test_a_caution_is_shown_above_the_summary(server: str, browser: Any) -> None:
    """An answer the rule doubts (its ``caution`` set, here on the way from the server) shows the
    caution as a note above the summary; an answer without one shows none."""
    watched = open_page(browser, server)
    page = watched.page
    caution = "문서가 이 질문에 직접 답하지 않을 수 있습니다. 아래 구절이 묻는 내용과 맞는지 확인해 주세요."

    def doubted(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=with_caution(response.text(), caution))

    page.route("**/api/chat/stream", doubted)
    answer = ask(page, QUESTION, 1)
    note = answer.locator(".note-caution")
    expect(note).to_have_text(re.compile("직접 답하지 않을 수 있습니다"))
    assert note.evaluate("(n) => n.compareDocumentPosition(n.closest('.card').querySelector('.summary')) & 4")
    page.unroute("**/api/chat/stream")
    plain = ask(page, FOLLOW_UP, 2)
    assert plain.locator(".note-caution").count() == 0
    assert watched.errors == []
    watched.context.close()


def test_followup_questions_under_an_answer(server: str, browser: Any) -> None:
    watched = open_page(browser, server)
    page = watched.page
    first = ask(page, QUESTION, 1)
    followups = first.locator(".followups .chip")
    expect(followups.first).to_be_visible()
    assert 1 <= followups.count() <= 3
    question = followups.first.inner_text()
    followups.first.click()
    wait_answer(page, 2)
    assert page.locator(".msg-user").nth(1).inner_text() == question
    watched.context.close()


def test_failures_are_said_in_korean_and_can_be_retried(server: str, browser: Any) -> None:
    watched = open_page(browser, server)
    page = watched.page
    # the server goes away: the answer says so in Korean, the header too
    page.route("**/api/chat/stream", lambda route: route.abort())
    page.route("**/healthz", lambda route: route.abort())
    page.fill("#input", QUESTION)
    page.press("#input", "Enter")
    failed = page.locator(".msg-bot").first
    expect(failed).to_have_attribute("data-stage", "failed")
    expect(failed.locator(".note-error")).to_contain_text("서버에 연결할 수 없습니다")
    assert not NOT_SHOWN.search(failed.inner_text())
    expect(page.locator("#status")).to_have_attribute("data-state", "offline")
    expect(page.locator("#status")).to_contain_text("연결 끊김")
    retry = failed.get_by_role("button", name="다시 시도")
    expect(retry).to_be_focused()

    # it comes back: one press of the retry button answers in the same place
    page.unroute("**/api/chat/stream")
    page.unroute("**/healthz")
    retry.click()
    answer = wait_answer(page, 1)
    assert answer.locator(".summary .cite").count() >= 1
    assert page.locator(".msg-user").count() == 1
    expect(page.locator("#status")).to_have_attribute("data-state", "ok")
    expect(page.locator("#status")).to_contain_text("문서 2개")

    # an error of the server: its Korean message, without the English gloss
    page.route(
        "**/api/chat/stream",
        lambda route: route.fulfill(
            status=429,
            headers={"Retry-After": "7", "Content-Type": "application/json"},
            body='{"error": {"type": "RateLimitedError", "message": "요청이 너무 많습니다. (rate limit exceeded)", "hint": null}}',
        ),
    )
    ask_failed = page.locator(".msg-bot").nth(1)
    page.fill("#input", FOLLOW_UP)
    page.press("#input", "Enter")
    expect(ask_failed.locator(".note-error")).to_contain_text("7초 후에 다시 시도해 주세요")
    assert "rate limit" not in ask_failed.inner_text()
    watched.context.close()


def test_question_sent_while_an_answer_streams_is_queued(server: str, browser: Any) -> None:
    watched = open_page(browser, server)
    page = watched.page
    held: list[Any] = []
    page.route("**/api/chat/stream", lambda route: held.append(route) if not held else route.continue_())
    page.fill("#input", QUESTION)
    page.press("#input", "Enter")
    expect(page.locator(".msg-bot").first).to_have_attribute("data-stage", "asking")
    # the send button and the hint say why a question waits
    send = page.locator("#send")
    expect(send).to_have_attribute("aria-label", re.compile("앞 답변이 끝나면"))
    expect(page.locator("#hint")).to_contain_text("이어서 보냅니다")
    page.fill("#input", FOLLOW_UP)
    page.press("#input", "Enter")
    waiting = page.locator(".msg-bot").nth(1)
    expect(waiting).to_have_attribute("data-stage", "queued")
    expect(waiting).to_contain_text("앞 질문의 답변이 끝나면 보냅니다")
    assert len(held) == 1  # the second question was not sent yet
    assert page.input_value("#input") == ""

    held[0].continue_()
    wait_answer(page, 1)
    second = wait_answer(page, 2)
    assert second.get_attribute("data-turn") == "2"  # sent after the first, in its conversation
    assert page.locator(".msg-user").all_inner_texts() == [QUESTION, FOLLOW_UP]
    expect(send).to_have_attribute("aria-label", "보내기")
    watched.context.close()


class GatedEngine(Engine):
    """An engine whose start-up waits until the test opens the gate (a model that loads slowly)."""

    gate = threading.Event()

    def warm_up(self) -> None:
        assert self.gate.wait(60), "the test never opened the gate"
        super().warm_up()


TABLE_DOC = """# 지역별 교통 현황

지역마다 대중교통 수단이 다릅니다. 아래 표는 도시별 지하철 노선 수를 정리한 것입니다.

| 도시 | 지하철 노선 | 개통 연도 |
|---|---|---|
| 서울 | 23개 | 1974년 |
| 부산 | 4개 | 1985년 |
| 대구 | 3개 | 1997년 |

부산 지하철은 1985년에 처음 개통했습니다.
"""


def test_the_page_waits_for_a_loading_server_and_shows_tables(browser: Any, tmp_path: Path) -> None:
    """A server still loading its model: the page says so, keeps a question, answers when ready;
    a Markdown table is shown in the viewer as a table."""
    from assistant.web import create_app

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    (corpus / "교통.md").write_text(TABLE_DOC, encoding="utf-8")
    settings = corpus_settings(tmp_path, corpus)
    GatedEngine.gate.clear()
    engine = GatedEngine(settings, analyzer=KoreanAnalyzer())
    engine.build_index()
    app = create_app(settings, engine=engine, load_in_background=True)
    with live_server(app) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR")
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(url + "/")
        expect(page.locator("#status")).to_have_attribute("data-state", "loading")
        expect(page.locator("#loading")).to_be_visible()
        expect(page.locator("#status")).to_contain_text("불러오는 중")
        expect(page.locator("#send")).to_have_attribute("aria-label", re.compile("준비되면"))
        page.fill("#input", "부산 지하철은 언제 개통했나요?")
        page.press("#input", "Enter")
        waiting = page.locator(".msg-bot").first
        expect(waiting).to_have_attribute("data-stage", "queued")
        expect(waiting).to_contain_text("서버가 준비되면 보냅니다")

        GatedEngine.gate.set()
        answer = wait_answer(page, 1)
        expect(page.locator("#loading")).to_be_hidden()
        expect(page.locator("#status")).to_contain_text("문서 3개")
        answer.locator(".sources .source", has_text="지역별 교통 현황").first.click()
        viewer = page.locator("#viewer")
        expect(viewer).to_have_attribute("data-ready", "true")
        table = viewer.locator("table")
        expect(table).to_have_count(1)
        assert table.locator("thead th").all_inner_texts() == ["도시", "지하철 노선", "개통 연도"]
        assert table.locator("tbody tr").count() == 3
        assert table.locator("tbody tr").nth(1).locator("td").all_inner_texts() == ["부산", "4개", "1985년"]
        assert "---" not in viewer.inner_text()
        context.close()


def test_dark_mode_follows_the_system(server: str, browser: Any, tmp_path: Path) -> None:
    def background(dark: bool) -> list[int]:
        watched = open_page(browser, server, dark=dark)
        ask(watched.page, QUESTION, 1)
        rgb = watched.page.evaluate("getComputedStyle(document.body).backgroundColor")
        if dark:
            watched.page.locator(".summary .cite").first.hover()
            expect(watched.page.locator("#popover")).to_be_visible()
            watched.page.screenshot(path=str(shots_folder(tmp_path) / "screenshot-dark.png"))
        watched.context.close()
        return [int(x) for x in re.findall(r"\d+", rgb)[:3]]

    assert max(background(dark=True)) < 60
    assert min(background(dark=False)) > 200


def test_conversation_list_resume_rename_delete(server: str, browser: Any) -> None:
    watched = open_page(browser, server)
    page = watched.page
    ask(page, QUESTION, 1)
    first_session = page.evaluate("localStorage.getItem('assistant.session')")
    page.click("#new-chat")
    expect(page.locator(".msg")).to_have_count(0)
    ask(page, OFF_TOPIC, 1)
    items = page.locator("#history-list .conv")
    expect(items).to_have_count(2)  # the new conversation kept the old one
    assert items.first.locator(".conv-title").inner_text() == OFF_TOPIC  # latest first
    expect(items.first).to_have_attribute("aria-current", "true")

    # resume the first conversation
    items.nth(1).locator(".resume").click()
    expect(page.locator(".msg-user")).to_have_text([QUESTION])
    assert page.evaluate("localStorage.getItem('assistant.session')") == first_session
    expect(items.nth(1)).to_have_attribute("aria-current", "true")

    # rename it: the name is kept by the server
    items.nth(1).get_by_role("button", name=re.compile("이름 바꾸기")).click()
    page.get_by_label("대화 이름").fill("얼라이언스 정리")
    page.get_by_label("대화 이름").press("Enter")
    expect(page.locator("#history-list .conv-title", has_text="얼라이언스 정리")).to_have_count(1)
    page.reload()
    expect(page.locator("#history-list .conv-title", has_text="얼라이언스 정리")).to_have_count(1)
    expect(page.locator(".msg-user")).to_have_text([QUESTION])

    # delete the other one, after a confirmation
    other = page.locator("#history-list .conv", has_text=OFF_TOPIC)
    other.get_by_role("button", name=re.compile("삭제$")).click()
    other.get_by_role("button", name="삭제", exact=True).click()
    expect(page.locator("#history-list .conv")).to_have_count(1)
    expect(page.locator(".msg-user")).to_have_text([QUESTION])  # the conversation shown stays
    assert watched.errors == []
    watched.context.close()


def test_rating_an_answer_with_a_comment(server: str, browser: Any) -> None:
    watched = open_page(browser, server)
    page = watched.page
    answer = ask(page, QUESTION, 1)
    up = answer.get_by_role("button", name="도움이 됐어요")
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    comment = answer.get_by_label("의견을 남겨 주세요 (선택)")
    expect(comment).to_be_visible()
    comment.fill("출처가 정확합니다")
    answer.get_by_role("button", name="의견 보내기").click()
    expect(comment).to_be_hidden()
    session = page.evaluate("localStorage.getItem('assistant.session')")
    stored = page.evaluate("async (id) => (await (await fetch('/api/sessions/' + id)).json()).feedback", session)
    assert stored == [{"turn": 1, "rating": "up", "comment": "출처가 정확합니다", "updated": stored[0]["updated"]}]

    # reload: the rating is shown again; changing it to 👎 replaces it
    page.reload()
    answer = wait_answer(page, 1)
    expect(answer.get_by_role("button", name="도움이 됐어요")).to_have_attribute("aria-pressed", "true")
    answer.get_by_role("button", name="도움이 안 됐어요").click()
    expect(answer.get_by_role("button", name="도움이 안 됐어요")).to_have_attribute("aria-pressed", "true")
    expect(answer.get_by_role("button", name="도움이 됐어요")).to_have_attribute("aria-pressed", "false")
    watched.context.close()


def test_export_a_conversation_as_markdown(server: str, browser: Any, tmp_path: Path) -> None:
    watched = open_page(browser, server, accept_downloads=True)
    page = watched.page
    first = ask(page, QUESTION, 1)
    title = first.locator(".sources .source .title").first.inner_text()
    conv = page.locator("#history-list .conv").first
    expect(conv).to_contain_text(QUESTION)
    with page.expect_download() as info:
        conv.get_by_role("button", name=re.compile("Markdown으로 내보내기")).click()
    download = info.value
    assert download.suggested_filename.endswith(".md")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# ")
    assert QUESTION in text
    assert "[1]" in text and title in text
    assert watched.errors == []
    watched.context.close()
