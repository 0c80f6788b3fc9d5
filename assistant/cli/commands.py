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
from assistant.cli.params import common_options, handle_errors, log_level_option, mode_option, settings_from
from assistant.cli.render import render, render_eval
from assistant.errors import AssistantError, InvalidQuestionError
from assistant.options import MODES

EPILOG_ASK = """\b
Examples:
  assistant ask "한국이 나아가야 할 방향은?"
  assistant ask "메가 얼라이언스란?" -k 3 --json
  assistant ask --file questions.txt --json > answers.jsonl
"""


EPILOG_EVAL = """\b
Examples:
  assistant eval docs/examples/questions.jsonl
  assistant eval docs/examples/questions.jsonl --compare
  assistant eval KorQuAD_v1.0_dev.json --index korquad-index --limit 500 --json > report.json

\b
One JSON object per line:
  {"question": "메가 얼라이언스란?", "doc": "한국의_AI_원팀_전략과_해외_AI_동맹_비교.txt"}
  {"question": "...", "passage": "the text that answers it"}
  {"question": "화성 탐사 로켓의 연료는?", "answerable": false}
See docs/eval.md for "docs", "spans" and the metrics.
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="korean-assistant", prog_name="assistant")
def main() -> None:
    """Korean document Q&A: cited passages and an extractive summary, offline.

    \b
    Quick start:
      assistant index corpus/          build the index from a folder of documents
      assistant ask "질문"              answer one question
      assistant chat                   converse in the terminal
      assistant eval questions.jsonl   measure retrieval on your own questions
      assistant serve                  chat page and HTTP API at http://127.0.0.1:8000/
      assistant slack                  the Slack bot over Socket Mode
      assistant info                   what is indexed, with which model
      assistant schema                 the JSON Schema of --json answers

    Every setting can also be given as an environment variable ASSISTANT_<NAME>
    (ASSISTANT_INDEX_DIR, ASSISTANT_MODEL, ASSISTANT_CHUNK_SIZE, ASSISTANT_TOP_K, ...).
    """


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@common_options
@click.option("--rebuild", is_flag=True, help="Embed everything again instead of reusing unchanged chunks.")
@click.option("--chunk-size", type=int, default=None, help="Target chunk length in characters (default 500).")
@click.option("--chunk-overlap", type=int, default=None, help="Overlap between chunks in characters (default 100).")
@click.option(
    "--vector-index",
    default=None,
    metavar="KIND",
    help="flat (exact, default), hnsw, milvus://HOST:PORT (a Milvus server) or FILE.db (milvus-lite). "
    "[env: ASSISTANT_VECTOR_INDEX]",
)
@click.option("--if-stale", is_flag=True, help="Do nothing when the index already matches the corpus and settings.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
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
    """Index a folder (or file) of Korean documents: .txt .md .html .pdf.

    PATH defaults to corpus/ (or ASSISTANT_CORPUS_DIR). Unchanged chunks are not embedded
    again; deleted documents are dropped. The previous index keeps working until the new
    one is complete. Unreadable files are reported and skipped.
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
        show_progress=not quiet and not as_json,
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
            "\n중단됨: 이전 색인은 그대로 쓸 수 있습니다. 같은 명령을 다시 실행하면 끝난 임베딩은 건너뛰고 이어서 색인합니다."
            "\n(Interrupted: the previous index still works; run the same command again to resume.)",
            err=True,
        )
        sys.exit(130)
    m = result.manifest
    if as_json:
        click.echo(json.dumps(asdict(m), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"색인 완료: 문서 {m.n_documents}개, 청크 {m.n_chunks}개 "
        f"(새로 임베딩 {m.embedded_chunks}, 재사용 {m.reused_chunks}), {m.build_seconds:.1f}초 → {settings.index_dir}"
    )
    for path_, reason in m.skipped:
        click.secho(f"건너뜀: {path_}: {reason}", fg="yellow", err=True)


@main.command(epilog=EPILOG_ASK)
@click.argument("question", required=False)
@common_options
@click.option("-k", "top_k", type=click.IntRange(1, 50), default=None, help="Number of passages (default 5).")
@click.option(
    "--file",
    "file",
    # Bytes that are not UTF-8 come through as surrogates, which the engine refuses with the line.
    type=click.File("r", encoding="utf-8", errors="surrogateescape"),
    default=None,
    help="Answer one question per line of this file ('-' for stdin).",
)
@mode_option("Retrieval mode.")
@click.option("--json", "as_json", is_flag=True, help="JSON output (JSON Lines with --file).")
@click.option(
    "--local",
    "force_local",
    is_flag=True,
    help="Answer in this process even when a server of the same index (assistant serve) is running.",
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
    """Answer a question with cited passages and an extractive summary.

    A single QUESTION goes to a running `assistant serve` of the same index, if there is
    one (no model to load: a fraction of a second); --local answers in this process.
    """
    if question is None and file is None:
        raise click.UsageError("give a QUESTION or --file F")
    if (
        question is not None
        and not force_local
        and _print_from_server(index_dir, model, question, top_k, mode, as_json)
    ):
        return
    settings = settings_from(index_dir=index_dir, model=model, top_k=top_k, show_progress=False)
    from assistant import Engine

    engine = Engine(settings)
    if question is not None:
        engine.validate(question)
        engine.preload()  # the model loads while Kiwi does
    if question is not None:
        answer = engine.ask(question, mode=mode)  # type: ignore[arg-type]
        click.echo(answer.model_dump_json() if as_json else render(answer))
        return
    for n, line in enumerate(file, 1):
        if not line.strip():
            continue
        try:
            answer = engine.ask(line.rstrip("\n"), mode=mode)  # type: ignore[arg-type]
        except AssistantError as exc:
            raise _at_line(exc, getattr(file, "name", "-"), n) from None
        click.echo(answer.model_dump_json() if as_json else render(answer))


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
@click.option("-k", "top_k", type=click.IntRange(1, 50), default=None, help="Number of passages (default 5).")
@click.option(
    "--session",
    "session_id",
    default=None,
    metavar="ID",
    help="Continue a stored conversation (its id is shown when a chat ends, and in --json answers).",
)
@click.option("--json", "as_json", is_flag=True, help="Read one message per line, write one JSON answer per line.")
@handle_errors
def chat(index_dir: Path | None, model: str | None, top_k: int | None, session_id: str | None, as_json: bool) -> None:
    """Converse in the terminal (empty line or Ctrl-D to quit).

    Follow-up questions are understood from the conversation ("그럼 미국은?", "그건 왜
    그런가요?", "두 번째 것을 자세히", "더 자세히"); the answer shows what was searched and
    which earlier question it drew on. The conversation is stored (ASSISTANT_SESSIONS_PATH,
    by default next to the index folder) and --session ID continues it later.

    With --json and a non-terminal stdin, reads one message per line and writes one
    JSON answer per line, for scripts; all lines are one conversation.
    """
    from assistant import Conversation, Engine, SessionStore

    settings = settings_from(index_dir=index_dir, model=model, top_k=top_k, show_progress=False)
    interactive = sys.stdin.isatty() and not as_json
    if interactive:
        click.echo("질문을 입력하세요. 빈 줄이나 Ctrl-D로 끝냅니다.")
    with SessionStore(settings.sessions_file, ttl_hours=settings.session_ttl_hours) as store:
        conversation = Conversation(Engine(settings), store, settings)
        sid = session_id
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
                click.secho(f"오류: {exc.message}", fg="red", err=True)
                continue
            sid = answer.session_id
            click.echo(answer.model_dump_json() if as_json else render(answer))
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
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@handle_errors
def info(index_dir: Path | None, model: str | None, as_json: bool) -> None:
    """Show what is indexed, with which model and settings."""
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
    click.echo(f"청크: 크기 {m.chunk_size}, 겹침 {m.chunk_overlap}; 코퍼스: {m.corpus_dir}")
    click.echo(f"문서 {m.n_documents}개, 청크 {m.n_chunks}개:")
    for d in docs:
        click.echo(f"  - {d.title}  ({d.doc_id}, 청크 {d.n_chunks}개, {d.chars:,}자)")


@main.command("eval", epilog=EPILOG_EVAL)
@click.argument("questions", type=click.Path(path_type=Path, dir_okay=False))
@common_options
@mode_option("Retrieval mode to measure.")
@click.option("--compare", is_flag=True, help="Measure hybrid, dense and bm25 side by side on the same questions.")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N", help="Only the first N questions.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON, with every question's result.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
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
    """Measure retrieval on your own questions: R@1/5/10, MRR@10, nDCG@10, abstention, latency.

    QUESTIONS is a JSON Lines file (one question per line, with the document, passage or
    spans that answer it, or "answerable": false) or a KorQuAD 1.0 JSON file. Each question
    is asked as `assistant ask -k 10` asks it, one at a time; times are per question, after
    the model has loaded.
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
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@log_level_option
@handle_errors
def serve(index_dir: Path | None, model: str | None, host: str, port: int, log_level: str) -> None:
    """Start the chat page and the HTTP API (open http://HOST:PORT/).

    \b
    The model and the index are loaded once at start-up. Endpoints:
      POST /api/ask, /api/chat, /api/chat/stream (server-sent events)
      GET|DELETE /api/sessions/ID, GET /api/documents[/ID], POST /api/reindex
      GET /healthz, /docs (OpenAPI)
    Set ASSISTANT_API_KEY to require a key on /api/*; ASSISTANT_RATE_LIMIT_PER_MINUTE,
    ASSISTANT_MAX_BODY_BYTES and ASSISTANT_CORS_ORIGINS tune the other guards. Behind a
    reverse proxy, ASSISTANT_TRUSTED_PROXIES lists the proxies whose X-Forwarded-For is
    believed (none by default). See docs/security.md.
    """
    import uvicorn

    from assistant.web import create_app, server_options

    settings = settings_from(index_dir=index_dir, model=model, show_progress=False)
    _check_session_stores(settings)  # a file that cannot be created: a message now, not a traceback later
    if host not in LOOPBACK_HOSTS and not settings.api_key:
        click.secho(
            f"경고: {host}에서 API 키 없이 서비스합니다. ASSISTANT_API_KEY를 설정하세요. (no API key on a public address)",
            fg="yellow",
            err=True,
        )
    click.echo(f"http://{host}:{port}/ 에서 서비스합니다 (Ctrl-C로 종료).", err=True)
    from assistant.cli.local_server import advertised

    with advertised(settings.index_dir, host, port, settings.model):  # `assistant ask` then asks this server
        uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, **server_options(settings))


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
    """Run the Slack bot over Socket Mode (no public URL needed; Ctrl-C to stop).

    \b
    Needs ASSISTANT_SLACK_BOT_TOKEN (xoxb-...) and ASSISTANT_SLACK_APP_TOKEN (xapp-...,
    scope connections:write). Over HTTP instead, set ASSISTANT_SLACK_BOT_TOKEN and
    ASSISTANT_SLACK_SIGNING_SECRET and run `assistant serve`: Slack posts to /slack/events.
    The app's manifest is slack/manifest.yml.
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
    """Print the JSON Schema of an answer (the output of ask/chat --json)."""
    from assistant import Answer

    click.echo(json.dumps(Answer.model_json_schema(mode="serialization"), ensure_ascii=False, indent=2))


main.add_command(feedback)

if __name__ == "__main__":  # pragma: no cover
    main()
