"""Command line: ``assistant index | ask | chat | eval | info | serve | slack`` (also ``python -m assistant``).

Only this module turns :class:`~assistant.errors.AssistantError` into messages and exit codes.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from assistant.cli.feedback import feedback
from assistant.cli.korean import VERSION_OPTION_HELP, KoreanGroup
from assistant.cli.params import (
    common_options,
    handle_errors,
    korean_message,
    log_level_option,
    mode_option,
    settings_from,
)
from assistant.cli.render import render, render_eval
from assistant.errors import AssistantError, InvalidQuestionError
from assistant.options import MODES

#: Between two answers in text: a piped `assistant chat`, `assistant ask --file`.
TURN_RULE = "─" * 40

EPILOG_ASK = """\b
예:
  assistant ask "한국이 나아가야 할 방향은?"
  assistant ask "메가 얼라이언스란?" -k 3 --json
  assistant ask --file questions.txt --json > answers.jsonl
"""


EPILOG_EVAL = """\b
예:
  assistant eval docs/examples/questions.jsonl
  assistant eval docs/examples/questions.jsonl --compare
  assistant eval KorQuAD_v1.0_dev.json --index korquad-index --limit 500 --json > report.json

\b
한 줄에 JSON 객체 하나:
  {"question": "메가 얼라이언스란?", "doc": "한국의_AI_원팀_전략과_해외_AI_동맹_비교.txt"}
  {"question": "...", "passage": "답이 들어 있는 구절"}
  {"question": "화성 탐사 로켓의 연료는?", "answerable": false}
