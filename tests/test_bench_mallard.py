"""The GNOME help collection's converter (``bench.mallard``): a Mallard page becomes an HTML page
whose text, read by the assistant's HTML loader, is what the help viewer shows."""

from __future__ import annotations

from assistant.ingest.html import extract_html
from bench.mallard import page_titles, to_html

PAGE = """<?xml version="1.0" encoding="utf-8"?>
<page xmlns="http://projectmallard.org/1.0/" xmlns:if="http://projectmallard.org/if/1.0/"
      type="topic" id="power-suspend" xml:lang="ko">
  <info>
    <credit type="author"><name>그놈 문서 프로젝트</name></credit>
    <desc>컴퓨터를 대기 상태로 둡니다.</desc>
  </info>
  <title>컴퓨터 대기 상태 진입</title>
  <p>대기 상태로 두면 전력을 아낍니다. 자세한 내용은 <link xref="power-batterylife"/>을 참고합니다.</p>
  <if:choose>
    <if:when test="platform:gnome-classic"><p>클래식 세션의 우측 상단 메뉴를 엽니다.</p></if:when>
    <if:when test="!platform:gnome-classic"><p>상단 표시줄의 시스템 메뉴를 엽니다.</p></if:when>
  </if:choose>
  <section id="keys">
    <title>키보드로 대기</title>
    <steps>
      <item><p><guiseq><gui>설정</gui><gui>전원</gui></guiseq>을 엽니다.</p></item>
      <item><p><keyseq><key>Super</key><key>L</key></keyseq> 키를 누릅니다.</p></item>
    </steps>
    <media type="image" src="figures/suspend.png">그림</media>
  </section>
</page>
"""

OTHER = (
    """<page xmlns="http://projectmallard.org/1.0/" id="power-batterylife"><title>전력 사용량 줄이기</title></page>"""
)


def test_a_page_reads_as_the_help_viewer_shows_it() -> None:
    titles = page_titles({"power-suspend": PAGE, "power-batterylife": OTHER})
    assert titles == {"power-suspend": "컴퓨터 대기 상태 진입", "power-batterylife": "전력 사용량 줄이기"}
    read = extract_html(to_html(PAGE, titles), "power-suspend")
    assert read.title == "컴퓨터 대기 상태 진입"
    lines = read.text.splitlines()
    assert "자세한 내용은 전력 사용량 줄이기을 참고합니다." in read.text  # an empty link shows its page's title
    assert "상단 표시줄의 시스템 메뉴를 엽니다." in lines
    assert "클래식" not in read.text  # the classic session's variant is not this desktop's
    assert "1. 설정 ▸ 전원을 엽니다." in lines and "2. Super+L 키를 누릅니다." in lines  # steps, numbered
    assert "그놈 문서 프로젝트" not in read.text and "대기 상태로 둡니다" not in read.text  # <info> is left out
    assert "그림" not in read.text  # so are images
    assert [(h.level, h.title) for h in read.headings] == [(1, "컴퓨터 대기 상태 진입"), (2, "키보드로 대기")]


def test_without_titles_an_empty_link_reads_as_nothing() -> None:
    read = extract_html(to_html(PAGE), "power-suspend")
    assert "자세한 내용은 을 참고합니다." in read.text
