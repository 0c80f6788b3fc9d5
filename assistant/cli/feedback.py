"""``assistant feedback export``: the answers people rated, as an ``assistant eval`` question file."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli.params import common_options, handle_errors, settings_from
from assistant.errors import ConfigError

EPILOG_EXPORT = """\b
예:
  assistant feedback export --out rated.jsonl
  assistant eval rated.jsonl
"""


@click.group()
def feedback() -> None:
    """채팅 페이지에서 받은 👍/👎 평가."""


@feedback.command("export", epilog=EPILOG_EXPORT)
@common_options
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="쓸 파일 (기본: 표준 출력).",
)
@handle_errors
def export(index_dir: Path | None, model: str | None, out: Path | None) -> None:
    """평가받은 질문을 `assistant eval` 질문 파일(JSON Lines)로 씁니다.

    👍 받은 답은 요약의 첫 문장이 인용한 구절을 정답으로, 👍 받은 답하지 않음은 답이 없는
    질문으로 씁니다. 👎 받은 답은 정답을 알 수 없어 건너뛰고 그 수를 알려 줍니다.
    대화는 ASSISTANT_SESSIONS_PATH(기본: 색인 폴더 옆 <색인>.sessions.sqlite)에서 읽습니다.
    """
    from assistant import SessionStore, feedback_questions

    settings = settings_from(index_dir=index_dir, model=model)
    path = settings.sessions_file
    if not path.is_file():
        raise ConfigError(
            f"대화 저장 파일이 없습니다: {path.resolve()}",
            hint="채팅 페이지에서 답을 평가한 뒤 다시 실행하거나, ASSISTANT_SESSIONS_PATH로 파일을 지정하세요.",
        )
    with SessionStore(path, ttl_hours=settings.session_ttl_hours) as store:
        result = feedback_questions(store.rated())
    text = result.jsonl()
    if out is None:
        click.echo(text, nl=False)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"파일을 쓸 수 없습니다: {out.resolve()} ({exc.strerror or exc})") from None
    summary = f"질문 {len(result.entries)}개를 썼습니다 (답이 있는 질문 {result.answered}개, 답이 없는 질문 {result.unanswerable}개)"
    if out is not None:
        summary += f": {out.resolve()}"
    click.echo(summary + ".", err=True)
    left = [
        f"👎 {result.disliked}개" if result.disliked else "",
        f"인용이 없는 👍 {result.uncited}개" if result.uncited else "",
    ]
    if any(left):
        click.echo(f"건너뜀: {', '.join(x for x in left if x)} (정답 구절을 알 수 없음).", err=True)
