"""Answers as Block Kit messages: layout, escaping and Slack's limits (pure, no Slack)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import mrkdwn_of

from assistant.answer.schema import Answer, Citation, SummarySentence, UsedSentence
from assistant.slack.blocks import (
    MAX_BLOCKS,
    SECTION_LIMIT,
    SHARE_ACTION,
    TEXT_LIMIT,
    answer_message,
    escape,
    fit,
    split_escaped,
)
from assistant.slack.incoming import clean_text, has_words, read_message, session_id

#: An escape, or a character that needs none: what escaped mrkdwn is made of.
ESCAPED = re.compile(r"(?:&amp;|&lt;|&gt;|[^&<>])*")


def citation(n: int, passage: str = "서울의 지하철은 아홉 개 노선으로 이루어져 있다.", **extra: Any) -> Citation:
    fields: dict[str, Any] = {
        "n": n,
        "chunk_id": f"서울.md#{n}",
        "doc_id": "서울.md",
        "title": "서울 안내",
        "section": "서울 안내 > 교통",
        "start": 10 * n,
        "end": 10 * n + len(passage),
        "passage": passage,
        "score": 1.0 / n,
    }
    return Citation(**{**fields, **extra})


def answer(summary: str = "서울의 지하철은 아홉 개 노선으로 이루어져 있다. [1]", n: int = 2, **extra: Any) -> Answer:
    fields: dict[str, Any] = {
        "question": "서울 지하철은?",
        "query": "서울 지하철은?",
        "summary": summary,
        "form": "general",
        "citations": [citation(i) for i in range(1, n + 1)],
        "summary_sentences": [SummarySentence(text=summary, citation=1)],
    }
    return Answer(**{**fields, **extra})


def test_an_answer_is_summary_divider_and_numbered_sources() -> None:
    msg = answer_message(answer(n=3))
    assert [b["type"] for b in msg.blocks] == ["section", "divider", "section", "section", "section"]
    texts = mrkdwn_of(msg.blocks)
    assert texts[0] == "서울의 지하철은 아홉 개 노선으로 이루어져 있다. [1]"
    assert [t.split("\n")[0] for t in texts[1:]] == [f"*[{n}]* 서울 안내 › 교통" for n in (1, 2, 3)]
    assert texts[1].split("\n")[1:] == ["`서울.md` · 10–37자", ">서울의 지하철은 아홉 개 노선으로 이루어져 있다."]
    assert (
        msg.text
        == "서울의 지하철은 아홉 개 노선으로 이루어져 있다. [1]\n[1] 서울 안내 › 교통\n[2] 서울 안내 › 교통\n[3] 서울 안내 › 교통"
    )


def test_the_quote_is_the_sentence_the_summary_used_and_short() -> None:
    long = "가" * 500
    used = citation(1, passage=f"앞 문장. {long}", sentences=[UsedSentence(text=long, start=5, end=505)])
    text = mrkdwn_of(answer_message(answer(citations=[used])).blocks)[1]
    quote = text.split("\n>")[1]
    assert quote == "가" * 199 + "…"


def test_a_rewritten_follow_up_shows_the_searched_query() -> None:
    plain = answer_message(answer())
    assert not any("검색한 질의" in t for t in mrkdwn_of(plain.blocks))
    followup = answer_message(answer(question="버스는?", query="서울 지하철 버스", drew_on_turn=1))
    assert mrkdwn_of(followup.blocks)[1] == "🔎 검색한 질의: 서울 지하철 버스 (1번째 질문에 이어서)"
    assert followup.blocks[1]["type"] == "context"


def test_notice_asker_and_share_button() -> None:
    msg = answer_message(answer(notice="새 대화를 시작합니다."), asked_by="U1", share_value="sid-1")
    texts = mrkdwn_of(msg.blocks)
    assert texts[:2] == ["ℹ️ 새 대화를 시작합니다.", "<@U1>님의 질문: 서울 지하철은?"]
    actions = msg.blocks[-1]
    assert actions["type"] == "actions"
    [button] = actions["elements"]
    assert (button["action_id"], button["value"], button["text"]["text"]) == (SHARE_ACTION, "sid-1", "채널에 공유")


def test_a_caution_comes_before_the_summary() -> None:
    msg = answer_message(answer(caution="문서가 이 질문에 직접 답하지 않을 수 있습니다."))
    texts = mrkdwn_of(msg.blocks)
    assert texts[:2] == [
        "⚠️ 문서가 이 질문에 직접 답하지 않을 수 있습니다.",
        "서울의 지하철은 아홉 개 노선으로 이루어져 있다. [1]",
    ]
    assert msg.blocks[0]["type"] == "context"
    assert not any("⚠️" in t for t in mrkdwn_of(answer_message(answer()).blocks))


def test_an_abstention_has_no_sources() -> None:
    msg = answer_message(answer(summary="찾지 못했습니다.", n=0, abstained=True, summary_sentences=[]))
    assert [b["type"] for b in msg.blocks] == ["section"]
    assert msg.text == "찾지 못했습니다."


def test_an_abstention_is_one_message_with_what_the_documents_cover_and_questions_to_ask() -> None:
    summary = "찾은 문서에는 이 질문에 대한 내용이 없습니다. 이 문서들은 ‘서울 안내’, ‘제주’를 다룹니다."
    offered = ["서울의 교통은 어떤가요?", "제주의 <자연>은 어떤가요?"]
    msg = answer_message(
        answer(
            summary=summary,
            n=0,
            abstained=True,
            summary_sentences=[],
            covers=["서울 안내", "제주"],
            suggestions=offered,
        )
    )
    assert [b["type"] for b in msg.blocks] == ["section"]
    [text] = mrkdwn_of(msg.blocks)
    assert text.split("\n") == [
        summary,
        "",
        "이런 질문은 어떨까요:",
        "• 서울의 교통은 어떤가요?",
        "• 제주의 &lt;자연&gt;은 어떤가요?",
    ]
    assert msg.text == text
    assert text.count("내용이 없습니다") == 1


def test_follow_up_questions_are_not_in_a_slack_answer() -> None:
    msg = answer_message(answer(followups=["서울의 음식은 어떤가요?"]))
    assert not any("음식" in t for t in mrkdwn_of(msg.blocks))


def test_mrkdwn_special_characters_are_escaped() -> None:
    risky = "A<B & C>D <!channel> <@U1> [1]"
    msg = answer_message(answer(summary=risky, question="<q>", query="<@U2> & x"))
    texts = mrkdwn_of(msg.blocks)
    assert texts[0] == "A&lt;B &amp; C&gt;D &lt;!channel&gt; &lt;@U1&gt; [1]"
    assert "🔎 검색한 질의: &lt;@U2&gt; &amp; x" in texts
    assert "<!channel>" not in msg.text and "&lt;!channel&gt;" in msg.text


def test_a_very_long_answer_stays_within_slack_limits() -> None:
    sentence = "서울 & 부산 <비교> 문장입니다. [1] "
    summary = sentence * 2000  # about 60,000 characters, more after escaping
    many = [citation(i, passage="<긴 인용> " * 400, section="가 > " * 200) for i in range(1, 51)]
    msg = answer_message(
        answer(summary=summary, citations=many, query="다른 질의", notice="알림"), asked_by="U1", share_value="s"
    )
    assert len(msg.blocks) <= MAX_BLOCKS
    texts = mrkdwn_of(msg.blocks)
    assert all(0 < len(t) <= SECTION_LIMIT for t in texts)
    markup = [t.replace("<@U1>", "").replace("\n>", "\n") for t in texts]  # the asker's mention, quotes
    assert all(ESCAPED.fullmatch(t) for t in markup)  # nothing raw, no escape cut
    assert len(msg.text) <= TEXT_LIMIT and msg.text.endswith("…")
    sources = [t for t in texts if t.startswith("*[")]
    assert [s.split("*")[1] for s in sources] == [f"[{n}]" for n in range(1, len(sources) + 1)]
    assert texts[-1] == f"출처 {50 - len(sources)}개는 길이 제한으로 생략했습니다."
    assert msg.blocks[-1]["type"] == "actions"  # the share button survives the cut
    summary_sections = [b for b in msg.blocks if b["type"] == "section"][: -len(sources)]
    assert summary_sections[-1]["text"]["text"].endswith("…")


@pytest.mark.parametrize("limit", [5, 7, 100])
def test_split_never_cuts_an_escape(limit: int) -> None:
    text = "&&<> 가나다 " * 50 + "&" * 40
    pieces = split_escaped(text, limit)
    assert all(len(p) <= limit and ESCAPED.fullmatch(p) for p in pieces)
    assert "".join(pieces).replace(" ", "") == escape(text).replace(" ", "")


def test_fit_and_escape() -> None:
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"
    assert fit("짧다", 10) == "짧다"
    assert fit("하나 둘 셋 넷 다섯", 8) == "하나 둘 셋…"
    assert len(fit("&" * 100, 12)) <= 12


def test_place_drops_the_title_repeated_in_the_section() -> None:
    assert citation(1).place == "서울 안내 › 교통"
    assert citation(1, section="서울 안내").place == "서울 안내"
    assert citation(1, section="").place == "서울 안내"
    assert citation(1, section="1. 자연").place == "서울 안내 › 1. 자연"
    assert citation(1, section="서울 안내 > 교통 > 지하철").place == "서울 안내 › 교통 › 지하철"


# ---------------------------------------------------------------------------
# Incoming messages


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<@UBOT> 서울의 지하철은?", "서울의 지하철은?"),
        ("<@UBOT|assistant>   제주   해녀는?  ", "제주 해녀는?"),
        ("<#C1|general> 채널의 <https://example.com|안내문> 요약", "general 채널의 안내문 요약"),
        ("<!here> 비율 3:2:1 &amp; A&lt;B :smile: 질문", "비율 3:2:1 & A<B 질문"),
        ("<https://example.com>", "https://example.com"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw, "UBOT") == clean


@pytest.mark.parametrize(("text", "words"), [("", False), ("👍 🎉 !!", False), ("ㅋㅋ", True), ("3", True)])
def test_has_words(text: str, words: bool) -> None:
    assert has_words(text) is words


def test_read_message() -> None:
    event = {"type": "message", "user": "U1", "text": "<@UBOT> 질문", "ts": "2.0", "thread_ts": "1.0", "channel": "C1"}
    msg = read_message(event, "UBOT")
    assert msg is not None
    assert (msg.text, msg.thread_ts, msg.in_thread, msg.is_dm, msg.mentions_bot, msg.key) == (
        "질문", "1.0", True, False, True, "C1:2.0",
    )  # fmt: skip
    assert read_message({**event, "bot_id": "B2"}, "UBOT") is None
    assert read_message({**event, "subtype": "message_deleted"}, "UBOT") is None
    assert read_message({**event, "user": "UBOT"}, "UBOT") is None
    top = read_message({**event, "thread_ts": None, "channel": "D9"}, "UBOT")
    assert top is not None and (top.thread_ts, top.in_thread, top.is_dm) == ("2.0", False, True)
    assert session_id("T1", "C1", "1.0") == "slack:T1:C1:1.0"
