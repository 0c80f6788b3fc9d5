"""Options and error handling shared by the commands: --index/--model, --mode, --log-level, settings."""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant.errors import (
    AssistantError,
    ConfigError,
    CorpusError,
    DocumentReadError,
    EvalDataError,
    IndexBusyError,
    IndexCorruptError,
    IndexError_,
    IndexMismatchError,
    IndexMissingError,
    InvalidQuestionError,
    ModelError,
    SessionNotFoundError,
    VectorStoreError,
)
from assistant.options import MODES

F = TypeVar("F", bound=Callable[..., Any])


def common_options(func: F) -> F:
    """--index and --model, taken by every command (also ASSISTANT_INDEX_DIR / ASSISTANT_MODEL)."""
    func = click.option(
        "--model",
        "model",
        envvar="ASSISTANT_MODEL",
        default=None,
        metavar="NAME",
        help="임베딩 모델: embedded-e5-small(기본, 오프라인) 또는 sentence-transformers 모델 이름/폴더. "
        "[환경 변수: ASSISTANT_MODEL]",
    )(func)
    func = click.option(
        "--index",
        "index_dir",
        envvar="ASSISTANT_INDEX_DIR",
        default=None,
        metavar="DIR",
        type=click.Path(path_type=Path),
        help="색인 폴더(기본 index/). [환경 변수: ASSISTANT_INDEX_DIR]",
    )(func)
    return func


def mode_option(help_text: str) -> Callable[[F], F]:
    """--mode: hybrid (default), dense or bm25."""
    return click.option(
        "--mode", type=click.Choice(MODES), default="hybrid", help=f"{help_text} hybrid(기본), dense, bm25."
    )


def settings_from(**overrides: Any) -> Any:
    """Settings from ASSISTANT_* variables, with the given command-line values on top."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from assistant.settings import Settings

    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = Settings(**given)
        # Messages name the index folder as an absolute path, wherever the command runs.
        return settings.model_copy(update={"index_dir": absolute(settings.index_dir)})
    except ValidationError as exc:
        problems = "; ".join(
            ": ".join(part for part in (".".join(map(str, e["loc"])), _problem(e)) if part) for e in exc.errors()
        )
        raise ConfigError(f"설정 값이 잘못되었습니다: {problems}") from None
    except SettingsError as exc:  # a variable that should hold JSON does not (ASSISTANT_CORS_ORIGINS=x)
        field = re.search(r'field "(\w+)"', str(exc))
        name = f"ASSISTANT_{field.group(1).upper()}" if field else "ASSISTANT_* 환경 변수"
        raise ConfigError(
            f"{name}의 값을 읽을 수 없습니다(JSON이 아닙니다).",
            hint="목록 값은 JSON으로 씁니다. 예: ASSISTANT_CORS_ORIGINS='[\"https://chat.example.com\"]'",
        ) from None


def _problem(error: Any) -> str:
    """One problem pydantic found in a setting, in Korean."""
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "value_error":  # the settings' own checks, already in Korean
        return str(ctx.get("error") or error["msg"]).removeprefix("Value error, ")
    templates = {
        "greater_than_equal": "{ge} 이상이어야 합니다",
        "less_than_equal": "{le} 이하여야 합니다",
        "greater_than": "{gt}보다 커야 합니다",
        "less_than": "{lt}보다 작아야 합니다",
        "int_parsing": "정수여야 합니다",
        "int_from_float": "정수여야 합니다",
        "float_parsing": "수여야 합니다",
        "bool_parsing": "true나 false여야 합니다",
        "literal_error": "다음 중 하나여야 합니다: {expected}",
        "string_too_short": "{min_length}자 이상이어야 합니다",
        "string_too_long": "{max_length}자 이하여야 합니다",
    }
    template = templates.get(kind, "값을 쓸 수 없습니다")
    if "expected" in ctx:  # "'auto', 'onnx' or 'torch'"
        ctx = {**ctx, "expected": str(ctx["expected"]).replace(" or ", ", ")}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return "값을 쓸 수 없습니다"


#: A Korean message for each kind of error, for a message that has none of its own in Korean.
KIND_MESSAGES: tuple[tuple[type[AssistantError], str], ...] = (
    (IndexMissingError, "색인이 없습니다."),
    (IndexMismatchError, "색인이 다른 모델이나 형식으로 만들어졌습니다."),
    (IndexCorruptError, "색인 파일이 손상되었습니다."),
    (IndexBusyError, "다른 프로세스가 색인을 만들고 있습니다."),
    (IndexError_, "색인을 쓸 수 없습니다."),
    (ConfigError, "설정 값이 잘못되었습니다."),
    (InvalidQuestionError, "이 질문은 쓸 수 없습니다."),
    (CorpusError, "문서 폴더를 쓸 수 없습니다."),
    (DocumentReadError, "문서를 읽을 수 없습니다."),
    (ModelError, "임베딩 모델을 불러올 수 없습니다."),
    (VectorStoreError, "벡터 저장소(Milvus)에 연결할 수 없거나 요청이 거부되었습니다."),
    (SessionNotFoundError, "대화 세션이 없거나 만료되었습니다."),
    (EvalDataError, "질문 파일을 쓸 수 없습니다."),
)


def has_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def korean_message(exc: AssistantError) -> tuple[str, str | None]:
    """The message and hint the command line prints for ``exc``: its own when they are in
    Korean, otherwise the message of its kind (and no hint)."""
    message = _ENGLISH_GLOSS.sub("", exc.message)
    if not has_hangul(message):
        message = next((text for kind, text in KIND_MESSAGES if isinstance(exc, kind)), "처리하지 못했습니다.")
    hint = exc.hint
    if hint and not has_hangul(hint):  # keep what it names: the variables to set, the commands to run
        names = list(dict.fromkeys(re.findall(r"ASSISTANT_\w+|`assistant [^`]+`|assistant index[^,;.()]*", hint)))
        hint = f"다음을 확인하세요: {', '.join(names)}" if names else None
    return message, hint


#: An English gloss after a Korean message: "…를 쓸 수 없습니다: x. (the store cannot be used)".
_ENGLISH_GLOSS = re.compile(r"(?<=[.!?다])\s*\([^()가-힣]*\)$")


def absolute(path: Path) -> Path:
    """``path`` from the root, as messages show it (``~`` expanded, ``..`` resolved; links kept)."""
    return Path(os.path.abspath(path.expanduser()))


def handle_errors(func: F) -> F:
    """Print an AssistantError as a message (and its hint) and exit with its code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AssistantError as exc:
            message, hint = korean_message(exc)
            click.secho(f"오류: {message}", fg="red", err=True)
            if hint:
                click.echo(hint, err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("중단되었습니다.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


log_level_option = click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    help="로그 수준(기본 info).",
)