"docs", "spans"와 지표는 docs/eval.md를 보세요.
"""


@click.group(cls=KoreanGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(
    package_name="korean-assistant", prog_name="assistant", message="%(prog)s %(version)s", help=VERSION_OPTION_HELP
)
def main() -> None:
    """한국어 문서 질의응답: 출처가 달린 구절과 발췌 요약, 오프라인으로.

    \b
    빠른 시작:
      assistant index corpus/          문서 폴더로 색인을 만듭니다
      assistant ask "질문"              질문 하나에 답합니다
      assistant chat                   터미널에서 대화합니다
      assistant eval questions.jsonl   내 질문으로 검색 성능을 잽니다
      assistant serve                  채팅 페이지와 HTTP API (http://127.0.0.1:8000/)
      assistant slack                  Socket Mode로 Slack 봇을 띄웁니다
      assistant info                   무엇이 어떤 모델로 색인되었는지 보입니다
      assistant schema                 --json 답의 JSON Schema를 출력합니다

    모든 설정은 환경 변수 ASSISTANT_<이름>으로도 줄 수 있습니다
    (ASSISTANT_INDEX_DIR, ASSISTANT_MODEL, ASSISTANT_CHUNK_SIZE, ASSISTANT_TOP_K 등).
    """


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@common_options
@click.option("--rebuild", is_flag=True, help="바뀌지 않은 구절도 다시 임베딩합니다.")
@click.option("--chunk-size", type=int, default=None, help="구절 길이(글자 수, 기본 500).")
@click.option("--chunk-overlap", type=int, default=None, help="이웃한 구절이 겹치는 글자 수(기본 100).")
@click.option(
    "--vector-index",
    default=None,
    metavar="KIND",
    help="벡터 색인: flat(정확, 기본), hnsw, milvus://HOST:PORT(Milvus 서버) 또는 FILE.db(milvus-lite). "
    "[환경 변수: ASSISTANT_VECTOR_INDEX]",
)
@click.option(
    "--if-stale",
    is_flag=True,
    help="색인이 이미 코퍼스와 설정, 이 버전이 파일을 읽는 방식에 맞으면 아무것도 하지 않습니다.",
)
@click.option("--json", "as_json", is_flag=True, help="매니페스트를 JSON으로 출력합니다.")
@click.option("-q", "--quiet", is_flag=True, help="진행 상황을 출력하지 않습니다.")
@handle_errors
def index(
    path: Path | None,
    index_dir: Path | None,
    model: str | None,
    rebuild: bool,
    chunk_size: int | None,
    chunk_overlap: int | None,
    vector_index: str | None,
    if_stale: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """한국어 문서 폴더(또는 파일)를 색인합니다: .txt .md .html .pdf .docx .hwpx .hwp .odt .odp .ods .pptx .xlsx .csv .tsv.

    PATH를 주지 않으면 corpus/(또는 ASSISTANT_CORPUS_DIR)를 씁니다. 바뀌지 않은 구절은 다시
    임베딩하지 않고, 지운 문서는 색인에서 뺍니다. 새 색인이 완성될 때까지 이전 색인을 그대로
    쓸 수 있습니다. 읽을 수 없는 파일은 알리고 건너뜁니다.
    """
    from dataclasses import asdict

    from assistant import Engine

    settings = settings_from(
        corpus_dir=path,
        index_dir=index_dir,
        model=model,
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        vector_index=vector_index,
        show_progress=not quiet and not as_json and sys.stderr.isatty(),  # no bars in logs
    )
    if if_stale and not rebuild:
        from assistant import is_current

        if is_current(settings):
            click.echo(f"색인이 최신입니다: {settings.index_dir}", err=True)
            return
    report = None if quiet else (lambda msg: click.echo(msg, err=True))
    try:
        result = Engine(settings).build_index(rebuild=rebuild, report=report)
    except KeyboardInterrupt:
        click.echo(
            "\n중단됨: 이전 색인은 그대로 쓸 수 있습니다. 같은 명령을 다시 실행하면 끝난 임베딩은 건너뛰고 이어서 색인합니다.",
            err=True,
        )
        sys.exit(130)
    m = result.manifest
    if as_json:
        click.echo(json.dumps(asdict(m), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"색인 완료: 문서 {m.n_documents}개, 구절 {m.n_chunks}개 "
        f"(새로 임베딩 {m.embedded_chunks}, 재사용 {m.reused_chunks}), {m.build_seconds:.1f}초 → {settings.index_dir}"
    )
    if report is None:  # otherwise each was reported as it was skipped
        for path_, reason in m.skipped:
            click.secho(f"건너뜀: {path_}: {reason}", fg="yellow", err=True)


@main.command(epilog=EPILOG_ASK)
@click.argument("question", required=False)
@common_options
@click.option("-k", "top_k", type=click.IntRange(1, 50), default=None, metavar="N", help="보여 줄 구절 수(기본 5).")
@click.option(
    "--file",
    "file",
    # Bytes that are not UTF-8 come through as surrogates, which the engine refuses with the line.
    type=click.File("r", encoding="utf-8", errors="surrogateescape"),
    default=None,
    metavar="FILE",
    help="이 파일의 한 줄에 질문 하나씩 답합니다('-'는 표준 입력).",
)
@mode_option("검색 방식.")
@click.option("--json", "as_json", is_flag=True, help="JSON으로 출력합니다(--file과 함께면 JSON Lines).")
@click.option(
    "--local",
    "force_local",
    is_flag=True,
    help="같은 색인의 서버(assistant serve)가 떠 있어도 이 프로세스에서 답합니다.",
)
@handle_errors
def ask(
    question: str | None,
    index_dir: Path | None,
    model: str | None,
    top_k: int | None,
    file: Any,
    mode: str,
    as_json: bool,
    force_local: bool,
) -> None:
    """질문에 출처가 달린 구절과 발췌 요약으로 답합니다.

    같은 색인으로 `assistant serve`가 떠 있으면 QUESTION을 그 서버에 묻습니다(모델을 불러오지
    않아 1초도 걸리지 않습니다). --local은 이 프로세스에서 답합니다.
    """
    if question is None and file is None:
        raise click.UsageError("QUESTION이나 --file F를 주세요.")
    if (
        question is not None
        and not force_local
        and _print_from_server(index_dir, model, question, top_k, mode, as_json)
    ):
        return
    settings = settings_from(index_dir=index_dir, model=model, top_k=top_k, show_progress=False)
    embedder = _model_loading(settings) if question is not None else None
    from assistant import Engine

    engine = Engine(settings, embedder=embedder, quick_start=question is not None)
    if question is not None:
        engine.validate(question)
        engine.preload(question)  # the model loads while Kiwi does
    if question is not None:
        answer = engine.ask(question, mode=mode)  # type: ignore[arg-type]
        click.echo(answer.model_dump_json() if as_json else render(answer))
        return
    answered = 0
    for n, line in enumerate(file, 1):
        if not line.strip():
            continue
        try:
            answer = engine.ask(line.rstrip("\n"), mode=mode)  # type: ignore[arg-type]
        except AssistantError as exc:
            raise _at_line(exc, getattr(file, "name", "-"), n) from None
        click.echo(answer.model_dump_json() if as_json else _turn(line, answer, first=not answered))
        answered += 1


def _model_loading(settings: Any) -> Any:
    """The embedded model, already loading in the background (without the GIL) while the rest
    is imported and Kiwi loads. ``None`` (the engine loads its model as usual) for another model,
    without an index, or when it cannot load: the index's errors come first, as without this."""
    from assistant import EMBEDDED_MODEL, current_version, load_embedder

    if settings.model != EMBEDDED_MODEL or current_version(settings.index_dir) is None:
        return None
    try:
        embedder = load_embedder(settings)
    except AssistantError:
        return None
    start_loading = getattr(embedder, "start_loading", None)
    if start_loading is not None:
        start_loading()
    return embedder


def _turn(question: str, answer: Any, *, first: bool) -> str:
    """One answer of several in text: under its question, parted from the one before by a rule."""
    return ("" if first else "\n" + TURN_RULE + "\n") + f"질문: {question.strip()}\n\n{render(answer)}"


def _at_line(exc: AssistantError, name: str, n: int) -> AssistantError:
    """The error of a question read from line ``n`` of a file (or stdin), naming the line."""
    if not isinstance(exc, InvalidQuestionError):
        return exc
    where = "표준 입력" if name in ("-", "<stdin>") else name
    return InvalidQuestionError(f"{where} {n}번째 줄: {exc.message}", hint=exc.hint)


def _print_from_server(
    index_dir: Path | None, model: str | None, question: str, top_k: int | None, mode: str, as_json: bool
) -> bool:
    """Print the answer of a running server of the same index; False when there is none or it fails.

    Settings are not loaded on this path (pydantic-settings and numpy take longer to import than
    the server takes to answer): the index and model come from the options and their variables.
    """
    import os

    from assistant.cli.local_server import DEFAULT_INDEX_DIR, DEFAULT_MODEL, ask_server, find_server

    url = find_server(index_dir or DEFAULT_INDEX_DIR, model or DEFAULT_MODEL)
    api_key = os.environ.get("ASSISTANT_API_KEY")
    data = ask_server(url, question, k=top_k, mode=mode, api_key=api_key) if url else None
    if data is None:
        return False
    if as_json:  # as `Answer.model_dump_json()` writes it
        click.echo(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    else:  # attribute access on the JSON, without importing the pydantic models
        from types import SimpleNamespace

        click.echo(render(json.loads(json.dumps(data), object_hook=lambda d: SimpleNamespace(**d))))
    return True


@main.command()
@common_options
@click.option("-k", "top_k", type=click.IntRange(1, 50), default=None, metavar="N", help="보여 줄 구절 수(기본 5).")
@click.option(
    "--session",
    "session_id",
    default=None,
    metavar="ID",
    help="저장된 대화를 이어 갑니다(ID는 대화가 끝날 때와 --json 답에 나옵니다).",
)
@click.option("--json", "as_json", is_flag=True, help="한 줄에 메시지 하나를 읽고, 한 줄에 JSON 답 하나를 씁니다.")
@handle_errors
def chat(index_dir: Path | None, model: str | None, top_k: int | None, session_id: str | None, as_json: bool) -> None:
    """터미널에서 대화합니다(빈 줄이나 Ctrl-D로 끝냄).

    이어지는 질문("그럼 미국은?", "그건 왜 그런가요?", "두 번째 것을 자세히", "더 자세히")은
    앞의 대화에서 뜻을 찾고, 답에는 무엇을 검색했는지와 어느 앞 질문을 참고했는지가 나옵니다.
    대화는 저장되며(ASSISTANT_SESSIONS_PATH, 기본은 색인 폴더 옆) --session ID로 나중에
    이어 갈 수 있습니다.

    표준 입력이 터미널이 아니면 한 줄에 메시지 하나씩 읽고 답 사이에 구분선을 넣습니다.
    --json이면 한 줄에 JSON 답 하나씩 씁니다(스크립트용). 모든 줄이 한 대화입니다.
    """
    from assistant import Conversation, Engine, SessionStore

    settings = settings_from(index_dir=index_dir, model=model, top_k=top_k, show_progress=False)
    interactive = sys.stdin.isatty() and not as_json
    if interactive:
        click.echo("질문을 입력하세요. 빈 줄이나 Ctrl-D로 끝냅니다.")
    with SessionStore(settings.sessions_file, ttl_hours=settings.session_ttl_hours) as store:
        conversation = Conversation(Engine(settings), store, settings)
        sid = session_id
        answered = 0
        for n, line in enumerate(_lines(interactive), 1):
            if not line.strip():
                if interactive:
                    break
                continue
            try:
                answer = conversation.chat(line, sid)
            except AssistantError as exc:
                if not interactive:
                    raise _at_line(exc, "-", n) from None
                message, _ = korean_message(exc)
                click.secho(f"오류: {message}", fg="red", err=True)
                continue
            sid = answer.session_id
            if as_json:
                click.echo(answer.model_dump_json())
            elif interactive:
                click.echo(render(answer))
            else:  # piped: each turn under its question, turns parted by a rule
                click.echo(_turn(line, answer, first=not answered))
            answered += 1
        if interactive and sid:
            click.echo(f"\n대화를 저장했습니다. 이어서 하려면: assistant chat --session {sid}")


def _lines(interactive: bool) -> Iterable[str]:
    """Messages from stdin; bytes that are not UTF-8 come through as surrogates (refused by
    the engine with a message) instead of ending the command with a traceback."""
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="surrogateescape")
    if not interactive:
        yield from (ln.rstrip("\n") for ln in sys.stdin)
        return
    while True:
        try:
            yield input("\n질문> ")
        except EOFError:
            return


@main.command()
@common_options
@click.option("--json", "as_json", is_flag=True, help="JSON으로 출력합니다.")
@handle_errors
def info(index_dir: Path | None, model: str | None, as_json: bool) -> None:
    """무엇이 어떤 모델과 설정으로 색인되었는지 보입니다."""
    from dataclasses import asdict

    from assistant import open_index

    settings = settings_from(index_dir=index_dir, model=model)
    idx = open_index(settings.index_dir, settings.model)
    m = idx.manifest
    docs = idx.store.documents()
    if as_json:
        payload = {
            "index_dir": str(settings.index_dir),
            "version": idx.folder.name,
            "manifest": asdict(m),
            "documents": [{"doc_id": d.doc_id, "title": d.title, "chunks": d.n_chunks, "chars": d.chars} for d in docs],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(f"색인: {settings.index_dir} ({idx.folder.name}), 형식 v{m.format_version}, 생성 {m.built_at}")
    click.echo(f"모델: {m.model} ({m.dim}차원), 벡터 색인: {m.vector_index}")
    click.echo(f"구절: 길이 {m.chunk_size}자, 겹침 {m.chunk_overlap}자; 코퍼스: {m.corpus_dir}")
    click.echo(f"문서 {m.n_documents}개, 구절 {m.n_chunks}개:")
    for d in docs:
        click.echo(f"  - {d.title}  ({d.doc_id}, 구절 {d.n_chunks}개, {d.chars:,}자)")


@main.command("eval", epilog=EPILOG_EVAL)
@click.argument("questions", type=click.Path(path_type=Path, dir_okay=False))
@common_options
@mode_option("잴 검색 방식.")
@click.option("--compare", is_flag=True, help="같은 질문으로 hybrid, dense, bm25를 나란히 잽니다.")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N", help="앞의 N개 질문만.")
@click.option("--json", "as_json", is_flag=True, help="보고서를 질문마다의 결과와 함께 JSON으로 출력합니다.")
@click.option("-q", "--quiet", is_flag=True, help="진행 막대를 보이지 않습니다.")
@handle_errors
def eval_(
    questions: Path,
    index_dir: Path | None,
    model: str | None,
    mode: str,
    compare: bool,
    limit: int | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """내 질문으로 검색 성능을 잽니다: R@1/5/10, MRR@10, nDCG@10, 답하지 않기, 응답 시간.

    QUESTIONS는 JSON Lines 파일(한 줄에 질문 하나와 답이 든 문서, 구절 또는 구간, 아니면
    "answerable": false)이나 KorQuAD 1.0 JSON 파일입니다. 질문마다 `assistant ask -k 10`처럼
    하나씩 묻고, 시간은 모델을 불러온 뒤 질문 하나에 걸린 시간입니다.
    """
    from assistant import Engine, evaluate, load_questions

    loaded = load_questions(questions, limit)  # a bad file fails before the model loads
    settings = settings_from(index_dir=index_dir, model=model, show_progress=False)
    modes = list(MODES) if compare else [mode]
    report = evaluate(Engine(settings), loaded, modes, progress=not quiet and sys.stderr.isatty())
    data = report.to_dict(details=as_json)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else render_eval(data))


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@main.command()
@common_options
@click.option("--host", default="127.0.0.1", metavar="HOST", help="들을 주소(기본 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, metavar="PORT", help="들을 포트(기본 8000).")
@log_level_option
@handle_errors
def serve(index_dir: Path | None, model: str | None, host: str, port: int, log_level: str) -> None:
    """채팅 페이지와 HTTP API를 띄웁니다(http://HOST:PORT/ 를 여세요).

    \b
    모델과 색인은 시작할 때 한 번 불러옵니다. 주소는 페이지가 열리면 바로 출력하고(불러오는
    동안 페이지는 불러오는 중이라고 보입니다), 다 불러오면 "준비되었습니다"를 출력합니다.
    엔드포인트:
      POST /api/ask, /api/chat, /api/chat/stream (SSE 스트림)
      GET|DELETE /api/sessions/ID, GET /api/documents[/ID], POST /api/reindex
      GET /healthz, /docs (OpenAPI)
    ASSISTANT_API_KEY를 설정하면 /api/*에 키가 필요합니다. ASSISTANT_RATE_LIMIT_PER_MINUTE,
    ASSISTANT_MAX_BODY_BYTES, ASSISTANT_CORS_ORIGINS로 다른 보호 장치를 조정합니다. 리버스
    프록시 뒤에서는 ASSISTANT_TRUSTED_PROXIES에 X-Forwarded-For를 믿을 프록시를 적습니다
    (기본은 없음). docs/security.md를 보세요.
    """
    import uvicorn

    from assistant.web import create_app, server_options

    settings = settings_from(index_dir=index_dir, model=model, show_progress=False)
    _check_session_stores(settings)  # a file that cannot be created: a message now, not a traceback later
    if host not in LOOPBACK_HOSTS and not settings.api_key:
        click.secho(
            f"경고: {host}에서 API 키 없이 서비스합니다. ASSISTANT_API_KEY를 설정하세요.", fg="yellow", err=True
        )
    from assistant.cli.local_server import advertised, announce_when_ready, base_url

    click.echo("모델과 색인을 불러오는 중…", err=True)
    if port:  # the address, once the page answers; then whether the model and the index loaded
        shown = f"http://{host}:{port}/"
        announce_when_ready(
            base_url(host, port),
            lambda: click.echo(f"{shown} 에서 서비스합니다 (Ctrl-C로 종료).", err=True),
            settled=_loaded,
        )

    with advertised(settings.index_dir, host, port, settings.model):  # `assistant ask` then asks this server
        uvicorn.run(
            create_app(settings, load_in_background=True),
            host=host,
            port=port,
            log_config=_uvicorn_logging(log_level),
            **server_options(settings),
        )


def _loaded(error: str | None) -> None:
    """What `assistant serve` says when the model and the index have loaded, or could not."""
    if error is None:
        click.echo("준비되었습니다. 질문에 답합니다.", err=True)
    else:  # the page and /healthz say it too
        click.secho(f"오류: {error}", fg="red", err=True)


def _uvicorn_logging(log_level: str) -> dict[str, Any]:
    """uvicorn's logging at ``log_level``, except its start-up lines ("Uvicorn running on …", in
    English, printed before the page answers), shown only at debug: `assistant serve` says itself
    when it is loading and where it answers. Errors (a port in use) and the access log stay."""
    import copy
    import logging

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    level = logging.getLevelName(log_level.upper())
    for name in ("uvicorn", "uvicorn.access"):
        config["loggers"][name]["level"] = level
    config["loggers"]["uvicorn.error"]["level"] = level if level <= logging.DEBUG else max(level, logging.WARNING)
    return config


def _check_session_stores(settings: Any) -> None:
    """Open (creating them) the conversation stores the server will use, or fail with a ConfigError."""
    from assistant import SessionStore
    from assistant.web import serves_slack

    paths = [settings.sessions_file]
    if serves_slack(settings):
        paths.append(settings.slack_sessions_file)
    for path in paths:
        SessionStore(path, ttl_hours=settings.session_ttl_hours).close()


@main.command()
@common_options
@log_level_option
@handle_errors
def slack(index_dir: Path | None, model: str | None, log_level: str) -> None:
    """Socket Mode로 Slack 봇을 띄웁니다(공개 URL 필요 없음, Ctrl-C로 종료).

    \b
    ASSISTANT_SLACK_BOT_TOKEN(xoxb-...)과 ASSISTANT_SLACK_APP_TOKEN(xapp-..., 권한
    connections:write)이 필요합니다. HTTP로 받으려면 ASSISTANT_SLACK_BOT_TOKEN과
    ASSISTANT_SLACK_SIGNING_SECRET을 설정하고 `assistant serve`를 실행하세요. Slack이
    /slack/events로 보냅니다. 앱의 매니페스트는 slack/manifest.yml입니다.
    """
    import logging

    from assistant.slack.socket import check_tokens, run_socket_mode

    settings = settings_from(index_dir=index_dir, model=model, show_progress=False)
    check_tokens(settings)
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo("Slack에 Socket Mode로 연결합니다 (Ctrl-C로 종료).", err=True)
    run_socket_mode(settings)


@main.command()
def schema() -> None:
    """답(ask/chat --json의 출력)의 JSON Schema를 출력합니다."""
    from assistant import Answer

    click.echo(json.dumps(Answer.model_json_schema(mode="serialization"), ensure_ascii=False, indent=2))


main.add_command(feedback)

if __name__ == "__main__":  # pragma: no cover
    main()
